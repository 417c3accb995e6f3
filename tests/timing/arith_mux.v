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
  input  wire [255:0] d,
  input  wire [7:0]  sel,
  output reg         q
);
  reg [255:0] d_q;
  reg [7:0]  sel_q;
  always @(posedge clk) begin
    d_q   <= d;
    sel_q <= sel;
    q     <= d_q[sel_q];
  end
endmodule

// A 32 x 8 distributed RAM with an asynchronous read between registers: the read is one LUT
// level (RAM32M16), the write pins are path ends.
module lutram (
  input  wire       clk,
  input  wire       we,
  input  wire [4:0] wa,
  input  wire [4:0] ra,
  input  wire [7:0] d,
  output reg  [7:0] q
);
  reg [7:0] mem [0:31];
  reg [4:0] ra_q;
  always @(posedge clk) begin
    if (we) mem[wa] <= d;
    ra_q <= ra;
    q    <= mem[ra_q];
  end
endmodule
