#!/usr/bin/env bash
# examples/kariya/run.sh — the README's Quick start.
#
# Installs the build dependencies (scripts/install-deps.sh, as root or via
# sudo), builds tsunagu, serves the four example source feeds of
# examples/kariya/feeds/ on 127.0.0.1:8701, and runs tsunagud in the
# foreground with examples/kariya/tsunagu.conf.  Ctrl-C stops both.
#
# Works from any directory.  TSUNAGU_SKIP_DEPS=1 skips the dependency step
# (for a machine that already has them).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/../.." && pwd -P)
build="$root/build"
conf="$here/tsunagu.conf"
run="$here/run"
token="$run/admin.token"
feeds_host=127.0.0.1
feeds_port=8701
daemon_url=http://127.0.0.1:8080

say() { printf 'run.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# True when something accepts TCP connections on HOST PORT (bash's
# /dev/tcp: no curl or nc needed on a fresh system).
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# 1. Build dependencies.  The script installs only what is missing, with
# sudo when not root.
if [ "${TSUNAGU_SKIP_DEPS:-0}" != 1 ]; then
	deps="$root/scripts/install-deps.sh"
	[ -f "$deps" ] || die "missing $deps"
	if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
		say "not root and no sudo: missing packages cannot be installed"
	fi
	bash "$deps" || die "installing the build dependencies failed (run as root, or with sudo)"
fi

# 2. Build.
if [ ! -f "$build/meson-private/coredata.dat" ]; then
	# Tests are built when cmocka is there (tests=auto); .ci/run adds it.
	meson setup "$build" "$root"
fi
meson compile -C "$build"
tsunagud="$build/daemon/tsunagud"
[ -x "$tsunagud" ] || die "build did not produce $tsunagud"

# 3. State directory and admin token (32 random bytes, hex, mode 0600).
mkdir -p "$run"
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

if ! check=$("$tsunagud" -n -c "$conf" 2>&1); then
	printf '%s\n' "$check" >&2
	die "$conf has errors"
fi

port_open 127.0.0.1 8080 && die "127.0.0.1:8080 is already in use (another tsunagud?)"
port_open "$feeds_host" "$feeds_port" &&
	die "$feeds_host:$feeds_port is already in use (another run.sh?)"

# 4. The example sources: a static web server over feeds/.
feeds_pid=
cleanup() {
	if [ -n "$feeds_pid" ]; then
		kill "$feeds_pid" 2>/dev/null || true
		wait "$feeds_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

/usr/bin/python3 -m http.server --bind "$feeds_host" \
	--directory "$here/feeds" "$feeds_port" >"$run/feeds.log" 2>&1 &
feeds_pid=$!
for _ in $(seq 50); do
	kill -0 "$feeds_pid" 2>/dev/null ||
		die "the feed server did not start: $(cat "$run/feeds.log")"
	port_open "$feeds_host" "$feeds_port" && break
	sleep 0.1
done
port_open "$feeds_host" "$feeds_port" || die "the feed server did not start in 5 s"

# 5. The daemon, in the foreground.
cat <<EOF

  Source feeds:  http://$feeds_host:$feeds_port/  (log: $run/feeds.log)

  Open:
    $daemon_url/feeds/all.atom
    $daemon_url/feeds/all.json
    $daemon_url/healthz
    $daemon_url/metrics

  Admin API:
    curl -H "Authorization: Bearer \$(cat $token)" $daemon_url/api/v1/sources

  Ctrl-C stops tsunagud and the feed server.

EOF

"$tsunagud" -c "$conf"
