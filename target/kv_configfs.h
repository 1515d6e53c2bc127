/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configfs group "kv" of a KV namespace: its settings, one attribute
 * each (kv_configfs.c).
 */
#ifndef NVMET_KV_CONFIGFS_H
#define NVMET_KV_CONFIGFS_H

#include <linux/configfs.h>
#include "kv_parse.h"

struct nvmet_ns;

/* the settings of a namespace that has no group: the module parameters */
void nvmet_kv_default_params(struct kv_params *params);

struct config_group *nvmet_kv_make_ns_group(struct nvmet_ns *ns,
					    const char *name);
void nvmet_kv_ns_group_params(struct config_group *group,
			      struct kv_params *params);

#endif /* NVMET_KV_CONFIGFS_H */
