#!/bin/sh
# Build the guest's initramfs (build/guest/initramfs.cpio): busybox, kmod's
# modprobe with a module tree (modules.dep/alias) holding the stock modules
# the tests need plus the patched nvmet stack and nvme-kv's modules, nvme-cli,
# (with nvme-kv's plugin) fio, jq, udev, the nvme-kv tools and the selftests.
#
#   qemu/mkinitramfs.sh <kernel-release>
#
# For the debug kernel (make debug-guest): GUEST_OUT is the output directory
# (default build/guest), GUEST_MODROOT the root its kernel's modules were
# installed under (default /), GUEST_BUILD where the patched nvmet stack and
# nvme-kv's modules were built for it (ksrc/ and mod/; default build).
set -eu

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=${GUEST_OUT:-$top/build/guest}
modroot=${GUEST_MODROOT:-}
built=${GUEST_BUILD:-$top/build}
root=$out/root
moddir=$root/lib/modules/$kver
stock=$modroot/usr/lib/modules/$kver
[ -d "$stock" ] || stock=$modroot/lib/modules/$kver

rm -rf "$root"
mkdir -p "$root" "$out"
for d in bin sbin usr/bin usr/sbin etc/nvme proc sys dev tmp run root \
	 lib64 lib/x86_64-linux-gnu; do
	mkdir -p "$root/$d"
done
mkdir -p "$moddir/kernel" "$moddir/updates"

# copy_bin <binary> <path in guest>: the binary and the shared libraries
# ldd names for it.
copy_bin() {
	cp "$1" "$root$2"
	ldd "$1" 2>/dev/null | awk '/=>/ { print $3 } /^\t\// { print $1 }' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

cp /bin/busybox "$root/bin/busybox"
copy_bin /usr/bin/kmod /sbin/kmod
for t in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -s kmod "$root/sbin/$t"
done
# nvme-cli as scripts/nvme-cli.sh built it, with the kv plugin
copy_bin "$top/build/nvme-cli/nvme" /usr/sbin/nvme
copy_bin /usr/bin/fio /usr/bin/fio
mkdir -p "$root/usr/lib/fio"
# with what it links (liburing)
copy_bin "$top/build/fio/libfio-nvmekv.so" /usr/lib/fio/libfio-nvmekv.so
copy_bin /usr/bin/jq /usr/bin/jq
# iproute2's ip (veth pairs; busybox's sh would run its own ip applet for
# "ip") and rdma (soft-RoCE links), for the nvme-rdma tests
copy_bin /usr/bin/ip /usr/sbin/iproute2-ip
copy_bin /usr/bin/rdma /usr/sbin/rdma
# udev, to test the shipped rule (userspace/udev/60-nvme-kv.rules)
mkdir -p "$root/lib/systemd" "$root/etc/udev/rules.d"
copy_bin /lib/systemd/systemd-udevd /lib/systemd/systemd-udevd
copy_bin /usr/bin/udevadm /usr/bin/udevadm
cp "$top/userspace/udev/60-nvme-kv.rules" "$root/etc/udev/rules.d/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
	> "$root/etc/passwd"
printf 'root:x:0:\ndisk:x:6:\nnogroup:x:65534:\n' > "$root/etc/group"
cp "$top/build/bin/nvme-kv" "$top/build/bin/kv_ioctl_test" \
	"$top/build/bin/kv_target_test" "$top/build/bin/kv_workload" \
	"$top/build/bin/kv_xfer_test" "$top/build/bin/kv_xfer_bench" \
	"$top/build/bin/lin_client" "$top/build/bin/lincheck" \
	"$top/build/bin/nvmekv-ycsb" "$top/build/bin/kv_cache_keys" \
	"$top/build/bin/kv_forge_sb" "$top/build/bin/kv_damage_rec" \
	"$top/build/bin/kv_hostile" "$top/build/bin/kv_mark" "$top/build/bin/kv_ctl" \
	"$top/build/bin/kv_kmsg_wait" "$top/build/bin/kv_uring_test" \
	"$top/userspace/nvmet-config/nvmet-kv-config" \
	"$root/usr/bin/"

# Stock modules the tests use, with everything they depend on.  The nvmet
# stack (nvmet, nvme-loop, nvmet-tcp, nvmet-rdma) comes along only for its
# dependencies: the patched build replaces it below.
stock_mods="configfs brd null_blk nvme-core nvme-fabrics nvme-tcp nvme-rdma
nvmet nvme-loop nvmet-tcp nvmet-rdma rdma_rxe crc32_generic veth libcrc32c
crc32c_generic virtio_blk virtio_pci nvme virtio_net"
for m in $stock_mods; do
	modprobe -d "${modroot:-/}" -S "$kver" --show-depends "$m" 2>/dev/null |
		awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r f; do
	# modprobe names /lib/modules or /usr/lib/modules (merged /usr)
	rel=${f#"$stock"/}
	rel=${rel#"$modroot"}
	rel=${rel#/lib/modules/"$kver"/}
	mkdir -p "$moddir/$(dirname "$rel")"
	cp "$f" "$moddir/$rel"
done
# decompressed here, once, instead of by every modprobe in the guest
find "$moddir/kernel" -name '*.ko.xz' -exec xz -d {} +
rm -f "$moddir"/kernel/drivers/nvme/target/*.ko
for f in "$built"/ksrc/drivers/nvme/target/*.ko \
	 "$built"/mod/host/nvme-kv.ko "$built"/mod/target/nvmet-kv.ko \
	 "$built"/mod/selftests/kv/api/nvme-kv-api-test.ko \
	 "$built"/mod/selftests/kv/peer/nvme-kv-peer-test.ko \
	 "$built"/mod/selftests/kv/cost/nvme-kv-cost-test.ko; do
	cp "$f" "$moddir/updates/"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	cp "$stock/$f" "$moddir/"
done
depmod -b "$root" "$kver"

# Selftests and the init script
cp -r "$top/selftests" "$root/selftests"
rm -rf "$root/selftests/unit"
cp "$top/qemu/init" "$root/init"
chmod +x "$root/init"
echo "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-00000000cafe" \
	> "$root/etc/nvme/hostnqn"
echo "00000000-0000-4000-8000-00000000cafe" > "$root/etc/nvme/hostid"

# Uncompressed: unpacking is faster than decompressing under TCG.
(cd "$root" && find . | cpio -o -H newc --quiet) > "$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
echo "guest: initramfs $(du -h "$out/initramfs.cpio" | cut -f1) for $kver"
