/* "redis://HOST:PORT[,HOST:PORT...][/N][?timeout=MS&wait=R]": the store on Redis (Debian
 * redis-server, client libhiredis), shared by every MME of a pool. host/README.md, "A pool-wide
 * store on Redis", says what each durability choice keeps at a failover.
 *
 * Layout, per instance (database N, 0 by default): "nasmac:ue:<GUTI hex>" a hash with the record
 * of store_db.c ("r"), the uplink and downlink COUNTs ("ul", "dl": the record's copies are
 * not read, the fields are the truth) and the record's version ("v", from the instance's
 * counter "nasmac:ver" at each change); "nasmac:id:<UE id>" -> GUTI hex; "nasmac:restart:<MME>"
 * per MME of the pool (its first --gummei, or its --listen address). With several instances a
 * UE lives on instance FNV-1a(GUTI) mod R and its id key on FNV-1a(id) mod R; the restart
 * counters on the first. (Redis Cluster would need hiredis-cluster, which Debian
 * does not ship.)
 *
 * The COUNT advance is a Lua script run atomically by the server (loaded once with SCRIPT LOAD,
 * called with EVALSHA, loaded again on NOSCRIPT): it stores the COUNT only if the record is
 * still of the version the MME verified the MAC with and the COUNT is above the stored one, for
 * up to 128 UEs per call. The MME verifies with the record it holds and looks a UE up only when
 * it holds none, or when the held one proved stale (a MAC failure, an advance answered stale):
 * host/README.md, "A pool-wide store on Redis". A group commit is one
 * pipeline per instance: its EVALSHA calls (and WAIT R when replicas must have it) written at
 * once, then the replies read: one round trip. Lookups likewise (HMGET per UE, one pipeline).
 *
 * Fail closed: every reply must come within the timeout (default 200 ms, SO_RCVTIMEO); a
 * connection that failed is dropped and opened again on a later call, not before a backoff
 * (50 ms doubling to 2 s), so a dead Redis costs a refusal, not a wait. Calls in between fail at
 * once with -ECONNREFUSED. A failed advance reports nothing committed (store.h): the MME sends
 * no context; the server may still have applied some advances, which only makes the UE's next
 * request use a higher COUNT.
 *
 * Two connections per instance: one for advances and for the calls at start (import, restart
 * counter, the index load), one for lookups, because the MME runs its commits and its lookups
 * in two threads of the libuv pool at the same time and a hiredis context is not shared by
 * threads. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "store.h"

#define MAX_SHARDS 16u
#define BACKOFF_MIN_MS 50u
#define BACKOFF_MAX_MS 2000u
#define PREFIX "nasmac:"

/* KEYS[i] a UE's hash, ARGV[2i-1] the COUNT just verified for it, ARGV[2i] the version of the
 * record the MAC was verified with (-1: not checked, the test hook below), i = 1..n (one call
 * for a whole chunk of a group commit: a script call costs the server about 2.8 us whatever it
 * does, an advance inside one far less). Taken in order, so two advances of one UE in a chunk
 * are decided one after the other as two calls would be. -> one integer per UE, COUNT * 4 +
 * ADV_*: taken with the new COUNT, refused with the stored one, stale (the stored record is of
 * another version: nothing done) with the stored one, or no such UE (refused as well). One
 * integer rather than a pair: half the reply elements, each a malloc in the client. The
 * versions are compared as the decimal strings they are (INCR's, the client's "%u"): a number
 * conversion less per UE, ~9 % of the script's server time (a 20,000-UE micro-benchmark). */
enum { ADV_REFUSED = 0, ADV_TAKEN = 1, ADV_STALE = 2, ADV_NO_UE = 3 };
static const char adv_lua[] =
	"local out = {}\n"
	"local call = redis.call\n"
	"for i = 1, #KEYS do\n"
	"  local k = KEYS[i]\n"
	"  local cur = call('HMGET', k, 'ul', 'v')\n"
	"  local s = cur[1]\n"
	"  if not s then out[i] = 3\n"
	"  else\n"
	"    s = tonumber(s)\n"
	"    local a, v = ARGV[2 * i - 1], ARGV[2 * i]\n"
	"    if v ~= (cur[2] or '0') and v ~= '-1' then out[i] = s * 4 + 2\n"
	"    else\n"
	"      local c = tonumber(a)\n"
	"      if c > s then call('HSET', k, 'ul', a) out[i] = c * 4 + 1\n"
	"      else out[i] = s * 4 end\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return out\n";

/* KEYS[1] the UE's hash, KEYS[2] the instance's version counter, ARGV record, ul, dl: the
 * import rule of store.h (keys from the record, the higher of the COUNTs). A record that
 * changes (or is new) takes a new version "v" from the counter: unique on the instance, so a
 * record deleted and created again never takes back a version an MME may hold (a per-record
 * counter would start again at 1). Wraps at 2^32 (an MME would have to hold a record through
 * four billion changes on its instance to see a version again). -> 0 added, 1 updated, 2
 * updated and the stored uplink COUNT kept. */
static const char imp_lua[] =
	"local ul = tonumber(ARGV[2])\n"
	"local dl = tonumber(ARGV[3])\n"
	"local cur = redis.call('HMGET', KEYS[1], 'ul', 'dl', 'r')\n"
	"local st = 0\n"
	"if cur[1] then\n"
	"  st = 1\n"
	"  if tonumber(cur[1]) > ul then ul = tonumber(cur[1]) st = 2 end\n"
	"  if cur[2] and tonumber(cur[2]) > dl then dl = tonumber(cur[2]) end\n"
	"end\n"
	"if st == 0 or cur[3] ~= ARGV[1] or tonumber(cur[2]) ~= dl then\n"
	"  local v = redis.call('INCR', KEYS[2])\n"
	"  if v >= 4294967296 then v = 1 redis.call('SET', KEYS[2], 1) end\n"
	"  redis.call('HSET', KEYS[1], 'v', v)\n"
	"end\n"
	"redis.call('HSET', KEYS[1], 'r', ARGV[1], 'ul', ul, 'dl', dl)\n"
	"return st\n";

struct conn {
	redisContext *c;
	uint64_t next_try_ms;
	uint32_t backoff_ms;
};

struct shard {
	char host[256];
	int port;
	struct conn conn[2]; /* CONN_MAIN, CONN_LOOKUP */
	/* When "authentication failed" was last logged (0: not failing). Both connections of
	 * the shard (two threads) share it: one line per AUTH_LOG_MS however often they retry. */
	uint64_t auth_logged_ms;
};

#define AUTH_LOG_MS 30000u
#define SECRET_MAX 512u

enum { CONN_MAIN = 0, CONN_LOOKUP = 1 };

struct rd {
	struct shard sh[MAX_SHARDS];
	uint32_t n_sh;
	uint32_t dbnum, timeout_ms, wait_replicas;
	char adv_sha[41], imp_sha[41];
	/* Test hook (tests/e2e/redis.sh): NASMAC_TEST_REDIS_NO_VERSION=1 in the environment at
	 * open makes the advance skip the record version check, so that a test shows the attack
	 * that check stops. Read nowhere else. */
	int no_version;
	const char *where;
	/* AUTH on every connect when pass[0]: "AUTH user pass" (Redis 6 ACL) or "AUTH pass".
	 * Wiped at close; never logged (db->where has it masked, store_db.c). */
	char user[128], pass[SECRET_MAX];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint32_t shard_of_guti(const struct rd *r, const uint8_t guti[NASMAC__GUTI_LEN])
{
	return nasmac__store_hash(guti, NASMAC__GUTI_LEN) % r->n_sh;
}

static uint32_t shard_of_id(const struct rd *r, uint64_t id)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(id >> (8 * i));
	return nasmac__store_hash(b, sizeof(b)) % r->n_sh;
}

static void ue_key(const uint8_t guti[NASMAC__GUTI_LEN], char key[64])
{
	memcpy(key, PREFIX "ue:", sizeof(PREFIX "ue:") - 1);
	nasmac__hex_encode(guti, NASMAC__GUTI_LEN, key + sizeof(PREFIX "ue:") - 1);
}

/* quick: a healthy connection that broke without a timeout (the server restarted, a failover
 * closed it): the caller may open it again at once and try its call once more; anything else
 * waits for the backoff. */
static void conn_drop(struct rd *r, struct conn *k, const char *why, int quick)
{
	int healthy = k->c && k->backoff_ms == 0;

	if (k->c) {
		nasmac__log(NASMAC__LOG_WARN, "store %s: connection lost (%s), reconnecting",
			    r->where, why);
		redisFree(k->c);
		k->c = NULL;
	}
	k->backoff_ms = k->backoff_ms ? k->backoff_ms * 2u : BACKOFF_MIN_MS;
	if (k->backoff_ms > BACKOFF_MAX_MS)
		k->backoff_ms = BACKOFF_MAX_MS;
	k->next_try_ms = healthy && quick ? 0 : now_ms() + k->backoff_ms;
}

/* The reply of one command on k, or NULL (the connection is dropped). */
static redisReply *get_reply(struct rd *r, struct conn *k)
{
	void *rep = NULL;

	if (redisGetReply(k->c, &rep) != REDIS_OK || !rep) {
		int timeout = errno == EAGAIN || errno == EWOULDBLOCK;

		conn_drop(r, k, k->c->errstr[0] ? k->c->errstr : "no reply", !timeout);
		return NULL;
	}
	return rep;
}

static int load_script(struct rd *r, struct conn *k, const char *src, char sha[41])
{
	redisReply *rep = redisCommand(k->c, "SCRIPT LOAD %s", src);
	int ok = rep && rep->type == REDIS_REPLY_STRING && rep->len == 40;

	if (ok)
		memcpy(sha, rep->str, 41);
	if (rep)
		freeReplyObject(rep);
	else
		conn_drop(r, k, k->c->errstr, 0);
	return ok ? 0 : -EIO;
}

/* The server refused our credentials (WRONGPASS), wants some we do not have (NOAUTH), or the
 * ACL user may not run what we need (NOPERM): fail closed like a server that is down (the
 * caller refuses the request), retried after the backoff (a password changed on the server
 * and then here is picked up without a restart), logged once per AUTH_LOG_MS. */
static int auth_failed(struct rd *r, uint32_t s, struct conn *k, redisReply *rep)
{
	struct shard *sh = &r->sh[s];
	uint64_t now = now_ms(), last = __atomic_load_n(&sh->auth_logged_ms, __ATOMIC_RELAXED);

	if ((!last || now - last >= AUTH_LOG_MS) &&
	    __atomic_compare_exchange_n(&sh->auth_logged_ms, &last, now ? now : 1, 0,
					__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		nasmac__log(NASMAC__LOG_ERR,
			    "redis %s:%d: authentication failed (%.80s); requests are refused until "
			    "it succeeds (store %s)",
			    sh->host, sh->port, rep->str, r->where);
	freeReplyObject(rep);
	redisFree(k->c);
	k->c = NULL;
	conn_drop(r, k, "", 0); /* the backoff: no tight loop against a server that says no */
	return -EACCES;
}

/* A usable connection to instance s, or -ECONNREFUSED (down, or still in its backoff). */
static int conn_get(struct rd *r, uint32_t s, int which, struct conn **out)
{
	struct shard *sh = &r->sh[s];
	struct conn *k = &sh->conn[which];
	struct timeval tv = { (time_t)(r->timeout_ms / 1000u),
			      (suseconds_t)(r->timeout_ms % 1000u) * 1000 };
	redisReply *rep;

	*out = k;
	if (k->c)
		return 0;
	if (now_ms() < k->next_try_ms)
		return -ECONNREFUSED;
	k->c = redisConnectWithTimeout(sh->host, sh->port, tv);
	if (!k->c || k->c->err) {
		if (k->c && k->backoff_ms == 0)
			nasmac__log(NASMAC__LOG_WARN, "store %s: cannot connect to %s:%d: %s",
				    r->where, sh->host, sh->port, k->c->errstr);
		if (k->c)
			redisFree(k->c);
		k->c = NULL;
		conn_drop(r, k, "", 0);
		return -ECONNREFUSED;
	}
	redisSetTimeout(k->c, tv);
	redisEnableKeepAlive(k->c);
	if (r->pass[0]) {
		rep = r->user[0] ? redisCommand(k->c, "AUTH %s %s", r->user, r->pass)
				 : redisCommand(k->c, "AUTH %s", r->pass);
		if (!rep) {
			conn_drop(r, k, k->c->errstr, 0);
			return -EIO;
		}
		if (rep->type == REDIS_REPLY_ERROR)
			return auth_failed(r, s, k, rep);
		freeReplyObject(rep);
	}
	rep = redisCommand(k->c, "SELECT %u", r->dbnum);
	if (rep && rep->type == REDIS_REPLY_ERROR &&
	    (!strncmp(rep->str, "NOAUTH", 6) || !strncmp(rep->str, "NOPERM", 6)))
		return auth_failed(r, s, k, rep); /* a server that wants a password we lack */
	if (!rep || rep->type == REDIS_REPLY_ERROR) {
		if (rep)
			freeReplyObject(rep);
		conn_drop(r, k, "SELECT failed", 0);
		return -EIO;
	}
	freeReplyObject(rep);
	/* Loaded on every connect: the instance may be a fresh one (restart without the script
	 * cache, a failover); the SHA1 is the same everywhere. */
	if (load_script(r, k, adv_lua, r->adv_sha) || load_script(r, k, imp_lua, r->imp_sha))
		return -EIO;
	if (k->backoff_ms)
		nasmac__log(NASMAC__LOG_INFO, "store %s: %s:%d reachable again", r->where,
			    sh->host, sh->port);
	k->backoff_ms = 0;
	__atomic_store_n(&sh->auth_logged_ms, 0, __ATOMIC_RELAXED);
	return 0;
}

/* The password from a file only its owner may read (so that it is neither on the command line
 * nor in `ps`): its first line, without the line end. */
static int read_password_file(struct rd *r, const char *path)
{
	char buf[SECRET_MAX + 2];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), rc = 0;

	if (fd < 0) {
		rc = -errno;
		nasmac__log(NASMAC__LOG_ERR, "store %s: password file %s: %s", r->where, path,
			    strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		nasmac__log(NASMAC__LOG_ERR, "store %s: password file %s: not a regular file",
			    r->where, path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		nasmac__log(NASMAC__LOG_ERR,
			    "store %s: password file %s is mode %03o: refused, it must be readable "
			    "by its owner only (chmod 0600)",
			    r->where, path, (unsigned)(st.st_mode & 0777));
		close(fd);
		return -EACCES;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		rc = -errno;
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	/* Not -EINVAL: that one is the URI's syntax (the caller then prints the usage). */
	if (!rc && (!buf[0] || strlen(buf) >= sizeof(r->pass)))
		rc = -ENODATA;
	if (rc)
		nasmac__log(NASMAC__LOG_ERR, "store %s: password file %s: %s", r->where, path,
			    rc == -ENODATA ? "empty, or a first line longer than 511 characters"
					   : strerror(-rc));
	else
		memcpy(r->pass, buf, strlen(buf) + 1);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/* "USER:PASSWORD", ":PASSWORD" or "USER" (its password from password_file). */
static int parse_userinfo(struct rd *r, const char *ui)
{
	const char *colon = strchr(ui, ':');
	size_t ul = colon ? (size_t)(colon - ui) : strlen(ui);

	if (ul >= sizeof(r->user) || (colon && (!colon[1] || strlen(colon + 1) >= sizeof(r->pass))))
		return -EINVAL;
	memcpy(r->user, ui, ul);
	r->user[ul] = '\0';
	if (colon)
		memcpy(r->pass, colon + 1, strlen(colon + 1) + 1);
	return !r->user[0] && !r->pass[0] ? -EINVAL : 0;
}

static int parse_uri(struct rd *r, const char *arg)
{
	char buf[1024], *p, *q, *at, *hosts, *save = NULL;
	const char *pwfile = NULL;
	uint32_t v;
	int rc = 0;

	if (strncmp(arg, "//", 2) || strlen(arg + 2) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", arg + 2);
	r->timeout_ms = 200;
	q = strchr(buf, '?');
	if (q) {
		*q++ = '\0';
		for (char *kv = strtok_r(q, "&", &save); kv && !rc;
		     kv = strtok_r(NULL, "&", &save)) {
			if (!strncmp(kv, "timeout=", 8) && !nasmac__parse_u32(kv + 8, 1, 60000, &v))
				r->timeout_ms = v;
			else if (!strncmp(kv, "wait=", 5) && !nasmac__parse_u32(kv + 5, 0, 16, &v))
				r->wait_replicas = v;
			else if (!strncmp(kv, "password_file=", 14) && kv[14])
				pwfile = kv + 14;
			else
				rc = -EINVAL;
		}
	}
	/* The last '@': a password may hold '@', ':', ',' or '/' (not '?': password_file). */
	at = strrchr(buf, '@');
	if (!rc && at) {
		*at = '\0';
		rc = parse_userinfo(r, buf);
		memmove(buf, at + 1, strlen(at + 1) + 1);
	}
	/* One password, from the URI or from the file; a user alone needs the file. */
	if (!rc && (pwfile ? r->pass[0] != '\0' : r->user[0] && !r->pass[0]))
		rc = -EINVAL;
	if (!rc && pwfile)
		rc = read_password_file(r, pwfile);
	explicit_bzero(buf + strlen(buf), sizeof(buf) - strlen(buf));
	if (rc)
		return rc;
	p = strchr(buf, '/');
	if (p) {
		*p++ = '\0';
		if (nasmac__parse_u32(p, 0, 15, &r->dbnum))
			return -EINVAL;
	}
	hosts = buf;
	save = NULL;
	for (char *h = strtok_r(hosts, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(h, ':');
		struct shard *sh;

		if (r->n_sh == MAX_SHARDS || !colon || colon == h ||
		    (size_t)(colon - h) >= sizeof(sh->host) ||
		    nasmac__parse_u32(colon + 1, 1, 65535, &v))
			return -EINVAL;
		sh = &r->sh[r->n_sh++];
		memcpy(sh->host, h, (size_t)(colon - h));
		sh->port = (int)v;
	}
	return r->n_sh ? 0 : -EINVAL;
}

static void rd_close(struct nasmac__db *db)
{
	struct rd *r = db->priv;

	for (uint32_t s = 0; s < r->n_sh; s++)
		for (int w = 0; w < 2; w++)
			if (r->sh[s].conn[w].c)
				redisFree(r->sh[s].conn[w].c);
	explicit_bzero(r->pass, sizeof(r->pass));
	free(r);
}

static int rd_open(struct nasmac__db *db, const char *arg, const struct nasmac__db_opts *o)
{
	struct rd *r = calloc(1, sizeof(*r));
	struct conn *k;
	int rc;

	(void)o;
	if (!r)
		return -ENOMEM;
	db->priv = r;
	r->where = db->where;
	rc = parse_uri(r, arg);
	if (rc) {
		if (rc == -EINVAL)
			nasmac__log(NASMAC__LOG_ERR,
				    "store %s: expected redis://[[USER]:PASSWORD@]HOST:PORT"
				    "[,HOST:PORT...][/N][?timeout=MS&wait=R&password_file=PATH]",
				    db->where);
		goto out_free;
	}
	/* At start every instance must answer: an MME does not begin serving on a store it
	 * cannot reach. */
	for (uint32_t s = 0; s < r->n_sh; s++) {
		rc = conn_get(r, s, CONN_MAIN, &k);
		if (rc)
			goto out_free;
	}
	if (getenv("NASMAC_TEST_REDIS_NO_VERSION")) {
		r->no_version = 1;
		nasmac__log(NASMAC__LOG_WARN, "store %s: NASMAC_TEST_REDIS_NO_VERSION: the COUNT "
			    "advance does not check the record version (tests only)", db->where);
	}
	db->durable = 1;
	db->remote = 1;
	return 0;

out_free:
	rd_close(db);
	db->priv = NULL;
	return rc;
}

/* The fields a lookup reads: the record, the COUNTs, the version (none: 0, a record written
 * before there were versions). */
#define HMGET_FIELDS "r ul dl v"

/* Fills *out from an HMGET HMGET_FIELDS reply: 0, -ENOENT, or -EIO (not ours). */
static int decode_hmget(const redisReply *rep, struct nasmac__ue *out)
{
	uint32_t ul, dl, ver = 0;

	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 4)
		return -EIO;
	if (rep->element[0]->type != REDIS_REPLY_STRING)
		return -ENOENT;
	if (rep->element[1]->type != REDIS_REPLY_STRING ||
	    rep->element[2]->type != REDIS_REPLY_STRING ||
	    nasmac__parse_u32(rep->element[1]->str, 0, NASMAC__COUNT_MASK, &ul) ||
	    nasmac__parse_u32(rep->element[2]->str, 0, NASMAC__COUNT_MASK, &dl) ||
	    nasmac__db_rec_decode((const uint8_t *)rep->element[0]->str, rep->element[0]->len,
				  out) ||
	    (rep->element[3]->type == REDIS_REPLY_STRING &&
	     nasmac__parse_u32(rep->element[3]->str, 0, UINT32_MAX, &ver)))
		return -EIO;
	out->ul_count = ul;
	out->dl_count = dl;
	out->ver = ver;
	out->state = NASMAC__UE_IDLE;
	return 0;
}

/* One pipelined HMGET per UE on each instance, all written before any reply is read. */
static int rd_get_many_on(struct nasmac__db *db, int which,
			  const uint8_t (*gutis)[NASMAC__GUTI_LEN], uint32_t n,
			  struct nasmac__ue *out, int *res)
{
	struct rd *r = db->priv;
	struct conn *k[MAX_SHARDS];
	char key[64];
	int rc = 0;

	for (uint32_t i = 0; i < n; i++)
		res[i] = -EIO; /* not answered (yet) */
	for (uint32_t s = 0; s < r->n_sh; s++) {
		int e = conn_get(r, s, which, &k[s]);
		if (e)
			return e;
	}
	for (uint32_t i = 0; i < n; i++) {
		ue_key(gutis[i], key);
		redisAppendCommand(k[shard_of_guti(r, gutis[i])]->c, "HMGET %s " HMGET_FIELDS, key);
	}
	for (uint32_t i = 0; i < n; i++) {
		struct conn *c = k[shard_of_guti(r, gutis[i])];
		redisReply *rep;

		if (!c->c) {
			res[i] = -EIO;
			rc = -EIO;
			continue;
		}
		rep = get_reply(r, c);
		if (!rep) {
			res[i] = -EIO;
			rc = -EIO;
			continue;
		}
		res[i] = decode_hmget(rep, &out[i]);
		freeReplyObject(rep);
	}
	return rc;
}

static int rd_get_many(struct nasmac__db *db, const uint8_t (*gutis)[NASMAC__GUTI_LEN],
		       uint32_t n, struct nasmac__ue *out, int *res)
{
	int rc = rd_get_many_on(db, CONN_LOOKUP, gutis, n, out, res);

	/* A connection that broke at once (conn_drop's quick case) is opened again now. */
	return rc == -EIO ? rd_get_many_on(db, CONN_LOOKUP, gutis, n, out, res) : rc;
}

static int rd_get(struct nasmac__db *db, const uint8_t guti[NASMAC__GUTI_LEN],
		  struct nasmac__ue *out)
{
	int res = -EIO;
	int rc = rd_get_many_on(db, CONN_MAIN, (const uint8_t(*)[NASMAC__GUTI_LEN])guti, 1, out,
				&res);

	return rc ? rc : res;
}

static int rd_get_id(struct nasmac__db *db, uint64_t id, struct nasmac__ue *out)
{
	struct rd *r = db->priv;
	uint8_t guti[NASMAC__GUTI_LEN];
	redisReply *rep;
	struct conn *k;
	int rc = conn_get(r, shard_of_id(r, id), CONN_MAIN, &k);

	if (rc)
		return rc;
	rep = redisCommand(k->c, "GET " PREFIX "id:%" PRIu64, id);
	if (!rep) {
		conn_drop(r, k, k->c->errstr, 0);
		return -EIO;
	}
	rc = rep->type != REDIS_REPLY_STRING ? -ENOENT :
	     nasmac__hex_decode(rep->str, guti, sizeof(guti)) ? -EIO : 0;
	freeReplyObject(rep);
	return rc ? rc : rd_get(db, guti, out);
}

/* Imports in chunks: one pipeline of the import script per chunk, then one of the id keys
 * (SET ... GET gives the GUTI a UE id had before: its old record goes). */
#define IMPORT_CHUNK 1024u

static int rd_import(struct nasmac__db *db, const struct nasmac__ue *ues, uint32_t n,
		     struct nasmac__db_import_stats *st)
{
	struct rd *r = db->priv;
	struct conn *k[MAX_SHARDS];
	uint8_t rec[NASMAC__DB_REC_LEN];
	char key[64], hex[2 * NASMAC__GUTI_LEN + 1];
	int rc = 0;

	for (uint32_t s = 0; s < r->n_sh; s++) {
		rc = conn_get(r, s, CONN_MAIN, &k[s]);
		if (rc)
			return rc;
	}
	for (uint32_t base = 0; base < n && !rc; base += IMPORT_CHUNK) {
		uint32_t m = n - base < IMPORT_CHUNK ? n - base : IMPORT_CHUNK;

		for (uint32_t i = base; i < base + m; i++) {
			ue_key(ues[i].guti, key);
			nasmac__db_rec_encode(&ues[i], rec);
			redisAppendCommand(k[shard_of_guti(r, ues[i].guti)]->c,
					   "EVALSHA %s 2 %s " PREFIX "ver %b %u %u",
					   r->imp_sha, key, rec,
					   (size_t)NASMAC__DB_REC_LEN, ues[i].ul_count,
					   ues[i].dl_count);
			nasmac__hex_encode(ues[i].guti, NASMAC__GUTI_LEN, hex);
			redisAppendCommand(k[shard_of_id(r, ues[i].ue_id)]->c,
					   "SET " PREFIX "id:%" PRIu64 " %s GET", ues[i].ue_id,
					   hex);
		}
		explicit_bzero(rec, sizeof(rec));
		for (uint32_t i = base; i < base + m; i++) {
			redisReply *a = NULL, *b = NULL;

			if (k[shard_of_guti(r, ues[i].guti)]->c)
				a = get_reply(r, k[shard_of_guti(r, ues[i].guti)]);
			if (k[shard_of_id(r, ues[i].ue_id)]->c)
				b = get_reply(r, k[shard_of_id(r, ues[i].ue_id)]);
			if (!a || !b || a->type != REDIS_REPLY_INTEGER) {
				if (a && a->type == REDIS_REPLY_ERROR)
					nasmac__log(NASMAC__LOG_ERR, "store %s: import: %s",
						    r->where, a->str);
				rc = -EIO;
			} else {
				st->added += a->integer == 0;
				st->updated += a->integer != 0;
				st->kept_count += a->integer == 2;
				nasmac__hex_encode(ues[i].guti, NASMAC__GUTI_LEN, hex);
				if (b->type == REDIS_REPLY_STRING && strcmp(b->str, hex)) {
					/* The UE's previous GUTI: its record goes. */
					uint8_t old[NASMAC__GUTI_LEN];
					redisReply *d;
					struct conn *c;

					if (!nasmac__hex_decode(b->str, old, sizeof(old))) {
						c = k[shard_of_guti(r, old)];
						ue_key(old, key);
						d = c->c ? redisCommand(c->c, "DEL %s", key) : NULL;
						if (d)
							freeReplyObject(d);
					}
				}
			}
			if (a)
				freeReplyObject(a);
			if (b)
				freeReplyObject(b);
		}
	}
	return rc;
}

/* Advances per script call: bounds the stack arrays below and the time one call holds the
 * server (Redis runs a script to its end before any other command). */
#define ADV_CHUNK 128u

/* chunk_next: from *i on, the next up to ADV_CHUNK advances of shard s, their indices in idx;
 * returns how many (0: none left). The append pass and the reply pass walk the same chunks. */
static uint32_t chunk_next(struct rd *r, const struct nasmac__db_adv *adv, uint32_t n,
			   uint32_t s, uint32_t *i, uint32_t idx[ADV_CHUNK])
{
	uint32_t m = 0;

	for (; *i < n && m < ADV_CHUNK; (*i)++)
		if (shard_of_guti(r, adv[*i].guti) == s)
			idx[m++] = *i;
	return m;
}

/* The group commit: per instance one pipeline of EVALSHA calls, each advancing a chunk of
 * UEs (and WAIT when replicas must hold them), one round trip. */
static int rd_advance_once(struct nasmac__db *db, struct nasmac__db_adv *adv, uint32_t n)
{
	struct rd *r = db->priv;
	struct conn *k[MAX_SHARDS];
	uint32_t used = 0, idx[ADV_CHUNK];
	char keys[ADV_CHUNK][64], counts[ADV_CHUNK][12], vers[ADV_CHUNK][12], nkeys[12];
	const char *argv[3 + 3 * ADV_CHUNK];
	size_t argl[3 + 3 * ADV_CHUNK];
	int rc = 0, noscript = 0;

	for (uint32_t i = 0; i < n; i++) {
		adv[i].ok = 0;
		adv[i].stale = 0;
		used |= 1u << shard_of_guti(r, adv[i].guti);
	}
	for (uint32_t s = 0; s < r->n_sh; s++) {
		if (!(used & (1u << s)))
			continue;
		rc = conn_get(r, s, CONN_MAIN, &k[s]);
		if (rc)
			return rc;
	}
	for (uint32_t s = 0; s < r->n_sh; s++) {
		uint32_t m, i = 0;

		if (!(used & (1u << s)))
			continue;
		while ((m = chunk_next(r, adv, n, s, &i, idx))) {
			argv[0] = "EVALSHA";
			argv[1] = r->adv_sha;
			snprintf(nkeys, sizeof(nkeys), "%u", m);
			argv[2] = nkeys;
			for (uint32_t j = 0; j < m; j++) {
				ue_key(adv[idx[j]].guti, keys[j]);
				snprintf(counts[j], sizeof(counts[j]), "%u", adv[idx[j]].count);
				if (r->no_version)
					snprintf(vers[j], sizeof(vers[j]), "-1");
				else
					snprintf(vers[j], sizeof(vers[j]), "%u", adv[idx[j]].ver);
				argv[3 + j] = keys[j];
				argv[3 + m + 2 * j] = counts[j];
				argv[3 + m + 2 * j + 1] = vers[j];
			}
			for (uint32_t j = 0; j < 3 + 3 * m; j++)
				argl[j] = strlen(argv[j]);
			redisAppendCommandArgv(k[s]->c, (int)(3 + 3 * m), argv, argl);
		}
		if (r->wait_replicas)
			redisAppendCommand(k[s]->c, "WAIT %u %u", r->wait_replicas, r->timeout_ms);
	}
	for (uint32_t s = 0; s < r->n_sh; s++) {
		uint32_t m, i = 0;

		if (!(used & (1u << s)))
			continue;
		while ((m = chunk_next(r, adv, n, s, &i, idx))) {
			redisReply *rep;

			if (!k[s]->c || !(rep = get_reply(r, k[s]))) {
				rc = -EIO;
				continue;
			}
			if (rep->type == REDIS_REPLY_ARRAY && rep->elements == (size_t)m) {
				for (uint32_t j = 0; j < m; j++) {
					redisReply *t = rep->element[j];
					struct nasmac__db_adv *a = &adv[idx[j]];
					long long code;

					if (t->type != REDIS_REPLY_INTEGER || t->integer < 0) {
						rc = -EIO;
						continue;
					}
					code = t->integer & 3;
					a->ok = code == ADV_TAKEN;
					a->stale = code == ADV_STALE;
					a->stored = code == ADV_NO_UE ? a->count
								      : (uint32_t)(t->integer >> 2);
				}
			} else {
				if (rep->type == REDIS_REPLY_ERROR && !strncmp(rep->str, "NOSCRIPT", 8))
					noscript = 1;
				rc = -EIO;
			}
			freeReplyObject(rep);
		}
		if (r->wait_replicas) {
			redisReply *rep;

			if (!k[s]->c || !(rep = get_reply(r, k[s]))) {
				rc = -EIO;
				continue;
			}
			/* Fewer replicas than asked hold it: the primary's failover could lose it. */
			if (rep->type != REDIS_REPLY_INTEGER ||
			    rep->integer < (long long)r->wait_replicas)
				rc = -ETIMEDOUT;
			freeReplyObject(rep);
		}
	}
	if (noscript) {
		/* The instance forgot the script (SCRIPT FLUSH, a restart, a failover): the
		 * connection loads it again when it is opened again; nothing was committed by
		 * the refused calls, and this batch is answered as failed. */
		for (uint32_t s = 0; s < r->n_sh; s++)
			if ((used & (1u << s)) && k[s]->c)
				conn_drop(r, k[s], "NOSCRIPT", 1);
	}
	if (rc)
		for (uint32_t i = 0; i < n; i++)
			adv[i].ok = 0;
	return rc;
}

/* A connection that broke at once (a restarted server) is opened again and the batch sent
 * again. Safe: an advance the first try applied is refused the second time (not above the
 * stored COUNT), so at worst a request is refused, never a COUNT taken twice. */
static int rd_advance(struct nasmac__db *db, struct nasmac__db_adv *adv, uint32_t n)
{
	int rc = rd_advance_once(db, adv, n);

	return rc == -EIO ? rd_advance_once(db, adv, n) : rc;
}

/* SCAN over the UE keys of each instance, each page's records read with one pipeline. */
static int rd_scan(struct nasmac__db *db, int (*cb)(void *arg, const struct nasmac__ue *ue),
		   void *arg, uint64_t *count)
{
	struct rd *r = db->priv;
	struct nasmac__ue ue;
	int rc = 0;

	for (uint32_t s = 0; s < r->n_sh && !rc; s++) {
		char cursor[32] = "0";
		struct conn *k;

		rc = conn_get(r, s, CONN_MAIN, &k);
		do {
			redisReply *page;

			if (rc)
				break;
			page = redisCommand(k->c, "SCAN %s MATCH " PREFIX "ue:* COUNT 1000",
					    cursor);
			if (!page || page->type != REDIS_REPLY_ARRAY || page->elements != 2) {
				if (!page)
					conn_drop(r, k, k->c->errstr, 0);
				else
					freeReplyObject(page);
				rc = -EIO;
				break;
			}
			snprintf(cursor, sizeof(cursor), "%s", page->element[0]->str);
			if (count)
				*count += page->element[1]->elements;
			for (size_t i = 0; cb && i < page->element[1]->elements; i++)
				redisAppendCommand(k->c, "HMGET %s " HMGET_FIELDS,
						   page->element[1]->element[i]->str);
			for (size_t i = 0; cb && i < page->element[1]->elements; i++) {
				redisReply *rep = k->c ? get_reply(r, k) : NULL;
				int e;

				if (!rep) {
					rc = -EIO;
					continue;
				}
				e = decode_hmget(rep, &ue);
				freeReplyObject(rep);
				if (e == -ENOENT) /* deleted since the SCAN page */
					continue;
				if (!rc)
					rc = e ? 1 : cb(arg, &ue);
			}
			freeReplyObject(page);
		} while (strcmp(cursor, "0"));
	}
	explicit_bzero(&ue, sizeof(ue));
	return rc;
}

static int rd_foreach(struct nasmac__db *db, int (*cb)(void *arg, const struct nasmac__ue *ue),
		      void *arg)
{
	return rd_scan(db, cb, arg, NULL);
}

static uint64_t rd_count(struct nasmac__db *db)
{
	uint64_t n = 0;

	return rd_scan(db, NULL, NULL, &n) ? 0 : n;
}

static int rd_bump_restart(struct nasmac__db *db, const char *who, uint32_t *out)
{
	struct rd *r = db->priv;
	redisReply *rep;
	struct conn *k;
	int rc = conn_get(r, 0, CONN_MAIN, &k);

	if (rc)
		return rc;
	/* nasmac:restart, or nasmac:restart:WHO (one per MME of the pool), whose first value goes
	 * on from nasmac:restart (what a store written before there was one per MME holds: a
	 * peer must see the restart as a new value). Once per start: EVAL, not a loaded script. */
	rep = who && *who ? redisCommand(k->c,
					 "EVAL %s 2 " PREFIX "restart:%s " PREFIX "restart",
					 "local v = redis.call('GET', KEYS[1]) or "
					 "redis.call('GET', KEYS[2]) or 0 "
					 "v = tonumber(v) + 1 redis.call('SET', KEYS[1], v) return v",
					 who)
			  : redisCommand(k->c, "INCR " PREFIX "restart");
	if (!rep) {
		conn_drop(r, k, k->c->errstr, 0);
		return -EIO;
	}
	rc = rep->type == REDIS_REPLY_INTEGER ? 0 : -EIO;
	if (!rc)
		*out = (uint32_t)rep->integer;
	freeReplyObject(rep);
	return rc;
}

const struct nasmac__db_ops nasmac__db_redis_ops = {
	.scheme = "redis",
	.open = rd_open,
	.get = rd_get,
	.get_id = rd_get_id,
	.get_many = rd_get_many,
	.import = rd_import,
	.advance = rd_advance,
	.foreach = rd_foreach,
	.bump_restart = rd_bump_restart,
	.count = rd_count,
	.close = rd_close,
};
