#!/usr/bin/env bash
# fuzz_all.sh — run libFuzzer targets for a fixed number of executions and
# print one summary line per target (runs, seconds, exec/s, coverage,
# features, corpus, crashes).  Not run by meson test or .ci/run: CI only
# replays the corpora.  Figures go to tests/fuzz/RESULTS.md by hand.
#
#   bash tests/fuzz/fuzz_all.sh [-b BUILD] [-r RUNS] [-w WORKDIR] [TARGET...]
#
# BUILD is a -Dfuzzing=true build (default build-hardfuzz, see README.md);
# new inputs go to WORKDIR/NAME (default /tmp/tsunagu-fuzz), crashes to
# WORKDIR/artifacts/.  A run stops at its first crash: copy the input into
# corpus/NAME/ with a descriptive name, fix, and run again.  To fold new
# coverage back into the kept corpus afterwards:
#   BUILD/tests/fuzz/fuzz_NAME_libfuzzer -merge=1 tests/fuzz/corpus/NAME \
#       WORKDIR/NAME
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$root/build-hardfuzz"
runs=1000000
work=/tmp/tsunagu-fuzz

while getopts "b:r:w:" opt; do
	case "$opt" in
	b) build="$OPTARG" ;;
	r) runs="$OPTARG" ;;
	w) work="$OPTARG" ;;
	*) echo "usage: $0 [-b BUILD] [-r RUNS] [-w WORKDIR] [TARGET...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))

# name: dictionary (or -), -max_len, extra flags
declare -A dict=(
	[feed]=xml.dict [csv]=csv.dict [ical]=ical.dict [charset]=xml.dict
	[date]=date.dict [filter]=filter.dict [config]=config.dict
	[ini]=config.dict [sanitize]=xml.dict [posting_json]=- [url]=-
	[area_table]=csv.dict [dedup]=-
)
declare -A maxlen=(
	[feed]=65536 [csv]=16384 [ical]=32768 [charset]=16384 [date]=256
	[filter]=1024 [config]=8192 [ini]=8192 [sanitize]=16384
	[posting_json]=16384 [url]=1024 [area_table]=16384 [dedup]=4096
)
declare -A extra=(
	[config]="-close_fd_mask=2"
)

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(feed csv ical charset date filter config
    ini sanitize posting_json url area_table dedup)

mkdir -p "$work/artifacts"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
printf "%-13s %9s %7s %7s %6s %7s %6s %s\n" target runs seconds exec/s \
    cov ft corpus result
for t in "${targets[@]}"; do
	bin="$build/tests/fuzz/fuzz_${t}_libfuzzer"
	[ -x "$bin" ] || { echo "$t: no $bin" >&2; exit 1; }
	mkdir -p "$work/$t"
	args=(-runs="$runs" -max_len="${maxlen[$t]:-65536}" -timeout=25
	    -rss_limit_mb=4096 -print_final_stats=1
	    -artifact_prefix="$work/artifacts/$t-")
	[ "${dict[$t]:--}" = - ] || args+=(-dict="$here/${dict[$t]}")
	# shellcheck disable=SC2206
	[ -z "${extra[$t]:-}" ] || args+=(${extra[$t]})
	log="$work/$t.log"
	start=$(date +%s)
	set +e
	nice -n 10 "$bin" "${args[@]}" "$work/$t" "$here/corpus/$t" \
	    </dev/null >"$log" 2>&1
	rc=$?
	set -e
	secs=$(( $(date +%s) - start ))
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
	result=ok
	[ $rc -eq 0 ] || result="CRASH (rc $rc, see $log)"
	printf "%-13s %9s %7s %7s %6s %7s %6s %s\n" "$t" "${done_runs:-?}" \
	    "$secs" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
