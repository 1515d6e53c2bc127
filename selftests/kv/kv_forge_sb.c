// SPDX-License-Identifier: GPL-2.0
/*
 * kv_forge_sb <device> <field offset> <4|8> <value>: what a host that can
 * write a KV store's device does to it.  Copies the newer of the two
 * superblocks over the older one with its sequence number plus one, the
 * field at <field offset> (bytes, as kv_sb_write() lays them out) set to
 * <value>, and a valid CRC, so that the forged copy is the one the engine
 * loads.  The guest tests then check that the target refuses the store.
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

static void put_le64_at(u8 *p, u64 v)
{
	nvme_kv_put_le32(p, (u32)v);
	nvme_kv_put_le32(p + 4, (u32)(v >> 32));
}

int main(int argc, char **argv)
{
	u8 sb[2][KV_BLOCK_SIZE];
	unsigned long off, width;
	unsigned long long value;
	int fd, newer;

	if (argc != 5) {
		fprintf(stderr, "usage: %s <device> <field offset> <4|8> <value>\n",
			argv[0]);
		return 2;
	}
	off = strtoul(argv[2], NULL, 0);
	width = strtoul(argv[3], NULL, 0);
	value = strtoull(argv[4], NULL, 0);
	if ((width != 4 && width != 8) || off < 16 || off + width > KV_SB_BYTES) {
		fprintf(stderr, "kv_forge_sb: a field is 4 or 8 bytes in 16..%d\n",
			KV_SB_BYTES - 1);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || pread(fd, sb, sizeof(sb), 0) != sizeof(sb)) {
		perror(argv[1]);
		return 1;
	}
	newer = le64_at(sb[1] + 8) > le64_at(sb[0] + 8);
	memcpy(sb[!newer], sb[newer], KV_BLOCK_SIZE);
	put_le64_at(sb[!newer] + 8, le64_at(sb[newer] + 8) + 1);
	if (width == 4)
		nvme_kv_put_le32(sb[!newer] + off, (u32)value);
	else
		put_le64_at(sb[!newer] + off, value);
	nvme_kv_put_le32(sb[!newer] + 4,
			 ~kv_rec_crc(~0U, sb[!newer] + 8,
				     kv_sb_crc_bytes(nvme_kv_get_le32(sb[!newer] + 16))));
	if (pwrite(fd, sb[!newer], KV_BLOCK_SIZE,
		   (off_t)!newer * KV_BLOCK_SIZE) != KV_BLOCK_SIZE ||
	    fsync(fd)) {
		perror(argv[1]);
		return 1;
	}
	close(fd);
	return 0;
}
