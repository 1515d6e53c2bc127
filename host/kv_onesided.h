/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-sided reads of a KV namespace's cache over RDMA (kv_onesided.c,
 * Documentation/cache.md).
 */
#ifndef NVME_KV_ONESIDED_H
#define NVME_KV_ONESIDED_H

#include <linux/types.h>

/* longest value a host fill puts in a slot (the slot's inline value) */
#define NVME_KV_ONESIDED_VALUE_MAX	64

struct nvme_ctrl;
struct nvme_kv_onesided;
struct nvme_kv_onesided_fill;

/* enum nvme_kv_onesided_stat: counters of a session */
enum nvme_kv_onesided_stat {
	NVME_KV_ONESIDED_HITS,		/* GETs served by RDMA READ alone */
	NVME_KV_ONESIDED_MISSES,	/* GETs that went on to Retrieve */
	NVME_KV_ONESIDED_READS,		/* RDMA READs of a block */
	NVME_KV_ONESIDED_BUSY,		/* reads that found a fill of the key */
	NVME_KV_ONESIDED_TORN,		/* torn copies, changed records */
	NVME_KV_ONESIDED_RECORDS,	/* hits read from the block namespace */
	NVME_KV_ONESIDED_FILLS,		/* values this host made complete */
	NVME_KV_ONESIDED_ABANDONED,	/* fills left locked (fault injection) */
	NVME_KV_ONESIDED_DEVICE_FILLS,	/* misses served from the device */
	NVME_KV_ONESIDED_SESSIONS,	/* sessions set up (1 + reconnects) */
	NVME_KV_ONESIDED_TOUCHES,	/* hits that wrote their slot's LRU time */
	NVME_KV_ONESIDED_NR_STATS,
};

struct nvme_kv_onesided *nvme_kv_onesided_start(struct nvme_ctrl *ctrl,
						struct nvme_ns *ns, u32 nsid);
int nvme_kv_onesided_get(struct nvme_kv_onesided *os, const u8 *key,
			 u8 key_len, void __user *ubuf, u32 buf_len,
			 u32 *value_len, struct nvme_kv_onesided_fill **fill);
void nvme_kv_onesided_fill(struct nvme_kv_onesided *os,
			   struct nvme_kv_onesided_fill *fill,
			   const void *value, u32 len, bool ok);
bool nvme_kv_onesided_ready(struct nvme_kv_onesided *os);
u64 nvme_kv_onesided_stat(struct nvme_kv_onesided *os,
			  enum nvme_kv_onesided_stat stat);
void nvme_kv_onesided_stop(struct nvme_kv_onesided *os);

#endif /* NVME_KV_ONESIDED_H */
