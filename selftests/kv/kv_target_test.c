// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest checks of every KV command and status of nvmet-kv, sent as raw
 * commands through the generic char device, and of the KV Identify
 * Namespace and effects log through the controller.
 *
 *   kv_target_test <ng-device> <nsid> <ctrl-device>
 *
 * Prints "PASS <name>" or "FAIL <name>: <why>" per check.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "kv_passthru.h"

#include "check.h"

#define K(s) (s), (uint8_t)strlen(s)

static const char *const own[] = {
	"tgt-key", "empty", "tgt-new", "tgt-big", "tgt-opt", "list-a", "list-bb",
	"list-ccc",
};

int main(int argc, char **argv)
{
	uint8_t buf[4096], id[4096];
	uint32_t nsid, res = 0, kvvml, nuse0;
	int ng, ctrl, st;
	size_t i;

	if (argc != 4) {
		fprintf(stderr, "usage: %s <ng-device> <nsid> <ctrl-device>\n", argv[0]);
		return 2;
	}
	nsid = strtoul(argv[2], NULL, 0);
	ng = open(argv[1], O_RDWR);
	ctrl = open(argv[3], O_RDWR);
	if (ng < 0 || ctrl < 0) {
		printf("FAIL open %s or %s\n", argv[1], argv[3]);
		return 1;
	}

	/* start from none of this test's keys, as another run may have left them */
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		kvp_delete(ng, nsid, own[i], (uint8_t)strlen(own[i]));

	st = kvp_admin_in(ctrl, 0x06, nsid, 0x05, (uint32_t)NVME_KV_CSI << 24, 0, id);
	kvvml = nvme_kv_get_le32(id + 72 + 4);
	nuse0 = nvme_kv_get_le32(id + 16);
	check(!st && id[25] == 0 && nvme_kv_get_le32(id + 72) == NVME_KV_KEY_MAX &&
	      kvvml == 1048576 && nvme_kv_get_le32(id) > 0,
	      "identify KV namespace reports one format, 16-byte keys, 1 MiB values and a size",
	      "status 0x%x nkvf %u kvkml %u kvvml %u", st, id[25],
	      nvme_kv_get_le32(id + 72), kvvml);

	st = kvp_admin_in(ctrl, 0x02, 0, 0x05 | (1023u << 16), 0,
			  (uint32_t)NVME_KV_CSI << 24, buf);
	check(!st && (buf[1024 + 4 * NVME_KV_CMD_STORE] & 1) &&
	      (buf[1024 + 4 * NVME_KV_CMD_RETRIEVE] & 1) &&
	      (buf[1024 + 4 * NVME_KV_CMD_DELETE] & 1) &&
	      (buf[1024 + 4 * NVME_KV_CMD_EXIST] & 1) &&
	      (buf[1024 + 4 * NVME_KV_CMD_LIST] & 1),
	      "effects log for CSI 01h lists the five KV commands as supported",
	      "status 0x%x", st);

	/*
	 * Routing by CSI (target/patches 0007, 0008): only the namespace's own
	 * set has a CNS 05h structure for it, CNS 06h and the effects log of a
	 * CSI no module provides are refused, and the CS-independent Identify
	 * (0003) describes the namespace on its RAM disk: no rotational media
	 * and no volatile write cache (brd has none).
	 */
	st = kvp_admin_in(ctrl, 0x06, nsid, 0x05, 3u << 24, 0, id);
	check(st == 0x2c, "identify CNS 05h of a KV namespace for CSI 03h gets Invalid I/O Command Set",
	      "status 0x%x", st);
	st = kvp_admin_in(ctrl, 0x06, nsid, 0x05, 0, 0, id);
	check(st == 0x02, "identify CNS 05h of a KV namespace for CSI 00h gets Invalid Field, as for any NVM namespace in nvmet",
	      "status 0x%x", st);
	st = kvp_admin_in(ctrl, 0x06, 0, 0x06, 3u << 24, 0, id);
	check(st == 0x02, "identify CNS 06h for a CSI no module provides (03h) gets Invalid Field",
	      "status 0x%x", st);
	st = kvp_admin_in(ctrl, 0x06, 0, 0x06, (uint32_t)NVME_KV_CSI << 24, 0, id);
	check(st == 0, "identify CNS 06h for CSI 01h succeeds", "status 0x%x", st);
	st = kvp_admin_in(ctrl, 0x02, 0, 0x05 | (1023u << 16), 0, 3u << 24, buf);
	check(st == 0x109, "effects log for a CSI no module provides (03h) gets Invalid Log Page",
	      "status 0x%x", st);
	/* log page C0h is CSI 01h's (target/patches 0012) and per namespace */
	st = kvp_admin_in(ctrl, 0x02, nsid, 0xc0 | (1023u << 16), 0,
			  (uint32_t)NVME_KV_CSI << 24, buf);
	check(!st && (buf[0] | buf[1] << 8) == NVME_KV_CACHE_VERSION,
	      "log page C0h for CSI 01h describes the namespace's cache",
	      "status 0x%x version %u", st, buf[0] | buf[1] << 8);
	st = kvp_admin_in(ctrl, 0x02, nsid, 0xc0 | (1023u << 16), 0, 0, buf);
	check(st == 0x02, "log page C0h for CSI 00h gets Invalid Field: nvmet routes it by CSI",
	      "status 0x%x", st);
	st = kvp_admin_in(ctrl, 0x02, 0, 0xc0 | (1023u << 16), 0,
			  (uint32_t)NVME_KV_CSI << 24, buf);
	check(st == 0x02, "log page C0h for CSI 01h naming no namespace gets Invalid Field",
	      "status 0x%x", st);
	st = kvp_admin_in(ctrl, 0x02, nsid, 0xc1 | (1023u << 16), 0,
			  (uint32_t)NVME_KV_CSI << 24, buf);
	check(st == 0x02, "log page C1h, which CSI 01h did not register, gets Invalid Field",
	      "status 0x%x", st);
	/*
	 * CNS 07h lists a set's namespaces only (0019); CNS 1Ch has one
	 * combination, NVM, KV and ZNS, which FID 19h selects (0020).
	 */
	st = kvp_admin_in(ctrl, 0x06, 0, 0x07, (uint32_t)NVME_KV_CSI << 24, 0, id);
	check(!st && nvme_kv_get_le32(id) == nsid,
	      "identify CNS 07h for CSI 01h lists the KV namespace first",
	      "status 0x%x first 0x%x", st, nvme_kv_get_le32(id));
	st = kvp_admin_in(ctrl, 0x06, 0, 0x07, 0, 0, id);
	{
		size_t j;

		for (j = 0; j < 1024 && nvme_kv_get_le32(id + 4 * j) &&
		     nvme_kv_get_le32(id + 4 * j) != nsid; j++)
			;
		check(!st && (j == 1024 || !nvme_kv_get_le32(id + 4 * j)),
		      "identify CNS 07h for CSI 00h leaves the KV namespace out",
		      "status 0x%x", st);
	}
	st = kvp_admin_in(ctrl, 0x06, 0, 0x07, 3u << 24, 0, id);
	check(!st && nvme_kv_get_le32(id) == 0,
	      "identify CNS 07h for a CSI no namespace has (03h) is an empty list",
	      "status 0x%x first 0x%x", st, nvme_kv_get_le32(id));
	st = kvp_admin_in(ctrl, 0x06, 0, 0x1c, 0, 0, id);
	/* ZNS (bit 2) only where the kernel supports zoned block devices */
	check(!st && (nvme_kv_get_le32(id) == 0x3 || nvme_kv_get_le32(id) == 0x7) &&
	      nvme_kv_get_le32(id + 4) == 0 && nvme_kv_get_le32(id + 8) == 0,
	      "identify CNS 1Ch: one combination, NVM, KV and ZNS where zoned devices are supported (vector 7h or 3h)",
	      "status 0x%x vector 0 0x%x, vector 1 0x%x", st,
	      nvme_kv_get_le32(id), nvme_kv_get_le32(id + 8));
	st = kvp_admin(ctrl, 0x0a, 0, 0x19, 0, 0, NULL, 0, &res);
	check(!st && res == 0, "get features 19h: the I/O Command Set Profile is index 0",
	      "status 0x%x result %u", st, res);
	st = kvp_admin(ctrl, 0x09, 0, 0x19, 1, 0, NULL, 0, &res);
	check(st == 0x2b, "set features 19h to index 1 gets I/O Command Set Combination Rejected",
	      "status 0x%x", st);
	st = kvp_admin(ctrl, 0x09, 0, 0x19, 0, 0, NULL, 0, &res);
	check(!st, "set features 19h to index 0 succeeds", "status 0x%x", st);

	memset(id, 0xee, sizeof(id));
	st = kvp_admin_in(ctrl, 0x06, nsid, 0x08, 0, 0, id);
	check(!st && id[0] == 0x20 && id[1] == 1 && (id[14] & 1),
	      "identify CNS 08h: nsfeat has VWC Not Present and not Rotational, shared, ready",
	      "status 0x%x nsfeat 0x%x nmic 0x%x nstat 0x%x", st, id[0], id[1], id[14]);

	st = kvp_store(ng, nsid, K("tgt-key"), "0123456789", 10, 0);
	memset(buf, 0xee, sizeof(buf));
	res = 0;
	st = st ? st : kvp_retrieve(ng, nsid, K("tgt-key"), buf, 4, &res);
	check(!st && res == 10 && !memcmp(buf, "0123", 4),
	      "retrieve with short buffer reports full value size",
	      "status 0x%x result %u", st, res);
	memset(buf, 0xee, sizeof(buf));
	st = kvp_retrieve(ng, nsid, K("tgt-key"), buf, 32, &res);
	for (i = 10; i < 32 && buf[i] == 0; i++)
		;
	check(!st && res == 10 && i == 32,
	      "retrieve into a larger buffer zeroes the rest of it",
	      "status 0x%x result %u, byte %zu is 0x%x", st, res, i, buf[i]);
	st = kvp_store(ng, nsid, K("empty"), NULL, 0, 0);
	st = st ? st : kvp_retrieve(ng, nsid, K("empty"), buf, 8, &res);
	check(!st && res == 0, "a zero-length value stores and retrieves",
	      "status 0x%x result %u", st, res);

	st = kvp_exist(ng, nsid, K("tgt-key"));
	check(st == 0, "exist of a stored key succeeds", "status 0x%x", st);
	st = kvp_exist(ng, nsid, K("tgt-missing"));
	check(st == NVME_KV_SC_KEY_NOT_EXISTS,
	      "exist of a missing key fails with Key Does Not Exist (0x87)",
	      "status 0x%x", st);
	st = kvp_delete(ng, nsid, K("tgt-key"));
	check(st == 0, "delete of a stored key succeeds", "status 0x%x", st);
	st = kvp_retrieve(ng, nsid, K("tgt-key"), buf, 16, &res);
	check(st == NVME_KV_SC_KEY_NOT_EXISTS &&
	      kvp_exist(ng, nsid, K("tgt-key")) == NVME_KV_SC_KEY_NOT_EXISTS,
	      "a deleted key is gone for retrieve and exist", "status 0x%x", st);
	st = kvp_delete(ng, nsid, K("tgt-key"));
	check(st == NVME_KV_SC_KEY_NOT_EXISTS,
	      "delete of a missing key fails with Key Does Not Exist (0x87)",
	      "status 0x%x", st);

	st = kvp_store(ng, nsid, K("tgt-new"), "v", 1, NVME_KV_STORE_SIKE);
	check(st == NVME_KV_SC_KEY_NOT_EXISTS,
	      "store only-if-exists of a missing key fails with 0x87 and stores nothing",
	      "status 0x%x", st);
	kvp_store(ng, nsid, K("tgt-new"), "v1", 2, NVME_KV_STORE_SINKE);
	st = kvp_store(ng, nsid, K("tgt-new"), "v2", 2, NVME_KV_STORE_SINKE);
	res = 0;
	kvp_retrieve(ng, nsid, K("tgt-new"), buf, 2, &res);
	check(st == NVME_KV_SC_KEY_EXISTS && !memcmp(buf, "v1", 2),
	      "store only-if-absent of an existing key fails with Key Exists (0x89) and keeps the value",
	      "status 0x%x", st);
	st = kvp_store(ng, nsid, K("tgt-new"), "v3", 2, NVME_KV_STORE_SIKE);
	kvp_retrieve(ng, nsid, K("tgt-new"), buf, 2, &res);
	check(!st && !memcmp(buf, "v3", 2),
	      "store only-if-exists of an existing key replaces the value",
	      "status 0x%x", st);

	st = kvp_io(ng, nsid, NVME_KV_CMD_STORE, K("tgt-big"), 0, buf, 8,
		    kvvml + 1, NULL);
	check(st == NVME_KV_SC_INVALID_VALUE_SIZE,
	      "store above the value limit fails with Invalid Value Size (0x85)",
	      "status 0x%x", st);
	st = kvp_store(ng, nsid, K("tgt-opt"), "v", 1, 0x08);
	check(st == NVME_KV_SC_INVALID_FIELD &&
	      kvp_exist(ng, nsid, K("tgt-opt")) == NVME_KV_SC_KEY_NOT_EXISTS,
	      "store with an unknown option bit fails with Invalid Field (0x02) and stores nothing",
	      "status 0x%x", st);
	st = kvp_io(ng, nsid, NVME_KV_CMD_DELETE, K("tgt-new"), 0x01, NULL, 0, 0, NULL);
	check(st == NVME_KV_SC_INVALID_FIELD &&
	      kvp_exist(ng, nsid, K("tgt-new")) == 0,
	      "delete with option bits fails with Invalid Field (0x02) and deletes nothing",
	      "status 0x%x", st);
	{
		struct nvme_kv_locate loc;
		uint64_t seq1, seq2;

		memset(&loc, 0xff, sizeof(loc));
		st = kvp_store(ng, nsid, K("tgt-loc"), "locate-me", 9, 0);
		st = st ? st : kvp_io(ng, nsid, NVME_KV_CMD_LOCATE, K("tgt-loc"),
				      0, &loc, sizeof(loc), sizeof(loc), NULL);
		seq1 = loc.seq;
		st = st ? st : kvp_store(ng, nsid, K("tgt-loc"), "moved", 5, 0);
		st = st ? st : kvp_io(ng, nsid, NVME_KV_CMD_LOCATE, K("tgt-loc"),
				      0, &loc, sizeof(loc), sizeof(loc), NULL);
		seq2 = loc.seq;
		check(!st && loc.value_len == 5 && !loc.rsvd20 && seq2 > seq1,
		      "locate (82h) returns the record's size and a sequence number that grows with each Store",
		      "status 0x%x value_len %u seq %llu -> %llu", st,
		      loc.value_len, (unsigned long long)seq1,
		      (unsigned long long)seq2);
		kvp_delete(ng, nsid, K("tgt-loc"));
		st = kvp_io(ng, nsid, NVME_KV_CMD_LOCATE, K("tgt-loc"), 0, &loc,
			    sizeof(loc), sizeof(loc), NULL);
		check(st == NVME_KV_SC_KEY_NOT_EXISTS,
		      "locate of a missing key fails with Key Does Not Exist (0x87)",
		      "status 0x%x", st);
		st = kvp_io(ng, nsid, NVME_KV_CMD_LOCATE, K("tgt-key"), 0, &loc,
			    16, 16, NULL);
		check(st == NVME_KV_SC_INVALID_FIELD,
		      "locate with a buffer smaller than 24 bytes fails with Invalid Field (0x02)",
		      "status 0x%x", st);
	}
	st = kvp_io(ng, nsid, 0x04, K("tgt-new"), 0, NULL, 0, 0, NULL);
	check(st == NVME_KV_SC_INVALID_OPCODE,
	      "an opcode outside the KV command set fails with Invalid Opcode (0x01)",
	      "status 0x%x", st);
	st = kvp_io(ng, nsid, NVME_KV_CMD_EXIST, "0123456789abcdefg", 17, 0,
		    NULL, 0, 0, NULL);
	check(st == NVME_KV_SC_INVALID_KEY_SIZE,
	      "exist with key length 17 fails with Invalid Key Size (0x86)",
	      "status 0x%x", st);
	st = kvp_io(ng, nsid, NVME_KV_CMD_RETRIEVE, "", 0, 0, buf, 8, 8, NULL);
	check(st == NVME_KV_SC_INVALID_KEY_SIZE,
	      "retrieve with key length 0 fails with Invalid Key Size (0x86)",
	      "status 0x%x", st);

	kvp_store(ng, nsid, K("list-a"), "1", 1, 0);
	kvp_store(ng, nsid, K("list-bb"), "2", 1, 0);
	kvp_store(ng, nsid, K("list-ccc"), "3", 1, 0);
	memset(buf, 0xee, sizeof(buf));
	st = kvp_io(ng, nsid, NVME_KV_CMD_LIST, K("list-"), 0, buf, 256, 256, NULL);
	/* list-a: 2+6 -> 8; list-bb: 2+7 -> 12; list-ccc: 2+8 -> 12 */
	check(!st && nvme_kv_get_le32(buf) >= 3 &&
	      buf[4] == 6 && buf[5] == 0 && !memcmp(buf + 6, "list-a", 6) &&
	      buf[12] == 7 && !memcmp(buf + 14, "list-bb", 7) && buf[21] == 0 &&
	      buf[24] == 8 && !memcmp(buf + 26, "list-ccc", 8),
	      "list from a start key returns keys in order, each padded to 4 bytes",
	      "status 0x%x nrk %u", st, nvme_kv_get_le32(buf));
	st = kvp_io(ng, nsid, NVME_KV_CMD_LIST, K("list-a"), 0, buf, 12, 12, NULL);
	check(!st && nvme_kv_get_le32(buf) == 1 && buf[4] == 6,
	      "list stops at the host buffer size: a 12-byte buffer holds one 6-byte key",
	      "status 0x%x nrk %u", st, nvme_kv_get_le32(buf));
	st = kvp_io(ng, nsid, NVME_KV_CMD_LIST, "", 0, 0, buf, 4096, 4096, NULL);
	check(!st && nvme_kv_get_le32(buf) >= 5,
	      "list with key length 0 starts at the first key",
	      "status 0x%x nrk %u", st, nvme_kv_get_le32(buf));
	st = kvp_io(ng, nsid, NVME_KV_CMD_LIST, K("list-"), 0, buf, 2, 2, NULL);
	check(st == NVME_KV_SC_INVALID_FIELD,
	      "list with a buffer too small for the key count fails with Invalid Field (0x02)",
	      "status 0x%x", st);

	st = kvp_admin_in(ctrl, 0x06, nsid, 0x05, (uint32_t)NVME_KV_CSI << 24, 0, id);
	check(!st && nvme_kv_get_le32(id + 16) > nuse0,
	      "identify KV namespace utilisation grows with stored pairs",
	      "nuse %u then %u", nuse0, nvme_kv_get_le32(id + 16));

	close(ng);
	close(ctrl);
	return failures ? 1 : 0;
}
