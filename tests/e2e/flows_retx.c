/*
 * flows_retx: plays the AMF towards a running `nasmacd mme` with hand-made Context Requests, to
 * check what the load cannot show on a loss-free loopback: the answer to a *retransmitted*
 * request (TS 29.274 7.6: same sequence number, same octets) when the first answer was lost.
 *
 *   flows_retx --write-db FILE                 the UE db of the scenario (the MME loads it)
 *   flows_retx --mme ADDR:PORT                 the scenario; exit 0 when every step passed
 *
 * Steps (UE numbers are lines of the db):
 *  1. UE 1, TAU Request at COUNT ul + 1, sequence number S: accepted, MM Context, UL COUNT c.
 *  2. the same octets again (S): the same Context Response, octet for octet (not a replay).
 *  3. the same TAU under a new sequence number: a replay (cause 94), no context.
 *  4. UE 2, TAU with a spoiled MAC: cause 92, no context; sent again: 92 again.
 *  5. UE 1, a newer TAU (ul + 2, across an SQN wrap) under S2: accepted; then step 1's octets
 *     once more: no longer the request remembered, so verified afresh: its SQN 0xff after the
 *     accepted 0x..00 reads as COUNT 0x..ff of the new overflow (TS 24.301 4.4.3.1 estimate),
 *     under which its MAC does not verify: cause 92, no context.
 *  6. an unknown GUTI: cause 64.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ue.h"
#include "gtp.h"
#include "nas.h"

#define N_UES 3

static int fails, steps;

static void make_ue(uint32_t i, struct nasmac__ue *c)
{
	memset(c, 0, sizeof(*c));
	c->ue_id = i + 1;
	snprintf(c->imsi, sizeof(c->imsi), "00101%010u", 500 + i);
	memcpy(c->guti, "\x00\xf1\x10\x80\x01\x4a\xc0\x00\x10", 9);
	c->guti[9] = (uint8_t)i;
	for (uint32_t b = 0; b < sizeof(c->kasme); b++)
		c->kasme[b] = (uint8_t)(0x5a ^ (b * 7) ^ i);
	c->ksi = (uint8_t)(i % 7);
	c->eia = (uint8_t)(1 + i % 3);
	/* UE 1 sits just below an SQN wrap, so its two TAUs cross into a new overflow. */
	c->ul_count = i == 0 ? 0x0002fe : 0x40 + i;
	c->dl_count = 3;
	(void)nasmac__ue_derive(c);
}

static void check(int ok, const char *what)
{
	steps++;
	if (!ok) {
		fails++;
		printf("flows_retx: FAIL: %s\n", what);
	}
}

/* Sends a request and waits (2 s at most) for the answer with its sequence number. */
static int exchange(int fd, const struct sockaddr_in *mme, const uint8_t *req, int len,
		    uint32_t seq, uint8_t *rsp, size_t size, struct nasmac__ctx_rsp *r)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	memset(r, 0, sizeof(*r));
	if (len <= 0) /* the request could not be encoded */
		return -EINVAL;
	if (sendto(fd, req, (size_t)len, 0, (const struct sockaddr *)mme, sizeof(*mme)) != len)
		return -errno;
	while (poll(&p, 1, 2000) == 1) {
		ssize_t n = recv(fd, rsp, size, 0);
		if (n > 0 && !nasmac__gtp_dec_ctx_rsp(rsp, (size_t)n, r) && r->h.seq == seq)
			return (int)n;
	}
	return -ETIMEDOUT;
}

static int write_db(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (uint32_t i = 0; i < N_UES; i++) {
		struct nasmac__ue c;
		make_ue(i, &c);
		if (nasmac__ue_format(&c, line, sizeof(line)) < 0)
			break;
		fputs(line, f);
	}
	return fclose(f) ? -errno : 0;
}

static int scenario(const char *addr)
{
	struct nasmac__ue u1, u2, ghost;
	struct nasmac__ctx_rsp r;
	struct sockaddr_in mme, any = { .sin_family = AF_INET };
	uint8_t req[512], req2[512], rsp[1024], first[1024];
	int fd, rl, rl2, n, first_len;
	char what[128];

	if (nasmac__parse_addr(addr, &mme))
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&any, sizeof(any)))
		return 1;
	make_ue(0, &u1);
	make_ue(1, &u2);
	make_ue(N_UES + 5, &ghost); /* not in the db */

	/* 1. accepted */
	rl = nasmac__uesim_ctx_req(&u1, u1.ul_count + 1, 0x000101, 1, 0, req, sizeof(req));
	first_len = exchange(fd, &mme, req, rl, 0x000101, first, sizeof(first), &r);
	snprintf(what, sizeof(what), "step 1: cause %u, MM Context %u, UL COUNT %06x (want 16, 1, "
		 "%06x)", r.cause, r.has_mm, r.ul_count, u1.ul_count + 1);
	check(first_len > 0 && r.cause == 16 && r.has_mm && r.ul_count == u1.ul_count + 1, what);

	/* 2. the first answer was "lost": the same octets again get the same answer */
	n = exchange(fd, &mme, req, rl, 0x000101, rsp, sizeof(rsp), &r);
	check(n == first_len && !memcmp(rsp, first, (size_t)n),
	      "step 2: a retransmission did not get the same Context Response again");

	/* 3. the same NAS message in a new request: a replay */
	rl2 = nasmac__uesim_ctx_req(&u1, u1.ul_count + 1, 0x000102, 1, 0, req2, sizeof(req2));
	n = exchange(fd, &mme, req2, rl2, 0x000102, rsp, sizeof(rsp), &r);
	check(n > 0 && r.cause == 94 && !r.has_mm, "step 3: a replay in a new request not refused");

	/* 4. a spoiled MAC, twice */
	rl2 = nasmac__uesim_ctx_req(&u2, u2.ul_count + 1, 0x000201, 1, 1, req2, sizeof(req2));
	for (int k = 0; k < 2; k++) {
		n = exchange(fd, &mme, req2, rl2, 0x000201, rsp, sizeof(rsp), &r);
		snprintf(what, sizeof(what), "step 4.%d: spoiled MAC: cause %u, MM Context %u", k + 1,
			 r.cause, r.has_mm);
		check(n > 0 && r.cause == 92 && !r.has_mm && !r.has_kamf, what);
	}

	/* 5. a newer TAU is accepted; the older request is then a replay, even resent */
	rl2 = nasmac__uesim_ctx_req(&u1, u1.ul_count + 2, 0x000103, 1, 0, req2, sizeof(req2));
	n = exchange(fd, &mme, req2, rl2, 0x000103, rsp, sizeof(rsp), &r);
	check(n > 0 && r.cause == 16 && r.ul_count == u1.ul_count + 2,
	      "step 5.1: the next TAU (across the SQN wrap) not accepted");
	n = exchange(fd, &mme, req, rl, 0x000101, rsp, sizeof(rsp), &r);
	snprintf(what, sizeof(what), "step 5.2: an old request resent after a newer one was "
		 "accepted: cause %u, MM Context %u (want 92, 0)", r.cause, r.has_mm);
	check(n > 0 && r.cause == 92 && !r.has_mm, what);

	/* 6. unknown UE */
	rl = nasmac__uesim_ctx_req(&ghost, 1, 0x000301, 1, 0, req, sizeof(req));
	n = exchange(fd, &mme, req, rl, 0x000301, rsp, sizeof(rsp), &r);
	check(n > 0 && r.cause == 64 && !r.has_mm, "step 6: unknown GUTI not Context Not Found");

	close(fd);
	explicit_bzero(first, sizeof(first));
	explicit_bzero(rsp, sizeof(rsp));
	printf("flows_retx: %d checks, %d failed\n", steps, fails);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write-db"))
		return write_db(argv[2]) ? 1 : 0;
	if (argc == 3 && !strcmp(argv[1], "--mme"))
		return scenario(argv[2]);
	fprintf(stderr, "usage: flows_retx --write-db FILE | --mme ADDR:PORT\n");
	return 2;
}
