// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: store recovery (target/kv_store.c) on a device whose
 * superblocks and first log blocks are the fuzzer's bytes.  Whatever the
 * device holds, opening must not crash, read out of bounds or leak; a store
 * that opens must have a consistent index and take a Store and a List.
 *
 * Three shapes of input: raw bytes; a real store whose log the input
 * corrupts; and a real store whose superblock fields the input rewrites
 * with a valid CRC, as a host that can write the device would (a CRC is
 * no protection against anyone who can compute one).  Bit 2 of the first
 * byte opens with truncate_damaged, as kv/truncate_damaged_log 1
 * does; a store that opened that way, closed cleanly, must open again
 * without it, with the same keys.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kv_store.h"

#define DEV_SIZE	(3u << 20)
static uint8_t *dev;

static int rd(void *d, u64 off, void *buf, u32 len)
{
	if (off > DEV_SIZE || len > DEV_SIZE - off)
		abort();	/* the engine must stay on the device */
	memcpy(buf, dev + off, len);
	return 0;
}

static int wr(void *d, u64 off, const void *buf, u32 len)
{
	if (off > DEV_SIZE || len > DEV_SIZE - off)
		abort();
	memcpy(dev + off, buf, len);
	return 0;
}

static int fl(void *d)
{
	return 0;
}

static const struct kv_store_io io = { .read = rd, .write = wr, .flush = fl };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kv_op op = { .opcode = NVME_KV_CMD_STORE, .key_len = 1,
			    .key = "z", .value = "v", .value_len = 1 };
	struct kv_store s;
	uint8_t list[256];
	uint32_t used;
	uint64_t keys;
	bool truncated;

	if (!dev)
		dev = malloc(DEV_SIZE);
	memset(dev, 0, DEV_SIZE);
	if (size > 8 && (data[0] & 1)) {
		/*
		 * Structured: a real store written from the first half of the
		 * input, whose log the second half then corrupts (XOR), the
		 * way a torn or rotten medium would.
		 */
		static uint8_t value[255 * 8];
		size_t half = size / 2, i, at;

		memset(value, data[0], sizeof(value));
		if (kv_store_open(&s, &io, DEV_SIZE, 4096))
			abort();
		for (i = 1; i + 2 < half; i += 3) {
			struct kv_op w = {
				.opcode = data[i] & 1 ? NVME_KV_CMD_STORE :
							NVME_KV_CMD_DELETE,
				.key_len = 1 + data[i + 1] % 16,
				.value = value, .value_len = data[i + 2] * 8,
			};

			memset(w.key, data[i + 1], sizeof(w.key));
			if (kv_store_commit(&s, &w, 1) != 1)
				abort();
		}
		kv_store_close(&s);
		if (data[0] & 2) {
			/* superblock fields after magic, CRC and sequence */
			uint8_t *sb = dev + (s.sb_seq % 2) * KV_BLOCK_SIZE;
			u32 crc;

			for (i = half; i < size && i - half < KV_SB_BYTES - 16; i++)
				sb[16 + i - half] ^= data[i];
			crc = ~kv_rec_crc(~0U, sb + 8,
					  kv_sb_crc_bytes(nvme_kv_get_le32(sb + 16)));
			nvme_kv_put_le32(sb + 4, crc);
		} else {
			at = KV_LOG_START + (size_t)data[1] * 64;
			for (i = half; i < size && at + i - half < DEV_SIZE; i++)
				dev[at + i - half] ^= data[i];
		}
	} else {
		/* raw: the bytes are the superblocks and the start of the log */
		memcpy(dev, data, size < DEV_SIZE ? size : DEV_SIZE);
	}

	if (kv_store_attach(&s, &io, DEV_SIZE, 4096))
		return 0;
	s.truncate_damaged = size && (data[0] & 4);
	if (kv_store_recover(&s)) {
		kv_store_close(&s);
		return 0;
	}
	truncated = s.truncated;
	if (s.live_bytes > s.log_size || s.head < s.tail ||
	    s.head - s.tail > s.log_size)
		abort();
	if (kv_store_commit(&s, &op, 1) != 1 ||
	    (op.status && op.status != NVME_KV_SC_CAPACITY_EXCEEDED))
		abort();
	kv_store_list(&s, NULL, 0, list, sizeof(list), &used);
	if (used > sizeof(list))
		abort();
	keys = s.index.nr_keys;
	kv_store_close(&s);
	if (truncated) {
		if (kv_store_open(&s, &io, DEV_SIZE, 4096))
			abort();	/* refused: lost records were left */
		if (s.index.nr_keys != keys)
			abort();
		kv_store_close(&s);
	}
	return 0;
}
