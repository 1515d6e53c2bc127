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
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#endif

#include <linux/nvme_kv.h>

#endif /* NVMET_KV_TYPES_H */
