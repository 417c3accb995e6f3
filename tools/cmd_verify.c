/* nasmac verify: a batch file of MACs through a libnasmac backend, one verdict per line. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "nasmac.h"

struct line {
	nasmac_job_t job;
	uint8_t *msg;
	unsigned long lineno;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nasmac verify [--backend cpu|sim|xrt:N] [--batch-max N] [--deadline-us N]\n"
		"                     [--xclbin PATH] FILE|-\n"
		"Verifies every line of FILE (or standard input) through a libnasmac backend:\n"
		"  ALG KEY COUNT BEARER DIRECTION LENGTH_BITS MESSAGE MAC\n"
		"(the format of tests/vectors/eia*.txt; '#' starts a comment). Prints 'verified' or\n"
		"'MISMATCH' per line and a summary. Exit status: 0 all verified, 1 a mismatch or a\n"
		"rejected job, 2 bad usage, bad input or no such backend.\n"
		"  --backend B      cpu (default), sim (the kernel model) or xrt:N (Alveo card N)\n"
		"  --batch-max N    jobs per device batch\n"
		"  --deadline-us N  send a partial batch after N microseconds\n"
		"  --xclbin PATH    xrt: the kernel's xclbin (default $NASMAC_XCLBIN)\n");
}


/* One vector line into l (its message copied); -EINVAL with why[] filled on bad input. */
static int parse_line(char *text, struct line *l, char *why, size_t why_len)
{
	static const char *const names[8] = { "ALG",	   "KEY",	  "COUNT",   "BEARER",
					       "DIRECTION", "LENGTH_BITS", "MESSAGE", "MAC" };
	char *f[9];
	const char *bad = NULL;
	int n = 0, i = 0;
	unsigned long v = 0;
	size_t bytes = 0;

	for (char *tok = strtok(text, " \t\r\n"); tok && n < 9; tok = strtok(NULL, " \t\r\n"))
		f[n++] = tok;
	if (n != 8) {
		snprintf(why, why_len, "%d fields; expected ALG KEY COUNT BEARER DIRECTION "
				       "LENGTH_BITS MESSAGE MAC", n);
		return -EINVAL;
	}
	memset(l, 0, sizeof(*l));
	if (strlen(f[0]) != 4 || strncmp(f[0], "eia", 3) || f[0][3] < '1' || f[0][3] > '3')
		bad = "must be eia1, eia2 or eia3";
	else
		l->job.alg = (uint8_t)(f[0][3] - '0');
	if (!bad && !(bad = nasmac__tool_hex_exact(f[++i], l->job.key, 16)) &&
	    !(bad = nasmac__tool_hex_u32(f[++i], 8, &l->job.count)) &&
	    !(bad = nasmac__tool_dec(f[++i], 31, &v))) {
		l->job.bearer = (uint8_t)v;
		bad = nasmac__tool_dec(f[++i], 1, &v);
	}
	if (!bad) {
		l->job.direction = (uint8_t)v;
		bad = nasmac__tool_dec(f[++i], NASMAC_MAX_LEN_BITS, &v);
	}
	if (!bad) {
		l->job.len_bits = (uint32_t)v;
		bad = nasmac__tool_hex_inplace(f[++i], &bytes);
	}
	if (!bad && bytes != (l->job.len_bits + 7u) / 8u)
		bad = "must be ceil(LENGTH_BITS/8) octets";
	if (!bad && bytes) {
		l->msg = malloc(bytes);
		if (!l->msg)
			bad = "out of memory";
		else
			memcpy(l->msg, f[i], bytes);
	}
	l->job.msg = l->msg;
	if (!bad)
		bad = nasmac__tool_hex_exact(f[++i], l->job.expected_mac, 4);
	if (bad) {
		snprintf(why, why_len, "%s: %s", names[i], bad);
		return -EINVAL;
	}
	return 0;
}

/* Reads every vector line of f; 0, or -EINVAL after printing which line is bad. */
static int read_lines(FILE *f, const char *name, struct line **out, size_t *count)
{
	char buf[20000];
	struct line *lines = NULL;
	size_t n = 0, cap = 0;
	unsigned long lineno = 0;

	while (fgets(buf, sizeof(buf), f)) {
		char *p = buf, *hash = strchr(buf, '#'), why[160];

		lineno++;
		if (!strchr(buf, '\n') && !feof(f)) {
			fprintf(stderr, "nasmac verify: %s:%lu: line too long\n", name, lineno);
			goto out_bad;
		}
		if (hash)
			*hash = '\0';
		p += strspn(p, " \t\r\n");
		if (!*p)
			continue;
		if (n == cap) {
			struct line *nl = realloc(lines, (cap ? 2 * cap : 64) * sizeof(*lines));

			if (!nl)
				goto out_bad;
			lines = nl;
			cap = cap ? 2 * cap : 64;
		}
		if (parse_line(p, &lines[n], why, sizeof(why))) {
			fprintf(stderr, "nasmac verify: %s:%lu: %s\n", name, lineno, why);
			free(lines[n].msg);
			goto out_bad;
		}
		lines[n].lineno = lineno;
		n++;
	}
	*out = lines;
	*count = n;
	return 0;

out_bad:
	for (size_t i = 0; i < n; i++)
		free(lines[i].msg);
	free(lines);
	return -EINVAL;
}

/* Every job through the device: enqueue what fits, dequeue what is done, wait on the fd. */
static int run_jobs(nasmac_dev_t *dev, struct line *lines, size_t n)
{
	nasmac_job_t *out[256];
	size_t sent = 0, got = 0;

	while (got < n) {
		while (sent < n) {
			nasmac_job_t *one[1] = { &lines[sent].job };

			if (nasmac_enqueue_burst(dev, one, 1) != 1)
				break;
			sent++;
		}
		if (sent == n)
			nasmac_flush(dev);
		uint32_t k = nasmac_dequeue_burst(dev, out, 256);

		got += k;
		if (k == 0) {
			struct pollfd p = { .fd = nasmac_fd(dev), .events = POLLIN };

			if (poll(&p, 1, 1000) < 0 && errno != EINTR)
				return -errno;
		}
	}
	return 0;
}

int nasmac__cmd_verify(int argc, char **argv)
{
	const char *backend = "cpu", *file = NULL;
	nasmac_opts_t opts = { 0 };
	struct line *lines = NULL;
	size_t n = 0, verified = 0, mismatched = 0, errors = 0;
	nasmac_dev_t *dev = NULL;
	FILE *f;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned long v;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		if (i + 1 < argc && !strcmp(a, "--backend")) {
			backend = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--xclbin")) {
			opts.xclbin = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--batch-max")) {
			if (nasmac__tool_dec(argv[++i], 1u << 20, &v))
				goto out_usage;
			opts.batch_max = (uint32_t)v;
		} else if (i + 1 < argc && !strcmp(a, "--deadline-us")) {
			if (nasmac__tool_dec(argv[++i], 10000000u, &v))
				goto out_usage;
			opts.deadline_us = (uint32_t)v;
		} else if (!file && (a[0] != '-' || !strcmp(a, "-"))) {
			file = a;
		} else {
			goto out_usage;
		}
	}
	if (!file)
		goto out_usage;

	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		fprintf(stderr, "nasmac verify: %s: %s\n", file, strerror(errno));
		return 2;
	}
	rc = read_lines(f, strcmp(file, "-") ? file : "<stdin>", &lines, &n);
	if (f != stdin)
		fclose(f);
	if (rc)
		return 2;

	rc = nasmac_open(backend, &opts, &dev);
	if (rc) {
		/* A backend that cannot run here has said why (-ENODEV). */
		if (rc == -EINVAL)
			fprintf(stderr, "nasmac verify: --backend: '%s' is not a backend (cpu, sim, "
					"xrt:N) or an option is out of range\n", backend);
		else if (rc != -ENODEV)
			fprintf(stderr, "nasmac verify: --backend %s: %s\n", backend,
				nasmac_strerror(rc));
		rc = 2;
		goto out_free;
	}
	rc = run_jobs(dev, lines, n);
	nasmac_close(dev);
	if (rc) {
		fprintf(stderr, "nasmac verify: %s\n", nasmac_strerror(rc));
		rc = 2;
		goto out_free;
	}
	for (size_t i = 0; i < n; i++) {
		const nasmac_job_t *j = &lines[i].job;

		if (j->status == NASMAC_ST_VERIFIED) {
			verified++;
			printf("line %lu: verified\n", lines[i].lineno);
		} else if (j->status == NASMAC_ST_MISMATCH) {
			mismatched++;
			printf("line %lu: MISMATCH (computed %02x%02x%02x%02x, expected "
			       "%02x%02x%02x%02x)\n",
			       lines[i].lineno, j->mac[0], j->mac[1], j->mac[2], j->mac[3],
			       j->expected_mac[0], j->expected_mac[1], j->expected_mac[2],
			       j->expected_mac[3]);
		} else {
			errors++;
			printf("line %lu: error: %s\n", lines[i].lineno, nasmac_strerror(j->err));
		}
	}
	printf("%zu verified, %zu mismatched, %zu errors (backend %s)\n", verified, mismatched,
	       errors, backend);
	rc = mismatched || errors ? 1 : 0;
out_free:
	for (size_t i = 0; i < n; i++)
		free(lines[i].msg);
	free(lines);
	return rc;

out_usage:
	usage(stderr);
	return 2;
}
