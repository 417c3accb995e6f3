// Formal checker for one AXI4-Lite slave port (AMBA AXI IHI 0022, AXI4-Lite). Bind it at the
// port level of a formal wrapper: it ASSERTS the rules the slave (the design) must keep and
// ASSUMES the rules of the master driving it (the host through the shell).
//
// Asserted (slave): BVALID and RVALID held until READY with a stable response and data; a B only
// after both the AW and the W of a write were accepted, one B per write; an R only after its AR
// was accepted, one R per read; never EXOKAY; at most MaxOutstanding requests accepted and not
// answered per direction; BVALID/RVALID low after reset.
// Assumed (master): AW/W/AR VALID held until READY with a stable payload; VALIDs low in reset.
module nasmac_axil_slave_check #(
  // Requests per direction the slave may hold unanswered (the checker's counters are sized by it).
  parameter int unsigned MaxOutstanding = 2,
  // Cycles from the port reset to the design's registers being reset (0: direct, 1: registered).
  parameter int unsigned ResetLatency = 0
) (
  input logic                      aclk,
  input logic                      aresetn,
  input nasmac_axi_pkg::axil_req_t req,
  input nasmac_axi_pkg::axil_rsp_t rsp
);
  // ---- Reset as the design sees it (in_rst, was_rst, f_ok: nasmac_formal_reset) ------------------
  logic in_rst, was_rst, f_ok;
  nasmac_formal_reset #(.ResetLatency(ResetLatency)) u_rst (.aclk, .aresetn, .in_rst, .was_rst, .f_ok);

  // ---- Requests accepted and not yet answered -----------------------------------------------------
  localparam int unsigned CW = $clog2(MaxOutstanding + 1) + 1;
  logic aw_hs, w_hs, b_hs, ar_hs, r_hs;
  assign aw_hs = req.awvalid && rsp.awready;
  assign w_hs  = req.wvalid && rsp.wready;
  assign b_hs  = rsp.bvalid && req.bready;
  assign ar_hs = req.arvalid && rsp.arready;
  assign r_hs  = rsp.rvalid && req.rready;

  logic [CW-1:0] aw_open = '0, w_open = '0, ar_open = '0;
  always_ff @(posedge aclk) begin
    if (in_rst) begin
      aw_open <= '0;
      w_open  <= '0;
      ar_open <= '0;
    end else begin
      aw_open <= aw_open + {{(CW-1){1'b0}}, aw_hs} - {{(CW-1){1'b0}}, b_hs};
      w_open  <= w_open + {{(CW-1){1'b0}}, w_hs} - {{(CW-1){1'b0}}, b_hs};
      ar_open <= ar_open + {{(CW-1){1'b0}}, ar_hs} - {{(CW-1){1'b0}}, r_hs};
    end
  end

  // ---- Master rules (assumed) ---------------------------------------------------------------------
  always_ff @(posedge aclk) begin
    if (in_rst || was_rst) begin
      assume (!req.awvalid);
      assume (!req.wvalid);
      assume (!req.arvalid);
    end
    if (f_ok && !was_rst && !in_rst) begin
      if ($past(req.awvalid && !rsp.awready)) assume (req.awvalid && $stable(req.awaddr));
      if ($past(req.wvalid && !rsp.wready))   assume (req.wvalid && $stable(req.wdata) && $stable(req.wstrb));
      if ($past(req.arvalid && !rsp.arready)) assume (req.arvalid && $stable(req.araddr));
    end
  end

  // ---- Slave rules (asserted) ---------------------------------------------------------------------
  always_ff @(posedge aclk) begin
    if (f_ok && was_rst) begin
      b_valid_low_after_reset: assert (!rsp.bvalid);
      r_valid_low_after_reset: assert (!rsp.rvalid);
    end
    if (f_ok && !was_rst && !in_rst) begin
      if ($past(rsp.bvalid && !req.bready)) begin
        b_valid_held:   assert (rsp.bvalid);
        b_resp_stable:  assert ($stable(rsp.bresp));
      end
      if ($past(rsp.rvalid && !req.rready)) begin
        r_valid_held:   assert (rsp.rvalid);
        r_data_stable:  assert ($stable(rsp.rdata) && $stable(rsp.rresp));
      end
    end
    if (f_ok && !in_rst) begin
      // A response answers a request accepted in an earlier cycle, one response per request.
      if (rsp.bvalid) begin
        b_after_aw_and_w: assert (aw_open != '0 && w_open != '0);
        b_not_exokay:     assert (rsp.bresp != 2'b01);
      end
      if (rsp.rvalid) begin
        r_after_ar:       assert (ar_open != '0);
        r_not_exokay:     assert (rsp.rresp != 2'b01);
      end
      aw_bounded: assert (32'(aw_open) <= MaxOutstanding);
      w_bounded:  assert (32'(w_open) <= MaxOutstanding);
      ar_bounded: assert (32'(ar_open) <= MaxOutstanding);
    end
  end

endmodule
