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

int nvmekv_open(const char *path);
int nvmekv_close(int fd);

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

/* Name of an NVMe status as the KV command set defines it. */
const char *nvmekv_status_name(uint16_t status);

#ifdef __cplusplus
}
#endif

#endif /* NVMEKV_H */
