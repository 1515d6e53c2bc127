// SPDX-License-Identifier: GPL-2.0
/*
 * lin_client: one client of the linearizability test.  Runs <ops> random
 * GET (50 %), PUT (35 %) and DELETE (15 %) operations on <keys> keys
 * through a /dev/kvXnY device and writes its history for lincheck:
 *
 *   lin_client <kv device> <client id> <ops> <keys> <key prefix> <history>
 *
 * Each value carries its id (client << 40 | sequence, never 0) in its first
 * 8 bytes, followed by a pattern derived from the id, with sizes of 8 to
 * 1000 bytes, so that the cache keeps some values inline and points at the
 * records of others.  A value read back whose bytes do not match its id is
 * reported as torn and the client exits with status 1.  Each history line
 * is written with one write(2) before the operation (I) and after it (R),
 * so a client killed with SIGKILL leaves the invocation of the operation it
 * was in, whose outcome is then unknown.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "nvmekv.h"

static const size_t sizes[] = { 8, 16, 64, 65, 200, 1000 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void fill(uint8_t *v, size_t len, uint64_t id)
{
	size_t i;

	memcpy(v, &id, sizeof(id));
	for (i = sizeof(id); i < len; i++)
		v[i] = (uint8_t)(id * 31 + i);
}

static int intact(const uint8_t *v, size_t len, uint64_t *id)
{
	size_t i;

	if (len < sizeof(*id))
		return 0;
	memcpy(id, v, sizeof(*id));
	for (i = sizeof(*id); i < len; i++)
		if (v[i] != (uint8_t)(*id * 31 + i))
			return 0;
	return *id != 0;
}

static int hist(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int hist(int fd, const char *fmt, ...)
{
	char line[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return write(fd, line, (size_t)n) == n ? 0 : -1;
}

int main(int argc, char **argv)
{
	static uint8_t val[1000], back[1000];
	unsigned long client, ops, nkeys, seq;
	uint64_t id, got, seed;
	char key[17];
	size_t len;
	uint16_t st;
	int dev, h, ret, k, r;

	if (argc != 7 || !(client = strtoul(argv[2], NULL, 10)) ||
	    !(ops = strtoul(argv[3], NULL, 10)) ||
	    !(nkeys = strtoul(argv[4], NULL, 10)) || strlen(argv[5]) > 10) {
		fprintf(stderr, "usage: lin_client <kv device> <client id (1..)> <ops> <keys> <key prefix (up to 10 bytes)> <history>\n");
		return 2;
	}
	dev = open(argv[1], O_RDWR);
	h = open(argv[6], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (dev < 0 || h < 0) {
		perror(dev < 0 ? argv[1] : argv[6]);
		return 2;
	}
	seed = client * 0x9e3779b97f4a7c15ULL ^ now_ns();
	for (seq = 1; seq <= ops; seq++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		k = (int)(seed % nkeys);
		snprintf(key, sizeof(key), "%s%d", argv[5], k);
		r = (int)((seed >> 16) % 100);
		if (r < 35) {
			id = (uint64_t)client << 40 | seq;
			len = sizes[(seed >> 32) % 6];
			fill(val, len, id);
			hist(h, "I %" PRIu64 " %lu %lu P %d %" PRIu64 "\n",
			     now_ns(), client, seq, k, id);
			ret = nvmekv_store(dev, key, strlen(key), val, len, 0, &st);
			hist(h, "R %" PRIu64 " %lu %lu %s 0\n", now_ns(), client,
			     seq, ret ? "error" : "ok");
		} else if (r < 50) {
			hist(h, "I %" PRIu64 " %lu %lu D %d 0\n", now_ns(),
			     client, seq, k);
			ret = nvmekv_delete(dev, key, strlen(key), &st);
			hist(h, "R %" PRIu64 " %lu %lu %s 0\n", now_ns(), client,
			     seq, !ret ? "ok" : ret == -ENOENT ? "absent" : "error");
		} else {
			hist(h, "I %" PRIu64 " %lu %lu G %d 0\n", now_ns(),
			     client, seq, k);
			len = 0;
			ret = nvmekv_retrieve(dev, key, strlen(key), back,
					      sizeof(back), &len, 0, &st);
			got = 0;
			if (!ret && !intact(back, len, &got)) {
				fprintf(stderr, "lin_client %lu: key %s: a torn value of %zu bytes\n",
					client, key, len);
				return 1;
			}
			hist(h, "R %" PRIu64 " %lu %lu %s %" PRIu64 "\n", now_ns(),
			     client, seq,
			     !ret ? "ok" : ret == -ENOENT ? "absent" : "error", got);
		}
	}
	return 0;
}
