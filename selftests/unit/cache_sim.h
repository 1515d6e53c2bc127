/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A driver for target/kv_cache.c shared by the unit test and the fuzz
 * target: a byte string is a schedule of steps by a few fillers, a writer
 * and the clock over a small key set, run against a model store.  After
 * every step it checks what the protocol promises:
 *  - a hit returns the store's current value (every write invalidates);
 *  - no block holds a key twice in B or C;
 *  - after a write, no B or C slot holds its key (the write's
 *    linearization point);
 *  - a slot in C holds the value, size and record position of the store;
 *  - a filler whose lease ran out and whose slot was taken again changes
 *    nothing (its fill id no longer matches);
 *  - a one-sided reader's copy of a block (kv_cache_peek()) is never torn
 *    when nothing changes it, and its hits return the store's value.
 */
#ifndef SELFTESTS_CACHE_SIM_H
#define SELFTESTS_CACHE_SIM_H

#include <stdio.h>
#include <string.h>
#include "kv_cache.h"

#define SIM_KEYS	12
#define SIM_FILLERS	3

struct sim_filler {
	int			busy;	/* 0 idle, 1 holds a slot, 2 has read */
	unsigned int		key;
	struct kv_cache_slot	*slot;
	u64			id;
	int			exists;
	u32			len;
	u64			pos;
	u8			data[KV_CACHE_INLINE_MAX * 2];
};

struct sim {
	struct kv_cache		c;
	/* the store: per key, whether it exists, its value and position */
	int			exists[SIM_KEYS];
	u32			len[SIM_KEYS];
	u64			pos[SIM_KEYS];
	u8			val[SIM_KEYS][KV_CACHE_INLINE_MAX * 2];
	struct sim_filler	f[SIM_FILLERS];
	u64			now, next_pos, version;
	unsigned long		steps, hits, fills, writes;
	char			why[200];
};

static void sim_key(unsigned int k, u8 *key, u8 *len)
{
	*len = (u8)snprintf((char *)key, NVME_KV_KEY_MAX, "key-%u", k);
}

static int sim_init(struct sim *s, u32 slots, u32 block_slots)
{
	memset(s, 0, sizeof(*s));
	s->now = 1000;
	return kv_cache_init(&s->c, slots, block_slots, 100);
}

static void sim_destroy(struct sim *s)
{
	kv_cache_destroy(&s->c);
}

static int sim_fail(struct sim *s, const char *what, unsigned int k)
{
	snprintf(s->why, sizeof(s->why), "step %lu, key %u: %s", s->steps, k,
		 what);
	return -1;
}

/* The invariants over the whole cache */
static int sim_check(struct sim *s)
{
	char name[NVME_KV_KEY_MAX + 1];
	u32 b, i, j;
	unsigned int k;

	for (b = 0; b < s->c.nr_blocks; b++) {
		struct kv_cache_slot *base = &s->c.slots[(u64)b * s->c.block_slots];

		for (i = 0; i < s->c.block_slots; i++) {
			struct kv_cache_slot *x = &base[i];
			enum kv_slot_state st = kv_slot_state(&x->sm);

			if (st != KV_SLOT_B && st != KV_SLOT_C)
				continue;
			for (j = i + 1; j < s->c.block_slots; j++) {
				enum kv_slot_state st2 = kv_slot_state(&base[j].sm);

				if ((st2 == KV_SLOT_B || st2 == KV_SLOT_C) &&
				    kv_slot_has_key(&base[j].sm, x->sm.key,
						    x->sm.key_len))
					return sim_fail(s, "a key in two B/C slots of a block", 0);
			}
			if (st != KV_SLOT_C)
				continue;
			memcpy(name, x->sm.key, x->sm.key_len);
			name[x->sm.key_len] = 0;
			if (sscanf(name, "key-%u", &k) != 1 || k >= SIM_KEYS)
				return sim_fail(s, "a C slot with a key never stored", 0);
			if (!s->exists[k])
				return sim_fail(s, "a C slot for a deleted key", k);
			if (x->value_len != s->len[k] || x->sm.value != s->pos[k])
				return sim_fail(s, "a C slot with another size or position than the store", k);
			if (x->value_len <= KV_CACHE_INLINE_MAX &&
			    memcmp(x->data, s->val[k], x->value_len))
				return sim_fail(s, "a C slot with other bytes than the store", k);
		}
	}
	for (k = 0; k < SIM_KEYS; k++) {
		const struct kv_cache_slot *hit;
		u8 key[NVME_KV_KEY_MAX], len;

		sim_key(k, key, &len);
		b = kv_cache_block(&s->c, key, len);
		switch (kv_cache_peek(&s->c.slots[(u64)b * s->c.block_slots],
				      s->c.block_slots, key, len, 0, 0, &hit)) {
		case KV_PEEK_TORN:
			return sim_fail(s, "a complete slot whose sum does not match", k);
		case KV_PEEK_HIT:
			if (!s->exists[k] || hit->value_len != s->len[k] ||
			    hit->sm.value != s->pos[k] ||
			    (hit->value_len <= KV_CACHE_INLINE_MAX ?
			     memcmp(hit->data, s->val[k], hit->value_len) :
			     kv_cache_slot_seq(hit) != s->pos[k] * 3))
				return sim_fail(s, "a one-sided hit returned a value the store does not have", k);
			break;
		default:
			break;
		}
	}
	return 0;
}

/* One step; @a and @b are two bytes of the schedule. */
static int sim_step(struct sim *s, u8 a, u8 b)
{
	struct sim_filler *f = &s->f[a % SIM_FILLERS];
	unsigned int k = b % SIM_KEYS, i;
	u8 key[NVME_KV_KEY_MAX], klen;
	struct kv_cache_slot *slot;
	enum kv_cache_result r;
	u32 block;
	u64 id;

	s->steps++;
	switch ((a >> 4) % 5) {
	case 0:	/* a GET starts: hit, or lock a slot to fill */
	case 1:
		if (f->busy)
			break;
		sim_key(k, key, &klen);
		block = kv_cache_block(&s->c, key, klen);
		r = kv_cache_get(&s->c, block, key, klen, s->now, &slot, &id);
		if (r == KV_CACHE_HIT) {
			s->hits++;
			if (!s->exists[k] || slot->value_len != s->len[k] ||
			    (slot->value_len <= KV_CACHE_INLINE_MAX &&
			     memcmp(slot->data, s->val[k], slot->value_len)))
				return sim_fail(s, "a hit returned a value the store no longer has", k);
		} else if (r == KV_CACHE_FILL) {
			*f = (struct sim_filler){ .busy = 1, .key = k,
						  .slot = slot, .id = id };
		}
		break;
	case 2:	/* the filler reads the store, then fills */
		if (f->busy == 1) {
			f->exists = s->exists[f->key];
			f->len = s->len[f->key];
			f->pos = s->pos[f->key];
			memcpy(f->data, s->val[f->key], sizeof(f->data));
			f->busy = 2;
		} else if (f->busy == 2) {
			if (!f->exists)
				kv_cache_abort(&s->c, f->slot, f->id);
			else if (kv_cache_fill(&s->c, f->slot, f->id, f->len,
					       f->pos, f->pos * 3, f->data,
					       s->now))
				s->fills++;
			f->busy = 0;
		}
		break;
	case 3:	/* a write: store (or delete), then invalidate */
		s->writes++;
		s->version++;
		if (b & 0x80) {
			s->exists[k] = 0;
		} else {
			s->exists[k] = 1;
			s->len[k] = (u32)(s->version * 7 % (KV_CACHE_INLINE_MAX * 2));
			s->pos[k] = ++s->next_pos;
			for (i = 0; i < s->len[k]; i++)
				s->val[k][i] = (u8)(s->version + i);
		}
		sim_key(k, key, &klen);
		block = kv_cache_block(&s->c, key, klen);
		kv_cache_invalidate(&s->c, block, key, klen);
		for (i = 0; i < s->c.block_slots; i++) {
			slot = &s->c.slots[(u64)block * s->c.block_slots + i];
			if ((kv_slot_state(&slot->sm) == KV_SLOT_B ||
			     kv_slot_state(&slot->sm) == KV_SLOT_C) &&
			    kv_slot_has_key(&slot->sm, key, klen))
				return sim_fail(s, "a B or C slot holds the key after its write", k);
		}
		break;
	case 4:	/* time passes; past a lease, a fill may lose its slot */
		s->now += b;
		break;
	}
	return sim_check(s);
}

/* Run a schedule; 0 or -1 with s->why set. */
static int sim_run(struct sim *s, const u8 *data, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size; i += 2)
		if (sim_step(s, data[i], data[i + 1]))
			return -1;
	return 0;
}

#endif
