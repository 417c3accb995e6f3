/*
 * `nasmacd mme`: the old MME on N26. It answers a GTPv2-C Context Request with the UE's EPS
 * security context only after the NAS message carried in the Complete Request Message verified:
 * the TAU Request (FIG. 2, 3GPP mode) or the Registration Request (FIG. 3, project extension).
 * MAC checks go to libnasmac in bursts (host/common/vq.c); the uplink NAS COUNT is estimated
 * from the 8-bit SQN, a COUNT not above the last accepted one is a replay, and the estimate is
 * committed only once the MAC verified (TS 24.301 4.4.3.1, TS 33.401 8.1.1).
 *
 * Per request the MME holds one "pending" slot from a fixed pool while the MAC is checked; with
 * no slot free, or the device queue full, it answers "No resources available" at once.
 *
 * The UE contexts live in a durable store (--store, host/common/store.h; LMDB by default) with a
 * hot index in memory for the request path. A verified COUNT is a candidate until the group
 * commit at the end of the burst (after_jobs): one store transaction for every COUNT verified in
 * the burst, and only the Context Responses whose COUNT the store took are sent, after it
 * committed. A process killed at any point has sent no context whose COUNT a restart forgets.
 * A commit that waits for the disk runs in a libuv worker thread while the next batch fills.
 * With lmdb --sync full the commits are pipelined (store.h, deferred): a batch is answered once
 * the commit after it (or a flush) returned, which is when its meta page is on the disk too.
 *
 * On a remote store (redis:, shared by an MME pool) the hot index is only a cache: any MME of
 * the pool may have advanced a UE's COUNT, changed its record, or the UE may be new. A Context
 * Request for a UE the MME holds is verified with the held record, and its COUNT advance also
 * checks that this record (its version, store.h) is still the stored one; only a UE not held,
 * or one whose held record proved stale (a MAC failure with it, an advance answered stale),
 * waits for a lookup round (all the loop iteration's in one pipelined round trip, in a libuv
 * worker thread) whose answer refreshes the cache, and is then verified again. A COUNT that the
 * held record places behind the stored one is refused by the advance as the replay it is. A
 * store that does not answer in time: cause 72, no context.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gtp.h"
#include "gtp_txn.h"
#include "host.h"
#include "nas.h"
#include "pcap.h"
#include "store.h"

#define MAX_DGRAM 4096u
#define MAX_NAS 1024u
/* How long an accepted request is recognised when the AMF sends it again: longer than its T3 x
 * (N3 + 1) (3 s by default), short enough that a byte-identical request with a reused sequence
 * number much later is refused as the replay it then is. */
#define RETRANSMIT_TTL_MS 10000u
/* Echo Responses and Version Not Supported Indications anyone can trigger: per peer (address
 * and port) and in all, per second (gtp_txn.h). A peer's path management sends one Echo
 * Request a minute; the burst leaves room for tests that use Echo as a barrier. */
#define ANSWER_PEER_RATE 100u
#define ANSWER_PEER_BURST 200u
#define ANSWER_TOTAL_RATE 5000u
/* The octets of the requests one remote-store lookup round holds, per request on average (a
 * Context Request is a few hundred octets): beyond that, or beyond --max-pending requests,
 * No resources. */
#define LOOK_AVG_OCTETS 1024u
#define RX_STAMP_EVERY 16u
#define ANSWER_AHEAD 8u /* commit_answer's prefetch distance, in waiters */
/* Remote store: the lookup rounds a request may go through (a stale record found at its
 * advance sends it to one more); past that, System failure (the record keeps changing). */
#define MAX_LOOKS 2u
/* Remote store: a group commit leaves once it holds this many advances (one script call's
 * worth, store_redis.c), or once a loop iteration received nothing more; when the commit before
 * held REMOTE_COMMIT_BUSY or more (requests come fast), it waits for more up to
 * REMOTE_COMMIT_WAIT_MS instead. A commit costs a round trip, a thread hand-off and the
 * server's wake-up whatever it holds: at a few advances per commit that was most of the
 * Redis-backed MME's cost (host/README.md). */
#define REMOTE_COMMIT_MIN 128u
#define REMOTE_COMMIT_BUSY 32u
#define REMOTE_COMMIT_WAIT_MS 1u
/* Group commit batches: one filling, one with the committer, one held for the flush that makes
 * it durable; the commit thread (struct committer) needs a fourth while the loop answers. */
#define N_BATCH 5
/* The commit thread's pace while the loop is saturated (it slept less than a quarter of the time
 * since the last commit started): a commit starts at least this long after the one before.
 * Back to back (one every ~0.6 ms under bench e2e, ~350 COUNTs each) the commits cost the MME's
 * one core ~8% of its requests per CPU-second (thread wake-ups, LMDB's pages per transaction,
 * one more loop wake-up and answer burst each) and the peak did not move; paced at 1 ms the
 * commits settle at ~1.4 ms with ~780 COUNTs, the loop ~10% idle. 1.3 ms measured the same
 * peak within the noise and a higher p50 at half rate (1.5-2.2 ms against 1.3-1.8). With the
 * loop idle a commit starts at once. host/README.md. */
#define COMMIT_PACE_NS 1000000u

/* What the answer to a Context Request needs, from its arrival to its answer: in its pending
 * slot while the MAC is checked, then in its waiter until the group commit. */
struct reply_to {
	struct sockaddr_in peer;
	uint32_t seq;
	uint32_t peer_teid;
	uint32_t est; /* the estimated uplink COUNT under test */
	struct nasmac__ue *ue;
	uint8_t fig3;
	uint8_t prev_state; /* the UE's state before this check (a context may await its Ack) */
	uint8_t looked;     /* remote store: lookup rounds done for it (0: the held record) */
	uint64_t t_rx_ns;   /* when its request arrived: the latency histogram */
};

struct pend {
	nasmac_job_t job; /* job.cookie points back here */
	struct reply_to r;
	uint8_t msg[MAX_NAS]; /* SQN || plain NAS message: the MAC input */
	uint32_t next_free;
	uint32_t ver; /* remote store: the version of the record it is verified with */
	/* Remote store: the request as received (in m->pend_raw), to go through a lookup round
	 * and be verified again when the held record proves stale; raw_len 0: too long. */
	uint32_t raw_len;
};

/* A verified request waiting for its group commit: what its answer needs, without the pending
 * slot's message and job (the slot goes back to the pool, so a slow disk does not exhaust it). */
struct waiter {
	struct reply_to r;
	uint32_t raw_off, raw_len; /* remote store: the request, in its batch's raw arena */
};

struct counters {
	uint64_t rx, malformed, oversized, unknown_type, unknown_ue, mac_fail, replay, overload,
		busy_ue, not_upgraded, accepted, kamf_by_mme, retransmit, acks, acks_rejected,
		acks_unknown, acks_spoofed, ack_timeouts, id_mismatch, echo, vnsi, echo_limited,
		vnsi_limited, commits, committed, store_refused, store_fail, lookup_rounds,
		lookups, lookup_fail, foreign_gummei, held_verified, stale, relooked;
	/* Fetched when printed or scraped: the UDP layer's and libnasmac's. */
	uint64_t tx, tx_dropped, tx_segmented, macs, batches, run_errors, fallbacks;
	uint64_t restart, ues, pending; /* gauges */
};

#define C(n, help) { #n, "mme_" #n "_total", help, offsetof(struct counters, n), 0 }
#define G(n, metric, kind, help) { #n, "mme_" metric, help, offsetof(struct counters, n), kind }
/* Every MME counter once: the counters log line and the Prometheus metrics read this table. */
static const struct nasmac__counter counter_tbl[] = {
	C(rx, "GTPv2-C datagrams received on N26"),
	C(accepted, "Context Requests answered with the UE's security context"),
	C(kamf_by_mme, "contexts sent with K_AMF derived by the MME (FIG. 3, step 305)"),
	C(mac_fail, "Context Requests refused: the NAS MAC did not verify"),
	C(replay, "Context Requests refused: the uplink NAS COUNT was not fresh"),
	C(unknown_ue, "Context Requests refused: no UE context for the GUTI"),
	C(malformed, "datagrams that did not decode as GTPv2-C or NAS"),
	C(oversized, "datagrams larger than the MME accepts"),
	C(unknown_type, "GTPv2-C messages of a type the MME does not serve"),
	C(overload, "Context Requests answered No resources (MAC queue full)"),
	C(busy_ue, "Context Requests for a UE whose previous request is still being verified"),
	C(not_upgraded, "FIG. 3 requests refused: the MME is configured as not upgraded"),
	C(retransmit, "retransmitted Context Requests answered again from the transaction"),
	C(acks, "Context Acknowledges taken"),
	C(acks_rejected, "Context Acknowledges with a rejecting cause"),
	C(acks_unknown, "Context Acknowledges for no context awaiting one"),
	C(acks_spoofed, "Context Acknowledges dropped: wrong peer, sequence number or TEID"),
	C(ack_timeouts, "contexts sent that were never acknowledged (UE back to idle)"),
	C(id_mismatch, "Context Requests refused: IMSI, GUTI or KSI contradict each other"),
	C(echo, "Echo Requests answered"),
	C(vnsi, "Version Not Supported Indications sent"),
	C(echo_limited, "Echo Requests not answered (rate limit)"),
	C(vnsi_limited, "Version Not Supported Indications not sent (rate limit)"),
	C(tx, "GTPv2-C datagrams sent"),
	C(tx_dropped, "GTPv2-C datagrams the socket refused"),
	C(tx_segmented, "GTPv2-C datagrams sent in UDP_SEGMENT runs (none once refused)"),
	C(macs, "MAC checks completed by libnasmac"),
	C(batches, "libnasmac device batches"),
	C(run_errors, "device runs that reported a bus error or bad arguments (recomputed on the CPU)"),
	C(fallbacks, "MAC checks recomputed on the CPU after a failed device batch"),
	G(restart, "restart_counter", NASMAC__GAUGE_SAME,
	  "the restart counter of this start (sent in Echo Recovery)"),
	G(ues, "ues", NASMAC__GAUGE_SAME, "UE contexts in the hot index (of each worker)"),
	G(pending, "pending_checks", NASMAC__GAUGE_SUM,
	  "Context Requests waiting for a MAC check or a commit"),
	C(foreign_gummei, "Context Requests refused: the GUTI names another MME than --gummei"),
};
/* The store's, on a log line of their own (store URI: ...) and in the metrics. */
static const struct nasmac__counter store_tbl[] = {
	C(commits, "store group commits"),
	C(committed, "uplink NAS COUNTs committed to the store"),
	C(store_refused, "COUNT advances the store refused (a newer one was stored: replay)"),
	C(store_fail, "COUNTs lost to a failed commit (answered System failure, no context)"),
	C(lookup_rounds, "lookup round trips to a remote store (one per loop iteration)"),
	C(lookups, "UEs looked up in a remote store"),
	C(lookup_fail, "requests refused because the remote store did not answer a lookup"),
	C(held_verified, "requests verified with the record the MME held, no lookup (remote)"),
	C(stale, "advances the remote store refused as stale (the record changed): looked up "
		 "and verified again"),
	C(relooked, "requests refused on a held record (MAC, KSI, COUNT, not upgraded; remote): "
		    "looked up and verified again"),
};
#undef C
#undef G
#define N_COUNTERS (sizeof(counter_tbl) / sizeof(counter_tbl[0]))
#define N_STORE_COUNTERS (sizeof(store_tbl) / sizeof(store_tbl[0]))

/* What a process of the MME publishes for the others (workers.c): its slot of the shared
 * mapping, whole uint64_t words only. */
struct share {
	struct counters c;
	struct nasmac__hist latency;
};

/* --gummei: at most this many (an MME serves a few MMECs of one or two MMEGIs). */
#define MAX_GUMMEI 16

struct mme {
	uv_loop_t loop;
	struct nasmac__udp udp;
	struct nasmac__vq vq;
	struct nasmac__store store; /* the hot index of the durable store */
	struct nasmac__db *db;
	/* The group commit: batches of verified requests waiting for the store and their
	 * advances. One fills while another is being committed (by a libuv worker thread when
	 * the commit waits for the disk, so the loop keeps serving meanwhile); on a deferred
	 * store (store.h) a third, committed, waits for the flush that makes it durable, which
	 * the next commit does (or a flush alone when nothing else was verified meanwhile). */
	struct batch {
		struct waiter *w;
		struct nasmac__db_adv *adv;
		uint32_t n;
		int rc;
		uint64_t gen; /* the store's commit generation of its advance (store.h) */
		uint8_t *raw; /* remote store: its waiters' requests (struct waiter) */
		size_t raw_used;
		uint32_t n_pub; /* commit thread: the waiters handed over so far (ct.lock) */
		uint8_t busy;   /* commit thread: with it, or answers due (the loop's own flag) */
	} batch[N_BATCH];
	uint32_t batch_cap, waiting; /* waiters per batch at most; waiters in all batches */
	int filling;        /* the batch on_job adds to */
	int committing;     /* a work item is with the worker (commit thread: batches busy) */
	int work_b;         /* the batch it commits; -1: a flush only */
	int held;           /* committed, not yet known durable (deferred store); -1: none */
	int flush_rc;       /* the worker's flush of the held batch */
	int commit_offloop; /* commits wait for the disk: run them in the thread pool */
	uv_work_t work;
	/* lmdb with commits off the loop: one thread of its own commits batch after batch, and
	 * takes the next one itself when a commit returns, without a round trip through the loop
	 * (commit_thread). The loop hands its filling batch over once per iteration and answers
	 * what the thread reports durable. */
	struct committer {
		uv_thread_t thread;
		uv_mutex_t lock; /* the fields below, and each batch's n_pub */
		uv_cond_t wake;
		uv_async_t async; /* done holds answers */
		int on;           /* the thread runs (else: uv_queue_work, commit_work) */
		int ready;        /* handed over, not yet taken; -1: none */
		int held;         /* committed, durable with the next flush (deferred); -1: none */
		int done[N_BATCH]; /* answers due, in commit order */
		unsigned n_done;
		int stop;
		uint64_t loop_idle_ns; /* the loop's time asleep, as of its last commit_poll */
	} ct;
	int handed; /* the filling batch is ct.ready, or was taken from it (commit_poll) */
	uint32_t restart; /* restart counter (Echo Recovery: its low octet) */
	/* Each UE's K_NASint prepared for libnasmac (nasmac_key_prepare: for 128-EIA2 its AES
	 * round keys and CMAC subkeys, ~80 ns a request otherwise), by store index, prepared at
	 * the UE's first check and again whenever its key or algorithm differs from what the
	 * UE record holds (key_current), wiped at exit. keys_mem: the allocation. */
	nasmac_key_t *keys;
	void *keys_mem;
	int key_unchecked; /* test hook: a prepared key is used without checking it (main) */
	struct pend *pend;
	uint32_t n_pend, free_head, pend_used;
	uint8_t *pend_raw; /* remote store: MAX_DGRAM per pending slot (struct pend) */
	struct nasmac__pcap *pcap;
	struct sockaddr_in self;
	struct counters c;
	struct nasmac__ratelimit rl_malformed, rl_reject, rl_overload, rl_ack, rl_gummei;
	struct nasmac__daemon d;
	/* The counters of every process of this MME (one slot per worker; one slot without
	 * --workers), this process's slot, and their sums as printed and scraped. */
	struct share *share, *mine, sum;
	size_t share_len;
	unsigned int n_workers;
	int worker;          /* this worker's index, -1: the only process */
	uv_prepare_t publish; /* with workers: the slot is refreshed once per loop iteration */
	char where[512];     /* the store, for the lines the supervisor prints */
	/* --gummei: the MMEs whose GUTIs this one answers for (none: any, warned once). */
	struct nasmac__gummei gummei[MAX_GUMMEI];
	uint32_t n_gummei;
	struct nasmac__metrics *metrics;
	struct nasmac__hist latency;
	/* Arrival time of the datagrams being handled, read at the first datagram of a loop
	 * iteration and then once per RX_STAMP_EVERY (a clock read per request was 2 % of the
	 * MME's CPU, perf under bench e2e): a request's latency counts from at most that many
	 * datagrams before it arrived, never less than its own. */
	uint64_t rx_ns;
	uint32_t rx_stamp_n; /* datagrams since; 0: read the clock at the next one */
	/* The datagram on_burst is handing to on_recv, the GUTI IE it found in it and that
	 * GUTI's hash table slot: the lookup starts there instead of hashing the GUTI again. */
	const uint8_t *hint_dgram, *hint_guti;
	uint32_t hint_slot;
	uint64_t answer_gen; /* the commit generation the context being sent depends on */
	int kamf_by_mme_all;
	/* GTP-C transactions bound to their peer (gtp_txn.h): the request last verified per UE,
	 * contexts awaiting their Acknowledge (forgotten after ack_timeout_ms). */
	struct nasmac__ctx_txns tx;
	uint32_t ack_timeout_ms;
	uv_timer_t tick;
	struct nasmac__peer_limit echo_limit, vnsi_limit;
	/* Remote store: the requests of this loop iteration waiting for their lookup round; one
	 * round fills while the other is in the thread pool. */
	struct look_round {
		struct look {
			size_t off, len; /* in arena */
			struct sockaddr_in from;
			uint32_t seq, peer_teid;
			uint8_t looked; /* lookup rounds it went through before this one */
		} *req;
		uint8_t *arena;
		size_t used;
		uint8_t (*guti)[NASMAC__GUTI_LEN];
		struct nasmac__ue *ue;
		int *res;
		uint32_t n;
		int rc;
	} look[2];
	unsigned look_filling;
	uint32_t look_cap; /* requests per round */
	int looking;
	uv_work_t look_work;
	uv_check_t look_check;
	/* Remote store: a small batch waits for more (REMOTE_COMMIT_MIN); the prepare handle
	 * sends it when an iteration brought nothing (rx as seen then in coalesce_rx), the idle
	 * handle keeps the loop from blocking while one waits. */
	uv_prepare_t coalesce;
	uv_idle_t coalesce_idle;
	uv_timer_t coalesce_timer; /* busy: the batch goes at the latest when it fires */
	uint64_t coalesce_rx;
	uint32_t last_commit_n; /* advances in the last commit sent */
};

static void send_to(struct mme *m, const uint8_t *buf, size_t len, const struct sockaddr_in *to)
{
	if (m->pcap)
		nasmac__pcap_write(m->pcap, &m->self, to, buf, len);
	(void)nasmac__udp_send(&m->udp, buf, len, to);
}

/* Answers are encoded straight into the socket layer's outbound ring (ANSWER_MAX octets at
 * most), then queued by answer_send; one not queued leaves nothing behind. */
#define ANSWER_MAX 512u

static void answer_send(struct mme *m, const uint8_t *buf, size_t len,
			const struct sockaddr_in *to)
{
	if (m->pcap)
		nasmac__pcap_write(m->pcap, &m->self, to, buf, len);
	nasmac__udp_commit(&m->udp, len, to);
}

/* A Context Response to request seq of the AMF whose F-TEID is peer_teid: header and cause. */
static void rsp_init(struct nasmac__ctx_rsp *r, uint32_t seq, uint32_t peer_teid, uint8_t cause)
{
	memset(r, 0, sizeof(*r));
	r->h.type = NASMAC__GTP_CTX_RSP;
	r->h.has_teid = 1;
	r->h.teid = peer_teid;
	r->h.seq = seq;
	r->cause = cause;
}

/* A Context Response that carries no context: the request was refused for `cause`. */
static void reply_reject_ie(struct mme *m, const struct sockaddr_in *peer, uint32_t seq,
			    uint32_t peer_teid, uint8_t cause, uint8_t offending_ie)
{
	struct nasmac__ctx_rsp r;
	uint8_t *buf = nasmac__udp_reserve(&m->udp, ANSWER_MAX);
	int n;

	rsp_init(&r, seq, peer_teid, cause);
	r.offending_ie = offending_ie;
	n = nasmac__gtp_enc_ctx_rsp(&r, buf, ANSWER_MAX);
	if (n < 0) {
		nasmac__log(NASMAC__LOG_ERR, "cannot encode a Context Response: %s",
			    nasmac_strerror(n));
		return;
	}
	answer_send(m, buf, (size_t)n, peer);
}

static void reply_reject(struct mme *m, const struct sockaddr_in *peer, uint32_t seq,
			 uint32_t peer_teid, uint8_t cause)
{
	reply_reject_ie(m, peer, seq, peer_teid, cause, 0);
}

/* A Context Request refused: counted in *ctr, logged through rl (fmt and its arguments name the
 * peer), answered with cause (and the IE it is about, 0: none). */
static void refuse(struct mme *m, const struct sockaddr_in *peer, uint32_t seq, uint32_t peer_teid,
		   uint8_t cause, uint8_t offending_ie, uint64_t *ctr, struct nasmac__ratelimit *rl,
		   int level, const char *fmt, ...) __attribute__((format(printf, 10, 11)));
static void refuse(struct mme *m, const struct sockaddr_in *peer, uint32_t seq, uint32_t peer_teid,
		   uint8_t cause, uint8_t offending_ie, uint64_t *ctr, struct nasmac__ratelimit *rl,
		   int level, const char *fmt, ...)
{
	va_list ap;

	(*ctr)++;
	va_start(ap, fmt);
	nasmac__log_vrl(rl, level, fmt, ap);
	va_end(ap);
	reply_reject_ie(m, peer, seq, peer_teid, cause, offending_ie);
}

static const char *addr_str(const struct sockaddr_in *a, char *buf, size_t size)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(buf, size, "%s:%u", ip, ntohs(a->sin_port));
	return buf;
}

/* The counters kept elsewhere, copied in before they are printed or scraped. */
static void fetch_counters(void *arg)
{
	struct mme *m = arg;
	nasmac_stats_t st;

	nasmac__daemon_dev_stats(&m->vq, &st);
	m->c.tx = m->udp.tx;
	m->c.tx_dropped = m->udp.tx_dropped;
	m->c.tx_segmented = m->udp.tx_seg;
	m->c.macs = st.completed;
	m->c.batches = st.batches;
	m->c.run_errors = st.run_errors;
	m->c.fallbacks = st.fallbacks;
	m->c.restart = m->restart;
	m->c.ues = m->store.n;
	m->c.pending = m->pend_used + m->waiting;
}

/* This process's counters into its shared slot. */
static void publish(struct mme *m)
{
	fetch_counters(m);
	nasmac__shared_publish(&m->mine->c, &m->c, sizeof(m->c) / sizeof(uint64_t));
	nasmac__shared_publish(&m->mine->latency, &m->latency,
			       sizeof(m->latency) / sizeof(uint64_t));
}

static void on_publish(uv_prepare_t *h)
{
	publish(h->data);
}

/* The counters of every process of this MME, as one MME's. */
static void sum_shares(struct mme *m)
{
	nasmac__counters_sum(&m->sum.c, m->share, sizeof(*m->share), m->n_workers, counter_tbl,
			     N_COUNTERS);
	nasmac__counters_sum(&m->sum.c, m->share, sizeof(*m->share), m->n_workers, store_tbl,
			     N_STORE_COUNTERS);
	nasmac__shared_sum((uint64_t *)&m->sum.latency, m->share, sizeof(*m->share), m->n_workers,
			   offsetof(struct share, latency), sizeof(m->sum.latency) / sizeof(uint64_t));
}

/* The metrics' refresh hook (the process that serves them: the only one, or worker 0). */
static void refresh_sums(void *arg)
{
	struct mme *m = arg;

	publish(m);
	sum_shares(m);
}

static void print_line(const struct counters *c, const char *where, const char *what,
		       const char *why)
{
	char line[2048];

	nasmac__counters_fmt(line, sizeof(line), c, counter_tbl, N_COUNTERS);
	nasmac__log(NASMAC__LOG_INFO, "%s (%s): %s", what, why, line);
	if (!where)
		return;
	/* Its own line: the store's group commits (transactions), the COUNTs they committed, the
	 * ones the store refused (replays another process saw first) and those lost to a failed
	 * commit (answered System failure), and this start's restart counter. */
	nasmac__log(NASMAC__LOG_INFO,
		    "store %s (%s): commits=%llu committed=%llu refused=%llu failed=%llu restart=%u "
		    "lookup_rounds=%llu lookups=%llu lookup_fail=%llu held_verified=%llu stale=%llu "
		    "relooked=%llu",
		    where, why, (unsigned long long)c->commits, (unsigned long long)c->committed,
		    (unsigned long long)c->store_refused, (unsigned long long)c->store_fail,
		    (unsigned)c->restart, (unsigned long long)c->lookup_rounds,
		    (unsigned long long)c->lookups, (unsigned long long)c->lookup_fail,
		    (unsigned long long)c->held_verified, (unsigned long long)c->stale,
		    (unsigned long long)c->relooked);
}

/* The one counters line of the MME (and its store line): from the only process, or from the
 * supervisor of the workers (workers.c), summed over every worker. */
static void report_sums(void *arg, const char *why)
{
	struct mme *m = arg;

	sum_shares(m);
	print_line(&m->sum.c, m->where, "counters", why);
}

/* A process's own signals (daemon.c). A worker leaves the counters line to the supervisor and
 * only publishes; at exit it says what it did itself ("share"), for the record. */
static void report(void *arg, const char *why)
{
	struct mme *m = arg;

	publish(m);
	if (m->worker < 0)
		report_sums(m, why);
	else if (!strcmp(why, "exit"))
		print_line(&m->c, NULL, "share", why);
}

static struct pend *pend_get(struct mme *m)
{
	struct pend *p;

	if (m->free_head == UINT32_MAX)
		return NULL;
	p = &m->pend[m->free_head];
	m->free_head = p->next_free;
	m->pend_used++;
	return p;
}

/* Back to the pool; pend_put for a request answered now, pend_free for one that waits on. */
static void pend_free(struct mme *m, struct pend *p)
{
	explicit_bzero(&p->job, sizeof(p->job));
	p->next_free = m->free_head;
	m->free_head = (uint32_t)(p - m->pend);
	m->pend_used--;
}

static void pend_put(struct mme *m, struct pend *p)
{
	/* Every request that waited for a MAC check ends here or in commit_answer, answered. */
	nasmac__hist_observe(&m->latency, uv_hrtime() - p->r.t_rx_ns);
	pend_free(m, p);
}

/*
 * Test hook (tests/e2e/persist.sh): with NASMAC_TEST_ORDER_LOG=FILE in the environment, each
 * context sent appends "ctx gen=G durable=D imsi=I count=C" to FILE at the moment its
 * Context Response is handed to the socket layer: G the store's commit generation that holds
 * its COUNT, D the highest generation the store has made durable (store.h, from the --sync
 * contract) by then. A context that leaves before its COUNT is durable shows as D < G. Not a
 * production knob: nothing else reads it, and it costs nothing when unset.
 */
static int order_fd = -2; /* -2: not looked up yet; -1: off */

static void order_check(struct mme *m, const struct nasmac__ue *ue)
{
	const char *path;

	if (order_fd == -2) {
		path = getenv("NASMAC_TEST_ORDER_LOG");
		order_fd = path && path[0] ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
						  0600)
					   : -1;
	}
	if (order_fd < 0)
		return;
	/* One write per line (O_APPEND): workers sharing the file do not interleave. */
	dprintf(order_fd, "ctx gen=%llu durable=%llu imsi=%s count=%u\n",
		(unsigned long long)m->answer_gen,
		(unsigned long long)__atomic_load_n(&m->db->gen_durable, __ATOMIC_ACQUIRE),
		ue->imsi, ue->ul_count);
}

/* The verified case: the Context Response with the UE's security context; resend: the same
 * answer again for a retransmission of the request that was verified (nothing is counted). */
static void reply_context(struct mme *m, struct nasmac__ue *ue, const struct sockaddr_in *peer,
			  uint32_t seq, uint32_t peer_teid, int fig3, int resend)
{
	struct nasmac__ctx_rsp r;
	const char *what;
	uint8_t *buf;
	int n, rc;

	rsp_init(&r, seq, peer_teid, NASMAC__CAUSE_ACCEPTED);
	r.has_imsi = 1;
	memcpy(r.imsi, ue->imsi, sizeof(r.imsi));
	r.has_mm = 1;
	r.ksi = ue->ksi;
	r.eia = ue->eia;
	r.eea = ue->eea;
	/* TS 29.274 8.38: the UL count is the largest one in a verified NAS message (the one
	 * just verified); the DL count is the next one to use. */
	r.ul_count = ue->ul_count;
	r.dl_count = ue->dl_count;
	memcpy(r.kasme, ue->kasme, sizeof(r.kasme));
	if (fig3 && (ue->kamf_by_mme || m->kamf_by_mme_all)) {
		/* FIG. 3 step 305: K_AMF from K_ASME with the COUNT of the verified Registration
		 * Request (TS 33.501 A.15.1 input string), and K_ASME is not handed over. */
		rc = nasmac_kdf_kamf_from_kasme(ue->kasme, ue->ul_count, r.kamf);
		if (rc) {
			what = "K_AMF derivation failed";
			goto fail;
		}
		r.has_kamf = 1;
		m->c.kamf_by_mme += !resend;
		/* No MM Context IE: it cannot be sent without a K_ASME, and a made-up one would
		 * be taken as the key by a standard AMF. KSI, algorithms and COUNTs go beside
		 * K_AMF (gtp.c, Private Extension tag 3). */
		r.has_mm = 0;
		r.has_sec = 1;
		explicit_bzero(r.kasme, sizeof(r.kasme));
	}
	r.has_fteid = 1;
	/* The TEID the AMF puts in its Context Acknowledge: random, and the Ack is taken only
	 * with it, from this peer, with this sequence number (gtp_txn.h). */
	rc = nasmac__ctx_txns_sent(&m->tx, (uint32_t)(ue - m->store.ues), peer, seq,
				   uv_now(&m->loop), m->ack_timeout_ms, resend, &r.fteid_teid);
	if (rc) {
		what = "no TEID for a Context Response";
		goto fail;
	}
	r.fteid_ipv4 = m->self.sin_addr.s_addr;
	/* Encoded in the outbound ring: no copy of the keys on the stack to wipe (the ring's
	 * copy is overwritten by later datagrams, as the copy nasmac__udp_send made was). */
	buf = nasmac__udp_reserve(&m->udp, ANSWER_MAX);
	n = nasmac__gtp_enc_ctx_rsp(&r, buf, ANSWER_MAX);
	explicit_bzero(&r, sizeof(r));
	if (n < 0) {
		rc = n;
		what = "cannot encode a Context Response";
		goto fail;
	}
	if (!resend)
		order_check(m, ue);
	answer_send(m, buf, (size_t)n, peer);
	if (resend)
		return;
	ue->state = NASMAC__UE_SENT;
	m->c.accepted++;
	return;

fail:
	nasmac__log(NASMAC__LOG_ERR, "%s: %s", what, nasmac_strerror(rc));
	explicit_bzero(&r, sizeof(r));
	reply_reject(m, peer, seq, peer_teid, NASMAC__CAUSE_SYSTEM_FAILURE);
}

/* A check that sends no new context puts the UE back to what it was: a context sent earlier
 * may still await its Ack, unless the Ack or its timeout came meanwhile. An accepted check
 * makes it SENT (reply_context). */
static void restore_state(struct mme *m, struct nasmac__ue *ue, uint8_t prev_state)
{
	const struct nasmac__ue_txn *t = &m->tx.ue[ue - m->store.ues];

	ue->state = prev_state == NASMAC__UE_SENT && !t->ack_open ? NASMAC__UE_IDLE : prev_state;
}

static void look_again(struct mme *m, const uint8_t *buf, size_t len,
		       const struct sockaddr_in *from, uint32_t seq, uint32_t peer_teid,
		       const uint8_t guti[NASMAC__GUTI_LEN], uint8_t looked);
static void look_start(struct mme *m);

static uint8_t *pend_raw(struct mme *m, const struct pend *p)
{
	return m->pend_raw + (size_t)(p - m->pend) * MAX_DGRAM;
}

static void on_job(struct nasmac__vq *q, nasmac_job_t *job, int busy)
{
	struct mme *m = q->data;
	struct pend *p = job->cookie;
	struct batch *b = &m->batch[m->filling];
	char a[64];

	if (!busy && job->status == NASMAC_ST_VERIFIED &&
	    nasmac__count_is_fresh(p->r.ue->ul_count, p->r.est) && b->n < m->batch_cap) {
		/* Verified: waits for the group commit (after_jobs), the UE still VERIFYING. */
		struct nasmac__db_adv *adv = &b->adv[b->n];
		struct waiter *w = &b->w[b->n++];

		memcpy(adv->guti, p->r.ue->guti, NASMAC__GUTI_LEN);
		adv->count = p->r.est;
		adv->ver = p->ver;
		adv->stale = 0;
		w->r = p->r;
		w->raw_len = 0;
		if (m->pend_raw && p->raw_len &&
		    b->raw_used + p->raw_len <= (size_t)m->n_pend * LOOK_AVG_OCTETS) {
			/* Kept until the advance answers: a stale record sends it round again. */
			memcpy(b->raw + b->raw_used, pend_raw(m, p), p->raw_len);
			w->raw_off = (uint32_t)b->raw_used;
			w->raw_len = p->raw_len;
			b->raw_used += p->raw_len;
		}
		m->waiting++;
		pend_free(m, p);
		return;
	}
	restore_state(m, p->r.ue, p->r.prev_state);
	if (!busy && job->status != NASMAC_ST_VERIFIED && m->pend_raw && !p->r.looked &&
	    p->raw_len) {
		/* The held record may be stale (new keys, a COUNT far ahead): the MAC is checked
		 * again with the stored one; a failure then is final. */
		m->c.relooked++;
		look_again(m, pend_raw(m, p), p->raw_len, &p->r.peer, p->r.seq, p->r.peer_teid,
			   p->r.ue->guti, 0);
		pend_free(m, p);
		return;
	}
	if (busy || (job->status == NASMAC_ST_VERIFIED && b->n == m->batch_cap &&
		     nasmac__count_is_fresh(p->r.ue->ul_count, p->r.est))) {
		refuse(m, &p->r.peer, p->r.seq, p->r.peer_teid, NASMAC__CAUSE_NO_RESOURCES, 0,
		       &m->c.overload, &m->rl_overload, NASMAC__LOG_WARN,
		       "overload: MAC or commit queue full, answering No resources available to %s",
		       addr_str(&p->r.peer, a, sizeof(a)));
	} else if (job->status == NASMAC_ST_VERIFIED) {
		/* Something newer was accepted since the estimate. */
		m->c.replay++;
		reply_reject(m, &p->r.peer, p->r.seq, p->r.peer_teid,
			     NASMAC__CAUSE_REQUEST_REJECTED);
	} else {
		refuse(m, &p->r.peer, p->r.seq, p->r.peer_teid, NASMAC__CAUSE_USER_AUTH_FAILED, 0,
		       &m->c.mac_fail, &m->rl_reject, NASMAC__LOG_WARN,
		       "IMSI %s: NAS MAC check failed (COUNT %06x, status %d): no context for %s",
		       p->r.ue->imsi, p->r.est, job->status, addr_str(&p->r.peer, a, sizeof(a)));
	}
	pend_put(m, p);
}

/* The answers of a committed batch. A COUNT the store refused (another MME process on the same
 * store took a newer one) is a replay; a failed commit sends no context at all (System failure:
 * the AMF may try again). */
static void commit_answer(struct mme *m, struct batch *b)
{
	uint64_t now_ns = uv_hrtime();
	uint32_t again = 0;
	char a[64];

	m->c.commits++;
	if (b->rc) {
		m->c.store_fail += b->n;
		nasmac__log_rl(&m->rl_overload, NASMAC__LOG_ERR,
			       "store %s: commit of %u COUNTs failed (%s): no context sent",
			       m->db->where, b->n, nasmac_strerror(b->rc));
	}
	for (uint32_t i = 0; i < b->n; i++) {
		struct waiter *p = &b->w[i];
		struct nasmac__ue *ue = p->r.ue;
		struct nasmac__ue_txn *t = &m->tx.ue[ue - m->store.ues];

		/* The UEs of a batch are anywhere in tables larger than the caches: what the
		 * answers a few waiters on will touch is fetched now (perf: the TEID table's
		 * misses were 5 % of the MME's CPU). */
		if (i + ANSWER_AHEAD < b->n) {
			const struct nasmac__ue *f = b->w[i + ANSWER_AHEAD].r.ue;

			__builtin_prefetch(f);
			__builtin_prefetch((const uint8_t *)f + 64);
			nasmac__ctx_txns_prefetch(&m->tx, (uint32_t)(f - m->store.ues), 0);
		}
		if (i + ANSWER_AHEAD / 2 < b->n)
			nasmac__ctx_txns_prefetch(&m->tx,
						  (uint32_t)(b->w[i + ANSWER_AHEAD / 2].r.ue -
							     m->store.ues),
						  1);

		restore_state(m, ue, p->r.prev_state);
		if (b->rc) {
			reply_reject(m, &p->r.peer, p->r.seq, p->r.peer_teid,
				     NASMAC__CAUSE_SYSTEM_FAILURE);
		} else if (b->adv[i].stale) {
			/* Verified with a record that is no longer the stored one: no context from
			 * it. Looked up and verified again with the stored one (the UE is no longer
			 * VERIFYING, so the lookup refreshes it). */
			m->c.stale++;
			if (p->raw_len && p->r.looked < MAX_LOOKS) {
				look_again(m, b->raw + p->raw_off, p->raw_len, &p->r.peer, p->r.seq,
					   p->r.peer_teid, ue->guti, p->r.looked);
				again++;
				continue;
			}
			reply_reject(m, &p->r.peer, p->r.seq, p->r.peer_teid,
				     NASMAC__CAUSE_SYSTEM_FAILURE);
		} else if (b->adv[i].ok) {
			m->c.committed++;
			ue->ul_count = p->r.est;
			/* Remembered, so that a retransmission gets this answer again. */
			t->rq_accepted = 1;
			t->rq_fig3 = p->r.fig3;
			t->rq_count = p->r.est;
			t->rq_t_ms = uv_now(&m->loop);
			m->answer_gen = b->gen;
			reply_context(m, ue, &p->r.peer, p->r.seq, p->r.peer_teid, p->r.fig3, 0);
		} else {
			m->c.replay++;
			m->c.store_refused++;
			if (nasmac__count_is_fresh(ue->ul_count, b->adv[i].stored))
				ue->ul_count = b->adv[i].stored;
			nasmac__log_rl(&m->rl_reject, NASMAC__LOG_WARN,
				       "IMSI %s: COUNT %06x refused by the store (stored %06x) "
				       "from %s: no context",
				       ue->imsi, p->r.est, b->adv[i].stored,
				       addr_str(&p->r.peer, a, sizeof(a)));
			reply_reject(m, &p->r.peer, p->r.seq, p->r.peer_teid,
				     NASMAC__CAUSE_REQUEST_REJECTED);
		}
		nasmac__hist_observe(&m->latency, now_ns - p->r.t_rx_ns);
	}
	m->waiting -= b->n;
	b->n = 0;
	b->raw_used = 0;
	if (again)
		look_start(m);
}

/* In a thread of the libuv pool: the transaction and its fsync. The loop touches neither these
 * batches nor the store meanwhile. On a deferred store a successful advance also flushed the
 * held batch's meta page; when it failed (or there was nothing to commit) a flush does. */
static void commit_work(uv_work_t *w)
{
	struct mme *m = w->data;
	int rc = -EAGAIN;

	if (m->work_b >= 0) {
		struct batch *b = &m->batch[m->work_b];

		rc = b->rc = nasmac__db_advance_gen(m->db, b->adv, b->n, &b->gen);
	}
	if (m->held >= 0)
		m->flush_rc = rc ? nasmac__db_flush(m->db) : 0;
}

static void commit_start(struct mme *m);
static void commit_now(struct mme *m);

static void on_coalesce_idle(uv_idle_t *h)
{
	(void)h; /* active: the loop polls without blocking (commit_start) */
}

static void on_coalesce_timer(uv_timer_t *h);

/* The batch that neither fills, nor is with the worker, nor is held. */
static int batch_free(int a, int b)
{
	for (int k = 0; k < N_BATCH; k++)
		if (k != a && k != b)
			return k;
	return -1;
}

static void commit_done(uv_work_t *w, int status)
{
	struct mme *m = w->data;
	int wb = m->work_b;

	m->committing = 0;
	if (status) { /* cancelled: nothing was committed, nothing flushed */
		if (wb >= 0)
			m->batch[wb].rc = status;
		m->flush_rc = status;
	}
	/* The held batch first: its answers go before those of the batch committed after it. */
	if (m->held >= 0) {
		m->batch[m->held].rc = m->flush_rc;
		commit_answer(m, &m->batch[m->held]);
		m->held = -1;
	}
	if (wb >= 0) {
		if (m->db->deferred && !m->batch[wb].rc)
			m->held = wb; /* committed; durable with the next flush */
		else
			commit_answer(m, &m->batch[wb]);
	}
	/* What was verified during this commit goes next (with a held batch: a flush at least). */
	commit_start(m);
	nasmac__udp_flush(&m->udp);
}

/*
 * The commit thread (lmdb with commits off the loop). When a commit returns, the thread takes
 * at once the batch the loop handed over meanwhile, if any, else flushes the held batch alone;
 * the loop is not on that path. With uv_queue_work a commit started only once the previous
 * one's completion had woken the loop and the loop had answered the held batch: the cycle was
 * ~1.8 ms under bench e2e for a ~0.65 ms fdatasync. The durability rule is commit_work's: a
 * held batch is reported durable only once an advance or a flush that started after its own
 * commit returned returned in turn (store.h, deferred).
 */
static void commit_thread(void *arg)
{
	struct mme *m = arg;
	struct committer *ct = &m->ct;
	uint64_t t_start = 0, idle_start = 0;

	uv_mutex_lock(&ct->lock);
	for (;;) {
		int wb = ct->ready, h = ct->held, rc = -EAGAIN, flush_rc = 0;
		uint32_t n = wb >= 0 ? m->batch[wb].n_pub : 0;
		uint64_t now, since;

		if (wb < 0 && h < 0) {
			if (ct->stop)
				break;
			uv_cond_wait(&ct->wake, &ct->lock);
			continue;
		}
		now = uv_hrtime();
		since = now - t_start;
		if (wb >= 0 && !ct->stop && since < COMMIT_PACE_NS &&
		    (ct->loop_idle_ns - idle_start) * 4 < since) {
			/* The loop is saturated: more requests per commit rather than more
			 * commits (COMMIT_PACE_NS). A stop or nothing else wakes it earlier. */
			(void)uv_cond_timedwait(&ct->wake, &ct->lock, COMMIT_PACE_NS - since);
			continue;
		}
		if (wb >= 0) {
			t_start = now;
			idle_start = ct->loop_idle_ns;
		}
		ct->ready = -1;
		uv_mutex_unlock(&ct->lock);
		/* The loop keeps appending to a taken batch until it notices (commit_poll): only
		 * the first n waiters, published before the take, are this commit's. */
		if (wb >= 0)
			rc = nasmac__db_advance_gen(m->db, m->batch[wb].adv, n, &m->batch[wb].gen);
		if (h >= 0 && rc)
			flush_rc = nasmac__db_flush(m->db);
		uv_mutex_lock(&ct->lock);
		if (h >= 0) {
			m->batch[h].rc = flush_rc;
			ct->done[ct->n_done++] = h;
			ct->held = -1;
		}
		if (wb >= 0) {
			m->batch[wb].rc = rc;
			if (m->db->deferred && !rc)
				ct->held = wb; /* durable with the next advance or flush */
			else
				ct->done[ct->n_done++] = wb;
		}
		uv_async_send(&ct->async);
	}
	uv_mutex_unlock(&ct->lock);
}

/* A batch the thread took while the loop was still adding to it: the waiters added after its
 * last publication (at most one loop iteration's) start the next batch. */
static void commit_split(struct mme *m, struct batch *b)
{
	struct batch *nb = NULL;
	uint32_t tail = b->n - b->n_pub;

	/* Busy at most: this batch, the one committed before it (held) and the one held before
	 * that (its answers not yet taken): N_BATCH leaves one more. */
	for (int k = 0; k < N_BATCH && !nb; k++)
		if (!m->batch[k].busy && k != m->filling)
			nb = &m->batch[k];
	if (!nb) {
		nasmac__log(NASMAC__LOG_ERR, "commit thread: no free batch (a bug)");
		abort();
	}
	memcpy(nb->w, b->w + b->n_pub, tail * sizeof(*nb->w));
	memcpy(nb->adv, b->adv + b->n_pub, tail * sizeof(*nb->adv));
	nb->n = tail;
	b->n = b->n_pub;
	m->filling = (int)(nb - m->batch);
	m->handed = 0;
}

/* The loop's side of the commit thread, at each iteration's end and at each of the thread's
 * reports: the batch the thread took is cut where it was published, the answers it reported
 * durable are sent (in commit order), and the filling batch is handed over when the thread
 * has none waiting, or its new length published when it waits still. */
static void commit_poll(struct mme *m)
{
	struct committer *ct = &m->ct;
	struct batch *b = &m->batch[m->filling];
	int done[N_BATCH], taken;
	unsigned n_done;

	uv_mutex_lock(&ct->lock);
	n_done = ct->n_done;
	memcpy(done, ct->done, n_done * sizeof(done[0]));
	ct->n_done = 0;
	taken = m->handed && ct->ready != m->filling;
	if (m->handed && !taken)
		b->n_pub = b->n;
	ct->loop_idle_ns = uv_metrics_idle_time(&m->loop);
	uv_mutex_unlock(&ct->lock);
	if (taken) {
		commit_split(m, b);
		b = &m->batch[m->filling];
	}
	for (unsigned i = 0; i < n_done; i++) {
		commit_answer(m, &m->batch[done[i]]);
		m->batch[done[i]].busy = 0;
		m->committing--;
	}
	if (!b->n || m->handed)
		return;
	uv_mutex_lock(&ct->lock);
	ct->ready = m->filling; /* none waits: the last hand-over was taken */
	b->n_pub = b->n;
	uv_cond_signal(&ct->wake);
	uv_mutex_unlock(&ct->lock);
	b->busy = 1;
	m->handed = 1;
	m->committing++;
}

static void on_commit_async(uv_async_t *h)
{
	struct mme *m = h->data;

	commit_poll(m);
	nasmac__udp_flush(&m->udp);
}

static int commit_thread_start(struct mme *m)
{
	struct committer *ct = &m->ct;
	int rc;

	ct->ready = ct->held = -1;
	/* The pace (COMMIT_PACE_NS) follows how long the loop sleeps. */
	rc = uv_loop_configure(&m->loop, UV_METRICS_IDLE_TIME);
	if (rc)
		return rc;
	rc = uv_mutex_init(&ct->lock);
	if (rc)
		return rc;
	rc = uv_cond_init(&ct->wake);
	if (rc)
		goto out_mutex;
	rc = uv_async_init(&m->loop, &ct->async, on_commit_async);
	if (rc)
		goto out_cond;
	ct->async.data = m;
	rc = uv_thread_create(&ct->thread, commit_thread, m);
	if (rc)
		goto out_async;
	ct->on = 1;
	return 0;

out_async:
	uv_close((uv_handle_t *)&ct->async, NULL);
out_cond:
	uv_cond_destroy(&ct->wake);
out_mutex:
	uv_mutex_destroy(&ct->lock);
	return rc;
}

/* Once every batch was answered (the thread holds none and waits). */
static void commit_thread_stop(struct mme *m)
{
	struct committer *ct = &m->ct;

	if (!ct->on)
		return;
	uv_mutex_lock(&ct->lock);
	ct->stop = 1;
	uv_cond_signal(&ct->wake);
	uv_mutex_unlock(&ct->lock);
	uv_thread_join(&ct->thread);
	uv_close((uv_handle_t *)&ct->async, NULL);
	uv_cond_destroy(&ct->wake);
	uv_mutex_destroy(&ct->lock);
	ct->on = 0;
}

/* The group commit of what the burst verified: one store transaction, then the answers. */
static void commit_start(struct mme *m)
{
	struct batch *b = &m->batch[m->filling];

	if (m->ct.on) {
		commit_poll(m);
		return;
	}
	if (m->committing || (!b->n && m->held < 0))
		return;
	if (m->db->remote && b->n < REMOTE_COMMIT_MIN) {
		if (m->last_commit_n >= REMOTE_COMMIT_BUSY) {
			/* Busy: the loop may block in poll, the next datagrams or the timer wake it. */
			uv_idle_stop(&m->coalesce_idle);
			if (!uv_is_active((uv_handle_t *)&m->coalesce_timer))
				uv_timer_start(&m->coalesce_timer, on_coalesce_timer,
					       REMOTE_COMMIT_WAIT_MS, 0);
		} else if (!uv_is_active((uv_handle_t *)&m->coalesce_idle)) {
			/* on_coalesce sends it once nothing more comes; meanwhile the loop must not
			 * block. */
			uv_idle_start(&m->coalesce_idle, on_coalesce_idle);
		}
		return;
	}
	commit_now(m);
}

static void on_coalesce_timer(uv_timer_t *h)
{
	struct mme *m = h->data;

	if (!m->committing && m->batch[m->filling].n)
		commit_now(m);
	nasmac__udp_flush(&m->udp);
}

/* Before each poll of a loop iteration (remote store): a batch that waits goes when the
 * iteration before brought no new request. */
static void on_coalesce(uv_prepare_t *h)
{
	struct mme *m = h->data;

	if (!m->committing && m->batch[m->filling].n && m->c.rx == m->coalesce_rx &&
	    !uv_is_active((uv_handle_t *)&m->coalesce_timer))
		commit_now(m);
	if (!m->batch[m->filling].n || m->committing)
		uv_idle_stop(&m->coalesce_idle);
	m->coalesce_rx = m->c.rx;
}

static void commit_now(struct mme *m)
{
	struct batch *b = &m->batch[m->filling];
	int rc;

	if (m->db->remote) {
		m->last_commit_n = b->n;
		uv_timer_stop(&m->coalesce_timer);
	}
	if (!m->commit_offloop) {
		b->rc = nasmac__db_advance_gen(m->db, b->adv, b->n, &b->gen);
		commit_answer(m, b);
		return;
	}
	m->work_b = b->n ? m->filling : -1;
	if (b->n)
		m->filling = batch_free(m->work_b, m->held);
	m->committing = 1;
	m->flush_rc = -EIO;
	m->work.data = m;
	rc = uv_queue_work(&m->loop, &m->work, commit_work, commit_done);
	if (rc) {
		/* Not committed, not flushed: every waiting answer is a refusal. */
		m->committing = 0;
		if (m->work_b >= 0)
			m->batch[m->work_b].rc = rc;
		m->flush_rc = rc;
		commit_done(&m->work, 0);
	}
}

static void after_jobs(struct nasmac__vq *q)
{
	struct mme *m = q->data;

	m->rx_stamp_n = 0; /* once per loop iteration (the vq's check) */
	commit_start(m);
	if (m->pend_raw)
		look_start(m); /* what on_job sent round again */
	nasmac__udp_flush(&m->udp);
}

/* 1 when k holds the UE's current K_NASint for its current algorithm, compared in constant time
 * (a key is a secret). The record's key changes under the MME (a remote store's refreshed
 * record, look_refresh): a prepared key that is not checked against it would verify MACs of the
 * old key (tests/e2e/redis.sh shows it with the check off). */
static int key_current(const struct mme *m, const nasmac_key_t *k, const struct nasmac__ue *ue)
{
	uint64_t a[2], b[2];

	if (k->alg != ue->eia || !k->alg)
		return 0;
	if (m->key_unchecked)
		return 1;
	memcpy(a, k->key, 16);
	memcpy(b, ue->knas_int, 16);
	return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
}

/* The job's key. 128-EIA2: the UE's prepared one (prepared now if it is not current; on_burst
 * fetched its cache lines). 128-EIA1 and 128-EIA3 have nothing to precompute (nasmac.h): their
 * key is copied from the UE record, already in cache, which costs less than a prepared key's
 * cache line. So does a UE whose algorithm libnasmac does not know, which the driver refuses. */
static void job_key(struct mme *m, nasmac_job_t *job, const struct nasmac__ue *ue)
{
	nasmac_key_t *k = &m->keys[ue - m->store.ues];

	if (ue->eia != NASMAC_EIA2 ||
	    (!key_current(m, k, ue) && nasmac_key_prepare(k, NASMAC_EIA2, ue->knas_int) != 0)) {
		memcpy(job->key, ue->knas_int, sizeof(job->key));
		job->alg = ue->eia;
		return;
	}
	nasmac_job_set_key(job, k);
}

/* Checks what the Complete Request Message carries and fills in the job; returns 0 or the cause
 * of the refusal. */
static int prepare_check(struct mme *m, const struct nasmac__ctx_req *req, struct nasmac__ue *ue,
			 struct pend *p, uint32_t *est_out, const char **why)
{
	struct nasmac__nas_sec sec;
	uint8_t guti[NASMAC__GUTI_LEN];
	uint8_t ksi;

	if (req->crm_type == NASMAC__CRM_TAU) {
		struct nasmac__tau tau;
		if (nasmac__nas_eps_sec(req->crm, req->crm_len, &sec) ||
		    nasmac__nas_dec_tau(sec.plain, sec.plain_len, &tau))
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		memcpy(guti, tau.guti, sizeof(guti));
		ksi = tau.ksi;
		p->r.fig3 = 0;
	} else if (req->crm_type == NASMAC__CRM_RR) {
		struct nasmac__rr rr;
		/* A legacy MME does not know the extension (a Private Extension IE of another
		 * vendor to it): it skips the IE and finds no Complete Request Message. */
		if (!ue->upgraded)
			return NASMAC__CAUSE_CONDITIONAL_IE_MISSING; /* counted as not_upgraded */
		if (nasmac__nas_5g_sec(req->crm, req->crm_len, &sec) ||
		    nasmac__nas_dec_rr(sec.plain, sec.plain_len, &rr))
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		memcpy(guti, rr.guti, sizeof(guti));
		ksi = rr.ngksi & 7u;
		p->r.fig3 = 1;
	} else {
		return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
	}
	/* Only an integrity-protected message can prove anything. */
	if (sec.sht == 0 || sec.msg_len > MAX_NAS || sec.msg_len * 8 > NASMAC_MAX_LEN_BITS) {
		*why = sec.sht == 0 ? "NAS message not integrity protected" : "NAS message too long";
		return NASMAC__CAUSE_USER_AUTH_FAILED;
	}
	/* The message must name the same UE and the same EPS security context. */
	if (memcmp(guti, ue->guti, sizeof(guti))) {
		*why = "the NAS message names another GUTI than the GUTI IE";
		return NASMAC__CAUSE_USER_AUTH_FAILED;
	}
	if (ksi != ue->ksi) {
		*why = "the NAS message's KSI is not the one of the stored context";
		return NASMAC__CAUSE_USER_AUTH_FAILED;
	}
	*est_out = nasmac__count_estimate(ue->ul_count, sec.sqn);
	if (!nasmac__count_is_fresh(ue->ul_count, *est_out))
		return NASMAC__CAUSE_REQUEST_REJECTED;
	memcpy(p->msg, sec.msg, sec.msg_len);
	memset(&p->job, 0, sizeof(p->job));
	job_key(m, &p->job, ue);
	p->job.count = *est_out;
	p->job.bearer = 0; /* EPS NAS: BEARER is the constant 0 (TS 33.401 8.1.1) */
	p->job.direction = 0;
	p->job.msg = p->msg;
	p->job.len_bits = (uint32_t)(sec.msg_len * 8);
	memcpy(p->job.expected_mac, sec.mac, 4);
	p->job.cookie = p;
	return 0;
}

/* 1 when the GUTI names one of the MMEs this one is (--gummei), or when none is configured.
 * On a shared store every MME of the pool holds every UE: without this check an MME hands out
 * the context of a UE that another MME serves. A GUTI of another MME is not ours to answer:
 * "Context Not Found" (TS 29.274 8.4: a message for which it has no context). */
static int gummei_ours(struct mme *m, const uint8_t guti[NASMAC__GUTI_LEN],
		       const struct sockaddr_in *from)
{
	struct nasmac__gummei g;
	char a[64], txt[NASMAC__GUMMEI_TEXT];

	if (!m->n_gummei)
		return 1;
	nasmac__gummei_of_guti(guti, &g);
	for (uint32_t i = 0; i < m->n_gummei; i++)
		if (nasmac__gummei_eq(&g, &m->gummei[i]))
			return 1;
	m->c.foreign_gummei++;
	if (nasmac__gummei_format(&g, txt, sizeof(txt)) < 0)
		snprintf(txt, sizeof(txt), "(not BCD)");
	nasmac__log_rl(&m->rl_gummei, NASMAC__LOG_WARN,
		       "Context Request from %s for a GUTI of MME %s, not one of --gummei: Context "
		       "Not Found", addr_str(from, a, sizeof(a)), txt);
	return 0;
}

/* looked: the remote store's lookup rounds this request went through (0: none yet, verified with
 * the held record if there is one); 1 on a local store. */
static void on_ctx_req(struct mme *m, const uint8_t *buf, size_t len,
		       const struct sockaddr_in *from, int looked)
{
	struct nasmac__ctx_req req;
	struct nasmac__ue *ue = NULL;
	struct nasmac__ue_txn *t;
	const char *why = "";
	struct pend *p;
	uint32_t est = 0, idx;
	char a[64];
	int cause;

	cause = nasmac__gtp_dec_ctx_req(buf, len, &req) ? req.h.bad_cause : 0;
	if (cause > 0) {
		refuse(m, from, req.h.seq, req.has_fteid ? req.fteid_teid : 0, (uint8_t)cause,
		       req.bad_ie, &m->c.malformed, &m->rl_malformed, NASMAC__LOG_WARN,
		       "malformed Context Request from %s (cause %d)", addr_str(from, a, sizeof(a)),
		       cause);
		return;
	}
	if (!req.has_fteid) {
		/* The AMF's F-TEID is where the answer and the Ack's TEID come from: without it
		 * the request is incomplete (TS 29.274 7.3.5, 7.7.7: "Mandatory IE missing" with
		 * the type of the IE missing; header TEID 0, no TEID being known). */
		refuse(m, from, req.h.seq, 0, NASMAC__CAUSE_MANDATORY_IE_MISSING, NASMAC__IE_FTEID,
		       &m->c.malformed, &m->rl_malformed, NASMAC__LOG_WARN,
		       "Context Request from %s without the sender F-TEID: Mandatory IE missing",
		       addr_str(from, a, sizeof(a)));
		return;
	}
	if (req.has_guti && !gummei_ours(m, req.guti, from)) {
		reply_reject(m, from, req.h.seq, req.fteid_teid, NASMAC__CAUSE_CONTEXT_NOT_FOUND);
		return;
	}
	if (req.has_guti) {
		/* on_burst hashed this GUTI already for its prefetch: the lookup starts there. */
		if (buf == m->hint_dgram && !memcmp(req.guti, m->hint_guti, NASMAC__GUTI_LEN))
			ue = nasmac__store_by_guti_at(&m->store, req.guti, m->hint_slot);
		else
			ue = nasmac__store_by_guti(&m->store, req.guti);
		if (!ue && !looked) {
			/* Not held: the store may know it (another MME of the pool added it). */
			look_again(m, buf, len, from, req.h.seq, req.fteid_teid, req.guti, 0);
			return;
		}
	} else if (req.has_imsi) {
		ue = nasmac__store_by_imsi(&m->store, req.imsi);
	}
	if (ue && req.has_guti && req.has_imsi && strcmp(req.imsi, ue->imsi)) {
		/* Two identities of two UEs: no context for either. */
		refuse(m, from, req.h.seq, req.fteid_teid, NASMAC__CAUSE_IMSI_IMEI_NOT_KNOWN, 0,
		       &m->c.id_mismatch, &m->rl_reject, NASMAC__LOG_WARN,
		       "Context Request from %s: IMSI IE %s contradicts the GUTI (IMSI %s): "
		       "IMSI/IMEI not known", addr_str(from, a, sizeof(a)), req.imsi, ue->imsi);
		return;
	}
	if (!ue) {
		refuse(m, from, req.h.seq, req.fteid_teid, NASMAC__CAUSE_CONTEXT_NOT_FOUND, 0,
		       &m->c.unknown_ue, &m->rl_reject, NASMAC__LOG_INFO,
		       "Context Request from %s for an unknown UE: Context Not Found",
		       addr_str(from, a, sizeof(a)));
		return;
	}
	if (!req.has_crm) {
		/* Without the NAS message there is nothing to verify, so no context. */
		refuse(m, from, req.h.seq, req.fteid_teid, NASMAC__CAUSE_CONDITIONAL_IE_MISSING,
		       NASMAC__IE_CRM, &m->c.malformed, &m->rl_malformed, NASMAC__LOG_WARN,
		       "Context Request from %s without a Complete Request Message: Conditional "
		       "IE missing", addr_str(from, a, sizeof(a)));
		return;
	}
	/* A retransmission (the AMF's T3 expired) must not be verified again: once accepted, its
	 * COUNT would read as a replay of itself. While it is still being verified the answer is
	 * on its way; once accepted (and nothing newer since) the same answer goes out again.
	 * Anything else is handled afresh, which gives the same refusal again. */
	idx = (uint32_t)(ue - m->store.ues);
	t = &m->tx.ue[idx];
	if (nasmac__ctx_txns_is_retx(&m->tx, idx, from, req.h.seq, buf, len)) {
		if (ue->state == NASMAC__UE_VERIFYING) {
			m->c.retransmit++;
			return;
		}
		if (t->rq_accepted && ue->ul_count == t->rq_count &&
		    uv_now(&m->loop) - t->rq_t_ms < RETRANSMIT_TTL_MS) {
			m->c.retransmit++;
			reply_context(m, ue, from, req.h.seq, req.fteid_teid, t->rq_fig3, 1);
			return;
		}
	}
	if (ue->state == NASMAC__UE_VERIFYING) {
		/* One check per UE at a time keeps estimate-verify-commit atomic. */
		m->c.busy_ue++;
		reply_reject(m, from, req.h.seq, req.fteid_teid, NASMAC__CAUSE_TEMP_REJECTED);
		return;
	}
	p = pend_get(m);
	if (!p) {
		refuse(m, from, req.h.seq, req.fteid_teid, NASMAC__CAUSE_NO_RESOURCES, 0,
		       &m->c.overload, &m->rl_overload, NASMAC__LOG_WARN,
		       "overload: %u checks in flight, answering No resources available",
		       m->n_pend);
		return;
	}
	cause = prepare_check(m, &req, ue, p, &est, &why);
	if (cause && cause != NASMAC__CAUSE_MANDATORY_IE_INCORRECT && m->pend_raw && !looked &&
	    len <= MAX_DGRAM && req.has_guti) {
		/* Refused on the held record (another KSI, not upgraded, a COUNT it has as used):
		 * that record may be stale; the stored one decides. */
		m->c.relooked++;
		pend_free(m, p);
		look_again(m, buf, len, from, req.h.seq, req.fteid_teid, req.guti, 0);
		return;
	}
	if (cause) {
		if (cause == NASMAC__CAUSE_CONDITIONAL_IE_MISSING)
			m->c.not_upgraded++;
		if (cause == NASMAC__CAUSE_REQUEST_REJECTED) {
			m->c.replay++;
			nasmac__log_rl(&m->rl_reject, NASMAC__LOG_WARN,
				       "IMSI %s: replayed NAS message (COUNT %06x, last accepted "
				       "%06x) from %s: no context",
				       ue->imsi, est, ue->ul_count, addr_str(from, a, sizeof(a)));
		} else if (cause == NASMAC__CAUSE_USER_AUTH_FAILED) {
			m->c.mac_fail++;
			nasmac__log_rl(&m->rl_reject, NASMAC__LOG_WARN,
				       "IMSI %s: %s (Context Request from %s): User authentication "
				       "failed", ue->imsi, why, addr_str(from, a, sizeof(a)));
		} else {
			m->c.malformed++;
			nasmac__log_rl(&m->rl_malformed, NASMAC__LOG_WARN,
				       "IMSI %s: undecodable NAS message in the Context Request "
				       "from %s",
				       ue->imsi, addr_str(from, a, sizeof(a)));
		}
		pend_put(m, p);
		/* 69 and 103 are about the Complete Request Message (or the FIG. 3 extension a
		 * legacy MME does not know): name it. */
		reply_reject_ie(m, from, req.h.seq, req.fteid_teid, (uint8_t)cause,
				cause == NASMAC__CAUSE_MANDATORY_IE_INCORRECT ||
						cause == NASMAC__CAUSE_CONDITIONAL_IE_MISSING
					? NASMAC__IE_CRM
					: 0);
		return;
	}
	p->r.peer = *from;
	p->r.seq = req.h.seq;
	p->r.peer_teid = req.fteid_teid;
	p->r.est = est;
	p->r.ue = ue;
	p->r.prev_state = ue->state;
	p->r.t_rx_ns = m->rx_ns;
	p->r.looked = (uint8_t)looked;
	p->ver = ue->ver;
	p->raw_len = 0;
	if (m->pend_raw && len <= MAX_DGRAM) {
		memcpy(pend_raw(m, p), buf, len);
		p->raw_len = (uint32_t)len;
		m->c.held_verified += !looked;
	}
	ue->state = NASMAC__UE_VERIFYING;
	nasmac__ctx_txns_note(&m->tx, idx, from, req.h.seq, buf, len, uv_now(&m->loop));
	nasmac__vq_submit(&m->vq, &p->job);
}

/* The request (seq, peer_teid, guti: decoded from buf) waits for the next lookup round, its
 * looked-th (looked: the rounds it went through before). */
static void look_again(struct mme *m, const uint8_t *buf, size_t len,
		       const struct sockaddr_in *from, uint32_t seq, uint32_t peer_teid,
		       const uint8_t guti[NASMAC__GUTI_LEN], uint8_t looked)
{
	struct look_round *r = &m->look[m->look_filling];
	struct look *l;

	if (r->n == m->look_cap || r->used + len > (size_t)m->look_cap * LOOK_AVG_OCTETS) {
		refuse(m, from, seq, peer_teid, NASMAC__CAUSE_NO_RESOURCES, 0,
		       &m->c.overload, &m->rl_overload, NASMAC__LOG_WARN,
		       "overload: %u lookups waiting, answering No resources available", r->n);
		return;
	}
	l = &r->req[r->n];
	memcpy(r->arena + r->used, buf, len);
	l->off = r->used;
	l->len = len;
	r->used += len;
	l->from = *from;
	l->seq = seq;
	l->peer_teid = peer_teid;
	l->looked = looked;
	memcpy(r->guti[r->n], guti, NASMAC__GUTI_LEN);
	r->n++;
}

static void look_work(uv_work_t *w)
{
	struct mme *m = w->data;
	struct look_round *r = &m->look[m->look_filling ^ 1u];

	r->rc = nasmac__db_get_many(m->db, (const uint8_t(*)[NASMAC__GUTI_LEN])r->guti, r->n,
				    r->ue, r->res);
}

/* The cache takes what the store holds: keys and algorithms as provisioned, the higher of
 * the COUNTs. Not while a check of this UE is in flight (its estimate is under way). */
static void look_refresh(struct mme *m, const struct nasmac__ue *st)
{
	struct nasmac__ue *ue = nasmac__store_by_guti(&m->store, st->guti);

	if (!ue) {
		(void)nasmac__store_add(&m->store, st); /* full: answered as unknown */
		return;
	}
	if (ue->state == NASMAC__UE_VERIFYING || strcmp(ue->imsi, st->imsi))
		return;
	/* The old key's material goes now (key_current would not use it either). */
	if (!m->key_unchecked)
		nasmac_key_wipe(&m->keys[ue - m->store.ues]);
	memcpy(ue->kasme, st->kasme, sizeof(ue->kasme));
	memcpy(ue->knas_int, st->knas_int, sizeof(ue->knas_int));
	ue->ksi = st->ksi;
	ue->eia = st->eia;
	ue->eea = st->eea;
	ue->upgraded = st->upgraded;
	ue->kamf_by_mme = st->kamf_by_mme;
	ue->echo5g = st->echo5g;
	ue->ver = st->ver;
	if (nasmac__count_is_fresh(ue->ul_count, st->ul_count))
		ue->ul_count = st->ul_count;
	if (nasmac__count_is_fresh(ue->dl_count, st->dl_count))
		ue->dl_count = st->dl_count;
}

static void look_done(uv_work_t *w, int status)
{
	struct mme *m = w->data;
	struct look_round *r = &m->look[m->look_filling ^ 1u];
	char a[64];

	m->looking = 0;
	m->c.lookup_rounds++;
	m->c.lookups += r->n;
	for (uint32_t i = 0; i < r->n; i++) {
		struct look *l = &r->req[i];

		/* Not answered: no context (a UE the store does not know is -ENOENT). */
		if (status || (r->res[i] && r->res[i] != -ENOENT)) {
			refuse(m, &l->from, l->seq, l->peer_teid, NASMAC__CAUSE_SYSTEM_FAILURE, 0,
			       &m->c.lookup_fail, &m->rl_overload, NASMAC__LOG_ERR,
			       "store %s: lookup failed (%s): no context for %s", m->db->where,
			       nasmac_strerror(status ? status : r->rc),
			       addr_str(&l->from, a, sizeof(a)));
			continue;
		}
		if (!r->res[i])
			look_refresh(m, &r->ue[i]);
		/* A round holds up to --max-pending requests, more than the MAC stage takes in
		 * one loop iteration (a full stage answers No resources): hand it over first. */
		if (m->vq.n_stage == NASMAC__VQ_STAGE)
			nasmac__vq_kick(&m->vq);
		on_ctx_req(m, r->arena + l->off, l->len, &l->from, l->looked + 1);
	}
	explicit_bzero(r->ue, (size_t)r->n * sizeof(*r->ue));
	r->n = 0;
	r->used = 0;
	look_start(m);
	nasmac__udp_flush(&m->udp);
}

/* One lookup round for what this loop iteration received (uv_check: after the reads). */
static void look_start(struct mme *m)
{
	struct look_round *r = &m->look[m->look_filling];
	int rc;

	if (!r->n || m->looking)
		return;
	m->look_filling ^= 1u;
	m->looking = 1;
	m->look_work.data = m;
	rc = uv_queue_work(&m->loop, &m->look_work, look_work, look_done);
	if (rc) {
		m->looking = 0;
		r->rc = rc;
		look_done(&m->look_work, rc);
	}
}

static void on_look_check(uv_check_t *c)
{
	look_start(c->data);
}

static void on_ctx_ack(struct mme *m, const uint8_t *buf, size_t len,
		       const struct sockaddr_in *from)
{
	struct nasmac__ctx_ack ack;
	struct nasmac__ue *ue;
	uint32_t idx;
	char a[64];
	int rc;

	if (nasmac__gtp_dec_ctx_ack(buf, len, &ack)) {
		m->c.malformed++;
		nasmac__log_rl(&m->rl_malformed, NASMAC__LOG_WARN,
			       "malformed Context Acknowledge from %s", addr_str(from, a, sizeof(a)));
		return;
	}
	/* Taken only under the TEID of a context sent, from the peer it went to, with the
	 * sequence number of that Context Response (TS 29.274 7.6: the triggered message answers
	 * that transaction). */
	rc = nasmac__ctx_txns_ack(&m->tx, ack.h.teid, from, ack.h.seq, &idx);
	if (rc == -EPERM) {
		m->c.acks_spoofed++;
		nasmac__log_rl(&m->rl_ack, NASMAC__LOG_WARN,
			       "Context Acknowledge from %s (TEID %u, seq %u) is not from the peer "
			       "the context went to or not for its sequence number: dropped",
			       addr_str(from, a, sizeof(a)), ack.h.teid, ack.h.seq);
		return;
	}
	if (rc) {
		m->c.acks_unknown++;
		nasmac__log_rl(&m->rl_ack, NASMAC__LOG_INFO,
			       "Context Acknowledge from %s for no context sent (TEID %u)",
			       addr_str(from, a, sizeof(a)), ack.h.teid);
		return;
	}
	ue = &m->store.ues[idx];
	if (ack.cause == NASMAC__CAUSE_ACCEPTED) {
		/* The context now lives in 5GS; only now is it marked transferred. */
		if (ue->state == NASMAC__UE_SENT)
			ue->state = NASMAC__UE_TRANSFERRED;
		m->c.acks++;
	} else {
		/* TS 29.274 7.3.7: continue as if the Context Request was never received. */
		if (ue->state == NASMAC__UE_SENT)
			ue->state = NASMAC__UE_IDLE;
		m->c.acks_rejected++;
	}
}

static void on_recv(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		    const struct sockaddr_in *from)
{
	struct mme *m = u->data;
	struct nasmac__gtp_hdr h;
	uint8_t rsp[32];
	char a[64];
	unsigned v;
	int n;

	m->c.rx++;
	if (m->rx_stamp_n == 0)
		m->rx_ns = uv_hrtime();
	m->rx_stamp_n = (m->rx_stamp_n + 1) % RX_STAMP_EVERY;
	if (m->pcap)
		nasmac__pcap_write(m->pcap, from, &m->self, buf, len);
	if (len > MAX_DGRAM) {
		m->c.oversized++;
		nasmac__log_rl(&m->rl_malformed, NASMAC__LOG_WARN,
			       "oversized datagram (%zu octets) from %s dropped", len,
			       addr_str(from, a, sizeof(a)));
		return;
	}
	if ((v = nasmac__gtp_other_version(buf, len)) != 0) {
		/* TS 29.274 path management: a message of a GTP version this node does not
		 * support is answered with a Version Not Supported Indication naming version 2,
		 * and discarded. 8 octets back for at least 8 in: nothing to amplify. */
		if (!nasmac__peer_limit_take(&m->vnsi_limit, from, uv_now(&m->loop))) {
			m->c.vnsi_limited++;
			return;
		}
		m->c.vnsi++;
		nasmac__log_rl(&m->rl_malformed, NASMAC__LOG_WARN,
			       "GTP version %u message (%zu octets) from %s: Version Not Supported "
			       "Indication sent", v, len, addr_str(from, a, sizeof(a)));
		n = nasmac__gtp_enc_vnsi(rsp, sizeof(rsp));
		if (n > 0)
			send_to(m, rsp, (size_t)n, from);
		return;
	}
	if (nasmac__gtp_peek(buf, len, &h)) {
		m->c.malformed++;
		nasmac__log_rl(&m->rl_malformed, NASMAC__LOG_WARN,
			       "not a GTPv2-C message (%zu octets) from %s dropped", len,
			       addr_str(from, a, sizeof(a)));
		return;
	}
	switch (h.type) {
	case NASMAC__GTP_CTX_REQ:
		on_ctx_req(m, buf, len, from, !m->db->remote);
		break;
	case NASMAC__GTP_CTX_ACK:
		on_ctx_ack(m, buf, len, from);
		break;
	case NASMAC__GTP_ECHO_REQ:
		if (!nasmac__peer_limit_take(&m->echo_limit, from, uv_now(&m->loop))) {
			m->c.echo_limited++;
			break;
		}
		m->c.echo++;
		/* TS 29.274 7.1.1, 8.5, TS 23.007: Recovery carries the restart counter. */
		n = nasmac__gtp_enc_echo_rsp_recovery(h.seq, (uint8_t)m->restart, rsp,
						      sizeof(rsp));
		if (n > 0)
			send_to(m, rsp, (size_t)n, from);
		break;
	default:
		m->c.unknown_type++;
		nasmac__log_rl(&m->rl_malformed, NASMAC__LOG_INFO,
			       "GTPv2-C message type %u from %s not handled", h.type,
			       addr_str(from, a, sizeof(a)));
		break;
	}
}

/* The datagrams of one recvmmsg call: each Context Request's GUTI hash slot is fetched, then
 * the UE record it names, before the first request is handled, so the lookup's two dependent
 * cache misses overlap across the burst instead of stalling each request in turn (the lookup
 * was 4.8 % of the MME's CPU under bench e2e, perf). A look ahead only: the slot is the first
 * probe of store.c's table, and on_recv decodes and looks up as before. */
static void on_burst(struct nasmac__udp *u, const struct nasmac__dgram *d, uint32_t n)
{
	struct mme *m = u->data;
	const struct nasmac__store *st = &m->store;
	uint32_t slot[NASMAC__UDP_RX_SLOTS], idx[NASMAC__UDP_RX_SLOTS];
	const uint8_t *guti[NASMAC__UDP_RX_SLOTS];

	for (uint32_t i = 0; i < n; i++) {
		size_t glen = 0;

		slot[i] = UINT32_MAX;
		guti[i] = NULL;
		if (d[i].len > 1 && d[i].buf[1] == NASMAC__GTP_CTX_REQ)
			guti[i] = nasmac__gtp_find_ie(d[i].buf, d[i].len, NASMAC__IE_GUTI, &glen);
		if (guti[i] && glen == NASMAC__GUTI_LEN)
			slot[i] = nasmac__store_prefetch_slot(st, guti[i]);
		else
			guti[i] = NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		/* The likely UE's transaction record (the retransmission check reads it first)
		 * comes along. */
		idx[i] = nasmac__store_prefetch_ue(st, slot[i]);
		if (idx[i] < st->cap)
			nasmac__ctx_txns_prefetch(&m->tx, idx[i], 0);
	}
	for (uint32_t i = 0; i < n; i++) {
		/* A 128-EIA2 UE's prepared key (job_key: its four cache lines), once its record
		 * says so: these reads wait for the records fetched above, together. */
		if (idx[i] < st->cap && st->ues[idx[i]].eia == NASMAC_EIA2) {
			const uint8_t *k = (const uint8_t *)&m->keys[idx[i]];

			for (uint32_t l = 0; l < sizeof(nasmac_key_t); l += 64)
				__builtin_prefetch(k + l);
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		/* on_ctx_req uses the slot only for the GUTI it was computed from. */
		m->hint_dgram = guti[i] ? d[i].buf : NULL;
		m->hint_guti = guti[i];
		m->hint_slot = slot[i];
		on_recv(u, d[i].buf, d[i].len, &d[i].from);
	}
	m->hint_dgram = NULL;
}

/* The rate-limited kinds of log line and their bursts (lines a second). */
static const struct nasmac__daemon_rl mme_rl[] = {
	{ offsetof(struct mme, rl_malformed), 5 }, { offsetof(struct mme, rl_reject), 10 },
	{ offsetof(struct mme, rl_overload), 2 },  { offsetof(struct mme, rl_ack), 5 },
	{ offsetof(struct mme, rl_gummei), 5 },
};
#define N_MME_RL (sizeof(mme_rl) / sizeof(mme_rl[0]))

/* Contexts whose Acknowledge did not come in time go back to IDLE (as after a rejecting Ack:
 * TS 29.274 7.3.7); log summaries of bursts that are over. */
static void on_tick(uv_timer_t *h)
{
	struct mme *m = h->data;
	uint32_t idx;

	while (nasmac__ctx_txns_expired(&m->tx, uv_now(&m->loop), &idx)) {
		struct nasmac__ue *ue = &m->store.ues[idx];
		m->c.ack_timeouts++;
		if (ue->state == NASMAC__UE_SENT)
			ue->state = NASMAC__UE_IDLE;
		nasmac__log_rl(&m->rl_ack, NASMAC__LOG_INFO,
			       "IMSI %s: no Context Acknowledge within %u ms: context back to idle",
			       ue->imsi, m->ack_timeout_ms);
	}
	nasmac__log_rl_tick();
}

/* The provisioning records of --ue-db, read before the store is opened (so the store can be
 * sized to them). */
struct records {
	struct nasmac__ue *v;
	uint32_t n, cap;
};

static int records_add(void *arg, const struct nasmac__ue *ue)
{
	struct records *r = arg;

	if (r->n == r->cap) {
		uint32_t cap = r->cap ? 2 * r->cap : 1024;
		struct nasmac__ue *v;

		if (cap > (1u << 26))
			return -ENOSPC;
		v = calloc(cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (r->n) {
			memcpy(v, r->v, (size_t)r->n * sizeof(*v));
			explicit_bzero(r->v, (size_t)r->n * sizeof(*v));
		}
		free(r->v);
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *ue;
	return 0;
}

static void records_free(struct records *r)
{
	if (r->v)
		explicit_bzero(r->v, (size_t)r->cap * sizeof(*r->v));
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int hot_add(void *arg, const struct nasmac__ue *ue)
{
	int rc = nasmac__store_add(arg, ue);

	if (rc == -EEXIST)
		nasmac__log(NASMAC__LOG_ERR, "store: UE %llu (IMSI %s) twice in the store",
			    (unsigned long long)ue->ue_id, ue->imsi);
	else if (rc == -ENOSPC)
		nasmac__log(NASMAC__LOG_ERR, "store: more UEs than --max-ues");
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nasmacd mme --listen ADDR:PORT [--backend cpu|sim|xrt:N] [--store URI]\n"
		"                   [--sync full|nometasync|nosync] [--ue-db FILE] [--pcap FILE]\n"
		"                   [--kamf-by-mme] [--max-ues N] [--max-pending N]\n"
		"                   [--ack-timeout-ms N] [--metrics ADDR:PORT] [--workers N]\n"
		"                   [--gummei MCC-MNC-MMEGI-MMEC]... [--verbose]\n"
		"  --listen       UDP address of the N26 GTPv2-C server (GTP-C uses port 2123)\n"
		"  --backend      libnasmac backend for the MAC checks (default cpu)\n"
		"  --store        where UE contexts, accepted COUNTs and the restart counter live:\n"
		"                 lmdb:DIR (default " NASMAC__STORE_DEFAULT ", created 0700) or\n"
		"                 memory: (nothing survives a restart: tests and benchmarks only)\n"
		"                 or redis://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT...][/N]\n"
		"                 [?timeout=MS&wait=R&password_file=PATH] (shared by an MME pool;\n"
		"                 AUTH on every connect, the password best from a 0600 file;\n"
		"                 host/README.md, Redis)\n"
		"  --sync         lmdb commit durability (default full; host/README.md, Persistence):\n"
		"                 full: fsync data and meta; nometasync: the last commits may be\n"
		"                 undone by a power loss; nosync: no fsync (power loss may lose more).\n"
		"                 A killed process loses nothing in any mode.\n"
		"  --ue-db        import UE provisioning records (format: host/README.md) into the\n"
		"                 store at start; a stored uplink COUNT never goes backwards\n"
		"  --pcap         write what the MME receives and sends to a pcap file (mode 0600)\n"
		"  --kamf-by-mme  FIG. 3: derive K_AMF here (step 305) for every UE, not only for\n"
		"                 those with kamf_by_mme=1 in the UE db\n"
		"  --max-pending  MAC checks in flight before answering No resources (4096);\n"
		"                 verified requests waiting for a store commit: 4 times that\n"
		"  --max-ues      UE index size (default: the store's UEs + 16; on redis: twice\n"
		"                 the store's UEs + 4096, the pool may add UEs)\n"
		"  --ack-timeout-ms  how long a context sent waits for its Context Acknowledge\n"
		"                 before it is back to idle (default 10000; longer than the AMF's\n"
		"                 T3 x (N3 + 1) plus its NAS SMC round trip)\n"
		"  --metrics      serve Prometheus metrics at http://ADDR:PORT/metrics (with\n"
		"                 workers: served by worker 0, the sums over every worker)\n"
		"  --workers N    N processes on one port, one loop each, sharing the store\n"
		"                 (lmdb or redis); default and 0: one per online core. memory:\n"
		"                 is one process only: by default it runs 1 worker (and says so),\n"
		"                 an explicit N > 1 is an error\n"
		"  --gummei G     answer only for GUTIs of this MME (e.g. 001-01-8001-4a; up to 16\n"
		"                 times): a Context Request for another MME's GUTI gets Context Not\n"
		"                 Found. Without it any GUTI is answered (a warning at start). The\n"
		"                 first one also names this MME's restart counter in a shared store\n"
		"                 (without it: the --listen address)\n"
		"signals: SIGUSR1 prints the counters, SIGHUP too (and reopens the log file,\n"
		"         in every worker), SIGTERM/SIGINT stop cleanly and print them (one line,\n"
		"         summed over the workers).\n");
}

int nasmac__mme_main(int argc, char **argv)
{
	static const struct option opts[] = {
		NASMAC__DAEMON_LONGOPTS,
		{ "store", required_argument, NULL, 's' },
		{ "sync", required_argument, NULL, 'S' },
		{ "ue-db", required_argument, NULL, 'u' },
		{ "kamf-by-mme", no_argument, NULL, 'k' },
		{ "max-ues", required_argument, NULL, 'M' },
		{ "max-pending", required_argument, NULL, 'P' },
		{ "ack-timeout-ms", required_argument, NULL, 'A' },
		{ "workers", required_argument, NULL, 'W' },
		{ "gummei", required_argument, NULL, 'g' },
		{ 0, 0, 0, 0 },
	};
	struct nasmac__daemon_args da = { .backend = "cpu", .level = NASMAC__LOG_INFO };
	const char *store = NASMAC__STORE_DEFAULT, *db = NULL;
	char slog[512];
	int start_failed = 0;
	/* The commit path below answers a batch only after the next commit or flush returned. */
	struct nasmac__db_opts dbo = { .sync = NASMAC__DB_SYNC_FULL, .pipelined = 1 };
	struct nasmac__db_import_stats imp = { 0 };
	struct nasmac__ue_db_err dberr;
	struct records recs = { 0 };
	uint32_t max_ues = 0, max_pending = 4096, ack_timeout_ms = 10000, workers = 0;
	struct nasmac__gummei gummei[MAX_GUMMEI];
	uint32_t n_gummei = 0;
	int worker = -1, workers_given = 0;
	char who[NASMAC__GUMMEI_TEXT + 32];
	int c, rc, ret = 1, kamf_by_mme_all = 0;
	char why[256];
	uint64_t held;
	struct mme *m;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'W':
			if (nasmac__parse_u32(optarg, 0, 256, &workers))
				goto out_usage;
			workers_given = workers != 0;
			break;
		case 'g':
			if (n_gummei == MAX_GUMMEI || nasmac__gummei_parse(optarg, &gummei[n_gummei])) {
				fprintf(stderr, "nasmacd mme: bad --gummei '%s' (MCC-MNC-MMEGI-MMEC, "
						"e.g. 001-01-8001-4a; at most %u)\n", optarg, MAX_GUMMEI);
				goto out_usage;
			}
			n_gummei++;
			break;
		case 's': store = optarg; break;
		case 'S':
			if (nasmac__db_parse_sync(optarg, &dbo.sync))
				goto out_usage;
			break;
		case 'u': db = optarg; break;
		case 'k': kamf_by_mme_all = 1; break;
		case 'M':
			if (nasmac__parse_u32(optarg, 1, 1u << 26, &max_ues))
				goto out_usage;
			break;
		case 'P':
			if (nasmac__parse_u32(optarg, 1, 1u << 20, &max_pending))
				goto out_usage;
			break;
		case 'A':
			if (nasmac__parse_u32(optarg, 1, 3600000, &ack_timeout_ms))
				goto out_usage;
			break;
		default:
			rc = nasmac__daemon_getopt(&da, c, optarg, usage);
			if (rc)
				return rc < 0 ? 0 : 2;
		}
	}
	if (!da.listen || optind != argc)
		goto out_usage;
	nasmac__log_init("mme", da.level);
	nasmac__db_uri_redact(store, slog, sizeof(slog)); /* a password never in a log line */
	m = calloc(1, sizeof(*m));
	if (!m)
		return 1;
	m->kamf_by_mme_all = kamf_by_mme_all;
	m->worker = -1;
	memcpy(m->gummei, gummei, sizeof(gummei));
	m->n_gummei = n_gummei;
	if (nasmac__parse_addr(da.listen, &m->self)) {
		fprintf(stderr, "nasmacd mme: bad --listen address '%s'\n", da.listen);
		goto out_free_m;
	}
	if (db) {
		rc = nasmac__ue_db_read(db, records_add, &recs, &dberr);
		if (rc) {
			nasmac__log(NASMAC__LOG_ERR, "cannot load UE db %s: %s", db, dberr.msg);
			goto out_free_recs;
		}
	}
	/* memory: holds everything itself; lmdb sizes its map from it. */
	dbo.cap = max_ues ? max_ues : recs.n + 16;
	rc = nasmac__db_open(store, &dbo, &m->db, why, sizeof(why));
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "cannot open the store %s: %s", slog, why);
		goto out_free_recs;
	}
	if (!m->db->durable)
		nasmac__log(NASMAC__LOG_WARN,
			    "store %s: nothing persists: after a restart every COUNT accepted before "
			    "is accepted again (replays); for tests and benchmarks only",
			    slog);
	if (recs.n) {
		rc = nasmac__db_import(m->db, recs.v, recs.n, &imp);
		if (rc) {
			nasmac__log(NASMAC__LOG_ERR, "cannot import UE db %s into %s: %s", db,
				    slog, nasmac_strerror(rc));
			goto out_close_db;
		}
		nasmac__log(NASMAC__LOG_INFO,
			    "UE db %s imported into %s: %u added, %u updated (%u kept their higher "
			    "stored COUNT)",
			    db, slog, imp.added, imp.updated, imp.kept_count);
	}
	records_free(&recs);
	/* One restart counter per MME, also when MMEs of a pool share the store: named by this
	 * MME's first GUMMEI, or by its N26 address. */
	if (n_gummei)
		(void)nasmac__gummei_format(&gummei[0], who, sizeof(who));
	else
		snprintf(who, sizeof(who), "%s", da.listen);
	rc = nasmac__db_bump_restart(m->db, who, &m->restart);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "store %s: cannot update the restart counter of %s",
			    slog, who);
		goto out_close_db;
	}
	if (!n_gummei)
		nasmac__log(NASMAC__LOG_WARN,
			    "no --gummei: Context Requests for the GUTIs of any MME are answered (in a "
			    "pool on a shared store, this MME hands out the other MMEs' UEs)");
	snprintf(m->where, sizeof(m->where), "%s", m->db->where);
	if (workers == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		workers = cores < 1 ? 1u : cores > 256 ? 256u : (uint32_t)cores;
	}
	/* Two things only one process can have: a memory: store, a capture file. */
	if (workers > 1 && (!m->db->durable || da.pcap)) {
		if (workers_given && !m->db->durable) {
			nasmac__log(NASMAC__LOG_ERR, "--workers %u needs a store the workers share "
						     "(lmdb:DIR or redis://), not %s", workers, slog);
			goto out_close_db;
		}
		if (workers_given) {
			nasmac__log(NASMAC__LOG_ERR, "--workers %u with --pcap: one capture file "
						     "cannot take %u writers; run one", workers, workers);
			goto out_close_db;
		}
		if (!m->db->durable)
			nasmac__log(NASMAC__LOG_WARN, "store %s is one process's: 1 worker, not one "
						      "per core (%u)", slog, workers);
		else
			nasmac__log(NASMAC__LOG_WARN, "--pcap is one process's: 1 worker, not one "
						      "per core (%u)", workers);
		workers = 1;
	}
	m->n_workers = workers;
	m->share_len = (size_t)workers * sizeof(*m->share);
	m->share = nasmac__shared_alloc(m->share_len);
	if (!m->share)
		goto out_close_db;
	m->mine = &m->share[0];
	if (workers > 1) {
		char role[16];

		/* The store is ready (imported, restart counter bumped once for all of them): each
		 * worker opens its own handle after the fork, as LMDB requires. */
		nasmac__db_close(m->db);
		m->db = NULL;
		rc = nasmac__workers_run(workers, &worker, report_sums, m);
		if (worker < 0) {
			ret = rc ? 1 : 0; /* a worker failed, or no worker could be started */
			goto out_free_share;
		}
		m->worker = worker;
		m->mine = &m->share[worker];
		snprintf(role, sizeof(role), "mme.%d", worker);
		nasmac__log_init(role, da.level);
		rc = nasmac__db_open(store, &dbo, &m->db, why, sizeof(why));
		if (rc) {
			nasmac__log(NASMAC__LOG_ERR, "cannot open the store %s: %s", slog, why);
			goto out_free_share;
		}
	}
	/* The hot index, sized to what the store holds (a table sized for far more UEs than it
	 * holds makes every lookup a cache and TLB miss). */
	held = nasmac__db_count(m->db);
	if (!max_ues) {
		/* On a shared store the pool adds UEs while this MME runs: room for them. */
		uint64_t want = m->db->remote ? 2 * held + 4096 : held + 16;

		max_ues = want > (1u << 26) ? 1u << 26 : (uint32_t)want;
	}
	rc = nasmac__store_init(&m->store, max_ues);
	if (!rc)
		rc = nasmac__db_foreach(m->db, hot_add, &m->store);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "store %s: cannot load the UE index: %s", slog,
			    rc > 0 ? "bad record" : nasmac_strerror(rc));
		goto out_free_store;
	}
	rc = nasmac__ctx_txns_init(&m->tx, m->store.cap);
	if (rc)
		goto out_free_store;
	/* calloc: untouched pages cost nothing until a UE's first check (a store sized for a
	 * pool's growth holds far more slots than UEs); aligned here to a cache line. */
	m->keys_mem = calloc((size_t)m->store.cap + 1, sizeof(nasmac_key_t));
	if (!m->keys_mem) {
		rc = -ENOMEM;
		goto out_free_pend;
	}
	m->keys = (nasmac_key_t *)(((uintptr_t)m->keys_mem + 63) & ~(uintptr_t)63);
	m->key_unchecked = getenv("NASMAC_TEST_KEY_UNCHECKED") != NULL;
	if (m->key_unchecked)
		nasmac__log(NASMAC__LOG_WARN, "NASMAC_TEST_KEY_UNCHECKED: prepared keys are used "
			    "without checking them against the UE record (a test hook, never in "
			    "service)");
	m->ack_timeout_ms = ack_timeout_ms;
	nasmac__peer_limit_init(&m->echo_limit, ANSWER_PEER_RATE, ANSWER_PEER_BURST,
				ANSWER_TOTAL_RATE);
	nasmac__peer_limit_init(&m->vnsi_limit, ANSWER_PEER_RATE, ANSWER_PEER_BURST,
				ANSWER_TOTAL_RATE);
	m->n_pend = max_pending;
	m->pend = calloc(max_pending, sizeof(*m->pend));
	m->held = -1;
	/* Requests verified while the disk is slow wait here, not in pending slots. */
	m->batch_cap = 4 * max_pending;
	for (int k = 0; k < N_BATCH; k++) {
		m->batch[k].w = calloc(m->batch_cap, sizeof(*m->batch[k].w));
		m->batch[k].adv = calloc(m->batch_cap, sizeof(*m->batch[k].adv));
		if (!m->batch[k].w || !m->batch[k].adv)
			goto out_free_pend;
	}
	for (int k = 0; k < 2 && m->db->remote; k++) {
		/* What arrives while the previous round is out may be as much as what may wait
		 * for MAC checks. */
		m->look_cap = max_pending;
		m->look[k].arena = malloc((size_t)m->look_cap * LOOK_AVG_OCTETS);
		m->look[k].req = calloc(m->look_cap, sizeof(*m->look[k].req));
		m->look[k].guti = calloc(m->look_cap, sizeof(*m->look[k].guti));
		m->look[k].ue = calloc(m->look_cap, sizeof(*m->look[k].ue));
		m->look[k].res = calloc(m->look_cap, sizeof(*m->look[k].res));
		if (!m->look[k].req || !m->look[k].guti || !m->look[k].ue || !m->look[k].res ||
		    !m->look[k].arena)
			goto out_free_pend;
	}
	if (m->db->remote) {
		/* The requests verified with a held record, kept until their advance answered
		 * (struct pend, struct waiter); touched only as far as they are used. */
		m->pend_raw = malloc((size_t)max_pending * MAX_DGRAM);
		if (!m->pend_raw)
			goto out_free_pend;
		for (int k = 0; k < N_BATCH; k++) {
			m->batch[k].raw = malloc((size_t)max_pending * LOOK_AVG_OCTETS);
			if (!m->batch[k].raw)
				goto out_free_pend;
		}
	}
	if (!m->pend)
		goto out_free_pend;
	/* A commit that fsyncs waits for the disk (milliseconds): not on the loop. */
	m->commit_offloop = m->db->remote ||
			    (m->db->durable && (dbo.sync != NASMAC__DB_SYNC_NONE || m->db->deferred));
	for (uint32_t i = 0; i < max_pending; i++)
		m->pend[i].next_free = i + 1 < max_pending ? i + 1 : UINT32_MAX;
	m->free_head = 0;
	if (nasmac__daemon_open_loop(&m->loop, &m->vq, da.backend, on_job, m, da.pcap, &m->pcap))
		goto out_free_pend;
	m->vq.after = after_jobs;
	rc = workers > 1 ? nasmac__udp_open_group(&m->loop, &m->udp, &m->self, on_recv, m, workers)
			 : nasmac__udp_open(&m->loop, &m->udp, &m->self, on_recv, m);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "cannot listen on %s: %s", da.listen, uv_strerror(rc));
		goto out_close_vq;
	}
	m->udp.on_burst = on_burst;
	m->udp.seg = 1; /* answers to AMFs (host.h) */
	if (m->commit_offloop && !m->db->remote) {
		rc = commit_thread_start(m);
		if (rc)
			nasmac__log(NASMAC__LOG_WARN,
				    "no commit thread (%s): commits go to the libuv thread pool",
				    uv_strerror(rc));
	}
	nasmac__daemon_tick(&m->loop, &m->tick, on_tick, m, 100, mme_rl, N_MME_RL);
	uv_check_init(&m->loop, &m->look_check);
	m->look_check.data = m;
	uv_prepare_init(&m->loop, &m->coalesce);
	uv_idle_init(&m->loop, &m->coalesce_idle);
	uv_timer_init(&m->loop, &m->coalesce_timer);
	m->coalesce.data = m;
	m->coalesce_timer.data = m;
	if (m->db->remote) {
		uv_check_start(&m->look_check, on_look_check);
		uv_prepare_start(&m->coalesce, on_coalesce);
	}
	/* With workers, each publishes its counters once per loop iteration, after the work of
	 * the iteration (a few hundred octets: nothing next to a burst of MAC checks). */
	uv_prepare_init(&m->loop, &m->publish);
	m->publish.data = m;
	if (m->worker >= 0)
		uv_prepare_start(&m->publish, on_publish);
	/* One endpoint for the whole MME: the only process, or worker 0, which sums the slots of
	 * every worker at each scrape. */
	if (da.metrics && m->worker <= 0) {
		const struct nasmac__metrics_spec sp = {
			.base = &m->sum.c, .tbl = counter_tbl, .n = N_COUNTERS,
			.tbl2 = store_tbl, .n2 = N_STORE_COUNTERS,
			.hist_name = "mme_request_duration_seconds",
			.hist_help = "Context Request to its answer, for requests "
			"that needed a MAC check (verification and store commit)",
			.hist = &m->sum.latency, .refresh = refresh_sums, .arg = m,
		};

		start_failed = nasmac__daemon_metrics(&m->loop, da.metrics, &sp, &m->metrics);
	}
	if (nasmac__workers_barrier()) {
		nasmac__log(NASMAC__LOG_ERR, "workers: the other workers did not bind the port");
		start_failed = 1;
		uv_stop(&m->loop);
	}
	nasmac__daemon_init(&m->d, &m->loop, report, m);
	/* Which GUTIs this MME answers for: "any", or its GUMMEIs. */
	snprintf(why, sizeof(why), "any");
	for (uint32_t i = 0, used = 0; i < m->n_gummei && used + NASMAC__GUMMEI_TEXT < sizeof(why);
	     i++) {
		int k = nasmac__gummei_format(&m->gummei[i], why + used + (i ? 1 : 0),
					      sizeof(why) - used - 1);

		if (k < 0)
			break;
		if (i)
			why[used] = ',';
		used += (uint32_t)k + (i ? 1u : 0u);
	}
	nasmac__log(NASMAC__LOG_INFO,
		    "serving N26 on %s, backend %s, %u UEs loaded%s, store %s (sync %s), restart "
		    "counter %u, GUMMEI %s",
		    da.listen, da.backend, m->store.n,
		    m->kamf_by_mme_all ? ", K_AMF derived by the MME" : "", slog,
		    m->db->remote ? "as the URI says" :
		    m->db->durable ? nasmac__db_sync_name(dbo.sync) : "none",
		    m->restart, why);
	nasmac__daemon_run(&m->d);
	/* Commits under way or waiting end with their answers sent, before the socket closes. */
	while (m->looking)
		uv_run(&m->loop, UV_RUN_ONCE);
	for (commit_start(m); m->committing || m->held >= 0; commit_start(m))
		uv_run(&m->loop, UV_RUN_ONCE);
	commit_thread_stop(m);
	nasmac__udp_flush(&m->udp);
	report(m, "exit");
	ret = start_failed;

	nasmac__daemon_close(&m->d);
	uv_close((uv_handle_t *)&m->tick, NULL);
	uv_close((uv_handle_t *)&m->look_check, NULL);
	uv_close((uv_handle_t *)&m->coalesce, NULL);
	uv_close((uv_handle_t *)&m->coalesce_idle, NULL);
	uv_close((uv_handle_t *)&m->coalesce_timer, NULL);
	uv_close((uv_handle_t *)&m->publish, NULL);
	nasmac__metrics_stop(m->metrics);
	nasmac__udp_close(&m->udp);
out_close_vq:
	nasmac__daemon_close_loop(&m->loop, &m->vq, m->pcap);
out_free_pend:
	if (m->pend)
		explicit_bzero(m->pend, (size_t)m->n_pend * sizeof(*m->pend));
	free(m->pend);
	if (m->keys) /* only UEs of the index were ever prepared */
		explicit_bzero(m->keys, (size_t)m->store.n * sizeof(*m->keys));
	free(m->keys_mem);
	nasmac__ctx_txns_free(&m->tx);
	free(m->pend_raw);
	for (int k = 0; k < N_BATCH; k++) {
		free(m->batch[k].w);
		free(m->batch[k].adv);
		free(m->batch[k].raw);
	}
	for (int k = 0; k < 2; k++) {
		if (m->look[k].ue)
			explicit_bzero(m->look[k].ue, (size_t)m->look_cap * sizeof(*m->look[k].ue));
		free(m->look[k].req);
		free(m->look[k].arena);
		free(m->look[k].guti);
		free(m->look[k].ue);
		free(m->look[k].res);
	}
out_free_store:
	nasmac__daemon_rl_forget(m, mme_rl, N_MME_RL);
	nasmac__store_free(&m->store);
out_free_share:
	nasmac__shared_free(m->share, m->share_len);
out_close_db:
	nasmac__db_close(m->db);
out_free_recs:
	records_free(&recs);
out_free_m:
	free(m);
	return ret;

out_usage:
	usage(stderr);
	return 2;
}
