/*
 * GUTIs and the MMEs they name.
 *
 * A 4G GUTI is <GUMMEI><M-TMSI>, GUMMEI = <MCC><MNC><MME Group ID (16 bits)><MME Code (8 bits)>
 * (TS 23.003 2.8.1); the GUMMEI names the MME that gave it out. A UE moving from EPS to 5GS sends
 * the 5G-GUTI mapped from it (TS 23.003 2.10.2: AMF Region ID = MMEGI bits 15-8, AMF Set ID =
 * MMEGI bits 7-0 followed by MMEC bits 7-6, AMF Pointer = MMEC bits 5-0, 5G-TMSI = M-TMSI), and
 * the AMF maps it back to find the old MME (TS 23.502 4.11.1.3.3).
 *
 * The text form of a GUMMEI used on the command line and in the configuration is
 * MCC-MNC-MMEGI-MMEC: the MCC in 3 decimal digits, the MNC in 2 or 3 (a leading 0 counts: "01"
 * and "001" are two different MNCs), the MMEGI in 4 hex digits and the MMEC in 2, e.g.
 * 001-01-8001-4a.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

void nasmac__guti_to_5g(const uint8_t guti[NASMAC__GUTI_LEN], struct nasmac__guti5g *g5)
{
	memcpy(g5->plmn, guti, 3);
	g5->region = guti[3];
	g5->set = (uint16_t)(guti[4] << 2 | guti[5] >> 6);
	g5->pointer = guti[5] & 0x3f;
	g5->tmsi = (uint32_t)guti[6] << 24 | (uint32_t)guti[7] << 16 | (uint32_t)guti[8] << 8 |
		   guti[9];
}

void nasmac__guti_from_5g(const struct nasmac__guti5g *g5, uint8_t guti[NASMAC__GUTI_LEN])
{
	memcpy(guti, g5->plmn, 3);
	guti[3] = g5->region;
	guti[4] = (uint8_t)(g5->set >> 2);
	guti[5] = (uint8_t)((g5->set & 3u) << 6 | (g5->pointer & 0x3fu));
	guti[6] = (uint8_t)(g5->tmsi >> 24);
	guti[7] = (uint8_t)(g5->tmsi >> 16);
	guti[8] = (uint8_t)(g5->tmsi >> 8);
	guti[9] = (uint8_t)g5->tmsi;
}

void nasmac__gummei_of_guti(const uint8_t guti[NASMAC__GUTI_LEN], struct nasmac__gummei *g)
{
	memcpy(g->id, guti, NASMAC__GUMMEI_LEN);
}

int nasmac__gummei_eq(const struct nasmac__gummei *a, const struct nasmac__gummei *b)
{
	return !memcmp(a->id, b->id, NASMAC__GUMMEI_LEN);
}

uint16_t nasmac__gummei_mmegi(const struct nasmac__gummei *g)
{
	return (uint16_t)(g->id[3] << 8 | g->id[4]);
}

uint8_t nasmac__gummei_mmec(const struct nasmac__gummei *g)
{
	return g->id[5];
}

/* n digits of base (10 or 16) from s into *v; 0, or -EINVAL. */
static int digits(const char *s, size_t n, unsigned base, unsigned *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = nasmac__hex_digit(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -EINVAL;
		*v = *v * base + (unsigned)d;
	}
	return 0;
}

int nasmac__gummei_make(unsigned mcc, unsigned mnc, int mnc_digits, uint16_t mmegi, uint8_t mmec,
			struct nasmac__gummei *g)
{
	unsigned m3 = mnc_digits == 3 ? mnc % 10 : 0xf, m2, m1;

	if (mcc > 999 || (mnc_digits != 2 && mnc_digits != 3) ||
	    mnc >= (mnc_digits == 3 ? 1000u : 100u))
		return -EINVAL;
	/* The MNC's digits from the first: 2 digits d1 d2, 3 digits d1 d2 d3. */
	m1 = mnc_digits == 3 ? mnc / 100 : mnc / 10;
	m2 = mnc_digits == 3 ? mnc / 10 % 10 : mnc % 10;
	/* TS 29.274 8.47 / TS 24.008 10.5.1.3: MCC2|MCC1, MNC3|MCC3, MNC2|MNC1; MNC3 = 1111 for a
	 * two-digit MNC. */
	g->id[0] = (uint8_t)((mcc / 10 % 10) << 4 | mcc / 100);
	g->id[1] = (uint8_t)(m3 << 4 | mcc % 10);
	g->id[2] = (uint8_t)(m2 << 4 | m1);
	g->id[3] = (uint8_t)(mmegi >> 8);
	g->id[4] = (uint8_t)mmegi;
	g->id[5] = mmec;
	return 0;
}

int nasmac__gummei_parse(const char *s, struct nasmac__gummei *g)
{
	const char *p[4];
	size_t len[4];
	unsigned mcc, mnc, mmegi, mmec;
	size_t k = 0;

	/* Four fields separated by '-', no other character anywhere. */
	p[0] = s;
	for (const char *c = s;; c++) {
		if (*c == '-' || !*c) {
			if (k == 4)
				return -EINVAL;
			len[k] = (size_t)(c - p[k]);
			k++;
			if (!*c)
				break;
			if (k < 4)
				p[k] = c + 1;
		}
	}
	if (k != 4 || len[0] != 3 || (len[1] != 2 && len[1] != 3) || len[2] != 4 || len[3] != 2)
		return -EINVAL;
	if (digits(p[0], 3, 10, &mcc) || digits(p[1], len[1], 10, &mnc) ||
	    digits(p[2], 4, 16, &mmegi) || digits(p[3], 2, 16, &mmec))
		return -EINVAL;
	return nasmac__gummei_make(mcc, mnc, (int)len[1], (uint16_t)mmegi, (uint8_t)mmec, g);
}

int nasmac__gummei_format(const struct nasmac__gummei *g, char *buf, size_t size)
{
	const uint8_t *id = g->id;
	unsigned d[6] = { id[0] & 15u, id[0] >> 4, id[1] & 15u, /* MCC1..3 */
			  id[2] & 15u, id[2] >> 4, id[1] >> 4 }; /* MNC1..3 */
	int n;

	for (int i = 0; i < 5; i++)
		if (d[i] > 9)
			return -EINVAL;
	if (d[5] != 0xf && d[5] > 9)
		return -EINVAL;
	if (d[5] == 0xf)
		n = snprintf(buf, size, "%u%u%u-%u%u-%04x-%02x", d[0], d[1], d[2], d[3], d[4],
			     nasmac__gummei_mmegi(g), nasmac__gummei_mmec(g));
	else
		n = snprintf(buf, size, "%u%u%u-%u%u%u-%04x-%02x", d[0], d[1], d[2], d[3], d[4],
			     d[5], nasmac__gummei_mmegi(g), nasmac__gummei_mmec(g));
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}
