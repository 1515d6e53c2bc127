/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Scalio-style DRAM cache of a KV namespace (DESIGN.md §5): blocks of
 * slots, each slot moving through the states of kv_cache_sm.h.  A key
 * lives only in the block its hash selects; a value of up to
 * KV_CACHE_INLINE_MAX bytes is held in the slot, a longer one by its log
 * position (the record the store's index points at).
 *
 * Locking: every function that takes a block number expects the caller to
 * hold that block's lock (the target's spinlock per block).  Each call is
 * one atomic step of the state machine.
 *
 * One-sided readers (Documentation/cache.md): hosts read whole blocks with
 * RDMA READ, without any lock, while the target changes them.  A fill
 * therefore writes the value, its length and @sum first and the flags
 * last (kv_wmb() between), and kv_cache_peek() takes a complete slot only
 * when @sum matches what it read, so a read that raced with an eviction
 * and a new fill of the slot is seen as torn and retried, never returned.
 * Builds in the kernel and in user space.
 */
#ifndef NVMET_KV_CACHE_H
#define NVMET_KV_CACHE_H

#include "kv_cache_sm.h"

#define KV_CACHE_INLINE_MAX	64
#define KV_CACHE_BLOCK_SLOTS_MAX 64

/**
 * struct kv_cache_slot - one slot
 * @sm:		flags, the fill id (a filler whose lease ran out and whose
 *		slot was taken again finds another id and changes nothing),
 *		key and, when @value_len > KV_CACHE_INLINE_MAX, the log
 *		position of the value's record
 * @value_len:	value size
 * @sum:	kv_cache_slot_sum() of the fill that made the slot complete
 * @lru:	time of the last hit or fill (ns); eviction takes the oldest
 * @lease:	deadline (ns) of a fill in state B or D; after it the slot may
 *		be taken back, so a filler that died cannot wedge it
 * @data:	the value, when it is short enough; else the sequence number
 *		of its record (8 bytes, little-endian), which a one-sided
 *		reader of the record checks
 */
struct kv_cache_slot {
	struct kv_slot	sm;
	u32		value_len;
	u32		sum;
	u64		lru;
	u64		lease;
	u8		data[KV_CACHE_INLINE_MAX];
};

/**
 * struct kv_cache_stats - counters
 * @hits:	lookups that found the key complete (state C)
 * @misses:	lookups that did not
 * @fills:	fills that made a value visible (B -> C)
 * @fill_aborts: fills a write overtook (D -> A) or that gave up (B -> A)
 * @invalidations: slots a write or a moved record invalidated
 * @evictions:	complete slots taken for another key
 * @busy:	lookups that found another fill of the key in progress
 * @no_slot:	misses with every slot of the block being filled
 * @leases_expired: fills taken back after their lease ran out
 */
struct kv_cache_stats {
	u64	hits;
	u64	misses;
	u64	fills;
	u64	fill_aborts;
	u64	invalidations;
	u64	evictions;
	u64	busy;
	u64	no_slot;
	u64	leases_expired;
};

/**
 * struct kv_cache - the cache of one namespace
 * @nr_blocks:	blocks
 * @block_slots: slots per block
 * @lease_ns:	how long a fill may hold a slot
 * @slots:	@nr_blocks * @block_slots slots, block after block
 * @next_fill_id: the id of the next fill; 64 bits never wrap
 * @stats:	counters, updated under the block locks (approximate sums)
 */
struct kv_cache {
	u32			nr_blocks;
	u32			block_slots;
	u64			lease_ns;
	u64			next_fill_id;
	struct kv_cache_slot	*slots;
	struct kv_cache_stats	stats;
};

/* What kv_cache_get() found */
enum kv_cache_result {
	KV_CACHE_HIT,		/* *slot is complete: read it, still locked */
	KV_CACHE_FILL,		/* *slot is now B for the key: fill or abort it */
	KV_CACHE_BUSY,		/* another fill of the key is in progress */
	KV_CACHE_NO_SLOT,	/* every slot of the block is being filled */
};

/*
 * The block a key lives in, of @nr_blocks: FNV-1a of the key and its
 * length, then a final mix (MurmurHash3's fmix64 constants) so that the
 * high bits depend on every byte.  Without the mix, keys that differ in
 * their last bytes only (user1, user2 ...) differ only in FNV's low bits,
 * and 1000 such keys filled 52 of 1024 blocks.  Hosts compute the same
 * block for their RDMA READs: a change here is a new NVME_KV_CACHE_VERSION.
 */
static inline u32 kv_cache_block_of(u32 nr_blocks, const u8 *key, u8 key_len)
{
	u64 h = 0xcbf29ce484222325ULL;
	unsigned int i;

	for (i = 0; i < key_len; i++)
		h = (h ^ key[i]) * 0x100000001b3ULL;
	h = (h ^ key_len) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (u32)(h >> 32) % nr_blocks;
}

int kv_cache_init(struct kv_cache *c, u32 nr_slots, u32 block_slots,
		  u64 lease_ns);
void kv_cache_destroy(struct kv_cache *c);
u32 kv_cache_block(const struct kv_cache *c, const u8 *key, u8 key_len);
enum kv_cache_result kv_cache_get(struct kv_cache *c, u32 block,
				  const u8 *key, u8 key_len, u64 now,
				  struct kv_cache_slot **slot, u64 *fill_id);
bool kv_cache_fill(struct kv_cache *c, struct kv_cache_slot *s, u64 fill_id,
		   u32 value_len, u64 pos, u64 seq, const void *data, u64 now);
void kv_cache_abort(struct kv_cache *c, struct kv_cache_slot *s,
		    u64 fill_id);
unsigned int kv_cache_invalidate(struct kv_cache *c, u32 block,
				 const u8 *key, u8 key_len);

/* FNV-1a, 32 bits, continued from @h over @len bytes */
static inline u32 kv_cache_fnv(u32 h, const void *p, size_t len)
{
	const u8 *b = p;

	while (len--)
		h = (h ^ *b++) * 0x01000193U;
	return h;
}

/**
 * kv_cache_slot_sum() - the checksum a fill stores in a slot
 * @fill_id: the fill
 * @key: the key
 * @key_len: its length
 * @value_len: the value's size
 * @pos: the value's log position
 * @data: the slot's data: the value when it is inline (@value_len <=
 *	KV_CACHE_INLINE_MAX), else the record's sequence number (8 bytes)
 *
 * Covers everything a one-sided reader takes from a complete slot, and
 * the fill id, so that parts of two fills of the same slot never match.
 * The integers are summed little-endian, as they lie in the slot.
 *
 * Return: the checksum.
 */
static inline u32 kv_cache_slot_sum(u64 fill_id, const u8 *key, u8 key_len,
				    u32 value_len, u64 pos, const void *data)
{
	u8 le[8];
	u32 h = 0x811c9dc5U;
	int i;

	for (i = 0; i < 8; i++)
		le[i] = (u8)(fill_id >> (8 * i));
	h = kv_cache_fnv(h, le, 8);
	h = kv_cache_fnv(h, &key_len, 1);
	h = kv_cache_fnv(h, key, key_len);
	for (i = 0; i < 4; i++)
		le[i] = (u8)(value_len >> (8 * i));
	h = kv_cache_fnv(h, le, 4);
	if (value_len <= KV_CACHE_INLINE_MAX)
		return kv_cache_fnv(h, data, value_len);
	for (i = 0; i < 8; i++)
		le[i] = (u8)(pos >> (8 * i));
	h = kv_cache_fnv(h, le, 8);
	return kv_cache_fnv(h, data, 8);
}

/* The record sequence number a slot holds for a value not inline */
static inline u64 kv_cache_slot_seq(const struct kv_cache_slot *s)
{
	u64 seq = 0;
	int i;

	for (i = 7; i >= 0; i--)
		seq = seq << 8 | s->data[i];
	return seq;
}

/*
 * Host fills carry their lease in the lock word itself: the fill id is the
 * real time of the lock in ns, rounded down to KV_CACHE_HOST_FILL_TICK
 * bits, with a per-host sequence in those bits.  The one CAS that takes a
 * slot thus also starts its lease; a lease written after the CAS would
 * leave a window in which the slot looks held by the previous fill, long
 * expired, and another host could take it from under a live filler.
 */
#define KV_CACHE_HOST_FILL_TICK	14

static inline u64 kv_cache_host_fill_id(u64 now, u64 seq)
{
	return ((now >> KV_CACHE_HOST_FILL_TICK) << KV_CACHE_HOST_FILL_TICK |
		(seq & ((1ULL << KV_CACHE_HOST_FILL_TICK) - 1))) &
	       (~0ULL >> 1);
}

/* whether a host fill's lease ran out: it locked at its id's time */
static inline bool kv_cache_host_fill_expired(const struct kv_slot *s,
					      u64 now, u64 lease_ns)
{
	u64 locked = kv_slot_fill_id(s) >> KV_CACHE_HOST_FILL_TICK <<
		     KV_CACHE_HOST_FILL_TICK;

	return now > locked + lease_ns;
}

/* What kv_cache_peek() found in a copy of a block */
enum kv_cache_peek_result {
	KV_PEEK_HIT,	/* complete slot, checksum right: the value is valid */
	KV_PEEK_MISS,	/* no B or C slot holds the key */
	KV_PEEK_BUSY,	/* a fill of the key is in progress (B) */
	KV_PEEK_TORN,	/* the copy mixes two fills of a slot: read again */
};

/**
 * kv_cache_peek() - look a key up in a copy of a block, as a one-sided
 *	reader does after an RDMA READ of it
 * @block: @block_slots slots, copied without any lock
 * @block_slots: slots per block
 * @key: the key
 * @key_len: its length
 * @now: for a cache hosts fill, the real time, else 0 (leases ignored)
 * @lease_ns: how long a host fill may hold a slot
 * @found: out: KV_PEEK_HIT: the slot within @block
 *
 * A host fill (B) whose lease ran out before @now counts as gone: its
 * filler is taken for dead, and the slot may be taken back
 * (kv_cache_pick_victim()).
 *
 * Return: see enum kv_cache_peek_result.
 */
static inline enum kv_cache_peek_result
kv_cache_peek(const struct kv_cache_slot *block, u32 block_slots,
	      const u8 *key, u8 key_len, u64 now, u64 lease_ns,
	      const struct kv_cache_slot **found)
{
	const struct kv_cache_slot *s;
	enum kv_slot_state st;
	u32 i;

	for (i = 0, s = block; i < block_slots; i++, s++) {
		st = kv_slot_state(&s->sm);
		if ((st != KV_SLOT_B && st != KV_SLOT_C) ||
		    s->sm.key_len > NVME_KV_KEY_MAX ||
		    !kv_slot_has_key(&s->sm, key, key_len))
			continue;
		if (st == KV_SLOT_B && now &&
		    kv_cache_host_fill_expired(&s->sm, now, lease_ns))
			continue;
		if (st == KV_SLOT_B)
			return KV_PEEK_BUSY;
		if (s->sum != kv_cache_slot_sum(kv_slot_fill_id(&s->sm),
						s->sm.key,
						s->sm.key_len, s->value_len,
						s->sm.value, s->data))
			return KV_PEEK_TORN;
		*found = s;
		return KV_PEEK_HIT;
	}
	return KV_PEEK_MISS;
}

/**
 * kv_cache_peek_confirmed() - kv_cache_peek() on the first of two copies
 *	of a block read one after the other
 * @first: the first copy
 * @second: the second, read after the first was complete
 * @block_slots: slots per block
 * @key: the key
 * @key_len: its length
 * @now: as for kv_cache_peek()
 * @lease_ns: as for kv_cache_peek()
 * @found: out: KV_PEEK_HIT: the slot within @first
 *
 * A copy is not atomic: it may take a slot's lock word before a filler
 * locked the slot again for the same key and its occupied flag after,
 * which looks complete with the old value and its right checksum although
 * a write invalidated it in between.  A hit counts only if the slot's
 * lock word is the same in @second: fill ids are never reused, so the
 * slot then held the same fill all along, and occupied, which only a
 * write clears while the lock word stays, was set when @first took it.
 *
 * Return: as kv_cache_peek(), with KV_PEEK_TORN for a hit not confirmed.
 */
static inline enum kv_cache_peek_result
kv_cache_peek_confirmed(const struct kv_cache_slot *first,
			const struct kv_cache_slot *second, u32 block_slots,
			const u8 *key, u8 key_len, u64 now, u64 lease_ns,
			const struct kv_cache_slot **found)
{
	enum kv_cache_peek_result r;

	r = kv_cache_peek(first, block_slots, key, key_len, now, lease_ns,
			  found);
	if (r == KV_PEEK_HIT && second[*found - first].sm.lock !=
	    (*found)->sm.lock)
		return KV_PEEK_TORN;
	return r;
}

/**
 * kv_cache_pick_victim() - the slot a host filler takes, in a copy of a block
 * @block: @block_slots slots, copied without any lock
 * @block_slots: slots per block
 * @now: the real time
 * @lease_ns: how long a host fill may hold a slot
 *
 * An empty slot (A) first, else a fill (B or D) whose lease ran out, else
 * the least recently used complete slot.  The filler then CASes the slot's
 * lock word from the value in the copy.
 *
 * Return: the slot's index, or -1 when every slot is being filled.
 */
static inline int kv_cache_pick_victim(const struct kv_cache_slot *block,
				       u32 block_slots, u64 now, u64 lease_ns)
{
	int i, expired = -1, lru = -1;
	enum kv_slot_state st;

	for (i = 0; i < (int)block_slots; i++) {
		st = kv_slot_state(&block[i].sm);
		if (st == KV_SLOT_A)
			return i;
		if ((st == KV_SLOT_B || st == KV_SLOT_D) && expired < 0 &&
		    kv_cache_host_fill_expired(&block[i].sm, now, lease_ns))
			expired = i;
		if (st == KV_SLOT_C && (lru < 0 || block[i].lru < block[lru].lru))
			lru = i;
	}
	return expired >= 0 ? expired : lru;
}

/**
 * kv_cache_collision() - after a host locked slot @mine for @key and read
 *	the block again: what the paper's double read decides
 * @block: the copy read after the lock
 * @second: a second copy read after it (kv_cache_peek_confirmed())
 * @block_slots: slots per block
 * @mine: the locked slot
 * @fill_id: its fill
 * @key: the key
 * @key_len: its length
 * @now: the real time
 * @lease_ns: how long a host fill may hold a slot
 * @found: out: KV_PEEK_HIT: another slot complete with the key
 *
 * Return: KV_PEEK_MISS when the lock holds and no other slot has the key
 * (fill it); KV_PEEK_HIT when another slot is complete with it (release
 * ours, take that value); KV_PEEK_BUSY when another filler holds the key
 * (release ours, wait); KV_PEEK_TORN when our slot is no longer ours (its
 * lease ran out and it was taken back).
 */
static inline enum kv_cache_peek_result
kv_cache_collision(const struct kv_cache_slot *block,
		   const struct kv_cache_slot *second, u32 block_slots,
		   int mine, u64 fill_id, const u8 *key, u8 key_len, u64 now,
		   u64 lease_ns, const struct kv_cache_slot **found)
{
	const struct kv_cache_slot *m = &block[mine], *s;
	enum kv_cache_peek_result r;

	if (m->sm.lock != fill_id << 1 || !m->sm.occupied ||
	    !kv_slot_has_key(&m->sm, key, key_len))
		return KV_PEEK_TORN;
	/* the slots before ours, then those after it */
	r = kv_cache_peek_confirmed(block, second, mine, key, key_len, now,
				    lease_ns, found);
	if (r == KV_PEEK_MISS) {
		s = block + mine + 1;
		r = kv_cache_peek_confirmed(s, second + mine + 1,
					    block_slots - mine - 1, key,
					    key_len, now, lease_ns, found);
	}
	return r == KV_PEEK_TORN ? KV_PEEK_BUSY : r;
}

#endif /* NVMET_KV_CACHE_H */
