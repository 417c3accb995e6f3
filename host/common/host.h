/*
 * Internals shared by nasmacd (MME and AMF roles), the UE simulator / load generator and the
 * end-to-end benchmark: logging, counters, NAS COUNT estimation, the UE context store and its
 * file format, the UE <-> AMF test link framing, batched UDP on libuv, the libnasmac job queue
 * and latency percentiles. Everything here is nasmac__-prefixed; see host/README.md.
 */
#ifndef NASMAC_HOST_H
#define NASMAC_HOST_H

#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <uv.h>

#include "hex.h"
#include "nasmac.h"

/* ---------------------------------------------------------------------------------------------
 * Logging (log.c): one line per event, UTC timestamp with milliseconds, role and level, on
 * stderr. nasmac__log_rl() rate-limits one kind of event (a flood of garbage must not flood
 * the log): at most `burst` lines per second per limiter, then one summary line saying how many
 * were suppressed. The summary comes when the burst is over: from nasmac__log_rl_tick(), which
 * a daemon calls from a timer (every limiter used once is on its list), or with the next line
 * of that kind, whichever is first.
 */
enum { NASMAC__LOG_ERR = 0, NASMAC__LOG_WARN, NASMAC__LOG_INFO, NASMAC__LOG_DEBUG };

struct nasmac__ratelimit {
	uint64_t window_ms;  /* start of the current one-second window */
	uint32_t printed;    /* lines printed in this window */
	uint32_t suppressed; /* lines dropped in this window */
	uint32_t burst;      /* lines allowed per window */
	int level;           /* of the lines suppressed, for the summary */
	const char *fmt;     /* the format of the last line suppressed, for the summary */
	struct nasmac__ratelimit *next_rl; /* the list nasmac__log_rl_tick() walks */
	uint8_t listed;
};

void nasmac__log_init(const char *role, int level);
void nasmac__log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nasmac__log_rl(struct nasmac__ratelimit *rl, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same for a caller that takes the arguments itself. */
void nasmac__log_vrl(struct nasmac__ratelimit *rl, int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Prints the summary of every limiter whose window ended with lines suppressed. */
void nasmac__log_rl_tick(void);
/* Takes a limiter off the tick's list (before its memory goes away). */
void nasmac__log_rl_forget(struct nasmac__ratelimit *rl);
/* Tests: where lines go (NULL: stderr) and the clock of the limiters (NULL: monotonic). */
void nasmac__log_set_output(FILE *f);
/* --log stderr|syslog|FILE (a file is appended to, 0640, and reopened after SIGHUP) and
 * --log-level error|warn|info|debug, taken by nasmacd for every role before the role starts. */
int nasmac__log_open(const char *dest);
int nasmac__log_level_parse(const char *s);
void nasmac__log_force_level(int level);
const char *nasmac__log_dest(void);
/* From a signal handler: the next line reopens the file. */
void nasmac__log_request_reopen(void);
/* Reopens the file now: 1 reopened, 0 no file (stderr or syslog), or -errno. */
int nasmac__log_reopen(void);
/* A role's SIGHUP handler: reopens the file (if any) and says so in the log. */
void nasmac__log_hup(void);
void nasmac__log_set_clock(uint64_t (*now_ms)(void));
uint64_t nasmac__now_ns(void);

/* ---------------------------------------------------------------------------------------------
 * NAS COUNT (count.c), TS 24.301 4.4.3.1: a 24-bit value, 16-bit overflow || 8-bit SQN.
 */
#define NASMAC__COUNT_MASK 0x00ffffffu

/* Estimates the full uplink COUNT of a received message from its 8-bit SQN and the COUNT of the
 * last message accepted from the same context: the overflow part is kept, and incremented when
 * the SQN went backwards (wrapped). The estimate is only committed once the MAC verified. */
uint32_t nasmac__count_estimate(uint32_t last_accepted, uint8_t sqn);
/* 1 when est may be accepted, 0 when it is a replay (not above the last one accepted). */
int nasmac__count_is_fresh(uint32_t last_accepted, uint32_t est);

/* ---------------------------------------------------------------------------------------------
 * UE EPS security contexts (store.c). The MME's store; the UE simulator reads and writes the same
 * file format (see host/README.md, "UE db file").
 */
#define NASMAC__GUTI_LEN 10 /* PLMN (3, BCD as in the GUTI IE) | MMEGI (2) | MMEC (1) | M-TMSI (4) */

enum nasmac__ue_state {
	NASMAC__UE_IDLE = 0,     /* EPS context held, nothing in progress */
	NASMAC__UE_VERIFYING,    /* a MAC check for a Context Request is in flight */
	NASMAC__UE_SENT,         /* Context Response with the context sent, waiting for the Ack */
	NASMAC__UE_TRANSFERRED,  /* the AMF acknowledged: the context now lives in 5GS */
};

struct nasmac__ue {
	uint8_t guti[NASMAC__GUTI_LEN];
	char imsi[16];      /* digits, NUL-terminated */
	uint8_t kasme[32];
	uint8_t knas_int[16]; /* derived from kasme and eia when loaded (TS 33.401 A.7) */
	uint8_t ksi;        /* eKSI, 0..6 */
	uint8_t eia, eea;   /* selected EPS NAS algorithms (1..3, 0..3) */
	uint8_t upgraded;   /* the MME of this UE understands the FIG. 3 extension */
	uint8_t kamf_by_mme; /* FIG. 3: the MME derives K_AMF (step 305) instead of returning K_ASME */
	uint8_t echo5g;     /* the MME echoed the UE's 5G security capability in its attach SMC */
	uint8_t state;      /* enum nasmac__ue_state */
	uint8_t in_use;
	uint32_t ul_count;  /* uplink NAS COUNT of the last message accepted */
	uint32_t dl_count;  /* downlink NAS COUNT the next message will use */
	/* A remote store's version of this record (store.h, struct nasmac__db_adv): a new one at
	 * each change of the record; 0 on a local store. */
	uint32_t ver;
	uint64_t ue_id;     /* the UE simulator's id (the test link uses it) */
	/* The MME's transactions for this UE (the last request, a context awaiting its Ack) are
	 * kept beside the store, in gtp_txn.h's struct nasmac__ue_txn. */
};

struct nasmac__store {
	struct nasmac__ue *ues;
	uint32_t cap, n;          /* slots, UEs held */
	uint32_t *by_guti, *by_imsi; /* open addressing: index + 1 into ues, 0 empty */
	uint32_t tab_mask;
};

int nasmac__store_init(struct nasmac__store *st, uint32_t cap);
void nasmac__store_free(struct nasmac__store *st); /* wipes the keys */
/* Copies *ue in; -EEXIST if its GUTI or IMSI is already there, -ENOSPC when full. */
int nasmac__store_add(struct nasmac__store *st, const struct nasmac__ue *ue);
struct nasmac__ue *nasmac__store_by_guti(const struct nasmac__store *st,
					 const uint8_t guti[NASMAC__GUTI_LEN]);
struct nasmac__ue *nasmac__store_by_imsi(const struct nasmac__store *st, const char *imsi);
/* A burst's GUTI lookups ahead of time, in two passes over the burst so the misses overlap:
 * prefetch_slot fetches the GUTI's first table slot and returns it (UINT32_MAX: no table),
 * prefetch_ue then fetches the UE record that slot names (the likely match) and returns its
 * index (UINT32_MAX: none), for the caller's own per-UE data. */
uint32_t nasmac__store_prefetch_slot(const struct nasmac__store *st,
				     const uint8_t guti[NASMAC__GUTI_LEN]);
uint32_t nasmac__store_prefetch_ue(const struct nasmac__store *st, uint32_t slot);
/* nasmac__store_by_guti from the slot prefetch_slot returned for this GUTI (not hashed again);
 * UINT32_MAX: hashes as nasmac__store_by_guti does. */
struct nasmac__ue *nasmac__store_by_guti_at(const struct nasmac__store *st,
					    const uint8_t guti[NASMAC__GUTI_LEN], uint32_t slot);
/* One line of the UE db file <-> one UE; parse returns 0, 1 for a blank/comment line, or
 * -EINVAL. The line format is in host/README.md. */
int nasmac__ue_parse(const char *line, struct nasmac__ue *ue);
/* The same, with what is wrong in why (the field, or "longer than 511 characters"). */
int nasmac__ue_parse_why(const char *line, struct nasmac__ue *ue, char *why, size_t why_size);
int nasmac__ue_format(const struct nasmac__ue *ue, char *buf, size_t size);
/* Why a UE db file could not be read: the line (1-based, 0: the file itself) and a message
 * ("a directory", "line 7: field 'eia': bad or unknown", strerror...). */
struct nasmac__ue_db_err {
	uint32_t line;
	char msg[160];
};
/* Reads a UE db file, calling cb for each UE (a nonzero return stops the read with it). Only a
 * regular file is read: a directory gives -EISDIR, a device, FIFO or socket -EINVAL. A comment
 * line of any length is a comment; any other line longer than 511 characters is refused. */
int nasmac__ue_db_read(const char *path, int (*cb)(void *arg, const struct nasmac__ue *ue),
		       void *arg, struct nasmac__ue_db_err *err);
/* Loads a whole file into st; on a bad line, -EINVAL and *bad_line says which (1-based). */
int nasmac__store_load(struct nasmac__store *st, const char *path, uint32_t *bad_line);
/* Derives knas_int from kasme and eia (nasmac_kdf_eps_nas). */
int nasmac__ue_derive(struct nasmac__ue *ue);
/* A check value of a 256-bit key (K_AMF) for logs and tests: the first 4 octets of
 * KDF(key, FC 0xff, P0 = "nasmac key check value"), never the key itself; 0 if the KDF fails. */
uint32_t nasmac__key_check(const uint8_t key[32]);

/* ---------------------------------------------------------------------------------------------
 * The UE <-> AMF test link (link.c): one UDP datagram per frame, see host/README.md.
 */
#define NASMAC__LINK_HDR 10u
#define NASMAC__LINK_MAX 2048u

enum nasmac__link_kind {
	NASMAC__LINK_UL = 0x01,     /* UE -> AMF: NAS PDU(s) */
	NASMAC__LINK_DL = 0x02,     /* AMF -> UE: NAS PDU */
};

/* Outcome diagnostics the AMF adds to a downlink frame carrying a Registration Reject, so the load
 * generator can count rejections by reason (the 5GMM cause alone does not separate them). */
enum nasmac__diag {
	NASMAC__DIAG_NONE = 0,
	NASMAC__DIAG_MAC = 1,       /* a MAC did not verify (MME or AMF) */
	NASMAC__DIAG_REPLAY = 2,    /* the COUNT was not above the last accepted */
	NASMAC__DIAG_UNKNOWN = 3,   /* the MME has no context for the GUTI */
	NASMAC__DIAG_MALFORMED = 4, /* the request could not be decoded */
	NASMAC__DIAG_OVERLOAD = 5,  /* no resources (MME or AMF) */
	NASMAC__DIAG_TIMEOUT = 6,   /* the MME did not answer */
	NASMAC__DIAG_OTHER = 7,
	NASMAC__DIAG_COUNT = 8,
};
const char *nasmac__diag_name(int diag);

struct nasmac__link_frame {
	uint64_t ue_id;
	uint8_t kind;  /* enum nasmac__link_kind */
	uint8_t info;  /* UL: second-MAC manner 0..4 (FIG. 2); DL: enum nasmac__diag */
	const uint8_t *pdu[2];
	size_t pdu_len[2];
	unsigned n_pdu; /* 1 or 2 */
};

/* Returns the frame length, or -ENOSPC / -EINVAL. */
int nasmac__link_encode(const struct nasmac__link_frame *f, uint8_t *buf, size_t size);
/* PDUs point into buf. -EINVAL for a malformed frame. */
int nasmac__link_decode(const uint8_t *buf, size_t len, struct nasmac__link_frame *f);

/* ---------------------------------------------------------------------------------------------
 * Batched UDP on libuv (udp.c): a socket of its own watched with uv_poll, received with
 * recvmmsg into compact slots, sent with sendmmsg from a packed outbound ring flushed once per
 * loop iteration (uv_check) or when it fills, runs to one peer of one length as UDP_SEGMENT
 * messages where `seg` is set (below). Nothing is allocated after nasmac__udp_open().
 *
 * A datagram longer than NASMAC__UDP_RX_MAX arrives cut to NASMAC__UDP_RX_MAX + 1 octets: a
 * receiver that takes at most NASMAC__UDP_RX_MAX (the MME's limit) sees it as too long.
 */
#define NASMAC__UDP_OUT_SLOTS 256u
#define NASMAC__UDP_OUT_MAX 2048u
#define NASMAC__UDP_RX_SLOTS 64u /* datagrams per recvmmsg */
#define NASMAC__UDP_RX_MAX 4096u

struct nasmac__udp;
typedef void (*nasmac__udp_cb)(struct nasmac__udp *u, const uint8_t *buf, size_t len,
			       const struct sockaddr_in *from);
/* One received datagram of a burst (valid until the burst callback returns). */
struct nasmac__dgram {
	const uint8_t *buf;
	size_t len;
	struct sockaddr_in from;
};
/* Optional (u->on_burst, set after open): the datagrams of one recvmmsg call at once, in order,
 * instead of on_recv one at a time, so that the receiver can look at all of them (prefetch what
 * each will touch) before it handles the first. */
typedef void (*nasmac__udp_burst_cb)(struct nasmac__udp *u, const struct nasmac__dgram *d,
				     uint32_t n);

struct nasmac__udp {
	uv_poll_t handle; /* first, so the handle pointer is the struct pointer */
	uv_check_t check;
	nasmac__udp_cb on_recv;
	nasmac__udp_burst_cb on_burst;
	void *data;
	uint8_t *rxbuf; /* NASMAC__UDP_RX_SLOTS slots (udp.c: RX_STRIDE apart) */
	struct mmsghdr *rx_msg;
	struct iovec *rx_iov;
	struct nasmac__dgram burst[NASMAC__UDP_RX_SLOTS];
	/* The outbound ring: datagrams packed one after the other in out (each at a cache line
	 * boundary), out_off[i] where datagram i starts. */
	uint8_t *out;
	uint32_t *out_off;
	uint16_t *out_len;
	struct sockaddr_in *out_to;
	uint32_t n_out, out_used;
	uint64_t rx, tx, tx_dropped, rx_errors;
	uint64_t tx_seg; /* of tx: sent in UDP_SEGMENT runs of two or more */
	int fd;
	/* Set after open to send runs to one peer as UDP_SEGMENT messages (udp.c); cleared when the
	 * kernel refuses one. On loopback or a veth the receiving host picks the socket once per
	 * run: only for peers that take any datagram on any socket, i.e. the answers of the MME and
	 * the echo. Not for requests to an MME with --workers, whose group steers each datagram by
	 * its sequence number (the AMF leaves it off). */
	uint8_t seg;
};

int nasmac__parse_addr(const char *s, struct sockaddr_in *out);
/* Binds to addr (port 0: any) and starts receiving. */
/* One of `group` sockets on one port (SO_REUSEPORT), steered by GTP sequence number. */
int nasmac__udp_open_group(uv_loop_t *loop, struct nasmac__udp *u, const struct sockaddr_in *addr,
			   nasmac__udp_cb cb, void *data, unsigned int group);
/* --workers (workers.c): forks n >= 2 workers. In a worker: returns 0 with *worker = its index
 * (the worker dies with the parent: a kill -9 of the service kills all of it). In the parent:
 * supervises until they are all gone and returns the exit status (0, or 1 when a worker
 * failed), *worker = -1. The parent is the one process that speaks for all: report(arg, why)
 * prints the sums of the workers' shared counters on SIGUSR1 and SIGHUP (which it also forwards
 * to the workers, so every process reopens its log) and once at "exit". */
int nasmac__workers_run(unsigned int n, int *worker, void (*report)(void *arg, const char *why),
			void *arg);
/* In a worker, once its socket is bound: waits until every worker's is (0), or -ETIMEDOUT. The
 * group of sockets is complete before any worker says it serves, so the sequence-number
 * steering never changes under a transaction (a request on one worker, its Acknowledge on a
 * worker bound later). Without workers: 0 at once. */
int nasmac__workers_barrier(void);
/* The workers' counters: a MAP_SHARED region made before the fork, one slot per worker, each
 * worker the only writer of its slot. Words are stored and loaded whole (relaxed atomics), so a
 * reader in another process never sees a torn value. NULL when mmap fails. */
void *nasmac__shared_alloc(size_t len);
void nasmac__shared_free(void *p, size_t len);
/* Copies `words` uint64_t from src into the shared slot dst. */
void nasmac__shared_publish(void *dst, const void *src, size_t words);
int nasmac__reuseport_steer(int fd, unsigned int n);
/* sd_notify(3) state to systemd ("READY=1", "STOPPING=1", "RELOADING=1"). */
void nasmac__notify(const char *state);
int nasmac__udp_open(uv_loop_t *loop, struct nasmac__udp *u, const struct sockaddr_in *addr,
		     nasmac__udp_cb on_recv, void *data);
/* Queues one datagram (copied); sends the queue at once when it is full. */
/* Room for a datagram of up to max octets (<= NASMAC__UDP_OUT_MAX) in the outbound ring, to
 * encode it in place: nasmac__udp_commit() then queues it; a reserve without a commit queues
 * nothing. Saves the copy of nasmac__udp_send(). */
uint8_t *nasmac__udp_reserve(struct nasmac__udp *u, size_t max);
void nasmac__udp_commit(struct nasmac__udp *u, size_t len, const struct sockaddr_in *to);
int nasmac__udp_send(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		     const struct sockaddr_in *to);
void nasmac__udp_flush(struct nasmac__udp *u);
int nasmac__udp_port(const struct nasmac__udp *u);
void nasmac__udp_close(struct nasmac__udp *u);

/* ---------------------------------------------------------------------------------------------
 * libnasmac on a libuv loop (vq.c): jobs are staged during a loop iteration and handed to the
 * device as one burst (nasmac_enqueue_burst) in the check phase, then flushed; completions come
 * back through uv_poll on nasmac_fd() and are also drained right after the flush (the cpu backend
 * finishes inline). A job the device does not take is returned at once with err -EBUSY, so the
 * caller answers "No resources available" instead of queueing without bound.
 */
#define NASMAC__VQ_STAGE 1024u

struct nasmac__vq;
typedef void (*nasmac__vq_cb)(struct nasmac__vq *q, nasmac_job_t *job, int busy);

struct nasmac__vq {
	uv_poll_t poll;
	uv_check_t check;
	nasmac_dev_t *dev;
	nasmac__vq_cb done;
	/* Called after each round of completions, so the owner can send its replies at once. */
	void (*after)(struct nasmac__vq *q);
	void *data;
	nasmac_job_t *stage[NASMAC__VQ_STAGE];
	uint32_t n_stage;
	uint32_t inflight;
	uint64_t submitted, busy;
};

int nasmac__vq_open(uv_loop_t *loop, struct nasmac__vq *q, const char *spec, nasmac__vq_cb done,
		    void *data);
/* Stages one job; when the stage is full the job comes back at once as busy. */
void nasmac__vq_submit(struct nasmac__vq *q, nasmac_job_t *job);
/* Submits the stage and reaps what finished (also called by the check handle). */
void nasmac__vq_kick(struct nasmac__vq *q);
void nasmac__vq_close(struct nasmac__vq *q);

/* ---------------------------------------------------------------------------------------------
 * Small helpers (util.c).
 */
/* A port free on 127.0.0.1 right now for sockets of `type` (SOCK_DGRAM: the daemons' N26 and
 * test link; SOCK_STREAM: redis-server, --metrics), bound to 0 and read back; another process
 * may take it before the caller binds it, fine for tests and demos. Or -1. */
int nasmac__free_port(int type);
/* Percentiles of n latencies (sorts the array in place); q in [0,1]. */
double nasmac__percentile(uint64_t *v, size_t n, double q);
int nasmac__parse_double(const char *s, double lo, double hi, double *out);
int nasmac__parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out);
/* Creates or truncates path for writing with mode 0600 (also when it existed with another
 * mode): for every file that holds keys (UE db, captures, kept run directories). */
FILE *nasmac__fopen_private(const char *path);

/* ---------------------------------------------------------------------------------------------
 * GUTIs and the MMEs they name (guti.c).
 * 4G GUTI <-> mapped 5G-GUTI (TS 23.003 2.10.2): AMF Region ID = MMEGI bits 15-8, AMF Set ID =
 * MMEGI bits 7-0 || MMEC bits 7-6, AMF Pointer = MMEC bits 5-0, 5G-TMSI = M-TMSI. */
struct nasmac__guti5g {
	uint8_t plmn[3];
	uint8_t region;
	uint16_t set;    /* 10 bits */
	uint8_t pointer; /* 6 bits */
	uint32_t tmsi;
};
void nasmac__guti_to_5g(const uint8_t guti[NASMAC__GUTI_LEN], struct nasmac__guti5g *g5);
void nasmac__guti_from_5g(const struct nasmac__guti5g *g5, uint8_t guti[NASMAC__GUTI_LEN]);

/* GUMMEI = PLMN || MMEGI || MMEC, the first 6 octets of a GUTI as the GUTI IE codes them
 * (TS 29.274 8.47): the MME a GUTI comes from. Text form MCC-MNC-MMEGI-MMEC, e.g.
 * "001-01-8001-4a" (MCC 3 digits, MNC 2 or 3, MMEGI 4 and MMEC 2 hex digits). */
#define NASMAC__GUMMEI_LEN 6
#define NASMAC__GUMMEI_TEXT 20 /* "001-001-8001-4a" and its NUL, with room */
struct nasmac__gummei {
	uint8_t id[NASMAC__GUMMEI_LEN];
};
void nasmac__gummei_of_guti(const uint8_t guti[NASMAC__GUTI_LEN], struct nasmac__gummei *g);
int nasmac__gummei_eq(const struct nasmac__gummei *a, const struct nasmac__gummei *b);
uint16_t nasmac__gummei_mmegi(const struct nasmac__gummei *g);
uint8_t nasmac__gummei_mmec(const struct nasmac__gummei *g);
/* mnc_digits 2 or 3; -EINVAL for a value out of range. */
int nasmac__gummei_make(unsigned mcc, unsigned mnc, int mnc_digits, uint16_t mmegi, uint8_t mmec,
			struct nasmac__gummei *g);
/* The text form; 0 or -EINVAL (anything else than exactly that shape). */
int nasmac__gummei_parse(const char *s, struct nasmac__gummei *g);
/* The text form (lower-case hex); its length, -ENOSPC, or -EINVAL for a PLMN that is not BCD. */
int nasmac__gummei_format(const struct nasmac__gummei *g, char *buf, size_t size);

/* --metrics ADDR:PORT: Prometheus text format over HTTP (libmicrohttpd) served from the role's
 * own loop (metrics.c). Counters are registered by pointer and read at each scrape; every
 * function accepts ms == NULL (no --metrics) and then does nothing. */
#define NASMAC__HIST_BUCKETS 16
struct nasmac__hist {
	/* Observations above the bound before and up to this one (the scrape makes them
	 * cumulative: one increment per observation on the request path, not up to 16). */
	uint64_t bucket[NASMAC__HIST_BUCKETS];
	uint64_t count, sum_ns;
};
extern const double nasmac__hist_bounds[NASMAC__HIST_BUCKETS]; /* seconds */
void nasmac__hist_observe(struct nasmac__hist *h, uint64_t ns);
struct nasmac__metrics;
int nasmac__metrics_start(uv_loop_t *loop, const char *addr, const char *prefix,
			  struct nasmac__metrics **out);
/* type: "counter" (name ends in _total) or "gauge". */
int nasmac__metrics_add(struct nasmac__metrics *ms, const char *name, const char *help,
			const char *type, const uint64_t *value);
int nasmac__metrics_add_hist(struct nasmac__metrics *ms, const char *name, const char *help,
			     const struct nasmac__hist *h);
/* fn(arg) runs before each scrape (to fetch values that are not kept up to date). */
void nasmac__metrics_refresh(struct nasmac__metrics *ms, void (*fn)(void *), void *arg);
void nasmac__metrics_stop(struct nasmac__metrics *ms);

/* A role's counters written once: the name in its log line, the Prometheus name and help, and
 * where the uint64_t lives (offsetof into the role's state). gauge: 0 a counter, else a gauge;
 * over worker processes counters and NASMAC__GAUGE_SUM gauges add up, a NASMAC__GAUGE_SAME
 * gauge (the restart counter, the UEs every worker indexes) is the same in each: the largest. */
enum { NASMAC__COUNTER = 0, NASMAC__GAUGE_SUM = 1, NASMAC__GAUGE_SAME = 2 };
struct nasmac__counter {
	const char *name, *metric, *help;
	size_t off;
	int gauge;
};
/* Combines the table's fields of n shared slots (slot_size apart) into dst (same layout). */
void nasmac__counters_sum(void *dst, const void *slots, size_t slot_size, unsigned int n,
			  const struct nasmac__counter *tbl, size_t tn);
/* Adds up `words` uint64_t at offset off of n shared slots into dst (a histogram). */
void nasmac__shared_sum(uint64_t *dst, const void *slots, size_t slot_size, unsigned int n,
			size_t off, size_t words);
/* "name=value name=value ..." into buf (truncated to len); returns its length. */
size_t nasmac__counters_fmt(char *buf, size_t len, const void *base,
			    const struct nasmac__counter *tbl, size_t n);
int nasmac__metrics_add_table(struct nasmac__metrics *ms, const void *base,
			      const struct nasmac__counter *tbl, size_t n);
/* What a role serves: its counter table, its latency histogram, the refresh hook. */
struct nasmac__metrics_spec {
	const void *base;
	const struct nasmac__counter *tbl, *tbl2; /* tbl2: more of them, may be NULL */
	size_t n, n2;
	const char *hist_name, *hist_help;
	const struct nasmac__hist *hist;
	void (*refresh)(void *arg);
	void *arg;
};
/* start + table + histogram + hook, with the log lines; the caller refuses to run on error. */
int nasmac__metrics_serve(uv_loop_t *loop, const char *addr, const struct nasmac__metrics_spec *sp,
			  struct nasmac__metrics **out);

/* A role's loop and its verification queue on `backend`, after the capture file `pcap` if one is
 * asked for (*pc, NULL without). 0, or a negative errno with what failed logged and nothing left
 * open. */
struct nasmac__pcap;
int nasmac__daemon_open_loop(uv_loop_t *loop, struct nasmac__vq *vq, const char *backend,
			     nasmac__vq_cb on_job, void *data, const char *pcap,
			     struct nasmac__pcap **pc);
/* The scaffolding of a role's main() (daemon.c): SIGTERM/SIGINT stop the loop, SIGHUP reopens
 * the log and calls report(arg, "SIGHUP"), SIGUSR1 calls report(arg, "SIGUSR1"). */
#define NASMAC__DAEMON_SIGS 4
struct nasmac__daemon {
	uv_signal_t sig[NASMAC__DAEMON_SIGS]; /* INT, TERM, USR1, HUP */
	uv_loop_t *loop;
	void (*report)(void *arg, const char *why);
	void *arg;
	int stop_signal; /* the signal that stopped the loop, 0 before */
};
void nasmac__daemon_init(struct nasmac__daemon *d, uv_loop_t *loop,
			 void (*report)(void *arg, const char *why), void *arg);
/* READY=1, the loop until a stop signal, STOPPING=1, one more pass for what already arrived. */
void nasmac__daemon_run(struct nasmac__daemon *d);
/* Closes the signal handles (their close callbacks run in nasmac__daemon_end_loop). */
void nasmac__daemon_close(struct nasmac__daemon *d);
/* Runs the close callbacks of every handle closed so far and closes the loop. */
void nasmac__daemon_end_loop(uv_loop_t *loop);
/* Undoes nasmac__daemon_open_loop once the role closed its own handles: the verification queue,
 * the loop (nasmac__daemon_end_loop), the capture file if there is one. */
void nasmac__daemon_close_loop(uv_loop_t *loop, struct nasmac__vq *vq, struct nasmac__pcap *pc);

/* One rate-limited kind of log line of a role: where its limiter is in the role's struct
 * (offsetof, as struct nasmac__counter) and how many lines a second it lets through. */
struct nasmac__daemon_rl {
	size_t off;
	uint32_t burst;
};
/* Sets the bursts of the role's limiters and starts its tick: cb every period_ms, with
 * tick->data = role; cb calls nasmac__log_rl_tick(). Closing the tick is the role's. */
void nasmac__daemon_tick(uv_loop_t *loop, uv_timer_t *tick, uv_timer_cb cb, void *role,
			 uint64_t period_ms, const struct nasmac__daemon_rl *rl, size_t n);
/* Takes the role's limiters off the tick's list (nasmac__log_rl_forget), before it is freed. */
void nasmac__daemon_rl_forget(void *role, const struct nasmac__daemon_rl *rl, size_t n);
/* --metrics ADDR:PORT (none when addr is NULL): an operator who asked for metrics gets none
 * silently, so when they cannot be served the loop is stopped before it runs and 1 returned
 * (the role's exit status); 0 otherwise. */
int nasmac__daemon_metrics(uv_loop_t *loop, const char *addr, const struct nasmac__metrics_spec *sp,
			   struct nasmac__metrics **out);
/* The device's counters (completed, batches, run_errors, fallbacks), zero without a device. */
void nasmac__daemon_dev_stats(const struct nasmac__vq *vq, nasmac_stats_t *st);

/* The options every role takes, in its getopt_long table beside its own; their codes are above
 * any character so that a role's own short codes never clash with them. */
enum {
	NASMAC__DOPT_LISTEN = 0x100,
	NASMAC__DOPT_BACKEND,
	NASMAC__DOPT_PCAP,
	NASMAC__DOPT_METRICS,
	NASMAC__DOPT_VERBOSE,
};
/* clang-format off */
#define NASMAC__DAEMON_LONGOPTS                                                                  \
	{ "listen", required_argument, NULL, NASMAC__DOPT_LISTEN },                              \
	{ "backend", required_argument, NULL, NASMAC__DOPT_BACKEND },                            \
	{ "pcap", required_argument, NULL, NASMAC__DOPT_PCAP },                                  \
	{ "metrics", required_argument, NULL, NASMAC__DOPT_METRICS },                            \
	{ "verbose", no_argument, NULL, NASMAC__DOPT_VERBOSE },                                  \
	{ "help", no_argument, NULL, 'h' }
/* clang-format on */
/* Their values: the caller sets the defaults (a role's backend) before the loop. */
struct nasmac__daemon_args {
	const char *listen, *backend, *pcap, *metrics;
	int level; /* NASMAC__LOG_INFO, NASMAC__LOG_DEBUG with --verbose */
};
/* For an option the role's own cases did not take (its `default:`), as nasmac__load_getopt:
 * 0 when c is one of NASMAC__DAEMON_LONGOPTS (stored in a), -1 after --help (usage on stdout,
 * exit status 0), 2 for anything else (usage on stderr, exit status 2). */
int nasmac__daemon_getopt(struct nasmac__daemon_args *a, int c, const char *val,
			  void (*usage)(FILE *f));

/* The role entry points of nasmacd. */
/* nasmacd ROLE -c FILE: argv (argv[0] = the role) with the file's options first and the
 * command line's after them (config.c); argv itself when there is no -c. */
int nasmac__config_argv(int argc, char **argv, int *argc_out, char ***argv_out);
int nasmac__mme_main(int argc, char **argv);
int nasmac__amf_main(int argc, char **argv);

#endif /* NASMAC_HOST_H */
