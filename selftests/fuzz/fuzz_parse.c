// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the KV command decoder (target/kv_parse.c) on any
 * 64-byte submission queue entry and any value limit.  Checks that an
 * accepted command obeys every rule the decoder enforces, and that its key
 * re-encodes to the same wire bytes.  The same input also goes through the
 * parser of the namespace settings (kv_parse_param()), whose result must
 * stay within its limits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kv_parse.h"

/*
 * The input's first byte picks a setting, the rest is its value: a value
 * accepted must read back the same and lie within its limits; a value
 * refused changes nothing.
 */
static void fuzz_params(const uint8_t *data, size_t size)
{
	const struct kv_params def = { 7, false, 3, 5, 77, 0, 8, 100, 0,
				       false, false };
	struct kv_params p = def, q;
	const char *name;
	size_t n = 0;
	uint32_t v;
	char *val;

	if (!size)
		return;
	while (kv_param_name(n))
		n++;
	name = data[0] < n ? kv_param_name(data[0]) : "bogus";
	val = malloc(size);	/* not NUL-terminated, as configfs may pass */
	if (!val)
		return;
	memcpy(val, data + 1, size - 1);
	if (kv_parse_param(name, val, size - 1, &p)) {
		if (memcmp(&p, &def, sizeof(p)))
			abort();
	} else {
		char buf[16];

		/* what is shown parses back to the same settings */
		if (kv_param_value(name, &p, &v))
			abort();
		snprintf(buf, sizeof(buf), "%u", v);
		q = def;
		if (kv_parse_param(name, buf, strlen(buf), &q) ||
		    memcmp(&p, &q, sizeof(p)))
			abort();
		/* and no other setting changed */
		if (kv_param_value(name, &def, &v))
			abort();
		snprintf(buf, sizeof(buf), "%u", v);
		if (kv_parse_param(name, buf, strlen(buf), &q) ||
		    memcmp(&q, &def, sizeof(q)))
			abort();
		if (!p.max_value_len ||
		    p.max_value_len > KV_PARAM_VALUE_LEN_MAX ||
		    p.group_commit_delay_us > KV_PARAM_DELAY_US_MAX ||
		    p.reassembly_cap > KV_PARAM_REASSEMBLY_CAP_MAX ||
		    (p.reassembly_timeout_ms != 77 &&
		     (p.reassembly_timeout_ms < KV_PARAM_TIMEOUT_MS_MIN ||
		      p.reassembly_timeout_ms > KV_PARAM_TIMEOUT_MS_MAX)) ||
		    p.cache_slots > KV_PARAM_CACHE_SLOTS_MAX ||
		    !p.cache_block_slots ||
		    p.cache_block_slots > KV_PARAM_CACHE_BLOCK_SLOTS_MAX ||
		    !p.cache_lease_ms ||
		    p.cache_lease_ms > KV_PARAM_CACHE_LEASE_MS_MAX ||
		    p.cache_block_nsid == 0xffffffffU)
			abort();
	}
	free(val);
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
