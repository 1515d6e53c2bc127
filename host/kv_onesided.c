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
 *  - @state moves CONNECTING -> READY or OFF in the setup work, and READY
 *    -> BROKEN on a disconnect or a failed read (then every GET takes the
 *    Retrieve path).  nvme_kv_onesided_get() starts only in READY.
 *  - os->lock (spinlock, softirq-safe) protects the list of free read
 *    buffers.  A buffer whose READ never completed is not put back: it is
 *    freed after the queue pair is drained at the end.
 *  - nvme_kv_onesided_stop() runs after the namespace's last command, so
 *    no GET is in progress; it waits for the setup work, then tears the
 *    session down in reverse order of its setup.
 *  - The setup work and nvme_kv_onesided_get() sleep; the completion
 *    handlers run in softirq context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/inet.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>
#include <linux/nvme_kv.h>
#include "nvme.h"
#include "fabrics.h"
#include "kv_cache.h"
#include "kv_store.h"
#include "kv_onesided.h"

#define NVME_KV_ONESIDED_DEPTH		16	/* READs in flight */
#define NVME_KV_ONESIDED_TRIES		32	/* READs per GET at most */
#define NVME_KV_ONESIDED_TIMEOUT	(5 * HZ) /* each setup step */
#define NVME_KV_ONESIDED_RECORD_MAX	(256 * 1024) /* one block read */

enum {
	NVME_KV_ONESIDED_CONNECTING,
	NVME_KV_ONESIDED_READY,
	NVME_KV_ONESIDED_BROKEN,
	NVME_KV_ONESIDED_OFF,
};

/**
 * struct nvme_kv_onesided_read - a buffer for one block and its READ
 * @entry:	on the free list
 * @buf:	the block's copy
 * @dma:	its DMA address
 * @cqe:	completion of the READ
 * @done:	completed by the READ's completion
 * @status:	its work completion status
 */
struct nvme_kv_onesided_read {
	struct list_head	entry;
	void			*buf;
	u64			dma;
	struct ib_cqe		cqe;
	struct completion	done;
	enum ib_wc_status	status;
};

/**
 * struct nvme_kv_onesided - a session with one namespace's cache
 * @ctrl:	the controller the namespace is reached through
 * @nsid:	the namespace
 * @setup_work:	connects in the background
 * @state:	NVME_KV_ONESIDED_*
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
 * @addr:	remote address of block 0
 * @rkey:	remote key of the region
 * @nr_blocks:	blocks in the cache
 * @block_slots: slots per block
 * @block_bytes: bytes per block
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
	u32				nsid;
	struct work_struct		setup_work;
	int				state;
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
	u64				addr;
	u32				rkey;
	u32				nr_blocks;
	u32				block_slots;
	u32				block_bytes;
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
		/* reads fall back to Retrieve until the namespace is unbound */
		WRITE_ONCE(os->state, NVME_KV_ONESIDED_BROKEN);
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
		ib_dma_unmap_single(dev, r->dma, os->block_bytes,
				    DMA_FROM_DEVICE);
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
		r->buf = kmalloc(os->block_bytes, GFP_KERNEL);
		if (!r->buf)
			goto out_free;
		r->dma = ib_dma_map_single(dev, r->buf, os->block_bytes,
					   DMA_FROM_DEVICE);
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
	struct ib_recv_wr wr = { };
	struct ib_sge sge;
	int ret;

	os->pd = ib_alloc_pd(dev, 0);
	if (IS_ERR(os->pd))
		return PTR_ERR(os->pd);
	os->cq = ib_alloc_cq(dev, os, NVME_KV_ONESIDED_DEPTH + 4, 0,
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
	/* the reads and ib_drain_qp()'s marker */
	qp_attr.cap.max_send_wr = NVME_KV_ONESIDED_DEPTH + 1;
	qp_attr.cap.max_recv_wr = 1;
	qp_attr.cap.max_send_sge = 1;
	qp_attr.cap.max_recv_sge = 1;
	qp_attr.sq_sig_type = IB_SIGNAL_REQ_WR;
	qp_attr.qp_type = IB_QPT_RC;
	ret = rdma_create_qp(os->cm_id, os->pd, &qp_attr);
	if (ret)
		goto out_free_reads;

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

	conn.version = cpu_to_le16(NVME_KV_CACHE_VERSION);
	conn.cache_id = log->cache_id;
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
	os->log_start = le64_to_cpu(log->log_start);
	os->log_size = le64_to_cpu(log->log_size);
	if (log->block_nsid && os->log_size)
		os->block_ns = nvme_find_get_ns(os->ctrl,
						le32_to_cpu(log->block_nsid));
	kfree(log);
	return 0;

out_disconnect:
	rdma_disconnect(os->cm_id);
	nvme_kv_onesided_destroy_qp(os);
out_destroy_id:
	rdma_destroy_id(os->cm_id);
	os->cm_id = NULL;
out_free_log:
	kfree(log);
	return ret;
}

static void nvme_kv_onesided_setup_work(struct work_struct *work)
{
	struct nvme_kv_onesided *os =
		container_of(work, struct nvme_kv_onesided, setup_work);
	int ret;

	ret = nvme_kv_onesided_connect(os);
	if (ret) {
		dev_info(os->ctrl->device,
			 "nsid %u: cache not read one-sided: %d\n", os->nsid,
			 ret);
		/* pairs with nvme_kv_onesided_ready() */
		smp_store_release(&os->state, NVME_KV_ONESIDED_OFF);
		return;
	}
	dev_info(os->ctrl->device,
		 "nsid %u: reading the cache one-sided: %u blocks of %u slots, longer values %s\n",
		 os->nsid, os->nr_blocks, os->block_slots,
		 os->block_ns ? "from the block namespace" : "by Retrieve");
	/* pairs with nvme_kv_onesided_ready(): the session is set up */
	smp_store_release(&os->state, NVME_KV_ONESIDED_READY);
}

/**
 * nvme_kv_onesided_start() - start reading a namespace's cache one-sided
 * @ctrl: the controller
 * @nsid: the namespace
 *
 * Does nothing unless @ctrl is an nvme-rdma controller.  The session is
 * set up in the background; until it is ready every GET uses Retrieve.
 *
 * Context: process context.
 * Return: the session, or NULL.
 */
struct nvme_kv_onesided *nvme_kv_onesided_start(struct nvme_ctrl *ctrl,
						u32 nsid)
{
	struct nvme_kv_onesided *os;

	if (!READ_ONCE(onesided_reads) || !ctrl->opts ||
	    strcmp(ctrl->ops->name, "rdma"))
		return NULL;
	os = kzalloc(sizeof(*os), GFP_KERNEL);
	if (!os)
		return NULL;
	os->ctrl = ctrl;
	os->nsid = nsid;
	os->state = NVME_KV_ONESIDED_CONNECTING;
	init_completion(&os->cm_done);
	init_completion(&os->msg_done);
	spin_lock_init(&os->lock);
	INIT_LIST_HEAD(&os->free);
	INIT_WORK(&os->setup_work, nvme_kv_onesided_setup_work);
	queue_work(system_long_wq, &os->setup_work);
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

/* One READ of block @block into @r: 0, or why the session broke. */
static int nvme_kv_onesided_read(struct nvme_kv_onesided *os,
				 struct nvme_kv_onesided_read *r, u32 block)
{
	int ret;

	struct ib_rdma_wr wr = { };
	struct ib_sge sge;

	sge.addr = r->dma;
	sge.length = os->block_bytes;
	sge.lkey = os->pd->local_dma_lkey;
	wr.wr.opcode = IB_WR_RDMA_READ;
	wr.wr.wr_cqe = &r->cqe;
	wr.wr.sg_list = &sge;
	wr.wr.num_sge = 1;
	wr.wr.send_flags = IB_SEND_SIGNALED;
	wr.remote_addr = os->addr + (u64)block * os->block_bytes;
	wr.rkey = os->rkey;
	reinit_completion(&r->done);
	atomic64_inc(&os->stats[NVME_KV_ONESIDED_READS]);
	ret = ib_post_send(os->cm_id->qp, &wr.wr, NULL);
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&r->done, HZ))
		return -ETIMEDOUT;
	if (r->status != IB_WC_SUCCESS)
		return -EIO;
	ib_dma_sync_single_for_cpu(os->cm_id->device, r->dma, os->block_bytes,
				   DMA_FROM_DEVICE);
	return 0;
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

/*
 * A value the cache holds by location: read its record with a plain NVMe
 * Read from the block namespace and check that it is the record the slot
 * names.  0, -EAGAIN (the caller sends Retrieve) or -EFAULT.
 */
static int nvme_kv_onesided_record(struct nvme_kv_onesided *os, const u8 *key,
				   u8 key_len, u64 pos, u64 seq, u32 len,
				   void __user *ubuf, u32 buf_len)
{
	struct nvme_ns *ns = os->block_ns;
	unsigned int shift = ns->head->lba_shift;
	u64 phys = os->log_start + pos % os->log_size;
	u64 start = round_down(phys, 1ULL << shift);
	u64 end = round_up(phys + KV_REC_HDR + len, 1ULL << shift);
	struct nvme_command c = { };
	struct request *rq;
	u8 *buf;
	int ret;

	if (end - start > NVME_KV_ONESIDED_RECORD_MAX)
		return -EAGAIN;
	buf = kvmalloc(end - start, GFP_KERNEL);
	if (!buf)
		return -EAGAIN;
	c.rw.opcode = nvme_cmd_read;
	c.rw.nsid = cpu_to_le32(ns->head->ns_id);
	c.rw.slba = cpu_to_le64(start >> shift);
	c.rw.length = cpu_to_le16(((end - start) >> shift) - 1);
	rq = blk_mq_alloc_request(ns->queue, nvme_req_op(&c), 0);
	if (IS_ERR(rq)) {
		ret = -EAGAIN;
		goto out_free;
	}
	nvme_init_request(rq, &c);
	ret = blk_rq_map_kern(ns->queue, rq, buf, end - start, GFP_KERNEL);
	if (!ret) {
		blk_execute_rq(rq, false);
		ret = nvme_req(rq)->status ? -EIO : 0;
	}
	blk_mq_free_request(rq);
	if (ret || !kv_rec_check_put(buf + (phys - start), key, key_len, seq,
				     len)) {
		/* moved by the cleaner or overwritten since the READ */
		atomic64_inc(&os->stats[NVME_KV_ONESIDED_TORN]);
		ret = -EAGAIN;
		goto out_free;
	}
	atomic64_inc(&os->stats[NVME_KV_ONESIDED_RECORDS]);
	ret = nvme_kv_onesided_copy(ubuf, buf_len,
				    buf + (phys - start) + KV_REC_HDR, len);
out_free:
	kvfree(buf);
	return ret;
}

/**
 * nvme_kv_onesided_get() - read a key's value from the target's cache
 * @os: the session, or NULL
 * @key: the key
 * @key_len: its length, 1..NVME_KV_KEY_MAX
 * @ubuf: the caller's value buffer
 * @buf_len: its size
 * @value_len: out: the value's size
 *
 * On a hit the value is copied to @ubuf, then zeros up to @buf_len, as a
 * Retrieve returns it.
 *
 * Context: process context; sleeps.  The caller keeps the namespace bound
 * (counts itself in flight) until this returns.
 * Return: 0 on a hit; -EAGAIN when the caller must send Retrieve; -EFAULT
 * when @ubuf cannot be written.
 */
int nvme_kv_onesided_get(struct nvme_kv_onesided *os, const u8 *key,
			 u8 key_len, void __user *ubuf, u32 buf_len,
			 u32 *value_len)
{
	u8 value[KV_CACHE_INLINE_MAX];
	const struct kv_cache_slot *s;
	struct nvme_kv_onesided_read *r;
	int tries, ret = -EAGAIN;
	bool record = false;
	u64 pos = 0, seq = 0;
	u32 block, len = 0;

	if (!nvme_kv_onesided_ready(os))
		return -EAGAIN;
	spin_lock_bh(&os->lock);
	r = list_first_entry_or_null(&os->free, struct nvme_kv_onesided_read,
				     entry);
	if (r)
		list_del(&r->entry);
	spin_unlock_bh(&os->lock);
	if (!r)
		goto out_count;

	block = kv_cache_block_of(os->nr_blocks, key, key_len);
	for (tries = 0; tries < NVME_KV_ONESIDED_TRIES; tries++) {
		ret = nvme_kv_onesided_read(os, r, block);
		if (ret) {
			/* @r may still be written: the drain frees it */
			WRITE_ONCE(os->state, NVME_KV_ONESIDED_BROKEN);
			dev_warn_ratelimited(os->ctrl->device,
					     "nsid %u: one-sided read failed (%d, %s); using Retrieve\n",
					     os->nsid, ret,
					     ib_wc_status_msg(r->status));
			ret = -EAGAIN;
			goto out_count;
		}
		ret = -EAGAIN;
		switch (kv_cache_peek(r->buf, os->block_slots, key, key_len,
				      &s)) {
		case KV_PEEK_HIT:
			len = s->value_len;
			if (len <= KV_CACHE_INLINE_MAX) {
				memcpy(value, s->data, len);
				ret = 0;
			} else if (os->block_ns) {
				pos = s->sm.value;
				seq = kv_cache_slot_seq(s);
				record = true;
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
	spin_lock_bh(&os->lock);
	list_add(&r->entry, &os->free);
	spin_unlock_bh(&os->lock);
	if (!ret)
		ret = nvme_kv_onesided_copy(ubuf, buf_len, value, len);
	else if (record)
		ret = nvme_kv_onesided_record(os, key, key_len, pos, seq, len,
					      ubuf, buf_len);
	if (ret != -EAGAIN)
		*value_len = len;
out_count:
	atomic64_inc(&os->stats[ret == -EAGAIN ? NVME_KV_ONESIDED_MISSES :
				 NVME_KV_ONESIDED_HITS]);
	return ret;
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
	cancel_work_sync(&os->setup_work);
	if (os->block_ns)
		nvme_put_ns(os->block_ns);
	if (os->cm_id) {
		rdma_disconnect(os->cm_id);
		nvme_kv_onesided_destroy_qp(os);
		rdma_destroy_id(os->cm_id);
	}
	kfree(os);
}
