#!/usr/bin/env bash
# store_1m.sh — filtered feed latency (p50/p99) and resident memory of a
# release tsunagud over 1,000,000 stored postings, with the feed cache
# off and on.
#
# The database is made once by store_fill (the store's own write path,
# dedup and search index included; about half an hour on two cores) and
# kept as $build/bench-1m.db for later runs (remove it, or its .done
# marker, to remake it).
#
# Not run by meson test.  Usage, from anywhere in the tree:
#   bash tests/bench/store_1m.sh [--postings N] [--duration S]
# Installs wrk with apt-get when missing (as root, or through sudo), and
# builds in a release build ($TSUNAGU_BENCH_BUILD, default build-bench/).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${TSUNAGU_BENCH_BUILD:-$root/build-bench}"
postings=1000000
sources=100
pass=()
while [ $# -gt 0 ]; do
	case "$1" in
	--postings) postings="$2"; shift 2 ;;
	--duration) pass+=(--duration "$2"); shift 2 ;;
	*) echo "usage: $0 [--postings N] [--duration S]" >&2; exit 2 ;;
	esac
done

if ! command -v wrk >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	    --no-install-recommends wrk >&2
fi
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" --buildtype=release -Db_sanitize=none \
	    -Dtests=disabled >&2
fi
ninja -C "$build" daemon/tsunagud daemon/libtsunagu-core.a \
    feeds/libtsunagu-feeds.a >&2
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -I"$root/feeds" -I"$root/daemon" \
    -I"$root/daemon/store" "$root/tests/bench/store_fill.c" \
    "$build/daemon/libtsunagu-core.a" "$build/feeds/libtsunagu-feeds.a" \
    $(pkg-config --libs libxml-2.0 jansson libcrypto libutf8proc sqlite3 \
    libevent_core libevent_extra libcurl zlib) -lcsv -o "$build/store_fill"

db="$build/bench-$((postings / 1000))k.db"
[ "$postings" -ne 1000000 ] || db="$build/bench-1m.db"
if [ ! -f "$db.done" ]; then
	echo "filling $db with $postings postings (once)" >&2
	rm -f "$db" "$db-wal" "$db-shm"
	"$build/store_fill" "$db" "$postings" "$sources" >&2
	touch "$db.done"
fi
exec /usr/bin/python3 "$root/tests/bench/store_1m.py" \
    --tsunagud "$build/daemon/tsunagud" --db "$db" --sources "$sources" \
    ${pass[@]+"${pass[@]}"}
