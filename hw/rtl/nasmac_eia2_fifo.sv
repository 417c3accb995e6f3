// nasmac_eia2_fifo: first-word-fall-through FIFO on a synchronous-read RAM.
//
// The RAM is read at the *next* read pointer every cycle, so the head entry is always waiting in
// the read register; a write into the entry being read is forwarded through a bypass register.
// One push and one pop per cycle, no bubbles. The writer must not push when full_o is set (the
// lane reserves space with credits before it starts the work that produces an entry).
module nasmac_eia2_fifo #(
  // Bits per entry.
  parameter int unsigned Width = 65,
  // Entries, a power of two >= 2.
  parameter int unsigned Depth = 32
) (
  input  logic             clk_i,
  input  logic             rst_ni,     // synchronous, active low
  input  logic             push_i,     // write wdata_i (only when !full_o)
  input  logic [Width-1:0] wdata_i,
  output logic             full_o,
  output logic             valid_o,    // head entry present
  output logic [Width-1:0] rdata_o,    // head entry
  input  logic             ready_i     // consumer takes the head when valid_o && ready_i
);
  localparam int unsigned PtrW = $clog2(Depth);

  logic [PtrW-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic [PtrW:0]   count_q, count_d;
  logic            byp_q, byp_d;
  logic [Width-1:0] bdata_q, ram_rdata;
  logic            pop;

  assign pop = valid_o && ready_i;

  always_comb begin
    wptr_d  = wptr_q + PtrW'(push_i);
    rptr_d  = rptr_q + PtrW'(pop);
    count_d = count_q + (PtrW+1)'(push_i) - (PtrW+1)'(pop);
    // The entry the read register will show next cycle is being written now: forward it.
    byp_d   = push_i && (wptr_q == rptr_d);
  end

  nasmac_eia2_ram #(.Width(Width), .Depth(Depth)) u_ram (
    .clk_i  (clk_i),
    .we_i   (push_i),
    .waddr_i(wptr_q),
    .wdata_i(wdata_i),
    .raddr_i(rptr_d),
    .rdata_o(ram_rdata)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
      byp_q   <= 1'b0;
    end else begin
      wptr_q  <= wptr_d;
      rptr_q  <= rptr_d;
      count_q <= count_d;
      byp_q   <= byp_d;
    end
  end

  always_ff @(posedge clk_i) begin
    bdata_q <= wdata_i;
  end

  assign full_o  = count_q[PtrW];
  assign valid_o = (count_q != '0);
  assign rdata_o = byp_q ? bdata_q : ram_rdata;
endmodule
