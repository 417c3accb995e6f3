/*
 * The MME's durable UE context store (store_db.c: the interface and URIs; store_lmdb.c,
 * store_mem.c: the backends). What survives a restart of the MME: each UE's EPS security context,
 * the highest uplink NAS COUNT the MME accepted for it, and the restart counter sent in the Echo
 * Recovery IE. The MME keeps its hot index (struct nasmac__store, host.h) in memory for the
 * lookups of the request path and writes through this interface only what must survive: the
 * COUNT advances of a loop iteration, in one transaction, before any Context Response that depends
 * on them leaves the process (group commit).
 *
 * URIs: "lmdb:DIR" (LMDB environment in DIR, created 0700, files 0600; the default is
 * NASMAC__STORE_DEFAULT), "memory:" (nothing persists: tests and benchmarks only) and
 * "redis://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT...][/N][?OPTIONS]" (store_redis.c: shared
 * by an MME pool; the MME looks every request's UE up in it, its index being only a cache).
 *
 * A backend is one struct nasmac__db_ops in its own file and one line in store_db.c's table.
 * What it must give:
 * advance() is a compare-and-set per UE (the COUNT is stored only if above the stored one, and
 * the answer says which ones were), done for the whole batch in one round trip and durable
 * (as the backend defines it) before it returns; bump_restart() is an atomic increment. The MME
 * never reads the hot index's COUNT as the truth when the store refuses an advance: the
 * refusal is answered as a replay and the hot index takes the stored COUNT.
 */
#ifndef NASMAC_STORE_H
#define NASMAC_STORE_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "host.h"

#define NASMAC__STORE_DEFAULT "lmdb:/var/lib/nasmac/mme"

/* --sync for lmdb (LMDB's MDB_NOMETASYNC, MDB_NOSYNC): what a commit waits for. */
enum nasmac__db_sync {
	NASMAC__DB_SYNC_FULL = 0, /* data and meta page fsynced at each commit */
	NASMAC__DB_SYNC_NOMETA,   /* data fsynced, meta page left to the next sync */
	NASMAC__DB_SYNC_NONE,     /* no fsync: the kernel writes back when it wants */
};

struct nasmac__db_opts {
	enum nasmac__db_sync sync;
	uint32_t cap; /* UEs the store must hold (memory: its size; lmdb: sizes the map) */
	/* The caller pipelines its commits: it relies on an advance() only once a later
	 * advance() or nasmac__db_flush() returned (both flush what came before them). A
	 * backend that can make a commit cheaper that way sets db->deferred; one that cannot
	 * ignores this (advance() stays durable on return, flush is NULL). lmdb --sync full:
	 * one disk flush per commit instead of two (store_lmdb.c, host/README.md). */
	int pipelined;
	/* lmdb: COUNT advances kept in its log before they are folded into the UE records
	 * (store_lmdb.c); 0: the default. Tests set it small. */
	uint32_t log_fold;
};

/* One COUNT advance of a group commit. On a remote store (redis:) the MME may verify a MAC
 * with the record it holds without looking it up first; the advance then also checks that this
 * record is still the stored one: ver is its version (struct nasmac__ue), which the store
 * changes at every change of the record (an import, a re-provisioning by another MME). */
struct nasmac__db_adv {
	uint8_t guti[NASMAC__GUTI_LEN];
	uint32_t count;  /* the uplink COUNT just verified */
	uint32_t ver;    /* remote stores: the version of the record the MAC was verified with */
	uint32_t stored; /* out: the COUNT stored after the commit */
	int ok;          /* out: 1 when count was above the stored one and is now committed */
	/* out, remote stores: 1 when the stored record is not version ver (ok is 0, nothing
	 * committed for it): the request must be verified again with the stored record. */
	int stale;
};

struct nasmac__db_import_stats {
	uint32_t added, updated, kept_count; /* kept_count: the stored COUNT was higher */
};

struct nasmac__db;

struct nasmac__db_ops {
	const char *scheme; /* before the ':' of the URI */
	int (*open)(struct nasmac__db *db, const char *arg, const struct nasmac__db_opts *o);
	/* 0 and *out, or -ENOENT. */
	int (*get)(struct nasmac__db *db, const uint8_t guti[NASMAC__GUTI_LEN],
		   struct nasmac__ue *out);
	int (*get_id)(struct nasmac__db *db, uint64_t ue_id, struct nasmac__ue *out);
	/* Remote stores only (NULL otherwise): n lookups in one round trip, res[i] 0 (out[i]
	 * filled) or -ENOENT; a negative return means the store did not answer (res[i] of the
	 * ones it did not answer: -EIO). May run in a thread while advance() runs in another. */
	int (*get_many)(struct nasmac__db *db, const uint8_t (*gutis)[NASMAC__GUTI_LEN],
			uint32_t n, struct nasmac__ue *out, int *res);
	/* Provisioning records in one transaction: a UE not there is added; one there takes the
	 * record's keys and algorithms, and keeps the higher of the two uplink (and downlink)
	 * COUNTs: an import never moves a stored COUNT backwards. A UE (by id) that comes with
	 * another GUTI than stored loses its old record; with the same K_ASME its COUNTs carry
	 * over (lmdb; memory: starts empty). */
	int (*import)(struct nasmac__db *db, const struct nasmac__ue *ues, uint32_t n,
		      struct nasmac__db_import_stats *st);
	/* The group commit: one transaction for n advances, see struct nasmac__db_adv. A negative
	 * return means nothing was committed (every ok is 0). */
	int (*advance)(struct nasmac__db *db, struct nasmac__db_adv *adv, uint32_t n);
	/* Every UE, in no particular order; cb returning nonzero stops with that value. */
	int (*foreach)(struct nasmac__db *db, int (*cb)(void *arg, const struct nasmac__ue *ue),
		       void *arg);
	/* Increments the restart counter of the MME `who` (NULL or "": the store's one counter),
	 * durably whatever the sync mode, and returns it. MMEs sharing a store (a pool) keep one
	 * counter each: one MME's restart must not change the Recovery the others send. */
	int (*bump_restart)(struct nasmac__db *db, const char *who, uint32_t *out);
	uint64_t (*count)(struct nasmac__db *db);
	void (*close)(struct nasmac__db *db);
	/* Only with db->deferred: makes every advance() that returned durable (NULL otherwise). */
	int (*flush)(struct nasmac__db *db);
};

struct nasmac__db {
	const struct nasmac__db_ops *ops;
	char where[512]; /* the URI, for logs (a password masked: nasmac__db_uri_redact) */
	int durable;     /* 0 for memory: */
	/* 1: an advance() is durable (as --sync says) only once the next advance() or
	 * nasmac__db_flush() returned; only when opened with opts.pipelined. */
	int deferred;
	int remote;      /* shared with other hosts (redis:): the MME's index is only a cache */
	void *priv;
	/* Commit generations, kept by the wrappers below from the contract above (whatever the
	 * backend): gen_committed counts the advance() calls that returned 0; gen_durable is the
	 * highest generation known durable as --sync defines it (deferred: the one before the
	 * last advance(), or the last one once a flush returned; otherwise the last one). Atomic:
	 * the commit may run in a thread while the loop reads them (the MME's send-time check). */
	uint64_t gen_committed, gen_durable;
};

/* Opens the store a URI names; -EINVAL for an unknown scheme, else the backend's error (errno
 * values, MDB errors mapped to -EIO; *why says more when it is not NULL). */
int nasmac__db_open(const char *uri, const struct nasmac__db_opts *o, struct nasmac__db **out,
		    char *why, size_t why_size);
void nasmac__db_close(struct nasmac__db *db);
/* The URI as logs may show it: a password in it ("redis://USER:PASSWORD@...") becomes "***". */
void nasmac__db_uri_redact(const char *uri, char *out, size_t size);
int nasmac__db_parse_sync(const char *s, enum nasmac__db_sync *out);
const char *nasmac__db_sync_name(enum nasmac__db_sync s);

static inline int nasmac__db_get(struct nasmac__db *db, const uint8_t guti[NASMAC__GUTI_LEN],
				 struct nasmac__ue *out)
{
	return db->ops->get(db, guti, out);
}
static inline int nasmac__db_get_id(struct nasmac__db *db, uint64_t id, struct nasmac__ue *out)
{
	return db->ops->get_id(db, id, out);
}
static inline int nasmac__db_get_many(struct nasmac__db *db,
				      const uint8_t (*gutis)[NASMAC__GUTI_LEN], uint32_t n,
				      struct nasmac__ue *out, int *res)
{
	return db->ops->get_many(db, gutis, n, out, res);
}
static inline int nasmac__db_import(struct nasmac__db *db, const struct nasmac__ue *ues, uint32_t n,
				    struct nasmac__db_import_stats *st)
{
	return db->ops->import(db, ues, n, st);
}
static inline void nasmac__db_durable_up_to(struct nasmac__db *db, uint64_t gen)
{
	if (gen > __atomic_load_n(&db->gen_durable, __ATOMIC_ACQUIRE))
		__atomic_store_n(&db->gen_durable, gen, __ATOMIC_RELEASE);
}
/* One thread commits at a time (the caller's rule); *gen (may be NULL) takes this commit's
 * generation. */
static inline int nasmac__db_advance_gen(struct nasmac__db *db, struct nasmac__db_adv *adv,
					 uint32_t n, uint64_t *gen)
{
	int rc = db->ops->advance(db, adv, n);
	uint64_t g = __atomic_load_n(&db->gen_committed, __ATOMIC_ACQUIRE);

	if (!rc) {
		__atomic_store_n(&db->gen_committed, ++g, __ATOMIC_RELEASE);
		nasmac__db_durable_up_to(db, db->deferred ? g - 1 : g);
	}
	if (gen)
		*gen = g;
	return rc;
}
static inline int nasmac__db_advance(struct nasmac__db *db, struct nasmac__db_adv *adv, uint32_t n)
{
	return nasmac__db_advance_gen(db, adv, n, NULL);
}
static inline int nasmac__db_foreach(struct nasmac__db *db,
				     int (*cb)(void *arg, const struct nasmac__ue *ue), void *arg)
{
	return db->ops->foreach(db, cb, arg);
}
#define NASMAC__DB_WHO_MAX 64 /* characters of `who`, at most */
static inline int nasmac__db_bump_restart(struct nasmac__db *db, const char *who, uint32_t *out)
{
	if (who && strlen(who) > NASMAC__DB_WHO_MAX)
		return -EINVAL;
	return db->ops->bump_restart(db, who, out);
}
static inline int nasmac__db_flush(struct nasmac__db *db)
{
	/* What was committed before the flush started is durable once it returned. */
	uint64_t g = __atomic_load_n(&db->gen_committed, __ATOMIC_ACQUIRE);
	int rc = db->deferred && db->ops->flush ? db->ops->flush(db) : 0;

	if (!rc)
		nasmac__db_durable_up_to(db, g);
	return rc;
}
static inline uint64_t nasmac__db_count(struct nasmac__db *db)
{
	return db->ops->count(db);
}

/* FNV-1a (store.c): the hot index's hash, and the shard of a GUTI on a sharded store. */
uint32_t nasmac__store_hash(const void *p, size_t n);

/* Shared by the backends: the stored form of a UE (fixed size, little-endian, versioned). */
#define NASMAC__DB_REC_LEN 88u
void nasmac__db_rec_encode(const struct nasmac__ue *ue, uint8_t rec[NASMAC__DB_REC_LEN]);
/* -EINVAL for a record of another version or length; derives knas_int. */
int nasmac__db_rec_decode(const uint8_t *rec, size_t len, struct nasmac__ue *ue);
/* The import rule on one record: *cur (stored) takes *in's keys, keeps the higher COUNTs;
 * returns 1 when the stored uplink COUNT was kept (it was higher). */
int nasmac__db_merge(struct nasmac__ue *cur, const struct nasmac__ue *in);

#endif /* NASMAC_STORE_H */
