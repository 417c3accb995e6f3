/*
 * SNOW 3G keystream generator, as specified in ETSI/SAGE "Specification of the 3GPP
 * Confidentiality and Integrity Algorithms UEA2 & UIA2, Document 2: SNOW 3G Specification".
 * Clause numbers below refer to that document.
 *
 * The S-boxes S1 and S2 (clause 3.3) and the multiplications by alpha and alpha^-1 (clause 3.4)
 * are turned into 32-bit lookup tables once per process. They are computed from their
 * definitions rather than pasted, so every table entry traces back to the formulas of the
 * specification: SR is the AES S-box, SQ the Dickson polynomial S-box.
 */
#include <pthread.h>
#include <string.h>

#include "ref.h"

static uint32_t s1_t[4][256]; /* S1 = MixColumn over SR, GF(2^8) mod x^8+x^4+x^3+x+1 */
static uint32_t s2_t[4][256]; /* S2 = MixColumn over SQ, GF(2^8) mod x^8+x^6+x^5+x^3+1 */
static uint32_t mul_alpha[256];
static uint32_t div_alpha[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* MULx of clause 3.1.1: multiplication by x in GF(2^8) with reduction constant c. */
static uint8_t mulx(uint8_t v, uint8_t c)
{
	return (uint8_t)(((unsigned)v << 1) ^ ((v & 0x80u) ? c : 0u));
}

/* MULxPOW of clause 3.1.2: v * x^i. */
static uint8_t mulx_pow(uint8_t v, unsigned i, uint8_t c)
{
	while (i--)
		v = mulx(v, c);
	return v;
}

/* Multiplication in GF(2^8) modulo x^8 + (poly), poly given without the x^8 term. */
static uint8_t gf_mul(uint8_t a, uint8_t b, uint8_t poly)
{
	uint8_t r = 0;
	for (int i = 0; i < 8; i++) {
		if (b & 1u)
			r ^= a;
		a = mulx(a, poly);
		b = (uint8_t)(b >> 1);
	}
	return r;
}

static uint8_t gf_pow(uint8_t a, unsigned e, uint8_t poly)
{
	uint8_t r = 1;
	while (e) {
		if (e & 1u)
			r = gf_mul(r, a, poly);
		a = gf_mul(a, a, poly);
		e >>= 1;
	}
	return r;
}

static uint8_t rotl8(uint8_t v, unsigned n)
{
	return (uint8_t)((v << n) | (v >> (8 - n)));
}

/* SR (clause 3.3.1) is the Rijndael S-box: inversion in GF(2^8) mod 0x11B, then the affine map. */
static uint8_t sbox_sr(uint8_t x)
{
	uint8_t inv = gf_pow(x, 254, 0x1b); /* x^254 = x^-1, and 0 maps to 0 */
	return (uint8_t)(inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63);
}

/* SQ (clause 3.3.2): the Dickson polynomial g49(x) = x + x^9 + x^13 + x^15 + x^33 + x^41 + x^45
 * + x^47 + x^49 over GF(2^8) mod x^8+x^6+x^5+x^3+1 (0x169), plus the constant 0x25. */
static uint8_t sbox_sq(uint8_t x)
{
	static const unsigned exps[] = {1, 9, 13, 15, 33, 41, 45, 47, 49};
	uint8_t r = 0x25;
	for (size_t i = 0; i < sizeof(exps) / sizeof(exps[0]); i++)
		r ^= gf_pow(x, exps[i], 0x69);
	return r;
}

/* One column of the S-box mix (clause 3.3.1/3.3.2): input byte w_j contributes
 * (2s, 3s, s, s) rotated by j to (r0, r1, r2, r3), with s the byte S-box value. */
static void fill_mix(uint32_t t[4][256], uint8_t (*sbox)(uint8_t), uint8_t c)
{
	for (unsigned x = 0; x < 256; x++) {
		uint8_t s = sbox((uint8_t)x);
		uint8_t s2 = mulx(s, c);
		uint8_t s3 = (uint8_t)(s2 ^ s);
		uint32_t col = (uint32_t)s2 << 24 | (uint32_t)s3 << 16 | (uint32_t)s << 8 | s;
		for (unsigned j = 0; j < 4; j++)
			t[j][x] = j ? (col >> (8 * j)) | (col << (32 - 8 * j)) : col;
	}
}

static void tables_init(void)
{
	fill_mix(s1_t, sbox_sr, 0x1b);
	fill_mix(s2_t, sbox_sq, 0x69);
	/* MULalpha and DIValpha of clause 3.4.2/3.4.3, reduction constant 0xA9. */
	for (unsigned c = 0; c < 256; c++) {
		uint8_t b = (uint8_t)c;
		mul_alpha[c] = (uint32_t)mulx_pow(b, 23, 0xa9) << 24 |
			       (uint32_t)mulx_pow(b, 245, 0xa9) << 16 |
			       (uint32_t)mulx_pow(b, 48, 0xa9) << 8 | mulx_pow(b, 239, 0xa9);
		div_alpha[c] = (uint32_t)mulx_pow(b, 16, 0xa9) << 24 |
			       (uint32_t)mulx_pow(b, 39, 0xa9) << 16 |
			       (uint32_t)mulx_pow(b, 6, 0xa9) << 8 | mulx_pow(b, 64, 0xa9);
	}
}

static uint32_t s_box(const uint32_t t[4][256], uint32_t w)
{
	return t[0][w >> 24] ^ t[1][(w >> 16) & 0xff] ^ t[2][(w >> 8) & 0xff] ^ t[3][w & 0xff];
}

/* ClockFSM (clause 3.4.6): returns F and updates R1..R3. */
static uint32_t clock_fsm(nasmac__snow3g_t *st)
{
	uint32_t f = (st->s[15] + st->r1) ^ st->r2;
	uint32_t r = st->r2 + (st->r3 ^ st->s[5]);
	st->r3 = s_box(s2_t, st->r2);
	st->r2 = s_box(s1_t, st->r1);
	st->r1 = r;
	return f;
}

/* ClockLFSRInitializationMode (3.4.4) when f is the FSM output, KeyStreamMode (3.4.5) when 0. */
static void clock_lfsr(nasmac__snow3g_t *st, uint32_t f)
{
	uint32_t v = (st->s[0] << 8) ^ mul_alpha[st->s[0] >> 24] ^ st->s[2] ^ (st->s[11] >> 8) ^
		     div_alpha[st->s[11] & 0xff] ^ f;
	memmove(&st->s[0], &st->s[1], 15 * sizeof(st->s[0]));
	st->s[15] = v;
}

void nasmac__snow3g_init(nasmac__snow3g_t *st, const uint8_t key[16], const uint8_t iv[16])
{
	pthread_once(&tables_once, tables_init);
	/* The first octets are k3 and IV3 (clause 4.1: K = k3||k2||k1||k0 as printed). */
	uint32_t k3 = nasmac__load_be32(key), k2 = nasmac__load_be32(key + 4);
	uint32_t k1 = nasmac__load_be32(key + 8), k0 = nasmac__load_be32(key + 12);
	uint32_t iv3 = nasmac__load_be32(iv), iv2 = nasmac__load_be32(iv + 4);
	uint32_t iv1 = nasmac__load_be32(iv + 8), iv0 = nasmac__load_be32(iv + 12);
	const uint32_t ones = 0xffffffffu;

	/* Clause 4.1, Initialisation. */
	st->s[15] = k3 ^ iv0;
	st->s[14] = k2;
	st->s[13] = k1;
	st->s[12] = k0 ^ iv1;
	st->s[11] = k3 ^ ones;
	st->s[10] = k2 ^ ones ^ iv2;
	st->s[9] = k1 ^ ones ^ iv3;
	st->s[8] = k0 ^ ones;
	st->s[7] = k3;
	st->s[6] = k2;
	st->s[5] = k1;
	st->s[4] = k0;
	st->s[3] = k3 ^ ones;
	st->s[2] = k2 ^ ones;
	st->s[1] = k1 ^ ones;
	st->s[0] = k0 ^ ones;
	st->r1 = st->r2 = st->r3 = 0;
	for (int i = 0; i < 32; i++)
		clock_lfsr(st, clock_fsm(st));
	/* Clause 4.2: the first FSM output after initialisation is discarded. */
	(void)clock_fsm(st);
	clock_lfsr(st, 0);
}

uint32_t nasmac__snow3g_next(nasmac__snow3g_t *st)
{
	/* Clause 4.2: z_t = F xor s0, then the LFSR is clocked in keystream mode. */
	uint32_t z = clock_fsm(st) ^ st->s[0];
	clock_lfsr(st, 0);
	return z;
}

void nasmac__snow3g_keystream(const uint8_t key[16], const uint8_t iv[16], uint32_t *z, size_t n)
{
	nasmac__snow3g_t st;
	nasmac__snow3g_init(&st, key, iv);
	for (size_t i = 0; i < n; i++)
		z[i] = nasmac__snow3g_next(&st);
	nasmac__wipe(&st, sizeof(st));
}
