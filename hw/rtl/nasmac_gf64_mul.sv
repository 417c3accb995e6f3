// nasmac_gf64_mul: combinational multiply-accumulate in GF(2^64) with the UIA2 polynomial
// x^64 + x^4 + x^3 + x + 1 (ETSI/SAGE UEA2 & UIA2 Document 1, clause 4.3, MUL64 with c = 0x1b):
// p_o = a_i * b_i ^ c_i.
//
// Built as an explicit tree of XOR nodes:
//   1. l1: three partial products a[j] & b[m-j] XORed (6 inputs);
//   2. l2: six l1 nodes;
//   3. prod[m]: the at most four l2 nodes of product bit m (0..126), the carry-less product;
//   4. hx[i]: the product bits m >= 64 whose reduction x^m mod the polynomial contains x^i
//      (at most six, from the table RedTab below);
//   5. p_o[i] = prod[i] ^ hx[i] ^ c_i[i].
// Each node is marked keep. Yosys 0.23 keeps the l1 and hx nodes as cuts but ABC still merges
// the middle levels into LUT7/LUT8 (LUT6 + MUXF7/F8): synth_xilinx measures 4 LUT levels with at
// most 5 MUXF on a path (the plain shift-and-XOR form: 4 LUT + 7 MUXF) and about 2.0 k LUT
// (2.9 k). The accumulate input costs no level (it joins the last node), which is what the UIA2
// Horner step EVAL = EVAL * P ^ T needs. MUL64 of the specification (a shift-and-add over the bits of one
// operand) gives the same field product; the testbench checks the two against each other.
module nasmac_gf64_mul (
  input  logic [63:0] a_i,
  input  logic [63:0] b_i,
  input  logic [63:0] c_i,
  output logic [63:0] p_o
);

  // RedTab[64*k +: 64] = x^(64+k) mod the polynomial, k = 0..62 (multiply by x 64+k times).
  function automatic logic [63*64-1:0] red_tab();
    logic [63:0] v;
    red_tab = '0;
    v = 64'h1b;  // x^64
    for (int k = 0; k < 63; k++) begin
      red_tab[64*k +: 64] = v;
      v = v[63] ? ({v[62:0], 1'b0} ^ 64'h1b) : {v[62:0], 1'b0};
    end
  endfunction

  localparam logic [63*64-1:0] RedTab = red_tab();

  // XOR of n (1..3) partial products a[ja + t] & b[jb - t].
  function automatic logic pp3(input logic [63:0] a, input logic [63:0] b, input int ja,
                               input int jb, input int n);
    pp3 = 1'b0;
    for (int t = 0; t < 3; t++) begin
      if (t < n) pp3 = pp3 ^ (a[ja+t] & b[jb-t]);
    end
  endfunction

  (* keep *) logic [126:0] prod;
  (* keep *) logic [63:0]  hx;

  for (genvar m = 0; m < 127; m++) begin : g_prod
    localparam int Lo = (m > 63) ? m - 63 : 0;
    localparam int N  = ((m < 63) ? m : 63) - Lo + 1;  // partial products of bit m
    localparam int N1 = (N + 2) / 3;
    localparam int N2 = (N1 + 5) / 6;
    (* keep *) logic [N1-1:0] l1;
    (* keep *) logic [N2-1:0] l2;
    for (genvar c = 0; c < N1; c++) begin : g_l1
      localparam int Cnt = (N - 3 * c < 3) ? N - 3 * c : 3;
      assign l1[c] = pp3(a_i, b_i, Lo + 3 * c, m - Lo - 3 * c, Cnt);
    end
    for (genvar c = 0; c < N2; c++) begin : g_l2
      localparam int Cnt = (N1 - 6 * c < 6) ? N1 - 6 * c : 6;
      assign l2[c] = ^l1[6*c +: Cnt];
    end
    assign prod[m] = ^l2;
  end

  for (genvar i = 0; i < 64; i++) begin : g_red
    logic [62:0] sel;
    for (genvar k = 0; k < 63; k++) begin : g_sel
      assign sel[k] = RedTab[64*k + i];
    end
    assign hx[i]  = ^(prod[126:64] & sel);
    assign p_o[i] = prod[i] ^ hx[i] ^ c_i[i];
  end

endmodule
