/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-memory pairs of a KV namespace.  Temporary: the durable store engine
 * on the namespace's backing device replaces it.
 */
#ifndef NVMET_KV_MEM_H
#define NVMET_KV_MEM_H

#include <linux/mutex.h>
#include <linux/types.h>
#include "kv_parse.h"

struct nvmet_req;

#define KV_MEM_HASH_BITS	10

/**
 * struct kv_mem - hash table of pairs
 * @lock:	protects all fields and the entries; held while a value is
 *		copied to or from a request, so it is a sleeping lock
 * @buckets:	hash chains
 * @nr_keys:	number of pairs
 * @bytes:	key and value bytes held
 */
struct kv_mem {
	struct mutex		lock;	/* see above */
	struct hlist_head	buckets[1 << KV_MEM_HASH_BITS];
	u64			nr_keys;
	u64			bytes;
};

void kv_mem_init(struct kv_mem *m);
void kv_mem_destroy(struct kv_mem *m);
u16 kv_mem_store(struct kv_mem *m, const struct kv_cmd *cmd, void *value);
u16 kv_mem_retrieve(struct kv_mem *m, const struct kv_cmd *cmd,
		    struct nvmet_req *req, u32 *value_len);
u64 kv_mem_bytes(struct kv_mem *m);

#endif /* NVMET_KV_MEM_H */
