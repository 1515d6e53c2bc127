#!/bin/sh
# blktests' nvme group against Debian's nvmet stack and against the same
# stack built with the project's series (target/patches), on loop and on
# tcp, in a guest with the user space blktests needs (make blktests).
#
#   scripts/blktests.sh <kernel-release> <blktests-dir>
#
# <blktests-dir> is a checkout of the public blktests repository
# (https://github.com/linux-blktests/blktests); nothing of it is kept in
# this repository.  The guest's root is a Debian 12 minbase made by
# debootstrap (BLKTESTS_MIRROR, default http://deb.debian.org/debian; kept
# in build/blktests/base and made again only when the package list below
# changes) with the kernel's whole stock module tree, the patched nvmet
# modules under /opt/nvmet-patched, blktests (its src/ helpers built here)
# and qemu/blktests-init.  Two guests boot from it, one per module set, side
# by side (BLKTESTS_SERIAL=1: one after the other).  Their output is
# build/blktests/blktests-{stock,patched}.out, the side-by-side table
# build/blktests/table.md.  The exit status is non-zero when a test that
# passed on stock did not pass patched, or a guest did not finish.
#
# BLKTESTS_IMG_SIZE (default 512M) is blktests' NVME_IMG_SIZE, the size of
# the file and loop device each test exports (mkfs.xfs wants 300M at
# least); QEMU_TIMEOUT bounds each guest (default 7200 s); BLKTESTS_TESTS
# (comma-separated, e.g. nvme/058) runs only those tests of the group;
# BLKTESTS_SETS=patched (or stock) boots only that guest, and the table
# then compares with the other set's output left from an earlier run.
set -eu

kver=$1
src=$2
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/blktests
base=$out/base
root=$out/root
mirror=${BLKTESTS_MIRROR:-http://deb.debian.org/debian}
img_size=${BLKTESTS_IMG_SIZE:-512M}

[ -x "$src/check" ] && [ -d "$src/tests/nvme" ] || {
	echo "blktests: $src is not a blktests checkout (no check, tests/nvme)" >&2
	exit 2
}
[ "$(id -u)" = 0 ] || { echo "blktests: need root (debootstrap, modules)" >&2; exit 1; }
stock=/usr/lib/modules/$kver
[ -d "$stock" ] || { echo "blktests: no module tree $stock" >&2; exit 1; }
patched=$top/build/ksrc/drivers/nvme/target
ls "$patched"/nvmet.ko > /dev/null || exit 1

# What blktests' nvme group asks for (_have_program, _have_fio, _have_xfs,
# _have_loop, nvme-cli with JSON) and what its helpers call.
# udev: check wants udevadm (settle), and the guest runs udevd as a
# Debian system does; liburing2: blktests' io_uring passthrough helper.
# bsdextrautils: column, which check formats its results with.
pkgs="bash,util-linux,xfsprogs,kmod,nvme-cli,fio,blktrace,e2fsprogs,iproute2,procps,jq,gawk,python3,ethtool,expect,file,psmisc,keyutils,udev,liburing2,bsdextrautils,dmsetup"
mkdir -p "$out"
if [ ! -f "$base/.packages" ] || [ "$(cat "$base/.packages")" != "$pkgs" ]; then
	"$top/scripts/need.sh" blktests debootstrap
	rm -rf "$base"
	echo "blktests: debootstrap bookworm ($pkgs)"
	debootstrap --variant=minbase --include="$pkgs" bookworm "$base" \
		"$mirror" > "$out/debootstrap.log" 2>&1 || {
		echo "blktests: debootstrap failed; tail of $out/debootstrap.log:" >&2
		tail -n 20 "$out/debootstrap.log" >&2
		exit 1
	}
	echo "$pkgs" > "$base/.packages"
fi

rm -rf "$root"
cp -a "$base" "$root"
rm -rf "$root"/usr/share/doc "$root"/usr/share/man "$root"/usr/share/info \
	"$root"/usr/share/locale "$root"/var/cache/apt/archives/*.deb \
	"$root"/var/lib/apt/lists/*
# bookworm's root is merged /usr: /lib is a link to usr/lib
mkdir -p "$root/usr/lib/modules" "$root/boot" "$root/opt/nvmet-patched"
cp -a "$stock" "$root/usr/lib/modules/"
# blktests' _have_kernel_option reads /boot/config-$(uname -r)
cp "/boot/config-$kver" "$root/boot/"
cp "$patched"/*.ko "$root/opt/nvmet-patched/"

# blktests, with its src/ helpers built against this machine's (Debian
# 12's) libc and liburing; a helper that does not build here leaves its
# tests skipped on both module sets alike
"$top/scripts/need.sh" blktests liburing-dev
cp -a "$src" "$root/opt/blktests"
rm -rf "$root/opt/blktests/.git"
git -C "$src" describe --always --dirty 2> /dev/null > "$root/opt/blktests/.commit" ||
	echo unknown > "$root/opt/blktests/.commit"
make -s -C "$root/opt/blktests" -k > "$out/blktests-build.log" 2>&1 ||
	echo "blktests: some src/ helpers did not build (see $out/blktests-build.log)"
cat > "$root/opt/blktests-config" <<EOF
NVME_IMG_SIZE=$img_size
EOF
cp "$top/qemu/blktests-init" "$root/init"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet) > "$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
echo "blktests: initramfs $(du -h "$out/initramfs.cpio" | cut -f1) for $kver"

guest() {
	QEMU_APPEND="${BLKTESTS_TESTS:+nvmekv.blktests=$BLKTESTS_TESTS}" \
		GUEST_OUT=$out QEMU_MEM=${QEMU_MEM:-5120} \
		QEMU_TIMEOUT=${QEMU_TIMEOUT:-7200} \
		"$top/qemu/run.sh" "$kver" "blktests-$1"
}
status=0
sets=${BLKTESTS_SETS:-stock patched}
if [ "${BLKTESTS_SERIAL:-0}" = 1 ]; then
	for set in $sets; do
		guest "$set" || status=1
	done
else
	pids=""
	for set in $sets; do
		guest "$set" &
		pids="$pids $!"
	done
	for pid in $pids; do
		wait "$pid" || status=1
	done
fi
awk -f "$top/scripts/blktests-table.awk" \
	"$out/blktests-stock.out" "$out/blktests-patched.out" \
	> "$out/table.md" || status=1
cat "$out/table.md"
exit $status
