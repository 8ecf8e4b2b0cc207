#!/usr/bin/env bash
# run_all.sh — every benchmark of tests/bench/, one after the other, in one
# release build, each printing its own table; the whole output is also
# written to $TSUNAGU_BENCH_OUT (default /tmp/tsunagu-bench-DATE.txt).
#
#   bash tests/bench/run_all.sh [--quick] [NAME ...]
#
# NAME is one of: ingest (vs sfeed and feedparser), feeds (vs nginx),
# webhooks (1,000 endpoints), poll (10,000 sources, all 304), store
# (1,000,000 postings: filtered feed latency and memory), dedup (100,000
# records through deduplication).  Default: all that exist.  --quick
# shortens each (fewer rounds, smaller inputs) for a smoke run; the
# figures in README.md come from full runs.
#
# Not run by meson test or .ci/run.  The scripts install what they miss
# with apt-get (nginx, wrk, sfeed, python3-feedparser) and build into
# $TSUNAGU_BENCH_BUILD (default build-bench/: release, no sanitizers).
# The machine should be otherwise idle: the peers run side by side, but
# noise still moves the absolute figures.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${TSUNAGU_BENCH_OUT:-/tmp/tsunagu-bench-$(date +%Y%m%d-%H%M%S).txt}"
quick=0
names=()
for a in "$@"; do
	case "$a" in
	--quick) quick=1 ;;
	ingest|feeds|webhooks|poll|store|dedup) names+=("$a") ;;
	*) echo "usage: $0 [--quick]" \
	       "[ingest|feeds|webhooks|poll|store|dedup ...]" >&2; exit 2 ;;
	esac
done
[ ${#names[@]} -gt 0 ] || names=(ingest feeds webhooks poll store dedup)

declare -A script=(
	[ingest]=ingest_vs_peers.sh [feeds]=feeds_vs_nginx.sh
	[webhooks]=webhooks_fanout.sh [poll]=poll_sources.sh
	[store]=store_1m.sh [dedup]=dedup_100k.sh
)
declare -A quickargs=(
	[ingest]="--entries 1000 --rounds 1" [feeds]="--duration 3 --rounds 1"
	[webhooks]="" [poll]="--sources 1000" [store]="--postings 20000 --duration 3"
	[dedup]="20000"
)

failed=()
{
	echo "tsunagu benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs,"\
	    "$(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
	for n in "${names[@]}"; do
		s="$here/${script[$n]}"
		echo
		echo "=== $n: ${script[$n]}"
		if [ ! -f "$s" ]; then
			echo "(not present in this tree: skipped)"
			continue
		fi
		args=()
		# shellcheck disable=SC2206
		[ $quick -eq 0 ] || args=(${quickargs[$n]})
		start=$(date +%s)
		if bash "$s" ${args[@]+"${args[@]}"}; then
			echo "($n took $(( $(date +%s) - start )) s)"
		else
			echo "($n FAILED after $(( $(date +%s) - start )) s)"
			failed+=("$n")
		fi
	done
	echo
	if [ ${#failed[@]} -gt 0 ]; then
		echo "failed: ${failed[*]}"
	else
		echo "all done"
	fi
} 2>&1 | tee "$out"
echo "results in $out" >&2
grep -q "^failed:" "$out" && exit 1
exit 0
