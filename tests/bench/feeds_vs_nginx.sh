#!/usr/bin/env bash
# feeds_vs_nginx.sh — serve the same Atom bytes from tsunagud (its feed
# cache) and from nginx (a static file, worker_processes 1, the same gzip
# bytes through gzip_static), load both with wrk alternately in one run,
# and print requests/s and p99 latency for each and the ratio
# tsunagud / nginx, for a 100- and a 1,000-posting feed, plain and gzip.
#
# Not run by meson test.  Usage, from anywhere in the tree:
#   bash tests/bench/feeds_vs_nginx.sh [--duration S] [--rounds N]
#       [--connections C] [--threads T]
# Installs nginx and wrk with apt-get when missing (as root, or through
# sudo), and builds a release build in build-bench/ (-O3, no sanitizers).
# Everything listens on 127.0.0.1 only; every process it starts is
# stopped at the end, by its pid.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${TSUNAGU_BENCH_BUILD:-$root/build-bench}"

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "installing: ${need[*]}" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	    --no-install-recommends "${need[@]}" >&2
fi

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" --buildtype=release -Db_sanitize=none \
	    -Dtests=disabled >&2
fi
ninja -C "$build" daemon/tsunagud >&2

exec /usr/bin/python3 "$root/tests/bench/feeds_vs_nginx.py" \
    --tsunagud "$build/daemon/tsunagud" "$@"
