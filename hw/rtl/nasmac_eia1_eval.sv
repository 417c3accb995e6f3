// nasmac_eia1_eval: the UIA2 evaluation (TS 35.215 4.4 / UEA2 & UIA2 Document 1 clause 4.4) of
// the EIA1 lane, shared by all keystream slots and fed one 128-bit message word per clock.
//
// Jobs arrive in order with P, Q, z5 and their length; message words arrive in the same job
// order. Three stages, each holding one job, so that jobs follow each other without bubbles:
//   A  takes a job and computes P^2 = P * P while the previous job is still absorbing;
//   B  absorbs one word (two 64-bit blocks M0, M1) per clock:
//        EVAL = (EVAL ^ M0) * P^2 ^ M1 * P, or (EVAL ^ M0) * P when the word ends in one block,
//      which equals two steps of EVAL = (EVAL ^ Mi) * P;
//   C  finishes: EVAL = (EVAL ^ LENGTH) * Q, MAC = EVAL[63:32] ^ z5, compares it with the
//      expected MAC and leaves it in the result register.
// Words past LENGTH are zeroed (the specification pads the last block with zeros). Every
// keystream-derived register is cleared when its job moves on.
module nasmac_eia1_eval (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         job_valid_i,
  output logic         job_ready_o,
  input  logic [63:0]  job_p_i,
  input  logic [63:0]  job_q_i,
  input  logic [31:0]  job_z5_i,
  input  logic [15:0]  job_len_i,
  input  logic [31:0]  job_exp_i,
  input  logic [31:0]  job_index_i,
  input  logic         msg_valid_i,
  output logic         msg_ready_o,
  input  logic [127:0] msg_data_i,
  output logic         res_valid_o,
  input  logic         res_ready_i,
  output logic [31:0]  res_index_o,
  output logic [31:0]  res_mac_o,
  output logic         res_match_o
);

  // Stage A.
  logic        a_valid_q, a_valid_d;
  logic [63:0] a_p_q /*verilator public_flat_rd*/, a_p_d, a_p2_q /*verilator public_flat_rd*/, a_p2_d, a_qk_q /*verilator public_flat_rd*/, a_qk_d;
  logic [31:0] a_z5_q /*verilator public_flat_rd*/, a_z5_d, a_exp_q, a_exp_d, a_index_q, a_index_d;
  logic [15:0] a_len_q, a_len_d;
  // Stage B.
  logic        b_valid_q, b_valid_d;
  logic [63:0] b_p_q /*verilator public_flat_rd*/, b_p_d, b_p2_q /*verilator public_flat_rd*/, b_p2_d, b_qk_q /*verilator public_flat_rd*/, b_qk_d, b_eval_q /*verilator public_flat_rd*/,
               b_eval_d;
  logic [31:0] b_z5_q /*verilator public_flat_rd*/, b_z5_d, b_exp_q, b_exp_d, b_index_q, b_index_d;
  logic [15:0] b_len_q, b_len_d;
  logic [9:0]  b_left_q, b_left_d;  // words still to absorb, minus one
  // Stage C.
  logic        c_valid_q, c_valid_d;
  logic [63:0] c_qk_q /*verilator public_flat_rd*/, c_qk_d, c_eval_q /*verilator public_flat_rd*/, c_eval_d;
  logic [31:0] c_z5_q /*verilator public_flat_rd*/, c_z5_d, c_exp_q, c_exp_d, c_index_q, c_index_d;
  logic [15:0] c_len_q, c_len_d;
  // Result register.
  logic        r_valid_q, r_valid_d, r_match_q, r_match_d;
  logic [31:0] r_mac_q, r_mac_d, r_index_q, r_index_d;

  logic        r_free, c_free, b_last, b_fire, b_done, b_free, a_free;
  logic [6:0]  tail_w;
  logic        two_w;
  logic [127:0] mask_w, m_w;
  logic [63:0] p2_w, mul0_a, mul0_b, mul0_p, mul1_p, c_in_w;
  logic [31:0] mac_w;
  // Only the upper half of the final product enters the MAC.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0] mulc_p;
  /* verilator lint_on UNUSEDSIGNAL */

  nasmac_gf64_mul u_mul_p2 (.a_i(job_p_i), .b_i(job_p_i), .p_o(p2_w));
  nasmac_gf64_mul u_mul_0  (.a_i(mul0_a),  .b_i(mul0_b),  .p_o(mul0_p));
  nasmac_gf64_mul u_mul_1  (.a_i(m_w[63:0] & {64{two_w}}), .b_i(b_p_q), .p_o(mul1_p));
  nasmac_gf64_mul u_mul_c  (.a_i(c_in_w),  .b_i(c_qk_q),  .p_o(mulc_p));

  // Handshakes: each stage takes the next job in the cycle it empties.
  assign r_free      = !r_valid_q || res_ready_i;
  assign c_free      = !c_valid_q || r_free;
  assign b_last      = (b_left_q == 10'd0);
  assign msg_ready_o = b_valid_q && (!b_last || c_free);
  assign b_fire      = msg_valid_i && msg_ready_o;
  assign b_done      = b_fire && b_last;
  assign b_free      = !b_valid_q || b_done;
  assign a_free      = !a_valid_q || b_free;
  assign job_ready_o = a_free;

  // The last word holds LENGTH mod 128 bits (128 when that is zero); more than 64 means two
  // blocks. Earlier words are always two full blocks.
  always_comb begin
    tail_w = b_len_q[6:0];
    two_w  = !b_last || (tail_w == 7'd0) || (tail_w > 7'd64);
    mask_w = '1;
    if (b_last && tail_w != 7'd0) mask_w = ~({128{1'b1}} >> tail_w);
    m_w    = msg_data_i & mask_w;
    mul0_a = b_eval_q ^ m_w[127:64];
    mul0_b = two_w ? b_p2_q : b_p_q;
    c_in_w = c_eval_q ^ {48'd0, c_len_q};
    mac_w  = mulc_p[63:32] ^ c_z5_q;
  end

  assign res_valid_o = r_valid_q;
  assign res_index_o = r_index_q;
  assign res_mac_o   = r_mac_q;
  assign res_match_o = r_match_q;

  always_comb begin
    a_valid_d = a_valid_q; a_p_d = a_p_q; a_p2_d = a_p2_q; a_qk_d = a_qk_q; a_z5_d = a_z5_q;
    a_exp_d = a_exp_q; a_index_d = a_index_q; a_len_d = a_len_q;
    b_valid_d = b_valid_q; b_p_d = b_p_q; b_p2_d = b_p2_q; b_qk_d = b_qk_q; b_z5_d = b_z5_q;
    b_exp_d = b_exp_q; b_index_d = b_index_q; b_len_d = b_len_q; b_eval_d = b_eval_q;
    b_left_d = b_left_q;
    c_valid_d = c_valid_q; c_qk_d = c_qk_q; c_eval_d = c_eval_q; c_z5_d = c_z5_q;
    c_exp_d = c_exp_q; c_index_d = c_index_q; c_len_d = c_len_q;
    r_valid_d = r_valid_q; r_match_d = r_match_q; r_mac_d = r_mac_q; r_index_d = r_index_q;

    // Result register.
    if (r_valid_q && res_ready_i) r_valid_d = 1'b0;
    if (c_valid_q && r_free) begin
      r_valid_d = 1'b1;
      r_mac_d   = mac_w;
      r_match_d = (mac_w == c_exp_q);
      r_index_d = c_index_q;
    end

    // Stage C.
    if (c_valid_q && r_free) begin
      c_valid_d = 1'b0;
      c_qk_d = '0; c_eval_d = '0; c_z5_d = '0;
    end
    if (b_done) begin
      c_valid_d = 1'b1;
      c_qk_d    = b_qk_q;
      c_eval_d  = mul0_p ^ mul1_p;
      c_z5_d    = b_z5_q;
      c_exp_d   = b_exp_q;
      c_index_d = b_index_q;
      c_len_d   = b_len_q;
    end

    // Stage B.
    if (b_fire) begin
      b_eval_d = mul0_p ^ mul1_p;
      b_left_d = b_left_q - 10'd1;
    end
    if (b_done) begin
      b_valid_d = 1'b0;
      b_p_d = '0; b_p2_d = '0; b_qk_d = '0; b_z5_d = '0; b_eval_d = '0;
    end
    if (a_valid_q && b_free) begin
      b_valid_d = 1'b1;
      b_p_d     = a_p_q;
      b_p2_d    = a_p2_q;
      b_qk_d    = a_qk_q;
      b_z5_d    = a_z5_q;
      b_exp_d   = a_exp_q;
      b_index_d = a_index_q;
      b_len_d   = a_len_q;
      b_eval_d  = '0;
      // ceil(LENGTH / 128) - 1 words follow the first.
      b_left_d  = 10'((a_len_q - 16'd1) >> 7);
    end

    // Stage A.
    if (a_valid_q && b_free) begin
      a_valid_d = 1'b0;
      a_p_d = '0; a_p2_d = '0; a_qk_d = '0; a_z5_d = '0;
    end
    if (job_valid_i && a_free) begin
      a_valid_d = 1'b1;
      a_p_d     = job_p_i;
      a_p2_d    = p2_w;
      a_qk_d    = job_q_i;
      a_z5_d    = job_z5_i;
      a_exp_d   = job_exp_i;
      a_index_d = job_index_i;
      a_len_d   = job_len_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      a_valid_q <= 1'b0; a_p_q <= '0; a_p2_q <= '0; a_qk_q <= '0; a_z5_q <= '0;
      a_exp_q <= '0; a_index_q <= '0; a_len_q <= '0;
      b_valid_q <= 1'b0; b_p_q <= '0; b_p2_q <= '0; b_qk_q <= '0; b_z5_q <= '0;
      b_exp_q <= '0; b_index_q <= '0; b_len_q <= '0; b_eval_q <= '0; b_left_q <= '0;
      c_valid_q <= 1'b0; c_qk_q <= '0; c_eval_q <= '0; c_z5_q <= '0;
      c_exp_q <= '0; c_index_q <= '0; c_len_q <= '0;
      r_valid_q <= 1'b0; r_match_q <= 1'b0; r_mac_q <= '0; r_index_q <= '0;
    end else begin
      a_valid_q <= a_valid_d; a_p_q <= a_p_d; a_p2_q <= a_p2_d; a_qk_q <= a_qk_d;
      a_z5_q <= a_z5_d; a_exp_q <= a_exp_d; a_index_q <= a_index_d; a_len_q <= a_len_d;
      b_valid_q <= b_valid_d; b_p_q <= b_p_d; b_p2_q <= b_p2_d; b_qk_q <= b_qk_d;
      b_z5_q <= b_z5_d; b_exp_q <= b_exp_d; b_index_q <= b_index_d; b_len_q <= b_len_d;
      b_eval_q <= b_eval_d; b_left_q <= b_left_d;
      c_valid_q <= c_valid_d; c_qk_q <= c_qk_d; c_eval_q <= c_eval_d; c_z5_q <= c_z5_d;
      c_exp_q <= c_exp_d; c_index_q <= c_index_d; c_len_q <= c_len_d;
      r_valid_q <= r_valid_d; r_match_q <= r_match_d; r_mac_q <= r_mac_d;
      r_index_q <= r_index_d;
    end
  end

endmodule
