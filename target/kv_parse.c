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
 * Return: 0, or the status code (SCT 0h) the command must fail with:
 * Invalid Command Opcode, Invalid Key Size for a key length of 0 or above
 * NVME_KV_KEY_MAX, Invalid Field in Command for unknown or contradictory
 * option bits, Invalid Value Size for a Store above @max_value_len.
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
		break;
	default:
		*error_loc = NVME_KV_SQE_OPCODE;
		return NVME_KV_SC_INVALID_OPCODE;
	}

	if (cmd->key_len < NVME_KV_KEY_MIN || cmd->key_len > NVME_KV_KEY_MAX) {
		*error_loc = NVME_KV_SQE_KEY_LEN;
		return NVME_KV_SC_INVALID_KEY_SIZE;
	}

	if (cmd->opcode == NVME_KV_CMD_STORE) {
		if ((cmd->options & ~NVME_KV_STORE_OPTIONS) ||
		    ((cmd->options & NVME_KV_STORE_SIKE) &&
		     (cmd->options & NVME_KV_STORE_SINKE))) {
			*error_loc = NVME_KV_SQE_OPTIONS;
			return NVME_KV_SC_INVALID_FIELD;
		}
		if (cmd->size > max_value_len) {
			*error_loc = NVME_KV_SQE_SIZE;
			return NVME_KV_SC_INVALID_VALUE_SIZE;
		}
	} else if (cmd->options & ~NVME_KV_RETRIEVE_OPTIONS) {
		*error_loc = NVME_KV_SQE_OPTIONS;
		return NVME_KV_SC_INVALID_FIELD;
	}
	return 0;
}
