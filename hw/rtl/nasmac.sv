// nasmac: the Vitis RTL kernel top. On ap_start it reads NUM_JOBS descriptors, validates them,
// reads each message from the arena, has it MACed by a lane of its algorithm (all lanes work at
// once), and writes one result record per descriptor at RESULT_ADDR + INDEX * 16; ap_done rises
// once every record's write response is back. The contract is hw/layout.txt; see hw/README.md.
module nasmac #(
  // Data width of m_axi_gmem in bits (128, 256 or 512).
  parameter int unsigned DataWidth = 512,
  // Width of the s_axi_control byte address.
  parameter int unsigned CtrlAddrWidth = 7,
  // Lanes per algorithm (at least 1 each).
  parameter int unsigned NumEia1 = 1,
  parameter int unsigned NumEia2 = 1,
  parameter int unsigned NumEia3 = 1,
  // Read reuests in flight on m_axi_gmem; a power of two.
  parameter int unsigned MaxReads = 16
) (
  input  logic                     ap_clk,
  input  logic                     ap_rst_n,
  /* verilator lint_off SYMRSVDWORD */ // Vitis requires exactly this name.
  output logic                     interrupt,
  /* verilator lint_on SYMRSVDWORD */
  // AXI4-Lite control slave.
  input  logic                     s_axi_control_AWVALID,
  output logic                     s_axi_control_AWREADY,
  input  logic [CtrlAddrWidth-1:0] s_axi_control_AWADDR,
  input  logic                     s_axi_control_WVALID,
  output logic                     s_axi_control_WREADY,
  input  logic [31:0]              s_axi_control_WDATA,
  input  logic [3:0]               s_axi_control_WSTRB,
  output logic                     s_axi_control_BVALID,
  input  logic                     s_axi_control_BREADY,
  output logic [1:0]               s_axi_control_BRESP,
  input  logic                     s_axi_control_ARVALID,
  output logic                     s_axi_control_ARREADY,
  input  logic [CtrlAddrWidth-1:0] s_axi_control_ARADDR,
  output logic                     s_axi_control_RVALID,
  input  logic                     s_axi_control_RREADY,
  output logic [31:0]              s_axi_control_RDATA,
  output logic [1:0]               s_axi_control_RRESP,
  // AXI4 memory master.
  output logic                     m_axi_gmem_AWVALID,
  input  logic                     m_axi_gmem_AWREADY,
  output logic [63:0]              m_axi_gmem_AWADDR,
  output logic [7:0]               m_axi_gmem_AWLEN,
  output logic [2:0]               m_axi_gmem_AWSIZE,
  output logic [1:0]               m_axi_gmem_AWBURST,
  output logic [3:0]               m_axi_gmem_AWCACHE,
  output logic [2:0]               m_axi_gmem_AWPROT,
  output logic                     m_axi_gmem_WVALID,
  input  logic                     m_axi_gmem_WREADY,
  output logic [DataWidth-1:0]     m_axi_gmem_WDATA,
  output logic [DataWidth/8-1:0]   m_axi_gmem_WSTRB,
  output logic                     m_axi_gmem_WLAST,
  input  logic                     m_axi_gmem_BVALID,
  output logic                     m_axi_gmem_BREADY,
  /* verilator lint_off UNUSEDSIGNAL */ // Error responses are not acted on (see hw/README.md).
  input  logic [1:0]               m_axi_gmem_BRESP,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic                     m_axi_gmem_ARVALID,
  input  logic                     m_axi_gmem_ARREADY,
  output logic [63:0]              m_axi_gmem_ARADDR,
  output logic [7:0]               m_axi_gmem_ARLEN,
  output logic [2:0]               m_axi_gmem_ARSIZE,
  output logic [1:0]               m_axi_gmem_ARBURST,
  output logic [3:0]               m_axi_gmem_ARCACHE,
  output logic [2:0]               m_axi_gmem_ARPROT,
  input  logic                     m_axi_gmem_RVALID,
  output logic                     m_axi_gmem_RREADY,
  input  logic [DataWidth-1:0]     m_axi_gmem_RDATA,
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [1:0]               m_axi_gmem_RRESP,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic                     m_axi_gmem_RLAST
);
  localparam int unsigned NumLanes = NumEia1 + NumEia2 + NumEia3;
  localparam int unsigned NumSrc   = NumLanes + 1;  // read sources: 0 descriptors, 1.. lanes
  localparam int unsigned SrcW     = $clog2(NumSrc);
  localparam int unsigned ResW     = nasmac_top_pkg::RES_W;
  localparam logic [2:0]  AxSize   = 3'($clog2(DataWidth / 8));

  // Vitis drives ap_rst_n synchronously; one register stage keeps it off the critical path.
  logic rst_q;
  logic rst_ni;
  always_ff @(posedge ap_clk) rst_q <= ap_rst_n;
  assign rst_ni = rst_q;

  // ---- Control registers and the run -----------------------------------------------------------
  logic        start, done;
  logic [63:0] desc_addr, arena_addr, result_addr;
  logic [31:0] num_jobs, arena_bytes;
  logic        busy_q, busy_d;
  logic [63:0] cycles_q, cycles_d;
  logic [31:0] consumed_q, consumed_d, records_q, records_d, bad_index_q, bad_index_d;
  logic        desc_consumed, desc_bad_index, rec_accepted, res_idle, all_records;

  nasmac_ctrl #(.AddrWidth(CtrlAddrWidth)) u_ctrl (
    .clk_i(ap_clk), .rst_ni,
    .awvalid_i(s_axi_control_AWVALID), .awready_o(s_axi_control_AWREADY),
    .awaddr_i(s_axi_control_AWADDR),
    .wvalid_i(s_axi_control_WVALID), .wready_o(s_axi_control_WREADY),
    .wdata_i(s_axi_control_WDATA), .wstrb_i(s_axi_control_WSTRB),
    .bvalid_o(s_axi_control_BVALID), .bready_i(s_axi_control_BREADY),
    .bresp_o(s_axi_control_BRESP),
    .arvalid_i(s_axi_control_ARVALID), .arready_o(s_axi_control_ARREADY),
    .araddr_i(s_axi_control_ARADDR),
    .rvalid_o(s_axi_control_RVALID), .rready_i(s_axi_control_RREADY),
    .rdata_o(s_axi_control_RDATA), .rresp_o(s_axi_control_RRESP),
    .start_o(start), .done_i(done),
    .desc_addr_o(desc_addr), .arena_addr_o(arena_addr), .result_addr_o(result_addr),
    .num_jobs_o(num_jobs), .arena_bytes_o(arena_bytes),
    .cycles_i(cycles_q), .bad_index_i(bad_index_q),
    .interrupt_o(interrupt)
  );

  // Every descriptor is disposed of, every record it owes has been taken by the writer.
  assign all_records = consumed_q == num_jobs && records_q == num_jobs - bad_index_q;
  assign done        = busy_q && !start && all_records && res_idle;

  always_comb begin
    busy_d      = busy_q;
    cycles_d    = cycles_q;
    consumed_d  = consumed_q + {31'h0, desc_consumed};
    records_d   = records_q + {31'h0, rec_accepted};
    bad_index_d = bad_index_q + {31'h0, desc_bad_index};
    if (busy_q) cycles_d = cycles_q + 64'd1;
    if (start) begin
      busy_d      = 1'b1;
      cycles_d    = 64'd1;
      consumed_d  = '0;
      records_d   = '0;
      bad_index_d = '0;
    end else if (done) begin
      busy_d = 1'b0;
    end
  end

  always_ff @(posedge ap_clk) begin
    if (!rst_ni) begin
      busy_q      <= 1'b0;
      cycles_q    <= '0;
      consumed_q  <= '0;
      records_q   <= '0;
      bad_index_q <= '0;
    end else begin
      busy_q      <= busy_d;
      cycles_q    <= cycles_d;
      consumed_q  <= consumed_d;
      records_q   <= records_d;
      bad_index_q <= bad_index_d;
    end
  end

  // ---- Descriptors -----------------------------------------------------------------------------
  logic                 src_ar_valid [NumSrc];
  logic                 src_ar_ready [NumSrc];
  logic [63:0]          src_ar_addr  [NumSrc];
  logic [7:0]           src_ar_len   [NumSrc];
  logic                 src_r_ready  [NumSrc];
  logic                 r_valid_to   [NumSrc];
  logic                 dj_valid, dj_ready;
  nasmac_top_pkg::job_t dj;
  logic [1:0]           dj_alg;
  logic                 bad_valid, bad_ready;
  nasmac_top_pkg::res_t bad_rec;

  nasmac_desc #(.DataWidth(DataWidth)) u_desc (
    .clk_i(ap_clk), .rst_ni,
    .start_i(start), .desc_addr_i(desc_addr), .arena_addr_i(arena_addr),
    .arena_bytes_i(arena_bytes), .num_jobs_i(num_jobs),
    .ar_valid_o(src_ar_valid[0]), .ar_ready_i(src_ar_ready[0]),
    .ar_addr_o(src_ar_addr[0]), .ar_len_o(src_ar_len[0]),
    .beat_valid_i(r_valid_to[0]), .beat_ready_o(src_r_ready[0]), .beat_data_i(m_axi_gmem_RDATA),
    .job_valid_o(dj_valid), .job_ready_i(dj_ready), .job_o(dj), .job_alg_o(dj_alg),
    .bad_valid_o(bad_valid), .bad_ready_i(bad_ready), .bad_o(bad_rec),
    .bad_index_o(desc_bad_index), .consumed_o(desc_consumed)
  );

  // ---- Job dispatch: each algorithm's jobs go round robin over that algorithm's lanes ---------
  logic [31:0] rr_q [3];
  logic [31:0] rr_d [3];
  logic [31:0] first [3];
  logic [31:0] count [3];
  logic [31:0] target;
  logic        lane_job_valid [NumLanes];
  logic        lane_job_ready [NumLanes];

  assign first[0] = 0;
  assign first[1] = NumEia1;
  assign first[2] = NumEia1 + NumEia2;
  assign count[0] = NumEia1;
  assign count[1] = NumEia2;
  assign count[2] = NumEia3;

  logic [1:0] grp;
  assign grp = dj_alg - 2'd1;  // the validator passes only algorithms 1..3
  always_comb begin
    target = first[grp] + rr_q[grp];
    for (int g = 0; g < 3; g++) rr_d[g] = rr_q[g];
    for (int l = 0; l < NumLanes; l++) lane_job_valid[l] = dj_valid && target == l;
    dj_ready = lane_job_ready[target];
    if (dj_valid && dj_ready) rr_d[grp] = (rr_q[grp] + 1 == count[grp]) ? 32'h0 : rr_q[grp] + 1;
  end

  always_ff @(posedge ap_clk) begin
    if (!rst_ni) begin
      for (int a = 0; a < 3; a++) rr_q[a] <= '0;
    end else begin
      for (int a = 0; a < 3; a++) rr_q[a] <= rr_d[a];
    end
  end

  // ---- Lanes -----------------------------------------------------------------------------------
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
    nasmac_fetch #(.DataWidth(DataWidth)) u_fetch (
      .clk_i(ap_clk), .rst_ni,
      .job_valid_i(lane_job_valid[l]), .job_ready_o(lane_job_ready[l]), .job_i(dj),
      .ar_valid_o(src_ar_valid[l + 1]), .ar_ready_i(src_ar_ready[l + 1]),
      .ar_addr_o(src_ar_addr[l + 1]), .ar_len_o(src_ar_len[l + 1]),
      .beat_valid_i(r_valid_to[l + 1]), .beat_ready_o(src_r_ready[l + 1]),
      .beat_data_i(m_axi_gmem_RDATA),
      .lane_job_valid_o(lj_valid[l]), .lane_job_ready_i(lj_ready[l]),
      .lane_job_key_o(lj_key[l]), .lane_job_count_o(lj_count[l]),
      .lane_job_bearer_o(lj_bearer[l]), .lane_job_dir_o(lj_dir[l]),
      .lane_job_len_bits_o(lj_len[l]), .lane_job_exp_mac_o(lj_exp[l]),
      .lane_job_index_o(lj_index[l]),
      .lane_msg_valid_o(lm_valid[l]), .lane_msg_ready_i(lm_ready[l]),
      .lane_msg_data_o(lm_data[l]), .lane_msg_last_o(lm_last[l])
    );
  end

  for (genvar l = 0; l < NumEia1; l++) begin : g_eia1
    nasmac_eia1_lane u_lane (
      .clk_i(ap_clk), .rst_ni,
      .job_valid_i(lj_valid[l]), .job_ready_o(lj_ready[l]), .job_key_i(lj_key[l]),
      .job_count_i(lj_count[l]), .job_bearer_i(lj_bearer[l]), .job_dir_i(lj_dir[l]),
      .job_len_bits_i(lj_len[l]), .job_exp_mac_i(lj_exp[l]), .job_index_i(lj_index[l]),
      .msg_valid_i(lm_valid[l]), .msg_ready_o(lm_ready[l]), .msg_data_i(lm_data[l]),
      .msg_last_i(lm_last[l]),
      .res_valid_o(lr_valid[l]), .res_ready_i(lr_ready[l]), .res_index_o(lr_index[l]),
      .res_mac_o(lr_mac[l]), .res_match_o(lr_match[l])
    );
  end

  for (genvar k = 0; k < NumEia2; k++) begin : g_eia2
    localparam int unsigned L = NumEia1 + k;
    nasmac_eia2_lane u_lane (
      .clk_i(ap_clk), .rst_ni,
      .job_valid_i(lj_valid[L]), .job_ready_o(lj_ready[L]), .job_key_i(lj_key[L]),
      .job_count_i(lj_count[L]), .job_bearer_i(lj_bearer[L]), .job_dir_i(lj_dir[L]),
      .job_len_bits_i(lj_len[L]), .job_exp_mac_i(lj_exp[L]), .job_index_i(lj_index[L]),
      .msg_valid_i(lm_valid[L]), .msg_ready_o(lm_ready[L]), .msg_data_i(lm_data[L]),
      .msg_last_i(lm_last[L]),
      .res_valid_o(lr_valid[L]), .res_ready_i(lr_ready[L]), .res_index_o(lr_index[L]),
      .res_mac_o(lr_mac[L]), .res_match_o(lr_match[L])
    );
  end

  for (genvar k = 0; k < NumEia3; k++) begin : g_eia3
    localparam int unsigned L = NumEia1 + NumEia2 + k;
    nasmac_eia3_lane u_lane (
      .clk_i(ap_clk), .rst_ni,
      .job_valid_i(lj_valid[L]), .job_ready_o(lj_ready[L]), .job_key_i(lj_key[L]),
      .job_count_i(lj_count[L]), .job_bearer_i(lj_bearer[L]), .job_dir_i(lj_dir[L]),
      .job_len_bits_i(lj_len[L]), .job_exp_mac_i(lj_exp[L]), .job_index_i(lj_index[L]),
      .msg_valid_i(lm_valid[L]), .msg_ready_o(lm_ready[L]), .msg_data_i(lm_data[L]),
      .msg_last_i(lm_last[L]),
      .res_valid_o(lr_valid[L]), .res_ready_i(lr_ready[L]), .res_index_o(lr_index[L]),
      .res_mac_o(lr_mac[L]), .res_match_o(lr_match[L])
    );
  end

  // ---- Read channel: round-robin AR arbiter, a tag per burst, R beats routed by tag ----------
  logic            ar_q, ar_d;
  logic [63:0]     ar_addr_q, ar_addr_d;
  logic [7:0]      ar_len_q, ar_len_d;
  logic [SrcW-1:0] ar_rr_q, ar_rr_d;
  logic [SrcW-1:0] ar_grant;
  logic            ar_any, ar_take;
  logic            tag_ready, tag_valid;
  logic [SrcW-1:0] tag;
  logic [31:0]     ar_scan [NumSrc];

  always_comb begin
    ar_grant = ar_rr_q;
    ar_any   = 1'b0;
    for (int i = NumSrc - 1; i >= 0; i--) begin
      ar_scan[i] = (32'(ar_rr_q) + i >= NumSrc) ? 32'(ar_rr_q) + i - NumSrc : 32'(ar_rr_q) + i;
      if (src_ar_valid[ar_scan[i]]) begin
        ar_grant = ar_scan[i][SrcW-1:0];
        ar_any   = 1'b1;
      end
    end
  end

  // A request moves into the AR register when it is free (or leaving) and its tag has a slot.
  assign ar_take = ar_any && tag_ready && (!ar_q || m_axi_gmem_ARREADY);
  always_comb begin
    for (int s = 0; s < NumSrc; s++) src_ar_ready[s] = ar_take && 32'(ar_grant) == s;
    ar_d      = ar_q;
    ar_addr_d = ar_addr_q;
    ar_len_d  = ar_len_q;
    ar_rr_d   = ar_rr_q;
    if (ar_q && m_axi_gmem_ARREADY) ar_d = 1'b0;
    if (ar_take) begin
      ar_d      = 1'b1;
      ar_addr_d = src_ar_addr[ar_grant];
      ar_len_d  = src_ar_len[ar_grant];
      ar_rr_d   = (32'(ar_grant) == NumSrc - 1) ? '0 : ar_grant + 1'b1;
    end
  end

  always_ff @(posedge ap_clk) begin
    if (!rst_ni) begin
      ar_q      <= 1'b0;
      ar_addr_q <= '0;
      ar_len_q  <= '0;
      ar_rr_q   <= '0;
    end else begin
      ar_q      <= ar_d;
      ar_addr_q <= ar_addr_d;
      ar_len_q  <= ar_len_d;
      ar_rr_q   <= ar_rr_d;
    end
  end

  // One ID, so bursts come back in request order and the oldest tag names the beats' owner.
  nasmac_fifo #(.Width(SrcW), .Depth(MaxReads)) u_tags (
    .clk_i(ap_clk), .rst_ni,
    .wr_valid_i(ar_take), .wr_ready_o(tag_ready), .wr_data_i(ar_grant),
    .rd_valid_o(tag_valid), .rd_ready_i(m_axi_gmem_RVALID && m_axi_gmem_RREADY && m_axi_gmem_RLAST),
    .rd_data_o(tag)
  );

  always_comb begin
    for (int s = 0; s < NumSrc; s++) r_valid_to[s] = m_axi_gmem_RVALID && tag_valid && 32'(tag) == s;
  end
  assign m_axi_gmem_RREADY  = tag_valid && src_r_ready[tag];

  assign m_axi_gmem_ARVALID = ar_q;
  assign m_axi_gmem_ARADDR  = ar_addr_q;
  assign m_axi_gmem_ARLEN   = ar_len_q;
  assign m_axi_gmem_ARSIZE  = AxSize;
  assign m_axi_gmem_ARBURST = 2'b01;    // INCR
  assign m_axi_gmem_ARCACHE = 4'b0011;  // normal, bufferable (what Vitis masters use)
  assign m_axi_gmem_ARPROT  = 3'b000;

  // ---- Results ---------------------------------------------------------------------------------
  logic [NumLanes:0]               res_valid, res_ready;
  logic [(NumLanes+1)*ResW-1:0]    res_data;

  always_comb begin
    for (int l = 0; l < NumLanes; l++) begin
      // A res_t: MAC, STATUS (ST_VERIFIED or ST_MISMATCH), INDEX.
      res_valid[l]               = lr_valid[l];
      lr_ready[l]                = res_ready[l];
      res_data[l * ResW +: ResW] = {lr_mac[l], lr_match[l] ? 2'd1 : 2'd2, lr_index[l]};
    end
    res_valid[NumLanes]                = bad_valid;
    bad_ready                          = res_ready[NumLanes];
    res_data[NumLanes * ResW +: ResW]  = bad_rec;
  end

  nasmac_res #(.DataWidth(DataWidth), .NumIn(NumLanes + 1)) u_res (
    .clk_i(ap_clk), .rst_ni,
    .result_addr_i(result_addr), .flush_i(busy_q && all_records),
    .in_valid_i(res_valid), .in_ready_o(res_ready), .in_data_i(res_data),
    .accepted_o(rec_accepted), .idle_o(res_idle),
    .aw_valid_o(m_axi_gmem_AWVALID), .aw_ready_i(m_axi_gmem_AWREADY), .aw_addr_o(m_axi_gmem_AWADDR),
    .w_valid_o(m_axi_gmem_WVALID), .w_ready_i(m_axi_gmem_WREADY),
    .w_data_o(m_axi_gmem_WDATA), .w_strb_o(m_axi_gmem_WSTRB),
    .b_valid_i(m_axi_gmem_BVALID), .b_ready_o(m_axi_gmem_BREADY)
  );

  assign m_axi_gmem_AWLEN   = 8'h00;
  assign m_axi_gmem_AWSIZE  = AxSize;
  assign m_axi_gmem_AWBURST = 2'b01;
  assign m_axi_gmem_AWCACHE = 4'b0011;
  assign m_axi_gmem_AWPROT  = 3'b000;
  assign m_axi_gmem_WLAST   = 1'b1;
endmodule
