// SPDX-License-Identifier: GPL-2.0
/*
 * fio external ioengine for NVMe Key Value namespaces bound by nvme-kv:
 *
 *   ioengine=external:/usr/lib/<triplet>/fio/fio-nvmekv.so (fio-nvmekv)
 *   filename=/dev/kv0n1  size=64m  bs=64  (or bssplit=...)  rw=randrw
 *
 * Each I/O is one KV command on the key "<kv_key_prefix><offset in hex>":
 * a write is a Store of the I/O's bytes (the value size is the I/O size, so
 * bs/bssplit/bsrange choose value sizes), a read is a Retrieve into the I/O
 * buffer, a trim is a Delete.  Reading a key that was never stored fails
 * the I/O with ENOENT, so read jobs need a write pass first (verify jobs
 * do that themselves).  "size" is the key space in bytes; it is required.
 *
 * Built against Debian's fio source (scripts/fio-engine.sh), since an
 * external engine must match the fio binary's ioengine_ops version.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fio.h"
#include "optgroup.h"
#include "nvmekv.h"

struct nvmekv_fio_options {
	void	*pad;		/* an option at offset 0 cannot be parsed */
	char	*key_prefix;
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
		.name	= NULL,
	},
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
	char key[NVME_KV_KEY_MAX + 1];
	int fd = io_u->file->fd, ret, klen;
	size_t len = 0;
	uint16_t st;

	fio_ro_check(td, io_u);
	klen = nvmekv_fio_key(td, io_u, key);
	if (klen > NVME_KV_KEY_MAX) {
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}

	switch (io_u->ddir) {
	case DDIR_WRITE:
		ret = nvmekv_store(fd, key, klen, io_u->xfer_buf,
				   io_u->xfer_buflen, 0, &st);
		break;
	case DDIR_READ:
		ret = nvmekv_retrieve(fd, key, klen, io_u->xfer_buf,
				      io_u->xfer_buflen, &len, 0, &st);
		/* a shorter value leaves the rest of the buffer unread */
		if (!ret && len < io_u->xfer_buflen)
			io_u->resid = io_u->xfer_buflen - len;
		break;
	case DDIR_TRIM:
		ret = nvmekv_delete(fd, key, klen, &st);
		if (ret == -ENOENT)
			ret = 0;
		break;
	default:
		ret = 0;	/* sync: every Store is durable when it completes */
		break;
	}
	if (ret)
		io_u->error = -ret;
	return FIO_Q_COMPLETED;
}

static int nvmekv_fio_init(struct thread_data *td)
{
	struct nvmekv_fio_options *o = td->eo;

	if (!o->key_prefix || strlen(o->key_prefix) > 4) {
		log_err("nvmekv: kv_key_prefix must be at most 4 bytes\n");
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
	.flags			= FIO_SYNCIO | FIO_DISKLESSIO | FIO_NOEXTEND,
	.init			= nvmekv_fio_init,
	.queue			= nvmekv_fio_queue,
	.open_file		= nvmekv_fio_open,
	.close_file		= nvmekv_fio_close,
	.get_file_size		= nvmekv_fio_get_file_size,
	.options		= options,
	.option_struct_size	= sizeof(struct nvmekv_fio_options),
};
