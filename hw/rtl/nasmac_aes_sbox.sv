// nasmac_aes_sbox: the AES S-box (FIPS-197 5.1.1, Figure 7) as combinational logic.
//
// A 256-entry table indexed by the input: synthesis turns it into LUT6/MUXF7/MUXF8 trees (an
// 8-input function per output bit, one LUT level plus the two wide muxes), Verilator into a
// lookup. Written as a constant vector rather than a case statement so that Yosys does not infer
// a ROM and move the register before it into the ROM's address (which put the previous stage's
// logic and the S-box into one path). No block RAM, so every one of the 200 S-boxes of the
// unrolled pipeline can be evaluated in the same cycle without port limits. The table is
// nasmac_sbox_pkg's (shared with SNOW 3G's S_R).
module nasmac_aes_sbox (
  input  logic [7:0] x_i,  // input byte
  output logic [7:0] y_o   // S(x)
);

  assign y_o = nasmac_sbox_pkg::AesSbox[8*x_i +: 8];
endmodule
