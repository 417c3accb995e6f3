// The reset as the checked design sees it, for the AXI checkers (one copy of the bookkeeping).
// in_rst: the design's registers take their reset at the end of this cycle (aresetn was low
// ResetLatency cycles ago); was_rst: they took it at the end of the last cycle; f_ok: the design
// has been reset once, so its state and $past mean something. The environment is made to hold
// aresetn low for the first ResetLatency + 1 cycles.
module nasmac_formal_reset #(
  // Cycles from the port reset to the design's registers being reset (0: direct).
  parameter int unsigned ResetLatency = 1
) (
  input  logic aclk,
  input  logic aresetn,
  output logic in_rst,
  output logic was_rst,
  output logic f_ok
);
  logic [ResetLatency:0] rst_hist;
  logic [ResetLatency:0] rst_hist_q = '1;
  logic [2:0] f_cycle = '0;
  logic was_rst_q = 1'b1;
  always_comb begin
    rst_hist    = rst_hist_q;
    rst_hist[0] = !aresetn;
  end
  always_ff @(posedge aclk) begin
    for (int i = 1; i <= ResetLatency; i++) rst_hist_q[i] <= rst_hist[i - 1];
    if (f_cycle != 3'h7) f_cycle <= f_cycle + 1'b1;
    was_rst_q <= in_rst;
  end
  assign in_rst  = rst_hist[ResetLatency];
  assign was_rst = was_rst_q;
  assign f_ok    = 32'(f_cycle) > ResetLatency;
  always_comb if (32'(f_cycle) <= ResetLatency) assume (!aresetn);
endmodule
