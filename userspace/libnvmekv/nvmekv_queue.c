// SPDX-License-Identifier: LGPL-2.1-or-later
/* libnvmekv: asynchronous operations on io_uring; see nvmekv.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <liburing.h>
#include "nvmekv.h"

struct nvmekv_queue {
	struct io_uring	ring;
	int		fd;
	unsigned int	depth;
	unsigned int	inflight;	/* submitted, not yet reaped */
	unsigned int	queued;		/* submitted, not yet committed */
};

int nvmekv_queue_init(int fd, unsigned int depth, struct nvmekv_queue **qp)
{
	struct nvmekv_queue *q;
	int ret;

	*qp = NULL;
	if (fd < 0 || !depth || depth > 4096)
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	/* the command is 80 bytes (SQE128), result and status in a CQE32 */
	ret = io_uring_queue_init(depth, &q->ring,
				  IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	if (ret) {
		free(q);
		return ret;
	}
	q->fd = fd;
	q->depth = depth;
	*qp = q;
	return 0;
}

int nvmekv_queue_free(struct nvmekv_queue *q)
{
	if (!q)
		return 0;
	io_uring_queue_exit(&q->ring);
	free(q);
	return 0;
}

static int nvmekv_op_ioctl(unsigned int opcode, unsigned int *cmd_op)
{
	switch (opcode) {
	case NVME_KV_CMD_STORE:
		*cmd_op = NVME_KV_IOCTL_STORE;
		return 0;
	case NVME_KV_CMD_RETRIEVE:
		*cmd_op = NVME_KV_IOCTL_RETRIEVE;
		return 0;
	case NVME_KV_CMD_DELETE:
		*cmd_op = NVME_KV_IOCTL_DELETE;
		return 0;
	case NVME_KV_CMD_EXIST:
		*cmd_op = NVME_KV_IOCTL_EXIST;
		return 0;
	case NVME_KV_CMD_LIST:
		*cmd_op = NVME_KV_IOCTL_LIST;
		return 0;
	}
	return -EINVAL;
}

int nvmekv_queue_submit(struct nvmekv_queue *q, struct nvmekv_op *op)
{
	struct io_uring_sqe *sqe;
	struct nvme_kv_cmd c;
	unsigned int cmd_op;

	if (nvmekv_op_ioctl(op->opcode, &cmd_op) ||
	    op->key_len > NVME_KV_KEY_MAX ||
	    (!op->key_len && op->opcode != NVME_KV_CMD_LIST) ||
	    (op->key_len && !op->key) || op->value_len > UINT32_MAX ||
	    op->options > 0xff || op->xfer > NVME_KV_XFER_MAX ||
	    (op->xfer && op->opcode != NVME_KV_CMD_STORE))
		return -EINVAL;
	if (q->inflight >= q->depth)
		return -EBUSY;
	sqe = io_uring_get_sqe(&q->ring);
	if (!sqe)
		return -EBUSY;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.flags = op->xfer;
	c.key_len = op->key_len;
	c.options = op->options;
	c.value_len = op->value_len;
	if (op->key_len)
		memcpy(c.key, op->key, op->key_len);
	c.value = (uintptr_t)op->value;
	c.timeout_ms = op->timeout_ms;

	/* a 128-byte SQE: the command goes in its last 80 bytes */
	memset(sqe, 0, 2 * sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = q->fd;
	sqe->cmd_op = cmd_op;
	io_uring_sqe_set_data(sqe, op);
	memcpy(sqe->cmd, &c, sizeof(c));
	op->error = 0;
	op->status = 0;
	op->result = 0;
	q->inflight++;
	q->queued++;
	return 0;
}

int nvmekv_queue_commit(struct nvmekv_queue *q)
{
	int ret;

	if (!q->queued)
		return 0;
	ret = io_uring_submit(&q->ring);
	if (ret < 0)
		return ret;
	q->queued -= (unsigned int)ret > q->queued ? q->queued : (unsigned int)ret;
	return ret;
}

static struct nvmekv_op *nvmekv_queue_take(struct nvmekv_queue *q,
					   struct io_uring_cqe *cqe)
{
	struct nvmekv_op *op = io_uring_cqe_get_data(cqe);

	op->error = cqe->res;
	op->result = NVME_KV_URING_RESULT(cqe->big_cqe[0]);
	op->status = NVME_KV_URING_STATUS(cqe->big_cqe[0]);
	io_uring_cqe_seen(&q->ring, cqe);
	q->inflight--;
	return op;
}

int nvmekv_queue_reap(struct nvmekv_queue *q, unsigned int min,
		      const struct timespec *timeout, struct nvmekv_op **ops,
		      unsigned int max)
{
	struct __kernel_timespec ts, *tsp = NULL;
	struct io_uring_cqe *cqe;
	struct nvmekv_op *op;
	unsigned int n = 0;
	int ret;

	if (min > max)
		return -EINVAL;
	if (min > q->inflight)
		min = q->inflight;
	if (timeout) {
		ts.tv_sec = timeout->tv_sec;
		ts.tv_nsec = timeout->tv_nsec;
		tsp = &ts;
	}
	while (n < max) {
		if (n < min) {
			/* anything queued goes out with the wait */
			ret = io_uring_submit_and_wait_timeout(&q->ring, &cqe,
							       1, tsp, NULL);
			if (ret >= 0 && q->queued)
				q->queued = 0;
			if (ret == -ETIME || ret == -EINTR)
				break;
			if (ret < 0)
				return n ? (int)n : ret;
		} else if (io_uring_peek_cqe(&q->ring, &cqe)) {
			break;
		}
		op = nvmekv_queue_take(q, cqe);
		if (ops)
			ops[n] = op;
		n++;
		if (op->done)
			op->done(op);
	}
	return n;
}

unsigned int nvmekv_queue_inflight(const struct nvmekv_queue *q)
{
	return q->inflight;
}
