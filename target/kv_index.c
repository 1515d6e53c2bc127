// SPDX-License-Identifier: GPL-2.0
/*
 * In-memory index of a KV store (see kv_index.h): a hash table finds a
 * key's entry; a skip list through the same entries keeps them in key
 * order, so that List starts at its key in O(log n) and walks only the
 * entries it returns.  An entry's skip list levels come from its key's
 * keyed hash (a quarter of the entries reach each next level), so nobody
 * who does not know the hash key can make the list degenerate.
 */
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

/* Levels of a new entry: 1 + the number of zero bit pairs atop the hash */
static u8 kv_index_levels(u64 hash)
{
	u32 bits = (u32)(hash >> 32);
	u8 levels = 1;

	while (levels < KV_INDEX_LEVELS && !(bits & 3)) {
		levels++;
		bits >>= 2;
	}
	return levels;
}

/*
 * At each level from the top, the link that points at the first entry
 * not before @key (@key_len 0: at the first entry), into @link.  "fwd" is
 * the array of links being followed: the list heads, then an entry's
 * @order.
 */
static void kv_order_find(struct kv_index *idx, const u8 *key, u8 key_len,
			  struct kv_index_entry ***link)
{
	struct kv_index_entry **fwd = idx->first;
	int l;

	for (l = KV_INDEX_LEVELS - 1; l >= 0; l--) {
		while (fwd[l] && kv_key_cmp(fwd[l]->key, fwd[l]->key_len, key,
					    key_len) < 0)
			fwd = fwd[l]->order;
		link[l] = &fwd[l];
	}
}

/* Link a new entry (not in the list) in at its levels */
static void kv_order_insert(struct kv_index *idx, struct kv_index_entry *e)
{
	struct kv_index_entry **link[KV_INDEX_LEVELS];
	int l;

	kv_order_find(idx, e->key, e->key_len, link);
	for (l = 0; l < e->levels; l++) {
		e->order[l] = *link[l];
		*link[l] = e;
	}
}

/* Unlink an entry of the list: at each of its levels, its link points at it */
static void kv_order_remove(struct kv_index *idx, struct kv_index_entry *e)
{
	struct kv_index_entry **link[KV_INDEX_LEVELS];
	int l;

	kv_order_find(idx, e->key, e->key_len, link);
	for (l = 0; l < e->levels; l++)
		*link[l] = e->order[l];
}

/**
 * kv_index_seek() - where List starts
 * @idx: the index
 * @key: start key
 * @key_len: its length, 0 for the first key
 *
 * Walks O(log n) entries (expected).
 *
 * Return: the first entry whose key is not before @key in kv_key_cmp()
 * order, or NULL; kv_index_next() gives the ones after it.
 */
const struct kv_index_entry *kv_index_seek(const struct kv_index *idx,
					   const u8 *key, u8 key_len)
{
	struct kv_index_entry *const *fwd = idx->first;
	int l;

	for (l = KV_INDEX_LEVELS - 1; l >= 0; l--)
		while (fwd[l] && kv_key_cmp(fwd[l]->key, fwd[l]->key_len, key,
					    key_len) < 0)
			fwd = fwd[l]->order;
	return fwd[0];
}

int kv_index_init(struct kv_index *idx)
{
	idx->buckets = kv_alloc(KV_INDEX_MIN_BUCKETS * sizeof(*idx->buckets));
	if (!idx->buckets)
		return -ENOMEM;
	idx->mask = KV_INDEX_MIN_BUCKETS - 1;
	idx->nr_keys = 0;
	memset(idx->first, 0, sizeof(idx->first));
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
	memset(idx->first, 0, sizeof(idx->first));
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
		u64 h = kv_hash(idx, key, key_len);
		u8 levels = kv_index_levels(h);

		e = kv_alloc(sizeof(*e) + levels * sizeof(e->order[0]));
		if (!e)
			return -ENOMEM;
		e->key_len = key_len;
		memcpy(e->key, key, key_len);
		e->levels = levels;
		b = h & idx->mask;
		e->next = idx->buckets[b];
		idx->buckets[b] = e;
		kv_order_insert(idx, e);
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
			kv_order_remove(idx, e);
			if (old)
				*old = *e;
			kv_free(e);
			idx->nr_keys--;
			return true;
		}
	}
	return false;
}
