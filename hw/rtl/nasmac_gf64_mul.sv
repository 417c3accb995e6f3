// nasmac_gf64_mul: combinational multiply in GF(2^64) with the UIA2 polynomial
// x^64 + x^4 + x^3 + x + 1 (ETSI/SAGE UEA2 & UIA2 Document 1, clause 4.3, MUL64 with c = 0x1b).
//
// The 127-bit carry-less product is reduced in two folds: the high half h times
// (x^4 + x^3 + x + 1) is at most 67 bits long, and its 3 overflow bits are folded once more.
// MUL64 of the specification (a shift-and-add over the bits of one operand) gives the same field
// product; the testbench checks the two against each other.
module nasmac_gf64_mul (
  input  logic [63:0] a_i,
  input  logic [63:0] b_i,
  output logic [63:0] p_o
);

  logic [126:0] prod_w;
  logic [66:0]  fold1_w;
  logic [63:0]  hi_w;
  logic [2:0]   top_w;

  always_comb begin
    prod_w = '0;
    for (int i = 0; i < 64; i++) begin
      if (b_i[i]) prod_w = prod_w ^ ({63'd0, a_i} << i);
    end
    hi_w    = {1'b0, prod_w[126:64]};
    // h * (x^4 + x^3 + x + 1) fits in 67 bits because h has degree 62 at most.
    fold1_w = {3'b000, hi_w} ^ {2'b00, hi_w, 1'b0} ^ {hi_w[63:0], 3'b000} ^ {hi_w[62:0], 4'b0000};
    top_w   = fold1_w[66:64];
    p_o     = prod_w[63:0] ^ fold1_w[63:0] ^ {57'd0, top_w, 4'b0000} ^ {58'd0, top_w, 3'b000}
              ^ {60'd0, top_w, 1'b0} ^ {61'd0, top_w};
  end

endmodule
