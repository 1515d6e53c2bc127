/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-memory hash index of a KV store: key -> location of its live record in
 * the log.  Builds in the kernel and in user space.  Not thread-safe: the
 * store serialises writers and lets readers in under its own lock.
 */
#ifndef NVMET_KV_INDEX_H
#define NVMET_KV_INDEX_H

#include "kv_types.h"
#include "kv_siphash.h"

/* Levels of the key-ordered skip list: enough for 4^16 keys */
#define KV_INDEX_LEVELS		16

/**
 * struct kv_index_entry - where the live record of a key is
 * @next:	hash chain
 * @key_len:	1..NVME_KV_KEY_MAX
 * @key:	key bytes, zero past @key_len
 * @levels:	1..KV_INDEX_LEVELS: how many of @order the entry has
 * @value_len:	value size
 * @pos:	log position of the record
 * @seq:	sequence number of the record
 * @rec_len:	bytes the record takes in the log
 * @order:	the next entry in kv_key_cmp() order on each of the
 *		entry's levels of the skip list (NULL at the end)
 *
 * A copy of an entry (struct assignment) has no @order.
 */
struct kv_index_entry {
	struct kv_index_entry	*next;
	u8			key_len;
	u8			key[NVME_KV_KEY_MAX];
	u8			levels;
	u32			value_len;
	u64			pos;
	u64			seq;
	u32			rec_len;
	struct kv_index_entry	*order[];
};

/**
 * struct kv_index - the hash table, and a skip list of its entries in key
 *		     order for List
 * @buckets:	chains; the number of buckets is a power of two
 * @mask:	number of buckets - 1
 * @nr_keys:	entries
 * @hash_key:	SipHash key, random per index, so that no host can choose
 *		keys that share a chain, nor keys whose skip list levels
 *		make List or an insert slow (levels come from the same hash)
 * @first:	the first entry at each level of the skip list
 */
struct kv_index {
	struct kv_index_entry	**buckets;
	u64			mask;
	u64			nr_keys;
	struct kv_hash_key	hash_key;
	struct kv_index_entry	*first[KV_INDEX_LEVELS];
};

int kv_index_init(struct kv_index *idx);
void kv_index_destroy(struct kv_index *idx);
struct kv_index_entry *kv_index_find(const struct kv_index *idx,
				     const u8 *key, u8 key_len);
int kv_index_set(struct kv_index *idx, const u8 *key, u8 key_len,
		 u32 value_len, u64 pos, u64 seq, u32 rec_len,
		 struct kv_index_entry *old);
bool kv_index_remove(struct kv_index *idx, const u8 *key, u8 key_len,
		     struct kv_index_entry *old);
int kv_key_cmp(const u8 *a, u8 alen, const u8 *b, u8 blen);
u64 kv_index_bucket(const struct kv_index *idx, const u8 *key, u8 key_len);

const struct kv_index_entry *kv_index_seek(const struct kv_index *idx,
					   const u8 *key, u8 key_len);

/* The entry after @e in key order, or NULL */
static inline const struct kv_index_entry *
kv_index_next(const struct kv_index_entry *e)
{
	return e->order[0];
}

#endif /* NVMET_KV_INDEX_H */
