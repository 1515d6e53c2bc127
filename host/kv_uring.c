// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_URING_CMD on /dev/kvXnY: the operations of the ioctls,
 * submitted and completed through io_uring (uapi/linux/nvme_kv.h,
 * "io_uring").
 *
 * An SQE's cmd_op is the ioctl number of the operation and its 80 command
 * bytes (the ring is set up with IORING_SETUP_SQE128) hold a struct
 * nvme_kv_cmd, checked as the ioctl checks it.  A command that moves its
 * value by the data pointer (Store by DPTR or APPEND, Retrieve, Delete,
 * Exist, List) is started from the submitting task and completes through
 * its request's end_io, then in that task's context (io_uring task work),
 * where the user mapping is undone and the CQE posted.  Whatever must
 * wait -- a Store by PIGGYBACK, which sends several commands in order,
 * and a Retrieve that may be a one-sided read of the target's cache -- is
 * handed back to io_uring with -EAGAIN when issued without blocking and
 * then runs in an io-wq worker, which may sleep, by the ioctls' path.
 *
 * Lifetime: the io_uring request holds the file, the file a reference on
 * the namespace's device (nvme_kv_open()), so @kvns stays valid until the
 * CQE is posted.  The command counts itself in with nvme_kv_cmd_begin()
 * before it allocates its request and out in end_io once the request is
 * freed, so an unbind waits for it like for any other command.  A ring
 * that exits waits for its commands: an NVMe command cannot be withdrawn,
 * and the NVMe timeout bounds the wait.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/blk-mq.h>
#include <linux/io_uring/cmd.h>
#include <linux/nvme_kv.h>
#include "kv.h"
#include "kv_onesided.h"

/**
 * struct nvme_kv_uring_pdu - state of a command in io_uring's pdu area
 * @bio:	the user mapping, undone in task context; NULL for none
 * @len:	bytes of the buffer
 * @result:	Dword 0 of the completion
 * @error:	0 or the negative errno of the command
 * @status:	its NVMe status
 * @opcode:	the KV command
 */
struct nvme_kv_uring_pdu {
	struct bio	*bio;
	u32		len;
	u32		result;
	int		error;
	u16		status;
	u8		opcode;
};

/*
 * Hand the command back to io_uring, to be issued again by an io-wq
 * worker, which may block.  io_uring copies the SQE for that second issue,
 * but the 6.12 kernels leave ioucmd->sqe pointing at the ring's slot,
 * which the application may have filled with another SQE by the time the
 * worker runs (later kernels copy every uring_cmd SQE at prep time).
 * Point it at the copy here; io_uring then sees the copy made and does
 * not make it again.  The SQE is a 128-byte one (IO_URING_F_SQE128 was
 * checked) and async_data, io_uring's copy for it, exists from prep on.
 */
static int nvme_kv_uring_again(struct io_uring_cmd *ioucmd)
{
	struct io_kiocb *req = cmd_to_io_kiocb(ioucmd);

	if (ioucmd->sqe != req->async_data) {
		memcpy(req->async_data, ioucmd->sqe,
		       2 * sizeof(struct io_uring_sqe));
		ioucmd->sqe = req->async_data;
	}
	return -EAGAIN;
}

/* big_cqe[0] of a CQE32: the result in bits 31:0, the status in 47:32 */
static u64 nvme_kv_uring_res2(u32 result, u16 status)
{
	return (u64)status << 32 | result;
}

/* In the submitter's task: undo the mapping, count, post the CQE. */
static void nvme_kv_uring_task_cb(struct io_uring_cmd *ioucmd,
				  unsigned int issue_flags)
{
	struct nvme_kv_uring_pdu *pdu =
		io_uring_cmd_to_pdu(ioucmd, struct nvme_kv_uring_pdu);
	struct nvme_kv_ns *kvns = ioucmd->file->private_data;

	if (pdu->bio)
		blk_rq_unmap_user(pdu->bio);
	nvme_kv_account(kvns, pdu->opcode, pdu->error, pdu->len, pdu->result);
	io_uring_cmd_done(ioucmd, pdu->error,
			  nvme_kv_uring_res2(pdu->result, pdu->status),
			  issue_flags);
}

/* Any context: record the outcome, free the request, count out. */
static enum rq_end_io_ret nvme_kv_uring_end_io(struct request *rq,
					       blk_status_t err)
{
	struct io_uring_cmd *ioucmd = rq->end_io_data;
	struct nvme_kv_uring_pdu *pdu =
		io_uring_cmd_to_pdu(ioucmd, struct nvme_kv_uring_pdu);
	struct nvme_kv_ns *kvns = ioucmd->file->private_data;

	pdu->error = nvme_kv_rq_error(rq, err, &pdu->status, &pdu->result);
	blk_mq_free_request(rq);
	nvme_kv_cmd_end(kvns);
	io_uring_cmd_do_in_task_lazy(ioucmd, nvme_kv_uring_task_cb);
	return RQ_END_IO_NONE;
}

/*
 * Start one command that moves its data by the data pointer (@fallback: a
 * Store that asked for APPEND and goes by DPTR).  Returns -EIOCBQUEUED
 * once started, -EAGAIN when it would have had to wait for a tag without
 * blocking, or another negative errno (nothing was sent).  Once started,
 * the CQE may be posted and the file let go of before this returns: from
 * blk_execute_rq_nowait() on, nothing here touches @kvns or @ioucmd.
 */
static int nvme_kv_uring_start(struct nvme_kv_ns *kvns,
			       struct io_uring_cmd *ioucmd,
			       struct nvme_kv_uop *u, u8 method, bool fallback,
			       unsigned int issue_flags)
{
	struct nvme_kv_uring_pdu *pdu =
		io_uring_cmd_to_pdu(ioucmd, struct nvme_kv_uring_pdu);
	struct request_queue *q = kvns->ns->queue;
	void __user *ubuf = u64_to_user_ptr(u->op.value);
	u32 len = u->op.value_len;
	blk_mq_req_flags_t flags = 0;
	struct nvme_command cmd;
	struct iov_iter iter;
	u8 options = u->op.options;
	struct request *rq;
	int ret;

	if (method == NVME_KV_XFER_APPEND)
		options |= NVME_KV_STORE_APPEND;
	nvme_kv_build_cmd(kvns, &cmd, u->op.opcode, u->op.key, u->op.key_len,
			  options, len);
	if (issue_flags & IO_URING_F_NONBLOCK)
		flags |= BLK_MQ_REQ_NOWAIT;
	rq = blk_mq_alloc_request(q, nvme_req_op(&cmd), flags);
	if (IS_ERR(rq))
		return PTR_ERR(rq) == -EWOULDBLOCK ? -EAGAIN : PTR_ERR(rq);
	nvme_init_request(rq, &cmd);
	if (u->timeout)
		rq->timeout = u->timeout;

	if (len && (ioucmd->flags & IORING_URING_CMD_FIXED)) {
		ret = io_uring_cmd_import_fixed(u->op.value, len,
						nvme_is_write(&cmd) ?
						ITER_SOURCE : ITER_DEST,
						&iter, ioucmd);
		if (!ret)
			ret = blk_rq_map_user_iov(q, rq, NULL, &iter,
						  GFP_KERNEL);
	} else if (len) {
		ret = blk_rq_map_user(q, rq, NULL, ubuf, len, GFP_KERNEL);
	} else {
		ret = 0;
	}
	if (ret) {
		blk_mq_free_request(rq);
		return ret;
	}

	memset(pdu, 0, sizeof(*pdu));
	pdu->bio = rq->bio;
	pdu->len = len;
	pdu->opcode = u->op.opcode;
	/* counted by the issue that sends it, never by one handed back */
	if (fallback)
		atomic64_inc(&kvns->stats[NVME_KV_STAT_APPEND_FALLBACKS]);
	if (u->op.opcode == NVME_KV_CMD_STORE)
		nvme_kv_account_store(kvns, method, 1, len);
	else
		nvme_kv_account_xfer(kvns, NVME_KV_XFER_DPTR, 1, len);
	rq->end_io = nvme_kv_uring_end_io;
	rq->end_io_data = ioucmd;
	blk_execute_rq_nowait(rq, false);
	return -EIOCBQUEUED;
}

/*
 * What must wait, in an io-wq worker: the ioctls' path, then the CQE.
 * That path reads and writes the value through its user addresses; a
 * value in a registered buffer is first checked to lie inside it, as the
 * data pointer's path checks it (io_uring_cmd_import_fixed()).
 */
static int nvme_kv_uring_blocking(struct nvme_kv_ns *kvns,
				  struct io_uring_cmd *ioucmd,
				  struct nvme_kv_uop *u,
				  unsigned int issue_flags)
{
	struct iov_iter iter;
	int ret;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return nvme_kv_uring_again(ioucmd);
	if ((ioucmd->flags & IORING_URING_CMD_FIXED) && u->op.value_len) {
		ret = io_uring_cmd_import_fixed(u->op.value, u->op.value_len,
						u->op.opcode == NVME_KV_CMD_STORE ?
						ITER_SOURCE : ITER_DEST,
						&iter, ioucmd);
		if (ret)
			return ret;
	}
	nvme_kv_run_uops(kvns, u, 1);
	io_uring_cmd_done(ioucmd, u->op.error,
			  u->started ? nvme_kv_uring_res2(u->op.result,
							  u->op.status) : 0,
			  issue_flags);
	return -EIOCBQUEUED;
}

static int nvme_kv_uring_opcode(u32 cmd_op, bool write, u8 *opcode)
{
	switch (cmd_op) {
	case NVME_KV_IOCTL_STORE:
		*opcode = NVME_KV_CMD_STORE;
		break;
	case NVME_KV_IOCTL_RETRIEVE:
		*opcode = NVME_KV_CMD_RETRIEVE;
		return 0;
	case NVME_KV_IOCTL_DELETE:
		*opcode = NVME_KV_CMD_DELETE;
		break;
	case NVME_KV_IOCTL_EXIST:
		*opcode = NVME_KV_CMD_EXIST;
		return 0;
	case NVME_KV_IOCTL_LIST:
		*opcode = NVME_KV_CMD_LIST;
		return 0;
	default:
		return -ENOTTY;
	}
	return write ? 0 : -EACCES;
}

/**
 * nvme_kv_uring_cmd() - the uring_cmd file operation of /dev/kvXnY
 * @ioucmd: the command; its SQE is a 128-byte one
 * @issue_flags: io_uring's issue flags
 *
 * Called in the submitter's task, without blocking when
 * IO_URING_F_NONBLOCK is set, else in an io-wq worker that may sleep.
 *
 * Return: -EIOCBQUEUED when the CQE is or will be posted by this driver,
 * -EAGAIN to be issued again where it may block, or a negative errno for
 * a command refused before anything was sent (-EINVAL for a malformed
 * SQE, -EACCES, -ENOTTY, -ENODEV).
 */
int nvme_kv_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct nvme_kv_ns *kvns = ioucmd->file->private_data;
	bool write = ioucmd->file->f_mode & FMODE_WRITE;
	struct nvme_kv_uop u = { };
	struct nvme_kv_cmd kc;
	bool fallback;
	u8 opcode, method = NVME_KV_XFER_DPTR;
	int ret;

	BUILD_BUG_ON(sizeof(struct nvme_kv_cmd) != 80);
	if (!(issue_flags & IO_URING_F_SQE128))
		return -EINVAL;
	ret = nvme_kv_uring_opcode(ioucmd->cmd_op, write, &opcode);
	if (ret)
		return ret;
	/* one copy of what the submitter may still be writing to */
	memcpy(&kc, io_uring_sqe_cmd(ioucmd->sqe), sizeof(kc));
	if (kc.argsz != sizeof(kc))
		return -EINVAL;
	ret = nvme_kv_cmd_to_uop(&kc, opcode, &u);
	if (ret)
		return ret;

	/* held while the route is chosen: that reads the controller */
	ret = nvme_kv_cmd_begin(kvns);
	if (ret)
		return ret;
	fallback = false;
	if (opcode == NVME_KV_CMD_STORE) {
		method = nvme_kv_xfer_resolve(kvns, u.op.xfer, u.op.value_len,
					      &fallback);
		if (method == NVME_KV_XFER_PIGGYBACK ||
		    method == NVME_KV_XFER_PIGGYBACK_SERIAL) {
			nvme_kv_cmd_end(kvns);
			return nvme_kv_uring_blocking(kvns, ioucmd, &u,
						      issue_flags);
		}
	}
	if (opcode == NVME_KV_CMD_RETRIEVE && !u.op.options &&
	    kvns->onesided && nvme_kv_onesided_ready(kvns->onesided)) {
		nvme_kv_cmd_end(kvns);
		return nvme_kv_uring_blocking(kvns, ioucmd, &u, issue_flags);
	}
	/* this count now belongs to the request: its end_io drops it */
	ret = nvme_kv_uring_start(kvns, ioucmd, &u, method, fallback,
				  issue_flags);
	if (ret != -EIOCBQUEUED)
		nvme_kv_cmd_end(kvns);
	return ret == -EAGAIN ? nvme_kv_uring_again(ioucmd) : ret;
}
