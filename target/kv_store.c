// SPDX-License-Identifier: GPL-2.0
/*
 * The durable KV store engine (see kv_store.h and Documentation/store.md).
 *
 * Device layout: blocks 0 and 1 hold two superblocks, written alternately;
 * the log region follows.  Log positions are 64-bit byte counts that only
 * grow; position p lives at device offset KV_LOG_START + p % log_size.
 *
 * Record: 40-byte header (magic, CRC32C, sequence number, type, key length,
 * value length, key) and, for a PUT, the value; records are 8-byte aligned
 * and never cross the end of the log region.  Replay accepts a record only
 * if its sequence number is exactly the next expected one, so records left
 * over from an earlier lap of the log, or from a batch torn by a crash,
 * never replay.  A record that would cross the end of the region is written
 * at its start instead; the gap before the end holds a PAD record, or zeros
 * where it is shorter than KV_REC_HDR.
 *
 * A batch starts exactly where the log ends, so moving records (the
 * cleaner) never wastes space.  The device is written in whole blocks: a
 * batch rewrites the block holding the log's end with the bytes before the
 * end unchanged (sector writes are atomic, so a torn rewrite cannot harm
 * them) and fills the rest of its last block with zeros, which end the log
 * for replay.
 */
#include "kv_store.h"
#ifdef __KERNEL__
#include <linux/random.h>
#else
#include <sys/random.h>
#endif

#define KV_BATCH_MIN		(256 * 1024)

static void put_le64(u8 *p, u64 v)
{
	nvme_kv_put_le32(p, (u32)v);
	nvme_kv_put_le32(p + 4, (u32)(v >> 32));
}

static u64 get_le64(const u8 *p)
{
	return nvme_kv_get_le32(p) | (u64)nvme_kv_get_le32(p + 4) << 32;
}

static u64 round_up_u64(u64 v, u64 a)
{
	return (v + a - 1) / a * a;
}

/**
 * kv_rec_size() - bytes a record with a value of @value_len takes in the log
 * @value_len: value size
 *
 * Return: header plus value, rounded up to 8 bytes.
 */
u32 kv_rec_size(u32 value_len)
{
	return (KV_REC_HDR + value_len + 7) & ~7U;
}

static u64 kv_phys(const struct kv_store *s, u64 pos)
{
	return KV_LOG_START + pos % s->log_size;
}

/*
 * The sequence number a new store starts from: random, so that records an
 * earlier store left on the device never continue this store's sequence
 * (kv_log_goes_on()).  Below 2^47: far from KV_STORE_POS_MAX.
 */
static u64 kv_first_seq(void)
{
	u64 r;

#ifdef __KERNEL__
	r = get_random_u64();
#else
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = 0;
#endif
	return 1 + (r >> 17);
}

static u64 round_down_u64(u64 v, u64 a)
{
	return v - v % a;
}

/* Where the next record after @pos may start (the skip rule above). */
static u64 kv_next_start(const struct kv_store *s, u64 pos)
{
	u64 left = s->log_size - pos % s->log_size;

	return left < KV_REC_HDR ? pos + left : pos;
}

static u64 kv_free_bytes(const struct kv_store *s)
{
	return s->log_size - (s->head - s->tail);
}

/* Live data may not exceed this, so that the cleaner can always progress. */
u64 kv_store_capacity(const struct kv_store *s)
{
	return s->log_size - 4ULL * s->batch_cap;
}

static void kv_lock(struct kv_store *s)
{
	if (s->io.lock)
		s->io.lock(s->io.dev);
}

static void kv_unlock(struct kv_store *s)
{
	if (s->io.unlock)
		s->io.unlock(s->io.dev);
}

/*
 * The store cannot go on: every later commit fails.  @why and @pos say
 * what broke, for the log.
 */
static int kv_fail(struct kv_store *s, int ret, const char *why, u64 pos)
{
	if (!s->failed) {
		s->failed = true;
		s->fail_reason = why;
		s->fail_pos = pos;
	}
	return ret;
}

/* Encode a record header (and CRC over header and @value) at @p. */
static void kv_rec_encode(u8 *p, u64 seq, u8 type, const u8 *key, u8 key_len,
			  const void *value, u32 value_len)
{
	u32 crc;

	memset(p, 0, KV_REC_HDR);
	nvme_kv_put_le32(p, KV_REC_MAGIC);
	put_le64(p + 8, seq);
	p[16] = type;
	p[17] = key_len;
	nvme_kv_put_le32(p + 20, value_len);
	if (key_len)
		memcpy(p + 24, key, key_len);
	if (type == KV_REC_PUT && value_len)
		memcpy(p + KV_REC_HDR, value, value_len);
	crc = kv_rec_crc(~0U, p + 8, KV_REC_HDR - 8);
	if (type == KV_REC_PUT)
		crc = kv_rec_crc(crc, p + KV_REC_HDR, value_len);
	nvme_kv_put_le32(p + 4, ~crc);
}

/*
 * A batch under construction: log bytes [s->head, s->head + len), in
 * s->batch after the @pre bytes of the head's block that precede s->head.
 */
struct kv_batch {
	u32	pre;
	u32	len;
	u32	records;
};

static void kv_batch_init(struct kv_store *s, struct kv_batch *b)
{
	b->pre = (u32)(s->head % KV_BLOCK_SIZE);
	b->len = 0;
	b->records = 0;
	memcpy(s->batch, s->head_blk, b->pre);
}

static u8 *kv_batch_end(struct kv_store *s, struct kv_batch *b)
{
	return s->batch + b->pre + b->len;
}

static void kv_batch_skip_to(struct kv_store *s, struct kv_batch *b, u64 to)
{
	u64 pos = s->head + b->len;

	if (to - pos >= KV_REC_HDR) {
		kv_rec_encode(kv_batch_end(s, b), s->next_seq++, KV_REC_PAD,
			      NULL, 0, NULL, (u32)(to - pos - KV_REC_HDR));
		memset(kv_batch_end(s, b) + KV_REC_HDR, 0,
		       to - pos - KV_REC_HDR);
	} else {
		memset(kv_batch_end(s, b), 0, to - pos);
	}
	b->len = (u32)(to - s->head);
}

/* Does a batch ending at log position @end (block aligned) fit? */
static bool kv_batch_fits(struct kv_store *s, struct kv_batch *b, u64 end)
{
	/* space from the tail on is not free until a superblock says so */
	return end - (s->head - b->pre) <= s->batch_cap &&
	       end <= s->tail + s->log_size;
}

/*
 * Append a record to the batch; *pos and *seq receive its log position and
 * sequence number.  Returns -E2BIG when the batch has no room for it; the
 * batch may then have grown by the padding up to the end of the region,
 * after which the record would fit in the next batch.
 */
static int kv_batch_add(struct kv_store *s, struct kv_batch *b, u8 type,
			const u8 *key, u8 key_len, const void *value,
			u32 value_len, u64 *pos, u64 *seq)
{
	u32 vlen = type == KV_REC_PUT ? value_len : 0;
	u32 size = kv_rec_size(vlen);
	u64 at = kv_next_start(s, s->head + b->len);
	u64 region_end = (at / s->log_size + 1) * s->log_size;

	if (at + size > region_end) {
		/* region_end is block aligned */
		if (!kv_batch_fits(s, b, region_end))
			return -E2BIG;
		kv_batch_skip_to(s, b, region_end);
		at = region_end;
	}
	if (!kv_batch_fits(s, b, round_up_u64(at + size, KV_BLOCK_SIZE)))
		return -E2BIG;
	if (at != s->head + b->len)
		kv_batch_skip_to(s, b, at);
	*pos = at;
	*seq = s->next_seq++;
	kv_rec_encode(kv_batch_end(s, b), *seq, type, key, key_len, value,
		      vlen);
	memset(kv_batch_end(s, b) + KV_REC_HDR + vlen, 0,
	       size - KV_REC_HDR - vlen);
	b->len += size;
	b->records++;
	return 0;
}

/* Write log bytes [@pos, @pos + @len) from @buf; the region may wrap. */
static int kv_log_write(struct kv_store *s, u64 pos, const u8 *buf, u64 len)
{
	u64 off = 0, first;
	int ret;

	while (off < len) {
		first = s->log_size - (pos + off) % s->log_size;
		if (first > len - off)
			first = len - off;
		ret = s->io.write(s->io.dev, kv_phys(s, pos + off), buf + off,
				  (u32)first);
		if (ret)
			return ret;
		off += first;
	}
	s->stats.bytes_written += len;
	return 0;
}

/*
 * Write the batch in whole blocks (zeros after its end) and flush, and keep
 * the bytes of the block the log now ends in for the next batch.  The
 * caller then moves s->head on by b->len.
 */
static int kv_batch_write(struct kv_store *s, struct kv_batch *b)
{
	u64 base = s->head - b->pre, end_pos = s->head + b->len;
	u64 end = round_up_u64(end_pos, KV_BLOCK_SIZE);
	int ret;

	if (!kv_batch_fits(s, b, end))	/* kv_batch_add() saw to it */
		return kv_fail(s, -EIO, "batch runs past the tail", end);
	memset(kv_batch_end(s, b), 0, end - end_pos);
	ret = kv_log_write(s, base, s->batch, end - base);
	if (ret)
		return kv_fail(s, ret, "log write", base);
	ret = s->io.flush(s->io.dev);
	if (ret)
		return kv_fail(s, ret, "flush", base);
	s->stats.flushes++;
	memcpy(s->head_blk,
	       s->batch + (round_down_u64(end_pos, KV_BLOCK_SIZE) - base),
	       end_pos % KV_BLOCK_SIZE);
	return 0;
}

static int kv_sb_write(struct kv_store *s)
{
	u8 *sb = s->rec_buf;
	u64 seq = s->sb_seq + 1;
	int ret;

	memset(sb, 0, KV_BLOCK_SIZE);
	nvme_kv_put_le32(sb, KV_SB_MAGIC);
	put_le64(sb + 8, seq);
	nvme_kv_put_le32(sb + 16, KV_SB_VERSION);
	nvme_kv_put_le32(sb + 20, KV_BLOCK_SIZE);
	put_le64(sb + 24, KV_LOG_START);
	put_le64(sb + 32, s->log_size);
	put_le64(sb + 40, s->tail);
	put_le64(sb + 48, s->tail_seq);
	nvme_kv_put_le32(sb + 56, s->max_value_len);
	/* how far the log durably reached: every record before it is flushed */
	put_le64(sb + 64, s->head);
	put_le64(sb + 72, s->next_seq);
	nvme_kv_put_le32(sb + 4, ~kv_rec_crc(~0U, sb + 8,
					     kv_sb_crc_bytes(KV_SB_VERSION)));

	ret = s->io.write(s->io.dev, (seq % 2) * KV_BLOCK_SIZE, sb,
			  KV_BLOCK_SIZE);
	if (!ret)
		ret = s->io.flush(s->io.dev);
	if (ret)
		return kv_fail(s, ret, "superblock write", 0);
	s->stats.flushes++;
	s->sb_seq = seq;
	return 0;
}

/*
 * Read and check the record at @pos, which must carry sequence number
 * @seq.  On success the header (and for a PUT the value) is in s->rec_buf
 * and *size is the record's size.  Returns 0, -EINVAL for a record that is
 * not there (end of the log), or an I/O error.
 */
static int kv_rec_read(struct kv_store *s, u64 pos, u64 seq, u32 *size)
{
	u8 *p = s->rec_buf;
	u32 crc, value_len, len;
	u8 type, key_len;
	int ret;

	ret = s->io.read(s->io.dev, kv_phys(s, pos), p, KV_REC_HDR);
	if (ret)
		return ret;
	if (nvme_kv_get_le32(p) != KV_REC_MAGIC || get_le64(p + 8) != seq)
		return -EINVAL;
	type = p[16];
	key_len = p[17];
	value_len = nvme_kv_get_le32(p + 20);
	switch (type) {
	case KV_REC_PUT:
		/* s->rec_buf holds a record of the largest value, no more */
		if (value_len > s->max_value_len ||
		    value_len > s->batch_cap - KV_REC_HDR)
			return -EINVAL;
		fallthrough;
	case KV_REC_DEL:
		if (key_len < NVME_KV_KEY_MIN || key_len > NVME_KV_KEY_MAX)
			return -EINVAL;
		if (type == KV_REC_DEL && value_len)
			return -EINVAL;
		len = kv_rec_size(value_len);
		break;
	case KV_REC_PAD:
		/* a PAD fills the gap before the region's end: < one record */
		if (key_len || value_len > s->batch_cap)
			return -EINVAL;
		len = KV_REC_HDR + value_len;
		break;
	default:
		return -EINVAL;
	}
	if (pos % s->log_size + len > s->log_size)
		return -EINVAL;

	crc = kv_rec_crc(~0U, p + 8, KV_REC_HDR - 8);
	if (type == KV_REC_PUT && value_len) {
		ret = s->io.read(s->io.dev, kv_phys(s, pos) + KV_REC_HDR,
				 p + KV_REC_HDR, value_len);
		if (ret)
			return ret;
		crc = kv_rec_crc(crc, p + KV_REC_HDR, value_len);
	}
	if (~crc != nvme_kv_get_le32(p + 4))
		return -EINVAL;
	*size = len;
	return 0;
}

/* Apply a replayed or committed record to the index and live_bytes. */
static int kv_apply(struct kv_store *s, u8 type, const u8 *key, u8 key_len,
		    u32 value_len, u64 pos, u64 seq)
{
	struct kv_index_entry old;
	int ret;

	if (type == KV_REC_PUT) {
		ret = kv_index_set(&s->index, key, key_len, value_len, pos,
				   seq, kv_rec_size(value_len), &old);
		if (ret)
			return ret;
		s->live_bytes += kv_rec_size(value_len);
		if (old.key_len)
			s->live_bytes -= old.rec_len;
	} else if (kv_index_remove(&s->index, key, key_len, &old)) {
		s->live_bytes -= old.rec_len;
	}
	return 0;
}

/*
 * After replay, s->head is where the last valid record ended; the log
 * continues from there.  Keep the bytes of its block before the end for the
 * next batch, and write zeros over the rest of that block and the space
 * after it, up to @max bytes from the block's start and never past the
 * tail, so nothing left there can ever look like the next record.  @max
 * is one batch, the most a torn batch could have reached, or the whole log
 * when the log was truncated at a damaged record: then valid records of
 * the lost part follow, and with the numbers the next batches will reuse.
 * The bytes before the end are rewritten unchanged, so a torn rewrite
 * cannot harm them.  Writes a batch at a time, asking io->stopping()
 * before each after the first.
 */
static int kv_zero_ahead(struct kv_store *s, u64 max)
{
	u64 start = round_down_u64(s->head, KV_BLOCK_SIZE);
	u64 len = round_down_u64(s->tail + s->log_size, KV_BLOCK_SIZE) - start;
	u64 off, chunk;
	u32 pre = (u32)(s->head - start);
	int ret = 0;

	if (pre) {
		ret = s->io.read(s->io.dev, kv_phys(s, start), s->head_blk, pre);
		if (ret)
			return ret;
	}
	if (len > max)
		len = max;
	if (len <= pre)		/* a full log: no batch fits there either */
		return 0;
	memcpy(s->batch, s->head_blk, pre);
	memset(s->batch + pre, 0, s->batch_cap - pre);
	for (off = 0; off < len; off += chunk) {
		if (off && s->io.stopping && s->io.stopping(s->io.dev))
			return -ECANCELED;
		chunk = len - off;
		if (chunk > s->batch_cap)
			chunk = s->batch_cap;
		ret = kv_log_write(s, start + off, s->batch, chunk);
		if (ret)
			break;
		if (!off)	/* the rest is all zeros */
			memset(s->batch, 0, pre);
	}
	if (!ret)
		ret = s->io.flush(s->io.dev);
	if (ret)
		return kv_fail(s, ret, "zeroing ahead of the log", start);
	s->stats.flushes++;
	return 0;
}

/* kv_replay() asks io->stopping() once per this many records */
#define KV_REPLAY_POLL	256

/*
 * Replay stopped at @pos, where no record with sequence number @seq is:
 * is that where the log ends, or is the record there damaged and the log
 * goes on after it?  (Before the head the newest superblock recorded it
 * cannot end, kv_log_end() says so first.)  A crash can tear only the
 * batch being written, which starts at or before @pos and is at most
 * batch_cap long; kv_batch_write() writes the next batch only once it is
 * durable.  So a valid record that
 * continues the sequence (a number above @seq, and no more above it than
 * records of KV_REC_HDR bytes or more could fit in between) at batch_cap
 * or more past @pos proves that the record at @pos was durable: it is
 * damaged, and replaying on would silently drop every pair after it.
 * Records of earlier laps of the log carry smaller numbers, and records
 * of an earlier store on the device numbers from another random start
 * (kv_first_seq()).  The window is batch_cap long, so it holds a record
 * whenever the log goes on past it; damage to the last batch_cap bytes of
 * the log cannot be told from a torn batch.
 *
 * Returns 0 when the log ends at @pos, -EUCLEAN with s->damaged filled in
 * when it goes on, or an I/O error.  Uses s->batch for the scan and
 * s->rec_buf to check a candidate.
 */
static int kv_log_goes_on(struct kv_store *s, u64 pos, u64 seq)
{
	u64 q = pos + s->batch_cap, end = pos + 2ULL * s->batch_cap;
	u64 chunk, found, max_seq;
	u32 len, i, size;
	int ret;

	if (end > s->tail + s->log_size)
		end = s->tail + s->log_size;
	while (q + KV_REC_HDR <= end) {
		/* a record never crosses the region's end: neither does a chunk */
		chunk = s->log_size - q % s->log_size;
		if (chunk > end - q)
			chunk = end - q;
		if (chunk > s->batch_cap)
			chunk = s->batch_cap;
		if (chunk < KV_REC_HDR) {
			q += chunk;
			continue;
		}
		len = (u32)chunk;
		ret = s->io.read(s->io.dev, kv_phys(s, q), s->batch, len);
		if (ret)
			return ret;
		for (i = 0; i + KV_REC_HDR <= len; i += 8) {
			found = get_le64(s->batch + i + 8);
			max_seq = seq + (q + i - pos) / KV_REC_HDR;
			if (nvme_kv_get_le32(s->batch + i) != KV_REC_MAGIC ||
			    found <= seq || found > max_seq)
				continue;
			ret = kv_rec_read(s, q + i, found, &size);
			if (ret == -EINVAL)
				continue;
			if (ret)
				return ret;
			s->damaged.pos = pos;
			s->damaged.seq = seq;
			s->damaged.next_pos = q + i;
			s->damaged.next_seq = found;
			return -EUCLEAN;
		}
		/* the last KV_REC_HDR - 8 bytes start the next chunk again */
		q += len - KV_REC_HDR + 8;
	}
	return 0;
}

/*
 * Where replay stopped at @pos (no record with sequence number @seq): the
 * log cannot end before the head the newest superblock recorded, since
 * that much was durable when it was written (at every open, cleaner step
 * and clean close); past it, kv_log_goes_on() decides.
 */
static int kv_log_end(struct kv_store *s, u64 pos, u64 seq)
{
	int ret;

	if (pos < s->sb_head) {
		s->damaged.pos = pos;
		s->damaged.seq = seq;
		s->damaged.next_pos = s->sb_head;
		s->damaged.next_seq = s->sb_head_seq;
		ret = -EUCLEAN;
	} else {
		ret = kv_log_goes_on(s, pos, seq);
	}
	if (ret == -EUCLEAN && s->truncate_damaged) {
		s->truncated = true;	/* the log ends here */
		ret = 0;
	} else if (ret == -EUCLEAN) {
		s->fail_reason = "a record in the middle of the log is damaged";
	}
	return ret;
}

static int kv_replay(struct kv_store *s)
{
	u64 pos = s->tail, seq = s->tail_seq;
	u32 size;
	u8 *p = s->rec_buf;
	int ret;

	for (;;) {
		/* a namespace being disabled need not wait for a whole log */
		if (s->io.stopping && !(seq % KV_REPLAY_POLL) &&
		    s->io.stopping(s->io.dev))
			return -ECANCELED;
		pos = kv_next_start(s, pos);
		if (pos - s->tail >= s->log_size)
			break;
		ret = kv_rec_read(s, pos, seq, &size);
		if (ret == -EINVAL) {
			ret = kv_log_end(s, pos, seq);
			if (ret)
				return ret;
			break;
		}
		if (ret)
			return ret;
		if (pos + size - s->tail > s->log_size)
			break;
		if (p[16] != KV_REC_PAD) {
			ret = kv_apply(s, p[16], p + 24, p[17],
				       nvme_kv_get_le32(p + 20), pos, seq);
			if (ret)
				return ret;
			s->stats.replayed++;
		}
		pos += size;
		seq++;
	}
	/* kv_zero_ahead() continues the log from here */
	s->head = pos;
	s->next_seq = seq;
	return 0;
}

/*
 * Why the superblock @sb (its magic and CRC already checked) cannot be
 * used on a device of @dev_bytes, or NULL if it can.  Every field is
 * checked before anything is derived from it: a host that can write the
 * device can also compute a CRC.
 */
static const char *kv_sb_invalid(const u8 *sb, u64 dev_bytes)
{
	u64 log_size = get_le64(sb + 32), tail = get_le64(sb + 40);
	u64 tail_seq = get_le64(sb + 48);
	u64 head = get_le64(sb + 64), head_seq = get_le64(sb + 72);
	u32 max_value_len = nvme_kv_get_le32(sb + 56);
	u32 version = nvme_kv_get_le32(sb + 16);

	if (version != KV_SB_VERSION && version != KV_SB_VERSION_NO_HEAD)
		return "unknown format version";
	if (nvme_kv_get_le32(sb + 20) != KV_BLOCK_SIZE ||
	    get_le64(sb + 24) != KV_LOG_START)
		return "unknown block size or log start";
	if (!log_size || log_size % KV_BLOCK_SIZE)
		return "log size is not a whole number of blocks";
	if (dev_bytes < KV_LOG_START || log_size > dev_bytes - KV_LOG_START)
		return "log is larger than the device";
	if (!max_value_len || max_value_len > KV_STORE_VALUE_MAX)
		return "value limit out of range";
	if (tail % 8 || tail >= KV_STORE_POS_MAX)
		return "log tail out of range";
	if (!tail_seq || tail_seq >= KV_STORE_POS_MAX)
		return "tail sequence number out of range";
	if (version == KV_SB_VERSION_NO_HEAD)
		return NULL;
	/* the head: a record of KV_REC_HDR bytes or more for each number */
	if (head % 8 || head < tail || head - tail > log_size)
		return "log head out of range";
	if (head_seq < tail_seq ||
	    head_seq - tail_seq > (head - tail) / KV_REC_HDR)
		return "head sequence number out of range";
	return NULL;
}

/*
 * Load the newest superblock with a valid CRC into @s (log geometry, tail,
 * value limit); -ENOENT when there is none, -EINVAL when the newest one
 * cannot be used (kv_sb_invalid(): another format, a device that shrank,
 * fields out of range), with s->fail_reason saying why: that store is
 * refused, never replaced by a new one, and the older superblock is not
 * used instead either, since it may describe space the log has reused.
 */
static int kv_sb_load(struct kv_store *s, u64 dev_bytes)
{
	u8 sb[KV_SB_BYTES];
	u64 best = 0, seq;
	const char *why;
	int i, ret, found = -ENOENT;

	for (i = 0; i < 2; i++) {
		ret = s->io.read(s->io.dev, (u64)i * KV_BLOCK_SIZE, sb,
				 KV_SB_BYTES);
		if (ret)
			return ret;
		if (nvme_kv_get_le32(sb) != KV_SB_MAGIC ||
		    ~kv_rec_crc(~0U, sb + 8,
				kv_sb_crc_bytes(nvme_kv_get_le32(sb + 16))) !=
		    nvme_kv_get_le32(sb + 4))
			continue;
		seq = get_le64(sb + 8);
		if (seq <= best)
			continue;
		best = seq;
		why = kv_sb_invalid(sb, dev_bytes);
		if (why) {
			s->fail_reason = why;
			found = -EINVAL;
			continue;
		}
		s->fail_reason = NULL;
		s->sb_seq = seq;
		s->log_size = get_le64(sb + 32);
		s->tail = get_le64(sb + 40);
		s->tail_seq = get_le64(sb + 48);
		if (nvme_kv_get_le32(sb + 16) == KV_SB_VERSION_NO_HEAD) {
			s->sb_head = s->tail;
			s->sb_head_seq = s->tail_seq;
		} else {
			s->sb_head = get_le64(sb + 64);
			s->sb_head_seq = get_le64(sb + 72);
		}
		if (nvme_kv_get_le32(sb + 56) > s->max_value_len)
			s->max_value_len = nvme_kv_get_le32(sb + 56);
		found = 0;
	}
	return found;
}

/**
 * kv_store_attach() - the first, short part of opening a store
 * @s: the store
 * @io: device access
 * @dev_bytes: size of the device
 * @max_value_len: largest value a Store may carry
 *
 * Reads and validates the superblock and allocates the buffers; reads no
 * record.  A device without a valid superblock is taken for a new, empty
 * store (s->created).  A device whose superblock cannot be used is refused
 * with -EINVAL and s->fail_reason set; it is left as it is.  After success,
 * kv_store_recover() must run before any other call but kv_store_close().
 *
 * Return: 0, -EINVAL, -ENOSPC if the device is too small, -ENOMEM, or an
 * I/O error.
 */
int kv_store_attach(struct kv_store *s, const struct kv_store_io *io,
		    u64 dev_bytes, u32 max_value_len)
{
	u64 cap;
	int ret;

	memset(s, 0, sizeof(*s));
	s->io = *io;
	if (!max_value_len || max_value_len > KV_STORE_VALUE_MAX)
		return -EINVAL;
	s->max_value_len = max_value_len;
	if (dev_bytes < KV_LOG_START + KV_BLOCK_SIZE)
		return -ENOSPC;
	s->log_size = (dev_bytes - KV_LOG_START) / KV_BLOCK_SIZE * KV_BLOCK_SIZE;

	/* a store keeps the larger of its own and the requested value limit */
	ret = kv_sb_load(s, dev_bytes);
	if (ret == -ENOENT) {
		s->tail = 0;
		s->tail_seq = kv_first_seq();
		s->next_seq = s->tail_seq;
		s->created = true;
	} else if (ret) {
		return ret;
	}

	/* max_value_len <= KV_STORE_VALUE_MAX, so neither of these wraps */
	cap = round_up_u64(kv_rec_size(s->max_value_len) + KV_BLOCK_SIZE,
			   KV_BLOCK_SIZE);
	s->batch_cap = cap < KV_BATCH_MIN ? KV_BATCH_MIN : (u32)cap;
	if (s->log_size < 8ULL * s->batch_cap)
		return -ENOSPC;

	ret = -ENOMEM;
	s->batch = kv_alloc(s->batch_cap);
	s->rec_buf = kv_alloc(s->batch_cap);
	s->head_blk = kv_alloc(KV_BLOCK_SIZE);
	if (!s->batch || !s->rec_buf || !s->head_blk)
		goto out_free;
	ret = kv_index_init(&s->index);
	if (ret)
		goto out_free;
	return 0;

out_free:
	kv_free(s->head_blk);
	kv_free(s->rec_buf);
	kv_free(s->batch);
	return ret;
}

/**
 * kv_store_recover() - the long part of opening a store: replay its log
 * @s: a store kv_store_attach() returned 0 for
 *
 * Rebuilds the index from the log, then records the value limit in a new
 * superblock and prepares the head of the log.  Gives up with -ECANCELED,
 * having written nothing (or, truncating, only zeros over lost records),
 * when io->stopping() says so.  Refuses the store
 * with -EUCLEAN, having written nothing, when a record is damaged and the
 * log goes on after it (s->fail_reason and s->damaged say where): going on
 * would drop every pair after it and let the next batches overwrite them.
 * Unless s->truncate_damaged was set after kv_store_attach(): then the log
 * ends at the damaged record, every record from there on is lost and
 * written over with zeros, and s->truncated and s->damaged say so.
 * On any error the caller closes the store with kv_store_close().
 *
 * Return: 0, -ECANCELED, -EUCLEAN, -ENOMEM, or an I/O error.
 */
int kv_store_recover(struct kv_store *s)
{
	int ret;

	ret = s->created ? 0 : kv_replay(s);
	/*
	 * Truncated: the lost records go before a superblock names the new
	 * head.  Stopped or cut short before that, the old superblock's head
	 * still lies past the damage, so the next replay finds it again.
	 */
	if (!ret && s->truncated)
		ret = kv_zero_ahead(s, s->log_size);
	if (!ret)
		ret = kv_sb_write(s);	/* records the value limit and head */
	if (!ret)
		ret = kv_zero_ahead(s, s->batch_cap);
	if (!ret)
		s->recovered = true;
	return ret;
}

/**
 * kv_store_open() - recover the store on a device, or create one
 * @s: the store
 * @io: device access
 * @dev_bytes: size of the device
 * @max_value_len: largest value a Store may carry
 *
 * kv_store_attach() and kv_store_recover() in one call.
 *
 * Return: as kv_store_attach(), or an error of kv_store_recover().
 */
int kv_store_open(struct kv_store *s, const struct kv_store_io *io,
		  u64 dev_bytes, u32 max_value_len)
{
	int ret;

	ret = kv_store_attach(s, io, dev_bytes, max_value_len);
	if (ret)
		return ret;
	ret = kv_store_recover(s);
	if (ret)
		kv_store_close(s);
	return ret;
}

/**
 * kv_store_close() - close a store, recording where its log ends
 * @s: the store
 *
 * A store that recovered and has not failed gets a superblock naming the
 * head, so the next replay can tell any damaged record from the log's end;
 * one that failed, or never recovered, is left as it is.  The caller must
 * have stopped every other call.
 */
void kv_store_close(struct kv_store *s)
{
	if (s->recovered && !s->failed)
		kv_sb_write(s);
	kv_index_destroy(&s->index);
	kv_free(s->head_blk);
	kv_free(s->rec_buf);
	kv_free(s->batch);
}

/*
 * One step of the cleaner: walk records from the tail, move the live ones
 * to the head, then advance the tail past what was walked and record it in
 * a superblock, before any later batch can overwrite the freed space.
 */
static int kv_clean_step(struct kv_store *s)
{
	struct kv_batch b;
	u64 pos = s->tail, seq = s->tail_seq, scanned = 0;
	/* the record at the head will carry this sequence number */
	u64 head = s->head, head_seq = s->next_seq;
	const struct kv_index_entry *e;
	struct kv_moved *moved = s->moved;
	unsigned int n = 0, i;
	u8 *p = s->rec_buf;
	u32 size, value_len;
	int ret;

	kv_batch_init(s, &b);
	while (n < KV_COMMIT_MAX_OPS && scanned < s->batch_cap / 2) {
		pos = kv_next_start(s, pos);
		if (pos >= head)
			break;
		ret = kv_rec_read(s, pos, seq, &size);
		if (ret == -EINVAL)
			return kv_fail(s, -EIO, "cleaner: no valid record at the tail",
				       pos);
		if (ret)
			return kv_fail(s, ret, "cleaner: read", pos);
		e = p[16] == KV_REC_PUT ?
			kv_index_find(&s->index, p + 24, p[17]) : NULL;
		if (e && e->pos == pos && e->seq == seq) {
			value_len = nvme_kv_get_le32(p + 20);
			ret = kv_batch_add(s, &b, KV_REC_PUT, p + 24, p[17],
					   p + KV_REC_HDR, value_len,
					   &moved[n].pos, &moved[n].seq);
			if (ret)
				break;	/* the batch is full: walk no further */
			moved[n].value_len = value_len;
			moved[n].key_len = p[17];
			memcpy(moved[n].key, p + 24, p[17]);
			n++;
		}
		pos += size;
		seq++;
		scanned += size;
	}
	if (pos >= head) {
		pos = head;
		seq = head_seq;
	}

	if (b.len) {
		ret = kv_batch_write(s, &b);
		if (ret)
			return ret;
	}
	kv_lock(s);
	for (i = 0; i < n; i++) {
		ret = kv_index_set(&s->index, moved[i].key, moved[i].key_len,
				   moved[i].value_len, moved[i].pos,
				   moved[i].seq, kv_rec_size(moved[i].value_len),
				   NULL);
		if (ret)	/* cannot happen: the entry exists */
			kv_fail(s, ret, "cleaner: index", moved[i].pos);
		if (s->io.changed)
			s->io.changed(s->io.dev, moved[i].key, moved[i].key_len);
	}
	s->head += b.len;
	s->stats.cleaned += pos - s->tail;
	s->stats.relocated += n;
	s->tail = pos;
	s->tail_seq = seq;
	kv_unlock(s);
	return kv_sb_write(s);
}

/*
 * Does @key exist once ops[0..i-1] of this batch are applied?  Sets *old to
 * the live record's size it would replace (0 if none).
 */
static bool kv_exists_staged(struct kv_store *s, struct kv_op *ops,
			     unsigned int i, const u8 *key, u8 key_len,
			     u32 *old)
{
	const struct kv_index_entry *e;

	while (i--) {
		if (ops[i].status || ops[i].key_len != key_len ||
		    memcmp(ops[i].key, key, key_len))
			continue;
		if (ops[i].opcode == NVME_KV_CMD_STORE) {
			*old = kv_rec_size(ops[i].value_len);
			return true;
		}
		*old = 0;
		return false;
	}
	e = kv_index_find(&s->index, key, key_len);
	*old = e ? e->rec_len : 0;
	return e;
}

/**
 * kv_store_commit() - make a group of Stores and Deletes durable
 * @s: the store
 * @ops: the operations, in the order they take effect
 * @n: how many
 *
 * Decides each operation against the index and the operations before it
 * (Store options, Delete of a missing key, capacity), writes the records of
 * those that go ahead as one batch followed by one flush, and only then
 * updates the index.  Operations after the first that no longer fits in a
 * batch are left for the next call.
 *
 * Return: the number of operations decided (their ->status set), at least
 * one when @n is not 0, or a negative errno when the device failed (then
 * all @n carry KV_STATUS_INTERNAL; s->fail_reason says what failed).
 */
int kv_store_commit(struct kv_store *s, struct kv_op *ops, unsigned int n)
{
	struct kv_batch b;
	u64 *pos = s->op_pos, *seq = s->op_seq, live, cleaned;
	unsigned int i, done = 0;
	u32 old;
	int ret = -EIO;

	if (n > KV_COMMIT_MAX_OPS)
		n = KV_COMMIT_MAX_OPS;
	if (s->failed)
		goto fail;
again:
	cleaned = s->stats.cleaned;
	while (kv_free_bytes(s) < 2ULL * s->batch_cap) {
		/* live data is capped, so one lap always frees enough */
		if (s->stats.cleaned - cleaned > s->log_size) {
			ret = kv_fail(s, -EIO, "cleaner went round the log without freeing space",
				      s->tail);
			goto fail;
		}
		ret = kv_clean_step(s);
		if (ret)
			goto fail;
	}

	kv_batch_init(s, &b);
	live = s->live_bytes;
	for (i = 0; i < n; i++) {
		struct kv_op *op = &ops[i];
		bool exists = kv_exists_staged(s, ops, i, op->key, op->key_len,
					       &old);

		op->status = 0;
		if (op->opcode == NVME_KV_CMD_STORE) {
			if ((op->options & NVME_KV_STORE_SIKE) && !exists)
				op->status = NVME_KV_SC_KEY_NOT_EXISTS;
			else if ((op->options & NVME_KV_STORE_SINKE) && exists)
				op->status = NVME_KV_SC_KEY_EXISTS;
			else if (op->value_len > s->max_value_len)
				op->status = NVME_KV_SC_INVALID_VALUE_SIZE;
			else if (live - old + kv_rec_size(op->value_len) >
				 kv_store_capacity(s))
				op->status = NVME_KV_SC_CAPACITY_EXCEEDED;
		} else if (op->opcode == NVME_KV_CMD_DELETE) {
			if (!exists)
				op->status = NVME_KV_SC_KEY_NOT_EXISTS;
		} else {
			op->status = NVME_KV_SC_INVALID_OPCODE;
		}
		if (op->status) {
			done++;
			continue;
		}

		ret = kv_batch_add(s, &b, op->opcode == NVME_KV_CMD_STORE ?
				   KV_REC_PUT : KV_REC_DEL, op->key,
				   op->key_len, op->value, op->value_len,
				   &pos[i], &seq[i]);
		if (ret == -E2BIG)
			break;
		if (op->opcode == NVME_KV_CMD_STORE)
			live += kv_rec_size(op->value_len);
		live -= old;
		done++;
	}
	if (!b.len) {
		if (done)
			return done;
		/* the first record of an empty batch always fits */
		ret = kv_fail(s, -EIO, "a record does not fit an empty batch",
			      s->head);
		goto fail;
	}

	ret = kv_batch_write(s, &b);
	if (ret)
		goto fail;
	if (!done) {
		/* only the padding to the end of the region: go round */
		kv_lock(s);
		s->head += b.len;
		kv_unlock(s);
		goto again;
	}

	kv_lock(s);
	for (i = 0; i < done; i++) {
		if (ops[i].status)
			continue;
		ret = kv_apply(s, ops[i].opcode == NVME_KV_CMD_STORE ?
			       KV_REC_PUT : KV_REC_DEL, ops[i].key,
			       ops[i].key_len, ops[i].value_len, pos[i],
			       seq[i]);
		if (ret) {
			/* durable, but the index could not take it */
			kv_fail(s, ret, "index full", pos[i]);
			ops[i].status = KV_STATUS_INTERNAL;
		}
		if (s->io.changed)
			s->io.changed(s->io.dev, ops[i].key, ops[i].key_len);
	}
	s->head += b.len;
	kv_unlock(s);
	s->stats.batches++;
	s->stats.records += b.records;
	return done;

fail:
	for (i = 0; i < n; i++)
		ops[i].status = KV_STATUS_INTERNAL;
	return ret;
}

/* Caller holds the readers' lock across this and using the entry. */
const struct kv_index_entry *kv_store_lookup(struct kv_store *s,
					     const u8 *key, u8 key_len)
{
	return kv_index_find(&s->index, key, key_len);
}

/* A read of value bytes, without waiting if @flags says so and it can */
static int kv_value_read(struct kv_store *s, u64 off, void *buf, u32 len,
			 unsigned int flags)
{
	if ((flags & KV_READ_NOWAIT) && s->io.read_nowait)
		return s->io.read_nowait(s->io.dev, off, buf, len);
	return s->io.read(s->io.dev, off, buf, len);
}

/**
 * kv_store_read_value() - read part of the value of an index entry
 * @s: the store
 * @e: entry from kv_store_lookup(), under the same readers' lock
 * @off: offset in the value
 * @buf: destination
 * @len: bytes; @off + @len must not exceed the value size
 * @flags: KV_READ_NOWAIT, or 0
 *
 * Return: 0, -EAGAIN (KV_READ_NOWAIT only) or an I/O error.
 */
int kv_store_read_value(struct kv_store *s, const struct kv_index_entry *e,
			u32 off, void *buf, u32 len, unsigned int flags)
{
	if ((u64)off + len > e->value_len)
		return -EINVAL;
	if (!len)
		return 0;
	return kv_value_read(s, kv_phys(s, e->pos) + KV_REC_HDR + off, buf,
			     len, flags);
}

/**
 * kv_store_read_at() - read the start of the value of the record at @pos
 * @s: the store
 * @pos: log position of a live record: one an index entry or a cache slot
 *	 pointed at under the readers' lock the caller still holds
 * @buf: destination
 * @len: bytes, at most the record's value size
 * @flags: KV_READ_NOWAIT, or 0
 *
 * Return: 0, -EAGAIN (KV_READ_NOWAIT only) or an I/O error.
 */
int kv_store_read_at(struct kv_store *s, u64 pos, void *buf, u32 len,
		     unsigned int flags)
{
	if (!len)
		return 0;
	if (len > s->max_value_len)
		return -EINVAL;
	return kv_value_read(s, kv_phys(s, pos) + KV_REC_HDR, buf, len, flags);
}

/**
 * kv_store_list() - the List command's data
 * @s: the store, under the readers' lock
 * @start: start key; keys at or after it are listed
 * @start_len: its length, 0 to list from the first key
 * @buf: destination, @buf_len bytes
 * @buf_len: host buffer size, at least 4
 * @used: out: bytes of @buf filled
 *
 * Writes the number of returned keys (le32) and then, for each key in
 * kv_key_cmp() order, its length (le16), its bytes and zero padding to a
 * 4-byte boundary, stopping before the first entry that would not fit.
 * The work is bounded by what is returned: a seek in the index's skip
 * list, then one step per key listed, whatever the number of keys.
 *
 * Return: 0.
 */
u16 kv_store_list(struct kv_store *s, const u8 *start, u8 start_len,
		  u8 *buf, u32 buf_len, u32 *used)
{
	const struct kv_index_entry *e;
	u32 off = 4, nr = 0, len;

	for (e = kv_index_seek(&s->index, start, start_len); e;
	     e = kv_index_next(e)) {
		len = (2 + e->key_len + 3) & ~3U;
		if (off + len > buf_len)
			break;
		memset(buf + off, 0, len);
		buf[off] = e->key_len;
		memcpy(buf + off + 2, e->key, e->key_len);
		off += len;
		nr++;
	}
	nvme_kv_put_le32(buf, nr);
	*used = off;
	return 0;
}
