/* Log lines an operator can read at 3 a.m.: UTC time to the millisecond, role, level, one event
 * per line; floods are rate-limited per kind of event. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

static char log_role[16] = "nasmac";
static int log_level = NASMAC__LOG_INFO;
static int log_level_forced = -1; /* --log-level: wins over the role's own choice */
static int log_syslog;           /* --log syslog */
static char log_path[PATH_MAX];  /* --log FILE: reopened on SIGHUP */
static volatile sig_atomic_t log_reopen_req;

static const char *const level_names[] = { "error", "warn", "info", "debug" };
static FILE *log_out;
static int log_owned; /* log_out is our --log file's stream (not one a test handed in) */
static uint64_t (*rl_clock)(void);
static struct nasmac__ratelimit *rl_list; /* every limiter used so far */

void nasmac__log_init(const char *role, int level)
{
	snprintf(log_role, sizeof(log_role), "%s", role);
	log_level = log_level_forced >= 0 ? log_level_forced : level;
	if (log_syslog) {
		static char ident[32];

		snprintf(ident, sizeof(ident), "nasmacd-%s", role);
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

int nasmac__log_level_parse(const char *s)
{
	for (int i = 0; i < (int)(sizeof(level_names) / sizeof(level_names[0])); i++)
		if (!strcmp(s, level_names[i]))
			return i;
	return -1;
}

void nasmac__log_force_level(int level)
{
	log_level_forced = level;
	log_level = level;
}

/* Opens (or reopens) the log file: appended to, created 0640, one write per line. */
static int open_file(void)
{
	int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	FILE *f;

	if (fd < 0)
		return -errno;
	f = fdopen(fd, "a");
	if (!f) {
		int err = errno;

		close(fd);
		return -err;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	if (log_out && log_owned) {
		/* A reopen: the new file takes the old stream's descriptor (dup2 is atomic), so a
		 * thread writing a line meanwhile (a commit thread, the store) never sees a closed
		 * stream; the stream itself stays. */
		int rc = dup2(fd, fileno(log_out)) < 0 ? -errno : 0;

		fclose(f);
		return rc;
	}
	log_out = f;
	log_owned = 1;
	return 0;
}

int nasmac__log_open(const char *dest)
{
	if (!strcmp(dest, "stderr"))
		return 0;
	if (!strcmp(dest, "syslog")) {
		log_syslog = 1;
		return 0;
	}
	if (snprintf(log_path, sizeof(log_path), "%s", dest) >= (int)sizeof(log_path))
		return -ENAMETOOLONG;
	return open_file();
}

void nasmac__log_request_reopen(void)
{
	log_reopen_req = 1;
}

int nasmac__log_reopen(void)
{
	int rc;

	log_reopen_req = 0;
	if (!log_path[0])
		return 0;
	rc = open_file();
	return rc ? rc : 1;
}

const char *nasmac__log_dest(void)
{
	return log_syslog ? "syslog" : log_path[0] ? log_path : "stderr";
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

	if (log_syslog) {
		static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

		vsnprintf(line, sizeof(line), fmt, ap);
		syslog(prio[level], "%s", line);
		return;
	}
	/* A SIGHUP arrived (the handler only sets the flag): reopen before writing, so a rotated
	 * file gets no further lines. A failed reopen keeps the old stream. */
	if (log_reopen_req)
		(void)nasmac__log_reopen();
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
	log_owned = 0;
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
	va_list ap;

	va_start(ap, fmt);
	nasmac__log_vrl(rl, level, fmt, ap);
	va_end(ap);
}

void nasmac__log_vrl(struct nasmac__ratelimit *rl, int level, const char *fmt, va_list ap)
{
	uint64_t now_ms = rl_now_ms();

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
	vlog(level, fmt, ap);
}

void nasmac__log_hup(void)
{
	/* Log rotation: a file of ours is reopened; stderr and syslog need nothing. */
	int rc = nasmac__log_reopen();

	if (rc < 0)
		nasmac__log(NASMAC__LOG_ERR, "SIGHUP: cannot reopen %s: %s (still writing to the old "
					     "file)", nasmac__log_dest(), strerror(-rc));
	else
		nasmac__log(NASMAC__LOG_INFO, "SIGHUP: %s %s; still serving",
			    rc ? "reopened" : "logging to", nasmac__log_dest());
}
