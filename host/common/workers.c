/*
 * nasmacd mme --workers N: N processes, one event loop each, on one UDP port.
 *
 * Processes rather than threads: each worker is the single-threaded MME as it always was (its
 * own loop, libnasmac device, hot index and LMDB handle), so nothing in the request path takes
 * a lock, and a worker that crashes takes no other down. What they share is the durable store:
 * LMDB serialises writers across processes, and the group commit's compare-and-set means two
 * workers never both accept one COUNT.
 *
 * The socket: every worker binds the port with SO_REUSEPORT, and a classic BPF program attached
 * to the group picks the worker from the GTPv2-C sequence number (octets 9-11 of a header with
 * a TEID, 5-7 without). A retransmission repeats its request's sequence number and the Context
 * Acknowledge carries the Response's, which is the Request's, so the transaction's whole life
 * stays with the worker that holds it; sequence numbers are random per AMF transaction, so one
 * AMF's requests still spread over every worker (the kernel's default 4-tuple hash would send
 * all of one AMF's traffic to one worker).
 *
 * The parent supervises and speaks for the service: it forwards SIGTERM/SIGINT/SIGHUP (every
 * process reopens its own log file) and, when a worker dies on its own, stops the others and
 * exits non-zero, so that systemd restarts the service as a whole (a half-alive MME is worse
 * than a restart, which costs nothing persisted). The counters: each worker publishes its own
 * into its slot of a shared mapping made before the fork (once per loop iteration, after the
 * work of the iteration), and the parent prints their sums: one counters line on SIGUSR1, on
 * SIGHUP and at exit, whatever the number of workers, as one process would. A worker dies with
 * the parent (PR_SET_PDEATHSIG): a kill -9 of the service leaves no worker serving alone.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "host.h"

#define MAX_WORKERS 256

/* In a worker: the parent and the count of workers serving (shared), for nasmac__notify. */
static pid_t parent_pid;
static uint32_t *ready_count; /* [0]: workers serving, [1]: workers with their socket bound */
static unsigned int n_workers;

static const char *why_exit(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "status %d", st);
	return buf;
}

void *nasmac__shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p; /* zeroed by the kernel */
}

void nasmac__shared_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

void nasmac__shared_publish(void *dst, const void *src, size_t words)
{
	for (size_t k = 0; k < words; k++)
		__atomic_store_n((uint64_t *)dst + k, ((const uint64_t *)src)[k], __ATOMIC_RELAXED);
}

int nasmac__workers_run(unsigned int n, int *worker, void (*report)(void *arg, const char *why),
			void *arg)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD };
	pid_t pid[MAX_WORKERS], parent = getpid();
	unsigned int alive = 0;
	int stopping = 0, failed = 0, ready = 0;
	sigset_t set, old;

	*worker = -1;
	if (n < 2 || n > MAX_WORKERS)
		return -EINVAL;
	ready_count = nasmac__shared_alloc(2 * sizeof(*ready_count));
	if (!ready_count)
		return -ENOMEM;
	n_workers = n;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	/* Blocked before the fork, so no signal is lost between fork and sigwaitinfo. */
	sigprocmask(SIG_BLOCK, &set, &old);
	fflush(NULL);
	for (unsigned int i = 0; i < n; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			/* Checked after the prctl: a parent gone in between is seen here. */
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
				_exit(1);
			sigprocmask(SIG_SETMASK, &old, NULL);
			parent_pid = parent;
			*worker = (int)i;
			return 0;
		}
		if (pid[i] < 0) {
			nasmac__log(NASMAC__LOG_ERR, "workers: fork: %s", strerror(errno));
			stopping = failed = 1;
			break;
		}
		alive++;
	}
	if (!stopping)
		nasmac__log(NASMAC__LOG_INFO, "workers: %u processes on one port, steered by GTP "
					      "sequence number", n);
	for (unsigned int i = 0; stopping && i < alive; i++)
		kill(pid[i], SIGTERM);
	while (alive) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			int st;
			pid_t p;

			while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
				char why[48];
				unsigned int w = 0;

				while (w < n && pid[w] != p)
					w++;
				if (w == n)
					continue;
				pid[w] = 0;
				alive--;
				if (!stopping || !WIFEXITED(st) || WEXITSTATUS(st)) {
					nasmac__log(stopping ? NASMAC__LOG_WARN : NASMAC__LOG_ERR,
						    "workers: worker %u ended (%s)%s", w,
						    why_exit(st, why, sizeof(why)),
						    stopping ? "" : ": stopping the others");
					failed = 1;
				}
				if (!stopping) {
					stopping = 1;
					for (unsigned int k = 0; k < n; k++)
						if (pid[k] > 0)
							kill(pid[k], SIGTERM);
				}
			}
			continue;
		}
		if (sig == SIGUSR2) {
			/* A worker serves (signals of one kind coalesce: the count is the truth).
			 * The service is ready when all of them are. */
			if (!ready && __atomic_load_n(ready_count, __ATOMIC_ACQUIRE) == n) {
				ready = 1;
				(void)sd_notify(0, "READY=1");
			}
			continue;
		}
		if (sig == SIGTERM || sig == SIGINT) {
			if (!stopping)
				(void)sd_notify(0, "STOPPING=1");
			stopping = 1;
			nasmac__log(NASMAC__LOG_INFO, "signal %d: stopping the workers", sig);
		}
		if (sig == SIGUSR1) {
			/* The sums of what the workers published: no worker needs to be woken. */
			report(arg, "SIGUSR1");
			continue;
		}
		if (sig == SIGHUP)
			nasmac__log_hup();
		for (unsigned int k = 0; k < n; k++)
			if (pid[k] > 0)
				kill(pid[k], sig);
		if (sig == SIGHUP)
			report(arg, "SIGHUP");
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* Every worker published its last counters before it exited. */
	report(arg, "exit");
	nasmac__shared_free(ready_count, 2 * sizeof(*ready_count));
	ready_count = NULL;
	return failed ? 1 : 0;
}

int nasmac__workers_barrier(void)
{
	struct timespec nap = { 0, 1000000 };

	if (!parent_pid)
		return 0;
	__atomic_add_fetch(&ready_count[1], 1, __ATOMIC_RELEASE);
	/* The others bind within milliseconds (the store is open, the index loaded); 20 s is a
	 * worker that is stuck, not slow. */
	for (int i = 0; i < 20000; i++) {
		if (__atomic_load_n(&ready_count[1], __ATOMIC_ACQUIRE) >= n_workers)
			return 0;
		nanosleep(&nap, NULL);
	}
	return -ETIMEDOUT;
}

/* systemd's Type=notify (libsystemd's sd_notify: a no-op when not started by systemd). With
 * --workers the parent speaks for the service (NotifyAccess=main suffices): READY=1 once every
 * worker serves, STOPPING=1 at the stop signal; a worker's READY=1 only counts it in. */
void nasmac__notify(const char *state)
{
	if (!parent_pid) {
		(void)sd_notify(0, state);
		return;
	}
	if (!strcmp(state, "READY=1")) {
		__atomic_add_fetch(ready_count, 1, __ATOMIC_RELEASE);
		kill(parent_pid, SIGUSR2);
	}
}
