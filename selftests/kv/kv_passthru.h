/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw KV commands through the generic NVMe char device (/dev/ngXnY) and
 * admin commands through the controller (/dev/nvmeX), for tests that must
 * reach the target without the nvme-kv driver in between.
 */
#ifndef SELFTESTS_KV_PASSTHRU_H
#define SELFTESTS_KV_PASSTHRU_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nvme_ioctl.h>
#include <linux/nvme_kv.h>

/*
 * Send a 64-byte SQE as built by the caller.  The generic passthrough ioctl
 * cannot set MPTR (SQE bytes 16-23): the kernel uses its field as the
 * metadata buffer, so those bytes reach the controller as zero.
 */
static inline int kvp_raw(int fd, const uint8_t *sqe, void *buf,
			  uint32_t data_len, uint32_t *result)
{
	struct nvme_passthru_cmd64 c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.opcode = sqe[0];
	c.nsid = nvme_kv_get_le32(sqe + 4);
	c.cdw2 = nvme_kv_get_le32(sqe + 8);
	c.cdw3 = nvme_kv_get_le32(sqe + 12);
	c.cdw10 = nvme_kv_get_le32(sqe + 40);
	c.cdw11 = nvme_kv_get_le32(sqe + 44);
	c.cdw12 = nvme_kv_get_le32(sqe + 48);
	c.cdw13 = nvme_kv_get_le32(sqe + 52);
	c.cdw14 = nvme_kv_get_le32(sqe + 56);
	c.cdw15 = nvme_kv_get_le32(sqe + 60);
	c.addr = (uintptr_t)buf;
	c.data_len = data_len;
	ret = ioctl(fd, NVME_IOCTL_IO64_CMD, &c);
	if (ret < 0)
		return -errno;
	if (result)
		*result = (uint32_t)c.result;
	return ret & 0x7ff;
}

/*
 * Returns 0, the NVMe status (SCT << 8 | SC) of a failed command, or a
 * negative errno when the command did not reach the controller.
 */
static inline int kvp_io(int fd, uint32_t nsid, uint8_t opcode,
			 const void *key, uint8_t key_len, uint8_t options,
			 void *buf, uint32_t data_len, uint32_t size,
			 uint32_t *result)
{
	uint8_t sqe[NVME_KV_SQE_BYTES] = { 0 };

	sqe[NVME_KV_SQE_OPCODE] = opcode;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_NSID, nsid);
	/* a key length above 16 is sent as such; only 16 bytes are placed */
	nvme_kv_sqe_set_key(sqe, key, key_len > NVME_KV_KEY_MAX ?
			    NVME_KV_KEY_MAX : key_len);
	sqe[NVME_KV_SQE_KEY_LEN] = key_len;
	sqe[NVME_KV_SQE_OPTIONS] = options;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, size);
	return kvp_raw(fd, sqe, buf, data_len, result);
}

static inline int kvp_store(int fd, uint32_t nsid, const void *key,
			    uint8_t key_len, const void *value, uint32_t len,
			    uint8_t options)
{
	return kvp_io(fd, nsid, NVME_KV_CMD_STORE, key, key_len, options,
		      (void *)value, len, len, NULL);
}

static inline int kvp_retrieve(int fd, uint32_t nsid, const void *key,
			       uint8_t key_len, void *buf, uint32_t len,
			       uint32_t *value_len)
{
	return kvp_io(fd, nsid, NVME_KV_CMD_RETRIEVE, key, key_len, 0, buf,
		      len, len, value_len);
}

static inline int kvp_delete(int fd, uint32_t nsid, const void *key,
			     uint8_t key_len)
{
	return kvp_io(fd, nsid, NVME_KV_CMD_DELETE, key, key_len, 0, NULL, 0,
		      0, NULL);
}

static inline int kvp_exist(int fd, uint32_t nsid, const void *key,
			    uint8_t key_len)
{
	return kvp_io(fd, nsid, NVME_KV_CMD_EXIST, key, key_len, 0, NULL, 0,
		      0, NULL);
}

/*
 * Admin command on the controller device moving @len bytes of @buf (0 and
 * NULL for none); its status, and its result in *@result if not NULL.
 */
static inline int kvp_admin(int fd, uint8_t opcode, uint32_t nsid,
			    uint32_t cdw10, uint32_t cdw11, uint32_t cdw14,
			    void *buf, uint32_t len, uint32_t *result)
{
	struct nvme_passthru_cmd c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.opcode = opcode;
	c.nsid = nsid;
	c.cdw10 = cdw10;
	c.cdw11 = cdw11;
	c.cdw14 = cdw14;
	c.addr = (uintptr_t)buf;
	c.data_len = len;
	ret = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c);
	if (result)
		*result = c.result;
	return ret < 0 ? -errno : ret & 0x7ff;
}

/* Admin command with a 4 KiB data-in buffer on the controller device. */
static inline int kvp_admin_in(int fd, uint8_t opcode, uint32_t nsid,
			       uint32_t cdw10, uint32_t cdw11, uint32_t cdw14,
			       void *buf)
{
	return kvp_admin(fd, opcode, nsid, cdw10, cdw11, cdw14, buf, 4096, NULL);
}

#endif
