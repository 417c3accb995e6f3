/*
 * --metrics ADDR:PORT: Prometheus text exposition (format 0.0.4) over HTTP, with libmicrohttpd.
 *
 * The HTTP server runs inside the daemon's own libuv loop, not in a thread of its own:
 * libmicrohttpd is started without an internal thread on its epoll back-end, the loop polls
 * that one epoll descriptor and calls MHD_run() when it is readable (and once a second for
 * connection timeouts). So a scrape reads the counters in the thread that writes them, with no
 * lock and no torn value, and costs the N26 path nothing between scrapes.
 *
 * The roles register pointers to their counters once (name, help, type); a refresh hook runs
 * before each scrape for values that must be fetched (libnasmac's statistics).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "host.h"

#define MAX_METRICS 128

struct metric {
	const char *name, *help, *type;
	const uint64_t *value;
	const struct nasmac__hist *hist;
};

struct nasmac__metrics {
	struct MHD_Daemon *d;
	uv_poll_t poll;
	uv_timer_t tick;
	const char *prefix;
	struct metric m[MAX_METRICS];
	unsigned int n;
	void (*refresh)(void *arg);
	void *refresh_arg;
	uint64_t scrapes;
	unsigned int open_handles; /* poll and tick until their close callbacks ran */
};

/* Latency bounds in seconds: 10 us .. 1 s, the range between a cpu verification and an AMF's
 * T3 timer. */
const double nasmac__hist_bounds[NASMAC__HIST_BUCKETS] = {
	10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3,
	100e-3, 250e-3, 500e-3, 1.0,
};

/* The same bounds in nanoseconds, for the observation. */
static const uint64_t hist_bounds_ns[NASMAC__HIST_BUCKETS] = {
	10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
	25000000, 50000000, 100000000, 250000000, 500000000, 1000000000,
};

void nasmac__hist_observe(struct nasmac__hist *h, uint64_t ns)
{
	unsigned int i = 0;

	while (i < NASMAC__HIST_BUCKETS && ns > hist_bounds_ns[i])
		i++;
	if (i < NASMAC__HIST_BUCKETS)
		h->bucket[i]++;
	h->count++;
	h->sum_ns += ns;
}

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->p)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			free(b->p);
			b->p = NULL;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		char *q = realloc(b->p, b->cap * 2 + (size_t)n);

		if (!q) {
			free(b->p);
			b->p = NULL;
			return;
		}
		b->p = q;
		b->cap = b->cap * 2 + (size_t)n;
	}
}

static void render(struct nasmac__metrics *ms, struct buf *b)
{
	uint64_t cum;

	if (ms->refresh)
		ms->refresh(ms->refresh_arg);
	ms->scrapes++;
	for (unsigned int i = 0; i < ms->n; i++) {
		const struct metric *m = &ms->m[i];

		put(b, "# HELP %s_%s %s\n# TYPE %s_%s %s\n", ms->prefix, m->name, m->help,
		    ms->prefix, m->name, m->type);
		if (!m->hist) {
			put(b, "%s_%s %llu\n", ms->prefix, m->name, (unsigned long long)*m->value);
			continue;
		}
		cum = 0;
		for (unsigned int k = 0; k < NASMAC__HIST_BUCKETS; k++) {
			cum += m->hist->bucket[k];
			put(b, "%s_%s_bucket{le=\"%g\"} %llu\n", ms->prefix, m->name,
			    nasmac__hist_bounds[k], (unsigned long long)cum);
		}
		put(b, "%s_%s_bucket{le=\"+Inf\"} %llu\n%s_%s_sum %.9f\n%s_%s_count %llu\n",
		    ms->prefix, m->name, (unsigned long long)m->hist->count, ms->prefix, m->name,
		    (double)m->hist->sum_ns * 1e-9, ms->prefix, m->name,
		    (unsigned long long)m->hist->count);
	}
	put(b, "# HELP %s_metrics_scrapes_total Scrapes of this endpoint.\n"
	       "# TYPE %s_metrics_scrapes_total counter\n%s_metrics_scrapes_total %llu\n",
	    ms->prefix, ms->prefix, ms->prefix, (unsigned long long)ms->scrapes);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct nasmac__metrics *ms = cls;
	struct MHD_Response *r;
	struct buf b = { .cap = 16384 };
	unsigned int status = MHD_HTTP_OK;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	(void)con_cls;
	if (*upload_size)
		return MHD_NO; /* no request body is expected: close the connection */
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		static const char msg[] = "only GET /metrics\n";

		r = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
						    MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (strcmp(url, "/metrics")) {
		static const char msg[] = "not found: the metrics are at /metrics\n";

		r = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
						    MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_NOT_FOUND;
	} else {
		b.p = malloc(b.cap);
		render(ms, &b);
		if (!b.p)
			return MHD_NO;
		r = MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(b.p);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
				status == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8"
						      : "text/plain; charset=utf-8");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	struct nasmac__metrics *ms = p->data;

	(void)status;
	(void)events;
	MHD_run(ms->d);
}

static void on_tick(uv_timer_t *t)
{
	struct nasmac__metrics *ms = t->data;

	MHD_run(ms->d);
}

int nasmac__metrics_start(uv_loop_t *loop, const char *addr, const char *prefix,
			  struct nasmac__metrics **out)
{
	struct nasmac__metrics *ms;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	*out = NULL;
	if (nasmac__parse_addr(addr, &sa))
		return -EINVAL;
	ms = calloc(1, sizeof(*ms));
	if (!ms)
		return -ENOMEM;
	ms->prefix = prefix;
	ms->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, ntohs(sa.sin_port), NULL, NULL,
				 answer, ms, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&sa,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16, MHD_OPTION_END);
	if (!ms->d) {
		int err = errno ? errno : EADDRINUSE;

		nasmac__log(NASMAC__LOG_ERR, "metrics: cannot serve HTTP on %s: %s", addr,
			    strerror(err));
		free(ms);
		return -err;
	}
	info = MHD_get_daemon_info(ms->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || uv_poll_init(loop, &ms->poll, info->epoll_fd)) {
		MHD_stop_daemon(ms->d);
		free(ms);
		return -EIO;
	}
	ms->poll.data = ms;
	uv_poll_start(&ms->poll, UV_READABLE, on_poll);
	uv_timer_init(loop, &ms->tick);
	ms->tick.data = ms;
	uv_timer_start(&ms->tick, on_tick, 1000, 1000);
	*out = ms;
	return 0;
}

int nasmac__metrics_add(struct nasmac__metrics *ms, const char *name, const char *help,
			const char *type, const uint64_t *value)
{
	if (!ms)
		return 0;
	if (ms->n >= MAX_METRICS)
		return -E2BIG;
	ms->m[ms->n++] = (struct metric){ .name = name, .help = help, .type = type,
					  .value = value };
	return 0;
}

int nasmac__metrics_add_hist(struct nasmac__metrics *ms, const char *name, const char *help,
			     const struct nasmac__hist *h)
{
	if (!ms)
		return 0;
	if (ms->n >= MAX_METRICS)
		return -E2BIG;
	ms->m[ms->n++] = (struct metric){ .name = name, .help = help, .type = "histogram",
					  .hist = h };
	return 0;
}

void nasmac__metrics_refresh(struct nasmac__metrics *ms, void (*fn)(void *), void *arg)
{
	if (!ms)
		return;
	ms->refresh = fn;
	ms->refresh_arg = arg;
}

static void free_on_close(uv_handle_t *h)
{
	struct nasmac__metrics *ms = h->data;

	/* The last close callback frees: libuv runs them in no promised order (in 1.44 the
	 * handle closed last finishes first, so freeing on the timer's read the poll handle
	 * after the free). */
	if (--ms->open_handles == 0)
		free(ms);
}

void nasmac__metrics_stop(struct nasmac__metrics *ms)
{
	if (!ms)
		return;
	uv_poll_stop(&ms->poll);
	MHD_stop_daemon(ms->d);
	ms->open_handles = 2;
	uv_close((uv_handle_t *)&ms->poll, free_on_close);
	uv_close((uv_handle_t *)&ms->tick, free_on_close);
}

size_t nasmac__counters_fmt(char *buf, size_t len, const void *base,
			    const struct nasmac__counter *tbl, size_t n)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const uint64_t *v = (const uint64_t *)((const char *)base + tbl[i].off);
		int k = snprintf(buf + used, len - used, "%s%s=%llu", i ? " " : "", tbl[i].name,
				 (unsigned long long)*v);

		if (k < 0)
			break;
		used += (size_t)k;
	}
	return used < len ? used : len - 1;
}

int nasmac__metrics_add_table(struct nasmac__metrics *ms, const void *base,
			      const struct nasmac__counter *tbl, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = nasmac__metrics_add(ms, tbl[i].metric, tbl[i].help,
					     tbl[i].gauge ? "gauge" : "counter",
					     (const uint64_t *)((const char *)base + tbl[i].off));
		if (rc)
			return rc;
	}
	return 0;
}

int nasmac__metrics_serve(uv_loop_t *loop, const char *addr, const struct nasmac__metrics_spec *sp,
			  struct nasmac__metrics **out)
{
	int rc = nasmac__metrics_start(loop, addr, "nasmac", out);

	if (!rc)
		rc = nasmac__metrics_add_table(*out, sp->base, sp->tbl, sp->n);
	if (!rc && sp->tbl2)
		rc = nasmac__metrics_add_table(*out, sp->base, sp->tbl2, sp->n2);
	if (!rc)
		rc = nasmac__metrics_add_hist(*out, sp->hist_name, sp->hist_help, sp->hist);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "cannot serve metrics on %s: %s", addr,
			    nasmac_strerror(rc));
		return rc;
	}
	nasmac__metrics_refresh(*out, sp->refresh, sp->arg);
	nasmac__log(NASMAC__LOG_INFO, "metrics on http://%s/metrics", addr);
	return 0;
}

void nasmac__counters_sum(void *dst, const void *slots, size_t slot_size, unsigned int n,
			  const struct nasmac__counter *tbl, size_t tn)
{
	for (size_t i = 0; i < tn; i++) {
		uint64_t v = 0;

		for (unsigned int w = 0; w < n; w++) {
			const uint64_t *p = (const uint64_t *)((const char *)slots + w * slot_size +
							       tbl[i].off);
			uint64_t x = __atomic_load_n(p, __ATOMIC_RELAXED);

			if (tbl[i].gauge == NASMAC__GAUGE_SAME)
				v = x > v ? x : v;
			else
				v += x;
		}
		*(uint64_t *)((char *)dst + tbl[i].off) = v;
	}
}

void nasmac__shared_sum(uint64_t *dst, const void *slots, size_t slot_size, unsigned int n,
			size_t off, size_t words)
{
	for (size_t k = 0; k < words; k++) {
		uint64_t v = 0;

		for (unsigned int w = 0; w < n; w++)
			v += __atomic_load_n((const uint64_t *)((const char *)slots + w * slot_size +
								off) + k, __ATOMIC_RELAXED);
		dst[k] = v;
	}
}
