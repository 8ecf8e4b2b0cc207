#!/usr/bin/env bash
# examples/region/run.sh — two neighbouring instances sharing listings.
#
# Kariya (刈谷市, instance kariya) and Chiryu (知立市, instance chiryu) each
# run their own tsunagud and read the other's feed as a source of kind
# federation (kariya.conf, chiryu.conf).  The script installs the build
# dependencies (scripts/install-deps.sh, as root or via sudo), builds
# tsunagu into build/, serves the example source feeds on 127.0.0.1:8711
# (Kariya's examples/kariya/feeds/ under /kariya/, Chiryu's
# examples/region/chiryu-feeds/ under /chiryu/), starts both daemons in
# the background (Kariya on 127.0.0.1:8081, Chiryu on 127.0.0.1:8082),
# prints the URLs to open and waits.  Ctrl-C stops all three processes.
#
# State, logs and admin tokens are in examples/region/run/: kariya/ and
# chiryu/ (tsunagu.db, admin.token, tsunagud.log), feeds.log, and the
# configurations actually run (kariya.conf, chiryu.conf: the ones of this
# directory with the ports below and paths relative to run/).
#
# Works from any directory.  The environment may set:
#   TSUNAGU_SKIP_DEPS=1     skip the dependency step (a machine that has them)
#   TSUNAGUD=PATH           run this tsunagud instead of building one (the
#                           dependency step is then skipped as well)
#   TSUNAGU_KARIYA_PORT     Kariya's port (8081)
#   TSUNAGU_CHIRYU_PORT     Chiryu's port (8082)
#   TSUNAGU_FEEDS_PORT      the source feeds' port (8711)
#   TSUNAGU_RUN_DIR         the state directory (examples/region/run)
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/../.." && pwd -P)
build="$root/build"
run=${TSUNAGU_RUN_DIR:-$here/run}
host=127.0.0.1
kariya_port=${TSUNAGU_KARIYA_PORT:-8081}
chiryu_port=${TSUNAGU_CHIRYU_PORT:-8082}
feeds_port=${TSUNAGU_FEEDS_PORT:-8711}
python=/usr/bin/python3
names=(kariya chiryu)

say() { printf 'run.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# True when something accepts TCP connections on HOST PORT (bash's
# /dev/tcp: no curl or nc needed on a fresh system).
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

for p in "$kariya_port" "$chiryu_port" "$feeds_port"; do
	[[ "$p" =~ ^[1-9][0-9]{0,4}$ ]] && [ "$p" -le 65535 ] ||
		die "'$p' is not a port number"
done
[ "$kariya_port" != "$chiryu_port" ] && [ "$kariya_port" != "$feeds_port" ] &&
	[ "$chiryu_port" != "$feeds_port" ] || die "the three ports must differ"
[ -x "$python" ] || die "$python is needed (Debian package python3)"

# 1. Build dependencies and the build, unless a tsunagud is given.
if [ -n "${TSUNAGUD:-}" ]; then
	tsunagud=$TSUNAGUD
else
	if [ "${TSUNAGU_SKIP_DEPS:-0}" != 1 ]; then
		deps="$root/scripts/install-deps.sh"
		[ -f "$deps" ] || die "missing $deps"
		if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
			say "not root and no sudo: missing packages cannot be installed"
		fi
		bash "$deps" || die "installing the build dependencies failed (run as root, or with sudo)"
	fi
	if [ ! -f "$build/meson-private/coredata.dat" ]; then
		meson setup "$build" "$root"
	fi
	meson compile -C "$build"
	tsunagud="$build/daemon/tsunagud"
fi
[ -x "$tsunagud" ] || die "no tsunagud at $tsunagud"

# 2. State directories, admin tokens (32 random bytes, hex, mode 0600), and
# the configurations: this directory's, with the ports given and their
# run/ paths made relative to the run directory, where they are written.
mkdir -p "$run"
cp "$here/municipalities.csv" "$run/municipalities.csv"
for name in "${names[@]}"; do
	mkdir -p "$run/$name"
	token="$run/$name/admin.token"
	if [ ! -s "$token" ]; then
		(
			umask 077
			od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$token.tmp"
			printf '\n' >>"$token.tmp"
			mv "$token.tmp" "$token"
		)
		say "created admin token $token"
	fi
	chmod 600 "$token"
	sed -e "s/127\\.0\\.0\\.1:8081/$host:$kariya_port/g" \
	    -e "s/127\\.0\\.0\\.1:8082/$host:$chiryu_port/g" \
	    -e "s/127\\.0\\.0\\.1:8711/$host:$feeds_port/g" \
	    -e 's#= run/#= #' \
	    "$here/$name.conf" >"$run/$name.conf"
	if ! check=$("$tsunagud" -n -c "$run/$name.conf" 2>&1); then
		printf '%s\n' "$check" >&2
		die "$run/$name.conf (from $here/$name.conf) has errors"
	fi
done

# The feed server serves one directory: links to the two feed trees.
mkdir -p "$run/feeds"
ln -sfn "$root/examples/kariya/feeds" "$run/feeds/kariya"
ln -sfn "$here/chiryu-feeds" "$run/feeds/chiryu"

for p in "$kariya_port" "$chiryu_port" "$feeds_port"; do
	port_open "$host" "$p" && die "$host:$p is already in use (another run.sh or tsunagud?)"
done

# 3. The processes, each stopped with SIGTERM when the script ends, for
# whatever reason (Ctrl-C, an error, one of them exiting).  Each runs in a
# process group of its own (set -m), so that Ctrl-C reaches this script
# only: a daemon that caught it and exited by itself would otherwise look
# like a crash to "wait", and the stop would no longer be in one place.
set -m
pids=()
declare -A what
cleanup() {
	local pid i
	set +m	# no "Terminated" notices for the jobs stopped here
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# wait_port NAME PID PORT LOG: until PORT answers, at most 15 s.
wait_port() {
	local i
	for ((i = 0; i < 150; i++)); do
		kill -0 "$2" 2>/dev/null || die "$1 did not start: $(tail -n 20 "$4")"
		port_open "$host" "$3" && return 0
		sleep 0.1
	done
	die "$1 did not start in 15 s (log: $4)"
}

"$python" -m http.server --bind "$host" --directory "$run/feeds" \
	"$feeds_port" </dev/null >"$run/feeds.log" 2>&1 &
pids+=($!)
what[$!]="the feed server"
wait_port "the feed server" "$!" "$feeds_port" "$run/feeds.log"

declare -A port=([kariya]=$kariya_port [chiryu]=$chiryu_port)
for name in "${names[@]}"; do
	"$tsunagud" -c "$run/$name.conf" </dev/null >"$run/$name/tsunagud.log" 2>&1 &
	pids+=($!)
	what[$!]="tsunagud $name"
	wait_port "tsunagud $name" "$!" "${port[$name]}" "$run/$name/tsunagud.log"
done

# 4. Each daemon polled its neighbour once at start, possibly before the
# neighbour was up.  Once both have read their own sources, ask each to
# poll its neighbour now (POST /api/v1/sources/NAME/fetch): that poll
# subscribes at the neighbour's hub, and pushes carry what follows.
# api BASE TOKEN_FILE ready: true once every source but the federation
# ones has been polled.  api BASE TOKEN_FILE fetch SOURCE: poll it now.
api() {
	"$python" - "$@" <<'EOF'
import json, sys, urllib.request
base, token_file, what = sys.argv[1:4]
with open(token_file) as f:
    auth = {"Authorization": "Bearer " + f.read().strip()}
web = urllib.request.build_opener(urllib.request.ProxyHandler({}))
if what == "ready":
    req = urllib.request.Request(base + "/api/v1/sources", headers=auth)
    with web.open(req, timeout=5) as r:
        sources = json.load(r)["sources"]
    sys.exit(0 if all(s["last_success"] or s["failures"]
                      for s in sources if s["kind"] != "federation") else 1)
req = urllib.request.Request(base + "/api/v1/sources/%s/fetch" % sys.argv[4],
                             data=b"", headers=auth, method="POST")
web.open(req, timeout=5).close()
EOF
}
for name in "${names[@]}"; do
	for ((i = 0; i < 300; i++)); do
		api "http://$host:${port[$name]}" "$run/$name/admin.token" ready 2>/dev/null &&
			break
		sleep 0.1
	done
done
api "http://$host:$kariya_port" "$run/kariya/admin.token" fetch chiryu ||
	say "could not ask kariya to poll chiryu"
api "http://$host:$chiryu_port" "$run/chiryu/admin.token" fetch kariya ||
	say "could not ask chiryu to poll kariya"

cat <<EOF

  Source feeds:  http://$host:$feeds_port/kariya/  http://$host:$feeds_port/chiryu/
                 (log: $run/feeds.log)

  Kariya (刈谷市), its own postings and Chiryu's:
    http://$host:$kariya_port/feeds/all.json
    http://$host:$kariya_port/feeds/all.json?area=232254      (Chiryu's, shared with Kariya)
    log: $run/kariya/tsunagud.log

  Chiryu (知立市), its own postings and Kariya's:
    http://$host:$chiryu_port/feeds/all.json
    http://$host:$chiryu_port/feeds/all.json?area=232106      (Kariya's; its training, which Chiryu's
                                                              shakyo lists too, is one posting)
    log: $run/chiryu/tsunagud.log

  Each posting's _tsunagu.origin names the instance it comes from, and its
  sources show the hop ("kind": "federation").  Sources of each instance:
    curl -H "Authorization: Bearer \$(cat $run/kariya/admin.token)" http://$host:$kariya_port/api/v1/sources
    curl -H "Authorization: Bearer \$(cat $run/chiryu/admin.token)" http://$host:$chiryu_port/api/v1/sources

  Ctrl-C stops both tsunagud and the feed server.

EOF

# 5. Until Ctrl-C, or until one of the three exits.
status=0
wait -n || status=$?
for pid in "${pids[@]}"; do
	kill -0 "$pid" 2>/dev/null || die "${what[$pid]} exited (status $status); see the logs in $run"
done
die "a process exited (status $status); see the logs in $run"
