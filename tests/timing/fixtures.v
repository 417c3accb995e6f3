// The top of make test-timing-tool: one instance of every fixture, so one Yosys run (without
// -flatten) maps them all; the analyser then reads each module of the netlist on its own, with
// the submodules as black boxes.
module fixtures (
  input  wire         clk,
  input  wire [127:0] d,
  input  wire [5:0]   sel,
  output wire [12:0]  q,
  output wire [39:0]  s40,
  output wire [31:0]  s32
);
  wire [7:0] ram_q;
  xor_tree #(.Levels(7)) u_xor7 (.clk(clk), .d(d), .q(q[0]));
  xor_tree #(.Levels(5)) u_xor5 (.clk(clk), .d(d[31:0]), .q(q[1]));
  adder #(.Width(40)) u_add40 (.clk(clk), .a(d[39:0]), .b(d[79:40]), .s(s40));
  adder #(.Width(32)) u_add32 (.clk(clk), .a(d[31:0]), .b(d[63:32]), .s(s32));
  wide_mux u_mux (.clk(clk), .d(d[63:0]), .sel(sel), .q(q[2]));
  chain4 u_chain4 (.a(d[0]), .b(d[1]), .y(q[3]));
  sink4 u_sink4 (.clk(clk), .a(d[2]), .b(d[3]), .q(q[4]));
  src2 u_src2 (.clk(clk), .d(d[4]), .b(d[5]), .y(q[5]));
  hier_thru u_thru (.clk(clk), .d(d[8:6]), .q(q[6]));
  hier_sink u_hsink (.clk(clk), .d(d[10:9]), .q(q[7]));
  hier_src u_hsrc (.clk(clk), .d(d[12:11]), .q(q[8]));
  lutram u_ram (.clk(clk), .we(d[13]), .wa(d[18:14]), .ra(d[23:19]), .d(d[31:24]), .q(ram_q));
  assign q[12:9] = {3'b0, ^ram_q};
endmodule
