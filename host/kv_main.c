// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-kv: the NVMe Key Value command set (CSI 01h) on the stock Linux NVMe
 * host stack, over any transport.
 *
 * nvme-core sets up a namespace of a command set it does not know with only
 * a generic char device (/dev/ngXnY).  This driver finds such namespaces
 * with CSI 01h through the controllers' char devices, and gives each one a
 * /dev/kv<ctrl>n<nsid> whose ioctls (uapi/linux/nvme_kv.h) run KV commands
 * as driver-private passthrough requests on the namespace's request queue.
 *
 * Locking and lifetime:
 *  - nvme_kv_lock (mutex) protects nvme_kv_namespaces and serialises
 *    binding and unbinding.  It is taken before any kvns->io_sem.
 *  - kvns->io_sem is held for read by every command in flight and for
 *    write by unbind, which marks the binding dead; commands check
 *    kvns->dead under it, so none is sent on a released namespace.
 *  - A binding holds the controller's char device open (which pins the
 *    controller and its transport module) and a reference on the nvme_ns.
 *  - struct nvme_kv_ns lives until the last put of its device: the binding
 *    holds one reference and every open file another.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/blk-mq.h>
#include <linux/nvme_kv.h>
#include "nvme.h"

#define NVME_KV_MINORS		BIT(MINORBITS)

static unsigned int max_ctrls = 256;
module_param(max_ctrls, uint, 0644);
MODULE_PARM_DESC(max_ctrls, "controllers /dev/nvme0../dev/nvme<max_ctrls-1> looked at by a scan");

/**
 * struct nvme_kv_ns - a bound KV namespace
 * @entry:		in nvme_kv_namespaces, under nvme_kv_lock
 * @ctrl_file:		the controller's char device, held open while bound
 * @ctrl:		the controller
 * @ns:			the namespace, referenced while bound
 * @nsid:		namespace ID
 * @max_value_len:	KVVML of the namespace's KV format 0
 * @io_sem:		see the locking notes at the top of this file
 * @dead:		set under @io_sem (write) when the binding goes away
 * @cdev:		char device /dev/kv<ctrl>n<nsid>
 * @cdev_device:	its device; the last put frees the structure
 */
struct nvme_kv_ns {
	struct list_head	entry;
	struct file		*ctrl_file;
	struct nvme_ctrl	*ctrl;
	struct nvme_ns		*ns;
	u32			nsid;
	u32			max_value_len;
	struct rw_semaphore	io_sem;
	bool			dead;
	struct cdev		cdev;
	struct device		cdev_device;
};

static DEFINE_MUTEX(nvme_kv_lock);
static LIST_HEAD(nvme_kv_namespaces);
static bool nvme_kv_exiting;	/* under nvme_kv_lock: no new bindings */
static DEFINE_IDA(nvme_kv_minor_ida);
static dev_t nvme_kv_chr_devt;

/* Map an NVMe status (SCT << 8 | SC) to the errno an ioctl returns. */
static int nvme_kv_status_to_errno(u16 status)
{
	u8 sct = NVME_KV_STATUS_SCT(status), sc = NVME_KV_STATUS_SC(status);

	/* KV status codes arrive with SCT 0h or 1h depending on the target */
	if (sct <= 1 && sc >= NVME_KV_SC_CAPACITY_EXCEEDED) {
		switch (sc) {
		case NVME_KV_SC_CAPACITY_EXCEEDED:
			return -ENOSPC;
		case NVME_KV_SC_NS_NOT_READY:
			return -EAGAIN;
		case NVME_KV_SC_RESERVATION_CONFLICT:
			return -EACCES;
		case NVME_KV_SC_FORMAT_IN_PROGRESS:
			return -EBUSY;
		case NVME_KV_SC_INVALID_VALUE_SIZE:
			return -EFBIG;
		case NVME_KV_SC_INVALID_KEY_SIZE:
			return -EINVAL;
		case NVME_KV_SC_KEY_NOT_EXISTS:
			return -ENOENT;
		case NVME_KV_SC_KEY_EXISTS:
			return -EEXIST;
		}
		return -EIO;
	}
	if (sct == 0 && sc == NVME_KV_SC_INVALID_OPCODE)
		return -EOPNOTSUPP;
	if (sct == 0 && sc == NVME_KV_SC_INVALID_FIELD)
		return -EINVAL;
	return -EIO;
}

/*
 * Run one KV command on the namespace and wait for it.  @ubuf/@len is the
 * user data buffer, if any.  Returns 0, a negative errno for a command that
 * failed on the host side, or the errno matching the NVMe status, which is
 * then also stored in *@status.  Called with kvns->io_sem held for read.
 */
static int nvme_kv_execute(struct nvme_kv_ns *kvns, struct nvme_command *cmd,
			   void __user *ubuf, u32 len, u32 *result, u16 *status)
{
	struct request_queue *q = kvns->ns->queue;
	struct request *rq;
	struct bio *bio = NULL;
	int ret;

	*status = 0;
	*result = 0;
	rq = blk_mq_alloc_request(q, nvme_req_op(cmd), 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	nvme_init_request(rq, cmd);

	if (len) {
		ret = blk_rq_map_user(q, rq, NULL, ubuf, len, GFP_KERNEL);
		if (ret)
			goto out_free;
		bio = rq->bio;
	}

	ret = nvme_execute_rq(rq, false);
	*result = le32_to_cpu(nvme_req(rq)->result.u32);
	if (bio)
		blk_rq_unmap_user(bio);
	if (ret > 0) {
		*status = ret & NVME_SCT_SC_MASK;
		ret = nvme_kv_status_to_errno(*status);
	}
out_free:
	blk_mq_free_request(rq);
	return ret;
}

static bool nvme_kv_ctrl_gone(struct nvme_ctrl *ctrl)
{
	switch (nvme_ctrl_state(ctrl)) {
	case NVME_CTRL_DELETING:
	case NVME_CTRL_DELETING_NOIO:
	case NVME_CTRL_DEAD:
		return true;
	default:
		return false;
	}
}

static bool nvme_kv_ns_gone(struct nvme_kv_ns *kvns)
{
	return nvme_kv_ctrl_gone(kvns->ctrl) ||
	       test_bit(NVME_NS_REMOVING, &kvns->ns->flags);
}

/* Validate an ioctl argument; the checks do not depend on the namespace. */
static int nvme_kv_check_cmd(const struct nvme_kv_cmd *kc, u8 opcode)
{
	u8 allowed = 0;

	if (opcode == NVME_KV_CMD_STORE)
		allowed = NVME_KV_STORE_OPTIONS;
	else if (opcode == NVME_KV_CMD_RETRIEVE)
		allowed = NVME_KV_RETRIEVE_OPTIONS;
	else if (kc->value || kc->value_len)
		return -EINVAL;	/* Delete and Exist move no data */

	if (kc->flags || kc->rsvd0 || kc->rsvd1 || kc->result || kc->status ||
	    memchr_inv(kc->rsvd2, 0, sizeof(kc->rsvd2)))
		return -EINVAL;
	if (kc->key_len < NVME_KV_KEY_MIN || kc->key_len > NVME_KV_KEY_MAX ||
	    memchr_inv(kc->key + kc->key_len, 0, NVME_KV_KEY_MAX - kc->key_len))
		return -EINVAL;
	if (kc->options & ~allowed)
		return -EINVAL;
	if (opcode == NVME_KV_CMD_STORE &&
	    (kc->options & NVME_KV_STORE_SIKE) &&
	    (kc->options & NVME_KV_STORE_SINKE))
		return -EINVAL;
	return 0;
}

static int nvme_kv_ioctl_io(struct nvme_kv_ns *kvns, u8 opcode,
			    void __user *argp)
{
	struct nvme_kv_cmd kc;
	struct nvme_command cmd = { };
	u8 *sqe = (u8 *)&cmd;
	u32 argsz;
	int ret;

	if (get_user(argsz, (u32 __user *)argp))
		return -EFAULT;
	if (argsz < sizeof(kc))
		return -EINVAL;
	ret = copy_struct_from_user(&kc, sizeof(kc), argp, argsz);
	if (ret)
		return ret == -E2BIG ? -EINVAL : ret;
	ret = nvme_kv_check_cmd(&kc, opcode);
	if (ret)
		return ret;

	sqe[NVME_KV_SQE_OPCODE] = opcode;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_NSID, kvns->nsid);
	nvme_kv_sqe_set_key(sqe, kc.key, kc.key_len);
	nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, kc.value_len);
	sqe[NVME_KV_SQE_OPTIONS] = kc.options;

	down_read(&kvns->io_sem);
	if (kvns->dead || nvme_kv_ns_gone(kvns))
		ret = -ENODEV;
	else
		ret = nvme_kv_execute(kvns, &cmd, u64_to_user_ptr(kc.value),
				      kc.value_len, &kc.result, &kc.status);
	up_read(&kvns->io_sem);

	/* the outputs are reported for a failed command too */
	if (ret != -ENODEV &&
	    (put_user(kc.result, (u32 __user *)(argp +
			offsetof(struct nvme_kv_cmd, result))) ||
	     put_user(kc.status, (u16 __user *)(argp +
			offsetof(struct nvme_kv_cmd, status)))))
		return -EFAULT;
	return ret;
}

static long nvme_kv_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct nvme_kv_ns *kvns = file->private_data;
	void __user *argp = (void __user *)arg;

	/* the size in @cmd is not checked: struct nvme_kv_cmd.argsz is */
	if (_IOC_TYPE(cmd) != NVME_KV_IOCTL_TYPE ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(NVME_KV_IOCTL_STORE):
		return nvme_kv_ioctl_io(kvns, NVME_KV_CMD_STORE, argp);
	case _IOC_NR(NVME_KV_IOCTL_RETRIEVE):
		return nvme_kv_ioctl_io(kvns, NVME_KV_CMD_RETRIEVE, argp);
	case _IOC_NR(NVME_KV_IOCTL_DELETE):
		return nvme_kv_ioctl_io(kvns, NVME_KV_CMD_DELETE, argp);
	case _IOC_NR(NVME_KV_IOCTL_EXIST):
		return nvme_kv_ioctl_io(kvns, NVME_KV_CMD_EXIST, argp);
	default:
		return -ENOTTY;
	}
}

static int nvme_kv_open(struct inode *inode, struct file *file)
{
	struct nvme_kv_ns *kvns = container_of(inode->i_cdev,
					       struct nvme_kv_ns, cdev);

	get_device(&kvns->cdev_device);
	file->private_data = kvns;
	return 0;
}

static int nvme_kv_release(struct inode *inode, struct file *file)
{
	struct nvme_kv_ns *kvns = file->private_data;

	put_device(&kvns->cdev_device);
	return 0;
}

static const struct file_operations nvme_kv_fops = {
	.owner		= THIS_MODULE,
	.open		= nvme_kv_open,
	.release	= nvme_kv_release,
	.unlocked_ioctl	= nvme_kv_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static ssize_t nsid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  container_of(dev, struct nvme_kv_ns, cdev_device)->nsid);
}
static DEVICE_ATTR_RO(nsid);

static ssize_t ctrl_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);

	return sysfs_emit(buf, "%s\n", dev_name(kvns->ctrl->device));
}
static DEVICE_ATTR_RO(ctrl);

static ssize_t max_value_len_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", container_of(dev, struct nvme_kv_ns,
					cdev_device)->max_value_len);
}
static DEVICE_ATTR_RO(max_value_len);

static struct attribute *nvme_kv_ns_attrs[] = {
	&dev_attr_nsid.attr,
	&dev_attr_ctrl.attr,
	&dev_attr_max_value_len.attr,
	NULL,
};
ATTRIBUTE_GROUPS(nvme_kv_ns);

static ssize_t rescan_store(const struct class *class,
			    const struct class_attribute *attr,
			    const char *buf, size_t count);
static CLASS_ATTR_WO(rescan);

static struct attribute *nvme_kv_class_attrs[] = {
	&class_attr_rescan.attr,
	NULL,
};
ATTRIBUTE_GROUPS(nvme_kv_class);

static char *nvme_kv_devnode(const struct device *dev, umode_t *mode)
{
	/* root only unless a udev rule widens it */
	if (mode)
		*mode = 0600;
	return NULL;
}

static const struct class nvme_kv_class = {
	.name		= "nvme-kv",
	.class_groups	= nvme_kv_class_groups,
	.devnode	= nvme_kv_devnode,
};

static void nvme_kv_ns_release(struct device *dev)
{
	struct nvme_kv_ns *kvns = container_of(dev, struct nvme_kv_ns,
					       cdev_device);

	ida_free(&nvme_kv_minor_ida, MINOR(dev->devt));
	kfree(kvns);
}

/* Read KVVML of format 0 from the KV Identify Namespace data (CNS 05h). */
static u32 nvme_kv_identify_max_value(struct nvme_ctrl *ctrl, u32 nsid)
{
	struct nvme_command c = { };
	struct nvme_kv_id_ns *id;
	u32 max = 0;

	id = kmalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return 0;
	c.identify.opcode = nvme_admin_identify;
	c.identify.nsid = cpu_to_le32(nsid);
	c.identify.cns = NVME_ID_CNS_CS_NS;
	c.identify.csi = NVME_KV_CSI;
	if (!nvme_submit_sync_cmd(ctrl->admin_q, &c, id, sizeof(*id)))
		max = le32_to_cpu(id->kvf[0].kvvml);
	kfree(id);
	return max;
}

/* Called with nvme_kv_lock held. */
static struct nvme_kv_ns *nvme_kv_find(struct nvme_ctrl *ctrl, u32 nsid)
{
	struct nvme_kv_ns *kvns;

	list_for_each_entry(kvns, &nvme_kv_namespaces, entry)
		if (kvns->ctrl == ctrl && kvns->nsid == nsid)
			return kvns;
	return NULL;
}

/* Called with nvme_kv_lock held; takes its own reference on @ctrl_file. */
static int nvme_kv_bind(struct file *ctrl_file, struct nvme_ctrl *ctrl,
			u32 nsid)
{
	struct nvme_kv_ns *kvns;
	struct nvme_ns *ns;
	int minor, ret;

	ns = nvme_find_get_ns(ctrl, nsid);
	if (!ns)
		return -ENODEV;

	kvns = kzalloc(sizeof(*kvns), GFP_KERNEL);
	if (!kvns) {
		ret = -ENOMEM;
		goto out_put_ns;
	}
	minor = ida_alloc_max(&nvme_kv_minor_ida, NVME_KV_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto out_free_kvns;
	}

	kvns->ctrl_file = get_file(ctrl_file);
	kvns->ctrl = ctrl;
	kvns->ns = ns;
	kvns->nsid = nsid;
	kvns->max_value_len = nvme_kv_identify_max_value(ctrl, nsid);
	init_rwsem(&kvns->io_sem);

	/* from here on the device's release frees kvns and the minor */
	device_initialize(&kvns->cdev_device);
	kvns->cdev_device.devt = MKDEV(MAJOR(nvme_kv_chr_devt), minor);
	kvns->cdev_device.class = &nvme_kv_class;
	kvns->cdev_device.groups = nvme_kv_ns_groups;
	kvns->cdev_device.release = nvme_kv_ns_release;
	ret = dev_set_name(&kvns->cdev_device, "kv%dn%u", ctrl->instance, nsid);
	if (ret)
		goto out_put_device;

	cdev_init(&kvns->cdev, &nvme_kv_fops);
	kvns->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&kvns->cdev, &kvns->cdev_device);
	if (ret)
		goto out_put_device;

	list_add_tail(&kvns->entry, &nvme_kv_namespaces);
	dev_info(ctrl->device, "nsid %u: KV namespace bound as %s\n", nsid,
		 dev_name(&kvns->cdev_device));
	return 0;

out_put_device:
	fput(kvns->ctrl_file);
	put_device(&kvns->cdev_device);
	nvme_put_ns(ns);
	return ret;
out_free_kvns:
	kfree(kvns);
out_put_ns:
	nvme_put_ns(ns);
	return ret;
}

/* Called with nvme_kv_lock held; drops the binding's device reference. */
static void nvme_kv_unbind(struct nvme_kv_ns *kvns)
{
	list_del(&kvns->entry);
	cdev_device_del(&kvns->cdev, &kvns->cdev_device);

	/* wait for commands in flight; later ones see ->dead */
	down_write(&kvns->io_sem);
	kvns->dead = true;
	up_write(&kvns->io_sem);

	nvme_put_ns(kvns->ns);
	fput(kvns->ctrl_file);
	put_device(&kvns->cdev_device);
}

/* Next KV namespace of @ctrl with an NSID above @after, 0 if none. */
static u32 nvme_kv_next_nsid(struct nvme_ctrl *ctrl, u32 after)
{
	struct nvme_ns *ns;
	u32 nsid = 0;
	int srcu_idx;

	srcu_idx = srcu_read_lock(&ctrl->srcu);
	list_for_each_entry_srcu(ns, &ctrl->namespaces, list,
				 srcu_read_lock_held(&ctrl->srcu)) {
		if (ns->head->ns_id > after &&
		    ns->head->ids.csi == NVME_KV_CSI &&
		    !test_bit(NVME_NS_REMOVING, &ns->flags)) {
			nsid = ns->head->ns_id;
			break;
		}
	}
	srcu_read_unlock(&ctrl->srcu, srcu_idx);
	return nsid;
}

/*
 * Drop bindings whose controller or namespace is going away, then bind
 * every KV namespace of every live controller not bound yet.  Returns the
 * number of namespaces bound.
 */
static int nvme_kv_scan(void)
{
	struct nvme_kv_ns *kvns, *tmp;
	struct nvme_ctrl *ctrl;
	struct file *f;
	char path[32];
	unsigned int i;
	int bound = 0;
	u32 nsid;

	mutex_lock(&nvme_kv_lock);
	list_for_each_entry_safe(kvns, tmp, &nvme_kv_namespaces, entry)
		if (nvme_kv_ns_gone(kvns))
			nvme_kv_unbind(kvns);

	for (i = 0; i < max_ctrls && !nvme_kv_exiting; i++) {
		snprintf(path, sizeof(path), "/dev/nvme%u", i);
		f = filp_open(path, O_RDONLY, 0);
		if (IS_ERR(f))
			continue;
		ctrl = nvme_ctrl_from_file(f);
		for (nsid = 0; ctrl && (nsid = nvme_kv_next_nsid(ctrl, nsid));) {
			if (nvme_kv_find(ctrl, nsid))
				continue;
			if (!nvme_kv_bind(f, ctrl, nsid))
				bound++;
		}
		filp_close(f, NULL);
	}
	mutex_unlock(&nvme_kv_lock);
	return bound;
}

static ssize_t rescan_store(const struct class *class,
			    const struct class_attribute *attr,
			    const char *buf, size_t count)
{
	bool val;

	if (kstrtobool(buf, &val) || !val)
		return -EINVAL;
	nvme_kv_scan();
	return count;
}

static int __init nvme_kv_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&nvme_kv_chr_devt, 0, NVME_KV_MINORS,
				  "nvme-kv");
	if (ret)
		return ret;
	ret = class_register(&nvme_kv_class);
	if (ret)
		goto out_unregister_chrdev;

	pr_info("bound %d KV namespaces\n", nvme_kv_scan());
	return 0;

out_unregister_chrdev:
	unregister_chrdev_region(nvme_kv_chr_devt, NVME_KV_MINORS);
	return ret;
}

static void __exit nvme_kv_exit(void)
{
	struct nvme_kv_ns *kvns, *tmp;

	mutex_lock(&nvme_kv_lock);
	nvme_kv_exiting = true;
	list_for_each_entry_safe(kvns, tmp, &nvme_kv_namespaces, entry)
		nvme_kv_unbind(kvns);
	mutex_unlock(&nvme_kv_lock);

	class_unregister(&nvme_kv_class);
	unregister_chrdev_region(nvme_kv_chr_devt, NVME_KV_MINORS);
	ida_destroy(&nvme_kv_minor_ida);
}

module_init(nvme_kv_init);
module_exit(nvme_kv_exit);

MODULE_DESCRIPTION("NVMe Key Value command set host driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(NVME_TARGET_PASSTHRU);
