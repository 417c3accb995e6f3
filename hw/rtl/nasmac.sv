// nasmac: the Vitis RTL kernel top. On ap_start it checks its arguments, reads NUM_JOBS
// descriptors (m_axi_gmem), validates them, reads each message from the arena (m_axi_msg), has it
// MACed by a lane of its algorithm (all lanes work at once), and writes one result record per
// descriptor at RESULT_ADDR + INDEX * 16 (m_axi_gmem); ap_done rises once every record's write
// response is back. A bus error (RRESP or BRESP not OKAY) or a bad argument ends the run early
// with a RUN_STATUS bit: no new request is issued, what is outstanding drains, the datapath is
// reset, ap_done rises. The contract is hw/layout.txt; see hw/README.md.
module nasmac #(
  // Data width of m_axi_gmem in bits (128, 256 or 512).
  parameter int unsigned DataWidth = 512,
  // Width of the s_axi_control byte address (the kernel declares a 0x1000 range).
  parameter int unsigned CtrlAddrWidth = 12,
  // Lanes per algorithm (at least 1 each).
  parameter int unsigned NumEia1 = 1,
  parameter int unsigned NumEia2 = 1,
  parameter int unsigned NumEia3 = 1,
  // Read bursts in flight on m_axi_msg; a power of two. At 150 cycles of memory latency the
  // mixed batch keeps about 50 in flight (one burst per job, a job every 3 cycles).
  parameter int unsigned MaxReads = 128,
  // Beats of message buffer per lane (nasmac_fetch); a power of two, at least 16.
  parameter int unsigned LaneBufBeats = 128,
  // Jobs whose message reads are issued ahead of each lane (nasmac_fetch); a power of two.
  parameter int unsigned LaneJobs = 64,
  // The lanes' own sizes, one line per lane (the parameters of nasmac_eia{1,2,3}_lane, which say
  // why these values): EIA1 SNOW 3G slots and message FIFO words; EIA2 slots, CMAC blocks per
  // slot and result FIFO entries; EIA3 ZUC units and message words buffered per unit.
  parameter int unsigned Eia1Cores = 8, Eia1MsgWords = 64,
  parameter int unsigned Eia2Slots = 32, Eia2SlotBlocks = 128, Eia2ResDepth = 32,
  parameter int unsigned Eia3Cores = 8, Eia3BufWords = 64
) (
  input  logic                        ap_clk,
  input  logic                        ap_rst_n,
  /* verilator lint_off SYMRSVDWORD */ // Vitis requires exactly this name.
  output logic                        interrupt,
  /* verilator lint_on SYMRSVDWORD */
  // The buses as request and response bundles (nasmac_axi_pkg), data beats beside them; the
  // flat Vitis names (s_axi_control_*, m_axi_<port>_*) exist only in the generated top
  // build/gen/nasmac_top.v (scripts/gen_kernel_top.py), which the sim and a card run.
  // AXI4-Lite control slave (addresses zero-extended to the bundle's 32 bits).
  input  nasmac_axi_pkg::axil_req_t   control_req_i,
  output nasmac_axi_pkg::axil_rsp_t   control_rsp_o,
  // AXI4 master m_axi_gmem: descriptors (read) and result records (write).
  output nasmac_axi_pkg::axi_rd_req_t gmem_rd_req_o,
  input  nasmac_axi_pkg::axi_rd_rsp_t gmem_rd_rsp_i,
  input  logic [DataWidth-1:0]        gmem_rdata_i,
  output nasmac_axi_pkg::axi_wr_req_t gmem_wr_req_o,
  input  nasmac_axi_pkg::axi_wr_rsp_t gmem_wr_rsp_i,
  output logic [DataWidth-1:0]        gmem_wdata_o,
  output logic [DataWidth/8-1:0]      gmem_wstrb_o,
  // AXI4 master m_axi_msg: message reads (read channels only).
  output nasmac_axi_pkg::axi_rd_req_t msg_rd_req_o,
  input  nasmac_axi_pkg::axi_rd_rsp_t msg_rd_rsp_i,
  input  logic [DataWidth-1:0]        msg_rdata_i
);
  localparam int unsigned NumLanes = NumEia1 + NumEia2 + NumEia3;
  localparam int unsigned LaneW    = (NumLanes > 1) ? $clog2(NumLanes) : 1;
  localparam int unsigned ResW     = nasmac_top_pkg::RES_W;
  localparam logic [2:0]  AxSize   = 3'($clog2(DataWidth / 8));
  // RUN_STATUS error bits, as hw/layout.txt numbers them.
  localparam logic [2:0]  RunRdErr   = nasmac_layout_pkg::RUN_RD_ERR[2:0];
  localparam logic [2:0]  RunWrErr   = nasmac_layout_pkg::RUN_WR_ERR[2:0];
  localparam logic [2:0]  RunBadArgs = nasmac_layout_pkg::RUN_BAD_ARGS[2:0];

  // Vitis drives ap_rst_n synchronously; one register stage keeps it off the critical path.
  // rst_ni resets everything; dp_rst_ni, the datapath's reset, also pulses after a failed run so
  // that nothing of it (a half-fed lane, queued jobs) survives into the next one.
  logic rst_q, dp_rst_q, rst_ni, dp_rst_ni, srst_d;
  always_ff @(posedge ap_clk) begin
    rst_q    <= ap_rst_n;
    dp_rst_q <= ap_rst_n && !srst_d;
  end
  assign rst_ni    = rst_q;
  assign dp_rst_ni = dp_rst_q;

  // ---- Control registers and the run -----------------------------------------------------------
  logic        start, done;
  logic [63:0] desc_addr, arena_addr, result_addr;
  logic [31:0] num_jobs, arena_bytes, max_jobs;
  logic        busy_q, busy_d;
  logic [31:0] cyc_lo_q, cyc_lo_d, cyc_hi_q, cyc_hi_d;  // CYCLES, in halves with a carry between
  logic        cyc_c_q, cyc_c_d;
  logic [31:0] left_q, left_d;            // descriptors not yet disposed of
  logic [31:0] owed_q, owed_d;            // records the validator and lanes still owe the writer
  logic [31:0] bad_index_q, bad_index_d;
  logic [2:0]  status_q, status_d;        // this run's RUN_STATUS error bits
  logic        bad_args_q, bad_args_d;    // the arguments as they stand would be refused
  logic        fin_q, fin_d;              // a good run has written every record
  logic        srst_q;                    // the datapath reset after a failed run; done follows
  logic        stop;                      // a failed run: issue nothing new
  logic        desc_consumed, desc_bad_index, rec_accepted, res_idle, wr_idle, reads_idle;
  logic        rd_err, wr_err;
  logic        ev_consumed_q, ev_record_q, ev_bad_index_q, ev_accepted_q;  // the events, registered

  nasmac_ctrl #(.AddrWidth(CtrlAddrWidth)) u_ctrl (
    .clk_i(ap_clk), .rst_ni, .req_i(control_req_i), .rsp_o(control_rsp_o),
    .start_o(start), .done_i(done),
    .desc_addr_o(desc_addr), .arena_addr_o(arena_addr), .result_addr_o(result_addr),
    .num_jobs_o(num_jobs), .arena_bytes_o(arena_bytes), .max_jobs_o(max_jobs),
    .cycles_i({cyc_hi_q, cyc_lo_q}), .bad_index_i(bad_index_q), .run_err_i(status_q),
    .interrupt_o(interrupt)
  );

  // The arguments are written over AXI-Lite at least two cycles before ap_start is, so this
  // registered check is current when start_o pulses.
  assign bad_args_d = num_jobs > max_jobs || desc_addr[5:0] != 6'h0 || result_addr[3:0] != 4'h0;
  assign stop       = busy_q && status_q != 3'h0;
  // A good run ends when every descriptor is disposed of, every record it owes has been taken by
  // the writer and the writer is idle; a failed one when nothing is outstanding on either port.
  assign fin_d      = busy_q && !start && status_q == 3'h0 && left_q == 32'h0 && owed_q == 32'h0 &&
                      res_idle;
  assign srst_d     = stop && !srst_q && reads_idle && wr_idle;
  assign done       = busy_q && (fin_q || srst_q);

  always_comb begin
    busy_d      = busy_q;
    cyc_lo_d    = cyc_lo_q;
    cyc_hi_d    = cyc_hi_q + {31'h0, cyc_c_q};
    cyc_c_d     = busy_q && cyc_lo_q == 32'hffffffff;
    // The counters take the events a cycle late (registered pulses), so the handshakes that make
    // them do not reach the 32-bit adders; one carry chain at a time: +1 or -1, never both.
    left_d      = left_q - {31'h0, ev_consumed_q};
    owed_d      = owed_q;
    if (ev_record_q && !ev_accepted_q)      owed_d = owed_q + 32'd1;
    else if (!ev_record_q && ev_accepted_q) owed_d = owed_q - 32'd1;
    bad_index_d = bad_index_q + {31'h0, ev_bad_index_q};
    status_d    = status_q;
    if (busy_q) begin
      cyc_lo_d = cyc_lo_q + 32'd1;
      status_d = status_q | ({3{wr_err}} & RunWrErr) | ({3{rd_err}} & RunRdErr);
    end
    if (start) begin
      busy_d      = 1'b1;
      cyc_lo_d    = 32'd1;
      cyc_hi_d    = '0;
      cyc_c_d     = 1'b0;
      left_d      = num_jobs;
      owed_d      = '0;
      bad_index_d = '0;
      status_d    = {3{bad_args_q}} & RunBadArgs;
    end else if (done) begin
      busy_d = 1'b0;
    end
  end

  always_ff @(posedge ap_clk) begin
    if (!rst_ni) begin
      busy_q      <= 1'b0;
      cyc_lo_q    <= '0;
      cyc_hi_q    <= '0;
      cyc_c_q     <= 1'b0;
      left_q      <= '0;
      owed_q      <= '0;
      bad_index_q <= '0;
      status_q    <= '0;
      bad_args_q  <= 1'b0;
      fin_q       <= 1'b0;
      srst_q      <= 1'b0;
      ev_consumed_q  <= 1'b0;
      ev_record_q    <= 1'b0;
      ev_bad_index_q <= 1'b0;
      ev_accepted_q  <= 1'b0;
    end else begin
      ev_consumed_q  <= desc_consumed && !start;
      ev_record_q    <= desc_consumed && !desc_bad_index && !start;
      ev_bad_index_q <= desc_bad_index && !start;
      ev_accepted_q  <= rec_accepted && !start;
      busy_q      <= busy_d;
      cyc_lo_q    <= cyc_lo_d;
      cyc_hi_q    <= cyc_hi_d;
      cyc_c_q     <= cyc_c_d;
      left_q      <= left_d;
      owed_q      <= owed_d;
      bad_index_q <= bad_index_d;
      status_q    <= status_d;
      bad_args_q  <= bad_args_d;
      fin_q       <= fin_d;
      srst_q      <= srst_d;
    end
  end

  // ---- Descriptors: m_axi_gmem AR/R ------------------------------------------------------------
  logic                 d_ar_valid, d_ar_ready, d_beat_valid;
  logic [63:0]          d_ar_addr;
  logic [7:0]           d_ar_len;
  logic                 dj_valid, dj_ready;
  nasmac_top_pkg::job_t dj;
  logic [1:0]           dj_alg;
  logic                 bad_valid, bad_ready;
  nasmac_top_pkg::res_t bad_rec;
  logic                 gar_q, gar_d, gar_take;
  logic [63:0]          gar_addr_q, gar_addr_d;
  logic [7:0]           gar_len_q, gar_len_d;
  logic [7:0]           gout_q, gout_d;      // descriptor bursts requested, last beat not yet in
  logic                 gr_valid_q, gr_err_q;
  logic [DataWidth-1:0] gr_data_q;

  nasmac_desc #(.DataWidth(DataWidth)) u_desc (
    .clk_i(ap_clk), .rst_ni(dp_rst_ni),
    .start_i(start && !bad_args_q), .desc_addr_i(desc_addr), .arena_addr_i(arena_addr),
    .arena_bytes_i(arena_bytes), .num_jobs_i(num_jobs),
    .ar_valid_o(d_ar_valid), .ar_ready_i(d_ar_ready), .ar_addr_o(d_ar_addr), .ar_len_o(d_ar_len),
    .beat_valid_i(d_beat_valid), .beat_data_i(gr_data_q),
    .job_valid_o(dj_valid), .job_ready_i(dj_ready), .job_o(dj), .job_alg_o(dj_alg),
    .bad_valid_o(bad_valid), .bad_ready_i(bad_ready), .bad_o(bad_rec),
    .bad_index_o(desc_bad_index), .consumed_o(desc_consumed)
  );

  // The descriptor unit requests only what its beat buffer has room for, so R is always ready;
  // beats pass through one register on their way in.
  assign gar_take   = d_ar_valid && !stop && gout_q != 8'hff && (!gar_q || gmem_rd_rsp_i.arready);
  assign d_ar_ready = gar_take;
  always_comb begin
    gar_d      = gar_q;
    gar_addr_d = gar_addr_q;
    gar_len_d  = gar_len_q;
    gout_d     = gout_q + {7'h0, gar_take} - {7'h0, gmem_rd_rsp_i.rvalid && gmem_rd_rsp_i.rlast};
    if (gar_q && gmem_rd_rsp_i.arready) gar_d = 1'b0;
    if (gar_take) begin
      gar_d      = 1'b1;
      gar_addr_d = d_ar_addr;
      gar_len_d  = d_ar_len;
    end
  end
  assign d_beat_valid = gr_valid_q;

  always_ff @(posedge ap_clk) begin
    if (!dp_rst_ni) begin
      gar_q      <= 1'b0;
      gout_q     <= '0;
      gr_valid_q <= 1'b0;
      gr_err_q   <= 1'b0;
    end else begin
      gar_q      <= gar_d;
      gout_q     <= gout_d;
      gr_valid_q <= gmem_rd_rsp_i.rvalid;
      gr_err_q   <= gmem_rd_rsp_i.rvalid && gmem_rd_rsp_i.rresp != nasmac_axi_pkg::RESP_OKAY;
    end
  end
  always_ff @(posedge ap_clk) begin
    gar_addr_q <= gar_addr_d;
    gar_len_q  <= gar_len_d;
    gr_data_q  <= gmem_rdata_i;
  end

  // Every burst of either master is INCR with whole beats and the attributes of AX_FIXED.
  assign gmem_rd_req_o = {gar_q, gar_addr_q, gar_len_q, AxSize, nasmac_axi_pkg::AX_FIXED, 1'b1};

  // ---- Job dispatch: each algorithm's jobs go round robin over that algorithm's lanes ---------
  logic [LaneW-1:0] rr_q [3];
  logic [LaneW-1:0] rr_d [3];
  logic [LaneW-1:0] first [3];
  logic [LaneW-1:0] last [3];
  logic [LaneW-1:0] target;
  logic             lane_job_valid [NumLanes];
  logic             lane_job_ready [NumLanes];
  logic [1:0]       grp;

  assign first[0] = '0;
  assign first[1] = LaneW'(NumEia1);
  assign first[2] = LaneW'(NumEia1 + NumEia2);
  assign last[0]  = LaneW'(NumEia1 - 1);
  assign last[1]  = LaneW'(NumEia1 + NumEia2 - 1);
  assign last[2]  = LaneW'(NumLanes - 1);

  // rr_q holds the lane itself (first..last of its group), so no addition sits in this path.
  assign grp    = dj_alg - 2'd1;  // the validator passes only algorithms 1..3
  assign target = rr_q[grp];
  always_comb begin
    for (int g = 0; g < 3; g++) rr_d[g] = rr_q[g];
    for (int l = 0; l < NumLanes; l++) lane_job_valid[l] = dj_valid && 32'(target) == l;
    dj_ready = lane_job_ready[target];
    if (dj_valid && dj_ready) rr_d[grp] = (rr_q[grp] == last[grp]) ? first[grp] : rr_q[grp] + 1'b1;
  end

  always_ff @(posedge ap_clk) begin
    if (!dp_rst_ni) begin
      for (int a = 0; a < 3; a++) rr_q[a] <= first[a];
    end else begin
      for (int a = 0; a < 3; a++) rr_q[a] <= rr_d[a];
    end
  end

  // ---- Lanes -----------------------------------------------------------------------------------
  logic [NumLanes-1:0] f_ar_valid;
  logic                f_ar_ready [NumLanes];
  logic [63:0]         f_ar_addr  [NumLanes];
  logic [7:0]          f_ar_len   [NumLanes];
  logic                f_beat_valid [NumLanes];
  logic [DataWidth-1:0] mr_data_q;
  logic         lj_valid [NumLanes];
  logic         lj_ready [NumLanes];
  logic [127:0] lj_key   [NumLanes];
  logic [31:0]  lj_count [NumLanes];
  logic [4:0]   lj_bearer [NumLanes];
  logic         lj_dir   [NumLanes];
  logic [15:0]  lj_len   [NumLanes];
  logic [31:0]  lj_exp   [NumLanes];
  logic [31:0]  lj_index [NumLanes];
  logic         lm_valid [NumLanes];
  logic         lm_ready [NumLanes];
  logic [127:0] lm_data  [NumLanes];
  logic         lm_last  [NumLanes];
  logic         lr_valid [NumLanes];
  logic         lr_ready [NumLanes];
  logic [31:0]  lr_index [NumLanes];
  logic [31:0]  lr_mac   [NumLanes];
  logic         lr_match [NumLanes];

  for (genvar l = 0; l < NumLanes; l++) begin : g_fetch
    logic v;
    nasmac_fetch #(.DataWidth(DataWidth), .BufBeats(LaneBufBeats), .JobDepth(LaneJobs)) u_fetch (
      .clk_i(ap_clk), .rst_ni(dp_rst_ni),
      .job_valid_i(lane_job_valid[l]), .job_ready_o(lane_job_ready[l]), .job_i(dj),
      .ar_valid_o(v), .ar_ready_i(f_ar_ready[l]),
      .ar_addr_o(f_ar_addr[l]), .ar_len_o(f_ar_len[l]),
      .beat_valid_i(f_beat_valid[l]), .beat_data_i(mr_data_q),
      .lane_job_valid_o(lj_valid[l]), .lane_job_ready_i(lj_ready[l]),
      .lane_job_key_o(lj_key[l]), .lane_job_count_o(lj_count[l]),
      .lane_job_bearer_o(lj_bearer[l]), .lane_job_dir_o(lj_dir[l]),
      .lane_job_len_bits_o(lj_len[l]), .lane_job_exp_mac_o(lj_exp[l]),
      .lane_job_index_o(lj_index[l]),
      .lane_msg_valid_o(lm_valid[l]), .lane_msg_ready_i(lm_ready[l]),
      .lane_msg_data_o(lm_data[l]), .lane_msg_last_o(lm_last[l])
    );
    assign f_ar_valid[l] = v;
  end

  // One generate block for every lane: lane l's ports under the lanes' own names (hw/LANES.md),
  // so each kind connects with .* and the port map is written once (the clock and the datapath
  // reset by name: the top has an rst_ni of its own).
  for (genvar l = 0; l < NumLanes; l++) begin : g_lane
    logic job_valid_i, job_ready_o, msg_valid_i, msg_ready_o, msg_last_i, res_valid_o, res_ready_i;
    logic [127:0] msg_data_i;
    nasmac_lane_pkg::lane_job_t job_i;
    nasmac_lane_pkg::lane_res_t res_o;

    assign job_valid_i = lj_valid[l];
    assign lj_ready[l] = job_ready_o;
    // Whole records, in field order (Yosys 0.23 cannot name a field of a struct declared in a
    // generate block).
    assign job_i       = {lj_key[l], lj_count[l], lj_bearer[l], lj_dir[l], lj_len[l], lj_exp[l],
                          lj_index[l]};
    assign msg_valid_i = lm_valid[l];
    assign lm_ready[l] = msg_ready_o;
    assign msg_data_i  = lm_data[l];
    assign msg_last_i  = lm_last[l];
    assign lr_valid[l] = res_valid_o;
    assign res_ready_i = lr_ready[l];
    assign {lr_index[l], lr_mac[l], lr_match[l]} = res_o;

    if (l < NumEia1) begin : g_eia1
      nasmac_eia1_lane #(.Cores(Eia1Cores), .MsgFifoDepth(Eia1MsgWords))
        u_lane (.clk_i(ap_clk), .rst_ni(dp_rst_ni), .*);
    end else if (l < NumEia1 + NumEia2) begin : g_eia2
      nasmac_eia2_lane #(
        .Slots(Eia2Slots), .SlotBlocks(Eia2SlotBlocks), .ResDepth(Eia2ResDepth)
      ) u_lane (.clk_i(ap_clk), .rst_ni(dp_rst_ni), .*);
    end else begin : g_eia3
      nasmac_eia3_lane #(.Cores(Eia3Cores), .BufWords(Eia3BufWords))
        u_lane (.clk_i(ap_clk), .rst_ni(dp_rst_ni), .*);
    end
  end

  // ---- Messages: m_axi_msg, a round-robin arbiter over the lanes' requests, a tag per burst ----
  logic             mar_q, mar_d, mar_take, marb_valid;
  logic [LaneW-1:0] marb_grant;
  logic [63:0]      mar_addr_q, mar_addr_d;
  logic [7:0]       mar_len_q, mar_len_d;
  logic             mtag_ready, mtag_valid;
  logic [LaneW-1:0] mtag, mr_tag_q;
  logic             mr_valid_q, mr_err_q;

  nasmac_rr_arb #(.N(NumLanes)) u_msg_arb (
    .clk_i(ap_clk), .rst_ni(dp_rst_ni),
    .req_i(f_ar_valid), .take_i(mar_take), .valid_o(marb_valid), .grant_o(marb_grant)
  );

  // A request moves into the AR register when it is free (or leaving) and its tag has a slot.
  assign mar_take = marb_valid && !stop && mtag_ready && (!mar_q || msg_rd_rsp_i.arready);
  always_comb begin
    for (int l = 0; l < NumLanes; l++) f_ar_ready[l] = mar_take && 32'(marb_grant) == l;
    mar_d      = mar_q;
    mar_addr_d = mar_addr_q;
    mar_len_d  = mar_len_q;
    if (mar_q && msg_rd_rsp_i.arready) mar_d = 1'b0;
    if (mar_take) begin
      mar_d      = 1'b1;
      mar_addr_d = f_ar_addr[marb_grant];
      mar_len_d  = f_ar_len[marb_grant];
    end
  end

  // One ID, so bursts come back in request order and the oldest tag names the beats' owner.
  // Each fetch unit requests only what its beat buffer has room for, so R is always ready.
  nasmac_fifo #(.Width(LaneW), .Depth(MaxReads)) u_tags (
    .clk_i(ap_clk), .rst_ni(dp_rst_ni),
    .wr_valid_i(mar_take), .wr_ready_o(mtag_ready), .wr_data_i(marb_grant),
    .rd_valid_o(mtag_valid), .rd_ready_i(msg_rd_rsp_i.rvalid && msg_rd_rsp_i.rlast),
    .rd_data_o(mtag)
  );

  always_ff @(posedge ap_clk) begin
    if (!dp_rst_ni) begin
      mar_q      <= 1'b0;
      mr_valid_q <= 1'b0;
      mr_err_q   <= 1'b0;
    end else begin
      mar_q      <= mar_d;
      mr_valid_q <= msg_rd_rsp_i.rvalid;
      mr_err_q   <= msg_rd_rsp_i.rvalid && msg_rd_rsp_i.rresp != nasmac_axi_pkg::RESP_OKAY;
    end
  end
  always_ff @(posedge ap_clk) begin
    mar_addr_q <= mar_addr_d;
    mar_len_q  <= mar_len_d;
    mr_data_q  <= msg_rdata_i;
    mr_tag_q   <= mtag;
  end

  always_comb begin
    for (int l = 0; l < NumLanes; l++) f_beat_valid[l] = mr_valid_q && 32'(mr_tag_q) == l;
  end

  assign msg_rd_req_o = {mar_q, mar_addr_q, mar_len_q, AxSize, nasmac_axi_pkg::AX_FIXED, 1'b1};

  assign rd_err     = gr_err_q || mr_err_q;
  assign reads_idle = !gar_q && gout_q == 8'h0 && !mar_q && !mtag_valid;

  // ---- Results ---------------------------------------------------------------------------------
  logic [NumLanes:0]            res_valid, res_ready;
  logic [(NumLanes+1)*ResW-1:0] res_data;
  logic                         b_fire, aw_valid, w_valid, b_ready;
  logic [63:0]                  aw_addr;

  always_comb begin
    for (int l = 0; l < NumLanes; l++) begin
      // A res_t: MAC, STATUS (ST_VERIFIED or ST_MISMATCH), INDEX.
      res_valid[l]               = lr_valid[l];
      lr_ready[l]                = res_ready[l];
      res_data[l * ResW +: ResW] = {lr_mac[l],
                                    lr_match[l] ? nasmac_layout_pkg::ST_VERIFIED[1:0]
                                                : nasmac_layout_pkg::ST_MISMATCH[1:0],
                                    lr_index[l]};
    end
    res_valid[NumLanes]               = bad_valid;
    bad_ready                         = res_ready[NumLanes];
    res_data[NumLanes * ResW +: ResW] = bad_rec;
  end

  nasmac_res #(.DataWidth(DataWidth), .NumIn(NumLanes + 1)) u_res (
    .clk_i(ap_clk), .rst_ni(dp_rst_ni),
    .result_addr_i(result_addr), .flush_i(busy_q && left_q == 32'h0 && owed_q == 32'h0),
    .stop_i(stop),
    .in_valid_i(res_valid), .in_ready_o(res_ready), .in_data_i(res_data),
    .accepted_o(rec_accepted), .idle_o(res_idle), .wr_idle_o(wr_idle),
    .aw_valid_o(aw_valid), .aw_ready_i(gmem_wr_rsp_i.awready), .aw_addr_o(aw_addr),
    .w_valid_o(w_valid), .w_ready_i(gmem_wr_rsp_i.wready),
    .w_data_o(gmem_wdata_o), .w_strb_o(gmem_wstrb_o),
    .b_valid_i(gmem_wr_rsp_i.bvalid), .b_ready_o(b_ready)
  );

  assign b_fire = gmem_wr_rsp_i.bvalid && b_ready;
  logic wr_err_q;
  always_ff @(posedge ap_clk) begin
    if (!dp_rst_ni) wr_err_q <= 1'b0;
    else            wr_err_q <= b_fire && gmem_wr_rsp_i.bresp != nasmac_axi_pkg::RESP_OKAY;
  end
  assign wr_err = wr_err_q;

  // Single-beat writes.
  assign gmem_wr_req_o = {aw_valid, aw_addr, 8'h00, AxSize, nasmac_axi_pkg::AX_FIXED, w_valid, 1'b1,
                          b_ready};
endmodule
