/*
 * The one hex codec of the tree: nasmac__hex_decode()/encode() for the host (UE db file), and
 * the digit-level nasmac__hex_octets() under the tool's field parsers (tools/parse.c) and the
 * test vector reader (tests/ref/vec.c), which differ only in what they report. Depends on libc
 * alone so any of them can link hex.o.
 */
#ifndef NASMAC_HEX_H
#define NASMAC_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit (either case), or -1. */
int nasmac__hex_digit(char c);
/* Decodes the first 2 * n digits of s into n octets: 0, or -EINVAL on a non-hex digit. out may
 * be s itself (octet i is written after digits 2i and 2i+1 are read). */
int nasmac__hex_octets(const char *s, size_t n, uint8_t *out);
/* Exactly 2 * out_len digits into out_len octets: 0 or -EINVAL. */
int nasmac__hex_decode(const char *hex, uint8_t *out, size_t out_len);
/* len octets as 2 * len lower-case digits and a NUL. */
void nasmac__hex_encode(const uint8_t *in, size_t len, char *out);

#endif
