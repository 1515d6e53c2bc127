// SPDX-License-Identifier: GPL-2.0
/*
 * Inline value transfer (BandSlim piggyback): see kv_xfer.h and
 * Documentation/wire-format.md.
 */
#include "kv_xfer.h"
#include "kv_store.h"	/* KV_STATUS_INTERNAL */

/**
 * kv_frag_parse() - decode and check a Transfer command
 * @sqe:	the 64-byte submission queue entry
 * @f:		the fragment, valid when 0 is returned
 * @error_loc:	byte offset in @sqe of the field in error
 *
 * Return: 0, or Invalid Field in Command for a length of 0 or above
 * NVME_KV_XFER_FRAG_MAX, or an offset that is not NVME_KV_INLINE_HEAD plus
 * a multiple of NVME_KV_XFER_FRAG_MAX.
 */
u16 kv_frag_parse(const u8 *sqe, struct kv_frag *f, u16 *error_loc)
{
	u32 pos = nvme_kv_get_le32(sqe + NVME_KV_SQE_XFER_POS);

	memset(f, 0, sizeof(*f));
	f->tag = nvme_kv_get_le32(sqe + NVME_KV_SQE_XFER_TAG);
	f->off = pos & NVME_KV_XFER_OFF_MAX;
	f->len = pos >> 24;
	if (!f->len || f->len > NVME_KV_XFER_FRAG_MAX ||
	    f->off < NVME_KV_INLINE_HEAD ||
	    (f->off - NVME_KV_INLINE_HEAD) % NVME_KV_XFER_FRAG_MAX) {
		*error_loc = NVME_KV_SQE_XFER_POS;
		return NVME_KV_SC_INVALID_FIELD;
	}
	memcpy(f->bytes, sqe + 8, 16);
	memcpy(f->bytes + 16, sqe + NVME_KV_SQE_CDW12, 16);
	return 0;
}

/**
 * kv_inline_head() - the value bytes an INLINE Store carries itself
 * @sqe:	the Store's submission queue entry
 * @value_len:	its value size
 * @value:	destination, at least min(@value_len, NVME_KV_INLINE_SOLO)
 *		bytes
 * @tag:	out: the transfer tag when the value is longer than
 *		NVME_KV_INLINE_SOLO
 *
 * Return: the number of bytes copied to @value.
 */
u32 kv_inline_head(const u8 *sqe, u32 value_len, u8 *value, u32 *tag)
{
	u32 n = value_len > NVME_KV_INLINE_SOLO ? NVME_KV_INLINE_HEAD :
						  value_len;

	*tag = 0;
	memcpy(value, sqe + NVME_KV_SQE_MPTR, n < 8 ? n : 8);
	if (n > 8)
		memcpy(value + 8, sqe + NVME_KV_SQE_CDW12, n - 8);
	if (value_len > NVME_KV_INLINE_SOLO)
		*tag = nvme_kv_get_le32(sqe + NVME_KV_SQE_STORE_TAG);
	return n;
}

/**
 * kv_xfer_add() - keep one fragment of a transfer
 * @x:		the transfer
 * @f:		the fragment, from kv_frag_parse()
 * @mem_left:	memory the transfer may still grow by
 * @mem_added:	out: memory it grew by
 *
 * Return: 0; XFER_OVERLAP when the fragment's slot was received already;
 * XFER_CAP when keeping it would take more than @mem_left;
 * KV_STATUS_INTERNAL when memory runs out.  @x is unchanged on error.
 */
u16 kv_xfer_add(struct kv_xfer *x, const struct kv_frag *f, u32 mem_left,
		u32 *mem_added)
{
	u32 slot = (f->off - NVME_KV_INLINE_HEAD) / NVME_KV_XFER_FRAG_MAX;
	u32 n;
	u8 *data, *have;

	*mem_added = 0;
	if (slot < x->nr_slots && x->have[slot])
		return NVME_KV_SC_XFER_OVERLAP;
	if (slot >= x->nr_slots) {
		n = x->nr_slots ? x->nr_slots : 4;
		while (n <= slot)
			n *= 2;
		if (kv_xfer_mem(n) - kv_xfer_mem(x->nr_slots) > mem_left) {
			n = slot + 1;	/* exactly what this fragment needs */
			if (kv_xfer_mem(n) - kv_xfer_mem(x->nr_slots) > mem_left)
				return NVME_KV_SC_XFER_CAP;
		}
		data = kv_alloc((size_t)n * NVME_KV_XFER_FRAG_MAX);
		have = kv_alloc(n);
		if (!data || !have) {
			kv_free(data);
			kv_free(have);
			return KV_STATUS_INTERNAL;
		}
		if (x->nr_slots) {
			memcpy(data, x->data,
			       (size_t)x->nr_slots * NVME_KV_XFER_FRAG_MAX);
			memcpy(have, x->have, x->nr_slots);
		}
		kv_free(x->data);
		kv_free(x->have);
		*mem_added = kv_xfer_mem(n) - kv_xfer_mem(x->nr_slots);
		x->data = data;
		x->have = have;
		x->nr_slots = n;
	}
	memcpy(x->data + (size_t)slot * NVME_KV_XFER_FRAG_MAX, f->bytes, f->len);
	x->have[slot] = f->len;
	x->frags++;
	return 0;
}

/**
 * kv_xfer_assemble() - check that the fragments make up a value, copy them
 * @x:		the transfer
 * @value_len:	the value size the Store declares, above NVME_KV_INLINE_SOLO
 * @value:	the value buffer; bytes from NVME_KV_INLINE_HEAD are filled
 *
 * Every slot the value covers must be there, full but the last, which must
 * end exactly at @value_len, and no fragment may lie beyond it.
 *
 * Return: 0, XFER_BEYOND, or XFER_INCOMPLETE.
 */
u16 kv_xfer_assemble(const struct kv_xfer *x, u32 value_len, u8 *value)
{
	u32 rest = value_len - NVME_KV_INLINE_HEAD, want, i;
	u32 n = (rest + NVME_KV_XFER_FRAG_MAX - 1) / NVME_KV_XFER_FRAG_MAX;

	for (i = n; i < x->nr_slots; i++)
		if (x->have[i])
			return NVME_KV_SC_XFER_BEYOND;
	for (i = 0; i < n; i++) {
		want = i + 1 < n ? NVME_KV_XFER_FRAG_MAX :
				   rest - i * NVME_KV_XFER_FRAG_MAX;
		if (i >= x->nr_slots || !x->have[i])
			return NVME_KV_SC_XFER_INCOMPLETE;
		if (x->have[i] > want)
			return NVME_KV_SC_XFER_BEYOND;
		if (x->have[i] < want)
			return NVME_KV_SC_XFER_INCOMPLETE;
	}
	for (i = 0; i < n; i++)
		memcpy(value + NVME_KV_INLINE_HEAD + i * NVME_KV_XFER_FRAG_MAX,
		       x->data + (size_t)i * NVME_KV_XFER_FRAG_MAX, x->have[i]);
	return 0;
}

/* Free the fragments of a transfer (not @x itself). */
void kv_xfer_free(struct kv_xfer *x)
{
	kv_free(x->data);
	kv_free(x->have);
	x->data = NULL;
	x->have = NULL;
	x->nr_slots = 0;
	x->frags = 0;
}
