// Round-robin arbiter with a registered grant. grant_o comes straight from a register, so the
// multiplexer it selects and the ready it returns start a new path instead of extending the
// requesters' logic. valid_o says the granted source is requesting now; take_i says the consumer
// accepted that request this cycle. The grant moves whenever it is not in use (no request at the
// granted source) or has just been used: to the next requesting source after it, so a source that
// keeps its request gets its turn again only after every other requester (it may be granted
// again at once when it is alone; if its request then drops, one cycle passes without a grant).
// Requests must follow valid/ready rules: once raised, held until taken.
module nasmac_rr_arb #(
  // Requesters (at least 1).
  parameter int unsigned N = 4,
  // Width of the grant index (derived; do not set).
  parameter int unsigned IdxW = (N > 1) ? $clog2(N) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic [N-1:0]    req_i,
  input  logic            take_i,   // the granted request was accepted this cycle
  output logic            valid_o,  // the granted source is requesting
  output logic [IdxW-1:0] grant_o
);
  logic [IdxW-1:0] grant_q, grant_d;

  assign grant_o = grant_q;
  assign valid_o = req_i[grant_q];

  // idx[i-1]: the source i places after grant_q, wrapping (grant_q + i < 2 N).
  logic [IdxW-1:0] idx [N];
  always_comb begin
    for (int i = 1; i <= N; i++) begin
      idx[i - 1] = (32'(grant_q) + i >= N) ? IdxW'(32'(grant_q) + i - N) : IdxW'(32'(grant_q) + i);
    end
  end

  always_comb begin
    grant_d = grant_q;
    if (!valid_o || take_i) begin
      // Scanning downwards leaves the first requester after grant_q (grant_q itself last).
      for (int i = N; i >= 1; i--) begin
        if (req_i[idx[i - 1]]) grant_d = idx[i - 1];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) grant_q <= '0;
    else         grant_q <= grant_d;
  end
endmodule
