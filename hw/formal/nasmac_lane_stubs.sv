// Formal-only stand-ins for the three lanes: the same ports as hw/LANES.md, every output left to
// the solver (a fresh value each cycle). The AES/SNOW 3G/ZUC datapaths would swamp the solver and
// say nothing about the AXI ports; with free lane outputs the kernel's AXI rules must hold
// whatever the lanes do (ready/valid at any time, any index or MAC). Yosys reads (* anyseq *) as
// a free input each cycle; for Verilator (lint only) those signals are simply undriven.
/* verilator lint_off DECLFILENAME */
/* verilator lint_off UNDRIVEN */
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
// Every lane's parameters (nasmac.sv sets them), whichever lane the stub stands in for.
`define NASMAC_LANE_STUB(name) \
module name #( \
  parameter int Cores = 8, parameter int MsgFifoDepth = 64, parameter int BufWords = 64, \
  parameter int unsigned Slots = 32, parameter int unsigned SlotBlocks = 128, \
  parameter int unsigned ResDepth = 32 \
) ( \
  input  logic         clk_i, \
  input  logic         rst_ni, \
  input  logic         job_valid_i, \
  output logic         job_ready_o, \
  input  nasmac_lane_pkg::lane_job_t job_i, \
  input  logic         msg_valid_i, \
  output logic         msg_ready_o, \
  input  logic [127:0] msg_data_i, \
  input  logic         msg_last_i, \
  output logic         res_valid_o, \
  input  logic         res_ready_i, \
  output nasmac_lane_pkg::lane_res_t res_o \
); \
  (* anyseq *) logic        any_job_ready, any_msg_ready, any_res_valid; \
  (* anyseq *) logic [nasmac_lane_pkg::LANE_RES_W-1:0] any_res; \
  assign job_ready_o = any_job_ready; \
  assign msg_ready_o = any_msg_ready; \
  assign res_valid_o = any_res_valid; \
  assign res_o       = any_res; \
endmodule

`NASMAC_LANE_STUB(nasmac_eia1_lane)
`NASMAC_LANE_STUB(nasmac_eia2_lane)
`NASMAC_LANE_STUB(nasmac_eia3_lane)
