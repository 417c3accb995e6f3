// Testbench-only toy EIA1 lane (see toy_lane.sv): same module name and ports as the real one.
module nasmac_eia1_lane (
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
  toy_lane #(.Alg(1), .Latency(40)) u_toy (.*);
endmodule
