#!/usr/bin/env python3
"""The driver of poll_sources.sh: a release tsunagud polling N sources
(10,000 by default) served by nginx, all at once, twice:

1. the first poll of every source: 200, one posting each, ingested;
2. after a restart with every source due again (next_poll set to 0 in the
   store), the conditional poll: If-None-Match, all 304 (nginx's ETags).

For each: wall time from "listening on" to the last response nginx
logged (and the daemon recorded), tsunagud's CPU time over it (user +
system, from /proc), and its resident memory after (VmRSS) and at most
(VmHWM).  Only 127.0.0.1; every process started here is stopped by pid.
"""

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HOST = "127.0.0.1"
TICK = os.sysconf("SC_CLK_TCK")


def item_rss(i):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
            "<channel><title>source %d</title><link>https://s%d.example.jp/"
            "</link><description>d</description><item><title>募集 %d 番: "
            "地域の清掃ボランティア</title><link>https://s%d.example.jp/p/1"
            "</link><guid>s%d-1</guid><pubDate>Mon, 01 Jun 2026 09:00:00 "
            "+0900</pubDate><description>&lt;p&gt;会場 %d&lt;/p&gt;"
            "</description></item></channel></rss>\n"
            % (i, i, i, i, i, i)).encode()


def nginx_conf(root, port, work):
    return """
worker_processes 1;
daemon on;
pid %(work)s/nginx.pid;
error_log %(work)s/nginx-error.log warn;
events { worker_connections 4096; }
http {
    types { application/rss+xml xml; }
    default_type application/rss+xml;
    log_format t '$msec $status $request_uri';
    access_log %(work)s/access.log t;
    keepalive_requests 1000000;
    client_body_temp_path %(work)s/ngx-body;
    proxy_temp_path %(work)s/ngx-proxy;
    fastcgi_temp_path %(work)s/ngx-fastcgi;
    uwsgi_temp_path %(work)s/ngx-uwsgi;
    scgi_temp_path %(work)s/ngx-scgi;
    server {
        listen 127.0.0.1:%(port)d;
        root %(root)s;
        location / { }
    }
}
""" % {"work": work, "port": port, "root": root}


def free_port():
    import socket
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_kb(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def count_status(log, status):
    """Lines with status, and the last one's time."""
    n, last = 0, 0.0
    try:
        with open(log) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[1] == status:
                    n += 1
                    last = float(parts[0])
    except FileNotFoundError:
        pass
    return n, last


def start(binary, work, fetches):
    log = os.path.join(work, "tsunagud.log")
    mark = os.path.getsize(log) if os.path.exists(log) else 0
    proc = subprocess.Popen([binary, "-c", "tsunagu.conf"], cwd=work,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with open(log, errors="replace") as f:
            f.seek(mark)
            m = re.search(r"listening on \S+:(\d+)", f.read())
        if m:
            return proc, int(m.group(1)), time.time()
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    with open(log, errors="replace") as f:
        sys.exit("tsunagud did not start:\n" + f.read()[-3000:])


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def cycle(proc, access, status, n, t0, timeout):
    cpu0 = cpu_seconds(proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got, last = count_status(access, status)
        if got >= n:
            break
        if proc.poll() is not None:
            sys.exit("tsunagud died")
        time.sleep(0.05)
    else:
        sys.exit("only %d of %d %s responses in %d s" % (got, n, status,
                                                        timeout))
    time.sleep(0.3)      # the last response recorded
    return {"wall": last - t0, "cpu": cpu_seconds(proc.pid) - cpu0,
            "mem": memory_kb(proc.pid)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tsunagud", required=True)
    ap.add_argument("--sources", type=int, default=10000)
    ap.add_argument("--fetches", type=int, default=8,
                    help="[daemon] max_fetches")
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    n = args.sources

    work = tempfile.mkdtemp(prefix="tsunagu-poll-bench-")
    os.chmod(work, 0o755)
    www = os.path.join(work, "www", "s")
    os.makedirs(www, mode=0o755)
    os.chmod(os.path.dirname(www), 0o755)
    for i in range(n):
        p = os.path.join(www, "%d.xml" % i)
        with open(p, "wb") as f:
            f.write(item_rss(i))
        os.chmod(p, 0o644)
    nport = free_port()
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_conf(os.path.join(work, "www"), nport, work))
    with open(os.path.join(work, "admin.token"), "w") as f:
        f.write("bench-admin-token-0123456789\n")
    with open(os.path.join(work, "tsunagu.conf"), "w") as f:
        f.write("[daemon]\nlisten = 127.0.0.1:0\ndatabase = bench.db\n"
                "instance = bench\nallow_networks = 127.0.0.0/8\n"
                "admin_token_file = admin.token\nmax_fetches = %d\n\n"
                % args.fetches)
        for i in range(n):
            f.write("[source s%d]\nurl = http://%s:%d/s/%d.xml\nkind = "
                    "city\ninterval = 86400\n\n" % (i, HOST, nport, i))
    access = os.path.join(work, "access.log")
    proc = None
    nginx_started = False
    try:
        subprocess.run([nginx, "-c", conf, "-e",
                        os.path.join(work, "nginx-error.log")], check=True)
        nginx_started = True
        time.sleep(0.3)
        print("tsunagud %s polling %d sources on nginx %s, max_fetches %d; "
              "%d CPUs, load %.2f %.2f %.2f" % (
                  subprocess.run([args.tsunagud, "-V"], capture_output=True,
                                 text=True).stdout.split()[-1], n,
                  subprocess.run([nginx, "-v"], capture_output=True,
                                 text=True).stderr.strip().split("/")[-1],
                  args.fetches, os.cpu_count(), *os.getloadavg()))
        proc, port, t0 = start(args.tsunagud, work, args.fetches)
        first = cycle(proc, access, "200", n, t0, args.timeout)
        with urllib.request.urlopen("http://%s:%d/healthz" % (HOST, port),
                                    timeout=30) as r:
            postings = json.load(r).get("postings")
        stop(proc)
        proc = None
        db = sqlite3.connect(os.path.join(work, "bench.db"))
        db.execute("UPDATE sources SET next_poll = 0")
        db.commit()
        db.close()
        proc, port, t0 = start(args.tsunagud, work, args.fetches)
        second = cycle(proc, access, "304", n, t0, args.timeout)
        got200, _ = count_status(access, "200")
        print("%-34s %9s %9s %10s %10s %9s" % (
            "cycle", "wall s", "CPU s", "polls/s", "RSS MiB", "peak MiB"))
        for name, c in (("first poll: 200, ingest", first),
                        ("conditional poll: all 304", second)):
            print("%-34s %9.2f %9.2f %10.0f %10.1f %9.1f" % (
                name, c["wall"], c["cpu"], n / c["wall"],
                c["mem"]["VmRSS"] / 1024, c["mem"]["VmHWM"] / 1024))
        print("postings after the first poll: %s; 200s in all: %d (%d "
              "expected: none in the second poll)" % (postings, got200, n))
        print("CPU per conditional poll: %.0f us" % (second["cpu"] / n * 1e6))
    finally:
        if proc is not None:
            stop(proc)
        if nginx_started:
            try:
                with open(os.path.join(work, "nginx.pid")) as f:
                    os.kill(int(f.read().strip()), signal.SIGQUIT)
            except (OSError, ValueError):
                pass
        time.sleep(0.5)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
