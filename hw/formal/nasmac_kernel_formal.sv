// Formal wrapper: the whole kernel top (lanes replaced by nasmac_lane_stubs.sv), 128-bit data
// (the interface rules do not depend on the width; it keeps the beat buffers small), 12-bit
// control address. Each port is under its checker; the host and the memory are the solver,
// held to the AXI rules by the checkers' assumptions; m_axi_msg is read-only.
module nasmac_kernel_formal #(
  parameter int unsigned DataWidth = 128
) (
  input  logic                        ap_clk,
  input  logic                        ap_rst_n,
  input  nasmac_axi_pkg::axil_req_t   control_req_i,
  input  nasmac_axi_pkg::axi_rd_rsp_t gmem_rd_rsp_i,
  input  logic [DataWidth-1:0]        gmem_rdata_i,
  input  nasmac_axi_pkg::axi_wr_rsp_t gmem_wr_rsp_i,
  input  nasmac_axi_pkg::axi_rd_rsp_t msg_rd_rsp_i,
  input  logic [DataWidth-1:0]        msg_rdata_i
);
  /* verilator lint_off UNUSEDSIGNAL */
  logic                        interrupt;
  /* verilator lint_on UNUSEDSIGNAL */
  nasmac_axi_pkg::axil_rsp_t   control_rsp_o;
  nasmac_axi_pkg::axi_rd_req_t gmem_rd_req_o, msg_rd_req_o;
  nasmac_axi_pkg::axi_wr_req_t gmem_wr_req_o;
  logic [DataWidth-1:0]        gmem_wdata_o;
  logic [DataWidth/8-1:0]      gmem_wstrb_o;

  // The kernel sizes its buffers for 150 cycles of memory latency; the interface rules do
  // not depend on the depths, the solver's time does: the smallest legal ones.
  nasmac #(.DataWidth(DataWidth), .CtrlAddrWidth(12), .MaxReads(8), .LaneBufBeats(16),
           .LaneJobs(4)) dut (.*);

  // The solver drives the control address's 20 high bits too; the kernel decodes 12 of them.
  nasmac_axil_slave_check #(.MaxOutstanding(2), .ResetLatency(1)) chk_control (
    .aclk(ap_clk), .aresetn(ap_rst_n), .req(control_req_i), .rsp(control_rsp_o)
  );

  nasmac_axi4_master_check #(.DataWidth(DataWidth), .HasWrite(1), .MaxBursts(4),
                             .ResetLatency(1), .RReadyAlways(1), .BReadyAlways(1)) chk_gmem (
    .aclk(ap_clk), .aresetn(ap_rst_n),
    .rd_req(gmem_rd_req_o), .rd_rsp(gmem_rd_rsp_i), .rdata(gmem_rdata_i),
    .wr_req(gmem_wr_req_o), .wr_rsp(gmem_wr_rsp_i), .wdata(gmem_wdata_o), .wstrb(gmem_wstrb_o)
  );

  nasmac_axi4_master_check #(.DataWidth(DataWidth), .HasWrite(0), .MaxBursts(4),
                             .ResetLatency(1), .RReadyAlways(1)) chk_msg (
    .aclk(ap_clk), .aresetn(ap_rst_n),
    .rd_req(msg_rd_req_o), .rd_rsp(msg_rd_rsp_i), .rdata(msg_rdata_i),
    .wr_req('0), .wr_rsp('0), .wdata('0), .wstrb('0)
  );
endmodule
