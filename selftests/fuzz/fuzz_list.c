// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the List data iterator of libnvmekv on any buffer, as
 * a malicious or broken controller could return it.  Every key it hands
 * out must lie inside the buffer and have a valid length, and the walk
 * must end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "nvmekv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nvmekv_list_iter it;
	const uint8_t *key;
	size_t kl, n = 0;
	int r;

	if (nvmekv_list_iter_init(&it, data, size))
		return 0;
	while ((r = nvmekv_list_next(&it, &key, &kl)) == 1) {
		if (key < data || key + kl > data + size || !kl ||
		    kl > NVME_KV_KEY_MAX)
			abort();
		/* each entry takes at least 4 bytes */
		if (++n > size / 4)
			abort();
	}
	if (r != 0 && r != -EBADMSG)
		abort();
	return 0;
}
