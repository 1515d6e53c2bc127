// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the DRAM cache (target/kv_cache.c): each transition of a
 * slot, eviction, leases, and random schedules of fillers, a writer and
 * the clock checked by cache_sim.h.  Built with ASan and UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "tap.h"
#include "cache_sim.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static enum kv_cache_result get(struct kv_cache *c, const char *key, u64 now,
				struct kv_cache_slot **slot, u64 *id)
{
	u8 len = (u8)strlen(key);

	return kv_cache_get(c, kv_cache_block(c, (const u8 *)key, len),
			    (const u8 *)key, len, now, slot, id);
}

static unsigned int inval(struct kv_cache *c, const char *key)
{
	u8 len = (u8)strlen(key);

	return kv_cache_invalidate(c, kv_cache_block(c, (const u8 *)key, len),
				   (const u8 *)key, len);
}

static void test_geometry(void)
{
	struct kv_cache c;

	tap_ok(kv_cache_init(&c, 8, 0, 1) == -EINVAL &&
	       kv_cache_init(&c, 8, 65, 1) == -EINVAL &&
	       kv_cache_init(&c, 7, 8, 1) == -EINVAL,
	       "cache: a block of 0 or more than 64 slots, or fewer slots than a block, is refused");
	tap_ok(kv_cache_init(&c, 100, 8, 1) == 0 && c.nr_blocks == 12 &&
	       kv_slot_state(&c.slots[95].sm) == KV_SLOT_A,
	       "cache: 100 slots in blocks of 8 are 12 whole blocks, every slot empty (A)");
	kv_cache_destroy(&c);
}

/*
 * Keys that differ only in their last characters, as generated keys do,
 * spread over the blocks as random ones would: 1000 keys into 1024 blocks
 * fill about 1024 * (1 - e^-0.98) = 638 of them, and none gets more than
 * a handful.  The block hash without its final mix filled 52.
 */
static void test_block_spread(void)
{
	static const char *const fmts[] = { "key-%012u", "user%u", "k%u" };
	static unsigned int count[1024];
	unsigned int f, i, used, most, b;
	char key[NVME_KV_KEY_MAX + 1];
	int len;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		memset(count, 0, sizeof(count));
		used = most = 0;
		for (i = 0; i < 1000; i++) {
			len = snprintf(key, sizeof(key), fmts[f], i);
			b = kv_cache_block_of(1024, (const u8 *)key, (u8)len);
			if (!count[b]++)
				used++;
			if (count[b] > most)
				most = count[b];
		}
		tap_ok(used >= 580 && most <= 10,
		       "cache: 1000 keys \"%s\" fill %u of 1024 blocks, at most %u in one (random: about 638, 6)",
		       fmts[f], used, most);
	}
}

static void test_transitions(void)
{
	struct kv_cache_slot *s, *s2;
	struct kv_cache c;
	u64 id, id2;
	int ok;

	kv_cache_init(&c, 8, 8, 100);
	ok = get(&c, "k", 10, &s, &id) == KV_CACHE_FILL &&
	     kv_slot_state(&s->sm) == KV_SLOT_B && c.stats.misses == 1;
	ok = ok && get(&c, "k", 11, &s2, &id2) == KV_CACHE_BUSY;
	ok = ok && kv_cache_fill(&c, s, id, 3, 77, 0, "abc", 12) &&
	     kv_slot_state(&s->sm) == KV_SLOT_C;
	tap_ok(ok, "cache: a miss locks a slot (A -> B), a second reader of the key waits, the fill completes it (B -> C)");

	ok = get(&c, "k", 13, &s2, &id2) == KV_CACHE_HIT && s2 == s &&
	     s2->value_len == 3 && !memcmp(s2->data, "abc", 3) &&
	     s2->sm.value == 77 && c.stats.hits == 1;
	tap_ok(ok, "cache: a hit returns the slot's value, size and record position");

	ok = inval(&c, "k") == 1 && kv_slot_state(&s->sm) == KV_SLOT_A &&
	     get(&c, "k", 14, &s, &id) == KV_CACHE_FILL;
	tap_ok(ok, "cache: a write invalidates a complete slot (C -> A) and the next reader misses");

	ok = inval(&c, "k") == 1 && kv_slot_state(&s->sm) == KV_SLOT_D &&
	     get(&c, "k", 15, &s2, &id2) == KV_CACHE_FILL && s2 != s &&
	     !kv_cache_fill(&c, s, id, 1, 1, 0, "x", 16) &&
	     kv_slot_state(&s->sm) == KV_SLOT_A;
	tap_ok(ok, "cache: a write during a fill makes it D; readers miss past it; the late fill drops its value (D -> A)");

	kv_cache_abort(&c, s2, id2);
	ok = kv_slot_state(&s2->sm) == KV_SLOT_A && inval(&c, "k") == 0;
	tap_ok(ok, "cache: an aborted fill frees its slot (B -> A) and leaves nothing to invalidate");
	kv_cache_destroy(&c);
}

static void test_eviction_and_leases(void)
{
	struct kv_cache_slot *s, *first = NULL, *late;
	char key[16];
	struct kv_cache c;
	u64 id, new_id, late_id;
	int i, ok = 1;

	kv_cache_init(&c, 4, 4, 100);
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "e%d", i);
		ok = ok && get(&c, key, 100 + i, &s, &id) == KV_CACHE_FILL &&
		     kv_cache_fill(&c, s, id, 1, i, 0, "v", 100 + i);
		if (!i)
			first = s;
	}
	/* e0 is the least recently used unless it is hit */
	ok = ok && get(&c, "e1", 200, &s, &id) == KV_CACHE_HIT;
	ok = ok && get(&c, "new", 201, &s, &new_id) == KV_CACHE_FILL &&
	     s == first && c.stats.evictions == 1;
	tap_ok(ok, "cache: a full block evicts its least recently used complete slot (C -> B)");

	/* every slot being filled: no slot to take */
	ok = 1;
	for (i = 1; i < 4; i++) {
		snprintf(key, sizeof(key), "e%d", i);
		inval(&c, key);
		snprintf(key, sizeof(key), "f%d", i);
		ok = ok && get(&c, key, 202, &s, &id) == KV_CACHE_FILL;
	}
	ok = ok && get(&c, "other", 203, &s, &id) == KV_CACHE_NO_SLOT;
	tap_ok(ok, "cache: with every slot of the block being filled a reader finds no slot and goes to the store");

	/* the fill of "new" dies; its lease runs out at 201 + 100 */
	ok = get(&c, "other", 400, &late, &late_id) == KV_CACHE_FILL &&
	     c.stats.leases_expired == 4;
	ok = ok && late == first &&
	     !kv_cache_fill(&c, first, new_id, 1, 9, 0, "z", 401) &&
	     kv_slot_state(&late->sm) == KV_SLOT_B && kv_slot_fill_id(&late->sm) == late_id;
	tap_ok(ok, "cache: fills past their lease give their slots up, and a late fill of a slot taken again changes nothing");
	kv_cache_destroy(&c);
}

static void test_random(void)
{
	static const u32 geo[][2] = { { 4, 4 }, { 6, 2 }, { 8, 8 }, { 16, 1 } };
	static struct sim s;
	u8 sched[4000];
	unsigned long steps = 0, hits = 0, fills = 0, writes = 0;
	unsigned int g, r, i;
	int bad = 0;

	for (g = 0; g < 4; g++) {
		for (r = 0; r < 250 && !bad; r++) {
			sim_init(&s, geo[g][0], geo[g][1]);
			for (i = 0; i < sizeof(sched); i++)
				sched[i] = (u8)rnd();
			if (sim_run(&s, sched, sizeof(sched))) {
				printf("# %u slots in blocks of %u: %s\n",
				       geo[g][0], geo[g][1], s.why);
				bad++;
			}
			steps += s.steps;
			hits += s.hits;
			fills += s.fills;
			writes += s.writes;
			sim_destroy(&s);
		}
	}
	tap_ok(!bad && hits && fills && writes,
	       "cache: 1000 random schedules of 3 fillers, a writer and leases keep every invariant (%lu steps, %lu hits, %lu fills, %lu writes)",
	       steps, hits, fills, writes);
}

static enum kv_cache_peek_result peek(const struct kv_cache_slot *block,
				      u32 n, const char *key,
				      const struct kv_cache_slot **found)
{
	return kv_cache_peek(block, n, (const u8 *)key, (u8)strlen(key), 0, 0,
			     found);
}

/*
 * What a one-sided reader sees in its copy of a block: the value of a
 * complete slot, a fill in progress, and copies that mix two fills of one
 * slot, which must never be returned.
 */
static void test_peek(void)
{
	const struct kv_cache_slot *f = NULL;
	struct kv_cache_slot *s, *s2, copy[4], before;
	char big[200];
	struct kv_cache c;
	u64 id, id2;
	int ok;

	kv_cache_init(&c, 4, 4, 100);
	ok = peek(c.slots, 4, "k", &f) == KV_PEEK_MISS &&
	     get(&c, "k", 1, &s, &id) == KV_CACHE_FILL &&
	     peek(c.slots, 4, "k", &f) == KV_PEEK_BUSY &&
	     kv_cache_fill(&c, s, id, 5, 9, 0, "hello", 2) &&
	     peek(c.slots, 4, "k", &f) == KV_PEEK_HIT && f == s &&
	     f->value_len == 5 && !memcmp(f->data, "hello", 5);
	tap_ok(ok, "cache peek: empty is a miss, a fill in progress is busy, a complete slot is a hit with its value");

	before = *s;
	ok = inval(&c, "k") == 1 && peek(c.slots, 4, "k", &f) == KV_PEEK_MISS;
	/* the slot is evicted and filled again with another value of "k" */
	ok = ok && get(&c, "k", 3, &s2, &id2) == KV_CACHE_FILL && s2 == s &&
	     kv_cache_fill(&c, s2, id2, 5, 10, 0, "world", 4);
	memcpy(copy, c.slots, sizeof(copy));
	memcpy(copy[0].data, before.data, sizeof(before.data));
	ok = ok && peek(copy, 4, "k", &f) == KV_PEEK_TORN;
	memcpy(copy, c.slots, sizeof(copy));
	copy[0].sm.lock = before.sm.lock;
	ok = ok && peek(copy, 4, "k", &f) == KV_PEEK_TORN;
	memcpy(copy, c.slots, sizeof(copy));
	copy[0].sum = before.sum;
	ok = ok && peek(copy, 4, "k", &f) == KV_PEEK_TORN &&
	     peek(c.slots, 4, "k", &f) == KV_PEEK_HIT &&
	     !memcmp(f->data, "world", 5);
	tap_ok(ok, "cache peek: a copy that mixes the value, fill id or checksum of two fills is torn, never a hit");

	memset(big, 'v', sizeof(big));
	ok = inval(&c, "k") == 1 && get(&c, "k", 5, &s, &id) == KV_CACHE_FILL &&
	     kv_cache_fill(&c, s, id, sizeof(big), 4096, 77, big, 6) &&
	     peek(c.slots, 4, "k", &f) == KV_PEEK_HIT &&
	     f->value_len == sizeof(big) && f->sm.value == 4096 &&
	     kv_cache_slot_seq(f) == 77;
	memcpy(copy, c.slots, sizeof(copy));
	copy[0].sm.value = 8192;
	ok = ok && peek(copy, 4, "k", &f) == KV_PEEK_TORN;
	memcpy(copy, c.slots, sizeof(copy));
	copy[0].data[0] = 78;
	ok = ok && peek(copy, 4, "k", &f) == KV_PEEK_TORN;
	copy[0] = *s;
	copy[0].sm.key_len = 200;
	ok = ok && peek(copy, 4, "k", &f) == KV_PEEK_MISS;
	tap_ok(ok, "cache peek: a long value is a hit on its log position and record sequence, a changed position or sequence is torn, a garbage key length is no match");
	kv_cache_destroy(&c);
}

/* A host's fill over RDMA, step by step on the slots (Documentation/cache.md) */
struct host_fill {
	int	slot;
	u64	ticket;
};

/* pick a victim and CAS its lock word, then write key and occupied */
static int host_lock(struct kv_cache_slot *blk, u32 n, const char *key,
		     u64 ticket, u64 now, struct host_fill *f)
{
	u64 expected;
	int v = kv_cache_pick_victim(blk, n, now, 100);

	if (v < 0)
		return -1;
	expected = blk[v].sm.lock;
	if (blk[v].sm.lock != expected)	/* the CAS */
		return -1;
	/* host fill ids carry the lock time; the tests' times are below a tick */
	ticket = kv_cache_host_fill_id(now, ticket);
	blk[v].sm.lock = ticket << 1;
	kv_slot_lock_key(&blk[v].sm, (const u8 *)key, (u8)strlen(key));
	blk[v].lease = now + 100;
	f->slot = v;
	f->ticket = ticket;
	return 0;
}

/* write the value, then CAS complete; false if the slot was taken back */
static int host_complete(struct kv_cache_slot *blk, const struct host_fill *f,
			 const char *value, u64 now)
{
	struct kv_cache_slot *m = &blk[f->slot];
	u32 len = (u32)strlen(value);

	m->value_len = len;
	memcpy(m->data, value, len);
	m->sm.value = 0;
	m->sum = kv_cache_slot_sum(f->ticket, m->sm.key, m->sm.key_len, len, 0,
				   m->data);
	m->lru = now;
	if (m->sm.lock != f->ticket << 1)
		return 0;
	m->sm.lock |= KV_SLOT_LOCK_COMPLETE;
	return 1;
}

static void test_host_fills(void)
{
	const struct kv_cache_slot *f = NULL;
	struct host_fill a, b, dead;
	struct kv_cache_slot *blk;
	struct kv_cache c;
	int ok, i;

	kv_cache_init(&c, 3, 3, 100);
	blk = c.slots;
	ok = host_lock(blk, 3, "k", 1001, 10, &a) == 0 && a.slot == 0 &&
	     kv_slot_state(&blk[0].sm) == KV_SLOT_B &&
	     kv_cache_collision(blk, blk, 3, a.slot, a.ticket, (const u8 *)"k", 1,
				11, 100, &f) == KV_PEEK_MISS &&
	     host_complete(blk, &a, "v1", 12) &&
	     kv_cache_peek(blk, 3, (const u8 *)"k", 1, 13, 100, &f) == KV_PEEK_HIT &&
	     f == &blk[0] && !memcmp(f->data, "v1", 2);
	tap_ok(ok, "host fills: a free slot is locked by CAS, passes the double read, and its value becomes a hit");

	/* two hosts miss on "j" at once and lock different slots */
	ok = host_lock(blk, 3, "j", 1002, 20, &a) == 0 &&
	     host_lock(blk, 3, "j", 1003, 20, &b) == 0 && a.slot != b.slot &&
	     kv_cache_collision(blk, blk, 3, b.slot, b.ticket, (const u8 *)"j", 1,
				21, 100, &f) == KV_PEEK_BUSY &&
	     host_complete(blk, &a, "j1", 22) &&
	     kv_cache_collision(blk, blk, 3, b.slot, b.ticket, (const u8 *)"j", 1,
				23, 100, &f) == KV_PEEK_HIT && f == &blk[a.slot];
	/* the second one releases its slot: occupied off, complete on */
	blk[b.slot].sm.occupied = 0;
	blk[b.slot].sm.lock |= KV_SLOT_LOCK_COMPLETE;
	ok = ok && kv_slot_state(&blk[b.slot].sm) == KV_SLOT_A;
	tap_ok(ok, "host fills: of two hosts that locked the same key, the double read makes the second wait, then take the first one's value and release its slot");

	/* a write of "j" during a fill: the slot becomes D, the value never shows */
	kv_cache_invalidate(&c, 0, (const u8 *)"j", 1);
	ok = host_lock(blk, 3, "j", 1004, 30, &a) == 0;
	kv_cache_invalidate(&c, 0, (const u8 *)"j", 1);
	ok = ok && kv_slot_state(&blk[a.slot].sm) == KV_SLOT_D &&
	     host_complete(blk, &a, "old", 31) &&
	     kv_slot_state(&blk[a.slot].sm) == KV_SLOT_A &&
	     kv_cache_peek(blk, 3, (const u8 *)"j", 1, 32, 100, &f) == KV_PEEK_MISS;
	tap_ok(ok, "host fills: a write during a host's fill turns its slot D, and the late value never becomes visible");

	/* a filler dies: readers wait until its lease runs out, then take the slot */
	for (i = 0; i < 3; i++)
		kv_slot_init(&blk[i].sm);
	ok = host_lock(blk, 3, "d", 1005, 40, &dead) == 0 &&
	     kv_cache_peek(blk, 3, (const u8 *)"d", 1, 100, 100, &f) == KV_PEEK_BUSY &&
	     kv_cache_peek(blk, 3, (const u8 *)"d", 1, 141, 100, &f) == KV_PEEK_MISS;
	/* fill the other two slots, so the expired one is the victim */
	ok = ok && host_lock(blk, 3, "x", 1006, 141, &a) == 0 &&
	     host_complete(blk, &a, "x", 141) &&
	     host_lock(blk, 3, "y", 1007, 141, &a) == 0 &&
	     host_complete(blk, &a, "y", 141) &&
	     host_lock(blk, 3, "d", 1008, 150, &b) == 0 && b.slot == dead.slot &&
	     kv_cache_collision(blk, blk, 3, dead.slot, dead.ticket,
				(const u8 *)"d", 1, 151, 100, &f) == KV_PEEK_TORN &&
	     !host_complete(blk, &dead, "stale", 152) &&
	     host_complete(blk, &b, "new", 153) &&
	     kv_cache_peek(blk, 3, (const u8 *)"d", 1, 154, 100, &f) == KV_PEEK_HIT &&
	     !memcmp(f->data, "new", 3);
	tap_ok(ok, "host fills: a filler that died holds its slot until its lease runs out; then a new filler takes it and the dead one's CAS fails");

	/*
	 * A copy that took the lock word of a complete slot, then the occupied
	 * flag after a write invalidated it and a new fill of the same key
	 * locked it again, looks complete with the old value and the right
	 * sum; the second copy's lock word gives it away.
	 */
	{
		struct kv_cache_slot first[3], second[3];

		for (i = 0; i < 3; i++)
			kv_slot_init(&blk[i].sm);
		ok = host_lock(blk, 3, "s", 1009, 200, &a) == 0 &&
		     host_complete(blk, &a, "old", 201);
		memcpy(first, blk, sizeof(first));	/* lock word taken */
		kv_cache_invalidate(&c, 0, (const u8 *)"s", 1);
		ok = ok && host_lock(blk, 3, "s", 1010, 202, &b) == 0 &&
		     b.slot == a.slot;
		first[a.slot].sm.occupied = blk[a.slot].sm.occupied;
		memcpy(second, blk, sizeof(second));
		ok = ok && kv_cache_peek(first, 3, (const u8 *)"s", 1, 203, 100,
					 &f) == KV_PEEK_HIT &&
		     kv_cache_peek_confirmed(first, second, 3, (const u8 *)"s",
					     1, 203, 100, &f) == KV_PEEK_TORN;
		memcpy(first, blk, sizeof(first));
		ok = ok && host_complete(blk, &b, "new", 204);
		memcpy(first, blk, sizeof(first));
		memcpy(second, blk, sizeof(second));
		ok = ok && kv_cache_peek_confirmed(first, second, 3,
						   (const u8 *)"s", 1, 205,
						   100, &f) == KV_PEEK_HIT &&
		     !memcmp(f->data, "new", 3);
	}
	tap_ok(ok, "host fills: a copy mixing an invalidated slot's lock word with a new fill's occupied flag looks like a stale hit; the second copy catches it");
	kv_cache_destroy(&c);
}

int main(void)
{
	test_geometry();
	test_block_spread();
	test_transitions();
	test_eviction_and_leases();
	test_random();
	test_peek();
	test_host_fills();
	return tap_done();
}
