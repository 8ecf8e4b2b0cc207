#!/usr/bin/env bash
# ingest_vs_peers.sh — tsunagu's ingest path (feed_parse + normalize_posting,
# release build) against sfeed (C) and python3-feedparser on the same
# corpus, side by side in one run: entries per second and the ratios.
#
# The corpus (make_ingest_corpus.py): the feedparser test suite's
# well-formed RSS/RDF items and Atom entries merged into two large feeds,
# and two generated feeds of Japanese volunteer postings, N entries each.
#
# Not run by meson test.  Usage, from anywhere in the tree:
#   bash tests/bench/ingest_vs_peers.sh [--entries N] [--rounds R]
# Installs sfeed and python3-feedparser with apt-get when missing (as
# root, or through sudo), and builds libtsunagu-feeds in a release build
# ($TSUNAGU_BENCH_BUILD, default build-bench/: -O3, no sanitizers).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${TSUNAGU_BENCH_BUILD:-$root/build-bench}"
shared="${TSUNAGU_SHARED_DATA:-$root/../shared/data}"
entries=5000
rounds=3
while [ $# -gt 0 ]; do
	case "$1" in
	--entries) entries="$2"; shift 2 ;;
	--rounds) rounds="$2"; shift 2 ;;
	*) echo "usage: $0 [--entries N] [--rounds R]" >&2; exit 2 ;;
	esac
done

need=()
command -v sfeed >/dev/null 2>&1 || need+=(sfeed)
/usr/bin/python3 -c 'import feedparser' 2>/dev/null ||
    need+=(python3-feedparser)
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
ninja -C "$build" feeds/libtsunagu-feeds.a >&2
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -I"$root/feeds" \
    "$root/tests/bench/ingest_bench.c" "$build/feeds/libtsunagu-feeds.a" \
    $(pkg-config --libs libxml-2.0 jansson libcrypto libutf8proc) -lcsv \
    -o "$build/ingest_bench"

work="$(mktemp -d /tmp/tsunagu-ingest-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$root/tests/bench/make_ingest_corpus.py" \
    "$shared/feedparser-tests" "$work" "$entries" >&2
echo "tsunagu $(git -C "$root" describe --always --dirty 2>/dev/null ||
    echo '?'), sfeed $(dpkg-query -W -f='${Version}' sfeed 2>/dev/null),"\
    "feedparser $(/usr/bin/python3 -c 'import feedparser;
print(feedparser.__version__)'), $(nproc) CPUs, load $(cut -d' ' -f1-3 \
    /proc/loadavg)"
/usr/bin/python3 "$root/tests/bench/ingest_vs_peers.py" \
    --bench "$build/ingest_bench" --rounds "$rounds" \
    ${TSUNAGU_BENCH_JSON:+--json "$TSUNAGU_BENCH_JSON"} \
    "$work/fp-rss.xml" "$work/fp-atom.xml" "$work/gen-rss.xml" \
    "$work/gen-atom.xml"
