// SPDX-License-Identifier: GPL-2.0
/* In-memory hash index of a KV store (see kv_index.h). */
#include "kv_index.h"

#define KV_INDEX_MIN_BUCKETS	1024

/* SipHash-2-4 under the index's own key (the length is hashed too) */
static u64 kv_hash(const struct kv_index *idx, const u8 *key, u8 key_len)
{
	return kv_siphash(key, key_len, &idx->hash_key);
}

/**
 * kv_index_bucket() - the bucket a key's entry is in
 * @idx: the index
 * @key: key bytes
 * @key_len: its length
 *
 * Return: the bucket number, for tests of the chain lengths.
 */
u64 kv_index_bucket(const struct kv_index *idx, const u8 *key, u8 key_len)
{
	return kv_hash(idx, key, key_len) & idx->mask;
}

/**
 * kv_key_cmp() - the order List returns keys in
 * @a: first key
 * @alen: its length
 * @b: second key
 * @blen: its length
 *
 * Bytewise (unsigned) comparison; a key that is a prefix of another sorts
 * first.
 *
 * Return: <0, 0 or >0 as @a sorts before, equal to or after @b.
 */
int kv_key_cmp(const u8 *a, u8 alen, const u8 *b, u8 blen)
{
	u8 n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;

	if (r)
		return r;
	return (int)alen - (int)blen;
}

int kv_index_init(struct kv_index *idx)
{
	idx->buckets = kv_alloc(KV_INDEX_MIN_BUCKETS * sizeof(*idx->buckets));
	if (!idx->buckets)
		return -ENOMEM;
	idx->mask = KV_INDEX_MIN_BUCKETS - 1;
	idx->nr_keys = 0;
	kv_hash_key_init(&idx->hash_key);
	return 0;
}

void kv_index_destroy(struct kv_index *idx)
{
	struct kv_index_entry *e, *n;
	u64 i;

	if (!idx->buckets)
		return;
	for (i = 0; i <= idx->mask; i++) {
		for (e = idx->buckets[i]; e; e = n) {
			n = e->next;
			kv_free(e);
		}
	}
	kv_free(idx->buckets);
	idx->buckets = NULL;
}

struct kv_index_entry *kv_index_find(const struct kv_index *idx,
				     const u8 *key, u8 key_len)
{
	struct kv_index_entry *e;

	for (e = idx->buckets[kv_index_bucket(idx, key, key_len)]; e; e = e->next)
		if (e->key_len == key_len && !memcmp(e->key, key, key_len))
			return e;
	return NULL;
}

/* Double the buckets when the load passes 2; a failed resize is harmless. */
static void kv_index_grow(struct kv_index *idx)
{
	u64 nmask = idx->mask * 2 + 1, i;
	struct kv_index_entry **nb, *e, *n;

	if (idx->nr_keys <= 2 * (idx->mask + 1))
		return;
	nb = kv_alloc((nmask + 1) * sizeof(*nb));
	if (!nb)
		return;
	for (i = 0; i <= idx->mask; i++) {
		for (e = idx->buckets[i]; e; e = n) {
			u64 b = kv_hash(idx, e->key, e->key_len) & nmask;

			n = e->next;
			e->next = nb[b];
			nb[b] = e;
		}
	}
	kv_free(idx->buckets);
	idx->buckets = nb;
	idx->mask = nmask;
}

/**
 * kv_index_set() - insert or update the entry of a key
 * @idx: the index
 * @key: key bytes
 * @key_len: 1..NVME_KV_KEY_MAX
 * @value_len: value size
 * @pos: log position of the record
 * @seq: its sequence number
 * @rec_len: its size in the log
 * @old: if not NULL, receives the previous entry (key_len 0 when there was
 *	 none)
 *
 * Return: 0 or -ENOMEM.
 */
int kv_index_set(struct kv_index *idx, const u8 *key, u8 key_len,
		 u32 value_len, u64 pos, u64 seq, u32 rec_len,
		 struct kv_index_entry *old)
{
	struct kv_index_entry *e = kv_index_find(idx, key, key_len);
	u64 b;

	if (old) {
		if (e)
			*old = *e;
		else
			old->key_len = 0;
	}
	if (!e) {
		e = kv_alloc(sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->key_len = key_len;
		memcpy(e->key, key, key_len);
		b = kv_index_bucket(idx, key, key_len);
		e->next = idx->buckets[b];
		idx->buckets[b] = e;
		idx->nr_keys++;
		kv_index_grow(idx);
	}
	e->value_len = value_len;
	e->pos = pos;
	e->seq = seq;
	e->rec_len = rec_len;
	return 0;
}

/**
 * kv_index_remove() - drop the entry of a key
 * @idx: the index
 * @key: key bytes
 * @key_len: its length
 * @old: if not NULL, receives the removed entry
 *
 * Return: whether the key had an entry.
 */
bool kv_index_remove(struct kv_index *idx, const u8 *key, u8 key_len,
		     struct kv_index_entry *old)
{
	struct kv_index_entry **pp, *e;

	pp = &idx->buckets[kv_index_bucket(idx, key, key_len)];
	for (; (e = *pp); pp = &e->next) {
		if (e->key_len == key_len && !memcmp(e->key, key, key_len)) {
			*pp = e->next;
			if (old)
				*old = *e;
			kv_free(e);
			idx->nr_keys--;
			return true;
		}
	}
	return false;
}

int kv_index_for_each(const struct kv_index *idx,
		      int (*fn)(const struct kv_index_entry *e, void *arg),
		      void *arg)
{
	struct kv_index_entry *e;
	u64 i;
	int r;

	for (i = 0; i <= idx->mask; i++)
		for (e = idx->buckets[i]; e; e = e->next) {
			r = fn(e, arg);
			if (r)
				return r;
		}
	return 0;
}
