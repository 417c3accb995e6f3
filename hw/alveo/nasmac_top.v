// nasmac_top: the Vitis RTL kernel top, plain Verilog-2001 as in Xilinx's RTL kernel examples.
// It fixes the build's parameters (no SystemVerilog types cross the IP boundary, and Vivado's IP
// packager sees integer parameters only) and instantiates the SystemVerilog kernel `nasmac`.
// Ports follow UG1393's kernel interface rules: ap_clk, ap_rst_n (active low, synchronous),
// interrupt, one AXI4-Lite slave s_axi_control with a 12-bit address (range 0x1000), and AXI4
// masters with 64-bit addresses: m_axi_gmem (descriptors in, records out) and m_axi_msg (message
// reads; its write channels are tied off). The AXI4 signals nasmac does not use (IDs, LOCK, QOS,
// REGION) are driven with the values Vitis masters use, so the packager infers full AXI4 ports.
// hw/alveo/ports.txt lists the same ports for kernel.xml; `make alveo-check` compares them.
//
// The port list is written out in full, once per master: Verilog-2001 has no token pasting to
// make `m_axi_<name>_<signal>` from one macro, and the packager infers each interface from
// exactly these names. ports.txt is the one list they are checked against.
`default_nettype none
`timescale 1 ns / 1 ps

module nasmac_top #(
  parameter integer C_S_AXI_CONTROL_ADDR_WIDTH = 12,
  parameter integer C_S_AXI_CONTROL_DATA_WIDTH = 32,
  parameter integer C_M_AXI_GMEM_ADDR_WIDTH    = 64,
  parameter integer C_M_AXI_GMEM_DATA_WIDTH    = 512,
  parameter integer C_M_AXI_GMEM_ID_WIDTH      = 1,
  parameter integer C_M_AXI_MSG_ADDR_WIDTH     = 64,
  parameter integer C_M_AXI_MSG_DATA_WIDTH     = 512,
  parameter integer C_M_AXI_MSG_ID_WIDTH       = 1,
  // Lanes per algorithm (see hw/rtl/nasmac.sv).
  parameter integer NUM_EIA1                   = 1,
  parameter integer NUM_EIA2                   = 1,
  parameter integer NUM_EIA3                   = 1
) (
  input  wire                                    ap_clk,
  input  wire                                    ap_rst_n,
  output wire                                    interrupt,
  // AXI4-Lite control slave.
  input  wire                                    s_axi_control_AWVALID,
  output wire                                    s_axi_control_AWREADY,
  input  wire [C_S_AXI_CONTROL_ADDR_WIDTH-1:0]   s_axi_control_AWADDR,
  input  wire                                    s_axi_control_WVALID,
  output wire                                    s_axi_control_WREADY,
  input  wire [C_S_AXI_CONTROL_DATA_WIDTH-1:0]   s_axi_control_WDATA,
  input  wire [C_S_AXI_CONTROL_DATA_WIDTH/8-1:0] s_axi_control_WSTRB,
  output wire                                    s_axi_control_BVALID,
  input  wire                                    s_axi_control_BREADY,
  output wire [1:0]                              s_axi_control_BRESP,
  input  wire                                    s_axi_control_ARVALID,
  output wire                                    s_axi_control_ARREADY,
  input  wire [C_S_AXI_CONTROL_ADDR_WIDTH-1:0]   s_axi_control_ARADDR,
  output wire                                    s_axi_control_RVALID,
  input  wire                                    s_axi_control_RREADY,
  output wire [C_S_AXI_CONTROL_DATA_WIDTH-1:0]   s_axi_control_RDATA,
  output wire [1:0]                              s_axi_control_RRESP,
  // AXI4 master: descriptor reads, result record writes.
  output wire                                    m_axi_gmem_AWVALID,
  input  wire                                    m_axi_gmem_AWREADY,
  output wire [C_M_AXI_GMEM_ADDR_WIDTH-1:0]      m_axi_gmem_AWADDR,
  output wire [C_M_AXI_GMEM_ID_WIDTH-1:0]        m_axi_gmem_AWID,
  output wire [7:0]                              m_axi_gmem_AWLEN,
  output wire [2:0]                              m_axi_gmem_AWSIZE,
  output wire [1:0]                              m_axi_gmem_AWBURST,
  output wire [1:0]                              m_axi_gmem_AWLOCK,
  output wire [3:0]                              m_axi_gmem_AWCACHE,
  output wire [2:0]                              m_axi_gmem_AWPROT,
  output wire [3:0]                              m_axi_gmem_AWQOS,
  output wire [3:0]                              m_axi_gmem_AWREGION,
  output wire                                    m_axi_gmem_WVALID,
  input  wire                                    m_axi_gmem_WREADY,
  output wire [C_M_AXI_GMEM_DATA_WIDTH-1:0]      m_axi_gmem_WDATA,
  output wire [C_M_AXI_GMEM_DATA_WIDTH/8-1:0]    m_axi_gmem_WSTRB,
  output wire                                    m_axi_gmem_WLAST,
  input  wire                                    m_axi_gmem_BVALID,
  output wire                                    m_axi_gmem_BREADY,
  input  wire [1:0]                              m_axi_gmem_BRESP,
  input  wire [C_M_AXI_GMEM_ID_WIDTH-1:0]        m_axi_gmem_BID,
  output wire                                    m_axi_gmem_ARVALID,
  input  wire                                    m_axi_gmem_ARREADY,
  output wire [C_M_AXI_GMEM_ADDR_WIDTH-1:0]      m_axi_gmem_ARADDR,
  output wire [C_M_AXI_GMEM_ID_WIDTH-1:0]        m_axi_gmem_ARID,
  output wire [7:0]                              m_axi_gmem_ARLEN,
  output wire [2:0]                              m_axi_gmem_ARSIZE,
  output wire [1:0]                              m_axi_gmem_ARBURST,
  output wire [1:0]                              m_axi_gmem_ARLOCK,
  output wire [3:0]                              m_axi_gmem_ARCACHE,
  output wire [2:0]                              m_axi_gmem_ARPROT,
  output wire [3:0]                              m_axi_gmem_ARQOS,
  output wire [3:0]                              m_axi_gmem_ARREGION,
  input  wire                                    m_axi_gmem_RVALID,
  output wire                                    m_axi_gmem_RREADY,
  input  wire [C_M_AXI_GMEM_DATA_WIDTH-1:0]      m_axi_gmem_RDATA,
  input  wire                                    m_axi_gmem_RLAST,
  input  wire [C_M_AXI_GMEM_ID_WIDTH-1:0]        m_axi_gmem_RID,
  input  wire [1:0]                              m_axi_gmem_RRESP,
  // AXI4 master: message reads (read-only: AW/W idle, B accepted).
  output wire                                    m_axi_msg_AWVALID,
  input  wire                                    m_axi_msg_AWREADY,
  output wire [C_M_AXI_MSG_ADDR_WIDTH-1:0]      m_axi_msg_AWADDR,
  output wire [C_M_AXI_MSG_ID_WIDTH-1:0]        m_axi_msg_AWID,
  output wire [7:0]                              m_axi_msg_AWLEN,
  output wire [2:0]                              m_axi_msg_AWSIZE,
  output wire [1:0]                              m_axi_msg_AWBURST,
  output wire [1:0]                              m_axi_msg_AWLOCK,
  output wire [3:0]                              m_axi_msg_AWCACHE,
  output wire [2:0]                              m_axi_msg_AWPROT,
  output wire [3:0]                              m_axi_msg_AWQOS,
  output wire [3:0]                              m_axi_msg_AWREGION,
  output wire                                    m_axi_msg_WVALID,
  input  wire                                    m_axi_msg_WREADY,
  output wire [C_M_AXI_MSG_DATA_WIDTH-1:0]      m_axi_msg_WDATA,
  output wire [C_M_AXI_MSG_DATA_WIDTH/8-1:0]    m_axi_msg_WSTRB,
  output wire                                    m_axi_msg_WLAST,
  input  wire                                    m_axi_msg_BVALID,
  output wire                                    m_axi_msg_BREADY,
  input  wire [1:0]                              m_axi_msg_BRESP,
  input  wire [C_M_AXI_MSG_ID_WIDTH-1:0]        m_axi_msg_BID,
  output wire                                    m_axi_msg_ARVALID,
  input  wire                                    m_axi_msg_ARREADY,
  output wire [C_M_AXI_MSG_ADDR_WIDTH-1:0]      m_axi_msg_ARADDR,
  output wire [C_M_AXI_MSG_ID_WIDTH-1:0]        m_axi_msg_ARID,
  output wire [7:0]                              m_axi_msg_ARLEN,
  output wire [2:0]                              m_axi_msg_ARSIZE,
  output wire [1:0]                              m_axi_msg_ARBURST,
  output wire [1:0]                              m_axi_msg_ARLOCK,
  output wire [3:0]                              m_axi_msg_ARCACHE,
  output wire [2:0]                              m_axi_msg_ARPROT,
  output wire [3:0]                              m_axi_msg_ARQOS,
  output wire [3:0]                              m_axi_msg_ARREGION,
  input  wire                                    m_axi_msg_RVALID,
  output wire                                    m_axi_msg_RREADY,
  input  wire [C_M_AXI_MSG_DATA_WIDTH-1:0]      m_axi_msg_RDATA,
  input  wire                                    m_axi_msg_RLAST,
  input  wire [C_M_AXI_MSG_ID_WIDTH-1:0]        m_axi_msg_RID,
  input  wire [1:0]                              m_axi_msg_RRESP
);

  // One ID, no exclusive access, no QoS or regions: what nasmac's in-order bursts need.
  assign m_axi_gmem_AWID     = {C_M_AXI_GMEM_ID_WIDTH{1'b0}};
  assign m_axi_gmem_AWLOCK   = 2'b00;
  assign m_axi_gmem_AWQOS    = 4'h0;
  assign m_axi_gmem_AWREGION = 4'h0;
  assign m_axi_gmem_ARID     = {C_M_AXI_GMEM_ID_WIDTH{1'b0}};
  assign m_axi_gmem_ARLOCK   = 2'b00;
  assign m_axi_gmem_ARQOS    = 4'h0;
  assign m_axi_gmem_ARREGION = 4'h0;

  assign m_axi_msg_AWVALID  = 1'b0;
  assign m_axi_msg_AWADDR   = {C_M_AXI_MSG_ADDR_WIDTH{1'b0}};
  assign m_axi_msg_AWID     = {C_M_AXI_MSG_ID_WIDTH{1'b0}};
  assign m_axi_msg_AWLEN    = 8'h00;
  assign m_axi_msg_AWSIZE   = 3'd6;
  assign m_axi_msg_AWBURST  = 2'b01;
  assign m_axi_msg_AWLOCK   = 2'b00;
  assign m_axi_msg_AWCACHE  = 4'b0011;
  assign m_axi_msg_AWPROT   = 3'b000;
  assign m_axi_msg_AWQOS    = 4'h0;
  assign m_axi_msg_AWREGION = 4'h0;
  assign m_axi_msg_WVALID   = 1'b0;
  assign m_axi_msg_WDATA    = {C_M_AXI_MSG_DATA_WIDTH{1'b0}};
  assign m_axi_msg_WSTRB    = {C_M_AXI_MSG_DATA_WIDTH/8{1'b0}};
  assign m_axi_msg_WLAST    = 1'b0;
  assign m_axi_msg_BREADY   = 1'b1;
  assign m_axi_msg_ARID     = {C_M_AXI_MSG_ID_WIDTH{1'b0}};
  assign m_axi_msg_ARLOCK   = 2'b00;
  assign m_axi_msg_ARQOS    = 4'h0;
  assign m_axi_msg_ARREGION = 4'h0;

  // IDs and the unused responses of the idle write channels are not looked at.
  wire unused_ok = &{1'b0, m_axi_gmem_BID, m_axi_gmem_RID, m_axi_msg_BID, m_axi_msg_RID,
                     m_axi_msg_AWREADY, m_axi_msg_WREADY, m_axi_msg_BVALID, m_axi_msg_BRESP};

  nasmac #(
    .DataWidth     (C_M_AXI_GMEM_DATA_WIDTH),
    .CtrlAddrWidth (C_S_AXI_CONTROL_ADDR_WIDTH),
    .NumEia1       (NUM_EIA1),
    .NumEia2       (NUM_EIA2),
    .NumEia3       (NUM_EIA3)
  ) u_nasmac (
    .ap_clk                (ap_clk),
    .ap_rst_n              (ap_rst_n),
    .interrupt             (interrupt),
    .s_axi_control_AWVALID (s_axi_control_AWVALID),
    .s_axi_control_AWREADY (s_axi_control_AWREADY),
    .s_axi_control_AWADDR  (s_axi_control_AWADDR),
    .s_axi_control_WVALID  (s_axi_control_WVALID),
    .s_axi_control_WREADY  (s_axi_control_WREADY),
    .s_axi_control_WDATA   (s_axi_control_WDATA),
    .s_axi_control_WSTRB   (s_axi_control_WSTRB),
    .s_axi_control_BVALID  (s_axi_control_BVALID),
    .s_axi_control_BREADY  (s_axi_control_BREADY),
    .s_axi_control_BRESP   (s_axi_control_BRESP),
    .s_axi_control_ARVALID (s_axi_control_ARVALID),
    .s_axi_control_ARREADY (s_axi_control_ARREADY),
    .s_axi_control_ARADDR  (s_axi_control_ARADDR),
    .s_axi_control_RVALID  (s_axi_control_RVALID),
    .s_axi_control_RREADY  (s_axi_control_RREADY),
    .s_axi_control_RDATA   (s_axi_control_RDATA),
    .s_axi_control_RRESP   (s_axi_control_RRESP),
    .m_axi_gmem_AWVALID    (m_axi_gmem_AWVALID),
    .m_axi_gmem_AWREADY    (m_axi_gmem_AWREADY),
    .m_axi_gmem_AWADDR     (m_axi_gmem_AWADDR),
    .m_axi_gmem_AWLEN      (m_axi_gmem_AWLEN),
    .m_axi_gmem_AWSIZE     (m_axi_gmem_AWSIZE),
    .m_axi_gmem_AWBURST    (m_axi_gmem_AWBURST),
    .m_axi_gmem_AWCACHE    (m_axi_gmem_AWCACHE),
    .m_axi_gmem_AWPROT     (m_axi_gmem_AWPROT),
    .m_axi_gmem_WVALID     (m_axi_gmem_WVALID),
    .m_axi_gmem_WREADY     (m_axi_gmem_WREADY),
    .m_axi_gmem_WDATA      (m_axi_gmem_WDATA),
    .m_axi_gmem_WSTRB      (m_axi_gmem_WSTRB),
    .m_axi_gmem_WLAST      (m_axi_gmem_WLAST),
    .m_axi_gmem_BVALID     (m_axi_gmem_BVALID),
    .m_axi_gmem_BREADY     (m_axi_gmem_BREADY),
    .m_axi_gmem_BRESP      (m_axi_gmem_BRESP),
    .m_axi_gmem_ARVALID    (m_axi_gmem_ARVALID),
    .m_axi_gmem_ARREADY    (m_axi_gmem_ARREADY),
    .m_axi_gmem_ARADDR     (m_axi_gmem_ARADDR),
    .m_axi_gmem_ARLEN      (m_axi_gmem_ARLEN),
    .m_axi_gmem_ARSIZE     (m_axi_gmem_ARSIZE),
    .m_axi_gmem_ARBURST    (m_axi_gmem_ARBURST),
    .m_axi_gmem_ARCACHE    (m_axi_gmem_ARCACHE),
    .m_axi_gmem_ARPROT     (m_axi_gmem_ARPROT),
    .m_axi_gmem_RVALID     (m_axi_gmem_RVALID),
    .m_axi_gmem_RREADY     (m_axi_gmem_RREADY),
    .m_axi_gmem_RDATA      (m_axi_gmem_RDATA),
    .m_axi_gmem_RRESP      (m_axi_gmem_RRESP),
    .m_axi_gmem_RLAST      (m_axi_gmem_RLAST),
    .m_axi_msg_ARVALID     (m_axi_msg_ARVALID),
    .m_axi_msg_ARREADY     (m_axi_msg_ARREADY),
    .m_axi_msg_ARADDR      (m_axi_msg_ARADDR),
    .m_axi_msg_ARLEN       (m_axi_msg_ARLEN),
    .m_axi_msg_ARSIZE      (m_axi_msg_ARSIZE),
    .m_axi_msg_ARBURST     (m_axi_msg_ARBURST),
    .m_axi_msg_ARCACHE     (m_axi_msg_ARCACHE),
    .m_axi_msg_ARPROT      (m_axi_msg_ARPROT),
    .m_axi_msg_RVALID      (m_axi_msg_RVALID),
    .m_axi_msg_RREADY      (m_axi_msg_RREADY),
    .m_axi_msg_RDATA       (m_axi_msg_RDATA),
    .m_axi_msg_RRESP       (m_axi_msg_RRESP),
    .m_axi_msg_RLAST       (m_axi_msg_RLAST)
  );
endmodule

`default_nettype wire
