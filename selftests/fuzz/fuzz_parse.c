// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the KV command decoder (target/kv_parse.c) on any
 * 64-byte submission queue entry and any value limit.  Checks that an
 * accepted command obeys every rule the decoder enforces, and that its key
 * re-encodes to the same wire bytes.  The same input, as a string, goes
 * through the csi_params parser, whose result must stay within its limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kv_parse.h"

static void fuzz_params(const uint8_t *data, size_t size)
{
	const struct kv_params def = { 7, false, 3, 5, 77 };
	struct kv_params p = def;
	char *str = malloc(size + 1);

	if (!str)
		return;
	memcpy(str, data, size);
	str[size] = 0;
	if (kv_parse_params(str, &p)) {
		if (memcmp(&p, &def, sizeof(p)))
			abort();
	} else if (!p.max_value_len ||
		   p.max_value_len > KV_PARAM_VALUE_LEN_MAX ||
		   p.group_commit_delay_us > KV_PARAM_DELAY_US_MAX ||
		   p.reassembly_cap > KV_PARAM_REASSEMBLY_CAP_MAX ||
		   (p.reassembly_timeout_ms != 77 &&
		    (p.reassembly_timeout_ms < KV_PARAM_TIMEOUT_MS_MIN ||
		     p.reassembly_timeout_ms > KV_PARAM_TIMEOUT_MS_MAX))) {
		abort();
	}
	free(str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sqe[NVME_KV_SQE_BYTES] = { 0 }, again[NVME_KV_SQE_BYTES] = { 0 };
	struct kv_cmd c;
	uint32_t max = 0;
	uint16_t loc = 0xffff, st;

	fuzz_params(data, size);
	memcpy(sqe, data, size < sizeof(sqe) ? size : sizeof(sqe));
	if (size >= sizeof(sqe) + 4)
		max = nvme_kv_get_le32(data + sizeof(sqe));

	st = kv_parse_cmd(sqe, max, &c, &loc);
	if (!st && c.opcode == NVME_KV_CMD_TRANSFER)
		return 0;	/* its fields are fuzz_xfer's */
	if (st) {
		/* an error names a field inside the command */
		if (loc >= NVME_KV_SQE_BYTES)
			abort();
		return 0;
	}
	if (c.key_len > NVME_KV_KEY_MAX ||
	    (c.key_len == 0 && c.opcode != NVME_KV_CMD_LIST))
		abort();
	if (c.opcode == NVME_KV_CMD_STORE &&
	    (c.size > max ||
	     (c.options & ~(NVME_KV_STORE_OPTIONS | NVME_KV_STORE_VENDOR_OPTIONS)) ||
	     (c.options & 3) == 3 || (c.options & 0xc0) == 0xc0))
		abort();
	if (c.opcode == NVME_KV_CMD_LIST && c.size < 4)
		abort();
	/* the decoded key goes back to the same wire bytes */
	nvme_kv_sqe_set_key(again, c.key, c.key_len);
	if (memcmp(again + NVME_KV_SQE_KEY_LO, sqe + NVME_KV_SQE_KEY_LO,
		   c.key_len < 8 ? c.key_len : 8) ||
	    (c.key_len > 8 && memcmp(again + NVME_KV_SQE_KEY_HI,
				     sqe + NVME_KV_SQE_KEY_HI, c.key_len - 8)))
		abort();
	return 0;
}
