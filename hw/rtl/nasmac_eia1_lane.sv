// nasmac_eia1_lane: 128-EIA1 (SNOW 3G / UIA2 f9, TS 33.401 B.2.2) MAC lane with the port list of
// hw/LANES.md.
//
// Why this shape: UIA2 needs only five keystream words per message (P, Q, z5), but getting them
// costs 32 initialisation clocks, one discarded clock and five more, about 40 clocks per job,
// whatever the message length. The evaluation itself is one GF(2^64) Horner chain per message.
// So the lane replicates the cheap part that is slow (Cores SNOW 3G slots, each running one job's
// initialisation) and shares the part that is fast but large (one evaluator with four GF(2^64)
// multipliers that absorbs a full 128-bit message word per clock):
//   - a header is given to the slots round-robin; the slot starts its SNOW 3G core at once;
//   - the job's message words go into one message FIFO (MsgFifoDepth words) in arrival order;
//   - the evaluator takes the jobs in the same order; when a job's P, Q and z5 are ready it
//     streams that job's words out of the FIFO, one per clock.
// No slot ever stores a message: while the oldest job is still initialising, the FIFO holds the
// words of the jobs behind it (about 40 clocks of input, so 64 words suffice for full speed with
// short messages). A long message simply fills the FIFO and back-pressures msg_ready_o until its
// P is known, then streams through at one word per clock; any length 1..65504 works with the
// same storage. With Cores = 8, a 64-octet job costs 5 clocks of input (header plus four words)
// and each slot 40-odd clocks, so the lane sustains one such MAC every 5-6 clocks.
//
// Results leave in job order (the evaluator is in order). msg_last_i is redundant with the
// length, which is what the lane counts.
module nasmac_eia1_lane #(
  // Number of SNOW 3G keystream slots (jobs initialising at once), at least 2.
  parameter int Cores = 8,
  // Depth of the shared message FIFO in 128-bit words; a power of two.
  parameter int MsgFifoDepth = 64
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

  // Input side: header, then the job's words.
  logic             in_hdr_q, in_hdr_d;
  logic [9:0]       words_left_q, words_left_d;  // words still to take, minus one
  logic [SlotW-1:0] wr_slot_q, wr_slot_d, rd_slot_q, rd_slot_d;
  logic             job_fire, msg_fire, fifo_in_ready;

  logic [Cores-1:0] slot_idle, slot_start, slot_valid, slot_ready;
  // Per-slot outputs, slot i in the i-th field of each vector.
  logic [64*Cores-1:0] slot_p, slot_q;
  logic [32*Cores-1:0] slot_z5, slot_exp, slot_index;
  logic [16*Cores-1:0] slot_len;
  logic                fifo_valid, fifo_ready, eval_job_ready;
  logic [127:0]        fifo_data;

  assign job_ready_o = in_hdr_q && slot_idle[wr_slot_q];
  assign job_fire    = job_valid_i && job_ready_o;
  assign msg_ready_o = !in_hdr_q && fifo_in_ready;
  assign msg_fire    = msg_valid_i && msg_ready_o;

  for (genvar i = 0; i < Cores; i++) begin : g_slot
    assign slot_start[i] = job_fire && (wr_slot_q == SlotW'(i));
    assign slot_ready[i] = eval_job_ready && (rd_slot_q == SlotW'(i));
    nasmac_eia1_ks u_ks (
      .clk_i,
      .rst_ni,
      .start_i     (slot_start[i]),
      .idle_o      (slot_idle[i]),
      .key_i       (job_key_i),
      .count_i     (job_count_i),
      .bearer_i    (job_bearer_i),
      .dir_i       (job_dir_i),
      .len_i       (job_len_bits_i),
      .exp_i       (job_exp_mac_i),
      .index_i     (job_index_i),
      .out_valid_o (slot_valid[i]),
      .out_ready_i (slot_ready[i]),
      .p_o         (slot_p[64*i +: 64]),
      .q_o         (slot_q[64*i +: 64]),
      .z5_o        (slot_z5[32*i +: 32]),
      .len_o       (slot_len[16*i +: 16]),
      .exp_o       (slot_exp[32*i +: 32]),
      .index_o     (slot_index[32*i +: 32])
    );
  end

  nasmac_fifo #(
    .Width (128),
    .Depth (MsgFifoDepth)
  ) u_fifo (
    .clk_i,
    .rst_ni,
    .wr_valid_i (msg_fire),
    .wr_ready_o (fifo_in_ready),
    .wr_data_i  (msg_data_i),
    .rd_valid_o (fifo_valid),
    .rd_ready_i (fifo_ready),
    .rd_data_o  (fifo_data)
  );

  nasmac_eia1_eval u_eval (
    .clk_i,
    .rst_ni,
    .job_valid_i (slot_valid[rd_slot_q]),
    .job_ready_o (eval_job_ready),
    .job_p_i     (slot_p[64*rd_slot_q +: 64]),
    .job_q_i     (slot_q[64*rd_slot_q +: 64]),
    .job_z5_i    (slot_z5[32*rd_slot_q +: 32]),
    .job_len_i   (slot_len[16*rd_slot_q +: 16]),
    .job_exp_i   (slot_exp[32*rd_slot_q +: 32]),
    .job_index_i (slot_index[32*rd_slot_q +: 32]),
    .msg_valid_i (fifo_valid),
    .msg_ready_o (fifo_ready),
    .msg_data_i  (fifo_data),
    .res_valid_o,
    .res_ready_i,
    .res_index_o,
    .res_mac_o,
    .res_match_o
  );

  always_comb begin
    in_hdr_d     = in_hdr_q;
    words_left_d = words_left_q;
    wr_slot_d    = wr_slot_q;
    rd_slot_d    = rd_slot_q;
    if (job_fire) begin
      in_hdr_d     = 1'b0;
      words_left_d = 10'((job_len_bits_i - 16'd1) >> 7);
      wr_slot_d    = (wr_slot_q == SlotW'(Cores - 1)) ? '0 : wr_slot_q + 1'b1;
    end
    if (msg_fire) begin
      words_left_d = words_left_q - 10'd1;
      if (words_left_q == 10'd0) in_hdr_d = 1'b1;
    end
    if (slot_valid[rd_slot_q] && eval_job_ready) begin
      rd_slot_d = (rd_slot_q == SlotW'(Cores - 1)) ? '0 : rd_slot_q + 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      in_hdr_q     <= 1'b1;
      words_left_q <= '0;
      wr_slot_q    <= '0;
      rd_slot_q    <= '0;
    end else begin
      in_hdr_q     <= in_hdr_d;
      words_left_q <= words_left_d;
      wr_slot_q    <= wr_slot_d;
      rd_slot_q    <= rd_slot_d;
    end
  end

endmodule
