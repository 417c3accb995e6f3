/* pcap files of what a daemon sent and received: classic pcap, LINKTYPE_IPV4 (228), each
 * datagram wrapped in an IPv4 and a UDP header so Wireshark/tshark dissect it by port. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

struct nasmac__pcap {
	FILE *f;
	uint16_t ip_id;
};

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int nasmac__pcap_open(const char *path, struct nasmac__pcap **out)
{
	uint8_t hdr[24] = { 0 };
	struct nasmac__pcap *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->f = fopen(path, "wb");
	if (!p->f) {
		free(p);
		return -errno;
	}
	put_le32(hdr, 0xa1b2c3d4u); /* microsecond timestamps */
	hdr[4] = 2;                 /* version 2.4 */
	hdr[6] = 4;
	put_le32(hdr + 16, 65535); /* snaplen */
	put_le32(hdr + 20, 228);   /* LINKTYPE_IPV4 */
	fwrite(hdr, 1, sizeof(hdr), p->f);
	*out = p;
	return 0;
}

static uint16_t ip_csum(const uint8_t *h)
{
	uint32_t s = 0;

	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void nasmac__pcap_write(struct nasmac__pcap *p, const struct sockaddr_in *src,
			const struct sockaddr_in *dst, const uint8_t *buf, size_t len)
{
	uint8_t rec[16], ip[28];
	struct timespec ts;
	size_t total = 28 + len;
	uint16_t sum;

	if (!p || total > 65535)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	put_le32(rec, (uint32_t)ts.tv_sec);
	put_le32(rec + 4, (uint32_t)(ts.tv_nsec / 1000));
	put_le32(rec + 8, (uint32_t)total);
	put_le32(rec + 12, (uint32_t)total);
	memset(ip, 0, sizeof(ip));
	ip[0] = 0x45;
	ip[2] = (uint8_t)(total >> 8);
	ip[3] = (uint8_t)total;
	ip[4] = (uint8_t)(p->ip_id >> 8);
	ip[5] = (uint8_t)p->ip_id;
	p->ip_id++;
	ip[8] = 64;
	ip[9] = 17; /* UDP */
	memcpy(ip + 12, &src->sin_addr, 4);
	memcpy(ip + 16, &dst->sin_addr, 4);
	sum = ip_csum(ip);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	memcpy(ip + 20, &src->sin_port, 2);
	memcpy(ip + 22, &dst->sin_port, 2);
	ip[24] = (uint8_t)((len + 8) >> 8);
	ip[25] = (uint8_t)(len + 8);
	/* UDP checksum 0: "not computed", valid for IPv4. */
	fwrite(rec, 1, sizeof(rec), p->f);
	fwrite(ip, 1, sizeof(ip), p->f);
	fwrite(buf, 1, len, p->f);
}

void nasmac__pcap_close(struct nasmac__pcap *p)
{
	if (!p)
		return;
	fclose(p->f);
	free(p);
}
