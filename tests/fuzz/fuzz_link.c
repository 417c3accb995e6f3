/*
 * libFuzzer target: the UE <-> AMF test link as the AMF receives it (host/README.md "UE test
 * link"): the frame decoder of host/common/link.c, the capture writer of host/common/pcap.c on the
 * same octets (nasmac__pcap_write_link, to /dev/null), and the NAS decoders the AMF runs on each
 * PDU (5GS security header and Registration Request, EPS security header and TAU Request).
 * Consistency: an accepted frame has 1 or 2 non-empty PDUs that tile the frame exactly after the
 * 10-octet header, and re-encodes octet for octet.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "host.h"
#include "nas.h"
#include "pcap.h"

static uint8_t out[NASMAC__LINK_MAX];
static struct nasmac__pcap *pcap;

static void nas(const uint8_t *p, size_t len)
{
	struct nasmac__nas_sec s;
	struct nasmac__rr r;
	struct nasmac__tau t;

	if (nasmac__nas_5g_sec(p, len, &s) == 0) {
		FUZZ_CHECK(s.plain == p + 7 && s.plain_len == len - 7);
		(void)nasmac__nas_dec_rr(s.plain, s.plain_len, &r);
	}
	if (nasmac__nas_dec_rr(p, len, &r) == 0 && r.eps_container) {
		FUZZ_CHECK(r.eps_container > p && r.eps_container + r.eps_container_len <= p + len);
		nas(r.eps_container, r.eps_container_len);
	}
	if (nasmac__nas_eps_sec(p, len, &s) == 0)
		(void)nasmac__nas_dec_tau(s.plain, s.plain_len, &t);
	(void)nasmac__nas_dec_tau(p, len, &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in ue = { .sin_family = AF_INET }, amf = { .sin_family = AF_INET };
	struct nasmac__link_frame f;
	size_t off = NASMAC__LINK_HDR;
	int n;

	if (!pcap && nasmac__pcap_open("/dev/null", &pcap))
		abort();
	ue.sin_port = htons(50000);
	amf.sin_port = htons(38412);
	nasmac__pcap_write_link(pcap, &ue, &amf, data, size);
	if (nasmac__link_decode(data, size, &f))
		return 0;
	FUZZ_CHECK(f.n_pdu == 1 || f.n_pdu == 2);
	FUZZ_CHECK(f.kind == NASMAC__LINK_UL || f.kind == NASMAC__LINK_DL);
	for (unsigned i = 0; i < f.n_pdu; i++) {
		FUZZ_CHECK(f.pdu_len[i] > 0 && f.pdu[i] == data + off + 2);
		FUZZ_CHECK(f.pdu_len[i] == (size_t)(data[off] << 8 | data[off + 1]));
		off += 2 + f.pdu_len[i];
		nas(f.pdu[i], f.pdu_len[i]);
	}
	FUZZ_CHECK(off == size);
	n = nasmac__link_encode(&f, out, sizeof(out));
	FUZZ_CHECK(n == (int)size && !memcmp(out, data, size));
	return 0;
}
