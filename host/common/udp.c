/* Batched UDP on libuv: a socket of its own under uv_poll, recvmmsg in, sendmmsg out. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host.h"

/* Receive slots: a datagram of up to NASMAC__UDP_RX_MAX octets and one more (which marks a
 * longer one), each slot a cache line further in the L1 sets than the one before. libuv's
 * recvmmsg takes 64 KiB slots, 20 at most: their starts all fall in one L1 set (perf under bench
 * e2e: _copy_to_iter 5-6 % of the server's CPU) and a burst is at most 20 datagrams. */
#define RX_SLOTS NASMAC__UDP_RX_SLOTS
#define RX_CAP (NASMAC__UDP_RX_MAX + 1u)
#define RX_STRIDE ((RX_CAP + 63u) / 64u * 64u + 64u)
/* The outbound ring: datagrams packed at cache-line boundaries (fixed 2 KiB slots put every
 * datagram's first lines in two L1 sets). A reserve needs NASMAC__UDP_OUT_MAX octets free. */
#define OUT_BYTES (NASMAC__UDP_OUT_SLOTS * 512u)
#define OUT_ALIGN(n) (((n) + 63u) & ~63u)

int nasmac__parse_addr(const char *s, struct sockaddr_in *out)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	uint32_t port;
	size_t n;

	if (!colon)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(host) || nasmac__parse_u32(colon + 1, 0, 65535, &port))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &out->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

/* The buffers, NULL after: a NULL rxbuf tells nasmac__udp_close the socket is not open. */
static void free_bufs(struct nasmac__udp *u)
{
	free(u->rxbuf);
	free(u->rx_msg);
	free(u->rx_iov);
	free(u->out);
	free(u->out_off);
	free(u->out_len);
	free(u->out_to);
	u->rxbuf = NULL;
	u->rx_msg = NULL;
	u->rx_iov = NULL;
	u->out = NULL;
	u->out_off = NULL;
	u->out_len = NULL;
	u->out_to = NULL;
}

/* One recvmmsg per readiness: at most RX_SLOTS datagrams, then back to the loop, whose check
 * phase hands what they asked for to the MAC device and flushes the answers before the next
 * read (the same bound on a loop iteration's work as libuv's own reads). */
static void on_readable(uv_poll_t *h, int status, int events)
{
	struct nasmac__udp *u = (struct nasmac__udp *)h;
	uint32_t k = 0;
	int n;

	(void)events;
	if (status < 0) {
		u->rx_errors++;
		return;
	}
	for (uint32_t i = 0; i < RX_SLOTS; i++) {
		u->rx_msg[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
		u->rx_msg[i].msg_hdr.msg_flags = 0;
	}
	do
		n = recvmmsg(u->fd, u->rx_msg, RX_SLOTS, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			u->rx_errors++;
		return;
	}
	u->rx += (uint64_t)n;
	/* The IPv4 datagrams of the batch, in order, at the front of burst[]. */
	for (uint32_t i = 0; i < (uint32_t)n; i++) {
		if (u->rx_msg[i].msg_hdr.msg_namelen != sizeof(struct sockaddr_in) ||
		    u->burst[i].from.sin_family != AF_INET)
			continue;
		u->burst[k].buf = u->rxbuf + (size_t)i * RX_STRIDE;
		u->burst[k].len = u->rx_msg[i].msg_len;
		if (k != i)
			u->burst[k].from = u->burst[i].from;
		k++;
	}
	if (u->on_burst) {
		if (k)
			u->on_burst(u, u->burst, k);
		return;
	}
	for (uint32_t i = 0; i < k; i++)
		u->on_recv(u, u->burst[i].buf, u->burst[i].len, &u->burst[i].from);
}

static void on_check(uv_check_t *c)
{
	nasmac__udp_flush(c->data);
}

/* The program that picks a worker's socket from the GTPv2-C sequence number (workers.c says
 * why): A = sequence number mod n, the socket's index in the group. */
int nasmac__reuseport_steer(int fd, unsigned int n)
{
	struct sock_filter code[] = {
		/* A = flags octet; T (bit 3, 0x08) says whether a TEID precedes the sequence. */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x08, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8), /* sequence number || spare */
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 8),
		BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 8),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, n),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog)))
		return -errno;
	return 0;
}

/* group > 1: one of that many sockets bound to one port with SO_REUSEPORT (workers.c), the
 * first of them attaching the program that steers datagrams to a socket. */
static int udp_open(uv_loop_t *loop, struct nasmac__udp *u, const struct sockaddr_in *addr,
		    nasmac__udp_cb cb, void *data, unsigned int group)
{
	int sz = 8 << 20, one = 1, rc = 0, s;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	u->on_recv = cb;
	u->data = data;
	u->rxbuf = aligned_alloc(64, RX_SLOTS * RX_STRIDE);
	u->rx_msg = calloc(RX_SLOTS, sizeof(*u->rx_msg));
	u->rx_iov = calloc(RX_SLOTS, sizeof(*u->rx_iov));
	u->out = aligned_alloc(64, OUT_BYTES);
	u->out_off = calloc(NASMAC__UDP_OUT_SLOTS, sizeof(*u->out_off));
	u->out_len = calloc(NASMAC__UDP_OUT_SLOTS, sizeof(*u->out_len));
	u->out_to = calloc(NASMAC__UDP_OUT_SLOTS, sizeof(*u->out_to));
	if (!u->rxbuf || !u->rx_msg || !u->rx_iov || !u->out || !u->out_off || !u->out_len ||
	    !u->out_to) {
		rc = -ENOMEM;
		goto out_free;
	}
	for (uint32_t i = 0; i < RX_SLOTS; i++) {
		u->rx_iov[i].iov_base = u->rxbuf + (size_t)i * RX_STRIDE;
		u->rx_iov[i].iov_len = RX_CAP;
		u->rx_msg[i].msg_hdr.msg_name = &u->burst[i].from;
		u->rx_msg[i].msg_hdr.msg_iov = &u->rx_iov[i];
		u->rx_msg[i].msg_hdr.msg_iovlen = 1;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0) {
		rc = -errno;
		goto out_free;
	}
	if (group > 1 && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) {
		rc = -errno;
		goto out_close_fd;
	}
	if (bind(s, (const struct sockaddr *)addr, sizeof(*addr))) {
		rc = -errno;
		goto out_close_fd;
	}
	/* Every worker attaches the same program; the group keeps one. Without it the kernel's
	 * 4-tuple hash still keeps each peer on one worker. */
	if (group > 1 && nasmac__reuseport_steer(s, group))
		nasmac__log(NASMAC__LOG_WARN, "workers: no sequence-number steering (%s): "
					      "datagrams spread by peer address",
			    strerror(errno));
	/* Floods and bursts land in the kernel buffer rather than being dropped at once. */
	(void)setsockopt(s, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	rc = uv_poll_init_socket(loop, &u->handle, s);
	if (rc)
		goto out_close_fd;
	u->fd = s;
	rc = uv_poll_start(&u->handle, UV_READABLE, on_readable);
	if (rc)
		goto out_close_handle;
	uv_check_init(loop, &u->check);
	u->check.data = u;
	uv_check_start(&u->check, on_check);
	return 0;

out_close_handle:
	uv_close((uv_handle_t *)&u->handle, NULL);
out_close_fd:
	close(s);
	u->fd = -1;
out_free:
	free_bufs(u);
	return rc;
}

int nasmac__udp_open(uv_loop_t *loop, struct nasmac__udp *u, const struct sockaddr_in *addr,
		     nasmac__udp_cb cb, void *data)
{
	return udp_open(loop, u, addr, cb, data, 1);
}

int nasmac__udp_open_group(uv_loop_t *loop, struct nasmac__udp *u, const struct sockaddr_in *addr,
			   nasmac__udp_cb cb, void *data, unsigned int group)
{
	return udp_open(loop, u, addr, cb, data, group);
}

int nasmac__udp_port(const struct nasmac__udp *u)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(u->fd, (struct sockaddr *)&a, &len))
		return -1;
	return ntohs(a.sin_port);
}

/* Answers to one peer of one length leave as one UDP_SEGMENT (generic segmentation offload)
 * message: the kernel routes, builds and hands to the device one buffer for the run, and splits
 * it into datagrams at the device or, on loopback, at the receiving socket. Each datagram is
 * still a datagram of its own on the wire. A run holds at most GSO_MAX datagrams (Linux 6.1's
 * UDP_MAX_SEGMENTS), GSO_MAX_BYTES in all (one IPv4 datagram's payload before segmentation), of
 * at most GSO_MAX_LEN octets each (a segment must fit the route's MTU: 1200 fits Ethernet and
 * the tunnels N26 may run in). Only where u->seg is set (host.h says for whom). Where the
 * kernel cannot segment (IPsec on the route, NDS/IP:
 * EIO; no checksum offload or a smaller MTU: EINVAL), the socket sends one datagram per
 * message from then on. Measured (host/README.md, cost): the echo's send path and the MME's
 * both cost less per datagram, on loopback the segments are split at the receiving socket. */
#define GSO_MAX 64u
#define GSO_MAX_LEN 1200u
#define GSO_MAX_BYTES 65000u

static int same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

void nasmac__udp_flush(struct nasmac__udp *u)
{
	struct mmsghdr msgs[64];
	struct iovec iov[256];
	uint32_t segs[64];
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctl[64];
	uint32_t done = 0;

	while (done < u->n_out) {
		uint32_t m = 0, k = 0, at = done;
		int sent;

		/* Up to 64 messages and 256 datagrams from here. */
		while (at < u->n_out && m < 64 && k < 256) {
			uint32_t len = u->out_len[at], n = 1;

			memset(&msgs[m], 0, sizeof(msgs[m]));
			msgs[m].msg_hdr.msg_name = &u->out_to[at];
			msgs[m].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
			msgs[m].msg_hdr.msg_iov = &iov[k];
			iov[k].iov_base = u->out + u->out_off[at];
			iov[k].iov_len = len;
			if (u->seg && len <= GSO_MAX_LEN)
				while (at + n < u->n_out && n < GSO_MAX && k + n < 256 &&
				       (n + 1) * len <= GSO_MAX_BYTES && u->out_len[at + n] == len &&
				       same_peer(&u->out_to[at + n], &u->out_to[at])) {
					iov[k + n].iov_base = u->out + u->out_off[at + n];
					iov[k + n].iov_len = len;
					n++;
				}
			msgs[m].msg_hdr.msg_iovlen = n;
			if (n > 1) {
				struct cmsghdr *c = &ctl[m].align;

				msgs[m].msg_hdr.msg_control = ctl[m].buf;
				msgs[m].msg_hdr.msg_controllen = sizeof(ctl[m].buf);
				c->cmsg_level = SOL_UDP;
				c->cmsg_type = UDP_SEGMENT;
				c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
				*(uint16_t *)(void *)CMSG_DATA(c) = (uint16_t)len;
			}
			segs[m] = n;
			at += n;
			k += n;
			m++;
		}
		sent = sendmmsg(u->fd, msgs, m, MSG_DONTWAIT);
		if (sent < 0) {
			if (errno == EINTR)
				continue;
			/* A route that cannot segment (above): one datagram per message. */
			if (segs[0] > 1 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT ||
					    errno == EOPNOTSUPP)) {
				u->seg = 0;
				nasmac__log(NASMAC__LOG_WARN, "udp: segmentation offload refused (%s): "
							      "one datagram per message from now on",
					    strerror(errno));
				continue;
			}
			/* The socket buffer is full (or the peer port is closed): drop the rest
			 * of this datagram; GTP-C and the UE simulator retransmit. */
			u->tx_dropped++;
			done++;
			continue;
		}
		for (int i = 0; i < sent; i++) {
			u->tx += segs[i];
			if (segs[i] > 1)
				u->tx_seg += segs[i];
			done += segs[i];
		}
	}
	u->n_out = 0;
	u->out_used = 0;
}

uint8_t *nasmac__udp_reserve(struct nasmac__udp *u, size_t max)
{
	if (max > NASMAC__UDP_OUT_MAX)
		return NULL;
	if (u->n_out == NASMAC__UDP_OUT_SLOTS || OUT_BYTES - u->out_used < NASMAC__UDP_OUT_MAX)
		nasmac__udp_flush(u);
	return u->out + u->out_used;
}

void nasmac__udp_commit(struct nasmac__udp *u, size_t len, const struct sockaddr_in *to)
{
	u->out_off[u->n_out] = u->out_used;
	u->out_len[u->n_out] = (uint16_t)len;
	u->out_to[u->n_out] = *to;
	u->out_used += OUT_ALIGN((uint32_t)len);
	u->n_out++;
}

int nasmac__udp_send(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		     const struct sockaddr_in *to)
{
	uint8_t *p;

	if (len == 0 || len > NASMAC__UDP_OUT_MAX)
		return -EINVAL;
	p = nasmac__udp_reserve(u, len);
	memcpy(p, buf, len);
	nasmac__udp_commit(u, len, to);
	return 0;
}

static void on_closed(uv_handle_t *h)
{
	struct nasmac__udp *u = (struct nasmac__udp *)h;

	/* uv_poll does not own the socket. */
	close(u->fd);
	u->fd = -1;
	free_bufs(u);
}

void nasmac__udp_close(struct nasmac__udp *u)
{
	if (!u->rxbuf)
		return;
	nasmac__udp_flush(u);
	uv_poll_stop(&u->handle);
	uv_check_stop(&u->check);
	uv_close((uv_handle_t *)&u->check, NULL);
	uv_close((uv_handle_t *)&u->handle, on_closed);
}
