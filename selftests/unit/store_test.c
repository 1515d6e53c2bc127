// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the store engine (target/kv_store.c) on a simulated device
 * with a volatile write cache: writes stay in the cache until a flush; a
 * crash keeps an arbitrary subset of the cached sectors, so a batch can be
 * torn anywhere.  Checked against a model: after every crash and reopen the
 * store holds exactly the acknowledged state, possibly followed by a prefix
 * of the batch the crash interrupted (none of which was acknowledged).
 * Built with ASan and UBSan.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tap.h"
#include "kv_store.h"

#define SECTOR		512
#define NKEYS		24
#define MAXV		4096

/* ---- simulated device ---- */

struct cached_write {
	uint64_t	off;
	uint32_t	len;
	uint8_t		*data;
};

struct memdev {
	uint8_t			*durable;
	uint64_t		size;
	struct cached_write	*cache;
	unsigned int		ncache, cap;
	long			writes_left;	/* <0: no crash armed */
	int			crashed;
	unsigned long		writes, flushes;
};

static unsigned long md_reads;	/* calls of md_read() */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int md_read(void *d, u64 off, void *buf, u32 len)
{
	struct memdev *m = d;
	unsigned int i;

	md_reads++;
	if (off + len > m->size)
		return -EIO;
	memcpy(buf, m->durable + off, len);
	/* the cache is newer than the medium */
	for (i = 0; i < m->ncache; i++) {
		struct cached_write *w = &m->cache[i];
		uint64_t lo = w->off > off ? w->off : off;
		uint64_t hi = w->off + w->len < off + len ? w->off + w->len : off + len;

		if (lo < hi)
			memcpy((uint8_t *)buf + (lo - off), w->data + (lo - w->off),
			       hi - lo);
	}
	return 0;
}

static int md_write(void *d, u64 off, const void *buf, u32 len)
{
	struct memdev *m = d;

	if (m->crashed || off + len > m->size)
		return -EIO;
	if (m->writes_left >= 0 && m->writes_left-- == 0) {
		m->crashed = 1;
		return -EIO;
	}
	if (m->ncache == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->cache = realloc(m->cache, m->cap * sizeof(*m->cache));
	}
	m->cache[m->ncache].off = off;
	m->cache[m->ncache].len = len;
	m->cache[m->ncache].data = malloc(len);
	memcpy(m->cache[m->ncache].data, buf, len);
	m->ncache++;
	m->writes++;
	return 0;
}

static void md_drop_cache(struct memdev *m, int keep_random)
{
	unsigned int i;
	uint32_t s;

	for (i = 0; i < m->ncache; i++) {
		struct cached_write *w = &m->cache[i];

		/* a crash keeps any subset of the cached sectors */
		for (s = 0; keep_random && s < w->len; s += SECTOR) {
			uint32_t n = w->len - s < SECTOR ? w->len - s : SECTOR;

			if (keep_random == 2 || rnd() % 2)
				memcpy(m->durable + w->off + s, w->data + s, n);
		}
		free(w->data);
	}
	m->ncache = 0;
}

static int md_flush(void *d)
{
	struct memdev *m = d;

	if (m->crashed)
		return -EIO;
	if (m->writes_left >= 0 && m->writes_left-- == 0) {
		m->crashed = 1;
		return -EIO;
	}
	md_drop_cache(m, 2);
	m->flushes++;
	return 0;
}

static void md_init(struct memdev *m, uint64_t size)
{
	memset(m, 0, sizeof(*m));
	m->size = size;
	m->durable = calloc(1, size);
	m->writes_left = -1;
}

/* power loss: the cache is lost except for a random subset of sectors */
static void md_crash(struct memdev *m)
{
	md_drop_cache(m, 1);
	m->crashed = 0;
	m->writes_left = -1;
}

static void md_free(struct memdev *m)
{
	md_drop_cache(m, 0);
	free(m->cache);
	free(m->durable);
}

static const struct kv_store_io md_io = {
	.read = md_read, .write = md_write, .flush = md_flush,
};

static int open_store(struct kv_store *s, struct memdev *m)
{
	struct kv_store_io io = md_io;

	io.dev = m;
	return kv_store_open(s, &io, m->size, MAXV);
}

/*
 * Close @s as a power loss would leave its device: whatever a clean close
 * writes (the superblock naming the head) never reaches it.
 */
static void close_as_power_loss(struct kv_store *s, struct memdev *m)
{
	uint8_t *keep = malloc(m->size);

	memcpy(keep, m->durable, m->size);
	kv_store_close(s);
	memcpy(m->durable, keep, m->size);
	free(keep);
}

/* ---- model ---- */

struct kstate {
	int		present;
	uint32_t	len;
	uint32_t	seed;
};

static void key_of(int k, uint8_t *key, uint8_t *len)
{
	*len = 1 + k % 16;
	memset(key, 'a' + k, *len);
	key[0] = (uint8_t)k;
}

static void fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/* does the store hold exactly @st? */
static int store_matches(struct kv_store *s, const struct kstate *st,
			 char *why, size_t whylen)
{
	static uint8_t got[MAXV], want[MAXV];
	const struct kv_index_entry *e;
	uint8_t key[16], klen;
	int k, n = 0;

	for (k = 0; k < NKEYS; k++) {
		key_of(k, key, &klen);
		e = kv_store_lookup(s, key, klen);
		if (!!e != st[k].present) {
			snprintf(why, whylen, "key %d present %d, want %d", k, !!e,
				 st[k].present);
			return 0;
		}
		if (!e)
			continue;
		n++;
		if (e->value_len != st[k].len ||
		    kv_store_read_value(s, e, 0, got, e->value_len, 0)) {
			snprintf(why, whylen, "key %d length %u, want %u", k,
				 e->value_len, st[k].len);
			return 0;
		}
		fill(want, st[k].len, st[k].seed);
		if (memcmp(got, want, st[k].len)) {
			snprintf(why, whylen, "key %d value differs", k);
			return 0;
		}
	}
	if (s->index.nr_keys != (uint64_t)n) {
		snprintf(why, whylen, "%llu keys, want %d",
			 (unsigned long long)s->index.nr_keys, n);
		return 0;
	}
	return 1;
}

struct pending {
	int		k;
	struct kv_op	op;
	uint32_t	seed;
	uint8_t		buf[MAXV];
};

static void apply(struct kstate *st, const struct pending *p)
{
	if (p->op.opcode == NVME_KV_CMD_STORE) {
		st[p->k].present = 1;
		st[p->k].len = p->op.value_len;
		st[p->k].seed = p->seed;
	} else {
		st[p->k].present = 0;
	}
}

/*
 * Random Stores and Deletes in random groups on a device small enough that
 * the log wraps and the cleaner runs; crashes injected at random device
 * writes.  Returns the number of acknowledged operations verified.
 */
static long crash_model_test(int rounds, uint64_t dev_size, int *ok_out,
			     char *why, size_t whylen)
{
	static struct pending pend[64];
	struct kstate model[NKEYS] = { 0 }, trial[NKEYS];
	struct kv_op ops[64];
	struct memdev m;
	struct kv_store s;
	long acked = 0;
	uint64_t cleaned = 0, relocated = 0;
	int r, i, n, done, crashes = 0, matched;

	md_init(&m, dev_size);
	if (open_store(&s, &m)) {
		snprintf(why, whylen, "open failed");
		*ok_out = 0;
		return 0;
	}
	/* the cold keys start out stored, so every lap has live records to move */
	for (i = 16; i < NKEYS; i++) {
		struct pending *p = &pend[0];
		uint8_t klen;

		p->k = i;
		memset(&p->op, 0, sizeof(p->op));
		key_of(i, p->op.key, &klen);
		p->op.key_len = klen;
		p->op.opcode = NVME_KV_CMD_STORE;
		p->op.value_len = 100 * i;
		p->seed = i;
		fill(p->buf, p->op.value_len, p->seed);
		p->op.value = p->buf;
		ops[0] = p->op;
		if (kv_store_commit(&s, ops, 1) != 1 || ops[0].status) {
			snprintf(why, whylen, "seeding cold keys failed");
			*ok_out = 0;
			goto out;
		}
		apply(model, p);
	}
	for (r = 0; r < rounds; r++) {
		n = 1 + rnd() % 40;
		for (i = 0; i < n; i++) {
			struct pending *p = &pend[i];
			uint8_t klen;

			/* keys 16.. are cold: the cleaner must move them */
			p->k = rnd() % 2048 ? rnd() % 16 : 16 + rnd() % (NKEYS - 16);
			memset(&p->op, 0, sizeof(p->op));
			key_of(p->k, p->op.key, &klen);
			p->op.key_len = klen;
			if (rnd() % 5 == 0) {
				p->op.opcode = NVME_KV_CMD_DELETE;
			} else {
				p->op.opcode = NVME_KV_CMD_STORE;
				p->op.value_len = rnd() % 8 ? rnd() % 200 :
						  rnd() % (MAXV + 1);
				p->seed = (uint32_t)rnd();
				fill(p->buf, p->op.value_len, p->seed);
				p->op.value = p->buf;
			}
			ops[i] = p->op;
		}
		if (rnd() % 16 == 0)
			m.writes_left = rnd() % 4;	/* crash in this commit */

		for (i = 0; i < n; i += done) {
			done = kv_store_commit(&s, ops + i, n - i);
			if (done < 0)
				break;
			for (int j = i; j < i + done; j++) {
				if (ops[j].status == 0) {
					apply(model, &pend[j]);
					acked++;
				} else if (ops[j].status != NVME_KV_SC_KEY_NOT_EXISTS) {
					snprintf(why, whylen, "status 0x%x", ops[j].status);
					*ok_out = 0;
					goto out;
				}
			}
		}
		if (done >= 0 && !m.crashed && m.writes_left < 0)
			continue;

		/* power loss; the ops from i on were never acknowledged */
		cleaned += s.stats.cleaned;
		relocated += s.stats.relocated;
		kv_store_close(&s);
		md_crash(&m);
		crashes++;
		if (open_store(&s, &m)) {
			snprintf(why, whylen, "reopen after crash %d failed", crashes);
			*ok_out = 0;
			goto out_dev;
		}
		/* acknowledged state plus some prefix of the failed group */
		memcpy(trial, model, sizeof(trial));
		matched = store_matches(&s, trial, why, whylen);
		for (int j = i; !matched && j < n; j++) {
			/* what the model of the failed group would accept */
			if (pend[j].op.opcode == NVME_KV_CMD_DELETE &&
			    !trial[pend[j].k].present)
				continue;
			apply(trial, &pend[j]);
			matched = store_matches(&s, trial, why, whylen);
		}
		if (!matched) {
			*ok_out = 0;
			goto out;
		}
		memcpy(model, trial, sizeof(model));
	}
	cleaned += s.stats.cleaned;
	relocated += s.stats.relocated;
	kv_store_close(&s);
	if (open_store(&s, &m) || !store_matches(&s, model, why, whylen)) {
		*ok_out = 0;
		goto out;
	}
	snprintf(why, whylen,
		 "%d rounds, %d power losses, %llu log bytes cleaned, %llu records relocated",
		 rounds, crashes, (unsigned long long)cleaned,
		 (unsigned long long)relocated);
	/* the log must have wrapped and been cleaned, crashes included */
	*ok_out = crashes > 0 && cleaned > 4 * dev_size && relocated > 0;
out:
	kv_store_close(&s);
out_dev:
	md_free(&m);
	return acked;
}

static void test_basic(void)
{
	struct memdev m;
	struct kv_store s;
	struct kv_op op = { 0 };
	const struct kv_index_entry *e;
	char buf[16];
	int ret;

	md_init(&m, 4 << 20);
	tap_ok(open_store(&s, &m) == 0 && s.index.nr_keys == 0,
	       "store: a blank device opens as an empty store");
	op.opcode = NVME_KV_CMD_STORE;
	op.key_len = 3;
	memcpy(op.key, "abc", 3);
	op.value = "hello";
	op.value_len = 5;
	ret = kv_store_commit(&s, &op, 1);
	tap_ok(ret == 1 && op.status == 0 && m.ncache == 0,
	       "store: a committed Store is flushed before commit returns");
	kv_store_close(&s);
	md_crash(&m);
	tap_ok(open_store(&s, &m) == 0 &&
	       (e = kv_store_lookup(&s, (const u8 *)"abc", 3)) &&
	       e->value_len == 5 && !kv_store_read_value(&s, e, 0, buf, 5, 0) &&
	       !memcmp(buf, "hello", 5),
	       "store: a committed Store survives a power loss");

	op.options = NVME_KV_STORE_SINKE;
	kv_store_commit(&s, &op, 1);
	tap_ok(op.status == NVME_KV_SC_KEY_EXISTS,
	       "store: Store if absent on an existing key is Key Exists");
	op.options = NVME_KV_STORE_SIKE;
	memcpy(op.key, "abd", 3);
	kv_store_commit(&s, &op, 1);
	tap_ok(op.status == NVME_KV_SC_KEY_NOT_EXISTS,
	       "store: Store if exists on a missing key is Key Does Not Exist");
	op.options = 0;
	op.opcode = NVME_KV_CMD_DELETE;
	kv_store_commit(&s, &op, 1);
	tap_ok(op.status == NVME_KV_SC_KEY_NOT_EXISTS,
	       "store: Delete of a missing key is Key Does Not Exist");
	memcpy(op.key, "abc", 3);
	kv_store_commit(&s, &op, 1);
	kv_store_close(&s);
	md_crash(&m);
	tap_ok(open_store(&s, &m) == 0 && !kv_store_lookup(&s, (const u8 *)"abc", 3),
	       "store: a committed Delete stays deleted after a power loss");
	kv_store_close(&s);
	md_free(&m);
}

/*
 * A host reading a record from the block namespace (Documentation/cache.md)
 * checks it with kv_rec_check_put(): the committed record passes, a
 * changed byte, another sequence number or another key does not.
 */
static void test_rec_check(void)
{
	const struct kv_index_entry *e;
	struct kv_op op = { 0 };
	struct kv_store s;
	struct memdev m;
	uint8_t rec[KV_REC_HDR + 300];
	uint64_t phys;
	int ok;

	md_init(&m, 4 << 20);
	ok = open_store(&s, &m) == 0;
	op.opcode = NVME_KV_CMD_STORE;
	op.key_len = 5;
	memcpy(op.key, "block", 5);
	memset(rec, 0x33, sizeof(rec));
	op.value = rec;
	op.value_len = 300;
	ok = ok && kv_store_commit(&s, &op, 1) == 1 && !op.status &&
	     (e = kv_store_lookup(&s, (const u8 *)"block", 5));
	if (ok) {
		phys = KV_LOG_START + e->pos % s.log_size;
		memcpy(rec, m.durable + phys, sizeof(rec));
		ok = kv_rec_check_put(rec, (const u8 *)"block", 5, e->seq, 300) &&
		     !kv_rec_check_put(rec, (const u8 *)"block", 5, e->seq + 1, 300) &&
		     !kv_rec_check_put(rec, (const u8 *)"blocc", 5, e->seq, 300) &&
		     !kv_rec_check_put(rec, (const u8 *)"block", 5, e->seq, 299);
		rec[KV_REC_HDR + 150] ^= 1;
		ok = ok && !kv_rec_check_put(rec, (const u8 *)"block", 5, e->seq, 300);
	}
	tap_ok(ok, "store: a record read from the device passes kv_rec_check_put(); a changed byte, sequence, key or size fails it");
	kv_store_close(&s);
	md_free(&m);
}

static void test_group_commit(void)
{
	static uint8_t v[32];
	struct kv_op ops[32];
	struct memdev m;
	struct kv_store s;
	uint64_t before;
	int i, ret;

	md_init(&m, 4 << 20);
	open_store(&s, &m);
	for (i = 0; i < 32; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].opcode = NVME_KV_CMD_STORE;
		ops[i].key_len = 2;
		ops[i].key[0] = 'k';
		ops[i].key[1] = (uint8_t)i;
		ops[i].value = v;
		ops[i].value_len = sizeof(v);
	}
	m.flushes = m.writes = 0;
	before = s.stats.bytes_written;
	ret = kv_store_commit(&s, ops, 32);
	tap_ok(ret == 32 && m.writes == 1 && m.flushes == 1 &&
	       s.stats.bytes_written - before == 4096,
	       "store: 32 small Stores commit as one 4 KiB write and one flush (%d ops, %lu writes, %lu flushes, %llu bytes)",
	       ret, m.writes, m.flushes,
	       (unsigned long long)(s.stats.bytes_written - before));
	kv_store_close(&s);
	md_free(&m);
}

static void test_torn_tail(void)
{
	struct memdev m;
	struct kv_store s;
	struct kv_op op = { 0 };
	uint8_t v[1000];
	uint64_t second;

	memset(v, 'v', sizeof(v));
	md_init(&m, 4 << 20);
	open_store(&s, &m);
	op.opcode = NVME_KV_CMD_STORE;
	op.key_len = 1;
	op.value = v;
	op.value_len = sizeof(v);
	op.key[0] = '1';
	kv_store_commit(&s, &op, 1);
	second = KV_LOG_START + s.head % s.log_size;
	op.key[0] = '2';
	kv_store_commit(&s, &op, 1);
	close_as_power_loss(&s, &m);

	/* corrupt one byte of the second record's value: CRC fails */
	m.durable[second + KV_REC_HDR + 500] ^= 0xff;
	tap_ok(open_store(&s, &m) == 0 && kv_store_lookup(&s, (const u8 *)"1", 1) &&
	       !kv_store_lookup(&s, (const u8 *)"2", 1) && s.index.nr_keys == 1,
	       "store: after a power loss, replay stops at a corrupted last record and keeps the ones before");
	op.key[0] = '3';
	kv_store_commit(&s, &op, 1);
	kv_store_close(&s);
	tap_ok(open_store(&s, &m) == 0 && kv_store_lookup(&s, (const u8 *)"3", 1) &&
	       !kv_store_lookup(&s, (const u8 *)"2", 1) && s.index.nr_keys == 2,
	       "store: writes after a recovered torn tail replay, the torn record does not");
	kv_store_close(&s);

	/* the device shrank below the store's log: refused, not replaced */
	{
		struct kv_store_io io = md_io;
		struct kv_store s2;

		io.dev = &m;
		tap_ok(kv_store_open(&s2, &io, m.size / 2, MAXV) == -EINVAL &&
		       m.ncache == 0,
		       "store: a device smaller than its store's log is refused, not reformatted");
	}

	/* a half-written superblock: the other one is used */
	memset(m.durable + (s.sb_seq % 2) * KV_BLOCK_SIZE + 10, 0x5a, 20);
	tap_ok(open_store(&s, &m) == 0 && s.index.nr_keys == 2,
	       "store: a corrupted superblock falls back to the other copy");
	kv_store_close(&s);
	md_free(&m);
}

/*
 * A record in the middle of the log is damaged (media that rotted, or a
 * host that wrote the device through a block namespace): replay must not
 * stop there and let the next batches overwrite every pair after it.  The
 * store is refused and nothing is written; put right, it opens with every
 * pair.  A clean close records the head, so even the last record's damage
 * is found; after a power loss, damage in the last batch_cap bytes cannot
 * be told from a torn batch, and replay keeps what precedes it, while
 * damage further back is found by the record that continues the sequence.
 * Records an earlier store left on the device never pass for this
 * store's, and a superblock of the format before the head (version 2)
 * still opens.
 */
#define DMG_RECS	400
#define DMG_LEN		3000

/* Store d<i> with a DMG_LEN value of fill() seed @seed */
static void dmg_store(struct kv_store *s, int i, uint32_t seed)
{
	static uint8_t v[DMG_LEN];
	struct kv_op op = { 0 };

	op.opcode = NVME_KV_CMD_STORE;
	op.key_len = 4;
	op.value = v;
	op.value_len = DMG_LEN;
	snprintf((char *)op.key, sizeof(op.key), "d%03d", i);
	fill(v, DMG_LEN, seed);
	kv_store_commit(s, &op, 1);
}

/* Store d000..d<n - 1>, seed i, noting where each record starts in @pos */
static void dmg_fill(struct kv_store *s, int n, uint64_t *pos)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pos)
			pos[i] = s->head;
		dmg_store(s, i, i);
	}
}

/* Store d<from>..d<to - 1> with the values of seed @salt */
static void dmg_fill_from(struct kv_store *s, int from, int to, int salt)
{
	int i;

	for (i = from; i < to; i++)
		dmg_store(s, i, i * 1000 + salt);
}

/* d<i> holds what dmg_fill_from() stored with @salt */
static int dmg_value_is(struct kv_store *s, int i, int salt)
{
	static uint8_t got[DMG_LEN], want[DMG_LEN];
	const struct kv_index_entry *e;
	char key[16];

	snprintf(key, sizeof(key), "d%03d", i);
	e = kv_store_lookup(s, (const u8 *)key, 4);
	fill(want, DMG_LEN, i * 1000 + salt);
	return e && !kv_store_read_value(s, e, 0, got, DMG_LEN, 0) &&
	       !memcmp(got, want, DMG_LEN);
}

static int dmg_all_there(struct kv_store *s, int n)
{
	static uint8_t got[DMG_LEN], want[DMG_LEN];
	const struct kv_index_entry *e;
	char key[16];
	int i;

	if (s->index.nr_keys != (uint64_t)n)
		return 0;
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "d%03d", i);
		e = kv_store_lookup(s, (const u8 *)key, 4);
		fill(want, DMG_LEN, i);
		if (!e || kv_store_read_value(s, e, 0, got, DMG_LEN, 0) ||
		    memcmp(got, want, DMG_LEN))
			return 0;
	}
	return 1;
}

/* open @m, close it again if that worked; returns what the open did */
static int dmg_open_close(struct kv_store *s, struct memdev *m)
{
	int ret = open_store(s, m);

	if (!ret)
		kv_store_close(s);
	return ret;
}

static void dmg_flip(struct memdev *m, const struct kv_store *s, uint64_t pos)
{
	m->durable[KV_LOG_START + pos % s->log_size + KV_REC_HDR + 100] ^= 0x01;
}

static void test_damaged_record(void)
{
	static uint64_t pos[DMG_RECS];
	struct memdev m;
	struct kv_store s;
	uint8_t *clean, *lost;
	uint64_t off, seq0;
	unsigned long writes;
	int ret;

	md_init(&m, 8 << 20);
	clean = malloc(m.size);
	lost = malloc(m.size);
	open_store(&s, &m);
	seq0 = s.next_seq;
	dmg_fill(&s, DMG_RECS, pos);
	/* as a power loss leaves it: every commit flushed, no clean close */
	memcpy(lost, m.durable, m.size);
	kv_store_close(&s);
	memcpy(clean, m.durable, m.size);

	/* record 10's value, then record 10's header */
	dmg_flip(&m, &s, pos[10]);
	writes = m.writes;
	ret = dmg_open_close(&s, &m);
	tap_ok(ret == -EUCLEAN && s.damaged.pos == pos[10] &&
	       s.damaged.seq == seq0 + 10 &&
	       s.damaged.next_seq == seq0 + DMG_RECS &&
	       s.fail_reason && m.writes == writes && m.ncache == 0,
	       "store: a damaged value in the middle of the log refuses the store (%d, at %llu, the log goes on to %llu) and writes nothing",
	       ret, (unsigned long long)s.damaged.pos,
	       (unsigned long long)s.damaged.next_pos);
	dmg_flip(&m, &s, pos[10]);
	off = KV_LOG_START + pos[10] % s.log_size;
	m.durable[off + 17] = 0;	/* key length 0 */
	ret = dmg_open_close(&s, &m);
	tap_ok(ret == -EUCLEAN && s.damaged.pos == pos[10] &&
	       m.writes == writes,
	       "store: a damaged header in the middle of the log refuses it too");
	m.durable[off + 17] = clean[off + 17];
	tap_ok(!memcmp(m.durable, clean, m.size),
	       "store: the refused device is left exactly as it was");
	ret = open_store(&s, &m);
	tap_ok(ret == 0 && dmg_all_there(&s, DMG_RECS),
	       "store: put right, the store opens with all %d pairs", DMG_RECS);
	if (!ret)
		kv_store_close(&s);

	/* after a clean close the superblock names the head */
	memcpy(m.durable, clean, m.size);
	dmg_flip(&m, &s, pos[DMG_RECS - 1]);
	ret = dmg_open_close(&s, &m);
	tap_ok(ret == -EUCLEAN && s.damaged.pos == pos[DMG_RECS - 1],
	       "store: after a clean close, damage to the last record is found too (%d)",
	       ret);

	/* after a power loss: found by the record after it, if far enough */
	memcpy(m.durable, lost, m.size);
	dmg_flip(&m, &s, pos[10]);
	ret = dmg_open_close(&s, &m);
	tap_ok(ret == -EUCLEAN && s.damaged.pos == pos[10] &&
	       s.damaged.next_seq > seq0 + 10 &&
	       s.damaged.next_pos >= pos[10] + s.batch_cap,
	       "store: after a power loss, damage with a batch of log after it is found by the record that continues the sequence (%d, sequence %llu at %llu)",
	       ret, (unsigned long long)s.damaged.next_seq,
	       (unsigned long long)s.damaged.next_pos);
	memcpy(m.durable, lost, m.size);
	dmg_flip(&m, &s, pos[DMG_RECS - 1]);
	ret = open_store(&s, &m);
	tap_ok(ret == 0 && dmg_all_there(&s, DMG_RECS - 1),
	       "store: after a power loss, damage to the last record is taken for a torn batch: the %d before it replay",
	       DMG_RECS - 1);
	if (!ret)
		kv_store_close(&s);

	/*
	 * Superblocks wiped (wipefs, a new partition table) and a new store
	 * made on the same device: the old store's records further on carry
	 * numbers from another random start and never continue the new one's.
	 */
	memcpy(m.durable, lost, m.size);
	memset(m.durable, 0, 2 * KV_BLOCK_SIZE);
	ret = open_store(&s, &m);
	if (!ret) {
		dmg_fill(&s, 5, NULL);
		/* no clean close: only the sequence can tell */
		memcpy(lost, m.durable, m.size);
		kv_store_close(&s);
		memcpy(m.durable, lost, m.size);
		ret = open_store(&s, &m);
	}
	tap_ok(ret == 0 && dmg_all_there(&s, 5),
	       "store: a new store on a device an older store's log still fills opens with its own 5 pairs (%d)",
	       ret);
	if (!ret)
		kv_store_close(&s);
	free(lost);
	free(clean);
	md_free(&m);
}

/*
 * truncate_damaged: the administrator accepts the loss.  A damaged record
 * in the middle of the log then ends it: the store opens with the pairs
 * before it, and the records after it are written over with zeros before
 * the superblock names the new head.  They must be: the next batches
 * reuse their sequence numbers, and with the same record sizes, the same
 * positions, so after fewer new records and a power loss replay would
 * walk on into the lost ones.
 */
static int trunc_open(struct kv_store *s, struct memdev *m)
{
	struct kv_store_io io = md_io;
	int ret;

	io.dev = m;
	ret = kv_store_attach(s, &io, m->size, MAXV);
	if (ret)
		return ret;
	s->truncate_damaged = true;
	ret = kv_store_recover(s);
	if (ret)
		kv_store_close(s);
	return ret;
}

static void test_truncate_damaged(void)
{
	static uint64_t pos[DMG_RECS];
	struct memdev m;
	struct kv_store s;
	unsigned long long zeroed = 0;
	int ret, truncated, n = 0;

	md_init(&m, 8 << 20);
	open_store(&s, &m);
	dmg_fill(&s, DMG_RECS, pos);
	kv_store_close(&s);

	ret = trunc_open(&s, &m);
	truncated = !ret && s.truncated;
	if (!ret)
		kv_store_close(&s);
	tap_ok(ret == 0 && !truncated,
	       "store: truncate_damaged on an undamaged log truncates nothing (%d)",
	       ret);

	dmg_flip(&m, &s, pos[200]);
	ret = trunc_open(&s, &m);
	if (!ret) {
		truncated = s.truncated && s.damaged.pos == pos[200] &&
			    dmg_all_there(&s, 200);
		zeroed = (unsigned long long)s.stats.bytes_written;
		/*
		 * fresh values, the sizes as before, for more than the batch
		 * a normal open writes zeros over
		 */
		n = 200 + (int)(s.batch_cap / DMG_LEN) + 20;
		dmg_fill_from(&s, 200, n, 7);
		close_as_power_loss(&s, &m);
	}
	tap_ok(ret == 0 && truncated && n < DMG_RECS,
	       "store: truncate_damaged opens a log damaged at record 200 with the 200 pairs before it (%d, %llu bytes written)",
	       ret, zeroed);
	ret = open_store(&s, &m);
	tap_ok(ret == 0 && s.index.nr_keys == (uint64_t)n &&
	       dmg_value_is(&s, n - 1, 7),
	       "store: %d new records and a power loss later, it opens with %d pairs: the lost records after them never replay (%d, %llu keys)",
	       n - 200, n, ret,
	       ret ? 0ULL : (unsigned long long)s.index.nr_keys);
	if (!ret)
		kv_store_close(&s);
	md_free(&m);
}

static void test_capacity(void)
{
	static uint8_t v[MAXV];
	struct kv_op op = { 0 };
	struct memdev m;
	struct kv_store s;
	int i, stored = 0, full = 0;

	md_init(&m, 4 << 20);
	open_store(&s, &m);
	op.opcode = NVME_KV_CMD_STORE;
	op.key_len = 4;
	op.value = v;
	op.value_len = MAXV;
	for (i = 0; i < 2000 && !full; i++) {
		memcpy(op.key, &i, 4);
		kv_store_commit(&s, &op, 1);
		if (op.status == NVME_KV_SC_CAPACITY_EXCEEDED)
			full = 1;
		else if (!op.status)
			stored++;
	}
	tap_ok(full && stored > 100 && s.index.nr_keys == (uint64_t)stored,
	       "store: a full device answers Capacity Exceeded and keeps what it has (%d values)",
	       stored);
	op.opcode = NVME_KV_CMD_DELETE;
	for (i = 0; i < stored / 2; i++) {
		memcpy(op.key, &i, 4);
		kv_store_commit(&s, &op, 1);
	}
	op.opcode = NVME_KV_CMD_STORE;
	for (i = 0; i < stored / 4; i++) {
		int k = 100000 + i;

		memcpy(op.key, &k, 4);
		kv_store_commit(&s, &op, 1);
		if (op.status)
			break;
	}
	tap_ok(i == stored / 4 && s.stats.cleaned > 0,
	       "store: space freed by Deletes is reclaimed for new Stores");
	kv_store_close(&s);
	tap_ok(open_store(&s, &m) == 0 &&
	       s.index.nr_keys == (uint64_t)(stored - stored / 2 + stored / 4),
	       "store: the cleaned store replays to the same keys");
	kv_store_close(&s);
	md_free(&m);
}

/*
 * The guest once failed here: a device filled with large values to
 * Capacity Exceeded, then small Stores of every size in groups, which
 * keeps the cleaner relocating large records while the log wraps.
 */
static void test_full_churn(uint64_t dev_size, uint32_t max_value_len,
			    uint32_t big_len)
{
	static uint8_t big[1 << 20], v[64][4097];
	static struct kv_op ops[64];
	struct memdev m;
	struct kv_store s;
	struct kv_store_io io = md_io;
	unsigned int i, n, size = 0, k;
	int ret, bad = 0, full = 0, stored = 0;
	long commits = 0;

	md_init(&m, dev_size);
	io.dev = &m;
	if (kv_store_open(&s, &io, m.size, max_value_len)) {
		tap_ok(0, "store: churn: open");
		return;
	}
	memset(big, 0x42, sizeof(big));
	for (i = 0; i < 1000 && !full; i++) {
		memset(&ops[0], 0, sizeof(ops[0]));
		ops[0].opcode = NVME_KV_CMD_STORE;
		ops[0].key_len = snprintf((char *)ops[0].key, 16, "fill-%u", i);
		ops[0].value = big;
		ops[0].value_len = big_len;
		ret = kv_store_commit(&s, ops, 1);
		if (ret < 0)
			bad++;
		if (ops[0].status == NVME_KV_SC_CAPACITY_EXCEEDED)
			full = 1;
		else if (!ops[0].status)
			stored++;
	}
	for (commits = 0; commits < 300 && !bad; commits++) {
		n = 1 + rnd() % 64;
		for (i = 0; i < n; i++) {
			k = rnd() % 64;
			memset(&ops[i], 0, sizeof(ops[i]));
			ops[i].key_len = snprintf((char *)ops[i].key, 16, "c%u", k);
			if (rnd() % 8 == 0) {
				ops[i].opcode = NVME_KV_CMD_DELETE;
				continue;
			}
			ops[i].opcode = NVME_KV_CMD_STORE;
			ops[i].value = v[k];
			ops[i].value_len = size;
			memset(v[k], (int)size, size);
			size = (size + 1) % 4097;
		}
		for (i = 0; i < n; i += ret) {
			ret = kv_store_commit(&s, ops + i, n - i);
			if (ret <= 0) {
				bad++;
				break;
			}
		}
		for (i = 0; i < n && !bad; i++)
			if (ops[i].status == KV_STATUS_INTERNAL)
				bad++;
	}
	tap_ok(full && !bad, "store: a full device of large values takes %ld groups of small Stores of every size (%d large values, %d failures)",
	       commits, stored, bad);
	kv_store_close(&s);
	tap_ok(kv_store_open(&s, &io, m.size, max_value_len) == 0,
	       "store: and replays afterwards");
	kv_store_close(&s);
	md_free(&m);
}

/*
 * A store filled to capacity with small values that stay live: when the
 * tail comes round to them, the cleaner has to move all of them before it
 * finds free space, and must never write over the log it has not freed.
 */
static void test_live_tail(uint64_t dev_size, uint32_t value_len)
{
	static uint8_t v[4096];
	static struct kv_op ops[64];
	struct kv_store_io io = md_io;
	unsigned int i, nkeys = 0, round;
	struct memdev m;
	struct kv_store s;
	int ret, bad = 0, full = 0;

	md_init(&m, dev_size);
	io.dev = &m;
	if (kv_store_open(&s, &io, m.size, 4096)) {
		tap_ok(0, "store: live tail: open");
		return;
	}
	memset(v, 0x5a, sizeof(v));
	while (!full && !bad) {
		for (i = 0; i < 64; i++) {
			memset(&ops[i], 0, sizeof(ops[i]));
			ops[i].opcode = NVME_KV_CMD_STORE;
			ops[i].key_len = snprintf((char *)ops[i].key, 16, "k%u",
						  nkeys + i);
			ops[i].value = v;
			ops[i].value_len = value_len;
		}
		for (i = 0; i < 64; i += ret) {
			ret = kv_store_commit(&s, ops + i, 64 - i);
			if (ret <= 0) {
				bad++;
				break;
			}
		}
		for (i = 0; i < 64; i++) {
			if (ops[i].status == NVME_KV_SC_CAPACITY_EXCEEDED)
				full = 1;
			else if (ops[i].status)
				bad++;
			else
				nkeys++;
		}
	}
	/* overwrite the newest keys until the log has gone round twice */
	for (round = 0; !bad && s.stats.cleaned < 2 * s.log_size; round++) {
		memset(&ops[0], 0, sizeof(ops[0]));
		ops[0].opcode = NVME_KV_CMD_STORE;
		ops[0].key_len = snprintf((char *)ops[0].key, 16, "k%u",
					  nkeys - 1 - round % 8);
		ops[0].value = v;
		ops[0].value_len = value_len;
		if (kv_store_commit(&s, ops, 1) != 1 || ops[0].status)
			bad++;
	}
	tap_ok(full && !bad && s.stats.relocated >= nkeys - 8,
	       "store: a log full of live %u-byte values goes round twice (%u keys, %llu moved, %d failures)",
	       value_len, nkeys, (unsigned long long)s.stats.relocated, bad);
	kv_store_close(&s);
	ret = kv_store_open(&s, &io, m.size, 4096);
	tap_ok(!ret && s.index.nr_keys == nkeys,
	       "store: and replays with every key (%llu of %u)",
	       (unsigned long long)(ret ? 0 : s.index.nr_keys), nkeys);
	if (!ret)
		kv_store_close(&s);
	md_free(&m);
}

static void test_list(void)
{
	static const char *keys[] = { "b", "a", "ab", "abc", "zz", "0123456789abcdef" };
	struct kv_op op = { 0 };
	struct memdev m;
	struct kv_store s;
	uint8_t buf[64];
	uint32_t used;
	unsigned int i;

	md_init(&m, 4 << 20);
	open_store(&s, &m);
	op.opcode = NVME_KV_CMD_STORE;
	op.value = "x";
	op.value_len = 1;
	for (i = 0; i < 6; i++) {
		op.key_len = strlen(keys[i]);
		memcpy(op.key, keys[i], op.key_len);
		kv_store_commit(&s, &op, 1);
	}
	kv_store_list(&s, NULL, 0, buf, sizeof(buf), &used);
	/* 0123456789abcdef, a, ab, abc, b, zz */
	tap_ok(nvme_kv_get_le32(buf) == 6 && buf[4] == 16 &&
	       !memcmp(buf + 6, "0123456789abcdef", 16) &&
	       buf[24] == 1 && buf[26] == 'a' && buf[28] == 2 &&
	       !memcmp(buf + 30, "ab", 2) && buf[32] == 3 &&
	       !memcmp(buf + 34, "abc", 3) && buf[37] == 0 && used == 48,
	       "store: List returns all keys in order, each padded to 4 bytes");
	kv_store_list(&s, (const u8 *)"ab", 2, buf, sizeof(buf), &used);
	tap_ok(nvme_kv_get_le32(buf) == 4 && buf[4] == 2 && !memcmp(buf + 6, "ab", 2),
	       "store: List starts at the start key, inclusive");
	kv_store_list(&s, NULL, 0, buf, 23, &used);
	tap_ok(nvme_kv_get_le32(buf) == 0 && used == 4,
	       "store: List stops before an entry that does not fit the buffer");
	kv_store_list(&s, (const u8 *)"zzz", 3, buf, sizeof(buf), &used);
	tap_ok(nvme_kv_get_le32(buf) == 0 && used == 4,
	       "store: List past the last key returns no keys");
	kv_store_close(&s);
	md_free(&m);
}

/* ---- the index's key order (skip list) against a sorted model ---- */

static int cmp_model(const void *a, const void *b)
{
	const uint8_t *x = a, *y = b;

	return kv_key_cmp(x + 1, x[0], y + 1, y[0]);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_index_order(void)
{
	enum { UNIVERSE = 3000, OPS = 40000, BIG = 102400, LISTS = 1000 };
	static uint8_t model[UNIVERSE][17], sorted[UNIVERSE][17];
	static uint8_t present[UNIVERSE];
	const struct kv_index_entry *e;
	struct kv_index idx;
	unsigned int i, n, k, u, j, bad = 0, seeks = 0;
	uint8_t key[17];
	double t0, took;

	if (kv_index_init(&idx)) {
		tap_ok(0, "index: key order (init failed)");
		return;
	}
	/* keys of 1..16 bytes over a small alphabet, so many share prefixes */
	for (i = 0; i < UNIVERSE; i++) {
		model[i][0] = 1 + rnd() % 16;
		for (k = 1; k <= model[i][0]; k++)
			model[i][k] = "ab\0\xff"[rnd() % 4];
	}
	for (i = 0; i < OPS; i++) {
		k = rnd() % UNIVERSE;
		if (rnd() % 3) {
			kv_index_set(&idx, model[k] + 1, model[k][0], 1, i, i + 1,
				     48, NULL);
			present[k] = 1;
		} else {
			kv_index_remove(&idx, model[k] + 1, model[k][0], NULL);
			present[k] = 0;
		}
		/* duplicate keys in the model share one entry */
		for (n = 0; n < UNIVERSE; n++)
			if (n != k && model[n][0] == model[k][0] &&
			    !memcmp(model[n] + 1, model[k] + 1, model[k][0]))
				present[n] = present[k];
		if (i % 4000)
			continue;
		/* a full walk, then seeks from random keys, against the model */
		for (n = 0, k = 0; k < UNIVERSE; k++)
			if (present[k])
				memcpy(sorted[n++], model[k], 17);
		qsort(sorted, n, 17, cmp_model);
		for (u = 0, k = 0; k < n; k++)	/* drop duplicates */
			if (!u || cmp_model(sorted[u - 1], sorted[k]))
				memcpy(sorted[u++], sorted[k], 17);
		n = u;
		for (k = 0, e = kv_index_seek(&idx, NULL, 0); e && k < n;
		     e = kv_index_next(e), k++)
			if (e->key_len != sorted[k][0] ||
			    memcmp(e->key, sorted[k] + 1, e->key_len))
				bad++;
		if (e || k != n || n != idx.nr_keys)
			bad++;
		for (k = 0; k < 200; k++) {
			unsigned int lo = 0, hi = n;

			key[0] = 1 + rnd() % 16;
			for (j = 1; j <= key[0]; j++)
				key[j] = "ab\0\xff"[rnd() % 4];
			while (lo < hi) {	/* first model key not before it */
				unsigned int mid = (lo + hi) / 2;

				if (cmp_model(sorted[mid], key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			e = kv_index_seek(&idx, key + 1, key[0]);
			if (lo == n ? e != NULL :
			    !e || e->key_len != sorted[lo][0] ||
			    memcmp(e->key, sorted[lo] + 1, e->key_len))
				bad++;
			seeks++;
		}
	}
	tap_ok(!bad, "index: after %u random inserts and removals the key order walk and %u seeks match a sorted model (%u mismatches)",
	       OPS, seeks, bad);
	kv_index_destroy(&idx);

	/*
	 * Bounded work: 1000 Lists of a small buffer over 102400 keys.  The
	 * engine used to collect and sort every key for each List (61 s for
	 * the 1000 under ASan); a seek and a few steps take milliseconds.
	 */
	{
		struct kv_store st;
		struct memdev m;
		struct kv_op ops[64];
		uint8_t buf[64];
		uint32_t used;
		unsigned int listed = 0;

		md_init(&m, 64 << 20);
		if (open_store(&st, &m)) {
			tap_ok(0, "store: List of a small buffer (open failed)");
			md_free(&m);
			return;
		}
		for (i = 0; i < BIG; i += 64) {
			for (j = 0; j < 64; j++) {
				memset(&ops[j], 0, sizeof(ops[j]));
				ops[j].opcode = NVME_KV_CMD_STORE;
				ops[j].key_len = 8;
				snprintf((char *)ops[j].key, 9, "%08u", i + j);
				ops[j].value = "v";
				ops[j].value_len = 1;
			}
			for (j = 0; j < 64;) {
				int r = kv_store_commit(&st, ops + j, 64 - j);

				if (r <= 0)
					break;
				j += r;
			}
		}
		t0 = mono_now();
		for (i = 0; i < LISTS; i++) {
			snprintf((char *)key, 9, "%08u", (unsigned int)(rnd() % BIG));
			kv_store_list(&st, key, 8, buf, sizeof(buf), &used);
			listed += nvme_kv_get_le32(buf);
		}
		took = mono_now() - t0;
		tap_ok(st.index.nr_keys == BIG && listed >= LISTS * 4 - 4 && took < 2.0,
		       "store: %u Lists of a 64-byte buffer over %llu keys take %.3f s (bounded by what they return, not by the number of keys)",
		       LISTS, (unsigned long long)st.index.nr_keys, took);
		kv_store_close(&st);
		md_free(&m);
	}
}

/* ---- reads that must not wait: KV_READ_NOWAIT uses io->read_nowait ---- */

static int nowait_calls;

static int md_read_nowait(void *d, u64 off, void *buf, u32 len)
{
	(void)d; (void)off; (void)buf; (void)len;
	nowait_calls++;
	return -EAGAIN;	/* nothing is cached: it would wait */
}

static void test_read_nowait(void)
{
	struct kv_op op = { .opcode = NVME_KV_CMD_STORE, .key_len = 2,
			    .key = "nw", .value_len = 5, .value = "hello" };
	struct kv_store_io io = md_io;
	const struct kv_index_entry *e;
	struct kv_store s;
	struct memdev m;
	char buf[8] = "";
	int r1, r2, r3, r4;

	md_init(&m, 4 << 20);
	io.dev = &m;
	io.read_nowait = md_read_nowait;
	if (kv_store_open(&s, &io, m.size, MAXV) ||
	    kv_store_commit(&s, &op, 1) != 1 ||
	    !(e = kv_store_lookup(&s, (const u8 *)"nw", 2))) {
		tap_ok(0, "store: reads that must not wait (setup failed)");
		md_free(&m);
		return;
	}
	r1 = kv_store_read_value(&s, e, 0, buf, 5, KV_READ_NOWAIT);
	r2 = kv_store_read_at(&s, e->pos, buf, 5, KV_READ_NOWAIT);
	r3 = kv_store_read_value(&s, e, 0, buf, 5, 0);
	r4 = kv_store_read_at(&s, e->pos, buf, 5, 0);
	tap_ok(r1 == -EAGAIN && r2 == -EAGAIN && nowait_calls == 2 && !r3 &&
	       !r4 && !memcmp(buf, "hello", 5),
	       "store: value reads with KV_READ_NOWAIT go to read_nowait (-EAGAIN), without it to read (%d %d %d %d)",
	       r1, r2, r3, r4);
	kv_store_close(&s);
	md_free(&m);
}

/* ---- opening in two steps: attach, then recover (nvmet-kv's ns_start) ---- */

static int stop_after;	/* io->stopping() says "stop" once called so often */
static int stop_calls;

static bool stop_counting(void *dev)
{
	(void)dev;
	return ++stop_calls > stop_after;
}

/*
 * A store of 3000 pairs: kv_store_attach() reads only the superblocks;
 * kv_store_recover() with a stopping() that says "stop" on its second
 * call gives up with -ECANCELED and writes nothing; a later attach and
 * recover find every pair.
 */
static void test_attach_recover(void)
{
	struct kv_store_io io = md_io;
	struct kv_op op = { .opcode = NVME_KV_CMD_STORE, .key_len = 8,
			    .value_len = 4, .value = "abcd" };
	unsigned long writes, reads_attach;
	struct kv_store s;
	struct memdev m;
	int i, n = 3000, r_cancel, r_ok = -1, found = 0, polls;

	md_init(&m, 8 << 20);
	io.dev = &m;
	if (kv_store_open(&s, &io, m.size, MAXV)) {
		tap_ok(0, "store: attach, then a recover that is stopped (setup failed)");
		md_free(&m);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf((char *)op.key, sizeof(op.key), "k%07d", i);
		kv_store_commit(&s, &op, 1);
	}
	kv_store_close(&s);
	md_drop_cache(&m, 2);

	io.stopping = stop_counting;
	stop_after = 1;
	stop_calls = 0;
	md_reads = 0;
	r_cancel = kv_store_attach(&s, &io, m.size, MAXV);
	reads_attach = md_reads;
	writes = m.writes;
	if (!r_cancel) {
		r_cancel = kv_store_recover(&s);
		kv_store_close(&s);
	}
	writes = m.writes - writes;
	polls = stop_calls;

	stop_after = 1 << 30;
	if (!kv_store_attach(&s, &io, m.size, MAXV)) {
		r_ok = kv_store_recover(&s);
		for (i = 0; !r_ok && i < n; i++) {
			snprintf((char *)op.key, sizeof(op.key), "k%07d", i);
			found += !!kv_store_lookup(&s, op.key, 8);
		}
		kv_store_close(&s);
	}
	tap_ok(reads_attach == 2 && r_cancel == -ECANCELED && polls == 2 &&
	       !writes && !r_ok && found == n,
	       "store: attach reads only the superblocks (%lu reads); a recover told to stop returns -ECANCELED (%d) after %d polls and writes nothing (%lu writes); the next recover finds %d of %d pairs",
	       reads_attach, r_cancel, polls, writes, found, n);
	md_free(&m);
}

/* ---- hostile media: superblocks with a valid CRC and fields out of range ---- */

static void put_le64_at(uint8_t *p, uint64_t v)
{
	nvme_kv_put_le32(p, (uint32_t)v);
	nvme_kv_put_le32(p + 4, (uint32_t)(v >> 32));
}

/*
 * What a host that can write the device (a block namespace on it) does:
 * copy the newest superblock (sequence number @seq) to the other copy with
 * sequence number @seq + 1, one field changed and a valid CRC.  Fields as
 * kv_sb_write() lays them out.
 */
static void forge_sb(struct memdev *m, uint64_t seq, unsigned int field_off,
		     uint64_t value, int width)
{
	uint8_t *sb = m->durable + ((seq + 1) % 2) * KV_BLOCK_SIZE;

	memcpy(sb, m->durable + (seq % 2) * KV_BLOCK_SIZE, KV_BLOCK_SIZE);
	put_le64_at(sb + 8, seq + 1);
	if (width == 4)
		nvme_kv_put_le32(sb + field_off, (uint32_t)value);
	else if (width == 8)
		put_le64_at(sb + field_off, value);
	nvme_kv_put_le32(sb + 4, ~kv_rec_crc(~0U, sb + 8,
			 kv_sb_crc_bytes(nvme_kv_get_le32(sb + 16))));
}

static void test_hostile_superblock(void)
{
	static const struct {
		const char	*what;
		unsigned int	off;
		int		width;
		uint64_t	value;
	} cases[] = {
		{ "a value limit of 0xfffffff0 (kv_rec_size() wraps)", 56, 4, 0xfffffff0u },
		{ "a value limit of 33 MiB", 56, 4, 33u << 20 },
		{ "a value limit of 0", 56, 4, 0 },
		{ "a log larger than the device", 32, 8, 1ull << 40 },
		{ "a log size near 2^64", 32, 8, ~0ull << 12 },
		{ "a log size that is not whole blocks", 32, 8, 4096 * 100 + 8 },
		{ "an unaligned tail", 40, 8, 12 },
		{ "a tail near 2^64", 40, 8, ~7ull },
		{ "a tail sequence number of 0", 48, 8, 0 },
		{ "a tail sequence number near 2^64", 48, 8, ~0ull },
		{ "another format version", 16, 4, KV_SB_VERSION + 1 },
		{ "an unaligned head", 64, 8, 4 },
		{ "a head past the log's end", 64, 8, 1ull << 40 },
		{ "a head near 2^64", 64, 8, ~7ull },
		{ "more records before the head than fit there", 72, 8, 1ull << 40 },
	};
	const uint64_t size = 16 << 20;
	struct kv_op op = { .opcode = NVME_KV_CMD_STORE, .key_len = 3,
			    .key = "abc", .value_len = 5, .value = "hello" };
	struct kv_store s;
	struct memdev m;
	uint8_t *orig, *expect, *rec;
	unsigned int i;
	uint64_t seq;
	int ret;

	md_init(&m, size);
	if (open_store(&s, &m) || kv_store_commit(&s, &op, 1) != 1 ||
	    op.status) {
		tap_ok(0, "store: hostile superblocks (setup failed)");
		md_free(&m);
		return;
	}
	seq = s.sb_seq;
	kv_store_close(&s);

	/*
	 * The log's first record claims a value of 4186072 bytes, which fits
	 * the log but not a record buffer sized for a limit of 4096: only the
	 * superblock's value limit stands between it and the buffer.
	 */
	rec = m.durable + KV_LOG_START;
	nvme_kv_put_le32(rec + 20, 4186072);
	orig = malloc(size);
	expect = malloc(size);
	memcpy(orig, m.durable, size);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memcpy(m.durable, orig, size);
		/* the newer copy: the engine takes the newest valid CRC */
		forge_sb(&m, seq, cases[i].off, cases[i].value,
			 cases[i].width);
		memcpy(expect, m.durable, size);
		ret = open_store(&s, &m);
		tap_ok(ret == -EINVAL && s.fail_reason && m.ncache == 0 &&
		       !memcmp(m.durable, expect, size),
		       "store: a superblock with %s and a valid CRC is refused (%d, \"%s\"), the device unchanged",
		       cases[i].what, ret, s.fail_reason ? s.fail_reason : "no reason");
		if (!ret)
			kv_store_close(&s);
	}
	free(expect);
	free(orig);
	md_free(&m);
}

/*
 * A store written before the superblock recorded the head (format 2, CRC
 * over 56 bytes) still opens with its pairs, and is written as format 3
 * from then on.
 */
static void test_sb_version2(void)
{
	struct kv_op op = { .opcode = NVME_KV_CMD_STORE, .key_len = 3,
			    .key = "abc", .value_len = 5, .value = "hello" };
	struct kv_store s;
	struct memdev m;
	uint8_t *sb;
	int ret, v3 = 0;

	md_init(&m, 4 << 20);
	if (open_store(&s, &m) || kv_store_commit(&s, &op, 1) != 1) {
		tap_ok(0, "store: a format 2 superblock (setup failed)");
		md_free(&m);
		return;
	}
	kv_store_close(&s);
	sb = m.durable + (s.sb_seq % 2) * KV_BLOCK_SIZE;
	nvme_kv_put_le32(sb + 16, KV_SB_VERSION_NO_HEAD);
	memset(sb + 64, 0, 16);
	nvme_kv_put_le32(sb + 4, ~kv_rec_crc(~0U, sb + 8, 56));
	ret = open_store(&s, &m);
	if (!ret) {
		sb = m.durable + (s.sb_seq % 2) * KV_BLOCK_SIZE;
		v3 = nvme_kv_get_le32(sb + 16) == KV_SB_VERSION;
	}
	tap_ok(ret == 0 && kv_store_lookup(&s, (const u8 *)"abc", 3) && v3,
	       "store: a store of format 2 (no head in its superblock) opens with its pair and is written as format 3 (%d)",
	       ret);
	if (!ret)
		kv_store_close(&s);
	md_free(&m);
}

/* ---- the index's hash: keyed, so chosen keys do not share a chain ---- */

static void test_siphash_vectors(void)
{
	/* SipHash-2-4 reference vectors: key 00..0f, message 00..len-1 */
	static const struct { size_t len; uint64_t want; } v[] = {
		{ 0, 0x726fdb47dd0e0e31ULL },
		{ 8, 0x93f5f5799a932462ULL },
		{ 15, 0xa129ca6149be45e5ULL },
	};
	struct kv_hash_key key;
	uint8_t msg[16], kb[16];
	unsigned int i, good = 0;

	for (i = 0; i < 16; i++)
		msg[i] = kb[i] = (uint8_t)i;
	key.key[0] = nvme_kv_get_le32(kb) | (uint64_t)nvme_kv_get_le32(kb + 4) << 32;
	key.key[1] = nvme_kv_get_le32(kb + 8) | (uint64_t)nvme_kv_get_le32(kb + 12) << 32;
	for (i = 0; i < ARRAY_SIZE(v); i++)
		good += kv_siphash(msg, v[i].len, &key) == v[i].want;
	tap_ok(good == ARRAY_SIZE(v),
	       "index: the user-space SipHash-2-4 gives the reference vectors (%u of %zu)",
	       good, ARRAY_SIZE(v));
}

/* The unkeyed FNV-1a the index used to hash with: what an attacker knows */
static uint64_t fnv1a_len(const uint8_t *key, uint8_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned int i;

	for (i = 0; i < len; i++)
		h = (h ^ key[i]) * 0x100000001b3ULL;
	return (h ^ len) * 0x100000001b3ULL;
}

static void test_index_collisions(void)
{
	enum { NR = 512, BUCKETS = 1024 };
	struct kv_index idx, idx2;
	const struct kv_index_entry *e;
	unsigned int made = 0, longest = 0, same = 0, chain;
	uint8_t key[16];
	uint64_t i, b;

	/*
	 * A host that knows the hash picks 16-byte keys that all fall in
	 * bucket 0 of the index's first 1024 buckets (it grows past a load
	 * of 2, so 512 keys stay in one table size).
	 */
	if (kv_index_init(&idx) || kv_index_init(&idx2)) {
		tap_ok(0, "index: chosen keys (init failed)");
		return;
	}
	memset(key, 'k', sizeof(key));
	for (i = 0; made < NR; i++) {
		memcpy(key, &i, sizeof(i));
		if (fnv1a_len(key, 16) % BUCKETS)
			continue;
		kv_index_set(&idx, key, 16, 1, made * 64, made + 1, 48, NULL);
		kv_index_set(&idx2, key, 16, 1, made * 64, made + 1, 48, NULL);
		same += kv_index_bucket(&idx, key, 16) ==
			kv_index_bucket(&idx2, key, 16);
		made++;
	}
	for (b = 0; b <= idx.mask; b++) {
		chain = 0;
		for (e = idx.buckets[b]; e; e = e->next)
			chain++;
		if (chain > longest)
			longest = chain;
	}
	/* 512 keys in 1024 random buckets: the longest chain is about 5 */
	tap_ok(idx.nr_keys == NR && longest <= 16 && same < NR / 8,
	       "index: %u keys chosen to collide under an unkeyed hash spread out (longest chain %u; %u of them in the same bucket of two indexes)",
	       NR, longest, same);
	kv_index_destroy(&idx2);
	kv_index_destroy(&idx);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3000;

	if (argc > 2)
		rng_state = strtoull(argv[2], NULL, 0) | 1;
	char why[160] = "";
	long acked;
	int ok = 0;

	test_basic();
	test_rec_check();
	test_group_commit();
	test_torn_tail();
	test_damaged_record();
	test_truncate_damaged();
	test_capacity();
	test_full_churn(16 << 20, 256 << 10, 128 << 10);
	test_full_churn(64 << 20, 1 << 20, 512 << 10);
	test_live_tail(16 << 20, 200);
	test_live_tail(16 << 20, 8);
	test_list();
	test_index_order();
	test_read_nowait();
	test_attach_recover();
	test_hostile_superblock();
	test_sb_version2();
	test_siphash_vectors();
	test_index_collisions();
	acked = crash_model_test(rounds, 3 << 20, &ok, why, sizeof(why));
	tap_ok(ok, "store: random groups with power losses match the model (%ld acknowledged ops; %s)",
	       acked, why);
	return tap_done();
}
