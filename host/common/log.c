/* Log lines an operator can read at 3 a.m.: UTC time to the millisecond, role, level, one event
 * per line; floods are rate-limited per kind of event. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "host.h"

static char log_role[16] = "nasmac";
static int log_level = NASMAC__LOG_INFO;

static const char *const level_names[] = { "error", "warn", "info", "debug" };
static FILE *log_out;
static uint64_t (*rl_clock)(void);
static struct nasmac__ratelimit *rl_list; /* every limiter used so far */

void nasmac__log_init(const char *role, int level)
{
	snprintf(log_role, sizeof(log_role), "%s", role);
	log_level = level;
}

uint64_t nasmac__now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void vlog(int level, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	char line[512];
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     ts.tv_nsec / 1000000, log_role, level_names[level]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	/* One fputs per line so lines of two processes sharing a terminal do not interleave. */
	strncat(line, "\n", sizeof(line) - strlen(line) - 1);
	fputs(line, log_out ? log_out : stderr);
}

void nasmac__log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void nasmac__log_set_output(FILE *f)
{
	log_out = f;
}

void nasmac__log_set_clock(uint64_t (*now_ms)(void))
{
	rl_clock = now_ms;
}

static uint64_t rl_now_ms(void)
{
	return rl_clock ? rl_clock() : nasmac__now_ns() / 1000000u;
}

/* The summary of a window that is over; the next window starts now. */
static void rl_close(struct nasmac__ratelimit *rl, uint64_t now_ms)
{
	if (rl->suppressed) {
		size_t n = strcspn(rl->fmt ? rl->fmt : "", "%");
		nasmac__log(rl->level, "(%u similar lines suppressed in %.1f s: \"%.*s...\")",
			    rl->suppressed, (double)(now_ms - rl->window_ms) / 1000.0,
			    (int)(n < 60 ? n : 60), rl->fmt ? rl->fmt : "");
	}
	rl->window_ms = now_ms;
	rl->printed = 0;
	rl->suppressed = 0;
}

void nasmac__log_rl_tick(void)
{
	uint64_t now_ms = rl_now_ms();

	for (struct nasmac__ratelimit *rl = rl_list; rl; rl = rl->next_rl)
		if (rl->suppressed && now_ms - rl->window_ms >= 1000)
			rl_close(rl, now_ms);
}

void nasmac__log_rl_forget(struct nasmac__ratelimit *rl)
{
	for (struct nasmac__ratelimit **p = &rl_list; *p; p = &(*p)->next_rl)
		if (*p == rl) {
			*p = rl->next_rl;
			break;
		}
	rl->listed = 0;
	rl->next_rl = NULL;
}

void nasmac__log_rl(struct nasmac__ratelimit *rl, int level, const char *fmt, ...)
{
	uint64_t now_ms = rl_now_ms();
	va_list ap;

	if (level > log_level)
		return;
	if (!rl->listed) {
		rl->listed = 1;
		rl->next_rl = rl_list;
		rl_list = rl;
		rl->window_ms = now_ms;
	}
	if (now_ms - rl->window_ms >= 1000)
		rl_close(rl, now_ms);
	if (rl->printed >= (rl->burst ? rl->burst : 5)) {
		rl->suppressed++;
		rl->level = level;
		rl->fmt = fmt;
		return;
	}
	rl->printed++;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}
