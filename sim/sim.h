/*
 * The Verilator model of the whole nasmac kernel, behind a C API: the same AXI-Lite registers
 * and the same device memory a card has. One device per nasmac_sim_t; not thread-safe (the
 * driver's sim backend drives it from one thread).
 */
#ifndef NASMAC_SIM_H
#define NASMAC_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nasmac_sim nasmac_sim_t;

/* The memory model applies to every m_axi port of the kernel (each is one AXI4 slave over the
 * same device memory, sim/axi_mem.h). */
typedef struct nasmac_sim_opts {
	uint32_t mem_latency; /* cycles from an accepted AR to its first R beat, and from the last
			       * W beat to B (default 0) */
	uint32_t stall_pct;   /* 0..100: chance per cycle of a random stall on each AXI channel */
	uint64_t seed;        /* for the stalls */
	size_t mem_bytes;     /* size of the device memory (default 256 MiB) */
	const char *trace_path; /* FST trace file, or NULL ($NASMAC_TRACE is used when NULL) */
	uint32_t max_reads;   /* read bursts in flight a port accepts before ARREADY stays low
			       * (0: no limit) */
	uint32_t max_writes;  /* write bursts in flight (AW accepted, B not yet taken) (0: no limit) */
} nasmac_sim_opts_t;

/* AXI response codes the memory can answer with. */
#define NASMAC_SIM_SLVERR 2u
#define NASMAC_SIM_DECERR 3u

/* A bus error to inject: the bursts on port (the bundle name without m_axi_, e.g. "gmem"; NULL:
 * every port) in the chosen direction that overlap [addr_lo, addr_hi) (addr_hi 0: any address),
 * from the nth such burst on (1-based; 0 counts as 1), at most count of them (0: no limit), get
 * resp instead of OKAY. A read burst's R beats carry resp and poisoned data (0xde octets); a write
 * burst's data is not written and its B response carries resp. */
typedef struct nasmac_sim_fault {
	const char *port;
	int write;      /* 0: reads (RRESP), 1: writes (BRESP) */
	uint32_t resp;  /* NASMAC_SIM_SLVERR or NASMAC_SIM_DECERR */
	uint64_t addr_lo, addr_hi;
	uint64_t nth, count;
} nasmac_sim_fault_t;

/* What the memory saw since create, summed over the ports. */
typedef struct nasmac_sim_stats {
	uint64_t protocol_errors;          /* AXI rule violations by the kernel */
	uint64_t read_bursts, write_bursts;
	uint64_t read_beats, write_beats;  /* data beats moved (R, W handshakes) */
	uint64_t rd_errors, wr_errors;     /* bursts answered with an injected error */
	uint64_t dropped;                  /* bursts in flight dropped by nasmac_sim_reset() */
	uint64_t max_reads, max_writes;    /* most bursts in flight on one port at once */
} nasmac_sim_stats_t;

/* opts may be NULL. */
int nasmac_sim_create(const nasmac_sim_opts_t *opts, nasmac_sim_t **out);
void nasmac_sim_free(nasmac_sim_t *sim);

/* AXI-Lite register access through s_axi_control (each takes a few clock cycles). */
int nasmac_sim_reg_write(nasmac_sim_t *sim, uint32_t offset, uint32_t value);
int nasmac_sim_reg_read(nasmac_sim_t *sim, uint32_t offset, uint32_t *value);

/* Device memory: a simple allocator over the model's memory (64-octet aligned addresses). */
int nasmac_sim_mem_alloc(nasmac_sim_t *sim, size_t bytes, uint64_t *dev_addr);
int nasmac_sim_mem_free(nasmac_sim_t *sim, uint64_t dev_addr);
int nasmac_sim_mem_write(nasmac_sim_t *sim, uint64_t dev_addr, const void *src, size_t bytes);
int nasmac_sim_mem_read(nasmac_sim_t *sim, uint64_t dev_addr, void *dst, size_t bytes);

/* Clock until ap_done (or the interrupt line) rises, or max_cycles pass (-ETIMEDOUT), or the
 * kernel breaks an AXI rule (-EPROTO). *cycles (may be NULL) gets the cycles this call ran. */
int nasmac_sim_run(nasmac_sim_t *sim, uint64_t max_cycles, uint64_t *cycles);
/* Adds a fault (see nasmac_sim_fault_t); NULL removes every fault. -EINVAL for a port the
 * kernel does not have, a write fault on a read-only port, or a resp other than 2 or 3. */
int nasmac_sim_inject(nasmac_sim_t *sim, const nasmac_sim_fault_t *fault);
/* Pulls ap_rst_n low for cycles clock cycles (at least 1), as the shell does to a kernel that it
 * resets: the memory drops every transaction in flight, as an interconnect reset would, and the
 * kernel's registers return to their reset values. Then a few cycles with ap_rst_n high. */
int nasmac_sim_reset(nasmac_sim_t *sim, uint32_t cycles);
/* Bursts the memory has accepted and not finished, over every port. */
uint32_t nasmac_sim_in_flight(const nasmac_sim_t *sim);
int nasmac_sim_stats(const nasmac_sim_t *sim, nasmac_sim_stats_t *st);
/* The same for one port (its bundle name without m_axi_, e.g. "gmem"); -EINVAL for none such. */
int nasmac_sim_port_stats(const nasmac_sim_t *sim, const char *port, nasmac_sim_stats_t *st);
/* The name of the kernel's port number i (0, 1, ...), or NULL past the last one. */
const char *nasmac_sim_port(const nasmac_sim_t *sim, unsigned int i);
/* Clock exactly n cycles. */
int nasmac_sim_step(nasmac_sim_t *sim, uint64_t n);
/* Cycles since create. */
uint64_t nasmac_sim_cycles(const nasmac_sim_t *sim);
/* Level of the kernel's interrupt output. */
int nasmac_sim_irq(const nasmac_sim_t *sim);

/* What the model lets tests look into (sim/peek.vlt): every FIFO entry and RAM word of the
 * kernel and the registers right after them (a bypass, an output or a read register). fn is
 * called once per element with its instance (e.g. "nasmac.u_desc.u_beats.g_sync.u_ram"), the
 * variable, the element's index, its bits as little-endian 32-bit words and its width in bits.
 * Returns the number of elements visited (0 for a model built without the visibility). */
typedef void (*nasmac_sim_peek_fn)(void *arg, const char *scope, const char *var, uint32_t elem,
				   const uint32_t *words, uint32_t width);
size_t nasmac_sim_peek(nasmac_sim_t *sim, nasmac_sim_peek_fn fn, void *arg);

#ifdef __cplusplus
}
#endif
#endif /* NASMAC_SIM_H */
