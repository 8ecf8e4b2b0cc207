#!/usr/bin/env bash
# webhooks_fanout.sh — one posting change fanned out to 1,000 subscriber
# webhook endpoints served by nginx (return 204, worker_processes 1):
# deliveries per second and the latency from the change's commit to each
# 2xx, p50 / p99 / max, per round (a warm-up round first).
#
# Not run by meson test.  Usage, from anywhere in the tree:
#   bash tests/bench/webhooks_fanout.sh [--subscribers N] [--rounds N]
#       [--max-in-flight N] [--concurrency N] [--via api|poll]
# (--max-in-flight: webhook_max_in_flight, by default the daemon's 64.)
# Installs nginx with apt-get when missing (as root, or through sudo), and
# builds a release build in build-bench/ (no sanitizers; another directory
# with TSUNAGU_BENCH_BUILD).  Everything listens on 127.0.0.1 only; every
# process it starts is stopped at the end, by its pid.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${TSUNAGU_BENCH_BUILD:-$root/build-bench}"

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "installing: nginx" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	    --no-install-recommends nginx >&2
fi

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" --buildtype=release -Db_sanitize=none \
	    -Dtests=disabled >&2
fi
ninja -C "$build" daemon/tsunagud >&2

exec /usr/bin/python3 "$root/tests/bench/webhooks_fanout.py" \
    --tsunagud "$build/daemon/tsunagud" "$@"
