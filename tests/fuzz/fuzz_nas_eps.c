/*
 * libFuzzer target: the EPS NAS decoders of host/common/nas.c (security protected header, TS
 * 24.301 9.1, and TRACKING AREA UPDATE REQUEST, 8.2.29), as the MME runs them on the Complete
 * Request Message. Consistency: a protected PDU the header decoder accepts is rebuilt octet for
 * octet by the protect encoder; a TAU Request the decoder accepts re-encodes to the same
 * mandatory part (bar the bits the decoder does not keep) and decodes to the same fields.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "nas.h"

static uint8_t out[70000];

static void tau_roundtrip(const uint8_t *p, size_t len)
{
	struct nasmac__tau a, b;
	int n;

	if (nasmac__nas_dec_tau(p, len, &a))
		return;
	FUZZ_CHECK(len >= 15 && a.ksi < 8 && a.update_type < 8);
	n = nasmac__nas_enc_tau(&a, out, sizeof(out));
	FUZZ_CHECK(n >= 15);
	/* Octet 3 less TSC (bit 8) and the active flag (bit 4); octet 5 type of identity only. */
	FUZZ_CHECK(out[0] == p[0] && out[1] == p[1] && out[3] == p[3]);
	FUZZ_CHECK((out[2] & 0x77) == (p[2] & 0x77) && (out[4] & 0x07) == (p[4] & 0x07));
	FUZZ_CHECK(!memcmp(out + 5, p + 5, 10));
	FUZZ_CHECK(nasmac__nas_dec_tau(out, (size_t)n, &b) == 0);
	FUZZ_CHECK(a.ksi == b.ksi && a.update_type == b.update_type);
	FUZZ_CHECK(!memcmp(a.guti, b.guti, sizeof(a.guti)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nasmac__nas_sec s;
	int n;

	if (nasmac__nas_eps_sec(data, size, &s) == 0) {
		fuzz_check_sec(&s, data, size, 1, 8);
		n = nasmac__nas_eps_protect(s.sht, s.mac, s.sqn, s.plain, s.plain_len, out,
					    sizeof(out));
		FUZZ_CHECK(n == (int)size && !memcmp(out, data, size));
		tau_roundtrip(s.plain, s.plain_len);
	}
	tau_roundtrip(data, size);
	return 0;
}
