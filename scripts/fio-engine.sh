#!/bin/sh
# Build the fio external ioengine (userspace/fio/nvmekv-fio.c) into
# build/fio/libfio-nvmekv.so against the source of the fio version this
# machine packages (an external engine must match fio's ioengine_ops
# version): apt-get source fio, ./configure for config-host.h, then one
# compiler call.  Redone only when an input changed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/fio
src=$out/src
so=$out/libfio-nvmekv.so
stamp=$out/.stamp
want=$( (cat "$0" "$top/userspace/fio/nvmekv-fio.c" \
	"$top"/userspace/libnvmekv/nvmekv.[ch] \
	"$top/userspace/libnvmekv/nvmekv_queue.c" "$top/uapi/linux/nvme_kv.h";
	dpkg-query -W -f='${Version}' fio) | cksum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$so" ]; then
	exit 0
fi

"$top/scripts/debsrc.sh"
rm -rf "$src"
mkdir -p "$src"
(cd "$src" && apt-get source -qq fio > /dev/null 2>&1) || {
	echo "fio-engine: apt-get source fio failed" >&2
	exit 1
}
tree=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'fio-*' | head -n 1)
[ -n "$tree" ] || { echo "fio-engine: no source tree under $src" >&2; exit 1; }
(cd "$tree" && ./configure --disable-native > "$out/configure.log" 2>&1) || {
	tail -n 20 "$out/configure.log" >&2
	exit 1
}
cc -O2 -g -Wall -D_GNU_SOURCE -include "$tree/config-host.h" -I"$tree" \
	-I"$top/uapi" -I"$top/userspace/libnvmekv" -shared -fPIC -rdynamic \
	-o "$so" "$top/userspace/fio/nvmekv-fio.c" \
	"$top/userspace/libnvmekv/nvmekv.c" \
	"$top/userspace/libnvmekv/nvmekv_queue.c" -luring
echo "$want" > "$stamp"
echo "fio-engine: built $so for fio $(dpkg-query -W -f='${Version}' fio)"
