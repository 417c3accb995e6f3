// The s_axi_control slave: Vitis ap_ctrl_hs control bits, interrupt registers, the kernel
// arguments and the read-only ID/VERSION/CYCLES/BAD_INDEX/RUN_STATUS registers of hw/layout.txt.
// RUN_STATUS is sticky and cleared by its read: XRT starts the next queued run as soon as one
// ends, before the host has read anything, so a status cleared at ap_start could be lost. It
// ORs the error bits of every run that ended since the last read and counts those runs (RUNS),
// so the host knows when one read speaks for several runs.
// AW and W are taken independently (each is held until the other arrives), one write and one
// read in flight at a time; reads of unmapped offsets return 0 and writes to them are ignored.
// A read address is registered before it is decoded (the data leaves a cycle later), so the
// decoder and the 32-bit read multiplexer are a path of their own.
module nasmac_ctrl #(
  // Width of the s_axi_control byte address.
  parameter int unsigned AddrWidth = 12
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // AXI4-Lite slave; only the low AddrWidth bits of an address are decoded.
  /* verilator lint_off UNUSEDSIGNAL */ // The address bits above AddrWidth.
  input  nasmac_axi_pkg::axil_req_t req_i,
  /* verilator lint_on UNUSEDSIGNAL */
  output nasmac_axi_pkg::axil_rsp_t rsp_o,
  // To and from the engine.
  output logic                 start_o,        // one-cycle pulse: latch the arguments and run
  input  logic                 done_i,         // one-cycle pulse: the run finished
  output logic [63:0]          desc_addr_o,
  output logic [63:0]          arena_addr_o,
  output logic [63:0]          result_addr_o,
  output logic [31:0]          num_jobs_o,
  output logic [31:0]          arena_bytes_o,
  output logic [31:0]          max_jobs_o,
  input  logic [63:0]          cycles_i,       // cycles of the current or last run
  input  logic [31:0]          bad_index_i,    // bad-index count of the current or last run
  input  logic [2:0]           run_err_i,      // the current run's error bits, taken at done_i
  output logic                 interrupt_o
);
  // Argument words, indexed by (offset - 0x10) / 4: DESC_ADDR lo/hi, ARENA_ADDR lo/hi,
  // RESULT_ADDR lo/hi, NUM_JOBS, ARENA_BYTES, MAX_JOBS.
  localparam int unsigned NumArgs = 9;

  logic                 aw_full_q, aw_full_d;
  logic [AddrWidth-1:0] aw_addr_q, aw_addr_d;
  logic                 w_full_q, w_full_d;
  logic [31:0]          w_data_q, w_data_d;
  logic [3:0]           w_strb_q, w_strb_d;
  logic                 b_valid_q, b_valid_d;
  logic                 ar_full_q, ar_full_d;
  /* verilator lint_off UNUSEDSIGNAL */ // Registers are word-aligned: the low two bits are ignored.
  logic [AddrWidth-1:0] ar_addr_q;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [AddrWidth-1:0] ar_addr_d;
  logic                 r_valid_q, r_valid_d;
  logic [31:0]          r_data_q, r_data_d;
  logic                 ap_start_q, ap_start_d;
  // ap_done is visible to the Verilator harness (sim/sim.cc, made public by sim/peek.vlt),
  // which clocks until it rises.
  logic                 ap_done_q;
  logic                 ap_done_d;              // sticky, clear on read of AP_CTRL
  logic                 ap_ready_q, ap_ready_d; // sticky, clear on read of AP_CTRL
  logic                 busy_q, busy_d;
  logic                 gie_q, gie_d;
  logic [1:0]           ier_q, ier_d;
  logic [1:0]           isr_q, isr_d;
  logic [31:0]          arg_q [NumArgs];
  logic [31:0]          arg_d [NumArgs];
  logic [2:0]           rs_err_q, rs_err_d;     // RUN_STATUS: errors of the runs since the read
  logic [7:0]           rs_runs_q, rs_runs_d;   // RUN_STATUS RUNS: runs ended since the read

  logic                 do_write, do_read;
  logic [31:0]          wr_addr, rd_addr, wmask, rd_word;

  assign rsp_o.awready = !aw_full_q;
  assign rsp_o.wready  = !w_full_q;
  assign rsp_o.bvalid  = b_valid_q;
  assign rsp_o.bresp   = 2'b00;
  assign rsp_o.arready = !ar_full_q && !r_valid_q;
  assign rsp_o.rvalid  = r_valid_q;
  assign rsp_o.rdata   = r_data_q;
  assign rsp_o.rresp   = 2'b00;

  assign desc_addr_o   = {arg_q[1], arg_q[0]};
  assign arena_addr_o  = {arg_q[3], arg_q[2]};
  assign result_addr_o = {arg_q[5], arg_q[4]};
  assign num_jobs_o    = arg_q[6];
  assign arena_bytes_o = arg_q[7];
  assign max_jobs_o    = arg_q[8];
  assign interrupt_o   = gie_q && (isr_q != 2'b00);

  // A write happens once both halves are held and the previous response has gone.
  assign do_write = aw_full_q && w_full_q && !b_valid_q;
  assign do_read  = ar_full_q && !r_valid_q;
  assign wr_addr  = {{(32-AddrWidth){1'b0}}, aw_addr_q[AddrWidth-1:2], 2'b00};
  assign rd_addr  = {{(32-AddrWidth){1'b0}}, ar_addr_q[AddrWidth-1:2], 2'b00};
  assign wmask    = {{8{w_strb_q[3]}}, {8{w_strb_q[2]}}, {8{w_strb_q[1]}}, {8{w_strb_q[0]}}};

  always_comb begin
    rd_word = 32'h0;
    if (rd_addr == nasmac_layout_pkg::REG_AP_CTRL) begin
      rd_word = {28'h0, ap_ready_q, !busy_q, ap_done_q, ap_start_q};
    end else if (rd_addr == nasmac_layout_pkg::REG_GIE) begin
      rd_word = {31'h0, gie_q};
    end else if (rd_addr == nasmac_layout_pkg::REG_IER) begin
      rd_word = {30'h0, ier_q};
    end else if (rd_addr == nasmac_layout_pkg::REG_ISR) begin
      rd_word = {30'h0, isr_q};
    end else if (rd_addr == nasmac_layout_pkg::REG_ID) begin
      rd_word = nasmac_layout_pkg::ID_VALUE;
    end else if (rd_addr == nasmac_layout_pkg::REG_VERSION) begin
      rd_word = nasmac_layout_pkg::VERSION;
    end else if (rd_addr == nasmac_layout_pkg::REG_CYCLES) begin
      rd_word = cycles_i[31:0];
    end else if (rd_addr == nasmac_layout_pkg::REG_CYCLES + 32'd4) begin
      rd_word = cycles_i[63:32];
    end else if (rd_addr == nasmac_layout_pkg::REG_BAD_INDEX) begin
      rd_word = bad_index_i;
    end else if (rd_addr == nasmac_layout_pkg::REG_RUN_STATUS) begin
      rd_word = {16'h0, rs_runs_q, 5'h0, rs_err_q};
    end else if (rd_addr >= nasmac_layout_pkg::REG_DESC_ADDR &&
                 rd_addr < nasmac_layout_pkg::REG_DESC_ADDR + 32'd4 * NumArgs) begin
      rd_word = arg_q[rd_addr[5:2] - nasmac_layout_pkg::REG_DESC_ADDR[5:2]];
    end
  end

  always_comb begin
    aw_full_d  = aw_full_q;
    aw_addr_d  = aw_addr_q;
    w_full_d   = w_full_q;
    w_data_d   = w_data_q;
    w_strb_d   = w_strb_q;
    b_valid_d  = b_valid_q;
    ar_full_d  = ar_full_q;
    ar_addr_d  = ar_addr_q;
    r_valid_d  = r_valid_q;
    r_data_d   = r_data_q;
    ap_start_d = ap_start_q;
    ap_done_d  = ap_done_q;
    ap_ready_d = ap_ready_q;
    busy_d     = busy_q;
    gie_d      = gie_q;
    ier_d      = ier_q;
    isr_d      = isr_q;
    rs_err_d   = rs_err_q;
    rs_runs_d  = rs_runs_q;
    for (int i = 0; i < NumArgs; i++) arg_d[i] = arg_q[i];
    start_o    = 1'b0;

    if (req_i.awvalid && !aw_full_q) begin
      aw_full_d = 1'b1;
      aw_addr_d = req_i.awaddr[AddrWidth-1:0];
    end
    if (req_i.wvalid && !w_full_q) begin
      w_full_d = 1'b1;
      w_data_d = req_i.wdata;
      w_strb_d = req_i.wstrb;
    end
    if (b_valid_q && req_i.bready) b_valid_d = 1'b0;
    if (r_valid_q && req_i.rready) r_valid_d = 1'b0;
    if (req_i.arvalid && rsp_o.arready) begin
      ar_full_d = 1'b1;
      ar_addr_d = req_i.araddr[AddrWidth-1:0];
    end

    if (do_read) begin
      ar_full_d = 1'b0;
      r_valid_d = 1'b1;
      r_data_d  = rd_word;
      if (rd_addr == nasmac_layout_pkg::REG_AP_CTRL) begin
        ap_done_d  = 1'b0;
        ap_ready_d = 1'b0;
      end
      if (rd_addr == nasmac_layout_pkg::REG_RUN_STATUS) begin
        rs_err_d  = '0;
        rs_runs_d = '0;
      end
    end

    if (do_write) begin
      aw_full_d = 1'b0;
      w_full_d  = 1'b0;
      b_valid_d = 1'b1;
      if (wr_addr == nasmac_layout_pkg::REG_AP_CTRL) begin
        if (w_strb_q[0] && w_data_q[0]) ap_start_d = 1'b1;
      end else if (wr_addr == nasmac_layout_pkg::REG_GIE) begin
        if (w_strb_q[0]) gie_d = w_data_q[0];
      end else if (wr_addr == nasmac_layout_pkg::REG_IER) begin
        if (w_strb_q[0]) ier_d = w_data_q[1:0];
      end else if (wr_addr == nasmac_layout_pkg::REG_ISR) begin
        if (w_strb_q[0]) isr_d = isr_q ^ w_data_q[1:0];
      end else if (wr_addr >= nasmac_layout_pkg::REG_DESC_ADDR &&
                   wr_addr < nasmac_layout_pkg::REG_DESC_ADDR + 32'd4 * NumArgs) begin
        // Arguments are frozen while the kernel runs, as on a card the host must not touch them.
        if (!busy_q) begin
          arg_d[wr_addr[5:2] - nasmac_layout_pkg::REG_DESC_ADDR[5:2]] =
            (arg_q[wr_addr[5:2] - nasmac_layout_pkg::REG_DESC_ADDR[5:2]] & ~wmask) | (w_data_q & wmask);
        end
      end
    end

    // ap_start stays set for the whole run and is cleared with ap_ready when it ends (ap_ctrl_hs).
    if (ap_start_q && !busy_q) begin
      busy_d  = 1'b1;
      start_o = 1'b1;
    end
    if (done_i) begin
      busy_d     = 1'b0;
      ap_start_d = 1'b0;
      ap_done_d  = 1'b1;
      ap_ready_d = 1'b1;
      isr_d      = isr_d | ier_q;
      // After the clear of a read in the same cycle: a run that ends as the host reads is
      // reported by the next read. RUNS stops at 255 (the host then distrusts them all anyway).
      rs_err_d   = rs_err_d | run_err_i;
      rs_runs_d  = rs_runs_d + {7'h0, rs_runs_d != 8'hff};
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      aw_full_q  <= 1'b0;
      w_full_q   <= 1'b0;
      b_valid_q  <= 1'b0;
      ar_full_q  <= 1'b0;
      r_valid_q  <= 1'b0;
      ap_start_q <= 1'b0;
      ap_done_q  <= 1'b0;
      ap_ready_q <= 1'b0;
      busy_q     <= 1'b0;
      gie_q      <= 1'b0;
      ier_q      <= '0;
      isr_q      <= '0;
      rs_err_q   <= '0;
      rs_runs_q  <= '0;
      for (int i = 0; i < NumArgs; i++) arg_q[i] <= '0;
    end else begin
      aw_full_q  <= aw_full_d;
      w_full_q   <= w_full_d;
      b_valid_q  <= b_valid_d;
      ar_full_q  <= ar_full_d;
      r_valid_q  <= r_valid_d;
      ap_start_q <= ap_start_d;
      ap_done_q  <= ap_done_d;
      ap_ready_q <= ap_ready_d;
      busy_q     <= busy_d;
      gie_q      <= gie_d;
      ier_q      <= ier_d;
      isr_q      <= isr_d;
      rs_err_q   <= rs_err_d;
      rs_runs_q  <= rs_runs_d;
      for (int i = 0; i < NumArgs; i++) arg_q[i] <= arg_d[i];
    end
  end

  // Address, data and read-data holding registers need no reset (their valid bits have one).
  always_ff @(posedge clk_i) begin
    aw_addr_q <= aw_addr_d;
    w_data_q  <= w_data_d;
    w_strb_q  <= w_strb_d;
    ar_addr_q <= ar_addr_d;
    r_data_q  <= r_data_d;
  end
endmodule
