// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest test of the in-kernel API of nvme-kv (include/linux/nvme-kv.h):
 * loading this module with dev=<kvXnY> runs synchronous and asynchronous
 * commands on that namespace and logs one "PASS <name>" or
 * "FAIL <name>: <why>" line per check; the selftests read them from dmesg.
 * The module stays loaded until rmmod, which proves the API users pin
 * nvme-kv.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/completion.h>
#include <linux/atomic.h>
#include <linux/nvme-kv.h>

static char *dev = "kv0n1";
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "KV namespace to test, e.g. kv0n1");

#define NR_ASYNC	64
#define VALUE_LEN	100

static void report(bool ok, const char *name, const char *fmt, int a, int b)
{
	if (ok) {
		pr_info("PASS api: %s\n", name);
		return;
	}
	pr_info("FAIL api: %s: %s %d %d\n", name, fmt, a, b);
}

struct async_batch {
	atomic_t		pending;
	atomic_t		errors;
	struct completion	done;
};

static void async_done(struct nvme_kv_request *req)
{
	struct async_batch *b = req->private;

	if (req->error)
		atomic_inc(&b->errors);
	if (atomic_dec_and_test(&b->pending))
		complete(&b->done);
}

static void run_async(struct nvme_kv_ns *kvns, struct nvme_kv_request *reqs,
		      u8 opcode, u8 *bufs, struct async_batch *b)
{
	int i, ret;

	atomic_set(&b->pending, 1);
	atomic_set(&b->errors, 0);
	init_completion(&b->done);
	for (i = 0; i < NR_ASYNC; i++) {
		memset(&reqs[i], 0, sizeof(reqs[i]));
		reqs[i].opcode = opcode;
		reqs[i].key_len = snprintf((char *)reqs[i].key,
					   sizeof(reqs[i].key),
					   "api-async-%d", i);
		reqs[i].buf = bufs + i * VALUE_LEN;
		reqs[i].buf_len = VALUE_LEN;
		reqs[i].done = async_done;
		reqs[i].private = b;
		atomic_inc(&b->pending);
		ret = nvme_kv_submit(kvns, &reqs[i]);
		if (ret) {
			atomic_inc(&b->errors);
			atomic_dec(&b->pending);
		}
	}
	if (!atomic_dec_and_test(&b->pending))
		wait_for_completion(&b->done);
}

static void run_tests(struct nvme_kv_ns *kvns)
{
	struct nvme_kv_request *reqs = NULL, bad = { };
	u8 *val = NULL, *back = NULL, *bufs = NULL;
	struct async_batch b;
	u32 len = 0;
	int ret, i, wrong;

	val = kmalloc(VALUE_LEN, GFP_KERNEL);
	back = vmalloc(65536);
	bufs = kvmalloc_array(NR_ASYNC, VALUE_LEN, GFP_KERNEL);
	reqs = kcalloc(NR_ASYNC, sizeof(*reqs), GFP_KERNEL);
	if (!val || !back || !bufs || !reqs) {
		report(false, "allocations", "ENOMEM", 0, 0);
		goto out;
	}

	report(nvme_kv_max_value_len(kvns) == 1048576,
	       "nvme_kv_max_value_len() reports KVVML", "got",
	       nvme_kv_max_value_len(kvns), 0);

	memset(val, 0x5a, VALUE_LEN);
	ret = nvme_kv_store(kvns, "api-sync", 8, val, VALUE_LEN, 0);
	memset(back, 0, VALUE_LEN);
	if (!ret)
		ret = nvme_kv_retrieve(kvns, "api-sync", 8, back, 65536, &len);
	report(!ret && len == VALUE_LEN && !memcmp(back, val, VALUE_LEN),
	       "nvme_kv_store() then nvme_kv_retrieve() into vmalloc memory",
	       "ret/len", ret, len);

	ret = nvme_kv_store(kvns, "api-sync", 8, val, 1, NVME_KV_STORE_SINKE);
	report(ret == -EEXIST, "nvme_kv_store() only-if-absent on a key that exists is -EEXIST",
	       "ret", ret, 0);
	ret = nvme_kv_exist(kvns, "api-sync", 8);
	report(!ret, "nvme_kv_exist() of a stored key is 0", "ret", ret, 0);
	ret = nvme_kv_delete(kvns, "api-sync", 8);
	report(!ret && nvme_kv_exist(kvns, "api-sync", 8) == -ENOENT &&
	       nvme_kv_delete(kvns, "api-sync", 8) == -ENOENT,
	       "nvme_kv_delete() removes the key; again it is -ENOENT", "ret", ret,
	       0);

	for (i = 0; i < NR_ASYNC * VALUE_LEN; i++)
		bufs[i] = i / VALUE_LEN + i;
	run_async(kvns, reqs, NVME_KV_CMD_STORE, bufs, &b);
	report(!atomic_read(&b.errors),
	       "64 nvme_kv_submit() Stores in flight together all complete through done()",
	       "errors", atomic_read(&b.errors), 0);
	memset(bufs, 0, NR_ASYNC * VALUE_LEN);
	run_async(kvns, reqs, NVME_KV_CMD_RETRIEVE, bufs, &b);
	wrong = 0;
	for (i = 0; i < NR_ASYNC * VALUE_LEN; i++)
		wrong += bufs[i] != (u8)(i / VALUE_LEN + i);
	for (i = 0; i < NR_ASYNC; i++)
		wrong += reqs[i].result != VALUE_LEN;
	report(!atomic_read(&b.errors) && !wrong,
	       "64 nvme_kv_submit() Retrieves return every value and its size",
	       "errors/wrong", atomic_read(&b.errors), wrong);

	ret = nvme_kv_list(kvns, "api-async-", 10, back, 4096);
	report(!ret && le32_to_cpup((__le32 *)back) >= NR_ASYNC,
	       "nvme_kv_list() from a start key returns the keys after it",
	       "ret/count", ret, le32_to_cpup((__le32 *)back));

	bad.opcode = NVME_KV_CMD_EXIST;
	bad.key_len = 17;
	bad.done = async_done;
	bad.private = &b;
	ret = nvme_kv_submit(kvns, &bad);
	report(ret == -EINVAL, "nvme_kv_submit() of a 17-byte key is -EINVAL, done() not called",
	       "ret", ret, 0);
	bad.key_len = 1;
	bad.opcode = 0x7f;
	ret = nvme_kv_submit(kvns, &bad);
	report(ret == -EINVAL, "nvme_kv_submit() of an unknown opcode is -EINVAL",
	       "ret", ret, 0);

	for (i = 0; i < NR_ASYNC; i++) {
		char key[16];
		int kl = snprintf(key, sizeof(key), "api-async-%d", i);

		nvme_kv_delete(kvns, key, kl);
	}
out:
	kfree(reqs);
	kvfree(bufs);
	vfree(back);
	kfree(val);
}

static int __init kv_api_test_init(void)
{
	struct nvme_kv_ns *kvns;

	kvns = nvme_kv_ns_get("kv999n999");
	report(PTR_ERR_OR_ZERO(kvns) == -ENODEV,
	       "nvme_kv_ns_get() of an unknown name is -ENODEV", "ret",
	       (int)PTR_ERR_OR_ZERO(kvns), 0);
	if (!IS_ERR(kvns))
		nvme_kv_ns_put(kvns);

	kvns = nvme_kv_ns_get(dev);
	if (IS_ERR(kvns)) {
		report(false, "nvme_kv_ns_get() finds the namespace", "ret",
		       (int)PTR_ERR(kvns), 0);
		return 0;
	}
	run_tests(kvns);
	nvme_kv_ns_put(kvns);
	pr_info("DONE\n");
	return 0;
}

static void __exit kv_api_test_exit(void)
{
}

module_init(kv_api_test_init);
module_exit(kv_api_test_exit);

MODULE_DESCRIPTION("Test of the nvme-kv in-kernel API");
MODULE_LICENSE("GPL");
