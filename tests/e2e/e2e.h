/*
 * The harness the C end-to-end tests share (robust.c, trust.c): the real nasmacd started as a
 * child process with its stderr in a log file, its counters read from the line SIGUSR1 makes it
 * log, loopback UDP sockets, and a GTPv2-C IE scan. Every function fails the running cmocka test
 * on what it cannot do, so a case reads as its steps.
 */
#ifndef NASMAC_TESTS_E2E_H
#define NASMAC_TESTS_E2E_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct e2e_daemon {
	pid_t pid;
	uint64_t barriers; /* Echo Requests the test sent as barriers (taken out of the counters) */
	char log[256];
	struct sockaddr_in addr;
};

/* A snapshot of a daemon's counters: the "name=value" pairs of its last SIGUSR1 line. */
#define E2E_CTRS_MAX 48
struct e2e_ctrs {
	char name[E2E_CTRS_MAX][24];
	uint64_t val[E2E_CTRS_MAX];
	int n;
};

void e2e_sleep_ms(int ms);
/* The whole file, NUL-terminated (free() it), its length in *len when len is not NULL; NULL
 * when it cannot be read. */
char *e2e_slurp(const char *path, size_t *len);
/* How often needle occurs in hay (0 for a NULL hay). */
int e2e_count_str(const char *hay, const char *needle);
int e2e_log_count(const struct e2e_daemon *d, const char *needle);

/* A UDP socket on 127.0.0.1, any port, 8 MiB buffers; its address in *bound if not NULL. */
int e2e_udp_socket(struct sockaddr_in *bound);
int e2e_port_of(int fd);
void e2e_tx(int fd, const struct sockaddr_in *to, const void *buf, size_t len);
/* One datagram within ms, or 0; the sender in *from when not NULL. */
size_t e2e_rx(int fd, uint8_t *buf, size_t size, int ms, struct sockaddr_in *from);
/* Reads and drops whatever is queued on fd. */
void e2e_drain(int fd);

/* Starts argv (argv[0] the binary) with stderr in dir/name.log, and waits up to 20 s for the
 * log to show `ready`; d->addr is the address after --listen. The child gets SIGTERM when the
 * test dies. */
void e2e_spawn(struct e2e_daemon *d, const char *dir, const char *name, const char *ready,
	       char **argv);
/* Fails the test, printing the log, when d has exited. */
void e2e_assert_alive(const struct e2e_daemon *d);
/* SIGTERM, and the exit status must be 0 (a sanitizer report makes it non-zero). */
void e2e_stop(struct e2e_daemon *d);
/* Sends SIGUSR1 and reads the counter line it logs (rx, echo and tx less d->barriers). */
void e2e_snap(struct e2e_daemon *d, struct e2e_ctrs *c);
uint64_t e2e_ctr(const struct e2e_ctrs *c, const char *name);
/* Counter name moved by exactly want between a and b. */
void e2e_moved(const struct e2e_ctrs *a, const struct e2e_ctrs *b, const char *name, uint64_t want);
/* Every counter but those listed (NULL-terminated) stayed put. */
void e2e_only_moved(const struct e2e_ctrs *a, const struct e2e_ctrs *b, ...);

/* The test's directory /tmp/nasmac-NAME.XXXXXX (into dir) with its UE db dir/ue.db (path into
 * db): the first n_db of the UEs o makes, after every one's uplink COUNT is cut to 16 bits (room
 * for many COUNTs below the 24-bit end). Returns the UEs (free() them). */
struct nasmac__load_opts;
struct nasmac__uesim *e2e_ue_dir(const char *name, const struct nasmac__load_opts *o,
				 uint32_t n_db, char dir[64], char db[128]);
/* "127.0.0.1:PORT" of a free UDP port, into addr. */
void e2e_free_addr(char addr[32]);

/* The test's directory removed, or kept and named on stderr when the environment variable keep_env
 * is set: 0, or -1 when it could not be removed. */
int e2e_remove_dir(const char *dir, const char *keep_env);

/* The main() of an e2e test program: "usage: PROG NASMACD" (the nasmacd binary to test, into
 * *nasmacd), SIGPIPE ignored, the environment variable only_env as a glob over the case names,
 * then the cases as one cmocka group. */
struct CMUnitTest;
typedef int (*e2e_fixture)(void **state);
int e2e_main(int argc, char **argv, const char **nasmacd, const char *group, const char *only_env,
	     const struct CMUnitTest *tests, size_t n, e2e_fixture setup, e2e_fixture teardown);

/* Offset of the first GTPv2-C IE of `type` after the 12-octet header (T = 1), or 0. */
size_t e2e_ie_off(const uint8_t *buf, size_t len, uint8_t type);

#endif
