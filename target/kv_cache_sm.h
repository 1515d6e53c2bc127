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
 * Transitions, each one atomic step (a CAS or a single write on the slot's
 * flag word, as one-sided RDMA can do them):
 *	lock	 A -> B, C -> B (eviction), with the filler's key
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

/* a slot as the state machine sees it: flags, key and value */
struct kv_slot {
	u8	flags;
	u8	key_len;
	u8	key[NVME_KV_KEY_MAX];
	u64	value;		/* inline value or device location */
};

static inline enum kv_slot_state kv_slot_state(const struct kv_slot *s)
{
	return (enum kv_slot_state)(s->flags &
				    (KV_SLOT_OCCUPIED | KV_SLOT_COMPLETE));
}

static inline bool kv_slot_has_key(const struct kv_slot *s, const u8 *key,
				   u8 key_len)
{
	return s->key_len == key_len && !memcmp(s->key, key, key_len);
}

/* lock: A or C -> B for @key; false (nothing changed) from B or D */
static inline bool kv_slot_lock(struct kv_slot *s, const u8 *key, u8 key_len)
{
	enum kv_slot_state st = kv_slot_state(s);

	if (st != KV_SLOT_A && st != KV_SLOT_C)
		return false;
	s->flags = KV_SLOT_B;
	s->key_len = key_len;
	memcpy(s->key, key, key_len);
	return true;
}

/* fill: B -> C with @value; D -> A.  Returns whether the value is visible. */
static inline bool kv_slot_fill(struct kv_slot *s, u64 value)
{
	if (kv_slot_state(s) == KV_SLOT_B) {
		s->value = value;
		/* one-sided readers must see the value before the flags */
		kv_wmb();
		s->flags = KV_SLOT_C;
		return true;
	}
	if (kv_slot_state(s) == KV_SLOT_D)
		s->flags = KV_SLOT_A;
	return false;
}

/* abort: B or D -> A (the filler gives its slot up) */
static inline void kv_slot_abort(struct kv_slot *s)
{
	if (kv_slot_state(s) == KV_SLOT_B || kv_slot_state(s) == KV_SLOT_D)
		s->flags = KV_SLOT_A;
}

/* invalidate: C -> A, B -> D if the slot holds @key; true if it changed */
static inline bool kv_slot_invalidate(struct kv_slot *s, const u8 *key,
				      u8 key_len)
{
	enum kv_slot_state st = kv_slot_state(s);

	if ((st != KV_SLOT_B && st != KV_SLOT_C) ||
	    !kv_slot_has_key(s, key, key_len))
		return false;
	s->flags = st == KV_SLOT_C ? KV_SLOT_A : KV_SLOT_D;
	return true;
}

/* evict: C -> A */
static inline bool kv_slot_evict(struct kv_slot *s)
{
	if (kv_slot_state(s) != KV_SLOT_C)
		return false;
	s->flags = KV_SLOT_A;
	return true;
}

#endif /* NVMET_KV_CACHE_SM_H */
