// SPDX-License-Identifier: GPL-2.0
/*
 * A planted cost for the instruction counter (qemu/plugin/kvcount.c):
 * writing N to /sys/module/nvme_kv_cost_test/parameters/spin runs, in this
 * module's text, a loop of exactly 2 * N + 1 instructions (a mov, then N
 * times a dec and a jnz).  The cost smoke test (selftests/cost.sh) checks
 * that the counter attributes them to this module and to nothing else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/moduleparam.h>

#define SPIN_MAX	100000000U

static noinline void kv_cost_spin(unsigned int n)
{
	unsigned int left;

	asm volatile("mov %1, %0\n"
		     "1: dec %0\n"
		     "jnz 1b\n"
		     : "=&r" (left) : "r" (n) : "cc");
}

static int spin_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	if (!n || n > SPIN_MAX)
		return -EINVAL;
	kv_cost_spin(n);
	return 0;
}

static const struct kernel_param_ops spin_ops = {
	.set	= spin_set,
};
module_param_cb(spin, &spin_ops, NULL, 0200);
MODULE_PARM_DESC(spin, "run a loop of 2 * spin + 1 instructions (1..100000000)");

MODULE_DESCRIPTION("nvme-kv: a known instruction cost for the counter's test");
MODULE_LICENSE("GPL");
