/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The durable KV store engine of a namespace: an append-only circular log
 * of checksummed records on the backing device, an in-memory hash index,
 * group commit, recovery by log replay from the checkpointed tail, and a
 * cleaner that reclaims space.  Builds in the kernel and in user space; all
 * device access goes through struct kv_store_io.  Documentation/store.md
 * describes the on-disk format and why it is crash-consistent.
 *
 * Concurrency: kv_store_commit() and kv_store_open()/close() are serialised
 * by the caller (one committer).  Readers (kv_store_lookup(),
 * kv_store_read_value(), kv_store_list()) may run concurrently with a
 * commit if they hold the reader side of the lock whose writer side the
 * engine takes through io->lock()/io->unlock() when it changes the index or
 * frees log space.
 */
#ifndef NVMET_KV_STORE_H
#define NVMET_KV_STORE_H

#include "kv_types.h"
#include "kv_index.h"
#ifdef __KERNEL__
#include <linux/crc32c.h>
#endif

#define KV_BLOCK_SIZE		4096
#define KV_SB_MAGIC		0x4253564bU	/* "KVSB" */
#define KV_REC_MAGIC		0x3152564bU	/* "KVR1" */
#define KV_SB_VERSION		3
/* The format before the superblock recorded the head: read, never written */
#define KV_SB_VERSION_NO_HEAD	2
/* Superblock bytes the engine reads: up to the head's sequence number */
#define KV_SB_BYTES		80
#define KV_REC_HDR		40
#define KV_LOG_START		(2 * KV_BLOCK_SIZE)
/*
 * The largest value limit a store may have.  The superblock records the
 * limit; one that names more, or anything else the engine cannot use, is
 * refused (the device is input like any other, Documentation/security.md).
 */
#define KV_STORE_VALUE_MAX	(32U << 20)
/* Log positions and sequence numbers a superblock may name: far from wrap */
#define KV_STORE_POS_MAX	0x4000000000000000ULL

enum kv_rec_type {
	KV_REC_PUT	= 1,
	KV_REC_DEL	= 2,
	KV_REC_PAD	= 3,
};

/* Bytes of a superblock of format @version its CRC covers, from byte 8 */
static inline u32 kv_sb_crc_bytes(u32 version)
{
	return version == KV_SB_VERSION_NO_HEAD ? 56 : KV_SB_BYTES - 8;
}

/* CRC32C, as the records and the superblock are checksummed */
static inline u32 kv_rec_crc(u32 crc, const void *buf, size_t len)
{
#ifdef __KERNEL__
	return crc32c(crc, buf, len);
#else
	const u8 *p = buf;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return crc;
#endif
}

/**
 * kv_rec_check_put() - whether @p holds a given Store's record
 * @p: KV_REC_HDR + @value_len bytes read from the log
 * @key: the key
 * @key_len: its length
 * @seq: the record's sequence number
 * @value_len: its value's size
 *
 * For readers outside the engine: a host that read the record from a
 * block namespace exposing the device.  A record the cleaner moved or
 * whose space was reused fails the check.
 *
 * Return: true if the magic, sequence, type, key, size and CRC match.
 */
static inline bool kv_rec_check_put(const u8 *p, const u8 *key, u8 key_len,
				    u64 seq, u32 value_len)
{
	u64 s = nvme_kv_get_le32(p + 8) |
		(u64)nvme_kv_get_le32(p + 12) << 32;
	u32 crc;

	if (nvme_kv_get_le32(p) != KV_REC_MAGIC || s != seq ||
	    p[16] != KV_REC_PUT || p[17] != key_len ||
	    nvme_kv_get_le32(p + 20) != value_len ||
	    memcmp(p + 24, key, key_len))
		return false;
	crc = kv_rec_crc(~0U, p + 8, KV_REC_HDR - 8);
	crc = kv_rec_crc(crc, p + KV_REC_HDR, value_len);
	return ~crc == nvme_kv_get_le32(p + 4);
}

/* Generic status the engine returns besides the KV ones */
#define KV_STATUS_INTERNAL	0x06

/**
 * struct kv_store_io - device access for the engine
 * @dev:	passed to every callback
 * @read:	read @len bytes at byte offset @off of the device
 * @read_nowait: optional; the same, or -EAGAIN where it would have to wait
 *		for the device (the bytes are not cached): for callers that
 *		must not block, which then retry with @read from a context
 *		that may (kv_store_read_value(), kv_store_read_at())
 * @write:	write @len bytes at byte offset @off; need not be durable
 * @flush:	make every completed write durable
 * @lock:	optional; take the writer side of the readers' lock
 * @unlock:	optional; release it
 * @changed:	optional; called with the writer side held for every key
 *		whose record a commit wrote (Store, Delete) or the cleaner
 *		moved, after the index has the change (the DRAM cache
 *		invalidates the key there, before the write is acknowledged)
 *
 * @read, @write and @flush return 0 or a negative errno.
 */
struct kv_store_io {
	void	*dev;
	int	(*read)(void *dev, u64 off, void *buf, u32 len);
	int	(*read_nowait)(void *dev, u64 off, void *buf, u32 len);
	int	(*write)(void *dev, u64 off, const void *buf, u32 len);
	int	(*flush)(void *dev);
	void	(*lock)(void *dev);
	void	(*unlock)(void *dev);
	void	(*changed)(void *dev, const u8 *key, u8 key_len);
	bool	(*stopping)(void *dev);
};

/**
 * struct kv_op - one Store or Delete handed to kv_store_commit()
 * @opcode:	NVME_KV_CMD_STORE or NVME_KV_CMD_DELETE
 * @options:	Store options (SIKE, SINKE)
 * @key_len:	1..NVME_KV_KEY_MAX
 * @key:	key bytes
 * @value_len:	Store: value size
 * @value:	Store: value bytes
 * @status:	out: 0, a KV status, or KV_STATUS_INTERNAL
 */
struct kv_op {
	u8		opcode;
	u8		options;
	u8		key_len;
	u8		key[NVME_KV_KEY_MAX];
	u32		value_len;
	const void	*value;
	u16		status;
};

/**
 * struct kv_store_stats - counters since the store was opened
 * @batches:		device writes of committed operations
 * @records:		records written for Stores and Deletes
 * @bytes_written:	log bytes written, padding and relocation included
 * @flushes:		flushes issued
 * @relocated:		live records the cleaner moved
 * @cleaned:		log bytes the cleaner freed
 * @replayed:		records replayed when the store was opened
 */
struct kv_store_stats {
	u64	batches;
	u64	records;
	u64	bytes_written;
	u64	flushes;
	u64	relocated;
	u64	cleaned;
	u64	replayed;
};

/* Operations one kv_store_commit() decides at most */
#define KV_COMMIT_MAX_OPS	64

/* A live record the cleaner moved */
struct kv_moved {
	u64	pos;
	u64	seq;
	u32	value_len;
	u8	key_len;
	u8	key[NVME_KV_KEY_MAX];
};

/**
 * struct kv_store - an open store
 * @io:		device access
 * @log_size:	bytes in the log region, which starts at KV_LOG_START
 * @head:	log position where the log ends and the next batch starts
 * @tail:	log position of the oldest record that may be live
 * @next_seq:	sequence number of the next record
 * @tail_seq:	sequence number of the record at @tail
 * @sb_seq:	sequence number of the newest superblock
 * @sb_head:	log position the newest superblock says the log reached
 * @sb_head_seq: the sequence number of the record there
 * @live_bytes:	log bytes taken by the records the index points to
 * @max_value_len: largest value a Store may carry
 * @batch_cap:	largest batch, in bytes
 * @batch:	@batch_cap bytes to build a batch in
 * @rec_buf:	a buffer for one record of the largest size
 * @head_blk:	the bytes of @head's block that precede @head
 * @op_pos:	log positions of the records of a commit being built
 * @op_seq:	their sequence numbers
 * @moved:	records a cleaner step moves
 * @index:	key -> live record
 * @stats:	counters
 * @failed:	a device write or flush failed; every later commit fails
 * @fail_reason: what failed first, for the log
 * @fail_pos:	the log position (or device offset) it concerned
 * @damaged:	kv_store_recover() returned -EUCLEAN: the damaged record's
 *		position and the sequence number it should carry, and the
 *		valid record found after it
 * @created:	kv_store_attach() found no superblock: a new, empty store
 * @recovered:	kv_store_recover() succeeded
 * @truncate_damaged: set by the caller between kv_store_attach() and
 *		kv_store_recover(): a damaged record ends the log instead of
 *		refusing the store, and every record after it is lost
 * @truncated:	kv_store_recover() did so; @damaged says where
 */
struct kv_store {
	struct kv_store_io	io;
	u64			log_size;
	u64			head;
	u64			tail;
	u64			next_seq;
	u64			tail_seq;
	u64			sb_seq;
	u64			sb_head;
	u64			sb_head_seq;
	u64			live_bytes;
	u32			max_value_len;
	u32			batch_cap;
	u8			*batch;
	u8			*rec_buf;
	u8			*head_blk;
	u64			op_pos[KV_COMMIT_MAX_OPS];
	u64			op_seq[KV_COMMIT_MAX_OPS];
	struct kv_moved		moved[KV_COMMIT_MAX_OPS];
	struct kv_index		index;
	struct kv_store_stats	stats;
	bool			failed;
	const char		*fail_reason;
	u64			fail_pos;
	struct {
		u64		pos;
		u64		seq;
		u64		next_pos;
		u64		next_seq;
	}			damaged;
	bool			created;
	bool			recovered;
	bool			truncate_damaged;
	bool			truncated;
};

int kv_store_open(struct kv_store *s, const struct kv_store_io *io,
		  u64 dev_bytes, u32 max_value_len);
int kv_store_attach(struct kv_store *s, const struct kv_store_io *io,
		    u64 dev_bytes, u32 max_value_len);
int kv_store_recover(struct kv_store *s);
void kv_store_close(struct kv_store *s);
int kv_store_commit(struct kv_store *s, struct kv_op *ops, unsigned int n);
const struct kv_index_entry *kv_store_lookup(struct kv_store *s,
					     const u8 *key, u8 key_len);
/* Reads of values: fail with -EAGAIN instead of waiting for the device */
#define KV_READ_NOWAIT		1U

int kv_store_read_value(struct kv_store *s, const struct kv_index_entry *e,
			u32 off, void *buf, u32 len, unsigned int flags);
int kv_store_read_at(struct kv_store *s, u64 pos, void *buf, u32 len,
		     unsigned int flags);
u16 kv_store_list(struct kv_store *s, const u8 *start, u8 start_len,
		  u8 *buf, u32 buf_len, u32 *used);
u64 kv_store_capacity(const struct kv_store *s);
u32 kv_rec_size(u32 value_len);

#endif /* NVMET_KV_STORE_H */
