/*
 * libFuzzer target: the GTPv2-C decoders of host/common/gtp.c (header peek, Context Request,
 * Context Response, Context Acknowledge). Besides the sanitizers' checks, every message a decoder
 * accepts must re-encode, and the re-encoded message must decode to the same fields
 * (decode -> encode -> decode): what the MME or AMF reads from a message is what it would send.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gtp.h"

static uint8_t out[70000];

static void req_roundtrip(const struct nasmac__ctx_req *a)
{
	struct nasmac__ctx_req b;
	int n = nasmac__gtp_enc_ctx_req(a, out, sizeof(out));

	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(nasmac__gtp_dec_ctx_req(out, (size_t)n, &b) == 0);
	FUZZ_CHECK(b.h.type == NASMAC__GTP_CTX_REQ && b.h.has_teid && b.h.teid == 0);
	FUZZ_CHECK(b.h.seq == a->h.seq);
	FUZZ_CHECK(b.has_guti == a->has_guti && b.has_imsi == a->has_imsi);
	FUZZ_CHECK(b.has_crm == a->has_crm && b.has_fteid == a->has_fteid);
	FUZZ_CHECK(!a->has_guti || !memcmp(a->guti, b.guti, sizeof(a->guti)));
	FUZZ_CHECK(!a->has_imsi || !strcmp(a->imsi, b.imsi));
	if (a->has_crm) {
		FUZZ_CHECK(b.crm_type == a->crm_type && b.crm_len == a->crm_len);
		FUZZ_CHECK(!memcmp(a->crm, b.crm, a->crm_len));
	}
	if (a->has_fteid) {
		FUZZ_CHECK(b.fteid_if == a->fteid_if && b.fteid_teid == a->fteid_teid);
		FUZZ_CHECK(b.fteid_ipv4 == a->fteid_ipv4);
	}
	FUZZ_CHECK(b.rat == a->rat);
}

static void rsp_roundtrip(const struct nasmac__ctx_rsp *a, size_t in_len)
{
	struct nasmac__ctx_rsp b;
	int n = nasmac__gtp_enc_ctx_rsp(a, out, sizeof(out));

	/* The encoder writes the MM Context with 45 octets where 41 suffice to decode, so only a
	 * message already at the 16-bit limit may fail to re-encode. */
	if (n == -ENOSPC && in_len > 0xffff - 4)
		return;
	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(nasmac__gtp_dec_ctx_rsp(out, (size_t)n, &b) == 0);
	FUZZ_CHECK(b.h.teid == a->h.teid && b.h.seq == a->h.seq);
	FUZZ_CHECK(b.cause == a->cause);
	FUZZ_CHECK(b.has_imsi == a->has_imsi && b.has_mm == a->has_mm);
	FUZZ_CHECK(b.has_kamf == a->has_kamf && b.has_fteid == a->has_fteid);
	FUZZ_CHECK(b.has_sec == a->has_sec);
	if (a->has_sec) {
		FUZZ_CHECK(b.ksi == a->ksi && b.eia == a->eia && b.eea == a->eea);
		FUZZ_CHECK(b.ul_count == a->ul_count && b.dl_count == a->dl_count);
	}
	FUZZ_CHECK(!a->has_imsi || !strcmp(a->imsi, b.imsi));
	if (a->has_mm) {
		FUZZ_CHECK(b.ksi == a->ksi && b.eia == a->eia && b.eea == a->eea);
		FUZZ_CHECK(b.ul_count == a->ul_count && b.dl_count == a->dl_count);
		FUZZ_CHECK(!memcmp(a->kasme, b.kasme, sizeof(a->kasme)));
	}
	FUZZ_CHECK(!a->has_kamf || !memcmp(a->kamf, b.kamf, sizeof(a->kamf)));
	if (a->has_fteid)
		FUZZ_CHECK(b.fteid_teid == a->fteid_teid && b.fteid_ipv4 == a->fteid_ipv4);
}

static void ack_roundtrip(const struct nasmac__ctx_ack *a)
{
	struct nasmac__ctx_ack b;
	int n = nasmac__gtp_enc_ctx_ack(a, out, sizeof(out));

	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(nasmac__gtp_dec_ctx_ack(out, (size_t)n, &b) == 0);
	FUZZ_CHECK(b.h.teid == a->h.teid && b.h.seq == a->h.seq && b.cause == a->cause);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nasmac__gtp_hdr h;
	struct nasmac__ctx_req q;
	struct nasmac__ctx_rsp r;
	struct nasmac__ctx_ack a;
	int rc;

	if (nasmac__gtp_peek(data, size, &h) == 0)
		FUZZ_CHECK(size >= (h.has_teid ? 12u : 8u) && h.seq <= 0xffffffu);
	/* 0, or -EINVAL with the cause of the refusal. */
	rc = nasmac__gtp_dec_ctx_req(data, size, &q);
	FUZZ_CHECK(rc == 0 || (rc == -EINVAL && q.h.bad_cause));
	if (rc == 0)
		req_roundtrip(&q);
	rc = nasmac__gtp_dec_ctx_rsp(data, size, &r);
	FUZZ_CHECK(rc == 0 || (rc == -EINVAL && r.h.bad_cause));
	if (rc == 0)
		rsp_roundtrip(&r, size);
	rc = nasmac__gtp_dec_ctx_ack(data, size, &a);
	FUZZ_CHECK(rc == 0 || (rc == -EINVAL && a.h.bad_cause));
	if (rc == 0)
		ack_roundtrip(&a);
	return 0;
}
