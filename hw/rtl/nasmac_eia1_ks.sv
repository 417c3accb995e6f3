// nasmac_eia1_ks: one 128-EIA1 keystream slot of the EIA1 lane. It builds the UIA2 IV from the
// job header (TS 33.401 B.2.2: FRESH = BEARER || 0^27), runs a SNOW 3G core for the five words
// z1..z5 that UIA2 needs (P = z1||z2, Q = z3||z4, z5 masks the MAC), clears the core at once, and
// holds the words with the job's result fields until the lane's evaluator takes them.
//
// idle_o looks a clock ahead (the frame of the lane picks the next slot into a register): it is
// high when the slot can start a job in the next clock unless it starts one in this one, that
// is idle now or handing its words over now. start_i is taken only when the slot is idle now.
module nasmac_eia1_ks (
  input  logic clk_i, rst_ni,
  // Job start; accepted when the slot is idle (idle_o was high in the previous clock and the
  // slot was not started then).
  input  logic start_i, output logic idle_o, input nasmac_lane_pkg::lane_job_t job_i,
  // The keystream words and the job's fields, to the evaluator.
  output logic out_valid_o, input logic out_ready_i, output nasmac_lane_pkg::uia2_job_t out_o
);

  logic [127:0] iv_w;
  logic [31:0]  fresh_w;
  logic         core_ready, core_clear, ks_valid;
  logic [31:0]  ks_w;
  logic         start, idle_now;

  // IV3..IV0 of UIA2 (TS 35.215 4.4): COUNT, FRESH, COUNT ^ DIR<<31, FRESH ^ DIR<<15.
  assign fresh_w = {job_i.bearer, 27'd0};
  assign iv_w    = {job_i.count, fresh_w, job_i.count ^ {job_i.dir, 31'd0},
                    fresh_w ^ {16'd0, job_i.dir, 15'd0}};

  nasmac_snow3g_core u_core (
    .clk_i, .rst_ni,
    .init_i(start), .key_i(job_i.key), .iv_i(iv_w), .ready_o(core_ready), .clear_i(core_clear),
    .ks_valid_o(ks_valid), .ks_ready_i(1'b1), .ks_o(ks_w)
  );

  // The slot's control and its keystream words z1..z5 (z1 in [159:128]), reset as one: the words
  // are key-dependent, and a kernel reset in the middle of a job must not leave them behind.
  // They are zero whenever no job holds them.
  typedef struct packed {
    logic         busy, full;
    logic [2:0]   nword;
    logic [159:0] z;
  } slot_t;
  // The job's result fields, held with the words (datapath: no reset).
  typedef struct packed {
    logic [15:0] len;
    logic [31:0] exp, index;
  } fields_t;
  slot_t   st_q /*verilator public_flat_rd*/, st_d;
  fields_t f_q, f_d;

  assign idle_now    = core_ready && !st_q.busy;
  assign start       = start_i && idle_now;
  assign idle_o      = idle_now || (st_q.full && out_ready_i);
  assign out_valid_o = st_q.full;
  assign out_o.p     = st_q.z[159:96];
  assign out_o.q     = st_q.z[95:32];
  assign out_o.z5    = st_q.z[31:0];
  assign out_o.len   = f_q.len;
  assign out_o.exp   = f_q.exp;
  assign out_o.index = f_q.index;
  // The core is wiped in the cycle it delivers z5.
  assign core_clear  = ks_valid && (st_q.nword == 3'd4);

  always_comb begin
    st_d = st_q;
    f_d  = f_q;
    if (start) begin
      st_d.busy  = 1'b1;
      st_d.nword = '0;
      f_d        = {job_i.len_bits, job_i.exp_mac, job_i.index};
    end
    if (ks_valid) begin
      st_d.z     = {st_q.z[127:0], ks_w};
      st_d.nword = st_q.nword + 3'd1;
      if (st_q.nword == 3'd4) st_d.full = 1'b1;
    end
    // Handed over: the slot is idle again and the keystream words are wiped.
    if (st_q.full && out_ready_i) st_d = '0;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) st_q <= '0;
    else         st_q <= st_d;
  end

  always_ff @(posedge clk_i) f_q <= f_d;

endmodule
