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
// With 16 words a 1024-octet message still held the input for 35 + 4 * 48 clocks (229 cycles per
// MAC in the kernel); 64 words (1024 octets, 19 LUT RAM primitives per unit) bring it to about
// 65, the input's one word per clock.
//
// Results can leave out of order (a short job overtakes a long one); a fixed-priority arbiter
// over the units' result registers moves them to the output register (a unit holds at most one
// result and makes one per 36 clocks at most, so none waits more than Cores clocks). msg_last_i
// is redundant with the length, which is what the lane counts.
//
// The header/word intake and the result arbiter are nasmac_lane_frame, shared with the EIA1 lane.
// Timing: the unit that takes the next header (the lowest idle one) is chosen a clock ahead into
// a one-hot register, so job_ready_o, msg_ready_o and the start of a unit are a gate or two from
// registers; the outputs are registers.
module nasmac_eia3_lane #(
  // Number of ZUC engines (jobs in flight at once), at least 2.
  parameter int Cores = 8,
  // Message words buffered per engine; a power of two, at least 2. 64 words hold a 1024-octet
  // message, so messages up to that size never block the input while their unit initialises and
  // consumes them (see above).
  parameter int BufWords = 64
) (
  // The lane interface of hw/LANES.md, a line per channel: header, message word, result.
  input  logic clk_i, rst_ni,
  input  logic job_valid_i, output logic job_ready_o, input nasmac_lane_pkg::lane_job_t job_i,
  input  logic msg_valid_i, output logic msg_ready_o, input logic [127:0] msg_data_i,
  input  logic msg_last_i,  // redundant with the length, which is what the frame counts
  output logic res_valid_o, input logic res_ready_i, output nasmac_lane_pkg::lane_res_t res_o
);

  logic [Cores-1:0]    u_idle, u_start, u_msg_valid, u_msg_ready, u_res_valid, u_res_ready;
  localparam int ResW = nasmac_lane_pkg::LANE_RES_W;

  logic [ResW*Cores-1:0] u_res;  // unit i's result in field i

  // Intake (the lowest idle unit, chosen a clock ahead) and the result arbiter.
  nasmac_lane_frame #(.Cores(Cores), .InOrder(1'b0), .Results(Cores)) u_frame (
    // The lane's own ports, as they are; then the units, their message words and results.
    .clk_i, .rst_ni, .job_valid_i, .job_ready_o, .msg_valid_i, .msg_ready_o, .msg_last_i,
    .res_valid_o, .res_ready_i, .res_o, .job_len_bits_i(job_i.len_bits),
    .idle_i(u_idle), .start_o(u_start), .sink_ready_i(u_msg_ready), .sink_valid_o(u_msg_valid),
    .src_valid_i(u_res_valid), .src_ready_o(u_res_ready), .src_i(u_res)
  );

  for (genvar i = 0; i < Cores; i++) begin : g_unit
    nasmac_eia3_unit #(.BufWords(BufWords)) u_unit (
      .clk_i, .rst_ni,
      .start_i(u_start[i]), .idle_o(u_idle[i]), .job_i,
      .msg_valid_i(u_msg_valid[i]), .msg_ready_o(u_msg_ready[i]), .msg_data_i,
      .res_valid_o(u_res_valid[i]), .res_ready_i(u_res_ready[i]), .res_o(u_res[ResW*i +: ResW])
    );
  end

endmodule
