#!/usr/bin/env bash
# dedup_100k.sh — the cost of deduplication (issue 4): 100,000 records of
# synthetic events from four sources (each event at one to four of them,
# in each source's words) through store_record_fetch(), in fetches of
# 1,000; prints the time of every 10,000 records (flat when matching is
# near-linear), the total, peak memory (the process's RSS and SQLite's
# high-water mark), the database's size, and the pairwise precision and
# recall against the events the records were made from.
#
# Not run by meson test.  Usage, from anywhere in the tree:
#   bash tests/bench/dedup_100k.sh [RECORDS]
# Builds a release build in build-bench/ (-O3, no sanitizers) unless
# TSUNAGU_BENCH_BUILD names another; the database goes to a temporary
# directory, removed at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${TSUNAGU_BENCH_BUILD:-$root/build-bench}"
records="${1:-100000}"

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" --buildtype=release -Dtests=enabled \
	    >/dev/null
fi
# The other benchmarks set the build up without tests (run_all.sh runs
# them first): dedup_bench is a test tool.
if ! ninja -C "$build" -t targets all 2>/dev/null |
    grep -q '^tests/tools/dedup_bench:'; then
	meson configure "$build" -Dtests=enabled >/dev/null
fi
ninja -C "$build" tests/tools/dedup_bench >/dev/null

tmp="$(mktemp -d "${TMPDIR:-/tmp}/tsunagu-dedup-bench-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) CPUs, $(uname -m), $(grep -m1 'model name' \
    /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
"$build/tests/tools/dedup_bench" -n "$records" -d "$tmp"
