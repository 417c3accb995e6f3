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
// Secrets: the core is wiped in the clock that takes z_(L-1); T and the keystream window are
// cleared one clock later, when the last chunk has been absorbed, and the result registers hold
// only the MAC. (T starts as the expected MAC, so that the match is a zero test.)
//
// Timing (300 MHz on UltraScale+): the lengths become counters and flags at the start, so no
// length arithmetic, mask or compare sits between the keystream and T. Three stages: (1) a
// keystream word is taken with the masked message chunk it meets (buffer read, chunk select,
// mask: 3 LUT levels); (2) the chunk's 32 window terms are XORed into T, or, for z_(L-1), into
// T ^ terms ^ z_(L-1) = MAC ^ expected MAC, which goes to the result register (^ expected); (3)
// the match is a zero test of that. A new job may start while (2) and (3) finish; only its own
// last keystream word waits, if the previous result has still not left.
module nasmac_eia3_unit #(
  // Message words buffered per unit (a power of two, at least 2). The lane sets it (64: a
  // 1024-octet message); a message that fits never stalls the lane while its keystream
  // initialises and consumes it. The storage has no reset, so it maps to distributed RAM.
  parameter int BufWords = 16
) (
  input  logic clk_i, rst_ni,
  // A line per channel: the job's start (taken when idle; idle_o looks a clock ahead, see
  // below), its message words, its result.
  input  logic start_i, output logic idle_o, input nasmac_lane_pkg::lane_job_t job_i,
  input  logic msg_valid_i, output logic msg_ready_o, input logic [127:0] msg_data_i,
  output logic res_valid_o, input logic res_ready_i, output nasmac_lane_pkg::lane_res_t res_o
);

  logic [127:0] iv_w;
  logic         core_clear, ks_valid, ks_ready;
  /* verilator lint_off UNUSEDSIGNAL */
  logic         core_ready;  // implied by idle_q: the core is wiped with the last word taken
  /* verilator lint_on UNUSEDSIGNAL */
  logic [31:0]  ks_w;
  logic         buf_push, buf_pop;
  logic [127:0] buf_data;
  /* verilator lint_off UNUSEDSIGNAL */
  logic         fifo_ready, fifo_valid;  // mirrored by full_q and nonempty_q
  /* verilator lint_on UNUSEDSIGNAL */

  // The buffer's fill level, kept here so that msg_ready_o and the buffer's "has a word" are
  // registers (the FIFO's own flags compare its pointers); they agree with the FIFO's flags.
  localparam int OccW = $clog2(BufWords) + 1;
  logic [OccW-1:0] occ_q;
  logic            full_q, nonempty_q;
  assign msg_ready_o = !full_q;
  assign buf_push    = msg_valid_i && !full_q;

  // The 128-EIA3 IV (TS 35.221 clause 4.3): COUNT || BEARER<<3 || 0^24 || COUNT ^ DIR<<31 ||
  // BEARER<<3 || 0^8 || DIR<<7 || 0^8.
  assign iv_w = {job_i.count, job_i.bearer, 27'd0, job_i.count ^ {job_i.dir, 31'd0}, job_i.bearer,
                 11'd0, job_i.dir, 15'd0};

  nasmac_zuc_core u_core (
    .clk_i, .rst_ni,
    .init_i(start), .key_i(job_i.key), .iv_i(iv_w), .ready_o(core_ready), .clear_i(core_clear),
    .ks_valid_o(ks_valid), .ks_ready_i(ks_ready), .ks_o(ks_w)
  );

  nasmac_fifo #(.Width(128), .Depth(BufWords)) u_buf (
    .clk_i, .rst_ni,
    .wr_valid_i(buf_push), .wr_ready_o(fifo_ready), .wr_data_i(msg_data_i),
    .rd_valid_o(fifo_valid), .rd_ready_i(buf_pop), .rd_data_o(buf_data)
  );

  // Control (reset).
  logic        idle_q;     // no job: the core is idle and stage 1 takes nothing
  logic        first_q;    // the next keystream word is z_0 (it only fills the window)
  logic        ab_q;       // the next keystream word absorbs a chunk
  logic        tail_q;     // the next keystream word is z_(L-1), after the last chunk
  logic        s2_q;       // stage 2 absorbs the chunk of the word taken in the previous clock
  logic        f2_q;       // ... and that word was z_(L-1): stage 2 makes the result
  logic        f3_q;       // stage 3 makes the match and raises the result
  logic        r_valid_q;
  // Per job (set at the start, no reset).
  logic [11:0] cnt_q;      // chunks left to absorb, the next one included
  logic        eq1_q, eq2_q;  // cnt_q == 1, cnt_q == 2
  logic        rnz_q;      // LENGTH mod 32 != 0: the final chunk reads message bits
  logic [1:0]  sub_q;      // 32-bit chunk within the buffer's 128-bit word
  logic [31:0] keep_q, one_q;  // final chunk: message bits kept, and the bit at LENGTH
  logic [31:0] exp_q, index_q;
  // Datapath (no reset; the key-dependent ones are wiped).
  logic [31:0] m_q;                                    // stage 2: masked message chunk
  logic [63:0] win_q /*verilator public_flat_rd*/;     // {z_(w-1), z_w} of the last word taken
  logic [31:0] t_q /*verilator public_flat_rd*/;     // T ^ expected MAC
  logic        r_match_q;
  logic [31:0] r_mac_q, r_index_q;
  logic [31:0] d_q;        // stage 3: MAC ^ expected MAC

  logic        start, need_w, last_w, fire_w, pop_w, cfin_w;
  logic [31:0] data_w, m_w, acc_w, mac_w;

  assign start  = start_i && idle_q;
  // Idle in the next clock: idle now, or taking z_(L-1) now (that word needs no message word, so
  // it goes as soon as it is there). The lane picks a unit a clock ahead, so it can start this one
  // in the clock after its last word.
  assign idle_o = idle_q || (last_w && ks_valid && !r_valid_q);
  // The chunk of the next word reads the buffer unless it is the final chunk of a LENGTH that is a
  // multiple of 32 (that chunk is only the 1 at LENGTH).
  assign need_w = ab_q && (rnz_q || !eq1_q);
  assign cfin_w = ab_q && eq1_q;
  // z_(L-1) is the word after the last chunk, or the last chunk's own word when that chunk reads
  // no message bits.
  assign last_w = tail_q || (cfin_w && !rnz_q);
  // z_(L-1) waits while the result register still holds the previous job's result.
  assign ks_ready = !idle_q && (!need_w || nonempty_q) && !(last_w && r_valid_q);
  assign fire_w   = ks_valid && ks_ready;
  // A buffer word is used up after its fourth chunk or after the message's last chunk.
  assign pop_w    = fire_w && need_w && (sub_q == 2'd3 || (rnz_q ? eq1_q : eq2_q));
  assign buf_pop  = pop_w;
  assign core_clear = fire_w && last_w;

  assign res_valid_o = r_valid_q;
  assign res_o.index = r_index_q;
  assign res_o.mac   = r_mac_q;
  assign res_o.match = r_match_q;

  // Stage 1: the message chunk, MSB first; the final chunk is masked past LENGTH and gets the 1
  // at LENGTH (for a LENGTH that is a multiple of 32 the kept mask is 0 and the buffer unread).
  always_comb begin
    data_w = buf_data[127 - 32*sub_q -: 32];
    m_w    = cfin_w ? ((data_w & keep_q) | one_q) : data_w;
  end

  // Stage 2: chunk bit b selects the window's 32 bits from bit b.
  always_comb begin
    acc_w = '0;
    for (int b = 0; b < 32; b++) begin
      if (m_q[31-b]) acc_w = acc_w ^ win_q[63-b -: 32];
    end
    // T starts as the expected MAC, so this is MAC ^ expected MAC: zero when they match.
    mac_w = t_q ^ (s2_q ? acc_w : 32'd0) ^ win_q[31:0];
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      idle_q    <= 1'b1;
      first_q   <= 1'b0;
      ab_q      <= 1'b0;
      tail_q    <= 1'b0;
      s2_q      <= 1'b0;
      f2_q      <= 1'b0;
      f3_q      <= 1'b0;
      r_valid_q <= 1'b0;
    end else begin
      s2_q <= fire_w && ab_q;
      f2_q <= fire_w && last_w;
      f3_q <= f2_q;
      if (start) begin
        idle_q  <= 1'b0;
        first_q <= 1'b1;
      end
      if (fire_w) begin
        first_q <= 1'b0;
        if (first_q) ab_q <= 1'b1;
        if (cfin_w) begin
          ab_q   <= 1'b0;
          tail_q <= rnz_q;
        end
        if (tail_q) tail_q <= 1'b0;
        if (last_w) idle_q <= 1'b1;
      end
      if (f3_q) r_valid_q <= 1'b1;
      else if (res_ready_i) r_valid_q <= 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      occ_q      <= '0;
      full_q     <= 1'b0;
      nonempty_q <= 1'b0;
    end else if (buf_push && !buf_pop) begin
      occ_q      <= occ_q + 1'b1;
      full_q     <= (occ_q == OccW'(BufWords - 1));
      nonempty_q <= 1'b1;
    end else if (buf_pop && !buf_push) begin
      occ_q      <= occ_q - 1'b1;
      full_q     <= 1'b0;
      nonempty_q <= (occ_q != OccW'(1));
    end
  end

  // Per-job registers.
  always_ff @(posedge clk_i) begin
    if (start) begin
      cnt_q   <= 12'(job_i.len_bits >> 5) + 12'd1;
      eq1_q   <= (job_i.len_bits < 16'd32);
      eq2_q   <= (job_i.len_bits >= 16'd32) && (job_i.len_bits < 16'd64);
      rnz_q   <= (job_i.len_bits[4:0] != 5'd0);
      sub_q   <= '0;
      keep_q  <= ~(32'hffffffff >> job_i.len_bits[4:0]);
      one_q   <= 32'h80000000 >> job_i.len_bits[4:0];
      exp_q   <= job_i.exp_mac;
      index_q <= job_i.index;
    end else if (fire_w && ab_q) begin
      cnt_q <= cnt_q - 12'd1;
      eq1_q <= eq2_q;
      eq2_q <= (cnt_q == 12'd3);
      sub_q <= sub_q + 2'd1;
    end
  end

  // Stage 1 -> 2 registers; the window and T are wiped once the MAC is out of stage 2.
  always_ff @(posedge clk_i) begin
    if (fire_w) m_q <= m_w;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || f2_q) win_q <= '0;
    else if (fire_w) win_q <= {win_q[31:0], ks_w};
  end

  // A job may start in the clock in which stage 2 ends the previous one (and wipes its T).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) t_q <= '0;
    else if (start) t_q <= job_i.exp_mac;
    else if (f2_q) t_q <= '0;
    else if (s2_q) t_q <= t_q ^ acc_w;
  end

  // The result registers, free when stage 2 ends (z_(L-1) waited for that); stage 3 adds the
  // match and raises res_valid_o. A job started in stage 2's clock overwrites exp_q and index_q
  // only at its end.
  always_ff @(posedge clk_i) begin
    if (f2_q) begin
      r_mac_q   <= mac_w ^ exp_q;
      r_index_q <= index_q;
      d_q       <= mac_w;
    end
    if (f3_q) r_match_q <= (d_q == 32'd0);
  end

endmodule
