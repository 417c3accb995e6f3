/* The MME's durable store (host/common/store.h) on each backend: a COUNT never moves
 * backwards (advance refuses, import keeps the higher one), a reopened lmdb store sees every
 * commit, the restart counter grows, the store directory is 0700 and its files 0600; and the
 * UE db loader's refusals (a comment of any length, tabs, devices, directories, reasons). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host.h"
#include "store.h"

static const char line1[] =
	"ue id=7 imsi=001010000000007 guti=00f11080010ac0000007 ksi=2 "
	"kasme=d5ef4d8f33266902295d42f322a2f2cf11fb2ccc124c09b4d88d361597037990 eia=1 eea=0 "
	"ul=261 dl=9 upgraded=1 kamf_by_mme=0 echo5g=1\n";

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/nasmac-test-db-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) ? -1 : 0;
}

/* n UEs made from line1: ue_id 7 + i, GUTI and IMSI ending in i, ul 261 + i. */
static void make_ues(struct nasmac__ue *ues, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(nasmac__ue_parse(line1, &ues[i]), 0);
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

static int count_cb(void *arg, const struct nasmac__ue *ue)
{
	(void)ue;
	(*(uint32_t *)arg)++;
	return 0;
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
	assert_int_equal(nasmac__db_bump_restart(db, &r), 0);
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
		assert_int_equal(nasmac__db_bump_restart(db, &r), 0);
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
		assert_int_equal(nasmac__db_bump_restart(db, &r), 0);
		assert_int_equal(r, 2);
		nasmac__db_close(db);
		db = open_db(uri, modes[k]);
		assert_int_equal(nasmac__db_get(db, ue.guti, &got), 0);
		assert_int_equal(got.ul_count, 401);
		assert_int_equal(nasmac__db_bump_restart(db, &r), 0);
		assert_int_equal(r, 3);
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

static int n_cb(void *arg, const struct nasmac__ue *ue)
{
	(void)ue;
	(*(uint32_t *)arg)++;
	return 0;
}

static int read_db(const char *path, uint32_t *n, struct nasmac__ue_db_err *err)
{
	*n = 0;
	return nasmac__ue_db_read(path, n_cb, n, err);
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
	fprintf(f, "%s\n  %s\n%s", longc, longc, line1);
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
	for (const char *p = line1; *p; p++)
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
	};
	nasmac__log_init("test", NASMAC__LOG_ERR);
	return cmocka_run_group_tests_name("host_db", tests, setup, teardown);
}
