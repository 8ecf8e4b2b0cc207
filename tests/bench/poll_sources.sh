#!/usr/bin/env bash
# poll_sources.sh — a release tsunagud polling 10,000 sources (nginx
# serves one small RSS file each), first for real (200, one posting each),
# then, after a restart with every source due, through conditional GET
# (all 304): wall time, CPU time and memory of each cycle.
#
# Not run by meson test.  Usage, from anywhere in the tree:
#   bash tests/bench/poll_sources.sh [--sources N] [--fetches N]
# Installs nginx with apt-get when missing (as root, or through sudo), and
# builds tsunagud in a release build ($TSUNAGU_BENCH_BUILD, default
# build-bench/: -O3, no sanitizers).  127.0.0.1 only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${TSUNAGU_BENCH_BUILD:-$root/build-bench}"

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	    --no-install-recommends nginx >&2
fi
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" --buildtype=release -Db_sanitize=none \
	    -Dtests=disabled >&2
fi
ninja -C "$build" daemon/tsunagud >&2
PATH="$PATH:/usr/sbin" exec /usr/bin/python3 \
    "$root/tests/bench/poll_sources.py" --tsunagud "$build/daemon/tsunagud" \
    "$@"
