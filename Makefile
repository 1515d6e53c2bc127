# SPDX-License-Identifier: GPL-2.0
#
# nvme-kv: see README.md.  Everything is built under build/.
#
#   make          modules (patched nvmet stack, nvmet-kv.ko, nvme-kv.ko) and
#                 the user-space tools
#   make check    unit tests, then the selftests in a QEMU guest; the last
#                 line is "N passed, N failed"
#   make demo     boot a guest, store and read back a few pairs
#   make deps     install the Debian packages the above need (done by each)
#
# The kernel version is derived from the installed Debian packages
# (scripts/kver.sh).  It is a recursively expanded variable and appears only
# in recipes, so it is evaluated after `deps` has installed the packages.

TOP	:= $(CURDIR)
B	:= $(TOP)/build
KSRC	:= $(B)/ksrc
NVMET	:= $(KSRC)/drivers/nvme/target
MODDIR	:= $(B)/mod
BIN	:= $(B)/bin
KVER	= $(shell $(TOP)/scripts/kver.sh)
KDIR	= /usr/src/linux-headers-$(KVER)
JOBS	?= $(shell nproc)

CC		?= gcc
USER_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -std=gnu11 -I$(TOP)/uapi \
		   -I$(TOP)/userspace/libnvmekv

.PHONY: all deps ksrc nvmet modules userspace guest unit check demo \
	checkpatch clean crash-test bench-store

all: modules userspace

deps:
	@$(TOP)/scripts/deps.sh

ksrc: deps
	@$(TOP)/scripts/ksrc.sh

# The patched nvmet stack: nvmet, nvme-loop, nvmet-tcp, nvmet-rdma (and the
# FC pieces the same Makefile builds), with module versions matching nvmet-kv.
nvmet: ksrc
	@$(MAKE) -s -C $(KDIR) M=$(NVMET) -j$(JOBS) modules

# Kbuild writes objects next to the sources, so build a copy under build/.
modules: nvmet
	@mkdir -p $(MODDIR)
	@cp -a --update Kbuild host target uapi $(MODDIR)/
	@$(MAKE) -s -C $(KDIR) M=$(MODDIR) -j$(JOBS) NVME_KV_KSRC=$(KSRC) \
		KBUILD_EXTRA_SYMBOLS=$(NVMET)/Module.symvers modules

LIB_SRC	:= userspace/libnvmekv/nvmekv.c
CLI_SRC	:= userspace/cli/nvme-kv.c
HDRS	:= uapi/linux/nvme_kv.h userspace/libnvmekv/nvmekv.h

# Static binaries, so the busybox guest needs no shared libraries for them.
$(BIN)/nvme-kv: $(CLI_SRC) $(LIB_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ $(CLI_SRC) $(LIB_SRC)

$(BIN)/kv_ioctl_test: selftests/kv/kv_ioctl_test.c selftests/kv/check.h $(LIB_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/kv/kv_ioctl_test.c $(LIB_SRC)

KV_TEST_HDRS := selftests/kv/kv_passthru.h selftests/kv/check.h uapi/linux/nvme_kv.h

$(BIN)/kv_target_test: selftests/kv/kv_target_test.c $(KV_TEST_HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/kv/kv_target_test.c

$(BIN)/kv_workload: selftests/kv/kv_workload.c $(KV_TEST_HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -pthread -o $@ selftests/kv/kv_workload.c

userspace: deps $(BIN)/nvme-kv $(BIN)/kv_ioctl_test $(BIN)/kv_target_test \
	$(BIN)/kv_workload

guest: modules userspace
	@$(TOP)/qemu/mkinitramfs.sh "$(KVER)"

unit: deps
	@$(MAKE) -s -C selftests/unit B=$(B)/unit TOP=$(TOP)

check: guest
	@$(TOP)/scripts/check.sh "$(KVER)"

demo: guest
	@$(TOP)/qemu/run.sh "$(KVER)" demo; status=$$?; \
		cat $(B)/guest/demo.out; exit $$status

# The crash test alone, longer: make crash-test CRASH_ITERATIONS=200
CRASH_ITERATIONS ?= 100
crash-test: guest
	@$(TOP)/scripts/crash.sh "$(KVER)" $(CRASH_ITERATIONS)

# Group commit against one device write per Store: build/bench/store.json
bench-store: guest
	@$(TOP)/scripts/bench-store.sh "$(KVER)"

checkpatch: ksrc
	@$(KSRC)/scripts/checkpatch.pl --no-tree --strict --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f host/*.[ch] target/*.[ch] uapi/linux/*.h

clean:
	rm -rf $(B)
