// SPDX-License-Identifier: GPL-2.0
/*
 * Exhaustive model check of the cache slot protocol (target/kv_cache_sm.h):
 * every interleaving of the atomic steps of two readers (three GETs), one
 * writer (a PUT) and an evictor on a cache of two slots and one key, with
 * the device holding the key's value.  Each complete history must be
 * linearizable against a register (Wing & Gong: some order of the
 * operations that respects real time and register semantics), and no
 * state may leave every unfinished process blocked.
 *
 * The remote variant is the protocol as hosts run it over RDMA: a filler
 * locks with a CAS of the lock word, and writes its key and the occupied
 * flag in a second step, while writes only clear occupied.
 *
 * Two deliberately broken protocols must fail the same check:
 *   fill-first: the writer updates the cached copy, then the device, and
 *	invalidates nothing (the paper's counterexample 1);
 *   SSD-first:  the writer updates the device and invalidates only complete
 *	slots, without state D (counterexample 2).
 *
 * TAP on stdout; exit status 0 when the protocol passes and both broken
 * variants fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kv_cache_sm.h"

enum variant { PROTOCOL, REMOTE, FILL_FIRST, SSD_FIRST };

typedef signed char s8;

#define NSLOTS		2
#define NOPS		4	/* R1: 2 GETs, R2: 1 GET, W: 1 PUT */
#define MAX_RETRY	2

static const u8 key_x[1] = { 'x' };

struct op {
	u8	is_put;
	u8	prec;		/* ops that had finished when this one began */
	u8	done;
	u8	pad;
	u32	value;		/* PUT: written; GET: returned */
};

struct proc {
	s8	pc;		/* 0 idle before the op, -1 finished */
	s8	op;		/* index in the history of the current op */
	s8	nops_left;
	s8	slot;		/* the reader's locked slot */
	s8	retries;
	u8	pad[3];
	u32	v;		/* value read from the device */
};

struct state {
	struct kv_slot	slot[NSLOTS];
	u64		ssd;
	struct proc	p[4];	/* R1, R2, W, E */
	struct op	ops[NOPS];
	u32		nops;
	u32		done_mask;
};



static enum variant variant;
static unsigned long long leaves, violations, deadlocks;
static struct state first_bad;

/* register semantics in some real-time-respecting order */
static int linearizable(const struct op *ops, int n)
{
	int perm[NOPS], used[NOPS] = { 0 };

	/* depth-first over orders, pruning on real time and on values */
	struct frame { int k; u64 cur; } st[NOPS + 1];
	int depth = 0, i;

	st[0].k = -1;
	st[0].cur = 1;
	for (;;) {
		int k = ++st[depth].k, ok;

		if (k >= n) {
			if (!depth)
				return 0;
			depth--;
			used[perm[depth]] = 0;
			continue;
		}
		if (used[k])
			continue;
		/* every op that ended before k began must come first */
		ok = 1;
		for (i = 0; i < n && ok; i++)
			if (!used[i] && i != k && (ops[k].prec >> i & 1))
				ok = 0;
		if (!ok)
			continue;
		if (!ops[k].is_put && ops[k].value != (u32)st[depth].cur)
			continue;
		perm[depth] = k;
		used[k] = 1;
		st[depth + 1].k = -1;
		st[depth + 1].cur = ops[k].is_put ? ops[k].value : st[depth].cur;
		if (++depth == n)
			return 1;
	}
}

static int begin(struct state *s, int is_put, u32 value)
{
	struct op *o = &s->ops[s->nops];

	o->is_put = is_put;
	o->value = value;
	o->prec = s->done_mask;
	return s->nops++;
}

static void finish(struct state *s, struct proc *p, u32 value)
{
	s->ops[p->op].value = value;
	s->ops[p->op].done = 1;
	s->done_mask |= 1U << p->op;
	p->pc = --p->nops_left ? 0 : -1;
}

static int slot_holds_x(const struct kv_slot *sl, enum kv_slot_state st)
{
	return kv_slot_state(sl) == st && kv_slot_has_key(sl, key_x, 1);
}

static void explore(struct state *s);

/* run one step of process @pi with choice @c; 0 if it cannot run */
static int step(struct state *s, int pi, int c)
{
	struct proc *p = &s->p[pi];
	int i;

	if (p->pc < 0)
		return 0;
	if (pi == 3) {			/* evictor: C -> A on slot c */
		if (c >= NSLOTS || !kv_slot_evict(&s->slot[c]))
			return 0;
		p->pc = -1;
		return 1;
	}
	if (pi == 2) {			/* writer: PUT(x, 2) */
		if (c)
			return 0;
		if (p->pc == 0) {
			p->op = begin(s, 1, 2);
			if (variant == FILL_FIRST) {
				for (i = 0; i < NSLOTS; i++)
					if (kv_slot_has_key(&s->slot[i], key_x, 1) &&
					    s->slot[i].occupied)
						s->slot[i].value = 2;
				p->pc = 2;
			} else {
				s->ssd = 2;
				p->pc = 1;
			}
			return 1;
		}
		if (p->pc == 2) {	/* fill-first: now the device */
			s->ssd = 2;
			finish(s, p, 2);
			return 1;
		}
		/* invalidate one slot per step until none holds x */
		for (i = 0; i < NSLOTS; i++) {
			if (variant == SSD_FIRST) {
				if (slot_holds_x(&s->slot[i], KV_SLOT_C)) {
					kv_slot_evict(&s->slot[i]);
					return 1;
				}
			} else if (kv_slot_invalidate(&s->slot[i], key_x, 1)) {
				return 1;
			}
		}
		finish(s, p, 2);	/* the write's linearization point */
		return 1;
	}

	/* readers: GET(x) */
	switch (p->pc) {
	case 0:
	case 1:
		if (c)
			return 0;
		for (i = 0; i < NSLOTS; i++)
			if (slot_holds_x(&s->slot[i], KV_SLOT_B))
				return 0;	/* wait for the filler */
		if (p->pc == 0) {
			p->op = begin(s, 0, 0);
			p->retries = 0;
		}
		for (i = 0; i < NSLOTS; i++)
			if (slot_holds_x(&s->slot[i], KV_SLOT_C)) {
				finish(s, p, s->slot[i].value);	/* hit */
				return 1;
			}
		p->pc = 2;
		return 1;
	case 2:				/* lock victim c, or read around */
		if (c == NSLOTS) {
			for (i = 0; i < NSLOTS; i++)
				if (kv_slot_state(&s->slot[i]) == KV_SLOT_A ||
				    kv_slot_state(&s->slot[i]) == KV_SLOT_C)
					return 0;	/* a slot is free */
			p->pc = 5;
			return 1;
		}
		if (variant == REMOTE) {
			if (c > NSLOTS || !kv_slot_lock_begin(&s->slot[c], pi + 1))
				return 0;
			p->slot = c;
			p->pc = 7;
			return 1;
		}
		if (c > NSLOTS || !kv_slot_lock(&s->slot[c], key_x, 1, pi + 1))
			return 0;
		p->slot = c;
		p->pc = 3;
		return 1;
	case 7:				/* remote: key and occupied */
		if (c)
			return 0;
		kv_slot_lock_key(&s->slot[p->slot], key_x, 1);
		p->pc = 3;
		return 1;
	case 3:				/* double read */
		if (c)
			return 0;
		for (i = 0; i < NSLOTS; i++)
			if (i != p->slot && kv_slot_has_key(&s->slot[i], key_x, 1) &&
			    s->slot[i].occupied) {
				kv_slot_abort(&s->slot[p->slot]);
				p->pc = ++p->retries > MAX_RETRY ? 5 : 1;
				return 1;
			}
		p->pc = 4;
		return 1;
	case 4:				/* read the device */
		if (c)
			return 0;
		p->v = s->ssd;
		p->pc = 6;
		return 1;
	case 5:				/* read the device, fill nothing */
		if (c)
			return 0;
		finish(s, p, s->ssd);
		return 1;
	case 6:				/* fill: B -> C, or D -> A */
		if (c)
			return 0;
		kv_slot_fill(&s->slot[p->slot], p->v);
		finish(s, p, p->v);
		return 1;
	}
	return 0;
}

/* states already explored, by a 64-bit hash of their bytes */
#define VISITED_BITS	24
static u64 *visited;

static int seen(const struct state *s)
{
	const u8 *b = (const u8 *)s;
	u64 h = 1469598103934665603ULL, *e;
	size_t i;

	for (i = 0; i < sizeof(*s); i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	h |= 1;
	for (i = h >> (64 - VISITED_BITS);; i = (i + 1) & ((1 << VISITED_BITS) - 1)) {
		e = &visited[i];
		if (*e == h)
			return 1;
		if (!*e) {
			*e = h;
			return 0;
		}
	}
}

static unsigned long long states;

static void explore(struct state *s)
{
	int pi, c, ran = 0, live = 0;

	if (seen(s))
		return;
	states++;

	for (pi = 0; pi < 4; pi++) {
		if (s->p[pi].pc >= 0 && pi != 3)
			live = 1;
		for (c = 0; c <= NSLOTS; c++) {
			struct state n = *s;

			if (!step(&n, pi, c))
				continue;
			ran = 1;
			explore(&n);
		}
	}
	if (ran)
		return;
	if (live) {
		deadlocks++;
		return;
	}
	leaves++;
	if (!linearizable(s->ops, s->nops)) {
		if (!violations)
			first_bad = *s;
		violations++;
	}
}

static void run(enum variant v)
{
	struct state s;
	int i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < NSLOTS; i++)
		kv_slot_init(&s.slot[i]);
	s.ssd = 1;
	s.p[0].nops_left = 2;
	s.p[1].nops_left = 1;
	s.p[2].nops_left = 1;
	s.p[3].nops_left = 1;
	variant = v;
	leaves = violations = deadlocks = states = 0;
	memset(visited, 0, sizeof(*visited) << VISITED_BITS);
	explore(&s);
}

static void print_history(const struct state *s)
{
	u32 i;

	for (i = 0; i < s->nops; i++)
		printf("#   op %u: %s %u, after ops 0x%x\n", i,
		       s->ops[i].is_put ? "PUT" : "GET", s->ops[i].value,
		       s->ops[i].prec);
}

/* run @v, which must be linearizable everywhere and never deadlock */
static int check_protocol(enum variant v, int n, const char *what)
{
	run(v);
	printf("%sok %d - model: %s (%llu states, %llu final), with no deadlock\n",
	       violations || deadlocks || !leaves ? "not " : "", n, what,
	       states, leaves);
	if (violations) {
		printf("# %llu violations, first:\n", violations);
		print_history(&first_bad);
	}
	if (deadlocks)
		printf("# %llu states where every unfinished process waits\n", deadlocks);
	return violations || deadlocks || !leaves;
}

int main(void)
{
	int fails = 0;

	visited = calloc((size_t)1 << VISITED_BITS, sizeof(*visited));
	if (!visited)
		return 2;
	fails += check_protocol(PROTOCOL, 1, "the slot protocol is linearizable in every interleaving of 3 GETs (2 readers), a PUT and an eviction on 2 slots");
	fails += check_protocol(REMOTE, 2, "the same with the lock taken in two steps, a CAS of the lock word and then the key and occupied flag, as hosts do over RDMA");

	run(FILL_FIRST);
	printf("%sok 3 - model: the fill-first variant (cache updated before the device) is caught: %llu of %llu final states not linearizable\n",
	       violations ? "" : "not ", violations, leaves);
	if (violations) {
		printf("# first counterexample (initial value 1):\n");
		print_history(&first_bad);
	}
	fails += !violations;

	run(SSD_FIRST);
	printf("%sok 4 - model: the SSD-first variant without state D is caught: %llu of %llu final states not linearizable\n",
	       violations ? "" : "not ", violations, leaves);
	if (violations) {
		printf("# first counterexample (initial value 1):\n");
		print_history(&first_bad);
	}
	fails += !violations;
	printf("1..4\n");
	return fails ? 1 : 0;
}
