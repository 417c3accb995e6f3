// Message side of one lane: queues the lane's jobs, reads each message from the arena in bursts
// (never across 4 KiB, never more than the beat buffer has room for, so the shared read channel
// never waits on a busy lane), and feeds the lane its job header and then the message as 128-bit
// words, realigned so that message octet 0 sits in [127:120] whatever the octet offset.
module nasmac_fetch #(
  // AXI data width in bits (128, 256 or 512).
  parameter int unsigned DataWidth = 512,
  // Beats of read buffer; a power of two, at least MaxBurst.
  parameter int unsigned BufBeats = 128,
  // Longest read burst in beats.
  parameter int unsigned MaxBurst = 16,
  // Jobs whose reads are issued, queued ahead of the lane; a power of two. At 150 cycles of
  // memory latency and a job every 5 cycles, about 30 are in flight.
  parameter int unsigned JobDepth = 64,
  // Jobs queued before their reads are issued; a power of two.
  parameter int unsigned QueueDepth = 8
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Jobs for this lane.
  input  logic                 job_valid_i,
  output logic                 job_ready_o,
  input  nasmac_top_pkg::job_t job_i,
  // Read requests: ar_len_o is beats - 1.
  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [63:0]          ar_addr_o,
  output logic [7:0]           ar_len_o,
  // Message data beats, in request order. There is always room: only what fits is requested.
  input  logic                 beat_valid_i,
  input  logic [DataWidth-1:0] beat_data_i,
  // To the lane (ports of hw/LANES.md).
  output logic                 lane_job_valid_o,
  input  logic                 lane_job_ready_i,
  output logic [127:0]         lane_job_key_o,
  output logic [31:0]          lane_job_count_o,
  output logic [4:0]           lane_job_bearer_o,
  output logic                 lane_job_dir_o,
  output logic [15:0]          lane_job_len_bits_o,
  output logic [31:0]          lane_job_exp_mac_o,
  output logic [31:0]          lane_job_index_o,
  output logic                 lane_msg_valid_o,
  input  logic                 lane_msg_ready_i,
  output logic [127:0]         lane_msg_data_o,
  output logic                 lane_msg_last_o
);
  localparam int unsigned BeatBytes = DataWidth / 8;
  localparam int unsigned Chunks    = DataWidth / 128;         // 128-bit chunks per beat
  localparam int unsigned OffW      = $clog2(BeatBytes);       // octet offset within a beat
  localparam int unsigned ChunkW    = (Chunks > 1) ? $clog2(Chunks) : 1;
  localparam int unsigned CntW      = $clog2(BufBeats) + 1;

  // A job on its way to the lane with what the realigner needs to know about its beats. (The job
  // travels beside the struct: Yosys 0.23 cannot nest a package type in a local struct.)
  typedef struct packed {
    logic [ChunkW-1:0]    first_chunk; // chunk of the first beat that holds octet 0
    logic [3:0]           shift;       // octet offset of octet 0 within that chunk
    logic [10:0]          chunks;      // chunks spanned by the message
  } hdr_t;
  localparam int unsigned HdrW = ChunkW + 4 + 11;

  // ---- Job queue and read requests -------------------------------------------------------------
  logic                 q_valid, q_pop;
  nasmac_top_pkg::job_t q_job;
  logic                 hdr_wr_ready;
  hdr_t                 hdr_new;

  nasmac_fifo #(.Width(nasmac_top_pkg::JOB_W), .Depth(QueueDepth)) u_jobs (
    .clk_i, .rst_ni,
    .wr_valid_i(job_valid_i), .wr_ready_o(job_ready_o), .wr_data_i(job_i),
    .rd_valid_o(q_valid), .rd_ready_i(q_pop), .rd_data_o(q_job)
  );

  logic              active_q, active_d;       // bursts of a message still to request
  logic [63:0]       addr_q, addr_d;           // next beat-aligned address to request
  logic [15:0]       beats_left_q, beats_left_d;
  logic [CntW-1:0]   reserved_q, reserved_d;   // beats requested and not yet consumed
  logic [15:0]       nbytes, span, to_boundary, burst;
  logic [OffW-1:0]   off;
  /* verilator lint_off UNUSEDSIGNAL */ // Only the chunk bits matter.
  logic [OffW-1:0]   off_chunk;
  /* verilator lint_on UNUSEDSIGNAL */
  logic              buf_pop;

  assign nbytes = (q_job.len_bits + 16'd7) >> 3;
  assign off    = q_job.msg_addr[OffW-1:0];
  assign off_chunk = off >> 4;
  // Octets from the start of the first beat to the end of the message.
  assign span   = {{(16-OffW){1'b0}}, off} + nbytes;

  always_comb begin
    hdr_new             = '0;
    hdr_new.first_chunk = off_chunk[ChunkW-1:0];
    hdr_new.shift       = q_job.msg_addr[3:0];
    hdr_new.chunks      = 11'((16'(q_job.msg_addr[3:0]) + nbytes + 16'd15) >> 4);
  end

  // A message starts requesting when its header has a place in the queue to the lane.
  assign q_pop = q_valid && !active_q && hdr_wr_ready;

  assign to_boundary = (16'd4096 - {4'h0, addr_q[11:0]}) >> OffW;
  always_comb begin
    burst = beats_left_q;
    if (burst > 16'(MaxBurst)) burst = 16'(MaxBurst);
    if (burst > to_boundary) burst = to_boundary;
  end
  assign ar_valid_o = active_q && (16'(reserved_q) + burst) <= 16'(BufBeats);
  assign ar_addr_o  = addr_q;
  assign ar_len_o   = 8'(burst - 16'd1);

  always_comb begin
    active_d     = active_q;
    addr_d       = addr_q;
    beats_left_d = beats_left_q;
    reserved_d   = reserved_q;
    if (q_pop) begin
      active_d     = 1'b1;
      addr_d       = {q_job.msg_addr[63:OffW], {OffW{1'b0}}};
      beats_left_d = (span + 16'(BeatBytes - 1)) >> OffW;
    end else if (ar_valid_o && ar_ready_i) begin
      addr_d       = addr_q + ({48'h0, burst} << OffW);
      beats_left_d = beats_left_q - burst;
      reserved_d   = reserved_q + burst[CntW-1:0];
      if (beats_left_q == burst) active_d = 1'b0;
    end
    if (buf_pop) reserved_d = reserved_d - 1'b1;
  end

  // ---- Buffers ---------------------------------------------------------------------------------
  logic                 hdr_valid, hdr_pop;
  hdr_t                 hdr;
  /* verilator lint_off UNUSEDSIGNAL */ // The lane does not need the message address.
  nasmac_top_pkg::job_t hjob;
  /* verilator lint_on UNUSEDSIGNAL */
  logic                 buf_valid;
  logic [DataWidth-1:0] buf_data;

  nasmac_fifo #(.Width(nasmac_top_pkg::JOB_W + HdrW), .Depth(JobDepth)) u_hdrs (
    .clk_i, .rst_ni,
    .wr_valid_i(q_pop), .wr_ready_o(hdr_wr_ready), .wr_data_i({q_job, hdr_new}),
    .rd_valid_o(hdr_valid), .rd_ready_i(hdr_pop), .rd_data_o({hjob, hdr})
  );

  /* verilator lint_off UNUSEDSIGNAL */ // Always set: requests never exceed the buffer.
  logic beat_room;
  /* verilator lint_on UNUSEDSIGNAL */
  nasmac_fifo #(.Width(DataWidth), .Depth(BufBeats)) u_beats (
    .clk_i, .rst_ni,
    .wr_valid_i(beat_valid_i), .wr_ready_o(beat_room), .wr_data_i(beat_data_i),
    .rd_valid_o(buf_valid), .rd_ready_i(buf_pop), .rd_data_o(buf_data)
  );

  // ---- Realigner -------------------------------------------------------------------------------
  // Word k of the message is octets shift..15 of chunk k followed by octets 0..shift-1 of chunk
  // k+1. With a non-zero shift the first chunk goes into the carry register as the header leaves,
  // and the last word may need no new chunk (it is the carry alone).
  logic              in_msg_q, in_msg_d;
  logic [3:0]        shift_q, shift_d;
  logic [ChunkW-1:0] cidx_q, cidx_d;
  logic [10:0]       chunks_left_q, chunks_left_d;
  logic [9:0]        words_left_q, words_left_d;
  logic [127:0]      carry_q, carry_d;
  logic [127:0]      chunk_raw, chunk;
  logic              need_chunk, take_chunk;
  logic [ChunkW-1:0] take_idx;
  logic [10:0]       take_left;

  // The chunk to take: at the header, the message's first one; later, the next one.
  assign take_idx  = in_msg_q ? cidx_q : hdr.first_chunk;
  assign take_left = in_msg_q ? chunks_left_q : hdr.chunks;
  assign chunk_raw = buf_data[take_idx * 128 +: 128];
  always_comb begin
    for (int i = 0; i < 16; i++) chunk[127 - 8 * i -: 8] = chunk_raw[8 * i +: 8];
  end

  assign need_chunk = in_msg_q ? (chunks_left_q != 11'h0) : (hdr.shift != 4'h0);

  assign lane_job_valid_o    = !in_msg_q && hdr_valid && (!need_chunk || buf_valid);
  assign lane_job_key_o      = hjob.key;
  assign lane_job_count_o    = hjob.count;
  assign lane_job_bearer_o   = hjob.bearer;
  assign lane_job_dir_o      = hjob.dir;
  assign lane_job_len_bits_o = hjob.len_bits;
  assign lane_job_exp_mac_o  = hjob.exp_mac;
  assign lane_job_index_o    = hjob.index;

  assign lane_msg_valid_o = in_msg_q && (!need_chunk || buf_valid);
  assign lane_msg_last_o  = words_left_q == 10'd1;
  always_comb begin
    if (shift_q == 4'h0) begin
      lane_msg_data_o = chunk;
    end else if (need_chunk) begin
      lane_msg_data_o = (carry_q << {shift_q, 3'b000}) | (chunk >> {5'd16 - {1'b0, shift_q}, 3'b000});
    end else begin
      lane_msg_data_o = carry_q << {shift_q, 3'b000};
    end
  end

  assign hdr_pop    = lane_job_valid_o && lane_job_ready_i;
  assign take_chunk = (hdr_pop && need_chunk) || (lane_msg_valid_o && lane_msg_ready_i && need_chunk);
  // A beat is done with after its last chunk or after the message's last chunk.
  assign buf_pop    = take_chunk && (32'(take_idx) == Chunks - 1 || take_left == 11'd1);

  always_comb begin
    in_msg_d      = in_msg_q;
    shift_d       = shift_q;
    cidx_d        = cidx_q;
    chunks_left_d = chunks_left_q;
    words_left_d  = words_left_q;
    carry_d       = carry_q;
    if (hdr_pop) begin
      in_msg_d      = 1'b1;
      shift_d       = hdr.shift;
      cidx_d        = hdr.first_chunk;
      chunks_left_d = hdr.chunks;
      words_left_d  = 10'((hjob.len_bits + 16'd127) >> 7);
    end
    if (take_chunk) begin
      carry_d       = chunk;
      chunks_left_d = take_left - 1'b1;
      cidx_d        = (32'(take_idx) == Chunks - 1) ? '0 : take_idx + 1'b1;
    end
    if (lane_msg_valid_o && lane_msg_ready_i) begin
      words_left_d = words_left_q - 1'b1;
      if (words_left_q == 10'd1) begin
        in_msg_d = 1'b0;
        carry_d  = '0;  // no message octets linger once the lane has the job
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      active_q      <= 1'b0;
      addr_q        <= '0;
      beats_left_q  <= '0;
      reserved_q    <= '0;
      in_msg_q      <= 1'b0;
      shift_q       <= '0;
      cidx_q        <= '0;
      chunks_left_q <= '0;
      words_left_q  <= '0;
      carry_q       <= '0;
    end else begin
      active_q      <= active_d;
      addr_q        <= addr_d;
      beats_left_q  <= beats_left_d;
      reserved_q    <= reserved_d;
      in_msg_q      <= in_msg_d;
      shift_q       <= shift_d;
      cidx_q        <= cidx_d;
      chunks_left_q <= chunks_left_d;
      words_left_q  <= words_left_d;
      carry_q       <= carry_d;
    end
  end
endmodule
