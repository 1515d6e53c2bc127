#!/bin/sh
# make check-install: install the Debian packages (make deb) in a booted
# Debian 12 system and use them as an administrator would, across a reboot.
#
#   scripts/install-test.sh <kernel-release>
#
# The guest's root is a Debian 12 system made by debootstrap from Debian's
# archive (INSTALL_MIRROR, default http://deb.debian.org/debian, and
# INSTALL_SECURITY_MIRROR for bookworm-security, where the 6.12 kernel is):
# systemd, udev, apt, dkms, nvme-cli, and the kernel <kernel-release> with
# its headers and linux-source-6.12.  It is kept in build/install/base and
# made again only when the package list below changes.  Each run copies it,
# adds the packages and qemu/install-test/ (run by a systemd unit at each
# boot), and boots it from a disk image with a second disk for a KV
# namespace's store.  The guest reboots itself once; its TAP lines are
# build/install/install.out, its console build/install/install.console.
# INSTALL_TIMEOUT bounds the guest (default 5400 s).
set -eu

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/install
base=$out/base
root=$out/root
mirror=${INSTALL_MIRROR:-http://deb.debian.org/debian}
security=${INSTALL_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
mm=$(echo "$kver" | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p')

[ "$(id -u)" = 0 ] || { echo "install-test: need root (debootstrap, chroot)" >&2; exit 1; }
ls "$top"/build/deb/nvme-kv-dkms_*_all.deb "$top"/build/deb/nvme-kv-tools_*.deb \
	"$top"/build/deb/libnvmekv1_*.deb \
	"$top"/build/deb-nvme-cli/nvme-cli_*+nvmekv1_*.deb > /dev/null || {
	echo "install-test: run make deb and make deb-nvme-cli first" >&2
	exit 1
}

# debootstrap's minbase, then from bookworm and bookworm-security what an
# administrator installs: the kernel (its postinst makes the initramfs the
# guest boots), its headers and source for DKMS, nvme-cli
boot_pkgs="systemd-sysv,udev,kmod,iproute2,procps"
apt_pkgs="linux-image-$kver linux-headers-$kver linux-source-$mm dkms nvme-cli fio jq xz-utils patch initramfs-tools e2fsprogs"
want="$boot_pkgs $apt_pkgs"

chroot_mounts() {
	mount -t proc proc "$1/proc"
	mount -t sysfs sysfs "$1/sys"
	mount --bind /dev "$1/dev"
}
chroot_umounts() {
	for m in dev sys proc; do
		umount "$1/$m" 2> /dev/null || true
	done
}

mkdir -p "$out"
if [ ! -f "$base/.packages" ] || [ "$(cat "$base/.packages")" != "$want" ]; then
	"$top/scripts/need.sh" install-test debootstrap e2fsprogs
	rm -rf "$base"
	echo "install-test: debootstrap bookworm, then $apt_pkgs"
	log=$out/debootstrap.log
	debootstrap --variant=minbase --include="$boot_pkgs" bookworm "$base" \
		"$mirror" > "$log" 2>&1 || {
		echo "install-test: debootstrap failed; tail of $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	}
	cat > "$base/etc/apt/sources.list" <<-SOURCES
	deb $mirror bookworm main
	deb $mirror bookworm-updates main
	deb $security bookworm-security main
	SOURCES
	trap 'chroot_umounts "$base"' EXIT
	chroot_mounts "$base"
	# shellcheck disable=SC2086 # apt_pkgs is a list
	{ chroot "$base" apt-get update -qq &&
	  DEBIAN_FRONTEND=noninteractive chroot "$base" apt-get install -y -qq \
		--no-install-recommends $apt_pkgs; } >> "$log" 2>&1 || {
		echo "install-test: apt-get in the new root failed; tail of $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	}
	chroot "$base" apt-get clean
	chroot_umounts "$base"
	trap - EXIT
	[ -f "$base/boot/initrd.img-$kver" ] || {
		echo "install-test: the kernel's postinst made no initramfs" >&2
		exit 1
	}
	echo "$want" > "$base/.packages"
fi

rm -rf "$root"
cp -a "$base" "$root"
rm -f "$root/.packages"
echo nvmekv-guest > "$root/etc/hostname"
echo "/dev/vda / ext4 defaults 0 1" > "$root/etc/fstab"
# a machine id of its own: with none, systemd-firstboot would ask on the
# console for a locale, a time zone and a root password
tr -d '-' < /proc/sys/kernel/random/uuid > "$root/etc/machine-id"
# no login on the console is needed; the test's unit runs at each boot
mkdir -p "$root/root/debs" "$root/etc/systemd/system/multi-user.target.wants"
cp "$top"/build/deb/*.deb "$top"/build/deb-nvme-cli/nvme-cli_*+nvmekv1_*.deb \
	"$root/root/debs/"
rm -f "$root"/root/debs/*-dbgsym_*.deb
cp -r "$top/qemu/install-test" "$root/root/install-test"
cp "$top/qemu/install-test/nvmekv-install-test.service" "$root/etc/systemd/system/"
ln -sf ../nvmekv-install-test.service \
	"$root/etc/systemd/system/multi-user.target.wants/nvmekv-install-test.service"

img=$out/root.img
rm -f "$img" "$out/kv.img"
truncate -s 6G "$img"
mkfs.ext4 -q -F -L nvmekv-root -d "$root" "$img"
# the KV namespace's store
truncate -s 256M "$out/kv.img"
cp "$root/boot/vmlinuz-$kver" "$root/boot/initrd.img-$kver" "$out/"
rm -rf "$root"

: > "$out/install.out"
start=$(date +%s)
status=0
timeout "${INSTALL_TIMEOUT:-5400}" qemu-system-x86_64 -accel tcg,thread=multi \
	-cpu max -m 3072 -smp 2 -nodefaults -display none -nic none \
	-serial "file:$out/install.console" -serial "file:$out/install.out" \
	-kernel "$out/vmlinuz-$kver" -initrd "$out/initrd.img-$kver" \
	-append "root=/dev/vda rw console=ttyS0 panic=-1 systemd.show_status=0" \
	-drive "file=$img,if=virtio,format=raw" \
	-drive "file=$out/kv.img,if=virtio,format=raw" || status=$?
echo "# install test guest took $(( $(date +%s) - start ))s (console: build/install/install.console)"
# the guest's serial port ends its lines with CR LF
tr -d '\r' < "$out/install.out" > "$out/install.tap"
cat "$out/install.tap"
pass=$(grep -c '^ok ' "$out/install.tap" || true)
fail=$(grep -c '^not ok ' "$out/install.tap" || true)
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out/install.tap")
if [ "${planned:-0}" = 0 ] || [ "$planned" != $((pass + fail)) ]; then
	echo "not ok - install test: planned ${planned:-no} results, saw $((pass + fail)) (the guest did not finish)"
	fail=$((fail + 1))
fi
if [ $status != 0 ]; then
	echo "not ok - install test: qemu exited $status; tail of the console:"
	tail -n 30 "$out/install.console" | sed 's/^/# /'
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
