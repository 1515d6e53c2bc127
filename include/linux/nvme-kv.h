/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel API of nvme-kv: KV commands on a bound KV namespace from other
 * kernel code.  Status codes, opcodes and option bits come from
 * <linux/nvme_kv.h>, which also lists the errors a command ends with.
 */
#ifndef _LINUX_NVME_KV_H
#define _LINUX_NVME_KV_H

#include <linux/types.h>
#include <linux/nvme_kv.h>

struct nvme_kv_ns;

/**
 * struct nvme_kv_request - one KV command for nvme_kv_submit()
 * @opcode:	NVME_KV_CMD_STORE, _RETRIEVE, _DELETE, _EXIST or _LIST
 * @key_len:	key length, NVME_KV_KEY_MIN..NVME_KV_KEY_MAX (List: 0 too)
 * @options:	NVME_KV_STORE_* or NVME_KV_RETRIEVE_* bits
 * @xfer:	Store: transfer method (enum nvme_kv_xfer), others 0.  A Store
 *		that goes by PIGGYBACK is complete, and @done called, before
 *		nvme_kv_submit() returns.
 * @key:	key bytes; bytes past @key_len must be 0
 * @buf:	kernel buffer (kmalloc() or vmalloc() memory, not the stack):
 *		Store: the value; Retrieve and List: the destination
 * @buf_len:	bytes at @buf (Delete and Exist: 0)
 * @timeout_ms:	timeout of each NVMe command sent, in milliseconds; 0 for
 *		nvme_core's io_timeout (see struct nvme_kv_cmd)
 * @done:	called once when the command has completed; may run in
 *		interrupt context and must not sleep.  The request is the
 *		caller's again from then on.
 * @private:	for the caller
 * @error:	out: 0 or a negative errno (see <linux/nvme_kv.h>)
 * @status:	out: NVMe status (SCT << 8 | SC), 0 on success
 * @result:	out: Dword 0 of the completion; Retrieve: the value size
 * @kvns:	set by nvme_kv_submit(), for nvme-kv's own use
 */
struct nvme_kv_request {
	u8		opcode;
	u8		key_len;
	u8		options;
	u8		xfer;
	u8		key[NVME_KV_KEY_MAX];
	void		*buf;
	u32		buf_len;
	u32		timeout_ms;
	void		(*done)(struct nvme_kv_request *req);
	void		*private;
	int		error;
	u16		status;
	u32		result;
	struct nvme_kv_ns *kvns;
};

struct nvme_kv_ns *nvme_kv_ns_get(const char *name);
void nvme_kv_ns_put(struct nvme_kv_ns *kvns);
u32 nvme_kv_max_value_len(struct nvme_kv_ns *kvns);

int nvme_kv_submit(struct nvme_kv_ns *kvns, struct nvme_kv_request *req);
int nvme_kv_execute(struct nvme_kv_ns *kvns, struct nvme_kv_request *req);

int nvme_kv_store(struct nvme_kv_ns *kvns, const void *key, u8 key_len,
		  const void *value, u32 len, u8 options);
int nvme_kv_retrieve(struct nvme_kv_ns *kvns, const void *key, u8 key_len,
		     void *buf, u32 len, u32 *value_len);
int nvme_kv_delete(struct nvme_kv_ns *kvns, const void *key, u8 key_len);
int nvme_kv_exist(struct nvme_kv_ns *kvns, const void *key, u8 key_len);
int nvme_kv_list(struct nvme_kv_ns *kvns, const void *start, u8 start_len,
		 void *buf, u32 len);

#endif /* _LINUX_NVME_KV_H */
