/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SipHash-2-4, the keyed hash of the store's index: hosts choose keys, so
 * an unkeyed hash would let them choose keys that share one hash chain.
 * The kernel build uses lib/siphash.c; the user-space build of the
 * portable files (unit tests, fuzz targets, the QEMU device) gets the same
 * function here, checked against the reference test vector by
 * selftests/unit/store_test.c.
 */
#ifndef NVMET_KV_SIPHASH_H
#define NVMET_KV_SIPHASH_H

#include "kv_types.h"

#ifdef __KERNEL__
#include <linux/random.h>
#include <linux/siphash.h>

struct kv_hash_key {
	siphash_key_t	k;
};

static inline u64 kv_siphash(const void *data, size_t len,
			     const struct kv_hash_key *key)
{
	return siphash(data, len, &key->k);
}

static inline void kv_hash_key_init(struct kv_hash_key *key)
{
	get_random_bytes(key, sizeof(*key));
}
#else
#include <sys/random.h>

struct kv_hash_key {
	u64	key[2];
};

static inline u64 kv_rotl64(u64 v, unsigned int n)
{
	return v << n | v >> (64 - n);
}

static inline void kv_sipround(u64 v[4])
{
	v[0] += v[1];
	v[1] = kv_rotl64(v[1], 13) ^ v[0];
	v[0] = kv_rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = kv_rotl64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = kv_rotl64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = kv_rotl64(v[1], 17) ^ v[2];
	v[2] = kv_rotl64(v[2], 32);
}

/* SipHash-2-4 of @len bytes at @data; words are read little-endian */
static inline u64 kv_siphash(const void *data, size_t len,
			     const struct kv_hash_key *key)
{
	const u8 *p = data;
	u64 v[4] = {
		0x736f6d6570736575ULL ^ key->key[0],
		0x646f72616e646f6dULL ^ key->key[1],
		0x6c7967656e657261ULL ^ key->key[0],
		0x7465646279746573ULL ^ key->key[1],
	};
	u64 m, b = (u64)len << 56;
	size_t i, left = len % 8;

	for (i = 0; i + 8 <= len; i += 8) {
		m = nvme_kv_get_le32(p + i) |
		    (u64)nvme_kv_get_le32(p + i + 4) << 32;
		v[3] ^= m;
		kv_sipround(v);
		kv_sipround(v);
		v[0] ^= m;
	}
	while (left--)
		b |= (u64)p[i + left] << (8 * left);
	v[3] ^= b;
	kv_sipround(v);
	kv_sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		kv_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static inline void kv_hash_key_init(struct kv_hash_key *key)
{
	/* without the kernel's randomness, a fixed key: enough for tests */
	if (getrandom(key, sizeof(*key), 0) != sizeof(*key))
		memset(key, 0x5a, sizeof(*key));
}
#endif

#endif /* NVMET_KV_SIPHASH_H */
