#!/usr/bin/env python3
"""The driver of store_1m.sh: a release tsunagud over a store of 1,000,000
postings (made once by store_fill and kept), answering filtered feeds.

For each query, wrk (one thread, a few connections) measures requests per
second and latency p50 / p99, first with the feed cache off
(feed_cache_size = 0: every request is a query and a render), then with
it on (the default 64M: a page is rendered once).  tsunagud's resident
memory (VmRSS, and VmHWM, its peak) is read after each run.
127.0.0.1 only; every process started here is stopped by its pid.
"""

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HOST = "127.0.0.1"
KINDS = ["city", "shakyo", "corporate", "civic", "federation"]
QUERIES = [
    ("newest 100, no filter", "/feeds/all.json"),
    ("kind + municipality", "/feeds/all.json?kind=shakyo&area=232106"),
    ("2 categories, one month",
     "/feeds/all.json?category=welfare,children&from=2026-12-01"
     "&to=2026-12-31"),
    ("prefecture, open, 1000 (Atom)",
     "/feeds/all.atom?area=23&status=open&limit=1000"),
    ("full text (FTS5 trigram)",
     "/feeds/all.json?q=" + urllib.parse.quote("フードバンク")),
    ("text + kind + area",
     "/feeds/all.json?q=" + urllib.parse.quote("読み聞かせ") +
     "&kind=civic&area=232114"),
]
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def memory_mib(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


def start(binary, work, db, sources, cache):
    with open(os.path.join(work, "admin.token"), "w") as f:
        f.write("bench-admin-token-0123456789\n")
    with open(os.path.join(work, "tsunagu.conf"), "w") as f:
        f.write("[daemon]\nlisten = 127.0.0.1:0\ndatabase = %s\n"
                "instance = bench\nregion = 232106\nadmin_token_file = "
                "admin.token\nfeed_cache_size = %s\n\n" % (db, cache))
        for k in range(sources):
            f.write("[source b%d]\nurl = http://127.0.0.1:9/b%d.xml\n"
                    "kind = %s\nformat = rss\ninterval = 86400\n\n"
                    % (k, k, KINDS[k % 5]))
    log = os.path.join(work, "tsunagud.log")
    mark = os.path.getsize(log) if os.path.exists(log) else 0
    proc = subprocess.Popen([binary, "-c", "tsunagu.conf"], cwd=work,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        with open(log, errors="replace") as f:
            f.seek(mark)
            ports = re.findall(r"listening on \S+:(\d+)", f.read())
        if ports:
            return proc, int(ports[-1])
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    with open(log, errors="replace") as f:
        sys.exit("tsunagud did not start:\n" + f.read()[-3000:])


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def wrk(url, duration, connections):
    out = subprocess.run(["wrk", "-t1", "-c%d" % connections,
                          "-d%ds" % duration, "--timeout", "120s",
                          "--latency", url],
                         capture_output=True, text=True,
                         timeout=duration + 120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, out, re.M)
        lat[pct] = float(m.group(1)) * UNITS[m.group(2)]
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out) or \
            "Socket errors" in out:
        sys.stderr.write(out)
    return rps, lat["50"], lat["99"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tsunagud", required=True)
    ap.add_argument("--db", required=True, help="the filled database")
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--connections", type=int, default=4)
    args = ap.parse_args()
    db = sqlite3.connect(args.db)
    n = db.execute("SELECT count(*) FROM postings").fetchone()[0]
    db.close()
    work = tempfile.mkdtemp(prefix="tsunagu-1m-bench-")
    proc = None
    try:
        print("tsunagud %s, %d postings in %s (%.0f MB); wrk -t1 -c%d -d%ds;"
              " %d CPUs, load %.2f %.2f %.2f" % (
                  subprocess.run([args.tsunagud, "-V"], capture_output=True,
                                 text=True).stdout.split()[-1], n,
                  os.path.basename(args.db),
                  os.path.getsize(args.db) / 1e6, args.connections,
                  args.duration, os.cpu_count(), *os.getloadavg()))
        print("%-32s %8s %8s %9s %8s %8s %9s %8s" % (
            "query", "items", "r/s", "p50 ms", "p99 ms", "r/s", "p50 ms",
            "p99 ms"))
        print("%-32s %8s %26s %26s" % ("", "", "-- no feed cache --",
                                        "-- feed cache 64M --"))
        results = {}
        mem = {}
        for cache in ("0", "64M"):
            proc, port = start(args.tsunagud, work, args.db, args.sources,
                               cache)
            mem[cache + " start"] = memory_mib(proc.pid)
            for name, path in QUERIES:
                url = "http://%s:%d%s" % (HOST, port, path)
                with urllib.request.urlopen(url, timeout=120) as r:
                    body = r.read()
                items = body.count(b'"_tsunagu"') or body.count(b"<entry>")
                results.setdefault(name, [items])
                results[name].extend(wrk(url, args.duration,
                                         args.connections))
            mem[cache] = memory_mib(proc.pid)
            stop(proc)
            proc = None
        for name, _ in QUERIES:
            r = results[name]
            print("%-32s %8d %8.0f %9.2f %8.2f %8.0f %9.2f %8.2f"
                  % (name, r[0], r[1], r[2], r[3], r[4], r[5], r[6]))
        for k in ("0 start", "0", "64M start", "64M"):
            print("resident memory, cache %-9s VmRSS %7.1f MiB, VmHWM "
                  "%7.1f MiB" % (k, mem[k]["VmRSS"], mem[k]["VmHWM"]))
    finally:
        if proc is not None:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
