// Fixtures of make test-timing-tool for paths across module boundaries. The children are black
// boxes when the parents are synthesised; the analyser composes their boundary models:
//   hier_thru: reg -> chain4 (4 levels in -> out) -> chain4 (4) -> reg  = 8 levels
//   hier_sink: reg -> 3 LUTs -> sink4 (4 levels in -> reg)             = 7 levels
//   hier_src : src2 (reg -> 2 levels -> out) -> 3 LUTs -> reg           = 5 levels

module chain4 (
  input  wire a,
  input  wire b,
  output wire y
);
  wire [4:0] w;
  assign w[0] = a;
  genvar i;
  generate
    for (i = 0; i < 4; i = i + 1) begin : c
      LUT2 #(.INIT(4'h6)) u (.O(w[i+1]), .I0(w[i]), .I1(b));
    end
  endgenerate
  assign y = w[4];
endmodule

module sink4 (
  input  wire clk,
  input  wire a,
  input  wire b,
  output reg  q
);
  wire y;
  chain4 u_c (.a(a), .b(b), .y(y));
  always @(posedge clk) q <= y;
endmodule

module src2 (
  input  wire clk,
  input  wire d,
  input  wire b,
  output wire y
);
  reg  r;
  wire m;
  always @(posedge clk) r <= d;
  LUT2 #(.INIT(4'h6)) u0 (.O(m), .I0(r), .I1(b));
  LUT2 #(.INIT(4'h6)) u1 (.O(y), .I0(m), .I1(b));
endmodule

module lut_chain3 (
  input  wire a,
  input  wire b,
  output wire y
);
  wire m0, m1;
  LUT2 #(.INIT(4'h6)) u0 (.O(m0), .I0(a), .I1(b));
  LUT2 #(.INIT(4'h6)) u1 (.O(m1), .I0(m0), .I1(b));
  LUT2 #(.INIT(4'h6)) u2 (.O(y), .I0(m1), .I1(b));
endmodule

module hier_thru (
  input  wire       clk,
  input  wire [2:0] d,
  output reg        q
);
  reg [2:0] r;
  wire m, y;
  chain4 u_a (.a(r[0]), .b(r[1]), .y(m));
  chain4 u_b (.a(m), .b(r[2]), .y(y));
  always @(posedge clk) begin
    r <= d;
    q <= y;
  end
endmodule

module hier_sink (
  input  wire       clk,
  input  wire [1:0] d,
  output wire       q
);
  reg [1:0] r;
  wire m;
  always @(posedge clk) r <= d;
  lut_chain3 u_l (.a(r[0]), .b(r[1]), .y(m));
  sink4 u_s (.clk(clk), .a(m), .b(r[1]), .q(q));
endmodule

module hier_src (
  input  wire       clk,
  input  wire [1:0] d,
  output reg        q
);
  reg [1:0] r;
  wire m, y;
  always @(posedge clk) r <= d;
  src2 u_s (.clk(clk), .d(r[0]), .b(r[1]), .y(m));
  lut_chain3 u_l (.a(m), .b(r[1]), .y(y));
  always @(posedge clk) q <= y;
endmodule
