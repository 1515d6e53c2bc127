#!/bin/sh
# Install the Debian packages the build, the tests and the demo need, only
# those missing.  Idempotent, quiet and non-interactive.
set -eu

pkgs="linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
qemu-system-x86 busybox-static nvme-cli fio cpio kmod xz-utils patch
make gcc libc6-dev iproute2 clang libclang-rt-14-dev jq udev
bc bison flex libelf-dev libssl-dev libjson-c-dev liburing-dev"

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$(id -u)" != 0 ]; then
		echo "deps: need root to install$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# linux-source-6.12 is not a dependency of the image, so the archive can
# offer a newer one than the newest image (seen: source 6.12.118 while
# linux-image-6.12-amd64 still named 6.12.117).  The archive keeps the
# older source versions: take the one that matches the installed image.
img=$(dpkg-query -W -f='${Version}' linux-image-6.12-amd64 2>/dev/null || true)
src=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
if [ -n "$img" ] && [ "$img" != "$src" ]; then
	echo "deps: linux-source-6.12 $src does not match the image $img; installing $img"
	if [ "$(id -u)" != 0 ]; then
		echo "deps: need root to install linux-source-6.12=$img" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends --allow-downgrades \
		"linux-source-6.12=$img" >/dev/null
fi
# fail here, with the versions named, if image, headers and source disagree
"$(dirname "$0")/kver.sh" >/dev/null
