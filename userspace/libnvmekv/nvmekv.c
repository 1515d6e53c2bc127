// SPDX-License-Identifier: LGPL-2.1-or-later
/* libnvmekv: see nvmekv.h */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "nvmekv.h"

int nvmekv_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int nvmekv_close(int fd)
{
	return close(fd) ? -errno : 0;
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
	return "NVMe error";
}
