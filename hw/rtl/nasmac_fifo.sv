// Synchronous first-word-fall-through FIFO: rd_data_o shows the oldest entry while rd_valid_o.
// The storage has no reset (only the pointers do), so synthesis may map it to LUTRAM or BRAM.
module nasmac_fifo #(
  // Bits per entry.
  parameter int unsigned Width = 32,
  // Entries; a power of two, at least 2.
  parameter int unsigned Depth = 4
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     wr_valid_i,
  output logic                     wr_ready_o,
  input  logic [Width-1:0]         wr_data_i,
  output logic                     rd_valid_o,
  input  logic                     rd_ready_i,
  output logic [Width-1:0]         rd_data_o
);
  localparam int unsigned AW = $clog2(Depth);

  logic [Width-1:0] mem_q [Depth];
  logic [AW:0] wr_ptr_q, wr_ptr_d, rd_ptr_q, rd_ptr_d;
  logic [AW:0] count;
  logic push, pop;

  assign count      = wr_ptr_q - rd_ptr_q;
  assign wr_ready_o = count != Depth[AW:0];
  assign rd_valid_o = wr_ptr_q != rd_ptr_q;
  assign rd_data_o  = mem_q[rd_ptr_q[AW-1:0]];
  assign push       = wr_valid_i && wr_ready_o;
  assign pop        = rd_valid_o && rd_ready_i;

  always_comb begin
    wr_ptr_d = wr_ptr_q;
    rd_ptr_d = rd_ptr_q;
    if (push) wr_ptr_d = wr_ptr_q + 1'b1;
    if (pop)  rd_ptr_d = rd_ptr_q + 1'b1;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wr_ptr_q <= '0;
      rd_ptr_q <= '0;
    end else begin
      wr_ptr_q <= wr_ptr_d;
      rd_ptr_q <= rd_ptr_d;
    end
  end

  // The storage write is kept apart from the pointer block so that it carries no reset.
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wr_ptr_q[AW-1:0]] <= wr_data_i;
  end
endmodule
