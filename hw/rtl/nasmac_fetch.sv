// Message side of one lane: queues the lane's jobs, reads each message from the arena in bursts
// (never across 4 KiB, never more than the beat buffer has room for, so the shared read channel
// never waits on a busy lane), and feeds the lane its job header and then the message as 128-bit
// words, realigned so that message octet 0 sits in [127:120] whatever the octet offset.
//
// Built for a short clock period: the lengths come worked out with the job (nasmac_desc), the
// next burst (its length, the 4 KiB split) is planned a cycle before it is offered, the request
// address is two 32-bit halves with a registered carry, and the outputs to the lane come from
// registers (the lane's ready only decides whether they are reloaded). The key leaves the header
// register when the lane takes it.
module nasmac_fetch #(
  // AXI data width in bits (128, 256 or 512).
  parameter int unsigned DataWidth = 512,
  // Beats of read buffer; a power of two, at least MaxBurst, at most 2048.
  parameter int unsigned BufBeats = 128,
  // Longest read burst in beats.
  parameter int unsigned MaxBurst = 16,
  // Jobs whose reads are issued, queued ahead of the lane; a power of two. At 150 cycles of
  // memory latency and a job every 5 cycles, about 30 are in flight.
  parameter int unsigned JobDepth = 64,
  // Jobs queued before their reads are issued; a power of two.
  parameter int unsigned QueueDepth = 8
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Jobs for this lane.
  input  logic                 job_valid_i,
  output logic                 job_ready_o,
  input  nasmac_top_pkg::job_t job_i,
  // Read requests: ar_len_o is beats - 1.
  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [63:0]          ar_addr_o,
  output logic [7:0]           ar_len_o,
  // Message data beats, in request order. There is always room: only what fits is requested.
  input  logic                 beat_valid_i,
  input  logic [DataWidth-1:0] beat_data_i,
  // To the lane (ports of hw/LANES.md).
  output logic                 lane_job_valid_o,
  input  logic                 lane_job_ready_i,
  output logic [127:0]         lane_job_key_o,
  output logic [31:0]          lane_job_count_o,
  output logic [4:0]           lane_job_bearer_o,
  output logic                 lane_job_dir_o,
  output logic [15:0]          lane_job_len_bits_o,
  output logic [31:0]          lane_job_exp_mac_o,
  output logic [31:0]          lane_job_index_o,
  output logic                 lane_msg_valid_o,
  input  logic                 lane_msg_ready_i,
  output logic [127:0]         lane_msg_data_o,
  output logic                 lane_msg_last_o
);
  localparam int unsigned Chunks    = DataWidth / 128;         // 128-bit chunks per beat
  localparam int unsigned OffW      = $clog2(DataWidth / 8);   // octet offset within a beat
  localparam int unsigned ChunkW    = (Chunks > 1) ? $clog2(Chunks) : 1;
  localparam int unsigned CntW      = $clog2(BufBeats) + 1;
  localparam int unsigned BndW      = 13 - OffW;                // beats to a 4 KiB boundary: 1..4096/beat

  // ---- Job queue and read requests -------------------------------------------------------------
  logic                 q_valid, q_pop;
  nasmac_top_pkg::job_t q_job;
  logic                 hdr_wr_ready;

  // The queues carry keys: popped entries are wiped.
  nasmac_fifo #(.Width(nasmac_top_pkg::JOB_W), .Depth(QueueDepth), .Wipe(1)) u_jobs (
    .clk_i, .rst_ni,
    .wr_valid_i(job_valid_i), .wr_ready_o(job_ready_o), .wr_data_i(job_i),
    .rd_valid_o(q_valid), .rd_ready_i(q_pop), .rd_data_o(q_job)
  );

  logic              active_q, active_d;       // bursts of a message still to request
  logic [31:0]       addr_lo_q, addr_lo_d;     // next beat-aligned address to request, low half
  logic [31:0]       addr_hi_q, addr_hi_d;     // high half (lags a carry by one cycle)
  logic              addr_c_q, addr_c_d;
  logic [11:0]       left_q, left_d;           // beats of the message not yet requested
  logic              plan_q, plan_d;           // plan_* describe the next burst
  logic [7:0]        plan_beats_q, plan_beats_d;
  logic [CntW-1:0]   plan_limit_q, plan_limit_d;  // the burst fits while reserved <= this
  logic              plan_last_q, plan_last_d; // the message's last burst
  logic [CntW-1:0]   reserved_q, reserved_d;   // beats requested and not yet consumed
  logic [BndW-1:0]   bnd_q, bnd_d;             // beats from addr_lo_q to the next 4 KiB boundary
  logic [7:0]        burst;                    // at most MaxBurst
  logic              buf_pop, buf_pop_q, ar_fire;

  // A message starts requesting when its header has a place in the queue to the lane.
  assign q_pop = q_valid && !active_q && hdr_wr_ready;

  // The three-way minimum from three compares made side by side (two against constants), with
  // the beats to the boundary kept in a register (bnd_q) rather than worked out from the address.
  logic left_le_max, left_le_bnd, bnd_le_max;
  assign left_le_max = left_q <= 12'(MaxBurst);
  assign left_le_bnd = left_q <= 12'(bnd_q);
  assign bnd_le_max  = 12'(bnd_q) <= 12'(MaxBurst);
  always_comb begin
    if (left_le_max && left_le_bnd) burst = 8'(left_q);
    else if (bnd_le_max)            burst = 8'(bnd_q);
    else                            burst = 8'(MaxBurst);
  end
  assign ar_valid_o = plan_q && reserved_q <= plan_limit_q;
  assign ar_fire    = ar_valid_o && ar_ready_i;
  assign ar_addr_o  = {addr_hi_q, addr_lo_q};
  assign ar_len_o   = plan_beats_q - 8'd1;

  always_comb begin
    active_d     = active_q;
    addr_lo_d    = addr_lo_q;
    addr_hi_d    = addr_hi_q + {31'h0, addr_c_q};
    addr_c_d     = 1'b0;
    left_d       = left_q;
    plan_d       = plan_q;
    plan_beats_d = plan_beats_q;
    plan_limit_d = plan_limit_q;
    plan_last_d  = plan_last_q;
    reserved_d   = reserved_q;
    bnd_d        = bnd_q;
    if (q_pop) begin
      bnd_d     = BndW'(1 << (12 - OffW)) - {1'b0, q_job.msg_addr[11:OffW]};
      active_d  = 1'b1;
      addr_lo_d = {q_job.msg_addr[31:OffW], {OffW{1'b0}}};
      addr_hi_d = q_job.msg_addr[63:32];
      left_d    = {1'b0, q_job.beats_m1} + 12'd1;
    end else if (ar_fire) begin
      // A 32-bit sum; its carry out from bit 31 (the addend is small: bit 31 fell from 1 to 0).
      addr_lo_d             = addr_lo_q + ({24'h0, plan_beats_q} << OffW);
      addr_c_d              = addr_lo_q[31] && !addr_lo_d[31];
      left_d                = left_q - {4'h0, plan_beats_q};
      // A burst never crosses the boundary: it ends before it or exactly at it (a new page).
      bnd_d                 = (bnd_q == BndW'(plan_beats_q)) ? BndW'(1 << (12 - OffW))
                                                             : bnd_q - BndW'(plan_beats_q);
      plan_d                = 1'b0;
      if (plan_last_q) active_d = 1'b0;
    end else if (active_q && !plan_q && !addr_c_q) begin
      // The plan is made from settled state (never in the cycle after a request).
      plan_d       = 1'b1;
      plan_beats_d = burst;
      plan_limit_d = CntW'(BufBeats) - CntW'(burst);
      // The last burst takes all that is left; compared in parallel with the minimum above.
      plan_last_d  = left_le_max && left_le_bnd;
    end
    // Beats reserved: one addition with the addend chosen (a burst requested, a beat consumed,
    // both or neither), outside the branches above so that q_pop does not reach it. A consumed
    // beat is counted a cycle late (buf_pop_q): the lane's ready, which decides the pop, then
    // ends in that flop instead of running on through the adder (reserved_q is one too high
    // for a cycle, so a burst may wait a cycle; it never overfills the buffer).
    if (ar_fire)        reserved_d = reserved_q + (buf_pop_q ? CntW'(plan_beats_q) - 1'b1 : CntW'(plan_beats_q));
    else if (buf_pop_q) reserved_d = reserved_q - 1'b1;
  end

  // ---- Buffers ---------------------------------------------------------------------------------
  logic                 hdr_valid, hdr_pop;
  /* verilator lint_off UNUSEDSIGNAL */ // The lane does not need all of the job.
  nasmac_top_pkg::job_t hjob;
  /* verilator lint_on UNUSEDSIGNAL */
  logic                 buf_valid;
  logic [DataWidth-1:0] buf_data;

  // With its head in a register: the LUT RAM read does not reach the header logic and reserved_q.
  nasmac_fifo #(.Width(nasmac_top_pkg::JOB_W), .Depth(JobDepth), .OutReg(1), .Wipe(1)) u_hdrs (
    .clk_i, .rst_ni,
    .wr_valid_i(q_pop), .wr_ready_o(hdr_wr_ready), .wr_data_i(q_job),
    .rd_valid_o(hdr_valid), .rd_ready_i(hdr_pop), .rd_data_o(hjob)
  );

  /* verilator lint_off UNUSEDSIGNAL */ // Always set: requests never exceed the buffer.
  logic beat_room;
  /* verilator lint_on UNUSEDSIGNAL */
  // Block RAM with a registered read, then the output register: the beat leaves the RAM (and
  // the FIFO's bypass mux) into a register, not into the realigner.
  nasmac_fifo #(.Width(DataWidth), .Depth(BufBeats), .SyncRead(1), .OutReg(1)) u_beats (
    .clk_i, .rst_ni,
    .wr_valid_i(beat_valid_i), .wr_ready_o(beat_room), .wr_data_i(beat_data_i),
    .rd_valid_o(buf_valid), .rd_ready_i(buf_pop), .rd_data_o(buf_data)
  );

  // ---- Realigner -------------------------------------------------------------------------------
  // Word k of the message is octets shift..15 of chunk k followed by octets 0..shift-1 of chunk
  // k+1. With a non-zero shift the first chunk goes into the carry register as the header leaves,
  // and the last word may need no new chunk (it is the carry alone).
  logic              in_msg_q, in_msg_d;
  logic [3:0]        shift_q, shift_d;
  logic [ChunkW-1:0] cidx_q, cidx_d;
  logic [10:0]       chunks_left_q, chunks_left_d;
  logic [9:0]        words_m1_q, words_m1_d;      // words of the message still to send, minus 1
  logic [127:0]      carry_q, carry_d;
  logic [127:0]      chunk_raw, chunk, hchunk_raw, hchunk, word;
  logic              need_chunk, need_msg, take_chunk, take_last, hdr_go, msg_go;
  logic [ChunkW-1:0] take_idx, first_chunk;
  logic [3:0]        hshift;
  // Output registers to the lane.
  logic              jv_q, jv_d, mv_q, mv_d, m_last_q, m_last_d;
  logic [127:0]      j_key_q, j_key_d, m_data_q, m_data_d;
  logic [31:0]       j_count_q, j_exp_q, j_index_q;
  logic [4:0]        j_bearer_q;
  logic              j_dir_q;
  logic [15:0]       j_len_q;

  if (Chunks > 1) begin : g_first
    assign first_chunk = hjob.msg_addr[OffW-1:4];
  end else begin : g_first1
    assign first_chunk = '0;
  end
  assign hshift = hjob.msg_addr[3:0];

  // The chunk to take: at the header, the message's first one; later, the next one.
  assign take_idx  = in_msg_q ? cidx_q : first_chunk;
  assign take_last = in_msg_q ? (chunks_left_q == 11'd1) : hjob.one_chunk;
  // Two selections of the beat: the message word's chunk (cidx_q, a register) and the header's
  // first chunk (from the queue head), so the queue's read does not reach the word register.
  assign chunk_raw = buf_data[cidx_q * 128 +: 128];
  assign hchunk_raw = buf_data[first_chunk * 128 +: 128];
  always_comb begin
    for (int i = 0; i < 16; i++) begin
      chunk[127 - 8 * i -: 8]  = chunk_raw[8 * i +: 8];
      hchunk[127 - 8 * i -: 8] = hchunk_raw[8 * i +: 8];
    end
  end

  // A message word needs a chunk while chunks are left; the header needs one when the message
  // does not start at a chunk boundary. (Kept apart so the queue head does not reach the word.)
  assign need_msg   = chunks_left_q != 11'h0;
  assign need_chunk = in_msg_q ? need_msg : (hshift != 4'h0);
  assign hdr_go     = !in_msg_q && hdr_valid && (!need_chunk || buf_valid) && (!jv_q || lane_job_ready_i);
  assign msg_go     = in_msg_q && (!need_msg || buf_valid) && (!mv_q || lane_msg_ready_i);
  assign hdr_pop    = hdr_go;
  assign take_chunk = (hdr_go || msg_go) && need_chunk;
  // A beat is done with after its last chunk or after the message's last chunk.
  assign buf_pop    = take_chunk && (32'(take_idx) == Chunks - 1 || take_last);

  always_comb begin
    if (shift_q == 4'h0) begin
      word = chunk;
    end else if (need_msg) begin
      word = (carry_q << {shift_q, 3'b000}) | (chunk >> {5'd16 - {1'b0, shift_q}, 3'b000});
    end else begin
      word = carry_q << {shift_q, 3'b000};
    end
  end

  always_comb begin
    in_msg_d      = in_msg_q;
    shift_d       = shift_q;
    cidx_d        = cidx_q;
    chunks_left_d = chunks_left_q;
    words_m1_d    = words_m1_q;
    carry_d       = carry_q;
    jv_d          = jv_q;
    j_key_d       = j_key_q;
    mv_d          = mv_q;
    m_data_d      = m_data_q;
    m_last_d      = m_last_q;
    if (jv_q && lane_job_ready_i) begin
      jv_d    = 1'b0;
      j_key_d = '0;  // the lane has the key: none stays here
    end
    if (mv_q && lane_msg_ready_i) begin
      mv_d = 1'b0;
      if (m_last_q) m_data_d = '0;
    end
    if (hdr_go) begin
      in_msg_d      = 1'b1;
      shift_d       = hshift;
      cidx_d        = first_chunk;
      chunks_left_d = hjob.chunks_m1 + 11'd1;
      words_m1_d    = hjob.words_m1;
      jv_d          = 1'b1;
      j_key_d       = hjob.key;
    end
    if (take_chunk) begin
      carry_d       = in_msg_q ? chunk : hchunk;
      chunks_left_d = in_msg_q ? chunks_left_q - 11'd1 : hjob.chunks_m1;
      cidx_d        = (32'(take_idx) == Chunks - 1) ? '0 : take_idx + 1'b1;
    end
    if (msg_go) begin
      mv_d       = 1'b1;
      m_data_d   = word;
      m_last_d   = words_m1_q == 10'd0;
      words_m1_d = words_m1_q - 10'd1;
      if (words_m1_q == 10'd0) begin
        in_msg_d = 1'b0;
        carry_d  = '0;  // no message octets linger once the lane has the job
      end
    end
  end

  assign lane_job_valid_o    = jv_q;
  assign lane_job_key_o      = j_key_q;
  assign lane_job_count_o    = j_count_q;
  assign lane_job_bearer_o   = j_bearer_q;
  assign lane_job_dir_o      = j_dir_q;
  assign lane_job_len_bits_o = j_len_q;
  assign lane_job_exp_mac_o  = j_exp_q;
  assign lane_job_index_o    = j_index_q;
  assign lane_msg_valid_o    = mv_q;
  assign lane_msg_data_o     = m_data_q;
  assign lane_msg_last_o     = m_last_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      active_q   <= 1'b0;
      addr_c_q   <= 1'b0;
      plan_q     <= 1'b0;
      reserved_q <= '0;
      buf_pop_q  <= 1'b0;
      in_msg_q   <= 1'b0;
      jv_q       <= 1'b0;
      mv_q       <= 1'b0;
      j_key_q    <= '0;
      carry_q    <= '0;
    end else begin
      active_q   <= active_d;
      addr_c_q   <= addr_c_d;
      plan_q     <= plan_d;
      reserved_q <= reserved_d;
      buf_pop_q  <= buf_pop;
      in_msg_q   <= in_msg_d;
      jv_q       <= jv_d;
      mv_q       <= mv_d;
      j_key_q    <= j_key_d;
      carry_q    <= carry_d;
    end
  end

  // Datapath registers: no reset (their valid bits have one).
  always_ff @(posedge clk_i) begin
    addr_lo_q     <= addr_lo_d;
    addr_hi_q     <= addr_hi_d;
    left_q        <= left_d;
    bnd_q         <= bnd_d;
    plan_beats_q  <= plan_beats_d;
    plan_limit_q  <= plan_limit_d;
    plan_last_q   <= plan_last_d;
    shift_q       <= shift_d;
    cidx_q        <= cidx_d;
    chunks_left_q <= chunks_left_d;
    words_m1_q    <= words_m1_d;
    m_data_q      <= m_data_d;
    m_last_q      <= m_last_d;
    if (hdr_go) begin
      j_count_q  <= hjob.count;
      j_bearer_q <= hjob.bearer;
      j_dir_q    <= hjob.dir;
      j_len_q    <= hjob.len_bits;
      j_exp_q    <= hjob.exp_mac;
      j_index_q  <= hjob.index;
    end
  end
endmodule
