// Descriptor side of the kernel: reads the descriptor array in bursts (never across 4 KiB),
// assembles 64-octet descriptors from the data beats, validates each one and hands it on as
// exactly one of: a job for a lane (job_*), a bad-descriptor record (bad_*), or, when its INDEX
// is outside the result array, a bad_index_o pulse (no record can be written for it).
//
// Built for a short clock period: the next burst (its length, the 4 KiB split) is worked out a
// cycle before it is offered, 64-bit address sums are two 32-bit halves with a registered carry,
// and validation is two register stages, so no path holds more than one carry chain. The
// validated descriptors wait in an output FIFO; a descriptor enters the validation stages only
// when that FIFO has room for it (a credit count), so the stages never stall and the lane's
// ready does not reach back into them.
module nasmac_desc #(
  // AXI data width in bits (128, 256 or 512).
  parameter int unsigned DataWidth = 512,
  // Descriptors per read burst (at most 64).
  parameter int unsigned DescBurst = 16,
  // Descriptors the beat buffer holds (requested ahead); a power of two, at least 2 DescBurst.
  // At 150 cycles of memory latency and a descriptor every 3 cycles, about 50 are in flight.
  parameter int unsigned DescAhead = 128,
  // Validated descriptors waiting for their lane or the writer; a power of two, at least 4.
  parameter int unsigned OutDepth = 8
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 start_i,       // one-cycle pulse: a run begins
  /* verilator lint_off UNUSEDSIGNAL */ // Descriptors are 64-octet aligned (checked by the top).
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
  localparam int unsigned OffW      = $clog2(BeatBytes);
  localparam int unsigned DescBeats = 64 / BeatBytes;
  localparam int unsigned FifoBeats = DescAhead * DescBeats;
  localparam int unsigned FifoCntW  = $clog2(FifoBeats) + 1;
  localparam int unsigned BeatIdxW  = (DescBeats > 1) ? $clog2(DescBeats) : 1;
  localparam int unsigned OutCntW   = $clog2(OutDepth) + 1;
  localparam int unsigned JobW      = nasmac_top_pkg::JOB_W;

  // ---- Read requests ---------------------------------------------------------------------------
  logic [31:0]         left_q, left_d;            // descriptors not yet requested
  logic [31:0]         addr_lo_q, addr_lo_d;      // next descriptor address, low half
  logic [31:0]         addr_hi_q, addr_hi_d;      // high half (lags a carry by one cycle)
  logic                addr_c_q, addr_c_d;
  logic                plan_q, plan_d;            // plan_* describe the next burst
  logic [6:0]          plan_descs_q, plan_descs_d;
  logic [FifoCntW-1:0] plan_beats_q, plan_beats_d;
  logic [FifoCntW-1:0] plan_limit_q, plan_limit_d; // the burst fits while reserved <= this
  logic [FifoCntW-1:0] reserved_q, reserved_d;    // beats requested and not yet popped
  logic [6:0]          to_boundary, left_cap, descs;
  logic                fifo_pop, ar_fire;

  // Descriptors that fit before the next 4 KiB boundary (the address is 64-octet aligned): 1..64.
  assign to_boundary = 7'd64 - {1'b0, addr_lo_q[11:6]};
  assign left_cap    = (left_q[31:6] != 26'h0) ? 7'd64 : {1'b0, left_q[5:0]};
  always_comb begin
    descs = 7'(DescBurst);
    if (left_cap < descs)    descs = left_cap;
    if (to_boundary < descs) descs = to_boundary;
  end

  assign ar_valid_o = plan_q && reserved_q <= plan_limit_q;
  assign ar_fire    = ar_valid_o && ar_ready_i;
  assign ar_addr_o  = {addr_hi_q, addr_lo_q};
  assign ar_len_o   = 8'(plan_beats_q - 1'b1);

  always_comb begin
    left_d       = left_q;
    addr_lo_d    = addr_lo_q;
    addr_hi_d    = addr_hi_q + {31'h0, addr_c_q};
    addr_c_d     = 1'b0;
    plan_d       = plan_q;
    plan_descs_d = plan_descs_q;
    plan_beats_d = plan_beats_q;
    plan_limit_d = plan_limit_q;
    reserved_d   = reserved_q;
    if (start_i) begin
      left_d    = num_jobs_i;
      addr_lo_d = desc_addr_i[31:0];
      addr_hi_d = desc_addr_i[63:32];
      plan_d    = 1'b0;
    end else if (ar_fire) begin
      left_d                = left_q - {25'h0, plan_descs_q};
      // A 32-bit sum; its carry out from bit 31 (the addend is small: bit 31 fell from 1 to 0).
      addr_lo_d             = addr_lo_q + {19'h0, plan_descs_q, 6'h0};
      addr_c_d              = addr_lo_q[31] && !addr_lo_d[31];
      plan_d                = 1'b0;
    end else if (!plan_q && !addr_c_q && left_q != 32'h0) begin
      // The plan is made from settled state (never in the cycle after a request).
      plan_d       = 1'b1;
      plan_descs_d = descs;
      plan_beats_d = FifoCntW'(descs) * FifoCntW'(DescBeats);
      plan_limit_d = FifoCntW'(FifoBeats) - FifoCntW'(descs) * FifoCntW'(DescBeats);
    end
    // Beats reserved: one addition with the addend chosen (a burst requested, a beat popped,
    // both or neither).
    if (ar_fire)       reserved_d = reserved_q + (fifo_pop ? plan_beats_q - 1'b1 : plan_beats_q);
    else if (fifo_pop) reserved_d = reserved_q - 1'b1;
  end

  // ---- Beat FIFO and assembly ------------------------------------------------------------------
  logic                 fifo_valid;
  logic [DataWidth-1:0] fifo_data;
  logic [511:0]         desc_q, desc_d;
  logic                 full_q, full_d;
  logic [BeatIdxW-1:0]  beat_idx_q, beat_idx_d;
  logic                 enter;   // the assembled descriptor moves into validation
  /* verilator lint_off UNUSEDSIGNAL */ // Always set: requests never exceed the buffer.
  logic                 beat_room;
  /* verilator lint_on UNUSEDSIGNAL */

  // Block RAM with a registered read, then the output register: the beat leaves the RAM (and
  // the FIFO's bypass mux) into a register, not into the assembly logic. The beats carry keys:
  // popped entries are wiped.
  nasmac_fifo #(.Width(DataWidth), .Depth(FifoBeats), .SyncRead(1), .OutReg(1), .Wipe(1)) u_beats (
    .clk_i, .rst_ni,
    .wr_valid_i(beat_valid_i), .wr_ready_o(beat_room), .wr_data_i(beat_data_i),
    .rd_valid_o(fifo_valid), .rd_ready_i(fifo_pop), .rd_data_o(fifo_data)
  );

  // A beat enters the assembly register when it is empty or its descriptor moves on.
  assign fifo_pop = fifo_valid && (!full_q || enter);

  always_comb begin
    desc_d     = desc_q;
    full_d     = full_q;
    beat_idx_d = beat_idx_q;
    if (enter) full_d = 1'b0;
    if (fifo_pop) begin
      // A decoded write enable per beat slot: with a variable part-select Yosys builds a
      // shifter (MUXF chains from every beat bit to every descriptor bit).
      for (int b = 0; b < DescBeats; b++) begin
        if (DescBeats == 1 || 32'(beat_idx_q) == b) desc_d[b * DataWidth +: DataWidth] = fifo_data;
      end
      if (32'(beat_idx_q) == DescBeats - 1) begin
        beat_idx_d = '0;
        full_d     = 1'b1;
      end else begin
        beat_idx_d = beat_idx_q + 1'b1;
      end
    end else if (enter) begin
      desc_d = '0;  // the key leaves the register with its descriptor
    end
  end

  // ---- Validation, stage 1: one carry chain per check ------------------------------------------
  logic [7:0]   f_alg;
  logic [31:0]  f_len, f_index;
  logic [63:0]  f_off;
  logic [127:0] f_key;
  logic [31:0]  f_exp;
  logic [OutCntW-1:0] credit_q, credit_d;  // descriptors in stages 1, 2 and the output FIFO

  assign f_alg   = desc_q[nasmac_layout_pkg::DESC_ALG_OFF * 8 +: 8];
  assign f_len   = desc_q[nasmac_layout_pkg::DESC_LEN_BITS_OFF * 8 +: 32];
  assign f_off   = desc_q[nasmac_layout_pkg::DESC_MSG_OFFSET_OFF * 8 +: 64];
  assign f_index = desc_q[nasmac_layout_pkg::DESC_INDEX_OFF * 8 +: 32];

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

  assign enter = full_q && credit_q != OutCntW'(OutDepth);

  // The low half of ARENA_ADDR + MSG_OFFSET: a 32-bit sum and its carry out from bit 31 (one
  // LUT after the chain instead of a 33rd bit on it).
  logic [31:0] lo_sum;
  logic        lo_c;
  assign lo_sum = arena_addr_i[31:0] + f_off[31:0];
  assign lo_c   = (arena_addr_i[31] && f_off[31]) || ((arena_addr_i[31] ^ f_off[31]) && !lo_sum[31]);

  logic         v1_q;
  logic         s1_alg_ok_q, s1_len_ok_q, s1_index_ok_q, s1_off_hi_zero_q, s1_off_le_q, s1_lo_c_q;
  logic [31:0]  s1_nbytes_q, s1_room_q, s1_lo_q, s1_off_hi_q;
  logic [15:0]  s1_len_m1_q;
  logic [1:0]   s1_alg_q;
  nasmac_top_pkg::job_t s1_job_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) v1_q <= 1'b0;
    else         v1_q <= enter;
  end
  always_ff @(posedge clk_i) begin
    if (enter) begin
      s1_alg_ok_q      <= f_alg >= 8'd1 && f_alg <= 8'd3;
      s1_len_ok_q      <= f_len >= 32'd1 && f_len <= nasmac_layout_pkg::MAX_LEN_BITS;
      s1_index_ok_q    <= f_index < num_jobs_i;
      s1_off_hi_zero_q <= f_off[63:32] == 32'h0;
      s1_off_le_q      <= f_off[31:0] <= arena_bytes_i;
      s1_nbytes_q      <= (f_len + 32'd7) >> 3;
      s1_room_q        <= arena_bytes_i - f_off[31:0];
      s1_lo_q          <= lo_sum;
      s1_lo_c_q        <= lo_c;
      s1_off_hi_q      <= f_off[63:32];
      s1_len_m1_q      <= f_len[15:0] - 16'd1;
      s1_alg_q         <= f_alg[1:0];
      s1_job_q         <= '0;
      s1_job_q.key     <= f_key;
      s1_job_q.count   <= desc_q[nasmac_layout_pkg::DESC_COUNT_OFF * 8 +: 32];
      s1_job_q.bearer  <= desc_q[nasmac_layout_pkg::DESC_BEARER_OFF * 8 +: 5];
      s1_job_q.dir     <= desc_q[nasmac_layout_pkg::DESC_DIRECTION_OFF * 8];
      s1_job_q.len_bits <= f_len[15:0];
      s1_job_q.exp_mac <= f_exp;
      s1_job_q.index   <= f_index;
    end else if (v1_q) begin
      s1_job_q.key     <= '0;  // wiped once it has moved on
    end
  end

  // ---- Validation, stage 2: range check, message address, lengths for the fetch unit ----------
  // Kinds of output: a job, a bad-descriptor record, a bad index.
  localparam logic [1:0] KindJob = 2'd0, KindBad = 2'd1, KindBadIndex = 2'd2;
  logic                 v2_q;
  logic [1:0]           s2_kind_q;
  logic [1:0]           s2_alg_q;
  nasmac_top_pkg::job_t s2_job_q;
  logic                 s1_good;
  logic [15:0]          last_octet, last_octet_chunk;  // of the message, from its beat / chunk start

  assign s1_good          = s1_alg_ok_q && s1_len_ok_q && s1_off_hi_zero_q && s1_off_le_q &&
                            s1_nbytes_q <= s1_room_q;
  assign last_octet       = {{(16 - OffW){1'b0}}, s1_lo_q[OffW-1:0]} + {3'h0, s1_len_m1_q[15:3]};
  assign last_octet_chunk = {12'h0, s1_lo_q[3:0]} + {3'h0, s1_len_m1_q[15:3]};

  always_ff @(posedge clk_i) begin
    if (!rst_ni) v2_q <= 1'b0;
    else         v2_q <= v1_q;
  end
  always_ff @(posedge clk_i) begin
    if (v1_q) begin
      s2_kind_q          <= !s1_index_ok_q ? KindBadIndex : s1_good ? KindJob : KindBad;
      s2_alg_q           <= s1_alg_q;
      s2_job_q           <= s1_job_q;
      s2_job_q.msg_addr  <= {arena_addr_i[63:32] + s1_off_hi_q + {31'h0, s1_lo_c_q}, s1_lo_q};
      s2_job_q.beats_m1  <= 11'(last_octet >> OffW);
      s2_job_q.chunks_m1 <= 11'(last_octet_chunk >> 4);
      s2_job_q.one_chunk <= last_octet_chunk[15:4] == 12'h0;
      s2_job_q.words_m1  <= 10'(s1_len_m1_q >> 7);
    end else if (v2_q) begin
      s2_job_q.key       <= '0;
    end
  end

  // ---- Output FIFO -----------------------------------------------------------------------------
  logic                 out_valid, out_pop;
  logic [1:0]           out_kind, out_alg;
  nasmac_top_pkg::job_t out_job;
  /* verilator lint_off UNUSEDSIGNAL */ // Always set: the credit count keeps a place for every entry.
  logic                 out_room;
  /* verilator lint_on UNUSEDSIGNAL */

  // Its entries carry keys: popped ones are wiped.
  nasmac_fifo #(.Width(JobW + 4), .Depth(OutDepth), .Wipe(1)) u_out (
    .clk_i, .rst_ni,
    .wr_valid_i(v2_q), .wr_ready_o(out_room), .wr_data_i({s2_kind_q, s2_alg_q, s2_job_q}),
    .rd_valid_o(out_valid), .rd_ready_i(out_pop), .rd_data_o({out_kind, out_alg, out_job})
  );

  always_comb begin
    credit_d = credit_q;
    if (enter && !out_pop)      credit_d = credit_q + 1'b1;
    else if (!enter && out_pop) credit_d = credit_q - 1'b1;
  end

  // The outputs come from a register in front of the FIFO, so that the FIFO's read does not reach
  // the lanes' queues or the writer's source multiplexer; it reloads in the cycle it is taken.
  logic                 ov_q, ov_d, o_take;
  logic [1:0]           okind_q, oalg_q;
  nasmac_top_pkg::job_t ojob_q, ojob_d;

  always_comb begin
    job_o        = ojob_q;
    job_alg_o    = oalg_q;
    bad_o        = '0;
    bad_o.status = nasmac_layout_pkg::ST_BAD_DESC[1:0];
    bad_o.index  = ojob_q.index;
  end

  assign job_valid_o = ov_q && okind_q == KindJob;
  assign bad_valid_o = ov_q && okind_q == KindBad;
  assign bad_index_o = ov_q && okind_q == KindBadIndex;
  assign o_take      = (job_valid_o && job_ready_i) || (bad_valid_o && bad_ready_i) || bad_index_o;
  assign consumed_o  = o_take;
  assign out_pop     = out_valid && (!ov_q || o_take);

  always_comb begin
    ov_d   = ov_q;
    ojob_d = ojob_q;
    if (o_take) begin
      ov_d       = 1'b0;
      ojob_d.key = '0;  // the lane has the key: none stays here
    end
    if (out_pop) begin
      ov_d   = 1'b1;
      ojob_d = out_job;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) ov_q <= 1'b0;
    else         ov_q <= ov_d;
  end
  always_ff @(posedge clk_i) begin
    ojob_q <= ojob_d;
    if (out_pop) begin
      okind_q <= out_kind;
      oalg_q  <= out_alg;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      left_q     <= '0;
      addr_c_q   <= 1'b0;
      plan_q     <= 1'b0;
      reserved_q <= '0;
      full_q     <= 1'b0;
      beat_idx_q <= '0;
      credit_q   <= '0;
    end else begin
      left_q     <= left_d;
      addr_c_q   <= addr_c_d;
      plan_q     <= plan_d;
      reserved_q <= reserved_d;
      full_q     <= full_d;
      beat_idx_q <= beat_idx_d;
      credit_q   <= credit_d;
    end
  end

  // Datapath registers: no reset (their valid bits have one).
  always_ff @(posedge clk_i) begin
    addr_lo_q    <= addr_lo_d;
    addr_hi_q    <= addr_hi_d;
    plan_descs_q <= plan_descs_d;
    plan_beats_q <= plan_beats_d;
    plan_limit_q <= plan_limit_d;
    desc_q       <= desc_d;
  end
endmodule
