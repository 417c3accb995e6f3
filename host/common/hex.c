/* Hex digits to octets and back (see hex.h). */
#include "hex.h"

#include <errno.h>
#include <string.h>

int nasmac__hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nasmac__hex_octets(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = nasmac__hex_digit(s[2 * i]), lo = nasmac__hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int nasmac__hex_decode(const char *hex, uint8_t *out, size_t out_len)
{
	if (strlen(hex) != 2 * out_len)
		return -EINVAL;
	return nasmac__hex_octets(hex, out_len, out);
}

void nasmac__hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}
