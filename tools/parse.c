/* The input parsers of the nasmac subcommands (mac, kdf, verify). Each returns NULL when the
 * field is good, or the reason it is not, to print after the field's name; no parser prints or
 * exits, so every subcommand reports a bad field in its own one-line format. Also the hex printer
 * of their output, and the option loop of mac and kdf. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "hex.h"

/* Decodes hex in place (the octets overwrite the digits, which are twice as long); "-" or ""
 * is the empty string. */
const char *nasmac__tool_hex_inplace(char *s, size_t *len)
{
	size_t n = strlen(s);
	*len = 0;
	if (strcmp(s, "-") == 0 || n == 0)
		return NULL;
	if (n % 2)
		return "odd number of hex digits";
	if (nasmac__hex_octets(s, n / 2, (uint8_t *)s))
		return "not hex";
	*len = n / 2;
	return NULL;
}

/* Exactly n octets as 2n hex digits. */
const char *nasmac__tool_hex_exact(const char *s, uint8_t *out, size_t n)
{
	static char why[48];
	size_t len = strlen(s);
	if (len != 2 * n) {
		snprintf(why, sizeof(why), "must be %zu hex digits", 2 * n);
		return why;
	}
	return nasmac__hex_octets(s, n, out) ? "not hex" : NULL;
}

/* 1 to max_digits hex digits, an optional 0x in front. */
const char *nasmac__tool_hex_u32(const char *s, unsigned max_digits, uint32_t *out)
{
	static char why[48];
	uint32_t v = 0;
	size_t n;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (n == 0 || n > max_digits) {
		snprintf(why, sizeof(why), "must be 1 to %u hex digits", max_digits);
		return why;
	}
	for (size_t i = 0; i < n; i++) {
		int d = nasmac__hex_digit(s[i]);
		if (d < 0)
			return "not hex";
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return NULL;
}

/* A decimal number from 0 to max. */
const char *nasmac__tool_dec(const char *s, unsigned long max, unsigned long *out)
{
	static char why[48];
	unsigned long v = 0;
	if (!*s)
		return "empty";
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return "not a decimal number";
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			break;
	}
	if (v > max) {
		snprintf(why, sizeof(why), "must be at most %lu", max);
		return why;
	}
	*out = v;
	return NULL;
}

void nasmac__tool_print_hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
}

int nasmac__tool_opts(const char *prog, int argc, char **argv, const char *const *names, size_t n,
		      char **vals, unsigned *given, void (*usage)(FILE *f),
		      int (*each)(void *ctx, size_t i, char *val), void *ctx)
{
	/* getopt_long's table, built from the names: val 256 + i, so no short option clashes. */
	struct option opts[NASMAC__TOOL_MAX_OPTS + 2] = { { "help", no_argument, NULL, 'h' } };
	int c, rc;

	if (n > NASMAC__TOOL_MAX_OPTS)
		return 2;
	for (size_t i = 0; i < n; i++)
		opts[i + 1] = (struct option){ names[i], required_argument, NULL, 256 + (int)i };
	*given = 0;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		size_t i = (size_t)(c - 256);

		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c < 256) {
			/* optopt is the short option's letter, or a long option's val (>= 256). */
			if (optopt > 0 && optopt < 256)
				fprintf(stderr, "%s: option -%c: unknown, or missing its value\n", prog,
					optopt);
			else
				fprintf(stderr, "%s: '%s': unknown option, or missing its value\n", prog,
					argv[optind - 1]);
			return 2;
		}
		if (each && (rc = each(ctx, i, optarg)))
			return rc;
		vals[i] = optarg;
		*given |= 1u << i;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		return 2;
	}
	return 0;
}
