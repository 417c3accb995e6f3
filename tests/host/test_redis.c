/* The Redis store (host/common/store_redis.c) against two real redis-server processes that the
 * test starts on free loopback ports (and stops): the URI, the import rule (the higher COUNT
 * kept, a UE id with a new GUTI loses its old record), the advance as a compare-and-set (taken
 * once, refused with the stored COUNT, an unknown UE refused), UEs spread over two instances,
 * the script reloaded after SCRIPT FLUSH, the restart counter, and fail closed: a stopped server
 * makes a commit fail within the timeout with nothing taken, and the store serves again by
 * itself once the server runs. The record version: an import that changes a record gives it a
 * new one (the same record again keeps it, a record deleted and added again never takes an old
 * one back), and an advance with another version than the stored one is answered stale with
 * nothing committed; with the check off (the test hook) the same advance is taken. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"
#include "host.h"
#include "store.h"

static pid_t srv[2];
static int port[2];
static char dir[64];

static int up(int p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return ok;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int setup(void **state)
{
	(void)state;
	if (fx_tmpdir(dir, "redis"))
		return -1;
	for (int i = 0; i < 2; i++) {
		char ps[16];

		port[i] = nasmac__free_port(SOCK_STREAM);
		snprintf(ps, sizeof(ps), "%d", port[i]);
		srv[i] = fork();
		if (srv[i] == 0) {
			char *argv[] = { "redis-server", "--port", ps, "--bind", "127.0.0.1",
					 "--save", "", "--appendonly", "no", "--dir", dir,
					 "--daemonize", "no", NULL };
			if (!freopen("/dev/null", "w", stdout))
				_exit(126);
			execvp(argv[0], argv);
			_exit(127);
		}
		for (int t = 0; t < 500 && !up(port[i]); t++)
			sleep_ms(10);
		if (!up(port[i])) {
			fprintf(stderr, "redis-server did not start (installed? make bootstrap)\n");
			return -1;
		}
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++)
		if (srv[i] > 0) {
			kill(srv[i], SIGCONT);
			kill(srv[i], SIGTERM);
			waitpid(srv[i], NULL, 0);
		}
	return fx_rmdir(dir);
}

static void make_ues(struct nasmac__ue *ues, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(nasmac__ue_parse(fx_ue_line, &ues[i]), 0);
		ues[i].ue_id += i;
		ues[i].guti[8] = (uint8_t)(i >> 8);
		ues[i].guti[9] = (uint8_t)i;
		snprintf(ues[i].imsi, sizeof(ues[i].imsi), "00101%010u", i);
		ues[i].ul_count += i;
	}
}

/* An advance of the UE whose GUTI is guti to count, with the version of its record as the store
 * holds it now (what an MME that looked it up verified with; 0 for a UE the store lacks). */
static void adv_of(struct nasmac__db *d, struct nasmac__db_adv *a, const uint8_t *guti,
		   uint32_t count)
{
	struct nasmac__ue got;

	memset(a, 0, sizeof(*a));
	memcpy(a->guti, guti, NASMAC__GUTI_LEN);
	a->count = count;
	if (!nasmac__db_get(d, guti, &got))
		a->ver = got.ver;
}

/* On the first instance, or both (shards); database db; query: "" or "?...". */
static struct nasmac__db *open_uri(int both, int db, const char *query)
{
	struct nasmac__db_opts o = { .cap = 64 };
	struct nasmac__db *d = NULL;
	char uri[256], why[128], second[32] = "";

	if (both)
		snprintf(second, sizeof(second), ",127.0.0.1:%d", port[1]);
	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d%s/%d%s", port[0], second, db, query);
	assert_int_equal(nasmac__db_open(uri, &o, &d, why, sizeof(why)), 0);
	return d;
}

static void test_uri(void **state)
{
	static const char *const bad[] = {
		"redis:", "redis://", "redis://127.0.0.1", "redis://:6379", "redis://h:0",
		"redis://h:70000", "redis://h:1/16", "redis://h:1/x", "redis://h:1?timeout=0",
		"redis://h:1?wait=x", "redis://h:1?foo=1", "redis:127.0.0.1:1",
	};
	struct nasmac__db_opts o = { .cap = 8 };
	struct nasmac__db *d;
	char uri[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nasmac__db_open(bad[i], &o, &d, NULL, 0), -EINVAL);
	/* Nothing listens: the MME does not start on a store it cannot reach. */
	snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d", nasmac__free_port(SOCK_STREAM));
	assert_int_equal(nasmac__db_open(uri, &o, &d, NULL, 0), -ECONNREFUSED);
	d = open_uri(0, 0, "?timeout=150&wait=0");
	assert_true(d->durable && d->remote);
	nasmac__db_close(d);
}

static void test_import_get_advance(void **state)
{
	struct nasmac__ue ues[40], got;
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv[3];
	struct nasmac__db *d = open_uri(1, 1, "");
	uint32_t r1, r2;
	int n = 0;

	(void)state;
	make_ues(ues, 40);
	assert_int_equal(nasmac__db_import(d, ues, 40, &st), 0);
	assert_int_equal(st.added, 40);
	assert_int_equal(nasmac__db_count(d), 40);
	assert_int_equal(nasmac__db_get(d, ues[5].guti, &got), 0);
	assert_memory_equal(got.kasme, ues[5].kasme, 32);
	assert_memory_equal(got.knas_int, ues[5].knas_int, 16);
	assert_int_equal(got.ul_count, ues[5].ul_count);
	assert_int_equal(nasmac__db_get_id(d, ues[7].ue_id, &got), 0);
	assert_memory_equal(got.guti, ues[7].guti, NASMAC__GUTI_LEN);

	/* The compare-and-set: above -> taken; the same again and below -> refused with the
	 * stored COUNT; an unknown UE -> refused. */
	adv_of(d, &adv[0], ues[3].guti, ues[3].ul_count + 5);
	adv_of(d, &adv[1], ues[4].guti, ues[4].ul_count);
	adv_of(d, &adv[2], (const uint8_t *)"\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09", 100);
	assert_int_equal(nasmac__db_advance(d, adv, 3), 0);
	assert_true(adv[0].ok && !adv[1].ok && !adv[2].ok);
	assert_true(!adv[0].stale && !adv[1].stale && !adv[2].stale);
	assert_int_equal(adv[1].stored, ues[4].ul_count);
	assert_int_equal(nasmac__db_advance(d, adv, 1), 0);
	assert_false(adv[0].ok);
	assert_int_equal(adv[0].stored, ues[3].ul_count + 5);

	/* Import again with the provisioned COUNTs: UE 3 keeps its higher stored one. */
	memset(&st, 0, sizeof(st));
	assert_int_equal(nasmac__db_import(d, ues, 40, &st), 0);
	assert_int_equal(st.updated, 40);
	assert_int_equal(st.kept_count, 1);
	assert_int_equal(nasmac__db_get(d, ues[3].guti, &got), 0);
	assert_int_equal(got.ul_count, ues[3].ul_count + 5);

	/* UE id 7 comes with a new GUTI: its old record goes. */
	ues[0].guti[7] ^= 0x55;
	memset(&st, 0, sizeof(st));
	assert_int_equal(nasmac__db_import(d, ues, 1, &st), 0);
	assert_int_equal(st.added, 1);
	ues[0].guti[7] ^= 0x55;
	assert_int_equal(nasmac__db_get(d, ues[0].guti, &got), -ENOENT);
	assert_int_equal(nasmac__db_count(d), 40);

	/* The UEs are on both instances (FNV-1a of the GUTI). */
	for (int i = 0; i < 2; i++) {
		char uri[64];
		struct nasmac__db *one;
		struct nasmac__db_opts o = { .cap = 8 };

		snprintf(uri, sizeof(uri), "redis://127.0.0.1:%d/1", port[i]);
		assert_int_equal(nasmac__db_open(uri, &o, &one, NULL, 0), 0);
		assert_true(nasmac__db_count(one) > 5);
		n += (int)nasmac__db_count(one);
		nasmac__db_close(one);
	}
	assert_int_equal(n, 40);

	assert_int_equal(nasmac__db_bump_restart(d, NULL, &r1), 0);
	assert_int_equal(nasmac__db_bump_restart(d, NULL, &r2), 0);
	assert_int_equal(r2, r1 + 1);
	/* One counter per MME of the pool, going on from the store's one the first time: B's
	 * restart leaves A's where it was. */
	assert_int_equal(nasmac__db_bump_restart(d, "mme-a", &r1), 0);
	assert_int_equal(r1, r2 + 1);
	assert_int_equal(nasmac__db_bump_restart(d, "mme-b", &r2), 0);
	assert_int_equal(r2, r1);
	assert_int_equal(nasmac__db_bump_restart(d, "mme-b", &r2), 0);
	assert_int_equal(nasmac__db_bump_restart(d, "mme-a", &r2), 0);
	assert_int_equal(r2, r1 + 1);
	nasmac__db_close(d);
}

static void test_noscript_and_fail_closed(void **state)
{
	struct nasmac__ue ues[4];
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv;
	struct nasmac__db *d = open_uri(0, 2, "?timeout=200");
	char cmd[96];
	uint64_t t0;
	int rc = -1;

	(void)state;
	make_ues(ues, 4);
	assert_int_equal(nasmac__db_import(d, ues, 4, &st), 0);
	adv_of(d, &adv, ues[1].guti, ues[1].ul_count + 1);

	/* The server forgets its scripts: loaded again, the advance goes through. */
	snprintf(cmd, sizeof(cmd), "redis-cli -p %d script flush >/dev/null", port[0]);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(nasmac__db_advance(d, &adv, 1), 0);
	assert_true(adv.ok);

	/* Stopped: the commit fails within the bound, nothing reported taken. */
	kill(srv[0], SIGSTOP);
	adv.count++;
	t0 = now_ms();
	assert_true(nasmac__db_advance(d, &adv, 1) < 0);
	assert_false(adv.ok);
	assert_true(now_ms() - t0 < 1000);
	/* In the backoff: refused at once, not after another timeout; a lookup says for each UE
	 * that it was not answered (never "found" nor "unknown"). */
	t0 = now_ms();
	assert_true(nasmac__db_advance(d, &adv, 1) < 0);
	assert_true(now_ms() - t0 < 100);
	{
		const uint8_t(*g)[NASMAC__GUTI_LEN] = &ues[0].guti;
		struct nasmac__ue out[1];
		int res[1] = { 0 };

		assert_true(nasmac__db_get_many(d, g, 1, out, res) < 0);
		assert_int_equal(res[0], -EIO);
	}
	kill(srv[0], SIGCONT);
	/* Serves again by itself (backoff at most 2 s). The timed-out advance may have been
	 * applied by the server meanwhile: then this one, the same COUNT, is refused. */
	for (int t = 0; t < 60 && rc; t++) {
		sleep_ms(100);
		rc = nasmac__db_advance(d, &adv, 1);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(adv.stored, ues[1].ul_count + 2);
	nasmac__db_close(d);
}

static int cli(const char *pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* redis-cli on the first instance (authenticated with pass when not NULL); its exit status. */
static int cli(const char *pass, const char *fmt, ...)
{
	char cmd[512], args[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "redis-cli -p %d%s%s --no-auth-warning %s >/dev/null", port[0],
		 pass ? " -a " : "", pass ? pass : "", args);
	return system(cmd);
}

/* INFO stats' total_connections_received of the first instance. */
static long connections(void)
{
	char cmd[128], line[128];
	long n = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "redis-cli -p %d -a pw-default --no-auth-warning info stats",
		 port[0]);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p))
		if (!strncmp(line, "total_connections_received:", 27))
			n = strtol(line + 27, NULL, 10);
	if (p)
		pclose(p);
	return n;
}

static size_t occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static int open_auth(const char *userinfo, const char *query, struct nasmac__db **d)
{
	struct nasmac__db_opts o = { .cap = 64 };
	char uri[512];

	snprintf(uri, sizeof(uri), "redis://%s127.0.0.1:%d/3%s", userinfo, port[0], query);
	return nasmac__db_open(uri, &o, d, NULL, 0);
}

/* Redis 6+ authentication (requirepass and an ACL user), the password from a 0600 file, never
 * in a log line, AUTH on every connect: a password changed on the server makes the store
 * refuse (fail closed, one log line) and serve again once it is right, the same request. */
static void test_auth(void **state)
{
	static const char *const bad[] = {
		"redis://@h:1", "redis://:@h:1", "redis://u:@h:1", "redis://u@h:1",
		"redis://u:p@h:1?password_file=/nonexistent", "redis://h:1?password_file=",
	};
	struct nasmac__db_opts o = { .cap = 8 };
	struct nasmac__ue ues[4];
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv;
	struct nasmac__db *d = NULL, *e = NULL;
	char red[128], pwfile[128], query[160], line[64];
	char *buf = NULL;
	size_t len = 0;
	FILE *log = open_memstream(&buf, &len), *f;
	int rc = -1;
	long conns;

	(void)state;
	assert_non_null(log);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nasmac__db_open(bad[i], &o, &d, NULL, 0), -EINVAL);
	nasmac__db_uri_redact("redis://mme:s3cr@t/x@h:1,h:2/3?timeout=9", red, sizeof(red));
	assert_string_equal(red, "redis://mme:***@h:1,h:2/3?timeout=9");
	nasmac__db_uri_redact("redis://:pw@h:1", red, sizeof(red));
	assert_string_equal(red, "redis://:***@h:1");
	nasmac__db_uri_redact("redis://mme@h:1?password_file=/p", red, sizeof(red));
	assert_string_equal(red, "redis://mme@h:1?password_file=/p");
	nasmac__db_uri_redact("lmdb:/var/a:b@c", red, sizeof(red));
	assert_string_equal(red, "lmdb:/var/a:b@c");

	nasmac__log_init("test", NASMAC__LOG_INFO);
	nasmac__log_set_output(log);
	assert_int_equal(cli(NULL, "acl setuser mme on '>pw-of-mme' '~nasmac:*' '&*' '+@all'"), 0);
	assert_int_equal(cli(NULL, "config set requirepass pw-default"), 0);
	/* No password, a wrong one, a wrong user: refused at start, and said so. */
	assert_int_equal(open_auth("", "", &d), -EACCES);
	assert_int_equal(open_auth(":wrong-pw@", "", &d), -EACCES);
	assert_int_equal(open_auth("nobody:pw-of-mme@", "", &d), -EACCES);
	/* The right ones: the default user (AUTH pass), the ACL user (AUTH user pass). */
	assert_int_equal(open_auth(":pw-default@", "", &d), 0);
	make_ues(ues, 4);
	assert_int_equal(nasmac__db_import(d, ues, 4, &st), 0);
	nasmac__db_close(d);
	assert_int_equal(open_auth("mme:pw-of-mme@", "?timeout=200", &d), 0);
	assert_non_null(strstr(d->where, "mme:***@"));
	adv_of(d, &adv, ues[1].guti, ues[1].ul_count + 1);
	assert_int_equal(nasmac__db_advance(d, &adv, 1), 0);
	assert_true(adv.ok);

	/* The password from a file: refused unless only its owner may read it. */
	snprintf(pwfile, sizeof(pwfile), "%s/pw", dir);
	f = fopen(pwfile, "w");
	assert_non_null(f);
	fputs("pw-of-mme\n", f);
	fclose(f);
	assert_int_equal(chmod(pwfile, 0644), 0);
	snprintf(query, sizeof(query), "?password_file=%s", pwfile);
	assert_int_equal(open_auth("mme@", query, &e), -EACCES);
	assert_int_equal(chmod(pwfile, 0600), 0);
	assert_int_equal(open_auth("mme@", query, &e), 0);
	nasmac__db_close(e);
	assert_int_equal(truncate(pwfile, 0), 0);
	assert_int_equal(open_auth("mme@", query, &e), -ENODATA);

	/* The password changes on the server and the connection goes (AUTH on reconnect): the
	 * commit fails, nothing taken, at once within the backoff, one log line. */
	assert_int_equal(cli("pw-default", "acl setuser mme resetpass '>pw-new'"), 0);
	assert_int_equal(cli("pw-default", "client kill user mme"), 0);
	adv.count++;
	/* 40 commits in a second: refused each, but the server sees a handful of connections
	 * (the backoff, 50 ms doubling), not one per call. */
	conns = connections();
	for (int i = 0; i < 40; i++) {
		assert_true(nasmac__db_advance(d, &adv, 1) < 0);
		assert_false(adv.ok);
		sleep_ms(25);
	}
	conns = connections() - conns - 1; /* less the INFO's own */
	assert_true(conns >= 1 && conns <= 8);
	/* Right again: the same request is served (the backoff is at most 2 s). */
	assert_int_equal(cli("pw-default", "acl setuser mme resetpass '>pw-of-mme'"), 0);
	for (int t = 0; t < 40 && rc; t++) {
		sleep_ms(100);
		rc = nasmac__db_advance(d, &adv, 1);
	}
	assert_int_equal(rc, 0);
	assert_true(adv.ok);
	nasmac__db_close(d);

	fflush(log);
	snprintf(line, sizeof(line), "redis 127.0.0.1:%d: authentication failed", port[0]);
	/* 3 refused opens, then one line for the 40 refused commits (rate-limited). */
	assert_int_equal(occurrences(buf, line), 4);
	assert_null(strstr(buf, "pw-of-mme"));
	assert_null(strstr(buf, "pw-default"));
	assert_null(strstr(buf, "wrong-pw"));
	nasmac__log_set_output(NULL);
	fclose(log);
	free(buf);
	assert_int_equal(cli("pw-default", "config set requirepass ''"), 0);
	assert_int_equal(cli(NULL, "acl deluser mme"), 0);
}

/* The record version: what lets an MME verify with the record it holds (store.h). */
static void test_version(void **state)
{
	struct nasmac__ue ues[3], got;
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv, old;
	struct nasmac__db *d = open_uri(0, 4, "");
	uint32_t v1, v2;

	(void)state;
	make_ues(ues, 3);
	assert_int_equal(nasmac__db_import(d, ues, 3, &st), 0);
	assert_int_equal(nasmac__db_get(d, ues[1].guti, &got), 0);
	v1 = got.ver;
	assert_true(v1 > 0);
	/* The same records again: nothing changed, the version stays (held records stay good). */
	assert_int_equal(nasmac__db_import(d, ues, 3, &st), 0);
	assert_int_equal(nasmac__db_get(d, ues[1].guti, &got), 0);
	assert_int_equal(got.ver, v1);
	adv_of(d, &old, ues[1].guti, ues[1].ul_count + 1);
	assert_int_equal(old.ver, v1);

	/* Re-provisioned with new keys (another MME's --ue-db): a new version. The advance of a
	 * COUNT verified with the old record is stale, nothing committed; verified with the new
	 * one, taken. */
	ues[1].kasme[0] ^= 0x5a;
	assert_int_equal(nasmac__db_import(d, ues, 3, &st), 0);
	assert_int_equal(nasmac__db_get(d, ues[1].guti, &got), 0);
	v2 = got.ver;
	assert_int_not_equal(v2, v1);
	adv = old;
	assert_int_equal(nasmac__db_advance(d, &adv, 1), 0);
	assert_true(adv.stale);
	assert_false(adv.ok);
	assert_int_equal(adv.stored, ues[1].ul_count);
	assert_int_equal(nasmac__db_get(d, ues[1].guti, &got), 0);
	assert_int_equal(got.ul_count, ues[1].ul_count);
	adv_of(d, &adv, ues[1].guti, ues[1].ul_count + 1);
	assert_int_equal(nasmac__db_advance(d, &adv, 1), 0);
	assert_true(adv.ok && !adv.stale);

	/* UE 1 moves to another GUTI and back with its first keys: its record is deleted and
	 * added again, with a version never used before, so the one held from the first time
	 * (old) is still stale. */
	ues[1].kasme[0] ^= 0x5a;
	ues[1].guti[7] ^= 0x55;
	assert_int_equal(nasmac__db_import(d, &ues[1], 1, &st), 0);
	ues[1].guti[7] ^= 0x55;
	assert_int_equal(nasmac__db_get(d, ues[1].guti, &got), -ENOENT);
	assert_int_equal(nasmac__db_import(d, &ues[1], 1, &st), 0);
	assert_int_equal(nasmac__db_get(d, ues[1].guti, &got), 0);
	assert_true(got.ver != v1 && got.ver != v2);
	old.count = got.ul_count + 1;
	adv = old;
	assert_int_equal(nasmac__db_advance(d, &adv, 1), 0);
	assert_true(adv.stale && !adv.ok);
	nasmac__db_close(d);

	/* The check off (NASMAC_TEST_REDIS_NO_VERSION): the same stale advance is taken, which is
	 * what lets a request verified with an old record through (tests/e2e/redis.sh, 8.). */
	assert_int_equal(setenv("NASMAC_TEST_REDIS_NO_VERSION", "1", 1), 0);
	d = open_uri(0, 4, "");
	assert_int_equal(unsetenv("NASMAC_TEST_REDIS_NO_VERSION"), 0);
	adv = old;
	assert_int_equal(nasmac__db_advance(d, &adv, 1), 0);
	assert_true(adv.ok && !adv.stale);
	nasmac__db_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_import_get_advance),
		cmocka_unit_test(test_noscript_and_fail_closed),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
