// nasmac_eia1_eval: the UIA2 evaluation (TS 35.215 4.4 / UEA2 & UIA2 Document 1 clause 4.4) of
// the EIA1 lane, shared by all keystream slots and fed one 128-bit message word per clock.
//
// Jobs arrive in order with P, Q, z5 and their length; message words arrive in the same job
// order. The Horner step over one word (two 64-bit blocks M0, M1) is
//   EVAL' = (EVAL ^ M0) * P^2 ^ M1 * P = EVAL * Y ^ T,  Y = P^2, T = M0 * P^2 ^ M1 * P,
// or EVAL' = EVAL * P ^ M0 * P when the word ends in one block (Y = P, T = M0 * P). Only
// EVAL * Y depends on the previous word, so T and Y are computed in pipeline stages ahead of
// the loop, and the loop itself is one multiply-accumulate (nasmac_gf64_mul) between registers.
// Stages, each one register deep and within the LUT budget:
//   A   job in (P, Q, z5, length, expected MAC, index), behind a skid register so that
//       job_ready_o comes from a register;
//   B   the job whose words are being taken, with P^2 (squaring is linear: a few XORs);
//   W0  a word: masked past LENGTH (the specification pads the last block with zeros), Y;
//   W1  Q1 = M1 * P;
//   W2  T = M0 * Y ^ Q1;
//   E   EVAL = EVAL * Y ^ T; after the job's last word EVAL ^ LENGTH goes to C, EVAL to zero;
//   C   MAC = upper half of (EVAL ^ LENGTH) * Q, XOR z5;
//   D   the MAC;
//   R   the result register: MAC, MAC == expected, index.
// W0..R advance together, one word per clock, and stop together while the result register is
// full and not taken. Every key-derived register (P, P^2, Q, z5, Y, T, EVAL, the MAC before
// it leaves) is zero whenever it holds no job: stages load zeros when they are empty, and A/B
// clear theirs when their job moves on; a reset zeroes them as well. The other datapath registers
// (message words, mask, the MAC on its way out) have no reset.
module nasmac_eia1_eval (
  input  logic clk_i, rst_ni,
  // A line per channel, all in job order: a slot's keystream words with the job's fields, the
  // message words, the results.
  input  logic job_valid_i, output logic job_ready_o, input nasmac_lane_pkg::uia2_job_t job_i,
  input  logic msg_valid_i, output logic msg_ready_o, input logic [127:0] msg_data_i,
  output logic res_valid_o, input logic res_ready_i, output nasmac_lane_pkg::lane_res_t res_o
);

  // The job fields that ride along with a job's last word to the result.
  typedef struct packed {
    logic [63:0] q;
    logic [31:0] z5;
    logic [15:0] len;
    logic [31:0] exp;
    logic [31:0] index;
  } meta_t;

  // P^2 in GF(2^64): squaring spreads bit i to bit 2i (no cross terms), then the upper half is
  // reduced with x^64 = x^4 + x^3 + x + 1 in two folds, as in a full multiply. Linear, so each
  // output bit is the XOR of a few bits of P: a LUT level or two, not a multiplier.
  function automatic logic [63:0] gf64_sq(input logic [63:0] p);
    logic [126:0] s;
    logic [63:0]  hi;
    logic [66:0]  f1;
    logic [2:0]   top;
    s = '0;
    for (int i = 0; i < 64; i++) s[2*i] = p[i];
    hi  = {1'b0, s[126:64]};
    f1  = {3'b000, hi} ^ {2'b00, hi, 1'b0} ^ {hi[63:0], 3'b000} ^ {hi[62:0], 4'b0000};
    top = f1[66:64];
    gf64_sq = s[63:0] ^ f1[63:0] ^ {57'd0, top, 4'b0000} ^ {58'd0, top, 3'b000}
              ^ {60'd0, top, 1'b0} ^ {61'd0, top};
  endfunction

  // A job waiting for stage B: valid, P and the fields that ride along. It moves as a whole, and
  // is all zeros when the register holds no job.
  typedef struct packed {
    logic        valid;
    logic [63:0] p;
    meta_t       m;
  } held_t;

  // ---------------------------------------------------------------------------------------------
  // Registers. Skid register in front of A (so that job_ready_o is a register), then stage A.
  held_t       k_q /*verilator public_flat_rd*/, k_d;
  held_t       a_q /*verilator public_flat_rd*/, a_d;
  // Stage B.
  logic        b_valid_q, b_valid_d, b_lastw_q, b_lastw_d;
  logic [63:0] b_p_q /*verilator public_flat_rd*/, b_p_d, b_p2_q /*verilator public_flat_rd*/,
               b_p2_d;
  meta_t       b_m_q /*verilator public_flat_rd*/, b_m_d;
  logic [9:0]  b_left_q, b_left_d;  // words still to take after the current one
  logic        b_two_q, b_two_d;    // the job's last word holds two blocks
  logic [127:0] b_mask_q, b_mask_d; // bits of the last word inside LENGTH
  // Stage W0.
  logic        w0_v_q, w0_v_d, w0_last_q, w0_last_d;
  logic [63:0] w0_m0_q, w0_m0_d, w0_m1_q, w0_m1_d;
  logic [63:0] w0_p_q /*verilator public_flat_rd*/, w0_p_d, w0_y_q /*verilator public_flat_rd*/,
               w0_y_d;
  meta_t       w0_m_q /*verilator public_flat_rd*/, w0_m_d;
  // Stage W1.
  logic        w1_v_q, w1_v_d, w1_last_q, w1_last_d;
  logic [63:0] w1_m0_q, w1_m0_d, w1_y_q /*verilator public_flat_rd*/, w1_y_d,
               w1_q1_q /*verilator public_flat_rd*/, w1_q1_d;
  meta_t       w1_m_q /*verilator public_flat_rd*/, w1_m_d;
  // Stage W2.
  logic        w2_v_q, w2_v_d, w2_last_q, w2_last_d;
  logic [63:0] w2_y_q /*verilator public_flat_rd*/, w2_y_d, w2_t_q /*verilator public_flat_rd*/,
               w2_t_d;
  meta_t       w2_m_q /*verilator public_flat_rd*/, w2_m_d;
  // Stage E (the accumulator) and C.
  logic [63:0] e_eval_q /*verilator public_flat_rd*/, e_eval_d;
  logic        c_v_q, c_v_d;
  logic [63:0] c_in_q /*verilator public_flat_rd*/, c_in_d;
  meta_t       c_m_q /*verilator public_flat_rd*/, c_m_d;
  // Stage D (the MAC) and the result register.
  logic        d_v_q, d_v_d;
  logic [31:0] d_mac_q, d_mac_d, d_exp_q, d_exp_d, d_index_q, d_index_d;
  logic        r_valid_q, r_valid_d, r_match_q, r_match_d;
  logic [31:0] r_mac_q, r_mac_d, r_index_q, r_index_d;

  // ---------------------------------------------------------------------------------------------
  // Handshakes. adv: the word pipeline (W0..R) moves this cycle.
  logic adv, b_fire, b_done, b_free, a_free;

  assign adv         = !r_valid_q || res_ready_i;
  assign msg_ready_o = b_valid_q && adv;
  assign b_fire      = msg_valid_i && msg_ready_o;
  assign b_done      = b_fire && b_lastw_q;
  assign b_free      = !b_valid_q || b_done;
  assign a_free      = !a_q.valid || b_free;
  assign job_ready_o = !k_q.valid;

  assign res_valid_o = r_valid_q;
  assign res_o.index = r_index_q;
  assign res_o.mac   = r_mac_q;
  assign res_o.match = r_match_q;

  // ---------------------------------------------------------------------------------------------
  // Multipliers.
  logic [63:0] q1_w, t_w, eval_w, mac_w;
  logic [63:0] zero64;
  assign zero64 = '0;

  nasmac_gf64_mul u_mul_q1 (.a_i(w0_m1_q),  .b_i(w0_p_q),   .c_i(zero64),  .p_o(q1_w));
  nasmac_gf64_mul u_mul_t  (.a_i(w1_m0_q),  .b_i(w1_y_q),   .c_i(w1_q1_q), .p_o(t_w));
  nasmac_gf64_mul u_mul_e  (.a_i(e_eval_q), .b_i(w2_y_q),   .c_i(w2_t_q),  .p_o(eval_w));
  nasmac_gf64_mul u_mul_c  (.a_i(c_in_q),   .b_i(c_m_q.q),  .c_i({c_m_q.z5, 32'd0}), .p_o(mac_w));

  // Only the upper half of the final product enters the MAC.
  logic unused_mac;
  assign unused_mac = ^mac_w[31:0];

  // ---------------------------------------------------------------------------------------------
  // Job side: A and B.
  logic [6:0]   a_tail;
  logic [127:0] a_mask;
  meta_t        new_m;

  // The last word holds LENGTH mod 128 bits (128 when that is zero); more than 64 means two
  // blocks. Earlier words are always two full blocks.
  always_comb begin
    a_tail = a_q.m.len[6:0];
    a_mask = (a_tail == 7'd0) ? '1 : ~({128{1'b1}} >> a_tail);
  end

  always_comb begin
    b_valid_d = b_valid_q;
    b_lastw_d = b_lastw_q;
    b_p_d     = b_p_q;
    b_p2_d    = b_p2_q;
    b_m_d     = b_m_q;
    b_left_d  = b_left_q;
    b_two_d   = b_two_q;
    b_mask_d  = b_mask_q;

    if (b_fire) begin
      b_left_d  = b_left_q - 10'd1;
      b_lastw_d = (b_left_q == 10'd1);
    end
    if (b_done) begin
      b_valid_d = 1'b0;
      b_p_d     = '0;
      b_p2_d    = '0;
      b_m_d     = '0;
    end
    if (a_q.valid && b_free) begin
      b_valid_d = 1'b1;
      b_p_d     = a_q.p;
      b_p2_d    = gf64_sq(a_q.p);
      b_m_d     = a_q.m;
      // ceil(LENGTH / 128) - 1 words follow the first.
      b_left_d  = 10'((a_q.m.len - 16'd1) >> 7);
      b_lastw_d = (a_q.m.len <= 16'd128);
      b_two_d   = (a_tail == 7'd0) || (a_tail > 7'd64);
      b_mask_d  = a_mask;
    end

    // A takes the skid register's job first, else a new one; a new job that A cannot take
    // waits in the skid register. Registers are zeroed when their job moves on.
    k_d         = k_q;
    a_d         = a_q;
    new_m.q     = job_i.q;
    new_m.z5    = job_i.z5;
    new_m.len   = job_i.len;
    new_m.exp   = job_i.exp;
    new_m.index = job_i.index;
    if (a_q.valid && b_free) a_d = '0;
    if (a_free && k_q.valid) begin
      a_d = k_q;
      k_d = '0;
    end
    if (job_valid_i && !k_q.valid) begin
      if (a_free) a_d = {1'b1, job_i.p, new_m};
      else        k_d = {1'b1, job_i.p, new_m};
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Word side: W0, W1, W2, E, C, R. Each stage loads zeros when the stage before it is empty,
  // and only the last word of a job carries the job fields.
  logic [127:0] m_w;
  logic         two_w;

  always_comb begin
    m_w   = b_lastw_q ? (msg_data_i & b_mask_q) : msg_data_i;
    two_w = !b_lastw_q || b_two_q;

    w0_v_d    = b_fire;
    w0_last_d = b_done;
    w0_m0_d   = b_fire ? m_w[127:64] : '0;
    w0_m1_d   = (b_fire && two_w) ? m_w[63:0] : '0;
    w0_p_d    = b_fire ? b_p_q : '0;
    w0_y_d    = b_fire ? (two_w ? b_p2_q : b_p_q) : '0;
    w0_m_d    = b_done ? b_m_q : '0;

    w1_v_d    = w0_v_q;
    w1_last_d = w0_last_q;
    w1_m0_d   = w0_m0_q;
    w1_y_d    = w0_y_q;
    w1_q1_d   = w0_v_q ? q1_w : '0;
    w1_m_d    = w0_m_q;

    w2_v_d    = w1_v_q;
    w2_last_d = w1_last_q;
    w2_y_d    = w1_y_q;
    w2_t_d    = w1_v_q ? t_w : '0;
    w2_m_d    = w1_m_q;

    e_eval_d  = e_eval_q;
    if (w2_v_q) e_eval_d = w2_last_q ? '0 : eval_w;
    c_v_d     = w2_v_q && w2_last_q;
    c_in_d    = (w2_v_q && w2_last_q) ? (eval_w ^ {48'd0, w2_m_q.len}) : '0;
    c_m_d     = w2_m_q;

    d_v_d     = c_v_q;
    d_mac_d   = c_v_q ? mac_w[63:32] : '0;
    d_exp_d   = c_m_q.exp;
    d_index_d = c_m_q.index;

    r_valid_d = d_v_q;
    r_mac_d   = d_mac_q;
    r_match_d = (d_mac_q == d_exp_q);
    r_index_d = d_index_q;
  end

  // ---------------------------------------------------------------------------------------------
  // Registers: valid bits and counters.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      b_valid_q <= 1'b0;
      b_lastw_q <= 1'b0;
      b_left_q  <= '0;
      w0_v_q    <= 1'b0;
      w0_last_q <= 1'b0;
      w1_v_q    <= 1'b0;
      w1_last_q <= 1'b0;
      w2_v_q    <= 1'b0;
      w2_last_q <= 1'b0;
      c_v_q     <= 1'b0;
      d_v_q     <= 1'b0;
      r_valid_q <= 1'b0;
    end else begin
      b_valid_q <= b_valid_d;
      b_lastw_q <= b_lastw_d;
      b_left_q  <= b_left_d;
      if (adv) begin
        w0_v_q    <= w0_v_d;
        w0_last_q <= w0_last_d;
        w1_v_q    <= w1_v_d;
        w1_last_q <= w1_last_d;
        w2_v_q    <= w2_v_d;
        w2_last_q <= w2_last_d;
        c_v_q     <= c_v_d;
        d_v_q     <= d_v_d;
        r_valid_q <= r_valid_d;
      end
    end
  end

  // Key-derived registers (P, P^2, Q, z5 with their job fields, Y, T, EVAL, the MAC input; the
  // skid register and A with their valid bits) are zero whenever they hold no job, by the logic
  // above, and a reset zeroes them too: a reset in the middle of a job (a bus error ends the run
  // early, the shell resets the kernel) must not leave a job's P/Q/z5 behind, and EVAL, the one
  // register that carries a job from word to word, would otherwise start the next job from the
  // aborted one's partial sum.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      k_q    <= '0;
      a_q    <= '0;
      b_p_q  <= '0;
      b_p2_q <= '0;
      b_m_q  <= '0;
    end else begin
      k_q    <= k_d;
      a_q    <= a_d;
      b_p_q  <= b_p_d;
      b_p2_q <= b_p2_d;
      b_m_q  <= b_m_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      w0_p_q   <= '0;
      w0_y_q   <= '0;
      w0_m_q   <= '0;
      w1_y_q   <= '0;
      w1_q1_q  <= '0;
      w1_m_q   <= '0;
      w2_y_q   <= '0;
      w2_t_q   <= '0;
      w2_m_q   <= '0;
      e_eval_q <= '0;
      c_in_q   <= '0;
      c_m_q    <= '0;
    end else if (adv) begin
      w0_p_q   <= w0_p_d;
      w0_y_q   <= w0_y_d;
      w0_m_q   <= w0_m_d;
      w1_y_q   <= w1_y_d;
      w1_q1_q  <= w1_q1_d;
      w1_m_q   <= w1_m_d;
      w2_y_q   <= w2_y_d;
      w2_t_q   <= w2_t_d;
      w2_m_q   <= w2_m_d;
      e_eval_q <= e_eval_d;
      c_in_q   <= c_in_d;
      c_m_q    <= c_m_d;
    end
  end

  // The message words, the mask and the MAC on its way out: no reset.
  always_ff @(posedge clk_i) begin
    b_two_q  <= b_two_d;
    b_mask_q <= b_mask_d;
    if (adv) begin
      w0_m0_q   <= w0_m0_d;
      w0_m1_q   <= w0_m1_d;
      w1_m0_q   <= w1_m0_d;
      d_mac_q   <= d_mac_d;
      d_exp_q   <= d_exp_d;
      d_index_q <= d_index_d;
      r_mac_q   <= r_mac_d;
      r_match_q <= r_match_d;
      r_index_q <= r_index_d;
    end
  end

endmodule
