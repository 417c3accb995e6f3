/* The MME's durable store (host/common/store.h) on each backend: a COUNT never moves
 * backwards (advance refuses, import keeps the higher one), a reopened lmdb store sees every
 * commit, the restart counter grows, the store directory is 0700 and its files 0600; and the
 * UE db loader's refusals (a comment of any length, tabs, devices, directories, reasons); and
 * on a model of a power loss, what each --sync mode keeps and what a commit costs in flushes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"
#include "host.h"
#include "store.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	return fx_tmpdir(tmp, "db");
}

static int teardown(void **state)
{
	(void)state;
	return fx_rmdir(tmp);
}

/* n UEs made from fx_ue_line: ue_id 7 + i, GUTI and IMSI ending in i, ul 261 + i. */
static void make_ues(struct nasmac__ue *ues, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(nasmac__ue_parse(fx_ue_line, &ues[i]), 0);
		ues[i].ue_id += i;
		ues[i].guti[9] = (uint8_t)(7 + i);
		ues[i].imsi[14] = (char)('0' + (7 + i) % 10);
		ues[i].imsi[13] = (char)('0' + (7 + i) / 10);
		ues[i].ul_count += i;
	}
}

static struct nasmac__db *open_db(const char *uri, enum nasmac__db_sync sync)
{
	struct nasmac__db_opts o = { .sync = sync, .cap = 64 };
	struct nasmac__db *db = NULL;
	char why[128];

	assert_int_equal(nasmac__db_open(uri, &o, &db, why, sizeof(why)), 0);
	assert_non_null(db);
	return db;
}

/* What every backend must do within one open. */
static void check_semantics(struct nasmac__db *db)
{
	struct nasmac__ue ues[4], got;
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv[4];

	make_ues(ues, 4);
	assert_int_equal(nasmac__db_import(db, ues, 4, &st), 0);
	assert_int_equal(st.added, 4);
	assert_int_equal(nasmac__db_count(db), 4);
	assert_int_equal(nasmac__db_get(db, ues[2].guti, &got), 0);
	assert_int_equal(got.ul_count, 263);
	assert_memory_equal(got.kasme, ues[2].kasme, 32);
	assert_memory_equal(got.knas_int, ues[2].knas_int, 16);
	assert_string_equal(got.imsi, ues[2].imsi);
	assert_int_equal(nasmac__db_get_id(db, 8, &got), 0);
	assert_memory_equal(got.guti, ues[1].guti, NASMAC__GUTI_LEN);
	assert_int_equal(nasmac__db_get_id(db, 99, &got), -ENOENT);

	/* One group commit: above (ok), equal (replay), below (replay), unknown UE. */
	memset(adv, 0, sizeof(adv));
	memcpy(adv[0].guti, ues[0].guti, NASMAC__GUTI_LEN);
	adv[0].count = 300;
	memcpy(adv[1].guti, ues[1].guti, NASMAC__GUTI_LEN);
	adv[1].count = 262;
	memcpy(adv[2].guti, ues[2].guti, NASMAC__GUTI_LEN);
	adv[2].count = 5;
	memcpy(adv[3].guti, ues[3].guti, NASMAC__GUTI_LEN);
	adv[3].guti[0] ^= 0xff;
	adv[3].count = 1000;
	assert_int_equal(nasmac__db_advance(db, adv, 4), 0);
	assert_int_equal(adv[0].ok, 1);
	assert_int_equal(adv[0].stored, 300);
	assert_int_equal(adv[1].ok, 0);
	assert_int_equal(adv[1].stored, 262);
	assert_int_equal(adv[2].ok, 0);
	assert_int_equal(adv[2].stored, 263);
	assert_int_equal(adv[3].ok, 0);
	/* The same COUNT again: refused. */
	adv[0].ok = 0;
	assert_int_equal(nasmac__db_advance(db, adv, 1), 0);
	assert_int_equal(adv[0].ok, 0);
	assert_int_equal(nasmac__db_get(db, ues[0].guti, &got), 0);
	assert_int_equal(got.ul_count, 300);

	/* Importing the provisioning record again (ul 261) keeps 300; a higher one wins. */
	memset(&st, 0, sizeof(st));
	assert_int_equal(nasmac__db_import(db, ues, 1, &st), 0);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.kept_count, 1);
	assert_int_equal(nasmac__db_get(db, ues[0].guti, &got), 0);
	assert_int_equal(got.ul_count, 300);
	ues[0].ul_count = 400;
	ues[0].ksi = 3; /* the record's other fields are taken */
	memset(&st, 0, sizeof(st));
	assert_int_equal(nasmac__db_import(db, ues, 1, &st), 0);
	assert_int_equal(st.kept_count, 0);
	assert_int_equal(nasmac__db_get(db, ues[0].guti, &got), 0);
	assert_int_equal(got.ul_count, 400);
	assert_int_equal(got.ksi, 3);
	explicit_bzero(&got, sizeof(got));
}

/* Counts the UEs a walk (db_foreach, ue_db_read) hands over, into the uint32_t at arg. */
static int count_cb(void *arg, const struct nasmac__ue *ue)
{
	(void)ue;
	(*(uint32_t *)arg)++;
	return 0;
}

/*
 * A power-loss model of one file, for the --sync modes' claims. liblmdb writes data.mdb with
 * pwrite() and lseek()+writev(), flushes it with fdatasync() (or writes the meta page through a
 * second descriptor opened O_DSYNC): this executable defines those calls, so liblmdb's go
 * through them (symbols of the executable come first). While armed, a write to the tracked file
 * also goes to a list of writes the disk has not got yet; a flush of the file applies the list
 * to `disk`, a copy of the file taken when armed; an O_DSYNC write goes there at once. `disk`
 * is then what a power loss leaves (in the worst case: nothing unflushed reached the disk).
 */
static struct {
	int armed, disk;
	dev_t dev;
	ino_t ino;
	uint32_t flushes; /* fdatasync/fsync of the file and O_DSYNC writes to it */
	uint64_t bytes;   /* written to the file */
	struct unflushed {
		off_t off;
		size_t len;
		uint8_t *data;
	} w[4096];
	uint32_t n;
} pl;

static int pl_tracked(int fd)
{
	struct stat s;

	return pl.armed && !fstat(fd, &s) && s.st_dev == pl.dev && s.st_ino == pl.ino;
}

static void pl_write(int fd, const void *buf, size_t len, off_t off)
{
	int fl = fcntl(fd, F_GETFL);

	pl.bytes += len;
	if (fl >= 0 && (fl & O_DSYNC)) {
		assert_true(syscall(SYS_pwrite64, pl.disk, buf, len, off) == (long)len);
		pl.flushes++;
		return;
	}
	assert_true(pl.n < sizeof(pl.w) / sizeof(pl.w[0]));
	pl.w[pl.n].data = malloc(len);
	assert_non_null(pl.w[pl.n].data);
	memcpy(pl.w[pl.n].data, buf, len);
	pl.w[pl.n].off = off;
	pl.w[pl.n].len = len;
	pl.n++;
}

static void pl_flush(int fd)
{
	if (!pl_tracked(fd))
		return;
	for (uint32_t i = 0; i < pl.n; i++) {
		assert_true(syscall(SYS_pwrite64, pl.disk, pl.w[i].data, pl.w[i].len, pl.w[i].off) ==
			    (long)pl.w[i].len);
		free(pl.w[i].data);
	}
	pl.n = 0;
	pl.flushes++;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	long r = syscall(SYS_pwrite64, fd, buf, len, off);

	if (r > 0 && pl_tracked(fd))
		pl_write(fd, buf, (size_t)r, off);
	return r;
}

ssize_t writev(int fd, const struct iovec *iov, int n);
ssize_t writev(int fd, const struct iovec *iov, int n)
{
	off_t off = lseek(fd, 0, SEEK_CUR);
	long r = syscall(SYS_writev, fd, iov, n), left = r;

	for (int i = 0; left > 0 && off >= 0 && i < n && pl_tracked(fd); i++) {
		size_t l = iov[i].iov_len < (size_t)left ? iov[i].iov_len : (size_t)left;

		pl_write(fd, iov[i].iov_base, l, off);
		off += (off_t)l;
		left -= (long)l;
	}
	return r;
}

int fdatasync(int fd);
int fdatasync(int fd)
{
	pl_flush(fd);
	return (int)syscall(SYS_fdatasync, fd);
}

int fsync(int fd);
int fsync(int fd)
{
	pl_flush(fd);
	return (int)syscall(SYS_fsync, fd);
}

/* Arms the model on DIR/data.mdb, the disk holding what the file holds now (flushed). */
static void pl_arm(const char *dir, const char *disk)
{
	char path[160], cmd[400];
	struct stat s;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_int_equal(stat(path, &s), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, disk);
	assert_int_equal(system(cmd), 0);
	pl.disk = open(disk, O_WRONLY);
	assert_true(pl.disk >= 0);
	pl.dev = s.st_dev;
	pl.ino = s.st_ino;
	pl.n = 0;
	pl.flushes = 0;
	pl.bytes = 0;
	pl.armed = 1;
}

/* The power goes now: the uplink COUNT of the UE with GUTI `guti` on what the disk holds. */
static uint32_t pl_count_after_power_loss(const char *disk, const uint8_t *guti)
{
	char dir[160], cmd[400], uri[200];
	struct nasmac__ue got;
	struct nasmac__db *db;
	static unsigned k;

	snprintf(dir, sizeof(dir), "%s/lost%u", tmp, k++);
	snprintf(cmd, sizeof(cmd), "mkdir -m 0700 '%s' && cp '%s' '%s/data.mdb'", dir, disk, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(uri, sizeof(uri), "lmdb:%s", dir);
	db = open_db(uri, NASMAC__DB_SYNC_FULL); /* another file: not tracked */
	assert_int_equal(nasmac__db_get(db, guti, &got), 0);
	nasmac__db_close(db);
	return got.ul_count;
}

static void pl_disarm(void)
{
	for (uint32_t i = 0; i < pl.n; i++)
		free(pl.w[i].data);
	pl.n = 0;
	pl.armed = 0;
	close(pl.disk);
}

/* One advance of UE `ue` to `count` that the store takes. */
static void advance1(struct nasmac__db *db, const struct nasmac__ue *ue, uint32_t count, int ok)
{
	struct nasmac__db_adv a;

	memset(&a, 0, sizeof(a));
	memcpy(a.guti, ue->guti, NASMAC__GUTI_LEN);
	a.count = count;
	assert_int_equal(nasmac__db_advance(db, &a, 1), 0);
	assert_int_equal(a.ok, ok);
}

/* What a power loss keeps of a commit in each --sync mode, and what the MME's pipelined full
 * mode costs: one flush per commit, and a commit is on the disk once the next commit or a
 * flush returned (when the MME answers). The model proves itself: the same commit is lost
 * when the power goes before that (the answer the MME holds back). */
static void test_lmdb_power_loss(void **state)
{
	struct nasmac__db_opts o = { .sync = NASMAC__DB_SYNC_FULL, .cap = 64, .pipelined = 1 };
	static const enum nasmac__db_sync modes[] = { NASMAC__DB_SYNC_FULL, NASMAC__DB_SYNC_NOMETA,
						       NASMAC__DB_SYNC_NONE };
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__ue ues[2];
	struct nasmac__db *db;
	char uri[160], disk[160], why[128];

	(void)state;
	make_ues(ues, 2);
	snprintf(disk, sizeof(disk), "%s/disk", tmp);
	/* LMDB's own modes, not pipelined: full keeps the commit (two flushes: the data pages,
	 * the meta page); nometasync and nosync may lose it. */
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(uri, sizeof(uri), "lmdb:%s/m%zu", tmp, i);
		db = open_db(uri, modes[i]);
		assert_int_equal(db->deferred, 0);
		memset(&st, 0, sizeof(st));
		assert_int_equal(nasmac__db_import(db, ues, 2, &st), 0);
		pl_arm(uri + 5, disk);
		advance1(db, &ues[0], 300, 1);
		assert_int_equal(pl_count_after_power_loss(disk, ues[0].guti),
				 modes[i] == NASMAC__DB_SYNC_FULL ? 300 : 261);
		assert_int_equal(pl.flushes, modes[i] == NASMAC__DB_SYNC_FULL ? 2 :
					     modes[i] == NASMAC__DB_SYNC_NOMETA ? 1 : 0);
		pl_disarm();
		nasmac__db_close(db);
	}

	/* Pipelined full (the MME's default). */
	snprintf(uri, sizeof(uri), "lmdb:%s/p", tmp);
	assert_int_equal(nasmac__db_open(uri, &o, &db, why, sizeof(why)), 0);
	assert_int_equal(db->deferred, 1);
	memset(&st, 0, sizeof(st));
	assert_int_equal(nasmac__db_import(db, ues, 2, &st), 0);
	pl_arm(uri + 5, disk);
	/* Commit 1, one flush: not on the disk yet (an answer sent now could be undone)... */
	advance1(db, &ues[0], 300, 1);
	assert_int_equal(pl.flushes, 1);
	assert_int_equal(pl_count_after_power_loss(disk, ues[0].guti), 261);
	/* ...until the next commit returned (one flush again): commit 1 is, commit 2 not yet. */
	advance1(db, &ues[1], 400, 1);
	assert_int_equal(pl.flushes, 2);
	assert_int_equal(pl_count_after_power_loss(disk, ues[0].guti), 300);
	assert_int_equal(pl_count_after_power_loss(disk, ues[1].guti), 262);
	/* A commit that changes nothing (a replay, refused) still flushes the one before. */
	advance1(db, &ues[0], 300, 0);
	assert_int_equal(pl.flushes, 3);
	assert_int_equal(pl_count_after_power_loss(disk, ues[1].guti), 400);
	/* A flush alone (nothing else to commit). */
	advance1(db, &ues[1], 401, 1);
	assert_int_equal(pl_count_after_power_loss(disk, ues[1].guti), 400);
	assert_int_equal(nasmac__db_flush(db), 0);
	assert_int_equal(pl_count_after_power_loss(disk, ues[1].guti), 401);
	pl_disarm();
	nasmac__db_close(db);
}

/* n UEs with distinct GUTIs, IMSIs and ids (n <= 10000), ul 1000. */
static struct nasmac__ue *make_many(uint32_t n)
{
	struct nasmac__ue *u = calloc(n, sizeof(*u));

	assert_non_null(u);
	make_ues(u, 1);
	for (uint32_t i = 0; i < n; i++) {
		u[i] = u[0];
		u[i].ue_id = 1000 + i;
		u[i].guti[8] = (uint8_t)(i >> 8);
		u[i].guti[9] = (uint8_t)i;
		snprintf(u[i].imsi + 10, 6, "%05u", i % 100000u);
		u[i].ul_count = 1000;
	}
	return u;
}

static struct nasmac__db *open_fold(const char *uri, uint32_t fold, enum nasmac__db_sync sync)
{
	struct nasmac__db_opts o = { .sync = sync, .cap = 4096, .log_fold = fold };
	struct nasmac__db *db = NULL;
	char why[128];

	assert_int_equal(nasmac__db_open(uri, &o, &db, why, sizeof(why)), 0);
	return db;
}

static int expect_cb(void *arg, const struct nasmac__ue *ue)
{
	const uint32_t *want = arg;

	assert_int_equal(ue->ul_count, want[ue->ue_id - 1000]);
	return 0;
}

/* lmdb's advance log (store_lmdb.c): the compare-and-set sees logged COUNTs, in a batch and
 * across batches, folds and reopens (with a smaller fold than the log holds: folded on the way),
 * a batch bigger than the log goes to the records; get and foreach see the logged COUNTs. */
static void test_lmdb_log(void **state)
{
	enum { N = 300 };
	struct nasmac__ue *u = make_many(N), got;
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv[80];
	uint32_t want[N];
	struct nasmac__db *db;
	char uri[160];

	(void)state;
	snprintf(uri, sizeof(uri), "lmdb:%s/log", tmp);
	db = open_fold(uri, 64, NASMAC__DB_SYNC_NONE);
	assert_int_equal(nasmac__db_import(db, u, N, &st), 0);
	for (uint32_t i = 0; i < N; i++)
		want[i] = 1000;
	for (uint32_t r = 1; r <= 400; r++) {
		uint32_t n = r == 30 ? 80 : r > 60 ? 9 : 5; /* 30: more than the fold: the records */

		/* Reopen: at 20 with a fold smaller than the log; from 40 on passes of 16
		 * records a commit (fold 32), which end and start again. */
		if (r == 20 || r == 40) {
			nasmac__db_close(db);
			db = open_fold(uri, r == 20 ? 2 : 32, NASMAC__DB_SYNC_NONE);
		}
		memset(adv, 0, sizeof(adv));
		for (uint32_t j = 0; j < n; j++) {
			uint32_t x = (r * 7 + j * 13) % N;

			memcpy(adv[j].guti, u[x].guti, NASMAC__GUTI_LEN);
			adv[j].count = 1000 + r;
		}
		/* The same UE twice: the lower second COUNT is refused, a stale one too. */
		adv[1] = adv[0];
		adv[1].count = 1000 + r - 1;
		memcpy(adv[2].guti, u[(r * 7 + 3) % N].guti, NASMAC__GUTI_LEN);
		adv[2].count = want[(r * 7 + 3) % N];
		assert_int_equal(nasmac__db_advance(db, adv, n), 0);
		for (uint32_t j = 0; j < n; j++) {
			uint32_t x = (uint32_t)(adv[j].guti[8] << 8 | adv[j].guti[9]);
			int fresh = nasmac__count_is_fresh(want[x], adv[j].count);

			assert_int_equal(adv[j].ok, fresh);
			if (fresh)
				want[x] = adv[j].count;
			assert_int_equal(adv[j].stored, want[x]);
		}
		if (r % 20 == 5)
			for (uint32_t x = 0; x < N; x += 37) {
				assert_int_equal(nasmac__db_get(db, u[x].guti, &got), 0);
				assert_int_equal(got.ul_count, want[x]);
			}
	}
	assert_int_equal(nasmac__db_foreach(db, expect_cb, want), 0);
	nasmac__db_close(db);
	db = open_fold(uri, 0, NASMAC__DB_SYNC_NONE);
	assert_int_equal(nasmac__db_foreach(db, expect_cb, want), 0);
	/* An import keeps the logged COUNTs (it folds them first). */
	memset(&st, 0, sizeof(st));
	assert_int_equal(nasmac__db_import(db, u, N, &st), 0);
	assert_int_equal(nasmac__db_foreach(db, expect_cb, want), 0);
	nasmac__db_close(db);
	free(u);
}

/* What a commit of 100 COUNTs of UEs spread over the store writes: a page or two with the log,
 * one leaf per UE when each record is rewritten (a batch bigger than the fold). */
static void test_lmdb_log_cost(void **state)
{
	enum { N = 2000, B = 100 };
	struct nasmac__ue *u = make_many(N);
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv[B];
	char uri[160], disk[160];
	uint64_t bytes[2];

	(void)state;
	snprintf(disk, sizeof(disk), "%s/disk", tmp);
	for (int k = 0; k < 2; k++) {
		struct nasmac__db *db;

		snprintf(uri, sizeof(uri), "lmdb:%s/cost%d", tmp, k);
		db = open_fold(uri, k ? B / 2 : 0, NASMAC__DB_SYNC_FULL);
		assert_int_equal(nasmac__db_import(db, u, N, &st), 0);
		pl_arm(uri + 5, disk);
		memset(adv, 0, sizeof(adv));
		for (uint32_t j = 0; j < B; j++) {
			memcpy(adv[j].guti, u[(j * 19) % N].guti, NASMAC__GUTI_LEN);
			adv[j].count = 1001;
		}
		assert_int_equal(nasmac__db_advance(db, adv, B), 0);
		for (uint32_t j = 0; j < B; j++)
			assert_int_equal(adv[j].ok, 1);
		bytes[k] = pl.bytes;
		pl_disarm();
		nasmac__db_close(db);
	}
	/* The log: the value, its leaf, the tree and free-list pages, the meta page. */
	assert_true(bytes[0] <= 8 * 4096);
	assert_true(bytes[1] >= 40 * 4096);
	free(u);
}

static void test_memory(void **state)
{
	struct nasmac__db *db = open_db("memory:", NASMAC__DB_SYNC_FULL);
	uint32_t r, n = 0;

	(void)state;
	assert_int_equal(db->durable, 0);
	check_semantics(db);
	assert_int_equal(nasmac__db_foreach(db, count_cb, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(nasmac__db_bump_restart(db, NULL, &r), 0);
	assert_int_equal(r, 1);
	nasmac__db_close(db);
}

static void test_lmdb_reopen(void **state)
{
	static const enum nasmac__db_sync modes[] = { NASMAC__DB_SYNC_FULL, NASMAC__DB_SYNC_NOMETA,
						       NASMAC__DB_SYNC_NONE };
	char uri[160], path[128];
	struct nasmac__ue ue, got;
	struct nasmac__db_adv adv;
	struct stat s;
	uint32_t r, n;

	(void)state;
	for (unsigned k = 0; k < 3; k++) {
		struct nasmac__db *db;

		/* The directory (and its missing parents) are created 0700, the files 0600. */
		snprintf(path, sizeof(path), "%s/m%u/store", tmp, k);
		snprintf(uri, sizeof(uri), "lmdb:%s", path);
		db = open_db(uri, modes[k]);
		assert_int_equal(db->durable, 1);
		check_semantics(db);
		assert_int_equal(nasmac__db_bump_restart(db, NULL, &r), 0);
		assert_int_equal(r, 1);
		nasmac__db_close(db);
		assert_int_equal(stat(path, &s), 0);
		assert_int_equal(s.st_mode & 0777, 0700);
		snprintf(path, sizeof(path), "%s/m%u/store/data.mdb", tmp, k);
		assert_int_equal(stat(path, &s), 0);
		assert_int_equal(s.st_mode & 0777, 0600);
		snprintf(path, sizeof(path), "%s/m%u", tmp, k);
		assert_int_equal(stat(path, &s), 0);
		assert_int_equal(s.st_mode & 0777, 0700);

		/* Reopened: every commit is there, and the counter goes on. */
		db = open_db(uri, modes[k]);
		make_ues(&ue, 1);
		assert_int_equal(nasmac__db_get(db, ue.guti, &got), 0);
		assert_int_equal(got.ul_count, 400);
		assert_int_equal(got.ksi, 3);
		n = 0;
		assert_int_equal(nasmac__db_foreach(db, count_cb, &n), 0);
		assert_int_equal(n, 4);
		memset(&adv, 0, sizeof(adv));
		memcpy(adv.guti, ue.guti, NASMAC__GUTI_LEN);
		adv.count = 400;
		assert_int_equal(nasmac__db_advance(db, &adv, 1), 0);
		assert_int_equal(adv.ok, 0);
		adv.count = 401;
		assert_int_equal(nasmac__db_advance(db, &adv, 1), 0);
		assert_int_equal(adv.ok, 1);
		assert_int_equal(nasmac__db_bump_restart(db, NULL, &r), 0);
		assert_int_equal(r, 2);
		nasmac__db_close(db);
		db = open_db(uri, modes[k]);
		assert_int_equal(nasmac__db_get(db, ue.guti, &got), 0);
		assert_int_equal(got.ul_count, 401);
		assert_int_equal(nasmac__db_bump_restart(db, NULL, &r), 0);
		assert_int_equal(r, 3);
		/* MMEs of a pool sharing the store: one counter each, each going on from the
		 * store's one (3) the first time, the store's own untouched. */
		assert_int_equal(nasmac__db_bump_restart(db, "001-01-8001-4a", &r), 0);
		assert_int_equal(r, 4);
		assert_int_equal(nasmac__db_bump_restart(db, "001-01-8001-4b", &r), 0);
		assert_int_equal(r, 4);
		assert_int_equal(nasmac__db_bump_restart(db, "001-01-8001-4a", &r), 0);
		assert_int_equal(r, 5);
		assert_int_equal(nasmac__db_bump_restart(db, NULL, &r), 0);
		assert_int_equal(r, 4);
		nasmac__db_close(db);
		db = open_db(uri, modes[k]);
		assert_int_equal(nasmac__db_bump_restart(db, "001-01-8001-4b", &r), 0);
		assert_int_equal(r, 5);
		nasmac__db_close(db);
	}
	explicit_bzero(&ue, sizeof(ue));
	explicit_bzero(&got, sizeof(got));
}

static void test_lmdb_modes(void **state)
{
	struct nasmac__db_opts o = { .cap = 16 };
	struct nasmac__db *db;
	char uri[160], path[128], why[128];
	struct stat s;
	FILE *f;

	(void)state;
	assert_int_equal(nasmac__db_open("nosuch:x", &o, &db, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "unknown store"));
	assert_int_equal(nasmac__db_open("lmdb", &o, &db, why, sizeof(why)), -EINVAL);
	assert_int_equal(nasmac__db_open("lmdb:", &o, &db, why, sizeof(why)), -EINVAL);
	assert_int_equal(nasmac__db_open("memory:x", &o, &db, why, sizeof(why)), -EINVAL);
	/* A file where the directory should be. */
	snprintf(path, sizeof(path), "%s/afile", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(uri, sizeof(uri), "lmdb:%s", path);
	assert_true(nasmac__db_open(uri, &o, &db, why, sizeof(why)) < 0);
	/* An existing directory others can read opens (with a warning); its files get 0600. */
	snprintf(path, sizeof(path), "%s/open", tmp);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(uri, sizeof(uri), "lmdb:%s", path);
	assert_int_equal(nasmac__db_open(uri, &o, &db, why, sizeof(why)), 0);
	nasmac__db_close(db);
	snprintf(path, sizeof(path), "%s/open/data.mdb", tmp);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(nasmac__db_open(uri, &o, &db, why, sizeof(why)), 0);
	nasmac__db_close(db);
	assert_int_equal(stat(path, &s), 0);
	assert_int_equal(s.st_mode & 0777, 0600);
	enum nasmac__db_sync sy;
	assert_int_equal(nasmac__db_parse_sync("full", &sy), 0);
	assert_int_equal(sy, NASMAC__DB_SYNC_FULL);
	assert_int_equal(nasmac__db_parse_sync("nometasync", &sy), 0);
	assert_int_equal(sy, NASMAC__DB_SYNC_NOMETA);
	assert_int_equal(nasmac__db_parse_sync("nosync", &sy), 0);
	assert_int_equal(sy, NASMAC__DB_SYNC_NONE);
	assert_int_equal(nasmac__db_parse_sync("sometimes", &sy), -EINVAL);
}

/* A UE re-provisioned under a new GUTI: one record remains; with the same K_ASME its COUNT
 * carries over (a new GUTI must not bring a used COUNT back), with a new K_ASME it is a new
 * context. */
static void test_lmdb_new_guti(void **state)
{
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv;
	struct nasmac__ue ue, got;
	struct nasmac__db *db;
	char uri[160];
	uint32_t n = 0;

	(void)state;
	snprintf(uri, sizeof(uri), "lmdb:%s/guti", tmp);
	db = open_db(uri, NASMAC__DB_SYNC_NONE);
	make_ues(&ue, 1);
	assert_int_equal(nasmac__db_import(db, &ue, 1, &st), 0);
	memset(&adv, 0, sizeof(adv));
	memcpy(adv.guti, ue.guti, NASMAC__GUTI_LEN);
	adv.count = 300;
	assert_int_equal(nasmac__db_advance(db, &adv, 1), 0);
	assert_int_equal(adv.ok, 1);
	ue.guti[9] = 0x55;
	assert_int_equal(nasmac__db_import(db, &ue, 1, &st), 0);
	assert_int_equal(nasmac__db_get(db, adv.guti, &got), -ENOENT);
	assert_int_equal(nasmac__db_get(db, ue.guti, &got), 0);
	assert_int_equal(got.ul_count, 300);
	assert_int_equal(nasmac__db_get_id(db, ue.ue_id, &got), 0);
	assert_memory_equal(got.guti, ue.guti, NASMAC__GUTI_LEN);
	ue.guti[9] = 0x66;
	ue.kasme[0] ^= 1;
	ue.ul_count = 5;
	assert_int_equal(nasmac__db_import(db, &ue, 1, &st), 0);
	assert_int_equal(nasmac__db_get(db, ue.guti, &got), 0);
	assert_int_equal(got.ul_count, 5);
	assert_int_equal(nasmac__db_foreach(db, count_cb, &n), 0);
	assert_int_equal(n, 1);
	nasmac__db_close(db);
	explicit_bzero(&ue, sizeof(ue));
	explicit_bzero(&got, sizeof(got));
}

static int read_db(const char *path, uint32_t *n, struct nasmac__ue_db_err *err)
{
	*n = 0;
	return nasmac__ue_db_read(path, count_cb, n, err);
}

static void test_loader(void **state)
{
	struct nasmac__ue_db_err err;
	char path[128], longc[700];
	uint32_t n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/ue.db", tmp);
	/* A comment longer than the 511-character line buffer is still one comment. */
	memset(longc, 'x', sizeof(longc));
	longc[0] = '#';
	memcpy(longc + 300, " ue id=1 ", 9);
	longc[sizeof(longc) - 1] = '\0';
	f = fopen(path, "w");
	fprintf(f, "%s\n  %s\n%s", longc, longc, fx_ue_line);
	fclose(f);
	assert_int_equal(read_db(path, &n, &err), 0);
	assert_int_equal(n, 1);
	/* Any other long line is refused with its number. */
	f = fopen(path, "w");
	fprintf(f, "# db\nue id=1 %s\n", longc + 1);
	fclose(f);
	assert_int_equal(read_db(path, &n, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "line 2: longer than"));
	/* Tab-separated fields (and a tab before "ue") are accepted. */
	f = fopen(path, "w");
	for (const char *p = fx_ue_line; *p; p++)
		fputc(*p == ' ' ? '\t' : *p, f);
	fputs("\t\tue\tid=8\timsi=001010000000008\tguti=00f11080010ac0000008\tksi=2\t"
	      "kasme=d5ef4d8f33266902295d42f322a2f2cf11fb2ccc124c09b4d88d361597037990\teia=1\t"
	      "ul=1\n", f);
	fclose(f);
	assert_int_equal(read_db(path, &n, &err), 0);
	assert_int_equal(n, 2);
	/* A bad field is named. */
	f = fopen(path, "w");
	fputs("ue id=1 imsi=001010000000008 guti=00f11080010ac0000008 eia=9 ul=1\n", f);
	fclose(f);
	assert_int_equal(read_db(path, &n, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "field 'eia'"));
	f = fopen(path, "w");
	fputs("ue id=1 imsi=001010000000008 guti=00f11080010ac0000008 eia=1 ul=1\n", f);
	fclose(f);
	assert_int_equal(read_db(path, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "field 'kasme' missing"));
	/* Not a regular file: refused at once, saying what it is. */
	assert_int_equal(read_db("/dev/zero", &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "character device"));
	assert_int_equal(read_db(tmp, &n, &err), -EISDIR);
	assert_non_null(strstr(err.msg, "directory"));
	assert_int_equal(read_db("/nonexistent0", &n, &err), -ENOENT);
	assert_string_equal(err.msg, strerror(ENOENT));
	assert_int_equal(err.line, 0);
}

static void test_private_files(void **state)
{
	char path[128];
	struct stat s;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/keys", tmp);
	f = fopen(path, "w");
	fclose(f);
	assert_int_equal(chmod(path, 0644), 0);
	f = nasmac__fopen_private(path);
	assert_non_null(f);
	fclose(f);
	assert_int_equal(stat(path, &s), 0);
	assert_int_equal(s.st_mode & 0777, 0600);
	unlink(path);
	f = nasmac__fopen_private(path);
	assert_non_null(f);
	fclose(f);
	assert_int_equal(stat(path, &s), 0);
	assert_int_equal(s.st_mode & 0777, 0600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory),	    cmocka_unit_test(test_lmdb_reopen),
		cmocka_unit_test(test_lmdb_modes),  cmocka_unit_test(test_loader),
		cmocka_unit_test(test_private_files), cmocka_unit_test(test_lmdb_new_guti),
		cmocka_unit_test(test_lmdb_power_loss), cmocka_unit_test(test_lmdb_log),
		cmocka_unit_test(test_lmdb_log_cost),
	};
	nasmac__log_init("test", NASMAC__LOG_ERR);
	return cmocka_run_group_tests_name("host_db", tests, setup, teardown);
}
