// Self-checking test of nasmac_ctrl alone: AXI-Lite handshakes (AW and W apart, in either order),
// ap_start/ap_done/ap_idle/ap_ready, clear on read, GIE/IER/ISR and the interrupt line, byte
// strobes, arguments frozen while the kernel runs, the read-only registers.
#include <cstdio>
#include <memory>

#include "../tb_util.h"
#include "Vnasmac_ctrl.h"
#include "nasmac_layout.h"

static std::unique_ptr<Vnasmac_ctrl> t;
static tb::counters c;
static int starts;

// The AXI4-Lite bundles of nasmac_axi_pkg.sv (axil_req_t on req_i, axil_rsp_t on rsp_o) reach C++
// as plain vectors, the first field declared in the most significant bits. The widths below are
// the typedefs' in their order; a field's bit offset is the sum of the widths after it.
enum req_field { AWVALID, AWADDR, WVALID, WDATA, WSTRB, BREADY, ARVALID, ARADDR, RREADY, REQ_N };
enum rsp_field { AWREADY, WREADY, BVALID, BRESP, ARREADY, RVALID, RDATA, RRESP, RSP_N };
static const unsigned req_w[REQ_N] = {1, 32, 1, 32, 4, 1, 1, 32, 1};
static const unsigned rsp_w[RSP_N] = {1, 1, 1, 2, 1, 1, 32, 2};

static unsigned lsb_of(const unsigned *w, unsigned n, unsigned f)
{
	unsigned lsb = 0;
	for (unsigned i = f + 1; i < n; i++)
		lsb += w[i];
	return lsb;
}

static void req(req_field f, uint32_t v)
{
	unsigned lsb = lsb_of(req_w, REQ_N, f);
	for (unsigned b = 0; b < req_w[f]; b++) {
		uint32_t &word = t->req_i[(lsb + b) / 32], m = 1u << ((lsb + b) % 32);
		word = (v >> b & 1) ? word | m : word & ~m;
	}
}

static uint32_t rsp(rsp_field f)
{
	return (uint32_t)(t->rsp_o >> lsb_of(rsp_w, RSP_N, f)) & (uint32_t)((1ull << rsp_w[f]) - 1);
}

static void tick()
{
	t->clk_i = 0;
	t->eval();
	t->clk_i = 1;
	t->eval();
	if (t->start_o)
		starts++;
}

// aw_first: present AW alone for a few cycles before W (and the reverse when false).
static void write(uint32_t addr, uint32_t data, uint32_t strb = 0xf, bool aw_first = true)
{
	bool aw = false, w = false;
	req(AWADDR, addr);
	req(WDATA, data);
	req(WSTRB, strb);
	req(BREADY, 1);
	for (int i = 0; i < 50; i++) {
		bool awvalid = !aw && (aw_first || i >= 3), wvalid = !w && (!aw_first || i >= 3);
		req(AWVALID, awvalid);
		req(WVALID, wvalid);
		t->clk_i = 0;
		t->eval();
		bool aw_hs = awvalid && rsp(AWREADY), w_hs = wvalid && rsp(WREADY);
		bool b_hs = rsp(BVALID);
		tick();
		aw |= aw_hs;
		w |= w_hs;
		if (b_hs) {
			req(AWVALID, 0);
			req(WVALID, 0);
			return;
		}
	}
	TB_CHECKF(c, false, "write 0x%x hung", addr);
}

static uint32_t read(uint32_t addr)
{
	bool ar = false;
	req(ARADDR, addr);
	req(RREADY, 1);
	for (int i = 0; i < 50; i++) {
		req(ARVALID, !ar);
		t->clk_i = 0;
		t->eval();
		bool ar_hs = !ar && rsp(ARREADY);
		bool r_hs = rsp(RVALID);
		uint32_t d = rsp(RDATA);
		tick();
		ar |= ar_hs;
		if (r_hs) {
			req(ARVALID, 0);
			return d;
		}
	}
	TB_CHECKF(c, false, "read 0x%x hung", addr);
	return 0;
}

static void done_pulse()
{
	t->done_i = 1;
	tick();
	t->done_i = 0;
	tick();
}

int main(int argc, char **argv)
{
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	t = std::make_unique<Vnasmac_ctrl>(ctx.get());
	t->rst_ni = 0;
	for (int i = 0; i < 4; i++)
		tick();
	t->rst_ni = 1;
	tick();

	TB_CHECKF(c, read(0x00) == 0x4, "AP_CTRL after reset: idle only");
	TB_CHECKF(c, read(0x40) == 0x4e41534d, "ID");
	TB_CHECKF(c, read(0x44) == NASMAC_DEV_VERSION, "VERSION (the generated contract, hw/layout.txt)");
	write(0x10, 0x11223344);
	write(0x14, 0x55667788, 0xf, false);
	TB_CHECKF(c, t->desc_addr_o == 0x5566778811223344ull, "DESC_ADDR 0x%llx", (unsigned long long)t->desc_addr_o);
	write(0x2c, 0xaabbccdd);
	write(0x2c, 0x00000011, 0x1); // one byte lane
	TB_CHECKF(c, read(0x2c) == 0xaabbcc11 && t->arena_bytes_o == 0xaabbcc11, "WSTRB byte write 0x%x", read(0x2c));
	write(0x28, 7);
	TB_CHECKF(c, t->num_jobs_o == 7, "NUM_JOBS");
	write(0x30, 4096);
	TB_CHECKF(c, t->max_jobs_o == 4096 && read(0x30) == 4096, "MAX_JOBS");
	write(0x40, 0);
	TB_CHECKF(c, read(0x40) == 0x4e41534d, "ID read-only");

	// Start: one pulse, ap_start visible while running, arguments frozen.
	write(0x08, 0x1);
	write(0x00, 0x1);
	tick();
	TB_CHECKF(c, starts == 1, "one start pulse (%d)", starts);
	TB_CHECKF(c, read(0x00) == 0x1, "AP_CTRL while running 0x%x", read(0x00));
	write(0x28, 99);
	TB_CHECKF(c, t->num_jobs_o == 7, "NUM_JOBS frozen while running");
	t->cycles_i = 0x123456789aull;
	t->bad_index_i = 5;
	t->run_err_i = 4;
	TB_CHECKF(c, read(0x48) == 0x3456789a && read(0x4c) == 0x12 && read(0x50) == 5,
	      "CYCLES/BAD_INDEX");
	// RUN_STATUS speaks for runs that ended: none yet.
	TB_CHECKF(c, read(0x54) == 0, "RUN_STATUS 0x%x while the first run is going", read(0x54));
	done_pulse();
	t->run_err_i = 0;
	// One run ended with bit 2: RUNS 1; the read clears it.
	TB_CHECKF(c, read(0x54) == 0x104, "RUN_STATUS after one run");
	TB_CHECKF(c, read(0x54) == 0, "RUN_STATUS cleared by its read");
	TB_CHECKF(c, starts == 1, "no restart after done");
	TB_CHECKF(c, read(0x0c) == 0x1, "ISR done");
	TB_CHECKF(c, t->interrupt_o == 0, "no interrupt with GIE off");
	write(0x04, 1);
	TB_CHECKF(c, t->interrupt_o == 1, "interrupt with GIE on");
	TB_CHECKF(c, read(0x00) == 0xe, "AP_CTRL done|idle|ready");
	TB_CHECKF(c, read(0x00) == 0x4, "ap_done and ap_ready clear on read");
	write(0x0c, 0x1);
	TB_CHECKF(c, read(0x0c) == 0 && t->interrupt_o == 0, "ISR toggle on write clears");
	write(0x0c, 0x2);
	TB_CHECKF(c, read(0x0c) == 0x2 && t->interrupt_o == 1, "ISR toggle on write sets");
	write(0x0c, 0x2);
	write(0x28, 99);
	TB_CHECKF(c, t->num_jobs_o == 99, "NUM_JOBS writable when idle");
	// IER off: done leaves ISR alone.
	write(0x08, 0);
	write(0x00, 1);
	tick();
	done_pulse();
	TB_CHECKF(c, starts == 2 && read(0x0c) == 0 && t->interrupt_o == 0, "IER off");
	// Runs queued back to back (XRT starts the next one before the host reads): the status is
	// sticky across ap_start, ORs their errors and counts them.
	TB_CHECKF(c, read(0x54) == 0x100, "RUN_STATUS after the second run");
	t->run_err_i = 1;
	write(0x00, 1);
	tick();
	done_pulse();
	t->run_err_i = 0;
	write(0x00, 1);
	tick();
	TB_CHECKF(c, read(0x54) == 0x101, "RUN_STATUS 0x%x: the first run's error survives the next ap_start",
	      read(0x54));
	done_pulse();
	write(0x00, 1);
	tick();
	done_pulse();
	TB_CHECKF(c, starts == 5, "five starts (%d)", starts);
	TB_CHECKF(c, read(0x54) == 0x200, "RUN_STATUS after two clean runs");
	for (int k = 0; k < 300; k++) {
		t->run_err_i = k == 7 ? 2 : 0;
		write(0x00, 1);
		tick();
		done_pulse();
	}
	t->run_err_i = 0;
	TB_CHECKF(c, read(0x54) == 0xff02, "RUNS stops at 255, the error of run 7 of 300 kept");
	TB_CHECKF(c, read(0x7c) == 0, "unmapped reads 0");
	// A 12-bit address: 0x1010 would alias DESC_ADDR with 7 bits; 0x810 is unmapped.
	TB_CHECKF(c, read(0x810) == 0, "0x810 is not DESC_ADDR");
	write(0x830, 1);
	TB_CHECKF(c, t->max_jobs_o == 4096, "a write to 0x830 is not MAX_JOBS");

	t->final();
	t.reset(); // the model must go before its context
	return c.finish("tb_ctrl");
}
