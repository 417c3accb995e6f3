/* "lmdb:DIR": the store on LMDB (liblmdb, Debian liblmdb-dev). Three named databases in one
 * environment: "ue" (GUTI -> the record of store_db.c), "id" (UE id, 8 octets big-endian ->
 * GUTI) and "meta" ("version", "restart"). Copy-on-write B+trees with a two-meta-page commit:
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

#define DB_VERSION 1u

struct lm {
	MDB_env *env;
	MDB_dbi ue, id, meta;
	int deferred; /* --sync full, pipelined: MDB_NOMETASYNC and the caller's next flush */
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
	    (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &l->meta))) {
		mdb_txn_abort(txn);
		rc = mdb_err("cannot open the databases", db->where, rc);
		goto out_close;
	}
	rc = mdb_get(txn, l->meta, &k, &v);
	if (rc == MDB_NOTFOUND) {
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
	free(l);
	return rc;
out_err:
	free(l);
	return rc > 0 ? -rc : -EIO;
}

static int lm_get_txn(struct lm *l, MDB_txn *txn, const uint8_t *guti, struct nasmac__ue *out)
{
	MDB_val k = { NASMAC__GUTI_LEN, (void *)guti }, v;
	int rc = mdb_get(txn, l->ue, &k, &v);

	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	if (rc)
		return -EIO;
	return nasmac__db_rec_decode(v.mv_data, v.mv_size, out);
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
		mdb_txn_abort(txn);
		return rc;
	}
	rc = mdb_txn_commit(txn);
	/* Not on the request path: durable at once, as a full commit would be. */
	if (!rc && l->deferred)
		rc = mdb_env_sync(l->env, 1);
	return rc ? mdb_err("import commit", db->where, rc) : 0;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The group commit: one write transaction, read-compare-write per UE (one cursor lookup, the
 * record overwritten in place), one commit. */
static int lm_advance(struct nasmac__db *db, struct nasmac__db_adv *adv, uint32_t n)
{
	struct lm *l = db->priv;
	uint8_t rec[NASMAC__DB_REC_LEN];
	MDB_cursor *cursor;
	MDB_txn *txn;
	uint32_t wrote = 0;
	int rc = mdb_txn_begin(l->env, NULL, 0, &txn);

	for (uint32_t i = 0; i < n; i++)
		adv[i].ok = 0;
	if (rc)
		return mdb_err("commit", db->where, rc);
	rc = mdb_cursor_open(txn, l->ue, &cursor);
	if (rc) {
		mdb_txn_abort(txn);
		return mdb_err("commit", db->where, rc);
	}
	for (uint32_t i = 0; i < n; i++) {
		MDB_val k = { NASMAC__GUTI_LEN, adv[i].guti }, v;
		uint32_t cur, c = adv[i].count & NASMAC__COUNT_MASK;

		adv[i].stored = 0;
		rc = mdb_cursor_get(cursor, &k, &v, MDB_SET);
		if (rc == MDB_NOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc || v.mv_size != sizeof(rec))
			break;
		memcpy(rec, v.mv_data, sizeof(rec));
		cur = get_le32(rec + 68) & NASMAC__COUNT_MASK;
		adv[i].stored = cur;
		if (!nasmac__count_is_fresh(cur, c))
			continue;
		for (int b = 0; b < 4; b++)
			rec[68 + b] = (uint8_t)(c >> (8 * b));
		v.mv_size = sizeof(rec);
		v.mv_data = rec;
		rc = mdb_cursor_put(cursor, &k, &v, MDB_CURRENT);
		if (rc)
			break;
		adv[i].ok = 1;
		adv[i].stored = c;
		wrote++;
	}
	explicit_bzero(rec, sizeof(rec));
	mdb_cursor_close(cursor);
	if (!rc)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	/* Deferred (store.h): this advance must flush what the ones before it wrote. A commit
	 * that changed nothing (every COUNT refused) returns without flushing: do it here. */
	if (!rc && l->deferred && !wrote)
		rc = mdb_env_sync(l->env, 1);
	if (rc) {
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
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn);

	if (rc)
		return mdb_err("read", db->where, rc);
	rc = mdb_cursor_open(txn, l->ue, &cur);
	if (rc) {
		mdb_txn_abort(txn);
		return mdb_err("read", db->where, rc);
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		if (nasmac__db_rec_decode(v.mv_data, v.mv_size, &ue)) {
			nasmac__log(NASMAC__LOG_ERR, "store %s: unreadable record", db->where);
			rc = -EPROTO;
			break;
		}
		rc = cb(arg, &ue);
		if (rc)
			break;
	}
	explicit_bzero(&ue, sizeof(ue));
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int lm_bump_restart(struct nasmac__db *db, uint32_t *out)
{
	struct lm *l = db->priv;
	MDB_val k = { 7, (void *)"restart" }, v;
	uint32_t r = 0;
	MDB_txn *txn;
	int rc = mdb_txn_begin(l->env, NULL, 0, &txn);

	if (rc)
		return mdb_err("restart counter", db->where, rc);
	rc = mdb_get(txn, l->meta, &k, &v);
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
	free(l);
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
