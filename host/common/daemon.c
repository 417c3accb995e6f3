/*
 * The scaffolding every nasmacd role (mme, amf, echo) shares around its own loop: signals
 * through uv_signal (so a handler runs on the loop, between two requests, never inside one), the
 * systemd notifications around the run, the drain after the stop and the closing of the handles.
 *
 *   SIGTERM, SIGINT  stop: the loop ends, what arrived before the signal is still handled
 *                    (nasmac__daemon_run's second pass), then the role prints its counters
 *   SIGHUP           reopen the log file (logrotate) and print the counters
 *   SIGUSR1          print the counters
 *
 * The role keeps what only it knows (its counters, its drain of commits in flight) in the
 * report callback and between nasmac__daemon_run() and nasmac__daemon_close().
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "host.h"
#include "pcap.h"

static const int daemon_sigs[NASMAC__DAEMON_SIGS] = { SIGINT, SIGTERM, SIGUSR1, SIGHUP };

static void on_signal(uv_signal_t *s, int signum)
{
	struct nasmac__daemon *d = s->data;

	if (signum == SIGUSR1) {
		d->report(d->arg, "SIGUSR1");
		return;
	}
	if (signum == SIGHUP) {
		nasmac__log_hup();
		d->report(d->arg, "SIGHUP");
		return;
	}
	nasmac__log(NASMAC__LOG_INFO, "signal %d: stopping", signum);
	d->stop_signal = signum;
	uv_stop(d->loop);
}

int nasmac__daemon_open_loop(uv_loop_t *loop, struct nasmac__vq *vq, const char *backend,
			     nasmac__vq_cb on_job, void *data, const char *pcap,
			     struct nasmac__pcap **pc)
{
	int rc;

	if (pcap && nasmac__pcap_open(pcap, pc)) {
		nasmac__log(NASMAC__LOG_ERR, "cannot write pcap %s", pcap);
		return -EIO;
	}
	uv_loop_init(loop);
	rc = nasmac__vq_open(loop, vq, backend, on_job, data);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "cannot open backend %s: %s", backend,
			    nasmac_strerror(rc));
		nasmac__daemon_end_loop(loop);
		if (*pc)
			nasmac__pcap_close(*pc);
		*pc = NULL;
	}
	return rc;
}

void nasmac__daemon_init(struct nasmac__daemon *d, uv_loop_t *loop,
			 void (*report)(void *arg, const char *why), void *arg)
{
	d->loop = loop;
	d->report = report;
	d->arg = arg;
	d->stop_signal = 0;
	for (int i = 0; i < NASMAC__DAEMON_SIGS; i++) {
		uv_signal_init(loop, &d->sig[i]);
		d->sig[i].data = d;
		uv_signal_start(&d->sig[i], on_signal, daemon_sigs[i]);
	}
}

void nasmac__daemon_run(struct nasmac__daemon *d)
{
	nasmac__notify("READY=1");
	uv_run(d->loop, UV_RUN_DEFAULT);
	nasmac__notify("STOPPING=1");
	/* What arrived before the stop signal (Context Acknowledges, typically) is still handled,
	 * so the exit counters cover everything that was sent before it. */
	uv_run(d->loop, UV_RUN_NOWAIT);
}

void nasmac__daemon_close(struct nasmac__daemon *d)
{
	for (int i = 0; i < NASMAC__DAEMON_SIGS; i++)
		uv_close((uv_handle_t *)&d->sig[i], NULL);
}

void nasmac__daemon_end_loop(uv_loop_t *loop)
{
	/* The close callbacks of every handle closed before run, then the loop itself. */
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
}

void nasmac__daemon_close_loop(uv_loop_t *loop, struct nasmac__vq *vq, struct nasmac__pcap *pc)
{
	nasmac__vq_close(vq);
	nasmac__daemon_end_loop(loop);
	if (pc)
		nasmac__pcap_close(pc);
}

void nasmac__daemon_tick(uv_loop_t *loop, uv_timer_t *tick, uv_timer_cb cb, void *role,
			 uint64_t period_ms, const struct nasmac__daemon_rl *rl, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((struct nasmac__ratelimit *)((char *)role + rl[i].off))->burst = rl[i].burst;
	uv_timer_init(loop, tick);
	tick->data = role;
	uv_timer_start(tick, cb, period_ms, period_ms);
}

void nasmac__daemon_rl_forget(void *role, const struct nasmac__daemon_rl *rl, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nasmac__log_rl_forget((struct nasmac__ratelimit *)((char *)role + rl[i].off));
}

int nasmac__daemon_metrics(uv_loop_t *loop, const char *addr, const struct nasmac__metrics_spec *sp,
			   struct nasmac__metrics **out)
{
	if (!addr || !nasmac__metrics_serve(loop, addr, sp, out))
		return 0;
	/* Stopped rather than returned: the role still goes its one way out (the loop ends at
	 * once, the counters are printed, every handle is closed). */
	uv_stop(loop);
	return 1;
}

void nasmac__daemon_dev_stats(const struct nasmac__vq *vq, nasmac_stats_t *st)
{
	memset(st, 0, sizeof(*st));
	if (vq->dev)
		(void)nasmac_stats(vq->dev, st);
}

int nasmac__daemon_getopt(struct nasmac__daemon_args *a, int c, const char *val,
			  void (*usage)(FILE *f))
{
	switch (c) {
	case NASMAC__DOPT_LISTEN: a->listen = val; break;
	case NASMAC__DOPT_BACKEND: a->backend = val; break;
	case NASMAC__DOPT_PCAP: a->pcap = val; break;
	case NASMAC__DOPT_METRICS: a->metrics = val; break;
	case NASMAC__DOPT_VERBOSE: a->level = NASMAC__LOG_DEBUG; break;
	case 'h': usage(stdout); return -1;
	default: usage(stderr); return 2;
	}
	return 0;
}
