/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * NVMe Key Value command set: wire fields, status codes and the ioctl ABI of
 * the nvme-kv character devices (/dev/kv<ctrl>n<nsid>).
 *
 * This header is the single definition of the KV wire format used by the
 * host driver, the target, the user-space library and the tests.  Field
 * positions are byte offsets into the 64-byte submission queue entry; the
 * helpers below read and write them byte by byte, so they give the same
 * little-endian wire image on any host.
 */
#ifndef _UAPI_LINUX_NVME_KV_H
#define _UAPI_LINUX_NVME_KV_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/const.h>

/* Command Set Identifier of the Key Value command set */
#define NVME_KV_CSI		0x01

/*
 * Key Value Configuration feature (Set/Get Features FID 20h, per namespace):
 * CDW11 bit 0 EDNEK, Error on Delete of Non-Existent Key.  1 (the default):
 * such a Delete fails with Key Does Not Exist (87h); 0: it succeeds.
 * Volatile: not saveable, back to 1 when the target restarts.
 */
#define NVME_KV_FEAT_KV_CONFIG		0x20
#define NVME_KV_FEAT_EDNEK		0x1

/* Key length limits of the specification (KL in CDW11 bits 7:0) */
#define NVME_KV_KEY_MIN		1
#define NVME_KV_KEY_MAX		16

/* I/O command opcodes */
enum nvme_kv_opcode {
	NVME_KV_CMD_STORE	= 0x01,	/* host to controller */
	NVME_KV_CMD_RETRIEVE	= 0x02,	/* controller to host */
	NVME_KV_CMD_LIST	= 0x06,	/* controller to host */
	NVME_KV_CMD_DELETE	= 0x10,	/* no data */
	NVME_KV_CMD_EXIST	= 0x14,	/* no data */
};

/* Byte offsets of the KV fields in the 64-byte submission queue entry */
#define NVME_KV_SQE_BYTES	64
#define NVME_KV_SQE_OPCODE	0	/* CDW0 bits 7:0 */
#define NVME_KV_SQE_NSID	4	/* CDW1, le32 */
#define NVME_KV_SQE_KEY_LO	8	/* CDW2-3: key bytes 0..7 */
#define NVME_KV_SQE_SIZE	40	/* CDW10, le32: Store value size (VS),
					 * Retrieve/List host buffer size (HBS)
					 */
#define NVME_KV_SQE_KEY_LEN	44	/* CDW11 bits 7:0: key length (KL) */
#define NVME_KV_SQE_OPTIONS	45	/* CDW11 bits 15:8: Store/Retrieve options */
#define NVME_KV_SQE_KEY_HI	56	/* CDW14-15: key bytes 8..15 */

/* Store options (CDW11 bits 15:8) */
#define NVME_KV_STORE_SIKE		_BITUL(0) /* store only if the key exists */
#define NVME_KV_STORE_SINKE		_BITUL(1) /* store only if it does not */
#define NVME_KV_STORE_NO_COMPRESS	_BITUL(2) /* do not compress the value */
#define NVME_KV_STORE_OPTIONS		(NVME_KV_STORE_SIKE | \
					 NVME_KV_STORE_SINKE | \
					 NVME_KV_STORE_NO_COMPRESS)

/*
 * Vendor-specific Store options of this project (CDW11 bits 15:14): how the
 * value travels.  Documentation/wire-format.md describes both layouts.
 *  INLINE (BandSlim piggyback): no data transfer; the value's first bytes
 *	are in otherwise unused dwords of the Store, the rest arrived before
 *	in Transfer commands tagged with the transfer tag in CDW13.
 *  APPEND (ByteExpress): the value is the Store's data and sits in the
 *	command capsule right after the command (in-capsule data, within
 *	the controller's IOCCSZ).
 */
#define NVME_KV_STORE_APPEND		_BITUL(6)
#define NVME_KV_STORE_INLINE		_BITUL(7)
#define NVME_KV_STORE_VENDOR_OPTIONS	(NVME_KV_STORE_APPEND | \
					 NVME_KV_STORE_INLINE)

/*
 * Transfer: a vendor-specific I/O command (opcode 81h) carrying one
 * fragment of a value that an INLINE Store with the same tag commits.  It
 * moves no data: CDW10 is the transfer tag, CDW11 bits 23:0 the fragment's
 * offset in the value and bits 31:24 its length (1..32), and the fragment's
 * bytes are SQE bytes 8-23 (CDW2-5) then 48-63 (CDW12-15).
 */
#define NVME_KV_CMD_TRANSFER		0x81
#define NVME_KV_SQE_XFER_TAG		40	/* Transfer: CDW10 */
#define NVME_KV_SQE_XFER_POS		44	/* Transfer: CDW11 */
#define NVME_KV_XFER_FRAG_MAX		32	/* bytes per Transfer */
#define NVME_KV_XFER_OFF_MAX		((1U << 24) - 1)

/*
 * Vendor specific Locate (82h, controller to host): where the record of a
 * key's value lies in the store's log, for hosts that fill the cache from
 * the block namespace (Documentation/cache.md).  The key as in Retrieve,
 * no options, CDW10 the host buffer size (at least 24 bytes), which gets
 * struct nvme_kv_locate; Key Does Not Exist (87h) as Retrieve.
 */
#define NVME_KV_CMD_LOCATE		0x82

/**
 * struct nvme_kv_locate - what Locate returns (24 bytes)
 * @pos:	log position of the record (log page C0h maps it to bytes)
 * @seq:	its sequence number
 * @value_len:	the value's size
 * @rsvd20:	reserved
 */
struct nvme_kv_locate {
	__le64	pos;
	__le64	seq;
	__le32	value_len;
	__le32	rsvd20;
};

/*
 * INLINE Store on fabrics: DPTR (CDW6-9) is rewritten by the transport, so
 * the free dwords are MPTR (CDW4-5, SQE bytes 16-23) and CDW12-13 (bytes
 * 48-55).  A value of at most NVME_KV_INLINE_SOLO bytes fills them; a
 * longer one puts its first NVME_KV_INLINE_HEAD bytes in MPTR and CDW12 and
 * its transfer tag in CDW13, and bytes NVME_KV_INLINE_HEAD.. in Transfers
 * whose offsets are NVME_KV_INLINE_HEAD + n * NVME_KV_XFER_FRAG_MAX, every
 * one full but the last.
 */
#define NVME_KV_SQE_MPTR		16
#define NVME_KV_SQE_CDW12		48
#define NVME_KV_SQE_STORE_TAG		52	/* INLINE Store: CDW13 */
#define NVME_KV_INLINE_SOLO		16
#define NVME_KV_INLINE_HEAD		12

/* Retrieve options (CDW11 bits 15:8) */
#define NVME_KV_RETRIEVE_RAW		_BITUL(0) /* value as stored */
#define NVME_KV_RETRIEVE_OPTIONS	NVME_KV_RETRIEVE_RAW

/*
 * Status codes of the KV command set.  Targets of this project send them
 * with Status Code Type 0h (generic, I/O command set specific range), as
 * libnvme and SPDK define them; hosts accept SCT 0h and 1h.
 */
enum nvme_kv_status {
	NVME_KV_SC_CAPACITY_EXCEEDED	= 0x81,
	NVME_KV_SC_NS_NOT_READY		= 0x82,
	NVME_KV_SC_RESERVATION_CONFLICT	= 0x83,
	NVME_KV_SC_FORMAT_IN_PROGRESS	= 0x84,
	NVME_KV_SC_INVALID_VALUE_SIZE	= 0x85,
	NVME_KV_SC_INVALID_KEY_SIZE	= 0x86,
	NVME_KV_SC_KEY_NOT_EXISTS	= 0x87,
	NVME_KV_SC_UNRECOVERED_ERROR	= 0x88,
	NVME_KV_SC_KEY_EXISTS		= 0x89,
};

/* Generic status codes the KV target also returns (SCT 0h) */
#define NVME_KV_SC_INVALID_OPCODE	0x01
#define NVME_KV_SC_INVALID_FIELD	0x02

/*
 * Vendor-specific generic status codes (SCT 0h, C0h-FFh) of this project,
 * for INLINE Stores and Transfers:
 *  XFER_UNKNOWN_TAG	an INLINE Store names a tag with no fragments (never
 *			sent, or expired)
 *  XFER_INCOMPLETE	the fragments leave a gap in the value
 *  XFER_OVERLAP		a Transfer repeats or overlaps a fragment of its tag
 *  XFER_BEYOND		a fragment lies beyond the value size of the Store
 *  XFER_CAP		the controller's reassembly memory cap is reached
 */
#define NVME_KV_SC_XFER_UNKNOWN_TAG	0xC0
#define NVME_KV_SC_XFER_INCOMPLETE	0xC1
#define NVME_KV_SC_XFER_OVERLAP		0xC2
#define NVME_KV_SC_XFER_BEYOND		0xC3
#define NVME_KV_SC_XFER_CAP		0xC4

/* Status as the ioctls report it: Status Code Type in bits 10:8, Status Code in 7:0 */
#define NVME_KV_STATUS_SCT(s)		(((s) >> 8) & 0x7)
#define NVME_KV_STATUS_SC(s)		((s) & 0xff)

/*
 * The namespace's DRAM cache, for one-sided readers (Documentation/cache.md).
 * Vendor specific log page C0h, namespace scoped and read with CSI 01h in
 * Get Log Page (CDW14 bits 31:24; any other CSI, or NSID 0 or FFFFFFFFh,
 * gets Invalid Field), describes it; a host that
 * reads it over RDMA connects an RC queue pair with rdma_cm to the target's
 * address and @rdma_port, sending struct nvme_kv_cache_conn as private
 * data, and receives struct nvme_kv_cache_region as the first message.
 *
 * The log page hands the controller that reads it a token, random and
 * unguessable (NVME_KV_CACHE_TOKEN_BYTES), which its host presents when it
 * connects: the target accepts only connections that name a live
 * controller of the cache's subsystem and its token, so the cache is open
 * only to hosts the subsystem admitted (Documentation/security.md).  The
 * token is the controller's until the controller goes away or the namespace
 * is disabled, then revoked.
 */
#define NVME_KV_LOG_CACHE		0xc0
/*
 * 2: a key's block is hashed with a final mix (kv_cache_block_of())
 * 3: connections present the controller's token
 */
#define NVME_KV_CACHE_VERSION		3
#define NVME_KV_CACHE_TOKEN_BYTES	16
#define NVME_KV_CACHE_LOG_CACHED	_BITUL(0) /* the namespace has a cache */
#define NVME_KV_CACHE_LOG_RDMA		_BITUL(1) /* ...served over RDMA */
#define NVME_KV_CACHE_LOG_HOST_FILLS	_BITUL(2) /* ...filled by hosts */

/**
 * struct nvme_kv_cache_log - log page C0h (80 bytes)
 * @version:	NVME_KV_CACHE_VERSION
 * @flags:	NVME_KV_CACHE_LOG_*
 * @rdma_port:	rdma_cm port (TCP port space) of the one-sided service
 * @slot_bytes:	size of a slot (128)
 * @cache_id:	names the cache in struct nvme_kv_cache_conn
 * @nr_blocks:	blocks in the cache
 * @block_slots: slots per block
 * @inline_max:	longest value a slot holds itself
 * @lease_ns:	how long a fill may hold a slot
 * @block_nsid:	namespace exposing the backing device for plain reads of
 *		values the cache holds by location (0: none)
 * @cntlid:	controller ID of the controller that read the page
 * @rsvd38:	reserved
 * @log_start:	byte offset of the store's log on that device
 * @log_size:	bytes in the log: a record at log position P starts at
 *		@log_start + P % @log_size
 * @rsvd56:	reserved
 * @token:	the reading controller's token for struct nvme_kv_cache_conn
 *		(zeros when the cache is not served over RDMA)
 */
struct nvme_kv_cache_log {
	__le16	version;
	__le16	flags;
	__le16	rdma_port;
	__le16	slot_bytes;
	__le32	cache_id;
	__le32	nr_blocks;
	__le32	block_slots;
	__le32	inline_max;
	__le64	lease_ns;
	__le32	block_nsid;
	__le16	cntlid;
	__le16	rsvd38;
	__le64	log_start;
	__le64	log_size;
	__u8	rsvd56[8];
	__u8	token[NVME_KV_CACHE_TOKEN_BYTES];
};

/**
 * struct nvme_kv_cache_conn - rdma_cm private data of a host's connection
 * @version:	NVME_KV_CACHE_VERSION
 * @cntlid:	from the log page: the controller whose token this is
 * @cache_id:	from the log page
 * @token:	from the log page
 */
struct nvme_kv_cache_conn {
	__le16	version;
	__le16	cntlid;
	__le32	cache_id;
	__u8	token[NVME_KV_CACHE_TOKEN_BYTES];
};

/**
 * struct nvme_kv_cache_region - the target's first message on a connection
 * @version:	NVME_KV_CACHE_VERSION
 * @rsvd2:	reserved
 * @rkey:	remote key of the cache's memory region, for this connection
 * @addr:	address of block 0 in that region
 * @len:	bytes in the region: nr_blocks * block_slots * slot_bytes
 * @nr_blocks:	as in the log page
 * @block_slots: as in the log page
 */
struct nvme_kv_cache_region {
	__le16	version;
	__le16	rsvd2;
	__le32	rkey;
	__le64	addr;
	__le64	len;
	__le32	nr_blocks;
	__le32	block_slots;
};

/**
 * struct nvme_kv_format - KV Format data structure (16 bytes)
 * @kvkml:	key max length in bytes
 * @rsvd2:	reserved
 * @afo:	additional format options; bits 1:0 relative performance
 * @kvvml:	value max length in bytes
 * @mnks:	max number of keys, 0 when no maximum is indicated
 * @rsvd12:	reserved
 */
struct nvme_kv_format {
	__le16	kvkml;
	__u8	rsvd2;
	__u8	afo;
	__le32	kvvml;
	__le32	mnks;
	__u8	rsvd12[4];
};

/**
 * struct nvme_kv_id_ns - KV Identify Namespace data (CNS 05h, CSI 01h)
 * @nsze:	namespace size in bytes
 * @rsvd8:	reserved
 * @nuse:	namespace utilisation in bytes
 * @nsfeat:	namespace features
 * @nkvf:	number of KV formats, 0's based (0 means one format)
 * @nmic:	namespace multi-path I/O and sharing capabilities
 * @rescap:	reservation capabilities
 * @fpi:	format progress indicator
 * @kvfc:	KV format capabilities; bits 3:0 the format in use
 * @rsvd30:	reserved
 * @novg:	namespace optimal value granularity in bytes
 * @anagrpid:	ANA group identifier
 * @rsvd40:	reserved
 * @nsattr:	namespace attributes
 * @nvmsetid:	NVM set identifier
 * @endgid:	endurance group identifier
 * @nguid:	namespace globally unique identifier
 * @eui64:	IEEE extended unique identifier
 * @kvf:	KV formats
 * @rsvd328:	reserved
 * @vs:		vendor specific
 */
struct nvme_kv_id_ns {
	__le64	nsze;
	__u8	rsvd8[8];
	__le64	nuse;
	__u8	nsfeat;
	__u8	nkvf;
	__u8	nmic;
	__u8	rescap;
	__u8	fpi;
	__u8	kvfc;
	__u8	rsvd30[2];
	__le32	novg;
	__le32	anagrpid;
	__u8	rsvd40[3];
	__u8	nsattr;
	__le16	nvmsetid;
	__le16	endgid;
	__u8	nguid[16];
	__u8	eui64[8];
	struct nvme_kv_format kvf[16];
	__u8	rsvd328[3512];
	__u8	vs[256];
};

/**
 * struct nvme_kv_cmd - argument of the NVME_KV_IOCTL_* commands
 * @argsz:	sizeof(struct nvme_kv_cmd) as the caller knows it; a later,
 *		larger version of this structure stays accepted as long as the
 *		bytes this kernel does not know are zero
 * @flags:	Store: bits 2:0 the transfer method (enum nvme_kv_xfer); every
 *		other bit, and all bits of other commands, must be 0
 * @key_len:	key length in bytes, NVME_KV_KEY_MIN..NVME_KV_KEY_MAX; List
 *		also takes 0 (list from the first key, else from @key on)
 * @options:	NVME_KV_STORE_* or NVME_KV_RETRIEVE_* bits
 * @rsvd0:	must be 0
 * @value_len:	Store: value size in bytes; Retrieve and List: size of the
 *		buffer at @value (the host buffer size of the command; List
 *		needs at least 4); Delete and Exist: must be 0, as must
 *		@value and @options
 * @key:	key bytes; bytes past @key_len must be 0
 * @value:	user address of the value buffer
 * @result:	out: Retrieve: size of the stored value, which may exceed
 *		@value_len (then only @value_len bytes were transferred)
 * @status:	out: NVMe status of the command (NVME_KV_STATUS_SCT/SC), 0
 *		when it succeeded; the ioctl also returns a matching -errno
 * @rsvd1:	must be 0
 * @timeout_ms:	the timeout of each NVMe command the operation sends, in
 *		milliseconds; 0 for the driver's I/O timeout (nvme_core's
 *		io_timeout).  A command that runs out of it is handled as its
 *		transport handles an expired command: nvme-tcp and nvme-rdma
 *		cancel it and reconnect (the ioctl fails with -ECANCELED),
 *		nvme-loop has no timeout handling and keeps waiting.  A
 *		Retrieve served by a one-sided cache read sends no command;
 *		that read keeps its own bound.
 * @rsvd3:	must be 0
 * @rsvd2:	must be 0
 */
struct nvme_kv_cmd {
	__u32	argsz;
	__u32	flags;
	__u8	key_len;
	__u8	options;
	__u16	rsvd0;
	__u32	value_len;
	__u8	key[NVME_KV_KEY_MAX];
	__u64	value;
	__u32	result;
	__u16	status;
	__u16	rsvd1;
	__u32	timeout_ms;
	__u32	rsvd3;
	__u64	rsvd2[3];
};

/**
 * struct nvme_kv_identify - argument of NVME_KV_IOCTL_IDENTIFY
 * @argsz:		sizeof(struct nvme_kv_identify) as the caller knows it
 * @flags:		none defined yet, must be 0
 * @nsid:		out: namespace ID
 * @max_key_len:	out: KVKML, the longest key in bytes
 * @max_value_len:	out: KVVML, the largest value in bytes
 * @max_keys:		out: MNKS, the most keys the namespace holds, 0 if no
 *			maximum is indicated
 * @capacity:		out: NSZE, the namespace size in bytes
 * @utilization:	out: NUSE, the bytes in use
 * @rsvd:		must be 0
 *
 * Read from a fresh KV Identify Namespace (CNS 05h) on every call.
 */
struct nvme_kv_identify {
	__u32	argsz;
	__u32	flags;
	__u32	nsid;
	__u32	max_key_len;
	__u32	max_value_len;
	__u32	max_keys;
	__u64	capacity;
	__u64	utilization;
	__u64	rsvd[4];
};

/**
 * struct nvme_kv_batch_op - one operation of NVME_KV_IOCTL_BATCH
 * @opcode:	NVME_KV_CMD_STORE, _RETRIEVE, _DELETE, _EXIST or _LIST
 * @key_len:	as in struct nvme_kv_cmd; List also takes 0 (from the first
 *		key)
 * @options:	as in struct nvme_kv_cmd
 * @xfer:	Store: the transfer method (enum nvme_kv_xfer); others: 0
 * @value_len:	as in struct nvme_kv_cmd; List: size of the buffer at @value,
 *		at least 4
 * @key:	as in struct nvme_kv_cmd
 * @value:	as in struct nvme_kv_cmd
 * @result:	out: as in struct nvme_kv_cmd
 * @status:	out: as in struct nvme_kv_cmd
 * @rsvd1:	must be 0
 * @error:	out: 0 or the negative errno of this operation
 * @rsvd2:	must be 0
 */
struct nvme_kv_batch_op {
	__u8	opcode;
	__u8	key_len;
	__u8	options;
	__u8	xfer;
	__u32	value_len;
	__u8	key[NVME_KV_KEY_MAX];
	__u64	value;
	__u32	result;
	__u16	status;
	__u16	rsvd1;
	__s32	error;
	__u32	rsvd2;
};

/* Most operations one NVME_KV_IOCTL_BATCH takes */
#define NVME_KV_BATCH_MAX	256

/**
 * struct nvme_kv_batch - argument of NVME_KV_IOCTL_BATCH
 * @argsz:	sizeof(struct nvme_kv_batch) as the caller knows it
 * @flags:	none defined yet, must be 0
 * @nr_ops:	number of operations at @ops, 1..NVME_KV_BATCH_MAX
 * @op_size:	sizeof(struct nvme_kv_batch_op) as the caller knows it; a
 *		larger one is accepted when its unknown bytes are zero
 * @ops:	user address of the array of operations
 * @timeout_ms:	as in struct nvme_kv_cmd, for every command of the batch
 * @rsvd0:	must be 0
 * @rsvd:	must be 0
 *
 * All operations are checked first; one malformed operation fails the
 * ioctl with -EINVAL (or -EFAULT) before any is sent.  Then all are sent
 * together, up to the queue depth in flight at once, in no defined order
 * (two operations on one key in one batch may run either way round), and
 * the ioctl returns 0 once every one has completed, each with its own
 * @result, @status and @error.
 */
struct nvme_kv_batch {
	__u32	argsz;
	__u32	flags;
	__u32	nr_ops;
	__u32	op_size;
	__u64	ops;
	__u32	timeout_ms;
	__u32	rsvd0;
	__u64	rsvd;
};

/*
 * Errors of a command, in the ioctl's return value, struct
 * nvme_kv_batch_op.error and the in-kernel API:
 *  ENOENT	key does not exist (87h)
 *  EEXIST	key exists, Store with only-if-absent (89h)
 *  EFBIG	value larger than the namespace's limit (85h)
 *  ENOSPC	capacity exceeded (81h)
 *  EPROTO	the controller refused the fragments of a PIGGYBACK Store
 *		(C0h-C3h); ENOBUFS: its reassembly memory was full (C4h)
 *  EINVAL	malformed argument, or Invalid Field / Invalid Key Size
 *  EOPNOTSUPP	command not supported by the controller
 *  ECANCELED	the command was in flight when the host aborted it: a
 *		controller reset, a lost connection or a disconnect
 *  ENOLINK	the controller is not connected (reconnecting); retry later
 *  ENODEV	the namespace or its controller is gone; rescan binds a
 *		reconnected namespace again
 *  EIO		any other failure
 */

/*
 * How a Store moves its value (Documentation/wire-format.md):
 *  DEFAULT		the namespace's sysfs transfer_method
 *  DPTR		the value is the command's data (data pointer)
 *  PIGGYBACK		BandSlim: value bytes in the Store's free dwords and in
 *			tagged Transfer commands sent all at once
 *  PIGGYBACK_SERIAL	the same, one Transfer at a time (the paper's way)
 *  APPEND		ByteExpress: the value in the capsule after the
 *			command; a value the capsule cannot hold goes by DPTR
 *  AUTO		chosen per Store from its size and the controller's
 *			capsule size (module parameters auto_piggyback_max and
 *			auto_append_max)
 * A value longer than NVME_KV_PIGGYBACK_MAX goes by DPTR under PIGGYBACK.
 */
enum nvme_kv_xfer {
	NVME_KV_XFER_DEFAULT		= 0,
	NVME_KV_XFER_DPTR		= 1,
	NVME_KV_XFER_PIGGYBACK		= 2,
	NVME_KV_XFER_PIGGYBACK_SERIAL	= 3,
	NVME_KV_XFER_APPEND		= 4,
	NVME_KV_XFER_AUTO		= 5,
};

#define NVME_KV_XFER_MAX		NVME_KV_XFER_AUTO
#define NVME_KV_CMD_FLAGS_XFER		0x7	/* struct nvme_kv_cmd.flags */
#define NVME_KV_PIGGYBACK_MAX		(64 * 1024)

#define NVME_KV_IOCTL_TYPE	0xB9
#define NVME_KV_IOCTL_STORE	_IOWR(NVME_KV_IOCTL_TYPE, 0x01, struct nvme_kv_cmd)
#define NVME_KV_IOCTL_RETRIEVE	_IOWR(NVME_KV_IOCTL_TYPE, 0x02, struct nvme_kv_cmd)
#define NVME_KV_IOCTL_DELETE	_IOWR(NVME_KV_IOCTL_TYPE, 0x03, struct nvme_kv_cmd)
#define NVME_KV_IOCTL_EXIST	_IOWR(NVME_KV_IOCTL_TYPE, 0x04, struct nvme_kv_cmd)
#define NVME_KV_IOCTL_LIST	_IOWR(NVME_KV_IOCTL_TYPE, 0x05, struct nvme_kv_cmd)
#define NVME_KV_IOCTL_IDENTIFY	_IOWR(NVME_KV_IOCTL_TYPE, 0x06, struct nvme_kv_identify)
#define NVME_KV_IOCTL_BATCH	_IOWR(NVME_KV_IOCTL_TYPE, 0x07, struct nvme_kv_batch)

/*
 * io_uring: IORING_OP_URING_CMD on /dev/kvXnY runs Store, Retrieve,
 * Delete, Exist and List asynchronously, as the ioctls run them.
 *  - The ring is set up with IORING_SETUP_SQE128 (else -EINVAL), and with
 *    IORING_SETUP_CQE32 to receive the result and status.
 *  - sqe->cmd_op is the ioctl number: NVME_KV_IOCTL_STORE, _RETRIEVE,
 *    _DELETE, _EXIST or _LIST (others get -ENOTTY).
 *  - sqe->cmd, 80 bytes, holds a struct nvme_kv_cmd with @argsz exactly
 *    sizeof(struct nvme_kv_cmd); it is checked as the ioctl checks it, and
 *    its @result and @status are not written: they come in the CQE.
 *  - With IORING_URING_CMD_FIXED in sqe->uring_cmd_flags, @value is an
 *    address inside the registered buffer sqe->buf_index.
 *  - cqe->res is 0 or the negative errno the ioctl would return; with
 *    CQE32, big_cqe[0] holds @result in bits 31:0 and @status in bits
 *    47:32 (both 0 for a command refused before it was sent).
 *  - A ring closed with commands in flight waits for them: an NVMe
 *    command cannot be withdrawn once sent, and its timeout bounds it.
 *  - IORING_SETUP_IOPOLL rings are refused (-EOPNOTSUPP).
 */
#define NVME_KV_URING_RESULT(res2)	((__u32)(res2))
#define NVME_KV_URING_STATUS(res2)	((__u16)((res2) >> 32))

/*
 * Wire helpers, shared by kernel and user space.  @sqe is the 64-byte
 * submission queue entry as bytes.
 */
static inline void nvme_kv_put_le32(__u8 *p, __u32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static inline __u32 nvme_kv_get_le32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 |
	       (__u32)p[3] << 24;
}

/*
 * Place a key of @len bytes (at most NVME_KV_KEY_MAX) and its length in a
 * command: bytes 0..7 in CDW2-3, bytes 8..15 in CDW14-15, the rest zero.
 */
static inline void nvme_kv_sqe_set_key(__u8 *sqe, const __u8 *key, __u8 len)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		sqe[NVME_KV_SQE_KEY_LO + i] = i < len ? key[i] : 0;
		sqe[NVME_KV_SQE_KEY_HI + i] = i + 8 < len ? key[i + 8] : 0;
	}
	sqe[NVME_KV_SQE_KEY_LEN] = len;
}

/*
 * Copy the key of a command into @key (NVME_KV_KEY_MAX bytes, zero padded)
 * and return the key length field, which the caller must still validate.
 */
static inline __u8 nvme_kv_sqe_get_key(const __u8 *sqe, __u8 *key)
{
	__u8 len = sqe[NVME_KV_SQE_KEY_LEN];
	unsigned int i;

	for (i = 0; i < 8; i++) {
		key[i] = i < len ? sqe[NVME_KV_SQE_KEY_LO + i] : 0;
		key[i + 8] = i + 8 < len ? sqe[NVME_KV_SQE_KEY_HI + i] : 0;
	}
	return len;
}

#endif /* _UAPI_LINUX_NVME_KV_H */
