// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the DRAM cache (target/kv_cache.c): the input is a
 * geometry byte and a schedule of fillers, a writer and the clock, run by
 * selftests/unit/cache_sim.h, which checks the cache's promises after every
 * step.  A broken promise aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include "../unit/cache_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim s;
	u32 block_slots, slots;

	if (!size)
		return 0;
	block_slots = 1 + data[0] % 8;
	slots = block_slots * (1 + (data[0] >> 3) % 4);
	if (sim_init(&s, slots, block_slots))
		abort();
	if (sim_run(&s, data + 1, size - 1)) {
		fprintf(stderr, "fuzz_cache: %s\n", s.why);
		abort();
	}
	sim_destroy(&s);
	return 0;
}
