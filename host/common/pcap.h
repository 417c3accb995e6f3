/*
 * pcap of what a daemon sent and received (pcap.c): Wireshark upper-PDU records with the
 * addresses and ports of the datagram. _write: a datagram on N26 (GTPv2-C); _write_nas: one NAS
 * PDU; _write_link: a UE test link frame, written as the NAS PDU(s) it carries.
 */
#ifndef NASMAC_PCAP_H
#define NASMAC_PCAP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct nasmac__pcap;
int nasmac__pcap_open(const char *path, struct nasmac__pcap **out);
void nasmac__pcap_write(struct nasmac__pcap *p, const struct sockaddr_in *src,
			const struct sockaddr_in *dst, const uint8_t *buf, size_t len);
void nasmac__pcap_write_nas(struct nasmac__pcap *p, const struct sockaddr_in *src,
			    const struct sockaddr_in *dst, const uint8_t *pdu, size_t len);
void nasmac__pcap_write_link(struct nasmac__pcap *p, const struct sockaddr_in *src,
			     const struct sockaddr_in *dst, const uint8_t *frame, size_t len);
void nasmac__pcap_close(struct nasmac__pcap *p);

#endif
