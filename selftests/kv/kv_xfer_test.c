// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest checks of inline value transfer on the target, with raw
 * Transfer and INLINE/APPEND Store commands through the generic char
 * device: every malformed case gets its documented status and changes
 * nothing; fragments are reassembled; an unprivileged cap and timeout are
 * honoured (namespace 2 is set up with reassembly_cap and
 * reassembly_timeout_ms in its configfs group kv).
 *
 *   kv_xfer_test <ng-device> <nsid> <cap-bytes> <timeout-ms> <debugfs-file>
 *   kv_xfer_test hold <ng-device> <nsid> <tag> <count>
 *
 * Prints "PASS <name>" or "FAIL <name>: <why>" per check.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "kv_passthru.h"

#include "check.h"

static int ng;
static uint32_t nsid;

/* a Transfer of @len bytes at @off, bytes derived from @off */
static int transfer(uint32_t tag, uint32_t off, uint32_t len)
{
	uint8_t sqe[NVME_KV_SQE_BYTES] = { 0 };
	uint32_t i;

	sqe[0] = NVME_KV_CMD_TRANSFER;
	nvme_kv_put_le32(sqe + 4, nsid);
	nvme_kv_put_le32(sqe + NVME_KV_SQE_XFER_TAG, tag);
	nvme_kv_put_le32(sqe + NVME_KV_SQE_XFER_POS, off | len << 24);
	for (i = 0; i < 8; i++)		/* CDW2-3; MPTR cannot be set */
		sqe[8 + i] = (uint8_t)(off + i);
	for (i = 0; i < 16; i++)
		sqe[NVME_KV_SQE_CDW12 + i] = (uint8_t)(off + 16 + i);
	return kvp_raw(ng, sqe, NULL, 0, NULL);
}

/* the value bytes the fragments above carry, as the target sees them */
static void expected(uint8_t *v, uint32_t len)
{
	uint32_t off, i;

	memset(v, 0, len);
	for (off = NVME_KV_INLINE_HEAD; off < len; off += 32)
		for (i = 0; i < 32 && off + i < len; i++)
			v[off + i] = i < 8 ? (uint8_t)(off + i) :
				     i < 16 ? 0 : (uint8_t)(off + i);
}

/* an INLINE Store of @len bytes under @key with transfer tag @tag */
static int inline_store(const char *key, uint32_t len, uint32_t tag,
			uint8_t extra_options)
{
	uint8_t sqe[NVME_KV_SQE_BYTES] = { 0 };

	sqe[0] = NVME_KV_CMD_STORE;
	nvme_kv_put_le32(sqe + 4, nsid);
	nvme_kv_sqe_set_key(sqe, (const uint8_t *)key, strlen(key));
	nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, len);
	sqe[NVME_KV_SQE_OPTIONS] = NVME_KV_STORE_INLINE | extra_options;
	sqe[NVME_KV_SQE_CDW12] = 0xa5;	/* value byte 8 */
	nvme_kv_put_le32(sqe + NVME_KV_SQE_STORE_TAG, tag);
	return kvp_raw(ng, sqe, NULL, 0, NULL);
}

static long long stat_of(const char *file, const char *name)
{
	char line[128], n[64];
	long long v;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", n, &v) == 2 && !strcmp(n, name)) {
			fclose(f);
			return v;
		}
	fclose(f);
	return -1;
}

/*
 * hold: send fragments 0, 1, ... of one tag that no Store commits, until
 * @count are sent or one is refused; print how many were kept and the
 * status that stopped them ("HELD <kept> <status>").
 */
static int hold(uint32_t tag, uint32_t count)
{
	uint32_t i;
	int st = 0;

	for (i = 0; i < count; i++) {
		st = transfer(tag, 12 + 32 * i, 32);
		if (st)
			break;
	}
	printf("HELD %u 0x%x\n", i, st);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t want[4096], got[4096];
	uint32_t cap, timeout_ms, len = 0, tag = 0x51000;
	const char *dbg;
	long long expired0;
	int st, st2;

	if (argc == 6 && !strcmp(argv[1], "hold")) {
		ng = open(argv[2], O_RDWR);
		nsid = strtoul(argv[3], NULL, 0);
		if (ng < 0)
			return 1;
		return hold(strtoul(argv[4], NULL, 0), strtoul(argv[5], NULL, 0));
	}
	if (argc != 6) {
		fprintf(stderr, "usage: %s <ng> <nsid> <cap> <timeout-ms> <debugfs-file>\n",
			argv[0]);
		return 2;
	}
	ng = open(argv[1], O_RDWR);
	nsid = strtoul(argv[2], NULL, 0);
	cap = strtoul(argv[3], NULL, 0);
	timeout_ms = strtoul(argv[4], NULL, 0);
	dbg = argv[5];
	if (ng < 0) {
		printf("FAIL open %s\n", argv[1]);
		return 1;
	}

	/* a whole value from fragments out of order, committed by the Store */
	st = transfer(tag, 12 + 32, 32);
	st = st ? st : transfer(tag, 12, 32);
	st = st ? st : inline_store("xfer-ok", 12 + 64, tag, 0);
	expected(want, 76);
	want[8] = 0xa5;
	memset(got, 0xee, sizeof(got));
	st2 = kvp_retrieve(ng, nsid, "xfer-ok", 7, got, 76, &len);
	check(!st && !st2 && len == 76 && !memcmp(got, want, 76),
	      "xfer: fragments sent out of order and an INLINE Store make one value",
	      "status 0x%x/0x%x len %u", st, st2, len);
	st = inline_store("xfer-ok", 12 + 64, tag, 0);
	check(st == NVME_KV_SC_XFER_UNKNOWN_TAG,
	      "xfer: a committed tag is consumed; a second Store naming it gets C0h",
	      "status 0x%x", st);

	st = inline_store("xfer-solo", 10, 0, 0);
	st2 = kvp_retrieve(ng, nsid, "xfer-solo", 9, got, 10, &len);
	check(!st && !st2 && len == 10 && got[8] == 0xa5 && !got[0],
	      "xfer: an INLINE Store of up to 16 bytes needs no Transfer",
	      "status 0x%x/0x%x len %u byte8 0x%x", st, st2, len, got[8]);

	check(transfer(tag, 12, 0) == NVME_KV_SC_INVALID_FIELD &&
	      transfer(tag, 12, 33) == NVME_KV_SC_INVALID_FIELD &&
	      transfer(tag, 5, 32) == NVME_KV_SC_INVALID_FIELD &&
	      transfer(tag, 13, 32) == NVME_KV_SC_INVALID_FIELD,
	      "xfer: a Transfer of 0 or 33 bytes, or off the 32-byte grid, gets Invalid Field",
	      "-");

	tag++;
	st = transfer(tag, 12, 32);
	st2 = transfer(tag, 12, 32);
	check(!st && st2 == NVME_KV_SC_XFER_OVERLAP,
	      "xfer: a Transfer repeating a fragment of its tag gets C2h (overlap)",
	      "status 0x%x then 0x%x", st, st2);
	st = inline_store("xfer-ovl", 12 + 32, tag, 0);
	check(!st, "xfer: the transfer survives the refused overlap and commits",
	      "status 0x%x", st);

	st = inline_store("xfer-none", 100, 0x7777777, 0);
	check(st == NVME_KV_SC_XFER_UNKNOWN_TAG,
	      "xfer: an INLINE Store naming a tag never sent gets C0h (wrong tag)",
	      "status 0x%x", st);

	tag++;
	st = transfer(tag, 12, 32);
	st = st ? st : transfer(tag, 12 + 64, 32);
	st2 = inline_store("xfer-gap", 12 + 96, tag, 0);
	check(!st && st2 == NVME_KV_SC_XFER_INCOMPLETE &&
	      kvp_exist(ng, nsid, "xfer-gap", 8) == NVME_KV_SC_KEY_NOT_EXISTS,
	      "xfer: a Store committing fragments with a gap gets C1h and stores nothing",
	      "status 0x%x/0x%x", st, st2);
	st = inline_store("xfer-gap", 12 + 96, tag, 0);
	check(st == NVME_KV_SC_XFER_UNKNOWN_TAG,
	      "xfer: a failed commit drops the fragments of its tag",
	      "status 0x%x", st);

	tag++;
	st = transfer(tag, 12, 32);
	st = st ? st : transfer(tag, 12 + 32, 32);
	st2 = inline_store("xfer-beyond", 12 + 32, tag, 0);
	check(!st && st2 == NVME_KV_SC_XFER_BEYOND,
	      "xfer: a fragment beyond the Store's value size gets C3h",
	      "status 0x%x/0x%x", st, st2);

	tag++;
	st = transfer(tag, 12, 32);
	st2 = inline_store("xfer-short", 12 + 20, tag, 0);
	check(!st && st2 == NVME_KV_SC_XFER_BEYOND,
	      "xfer: a last fragment longer than the value's end gets C3h",
	      "status 0x%x/0x%x", st, st2);

	st = inline_store("xfer-both", 10, 0, NVME_KV_STORE_APPEND);
	check(st == NVME_KV_SC_INVALID_FIELD,
	      "xfer: INLINE and APPEND together get Invalid Field", "status 0x%x", st);

	tag++;
	st = transfer(tag, 12 + 32 * ((cap / 33) + 1), 32);
	check(st == NVME_KV_SC_XFER_CAP,
	      "xfer: fragments beyond the controller's reassembly cap get C4h",
	      "status 0x%x (cap %u)", st, cap);

	/* fragments no Store commits are dropped after the timeout */
	expired0 = stat_of(dbg, "transfers_expired");
	tag++;
	st = transfer(tag, 12, 32);
	usleep((timeout_ms + 1500) * 1000);
	st2 = inline_store("xfer-late", 12 + 32, tag, 0);
	check(!st && st2 == NVME_KV_SC_XFER_UNKNOWN_TAG &&
	      stat_of(dbg, "transfers_expired") > expired0,
	      "xfer: fragments never committed expire and their tag is gone",
	      "status 0x%x/0x%x expired %lld -> %lld", st, st2, expired0,
	      stat_of(dbg, "transfers_expired"));
	check(stat_of(dbg, "transfers_over_cap") >= 1 &&
	      stat_of(dbg, "stores_inline") >= 3 &&
	      stat_of(dbg, "transfers_malformed") >= 4,
	      "xfer: the target's debugfs counters account for them",
	      "over_cap %lld inline %lld malformed %lld",
	      stat_of(dbg, "transfers_over_cap"), stat_of(dbg, "stores_inline"),
	      stat_of(dbg, "transfers_malformed"));
	close(ng);
	return failures ? 1 : 0;
}
