/* libnasmac jobs on a libuv loop: staged per loop iteration, enqueued as one burst, drained right
 * after the flush (what finished inline), the rest through uv_poll on nasmac_fd(). */
#include <errno.h>
#include <string.h>

#include "host.h"

static void reap(struct nasmac__vq *q)
{
	nasmac_job_t *done[256];
	uint32_t n;

	do {
		n = nasmac_dequeue_burst(q->dev, done, 256);
		for (uint32_t i = 0; i < n; i++) {
			q->inflight--;
			q->done(q, done[i], 0);
		}
	} while (n == 256);
	if (q->after)
		q->after(q);
}

void nasmac__vq_kick(struct nasmac__vq *q)
{
	uint32_t took;

	if (q->n_stage) {
		took = nasmac_enqueue_burst(q->dev, q->stage, q->n_stage);
		q->inflight += took;
		q->submitted += took;
		(void)nasmac_flush(q->dev);
		/* What the device did not take goes back now: the caller answers "No resources
		 * available" rather than letting a queue grow without bound. */
		for (uint32_t i = took; i < q->n_stage; i++) {
			q->busy++;
			q->done(q, q->stage[i], 1);
		}
		q->n_stage = 0;
	}
	if (q->inflight)
		reap(q);
	else if (q->after)
		q->after(q);
}

static void on_check(uv_check_t *c)
{
	nasmac__vq_kick(c->data);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	reap(p->data);
}

void nasmac__vq_submit(struct nasmac__vq *q, nasmac_job_t *job)
{
	if (q->n_stage == NASMAC__VQ_STAGE) {
		q->busy++;
		q->done(q, job, 1);
		return;
	}
	q->stage[q->n_stage++] = job;
}

int nasmac__vq_open(uv_loop_t *loop, struct nasmac__vq *q, const char *spec, nasmac__vq_cb done,
		    void *data)
{
	nasmac_opts_t opts;
	int rc;

	memset(q, 0, sizeof(*q));
	memset(&opts, 0, sizeof(opts));
	/* A short deadline: batches fill from whatever one loop iteration received, and the loop
	 * flushes explicitly, so waiting for more only adds latency. */
	opts.deadline_us = 20;
	/* vq_kick flushes after every burst and reaps right after: the fd only has to wake the
	 * loop for completions on a driver thread. */
	opts.flags = NASMAC_OPT_CALLER_FLUSHES | NASMAC_OPT_CALLER_DEQUEUES;
	rc = nasmac_open(spec, &opts, &q->dev);
	if (rc)
		return rc;
	q->done = done;
	q->data = data;
	rc = uv_poll_init(loop, &q->poll, nasmac_fd(q->dev));
	if (rc)
		goto out_close_dev;
	q->poll.data = q;
	uv_poll_start(&q->poll, UV_READABLE, on_poll);
	uv_check_init(loop, &q->check);
	q->check.data = q;
	uv_check_start(&q->check, on_check);
	return 0;

out_close_dev:
	nasmac_close(q->dev);
	q->dev = NULL;
	return rc;
}

void nasmac__vq_close(struct nasmac__vq *q)
{
	if (!q->dev)
		return;
	uv_poll_stop(&q->poll);
	uv_check_stop(&q->check);
	uv_close((uv_handle_t *)&q->poll, NULL);
	uv_close((uv_handle_t *)&q->check, NULL);
	/* Jobs still in flight finish inside nasmac_close; their owners are going away with the
	 * loop, so they are not reported. */
	nasmac_close(q->dev);
	q->dev = NULL;
}
