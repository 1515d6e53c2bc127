// SPDX-License-Identifier: GPL-2.0
/*
 * The DRAM cache of a KV namespace (see kv_cache.h).  Every state change
 * goes through kv_cache_sm.h, the state machine selftests/model/ checks.
 */
#include "kv_cache.h"

#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif

/* two slots to a 256-byte RDMA read, for the one-sided clients to come */
static_assert(sizeof(struct kv_cache_slot) == 128, "a cache slot is 128 bytes");

/**
 * kv_cache_init() - allocate an empty cache (every slot in state A)
 * @c: the cache
 * @nr_slots: slots in all; rounded down to whole blocks
 * @block_slots: slots per block, 1..KV_CACHE_BLOCK_SLOTS_MAX
 * @lease_ns: how long a fill may hold a slot before others may take it
 *
 * Return: 0, -EINVAL for a geometry without a whole block, or -ENOMEM.
 */
int kv_cache_init(struct kv_cache *c, u32 nr_slots, u32 block_slots,
		  u64 lease_ns)
{
	u64 i, n;

	memset(c, 0, sizeof(*c));
	if (!block_slots || block_slots > KV_CACHE_BLOCK_SLOTS_MAX ||
	    nr_slots < block_slots)
		return -EINVAL;
	c->nr_blocks = nr_slots / block_slots;
	c->block_slots = block_slots;
	c->lease_ns = lease_ns;
	n = (u64)c->nr_blocks * block_slots;
	c->slots = kv_alloc_pages(n * sizeof(*c->slots));
	if (!c->slots)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		kv_slot_init(&c->slots[i].sm);
	return 0;
}

void kv_cache_destroy(struct kv_cache *c)
{
	kv_free_pages(c->slots);
	c->slots = NULL;
}

/* The block a key lives in (hosts reading one-sided compute it too) */
u32 kv_cache_block(const struct kv_cache *c, const u8 *key, u8 key_len)
{
	return kv_cache_block_of(c->nr_blocks, key, key_len);
}

static struct kv_cache_slot *kv_cache_first(struct kv_cache *c, u32 block)
{
	return &c->slots[(u64)block * c->block_slots];
}

/* A fill whose lease ran out gives its slot up (B -> A, D -> A). */
static void kv_cache_expire(struct kv_cache *c, struct kv_cache_slot *s,
			    u64 now)
{
	enum kv_slot_state st = kv_slot_state(&s->sm);

	if ((st == KV_SLOT_B || st == KV_SLOT_D) && now > s->lease) {
		kv_slot_abort(&s->sm);
		c->stats.leases_expired++;
	}
}

/**
 * kv_cache_get() - look a key up, or lock a slot to fill it
 * @c: the cache
 * @block: kv_cache_block() of the key; its lock is held
 * @key: the key
 * @key_len: its length
 * @now: the time, ns
 * @slot: out: the slot (KV_CACHE_HIT, KV_CACHE_FILL)
 * @fill_id: out: KV_CACHE_FILL: the id to fill or abort the slot with
 *
 * On a miss, takes a slot of the block for the key (A -> B, or the least
 * recently used C -> B), as the paper's filler does with its CAS; the
 * caller then reads the value from the store and calls kv_cache_fill(), or
 * kv_cache_abort().  Looking for the key and taking the slot happen under
 * the one block lock, so a second filler of the key finds the first one's
 * slot (the paper's double read).
 *
 * Return: see enum kv_cache_result.
 */
enum kv_cache_result kv_cache_get(struct kv_cache *c, u32 block,
				  const u8 *key, u8 key_len, u64 now,
				  struct kv_cache_slot **slot, u64 *fill_id)
{
	struct kv_cache_slot *s = kv_cache_first(c, block), *free = NULL;
	struct kv_cache_slot *lru = NULL;
	enum kv_slot_state st;
	u32 i;

	for (i = 0; i < c->block_slots; i++, s++) {
		kv_cache_expire(c, s, now);
		st = kv_slot_state(&s->sm);
		if ((st == KV_SLOT_B || st == KV_SLOT_C) &&
		    kv_slot_has_key(&s->sm, key, key_len)) {
			if (st == KV_SLOT_B) {
				c->stats.busy++;
				return KV_CACHE_BUSY;
			}
			s->lru = now;
			c->stats.hits++;
			*slot = s;
			return KV_CACHE_HIT;
		}
		if (st == KV_SLOT_A && !free)
			free = s;
		else if (st == KV_SLOT_C && (!lru || s->lru < lru->lru))
			lru = s;
	}
	c->stats.misses++;
	s = free ? free : lru;
	if (!s) {
		c->stats.no_slot++;
		return KV_CACHE_NO_SLOT;
	}
	if (!free)
		c->stats.evictions++;
	*fill_id = ++c->next_fill_id;
	s->lease = now + c->lease_ns;
	kv_slot_lock(&s->sm, key, key_len, *fill_id);
	*slot = s;
	return KV_CACHE_FILL;
}

/**
 * kv_cache_fill() - complete a fill started by kv_cache_get()
 * @c: the cache
 * @s: the slot; its block's lock is held
 * @fill_id: from kv_cache_get()
 * @value_len: the value's size
 * @pos: log position of its record
 * @seq: its sequence number, kept in the slot's data when the value is
 *	too long for it (one-sided readers check the record against it)
 * @data: the value (@value_len bytes), used when it fits the slot
 * @now: the time, ns
 *
 * B -> C makes the value visible; a slot a write invalidated meanwhile
 * (D) becomes A and the value is dropped.  A fill whose lease ran out
 * and whose slot another fill took changes nothing.
 *
 * Return: whether the value is now cached.
 */
bool kv_cache_fill(struct kv_cache *c, struct kv_cache_slot *s, u64 fill_id,
		   u32 value_len, u64 pos, u64 seq, const void *data, u64 now)
{
	int i;

	if (kv_slot_fill_id(&s->sm) != fill_id) {
		c->stats.fill_aborts++;
		return false;
	}
	if (kv_slot_state(&s->sm) == KV_SLOT_B) {
		s->value_len = value_len;
		if (value_len <= KV_CACHE_INLINE_MAX && value_len)
			memcpy(s->data, data, value_len);
		else if (value_len > KV_CACHE_INLINE_MAX)
			for (i = 0; i < 8; i++)
				s->data[i] = (u8)(seq >> (8 * i));
		s->sum = kv_cache_slot_sum(fill_id, s->sm.key, s->sm.key_len,
					   value_len, pos, s->data);
		s->lru = now;
	}
	if (kv_slot_fill(&s->sm, pos)) {
		c->stats.fills++;
		return true;
	}
	c->stats.fill_aborts++;
	return false;
}

/* Give up a fill: B or D -> A, if the slot is still the fill's. */
void kv_cache_abort(struct kv_cache *c, struct kv_cache_slot *s,
		    u64 fill_id)
{
	if (kv_slot_fill_id(&s->sm) == fill_id)
		kv_slot_abort(&s->sm);
	c->stats.fill_aborts++;
}

/**
 * kv_cache_invalidate() - a write of @key reached the store
 * @c: the cache
 * @block: kv_cache_block() of the key; its lock is held
 * @key: the key
 * @key_len: its length
 *
 * C -> A and B -> D for every slot of the block holding the key; once this
 * returns no B or C slot holds it, and the write may be acknowledged.
 *
 * Return: the number of slots changed.
 */
unsigned int kv_cache_invalidate(struct kv_cache *c, u32 block,
				 const u8 *key, u8 key_len)
{
	struct kv_cache_slot *s = kv_cache_first(c, block);
	unsigned int i, n = 0;

	for (i = 0; i < c->block_slots; i++, s++)
		n += kv_slot_invalidate(&s->sm, key, key_len);
	c->stats.invalidations += n;
	return n;
}
