# SPDX-License-Identifier: GPL-2.0
#
# nvme-kv: see README.md.  Everything is built under build/.
#
#   make          modules (patched nvmet stack, nvmet-kv.ko, nvme-kv.ko) and
#                 the user-space tools
#   make check    unit tests, then the selftests in a QEMU guest, then the
#                 debug kernel's guest run; the last line is
#                 "N passed, N failed" (DEBUG_KERNEL=0 leaves out the debug
#                 kernel, whose first build takes about 20 minutes)
#   make demo     boot a guest, store and read back a few pairs
#   make check-debug  the guest selftests under the debug kernel alone
#   make series-each  every commit of the nvmet series builds on its own
#   make deb      the Debian packages, checked by lintian (build/deb/)
#   make blktests BLKTESTS=<dir>  blktests' nvme group on loop and tcp,
#                 Debian's nvmet against the patched one, side by side
#                 (scripts/blktests.sh; <dir> is a blktests checkout)
#   make deps     install the Debian packages the above need (done by each)
#   make install  libnvmekv (shared and static, header, pkg-config file), the
#                 nvme-kv CLI, the YCSB driver, the udev rule, the target
#                 configuration tool nvmet-kv-config and its boot-time
#                 service nvmet-kv.service, with their man pages, under
#                 $(DESTDIR)$(PREFIX) (default /usr/local)
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
# what a distribution's build adds (debian/rules: dpkg-buildflags' hardening)
# to the installed library and programs
DIST_CFLAGS	?=
DIST_LDFLAGS	?=

.PHONY: all deps ksrc nvmet modules userspace guest unit check demo deb-nvme-cli \
	checkpatch clean crash-test debug-kernel debug-modules debug-guest check-debug bench-store bench-xfer bench-cache lib install nvme-cli \
	fio-engine plugin cost-test bench-cost pair-test bench bench-async series-each blktests deb install-fio check-install dkms-source

all: modules userspace

deps:
	@$(TOP)/scripts/deps.sh

ksrc: deps
	@$(TOP)/scripts/ksrc.sh

# The series also patches include/linux/nvme.h (definitions only), so every
# module built against it takes that header from the extract before the
# installed one: NOSTDINC_FLAGS comes first on the compiler's command line
# (scripts/Makefile.lib), ahead of LINUXINCLUDE.
hdrs	= NOSTDINC_FLAGS="-nostdinc -I$(1)/include"

# The patched nvmet stack: nvmet, nvme-loop, nvmet-tcp, nvmet-rdma (and the
# FC pieces the same Makefile builds), with module versions matching nvmet-kv.
nvmet: ksrc
	@$(MAKE) -s -C $(KDIR) M=$(NVMET) -j$(JOBS) $(call hdrs,$(KSRC)) modules

# Kbuild writes objects next to the sources, so build a copy under build/.
modules: nvmet
	@mkdir -p $(MODDIR)
	@mkdir -p $(MODDIR)/selftests/kv
	@cp -a --update Kbuild host target uapi include $(MODDIR)/
	@cp -a --update selftests/kv/api selftests/kv/peer selftests/kv/cost \
		$(MODDIR)/selftests/kv/
	@$(MAKE) -s -C $(KDIR) M=$(MODDIR) -j$(JOBS) NVME_KV_KSRC=$(KSRC) \
		$(call hdrs,$(KSRC)) \
		KBUILD_EXTRA_SYMBOLS=$(NVMET)/Module.symvers modules

LIB_SRC	:= userspace/libnvmekv/nvmekv.c
# the asynchronous queue (io_uring): in the libraries, and in the static
# binaries that use it, which then link liburing too
LIB_QUEUE_SRC := userspace/libnvmekv/nvmekv_queue.c
CLI_SRC	:= userspace/cli/nvme-kv.c
HDRS	:= uapi/linux/nvme_kv.h userspace/libnvmekv/nvmekv.h

# Static binaries, so the busybox guest needs no shared libraries for them.
$(BIN)/nvme-kv: $(CLI_SRC) $(LIB_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ $(CLI_SRC) $(LIB_SRC) -ljson-c

$(BIN)/kv_ioctl_test: selftests/kv/kv_ioctl_test.c selftests/kv/check.h $(LIB_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -pthread -o $@ selftests/kv/kv_ioctl_test.c $(LIB_SRC)

$(BIN)/kv_uring_test: selftests/kv/kv_uring_test.c selftests/kv/check.h $(LIB_SRC) $(LIB_QUEUE_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/kv/kv_uring_test.c $(LIB_SRC) \
		$(LIB_QUEUE_SRC) -luring

KV_TEST_HDRS := selftests/kv/kv_passthru.h selftests/kv/check.h uapi/linux/nvme_kv.h

$(BIN)/kv_target_test: selftests/kv/kv_target_test.c $(KV_TEST_HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/kv/kv_target_test.c

$(BIN)/kv_xfer_test: selftests/kv/kv_xfer_test.c $(KV_TEST_HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/kv/kv_xfer_test.c

$(BIN)/kv_xfer_bench: selftests/kv/kv_xfer_bench.c $(LIB_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -pthread -o $@ selftests/kv/kv_xfer_bench.c $(LIB_SRC)

$(BIN)/kv_mark: selftests/kv/kv_mark.c
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/kv/kv_mark.c

$(BIN)/kv_ctl: selftests/kv/kv_ctl.c
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/kv/kv_ctl.c

$(BIN)/kv_workload: selftests/kv/kv_workload.c $(KV_TEST_HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -pthread -o $@ selftests/kv/kv_workload.c

$(BIN)/lin_client: selftests/lin/lin_client.c $(LIB_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/lin/lin_client.c $(LIB_SRC)

$(BIN)/nvmekv-ycsb: userspace/ycsb/nvmekv-ycsb.c $(LIB_SRC) $(LIB_QUEUE_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -pthread -o $@ userspace/ycsb/nvmekv-ycsb.c $(LIB_SRC) \
		$(LIB_QUEUE_SRC) -luring -lm

$(BIN)/kv_cache_keys: selftests/kv/kv_cache_keys.c target/kv_cache.h target/kv_cache_sm.h \
		target/kv_types.h uapi/linux/nvme_kv.h
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -I$(TOP)/target -static -o $@ selftests/kv/kv_cache_keys.c

$(BIN)/kv_forge_sb: selftests/kv/kv_forge_sb.c target/kv_store.h target/kv_index.h \
		target/kv_siphash.h target/kv_types.h uapi/linux/nvme_kv.h
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -I$(TOP)/target -static -o $@ selftests/kv/kv_forge_sb.c

$(BIN)/kv_damage_rec: selftests/kv/kv_damage_rec.c target/kv_store.h target/kv_index.h \
		target/kv_siphash.h target/kv_types.h uapi/linux/nvme_kv.h
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -I$(TOP)/target -static -o $@ selftests/kv/kv_damage_rec.c

$(BIN)/kv_kmsg_wait: selftests/kv/kv_kmsg_wait.c
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/kv/kv_kmsg_wait.c

$(BIN)/kv_hostile: selftests/kv/kv_hostile.c $(KV_TEST_HDRS) $(LIB_SRC) $(HDRS)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -pthread -o $@ selftests/kv/kv_hostile.c $(LIB_SRC)

$(BIN)/lincheck: selftests/lin/lincheck.c selftests/lin/lincheck.h
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) -static -o $@ selftests/lin/lincheck.c

# libnvmekv: shared (soname libnvmekv.so.1) and static; make install
# writes nvmekv.pc for its PREFIX
LIBDIR_B	:= $(B)/lib
LIB_SONAME	:= libnvmekv.so.1
LIB_VERSION	:= 1.0.0
PREFIX		?= /usr/local
# the library's directory (debian/rules: /usr/lib/<multiarch triplet>)
LIBDIR		?= $(PREFIX)/lib
DESTDIR		?=

$(LIBDIR_B)/libnvmekv.so.$(LIB_VERSION): $(LIB_SRC) $(LIB_QUEUE_SRC) $(HDRS)
	@mkdir -p $(LIBDIR_B)
	$(CC) $(USER_CFLAGS) $(DIST_CFLAGS) -fPIC -shared \
		-Wl,-soname,$(LIB_SONAME) $(DIST_LDFLAGS) -o $@ $(LIB_SRC) \
		$(LIB_QUEUE_SRC) -luring
	ln -sf libnvmekv.so.$(LIB_VERSION) $(LIBDIR_B)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(LIBDIR_B)/libnvmekv.so

$(LIBDIR_B)/libnvmekv.a: $(LIB_SRC) $(LIB_QUEUE_SRC) $(HDRS)
	@mkdir -p $(LIBDIR_B)
	$(CC) $(USER_CFLAGS) $(DIST_CFLAGS) -c -o $(LIBDIR_B)/nvmekv.o $(LIB_SRC)
	$(CC) $(USER_CFLAGS) $(DIST_CFLAGS) -c -o $(LIBDIR_B)/nvmekv_queue.o \
		$(LIB_QUEUE_SRC)
	$(AR) rcs $@ $(LIBDIR_B)/nvmekv.o $(LIBDIR_B)/nvmekv_queue.o

lib: $(LIBDIR_B)/libnvmekv.so.$(LIB_VERSION) $(LIBDIR_B)/libnvmekv.a

$(BIN)/nvme-kv-dyn: $(CLI_SRC) $(LIBDIR_B)/libnvmekv.so.$(LIB_VERSION)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) $(DIST_CFLAGS) $(DIST_LDFLAGS) -o $@ $(CLI_SRC) \
		-L$(LIBDIR_B) -lnvmekv -ljson-c

# the YCSB driver as installed: linked to the shared libnvmekv
$(BIN)/nvmekv-ycsb-dyn: userspace/ycsb/nvmekv-ycsb.c $(LIBDIR_B)/libnvmekv.so.$(LIB_VERSION)
	@mkdir -p $(BIN)
	$(CC) $(USER_CFLAGS) $(DIST_CFLAGS) $(DIST_LDFLAGS) -pthread -o $@ \
		userspace/ycsb/nvmekv-ycsb.c -L$(LIBDIR_B) -lnvmekv -lm

install: lib $(BIN)/nvme-kv-dyn $(BIN)/nvmekv-ycsb-dyn
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/sbin \
		$(DESTDIR)$(PREFIX)/include/nvmekv/linux \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/lib/udev/rules.d \
		$(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 0644 $(LIBDIR_B)/libnvmekv.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libnvmekv.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libnvmekv.so
	install -m 0644 $(LIBDIR_B)/libnvmekv.a $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@VERSION@|$(LIB_VERSION)|' \
		userspace/libnvmekv/nvmekv.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/nvmekv.pc
	install -m 0644 userspace/libnvmekv/nvmekv.h $(DESTDIR)$(PREFIX)/include/
	install -m 0644 uapi/linux/nvme_kv.h $(DESTDIR)$(PREFIX)/include/nvmekv/linux/
	install -m 0755 $(BIN)/nvme-kv-dyn $(DESTDIR)$(PREFIX)/bin/nvme-kv
	install -m 0755 $(BIN)/nvmekv-ycsb-dyn $(DESTDIR)$(PREFIX)/bin/nvmekv-ycsb
	install -m 0644 userspace/cli/nvme-kv.1 userspace/ycsb/nvmekv-ycsb.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 userspace/nvmet-config/nvmet-kv-config.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0755 userspace/nvmet-config/nvmet-kv-config $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 userspace/udev/60-nvme-kv.rules $(DESTDIR)$(PREFIX)/lib/udev/rules.d/
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' userspace/systemd/nvmet-kv.service.in \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/nvmet-kv.service

# The fio engine as installed (debian/rules puts it in fio-nvmekv): built
# against FIO_SRC, a configured source tree of the installed fio (make
# fio-engine leaves one in build/fio/src), and linked to the shared
# libnvmekv; where a fio built with dynamic engines looks for them.
FIO_SRC ?=
$(BIN)/fio-nvmekv.so: userspace/fio/nvmekv-fio.c $(LIBDIR_B)/libnvmekv.so.$(LIB_VERSION)
	@test -f "$(FIO_SRC)/config-host.h" || { echo "fio-nvmekv.so: FIO_SRC=<configured fio source tree>" >&2; exit 2; }
	$(CC) -O2 -g -Wall $(DIST_CFLAGS) $(DIST_LDFLAGS) -D_GNU_SOURCE \
		-include $(FIO_SRC)/config-host.h -I$(FIO_SRC) -I$(TOP)/uapi \
		-I$(TOP)/userspace/libnvmekv -shared -fPIC -rdynamic -o $@ \
		userspace/fio/nvmekv-fio.c -L$(LIBDIR_B) -lnvmekv

install-fio: $(BIN)/fio-nvmekv.so
	install -D -m 0644 $(BIN)/fio-nvmekv.so $(DESTDIR)$(LIBDIR)/fio/fio-nvmekv.so

# The DKMS source tree (debian/rules puts it in nvme-kv-dkms):
# /usr/src/nvme-kv-<version>/ with dkms.conf, dkms/build.sh, the modules'
# sources and the nvmet series; dkms/dkms.conf says what DKMS builds.
VERSION		:= $(shell sed -n '1s/^[^ ]* (\([^)-]*\).*/\1/p' $(TOP)/debian/changelog)
DKMS_SRC	= $(DESTDIR)/usr/src/nvme-kv-$(VERSION)

# The install test (scripts/install-test.sh): the packages installed in a
# booted Debian 12 guest made by debootstrap, DKMS, a target restored
# across a reboot, and the stock nvmet after removal.  Not in make check:
# it needs Debian's archive and takes longer than CI can give it.
check-install: deb deb-nvme-cli
	@$(TOP)/scripts/install-test.sh $(KVER)

# Debian's nvme-cli source package rebuilt with the kv plugin's series as
# quilt patches (scripts/nvme-cli-deb.sh), for the install test
deb-nvme-cli: nvme-cli
	@$(TOP)/scripts/nvme-cli-deb.sh

dkms-source:
	install -d $(DKMS_SRC)/dkms $(DKMS_SRC)/host $(DKMS_SRC)/target/patches \
		$(DKMS_SRC)/uapi/linux $(DKMS_SRC)/include/linux
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms/dkms.conf > $(DKMS_SRC)/dkms.conf
	install -m 0644 dkms/build.sh $(DKMS_SRC)/dkms/
	install -m 0644 host/Kbuild host/*.[ch] $(DKMS_SRC)/host/
	install -m 0644 target/Kbuild target/*.[ch] $(DKMS_SRC)/target/
	install -m 0644 target/patches/*.patch $(DKMS_SRC)/target/patches/
	install -m 0644 uapi/linux/nvme_kv.h $(DKMS_SRC)/uapi/linux/
	install -m 0644 include/linux/nvme-kv.h $(DKMS_SRC)/include/linux/

userspace: deps lib $(BIN)/nvme-kv $(BIN)/kv_ioctl_test $(BIN)/kv_target_test \
	$(BIN)/kv_workload $(BIN)/kv_xfer_test $(BIN)/kv_xfer_bench \
	$(BIN)/lin_client $(BIN)/lincheck $(BIN)/nvmekv-ycsb $(BIN)/kv_cache_keys \
	$(BIN)/kv_forge_sb $(BIN)/kv_damage_rec $(BIN)/kv_hostile $(BIN)/kv_mark \
	$(BIN)/kv_ctl $(BIN)/kv_kmsg_wait $(BIN)/kv_uring_test

# nvme-cli from Debian's source package with the kv plugin: build/nvme-cli/nvme
nvme-cli: deps
	@$(TOP)/scripts/nvme-cli.sh

# fio external ioengine against Debian's fio source: build/fio/libfio-nvmekv.so
fio-engine: deps
	@$(TOP)/scripts/fio-engine.sh

guest: modules userspace nvme-cli fio-engine
	@$(TOP)/qemu/mkinitramfs.sh "$(KVER)"

# The debug guest: Debian's 6.12 source with KASAN, KFENCE, lockdep,
# DEBUG_ATOMIC_SLEEP and kmemleak (qemu/debug.config; cached under
# build/dbgk), the patched nvmet stack and nvme-kv's modules built against
# it (build/dbgk/ksrc, build/dbgk/mod), and an initramfs of its own.
DBGK		:= $(B)/dbgk
DBGK_REL	= $(shell cat $(DBGK)/kernelrelease)
debug-kernel: deps
	@$(TOP)/scripts/debug-kernel.sh > /dev/null

debug-modules: debug-kernel
	@$(TOP)/scripts/ksrc.sh $(DBGK)/ksrc
	@$(MAKE) -s -C $(DBGK)/linux M=$(DBGK)/ksrc/drivers/nvme/target \
		-j$(JOBS) $(call hdrs,$(DBGK)/ksrc) modules
	@mkdir -p $(DBGK)/mod/selftests/kv
	@cp -a --update Kbuild host target uapi include $(DBGK)/mod/
	@cp -a --update selftests/kv/api selftests/kv/peer selftests/kv/cost \
		$(DBGK)/mod/selftests/kv/
	@$(MAKE) -s -C $(DBGK)/linux M=$(DBGK)/mod -j$(JOBS) \
		NVME_KV_KSRC=$(DBGK)/ksrc $(call hdrs,$(DBGK)/ksrc) \
		KBUILD_EXTRA_SYMBOLS=$(DBGK)/ksrc/drivers/nvme/target/Module.symvers \
		modules

debug-guest: debug-modules userspace nvme-cli fio-engine
	@GUEST_OUT=$(DBGK)/guest GUEST_MODROOT=$(DBGK)/root GUEST_BUILD=$(DBGK) \
		$(TOP)/qemu/mkinitramfs.sh "$(DBGK_REL)"

# every commit of the nvmet series builds on its own (not in make check)
series-each: deps
	@$(TOP)/scripts/series.sh each

# the Debian packages (debian/): libnvmekv1, libnvmekv-dev, nvme-kv-tools,
# built in build/deb/ from a copy of this tree and checked by lintian
deb:
	@$(TOP)/scripts/deb.sh

# blktests' nvme group, stock nvmet against patched (not in make check: it
# needs a blktests checkout and a Debian mirror for debootstrap, and takes
# about an hour under TCG)
blktests: modules
	@test -n "$(BLKTESTS)" || { echo "make blktests BLKTESTS=<blktests checkout>" >&2; exit 2; }
	@$(TOP)/scripts/blktests.sh "$(KVER)" "$(BLKTESTS)"

check-debug: debug-guest
	@$(TOP)/scripts/check.sh "$(KVER)" debug

unit: deps
	@$(MAKE) -s -C selftests/unit B=$(B)/unit TOP=$(TOP)

# make check ends with the debug kernel's guest run (README gives what it
# adds to CI's time); DEBUG_KERNEL=0 leaves it out
DEBUG_KERNEL	?= 1
ifeq ($(DEBUG_KERNEL),0)
check: guest plugin
else
check: guest plugin debug-guest
endif
	@DEBUG_KERNEL=$(DEBUG_KERNEL) $(TOP)/scripts/check.sh "$(KVER)"

demo: guest
	@$(TOP)/qemu/run.sh "$(KVER)" demo; status=$$?; \
		cat $(B)/guest/demo.out; exit $$status

# The instruction counter, a TCG plugin: build/plugin/libkvcount.so
plugin: deps
	@$(TOP)/scripts/plugin.sh

# Its smoke test alone: a planted cost found exactly where it runs
cost-test: guest plugin
	@$(TOP)/scripts/cost.sh "$(KVER)"

# The two-guest topology's smoke test alone (qemu/pair.sh)
pair-test: guest plugin
	@$(TOP)/scripts/pair.sh "$(KVER)"

# Instructions per Store by transfer method over loop and tcp, counted by
# the plugin: build/bench/cost-xfer-{loop,tcp}.json
COST_SIZES ?= 8B,16B,32B,64B,1KiB,4KiB
COST_METHODS ?= DPTR,PIGGYBACK,APPEND
bench-cost: guest plugin
	@for tr in loop tcp; do \
		COST_TRANSPORT=$$tr COST_N1=50 COST_N2=300 COST_SIZES=$(COST_SIZES) \
		COST_METHODS=$(COST_METHODS) $(TOP)/scripts/cost-xfer.sh "$(KVER)" || exit 1; \
	done

# The crash test alone, longer: make crash-test CRASH_ITERATIONS=200
CRASH_ITERATIONS ?= 100
crash-test: guest
	@$(TOP)/scripts/crash.sh "$(KVER)" $(CRASH_ITERATIONS)

# Group commit against one device write per Store, in alternated pairs of
# rounds and control pairs: build/bench/store.json
BENCH_STORE_OPS ?= 3200
BENCH_STORE_PAIRS ?= 20
BENCH_STORE_CONTROLS ?= 10
bench-store: guest
	@$(TOP)/scripts/bench-store.sh "$(KVER)" $(BENCH_STORE_OPS) \
		$(BENCH_STORE_PAIRS) $(BENCH_STORE_CONTROLS)

# The transfer methods between the two guests (qemu/pair.sh), counted: per
# Store the target's instructions by component, the host's, the target
# NIC's bytes and packets, by method, value size, overwrite or insert,
# over tcp and rdma (build/bench/xfer-pair-{tcp,rdma}.json and
# xfer-{tcp,rdma}.png); then tagged PIGGYBACK over PIGGYBACK_SERIAL on
# W(D) as a paired ratio of Stores/s (build/bench/xfer-rate-*.json)
XFER_SIZES ?= 8B,16B,24B,32B,48B,64B,96B,128B,256B,512B,1KiB,2KiB,4KiB,W(B),W(C),W(D),W(M)
XFER_METHODS ?= DPTR_NO_INCAPSULE,DPTR,PIGGYBACK,PIGGYBACK_SERIAL,AUTO,AUTO_NO_INCAPSULE
bench-xfer: guest plugin
	@XFER_SIZES='$(XFER_SIZES)' XFER_METHODS=$(XFER_METHODS) \
		$(TOP)/scripts/bench-xfer.sh "$(KVER)"

# YCSB B and C with and without the DRAM cache, and the linearizability
# run: build/bench/cache.json + cache.png
bench-cache: guest
	@$(TOP)/scripts/bench-cache.sh "$(KVER)"

# One thread's GET rate at io_uring depths 1..64 against fio's io_uring
# 4 KiB reads on a block namespace, over tcp and rdma, rounds alternated
# (build/bench/async.json; ROUNDS=, SECS= per run)
bench-async: guest
	@$(TOP)/scripts/bench-async.sh "$(KVER)" $(or $(ROUNDS),3) $(or $(SECS),3)

# Every benchmark, then one summary table each (scripts/bench-summary.py):
# bench-cost, bench-xfer, bench-store on the two guests, bench-cache
bench: guest plugin
	@$(MAKE) -s bench-cost
	@$(MAKE) -s bench-xfer
	@$(MAKE) -s bench-store BENCH_STORE_ON=pair
	@$(MAKE) -s bench-cache
	@/usr/bin/python3 $(TOP)/scripts/bench-summary.py $(B)/bench

checkpatch: ksrc
	@$(KSRC)/scripts/checkpatch.pl --no-tree --strict --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f host/*.[ch] target/*.[ch] uapi/linux/*.h include/linux/*.h

clean:
	rm -rf $(B)
