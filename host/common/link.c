/* The UE <-> AMF test link framing (host/README.md): UE id (8, big-endian) | kind (1) | info (1)
 * | then per NAS PDU: length (2, big-endian) | PDU. One or two PDUs per frame. */
#include <errno.h>
#include <string.h>

#include "host.h"

static const char *const diag_names[NASMAC__DIAG_COUNT] = {
	"none", "mac", "replay", "unknown_ue", "malformed", "overload", "timeout", "other",
};

const char *nasmac__diag_name(int diag)
{
	return diag >= 0 && diag < NASMAC__DIAG_COUNT ? diag_names[diag] : "invalid";
}

int nasmac__link_encode(const struct nasmac__link_frame *f, uint8_t *buf, size_t size)
{
	size_t off = NASMAC__LINK_HDR;

	if (f->n_pdu < 1 || f->n_pdu > 2)
		return -EINVAL;
	if (size < NASMAC__LINK_HDR)
		return -ENOSPC;
	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)(f->ue_id >> (56 - 8 * i));
	buf[8] = f->kind;
	buf[9] = f->info;
	for (unsigned i = 0; i < f->n_pdu; i++) {
		if (f->pdu_len[i] == 0 || f->pdu_len[i] > 0xffff)
			return -EINVAL;
		if (off + 2 + f->pdu_len[i] > size || off + 2 + f->pdu_len[i] > NASMAC__LINK_MAX)
			return -ENOSPC;
		buf[off] = (uint8_t)(f->pdu_len[i] >> 8);
		buf[off + 1] = (uint8_t)f->pdu_len[i];
		memcpy(buf + off + 2, f->pdu[i], f->pdu_len[i]);
		off += 2 + f->pdu_len[i];
	}
	return (int)off;
}

int nasmac__link_decode(const uint8_t *buf, size_t len, struct nasmac__link_frame *f)
{
	size_t off = NASMAC__LINK_HDR;

	memset(f, 0, sizeof(*f));
	if (len < NASMAC__LINK_HDR + 3 || len > NASMAC__LINK_MAX)
		return -EINVAL;
	for (int i = 0; i < 8; i++)
		f->ue_id = f->ue_id << 8 | buf[i];
	f->kind = buf[8];
	f->info = buf[9];
	if (f->kind != NASMAC__LINK_UL && f->kind != NASMAC__LINK_DL)
		return -EINVAL;
	while (off < len) {
		size_t n;
		if (f->n_pdu == 2 || len - off < 2)
			return -EINVAL;
		n = (size_t)buf[off] << 8 | buf[off + 1];
		if (n == 0 || n > len - off - 2)
			return -EINVAL;
		f->pdu[f->n_pdu] = buf + off + 2;
		f->pdu_len[f->n_pdu] = n;
		f->n_pdu++;
		off += 2 + n;
	}
	return f->n_pdu ? 0 : -EINVAL;
}
