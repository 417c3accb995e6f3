// nasmac_aes128_pipe: fully unrolled, pipelined AES-128 encryption, one block per cycle.
//
// Every block enters with its own key and tag, and the key schedule runs in the pipeline beside
// the data (one key-expansion step per stage), so consecutive blocks may belong to different
// messages and keys: this is what lets the CMAC scheduler interleave many independent CBC chains.
// There is no stall: a block accepted in cycle c leaves in cycle c + Latency (out_valid_o).
//
// Stage 0 registers the initial AddRoundKey (state ^ key) and round key 1; stage r (1..10)
// registers round r and round key r+1. Each stage is thus one S-box plus a few XOR levels deep on
// both the data and the key path. Registers of empty stages are written with zeros, so round keys
// and states do not linger in the pipeline once the last block of a job has left it.
module nasmac_aes128_pipe #(
  // Width of the tag that travels with each block (slot number and block kind for the lane).
  parameter int unsigned TagW = 8
) (
  input  logic             clk_i,
  input  logic             rst_ni,       // synchronous, active low
  input  logic             in_valid_i,   // a block enters this cycle (no ready: never stalls)
  input  logic [127:0]     in_block_i,   // plaintext, octet 0 in [127:120]
  input  logic [127:0]     in_key_i,     // AES-128 key, octet 0 in [127:120]
  input  logic [TagW-1:0]  in_tag_i,     // carried unchanged to out_tag_o
  output logic             out_valid_o,  // a ciphertext leaves this cycle
  output logic [127:0]     out_block_o,  // ciphertext
  output logic [TagW-1:0]  out_tag_o     // the tag of the block
);
  // Register stages: stage 0 (initial AddRoundKey) and one per round.
  localparam int unsigned Stages = 11;

  // Rcon for the round key produced in stage s (round key s+1), FIPS-197 5.2.
  function automatic logic [7:0] rcon(input int unsigned s);
    case (s)
      0: rcon = 8'h01;
      1: rcon = 8'h02;
      2: rcon = 8'h04;
      3: rcon = 8'h08;
      4: rcon = 8'h10;
      5: rcon = 8'h20;
      6: rcon = 8'h40;
      7: rcon = 8'h80;
      8: rcon = 8'h1b;
      default: rcon = 8'h36;
    endcase
  endfunction

  // Stage registers, flattened (stage s in [128*s +: 128]) so both tools see plain vectors.
  logic [Stages-1:0]        valid_q, valid_d;
  logic [128*Stages-1:0]    state_q /*verilator public_flat_rd*/, state_d;
  logic [128*Stages-1:0]    rkey_q /*verilator public_flat_rd*/, rkey_d;  // round key s+1
  logic [TagW*Stages-1:0]   tag_q, tag_d;

  // Stage 0: AddRoundKey with the cipher key; expand round key 1.
  logic [127:0] key1;
  nasmac_aes_keyexp u_kx0 (.key_i(in_key_i), .rcon_i(rcon(0)), .key_o(key1));

  always_comb begin
    valid_d[0]         = in_valid_i;
    state_d[127:0]     = in_valid_i ? (in_block_i ^ in_key_i) : 128'h0;
    rkey_d[127:0]      = in_valid_i ? key1 : 128'h0;
    tag_d[TagW-1:0]    = in_valid_i ? in_tag_i : '0;
  end

  // Stages 1..10: round s with round key s (held in stage s-1), and round key s+1.
  for (genvar s = 1; s < Stages; s++) begin : g_round
    logic [127:0] rnd;
    logic [127:0] nkey;
    logic         v;
    assign v = valid_q[s-1];

    nasmac_aes_round #(.LastRound(s == Stages - 1)) u_round (
      .state_i(state_q[128*(s-1) +: 128]),
      .key_i  (rkey_q[128*(s-1) +: 128]),
      .state_o(rnd)
    );

    if (s < Stages - 1) begin : g_kx
      nasmac_aes_keyexp u_kx (.key_i(rkey_q[128*(s-1) +: 128]), .rcon_i(rcon(s)), .key_o(nkey));
    end else begin : g_nokx
      assign nkey = 128'h0;  // round 10 is the last: no further round key
    end

    always_comb begin
      valid_d[s]              = v;
      state_d[128*s +: 128]   = v ? rnd : 128'h0;
      rkey_d[128*s +: 128]    = v ? nkey : 128'h0;
      tag_d[TagW*s +: TagW]   = v ? tag_q[TagW*(s-1) +: TagW] : '0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      valid_q <= valid_d;
    end
  end

  // Data registers need no reset: empty stages are zeroed through the _d values above.
  always_ff @(posedge clk_i) begin
    state_q <= state_d;
    rkey_q  <= rkey_d;
    tag_q   <= tag_d;
  end

  assign out_valid_o = valid_q[Stages-1];
  assign out_block_o = state_q[128*(Stages-1) +: 128];
  assign out_tag_o   = tag_q[TagW*(Stages-1) +: TagW];

  // The last stage's round key slot is always zero (nothing after round 10).
  logic unused_rkey;
  assign unused_rkey = ^rkey_q[128*(Stages-1) +: 128];
endmodule
