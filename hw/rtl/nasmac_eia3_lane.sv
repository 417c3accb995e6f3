// nasmac_eia3_lane: 128-EIA3 (ZUC, TS 33.401 B.2.4 / TS 35.221) MAC lane with the port list of
// hw/LANES.md.
//
// Why this shape: EIA3 consumes ceil(LENGTH/32) + 2 keystream words per message, one per clock
// per ZUC core, after 35 clocks of initialisation (load, 32 rounds, the discarded round, the
// output register). The lane replicates whole engines (Cores nasmac_eia3_unit instances, each a
// ZUC core, a BufWords-deep word buffer and a 32-bit-per-clock accumulator) and gives each header
// to an idle unit; the job's message words then go straight to that unit's buffer, so the next
// header can be taken as soon as the words are in, while the unit is still initialising. A
// 64-octet job costs the input 5 clocks (header plus four words) and its unit about 54 clocks,
// so eight units sustain one such MAC every 6-7 clocks. A message longer than the buffer
// back-pressures msg_ready_o until its unit consumes it, at 32 bits per clock; lengths 1..65504
// all work with the same storage.
//
// The buffer depth is what keeps the input moving: words arrive at one per clock, but a unit
// takes its first word only after its 35 initialisation clocks and then one word per 4 clocks,
// so a message longer than the buffer holds the lane's single input (and every job behind it)
// until the excess has drained. With 4 words, a mix of 16..160-octet messages cost 32 clocks per
// MAC in the lane (35 per EIA3 job in the kernel, whose dispatch then stalled the other lanes);
// with 16 words (256 octets) no NAS-sized message waits and the same mix takes 8 clocks per MAC,
// bound by the eight units.
//
// Results can leave out of order (a short job overtakes a long one); a fixed-priority arbiter
// over the units' result registers moves them to the output register (a unit holds at most one
// result and makes one per 36 clocks at most, so none waits more than Cores clocks). msg_last_i
// is redundant with the length, which is what the lane counts.
//
// Timing: the unit that takes the next header (the lowest idle one) is chosen a clock ahead into
// a one-hot register, so job_ready_o, msg_ready_o and the start of a unit are a gate or two from
// registers; the outputs are registers.
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

  logic             in_hdr_q;
  logic [9:0]       words_left_q;  // words still to take, minus one
  logic             wl0_q;         // words_left_q == 0
  logic [Cores-1:0] pick_q;        // one-hot: the idle unit that takes the next header
  logic             any_q;         // some unit is idle (pick_q != 0)
  logic [Cores-1:0] cur_q;         // one-hot: the unit taking message words
  logic             job_fire, msg_fire, r_free, r_take;

  logic [Cores-1:0]    u_idle, u_start, u_msg_valid, u_msg_ready, u_res_valid, u_res_ready;
  logic [Cores-1:0]    u_res_match;
  logic [32*Cores-1:0] u_res_index, u_res_mac;

  logic        r_valid_q, r_match_q;
  logic [31:0] r_mac_q, r_index_q;

  assign job_ready_o = in_hdr_q && any_q;
  assign job_fire    = job_valid_i && job_ready_o;
  assign msg_ready_o = !in_hdr_q && |(cur_q & u_msg_ready);
  assign msg_fire    = msg_valid_i && msg_ready_o;
  assign r_free      = !r_valid_q || res_ready_i;
  assign r_take      = r_free && |u_res_valid;

  for (genvar i = 0; i < Cores; i++) begin : g_unit
    assign u_start[i]     = job_fire && pick_q[i];
    assign u_msg_valid[i] = msg_valid_i && !in_hdr_q && cur_q[i];
    assign u_res_ready[i] = r_free && gnt[i];
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

  // The next unit to start: the lowest one idle in the next clock (u_idle looks a clock ahead)
  // and not started in this one. The result to take: the lowest unit holding one.
  logic [Cores-1:0] idle_left, pick_d, gnt;
  always_comb begin
    idle_left = u_idle & ~u_start;
    pick_d    = '0;
    gnt       = '0;
    for (int i = Cores - 1; i >= 0; i--) begin
      if (idle_left[i]) pick_d = Cores'(1) << i;
      if (u_res_valid[i]) gnt = Cores'(1) << i;
    end
  end

  // The granted unit's result, as an AND-OR over the one-hot grant.
  logic        sel_match;
  logic [31:0] sel_mac, sel_index;
  always_comb begin
    sel_match = 1'b0;
    sel_mac   = '0;
    sel_index = '0;
    for (int i = 0; i < Cores; i++) begin
      sel_match = sel_match | (gnt[i] & u_res_match[i]);
      sel_mac   = sel_mac | ({32{gnt[i]}} & u_res_mac[32*i +: 32]);
      sel_index = sel_index | ({32{gnt[i]}} & u_res_index[32*i +: 32]);
    end
  end

  assign res_valid_o = r_valid_q;
  assign res_index_o = r_index_q;
  assign res_mac_o   = r_mac_q;
  assign res_match_o = r_match_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      in_hdr_q  <= 1'b1;
      pick_q    <= '0;
      any_q     <= 1'b0;
      cur_q     <= '0;
      r_valid_q <= 1'b0;
    end else begin
      pick_q <= pick_d;
      any_q  <= |idle_left;
      if (job_fire) begin
        in_hdr_q <= 1'b0;
        cur_q    <= pick_q;
      end
      if (msg_fire && wl0_q) in_hdr_q <= 1'b1;
      if (r_take) r_valid_q <= 1'b1;
      else if (res_ready_i) r_valid_q <= 1'b0;
    end
  end

  // Datapath registers (no reset).
  always_ff @(posedge clk_i) begin
    if (job_fire) begin
      words_left_q <= 10'((job_len_bits_i - 16'd1) >> 7);
      wl0_q        <= (job_len_bits_i <= 16'd128);
    end else if (msg_fire) begin
      words_left_q <= words_left_q - 10'd1;
      wl0_q        <= (words_left_q == 10'd1);
    end
    if (r_take) begin
      r_match_q <= sel_match;
      r_mac_q   <= sel_mac;
      r_index_q <= sel_index;
    end
  end

endmodule
