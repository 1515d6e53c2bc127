// SPDX-License-Identifier: GPL-2.0
/*
 * nvmet-kv: the NVMe Key Value command set (CSI 01h) for the Linux NVMe
 * target.  A KV namespace is an nvmet namespace whose configfs "csi" is 1
 * and whose device_path is a block device; nvmet loads this module for it
 * on enable (alias nvmet-csi-1).  The pairs live in a durable store engine
 * (kv_store.c) on that device.
 *
 * Settings: the attributes of the namespace's configfs group "kv"
 * (kv_configfs.c, "mkdir namespaces/N/kv"), one per field of struct
 * kv_params, which start from the module parameters when the group is made;
 * a namespace without the group uses the module parameters.  They are read
 * when the namespace is enabled and cannot change until it is disabled.
 *
 * Concurrency and locking, per namespace:
 *  - Stores and Deletes are queued on kns->pending (spinlock
 *    kns->pending_lock, never held across anything that sleeps) and made
 *    durable by kns->commit_work, which runs on nvmet_kv_wq; a work item
 *    never runs concurrently with itself, so there is one committer.  It
 *    takes up to NVMET_KV_BATCH_OPS queued operations per batch (1 when
 *    group commit is off) and completes their requests only after the
 *    batch is on stable storage.
 *  - Retrieve, Exist and List hold kns->lock (rwsem) for read while they
 *    use the index and read values; the engine takes it for write through
 *    its io->lock callback when it changes the index or frees log space.
 *  - The DRAM cache (kv_cache.c, when kv/cache_slots is not 0):
 *    a slot changes state only under the spinlock of its block,
 *    kns->cache_locks[block % NVMET_KV_CACHE_LOCKS], which is taken inside
 *    kns->lock and never held across I/O.  Retrieve looks the key up under
 *    kns->lock for read; on a miss it locks a slot (B), reads the store
 *    and fills it (C), all without letting go of kns->lock, so no write is
 *    applied in between.  The engine's io->changed callback invalidates the
 *    written or moved key (C -> A, B -> D) under kns->lock for write,
 *    before the write is acknowledged: its linearization point.  Hosts
 *    connected to the one-sided service (kv_rdma.c) read the slots with
 *    RDMA READ and no lock at all; kv_cache.h says how a fill is ordered
 *    for them.  With cache_host_fills they also lock and fill slots by
 *    RDMA CAS and WRITE: the target then never takes a slot, reads them
 *    as hosts do (nvmet_kv_peek_host_filled()) and only clears occupied
 *    when it invalidates, still under its block lock.  ns_disable
 *    unexports the cache, which waits until no host's region covers it,
 *    before freeing it.
 *  - Inline transfers (BandSlim fragments) waiting for their Store live on
 *    kns->xfers, oldest deadline first, and in kns->xfer_table by
 *    (controller, tag); kns->xfer_mems (by controller ID) counts the
 *    memory each controller's transfers hold, struct and slots, against
 *    the namespace's reassembly_cap; struct nvmet_kv_host counts those of
 *    every controller of one host NQN against reassembly_host_cap, and
 *    nvmet_kv_xfer_held counts all of them against reassembly_total_cap
 *    (both read and charged under each namespace's own lock, so
 *    namespaces growing at once may pass them by one growth each, at most
 *    their reassembly_cap).  kns->xfer_lock (mutex) protects the
 *    namespace's part and is never held with kns->lock or across device
 *    I/O; nvmet_kv_hosts_lock (spinlock) nests inside it.
 *    kns->expire_work frees transfers whose deadline passed; nvmet's
 *    ctrl_free callback frees a controller's at once, before its pointer
 *    or ID could be reused, walking nvmet_kv_namespaces under
 *    nvmet_kv_ns_lock (taken inside subsys->lock, before kns->xfer_lock).
 *  - Everything here runs in process context (nvmet's execute path or the
 *    workqueue) and may sleep, but the execute path is the transport's
 *    receive or completion work, shared by every command of a queue (the
 *    CQ work on nvmet-rdma): a Retrieve there reads values only from the
 *    page cache (IOCB_NOWAIT | IOCB_NOIO), and one that would wait goes on
 *    nvmet_kv_wq, as io-cmd-file does with buffered reads.  Only the lock
 *    waits stay, and no holder of kns->lock waits for I/O it started
 *    except the Retrieves that already run on the workqueue.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/blkdev.h>
#include <linux/workqueue.h>
#include <linux/delay.h>
#include <linux/string_choices.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/rhashtable.h>
#include <linux/xarray.h>
#include <linux/hashtable.h>
#include <linux/stringhash.h>
#include "nvmet.h"
#include "kv_parse.h"
#include "kv_configfs.h"
#include "kv_store.h"
#include "kv_xfer.h"
#include "kv_cache.h"
#include "kv_rdma.h"

#define NVMET_KV_BATCH_OPS	KV_COMMIT_MAX_OPS
#define NVMET_KV_CACHE_LOCKS	256

static unsigned int max_value_len = 1024 * 1024;
module_param(max_value_len, uint, 0644);
MODULE_PARM_DESC(max_value_len,
		 "default value limit of a KV namespace enabled from now on, in bytes (default 1 MiB); an existing store keeps the larger of its own and this");

static bool group_commit = true;
module_param(group_commit, bool, 0644);
MODULE_PARM_DESC(group_commit,
		 "default for namespaces enabled from now on: commit many queued Stores and Deletes with one device write and flush (default on); off: one write and flush per operation");

static unsigned int reassembly_cap = 1024 * 1024;
module_param(reassembly_cap, uint, 0644);
MODULE_PARM_DESC(reassembly_cap,
		 "default for namespaces enabled from now on: memory the inline-transfer fragments of one controller may hold (default 1 MiB)");

static unsigned int reassembly_total_cap = 64 * 1024 * 1024;
module_param(reassembly_total_cap, uint, 0644);
MODULE_PARM_DESC(reassembly_total_cap,
		 "memory the inline-transfer fragments of all controllers of all namespaces may hold together (default 64 MiB)");

static unsigned int reassembly_host_cap = 16 * 1024 * 1024;
module_param(reassembly_host_cap, uint, 0644);
MODULE_PARM_DESC(reassembly_host_cap,
		 "memory the inline-transfer fragments of all controllers of one host NQN may hold together in all namespaces, so that no host takes all of reassembly_total_cap (default 16 MiB)");

static unsigned int cache_slots;
module_param(cache_slots, uint, 0644);
MODULE_PARM_DESC(cache_slots,
		 "default for namespaces enabled from now on: slots of the DRAM cache, 128 bytes each (default 0: no cache)");

static unsigned int cache_block_slots = 8;
module_param(cache_block_slots, uint, 0644);
MODULE_PARM_DESC(cache_block_slots,
		 "default for namespaces enabled from now on: slots per cache block, the places a key may be cached (default 8)");

static unsigned int cache_lease_ms = 100;
module_param(cache_lease_ms, uint, 0644);
MODULE_PARM_DESC(cache_lease_ms,
		 "default for namespaces enabled from now on: how long a fill may hold a cache slot (default 100)");

static unsigned int reassembly_timeout_ms = 5000;
module_param(reassembly_timeout_ms, uint, 0644);
MODULE_PARM_DESC(reassembly_timeout_ms,
		 "default for namespaces enabled from now on: drop inline-transfer fragments no Store committed within this time (default 5000)");

static unsigned int group_commit_delay_us;
module_param(group_commit_delay_us, uint, 0644);
MODULE_PARM_DESC(group_commit_delay_us,
		 "default for namespaces enabled from now on: wait this long for more operations before a batch that is not full (default 0: batch what queued while the last write was in flight)");

static struct workqueue_struct *nvmet_kv_wq;

/* A queued Store or Delete */
struct nvmet_kv_pending {
	struct list_head	entry;
	struct nvmet_req	*req;
	struct kv_op		op;
	void			*value;		/* kvmalloc()ed, Store only */
	bool			missing_ok;	/* Delete with EDNEK 0 */
};

/* What names a transfer: its controller and its tag (no padding) */
struct nvmet_kv_xfer_key {
	const struct nvmet_ctrl	*ctrl;
	u32			tag;
	u32			zero;
};

/*
 * A transfer being reassembled.  @key.ctrl is valid for as long as the
 * transfer exists: the ctrl_free callback frees it before nvmet frees the
 * controller (its cntlid is read through it).  @mem counts the struct and
 * its slots.
 */
struct nvmet_kv_xfer {
	struct list_head	entry;
	struct rhash_head	node;
	struct nvmet_kv_xfer_key key;
	struct kv_xfer		x;
	u32			mem;
	unsigned long		expires;
};

static const struct rhashtable_params nvmet_kv_xfer_params = {
	.key_len		= sizeof(struct nvmet_kv_xfer_key),
	.key_offset		= offsetof(struct nvmet_kv_xfer, key),
	.head_offset		= offsetof(struct nvmet_kv_xfer, node),
	.automatic_shrinking	= true,
};

/*
 * Memory the transfers of every controller of one host hold in every
 * namespace, against reassembly_host_cap.  A host is its host NQN, which
 * the host chooses: shares hold between hosts the subsystem tells apart
 * (allowed_hosts, DH-CHAP).  In nvmet_kv_hosts, hashed by NQN, under
 * nvmet_kv_hosts_lock, a spinlock taken inside kns->xfer_lock with nothing
 * taken inside it.  Every nvmet_kv_xfer_mem holds a reference (@refs,
 * under the lock); the last one to go frees the entry.  @held is charged
 * and given back under the xfer_lock of the namespace concerned.
 */
struct nvmet_kv_host {
	struct hlist_node	node;
	unsigned int		refs;
	atomic64_t		held;
	char			nqn[NVMF_NQN_FIELD_LEN];
};

static DEFINE_HASHTABLE(nvmet_kv_hosts, 6);
static DEFINE_SPINLOCK(nvmet_kv_hosts_lock);

/* Memory the transfers of one controller hold in one namespace */
struct nvmet_kv_xfer_mem {
	const struct nvmet_ctrl	*ctrl;
	struct nvmet_kv_host	*host;
	u32			mem;
};

/* Memory every transfer of every namespace holds (reassembly_total_cap) */
static atomic64_t nvmet_kv_xfer_held;

/* Enabled namespaces, for the ctrl_free callback */
static LIST_HEAD(nvmet_kv_namespaces);
static DEFINE_MUTEX(nvmet_kv_ns_lock);

/* Counters of a namespace, in debugfs nvmet_kv/<nsid>@<subsysnqn> */
enum nvmet_kv_stat {
	NVMET_KV_STAT_STORE_DPTR,
	NVMET_KV_STAT_STORE_APPEND,
	NVMET_KV_STAT_STORE_INLINE,
	NVMET_KV_STAT_TRANSFERS,
	NVMET_KV_STAT_TRANSFER_BYTES,
	NVMET_KV_STAT_INLINE_BYTES,
	NVMET_KV_STAT_XFER_EXPIRED,
	NVMET_KV_STAT_XFER_CAP,
	NVMET_KV_STAT_XFER_MALFORMED,
	NVMET_KV_STAT_CACHE_ABANDONED,
	NVMET_KV_STAT_RETRIEVES,
	NVMET_KV_STAT_RETRIEVE_NS,
	NVMET_KV_STAT_RETRIEVES_DEFERRED,
	NVMET_KV_NR_STATS,
};

static const char *const nvmet_kv_stat_names[NVMET_KV_NR_STATS] = {
	"stores_dptr", "stores_append", "stores_inline", "transfers",
	"transfer_bytes", "inline_bytes", "transfers_expired",
	"transfers_over_cap", "transfers_malformed", "cache_fills_abandoned",
	"retrieves", "retrieve_ns", "retrieves_deferred",
};

/**
 * struct nvmet_kv_ns - state of one enabled KV namespace (ns->iocs_data)
 * @ns:			the namespace
 * @file:		its block device, opened by nvmet
 * @lock:		readers' lock, see the top of this file
 * @store:		the store engine
 * @pending_lock:	protects @pending
 * @pending:		queued Stores and Deletes, oldest first
 * @commit_work:	the committer
 * @batch:		the committer's operations of one batch
 * @ops:		the same, as the engine takes them
 * @entry:		in nvmet_kv_namespaces (nvmet_kv_ns_lock)
 * @xfer_lock:		protects @xfers, @xfer_table, @xfer_mems, @xfer_held
 * @xfers:		transfers waiting for their Store, oldest deadline first
 * @xfer_table:		the same, by struct nvmet_kv_xfer_key
 * @xfer_mems:		controller ID -> struct nvmet_kv_xfer_mem
 * @xfer_held:		memory all of them hold
 * @expire_work:	frees transfers past their deadline
 * @stats:		enum nvmet_kv_stat
 * @debugfs:		the counters' file
 * @ednek:		feature 20h EDNEK, read and written with READ_ONCE() and
 *			WRITE_ONCE(); a Delete takes the value in effect when it
 *			executes
 * @cache:		the DRAM cache; cache.slots is NULL without one
 * @cache_locks:	the block locks of @cache
 * @abandon_fills:	fault injection (debugfs): so many next fills are left
 *			in state B, as by a one-sided filler that died
 * @abandon_name:	its file's name, in the nvmet_kv directory
 * @stall_retrieve_ms: fault injection (debugfs): the next Retrieve is
 *			answered so many milliseconds late, as by a device
 *			that stops responding; set back to 0 when taken
 * @stalled:		that Retrieve while it waits, or NULL; one at a time
 * @stall_work:		runs @stalled when its time is up
 * @stall_name:		the file's name of @stall_retrieve_ms
 * @started:		nvmet_kv_ns_start() succeeded: the store is recovered
 *			and everything below @store is set up.  Written by the
 *			start work only, read by nvmet_kv_ns_disable() after
 *			nvmet waited for that work.
 */
struct nvmet_kv_ns {
	struct nvmet_ns		*ns;
	struct file		*file;
	struct kv_params	params;
	struct rw_semaphore	lock;
	struct kv_store		store;
	spinlock_t		pending_lock;	/* protects @pending */
	struct list_head	pending;
	struct work_struct	commit_work;
	struct nvmet_kv_pending	*batch[NVMET_KV_BATCH_OPS];
	struct kv_op		ops[NVMET_KV_BATCH_OPS];
	struct list_head	entry;
	struct mutex		xfer_lock;	/* see the kernel-doc */
	struct list_head	xfers;
	struct rhashtable	xfer_table;
	struct xarray		xfer_mems;
	u64			xfer_held;
	struct delayed_work	expire_work;
	atomic64_t		stats[NVMET_KV_NR_STATS];
	struct dentry		*debugfs;
	bool			ednek;
	struct kv_cache		cache;
	spinlock_t		cache_locks[NVMET_KV_CACHE_LOCKS]; /* slot states */
	struct nvmet_kv_rdma_export *rdma_export;
	atomic_t		abandon_fills;
	char			*abandon_name;
	u32			stall_retrieve_ms;
	struct nvmet_req	*stalled;
	struct delayed_work	stall_work;
	char			*stall_name;
	bool			started;
};

static struct dentry *nvmet_kv_debugfs;

static inline struct nvmet_kv_ns *nvmet_kv_ns(struct nvmet_ns *ns)
{
	return ns->iocs_data;
}

/* ---- device access for the engine ---- */

static int nvmet_kv_dev_read(void *dev, u64 off, void *buf, u32 len)
{
	struct nvmet_kv_ns *kns = dev;
	loff_t pos = off;
	ssize_t ret;

	ret = kernel_read(kns->file, buf, len, &pos);
	if (ret < 0)
		return ret;
	return ret == len ? 0 : -EIO;
}

/*
 * A read from the page cache only: -EAGAIN if the bytes are not all
 * cached.  IOCB_NOIO as well as IOCB_NOWAIT: no I/O is even started, so
 * this never waits, not even for a device that completes reads while
 * they are submitted (brd).
 */
static int nvmet_kv_dev_read_nowait(void *dev, u64 off, void *buf, u32 len)
{
	struct nvmet_kv_ns *kns = dev;
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	struct kiocb iocb;
	ssize_t ret;

	if (!(kns->file->f_mode & FMODE_NOWAIT))
		return -EAGAIN;
	init_sync_kiocb(&iocb, kns->file);
	iocb.ki_pos = off;
	iocb.ki_flags |= IOCB_NOWAIT | IOCB_NOIO;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	ret = vfs_iocb_iter_read(kns->file, &iocb, &iter);
	if (ret < 0)
		return ret;
	/* a short read stopped at a page that is not cached */
	return ret == len ? 0 : -EAGAIN;
}

static int nvmet_kv_dev_write(void *dev, u64 off, const void *buf, u32 len)
{
	struct nvmet_kv_ns *kns = dev;
	loff_t pos = off;
	ssize_t ret;

	ret = kernel_write(kns->file, buf, len, &pos);
	if (ret < 0)
		return ret;
	return ret == len ? 0 : -EIO;
}

/* Writes back the page cache and flushes the device's volatile cache. */
static int nvmet_kv_dev_flush(void *dev)
{
	struct nvmet_kv_ns *kns = dev;

	return vfs_fsync(kns->file, 0);
}

static void nvmet_kv_dev_lock(void *dev)
{
	down_write(&((struct nvmet_kv_ns *)dev)->lock);
}

static void nvmet_kv_dev_unlock(void *dev)
{
	up_write(&((struct nvmet_kv_ns *)dev)->lock);
}

static spinlock_t *nvmet_kv_cache_lock(struct nvmet_kv_ns *kns, u32 block)
{
	return &kns->cache_locks[block % NVMET_KV_CACHE_LOCKS];
}

/* Replay gives up when the namespace is being disabled. */
static bool nvmet_kv_dev_stopping(void *dev)
{
	struct nvmet_kv_ns *kns = dev;

	return nvmet_ns_stopping(kns->ns);
}

/* Called by the engine with kns->lock held for write. */
static void nvmet_kv_dev_changed(void *dev, const u8 *key, u8 key_len)
{
	struct nvmet_kv_ns *kns = dev;
	u32 block;

	if (!kns->cache.slots)
		return;
	block = kv_cache_block(&kns->cache, key, key_len);
	spin_lock(nvmet_kv_cache_lock(kns, block));
	kv_cache_invalidate(&kns->cache, block, key, key_len);
	spin_unlock(nvmet_kv_cache_lock(kns, block));
}

/* ---- commands ---- */

static u16 nvmet_kv_status(u16 sc)
{
	if (!sc)
		return 0;
	if (sc == KV_STATUS_INTERNAL)
		return NVME_SC_INTERNAL;
	return sc | NVME_STATUS_DNR;
}

/* Decode req->cmd, which nvmet_kv_parse_io_cmd() has validated already. */
static void nvmet_kv_decode(struct nvmet_req *req, struct kv_cmd *cmd)
{
	u16 loc;

	kv_parse_cmd((const u8 *)req->cmd,
		     nvmet_kv_ns(req->ns)->store.max_value_len, cmd, &loc);
}

static void nvmet_kv_commit_work(struct work_struct *work)
{
	struct nvmet_kv_ns *kns = container_of(work, struct nvmet_kv_ns,
					       commit_work);
	struct nvmet_kv_pending **batch = kns->batch, *p;
	struct kv_op *ops = kns->ops;
	unsigned int n, i, done, max;
	int ret;

	for (;;) {
		max = kns->params.group_commit ? NVMET_KV_BATCH_OPS : 1;
		if (max > 1 && kns->params.group_commit_delay_us) {
			spin_lock(&kns->pending_lock);
			n = list_count_nodes(&kns->pending);
			spin_unlock(&kns->pending_lock);
			if (n && n < max)
				fsleep(kns->params.group_commit_delay_us);
		}

		n = 0;
		spin_lock(&kns->pending_lock);
		while (n < max && !list_empty(&kns->pending)) {
			p = list_first_entry(&kns->pending,
					     struct nvmet_kv_pending, entry);
			list_del(&p->entry);
			batch[n++] = p;
		}
		spin_unlock(&kns->pending_lock);
		if (!n)
			return;

		for (i = 0; i < n; i++)
			ops[i] = batch[i]->op;
		for (i = 0; i < n; i += done) {
			ret = kv_store_commit(&kns->store, ops + i, n - i);
			if (ret < 0) {
				pr_err_ratelimited("nsid %u: store failed: %d (%s at %llu; log tail %llu, head %llu)\n",
						   kns->ns->nsid, ret,
						   kns->store.fail_reason ?: "?",
						   kns->store.fail_pos,
						   kns->store.tail,
						   kns->store.head);
				break;	/* the engine set every status */
			}
			done = ret;
		}

		for (i = 0; i < n; i++) {
			p = batch[i];
			if (p->missing_ok &&
			    ops[i].status == NVME_KV_SC_KEY_NOT_EXISTS)
				ops[i].status = 0;	/* nothing was written */
			if (ops[i].status)
				p->req->error_loc = NVME_KV_SQE_KEY_LO;
			nvmet_req_complete(p->req, nvmet_kv_status(ops[i].status));
			kvfree(p->value);
			kfree(p);
		}
	}
}

static void nvmet_kv_queue(struct nvmet_kv_ns *kns, struct nvmet_kv_pending *p)
{
	spin_lock(&kns->pending_lock);
	list_add_tail(&p->entry, &kns->pending);
	spin_unlock(&kns->pending_lock);
	queue_work(nvmet_kv_wq, &kns->commit_work);
}

static struct nvmet_kv_pending *nvmet_kv_pending_alloc(struct nvmet_req *req,
						       const struct kv_cmd *cmd)
{
	struct nvmet_kv_pending *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->req = req;
	p->op.opcode = cmd->opcode;
	p->op.options = cmd->options;
	p->op.key_len = cmd->key_len;
	memcpy(p->op.key, cmd->key, sizeof(p->op.key));
	return p;
}

/* ---- inline transfer (BandSlim fragments) ---- */

/* Called with kns->xfer_lock held. */
static struct nvmet_kv_xfer_mem *nvmet_kv_xfer_mem(struct nvmet_kv_ns *kns,
						   const struct nvmet_ctrl *ctrl)
{
	struct nvmet_kv_xfer_mem *m = xa_load(&kns->xfer_mems, ctrl->cntlid);

	/* ctrl_free empties a controller's entry before its ID is reused */
	return m && !WARN_ON_ONCE(m->ctrl != ctrl) ? m : NULL;
}

/* The entry of @ctrl's host, with a reference taken; may sleep */
static struct nvmet_kv_host *nvmet_kv_host_get(const struct nvmet_ctrl *ctrl)
{
	u32 hash = full_name_hash(NULL, ctrl->hostnqn,
				  strnlen(ctrl->hostnqn, NVMF_NQN_FIELD_LEN));
	struct nvmet_kv_host *h, *new;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NULL;
	strscpy(new->nqn, ctrl->hostnqn, sizeof(new->nqn));
	spin_lock(&nvmet_kv_hosts_lock);
	hash_for_each_possible(nvmet_kv_hosts, h, node, hash) {
		if (!strcmp(h->nqn, new->nqn)) {
			h->refs++;
			spin_unlock(&nvmet_kv_hosts_lock);
			kfree(new);
			return h;
		}
	}
	new->refs = 1;
	hash_add(nvmet_kv_hosts, &new->node, hash);
	spin_unlock(&nvmet_kv_hosts_lock);
	return new;
}

static void nvmet_kv_host_put(struct nvmet_kv_host *h)
{
	bool last;

	spin_lock(&nvmet_kv_hosts_lock);
	last = !--h->refs;
	if (last)
		hash_del(&h->node);
	spin_unlock(&nvmet_kv_hosts_lock);
	if (last)
		kfree(h);
}

/* Memory @m's controller may still take, within all three caps */
static u32 nvmet_kv_xfer_room(struct nvmet_kv_ns *kns,
			      const struct nvmet_kv_xfer_mem *m)
{
	u64 total = READ_ONCE(reassembly_total_cap);
	u64 held = atomic64_read(&nvmet_kv_xfer_held);
	u64 host_cap = READ_ONCE(reassembly_host_cap);
	u64 host_held = atomic64_read(&m->host->held);
	u32 cap = kns->params.reassembly_cap;
	u64 room;

	room = min_t(u64, cap - min(m->mem, cap), total - min(held, total));
	return min(room, host_cap - min(host_held, host_cap));
}

/* Count @bytes more for @xf of @m's controller; xfer_lock held */
static void nvmet_kv_xfer_charge(struct nvmet_kv_ns *kns,
				 struct nvmet_kv_xfer_mem *m,
				 struct nvmet_kv_xfer *xf, u32 bytes)
{
	m->mem += bytes;
	xf->mem += bytes;
	kns->xfer_held += bytes;
	atomic64_add(bytes, &m->host->held);
	atomic64_add(bytes, &nvmet_kv_xfer_held);
}

/* Free @m if it counts nothing any more; xfer_lock held */
static void nvmet_kv_xfer_mem_put(struct nvmet_kv_ns *kns,
				  struct nvmet_kv_xfer_mem *m)
{
	if (m && !m->mem) {
		xa_erase(&kns->xfer_mems, m->ctrl->cntlid);
		nvmet_kv_host_put(m->host);
		kfree(m);
	}
}

/* Called with kns->xfer_lock held; frees @xf and gives back its memory. */
static void nvmet_kv_xfer_drop(struct nvmet_kv_ns *kns,
			       struct nvmet_kv_xfer *xf)
{
	struct nvmet_kv_xfer_mem *m = nvmet_kv_xfer_mem(kns, xf->key.ctrl);

	if (m) {
		m->mem -= min(m->mem, xf->mem);
		atomic64_sub(xf->mem, &m->host->held);
		nvmet_kv_xfer_mem_put(kns, m);
	}
	kns->xfer_held -= min_t(u64, kns->xfer_held, xf->mem);
	atomic64_sub(xf->mem, &nvmet_kv_xfer_held);
	rhashtable_remove_fast(&kns->xfer_table, &xf->node,
			       nvmet_kv_xfer_params);
	list_del(&xf->entry);
	kv_xfer_free(&xf->x);
	kfree(xf);
}

/* Called with kns->xfer_lock held. */
static struct nvmet_kv_xfer *nvmet_kv_xfer_find(struct nvmet_kv_ns *kns,
						const struct nvmet_ctrl *ctrl,
						u32 tag)
{
	struct nvmet_kv_xfer_key key = { .ctrl = ctrl, .tag = tag };

	return rhashtable_lookup_fast(&kns->xfer_table, &key,
				      nvmet_kv_xfer_params);
}

/* Drop every transfer of @ctrl in @kns (the controller goes away) */
static void nvmet_kv_xfer_ctrl_gone(struct nvmet_kv_ns *kns,
				    const struct nvmet_ctrl *ctrl)
{
	struct nvmet_kv_xfer *xf, *tmp;

	mutex_lock(&kns->xfer_lock);
	list_for_each_entry_safe(xf, tmp, &kns->xfers, entry)
		if (xf->key.ctrl == ctrl)
			nvmet_kv_xfer_drop(kns, xf);
	mutex_unlock(&kns->xfer_lock);
}

static void nvmet_kv_expire_work(struct work_struct *work)
{
	struct nvmet_kv_ns *kns = container_of(to_delayed_work(work),
					       struct nvmet_kv_ns, expire_work);
	struct nvmet_kv_xfer *xf, *tmp;

	mutex_lock(&kns->xfer_lock);
	list_for_each_entry_safe(xf, tmp, &kns->xfers, entry) {
		if (time_before(jiffies, xf->expires)) {
			mod_delayed_work(nvmet_kv_wq, &kns->expire_work,
					 xf->expires - jiffies);
			break;
		}
		atomic64_inc(&kns->stats[NVMET_KV_STAT_XFER_EXPIRED]);
		nvmet_kv_xfer_drop(kns, xf);
	}
	mutex_unlock(&kns->xfer_lock);
}

/* Transfer: keep one fragment of a value until its INLINE Store commits */
static void nvmet_kv_execute_transfer(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	struct nvmet_ctrl *ctrl = req->sq->ctrl;
	struct nvmet_kv_xfer_mem *m;
	struct nvmet_kv_xfer *xf;
	struct kv_frag *f;
	u32 added;
	u16 status, loc = NVME_KV_SQE_XFER_POS;

	if (!nvmet_check_transfer_len(req, 0))
		return;
	f = kmalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		nvmet_req_complete(req, NVME_SC_INTERNAL);
		return;
	}
	status = kv_frag_parse((const u8 *)req->cmd, f, &loc);
	if (status)
		goto out;

	mutex_lock(&kns->xfer_lock);
	/* the controller's accounting entry first, so nothing is uncounted */
	status = KV_STATUS_INTERNAL;
	m = nvmet_kv_xfer_mem(kns, ctrl);
	if (!m) {
		m = kzalloc(sizeof(*m), GFP_KERNEL);
		if (!m)
			goto out_unlock;
		m->ctrl = ctrl;
		m->host = nvmet_kv_host_get(ctrl);
		if (!m->host) {
			kfree(m);
			goto out_unlock;
		}
		if (xa_err(xa_store(&kns->xfer_mems, ctrl->cntlid, m,
				    GFP_KERNEL))) {
			nvmet_kv_host_put(m->host);
			kfree(m);
			goto out_unlock;
		}
	}
	xf = nvmet_kv_xfer_find(kns, ctrl, f->tag);
	if (!xf) {
		/* a new transfer's struct counts too */
		status = NVME_KV_SC_XFER_CAP;
		if (nvmet_kv_xfer_room(kns, m) < sizeof(*xf))
			goto out_put_mem;
		status = KV_STATUS_INTERNAL;
		xf = kzalloc(sizeof(*xf), GFP_KERNEL);
		if (!xf)
			goto out_put_mem;
		xf->key.ctrl = ctrl;
		xf->key.tag = f->tag;
		xf->x.tag = f->tag;
		if (rhashtable_insert_fast(&kns->xfer_table, &xf->node,
					   nvmet_kv_xfer_params)) {
			kfree(xf);
			goto out_put_mem;
		}
		list_add_tail(&xf->entry, &kns->xfers);
		nvmet_kv_xfer_charge(kns, m, xf, sizeof(*xf));
	}
	status = kv_xfer_add(&xf->x, f, nvmet_kv_xfer_room(kns, m), &added);
	if (status) {
		if (!xf->x.frags)
			nvmet_kv_xfer_drop(kns, xf);
		goto out_put_mem;
	}
	nvmet_kv_xfer_charge(kns, m, xf, added);
	/* every fragment renews the deadline; keep the list in its order */
	xf->expires = jiffies +
		      msecs_to_jiffies(kns->params.reassembly_timeout_ms);
	list_move_tail(&xf->entry, &kns->xfers);
	if (!delayed_work_pending(&kns->expire_work))
		mod_delayed_work(nvmet_kv_wq, &kns->expire_work,
				 msecs_to_jiffies(kns->params.reassembly_timeout_ms));
	atomic64_inc(&kns->stats[NVMET_KV_STAT_TRANSFERS]);
	atomic64_add(f->len, &kns->stats[NVMET_KV_STAT_TRANSFER_BYTES]);
out_put_mem:
	/* an entry lives only while it counts memory; drop may have freed it */
	nvmet_kv_xfer_mem_put(kns, nvmet_kv_xfer_mem(kns, ctrl));
out_unlock:
	mutex_unlock(&kns->xfer_lock);
out:
	if (status == NVME_KV_SC_XFER_CAP)
		atomic64_inc(&kns->stats[NVMET_KV_STAT_XFER_CAP]);
	else if (status && status != KV_STATUS_INTERNAL)
		atomic64_inc(&kns->stats[NVMET_KV_STAT_XFER_MALFORMED]);
	if (status)
		req->error_loc = loc;
	kfree(f);
	nvmet_req_complete(req, nvmet_kv_status(status));
}

/*
 * The value of an INLINE Store: its head from the command, the rest from the
 * fragments of its tag, which are consumed whether the value is whole or
 * not.  Returns a KV status.
 */
static u16 nvmet_kv_inline_value(struct nvmet_req *req,
				 const struct kv_cmd *cmd, u8 *value)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	struct nvmet_kv_xfer *xf;
	struct kv_xfer x;
	u32 tag, n;
	u16 status;

	n = kv_inline_head((const u8 *)req->cmd, cmd->size, value, &tag);
	atomic64_add(n, &kns->stats[NVMET_KV_STAT_INLINE_BYTES]);
	if (cmd->size <= NVME_KV_INLINE_SOLO)
		return 0;

	mutex_lock(&kns->xfer_lock);
	xf = nvmet_kv_xfer_find(kns, req->sq->ctrl, tag);
	if (!xf) {
		mutex_unlock(&kns->xfer_lock);
		req->error_loc = NVME_KV_SQE_STORE_TAG;
		return NVME_KV_SC_XFER_UNKNOWN_TAG;
	}
	/* take the fragments out; the value is assembled without the lock */
	x = xf->x;
	memset(&xf->x, 0, sizeof(xf->x));
	nvmet_kv_xfer_drop(kns, xf);
	mutex_unlock(&kns->xfer_lock);

	status = kv_xfer_assemble(&x, cmd->size, value);
	kv_xfer_free(&x);
	if (status) {
		atomic64_inc(&kns->stats[NVMET_KV_STAT_XFER_MALFORMED]);
		req->error_loc = NVME_KV_SQE_SIZE;
	}
	return status;
}

static void nvmet_kv_execute_store(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	bool inline_value, append;
	struct nvmet_kv_pending *p;
	struct kv_cmd cmd;
	u16 status;

	nvmet_kv_decode(req, &cmd);
	inline_value = cmd.options & NVME_KV_STORE_INLINE;
	append = cmd.options & NVME_KV_STORE_APPEND;
	if (!nvmet_check_transfer_len(req, inline_value ? 0 : cmd.size))
		return;
	/* APPEND: the value must fit the capsule the port advertises */
	if (append && cmd.size > max(req->port->inline_data_size, 0)) {
		req->error_loc = NVME_KV_SQE_OPTIONS;
		nvmet_req_complete(req, NVME_SC_INVALID_FIELD | NVME_STATUS_DNR);
		return;
	}

	status = NVME_SC_INTERNAL;
	p = nvmet_kv_pending_alloc(req, &cmd);
	if (!p)
		goto out;
	p->op.options &= ~NVME_KV_STORE_VENDOR_OPTIONS;
	p->value = kvmalloc(max_t(u32, cmd.size, 1), GFP_KERNEL);
	if (!p->value)
		goto out_free;
	if (inline_value)
		status = nvmet_kv_status(nvmet_kv_inline_value(req, &cmd,
							       p->value));
	else
		status = nvmet_copy_from_sgl(req, 0, p->value, cmd.size);
	if (status)
		goto out_free_value;
	atomic64_inc(&kns->stats[inline_value ? NVMET_KV_STAT_STORE_INLINE :
				 append ? NVMET_KV_STAT_STORE_APPEND :
				 NVMET_KV_STAT_STORE_DPTR]);
	p->op.value = p->value;
	p->op.value_len = cmd.size;
	nvmet_kv_queue(nvmet_kv_ns(req->ns), p);
	return;

out_free_value:
	kvfree(p->value);
out_free:
	kfree(p);
out:
	nvmet_req_complete(req, status);
}

static void nvmet_kv_execute_delete(struct nvmet_req *req)
{
	struct nvmet_kv_pending *p;
	struct kv_cmd cmd;

	nvmet_kv_decode(req, &cmd);
	if (!nvmet_check_transfer_len(req, 0))
		return;
	p = nvmet_kv_pending_alloc(req, &cmd);
	if (!p) {
		nvmet_req_complete(req, NVME_SC_INTERNAL);
		return;
	}
	p->missing_ok = !READ_ONCE(nvmet_kv_ns(req->ns)->ednek);
	nvmet_kv_queue(nvmet_kv_ns(req->ns), p);
}

/*
 * Not a status: the Retrieve would have waited for the device and must be
 * run again from nvmet_kv_wq (nvmet_kv_execute_retrieve()).
 */
#define NVMET_KV_WOULD_BLOCK	0xffff

/* The status of a Retrieve whose value read returned @ret */
static u16 nvmet_kv_read_status(int ret)
{
	if (ret == -EAGAIN)
		return NVMET_KV_WOULD_BLOCK;
	return ret ? NVME_KV_SC_UNRECOVERED_ERROR | NVME_STATUS_DNR : 0;
}

/*
 * Read the first *n = min(@cmd->size, value size) bytes of the value of
 * @cmd's key into *buf (kvmalloc()ed when *n is not 0), with kns->lock
 * held for read, straight from the store.  *buf is the caller's to free,
 * whatever the status.
 */
static u16 nvmet_kv_read_store(struct nvmet_kv_ns *kns,
			       const struct kv_cmd *cmd, unsigned int flags,
			       u32 *value_len, void **buf, u32 *n)
{
	const struct kv_index_entry *e;
	int ret;

	e = kv_store_lookup(&kns->store, cmd->key, cmd->key_len);
	if (!e)
		return NVME_KV_SC_KEY_NOT_EXISTS | NVME_STATUS_DNR;
	*value_len = e->value_len;
	*n = min(cmd->size, e->value_len);
	if (!*n)
		return 0;
	*buf = kvmalloc(*n, GFP_KERNEL);
	if (!*buf)
		return NVME_SC_INTERNAL;
	ret = kv_store_read_value(&kns->store, e, 0, *buf, *n, flags);
	return nvmet_kv_read_status(ret);
}

/*
 * The same through the cache: a hit copies the slot's value (or reads the
 * record it points at); a miss locks a slot, reads the store and fills the
 * slot.  With kns->lock held for read no write is applied meanwhile, so a
 * lookup that finds another fill of the key in progress (B), or no slot to
 * take, reads the store directly and gets what that fill gets.
 */
/*
 * A cache that hosts fill: its slots change under RDMA WRITE and CAS with
 * no lock the target could take, so read them as a host does, from a
 * copy whose checksum matches.  Leases are in the hosts' clock, the real
 * time.  0 and the value in @data on a hit, else -ENOENT.
 */
static int nvmet_kv_peek_host_filled(struct nvmet_kv_ns *kns, u32 block,
				     const struct kv_cmd *cmd, u8 *data,
				     u32 *value_len)
{
	struct kv_cache *c = &kns->cache;
	const struct kv_cache_slot *hit, *live;
	struct kv_cache_slot copy;
	u64 now = ktime_get_real_ns(), lock;

	if (kv_cache_peek(&c->slots[(u64)block * c->block_slots],
			  c->block_slots, cmd->key, cmd->key_len, now,
			  c->lease_ns, &live) == KV_PEEK_HIT) {
		/*
		 * The lock word before and after the copy, as a host reads a
		 * block twice (kv_cache_peek_confirmed()); the barriers keep
		 * the copy between the two loads.
		 */
		lock = READ_ONCE(live->sm.lock);
		smp_rmb();	/* the lock word before the copy */
		memcpy(&copy, live, sizeof(copy));
		smp_rmb();	/* the copy before the lock word again */
		if (READ_ONCE(live->sm.lock) == lock && copy.sm.lock == lock &&
		    kv_cache_peek(&copy, 1, cmd->key, cmd->key_len, now,
				  c->lease_ns, &hit) == KV_PEEK_HIT &&
		    copy.value_len <= KV_CACHE_INLINE_MAX) {
			*value_len = copy.value_len;
			memcpy(data, copy.data, copy.value_len);
			c->stats.hits++;
			return 0;
		}
	}
	c->stats.misses++;
	return -ENOENT;
}

static u16 nvmet_kv_read_cached(struct nvmet_kv_ns *kns,
				const struct kv_cmd *cmd, unsigned int flags,
				u32 *value_len, void **buf, u32 *n)
{
	struct kv_cache *c = &kns->cache;
	u32 block = kv_cache_block(c, cmd->key, cmd->key_len);
	spinlock_t *lock = nvmet_kv_cache_lock(kns, block);
	const struct kv_index_entry *e;
	struct kv_cache_slot *slot;
	u8 data[KV_CACHE_INLINE_MAX];
	enum kv_cache_result r;
	u64 pos = 0, id = 0;
	u32 len;
	int ret;

	if (kns->params.cache_host_fills) {
		/* hosts fill this cache over RDMA: only read it, as they do */
		if (!nvmet_kv_peek_host_filled(kns, block, cmd, data,
					       value_len))
			goto copy;
		return nvmet_kv_read_store(kns, cmd, flags, value_len, buf, n);
	}

	spin_lock(lock);
	r = kv_cache_get(c, block, cmd->key, cmd->key_len, ktime_get_ns(),
			 &slot, &id);
	if (r == KV_CACHE_HIT) {
		*value_len = slot->value_len;
		if (slot->value_len <= KV_CACHE_INLINE_MAX)
			memcpy(data, slot->data, slot->value_len);
		else
			pos = slot->sm.value;
	}
	spin_unlock(lock);

	if (r == KV_CACHE_BUSY || r == KV_CACHE_NO_SLOT)
		return nvmet_kv_read_store(kns, cmd, flags, value_len, buf, n);

	if (r == KV_CACHE_FILL) {
		e = kv_store_lookup(&kns->store, cmd->key, cmd->key_len);
		if (!e) {
			spin_lock(lock);
			kv_cache_abort(c, slot, id);
			spin_unlock(lock);
			return NVME_KV_SC_KEY_NOT_EXISTS | NVME_STATUS_DNR;
		}
		*value_len = e->value_len;
		pos = e->pos;
		ret = 0;
		if (e->value_len <= KV_CACHE_INLINE_MAX)
			ret = kv_store_read_value(&kns->store, e, 0, data,
						  e->value_len, flags);
		if (!ret && atomic_dec_if_positive(&kns->abandon_fills) >= 0) {
			/* the filler "dies": its lease frees the slot */
			atomic64_inc(&kns->stats[NVMET_KV_STAT_CACHE_ABANDONED]);
			goto copy;
		}
		spin_lock(lock);
		if (ret)
			kv_cache_abort(c, slot, id);
		else
			kv_cache_fill(c, slot, id, e->value_len, e->pos, e->seq, data,
				      ktime_get_ns());
		spin_unlock(lock);
		/* a fill that would wait is given up, and redone on the wq */
		if (ret)
			return nvmet_kv_read_status(ret);
	}

copy:
	len = *value_len;
	*n = min(cmd->size, len);
	if (!*n)
		return 0;
	*buf = kvmalloc(*n, GFP_KERNEL);
	if (!*buf)
		return NVME_SC_INTERNAL;
	if (len <= KV_CACHE_INLINE_MAX) {
		memcpy(*buf, data, *n);
		return 0;
	}
	/* the record stays put: the cleaner invalidates a key it moves */
	ret = kv_store_read_at(&kns->store, pos, *buf, *n, flags);
	return nvmet_kv_read_status(ret);
}

/*
 * Locate (82h): the log position, sequence and size of a key's record, so
 * that a host filling the cache reads the value from the block namespace.
 * The record is committed and on the device: the index holds no other.
 */
static void nvmet_kv_execute_locate(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	const struct kv_index_entry *e;
	struct nvme_kv_locate loc = { };
	struct kv_cmd cmd;
	u16 status = 0;

	nvmet_kv_decode(req, &cmd);
	if (!nvmet_check_transfer_len(req, cmd.size))
		return;

	down_read(&kns->lock);
	e = kv_store_lookup(&kns->store, cmd.key, cmd.key_len);
	if (e) {
		loc.pos = cpu_to_le64(e->pos);
		loc.seq = cpu_to_le64(e->seq);
		loc.value_len = cpu_to_le32(e->value_len);
	}
	up_read(&kns->lock);
	if (!e) {
		req->error_loc = NVME_KV_SQE_KEY_LO;
		status = NVME_KV_SC_KEY_NOT_EXISTS | NVME_STATUS_DNR;
		goto out;
	}
	status = nvmet_copy_to_sgl(req, 0, &loc, sizeof(loc));
	if (!status && cmd.size > sizeof(loc))
		status = nvmet_zero_sgl(req, sizeof(loc),
					cmd.size - sizeof(loc));
out:
	nvmet_req_complete(req, status);
}

/*
 * Run a Retrieve; with KV_READ_NOWAIT only as long as its reads need not
 * wait for the device.  False when it would have: nothing was sent to the
 * host and a slot it had taken for a fill is given back, so it can run
 * again.
 *
 * retrieve_ns in debugfs sums the time of the run that answered (ktime),
 * from the lookup to handing the value to the transport: the target's work
 * per GET without the transport's.  It is CPU time whenever nothing waits:
 * no writer holds kns->lock and the values are in the page cache.
 */
static bool nvmet_kv_retrieve(struct nvmet_req *req, unsigned int flags)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	u32 n = 0, value_len = 0;
	u64 start = ktime_get_ns();
	struct kv_cmd cmd;
	void *buf = NULL;
	u16 status;

	nvmet_kv_decode(req, &cmd);
	down_read(&kns->lock);
	if (kns->cache.slots)
		status = nvmet_kv_read_cached(kns, &cmd, flags, &value_len,
					      &buf, &n);
	else
		status = nvmet_kv_read_store(kns, &cmd, flags, &value_len,
					     &buf, &n);
	up_read(&kns->lock);
	if (status == NVMET_KV_WOULD_BLOCK) {
		kvfree(buf);
		return false;
	}
	if (status == (NVME_KV_SC_KEY_NOT_EXISTS | NVME_STATUS_DNR))
		req->error_loc = NVME_KV_SQE_KEY_LO;
	else
		nvmet_set_result(req, value_len);

	if (!status && n)
		status = nvmet_copy_to_sgl(req, 0, buf, n);
	/* no stale target memory reaches the host */
	if (!status && n < cmd.size)
		status = nvmet_zero_sgl(req, n, cmd.size - n);
	kvfree(buf);
	atomic64_inc(&kns->stats[NVMET_KV_STAT_RETRIEVES]);
	atomic64_add(ktime_get_ns() - start,
		     &kns->stats[NVMET_KV_STAT_RETRIEVE_NS]);
	nvmet_req_complete(req, status);
	return true;
}

static void nvmet_kv_retrieve_work(struct work_struct *work)
{
	struct nvmet_req *req = container_of(work, struct nvmet_req, f.work);

	nvmet_kv_retrieve(req, 0);
}

/*
 * The stalled Retrieve's time is up.  Once it completed, its namespace
 * may go away (nvmet waits for the request, not for this work); nothing
 * here touches @kns after it.
 */
static void nvmet_kv_stall_work(struct work_struct *work)
{
	struct nvmet_kv_ns *kns = container_of(to_delayed_work(work),
					       struct nvmet_kv_ns, stall_work);
	struct nvmet_req *req = xchg(&kns->stalled, NULL);

	if (req)
		nvmet_kv_retrieve(req, 0);
}

/* Fault injection: hold @req as stall_retrieve_ms asks.  True if held. */
static bool nvmet_kv_stall(struct nvmet_kv_ns *kns, struct nvmet_req *req)
{
	u32 ms;

	if (likely(!READ_ONCE(kns->stall_retrieve_ms)))
		return false;
	if (cmpxchg(&kns->stalled, NULL, req))
		return false;
	ms = xchg(&kns->stall_retrieve_ms, 0);
	if (!ms) {
		WRITE_ONCE(kns->stalled, NULL);
		return false;
	}
	queue_delayed_work(nvmet_kv_wq, &kns->stall_work,
			   msecs_to_jiffies(ms));
	return true;
}

static void nvmet_kv_execute_retrieve(struct nvmet_req *req)
{
	struct kv_cmd cmd;

	nvmet_kv_decode(req, &cmd);
	if (!nvmet_check_transfer_len(req, cmd.size))
		return;
	if (nvmet_kv_stall(nvmet_kv_ns(req->ns), req))
		return;
	if (nvmet_kv_retrieve(req, KV_READ_NOWAIT))
		return;
	/*
	 * A KV request uses none of the other members of the request's
	 * union (no bio, no kiocb of its own), so it borrows the work item
	 * io-cmd-file uses for the same purpose.
	 */
	atomic64_inc(&nvmet_kv_ns(req->ns)->stats[NVMET_KV_STAT_RETRIEVES_DEFERRED]);
	INIT_WORK(&req->f.work, nvmet_kv_retrieve_work);
	queue_work(nvmet_kv_wq, &req->f.work);
}

static void nvmet_kv_execute_exist(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	struct kv_cmd cmd;
	u16 status = 0;

	nvmet_kv_decode(req, &cmd);
	if (!nvmet_check_transfer_len(req, 0))
		return;
	down_read(&kns->lock);
	if (!kv_store_lookup(&kns->store, cmd.key, cmd.key_len)) {
		req->error_loc = NVME_KV_SQE_KEY_LO;
		status = NVME_KV_SC_KEY_NOT_EXISTS | NVME_STATUS_DNR;
	}
	up_read(&kns->lock);
	nvmet_req_complete(req, status);
}

static void nvmet_kv_execute_list(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	struct kv_cmd cmd;
	u32 used = 0;
	u16 status;
	u8 *buf;

	nvmet_kv_decode(req, &cmd);
	if (!nvmet_check_transfer_len(req, cmd.size))
		return;
	buf = kvmalloc(cmd.size, GFP_KERNEL);
	if (!buf) {
		nvmet_req_complete(req, NVME_SC_INTERNAL);
		return;
	}
	down_read(&kns->lock);
	status = kv_store_list(&kns->store, cmd.key, cmd.key_len, buf,
			       cmd.size, &used);
	up_read(&kns->lock);
	status = nvmet_kv_status(status);
	if (!status)
		status = nvmet_copy_to_sgl(req, 0, buf, used);
	if (!status && used < cmd.size)
		status = nvmet_zero_sgl(req, used, cmd.size - used);
	kvfree(buf);
	nvmet_req_complete(req, status);
}

static u16 nvmet_kv_parse_io_cmd(struct nvmet_req *req)
{
	struct kv_cmd cmd;
	u16 status, loc = 0;

	status = kv_parse_cmd((const u8 *)req->cmd,
			      nvmet_kv_ns(req->ns)->store.max_value_len,
			      &cmd, &loc);
	if (status) {
		req->error_loc = loc;
		return status | NVME_STATUS_DNR;
	}

	switch (cmd.opcode) {
	case NVME_KV_CMD_STORE:
		req->execute = nvmet_kv_execute_store;
		break;
	case NVME_KV_CMD_RETRIEVE:
		req->execute = nvmet_kv_execute_retrieve;
		break;
	case NVME_KV_CMD_DELETE:
		req->execute = nvmet_kv_execute_delete;
		break;
	case NVME_KV_CMD_EXIST:
		req->execute = nvmet_kv_execute_exist;
		break;
	case NVME_KV_CMD_LIST:
		req->execute = nvmet_kv_execute_list;
		break;
	case NVME_KV_CMD_TRANSFER:
		req->execute = nvmet_kv_execute_transfer;
		break;
	case NVME_KV_CMD_LOCATE:
		req->execute = nvmet_kv_execute_locate;
		break;
	}
	return 0;
}

static void nvmet_kv_identify_ns(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	struct nvme_kv_id_ns *id;
	u16 status;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id) {
		status = NVME_SC_INTERNAL;
		goto out;
	}

	down_read(&kns->lock);
	id->nsze = cpu_to_le64(kv_store_capacity(&kns->store));
	id->nuse = cpu_to_le64(kns->store.live_bytes);
	up_read(&kns->lock);
	id->nkvf = 0;	/* one format, 0's based */
	id->nmic = NVME_NS_NMIC_SHARED;
	id->anagrpid = cpu_to_le32(req->ns->anagrpid);
	if (req->ns->readonly)
		id->nsattr |= NVME_NS_ATTR_RO;
	memcpy(id->nguid, req->ns->nguid, sizeof(id->nguid));
	id->kvf[0].kvkml = cpu_to_le16(NVME_KV_KEY_MAX);
	id->kvf[0].kvvml = cpu_to_le32(kns->store.max_value_len);

	status = nvmet_copy_to_sgl(req, 0, id, sizeof(*id));
	kfree(id);
out:
	nvmet_req_complete(req, status);
}

static void nvmet_kv_get_effects(struct nvme_effects_log *log)
{
	log->iocs[NVME_KV_CMD_STORE] =
	log->iocs[NVME_KV_CMD_DELETE] =
		cpu_to_le32(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC);
	log->iocs[NVME_KV_CMD_RETRIEVE] =
	log->iocs[NVME_KV_CMD_EXIST] =
	log->iocs[NVME_KV_CMD_LIST] =
	log->iocs[NVME_KV_CMD_LOCATE] = cpu_to_le32(NVME_CMD_EFFECTS_CSUPP);
}

/*
 * Key Value Configuration (FID 20h), per namespace and changeable.  nvmet
 * refuses SV (nothing is saveable) and answers Supported Capabilities.
 */
static const struct nvmet_iocs_feature nvmet_kv_features[] = {
	{ .fid = NVME_KV_FEAT_KV_CONFIG, .changeable = true },
};

static u16 nvmet_kv_set_feature(struct nvmet_req *req,
				const struct nvmet_iocs_feature *feat)
{
	u32 cdw11 = le32_to_cpu(req->cmd->common.cdw11);

	if (cdw11 & ~NVME_KV_FEAT_EDNEK) {
		req->error_loc = offsetof(struct nvme_common_command, cdw11);
		return NVME_SC_INVALID_FIELD | NVME_STATUS_DNR;
	}
	WRITE_ONCE(nvmet_kv_ns(req->ns)->ednek, cdw11 & NVME_KV_FEAT_EDNEK);
	return 0;
}

static u16 nvmet_kv_get_feature(struct nvmet_req *req,
				const struct nvmet_iocs_feature *feat,
				bool dflt, u32 *result)
{
	/* EDNEK is 1 by default: Delete of a missing key is an error */
	if (dflt)
		*result = NVME_KV_FEAT_EDNEK;
	else
		*result = READ_ONCE(nvmet_kv_ns(req->ns)->ednek) ?
			  NVME_KV_FEAT_EDNEK : 0;
	return 0;
}

/*
 * Log page C0h: the namespace's cache, for hosts that read it one-sided
 * (Documentation/cache.md).  All zeros but the version without a cache.
 */
static u16 nvmet_kv_get_log_page(struct nvmet_req *req)
{
	struct nvme_get_log_page_command *c = &req->cmd->get_log_page;
	struct nvmet_kv_ns *kns;
	u64 off = le32_to_cpu(c->lpol) | (u64)le32_to_cpu(c->lpou) << 32;
	/* NUMD, 0's based dwords; nvmet checked it against the transfer */
	u32 len = ((u32)le16_to_cpu(c->numdu) << 16 | le16_to_cpu(c->numdl)) *
		  4 + 4;
	struct nvme_kv_cache_log log = { };
	u16 status, port;
	u32 n;

	/* nvmet routes only the identifiers of nvmet_kv_log_pages here */
	if (c->lid != NVME_KV_LOG_CACHE) {
		req->error_loc = offsetof(struct nvme_get_log_page_command, lid);
		return NVME_SC_INVALID_FIELD | NVME_STATUS_DNR;
	}
	/* the cache log is about one namespace: NSID 0 or FFFFFFFFh names none */
	if (!req->ns) {
		req->error_loc = offsetof(struct nvme_get_log_page_command, nsid);
		return NVME_SC_INVALID_FIELD | NVME_STATUS_DNR;
	}
	if (off >= sizeof(log)) {
		req->error_loc = offsetof(struct nvme_get_log_page_command, lpol);
		return NVME_SC_INVALID_FIELD | NVME_STATUS_DNR;
	}
	kns = nvmet_kv_ns(req->ns);
	log.version = cpu_to_le16(NVME_KV_CACHE_VERSION);
	if (kns->cache.slots) {
		port = nvmet_kv_rdma_port();
		log.flags = cpu_to_le16(NVME_KV_CACHE_LOG_CACHED |
					(port ? NVME_KV_CACHE_LOG_RDMA : 0) |
					(kns->params.cache_host_fills ?
					 NVME_KV_CACHE_LOG_HOST_FILLS : 0));
		log.rdma_port = cpu_to_le16(port);
		log.slot_bytes = cpu_to_le16(sizeof(struct kv_cache_slot));
		log.cache_id =
			cpu_to_le32(nvmet_kv_rdma_cache_id(kns->rdma_export));
		log.nr_blocks = cpu_to_le32(kns->cache.nr_blocks);
		log.block_slots = cpu_to_le32(kns->cache.block_slots);
		log.inline_max = cpu_to_le32(KV_CACHE_INLINE_MAX);
		log.lease_ns = cpu_to_le64(kns->cache.lease_ns);
		log.block_nsid = cpu_to_le32(kns->params.cache_block_nsid);
		log.log_start = cpu_to_le64(KV_LOG_START);
		log.log_size = cpu_to_le64(kns->store.log_size);
		log.cntlid = cpu_to_le16(req->sq->ctrl->cntlid);
		/* only a controller's own admin queue hands out its token */
		if (port && nvmet_kv_rdma_grant(kns->rdma_export, req->sq->ctrl,
						req->sq->ctrl->cntlid,
						log.token))
			return NVME_SC_INTERNAL;
	}
	n = min_t(u64, len, sizeof(log) - off);
	status = nvmet_copy_to_sgl(req, 0, (u8 *)&log + off, n);
	if (!status && len > n)
		status = nvmet_zero_sgl(req, n, len - n);
	return status;
}

/*
 * nvmet's cmd_modifies callback: on a write-protected namespace only these
 * get Namespace Is Write Protected; Retrieve, Exist, List and Locate read.
 * A Transfer counts: it only exists to be committed by a Store.
 */
static bool nvmet_kv_cmd_modifies(const struct nvme_command *cmd)
{
	switch (cmd->common.opcode) {
	case NVME_KV_CMD_STORE:
	case NVME_KV_CMD_DELETE:
	case NVME_KV_CMD_TRANSFER:
		return true;
	default:
		return false;
	}
}

/*
 * nvmet's ctrl_free callback: what the controller was handed goes (its
 * cache service tokens), and so does what it left (its transfers).
 */
static void nvmet_kv_ctrl_free(struct nvmet_ctrl *ctrl)
{
	struct nvmet_kv_ns *kns;

	nvmet_kv_rdma_ctrl_gone(ctrl, ctrl->cntlid);
	mutex_lock(&nvmet_kv_ns_lock);
	list_for_each_entry(kns, &nvmet_kv_namespaces, entry)
		nvmet_kv_xfer_ctrl_gone(kns, ctrl);
	mutex_unlock(&nvmet_kv_ns_lock);
}

static int nvmet_kv_stats_show(struct seq_file *m, void *v)
{
	struct nvmet_kv_ns *kns = m->private;
	struct kv_cache_stats cs;
	int i;

	for (i = 0; i < NVMET_KV_NR_STATS; i++)
		seq_printf(m, "%s %lld\n", nvmet_kv_stat_names[i],
			   atomic64_read(&kns->stats[i]));
	mutex_lock(&kns->xfer_lock);
	seq_printf(m, "transfer_bytes_held %llu\n", kns->xfer_held);
	mutex_unlock(&kns->xfer_lock);
	/* of every namespace, and of the whole cache service */
	seq_printf(m, "transfer_bytes_held_all %lld\n",
		   atomic64_read(&nvmet_kv_xfer_held));
	seq_printf(m, "cache_service_refused %llu\ncache_service_connections %u\n",
		   nvmet_kv_rdma_refused_count(), nvmet_kv_rdma_conns_count());
	if (!kns->cache.slots)
		return 0;
	/* a snapshot without the block locks: each counter may lag */
	cs = kns->cache.stats;
	seq_printf(m, "cache_slots %llu\ncache_block_slots %u\n",
		   (u64)kns->cache.nr_blocks * kns->cache.block_slots,
		   kns->cache.block_slots);
	seq_printf(m, "cache_hits %llu\ncache_misses %llu\ncache_fills %llu\ncache_fill_aborts %llu\n",
		   cs.hits, cs.misses, cs.fills, cs.fill_aborts);
	seq_printf(m, "cache_invalidations %llu\ncache_evictions %llu\ncache_busy %llu\ncache_no_slot %llu\ncache_leases_expired %llu\n",
		   cs.invalidations, cs.evictions, cs.busy, cs.no_slot,
		   cs.leases_expired);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvmet_kv_stats);

/* debugfs nvmet_kv/<nsid>@<subsysnqn>: the namespace's counters */
static void nvmet_kv_debugfs_add(struct nvmet_kv_ns *kns)
{
	char *name;

	name = kasprintf(GFP_KERNEL, "%u@%s", kns->ns->nsid,
			 kns->ns->subsys->subsysnqn);
	if (!name)
		return;
	kns->debugfs = debugfs_create_file(name, 0444, nvmet_kv_debugfs, kns,
					   &nvmet_kv_stats_fops);
	kfree(name);
	kns->stall_name = kasprintf(GFP_KERNEL, "%u@%s.stall_retrieve_ms",
				    kns->ns->nsid, kns->ns->subsys->subsysnqn);
	if (kns->stall_name)
		debugfs_create_u32(kns->stall_name, 0600, nvmet_kv_debugfs,
				   &kns->stall_retrieve_ms);
	if (!kns->cache.slots)
		return;
	kns->abandon_name = kasprintf(GFP_KERNEL, "%u@%s.abandon_fills",
				      kns->ns->nsid,
				      kns->ns->subsys->subsysnqn);
	if (kns->abandon_name)
		debugfs_create_atomic_t(kns->abandon_name, 0600,
					nvmet_kv_debugfs, &kns->abandon_fills);
}

/**
 * nvmet_kv_default_params() - the module parameters, as namespace settings
 * @params:	the settings, on return
 *
 * What a namespace without a configfs group "kv" is enabled with, and what
 * a new group starts from.  Values out of range are clamped.
 */
void nvmet_kv_default_params(struct kv_params *params)
{
	params->max_value_len = clamp(READ_ONCE(max_value_len), 1U,
				      KV_PARAM_VALUE_LEN_MAX);
	params->group_commit = READ_ONCE(group_commit);
	params->group_commit_delay_us = min(READ_ONCE(group_commit_delay_us),
					    KV_PARAM_DELAY_US_MAX);
	params->reassembly_cap = min(READ_ONCE(reassembly_cap),
				     KV_PARAM_REASSEMBLY_CAP_MAX);
	params->reassembly_timeout_ms = clamp(READ_ONCE(reassembly_timeout_ms),
					      KV_PARAM_TIMEOUT_MS_MIN,
					      KV_PARAM_TIMEOUT_MS_MAX);
	params->cache_slots = min(READ_ONCE(cache_slots),
				  KV_PARAM_CACHE_SLOTS_MAX);
	params->cache_block_slots = clamp(READ_ONCE(cache_block_slots), 1U,
					  KV_PARAM_CACHE_BLOCK_SLOTS_MAX);
	params->cache_lease_ms = clamp(READ_ONCE(cache_lease_ms), 1U,
				       KV_PARAM_CACHE_LEASE_MS_MAX);
	params->cache_block_nsid = 0;	/* the group only */
	params->cache_host_fills = false;
	params->truncate_damaged_log = false;	/* the group only */
}

/*
 * Called by nvmet with subsys->lock held; may sleep, but only briefly: it
 * reads the superblock (a store nvme-kv cannot use is refused here, and the
 * write to "enable" fails) and allocates.  The replay of the log and the
 * cache are left to nvmet_kv_ns_start().
 */
static int nvmet_kv_ns_enable(struct nvmet_ns *ns)
{
	struct kv_store_io io = {
		.read	= nvmet_kv_dev_read,
		.read_nowait = nvmet_kv_dev_read_nowait,
		.write	= nvmet_kv_dev_write,
		.flush	= nvmet_kv_dev_flush,
		.lock	= nvmet_kv_dev_lock,
		.unlock	= nvmet_kv_dev_unlock,
		.changed = nvmet_kv_dev_changed,
		.stopping = nvmet_kv_dev_stopping,
	};
	struct nvmet_kv_ns *kns;
	int ret, i;

	if (!ns->bdev) {
		pr_err("nsid %u: %s is not a block device; a KV namespace needs one\n",
		       ns->nsid, ns->device_path);
		return -EINVAL;
	}

	kns = kzalloc(sizeof(*kns), GFP_KERNEL);
	if (!kns)
		return -ENOMEM;
	/* ns->iocs_group is pinned and its attributes fixed from here on */
	if (ns->iocs_group)
		nvmet_kv_ns_group_params(ns->iocs_group, &kns->params);
	else
		nvmet_kv_default_params(&kns->params);
	ret = kv_params_check(&kns->params);
	if (ret) {
		pr_err("nsid %u: kv/cache_slots %u is not 0 and holds less than one block of kv/cache_block_slots %u\n",
		       ns->nsid, kns->params.cache_slots,
		       kns->params.cache_block_slots);
		kfree(kns);
		return ret;
	}
	kns->ns = ns;
	kns->file = ns->bdev_file;
	kns->ednek = true;
	init_rwsem(&kns->lock);
	spin_lock_init(&kns->pending_lock);
	INIT_LIST_HEAD(&kns->pending);
	INIT_WORK(&kns->commit_work, nvmet_kv_commit_work);
	INIT_DELAYED_WORK(&kns->stall_work, nvmet_kv_stall_work);
	mutex_init(&kns->xfer_lock);
	INIT_LIST_HEAD(&kns->xfers);
	xa_init(&kns->xfer_mems);
	INIT_DELAYED_WORK(&kns->expire_work, nvmet_kv_expire_work);
	for (i = 0; i < NVMET_KV_CACHE_LOCKS; i++)
		spin_lock_init(&kns->cache_locks[i]);
	ret = rhashtable_init(&kns->xfer_table, &nvmet_kv_xfer_params);
	if (ret) {
		kfree(kns);
		return ret;
	}

	io.dev = kns;
	ret = kv_store_attach(&kns->store, &io, bdev_nr_bytes(ns->bdev),
			      kns->params.max_value_len);
	if (ret) {
		if (kns->store.fail_reason)
			pr_err("nsid %u: refusing the store on %s: %s; the device is left as it is\n",
			       ns->nsid, ns->device_path,
			       kns->store.fail_reason);
		else
			pr_err("nsid %u: cannot open the store on %s: %d\n",
			       ns->nsid, ns->device_path, ret);
		goto out_free;
	}
	kns->store.truncate_damaged = kns->params.truncate_damaged_log;
	ns->iocs_data = kns;
	return 0;

out_free:
	rhashtable_destroy(&kns->xfer_table);
	kfree(kns);
	return ret;
}

/*
 * Called by nvmet from a workqueue with no nvmet lock held, while the
 * namespace is enabled but not ready, so no command of it runs and no
 * controller has state in it: replays the log (polling
 * nvmet_ns_stopping()), then sets up the cache and its RDMA export.  On
 * failure it undoes its own part; nvmet_kv_ns_disable() frees the rest.
 */
static int nvmet_kv_ns_start(struct nvmet_ns *ns)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(ns);
	int ret;

	ret = kv_store_recover(&kns->store);
	if (ret == -ECANCELED) {
		pr_info("nsid %u: replay of %s stopped: the namespace is being disabled\n",
			ns->nsid, ns->device_path);
		return ret;
	}
	if (ret == -EUCLEAN) {
		pr_err("nsid %u: refusing the store on %s: %s: log position %llu (sequence %llu), and the log goes on to %llu (sequence %llu); nothing was written, the device is left as it is\n",
		       ns->nsid, ns->device_path, kns->store.fail_reason,
		       kns->store.damaged.pos, kns->store.damaged.seq,
		       kns->store.damaged.next_pos,
		       kns->store.damaged.next_seq);
		return ret;
	}
	if (ret) {
		pr_err("nsid %u: cannot recover the store on %s: %d\n",
		       ns->nsid, ns->device_path, ret);
		return ret;
	}
	if (kns->store.truncated)
		pr_warn("nsid %u: the log on %s is damaged at log position %llu (sequence %llu) and goes on to %llu (sequence %llu): truncated there, as truncate_damaged_log asks; the pairs of every later record are lost\n",
			ns->nsid, ns->device_path, kns->store.damaged.pos,
			kns->store.damaged.seq, kns->store.damaged.next_pos,
			kns->store.damaged.next_seq);
	if (kns->params.cache_slots) {
		ret = kv_cache_init(&kns->cache, kns->params.cache_slots,
				    kns->params.cache_block_slots,
				    (u64)kns->params.cache_lease_ms *
				    NSEC_PER_MSEC);
		if (ret) {
			pr_err("nsid %u: cannot set up a cache of %u slots: %d\n",
			       ns->nsid, kns->params.cache_slots, ret);
			return ret;
		}
		ret = nvmet_kv_rdma_export(&kns->cache,
					   kns->params.cache_host_fills,
					   &kns->rdma_export);
		if (ret)
			goto out_destroy_cache;
	}
	nvmet_kv_debugfs_add(kns);
	mutex_lock(&nvmet_kv_ns_lock);
	list_add(&kns->entry, &nvmet_kv_namespaces);
	mutex_unlock(&nvmet_kv_ns_lock);
	kns->started = true;
	pr_info("nsid %u: KV store on %s: %llu keys replayed, %llu of %llu bytes used, values up to %u bytes, group commit %s, delay %u us, cache %u x %u slots\n",
		ns->nsid, ns->device_path, kns->store.index.nr_keys,
		kns->store.live_bytes, kv_store_capacity(&kns->store),
		kns->store.max_value_len,
		str_on_off(kns->params.group_commit),
		kns->params.group_commit_delay_us, kns->cache.nr_blocks,
		kns->cache.block_slots);
	return 0;

out_destroy_cache:
	kv_cache_destroy(&kns->cache);
	return ret;
}

/*
 * Called by nvmet with subsys->lock held, after every request of the
 * namespace has completed, so nothing is queued any more, and after
 * nvmet_kv_ns_start() returned.
 */
static void nvmet_kv_ns_disable(struct nvmet_ns *ns)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(ns);

	if (!kns->started)
		goto out_close;
	/* ctrl_free finds the namespace no more */
	mutex_lock(&nvmet_kv_ns_lock);
	list_del(&kns->entry);
	mutex_unlock(&nvmet_kv_ns_lock);
	flush_work(&kns->commit_work);
	WARN_ON_ONCE(!list_empty(&kns->pending));
	/* no request runs any more, so nothing adds a transfer */
	cancel_delayed_work_sync(&kns->expire_work);
	while (!list_empty(&kns->xfers))
		nvmet_kv_xfer_drop(kns, list_first_entry(&kns->xfers,
							 struct nvmet_kv_xfer,
							 entry));
	WARN_ON_ONCE(!xa_empty(&kns->xfer_mems));
	if (kns->abandon_name)
		debugfs_lookup_and_remove(kns->abandon_name, nvmet_kv_debugfs);
	kfree(kns->abandon_name);
	if (kns->stall_name)
		debugfs_lookup_and_remove(kns->stall_name, nvmet_kv_debugfs);
	kfree(kns->stall_name);
	/* nvmet waited for the stalled request; its work may still return */
	cancel_delayed_work_sync(&kns->stall_work);
	debugfs_remove(kns->debugfs);
	/* no host reads the slots once this returns */
	if (kns->rdma_export)
		nvmet_kv_rdma_unexport(kns->rdma_export);
	kv_cache_destroy(&kns->cache);
out_close:
	xa_destroy(&kns->xfer_mems);
	rhashtable_destroy(&kns->xfer_table);
	kv_store_close(&kns->store);
	kfree(kns);
}

/* Get Log Page identifiers nvmet routes to this set for CSI 01h */
static const u8 nvmet_kv_log_pages[] = { NVME_KV_LOG_CACHE };

static const struct nvmet_iocs_ops nvmet_kv_iocs = {
	.csi		= NVME_KV_CSI,
	.owner		= THIS_MODULE,
	.make_ns_group	= nvmet_kv_make_ns_group,
	.ns_enable	= nvmet_kv_ns_enable,
	.ns_start	= nvmet_kv_ns_start,
	.ns_disable	= nvmet_kv_ns_disable,
	.parse_io_cmd	= nvmet_kv_parse_io_cmd,
	.identify_ns	= nvmet_kv_identify_ns,
	.get_effects	= nvmet_kv_get_effects,
	.features	= nvmet_kv_features,
	.nr_features	= ARRAY_SIZE(nvmet_kv_features),
	.set_feature	= nvmet_kv_set_feature,
	.get_feature	= nvmet_kv_get_feature,
	.log_pages	= nvmet_kv_log_pages,
	.nr_log_pages	= ARRAY_SIZE(nvmet_kv_log_pages),
	.get_log_page	= nvmet_kv_get_log_page,
	.cmd_modifies	= nvmet_kv_cmd_modifies,
	.ctrl_free	= nvmet_kv_ctrl_free,
};

static int __init nvmet_kv_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct nvme_kv_id_ns) != NVME_IDENTIFY_DATA_SIZE);
	BUILD_BUG_ON(sizeof(struct nvme_command) != NVME_KV_SQE_BYTES);
	BUILD_BUG_ON(sizeof(struct nvme_kv_cache_log) != 80);

	nvmet_kv_wq = alloc_workqueue("nvmet-kv", WQ_MEM_RECLAIM | WQ_UNBOUND,
				      0);
	if (!nvmet_kv_wq)
		return -ENOMEM;
	nvmet_kv_debugfs = debugfs_create_dir("nvmet_kv", NULL);
	ret = nvmet_kv_rdma_init();
	if (ret)
		goto out_destroy_wq;
	ret = nvmet_register_iocs(&nvmet_kv_iocs);
	if (ret)
		goto out_rdma_exit;
	return 0;

out_rdma_exit:
	nvmet_kv_rdma_exit();
out_destroy_wq:
	debugfs_remove_recursive(nvmet_kv_debugfs);
	destroy_workqueue(nvmet_kv_wq);
	return ret;
}

static void __exit nvmet_kv_exit(void)
{
	nvmet_unregister_iocs(&nvmet_kv_iocs);
	nvmet_kv_rdma_exit();
	debugfs_remove_recursive(nvmet_kv_debugfs);
	destroy_workqueue(nvmet_kv_wq);
}

module_init(nvmet_kv_init);
module_exit(nvmet_kv_exit);

MODULE_DESCRIPTION("NVMe target Key Value command set");
MODULE_LICENSE("GPL");
MODULE_ALIAS("nvmet-csi-1");
