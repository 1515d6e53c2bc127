// SPDX-License-Identifier: GPL-2.0
/*
 * The one-sided cache service of nvmet-kv (Documentation/cache.md).
 *
 * A namespace with a cache is exported under a cache id, which log page
 * C0h reports together with the geometry and the service's port.  A host
 * connects an RC queue pair to that port with rdma_cm, naming the cache id
 * in the private data (struct nvme_kv_cache_conn).
 *
 * Access control: the log page is read over a controller's admin queue,
 * so only by a host the subsystem admitted (allowed hosts, DH-CHAP), and
 * it hands that controller a grant: a random 128-bit token for the
 * export, kept per controller ID.  A connection must name a controller ID
 * with a grant and present its token (compared in constant time), or it
 * is rejected before anything is allocated for it.  A grant allows
 * NVMET_KV_RDMA_CTRL_CONNS connections, and the service cache_rdma_max_conns
 * in all.  When the controller is freed (nvmet's ctrl_free callback) its
 * grants are revoked and their connections ended, before its controller
 * ID can be reused.  Cache ids are not secret; tokens are.
 *
 * For each connection the
 * target registers the cache's slots as a memory region that the peer may
 * only read (a fast-registration MR on the connection's own PD), and sends
 * the region's address and rkey as the first message on the queue pair
 * (struct nvme_kv_cache_region).  From then on the host reads cache blocks
 * with RDMA READ and the target's CPU takes no part in a hit.
 *
 * The service listens on every RDMA device, on the port set through the
 * cache_rdma_port module parameter (0, the default: no service).  A new
 * port, or 0, ends every connection; hosts connect again by themselves.
 *
 * Locking and lifetime:
 *  - nvmet_kv_rdma_listen_lock (mutex) serialises starting and stopping
 *    the listener.  It is never taken by an rdma_cm event handler, because
 *    destroying the listener waits for the handlers of its connection
 *    requests.  It is taken before nvmet_kv_rdma_lock (a port change ends
 *    every connection under both).
 *  - nvmet_kv_rdma_lock (mutex) protects the export table, every
 *    export's connection list and grants, and the connection counts; the
 *    connection request handler holds it while it checks the grant and
 *    sets a connection up, so an export being removed or a grant being
 *    revoked never gets a new connection.  Nothing sleeps on the network
 *    under it.
 *  - conn->lock (mutex) orders posting on the queue pair (the established
 *    handler) against its teardown: once @dead is set nothing is posted.
 *  - A connection is torn down by its release work (on nvmet_kv_rdma_wq),
 *    queued once by a disconnect or error event or by the export's
 *    removal.  It drains the queue pair, deregisters the region and
 *    destroys the cm_id, after which no handler of it runs; then it drops
 *    the connection from its export and wakes nvmet_kv_rdma_unexport(),
 *    which waits for all of them before the cache may be freed.
 *  - All of this runs in process context and may sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <linux/scatterlist.h>
#include <linux/inet.h>
#include <linux/random.h>
#include <crypto/utils.h>
#include <rdma/ib_verbs.h>
#include <rdma/ib_cm.h>
#include <rdma/rdma_cm.h>
#include <linux/nvme_kv.h>
#include "kv_rdma.h"

/* Connections one controller's grant allows (a host uses one per binding) */
#define NVMET_KV_RDMA_CTRL_CONNS	4

/**
 * struct nvmet_kv_rdma_grant - a controller's right to connect to an export
 * @ctrl:	the controller, only compared, never dereferenced: the grant
 *		is revoked before the controller is freed
 * @token:	what a connection must present
 * @nr_conns:	connections accepted under it and not yet released
 */
struct nvmet_kv_rdma_grant {
	const void	*ctrl;
	u8		token[NVME_KV_CACHE_TOKEN_BYTES];
	unsigned int	nr_conns;
};

/**
 * struct nvmet_kv_rdma_export - a cache open to one-sided readers
 * @id:		cache id, the key of nvmet_kv_rdma_exports
 * @cache:	the cache; its slots outlive every connection
 * @host_fills:	hosts fill it: their regions may be written and CASed
 * @conns:	connections to it (nvmet_kv_rdma_lock)
 * @nr_conns:	entries of @conns
 * @grants:	controller ID -> struct nvmet_kv_rdma_grant
 * @dying:	set by nvmet_kv_rdma_unexport(); no new connections
 * @wait:	nvmet_kv_rdma_unexport() waits here for @nr_conns to reach 0
 */
struct nvmet_kv_rdma_export {
	u32			id;
	struct kv_cache		*cache;
	bool			host_fills;
	struct list_head	conns;
	unsigned int		nr_conns;
	struct xarray		grants;
	bool			dying;
	wait_queue_head_t	wait;
};

/**
 * struct nvmet_kv_rdma_conn - one host's queue pair to one cache
 * @entry:	in @exp->conns
 * @exp:	the export
 * @grant:	the grant it was accepted under, NULL once revoked
 * @cm_id:	its rdma_cm id, which owns the queue pair
 * @pd:		protection domain of the queue pair and the region
 * @cq:		completion queue of both queues
 * @mr:		the cache's slots, registered for remote read
 * @sgt:	the slots' pages
 * @msg:	struct nvme_kv_cache_region sent to the host
 * @msg_dma:	its DMA address
 * @reg_cqe:	completion of the registration
 * @send_cqe:	completion of sending @msg
 * @release_work: tears the connection down
 * @lock:	see the top of this file
 * @dead:	set when teardown starts
 * @released:	release work queued
 */
struct nvmet_kv_rdma_conn {
	struct list_head		entry;
	struct nvmet_kv_rdma_export	*exp;
	struct nvmet_kv_rdma_grant	*grant;
	struct rdma_cm_id		*cm_id;
	struct ib_pd			*pd;
	struct ib_cq			*cq;
	struct ib_mr			*mr;
	struct sg_table			sgt;
	struct nvme_kv_cache_region	*msg;
	u64				msg_dma;
	struct ib_cqe			reg_cqe;
	struct ib_cqe			send_cqe;
	struct work_struct		release_work;
	struct mutex			lock;	/* see the top of this file */
	bool				dead;
	atomic_t			released;
};

static unsigned short cache_rdma_port;
static unsigned int cache_rdma_max_conns = 256;
module_param(cache_rdma_max_conns, uint, 0644);
MODULE_PARM_DESC(cache_rdma_max_conns,
		 "connections the one-sided cache service accepts in all (default 256)");
static unsigned int nvmet_kv_rdma_nr_conns;	/* nvmet_kv_rdma_lock */
static atomic64_t nvmet_kv_rdma_refused;
static DEFINE_MUTEX(nvmet_kv_rdma_listen_lock);
static struct rdma_cm_id *nvmet_kv_rdma_listener;
static DEFINE_MUTEX(nvmet_kv_rdma_lock);
static DEFINE_XARRAY_ALLOC1(nvmet_kv_rdma_exports);
static struct workqueue_struct *nvmet_kv_rdma_wq;

static size_t nvmet_kv_rdma_region_len(const struct kv_cache *c)
{
	return (size_t)c->nr_blocks * c->block_slots *
		sizeof(struct kv_cache_slot);
}

static void nvmet_kv_rdma_release(struct nvmet_kv_rdma_conn *conn)
{
	if (!atomic_xchg(&conn->released, 1))
		queue_work(nvmet_kv_rdma_wq, &conn->release_work);
}

static void nvmet_kv_rdma_wr_done(struct ib_cq *cq, struct ib_wc *wc)
{
	if (wc->status != IB_WC_SUCCESS && wc->status != IB_WC_WR_FLUSH_ERR)
		pr_warn("cache service: %s failed: %s\n",
			wc->wr_cqe == &((struct nvmet_kv_rdma_conn *)
					cq->cq_context)->reg_cqe ?
			"registration" : "region message",
			ib_wc_status_msg(wc->status));
}

/* The queue pair's resources, in reverse order of nvmet_kv_rdma_setup() */
static void nvmet_kv_rdma_free_qp(struct nvmet_kv_rdma_conn *conn)
{
	struct ib_device *dev = conn->cm_id->device;

	rdma_destroy_qp(conn->cm_id);
	ib_dereg_mr(conn->mr);
	ib_dma_unmap_sg(dev, conn->sgt.sgl, conn->sgt.orig_nents,
			DMA_BIDIRECTIONAL);
	sg_free_table(&conn->sgt);
	ib_dma_unmap_single(dev, conn->msg_dma, sizeof(*conn->msg),
			    DMA_TO_DEVICE);
	kfree(conn->msg);
	ib_free_cq(conn->cq);
	ib_dealloc_pd(conn->pd);
}

static void nvmet_kv_rdma_release_work(struct work_struct *work)
{
	struct nvmet_kv_rdma_conn *conn =
		container_of(work, struct nvmet_kv_rdma_conn, release_work);
	struct nvmet_kv_rdma_export *exp = conn->exp;

	mutex_lock(&conn->lock);
	conn->dead = true;
	mutex_unlock(&conn->lock);
	rdma_disconnect(conn->cm_id);
	ib_drain_qp(conn->cm_id->qp);
	nvmet_kv_rdma_free_qp(conn);
	rdma_destroy_id(conn->cm_id);

	/* nvmet_kv_rdma_unexport() frees @exp only after taking the lock */
	mutex_lock(&nvmet_kv_rdma_lock);
	list_del(&conn->entry);
	if (conn->grant)
		conn->grant->nr_conns--;
	nvmet_kv_rdma_nr_conns--;
	exp->nr_conns--;
	wake_up(&exp->wait);
	mutex_unlock(&nvmet_kv_rdma_lock);
	kfree(conn);
}

/* The slots' pages, for the registration; the region is page-aligned. */
static int nvmet_kv_rdma_map_slots(struct nvmet_kv_rdma_conn *conn)
{
	struct kv_cache *c = conn->exp->cache;
	size_t len = nvmet_kv_rdma_region_len(c);
	unsigned int i, npages = DIV_ROUND_UP(len, PAGE_SIZE);
	struct scatterlist *sg;
	u8 *p = (u8 *)c->slots;
	int ret, n;

	ret = sg_alloc_table(&conn->sgt, npages, GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sgtable_sg(&conn->sgt, sg, i)
		sg_set_page(sg, vmalloc_to_page(p + (size_t)i * PAGE_SIZE),
			    min_t(size_t, PAGE_SIZE, len - (size_t)i * PAGE_SIZE),
			    0);
	n = ib_dma_map_sg(conn->cm_id->device, conn->sgt.sgl, npages,
			  DMA_BIDIRECTIONAL);
	if (!n) {
		ret = -EIO;
		goto out_free_table;
	}
	conn->sgt.nents = n;
	conn->mr = ib_alloc_mr(conn->pd, IB_MR_TYPE_MEM_REG, npages);
	if (IS_ERR(conn->mr)) {
		ret = PTR_ERR(conn->mr);
		goto out_unmap;
	}
	if (ib_map_mr_sg(conn->mr, conn->sgt.sgl, n, NULL, PAGE_SIZE) != n) {
		ret = -EINVAL;
		goto out_dereg;
	}
	return 0;

out_dereg:
	ib_dereg_mr(conn->mr);
out_unmap:
	ib_dma_unmap_sg(conn->cm_id->device, conn->sgt.sgl, npages,
			DMA_BIDIRECTIONAL);
out_free_table:
	sg_free_table(&conn->sgt);
	return ret;
}

/* PD, CQ, QP, the slots' region and the message for a new connection */
static int nvmet_kv_rdma_setup(struct nvmet_kv_rdma_conn *conn)
{
	struct ib_device *dev = conn->cm_id->device;
	struct kv_cache *c = conn->exp->cache;
	struct ib_qp_init_attr qp_attr = { };
	int ret;

	conn->pd = ib_alloc_pd(dev, 0);
	if (IS_ERR(conn->pd))
		return PTR_ERR(conn->pd);
	conn->cq = ib_alloc_cq(dev, conn, 4, 0, IB_POLL_WORKQUEUE);
	if (IS_ERR(conn->cq)) {
		ret = PTR_ERR(conn->cq);
		goto out_dealloc_pd;
	}
	conn->msg = kzalloc(sizeof(*conn->msg), GFP_KERNEL);
	if (!conn->msg) {
		ret = -ENOMEM;
		goto out_free_cq;
	}
	conn->msg_dma = ib_dma_map_single(dev, conn->msg, sizeof(*conn->msg),
					  DMA_TO_DEVICE);
	if (ib_dma_mapping_error(dev, conn->msg_dma)) {
		ret = -EIO;
		goto out_free_msg;
	}
	ret = nvmet_kv_rdma_map_slots(conn);
	if (ret)
		goto out_unmap_msg;

	qp_attr.send_cq = conn->cq;
	qp_attr.recv_cq = conn->cq;
	/* the registration, the message and ib_drain_qp()'s marker */
	qp_attr.cap.max_send_wr = 4;
	qp_attr.cap.max_recv_wr = 1;
	qp_attr.cap.max_send_sge = 1;
	qp_attr.cap.max_recv_sge = 1;
	qp_attr.sq_sig_type = IB_SIGNAL_REQ_WR;
	qp_attr.qp_type = IB_QPT_RC;
	ret = rdma_create_qp(conn->cm_id, conn->pd, &qp_attr);
	if (ret)
		goto out_unmap_slots;

	ib_update_fast_reg_key(conn->mr, ib_inc_rkey(conn->mr->rkey));
	conn->msg->version = cpu_to_le16(NVME_KV_CACHE_VERSION);
	conn->msg->rkey = cpu_to_le32(conn->mr->rkey);
	conn->msg->addr = cpu_to_le64(conn->mr->iova);
	conn->msg->len = cpu_to_le64(nvmet_kv_rdma_region_len(c));
	conn->msg->nr_blocks = cpu_to_le32(c->nr_blocks);
	conn->msg->block_slots = cpu_to_le32(c->block_slots);
	return 0;

out_unmap_slots:
	ib_dereg_mr(conn->mr);
	ib_dma_unmap_sg(dev, conn->sgt.sgl, conn->sgt.orig_nents,
			DMA_BIDIRECTIONAL);
	sg_free_table(&conn->sgt);
out_unmap_msg:
	ib_dma_unmap_single(dev, conn->msg_dma, sizeof(*conn->msg),
			    DMA_TO_DEVICE);
out_free_msg:
	kfree(conn->msg);
out_free_cq:
	ib_free_cq(conn->cq);
out_dealloc_pd:
	ib_dealloc_pd(conn->pd);
	return ret;
}

/*
 * A connection request: set the connection up under nvmet_kv_rdma_lock
 * and accept it.  Returning non-zero makes rdma_cm destroy @cm_id.
 */
static int nvmet_kv_rdma_connect(struct rdma_cm_id *cm_id,
				 struct rdma_cm_event *event)
{
	const struct nvme_kv_cache_conn *req = event->param.conn.private_data;
	struct rdma_conn_param param = { };
	struct nvmet_kv_rdma_grant *grant;
	struct nvmet_kv_rdma_export *exp;
	struct nvmet_kv_rdma_conn *conn;
	int ret = -EINVAL;

	if (!req || event->param.conn.private_data_len < sizeof(*req) ||
	    le16_to_cpu(req->version) != NVME_KV_CACHE_VERSION)
		goto out_reject;

	/* nothing is allocated for a peer before its token is checked */
	mutex_lock(&nvmet_kv_rdma_lock);
	exp = xa_load(&nvmet_kv_rdma_exports, le32_to_cpu(req->cache_id));
	ret = -ENOENT;
	if (!exp || exp->dying)
		goto out_unlock;
	grant = xa_load(&exp->grants, le16_to_cpu(req->cntlid));
	ret = -EACCES;
	if (!grant || crypto_memneq(grant->token, req->token,
				    sizeof(grant->token)))
		goto out_unlock;
	ret = -EBUSY;
	if (grant->nr_conns >= NVMET_KV_RDMA_CTRL_CONNS ||
	    nvmet_kv_rdma_nr_conns >= READ_ONCE(cache_rdma_max_conns))
		goto out_unlock;
	ret = -ENOMEM;
	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		goto out_unlock;
	conn->exp = exp;
	conn->grant = grant;
	conn->cm_id = cm_id;
	mutex_init(&conn->lock);
	INIT_WORK(&conn->release_work, nvmet_kv_rdma_release_work);
	conn->reg_cqe.done = nvmet_kv_rdma_wr_done;
	conn->send_cqe.done = nvmet_kv_rdma_wr_done;
	ret = nvmet_kv_rdma_setup(conn);
	if (ret)
		goto out_free_conn;

	/* the event's fields are from our side: the READs the host issues */
	param.responder_resources =
		min_t(u32, event->param.conn.responder_resources,
		      cm_id->device->attrs.max_qp_rd_atom);
	param.initiator_depth = 0;
	param.rnr_retry_count = 7;
	cm_id->context = conn;
	ret = rdma_accept(cm_id, &param);
	if (ret)
		goto out_free_qp;
	list_add_tail(&conn->entry, &exp->conns);
	exp->nr_conns++;
	grant->nr_conns++;
	nvmet_kv_rdma_nr_conns++;
	mutex_unlock(&nvmet_kv_rdma_lock);
	return 0;

out_free_qp:
	cm_id->context = NULL;
	nvmet_kv_rdma_free_qp(conn);
out_free_conn:
	kfree(conn);
out_unlock:
	mutex_unlock(&nvmet_kv_rdma_lock);
out_reject:
	pr_debug("cache service: connection refused: %d\n", ret);
	atomic64_inc(&nvmet_kv_rdma_refused);
	rdma_reject(cm_id, NULL, 0, IB_CM_REJ_CONSUMER_DEFINED);
	return ret;
}

/* Established: register the region, then tell the host where it is. */
static void nvmet_kv_rdma_established(struct nvmet_kv_rdma_conn *conn)
{
	const struct ib_send_wr *bad;
	struct ib_send_wr send = { };
	struct ib_reg_wr reg = { };
	struct ib_sge sge;
	int ret = -ENOTCONN;

	/* the release work frees the region and the message once @dead */
	mutex_lock(&conn->lock);
	if (conn->dead)
		goto out_unlock;
	reg.wr.opcode = IB_WR_REG_MR;
	reg.wr.wr_cqe = &conn->reg_cqe;
	reg.wr.next = &send;
	reg.mr = conn->mr;
	reg.key = conn->mr->rkey;
	/* a host that only reads gets only reads */
	reg.access = IB_ACCESS_REMOTE_READ;
	if (conn->exp->host_fills)
		reg.access |= IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE |
			      IB_ACCESS_REMOTE_ATOMIC;

	sge.addr = conn->msg_dma;
	sge.length = sizeof(*conn->msg);
	sge.lkey = conn->pd->local_dma_lkey;
	send.opcode = IB_WR_SEND;
	send.wr_cqe = &conn->send_cqe;
	send.sg_list = &sge;
	send.num_sge = 1;
	send.send_flags = IB_SEND_SIGNALED;

	ib_dma_sync_single_for_device(conn->cm_id->device, conn->msg_dma,
				      sizeof(*conn->msg), DMA_TO_DEVICE);
	ret = ib_post_send(conn->cm_id->qp, &reg.wr, &bad);
out_unlock:
	mutex_unlock(&conn->lock);
	/* a connection being torn down (-ENOTCONN) needs nothing more */
	if (ret && ret != -ENOTCONN) {
		pr_warn("cache service: cannot post the region: %d\n", ret);
		nvmet_kv_rdma_release(conn);
	}
}

static int nvmet_kv_rdma_cm_handler(struct rdma_cm_id *cm_id,
				    struct rdma_cm_event *event)
{
	struct nvmet_kv_rdma_conn *conn = cm_id->context;

	switch (event->event) {
	case RDMA_CM_EVENT_CONNECT_REQUEST:
		return nvmet_kv_rdma_connect(cm_id, event);
	case RDMA_CM_EVENT_ESTABLISHED:
		if (conn)
			nvmet_kv_rdma_established(conn);
		break;
	case RDMA_CM_EVENT_DISCONNECTED:
	case RDMA_CM_EVENT_TIMEWAIT_EXIT:
	case RDMA_CM_EVENT_REJECTED:
	case RDMA_CM_EVENT_UNREACHABLE:
	case RDMA_CM_EVENT_CONNECT_ERROR:
	case RDMA_CM_EVENT_ADDR_CHANGE:
	case RDMA_CM_EVENT_DEVICE_REMOVAL:
		/* the listener itself has no connection */
		if (conn)
			nvmet_kv_rdma_release(conn);
		break;
	default:
		break;
	}
	return 0;
}

/* Start listening on @port (0: stop).  nvmet_kv_rdma_listen_lock is held. */
static int nvmet_kv_rdma_listen(u16 port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
		.sin_port = htons(port),
	};
	struct rdma_cm_id *id = NULL, *old;
	int ret;

	if (port) {
		id = rdma_create_id(&init_net, nvmet_kv_rdma_cm_handler, NULL,
				    RDMA_PS_TCP, IB_QPT_RC);
		if (IS_ERR(id))
			return PTR_ERR(id);
		ret = rdma_bind_addr(id, (struct sockaddr *)&addr);
		if (!ret)
			ret = rdma_listen(id, 16);
		if (ret) {
			rdma_destroy_id(id);
			return ret;
		}
	}
	old = nvmet_kv_rdma_listener;
	nvmet_kv_rdma_listener = id;
	if (old)
		rdma_destroy_id(old);
	if (port)
		pr_info("cache service: listening on port %u\n", port);
	return 0;
}

/*
 * Drop the grant of controller ID @cntlid of @exp and end the connections
 * accepted under it.  nvmet_kv_rdma_lock is held.
 */
static void nvmet_kv_rdma_revoke(struct nvmet_kv_rdma_export *exp,
				 u16 cntlid)
{
	struct nvmet_kv_rdma_grant *g = xa_erase(&exp->grants, cntlid);
	struct nvmet_kv_rdma_conn *conn;

	if (!g)
		return;
	list_for_each_entry(conn, &exp->conns, entry) {
		if (conn->grant != g)
			continue;
		conn->grant = NULL;
		nvmet_kv_rdma_release(conn);
	}
	kfree(g);
}

/*
 * End every connection to every cache: the service moved to another port,
 * or stopped.  Hosts read log page C0h again and connect to the new port.
 */
static void nvmet_kv_rdma_release_all(void)
{
	struct nvmet_kv_rdma_export *exp;
	struct nvmet_kv_rdma_conn *conn;
	unsigned long id;

	mutex_lock(&nvmet_kv_rdma_lock);
	xa_for_each(&nvmet_kv_rdma_exports, id, exp)
		list_for_each_entry(conn, &exp->conns, entry)
			nvmet_kv_rdma_release(conn);
	mutex_unlock(&nvmet_kv_rdma_lock);
}

/* Lock order: nvmet_kv_rdma_listen_lock, then nvmet_kv_rdma_lock. */
static int nvmet_kv_rdma_set_port(const char *val,
				  const struct kernel_param *kp)
{
	u16 port;
	int ret;

	ret = kstrtou16(val, 0, &port);
	if (ret)
		return ret;
	mutex_lock(&nvmet_kv_rdma_listen_lock);
	if (port == cache_rdma_port)	/* already so: keep every connection */
		goto out_unlock;
	/* set on the modprobe line: nvmet_kv_rdma_init() starts listening */
	ret = nvmet_kv_rdma_wq ? nvmet_kv_rdma_listen(port) : 0;
	if (ret)
		goto out_unlock;
	WRITE_ONCE(cache_rdma_port, port);
	if (nvmet_kv_rdma_wq)
		nvmet_kv_rdma_release_all();
out_unlock:
	mutex_unlock(&nvmet_kv_rdma_listen_lock);
	return ret;
}

static const struct kernel_param_ops nvmet_kv_rdma_port_ops = {
	.set = nvmet_kv_rdma_set_port,
	.get = param_get_ushort,
};
module_param_cb(cache_rdma_port, &nvmet_kv_rdma_port_ops, &cache_rdma_port,
		0644);
MODULE_PARM_DESC(cache_rdma_port,
		 "rdma_cm port on which hosts connect to read namespace caches one-sided (default 0: no service)");

/**
 * nvmet_kv_rdma_port() - port of the one-sided cache service
 *
 * Return: the port, 0 when the service is off.
 */
u16 nvmet_kv_rdma_port(void)
{
	return READ_ONCE(cache_rdma_port);
}

/**
 * nvmet_kv_rdma_export() - open a cache to one-sided readers
 * @cache: the cache; it must stay until nvmet_kv_rdma_unexport() returns
 * @host_fills: hosts also fill it (RDMA WRITE and CAS on its slots)
 * @exp: out: the export
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM or -EBUSY when no cache id is free.
 */
int nvmet_kv_rdma_export(struct kv_cache *cache, bool host_fills,
			 struct nvmet_kv_rdma_export **exp)
{
	struct nvmet_kv_rdma_export *e;
	int ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->cache = cache;
	e->host_fills = host_fills;
	INIT_LIST_HEAD(&e->conns);
	xa_init(&e->grants);
	init_waitqueue_head(&e->wait);
	mutex_lock(&nvmet_kv_rdma_lock);
	ret = xa_alloc(&nvmet_kv_rdma_exports, &e->id, e, xa_limit_31b,
		       GFP_KERNEL);
	mutex_unlock(&nvmet_kv_rdma_lock);
	if (ret) {
		kfree(e);
		return ret;
	}
	*exp = e;
	return 0;
}

/**
 * nvmet_kv_rdma_cache_id() - the id hosts name an exported cache by
 * @exp: the export
 *
 * Return: the cache id.
 */
u32 nvmet_kv_rdma_cache_id(const struct nvmet_kv_rdma_export *exp)
{
	return exp->id;
}

/**
 * nvmet_kv_rdma_unexport() - close a cache to one-sided readers
 * @exp: from nvmet_kv_rdma_export()
 *
 * Disconnects every host connected to the cache and waits until their
 * queue pairs are gone and the region is deregistered; then the cache's
 * memory may be freed.
 *
 * Context: process context; sleeps.
 */
void nvmet_kv_rdma_unexport(struct nvmet_kv_rdma_export *exp)
{
	struct nvmet_kv_rdma_grant *grant;
	struct nvmet_kv_rdma_conn *conn;
	unsigned long id;

	mutex_lock(&nvmet_kv_rdma_lock);
	exp->dying = true;
	xa_erase(&nvmet_kv_rdma_exports, exp->id);
	list_for_each_entry(conn, &exp->conns, entry)
		nvmet_kv_rdma_release(conn);
	mutex_unlock(&nvmet_kv_rdma_lock);
	wait_event(exp->wait, !READ_ONCE(exp->nr_conns));
	/* the last release work may still be waking us: let it finish */
	mutex_lock(&nvmet_kv_rdma_lock);
	mutex_unlock(&nvmet_kv_rdma_lock);
	xa_for_each(&exp->grants, id, grant)
		kfree(grant);
	xa_destroy(&exp->grants);
	kfree(exp);
}

/**
 * nvmet_kv_rdma_grant() - the token a controller's host connects with
 * @exp: the export
 * @ctrl: the controller reading log page C0h (compared, never dereferenced)
 * @cntlid: its controller ID
 * @token: out: NVME_KV_CACHE_TOKEN_BYTES bytes
 *
 * Makes a grant for @ctrl on its first call, the same token after that.
 * A grant a gone controller of the same ID left cannot exist, since
 * nvmet_kv_rdma_ctrl_gone() revokes it first; one found anyway is replaced.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int nvmet_kv_rdma_grant(struct nvmet_kv_rdma_export *exp, const void *ctrl,
			u16 cntlid, u8 *token)
{
	struct nvmet_kv_rdma_grant *g, *old;
	int ret = 0;

	mutex_lock(&nvmet_kv_rdma_lock);
	g = xa_load(&exp->grants, cntlid);
	if (g && g->ctrl == ctrl)
		goto out_copy;
	if (g)
		nvmet_kv_rdma_revoke(exp, cntlid);
	ret = -ENOMEM;
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		goto out_unlock;
	g->ctrl = ctrl;
	get_random_bytes(g->token, sizeof(g->token));
	old = xa_store(&exp->grants, cntlid, g, GFP_KERNEL);
	if (xa_is_err(old)) {
		ret = xa_err(old);
		kfree(g);
		goto out_unlock;
	}
	ret = 0;
out_copy:
	memcpy(token, g->token, sizeof(g->token));
out_unlock:
	mutex_unlock(&nvmet_kv_rdma_lock);
	return ret;
}

/**
 * nvmet_kv_rdma_ctrl_gone() - revoke what a controller was granted
 * @ctrl: the controller being freed
 * @cntlid: its controller ID
 *
 * Every export's grant for @ctrl goes, and the connections accepted under
 * it are ended (their teardown runs on the service's workqueue).
 *
 * Context: process context; may sleep.
 */
void nvmet_kv_rdma_ctrl_gone(const void *ctrl, u16 cntlid)
{
	struct nvmet_kv_rdma_export *exp;
	struct nvmet_kv_rdma_grant *g;
	unsigned long id;

	mutex_lock(&nvmet_kv_rdma_lock);
	xa_for_each(&nvmet_kv_rdma_exports, id, exp) {
		g = xa_load(&exp->grants, cntlid);
		if (g && g->ctrl == ctrl)
			nvmet_kv_rdma_revoke(exp, cntlid);
	}
	mutex_unlock(&nvmet_kv_rdma_lock);
}

/**
 * nvmet_kv_rdma_refused_count() - connection requests refused since loading
 *
 * Return: the count.
 */
u64 nvmet_kv_rdma_refused_count(void)
{
	return atomic64_read(&nvmet_kv_rdma_refused);
}

/**
 * nvmet_kv_rdma_conns_count() - connections accepted and not yet released
 *
 * Return: the count, of every export.
 */
unsigned int nvmet_kv_rdma_conns_count(void)
{
	unsigned int n;

	mutex_lock(&nvmet_kv_rdma_lock);
	n = nvmet_kv_rdma_nr_conns;
	mutex_unlock(&nvmet_kv_rdma_lock);
	return n;
}

/**
 * nvmet_kv_rdma_init() - set the service up when the module loads
 *
 * Return: 0, or a negative errno.
 */
int nvmet_kv_rdma_init(void)
{
	int ret = 0;

	nvmet_kv_rdma_wq = alloc_workqueue("nvmet-kv-rdma", WQ_MEM_RECLAIM, 0);
	if (!nvmet_kv_rdma_wq)
		return -ENOMEM;
	mutex_lock(&nvmet_kv_rdma_listen_lock);
	if (cache_rdma_port)
		ret = nvmet_kv_rdma_listen(cache_rdma_port);
	mutex_unlock(&nvmet_kv_rdma_listen_lock);
	if (ret) {
		destroy_workqueue(nvmet_kv_rdma_wq);
		nvmet_kv_rdma_wq = NULL;
	}
	return ret;
}

/**
 * nvmet_kv_rdma_exit() - stop the service when the module goes
 *
 * Every namespace is disabled by then, so no export and no connection is
 * left once the listener is gone.
 */
void nvmet_kv_rdma_exit(void)
{
	mutex_lock(&nvmet_kv_rdma_listen_lock);
	nvmet_kv_rdma_listen(0);
	mutex_unlock(&nvmet_kv_rdma_listen_lock);
	destroy_workqueue(nvmet_kv_rdma_wq);
}
