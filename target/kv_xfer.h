/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inline value transfer (BandSlim piggyback) on the target: decoding of
 * Transfer commands and of the bytes an INLINE Store carries, and the
 * reassembly of one value's fragments.  Builds in the kernel and in user
 * space; no locking (the caller serialises access to a struct kv_xfer).
 */
#ifndef NVMET_KV_XFER_H
#define NVMET_KV_XFER_H

#include "kv_types.h"

/**
 * struct kv_frag - a decoded Transfer command
 * @tag:	transfer tag
 * @off:	offset of the fragment in the value
 * @len:	its length, 1..NVME_KV_XFER_FRAG_MAX
 * @bytes:	its bytes
 */
struct kv_frag {
	u32	tag;
	u32	off;
	u32	len;
	u8	bytes[NVME_KV_XFER_FRAG_MAX];
};

/**
 * struct kv_xfer - the fragments received for one transfer tag
 * @tag:	transfer tag
 * @nr_slots:	slots @data and @have have room for
 * @data:	NVME_KV_XFER_FRAG_MAX bytes per slot; slot n holds the value's
 *		bytes from NVME_KV_INLINE_HEAD + n * NVME_KV_XFER_FRAG_MAX
 * @have:	per slot: 0 when missing, else the fragment's length
 * @frags:	fragments received
 */
struct kv_xfer {
	u32	tag;
	u32	nr_slots;
	u8	*data;
	u8	*have;
	u32	frags;
};

/* memory a transfer with @nr_slots slots holds */
static inline u32 kv_xfer_mem(u32 nr_slots)
{
	return nr_slots * (NVME_KV_XFER_FRAG_MAX + 1);
}

u16 kv_frag_parse(const u8 *sqe, struct kv_frag *f, u16 *error_loc);
u32 kv_inline_head(const u8 *sqe, u32 value_len, u8 *value, u32 *tag);
u16 kv_xfer_add(struct kv_xfer *x, const struct kv_frag *f, u32 mem_left,
		u32 *mem_added);
u16 kv_xfer_assemble(const struct kv_xfer *x, u32 value_len, u8 *value);
void kv_xfer_free(struct kv_xfer *x);

#endif /* NVMET_KV_XFER_H */
