// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-kv: the NVMe Key Value command set (CSI 01h) on the stock Linux NVMe
 * host stack, over any transport.
 *
 * nvme-core sets up a namespace of a command set it does not know with only
 * a generic char device (/dev/ngXnY).  This driver finds such namespaces
 * with CSI 01h through the controllers' char devices, and gives each one a
 * /dev/kv<ctrl>n<nsid> whose ioctls (uapi/linux/nvme_kv.h) and an exported
 * in-kernel API (include/linux/nvme-kv.h) run KV commands as driver-private
 * passthrough requests on the namespace's request queue.
 *
 * Locking and lifetime:
 *  - nvme_kv_lock (mutex) protects nvme_kv_namespaces and serialises
 *    binding and unbinding.  It is taken before any kvns->lock.
 *  - kvns->lock (spinlock, taken with interrupts off because commands end
 *    in interrupt context) protects kvns->dead and kvns->inflight.  Every
 *    command counts itself in @inflight before it allocates its request and
 *    out after it freed it; unbind sets @dead and then waits on kvns->idle
 *    until @inflight is 0, so no request of a released namespace exists.
 *  - A binding holds the controller's char device open (which pins the
 *    controller and its transport module) and a reference on the nvme_ns.
 *  - struct nvme_kv_ns lives until the last put of its device: the binding
 *    holds one reference, every open file and every nvme_kv_ns_get() one.
 *  - Commands are started in process context (they may sleep for a tag or
 *    to map memory); their end_io callbacks run in any context.
 *  - io_uring commands (kv_uring.c) count in and out the same way; one
 *    issued without blocking takes a tag only if one is free, else it is
 *    issued again from io-wq.  Their CQE is posted in the submitter's task
 *    after the request was freed and counted out.
 *  - A one-sided read of the target's cache (kv_onesided.c) counts itself
 *    in @inflight like a command, and a host fill stays counted from its
 *    lock until nvme_kv_uop_fill() completes it after the Retrieve; unbind
 *    stops the session after the wait for @inflight, so no read or fill
 *    uses it any more.  A GET counts itself in before it even looks at
 *    kvns->onesided.
 *
 * What an opener of /dev/kvXnY may make the driver send: only the KV
 * commands the driver builds itself from checked ioctl arguments (Store,
 * Retrieve, Delete, Exist, List, and the Transfer commands of a PIGGYBACK
 * Store), never a command the caller composes.  Store, Delete and batches
 * with either need a file opened for writing, as nvme-core's
 * nvme_cmd_allowed() asks of passthrough writes; the node is 0600 unless a
 * udev rule widens it (Documentation/security.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/blk-mq.h>
#include <linux/random.h>
#include <linux/nvme_kv.h>
#include <linux/nvme-kv.h>
#include "nvme.h"
#include "kv_onesided.h"
#include "kv.h"

#define NVME_KV_MINORS		BIT(MINORBITS)

static unsigned int max_ctrls = 256;
module_param(max_ctrls, uint, 0644);
MODULE_PARM_DESC(max_ctrls, "controllers /dev/nvme0../dev/nvme<max_ctrls-1> looked at by a scan");

/* AUTO's thresholds; Documentation/wire-format.md says where they come from */
static unsigned int auto_piggyback_max = NVME_KV_INLINE_SOLO;
module_param(auto_piggyback_max, uint, 0644);
MODULE_PARM_DESC(auto_piggyback_max, "AUTO sends values up to this size (bytes) by PIGGYBACK (default 16: one command)");

static unsigned int auto_append_max;
module_param(auto_append_max, uint, 0644);
MODULE_PARM_DESC(auto_append_max, "AUTO sends larger values up to this size by APPEND when the capsule holds them, else by DPTR (default 0: never, as APPEND measured no cheaper than DPTR)");

static const char *const nvme_kv_xfer_names[] = {
	[NVME_KV_XFER_DPTR]		= "dptr",
	[NVME_KV_XFER_PIGGYBACK]	= "piggyback",
	[NVME_KV_XFER_PIGGYBACK_SERIAL]	= "piggyback_serial",
	[NVME_KV_XFER_APPEND]		= "append",
	[NVME_KV_XFER_AUTO]		= "auto",
};

static DEFINE_MUTEX(nvme_kv_lock);
static LIST_HEAD(nvme_kv_namespaces);
static bool nvme_kv_exiting;	/* under nvme_kv_lock: no new bindings */
static DEFINE_IDA(nvme_kv_minor_ida);
static dev_t nvme_kv_chr_devt;

/* Map an NVMe status (SCT << 8 | SC) to the errno a command ends with. */
static int nvme_kv_status_to_errno(u16 status)
{
	u8 sct = NVME_KV_STATUS_SCT(status), sc = NVME_KV_STATUS_SC(status);

	/* KV status codes arrive with SCT 0h or 1h depending on the target */
	if (sct <= 1 && sc >= NVME_KV_SC_CAPACITY_EXCEEDED) {
		switch (sc) {
		case NVME_KV_SC_CAPACITY_EXCEEDED:
			return -ENOSPC;
		case NVME_KV_SC_NS_NOT_READY:
			return -EAGAIN;
		case NVME_KV_SC_RESERVATION_CONFLICT:
			return -EACCES;
		case NVME_KV_SC_FORMAT_IN_PROGRESS:
			return -EBUSY;
		case NVME_KV_SC_INVALID_VALUE_SIZE:
			return -EFBIG;
		case NVME_KV_SC_INVALID_KEY_SIZE:
			return -EINVAL;
		case NVME_KV_SC_KEY_NOT_EXISTS:
			return -ENOENT;
		case NVME_KV_SC_KEY_EXISTS:
			return -EEXIST;
		}
		return -EIO;
	}
	if (sct == 0 && sc == NVME_KV_SC_INVALID_OPCODE)
		return -EOPNOTSUPP;
	if (sct == 0 && sc == NVME_KV_SC_INVALID_FIELD)
		return -EINVAL;
	/* this project's inline-transfer statuses, uapi/linux/nvme_kv.h */
	if (sct == 0 && sc == NVME_KV_SC_XFER_CAP)
		return -ENOBUFS;
	if (sct == 0 && sc >= NVME_KV_SC_XFER_UNKNOWN_TAG &&
	    sc <= NVME_KV_SC_XFER_BEYOND)
		return -EPROTO;
	/* set by the host itself, see nvme_cancel_request() and nvmf */
	if (status == NVME_SC_HOST_ABORTED_CMD)
		return -ECANCELED;
	if (status == NVME_SC_HOST_PATH_ERROR)
		return -ENOLINK;
	return -EIO;
}

static bool nvme_kv_ctrl_gone(struct nvme_ctrl *ctrl)
{
	switch (nvme_ctrl_state(ctrl)) {
	case NVME_CTRL_DELETING:
	case NVME_CTRL_DELETING_NOIO:
	case NVME_CTRL_DEAD:
		return true;
	default:
		return false;
	}
}

static bool nvme_kv_ns_gone(struct nvme_kv_ns *kvns)
{
	return nvme_kv_ctrl_gone(kvns->ctrl) ||
	       test_bit(NVME_NS_REMOVING, &kvns->ns->flags);
}

/* Count a command in; fails once the binding or its controller is gone. */
int nvme_kv_cmd_begin(struct nvme_kv_ns *kvns)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&kvns->lock, flags);
	if (kvns->dead || nvme_kv_ns_gone(kvns))
		ret = -ENODEV;
	else
		kvns->inflight++;
	spin_unlock_irqrestore(&kvns->lock, flags);
	return ret;
}

/* Count a command out, after its request was freed; any context. */
void nvme_kv_cmd_end(struct nvme_kv_ns *kvns)
{
	unsigned long flags;

	spin_lock_irqsave(&kvns->lock, flags);
	if (!--kvns->inflight && kvns->dead)
		wake_up_all(&kvns->idle);
	spin_unlock_irqrestore(&kvns->lock, flags);
}

static bool nvme_kv_idle(struct nvme_kv_ns *kvns)
{
	bool idle;

	spin_lock_irq(&kvns->lock);
	idle = !kvns->inflight;
	spin_unlock_irq(&kvns->lock);
	return idle;
}

/* The SQE of a KV command */
void nvme_kv_build_cmd(struct nvme_kv_ns *kvns, struct nvme_command *cmd,
		       u8 opcode, const u8 *key, u8 key_len, u8 options,
		       u32 len)
{
	u8 *sqe = (u8 *)cmd;

	memset(cmd, 0, sizeof(*cmd));
	sqe[NVME_KV_SQE_OPCODE] = opcode;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_NSID, kvns->nsid);
	nvme_kv_sqe_set_key(sqe, key, key_len);
	nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, len);
	sqe[NVME_KV_SQE_OPTIONS] = options;
}

/*
 * Check the fields of a command that do not depend on the namespace: the
 * opcode, the key, the options and which commands move data.
 */
int nvme_kv_check(u8 opcode, const u8 *key, u8 key_len, u8 options,
		  u8 xfer, bool has_buf, u32 len)
{
	u8 allowed = 0;

	if (xfer > NVME_KV_XFER_MAX ||
	    (xfer && opcode != NVME_KV_CMD_STORE))
		return -EINVAL;
	switch (opcode) {
	case NVME_KV_CMD_STORE:
		/* the vendor bits are the driver's, set by the method */
		allowed = NVME_KV_STORE_OPTIONS;
		break;
	case NVME_KV_CMD_RETRIEVE:
		allowed = NVME_KV_RETRIEVE_OPTIONS;
		break;
	case NVME_KV_CMD_LIST:
		if (len < 4)
			return -EINVAL;	/* room for the key count */
		break;
	case NVME_KV_CMD_DELETE:
	case NVME_KV_CMD_EXIST:
		if (has_buf || len)
			return -EINVAL;	/* they move no data */
		break;
	default:
		return -EINVAL;
	}
	if ((key_len < NVME_KV_KEY_MIN && opcode != NVME_KV_CMD_LIST) ||
	    key_len > NVME_KV_KEY_MAX ||
	    memchr_inv(key + key_len, 0, NVME_KV_KEY_MAX - key_len))
		return -EINVAL;
	if (options & ~allowed)
		return -EINVAL;
	if (opcode == NVME_KV_CMD_STORE &&
	    (options & NVME_KV_STORE_SIKE) && (options & NVME_KV_STORE_SINKE))
		return -EINVAL;
	return 0;
}

/* The error of a finished request; fills *@status and *@result. */
int nvme_kv_rq_error(struct request *rq, blk_status_t err, u16 *status,
		     u32 *result)
{
	struct nvme_request *nr = nvme_req(rq);

	*result = le32_to_cpu(nr->result.u32);
	*status = nr->status & NVME_SCT_SC_MASK;
	if (nr->flags & NVME_REQ_CANCELLED)
		return -ECANCELED;
	if (*status)
		return nvme_kv_status_to_errno(*status);
	return blk_status_to_errno(err);
}

void nvme_kv_account(struct nvme_kv_ns *kvns, u8 opcode, int error,
		     u32 len, u32 result)
{
	static const u8 stat_of[] = {
		[NVME_KV_CMD_STORE]	= NVME_KV_STAT_STORE,
		[NVME_KV_CMD_RETRIEVE]	= NVME_KV_STAT_RETRIEVE,
		[NVME_KV_CMD_LIST]	= NVME_KV_STAT_LIST,
		[NVME_KV_CMD_DELETE]	= NVME_KV_STAT_DELETE,
		[NVME_KV_CMD_EXIST]	= NVME_KV_STAT_EXIST,
	};

	atomic64_inc(&kvns->stats[stat_of[opcode]]);
	if (error) {
		atomic64_inc(&kvns->stats[NVME_KV_STAT_ERRORS]);
	} else if (opcode == NVME_KV_CMD_STORE) {
		atomic64_add(len, &kvns->stats[NVME_KV_STAT_BYTES_WRITTEN]);
	} else if (opcode == NVME_KV_CMD_RETRIEVE) {
		atomic64_add(min(len, result),
			     &kvns->stats[NVME_KV_STAT_BYTES_READ]);
	} else if (opcode == NVME_KV_CMD_LIST) {
		atomic64_add(len, &kvns->stats[NVME_KV_STAT_BYTES_READ]);
	}
}

/*
 * Bytes of the capsule after the command: 0 when the controller has none,
 * or when the binding is gone (the controller may be freed then, so it is
 * read only while counted in, like a command).
 */
static u32 nvme_kv_capsule_bytes(struct nvme_kv_ns *kvns)
{
	u32 ioccsz;

	if (nvme_kv_cmd_begin(kvns))
		return 0;
	ioccsz = READ_ONCE(kvns->ctrl->ioccsz);
	nvme_kv_cmd_end(kvns);
	return ioccsz > 4 ? ioccsz * 16 - sizeof(struct nvme_command) : 0;
}

/* The method a Store of @len bytes goes by; *@fallback when APPEND cannot */
u8 nvme_kv_xfer_resolve(struct nvme_kv_ns *kvns, u8 xfer, u32 len,
			bool *fallback)
{
	*fallback = false;
	if (xfer == NVME_KV_XFER_DEFAULT)
		xfer = READ_ONCE(kvns->xfer_default);
	if (xfer == NVME_KV_XFER_AUTO) {
		/*
		 * The same rules on every transport; the instructions they
		 * save are in Documentation/wire-format.md, "AUTO".
		 */
		if (len <= READ_ONCE(auto_piggyback_max) &&
		    len <= NVME_KV_PIGGYBACK_MAX)
			return NVME_KV_XFER_PIGGYBACK;
		if (len <= READ_ONCE(auto_append_max) &&
		    len <= nvme_kv_capsule_bytes(kvns))
			return NVME_KV_XFER_APPEND;
		return NVME_KV_XFER_DPTR;
	}
	if ((xfer == NVME_KV_XFER_PIGGYBACK ||
	     xfer == NVME_KV_XFER_PIGGYBACK_SERIAL) &&
	    len > NVME_KV_PIGGYBACK_MAX)
		return NVME_KV_XFER_DPTR;
	if (xfer == NVME_KV_XFER_APPEND && len > nvme_kv_capsule_bytes(kvns)) {
		*fallback = true;
		return NVME_KV_XFER_DPTR;
	}
	return xfer;
}

/*
 * Count what a command moved, by the model of Documentation/wire-format.md:
 * @cmds commands of 64 bytes; a data pointer moves @len data bytes with one
 * 16-byte descriptor and, under PRP, 4 KiB per touched page; APPEND moves
 * them after the command in 64-byte chunks; PIGGYBACK inside the commands.
 */
void nvme_kv_account_xfer(struct nvme_kv_ns *kvns, u8 method,
			  u32 cmds, u32 len)
{
	atomic64_t *st = kvns->stats;
	u64 page = 64ULL * cmds;

	atomic64_add(cmds, &st[NVME_KV_STAT_COMMANDS]);
	atomic64_add(64ULL * cmds, &st[NVME_KV_STAT_COMMAND_BYTES]);
	atomic64_add(len, &st[NVME_KV_STAT_PAYLOAD_BYTES]);
	if (method == NVME_KV_XFER_DPTR && len) {
		atomic64_add(16, &st[NVME_KV_STAT_DESCRIPTOR_BYTES]);
		atomic64_add(len, &st[NVME_KV_STAT_DATA_BYTES]);
		page += 4096ULL * DIV_ROUND_UP(len, 4096);
	} else if (method == NVME_KV_XFER_APPEND && len) {
		atomic64_add(16, &st[NVME_KV_STAT_DESCRIPTOR_BYTES]);
		atomic64_add(len, &st[NVME_KV_STAT_DATA_BYTES]);
		page += 64ULL * DIV_ROUND_UP(len, 64);
	}
	atomic64_add(page, &st[NVME_KV_STAT_PAGE_BYTES]);
}

void nvme_kv_account_store(struct nvme_kv_ns *kvns, u8 method,
			   u32 cmds, u32 len)
{
	static const u8 stat_of[] = {
		[NVME_KV_XFER_DPTR]		= NVME_KV_STAT_STORES_DPTR,
		[NVME_KV_XFER_PIGGYBACK]	= NVME_KV_STAT_STORES_PIGGYBACK,
		[NVME_KV_XFER_PIGGYBACK_SERIAL]	= NVME_KV_STAT_STORES_PIGGYBACK_SERIAL,
		[NVME_KV_XFER_APPEND]		= NVME_KV_STAT_STORES_APPEND,
	};

	atomic64_inc(&kvns->stats[stat_of[method]]);
	nvme_kv_account_xfer(kvns, method, cmds, len);
}

/*
 * Allocate, map and start the request of one command; @len bytes at @ubuf
 * (@user) or @kbuf are mapped.  @timeout is in jiffies, 0 for the queue's
 * (nvme_core's io_timeout).  On success @end_io runs when it completes and
 * its owner frees it; on failure nothing was started.  The caller has
 * counted the command in with nvme_kv_cmd_begin().  May sleep.
 */
struct request *nvme_kv_start(struct nvme_kv_ns *kvns,
			      struct nvme_command *cmd, bool user,
			      void __user *ubuf, void *kbuf, u32 len,
			      unsigned int timeout, rq_end_io_fn *end_io,
			      void *data, struct bio **bio)
{
	struct request_queue *q = kvns->ns->queue;
	struct request *rq;
	int ret = 0;

	rq = blk_mq_alloc_request(q, nvme_req_op(cmd), 0);
	if (IS_ERR(rq))
		return rq;
	nvme_init_request(rq, cmd);
	if (timeout)
		rq->timeout = timeout;

	if (len && user)
		ret = blk_rq_map_user(q, rq, NULL, ubuf, len, GFP_KERNEL);
	else if (len)
		ret = blk_rq_map_kern(q, rq, kbuf, len, GFP_KERNEL);
	if (ret) {
		blk_mq_free_request(rq);
		return ERR_PTR(ret);
	}
	/* completion moves rq->bio on, but unmapping needs the first bio */
	if (bio)
		*bio = rq->bio;
	rq->end_io = end_io;
	rq->end_io_data = data;
	blk_execute_rq_nowait(rq, false);
	return rq;
}

/* ---- PIGGYBACK: tagged Transfers, then the Store that commits them ---- */

/* commands without data sent together, and their first error */
struct nvme_kv_multi {
	struct nvme_kv_ns	*kvns;
	atomic_t		pending;
	struct completion	done;
	int			error;
	u16			status;
	u32			result;
};

static enum rq_end_io_ret nvme_kv_multi_end_io(struct request *rq,
					       blk_status_t err)
{
	struct nvme_kv_multi *m = rq->end_io_data;
	struct nvme_kv_ns *kvns = m->kvns;
	u32 result;
	u16 status;
	int error;

	error = nvme_kv_rq_error(rq, err, &status, &result);
	if (error && !cmpxchg(&m->error, 0, error))
		m->status = status;
	m->result = result;
	blk_mq_free_request(rq);
	nvme_kv_cmd_end(kvns);
	if (atomic_dec_and_test(&m->pending))
		complete(&m->done);
	return RQ_END_IO_NONE;
}

/*
 * Send @n commands that move no data -- all at once, or each after the
 * previous one completed (@serial) -- and wait for them, each with
 * @timeout as nvme_kv_start() takes it.  Returns 0 or the first error, with
 * its status and the last result.  May sleep.
 */
static int nvme_kv_send(struct nvme_kv_ns *kvns, struct nvme_command *cmds,
			u32 n, bool serial, unsigned int timeout, u16 *status,
			u32 *result)
{
	struct nvme_kv_multi m = { .kvns = kvns };
	struct request *rq;
	int ret = 0;
	u32 i;

	if (serial) {
		for (i = 0; i < n && !ret; i++)
			ret = nvme_kv_send(kvns, &cmds[i], 1, false, timeout,
					   status, result);
		return ret;
	}
	init_completion(&m.done);
	atomic_set(&m.pending, 1);
	for (i = 0; i < n; i++) {
		ret = nvme_kv_cmd_begin(kvns);
		if (ret)
			break;
		atomic_inc(&m.pending);
		rq = nvme_kv_start(kvns, &cmds[i], false, NULL, NULL, 0,
				   timeout, nvme_kv_multi_end_io, &m, NULL);
		if (IS_ERR(rq)) {
			ret = PTR_ERR(rq);
			atomic_dec(&m.pending);
			nvme_kv_cmd_end(kvns);
			break;
		}
	}
	if (!atomic_dec_and_test(&m.pending))
		wait_for_completion_io(&m.done);
	*status = m.status;
	*result = m.result;
	return m.error ? m.error : ret;
}

/*
 * Store @len bytes at @val (kernel memory) by PIGGYBACK: the value's tail in
 * tagged Transfers (offsets and layout in uapi/linux/nvme_kv.h), sent all at
 * once or, for PIGGYBACK_SERIAL, one by one; then the INLINE Store, with the
 * value's head and the tag, which commits them.  Each command has @timeout
 * (jiffies, 0 for the default).  Waits for all of it.
 */
static int nvme_kv_store_piggyback(struct nvme_kv_ns *kvns, const u8 *key,
				   u8 key_len, u8 options, const u8 *val,
				   u32 len, u8 method, unsigned int timeout,
				   u16 *status, u32 *result)
{
	u32 nfrag = 0, i, off, flen, head, tag = 0;
	struct nvme_command *cmds;
	u8 *sqe;
	int ret = 0;

	*status = 0;
	*result = 0;
	if (len > NVME_KV_INLINE_SOLO)
		nfrag = DIV_ROUND_UP(len - NVME_KV_INLINE_HEAD,
				     NVME_KV_XFER_FRAG_MAX);
	cmds = kvcalloc(nfrag + 1, sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return -ENOMEM;
	if (nfrag)
		tag = (u32)atomic_inc_return(&kvns->next_tag);
	for (i = 0; i < nfrag; i++) {
		sqe = (u8 *)&cmds[i];
		off = NVME_KV_INLINE_HEAD + i * NVME_KV_XFER_FRAG_MAX;
		flen = min_t(u32, len - off, NVME_KV_XFER_FRAG_MAX);
		sqe[NVME_KV_SQE_OPCODE] = NVME_KV_CMD_TRANSFER;
		nvme_kv_put_le32(sqe + NVME_KV_SQE_NSID, kvns->nsid);
		nvme_kv_put_le32(sqe + NVME_KV_SQE_XFER_TAG, tag);
		nvme_kv_put_le32(sqe + NVME_KV_SQE_XFER_POS, off | flen << 24);
		memcpy(sqe + 8, val + off, min_t(u32, flen, 16));
		if (flen > 16)
			memcpy(sqe + NVME_KV_SQE_CDW12, val + off + 16,
			       flen - 16);
	}

	nvme_kv_build_cmd(kvns, &cmds[nfrag], NVME_KV_CMD_STORE, key, key_len,
			  options | NVME_KV_STORE_INLINE, len);
	sqe = (u8 *)&cmds[nfrag];
	head = nfrag ? NVME_KV_INLINE_HEAD : len;
	memcpy(sqe + NVME_KV_SQE_MPTR, val, min_t(u32, head, 8));
	if (head > 8)
		memcpy(sqe + NVME_KV_SQE_CDW12, val + 8, head - 8);
	if (nfrag)
		nvme_kv_put_le32(sqe + NVME_KV_SQE_STORE_TAG, tag);

	if (nfrag)
		ret = nvme_kv_send(kvns, cmds, nfrag,
				   method == NVME_KV_XFER_PIGGYBACK_SERIAL,
				   timeout, status, result);
	if (!ret)
		ret = nvme_kv_send(kvns, &cmds[nfrag], 1, false, timeout,
				   status, result);
	nvme_kv_account_store(kvns, method, nfrag + 1, len);
	kvfree(cmds);
	return ret;
}

/* ---- user commands: single ioctls and batches ---- */

/*
 * Record the outcome and free the request at once: its tag may be what the
 * next operation of a batch larger than the queue depth waits for.  The
 * user pages stay mapped until nvme_kv_run_uops() unmaps them.
 */
static enum rq_end_io_ret nvme_kv_uop_end_io(struct request *rq,
					     blk_status_t err)
{
	struct nvme_kv_uop *uop = rq->end_io_data;
	struct nvme_kv_ns *kvns = uop->kvns;

	uop->op.error = nvme_kv_rq_error(rq, err, &uop->op.status,
					 &uop->op.result);
	blk_mq_free_request(rq);
	nvme_kv_cmd_end(kvns);
	if (atomic_dec_and_test(uop->pending))
		complete(uop->done);
	return RQ_END_IO_NONE;
}

/* A user Store by PIGGYBACK: the value is copied in and sent at once. */
static void nvme_kv_uop_piggyback(struct nvme_kv_ns *kvns,
				  struct nvme_kv_uop *u)
{
	u32 len = u->op.value_len;
	u8 *val;

	u->started = true;
	val = kvmalloc(max_t(u32, len, 1), GFP_KERNEL);
	if (!val) {
		u->op.error = -ENOMEM;
		return;
	}
	if (copy_from_user(val, u64_to_user_ptr(u->op.value), len)) {
		u->op.error = -EFAULT;
		u->started = false;
	} else {
		u->op.error = nvme_kv_store_piggyback(kvns, u->op.key,
						      u->op.key_len,
						      u->op.options, val, len,
						      u->method, u->timeout,
						      &u->op.status,
						      &u->op.result);
		nvme_kv_account(kvns, NVME_KV_CMD_STORE, u->op.error, len, 0);
	}
	kvfree(val);
}

/*
 * A user Retrieve served by a one-sided read of the target's cache: the
 * value, then zeros up to the buffer's size, as Retrieve returns it.
 * False when the caller must send Retrieve.
 */
static bool nvme_kv_uop_onesided(struct nvme_kv_ns *kvns,
				 struct nvme_kv_uop *u)
{
	u32 len;
	int ret;

	/*
	 * Counted in first: unbind stops (frees) the session only once no
	 * command is in flight, so kvns->onesided stays valid until the
	 * matching nvme_kv_cmd_end().
	 */
	if (nvme_kv_cmd_begin(kvns))
		return false;
	if (!nvme_kv_onesided_ready(kvns->onesided)) {
		nvme_kv_cmd_end(kvns);
		return false;
	}
	ret = nvme_kv_onesided_get(kvns->onesided, u->op.key, u->op.key_len,
				   u64_to_user_ptr(u->op.value),
				   u->op.value_len, &len, &u->fill);
	/* a host fill keeps the binding until nvme_kv_uop_fill() */
	if (!u->fill)
		nvme_kv_cmd_end(kvns);
	if (ret == -EAGAIN)
		return false;
	u->onesided = true;
	u->started = true;
	u->op.status = 0;
	u->op.result = len;
	u->op.error = ret;
	if (!ret)
		atomic64_add(min(len, u->op.value_len),
			     &kvns->stats[NVME_KV_STAT_BYTES_READ]);
	return true;
}

/*
 * A Retrieve that fills a cache slot reads into kernel memory, so that the
 * bytes every host then reads from the slot are the ones the target
 * returned, never what another thread of the caller wrote into its buffer
 * in the meantime.  False when no bounce buffer can be had (then the fill
 * is given up and the Retrieve goes to the user's buffer).
 */
static bool nvme_kv_uop_bounce(struct nvme_kv_ns *kvns, struct nvme_kv_uop *u)
{
	u32 max = queue_max_hw_sectors(kvns->ns->queue) << SECTOR_SHIFT;

	if (!u->op.value_len || u->op.value_len > max)
		return false;
	u->bounce = kvzalloc(u->op.value_len, GFP_KERNEL);
	return u->bounce;
}

/*
 * The Retrieve of a one-sided miss this host locked a slot for is done:
 * hand the caller its value, and fill the slot with the same bytes (a
 * value that fits the slot).
 */
static void nvme_kv_uop_fill(struct nvme_kv_ns *kvns, struct nvme_kv_uop *u)
{
	u32 len = u->op.result;
	bool ok;

	ok = u->bounce && u->started && !u->op.error && !u->op.status &&
	     len <= NVME_KV_ONESIDED_VALUE_MAX && len <= u->op.value_len;
	if (u->bounce && u->started && !u->op.error &&
	    copy_to_user(u64_to_user_ptr(u->op.value), u->bounce,
			 u->op.value_len)) {
		u->op.error = -EFAULT;
		ok = false;
	}
	nvme_kv_onesided_fill(kvns->onesided, u->fill, u->bounce, len, ok);
	u->fill = NULL;
	kvfree(u->bounce);
	u->bounce = NULL;
	nvme_kv_cmd_end(kvns);
}

/*
 * Run checked user operations together and wait for all of them: each is
 * started as soon as it has a request, so more than the queue depth just
 * wait for tags that earlier ones free.  Fills every op's outputs.
 */
void nvme_kv_run_uops(struct nvme_kv_ns *kvns, struct nvme_kv_uop *uops,
		      unsigned int nr)
{
	DECLARE_COMPLETION_ONSTACK(done);
	atomic_t pending = ATOMIC_INIT(1);
	struct nvme_command cmd;
	struct nvme_kv_uop *u;
	struct request *rq;
	unsigned int i;
	bool fallback;
	u8 options;
	int ret;

	/*
	 * The whole run counts in once: choosing a Store's method reads the
	 * controller (kvns->ctrl), which an unbind lets go of once nothing
	 * is in flight.
	 */
	if (nvme_kv_cmd_begin(kvns)) {
		for (i = 0; i < nr; i++)
			uops[i].op.error = -ENODEV;
		return;
	}
	for (i = 0; i < nr; i++) {
		u = &uops[i];
		u->kvns = kvns;
		u->pending = &pending;
		u->done = &done;
		options = u->op.options;
		if (u->op.opcode == NVME_KV_CMD_RETRIEVE && !options &&
		    nvme_kv_uop_onesided(kvns, u))
			continue;
		if (u->op.opcode == NVME_KV_CMD_STORE) {
			u->method = nvme_kv_xfer_resolve(kvns, u->op.xfer,
							 u->op.value_len,
							 &fallback);
			if (fallback)
				atomic64_inc(&kvns->stats[NVME_KV_STAT_APPEND_FALLBACKS]);
			if (u->method == NVME_KV_XFER_PIGGYBACK ||
			    u->method == NVME_KV_XFER_PIGGYBACK_SERIAL) {
				nvme_kv_uop_piggyback(kvns, u);
				continue;
			}
			if (u->method == NVME_KV_XFER_APPEND)
				options |= NVME_KV_STORE_APPEND;
		}
		ret = nvme_kv_cmd_begin(kvns);
		if (ret) {
			u->op.error = ret;
			continue;
		}
		nvme_kv_build_cmd(kvns, &cmd, u->op.opcode, u->op.key,
				  u->op.key_len, options, u->op.value_len);
		if (u->fill)
			nvme_kv_uop_bounce(kvns, u);
		atomic_inc(&pending);
		rq = nvme_kv_start(kvns, &cmd, !u->bounce,
				   u64_to_user_ptr(u->op.value), u->bounce,
				   u->op.value_len, u->timeout,
				   nvme_kv_uop_end_io, u,
				   u->bounce ? NULL : &u->bio);
		if (IS_ERR(rq)) {
			u->op.error = PTR_ERR(rq);
			atomic_dec(&pending);
			nvme_kv_cmd_end(kvns);
			continue;
		}
		u->started = true;
		if (u->op.opcode == NVME_KV_CMD_STORE)
			nvme_kv_account_store(kvns, u->method, 1,
					      u->op.value_len);
		else
			nvme_kv_account_xfer(kvns, NVME_KV_XFER_DPTR, 1,
					     u->op.value_len);
	}
	if (!atomic_dec_and_test(&pending))
		wait_for_completion_io(&done);

	for (i = 0; i < nr; i++) {
		u = &uops[i];
		if (u->started && !u->onesided &&
		    u->method != NVME_KV_XFER_PIGGYBACK &&
		    u->method != NVME_KV_XFER_PIGGYBACK_SERIAL) {
			if (u->bio)
				blk_rq_unmap_user(u->bio);
			nvme_kv_account(kvns, u->op.opcode, u->op.error,
					u->op.value_len, u->op.result);
		}
		/* copies a bounced value to the user's buffer, then fills */
		if (u->fill)
			nvme_kv_uop_fill(kvns, u);
	}
	nvme_kv_cmd_end(kvns);
}

static int nvme_kv_check_uop(const struct nvme_kv_batch_op *op)
{
	if (op->rsvd1 || op->rsvd2)
		return -EINVAL;
	return nvme_kv_check(op->opcode, op->key, op->key_len, op->options,
			     op->xfer, op->value, op->value_len);
}

/**
 * nvme_kv_cmd_to_uop() - check a struct nvme_kv_cmd and make an operation
 * @kc: the caller's arguments, copied into the kernel
 * @opcode: the KV command they are for
 * @uop: zeroed; filled on success
 *
 * The checks of the ioctls and of IORING_OP_URING_CMD alike: no unknown
 * flag, reserved or output field set, then the command's own fields.
 *
 * Return: 0, or -EINVAL.
 */
int nvme_kv_cmd_to_uop(const struct nvme_kv_cmd *kc, u8 opcode,
		       struct nvme_kv_uop *uop)
{
	if ((kc->flags & ~NVME_KV_CMD_FLAGS_XFER) || kc->rsvd0 || kc->rsvd1 ||
	    kc->result || kc->status || kc->rsvd3 ||
	    memchr_inv(kc->rsvd2, 0, sizeof(kc->rsvd2)))
		return -EINVAL;

	uop->op.opcode = opcode;
	uop->op.xfer = kc->flags & NVME_KV_CMD_FLAGS_XFER;
	uop->op.key_len = kc->key_len;
	uop->op.options = kc->options;
	uop->op.value_len = kc->value_len;
	memcpy(uop->op.key, kc->key, sizeof(uop->op.key));
	uop->op.value = kc->value;
	uop->timeout = msecs_to_jiffies(kc->timeout_ms);
	return nvme_kv_check_uop(&uop->op);
}

/* NVME_KV_IOCTL_STORE, _RETRIEVE, _DELETE, _EXIST and _LIST */
static int nvme_kv_ioctl_cmd(struct nvme_kv_ns *kvns, u8 opcode,
			     void __user *argp)
{
	struct nvme_kv_cmd __user *ucmd = argp;
	struct nvme_kv_uop uop = { };
	struct nvme_kv_cmd kc;
	u32 argsz;
	int ret;

	if (get_user(argsz, &ucmd->argsz))
		return -EFAULT;
	if (argsz < sizeof(kc))
		return -EINVAL;
	ret = copy_struct_from_user(&kc, sizeof(kc), argp, argsz);
	if (ret)
		return ret == -E2BIG ? -EINVAL : ret;
	ret = nvme_kv_cmd_to_uop(&kc, opcode, &uop);
	if (ret)
		return ret;

	nvme_kv_run_uops(kvns, &uop, 1);
	/* the outputs are reported for a failed command too */
	if (uop.started && (put_user(uop.op.result, &ucmd->result) ||
			    put_user(uop.op.status, &ucmd->status)))
		return -EFAULT;
	return uop.op.error;
}

/* NVME_KV_IOCTL_BATCH; @write: the file was opened for writing */
static int nvme_kv_ioctl_batch(struct nvme_kv_ns *kvns, void __user *argp,
			       bool write)
{
	struct nvme_kv_batch __user *ubatch = argp;
	struct nvme_kv_batch_op __user *uop;
	struct nvme_kv_batch batch;
	struct nvme_kv_uop *uops;
	unsigned int i;
	u32 argsz;
	int ret;

	if (get_user(argsz, &ubatch->argsz))
		return -EFAULT;
	if (argsz < sizeof(batch))
		return -EINVAL;
	ret = copy_struct_from_user(&batch, sizeof(batch), argp, argsz);
	if (ret)
		return ret == -E2BIG ? -EINVAL : ret;
	if (batch.flags || batch.rsvd0 || batch.rsvd ||
	    !batch.nr_ops || batch.nr_ops > NVME_KV_BATCH_MAX ||
	    batch.op_size < sizeof(struct nvme_kv_batch_op) ||
	    batch.op_size > PAGE_SIZE)
		return -EINVAL;

	uops = kvcalloc(batch.nr_ops, sizeof(*uops), GFP_KERNEL);
	if (!uops)
		return -ENOMEM;
	for (i = 0; i < batch.nr_ops; i++) {
		uop = u64_to_user_ptr(batch.ops + (u64)i * batch.op_size);
		ret = copy_struct_from_user(&uops[i].op, sizeof(uops[i].op),
					    uop, batch.op_size);
		if (ret) {
			ret = ret == -E2BIG ? -EINVAL : ret;
			goto out_free;
		}
		/* outputs are ignored on input */
		uops[i].op.result = 0;
		uops[i].op.status = 0;
		uops[i].op.error = 0;
		uops[i].timeout = msecs_to_jiffies(batch.timeout_ms);
		ret = nvme_kv_check_uop(&uops[i].op);
		if (ret)
			goto out_free;
		/* as for the single ioctls: nothing of the batch is sent */
		if (!write && (uops[i].op.opcode == NVME_KV_CMD_STORE ||
			       uops[i].op.opcode == NVME_KV_CMD_DELETE)) {
			ret = -EACCES;
			goto out_free;
		}
	}

	nvme_kv_run_uops(kvns, uops, batch.nr_ops);

	for (i = 0; i < batch.nr_ops; i++) {
		uop = u64_to_user_ptr(batch.ops + (u64)i * batch.op_size);
		if (put_user(uops[i].op.result, &uop->result) ||
		    put_user(uops[i].op.status, &uop->status) ||
		    put_user(uops[i].op.error, &uop->error)) {
			ret = -EFAULT;
			break;
		}
	}
out_free:
	kvfree(uops);
	return ret;
}

/* KV Identify Namespace (CNS 05h) into @id; the caller counted itself in. */
static int nvme_kv_identify_ns(struct nvme_kv_ns *kvns,
			       struct nvme_kv_id_ns *id)
{
	struct nvme_command c = { };

	c.identify.opcode = nvme_admin_identify;
	c.identify.nsid = cpu_to_le32(kvns->nsid);
	c.identify.cns = NVME_ID_CNS_CS_NS;
	c.identify.csi = NVME_KV_CSI;
	return nvme_submit_sync_cmd(kvns->ctrl->admin_q, &c, id, sizeof(*id));
}

/* NVME_KV_IOCTL_IDENTIFY */
static int nvme_kv_ioctl_identify(struct nvme_kv_ns *kvns, void __user *argp)
{
	struct nvme_kv_identify __user *uid = argp;
	struct nvme_kv_identify info;
	struct nvme_kv_id_ns *id;
	u32 argsz;
	int ret;

	if (get_user(argsz, &uid->argsz))
		return -EFAULT;
	if (argsz < sizeof(info))
		return -EINVAL;
	ret = copy_struct_from_user(&info, sizeof(info), argp, argsz);
	if (ret)
		return ret == -E2BIG ? -EINVAL : ret;
	if (info.flags || info.nsid || info.max_key_len || info.max_value_len ||
	    info.max_keys || info.capacity || info.utilization ||
	    memchr_inv(info.rsvd, 0, sizeof(info.rsvd)))
		return -EINVAL;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return -ENOMEM;
	ret = nvme_kv_cmd_begin(kvns);
	if (ret)
		goto out_free;
	ret = nvme_kv_identify_ns(kvns, id);
	nvme_kv_cmd_end(kvns);
	if (ret > 0)
		ret = nvme_kv_status_to_errno(ret & NVME_SCT_SC_MASK);
	if (ret)
		goto out_free;

	info.nsid = kvns->nsid;
	info.max_key_len = le16_to_cpu(id->kvf[0].kvkml);
	info.max_value_len = le32_to_cpu(id->kvf[0].kvvml);
	info.max_keys = le32_to_cpu(id->kvf[0].mnks);
	info.capacity = le64_to_cpu(id->nsze);
	info.utilization = le64_to_cpu(id->nuse);
	/* only the fields this kernel knows, leaving the rest of argsz */
	if (copy_to_user(argp, &info, sizeof(info)))
		ret = -EFAULT;
out_free:
	kfree(id);
	return ret;
}

static long nvme_kv_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct nvme_kv_ns *kvns = file->private_data;
	void __user *argp = (void __user *)arg;
	bool write = file->f_mode & FMODE_WRITE;

	/* the size in @cmd is not checked: the argsz field of the struct is */
	if (_IOC_TYPE(cmd) != NVME_KV_IOCTL_TYPE ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(NVME_KV_IOCTL_STORE):
		if (!write)
			return -EACCES;
		return nvme_kv_ioctl_cmd(kvns, NVME_KV_CMD_STORE, argp);
	case _IOC_NR(NVME_KV_IOCTL_RETRIEVE):
		return nvme_kv_ioctl_cmd(kvns, NVME_KV_CMD_RETRIEVE, argp);
	case _IOC_NR(NVME_KV_IOCTL_DELETE):
		if (!write)
			return -EACCES;
		return nvme_kv_ioctl_cmd(kvns, NVME_KV_CMD_DELETE, argp);
	case _IOC_NR(NVME_KV_IOCTL_EXIST):
		return nvme_kv_ioctl_cmd(kvns, NVME_KV_CMD_EXIST, argp);
	case _IOC_NR(NVME_KV_IOCTL_LIST):
		return nvme_kv_ioctl_cmd(kvns, NVME_KV_CMD_LIST, argp);
	case _IOC_NR(NVME_KV_IOCTL_IDENTIFY):
		return nvme_kv_ioctl_identify(kvns, argp);
	case _IOC_NR(NVME_KV_IOCTL_BATCH):
		return nvme_kv_ioctl_batch(kvns, argp, write);
	default:
		return -ENOTTY;
	}
}

/* ---- in-kernel API, include/linux/nvme-kv.h ---- */

static enum rq_end_io_ret nvme_kv_kreq_end_io(struct request *rq,
					      blk_status_t err)
{
	struct nvme_kv_request *req = rq->end_io_data;
	struct nvme_kv_ns *kvns = req->kvns;

	req->error = nvme_kv_rq_error(rq, err, &req->status, &req->result);
	nvme_kv_account(kvns, req->opcode, req->error, req->buf_len,
			req->result);
	blk_mq_free_request(rq);
	nvme_kv_cmd_end(kvns);
	req->done(req);
	return RQ_END_IO_NONE;
}

/**
 * nvme_kv_submit() - start a KV command
 * @kvns: namespace from nvme_kv_ns_get()
 * @req: the command; the caller's again once @req->done ran
 *
 * Checks @req like the ioctls check their arguments, then sends it.  May
 * sleep (for a free tag, or to map @req->buf), so it must be called in
 * process context.
 *
 * Return: 0 when the command was sent: @req->done will be called exactly
 * once, with @req->error, @req->status and @req->result set.  A negative
 * errno when it was not: -EINVAL for a malformed request, -ENODEV when the
 * namespace is gone, -ENOMEM; @req->done is not called then.
 */
int nvme_kv_submit(struct nvme_kv_ns *kvns, struct nvme_kv_request *req)
{
	unsigned int timeout = msecs_to_jiffies(req->timeout_ms);
	struct nvme_command cmd;
	struct request *rq;
	bool fallback;
	u8 options, method;
	int ret;

	might_sleep();
	if (!req->done || (req->buf_len && !req->buf))
		return -EINVAL;
	ret = nvme_kv_check(req->opcode, req->key, req->key_len, req->options,
			    req->xfer, req->buf, req->buf_len);
	if (ret)
		return ret;
	req->kvns = kvns;
	req->error = 0;
	req->status = 0;
	req->result = 0;

	/* held while the method is chosen: that reads kvns->ctrl */
	ret = nvme_kv_cmd_begin(kvns);
	if (ret)
		return ret;
	options = req->options;
	method = NVME_KV_XFER_DPTR;
	if (req->opcode == NVME_KV_CMD_STORE) {
		method = nvme_kv_xfer_resolve(kvns, req->xfer, req->buf_len,
					      &fallback);
		if (fallback)
			atomic64_inc(&kvns->stats[NVME_KV_STAT_APPEND_FALLBACKS]);
		if (method == NVME_KV_XFER_APPEND)
			options |= NVME_KV_STORE_APPEND;
	}
	if (method == NVME_KV_XFER_PIGGYBACK ||
	    method == NVME_KV_XFER_PIGGYBACK_SERIAL) {
		/* several commands: run them here, then report */
		req->error = nvme_kv_store_piggyback(kvns, req->key,
						     req->key_len, options,
						     req->buf, req->buf_len,
						     method, timeout,
						     &req->status,
						     &req->result);
		nvme_kv_account(kvns, req->opcode, req->error, req->buf_len, 0);
		nvme_kv_cmd_end(kvns);
		req->done(req);
		return 0;
	}

	/* this count now belongs to the request: its end_io drops it */
	nvme_kv_build_cmd(kvns, &cmd, req->opcode, req->key, req->key_len,
			  options, req->buf_len);
	rq = nvme_kv_start(kvns, &cmd, false, NULL, req->buf, req->buf_len,
			   timeout, nvme_kv_kreq_end_io, req, NULL);
	if (IS_ERR(rq)) {
		nvme_kv_cmd_end(kvns);
		return PTR_ERR(rq);
	}
	if (req->opcode == NVME_KV_CMD_STORE)
		nvme_kv_account_store(kvns, method, 1, req->buf_len);
	else
		nvme_kv_account_xfer(kvns, method, 1, req->buf_len);
	return 0;
}
EXPORT_SYMBOL_GPL(nvme_kv_submit);

static void nvme_kv_sync_done(struct nvme_kv_request *req)
{
	complete(req->private);
}

/**
 * nvme_kv_execute() - run a KV command and wait for it
 * @kvns: namespace from nvme_kv_ns_get()
 * @req: the command; @req->done and @req->private are not used
 *
 * Process context only; sleeps until the command completes, which the NVMe
 * timeout and error handling bound.
 *
 * Return: 0, or the negative errno of the command (also in @req->error),
 * with @req->status and @req->result set when the command was sent.
 */
int nvme_kv_execute(struct nvme_kv_ns *kvns, struct nvme_kv_request *req)
{
	DECLARE_COMPLETION_ONSTACK(done);
	struct nvme_kv_request sync = *req;
	int ret;

	sync.done = nvme_kv_sync_done;
	sync.private = &done;
	ret = nvme_kv_submit(kvns, &sync);
	if (ret) {
		req->error = ret;
		return ret;
	}
	wait_for_completion_io(&done);
	req->error = sync.error;
	req->status = sync.status;
	req->result = sync.result;
	return sync.error;
}
EXPORT_SYMBOL_GPL(nvme_kv_execute);

static int nvme_kv_sync(struct nvme_kv_ns *kvns, u8 opcode, const void *key,
			u8 key_len, u8 options, void *buf, u32 len, u32 *result)
{
	struct nvme_kv_request req = {
		.opcode		= opcode,
		.key_len	= key_len,
		.options	= options,
		.buf		= buf,
		.buf_len	= len,
	};
	int ret;

	if (key_len > NVME_KV_KEY_MAX || (key_len && !key))
		return -EINVAL;
	if (key_len)
		memcpy(req.key, key, key_len);
	ret = nvme_kv_execute(kvns, &req);
	if (result)
		*result = req.result;
	return ret;
}

/**
 * nvme_kv_store() - store a value under a key and wait for it
 * @kvns: namespace from nvme_kv_ns_get()
 * @key: key bytes
 * @key_len: NVME_KV_KEY_MIN..NVME_KV_KEY_MAX
 * @value: value bytes, kmalloc() or vmalloc() memory
 * @len: value size
 * @options: NVME_KV_STORE_* bits
 *
 * Process context only.
 *
 * Return: 0 once the value is stored, or a negative errno: -EEXIST or
 * -ENOENT when an only-if option failed, -EFBIG, -ENOSPC, -EINVAL,
 * -ECANCELED, -ENOLINK, -ENODEV, -EIO.
 */
int nvme_kv_store(struct nvme_kv_ns *kvns, const void *key, u8 key_len,
		  const void *value, u32 len, u8 options)
{
	return nvme_kv_sync(kvns, NVME_KV_CMD_STORE, key, key_len, options,
			    (void *)value, len, NULL);
}
EXPORT_SYMBOL_GPL(nvme_kv_store);

/**
 * nvme_kv_retrieve() - read the value of a key and wait for it
 * @kvns: namespace from nvme_kv_ns_get()
 * @key: key bytes
 * @key_len: NVME_KV_KEY_MIN..NVME_KV_KEY_MAX
 * @buf: destination, kmalloc() or vmalloc() memory
 * @len: size of @buf; a larger value is cut to it
 * @value_len: out, may be NULL: the size of the stored value
 *
 * Process context only.
 *
 * Return: 0, -ENOENT for a missing key, or another negative errno.
 */
int nvme_kv_retrieve(struct nvme_kv_ns *kvns, const void *key, u8 key_len,
		     void *buf, u32 len, u32 *value_len)
{
	return nvme_kv_sync(kvns, NVME_KV_CMD_RETRIEVE, key, key_len, 0, buf,
			    len, value_len);
}
EXPORT_SYMBOL_GPL(nvme_kv_retrieve);

/**
 * nvme_kv_delete() - delete a key and its value and wait for it
 * @kvns: namespace from nvme_kv_ns_get()
 * @key: key bytes
 * @key_len: NVME_KV_KEY_MIN..NVME_KV_KEY_MAX
 *
 * Process context only.
 *
 * Return: 0, -ENOENT for a missing key, or another negative errno.
 */
int nvme_kv_delete(struct nvme_kv_ns *kvns, const void *key, u8 key_len)
{
	return nvme_kv_sync(kvns, NVME_KV_CMD_DELETE, key, key_len, 0, NULL,
			    0, NULL);
}
EXPORT_SYMBOL_GPL(nvme_kv_delete);

/**
 * nvme_kv_exist() - ask whether a key exists and wait for the answer
 * @kvns: namespace from nvme_kv_ns_get()
 * @key: key bytes
 * @key_len: NVME_KV_KEY_MIN..NVME_KV_KEY_MAX
 *
 * Process context only.
 *
 * Return: 0 if it exists, -ENOENT if not, or another negative errno.
 */
int nvme_kv_exist(struct nvme_kv_ns *kvns, const void *key, u8 key_len)
{
	return nvme_kv_sync(kvns, NVME_KV_CMD_EXIST, key, key_len, 0, NULL, 0,
			    NULL);
}
EXPORT_SYMBOL_GPL(nvme_kv_exist);

/**
 * nvme_kv_list() - list keys from a start key on and wait for them
 * @kvns: namespace from nvme_kv_ns_get()
 * @start: start key, included if it exists; may be NULL if @start_len is 0
 * @start_len: 0 (list from the first key) .. NVME_KV_KEY_MAX
 * @buf: destination, kmalloc() or vmalloc() memory, in the List format of
 *	 Documentation/wire-format.md: le32 key count, then per key a le16
 *	 length, the key and zero padding to 4 bytes
 * @len: size of @buf, at least 4; the list stops before the first key that
 *	 would not fit
 *
 * Process context only.
 *
 * Return: 0 or a negative errno.
 */
int nvme_kv_list(struct nvme_kv_ns *kvns, const void *start, u8 start_len,
		 void *buf, u32 len)
{
	return nvme_kv_sync(kvns, NVME_KV_CMD_LIST, start, start_len, 0, buf,
			    len, NULL);
}
EXPORT_SYMBOL_GPL(nvme_kv_list);

/**
 * nvme_kv_ns_get() - look up a bound KV namespace by name
 * @name: device name, such as "kv0n1"
 *
 * Process context only.
 *
 * Return: the namespace with a reference the caller drops with
 * nvme_kv_ns_put(), or ERR_PTR(-ENODEV).  Commands on it fail with -ENODEV
 * once it is unbound; the handle itself stays valid until put.
 */
struct nvme_kv_ns *nvme_kv_ns_get(const char *name)
{
	struct nvme_kv_ns *kvns, *found = ERR_PTR(-ENODEV);

	mutex_lock(&nvme_kv_lock);
	list_for_each_entry(kvns, &nvme_kv_namespaces, entry) {
		if (!strcmp(dev_name(&kvns->cdev_device), name)) {
			get_device(&kvns->cdev_device);
			found = kvns;
			break;
		}
	}
	mutex_unlock(&nvme_kv_lock);
	return found;
}
EXPORT_SYMBOL_GPL(nvme_kv_ns_get);

/**
 * nvme_kv_ns_put() - drop the reference from nvme_kv_ns_get()
 * @kvns: the namespace; no command of the caller may still be in flight
 */
void nvme_kv_ns_put(struct nvme_kv_ns *kvns)
{
	put_device(&kvns->cdev_device);
}
EXPORT_SYMBOL_GPL(nvme_kv_ns_put);

/**
 * nvme_kv_max_value_len() - the value limit of a namespace
 * @kvns: namespace from nvme_kv_ns_get()
 *
 * Return: KVVML from the namespace's KV Identify data when it was bound.
 */
u32 nvme_kv_max_value_len(struct nvme_kv_ns *kvns)
{
	return kvns->max_value_len;
}
EXPORT_SYMBOL_GPL(nvme_kv_max_value_len);

static int nvme_kv_open(struct inode *inode, struct file *file)
{
	struct nvme_kv_ns *kvns = container_of(inode->i_cdev,
					       struct nvme_kv_ns, cdev);

	get_device(&kvns->cdev_device);
	file->private_data = kvns;
	return 0;
}

static int nvme_kv_release(struct inode *inode, struct file *file)
{
	struct nvme_kv_ns *kvns = file->private_data;

	put_device(&kvns->cdev_device);
	return 0;
}

static const struct file_operations nvme_kv_fops = {
	.owner		= THIS_MODULE,
	.open		= nvme_kv_open,
	.release	= nvme_kv_release,
	.unlocked_ioctl	= nvme_kv_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.uring_cmd	= nvme_kv_uring_cmd,
};

static ssize_t nsid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  container_of(dev, struct nvme_kv_ns, cdev_device)->nsid);
}
static DEVICE_ATTR_RO(nsid);

static ssize_t ctrl_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);

	return sysfs_emit(buf, "%s\n", dev_name(kvns->ctrl->device));
}
static DEVICE_ATTR_RO(ctrl);

static ssize_t max_value_len_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", container_of(dev, struct nvme_kv_ns,
					cdev_device)->max_value_len);
}
static DEVICE_ATTR_RO(max_value_len);

/* transfer_method: the method of Stores that name none */
static ssize_t transfer_method_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);

	return sysfs_emit(buf, "%s\n",
			  nvme_kv_xfer_names[READ_ONCE(kvns->xfer_default)]);
}

static ssize_t transfer_method_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);
	int i;

	/* entry 0, DEFAULT, has no name: it means this attribute */
	i = __sysfs_match_string(nvme_kv_xfer_names + 1, NVME_KV_XFER_MAX, buf);
	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(kvns->xfer_default, i + 1);
	return count;
}
static DEVICE_ATTR_RW(transfer_method);

/* capsule_bytes: what APPEND can carry, from the controller's IOCCSZ */
static ssize_t capsule_bytes_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", nvme_kv_capsule_bytes(container_of(dev,
			  struct nvme_kv_ns, cdev_device)));
}
static DEVICE_ATTR_RO(capsule_bytes);

/* onesided: whether Retrieves first read the target's cache over RDMA */
static ssize_t onesided_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);

	return sysfs_emit(buf, "%d\n",
			  nvme_kv_onesided_ready(kvns->onesided));
}
static DEVICE_ATTR_RO(onesided);

static struct attribute *nvme_kv_ns_attrs[] = {
	&dev_attr_nsid.attr,
	&dev_attr_onesided.attr,
	&dev_attr_ctrl.attr,
	&dev_attr_max_value_len.attr,
	&dev_attr_transfer_method.attr,
	&dev_attr_capsule_bytes.attr,
	NULL,
};

static const struct attribute_group nvme_kv_ns_group = {
	.attrs = nvme_kv_ns_attrs,
};

struct nvme_kv_stat_attr {
	struct device_attribute	attr;
	enum nvme_kv_stat	stat;
};

static ssize_t nvme_kv_stat_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);
	enum nvme_kv_stat stat = container_of(attr, struct nvme_kv_stat_attr,
					      attr)->stat;

	return sysfs_emit(buf, "%lld\n", atomic64_read(&kvns->stats[stat]));
}

#define NVME_KV_STAT_ATTR(_name, _stat)					\
	static struct nvme_kv_stat_attr nvme_kv_stat_##_name = {	\
		.attr	= __ATTR(_name, 0444, nvme_kv_stat_show, NULL),	\
		.stat	= _stat,					\
	}

NVME_KV_STAT_ATTR(store, NVME_KV_STAT_STORE);
NVME_KV_STAT_ATTR(retrieve, NVME_KV_STAT_RETRIEVE);
NVME_KV_STAT_ATTR(delete, NVME_KV_STAT_DELETE);
NVME_KV_STAT_ATTR(exist, NVME_KV_STAT_EXIST);
NVME_KV_STAT_ATTR(list, NVME_KV_STAT_LIST);
NVME_KV_STAT_ATTR(errors, NVME_KV_STAT_ERRORS);
NVME_KV_STAT_ATTR(bytes_written, NVME_KV_STAT_BYTES_WRITTEN);
NVME_KV_STAT_ATTR(bytes_read, NVME_KV_STAT_BYTES_READ);
NVME_KV_STAT_ATTR(stores_dptr, NVME_KV_STAT_STORES_DPTR);
NVME_KV_STAT_ATTR(stores_piggyback, NVME_KV_STAT_STORES_PIGGYBACK);
NVME_KV_STAT_ATTR(stores_piggyback_serial, NVME_KV_STAT_STORES_PIGGYBACK_SERIAL);
NVME_KV_STAT_ATTR(stores_append, NVME_KV_STAT_STORES_APPEND);
NVME_KV_STAT_ATTR(append_fallbacks, NVME_KV_STAT_APPEND_FALLBACKS);
NVME_KV_STAT_ATTR(commands, NVME_KV_STAT_COMMANDS);
NVME_KV_STAT_ATTR(command_bytes, NVME_KV_STAT_COMMAND_BYTES);
NVME_KV_STAT_ATTR(descriptor_bytes, NVME_KV_STAT_DESCRIPTOR_BYTES);
NVME_KV_STAT_ATTR(payload_bytes, NVME_KV_STAT_PAYLOAD_BYTES);
NVME_KV_STAT_ATTR(data_bytes, NVME_KV_STAT_DATA_BYTES);
NVME_KV_STAT_ATTR(page_bytes, NVME_KV_STAT_PAGE_BYTES);

struct nvme_kv_onesided_attr {
	struct device_attribute		attr;
	enum nvme_kv_onesided_stat	stat;
};

static ssize_t nvme_kv_onesided_stat_show(struct device *dev,
					  struct device_attribute *attr,
					  char *buf)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);
	enum nvme_kv_onesided_stat stat =
		container_of(attr, struct nvme_kv_onesided_attr, attr)->stat;

	return sysfs_emit(buf, "%llu\n",
			  nvme_kv_onesided_stat(kvns->onesided, stat));
}

#define NVME_KV_ONESIDED_ATTR(_name, _stat)				\
	static struct nvme_kv_onesided_attr nvme_kv_stat_##_name = {	\
		.attr	= __ATTR(_name, 0444, nvme_kv_onesided_stat_show, \
				 NULL),					\
		.stat	= _stat,					\
	}

NVME_KV_ONESIDED_ATTR(onesided_hits, NVME_KV_ONESIDED_HITS);
NVME_KV_ONESIDED_ATTR(onesided_misses, NVME_KV_ONESIDED_MISSES);
NVME_KV_ONESIDED_ATTR(onesided_reads, NVME_KV_ONESIDED_READS);
NVME_KV_ONESIDED_ATTR(onesided_busy, NVME_KV_ONESIDED_BUSY);
NVME_KV_ONESIDED_ATTR(onesided_torn, NVME_KV_ONESIDED_TORN);
NVME_KV_ONESIDED_ATTR(onesided_records, NVME_KV_ONESIDED_RECORDS);
NVME_KV_ONESIDED_ATTR(onesided_fills, NVME_KV_ONESIDED_FILLS);
NVME_KV_ONESIDED_ATTR(onesided_fills_abandoned, NVME_KV_ONESIDED_ABANDONED);
NVME_KV_ONESIDED_ATTR(onesided_device_fills, NVME_KV_ONESIDED_DEVICE_FILLS);
NVME_KV_ONESIDED_ATTR(onesided_sessions, NVME_KV_ONESIDED_SESSIONS);
NVME_KV_ONESIDED_ATTR(onesided_touches, NVME_KV_ONESIDED_TOUCHES);

/*
 * commands completed by opcode, those that failed, value bytes moved; Stores
 * by transfer method and the traffic model of Documentation/wire-format.md;
 * GETs served by one-sided reads of the target's cache (Documentation/cache.md)
 */
static struct attribute *nvme_kv_stat_attrs[] = {
	&nvme_kv_stat_store.attr.attr,
	&nvme_kv_stat_retrieve.attr.attr,
	&nvme_kv_stat_delete.attr.attr,
	&nvme_kv_stat_exist.attr.attr,
	&nvme_kv_stat_list.attr.attr,
	&nvme_kv_stat_errors.attr.attr,
	&nvme_kv_stat_bytes_written.attr.attr,
	&nvme_kv_stat_bytes_read.attr.attr,
	&nvme_kv_stat_stores_dptr.attr.attr,
	&nvme_kv_stat_stores_piggyback.attr.attr,
	&nvme_kv_stat_stores_piggyback_serial.attr.attr,
	&nvme_kv_stat_stores_append.attr.attr,
	&nvme_kv_stat_append_fallbacks.attr.attr,
	&nvme_kv_stat_commands.attr.attr,
	&nvme_kv_stat_command_bytes.attr.attr,
	&nvme_kv_stat_descriptor_bytes.attr.attr,
	&nvme_kv_stat_payload_bytes.attr.attr,
	&nvme_kv_stat_data_bytes.attr.attr,
	&nvme_kv_stat_page_bytes.attr.attr,
	&nvme_kv_stat_onesided_hits.attr.attr,
	&nvme_kv_stat_onesided_misses.attr.attr,
	&nvme_kv_stat_onesided_reads.attr.attr,
	&nvme_kv_stat_onesided_busy.attr.attr,
	&nvme_kv_stat_onesided_torn.attr.attr,
	&nvme_kv_stat_onesided_records.attr.attr,
	&nvme_kv_stat_onesided_fills.attr.attr,
	&nvme_kv_stat_onesided_fills_abandoned.attr.attr,
	&nvme_kv_stat_onesided_device_fills.attr.attr,
	&nvme_kv_stat_onesided_sessions.attr.attr,
	&nvme_kv_stat_onesided_touches.attr.attr,
	NULL,
};

static const struct attribute_group nvme_kv_stat_group = {
	.name	= "stats",
	.attrs	= nvme_kv_stat_attrs,
};

static const struct attribute_group *nvme_kv_ns_groups[] = {
	&nvme_kv_ns_group,
	&nvme_kv_stat_group,
	NULL,
};

static ssize_t rescan_store(const struct class *class,
			    const struct class_attribute *attr,
			    const char *buf, size_t count);
static CLASS_ATTR_WO(rescan);

static struct attribute *nvme_kv_class_attrs[] = {
	&class_attr_rescan.attr,
	NULL,
};
ATTRIBUTE_GROUPS(nvme_kv_class);

static char *nvme_kv_devnode(const struct device *dev, umode_t *mode)
{
	/* root only unless a udev rule widens it */
	if (mode)
		*mode = 0600;
	return NULL;
}

static const struct class nvme_kv_class = {
	.name		= "nvme-kv",
	.class_groups	= nvme_kv_class_groups,
	.devnode	= nvme_kv_devnode,
};

static void nvme_kv_ns_release(struct device *dev)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);

	ida_free(&nvme_kv_minor_ida, MINOR(dev->devt));
	kfree(kvns);
}

/* KVVML of format 0 from the KV Identify Namespace data, 0 if unknown */
static u32 nvme_kv_identify_max_value(struct nvme_kv_ns *kvns)
{
	struct nvme_kv_id_ns *id;
	u32 max = 0;

	id = kmalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return 0;
	if (!nvme_kv_identify_ns(kvns, id))
		max = le32_to_cpu(id->kvf[0].kvvml);
	kfree(id);
	return max;
}

/* Called with nvme_kv_lock held. */
static struct nvme_kv_ns *nvme_kv_find(struct nvme_ctrl *ctrl, u32 nsid)
{
	struct nvme_kv_ns *kvns;

	list_for_each_entry(kvns, &nvme_kv_namespaces, entry)
		if (kvns->ctrl == ctrl && kvns->nsid == nsid)
			return kvns;
	return NULL;
}

/* Called with nvme_kv_lock held; takes its own reference on @ctrl_file. */
static int nvme_kv_bind(struct file *ctrl_file, struct nvme_ctrl *ctrl,
			u32 nsid)
{
	struct nvme_kv_ns *kvns;
	struct nvme_ns *ns;
	int minor, ret;

	ns = nvme_find_get_ns(ctrl, nsid);
	if (!ns)
		return -ENODEV;

	kvns = kzalloc(sizeof(*kvns), GFP_KERNEL);
	if (!kvns) {
		ret = -ENOMEM;
		goto out_put_ns;
	}
	minor = ida_alloc_max(&nvme_kv_minor_ida, NVME_KV_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto out_free_kvns;
	}

	kvns->ctrl_file = get_file(ctrl_file);
	kvns->ctrl = ctrl;
	kvns->ns = ns;
	kvns->nsid = nsid;
	kvns->max_value_len = nvme_kv_identify_max_value(kvns);
	kvns->xfer_default = NVME_KV_XFER_AUTO;
	atomic_set(&kvns->next_tag, get_random_u32());
	spin_lock_init(&kvns->lock);
	init_waitqueue_head(&kvns->idle);

	/* from here on the device's release frees kvns and the minor */
	device_initialize(&kvns->cdev_device);
	kvns->cdev_device.devt = MKDEV(MAJOR(nvme_kv_chr_devt), minor);
	kvns->cdev_device.class = &nvme_kv_class;
	kvns->cdev_device.groups = nvme_kv_ns_groups;
	kvns->cdev_device.release = nvme_kv_ns_release;
	ret = dev_set_name(&kvns->cdev_device, "kv%dn%u", ctrl->instance, nsid);
	if (ret)
		goto out_put_device;

	cdev_init(&kvns->cdev, &nvme_kv_fops);
	kvns->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&kvns->cdev, &kvns->cdev_device);
	if (ret)
		goto out_put_device;

	list_add_tail(&kvns->entry, &nvme_kv_namespaces);
	dev_info(ctrl->device, "nsid %u: KV namespace bound as %s\n", nsid,
		 dev_name(&kvns->cdev_device));
	kvns->onesided = nvme_kv_onesided_start(ctrl, ns, nsid);
	return 0;

out_put_device:
	fput(kvns->ctrl_file);
	put_device(&kvns->cdev_device);
	nvme_put_ns(ns);
	return ret;
out_free_kvns:
	kfree(kvns);
out_put_ns:
	nvme_put_ns(ns);
	return ret;
}

/* Called with nvme_kv_lock held; drops the binding's device reference. */
static void nvme_kv_unbind(struct nvme_kv_ns *kvns)
{
	list_del(&kvns->entry);
	cdev_device_del(&kvns->cdev, &kvns->cdev_device);

	/* later commands see ->dead; wait for those in flight */
	spin_lock_irq(&kvns->lock);
	kvns->dead = true;
	spin_unlock_irq(&kvns->lock);
	wait_event(kvns->idle, nvme_kv_idle(kvns));
	/* no command is in flight and none starts: nobody uses the session */
	nvme_kv_onesided_stop(kvns->onesided);
	kvns->onesided = NULL;

	nvme_put_ns(kvns->ns);
	fput(kvns->ctrl_file);
	put_device(&kvns->cdev_device);
}

/* Next KV namespace of @ctrl with an NSID above @after, 0 if none. */
static u32 nvme_kv_next_nsid(struct nvme_ctrl *ctrl, u32 after)
{
	struct nvme_ns *ns;
	u32 nsid = 0;
	int srcu_idx;

	srcu_idx = srcu_read_lock(&ctrl->srcu);
	list_for_each_entry_srcu(ns, &ctrl->namespaces, list,
				 srcu_read_lock_held(&ctrl->srcu)) {
		if (ns->head->ns_id > after &&
		    ns->head->ids.csi == NVME_KV_CSI &&
		    !test_bit(NVME_NS_REMOVING, &ns->flags)) {
			nsid = ns->head->ns_id;
			break;
		}
	}
	srcu_read_unlock(&ctrl->srcu, srcu_idx);
	return nsid;
}

/* Drop bindings whose controller or namespace is going away; lock held */
static void nvme_kv_reap(void)
{
	struct nvme_kv_ns *kvns, *tmp;

	list_for_each_entry_safe(kvns, tmp, &nvme_kv_namespaces, entry)
		if (nvme_kv_ns_gone(kvns))
			nvme_kv_unbind(kvns);
}

/*
 * A binding pins its controller (and so the transport module) until it is
 * dropped, and nvme-core tells no one outside it that a controller or
 * namespace goes.  Without a udev rule writing "rescan", this work drops
 * such bindings within NVME_KV_REAP_INTERVAL; it runs while there are
 * bindings and never binds anything.
 */
#define NVME_KV_REAP_INTERVAL	HZ
static void nvme_kv_reap_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(nvme_kv_reap_work, nvme_kv_reap_work_fn);

static void nvme_kv_reap_work_fn(struct work_struct *work)
{
	mutex_lock(&nvme_kv_lock);
	nvme_kv_reap();
	if (!list_empty(&nvme_kv_namespaces) && !nvme_kv_exiting)
		queue_delayed_work(system_long_wq, &nvme_kv_reap_work,
				   NVME_KV_REAP_INTERVAL);
	mutex_unlock(&nvme_kv_lock);
}

/*
 * Drop bindings whose controller or namespace is going away, then bind
 * every KV namespace of every live controller not bound yet.  Runs only
 * in nvme_kv_scan_work (see there).
 */
static void nvme_kv_scan(void)
{
	struct nvme_ctrl *ctrl;
	struct file *f;
	char path[32];
	unsigned int i;
	int bound = 0;
	u32 nsid;

	mutex_lock(&nvme_kv_lock);
	nvme_kv_reap();

	for (i = 0; i < max_ctrls && !nvme_kv_exiting; i++) {
		snprintf(path, sizeof(path), "/dev/nvme%u", i);
		f = filp_open(path, O_RDONLY, 0);
		if (IS_ERR(f))
			continue;
		ctrl = nvme_ctrl_from_file(f);
		for (nsid = 0; ctrl && (nsid = nvme_kv_next_nsid(ctrl, nsid));) {
			if (nvme_kv_find(ctrl, nsid))
				continue;
			if (!nvme_kv_bind(f, ctrl, nsid))
				bound++;
		}
		filp_close(f, NULL);
	}
	if (bound && !nvme_kv_exiting)
		queue_delayed_work(system_long_wq, &nvme_kv_reap_work,
				   NVME_KV_REAP_INTERVAL);
	mutex_unlock(&nvme_kv_lock);
}

/*
 * A scan opens /dev/nvmeN paths, and a path resolves in the root and mount
 * namespace of the task that looks it up.  The scan therefore runs in a
 * kernel worker, whose fs_struct is the one init (pid 1) shares with every
 * kernel thread: whoever writes "rescan" (or loads the module) from a
 * container or a chroot makes nvme-kv look at the host's /dev, never at
 * nodes of its own.  The writer waits for the scan.
 * The work may sleep (binding connects one-sided sessions); it takes
 * nvme_kv_lock, so it must not be flushed with that lock held.
 */
static void nvme_kv_scan_work_fn(struct work_struct *work)
{
	nvme_kv_scan();
}

static DECLARE_WORK(nvme_kv_scan_work, nvme_kv_scan_work_fn);

static void nvme_kv_scan_in_init_fs(void)
{
	queue_work(system_long_wq, &nvme_kv_scan_work);
	flush_work(&nvme_kv_scan_work);
}

static ssize_t rescan_store(const struct class *class,
			    const struct class_attribute *attr,
			    const char *buf, size_t count)
{
	bool val;

	if (kstrtobool(buf, &val) || !val)
		return -EINVAL;
	nvme_kv_scan_in_init_fs();
	return count;
}

static int __init nvme_kv_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&nvme_kv_chr_devt, 0, NVME_KV_MINORS,
				  "nvme-kv");
	if (ret)
		return ret;
	ret = class_register(&nvme_kv_class);
	if (ret)
		goto out_unregister_chrdev;

	nvme_kv_scan_in_init_fs();
	return 0;

out_unregister_chrdev:
	unregister_chrdev_region(nvme_kv_chr_devt, NVME_KV_MINORS);
	return ret;
}

static void __exit nvme_kv_exit(void)
{
	struct nvme_kv_ns *kvns, *tmp;

	mutex_lock(&nvme_kv_lock);
	nvme_kv_exiting = true;
	mutex_unlock(&nvme_kv_lock);
	/* it does not queue itself again once nvme_kv_exiting is set */
	cancel_delayed_work_sync(&nvme_kv_reap_work);
	mutex_lock(&nvme_kv_lock);
	list_for_each_entry_safe(kvns, tmp, &nvme_kv_namespaces, entry)
		nvme_kv_unbind(kvns);
	mutex_unlock(&nvme_kv_lock);

	/* no one can write "rescan" any more: the last scan ends here */
	class_unregister(&nvme_kv_class);
	cancel_work_sync(&nvme_kv_scan_work);
	unregister_chrdev_region(nvme_kv_chr_devt, NVME_KV_MINORS);
	ida_destroy(&nvme_kv_minor_ida);
}

module_init(nvme_kv_init);
module_exit(nvme_kv_exit);

MODULE_DESCRIPTION("NVMe Key Value command set host driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(NVME_TARGET_PASSTHRU);
