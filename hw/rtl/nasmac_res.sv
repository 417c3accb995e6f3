// Result side of the kernel: takes result records from the lanes and the descriptor validator
// (round robin), merges records that share a data beat into one write (so a lane that finishes
// jobs in index order fills whole beats), writes them at RESULT_ADDR + index * 16 and counts the
// write responses, so that idle_o means every record is in memory.
//
// Built for a short clock period, as a pipeline without stalls in front of a small FIFO: the
// arbiter's grant is a register (nasmac_rr_arb) and a record is taken only when the FIFO has a
// place for it (a credit count); each source's ready is a flop (an input register per source),
// so the lanes' ready depends on nothing here. Stage 1
// holds the record, stage 2 adds the low half of the 64-bit address, stage 3 the high half and
// compares the record's beat with the previous record's, so the merge stage after the FIFO only
// decides between joining the pending beat, starting a new one and writing.
module nasmac_res #(
  // AXI data width in bits (128, 256 or 512).
  parameter int unsigned DataWidth = 512,
  // Record sources.
  parameter int unsigned NumIn = 4,
  // Cycles a partly filled beat waits for a neighbour before it is written anyway.
  parameter int unsigned FlushIdle = 8,
  // Records between the arbiter and the merge stage (stages 1-3 and the FIFO); a power of two.
  parameter int unsigned Credits = 8
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic [63:0]               result_addr_i,  // stable during the run
  input  logic                      flush_i,        // no more records will come: write now
  input  logic                      stop_i,         // the run failed: start no new write
  input  logic [NumIn-1:0]          in_valid_i,
  output logic [NumIn-1:0]          in_ready_o,
  input  logic [NumIn*nasmac_top_pkg::RES_W-1:0] in_data_i, // NumIn records, source 0 lowest
  output logic                      accepted_o,     // a record was taken this cycle
  output logic                      idle_o,         // nothing buffered, no write outstanding
  output logic                      wr_idle_o,      // no write outstanding (records may wait)
  // AXI write address, data and response channels.
  output logic                      aw_valid_o,
  input  logic                      aw_ready_i,
  output logic [63:0]               aw_addr_o,
  output logic                      w_valid_o,
  input  logic                      w_ready_i,
  output logic [DataWidth-1:0]      w_data_o,
  output logic [DataWidth/8-1:0]    w_strb_o,
  input  logic                      b_valid_i,
  output logic                      b_ready_o
);
  localparam int unsigned ResW      = nasmac_top_pkg::RES_W;
  localparam int unsigned BeatBytes = DataWidth / 8;
  localparam int unsigned OffW      = $clog2(BeatBytes);
  localparam int unsigned Slots     = BeatBytes / 16;
  localparam int unsigned SlotW     = (Slots > 1) ? $clog2(Slots) : 1;
  localparam int unsigned PtrW      = (NumIn > 1) ? $clog2(NumIn) : 1;
  localparam int unsigned CredW     = $clog2(Credits) + 1;
  localparam int unsigned BeatW     = 64 - OffW;  // a beat's address without its offset bits
  // A FIFO entry: the beat, the slot in it, the record (MAC, STATUS, INDEX), same beat as the last.
  localparam int unsigned EntW      = BeatW + SlotW + ResW + 1;

  // ---- Input registers ---------------------------------------------------------------------
  // One record register per source, and the source's ready is "that register is empty": a flop.
  // The ready then starts a path in the source (a lane's result FIFO pop and what follows it)
  // instead of ending one that began at the arbiter's grant and the credit count here; a source
  // sends at most one record every two cycles (a lane finishes one every five or more).
  logic [NumIn-1:0]      held_q, held_d;
  logic [NumIn*ResW-1:0] hold_q;
  logic [PtrW-1:0]       grant;
  logic                  any_valid, take, merge_take;
  logic [CredW-1:0]      credit_q, credit_d;  // records in stages 1-3 and the FIFO

  assign in_ready_o = ~held_q;
  always_comb begin
    held_d = held_q | in_valid_i;
    if (take) held_d[grant] = 1'b0;
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) held_q <= '0;
    else         held_q <= held_d;
  end
  for (genvar i = 0; i < NumIn; i++) begin : g_hold
    always_ff @(posedge clk_i) begin
      if (!held_q[i]) hold_q[i * ResW +: ResW] <= in_data_i[i * ResW +: ResW];
    end
  end

  // ---- Round-robin choice, stage 1 -------------------------------------------------------------
  nasmac_rr_arb #(.N(NumIn)) u_arb (
    .clk_i, .rst_ni, .req_i(held_q), .take_i(take), .valid_o(any_valid), .grant_o(grant)
  );

  assign take = any_valid && credit_q != CredW'(Credits);
  assign accepted_o = take;

  always_comb begin
    credit_d = credit_q;
    if (take && !merge_take)      credit_d = credit_q + 1'b1;
    else if (!take && merge_take) credit_d = credit_q - 1'b1;
  end

  logic                 v1_q, v2_q, v3_q;
  nasmac_top_pkg::res_t r1_q, r2_q, r3_q;
  /* verilator lint_off UNUSEDSIGNAL */ // RESULT_ADDR is 16-octet aligned: bits 3..0 are zero.
  logic [31:0]          lo2_q;
  /* verilator lint_on UNUSEDSIGNAL */
  logic                 c2_q;
  logic [BeatW-1:0]     beat3_q, last_beat_q;
  logic [SlotW-1:0]     slot3_q;
  logic                 have_last_q;
  logic [BeatW-1:0]     addr3;  // the record's beat

  // Stage registers load every cycle (no enable: one LUT input less on every bit); the valid bits
  // say which cycles carry a record.
  always_ff @(posedge clk_i) begin
    r1_q <= hold_q[32'(grant) * ResW +: ResW];
  end

  // ---- Stage 2: the low half of RESULT_ADDR + index * 16 ---------------------------------------
  // A 32-bit sum and its carry out from bit 31 (one LUT after the chain, not a 33rd bit on it).
  logic [31:0] lo_sum, lo_add;
  logic        lo_c;
  assign lo_add = {r1_q.index[27:0], 4'h0};
  assign lo_sum = result_addr_i[31:0] + lo_add;
  assign lo_c   = (result_addr_i[31] && lo_add[31]) || ((result_addr_i[31] ^ lo_add[31]) && !lo_sum[31]);
  always_ff @(posedge clk_i) begin
    r2_q  <= r1_q;
    lo2_q <= lo_sum;
    c2_q  <= lo_c;
  end

  // ---- Stage 3: the high half, the slot, and whether it shares the previous record's beat -----
  assign addr3 = {result_addr_i[63:32] + {28'h0, r2_q.index[31:28]} + {31'h0, c2_q}, lo2_q[31:OffW]};
  always_ff @(posedge clk_i) begin
    r3_q    <= r2_q;
    beat3_q <= addr3;
  end
  if (Slots > 1) begin : g_slot
    always_ff @(posedge clk_i) slot3_q <= lo2_q[OffW-1:4];
  end else begin : g_slot1
    assign slot3_q = '0;
  end
  // The FIFO keeps the records' order, so "the previous record's beat" is the pending beat the
  // merge stage will hold when this record reaches it (unless that beat has been written).
  always_ff @(posedge clk_i) begin
    if (v3_q) last_beat_q <= beat3_q;
  end
  logic same_now;
  assign same_now = have_last_q && beat3_q == last_beat_q;

  // ---- FIFO and merge stage --------------------------------------------------------------------
  logic                 head_valid, head_same;
  logic [BeatW-1:0]     head_beat;
  logic [SlotW-1:0]     head_slot;
  nasmac_top_pkg::res_t head_rec;
  /* verilator lint_off UNUSEDSIGNAL */ // Always set: the credit count keeps a place for every entry.
  logic                 fifo_room;
  /* verilator lint_on UNUSEDSIGNAL */

  nasmac_fifo #(.Width(EntW), .Depth(Credits)) u_recs (
    .clk_i, .rst_ni,
    .wr_valid_i(v3_q), .wr_ready_o(fifo_room), .wr_data_i({beat3_q, slot3_q, r3_q, same_now}),
    .rd_valid_o(head_valid), .rd_ready_i(merge_take),
    .rd_data_o({head_beat, head_slot, head_rec, head_same})
  );

  logic                 pend_q, pend_d;
  logic [BeatW-1:0]     pend_beat_q, pend_beat_d;
  logic [DataWidth-1:0] pend_data_q, pend_data_d;
  logic [BeatBytes-1:0] pend_strb_q, pend_strb_d;
  logic [3:0]           pend_age_q, pend_age_d;
  logic                 aw_q, aw_d, w_q, w_d;
  logic [BeatW-1:0]     aw_beat_q, aw_beat_d;
  logic [DataWidth-1:0] w_data_q, w_data_d;
  logic [BeatBytes-1:0] w_strb_q, w_strb_d;
  logic [31:0]          outstanding_q, outstanding_d;
  logic [127:0]         rec_bytes;
  logic                 out_free, flush, join_beat, aw_fire, pend_clear;
  logic [Slots-1:0]     slot_we;

  // The record as octets: MAC octet string, then STATUS and INDEX little-endian, then zero.
  assign rec_bytes = {32'h0, head_rec.index, 30'h0, head_rec.status,
                      head_rec.mac[7:0], head_rec.mac[15:8], head_rec.mac[23:16], head_rec.mac[31:24]};

  assign out_free   = !aw_q && !w_q && !stop_i;
  assign join_beat  = pend_q && head_same;
  assign flush      = pend_q && out_free &&
                      (&pend_strb_q || pend_age_q == 4'(FlushIdle) || flush_i ||
                       (head_valid && !head_same));
  // A record joins the pending beat, or starts a new one once the pending one is on its way.
  assign merge_take = head_valid && (!pend_q || join_beat || flush);
  assign aw_fire    = aw_q && aw_ready_i;
  // The pending beat empties when it is written or a record starts a new one.
  assign pend_clear = flush || (merge_take && !join_beat);
  always_comb begin
    for (int k = 0; k < Slots; k++) slot_we[k] = merge_take && 32'(head_slot) == k;
  end

  always_comb begin
    pend_d        = pend_q;
    pend_beat_d   = pend_beat_q;
    pend_data_d   = pend_data_q;
    pend_strb_d   = pend_strb_q;
    pend_age_d    = (pend_age_q == 4'(FlushIdle)) ? pend_age_q : pend_age_q + 1'b1;
    aw_d          = aw_q;
    w_d           = w_q;
    aw_beat_d     = aw_beat_q;
    w_data_d      = w_data_q;
    w_strb_d      = w_strb_q;
    outstanding_d = outstanding_q;

    if (aw_fire)            aw_d = 1'b0;
    if (w_q && w_ready_i)   w_d  = 1'b0;
    if (flush) begin
      aw_d        = 1'b1;
      w_d         = 1'b1;
      aw_beat_d   = pend_beat_q;
      w_data_d    = pend_data_q;
      w_strb_d    = pend_strb_q;
      pend_d      = 1'b0;
    end
    if (merge_take) begin
      if (!join_beat || flush) pend_beat_d = head_beat;
      pend_d     = 1'b1;
      pend_age_d = '0;
    end
    // Each slot of the pending beat: written with the record, cleared, or kept. The enables are
    // worked out once per slot, so each data bit is a small function of them.
    for (int k = 0; k < Slots; k++) begin
      if (slot_we[k]) begin
        pend_data_d[k * 128 +: 128] = rec_bytes;
        pend_strb_d[k * 16 +: 16]   = 16'hffff;
      end else if (pend_clear) begin
        pend_data_d[k * 128 +: 128] = '0;
        pend_strb_d[k * 16 +: 16]   = '0;
      end
    end
    // One write at a time in each direction of the count: +1 on AW, -1 on B.
    if (aw_fire && !b_valid_i)      outstanding_d = outstanding_q + 32'd1;
    else if (!aw_fire && b_valid_i) outstanding_d = outstanding_q - 32'd1;
  end

  assign aw_valid_o = aw_q;
  assign aw_addr_o  = {aw_beat_q, {OffW{1'b0}}};
  assign w_valid_o  = w_q;
  assign w_data_o   = w_data_q;
  assign w_strb_o   = w_strb_q;
  assign b_ready_o  = 1'b1;
  assign wr_idle_o  = !aw_q && !w_q && outstanding_q == 32'h0;
  assign idle_o     = held_q == '0 && !pend_q && credit_q == '0 && wr_idle_o;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      credit_q      <= '0;
      v1_q          <= 1'b0;
      v2_q          <= 1'b0;
      v3_q          <= 1'b0;
      have_last_q   <= 1'b0;
      pend_q        <= 1'b0;
      pend_strb_q   <= '0;
      pend_age_q    <= '0;
      aw_q          <= 1'b0;
      w_q           <= 1'b0;
      outstanding_q <= '0;
    end else begin
      credit_q      <= credit_d;
      v1_q          <= take;
      v2_q          <= v1_q;
      v3_q          <= v2_q;
      have_last_q   <= have_last_q || v3_q;
      pend_q        <= pend_d;
      pend_strb_q   <= pend_strb_d;
      pend_age_q    <= pend_age_d;
      aw_q          <= aw_d;
      w_q           <= w_d;
      outstanding_q <= outstanding_d;
    end
  end

  // Datapath registers: no reset (their valid bits have one).
  always_ff @(posedge clk_i) begin
    pend_beat_q <= pend_beat_d;
    pend_data_q <= pend_data_d;
    aw_beat_q   <= aw_beat_d;
    w_data_q    <= w_data_d;
    w_strb_q    <= w_strb_d;
  end
endmodule
