// nasmac_fifo: synchronous first-word-fall-through FIFO, the one FIFO every module uses.
//
// rd_data_o shows the oldest entry while rd_valid_o; one push and one pop per cycle, no bubbles;
// an entry pushed in cycle c is visible from cycle c + 1 (c + 2 with OutReg, c + 3 with OutReg
// and SyncRead). The storage has no
// reset (only the pointers do), so synthesis maps it to LUTRAM or block RAM. Two storage styles,
// same ports and cycle behaviour:
//  - SyncRead = 0: the head is read combinationally from the array (LUTRAM, one LUT level from
//    the read pointer register to rd_data_o). For small, shallow FIFOs.
//  - SyncRead = 1: the storage is a nasmac_ram with a registered read port (block RAM for deep
//    or wide FIFOs). The RAM is read at the next read pointer every cycle, so the head waits in
//    the read register; a push into the entry about to be shown is forwarded through a bypass
//    register. rd_data_o then comes from registers (a 2:1 mux after them).
// Options:
//  - OutReg = 1: one more register after the storage, holding the head (a pipeline stage that
//    reloads in the cycle it is taken, so the rate stays one entry per cycle). rd_valid_o and
//    rd_data_o then come straight from flip-flops: a block RAM's clock-to-out (about 1 ns) ends
//    in that register instead of in the reader's logic. Capacity Depth + 1. With SyncRead the
//    bypass goes: the read side sees a push a cycle late instead (see g_late).
//  - Wipe = 1: for entries that carry keys. A popped entry keeps its contents until it is
//    overwritten, so popped entries are zeroed through the write port in cycles without a push
//    (a wipe pointer trails the read pointer); a push into the oldest popped entry overwrites it
//    and counts as its wipe. Reset marks every entry for wiping (the contents survive a reset).
//    The bypass and output registers are cleared once their word has moved on. A FIFO pushed in
//    every cycle wipes nothing until the pushes pause; all entries are zero at most Depth idle
//    cycles after the last pop.
module nasmac_fifo #(
  // Bits per entry.
  parameter int unsigned Width = 32,
  // Entries; a power of two, at least 2.
  parameter int unsigned Depth = 4,
  // 1: registered-read RAM storage (block RAM); 0: combinational-read array (LUTRAM).
  parameter int unsigned SyncRead = 0,
  // 1: the head in an output register (see above).
  parameter int unsigned OutReg = 0,
  // 1: popped entries are zeroed (see above).
  parameter int unsigned Wipe = 0
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
  // The storage's own head (before the output register, if any).
  logic             s_valid, s_ready;
  logic [Width-1:0] s_data;
  // The storage's write port: a push, or a wipe in a cycle without one.
  logic             st_we;
  logic [AW-1:0]    st_waddr;
  logic [Width-1:0] st_wdata;

  // The write pointer as the read side sees it (a cycle later with SyncRead and OutReg).
  logic [AW:0] wr_vis;

  assign wr_ready_o = (wr_ptr_q ^ rd_ptr_q) != {1'b1, {AW{1'b0}}};
  assign s_valid    = wr_vis != rd_ptr_q;
  assign push       = wr_valid_i && wr_ready_o;
  assign pop        = s_valid && s_ready;

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

  if (Wipe != 0) begin : g_wipe
    // Entries wp_q .. rd_ptr_q - 1 are popped and not yet zeroed (at most Depth of them).
    logic [AW:0] wp_q, wp_d;
    logic        wipe;

    // Not in a cycle with write data offered, pushed or not: a full FIFO has no popped entries
    // (so none is lost), and the write port's mux then hangs on wr_valid_i alone.
    assign wipe = !wr_valid_i && wp_q != rd_ptr_q;
    always_comb begin
      wp_d = wp_q;
      // The oldest popped entry is the one a push lands on when all free entries await a wipe.
      if (wipe || (push && (wr_ptr_q ^ wp_q) == {1'b1, {AW{1'b0}}})) wp_d = wp_q + 1'b1;
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) wp_q <= {1'b1, {AW{1'b0}}};  // all Depth entries, behind rd_ptr_q = 0
      else         wp_q <= wp_d;
    end
    assign st_we    = push || wipe;
    assign st_waddr = wr_valid_i ? wr_ptr_q[AW-1:0] : wp_q[AW-1:0];
    assign st_wdata = wr_valid_i ? wr_data_i : '0;
  end else begin : g_nowipe
    assign st_we    = push;
    assign st_waddr = wr_ptr_q[AW-1:0];
    assign st_wdata = wr_data_i;
  end

  if (SyncRead != 0) begin : g_sync
    logic [Width-1:0] ram_rdata;

    nasmac_ram #(.Width(Width), .Depth(Depth)) u_ram (
      .clk_i,
      .we_i   (st_we),
      .waddr_i(st_waddr),
      .wdata_i(st_wdata),
      .raddr_i(rd_ptr_d[AW-1:0]),
      .rdata_o(ram_rdata)
    );

    if (OutReg != 0) begin : g_late
      logic [AW:0] wr_vis_q;

      // No bypass: an entry becomes visible to the read side a cycle later than it could, when
      // the RAM's read register already holds it (written in c, read at the end of c + 1,
      // shown from c + 2). The output register hides the extra cycle from the rate; the
      // bypass's pointer compare and mux would sit between the pointers and that register.
      always_ff @(posedge clk_i) begin
        if (!rst_ni) wr_vis_q <= '0;
        else         wr_vis_q <= wr_ptr_q;
      end
      assign wr_vis = wr_vis_q;
      assign s_data = ram_rdata;
    end else begin : g_byp
      logic [Width-1:0] byp_data_q;
      logic             byp_q;

      assign wr_vis = wr_ptr_q;

      // The entry shown next cycle is the one written now (only possible when the FIFO is
      // empty after this cycle's pop): the RAM returns the old word, so show the forwarded one.
      always_ff @(posedge clk_i) begin
        if (!rst_ni) begin
          byp_q <= 1'b0;
        end else begin
          byp_q <= push && (wr_ptr_q == rd_ptr_d);
        end
      end

      // With Wipe the bypass register holds a word only after a cycle with write data offered
      // (it is shown only in the cycle after its push); otherwise it samples the write data.
      always_ff @(posedge clk_i) begin
        byp_data_q <= (Wipe != 0 && !wr_valid_i) ? '0 : wr_data_i;
      end

      assign s_data = byp_q ? byp_data_q : ram_rdata;
    end
  end else begin : g_async
    logic [Width-1:0] mem_q [Depth];

    assign wr_vis = wr_ptr_q;

    // The storage write is kept apart from the pointer block so that it carries no reset.
    always_ff @(posedge clk_i) begin
      if (st_we) mem_q[st_waddr] <= st_wdata;
    end

    assign s_data = mem_q[rd_ptr_q[AW-1:0]];
  end

  if (OutReg != 0) begin : g_out
    logic             ov_q;
    logic [Width-1:0] od_q;

    // Reload whenever the register is empty or its word is taken.
    assign s_ready = !ov_q || rd_ready_i;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) ov_q <= 1'b0;
      else if (s_ready) ov_q <= s_valid;
    end
    always_ff @(posedge clk_i) begin
      if (s_ready && (s_valid || Wipe != 0)) od_q <= s_valid ? s_data : '0;
    end
    assign rd_valid_o = ov_q;
    assign rd_data_o  = od_q;
  end else begin : g_direct
    assign s_ready    = rd_ready_i;
    assign rd_valid_o = s_valid;
    assign rd_data_o  = s_data;
  end
endmodule
