// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest checks of the nvme-kv ioctls and of the target's answers to
 * malformed KV commands.
 *
 *   kv_ioctl_test <kv-device> <ng-device> <nsid>
 *   kv_ioctl_test fuzz <kv-device> <iterations> <seed>
 *   kv_ioctl_test hammer <kv-device> <seconds> <threads> <name> recover|end
 *   kv_ioctl_test xfer <kv-device> <max-size>
 *   kv_ioctl_test fillrace <kv-device> <rounds>
 *   kv_ioctl_test unbound <kv-device> <seconds> <done-file>
 *   kv_ioctl_test rejects <ng-device> <nsid> <count>
 *
 * The fuzz mode sends random ioctls (random numbers, sizes, pointers,
 * reserved bits and batches) and only checks that each one returns; the
 * caller checks dmesg afterwards.  The hammer mode keeps Stores and
 * Retrieves in flight from several threads while the caller resets,
 * disconnects or cuts the controller: every command must end, with success
 * or one of the errors the uapi header names for that (ECANCELED, ENOLINK,
 * ENODEV), never with a wrong value, and with "recover" commands must
 * succeed again after the last error; it prints one PASS/FAIL line <name>.
 *
 * Prints one line per check, "PASS <name>" or "FAIL <name>: <why>"; the
 * selftest shell library turns them into TAP.  Exit status 0 when all pass.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/nvme_ioctl.h>
#include "nvmekv.h"

#include "check.h"

static void init_cmd(struct nvme_kv_cmd *c, const char *key, void *buf,
		     unsigned int len)
{
	memset(c, 0, sizeof(*c));
	c->argsz = sizeof(*c);
	c->key_len = strlen(key);
	memcpy(c->key, key, c->key_len);
	c->value = (uintptr_t)buf;
	c->value_len = len;
}

/* ioctl() returning -errno */
static int kv_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* Send a raw Store with key length @kl through the generic char device. */
static int raw_store(int ng, unsigned int nsid, unsigned int kl)
{
	struct nvme_passthru_cmd64 p;
	char value[8] = "rawvalue";

	memset(&p, 0, sizeof(p));
	p.opcode = NVME_KV_CMD_STORE;
	p.nsid = nsid;
	p.cdw2 = 0x6b6b6b6b;	/* key bytes "kkkk" */
	p.addr = (uintptr_t)value;
	p.data_len = sizeof(value);
	p.cdw10 = sizeof(value);
	p.cdw11 = kl;
	return ioctl(ng, NVME_IOCTL_IO64_CMD, &p);
}

static int list_sorted;	/* the last list_keys() came in bytewise order */

/* the keys of a List buffer, joined with ',' into @out */
static int list_keys(int fd, const char *start, size_t buf_len, char *out,
		     size_t out_len, uint32_t *count)
{
	unsigned char buf[4096], prev[NVME_KV_KEY_MAX];
	struct nvmekv_list_iter it;
	const uint8_t *key;
	size_t kl, n = 0, prev_len = 0;
	uint16_t st;
	int ret, cmp;

	out[0] = 0;
	list_sorted = 1;
	ret = nvmekv_list(fd, start, strlen(start), buf, buf_len, &st);
	if (ret)
		return ret;
	*count = nvme_kv_get_le32(buf);
	nvmekv_list_iter_init(&it, buf, buf_len);
	while ((ret = nvmekv_list_next(&it, &key, &kl)) == 1) {
		if (prev_len) {
			cmp = memcmp(prev, key, kl < prev_len ? kl : prev_len);
			if (cmp > 0 || (!cmp && prev_len >= kl))
				list_sorted = 0;
		}
		memcpy(prev, key, kl);
		prev_len = kl;
		if (n + kl + 2 > out_len)
			return -ENOSPC;
		if (n)
			out[n++] = ',';
		memcpy(out + n, key, kl);
		n += kl;
		out[n] = 0;
	}
	return ret;
}

struct walk {
	unsigned char	prev[NVME_KV_KEY_MAX];
	size_t		prev_len;
	size_t		n;
	int		sorted;
	unsigned int	found;	/* bits: "a", "zz-list-a", -b, -c */
};

static int walk_key(const uint8_t *key, size_t kl, void *arg)
{
	static const char *const want[] = { "a", "zz-list-a", "zz-list-b",
					    "zz-list-c" };
	struct walk *w = arg;
	unsigned int i;
	int cmp;

	if (!w->n)
		w->sorted = 1;
	if (w->n) {
		cmp = memcmp(w->prev, key, kl < w->prev_len ? kl : w->prev_len);
		if (cmp > 0 || (!cmp && w->prev_len >= kl))
			w->sorted = 0;
	}
	memcpy(w->prev, key, kl);
	w->prev_len = kl;
	w->n++;
	for (i = 0; i < 4; i++)
		if (kl == strlen(want[i]) && !memcmp(key, want[i], kl))
			w->found |= 1U << i;
	return 0;
}

static void test_list(int fd)
{
	struct walk walk;
	char keys[16384], all[1024];
	unsigned char buf[64];
	struct nvme_kv_cmd c;
	uint32_t count = 0;
	uint16_t st;
	int ret, i;

	ret = nvmekv_store(fd, "zz-list-b", 9, "2", 1, 0, &st) ||
	      nvmekv_store(fd, "zz-list-c", 9, "3", 1, 0, &st) ||
	      nvmekv_store(fd, "zz-list-a", 9, "1", 1, 0, &st);
	check(!ret, "list: three keys stored", "ret %d", ret);

	ret = list_keys(fd, "zz-list-", 4096, keys, sizeof(keys), &count);
	check(!ret && count == 3 && !strcmp(keys, "zz-list-a,zz-list-b,zz-list-c"),
	      "list from a start key returns the keys after it in bytewise order",
	      "ret %d count %u keys '%s'", ret, count, keys);
	ret = list_keys(fd, "zz-list-b", 4096, keys, sizeof(keys), &count);
	check(!ret && count == 2 && !strcmp(keys, "zz-list-b,zz-list-c"),
	      "list includes an existing start key", "ret %d count %u keys '%s'",
	      ret, count, keys);
	ret = list_keys(fd, "", 4096, keys, sizeof(keys), &count);
	check(!ret && count >= 3 && list_sorted,
	      "list with key length 0 returns keys in bytewise order",
	      "ret %d count %u sorted %d", ret, count, list_sorted);
	memset(&walk, 0, sizeof(walk));
	ret = nvmekv_list_all(fd, NULL, 0, 0, walk_key, &walk, &st);
	check(!ret && walk.sorted && walk.found == 0xf,
	      "list walk from key length 0 visits every key once, in order",
	      "ret %d keys %zu sorted %d found 0x%x", ret, walk.n, walk.sorted,
	      walk.found);

	/* 4 + 12 per 9-byte key: a 20-byte buffer holds one, 28 bytes two */
	ret = list_keys(fd, "zz-list-", 20, keys, sizeof(keys), &count);
	check(!ret && count == 1 && !strcmp(keys, "zz-list-a"),
	      "list stops before the first key that does not fit the buffer",
	      "ret %d count %u keys '%s'", ret, count, keys);
	ret = list_keys(fd, "zz-list-", 4, keys, sizeof(keys), &count);
	check(!ret && count == 0, "list with a 4-byte buffer returns no key",
	      "ret %d count %u", ret, count);

	/*
	 * Walk as a library does: each List (room for two 9-byte keys) starts
	 * at the last key seen, which comes back first and is skipped.
	 */
	all[0] = 0;
	ret = list_keys(fd, "zz-list-", 20, keys, sizeof(keys), &count);
	if (!ret && count == 1)
		strcpy(all, keys);
	for (i = 0; !ret && all[0] && i < 5; i++) {
		char from[32], *next;

		strcpy(from, strrchr(all, ',') ? strrchr(all, ',') + 1 : all);
		ret = list_keys(fd, from, 28, keys, sizeof(keys), &count);
		next = strchr(keys, ',');
		if (ret || count < 2 || !next || strncmp(keys, from, strlen(from)))
			break;
		strcat(all, next);
	}
	check(!ret && !strcmp(all, "zz-list-a,zz-list-b,zz-list-c"),
	      "list continues from the last key returned", "ret %d all '%s'", ret, all);

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.value = (uintptr_t)buf;
	c.value_len = 3;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_LIST, &c);
	check(ret == -EINVAL, "list ioctl with a buffer under 4 bytes fails with EINVAL",
	      "ret %d", ret);
	c.value_len = sizeof(buf);
	c.options = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_LIST, &c);
	check(ret == -EINVAL, "list ioctl with option bits fails with EINVAL", "ret %d",
	      ret);
	c.options = 0;
	c.key_len = 3;
	memcpy(c.key, "abcd", 4);
	ret = kv_ioctl(fd, NVME_KV_IOCTL_LIST, &c);
	check(ret == -EINVAL, "list ioctl with key bytes past its length fails with EINVAL",
	      "ret %d", ret);
	for (i = 0; i < 3; i++) {
		char k[] = "zz-list-a";

		k[8] += i;
		nvmekv_delete(fd, k, 9, &st);
	}
	ret = list_keys(fd, "zz-list-", 4096, keys, sizeof(keys), &count);
	check(!ret && count == 0, "list no longer returns deleted keys",
	      "ret %d count %u keys '%s'", ret, count, keys);
}

static void test_identify(int fd, unsigned int nsid)
{
	struct nvme_kv_identify id;
	unsigned char big[sizeof(id) + 8];
	int ret;

	ret = nvmekv_identify(fd, &id);
	check(!ret && id.nsid == nsid && id.max_key_len == NVME_KV_KEY_MAX &&
	      id.max_value_len >= 4096 && id.capacity > 0 &&
	      id.utilization > 0 && id.utilization <= id.capacity,
	      "identify ioctl reports nsid, key and value limits, capacity and utilisation",
	      "ret %d nsid %u kvkml %u kvvml %u nsze %llu nuse %llu", ret,
	      id.nsid, id.max_key_len, id.max_value_len,
	      (unsigned long long)id.capacity,
	      (unsigned long long)id.utilization);

	memset(&id, 0, sizeof(id));
	id.argsz = sizeof(id);
	id.rsvd[1] = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_IDENTIFY, &id);
	check(ret == -EINVAL, "identify ioctl rejects non-zero reserved fields with EINVAL",
	      "ret %d", ret);
	memset(&id, 0, sizeof(id));
	id.argsz = 4;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_IDENTIFY, &id);
	check(ret == -EINVAL, "identify ioctl rejects a too small argsz with EINVAL",
	      "ret %d", ret);

	/* a newer, larger struct: accepted while its unknown tail is zero */
	memset(big, 0, sizeof(big));
	((struct nvme_kv_identify *)big)->argsz = sizeof(big);
	ret = kv_ioctl(fd, NVME_KV_IOCTL_IDENTIFY, big);
	check(!ret && ((struct nvme_kv_identify *)big)->max_key_len == 16,
	      "identify ioctl accepts a larger argsz with a zero tail", "ret %d", ret);
	big[sizeof(id) + 3] = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_IDENTIFY, big);
	check(ret == -EINVAL, "identify ioctl rejects a larger argsz with a non-zero tail",
	      "ret %d", ret);
	ret = kv_ioctl(fd, NVME_KV_IOCTL_IDENTIFY, (void *)8);
	check(ret == -EFAULT, "identify ioctl rejects a bad pointer with EFAULT",
	      "ret %d", ret);
}

static void batch_key(struct nvme_kv_batch_op *op, unsigned int i)
{
	op->key_len = snprintf((char *)op->key, sizeof(op->key), "batch-%u", i);
}

static void test_batch(int fd)
{
	enum { N = NVME_KV_BATCH_MAX };
	static struct nvme_kv_batch_op ops[N + 1];
	static char vals[N][64], back[N][64];
	struct nvme_kv_batch b;
	unsigned int i, bad = 0;
	uint16_t st;
	int ret;

	memset(ops, 0, sizeof(ops));
	for (i = 0; i < N; i++) {
		snprintf(vals[i], sizeof(vals[i]), "value of batch op %u", i);
		ops[i].opcode = NVME_KV_CMD_STORE;
		batch_key(&ops[i], i);
		ops[i].value = (uintptr_t)vals[i];
		ops[i].value_len = sizeof(vals[i]);
	}
	ret = nvmekv_batch(fd, ops, N);
	for (i = 0; i < N; i++)
		bad += ops[i].error != 0 || ops[i].status != 0;
	check(!ret && !bad, "batch of 256 stores (more than the queue depth) all succeed",
	      "ret %d, %u failed (first error %d)", ret, bad, ops[0].error);

	memset(ops, 0, sizeof(ops));
	memset(back, 0, sizeof(back));
	for (i = 0; i < N; i++) {
		ops[i].opcode = NVME_KV_CMD_RETRIEVE;
		batch_key(&ops[i], i);
		ops[i].value = (uintptr_t)back[i];
		ops[i].value_len = sizeof(back[i]);
	}
	ret = nvmekv_batch(fd, ops, N);
	bad = 0;
	for (i = 0; i < N; i++)
		bad += ops[i].error || ops[i].result != 64 ||
		       memcmp(back[i], vals[i], 64);
	check(!ret && !bad, "batch of 256 retrieves returns every value and its size",
	      "ret %d, %u wrong", ret, bad);

	/* mixed operations, each with its own outcome */
	memset(ops, 0, sizeof(ops));
	ops[0].opcode = NVME_KV_CMD_EXIST;
	batch_key(&ops[0], 1);
	ops[1].opcode = NVME_KV_CMD_RETRIEVE;
	memcpy(ops[1].key, "batch-missing", 13);
	ops[1].key_len = 13;
	ops[1].value = (uintptr_t)back[0];
	ops[1].value_len = 64;
	ops[2].opcode = NVME_KV_CMD_DELETE;
	batch_key(&ops[2], 2);
	ops[3].opcode = NVME_KV_CMD_STORE;
	batch_key(&ops[3], 3);
	ops[3].options = NVME_KV_STORE_SINKE;
	ops[3].value = (uintptr_t)vals[3];
	ops[3].value_len = 1;
	ops[4].opcode = NVME_KV_CMD_STORE;
	batch_key(&ops[4], 4);
	ops[4].value = 8;	/* unmapped */
	ops[4].value_len = 64;
	ops[5].opcode = NVME_KV_CMD_LIST;
	ops[5].value = (uintptr_t)back[5];
	ops[5].value_len = 64;
	ret = nvmekv_batch(fd, ops, 6);
	check(!ret && ops[0].error == 0 &&
	      ops[1].error == -ENOENT && ops[1].status == NVME_KV_SC_KEY_NOT_EXISTS &&
	      ops[2].error == 0 &&
	      ops[3].error == -EEXIST && ops[3].status == NVME_KV_SC_KEY_EXISTS &&
	      ops[4].error == -EFAULT && ops[5].error == 0 &&
	      nvme_kv_get_le32((unsigned char *)back[5]) > 0,
	      "batch reports an error, status and result per operation",
	      "ret %d errors %d %d/0x%x %d %d/0x%x %d %d", ret, ops[0].error,
	      ops[1].error, ops[1].status, ops[2].error, ops[3].error,
	      ops[3].status, ops[4].error, ops[5].error);
	ret = nvmekv_exist(fd, "batch-2", 7, &st);
	check(ret == -ENOENT, "batch delete took effect", "ret %d", ret);

	/* one malformed operation refuses the whole batch, nothing runs */
	memset(ops, 0, sizeof(ops));
	ops[0].opcode = NVME_KV_CMD_STORE;
	memcpy(ops[0].key, "batch-refused", 13);
	ops[0].key_len = 13;
	ops[0].value = (uintptr_t)vals[0];
	ops[0].value_len = 4;
	ops[1].opcode = NVME_KV_CMD_EXIST;
	ops[1].key_len = 17;
	ret = nvmekv_batch(fd, ops, 2);
	check(ret == -EINVAL && nvmekv_exist(fd, "batch-refused", 13, &st) == -ENOENT,
	      "batch with one malformed operation fails with EINVAL and runs none",
	      "ret %d", ret);
	ops[1].key_len = 1;
	ops[1].rsvd2 = 1;
	ret = nvmekv_batch(fd, ops, 2);
	check(ret == -EINVAL, "batch operation with reserved bits set fails with EINVAL",
	      "ret %d", ret);
	ops[1].rsvd2 = 0;
	ops[1].opcode = 0x7f;
	ret = nvmekv_batch(fd, ops, 2);
	check(ret == -EINVAL, "batch operation with an unknown opcode fails with EINVAL",
	      "ret %d", ret);

	ret = nvmekv_batch(fd, ops, 0);
	check(ret == -EINVAL, "batch of 0 operations fails with EINVAL", "ret %d", ret);
	ret = nvmekv_batch(fd, ops, N + 1);
	check(ret == -EINVAL, "batch above NVME_KV_BATCH_MAX fails with EINVAL", "ret %d",
	      ret);
	memset(&b, 0, sizeof(b));
	b.argsz = sizeof(b);
	b.nr_ops = 1;
	b.op_size = sizeof(ops[0]) - 8;
	b.ops = (uintptr_t)ops;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_BATCH, &b);
	check(ret == -EINVAL, "batch with a too small op_size fails with EINVAL", "ret %d",
	      ret);
	b.op_size = sizeof(ops[0]);
	b.ops = 8;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_BATCH, &b);
	check(ret == -EFAULT, "batch with a bad ops pointer fails with EFAULT", "ret %d",
	      ret);
	b.ops = (uintptr_t)ops;
	b.flags = 2;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_BATCH, &b);
	check(ret == -EINVAL, "batch with unknown flags fails with EINVAL", "ret %d", ret);
	b.flags = 0;
	b.rsvd0 = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_BATCH, &b);
	check(ret == -EINVAL, "batch with rsvd0 set fails with EINVAL", "ret %d", ret);
	b.rsvd0 = 0;
	b.rsvd = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_BATCH, &b);
	check(ret == -EINVAL, "batch with rsvd set fails with EINVAL", "ret %d", ret);
	b.rsvd = 0;
	/* ops[0] is the Store of "batch-refused" from above */
	b.timeout_ms = 30000;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_BATCH, &b);
	check(ret == 0 && ops[0].error == 0 &&
	      nvmekv_delete(fd, "batch-refused", 13, &st) == 0,
	      "batch with a timeout of 30000 ms runs", "ret %d error %d", ret,
	      ops[0].error);
	b.timeout_ms = 0;

	memset(ops, 0, sizeof(ops));
	for (i = 0; i < N; i++) {
		ops[i].opcode = NVME_KV_CMD_DELETE;
		batch_key(&ops[i], i);
	}
	ret = nvmekv_batch(fd, ops, N);
	bad = 0;
	for (i = 0; i < N; i++)
		bad += ops[i].error && !(i == 2 && ops[i].error == -ENOENT);
	check(!ret && !bad, "batch of 256 deletes removes the batch keys",
	      "ret %d, %u failed", ret, bad);
}

/* An unprivileged process cannot open the root-only device. */
static void test_eacces(const char *dev)
{
	int status = -1;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = open(dev, O_RDWR);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	check(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "EACCES: an unprivileged user cannot open the device",
	      "child status 0x%x", status);
}

/*
 * A descriptor opened read-only may retrieve, test and list, never write:
 * Store, Delete and a batch with a Store get EACCES and change nothing.
 * Checked as root on an O_RDONLY descriptor and as an unprivileged reader
 * of the node made 0644 for the test (what a udev rule could do).
 */
static int readonly_checks(const char *dev, char *why, size_t whylen)
{
	struct nvme_kv_batch_op op = { 0 };
	struct nvme_kv_batch b = { 0 };
	char buf[16];
	size_t len;
	uint16_t st;
	int fd, ret;

	fd = open(dev, O_RDONLY);
	if (fd < 0)
		return snprintf(why, whylen, "open: %s", strerror(errno));
	ret = nvmekv_store(fd, "ro-key", 6, "w", 1, 0, &st);
	if (ret != -EACCES) {
		snprintf(why, whylen, "store returned %d", ret);
		goto fail;
	}
	ret = nvmekv_delete(fd, "ro-seed", 7, &st);
	if (ret != -EACCES) {
		snprintf(why, whylen, "delete returned %d", ret);
		goto fail;
	}
	op.opcode = NVME_KV_CMD_STORE;
	op.key_len = 6;
	memcpy(op.key, "ro-key", 6);
	op.value = (uintptr_t)"w";
	op.value_len = 1;
	b.argsz = sizeof(b);
	b.nr_ops = 1;
	b.op_size = sizeof(op);
	b.ops = (uintptr_t)&op;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_BATCH, &b);
	if (ret != -EACCES) {
		snprintf(why, whylen, "batch with a store returned %d", ret);
		goto fail;
	}
	ret = nvmekv_retrieve(fd, "ro-seed", 7, buf, sizeof(buf), &len, 0, &st);
	if (ret || len != 4 || memcmp(buf, "seed", 4)) {
		snprintf(why, whylen, "retrieve returned %d, %zu bytes", ret, len);
		goto fail;
	}
	ret = nvmekv_exist(fd, "ro-key", 6, &st);
	if (ret != -ENOENT) {
		snprintf(why, whylen, "the refused store stored (exist %d)", ret);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	/* whatever @ret holds: a call that succeeded may be the failure */
	close(fd);
	return -1;
}

static void test_readonly(int rw, const char *dev)
{
	char why[128] = "";
	int status = -1, ok;
	uint16_t st;
	pid_t pid;

	if (nvmekv_store(rw, "ro-seed", 7, "seed", 4, 0, &st)) {
		check(0, "EACCES: a read-only descriptor", "seed store failed");
		return;
	}
	ok = !readonly_checks(dev, why, sizeof(why));
	check(ok, "EACCES: a read-only descriptor retrieves and tests keys; store, delete and a batch with a store fail with EACCES and change nothing",
	      "%s", why);

	if (chmod(dev, 0644)) {
		check(0, "EACCES: an unprivileged reader", "chmod: %s",
		      strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		/* the library falls back to O_RDONLY for such a reader */
		if (!readonly_checks(dev, why, sizeof(why)) &&
		    nvmekv_open(dev) >= 0)
			_exit(0);
		printf("# unprivileged reader: %s\n", why);
		_exit(1);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	chmod(dev, 0600);
	check(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "EACCES: an unprivileged reader of a 0644 node retrieves but cannot store or delete",
	      "child status 0x%x", status);
	nvmekv_delete(rw, "ro-seed", 7, &st);
}

static unsigned long long rnd_state;

static unsigned long long rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return rnd_state >> 17;
}

/* a pointer that is valid, NULL, low, unmapped or in the kernel */
static uint64_t rnd_ptr(void *valid)
{
	switch (rnd() % 6) {
	case 0:
		return 0;
	case 1:
		return 8;
	case 2:
		return 0xffff888000000000ULL;
	case 3:
		return (uintptr_t)valid + (rnd() % 8192) - 4096;
	default:
		return (uintptr_t)valid;
	}
}

static int fuzz(const char *dev, unsigned long iterations, unsigned long seed)
{
	static const unsigned char nrs[] = { 1, 2, 3, 4, 5, 6, 7, 0, 8, 0x7f };
	static unsigned char arg[8192], data[65536];
	static struct nvme_kv_batch_op ops[16];
	unsigned long i, counts[3] = { 0 };
	unsigned int nr, size, j, dir;
	unsigned long req;
	int fd, ret;

	fd = nvmekv_open(dev);
	if (fd < 0) {
		printf("FAIL fuzz: open %s: %s\n", dev, strerror(-fd));
		return 1;
	}
	rnd_state = seed;
	for (i = 0; i < iterations; i++) {
		nr = nrs[rnd() % sizeof(nrs)];
		size = rnd() % 256;
		dir = rnd() % 8 ? _IOC_READ | _IOC_WRITE : rnd() % 4;
		req = _IOC(dir, rnd() % 16 ? NVME_KV_IOCTL_TYPE : rnd() % 256,
			   nr, size);
		for (j = 0; j < 256; j++)
			arg[j] = rnd() % 4 ? 0 : rnd();
		/* mostly plausible structs with a few random fields */
		switch (rnd() % 4) {
		case 0: {
			struct nvme_kv_cmd *c = (void *)arg;

			c->argsz = rnd() % 8 ? sizeof(*c) : rnd() % 512;
			c->key_len = rnd() % 20;
			c->value = rnd_ptr(data);
			c->value_len = rnd() % 2 ? rnd() % 4096 : rnd();
			break;
		}
		case 1: {
			struct nvme_kv_batch *b = (void *)arg;

			b->argsz = rnd() % 8 ? sizeof(*b) : rnd() % 512;
			b->nr_ops = rnd() % 4 ? 1 + rnd() % 16 : rnd();
			b->op_size = rnd() % 4 ? sizeof(ops[0]) : rnd() % 128;
			b->ops = rnd_ptr(ops);
			for (j = 0; j < 16; j++) {
				memset(&ops[j], 0, sizeof(ops[j]));
				ops[j].opcode = rnd() % 2 ? NVME_KV_CMD_RETRIEVE :
						rnd() % 32;
				ops[j].key_len = rnd() % 18;
				memcpy(ops[j].key, "fuzzfuzzfuzzfuzz", ops[j].key_len % 17);
				ops[j].options = rnd() % 8 ? 0 : rnd();
				ops[j].value = rnd_ptr(data);
				ops[j].value_len = rnd() % 2 ? rnd() % 4096 : rnd();
				ops[j].rsvd2 = rnd() % 16 ? 0 : 1;
			}
			break;
		}
		case 2: {
			struct nvme_kv_identify *id = (void *)arg;

			id->argsz = rnd() % 8 ? sizeof(*id) : rnd() % 512;
			break;
		}
		default:
			break;
		}
		ret = ioctl(fd, req, rnd() % 16 ? (void *)arg :
			    (void *)(uintptr_t)rnd_ptr(arg));
		counts[ret == 0 ? 0 : errno == EINVAL || errno == ENOTTY ? 1 : 2]++;
	}
	nvmekv_close(fd);
	check(1, "fuzz: random ioctls all returned",
	      "%lu succeeded, %lu EINVAL/ENOTTY, %lu other", counts[0], counts[1],
	      counts[2]);
	printf("# %lu ioctls: %lu succeeded, %lu EINVAL or ENOTTY, %lu other errors\n",
	       iterations, counts[0], counts[1], counts[2]);
	return failures ? 1 : 0;
}

struct hammer {
	int		fd;
	unsigned int	id;
	double		end;
	unsigned long	ok, canceled, nolink, nodev, other, wrong;
	int		other_err;
	unsigned long	ok_after_error;	/* successes after the first error */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	char key[16], val[256], back[256];
	unsigned long i;
	size_t len;
	uint16_t st;
	int ret, klen, erred = 0;

	for (i = 0; now() < h->end; i++) {
		klen = snprintf(key, sizeof(key), "h%u-%lu", h->id, i % 64);
		memset(val, 'a' + (int)(i % 26), sizeof(val));
		snprintf(val, sizeof(val), "%s %lu", key, i);
		if (i % 2 == 0) {
			ret = nvmekv_store(h->fd, key, klen, val, sizeof(val), 0,
					   &st);
		} else {
			ret = nvmekv_retrieve(h->fd, key, klen, back,
					      sizeof(back), &len, 0, &st);
			/* an older or the newest version, never garbage */
			if (!ret && (len != sizeof(back) ||
				     strncmp(back, key, strlen(key))))
				h->wrong++;
			if (ret == -ENOENT)
				ret = 0;	/* its Store may have failed */
		}
		switch (ret) {
		case 0:
			h->ok++;
			if (erred)
				h->ok_after_error++;
			break;
		case -ECANCELED:
			h->canceled++;
			break;
		case -ENOLINK:
			h->nolink++;
			break;
		case -ENODEV:
			h->nodev++;
			break;
		default:
			h->other++;
			h->other_err = ret;
			break;
		}
		if (ret) {
			erred = 1;
			usleep(10000);
		}
	}
	return NULL;
}

/*
 * PASS when every command ended with success or ECANCELED/ENOLINK/ENODEV,
 * no value was wrong, and -- for "recover" -- commands succeeded again
 * after the errors.
 */
static int hammer(const char *dev, double seconds, unsigned int threads,
		  const char *name, int recover)
{
	struct hammer h[16], sum = { 0 };
	pthread_t tid[16];
	unsigned int i;
	int fd;

	fd = nvmekv_open(dev);
	if (fd < 0) {
		printf("FAIL %s: open %s: %s\n", name, dev, strerror(-fd));
		return 1;
	}
	if (threads > 16)
		threads = 16;
	for (i = 0; i < threads; i++) {
		memset(&h[i], 0, sizeof(h[i]));
		h[i].fd = fd;
		h[i].id = i;
		h[i].end = now() + seconds;
		pthread_create(&tid[i], NULL, hammer_thread, &h[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		sum.ok += h[i].ok;
		sum.canceled += h[i].canceled;
		sum.nolink += h[i].nolink;
		sum.nodev += h[i].nodev;
		sum.other += h[i].other;
		sum.wrong += h[i].wrong;
		sum.ok_after_error += h[i].ok_after_error;
		if (h[i].other)
			sum.other_err = h[i].other_err;
	}
	close(fd);
	check(!sum.other && !sum.wrong && sum.ok &&
	      (!recover || sum.ok_after_error ||
	       !(sum.canceled + sum.nolink + sum.nodev)),
	      name, "%lu ok (%lu after the first error), %lu ECANCELED, %lu ENOLINK, %lu ENODEV, %lu other (last %d), %lu wrong values",
	      sum.ok, sum.ok_after_error, sum.canceled, sum.nolink, sum.nodev,
	      sum.other, sum.other_err, sum.wrong);
	printf("# %s: %lu ok (%lu after the first error), %lu ECANCELED, %lu ENOLINK, %lu ENODEV, %lu other\n",
	       name, sum.ok, sum.ok_after_error, sum.canceled, sum.nolink,
	       sum.nodev, sum.other);
	return failures ? 1 : 0;
}

static const char *const xfer_names[] = {
	[NVME_KV_XFER_DPTR] = "DPTR", [NVME_KV_XFER_PIGGYBACK] = "PIGGYBACK",
	[NVME_KV_XFER_PIGGYBACK_SERIAL] = "PIGGYBACK_SERIAL",
	[NVME_KV_XFER_APPEND] = "APPEND", [NVME_KV_XFER_AUTO] = "AUTO",
};

static int store_by(int fd, const char *key, const void *val, uint32_t len,
		    unsigned int xfer, uint16_t *st)
{
	struct nvme_kv_cmd c;
	int ret;

	init_cmd(&c, key, (void *)val, len);
	c.flags = xfer;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	*st = c.status;
	return ret;
}

static long long sysfs_stat(const char *dev, const char *name)
{
	char path[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/nvme-kv/%s/stats/%s",
		 strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* the first line of file @path, without its newline, or "" */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f;

	buf[0] = 0;
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, size, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/* sysfs attribute @name of the kv device, or "" */
static void sysfs_attr(const char *dev, const char *name, char *buf,
		       size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/nvme-kv/%s/%s",
		 strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev, name);
	read_line(path, buf, size);
}

/* nvme-kv's module parameter @name, or 0 */
static unsigned long long module_param_u32(const char *name)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), "/sys/module/nvme_kv/parameters/%s", name);
	read_line(path, buf, sizeof(buf));
	return strtoull(buf, NULL, 10);
}

/* the transport of the kv device's controller: loop, tcp, rdma, pcie */
static void kv_transport(const char *dev, char *buf, size_t size)
{
	char ctrl[64], path[256];

	sysfs_attr(dev, "ctrl", ctrl, sizeof(ctrl));
	snprintf(path, sizeof(path), "/sys/class/nvme/%s/transport", ctrl);
	read_line(path, buf, size);
}

static void xfer_value(uint8_t *v, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		v[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/* concurrent PIGGYBACK Stores: each value is "t<thread>s<seq>" repeated */
struct pb_thread {
	int		fd;
	unsigned int	id;
	unsigned long	errors;
};

static void *pb_thread_fn(void *arg)
{
	struct pb_thread *t = arg;
	char key[16], val[1000];
	unsigned int i, j, n;
	uint16_t st;

	for (i = 0; i < 150; i++) {
		/* shared keys 0..3 and a key of its own */
		if (i % 2)
			snprintf(key, sizeof(key), "pb-shared-%u", (i / 2) % 4);
		else
			snprintf(key, sizeof(key), "pb-own-%u", t->id);
		n = snprintf(val, sizeof(val), "t%us%u.", t->id, i);
		for (j = n; j < sizeof(val); j++)
			val[j] = val[j % n];
		if (store_by(t->fd, key, val, 100 + (i * 37) % 900,
			     i % 3 ? NVME_KV_XFER_PIGGYBACK :
			     NVME_KV_XFER_PIGGYBACK_SERIAL, &st))
			t->errors++;
	}
	return NULL;
}

/* a value is whole when it is one thread's pattern all along */
static int pb_whole(const uint8_t *v, size_t len)
{
	size_t n, j;

	for (n = 0; n < len && v[n] != '.'; n++)
		;
	if (n == len || v[0] != 't')
		return 0;
	n++;
	for (j = n; j < len; j++)
		if (v[j] != v[j % n])
			return 0;
	return 1;
}

/* the round trips of one method, sizes first, first + step, ... */
struct rt_thread {
	int		fd;
	unsigned int	method;
	uint32_t	first, step, max;
	unsigned int	bad;
};

static void *rt_thread_fn(void *arg)
{
	static __thread uint8_t val[8192], back[8192];
	struct rt_thread *t = arg;
	uint32_t size;
	char key[16];
	uint16_t st;
	size_t got;
	int ret;

	for (size = t->first; size <= t->max; size += t->step) {
		/* one thread per key, so a Retrieve sees its own Store */
		snprintf(key, sizeof(key), "x%u-%u-%u", t->method, t->first,
			 (size / t->step) % 16);
		xfer_value(val, size, size * 5 + t->method);
		ret = store_by(t->fd, key, val, size, t->method, &st);
		got = 0;
		if (!ret)
			ret = nvmekv_retrieve(t->fd, key, strlen(key), back,
					      sizeof(back), &got, 0, &st);
		if (ret || got != size || memcmp(back, val, size)) {
			if (t->bad++ < 3)
				printf("# method %u size %u: ret %d status 0x%x got %zu\n",
				       t->method, size, ret, st, got);
		}
	}
	return NULL;
}

static int xfer(const char *dev, uint32_t max)
{
	static uint8_t back[NVME_KV_PIGGYBACK_MAX];
	struct rt_thread rt[4];
	pthread_t rtid[4];
	static const unsigned int methods[] = {
		NVME_KV_XFER_DPTR, NVME_KV_XFER_PIGGYBACK,
		NVME_KV_XFER_PIGGYBACK_SERIAL, NVME_KV_XFER_APPEND,
		NVME_KV_XFER_AUTO,
	};
	long long cmds0, pb0, fb0, ap0, dp0;
	unsigned long long want_cmds;
	struct pb_thread th[6];
	pthread_t tid[6];
	unsigned int m, i, bad;
	uint32_t size;
	char key[16], name[160];
	uint16_t st;
	size_t got;
	int fd, ret;

	if (max >= 8192) {
		printf("FAIL xfer: sizes up to 8191 only\n");
		return 1;
	}
	fd = nvmekv_open(dev);
	if (fd < 0) {
		printf("FAIL xfer: open %s: %s\n", dev, strerror(-fd));
		return 1;
	}
	for (m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		cmds0 = sysfs_stat(dev, "commands");
		pb0 = sysfs_stat(dev, methods[m] == NVME_KV_XFER_PIGGYBACK_SERIAL ?
				 "stores_piggyback_serial" : "stores_piggyback");
		fb0 = sysfs_stat(dev, "append_fallbacks");
		ap0 = sysfs_stat(dev, "stores_append");
		dp0 = sysfs_stat(dev, "stores_dptr");
		want_cmds = 0;
		bad = 0;
		for (size = 0; size <= max; size++)
			want_cmds += 1 + (size > NVME_KV_INLINE_SOLO ?
					  (size - NVME_KV_INLINE_HEAD + 31) / 32 : 0);
		/* 4 threads, so Stores of different sizes overlap */
		for (i = 0; i < 4; i++) {
			rt[i] = (struct rt_thread){ .fd = fd, .method = methods[m],
				.first = i, .step = 4, .max = max };
			pthread_create(&rtid[i], NULL, rt_thread_fn, &rt[i]);
		}
		for (i = 0; i < 4; i++) {
			pthread_join(rtid[i], NULL);
			bad += rt[i].bad;
		}
		snprintf(name, sizeof(name),
			 "xfer: every value size 0..%u round-trips byte-exact by %s",
			 max, xfer_names[methods[m]]);
		check(!bad, name, "%u sizes wrong", bad);
		if (methods[m] == NVME_KV_XFER_PIGGYBACK ||
		    methods[m] == NVME_KV_XFER_PIGGYBACK_SERIAL) {
			long long d = sysfs_stat(dev, "commands") - cmds0;
			long long n = sysfs_stat(dev,
				methods[m] == NVME_KV_XFER_PIGGYBACK_SERIAL ?
				"stores_piggyback_serial" : "stores_piggyback") - pb0;

			snprintf(name, sizeof(name),
				 "xfer: %s sends 1 + ceil((size - 12) / 32) commands per Store, as counted in sysfs",
				 xfer_names[methods[m]]);
			check(n == max + 1 && d == (long long)(want_cmds + max + 1),
			      name, "stores %lld commands %lld, want %llu",
			      n, d, want_cmds + max + 1);
		}
		if (methods[m] == NVME_KV_XFER_AUTO) {
			long long pb, ap, dp, cap;
			unsigned long long want_pb, want_ap, amax;
			char tr[32], cs[32];

			kv_transport(dev, tr, sizeof(tr));
			sysfs_attr(dev, "capsule_bytes", cs, sizeof(cs));
			cap = atoll(cs);
			pb = sysfs_stat(dev, "stores_piggyback") - pb0;
			ap = sysfs_stat(dev, "stores_append") - ap0;
			dp = sysfs_stat(dev, "stores_dptr") - dp0;
			/*
			 * The same on every transport: PIGGYBACK to 16 B, then
			 * APPEND to auto_append_max (0 by default) when the
			 * capsule holds it
			 */
			want_pb = NVME_KV_INLINE_SOLO + 1;
			amax = module_param_u32("auto_append_max");
			if (amax > (unsigned long long)cap)
				amax = cap;
			if (amax > max)
				amax = max;
			want_ap = amax > NVME_KV_INLINE_SOLO ?
				  amax - NVME_KV_INLINE_SOLO : 0;
			snprintf(name, sizeof(name),
				 "xfer: AUTO over %s sends %llu sizes by PIGGYBACK, %llu by APPEND and the rest by DPTR",
				 tr, want_pb, want_ap);
			check(pb == (long long)want_pb && ap == (long long)want_ap &&
			      dp == (long long)(max + 1 - want_pb - want_ap),
			      name, "piggyback %lld append %lld dptr %lld",
			      pb, ap, dp);
		}
		if (methods[m] == NVME_KV_XFER_APPEND) {
			long long cap = -1, fb, ap;
			char path[256];
			FILE *f;

			snprintf(path, sizeof(path), "/sys/class/nvme-kv/%s/capsule_bytes",
				 strrchr(dev, '/') + 1);
			f = fopen(path, "r");
			if (f) {
				if (fscanf(f, "%lld", &cap) != 1)
					cap = -1;
				fclose(f);
			}
			fb = sysfs_stat(dev, "append_fallbacks") - fb0;
			ap = sysfs_stat(dev, "stores_append") - ap0;
			check(cap >= 0 && ap == (cap > max ? max + 1 : cap + 1) &&
			      fb == max + 1 - ap &&
			      sysfs_stat(dev, "stores_dptr") - dp0 == fb,
			      "xfer: APPEND carries values up to the capsule size and falls back to DPTR beyond it, counting each fallback",
			      "capsule %lld append %lld fallbacks %lld", cap, ap, fb);
		}
	}

	/* concurrent PIGGYBACK Stores never mix their fragments */
	for (i = 0; i < 6; i++) {
		th[i].fd = fd;
		th[i].id = i;
		th[i].errors = 0;
		pthread_create(&tid[i], NULL, pb_thread_fn, &th[i]);
	}
	bad = 0;
	for (i = 0; i < 6; i++) {
		pthread_join(tid[i], NULL);
		bad += th[i].errors;
	}
	for (i = 0; i < 10; i++) {
		if (i < 4)
			snprintf(key, sizeof(key), "pb-shared-%u", i);
		else
			snprintf(key, sizeof(key), "pb-own-%u", i - 4);
		ret = nvmekv_retrieve(fd, key, strlen(key), back, sizeof(back),
				      &got, 0, &st);
		if (ret || !pb_whole(back, got))
			bad++;
	}
	check(!bad, "xfer: concurrent PIGGYBACK Stores to the same and different keys never mix fragments",
	      "%u errors or mixed values", bad);
	close(fd);
	return failures ? 1 : 0;
}

/*
 * fillrace: a host fill must put in the cache the bytes the target
 * returned, not what the caller's buffer holds afterwards.  Each round
 * stores a new 48-byte value (which invalidates the key's slot), then
 * retrieves it (a miss this host fills) while another thread keeps
 * overwriting the retrieving buffer; a second Retrieve into a clean buffer
 * (a one-sided hit on the slot just filled) must return the stored value.
 */
struct scribble {
	volatile uint8_t	*buf;
	volatile int		stop;
};

static void *scribble_fn(void *arg)
{
	struct scribble *sc = arg;
	unsigned int i;

	while (!sc->stop)
		for (i = 0; i < 48; i++)
			sc->buf[i] = 0xee;
	return NULL;
}

static int fillrace(const char *dev, unsigned int rounds)
{
	static uint8_t buf[4096], want[48], back[48];
	long long fills, hits;
	unsigned int r, bad = 0, errs = 0;
	struct scribble sc = { .buf = buf };
	pthread_t tid;
	size_t len;
	uint16_t st;
	int fd;

	fd = nvmekv_open(dev);
	if (fd < 0) {
		printf("FAIL host fills: open %s: %s\n", dev, strerror(-fd));
		return 1;
	}
	fills = sysfs_stat(dev, "onesided_fills");
	hits = sysfs_stat(dev, "onesided_hits");
	for (r = 0; r < rounds; r++) {
		memset(want, 'a' + r % 26, sizeof(want));
		snprintf((char *)want, sizeof(want), "round %u", r);
		if (nvmekv_store(fd, "fillrace", 8, want, sizeof(want), 0, &st)) {
			errs++;
			continue;
		}
		sc.stop = 0;
		if (pthread_create(&tid, NULL, scribble_fn, &sc)) {
			errs++;
			continue;
		}
		/* what this returns is the caller's own race: not checked */
		nvmekv_retrieve(fd, "fillrace", 8, buf, 48, &len, 0, &st);
		sc.stop = 1;
		pthread_join(tid, NULL);
		memset(back, 0, sizeof(back));
		if (nvmekv_retrieve(fd, "fillrace", 8, back, sizeof(back), &len,
				    0, &st) || len != sizeof(want))
			errs++;
		else if (memcmp(back, want, sizeof(want)))
			bad++;
	}
	fills = sysfs_stat(dev, "onesided_fills") - fills;
	hits = sysfs_stat(dev, "onesided_hits") - hits;
	close(fd);
	check(!bad && !errs && fills >= rounds / 2 && hits >= rounds / 2,
	      "host fills: bytes another thread writes into the Retrieve's buffer during a fill never reach the cache",
	      "%u of %u later hits returned another value, %u errors; %lld fills, %lld hits",
	      bad, rounds, errs, fills, hits);
	return failures ? 1 : 0;
}

/*
 * unbound: a descriptor kept open across the unbind of its namespace.
 * Every later command fails with ENODEV; over rdma the binding's one-sided
 * session is freed by then, and a GET must not touch it (a use after free
 * that KASAN reports, and that nothing else sees).  The caller unbinds
 * once this prints READY, and creates @done_file when the unbind returned.
 */
static int unbound(const char *dev, double seconds, const char *done_file)
{
	char path[256], buf[64];
	struct stat stb;
	double end;
	size_t len;
	uint16_t st;
	int fd, r1, r2, r3, gone = 0;

	fd = nvmekv_open(dev);
	if (fd < 0 || nvmekv_store(fd, "held", 4, "open", 4, 0, &st) ||
	    nvmekv_retrieve(fd, "held", 4, buf, sizeof(buf), &len, 0, &st) ||
	    nvmekv_retrieve(fd, "held", 4, buf, sizeof(buf), &len, 0, &st)) {
		printf("FAIL unbound: %s does not work before the unbind\n", dev);
		return 1;
	}
	printf("READY\n");
	fflush(stdout);
	snprintf(path, sizeof(path), "/sys/class/nvme-kv/%s",
		 strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev);
	/*
	 * The node goes first; the binding lets go of the session and the
	 * controller later, and the caller creates @done_file once the
	 * unbind has returned.  Only then are the commands sent, so that they
	 * meet what the unbind freed, if anything still points there.
	 */
	for (end = now() + seconds; now() < end && !gone;) {
		gone = stat(path, &stb) != 0 && stat(done_file, &stb) == 0;
		usleep(20000);
	}
	r1 = nvmekv_retrieve(fd, "held", 4, buf, sizeof(buf), &len, 0, &st);
	r2 = nvmekv_store(fd, "held", 4, "late", 4, 0, &st);
	r3 = nvmekv_exist(fd, "held", 4, &st);
	close(fd);
	check(gone && r1 == -ENODEV && r2 == -ENODEV && r3 == -ENODEV,
	      "unbind: a descriptor held open across the unbind gets ENODEV for every command",
	      "unbound %d; retrieve %d, store %d, exist %d", gone, r1, r2, r3);
	return failures ? 1 : 0;
}

/*
 * rejects: send @n commands of an opcode no command set defines through
 * the generic char device; each must fail with Invalid Opcode.  The
 * caller counts what the target logged meanwhile.
 */
static int rejects(const char *ng_dev, unsigned int nsid, unsigned int n)
{
	struct nvme_passthru_cmd64 p;
	unsigned int i, bad = 0;
	int ng, ret = 0;

	ng = open(ng_dev, O_RDWR);
	if (ng < 0) {
		printf("FAIL rejects: open %s: %s\n", ng_dev, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		memset(&p, 0, sizeof(p));
		p.opcode = 0xfd;	/* vendor specific, not KV's 81h */
		p.nsid = nsid;
		ret = ioctl(ng, NVME_IOCTL_IO64_CMD, &p);
		if (ret <= 0 || (ret & 0x7ff) != NVME_KV_SC_INVALID_OPCODE)
			bad++;
	}
	close(ng);
	check(!bad, "target: commands of an unknown opcode fail with Invalid Opcode",
	      "%u of %u did not (last ioctl %d)", bad, n, ret);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	char buf[256], big[100];
	struct nvme_kv_cmd c;
	unsigned int nsid;
	size_t len;
	uint16_t st;
	int fd, ng, ret, i;

	if (argc == 7 && !strcmp(argv[1], "hammer"))
		return hammer(argv[2], atof(argv[3]), strtoul(argv[4], NULL, 0),
			      argv[5], !strcmp(argv[6], "recover"));
	if (argc == 5 && !strcmp(argv[1], "rejects"))
		return rejects(argv[2], strtoul(argv[3], NULL, 0),
			       strtoul(argv[4], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "unbound"))
		return unbound(argv[2], atof(argv[3]), argv[4]);
	if (argc == 4 && !strcmp(argv[1], "fillrace"))
		return fillrace(argv[2], strtoul(argv[3], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "xfer"))
		return xfer(argv[2], strtoul(argv[3], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "fuzz"))
		return fuzz(argv[2], strtoul(argv[3], NULL, 0),
			    strtoul(argv[4], NULL, 0));
	if (argc != 4) {
		fprintf(stderr, "usage: %s <kv-device> <ng-device> <nsid>\n",
			argv[0]);
		return 2;
	}
	nsid = strtoul(argv[3], NULL, 0);
	fd = nvmekv_open(argv[1]);
	if (fd < 0) {
		printf("FAIL open %s: %s\n", argv[1], strerror(-fd));
		return 1;
	}

	ret = nvmekv_retrieve(fd, "no-such-key", 11, buf, sizeof(buf), &len,
			      0, &st);
	check(ret == -ENOENT && st == NVME_KV_SC_KEY_NOT_EXISTS,
	      "retrieve of a missing key fails with ENOENT and status 0x87",
	      "ret %d status 0x%03x", ret, st);

	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = 'A' + i % 26;
	ret = nvmekv_store(fd, "sixteen-byte-key", 16, big, sizeof(big), 0, &st);
	check(!ret, "store of 100 bytes under a 16-byte key", "ret %d status 0x%03x",
	      ret, st);
	memset(buf, 0, sizeof(buf));
	ret = nvmekv_retrieve(fd, "sixteen-byte-key", 16, buf, 10, &len, 0, &st);
	check(!ret && len == sizeof(big) && !memcmp(buf, big, 10) && !buf[10],
	      "retrieve with short buffer reports full value size",
	      "ret %d len %zu", ret, len);

	ret = nvmekv_store(fd, "sixteen-byte-key", 16, "x", 1,
			   NVME_KV_STORE_SINKE, &st);
	check(ret == -EEXIST && st == NVME_KV_SC_KEY_EXISTS,
	      "store if absent on an existing key fails with EEXIST and status 0x89",
	      "ret %d status 0x%03x", ret, st);
	ret = nvmekv_store(fd, "absent", 6, "x", 1, NVME_KV_STORE_SIKE, &st);
	check(ret == -ENOENT && st == NVME_KV_SC_KEY_NOT_EXISTS,
	      "store if exists on a missing key fails with ENOENT and status 0x87",
	      "ret %d status 0x%03x", ret, st);

	init_cmd(&c, "k", buf, 4);
	c.key_len = 0;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == -EINVAL, "ioctl rejects key length 0 with EINVAL", "ret %d", ret);
	init_cmd(&c, "k", buf, 4);
	c.key_len = 17;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == -EINVAL, "ioctl rejects key length 17 with EINVAL", "ret %d", ret);
	init_cmd(&c, "k", buf, 4);
	c.rsvd2[2] = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == -EINVAL, "ioctl rejects non-zero reserved fields with EINVAL",
	      "ret %d", ret);
	init_cmd(&c, "k", buf, 4);
	c.rsvd3 = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == -EINVAL, "ioctl rejects a non-zero rsvd3 with EINVAL",
	      "ret %d", ret);
	init_cmd(&c, "timeout-key", buf, 4);
	c.timeout_ms = 30000;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == 0, "ioctl with a timeout of 30000 ms stores", "ret %d", ret);
	nvmekv_delete(fd, "timeout-key", 11, &st);
	init_cmd(&c, "k", buf, 4);
	c.flags = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_RETRIEVE, &c);
	check(ret == -EINVAL, "ioctl rejects unknown flags with EINVAL", "ret %d", ret);
	init_cmd(&c, "k", buf, 4);
	c.options = NVME_KV_STORE_SIKE | NVME_KV_STORE_SINKE;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == -EINVAL, "ioctl rejects store if exists and if absent together",
	      "ret %d", ret);
	init_cmd(&c, "k", buf, 4);
	c.argsz = 8;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == -EINVAL, "ioctl rejects a too small argsz with EINVAL", "ret %d", ret);
	init_cmd(&c, "k", (void *)8, 4096);
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == -EFAULT, "ioctl rejects a bad value pointer with EFAULT", "ret %d", ret);
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, (void *)8);
	check(ret == -EFAULT, "ioctl rejects a bad argument pointer with EFAULT",
	      "ret %d", ret);
	ret = nvmekv_exist(fd, "sixteen-byte-key", 16, &st);
	check(!ret && !st, "exist ioctl of a stored key succeeds", "ret %d status 0x%03x",
	      ret, st);
	ret = nvmekv_delete(fd, "sixteen-byte-key", 16, &st);
	check(!ret, "delete ioctl of a stored key succeeds", "ret %d status 0x%03x", ret, st);
	ret = nvmekv_exist(fd, "sixteen-byte-key", 16, &st);
	check(ret == -ENOENT && st == NVME_KV_SC_KEY_NOT_EXISTS,
	      "exist ioctl of a deleted key fails with ENOENT and status 0x87",
	      "ret %d status 0x%03x", ret, st);
	ret = nvmekv_delete(fd, "sixteen-byte-key", 16, &st);
	check(ret == -ENOENT && st == NVME_KV_SC_KEY_NOT_EXISTS,
	      "delete ioctl of a missing key fails with ENOENT and status 0x87",
	      "ret %d status 0x%03x", ret, st);
	init_cmd(&c, "k", buf, 4);
	ret = kv_ioctl(fd, NVME_KV_IOCTL_DELETE, &c);
	check(ret == -EINVAL, "delete ioctl with a value buffer fails with EINVAL",
	      "ret %d", ret);
	init_cmd(&c, "k", NULL, 0);
	c.options = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_EXIST, &c);
	check(ret == -EINVAL, "exist ioctl with option bits fails with EINVAL", "ret %d", ret);
	ret = kv_ioctl(fd, _IOWR(NVME_KV_IOCTL_TYPE, 0x7f, struct nvme_kv_cmd), &c);
	check(ret == -ENOTTY, "unknown ioctl fails with ENOTTY", "ret %d", ret);
	test_list(fd);
	test_identify(fd, nsid);
	test_batch(fd);
	test_eacces(argv[1]);
	test_readonly(fd, argv[1]);
	nvmekv_close(fd);

	ng = open(argv[2], O_RDWR);
	if (ng < 0) {
		printf("FAIL open %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	ret = raw_store(ng, nsid, 0);
	check(ret > 0 && (ret & 0x7ff) == NVME_KV_SC_INVALID_KEY_SIZE,
	      "target rejects key length 0 with Invalid Key Size (0x86)",
	      "ioctl returned %d (0x%x)", ret, ret);
	ret = raw_store(ng, nsid, 17);
	check(ret > 0 && (ret & 0x7ff) == NVME_KV_SC_INVALID_KEY_SIZE,
	      "target rejects key length 17 with Invalid Key Size (0x86)",
	      "ioctl returned %d (0x%x)", ret, ret);
	ret = raw_store(ng, nsid, 4 | (NVME_KV_STORE_SIKE | NVME_KV_STORE_SINKE) << 8);
	check(ret > 0 && (ret & 0x7ff) == NVME_KV_SC_INVALID_FIELD,
	      "target rejects store if exists and if absent together with Invalid Field",
	      "ioctl returned %d (0x%x)", ret, ret);
	close(ng);

	return failures ? 1 : 0;
}
