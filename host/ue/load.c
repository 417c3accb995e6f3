/*
 * `nasmac load`: N simulated UEs register with an AMF over the test link, a window of them at a
 * time. Each UE knows what must happen to it (registered, or rejected for a tampered MAC, a
 * replay, an unknown context) and every outcome is checked; anything else is "unexpected".
 * A replayed UE first registers, then an attacker sends its initial frame again, as captured.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ue.h"

#define REPLAY_BIT ((uint64_t)1 << 62)

struct load {
	uv_loop_t loop;
	struct nasmac__udp udp;
	uv_timer_t tick;
	struct sockaddr_in amf;
	const struct nasmac__load_opts *o;
	struct nasmac__uesim *ues; /* o->ues legitimate + replay attackers */
	uint32_t n, next, done;
	uint32_t *active, n_active;
	uint32_t *queue, q_head, q_tail; /* attempts ready to start (replays join at the end) */
	uint64_t t0, last_progress;
	struct nasmac__load_result *res;
};

void nasmac__load_defaults(struct nasmac__load_opts *o)
{
	*o = (struct nasmac__load_opts){
		.ues = 1000,
		.upgraded = 0.5,
		.kamf_by_mme = 0.5,
		.seed = 1,
		.window = 128,
		.timeout_ms = 10000,
		.amf = "127.0.0.1:38412",
		.mmes = 1,
		.progress = 1,
	};
}

int nasmac__load_opt(struct nasmac__load_opts *o, const char *name, const char *val)
{
	uint32_t v;
	double d;

	if (!strcmp(name, "mmes"))
		return nasmac__parse_u32(val, 1, NASMAC__LOAD_MAX_MMES, &o->mmes) ? -1 : 1;
	if (!strcmp(name, "ues"))
		return nasmac__parse_u32(val, 1, 10000000, &o->ues) ? -1 : 1;
	if (!strcmp(name, "allow-overload")) {
		o->allow_overload = 1;
		return 1;
	}
	if (!strcmp(name, "tampered") || !strcmp(name, "replayed") || !strcmp(name, "unknown") ||
	    !strcmp(name, "upgraded") || !strcmp(name, "kamf-by-mme") ||
	    !strcmp(name, "echo-mismatch") || !strcmp(name, "unknown-gummei")) {
		if (nasmac__parse_double(val, 0.0, 1.0, &d))
			return -1;
		if (!strcmp(name, "tampered"))
			o->tampered = d;
		else if (!strcmp(name, "replayed"))
			o->replayed = d;
		else if (!strcmp(name, "unknown"))
			o->unknown = d;
		else if (!strcmp(name, "upgraded"))
			o->upgraded = d;
		else if (!strcmp(name, "echo-mismatch"))
			o->echo_mismatch = d;
		else if (!strcmp(name, "unknown-gummei"))
			o->unknown_gummei = d;
		else
			o->kamf_by_mme = d;
		return 1;
	}
	if (!strcmp(name, "mode")) {
		if (!strcmp(val, "patent"))
			o->mode_3gpp = 0;
		else if (!strcmp(val, "3gpp"))
			o->mode_3gpp = 1;
		else
			return -1;
		return 1;
	}
	if (!strcmp(name, "manner"))
		return nasmac__parse_u32(val, 0, 4, &o->manner) ? -1 : 1;
	if (!strcmp(name, "seed")) {
		if (nasmac__parse_u32(val, 0, UINT32_MAX, &v))
			return -1;
		o->seed = v;
		return 1;
	}
	if (!strcmp(name, "window"))
		return nasmac__parse_u32(val, 1, 65536, &o->window) ? -1 : 1;
	if (!strcmp(name, "timeout-ms"))
		return nasmac__parse_u32(val, 10, 600000, &o->timeout_ms) ? -1 : 1;
	return 0;
}

/* xorshift64*: reproducible UEs from the seed (not for keys anyone relies on). */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static int chance(uint64_t *s, double p)
{
	return (double)(rnd(s) >> 11) * (1.0 / 9007199254740992.0) < p;
}

void nasmac__load_gummei(uint32_t k, struct nasmac__gummei *g)
{
	(void)nasmac__gummei_make(1, 1, 2, NASMAC__LOAD_MMEGI, (uint8_t)(NASMAC__LOAD_MMEC0 + k), g);
}

int nasmac__load_make(const struct nasmac__load_opts *o, struct nasmac__uesim **out)
{
	uint64_t s = o->seed * 0x9e3779b97f4a7c15ull + 0x1234567u;
	uint32_t n_replay = 0, k = 0;
	struct nasmac__uesim *ues;

	ues = calloc((size_t)o->ues * 2, sizeof(*ues));
	if (!ues)
		return -ENOMEM;
	for (uint32_t i = 0; i < o->ues; i++) {
		struct nasmac__uesim *u = &ues[i];
		struct nasmac__ue *c = &u->ctx;
		uint64_t r;

		c->ue_id = i + 1;
		u->link_id = i + 1;
		snprintf(c->imsi, sizeof(c->imsi), "00101%010u", i + 1);
		{
			struct nasmac__gummei g;

			/* The pool's MMEs in turn (one MME: all of them MMEC 0x4a). */
			nasmac__load_gummei(i % (o->mmes ? o->mmes : 1), &g);
			memcpy(c->guti, g.id, NASMAC__GUMMEI_LEN);
		}
		r = rnd(&s);
		c->guti[6] = (uint8_t)(0xc0 | (i >> 24));
		c->guti[7] = (uint8_t)(i >> 16);
		c->guti[8] = (uint8_t)(i >> 8);
		c->guti[9] = (uint8_t)i;
		for (size_t b = 0; b < sizeof(c->kasme); b += 8) {
			uint64_t w = rnd(&s);
			memcpy(c->kasme + b, &w, 8);
		}
		c->ksi = (uint8_t)(r % 7);
		c->eia = (uint8_t)(1 + (r >> 8) % 3);
		c->eea = 0;
		/* Mostly small COUNTs, some just below an SQN wrap, a few with a high overflow.
		 * Never within reach of the 24-bit end: past 0xffffff the COUNT would repeat under
		 * the same K_NASint, which replay protection (TS 33.401 8.1.1: each COUNT accepted
		 * once) refuses, so a real network re-keys first. A FIG. 2 UE uses two COUNTs:
		 * the highest stored one leaves room for both. */
		switch ((r >> 16) % 4) {
		case 0: c->ul_count = (uint32_t)((r >> 24) % 200); break;
		case 1: c->ul_count = 0xff + (uint32_t)(((r >> 24) % 4) << 8) - 1; break;
		case 2: c->ul_count = (uint32_t)((r >> 24) & 0xffff); break;
		default: c->ul_count = 0xfffe00 + (uint32_t)((r >> 24) % 0x1f0); break;
		}
		c->dl_count = (uint32_t)((r >> 40) & 0xfff);
		/* FIG. 4: the UE learned at attach whether its MME echoed the 5G capability. */
		c->upgraded = (uint8_t)chance(&s, o->upgraded);
		c->echo5g = c->upgraded;
		/* The MME changed since the attach (FIG. 4 decided on stale knowledge): a UE that
		 * takes FIG. 3 to a legacy MME is refused (it sees no Complete Request Message:
		 * "Conditional IE missing"), one that takes FIG. 2 to an upgraded MME registers (it
		 * still verifies a TAU Request). */
		if (chance(&s, o->echo_mismatch))
			c->echo5g = (uint8_t)!c->upgraded;
		c->kamf_by_mme = (uint8_t)(c->upgraded && chance(&s, o->kamf_by_mme));
		(void)nasmac__ue_derive(c);
		u->in_db = !chance(&s, o->unknown);
		if (o->mode_3gpp) {
			u->flow = NASMAC__FLOW_3GPP;
		} else {
			u->flow = c->echo5g ? NASMAC__FLOW_FIG3 : NASMAC__FLOW_FIG2;
			u->manner = (uint8_t)(o->manner ? o->manner : 1 + i % 4);
		}
		u->expect = NASMAC__DIAG_NONE;
		/* (Drawn only when asked for, so the UEs of a seed stay what they were without.) */
		if (o->unknown_gummei > 0.0 && chance(&s, o->unknown_gummei)) {
			/* The AMF has no MME for its GUMMEI: #9 without asking any MME. */
			c->guti[3] = (uint8_t)(NASMAC__LOAD_MMEGI_NONE >> 8);
			c->guti[4] = (uint8_t)NASMAC__LOAD_MMEGI_NONE;
			u->expect = NASMAC__DIAG_UNKNOWN;
		} else if (!u->in_db) {
			u->expect = NASMAC__DIAG_UNKNOWN;
		} else if (u->flow == NASMAC__FLOW_FIG3 && !c->upgraded) {
			u->expect = NASMAC__DIAG_OTHER;
		} else if (chance(&s, o->tampered)) {
			/* FIG. 2 has two MACs: alternate which one the UE spoils. */
			u->tamper = u->flow == NASMAC__FLOW_FIG2 && (k++ & 1) ? NASMAC__TAMPER_SECOND
									      : NASMAC__TAMPER_FIRST;
			u->expect = NASMAC__DIAG_MAC;
		} else if (chance(&s, o->replayed)) {
			/* Registers, then gets replayed by an attacker (made when it finishes). */
			struct nasmac__uesim *a = &ues[o->ues + n_replay++];
			u->attacker = o->ues + n_replay;
			a->link_id = REPLAY_BIT | (i + 1);
			a->ctx.ue_id = i; /* index of the victim */
			a->expect = NASMAC__DIAG_REPLAY;
			a->in_db = 1;
		}
	}
	*out = ues;
	return (int)(o->ues + n_replay);
}

int nasmac__load_write_db(const struct nasmac__uesim *ues, uint32_t n, const char *path)
{
	char line[512];
	FILE *f = nasmac__fopen_private(path); /* K_ASME inside: 0600 */
	int rc = 0;

	if (!f)
		return -errno;
	fprintf(f, "# nasmac UE db: EPS security contexts shared by the UE simulator and the MME "
		   "(format: host/README.md)\n");
	for (uint32_t i = 0; i < n; i++) {
		if (!ues[i].in_db || (ues[i].link_id & REPLAY_BIT))
			continue;
		rc = nasmac__ue_format(&ues[i].ctx, line, sizeof(line));
		if (rc < 0)
			break;
		fputs(line, f);
		rc = 0;
	}
	explicit_bzero(line, sizeof(line));
	if (fclose(f) && !rc)
		rc = -errno;
	return rc;
}

static const char *flow_name(uint8_t flow)
{
	return flow == NASMAC__FLOW_FIG2 ? "fig2" : flow == NASMAC__FLOW_FIG3 ? "fig3" : "3gpp";
}

int nasmac__load_write_plan(const struct nasmac__uesim *ues, uint32_t n, const char *path)
{
	static const char *const tamper[] = { "none", "first", "second" };
	FILE *f = nasmac__fopen_private(path);

	if (!f)
		return -errno;
	fprintf(f, "# nasmac load plan: one attempt per line, replay=1 are attackers replaying the "
		   "frame of UE ue= once it registered\n");
	for (uint32_t i = 0; i < n; i++) {
		const struct nasmac__uesim *u = &ues[i];
		const struct nasmac__uesim *v = u->link_id & REPLAY_BIT ? &ues[u->ctx.ue_id] : u;
		struct nasmac__gummei g;
		char gummei[NASMAC__GUMMEI_TEXT];

		nasmac__gummei_of_guti(v->ctx.guti, &g);
		if (nasmac__gummei_format(&g, gummei, sizeof(gummei)) < 0)
			gummei[0] = '\0';

		fprintf(f,
			"ue=%" PRIu64 " replay=%d flow=%s manner=%u tamper=%s in_db=%u upgraded=%u "
			"echo5g=%u kamf_by_mme=%u ul=%u expect=%s gummei=%s\n",
			(uint64_t)(u->link_id & ~REPLAY_BIT), !!(u->link_id & REPLAY_BIT),
			flow_name(v->flow), v->flow == NASMAC__FLOW_FIG2 ? v->manner : 0u,
			tamper[u->tamper], v->in_db, v->ctx.upgraded,
			v->ctx.echo5g, v->ctx.kamf_by_mme, v->ctx.ul_count,
			u->expect ? nasmac__diag_name(u->expect) : "registered", gummei);
	}
	return fclose(f) ? -errno : 0;
}

/* Reads "UE <id>: registered, K_AMF check value <hex>, UL COUNT <hex>" lines of the AMF log. */
int nasmac__load_kamf_compare(struct nasmac__uesim *ues, uint32_t n, uint32_t n_ues,
			      const char *amf_log, struct nasmac__load_result *res)
{
	char line[512];
	FILE *f = fopen(amf_log, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " UE ");
		unsigned long long id;
		unsigned int check, count;

		if (!p || sscanf(p, " UE %llu: registered, K_AMF check value %x, UL COUNT %x", &id,
				 &check, &count) != 3)
			continue;
		res->kamf_checked++;
		/* Only a UE the load saw registered may have one, and with its own value. */
		if (id == 0 || id > n_ues || ues[id - 1].outcome != NASMAC__DIAG_NONE ||
		    ues[id - 1].state != NASMAC__SIM_DONE || ues[id - 1].why ||
		    ues[id - 1].kamf_check != check || ues[id - 1].kamf_count != count) {
			res->kamf_mismatch++;
			if (res->kamf_mismatch <= 10)
				nasmac__log(NASMAC__LOG_WARN, "UE %llu: the AMF's K_AMF check value "
					    "%08x (COUNT %06x) does not match the UE's", id, check,
					    count);
			continue;
		}
		ues[id - 1].kamf_seen = 1;
	}
	fclose(f);
	for (uint32_t i = 0; i < n_ues && i < n; i++)
		if (ues[i].outcome == NASMAC__DIAG_NONE && ues[i].state == NASMAC__SIM_DONE &&
		    !ues[i].why && !ues[i].kamf_seen) {
			res->kamf_mismatch++;
			if (res->kamf_mismatch <= 10)
				nasmac__log(NASMAC__LOG_WARN, "UE %u registered but the AMF logged "
					    "no K_AMF check value for it", i + 1);
		}
	return 0;
}

static void finish(struct load *l, struct nasmac__uesim *u)
{
	struct nasmac__load_result *r = l->res;

	u->t_end_ns = nasmac__now_ns();
	u->state = NASMAC__SIM_DONE;
	/* swap-remove from the active set */
	l->active[u->active_slot] = l->active[--l->n_active];
	l->ues[l->active[u->active_slot]].active_slot = u->active_slot;
	l->done++;
	if (u->outcome == NASMAC__DIAG_NONE && !u->why)
		r->registered++;
	else if (!u->why)
		r->rejected[u->outcome]++;
	if (u->why || (u->outcome != u->expect &&
			!(l->o->allow_overload && u->outcome == NASMAC__DIAG_OVERLOAD))) {
		u->unexpected = 1;
		r->unexpected++;
		if (r->unexpected <= 10)
			nasmac__log(NASMAC__LOG_WARN,
				    "UE %" PRIu64 "%s: expected %s, got %s%s",
				    (uint64_t)(u->link_id & ~REPLAY_BIT),
				    u->link_id & REPLAY_BIT ? " (replay)" : "",
				    u->expect ? nasmac__diag_name(u->expect) : "registered",
				    u->why ? "a failed check: " : "",
				    u->why ? u->why
					   : (u->outcome ? nasmac__diag_name(u->outcome)
							 : "registered"));
	}
	explicit_bzero(u->kamf, sizeof(u->kamf));
	explicit_bzero(u->knas5, sizeof(u->knas5));
	/* The victim of a planned replay is done: the attacker's turn. A victim that did not
	 * register (overload) left its COUNT unused, so its frame would not be a replay: its
	 * attacker then stays home and is counted done without an attempt. */
	if (u->attacker) {
		struct nasmac__uesim *a = &l->ues[u->attacker - 1];

		if (u->outcome != NASMAC__DIAG_NONE || u->why) {
			a->state = NASMAC__SIM_DONE;
			a->outcome = NASMAC__DIAG_OTHER;
			l->done++;
			return;
		}
		/* The attacker sends the same octets under its own link id. */
		memcpy(a->frame, u->frame, u->frame_len);
		for (int b = 0; b < 8; b++)
			a->frame[b] = (uint8_t)(a->link_id >> (56 - 8 * b));
		a->frame_len = u->frame_len;
		l->queue[l->q_tail++] = u->attacker - 1;
	}
}

static void start(struct load *l, uint32_t idx)
{
	struct nasmac__uesim *u = &l->ues[idx];
	int rc;

	if (!(u->link_id & REPLAY_BIT)) {
		rc = nasmac__uesim_build(u);
		if (rc < 0) {
			nasmac__log(NASMAC__LOG_ERR, "UE %u: cannot build its request: %s", idx,
				    nasmac_strerror(rc));
			u->why = "could not build the request";
		}
	}
	u->state = NASMAC__SIM_SENT;
	u->t_start_ns = nasmac__now_ns();
	u->active_slot = l->n_active;
	l->active[l->n_active++] = idx;
	l->res->attempts++;
	if (u->why) {
		finish(l, u);
		return;
	}
	(void)nasmac__udp_send(&l->udp, u->frame, u->frame_len, &l->amf);
}

static void refill(struct load *l)
{
	while (l->n_active < l->o->window && l->q_head < l->q_tail)
		start(l, l->queue[l->q_head++]);
	nasmac__udp_flush(&l->udp);
	if (l->done == l->n)
		uv_stop(&l->loop);
}

static struct nasmac__uesim *by_link_id(struct load *l, uint64_t id)
{
	uint64_t i = id & ~REPLAY_BIT;

	if (i == 0 || i > l->o->ues)
		return NULL;
	if (!(id & REPLAY_BIT))
		return &l->ues[i - 1];
	return l->ues[i - 1].attacker ? &l->ues[l->ues[i - 1].attacker - 1] : NULL;
}

static void on_recv(struct nasmac__udp *udp, const uint8_t *buf, size_t len,
		    const struct sockaddr_in *from)
{
	struct load *l = udp->data;
	struct nasmac__link_frame f;
	struct nasmac__uesim *u;
	uint8_t out[NASMAC__LINK_MAX];
	int n;

	(void)from;
	if (nasmac__link_decode(buf, len, &f) || f.kind != NASMAC__LINK_DL)
		return;
	u = by_link_id(l, f.ue_id);
	if (!u || u->state == NASMAC__SIM_IDLE || u->state == NASMAC__SIM_DONE)
		return;
	n = nasmac__uesim_on_dl(u, f.pdu[0], f.pdu_len[0], f.info, out, sizeof(out));
	if (n > 0)
		(void)nasmac__udp_send(&l->udp, out, (size_t)n, &l->amf);
	if (n < 0 || u->state == NASMAC__SIM_DONE)
		finish(l, u);
	refill(l);
}

static void on_tick(uv_timer_t *t)
{
	struct load *l = t->data;
	uint64_t now = nasmac__now_ns();

	for (uint32_t i = 0; i < l->n_active;) {
		struct nasmac__uesim *u = &l->ues[l->active[i]];
		if (now - u->t_start_ns > (uint64_t)l->o->timeout_ms * 1000000u) {
			u->why = "no answer from the AMF (timeout)";
			finish(l, u); /* moves another entry into slot i */
		} else {
			i++;
		}
	}
	if (l->o->progress && now - l->last_progress > 1000000000u) {
		l->last_progress = now;
		fprintf(stderr, "\rload: %u/%u done, %" PRIu64 " registered, %" PRIu64
				" unexpected   ",
			l->done, l->n, l->res->registered, l->res->unexpected);
	}
	refill(l);
}

int nasmac__load_run(const struct nasmac__load_opts *o, struct nasmac__uesim *ues,
		     struct nasmac__load_result *res)
{
	struct sockaddr_in any;
	uint64_t *lat;
	struct load *l;
	uint32_t n_lat = 0;
	int rc, n = 0;

	memset(res, 0, sizeof(*res));
	for (uint32_t i = 0; i < 2 * o->ues; i++)
		if (i < o->ues || ues[i].link_id)
			n = (int)i + 1;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->o = o;
	l->ues = ues;
	l->n = (uint32_t)n;
	l->res = res;
	l->active = calloc(o->window + 1, sizeof(uint32_t));
	l->queue = calloc(l->n + 1, sizeof(uint32_t));
	lat = calloc(l->n + 1, sizeof(uint64_t));
	if (!l->active || !l->queue || !lat) {
		rc = -ENOMEM;
		goto out_free;
	}
	for (uint32_t i = 0; i < o->ues; i++)
		l->queue[l->q_tail++] = i;
	if (nasmac__parse_addr(o->amf, &l->amf)) {
		rc = -EINVAL;
		goto out_free;
	}
	uv_loop_init(&l->loop);
	memset(&any, 0, sizeof(any));
	any.sin_family = AF_INET;
	any.sin_addr = l->amf.sin_addr;
	rc = nasmac__udp_open(&l->loop, &l->udp, &any, on_recv, l);
	if (rc)
		goto out_loop;
	uv_timer_init(&l->loop, &l->tick);
	l->tick.data = l;
	uv_timer_start(&l->tick, on_tick, 20, 20);
	l->t0 = nasmac__now_ns();
	l->last_progress = l->t0;
	refill(l);
	uv_run(&l->loop, UV_RUN_DEFAULT);
	res->seconds = (double)(nasmac__now_ns() - l->t0) / 1e9;
	if (o->progress)
		fprintf(stderr, "\r%60s\r", "");
	uv_close((uv_handle_t *)&l->tick, NULL);
	nasmac__udp_close(&l->udp);
	uv_run(&l->loop, UV_RUN_DEFAULT);
	for (uint32_t i = 0; i < l->n; i++) {
		if (ues[i].t_end_ns > ues[i].t_start_ns && !ues[i].unexpected)
			lat[n_lat++] = (ues[i].t_end_ns - ues[i].t_start_ns) / 1000u;
		if (!(ues[i].link_id & REPLAY_BIT)) {
			res->fig2 += ues[i].flow == NASMAC__FLOW_FIG2;
			res->fig3 += ues[i].flow == NASMAC__FLOW_FIG3;
			res->mode3gpp += ues[i].flow == NASMAC__FLOW_3GPP;
		}
	}
	res->rps = res->seconds > 0 ? (double)res->attempts / res->seconds : 0;
	res->p50_us = nasmac__percentile(lat, n_lat, 0.5);
	res->p99_us = nasmac__percentile(lat, n_lat, 0.99);
	res->p999_us = nasmac__percentile(lat, n_lat, 0.999);
	rc = res->unexpected ? 1 : 0;
out_loop:
	uv_loop_close(&l->loop);
out_free:
	free(lat);
	free(l->queue);
	free(l->active);
	free(l);
	return rc;
}

void nasmac__load_print(const struct nasmac__load_opts *o, const struct nasmac__load_result *r,
			FILE *f)
{
	if (o->json) {
		fprintf(f,
			"{\"mode\": \"%s\", \"attempts\": %" PRIu64 ", \"registered\": %" PRIu64
			", \"rejected_mac\": %" PRIu64 ", \"rejected_replay\": %" PRIu64
			", \"rejected_unknown\": %" PRIu64 ", \"rejected_malformed\": %" PRIu64
			", \"rejected_overload\": %" PRIu64 ", \"rejected_timeout\": %" PRIu64
			", \"rejected_other\": %" PRIu64 ", \"unexpected\": %" PRIu64
			", \"kamf_checked\": %" PRIu64 ", \"kamf_mismatch\": %" PRIu64
			", \"fig2\": %" PRIu64 ", \"fig3\": %" PRIu64 ", \"mode_3gpp\": %" PRIu64
			", \"seconds\": %.3f, \"requests_per_s\": %.1f, \"p50_us\": %.0f"
			", \"p99_us\": %.0f, \"p999_us\": %.0f}\n",
			o->mode_3gpp ? "3gpp" : "patent", r->attempts, r->registered,
			r->rejected[NASMAC__DIAG_MAC], r->rejected[NASMAC__DIAG_REPLAY],
			r->rejected[NASMAC__DIAG_UNKNOWN], r->rejected[NASMAC__DIAG_MALFORMED],
			r->rejected[NASMAC__DIAG_OVERLOAD], r->rejected[NASMAC__DIAG_TIMEOUT],
			r->rejected[NASMAC__DIAG_OTHER], r->unexpected, r->kamf_checked,
			r->kamf_mismatch, r->fig2, r->fig3,
			r->mode3gpp, r->seconds, r->rps, r->p50_us, r->p99_us, r->p999_us);
		return;
	}
	fprintf(f,
		"mode %s: %" PRIu64 " attempts (FIG. 2: %" PRIu64 ", FIG. 3: %" PRIu64
		", 3GPP: %" PRIu64 ") in %.2f s, %.0f registrations/s\n"
		"  registered        %" PRIu64 "\n"
		"  rejected_mac      %" PRIu64 "\n"
		"  rejected_replay   %" PRIu64 "\n"
		"  rejected_unknown  %" PRIu64 "\n"
		"  rejected_other    %" PRIu64 " (malformed %" PRIu64 ", overload %" PRIu64
		", timeout %" PRIu64 ", other %" PRIu64 ")\n"
		"  unexpected        %" PRIu64 "%s\n"
		"  latency           p50 %.0f us, p99 %.0f us, p99.9 %.0f us\n",
		o->mode_3gpp ? "3gpp" : "patent", r->attempts, r->fig2, r->fig3, r->mode3gpp,
		r->seconds, r->rps, r->registered, r->rejected[NASMAC__DIAG_MAC],
		r->rejected[NASMAC__DIAG_REPLAY], r->rejected[NASMAC__DIAG_UNKNOWN],
		r->rejected[NASMAC__DIAG_MALFORMED] + r->rejected[NASMAC__DIAG_OVERLOAD] +
			r->rejected[NASMAC__DIAG_TIMEOUT] + r->rejected[NASMAC__DIAG_OTHER],
		r->rejected[NASMAC__DIAG_MALFORMED], r->rejected[NASMAC__DIAG_OVERLOAD],
		r->rejected[NASMAC__DIAG_TIMEOUT], r->rejected[NASMAC__DIAG_OTHER],
		r->unexpected, r->unexpected ? "   <-- every one is a failure" : "", r->p50_us,
		r->p99_us, r->p999_us);
	if (r->kamf_checked || r->kamf_mismatch)
		fprintf(f, "  K_AMF (UE = AMF) %" PRIu64 " checked, %" PRIu64 " mismatches\n",
			r->kamf_checked, r->kamf_mismatch);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nasmac load --amf ADDR:PORT [options]      (against a running nasmacd amf)\n"
		"       nasmac load --write-db FILE [options]      (write the MME's UE db and exit)\n"
		"  --ues N            simulated UEs (1000)\n"
		"  --mode patent|3gpp patent: each UE picks FIG. 2 or FIG. 3 by the FIG. 4 rule;\n"
		"                     3gpp: TS 33.501 8.2 (TAU in the EPS NAS message container)\n"
		"  --upgraded F       share of UEs whose MME is upgraded (echoed the 5G capability)\n"
		"  --kamf-by-mme F    share of those whose MME derives K_AMF itself (FIG. 3, 305)\n"
		"  --manner 0..4      FIG. 2 second-MAC manner (0: rotate 1-4)\n"
		"  --tampered F       share of UEs with a spoiled MAC (expected: rejected_mac)\n"
		"  --replayed F       share of UEs replayed after they registered (rejected_replay)\n"
		"  --unknown F        share of UEs the MME does not know (rejected_unknown)\n"
		"  --mmes N           spread the UEs over N MMEs of a pool (1..32): UE i's GUTI has\n"
		"                     GUMMEI 001-01-8001-MMEC, MMEC = 4a + i %% N (hex)\n"
		"  --unknown-gummei F share of UEs whose GUTI names an MME outside the pool (MMEGI\n"
		"                     80ff: the AMF rejects them with #9, rejected_unknown)\n"
		"  --seed N --window N --timeout-ms N --json --no-progress\n"
		"The same --seed and options give the same UEs: write the db with them, start the MME\n"
		"with --ue-db, then run the load with them again.\n");
}

int nasmac__load_getopt(struct nasmac__load_opts *o, const char *prog, int c, const char *name,
			const char *val, void (*usage)(FILE *f))
{
	switch (c) {
	case 1:
		if (nasmac__load_opt(o, name, val) == 1)
			return 0;
		fprintf(stderr, "%s: bad --%s '%s'\n", prog, name, val);
		return 2;
	case 'j': o->json = 1; return 0;
	case 'q': o->progress = 0; return 0;
	case 'h': usage(stdout); return -1;
	default: usage(stderr); return 2;
	}
}

int nasmac__cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		NASMAC__LOAD_LONGOPTS,
		{ "amf", required_argument, NULL, 'a' },
		{ "write-db", required_argument, NULL, 'w' },
		{ 0, 0, 0, 0 },
	};
	struct nasmac__load_opts o;
	struct nasmac__load_result res;
	struct nasmac__uesim *ues;
	const char *db = NULL;
	int c, idx = 0, n, rc;

	nasmac__load_defaults(&o);
	o.progress = isatty(2);
	o.amf = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		if (c == 'a')
			o.amf = optarg;
		else if (c == 'w')
			db = optarg;
		else if ((rc = nasmac__load_getopt(&o, "nasmac load", c, opts[idx].name, optarg,
						   usage)))
			return rc < 0 ? 0 : rc;
	}
	if (optind != argc || (!o.amf && !db)) {
		usage(stderr);
		return 2;
	}
	nasmac__log_init("load", NASMAC__LOG_INFO);
	n = nasmac__load_make(&o, &ues);
	if (n < 0)
		return 1;
	if (db) {
		rc = nasmac__load_write_db(ues, (uint32_t)n, db);
		if (rc) {
			fprintf(stderr, "nasmac load: cannot write %s: %s\n", db, nasmac_strerror(rc));
			free(ues);
			return 1;
		}
		if (!o.amf) {
			free(ues);
			return 0;
		}
	}
	rc = nasmac__load_run(&o, ues, &res);
	free(ues);
	if (rc < 0) {
		fprintf(stderr, "nasmac load: %s\n", nasmac_strerror(rc));
		return 1;
	}
	nasmac__load_print(&o, &res, stdout);
	return rc ? 1 : 0;
}
