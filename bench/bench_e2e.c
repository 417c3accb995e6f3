/*
 * `nasmac bench e2e`: Context Requests per second through `nasmacd mme` on one core, per
 * backend (cpu, sim), and in the same run the ceiling: `nasmacd echo`, a do-nothing UDP echo with
 * the same recvmmsg/sendmmsg batching, driven by the same client with the same datagrams. The
 * echo runs once per --echo-windows entry in the same rounds and the ceiling is its best; the
 * MME runs at --window (4096: see the usage text).
 *
 * Every server is pinned to CPU 0 and the client to CPU 1 (when there are two). Every request is
 * a valid Context Request carrying a freshly protected TAU Request (each UE's COUNT goes up from
 * one request to its next, and a UE's requests are a whole UE population apart, so none is a
 * replay, none finds a check of its UE still running, and every one costs the MME a real MAC
 * check). Phase 1: a closed loop with a window of requests in flight measures the peak rate.
 * Phase 2: an open loop at half of that rate measures latency.
 *
 * The machine is shared (other work runs on both cores), so one measurement says little: all
 * servers run at once (an idle one costs nothing) and the peak is measured in rounds, each round
 * giving every server one trial in turn, so a change in background load hits all of them alike;
 * the best trial of each server is its peak (the least disturbed one), the median is printed
 * beside it. Each server's own CPU time over the trials (/proc/PID/stat, all its threads) gives
 * requests per server CPU-second too: its one-core capacity, less sensitive to what else runs.
 *
 * The MME runs on its durable default store, LMDB (a fresh directory per server, removed at the
 * end), in each --sync mode, and on memory: for comparison (--stores); the first backend gets
 * every store, the others the default (lmdb, sync full). Each row names its store and sync mode.
 * "redis" in --stores: the MME on a redis-server of its own (AOF, appendfsync everysec, a
 * fresh directory, stopped at the end), sharing the machine like a pool member would; its row
 * adds the Redis round trips and commands per request (from the MME's store counters).
 *
 * --workers 1,2: each MME (but memory:, which a second process cannot share) once per worker
 * count, `nasmacd mme --workers N` (N processes on one port sharing the store); with more than
 * one the MME is not pinned (its workers spread over the cores, as deployed) and its CPU time
 * sums its workers'.
 *
 * Output: the shared schema of bench/bench.h. One row per server: section "mme" or "echo",
 * backend, p50_us and p99_us at half rate; the rest (store, sync, workers, window,
 * requests_per_s, share_of_echo ...) in extra, described in the usage text.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "bench.h"
#include "cmd.h"
#include "gtp.h"
#include "host.h"
#include "store.h"
#include "ue.h"

#define BATCH 64
#define MAX_TARGETS 24
#define MAX_ECHO_WINDOWS 4
/* The MME's peak window: see --window in the usage text. */
#define DEFAULT_WINDOW 4096u
#define MAX_WORKERS 8
#define MAX_TRIALS 9
#define BENCH_UES 50000u
#define BENCH_MAX_UES "65536"

struct req {
	uint16_t len;
	uint8_t buf[126]; /* a Context Request with a protected TAU Request is ~100 octets */
};

/* The client: one socket, one pool of prepared requests shared by every server (each MME is a
 * separate process with its own copy of the UE db, so each may see every request once). */
struct bench {
	struct req *reqs;
	uint32_t n_reqs, next;
	int wrap;          /* the echo may reuse requests; an MME must not (replays) */
	uint64_t *sent_ns; /* by seq (24-bit) */
	uint64_t *lat;
	uint32_t n_lat, lat_cap;
	int fd;
	struct sockaddr_in srv;
	uint64_t ok, rejected, lost;
	int check_cause;
};

struct target {
	const char *name, *role, *backend;
	const char *store, *sync; /* "lmdb" / "memory" / "redis", "full" / "nometasync" / "nosync" /
				     "-" / "aof-everysec" */
	uint32_t workers; /* nasmacd mme --workers */
	uint32_t window;  /* requests in flight in its peak trials */
	pid_t redis_pid;
	double rt_per_req, cmds_per_req; /* redis: round trips and commands per request */
	char store_dir[112], label[48];
	pid_t pid;
	char log[112];
	struct sockaddr_in addr;
	uint32_t next; /* its place in the request pool */
	int up;
	double trial[MAX_TRIALS], rps, median, p50, p99, p999;
	uint64_t ok, rejected, lost;
	int ran_out;
	/* CPU time the server process (all its threads) used during the peak trials, and the
	 * answers it gave: requests per CPU-second is its one-core capacity whatever else ran
	 * on the machine at the time. */
	double cpu_s;
	uint64_t answered;
	double per_cpu_s;
};

/* utime + stime of a process, in seconds (proc(5), fields 14 and 15). */
static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* proc_cpu_s of pid and of its children (the workers of `nasmacd mme --workers N`): their
 * parent only supervises, and a live child's time is not in the parent's. */
static double tree_cpu_s(pid_t pid)
{
	double s = proc_cpu_s(pid);
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[300], buf[512], *p;
		int ppid = 0;
		FILE *f;
		size_t n;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (p && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == (int)pid)
			s += proc_cpu_s((pid_t)atoi(e->d_name));
	}
	if (d)
		closedir(d);
	return s;
}

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
	b->reqs = calloc(n, sizeof(*b->reqs));
	if (!b->reqs)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const struct nasmac__ue *c = &ues[i % n_ues].ctx;
		int len = nasmac__uesim_ctx_req(c, (c->ul_count + 1 + i / n_ues) & NASMAC__COUNT_MASK,
						i & 0xffffffu, 1, 0, b->reqs[i].buf,
						sizeof(b->reqs[i].buf));
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

	if (b->wrap && b->next == b->n_reqs)
		b->next = 0;
	if (n > BATCH)
		n = BATCH;
	if (n > b->n_reqs - b->next)
		n = b->n_reqs - b->next;
	if (!n)
		return 0;
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

	if (wait_ms && poll(&pfd, 1, wait_ms) <= 0)
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
		if (record && b->n_lat < b->lat_cap)
			b->lat[b->n_lat++] = (now - b->sent_ns[seq_of(p)]) / 1000u;
	}
	return (uint32_t)n;
}

/* Late answers of one phase must not count in the next. */
static void drain(struct bench *b)
{
	while (recv_burst(b, 50, 0))
		;
}

/* Closed loop: keep `window` requests in flight for `seconds`. Returns requests/s; *answered
 * gets the number of answers. */
static double peak(struct bench *b, uint32_t window, double seconds, uint64_t *answered)
{
	uint64_t t0 = nasmac__now_ns(), t_end = t0 + (uint64_t)(seconds * 1e9), done = 0;
	uint32_t inflight = 0, got;

	while (nasmac__now_ns() < t_end) {
		while (inflight < window) {
			uint32_t s = send_burst(b, window - inflight);
			if (!s)
				break;
			inflight += s;
		}
		if (!inflight)
			break; /* out of requests */
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
	t_end = nasmac__now_ns();
	drain(b);
	if (answered)
		*answered = done;
	return (double)done / ((double)(t_end - t0) / 1e9);
}

/* Open loop at `rate` requests/s for `seconds`; latencies into b->lat. Sends in small bursts
 * (at most 8, what is due) and polls for answers in between. */
static void paced(struct bench *b, double rate, double seconds)
{
	uint64_t t0 = nasmac__now_ns(), t_end = t0 + (uint64_t)(seconds * 1e9);
	uint64_t sent = 0, now;

	while ((now = nasmac__now_ns()) < t_end) {
		uint64_t due = (uint64_t)((double)(now - t0) / 1e9 * rate);
		if (due > sent) {
			uint32_t want = (uint32_t)(due - sent > 8 ? 8 : due - sent);
			uint32_t s = send_burst(b, want);
			if (!s)
				break;
			sent += s;
		}
		recv_burst(b, 0, 1);
	}
	while (recv_burst(b, 100, 1))
		;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A redis-server of the target's own on a free loopback port (AOF everysec, in store_dir),
 * not pinned: it shares the machine as in a small pool. */
static int start_redis(struct target *t, char *uri, size_t uri_size)
{
	char port[16];
	int p = nasmac__free_port(SOCK_STREAM);

	if (p < 0)
		return -EADDRNOTAVAIL;
	snprintf(port, sizeof(port), "%d", p);
	if (mkdir(t->store_dir, 0700))
		return -errno;
	t->redis_pid = fork();
	if (t->redis_pid < 0)
		return -errno;
	if (t->redis_pid == 0) {
		char *argv[] = { "redis-server", "--port", port, "--bind", "127.0.0.1",
				 "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
				 "--dir", t->store_dir, "--daemonize", "no", NULL };

		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p) };
		struct timespec ts = { 0, 10000000 };
		int fd = socket(AF_INET, SOCK_STREAM, 0), up;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		up = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a));
		if (fd >= 0)
			close(fd);
		if (up) {
			snprintf(uri, uri_size, "redis://127.0.0.1:%d", p);
			return 0;
		}
		if (waitpid(t->redis_pid, NULL, WNOHANG) == t->redis_pid)
			break;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "bench e2e: redis-server did not start (installed? make bootstrap)\n");
	return -ECHILD;
}

/* Round trips and commands per request from the MME's store counters (SIGUSR1). */
static void redis_rates(struct target *t)
{
	unsigned long long rounds = 0, commits = 0, lookups = 0, committed = 0, refused = 0,
			   requests = 0;
	char line[1024];
	FILE *f;

	kill(t->pid, SIGUSR1);
	/* With --workers the parent prints one line, summed over the workers. */
	if (nasmac__wait_log(t->log, "(SIGUSR1): commits", 1, t->pid, 60000) ||
	    !(f = fopen(t->log, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *c = strstr(line, "(SIGUSR1): commits=");
		unsigned long long v[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };

		/* Requests: the ones verified with the MME's held record and the ones looked up,
		 * less those that went round twice (a stale held record: relooked, stale). */
		if (c && sscanf(c, "(SIGUSR1): commits=%llu committed=%llu refused=%llu %*s %*s "
				   "lookup_rounds=%llu lookups=%llu %*s held_verified=%llu "
				   "stale=%llu relooked=%llu",
				&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
			commits += v[0];
			committed += v[1];
			refused += v[2];
			rounds += v[3];
			lookups += v[4];
			requests += v[4] + v[5] - v[6] - v[7];
		}
	}
	fclose(f);
	if (requests) {
		t->rt_per_req = (double)(rounds + commits) / (double)requests;
		/* A commit's advances go in one EVALSHA per 128 UEs per instance (store_redis.c):
		 * at least one call per commit, at least one per 128 advances. */
		double adv = (double)(committed + refused), calls = (double)commits;

		if (calls < adv / 128.0)
			calls = adv / 128.0;
		t->cmds_per_req = ((double)lookups + calls) / (double)requests;
	}
}

/* Starts `nasmacd ROLE` pinned to CPU 0, its log in a temporary file. */
static int start(struct target *t, const char *nasmacd, const char *db)
{
	char addr[32];
	char *argv[20], store[96], fname[48], workers[16];
	int port = nasmac__free_port(SOCK_DGRAM);

	/* The label without its '/' and ' ', for file names. */
	snprintf(fname, sizeof(fname), "%s", t->label);
	for (char *p = fname; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '_';

	if (port < 0)
		return -EADDRNOTAVAIL;
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	snprintf(t->log, sizeof(t->log), "/tmp/nasmac-bench-%d-%s.log", (int)getpid(), fname);
	argv[0] = (char *)nasmacd;
	argv[1] = (char *)t->role;
	argv[2] = "--listen";
	argv[3] = addr;
	argv[4] = NULL;
	if (!strcmp(t->role, "mme")) {
		argv[4] = "--backend";
		argv[5] = (char *)t->backend;
		argv[6] = "--ue-db";
		argv[7] = (char *)db;
		/* The store sized for the UEs the db holds, as an operator would size it (the
		 * default, 1 M UEs, spreads 50,000 over 120 MB: a cache and TLB miss per lookup). */
		argv[8] = "--max-ues";
		argv[9] = BENCH_MAX_UES;
		argv[10] = "--store";
		if (!strcmp(t->store, "memory")) {
			snprintf(store, sizeof(store), "memory:");
			argv[11] = store;
			argv[12] = NULL;
		} else if (!strcmp(t->store, "redis")) {
			int rc;

			snprintf(t->store_dir, sizeof(t->store_dir), "/tmp/nasmac-bench-%d-%s.redis",
				 (int)getpid(), fname);
			rc = start_redis(t, store, sizeof(store));
			if (rc)
				return rc;
			argv[11] = store;
			argv[12] = NULL;
		} else {
			snprintf(t->store_dir, sizeof(t->store_dir), "/tmp/nasmac-bench-%d-%s.store",
				 (int)getpid(), fname);
			snprintf(store, sizeof(store), "lmdb:%s", t->store_dir);
			argv[11] = store;
			argv[12] = "--sync";
			argv[13] = (char *)t->sync;
			argv[14] = NULL;
		}
		/* Always said: nasmacd mme's default is one worker per online core. */
		{
			int k = 12;

			while (argv[k])
				k++;
			snprintf(workers, sizeof(workers), "%u", t->workers > 1 ? t->workers : 1);
			argv[k] = "--workers";
			argv[k + 1] = workers;
			argv[k + 2] = NULL;
		}
	}
	t->pid = fork();
	if (t->pid < 0)
		return -errno;
	if (t->pid == 0) {
		if (!freopen(t->log, "w", stderr))
			_exit(126);
		if (t->workers <= 1)
			pin(0);
		execv(argv[0], argv);
		_exit(127);
	}
	if (nasmac__wait_log(t->log, strcmp(t->role, "mme") ? "echoing" : "serving N26",
			     t->workers > 1 ? t->workers : 1, t->pid, 60000)) {
		fprintf(stderr, "bench e2e: %s did not start (see %s)\n", t->name, t->log);
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
		return -ECHILD;
	}
	nasmac__parse_addr(addr, &t->addr);
	t->up = 1;
	return 0;
}

static void stop(struct target *t)
{
	if (!t->up)
		return;
	kill(t->pid, SIGTERM);
	waitpid(t->pid, NULL, 0);
	unlink(t->log);
	t->up = 0;
	if (t->redis_pid > 0) {
		kill(t->redis_pid, SIGTERM);
		waitpid(t->redis_pid, NULL, 0);
		t->redis_pid = 0;
		(void)nftw(t->store_dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
		t->store_dir[0] = '\0';
	}
	if (t->store_dir[0]) {
		char f[128];
		snprintf(f, sizeof(f), "%s/data.mdb", t->store_dir);
		unlink(f);
		snprintf(f, sizeof(f), "%s/lock.mdb", t->store_dir);
		unlink(f);
		rmdir(t->store_dir);
	}
}

/* Points the client at t for a phase (and back: the cursor and counts are t's). */
static void use(struct bench *b, struct target *t)
{
	b->srv = t->addr;
	b->next = t->next;
	b->wrap = !strcmp(t->role, "echo");
	b->check_cause = !b->wrap;
	b->ok = b->rejected = b->lost = 0;
}

static void done_with(struct bench *b, struct target *t)
{
	t->next = b->next;
	t->ok += b->ok;
	t->rejected += b->rejected;
	t->lost += b->lost;
	if (!b->wrap && b->next >= b->n_reqs)
		t->ran_out = 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void measure(struct bench *b, struct target *tg, int n_tg, int trials, double seconds)
{
	for (int i = 0; i < n_tg; i++) {
		use(b, &tg[i]);
		(void)peak(b, 64, seconds * 0.2, NULL); /* warm-up: caches, page faults, the sim model */
		b->ok = b->rejected = b->lost = 0;
		done_with(b, &tg[i]);
		tg[i].ok = tg[i].rejected = tg[i].lost = 0;
	}
	for (int r = 0; r < trials; r++) {
		nasmac__bench_progress("peak, round %d of %d: %d servers, %.1f s each", r + 1,
				       trials, n_tg, seconds);
		for (int i = 0; i < n_tg; i++) {
			double c0 = tree_cpu_s(tg[i].pid);
			uint64_t answered = 0;

			use(b, &tg[i]);
			tg[i].trial[r] = peak(b, tg[i].window, seconds, &answered);
			done_with(b, &tg[i]);
			tg[i].cpu_s += tree_cpu_s(tg[i].pid) - c0;
			tg[i].answered += answered;
		}
	}
	for (int i = 0; i < n_tg; i++) {
		double sorted[MAX_TRIALS];

		memcpy(sorted, tg[i].trial, sizeof(double) * (size_t)trials);
		qsort(sorted, (size_t)trials, sizeof(double), cmp_double);
		tg[i].rps = sorted[trials - 1];
		tg[i].median = sorted[trials / 2];
		tg[i].per_cpu_s = tg[i].cpu_s > 0 ? (double)tg[i].answered / tg[i].cpu_s : 0;
		nasmac__bench_progress("%s: latency at half of %.0f req/s", tg[i].label, tg[i].rps);
		use(b, &tg[i]);
		b->n_lat = 0;
		paced(b, tg[i].rps / 2, seconds);
		drain(b);
		done_with(b, &tg[i]);
		tg[i].p50 = nasmac__percentile(b->lat, b->n_lat, 0.5);
		tg[i].p99 = nasmac__percentile(b->lat, b->n_lat, 0.99);
		tg[i].p999 = nasmac__percentile(b->lat, b->n_lat, 0.999);
	}
}

/* One server's row: the shared schema (bench.h) for --json and --csv, a few lines for a person
 * otherwise. */
static void print(const struct target *t, const struct target *echo, double echo_cpu_s, int trials,
		  enum nasmac__bench_fmt fmt)
{
	double pct = echo && echo->rps > 0 ? 100.0 * t->rps / echo->rps : 0;
	double pct_cpu = echo_cpu_s > 0 ? 100.0 * t->per_cpu_s / echo_cpu_s : 0;
	int is_echo = !strcmp(t->role, "echo");

	if (fmt != NASMAC__BENCH_TEXT) {
		struct nasmac__bench_row row = NASMAC__BENCH_ROW;
		char extra[640], redis[128] = "", share[96] = "null,\"share_of_echo_per_cpu_s\":null";

		if (t->rt_per_req > 0)
			snprintf(redis, sizeof(redis),
				 ",\"redis_round_trips_per_request\":%.3f,"
				 "\"redis_commands_per_request\":%.2f",
				 t->rt_per_req, t->cmds_per_req);
		if (echo)
			snprintf(share, sizeof(share), "%.3f,\"share_of_echo_per_cpu_s\":%.3f",
				 pct / 100, pct_cpu / 100);
		snprintf(extra, sizeof(extra),
			 "\"store\":\"%s\",\"sync\":\"%s\",\"workers\":%u,\"window\":%u,"
			 "\"trials\":%d,\"requests_per_s\":%.0f,\"median_requests_per_s\":%.0f,"
			 "\"requests_per_cpu_s\":%.0f,\"share_of_echo\":%s,\"p999_us\":%.0f,"
			 "\"accepted\":%" PRIu64 ",\"rejected\":%" PRIu64 ",\"lost\":%" PRIu64
			 ",\"ran_out\":%s%s",
			 t->store, t->sync, t->workers ? t->workers : 1, t->window, trials, t->rps,
			 t->median, t->per_cpu_s, share, t->p999, t->ok, t->rejected, t->lost,
			 t->ran_out ? "true" : "false", redis);
		row.section = is_echo ? "echo" : "mme";
		row.backend = t->name;
		row.p50_us = t->p50;
		row.p99_us = t->p99;
		row.extra = extra;
		nasmac__bench_row(&row);
		return;
	}
	printf("%-24s %8.0f req/s (median %8.0f)", t->label, t->rps, t->median);
	if (echo && t != echo)
		printf(" %5.1f%% of echo", pct);
	else
		printf("   the ceiling");
	printf("   at half rate: p50 %5.0f us  p99 %6.0f us  p99.9 %6.0f us   (%" PRIu64
	       " accepted, %" PRIu64 " rejected, %" PRIu64 " lost)%s\n",
	       t->p50, t->p99, t->p999, t->ok, t->rejected, t->lost,
	       t->ran_out ? "  RAN OUT of prepared requests" : "");
	printf("%-24s %8.0f req per server CPU-second", "", t->per_cpu_s);
	if (!is_echo)
		printf(" (%.1f%% of echo's best)", pct_cpu);
	printf("\n");
	if (t->rt_per_req > 0)
		printf("%-24s %8.3f Redis round trips, %.2f commands per request\n", "",
		       t->rt_per_req, t->cmds_per_req);
}

int nasmac__bench_e2e(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "workers", required_argument, NULL, 'W' },
		{ "seconds", required_argument, NULL, 's' },
		{ "trials", required_argument, NULL, 't' },
		{ "backends", required_argument, NULL, 'b' },
		{ "stores", required_argument, NULL, 'S' },
		{ "window", required_argument, NULL, 'w' },
		{ "echo-windows", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct nasmac__load_opts o;
	struct nasmac__uesim *ues = NULL;
	struct target tg[MAX_TARGETS];
	struct bench b;
	char bin[PATH_MAX], db[64], backends[64] = "cpu,sim", *save, *tok;
	char stores[128] = "full,nometasync,nosync,memory,redis", *save2, *st;
	double seconds = 1.0, load[1] = { 0 };
	uint32_t trials = 3, window = DEFAULT_WINDOW;
	uint32_t echo_windows[MAX_ECHO_WINDOWS] = { 256, 1024, 4096 };
	size_t n_echo_windows = 3;
	double echo_cpu_s = 0;
	int c, n_tg = 0, ret = 1, sz = 8 << 20;
	enum nasmac__bench_fmt fmt = NASMAC__BENCH_TEXT;
	uint32_t workers[MAX_WORKERS] = { 1, 2 };
	size_t n_workers = 2;
	char workers_str[64], ew[64];
	struct target *echo = NULL;
	struct sockaddr_in any = { .sin_family = AF_INET };

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': fmt = NASMAC__BENCH_JSON; break;
		case 'c': fmt = NASMAC__BENCH_CSV; break;
		case 'W':
			n_workers = nasmac__bench_list(optarg, workers, MAX_WORKERS, 1, 64);
			if (!n_workers) {
				fprintf(stderr, "bench e2e: --workers: a list of 1..64 (at most %d)\n",
					MAX_WORKERS);
				return 2;
			}
			break;
		case 's':
			if (nasmac__parse_double(optarg, 0.2, 60, &seconds))
				return 2;
			break;
		case 't':
			if (nasmac__parse_u32(optarg, 1, MAX_TRIALS, &trials))
				return 2;
			break;
		case 'b': snprintf(backends, sizeof(backends), "%s", optarg); break;
		case 'S': snprintf(stores, sizeof(stores), "%s", optarg); break;
		case 'w':
			if (nasmac__parse_u32(optarg, 1, 4096, &window))
				return 2;
			break;
		case 'E':
			n_echo_windows = nasmac__bench_list(optarg, echo_windows, MAX_ECHO_WINDOWS,
							    1, 4096);
			if (!n_echo_windows) {
				fprintf(stderr, "bench e2e: --echo-windows: a list of 1..4096 (at "
						"most %d)\n", MAX_ECHO_WINDOWS);
				return 2;
			}
			break;
		case 'h':
			printf("usage: nasmac bench e2e [--json | --csv] [--seconds S] [--trials N]\n"
			       "       [--backends cpu,sim] [--stores full,nometasync,nosync,memory,redis]\n"
			       "       [--workers 1,2] [--window N] [--echo-windows 256,1024,4096]\n"
			       "Context Requests/s through nasmacd mme per backend, and a UDP echo with\n"
			       "the same batching as the ceiling (best of N interleaved trials of S\n"
			       "seconds each); latency at half of each one's rate. Progress on stderr.\n"
			       "The first backend's MME runs on each store (lmdb with each --sync\n"
			       "mode, memory:, redis: its own redis-server, AOF everysec), the others\n"
			       "on lmdb with --sync full (the default).\n"
			       "--workers: each MME once per count, nasmacd mme --workers N (1,2; memory:\n"
			       "runs with 1 only: its workers could not share it). One worker is pinned\n"
			       "to CPU 0 (the client to CPU 1); more are not pinned. The echo runs one\n"
			       "process on CPU 0: a share of echo above 1 is more than one core's worth.\n"
			       "--window: the MME's requests in flight in the peak phase (4096, at most\n"
			       "the MME's --max-pending): a real MME sees many AMFs' procedures at\n"
			       "once, and a durable commit waits for two disk flushes, so a small\n"
			       "window measures the disk's latency (window / 2.5 flushes), not the MME.\n"
			       "--echo-windows: the echo once per window, in the same rounds; the\n"
			       "ceiling (share_of_echo) is the best of them, each at its own window.\n"
			       "Rows (bench/bench.h schema): section mme|echo, backend (udp-echo for the\n"
			       "echo), p50_us/p99_us at half rate; extra: store, sync, workers, window,\n"
			       "trials, requests_per_s (best trial), median_requests_per_s,\n"
			       "requests_per_cpu_s (server CPU time, all its processes), share_of_echo\n"
			       "and share_of_echo_per_cpu_s (fractions), p999_us, accepted, rejected,\n"
			       "lost, ran_out; redis adds redis_round_trips_per_request and\n"
			       "redis_commands_per_request.\n");
			return 0;
		default: return 2;
		}
	}
	nasmac__log_init("bench", NASMAC__LOG_INFO);
	nasmac__bench_list_str(workers, n_workers, workers_str, sizeof(workers_str));
	nasmac__bench_list_str(echo_windows, n_echo_windows, ew, sizeof(ew));
	nasmac__bench_begin("e2e", fmt,
			    "\"seconds\":%.2f,\"trials\":%u,\"window\":%u,\"echo_windows\":[%s],"
			    "\"backends\":\"%s\",\"stores\":\"%s\",\"workers\":[%s],\"ues\":%u",
			    seconds, trials, window, ew, backends, stores, workers_str, BENCH_UES);
	if (nasmac__nasmacd_path(bin, sizeof(bin))) {
		fprintf(stderr, "bench e2e: nasmacd not found beside this binary (make builds it)\n");
		return 1;
	}
	memset(tg, 0, sizeof(tg));
	for (tok = strtok_r(backends, ",", &save); tok && n_tg < MAX_TARGETS - 1;
	     tok = strtok_r(NULL, ",", &save)) {
		int first = tok == backends; /* not n_tg == 0: memory: x2 adds no target */
		char list[128];

		snprintf(list, sizeof(list), "%s", first ? stores : "full");
		for (st = strtok_r(list, ",", &save2); st && n_tg < MAX_TARGETS - 1;
		     st = strtok_r(NULL, ",", &save2))
		for (size_t w = 0; w < n_workers && n_tg < MAX_TARGETS - 1; w++) {
			struct target *t = &tg[n_tg];
			enum nasmac__db_sync sy;
			char suffix[16] = "";

			if (strcmp(st, "memory") && strcmp(st, "redis") &&
			    nasmac__db_parse_sync(st, &sy)) {
				fprintf(stderr, "bench e2e: unknown store '%s' (full, nometasync, "
						"nosync, memory, redis)\n", st);
				return 2;
			}
			/* nasmacd mme refuses more than one worker on memory: (nothing shared). */
			if (workers[w] > 1 && !strcmp(st, "memory"))
				continue;
			t->workers = workers[w];
			if (n_workers > 1 || workers[w] > 1)
				snprintf(suffix, sizeof(suffix), " x%u", workers[w]);
			t->name = tok;
			t->role = "mme";
			t->backend = tok;
			if (!strcmp(st, "redis")) {
				t->store = "redis";
				t->sync = "aof-everysec";
				snprintf(t->label, sizeof(t->label), "%s/redis%s", tok, suffix);
				n_tg++;
				continue;
			}
			t->store = strcmp(st, "memory") ? "lmdb" : "memory";
			t->sync = strcmp(st, "memory") ? nasmac__db_sync_name(sy) : "-";
			snprintf(t->label, sizeof(t->label), "%s/%s%s%s%s", tok, t->store,
				 strcmp(st, "memory") ? "-" : "", strcmp(st, "memory") ? st : "",
				 suffix);
			n_tg++;
		}
	}
	if (!n_tg) {
		fprintf(stderr, "bench e2e: no MME to run (memory: runs with --workers 1 only)\n");
		return 2;
	}
	for (int i = 0; i < n_tg; i++)
		tg[i].window = window;
	for (size_t w = 0; w < n_echo_windows && n_tg < MAX_TARGETS; w++) {
		tg[n_tg].name = "udp-echo";
		tg[n_tg].store = tg[n_tg].sync = "-";
		tg[n_tg].window = echo_windows[w];
		snprintf(tg[n_tg].label, sizeof(tg[n_tg].label), "udp-echo w%u", echo_windows[w]);
		tg[n_tg++].role = "echo";
	}

	pin(1);
	memset(&b, 0, sizeof(b));
	nasmac__load_defaults(&o);
	o.ues = BENCH_UES;
	o.mode_3gpp = 1;
	o.seed = 7;
	if (nasmac__load_make(&o, &ues) < 0)
		return 1;
	/* Low starting COUNTs leave room for many requests per UE. */
	for (uint32_t i = 0; i < o.ues; i++)
		ues[i].ctx.ul_count &= 0xffff;
	snprintf(db, sizeof(db), "/tmp/nasmac-bench-%d.db", (int)getpid());
	if (nasmac__load_write_db(ues, o.ues, db))
		goto out;
	/* Enough fresh requests for an MME at up to 1,000,000/s through the warm-up, every trial
	 * and the paced phase (the echo reuses them; 128 octets each, ~540 MB at the defaults): an
	 * idle 2-core machine already serves ~700,000/s on memory: (600,000 ran out there), and
	 * a run that runs out has no latency phase to report. */
	if (build_reqs(&b, ues, o.ues, (uint32_t)(1000000.0 * seconds * (trials + 1.2))))
		goto out;
	b.lat_cap = b.n_reqs;
	b.sent_ns = calloc(1u << 24, sizeof(uint64_t));
	b.lat = calloc(b.lat_cap, sizeof(uint64_t));
	b.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!b.sent_ns || !b.lat || b.fd < 0)
		goto out;
	any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	(void)bind(b.fd, (struct sockaddr *)&any, sizeof(any));
	(void)setsockopt(b.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(b.fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	for (int i = 0; i < n_tg; i++) {
		nasmac__bench_progress("starting %s (%d of %d)", tg[i].label, i + 1, n_tg);
		if (start(&tg[i], bin, db))
			goto out;
	}
	measure(&b, tg, n_tg, (int)trials, seconds);
	/* The ceiling: the echo at its best window; per CPU-second, its best too. */
	for (int i = 0; i < n_tg; i++) {
		if (strcmp(tg[i].role, "echo"))
			continue;
		if (!echo || tg[i].rps > echo->rps)
			echo = &tg[i];
		if (tg[i].per_cpu_s > echo_cpu_s)
			echo_cpu_s = tg[i].per_cpu_s;
	}
	if (getloadavg(load, 1) == 1 && fmt == NASMAC__BENCH_TEXT)
		printf("(1-minute load average %.2f on %ld CPUs during the run; MME window %u, "
		       "echo ceiling at window %u)\n",
		       load[0], sysconf(_SC_NPROCESSORS_ONLN), window, echo ? echo->window : 0);
	for (int i = 0; i < n_tg; i++) {
		if (!strcmp(tg[i].store, "redis"))
			redis_rates(&tg[i]);
		print(&tg[i], echo, echo_cpu_s, (int)trials, fmt);
	}
	ret = 0;
	for (int i = 0; i < n_tg; i++)
		if (tg[i].ran_out || tg[i].rps <= 0 || (strcmp(tg[i].role, "echo") && tg[i].rejected))
			ret = 1;
out:
	for (int i = 0; i < n_tg; i++)
		stop(&tg[i]);
	unlink(db);
	if (b.fd > 0)
		close(b.fd);
	free(ues);
	free(b.reqs);
	free(b.sent_ns);
	free(b.lat);
	return ret;
}
