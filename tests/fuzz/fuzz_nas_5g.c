/*
 * libFuzzer target: the 5GS NAS decoders of host/common/nas.c (security protected header, TS
 * 24.501 9.1.1; REGISTRATION REQUEST with the EPS NAS message container; SECURITY MODE COMMAND;
 * message type; REGISTRATION REJECT), as the AMF and the UE simulator run them. Consistency: a
 * protected PDU is rebuilt by the protect encoder; a Registration Request or SMC the decoder
 * accepts re-encodes and decodes to the same fields; an EPS NAS message container found goes on
 * through the EPS decoders, as the MME would take it.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "nas.h"

static uint8_t out[70000];

static void rr_roundtrip(const uint8_t *p, size_t len)
{
	struct nasmac__rr a, b;
	struct nasmac__nas_sec s;
	struct nasmac__tau t;
	int n;

	if (nasmac__nas_dec_rr(p, len, &a))
		return;
	FUZZ_CHECK(len >= 17 && a.reg_type < 8 && a.ngksi < 16);
	if (a.eps_container) {
		FUZZ_CHECK(a.eps_container >= p + 17 &&
			   a.eps_container + a.eps_container_len <= p + len);
		if (nasmac__nas_eps_sec(a.eps_container, a.eps_container_len, &s) == 0)
			(void)nasmac__nas_dec_tau(s.plain, s.plain_len, &t);
	}
	n = nasmac__nas_enc_rr(&a, out, sizeof(out));
	FUZZ_CHECK(n >= 23);
	/* The 5GS mobile identity goes back octet for octet (bar the spare nibble). */
	FUZZ_CHECK(!memcmp(out + 7, p + 7, 10));
	FUZZ_CHECK(nasmac__nas_dec_rr(out, (size_t)n, &b) == 0);
	FUZZ_CHECK(a.ngksi == b.ngksi && a.reg_type == b.reg_type);
	FUZZ_CHECK(!memcmp(a.guti, b.guti, sizeof(a.guti)));
	FUZZ_CHECK(!memcmp(a.ue_sec_cap, b.ue_sec_cap, sizeof(a.ue_sec_cap)));
	FUZZ_CHECK(!a.eps_container == !b.eps_container);
	FUZZ_CHECK(a.eps_container_len == b.eps_container_len);
	FUZZ_CHECK(!a.eps_container ||
		   !memcmp(a.eps_container, b.eps_container, a.eps_container_len));
}

static void smc_roundtrip(const uint8_t *p, size_t len)
{
	struct nasmac__smc a, b;
	int n;

	if (nasmac__nas_dec_smc(p, len, &a))
		return;
	FUZZ_CHECK(len >= 8 && a.nia < 16 && a.nea < 16 && a.ngksi < 16);
	n = nasmac__nas_enc_smc(&a, out, sizeof(out));
	FUZZ_CHECK(n == 10 && out[3] == p[3] && (out[4] & 0x0f) == (p[4] & 0x0f));
	FUZZ_CHECK(nasmac__nas_dec_smc(out, (size_t)n, &b) == 0);
	FUZZ_CHECK(a.nia == b.nia && a.nea == b.nea && a.ngksi == b.ngksi);
	FUZZ_CHECK(!memcmp(a.ue_sec_cap, b.ue_sec_cap, sizeof(a.ue_sec_cap)));
}

static void plain_5g(const uint8_t *p, size_t len)
{
	int type = nasmac__nas_5g_type(p, len);
	int cause = nasmac__nas_dec_reg_reject(p, len);

	FUZZ_CHECK(type == -EINVAL || (len >= 3 && type == p[2]));
	FUZZ_CHECK(cause == -EINVAL || (type == NASMAC__5GMM_REG_REJECT && cause == p[3]));
	rr_roundtrip(p, len);
	smc_roundtrip(p, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nasmac__nas_sec s, s2;
	int n;

	if (nasmac__nas_5g_sec(data, size, &s) == 0) {
		fuzz_check_sec(&s, data, size, 2, 10);
		n = nasmac__nas_5g_protect(s.sht, s.mac, s.sqn, s.plain, s.plain_len, out,
					   sizeof(out));
		/* Octet 2's spare half octet is not kept. */
		FUZZ_CHECK(n == (int)size && out[0] == data[0] && out[1] == (data[1] & 0x0f));
		FUZZ_CHECK(!memcmp(out + 2, data + 2, size - 2));
		FUZZ_CHECK(nasmac__nas_5g_sec(out, (size_t)n, &s2) == 0 && s2.sht == s.sht);
		plain_5g(s.plain, s.plain_len);
	}
	plain_5g(data, size);
	return 0;
}
