// nasmac_eia3_unit: one 128-EIA3 MAC engine of the EIA3 lane: a ZUC-128 core, a small buffer for
// the job's message words and the word-parallel EIA3 accumulator (TS 35.221 clause 4.4 / 128-EEA3
// & 128-EIA3 Document 1 clause 4).
//
// EIA3: T = XOR of W(i) over the message bits i that are 1, plus W(LENGTH), where W(i) is the
// 32 keystream bits from bit i; MAC = T ^ z_L with L = ceil(LENGTH/32) + 2. The unit processes 32
// message bits per clock: while the core delivers keystream word z_w (counting from z_0 here),
// the window {z_(w-1), z_w} holds W(i) for every bit i of message chunk w-1 (bits 32(w-1) ..
// 32w-1), so the chunk contributes XOR over its set bits b of window[63-b -: 32]. W(LENGTH) is
// folded in by treating bit LENGTH as an extra 1 bit after the masked message, which adds at most
// one chunk (chunk floor(LENGTH/32), needing no message word when LENGTH is a multiple of 32).
//
// Streaming: the job's words arrive right after its header, while the core is still
// initialising, and wait in the BufWords-deep buffer; a longer message back-pressures the lane
// until the keystream consumes it (one 128-bit word per four clocks). So no unit stores a whole
// message, and the unit accepts any LENGTH 1..65504.
//
// Secrets: the core is wiped in the clock that yields z_(L-1); T and the window are cleared with
// it, and the result register holds only the MAC.
module nasmac_eia3_unit #(
  // Message words buffered per unit (a power of two, at least 2). The lane sets it (16: a
  // 256-octet message); a message that fits never stalls the lane while its keystream
  // initialises. The storage has no reset, so it maps to distributed RAM.
  parameter int BufWords = 16
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         start_i,
  output logic         idle_o,
  input  logic [127:0] key_i,
  input  logic [31:0]  count_i,
  input  logic [4:0]   bearer_i,
  input  logic         dir_i,
  input  logic [15:0]  len_i,
  input  logic [31:0]  exp_i,
  input  logic [31:0]  index_i,
  input  logic         msg_valid_i,
  output logic         msg_ready_o,
  input  logic [127:0] msg_data_i,
  output logic         res_valid_o,
  input  logic         res_ready_i,
  output logic [31:0]  res_index_o,
  output logic [31:0]  res_mac_o,
  output logic         res_match_o
);

  logic [127:0] iv_w;
  logic         core_ready, core_clear, ks_valid, ks_ready;
  logic [31:0]  ks_w;
  logic         buf_valid, buf_pop;
  logic [127:0] buf_data;

  // The 128-EIA3 IV (TS 35.221 clause 4.3): COUNT || BEARER<<3 || 0^24 || COUNT ^ DIR<<31 ||
  // BEARER<<3 || 0^8 || DIR<<7 || 0^8.
  assign iv_w = {count_i, bearer_i, 27'd0, count_i ^ {dir_i, 31'd0}, bearer_i, 11'd0, dir_i,
                 15'd0};

  nasmac_zuc_core u_core (
    .clk_i,
    .rst_ni,
    .init_i     (start_i && idle_o),
    .key_i,
    .iv_i       (iv_w),
    .ready_o    (core_ready),
    .clear_i    (core_clear),
    .ks_valid_o (ks_valid),
    .ks_ready_i (ks_ready),
    .ks_o       (ks_w)
  );

  nasmac_eia13_fifo #(
    .Width (128),
    .Depth (BufWords)
  ) u_buf (
    .clk_i,
    .rst_ni,
    .in_valid_i  (msg_valid_i),
    .in_ready_o  (msg_ready_o),
    .in_data_i   (msg_data_i),
    .out_valid_o (buf_valid),
    .out_ready_i (buf_pop),
    .out_data_o  (buf_data)
  );

  logic        busy_q, busy_d;
  logic [11:0] w_q, w_d;          // index of the keystream word the core presents
  logic [11:0] chunks_q, chunks_d;  // chunks to absorb: floor(LENGTH/32) + 1
  logic [11:0] mchunks_q, mchunks_d;  // chunks that read message bits: ceil(LENGTH/32)
  logic [11:0] last_q, last_d;    // index of the final word: ceil(LENGTH/32) + 1
  logic [15:0] len_q, len_d;
  logic [31:0] exp_q, exp_d, prev_q /*verilator public_flat_rd*/, prev_d, t_q /*verilator public_flat_rd*/, t_d;
  logic        r_valid_q, r_valid_d, r_match_q, r_match_d;
  logic [31:0] r_mac_q, r_mac_d, r_index_q, r_index_d, index_q, index_d;

  logic [11:0] chunk_w;
  logic        absorb_w, need_word_w, fire_w;
  logic [15:0] rem_w;
  logic [31:0] data_w, m_w, acc_w, t_new_w;
  logic [63:0] win_w;

  assign idle_o      = !busy_q && !r_valid_q && core_ready;
  assign res_valid_o = r_valid_q;
  assign res_index_o = r_index_q;
  assign res_mac_o   = r_mac_q;
  assign res_match_o = r_match_q;

  always_comb begin
    chunk_w     = w_q - 12'd1;
    absorb_w    = (w_q != 12'd0) && (w_q <= chunks_q);
    need_word_w = absorb_w && (chunk_w < mchunks_q);
    ks_ready    = !need_word_w || buf_valid;
    fire_w      = ks_valid && ks_ready;
    // A word is used up after its fourth chunk or after the message's last chunk.
    buf_pop     = fire_w && need_word_w && (chunk_w[1:0] == 2'd3 || chunk_w == mchunks_q - 12'd1);
    core_clear  = fire_w && (w_q == last_q);
    // Message bits of the chunk, MSB first; past LENGTH they are zero, with a 1 at LENGTH.
    data_w = need_word_w ? buf_data[127 - 32*chunk_w[1:0] -: 32] : 32'd0;
    rem_w  = len_q - {chunk_w[10:0], 5'd0};
    if (rem_w >= 16'd32) begin
      m_w = data_w;
    end else begin
      m_w = (data_w & ~(32'hffffffff >> rem_w[4:0])) | (32'h80000000 >> rem_w[4:0]);
    end
    win_w = {prev_q, ks_w};
    acc_w = '0;
    for (int b = 0; b < 32; b++) begin
      if (m_w[31-b]) acc_w = acc_w ^ win_w[63-b -: 32];
    end
    t_new_w = absorb_w ? (t_q ^ acc_w) : t_q;
  end

  always_comb begin
    busy_d    = busy_q;
    w_d       = w_q;
    chunks_d  = chunks_q;
    mchunks_d = mchunks_q;
    last_d    = last_q;
    len_d     = len_q;
    exp_d     = exp_q;
    index_d   = index_q;
    prev_d    = prev_q;
    t_d       = t_q;
    r_valid_d = r_valid_q;
    r_match_d = r_match_q;
    r_mac_d   = r_mac_q;
    r_index_d = r_index_q;
    if (r_valid_q && res_ready_i) r_valid_d = 1'b0;
    if (start_i && idle_o) begin
      busy_d    = 1'b1;
      w_d       = '0;
      chunks_d  = 12'(len_i >> 5) + 12'd1;
      mchunks_d = 12'((len_i + 16'd31) >> 5);
      last_d    = 12'((len_i + 16'd31) >> 5) + 12'd1;
      len_d     = len_i;
      exp_d     = exp_i;
      index_d   = index_i;
      t_d       = '0;
      prev_d    = '0;
    end
    if (fire_w) begin
      w_d    = w_q + 12'd1;
      prev_d = ks_w;
      t_d    = t_new_w;
      if (w_q == last_q) begin
        busy_d    = 1'b0;
        r_valid_d = 1'b1;
        r_mac_d   = t_new_w ^ ks_w;
        r_match_d = ((t_new_w ^ ks_w) == exp_q);
        r_index_d = index_q;
        t_d       = '0;
        prev_d    = '0;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q    <= 1'b0;
      w_q       <= '0;
      chunks_q  <= '0;
      mchunks_q <= '0;
      last_q    <= '0;
      len_q     <= '0;
      exp_q     <= '0;
      index_q   <= '0;
      prev_q    <= '0;
      t_q       <= '0;
      r_valid_q <= 1'b0;
      r_match_q <= 1'b0;
      r_mac_q   <= '0;
      r_index_q <= '0;
    end else begin
      busy_q    <= busy_d;
      w_q       <= w_d;
      chunks_q  <= chunks_d;
      mchunks_q <= mchunks_d;
      last_q    <= last_d;
      len_q     <= len_d;
      exp_q     <= exp_d;
      index_q   <= index_d;
      prev_q    <= prev_d;
      t_q       <= t_d;
      r_valid_q <= r_valid_d;
      r_match_q <= r_match_d;
      r_mac_q   <= r_mac_d;
      r_index_q <= r_index_d;
    end
  end

endmodule
