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
// The header/word intake and the result output are nasmac_lane_frame, shared with the EIA3 lane;
// the slot for the next header is chosen a clock ahead into registers, so no slot's busy flag
// reaches another slot's SNOW 3G load in the same clock.
//
// Results leave in job order (the evaluator is in order). msg_last_i is redundant with the
// length, which is what the lane counts.
module nasmac_eia1_lane #(
  // Number of SNOW 3G keystream slots (jobs initialising at once), at least 2.
  parameter int Cores = 8,
  // Depth of the shared message FIFO in 128-bit words; a power of two.
  parameter int MsgFifoDepth = 64
) (
  // The lane interface of hw/LANES.md, a line per channel: header, message word, result.
  input  logic clk_i, rst_ni,
  input  logic job_valid_i, output logic job_ready_o, input nasmac_lane_pkg::lane_job_t job_i,
  input  logic msg_valid_i, output logic msg_ready_o, input logic [127:0] msg_data_i,
  input  logic msg_last_i,  // redundant with the length, which is what the frame counts
  output logic res_valid_o, input logic res_ready_i, output nasmac_lane_pkg::lane_res_t res_o
);

  localparam int SlotW = $clog2(Cores);

  // A slot's output sits in a 256-bit field of slot_out: with a power-of-two stride the
  // evaluator's pick by rd_slot_q is a plain 8:1 multiplexer (a stride of 240 made Yosys build
  // the index arithmetic into the path: 7 LUT levels instead of 5).
  localparam int KsW    = nasmac_lane_pkg::UIA2_JOB_W;
  localparam int KsPadW = 256;

  logic [SlotW-1:0] rd_slot_q, rd_slot_d;  // the slot whose words the evaluator takes next
  logic [Cores-1:0] slot_idle, slot_start, slot_valid, slot_ready, slot_sink;
  logic [KsPadW*Cores-1:0] slot_out;       // slot i's keystream words and fields in field i
  logic                fifo_in_ready, fifo_valid, fifo_ready, eval_job_ready;
  logic [127:0]        fifo_data;
  logic                ev_valid, ev_ready;
  nasmac_lane_pkg::lane_res_t ev_res;

  // Intake: headers to the slots in rotation (the evaluator takes them in the same rotation),
  // the next slot and whether it is free chosen a clock ahead; every word goes to the one FIFO.
  // Results: the evaluator's, in job order.
  nasmac_lane_frame #(.Cores(Cores), .InOrder(1'b1), .Results(1)) u_frame (
    // The lane's own ports, as they are; then the slots and the evaluator's result.
    .clk_i, .rst_ni, .job_valid_i, .job_ready_o, .msg_valid_i, .msg_ready_o, .msg_last_i,
    .res_valid_o, .res_ready_i, .res_o, .job_len_bits_i(job_i.len_bits),
    .idle_i(slot_idle), .start_o(slot_start),
    .sink_ready_i({Cores{fifo_in_ready}}), .sink_valid_o(slot_sink),
    .src_valid_i(ev_valid), .src_ready_o(ev_ready), .src_i(ev_res)
  );

  for (genvar i = 0; i < Cores; i++) begin : g_slot
    assign slot_out[KsPadW*i + KsW +: KsPadW - KsW] = '0;
    assign slot_ready[i] = eval_job_ready && (rd_slot_q == SlotW'(i));
    nasmac_eia1_ks u_ks (
      .clk_i, .rst_ni,
      .start_i(slot_start[i]), .idle_o(slot_idle[i]), .job_i,
      .out_valid_o(slot_valid[i]), .out_ready_i(slot_ready[i]), .out_o(slot_out[KsPadW*i +: KsW])
    );
  end

  nasmac_fifo #(.Width(128), .Depth(MsgFifoDepth)) u_fifo (
    .clk_i, .rst_ni,
    .wr_valid_i(|slot_sink), .wr_ready_o(fifo_in_ready), .wr_data_i(msg_data_i),
    .rd_valid_o(fifo_valid), .rd_ready_i(fifo_ready), .rd_data_o(fifo_data)
  );

  nasmac_eia1_eval u_eval (
    .clk_i, .rst_ni,
    .job_valid_i(slot_valid[rd_slot_q]), .job_ready_o(eval_job_ready),
    .job_i(slot_out[KsPadW*rd_slot_q +: KsW]),
    .msg_valid_i(fifo_valid), .msg_ready_o(fifo_ready), .msg_data_i(fifo_data),
    .res_valid_o(ev_valid), .res_ready_i(ev_ready), .res_o(ev_res)
  );

  always_comb begin
    rd_slot_d = rd_slot_q;
    if (slot_valid[rd_slot_q] && eval_job_ready) begin
      rd_slot_d = (rd_slot_q == SlotW'(Cores - 1)) ? '0 : rd_slot_q + 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) rd_slot_q <= '0;
    else         rd_slot_q <= rd_slot_d;
  end

endmodule
