// nasmac_ffs: find first set, the lowest-numbered request bit and its index.
//
// Written as OR reductions rather than as a priority chain (a loop of "if (req[i]) idx = i",
// which synthesis maps as a chain of muxes, 7 LUT levels for N = 32): bit i is the first when it
// is set and no lower bit is; each index bit is the OR of the first-bits at the positions that
// have that index bit set. Both steps are balanced OR trees: 4 LUT levels for N = 32 in the EIA2
// lane (Yosys/ABC add MUXF7/F8 where it maps 7- and 8-input ORs as one wide LUT: up to 8).
// Users that need a shallow path register the result (the EIA2 lane does).
module nasmac_ffs #(
  // Number of request bits, >= 2.
  parameter int unsigned N = 32,
  // Index width, derived.
  parameter int unsigned IdxW = $clog2(N)
) (
  input  logic [N-1:0]    req_i,  // request bits
  output logic            any_o,  // at least one bit set
  output logic [IdxW-1:0] idx_o   // index of the lowest set bit (0 when none)
);
  logic [N-1:0] lower, first;

  always_comb begin
    for (int i = 0; i < N; i++) begin
      lower[i] = 1'b0;
      for (int j = 0; j < i; j++) lower[i] = lower[i] | req_i[j];
    end
    first = req_i & ~lower;
    any_o = |req_i;
    idx_o = '0;
    for (int b = 0; b < IdxW; b++) begin
      for (int i = 0; i < N; i++) begin
        if (((i >> b) & 1) == 1) idx_o[b] = idx_o[b] | first[i];
      end
    end
  end
endmodule
