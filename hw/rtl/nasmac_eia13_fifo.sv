// nasmac_eia13_fifo: small synchronous FIFO with a combinational head (first-word fall-through),
// used for the message words of the EIA1 and EIA3 lanes. Message data is not secret, so the
// storage is not wiped; only the pointers are reset.
module nasmac_eia13_fifo #(
  // Width of one entry in bits.
  parameter int Width = 128,
  // Number of entries; a power of two, at least 2.
  parameter int Depth = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [Width-1:0] in_data_i,
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [Width-1:0] out_data_o
);

  localparam int AddrW = $clog2(Depth);

  logic [Width-1:0] mem_q [Depth];
  logic [AddrW:0]   wptr_q, wptr_d, rptr_q, rptr_d;
  logic             push, pop;

  assign in_ready_o  = (wptr_q - rptr_q) != (AddrW + 1)'(Depth);
  assign out_valid_o = wptr_q != rptr_q;
  assign out_data_o  = mem_q[rptr_q[AddrW-1:0]];
  assign push        = in_valid_i && in_ready_o;
  assign pop         = out_valid_o && out_ready_i;

  always_comb begin
    wptr_d = wptr_q;
    rptr_d = rptr_q;
    if (push) wptr_d = wptr_q + 1'b1;
    if (pop) rptr_d = rptr_q + 1'b1;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wptr_q <= '0;
      rptr_q <= '0;
    end else begin
      wptr_q <= wptr_d;
      rptr_q <= rptr_d;
    end
  end

  // The storage has no reset so that it can map to distributed RAM.
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wptr_q[AddrW-1:0]] <= in_data_i;
  end

endmodule
