// AXI4 and AXI4-Lite types and values shared by the kernel's glue and the formal checkers
// (hw/formal). Only what does not depend on the data width: a packed struct cannot take a
// module's parameter and Yosys 0.23 has no type parameters, so AXI4 R and W data stay vectors of
// the module's DataWidth beside the channel bundles.
/* verilator lint_off UNUSEDPARAM */ // Not every user takes every value.
package nasmac_axi_pkg;
  // An address channel's payload (AR or AW): the m_axi_<port>_AR*/AW* ports nasmac drives, in
  // this order when concatenated.
  typedef struct packed {
    logic [63:0] addr;
    logic [7:0]  len;    // beats - 1
    logic [2:0]  size;   // log2(octets per beat)
    logic [1:0]  burst;
    logic [3:0]  cache;
    logic [2:0]  prot;
  } ax_t;

  // What nasmac's bursts carry besides address, length and size (what Vitis masters use): INCR,
  // normal bufferable memory, an unprivileged secure data access.
  localparam logic [1:0] BURST_INCR   = 2'b01;
  localparam logic [3:0] CACHE_NORMAL = 4'b0011;
  localparam logic [2:0] PROT_DATA    = 3'b000;
  localparam logic [8:0] AX_FIXED     = {BURST_INCR, CACHE_NORMAL, PROT_DATA};
  localparam logic [1:0] RESP_OKAY    = 2'b00;

  // An AXI4 master's read channels (AR, R) and write channels (AW, W, B) as bundles in the way
  // of the AXI-Lite ones below: what the master drives (req) and what the slave drives (rsp). The
  // data beats (RDATA, WDATA, WSTRB) stay beside them as vectors of the module's DataWidth. A
  // read-only master has only the read pair. scripts/gen_kernel_top.py concatenates the flat
  // m_axi_<port>_* names in this field order.
  typedef struct packed {
    logic arvalid;
    ax_t  ar;
    logic rready;
  } axi_rd_req_t;

  typedef struct packed {
    logic       arready;
    logic       rvalid;
    logic [1:0] rresp;
    logic       rlast;
  } axi_rd_rsp_t;

  typedef struct packed {
    logic awvalid;
    ax_t  aw;
    logic wvalid;
    logic wlast;
    logic bready;
  } axi_wr_req_t;

  typedef struct packed {
    logic       awready;
    logic       wready;
    logic       bvalid;
    logic [1:0] bresp;
  } axi_wr_rsp_t;

  // An AXI4-Lite port (32-bit data) as two bundles: what the master drives (req) and what the
  // slave drives (rsp), each channel's VALID or READY next to its payload. The address is the
  // protocol's full 32 bits so that the type does not depend on a module's address width: a slave
  // decodes the low bits it implements, a master with a narrower address zero-extends it.
  typedef struct packed {
    logic        awvalid;
    logic [31:0] awaddr;
    logic        wvalid;
    logic [31:0] wdata;
    logic [3:0]  wstrb;
    logic        bready;
    logic        arvalid;
    logic [31:0] araddr;
    logic        rready;
  } axil_req_t;

  typedef struct packed {
    logic        awready;
    logic        wready;
    logic        bvalid;
    logic [1:0]  bresp;
    logic        arready;
    logic        rvalid;
    logic [31:0] rdata;
    logic [1:0]  rresp;
  } axil_rsp_t;
endpackage
/* verilator lint_on UNUSEDPARAM */
