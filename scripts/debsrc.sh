#!/bin/sh
# Make "apt-get source" work: add a deb-src entry mirroring the Debian
# archive the machine already uses when none is configured, and install
# dpkg-dev, which unpacks source packages.  Idempotent; needs root only
# when it has something to change.
set -eu

need_root() {
	[ "$(id -u)" = 0 ] || { echo "debsrc: need root to $1" >&2; exit 1; }
}

export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs -e '^Types:.*deb-src' -e '^deb-src ' /etc/apt/sources.list \
	/etc/apt/sources.list.d/; then
	need_root "add a deb-src entry"
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
			> /etc/apt/sources.list.d/nvme-kv-src.sources
	else
		grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
			> /etc/apt/sources.list.d/nvme-kv-src.list
	fi
	echo "debsrc: added a deb-src entry"
	apt-get update -qq
fi
if ! dpkg-query -W -f='${Status}' dpkg-dev 2>/dev/null | grep -q " installed$"; then
	need_root "install dpkg-dev"
	apt-get install -y -qq --no-install-recommends dpkg-dev > /dev/null
fi
