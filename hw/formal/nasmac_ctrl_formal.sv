// Formal wrapper: the control slave alone, 12-bit address (the Alveo contract), its AXI4-Lite
// port under nasmac_axil_slave_check. The engine side (done, counters) is left to the solver.
module nasmac_ctrl_formal (
  input  logic                      clk,
  input  logic                      rst_n,
  input  nasmac_axi_pkg::axil_req_t req,
  input  logic                      done,
  input  logic [63:0]               cycles,
  input  logic [31:0]               bad_index,
  input  logic [2:0]                run_err
);
  nasmac_axi_pkg::axil_rsp_t rsp;
  /* verilator lint_off UNUSEDSIGNAL */
  logic start, irq;
  logic [63:0] desc_addr, arena_addr, result_addr;
  logic [31:0] num_jobs, arena_bytes, max_jobs;
  /* verilator lint_on UNUSEDSIGNAL */

  nasmac_ctrl #(.AddrWidth(12)) dut (
    .clk_i(clk), .rst_ni(rst_n),
    .req_i(req), .rsp_o(rsp),
    .start_o(start), .done_i(done),
    .desc_addr_o(desc_addr), .arena_addr_o(arena_addr), .result_addr_o(result_addr),
    .num_jobs_o(num_jobs), .arena_bytes_o(arena_bytes), .max_jobs_o(max_jobs),
    .cycles_i(cycles), .bad_index_i(bad_index), .run_err_i(run_err),
    .interrupt_o(irq)
  );

  nasmac_axil_slave_check #(.MaxOutstanding(2), .ResetLatency(0)) chk (
    .aclk(clk), .aresetn(rst_n), .req, .rsp
  );
endmodule
