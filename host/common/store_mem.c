/* "memory:": the store's interface on a process-local table. Nothing survives the process: a
 * restarted MME on memory: accepts again every COUNT it accepted before (tests and benchmarks
 * only; nasmacd warns at start). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

struct mem {
	struct nasmac__store st;
	uint32_t restart;
};

static int mem_open(struct nasmac__db *db, const char *arg, const struct nasmac__db_opts *o)
{
	struct mem *m;
	int rc;

	if (arg[0])
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	rc = nasmac__store_init(&m->st, o->cap ? o->cap : 16);
	if (rc) {
		free(m);
		return rc;
	}
	db->priv = m;
	db->durable = 0;
	return 0;
}

static int mem_get(struct nasmac__db *db, const uint8_t guti[NASMAC__GUTI_LEN],
		   struct nasmac__ue *out)
{
	struct mem *m = db->priv;
	struct nasmac__ue *ue = nasmac__store_by_guti(&m->st, guti);

	if (!ue)
		return -ENOENT;
	*out = *ue;
	out->state = NASMAC__UE_IDLE;
	return 0;
}

static int mem_get_id(struct nasmac__db *db, uint64_t id, struct nasmac__ue *out)
{
	struct mem *m = db->priv;

	for (uint32_t i = 0; i < m->st.n; i++)
		if (m->st.ues[i].ue_id == id)
			return mem_get(db, m->st.ues[i].guti, out);
	return -ENOENT;
}

static int mem_import(struct nasmac__db *db, const struct nasmac__ue *ues, uint32_t n,
		      struct nasmac__db_import_stats *st)
{
	struct mem *m = db->priv;
	int rc;

	for (uint32_t i = 0; i < n; i++) {
		struct nasmac__ue *cur = nasmac__store_by_guti(&m->st, ues[i].guti);

		if (cur) {
			st->kept_count += (uint32_t)nasmac__db_merge(cur, &ues[i]);
			cur->in_use = 1;
			st->updated++;
			continue;
		}
		rc = nasmac__store_add(&m->st, &ues[i]);
		if (rc)
			return rc;
		st->added++;
	}
	return 0;
}

/* Advances looked up per run of prefetches (mem_advance). */
#define MEM_AHEAD 32u

static int mem_advance(struct nasmac__db *db, struct nasmac__db_adv *adv, uint32_t n)
{
	struct mem *m = db->priv;
	uint32_t slot[MEM_AHEAD];

	for (uint32_t i = 0; i < n; i++) {
		struct nasmac__ue *ue;

		/* The table slots, then the records, of the next MEM_AHEAD advances are fetched
		 * before the first of them is looked up: the UEs of a commit are anywhere in a
		 * table larger than the caches, and one lookup after the other waited for two
		 * misses each (perf under bench e2e: the memory: MME's costliest function). */
		if (i % MEM_AHEAD == 0) {
			uint32_t k = n - i < MEM_AHEAD ? n - i : MEM_AHEAD;

			for (uint32_t j = 0; j < k; j++)
				slot[j] = nasmac__store_prefetch_slot(&m->st, adv[i + j].guti);
			for (uint32_t j = 0; j < k; j++)
				(void)nasmac__store_prefetch_ue(&m->st, slot[j]);
		}
		ue = nasmac__store_by_guti_at(&m->st, adv[i].guti, slot[i % MEM_AHEAD]);

		adv[i].ok = 0;
		adv[i].stored = 0;
		if (!ue)
			continue;
		if (nasmac__count_is_fresh(ue->ul_count, adv[i].count)) {
			ue->ul_count = adv[i].count & NASMAC__COUNT_MASK;
			adv[i].ok = 1;
		}
		adv[i].stored = ue->ul_count;
	}
	return 0;
}

static int mem_foreach(struct nasmac__db *db, int (*cb)(void *, const struct nasmac__ue *),
		       void *arg)
{
	struct mem *m = db->priv;
	int rc;

	for (uint32_t i = 0; i < m->st.n; i++) {
		struct nasmac__ue ue = m->st.ues[i];

		ue.state = NASMAC__UE_IDLE;
		rc = cb(arg, &ue);
		explicit_bzero(&ue, sizeof(ue));
		if (rc)
			return rc;
	}
	return 0;
}

static int mem_bump_restart(struct nasmac__db *db, const char *who, uint32_t *out)
{
	struct mem *m = db->priv;

	(void)who; /* one MME per memory: store */
	/* Nothing to remember it in: every start is the first. */
	*out = ++m->restart;
	return 0;
}

static uint64_t mem_count(struct nasmac__db *db)
{
	return ((struct mem *)db->priv)->st.n;
}

static void mem_close(struct nasmac__db *db)
{
	struct mem *m = db->priv;

	nasmac__store_free(&m->st);
	free(m);
	db->priv = NULL;
}

const struct nasmac__db_ops nasmac__db_mem_ops = {
	.scheme = "memory",
	.open = mem_open,
	.get = mem_get,
	.get_id = mem_get_id,
	.import = mem_import,
	.advance = mem_advance,
	.foreach = mem_foreach,
	.bump_restart = mem_bump_restart,
	.count = mem_count,
	.close = mem_close,
};
