/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one-sided cache service of nvmet-kv (kv_rdma.c): hosts connect an RC
 * queue pair with rdma_cm and read a namespace's cache with RDMA READ.
 */
#ifndef NVMET_KV_RDMA_H
#define NVMET_KV_RDMA_H

#include "kv_cache.h"

struct nvmet_kv_rdma_export;

int nvmet_kv_rdma_export(struct kv_cache *cache, bool host_fills,
			 struct nvmet_kv_rdma_export **exp);
void nvmet_kv_rdma_unexport(struct nvmet_kv_rdma_export *exp);
u32 nvmet_kv_rdma_cache_id(const struct nvmet_kv_rdma_export *exp);
int nvmet_kv_rdma_grant(struct nvmet_kv_rdma_export *exp, const void *ctrl,
			u16 cntlid, u8 *token);
void nvmet_kv_rdma_ctrl_gone(const void *ctrl, u16 cntlid);
u64 nvmet_kv_rdma_refused_count(void);
unsigned int nvmet_kv_rdma_conns_count(void);
u16 nvmet_kv_rdma_port(void);
int nvmet_kv_rdma_init(void);
void nvmet_kv_rdma_exit(void);

#endif /* NVMET_KV_RDMA_H */
