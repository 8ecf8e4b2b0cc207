#!/usr/bin/env bash
# Installs what tsunagu needs to build, run and test on Debian 12.
# Usage: scripts/install-deps.sh [--test]   (--test adds the test tools)
set -euo pipefail

packages=(
	meson ninja-build pkg-config gcc scdoc
	libevent-dev libcurl4-openssl-dev libxml2-dev libsqlite3-dev
	zlib1g-dev libjansson-dev libutf8proc-dev libcsv-dev libssl-dev
	python3
)
if [ "${1:-}" = "--test" ]; then
	packages+=(libcmocka-dev python3-feedparser clang libclang-rt-14-dev
		python3-jsonschema)
	# tests/interop: RELAX NG validation and an iCalendar reader
	packages+=(jing python3-icalendar)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
