// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile-host run: a bad host floods a KV namespace with random and
 * adversarial commands while a good host stores and reads its own pairs.
 *
 *   kv_hostile flood <ng> <nsid> <count> <seed> <threads> [<mix> <seconds>]
 *	<count> commands through the generic char device, spread over
 *	<threads> threads, or fewer if <seconds> pass first.  The mix:
 *	"all" (the default): every opcode 00h-FFh with random dwords, KV
 *	commands (Store, Retrieve, Delete, Exist, List, Transfer 81h,
 *	Locate 82h) with key lengths 0-255, value sizes that disagree with
 *	the buffer, random options, and random buffers of 0 to 128 KiB;
 *	"list": well-formed Lists from random start keys into buffers of
 *	4 B to 128 KiB, each as much work as the target lets one List be;
 *	"transfer": Transfer fragments of random tags that no Store ever
 *	commits, each held by the target until it expires or its
 *	controller goes, so the flood runs into the reassembly caps.
 *	Prints "FLOOD sent <n> completed <c> failed <f> refused <r>
 *	timeouts <t> seconds <s> cap_exceeded <x>": completed with status
 *	0, failed with an NVMe status (<x> of them Transfer Cap Exceeded,
 *	C4h), refused by the host driver before sending (an errno such as
 *	EINVAL), timed out or aborted (status 371h/370h or EINTR).
 *	Exits 1 if any command timed out: the target must answer them all.
 *   kv_hostile fill <kv> <keys>
 *	the good host stores "good-<i>" with values derived from i
 *   kv_hostile read <kv> <keys> <seconds>
 *	the good host retrieves random keys of them for <seconds>, checks
 *	each value byte for byte, prints "READ n <n> mismatches <m> p50_us
 *	<x> p99_us <y>"; exits 1 on a mismatch or an error
 *   kv_hostile check <kv> <keys>
 *	every pair of fill reads back byte-exact: "CHECK keys <n> bad <b>"
 *
 * <kv> is nvme-kv's /dev/kvXnY: the good host's commands go through its
 * own controller, whichever path the bad host's namespace head uses.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kv_passthru.h"
#include "nvmekv.h"

#define GOOD_VALUE_MAX	2048
#define FLOOD_BUF_MAX	(128 << 10)

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- the bad host ---- */

enum flood_mix { MIX_ALL, MIX_LIST, MIX_TRANSFER };

struct flood {
	pthread_t	tid;
	int		fd;
	uint32_t	nsid;
	enum flood_mix	mix;
	unsigned long	count;
	double		deadline;	/* now_s() at which to stop */
	uint64_t	seed;
	unsigned long	sent, completed, failed, refused, timeouts;
	unsigned long	cap_exceeded;	/* of failed: Transfer Cap Exceeded */
	uint8_t		*buf;
};

/* a data length: mostly small, sometimes odd, sometimes large */
static uint32_t flood_len(uint64_t *s)
{
	switch (xorshift(s) % 8) {
	case 0:
		return 0;
	case 1:
		return 1 + xorshift(s) % 64;
	case 2:
	case 3:
		return 1 + xorshift(s) % 4096;
	case 4:
		return 4096 * (1 + xorshift(s) % 8);
	case 5:
		return xorshift(s) % FLOOD_BUF_MAX + 1;
	default:
		return xorshift(s) % 512;
	}
}

/* a value size field: agreeing with the buffer, or not at all */
static uint32_t flood_size(uint64_t *s, uint32_t len)
{
	switch (xorshift(s) % 6) {
	case 0:
		return len;
	case 1:
		return len + 1;
	case 2:
		return len ? len - 1 : 0;
	case 3:
		return (uint32_t)xorshift(s);
	case 4:
		return 0xffffffffu - xorshift(s) % 16;
	default:
		return xorshift(s) % (1 << 20);
	}
}

static const uint8_t kv_opcodes[] = {
	NVME_KV_CMD_STORE, NVME_KV_CMD_RETRIEVE, NVME_KV_CMD_LIST,
	NVME_KV_CMD_DELETE, NVME_KV_CMD_EXIST, NVME_KV_CMD_TRANSFER,
	NVME_KV_CMD_LOCATE,
};

/* a List from a random start key that fills as much of its buffer as it can */
static uint32_t flood_list(uint8_t *sqe, uint64_t *s)
{
	static const uint32_t lens[] = { 4, 64, 4096, 32768, FLOOD_BUF_MAX };
	uint32_t len = lens[xorshift(s) % 5];
	uint8_t key[16];
	unsigned int i, klen = xorshift(s) % 17;

	memset(sqe + 8, 0, NVME_KV_SQE_BYTES - 8);
	for (i = 0; i < klen; i++)
		key[i] = i < 5 ? (uint8_t)"good-"[i] : '0' + xorshift(s) % 10;
	sqe[0] = NVME_KV_CMD_LIST;
	nvme_kv_sqe_set_key(sqe, key, klen);
	nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, len);
	return len;
}

/* a fragment of a value that no Store commits */
static void flood_transfer(uint8_t *sqe, uint64_t *s)
{
	uint32_t off = NVME_KV_INLINE_HEAD +
		       NVME_KV_XFER_FRAG_MAX * (xorshift(s) % 4096);

	sqe[0] = NVME_KV_CMD_TRANSFER;
	nvme_kv_put_le32(sqe + NVME_KV_SQE_XFER_TAG, xorshift(s) % (1 << 20));
	nvme_kv_put_le32(sqe + NVME_KV_SQE_XFER_POS,
			 off | NVME_KV_XFER_FRAG_MAX << 24);
}

static void flood_one(struct flood *f)
{
	uint8_t sqe[NVME_KV_SQE_BYTES];
	uint64_t *s = &f->seed;
	uint32_t len = flood_len(s);
	unsigned int i, kind = xorshift(s) % 10;
	int ret;

	for (i = 0; i < sizeof(sqe); i += 8) {
		uint64_t r = xorshift(s);

		memcpy(sqe + i, &r, 8);
	}
	/*
	 * The namespace of the char device: the host refuses any other nsid
	 * itself (with an unratelimited log line), so it never reaches the
	 * target
	 */
	nvme_kv_put_le32(sqe + NVME_KV_SQE_NSID, f->nsid);
	if (f->mix == MIX_LIST) {
		len = flood_list(sqe, s);
	} else if (f->mix == MIX_TRANSFER) {
		len = 0;
		flood_transfer(sqe, s);
	} else if (kind < 5) {
		/* a KV command with adversarial fields */
		sqe[0] = kv_opcodes[xorshift(s) % sizeof(kv_opcodes)];
		sqe[NVME_KV_SQE_KEY_LEN] = xorshift(s) % 4 ?
			xorshift(s) % 17 : xorshift(s) % 256;
		sqe[NVME_KV_SQE_OPTIONS] = xorshift(s) % 3 ? 0 :
			(uint8_t)xorshift(s);
		nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, flood_size(s, len));
		/* keys of one byte class, so the flood does hit stored keys */
		if (xorshift(s) % 2)
			for (i = 0; i < 8; i++) {
				sqe[NVME_KV_SQE_KEY_LO + i] = 'a' + sqe[8 + i] % 4;
				sqe[NVME_KV_SQE_KEY_HI + i] = 'a' + sqe[56 + i] % 4;
			}
	} else if (kind < 7) {
		/* a vendor specific opcode */
		sqe[0] = 0x80 | (xorshift(s) & 0x7f);
	} else {
		sqe[0] = (uint8_t)xorshift(s);
	}
	for (i = 0; i < len && i < 64; i++)
		f->buf[i] = (uint8_t)xorshift(s);
	ret = kvp_raw(f->fd, sqe, f->buf, len, NULL);
	f->sent++;
	if (ret == 0)
		f->completed++;
	else if (ret == -EINTR || ret == 0x370 || ret == 0x371)
		f->timeouts++;
	else if (ret < 0)
		f->refused++;
	else
		f->failed++;
	if (ret == NVME_KV_SC_XFER_CAP)
		f->cap_exceeded++;
}

static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	unsigned long i;

	for (i = 0; i < f->count; i++) {
		if (f->deadline && !(i % 64) && now_s() >= f->deadline)
			break;
		flood_one(f);
	}
	return NULL;
}

static int cmd_flood(const char *dev, uint32_t nsid, unsigned long count,
		     uint64_t seed, unsigned int threads, const char *mix,
		     double seconds)
{
	unsigned long sent = 0, completed = 0, failed = 0, refused = 0;
	unsigned long timeouts = 0, cap_exceeded = 0;
	static struct flood f[16];
	enum flood_mix m;
	unsigned int i;
	double t0;

	if (!strcmp(mix, "all")) {
		m = MIX_ALL;
	} else if (!strcmp(mix, "list")) {
		m = MIX_LIST;
	} else if (!strcmp(mix, "transfer")) {
		m = MIX_TRANSFER;
	} else {
		fprintf(stderr, "kv_hostile: mix all, list or transfer\n");
		return 2;
	}
	if (!threads || threads > 16 || !seed || seconds < 0) {
		fprintf(stderr, "kv_hostile: threads 1-16, seed not 0, seconds not negative\n");
		return 2;
	}
	for (i = 0; i < threads; i++) {
		f[i].fd = open(dev, O_RDWR);
		f[i].buf = malloc(FLOOD_BUF_MAX);
		if (f[i].fd < 0 || !f[i].buf) {
			perror(dev);
			return 2;
		}
		memset(f[i].buf, 0, FLOOD_BUF_MAX);
		f[i].nsid = nsid;
		f[i].mix = m;
		f[i].count = count / threads + (i < count % threads);
		f[i].seed = seed * 0x9e3779b97f4a7c15ULL + i + 1;
	}
	t0 = now_s();
	for (i = 0; i < threads; i++)
		f[i].deadline = seconds ? t0 + seconds : 0;
	for (i = 0; i < threads; i++)
		pthread_create(&f[i].tid, NULL, flood_thread, &f[i]);
	for (i = 0; i < threads; i++) {
		pthread_join(f[i].tid, NULL);
		sent += f[i].sent;
		completed += f[i].completed;
		failed += f[i].failed;
		refused += f[i].refused;
		timeouts += f[i].timeouts;
		cap_exceeded += f[i].cap_exceeded;
		close(f[i].fd);
		free(f[i].buf);
	}
	printf("FLOOD sent %lu completed %lu failed %lu refused %lu timeouts %lu seconds %.1f cap_exceeded %lu\n",
	       sent, completed, failed, refused, timeouts, now_s() - t0,
	       cap_exceeded);
	return timeouts ? 1 : 0;
}

/* ---- the good host ---- */

static size_t good_pair(unsigned int i, char *key, uint8_t *val)
{
	size_t len = 1 + (i * 2654435761u) % GOOD_VALUE_MAX, j;

	snprintf(key, 16, "good-%06u", i);
	for (j = 0; j < len; j++)
		val[j] = (uint8_t)(i * 31 + j * 7 + (j >> 8));
	return len;
}

static int cmd_fill(int fd, unsigned int keys)
{
	uint8_t val[GOOD_VALUE_MAX];
	unsigned int i;
	char key[16];
	size_t len;
	int ret;

	for (i = 0; i < keys; i++) {
		len = good_pair(i, key, val);
		ret = nvmekv_store(fd, key, strlen(key), val, len, 0, NULL);
		if (ret) {
			fprintf(stderr, "kv_hostile: store %s: %s\n", key,
				strerror(-ret));
			return 1;
		}
	}
	printf("FILL keys %u\n", keys);
	return 0;
}

/* one good Retrieve: 0 if the value is right, 1 if not, -1 on an error */
static int good_read(int fd, unsigned int i)
{
	uint8_t want[GOOD_VALUE_MAX], got[GOOD_VALUE_MAX];
	size_t len, vlen = 0;
	char key[16];

	len = good_pair(i, key, want);
	if (nvmekv_retrieve(fd, key, strlen(key), got, sizeof(got), &vlen, 0,
			    NULL))
		return -1;
	return vlen != len || memcmp(got, want, len) ? 1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmd_read(int fd, unsigned int keys, double seconds)
{
	unsigned long n = 0, cap = 1 << 16, bad = 0, errors = 0;
	double *lat = malloc(cap * sizeof(*lat)), t0 = now_s(), t;
	uint64_t s = 0x1234567;
	int r;

	if (!lat || !keys)
		return 2;
	while ((t = now_s()) - t0 < seconds) {
		r = good_read(fd, xorshift(&s) % keys);
		if (r < 0)
			errors++;
		else if (r)
			bad++;
		if (n == cap) {
			double *l = realloc(lat, 2 * cap * sizeof(*lat));

			if (!l)
				break;
			lat = l;
			cap *= 2;
		}
		lat[n++] = now_s() - t;
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("READ n %lu mismatches %lu errors %lu p50_us %.0f p99_us %.0f\n",
	       n, bad, errors, n ? lat[n / 2] * 1e6 : 0,
	       n ? lat[n * 99 / 100] * 1e6 : 0);
	free(lat);
	return bad || errors || !n;
}

static int cmd_check(int fd, unsigned int keys)
{
	unsigned int i, bad = 0;

	for (i = 0; i < keys; i++)
		bad += good_read(fd, i) != 0;
	printf("CHECK keys %u bad %u\n", keys, bad);
	return bad != 0;
}

int main(int argc, char **argv)
{
	int fd, ret;

	if ((argc == 7 || argc == 9) && !strcmp(argv[1], "flood"))
		return cmd_flood(argv[2], strtoul(argv[3], NULL, 0),
				 strtoul(argv[4], NULL, 0),
				 strtoull(argv[5], NULL, 0),
				 strtoul(argv[6], NULL, 0),
				 argc == 9 ? argv[7] : "all",
				 argc == 9 ? strtod(argv[8], NULL) : 0);
	if (argc < 4 || (strcmp(argv[1], "fill") && strcmp(argv[1], "read") &&
			 strcmp(argv[1], "check")) ||
	    (!strcmp(argv[1], "read") && argc != 5)) {
		fprintf(stderr, "usage: kv_hostile flood <ng> <nsid> <count> <seed> <threads> [all|list|transfer <seconds>] | fill|check <kv> <keys> | read <kv> <keys> <seconds>\n");
		return 2;
	}
	fd = nvmekv_open(argv[2]);
	if (fd < 0) {
		perror(argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "fill"))
		ret = cmd_fill(fd, strtoul(argv[3], NULL, 0));
	else if (!strcmp(argv[1], "read"))
		ret = cmd_read(fd, strtoul(argv[3], NULL, 0),
			       strtod(argv[4], NULL));
	else
		ret = cmd_check(fd, strtoul(argv[3], NULL, 0));
	nvmekv_close(fd);
	return ret;
}
