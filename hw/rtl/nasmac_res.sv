// Result side of the kernel: takes result records from the lanes and the descriptor validator
// (round robin), merges records that share a data beat into one write (so a lane that finishes
// jobs in index order fills whole beats), writes them at RESULT_ADDR + index * 16 and counts the
// write responses, so that idle_o means every record is in memory.
module nasmac_res #(
  // AXI data width in bits (128, 256 or 512).
  parameter int unsigned DataWidth = 512,
  // Record sources.
  parameter int unsigned NumIn = 4,
  // Cycles a partly filled beat waits for a neighbour before it is written anyway.
  parameter int unsigned FlushIdle = 8
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
  localparam int unsigned SlotW     = (BeatBytes > 16) ? $clog2(BeatBytes / 16) : 1;
  localparam int unsigned PtrW      = (NumIn > 1) ? $clog2(NumIn) : 1;

  // ---- Round-robin choice ----------------------------------------------------------------------
  logic [PtrW-1:0]      grant;
  logic                 any_valid, take;
  nasmac_top_pkg::res_t rec;

  nasmac_rr_arb #(.N(NumIn)) u_arb (
    .clk_i, .rst_ni, .req_i(in_valid_i), .take_i(take), .valid_o(any_valid), .grant_o(grant)
  );
  assign rec = in_data_i[32'(grant) * ResW +: ResW];

  // ---- Beat being filled -----------------------------------------------------------------------
  logic                 pend_q, pend_d;
  logic [63:0]          pend_addr_q, pend_addr_d;
  logic [DataWidth-1:0] pend_data_q, pend_data_d;
  logic [BeatBytes-1:0] pend_strb_q, pend_strb_d;
  logic [7:0]           pend_age_q, pend_age_d;
  logic                 aw_q, aw_d, w_q, w_d;
  logic [63:0]          aw_addr_q, aw_addr_d;
  logic [DataWidth-1:0] w_data_q, w_data_d;
  logic [BeatBytes-1:0] w_strb_q, w_strb_d;
  logic [31:0]          outstanding_q, outstanding_d;

  logic [63:0]          rec_addr, rec_beat;
  logic [OffW-1:0]      rec_off;
  logic [SlotW-1:0]     rec_slot;
  logic [127:0]         rec_bytes;
  logic                 same_beat, out_free, flush, room;

  assign rec_addr  = result_addr_i + {28'h0, rec.index, 4'h0};
  assign rec_beat  = {rec_addr[63:OffW], {OffW{1'b0}}};
  assign rec_off   = rec_addr[OffW-1:0];
  /* verilator lint_off UNUSEDSIGNAL */ // Only the slot bits of the chunk number matter.
  logic [OffW-1:0] rec_chunk;
  /* verilator lint_on UNUSEDSIGNAL */
  assign rec_chunk = rec_off >> 4;
  assign rec_slot  = rec_chunk[SlotW-1:0];
  // The record as octets: MAC octet string, then STATUS and INDEX little-endian, then zero.
  assign rec_bytes = {32'h0, rec.index, 30'h0, rec.status,
                      rec.mac[7:0], rec.mac[15:8], rec.mac[23:16], rec.mac[31:24]};

  assign same_beat = pend_q && rec_beat == pend_addr_q;
  assign out_free  = !aw_q && !w_q && !stop_i;
  assign flush     = pend_q && out_free &&
                     (&pend_strb_q || 32'(pend_age_q) >= FlushIdle || flush_i ||
                      (any_valid && !same_beat));
  // A record is taken when it joins the pending beat or starts a new one.
  assign room      = !pend_q || same_beat || flush;
  assign take      = any_valid && room;

  always_comb begin
    in_ready_o = '0;
    if (room && any_valid) in_ready_o[grant] = 1'b1;
  end
  assign accepted_o = take;

  always_comb begin
    pend_d        = pend_q;
    pend_addr_d   = pend_addr_q;
    pend_data_d   = pend_data_q;
    pend_strb_d   = pend_strb_q;
    pend_age_d    = (pend_age_q == 8'hff) ? pend_age_q : pend_age_q + 1'b1;
    aw_d          = aw_q;
    w_d           = w_q;
    aw_addr_d     = aw_addr_q;
    w_data_d      = w_data_q;
    w_strb_d      = w_strb_q;
    outstanding_d = outstanding_q;

    if (aw_q && aw_ready_i) aw_d = 1'b0;
    if (w_q && w_ready_i)   w_d  = 1'b0;
    if (flush) begin
      aw_d        = 1'b1;
      w_d         = 1'b1;
      aw_addr_d   = pend_addr_q;
      w_data_d    = pend_data_q;
      w_strb_d    = pend_strb_q;
      pend_d      = 1'b0;
      pend_strb_d = '0;
      pend_data_d = '0;
    end
    if (take) begin
      if (!same_beat || flush) begin
        pend_addr_d = rec_beat;
        pend_strb_d = '0;
        pend_data_d = '0;
      end
      pend_d = 1'b1;
      pend_age_d = '0;
      pend_data_d[32'(rec_slot) * 128 +: 128] = rec_bytes;
      pend_strb_d[32'(rec_slot) * 16 +: 16]   = 16'hffff;
    end
    if (aw_q && aw_ready_i) outstanding_d = outstanding_d + 1'b1;
    if (b_valid_i)          outstanding_d = outstanding_d - 1'b1;
  end

  assign aw_valid_o = aw_q;
  assign aw_addr_o  = aw_addr_q;
  assign w_valid_o  = w_q;
  assign w_data_o   = w_data_q;
  assign w_strb_o   = w_strb_q;
  assign b_ready_o  = 1'b1;
  assign wr_idle_o  = !aw_q && !w_q && outstanding_q == 32'h0;
  assign idle_o     = !pend_q && wr_idle_o;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      pend_q        <= 1'b0;
      pend_addr_q   <= '0;
      pend_data_q   <= '0;
      pend_strb_q   <= '0;
      pend_age_q    <= '0;
      aw_q          <= 1'b0;
      w_q           <= 1'b0;
      aw_addr_q     <= '0;
      w_data_q      <= '0;
      w_strb_q      <= '0;
      outstanding_q <= '0;
    end else begin
      pend_q        <= pend_d;
      pend_addr_q   <= pend_addr_d;
      pend_data_q   <= pend_data_d;
      pend_strb_q   <= pend_strb_d;
      pend_age_q    <= pend_age_d;
      aw_q          <= aw_d;
      w_q           <= w_d;
      aw_addr_q     <= aw_addr_d;
      w_data_q      <= w_data_d;
      w_strb_q      <= w_strb_d;
      outstanding_q <= outstanding_d;
    end
  end
endmodule
