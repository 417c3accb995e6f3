// nasmac_ffs: find first set, the lowest-numbered request bit and its index.
//
// Combinational; for N = 32 both outputs are functions of all 32 inputs, about three LUT6
// levels. Users that need a shallow path register the result (the EIA2 lane does).
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
  always_comb begin
    any_o = 1'b0;
    idx_o = '0;
    for (int i = N - 1; i >= 0; i--) begin
      if (req_i[i]) begin
        any_o = 1'b1;
        idx_o = IdxW'(i);
      end
    end
  end
endmodule
