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
	# tests/e2e/test_hostile.py: which files the daemon opens
	packages+=(strace)
	# tests/e2e/test_store_faults.py: failing writes (libfiu's preload)
	packages+=(fiu-utils)
	# tests/browser: the /admin/ pages in Debian's Chromium (with a
	# Japanese font for the screenshots), driven from Node.js
	packages+=(chromium fonts-ipafont-gothic)
	command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "installing: ${missing[*]}" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# tests/browser: playwright-core, as package-lock.json pins it (it drives
# the Chromium above and downloads no browser).  Without it the browser
# test is skipped, not failed: say so loudly.
if [ "${1:-}" = "--test" ]; then
	browser="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
	if [ ! -f "$browser/node_modules/playwright-core/package.json" ] &&
	    ! (cd "$browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
	    npm ci --no-audit --no-fund --loglevel=error); then
		echo "warning: npm ci in tests/browser failed; the browser" \
		    "test will be skipped" >&2
	fi
fi
