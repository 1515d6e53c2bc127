// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile RDMA peer of nvmet-kv's one-sided cache service, for the
 * in-guest tests: loading this module makes @count connection attempts to
 * addr:port with the credentials given (cache id, controller ID, token),
 * keeps the accepted ones open until all attempts are made, and on each
 * accepted one waits for the region message and reads the region's first
 * bytes with RDMA READ.  It logs one line per attempt and a summary,
 *
 *   peer: accepted A refused R errors E reads N
 *
 * which the selftests read from dmesg; then it fails to load (-EAGAIN),
 * so nothing stays behind.  With scan_ids=1 attempt i names cache id
 * cache_id + i (guessing ids).
 */
#define pr_fmt(fmt) "peer: " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/inet.h>
#include <linux/completion.h>
#include <linux/hex.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>
#include <linux/nvme_kv.h>

static char *addr = "127.0.0.1";
module_param(addr, charp, 0444);
static ushort port;
module_param(port, ushort, 0444);
static uint cache_id = 1;
module_param(cache_id, uint, 0444);
static ushort cntlid;
module_param(cntlid, ushort, 0444);
static char *token = "";
module_param(token, charp, 0444);
MODULE_PARM_DESC(token, "32 hex digits; empty: all zeros");
static uint count = 1;
module_param(count, uint, 0444);
static bool scan_ids;
module_param(scan_ids, bool, 0444);

#define PEER_TIMEOUT	(5 * HZ)
#define PEER_READ_BYTES	64

struct peer {
	struct rdma_cm_id		*id;
	struct completion		cm_done;
	int				cm_result;
	struct ib_pd			*pd;
	struct ib_cq			*cq;
	struct nvme_kv_cache_region	*msg;
	u8				*data;
	u64				msg_dma, data_dma;
	struct ib_cqe			recv_cqe, read_cqe;
	struct completion		recv_done, read_done;
	enum ib_wc_status		recv_status, read_status;
};

static int peer_cm_handler(struct rdma_cm_id *id, struct rdma_cm_event *ev)
{
	struct peer *p = id->context;

	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_RESOLVED:
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
	case RDMA_CM_EVENT_ESTABLISHED:
		p->cm_result = 0;
		break;
	case RDMA_CM_EVENT_REJECTED:
		p->cm_result = -ECONNREFUSED;
		break;
	case RDMA_CM_EVENT_DISCONNECTED:
	case RDMA_CM_EVENT_TIMEWAIT_EXIT:
		return 0;
	default:
		p->cm_result = -ENETUNREACH;
		break;
	}
	complete(&p->cm_done);
	return 0;
}

static int peer_wait(struct peer *p)
{
	if (!wait_for_completion_timeout(&p->cm_done, PEER_TIMEOUT))
		return -ETIMEDOUT;
	reinit_completion(&p->cm_done);
	return p->cm_result;
}

static void peer_recv_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct peer *p = cq->cq_context;

	p->recv_status = wc->status;
	complete(&p->recv_done);
}

static void peer_read_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct peer *p = cq->cq_context;

	p->read_status = wc->status;
	complete(&p->read_done);
}

/* Free what peer_connect() set up, in reverse order */
static void peer_free(struct peer *p)
{
	struct ib_device *dev;

	if (!p->id)
		return;
	dev = p->id->device;
	if (p->id->qp) {
		rdma_disconnect(p->id);
		ib_drain_qp(p->id->qp);
		rdma_destroy_qp(p->id);
	}
	if (p->data) {
		ib_dma_unmap_single(dev, p->data_dma, PEER_READ_BYTES,
				    DMA_FROM_DEVICE);
		ib_dma_unmap_single(dev, p->msg_dma, sizeof(*p->msg),
				    DMA_FROM_DEVICE);
	}
	kfree(p->data);
	kfree(p->msg);
	if (p->cq)
		ib_free_cq(p->cq);
	if (p->pd)
		ib_dealloc_pd(p->pd);
	rdma_destroy_id(p->id);
	p->id = NULL;
}

static int peer_setup_qp(struct peer *p)
{
	struct ib_device *dev = p->id->device;
	struct ib_qp_init_attr qp_attr = { };
	struct ib_recv_wr wr = { };
	struct ib_sge sge;
	int ret;

	p->pd = ib_alloc_pd(dev, 0);
	if (IS_ERR(p->pd)) {
		ret = PTR_ERR(p->pd);
		p->pd = NULL;
		return ret;
	}
	/*
	 * A workqueue, not softirq: ib_free_cq() then waits for the whole
	 * handler (cancel_work_sync()), where with softirq it can free the
	 * CQ while the handler that ran the drain's completion is about to
	 * re-arm it (host/kv_onesided.c says more); the flood of refused
	 * connections below frees hundreds of CQs.
	 */
	p->cq = ib_alloc_cq(dev, p, 8, 0, IB_POLL_WORKQUEUE);
	if (IS_ERR(p->cq)) {
		ret = PTR_ERR(p->cq);
		p->cq = NULL;
		return ret;
	}
	p->msg = kzalloc(sizeof(*p->msg), GFP_KERNEL);
	p->data = kzalloc(PEER_READ_BYTES, GFP_KERNEL);
	if (!p->msg || !p->data) {
		kfree(p->data);
		p->data = NULL;
		return -ENOMEM;
	}
	p->msg_dma = ib_dma_map_single(dev, p->msg, sizeof(*p->msg),
				       DMA_FROM_DEVICE);
	p->data_dma = ib_dma_map_single(dev, p->data, PEER_READ_BYTES,
					DMA_FROM_DEVICE);
	qp_attr.send_cq = p->cq;
	qp_attr.recv_cq = p->cq;
	/* room for ib_drain_qp()'s markers next to what stays posted */
	qp_attr.cap.max_send_wr = 3;
	qp_attr.cap.max_recv_wr = 2;
	qp_attr.cap.max_send_sge = 1;
	qp_attr.cap.max_recv_sge = 1;
	qp_attr.sq_sig_type = IB_SIGNAL_REQ_WR;
	qp_attr.qp_type = IB_QPT_RC;
	ret = rdma_create_qp(p->id, p->pd, &qp_attr);
	if (ret)
		return ret;
	sge.addr = p->msg_dma;
	sge.length = sizeof(*p->msg);
	sge.lkey = p->pd->local_dma_lkey;
	p->recv_cqe.done = peer_recv_done;
	wr.wr_cqe = &p->recv_cqe;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	return ib_post_recv(p->id->qp, &wr, NULL);
}

/* One connection attempt with @conn: 0 accepted, -ECONNREFUSED, or else */
static int peer_connect(struct peer *p, struct sockaddr_storage *dst,
			const struct nvme_kv_cache_conn *conn)
{
	struct rdma_conn_param param = { };
	int ret;

	init_completion(&p->cm_done);
	init_completion(&p->recv_done);
	init_completion(&p->read_done);
	p->id = rdma_create_id(&init_net, peer_cm_handler, p, RDMA_PS_TCP,
			       IB_QPT_RC);
	if (IS_ERR(p->id)) {
		ret = PTR_ERR(p->id);
		p->id = NULL;
		return ret;
	}
	ret = rdma_resolve_addr(p->id, NULL, (struct sockaddr *)dst, 2000);
	if (!ret)
		ret = peer_wait(p);
	if (!ret)
		ret = rdma_resolve_route(p->id, 2000);
	if (!ret)
		ret = peer_wait(p);
	if (!ret)
		ret = peer_setup_qp(p);
	if (ret)
		return ret;
	param.private_data = conn;
	param.private_data_len = sizeof(*conn);
	param.initiator_depth = 1;
	param.retry_count = 7;
	param.rnr_retry_count = 7;
	ret = rdma_connect(p->id, &param);
	if (!ret)
		ret = peer_wait(p);
	return ret;
}

/* On an accepted connection: the region message, then an RDMA READ */
static int peer_read(struct peer *p)
{
	struct ib_rdma_wr wr = { };
	struct ib_sge sge;
	int ret;

	if (!wait_for_completion_timeout(&p->recv_done, PEER_TIMEOUT) ||
	    p->recv_status != IB_WC_SUCCESS)
		return -EPROTO;
	ib_dma_sync_single_for_cpu(p->id->device, p->msg_dma, sizeof(*p->msg),
				   DMA_FROM_DEVICE);
	sge.addr = p->data_dma;
	sge.length = PEER_READ_BYTES;
	sge.lkey = p->pd->local_dma_lkey;
	p->read_cqe.done = peer_read_done;
	wr.wr.opcode = IB_WR_RDMA_READ;
	wr.wr.wr_cqe = &p->read_cqe;
	wr.wr.sg_list = &sge;
	wr.wr.num_sge = 1;
	wr.wr.send_flags = IB_SEND_SIGNALED;
	wr.remote_addr = le64_to_cpu(p->msg->addr);
	wr.rkey = le32_to_cpu(p->msg->rkey);
	ret = ib_post_send(p->id->qp, &wr.wr, NULL);
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&p->read_done, PEER_TIMEOUT))
		return -ETIMEDOUT;
	return p->read_status == IB_WC_SUCCESS ? 0 : -EIO;
}

static int __init peer_init(void)
{
	unsigned int i, accepted = 0, refused = 0, errors = 0, reads = 0;
	struct nvme_kv_cache_conn conn = { };
	struct sockaddr_storage dst;
	char portstr[8];
	struct peer *peers;
	int ret;

	snprintf(portstr, sizeof(portstr), "%u", port);
	ret = inet_pton_with_scope(&init_net, AF_UNSPEC, addr, portstr, &dst);
	if (ret)
		return ret;
	if (*token && (strlen(token) != 2 * sizeof(conn.token) ||
		       hex2bin(conn.token, token, sizeof(conn.token))))
		return -EINVAL;
	peers = kcalloc(count, sizeof(*peers), GFP_KERNEL);
	if (!peers)
		return -ENOMEM;
	conn.version = cpu_to_le16(NVME_KV_CACHE_VERSION);
	conn.cntlid = cpu_to_le16(cntlid);
	for (i = 0; i < count; i++) {
		conn.cache_id = cpu_to_le32(cache_id + (scan_ids ? i : 0));
		ret = peer_connect(&peers[i], &dst, &conn);
		if (!ret) {
			accepted++;
			ret = peer_read(&peers[i]);
			if (!ret)
				reads++;
			pr_info("attempt %u: accepted, read %d\n", i, ret);
			continue;	/* held open until every attempt is made */
		}
		if (ret == -ECONNREFUSED)
			refused++;
		else
			errors++;
		if (count <= 32)
			pr_info("attempt %u: %d\n", i, ret);
		peer_free(&peers[i]);
	}
	for (i = 0; i < count; i++)
		peer_free(&peers[i]);
	kfree(peers);
	pr_info("accepted %u refused %u errors %u reads %u\n", accepted,
		refused, errors, reads);
	return -EAGAIN;
}

module_init(peer_init);
MODULE_DESCRIPTION("nvme-kv selftest: a hostile peer of the one-sided cache service");
MODULE_LICENSE("GPL");
