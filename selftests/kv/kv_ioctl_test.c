// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest checks of the nvme-kv ioctls and of the target's answers to
 * malformed KV commands.
 *
 *   kv_ioctl_test <kv-device> <ng-device> <nsid>
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
#include <sys/ioctl.h>
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

int main(int argc, char **argv)
{
	char buf[256], big[100];
	struct nvme_kv_cmd c;
	unsigned int nsid;
	size_t len;
	uint16_t st;
	int fd, ng, ret, i;

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
	c.rsvd2[3] = 1;
	ret = kv_ioctl(fd, NVME_KV_IOCTL_STORE, &c);
	check(ret == -EINVAL, "ioctl rejects non-zero reserved fields with EINVAL",
	      "ret %d", ret);
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
