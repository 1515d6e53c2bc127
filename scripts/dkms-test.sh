#!/bin/sh
# Build the nvme-kv-dkms package's modules with DKMS for one kernel, in
# DKMS source and build trees of their own under build/dkms/, so the
# machine's /usr/src, /var/lib/dkms and /lib/modules are left alone (dkms
# itself makes its module signing key, /var/lib/dkms/mok.key, if there is
# none, as on any first DKMS build).  Run after make deb:
#
#   scripts/dkms-test.sh <kernel-release>
#
# It checks that dkms builds every module dkms.conf declares, for that
# kernel (vermagic), that the nvmet it built carries the series (the
# registry of I/O command sets that nvmet-kv uses), and then that dkms
# installs them over the kernel's own nvmet stack: into a copy of the
# kernel's drivers/nvme under build/dkms/sys/lib/modules, where depmod
# and modinfo must then resolve every name to updates/dkms.
set -eu

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/dkms
deb=$(ls "$top"/build/deb/nvme-kv-dkms_*_all.deb)

"$top/scripts/need.sh" dkms dkms patch xz-utils binutils

rm -rf "$out"
mkdir -p "$out/root" "$out/tree"
dpkg-deb -x "$deb" "$out/root"
src=$(ls -d "$out"/root/usr/src/nvme-kv-*)
ver=${src##*/nvme-kv-}
trees="--sourcetree $out/root/usr/src --dkmstree $out/tree"

# shellcheck disable=SC2086 # trees is two options
dkms add -m nvme-kv -v "$ver" $trees
# shellcheck disable=SC2086
if ! dkms build -m nvme-kv -v "$ver" -k "$kver" $trees; then
	log=$out/tree/nvme-kv/$ver/build/make.log
	echo "dkms-test: dkms build failed; tail of $log:"
	tail -n 30 "$log" 2> /dev/null
	exit 1
fi
# shellcheck disable=SC2086
dkms status -m nvme-kv -v "$ver" -k "$kver" $trees | tee "$out/status.txt"
grep -q ': built' "$out/status.txt"

mods=$out/tree/nvme-kv/$ver/$kver/$(uname -m)/module
fail=0
for m in nvmet nvme-loop nvmet-tcp nvmet-rdma nvmet-fc nvme-fcloop nvmet-kv nvme-kv; do
	ko=$(find "$mods" -maxdepth 1 -name "$m.ko*" | head -n 1)
	if [ -z "$ko" ]; then
		echo "dkms-test: $m was not built"
		fail=1
		continue
	fi
	magic=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	if [ "$magic" != "$kver" ]; then
		echo "dkms-test: $m is for $magic, not $kver"
		fail=1
	fi
done
ko=$(ls "$mods"/nvmet.ko*)
case $ko in
*.xz) xz -dc "$ko" > "$out/nvmet.ko" ;;
*) cp "$ko" "$out/nvmet.ko" ;;
esac
if ! nm "$out/nvmet.ko" | grep -q ' __ksymtab_nvmet_register_iocs$'; then
	echo "dkms-test: the nvmet dkms built does not export nvmet_register_iocs (series not applied?)"
	fail=1
fi
for m in nvmet nvme-loop nvmet-tcp nvmet-rdma nvmet-fc nvme-fcloop; do
	v=$(modinfo -F version "$mods/$m.ko"* 2> /dev/null)
	case $v in
	*-nvmekv"$ver") ;;
	*)
		echo "dkms-test: $m has version '$v', not *-nvmekv$ver"
		fail=1
		;;
	esac
done
[ $fail = 0 ] || exit 1
echo "dkms-test: dkms built all 8 modules for $kver"

# dkms install into a module tree holding the kernel's own nvmet stack
sys=$out/sys
kmod=/lib/modules/$kver
[ -d "$kmod/kernel/drivers/nvme" ] || {
	echo "dkms-test: $kmod has no drivers/nvme (linux-image-$kver?)"
	exit 1
}
mkdir -p "$sys/lib/modules/$kver/kernel/drivers"
cp -a "$kmod/kernel/drivers/nvme" "$sys/lib/modules/$kver/kernel/drivers/"
cp -a "$kmod"/modules.order "$kmod"/modules.builtin* "$sys/lib/modules/$kver/"
# shellcheck disable=SC2086
dkms install -m nvme-kv -v "$ver" -k "$kver" $trees \
	--installtree "$sys/lib/modules" --no-depmod > "$out/install.txt" 2>&1 || {
	echo "dkms-test: dkms install failed:"
	tail -n 20 "$out/install.txt"
	exit 1
}
depmod -b "$sys" "$kver" 2> "$out/depmod.txt"
for m in nvmet nvme-loop nvmet-tcp nvmet-rdma nvmet-fc nvme-fcloop nvmet-kv nvme-kv; do
	path=$(modinfo -b "$sys" -k "$kver" -n "$m" 2> /dev/null)
	case $path in
	*/updates/dkms/*) ;;
	*)
		echo "dkms-test: after dkms install, $m resolves to '${path#"$sys"}'"
		fail=1
		;;
	esac
done
if [ $fail != 0 ]; then
	echo "dkms-test: dkms install said:"
	grep -iE 'will not replace|not newer|override' "$out/install.txt" | head
	exit 1
fi
echo "dkms-test: dkms installed all 8 over the kernel's, and they resolve to updates/dkms"
