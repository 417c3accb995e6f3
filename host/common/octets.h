/*
 * Big-endian octet access for the codecs (gtp.c, nas.c): loads from a buffer whose length the
 * caller has checked, and a bounded writer that remembers its first overflow, so an encoder
 * writes its fields one after the other and checks once at the end (nasmac__wbuf_end).
 */
#ifndef NASMAC_OCTETS_H
#define NASMAC_OCTETS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t nasmac__get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t nasmac__get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t nasmac__get32(const uint8_t *p)
{
	return nasmac__get16(p) << 16 | nasmac__get16(p + 2);
}

struct nasmac__wbuf {
	uint8_t *p;
	size_t size, len;
	int err; /* -ENOSPC once a write did not fit; nothing is written after it */
};

static inline void nasmac__put(struct nasmac__wbuf *w, const void *src, size_t n)
{
	if (w->err || w->len + n > w->size) {
		w->err = -ENOSPC;
		return;
	}
	/* memcpy wants valid pointers even for n == 0 (C11 7.24.1p2); empty IEs pass NULL. */
	if (n)
		memcpy(w->p + w->len, src, n);
	w->len += n;
}

static inline void nasmac__put8(struct nasmac__wbuf *w, uint32_t v)
{
	uint8_t b = (uint8_t)v;
	nasmac__put(w, &b, 1);
}

static inline void nasmac__put16(struct nasmac__wbuf *w, uint32_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	nasmac__put(w, b, 2);
}

static inline void nasmac__put24(struct nasmac__wbuf *w, uint32_t v)
{
	uint8_t b[3] = { (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	nasmac__put(w, b, 3);
}

static inline void nasmac__put32(struct nasmac__wbuf *w, uint32_t v)
{
	nasmac__put16(w, v >> 16);
	nasmac__put16(w, v & 0xffffu);
}

/* The length written, or the error. */
static inline int nasmac__wbuf_end(const struct nasmac__wbuf *w)
{
	return w->err ? w->err : (int)w->len;
}

#endif
