/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvme-kv's internals shared by its files: the bound namespace, a user
 * operation, and the command helpers of kv_main.c.  Locking and lifetime
 * rules are at the top of kv_main.c.
 */
#ifndef NVME_KV_H
#define NVME_KV_H

#include <linux/blk-mq.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/nvme_kv.h>
#include "nvme.h"

struct nvme_kv_onesided;
struct nvme_kv_onesided_fill;
struct io_uring_cmd;

/* Per-namespace counters, in sysfs under stats/ */
enum nvme_kv_stat {
	NVME_KV_STAT_STORE,
	NVME_KV_STAT_RETRIEVE,
	NVME_KV_STAT_DELETE,
	NVME_KV_STAT_EXIST,
	NVME_KV_STAT_LIST,
	NVME_KV_STAT_ERRORS,
	NVME_KV_STAT_BYTES_WRITTEN,
	NVME_KV_STAT_BYTES_READ,
	/* transfer accounting, Documentation/wire-format.md */
	NVME_KV_STAT_STORES_DPTR,
	NVME_KV_STAT_STORES_PIGGYBACK,
	NVME_KV_STAT_STORES_PIGGYBACK_SERIAL,
	NVME_KV_STAT_STORES_APPEND,
	NVME_KV_STAT_APPEND_FALLBACKS,
	NVME_KV_STAT_COMMANDS,
	NVME_KV_STAT_COMMAND_BYTES,
	NVME_KV_STAT_DESCRIPTOR_BYTES,
	NVME_KV_STAT_PAYLOAD_BYTES,
	NVME_KV_STAT_DATA_BYTES,
	NVME_KV_STAT_PAGE_BYTES,
	NVME_KV_NR_STATS,
};

/**
 * struct nvme_kv_ns - a bound KV namespace
 * @entry:		in nvme_kv_namespaces, under nvme_kv_lock
 * @ctrl_file:		the controller's char device, held open while bound
 * @ctrl:		the controller
 * @ns:			the namespace, referenced while bound
 * @nsid:		namespace ID
 * @max_value_len:	KVVML of the namespace's KV format 0
 * @xfer_default:	transfer method of Stores that name none (sysfs)
 * @next_tag:		transfer tag of the next PIGGYBACK Store
 * @lock:		protects @dead and @inflight (see the top of this file)
 * @dead:		set when the binding goes away
 * @inflight:		commands started and not yet finished
 * @idle:		unbind waits here for @inflight to reach 0
 * @stats:		counters, enum nvme_kv_stat
 * @onesided:		one-sided reads of the target's cache, or NULL; used
 *			only by commands counted in (nvme_kv_cmd_begin()) and
 *			by sysfs attributes of @cdev_device, both over before
 *			unbind stops it and sets it to NULL
 * @cdev:		char device /dev/kv<ctrl>n<nsid>
 * @cdev_device:	its device; the last put frees the structure
 */
struct nvme_kv_ns {
	struct list_head	entry;
	struct file		*ctrl_file;
	struct nvme_ctrl	*ctrl;
	struct nvme_ns		*ns;
	u32			nsid;
	u32			max_value_len;
	u8			xfer_default;
	atomic_t		next_tag;
	spinlock_t		lock;		/* see the top of this file */
	bool			dead;
	unsigned int		inflight;
	wait_queue_head_t	idle;
	atomic64_t		stats[NVME_KV_NR_STATS];
	struct nvme_kv_onesided	*onesided;
	struct cdev		cdev;
	struct device		cdev_device;
};

/**
 * struct nvme_kv_uop - a user operation in flight
 * @op:		the operation, outputs filled when it finished
 * @kvns:	its namespace
 * @method:	Store: the transfer method it goes by
 * @timeout:	of each of its commands, in jiffies; 0 for the default
 * @started:	its request was sent, or it ran at once (PIGGYBACK)
 * @bio:	the user mapping, unmapped after completion
 * @bounce:	a Retrieve that fills a cache slot: the kernel buffer it
 *		reads into, copied to the user's buffer after completion
 * @pending:	the batch's count of operations still in flight
 * @done:	completed when @pending reaches 0
 */
struct nvme_kv_uop {
	struct nvme_kv_batch_op	op;
	struct nvme_kv_ns	*kvns;
	u8			method;
	unsigned int		timeout;
	bool			started;
	bool			onesided;
	struct nvme_kv_onesided_fill *fill;
	struct bio		*bio;
	void			*bounce;
	atomic_t		*pending;
	struct completion	*done;
};

int nvme_kv_cmd_begin(struct nvme_kv_ns *kvns);
void nvme_kv_cmd_end(struct nvme_kv_ns *kvns);
void nvme_kv_build_cmd(struct nvme_kv_ns *kvns, struct nvme_command *cmd,
		       u8 opcode, const u8 *key, u8 key_len, u8 options,
		       u32 len);
int nvme_kv_check(u8 opcode, const u8 *key, u8 key_len, u8 options,
		  u8 xfer, bool has_buf, u32 len);
int nvme_kv_rq_error(struct request *rq, blk_status_t err, u16 *status,
		     u32 *result);
void nvme_kv_account(struct nvme_kv_ns *kvns, u8 opcode, int error,
		     u32 len, u32 result);
u8 nvme_kv_xfer_resolve(struct nvme_kv_ns *kvns, u8 xfer, u32 len,
			bool *fallback);
void nvme_kv_account_xfer(struct nvme_kv_ns *kvns, u8 method, u32 cmds,
			  u32 len);
void nvme_kv_account_store(struct nvme_kv_ns *kvns, u8 method, u32 cmds,
			   u32 len);
struct request *nvme_kv_start(struct nvme_kv_ns *kvns,
			      struct nvme_command *cmd, bool user,
			      void __user *ubuf, void *kbuf, u32 len,
			      unsigned int timeout, rq_end_io_fn *end_io,
			      void *data, struct bio **bio);
void nvme_kv_run_uops(struct nvme_kv_ns *kvns, struct nvme_kv_uop *uops,
		      unsigned int nr);
int nvme_kv_cmd_to_uop(const struct nvme_kv_cmd *kc, u8 opcode,
		       struct nvme_kv_uop *uop);

/* kv_uring.c: IORING_OP_URING_CMD on /dev/kvXnY */
int nvme_kv_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);

#endif /* NVME_KV_H */
