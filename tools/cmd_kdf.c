/*
 * nasmac kdf: the 3GPP key derivations of libnasmac from the command line, hex in, hex out.
 *   eps-nas  K_NASenc / K_NASint from K_ASME   (TS 33.401 A.7, FC 0x15)
 *   kamf     K_AMF' from K_ASME, idle mobility (TS 33.501 A.15.1, FC 0x75)
 *   5g-nas   K_NASenc / K_NASint from K_AMF    (TS 33.501 A.8, FC 0x69)
 *   generic  the KDF of TS 33.220 Annex B.2 with any FC and parameters
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nasmac.h"

#define PROG "nasmac kdf"
#define MAX_PARAMS 16


static void usage(FILE *f)
{
	fprintf(f,
		"usage: nasmac kdf eps-nas --kasme HEX --alg-type enc|int --alg-id N\n"
		"       nasmac kdf kamf --kasme HEX --ul-count HEX\n"
		"       nasmac kdf 5g-nas --kamf HEX --alg-type enc|int --alg-id N\n"
		"       nasmac kdf generic --key HEX --fc HEX [--param HEX]...\n"
		"\n"
		"  eps-nas   K_NASenc/K_NASint = last 16 octets of KDF(K_ASME, FC 0x15, type, id)\n"
		"            (TS 33.401 A.7)\n"
		"  kamf      K_AMF' = KDF(K_ASME, FC 0x75, UL NAS COUNT of the TAU Request)\n"
		"            (TS 33.501 A.15.1)\n"
		"  5g-nas    K_NASenc/K_NASint = last 16 octets of KDF(K_AMF, FC 0x69, type, id)\n"
		"            (TS 33.501 A.8)\n"
		"  generic   HMAC-SHA-256(KEY, FC || P0 || L0 || ...) (TS 33.220 Annex B.2)\n"
		"  --kasme, --kamf HEX  256-bit key, 64 hex digits\n"
		"  --alg-type enc|int   NAS-enc-alg (0x01) or NAS-int-alg (0x02)\n"
		"  --alg-id N           algorithm identity, 0..15 (1, 2, 3 = 128-EIA/NIA 1, 2, 3)\n"
		"  --ul-count HEX       uplink NAS COUNT, up to 8 hex digits (0x00 || OVERFLOW || SQN)\n"
		"  --key HEX            any key; --fc HEX one octet; --param HEX one parameter\n"
		"                       (up to %d, in order; '-' for an empty one)\n"
		"Prints the derived key in hex. Exit status: 0 ok, 2 bad usage or input.\n",
		MAX_PARAMS);
}

static int bad(const char *field, const char *why)
{
	fprintf(stderr, PROG ": %s: %s\n", field, why);
	return 2;
}

/* The options, in the order of the bits of kinds[].allowed; --param may come again and again. */
enum { O_KASME, O_KAMF, O_TYPE, O_ID, O_COUNT, O_KEY, O_FC, O_PARAM, O_N };
static const char *const names[O_N] = { "kasme", "kamf", "alg-type", "alg-id",
					"ul-count", "key", "fc", "param" };

/* Which options each derivation takes, as bits (1 << option). */
static const struct {
	const char *name;
	unsigned allowed;
} kinds[] = {
	{"eps-nas", 1u << O_KASME | 1u << O_TYPE | 1u << O_ID},
	{"kamf", 1u << O_KASME | 1u << O_COUNT},
	{"5g-nas", 1u << O_KAMF | 1u << O_TYPE | 1u << O_ID},
	{"generic", 1u << O_KEY | 1u << O_FC | 1u << O_PARAM},
};

struct kdf_args {
	size_t kind;
	char *param[MAX_PARAMS];
	size_t nparam;
};

/* Each option as it comes: refused when the derivation does not take it, --param collected. */
static int kdf_opt(void *ctx, size_t i, char *v)
{
	struct kdf_args *a = ctx;

	if (!(kinds[a->kind].allowed & (1u << i))) {
		fprintf(stderr, PROG " %s: --%s does not apply\n", kinds[a->kind].name, names[i]);
		return 2;
	}
	if (i == O_PARAM) {
		if (a->nparam == MAX_PARAMS)
			return bad("--param", "too many parameters");
		a->param[a->nparam++] = v;
	}
	return 0;
}

int nasmac__cmd_kdf(int argc, char **argv)
{
	struct kdf_args a = { 0 };
	char *val[O_N] = { 0 };
	size_t kind;
	unsigned given;
	int rc;

	if (argc < 2) {
		fprintf(stderr, PROG ": which derivation? (see nasmac kdf --help)\n");
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (kind = 0; kind < sizeof(kinds) / sizeof(kinds[0]); kind++)
		if (!strcmp(argv[1], kinds[kind].name))
			break;
	if (kind == sizeof(kinds) / sizeof(kinds[0])) {
		fprintf(stderr, PROG ": unknown derivation '%s' (eps-nas, kamf, 5g-nas, generic)\n",
			argv[1]);
		return 2;
	}
	a.kind = kind;
	rc = nasmac__tool_opts(PROG, argc - 1, argv + 1, names, O_N, val, &given, usage, kdf_opt, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	unsigned required = kinds[kind].allowed & ~(1u << O_PARAM);
	for (int i = 0; i < O_N; i++)
		if ((required & ~given) & (1u << i)) {
			fprintf(stderr, PROG " %s: --%s is required\n", kinds[kind].name, names[i]);
			return 2;
		}

	uint8_t key[32], out[32];
	const char *why;
	unsigned long v;
	uint8_t alg_type = 0, alg_id = 0;
	int ret = 0;
	size_t out_len = 32;

	if (val[O_TYPE]) {
		const char *t = val[O_TYPE];
		if (!strcmp(t, "enc"))
			alg_type = NASMAC_ALG_TYPE_NAS_ENC;
		else if (!strcmp(t, "int"))
			alg_type = NASMAC_ALG_TYPE_NAS_INT;
		else
			return bad("--alg-type", "must be enc or int");
	}
	if (val[O_ID]) {
		if ((why = nasmac__tool_dec(val[O_ID], 15, &v)))
			return bad("--alg-id", why);
		alg_id = (uint8_t)v;
	}
	switch (kind) {
	case 0: /* eps-nas */
		if ((why = nasmac__tool_hex_exact(val[O_KASME], key, 32)))
			return bad("--kasme", why);
		ret = nasmac_kdf_eps_nas(key, alg_type, alg_id, out);
		out_len = 16;
		break;
	case 1: { /* kamf */
		uint32_t count;
		if ((why = nasmac__tool_hex_exact(val[O_KASME], key, 32)))
			return bad("--kasme", why);
		if ((why = nasmac__tool_hex_u32(val[O_COUNT], 8, &count)))
			return bad("--ul-count", why);
		ret = nasmac_kdf_kamf_from_kasme(key, count, out);
		break;
	}
	case 2: /* 5g-nas */
		if ((why = nasmac__tool_hex_exact(val[O_KAMF], key, 32)))
			return bad("--kamf", why);
		ret = nasmac_kdf_5g_nas(key, alg_type, alg_id, out);
		out_len = 16;
		break;
	default: { /* generic */
		uint32_t fc;
		size_t key_len, len[MAX_PARAMS];
		const uint8_t *p[MAX_PARAMS];
		/* The key may be of any length; decode it in place in its argument. */
		char *k = val[O_KEY];
		if ((why = nasmac__tool_hex_inplace(k, &key_len)))
			return bad("--key", why);
		if ((why = nasmac__tool_hex_u32(val[O_FC], 2, &fc)))
			return bad("--fc", why);
		for (size_t i = 0; i < a.nparam; i++) {
			if ((why = nasmac__tool_hex_inplace(a.param[i], &len[i])))
				return bad("--param", why);
			if (len[i] > 0xffff)
				return bad("--param", "longer than 65535 octets");
			p[i] = (const uint8_t *)a.param[i];
		}
		ret = nasmac_kdf((const uint8_t *)k, key_len, (uint8_t)fc, p, len, a.nparam, out);
		break;
	}
	}
	if (ret == 0)
		nasmac__tool_print_hex(stdout, out, out_len);
	else
		fprintf(stderr, PROG ": %s\n", strerror(-ret));
	/* Keys do not outlive their use, even in a short-lived process. */
	explicit_bzero(key, sizeof(key));
	explicit_bzero(out, sizeof(out));
	return ret ? 2 : 0;
}
