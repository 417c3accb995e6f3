// nasmac_eia13_ks_ctrl: the SNOW 3G keystream core's sequencing (the ZUC core, re-pipelined, has its
// own now). It loads key and IV, clocks 32 times in initialisation mode (the FSM output fed back into
// the LFSR), once in keystream mode with the output discarded, and then delivers one word per clock under
// valid/ready. The core owns the cipher state; this module tells it when to load and when to step.
module nasmac_eia13_ks_ctrl (
  input  logic clk_i,
  input  logic rst_ni,
  // Start request; taken when ready_o is high (load_o is then high for one clock).
  input  logic init_i,
  // Abort or finish: back to idle; the core wipes its state in the same clock.
  input  logic clear_i,
  input  logic ks_ready_i,
  output logic ready_o,
  output logic ks_valid_o,
  output logic load_o,
  output logic step_o,
  output logic init_mode_o
);

  typedef enum logic [1:0] {
    StIdle    = 2'd0,
    StInit    = 2'd1,
    StDiscard = 2'd2,
    StRun     = 2'd3
  } state_e;

  state_e     state_q, state_d;
  logic [4:0] cnt_q, cnt_d;

  assign ready_o    = (state_q == StIdle);
  assign ks_valid_o = (state_q == StRun);

  always_comb begin
    state_d     = state_q;
    cnt_d       = cnt_q;
    load_o      = 1'b0;
    step_o      = 1'b0;
    init_mode_o = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (init_i) begin
          load_o  = 1'b1;
          cnt_d   = '0;
          state_d = StInit;
        end
      end
      StInit: begin
        step_o      = 1'b1;
        init_mode_o = 1'b1;
        cnt_d       = cnt_q + 5'd1;
        if (cnt_q == 5'd31) state_d = StDiscard;
      end
      StDiscard: begin
        step_o  = 1'b1;
        state_d = StRun;
      end
      StRun: begin
        step_o = ks_ready_i;
      end
      default: state_d = StIdle;
    endcase
    if (clear_i) begin
      state_d = StIdle;
      cnt_d   = '0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      cnt_q   <= '0;
    end else begin
      state_q <= state_d;
      cnt_q   <= cnt_d;
    end
  end

endmodule
