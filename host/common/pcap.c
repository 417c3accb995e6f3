/*
 * pcap files of what a daemon sent and received, every record dissectable by Wireshark/tshark:
 * classic pcap, LINKTYPE_WIRESHARK_UPPER_PDU (252). Each record starts with "exported PDU" tags
 * (Wireshark epan/exported_pdu.h: 16-bit tag, 16-bit length, value; big-endian) that name the
 * dissector for the octets after them and give the IPv4 addresses and UDP ports, so the
 * conversation shows as it would over UDP/IPv4:
 *
 *   - a GTPv2-C datagram (N26) goes to "gtpv2", whatever its port;
 *   - the UE <-> AMF test link has nasmac's own framing (host/README.md), which no dissector
 *     knows: each NAS PDU of a frame is written as a record of its own, without the link header,
 *     to "nas-5gs" or "nas-eps" after its protocol discriminator;
 *   - octets that are neither (a datagram that is not GTPv2-C, a frame that does not decode) go
 *     to "data", so a capture of bad input stays readable and shows the bad octets as they came.
 *
 * One link type for both kinds of record keeps the AMF's two sockets in one file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gtp.h"
#include "nas.h"
#include "pcap.h"

#define LINKTYPE_WIRESHARK_UPPER_PDU 252u
#define SNAPLEN 262144u

/* Exported PDU tags and the UDP port type (epan/exported_pdu.h, epan/address.h PT_UDP). */
enum {
	TAG_END = 0,
	TAG_DISSECTOR_NAME = 12,
	TAG_IPV4_SRC = 20,
	TAG_IPV4_DST = 21,
	TAG_PORT_TYPE = 24,
	TAG_SRC_PORT = 25,
	TAG_DST_PORT = 26,
	PORT_TYPE_UDP = 3,
};

struct nasmac__pcap {
	FILE *f;
	int failed; /* a write failed: logged once, nothing more is written */
};

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static size_t put_tag(uint8_t *p, uint16_t tag, const void *v, uint16_t len)
{
	p[0] = (uint8_t)(tag >> 8);
	p[1] = (uint8_t)tag;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	if (len) /* the end tag has no value (and a NULL one) */
		memcpy(p + 4, v, len);
	return 4u + len;
}

static size_t put_tag32(uint8_t *p, uint16_t tag, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	return put_tag(p, tag, b, 4);
}

static int write_all(struct nasmac__pcap *p, const void *buf, size_t len)
{
	if (p->failed)
		return -EIO;
	if (fwrite(buf, 1, len, p->f) != len) {
		/* A full disk must not go unnoticed, nor flood the log once per datagram. */
		p->failed = 1;
		nasmac__log(NASMAC__LOG_ERR, "pcap: write failed, capture stops here (short file)");
		return -EIO;
	}
	return 0;
}

int nasmac__pcap_open(const char *path, struct nasmac__pcap **out)
{
	uint8_t hdr[24] = { 0 };
	struct nasmac__pcap *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->f = nasmac__fopen_private(path); /* Context Responses carry K_ASME */
	if (!p->f) {
		int rc = -errno;
		free(p);
		return rc;
	}
	put_le32(hdr, 0xa1b2c3d4u); /* microsecond timestamps */
	hdr[4] = 2;                 /* version 2.4 */
	hdr[6] = 4;
	put_le32(hdr + 16, SNAPLEN);
	put_le32(hdr + 20, LINKTYPE_WIRESHARK_UPPER_PDU);
	if (write_all(p, hdr, sizeof(hdr))) {
		fclose(p->f);
		free(p);
		return -EIO;
	}
	*out = p;
	return 0;
}

/* One record: the tags (dissector name, zero-padded to 4 octets as Wireshark writes it; the
 * addresses and ports), the end tag, then the PDU. */
static void record(struct nasmac__pcap *p, const char *proto, const struct sockaddr_in *src,
		   const struct sockaddr_in *dst, const uint8_t *pdu, size_t len)
{
	uint8_t rec[16], tags[96], name[16] = { 0 };
	size_t nlen = strlen(proto), n = 0;
	struct timespec ts;

	if (!p || len > 0xffff || nlen > sizeof(name) - 4)
		return;
	memcpy(name, proto, nlen);
	n += put_tag(tags + n, TAG_DISSECTOR_NAME, name, (uint16_t)((nlen + 3) & ~3u));
	n += put_tag(tags + n, TAG_IPV4_SRC, &src->sin_addr, 4);
	n += put_tag(tags + n, TAG_IPV4_DST, &dst->sin_addr, 4);
	n += put_tag32(tags + n, TAG_PORT_TYPE, PORT_TYPE_UDP);
	n += put_tag32(tags + n, TAG_SRC_PORT, ntohs(src->sin_port));
	n += put_tag32(tags + n, TAG_DST_PORT, ntohs(dst->sin_port));
	n += put_tag(tags + n, TAG_END, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	put_le32(rec, (uint32_t)ts.tv_sec);
	put_le32(rec + 4, (uint32_t)(ts.tv_nsec / 1000));
	put_le32(rec + 8, (uint32_t)(n + len));
	put_le32(rec + 12, (uint32_t)(n + len));
	if (!write_all(p, rec, sizeof(rec)) && !write_all(p, tags, n))
		(void)write_all(p, pdu, len);
}

void nasmac__pcap_write(struct nasmac__pcap *p, const struct sockaddr_in *src,
			const struct sockaddr_in *dst, const uint8_t *buf, size_t len)
{
	struct nasmac__gtp_hdr h;

	record(p, nasmac__gtp_peek(buf, len, &h) ? "data" : "gtpv2", src, dst, buf, len);
}

void nasmac__pcap_write_nas(struct nasmac__pcap *p, const struct sockaddr_in *src,
			    const struct sockaddr_in *dst, const uint8_t *pdu, size_t len)
{
	const char *proto = "data";

	/* TS 24.007 11.2.3.1.1: 5GMM / 5GSM extended protocol discriminators; otherwise the EPS
	 * protocol discriminator in bits 4-1 (EMM 0111, ESM 0010). */
	if (len >= 1 && (pdu[0] == 0x7e || pdu[0] == 0x2e))
		proto = "nas-5gs";
	else if (len >= 1 && ((pdu[0] & 0x0f) == 0x07 || (pdu[0] & 0x0f) == 0x02))
		proto = "nas-eps";
	record(p, proto, src, dst, pdu, len);
}

void nasmac__pcap_write_link(struct nasmac__pcap *p, const struct sockaddr_in *src,
			     const struct sockaddr_in *dst, const uint8_t *frame, size_t len)
{
	struct nasmac__link_frame f;

	if (!p)
		return;
	if (nasmac__link_decode(frame, len, &f)) {
		record(p, "data", src, dst, frame, len);
		return;
	}
	for (unsigned i = 0; i < f.n_pdu; i++)
		nasmac__pcap_write_nas(p, src, dst, f.pdu[i], f.pdu_len[i]);
}

void nasmac__pcap_close(struct nasmac__pcap *p)
{
	if (!p)
		return;
	if (fclose(p->f) && !p->failed)
		nasmac__log(NASMAC__LOG_ERR, "pcap: close failed, capture may be short");
	free(p);
}
