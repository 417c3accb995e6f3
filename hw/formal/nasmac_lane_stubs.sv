// Formal-only stand-ins for the three lanes: the same ports as hw/LANES.md, every output left to
// the solver (a fresh value each cycle). The AES/SNOW 3G/ZUC datapaths would swamp the solver and
// say nothing about the AXI ports; with free lane outputs the kernel's AXI rules must hold
// whatever the lanes do (ready/valid at any time, any index or MAC). Yosys reads (* anyseq *) as
// a free input each cycle; for Verilator (lint only) those signals are simply undriven.
/* verilator lint_off DECLFILENAME */
/* verilator lint_off UNDRIVEN */
/* verilator lint_off UNUSEDSIGNAL */
`define NASMAC_LANE_STUB(name) \
module name ( \
  input  logic         clk_i, \
  input  logic         rst_ni, \
  input  logic         job_valid_i, \
  output logic         job_ready_o, \
  input  logic [127:0] job_key_i, \
  input  logic [31:0]  job_count_i, \
  input  logic [4:0]   job_bearer_i, \
  input  logic         job_dir_i, \
  input  logic [15:0]  job_len_bits_i, \
  input  logic [31:0]  job_exp_mac_i, \
  input  logic [31:0]  job_index_i, \
  input  logic         msg_valid_i, \
  output logic         msg_ready_o, \
  input  logic [127:0] msg_data_i, \
  input  logic         msg_last_i, \
  output logic         res_valid_o, \
  input  logic         res_ready_i, \
  output logic [31:0]  res_index_o, \
  output logic [31:0]  res_mac_o, \
  output logic         res_match_o \
); \
  (* anyseq *) logic        any_job_ready, any_msg_ready, any_res_valid, any_res_match; \
  (* anyseq *) logic [31:0] any_res_index, any_res_mac; \
  assign job_ready_o = any_job_ready; \
  assign msg_ready_o = any_msg_ready; \
  assign res_valid_o = any_res_valid; \
  assign res_index_o = any_res_index; \
  assign res_mac_o   = any_res_mac; \
  assign res_match_o = any_res_match; \
endmodule

`NASMAC_LANE_STUB(nasmac_eia1_lane)
`NASMAC_LANE_STUB(nasmac_eia2_lane)
`NASMAC_LANE_STUB(nasmac_eia3_lane)
