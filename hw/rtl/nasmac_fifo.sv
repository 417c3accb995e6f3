// nasmac_fifo: synchronous first-word-fall-through FIFO, the one FIFO every module uses.
//
// rd_data_o shows the oldest entry while rd_valid_o; one push and one pop per cycle, no bubbles;
// an entry pushed in cycle c is visible from cycle c + 1. The storage has no reset (only the
// pointers do), so synthesis maps it to LUTRAM or block RAM. Two storage styles, same ports
// and cycle behaviour:
//  - SyncRead = 0: the head is read combinationally from the array (LUTRAM, one LUT level from
//    the read pointer register to rd_data_o). For small, shallow FIFOs.
//  - SyncRead = 1: the storage is a nasmac_ram with a registered read port (block RAM for deep
//    or wide FIFOs). The RAM is read at the next read pointer every cycle, so the head waits in
//    the read register; a push into the entry about to be shown is forwarded through a bypass
//    register. rd_data_o then comes from registers (a 2:1 mux after them).
module nasmac_fifo #(
  // Bits per entry.
  parameter int unsigned Width = 32,
  // Entries; a power of two, at least 2.
  parameter int unsigned Depth = 4,
  // 1: registered-read RAM storage (block RAM); 0: combinational-read array (LUTRAM).
  parameter int unsigned SyncRead = 0
) (
  input  logic             clk_i,
  input  logic             rst_ni,      // synchronous, active low: empties the FIFO
  input  logic             wr_valid_i,
  output logic             wr_ready_o,  // not full
  input  logic [Width-1:0] wr_data_i,
  output logic             rd_valid_o,  // not empty; rd_data_o is the head
  input  logic             rd_ready_i,
  output logic [Width-1:0] rd_data_o
);
  localparam int unsigned AW = $clog2(Depth);

  // Pointers with one wrap bit: equal means empty, equal but for the wrap bit means full.
  logic [AW:0] wr_ptr_q, wr_ptr_d, rd_ptr_q, rd_ptr_d;
  logic        push, pop;

  assign wr_ready_o = (wr_ptr_q ^ rd_ptr_q) != {1'b1, {AW{1'b0}}};
  assign rd_valid_o = wr_ptr_q != rd_ptr_q;
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

  if (SyncRead != 0) begin : g_sync
    logic [Width-1:0] ram_rdata, byp_data_q;
    logic             byp_q;

    nasmac_ram #(.Width(Width), .Depth(Depth)) u_ram (
      .clk_i,
      .we_i   (push),
      .waddr_i(wr_ptr_q[AW-1:0]),
      .wdata_i(wr_data_i),
      .raddr_i(rd_ptr_d[AW-1:0]),
      .rdata_o(ram_rdata)
    );

    // The entry shown next cycle is the one written now (only possible when the FIFO is empty
    // after this cycle's pop): the RAM returns the old word, so show the forwarded one.
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        byp_q <= 1'b0;
      end else begin
        byp_q <= push && (wr_ptr_q == rd_ptr_d);
      end
    end

    always_ff @(posedge clk_i) begin
      byp_data_q <= wr_data_i;
    end

    assign rd_data_o = byp_q ? byp_data_q : ram_rdata;
  end else begin : g_async
    logic [Width-1:0] mem_q [Depth];

    // The storage write is kept apart from the pointer block so that it carries no reset.
    always_ff @(posedge clk_i) begin
      if (push) mem_q[wr_ptr_q[AW-1:0]] <= wr_data_i;
    end

    assign rd_data_o = mem_q[rd_ptr_q[AW-1:0]];
  end
endmodule
