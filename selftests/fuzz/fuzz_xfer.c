// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the Transfer fragment parser and the reassembly of one
 * value (target/kv_xfer.c).  The input is a memory cap, a value size and a
 * sequence of 64-byte Transfer commands, as a malicious host could send
 * them.  Checks: a refused fragment changes nothing, memory never exceeds
 * the cap, and an assembled value holds exactly the bytes of the fragments
 * that cover it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kv_xfer.h"
#include "kv_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kv_xfer x = { 0 };
	struct kv_frag f;
	uint32_t cap, value_len, used = 0, added, i;
	uint8_t *value, *want;
	uint16_t loc, st;
	size_t pos = 8;

	if (size < 8)
		return 0;
	cap = nvme_kv_get_le32(data) % (1 << 16);
	value_len = NVME_KV_INLINE_SOLO + 1 + nvme_kv_get_le32(data + 4) % 8192;
	want = calloc(1, value_len);
	value = calloc(1, value_len);
	if (!want || !value)
		abort();

	for (; pos + NVME_KV_SQE_BYTES <= size; pos += NVME_KV_SQE_BYTES) {
		struct kv_xfer before = x;

		st = kv_frag_parse(data + pos, &f, &loc);
		if (st) {
			if (loc >= NVME_KV_SQE_BYTES)
				abort();
			continue;
		}
		if (f.len < 1 || f.len > NVME_KV_XFER_FRAG_MAX ||
		    (f.off - NVME_KV_INLINE_HEAD) % NVME_KV_XFER_FRAG_MAX)
			abort();
		st = kv_xfer_add(&x, &f, cap - used, &added);
		if (st) {
			if (memcmp(&before, &x, sizeof(x)) || added)
				abort();
			continue;
		}
		used += added;
		if (used > cap || used != kv_xfer_mem(x.nr_slots))
			abort();
		if (f.off + f.len <= value_len)
			memcpy(want + f.off, f.bytes, f.len);
	}

	st = kv_xfer_assemble(&x, value_len, value);
	if (!st) {
		/* every byte after the head came from a fragment */
		for (i = NVME_KV_INLINE_HEAD; i < value_len; i++)
			if (value[i] != want[i])
				abort();
	} else if (st != NVME_KV_SC_XFER_BEYOND &&
		   st != NVME_KV_SC_XFER_INCOMPLETE) {
		abort();
	}
	kv_xfer_free(&x);
	free(value);
	free(want);
	return 0;
}
