/* The K_AMF check value (nasmac__key_check): the same key gives the same value, a changed key
 * another, and the value is not the key's own first octets. (Its exact value is checked end to
 * end against `nasmac kdf generic` by tests/e2e/flows.sh.) The UDP burst callback (udp.c) and
 * the GTP IE look-ahead (gtp.c) that the MME's request path uses. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "gtp.h"
#include "host.h"

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)i;
}

static void test_key_check(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	fill(a, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_int_equal(nasmac__key_check(a), nasmac__key_check(b));
	b[31] ^= 1;
	assert_int_not_equal(nasmac__key_check(a), nasmac__key_check(b));
	/* Not a truncation of the key itself. */
	assert_int_not_equal(nasmac__key_check(a), 0x00010203u);
}

#define N_DGRAMS (2u * NASMAC__UDP_RX_SLOTS + 5u)

struct burst_rx {
	uint32_t got, bursts, largest;
	uint16_t from_port;
	int bad;
};

static void on_one(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		   const struct sockaddr_in *from)
{
	(void)u;
	(void)buf;
	(void)len;
	(void)from;
	fail_msg("on_recv called although on_burst is set");
}

static void on_burst(struct nasmac__udp *u, const struct nasmac__dgram *d, uint32_t n)
{
	struct burst_rx *r = u->data;

	r->bursts++;
	if (n > r->largest)
		r->largest = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v;

		if (d[i].len != sizeof(v) || d[i].from.sin_port != r->from_port) {
			r->bad++;
			continue;
		}
		memcpy(&v, d[i].buf, sizeof(v));
		if (v != r->got)
			r->bad++; /* out of order, lost or repeated */
		r->got++;
	}
}

/* Datagrams waiting in the socket come to on_burst a recvmmsg call at a time (at most
 * NASMAC__UDP_RX_SLOTS), in order, each with its own sender; on_recv is not called. */
static void test_udp_burst(void **state)
{
	struct sockaddr_in to, me;
	socklen_t me_len = sizeof(me);
	struct nasmac__udp u;
	struct burst_rx r;
	uv_loop_t loop;
	int fd, port;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(nasmac__parse_addr("127.0.0.1:0", &to), 0);
	assert_int_equal(nasmac__udp_open(&loop, &u, &to, on_one, &r), 0);
	u.on_burst = on_burst;
	port = nasmac__udp_port(&u);
	assert_true(port > 0);
	to.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (const struct sockaddr *)&to, sizeof(to)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&me, &me_len), 0);
	r.from_port = me.sin_port;
	for (uint32_t i = 0; i < N_DGRAMS; i++)
		assert_int_equal(send(fd, &i, sizeof(i), 0), (ssize_t)sizeof(i));
	for (int k = 0; k < 1000 && r.got < N_DGRAMS; k++)
		uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(r.got, N_DGRAMS);
	assert_int_equal(r.bad, 0);
	/* All were queued before the first read: the first recvmmsg fills its slots. */
	assert_int_equal(r.largest, NASMAC__UDP_RX_SLOTS);
	assert_true(r.bursts >= 3);
	close(fd);
	nasmac__udp_close(&u);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

struct long_rx {
	size_t len[3];
	uint32_t n;
};

static void on_long(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		    const struct sockaddr_in *from)
{
	struct long_rx *r = u->data;

	(void)buf;
	(void)from;
	if (r->n < 3)
		r->len[r->n] = len;
	r->n++;
}

/* A datagram up to NASMAC__UDP_RX_MAX octets arrives whole; a longer one arrives cut to
 * NASMAC__UDP_RX_MAX + 1, which a receiver taking at most NASMAC__UDP_RX_MAX sees as too long
 * (the MME's "oversized"). */
static void test_udp_long(void **state)
{
	static uint8_t big[9000];
	static const size_t sizes[3] = { NASMAC__UDP_RX_MAX, NASMAC__UDP_RX_MAX + 1, 9000 };
	struct sockaddr_in to;
	struct nasmac__udp u;
	struct long_rx r;
	uv_loop_t loop;
	int fd;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(nasmac__parse_addr("127.0.0.1:0", &to), 0);
	assert_int_equal(nasmac__udp_open(&loop, &u, &to, on_long, &r), 0);
	to.sin_port = htons((uint16_t)nasmac__udp_port(&u));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	for (int k = 0; k < 3; k++)
		assert_int_equal(sendto(fd, big, sizes[k], 0, (const struct sockaddr *)&to,
					sizeof(to)),
				 (ssize_t)sizes[k]);
	for (int k = 0; k < 1000 && r.n < 3; k++)
		uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.len[0], NASMAC__UDP_RX_MAX);
	assert_int_equal(r.len[1], NASMAC__UDP_RX_MAX + 1);
	assert_int_equal(r.len[2], NASMAC__UDP_RX_MAX + 1);
	close(fd);
	nasmac__udp_close(&u);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* The outbound ring's runs (udp.c: answers to one peer of one length leave as one UDP_SEGMENT
 * message): a sequence that mixes two peers, lengths, a run longer than a message may hold and
 * one too long to segment. */
#define SEG_N 160u
static const struct {
	uint16_t len;
	uint8_t peer;
} seg_plan[] = { { 92, 0 }, { 92, 0 }, { 92, 1 }, { 50, 0 }, { 1400, 0 }, { 1400, 0 } };

static size_t seg_len(uint32_t i, uint8_t *peer)
{
	/* 0..99: 100 x 92 octets to peer 0 (two runs), then the plan, then 54 x 1200 to peer 1
	 * (one run at GSO_MAX_BYTES) and one of 30. */
	if (i < 100) {
		*peer = 0;
		return 92;
	}
	if (i < 100 + sizeof(seg_plan) / sizeof(seg_plan[0])) {
		*peer = seg_plan[i - 100].peer;
		return seg_plan[i - 100].len;
	}
	*peer = 1;
	return i + 1 < SEG_N ? 1200 : 30;
}

static void seg_fill(uint8_t *p, size_t len, uint32_t i)
{
	for (size_t k = 0; k < len; k++)
		p[k] = (uint8_t)(i * 7u + k);
	memcpy(p, &i, sizeof(i));
}

/* Sends the plan through u and checks that every datagram arrives at its peer on its own, with
 * its length and octets, in order; returns how many arrived. */
static uint32_t seg_round(struct nasmac__udp *u, const int fd[2], const struct sockaddr_in to[2])
{
	static uint8_t want[2048], got[2048];
	uint32_t next[2] = { 0, 0 }, arrived = 0;

	for (uint32_t i = 0; i < SEG_N; i++) {
		uint8_t peer;
		size_t len = seg_len(i, &peer);

		seg_fill(want, len, i);
		assert_int_equal(nasmac__udp_send(u, want, len, &to[peer]), 0);
	}
	nasmac__udp_flush(u);
	for (int p = 0; p < 2; p++)
		for (;;) {
			ssize_t n = recv(fd[p], got, sizeof(got), MSG_DONTWAIT);
			uint8_t peer = 2;
			uint32_t i;
			size_t len = 0;

			if (n < 0)
				break;
			/* The next datagram of the plan for this peer. */
			for (i = next[p]; i < SEG_N; i++) {
				len = seg_len(i, &peer);
				if (peer == p)
					break;
			}
			assert_true(i < SEG_N);
			assert_int_equal((size_t)n, len);
			seg_fill(want, len, i);
			assert_memory_equal(got, want, len);
			next[p] = i + 1;
			arrived++;
		}
	return arrived;
}

static void test_udp_segment(void **state)
{
	struct sockaddr_in to[2], any;
	struct nasmac__udp u;
	uv_loop_t loop;
	int fd[2], one = 1, sz = 1 << 20;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(nasmac__parse_addr("127.0.0.1:0", &any), 0);
	assert_int_equal(nasmac__udp_open(&loop, &u, &any, on_long, NULL), 0);
	u.seg = 1;
	for (int p = 0; p < 2; p++) {
		socklen_t l = sizeof(to[p]);

		fd[p] = socket(AF_INET, SOCK_DGRAM, 0);
		assert_true(fd[p] >= 0);
		(void)setsockopt(fd[p], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		assert_int_equal(bind(fd[p], (const struct sockaddr *)&any, sizeof(any)), 0);
		assert_int_equal(getsockname(fd[p], (struct sockaddr *)&to[p], &l), 0);
	}
	assert_int_equal(seg_round(&u, fd, to), SEG_N);
	assert_int_equal(u.tx, SEG_N);
	assert_int_equal(u.tx_dropped, 0);
	assert_int_equal(u.seg, 1);
	/* Runs of two or more: 64 + 36 (92 to peer 0), 2 x 1400 are too long, 2 x 92 at 100..101,
	 * 53 x 1200 + ... to peer 1 in runs at most GSO_MAX_BYTES. */
	assert_true(u.tx_seg >= 100);
	/* A socket the kernel will not segment for (SO_NO_CHECK: UDP_SEGMENT needs the checksum
	 * it leaves out): the first run is refused, every datagram still goes, one per message. */
	assert_int_equal(setsockopt(u.fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)), 0);
	u.tx = u.tx_seg = 0;
	assert_int_equal(seg_round(&u, fd, to), SEG_N);
	assert_int_equal(u.seg, 0);
	assert_int_equal(u.tx, SEG_N);
	assert_int_equal(u.tx_seg, 0);
	assert_int_equal(u.tx_dropped, 0);
	for (int p = 0; p < 2; p++)
		close(fd[p]);
	nasmac__udp_close(&u);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* nasmac__gtp_find_ie on Context Requests it encodes: the GUTI when present, NULL when absent
 * or the framing is cut (TS 29.274 7.3.5: GUTI IE type 117). */
static void test_gtp_find_ie(void **state)
{
	struct nasmac__ctx_req m;
	uint8_t buf[256];
	const uint8_t *g;
	size_t len = 0;
	int n;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.h.seq = 7;
	m.has_guti = 1;
	for (int i = 0; i < NASMAC__GUTI_LEN; i++)
		m.guti[i] = (uint8_t)(0x10 + i);
	n = nasmac__gtp_enc_ctx_req(&m, buf, sizeof(buf));
	assert_true(n > 12);
	g = nasmac__gtp_find_ie(buf, (size_t)n, NASMAC__IE_GUTI, &len);
	assert_non_null(g);
	assert_int_equal(len, NASMAC__GUTI_LEN);
	assert_memory_equal(g, m.guti, NASMAC__GUTI_LEN);
	assert_null(nasmac__gtp_find_ie(buf, (size_t)n - 1, NASMAC__IE_GUTI, &len));
	m.has_guti = 0;
	m.has_imsi = 1;
	strcpy(m.imsi, "001010000000001");
	n = nasmac__gtp_enc_ctx_req(&m, buf, sizeof(buf));
	assert_true(n > 12);
	assert_null(nasmac__gtp_find_ie(buf, (size_t)n, NASMAC__IE_GUTI, &len));
	assert_non_null(nasmac__gtp_find_ie(buf, (size_t)n, NASMAC__IE_IMSI, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_check),
		cmocka_unit_test(test_udp_burst),
		cmocka_unit_test(test_udp_long),
		cmocka_unit_test(test_udp_segment),
		cmocka_unit_test(test_gtp_find_ie),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
