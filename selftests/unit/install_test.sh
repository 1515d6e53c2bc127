#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make install into a staging directory, then build a program against the
# installed libnvmekv the way a user would (pkg-config), link it to the
# shared library and run it; and run the dynamically linked CLI.
#   install_test.sh <top> <staging dir>
top=$1
stage=$2
n=0
failed=0

t() {
	name=$1
	shift
	n=$((n + 1))
	if "$@" > "$stage.log" 2>&1; then
		echo "ok $n - install: $name"
	else
		echo "not ok $n - install: $name"
		sed 's/^/# /' "$stage.log" | tail -n 20
		failed=$((failed + 1))
	fi
}

rm -rf "$stage"
t "make install puts the library, header, pkg-config file, CLI, man page, udev rule, nvmet-kv-config and its service in place" \
	sh -c "MAKEFLAGS= MAKEOVERRIDES= make -s -C '$top' install DESTDIR='$stage' PREFIX=/usr &&
	       for f in lib/libnvmekv.so.1 lib/libnvmekv.so lib/libnvmekv.a \
			lib/pkgconfig/nvmekv.pc include/nvmekv.h \
			include/nvmekv/linux/nvme_kv.h bin/nvme-kv bin/nvmekv-ycsb \
			share/man/man1/nvme-kv.1 share/man/man1/nvmekv-ycsb.1 \
			share/man/man8/nvmet-kv-config.8 lib/udev/rules.d/60-nvme-kv.rules \
			sbin/nvmet-kv-config lib/systemd/system/nvmet-kv.service; do
			[ -e '$stage'/usr/\$f ] || { echo missing \$f; exit 1; }
	       done"

cat > "$stage.c" <<'PROG'
#include <stdio.h>
#include <string.h>
#include <nvmekv.h>

int main(void)
{
	unsigned char buf[12] = { 1, 0, 0, 0, 3, 0, 'k', 'e', 'y' };
	struct nvmekv_list_iter it;
	const uint8_t *key;
	size_t kl;

	if (strcmp(nvmekv_status_name(0x87), "key does not exist"))
		return 1;
	if (nvmekv_list_iter_init(&it, buf, sizeof(buf)) ||
	    nvmekv_list_next(&it, &key, &kl) != 1 || kl != 3 ||
	    memcmp(key, "key", 3))
		return 2;
	puts("libnvmekv works");
	return 0;
}
PROG
# the staged nvmekv.pc first, then the system's (its Requires.private,
# liburing, comes from Debian's liburing-dev)
export PKG_CONFIG_SYSROOT_DIR="$stage" \
	PKG_CONFIG_LIBDIR="$stage/usr/lib/pkgconfig:$(pkg-config --variable pc_path pkg-config)"
t "pkg-config names the flags of the installed nvmekv" \
	sh -c 'pkg-config --cflags --libs nvmekv | grep -q -- "-lnvmekv"'
t "a program built with pkg-config links to the shared libnvmekv.so.1 and runs" \
	sh -c "cc -o '$stage.bin' '$stage.c' \$(pkg-config --cflags --libs nvmekv) &&
	       LD_LIBRARY_PATH='$stage/usr/lib' ldd '$stage.bin' | grep -q 'libnvmekv.so.1 => $stage' &&
	       LD_LIBRARY_PATH='$stage/usr/lib' '$stage.bin'"
t "the installed, dynamically linked nvme-kv runs" \
	sh -c "LD_LIBRARY_PATH='$stage/usr/lib' '$stage/usr/bin/nvme-kv' list --help | grep -q 'Usage: nvme-kv list'"
t "the man page documents every command" \
	sh -c "for c in store retrieve delete exist list identify stats; do
			grep -q \"^\\.B nvme-kv \$c\" '$stage/usr/share/man/man1/nvme-kv.1' || { echo no \$c; exit 1; }
	       done"
# the service names the installed tool; systemd-analyze checks the unit
# where systemd is there (it wants the commands it names to exist)
t "nvmet-kv.service restores and clears with the installed nvmet-kv-config, and systemd-analyze verifies it" \
	sh -c "grep -qx 'ExecStart=/usr/sbin/nvmet-kv-config restore /etc/nvmet/nvmet-kv.json' '$stage/usr/lib/systemd/system/nvmet-kv.service' &&
	       grep -qx 'ExecStop=/usr/sbin/nvmet-kv-config clear' '$stage/usr/lib/systemd/system/nvmet-kv.service' &&
	       if command -v systemd-analyze > /dev/null; then
			sed 's|/usr/sbin/|$stage/usr/sbin/|' '$stage/usr/lib/systemd/system/nvmet-kv.service' > '$stage.service' &&
			systemd-analyze verify --man=no '$stage.service'
	       fi"
echo "1..$n"
[ $failed = 0 ]
