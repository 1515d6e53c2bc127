// SPDX-License-Identifier: GPL-2.0
/*
 * One-sided reads of a KV namespace's cache (Documentation/cache.md).
 *
 * When a KV namespace is reached over nvme-rdma and its log page C0h says
 * that the target serves the namespace's cache over RDMA, a session is set
 * up in the background: an RC queue pair to the controller's address and
 * the service's port, whose first message is the cache region's address
 * and rkey.  A Retrieve then first reads the key's cache block with one
 * RDMA READ and looks the key up in the copy (kv_cache_peek(), the same
 * code the target's unit tests check):
 *  - complete slot, checksum right: the value is returned; the target's
 *    CPU did nothing;
 *  - a fill of the key in progress (B) or a copy torn by a concurrent
 *    fill: read again, a bounded number of times;
 *  - a complete slot holding a longer value by its log position: the
 *    record is read with a plain NVMe Read from the block namespace that
 *    exposes the target's device (log page C0h names it), and returned if
 *    it is the very record the slot names (key, sequence, size, CRC);
 *  - no slot, no block namespace, or a record that changed: the caller
 *    sends Retrieve, which fills the cache on the target for the next
 *    reader.
 * A hit is linearizable: a write is acknowledged only after it
 * invalidated every slot of its key, so a hit's READ either began before
 * that point or found a slot filled after it.
 *
 * Locking and lifetime:
 *  - @state moves CONNECTING -> READY in the setup work, READY -> BROKEN on
 *    a disconnect, a device removal or a failed operation, and BROKEN ->
 *    CONNECTING when the setup work runs again: a broken session is torn
 *    down and set up anew, after 1, 2, 4 ... up to 30 seconds.  A first
 *    setup that finds no service (the log page says so, or the controller
 *    has none) ends in OFF, for good; every other failure is retried.
 *    Only READY sends GETs one-sided; in every other state they Retrieve.
 *  - os->session_lock (rw_semaphore) keeps the session's queue pair, read
 *    buffers and block namespace alive: a GET holds it for read from
 *    nvme_kv_onesided_get() to its return or, when it hands out a host
 *    fill, to the end of nvme_kv_onesided_fill(); the setup work holds it
 *    for write while it tears the session down and sets it up again.
 *    GETs only ever try to take it (a GET that finds the setup work
 *    running, or waiting, takes the Retrieve path), so a GET never waits
 *    for the setup work, and one task may hold it for read several times
 *    (nvme_kv_run_uops()).  The setup work may wait for GETs, each bounded
 *    by its command and READ timeouts.
 *  - os->lock (spinlock, softirq-safe) protects the list of free read
 *    buffers.  A buffer whose operation never completed is not put back:
 *    the drain at the session's teardown ends its use, and the list is
 *    built again with the next session's buffers.
 *  - The connection manager's handler only marks the session broken and
 *    queues the setup work; it never tears anything down itself (it may
 *    not destroy its own cm_id).
 *  - nvme_kv_onesided_stop() runs after the namespace's last command, so
 *    no GET is in progress; it stops the setup work, tears the session
 *    down in reverse order of its setup, and stops the work again in case
 *    the handler queued it meanwhile (rdma_destroy_id() ends the handler's
 *    calls).
 *  - The setup work and nvme_kv_onesided_get() sleep; the completion
 *    handlers run in softirq context, the cm handler in process context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/inet.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>
#include <linux/nvme_kv.h>
#include "nvme.h"
#include "fabrics.h"
#include "kv_cache.h"
#include "kv_store.h"
#include "kv_onesided.h"

#define NVME_KV_ONESIDED_DEPTH		16	/* READs in flight */
#define NVME_KV_ONESIDED_CHAIN_MAX	3	/* WRs one post chains at most */
/*
 * Send queue: each buffer's chain, and the LRU touch its GET may post
 * after it (unsignaled: its slot is free again only when a later
 * signaled WR completes); one more for ib_drain_qp()'s marker.
 */
#define NVME_KV_ONESIDED_SEND_WRS \
	(NVME_KV_ONESIDED_DEPTH * (NVME_KV_ONESIDED_CHAIN_MAX + 1) + 1)
#define NVME_KV_ONESIDED_TRIES		32	/* READs per GET at most */
#define NVME_KV_ONESIDED_TIMEOUT	(5 * HZ) /* each setup step */
#define NVME_KV_ONESIDED_RECORD_MAX	(256 * 1024) /* one block read */
#define NVME_KV_ONESIDED_RETRY_MAX	(30 * HZ) /* between setups at most */
#define NVME_KV_ONESIDED_TOUCH_NS	(10 * NSEC_PER_MSEC) /* LRU resolution */

enum {
	NVME_KV_ONESIDED_CONNECTING,
	NVME_KV_ONESIDED_READY,
	NVME_KV_ONESIDED_BROKEN,
	NVME_KV_ONESIDED_OFF,
};

/*
 * Each read buffer holds two copies of a block, read back to back (see
 * nvme_kv_onesided_read_wr()), then a scratch area: the original value a
 * CAS returns, and the image of a slot whose bytes a WRITE sends.
 */
#define NVME_KV_ONESIDED_CAS_OFF	0
#define NVME_KV_ONESIDED_IMAGE_OFF	64
#define NVME_KV_ONESIDED_SCRATCH	(64 + sizeof(struct kv_cache_slot))

/**
 * struct nvme_kv_onesided_read - a buffer for one block and its operations;
 *	while a host fill is in progress it is the fill's handle
 * @entry:	on the free list
 * @buf:	the block's copy, then the scratch area
 * @dma:	its DMA address
 * @cqe:	completion of the last operation posted
 * @done:	completed by it
 * @status:	its work completion status
 * @block:	the block being read or filled
 * @slot:	a host fill: the slot it holds
 * @fill_id:	a host fill: its id, in the slot's lock word
 * @lease:	a host fill: its deadline
 * @key:	a host fill: the key
 * @key_len:	its length
 */
struct nvme_kv_onesided_read {
	struct list_head	entry;
	void			*buf;
	u64			dma;
	struct ib_cqe		cqe;
	struct completion	done;
	enum ib_wc_status	status;
	u32			block;
	int			slot;
	u64			fill_id;
	u64			lease;
	u8			key[NVME_KV_KEY_MAX];
	u8			key_len;
};

/**
 * struct nvme_kv_onesided - a session with one namespace's cache
 * @ctrl:	the controller the namespace is reached through
 * @kv_ns:	the KV namespace (its queue carries Locate)
 * @nsid:	the namespace
 * @setup_work:	connects in the background, and again after a break
 * @state:	NVME_KV_ONESIDED_*
 * @stopping:	nvme_kv_onesided_stop() has begun: no more setups
 * @retries:	setups failed in a row (the next waits 2^@retries seconds)
 * @session_lock: held for read by GETs, for write by the setup work
 * @cm_id:	the connection
 * @cm_done:	completed by the connection events setup waits for
 * @cm_error:	0, or why the last step failed
 * @pd:		protection domain
 * @cq:		completion queue of both queues
 * @msg:	receives struct nvme_kv_cache_region
 * @msg_dma:	its DMA address
 * @msg_cqe:	completion of its receive
 * @msg_done:	completed by it
 * @msg_status:	its status
 * @touch_cqe:	completion of an LRU touch (an error only: unsignaled)
 * @touch_inline: touches go inline, unwaited (the device takes 8 inline
 *		bytes); otherwise each is signaled and waited for
 * @addr:	remote address of block 0
 * @rkey:	remote key of the region
 * @nr_blocks:	blocks in the cache
 * @block_slots: slots per block
 * @block_bytes: bytes per block
 * @host_fills: hosts fill the cache (the target's log page says so)
 * @lease_ns:	how long a host fill may hold a slot
 * @next_fill:	sequence in the ids of this host's fills (random start, so
 *		that hosts locking in the same tick pick different ids)
 * @block_ns:	the namespace exposing the target's device, or NULL
 * @log_start:	where the store's log starts on it (bytes)
 * @log_size:	the log's size (bytes)
 * @lock:	protects @free
 * @free:	read buffers not in use
 * @reads:	all read buffers
 * @stats:	enum nvme_kv_onesided_stat
 */
struct nvme_kv_onesided {
	struct nvme_ctrl		*ctrl;
	struct nvme_ns			*kv_ns;
	u32				nsid;
	struct delayed_work		setup_work;
	int				state;
	bool				stopping;
	unsigned int			retries;
	struct rw_semaphore		session_lock;
	struct rdma_cm_id		*cm_id;
	struct completion		cm_done;
	int				cm_error;
	struct ib_pd			*pd;
	struct ib_cq			*cq;
	struct nvme_kv_cache_region	*msg;
	u64				msg_dma;
	struct ib_cqe			msg_cqe;
	struct completion		msg_done;
	enum ib_wc_status		msg_status;
	struct ib_cqe			touch_cqe;
	bool				touch_inline;
	u64				addr;
	u32				rkey;
	u32				nr_blocks;
	u32				block_slots;
	u32				block_bytes;
	bool				host_fills;
	u64				lease_ns;
	atomic64_t			next_fill;
	struct nvme_ns			*block_ns;
	u64				log_start;
	u64				log_size;
	spinlock_t			lock;	/* protects @free */
	struct list_head		free;
	struct nvme_kv_onesided_read	reads[NVME_KV_ONESIDED_DEPTH];
	atomic64_t			stats[NVME_KV_ONESIDED_NR_STATS];
};

static bool onesided_reads = true;
module_param(onesided_reads, bool, 0644);
MODULE_PARM_DESC(onesided_reads,
		 "read the caches of KV namespaces reached over RDMA one-sided, for namespaces bound from now on (default Y)");

/* Set the session up again in @delay jiffies, unless it is being stopped. */
static void nvme_kv_onesided_retry(struct nvme_kv_onesided *os,
				   unsigned long delay)
{
	if (!READ_ONCE(os->stopping))
		queue_delayed_work(system_long_wq, &os->setup_work, delay);
}

/*
 * A READY session broke: from now on GETs Retrieve, and the setup work
 * tears it down and connects again.  Once per session: the first caller
 * to see it READY.
 */
static bool nvme_kv_onesided_break(struct nvme_kv_onesided *os)
{
	if (cmpxchg(&os->state, NVME_KV_ONESIDED_READY,
		    NVME_KV_ONESIDED_BROKEN) != NVME_KV_ONESIDED_READY)
		return false;
	nvme_kv_onesided_retry(os, HZ);
	return true;
}

static int nvme_kv_onesided_cm_handler(struct rdma_cm_id *cm_id,
				       struct rdma_cm_event *event)
{
	struct nvme_kv_onesided *os = cm_id->context;

	switch (event->event) {
	case RDMA_CM_EVENT_ADDR_RESOLVED:
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
	case RDMA_CM_EVENT_ESTABLISHED:
		os->cm_error = 0;
		complete(&os->cm_done);
		break;
	case RDMA_CM_EVENT_ADDR_ERROR:
	case RDMA_CM_EVENT_ROUTE_ERROR:
	case RDMA_CM_EVENT_CONNECT_ERROR:
	case RDMA_CM_EVENT_UNREACHABLE:
		os->cm_error = -ENETUNREACH;
		complete(&os->cm_done);
		break;
	case RDMA_CM_EVENT_REJECTED:
		os->cm_error = -ECONNREFUSED;
		complete(&os->cm_done);
		break;
	case RDMA_CM_EVENT_DISCONNECTED:
	case RDMA_CM_EVENT_ADDR_CHANGE:
	case RDMA_CM_EVENT_DEVICE_REMOVAL:
		/*
		 * GETs Retrieve until the setup work has connected again.  A
		 * break while it sets up makes it start over (it finds the
		 * state no longer CONNECTING at its end).
		 */
		if (!nvme_kv_onesided_break(os))
			cmpxchg(&os->state, NVME_KV_ONESIDED_CONNECTING,
				NVME_KV_ONESIDED_BROKEN);
		break;
	default:
		break;
	}
	return 0;
}

static int nvme_kv_onesided_wait(struct nvme_kv_onesided *os)
{
	if (!wait_for_completion_timeout(&os->cm_done,
					 NVME_KV_ONESIDED_TIMEOUT))
		return -ETIMEDOUT;
	reinit_completion(&os->cm_done);
	return os->cm_error;
}

static void nvme_kv_onesided_msg_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct nvme_kv_onesided *os = cq->cq_context;

	os->msg_status = wc->status;
	complete(&os->msg_done);
}

static void nvme_kv_onesided_read_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct nvme_kv_onesided_read *r =
		container_of(wc->wr_cqe, struct nvme_kv_onesided_read, cqe);

	r->status = wc->status;
	complete(&r->done);
}

/* Only a failed LRU touch completes: the session is broken. */
static void nvme_kv_onesided_touch_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct nvme_kv_onesided *os = cq->cq_context;

	if (wc->status != IB_WC_SUCCESS && wc->status != IB_WC_WR_FLUSH_ERR &&
	    nvme_kv_onesided_break(os))
		dev_warn_ratelimited(os->ctrl->device,
				     "nsid %u: one-sided LRU touch failed (%s); using Retrieve until connected again\n",
				     os->nsid, ib_wc_status_msg(wc->status));
}

/* Log page C0h of the namespace */
static int nvme_kv_onesided_log(struct nvme_kv_onesided *os,
				struct nvme_kv_cache_log *log)
{
	struct nvme_command c = { };

	c.get_log_page.opcode = nvme_admin_get_log_page;
	c.get_log_page.nsid = cpu_to_le32(os->nsid);
	c.get_log_page.lid = NVME_KV_LOG_CACHE;
	c.get_log_page.numdl = cpu_to_le16(sizeof(*log) / 4 - 1);
	c.get_log_page.csi = NVME_KV_CSI;
	return nvme_submit_sync_cmd(os->ctrl->admin_q, &c, log, sizeof(*log));
}

static void nvme_kv_onesided_free_reads(struct nvme_kv_onesided *os,
					unsigned int nr)
{
	struct ib_device *dev = os->cm_id->device;
	struct nvme_kv_onesided_read *r;

	while (nr--) {
		r = &os->reads[nr];
		ib_dma_unmap_single(dev, r->dma, 2 * os->block_bytes +
				    NVME_KV_ONESIDED_SCRATCH, DMA_BIDIRECTIONAL);
		kfree(r->buf);
	}
}

static int nvme_kv_onesided_alloc_reads(struct nvme_kv_onesided *os)
{
	struct ib_device *dev = os->cm_id->device;
	struct nvme_kv_onesided_read *r;
	unsigned int i;

	for (i = 0; i < NVME_KV_ONESIDED_DEPTH; i++) {
		r = &os->reads[i];
		r->buf = kmalloc(2 * os->block_bytes + NVME_KV_ONESIDED_SCRATCH,
				 GFP_KERNEL);
		if (!r->buf)
			goto out_free;
		r->dma = ib_dma_map_single(dev, r->buf, 2 * os->block_bytes +
					   NVME_KV_ONESIDED_SCRATCH,
					   DMA_BIDIRECTIONAL);
		if (ib_dma_mapping_error(dev, r->dma)) {
			kfree(r->buf);
			goto out_free;
		}
		r->cqe.done = nvme_kv_onesided_read_done;
		init_completion(&r->done);
		list_add_tail(&r->entry, &os->free);
	}
	return 0;

out_free:
	nvme_kv_onesided_free_reads(os, i);
	INIT_LIST_HEAD(&os->free);
	return -ENOMEM;
}

/* PD, CQ, QP, the region message's receive and the read buffers */
static int nvme_kv_onesided_create_qp(struct nvme_kv_onesided *os)
{
	struct ib_device *dev = os->cm_id->device;
	struct ib_qp_init_attr qp_attr = { };
	struct ib_qp_cap cap;
	struct ib_recv_wr wr = { };
	struct ib_sge sge;
	int ret;

	os->pd = ib_alloc_pd(dev, 0);
	if (IS_ERR(os->pd))
		return PTR_ERR(os->pd);
	/* a flushed queue completes every WR, signaled or not */
	os->cq = ib_alloc_cq(dev, os, NVME_KV_ONESIDED_SEND_WRS + 2, 0,
			     IB_POLL_SOFTIRQ);
	if (IS_ERR(os->cq)) {
		ret = PTR_ERR(os->cq);
		goto out_dealloc_pd;
	}
	os->msg = kzalloc(sizeof(*os->msg), GFP_KERNEL);
	if (!os->msg) {
		ret = -ENOMEM;
		goto out_free_cq;
	}
	os->msg_dma = ib_dma_map_single(dev, os->msg, sizeof(*os->msg),
					DMA_FROM_DEVICE);
	if (ib_dma_mapping_error(dev, os->msg_dma)) {
		ret = -EIO;
		goto out_free_msg;
	}
	ret = nvme_kv_onesided_alloc_reads(os);
	if (ret)
		goto out_unmap_msg;

	qp_attr.send_cq = os->cq;
	qp_attr.recv_cq = os->cq;
	qp_attr.cap.max_send_wr = NVME_KV_ONESIDED_SEND_WRS;
	/* the region message, and ib_drain_qp()'s marker if it never came */
	qp_attr.cap.max_recv_wr = 2;
	qp_attr.cap.max_send_sge = 1;
	qp_attr.cap.max_recv_sge = 1;
	qp_attr.sq_sig_type = IB_SIGNAL_REQ_WR;
	qp_attr.qp_type = IB_QPT_RC;
	cap = qp_attr.cap;
	qp_attr.cap.max_inline_data = sizeof(u64);
	ret = rdma_create_qp(os->cm_id, os->pd, &qp_attr);
	os->touch_inline = !ret;
	if (ret) {
		/* no inline data on this device: LRU touches are waited for */
		qp_attr.cap = cap;
		ret = rdma_create_qp(os->cm_id, os->pd, &qp_attr);
	}
	if (ret)
		goto out_free_reads;
	os->touch_cqe.done = nvme_kv_onesided_touch_done;

	os->msg_cqe.done = nvme_kv_onesided_msg_done;
	sge.addr = os->msg_dma;
	sge.length = sizeof(*os->msg);
	sge.lkey = os->pd->local_dma_lkey;
	wr.wr_cqe = &os->msg_cqe;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	ret = ib_post_recv(os->cm_id->qp, &wr, NULL);
	if (ret)
		goto out_destroy_qp;
	return 0;

out_destroy_qp:
	rdma_destroy_qp(os->cm_id);
out_free_reads:
	nvme_kv_onesided_free_reads(os, NVME_KV_ONESIDED_DEPTH);
	INIT_LIST_HEAD(&os->free);
out_unmap_msg:
	ib_dma_unmap_single(dev, os->msg_dma, sizeof(*os->msg),
			    DMA_FROM_DEVICE);
out_free_msg:
	kfree(os->msg);
out_free_cq:
	ib_free_cq(os->cq);
out_dealloc_pd:
	ib_dealloc_pd(os->pd);
	return ret;
}

static void nvme_kv_onesided_destroy_qp(struct nvme_kv_onesided *os)
{
	struct ib_device *dev = os->cm_id->device;

	ib_drain_qp(os->cm_id->qp);
	rdma_destroy_qp(os->cm_id);
	nvme_kv_onesided_free_reads(os, NVME_KV_ONESIDED_DEPTH);
	ib_dma_unmap_single(dev, os->msg_dma, sizeof(*os->msg),
			    DMA_FROM_DEVICE);
	kfree(os->msg);
	/*
	 * ib_drain_qp() returns once the drain's completion ran, while the
	 * softirq that ran it may still be in ib_poll_handler(): between
	 * irq_poll_complete() and ib_req_notify_cq() nothing stops
	 * ib_free_cq() on another CPU, and the driver's CQ would be gone
	 * when the handler re-arms it (seen with rdma_rxe under TCG: a NULL
	 * dereference in rxe_req_notify_cq()).  The handler runs with
	 * bottom halves disabled, so a grace period waits it out; no new
	 * completion can come, the QP is destroyed.
	 */
	synchronize_rcu();
	ib_free_cq(os->cq);
	ib_dealloc_pd(os->pd);
}

/* Check the region message against the log page. */
static int nvme_kv_onesided_region(struct nvme_kv_onesided *os,
				   const struct nvme_kv_cache_log *log)
{
	const struct nvme_kv_cache_region *m = os->msg;

	if (!wait_for_completion_timeout(&os->msg_done,
					 NVME_KV_ONESIDED_TIMEOUT))
		return -ETIMEDOUT;
	if (os->msg_status != IB_WC_SUCCESS)
		return -ECONNRESET;
	ib_dma_sync_single_for_cpu(os->cm_id->device, os->msg_dma,
				   sizeof(*m), DMA_FROM_DEVICE);
	if (le16_to_cpu(m->version) != NVME_KV_CACHE_VERSION ||
	    m->nr_blocks != log->nr_blocks ||
	    m->block_slots != log->block_slots ||
	    le64_to_cpu(m->len) != (u64)os->nr_blocks * os->block_bytes)
		return -EPROTO;
	os->addr = le64_to_cpu(m->addr);
	os->rkey = le32_to_cpu(m->rkey);
	return 0;
}

/* The whole setup; on failure everything it made is gone again. */
static int nvme_kv_onesided_connect(struct nvme_kv_onesided *os)
{
	struct nvmf_ctrl_options *opts = os->ctrl->opts;
	struct nvme_kv_cache_conn conn = { };
	struct rdma_conn_param param = { };
	struct sockaddr_storage addr;
	struct nvme_kv_cache_log *log;
	char port[8];
	int ret;

	log = kzalloc(sizeof(*log), GFP_KERNEL);
	if (!log)
		return -ENOMEM;
	ret = nvme_kv_onesided_log(os, log);
	if (ret) {
		ret = -EOPNOTSUPP;
		goto out_free_log;
	}
	ret = -ENOENT;
	if (le16_to_cpu(log->version) != NVME_KV_CACHE_VERSION ||
	    !(le16_to_cpu(log->flags) & NVME_KV_CACHE_LOG_RDMA))
		goto out_free_log;
	ret = -EPROTO;
	os->nr_blocks = le32_to_cpu(log->nr_blocks);
	os->block_slots = le32_to_cpu(log->block_slots);
	if (le16_to_cpu(log->slot_bytes) != sizeof(struct kv_cache_slot) ||
	    le32_to_cpu(log->inline_max) != KV_CACHE_INLINE_MAX ||
	    !os->nr_blocks || !os->block_slots ||
	    os->block_slots > KV_CACHE_BLOCK_SLOTS_MAX)
		goto out_free_log;
	os->block_bytes = os->block_slots * sizeof(struct kv_cache_slot);

	snprintf(port, sizeof(port), "%u", le16_to_cpu(log->rdma_port));
	ret = inet_pton_with_scope(&init_net, AF_UNSPEC, opts->traddr, port,
				   &addr);
	if (ret)
		goto out_free_log;

	os->cm_id = rdma_create_id(&init_net, nvme_kv_onesided_cm_handler, os,
				   RDMA_PS_TCP, IB_QPT_RC);
	if (IS_ERR(os->cm_id)) {
		ret = PTR_ERR(os->cm_id);
		goto out_free_log;
	}
	ret = rdma_resolve_addr(os->cm_id, NULL, (struct sockaddr *)&addr,
				jiffies_to_msecs(NVME_KV_ONESIDED_TIMEOUT));
	if (!ret)
		ret = nvme_kv_onesided_wait(os);
	if (!ret)
		ret = rdma_resolve_route(os->cm_id,
					 jiffies_to_msecs(NVME_KV_ONESIDED_TIMEOUT));
	if (!ret)
		ret = nvme_kv_onesided_wait(os);
	if (ret)
		goto out_destroy_id;
	ret = nvme_kv_onesided_create_qp(os);
	if (ret)
		goto out_destroy_id;

	/* the token this controller was handed over its admin queue */
	conn.version = cpu_to_le16(NVME_KV_CACHE_VERSION);
	conn.cntlid = log->cntlid;
	conn.cache_id = log->cache_id;
	memcpy(conn.token, log->token, sizeof(conn.token));
	param.private_data = &conn;
	param.private_data_len = sizeof(conn);
	param.initiator_depth = min_t(u32, NVME_KV_ONESIDED_DEPTH,
				      os->cm_id->device->attrs.max_qp_init_rd_atom);
	param.retry_count = 7;
	param.rnr_retry_count = 7;
	ret = rdma_connect(os->cm_id, &param);
	if (!ret)
		ret = nvme_kv_onesided_wait(os);
	if (!ret)
		ret = nvme_kv_onesided_region(os, log);
	if (ret)
		goto out_disconnect;
	os->host_fills = le16_to_cpu(log->flags) & NVME_KV_CACHE_LOG_HOST_FILLS;
	os->lease_ns = le64_to_cpu(log->lease_ns);
	atomic64_set(&os->next_fill, get_random_u64() >> 2);
	os->log_start = le64_to_cpu(log->log_start);
	os->log_size = le64_to_cpu(log->log_size);
	if (log->block_nsid && os->log_size)
		os->block_ns = nvme_find_get_ns(os->ctrl,
						le32_to_cpu(log->block_nsid));
	memzero_explicit(log, sizeof(*log));
	kfree(log);
	return 0;

out_disconnect:
	rdma_disconnect(os->cm_id);
	nvme_kv_onesided_destroy_qp(os);
out_destroy_id:
	rdma_destroy_id(os->cm_id);
	os->cm_id = NULL;
out_free_log:
	memzero_explicit(log, sizeof(*log));
	kfree(log);
	return ret;
}

/*
 * Undo nvme_kv_onesided_connect(): no GET may hold the session (the caller
 * holds os->session_lock for write, or no command is left).
 */
static void nvme_kv_onesided_teardown(struct nvme_kv_onesided *os)
{
	if (os->block_ns) {
		nvme_put_ns(os->block_ns);
		os->block_ns = NULL;
	}
	if (os->cm_id) {
		rdma_disconnect(os->cm_id);
		nvme_kv_onesided_destroy_qp(os);
		rdma_destroy_id(os->cm_id);
		os->cm_id = NULL;
	}
	/* buffers a broken operation kept are gone with the rest */
	INIT_LIST_HEAD(&os->free);
	reinit_completion(&os->cm_done);
	reinit_completion(&os->msg_done);
}

/* whether a failed setup means that the target offers no one-sided service */
static bool nvme_kv_onesided_no_service(int ret)
{
	return ret == -EOPNOTSUPP || ret == -ENOENT || ret == -EPROTO;
}

static void nvme_kv_onesided_setup_work(struct work_struct *work)
{
	struct nvme_kv_onesided *os = container_of(to_delayed_work(work),
						   struct nvme_kv_onesided,
						   setup_work);
	unsigned long delay;
	int ret;

	down_write(&os->session_lock);
	if (READ_ONCE(os->stopping))
		goto out_unlock;
	nvme_kv_onesided_teardown(os);
	/* the namespace went away under its binding: the rescan unbinds it */
	if (test_bit(NVME_NS_REMOVING, &os->kv_ns->flags)) {
		WRITE_ONCE(os->state, NVME_KV_ONESIDED_OFF);
		goto out_unlock;
	}
	WRITE_ONCE(os->state, NVME_KV_ONESIDED_CONNECTING);
	ret = nvme_kv_onesided_connect(os);
	if (ret) {
		/* the connect undid itself; the next run starts by tearing down */
		if (!atomic64_read(&os->stats[NVME_KV_ONESIDED_SESSIONS]) &&
		    nvme_kv_onesided_no_service(ret)) {
			dev_info(os->ctrl->device,
				 "nsid %u: cache not read one-sided: %d\n",
				 os->nsid, ret);
			WRITE_ONCE(os->state, NVME_KV_ONESIDED_OFF);
			goto out_unlock;
		}
		delay = min_t(unsigned long, HZ << min(os->retries, 5U),
			      NVME_KV_ONESIDED_RETRY_MAX);
		os->retries++;
		dev_info_ratelimited(os->ctrl->device,
				     "nsid %u: one-sided session not set up (%d); trying again in %lu s\n",
				     os->nsid, ret, delay / HZ);
		WRITE_ONCE(os->state, NVME_KV_ONESIDED_BROKEN);
		nvme_kv_onesided_retry(os, delay);
		goto out_unlock;
	}
	os->retries = 0;
	atomic64_inc(&os->stats[NVME_KV_ONESIDED_SESSIONS]);
	dev_info(os->ctrl->device,
		 "nsid %u: reading the cache one-sided: %u blocks of %u slots, longer values %s, misses filled by %s\n",
		 os->nsid, os->nr_blocks, os->block_slots,
		 os->block_ns ? "from the block namespace" : "by Retrieve",
		 !os->host_fills ? "the target" : os->touch_inline ?
		 "this host (LRU touches inline)" :
		 "this host (LRU touches waited for)");
	/*
	 * Pairs with nvme_kv_onesided_ready(): the session is set up.  Fails
	 * when the connection broke while it was set up: start over.
	 */
	if (cmpxchg_release(&os->state, NVME_KV_ONESIDED_CONNECTING,
			    NVME_KV_ONESIDED_READY) != NVME_KV_ONESIDED_CONNECTING)
		nvme_kv_onesided_retry(os, HZ);
out_unlock:
	up_write(&os->session_lock);
}

/**
 * nvme_kv_onesided_start() - start reading a namespace's cache one-sided
 * @ctrl: the controller
 * @ns: the KV namespace; the caller holds it until nvme_kv_onesided_stop()
 * @nsid: its NSID
 *
 * Does nothing unless @ctrl is an nvme-rdma controller.  The session is
 * set up in the background; until it is ready every GET uses Retrieve.
 *
 * Context: process context.
 * Return: the session, or NULL.
 */
struct nvme_kv_onesided *nvme_kv_onesided_start(struct nvme_ctrl *ctrl,
						struct nvme_ns *ns, u32 nsid)
{
	struct nvme_kv_onesided *os;

	if (!READ_ONCE(onesided_reads) || !ctrl->opts ||
	    strcmp(ctrl->ops->name, "rdma"))
		return NULL;
	os = kzalloc(sizeof(*os), GFP_KERNEL);
	if (!os)
		return NULL;
	os->ctrl = ctrl;
	os->kv_ns = ns;
	os->nsid = nsid;
	os->state = NVME_KV_ONESIDED_CONNECTING;
	init_completion(&os->cm_done);
	init_completion(&os->msg_done);
	spin_lock_init(&os->lock);
	INIT_LIST_HEAD(&os->free);
	init_rwsem(&os->session_lock);
	INIT_DELAYED_WORK(&os->setup_work, nvme_kv_onesided_setup_work);
	queue_delayed_work(system_long_wq, &os->setup_work, 0);
	return os;
}

/**
 * nvme_kv_onesided_ready() - whether GETs are tried one-sided
 * @os: the session, or NULL
 *
 * Return: true when the session is set up and not broken.
 */
bool nvme_kv_onesided_ready(struct nvme_kv_onesided *os)
{
	/* pairs with the setup work's release: the session is set up */
	return os && smp_load_acquire(&os->state) == NVME_KV_ONESIDED_READY;
}

/* Remote address of slot @slot of block @block, and of its bytes at @off */
static u64 nvme_kv_onesided_addr(struct nvme_kv_onesided *os, u32 block,
				 int slot, u32 off)
{
	return os->addr + (u64)block * os->block_bytes +
		(u64)slot * sizeof(struct kv_cache_slot) + off;
}

static struct kv_cache_slot *nvme_kv_onesided_image(struct nvme_kv_onesided *os,
						    struct nvme_kv_onesided_read *r)
{
	return r->buf + 2 * os->block_bytes + NVME_KV_ONESIDED_IMAGE_OFF;
}

/*
 * Post a chain of work requests whose last one is signaled on @r, wait for
 * it, and make the buffer the CPU's again.  0, or why the session broke
 * (then @r may still be written: the final drain frees it).
 */
static int nvme_kv_onesided_post(struct nvme_kv_onesided *os,
				 struct nvme_kv_onesided_read *r,
				 struct ib_send_wr *first)
{
	u32 len = 2 * os->block_bytes + NVME_KV_ONESIDED_SCRATCH;
	struct ib_device *dev = os->cm_id->device;
	int ret;

	reinit_completion(&r->done);
	r->status = IB_WC_SUCCESS;
	ib_dma_sync_single_for_device(dev, r->dma, len, DMA_BIDIRECTIONAL);
	ret = ib_post_send(os->cm_id->qp, first, NULL);
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&r->done, HZ))
		return -ETIMEDOUT;
	if (r->status != IB_WC_SUCCESS)
		return -EIO;
	ib_dma_sync_single_for_cpu(dev, r->dma, len, DMA_BIDIRECTIONAL);
	return 0;
}

/*
 * Two RDMA READs of block r->block, into the two copies in r->buf; the
 * second runs after the first (one queue pair executes in order), so a
 * slot whose lock word is the same in both held, while the first copy
 * took its flags and bytes, the fill its lock word names
 * (kv_cache_peek_confirmed()).  @wr[1] is the one signaled.
 */
static void nvme_kv_onesided_read_wr(struct nvme_kv_onesided *os,
				     struct nvme_kv_onesided_read *r,
				     struct ib_rdma_wr *wr, struct ib_sge *sge)
{
	int i;

	for (i = 0; i < 2; i++) {
		sge[i].addr = r->dma + i * os->block_bytes;
		sge[i].length = os->block_bytes;
		sge[i].lkey = os->pd->local_dma_lkey;
		memset(&wr[i], 0, sizeof(wr[i]));
		wr[i].wr.opcode = IB_WR_RDMA_READ;
		wr[i].wr.wr_cqe = &r->cqe;
		wr[i].wr.sg_list = &sge[i];
		wr[i].wr.num_sge = 1;
		wr[i].remote_addr = nvme_kv_onesided_addr(os, r->block, 0, 0);
		wr[i].rkey = os->rkey;
	}
	wr[0].wr.next = &wr[1].wr;
	wr[1].wr.send_flags = IB_SEND_SIGNALED;
	atomic64_inc(&os->stats[NVME_KV_ONESIDED_READS]);
}

/* RDMA WRITE of bytes [@off, @off + @len) of the slot image to r->slot */
static void nvme_kv_onesided_write_wr(struct nvme_kv_onesided *os,
				      struct nvme_kv_onesided_read *r,
				      struct ib_rdma_wr *wr, struct ib_sge *sge,
				      u32 off, u32 len)
{
	sge->addr = r->dma + 2 * os->block_bytes +
		    NVME_KV_ONESIDED_IMAGE_OFF + off;
	sge->length = len;
	sge->lkey = os->pd->local_dma_lkey;
	memset(wr, 0, sizeof(*wr));
	wr->wr.opcode = IB_WR_RDMA_WRITE;
	wr->wr.wr_cqe = &r->cqe;	/* unsignaled: only an error ends here */
	wr->wr.sg_list = sge;
	wr->wr.num_sge = 1;
	wr->remote_addr = nvme_kv_onesided_addr(os, r->block, r->slot, off);
	wr->rkey = os->rkey;
}

/* RDMA CAS of r->slot's lock word from @expected to @swap */
static void nvme_kv_onesided_cas_wr(struct nvme_kv_onesided *os,
				    struct nvme_kv_onesided_read *r,
				    struct ib_atomic_wr *wr, struct ib_sge *sge,
				    u64 expected, u64 swap)
{
	sge->addr = r->dma + 2 * os->block_bytes + NVME_KV_ONESIDED_CAS_OFF;
	sge->length = sizeof(u64);
	sge->lkey = os->pd->local_dma_lkey;
	memset(wr, 0, sizeof(*wr));
	wr->wr.opcode = IB_WR_ATOMIC_CMP_AND_SWP;
	wr->wr.wr_cqe = &r->cqe;
	wr->wr.sg_list = sge;
	wr->wr.num_sge = 1;
	wr->wr.send_flags = IB_SEND_SIGNALED;
	wr->remote_addr = nvme_kv_onesided_addr(os, r->block, r->slot,
						offsetof(struct kv_cache_slot,
							 sm.lock));
	wr->compare_add = expected;
	wr->swap = swap;
	wr->rkey = os->rkey;
}

/* One READ of block r->block: 0, or why the session broke. */
static int nvme_kv_onesided_read(struct nvme_kv_onesided *os,
				 struct nvme_kv_onesided_read *r)
{
	struct ib_rdma_wr wr[2];
	struct ib_sge sge[2];

	nvme_kv_onesided_read_wr(os, r, wr, sge);
	return nvme_kv_onesided_post(os, r, &wr[0].wr);
}

/*
 * A host fill gives its slot up: occupied off, then complete on by CAS, if
 * the slot is still the fill's (B or D -> A).
 */
static int nvme_kv_onesided_release(struct nvme_kv_onesided *os,
				    struct nvme_kv_onesided_read *r)
{
	struct kv_cache_slot *img = nvme_kv_onesided_image(os, r);
	struct ib_atomic_wr cas;
	struct ib_rdma_wr write;
	struct ib_sge sge[2];

	img->sm.occupied = 0;
	nvme_kv_onesided_write_wr(os, r, &write, &sge[0],
				  offsetof(struct kv_cache_slot, sm.occupied),
				  1);
	nvme_kv_onesided_cas_wr(os, r, &cas, &sge[1], r->fill_id << 1,
				r->fill_id << 1 | KV_SLOT_LOCK_COMPLETE);
	write.wr.next = &cas.wr;
	return nvme_kv_onesided_post(os, r, &write.wr);
}

/*
 * Lock slot @v of the copy in r->buf for r->key: CAS its lock word from
 * the copy's value to this fill's id, then write the key, occupied and the
 * lease, and read the block again (the paper's double read).  0 when the
 * CAS took the slot, 1 when another host changed the slot first, or why
 * the session broke.
 */
static int nvme_kv_onesided_lock(struct nvme_kv_onesided *os,
				 struct nvme_kv_onesided_read *r, int v,
				 u64 now)
{
	const struct kv_cache_slot *cur = (const struct kv_cache_slot *)r->buf + v;
	struct kv_cache_slot *img = nvme_kv_onesided_image(os, r);
	u64 expected = cur->sm.lock, orig;
	struct ib_rdma_wr write, read[2];
	struct ib_atomic_wr cas;
	struct ib_sge sge[3];
	int ret;

	r->slot = v;
	/* the id carries the lock time: the CAS starts the lease */
	r->fill_id = kv_cache_host_fill_id(now,
					   atomic64_inc_return(&os->next_fill));
	r->lease = (r->fill_id >> KV_CACHE_HOST_FILL_TICK <<
		    KV_CACHE_HOST_FILL_TICK) + os->lease_ns;
	nvme_kv_onesided_cas_wr(os, r, &cas, &sge[0], expected,
				r->fill_id << 1);
	ret = nvme_kv_onesided_post(os, r, &cas.wr);
	if (ret)
		return ret;
	memcpy(&orig, r->buf + 2 * os->block_bytes + NVME_KV_ONESIDED_CAS_OFF,
	       sizeof(orig));
	if (orig != expected)
		return 1;
	/*
	 * Stalled for half the lease since the CAS: another host may take
	 * the slot back soon, and the key and occupied flag written now could
	 * land on its fill.  Give the slot up instead.
	 */
	if (ktime_get_real_ns() + os->lease_ns / 2 > r->lease) {
		ret = nvme_kv_onesided_release(os, r);
		return ret ? ret : 1;
	}

	/* bytes 8..63: occupied, key, location, size, sum, LRU, lease */
	memset(img, 0, sizeof(*img));
	img->sm.occupied = 1;
	img->sm.key_len = r->key_len;
	memcpy(img->sm.key, r->key, r->key_len);
	img->lru = now;
	img->lease = r->lease;
	nvme_kv_onesided_write_wr(os, r, &write, &sge[0],
				  offsetof(struct kv_cache_slot, sm.occupied),
				  offsetof(struct kv_cache_slot, data) -
				  offsetof(struct kv_cache_slot, sm.occupied));
	nvme_kv_onesided_read_wr(os, r, read, &sge[1]);
	write.wr.next = &read[0].wr;
	return nvme_kv_onesided_post(os, r, &write.wr);
}

/* @len bytes of the value, then zeros up to @buf_len, as Retrieve returns */
static int nvme_kv_onesided_copy(void __user *ubuf, u32 buf_len,
				 const void *value, u32 len)
{
	u32 n = min(len, buf_len);

	if (copy_to_user(ubuf, value, n) || clear_user(ubuf + n, buf_len - n))
		return -EFAULT;
	return 0;
}

/* A synchronous command on @ns's queue with a kernel buffer: 0 or -EIO */
static int nvme_kv_onesided_sync(struct nvme_ns *ns, struct nvme_command *c,
				 void *buf, u32 len, u16 *status)
{
	struct request *rq;
	int ret;

	rq = blk_mq_alloc_request(ns->queue, nvme_req_op(c), 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	nvme_init_request(rq, c);
	ret = blk_rq_map_kern(ns->queue, rq, buf, len, GFP_KERNEL);
	if (!ret) {
		blk_execute_rq(rq, false);
		*status = nvme_req(rq)->status;
		ret = *status ? -EIO : 0;
	}
	blk_mq_free_request(rq);
	return ret;
}

/*
 * Read the record of a value the cache holds by location, or that Locate
 * named, with a plain NVMe Read from the block namespace, and check that
 * it is exactly that record.  0 and the kvmalloc()ed buffer in *@bufp with
 * the value at *@valp, or -EAGAIN (the caller sends Retrieve).
 */
static int nvme_kv_onesided_read_record(struct nvme_kv_onesided *os,
					const u8 *key, u8 key_len, u64 pos,
					u64 seq, u32 len, u8 **bufp, u8 **valp)
{
	struct nvme_ns *ns = os->block_ns;
	unsigned int shift = ns->head->lba_shift;
	u64 phys = os->log_start + pos % os->log_size;
	u64 start = round_down(phys, 1ULL << shift);
	u64 end = round_up(phys + KV_REC_HDR + len, 1ULL << shift);
	struct nvme_command c = { };
	u16 status;
	u8 *buf;

	if (end - start > NVME_KV_ONESIDED_RECORD_MAX)
		return -EAGAIN;
	buf = kvmalloc(end - start, GFP_KERNEL);
	if (!buf)
		return -EAGAIN;
	c.rw.opcode = nvme_cmd_read;
	c.rw.nsid = cpu_to_le32(ns->head->ns_id);
	c.rw.slba = cpu_to_le64(start >> shift);
	c.rw.length = cpu_to_le16(((end - start) >> shift) - 1);
	if (nvme_kv_onesided_sync(ns, &c, buf, end - start, &status) ||
	    !kv_rec_check_put(buf + (phys - start), key, key_len, seq, len)) {
		/* moved by the cleaner or overwritten since */
		atomic64_inc(&os->stats[NVME_KV_ONESIDED_TORN]);
		kvfree(buf);
		return -EAGAIN;
	}
	atomic64_inc(&os->stats[NVME_KV_ONESIDED_RECORDS]);
	*bufp = buf;
	*valp = buf + (phys - start) + KV_REC_HDR;
	return 0;
}

/* A hit by location: the record's value to the caller's buffer */
static int nvme_kv_onesided_record(struct nvme_kv_onesided *os, const u8 *key,
				   u8 key_len, u64 pos, u64 seq, u32 len,
				   void __user *ubuf, u32 buf_len)
{
	u8 *buf, *val;
	int ret;

	ret = nvme_kv_onesided_read_record(os, key, key_len, pos, seq, len,
					   &buf, &val);
	if (ret)
		return ret;
	ret = nvme_kv_onesided_copy(ubuf, buf_len, val, len);
	kvfree(buf);
	return ret;
}

static void nvme_kv_onesided_put(struct nvme_kv_onesided *os,
				 struct nvme_kv_onesided_read *r)
{
	spin_lock_bh(&os->lock);
	list_add(&r->entry, &os->free);
	spin_unlock_bh(&os->lock);
}

static void nvme_kv_onesided_broken(struct nvme_kv_onesided *os,
				    struct nvme_kv_onesided_read *r, int ret)
{
	/* @r may still be written: the teardown's drain ends that */
	if (nvme_kv_onesided_break(os))
		dev_warn_ratelimited(os->ctrl->device,
				     "nsid %u: one-sided operation failed (%d, %s); using Retrieve until connected again\n",
				     os->nsid, ret,
				     ib_wc_status_msg(r->status));
}

static int onesided_abandon_fills;
module_param(onesided_abandon_fills, int, 0644);
MODULE_PARM_DESC(onesided_abandon_fills,
		 "fault injection: leave the next N host fills locked, as a host that died mid-fill would (default 0)");

static bool nvme_kv_onesided_abandon(void)
{
	int n = READ_ONCE(onesided_abandon_fills), old;

	while (n > 0) {
		old = cmpxchg(&onesided_abandon_fills, n, n - 1);
		if (old == n)
			return true;
		n = old;
	}
	return false;
}

/*
 * Complete a host fill: write bytes 24..127 of the slot (location, size,
 * sum, LRU, lease and the value, or for a value longer than a slot its
 * record's sequence number), then CAS complete on: B -> C, or D -> A when a
 * write came in between.  0, or why the session broke.
 */
static int nvme_kv_onesided_complete(struct nvme_kv_onesided *os,
				     struct nvme_kv_onesided_read *r, u32 len,
				     u64 pos, u64 seq, const void *value,
				     u64 now)
{
	struct kv_cache_slot *img = nvme_kv_onesided_image(os, r);
	u32 off = offsetof(struct kv_cache_slot, sm.value);
	struct ib_atomic_wr cas;
	struct ib_rdma_wr write;
	struct ib_sge sge[2];
	u64 orig;
	int ret, i;

	memset(img->data, 0, sizeof(img->data));
	if (len <= KV_CACHE_INLINE_MAX) {
		img->sm.value = 0;
		memcpy(img->data, value, len);
	} else {
		img->sm.value = pos;
		for (i = 0; i < 8; i++)
			img->data[i] = (u8)(seq >> (8 * i));
	}
	img->value_len = len;
	img->sum = kv_cache_slot_sum(r->fill_id, r->key, r->key_len, len,
				     img->sm.value, img->data);
	img->lru = now;
	img->lease = r->lease;
	nvme_kv_onesided_write_wr(os, r, &write, &sge[0], off,
				  sizeof(*img) - off);
	nvme_kv_onesided_cas_wr(os, r, &cas, &sge[1], r->fill_id << 1,
				r->fill_id << 1 | KV_SLOT_LOCK_COMPLETE);
	write.wr.next = &cas.wr;
	ret = nvme_kv_onesided_post(os, r, &write.wr);
	if (!ret) {
		memcpy(&orig, r->buf + 2 * os->block_bytes +
		       NVME_KV_ONESIDED_CAS_OFF, sizeof(orig));
		if (orig == r->fill_id << 1)
			atomic64_inc(&os->stats[NVME_KV_ONESIDED_FILLS]);
	}
	return ret;
}

/* Locate (82h) of r->key: 0 and where its record is, or -EAGAIN */
static int nvme_kv_onesided_locate(struct nvme_kv_onesided *os,
				   struct nvme_kv_onesided_read *r, u64 *pos,
				   u64 *seq, u32 *len)
{
	struct nvme_command c = { };
	struct nvme_kv_locate *loc;
	u8 *sqe = (u8 *)&c;
	u16 status;
	int ret;

	loc = kzalloc(sizeof(*loc), GFP_KERNEL);
	if (!loc)
		return -EAGAIN;
	sqe[NVME_KV_SQE_OPCODE] = NVME_KV_CMD_LOCATE;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_NSID, os->nsid);
	nvme_kv_sqe_set_key(sqe, r->key, r->key_len);
	sqe[NVME_KV_SQE_KEY_LEN] = r->key_len;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, sizeof(*loc));
	ret = nvme_kv_onesided_sync(os->kv_ns, &c, loc, sizeof(*loc), &status);
	if (!ret) {
		*pos = le64_to_cpu(loc->pos);
		*seq = le64_to_cpu(loc->seq);
		*len = le32_to_cpu(loc->value_len);
	}
	kfree(loc);
	return ret ? -EAGAIN : 0;
}

/*
 * The rest of a host fill when the target names a block namespace: Locate
 * the key's record, read it from the block namespace, put the value (or,
 * for a long one, its location and sequence) into the locked slot and
 * make it complete, and hand the value to the caller.  0, -EFAULT, or
 * -EAGAIN with the slot given up (the caller sends Retrieve).  @r goes
 * back to the free list either way, or is left to the drain.
 */
static int nvme_kv_onesided_fill_device(struct nvme_kv_onesided *os,
					struct nvme_kv_onesided_read *r,
					void __user *ubuf, u32 buf_len,
					u32 *value_len)
{
	u8 *buf = NULL, *val;
	u64 pos, seq, now;
	u32 len;
	int ret;

	if (nvme_kv_onesided_abandon()) {
		/* the slot stays locked, as by a host that died here */
		atomic64_inc(&os->stats[NVME_KV_ONESIDED_ABANDONED]);
		nvme_kv_onesided_put(os, r);
		return -EAGAIN;
	}
	ret = nvme_kv_onesided_locate(os, r, &pos, &seq, &len);
	if (!ret)
		ret = nvme_kv_onesided_read_record(os, r->key, r->key_len, pos,
						   seq, len, &buf, &val);
	now = ktime_get_real_ns();
	if (ret || now + os->lease_ns / 4 >= r->lease) {
		/* give the slot up; a value already read is still good */
		ret = nvme_kv_onesided_release(os, r) ?: (ret ?: 1);
		goto out;
	}
	ret = nvme_kv_onesided_complete(os, r, len, pos, seq, val, now);
out:
	if (ret < 0 && ret != -EAGAIN) {
		nvme_kv_onesided_broken(os, r, ret);
		ret = -EAGAIN;
	} else {
		nvme_kv_onesided_put(os, r);
	}
	if (buf && ret != -EAGAIN) {
		ret = nvme_kv_onesided_copy(ubuf, buf_len, val, len);
		*value_len = len;
		atomic64_inc(&os->stats[NVME_KV_ONESIDED_DEVICE_FILLS]);
	}
	kvfree(buf);
	return ret;
}

/* A hit in the copy: the value (inline) or where its record is */
/*
 * A hit in a cache that hosts fill: make the slot the most recently used
 * again, as the target's own hits do, or the keys read most, whose hits
 * the target never sees, would be evicted first.  Once per
 * NVME_KV_ONESIDED_TOUCH_NS of the slot's time at most, with one RDMA
 * WRITE of its LRU time.  The WRITE goes inline (its 8 bytes are copied
 * when it is posted) and unsignaled, so the GET does not wait for it; on
 * a device without inline data it is signaled and waited for.  The WRITE
 * does not hold the slot: one refilled meanwhile gets a time it did not
 * earn, which makes eviction less exact and nothing else (the time is
 * outside the slot's sum, and no reader trusts it).  0, or why the
 * session broke.
 */
static int nvme_kv_onesided_touch(struct nvme_kv_onesided *os,
				  struct nvme_kv_onesided_read *r,
				  const struct kv_cache_slot *s, u64 now)
{
	struct kv_cache_slot *img = nvme_kv_onesided_image(os, r);
	struct ib_rdma_wr wr;
	struct ib_sge sge;

	if (!os->host_fills || now < s->lru + NVME_KV_ONESIDED_TOUCH_NS)
		return 0;
	r->slot = s - (const struct kv_cache_slot *)r->buf;
	img->lru = now;
	nvme_kv_onesided_write_wr(os, r, &wr, &sge,
				  offsetof(struct kv_cache_slot, lru),
				  sizeof(img->lru));
	atomic64_inc(&os->stats[NVME_KV_ONESIDED_TOUCHES]);
	if (!os->touch_inline) {
		wr.wr.send_flags = IB_SEND_SIGNALED;
		return nvme_kv_onesided_post(os, r, &wr.wr);
	}
	/* inline: the device takes a CPU address, not a DMA one */
	sge.addr = (uintptr_t)&img->lru;
	sge.lkey = 0;
	wr.wr.send_flags = IB_SEND_INLINE;
	wr.wr.wr_cqe = &os->touch_cqe;
	return ib_post_send(os->cm_id->qp, &wr.wr, NULL);
}

static int nvme_kv_onesided_hit(const struct kv_cache_slot *s, u8 *value,
				u64 *pos, u64 *seq, bool *record)
{
	if (s->value_len <= KV_CACHE_INLINE_MAX) {
		memcpy(value, s->data, s->value_len);
		return 0;
	}
	*pos = s->sm.value;
	*seq = kv_cache_slot_seq(s);
	*record = true;
	return -EAGAIN;
}

/* the host's clock for leases: real time, which hosts share */
static u64 nvme_kv_onesided_now(struct nvme_kv_onesided *os)
{
	return os->host_fills ? ktime_get_real_ns() : 0;
}

/**
 * nvme_kv_onesided_get() - read a key's value from the target's cache
 * @os: the session, or NULL
 * @key: the key
 * @key_len: its length, 1..NVME_KV_KEY_MAX
 * @ubuf: the caller's value buffer
 * @buf_len: its size
 * @value_len: out: the value's size
 * @fill: out: on -EAGAIN, a slot this host locked for the key (a host
 *	fill, when the target lets hosts fill its cache), or NULL
 *
 * On a hit the value is copied to @ubuf, then zeros up to @buf_len, as a
 * Retrieve returns it.  On a miss the caller sends Retrieve, and then
 * hands a *@fill to nvme_kv_onesided_fill() with what it returned.
 *
 * Context: process context; sleeps.  The caller keeps the namespace bound
 * (counts itself in flight) until this returns, and until
 * nvme_kv_onesided_fill() returns for a *@fill.  A *@fill holds the session
 * (os->session_lock, for read): the caller must hand it to
 * nvme_kv_onesided_fill(), from the same task, whatever Retrieve did.
 * Return: 0 on a hit; -EAGAIN when the caller must send Retrieve; -EFAULT
 * when @ubuf cannot be written.
 */
int nvme_kv_onesided_get(struct nvme_kv_onesided *os, const u8 *key,
			 u8 key_len, void __user *ubuf, u32 buf_len,
			 u32 *value_len, struct nvme_kv_onesided_fill **fill)
{
	u8 value[KV_CACHE_INLINE_MAX];
	const struct kv_cache_slot *s;
	struct nvme_kv_onesided_read *r;
	enum kv_cache_peek_result res;
	int tries, v, ret = -EAGAIN;
	bool record = false;
	u64 pos = 0, seq = 0, now;
	u32 len = 0;

	BUILD_BUG_ON(NVME_KV_ONESIDED_VALUE_MAX != KV_CACHE_INLINE_MAX);
	*fill = NULL;
	if (!nvme_kv_onesided_ready(os))
		return -EAGAIN;
	/* never waits: the setup work holds it, or waits for it, briefly */
	if (!down_read_trylock(&os->session_lock))
		return -EAGAIN;
	if (!nvme_kv_onesided_ready(os)) {
		up_read(&os->session_lock);
		return -EAGAIN;
	}
	spin_lock_bh(&os->lock);
	r = list_first_entry_or_null(&os->free, struct nvme_kv_onesided_read,
				     entry);
	if (r)
		list_del(&r->entry);
	spin_unlock_bh(&os->lock);
	if (!r)
		goto out_count;

	r->block = kv_cache_block_of(os->nr_blocks, key, key_len);
	r->key_len = key_len;
	memcpy(r->key, key, key_len);
	for (tries = 0; tries < NVME_KV_ONESIDED_TRIES; tries++) {
		ret = nvme_kv_onesided_read(os, r);
		if (ret)
			goto out_broken;
		ret = -EAGAIN;
		now = nvme_kv_onesided_now(os);
		res = kv_cache_peek_confirmed(r->buf, r->buf + os->block_bytes,
					      os->block_slots, key, key_len,
					      now, os->lease_ns, &s);
		if (res == KV_PEEK_MISS && os->host_fills) {
			v = kv_cache_pick_victim(r->buf, os->block_slots, now,
						 os->lease_ns);
			if (v < 0)
				goto out_put;
			ret = nvme_kv_onesided_lock(os, r, v, now);
			if (ret < 0)
				goto out_broken;
			if (ret) {	/* another host took the slot first */
				atomic64_inc(&os->stats[NVME_KV_ONESIDED_BUSY]);
				continue;
			}
			ret = -EAGAIN;
			res = kv_cache_collision(r->buf, r->buf + os->block_bytes,
						 os->block_slots, v,
						 r->fill_id, key, key_len, now,
						 os->lease_ns, &s);
			if (res == KV_PEEK_MISS && os->block_ns) {
				/* locked: fill it from the block namespace */
				ret = nvme_kv_onesided_fill_device(os, r, ubuf,
								   buf_len,
								   value_len);
				goto out_filled;
			}
			if (res == KV_PEEK_MISS) {
				/*
				 * locked: the caller fills it after Retrieve,
				 * and the fill releases os->session_lock
				 */
				*fill = (struct nvme_kv_onesided_fill *)r;
				atomic64_inc(&os->stats[NVME_KV_ONESIDED_MISSES]);
				return -EAGAIN;
			}
			if (res == KV_PEEK_TORN)	/* taken back */
				goto out_put;
			/* another host has the key: take its value or wait */
			if (res == KV_PEEK_HIT)
				ret = nvme_kv_onesided_hit(s, value, &pos, &seq,
							   &record);
			len = res == KV_PEEK_HIT ? s->value_len : 0;
			v = nvme_kv_onesided_release(os, r);
			if (v) {
				ret = v;
				goto out_broken;
			}
			if (res == KV_PEEK_HIT)
				goto out_put;
		}
		switch (res) {
		case KV_PEEK_HIT:
			len = s->value_len;
			ret = nvme_kv_onesided_hit(s, value, &pos, &seq,
						   &record);
			v = nvme_kv_onesided_touch(os, r, s, now);
			if (v) {
				/* the hit stands: the READs completed */
				nvme_kv_onesided_broken(os, r, v);
				goto out_hit;
			}
			goto out_put;
		case KV_PEEK_MISS:
			goto out_put;
		case KV_PEEK_BUSY:
			atomic64_inc(&os->stats[NVME_KV_ONESIDED_BUSY]);
			usleep_range(20, 100);
			break;
		case KV_PEEK_TORN:
			atomic64_inc(&os->stats[NVME_KV_ONESIDED_TORN]);
			break;
		}
	}
out_put:
	nvme_kv_onesided_put(os, r);
out_hit:
	if (!ret)
		ret = nvme_kv_onesided_copy(ubuf, buf_len, value, len);
	else if (record && os->block_ns)
		ret = nvme_kv_onesided_record(os, key, key_len, pos, seq, len,
					      ubuf, buf_len);
	if (ret != -EAGAIN)
		*value_len = len;
	goto out_count;
out_broken:
	nvme_kv_onesided_broken(os, r, ret);
	ret = -EAGAIN;
out_count:
	atomic64_inc(&os->stats[ret == -EAGAIN ? NVME_KV_ONESIDED_MISSES :
				 NVME_KV_ONESIDED_HITS]);
	up_read(&os->session_lock);
	return ret;
out_filled:
	/* a miss, served by this host from the device: not a hit */
	if (ret == -EAGAIN)
		atomic64_inc(&os->stats[NVME_KV_ONESIDED_MISSES]);
	up_read(&os->session_lock);
	return ret;
}

/**
 * nvme_kv_onesided_fill() - finish a host fill after its Retrieve
 * @os: the session
 * @fill: from nvme_kv_onesided_get()
 * @value: the value Retrieve returned, if @ok
 * @len: its size
 * @ok: Retrieve returned the whole value
 *
 * A value that fits a slot is written into it and made complete with a
 * CAS of the lock word (B -> C; D -> A when a write came in between, so
 * the value never shows).  Otherwise, or when the fill's lease is nearly
 * over, the slot is given up.
 *
 * Context: process context; sleeps.  The caller still counts itself in
 * flight.
 */
void nvme_kv_onesided_fill(struct nvme_kv_onesided *os,
			   struct nvme_kv_onesided_fill *fill,
			   const void *value, u32 len, bool ok)
{
	struct nvme_kv_onesided_read *r = (struct nvme_kv_onesided_read *)fill;
	u64 now = ktime_get_real_ns();
	int ret;

	if (nvme_kv_onesided_abandon()) {
		atomic64_inc(&os->stats[NVME_KV_ONESIDED_ABANDONED]);
		nvme_kv_onesided_put(os, r);
		goto out_unlock;
	}
	/* too late: another host may take the slot back any time now */
	if (!ok || len > KV_CACHE_INLINE_MAX ||
	    now + os->lease_ns / 4 >= r->lease) {
		ret = nvme_kv_onesided_release(os, r);
		goto out;
	}
	ret = nvme_kv_onesided_complete(os, r, len, 0, 0, value, now);
out:
	if (ret)
		nvme_kv_onesided_broken(os, r, ret);
	else
		nvme_kv_onesided_put(os, r);
out_unlock:
	/* taken by the nvme_kv_onesided_get() that handed out @fill */
	up_read(&os->session_lock);
}

/**
 * nvme_kv_onesided_stat() - a counter of a session
 * @os: the session, or NULL (all counters 0)
 * @stat: which
 *
 * Return: its value.
 */
u64 nvme_kv_onesided_stat(struct nvme_kv_onesided *os,
			  enum nvme_kv_onesided_stat stat)
{
	return os ? atomic64_read(&os->stats[stat]) : 0;
}

/**
 * nvme_kv_onesided_stop() - end a session
 * @os: from nvme_kv_onesided_start(), or NULL
 *
 * Context: process context, after the namespace's last command; sleeps.
 */
void nvme_kv_onesided_stop(struct nvme_kv_onesided *os)
{
	if (!os)
		return;
	WRITE_ONCE(os->stopping, true);
	cancel_delayed_work_sync(&os->setup_work);
	nvme_kv_onesided_teardown(os);
	/* the cm handler may have queued it before it saw @stopping */
	cancel_delayed_work_sync(&os->setup_work);
	kfree(os);
}
