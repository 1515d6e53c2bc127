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
#include <stdint.h>
#include <stddef.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#include <linux/nvme_kv.h>

#endif /* NVMET_KV_TYPES_H */
