// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the linearizability checker (selftests/lin/lincheck.h)
 * on hand-made histories, including the two counterexamples of the Scalio
 * paper, and on long random histories of a real (atomic) register, which
 * must all pass.  Built with ASan and UBSan.
 */
#include <stdio.h>
#include "tap.h"
#include "../lin/lincheck.h"

#define P(v, i, r)	{ .op = LIN_PUT, .value = v, .inv = i, .ret = r }
#define G(v, i, r)	{ .op = LIN_GET, .value = v, .inv = i, .ret = r }
#define D(f, i, r)	{ .op = LIN_DEL, .del_found = f, .inv = i, .ret = r }
#define NR		LIN_NO_RETURN

static int check(struct lin_event *ev, size_t n)
{
	unsigned long visited;

	return lin_check_key(ev, n, LIN_ABSENT, &visited);
}

static uint64_t rng = 0x853c49e6748fea9bULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * A random history of 4 clients on a register that takes effect at a
 * random point inside each operation's interval: always linearizable.
 * With @stale, the last operation is a GET, after all others returned,
 * of the value of a PUT that returned before a later PUT was invoked.
 * Returns whether that GET could be planted.
 */
static int random_history(struct lin_event *ev, size_t n, int stale)
{
	uint64_t now = 0, state = LIN_ABSENT, next_id = 1, end = 0;
	uint64_t busy_until[4] = { 0 };
	size_t i, j;

	for (i = 0; i < n; i++) {
		unsigned int c = rnd() % 4;
		uint64_t inv = busy_until[c] > now ? busy_until[c] : now;
		uint64_t at = inv + 1 + rnd() % 50;
		uint64_t ret = at + 1 + rnd() % 50;

		/* operations take effect in the order of their points */
		now = at;
		busy_until[c] = ret;
		switch (rnd() % 3) {
		case 0:
			state = next_id++;
			ev[i] = (struct lin_event)P(state, inv, ret);
			break;
		case 1:
			ev[i] = (struct lin_event)D(state != LIN_ABSENT, inv, ret);
			state = LIN_ABSENT;
			break;
		default:
			ev[i] = (struct lin_event)G(state, inv, ret);
			break;
		}
		if (rnd() % 5000 == 0 && ev[i].op != LIN_GET)
			ev[i].ret = NR;	/* a killed client */
		else if (ret > end)
			end = ret;
	}
	if (!stale)
		return 0;
	/* the last completed PUT, and a PUT that returned before it began */
	for (i = n - 1; i-- > 0;) {
		if (ev[i].op != LIN_PUT || ev[i].ret == NR)
			continue;
		for (j = i; j-- > 0;) {
			if (ev[j].op == LIN_PUT && ev[j].ret < ev[i].inv) {
				ev[n - 1] = (struct lin_event)G(ev[j].value,
							       end + 1, end + 2);
				return 1;
			}
		}
	}
	return 0;
}

int main(void)
{
	struct lin_event seq[] = { P(1, 0, 10), G(1, 20, 30), D(1, 40, 50),
				   G(0, 60, 70), D(0, 80, 90) };
	struct lin_event stale[] = { P(1, 0, 10), P(2, 20, 30), G(1, 40, 50) };
	struct lin_event overlap[] = { P(1, 0, 10), P(2, 20, 100), G(1, 30, 40),
				       G(2, 50, 60), G(2, 110, 120) };
	/*
	 * paper, counterexample 2 under the fixed protocol: C1's slow GET
	 * overlaps C2's PUT of 43 and returns 42; C3 and C4 read 43
	 */
	struct lin_event scalio2[] = { P(42, 0, 5), G(42, 10, 200),
				       P(43, 20, 30), G(43, 40, 50),
				       G(43, 60, 70) };
	/* paper, counterexample 1: a late fill of 42 after 43 was written */
	struct lin_event scalio1[] = { P(42, 0, 5), P(43, 20, 30),
				       G(43, 40, 50), G(42, 60, 70) };
	struct lin_event unknown_ok[] = { P(7, 5, NR), G(0, 6, 8), G(7, 100, 110),
					  G(7, 120, 130) };
	struct lin_event unknown_bad[] = { P(7, 5, NR), G(7, 100, 110),
					   G(0, 120, 130) };
	struct lin_event del_bad[] = { D(1, 0, 10) };
	static struct lin_event big[20000];
	unsigned long visited;
	int i, bad = 0, caught = 0;

	tap_ok(check(seq, 5) == 1, "lincheck: a sequential history of PUT, GET and DELETE is linearizable");
	tap_ok(check(stale, 3) == 0, "lincheck: a GET after a completed PUT that returns the older value is a violation");
	tap_ok(check(overlap, 5) == 1, "lincheck: GETs overlapping a PUT may return either value, later ones only the new");
	tap_ok(check(scalio2, 5) == 1, "lincheck: a slow GET overlapping a PUT may return the old value while later GETs see the new one");
	tap_ok(check(scalio1, 4) == 0, "lincheck: a stale value read after a newer value was read is a violation (Scalio counterexample)");
	tap_ok(check(unknown_ok, 4) == 1, "lincheck: a PUT without a response may take effect late");
	tap_ok(check(unknown_bad, 3) == 0, "lincheck: but not be undone by nothing");
	tap_ok(check(del_bad, 1) == 0, "lincheck: a DELETE that found a key that never existed is a violation");
	for (i = 0; i < 20; i++) {
		random_history(big, 20000, 0);
		if (lin_check_key(big, 20000, LIN_ABSENT, &visited) != 1)
			bad++;
	}
	tap_ok(!bad, "lincheck: 20 random histories of 20000 operations by 4 clients on an atomic register pass");
	/* a violation is only proven by searching everything: shorter */
	for (i = 0; i < 20; i++) {
		if (random_history(big, 2000, 1) &&
		    lin_check_key(big, 2000, LIN_ABSENT, &visited) == 0)
			caught++;
	}
	tap_ok(caught == 20, "lincheck: 20 such histories of 2000 operations with one stale read planted at the end fail (%d caught)", caught);
	return tap_done();
}
