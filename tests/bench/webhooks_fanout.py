#!/usr/bin/env python3
"""The driver of webhooks_fanout.sh (which installs and builds first).

1. nginx answers 204 to every POST on 127.0.0.1 (worker_processes 1,
   keep-alive): the fast receiver, 1,000 endpoints /hook/N.
2. A release tsunagud with 1,000 [subscriber] sections, one per endpoint,
   polls a one-posting source: the warm-up round (posting.created).
3. Each round edits the posting through the admin API (one commit, one
   posting.updated event) and waits until its deliveries are all
   delivered.  With --via poll a round is an ingest instead: the origin
   serves the posting with a new title and the source is polled at once
   (POST /api/v1/sources/src/fetch); the latency is then counted from
   that request, so it covers the fetch, the parse and the store too.
   The CPU time of tsunagud and of nginx's worker over the
   round says which one the round waited for.  From the store: the commit time of the event (the outbox
   trigger's clock) and the time each 2xx arrived, so the latency covers
   dispatch, fan-out, signing, the queue and the request.

Only 127.0.0.1 is used; every process started here is stopped by its pid.
"""

import argparse
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
TOKEN = "bench-admin-token-0123456789"

SOURCE = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>bench</title><link>https://example.jp/</link>
<description>bench</description>
<item><title>fan-out</title><link>https://example.jp/v/1</link>
<guid>bench-1</guid><description>one posting, many subscribers</description>
</item></channel></rss>
"""


def serve_origin(doc):
    """doc["body"]: what the source serves now (a round may change it)."""
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            body = doc["body"]
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer((HOST, 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def nginx_conf(port, work):
    return """
worker_processes 1;
daemon on;
pid %(work)s/nginx.pid;
error_log %(work)s/nginx-error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    client_body_buffer_size 64k;
    client_body_temp_path %(work)s/ngx-body;
    proxy_temp_path %(work)s/ngx-proxy;
    fastcgi_temp_path %(work)s/ngx-fastcgi;
    uwsgi_temp_path %(work)s/ngx-uwsgi;
    scgi_temp_path %(work)s/ngx-scgi;
    server {
        listen 127.0.0.1:%(port)d backlog=4096;
        location / { return 204; }
    }
}
""" % {"work": work, "port": port}


def free_port():
    import socket
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Authorization": "Bearer " + TOKEN}
    if body is not None:
        body = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def wait_listening(log, proc):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log, encoding="utf-8", errors="replace") as f:
            m = re.search(r"listening on \S+:(\d+)", f.read())
        if m:
            return int(m.group(1))
        if proc.poll() is not None:
            sys.exit("tsunagud exited:\n" + open(log).read()[-2000:])
        time.sleep(0.05)
    sys.exit("tsunagud did not start")


def round_figures(db, seq, n, since=None, timeout=120):
    """Waits until event seq's n deliveries are delivered; returns the
    latencies (ms) from the commit (or from `since`, a wall-clock time
    in ms) to each 2xx and the whole span."""
    deadline = time.monotonic() + timeout
    while True:
        done = db.execute(
            "SELECT count(*) FROM deliveries WHERE event_seq = ? AND "
            "status = 'delivered'", (seq,)).fetchone()[0]
        if done >= n:
            break
        if time.monotonic() > deadline:
            sys.exit("event %d: %d of %d delivered after %d s"
                     % (seq, done, n, timeout))
        time.sleep(0.05)
    created = db.execute("SELECT created_ms FROM posting_events WHERE "
                         "seq = ?", (seq,)).fetchone()[0]
    if since is not None:
        created = since
    lat = sorted(r[0] - created for r in db.execute(
        "SELECT delivered FROM deliveries WHERE event_seq = ?", (seq,)))
    # When the first and the last request of the round started: the
    # fan-out and the queue, before the network.
    first, last = db.execute(
        "SELECT min(a.started), max(a.started) FROM delivery_attempts a "
        "JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_seq = ?",
        (seq,)).fetchone()
    return lat, lat[-1], first - created, last - created


def cpu_ms(pid):
    """The CPU time of a process's threads so far, in ms (Linux
    schedstat: nanoseconds on a CPU)."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
    except (OSError, ValueError):
        pass
    return total / 1e6


def nginx_workers(work):
    """The pids of the nginx workers (children of the master in
    nginx.pid)."""
    try:
        with open(os.path.join(work, "nginx.pid")) as f:
            master = int(f.read().strip())
    except (OSError, ValueError):
        return []
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        if int(st.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(d))
    return pids


def pct(values, p):
    return values[min(len(values) - 1, int(round(p / 100.0 *
                                                  (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tsunagud", required=True)
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    # The daemon's default.  More requests at once cost more CPU over
    # loopback (256: about a quarter more per round than 64) and gain
    # nothing when every endpoint answers at once.
    ap.add_argument("--max-in-flight", type=int, default=64)
    ap.add_argument("--concurrency", type=int, default=4)
    # api: a round is an edit through the admin API, timed from its
    # commit; poll: an ingest of the source, timed from the poll request.
    ap.add_argument("--via", choices=("api", "poll"), default="api")
    args = ap.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    work = tempfile.mkdtemp(prefix="tsunagu-fanout-")
    os.chmod(work, 0o755)
    doc = {"body": SOURCE}
    origin = serve_origin(doc)
    nport = free_port()
    tproc = None
    nginx_started = False
    try:
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(nginx_conf(nport, work))
        subprocess.run([nginx, "-c", conf, "-e",
                        os.path.join(work, "nginx-error.log")], check=True)
        nginx_started = True

        with open(os.path.join(work, "admin.token"), "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(os.path.join(work, "admin.token"), 0o600)
        lines = ["[daemon]", "listen = 127.0.0.1:0",
                 "database = bench.db", "allow_networks = 127.0.0.0/8",
                 "admin_token_file = admin.token",
                 "api_rate = 100000", "api_burst = 100000",
                 "webhook_max_in_flight = %d" % args.max_in_flight,
                 "webhook_concurrency = %d" % args.concurrency,
                 "webhook_rate = 100000", "webhook_burst = 100000",
                 "hub = off", "",
                 "[source src]",
                 "url = http://%s:%d/source.xml"
                 % (HOST, origin.server_address[1]),
                 "kind = city", "interval = 86400", ""]
        for i in range(args.subscribers):
            lines += ["[subscriber s%04d]" % i,
                      "webhook = http://%s:%d/hook/%d" % (HOST, nport, i),
                      "secret = " + SECRET, ""]
        with open(os.path.join(work, "tsunagu.conf"), "w") as f:
            f.write("\n".join(lines))
        log = os.path.join(work, "tsunagud.log")
        tproc = subprocess.Popen(
            [args.tsunagud, "-c", os.path.join(work, "tsunagu.conf")],
            cwd=work, stdout=open(log, "w"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        tport = wait_listening(log, tproc)
        db = sqlite3.connect(os.path.join(work, "bench.db"), timeout=30)

        print("load average before: %.2f %.2f %.2f" % os.getloadavg())
        print("tsunagud %s, release; %d subscribers -> nginx %s (return 204,"
              " worker_processes 1); webhook_max_in_flight %d, concurrency "
              "%d per endpoint; %d CPUs; 127.0.0.1; rounds via %s"
              % (subprocess.run([args.tsunagud, "-V"], capture_output=True,
                                text=True).stdout.split()[-1],
                 args.subscribers,
                 subprocess.run([nginx, "-v"], capture_output=True,
                                text=True).stderr.strip().split("/")[-1],
                 args.max_in_flight, args.concurrency, os.cpu_count(),
                 "the admin API (from the commit)" if args.via == "api"
                 else "a poll (from its request)"))
        print("%-10s %11s %9s %13s %8s %8s %8s %11s %10s %8s %9s" % (
            "round", "deliveries", "span ms", "deliveries/s", "p50 ms",
            "p99 ms", "max ms", "1st start", "last start", "cpu ms",
            "nginx ms"))
        workers = nginx_workers(work)
        pid = None
        p99s = []
        for r in range(args.rounds + 1):
            cpu0 = cpu_ms(tproc.pid)
            ncpu0 = sum(cpu_ms(w) for w in workers)
            if r == 0:
                # The poll at start makes the posting: posting.created.
                while True:
                    row = db.execute("SELECT seq, posting_id FROM "
                                     "posting_events ORDER BY seq DESC "
                                     "LIMIT 1").fetchone()
                    if row:
                        break
                    time.sleep(0.05)
                seq, pid = row
            else:
                before = db.execute("SELECT max(seq) FROM "
                                    "posting_events").fetchone()[0]
                if args.via == "api":
                    status, body = request(tport, "PATCH",
                                           "/api/v1/postings/" + pid,
                                           {"title": "fan-out round %d" % r})
                    want = 200
                else:
                    doc["body"] = SOURCE.replace(
                        b"<title>fan-out</title>",
                        b"<title>fan-out round %d</title>" % r)
                    since = time.time() * 1000
                    status, body = request(tport, "POST",
                                           "/api/v1/sources/src/fetch")
                    want = 202
                if status != want:
                    sys.exit("round %d -> %d %s" % (r, status, body[:300]))
                while True:
                    seq = db.execute("SELECT max(seq) FROM "
                                     "posting_events").fetchone()[0]
                    if seq > before:
                        break
                    time.sleep(0.01)
            lat, span, first, last = round_figures(
                db, seq, args.subscribers,
                since if r > 0 and args.via == "poll" else None)
            # tsunagud's CPU time over the round (the measuring polls
            # included, so an upper bound of what the fan-out took).
            cpu = cpu_ms(tproc.pid) - cpu0
            ncpu = sum(cpu_ms(w) for w in workers) - ncpu0
            print("%-10s %11d %9d %13.0f %8d %8d %8d %11d %10d %8.0f %9.0f"
                  % ("warm-up" if r == 0 else str(r), len(lat), span,
                     len(lat) * 1000.0 / max(span, 1), pct(lat, 50),
                     pct(lat, 99), lat[-1], first, last, cpu, ncpu))
            if r > 0:
                p99s.append((pct(lat, 50), pct(lat, 99),
                             len(lat) * 1000.0 / max(span, 1), cpu, ncpu))
            sys.stdout.flush()
        if p99s:
            med = [statistics.median(x[i] for x in p99s) for i in range(5)]
            print("median of rounds: p50 %d ms, p99 %d ms, %.0f "
                  "deliveries/s, tsunagud cpu %.0f ms, nginx cpu %.0f ms "
                  "per round" % tuple(med))
        errors = db.execute("SELECT count(*) FROM delivery_attempts WHERE "
                            "error IS NOT NULL").fetchone()[0]
        print("failed attempts: %d" % errors)
        print("load average after: %.2f %.2f %.2f" % os.getloadavg())
        db.close()
    finally:
        if tproc is not None:
            tproc.send_signal(signal.SIGTERM)
            try:
                tproc.wait(15)
            except subprocess.TimeoutExpired:
                tproc.kill()
        if nginx_started:
            try:
                with open(os.path.join(work, "nginx.pid")) as f:
                    os.kill(int(f.read().strip()), signal.SIGQUIT)
            except (OSError, ValueError):
                pass
        origin.shutdown()
        time.sleep(0.3)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
