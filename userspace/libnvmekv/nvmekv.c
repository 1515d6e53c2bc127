// SPDX-License-Identifier: LGPL-2.1-or-later
/* libnvmekv: see nvmekv.h */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "nvmekv.h"

/*
 * Read and write if the caller may; read-only otherwise, so that a reader
 * of a node it can only read still retrieves (writes then fail, EACCES).
 */
int nvmekv_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int nvmekv_close(int fd)
{
	return close(fd) ? -errno : 0;
}

/* per thread, so that threads sharing a descriptor choose their own */
static __thread unsigned int nvmekv_timeout_ms;

int nvmekv_set_timeout(unsigned int timeout_ms)
{
	nvmekv_timeout_ms = timeout_ms;
	return 0;
}

static int nvmekv_io(int fd, unsigned long req, const void *key,
		     size_t key_len, void *value, size_t value_len,
		     unsigned int options, uint32_t *result, uint16_t *status)
{
	struct nvme_kv_cmd c;
	int ret;

	if (status)
		*status = 0;
	if (key_len < NVME_KV_KEY_MIN || key_len > NVME_KV_KEY_MAX ||
	    value_len > UINT32_MAX || options > 0xff)
		return -EINVAL;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.key_len = key_len;
	c.options = options;
	memcpy(c.key, key, key_len);
	c.value = (uintptr_t)value;
	c.value_len = value_len;
	c.timeout_ms = nvmekv_timeout_ms;

	ret = ioctl(fd, req, &c) ? -errno : 0;
	if (status)
		*status = c.status;
	if (result)
		*result = c.result;
	return ret;
}

int nvmekv_store(int fd, const void *key, size_t key_len, const void *value,
		 size_t value_len, unsigned int options, uint16_t *status)
{
	return nvmekv_io(fd, NVME_KV_IOCTL_STORE, key, key_len, (void *)value,
			 value_len, options, NULL, status);
}

int nvmekv_retrieve(int fd, const void *key, size_t key_len, void *buf,
		    size_t buf_len, size_t *value_len, unsigned int options,
		    uint16_t *status)
{
	uint32_t result = 0;
	int ret;

	ret = nvmekv_io(fd, NVME_KV_IOCTL_RETRIEVE, key, key_len, buf, buf_len,
			options, &result, status);
	if (!ret && value_len)
		*value_len = result;
	return ret;
}

int nvmekv_retrieve_alloc(int fd, const void *key, size_t key_len,
			  void **value, size_t *value_len,
			  unsigned int options, uint16_t *status)
{
	size_t len = 4096, full;
	void *buf = NULL, *n;
	int ret;

	for (;;) {
		n = realloc(buf, len ? len : 1);
		if (!n) {
			free(buf);
			return -ENOMEM;
		}
		buf = n;
		ret = nvmekv_retrieve(fd, key, key_len, buf, len, &full,
				      options, status);
		if (ret) {
			free(buf);
			return ret;
		}
		if (full <= len)
			break;
		/* the value outgrew the buffer: ask again for all of it */
		len = full;
	}
	*value = buf;
	*value_len = full;
	return 0;
}

int nvmekv_delete(int fd, const void *key, size_t key_len, uint16_t *status)
{
	return nvmekv_io(fd, NVME_KV_IOCTL_DELETE, key, key_len, NULL, 0, 0,
			 NULL, status);
}

int nvmekv_exist(int fd, const void *key, size_t key_len, uint16_t *status)
{
	return nvmekv_io(fd, NVME_KV_IOCTL_EXIST, key, key_len, NULL, 0, 0,
			 NULL, status);
}

int nvmekv_list(int fd, const void *start, size_t start_len, void *buf,
		size_t buf_len, uint16_t *status)
{
	struct nvme_kv_cmd c;
	int ret;

	if (status)
		*status = 0;
	if (start_len > NVME_KV_KEY_MAX || buf_len < 4 ||
	    buf_len > UINT32_MAX)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.key_len = start_len;
	if (start_len)
		memcpy(c.key, start, start_len);
	c.value = (uintptr_t)buf;
	c.value_len = buf_len;
	c.timeout_ms = nvmekv_timeout_ms;
	ret = ioctl(fd, NVME_KV_IOCTL_LIST, &c) ? -errno : 0;
	if (status)
		*status = c.status;
	return ret;
}

int nvmekv_list_iter_init(struct nvmekv_list_iter *it, const void *buf,
			  size_t len)
{
	memset(it, 0, sizeof(*it));
	if (len < 4)
		return -EBADMSG;
	it->buf = buf;
	it->len = len;
	it->pos = 4;
	it->left = nvme_kv_get_le32(buf);
	return 0;
}

int nvmekv_list_next(struct nvmekv_list_iter *it, const uint8_t **key,
		     size_t *key_len)
{
	size_t kl, entry;

	if (!it->left)
		return 0;
	if (it->len - it->pos < 2)
		return -EBADMSG;
	kl = (size_t)it->buf[it->pos] | (size_t)it->buf[it->pos + 1] << 8;
	if (!kl || kl > NVME_KV_KEY_MAX)
		return -EBADMSG;
	/* the last entry's padding may be cut off by the buffer's end */
	entry = 2 + kl + (4 - (2 + kl) % 4) % 4;
	if (2 + kl > it->len - it->pos)
		return -EBADMSG;
	*key = it->buf + it->pos + 2;
	*key_len = kl;
	it->pos += entry < it->len - it->pos ? entry : it->len - it->pos;
	it->left--;
	return 1;
}

int nvmekv_list_all(int fd, const void *start, size_t start_len,
		    size_t limit,
		    int (*fn)(const uint8_t *key, size_t key_len, void *arg),
		    void *arg, uint16_t *status)
{
	enum { LIST_BUF = 65536 };
	uint8_t *buf, from[NVME_KV_KEY_MAX];
	size_t from_len = start_len, done = 0, kl = 0, idx, fresh;
	struct nvmekv_list_iter it;
	const uint8_t *key = NULL;
	int ret, follow_up = 0;

	if (start_len > NVME_KV_KEY_MAX || (start_len && !start))
		return -EINVAL;
	buf = malloc(LIST_BUF);
	if (!buf)
		return -ENOMEM;
	if (start_len)
		memcpy(from, start, start_len);
	for (;;) {
		ret = nvmekv_list(fd, from, from_len, buf, LIST_BUF, status);
		if (ret)
			goto out;
		ret = nvmekv_list_iter_init(&it, buf, LIST_BUF);
		if (ret)
			goto out;
		idx = 0;
		fresh = 0;
		while ((ret = nvmekv_list_next(&it, &key, &kl)) == 1) {
			/* a follow-up List starts with the last key seen */
			if (follow_up && idx++ == 0 && kl == from_len &&
			    !memcmp(key, from, kl))
				continue;
			fresh++;
			ret = fn(key, kl, arg);
			if (ret)
				goto out;
			if (limit && ++done == limit)
				goto out;
		}
		if (ret)
			goto out;	/* malformed */
		/* nothing new since the last List: the end of the keys */
		if (!fresh)
			goto out;
		memcpy(from, key, kl);
		from_len = kl;
		follow_up = 1;
	}
out:
	free(buf);
	return ret;
}

int nvmekv_identify(int fd, struct nvme_kv_identify *id)
{
	memset(id, 0, sizeof(*id));
	id->argsz = sizeof(*id);
	return ioctl(fd, NVME_KV_IOCTL_IDENTIFY, id) ? -errno : 0;
}

int nvmekv_batch(int fd, struct nvme_kv_batch_op *ops, unsigned int nr)
{
	struct nvme_kv_batch b;

	memset(&b, 0, sizeof(b));
	b.argsz = sizeof(b);
	b.nr_ops = nr;
	b.op_size = sizeof(*ops);
	b.ops = (uintptr_t)ops;
	b.timeout_ms = nvmekv_timeout_ms;
	return ioctl(fd, NVME_KV_IOCTL_BATCH, &b) ? -errno : 0;
}

const char *nvmekv_status_name(uint16_t status)
{
	unsigned int sct = NVME_KV_STATUS_SCT(status);
	unsigned int sc = NVME_KV_STATUS_SC(status);

	if (status == 0)
		return "success";
	if (sct <= 1) {
		switch (sc) {
		case NVME_KV_SC_CAPACITY_EXCEEDED:
			return "capacity exceeded";
		case NVME_KV_SC_NS_NOT_READY:
			return "namespace not ready";
		case NVME_KV_SC_RESERVATION_CONFLICT:
			return "reservation conflict";
		case NVME_KV_SC_FORMAT_IN_PROGRESS:
			return "format in progress";
		case NVME_KV_SC_INVALID_VALUE_SIZE:
			return "invalid value size";
		case NVME_KV_SC_INVALID_KEY_SIZE:
			return "invalid key size";
		case NVME_KV_SC_KEY_NOT_EXISTS:
			return "key does not exist";
		case NVME_KV_SC_UNRECOVERED_ERROR:
			return "unrecovered error";
		case NVME_KV_SC_KEY_EXISTS:
			return "key exists";
		}
	}
	if (sct == 0 && sc == NVME_KV_SC_INVALID_OPCODE)
		return "invalid command opcode";
	if (sct == 0 && sc == NVME_KV_SC_INVALID_FIELD)
		return "invalid field in command";
	/* path related statuses the host itself sets (nvme_cancel_request) */
	if (sct == 3 && sc == 0x70)
		return "host pathing error";
	if (sct == 3 && sc == 0x71)
		return "command aborted by host";
	return "NVMe error";
}
