#!/bin/sh
# Build nvme-kv's modules for one kernel, as DKMS runs it (dkms.conf's
# MAKE) in its copy of /usr/src/nvme-kv-<version>:
#
#   sh dkms/build.sh <kernel-release> <kernel-build-dir> [<jobs> [<version>]]
#
# 1. From Debian's linux-source-<major>.<minor> tarball, extract into ksrc/
#    drivers/nvme/ and the headers target/patches changes, and check that
#    the tarball is the kernel's own upstream version: nvmet is rebuilt in
#    full, so its source must be the one the kernel was built from.
# 2. Apply target/patches in order (patch -p1, from git format-patch), and
#    give each module of the nvmet stack MODULE_VERSION
#    "<upstream>-nvmekv<version>": DKMS will not install a module whose
#    version equals the kernel's copy's, and the stock ones have none.
# 3. Build the patched nvmet stack, then nvmet-kv.ko and nvme-kv.ko against
#    its Module.symvers, with the patched include/linux/nvme.h ahead of the
#    kernel's (NOSTDINC_FLAGS comes first on the compiler's command line).
#
# Nothing is downloaded; it needs only the tarball and the kernel headers.
set -eu

kver=$1
kdir=$2
jobs=${3:-1}
pkgver=${4:-0}
here=$(pwd)
ksrc=$here/ksrc

# 6.12.118+deb12-amd64 -> 6.12 and 6.12.118
mm=$(echo "$kver" | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p')
upstream=$(echo "$kver" | sed -n 's/^\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
tarball=/usr/src/linux-source-$mm.tar.xz
top=linux-source-$mm
if [ -z "$mm" ] || [ ! -f "$tarball" ]; then
	echo "nvme-kv: $tarball is missing; install linux-source-$mm" >&2
	exit 1
fi

# the headers the series changes, besides drivers/nvme/
hdrs=$(sed -n 's|^+++ b/\(include/.*\)|\1|p' target/patches/0*.patch | sort -u)
rm -rf "$ksrc"
mkdir -p "$ksrc"
members="$top/Makefile $top/drivers/nvme"
for h in $hdrs; do
	members="$members $top/$h"
done
# shellcheck disable=SC2086 # members is a list of tar members
tar -xJf "$tarball" -C "$ksrc" --strip-components=1 $members

src_ver=$(sed -n -e 's/^VERSION = //p' -e 's/^PATCHLEVEL = //p' \
	-e 's/^SUBLEVEL = //p' "$ksrc/Makefile" | paste -sd.)
if [ "$src_ver" != "$upstream" ]; then
	echo "nvme-kv: $tarball is Linux $src_ver, kernel $kver is $upstream;" \
		"nvmet must be built from its kernel's source" >&2
	exit 1
fi

for p in target/patches/0*.patch; do
	case $p in */0000-*) continue ;; esac
	patch -d "$ksrc" -p1 -s --no-backup-if-mismatch --forward < "$p" || {
		echo "nvme-kv: $p does not apply to $tarball" >&2
		exit 1
	}
done

# MODULE_VERSION at the end of the file that holds each module's
# MODULE_LICENSE (its main file), so the line lands in that module only
modver="$upstream-nvmekv$pkgver"
for f in core loop tcp rdma fc fcloop; do
	src=$ksrc/drivers/nvme/target/$f.c
	grep -q '^MODULE_LICENSE' "$src" || {
		echo "nvme-kv: $src has no MODULE_LICENSE line" >&2
		exit 1
	}
	printf 'MODULE_VERSION("%s");\n' "$modver" >> "$src"
done

nostdinc="-nostdinc -I$ksrc/include"
make -C "$kdir" M="$ksrc/drivers/nvme/target" -j"$jobs" \
	NOSTDINC_FLAGS="$nostdinc" modules
for dir in target host; do
	make -C "$kdir" M="$here/$dir" -j"$jobs" NVME_KV_KSRC="$ksrc" \
		NOSTDINC_FLAGS="$nostdinc" \
		KBUILD_EXTRA_SYMBOLS="$ksrc/drivers/nvme/target/Module.symvers" \
		modules
done
