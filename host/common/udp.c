/* Batched UDP on libuv: recvmmsg in, sendmmsg out. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host.h"

/* libuv (1.44, src/unix/udp.c) reads up to 20 datagrams per recvmmsg call when the buffer the
 * alloc callback hands out holds 20 slots of 64 KiB. */
#define RX_SLOTS NASMAC__UDP_RX_SLOTS
#define RX_SLOT_SIZE 65536u

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
	free(u->out);
	free(u->out_len);
	free(u->out_to);
	u->rxbuf = NULL;
	u->out = NULL;
	u->out_len = NULL;
	u->out_to = NULL;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct nasmac__udp *u = (struct nasmac__udp *)h;

	(void)suggested;
	buf->base = (char *)u->rxbuf;
	buf->len = RX_SLOTS * RX_SLOT_SIZE;
}

static void on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *addr,
		    unsigned flags)
{
	struct nasmac__udp *u = (struct nasmac__udp *)h;

	if (nread < 0) {
		u->rx_errors++;
		return;
	}
	/* nread == 0 with no address: nothing more to read, or the end of a recvmmsg batch (its
	 * buffer is read again only after this call). */
	if (!addr || addr->sa_family != AF_INET) {
		if (u->n_burst) {
			uint32_t n = u->n_burst;

			u->n_burst = 0;
			u->on_burst(u, u->burst, n);
		}
		return;
	}
	u->rx++;
	if (u->on_burst) {
		struct nasmac__dgram *d = &u->burst[u->n_burst];

		d->buf = (const uint8_t *)buf->base;
		d->len = (size_t)nread;
		d->from = *(const struct sockaddr_in *)addr;
		/* A datagram read alone (not a recvmmsg chunk) is a burst of one. */
		if (++u->n_burst == RX_SLOTS || !(flags & UV_UDP_MMSG_CHUNK)) {
			uint32_t n = u->n_burst;

			u->n_burst = 0;
			u->on_burst(u, u->burst, n);
		}
		return;
	}
	u->on_recv(u, (const uint8_t *)buf->base, (size_t)nread, (const struct sockaddr_in *)addr);
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
	uv_os_fd_t fd;
	int sz = 8 << 20, rc;

	memset(u, 0, sizeof(*u));
	u->on_recv = cb;
	u->data = data;
	u->rxbuf = malloc(RX_SLOTS * RX_SLOT_SIZE);
	u->out = calloc(NASMAC__UDP_OUT_SLOTS, sizeof(*u->out));
	u->out_len = calloc(NASMAC__UDP_OUT_SLOTS, sizeof(*u->out_len));
	u->out_to = calloc(NASMAC__UDP_OUT_SLOTS, sizeof(*u->out_to));
	if (!u->rxbuf || !u->out || !u->out_len || !u->out_to) {
		rc = -ENOMEM;
		goto out_free;
	}
	/* With a socket of our own (group), libuv must not create one: AF_UNSPEC. */
	rc = uv_udp_init_ex(loop, &u->handle, (group > 1 ? AF_UNSPEC : AF_INET) | UV_UDP_RECVMMSG);
	if (rc)
		goto out_free;
	if (group > 1) {
		int one = 1, s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		rc = s < 0 ? -errno : 0;
		if (!rc && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
			rc = -errno;
		if (!rc && bind(s, (const struct sockaddr *)addr, sizeof(*addr)))
			rc = -errno;
		/* Every worker attaches the same program; the group keeps one. Without it the
		 * kernel's 4-tuple hash still keeps each peer on one worker. */
		if (!rc && nasmac__reuseport_steer(s, group))
			nasmac__log(NASMAC__LOG_WARN, "workers: no sequence-number steering (%s): "
						      "datagrams spread by peer address",
				    strerror(errno));
		if (!rc)
			rc = uv_udp_open(&u->handle, s);
		if (rc && s >= 0)
			close(s);
	} else {
		rc = uv_udp_bind(&u->handle, (const struct sockaddr *)addr, 0);
	}
	if (rc)
		goto out_close;
	if (uv_fileno((uv_handle_t *)&u->handle, &fd) == 0) {
		u->fd = fd;
		/* Floods and bursts land in the kernel buffer rather than being dropped at once. */
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	}
	rc = uv_udp_recv_start(&u->handle, on_alloc, on_recv);
	if (rc)
		goto out_close;
	uv_check_init(loop, &u->check);
	u->check.data = u;
	uv_check_start(&u->check, on_check);
	return 0;

out_close:
	uv_close((uv_handle_t *)&u->handle, NULL);
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
	int len = sizeof(a);

	if (uv_udp_getsockname(&u->handle, (struct sockaddr *)&a, &len))
		return -1;
	return ntohs(a.sin_port);
}

void nasmac__udp_flush(struct nasmac__udp *u)
{
	struct mmsghdr msgs[64];
	struct iovec iov[64];
	uint32_t done = 0;

	while (done < u->n_out) {
		uint32_t n = u->n_out - done;
		int sent;

		if (n > 64)
			n = 64;
		for (uint32_t i = 0; i < n; i++) {
			iov[i].iov_base = u->out[done + i];
			iov[i].iov_len = u->out_len[done + i];
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_name = &u->out_to[done + i];
			msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		sent = sendmmsg(u->fd, msgs, n, MSG_DONTWAIT);
		if (sent < 0) {
			if (errno == EINTR)
				continue;
			/* The socket buffer is full (or the peer port is closed): drop the rest
			 * of this datagram; GTP-C and the UE simulator retransmit. */
			u->tx_dropped++;
			done++;
			continue;
		}
		u->tx += (uint64_t)sent;
		done += (uint32_t)sent;
	}
	u->n_out = 0;
}

int nasmac__udp_send(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		     const struct sockaddr_in *to)
{
	if (len == 0 || len > NASMAC__UDP_OUT_MAX)
		return -EINVAL;
	if (u->n_out == NASMAC__UDP_OUT_SLOTS)
		nasmac__udp_flush(u);
	memcpy(u->out[u->n_out], buf, len);
	u->out_len[u->n_out] = (uint16_t)len;
	u->out_to[u->n_out] = *to;
	u->n_out++;
	return 0;
}

static void on_closed(uv_handle_t *h)
{
	free_bufs((struct nasmac__udp *)h);
}

void nasmac__udp_close(struct nasmac__udp *u)
{
	if (!u->rxbuf)
		return;
	nasmac__udp_flush(u);
	uv_check_stop(&u->check);
	uv_close((uv_handle_t *)&u->check, NULL);
	uv_close((uv_handle_t *)&u->handle, on_closed);
}
