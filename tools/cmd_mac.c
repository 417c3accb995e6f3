/*
 * nasmac mac: one 128-EIA1/2/3 MAC from hex inputs, or a batch file of them (the format of
 * tests/vectors/eia*.txt, whose optional eighth field is the expected MAC).
 *
 * Every MAC goes through mac_compute(), which sends it through the libnasmac device opened for
 * --backend (cpu, sim or xrt:N) with nasmac_open/enqueue/dequeue.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "nasmac.h"

#define PROG "nasmac mac"

/* ---- The MAC request and the one function every MAC goes through ---------------------- */

struct mac_req {
	nasmac_alg_t alg;
	uint8_t key[16];
	uint32_t count;
	uint8_t bearer, direction;
	const uint8_t *msg;
	size_t len_bits;
};

/* The libnasmac device every MAC goes through, for every backend (cpu included). */
static nasmac_dev_t *mac_dev;

/* Opens the backend's device. A backend that cannot run here has said why (-ENODEV). */
static int backend_check(const char *backend)
{
	int rc = nasmac_open(backend, NULL, &mac_dev);

	if (rc == -EINVAL)
		fprintf(stderr, PROG ": --backend: '%s' is not a backend (cpu, sim, xrt:N)\n",
			backend);
	else if (rc && rc != -ENODEV)
		fprintf(stderr, PROG ": --backend %s: %s\n", backend, nasmac_strerror(rc));
	return rc;
}

/* One MAC through the device: enqueue the job, flush, wait on the device's fd, dequeue it.
 * An empty message is outside the job API (1..NASMAC_MAX_LEN_BITS bits): the reference
 * computes that one. The driver wipes the job's copy of the key. */
static int mac_compute(const char *backend, const struct mac_req *r, uint8_t mac[4])
{
	nasmac_job_t job = {0}, *one = &job, *out = NULL;

	(void)backend;
	if (r->len_bits == 0)
		return nasmac_mac(r->alg, r->key, r->count, r->bearer, r->direction, r->msg, 0, mac);
	memcpy(job.key, r->key, sizeof(job.key));
	job.alg = (uint8_t)r->alg;
	job.count = r->count;
	job.bearer = r->bearer;
	job.direction = r->direction;
	job.msg = r->msg;
	job.len_bits = (uint32_t)r->len_bits;
	if (nasmac_enqueue_burst(mac_dev, &one, 1) != 1) {
		explicit_bzero(job.key, sizeof(job.key));
		return -EBUSY;
	}
	nasmac_flush(mac_dev);
	while (nasmac_dequeue_burst(mac_dev, &out, 1) == 0) {
		struct pollfd p = {.fd = nasmac_fd(mac_dev), .events = POLLIN};

		if (poll(&p, 1, 1000) < 0 && errno != EINTR)
			return -errno;
	}
	if (job.status == NASMAC_ST_ERROR)
		return job.err;
	memcpy(mac, job.mac, 4);
	return 0;
}

/* ---- Field parsing (shared by the options and the batch lines) --------------------------- */

/* The fields of one MAC, as text; NULL where absent. */
struct mac_text {
	const char *alg, *key, *count, *bearer, *direction, *len_bits;
	char *msg; /* decoded in place */
};

/* Names of the fields as the options and as the batch columns. */
struct field_names {
	const char *alg, *key, *count, *bearer, *direction, *len_bits, *msg;
};

static const struct field_names opt_names = {"--alg", "--key", "--count", "--bearer",
					     "--direction", "--length-bits", "--message"};
static const struct field_names col_names = {"ALG", "KEY", "COUNT", "BEARER",
					     "DIRECTION", "LENGTH_BITS", "MESSAGE"};

static int parse_alg(const char *s, nasmac_alg_t *alg)
{
	/* The 5G names 128-NIA1/2/3 are the same algorithms (TS 33.501 D.3.1). */
	static const char *const names[] = {"eia1", "eia2", "eia3", "nia1", "nia2", "nia3"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*alg = (nasmac_alg_t)(NASMAC_EIA1 + (int)(i % 3));
			return 0;
		}
	return -1;
}

/* Writes "FIELD: reason" to err; returns -EINVAL for parse_req() to pass on. */
__attribute__((format(printf, 4, 5))) static int bad_field(char *err, size_t errlen,
							const char *field, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s: ", field);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Fills r from t. On bad input writes "FIELD: reason" to err and returns -EINVAL. */
static int parse_req(const struct mac_text *t, const struct field_names *fn, struct mac_req *r,
		     char *err, size_t errlen)
{
	const char *why;
	unsigned long v;
	size_t msg_len;

	if (parse_alg(t->alg, &r->alg))
		return bad_field(err, errlen, fn->alg, "unknown algorithm '%s' (eia1, eia2, eia3)",
				 t->alg);
	if ((why = nasmac__tool_hex_exact(t->key, r->key, sizeof(r->key))))
		return bad_field(err, errlen, fn->key, "%s", why);
	if ((why = nasmac__tool_hex_u32(t->count, 8, &r->count)))
		return bad_field(err, errlen, fn->count, "%s", why);
	if ((why = nasmac__tool_dec(t->bearer, 31, &v)))
		return bad_field(err, errlen, fn->bearer, "%s (5 bits)", why);
	r->bearer = (uint8_t)v;
	if ((why = nasmac__tool_dec(t->direction, 1, &v)))
		return bad_field(err, errlen, fn->direction, "must be 0 (uplink) or 1 (downlink)");
	r->direction = (uint8_t)v;
	if ((why = nasmac__tool_hex_inplace(t->msg, &msg_len)))
		return bad_field(err, errlen, fn->msg, "%s", why);
	r->msg = (const uint8_t *)t->msg;
	if (t->len_bits) {
		if ((why = nasmac__tool_dec(t->len_bits, NASMAC_MAX_LEN_BITS, &v)))
			return bad_field(err, errlen, fn->len_bits, "%s", why);
		if (v > 8 * msg_len)
			return bad_field(err, errlen, fn->len_bits,
					 "%lu bits is longer than the %zu-octet message", v, msg_len);
		r->len_bits = v;
	} else {
		if (8 * msg_len > NASMAC_MAX_LEN_BITS)
			return bad_field(err, errlen, fn->msg, "longer than %u bits", NASMAC_MAX_LEN_BITS);
		r->len_bits = 8 * msg_len;
	}
	return 0;
}

static void print_mac(const uint8_t mac[4])
{
	printf("%02x%02x%02x%02x", mac[0], mac[1], mac[2], mac[3]);
}

/* ---- Batch mode --------------------------------------------------------------------------- */

static int run_batch(const char *path, const char *backend)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL, err[160];
	size_t cap = 0;
	unsigned lineno = 0, checked = 0, mismatched = 0;
	int rc = 0;

	if (!f) {
		fprintf(stderr, PROG ": --batch: cannot open %s: %s\n", path, strerror(errno));
		return 2;
	}
	while (getline(&line, &cap, f) > 0) {
		char *field[9], *save = NULL, *hash = strchr(line, '#');
		size_t nf = 0;
		lineno++;
		if (hash)
			*hash = '\0';
		for (char *tok = strtok_r(line, " \t\r\n", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (nf < 9)
				field[nf] = tok;
			nf++;
		}
		if (nf == 0)
			continue;
		if (nf != 7 && nf != 8) {
			fprintf(stderr,
				PROG ": %s:%u: %zu fields; expected ALG KEY COUNT BEARER DIRECTION "
				     "LENGTH_BITS MESSAGE [EXPECTED_MAC]\n",
				path, lineno, nf);
			rc = 2;
			break;
		}
		struct mac_text t = {field[0], field[1], field[2], field[3],
				     field[4], field[5], field[6]};
		struct mac_req r;
		uint8_t mac[4], want[4];
		const char *why = NULL;
		if (parse_req(&t, &col_names, &r, err, sizeof(err)) ||
		    (nf == 8 && (why = nasmac__tool_hex_exact(field[7], want, 4)))) {
			if (why)
				snprintf(err, sizeof(err), "EXPECTED_MAC: %s", why);
			fprintf(stderr, PROG ": %s:%u: %s\n", path, lineno, err);
			rc = 2;
			break;
		}
		int ret = mac_compute(backend, &r, mac);
		explicit_bzero(r.key, sizeof(r.key));
		if (ret) {
			fprintf(stderr, PROG ": %s:%u: %s\n", path, lineno, strerror(-ret));
			rc = 2;
			break;
		}
		print_mac(mac);
		if (nf == 8) {
			int ok = nasmac_mac_equal(mac, want);
			printf(" expected %s %s", field[7], ok ? "ok" : "MISMATCH");
			checked++;
			mismatched += !ok;
		}
		putchar('\n');
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, PROG ": %s: read error\n", path);
		rc = 2;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	fflush(stdout);
	if (checked)
		fprintf(stderr, PROG ": %u checked, %u mismatched\n", checked, mismatched);
	if (rc == 0 && mismatched)
		rc = 1;
	return rc;
}

/* ---- The command -------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nasmac mac --alg eia1|eia2|eia3 --key HEX --count HEX --bearer N\n"
		"                  --direction 0|1 [--length-bits N] --message HEX [--backend B]\n"
		"       nasmac mac --batch FILE|- [--backend B]\n"
		"\n"
		"Prints the 32-bit NAS MAC (128-EIA1/2/3 = 128-NIA1/2/3) as 8 hex digits, MAC octet 0\n"
		"first.\n"
		"  --key HEX          128-bit key, 32 hex digits\n"
		"  --count HEX        32-bit COUNT, up to 8 hex digits\n"
		"  --bearer N         BEARER, 0..31 (EPS NAS: 0; 5G NAS: 1 3GPP, 2 non-3GPP access)\n"
		"  --direction 0|1    0 uplink, 1 downlink\n"
		"  --length-bits N    message length in bits, 0..%u (default: all octets given);\n"
		"                     bits after it are ignored\n"
		"  --message HEX      the message, MSB of the first octet first ('-' for empty)\n"
		"  --backend B        where to compute: cpu (default; libipsec-mb), sim (the kernel's\n"
		"                     Verilator model) or xrt:N (Alveo card N, NASMAC_XCLBIN)\n"
		"  --batch FILE       one MAC per line: ALG KEY COUNT BEARER DIRECTION LENGTH_BITS\n"
		"                     MESSAGE [EXPECTED_MAC] (decimal BEARER, DIRECTION, LENGTH_BITS;\n"
		"                     '-' for an empty message; '#' starts a comment). With the\n"
		"                     expected MAC the line reads 'MAC expected EXPECTED ok|MISMATCH'.\n"
		"Exit status: 0 ok, 1 a MAC did not match its expected value, 2 bad usage or input.\n",
		NASMAC_MAX_LEN_BITS);
}

static int cmd_mac(int argc, char **argv);

int nasmac__cmd_mac(int argc, char **argv)
{
	int rc = cmd_mac(argc, argv);

	if (mac_dev)
		nasmac_close(mac_dev);
	mac_dev = NULL;
	return rc;
}

static int cmd_mac(int argc, char **argv)
{
	/* The MAC fields first (bits 0-6 of given), in struct mac_text's order. */
	static const char *const names[] = { "alg", "key", "count", "bearer", "direction",
					     "length-bits", "message", "backend", "batch" };
	char *v[sizeof(names) / sizeof(names[0])] = { 0 };
	struct mac_text t;
	const char *backend, *batch;
	unsigned given;
	int rc;

	if (argc < 2) {
		fprintf(stderr, PROG ": missing arguments (see nasmac mac --help)\n");
		return 2;
	}
	rc = nasmac__tool_opts(PROG, argc, argv, names, sizeof(names) / sizeof(names[0]), v, &given,
			       usage, NULL, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	t = (struct mac_text){ v[0], v[1], v[2], v[3], v[4], v[5], v[6] };
	backend = v[7] ? v[7] : "cpu";
	batch = v[8];
	if (backend_check(backend))
		return 2;
	if (batch) {
		if (given & 0x7fu) {
			fprintf(stderr, PROG ": --batch takes the MAC fields from the file, not from "
				     "options\n");
			return 2;
		}
		return run_batch(batch, backend);
	}

	const char *missing = !t.alg ? "--alg" : !t.key ? "--key" : !t.count ? "--count" :
			      !t.bearer ? "--bearer" : !t.direction ? "--direction" :
			      !t.msg ? "--message" : NULL;
	if (missing) {
		fprintf(stderr, PROG ": %s is required (see nasmac mac --help)\n", missing);
		return 2;
	}
	struct mac_req r;
	uint8_t mac[4];
	char err[160];
	if (parse_req(&t, &opt_names, &r, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 2;
	}
	int ret = mac_compute(backend, &r, mac);
	explicit_bzero(r.key, sizeof(r.key));
	if (ret) {
		fprintf(stderr, PROG ": %s\n", strerror(-ret));
		return 2;
	}
	print_mac(mac);
	putchar('\n');
	return 0;
}
