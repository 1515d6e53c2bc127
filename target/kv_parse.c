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

/* one setting: its name, where it sits in struct kv_params, its range */
struct kv_param_desc {
	const char	*name;
	size_t		offset;
	bool		is_bool;
	u32		min;
	u32		max;
};

#define KV_PARAM_U32(_name, _min, _max) \
	{ #_name, offsetof(struct kv_params, _name), false, _min, _max }
#define KV_PARAM_BOOL(_name) \
	{ #_name, offsetof(struct kv_params, _name), true, 0, 1 }

static const struct kv_param_desc kv_param_descs[] = {
	KV_PARAM_U32(max_value_len, 1, KV_PARAM_VALUE_LEN_MAX),
	KV_PARAM_BOOL(group_commit),
	KV_PARAM_U32(group_commit_delay_us, 0, KV_PARAM_DELAY_US_MAX),
	KV_PARAM_U32(reassembly_cap, 0, KV_PARAM_REASSEMBLY_CAP_MAX),
	KV_PARAM_U32(reassembly_timeout_ms, KV_PARAM_TIMEOUT_MS_MIN,
		     KV_PARAM_TIMEOUT_MS_MAX),
	KV_PARAM_U32(cache_slots, 0, KV_PARAM_CACHE_SLOTS_MAX),
	KV_PARAM_U32(cache_block_slots, 1, KV_PARAM_CACHE_BLOCK_SLOTS_MAX),
	KV_PARAM_U32(cache_lease_ms, 1, KV_PARAM_CACHE_LEASE_MS_MAX),
	KV_PARAM_U32(cache_block_nsid, 0, 0xfffffffeU),
	KV_PARAM_BOOL(cache_host_fills),
	KV_PARAM_BOOL(truncate_damaged_log),
};

static const struct kv_param_desc *kv_param_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kv_param_descs); i++)
		if (!strcmp(kv_param_descs[i].name, name))
			return &kv_param_descs[i];
	return NULL;
}

/**
 * kv_param_name() - the name of a setting of a KV namespace
 * @i:		its index, from 0
 *
 * Return: the name, which is also its configfs attribute, or NULL when
 * @i is past the last setting.
 */
const char *kv_param_name(size_t i)
{
	return i < ARRAY_SIZE(kv_param_descs) ? kv_param_descs[i].name : NULL;
}

/**
 * kv_parse_param() - parse one setting of a KV namespace
 * @name:	the setting's name, NUL-terminated (its configfs attribute)
 * @val:	its value as written, a decimal number; one trailing newline
 *		is allowed.  Need not be NUL-terminated.
 * @len:	bytes at @val
 * @params:	the settings; only @name's field changes, and only on success
 *
 * Names: max_value_len (1..KV_PARAM_VALUE_LEN_MAX), group_commit (0 or 1),
 * group_commit_delay_us (0..KV_PARAM_DELAY_US_MAX), reassembly_cap
 * (0..KV_PARAM_REASSEMBLY_CAP_MAX), reassembly_timeout_ms
 * (KV_PARAM_TIMEOUT_MS_MIN..KV_PARAM_TIMEOUT_MS_MAX), cache_slots
 * (0..KV_PARAM_CACHE_SLOTS_MAX; 0: no cache), cache_block_slots
 * (1..KV_PARAM_CACHE_BLOCK_SLOTS_MAX), cache_lease_ms
 * (1..KV_PARAM_CACHE_LEASE_MS_MAX), cache_block_nsid (0..FFFFFFFEh; 0:
 * none), cache_host_fills (0 or 1), truncate_damaged_log (0 or 1).
 * Settings that must agree with each other are checked by
 * kv_params_check(), when the namespace is enabled.
 *
 * Return: 0, or -EINVAL for an unknown name, a missing or malformed value,
 * or a value out of range.
 */
int kv_parse_param(const char *name, const char *val, size_t len,
		   struct kv_params *params)
{
	const struct kv_param_desc *d = kv_param_find(name);
	u8 *field;
	u32 v;

	if (!d)
		return -EINVAL;
	if (len && val[len - 1] == '\n')
		len--;
	if (kv_param_u32(val, val + len, d->max, &v) || v < d->min)
		return -EINVAL;
	field = (u8 *)params + d->offset;
	if (d->is_bool)
		*(bool *)field = v;
	else
		*(u32 *)field = v;
	return 0;
}

/**
 * kv_param_value() - read one setting of a KV namespace
 * @name:	the setting's name, as for kv_parse_param()
 * @params:	the settings
 * @val:	its value (0 or 1 for an on/off setting) on success
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int kv_param_value(const char *name, const struct kv_params *params,
		   u32 *val)
{
	const struct kv_param_desc *d = kv_param_find(name);
	const u8 *field;

	if (!d)
		return -EINVAL;
	field = (const u8 *)params + d->offset;
	*val = d->is_bool ? *(const bool *)field : *(const u32 *)field;
	return 0;
}

/**
 * kv_params_check() - check that the settings of a namespace agree
 * @params:	settings each of which kv_parse_param() accepted
 *
 * Return: 0, or -EINVAL if a cache is asked for that holds less than one
 * whole block (0 < cache_slots < cache_block_slots).
 */
int kv_params_check(const struct kv_params *params)
{
	if (params->cache_slots &&
	    params->cache_slots < params->cache_block_slots)
		return -EINVAL;
	return 0;
}
