// nasmac_eia2_lane: 128-EIA2 (AES-CMAC, TS 33.401 B.2.3) verification lane, many messages in
// flight on one pipelined AES-128 core.
//
// Construction: M = COUNT(32) || BEARER(5) || DIRECTION(1) || 0^26 || MESSAGE, Mlen = LENGTH + 64;
// T = AES-CMAC(K, M, Mlen) per SP 800-38B with bit-granular padding (last block XOR K1 when Mlen
// is a positive multiple of 128, else append 1 0* and XOR K2); MAC = T[0..31].
//
// Structure (one job = one slot from header to result):
//  - Writer: takes the header and then ceil(LENGTH/128) message words. The 64-bit prefix shifts
//    the message by half a word against the CMAC blocks, so the writer keeps the low half of the
//    previous word (first the prefix) and writes block i = {carry, word_i[127:64]}; when the last
//    word's low half still holds message bits it writes one more (tail) block. The last block is
//    masked and padded here, so the scheduler only has to pick K1 or K2.
//  - Message buffer: one block RAM shared by all slots, split into a circular FIFO of SlotBlocks
//    CMAC blocks per slot (Slots * SlotBlocks * 128 bits: 512 Kibit by default, 16 RAMB36). A
//    message of up to (SlotBlocks*128 - 64) bits (2040 octets by default) fits in its slot whole,
//    so the input never waits for the CBC chain and many messages are in flight at once. The
//    depth has to cover whole messages: the words arrive one job after another at a block per
//    cycle while a slot's chain takes one block per round trip (15 cycles), so a slot that holds
//    only part of a message stalls the writer (msg_ready_o low), and every job behind it, for
//    15 cycles per excess block. With 16 blocks a 1024-octet message (65 blocks) cost 49 * 15 =
//    735 cycles per MAC in the kernel instead of about 65; a longer message still streams
//    through its FIFO at that rate (lengths up to 65504 bits all work).
//  - Scheduler: a round-robin pick among the slots that can issue, one AES block per cycle.
//    A slot issues its subkey block L = AES_K(0^128) (any time; only the last block needs it)
//    and its CBC blocks one at a time: the next block only after the previous one has left the
//    pipeline (the chain is serial within a message, never across messages).
//  - AES: nasmac_aes128_pipe, with the key of each block read from a per-slot key RAM and the tag
//    {slot, is_L, is_final} riding along. Round trip (issue to re-issue of the same slot) is
//    RoundTrip = 15 cycles (the AES, the issue stage and two scheduler stages), so >= 15 busy
//    slots keep the core full.
//  - Results: a FIFO of {index, MAC, match}; the final block of a job is only issued when the
//    FIFO has room reserved for its result (credits), because the AES pipeline never stalls.
//  - Clearing: when the final block leaves the AES, the slot's chaining value and L are
//    overwritten with zeros (those write ports are idle in that cycle); its key is zeroed in the
//    first cycle the key RAM write port is not taken by a new header, and only then is the slot
//    free again. K1/K2 are never stored (derived from L when the last block is issued).
module nasmac_eia2_lane #(
  // Messages in flight (slots); a power of two, at least 16 (RoundTrip is 15; the scheduler
  // arbitrates in groups of eight).
  parameter int unsigned Slots = 32,
  // Per-slot message FIFO depth in 128-bit CMAC blocks; a power of two >= 2. 128 holds a
  // 2040-octet message whole (see "Message buffer" above).
  parameter int unsigned SlotBlocks = 128,
  // Result FIFO entries; a power of two >= 2.
  parameter int unsigned ResDepth = 32
) (
  // The lane interface of hw/LANES.md, a line per channel: header, message word, result. The
  // message words are ceil(len/128) per job, octet 0 in [127:120]; msg_ready_o is from registers
  // only (a header's cycle carries no word); results leave in completion order.
  input  logic clk_i, rst_ni,
  input  logic job_valid_i, output logic job_ready_o, input nasmac_lane_pkg::lane_job_t job_i,
  input  logic msg_valid_i, output logic msg_ready_o, input logic [127:0] msg_data_i,
  input  logic msg_last_i,  // the lane counts words itself; this marker is not needed
  output logic res_valid_o, input logic res_ready_i, output nasmac_lane_pkg::lane_res_t res_o
);
  localparam int unsigned SlotW  = $clog2(Slots);
  localparam int unsigned PtrW   = $clog2(SlotBlocks);
  localparam int unsigned FillW  = PtrW + 1;
  // Blocks or words per message: at most ceil((65504 + 64) / 128) = 513.
  localparam int unsigned CntW   = 10;
  localparam int unsigned TagW   = SlotW + 2;
  localparam int unsigned CredW  = $clog2(ResDepth) + 1;

  typedef enum logic [1:0] {
    WrIdle  = 2'd0,  // no job open: a header may arrive (with its first word)
    WrWords = 2'd1,  // taking the open job's words
    WrTail  = 2'd2   // all words taken; the tail block still has to be written
  } wr_state_e;

  // ---------------------------------------------------------------------------------------------
  // Registers.
  // Writer.
  wr_state_e          wst_q, wst_d;
  logic [SlotW-1:0]   wslot_q, wslot_d;
  logic [PtrW-1:0]    wptr_q, wptr_d;
  logic [63:0]        carry_q, carry_d;     // low half of the previous word (first: the prefix)
  logic [CntW-1:0]    wwords_q, wwords_d;   // words still to come
  logic [CntW-1:0]    wblks_q, wblks_d;     // blocks still to write
  logic [Slots-1:0]   wsel_q, wsel_d;       // wslot_q, one-hot
  logic [FillW-1:0]   wfill_q, wfill_d;     // fill of wslot_q's FIFO (a copy of its fill_q entry)
  logic               wlastw_q, wlastw_d;   // the next word is the job's last
  logic               wlast_q, wlast_d;     // the next block written is the job's last
  logic [127:0]       keep_q, keep_d;       // last block: message bits to keep
  logic [127:0]       one_q, one_d;         // last block: the padding 1 bit (none for K1)
  // Per slot, flattened (slot s in [W*s +: W]).
  logic [Slots-1:0]        act_q, act_d;      // job in progress
  logic [Slots-1:0]        clr_q, clr_d;      // done; key still to be zeroed
  logic [Slots-1:0]        busy_q, busy_d;    // a CBC block is in the AES
  logic [Slots-1:0]        first_q, first_d;  // no chaining value yet (X_0 = 0)
  logic [Slots-1:0]        lreq_q, lreq_d;    // L not issued yet
  logic [Slots-1:0]        ldone_q, ldone_d;  // L is in the L RAM
  logic [Slots-1:0]        k1_q, k1_d;        // last block is complete: use K1 (else K2)
  logic [Slots*CntW-1:0]   left_q, left_d;    // CBC blocks not issued yet
  logic [Slots*FillW-1:0]  fill_q, fill_d;    // blocks in the slot FIFO
  logic [Slots*PtrW-1:0]   rdp_q, rdp_d;      // slot FIFO read pointer
  // Scheduler and issue stage (the cycle in which the RAMs are read).
  logic [CredW-1:0]   cred_q, cred_d;       // result FIFO entries reserved
  logic               s1_v_q, s1_v_d;
  logic [SlotW-1:0]   s1_slot_q, s1_slot_d;
  logic               s1_l_q, s1_l_d, s1_final_q, s1_final_d, s1_k1_q, s1_k1_d;
  logic               s1_first_q, s1_first_d;
  // Result stage (meta RAM read).
  logic               r_v_q, r_v_d;
  logic [31:0]        r_mac_q, r_mac_d;

  // ---------------------------------------------------------------------------------------------
  // Header decode, registered when the header is taken (the header's cycle carries no word).
  logic [16:0]  len17;
  logic [16:0]  hdr_words17, hdr_blks17;
  logic [CntW-1:0] hdr_words, hdr_blks;
  logic [6:0]   hdr_r;
  logic         hdr_k1;
  logic [127:0] hdr_keep, hdr_one;
  logic [63:0]  hdr_prefix;

  always_comb begin
    len17       = {1'b0, job_i.len_bits};
    hdr_words17 = (len17 + 17'd127) >> 7;  // ceil(LENGTH / 128)
    hdr_blks17  = (len17 + 17'd191) >> 7;  // ceil((LENGTH + 64) / 128)
    hdr_words   = hdr_words17[CntW-1:0];
    hdr_blks    = hdr_blks17[CntW-1:0];
    // Message bits in the last block: (LENGTH + 64) mod 128, 0 meaning a full block (K1). The
    // last block keeps those bits, gets a 1 right after them and zeros after that.
    hdr_r       = {~job_i.len_bits[6], job_i.len_bits[5:0]};
    hdr_k1      = (hdr_r == 7'd0);
    // Per bit a compare with a constant (a 7-input function), not a 128-bit barrel shifter.
    for (int k = 0; k < 128; k++) begin
      hdr_keep[127-k] = hdr_k1 || (7'(k) < hdr_r);
      hdr_one[127-k]  = !hdr_k1 && (7'(k) == hdr_r);
    end
    hdr_prefix  = {job_i.count, job_i.bearer, job_i.dir, 26'h0};
  end

  logic unused_hdr;
  assign unused_hdr = ^{hdr_words17[16:CntW], hdr_blks17[16:CntW], msg_last_i};

  // ---------------------------------------------------------------------------------------------
  // Free slot offered to the next header, slot whose key is zeroed next: both chosen a cycle
  // ahead (find-first-set into registers). A slot stops being free only when a header takes the
  // offered slot, so the choice stays valid if the offer of this cycle is left out of the next
  // one (a slot not taken is offered again a cycle later). Same for the slots to clear.
  logic             free_any, clr_any, free_any_d, clr_any_d;
  logic [SlotW-1:0] free_idx, clr_idx, free_idx_d, clr_idx_d;
  logic [Slots-1:0] free_oh, clr_oh;  // the offers, one-hot (zero when none)
  logic [Slots-1:0] free_cand, clr_cand;

  assign free_cand = ~(act_q | clr_q) & ~free_oh;
  assign clr_cand  = clr_q & ~clr_oh;

  nasmac_ffs #(.N(Slots)) u_free_ffs (.req_i(free_cand), .any_o(free_any_d), .idx_o(free_idx_d));
  nasmac_ffs #(.N(Slots)) u_clr_ffs  (.req_i(clr_cand),  .any_o(clr_any_d),  .idx_o(clr_idx_d));

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      free_any <= 1'b0;
      free_idx <= '0;
      free_oh  <= '0;
      clr_any  <= 1'b0;
      clr_idx  <= '0;
      clr_oh   <= '0;
    end else begin
      free_any <= free_any_d;
      free_idx <= free_idx_d;
      free_oh  <= free_any_d ? (Slots'(1) << free_idx_d) : '0;
      clr_any  <= clr_any_d;
      clr_idx  <= clr_idx_d;
      clr_oh   <= clr_any_d ? (Slots'(1) << clr_idx_d) : '0;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Writer: header and message words in, realigned CMAC blocks into the slot FIFO. Everything
  // the writer needs about the open job is in registers, so the RAM write side starts at
  // registers and the lane's inputs only meet a shallow handshake.
  logic             wfull;       // the slot being written is full
  logic             wiss;        // the issue stage takes a block from that slot
  logic             job_fire, msg_fire, tail_wr;
  logic             mw_en, mw_last;
  logic [SlotW-1:0] mw_slot;
  logic [PtrW-1:0]  mw_ptr;
  logic [127:0]     mw_raw, mw_data;

  // The writer keeps its own copy of its slot's fill, so that "full" is a register bit rather
  // than a 32:1 select of the per-slot counters in front of every handshake.
  assign wfull = wfill_q[PtrW];  // fill == SlotBlocks

  // A header is taken when a slot is free and the previous job's words are all in (its tail block,
  // if any, is written in the same cycle, so it must have room).
  assign job_ready_o = free_any && ((wst_q == WrIdle) || (wst_q == WrTail && !wfull));
  assign job_fire    = job_valid_i && job_ready_o;
  assign msg_ready_o = (wst_q == WrWords) && !wfull;
  assign msg_fire    = msg_valid_i && msg_ready_o;
  assign tail_wr     = (wst_q == WrTail) && !wfull;

  always_comb begin
    mw_en   = msg_fire || tail_wr;
    mw_slot = wslot_q;
    mw_ptr  = wptr_q;
    // Tail block: the last word's low half, then padding.
    mw_raw  = tail_wr ? {carry_q, 64'h0} : {carry_q, msg_data_i[127:64]};
    mw_last = tail_wr || wlast_q;
    // Last block: keep the message bits, set the bit right after them, zero the rest (a full
    // last block stays unchanged; it will be XORed with K1 instead).
    mw_data = mw_last ? ((mw_raw & keep_q) | one_q) : mw_raw;
  end

  always_comb begin
    wst_d    = wst_q;
    wslot_d  = wslot_q;
    wsel_d   = wsel_q;
    wfill_d  = wfill_q + FillW'(mw_en) - FillW'(wiss);
    wptr_d   = wptr_q;
    carry_d  = carry_q;
    wwords_d = wwords_q;
    wblks_d  = wblks_q;
    wlastw_d = wlastw_q;
    wlast_d  = wlast_q;
    keep_d   = keep_q;
    one_d    = one_q;
    if (mw_en) begin
      wblks_d = wblks_q - CntW'(1);
      wlast_d = (wblks_q == CntW'(2));
    end
    if (tail_wr) begin
      wst_d   = WrIdle;
      carry_d = 64'h0;
    end
    if (msg_fire) begin
      wptr_d   = wptr_q + PtrW'(1);
      carry_d  = msg_data_i[63:0];
      wwords_d = wwords_q - CntW'(1);
      wlastw_d = (wwords_q == CntW'(2));
      if (wlastw_q) wst_d = wlast_q ? WrIdle : WrTail;
    end
    if (job_fire) begin
      wst_d    = WrWords;
      wslot_d  = free_idx;
      wsel_d   = free_oh;
      wfill_d  = '0;
      wptr_d   = '0;
      carry_d  = hdr_prefix;
      wwords_d = hdr_words;
      wblks_d  = hdr_blks;
      wlastw_d = (hdr_words == CntW'(1));
      wlast_d  = (hdr_blks == CntW'(1));
      keep_d   = hdr_keep;
      one_d    = hdr_one;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Scheduler, three register stages so that no path from the slot state to the issue is deeper
  // than the LUT budget (the single-cycle pick was 15 levels: request vector, priority encoders,
  // a 32:1 select of the chosen slot's counters and the credit adder in series):
  //  P1  which slots can issue, from the slot state, into p1_*_q;
  //  P2  round-robin grant over p1_*_q, one-hot, into g*_q (CBC block, L, final block);
  //  I   the granted slot's state is updated and its RAM entries are read (the issue stage).
  // A slot's state only changes when it issues, so a request seen in P1 still holds two cycles
  // later, provided the slot is not granted twice: P1 masks the slot that is in I now and P2
  // the slot it granted last cycle (which is in I now). The round trip of a CBC chain grows by
  // these two cycles to RoundTrip = 15; with 32 slots the AES stays full all the same.
  localparam int unsigned CredMax = ResDepth - 2;  // two more finals may be in P2 and I

  logic [Slots-1:0] creq, lreq, fin, in_i;
  logic             cred_ok;
  logic [Slots-1:0] p1_c_q, p1_c_d, p1_l_q, p1_l_d, p1_f_q, p1_f_d;  // P1: CBC, L, final
  logic [Slots-1:0] gc_q, gc_d, gl_q, gl_d, gf_q, gf_d;              // P2 grants, one-hot
  assign wiss = |(gc_q & wsel_q);
  logic             iss, iss_chain, iss_final;
  logic [SlotW-1:0] pick;

  // P1. Credits: a final block needs a reserved result entry; P1 cannot see the finals in P2
  // and I, so it leaves room for two.
  assign cred_ok = (cred_q < CredW'(CredMax));
  assign in_i    = gc_q | gl_q;

  always_comb begin
    for (int s = 0; s < Slots; s++) begin
      // A CBC block is ready when the previous one is back and the block is buffered; the last
      // one also needs L (for K1/K2) and a reserved result entry.
      fin[s]  = (left_q[CntW*s +: CntW] == CntW'(1));
      creq[s] = act_q[s] && !busy_q[s] && (fill_q[FillW*s +: FillW] != '0) &&
                (!fin[s] || (ldone_q[s] && cred_ok)) && !in_i[s];
      lreq[s] = act_q[s] && lreq_q[s] && !in_i[s];
    end
    p1_c_d = creq;
    p1_l_d = lreq;
    p1_f_d = fin;
  end

  // P2. Two-level arbitration, shallow at any Slots: the slots form groups of eight; the groups
  // take turns (round robin among the groups that have a request, after the last granted one),
  // and within the chosen group the lowest requesting slot wins. No slot waits long: once
  // granted, a slot does not request again for a whole round trip.
  localparam int unsigned Groups = Slots / 8;
  logic [Slots-1:0]    p2_req, loc, gnt;
  logic [Groups-1:0]   gany, gg, above_q, above_d;  // above_q: groups after the last granted
  logic [2*Groups-1:0] gcand, gfirst;
  logic                seen;

  always_comb begin
    p2_req = (p1_c_q | p1_l_q) & ~in_i;
    for (int g = 0; g < Groups; g++) begin
      gany[g] = |p2_req[8*g +: 8];
      for (int i = 0; i < 8; i++) begin
        seen = 1'b0;
        for (int j = 0; j < i; j++) seen = seen | p2_req[8*g+j];
        loc[8*g+i] = p2_req[8*g+i] && !seen;
      end
    end
    // Round robin among the groups: first set of {all, after the last granted} (the latter in
    // the low half, so it wins).
    gcand = {gany, gany & above_q};
    for (int i = 0; i < 2 * Groups; i++) begin
      seen = 1'b0;
      for (int j = 0; j < i; j++) seen = seen | gcand[j];
      gfirst[i] = gcand[i] && !seen;
    end
    gg = gfirst[Groups-1:0] | gfirst[2*Groups-1:Groups];
    for (int g = 0; g < Groups; g++) begin
      gnt[8*g +: 8] = loc[8*g +: 8] & {8{gg[g]}};
      // Groups after the one granted now (kept when nothing is granted).
      above_d[g] = 1'b0;
      for (int j = 0; j < g; j++) above_d[g] = above_d[g] | gg[j];
    end
    if (gg == '0) above_d = above_q;
    // A slot with both a CBC block and L pending issues the CBC block first.
    gc_d = gnt & p1_c_q;
    gl_d = gnt & ~p1_c_q;
    gf_d = gnt & p1_c_q & p1_f_q;
  end

  // I. One-hot grants to the slot number and the per-issue flags (OR reductions).
  always_comb begin
    pick = '0;
    for (int s = 0; s < Slots; s++) begin
      if (in_i[s]) pick = pick | SlotW'(s);
    end
    iss       = |in_i;
    iss_chain = |gc_q;
    iss_final = |gf_q;
  end

  // ---------------------------------------------------------------------------------------------
  // RAMs.
  logic [127:0] key_rd, chain_rd, l_rd, msg_rd;
  logic [63:0]  meta_rd;
  logic         key_we;
  logic [SlotW-1:0] key_waddr;
  logic [127:0] key_wdata;
  logic         o_v, o_l, o_final;
  logic [SlotW-1:0] o_slot;
  logic [127:0] o_blk;
  logic [TagW-1:0] o_tag;

  assign {o_slot, o_l, o_final} = o_tag;

  // Key RAM: a new header's key, or else zeros over a finished slot's key.
  always_comb begin
    key_we    = job_fire || clr_any;
    key_waddr = job_fire ? free_idx : clr_idx;
    key_wdata = job_fire ? job_i.key : 128'h0;
  end

  nasmac_ram #(.Width(128), .Depth(Slots)) u_key_ram (
    .clk_i(clk_i), .we_i(key_we), .waddr_i(key_waddr), .wdata_i(key_wdata),
    .raddr_i(pick), .rdata_o(key_rd)
  );

  // Chaining value X_i per slot, written by the AES output (zeros when the job completes).
  nasmac_ram #(.Width(128), .Depth(Slots)) u_chain_ram (
    .clk_i(clk_i), .we_i(o_v && !o_l), .waddr_i(o_slot), .wdata_i(o_final ? 128'h0 : o_blk),
    .raddr_i(pick), .rdata_o(chain_rd)
  );

  // Subkey L = AES_K(0) per slot (zeros when the job completes).
  nasmac_ram #(.Width(128), .Depth(Slots)) u_l_ram (
    .clk_i(clk_i), .we_i(o_v && (o_l || o_final)), .waddr_i(o_slot),
    .wdata_i(o_l ? o_blk : 128'h0), .raddr_i(pick), .rdata_o(l_rd)
  );

  // Read pointer of the granted slot (AND-OR over the one-hot grant).
  logic [PtrW-1:0] pick_rdp;
  always_comb begin
    pick_rdp = '0;
    for (int s = 0; s < Slots; s++) begin
      pick_rdp = pick_rdp | (rdp_q[PtrW*s +: PtrW] & {PtrW{gc_q[s]}});
    end
  end

  // Message blocks: slot s owns entries [s*SlotBlocks, (s+1)*SlotBlocks).
  nasmac_ram #(.Width(128), .Depth(Slots * SlotBlocks)) u_msg_ram (
    .clk_i(clk_i), .we_i(mw_en), .waddr_i({mw_slot, mw_ptr}), .wdata_i(mw_data),
    .raddr_i({pick, pick_rdp}), .rdata_o(msg_rd)
  );

  // Per-slot result index and expected MAC, read when the final block leaves the AES.
  nasmac_ram #(.Width(64), .Depth(Slots)) u_meta_ram (
    .clk_i(clk_i), .we_i(job_fire), .waddr_i(free_idx), .wdata_i({job_i.index, job_i.exp_mac}),
    .raddr_i(o_slot), .rdata_o(meta_rd)
  );

  // ---------------------------------------------------------------------------------------------
  // Issue stage 1: RAM data in, AES input out.
  logic [127:0] k1v, k2v, mask, chainv, aes_in;

  always_comb begin
    // Subkeys (SP 800-38B 6.1): doubling in GF(2^128) with R = 0x87.
    k1v    = {l_rd[126:0], 1'b0} ^ (l_rd[127] ? 128'h87 : 128'h0);
    k2v    = {k1v[126:0], 1'b0} ^ (k1v[127] ? 128'h87 : 128'h0);
    mask   = s1_final_q ? (s1_k1_q ? k1v : k2v) : 128'h0;
    chainv = s1_first_q ? 128'h0 : chain_rd;
    aes_in = s1_l_q ? 128'h0 : (msg_rd ^ chainv ^ mask);
  end

  nasmac_aes128_pipe #(.TagW(TagW)) u_aes (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .in_valid_i (s1_v_q),
    .in_block_i (aes_in),
    .in_key_i   (key_rd),
    .in_tag_i   ({s1_slot_q, s1_l_q, s1_final_q}),
    .out_valid_o(o_v),
    .out_block_o(o_blk),
    .out_tag_o  (o_tag)
  );

  always_comb begin
    s1_v_d     = iss;
    s1_slot_d  = pick;
    s1_l_d     = iss && !iss_chain;
    s1_final_d = iss_final;
    s1_k1_d    = |(gf_q & k1_q);
    s1_first_d = |(gc_q & first_q);
  end

  // ---------------------------------------------------------------------------------------------
  // Results.
  logic res_room, res_pop, res_push;
  logic [nasmac_lane_pkg::LANE_RES_W-1:0] res_wdata;
  logic [31:0] exp_mac;

  assign r_v_d     = o_v && o_final;
  assign r_mac_d   = (o_v && o_final) ? o_blk[127:96] : 32'h0;
  assign exp_mac   = meta_rd[31:0];
  assign res_push  = r_v_q;
  assign res_wdata = {meta_rd[63:32], r_mac_q, r_mac_q == exp_mac};  // a lane_res_t
  assign res_pop   = res_valid_o && res_ready_i;

  // Block-RAM style FIFO: the head comes from registers, so the lane's result outputs do too.
  nasmac_fifo #(.Width(nasmac_lane_pkg::LANE_RES_W), .Depth(ResDepth), .SyncRead(1)) u_res_fifo (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .wr_valid_i(res_push),
    .wr_ready_o(res_room),
    .wr_data_i (res_wdata),
    .rd_valid_o(res_valid_o),
    .rd_ready_i(res_ready_i),
    .rd_data_o (res_o)
  );

  logic unused_res;
  assign unused_res = res_room;  // always set: credits reserve an entry for every final block

  assign cred_d = cred_q + CredW'(iss_final) - CredW'(res_pop);

  // ---------------------------------------------------------------------------------------------
  // Per-slot state.
  always_comb begin
    act_d   = act_q;
    clr_d   = clr_q;
    busy_d  = busy_q;
    first_d = first_q;
    lreq_d  = lreq_q;
    ldone_d = ldone_q;
    k1_d    = k1_q;
    left_d  = left_q;
    fill_d  = fill_q;
    rdp_d   = rdp_q;
    for (int s = 0; s < Slots; s++) begin
      if (job_fire && free_oh[s]) begin
        act_d[s]                 = 1'b1;
        busy_d[s]                = 1'b0;
        first_d[s]               = 1'b1;
        lreq_d[s]                = 1'b1;
        ldone_d[s]               = 1'b0;
        k1_d[s]                  = hdr_k1;
        left_d[CntW*s +: CntW]   = hdr_blks;
        fill_d[FillW*s +: FillW] = '0;
        rdp_d[PtrW*s +: PtrW]    = '0;
      end
      if (mw_en && wsel_q[s]) begin
        fill_d[FillW*s +: FillW] = fill_d[FillW*s +: FillW] + FillW'(1);
      end
      if (in_i[s]) begin
        if (gc_q[s]) begin
          busy_d[s]                = 1'b1;
          first_d[s]               = 1'b0;
          left_d[CntW*s +: CntW]   = left_q[CntW*s +: CntW] - CntW'(1);
          fill_d[FillW*s +: FillW] = fill_d[FillW*s +: FillW] - FillW'(1);
          rdp_d[PtrW*s +: PtrW]    = rdp_q[PtrW*s +: PtrW] + PtrW'(1);
        end else begin
          lreq_d[s] = 1'b0;
        end
      end
      if (o_v && (o_slot == SlotW'(s))) begin
        if (o_l) begin
          ldone_d[s] = 1'b1;
        end else begin
          busy_d[s] = 1'b0;
          if (o_final) begin
            act_d[s]   = 1'b0;
            clr_d[s]   = 1'b1;
            ldone_d[s] = 1'b0;
          end
        end
      end
      if (!job_fire && clr_oh[s]) begin
        clr_d[s] = 1'b0;
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Registers.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wst_q      <= WrIdle;
      wslot_q    <= '0;
      wptr_q     <= '0;
      wwords_q   <= '0;
      wblks_q    <= '0;
      wsel_q     <= '0;
      wfill_q    <= '0;
      wlastw_q   <= 1'b0;
      wlast_q    <= 1'b0;
      act_q      <= '0;
      clr_q      <= '0;
      busy_q     <= '0;
      first_q    <= '0;
      lreq_q     <= '0;
      ldone_q    <= '0;
      k1_q       <= '0;
      left_q     <= '0;
      fill_q     <= '0;
      rdp_q      <= '0;
      above_q    <= '0;
      p1_c_q     <= '0;
      p1_l_q     <= '0;
      p1_f_q     <= '0;
      gc_q       <= '0;
      gl_q       <= '0;
      gf_q       <= '0;
      cred_q     <= '0;
      s1_v_q     <= 1'b0;
      s1_slot_q  <= '0;
      s1_l_q     <= 1'b0;
      s1_final_q <= 1'b0;
      s1_k1_q    <= 1'b0;
      s1_first_q <= 1'b0;
      r_v_q      <= 1'b0;
      r_mac_q    <= '0;
    end else begin
      wst_q      <= wst_d;
      wslot_q    <= wslot_d;
      wptr_q     <= wptr_d;
      wwords_q   <= wwords_d;
      wblks_q    <= wblks_d;
      wsel_q     <= wsel_d;
      wfill_q    <= wfill_d;
      wlastw_q   <= wlastw_d;
      wlast_q    <= wlast_d;
      act_q      <= act_d;
      clr_q      <= clr_d;
      busy_q     <= busy_d;
      first_q    <= first_d;
      lreq_q     <= lreq_d;
      ldone_q    <= ldone_d;
      k1_q       <= k1_d;
      left_q     <= left_d;
      fill_q     <= fill_d;
      rdp_q      <= rdp_d;
      above_q    <= above_d;
      p1_c_q     <= p1_c_d;
      p1_l_q     <= p1_l_d;
      p1_f_q     <= p1_f_d;
      gc_q       <= gc_d;
      gl_q       <= gl_d;
      gf_q       <= gf_d;
      cred_q     <= cred_d;
      s1_v_q     <= s1_v_d;
      s1_slot_q  <= s1_slot_d;
      s1_l_q     <= s1_l_d;
      s1_final_q <= s1_final_d;
      s1_k1_q    <= s1_k1_d;
      s1_first_q <= s1_first_d;
      r_v_q      <= r_v_d;
      r_mac_q    <= r_mac_d;
    end
  end

  // Writer datapath: no reset (only read while a job is open).
  always_ff @(posedge clk_i) begin
    carry_q <= carry_d;
    keep_q  <= keep_d;
    one_q   <= one_d;
  end
endmodule
