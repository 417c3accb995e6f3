/* Small helpers: argument parsing, percentiles, private files, free ports (hex is hex.c, GUTI mapping guti.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

int nasmac__free_port(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type, 0), port = -1;

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

double nasmac__percentile(uint64_t *v, size_t n, double q)
{
	size_t idx;

	if (!n)
		return 0.0;
	qsort(v, n, sizeof(*v), cmp_u64);
	/* Nearest rank: the smallest value with at least q of the samples at or below it. */
	idx = (size_t)(q * (double)n + 0.999999);
	if (idx == 0)
		idx = 1;
	if (idx > n)
		idx = n;
	return (double)v[idx - 1];
}

int nasmac__parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double d;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || !(d >= lo && d <= hi))
		return -EINVAL;
	*out = d;
	return 0;
}

int nasmac__parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

FILE *nasmac__fopen_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	/* An existing file keeps its mode through O_CREAT: tighten it. */
	if (fchmod(fd, 0600) || !(f = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	return f;
}
