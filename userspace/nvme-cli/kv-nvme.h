/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nvme-cli plugin "kv": the NVMe Key Value command set through passthrough
 * commands on the generic char device /dev/ngXnY (no nvme-kv.ko needed).
 * Built into nvme-cli by scripts/nvme-cli.sh.
 */
#undef CMD_INC_FILE
#define CMD_INC_FILE plugins/kv/kv-nvme

#if !defined(KV_NVME) || defined(CMD_HEADER_MULTI_READ)
#define KV_NVME

#include "cmd.h"

PLUGIN(NAME("kv", "NVMe Key Value Command Set", NVME_VERSION),
	COMMAND_LIST(
		ENTRY("store", "Store a value under a key", kv_store)
		ENTRY("retrieve", "Retrieve the value stored under a key", kv_retrieve)
		ENTRY("delete", "Delete a key and its value", kv_delete)
		ENTRY("exist", "Tell whether a key exists", kv_exist)
		ENTRY("list", "List the keys from a start key on", kv_list)
		ENTRY("id-ns", "KV Identify Namespace (CNS 05h, CSI 01h)", kv_id_ns)
	)
);

#endif

#include "define_cmd.h"
