#!/bin/sh
# Debian's python3 and matplotlib (/usr/bin/python3, whatever else is on
# PATH) for the benchmarks' JSON and plots: installs what is missing.
#
#   scripts/pydeps.sh <name of the benchmark, for the message>
set -eu
missing=""
for p in python3 python3-matplotlib; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q " installed$" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "$1: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing > /dev/null
fi
