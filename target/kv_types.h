/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types for the files of nvmet-kv that build both in the kernel
 * and in user space (unit tests, fuzz targets).
 */
#ifndef NVMET_KV_TYPES_H
#define NVMET_KV_TYPES_H

#ifdef __KERNEL__
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
#define kv_alloc(size)		kvzalloc(size, GFP_KERNEL)
#define kv_free(p)		kvfree(p)
#else
#include <stdlib.h>
#define kv_alloc(size)		calloc(1, size)
#define kv_free(p)		free(p)
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef fallthrough
#define fallthrough		__attribute__((__fallthrough__))
#endif
#endif

#endif /* NVMET_KV_TYPES_H */
