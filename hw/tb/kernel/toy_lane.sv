// Testbench-only stand-in for a lane (bring-up of the kernel top before the real lanes exist, and
// a quick model build): the ports and ordering rules of hw/LANES.md, a configurable latency, and a
// toy MAC that the kernel test recomputes in C (XOR of the masked message's 32-bit words, the key's
// first word, COUNT, {BEARER, DIRECTION, LENGTH} and the algorithm number). Never in hw/rtl.
module toy_lane #(
  // Algorithm number folded into the MAC.
  parameter int unsigned Alg = 1,
  // Cycles from the last message word to the result.
  parameter int unsigned Latency = 16
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
  input  logic         msg_last_i,
  output logic         res_valid_o,
  input  logic         res_ready_i,
  output logic [31:0]  res_index_o,
  output logic [31:0]  res_mac_o,
  output logic         res_match_o
);
  typedef enum logic [1:0] {Idle, Data, Wait, Res} state_e;
  state_e      st_q;
  logic [31:0] acc_q, exp_q, idx_q, wait_q;
  logic [15:0] left_q;  // message bits still to come
  logic [127:0] mask, w;

  assign job_ready_o = st_q == Idle;
  assign msg_ready_o = st_q == Data;
  assign res_valid_o = st_q == Res;
  assign res_index_o = idx_q;
  assign res_mac_o   = acc_q;
  assign res_match_o = acc_q == exp_q;
  assign mask = (left_q >= 16'd128) ? {128{1'b1}} : ~({128{1'b1}} >> left_q);
  assign w    = msg_data_i & mask;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      st_q <= Idle;
    end else begin
      case (st_q)
        Idle: if (job_valid_i) begin
          st_q   <= Data;
          acc_q  <= job_key_i[127:96] ^ job_count_i ^ {job_bearer_i, job_dir_i, 10'h0, job_len_bits_i} ^ Alg;
          exp_q  <= job_exp_mac_i;
          idx_q  <= job_index_i;
          left_q <= job_len_bits_i;
        end
        Data: if (msg_valid_i) begin
          acc_q  <= acc_q ^ w[127:96] ^ w[95:64] ^ w[63:32] ^ w[31:0];
          left_q <= (left_q > 16'd128) ? left_q - 16'd128 : 16'd0;
          if (msg_last_i) begin
            if (left_q > 16'd128) $error("toy_lane: msg_last early");
            st_q   <= Wait;
            wait_q <= Latency;
          end else if (left_q <= 16'd128) $error("toy_lane: msg_last missing");
        end
        Wait: begin
          wait_q <= wait_q - 1;
          if (wait_q == 0) st_q <= Res;
        end
        Res: if (res_ready_i) st_q <= Idle;
        default: st_q <= Idle;
      endcase
    end
  end
endmodule
