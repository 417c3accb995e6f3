// Types shared by the modules of the kernel top (not by the lanes, whose ports are plain vectors).
package nasmac_top_pkg;
  // A descriptor that passed validation, as the fetch side carries it to a lane feeder.
  typedef struct packed {
    logic [127:0] key;      // K_NASint, key octet 0 in [127:120] (the lane order)
    logic [31:0]  count;    // COUNT
    logic [4:0]   bearer;   // BEARER
    logic         dir;      // DIRECTION
    logic [15:0]  len_bits; // 1..65504
    logic [31:0]  exp_mac;  // expected MAC, octet 0 in [31:24]
    logic [31:0]  index;    // result record index (already checked < NUM_JOBS)
    logic [63:0]  msg_addr; // device address of message octet 0
    // Worked out by the validator so that the fetch unit does no length arithmetic:
    logic [10:0]  beats_m1; // data beats of a 512-bit bus the message touches, minus 1
    logic [10:0]  chunks_m1;// 128-bit chunks the message touches, minus 1
    logic [9:0]   words_m1; // 128-bit message words the lane takes, minus 1
    logic         one_chunk;// chunks_m1 == 0
  } job_t;
  // Its width (Yosys 0.23 has no $bits of a type; Verilator's width lint catches a mismatch).
  localparam int unsigned JOB_W = 128 + 32 + 5 + 1 + 16 + 32 + 32 + 64 + 11 + 11 + 10 + 1;

  // One result record on its way to the writer.
  typedef struct packed {
    logic [31:0] mac;    // computed MAC, octet 0 in [31:24] (0 for a bad descriptor)
    logic [1:0]  status; // nasmac_layout_pkg::ST_* (1..3)
    logic [31:0] index;  // record index
  } res_t;
  localparam int unsigned RES_W = 32 + 2 + 32;
endpackage
