// SPDX-License-Identifier: GPL-2.0
/*
 * kv_cache_keys <nr_blocks> <prefix> <count>: print <count> keys
 * "<prefix><n>" that all land in the same cache block, the one of
 * "<prefix>0" (kv_cache_block_of(), the target's own hash), one per line.
 * The guest tests use it to fill one block on purpose: eviction order
 * within a block is what they check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kv_cache.h"

static unsigned long arg(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	v = strtoul(s, &end, 0);
	if (!*s || *end || !v || v > max) {
		fprintf(stderr, "kv_cache_keys: bad number: %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long nr_blocks, count, n, found = 0;
	char key[NVME_KV_KEY_MAX + 1];
	u32 block = 0;
	int len;

	if (argc != 4) {
		fprintf(stderr, "usage: kv_cache_keys <nr_blocks> <prefix> <count>\n");
		return 2;
	}
	nr_blocks = arg(argv[1], 1UL << 31);
	count = arg(argv[3], 1000);
	for (n = 0; found < count && n < 100000000; n++) {
		len = snprintf(key, sizeof(key), "%s%lu", argv[2], n);
		if (len < 0 || len > NVME_KV_KEY_MAX) {
			fprintf(stderr, "kv_cache_keys: keys longer than %d bytes\n",
				NVME_KV_KEY_MAX);
			return 2;
		}
		if (!n)
			block = kv_cache_block_of(nr_blocks, (u8 *)key, len);
		else if (kv_cache_block_of(nr_blocks, (u8 *)key, len) != block)
			continue;
		printf("%s\n", key);
		found++;
	}
	return found == count ? 0 : 1;
}
