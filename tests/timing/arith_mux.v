// Fixtures of make test-timing-tool that go through Yosys' own mapping: a registered adder (one
// carry chain of Width bits) and a registered 64:1 multiplexer (LUT6 + MUXF7 + MUXF8).
module adder #(
  parameter integer Width = 40  // operand width; the chain is Width bits long
) (
  input  wire             clk,
  input  wire [Width-1:0] a,
  input  wire [Width-1:0] b,
  output reg  [Width-1:0] s
);
  reg [Width-1:0] a_q, b_q;
  always @(posedge clk) begin
    a_q <= a;
    b_q <= b;
    s   <= a_q + b_q;
  end
endmodule

module wide_mux (
  input  wire        clk,
  input  wire [63:0] d,
  input  wire [5:0]  sel,
  output reg         q
);
  reg [63:0] d_q;
  reg [5:0]  sel_q;
  always @(posedge clk) begin
    d_q   <= d;
    sel_q <= sel;
    q     <= d_q[sel_q];
  end
endmodule
