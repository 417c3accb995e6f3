// nasmac_lane_frame: the part the EIA1 and EIA3 lanes have in common: Cores keystream slots fed
// from one header/message input (hw/LANES.md), and their results brought to one output.
//
// Job intake: a header goes to the slot in pick_q (one-hot), its ceil(LENGTH/128) message words
// then go to that slot's sink (cur_o), and the next header is taken after the job's last word.
// The slot for the next header is chosen a clock ahead, into registers (pick_q, and any_q: that
// slot is free), from the slots' idle_i, which must look a clock ahead: "this slot can start a
// job in the next clock, unless it starts one in this one". So job_ready_o, msg_ready_o and a
// slot's start_o are one or two gates from registers, and no slot's state reaches another
// slot's start through a multiplexer in the same clock.
//  - InOrder = 1: slots are used in rotation (slot 0, 1, ..., Cores-1, 0, ...), and a header
//    waits for its turn's slot; for a lane whose results leave in job order (EIA1: one
//    evaluator that takes the slots' keystream words in rotation).
//  - InOrder = 0: the lowest slot that is free (EIA3: each unit makes its own result).
//
// Result output: with Results > 1 sources, a fixed-priority pick of the lowest source holding a
// result moves it to the output register (a source holds one result at a time and is never
// starved long: each makes at most one per job). With Results = 1 the one source, whose outputs
// must be registers, is the output (EIA1: the evaluator, already in job order).
module nasmac_lane_frame #(
  parameter int Cores   = 8,
  parameter bit InOrder = 1'b0,
  parameter int Results = Cores
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // Lane input (hw/LANES.md), the fields the frame reads.
  input  logic                  job_valid_i,
  output logic                  job_ready_o,
  input  logic [15:0]           job_len_bits_i,
  input  logic                  msg_valid_i,
  output logic                  msg_ready_o,
  input  logic                  msg_last_i,    // not needed: the frame counts the words
  // Slots.
  input  logic [Cores-1:0]      idle_i,        // free in the next clock unless started now
  output logic [Cores-1:0]      start_o,       // one-hot: this slot takes the header
  input  logic [Cores-1:0]      sink_ready_i,  // this slot's sink takes a message word
  output logic [Cores-1:0]      sink_valid_o,  // a message word for this slot's sink
  // Results: source i's record in src_i[LANE_RES_W*i +: LANE_RES_W].
  input  logic [Results-1:0]    src_valid_i,
  output logic [Results-1:0]    src_ready_o,
  input  logic [nasmac_lane_pkg::LANE_RES_W*Results-1:0] src_i,
  output logic                  res_valid_o,
  input  logic                  res_ready_i,
  output nasmac_lane_pkg::lane_res_t res_o
);

  localparam int ResW = nasmac_lane_pkg::LANE_RES_W;

  // ---------------------------------------------------------------------------------------------
  // Job intake.
  logic             in_hdr_q;      // the next input is a header
  logic [9:0]       words_left_q;  // words still to take, minus one
  logic             wl0_q;         // words_left_q == 0
  logic [Cores-1:0] pick_q;        // one-hot: the slot that takes the next header
  logic             any_q;         // that slot is free
  logic [Cores-1:0] cur_q;         // one-hot: the slot taking message words
  logic             job_fire, msg_fire, unused_last;

  assign unused_last = msg_last_i;

  assign job_ready_o = in_hdr_q && any_q;
  assign job_fire    = job_valid_i && job_ready_o;
  assign msg_ready_o = !in_hdr_q && |(cur_q & sink_ready_i);
  assign msg_fire    = msg_valid_i && msg_ready_o;
  assign start_o     = {Cores{job_fire}} & pick_q;
  assign sink_valid_o = {Cores{msg_valid_i && !in_hdr_q}} & cur_q;

  logic [Cores-1:0] idle_left, pick_d;
  always_comb begin
    idle_left = idle_i & ~start_o;
    pick_d    = pick_q;
    if (InOrder) begin
      if (job_fire) pick_d = {pick_q[Cores-2:0], pick_q[Cores-1]};
    end else begin
      pick_d = '0;
      for (int i = Cores - 1; i >= 0; i--) begin
        if (idle_left[i]) pick_d = Cores'(1) << i;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      in_hdr_q <= 1'b1;
      pick_q   <= InOrder ? Cores'(1) : '0;
      any_q    <= 1'b0;
      cur_q    <= '0;
    end else begin
      pick_q <= pick_d;
      any_q  <= InOrder ? |(idle_left & pick_d) : |idle_left;
      if (job_fire) begin
        in_hdr_q <= 1'b0;
        cur_q    <= pick_q;
      end
      if (msg_fire && wl0_q) in_hdr_q <= 1'b1;
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
  end

  // ---------------------------------------------------------------------------------------------
  // Result output.
  if (Results == 1) begin : g_res_pass
    assign res_valid_o = src_valid_i[0];
    assign src_ready_o = res_ready_i;
    assign res_o       = src_i;
  end else begin : g_res_arb
    logic               r_valid_q, r_free, r_take;
    logic [Results-1:0] gnt;
    nasmac_lane_pkg::lane_res_t r_q, sel;

    assign r_free      = !r_valid_q || res_ready_i;
    assign r_take      = r_free && |src_valid_i;
    assign src_ready_o = {Results{r_free}} & gnt;

    // The lowest source holding a result, and its record as an AND-OR over the one-hot grant.
    always_comb begin
      gnt = '0;
      for (int i = Results - 1; i >= 0; i--) begin
        if (src_valid_i[i]) gnt = Results'(1) << i;
      end
      sel = '0;
      for (int i = 0; i < Results; i++) begin
        sel = sel | ({ResW{gnt[i]}} & src_i[ResW*i +: ResW]);
      end
    end

    assign res_valid_o = r_valid_q;
    assign res_o       = r_q;

    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        r_valid_q <= 1'b0;
      end else if (r_take) begin
        r_valid_q <= 1'b1;
      end else if (res_ready_i) begin
        r_valid_q <= 1'b0;
      end
    end

    // Datapath registers (no reset).
    always_ff @(posedge clk_i) begin
      if (r_take) r_q <= sel;
    end
  end

endmodule
