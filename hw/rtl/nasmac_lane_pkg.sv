// The lane interface (hw/LANES.md): what the kernel top hands every EIA1/EIA2/EIA3 lane with a
// job header and what it gets back with a result, as packed structs so that the lanes, their
// slots and the top's one generate block write the fields once. Both Verilator 5.006 and Yosys
// 0.23 take packed structs in ports; Yosys 0.23 drops the fields of a packed array of structs,
// so several records side by side travel as a flat vector of LANE_*_W-bit slices.
package nasmac_lane_pkg;
  // A job header.
  typedef struct packed {
    logic [127:0] key;      // K_NASint, key octet 0 in [127:120]
    logic [31:0]  count;    // COUNT
    logic [4:0]   bearer;   // BEARER
    logic         dir;      // DIRECTION
    logic [15:0]  len_bits; // LENGTH in bits, 1..65504
    logic [31:0]  exp_mac;  // expected MAC, octet 0 in [31:24]
    logic [31:0]  index;    // result index, returned with the result
  } lane_job_t;

  // A result.
  typedef struct packed {
    logic [31:0] index;     // the job's index
    logic [31:0] mac;       // computed MAC, octet 0 in [31:24]
    logic        match;     // mac == the job's exp_mac (compared in the lane)
  } lane_res_t;
  localparam int unsigned LANE_RES_W = 32 + 32 + 1;

  // Inside the EIA1 lane: a keystream slot's job as the evaluator takes it (nasmac_eia1_ks to
  // nasmac_eia1_eval), UIA2's five keystream words with the fields the result needs.
  typedef struct packed {
    logic [63:0] p;         // z1 || z2
    logic [63:0] q;         // z3 || z4
    logic [31:0] z5;        // masks the MAC
    logic [15:0] len;       // LENGTH in bits
    logic [31:0] exp;       // expected MAC
    logic [31:0] index;     // result index
  } uia2_job_t;
  // (The formal build stubs the lanes, so nothing reads this there.)
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned UIA2_JOB_W = 64 + 64 + 32 + 16 + 32 + 32;
  /* verilator lint_on UNUSEDPARAM */
endpackage
