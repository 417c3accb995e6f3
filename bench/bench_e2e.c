/*
 * `nasmac bench e2e`: Context Requests per second through `nasmacd mme` on one core, per
 * backend (cpu, sim), and in the same run the ceiling: `nasmacd echo`, a do-nothing UDP echo with
 * the same recvmmsg/sendmmsg batching, driven by the same client with the same datagrams.
 *
 * The server is pinned to CPU 0 and the client to CPU 1 (when there are two). Every request is
 * a valid Context Request carrying a freshly protected TAU Request (each UE's COUNT goes up from
 * one request to its next, and a UE's requests are a whole pool apart, so none is a replay and
 * every one costs the MME a real MAC check). Phase 1: a closed loop with a window of requests in
 * flight measures the peak rate. Phase 2: an open loop at half that rate measures latency.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "host.h"
#include "ue.h"
#include "wire.h"

#define BATCH 64

struct req {
	uint8_t buf[160];
	uint16_t len;
};

struct bench {
	struct req *reqs;
	uint32_t n_reqs, next;
	uint64_t *sent_ns; /* by seq (24-bit) */
	uint64_t *lat;
	uint32_t n_lat;
	int fd;
	struct sockaddr_in srv;
	uint64_t ok, rejected, lost;
	int check_cause;
};

static void pin(size_t cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof(set), &set);
}

static uint32_t seq_of(const uint8_t *b)
{
	return (uint32_t)b[8] << 16 | (uint32_t)b[9] << 8 | b[10];
}

/* Builds n requests: UE u = i % ues, COUNT = its last accepted + 1 + i / ues. */
static int build_reqs(struct bench *b, struct nasmac__uesim *ues, uint32_t n_ues, uint32_t n)
{
	uint8_t tau[160];

	b->reqs = calloc(n, sizeof(*b->reqs));
	if (!b->reqs)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct nasmac__ue *c = &ues[i % n_ues].ctx;
		struct nasmac__ctx_req r;
		int len, tl;

		tl = nasmac__uesim_tau(c, (c->ul_count + 1 + i / n_ues) & NASMAC__COUNT_MASK, tau,
				       sizeof(tau));
		if (tl < 0)
			return tl;
		memset(&r, 0, sizeof(r));
		r.h.type = NASMAC__GTP_CTX_REQ;
		r.h.has_teid = 1;
		r.h.seq = i & 0xffffffu;
		r.has_guti = 1;
		memcpy(r.guti, c->guti, sizeof(r.guti));
		r.has_crm = 1;
		r.crm_type = NASMAC__CRM_TAU;
		r.crm = tau;
		r.crm_len = (size_t)tl;
		r.has_fteid = 1;
		r.fteid_if = 40;
		r.fteid_teid = 1;
		r.fteid_ipv4 = htonl(INADDR_LOOPBACK);
		r.rat = 10;
		len = nasmac__gtp_enc_ctx_req(&r, b->reqs[i].buf, sizeof(b->reqs[i].buf));
		if (len < 0)
			return len;
		b->reqs[i].len = (uint16_t)len;
	}
	b->n_reqs = n;
	return 0;
}

static uint32_t send_burst(struct bench *b, uint32_t n)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint64_t now = nasmac__now_ns();
	int sent;

	if (n > BATCH)
		n = BATCH;
	if (n > b->n_reqs - b->next)
		n = b->n_reqs - b->next;
	for (uint32_t i = 0; i < n; i++) {
		struct req *r = &b->reqs[b->next + i];
		iov[i].iov_base = r->buf;
		iov[i].iov_len = r->len;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &b->srv;
		msgs[i].msg_hdr.msg_namelen = sizeof(b->srv);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		b->sent_ns[(b->next + i) & 0xffffffu] = now;
	}
	if (!n)
		return 0;
	sent = sendmmsg(b->fd, msgs, n, 0);
	if (sent <= 0)
		return 0;
	b->next += (uint32_t)sent;
	return (uint32_t)sent;
}

/* Reads what is there (waiting at most wait_ms for the first); returns the count. */
static uint32_t recv_burst(struct bench *b, int wait_ms, int record)
{
	static uint8_t bufs[BATCH][512];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct pollfd pfd = { .fd = b->fd, .events = POLLIN };
	uint64_t now;
	int n;

	if (poll(&pfd, 1, wait_ms) <= 0)
		return 0;
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(b->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	now = nasmac__now_ns();
	for (int i = 0; i < n; i++) {
		const uint8_t *p = bufs[i];
		size_t len = msgs[i].msg_len;
		if (len < 12)
			continue;
		if (b->check_cause) {
			struct nasmac__ctx_rsp r;
			if (!nasmac__gtp_dec_ctx_rsp(p, len, &r) &&
			    r.cause == NASMAC__CAUSE_ACCEPTED)
				b->ok++;
			else
				b->rejected++;
			explicit_bzero(&r, sizeof(r));
		} else {
			b->ok++;
		}
		if (record)
			b->lat[b->n_lat++] = (now - b->sent_ns[seq_of(p)]) / 1000u;
	}
	return (uint32_t)n;
}

/* Closed loop: keep `window` requests in flight for at most `seconds`. Returns requests/s. */
static double peak(struct bench *b, uint32_t window, double seconds)
{
	uint64_t t0 = nasmac__now_ns(), t_end = t0 + (uint64_t)(seconds * 1e9), done = 0;
	uint32_t inflight = 0, got;

	while (nasmac__now_ns() < t_end && b->next < b->n_reqs) {
		while (inflight < window) {
			uint32_t s = send_burst(b, window - inflight);
			if (!s)
				break;
			inflight += s;
		}
		got = recv_burst(b, 200, 0);
		if (!got) {
			/* Nothing for 200 ms: count what is in flight as lost and go on. */
			b->lost += inflight;
			inflight = 0;
			continue;
		}
		inflight -= got < inflight ? got : inflight;
		done += got;
	}
	/* Drain. */
	while (inflight && recv_burst(b, 100, 0))
		inflight--;
	return (double)done / ((double)(nasmac__now_ns() - t0) / 1e9);
}

/* Open loop at `rate` requests/s for `seconds`; latencies into b->lat. */
static void paced(struct bench *b, double rate, double seconds)
{
	uint64_t t0 = nasmac__now_ns(), t_end = t0 + (uint64_t)(seconds * 1e9);
	uint64_t sent = 0, now;

	while ((now = nasmac__now_ns()) < t_end && b->next < b->n_reqs) {
		uint64_t due = (uint64_t)((double)(now - t0) / 1e9 * rate);
		if (due > sent) {
			uint32_t want = (uint32_t)(due - sent > 8 ? 8 : due - sent);
			sent += send_burst(b, want);
		}
		recv_burst(b, 0, 1);
	}
	while (recv_burst(b, 100, 1))
		;
}

static int spawn_server(const char *bin, char *const argv[], pid_t *pid, const char *log)
{
	(void)bin;
	*pid = fork();
	if (*pid < 0)
		return -errno;
	if (*pid == 0) {
		FILE *f = freopen(log, "w", stderr);
		(void)f;
		pin(0);
		execv(argv[0], argv);
		_exit(127);
	}
	return 0;
}

static int wait_log(const char *log, const char *what, pid_t pid)
{
	char buf[4096];

	for (int t = 0; t < 60000; t += 10) {
		int st;
		FILE *f = fopen(log, "r");
		if (f) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
			buf[n] = '\0';
			if (strstr(buf, what))
				return 0;
		}
		if (waitpid(pid, &st, WNOHANG) == pid)
			return -ECHILD;
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

struct result {
	const char *name;
	double rps, p50, p99, p999;
	uint64_t ok, rejected, lost;
};

static int run_one(const char *nasmacd, const char *role, const char *backend, const char *db,
		   struct nasmac__uesim *ues, uint32_t n_ues, double seconds, struct result *res)
{
	char addr[32], log[64], *argv[10];
	struct sockaddr_in any = { .sin_family = AF_INET };
	struct bench b;
	uint32_t n_reqs, phase1;
	int port, st, rc, sz = 8 << 20;
	pid_t pid;

	memset(&b, 0, sizeof(b));
	memset(res, 0, sizeof(*res));
	/* Enough requests for a peak run and a paced run (a Zen-class core does some 1e5/s). */
	n_reqs = (uint32_t)(seconds * 400000.0);
	rc = build_reqs(&b, ues, n_ues, n_reqs);
	if (rc)
		goto out_free;
	b.sent_ns = calloc(1u << 24, sizeof(uint64_t));
	b.lat = calloc(n_reqs, sizeof(uint64_t));
	if (!b.sent_ns || !b.lat) {
		rc = -ENOMEM;
		goto out_free;
	}
	b.fd = socket(AF_INET, SOCK_DGRAM, 0);
	any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	(void)bind(b.fd, (struct sockaddr *)&any, sizeof(any));
	(void)setsockopt(b.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(b.fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	port = 0;
	{
		struct sockaddr_in a = any;
		socklen_t len = sizeof(a);
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		bind(fd, (struct sockaddr *)&a, sizeof(a));
		getsockname(fd, (struct sockaddr *)&a, &len);
		port = ntohs(a.sin_port);
		close(fd);
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	snprintf(log, sizeof(log), "/tmp/nasmac-bench-%d-%s.log", (int)getpid(), role);
	argv[0] = (char *)nasmacd;
	argv[1] = (char *)role;
	argv[2] = "--listen";
	argv[3] = addr;
	if (!strcmp(role, "mme")) {
		argv[4] = "--backend";
		argv[5] = (char *)backend;
		argv[6] = "--ue-db";
		argv[7] = (char *)db;
		argv[8] = NULL;
	} else {
		argv[4] = NULL;
	}
	rc = spawn_server(nasmacd, argv, &pid, log);
	if (rc)
		goto out_close;
	rc = wait_log(log, strcmp(role, "mme") ? "echoing" : "serving N26", pid);
	if (rc) {
		fprintf(stderr, "bench e2e: %s did not start (see %s)\n", role, log);
		goto out_stop;
	}
	nasmac__parse_addr(addr, &b.srv);
	b.check_cause = !strcmp(role, "mme");
	/* Warm-up, then the peak. */
	(void)peak(&b, 64, seconds * 0.1);
	b.ok = b.rejected = b.lost = 0;
	res->rps = peak(&b, 256, seconds);
	phase1 = b.next;
	res->ok = b.ok;
	res->rejected = b.rejected;
	res->lost = b.lost;
	paced(&b, res->rps / 2, seconds * 0.5);
	(void)phase1;
	res->p50 = nasmac__percentile(b.lat, b.n_lat, 0.5);
	res->p99 = nasmac__percentile(b.lat, b.n_lat, 0.99);
	res->p999 = nasmac__percentile(b.lat, b.n_lat, 0.999);
	if (b.next >= b.n_reqs)
		fprintf(stderr, "bench e2e: %s ran out of prepared requests (rate above %.0f/s)\n",
			backend, (double)n_reqs / seconds);
out_stop:
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	unlink(log);
out_close:
	close(b.fd);
out_free:
	free(b.reqs);
	free(b.sent_ns);
	free(b.lat);
	return rc;
}

int nasmac__bench_e2e(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "seconds", required_argument, NULL, 's' },
		{ "backends", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct nasmac__load_opts o;
	struct nasmac__uesim *ues;
	struct result res[4];
	char bin[PATH_MAX], self[PATH_MAX], db[64], backends[64] = "cpu,sim", *save, *tok;
	double seconds = 2.0;
	int json = 0, c, n, nres = 0, ret = 0;
	ssize_t len;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 's':
			if (nasmac__parse_double(optarg, 0.2, 60, &seconds))
				return 2;
			break;
		case 'b': snprintf(backends, sizeof(backends), "%s", optarg); break;
		case 'h':
			printf("usage: nasmac bench e2e [--json] [--seconds S] [--backends cpu,sim]\n"
			       "Context Requests/s through nasmacd mme on one core per backend, and a\n"
			       "UDP echo with the same batching as the ceiling; latency at half rate.\n");
			return 0;
		default: return 2;
		}
	}
	nasmac__log_init("bench", NASMAC__LOG_INFO);
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return 1;
	self[len] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(bin, sizeof(bin), "%.4000s/nasmacd", self);
	if (access(bin, X_OK)) {
		fprintf(stderr, "bench e2e: %s not found (make builds it)\n", bin);
		return 1;
	}
	pin(1);
	nasmac__load_defaults(&o);
	o.ues = 50000;
	o.mode_3gpp = 1;
	o.seed = 7;
	n = nasmac__load_make(&o, &ues);
	if (n < 0)
		return 1;
	/* Low starting COUNTs leave room for many requests per UE. */
	for (uint32_t i = 0; i < o.ues; i++)
		ues[i].ctx.ul_count &= 0xffff;
	snprintf(db, sizeof(db), "/tmp/nasmac-bench-%d.db", (int)getpid());
	if (nasmac__load_write_db(ues, o.ues, db)) {
		free(ues);
		return 1;
	}
	for (tok = strtok_r(backends, ",", &save); tok && nres < 3;
	     tok = strtok_r(NULL, ",", &save)) {
		res[nres].name = tok;
		if (run_one(bin, "mme", tok, db, ues, o.ues, tok[0] == 's' ? seconds / 2 : seconds,
			    &res[nres]) == 0)
			nres++;
		else
			ret = 1;
	}
	res[nres].name = "udp-echo";
	if (run_one(bin, "echo", "udp-echo", db, ues, o.ues, seconds, &res[nres]) == 0)
		nres++;
	else
		ret = 1;
	unlink(db);
	free(ues);
	for (int i = 0; i < nres; i++) {
		if (json)
			printf("{\"backend\": \"%s\", \"requests_per_s\": %.0f, \"p50_us\": %.0f, "
			       "\"p99_us\": %.0f, \"p999_us\": %.0f, \"accepted\": %" PRIu64
			       ", \"rejected\": %" PRIu64 ", \"lost\": %" PRIu64 "}\n",
			       res[i].name, res[i].rps, res[i].p50, res[i].p99, res[i].p999,
			       res[i].ok, res[i].rejected, res[i].lost);
		else
			printf("%-9s %10.0f requests/s   at half rate: p50 %6.0f us  p99 %6.0f us  "
			       "p99.9 %6.0f us   (answers: %" PRIu64 " accepted, %" PRIu64
			       " rejected, %" PRIu64 " lost)\n",
			       res[i].name, res[i].rps, res[i].p50, res[i].p99, res[i].p999,
			       res[i].ok, res[i].rejected, res[i].lost);
	}
	if (!json && nres >= 2 && !strcmp(res[0].name, "cpu") &&
	    !strcmp(res[nres - 1].name, "udp-echo") && res[nres - 1].rps > 0)
		printf("cpu backend: %.0f%% of the UDP echo ceiling (target >= 80%%)\n",
		       100.0 * res[0].rps / res[nres - 1].rps);
	return ret;
}
