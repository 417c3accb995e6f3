/* The shared end-to-end harness (see e2e.h). */
#include "e2e.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "host.h"
#include "ue.h"

#define COUNTERS_LINE "counters (SIGUSR1)"

void e2e_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

char *e2e_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf) {
		size_t got = fread(buf, 1, (size_t)n, f);
		buf[got] = '\0';
		if (len)
			*len = got;
	}
	fclose(f);
	return buf;
}

int e2e_count_str(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

int e2e_log_count(const struct e2e_daemon *d, const char *needle)
{
	char *s = e2e_slurp(d->log, NULL);
	int n = e2e_count_str(s, needle);

	free(s);
	return n;
}

int e2e_udp_socket(struct sockaddr_in *bound)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sz = 8 << 20;

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	/* Floods of a few thousand datagrams must queue, not drop, on both sides. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	if (bound)
		*bound = a;
	return fd;
}

struct nasmac__uesim *e2e_ue_dir(const char *name, const struct nasmac__load_opts *o,
				 uint32_t n_db, char dir[64], char db[128])
{
	struct nasmac__uesim *ues;

	snprintf(dir, 64, "/tmp/nasmac-%s.XXXXXX", name);
	assert_non_null(mkdtemp(dir));
	snprintf(db, 128, "%s/ue.db", dir);
	assert_true(nasmac__load_make(o, &ues) >= (int)o->ues);
	for (uint32_t i = 0; i < o->ues; i++)
		ues[i].ctx.ul_count &= 0xffff;
	assert_true(n_db <= o->ues);
	assert_int_equal(nasmac__load_write_db(ues, n_db, db), 0);
	return ues;
}

void e2e_free_addr(char addr[32])
{
	snprintf(addr, 32, "127.0.0.1:%d", nasmac__free_port(SOCK_DGRAM));
}

int e2e_port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

void e2e_tx(int fd, const struct sockaddr_in *to, const void *buf, size_t len)
{
	ssize_t n = sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to));

	assert_int_equal(n, (ssize_t)len);
}

size_t e2e_rx(int fd, uint8_t *buf, size_t size, int ms, struct sockaddr_in *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);
	struct sockaddr_in dummy;
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = recvfrom(fd, buf, size, 0, (struct sockaddr *)(from ? from : &dummy), &fl);
	return n > 0 ? (size_t)n : 0;
}

void e2e_drain(int fd)
{
	uint8_t buf[4096];

	while (e2e_rx(fd, buf, sizeof(buf), 0, NULL))
		;
}

void e2e_spawn(struct e2e_daemon *d, const char *dir, const char *name, const char *ready,
	       char **argv)
{
	int rc;

	snprintf(d->log, sizeof(d->log), "%s/%s.log", dir, name);
	for (char **a = argv; *a; a++)
		if (!strcmp(*a, "--listen") && a[1])
			assert_int_equal(nasmac__parse_addr(a[1], &d->addr), 0);
	d->pid = fork();
	assert_true(d->pid >= 0);
	if (d->pid == 0) {
		/* A test that aborts (a failed sanitizer check) must not leave daemons behind. */
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (!freopen(d->log, "w", stderr))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	rc = nasmac__wait_log(d->log, ready, 1, d->pid, 20000);
	if (rc == -ECHILD)
		d->pid = 0; /* reaped */
	if (rc)
		fail_msg("%s did not start (log %s)", name, d->log);
}

void e2e_assert_alive(const struct e2e_daemon *d)
{
	int st;

	assert_true(d->pid > 0);
	if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
		char *s = e2e_slurp(d->log, NULL);
		fprintf(stderr, "%s\n", s ? s : "");
		free(s);
		fail_msg("daemon %d died: %s %d (log %s)", (int)d->pid,
			 WIFSIGNALED(st) ? "signal" : "exit status",
			 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), d->log);
	}
}

void e2e_stop(struct e2e_daemon *d)
{
	int st;

	if (d->pid <= 0)
		return;
	kill(d->pid, SIGTERM);
	waitpid(d->pid, &st, 0);
	d->pid = 0;
	/* A sanitizer report ends the process with a non-zero status. */
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

void e2e_snap(struct e2e_daemon *d, struct e2e_ctrs *c)
{
	int before = e2e_log_count(d, COUNTERS_LINE);
	char *s, *line, *tok, *save;

	e2e_assert_alive(d);
	kill(d->pid, SIGUSR1);
	for (int t = 0; e2e_log_count(d, COUNTERS_LINE) <= before; t += 5) {
		assert_true(t < 5000);
		e2e_sleep_ms(5);
	}
	s = e2e_slurp(d->log, NULL);
	assert_non_null(s);
	/* The last such line. */
	line = strstr(s, COUNTERS_LINE);
	for (char *p; line && (p = strstr(line + 1, COUNTERS_LINE));)
		line = p;
	assert_non_null(line);
	line[strcspn(line, "\n")] = '\0';
	memset(c, 0, sizeof(*c));
	for (tok = strtok_r(line, " ", &save); tok && c->n < E2E_CTRS_MAX;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq || eq - tok >= 24)
			continue;
		memcpy(c->name[c->n], tok, (size_t)(eq - tok));
		c->val[c->n] = strtoull(eq + 1, NULL, 10);
		/* The barriers are the test's, not part of any case. */
		if (!strcmp(c->name[c->n], "rx") || !strcmp(c->name[c->n], "echo") ||
		    !strcmp(c->name[c->n], "tx"))
			c->val[c->n] -= d->barriers;
		c->n++;
	}
	free(s);
}

uint64_t e2e_ctr(const struct e2e_ctrs *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return c->val[i];
	fail_msg("no counter %s", name);
	return 0;
}

void e2e_moved(const struct e2e_ctrs *a, const struct e2e_ctrs *b, const char *name, uint64_t want)
{
	uint64_t d = e2e_ctr(b, name) - e2e_ctr(a, name);

	if (d != want)
		fail_msg("counter %s moved by %llu, expected %llu", name, (unsigned long long)d,
			 (unsigned long long)want);
}

void e2e_only_moved(const struct e2e_ctrs *a, const struct e2e_ctrs *b, ...)
{
	for (int i = 0; i < a->n; i++) {
		const char *skip;
		int listed = 0;
		va_list ap;

		va_start(ap, b);
		while ((skip = va_arg(ap, const char *)))
			/* tx_segmented counts some of tx (the datagrams that left in UDP_SEGMENT
			 * runs, the test's own barrier answers among them): it may move wherever
			 * tx may. */
			listed |= !strcmp(skip, a->name[i]) ||
				  (!strcmp(skip, "tx") && !strcmp(a->name[i], "tx_segmented"));
		va_end(ap);
		if (!listed && e2e_ctr(b, a->name[i]) != a->val[i])
			fail_msg("counter %s moved by %llu, expected 0", a->name[i],
				 (unsigned long long)(e2e_ctr(b, a->name[i]) - a->val[i]));
	}
}

int e2e_remove_dir(const char *dir, const char *keep_env)
{
	char cmd[256];

	if (getenv(keep_env)) {
		fprintf(stderr, "logs kept in %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

int e2e_main(int argc, char **argv, const char **nasmacd, const char *group, const char *only_env,
	     const struct CMUnitTest *tests, size_t n, e2e_fixture setup, e2e_fixture teardown)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s NASMACD\n", argv[0]);
		return 2;
	}
	*nasmacd = argv[1];
	signal(SIGPIPE, SIG_IGN);
	if (getenv(only_env)) /* a glob over the test names, for debugging */
		cmocka_set_test_filter(getenv(only_env));
	return _cmocka_run_group_tests(group, tests, n, setup, teardown);
}

size_t e2e_ie_off(const uint8_t *buf, size_t len, uint8_t type)
{
	for (size_t off = 12; off + 4 <= len;) {
		if (buf[off] == type)
			return off;
		off += 4u + ((size_t)buf[off + 1] << 8 | buf[off + 2]);
	}
	return 0;
}
