/* The MME's UE EPS security context store: a fixed array of contexts with two open-addressing
 * indexes (GUTI and IMSI), allocated once at start; lookups allocate nothing. Also the UE db
 * text format shared with the UE simulator (host/README.md). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "store.h"

uint32_t nasmac__store_hash(const void *p, size_t n)
{
	/* FNV-1a: GUTIs and IMSIs are not attacker-chosen keys into a table that can be made to
	 * degenerate badly (the table has a fixed size and linear probing), and this is fast. */
	const uint8_t *b = p;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

int nasmac__store_init(struct nasmac__store *st, uint32_t cap)
{
	uint32_t tab = 16;

	memset(st, 0, sizeof(*st));
	if (cap == 0 || cap > (1u << 26))
		return -EINVAL;
	while (tab < 2 * cap)
		tab <<= 1;
	st->ues = calloc(cap, sizeof(*st->ues));
	if (!st->ues)
		goto out_nomem;
	st->by_guti = calloc(tab, sizeof(uint32_t));
	if (!st->by_guti)
		goto out_free_ues;
	st->by_imsi = calloc(tab, sizeof(uint32_t));
	if (!st->by_imsi)
		goto out_free_guti;
	st->cap = cap;
	st->tab_mask = tab - 1;
	return 0;

out_free_guti:
	free(st->by_guti);
out_free_ues:
	free(st->ues);
out_nomem:
	memset(st, 0, sizeof(*st));
	return -ENOMEM;
}

void nasmac__store_free(struct nasmac__store *st)
{
	if (st->ues)
		explicit_bzero(st->ues, (size_t)st->cap * sizeof(*st->ues));
	free(st->ues);
	free(st->by_guti);
	free(st->by_imsi);
	memset(st, 0, sizeof(*st));
}

/* The GUTI's slot, probing from i (its hash's first slot). */
static uint32_t *slot_guti_from(const struct nasmac__store *st, const uint8_t *guti, uint32_t i)
{
	for (;; i = (i + 1) & st->tab_mask) {
		uint32_t v = st->by_guti[i];
		if (!v || !memcmp(st->ues[v - 1].guti, guti, NASMAC__GUTI_LEN))
			return &st->by_guti[i];
	}
}

static uint32_t *slot_guti(const struct nasmac__store *st, const uint8_t *guti)
{
	return slot_guti_from(st, guti, nasmac__store_hash(guti, NASMAC__GUTI_LEN) & st->tab_mask);
}

static uint32_t *slot_imsi(const struct nasmac__store *st, const char *imsi)
{
	uint32_t i = nasmac__store_hash(imsi, strlen(imsi)) & st->tab_mask;

	for (;; i = (i + 1) & st->tab_mask) {
		uint32_t v = st->by_imsi[i];
		if (!v || !strcmp(st->ues[v - 1].imsi, imsi))
			return &st->by_imsi[i];
	}
}

int nasmac__store_add(struct nasmac__store *st, const struct nasmac__ue *ue)
{
	uint32_t *g, *im = NULL;

	if (st->n >= st->cap)
		return -ENOSPC;
	g = slot_guti(st, ue->guti);
	if (*g)
		return -EEXIST;
	if (ue->imsi[0]) {
		im = slot_imsi(st, ue->imsi);
		if (*im)
			return -EEXIST;
	}
	st->ues[st->n] = *ue;
	st->ues[st->n].in_use = 1;
	st->n++;
	*g = st->n;
	if (im)
		*im = st->n;
	return 0;
}

uint32_t nasmac__store_prefetch_slot(const struct nasmac__store *st,
				     const uint8_t guti[NASMAC__GUTI_LEN])
{
	uint32_t i;

	if (!st->cap)
		return UINT32_MAX;
	i = nasmac__store_hash(guti, NASMAC__GUTI_LEN) & st->tab_mask;
	__builtin_prefetch(&st->by_guti[i]);
	return i;
}

uint32_t nasmac__store_prefetch_ue(const struct nasmac__store *st, uint32_t slot)
{
	uint32_t v = slot == UINT32_MAX ? 0 : st->by_guti[slot];

	if (v) { /* a record spans two cache lines */
		__builtin_prefetch(&st->ues[v - 1]);
		__builtin_prefetch((const uint8_t *)&st->ues[v - 1] + 64);
	}
	return v - 1;
}

struct nasmac__ue *nasmac__store_by_guti(const struct nasmac__store *st,
					 const uint8_t guti[NASMAC__GUTI_LEN])
{
	uint32_t v;

	if (!st->cap)
		return NULL;
	v = *slot_guti(st, guti);
	return v ? &st->ues[v - 1] : NULL;
}

struct nasmac__ue *nasmac__store_by_guti_at(const struct nasmac__store *st,
					    const uint8_t guti[NASMAC__GUTI_LEN], uint32_t slot)
{
	uint32_t v;

	if (slot == UINT32_MAX || slot > st->tab_mask)
		return nasmac__store_by_guti(st, guti);
	v = *slot_guti_from(st, guti, slot);
	return v ? &st->ues[v - 1] : NULL;
}

struct nasmac__ue *nasmac__store_by_imsi(const struct nasmac__store *st, const char *imsi)
{
	uint32_t v;

	if (!st->cap || !imsi[0])
		return NULL;
	v = *slot_imsi(st, imsi);
	return v ? &st->ues[v - 1] : NULL;
}

int nasmac__ue_derive(struct nasmac__ue *ue)
{
	return nasmac_kdf_eps_nas(ue->kasme, NASMAC_ALG_TYPE_NAS_INT, ue->eia, ue->knas_int);
}

/* One "key=value" field of a UE line. */
static int parse_field(struct nasmac__ue *ue, const char *key, const char *val, unsigned *seen)
{
	uint32_t v;
	char *end;

	if (!strcmp(key, "id")) {
		errno = 0;
		ue->ue_id = strtoull(val, &end, 10);
		if (errno || *end || !*val)
			return -EINVAL;
		*seen |= 1u;
	} else if (!strcmp(key, "imsi")) {
		size_t n = strlen(val);
		if (n < 5 || n > 15 || strspn(val, "0123456789") != n)
			return -EINVAL;
		memcpy(ue->imsi, val, n + 1);
		*seen |= 2u;
	} else if (!strcmp(key, "guti")) {
		if (nasmac__hex_decode(val, ue->guti, NASMAC__GUTI_LEN))
			return -EINVAL;
		*seen |= 4u;
	} else if (!strcmp(key, "kasme")) {
		if (nasmac__hex_decode(val, ue->kasme, sizeof(ue->kasme)))
			return -EINVAL;
		*seen |= 8u;
	} else if (!strcmp(key, "ksi")) {
		if (nasmac__parse_u32(val, 0, 6, &v))
			return -EINVAL;
		ue->ksi = (uint8_t)v;
	} else if (!strcmp(key, "eia")) {
		if (nasmac__parse_u32(val, 1, 3, &v))
			return -EINVAL;
		ue->eia = (uint8_t)v;
		*seen |= 16u;
	} else if (!strcmp(key, "eea")) {
		if (nasmac__parse_u32(val, 0, 3, &v))
			return -EINVAL;
		ue->eea = (uint8_t)v;
	} else if (!strcmp(key, "ul")) {
		if (nasmac__parse_u32(val, 0, NASMAC__COUNT_MASK, &v))
			return -EINVAL;
		ue->ul_count = v;
		*seen |= 32u;
	} else if (!strcmp(key, "dl")) {
		if (nasmac__parse_u32(val, 0, NASMAC__COUNT_MASK, &v))
			return -EINVAL;
		ue->dl_count = v;
	} else if (!strcmp(key, "upgraded")) {
		if (nasmac__parse_u32(val, 0, 1, &v))
			return -EINVAL;
		ue->upgraded = (uint8_t)v;
	} else if (!strcmp(key, "kamf_by_mme")) {
		if (nasmac__parse_u32(val, 0, 1, &v))
			return -EINVAL;
		ue->kamf_by_mme = (uint8_t)v;
	} else if (!strcmp(key, "echo5g")) {
		if (nasmac__parse_u32(val, 0, 1, &v))
			return -EINVAL;
		ue->echo5g = (uint8_t)v;
	} else {
		return -EINVAL;
	}
	return 0;
}

int nasmac__ue_parse_why(const char *line, struct nasmac__ue *ue, char *why, size_t why_size)
{
	static const char *const required[] = { "id", "imsi", "guti", "kasme", "eia", "ul" };
	char buf[512], *save = NULL, *tok;
	unsigned seen = 0;
	size_t n = strlen(line);

	if (why && why_size)
		why[0] = '\0';
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n >= sizeof(buf)) {
		if (why && why_size)
			snprintf(why, why_size, "longer than %zu characters", sizeof(buf) - 1);
		return -EINVAL;
	}
	memcpy(buf, line, n);
	buf[n] = '\0';
	tok = strtok_r(buf, " \t", &save);
	if (!tok || tok[0] == '#')
		return 1;
	if (strcmp(tok, "ue")) {
		if (why && why_size)
			snprintf(why, why_size, "does not start with 'ue' or '#'");
		return -EINVAL;
	}
	memset(ue, 0, sizeof(*ue));
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			if (why && why_size)
				snprintf(why, why_size, "field '%.32s' is not key=value", tok);
			goto out_bad;
		}
		*eq = '\0';
		if (parse_field(ue, tok, eq + 1, &seen)) {
			if (why && why_size)
				snprintf(why, why_size, "field '%.32s': bad or unknown", tok);
			goto out_bad;
		}
	}
	/* id, imsi, guti, kasme, eia and ul are required; the rest default to 0. */
	if (seen != 63u) {
		for (unsigned i = 0; i < 6; i++)
			if (!(seen & (1u << i))) {
				if (why && why_size)
					snprintf(why, why_size, "field '%s' missing", required[i]);
				break;
			}
		goto out_bad;
	}
	explicit_bzero(buf, sizeof(buf));
	return nasmac__ue_derive(ue);

out_bad:
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(ue, sizeof(*ue));
	return -EINVAL;
}

int nasmac__ue_parse(const char *line, struct nasmac__ue *ue)
{
	return nasmac__ue_parse_why(line, ue, NULL, 0);
}

int nasmac__ue_format(const struct nasmac__ue *ue, char *buf, size_t size)
{
	char guti[2 * NASMAC__GUTI_LEN + 1], kasme[65];
	int n;

	nasmac__hex_encode(ue->guti, NASMAC__GUTI_LEN, guti);
	nasmac__hex_encode(ue->kasme, sizeof(ue->kasme), kasme);
	n = snprintf(buf, size,
		     "ue id=%" PRIu64 " imsi=%s guti=%s ksi=%u kasme=%s eia=%u eea=%u ul=%u dl=%u "
		     "upgraded=%u kamf_by_mme=%u echo5g=%u\n",
		     ue->ue_id, ue->imsi, guti, ue->ksi, kasme, ue->eia, ue->eea, ue->ul_count,
		     ue->dl_count, ue->upgraded, ue->kamf_by_mme, ue->echo5g);
	explicit_bzero(kasme, sizeof(kasme));
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "is a directory, not a file" :
	       S_ISCHR(m) ? "not a regular file (a character device)" :
	       S_ISBLK(m) ? "not a regular file (a block device)" :
	       S_ISFIFO(m) ? "not a regular file (a FIFO)" :
	       S_ISSOCK(m) ? "not a regular file (a socket)" : "not a regular file";
}

int nasmac__ue_db_read(const char *path, int (*cb)(void *arg, const struct nasmac__ue *ue),
		       void *arg, struct nasmac__ue_db_err *err)
{
	char line[512], why[96];
	struct nasmac__ue ue;
	struct stat s;
	uint32_t lineno = 0;
	int rc = 0, fd;
	FILE *f;

	memset(err, 0, sizeof(*err));
	/* O_NONBLOCK: a FIFO must not block the open; the file is refused anyway. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(-rc));
		return rc;
	}
	if (fstat(fd, &s) || !S_ISREG(s.st_mode)) {
		rc = fstat(fd, &s) ? -errno : S_ISDIR(s.st_mode) ? -EISDIR : -EINVAL;
		snprintf(err->msg, sizeof(err->msg), "%s",
			 rc == -EISDIR || rc == -EINVAL ? file_kind(s.st_mode) : strerror(-rc));
		close(fd);
		return rc;
	}
	f = fdopen(fd, "r");
	if (!f) {
		rc = -errno;
		close(fd);
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(-rc));
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		lineno++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			/* Longer than the buffer: a comment is skipped to its end, anything else
			 * is refused (its tail must never be read as a line of its own). */
			int ch;

			if (line[strspn(line, " \t")] != '#') {
				rc = -EINVAL;
				snprintf(err->msg, sizeof(err->msg),
					 "line %u: longer than %zu characters", lineno, n);
				break;
			}
			while ((ch = getc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		rc = nasmac__ue_parse_why(line, &ue, why, sizeof(why));
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc) {
			snprintf(err->msg, sizeof(err->msg), "line %u: %s", lineno,
				 why[0] ? why : "invalid");
			break;
		}
		rc = cb(arg, &ue);
		if (rc) {
			snprintf(err->msg, sizeof(err->msg), "line %u: %s", lineno,
				 rc == -EEXIST ? "GUTI or IMSI already in the db" :
				 rc == -ENOSPC ? "more UEs than the store holds" : strerror(-rc));
			break;
		}
	}
	if (!rc && ferror(f)) {
		rc = -EIO;
		snprintf(err->msg, sizeof(err->msg), "read error after line %u", lineno);
	}
	if (rc)
		err->line = lineno;
	explicit_bzero(&ue, sizeof(ue));
	explicit_bzero(line, sizeof(line));
	fclose(f);
	return rc;
}

static int add_cb(void *arg, const struct nasmac__ue *ue)
{
	return nasmac__store_add(arg, ue);
}

int nasmac__store_load(struct nasmac__store *st, const char *path, uint32_t *bad_line)
{
	struct nasmac__ue_db_err err;
	int rc = nasmac__ue_db_read(path, add_cb, st, &err);

	*bad_line = err.line;
	return rc;
}

/* Not a key and never used as one: 4 octets of HMAC-SHA-256 under the key, so two parties can
 * show in their logs that they hold the same key without printing it. The TS 33.220 B.2 KDF
 * shape with FC 0xff and a label makes it reproducible with `nasmac kdf generic`. */
uint32_t nasmac__key_check(const uint8_t key[32])
{
	static const uint8_t label[] = "nasmac key check value";
	const uint8_t *p[1] = { label };
	const size_t len[1] = { sizeof(label) - 1 };
	uint8_t out[32];
	uint32_t v = 0;

	if (!nasmac_kdf(key, 32, 0xff, p, len, 1, out))
		v = (uint32_t)out[0] << 24 | (uint32_t)out[1] << 16 | (uint32_t)out[2] << 8 | out[3];
	explicit_bzero(out, sizeof(out));
	return v;
}
