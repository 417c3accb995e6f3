/* verilator lint_off DECLFILENAME */ // Two fixtures, one file.
// Deliberately broken fixtures: `make formal` must REJECT each of them, which shows that the
// checkers can fail (a checker that cannot fail proves nothing).
//   nasmac_broken_master_formal: an AXI4 read master that withdraws ARVALID when ARREADY does not
//     come within a cycle (AXI forbids it: VALID must stay until READY); with
//     NASMAC_BROKEN_PAYLOAD defined it holds ARVALID but changes the address meanwhile.
//   nasmac_broken_lite_formal: an AXI4-Lite slave that offers its read response for one cycle
//     only, whether or not RREADY took it.
//   nasmac_broken_write_formal: an AXI4 write master that announces 2-beat bursts and raises
//     WLAST on the first beat.
module nasmac_broken_master_formal (
  input logic        clk,
  input logic        rst_n,
  input logic        arready,
  input logic        rvalid,
  input logic [31:0] rdata,
  input logic [1:0]  rresp,
  input logic        rlast
);
  logic        arvalid_q;
  logic [63:0] araddr_q;
  logic        rready;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      arvalid_q <= 1'b0;
      araddr_q  <= '0;
    end else begin
`ifdef NASMAC_BROKEN_PAYLOAD
      // The bug: ARVALID is held, but the address moves on while ARREADY is awaited.
      arvalid_q <= 1'b1;
      araddr_q  <= araddr_q + 64'd64;
`else
      // The bug: ARVALID toggles every cycle instead of waiting for ARREADY.
      arvalid_q <= !arvalid_q;
      if (arvalid_q && arready) araddr_q <= araddr_q + 64'd64;
`endif
    end
  end
  assign rready = 1'b1;

  nasmac_axi4_master_check #(.DataWidth(32), .HasWrite(0), .MaxBursts(2), .ResetLatency(0)) chk (
    .aclk(clk), .aresetn(rst_n),
    .rd_req({arvalid_q, araddr_q, 8'h0, 3'd2, nasmac_axi_pkg::AX_FIXED, rready}),
    .rd_rsp({arready, rvalid, rresp, rlast}), .rdata,
    .wr_req('0), .wr_rsp('0), .wdata(32'h0), .wstrb(4'h0)
  );
endmodule

module nasmac_broken_lite_formal (
  input logic                      clk,
  input logic                      rst_n,
  input nasmac_axi_pkg::axil_req_t req
);
  logic        rvalid_q;
  logic [31:0] rdata_q;
  logic        arready;
  assign arready = !rvalid_q;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      rvalid_q <= 1'b0;
      rdata_q  <= '0;
    end else begin
      // The bug: the response is dropped after one cycle even without RREADY.
      rvalid_q <= req.arvalid && arready;
      if (req.arvalid && arready) rdata_q <= req.araddr;
    end
  end

  nasmac_axil_slave_check #(.MaxOutstanding(2), .ResetLatency(0)) chk (
    .aclk(clk), .aresetn(rst_n),
    // Reads only: AWREADY, WREADY, BVALID and BRESP stay 0.
    .req, .rsp({1'b0, 1'b0, 1'b0, 2'b00, arready, rvalid_q, rdata_q, 2'b00})
  );
endmodule

module nasmac_broken_write_formal (
  input logic clk,
  input logic rst_n,
  input logic awready,
  input logic wready,
  input logic bvalid,
  input logic [1:0] bresp
);
  logic aw_q, w_q, beat_q;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_q   <= 1'b0;
      w_q    <= 1'b0;
      beat_q <= 1'b0;
    end else begin
      // One burst at a time: AW and its two W beats presented together.
      if (!aw_q && !w_q) begin
        aw_q <= 1'b1;
        w_q  <= 1'b1;
      end
      if (aw_q && awready) aw_q <= 1'b0;
      if (w_q && wready) begin
        beat_q <= !beat_q;
        if (beat_q) w_q <= 1'b0;
      end
    end
  end

  nasmac_axi4_master_check #(.DataWidth(32), .HasWrite(1), .MaxBursts(2), .ResetLatency(0)) chk (
    .aclk(clk), .aresetn(rst_n),
    .rd_req({1'b0, 64'h0, 8'h0, 3'd2, nasmac_axi_pkg::AX_FIXED, 1'b1}), .rd_rsp('0), .rdata(32'h0),
    // The bug: WLAST on the first of the two beats.
    .wr_req({aw_q, 64'h1000, 8'h1, 3'd2, nasmac_axi_pkg::AX_FIXED, w_q, !beat_q, 1'b1}),
    .wr_rsp({awready, wready, bvalid, bresp}), .wdata(32'h0), .wstrb(4'hf)
  );
endmodule
