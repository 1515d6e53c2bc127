// SPDX-License-Identifier: GPL-2.0
/*
 * The settings of a KV namespace, as a configfs group: once the namespace's
 * csi is 1, the administrator makes it with "mkdir namespaces/N/kv" (nvmet
 * calls nvmet_kv_make_ns_group()), and it holds one attribute per field of
 * struct kv_params, named as the field.  A new group starts from the module
 * parameters of the moment; a namespace without a group uses the module
 * parameters of the moment it is enabled.
 *
 * Locking: an attribute is read and written under ns->subsys->lock, which
 * nvmet also holds while it enables the namespace, so the enable reads one
 * consistent set (nvmet_kv_ns_group_params()) and a write never changes a
 * setting in use: it fails with -EBUSY while the namespace is enabled.
 * Lifetimes: the group is a configfs child of the namespace's item and holds
 * a reference on it, so kg->ns is valid for as long as the group is; an
 * enabled namespace pins the group (nvmet_iocs_ns_enable()), and configfs
 * fences a running attribute store before it drops the group.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include "nvmet.h"
#include "kv_configfs.h"

/**
 * struct nvmet_kv_ns_group - the configfs group "kv" of a KV namespace
 * @group:	the group, a child of the namespace's item
 * @ns:		the namespace
 * @params:	its settings (ns->subsys->lock)
 */
struct nvmet_kv_ns_group {
	struct config_group	group;
	struct nvmet_ns		*ns;
	struct kv_params	params;
};

static struct nvmet_kv_ns_group *to_kv_ns_group(struct config_item *item)
{
	return container_of(to_config_group(item), struct nvmet_kv_ns_group,
			    group);
}

static ssize_t nvmet_kv_param_show(struct config_item *item, char *page,
				   const char *name)
{
	struct nvmet_kv_ns_group *kg = to_kv_ns_group(item);
	u32 val;
	int ret;

	mutex_lock(&kg->ns->subsys->lock);
	ret = kv_param_value(name, &kg->params, &val);
	mutex_unlock(&kg->ns->subsys->lock);
	if (ret)
		return ret;
	return sysfs_emit(page, "%u\n", val);
}

static ssize_t nvmet_kv_param_store(struct config_item *item,
				    const char *page, size_t count,
				    const char *name)
{
	struct nvmet_kv_ns_group *kg = to_kv_ns_group(item);
	struct nvmet_ns *ns = kg->ns;
	int ret;

	mutex_lock(&ns->subsys->lock);
	if (ns->enabled) {
		pr_err("disable ns %u before changing its kv settings.\n",
		       ns->nsid);
		ret = -EBUSY;
		goto out_unlock;
	}
	/* changes the setting only if the value is valid */
	ret = kv_parse_param(name, page, count, &kg->params);
out_unlock:
	mutex_unlock(&ns->subsys->lock);
	return ret ? ret : count;
}

#define NVMET_KV_PARAM_ATTR(_name)					\
static ssize_t nvmet_kv_##_name##_show(struct config_item *item,	\
				       char *page)			\
{									\
	return nvmet_kv_param_show(item, page, #_name);			\
}									\
static ssize_t nvmet_kv_##_name##_store(struct config_item *item,	\
					const char *page, size_t count)	\
{									\
	return nvmet_kv_param_store(item, page, count, #_name);		\
}									\
CONFIGFS_ATTR(nvmet_kv_, _name)

NVMET_KV_PARAM_ATTR(max_value_len);
NVMET_KV_PARAM_ATTR(group_commit);
NVMET_KV_PARAM_ATTR(group_commit_delay_us);
NVMET_KV_PARAM_ATTR(reassembly_cap);
NVMET_KV_PARAM_ATTR(reassembly_timeout_ms);
NVMET_KV_PARAM_ATTR(cache_slots);
NVMET_KV_PARAM_ATTR(cache_block_slots);
NVMET_KV_PARAM_ATTR(cache_lease_ms);
NVMET_KV_PARAM_ATTR(cache_block_nsid);
NVMET_KV_PARAM_ATTR(cache_host_fills);
NVMET_KV_PARAM_ATTR(truncate_damaged_log);

static struct configfs_attribute *nvmet_kv_ns_group_attrs[] = {
	&nvmet_kv_attr_max_value_len,
	&nvmet_kv_attr_group_commit,
	&nvmet_kv_attr_group_commit_delay_us,
	&nvmet_kv_attr_reassembly_cap,
	&nvmet_kv_attr_reassembly_timeout_ms,
	&nvmet_kv_attr_cache_slots,
	&nvmet_kv_attr_cache_block_slots,
	&nvmet_kv_attr_cache_lease_ms,
	&nvmet_kv_attr_cache_block_nsid,
	&nvmet_kv_attr_cache_host_fills,
	&nvmet_kv_attr_truncate_damaged_log,
	NULL,
};

static void nvmet_kv_ns_group_release(struct config_item *item)
{
	kfree(to_kv_ns_group(item));
}

static struct configfs_item_operations nvmet_kv_ns_group_item_ops = {
	.release	= nvmet_kv_ns_group_release,
};

static const struct config_item_type nvmet_kv_ns_group_type = {
	.ct_item_ops	= &nvmet_kv_ns_group_item_ops,
	.ct_attrs	= nvmet_kv_ns_group_attrs,
	.ct_owner	= THIS_MODULE,
};

/**
 * nvmet_kv_make_ns_group() - make the settings group of a KV namespace
 * @ns:		the namespace, whose csi is 1
 * @name:	the directory the administrator makes; only "kv" is taken
 *
 * nvmet's make_ns_group callback: called from configfs mkdir in the
 * namespace's directory, with configfs's locks held and not subsys->lock;
 * may sleep.  The settings start from the module parameters.
 *
 * Return: the group, or ERR_PTR(-EINVAL) for another name,
 * ERR_PTR(-ENOMEM).
 */
struct config_group *nvmet_kv_make_ns_group(struct nvmet_ns *ns,
					    const char *name)
{
	struct nvmet_kv_ns_group *kg;

	if (strcmp(name, "kv"))
		return ERR_PTR(-EINVAL);
	kg = kzalloc(sizeof(*kg), GFP_KERNEL);
	if (!kg)
		return ERR_PTR(-ENOMEM);
	kg->ns = ns;
	nvmet_kv_default_params(&kg->params);
	config_group_init_type_name(&kg->group, name, &nvmet_kv_ns_group_type);
	return &kg->group;
}

/**
 * nvmet_kv_ns_group_params() - the settings a namespace's group holds
 * @group:	a group nvmet_kv_make_ns_group() made
 * @params:	its settings, on return
 *
 * Called with the namespace's subsys->lock held.
 */
void nvmet_kv_ns_group_params(struct config_group *group,
			      struct kv_params *params)
{
	*params = to_kv_ns_group(&group->cg_item)->params;
}
