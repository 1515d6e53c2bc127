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

#ifdef __cplusplus
}
#endif

#endif /* NVMEKV_H */
