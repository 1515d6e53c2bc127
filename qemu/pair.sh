#!/bin/sh
# The two-guest topology: a target guest (the JBOF and its DPU: nvmet,
# nvmet-kv, PAIR_DRIVES emulated NVMe drives as its SSDs) and a host guest
# (nvme-kv), one vCPU each, each QEMU pinned to a core of its own with
# taskset, joined by a QEMU stream network over a unix socket: their
# traffic never leaves QEMU.  The host guest runs the suite nvmekv.pair=
# names (selftests/pair-host.sh) and drives the target over the command
# channel (kv_ctl); the target guest serves it (selftests/pair-target.sh)
# until the host is done.
#
#   qemu/pair.sh <kernel-release> <suite>
#
# Output under PAIR_OUT (default build/pair): host.out and target.out (each
# guest's second serial port), host.console and target.console, and with
# PAIR_PLUGIN=1 host.counts and target.counts, the instruction counter's
# windows (qemu/plugin/kvcount.c, build/plugin/libkvcount.so).
# PAIR_DRIVES (default 2) raw images of PAIR_DRIVE_MB MiB (default 256)
# are made afresh under PAIR_OUT for every run.  PAIR_TIMEOUT (seconds,
# default 900) bounds the run; PAIR_APPEND adds to both kernel command
# lines.  When either guest does not finish cleanly, the tails of both
# consoles are printed and the exit status is non-zero.
set -eu

kver=$1
suite=$2
top=$(cd "$(dirname "$0")/.." && pwd)
out=${PAIR_OUT:-$top/build/pair}
kernel=${QEMU_KERNEL:-/boot/vmlinuz-$kver}
initrd=${PAIR_INITRD:-$top/build/guest/initramfs.cpio}
timeout=${PAIR_TIMEOUT:-900}
drives=${PAIR_DRIVES:-2}
drive_mb=${PAIR_DRIVE_MB:-256}
mem=${PAIR_MEM:-1536}
sock=$out/link.sock

mkdir -p "$out"
rm -f "$sock" "$out"/host.* "$out"/target.* "$out"/drive*.img

# One core each where there are two; both share the one there is otherwise.
if [ "$(nproc)" -ge 2 ]; then
	pin_target="taskset -c 0"
	pin_host="taskset -c 1"
else
	pin_target=""
	pin_host=""
fi

# Under host load the guest's TSC calibration has been seen to go wrong and
# its clock to run about five times fast; TCG's TSC is the host's, so the
# host's frequency is the right one to give.
khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
clock=${khz:+tsc_early_khz=$khz}

plugin() {
	[ "${PAIR_PLUGIN:-0}" = 1 ] || return 0
	echo "-plugin $top/build/plugin/libkvcount.so,out=$out/$1.counts"
}

nvme_drives=""
i=0
while [ $i -lt "$drives" ]; do
	truncate -s "${drive_mb}M" "$out/drive$i.img"
	nvme_drives="$nvme_drives -drive file=$out/drive$i.img,format=raw,if=none,id=d$i,cache=writeback"
	nvme_drives="$nvme_drives -device nvme,serial=kvdrive$i,drive=d$i"
	i=$((i + 1))
done

cmdline="console=ttyS0 panic=-1 oops=panic softlockup_panic=1 $clock ${PAIR_APPEND:-}"

# guest <role> <pin> <netdev options> <devices>
guest() {
	# shellcheck disable=SC2086
	timeout --foreground "$timeout" $2 qemu-system-x86_64 \
		-accel tcg -cpu max -m "$mem" -smp 1 -nodefaults -no-reboot \
		-display none -serial "file:$out/$1.console" -serial "file:$out/$1.out" \
		-netdev "stream,id=link,$3" -device virtio-net-pci,netdev=link,mac=$5 \
		$4 $(plugin "$1") \
		-kernel "$kernel" -initrd "$initrd" \
		-append "$cmdline nvmekv.mode=pair-$1 nvmekv.pair=$suite"
}

guest target "$pin_target" "server=on,addr.type=unix,addr.path=$sock" \
	"$nvme_drives" 52:54:00:4b:56:01 &
tpid=$!
# QEMU 7.2's stream client does not retry: start it once the server listens
n=0
while [ ! -S "$sock" ]; do
	n=$((n + 1))
	if [ $n -gt 300 ] || ! kill -0 $tpid 2>/dev/null; then
		echo "pair: the target guest's QEMU did not open $sock" >&2
		kill $tpid 2>/dev/null
		exit 1
	fi
	sleep 0.1
done
hstatus=0
guest host "$pin_host" "server=off,addr.type=unix,addr.path=$sock" "" \
	52:54:00:4b:56:02 || hstatus=$?
# the host's suite ends the target's service; give it a little to power off
n=0
while kill -0 $tpid 2>/dev/null && [ $n -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
kill $tpid 2>/dev/null || true
tstatus=0
wait $tpid || tstatus=$?

bad=0
for role in host target; do
	if ! grep -q "init: pair-$role finished" "$out/$role.console" 2>/dev/null; then
		echo "pair: the $role guest did not finish '$suite' (qemu status $([ $role = host ] && echo $hstatus || echo $tstatus)); console tail ($out/$role.console):" >&2
		tail -n 30 "$out/$role.console" >&2 2>/dev/null
		bad=1
	fi
done
rm -f "$sock"
exit $bad
