#!/usr/bin/env python3
"""The driver of feeds_vs_nginx.sh (which installs and builds first).

1. A local origin serves an Atom source of 1,000 postings; a release
   tsunagud polls it and publishes them.
2. Its /feeds/all.atom?limit=100 and ?limit=1000, plain and gzip, are
   saved byte for byte into a directory that nginx (worker_processes 1,
   sendfile, gzip_static, the same Content-Type) serves.
3. wrk loads tsunagud and nginx alternately, round after round, for each
   of the four cases; the median requests/s and p99 latency of each are
   printed with the ratio tsunagud / nginx (the target is >= 0.8), and
   the median CPU time each server spent per request (its user + system
   time over the run / requests): on a machine others load too, the
   requests/s of both move with the CPU share each gets, the CPU time per
   request much less.

Only 127.0.0.1 is used; every process started here is stopped by its pid.
"""

import argparse
import datetime
import gzip
import hashlib
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"
N_POSTINGS = 1000


def source_atom(n):
    """An Atom source of n postings with the tsunagu extension."""
    jst = datetime.timezone(datetime.timedelta(hours=9))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" '
           'xmlns:t="urn:tsunagu:posting:1">',
           "<title>bench</title><id>urn:bench</id>",
           "<updated>2026-06-01T09:00:00+09:00</updated>",
           "<author><name>bench</name></author>"]
    cats = ["welfare", "disaster", "environment", "children", "community"]
    for i in range(n):
        day = datetime.datetime(2026, 7, 1, 10, tzinfo=jst) + \
            datetime.timedelta(days=i % 180, hours=i % 7)
        out.append(
            "<entry><id>urn:bench:%d</id>"
            "<title>刈谷市 ボランティア募集 第%d回 高齢者福祉施設での活動</title>"
            '<link href="https://example.jp/volunteer/%d"/>'
            "<published>2026-06-01T09:00:00+09:00</published>"
            "<updated>2026-06-01T09:00:00+09:00</updated>"
            "<summary>施設の行事のお手伝いと利用者の方とのお話し相手をお願いします。"
            "動きやすい服装でお越しください。</summary>"
            '<content type="html">&lt;p&gt;集合は正面玄関、受付で名前をお伝え'
            'ください。雨天決行です。&lt;/p&gt;</content>'
            "<t:start>%s</t:start><t:end>%s</t:end><t:area>232106</t:area>"
            "<t:place>刈谷市総合福祉センター</t:place><t:category>%s</t:category>"
            "<t:capacity>%d</t:capacity></entry>"
            % (i, i, i, day.isoformat(),
               (day + datetime.timedelta(hours=2)).isoformat(),
               cats[i % len(cats)], 5 + i % 20))
    out.append("</feed>")
    return "\n".join(out).encode("utf-8")


class Origin(http.server.ThreadingHTTPServer):
    daemon_threads = True


def serve_origin(body):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = Origin((HOST, 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def get(port, path, headers=None):
    c = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def wait_listening(log_path, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log_path, errors="replace") as f:
            m = re.search(r"listening on \S+:(\d+)", f.read())
        if m:
            return int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(log_path, errors="replace") as f:
        sys.exit("tsunagud did not start:\n" + f.read())


def start_tsunagud(binary, work, origin_url, env=None):
    token = os.path.join(work, "admin.token")
    with open(token, "w") as f:
        f.write("bench-admin-token-0123456789\n")
    conf = os.path.join(work, "tsunagu.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\nlisten = 127.0.0.1:0\ndatabase = bench.db\n"
                "instance = bench\nallow_networks = 127.0.0.0/8\n"
                "admin_token_file = admin.token\n\n"
                "[source bench]\nurl = %s\nkind = city\ninterval = 86400\n"
                % origin_url)
    log = os.path.join(work, "tsunagud.log")
    proc = subprocess.Popen([binary, "-c", conf], cwd=work,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env)
    return proc, wait_listening(log, proc)


def nginx_conf(root, port, work):
    return """
worker_processes 1;
daemon on;
pid %(work)s/nginx.pid;
error_log %(work)s/nginx-error.log warn;
events { worker_connections 4096; }
http {
    types { application/atom+xml atom; }
    default_type application/atom+xml;
    charset utf-8;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    gzip off;
    gzip_static on;
    gzip_vary on;
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


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def cpu_seconds(pid):
    """User and system CPU time of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def nginx_worker(master):
    """The pid of nginx's one worker (a child of the master)."""
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                        return int(d)
            except (OSError, ValueError, IndexError):
                pass
    sys.exit("no nginx worker under pid %d" % master)


def run_wrk(url, gz, args, pid):
    """Requests/s, p99 ms, and the CPU time the server (pid) spent per
    request in microseconds: a second view that a busy machine moves less
    than requests/s, which also depend on the CPU share the server gets."""
    cmd = ["wrk", "-t%d" % args.threads, "-c%d" % args.connections,
           "-d%ds" % args.duration, "--latency", url]
    if gz:
        cmd[1:1] = ["-H", "Accept-Encoding: gzip"]
    cpu = cpu_seconds(pid)
    out = subprocess.run(cmd, capture_output=True, text=True,
                         timeout=args.duration + 60).stdout
    cpu = cpu_seconds(pid) - cpu
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    n = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    p99 = float(m.group(1)) * UNITS[m.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors or "Socket errors" in out:
        print(out, file=sys.stderr)
    return rps, p99, cpu * 1e6 / n if n else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tsunagud", required=True)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    env = dict(os.environ)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"

    work = tempfile.mkdtemp(prefix="tsunagu-bench-")
    # nginx's worker may run as another user (www-data under root).
    os.chmod(work, 0o755)
    root = os.path.join(work, "www")
    os.makedirs(root, mode=0o755)
    origin = serve_origin(source_atom(N_POSTINGS))
    tproc = None
    nginx_started = False
    try:
        tproc, tport = start_tsunagud(
            args.tsunagud, work,
            "http://%s:%d/source.xml" % (HOST, origin.server_address[1]),
            env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, _, body = get(tport, "/feeds/all.json?limit=1000")
            if status == 200 and len(json.loads(body)["items"]) == \
                    N_POSTINGS:
                break
            time.sleep(0.2)
        else:
            sys.exit("tsunagud did not publish %d postings" % N_POSTINGS)

        cases = []
        for n in (100, 1000):
            path = "/feeds/all.atom?limit=%d" % n
            _, _, plain = get(tport, path)
            _, h, gz = get(tport, path, {"Accept-Encoding": "gzip"})
            assert h.get("Content-Encoding") == "gzip"
            assert gzip.decompress(gz) == plain
            name = "feed%d.atom" % n
            for fname, data in ((name, plain), (name + ".gz", gz)):
                with open(os.path.join(root, fname), "wb") as f:
                    f.write(data)
                os.chmod(os.path.join(root, fname), 0o644)
            for enc in ("plain", "gzip"):
                cases.append((n, enc, path, "/" + name,
                              hashlib.sha256(gz if enc == "gzip"
                                             else plain).hexdigest(),
                              len(gz if enc == "gzip" else plain)))

        nport = free_port()
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(nginx_conf(root, nport, work))
        subprocess.run([nginx, "-c", conf, "-e",
                        os.path.join(work, "nginx-error.log")], check=True)
        nginx_started = True
        time.sleep(0.3)
        with open(os.path.join(work, "nginx.pid")) as f:
            nworker = nginx_worker(int(f.read().strip()))

        # The same bytes from both, or the comparison means nothing.
        for n, enc, tpath, npath, digest, _ in cases:
            hdr = {"Accept-Encoding": "gzip"} if enc == "gzip" else {}
            for port, path in ((tport, tpath), (nport, npath)):
                status, _, body = get(port, path, hdr)
                assert status == 200, (port, path, status)
                assert hashlib.sha256(body).hexdigest() == digest, \
                    "%s:%s serves other bytes" % (port, path)

        cpu = os.cpu_count()
        print("load average before: %.2f %.2f %.2f" % os.getloadavg())
        print("tsunagud %s vs nginx %s, worker_processes 1; wrk -t%d -c%d "
              "-d%ds, %d alternating rounds, median; %d CPUs; 127.0.0.1"
              % (subprocess.run([args.tsunagud, "-V"], capture_output=True,
                                text=True).stdout.split()[-1],
                 subprocess.run([nginx, "-v"], capture_output=True,
                                text=True).stderr.strip().split("/")[-1],
                 args.threads, args.connections, args.duration, args.rounds,
                 cpu))
        print("%-22s %10s %12s %9s %12s %9s %7s %13s" % (
            "feed", "bytes", "tsunagud r/s", "p99 ms", "nginx r/s",
            "p99 ms", "ratio", "CPU us/req"))
        for n, enc, tpath, npath, _, size in cases:
            t_rps, t_p99, t_cpu = [], [], []
            n_rps, n_p99, n_cpu = [], [], []
            for _ in range(args.rounds):
                r, p, c = run_wrk("http://%s:%d%s" % (HOST, tport, tpath),
                                  enc == "gzip", args, tproc.pid)
                t_rps.append(r)
                t_p99.append(p)
                t_cpu.append(c)
                r, p, c = run_wrk("http://%s:%d%s" % (HOST, nport, npath),
                                  enc == "gzip", args, nworker)
                n_rps.append(r)
                n_p99.append(p)
                n_cpu.append(c)
            tr, nr = statistics.median(t_rps), statistics.median(n_rps)
            print("%-22s %10d %12.0f %9.2f %12.0f %9.2f %7.2f %13s" % (
                "%d postings, %s" % (n, enc), size, tr,
                statistics.median(t_p99), nr, statistics.median(n_p99),
                tr / nr, "%.1f / %.1f" % (statistics.median(t_cpu),
                                          statistics.median(n_cpu))))
            sys.stdout.flush()
        print("load average after: %.2f %.2f %.2f" % os.getloadavg())
    finally:
        if nginx_started:
            try:
                with open(os.path.join(work, "nginx.pid")) as f:
                    os.kill(int(f.read().strip()), signal.SIGQUIT)
            except (OSError, ValueError):
                pass
        if tproc is not None:
            tproc.send_signal(signal.SIGTERM)
            try:
                tproc.wait(15)
            except subprocess.TimeoutExpired:
                tproc.kill()
        origin.shutdown()
        time.sleep(0.5)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
