/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slot state machine of the Scalio-style DRAM cache (DESIGN.md §5,
 * research/scalio-bandslim.md A.3).  A slot has two flags, occupied and
 * complete, giving four states:
 *
 *	A (0,1)	empty, free to take
 *	B (1,0)	locked by a filler, which is reading the value from the device
 *	C (1,1)	holds a valid value, the same as the device's
 *	D (0,0)	a fill that a write invalidated; nobody may take the slot
 *		until its filler finishes, which turns it into A
 *
 * Transitions, each one atomic step (a CAS of the lock word or a single
 * write, as one-sided RDMA can do them):
 *	lock	 A -> B, C -> B (eviction), with the filler's key: a CAS that
 *		 clears complete, then the key and occupied
 *	fill	 B -> C with the value; D -> A, the stale value never visible
 *	abort	 B -> A, D -> A (a filler that found its key locked twice)
 *	invalidate C -> A, B -> D (a write that reached the device)
 *	evict	 C -> A (an eviction that frees the slot)
 * A write is acknowledged only when the device holds it and no slot holds
 * its key in B or C: its linearization point.
 *
 * Builds in the kernel and in user space; selftests/model/ checks every
 * interleaving of readers, a writer and an evictor against it.
 */
#ifndef NVMET_KV_CACHE_SM_H
#define NVMET_KV_CACHE_SM_H

#include "kv_types.h"

#define KV_SLOT_OCCUPIED	0x1
#define KV_SLOT_COMPLETE	0x2

enum kv_slot_state {
	KV_SLOT_D = 0,					/* (0,0) */
	KV_SLOT_B = KV_SLOT_OCCUPIED,			/* (1,0) */
	KV_SLOT_A = KV_SLOT_COMPLETE,			/* (0,1) */
	KV_SLOT_C = KV_SLOT_OCCUPIED | KV_SLOT_COMPLETE,	/* (1,1) */
};

/*
 * A slot as the state machine sees it.  The two flags live in separate
 * words, as in the paper, because hosts change the slot with RDMA while
 * the target writes it with its CPU, and the two are not atomic with each
 * other (soft-RoCE, and HCAs without global atomics):
 *  - @lock holds complete (bit 0) and the id of the fill that holds or last
 *    held the slot (bits 63:1).  Only a filler changes it: the target's
 *    own fills under the block lock, or hosts with RDMA CAS, never both on
 *    one cache.
 *  - @occupied is the other flag; a write invalidates by clearing it, the
 *    one thing the target does to slots that hosts fill.
 */
struct kv_slot {
	u64	lock;
	u8	occupied;
	u8	key_len;
	u8	key[NVME_KV_KEY_MAX];
	u64	value;		/* device location of a long value */
};

#define KV_SLOT_LOCK_COMPLETE	1ULL

static inline enum kv_slot_state kv_slot_state(const struct kv_slot *s)
{
	return (enum kv_slot_state)((s->occupied ? KV_SLOT_OCCUPIED : 0) |
				    (s->lock & KV_SLOT_LOCK_COMPLETE ?
				     KV_SLOT_COMPLETE : 0));
}

/* the fill that holds (B, D) or last held (A, C) the slot */
static inline u64 kv_slot_fill_id(const struct kv_slot *s)
{
	return s->lock >> 1;
}

static inline bool kv_slot_has_key(const struct kv_slot *s, const u8 *key,
				   u8 key_len)
{
	return s->key_len == key_len && !memcmp(s->key, key, key_len);
}

/* An empty slot (A) */
static inline void kv_slot_init(struct kv_slot *s)
{
	s->lock = KV_SLOT_LOCK_COMPLETE;
	s->occupied = 0;
}

/*
 * lock, first step: A or C -> complete cleared for fill @fill_id, the CAS
 * of a remote filler (A becomes D, C becomes B with the old key, until the
 * second step); false (nothing changed) from B or D
 */
static inline bool kv_slot_lock_begin(struct kv_slot *s, u64 fill_id)
{
	enum kv_slot_state st = kv_slot_state(s);

	if (st != KV_SLOT_A && st != KV_SLOT_C)
		return false;
	s->lock = fill_id << 1;
	return true;
}

/* lock, second step: the filler's key, occupied: B */
static inline void kv_slot_lock_key(struct kv_slot *s, const u8 *key,
				    u8 key_len)
{
	s->key_len = key_len;
	memcpy(s->key, key, key_len);
	s->occupied = 1;
}

/* lock: A or C -> B for @key in one step; false from B or D */
static inline bool kv_slot_lock(struct kv_slot *s, const u8 *key, u8 key_len,
				u64 fill_id)
{
	if (!kv_slot_lock_begin(s, fill_id))
		return false;
	kv_slot_lock_key(s, key, key_len);
	return true;
}

/* fill: B -> C with @value; D -> A.  Returns whether the value is visible. */
static inline bool kv_slot_fill(struct kv_slot *s, u64 value)
{
	bool visible = kv_slot_state(s) == KV_SLOT_B;

	if (kv_slot_state(s) != KV_SLOT_B && kv_slot_state(s) != KV_SLOT_D)
		return false;
	s->value = value;
	/* one-sided readers must see the value before the flags */
	kv_wmb();
	s->lock |= KV_SLOT_LOCK_COMPLETE;
	return visible;
}

/* abort: B or D -> A (the filler gives its slot up) */
static inline void kv_slot_abort(struct kv_slot *s)
{
	if (kv_slot_state(s) == KV_SLOT_B || kv_slot_state(s) == KV_SLOT_D) {
		s->occupied = 0;
		s->lock |= KV_SLOT_LOCK_COMPLETE;
	}
}

/* invalidate: C -> A, B -> D if the slot holds @key; true if it changed */
static inline bool kv_slot_invalidate(struct kv_slot *s, const u8 *key,
				      u8 key_len)
{
	enum kv_slot_state st = kv_slot_state(s);

	if ((st != KV_SLOT_B && st != KV_SLOT_C) ||
	    !kv_slot_has_key(s, key, key_len))
		return false;
	s->occupied = 0;
	return true;
}

/* evict: C -> A */
static inline bool kv_slot_evict(struct kv_slot *s)
{
	if (kv_slot_state(s) != KV_SLOT_C)
		return false;
	s->occupied = 0;
	return true;
}

#endif /* NVMET_KV_CACHE_SM_H */
