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

/* Largest max_value_len a namespace may ask for: 32 MiB */
#define KV_PARAM_VALUE_LEN_MAX		(32U << 20)
/* Longest group_commit_delay_us: one second */
#define KV_PARAM_DELAY_US_MAX		1000000U
/* reassembly_cap: at most 256 MiB per controller */
#define KV_PARAM_REASSEMBLY_CAP_MAX	(256U << 20)
/* reassembly_timeout_ms: 10 ms .. 10 minutes */
#define KV_PARAM_TIMEOUT_MS_MIN		10U
#define KV_PARAM_TIMEOUT_MS_MAX		600000U
/* cache_slots: at most 16 Mi slots (2 GiB of DRAM) */
#define KV_PARAM_CACHE_SLOTS_MAX	(16U << 20)
/* cache_block_slots: 1 .. 64 (KV_CACHE_BLOCK_SLOTS_MAX) */
#define KV_PARAM_CACHE_BLOCK_SLOTS_MAX	64U
/* cache_lease_ms: 1 ms .. 1 minute */
#define KV_PARAM_CACHE_LEASE_MS_MAX	60000U

/**
 * struct kv_params - settings of one KV namespace (its configfs group "kv")
 * @max_value_len:		largest value a Store may carry, in bytes
 * @group_commit:		commit many queued operations per device write
 * @group_commit_delay_us:	wait for more operations before a batch that
 *				is not full
 * @reassembly_cap:		memory the inline-transfer fragments of one
 *				controller may hold, in bytes
 * @reassembly_timeout_ms:	fragments not committed by a Store within
 *				this time after the last one are dropped
 * @cache_slots:		slots of the DRAM cache, 0 for none
 * @cache_block_slots:		slots per cache block (a key's candidates)
 * @cache_lease_ms:		how long a fill may hold a slot
 * @cache_block_nsid:		a namespace of the subsystem that exposes the
 *				backing device read-only, named to one-sided
 *				readers for values the cache holds by location
 *				(0: none)
 * @cache_host_fills:		hosts fill the cache over RDMA; the target's
 *				Retrieve only reads it
 * @truncate_damaged_log:	a damaged record in the middle of the log
 *				ends the log, and the pairs of every record
 *				after it are lost, instead of the store
 *				being refused (recovery, at the
 *				administrator's word)
 */
struct kv_params {
	u32	max_value_len;
	bool	group_commit;
	u32	group_commit_delay_us;
	u32	reassembly_cap;
	u32	reassembly_timeout_ms;
	u32	cache_slots;
	u32	cache_block_slots;
	u32	cache_lease_ms;
	u32	cache_block_nsid;
	bool	cache_host_fills;
	bool	truncate_damaged_log;
};

int kv_parse_param(const char *name, const char *val, size_t len,
		   struct kv_params *params);
int kv_param_value(const char *name, const struct kv_params *params,
		   u32 *val);
const char *kv_param_name(size_t i);
int kv_params_check(const struct kv_params *params);

#endif /* NVMET_KV_PARSE_H */
