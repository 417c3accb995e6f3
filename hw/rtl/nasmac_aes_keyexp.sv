// nasmac_aes_keyexp: one step of the AES-128 key schedule (FIPS-197 5.2), combinational.
//
// Round key i+1 from round key i: w0' = w0 ^ SubWord(RotWord(w3)) ^ Rcon, w1' = w1 ^ w0',
// w2' = w2 ^ w1', w3' = w3 ^ w2'. Words are big-endian, w0 in [127:96]. The pipeline places one
// instance per stage next to the data path, so each block carries its own key through the rounds.
module nasmac_aes_keyexp (
  input  logic [127:0] key_i,   // round key i
  input  logic [7:0]   rcon_i,  // round constant for round i+1 (01, 02, 04, ..., 1b, 36)
  output logic [127:0] key_o    // round key i+1
);
  logic [31:0] w0, w1, w2, w3;
  logic [31:0] sub;  // SubWord(RotWord(w3))
  logic [31:0] n0, n1, n2, n3;

  assign w0 = key_i[127:96];
  assign w1 = key_i[95:64];
  assign w2 = key_i[63:32];
  assign w3 = key_i[31:0];

  // RotWord([a0 a1 a2 a3]) = [a1 a2 a3 a0], then SubWord byte by byte.
  nasmac_aes_sbox u_s0 (.x_i(w3[23:16]), .y_o(sub[31:24]));
  nasmac_aes_sbox u_s1 (.x_i(w3[15:8]),  .y_o(sub[23:16]));
  nasmac_aes_sbox u_s2 (.x_i(w3[7:0]),   .y_o(sub[15:8]));
  nasmac_aes_sbox u_s3 (.x_i(w3[31:24]), .y_o(sub[7:0]));

  assign n0 = w0 ^ sub ^ {rcon_i, 24'h000000};
  assign n1 = w1 ^ n0;
  assign n2 = w2 ^ n1;
  assign n3 = w3 ^ n2;
  assign key_o = {n0, n1, n2, n3};
endmodule
