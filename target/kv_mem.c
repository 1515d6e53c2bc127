// SPDX-License-Identifier: GPL-2.0
/*
 * In-memory pairs of a KV namespace (see kv_mem.h).
 *
 * Locking: kv_mem.lock (a mutex) serialises every operation on one
 * namespace.  Callers run in nvmet's process-context execute path and may
 * sleep; the lock is never taken in atomic context.
 */
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include "nvmet.h"
#include "kv_mem.h"

struct kv_mem_entry {
	struct hlist_node	node;
	u8			key_len;
	u8			key[NVME_KV_KEY_MAX];
	u32			value_len;
	void			*value;	/* kvmalloc()ed */
};

static struct hlist_head *kv_mem_bucket(struct kv_mem *m, const u8 *key,
					u8 key_len)
{
	return &m->buckets[jhash(key, key_len, key_len) &
			   ((1 << KV_MEM_HASH_BITS) - 1)];
}

static struct kv_mem_entry *kv_mem_find(struct kv_mem *m,
					const struct kv_cmd *cmd)
{
	struct kv_mem_entry *e;

	lockdep_assert_held(&m->lock);
	hlist_for_each_entry(e, kv_mem_bucket(m, cmd->key, cmd->key_len), node)
		if (e->key_len == cmd->key_len &&
		    !memcmp(e->key, cmd->key, cmd->key_len))
			return e;
	return NULL;
}

void kv_mem_init(struct kv_mem *m)
{
	mutex_init(&m->lock);
	__hash_init(m->buckets, ARRAY_SIZE(m->buckets));
	m->nr_keys = 0;
	m->bytes = 0;
}

void kv_mem_destroy(struct kv_mem *m)
{
	struct kv_mem_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(m->buckets); i++) {
		hlist_for_each_entry_safe(e, tmp, &m->buckets[i], node) {
			hlist_del(&e->node);
			kvfree(e->value);
			kfree(e);
		}
	}
	mutex_destroy(&m->lock);
}

/**
 * kv_mem_store() - insert or replace a pair
 * @m:		the pairs
 * @cmd:	validated Store command
 * @value:	kvmalloc()ed value of cmd->size bytes; owned by @m on success
 *
 * Return: 0, or the KV status for a Store option that forbids it, or
 * NVME_SC_INTERNAL when memory runs out.
 */
u16 kv_mem_store(struct kv_mem *m, const struct kv_cmd *cmd, void *value)
{
	struct kv_mem_entry *e, *n = NULL;
	u16 status = 0;

	mutex_lock(&m->lock);
	e = kv_mem_find(m, cmd);
	if (e && (cmd->options & NVME_KV_STORE_SINKE)) {
		status = NVME_KV_SC_KEY_EXISTS | NVME_STATUS_DNR;
		goto unlock;
	}
	if (!e && (cmd->options & NVME_KV_STORE_SIKE)) {
		status = NVME_KV_SC_KEY_NOT_EXISTS | NVME_STATUS_DNR;
		goto unlock;
	}

	if (e) {
		m->bytes -= e->value_len;
		kvfree(e->value);
	} else {
		n = kzalloc(sizeof(*n), GFP_KERNEL);
		if (!n) {
			status = NVME_SC_INTERNAL;
			goto unlock;
		}
		n->key_len = cmd->key_len;
		memcpy(n->key, cmd->key, cmd->key_len);
		hlist_add_head(&n->node,
			       kv_mem_bucket(m, cmd->key, cmd->key_len));
		m->nr_keys++;
		m->bytes += cmd->key_len;
		e = n;
	}
	e->value = value;
	e->value_len = cmd->size;
	m->bytes += cmd->size;
unlock:
	mutex_unlock(&m->lock);
	return status;
}

/**
 * kv_mem_retrieve() - copy a value into a Retrieve request's buffer
 * @m:		the pairs
 * @cmd:	validated Retrieve command; cmd->size is the host buffer size
 * @req:	the request whose data buffer receives the value
 * @value_len:	out: full size of the stored value
 *
 * Copies min(cmd->size, value size) bytes and zeroes the rest of the host
 * buffer, so no stale target memory reaches the host.
 *
 * Return: 0, KV Key Does Not Exist, or a data transfer status.
 */
u16 kv_mem_retrieve(struct kv_mem *m, const struct kv_cmd *cmd,
		    struct nvmet_req *req, u32 *value_len)
{
	struct kv_mem_entry *e;
	u32 n;
	u16 status;

	mutex_lock(&m->lock);
	e = kv_mem_find(m, cmd);
	if (!e) {
		status = NVME_KV_SC_KEY_NOT_EXISTS | NVME_STATUS_DNR;
		goto unlock;
	}
	n = min(cmd->size, e->value_len);
	status = nvmet_copy_to_sgl(req, 0, e->value, n);
	if (!status && n < cmd->size)
		status = nvmet_zero_sgl(req, n, cmd->size - n);
	*value_len = e->value_len;
unlock:
	mutex_unlock(&m->lock);
	return status;
}

u64 kv_mem_bytes(struct kv_mem *m)
{
	u64 bytes;

	mutex_lock(&m->lock);
	bytes = m->bytes;
	mutex_unlock(&m->lock);
	return bytes;
}
