// Descriptor side of the kernel: reads the descriptor array in bursts (never across 4 KiB),
// assembles 64-octet descriptors from the data beats, validates each one and hands it on as
// exactly one of: a job for a lane (job_*), a bad-descriptor record (bad_*), or, when its INDEX
// is outside the result array, a bad_index_o pulse (no record can be written for it).
module nasmac_desc #(
  // AXI data width in bits (128, 256 or 512).
  parameter int unsigned DataWidth = 512,
  // Descriptors per read burst.
  parameter int unsigned DescBurst = 16,
  // Descriptors the beat buffer holds (requested ahead); a power of two, at least 2 DescBurst.
  // At 150 cycles of memory latency and a descriptor every 3 cycles, about 50 are in flight.
  parameter int unsigned DescAhead = 128
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 start_i,       // one-cycle pulse: a run begins
  /* verilator lint_off UNUSEDSIGNAL */ // Descriptors are 64-octet aligned: the low bits are ignored.
  input  logic [63:0]          desc_addr_i,   // stable during the run
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [63:0]          arena_addr_i,
  input  logic [31:0]          arena_bytes_i,
  input  logic [31:0]          num_jobs_i,
  // Read requests: ar_len_o is beats - 1.
  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [63:0]          ar_addr_o,
  output logic [7:0]           ar_len_o,
  // Descriptor data beats, in request order. There is always room: only what fits is requested.
  input  logic                 beat_valid_i,
  input  logic [DataWidth-1:0] beat_data_i,
  // A valid job and its algorithm (1..3).
  output logic                 job_valid_o,
  input  logic                 job_ready_i,
  output nasmac_top_pkg::job_t job_o,
  output logic [1:0]           job_alg_o,
  // A bad-descriptor record.
  output logic                 bad_valid_o,
  input  logic                 bad_ready_i,
  output nasmac_top_pkg::res_t bad_o,
  // One pulse per descriptor whose INDEX >= NUM_JOBS.
  output logic                 bad_index_o,
  // One pulse per descriptor disposed of (job, record or bad index).
  output logic                 consumed_o
);
  localparam int unsigned BeatBytes = DataWidth / 8;
  localparam int unsigned DescBeats = 64 / BeatBytes;
  localparam int unsigned FifoBeats = DescAhead * DescBeats;
  localparam int unsigned FifoCntW  = $clog2(FifoBeats) + 1;
  localparam int unsigned BeatIdxW  = (DescBeats > 1) ? $clog2(DescBeats) : 1;

  // ---- Read requests ---------------------------------------------------------------------------
  logic [31:0]         req_left_q, req_left_d;     // descriptors not yet requested
  logic [63:0]         req_addr_q, req_addr_d;
  logic [FifoCntW-1:0] reserved_q, reserved_d;     // beats requested and not yet popped
  logic [31:0]         to_boundary, burst_descs;
  logic [FifoCntW-1:0] burst_beats;
  logic                fifo_pop;

  // Descriptors that fit before the next 4 KiB boundary (the address is 64-octet aligned).
  assign to_boundary = (32'd4096 - {20'h0, req_addr_q[11:0]}) >> 6;
  always_comb begin
    burst_descs = req_left_q;
    if (burst_descs > DescBurst) burst_descs = DescBurst;
    if (burst_descs > to_boundary) burst_descs = to_boundary;
  end
  assign burst_beats = burst_descs[FifoCntW-1:0] * DescBeats[FifoCntW-1:0];
  assign ar_valid_o  = req_left_q != 32'h0 &&
                       ({1'b0, reserved_q} + {1'b0, burst_beats}) <= FifoBeats[FifoCntW:0];
  assign ar_addr_o   = req_addr_q;
  assign ar_len_o    = 8'(32'(burst_beats) - 32'd1);

  always_comb begin
    req_left_d = req_left_q;
    req_addr_d = req_addr_q;
    reserved_d = reserved_q;
    if (start_i) begin
      req_left_d = num_jobs_i;
      req_addr_d = {desc_addr_i[63:6], 6'h0};
    end else if (ar_valid_o && ar_ready_i) begin
      req_left_d = req_left_q - burst_descs;
      req_addr_d = req_addr_q + {26'h0, burst_descs, 6'h0};
      reserved_d = reserved_q + burst_beats;
    end
    if (fifo_pop) reserved_d = reserved_d - 1'b1;
  end

  // ---- Beat FIFO and assembly ------------------------------------------------------------------
  logic                 fifo_valid;
  logic [DataWidth-1:0] fifo_data;
  logic [511:0]         desc_q, desc_d;
  logic                 full_q, full_d;
  logic [BeatIdxW-1:0]  beat_idx_q, beat_idx_d;
  logic                 out_fire;

  /* verilator lint_off UNUSEDSIGNAL */ // Always set: requests never exceed the buffer.
  logic beat_room;
  /* verilator lint_on UNUSEDSIGNAL */
  nasmac_fifo #(.Width(DataWidth), .Depth(FifoBeats)) u_beats (
    .clk_i, .rst_ni,
    .wr_valid_i(beat_valid_i), .wr_ready_o(beat_room), .wr_data_i(beat_data_i),
    .rd_valid_o(fifo_valid), .rd_ready_i(fifo_pop), .rd_data_o(fifo_data)
  );

  // A beat enters the assembly register when it is empty or its descriptor leaves this cycle.
  assign fifo_pop = fifo_valid && (!full_q || out_fire);

  always_comb begin
    desc_d     = desc_q;
    full_d     = full_q;
    beat_idx_d = beat_idx_q;
    // The key leaves the register with its descriptor.
    if (out_fire) begin
      full_d = 1'b0;
      desc_d = '0;
    end
    if (fifo_pop) begin
      desc_d[beat_idx_q * DataWidth +: DataWidth] = fifo_data;
      if (32'(beat_idx_q) == DescBeats - 1) begin
        beat_idx_d = '0;
        full_d     = 1'b1;
      end else begin
        beat_idx_d = beat_idx_q + 1'b1;
      end
    end
  end

  // ---- Validation ------------------------------------------------------------------------------
  logic [7:0]  f_alg;
  logic [31:0] f_len, f_index, f_count, f_exp;
  logic [63:0] f_off;
  logic [127:0] f_key;
  logic [4:0]  f_bearer;
  logic        f_dir;
  logic [31:0] nbytes, room;
  logic        alg_ok, len_ok, range_ok, index_ok;

  assign f_alg    = desc_q[nasmac_layout_pkg::DESC_ALG_OFF * 8 +: 8];
  assign f_len    = desc_q[nasmac_layout_pkg::DESC_LEN_BITS_OFF * 8 +: 32];
  assign f_off    = desc_q[nasmac_layout_pkg::DESC_MSG_OFFSET_OFF * 8 +: 64];
  assign f_index  = desc_q[nasmac_layout_pkg::DESC_INDEX_OFF * 8 +: 32];
  assign f_count  = desc_q[nasmac_layout_pkg::DESC_COUNT_OFF * 8 +: 32];
  assign f_bearer = desc_q[nasmac_layout_pkg::DESC_BEARER_OFF * 8 +: 5];
  assign f_dir    = desc_q[nasmac_layout_pkg::DESC_DIRECTION_OFF * 8];

  // KEY and EXP_MAC are octet strings (octet 0 at the lowest address, i.e. AXI byte lane 0);
  // the lanes want octet 0 in the most significant position.
  always_comb begin
    for (int i = 0; i < 16; i++) begin
      f_key[127 - 8 * i -: 8] = desc_q[nasmac_layout_pkg::DESC_KEY_OFF * 8 + 8 * i +: 8];
    end
    for (int i = 0; i < 4; i++) begin
      f_exp[31 - 8 * i -: 8] = desc_q[nasmac_layout_pkg::DESC_EXP_MAC_OFF * 8 + 8 * i +: 8];
    end
  end

  assign nbytes   = (f_len + 32'd7) >> 3;
  assign room     = arena_bytes_i - f_off[31:0];
  assign alg_ok   = f_alg >= 8'd1 && f_alg <= 8'd3;
  assign len_ok   = f_len >= 32'd1 && f_len <= nasmac_layout_pkg::MAX_LEN_BITS;
  // msg_offset + nbytes <= ARENA_BYTES, written so that nothing can overflow.
  assign range_ok = f_off <= {32'h0, arena_bytes_i} && nbytes <= room;
  assign index_ok = f_index < num_jobs_i;

  always_comb begin
    job_o          = '0;
    job_o.key      = f_key;
    job_o.count    = f_count;
    job_o.bearer   = f_bearer;
    job_o.dir      = f_dir;
    job_o.len_bits = f_len[15:0];
    job_o.exp_mac  = f_exp;
    job_o.index    = f_index;
    job_o.msg_addr = arena_addr_i + f_off;
    job_alg_o      = f_alg[1:0];
    bad_o          = '0;
    bad_o.status   = nasmac_layout_pkg::ST_BAD_DESC[1:0];
    bad_o.index    = f_index;
  end

  assign job_valid_o = full_q && index_ok && alg_ok && len_ok && range_ok;
  assign bad_valid_o = full_q && index_ok && !(alg_ok && len_ok && range_ok);
  assign bad_index_o = full_q && !index_ok;
  assign out_fire    = (job_valid_o && job_ready_i) || (bad_valid_o && bad_ready_i) || bad_index_o;
  assign consumed_o  = out_fire;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      req_left_q <= '0;
      req_addr_q <= '0;
      reserved_q <= '0;
      desc_q     <= '0;
      full_q     <= 1'b0;
      beat_idx_q <= '0;
    end else begin
      req_left_q <= req_left_d;
      req_addr_q <= req_addr_d;
      reserved_q <= reserved_d;
      desc_q     <= desc_d;
      full_q     <= full_d;
      beat_idx_q <= beat_idx_d;
    end
  end
endmodule
