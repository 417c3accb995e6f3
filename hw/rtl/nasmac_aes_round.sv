// nasmac_aes_round: one AES encryption round (FIPS-197 5.1), combinational.
//
// SubBytes, ShiftRows, MixColumns (left out when LastRound) and AddRoundKey. The state is the
// 16-octet block with octet 0 in [127:120]; octet i sits at row i%4, column i/4 (FIPS-197 3.4).
module nasmac_aes_round #(
  // 1 for round 10, which has no MixColumns.
  parameter bit LastRound = 1'b0
) (
  input  logic [127:0] state_i,  // state before the round
  input  logic [127:0] key_i,    // round key added at the end of the round
  output logic [127:0] state_o   // state after the round
);
  // Octet i of each intermediate state sits in [127-8*i -: 8], as in the ports.
  logic [127:0] sb;  // SubBytes output
  logic [127:0] sr;  // after ShiftRows
  logic [127:0] mc;  // after MixColumns (or a copy of sr in the last round)

  for (genvar i = 0; i < 16; i++) begin : g_sbox
    nasmac_aes_sbox u_sbox (.x_i(state_i[127-8*i -: 8]), .y_o(sb[127-8*i -: 8]));
  end

  // ShiftRows: row r rotates left by r, so output (r, c) takes input (r, (c + r) % 4).
  for (genvar r = 0; r < 4; r++) begin : g_row
    for (genvar c = 0; c < 4; c++) begin : g_col
      assign sr[127-8*(r+4*c) -: 8] = sb[127-8*(r+4*((c+r)%4)) -: 8];
    end
  end

  // MixColumns with xtime() = multiplication by x modulo x^8+x^4+x^3+x+1.
  function automatic logic [7:0] xtime(input logic [7:0] a);
    xtime = {a[6:0], 1'b0} ^ (a[7] ? 8'h1b : 8'h00);
  endfunction

  for (genvar c = 0; c < 4; c++) begin : g_mix
    logic [7:0] a0, a1, a2, a3;
    assign a0 = sr[127-8*(4*c) -: 8];
    assign a1 = sr[127-8*(4*c+1) -: 8];
    assign a2 = sr[127-8*(4*c+2) -: 8];
    assign a3 = sr[127-8*(4*c+3) -: 8];
    if (LastRound) begin : g_last
      assign mc[127-8*(4*c) -: 8]   = a0;
      assign mc[127-8*(4*c+1) -: 8] = a1;
      assign mc[127-8*(4*c+2) -: 8] = a2;
      assign mc[127-8*(4*c+3) -: 8] = a3;
    end else begin : g_full
      // b0 = 2a0^3a1^a2^a3, b1 = a0^2a1^3a2^a3, b2 = a0^a1^2a2^3a3, b3 = 3a0^a1^a2^2a3.
      assign mc[127-8*(4*c) -: 8]   = xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3;
      assign mc[127-8*(4*c+1) -: 8] = a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3;
      assign mc[127-8*(4*c+2) -: 8] = a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3;
      assign mc[127-8*(4*c+3) -: 8] = xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3);
    end
  end

  for (genvar i = 0; i < 16; i++) begin : g_ark
    assign state_o[127-8*i -: 8] = mc[127-8*i -: 8] ^ key_i[127-8*i -: 8];
  end
endmodule
