// SPDX-License-Identifier: GPL-2.0
/*
 * kv_damage_rec <device> <n>: what rotting media, or a host that can write
 * a KV store's device, does to one record.  Walks the log of the store on
 * <device> from its tail as replay would (magic, sequence number, size;
 * not the CRC) to the <n>th Store or Delete record (0 is the oldest),
 * flips one bit of its CRC, and prints
 *
 *	offset <device byte> pos <log position> seq <sequence number>
 *	records <records in the log> bytes_after <log bytes after it>
 *
 * Run again with the same arguments, it finds the same record and flips
 * the bit back.  Exit status 1 when the log holds no record <n>.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "kv_store.h"

static u64 le64_at(const u8 *p)
{
	return nvme_kv_get_le32(p) | (u64)nvme_kv_get_le32(p + 4) << 32;
}

/* the newest superblock with a valid magic and CRC, or -1 */
static int newest_sb(const u8 sb[2][KV_SB_BYTES])
{
	int i, best = -1;

	for (i = 0; i < 2; i++) {
		if (nvme_kv_get_le32(sb[i]) != KV_SB_MAGIC ||
		    ~kv_rec_crc(~0U, sb[i] + 8,
				kv_sb_crc_bytes(nvme_kv_get_le32(sb[i] + 16))) !=
		    nvme_kv_get_le32(sb[i] + 4))
			continue;
		if (best < 0 || le64_at(sb[i] + 8) > le64_at(sb[best] + 8))
			best = i;
	}
	return best;
}

int main(int argc, char **argv)
{
	u64 log_size, tail, pos, seq, at = 0, at_seq = 0, at_end = 0;
	unsigned long n, records = 0;
	u8 sb[2][KV_SB_BYTES], hdr[KV_REC_HDR], crc;
	int fd, b, found = 0;
	u32 size, value_len;

	if (argc != 3) {
		fprintf(stderr, "usage: %s <device> <n>\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[2], NULL, 0);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || pread(fd, sb[0], KV_SB_BYTES, 0) != KV_SB_BYTES ||
	    pread(fd, sb[1], KV_SB_BYTES, KV_BLOCK_SIZE) != KV_SB_BYTES) {
		perror(argv[1]);
		return 1;
	}
	b = newest_sb(sb);
	if (b < 0) {
		fprintf(stderr, "kv_damage_rec: %s holds no store\n", argv[1]);
		return 1;
	}
	log_size = le64_at(sb[b] + 32);
	tail = le64_at(sb[b] + 40);
	seq = le64_at(sb[b] + 48);
	if (!log_size || log_size % KV_BLOCK_SIZE) {
		fprintf(stderr, "kv_damage_rec: bad log size\n");
		return 1;
	}
	for (pos = tail; pos - tail < log_size; pos += size, seq++) {
		/* the gap before the region's end that holds no record */
		if (log_size - pos % log_size < KV_REC_HDR)
			pos += log_size - pos % log_size;
		if (pread(fd, hdr, KV_REC_HDR,
			  KV_LOG_START + pos % log_size) != KV_REC_HDR)
			break;
		if (nvme_kv_get_le32(hdr) != KV_REC_MAGIC ||
		    le64_at(hdr + 8) != seq)
			break;
		value_len = nvme_kv_get_le32(hdr + 20);
		if (hdr[16] == KV_REC_PAD) {
			size = KV_REC_HDR + value_len;
			continue;
		}
		if (hdr[16] != KV_REC_PUT && hdr[16] != KV_REC_DEL)
			break;
		size = (KV_REC_HDR + value_len + 7) & ~7U;
		if (records++ == n) {
			found = 1;
			at = pos;
			at_seq = seq;
			at_end = pos + size;
		}
	}
	if (!found) {
		fprintf(stderr, "kv_damage_rec: the log holds %lu records\n",
			records);
		return 1;
	}
	if (pread(fd, &crc, 1, KV_LOG_START + at % log_size + 4) != 1)
		return 1;
	crc ^= 0x01;
	if (pwrite(fd, &crc, 1, KV_LOG_START + at % log_size + 4) != 1 ||
	    fsync(fd)) {
		perror(argv[1]);
		return 1;
	}
	close(fd);
	printf("offset %llu pos %llu seq %llu records %lu bytes_after %llu\n",
	       (unsigned long long)(KV_LOG_START + at % log_size + 4),
	       (unsigned long long)at, (unsigned long long)at_seq, records,
	       (unsigned long long)(pos - at_end));
	return 0;
}
