/* The durable UE context store: URIs to backends, the stored record form, the import rule
 * (store.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

extern const struct nasmac__db_ops nasmac__db_lmdb_ops;
extern const struct nasmac__db_ops nasmac__db_mem_ops;
extern const struct nasmac__db_ops nasmac__db_redis_ops;

/* One line per backend; a new one (store.h) goes here. */
static const struct nasmac__db_ops *const backends[] = {
	&nasmac__db_lmdb_ops,
	&nasmac__db_mem_ops,
	&nasmac__db_redis_ops,
};

void nasmac__db_uri_redact(const char *uri, char *out, size_t size)
{
	/* The userinfo ends at the last '@' before the query, as store_redis.c parses it. */
	const char *auth = strstr(uri, "://"), *q, *at = NULL, *colon;

	if (auth) {
		auth += 3;
		q = auth + strcspn(auth, "?");
		for (const char *p = auth; p < q; p++)
			if (*p == '@')
				at = p;
	}
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon)
		snprintf(out, size, "%s", uri);
	else
		snprintf(out, size, "%.*s***%s", (int)(colon + 1 - uri), uri, at);
}

int nasmac__db_open(const char *uri, const struct nasmac__db_opts *o, struct nasmac__db **out,
		    char *why, size_t why_size)
{
	const char *colon = strchr(uri, ':');
	struct nasmac__db *db;
	int rc;

	*out = NULL;
	if (why && why_size)
		why[0] = '\0';
	if (!colon)
		goto out_scheme;
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		const struct nasmac__db_ops *ops = backends[i];
		size_t n = strlen(ops->scheme);

		if ((size_t)(colon - uri) != n || strncmp(uri, ops->scheme, n))
			continue;
		db = calloc(1, sizeof(*db));
		if (!db)
			return -ENOMEM;
		db->ops = ops;
		nasmac__db_uri_redact(uri, db->where, sizeof(db->where));
		rc = ops->open(db, colon + 1, o);
		if (rc) {
			if (why && why_size && !why[0] && db->where[0])
				snprintf(why, why_size, "%s", strerror(rc < 0 ? -rc : rc));
			free(db);
			return rc;
		}
		*out = db;
		return 0;
	}
out_scheme:
	if (why && why_size)
		snprintf(why, why_size, "unknown store '%s' (lmdb:DIR, memory: or redis://HOST:PORT)", uri);
	return -EINVAL;
}

void nasmac__db_close(struct nasmac__db *db)
{
	if (!db)
		return;
	db->ops->close(db);
	free(db);
}

/* Indexed by enum nasmac__db_sync: the one list that both parses and names a mode. */
static const char *const sync_names[] = {
	[NASMAC__DB_SYNC_FULL] = "full",
	[NASMAC__DB_SYNC_NOMETA] = "nometasync",
	[NASMAC__DB_SYNC_NONE] = "nosync",
};

int nasmac__db_parse_sync(const char *s, enum nasmac__db_sync *out)
{
	for (size_t i = 0; i < sizeof(sync_names) / sizeof(sync_names[0]); i++) {
		if (!strcmp(s, sync_names[i])) {
			*out = (enum nasmac__db_sync)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *nasmac__db_sync_name(enum nasmac__db_sync s)
{
	/* A value out of range (parse never makes one) reads as the weakest mode. */
	return (size_t)s < sizeof(sync_names) / sizeof(sync_names[0]) ? sync_names[s] : "nosync";
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Version 1: version, flags (upgraded, kamf_by_mme, echo5g), ksi, eia, eea, 3 spare | IMSI
 * (16, NUL-padded) | GUTI (10), 2 spare | K_ASME (32) | UL COUNT | DL COUNT | UE id (8) | 4 spare.
 * State (VERIFYING, SENT...) is not stored: after a restart every UE is IDLE. */
#define REC_VERSION 1u

void nasmac__db_rec_encode(const struct nasmac__ue *ue, uint8_t rec[NASMAC__DB_REC_LEN])
{
	memset(rec, 0, NASMAC__DB_REC_LEN);
	rec[0] = REC_VERSION;
	rec[1] = (uint8_t)((ue->upgraded & 1u) | (ue->kamf_by_mme & 1u) << 1 | (ue->echo5g & 1u) << 2);
	rec[2] = ue->ksi;
	rec[3] = ue->eia;
	rec[4] = ue->eea;
	memcpy(rec + 8, ue->imsi, 15);
	memcpy(rec + 24, ue->guti, NASMAC__GUTI_LEN);
	memcpy(rec + 36, ue->kasme, 32);
	put_le32(rec + 68, ue->ul_count & NASMAC__COUNT_MASK);
	put_le32(rec + 72, ue->dl_count & NASMAC__COUNT_MASK);
	put_le32(rec + 76, (uint32_t)ue->ue_id);
	put_le32(rec + 80, (uint32_t)(ue->ue_id >> 32));
}

int nasmac__db_rec_decode(const uint8_t *rec, size_t len, struct nasmac__ue *ue)
{
	memset(ue, 0, sizeof(*ue));
	if (len != NASMAC__DB_REC_LEN || rec[0] != REC_VERSION || rec[3] < 1 || rec[3] > 3)
		return -EINVAL;
	ue->upgraded = rec[1] & 1u;
	ue->kamf_by_mme = (rec[1] >> 1) & 1u;
	ue->echo5g = (rec[1] >> 2) & 1u;
	ue->ksi = rec[2];
	ue->eia = rec[3];
	ue->eea = rec[4];
	memcpy(ue->imsi, rec + 8, 15);
	memcpy(ue->guti, rec + 24, NASMAC__GUTI_LEN);
	memcpy(ue->kasme, rec + 36, 32);
	ue->ul_count = get_le32(rec + 68) & NASMAC__COUNT_MASK;
	ue->dl_count = get_le32(rec + 72) & NASMAC__COUNT_MASK;
	ue->ue_id = (uint64_t)get_le32(rec + 76) | (uint64_t)get_le32(rec + 80) << 32;
	return nasmac__ue_derive(ue) ? -EINVAL : 0;
}

int nasmac__db_merge(struct nasmac__ue *cur, const struct nasmac__ue *in)
{
	uint32_t ul = cur->ul_count, dl = cur->dl_count;
	int kept = nasmac__count_is_fresh(in->ul_count, ul);

	*cur = *in;
	if (kept)
		cur->ul_count = ul;
	if (nasmac__count_is_fresh(in->dl_count, dl))
		cur->dl_count = dl;
	return kept;
}
