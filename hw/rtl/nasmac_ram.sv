// nasmac_ram: simple dual-port RAM, one write port and one synchronous read port.
//
// Written in the shape Yosys and Vivado infer as LUTRAM or block RAM (a plain array, write and
// registered read in one clocked block, no reset anywhere). A read of the address written in the
// same cycle returns the old contents (read first); users that need the new word forward it
// themselves (nasmac_fifo does).
module nasmac_ram #(
  // Bits per entry.
  parameter int unsigned Width = 128,
  // Number of entries (any value >= 2).
  parameter int unsigned Depth = 32,
  // Address width, derived.
  parameter int unsigned AddrW = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic             we_i,     // write enable
  input  logic [AddrW-1:0] waddr_i,  // write address
  input  logic [Width-1:0] wdata_i,  // write data
  input  logic [AddrW-1:0] raddr_i,  // read address, sampled every cycle
  output logic [Width-1:0] rdata_o   // mem[raddr_i] one cycle later
);
  logic [Width-1:0] mem [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem[waddr_i] <= wdata_i;
    end
    rdata_q <= mem[raddr_i];
  end

  assign rdata_o = rdata_q;
endmodule
