// A balanced tree of XOR2 LUTs, Levels deep, between registers (a fixture of make
// test-timing-tool). The LUTs are instantiated so that ABC cannot fold the tree into wider LUTs:
// the path is exactly Levels LUT levels long whatever the mapper does.
module xor_tree #(
  parameter integer Levels = 7  // depth of the tree; 2**Levels input registers
) (
  input  wire                   clk,
  input  wire [(1<<Levels)-1:0] d,
  output reg                    q
);
  reg [(1<<Levels)-1:0] r;
  genvar l, i;
  generate
    for (l = 0; l <= Levels; l = l + 1) begin : lvl
      wire [(1<<(Levels-l))-1:0] w;
      if (l == 0) begin : leaf
        assign w = r;
      end else begin : node
        for (i = 0; i < (1<<(Levels-l)); i = i + 1) begin : x
          LUT2 #(.INIT(4'h6)) u_xor (.O(w[i]), .I0(lvl[l-1].w[2*i]), .I1(lvl[l-1].w[2*i+1]));
        end
      end
    end
  endgenerate
  always @(posedge clk) begin
    r <= d;
    q <= lvl[Levels].w[0];
  end
endmodule
