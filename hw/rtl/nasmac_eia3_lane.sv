// nasmac_eia3_lane: 128-EIA3 (ZUC, TS 33.401 B.2.4 / TS 35.221) MAC lane with the port list of
// hw/LANES.md.
//
// Why this shape: EIA3 consumes ceil(LENGTH/32) + 2 keystream words per message, one per clock
// per ZUC core, after 33 clocks of initialisation. The lane replicates whole engines (Cores
// nasmac_eia3_unit instances, each a ZUC core, a BufWords-deep word buffer and a 32-bit-per-clock
// accumulator) and gives each header to an idle unit; the job's message words then go straight to
// that unit's buffer, so the next header can be taken as soon as the words are in, while the
// unit is still initialising. A 64-octet job costs the input 5 clocks (header plus four words) and
// its unit about 52 clocks, so eight units sustain one such MAC every 6-7 clocks. A message longer
// than the buffer back-pressures msg_ready_o until its unit consumes it, at 32 bits per clock;
// lengths 1..65504 all work with the same storage.
//
// The buffer depth is what keeps the input moving: words arrive at one per clock, but a unit
// takes its first word only after its 33 initialisation clocks and then one word per 4 clocks,
// so a message longer than the buffer holds the lane's single input (and every job behind it)
// until the excess has drained. With 4 words, a mix of 16..160-octet messages cost 32 clocks per
// MAC in the lane (35 per EIA3 job in the kernel, whose dispatch then stalled the other lanes);
// with 16 words (256 octets) no NAS-sized message waits and the same mix takes 8 clocks per MAC,
// bound by the eight units.
//
// Results can leave out of order (a short job overtakes a long one); a round-robin arbiter moves
// them to the output register. msg_last_i is redundant with the length, which is what the lane
// counts.
module nasmac_eia3_lane #(
  // Number of ZUC engines (jobs in flight at once), at least 2.
  parameter int Cores = 8,
  // Message words buffered per engine; a power of two, at least 2. 16 words hold a 256-octet
  // message, so NAS-sized messages never block the input while their unit initialises.
  parameter int BufWords = 16
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         job_valid_i,
  output logic         job_ready_o,
  input  logic [127:0] job_key_i,
  input  logic [31:0]  job_count_i,
  input  logic [4:0]   job_bearer_i,
  input  logic         job_dir_i,
  input  logic [15:0]  job_len_bits_i,
  input  logic [31:0]  job_exp_mac_i,
  input  logic [31:0]  job_index_i,
  input  logic         msg_valid_i,
  output logic         msg_ready_o,
  input  logic [127:0] msg_data_i,
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic         msg_last_i,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic         res_valid_o,
  input  logic         res_ready_i,
  output logic [31:0]  res_index_o,
  output logic [31:0]  res_mac_o,
  output logic         res_match_o
);

  localparam int SlotW = $clog2(Cores);

  logic             in_hdr_q, in_hdr_d;
  logic [9:0]       words_left_q, words_left_d;  // words still to take, minus one
  logic [SlotW-1:0] cur_q, cur_d, rr_q, rr_d;
  logic             job_fire, msg_fire, any_idle, res_pick, r_free;
  logic [SlotW-1:0] idle_sel, res_sel;

  logic [Cores-1:0]    u_idle, u_start, u_msg_valid, u_msg_ready, u_res_valid, u_res_ready;
  logic [Cores-1:0]    u_res_match;
  logic [32*Cores-1:0] u_res_index, u_res_mac;

  logic        r_valid_q, r_valid_d, r_match_q, r_match_d;
  logic [31:0] r_mac_q, r_mac_d, r_index_q, r_index_d;

  // The lowest-numbered idle unit takes the next header.
  always_comb begin
    any_idle = 1'b0;
    idle_sel = '0;
    for (int i = Cores - 1; i >= 0; i--) begin
      if (u_idle[i]) begin
        any_idle = 1'b1;
        idle_sel = SlotW'(i);
      end
    end
  end

  // Round-robin choice among the units holding a result, starting at rr_q.
  always_comb begin
    res_pick = 1'b0;
    res_sel  = '0;
    for (int k = Cores - 1; k >= 0; k--) begin
      if (u_res_valid[(32'(rr_q) + k) % Cores]) begin
        res_pick = 1'b1;
        res_sel  = SlotW'((32'(rr_q) + k) % Cores);
      end
    end
  end

  assign job_ready_o = in_hdr_q && any_idle;
  assign job_fire    = job_valid_i && job_ready_o;
  assign msg_ready_o = !in_hdr_q && u_msg_ready[cur_q];
  assign msg_fire    = msg_valid_i && msg_ready_o;
  assign r_free      = !r_valid_q || res_ready_i;

  for (genvar i = 0; i < Cores; i++) begin : g_unit
    assign u_start[i]     = job_fire && (idle_sel == SlotW'(i));
    assign u_msg_valid[i] = msg_valid_i && !in_hdr_q && (cur_q == SlotW'(i));
    assign u_res_ready[i] = r_free && res_pick && (res_sel == SlotW'(i));
    nasmac_eia3_unit #(
      .BufWords (BufWords)
    ) u_unit (
      .clk_i,
      .rst_ni,
      .start_i     (u_start[i]),
      .idle_o      (u_idle[i]),
      .key_i       (job_key_i),
      .count_i     (job_count_i),
      .bearer_i    (job_bearer_i),
      .dir_i       (job_dir_i),
      .len_i       (job_len_bits_i),
      .exp_i       (job_exp_mac_i),
      .index_i     (job_index_i),
      .msg_valid_i (u_msg_valid[i]),
      .msg_ready_o (u_msg_ready[i]),
      .msg_data_i  (msg_data_i),
      .res_valid_o (u_res_valid[i]),
      .res_ready_i (u_res_ready[i]),
      .res_index_o (u_res_index[32*i +: 32]),
      .res_mac_o   (u_res_mac[32*i +: 32]),
      .res_match_o (u_res_match[i])
    );
  end

  assign res_valid_o = r_valid_q;
  assign res_index_o = r_index_q;
  assign res_mac_o   = r_mac_q;
  assign res_match_o = r_match_q;

  always_comb begin
    in_hdr_d     = in_hdr_q;
    words_left_d = words_left_q;
    cur_d        = cur_q;
    rr_d         = rr_q;
    r_valid_d    = r_valid_q;
    r_match_d    = r_match_q;
    r_mac_d      = r_mac_q;
    r_index_d    = r_index_q;
    if (job_fire) begin
      in_hdr_d     = 1'b0;
      words_left_d = 10'((job_len_bits_i - 16'd1) >> 7);
      cur_d        = idle_sel;
    end
    if (msg_fire) begin
      words_left_d = words_left_q - 10'd1;
      if (words_left_q == 10'd0) in_hdr_d = 1'b1;
    end
    if (r_valid_q && res_ready_i) r_valid_d = 1'b0;
    if (r_free && res_pick) begin
      r_valid_d = 1'b1;
      r_match_d = u_res_match[res_sel];
      r_mac_d   = u_res_mac[32*res_sel +: 32];
      r_index_d = u_res_index[32*res_sel +: 32];
      rr_d      = (res_sel == SlotW'(Cores - 1)) ? '0 : res_sel + 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      in_hdr_q     <= 1'b1;
      words_left_q <= '0;
      cur_q        <= '0;
      rr_q         <= '0;
      r_valid_q    <= 1'b0;
      r_match_q    <= 1'b0;
      r_mac_q      <= '0;
      r_index_q    <= '0;
    end else begin
      in_hdr_q     <= in_hdr_d;
      words_left_q <= words_left_d;
      cur_q        <= cur_d;
      rr_q         <= rr_d;
      r_valid_q    <= r_valid_d;
      r_match_q    <= r_match_d;
      r_mac_q      <= r_mac_d;
      r_index_q    <= r_index_d;
    end
  end

endmodule
