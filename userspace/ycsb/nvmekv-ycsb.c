// SPDX-License-Identifier: GPL-2.0
/*
 * nvmekv-ycsb: the YCSB core workloads A, B and C on a /dev/kvXnY device.
 *
 *   nvmekv-ycsb <kv device> load|run [-w a|b|c] [-r records] [-n ops]
 *               [-t threads] [-z theta] [-v value bytes] [-o normal|json]
 *
 * load stores records 0..records-1; run does ops operations per thread,
 * reads with the workload's proportion (A 0.5, B 0.95, C 1.0) and updates
 * otherwise, on keys drawn from YCSB's scrambled Zipfian distribution
 * (constant theta, default 0.99).  Keys are 16 bytes, "user" and twelve
 * digits, as in YCSB; values are value bytes (default 64).
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
	unsigned int	threads, value_len;
	double		theta;
	int		json;
};

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
};

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct cfg *c = w->cfg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (w->id + 1), i, k, t;
	uint8_t *val = malloc(c->value_len + 1), *back = malloc(c->value_len + 1);
	char key[16];
	size_t len;
	uint16_t st;
	int ret;

	if (!val || !back) {
		w->errors++;
		goto out;
	}
	memset(val, 'a' + (int)w->id % 26, c->value_len);
	for (i = 0;; i++) {
		if (c->load) {
			k = w->id + (uint64_t)i * c->threads;
			if (k >= c->records)
				break;
		} else {
			if (i >= c->ops)
				break;
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			k = fnv64(zipf_next(w->zipf, (double)(rng >> 11) /
					    9007199254740992.0)) % c->records;
		}
		key_of(k, key);
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		t = now_ns();
		if (!c->load &&
		    (double)(rng >> 11) / 9007199254740992.0 < c->read_prop) {
			ret = nvmekv_retrieve(w->fd, key, 16, back, c->value_len,
					      &len, 0, &st);
			w->reads++;
			if (ret == -ENOENT)
				w->not_found++;
			else if (ret)
				w->errors++;
		} else {
			ret = nvmekv_store(w->fd, key, 16, val, c->value_len, 0,
					   &st);
			w->updates++;
			if (ret)
				w->errors++;
		}
		w->lat_ns += now_ns() - t;
	}
out:
	free(val);
	free(back);
	return NULL;
}

static int usage(const char *why)
{
	fprintf(stderr, "nvmekv-ycsb: %s (usage: nvmekv-ycsb <kv device> load|run [-w a|b|c] [-r records] [-n ops per thread] [-t threads] [-z theta] [-v value bytes] [-o normal|json])\n",
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
			 .threads = 4, .value_len = 64, .theta = 0.99 };
	uint64_t v, t0, t1, reads = 0, updates = 0, nf = 0, err = 0, lat = 0;
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
	while ((opt = getopt(argc, argv, "w:r:n:t:z:v:o:")) != -1) {
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
	}
	t1 = now_ns();
	secs = (double)(t1 - t0) / 1e9;
	if (c.json)
		printf("{\"phase\": \"%s\", \"workload\": \"%c\", \"records\": %llu, \"threads\": %u, \"theta\": %.2f, \"value_bytes\": %u, \"reads\": %llu, \"updates\": %llu, \"not_found\": %llu, \"errors\": %llu, \"seconds\": %.3f, \"ops_per_s\": %.1f, \"mean_latency_us\": %.1f}\n",
		       c.load ? "load" : "run", c.workload,
		       (unsigned long long)c.records, c.threads, c.theta,
		       c.value_len, (unsigned long long)reads,
		       (unsigned long long)updates, (unsigned long long)nf,
		       (unsigned long long)err, secs,
		       (double)(reads + updates) / secs,
		       reads + updates ? (double)lat / 1e3 / (double)(reads + updates) : 0);
	else
		printf("%s workload %c: %llu reads (%llu not found), %llu updates, %llu errors in %.3f s: %.1f ops/s\n",
		       c.load ? "load" : "run", c.workload,
		       (unsigned long long)reads, (unsigned long long)nf,
		       (unsigned long long)updates, (unsigned long long)err,
		       secs, (double)(reads + updates) / secs);
	close(fd);
	return err ? 1 : 0;
}
