// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_URING_CMD on /dev/kvXnY (uapi/linux/nvme_kv.h, "io_uring"),
 * with liburing:
 *   kv_uring_test <kv-device>
 * Each operation through the ring with values of 0..4096 bytes by every
 * transfer method, from a registered (fixed) buffer too; one thread
 * keeping 1..256 commands in flight over a key space whose final state is
 * checked against a model; malformed SQEs refused with nothing sent; the
 * ring closed with commands in flight.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>
#include "check.h"
#include "../../userspace/libnvmekv/nvmekv.h"

#define DEPTH_MAX	256

static char sysfs_stats[512];

/* a counter of the namespace, sysfs stats/<name> */
static unsigned long long stat_of(const char *name)
{
	char path[600];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysfs_stats, name);
	f = fopen(path, "r");
	if (!f)
		return ~0ULL;
	if (fscanf(f, "%llu", &v) != 1)
		v = ~0ULL;
	fclose(f);
	return v;
}

static void fill_cmd(struct nvme_kv_cmd *c, const void *key, size_t key_len,
		     void *value, uint32_t value_len, uint32_t xfer)
{
	memset(c, 0, sizeof(*c));
	c->argsz = sizeof(*c);
	c->flags = xfer;
	c->key_len = key_len;
	memcpy(c->key, key, key_len);
	c->value = (uintptr_t)value;
	c->value_len = value_len;
}

/* queue one command; the SQE's user_data is @tag */
static struct io_uring_sqe *prep(struct io_uring *ring, int fd,
				 unsigned int op, const struct nvme_kv_cmd *c,
				 uint64_t tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return NULL;
	memset(sqe, 0, 2 * sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = op;
	sqe->user_data = tag;
	memcpy(sqe->cmd, c, sizeof(*c));
	return sqe;
}

struct outcome {
	int		res;
	uint32_t	result;
	uint16_t	status;
};

/* submit what is queued and wait for one completion */
static int reap(struct io_uring *ring, uint64_t *tag, struct outcome *o)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret)
		return ret;
	*tag = cqe->user_data;
	o->res = cqe->res;
	o->result = NVME_KV_URING_RESULT(cqe->big_cqe[0]);
	o->status = NVME_KV_URING_STATUS(cqe->big_cqe[0]);
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

/* one command, submitted and waited for */
static int run1(struct io_uring *ring, int fd, unsigned int op,
		const struct nvme_kv_cmd *c, struct outcome *o)
{
	uint64_t tag;

	if (!prep(ring, fd, op, c, 1) || io_uring_submit(ring) != 1)
		return -EIO;
	return reap(ring, &tag, o);
}

/* one command on registered buffer 0, submitted and waited for */
static int run1_fixed(struct io_uring *ring, int fd, unsigned int op,
		      const struct nvme_kv_cmd *c, struct outcome *o)
{
	struct io_uring_sqe *sqe = prep(ring, fd, op, c, 1);
	uint64_t tag;

	if (!sqe)
		return -EIO;
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = 0;
	if (io_uring_submit(ring) != 1)
		return -EIO;
	return reap(ring, &tag, o);
}

static const char *const xfer_names[] = {
	"default", "dptr", "piggyback", "piggyback_serial", "append", "auto",
};

static void test_ops(struct io_uring *ring, int fd)
{
	static const uint32_t sizes[] = { 0, 1, 16, 17, 64, 100, 1000, 4096 };
	static unsigned char val[4096], back[4096 + 64];
	unsigned int s, x, bad = 0, n = 0;
	struct nvme_kv_cmd c;
	struct outcome o;
	char key[16];
	int ret;

	for (x = NVME_KV_XFER_DEFAULT; x <= NVME_KV_XFER_AUTO; x++) {
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			uint32_t len = sizes[s];
			unsigned int i;

			for (i = 0; i < len; i++)
				val[i] = (unsigned char)(i * 7 + x + s);
			snprintf(key, sizeof(key), "u-%u-%u", x, len);
			fill_cmd(&c, key, strlen(key), val, len, x);
			ret = run1(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
			n++;
			if (ret || o.res || o.status) {
				if (!bad++)
					printf("# store %s %u bytes: ret %d res %d status 0x%x\n",
					       xfer_names[x], len, ret, o.res,
					       o.status);
				continue;
			}
			memset(back, 0xa5, sizeof(back));
			fill_cmd(&c, key, strlen(key), back, sizeof(back), 0);
			ret = run1(ring, fd, NVME_KV_IOCTL_RETRIEVE, &c, &o);
			if (ret || o.res || o.result != len ||
			    memcmp(back, val, len) ||
			    (len < sizeof(back) && back[len] != 0)) {
				if (!bad++)
					printf("# retrieve %s %u bytes: ret %d res %d result %u\n",
					       xfer_names[x], len, ret, o.res,
					       o.result);
			}
		}
	}
	check(!bad, "uring: store and retrieve of 0..4096-byte values by every transfer method",
	      "%u of %u wrong", bad, n);

	fill_cmd(&c, "u-1-64", 6, NULL, 0, 0);
	ret = run1(ring, fd, NVME_KV_IOCTL_EXIST, &c, &o);
	check(!ret && o.res == 0 && o.status == 0, "uring: exist of a stored key",
	      "ret %d res %d status 0x%x", ret, o.res, o.status);
	ret = run1(ring, fd, NVME_KV_IOCTL_DELETE, &c, &o);
	check(!ret && o.res == 0, "uring: delete", "ret %d res %d", ret, o.res);
	ret = run1(ring, fd, NVME_KV_IOCTL_EXIST, &c, &o);
	check(!ret && o.res == -ENOENT && o.status == NVME_KV_SC_KEY_NOT_EXISTS,
	      "uring: exist of a deleted key: ENOENT and status 0x87 in the CQE",
	      "ret %d res %d status 0x%x", ret, o.res, o.status);
	fill_cmd(&c, "u-1-64", 6, back, 64, 0);
	ret = run1(ring, fd, NVME_KV_IOCTL_RETRIEVE, &c, &o);
	check(!ret && o.res == -ENOENT && o.status == NVME_KV_SC_KEY_NOT_EXISTS,
	      "uring: retrieve of a deleted key: ENOENT and status 0x87",
	      "ret %d res %d status 0x%x", ret, o.res, o.status);

	/* List from "u-" on: the first key listed is one of ours */
	memset(back, 0, sizeof(back));
	fill_cmd(&c, "u-", 2, back, sizeof(back), 0);
	ret = run1(ring, fd, NVME_KV_IOCTL_LIST, &c, &o);
	check(!ret && o.res == 0 && nvme_kv_get_le32(back) > 0 &&
	      !memcmp(back + 6, "u-", 2),
	      "uring: list from a start key returns keys from it on",
	      "ret %d res %d count %u", ret, o.res, nvme_kv_get_le32(back));
}

/* a Store and a Retrieve from a registered buffer (IORING_URING_CMD_FIXED) */
static void test_fixed(struct io_uring *ring, int fd)
{
	static unsigned char buf[8192] __attribute__((aligned(4096)));
	struct nvme_kv_cmd c;
	struct outcome o;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	size_t len;
	int ret, i;

	ret = io_uring_register_buffers(ring, &iov, 1);
	if (ret) {
		check(0, "uring: register a fixed buffer", "%s", strerror(-ret));
		return;
	}
	for (i = 0; i < 3000; i++)
		buf[i] = (unsigned char)(i * 13);
	fill_cmd(&c, "u-fixed", 7, buf, 3000, NVME_KV_XFER_DPTR);
	ret = run1_fixed(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
	check(!ret && o.res == 0, "uring: store from a fixed buffer",
	      "ret %d res %d", ret, o.res);
	fill_cmd(&c, "u-fixed", 7, buf + 4096, 4096, 0);
	ret = run1_fixed(ring, fd, NVME_KV_IOCTL_RETRIEVE, &c, &o);
	check(!ret && o.res == 0 && o.result == 3000 &&
	      !memcmp(buf, buf + 4096, 3000),
	      "uring: retrieve into a fixed buffer",
	      "ret %d res %d result %u", ret, o.res, o.result);
	/* a value that runs past the registered buffer */
	fill_cmd(&c, "u-fixed", 7, buf + 4096, 8192, 0);
	ret = run1_fixed(ring, fd, NVME_KV_IOCTL_RETRIEVE, &c, &o);
	check(!ret && o.res == -EFAULT,
	      "uring: a buffer past the end of the fixed buffer gets EFAULT",
	      "ret %d res %d", ret, o.res);
	/* PIGGYBACK runs from io-wq by another path: the same rules */
	fill_cmd(&c, "u-fixed-pb", 10, buf + 100, 200, NVME_KV_XFER_PIGGYBACK);
	ret = run1_fixed(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
	check(!ret && o.res == 0 &&
	      !nvmekv_retrieve(fd, "u-fixed-pb", 10, buf + 4096, 4096, &len, 0,
			       NULL) &&
	      len == 200 && !memcmp(buf + 100, buf + 4096, 200),
	      "uring: a PIGGYBACK store from a fixed buffer stores its bytes",
	      "ret %d res %d", ret, o.res);
	fill_cmd(&c, "u-fixed-pb", 10, buf + 8000, 300, NVME_KV_XFER_PIGGYBACK);
	ret = run1_fixed(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
	check(!ret && o.res == -EFAULT,
	      "uring: a PIGGYBACK store past the end of the fixed buffer gets EFAULT",
	      "ret %d res %d", ret, o.res);
	io_uring_unregister_buffers(ring);
}

/* malformed SQEs: refused, and nothing reaches the device */
static void test_malformed(struct io_uring *ring, int fd)
{
	unsigned long long before = stat_of("commands");
	struct nvme_kv_cmd c;
	struct outcome o;
	char v[8] = "x";
	int ret, bad = 0;

	fill_cmd(&c, "u-bad", 5, v, 1, 0);
	c.argsz = 72;
	ret = run1(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
	bad += !(ret == 0 && o.res == -EINVAL);
	fill_cmd(&c, "u-bad", 5, v, 1, 0);
	c.key_len = 17;
	ret = run1(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
	bad += !(ret == 0 && o.res == -EINVAL);
	fill_cmd(&c, "u-bad", 5, v, 1, 0);
	c.rsvd2[1] = 1;
	ret = run1(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
	bad += !(ret == 0 && o.res == -EINVAL);
	fill_cmd(&c, "u-bad", 5, v, 1, 0);
	c.status = 1;
	ret = run1(ring, fd, NVME_KV_IOCTL_RETRIEVE, &c, &o);
	bad += !(ret == 0 && o.res == -EINVAL);
	fill_cmd(&c, "u-bad", 5, v, 1, 0);
	c.flags = 0x100;
	ret = run1(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
	bad += !(ret == 0 && o.res == -EINVAL);
	fill_cmd(&c, "u-bad", 5, NULL, 0, 0);
	c.value_len = 4;	/* Exist moves no data */
	ret = run1(ring, fd, NVME_KV_IOCTL_EXIST, &c, &o);
	bad += !(ret == 0 && o.res == -EINVAL);
	check(!bad && stat_of("commands") == before,
	      "uring: malformed SQEs get EINVAL and send no command",
	      "%d not refused, commands %llu -> %llu", bad, before,
	      stat_of("commands"));

	fill_cmd(&c, "u-bad", 5, v, 1, 0);
	ret = run1(ring, fd, NVME_KV_IOCTL_IDENTIFY, &c, &o);
	check(ret == 0 && o.res == -ENOTTY, "uring: an operation the ring does not carry gets ENOTTY",
	      "ret %d res %d", ret, o.res);
	fill_cmd(&c, "u-bad", 5, (void *)8, 4096, NVME_KV_XFER_DPTR);
	ret = run1(ring, fd, NVME_KV_IOCTL_STORE, &c, &o);
	check(ret == 0 && o.res == -EFAULT, "uring: a bad value pointer gets EFAULT",
	      "ret %d res %d", ret, o.res);
	fill_cmd(&c, "u-bad", 5, NULL, 0, 0);
	ret = run1(ring, fd, NVME_KV_IOCTL_EXIST, &c, &o);
	check(ret == 0 && o.res == -ENOENT,
	      "uring: none of the refused Stores stored", "res %d", o.res);
}

/* a ring without SQE128 is refused */
static void test_sqe64(int fd)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret) {
		check(0, "uring: a 64-byte SQE ring", "init %d", ret);
		return;
	}
	sqe = io_uring_get_sqe(&ring);
	if (!sqe) {
		check(0, "uring: a 64-byte SQE ring", "no SQE");
		io_uring_queue_exit(&ring);
		return;
	}
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = NVME_KV_IOCTL_EXIST;
	io_uring_submit(&ring);
	ret = io_uring_wait_cqe(&ring, &cqe);
	check(!ret && cqe->res == -EINVAL,
	      "uring: a ring without IORING_SETUP_SQE128 gets EINVAL",
	      "ret %d res %d", ret, ret ? 0 : cqe->res);
	if (!ret)
		io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

/*
 * One thread, @depth commands in flight on 4 * DEPTH_MAX keys: each
 * slot owns its keys (key k belongs to slot k % depth), so a key never
 * has two commands in flight and the model knows its final state.  Random
 * Stores (with random lengths and methods), Deletes and Retrieves checked
 * on the fly; then every key read back against the model.
 */
#define NKEYS	(4 * DEPTH_MAX)
struct slot {
	struct nvme_kv_cmd	c;
	unsigned int		op;
	unsigned int		key;
	uint32_t		len;
	unsigned char		buf[512];
};

static unsigned int rnd_state = 12345;
static unsigned int rnd(void)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return rnd_state >> 8;
}

/* model: length of the value of each key, -1 when absent; its bytes
 * come from (key, generation) */
static int model_len[NKEYS];
static unsigned int model_gen[NKEYS];

static void value_of(unsigned int key, unsigned int gen, unsigned char *b,
		     uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		b[i] = (unsigned char)(key * 31 + gen * 7 + i);
}

static void depth_key(char *k, unsigned int key)
{
	snprintf(k, 16, "qd-%04u", key);
}

static int issue(struct io_uring *ring, int fd, struct slot *sl,
		 unsigned int idx, unsigned int depth, unsigned int round)
{
	char k[16];
	unsigned int r = rnd() % 10;

	sl->key = idx + depth * (rnd() % (NKEYS / depth));
	depth_key(k, sl->key);
	if (r < 5) {
		sl->op = NVME_KV_IOCTL_STORE;
		sl->len = rnd() % sizeof(sl->buf);
		model_gen[sl->key] = round;
		value_of(sl->key, round, sl->buf, sl->len);
		fill_cmd(&sl->c, k, strlen(k), sl->buf, sl->len,
			 rnd() % (NVME_KV_XFER_AUTO + 1));
	} else if (r < 7) {
		sl->op = NVME_KV_IOCTL_DELETE;
		fill_cmd(&sl->c, k, strlen(k), NULL, 0, 0);
	} else {
		sl->op = NVME_KV_IOCTL_RETRIEVE;
		memset(sl->buf, 0, sizeof(sl->buf));
		fill_cmd(&sl->c, k, strlen(k), sl->buf, sizeof(sl->buf), 0);
	}
	return prep(ring, fd, sl->op, &sl->c, idx) ? 0 : -EBUSY;
}

/* check a completion against the model and update it; 0 when right */
static int complete_slot(struct slot *sl, const struct outcome *o)
{
	static unsigned char want[512];
	int cur = model_len[sl->key];

	switch (sl->op) {
	case NVME_KV_IOCTL_STORE:
		if (o->res)
			return -1;
		model_len[sl->key] = sl->len;
		return 0;
	case NVME_KV_IOCTL_DELETE:
		if (cur < 0 ? o->res != -ENOENT : o->res != 0)
			return -1;
		model_len[sl->key] = -1;
		return 0;
	default:
		if (cur < 0)
			return o->res == -ENOENT ? 0 : -1;
		if (o->res || o->result != (uint32_t)cur)
			return -1;
		value_of(sl->key, model_gen[sl->key], want, cur);
		return memcmp(sl->buf, want, cur) ? -1 : 0;
	}
}

static void test_depth(struct io_uring *ring, int fd, unsigned int depth,
		       unsigned int ops)
{
	static struct slot slots[DEPTH_MAX];
	static unsigned char back[512];
	unsigned int i, sent = 0, done = 0, wrong = 0, final_bad = 0;
	struct nvme_kv_cmd c;
	struct outcome o;
	uint64_t tag;
	char k[16];
	int ret;

	/* start from a known state: every key deleted */
	for (i = 0; i < NKEYS; i++) {
		depth_key(k, i);
		nvmekv_delete(fd, k, strlen(k), NULL);
		model_len[i] = -1;
	}
	for (i = 0; i < depth && sent < ops; i++, sent++)
		issue(ring, fd, &slots[i], i, depth, sent + 1);
	while (done < sent) {
		io_uring_submit(ring);
		ret = reap(ring, &tag, &o);
		if (ret) {
			printf("# reap: %s\n", strerror(-ret));
			break;
		}
		done++;
		if (complete_slot(&slots[tag], &o)) {
			if (!wrong++)
				printf("# qd %u: op 0x%x key %u res %d result %u model %d\n",
				       depth, slots[tag].op, slots[tag].key,
				       o.res, o.result, model_len[slots[tag].key]);
		}
		if (sent < ops) {
			issue(ring, fd, &slots[tag], tag, depth, sent + 1);
			sent++;
		}
	}
	/* the final state, key by key, against the model */
	for (i = 0; i < NKEYS; i++) {
		depth_key(k, i);
		fill_cmd(&c, k, strlen(k), back, sizeof(back), 0);
		ret = run1(ring, fd, NVME_KV_IOCTL_RETRIEVE, &c, &o);
		if (ret) {
			final_bad++;
			continue;
		}
		if (model_len[i] < 0) {
			final_bad += o.res != -ENOENT;
		} else {
			static unsigned char want[512];

			value_of(i, model_gen[i], want, model_len[i]);
			final_bad += o.res || o.result != (uint32_t)model_len[i] ||
				     memcmp(back, want, model_len[i]);
		}
	}
	{
		char name[128];

		snprintf(name, sizeof(name),
			 "uring: %u operations at depth %u from one thread, every one and the final state of %u keys as the model says",
			 ops, depth, NKEYS);
		check(done == sent && !wrong && !final_bad, name,
		      "%u of %u completed, %u wrong, %u keys wrong at the end",
		      done, sent, wrong, final_bad);
	}
}

/* the ring closes with commands in flight: close() returns, all CQEs are
 * gone with it, and the namespace still works */
static void test_close_inflight(const char *dev)
{
	static unsigned char bufs[64][256];
	struct io_uring ring;
	struct nvme_kv_cmd c;
	char k[16];
	int fd, ret, i;

	fd = open(dev, O_RDWR);
	ret = io_uring_queue_init(64, &ring, IORING_SETUP_SQE128 |
				  IORING_SETUP_CQE32);
	if (fd < 0 || ret) {
		check(0, "uring: ring closed with commands in flight", "setup");
		return;
	}
	for (i = 0; i < 64; i++) {
		snprintf(k, sizeof(k), "close-%d", i);
		fill_cmd(&c, k, strlen(k), bufs[i], sizeof(bufs[i]),
			 i % 2 ? NVME_KV_XFER_DPTR : NVME_KV_XFER_PIGGYBACK);
		prep(&ring, fd, NVME_KV_IOCTL_STORE, &c, i);
	}
	ret = io_uring_submit(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	fd = nvmekv_open(dev);
	ret = fd < 0 ? fd : nvmekv_store(fd, "close-after", 11, "x", 1, 0, NULL);
	check(ret == 0, "uring: a ring closed with 64 commands in flight leaves the namespace working",
	      "ret %d", ret);
	for (i = 0; fd >= 0 && i < 64; i++) {
		snprintf(k, sizeof(k), "close-%d", i);
		nvmekv_delete(fd, k, strlen(k), NULL);
	}
	if (fd >= 0) {
		nvmekv_delete(fd, "close-after", 11, NULL);
		close(fd);
	}
}

/* libnvmekv's queue: 256 Stores (SINKE), again (all EEXIST), Retrieves */
static unsigned int lib_done_calls;
static void lib_done(struct nvmekv_op *op)
{
	lib_done_calls += op->private == &lib_done_calls;
}

static void test_lib(int fd)
{
	enum { N = 256, QD = 32 };
	static struct nvmekv_op ops[N];
	static unsigned char vals[N][100], back[N][128];
	static char keys[N][16];
	struct nvmekv_op *got[QD];
	struct nvmekv_queue *q;
	unsigned int pass, i, next, reaped, bad = 0;
	int ret, n;

	ret = nvmekv_queue_init(fd, QD, &q);
	if (ret) {
		check(0, "lib: nvmekv_queue_init", "%s", strerror(-ret));
		return;
	}
	for (i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "lq-%u", i);
		nvmekv_delete(fd, keys[i], strlen(keys[i]), NULL);
		memset(vals[i], (int)i, sizeof(vals[i]));
	}
	for (pass = 0; pass < 3; pass++) {
		memset(ops, 0, sizeof(ops));
		for (i = 0; i < N; i++) {
			ops[i].key = keys[i];
			ops[i].key_len = strlen(keys[i]);
			ops[i].done = lib_done;
			ops[i].private = &lib_done_calls;
			if (pass < 2) {
				ops[i].opcode = NVME_KV_CMD_STORE;
				ops[i].value = vals[i];
				ops[i].value_len = 1 + i % 100;
				ops[i].options = NVME_KV_STORE_SINKE;
				ops[i].xfer = i % (NVME_KV_XFER_AUTO + 1);
			} else {
				ops[i].opcode = NVME_KV_CMD_RETRIEVE;
				ops[i].value = back[i];
				ops[i].value_len = sizeof(back[i]);
			}
		}
		next = 0;
		reaped = 0;
		while (reaped < N) {
			while (next < N && !nvmekv_queue_submit(q, &ops[next]))
				next++;
			if (nvmekv_queue_commit(q) < 0)
				break;
			n = nvmekv_queue_reap(q, 1, NULL, got, QD);
			if (n <= 0)
				break;
			reaped += n;
		}
		for (i = 0; i < N; i++) {
			if (pass == 0)
				bad += ops[i].error != 0;
			else if (pass == 1)
				bad += ops[i].error != -EEXIST ||
				       ops[i].status != NVME_KV_SC_KEY_EXISTS;
			else
				bad += ops[i].error ||
				       ops[i].result != 1 + i % 100 ||
				       memcmp(back[i], vals[i], 1 + i % 100);
		}
		if (reaped != N)
			bad += N - reaped;
	}
	check(!bad && lib_done_calls == 3 * N && !nvmekv_queue_inflight(q),
	      "lib: nvmekv_queue at depth 32: 256 Stores with SINKE by every method, again (EEXIST, status 0x89), then Retrieves, each done callback once",
	      "%u wrong, %u callbacks", bad, lib_done_calls);
	ops[0].opcode = NVME_KV_CMD_EXIST;
	ops[0].key_len = 17;
	ret = nvmekv_queue_submit(q, &ops[0]);
	check(ret == -EINVAL, "lib: nvmekv_queue_submit refuses a 17-byte key",
	      "ret %d", ret);
	for (i = 0; i < N; i++)
		nvmekv_delete(fd, keys[i], strlen(keys[i]), NULL);
	nvmekv_queue_free(q);
}

/* reread: a stored value read 4 times through the ring (over rdma the
 * later reads are one-sided hits, which the caller counts) */
static int reread(const char *dev)
{
	unsigned char val[32], back[64];
	struct nvme_kv_cmd c;
	struct io_uring ring;
	struct outcome o;
	int fd, ret, i, bad = 0;

	fd = open(dev, O_RDWR);
	if (fd < 0 || io_uring_queue_init(4, &ring, IORING_SETUP_SQE128 |
					   IORING_SETUP_CQE32)) {
		printf("FAIL uring: reread: setup\n");
		return 1;
	}
	memset(val, 0x5a, sizeof(val));
	ret = nvmekv_store(fd, "u-hit", 5, val, sizeof(val), 0, NULL);
	for (i = 0; !ret && i < 4; i++) {
		memset(back, 0xff, sizeof(back));
		fill_cmd(&c, "u-hit", 5, back, sizeof(back), 0);
		ret = run1(&ring, fd, NVME_KV_IOCTL_RETRIEVE, &c, &o);
		bad += ret || o.res || o.result != sizeof(val) ||
		       memcmp(back, val, sizeof(val)) || back[40];
	}
	check(!ret && !bad, "uring: a 32-byte value read 4 times through the ring",
	      "ret %d, %d wrong", ret, bad);
	io_uring_queue_exit(&ring);
	close(fd);
	return failures ? 1 : 0;
}

/*
 * inflight: keep 64 Stores and Retrieves in flight through the ring for up
 * to @secs seconds, or until the device goes (a disconnect or an unbind
 * the caller makes meanwhile): every command must end, with success or
 * ECANCELED, ENOLINK or ENODEV, and the ring must drain.
 */
static int inflight(const char *dev, double secs, const char *name)
{
	enum { QD = 64 };
	static unsigned char bufs[QD][256];
	unsigned long ok = 0, canceled = 0, nolink = 0, nodev = 0, other = 0;
	unsigned int i, live = 0, n = 0;
	struct timespec t0, t;
	struct io_uring ring;
	struct nvme_kv_cmd c;
	struct outcome o;
	int fd, stop = 0, last = 0;
	uint64_t tag;
	char k[16];

	fd = open(dev, O_RDWR);
	if (fd < 0 || io_uring_queue_init(QD, &ring, IORING_SETUP_SQE128 |
					   IORING_SETUP_CQE32)) {
		printf("FAIL %s: setup\n", name);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < QD; i++) {
		snprintf(k, sizeof(k), "inflight-%u", i);
		fill_cmd(&c, k, strlen(k), bufs[i], sizeof(bufs[i]), 0);
		prep(&ring, fd, i % 2 ? NVME_KV_IOCTL_RETRIEVE :
			 NVME_KV_IOCTL_STORE, &c, i);
		live++;
	}
	while (live) {
		io_uring_submit(&ring);
		if (reap(&ring, &tag, &o))
			break;
		live--;
		switch (o.res) {
		case 0:
		case -ENOENT:	/* a Retrieve before its Store */
			ok++;
			break;
		case -ECANCELED:
			canceled++;
			break;
		case -ENOLINK:
			nolink++;
			break;
		case -ENODEV:
			nodev++;
			break;
		default:
			other++;
			last = o.res;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (o.res == -ENODEV ||
		    (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 > secs)
			stop = 1;
		if (stop)
			continue;
		snprintf(k, sizeof(k), "inflight-%u", (unsigned int)tag);
		fill_cmd(&c, k, strlen(k), bufs[tag], sizeof(bufs[tag]), 0);
		prep(&ring, fd, n++ % 2 ? NVME_KV_IOCTL_RETRIEVE :
			 NVME_KV_IOCTL_STORE, &c, tag);
		live++;
	}
	check(!live && !other && ok, name,
	      "%u never ended, %lu ok, %lu ECANCELED, %lu ENOLINK, %lu ENODEV, %lu other (last %d)",
	      live, ok, canceled, nolink, nodev, other, last);
	printf("# %s: %lu ok, %lu ECANCELED, %lu ENOLINK, %lu ENODEV, %lu other\n",
	       name, ok, canceled, nolink, nodev, other);
	io_uring_queue_exit(&ring);
	close(fd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const unsigned int depths[] = { 1, 4, 16, 64, 256 };
	struct io_uring ring;
	const char *name;
	unsigned int i;
	int fd, ret;

	if (argc == 3 && !strcmp(argv[1], "reread"))
		return reread(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "inflight"))
		return inflight(argv[2], atof(argv[3]), argv[4]);
	if (argc != 2) {
		fprintf(stderr, "usage: %s [reread] <kv-device>\n", argv[0]);
		return 2;
	}
	name = strrchr(argv[1], '/');
	snprintf(sysfs_stats, sizeof(sysfs_stats), "/sys/class/nvme-kv/%s/stats",
		 name ? name + 1 : argv[1]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		printf("FAIL uring: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	ret = io_uring_queue_init(DEPTH_MAX, &ring, IORING_SETUP_SQE128 |
				  IORING_SETUP_CQE32);
	if (ret) {
		printf("FAIL uring: io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	test_ops(&ring, fd);
	test_fixed(&ring, fd);
	test_malformed(&ring, fd);
	test_sqe64(fd);
	for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++)
		test_depth(&ring, fd, depths[i], 2000);
	io_uring_queue_exit(&ring);
	test_lib(fd);
	close(fd);
	test_close_inflight(argv[1]);
	return failures ? 1 : 0;
}
