// Formal wrapper: the whole kernel top (lanes replaced by nasmac_lane_stubs.sv), 128-bit data
// (the interface rules do not depend on the width; it keeps the beat buffers small), 12-bit
// control address. Each port is under its checker; the host and the memory are the solver,
// held to the AXI rules by the checkers' assumptions; m_axi_msg is read-only.
module nasmac_kernel_formal #(
  parameter int unsigned DataWidth = 128
) (
  input  logic                 ap_clk,
  input  logic                 ap_rst_n,
  input  logic                 s_axi_control_AWVALID,
  input  logic [11:0]          s_axi_control_AWADDR,
  input  logic                 s_axi_control_WVALID,
  input  logic [31:0]          s_axi_control_WDATA,
  input  logic [3:0]           s_axi_control_WSTRB,
  input  logic                 s_axi_control_BREADY,
  input  logic                 s_axi_control_ARVALID,
  input  logic [11:0]          s_axi_control_ARADDR,
  input  logic                 s_axi_control_RREADY,
  input  logic                 m_axi_gmem_AWREADY,
  input  logic                 m_axi_gmem_WREADY,
  input  logic                 m_axi_gmem_BVALID,
  input  logic [1:0]           m_axi_gmem_BRESP,
  input  logic                 m_axi_gmem_ARREADY,
  input  logic                 m_axi_gmem_RVALID,
  input  logic [DataWidth-1:0] m_axi_gmem_RDATA,
  input  logic [1:0]           m_axi_gmem_RRESP,
  input  logic                 m_axi_gmem_RLAST,
  input  logic                 m_axi_msg_ARREADY,
  input  logic                 m_axi_msg_RVALID,
  input  logic [DataWidth-1:0] m_axi_msg_RDATA,
  input  logic [1:0]           m_axi_msg_RRESP,
  input  logic                 m_axi_msg_RLAST
);
  /* verilator lint_off UNUSEDSIGNAL */
  logic                   interrupt;
  /* verilator lint_on UNUSEDSIGNAL */
  logic                   s_axi_control_AWREADY, s_axi_control_WREADY, s_axi_control_BVALID;
  logic                   s_axi_control_ARREADY, s_axi_control_RVALID;
  logic [1:0]             s_axi_control_BRESP, s_axi_control_RRESP;
  logic [31:0]            s_axi_control_RDATA;
  logic                   m_axi_gmem_AWVALID, m_axi_gmem_WVALID, m_axi_gmem_WLAST, m_axi_gmem_BREADY;
  logic [63:0]            m_axi_gmem_AWADDR, m_axi_gmem_ARADDR;
  logic [7:0]             m_axi_gmem_AWLEN, m_axi_gmem_ARLEN;
  logic [2:0]             m_axi_gmem_AWSIZE, m_axi_gmem_ARSIZE, m_axi_gmem_AWPROT, m_axi_gmem_ARPROT;
  logic [1:0]             m_axi_gmem_AWBURST, m_axi_gmem_ARBURST;
  logic [3:0]             m_axi_gmem_AWCACHE, m_axi_gmem_ARCACHE;
  logic [DataWidth-1:0]   m_axi_gmem_WDATA;
  logic [DataWidth/8-1:0] m_axi_gmem_WSTRB;
  logic                   m_axi_gmem_ARVALID, m_axi_gmem_RREADY;
  logic                   m_axi_msg_ARVALID, m_axi_msg_RREADY;
  logic [63:0]            m_axi_msg_ARADDR;
  logic [7:0]             m_axi_msg_ARLEN;
  logic [2:0]             m_axi_msg_ARSIZE, m_axi_msg_ARPROT;
  logic [1:0]             m_axi_msg_ARBURST;
  logic [3:0]             m_axi_msg_ARCACHE;

  // The kernel sizes its buffers for 150 cycles of memory latency; the interface rules do
  // not depend on the depths, the solver's time does: the smallest legal ones.
  nasmac #(.DataWidth(DataWidth), .CtrlAddrWidth(12), .MaxReads(8), .LaneBufBeats(16),
           .LaneJobs(4)) dut (.*);

  nasmac_axil_slave_check #(.MaxOutstanding(2), .ResetLatency(1)) chk_control (
    .aclk(ap_clk), .aresetn(ap_rst_n),
    .req({s_axi_control_AWVALID, 20'h0, s_axi_control_AWADDR, s_axi_control_WVALID,
          s_axi_control_WDATA, s_axi_control_WSTRB, s_axi_control_BREADY,
          s_axi_control_ARVALID, 20'h0, s_axi_control_ARADDR, s_axi_control_RREADY}),
    .rsp({s_axi_control_AWREADY, s_axi_control_WREADY, s_axi_control_BVALID, s_axi_control_BRESP,
          s_axi_control_ARREADY, s_axi_control_RVALID, s_axi_control_RDATA, s_axi_control_RRESP})
  );

  nasmac_axi4_master_check #(.DataWidth(DataWidth), .HasWrite(1), .MaxBursts(4),
                             .ResetLatency(1), .RReadyAlways(1), .BReadyAlways(1)) chk_gmem (
    .aclk(ap_clk), .aresetn(ap_rst_n),
    .arvalid(m_axi_gmem_ARVALID), .arready(m_axi_gmem_ARREADY),
    .ar({m_axi_gmem_ARADDR, m_axi_gmem_ARLEN, m_axi_gmem_ARSIZE, m_axi_gmem_ARBURST,
         m_axi_gmem_ARCACHE, m_axi_gmem_ARPROT}),
    .rvalid(m_axi_gmem_RVALID), .rready(m_axi_gmem_RREADY), .rdata(m_axi_gmem_RDATA),
    .rresp(m_axi_gmem_RRESP), .rlast(m_axi_gmem_RLAST),
    .awvalid(m_axi_gmem_AWVALID), .awready(m_axi_gmem_AWREADY),
    .aw({m_axi_gmem_AWADDR, m_axi_gmem_AWLEN, m_axi_gmem_AWSIZE, m_axi_gmem_AWBURST,
         m_axi_gmem_AWCACHE, m_axi_gmem_AWPROT}),
    .wvalid(m_axi_gmem_WVALID), .wready(m_axi_gmem_WREADY), .wdata(m_axi_gmem_WDATA),
    .wstrb(m_axi_gmem_WSTRB), .wlast(m_axi_gmem_WLAST),
    .bvalid(m_axi_gmem_BVALID), .bready(m_axi_gmem_BREADY), .bresp(m_axi_gmem_BRESP)
  );

  nasmac_axi4_master_check #(.DataWidth(DataWidth), .HasWrite(0), .MaxBursts(4),
                             .ResetLatency(1), .RReadyAlways(1)) chk_msg (
    .aclk(ap_clk), .aresetn(ap_rst_n),
    .arvalid(m_axi_msg_ARVALID), .arready(m_axi_msg_ARREADY),
    .ar({m_axi_msg_ARADDR, m_axi_msg_ARLEN, m_axi_msg_ARSIZE, m_axi_msg_ARBURST,
         m_axi_msg_ARCACHE, m_axi_msg_ARPROT}),
    .rvalid(m_axi_msg_RVALID), .rready(m_axi_msg_RREADY), .rdata(m_axi_msg_RDATA),
    .rresp(m_axi_msg_RRESP), .rlast(m_axi_msg_RLAST),
    .awvalid(1'b0), .awready(1'b0), .aw('0), .wvalid(1'b0), .wready(1'b0), .wdata('0), .wstrb('0),
    .wlast(1'b0), .bvalid(1'b0), .bready(1'b0), .bresp(2'h0)
  );
endmodule
