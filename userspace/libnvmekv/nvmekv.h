/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnvmekv: user-space access to NVMe Key Value namespaces bound by the
 * nvme-kv driver (/dev/kv<ctrl>n<nsid>).
 *
 * Every function returns 0 on success or a negative errno.  When the device
 * ran the command and failed it, *status (if not NULL) receives the NVMe
 * status (SCT << 8 | SC, see NVME_KV_STATUS_SCT/SC); otherwise it is 0.
 */
#ifndef NVMEKV_H
#define NVMEKV_H

#include <stddef.h>
#include <stdint.h>
#include <linux/nvme_kv.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Open /dev/kvXnY read-write, or read-only when the caller may only read
 * it: Store and Delete (and batches with them) then fail with -EACCES.
 */
int nvmekv_open(const char *path);
int nvmekv_close(int fd);

/*
 * The timeout of each NVMe command the calling thread's later calls send,
 * in milliseconds; 0 (the start value) for the driver's I/O timeout.  See
 * @timeout_ms in struct nvme_kv_cmd: on nvme-tcp and nvme-rdma a command
 * that runs out of it is cancelled (-ECANCELED) and the controller
 * reconnects.  Returns 0.
 */
int nvmekv_set_timeout(unsigned int timeout_ms);

int nvmekv_store(int fd, const void *key, size_t key_len, const void *value,
		 size_t value_len, unsigned int options, uint16_t *status);

/*
 * Retrieve into @buf of @buf_len bytes.  *@value_len receives the full size
 * of the stored value, which may exceed @buf_len (then @buf holds its first
 * @buf_len bytes).
 */
int nvmekv_retrieve(int fd, const void *key, size_t key_len, void *buf,
		    size_t buf_len, size_t *value_len, unsigned int options,
		    uint16_t *status);

/*
 * Retrieve a whole value of any size into a malloc()ed buffer (*@value, to
 * be freed by the caller; never NULL on success, even for a 0-byte value).
 */
int nvmekv_retrieve_alloc(int fd, const void *key, size_t key_len,
			  void **value, size_t *value_len,
			  unsigned int options, uint16_t *status);

/* 0 when the key was deleted, -ENOENT when it does not exist. */
int nvmekv_delete(int fd, const void *key, size_t key_len, uint16_t *status);

/* 0 when the key exists, -ENOENT when it does not. */
int nvmekv_exist(int fd, const void *key, size_t key_len, uint16_t *status);

/*
 * List: fill @buf (at least 4 bytes) with the keys from @start on (included
 * if it exists; @start_len 0 lists from the first key), in the List format:
 * le32 key count, then per key a le16 length, the key bytes and zero
 * padding to 4 bytes.  Walk it with nvmekv_list_next().
 */
int nvmekv_list(int fd, const void *start, size_t start_len, void *buf,
		size_t buf_len, uint16_t *status);

/*
 * Walk a List buffer of @len bytes: nvmekv_list_iter_init() reads the key
 * count, then each nvmekv_list_next() returns 1 with the next key in
 * *@key / *@key_len, 0 after the last one, or -EBADMSG when the buffer is
 * malformed (shorter than its count says, or a key length of 0 or above
 * NVME_KV_KEY_MAX).
 */
struct nvmekv_list_iter {
	const uint8_t	*buf;
	size_t		len;
	size_t		pos;
	uint32_t	left;
};

int nvmekv_list_iter_init(struct nvmekv_list_iter *it, const void *buf,
			  size_t len);
int nvmekv_list_next(struct nvmekv_list_iter *it, const uint8_t **key,
		     size_t *key_len);

/*
 * Call @fn for every key from @start on, in the controller's order, with as
 * many List commands as it takes; stops early when @fn returns non-zero and
 * returns that value.  @limit 0 means no limit on the number of keys.
 */
int nvmekv_list_all(int fd, const void *start, size_t start_len,
		    size_t limit,
		    int (*fn)(const uint8_t *key, size_t key_len, void *arg),
		    void *arg, uint16_t *status);

/* The namespace's limits and utilisation, from a fresh Identify. */
int nvmekv_identify(int fd, struct nvme_kv_identify *id);

/*
 * Run @nr operations (1..NVME_KV_BATCH_MAX) together.  Returns 0 when all
 * were run (each with its own error, status and result) or a negative
 * errno when the batch was refused as a whole (nothing was run).
 */
int nvmekv_batch(int fd, struct nvme_kv_batch_op *ops, unsigned int nr);

/* Name of an NVMe status as the KV command set defines it. */
const char *nvmekv_status_name(uint16_t status);

/*
 * Asynchronous operations, on io_uring (IORING_OP_URING_CMD on the
 * device, see "io_uring" in <linux/nvme_kv.h>): one thread keeps up to
 * @depth operations in flight on a queue.  Fill a struct nvmekv_op, hand
 * it to nvmekv_queue_submit() (it must stay valid until it completed),
 * send what was submitted with nvmekv_queue_commit(), and collect
 * completions with nvmekv_queue_reap(), which also calls each op's @done.
 * A queue is for one thread at a time.  Link with -lnvmekv (pkg-config
 * nvmekv; statically also -luring).
 *
 *	struct nvmekv_queue *q;
 *	struct nvmekv_op ops[16] = { 0 }, *done[16];
 *	int i, n;
 *
 *	if (nvmekv_queue_init(fd, 16, &q))
 *		return;
 *	for (i = 0; i < 16; i++) {
 *		ops[i].opcode = NVME_KV_CMD_RETRIEVE;
 *		ops[i].key = keys[i];
 *		ops[i].key_len = 16;
 *		ops[i].value = bufs[i];
 *		ops[i].value_len = sizeof(bufs[i]);
 *		nvmekv_queue_submit(q, &ops[i]);
 *	}
 *	nvmekv_queue_commit(q);
 *	for (i = 0; i < 16; i += n) {
 *		n = nvmekv_queue_reap(q, 1, NULL, done, 16);
 *		if (n < 0)
 *			break;
 *		// each done[j]->error, ->status and ->result is set
 *	}
 *	nvmekv_queue_free(q);
 */
struct nvmekv_queue;
struct timespec;

struct nvmekv_op {
	/* in */
	unsigned int	opcode;		/* NVME_KV_CMD_STORE, _RETRIEVE, _DELETE, _EXIST, _LIST */
	const void	*key;
	size_t		key_len;	/* List: 0 lists from the first key */
	void		*value;		/* Store: the value; Retrieve, List: the buffer */
	size_t		value_len;	/* Delete, Exist: 0 */
	unsigned int	options;	/* NVME_KV_STORE_SIKE / _SINKE, NVME_KV_RETRIEVE_* */
	unsigned int	xfer;		/* Store: enum nvme_kv_xfer; others 0 */
	unsigned int	timeout_ms;	/* of each NVMe command; 0: the driver's */
	void		(*done)(struct nvmekv_op *op);	/* or NULL */
	void		*private;	/* the caller's */
	/* out, once completed */
	int		error;		/* 0 or a negative errno, as the ioctls */
	uint16_t	status;		/* NVMe status */
	uint32_t	result;		/* Retrieve: the stored value's size */
};

/* A queue of @depth (1..4096) operations on the open device @fd. */
int nvmekv_queue_init(int fd, unsigned int depth, struct nvmekv_queue **q);
/* Free it; operations still in flight are waited for by the kernel. */
int nvmekv_queue_free(struct nvmekv_queue *q);
/*
 * Queue @op, to be sent by the next commit.  -EINVAL for a malformed op,
 * -EBUSY when @depth ops are already submitted and not yet reaped.
 */
int nvmekv_queue_submit(struct nvmekv_queue *q, struct nvmekv_op *op);
/* Send what was submitted; returns how many were sent, or -errno. */
int nvmekv_queue_commit(struct nvmekv_queue *q);
/*
 * Wait until at least @min ops completed (0: only collect those that did;
 * @timeout, if not NULL, bounds the wait, then fewer may be returned), up
 * to @max.  Fills @ops (if not NULL) with them, calls their @done, and
 * returns how many, or -errno.
 */
int nvmekv_queue_reap(struct nvmekv_queue *q, unsigned int min,
		      const struct timespec *timeout, struct nvmekv_op **ops,
		      unsigned int max);
/* Ops submitted and not yet reaped. */
unsigned int nvmekv_queue_inflight(const struct nvmekv_queue *q);

#ifdef __cplusplus
}
#endif

#endif /* NVMEKV_H */
