// Formal checker for one AXI4 master port (AMBA AXI IHI 0022, single ID, in-order responses).
// Bind it at the port level of a formal wrapper: it ASSERTS the rules the master (the design)
// must keep and ASSUMES the rules of the slave it talks to (the memory behind the shell), so
// yosys-smtbmc explores every legal slave behaviour. Read-only masters set HasWrite = 0.
//
// Asserted (master): AR/AW/W VALID held until READY with a stable payload; INCR bursts only,
// full-width beats, at most MaxBeats beats, never across a 4 KiB boundary; no W beat for a burst
// whose AW is neither accepted nor presented; WLAST on exactly the last beat of its burst;
// VALIDs low in reset; optional design claims (RReadyAlways: R beats are never back-pressured,
// BReadyAlways: BREADY is tied high).
// Assumed (slave): R/B VALID held until READY with a stable payload; an R beat only for an
// accepted burst, RLAST on its last beat; a B only for a burst whose AW and last W are both done;
// no more than MaxBursts reads (and writes) outstanding; VALIDs low in reset.
module nasmac_axi4_master_check #(
  // Data width in bits.
  parameter int unsigned DataWidth = 512,
  // 1: the port has AW/W/B channels; 0: read-only master.
  parameter int unsigned HasWrite = 1,
  // Longest burst the master may issue, in beats (AXI4 INCR allows 256).
  parameter int unsigned MaxBeats = 256,
  // Outstanding bursts per direction the modelled slave accepts (a power of two).
  parameter int unsigned MaxBursts = 4,
  // Cycles from the port reset to the design's registers being reset (2 for a registered reset).
  parameter int unsigned ResetLatency = 1,
  // Design claim: RREADY is high whenever a legal R beat is offered.
  parameter int unsigned RReadyAlways = 0,
  // Design claim: BREADY is tied high.
  parameter int unsigned BReadyAlways = 0
) (
  input logic                        aclk,
  input logic                        aresetn,
  // The port's bundles (nasmac_axi_pkg) and data beats, as the kernel's ports carry them.
  input nasmac_axi_pkg::axi_rd_req_t rd_req,
  input nasmac_axi_pkg::axi_rd_rsp_t rd_rsp,
  input logic [DataWidth-1:0]        rdata,
  // A read-only master (HasWrite 0) ties the write channels to zeros.
  input nasmac_axi_pkg::axi_wr_req_t wr_req,
  input nasmac_axi_pkg::axi_wr_rsp_t wr_rsp,
  input logic [DataWidth-1:0]        wdata,
  input logic [DataWidth/8-1:0]      wstrb
);
  localparam logic [2:0] FullSize = 3'($clog2(DataWidth / 8));
  localparam int unsigned QW = $clog2(MaxBursts);

  // ---- Reset as the design sees it (in_rst, was_rst, f_ok: nasmac_formal_reset) ------------------
  logic in_rst, was_rst, f_ok;
  nasmac_formal_reset #(.ResetLatency(ResetLatency)) u_rst (.aclk, .aresetn, .in_rst, .was_rst, .f_ok);

  // ---- Handshakes ---------------------------------------------------------------------------------
  logic ar_hs, r_hs, aw_hs, w_hs, b_hs;
  assign ar_hs = rd_req.arvalid && rd_rsp.arready;
  assign r_hs  = rd_rsp.rvalid && rd_req.rready;
  assign aw_hs = HasWrite != 0 && wr_req.awvalid && wr_rsp.awready;
  assign w_hs  = HasWrite != 0 && wr_req.wvalid && wr_rsp.wready;
  assign b_hs  = HasWrite != 0 && wr_rsp.bvalid && wr_req.bready;

  // ---- Read bookkeeping: lengths of accepted bursts, beats of the oldest one ----------------------
  logic [7:0]  rq_len [MaxBursts];
  logic [QW:0] rq_wr = '0, rq_rd = '0;
  logic [7:0]  r_beat = '0;
  logic [QW:0] rq_count;
  logic [7:0]  r_head_len;
  assign rq_count   = rq_wr - rq_rd;
  assign r_head_len = rq_len[rq_rd[QW-1:0]];

  always_ff @(posedge aclk) begin
    if (in_rst) begin
      rq_wr  <= '0;
      rq_rd  <= '0;
      r_beat <= '0;
    end else begin
      if (ar_hs) begin
        rq_len[rq_wr[QW-1:0]] <= rd_req.ar.len;
        rq_wr <= rq_wr + 1'b1;
      end
      if (r_hs) begin
        if (rd_rsp.rlast) begin
          r_beat <= '0;
          rq_rd  <= rq_rd + 1'b1;
        end else begin
          r_beat <= r_beat + 1'b1;
        end
      end
    end
  end

  // ---- Write bookkeeping --------------------------------------------------------------------------
  // wq: lengths of accepted AW bursts whose data is not complete (head = burst W is on);
  // w_early_done: the presented, not yet accepted AW already has all its beats;
  // b_owed: bursts with AW and last W done and no B yet.
  logic [7:0]  wq_len [MaxBursts];
  logic [QW:0] wq_wr = '0, wq_rd = '0;
  logic [7:0]  w_beat = '0;
  logic        w_early_done = 1'b0;
  logic [QW+1:0] b_owed = '0;
  logic [QW:0] wq_count;
  logic        w_on_queue, w_on_aw, w_cur_last;
  logic [7:0]  w_cur_len;
  assign wq_count   = wq_wr - wq_rd;
  assign w_on_queue = wq_count != '0;
  assign w_on_aw    = !w_on_queue && !w_early_done && wr_req.awvalid;
  assign w_cur_len  = w_on_queue ? wq_len[wq_rd[QW-1:0]] : wr_req.aw.len;
  assign w_cur_last = w_beat == w_cur_len;

  logic b_add, aw_push;
  always_comb begin
    b_add   = 1'b0;
    aw_push = aw_hs;
    // The last beat of the queued head completes an addressed burst.
    if (w_hs && wr_req.wlast && w_on_queue) b_add = 1'b1;
    // An AW whose data is already complete (or completes now, before it was queued).
    if (aw_hs && (w_early_done || (w_hs && wr_req.wlast && !w_on_queue))) begin
      b_add   = 1'b1;
      aw_push = 1'b0;
    end
  end

  always_ff @(posedge aclk) begin
    if (in_rst) begin
      wq_wr        <= '0;
      wq_rd        <= '0;
      w_beat       <= '0;
      w_early_done <= 1'b0;
      b_owed       <= '0;
    end else begin
      if (aw_push) begin
        wq_len[wq_wr[QW-1:0]] <= wr_req.aw.len;
        wq_wr <= wq_wr + 1'b1;
      end
      if (w_hs) begin
        w_beat <= wr_req.wlast ? 8'h0 : w_beat + 1'b1;
        if (wr_req.wlast && w_on_queue) wq_rd <= wq_rd + 1'b1;
        // Burst of the presented AW complete before that AW was accepted.
        if (wr_req.wlast && !w_on_queue && !aw_hs) w_early_done <= 1'b1;
      end
      if (aw_hs && w_early_done) w_early_done <= 1'b0;
      b_owed <= b_owed + {{(QW+1){1'b0}}, b_add} - {{(QW+1){1'b0}}, b_hs};
    end
  end

  // ---- Slave rules (assumed) ----------------------------------------------------------------------
  always_ff @(posedge aclk) begin
    if (in_rst || was_rst) begin
      assume (!rd_rsp.rvalid);
      assume (!wr_rsp.bvalid);
    end
    if (!in_rst) begin
      // An R beat belongs to the oldest accepted burst, RLAST on its last beat.
      if (rd_rsp.rvalid) begin
        assume (rq_count != '0);
        assume (rd_rsp.rlast == (r_beat == r_head_len));
      end
      if (rq_count == (QW+1)'(MaxBursts)) assume (!rd_rsp.arready);
      if (HasWrite != 0) begin
        if (wr_rsp.bvalid) assume (b_owed != '0);
        if (wq_count == (QW+1)'(MaxBursts)) assume (!wr_rsp.awready);
      end else begin
        assume (!wr_rsp.bvalid);
      end
    end
    if (f_ok && !was_rst && !in_rst) begin
      if ($past(rd_rsp.rvalid && !rd_req.rready)) begin
        assume (rd_rsp.rvalid);
        assume ($stable(rdata) && $stable(rd_rsp.rresp) && $stable(rd_rsp.rlast));
      end
      if ($past(wr_rsp.bvalid && !wr_req.bready)) begin
        assume (wr_rsp.bvalid);
        assume ($stable(wr_rsp.bresp));
      end
    end
  end

  // ---- Master rules (asserted) --------------------------------------------------------------------
  // Byte address one past the burst's last byte, within its 4 KiB page (INCR, full-size beats).
  logic [13:0] ar_end, aw_end;
  assign ar_end = {2'b00, rd_req.ar.addr[11:0] & ~((12'd1 << rd_req.ar.size) - 12'd1)} +
                  ((14'(rd_req.ar.len) + 14'd1) << rd_req.ar.size);
  assign aw_end = {2'b00, wr_req.aw.addr[11:0] & ~((12'd1 << wr_req.aw.size) - 12'd1)} +
                  ((14'(wr_req.aw.len) + 14'd1) << wr_req.aw.size);

  always_ff @(posedge aclk) begin
    if (f_ok && was_rst) begin
      ar_valid_low_in_reset: assert (!rd_req.arvalid);
      if (HasWrite != 0) begin
        aw_valid_low_in_reset: assert (!wr_req.awvalid);
        w_valid_low_in_reset:  assert (!wr_req.wvalid);
      end
    end
    if (f_ok && !was_rst && !in_rst) begin
      if ($past(rd_req.arvalid && !rd_rsp.arready)) begin
        ar_valid_held: assert (rd_req.arvalid);
        ar_payload_stable: assert ($stable(rd_req.ar));
      end
      if (HasWrite != 0 && $past(wr_req.awvalid && !wr_rsp.awready)) begin
        aw_valid_held: assert (wr_req.awvalid);
        aw_payload_stable: assert ($stable(wr_req.aw));
      end
      if (HasWrite != 0 && $past(wr_req.wvalid && !wr_rsp.wready)) begin
        w_valid_held: assert (wr_req.wvalid);
        w_payload_stable: assert ($stable(wdata) && $stable(wstrb) && $stable(wr_req.wlast));
      end
    end
    if (!in_rst && rd_req.arvalid) begin
      ar_incr:      assert (rd_req.ar.burst == nasmac_axi_pkg::BURST_INCR);
      ar_full_size: assert (rd_req.ar.size == FullSize);
      ar_len_max:   assert (32'(rd_req.ar.len) < MaxBeats);
      ar_no_4k:     assert (ar_end <= 14'd4096);
    end
    if (!in_rst && HasWrite != 0 && wr_req.awvalid) begin
      aw_incr:      assert (wr_req.aw.burst == nasmac_axi_pkg::BURST_INCR);
      aw_full_size: assert (wr_req.aw.size == FullSize);
      aw_len_max:   assert (32'(wr_req.aw.len) < MaxBeats);
      aw_no_4k:     assert (aw_end <= 14'd4096);
    end
    if (!in_rst && HasWrite != 0 && wr_req.wvalid) begin
      // The beat belongs to an accepted burst, or to the AW being presented now.
      w_has_aw:   assert (w_on_queue || w_on_aw);
      w_last_ok:  assert (wr_req.wlast == w_cur_last);
    end
    if (!in_rst && RReadyAlways != 0 && rd_rsp.rvalid && rq_count != '0) begin
      r_never_stalled: assert (rd_req.rready);
    end
    if (!in_rst && BReadyAlways != 0 && HasWrite != 0) begin
      b_ready_high: assert (wr_req.bready);
    end
  end

`ifdef NASMAC_FORMAL_REACH
  // Reachability (run with the expectation "reach:N"): a counterexample to each shows that the
  // depth reaches the last beat of a multi-beat read burst and an answered write, so the checks
  // above do not pass vacuously.
  always_ff @(posedge aclk) begin
    if (f_ok && !in_rst) begin
      reach_read_burst_done: assert (!(r_hs && rd_rsp.rlast && r_head_len != 8'h0));
      if (HasWrite != 0) reach_write_answered: assert (!b_hs);
    end
  end
`endif
endmodule
