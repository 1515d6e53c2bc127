/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding and validation of KV I/O commands.  Builds in the kernel and in
 * user space; no allocation, no locking, no side effects.
 */
#ifndef NVMET_KV_PARSE_H
#define NVMET_KV_PARSE_H

#include "kv_types.h"

/**
 * struct kv_cmd - a decoded KV I/O command
 * @opcode:	NVME_KV_CMD_*
 * @key_len:	key length, NVME_KV_KEY_MIN..NVME_KV_KEY_MAX once validated
 * @options:	Store or Retrieve option bits
 * @key:	key bytes, zero past @key_len
 * @size:	Store: value size; Retrieve: host buffer size
 */
struct kv_cmd {
	u8	opcode;
	u8	key_len;
	u8	options;
	u8	key[NVME_KV_KEY_MAX];
	u32	size;
};

u16 kv_parse_cmd(const u8 *sqe, u32 max_value_len, struct kv_cmd *cmd,
		 u16 *error_loc);

#endif /* NVMET_KV_PARSE_H */
