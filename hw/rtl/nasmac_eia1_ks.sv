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

  logic [2:0]   nword_q, nword_d;
  logic [159:0] z_q /*verilator public_flat_rd*/, z_d;
  logic         busy_q, busy_d, full_q, full_d;
  logic [15:0]  len_q, len_d;
  logic [31:0]  exp_q, exp_d, index_q, index_d;

  assign idle_now    = core_ready && !busy_q;
  assign start       = start_i && idle_now;
  assign idle_o      = idle_now || (full_q && out_ready_i);
  assign out_valid_o = full_q;
  assign out_o.p     = z_q[159:96];
  assign out_o.q     = z_q[95:32];
  assign out_o.z5    = z_q[31:0];
  assign out_o.len   = len_q;
  assign out_o.exp   = exp_q;
  assign out_o.index = index_q;
  // The core is wiped in the cycle it delivers z5.
  assign core_clear  = ks_valid && (nword_q == 3'd4);

  always_comb begin
    nword_d = nword_q;
    z_d     = z_q;
    busy_d  = busy_q;
    full_d  = full_q;
    len_d   = len_q;
    exp_d   = exp_q;
    index_d = index_q;
    if (start) begin
      busy_d  = 1'b1;
      nword_d = '0;
      len_d   = job_i.len_bits;
      exp_d   = job_i.exp_mac;
      index_d = job_i.index;
    end
    if (ks_valid) begin
      z_d     = {z_q[127:0], ks_w};
      nword_d = nword_q + 3'd1;
      if (nword_q == 3'd4) full_d = 1'b1;
    end
    if (full_q && out_ready_i) begin
      // Handed over: wipe the keystream words.
      full_d  = 1'b0;
      busy_d  = 1'b0;
      z_d     = '0;
      nword_d = '0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      nword_q <= '0;
      busy_q  <= 1'b0;
      full_q  <= 1'b0;
    end else begin
      nword_q <= nword_d;
      busy_q  <= busy_d;
      full_q  <= full_d;
    end
  end

  // The keystream words are zero whenever no job holds them, and a reset wipes them too (a
  // kernel reset in the middle of a job must not leave them behind).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) z_q <= '0;
    else         z_q <= z_d;
  end

  // Datapath: no reset.
  always_ff @(posedge clk_i) begin
    len_q   <= len_d;
    exp_q   <= exp_d;
    index_q <= index_d;
  end

endmodule
