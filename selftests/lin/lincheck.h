/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A linearizability checker for histories of a key-value store (Wing and
 * Gong's search, with Lowe's memoisation): each key is a register whose
 * value is absent or a value id.  Linearizability is local, so every key
 * is checked on its own.
 *
 * Operations:
 *  - PUT v: the key takes value v.
 *  - DEL: the key becomes absent.  It returns ok if the key existed, and
 *    absent if it did not (EDNEK 1).
 *  - GET: returns the value, or absent.
 * An operation whose outcome is unknown (its client was killed, or it
 * failed with a transport error) has no return: it may take effect at any
 * point after its invocation, or never.  A GET without a return is
 * dropped.
 *
 * The search linearizes, one at a time, an operation that was invoked
 * before every not yet linearized operation returned. It keeps the set of
 * linearized operations (a Zobrist hash of two 64-bit words) with the
 * register value, and never searches the same pair twice.
 */
#ifndef SELFTESTS_LINCHECK_H
#define SELFTESTS_LINCHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LIN_ABSENT	0	/* value ids are never 0 */
#define LIN_NO_RETURN	UINT64_MAX

enum lin_op { LIN_PUT, LIN_DEL, LIN_GET };

struct lin_event {
	uint64_t	inv, ret;	/* ns; ret LIN_NO_RETURN: unknown outcome */
	uint64_t	value;		/* PUT: written; GET: returned */
	uint32_t	key;
	uint8_t		op;
	uint8_t		del_found;	/* DEL: returned ok (the key existed) */
};

struct lin_memo {
	uint64_t	*slots;		/* 3 words each: h1, h2, state; h1 0 free */
	size_t		mask, used;
};

struct lin_search {
	struct lin_event	*ev;	/* one key's events, by invocation */
	size_t			n;
	uint8_t			*done;
	uint64_t		*z1, *z2;
	struct lin_memo		memo;
	size_t			completed, completed_done;
	unsigned long		visited;
	int			out_of_memory;
};

static uint64_t lin_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Insert (h1, h2, state); 1 if it was new, 0 if seen, -1 out of memory. */
static int lin_memo_add(struct lin_memo *m, uint64_t h1, uint64_t h2,
			uint64_t state)
{
	size_t i;

	h1 |= 1;	/* 0 marks a free slot */
	if (!m->slots || (m->used + 1) * 2 > m->mask + 1) {
		struct lin_memo big;
		size_t j;

		big.mask = m->slots ? m->mask * 2 + 1 : 4095;
		big.used = 0;
		big.slots = calloc((big.mask + 1) * 3, sizeof(uint64_t));
		if (!big.slots)
			return -1;
		for (j = 0; m->slots && j <= m->mask; j++)
			if (m->slots[j * 3])
				lin_memo_add(&big, m->slots[j * 3],
					     m->slots[j * 3 + 1],
					     m->slots[j * 3 + 2]);
		free(m->slots);
		*m = big;
	}
	for (i = lin_mix(h1 ^ h2 ^ lin_mix(state)) & m->mask;; i = (i + 1) & m->mask) {
		uint64_t *s = &m->slots[i * 3];

		if (!s[0]) {
			s[0] = h1;
			s[1] = h2;
			s[2] = state;
			m->used++;
			return 1;
		}
		if (s[0] == h1 && s[1] == h2 && s[2] == state)
			return 0;
	}
}

/* May @e be linearized in @state?  *next receives the state after it. */
static int lin_apply(const struct lin_event *e, uint64_t state,
		     uint64_t *next)
{
	switch (e->op) {
	case LIN_PUT:
		*next = e->value;
		return 1;
	case LIN_DEL:
		*next = LIN_ABSENT;
		/* an unknown outcome may be either */
		return e->ret == LIN_NO_RETURN ||
		       e->del_found == (state != LIN_ABSENT);
	default:
		*next = state;
		return e->value == state;
	}
}

static int lin_dfs(struct lin_search *s, size_t lo, uint64_t h1, uint64_t h2,
		   uint64_t state)
{
	uint64_t minret = LIN_NO_RETURN, next;
	size_t i;
	int r;

	while (lo < s->n && s->done[lo])
		lo++;
	if (s->completed_done == s->completed)
		return 1;	/* what is left has no return: it may never happen */
	r = lin_memo_add(&s->memo, h1, h2, state);
	if (r <= 0) {
		if (r < 0)
			s->out_of_memory = 1;
		return 0;
	}
	s->visited++;
	/* candidates: invoked before the earliest return not yet linearized */
	for (i = lo; i < s->n && s->ev[i].inv < minret; i++)
		if (!s->done[i] && s->ev[i].ret < minret)
			minret = s->ev[i].ret;
	for (i = lo; i < s->n && s->ev[i].inv < minret; i++) {
		if (s->done[i] || !lin_apply(&s->ev[i], state, &next))
			continue;
		s->done[i] = 1;
		s->completed_done += s->ev[i].ret != LIN_NO_RETURN;
		if (lin_dfs(s, lo, h1 ^ s->z1[i], h2 ^ s->z2[i], next))
			return 1;
		s->completed_done -= s->ev[i].ret != LIN_NO_RETURN;
		s->done[i] = 0;
	}
	return 0;
}

static int lin_event_cmp(const void *a, const void *b)
{
	const struct lin_event *x = a, *y = b;

	return x->inv < y->inv ? -1 : x->inv > y->inv;
}

/*
 * Check the events of one key (sorted here), starting from @initial.
 * Returns 1 if linearizable, 0 if not, -1 when memory ran out.
 * *visited receives the number of states searched.
 */
static int lin_check_key(struct lin_event *ev, size_t n, uint64_t initial,
			 unsigned long *visited)
{
	struct lin_search s = { .ev = ev, .n = n };
	size_t i;
	int ok;

	qsort(ev, n, sizeof(*ev), lin_event_cmp);
	s.done = calloc(n + 1, 1);
	s.z1 = malloc((n + 1) * sizeof(uint64_t));
	s.z2 = malloc((n + 1) * sizeof(uint64_t));
	if (!s.done || !s.z1 || !s.z2) {
		free(s.done);
		free(s.z1);
		free(s.z2);
		return -1;
	}
	for (i = 0; i < n; i++) {
		s.z1[i] = lin_mix(2 * i + 1);
		s.z2[i] = lin_mix(lin_mix(2 * i + 2));
		s.completed += ev[i].ret != LIN_NO_RETURN;
	}
	ok = lin_dfs(&s, 0, 0, 0, initial);
	if (s.out_of_memory)
		ok = -1;
	*visited = s.visited;
	free(s.memo.slots);
	free(s.done);
	free(s.z1);
	free(s.z2);
	return ok;
}

#endif
