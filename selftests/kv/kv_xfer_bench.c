// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-xfer, in the host guest (scripts/pair-xfer.sh and
 * scripts/pair-rate.sh): Stores of the BandSlim paper's workloads and of
 * fixed sizes by every transfer method, through /dev/kvXnY, with the time
 * measured here.  The traffic columns are the driver's own accounting of
 * what it submitted (its sysfs stats, Documentation/wire-format.md), not a
 * measurement: the benchmarks count wire bytes at the target's NIC and
 * instructions with the TCG plugin.
 *
 *   kv_xfer_bench <kv-device> <ops per run> <threads> <rounds>
 *                 [<workloads> [<methods>]]
 *
 * The optional lists (comma-separated names, e.g. "W(C),W(D)" and
 * "AUTO,DPTR") restrict the runs to those workloads and methods.  Every
 * thread stores its 64 keys over and over (overwrites), or with
 * -i FIRST fresh keys numbered from FIRST (inserts: give each run its own
 * range).  The method RETRIEVE, run only when named, reads the 64 keys of
 * each thread back (into a 4 KiB buffer) instead of storing them.
 *
 * Each workload runs every method once per round, in an order that rotates
 * from round to round, so that slow phases of the TCG guest fall on all
 * methods alike.  One line per run:
 *   XFER <workload> <METHOD> ops N secs S commands C command_bytes B
 *        data_bytes D page_bytes P payload_bytes V errors E round R
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include "nvmekv.h"

struct workload {
	const char	*name;
	uint32_t	fixed;			/* 0: drawn by draw() */
	uint32_t	(*draw)(uint64_t *s);
};

static uint64_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 17;
}

/* W(B): 8 B and 2 KiB at 9:1 */
static uint32_t draw_b(uint64_t *s)
{
	return rnd(s) % 10 ? 8 : 2048;
}

/* W(C): 8 B and 2 KiB at 1:9 */
static uint32_t draw_c(uint64_t *s)
{
	return rnd(s) % 10 ? 2048 : 8;
}

/* W(D): nine sizes 8 B .. 2 KiB in equal shares */
static uint32_t draw_d(uint64_t *s)
{
	return 8U << (rnd(s) % 9);
}

/*
 * W(M): mixgraph-like -- 70 % below 35 B (8..34), 20 % 35..256 B, 10 %
 * 257 B..1 KiB
 */
static uint32_t draw_m(uint64_t *s)
{
	uint32_t p = rnd(s) % 100;

	if (p < 70)
		return 8 + rnd(s) % 27;
	if (p < 90)
		return 35 + rnd(s) % 222;
	return 257 + rnd(s) % 768;
}

static const struct workload workloads[] = {
	{ "W(B)", 0, draw_b }, { "W(C)", 0, draw_c }, { "W(D)", 0, draw_d },
	{ "W(M)", 0, draw_m }, { "8B", 8, NULL }, { "16B", 16, NULL },
	{ "24B", 24, NULL }, { "32B", 32, NULL }, { "48B", 48, NULL },
	{ "64B", 64, NULL }, { "96B", 96, NULL },
	{ "128B", 128, NULL }, { "256B", 256, NULL }, { "512B", 512, NULL },
	{ "1KiB", 1024, NULL }, { "2KiB", 2048, NULL }, { "4KiB", 4096, NULL },
};

/* not a transfer method: Retrieves of the keys the Stores wrote */
#define RETRIEVE	(~0u)

static const struct { unsigned int xfer; const char *name; } methods[] = {
	{ NVME_KV_XFER_DPTR, "DPTR" },
	{ NVME_KV_XFER_PIGGYBACK, "PIGGYBACK" },
	{ NVME_KV_XFER_PIGGYBACK_SERIAL, "PIGGYBACK_SERIAL" },
	{ NVME_KV_XFER_APPEND, "APPEND" },
	{ NVME_KV_XFER_AUTO, "AUTO" },
	{ RETRIEVE, "RETRIEVE" },
};

static const char *const counters[] = {
	"commands", "command_bytes", "data_bytes", "page_bytes",
	"payload_bytes",
};

static const char *dev;
static int insert;
static unsigned long first_key;
static const char *only_workloads, *only_methods;

/* whether @name is in the comma-separated @list (NULL: everything is) */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	if (!list)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static long long stat_of(const char *name)
{
	char path[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/nvme-kv/%s/stats/%s",
		 strrchr(dev, '/') + 1, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

struct worker {
	int			fd;
	unsigned int		id, xfer, ops;
	const struct workload	*w;
	unsigned long		errors;
};

static void *worker_fn(void *arg)
{
	static __thread uint8_t val[4096];
	struct worker *t = arg;
	uint64_t s = 0x9e3779b97f4a7c15ULL * (t->id + 1);
	struct nvme_kv_cmd c;
	unsigned int i;
	uint32_t len;

	memset(val, 0x5a, sizeof(val));
	for (i = 0; i < t->ops; i++) {
		len = t->w->fixed ? t->w->fixed : t->w->draw(&s);
		memset(&c, 0, sizeof(c));
		c.argsz = sizeof(c);
		if (insert && t->xfer != RETRIEVE)
			c.key_len = snprintf((char *)c.key, sizeof(c.key),
					     "xb%u-i%lu", t->id, first_key + i);
		else
			c.key_len = snprintf((char *)c.key, sizeof(c.key),
					     "xb%u-%u", t->id, i % 64);
		c.value = (uintptr_t)val;
		if (t->xfer == RETRIEVE) {
			c.value_len = sizeof(val);
			if (ioctl(t->fd, NVME_KV_IOCTL_RETRIEVE, &c))
				t->errors++;
			continue;
		}
		c.value_len = len;
		c.flags = t->xfer;
		if (ioctl(t->fd, NVME_KV_IOCTL_STORE, &c))
			t->errors++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker w[16];
	pthread_t tid[16];
	struct timespec a, b;
	long long before[5], after[5];
	unsigned int ops, threads, rounds, r, wi, mj, mi, i, k;
	unsigned int nm = sizeof(methods) / sizeof(methods[0]);
	unsigned long errors;
	char *end;
	int fd;

	if (argc > 2 && !strcmp(argv[1], "-i")) {
		errno = 0;
		first_key = strtoul(argv[2], &end, 0);
		if (errno || *end || end == argv[2]) {
			fprintf(stderr, "kv_xfer_bench: -i takes a key number, not '%s'\n",
				argv[2]);
			return 2;
		}
		insert = 1;
		argc -= 2;
		argv += 2;
	}
	if (argc < 5 || argc > 7) {
		fprintf(stderr, "usage: kv_xfer_bench [-i FIRST] <kv-device> <ops> <threads> <rounds> [<workloads> [<methods>]]\n");
		return 2;
	}
	if (argc > 5)
		only_workloads = argv[5];
	if (argc > 6)
		only_methods = argv[6];
	dev = argv[1];
	ops = strtoul(argv[2], NULL, 0);
	threads = strtoul(argv[3], NULL, 0);
	rounds = strtoul(argv[4], NULL, 0);
	if (threads < 1 || threads > 16 || ops < threads || rounds < 1) {
		fprintf(stderr, "kv_xfer_bench: 1..16 threads, ops >= threads, rounds >= 1\n");
		return 2;
	}
	fd = nvmekv_open(dev);
	if (fd < 0) {
		printf("ERROR open %s: %s\n", dev, strerror(-fd));
		return 1;
	}
	for (wi = 0; wi < sizeof(workloads) / sizeof(workloads[0]); wi++) {
	if (!listed(only_workloads, workloads[wi].name))
		continue;
	for (r = 0; r < rounds; r++) {
		for (mj = 0; mj < nm; mj++) {
			mi = (mj + r + wi) % nm;
			if (!listed(only_methods, methods[mi].name) ||
			    (!only_methods && methods[mi].xfer == RETRIEVE))
				continue;
			for (k = 0; k < 5; k++)
				before[k] = stat_of(counters[k]);
			clock_gettime(CLOCK_MONOTONIC, &a);
			for (i = 0; i < threads; i++) {
				w[i] = (struct worker){ .fd = fd, .id = i,
					.xfer = methods[mi].xfer,
					.ops = ops / threads, .w = &workloads[wi] };
				pthread_create(&tid[i], NULL, worker_fn, &w[i]);
			}
			errors = 0;
			for (i = 0; i < threads; i++) {
				pthread_join(tid[i], NULL);
				errors += w[i].errors;
			}
			clock_gettime(CLOCK_MONOTONIC, &b);
			for (k = 0; k < 5; k++)
				after[k] = stat_of(counters[k]);
			printf("XFER %s %s ops %u secs %.6f", workloads[wi].name,
			       methods[mi].name, ops / threads * threads,
			       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
			for (k = 0; k < 5; k++)
				printf(" %s %lld", counters[k], after[k] - before[k]);
			printf(" errors %lu round %u\n", errors, r);
			fflush(stdout);
		}
	}
	}
	nvmekv_close(fd);
	return 0;
}
