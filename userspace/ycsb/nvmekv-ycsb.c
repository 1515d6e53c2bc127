// SPDX-License-Identifier: GPL-2.0
/*
 * nvmekv-ycsb: the YCSB core workloads A, B and C on a /dev/kvXnY device.
 *
 *   nvmekv-ycsb <kv device> load|run [-w a|b|c] [-r records] [-n ops]
 *               [-t threads] [-q depth] [-d seconds] [-W seconds]
 *               [-z theta] [-v value bytes] [-o normal|json]
 *
 * load stores records 0..records-1; run does ops operations per thread,
 * reads with the workload's proportion (A 0.5, B 0.95, C 1.0) and updates
 * otherwise, on keys drawn from YCSB's scrambled Zipfian distribution
 * (constant theta, default 0.99).  Keys are 16 bytes, "user" and twelve
 * digits, as in YCSB; values are value bytes (default 64).
 *
 * With -q, each thread keeps depth operations in flight on libnvmekv's
 * io_uring queue; without it, one synchronous ioctl at a time; -d bounds
 * a run by time instead of by ops, -W runs that long first without
 * counting.  Latencies are per operation, from submit to completion, with
 * their mean and p50, p99 and p99.9.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "nvmekv.h"

struct cfg {
	const char	*dev;
	int		load;
	double		read_prop;
	char		workload;
	uint64_t	records, ops;
	unsigned int	threads, value_len, depth;
	double		theta, seconds, warmup;
	int		json;
};

/* the latencies a thread records, at most LAT_MAX of them */
#define LAT_MAX		(1u << 22)

/* YCSB's ZipfianGenerator (Gray et al., "Quickly generating billion-record
 * synthetic databases"), items 0..n-1 */
struct zipf {
	uint64_t	n;
	double		theta, alpha, zetan, eta, half_pow;
};

static double zeta(uint64_t n, double theta)
{
	double sum = 0;
	uint64_t i;

	for (i = 1; i <= n; i++)
		sum += 1.0 / pow((double)i, theta);
	return sum;
}

static void zipf_init(struct zipf *z, uint64_t n, double theta)
{
	double zeta2 = zeta(2, theta);

	z->n = n;
	z->theta = theta;
	z->alpha = 1.0 / (1.0 - theta);
	z->zetan = zeta(n, theta);
	z->eta = (1 - pow(2.0 / (double)n, 1 - theta)) / (1 - zeta2 / z->zetan);
	z->half_pow = 1 + pow(0.5, theta);
}

static uint64_t zipf_next(const struct zipf *z, double u)
{
	double uz = u * z->zetan;
	uint64_t v;

	if (uz < 1.0)
		return 0;
	if (uz < z->half_pow)
		return 1;
	v = (uint64_t)((double)z->n * pow(z->eta * u - z->eta + 1, z->alpha));
	return v < z->n ? v : z->n - 1;
}

/* FNV-1a of the 8 bytes of @v: YCSB scrambles Zipfian ranks with it */
static uint64_t fnv64(uint64_t v)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

	for (i = 0; i < 8; i++) {
		h ^= v & 0xff;
		h *= 0x100000001b3ULL;
		v >>= 8;
	}
	return h;
}

static void key_of(uint64_t k, char *key)
{
	char tmp[17];

	snprintf(tmp, sizeof(tmp), "user%012llu",
		 (unsigned long long)(k % 1000000000000ULL));
	memcpy(key, tmp, 16);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct worker {
	const struct cfg	*cfg;
	const struct zipf	*zipf;
	unsigned int		id;
	int			fd;
	uint64_t		reads, updates, not_found, errors, lat_ns;
	uint64_t		*lat;		/* recorded latencies, ns */
	uint64_t		nlat;
	uint64_t		rng;
	uint64_t		i;		/* operations begun */
	uint64_t		start_ns, count_from_ns, end_ns;
};

static void record(struct worker *w, uint64_t t0, uint64_t t1, int read,
		   int ret)
{
	if (t0 < w->count_from_ns)
		return;		/* warm-up */
	if (read) {
		w->reads++;
		if (ret == -ENOENT)
			w->not_found++;
		else if (ret)
			w->errors++;
	} else {
		w->updates++;
		if (ret)
			w->errors++;
	}
	w->lat_ns += t1 - t0;
	if (w->lat && w->nlat < LAT_MAX)
		w->lat[w->nlat++] = t1 - t0;
}

static double uniform(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return (double)(w->rng >> 11) / 9007199254740992.0;
}

/*
 * The next operation: its key into @key, and whether it is a read.  0
 * when the thread is done (load: its records stored; run: its ops or
 * its time used up).
 */
static int next_op(struct worker *w, char *key, int *read)
{
	const struct cfg *c = w->cfg;
	uint64_t k;

	if (c->load) {
		k = w->id + w->i * c->threads;
		if (k >= c->records)
			return 0;
	} else {
		if (c->seconds ? now_ns() >= w->end_ns : w->i >= c->ops)
			return 0;
		k = fnv64(zipf_next(w->zipf, uniform(w))) % c->records;
	}
	w->i++;
	key_of(k, key);
	*read = !c->load && uniform(w) < c->read_prop;
	return 1;
}

/* an operation of the asynchronous loop, with its buffer */
struct aop {
	struct nvmekv_op	op;
	char			key[16];
	uint64_t		t0;
	int			read;
	uint8_t			*back;
};

/* send @a's operation: a Retrieve into its buffer or a Store of @val */
static int start_op(struct nvmekv_queue *q, struct aop *a, uint8_t *val,
		    unsigned int len)
{
	a->op.opcode = a->read ? NVME_KV_CMD_RETRIEVE : NVME_KV_CMD_STORE;
	a->op.key = a->key;
	a->op.key_len = 16;
	a->op.value = a->read ? a->back : val;
	a->op.value_len = len;
	a->op.private = a;
	a->t0 = now_ns();
	return nvmekv_queue_submit(q, &a->op);
}

static void work_async(struct worker *w, uint8_t *val)
{
	const struct cfg *c = w->cfg;
	struct nvmekv_op **done = calloc(c->depth, sizeof(*done));
	struct aop *ops = calloc(c->depth, sizeof(*ops));
	struct nvmekv_queue *q = NULL;
	unsigned int j, live = 0;
	int n, more = 1;
	uint64_t t1;

	if (!done || !ops || nvmekv_queue_init(w->fd, c->depth, &q)) {
		w->errors++;
		goto out;
	}
	for (j = 0; j < c->depth; j++) {
		ops[j].back = malloc(c->value_len + 1);
		if (!ops[j].back) {
			w->errors++;
			goto out;
		}
	}
	/* every op slot takes the next operation; then reap and refill */
	for (j = 0; j < c->depth && more; j++) {
		more = next_op(w, ops[j].key, &ops[j].read);
		if (!more)
			break;
		if (start_op(q, &ops[j], val, c->value_len)) {
			w->errors++;
			more = 0;
			break;
		}
		live++;
	}
	while (live) {
		nvmekv_queue_commit(q);
		n = nvmekv_queue_reap(q, 1, NULL, done, c->depth);
		if (n <= 0) {
			w->errors++;
			break;
		}
		t1 = now_ns();
		for (j = 0; j < (unsigned int)n; j++) {
			struct aop *a = done[j]->private;

			live--;
			record(w, a->t0, t1, a->read, a->op.error);
			if (more)
				more = next_op(w, a->key, &a->read);
			if (!more)
				continue;
			if (start_op(q, a, val, c->value_len)) {
				w->errors++;
				more = 0;
				continue;
			}
			live++;
		}
	}
out:
	nvmekv_queue_free(q);
	for (j = 0; ops && j < c->depth; j++)
		free(ops[j].back);
	free(ops);
	free(done);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct cfg *c = w->cfg;
	uint8_t *val = malloc(c->value_len + 1), *back = malloc(c->value_len + 1);
	uint64_t t;
	char key[16];
	size_t len;
	uint16_t st;
	int ret, read;

	w->rng = 0x9e3779b97f4a7c15ULL * (w->id + 1);
	w->lat = malloc(LAT_MAX * sizeof(*w->lat));
	w->start_ns = now_ns();
	w->count_from_ns = w->start_ns + (uint64_t)(c->warmup * 1e9);
	w->end_ns = w->count_from_ns + (uint64_t)(c->seconds * 1e9);
	if (!val || !back) {
		w->errors++;
		goto out;
	}
	memset(val, 'a' + (int)w->id % 26, c->value_len);
	if (c->depth) {
		work_async(w, val);
		goto out;
	}
	while (next_op(w, key, &read)) {
		t = now_ns();
		if (read)
			ret = nvmekv_retrieve(w->fd, key, 16, back, c->value_len,
					      &len, 0, &st);
		else
			ret = nvmekv_store(w->fd, key, 16, val, c->value_len, 0,
					   &st);
		record(w, t, now_ns(), read, ret);
	}
out:
	free(val);
	free(back);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* the p-th percentile (0 < p < 100) of sorted @v, in microseconds */
static double pct_us(const uint64_t *v, uint64_t n, double p)
{
	uint64_t i;

	if (!n)
		return 0;
	i = (uint64_t)ceil(p / 100.0 * (double)n);
	return (double)v[i ? i - 1 : 0] / 1e3;
}

static int usage(const char *why)
{
	fprintf(stderr, "nvmekv-ycsb: %s (usage: nvmekv-ycsb <kv device> load|run [-w a|b|c] [-r records] [-n ops per thread] [-t threads] [-q depth per thread] [-d seconds] [-W warm-up seconds] [-z theta] [-v value bytes] [-o normal|json])\n",
		why);
	return 2;
}

static int num(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || *v < lo || *v > hi ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct cfg c = { .workload = 'c', .records = 1000, .ops = 10000,
			 .threads = 4, .value_len = 64, .theta = 0.99,
			 .depth = 0 };
	uint64_t v, t0, t1, reads = 0, updates = 0, nf = 0, err = 0, lat = 0;
	uint64_t *all = NULL, nall = 0;
	double p50, p99, p999;
	struct worker *w;
	pthread_t *tid;
	struct zipf z;
	unsigned int i;
	int opt, fd;
	double secs;

	if (argc < 3)
		return usage("a device and load or run are needed");
	c.dev = argv[1];
	if (!strcmp(argv[2], "load"))
		c.load = 1;
	else if (strcmp(argv[2], "run"))
		return usage("the second argument is load or run");
	optind = 3;
	while ((opt = getopt(argc, argv, "w:r:n:t:q:d:W:z:v:o:")) != -1) {
		switch (opt) {
		case 'w':
			if (strlen(optarg) != 1 || !strchr("abc", optarg[0]))
				return usage("-w is a, b or c");
			c.workload = optarg[0];
			break;
		case 'r':
			if (num(optarg, 2, 1000000000000ULL, &c.records))
				return usage("-r is 2 to 10^12 records");
			break;
		case 'n':
			if (num(optarg, 1, UINT32_MAX, &c.ops))
				return usage("-n is 1 to 2^32-1 operations per thread");
			break;
		case 't':
			if (num(optarg, 1, 256, &v))
				return usage("-t is 1 to 256 threads");
			c.threads = (unsigned int)v;
			break;
		case 'q':
			if (num(optarg, 1, 4096, &v))
				return usage("-q is 1 to 4096 operations in flight per thread");
			c.depth = (unsigned int)v;
			break;
		case 'd':
			if (num(optarg, 1, 86400, &v))
				return usage("-d is 1 to 86400 seconds");
			c.seconds = (double)v;
			break;
		case 'W':
			if (num(optarg, 0, 3600, &v))
				return usage("-W is 0 to 3600 seconds");
			c.warmup = (double)v;
			break;
		case 'z': {
			char *end;

			c.theta = strtod(optarg, &end);
			if (end == optarg || *end || !(c.theta > 0 && c.theta < 1))
				return usage("-z is a Zipf constant between 0 and 1");
			break;
		}
		case 'v':
			if (num(optarg, 1, 1 << 20, &v))
				return usage("-v is 1 to 1048576 bytes");
			c.value_len = (unsigned int)v;
			break;
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "normal"))
				return usage("-o is normal or json");
			c.json = !strcmp(optarg, "json");
			break;
		default:
			return usage("unknown option");
		}
	}
	if (optind != argc)
		return usage("unexpected argument");
	c.read_prop = c.workload == 'a' ? 0.5 : c.workload == 'b' ? 0.95 : 1.0;
	fd = open(c.dev, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "nvmekv-ycsb: %s: %s\n", c.dev, strerror(errno));
		return 1;
	}
	if (!c.load)
		zipf_init(&z, c.records, c.theta);
	w = calloc(c.threads, sizeof(*w));
	tid = calloc(c.threads, sizeof(*tid));
	if (!w || !tid)
		return 1;
	t0 = now_ns();
	for (i = 0; i < c.threads; i++) {
		w[i] = (struct worker){ .cfg = &c, .zipf = &z, .id = i, .fd = fd };
		if (pthread_create(&tid[i], NULL, work, &w[i])) {
			fprintf(stderr, "nvmekv-ycsb: cannot start a thread\n");
			return 1;
		}
	}
	for (i = 0; i < c.threads; i++) {
		pthread_join(tid[i], NULL);
		reads += w[i].reads;
		updates += w[i].updates;
		nf += w[i].not_found;
		err += w[i].errors;
		lat += w[i].lat_ns;
		nall += w[i].nlat;
	}
	t1 = now_ns();
	/* the counted time: without the warm-up */
	secs = (double)(t1 - t0) / 1e9 - c.warmup;
	if (secs <= 0)
		secs = (double)(t1 - t0) / 1e9;
	all = malloc((nall ? nall : 1) * sizeof(*all));
	nall = 0;
	for (i = 0; all && i < c.threads; i++) {
		memcpy(all + nall, w[i].lat, w[i].nlat * sizeof(*all));
		nall += w[i].nlat;
		free(w[i].lat);
	}
	if (all)
		qsort(all, nall, sizeof(*all), cmp_u64);
	p50 = all ? pct_us(all, nall, 50) : 0;
	p99 = all ? pct_us(all, nall, 99) : 0;
	p999 = all ? pct_us(all, nall, 99.9) : 0;
	free(all);
	if (c.json)
		printf("{\"phase\": \"%s\", \"workload\": \"%c\", \"records\": %llu, \"threads\": %u, \"depth\": %u, \"api\": \"%s\", \"theta\": %.2f, \"value_bytes\": %u, \"reads\": %llu, \"updates\": %llu, \"not_found\": %llu, \"errors\": %llu, \"seconds\": %.3f, \"ops_per_s\": %.1f, \"mean_latency_us\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f, \"p99_9_us\": %.1f}\n",
		       c.load ? "load" : "run", c.workload,
		       (unsigned long long)c.records, c.threads,
		       c.depth ? c.depth : 1, c.depth ? "async" : "sync", c.theta,
		       c.value_len, (unsigned long long)reads,
		       (unsigned long long)updates, (unsigned long long)nf,
		       (unsigned long long)err, secs,
		       (double)(reads + updates) / secs,
		       reads + updates ? (double)lat / 1e3 / (double)(reads + updates) : 0,
		       p50, p99, p999);
	else
		printf("%s workload %c: %llu reads (%llu not found), %llu updates, %llu errors in %.3f s: %.1f ops/s; latency p50 %.1f us, p99 %.1f us, p99.9 %.1f us\n",
		       c.load ? "load" : "run", c.workload,
		       (unsigned long long)reads, (unsigned long long)nf,
		       (unsigned long long)updates, (unsigned long long)err,
		       secs, (double)(reads + updates) / secs, p50, p99, p999);
	close(fd);
	return err ? 1 : 0;
}
