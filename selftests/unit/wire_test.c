// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the KV wire format (uapi/linux/nvme_kv.h), the target's
 * command decoder (target/kv_parse.c) and libnvmekv's argument checks.
 * Built with ASan and UBSan.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "kv_parse.h"
#include "nvmekv.h"

static void build(uint8_t *sqe, uint8_t opcode, const uint8_t *key,
		  uint8_t key_len, uint32_t size, uint8_t options)
{
	memset(sqe, 0, NVME_KV_SQE_BYTES);
	sqe[NVME_KV_SQE_OPCODE] = opcode;
	nvme_kv_sqe_set_key(sqe, key, key_len > 16 ? 16 : key_len);
	sqe[NVME_KV_SQE_KEY_LEN] = key_len;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, size);
	sqe[NVME_KV_SQE_OPTIONS] = options;
}

static void test_layout(void)
{
	tap_ok(sizeof(struct nvme_kv_id_ns) == 4096,
	       "KV Identify Namespace is 4096 bytes");
	tap_ok(offsetof(struct nvme_kv_id_ns, nkvf) == 25 &&
	       offsetof(struct nvme_kv_id_ns, novg) == 32 &&
	       offsetof(struct nvme_kv_id_ns, kvf) == 72 &&
	       offsetof(struct nvme_kv_id_ns, vs) == 3840,
	       "KV Identify Namespace fields sit at the specification's offsets");
	tap_ok(sizeof(struct nvme_kv_format) == 16 &&
	       offsetof(struct nvme_kv_format, kvvml) == 4 &&
	       offsetof(struct nvme_kv_format, mnks) == 8,
	       "KV Format is 16 bytes with KVVML at 4 and MNKS at 8");
	tap_ok(sizeof(struct nvme_kv_cmd) == 80 &&
	       offsetof(struct nvme_kv_cmd, key) == 16 &&
	       offsetof(struct nvme_kv_cmd, value) == 32 &&
	       offsetof(struct nvme_kv_cmd, result) == 40 &&
	       offsetof(struct nvme_kv_cmd, status) == 44,
	       "struct nvme_kv_cmd ABI layout is unchanged (80 bytes)");
	tap_ok(NVME_KV_STORE_SIKE == 1 && NVME_KV_STORE_SINKE == 2 &&
	       NVME_KV_STORE_NO_COMPRESS == 4 && NVME_KV_RETRIEVE_RAW == 1,
	       "option bits match the specification");
}

static void test_le32(void)
{
	static const uint32_t v[] = { 0, 1, 0xff, 0x100, 0x12345678,
				      0x80000000, 0xffffffff };
	uint8_t b[4];
	unsigned int i, good = 1;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		nvme_kv_put_le32(b, v[i]);
		good &= nvme_kv_get_le32(b) == v[i] &&
			b[0] == (v[i] & 0xff) && b[3] == v[i] >> 24;
	}
	tap_ok(good, "le32 fields are written little-endian and read back");
}

static void test_key_codec(void)
{
	uint8_t key[16], out[16], sqe[64];
	unsigned int len, i, good = 1;

	for (i = 0; i < 16; i++)
		key[i] = 0xa0 + i;
	for (len = 0; len <= 16; len++) {
		memset(sqe, 0xee, sizeof(sqe));
		nvme_kv_sqe_set_key(sqe, key, len);
		good &= nvme_kv_sqe_get_key(sqe, out) == len;
		good &= !memcmp(out, key, len);
		for (i = len; i < 16; i++)
			good &= out[i] == 0;
		/* bytes 0..7 in CDW2-3, 8..15 in CDW14-15, rest zero */
		for (i = 0; i < 8; i++) {
			good &= sqe[8 + i] == (i < len ? key[i] : 0);
			good &= sqe[56 + i] == (i + 8 < len ? key[i + 8] : 0);
		}
		good &= sqe[0] == 0xee && sqe[40] == 0xee && sqe[45] == 0xee;
	}
	tap_ok(good, "keys of 0..16 bytes go to CDW2-3/CDW14-15 and back, other fields untouched");

	memset(sqe, 0, sizeof(sqe));
	for (i = 0; i < 16; i++)
		sqe[i < 8 ? 8 + i : 48 + i] = 0x55;
	sqe[NVME_KV_SQE_KEY_LEN] = 3;
	nvme_kv_sqe_get_key(sqe, out);
	tap_ok(out[2] == 0x55 && out[3] == 0 && out[15] == 0,
	       "key bytes past the key length are not decoded");
}

static void test_parse(void)
{
	const uint8_t key[16] = "0123456789abcdef";
	struct kv_cmd c;
	uint8_t sqe[64];
	uint16_t loc;

	build(sqe, NVME_KV_CMD_STORE, key, 16, 4096, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == 0 && c.key_len == 16 &&
	       c.size == 4096 && !memcmp(c.key, key, 16),
	       "store with a 16-byte key and a value at the limit decodes");
	build(sqe, NVME_KV_CMD_RETRIEVE, key, 1, 100, NVME_KV_RETRIEVE_RAW);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == 0 && c.key_len == 1 &&
	       c.key[0] == '0' && c.key[1] == 0 && c.size == 100 &&
	       c.options == NVME_KV_RETRIEVE_RAW,
	       "retrieve with a 1-byte key and the raw option decodes");
	build(sqe, NVME_KV_CMD_RETRIEVE, key, 4, 0xffffffff, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == 0,
	       "retrieve host buffer size is not limited by the value limit");

	build(sqe, NVME_KV_CMD_STORE, key, 0, 1, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_KEY_SIZE &&
	       loc == NVME_KV_SQE_KEY_LEN, "key length 0 is Invalid Key Size");
	build(sqe, NVME_KV_CMD_RETRIEVE, key, 17, 1, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_KEY_SIZE,
	       "key length 17 is Invalid Key Size");
	build(sqe, NVME_KV_CMD_STORE, key, 255, 1, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_KEY_SIZE,
	       "key length 255 is Invalid Key Size");
	build(sqe, NVME_KV_CMD_STORE, key, 4, 4097, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_VALUE_SIZE &&
	       loc == NVME_KV_SQE_SIZE, "value above the limit is Invalid Value Size");
	build(sqe, NVME_KV_CMD_STORE, key, 4, 8, 0x08);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_FIELD &&
	       loc == NVME_KV_SQE_OPTIONS, "unknown store option bit is Invalid Field");
	build(sqe, NVME_KV_CMD_STORE, key, 4, 8,
	      NVME_KV_STORE_SIKE | NVME_KV_STORE_SINKE);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_FIELD,
	       "store if exists together with if absent is Invalid Field");
	build(sqe, NVME_KV_CMD_RETRIEVE, key, 4, 8, 0x02);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_FIELD,
	       "unknown retrieve option bit is Invalid Field");
	build(sqe, NVME_KV_CMD_LIST, key, 0, 4, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == 0 && c.key_len == 0,
	       "list with key length 0 decodes (from the first key)");
	build(sqe, NVME_KV_CMD_LIST, key, 4, 3, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_FIELD &&
	       loc == NVME_KV_SQE_SIZE, "list host buffer below 4 bytes is Invalid Field");
	build(sqe, NVME_KV_CMD_DELETE, key, 0, 0, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_KEY_SIZE,
	       "delete with key length 0 is Invalid Key Size");
	build(sqe, NVME_KV_CMD_EXIST, key, 16, 0, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == 0,
	       "exist with a 16-byte key decodes");
	build(sqe, NVME_KV_CMD_DELETE, key, 4, 0, 1);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_FIELD,
	       "delete with option bits is Invalid Field");
	build(sqe, NVME_KV_CMD_LOCATE, key, 4, 24, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == 0, "locate with a 24-byte buffer decodes");
	build(sqe, NVME_KV_CMD_LOCATE, key, 4, 23, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_FIELD &&
	       loc == NVME_KV_SQE_SIZE, "locate with a buffer under 24 bytes is Invalid Field");
	build(sqe, NVME_KV_CMD_LOCATE, key, 4, 24, 1);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_FIELD,
	       "locate with option bits is Invalid Field");
	build(sqe, 0x7f, key, 4, 8, 0);
	tap_ok(kv_parse_cmd(sqe, 4096, &c, &loc) == NVME_KV_SC_INVALID_OPCODE &&
	       loc == NVME_KV_SQE_OPCODE, "unknown opcode is Invalid Command Opcode");
}

static void test_lib(void)
{
	uint16_t st = 0xffff;
	size_t len;
	char buf[4];

	tap_ok(nvmekv_store(-1, "k", 0, "v", 1, 0, &st) == -EINVAL && st == 0,
	       "library rejects key length 0 before any ioctl");
	tap_ok(nvmekv_retrieve(-1, "0123456789abcdefg", 17, buf, sizeof(buf),
			       &len, 0, &st) == -EINVAL,
	       "library rejects key length 17 before any ioctl");
	tap_ok(nvmekv_store(-1, "k", 1, "v", 1, 0x100, &st) == -EINVAL,
	       "library rejects options above 8 bits");
	tap_ok(nvmekv_delete(-1, "k", 0, &st) == -EINVAL &&
	       nvmekv_exist(-1, "0123456789abcdefg", 17, &st) == -EINVAL,
	       "library rejects bad key lengths for delete and exist");
	tap_ok(nvmekv_store(-1, "k", 1, "v", 1, 0, &st) == -EBADF,
	       "library passes the ioctl error through");
	tap_ok(!strcmp(nvmekv_status_name(0x87), "key does not exist") &&
	       !strcmp(nvmekv_status_name(0x187), "key does not exist") &&
	       !strcmp(nvmekv_status_name(0x89), "key exists") &&
	       !strcmp(nvmekv_status_name(0x86), "invalid key size"),
	       "status names accept KV codes under SCT 0 and 1");
}

static void test_params(void)
{
	const struct kv_params def = { 1048576, true, 0, 1 << 20, 5000, 0, 8, 100, 0, false, false };
	static const char *const names[] = {
		"max_value_len", "group_commit", "group_commit_delay_us",
		"reassembly_cap", "reassembly_timeout_ms", "cache_slots",
		"cache_block_slots", "cache_lease_ms", "cache_block_nsid",
		"cache_host_fills", "truncate_damaged_log",
	};
	static const char *const bad[][2] = {
		{ "max_value_len", "" }, { "max_value_len", "\n" },
		{ "max_value_len", "0" }, { "max_value_len", "33554433" },
		{ "max_value_len", "4k" }, { "max_value_len", "-1" },
		{ "max_value_len", "+1" }, { "max_value_len", " 1" },
		{ "max_value_len", "1 " }, { "max_value_len", "1\n\n" },
		{ "max_value_len", "99999999999999999999" },
		{ "group_commit", "2" }, { "group_commit", "on" },
		{ "group_commit_delay_us", "1000001" },
		{ "max_value_lenx", "1" }, { "max_value_le", "1" }, { "", "5" },
		{ "bogus", "1" }, { "MAX_VALUE_LEN", "1" },
		{ "reassembly_cap", "268435457" }, { "reassembly_cap", "1k" },
		{ "reassembly_timeout_ms", "9" },
		{ "reassembly_timeout_ms", "600001" },
		{ "cache_slots", "16777217" }, { "cache_block_slots", "0" },
		{ "cache_block_slots", "65" }, { "cache_lease_ms", "0" },
		{ "cache_lease_ms", "60001" },
		{ "cache_block_nsid", "4294967295" }, { "cache_block_nsid", "x" },
		{ "cache_host_fills", "2" }, { "truncate_damaged_log", "2" },
		{ "truncate_damaged_log", "" },
	};
	struct kv_params p = def;
	char buf[16];
	unsigned int i;
	int good = 1;
	u32 v;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!kv_param_name(i) || strcmp(kv_param_name(i), names[i]))
			good = 0;
	tap_ok(good && !kv_param_name(ARRAY_SIZE(names)),
	       "params: the eleven settings, named as their configfs attributes");
	good = 1;
	for (i = 0; kv_param_name(i); i++) {
		p = def;
		if (kv_param_value(kv_param_name(i), &def, &v)) {
			good = 0;
			continue;
		}
		snprintf(buf, sizeof(buf), "%u\n", v);
		if (kv_parse_param(kv_param_name(i), buf, strlen(buf), &p) ||
		    memcmp(&p, &def, sizeof(p))) {
			good = 0;
			printf("# %s: \"%u\" does not read back\n",
			       kv_param_name(i), v);
		}
	}
	tap_ok(good && kv_param_value("bogus", &def, &v) == -EINVAL,
	       "params: each setting shows a value that parses back to itself");
	p = def;
	tap_ok(kv_parse_param("max_value_len", "4096", 4, &p) == 0 &&
	       kv_parse_param("group_commit", "0\n", 2, &p) == 0 &&
	       kv_parse_param("group_commit_delay_us", "250junk", 3, &p) == 0 &&
	       p.max_value_len == 4096 && !p.group_commit &&
	       p.group_commit_delay_us == 250 && p.reassembly_cap == 1 << 20,
	       "params: one setting per call, one trailing newline, only @len bytes read");
	p = def;
	tap_ok(kv_parse_param("reassembly_cap", "0", 1, &p) == 0 &&
	       kv_parse_param("reassembly_timeout_ms", "10", 2, &p) == 0 &&
	       p.reassembly_cap == 0 && p.reassembly_timeout_ms == 10 &&
	       p.max_value_len == 1048576,
	       "params: reassembly_cap and reassembly_timeout_ms at their lower limits");
	p = def;
	tap_ok(kv_parse_param("cache_slots", "64", 2, &p) == 0 &&
	       kv_parse_param("cache_block_slots", "64", 2, &p) == 0 &&
	       kv_parse_param("cache_lease_ms", "60000", 5, &p) == 0 &&
	       kv_parse_param("cache_block_nsid", "4294967294", 10, &p) == 0 &&
	       kv_parse_param("cache_host_fills", "1", 1, &p) == 0 &&
	       p.cache_block_nsid == 0xfffffffe && p.cache_host_fills &&
	       p.cache_slots == 64 && p.cache_block_slots == 64 &&
	       p.cache_lease_ms == 60000 && kv_params_check(&p) == 0 &&
	       kv_parse_param("cache_slots", "0", 1, &p) == 0 &&
	       kv_parse_param("cache_block_slots", "1", 1, &p) == 0 &&
	       kv_parse_param("cache_lease_ms", "1", 1, &p) == 0 &&
	       !p.cache_slots && p.cache_block_slots == 1 && p.cache_lease_ms == 1,
	       "params: cache geometry and lease at their limits; cache_slots=0 turns the cache off");
	p = def;
	tap_ok(!def.truncate_damaged_log &&
	       kv_parse_param("truncate_damaged_log", "1", 1, &p) == 0 &&
	       p.truncate_damaged_log &&
	       kv_parse_param("truncate_damaged_log", "0", 1, &p) == 0 &&
	       !p.truncate_damaged_log,
	       "params: truncate_damaged_log is off unless set to 1");
	p = def;
	tap_ok(kv_parse_param("max_value_len", "33554432", 8, &p) == 0 &&
	       p.max_value_len == 33554432 &&
	       kv_parse_param("max_value_len", "1", 1, &p) == 0 &&
	       p.max_value_len == 1,
	       "params: the limits are inclusive");
	good = 1;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		p = def;
		if (kv_parse_param(bad[i][0], bad[i][1], strlen(bad[i][1]),
				   &p) != -EINVAL ||
		    memcmp(&p, &def, sizeof(p))) {
			good = 0;
			printf("# accepted or changed: %s \"%s\"\n", bad[i][0],
			       bad[i][1]);
		}
	}
	tap_ok(good, "params: unknown names, malformed and out-of-range values give EINVAL and change nothing");
	p = def;
	tap_ok(kv_params_check(&p) == 0 &&
	       (p.cache_slots = 8, kv_params_check(&p) == 0) &&
	       (p.cache_slots = 7, kv_params_check(&p) == -EINVAL) &&
	       (p.cache_slots = 1, p.cache_block_slots = 2,
		kv_params_check(&p) == -EINVAL) &&
	       (p.cache_slots = 0, kv_params_check(&p) == 0),
	       "params: a cache of less than one block is refused at enable, none is fine");
}

/* append a List entry: le16 length, key, padding to 4 bytes */
static size_t put_entry(unsigned char *b, size_t pos, const char *key,
			size_t kl)
{
	b[pos] = kl & 0xff;
	b[pos + 1] = kl >> 8;
	memcpy(b + pos + 2, key, kl);
	return pos + 2 + kl + (4 - (2 + kl) % 4) % 4;
}

static void test_list_iter(void)
{
	unsigned char b[128] = { 0 };
	struct nvmekv_list_iter it;
	const uint8_t *key;
	size_t kl, pos = 4, end;
	int good, r;

	pos = put_entry(b, pos, "a", 1);
	pos = put_entry(b, pos, "bcd", 3);
	pos = put_entry(b, pos, "0123456789abcdef", 16);
	end = pos;
	nvme_kv_put_le32(b, 3);
	good = !nvmekv_list_iter_init(&it, b, sizeof(b)) &&
	       nvmekv_list_next(&it, &key, &kl) == 1 && kl == 1 && key[0] == 'a' &&
	       nvmekv_list_next(&it, &key, &kl) == 1 && kl == 3 &&
	       !memcmp(key, "bcd", 3) &&
	       nvmekv_list_next(&it, &key, &kl) == 1 && kl == 16 &&
	       !memcmp(key, "0123456789abcdef", 16) &&
	       nvmekv_list_next(&it, &key, &kl) == 0;
	tap_ok(good, "list: the iterator walks length, key and padding of each entry, then stops at the count");

	/* the buffer ends right after the last key: its padding is cut off */
	good = !nvmekv_list_iter_init(&it, b, end - 2) &&
	       nvmekv_list_next(&it, &key, &kl) == 1 &&
	       nvmekv_list_next(&it, &key, &kl) == 1 &&
	       nvmekv_list_next(&it, &key, &kl) == 1 && kl == 16 &&
	       nvmekv_list_next(&it, &key, &kl) == 0;
	tap_ok(good, "list: the last entry may lack its padding");

	nvme_kv_put_le32(b, 4);
	nvmekv_list_iter_init(&it, b, end);
	while ((r = nvmekv_list_next(&it, &key, &kl)) == 1)
		;
	tap_ok(r == -EBADMSG, "list: a count beyond the buffer is -EBADMSG");

	nvme_kv_put_le32(b, 1);
	b[4] = 17;
	nvmekv_list_iter_init(&it, b, sizeof(b));
	good = nvmekv_list_next(&it, &key, &kl) == -EBADMSG;
	b[4] = 0;
	nvmekv_list_iter_init(&it, b, sizeof(b));
	good = good && nvmekv_list_next(&it, &key, &kl) == -EBADMSG;
	tap_ok(good && nvmekv_list_iter_init(&it, b, 3) == -EBADMSG,
	       "list: key length 0 or 17 and a buffer under 4 bytes are -EBADMSG");
}

int main(void)
{
	test_layout();
	test_le32();
	test_key_codec();
	test_parse();
	test_params();
	test_list_iter();
	test_lib();
	return tap_done();
}
