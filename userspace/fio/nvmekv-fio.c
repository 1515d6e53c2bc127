// SPDX-License-Identifier: GPL-2.0
/*
 * fio external ioengine for NVMe Key Value namespaces bound by nvme-kv:
 *
 *   ioengine=external:/usr/lib/<triplet>/fio/fio-nvmekv.so (fio-nvmekv)
 *   filename=/dev/kv0n1  size=64m  bs=64  (or bssplit=...)  rw=randrw
 *
 * Each I/O is one KV command on the key "<kv_key_prefix><offset in hex>",
 * sent asynchronously through libnvmekv's io_uring queue (iodepth of them
 * in flight from each job; one file per job):
 * a write is a Store of the I/O's bytes (the value size is the I/O size, so
 * bs/bssplit/bsrange choose value sizes), a read is a Retrieve into the I/O
 * buffer, a trim is a Delete.  Reading a key that was never stored fails
 * the I/O with ENOENT, so read jobs need a write pass first (verify jobs
 * do that themselves); a value shorter than the block is a whole read of
 * its key, the rest of the buffer zeros.  "size" is the key space in
 * bytes; it is required.  kv_xfer= picks the Stores' transfer method,
 * kv_store_if=exists|absent makes them SIKE or SINKE, kv_timeout_ms= sets
 * each command's timeout.
 *
 * Built against Debian's fio source (scripts/fio-engine.sh), since an
 * external engine must match the fio binary's ioengine_ops version.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fio.h"
#include "optgroup.h"
#include "nvmekv.h"

struct nvmekv_fio_options {
	void	*pad;		/* an option at offset 0 cannot be parsed */
	char	*key_prefix;
	char	*xfer;
	char	*store_if;
	unsigned int timeout_ms;
};

static struct fio_option options[] = {
	{
		.name	= "kv_key_prefix",
		.lname	= "KV key prefix",
		.type	= FIO_OPT_STR_STORE,
		.off1	= offsetof(struct nvmekv_fio_options, key_prefix),
		.def	= "fio",
		.help	= "prefix of every key, at most 4 bytes; the offset in hex follows",
		.category = FIO_OPT_C_ENGINE,
		.group	= FIO_OPT_G_INVALID,
	},
	{
		.name	= "kv_xfer",
		.lname	= "KV transfer method",
		.type	= FIO_OPT_STR_STORE,
		.off1	= offsetof(struct nvmekv_fio_options, xfer),
		.def	= "default",
		.help	= "how a Store sends its value: default (the namespace's transfer_method), dptr, piggyback, piggyback_serial, append or auto",
		.category = FIO_OPT_C_ENGINE,
		.group	= FIO_OPT_G_INVALID,
	},
	{
		.name	= "kv_store_if",
		.lname	= "KV Store condition",
		.type	= FIO_OPT_STR_STORE,
		.off1	= offsetof(struct nvmekv_fio_options, store_if),
		.def	= "always",
		.help	= "store always, only if the key exists (exists, SIKE) or only if it does not (absent, SINKE)",
		.category = FIO_OPT_C_ENGINE,
		.group	= FIO_OPT_G_INVALID,
	},
	{
		.name	= "kv_timeout_ms",
		.lname	= "KV command timeout",
		.type	= FIO_OPT_INT,
		.off1	= offsetof(struct nvmekv_fio_options, timeout_ms),
		.def	= "0",
		.help	= "timeout of each NVMe command in milliseconds; 0 for the driver's",
		.category = FIO_OPT_C_ENGINE,
		.group	= FIO_OPT_G_INVALID,
	},
	{
		.name	= NULL,
	},
};

static const char *const xfer_names[] = {
	[NVME_KV_XFER_DEFAULT]		= "default",
	[NVME_KV_XFER_DPTR]		= "dptr",
	[NVME_KV_XFER_PIGGYBACK]	= "piggyback",
	[NVME_KV_XFER_PIGGYBACK_SERIAL]	= "piggyback_serial",
	[NVME_KV_XFER_APPEND]		= "append",
	[NVME_KV_XFER_AUTO]		= "auto",
};

/* a job's queue: iodepth operations in flight on io_uring */
struct nvmekv_fio_data {
	struct nvmekv_queue	*queue;
	int			fd;		/* the queue's file */
	unsigned int		xfer;
	unsigned int		store_options;
	struct nvmekv_op	**events;	/* of the last getevents */
};

/* per io_u: the operation it is, and its key */
struct nvmekv_fio_op {
	struct nvmekv_op	op;
	char			key[NVME_KV_KEY_MAX + 1];
};

static int nvmekv_fio_key(struct thread_data *td, struct io_u *io_u,
			  char *key)
{
	struct nvmekv_fio_options *o = td->eo;

	return snprintf(key, NVME_KV_KEY_MAX + 1, "%s%llx", o->key_prefix,
			(unsigned long long)io_u->offset);
}

static enum fio_q_status nvmekv_fio_queue(struct thread_data *td,
					  struct io_u *io_u)
{
	struct nvmekv_fio_data *d = td->io_ops_data;
	struct nvmekv_fio_op *fo = io_u->engine_data;
	struct nvmekv_fio_options *o = td->eo;
	struct nvmekv_op *op = &fo->op;
	int ret, klen;

	fio_ro_check(td, io_u);
	klen = nvmekv_fio_key(td, io_u, fo->key);
	if (klen > NVME_KV_KEY_MAX) {
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	if (io_u->ddir == DDIR_SYNC || io_u->ddir == DDIR_DATASYNC)
		return FIO_Q_COMPLETED;	/* every Store is durable when done */
	/* one queue, on the job's first file */
	if (!d->queue) {
		ret = nvmekv_queue_init(io_u->file->fd, td->o.iodepth,
					&d->queue);
		if (ret) {
			io_u->error = -ret;
			return FIO_Q_COMPLETED;
		}
		d->fd = io_u->file->fd;
	}
	if (io_u->file->fd != d->fd) {
		log_err("nvmekv: one file per job\n");
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}

	memset(op, 0, sizeof(*op));
	op->key = fo->key;
	op->key_len = klen;
	op->private = io_u;
	op->timeout_ms = o->timeout_ms;
	switch (io_u->ddir) {
	case DDIR_WRITE:
		op->opcode = NVME_KV_CMD_STORE;
		op->value = io_u->xfer_buf;
		op->value_len = io_u->xfer_buflen;
		op->xfer = d->xfer;
		op->options = d->store_options;
		break;
	case DDIR_READ:
		op->opcode = NVME_KV_CMD_RETRIEVE;
		op->value = io_u->xfer_buf;
		op->value_len = io_u->xfer_buflen;
		break;
	case DDIR_TRIM:
		op->opcode = NVME_KV_CMD_DELETE;
		break;
	default:
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	ret = nvmekv_queue_submit(d->queue, op);
	if (ret == -EBUSY)
		return FIO_Q_BUSY;
	if (ret) {
		io_u->error = -ret;
		return FIO_Q_COMPLETED;
	}
	return FIO_Q_QUEUED;
}

static int nvmekv_fio_commit(struct thread_data *td)
{
	struct nvmekv_fio_data *d = td->io_ops_data;
	int ret;

	if (!d->queue)
		return 0;
	ret = nvmekv_queue_commit(d->queue);
	return ret < 0 ? ret : 0;
}

/* the outcome of a completed operation, as fio counts it */
static void nvmekv_fio_done(struct io_u *io_u, struct nvmekv_op *op)
{
	io_u->error = 0;
	io_u->resid = 0;
	switch (op->opcode) {
	case NVME_KV_CMD_RETRIEVE:
		/*
		 * A value shorter than the buffer is a whole read of that key
		 * (Retrieve zero-fills the rest): no resid, which would have
		 * fio read the rest at another offset, that is another key.
		 */
		if (op->error)
			io_u->error = -op->error;
		break;
	case NVME_KV_CMD_DELETE:
		if (op->error && op->error != -ENOENT)
			io_u->error = -op->error;
		break;
	default:
		if (op->error)
			io_u->error = -op->error;
	}
}

static int nvmekv_fio_getevents(struct thread_data *td, unsigned int min,
				unsigned int max, const struct timespec *t)
{
	struct nvmekv_fio_data *d = td->io_ops_data;
	int n, i;

	if (!d->queue)
		return 0;
	n = nvmekv_queue_reap(d->queue, min, t, d->events, max);
	for (i = 0; i < n; i++)
		nvmekv_fio_done(d->events[i]->private, d->events[i]);
	return n;
}

static struct io_u *nvmekv_fio_event(struct thread_data *td, int event)
{
	struct nvmekv_fio_data *d = td->io_ops_data;

	return d->events[event]->private;
}

static int nvmekv_fio_io_u_init(struct thread_data *td, struct io_u *io_u)
{
	io_u->engine_data = calloc(1, sizeof(struct nvmekv_fio_op));
	return io_u->engine_data ? 0 : 1;
}

static void nvmekv_fio_io_u_free(struct thread_data *td, struct io_u *io_u)
{
	free(io_u->engine_data);
	io_u->engine_data = NULL;
}

static void nvmekv_fio_cleanup(struct thread_data *td)
{
	struct nvmekv_fio_data *d = td->io_ops_data;

	if (!d)
		return;
	nvmekv_queue_free(d->queue);
	free(d->events);
	free(d);
	td->io_ops_data = NULL;
}

static int nvmekv_fio_init(struct thread_data *td)
{
	struct nvmekv_fio_options *o = td->eo;
	struct nvmekv_fio_data *d;
	unsigned int x;

	if (!o->key_prefix || strlen(o->key_prefix) > 4) {
		log_err("nvmekv: kv_key_prefix must be at most 4 bytes\n");
		return 1;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return 1;
	d->fd = -1;
	d->events = calloc(td->o.iodepth, sizeof(*d->events));
	if (!d->events) {
		free(d);
		return 1;
	}
	td->io_ops_data = d;
	for (x = 0; x < sizeof(xfer_names) / sizeof(xfer_names[0]); x++)
		if (o->xfer && !strcmp(o->xfer, xfer_names[x]))
			break;
	if (x == sizeof(xfer_names) / sizeof(xfer_names[0])) {
		log_err("nvmekv: kv_xfer=%s is none of default, dptr, piggyback, piggyback_serial, append, auto\n",
			o->xfer ? o->xfer : "");
		return 1;
	}
	d->xfer = x;
	if (!o->store_if || !strcmp(o->store_if, "always")) {
		d->store_options = 0;
	} else if (!strcmp(o->store_if, "exists")) {
		d->store_options = NVME_KV_STORE_SIKE;
	} else if (!strcmp(o->store_if, "absent")) {
		d->store_options = NVME_KV_STORE_SINKE;
	} else {
		log_err("nvmekv: kv_store_if=%s is none of always, exists, absent\n",
			o->store_if);
		return 1;
	}
	return 0;
}

static int nvmekv_fio_open(struct thread_data *td, struct fio_file *f)
{
	struct nvme_kv_identify id;
	int ret;

	f->fd = nvmekv_open(f->file_name);
	if (f->fd < 0) {
		ret = -f->fd;
		f->fd = -1;
		td_verror(td, ret, "open");
		return 1;
	}
	ret = nvmekv_identify(f->fd, &id);
	if (ret) {
		log_err("nvmekv: %s is not a KV namespace of nvme-kv: %s\n",
			f->file_name, strerror(-ret));
		close(f->fd);
		f->fd = -1;
		td_verror(td, -ret, "identify");
		return 1;
	}
	if (td_write(td) && td->o.max_bs[DDIR_WRITE] > id.max_value_len) {
		log_err("nvmekv: block size %llu exceeds the value limit %u of %s\n",
			td->o.max_bs[DDIR_WRITE], id.max_value_len, f->file_name);
		close(f->fd);
		f->fd = -1;
		td_verror(td, EFBIG, "bs");
		return 1;
	}
	return 0;
}

static int nvmekv_fio_close(struct thread_data *td, struct fio_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	return 0;
}

/* the key space is what "size" says; a KV namespace has no byte size */
static int nvmekv_fio_get_file_size(struct thread_data *td,
				    struct fio_file *f)
{
	if (!td->o.size) {
		log_err("nvmekv: set size= (the key space in bytes)\n");
		return 1;
	}
	f->real_file_size = td->o.size;
	fio_file_set_size_known(f);
	return 0;
}

struct ioengine_ops ioengine = {
	.name			= "nvmekv",
	.version		= FIO_IOOPS_VERSION,
	.flags			= FIO_DISKLESSIO | FIO_NOEXTEND,
	.init			= nvmekv_fio_init,
	.cleanup		= nvmekv_fio_cleanup,
	.queue			= nvmekv_fio_queue,
	.commit			= nvmekv_fio_commit,
	.getevents		= nvmekv_fio_getevents,
	.event			= nvmekv_fio_event,
	.io_u_init		= nvmekv_fio_io_u_init,
	.io_u_free		= nvmekv_fio_io_u_free,
	.open_file		= nvmekv_fio_open,
	.close_file		= nvmekv_fio_close,
	.get_file_size		= nvmekv_fio_get_file_size,
	.options		= options,
	.option_struct_size	= sizeof(struct nvmekv_fio_options),
};
