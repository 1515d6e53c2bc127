/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types for the files of nvmet-kv that build both in the kernel
 * and in user space (unit tests, fuzz targets).
 */
#ifndef NVMET_KV_TYPES_H
#define NVMET_KV_TYPES_H

#ifdef __KERNEL__
#include <linux/array_size.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#endif

#include <linux/nvme_kv.h>

/* Allocation for the portable files: kvmalloc in the kernel, malloc outside. */
#ifdef __KERNEL__
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#define kv_alloc(size)		kvzalloc(size, GFP_KERNEL)
#define kv_free(p)		kvfree(p)
/* page-aligned and zeroed, for memory that is registered for RDMA */
#define kv_alloc_pages(size)	vzalloc(size)
#define kv_free_pages(p)	vfree(p)
#else
#include <stdlib.h>
#define kv_alloc(size)		calloc(1, size)
#define kv_free(p)		free(p)
static inline void *kv_alloc_pages(size_t size)
{
	void *p = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);

	if (p)
		memset(p, 0, size);
	return p;
}

#define kv_free_pages(p)	free(p)
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef fallthrough
#define fallthrough		__attribute__((__fallthrough__))
#endif
#endif

#ifdef __KERNEL__
#include <asm/barrier.h>
/*
 * Orders a slot's contents before its flags for readers that copy the
 * cache without its locks (one-sided RDMA READ, kv_cache.h).
 */
#define kv_wmb()		smp_wmb()
#else
#define kv_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#endif /* NVMET_KV_TYPES_H */
