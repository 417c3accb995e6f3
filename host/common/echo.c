/* `nasmacd echo`: sends every datagram back where it came from, through the same batched UDP
 * (recvmmsg in, sendmmsg out) as the MME, so `nasmac bench e2e` can show the ceiling that the
 * socket path alone allows on this machine. */
#include <stdio.h>
#include <string.h>

#include "host.h"

static void on_echo(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		    const struct sockaddr_in *from)
{
	(void)nasmac__udp_send(u, buf, len, from);
}

static void report(void *arg, const char *why)
{
	const struct nasmac__udp *u = arg;

	nasmac__log(NASMAC__LOG_INFO, "counters (%s): rx=%llu tx=%llu tx_dropped=%llu", why,
		    (unsigned long long)u->rx, (unsigned long long)u->tx,
		    (unsigned long long)u->tx_dropped);
}

int nasmac__echo_main(int argc, char **argv)
{
	struct sockaddr_in addr;
	struct nasmac__udp u;
	struct nasmac__daemon d;
	uv_loop_t loop;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: nasmacd echo --listen ADDR:PORT\n");
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "--listen") || nasmac__parse_addr(argv[2], &addr)) {
		fprintf(stderr, "usage: nasmacd echo --listen ADDR:PORT\n");
		return 2;
	}
	nasmac__log_init("echo", NASMAC__LOG_INFO);
	uv_loop_init(&loop);
	rc = nasmac__udp_open(&loop, &u, &addr, on_echo, NULL);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "cannot listen on %s: %s", argv[2], uv_strerror(rc));
		return 1;
	}
	u.seg = 1; /* answers only, like the MME's */
	nasmac__daemon_init(&d, &loop, report, &u);
	nasmac__log(NASMAC__LOG_INFO, "echoing on %s", argv[2]);
	nasmac__daemon_run(&d);
	report(&u, "exit");
	nasmac__udp_close(&u);
	nasmac__daemon_close(&d);
	nasmac__daemon_end_loop(&loop);
	return 0;
}
