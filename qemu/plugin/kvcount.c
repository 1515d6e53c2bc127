// SPDX-License-Identifier: GPL-2.0
/*
 * kvcount: a QEMU TCG plugin counting the instructions an x86-64 guest
 * executes between two markers the guest sets, by where they run.
 *
 *   qemu-system-x86_64 -smp 1 -plugin build/plugin/libkvcount.so,out=FILE
 *
 * Every executed instruction adds one to the counter of its bucket (an
 * inline add: exact with one vCPU, racy with more, so the plugin refuses
 * to load with more than one):
 *   - user space (addresses below 2^47);
 *   - the kernel image (__START_KERNEL_map up to the module area);
 *   - the module area, one counter per 4 KiB page, which the caller
 *     attributes afterwards to the module whose allocation holds the page
 *     (scripts/cost-attrib.py, from the guest's /sys/module/ * /sections);
 *   - any other kernel address (entry trampolines, BPF, vsyscall).
 *
 * A marker is the 7-byte "nopl 0x4b56CCTT(%rax)" (0f 1f 80 TT CC 56 4b):
 * a no-op for the CPU, which the plugin recognises when it translates it.
 * CC 01h starts window TT, CC 02h ends it; the end writes one line per
 * window to FILE:
 *
 *   window TT user U kernel K other O module M pages P
 *   page TT 0xADDRESS N          (one per module page with N > 0)
 *
 * Markers are executed instructions too, and count as such.  QEMU 7.2's
 * plugins cannot read guest registers, hence the tag in the bytes.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define USER_TOP	0x0000800000000000ULL
#define KERNEL_BASE	0xffffffff80000000ULL
#define MODULES_BASE	0xffffffffc0000000ULL
#define MODULES_END	0xffffffffff000000ULL
#define PAGE_SHIFT	12
#define NR_PAGES	((MODULES_END - MODULES_BASE) >> PAGE_SHIFT)
#define NR_TAGS		256

#define MARK_START	0x01
#define MARK_STOP	0x02

struct counts {
	uint64_t user;
	uint64_t kernel;
	uint64_t other;
	uint64_t *pages;	/* NR_PAGES */
};

static struct counts now;
static struct counts at_start[NR_TAGS];
static bool open_window[NR_TAGS];
static FILE *out;

static uint64_t *bucket_of(uint64_t va)
{
	if (va < USER_TOP)
		return &now.user;
	if (va >= MODULES_BASE && va < MODULES_END)
		return &now.pages[(va - MODULES_BASE) >> PAGE_SHIFT];
	if (va >= KERNEL_BASE)
		return &now.kernel;
	return &now.other;
}

static uint64_t sum_pages(const uint64_t *p)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < NR_PAGES; i++)
		s += p[i];
	return s;
}

static void window_start(unsigned int tag)
{
	struct counts *c = &at_start[tag];

	/* a snapshot (2 MiB) is held only while its window is open */
	if (!c->pages) {
		c->pages = malloc(NR_PAGES * sizeof(*c->pages));
		if (!c->pages) {
			fprintf(stderr, "kvcount: out of memory\n");
			return;
		}
	}
	c->user = now.user;
	c->kernel = now.kernel;
	c->other = now.other;
	memcpy(c->pages, now.pages, NR_PAGES * sizeof(*now.pages));
	open_window[tag] = true;
}

static void window_stop(unsigned int tag)
{
	struct counts *c = &at_start[tag];
	uint64_t module, d;
	unsigned int pages = 0;
	size_t i;

	if (!open_window[tag]) {
		fprintf(out, "unopened %u\n", tag);
		fflush(out);
		return;
	}
	open_window[tag] = false;
	module = sum_pages(now.pages) - sum_pages(c->pages);
	for (i = 0; i < NR_PAGES; i++)
		pages += now.pages[i] != c->pages[i];
	fprintf(out, "window %u user %" PRIu64 " kernel %" PRIu64
		" other %" PRIu64 " module %" PRIu64 " pages %u\n", tag,
		now.user - c->user, now.kernel - c->kernel,
		now.other - c->other, module, pages);
	for (i = 0; i < NR_PAGES; i++) {
		d = now.pages[i] - c->pages[i];
		if (d)
			fprintf(out, "page %u 0x%" PRIx64 " %" PRIu64 "\n", tag,
				(uint64_t)(MODULES_BASE + (i << PAGE_SHIFT)), d);
	}
	fflush(out);
	free(c->pages);
	c->pages = NULL;
}

static void marker_exec(unsigned int vcpu, void *udata)
{
	uintptr_t m = (uintptr_t)udata;
	unsigned int tag = m & 0xff;

	(void)vcpu;
	if ((m >> 8) == MARK_START)
		window_start(tag);
	else
		window_stop(tag);
}

/* 0f 1f 80 TT CC 56 4b: nopl 0x4b56CCTT(%rax) with CC 01h or 02h */
static bool is_marker(const uint8_t *b, size_t len)
{
	return len == 7 && b[0] == 0x0f && b[1] == 0x1f && b[2] == 0x80 &&
	       b[5] == 0x56 && b[6] == 0x4b &&
	       (b[4] == MARK_START || b[4] == MARK_STOP);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct qemu_plugin_insn *insn;
	const uint8_t *b;
	size_t i, len;

	(void)id;
	for (i = 0; i < n; i++) {
		insn = qemu_plugin_tb_get_insn(tb, i);
		qemu_plugin_register_vcpu_insn_exec_inline(insn,
			QEMU_PLUGIN_INLINE_ADD_U64,
			bucket_of(qemu_plugin_insn_vaddr(insn)), 1);
		len = qemu_plugin_insn_size(insn);
		b = qemu_plugin_insn_data(insn);
		if (is_marker(b, len))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, marker_exec,
				QEMU_PLUGIN_CB_NO_REGS,
				(void *)(uintptr_t)(b[4] << 8 | b[3]));
	}
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	fprintf(out, "exit user %" PRIu64 " kernel %" PRIu64 " other %" PRIu64
		" module %" PRIu64 "\n", now.user, now.kernel, now.other,
		sum_pages(now.pages));
	fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
	if (!path) {
		fprintf(stderr, "kvcount: give out=FILE\n");
		return -1;
	}
	if (strcmp(info->target_name, "x86_64") || !info->system_emulation) {
		fprintf(stderr, "kvcount: x86_64 system emulation only\n");
		return -1;
	}
	if (info->system.max_vcpus > 1) {
		fprintf(stderr, "kvcount: inline counts are exact with one vCPU only (-smp 1)\n");
		return -1;
	}
	now.pages = calloc(NR_PAGES, sizeof(*now.pages));
	out = fopen(path, "w");
	if (!now.pages || !out) {
		fprintf(stderr, "kvcount: cannot set up %s\n", path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
