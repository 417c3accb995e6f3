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
  // Address width in bits.
  parameter int unsigned AddrWidth = 12,
  // Requests per direction the slave may hold unanswered (the checker's counters are sized by it).
  parameter int unsigned MaxOutstanding = 2,
  // Cycles from the port reset to the design's registers being reset (0: direct, 1: registered).
  parameter int unsigned ResetLatency = 0
) (
  input logic                 aclk,
  input logic                 aresetn,
  input logic                 awvalid,
  input logic                 awready,
  input logic [AddrWidth-1:0] awaddr,
  input logic                 wvalid,
  input logic                 wready,
  input logic [31:0]          wdata,
  input logic [3:0]           wstrb,
  input logic                 bvalid,
  input logic                 bready,
  input logic [1:0]           bresp,
  input logic                 arvalid,
  input logic                 arready,
  input logic [AddrWidth-1:0] araddr,
  input logic                 rvalid,
  input logic                 rready,
  input logic [31:0]          rdata,
  input logic [1:0]           rresp
);
  // ---- Reset as the design sees it (in_rst, was_rst, f_ok: nasmac_formal_reset) ------------------
  logic in_rst, was_rst, f_ok;
  nasmac_formal_reset #(.ResetLatency(ResetLatency)) u_rst (.aclk, .aresetn, .in_rst, .was_rst, .f_ok);

  // ---- Requests accepted and not yet answered -----------------------------------------------------
  localparam int unsigned CW = $clog2(MaxOutstanding + 1) + 1;
  logic aw_hs, w_hs, b_hs, ar_hs, r_hs;
  assign aw_hs = awvalid && awready;
  assign w_hs  = wvalid && wready;
  assign b_hs  = bvalid && bready;
  assign ar_hs = arvalid && arready;
  assign r_hs  = rvalid && rready;

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
      assume (!awvalid);
      assume (!wvalid);
      assume (!arvalid);
    end
    if (f_ok && !was_rst && !in_rst) begin
      if ($past(awvalid && !awready)) assume (awvalid && $stable(awaddr));
      if ($past(wvalid && !wready))   assume (wvalid && $stable(wdata) && $stable(wstrb));
      if ($past(arvalid && !arready)) assume (arvalid && $stable(araddr));
    end
  end

  // ---- Slave rules (asserted) ---------------------------------------------------------------------
  always_ff @(posedge aclk) begin
    if (f_ok && was_rst) begin
      b_valid_low_after_reset: assert (!bvalid);
      r_valid_low_after_reset: assert (!rvalid);
    end
    if (f_ok && !was_rst && !in_rst) begin
      if ($past(bvalid && !bready)) begin
        b_valid_held:   assert (bvalid);
        b_resp_stable:  assert ($stable(bresp));
      end
      if ($past(rvalid && !rready)) begin
        r_valid_held:   assert (rvalid);
        r_data_stable:  assert ($stable(rdata) && $stable(rresp));
      end
    end
    if (f_ok && !in_rst) begin
      // A response answers a request accepted in an earlier cycle, one response per request.
      if (bvalid) begin
        b_after_aw_and_w: assert (aw_open != '0 && w_open != '0);
        b_not_exokay:     assert (bresp != 2'b01);
      end
      if (rvalid) begin
        r_after_ar:       assert (ar_open != '0);
        r_not_exokay:     assert (rresp != 2'b01);
      end
      aw_bounded: assert (32'(aw_open) <= MaxOutstanding);
      w_bounded:  assert (32'(w_open) <= MaxOutstanding);
      ar_bounded: assert (32'(ar_open) <= MaxOutstanding);
    end
  end

endmodule
