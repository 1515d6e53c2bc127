#!/bin/sh
# Boot the guest kernel with build/guest/initramfs.cpio and run one mode.
#
#   qemu/run.sh <kernel-release> check|demo|shell
#
# The guest writes its results to a second serial port, saved as
# build/guest/<mode>.out; the whole console goes to build/guest/<mode>.console.
# TCG by default; QEMU_ACCEL=kvm where KVM works.  QEMU_TIMEOUT (seconds)
# bounds the run.  QEMU_DISK names a raw image the guest sees as a virtio
# disk (/dev/vda, write cache on and honoured: flushes reach the image);
# QEMU_APPEND adds to the kernel command line; QEMU_SMP sets the vCPUs
# (default 2) and QEMU_PLUGIN loads a TCG plugin ("path,arg=value").  QEMU_KERNEL and GUEST_OUT
# (default /boot/vmlinuz-<release> and build/guest) name another kernel and
# the directory of its initramfs and output (make check-debug).  When the
# guest does not finish cleanly, the tail of its console is printed and the
# exit status is non-zero.
set -eu

kver=$1
mode=$2
top=$(cd "$(dirname "$0")/.." && pwd)
out=${GUEST_OUT:-$top/build/guest}
kernel=${QEMU_KERNEL:-/boot/vmlinuz-$kver}
accel=${QEMU_ACCEL:-tcg}
timeout=${QEMU_TIMEOUT:-900}
mem=${QEMU_MEM:-2048}
smp=${QEMU_SMP:-2}
plugin=${QEMU_PLUGIN:+-plugin $QEMU_PLUGIN}

case "$accel" in
tcg)	accel_opt="-accel tcg,thread=multi -cpu max" ;;
kvm)	accel_opt="-accel kvm -cpu host" ;;
*)	echo "run: QEMU_ACCEL must be tcg or kvm" >&2; exit 2 ;;
esac

console=$out/$mode.console
result=$out/$mode.out
rm -f "$console" "$result"

if [ "$mode" = shell ]; then
	serial="-serial mon:stdio -serial file:$result"
else
	serial="-serial file:$console -serial file:$result"
fi

disk=""
if [ -n "${QEMU_DISK:-}" ]; then
	disk="-drive file=$QEMU_DISK,format=raw,if=none,id=kvdisk,cache=writeback"
	disk="$disk -device virtio-blk-pci,drive=kvdisk,write-cache=on"
fi

# A kernel that dies before user space starts (no "init: starting" on the
# console) is booted once more: under TCG the guest kernel's own boot has
# been seen to oops on an int3 while it patched its text with another vCPU
# running (sched_clock_cpu, "sched_clock: Marking stable").  Nothing of
# nvme-kv runs that early (init loads every module); the first console is
# kept as <mode>.console.boot1 and its tail printed.  Only a QEMU that
# exited by itself (status 0: the panic ends it) is booted again, not one
# that timed out or that the caller killed (scripts/crash.sh kills a guest
# that hangs in boot, and retries on its own).
boot() {
	status=0
	# shellcheck disable=SC2086
	timeout --foreground "$timeout" qemu-system-x86_64 \
		$accel_opt -m "$mem" -smp "$smp" -nodefaults -no-reboot \
		-display none $serial $disk $plugin \
		-kernel "$kernel" -initrd "$out/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 oops=panic softlockup_panic=1 nvmekv.mode=$mode ${QEMU_APPEND:-}" \
		|| status=$?
}
boot
if [ "$mode" != shell ] && [ "$status" = 0 ] &&
   ! grep -q "init: starting $mode" "$console"; then
	mv "$console" "$console.boot1"
	echo "run: the guest kernel died before init started (qemu status $status); booting once more; console tail ($console.boot1):" >&2
	tail -n 12 "$console.boot1" >&2
	rm -f "$result"
	boot
fi

if [ "$mode" != shell ] && ! grep -q "init: $mode finished" "$console"; then
	[ $status = 124 ] && echo "run: guest timed out after ${timeout}s" >&2
	echo "run: guest did not finish '$mode' (qemu status $status); console tail ($console):" >&2
	tail -n 40 "$console" >&2
	exit 1
fi
exit $status
