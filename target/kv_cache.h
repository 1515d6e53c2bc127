/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Scalio-style DRAM cache of a KV namespace (DESIGN.md §5): blocks of
 * slots, each slot moving through the states of kv_cache_sm.h.  A key
 * lives only in the block its hash selects; a value of up to
 * KV_CACHE_INLINE_MAX bytes is held in the slot, a longer one by its log
 * position (the record the store's index points at).
 *
 * Locking: every function that takes a block number expects the caller to
 * hold that block's lock (the kernel: a spinlock per block; one-sided RDMA
 * clients, later, a CAS on the slot's flags).  Each call is one atomic step
 * of the state machine.  Builds in the kernel and in user space.
 */
#ifndef NVMET_KV_CACHE_H
#define NVMET_KV_CACHE_H

#include "kv_cache_sm.h"

#define KV_CACHE_INLINE_MAX	64
#define KV_CACHE_BLOCK_SLOTS_MAX 64

/**
 * struct kv_cache_slot - one slot
 * @sm:		flags, key and, when @value_len > KV_CACHE_INLINE_MAX, the
 *		log position of the value's record
 * @value_len:	value size
 * @lru:	time of the last hit or fill (ns); eviction takes the oldest
 * @lease:	deadline (ns) of a fill in state B or D; after it the slot may
 *		be taken back, so a filler that died cannot wedge it
 * @fill_id:	which fill holds the slot; a filler whose lease ran out and
 *		whose slot was taken again finds another id and changes
 *		nothing
 * @data:	the value, when it is short enough
 */
struct kv_cache_slot {
	struct kv_slot	sm;
	u32		value_len;
	u64		lru;
	u64		lease;
	u64		fill_id;
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

int kv_cache_init(struct kv_cache *c, u32 nr_slots, u32 block_slots,
		  u64 lease_ns);
void kv_cache_destroy(struct kv_cache *c);
u32 kv_cache_block(const struct kv_cache *c, const u8 *key, u8 key_len);
enum kv_cache_result kv_cache_get(struct kv_cache *c, u32 block,
				  const u8 *key, u8 key_len, u64 now,
				  struct kv_cache_slot **slot, u64 *fill_id);
bool kv_cache_fill(struct kv_cache *c, struct kv_cache_slot *s, u64 fill_id,
		   u32 value_len, u64 pos, const void *data, u64 now);
void kv_cache_abort(struct kv_cache *c, struct kv_cache_slot *s,
		    u64 fill_id);
unsigned int kv_cache_invalidate(struct kv_cache *c, u32 block,
				 const u8 *key, u8 key_len);

#endif /* NVMET_KV_CACHE_H */
