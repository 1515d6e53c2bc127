// SPDX-License-Identifier: GPL-2.0
/*
 * nvmet-kv: the NVMe Key Value command set (CSI 01h) for the Linux NVMe
 * target.  A KV namespace is an nvmet namespace whose configfs "csi" is 1;
 * nvmet loads this module for it on enable (alias nvmet-csi-1).
 *
 * Store and Retrieve move values through the data pointer.  Pairs are kept
 * in memory for now (kv_mem.c); the durable engine on the backing device
 * replaces it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include "nvmet.h"
#include "kv_parse.h"
#include "kv_mem.h"

static unsigned int max_value_len = 1024 * 1024;
module_param(max_value_len, uint, 0644);
MODULE_PARM_DESC(max_value_len,
		 "largest value a KV namespace enabled from now on accepts, in bytes (default 1 MiB)");

/**
 * struct nvmet_kv_ns - state of one enabled KV namespace (ns->iocs_data)
 * @max_value_len:	value limit, fixed when the namespace is enabled
 * @store:		the pairs
 */
struct nvmet_kv_ns {
	u32		max_value_len;
	struct kv_mem	store;
};

static inline struct nvmet_kv_ns *nvmet_kv_ns(struct nvmet_ns *ns)
{
	return ns->iocs_data;
}

/* Decode req->cmd, which nvmet_kv_parse_io_cmd() has validated already. */
static void nvmet_kv_decode(struct nvmet_req *req, struct kv_cmd *cmd)
{
	u16 loc;

	kv_parse_cmd((const u8 *)req->cmd, nvmet_kv_ns(req->ns)->max_value_len,
		     cmd, &loc);
}

static void nvmet_kv_execute_store(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	struct kv_cmd cmd;
	void *value;
	u16 status;

	nvmet_kv_decode(req, &cmd);
	if (!nvmet_check_transfer_len(req, cmd.size))
		return;

	value = kvmalloc(max_t(u32, cmd.size, 1), GFP_KERNEL);
	if (!value) {
		status = NVME_SC_INTERNAL;
		goto out;
	}
	status = nvmet_copy_from_sgl(req, 0, value, cmd.size);
	if (status)
		goto out_free;

	/* on success the store owns the buffer */
	status = kv_mem_store(&kns->store, &cmd, value);
	if (!status)
		goto out;
	req->error_loc = NVME_KV_SQE_KEY_LEN;
out_free:
	kvfree(value);
out:
	nvmet_req_complete(req, status);
}

static void nvmet_kv_execute_retrieve(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	struct kv_cmd cmd;
	u32 value_len;
	u16 status;

	nvmet_kv_decode(req, &cmd);
	if (!nvmet_check_transfer_len(req, cmd.size))
		return;

	status = kv_mem_retrieve(&kns->store, &cmd, req, &value_len);
	if (status)
		req->error_loc = NVME_KV_SQE_KEY_LO;
	else
		nvmet_set_result(req, value_len);
	nvmet_req_complete(req, status);
}

static u16 nvmet_kv_parse_io_cmd(struct nvmet_req *req)
{
	struct kv_cmd cmd;
	u16 status, loc = 0;

	status = kv_parse_cmd((const u8 *)req->cmd,
			      nvmet_kv_ns(req->ns)->max_value_len, &cmd, &loc);
	if (status) {
		req->error_loc = loc;
		return status | NVME_STATUS_DNR;
	}

	switch (cmd.opcode) {
	case NVME_KV_CMD_STORE:
		req->execute = nvmet_kv_execute_store;
		break;
	case NVME_KV_CMD_RETRIEVE:
		req->execute = nvmet_kv_execute_retrieve;
		break;
	}
	return 0;
}

static void nvmet_kv_identify_ns(struct nvmet_req *req)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(req->ns);
	struct nvme_kv_id_ns *id;
	u16 status;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id) {
		status = NVME_SC_INTERNAL;
		goto out;
	}

	id->nsze = cpu_to_le64(req->ns->size);
	id->nuse = cpu_to_le64(kv_mem_bytes(&kns->store));
	id->nkvf = 0;	/* one format, 0's based */
	id->nmic = NVME_NS_NMIC_SHARED;
	id->anagrpid = cpu_to_le32(req->ns->anagrpid);
	if (req->ns->readonly)
		id->nsattr |= NVME_NS_ATTR_RO;
	memcpy(id->nguid, req->ns->nguid, sizeof(id->nguid));
	id->kvf[0].kvkml = cpu_to_le16(NVME_KV_KEY_MAX);
	id->kvf[0].kvvml = cpu_to_le32(kns->max_value_len);

	status = nvmet_copy_to_sgl(req, 0, id, sizeof(*id));
	kfree(id);
out:
	nvmet_req_complete(req, status);
}

static void nvmet_kv_get_effects(struct nvme_effects_log *log)
{
	log->iocs[NVME_KV_CMD_STORE] =
		cpu_to_le32(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC);
	log->iocs[NVME_KV_CMD_RETRIEVE] = cpu_to_le32(NVME_CMD_EFFECTS_CSUPP);
}

/* Called by nvmet with subsys->lock held; may sleep. */
static int nvmet_kv_ns_enable(struct nvmet_ns *ns)
{
	struct nvmet_kv_ns *kns;

	kns = kzalloc(sizeof(*kns), GFP_KERNEL);
	if (!kns)
		return -ENOMEM;
	kns->max_value_len = READ_ONCE(max_value_len);
	kv_mem_init(&kns->store);
	ns->iocs_data = kns;
	pr_info("nsid %u: KV namespace on %s, values up to %u bytes\n",
		ns->nsid, ns->device_path, kns->max_value_len);
	return 0;
}

/* Called by nvmet with subsys->lock held, after all I/O has finished. */
static void nvmet_kv_ns_disable(struct nvmet_ns *ns)
{
	struct nvmet_kv_ns *kns = nvmet_kv_ns(ns);

	kv_mem_destroy(&kns->store);
	kfree(kns);
}

static const struct nvmet_iocs_ops nvmet_kv_iocs = {
	.csi		= NVME_KV_CSI,
	.owner		= THIS_MODULE,
	.ns_enable	= nvmet_kv_ns_enable,
	.ns_disable	= nvmet_kv_ns_disable,
	.parse_io_cmd	= nvmet_kv_parse_io_cmd,
	.identify_ns	= nvmet_kv_identify_ns,
	.get_effects	= nvmet_kv_get_effects,
};

static int __init nvmet_kv_init(void)
{
	BUILD_BUG_ON(sizeof(struct nvme_kv_id_ns) != NVME_IDENTIFY_DATA_SIZE);
	BUILD_BUG_ON(sizeof(struct nvme_command) != NVME_KV_SQE_BYTES);
	return nvmet_register_iocs(&nvmet_kv_iocs);
}

static void __exit nvmet_kv_exit(void)
{
	nvmet_unregister_iocs(&nvmet_kv_iocs);
}

module_init(nvmet_kv_init);
module_exit(nvmet_kv_exit);

MODULE_DESCRIPTION("NVMe target Key Value command set");
MODULE_LICENSE("GPL");
MODULE_ALIAS("nvmet-csi-1");
