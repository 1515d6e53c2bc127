// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding and validation of KV I/O commands (KV Command Set specification,
 * see uapi/linux/nvme_kv.h for where each field sits).
 */
#include "kv_parse.h"

/**
 * kv_parse_cmd() - decode and validate a KV I/O command
 * @sqe:		the 64-byte submission queue entry
 * @max_value_len:	largest value the namespace accepts
 * @cmd:		decoded command, valid when 0 is returned
 * @error_loc:		byte offset in @sqe of the field in error
 *
 * A Transfer (vendor opcode 81h) is only recognised here; kv_frag_parse()
 * checks its fields.
 *
 * Return: 0, or the status code (SCT 0h) the command must fail with:
 * Invalid Command Opcode; Invalid Key Size for a key length above
 * NVME_KV_KEY_MAX, or of 0 except for List (which then starts at the first
 * key); Invalid Field in Command for unknown or contradictory option bits
 * (SIKE with SINKE, INLINE with APPEND),
 * options on Delete, Exist or List, or a List host buffer smaller than the
 * 4-byte key count, or a Locate buffer smaller than struct nvme_kv_locate;
 * Invalid Value Size for a Store above @max_value_len.
 */
u16 kv_parse_cmd(const u8 *sqe, u32 max_value_len, struct kv_cmd *cmd,
		 u16 *error_loc)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = sqe[NVME_KV_SQE_OPCODE];
	cmd->key_len = nvme_kv_sqe_get_key(sqe, cmd->key);
	cmd->options = sqe[NVME_KV_SQE_OPTIONS];
	cmd->size = nvme_kv_get_le32(sqe + NVME_KV_SQE_SIZE);

	switch (cmd->opcode) {
	case NVME_KV_CMD_STORE:
	case NVME_KV_CMD_RETRIEVE:
	case NVME_KV_CMD_DELETE:
	case NVME_KV_CMD_EXIST:
	case NVME_KV_CMD_LIST:
	case NVME_KV_CMD_LOCATE:
		break;
	case NVME_KV_CMD_TRANSFER:
		return 0;	/* no key: kv_frag_parse() decodes the rest */
	default:
		*error_loc = NVME_KV_SQE_OPCODE;
		return NVME_KV_SC_INVALID_OPCODE;
	}

	/* List may start from the first key: key length 0 */
	if ((cmd->key_len < NVME_KV_KEY_MIN &&
	     cmd->opcode != NVME_KV_CMD_LIST) ||
	    cmd->key_len > NVME_KV_KEY_MAX) {
		*error_loc = NVME_KV_SQE_KEY_LEN;
		return NVME_KV_SC_INVALID_KEY_SIZE;
	}

	switch (cmd->opcode) {
	case NVME_KV_CMD_STORE:
		if ((cmd->options & ~(NVME_KV_STORE_OPTIONS |
				      NVME_KV_STORE_VENDOR_OPTIONS)) ||
		    ((cmd->options & NVME_KV_STORE_SIKE) &&
		     (cmd->options & NVME_KV_STORE_SINKE)) ||
		    ((cmd->options & NVME_KV_STORE_INLINE) &&
		     (cmd->options & NVME_KV_STORE_APPEND))) {
			*error_loc = NVME_KV_SQE_OPTIONS;
			return NVME_KV_SC_INVALID_FIELD;
		}
		if (cmd->size > max_value_len) {
			*error_loc = NVME_KV_SQE_SIZE;
			return NVME_KV_SC_INVALID_VALUE_SIZE;
		}
		break;
	case NVME_KV_CMD_RETRIEVE:
		if (cmd->options & ~NVME_KV_RETRIEVE_OPTIONS) {
			*error_loc = NVME_KV_SQE_OPTIONS;
			return NVME_KV_SC_INVALID_FIELD;
		}
		break;
	case NVME_KV_CMD_LOCATE:
		if (cmd->size < sizeof(struct nvme_kv_locate)) {
			*error_loc = NVME_KV_SQE_SIZE;
			return NVME_KV_SC_INVALID_FIELD;
		}
		fallthrough;
	case NVME_KV_CMD_LIST:
		/* room for at least the number of returned keys */
		if (cmd->size < 4) {
			*error_loc = NVME_KV_SQE_SIZE;
			return NVME_KV_SC_INVALID_FIELD;
		}
		fallthrough;
	default:
		/* Delete, Exist, List and Locate define no options */
		if (cmd->options) {
			*error_loc = NVME_KV_SQE_OPTIONS;
			return NVME_KV_SC_INVALID_FIELD;
		}
		break;
	}
	return 0;
}

static bool kv_param_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ',';
}

/* a decimal number up to @max that fills [s, end) exactly */
static int kv_param_u32(const char *s, const char *end, u32 max, u32 *val)
{
	u64 v = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (u64)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	*val = (u32)v;
	return 0;
}

/**
 * kv_parse_params() - parse the csi_params string of a KV namespace
 * @str:	"name=value" settings separated by blanks or commas
 * @params:	defaults on entry; the settings of @str on success
 *
 * Names: max_value_len (1..KV_PARAM_VALUE_LEN_MAX), group_commit (0 or 1),
 * group_commit_delay_us (0..KV_PARAM_DELAY_US_MAX), reassembly_cap
 * (0..KV_PARAM_REASSEMBLY_CAP_MAX; 0 refuses every fragment),
 * reassembly_timeout_ms (KV_PARAM_TIMEOUT_MS_MIN..KV_PARAM_TIMEOUT_MS_MAX),
 * cache_slots (0..KV_PARAM_CACHE_SLOTS_MAX), cache_block_slots
 * (1..KV_PARAM_CACHE_BLOCK_SLOTS_MAX), cache_lease_ms
 * (1..KV_PARAM_CACHE_LEASE_MS_MAX), cache_block_nsid (0..FFFFFFFEh; 0:
 * none), cache_host_fills (0 or 1), truncate_damaged_log (0 or 1).
 * A name given twice takes its last value.
 *
 * Return: 0, or -EINVAL for an unknown name, a missing or malformed value,
 * or a value out of range; @params is unchanged then.
 */
int kv_parse_params(const char *str, struct kv_params *params)
{
	struct kv_params p = *params;
	const char *name, *eq, *end;
	size_t len;
	u32 v;

	while (*str) {
		if (kv_param_sep(*str)) {
			str++;
			continue;
		}
		name = str;
		while (*str && !kv_param_sep(*str))
			str++;
		end = str;
		eq = memchr(name, '=', (size_t)(end - name));
		if (!eq)
			return -EINVAL;
		len = (size_t)(eq - name);
		if (len == 13 && !memcmp(name, "max_value_len", len)) {
			if (kv_param_u32(eq + 1, end, KV_PARAM_VALUE_LEN_MAX,
					 &v) || !v)
				return -EINVAL;
			p.max_value_len = v;
		} else if (len == 12 && !memcmp(name, "group_commit", len)) {
			if (kv_param_u32(eq + 1, end, 1, &v))
				return -EINVAL;
			p.group_commit = v;
		} else if (len == 21 &&
			   !memcmp(name, "group_commit_delay_us", len)) {
			if (kv_param_u32(eq + 1, end, KV_PARAM_DELAY_US_MAX,
					 &v))
				return -EINVAL;
			p.group_commit_delay_us = v;
		} else if (len == 14 && !memcmp(name, "reassembly_cap", len)) {
			if (kv_param_u32(eq + 1, end,
					 KV_PARAM_REASSEMBLY_CAP_MAX, &v))
				return -EINVAL;
			p.reassembly_cap = v;
		} else if (len == 21 &&
			   !memcmp(name, "reassembly_timeout_ms", len)) {
			if (kv_param_u32(eq + 1, end, KV_PARAM_TIMEOUT_MS_MAX,
					 &v) || v < KV_PARAM_TIMEOUT_MS_MIN)
				return -EINVAL;
			p.reassembly_timeout_ms = v;
		} else if (len == 11 && !memcmp(name, "cache_slots", len)) {
			if (kv_param_u32(eq + 1, end, KV_PARAM_CACHE_SLOTS_MAX,
					 &v))
				return -EINVAL;
			p.cache_slots = v;
		} else if (len == 17 &&
			   !memcmp(name, "cache_block_slots", len)) {
			if (kv_param_u32(eq + 1, end,
					 KV_PARAM_CACHE_BLOCK_SLOTS_MAX, &v) ||
			    !v)
				return -EINVAL;
			p.cache_block_slots = v;
		} else if (len == 14 && !memcmp(name, "cache_lease_ms", len)) {
			if (kv_param_u32(eq + 1, end,
					 KV_PARAM_CACHE_LEASE_MS_MAX, &v) || !v)
				return -EINVAL;
			p.cache_lease_ms = v;
		} else if (len == 16 &&
			   !memcmp(name, "cache_block_nsid", len)) {
			if (kv_param_u32(eq + 1, end, 0xfffffffeU, &v))
				return -EINVAL;
			p.cache_block_nsid = v;
		} else if (len == 16 &&
			   !memcmp(name, "cache_host_fills", len)) {
			if (kv_param_u32(eq + 1, end, 1, &v))
				return -EINVAL;
			p.cache_host_fills = v;
		} else if (len == 20 &&
			   !memcmp(name, "truncate_damaged_log", len)) {
			if (kv_param_u32(eq + 1, end, 1, &v))
				return -EINVAL;
			p.truncate_damaged_log = v;
		} else {
			return -EINVAL;
		}
	}
	/* a cache holds at least one whole block */
	if (p.cache_slots && p.cache_slots < p.cache_block_slots)
		return -EINVAL;
	*params = p;
	return 0;
}
