// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads against a KV namespace through its generic char device, for the
 * crash, concurrency and store benchmark tests.
 *
 *   kv_workload dump <ng> <nsid> <keys>
 *	print "STATE <k> <version>" ("-" when absent, "TORN" when the value
 *	does not match its own header) for keys 0..<keys>-1
 *   kv_workload load <ng> <nsid> <keys> <seed> <first-version>
 *	mixed Stores (3/4) and Deletes, one at a time, forever; prints
 *	"ISSUE <op> <k> <version>" before and "ACK <op> <k> <version> <ok|absent>"
 *	after each, so a log cut anywhere names every acknowledged operation
 *	and at most one in flight
 *   kv_workload concurrent <ng> <nsid> <threads> <ops>
 *	threads doing mixed operations on private and shared keys; checks
 *	the final state against what each thread had acknowledged
 *   kv_workload fill <ng> <nsid> <value-size>
 *	Store "fill-<i>" until the device is full, then check every value
 *   kv_workload drain <ng> <nsid> <value-size>
 *	after fill: delete every other value, store new ones into the freed
 *	space (the cleaner must reclaim it), check, then delete them all
 *   kv_workload bench <ng> <nsid> <threads> <ops> <value-size> [<first>]
 *	<threads> synchronous Stores in flight at a time (queue depth), of
 *	12-byte keys "bTTT-NNNNNNNN" numbered from <first> (default 0), so
 *	that runs with different <first> insert fresh keys;
 *	prints "BENCH ops <n> seconds <s> ops_per_s <r>"
 *
 * Values are self-describing: "k<key> v<version> l<length>|" followed by
 * bytes derived from the three, so a torn or misplaced value is detected.
 */
#include <fcntl.h>
#include <termios.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "kv_passthru.h"

#define MAX_VALUE	2048

static int ng;
static uint32_t nsid;

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint8_t key_len_of(unsigned int k, char *key)
{
	return (uint8_t)snprintf(key, 17, "key%05u", k);
}

static uint32_t value_len_of(unsigned int k, uint64_t ver)
{
	return 24 + (uint32_t)((k * 131 + ver * 977) % (MAX_VALUE - 24));
}

static void make_value(uint8_t *v, unsigned int k, uint64_t ver, uint32_t len)
{
	int h = snprintf((char *)v, len, "k%u v%llu l%u|", k,
			 (unsigned long long)ver, len);
	uint32_t i;

	for (i = h; i < len; i++)
		v[i] = (uint8_t)(k * 7 + ver * 13 + i);
}

/* 1: valid, version in *ver; 0: absent; -1: torn or wrong */
static int read_key(unsigned int k, uint64_t *ver)
{
	static __thread uint8_t v[MAX_VALUE + 64], want[MAX_VALUE + 64];
	char key[17];
	unsigned int kk, len;
	unsigned long long vv;
	uint32_t res = 0;
	uint8_t kl = key_len_of(k, key);
	int st;

	st = kvp_retrieve(ng, nsid, key, kl, v, sizeof(v), &res);
	if (st == NVME_KV_SC_KEY_NOT_EXISTS)
		return 0;
	if (st || res > MAX_VALUE || res < 24)
		return -1;
	v[res] = 0;
	if (sscanf((char *)v, "k%u v%llu l%u|", &kk, &vv, &len) != 3 ||
	    kk != k || len != res)
		return -1;
	make_value(want, k, vv, len);
	if (memcmp(v, want, len))
		return -1;
	*ver = vv;
	return 1;
}

static int store_key(unsigned int k, uint64_t ver)
{
	static __thread uint8_t v[MAX_VALUE];
	uint32_t len = value_len_of(k, ver);
	char key[17];
	uint8_t kl = key_len_of(k, key);

	make_value(v, k, ver, len);
	return kvp_store(ng, nsid, key, kl, v, len, 0);
}

static int delete_key(unsigned int k)
{
	char key[17];
	uint8_t kl = key_len_of(k, key);

	return kvp_delete(ng, nsid, key, kl);
}

static int cmd_dump(unsigned int keys)
{
	uint64_t ver;
	unsigned int k;
	int r;

	for (k = 0; k < keys; k++) {
		r = read_key(k, &ver);
		if (r > 0)
			printf("STATE %u %llu\n", k, (unsigned long long)ver);
		else
			printf("STATE %u %s\n", k, r ? "TORN" : "-");
	}
	fflush(stdout);
	return 0;
}

/*
 * Put a log line on the host before the operation it announces is sent:
 * writing to the serial tty only queues it in the guest, and a kill loses
 * the queue, which would hide durable operations from the checker.
 */
static void log_sync(void)
{
	fflush(stdout);
	tcdrain(STDOUT_FILENO);	/* ENOTTY when stdout is not a tty: fine */
}

static int cmd_load(unsigned int keys, uint64_t seed, uint64_t ver)
{
	uint64_t s = seed | 1;
	unsigned int k;
	int st;

	for (;; ver++) {
		k = rnd(&s) % keys;
		if (rnd(&s) % 4) {
			printf("ISSUE store %u %llu\n", k, (unsigned long long)ver);
			log_sync();
			st = store_key(k, ver);
			if (st) {
				printf("ERROR store %u status 0x%x\n", k, st);
				return 1;
			}
			printf("ACK store %u %llu ok\n", k, (unsigned long long)ver);
		} else {
			printf("ISSUE delete %u %llu\n", k, (unsigned long long)ver);
			log_sync();
			st = delete_key(k);
			if (st && st != NVME_KV_SC_KEY_NOT_EXISTS) {
				printf("ERROR delete %u status 0x%x\n", k, st);
				return 1;
			}
			printf("ACK delete %u %llu %s\n", k,
			       (unsigned long long)ver, st ? "absent" : "ok");
		}
		fflush(stdout);
	}
}

/* ---- concurrent ---- */

#define SHARED_KEYS	8
#define PRIVATE_KEYS	16
#define MAX_THREADS	16

struct thread_ctx {
	pthread_t	tid;
	unsigned int	id, ops;
	uint64_t	seed;
	/* per key: version of this thread's last acknowledged op, 0 = delete */
	uint64_t	last[SHARED_KEYS + MAX_THREADS * PRIVATE_KEYS];
	int		touched[SHARED_KEYS + MAX_THREADS * PRIVATE_KEYS];
	int		errors;
};

static void *worker(void *arg)
{
	struct thread_ctx *t = arg;
	unsigned int i, k;
	uint64_t ver;
	int st;

	for (i = 0; i < t->ops; i++) {
		/* versions are unique across threads: thread id in the low bits */
		ver = ((uint64_t)(i + 1) << 8) | t->id;
		if (rnd(&t->seed) % 2)
			k = rnd(&t->seed) % SHARED_KEYS;
		else
			k = SHARED_KEYS + t->id * PRIVATE_KEYS +
			    rnd(&t->seed) % PRIVATE_KEYS;
		if (rnd(&t->seed) % 4) {
			st = store_key(k, ver);
			if (!st)
				t->last[k] = ver;
		} else {
			st = delete_key(k);
			if (st == NVME_KV_SC_KEY_NOT_EXISTS)
				st = 0;
			if (!st)
				t->last[k] = 0;
		}
		if (st) {
			printf("# thread %u: key %u: status 0x%x\n", t->id, k, st);
			t->errors++;
			continue;
		}
		t->touched[k] = 1;
		/* read back private keys: nobody else writes them */
		if (k >= SHARED_KEYS && rnd(&t->seed) % 4 == 0) {
			uint64_t got = 0;
			int r = read_key(k, &got);

			if ((t->last[k] && (r != 1 || got != t->last[k])) ||
			    (!t->last[k] && r != 0)) {
				printf("# thread %u: private key %u read %d/%llu after writing %llu\n",
				       t->id, k, r, (unsigned long long)got,
				       (unsigned long long)t->last[k]);
				t->errors++;
			}
		}
	}
	return NULL;
}

static int cmd_concurrent(unsigned int threads, unsigned int ops)
{
	static struct thread_ctx t[MAX_THREADS];
	unsigned int i, k, nkeys = SHARED_KEYS + threads * PRIVATE_KEYS;
	unsigned int bad = 0, checked = 0, errors = 0;
	uint64_t got;
	int r, ok;

	if (threads < 1 || threads > MAX_THREADS)
		return 2;
	for (k = 0; k < nkeys; k++)
		delete_key(k);
	for (i = 0; i < threads; i++) {
		t[i].id = i;
		t[i].ops = ops;
		t[i].seed = 0x1234567ULL * (i + 1);
		pthread_create(&t[i].tid, NULL, worker, &t[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(t[i].tid, NULL);
		errors += t[i].errors;
	}

	for (k = 0; k < nkeys; k++) {
		r = read_key(k, &got);
		if (r < 0) {
			bad++;
			printf("# key %u torn\n", k);
			continue;
		}
		checked++;
		if (k >= SHARED_KEYS) {
			/* a private key: exactly its owner's last operation */
			struct thread_ctx *o = &t[(k - SHARED_KEYS) / PRIVATE_KEYS];

			ok = o->last[k] ? r == 1 && got == o->last[k] : r == 0;
		} else {
			/*
			 * A shared key: the last operation of one of the
			 * threads; an older one means a lost update.
			 */
			ok = 0;
			for (i = 0; i < threads && !ok; i++) {
				if (!t[i].touched[k])
					continue;
				ok = t[i].last[k] ? r == 1 && got == t[i].last[k] :
						    r == 0;
			}
		}
		if (!ok) {
			bad++;
			printf("# key %u: %s %llu is no thread's last operation\n",
			       k, r ? "version" : "absent",
			       r ? (unsigned long long)got : 0ULL);
		}
	}
	if (!errors && !bad)
		printf("PASS %u threads, %u ops each, on shared and private keys: final state of %u keys matches the model\n",
		       threads, ops, checked);
	else
		printf("FAIL %u threads: %u keys wrong, %u command errors\n",
		       threads, bad, errors);
	return errors || bad;
}

/* ---- bench ---- */

struct bench_ctx {
	pthread_t	tid;
	unsigned int	id, ops, size, first;
	int		errors;
};

static void *bench_worker(void *arg)
{
	struct bench_ctx *b = arg;
	uint8_t v[4096];
	char key[17];
	unsigned int i;
	uint8_t kl;

	memset(v, 'b', sizeof(v));
	for (i = 0; i < b->ops; i++) {
		kl = (uint8_t)snprintf(key, sizeof(key), "b%03u-%08u", b->id,
				       (b->first + i) % 100000000);
		if (kvp_store(ng, nsid, key, kl, v, b->size, 0))
			b->errors++;
	}
	return NULL;
}

static int cmd_bench(unsigned int threads, unsigned int ops,
		     unsigned int size, unsigned int first)
{
	static struct bench_ctx b[64];
	struct timespec t0, t1;
	unsigned int i, errors = 0;
	double secs;

	if (threads < 1 || threads > 64 || size > 4096)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < threads; i++) {
		b[i].id = i;
		b[i].ops = ops / threads;
		b[i].size = size;
		b[i].first = first;
		pthread_create(&b[i].tid, NULL, bench_worker, &b[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(b[i].tid, NULL);
		errors += b[i].errors;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("BENCH ops %u seconds %.3f ops_per_s %.1f errors %u\n",
	       ops / threads * threads, secs, ops / threads * threads / secs,
	       errors);
	return errors != 0;
}

/* ---- fill / drain ---- */

static void big_value(uint8_t *v, uint32_t len, unsigned int i, int gen)
{
	uint32_t j;

	for (j = 0; j < len; j++)
		v[j] = (uint8_t)(i * 31 + gen * 101 + j / 7);
}

static int big_io(int store, const char *fmt, unsigned int i, int gen,
		  uint8_t *v, uint8_t *back, uint32_t len)
{
	char key[17];
	uint8_t kl = (uint8_t)snprintf(key, sizeof(key), fmt, i);
	uint32_t res = 0;
	int st;

	big_value(v, len, i, gen);
	if (store)
		return kvp_store(ng, nsid, key, kl, v, len, 0);
	st = kvp_retrieve(ng, nsid, key, kl, back, len, &res);
	if (st)
		return st;
	return res != len || memcmp(v, back, len) ? -1 : 0;
}

static void verdict(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
}

static int cmd_fill(uint32_t len)
{
	uint8_t *v = malloc(len), *back = malloc(len);
	unsigned int n, i, bad = 0;
	char msg[160];
	int st = 0;

	for (n = 0; n < 100000; n++) {
		st = big_io(1, "fill-%05u", n, 0, v, back, len);
		if (st)
			break;
	}
	snprintf(msg, sizeof(msg),
		 "store on a full device fails with Capacity Exceeded (0x81) after %u values of %u bytes (status 0x%x)",
		 n, len, st);
	verdict(st == NVME_KV_SC_CAPACITY_EXCEEDED && n > 4, msg);
	for (i = 0; i < n; i++)
		bad += big_io(0, "fill-%05u", i, 0, v, back, len) != 0;
	snprintf(msg, sizeof(msg),
		 "a full device keeps all %u stored values intact (%u wrong)", n, bad);
	verdict(!bad, msg);
	printf("FILLED %u\n", n);
	free(v);
	free(back);
	return st != NVME_KV_SC_CAPACITY_EXCEEDED || bad;
}

static int cmd_drain(uint32_t len)
{
	uint8_t *v = malloc(len), *back = malloc(len);
	unsigned int n, i, bad = 0, stored = 0;
	char key[17], msg[160];
	int st = 0;

	/* how many the fill stored: fill-0.. are contiguous */
	for (n = 0; n < 100000; n++) {
		snprintf(key, sizeof(key), "fill-%05u", n);
		if (kvp_exist(ng, nsid, key, (uint8_t)strlen(key)))
			break;
	}
	for (i = 0; i < n; i += 2) {
		snprintf(key, sizeof(key), "fill-%05u", i);
		bad += kvp_delete(ng, nsid, key, (uint8_t)strlen(key)) != 0;
	}
	for (i = 0; i < n / 2 - 1 && !st; i++) {
		st = big_io(1, "refill-%05u", i, 1, v, back, len);
		stored += !st;
	}
	snprintf(msg, sizeof(msg),
		 "space freed by deleting %u of %u values is reclaimed: %u new stores succeed (status 0x%x)",
		 (n + 1) / 2, n, stored, st);
	verdict(n > 4 && !bad && !st && stored == n / 2 - 1, msg);
	for (i = 1; i < n; i += 2)
		bad += big_io(0, "fill-%05u", i, 0, v, back, len) != 0;
	for (i = 0; i < stored; i++)
		bad += big_io(0, "refill-%05u", i, 1, v, back, len) != 0;
	snprintf(msg, sizeof(msg),
		 "after cleaning, the kept and the new values are intact (%u wrong)", bad);
	verdict(!bad, msg);
	for (i = 1; i < n; i += 2) {
		snprintf(key, sizeof(key), "fill-%05u", i);
		kvp_delete(ng, nsid, key, (uint8_t)strlen(key));
	}
	for (i = 0; i < stored; i++) {
		snprintf(key, sizeof(key), "refill-%05u", i);
		kvp_delete(ng, nsid, key, (uint8_t)strlen(key));
	}
	free(v);
	free(back);
	return bad || st;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s dump|load|concurrent|bench <ng> <nsid> ...\n",
			argv[0]);
		return 2;
	}
	ng = open(argv[2], O_RDWR);
	if (ng < 0) {
		perror(argv[2]);
		return 1;
	}
	nsid = strtoul(argv[3], NULL, 0);
	if (!strcmp(argv[1], "dump"))
		return cmd_dump(atoi(argv[4]));
	if (!strcmp(argv[1], "load") && argc == 7)
		return cmd_load(atoi(argv[4]), strtoull(argv[5], NULL, 0),
				strtoull(argv[6], NULL, 0));
	if (!strcmp(argv[1], "concurrent") && argc == 6)
		return cmd_concurrent(atoi(argv[4]), atoi(argv[5]));
	if (!strcmp(argv[1], "fill"))
		return cmd_fill(strtoul(argv[4], NULL, 0));
	if (!strcmp(argv[1], "drain"))
		return cmd_drain(strtoul(argv[4], NULL, 0));
	if (!strcmp(argv[1], "bench") && (argc == 7 || argc == 8))
		return cmd_bench(atoi(argv[4]), atoi(argv[5]), atoi(argv[6]),
				 argc == 8 ? strtoul(argv[7], NULL, 0) : 0);
	fprintf(stderr, "%s: bad arguments\n", argv[0]);
	return 2;
}
