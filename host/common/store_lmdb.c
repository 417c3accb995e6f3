/* "lmdb:DIR": the store on LMDB (liblmdb, Debian liblmdb-dev). Four named databases in one
 * environment: "ue" (GUTI -> the record of store_db.c), "id" (UE id, 8 octets big-endian ->
 * GUTI), "log" (COUNT advances not yet folded into "ue", below) and "meta" ("version",
 * "restart" and "restart:<MME>" per MME sharing the store, "logseq"). Copy-on-write B+trees with a two-meta-page commit:
 * a commit is all or nothing, whatever kills the process, and readers in other processes see
 * only committed states. Without MDB_WRITEMAP a commit writes its pages with pwrite(): once
 * mdb_txn_commit() returned they are in the page cache, so a kill -9 of the process right
 * after loses nothing in any --sync mode; only a power loss or kernel crash depends on it
 * (host/README.md, "Persistence"). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lmdb.h>

#include "store.h"

/* 2: the advance log. A store of version 1 (no log) is upgraded on open; a build that knows only
 * version 1 refuses a version 2 store (it would not see the logged COUNTs). */
#define DB_VERSION 2u

/*
 * The advance log. A group commit that rewrote each UE's record would copy, write and flush one
 * 4 KiB B-tree leaf per COUNT (the GUTIs of a batch are spread over the whole tree): ~120 pages
 * for a batch of 120. Instead a commit appends its advances to "log" as one value (seq, 8 octets
 * big-endian -> n x (GUTI, COUNT little-endian)), 1 or 2 pages, and a COUNT's truth is the higher
 * of its record's and of the log's entries for it. Once the log holds `fold` advances, a fold
 * pass starts: it notes the log's last seq and takes the GUTIs the log names (those of ov, below),
 * sorted in the records' order (memcmp: LMDB's key order); each commit then also folds the next
 * few of them into their records (the highest COUNT ov has); when the list is done, every log
 * entry up to the noted seq is in the records and is deleted, and meta "logseq" becomes that
 * seq. The work is the log's GUTIs, not the store's records (a walk of every record cost 15 per
 * advance at 1M UEs), and in key order a leaf is written once per pass however many of its UEs
 * advanced, spread over many commits (a fold in one commit stalled the answers for 100s of ms
 * under a loaded disk). A log twice the fold (a pass that cannot keep up) is folded at once.
 *
 * Each handle keeps the log's entries in `ov` (GUTI -> highest COUNT logged), read inside each
 * write transaction from where it last read (other processes on the same store append too), so
 * that the compare-and-set of an advance costs one lookup. A fold by anyone changes "logseq":
 * the handle then drops `ov` and reads the log afresh.
 */
#define LOG_ENT 14u /* GUTI, COUNT */
/* A pass folds at most 2 GUTIs per advance (fold_step) and rewrites each changed leaf once per
 * fold / 2 advances or so: 131072 (ov 8 MiB, the pass list 5 MiB) against 32768 halves the
 * leaves written at 50,000 UEs (liblmdb was 7.5 % of the MME's CPU under bench e2e, perf). */
#define FOLD_DEFAULT 131072u
#define OV_AHEAD 8u /* ov slots prefetched ahead of their probe */

struct ov_slot {
	uint8_t guti[NASMAC__GUTI_LEN];
	uint8_t used;
	uint32_t count;
};

struct lm {
	MDB_env *env;
	MDB_dbi ue, id, meta, log;
	int deferred; /* --sync full, pipelined: MDB_NOMETASYNC and the caller's next flush */
	uint32_t fold;     /* log entries that trigger a fold */
	struct ov_slot *ov;
	uint32_t ov_mask, log_n; /* log_n: entries read into ov (all of the log) */
	uint32_t ov_used;
	uint64_t logseq;         /* meta "logseq" when ov was built; UINT64_MAX: rebuild */
	uint64_t seen;           /* the last log seq read into ov */
	uint8_t *buf;            /* one commit's log value */
	uint32_t buf_cap;        /* in entries */
	/* The fold pass under way (this handle's; dropped when ov is rebuilt, which never happens
	 * while ov's slots are those the list was taken from). */
	int pass;
	uint64_t pass_seq; /* log entries up to it are folded when the list is done */
	uint8_t (*list)[NASMAC__GUTI_LEN]; /* the log's GUTIs at the pass start, sorted */
	uint8_t (*tmp)[NASMAC__GUTI_LEN];  /* the sort's other buffer */
	uint32_t list_n, list_at;          /* list_at: the next to fold */
};

static int mdb_err(const char *what, const char *where, int rc)
{
	nasmac__log(NASMAC__LOG_ERR, "store %s: %s: %s", where, what, mdb_strerror(rc));
	return rc > 0 ? -rc : -EIO;
}

/* mkdir -p, each missing component 0700. */
static int mkdirs(const char *dir)
{
	char p[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, dir, n + 1);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* The directory and the files in it hold K_ASME: only their owner may read them. */
static int check_private(const char *dir)
{
	static const char *const files[] = { "data.mdb", "lock.mdb" };
	char path[PATH_MAX];
	struct stat s;

	if (stat(dir, &s))
		return -errno;
	if (!S_ISDIR(s.st_mode)) {
		nasmac__log(NASMAC__LOG_ERR, "store lmdb:%s: not a directory", dir);
		return -ENOTDIR;
	}
	if (s.st_mode & 077)
		nasmac__log(NASMAC__LOG_WARN,
			    "store lmdb:%s: directory mode %03o lets others in; it holds UE keys "
			    "(chmod 0700)",
			    dir, (unsigned)(s.st_mode & 0777));
	if (s.st_uid != geteuid())
		nasmac__log(NASMAC__LOG_WARN, "store lmdb:%s: owned by uid %u, not by this process",
			    dir, (unsigned)s.st_uid);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (!stat(path, &s) && (s.st_mode & 077) && chmod(path, 0600) == 0)
			nasmac__log(NASMAC__LOG_WARN, "store lmdb:%s: %s was mode %03o, now 0600",
				    dir, files[i], (unsigned)(s.st_mode & 0777));
	}
	return 0;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int b = 0; b < 4; b++)
		p[b] = (uint8_t)(v >> (8 * b));
}

static uint32_t ov_hash(const uint8_t *guti)
{
	uint32_t h = 2166136261u;

	for (unsigned k = 0; k < NASMAC__GUTI_LEN; k++)
		h = (h ^ guti[k]) * 16777619u;
	return h;
}

/* The slot of a GUTI in a table of mask + 1 slots (at most half full): its own, or a free one.
 * h: ov_hash(guti). */
static struct ov_slot *ov_slot_h(struct ov_slot *t, uint32_t mask, const uint8_t *guti, uint32_t h)
{
	for (uint32_t i = h & mask;; i = (i + 1) & mask)
		if (!t[i].used || !memcmp(t[i].guti, guti, NASMAC__GUTI_LEN))
			return &t[i];
}

static struct ov_slot *ov_slot(struct ov_slot *t, uint32_t mask, const uint8_t *guti)
{
	return ov_slot_h(t, mask, guti, ov_hash(guti));
}

/* The table is megabytes and each GUTI lands anywhere in it: a probe is a cache miss (5 % of
 * the MME's CPU under bench e2e with lmdb). Touched ahead of use, the misses overlap. */
static void ov_prefetch(const struct ov_slot *t, uint32_t mask, uint32_t h)
{
	__builtin_prefetch(&t[h & mask]);
}

/* One log entry into a table; -1 when it would make the table more than half full. */
static int ov_merge1(struct ov_slot *t, uint32_t mask, uint32_t *used, const uint8_t *p)
{
	struct ov_slot *s = ov_slot(t, mask, p);
	uint32_t c = get_le32(p + NASMAC__GUTI_LEN) & NASMAC__COUNT_MASK;

	if (!s->used) {
		if (*used >= (mask + 1) / 2)
			return -1;
		memcpy(s->guti, p, NASMAC__GUTI_LEN);
		s->used = 1;
		s->count = c;
		(*used)++;
	} else if (nasmac__count_is_fresh(s->count, c)) {
		s->count = c;
	}
	return 0;
}

static uint64_t meta_u64(struct lm *l, MDB_txn *txn, const char *key)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	uint64_t r = 0;

	if (!mdb_get(txn, l->meta, &k, &v) && v.mv_size == sizeof(r))
		memcpy(&r, v.mv_data, sizeof(r));
	return r;
}

static void ov_clear(struct lm *l)
{
	memset(l->ov, 0, (size_t)(l->ov_mask + 1) * sizeof(*l->ov));
	l->ov_used = 0;
	l->log_n = 0;
}

/* One logged COUNT into its record, if higher (*wrote counts the records written); a UE gone
 * since (its GUTI changed) is skipped. rec: the caller's buffer, wiped by it. */
static int fold_one(MDB_cursor *c, const uint8_t *guti, uint32_t count,
		    uint8_t rec[NASMAC__DB_REC_LEN], uint32_t *wrote)
{
	MDB_val k = { NASMAC__GUTI_LEN, (void *)guti }, v;
	int rc = mdb_cursor_get(c, &k, &v, MDB_SET);

	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc || v.mv_size != NASMAC__DB_REC_LEN)
		return rc ? rc : MDB_CORRUPTED;
	if (!nasmac__count_is_fresh(get_le32((const uint8_t *)v.mv_data + 68) & NASMAC__COUNT_MASK,
				    count))
		return 0;
	memcpy(rec, v.mv_data, NASMAC__DB_REC_LEN);
	put_le32(rec + 68, count);
	v.mv_size = NASMAC__DB_REC_LEN;
	v.mv_data = rec;
	(*wrote)++;
	return mdb_cursor_put(c, &k, &v, MDB_CURRENT);
}

/* ov's COUNTs into the records (each record takes a higher one); ov is emptied. */
static int ov_to_records(struct lm *l, MDB_txn *txn)
{
	uint8_t rec[NASMAC__DB_REC_LEN];
	MDB_cursor *c;
	uint32_t wrote = 0;
	int rc = mdb_cursor_open(txn, l->ue, &c);

	if (rc)
		return rc;
	for (uint32_t i = 0; i <= l->ov_mask && !rc; i++)
		if (l->ov[i].used)
			rc = fold_one(c, l->ov[i].guti, l->ov[i].count, rec, &wrote);
	mdb_cursor_close(c);
	explicit_bzero(rec, sizeof(rec));
	if (!rc)
		ov_clear(l);
	return rc;
}

/* The fold: ov (caught up: the whole log) into the records, the log emptied, "logseq" the last
 * seq folded. */
static int log_fold(struct lm *l, MDB_txn *txn)
{
	MDB_val mk = { 6, (void *)"logseq" }, mv = { sizeof(l->seen), &l->seen };
	int rc = ov_to_records(l, txn);

	if (!rc)
		rc = mdb_drop(txn, l->log, 0);
	if (!rc)
		rc = mdb_put(txn, l->meta, &mk, &mv, 0);
	if (!rc)
		l->logseq = l->seen;
	l->pass = 0;
	return rc;
}

/* The GUTIs of ov (all of the log) into l->list in the records' order: an LSD radix sort, one
 * stable counting pass per octet from the last, the octets every GUTI shares skipped (PLMN,
 * MMEGI, MMEC: usually 4 passes over the M-TMSI). Linear: a few ms once per pass at 131072 (perf:
 * 0.6 % of bench_store_fold at 1M UEs). */
static void pass_list(struct lm *l)
{
	uint8_t(*a)[NASMAC__GUTI_LEN] = l->list;
	uint8_t(*b)[NASMAC__GUTI_LEN] = l->tmp;
	uint8_t(*t)[NASMAC__GUTI_LEN];
	uint32_t n = 0, cnt[256];

	for (uint32_t i = 0; i <= l->ov_mask; i++)
		if (l->ov[i].used)
			memcpy(a[n++], l->ov[i].guti, NASMAC__GUTI_LEN);
	for (int byte = NASMAC__GUTI_LEN - 1; byte >= 0 && n > 1; byte--) {
		uint32_t sum = 0;

		memset(cnt, 0, sizeof(cnt));
		for (uint32_t i = 0; i < n; i++)
			cnt[a[i][byte]]++;
		if (cnt[a[0][byte]] == n)
			continue; /* one value: this octet orders nothing */
		for (int v = 0; v < 256; v++) {
			uint32_t c = cnt[v];

			cnt[v] = sum;
			sum += c;
		}
		for (uint32_t i = 0; i < n; i++)
			memcpy(b[cnt[a[i][byte]]++], a[i], NASMAC__GUTI_LEN);
		t = a;
		a = b;
		b = t;
	}
	if (a != l->list)
		memcpy(l->list, a, (size_t)n * NASMAC__GUTI_LEN);
	l->list_n = n;
	l->list_at = 0;
}

/* One step of the fold pass: the next GUTIs of the list take the higher COUNT ov has for them;
 * at the end of the list, the log up to pass_seq is deleted and ov rebuilt from the rest. */
static int log_catch_up(struct lm *l, MDB_txn *txn);

static int fold_step(struct lm *l, MDB_txn *txn, uint32_t n, uint32_t *wrote)
{
	/* Fast enough that the log grows by at most fold / 2 during the pass (this commit's n
	 * advances fold their share of the list: at most 2 each, the list being at most the
	 * 2 x fold entries the log holds); proportional to the advances, whatever the store
	 * holds. */
	uint64_t walk = (uint64_t)l->list_n * n * 2 / l->fold + 1;
	uint32_t end = l->list_n - l->list_at < walk ? l->list_n : l->list_at + (uint32_t)walk;
	uint8_t rec[NASMAC__DB_REC_LEN], key[8];
	MDB_val k, v;
	MDB_val mk = { 6, (void *)"logseq" }, mv = { sizeof(l->pass_seq), &l->pass_seq };
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, l->ue, &c);

	if (rc)
		return rc;
	for (uint32_t i = l->list_at; i < end && i < l->list_at + OV_AHEAD; i++)
		ov_prefetch(l->ov, l->ov_mask, ov_hash(l->list[i]));
	for (uint32_t i = l->list_at; i < end && !rc; i++) {
		const struct ov_slot *o;

		if (i + OV_AHEAD < end)
			ov_prefetch(l->ov, l->ov_mask, ov_hash(l->list[i + OV_AHEAD]));
		o = ov_slot(l->ov, l->ov_mask, l->list[i]);
		if (o->used)
			rc = fold_one(c, l->list[i], o->count, rec, wrote);
	}
	mdb_cursor_close(c);
	explicit_bzero(rec, sizeof(rec));
	if (rc)
		return rc;
	l->list_at = end;
	if (end < l->list_n)
		return 0;
	/* The list is done: the log up to pass_seq is in the records. */
	rc = mdb_cursor_open(txn, l->log, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); !rc; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != sizeof(key) || get_be64(k.mv_data) > l->pass_seq)
			break;
		rc = mdb_cursor_del(c, 0);
		if (rc)
			break;
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	rc = mdb_put(txn, l->meta, &mk, &mv, 0);
	if (rc)
		return rc;
	(*wrote)++;
	l->pass = 0;
	l->logseq = UINT64_MAX; /* ov anew: what is left of the log */
	return log_catch_up(l, txn);
}

/* Brings ov up to the log as this transaction sees it (in a write transaction). A log too big
 * for ov (written with a larger fold setting) is folded on the way. */
static int log_catch_up(struct lm *l, MDB_txn *txn)
{
	uint64_t logseq = meta_u64(l, txn, "logseq");
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v;
	MDB_cursor *c;
	int rc, spilled = 0;

	if (logseq != l->logseq) {
		ov_clear(l);
		l->logseq = logseq;
		l->seen = logseq;
		l->pass = 0;
	}
	rc = mdb_cursor_open(txn, l->log, &c);
	if (rc)
		return rc;
	put_be64(key, l->seen + 1);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const uint8_t *p = v.mv_data;

		if (k.mv_size != 8 || v.mv_size % LOG_ENT) {
			rc = MDB_CORRUPTED;
			break;
		}
		for (size_t i = 0; i < v.mv_size && !rc; i += LOG_ENT) {
			if (ov_merge1(l->ov, l->ov_mask, &l->ov_used, p + i)) {
				rc = ov_to_records(l, txn);
				spilled = 1;
				if (!rc)
					rc = ov_merge1(l->ov, l->ov_mask, &l->ov_used, p + i);
			}
			l->log_n++;
		}
		if (rc)
			break;
		l->seen = get_be64(k.mv_data);
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc;
	return spilled ? log_fold(l, txn) : 0;
}

/* The list holds GUTIs, not keys; the log's buffer (COUNTs and GUTIs) neither: freed as is. */
static void lm_free(struct lm *l)
{
	free(l->ov);
	free(l->buf);
	free(l->list);
	free(l->tmp);
	free(l);
}

static int lm_open(struct nasmac__db *db, const char *dir, const struct nasmac__db_opts *o)
{
	struct lm *l;
	MDB_txn *txn;
	MDB_val k = { 7, (void *)"version" }, v;
	unsigned flags = 0;
	size_t map = (size_t)1 << 30;
	uint32_t ver = DB_VERSION;
	int rc;

	if (!dir[0])
		return -EINVAL;
	rc = mkdirs(dir);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "store lmdb:%s: cannot create the directory: %s", dir,
			    strerror(-rc));
		return rc;
	}
	rc = check_private(dir);
	if (rc)
		return rc;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	/* ov at most half full: the log is folded before it holds more than `fold` entries, and a
	 * commit of more advances than that writes the records directly. */
	l->fold = o->log_fold ? o->log_fold : FOLD_DEFAULT;
	l->ov_mask = 15;
	while (l->ov_mask + 1 < 4 * l->fold)
		l->ov_mask = 2 * l->ov_mask + 1;
	l->ov = calloc((size_t)l->ov_mask + 1, sizeof(*l->ov));
	l->buf_cap = l->fold;
	l->buf = malloc((size_t)l->buf_cap * LOG_ENT);
	/* A pass's list: every GUTI ov can hold (at most half its slots). */
	l->list = malloc((size_t)(l->ov_mask + 1) / 2 * NASMAC__GUTI_LEN);
	l->tmp = malloc((size_t)(l->ov_mask + 1) / 2 * NASMAC__GUTI_LEN);
	l->logseq = UINT64_MAX;
	if (!l->ov || !l->buf || !l->list || !l->tmp) {
		lm_free(l);
		return -ENOMEM;
	}
	/* A record and its index entries take ~250 octets of pages; the map is address space,
	 * the file grows as it fills. */
	if ((size_t)o->cap * 1024u > map)
		map = (size_t)o->cap * 1024u;
	/* --sync full for a caller that pipelines (store.h, opts.pipelined): LMDB's full commit
	 * flushes twice (the data pages, then the meta page that makes them the current state).
	 * With MDB_NOMETASYNC it flushes the data pages, writes the meta page and returns; the
	 * next commit's data flush, or lm_flush(), carries that meta page to the disk too. The
	 * caller answers for a commit only after that, so each answer still waits for both
	 * flushes, and a stream of commits costs one flush each (host/README.md, Persistence). */
	l->deferred = o->sync == NASMAC__DB_SYNC_FULL && o->pipelined;
	if (o->sync == NASMAC__DB_SYNC_NOMETA || l->deferred)
		flags |= MDB_NOMETASYNC;
	else if (o->sync == NASMAC__DB_SYNC_NONE)
		flags |= MDB_NOSYNC;
	rc = mdb_env_create(&l->env);
	if (rc)
		goto out_err;
	if ((rc = mdb_env_set_maxdbs(l->env, 4)) || (rc = mdb_env_set_mapsize(l->env, map)) ||
	    (rc = mdb_env_open(l->env, dir, flags, 0600))) {
		rc = mdb_err("cannot open", db->where, rc);
		goto out_close;
	}
	/* Reader slots left by a process that was killed. */
	(void)mdb_reader_check(l->env, NULL);
	rc = mdb_txn_begin(l->env, NULL, 0, &txn);
	if (rc) {
		rc = mdb_err("cannot begin", db->where, rc);
		goto out_close;
	}
	if ((rc = mdb_dbi_open(txn, "ue", MDB_CREATE, &l->ue)) ||
	    (rc = mdb_dbi_open(txn, "id", MDB_CREATE, &l->id)) ||
	    (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &l->meta)) ||
	    (rc = mdb_dbi_open(txn, "log", MDB_CREATE, &l->log))) {
		mdb_txn_abort(txn);
		rc = mdb_err("cannot open the databases", db->where, rc);
		goto out_close;
	}
	rc = mdb_get(txn, l->meta, &k, &v);
	if (rc == MDB_NOTFOUND || (!rc && v.mv_size == sizeof(ver) && get_le32(v.mv_data) == 1)) {
		/* New, or version 1 (no log yet): now version 2. */
		v.mv_size = sizeof(ver);
		v.mv_data = &ver;
		rc = mdb_put(txn, l->meta, &k, &v, 0);
	} else if (!rc && (v.mv_size != sizeof(ver) || memcmp(v.mv_data, &ver, sizeof(ver)))) {
		mdb_txn_abort(txn);
		nasmac__log(NASMAC__LOG_ERR, "store lmdb:%s: another store format (not version %u)",
			    dir, DB_VERSION);
		rc = -EPROTO;
		goto out_close;
	}
	if (!rc)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (rc) {
		rc = mdb_err("cannot initialise", db->where, rc);
		goto out_close;
	}
	db->priv = l;
	db->durable = 1;
	db->deferred = l->deferred;
	return 0;

out_close:
	mdb_env_close(l->env);
out_err:
	lm_free(l);
	return rc > 0 ? -rc : rc < 0 ? rc : -EIO;
}

/* A UE's record with the highest COUNT the log holds for it (a scan of the log: lookups by
 * GUTI are not on the request path, which reads ov). */
static int lm_get_txn(struct lm *l, MDB_txn *txn, const uint8_t *guti, struct nasmac__ue *out)
{
	MDB_val k = { NASMAC__GUTI_LEN, (void *)guti }, v;
	MDB_cursor *c;
	int rc = mdb_get(txn, l->ue, &k, &v);

	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	if (rc)
		return -EIO;
	rc = nasmac__db_rec_decode(v.mv_data, v.mv_size, out);
	if (rc || mdb_cursor_open(txn, l->log, &c))
		return rc ? rc : -EIO;
	while (!(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))) {
		const uint8_t *p = v.mv_data;

		for (size_t i = 0; i + LOG_ENT <= v.mv_size; i += LOG_ENT) {
			uint32_t cnt = get_le32(p + i + NASMAC__GUTI_LEN) & NASMAC__COUNT_MASK;

			if (!memcmp(p + i, guti, NASMAC__GUTI_LEN) &&
			    nasmac__count_is_fresh(out->ul_count, cnt))
				out->ul_count = cnt;
		}
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : -EIO;
}

static int lm_get(struct nasmac__db *db, const uint8_t guti[NASMAC__GUTI_LEN],
		  struct nasmac__ue *out)
{
	struct lm *l = db->priv;
	MDB_txn *txn;
	int rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn);

	if (rc)
		return -EIO;
	rc = lm_get_txn(l, txn, guti, out);
	mdb_txn_abort(txn);
	return rc;
}

static int lm_get_id(struct nasmac__db *db, uint64_t id, struct nasmac__ue *out)
{
	struct lm *l = db->priv;
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v;
	MDB_txn *txn;
	int rc;

	put_be64(key, id);
	rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return -EIO;
	rc = mdb_get(txn, l->id, &k, &v);
	if (rc == MDB_NOTFOUND)
		rc = -ENOENT;
	else if (rc || v.mv_size != NASMAC__GUTI_LEN)
		rc = -EIO;
	else
		rc = lm_get_txn(l, txn, v.mv_data, out);
	mdb_txn_abort(txn);
	return rc;
}

/* A UE whose record now names another GUTI (reallocated since the last import): its old record
 * goes, and when it is the same security context (same K_ASME) its uplink COUNT carries over to
 * the new record, so that a new GUTI cannot bring a used COUNT back. */
static int drop_old_guti(struct lm *l, MDB_txn *txn, const struct nasmac__ue *in,
			 struct nasmac__ue *carry, int *have_carry)
{
	uint8_t key[8], old[NASMAC__GUTI_LEN];
	MDB_val ik = { sizeof(key), key }, v, gk = { NASMAC__GUTI_LEN, old };
	int rc;

	*have_carry = 0;
	put_be64(key, in->ue_id);
	rc = mdb_get(txn, l->id, &ik, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc || v.mv_size != NASMAC__GUTI_LEN)
		return rc ? rc : MDB_CORRUPTED;
	if (!memcmp(v.mv_data, in->guti, NASMAC__GUTI_LEN))
		return 0;
	memcpy(old, v.mv_data, NASMAC__GUTI_LEN);
	if (!lm_get_txn(l, txn, old, carry) && !memcmp(carry->kasme, in->kasme, 32))
		*have_carry = 1;
	rc = mdb_del(txn, l->ue, &gk, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int lm_import(struct nasmac__db *db, const struct nasmac__ue *ues, uint32_t n,
		     struct nasmac__db_import_stats *st)
{
	struct lm *l = db->priv;
	struct nasmac__ue cur, carry;
	uint8_t rec[NASMAC__DB_REC_LEN], key[8];
	MDB_txn *txn;
	int rc = mdb_txn_begin(l->env, NULL, 0, &txn), have_carry;

	if (rc)
		return mdb_err("import", db->where, rc);
	/* The records hold every COUNT before they are merged with the provisioning ones. */
	if ((rc = log_catch_up(l, txn)) || (rc = log_fold(l, txn))) {
		l->logseq = UINT64_MAX;
		mdb_txn_abort(txn);
		return mdb_err("import", db->where, rc);
	}
	for (uint32_t i = 0; i < n && !rc; i++) {
		MDB_val k = { NASMAC__GUTI_LEN, (void *)ues[i].guti };
		MDB_val v = { sizeof(rec), rec }, ik = { sizeof(key), key };

		rc = drop_old_guti(l, txn, &ues[i], &carry, &have_carry);
		if (rc) {
			rc = mdb_err("import", db->where, rc);
			break;
		}
		rc = lm_get_txn(l, txn, ues[i].guti, &cur);
		if (rc == -ENOENT && have_carry) {
			/* Same context under a new GUTI: the old record's COUNTs, the new keys. */
			cur = carry;
			memset(cur.guti, 0, sizeof(cur.guti));
			rc = 0;
		}
		if (rc == -ENOENT) {
			nasmac__db_rec_encode(&ues[i], rec);
			st->added++;
			rc = 0;
		} else if (!rc) {
			st->kept_count += (uint32_t)nasmac__db_merge(&cur, &ues[i]);
			nasmac__db_rec_encode(&cur, rec);
			st->updated++;
		} else {
			/* A record this build cannot read is not overwritten blindly. */
			nasmac__log(NASMAC__LOG_ERR, "store %s: unreadable record for UE %llu",
				    db->where, (unsigned long long)ues[i].ue_id);
			break;
		}
		rc = mdb_put(txn, l->ue, &k, &v, 0);
		if (!rc) {
			put_be64(key, ues[i].ue_id);
			v.mv_size = NASMAC__GUTI_LEN;
			v.mv_data = (void *)ues[i].guti;
			rc = mdb_put(txn, l->id, &ik, &v, 0);
		}
		if (rc)
			rc = mdb_err("import", db->where, rc);
	}
	explicit_bzero(&cur, sizeof(cur));
	explicit_bzero(&carry, sizeof(carry));
	explicit_bzero(rec, sizeof(rec));
	if (rc) {
		l->logseq = UINT64_MAX;
		mdb_txn_abort(txn);
		return rc;
	}
	rc = mdb_txn_commit(txn);
	if (rc)
		l->logseq = UINT64_MAX;
	/* Not on the request path: durable at once, as a full commit would be. */
	if (!rc && l->deferred)
		rc = mdb_env_sync(l->env, 1);
	return rc ? mdb_err("import commit", db->where, rc) : 0;
}

/* The COUNTs of a batch that is too big for the log: each record rewritten (one cursor lookup,
 * the record overwritten in place). ov must be caught up; it takes the new COUNTs. */
static int advance_records(struct lm *l, MDB_txn *txn, struct nasmac__db_adv *adv, uint32_t n,
			   uint32_t *wrote)
{
	uint8_t rec[NASMAC__DB_REC_LEN];
	MDB_cursor *cursor;
	int rc = mdb_cursor_open(txn, l->ue, &cursor);

	if (rc)
		return rc;
	for (uint32_t i = 0; i < n && !rc; i++) {
		MDB_val k = { NASMAC__GUTI_LEN, adv[i].guti }, v;
		struct ov_slot *o = ov_slot(l->ov, l->ov_mask, adv[i].guti);
		uint32_t cur, c = adv[i].count & NASMAC__COUNT_MASK;

		rc = mdb_cursor_get(cursor, &k, &v, MDB_SET);
		if (rc == MDB_NOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc || v.mv_size != sizeof(rec))
			break;
		memcpy(rec, v.mv_data, sizeof(rec));
		cur = get_le32(rec + 68) & NASMAC__COUNT_MASK;
		if (o->used && nasmac__count_is_fresh(cur, o->count))
			cur = o->count;
		adv[i].stored = cur;
		if (!nasmac__count_is_fresh(cur, c))
			continue;
		put_le32(rec + 68, c);
		v.mv_size = sizeof(rec);
		v.mv_data = rec;
		rc = mdb_cursor_put(cursor, &k, &v, MDB_CURRENT);
		if (rc)
			break;
		if (o->used)
			o->count = c; /* the log's entry is older: the record is the truth now */
		adv[i].ok = 1;
		adv[i].stored = c;
		(*wrote)++;
	}
	mdb_cursor_close(cursor);
	explicit_bzero(rec, sizeof(rec));
	return rc;
}

/* The COUNTs of a batch into the log: the compare-and-set against ov (or the record, for a UE
 * the log does not hold), the accepted ones appended as one value. */
static int advance_log(struct lm *l, MDB_txn *txn, struct nasmac__db_adv *adv, uint32_t n,
		       uint32_t *wrote)
{
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v;
	uint32_t m = 0;
	int rc = 0;

	for (uint32_t i = 0; i < n && i < OV_AHEAD; i++)
		ov_prefetch(l->ov, l->ov_mask, ov_hash(adv[i].guti));
	for (uint32_t i = 0; i < n; i++) {
		struct ov_slot *o = ov_slot(l->ov, l->ov_mask, adv[i].guti);
		uint32_t cur, c = adv[i].count & NASMAC__COUNT_MASK;

		if (i + OV_AHEAD < n)
			ov_prefetch(l->ov, l->ov_mask, ov_hash(adv[i + OV_AHEAD].guti));

		if (o->used) {
			cur = o->count;
		} else {
			MDB_val rk = { NASMAC__GUTI_LEN, adv[i].guti }, rv;

			rc = mdb_get(txn, l->ue, &rk, &rv);
			if (rc == MDB_NOTFOUND) {
				rc = 0;
				continue;
			}
			if (rc || rv.mv_size != NASMAC__DB_REC_LEN)
				return rc ? rc : MDB_CORRUPTED;
			cur = get_le32((const uint8_t *)rv.mv_data + 68) & NASMAC__COUNT_MASK;
		}
		adv[i].stored = cur;
		if (!nasmac__count_is_fresh(cur, c))
			continue;
		/* Two advances of one UE in a batch: the second compares with the first. */
		if (!o->used) {
			memcpy(o->guti, adv[i].guti, NASMAC__GUTI_LEN);
			o->used = 1;
			l->ov_used++;
		}
		o->count = c;
		memcpy(l->buf + (size_t)m * LOG_ENT, adv[i].guti, NASMAC__GUTI_LEN);
		put_le32(l->buf + (size_t)m * LOG_ENT + NASMAC__GUTI_LEN, c);
		m++;
		adv[i].ok = 1;
		adv[i].stored = c;
	}
	if (!m)
		return 0;
	put_be64(key, l->seen + 1);
	v.mv_size = (size_t)m * LOG_ENT;
	v.mv_data = l->buf;
	rc = mdb_put(txn, l->log, &k, &v, MDB_APPEND);
	if (!rc) {
		l->seen++;
		l->log_n += m;
		*wrote += m;
	}
	return rc;
}

/* The group commit: one write transaction, one commit. */
static int lm_advance(struct nasmac__db *db, struct nasmac__db_adv *adv, uint32_t n)
{
	struct lm *l = db->priv;
	MDB_txn *txn;
	uint32_t wrote = 0;
	int rc = mdb_txn_begin(l->env, NULL, 0, &txn);

	for (uint32_t i = 0; i < n; i++) {
		adv[i].ok = 0;
		adv[i].stored = 0;
	}
	if (rc)
		return mdb_err("commit", db->where, rc);
	rc = log_catch_up(l, txn);
	if (!rc && l->log_n + n > 2 * l->fold) {
		/* The passes did not keep up: all at once. */
		wrote += l->log_n > 0;
		l->pass = 0;
		rc = log_fold(l, txn);
	} else if (!rc && (l->pass || l->log_n >= l->fold)) {
		if (!l->pass) {
			l->pass = 1;
			l->pass_seq = l->seen;
			pass_list(l);
		}
		rc = fold_step(l, txn, n, &wrote);
	}
	if (!rc)
		rc = n > l->fold ? advance_records(l, txn, adv, n, &wrote)
				 : advance_log(l, txn, adv, n, &wrote);
	if (!rc)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	/* Deferred (store.h): this advance must flush what the ones before it wrote. A commit
	 * that changed nothing (every COUNT refused) returns without flushing: do it here. */
	if (!rc && l->deferred && !wrote)
		rc = mdb_env_sync(l->env, 1);
	if (rc) {
		/* ov may hold what was not committed: read afresh next time. */
		l->logseq = UINT64_MAX;
		for (uint32_t i = 0; i < n; i++)
			adv[i].ok = 0;
		return mdb_err("commit", db->where, rc);
	}
	return 0;
}

/* Deferred mode: the meta page of the last commit (written, not flushed) to the disk. */
static int lm_flush(struct nasmac__db *db)
{
	struct lm *l = db->priv;
	int rc = mdb_env_sync(l->env, 1);

	return rc ? mdb_err("flush", db->where, rc) : 0;
}

static int lm_foreach(struct nasmac__db *db, int (*cb)(void *, const struct nasmac__ue *),
		      void *arg)
{
	struct lm *l = db->priv;
	struct nasmac__ue ue;
	struct ov_slot *t;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	uint32_t mask = 15, used = 0;
	MDB_stat ls;
	int rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn);

	if (rc)
		return mdb_err("read", db->where, rc);
	/* The log's COUNTs in a table of their own (this may run in a reader of its own). */
	rc = mdb_stat(txn, l->log, &ls);
	if (rc) {
		mdb_txn_abort(txn);
		return mdb_err("read", db->where, rc);
	}
	rc = mdb_cursor_open(txn, l->log, &cur);
	if (rc) {
		mdb_txn_abort(txn);
		return mdb_err("read", db->where, rc);
	}
	for (uint64_t e = 0; ls.ms_entries && (rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0;)
		for (e += v.mv_size / LOG_ENT; (mask + 1) / 2 < e && mask < (1u << 30);)
			mask = 2 * mask + 1;
	t = ls.ms_entries ? calloc((size_t)mask + 1, sizeof(*t)) : NULL;
	if (ls.ms_entries && !t) {
		mdb_cursor_close(cur);
		mdb_txn_abort(txn);
		return -ENOMEM;
	}
	for (MDB_cursor_op op = MDB_FIRST; t && !(rc = mdb_cursor_get(cur, &k, &v, op));
	     op = MDB_NEXT)
		for (size_t i = 0; i + LOG_ENT <= v.mv_size; i += LOG_ENT)
			(void)ov_merge1(t, mask, &used, (const uint8_t *)v.mv_data + i);
	mdb_cursor_close(cur);
	rc = mdb_cursor_open(txn, l->ue, &cur);
	if (rc) {
		free(t);
		mdb_txn_abort(txn);
		return mdb_err("read", db->where, rc);
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		if (nasmac__db_rec_decode(v.mv_data, v.mv_size, &ue)) {
			nasmac__log(NASMAC__LOG_ERR, "store %s: unreadable record", db->where);
			rc = -EPROTO;
			break;
		}
		if (t) {
			const struct ov_slot *o = ov_slot(t, mask, ue.guti);

			if (o->used && nasmac__count_is_fresh(ue.ul_count, o->count))
				ue.ul_count = o->count;
		}
		rc = cb(arg, &ue);
		if (rc)
			break;
	}
	explicit_bzero(&ue, sizeof(ue));
	free(t);
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int lm_bump_restart(struct nasmac__db *db, const char *who, uint32_t *out)
{
	struct lm *l = db->priv;
	/* "restart" (the store's one counter), or "restart:WHO" (one per MME). */
	char key[16 + NASMAC__DB_WHO_MAX];
	int kl = snprintf(key, sizeof(key), who && *who ? "restart:%s" : "restart", who);
	MDB_val k = { (size_t)kl, key }, v;
	uint32_t r = 0;
	MDB_txn *txn;
	int rc = mdb_txn_begin(l->env, NULL, 0, &txn);

	if (rc)
		return mdb_err("restart counter", db->where, rc);
	rc = mdb_get(txn, l->meta, &k, &v);
	if (rc == MDB_NOTFOUND && who && *who) {
		/* An MME's first counter goes on from the store's one, which a store written
		 * before there was one per MME holds: a peer must see the restart as a new value. */
		MDB_val legacy = { 7, (void *)"restart" };

		rc = mdb_get(txn, l->meta, &legacy, &v);
	}
	if (!rc && v.mv_size == sizeof(r))
		memcpy(&r, v.mv_data, sizeof(r));
	else if (rc && rc != MDB_NOTFOUND)
		goto out_abort;
	r++;
	v.mv_size = sizeof(r);
	v.mv_data = &r;
	rc = mdb_put(txn, l->meta, &k, &v, 0);
	if (rc)
		goto out_abort;
	rc = mdb_txn_commit(txn);
	/* Durable in every --sync mode: a peer must never see the same counter after a power
	 * loss and take a restarted MME for the same incarnation. */
	if (!rc)
		rc = mdb_env_sync(l->env, 1);
	if (rc)
		return mdb_err("restart counter", db->where, rc);
	*out = r;
	return 0;

out_abort:
	mdb_txn_abort(txn);
	return mdb_err("restart counter", db->where, rc);
}

static uint64_t lm_count(struct nasmac__db *db)
{
	struct lm *l = db->priv;
	MDB_txn *txn;
	MDB_stat s;
	uint64_t n = 0;

	if (mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn))
		return 0;
	if (!mdb_stat(txn, l->ue, &s))
		n = s.ms_entries;
	mdb_txn_abort(txn);
	return n;
}

static void lm_close(struct nasmac__db *db)
{
	struct lm *l = db->priv;

	if (!l)
		return;
	/* With nometasync/nosync, what was committed goes to disk now on a clean stop. */
	(void)mdb_env_sync(l->env, 1);
	mdb_env_close(l->env);
	lm_free(l);
	db->priv = NULL;
}

const struct nasmac__db_ops nasmac__db_lmdb_ops = {
	.scheme = "lmdb",
	.open = lm_open,
	.get = lm_get,
	.get_id = lm_get_id,
	.import = lm_import,
	.advance = lm_advance,
	.foreach = lm_foreach,
	.bump_restart = lm_bump_restart,
	.count = lm_count,
	.close = lm_close,
	.flush = lm_flush,
};
