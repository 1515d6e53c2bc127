// SPDX-License-Identifier: GPL-2.0
/* Unit tests of inline value transfer on the target (target/kv_xfer.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "kv_xfer.h"
#include "kv_store.h"

/* a Transfer SQE for bytes [off, off + len) of @value */
static void transfer_sqe(uint8_t *sqe, uint32_t xtag, uint32_t off, uint32_t len,
			 const uint8_t *value)
{
	uint8_t frag[NVME_KV_XFER_FRAG_MAX] = { 0 };

	memset(sqe, 0, NVME_KV_SQE_BYTES);
	sqe[0] = NVME_KV_CMD_TRANSFER;
	if (value)
		memcpy(frag, value + off, len > 32 ? 32 : len);
	nvme_kv_put_le32(sqe + NVME_KV_SQE_XFER_TAG, xtag);
	nvme_kv_put_le32(sqe + NVME_KV_SQE_XFER_POS, off | len << 24);
	memcpy(sqe + 8, frag, 16);
	memcpy(sqe + NVME_KV_SQE_CDW12, frag + 16, 16);
}

static uint16_t add(struct kv_xfer *x, uint32_t off, uint32_t len,
		    const uint8_t *value, uint32_t cap)
{
	uint8_t sqe[NVME_KV_SQE_BYTES];
	struct kv_frag f;
	uint32_t added;
	uint16_t loc, st;

	transfer_sqe(sqe, 7, off, len, value);
	st = kv_frag_parse(sqe, &f, &loc);
	return st ? st : kv_xfer_add(x, &f, cap, &added);
}

int main(void)
{
	uint8_t value[1000], back[1000], sqe[NVME_KV_SQE_BYTES];
	struct kv_xfer x = { 0 }, saved;
	uint32_t i, len = 300, xtag, n, off;
	struct kv_frag f;
	uint16_t loc;
	int good;

	for (i = 0; i < sizeof(value); i++)
		value[i] = (uint8_t)(i * 7 + 3);

	/* 300 bytes: head 12, then 9 fragments of 32 (288 bytes) */
	good = 1;
	for (i = 9; i-- > 0;)	/* out of order: last first */
		good &= add(&x, 12 + 32 * i, i == 8 ? 300 - 12 - 256 : 32, value,
			    1 << 20) == 0;
	memset(back, 0, sizeof(back));
	tap_ok(good && kv_xfer_assemble(&x, len, back) == 0 &&
	       !memcmp(back + 12, value + 12, len - 12),
	       "xfer: fragments in any order assemble into the value");
	tap_ok(add(&x, 12 + 32 * 3, 32, value, 1 << 20) == NVME_KV_SC_XFER_OVERLAP,
	       "xfer: a repeated fragment is XFER_OVERLAP");
	tap_ok(kv_xfer_assemble(&x, 290, back) == NVME_KV_SC_XFER_BEYOND,
	       "xfer: fragments past a shorter declared value are XFER_BEYOND");
	tap_ok(kv_xfer_assemble(&x, 400, back) == NVME_KV_SC_XFER_INCOMPLETE,
	       "xfer: a longer declared value than the fragments cover is XFER_INCOMPLETE");
	kv_xfer_free(&x);

	good = add(&x, 12, 32, value, 1 << 20) == 0 &&
	       add(&x, 12 + 64, 32, value, 1 << 20) == 0;
	tap_ok(good && kv_xfer_assemble(&x, 12 + 96, back) == NVME_KV_SC_XFER_INCOMPLETE,
	       "xfer: a gap is XFER_INCOMPLETE");
	kv_xfer_free(&x);
	good = add(&x, 12, 20, value, 1 << 20) == 0 &&
	       add(&x, 12 + 32, 32, value, 1 << 20) == 0;
	tap_ok(good && kv_xfer_assemble(&x, 12 + 64, back) == NVME_KV_SC_XFER_INCOMPLETE,
	       "xfer: a short fragment before the last is XFER_INCOMPLETE");
	kv_xfer_free(&x);

	tap_ok(add(&x, 12 + 32 * 100, 32, value, 64) == NVME_KV_SC_XFER_CAP &&
	       x.nr_slots == 0 && !x.data,
	       "xfer: a fragment beyond the memory cap is XFER_CAP and keeps nothing");
	good = add(&x, 12, 32, value, 4 * 33) == 0;
	saved = x;
	good &= add(&x, 12 + 32 * 4, 32, value, 0) == NVME_KV_SC_XFER_CAP &&
		!memcmp(&saved, &x, sizeof(x));
	tap_ok(good, "xfer: growing past the cap is XFER_CAP and leaves the transfer as it was");
	kv_xfer_free(&x);

	good = 1;
	for (off = 0; off < 12; off++)
		good &= add(&x, off, 32, value, 1 << 20) == NVME_KV_SC_INVALID_FIELD;
	good &= add(&x, 13, 32, value, 1 << 20) == NVME_KV_SC_INVALID_FIELD;
	good &= add(&x, 12, 0, value, 1 << 20) == NVME_KV_SC_INVALID_FIELD;
	good &= add(&x, 12, 33, value, 1 << 20) == NVME_KV_SC_INVALID_FIELD;
	transfer_sqe(sqe, 7, 12, 33, NULL);
	good &= kv_frag_parse(sqe, &f, &loc) && loc == NVME_KV_SQE_XFER_POS;
	tap_ok(good && !x.nr_slots,
	       "xfer: offsets inside the head or off the 32-byte grid and lengths 0 or 33 are Invalid Field");

	/* what an INLINE Store carries itself */
	memset(sqe, 0, sizeof(sqe));
	memcpy(sqe + NVME_KV_SQE_MPTR, value, 8);
	memcpy(sqe + NVME_KV_SQE_CDW12, value + 8, 8);
	memset(back, 0, sizeof(back));
	n = kv_inline_head(sqe, 16, back, &xtag);
	good = n == 16 && !memcmp(back, value, 16) && xtag == 0;
	n = kv_inline_head(sqe, 5, back, &xtag);
	good &= n == 5;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_STORE_TAG, 0xabcd1234);
	memset(back, 0, sizeof(back));
	n = kv_inline_head(sqe, 17, back, &xtag);
	good = good && n == 12 && !memcmp(back, value, 12) && !back[12] &&
		xtag == 0xabcd1234U;
	tap_ok(good, "xfer: an INLINE Store carries 16 bytes alone, or 12 and a tag in CDW13");
	return tap_done();
}
