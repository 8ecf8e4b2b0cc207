"""End-to-end harness: tsunagud as a process on loopback.

Origin  -- a scripted origin HTTP server on 127.0.0.1, port 0.  A test sets
           what each path answers; every request is recorded.
Daemon  -- a tsunagud in a temporary directory with its own config, token,
           database and captured stderr.
main()  -- runs the calling file's unittest tests; exits non-zero on failure.

Python 3 standard library only (feedparser is imported by the tests that
use it, as the "real client").  Every wait is bounded.
"""

import datetime
import email.utils
import gzip
import hashlib
import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from xml.sax.saxutils import escape, quoteattr

HOST = "127.0.0.1"
START_TIMEOUT = 15.0       # seconds to wait for "listening on"
STOP_TIMEOUT = 15.0        # seconds to wait for exit after SIGTERM
WAIT_TIMEOUT = 15.0        # default for Daemon.wait_for
HTTP_TIMEOUT = 10.0        # one request to the daemon
HANG_LIMIT = 120.0         # a "hanging" origin response gives up after this

SOURCE_ROOT = os.environ.get(
    "TSUNAGU_SOURCE_ROOT",
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TSUNAGUD = os.environ.get(
    "TSUNAGUD", os.path.join(SOURCE_ROOT, "build", "daemon", "tsunagud"))

TSUNAGU_NS = "urn:tsunagu:posting:1"
ATOM_NS = "http://www.w3.org/2005/Atom"


# ---------------------------------------------------------------------------
# The scripted origin
# ---------------------------------------------------------------------------

class Response:
    """What the origin answers on one path.

    status      HTTP status.
    body        bytes (str is encoded as UTF-8).
    headers     extra headers (dict).
    gzip        False; True: gzip the body when the request accepts gzip;
                "always": gzip whatever the request says.
    delay       seconds to sleep before answering.
    truncate    None, or send only this many body bytes while announcing
                the full Content-Length, then close the connection.
    hang        True: never answer (until the origin stops or HANG_LIMIT).
    conditional True (default for 200): send ETag / Last-Modified and answer
                304 to a matching If-None-Match / If-Modified-Since.
    """

    def __init__(self, status=200, body=b"", headers=None, content_type=None,
                 gzip=False, delay=0.0, truncate=None, hang=False,
                 conditional=None, last_modified=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        if content_type:
            self.headers["Content-Type"] = content_type
        self.gzip = gzip
        self.delay = delay
        self.truncate = truncate
        self.hang = hang
        self.conditional = status == 200 if conditional is None else conditional
        self.etag = '"%s"' % hashlib.sha256(body).hexdigest()[:24]
        self.last_modified = last_modified or time.time()


class Request:
    """One request the origin received and what it answered."""

    def __init__(self, method, path, query, headers):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers      # dict, lower-case names
        self.status = None          # status sent (None: hung / no answer)
        self.sent = 0               # body bytes sent
        self.time = time.time()

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<%s %s -> %s>" % (self.method, self.path, self.status)


def _etag_matches(header, etags):
    if header is None:
        return False
    if header.strip() == "*":
        return True
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag in etags:
            return True
    return False


class _OriginHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tsunagu-e2e-origin/1"
    timeout = 30  # an idle keep-alive connection is closed after this

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_HEAD(self):
        self._serve(head=True)

    def do_GET(self):
        self._serve(head=False)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve(head=False)

    def _serve(self, head):
        origin = self.server.origin
        parts = urllib.parse.urlsplit(self.path)
        req = Request(self.command, parts.path, parts.query,
                      {k.lower(): v for k, v in self.headers.items()})
        origin._record(req)
        resp = origin.response(parts.path)
        if resp is None:
            resp = Response(404, b"not found\n", content_type="text/plain")
        if resp.delay:
            origin._stopping.wait(resp.delay)
        if resp.hang:
            origin._stopping.wait(HANG_LIMIT)
            self.close_connection = True
            return

        body = resp.body
        accepts_gzip = "gzip" in (req.header("Accept-Encoding") or "")
        gzipped = resp.gzip == "always" or (resp.gzip and accepts_gzip)
        etag = resp.etag[:-1] + '-gz"' if gzipped else resp.etag
        status = resp.status
        headers = dict(resp.headers)
        if resp.conditional:
            headers.setdefault("ETag", etag)
            headers.setdefault("Last-Modified", email.utils.formatdate(
                resp.last_modified, usegmt=True))
            inm = req.header("If-None-Match")
            ims = req.header("If-Modified-Since")
            if inm is not None:
                not_modified = _etag_matches(inm, (resp.etag, etag))
            elif ims is not None:
                try:
                    since = email.utils.parsedate_to_datetime(ims).timestamp()
                    not_modified = int(resp.last_modified) <= since
                except (TypeError, ValueError):
                    not_modified = False
            else:
                not_modified = False
            if not_modified:
                status = 304
        if status == 304:
            body = b""
        elif gzipped:
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"

        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        if resp.truncate is not None and status != 304:
            self.send_header("Connection", "close")
        self.end_headers()
        req.status = status
        if head or status == 304:
            return
        if resp.truncate is not None:
            body = body[:resp.truncate]
            self.close_connection = True
        try:
            self.wfile.write(body)
            self.wfile.flush()
            req.sent = len(body)
        except OSError:
            pass


class _OriginServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hangs up early (an aborted oversized body, a
        # timeout) is what some tests do on purpose.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class Origin:
    """A scripted origin server on HOST (default 127.0.0.1), port 0."""

    def __init__(self, host=HOST):
        self._lock = threading.Lock()
        self._responses = {}
        self._requests = []
        self._stopping = threading.Event()
        self.server = _OriginServer((host, 0), _OriginHandler)
        self.server.origin = self
        self.host, self.port = self.server.server_address[:2]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
            name="origin-%d" % self.port, daemon=True)
        self._thread.start()

    def url(self, path):
        return "http://%s:%d%s" % (self.host, self.port, path)

    def set(self, path, *args, **kwargs):
        """Answer `path` with Response(*args, **kwargs); returns it.

        A new 200 body gets a Last-Modified strictly later than the previous
        one on the same path, so If-Modified-Since alone also sees the
        change.
        """
        resp = args[0] if args and isinstance(args[0], Response) \
            else Response(*args, **kwargs)
        with self._lock:
            prev = self._responses.get(path)
            if prev is not None and prev.body != resp.body:
                resp.last_modified = max(resp.last_modified,
                                         int(prev.last_modified) + 1)
            self._responses[path] = resp
        return resp

    def set_feed(self, path, body, content_type=None, **kwargs):
        if content_type is None:
            content_type = ("application/atom+xml; charset=utf-8"
                            if b"<feed" in (body if isinstance(body, bytes)
                                            else body.encode())
                            else "application/rss+xml; charset=utf-8")
        return self.set(path, 200, body, content_type=content_type, **kwargs)

    def response(self, path):
        with self._lock:
            return self._responses.get(path)

    def _record(self, req):
        with self._lock:
            self._requests.append(req)

    def requests(self, path=None):
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    def wait_requests(self, path, count, timeout=WAIT_TIMEOUT):
        """Wait until `path` got at least `count` answered requests."""
        deadline = time.monotonic() + timeout
        while True:
            done = [r for r in self.requests(path) if r.status is not None]
            if len(done) >= count:
                return done
            if time.monotonic() > deadline:
                raise AssertionError(
                    "origin: %d answered request(s) for %s, wanted %d (all: %r)"
                    % (len(done), path, count, self.requests(path)))
            time.sleep(0.05)

    def stop(self):
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


# ---------------------------------------------------------------------------
# Feed documents for the origin
# ---------------------------------------------------------------------------

def _rfc822(dt):
    return email.utils.format_datetime(dt)


def _rfc3339(dt):
    return dt.isoformat(timespec="seconds")


JST = datetime.timezone(datetime.timedelta(hours=9))


def rss(items, title="ボランティア募集", link="https://example.jp/"):
    """An RSS 2.0 document.  items: dicts with title, link, guid (default:
    link), pub (datetime), description, categories (list)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0"><channel>',
           "<title>%s</title><link>%s</link>" % (escape(title), escape(link)),
           "<description>%s</description><language>ja</language>"
           % escape(title)]
    for it in items:
        out.append("<item>")
        out.append("<title>%s</title>" % escape(it["title"]))
        out.append("<link>%s</link>" % escape(it["link"]))
        out.append('<guid isPermaLink="false">%s</guid>'
                   % escape(it.get("guid", it["link"])))
        pub = it.get("pub", datetime.datetime(2026, 6, 1, 9, 0, tzinfo=JST))
        out.append("<pubDate>%s</pubDate>" % _rfc822(pub))
        for c in it.get("categories", []):
            out.append("<category>%s</category>" % escape(c))
        out.append("<description>%s</description>"
                   % escape(it.get("description", "")))
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def atom(entries, title="ボランティア募集", feed_id="urn:uuid:e2e-feed"):
    """An Atom 1.0 document.  entries: dicts with title, link, id (default:
    link), published, updated (datetimes), content (HTML), categories."""
    latest = max([e.get("updated", e.get("published")) for e in entries
                  if e.get("updated", e.get("published"))],
                 default=datetime.datetime(2026, 6, 1, tzinfo=JST))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja">',
           "<title>%s</title><id>%s</id><updated>%s</updated>"
           % (escape(title), escape(feed_id), _rfc3339(latest)),
           "<author><name>%s</name></author>" % escape(title)]
    for e in entries:
        pub = e.get("published", datetime.datetime(2026, 6, 1, 9, tzinfo=JST))
        upd = e.get("updated", pub)
        out.append("<entry>")
        out.append("<title>%s</title>" % escape(e["title"]))
        out.append("<id>%s</id>" % escape(e.get("id", e["link"])))
        out.append('<link rel="alternate" type="text/html" href=%s/>'
                   % quoteattr(e["link"]))
        out.append("<published>%s</published><updated>%s</updated>"
                   % (_rfc3339(pub), _rfc3339(upd)))
        for c in e.get("categories", []):
            out.append("<category term=%s/>" % quoteattr(c))
        out.append('<content type="html">%s</content>'
                   % escape(e.get("content", "")))
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out).encode("utf-8")


# ---------------------------------------------------------------------------
# Configuration text
# ---------------------------------------------------------------------------

def daemon_section(**keys):
    """The [daemon] section with test defaults; keys override (None drops)."""
    base = {
        "listen": "127.0.0.1:0",
        "database": "tsunagu.db",
        "instance": "e2e",
        "region": "232106",
        "allow_networks": "127.0.0.0/8",
        "admin_token_file": "admin.token",
        "connect_timeout": "5",
        "fetch_timeout": "10",
        # Tests poll the admin API in tight loops; the rate-limit tests
        # set their own limits.
        "api_rate": "100000",
        "api_burst": "100000",
    }
    base.update(keys)
    return section("daemon", base)


def section(name, keys):
    lines = ["[%s]" % name]
    for k, v in keys.items():
        if v is not None:
            lines.append("%s = %s" % (k, v))
    return "\n".join(lines) + "\n\n"


def source_section(name, url, kind="city", interval=3600, **keys):
    d = {"url": url, "kind": kind, "interval": interval}
    d.update(keys)
    return section("source %s" % name, d)


# ---------------------------------------------------------------------------
# The daemon
# ---------------------------------------------------------------------------

class DaemonError(AssertionError):
    pass


_LISTEN_RE = re.compile(r"listening on (\S+):(\d+)\s*$", re.M)


class Daemon:
    """A tsunagud process in its own temporary directory.

    d = Daemon(config_text); d.start(); ... d.stop()
    The directory (config, token, database, stderr) survives restart();
    cleanup() kills the process and removes the directory (kept when
    TSUNAGU_E2E_KEEP=1).
    """

    def __init__(self, config_text, token=None, binary=None):
        self.binary = binary or TSUNAGUD
        self.dir = tempfile.mkdtemp(prefix="tsunagu-e2e-")
        self.conf = os.path.join(self.dir, "tsunagu.conf")
        self.token = token or secrets.token_hex(32)
        token_path = os.path.join(self.dir, "admin.token")
        with open(token_path, "w") as f:
            f.write(self.token + "\n")
        os.chmod(token_path, 0o600)
        self.write_config(config_text)
        self.proc = None
        self.port = None
        self.host = None
        self.runs = 0
        self._stderr = None

    # -- files ------------------------------------------------------------

    def write_config(self, text):
        tmp = self.conf + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.conf)

    @property
    def stderr_path(self):
        return os.path.join(self.dir, "stderr.%d.log" % self.runs)

    def log(self):
        """stderr of every run so far, oldest first."""
        text = []
        for i in range(1, self.runs + 1):
            p = os.path.join(self.dir, "stderr.%d.log" % i)
            try:
                with open(p, encoding="utf-8", errors="replace") as f:
                    text.append(f.read())
            except FileNotFoundError:
                pass
        return "".join(text)

    def current_log(self):
        try:
            with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=60):
        return "\n".join(self.log().splitlines()[-lines:])

    # -- process ----------------------------------------------------------

    def start(self, timeout=START_TIMEOUT):
        if not os.access(self.binary, os.X_OK):
            raise DaemonError("no tsunagud at %s (set TSUNAGUD)" % self.binary)
        self.runs += 1
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "-c", self.conf], cwd=self.dir,
            stdin=subprocess.DEVNULL, stdout=self._stderr, stderr=self._stderr,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            m = _LISTEN_RE.search(self.current_log())
            if m:
                self.host = m.group(1).strip("[]")
                self.port = int(m.group(2))
                return self
            if self.proc.poll() is not None:
                raise DaemonError("tsunagud exited with %s before listening:\n%s"
                                  % (self.proc.returncode, self.log_tail()))
            if time.monotonic() > deadline:
                self.kill()
                raise DaemonError("tsunagud did not print 'listening on' in "
                                  "%.0f s:\n%s" % (timeout, self.log_tail()))
            time.sleep(0.05)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        if not self.alive():
            raise DaemonError("tsunagud is not running (exit %s):\n%s"
                              % (self.proc and self.proc.returncode,
                                 self.log_tail()))
        self.proc.send_signal(sig)

    def reload(self):
        """SIGHUP; returns the length of the log before it, so a caller can
        look only at what the reload logged."""
        mark = len(self.current_log())
        self.signal(signal.SIGHUP)
        return mark

    def log_since(self, mark):
        return self.current_log()[mark:]

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, wait (bounded), return the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise DaemonError("tsunagud did not exit %.0f s after SIGTERM:\n%s"
                                  % (timeout, self.log_tail()))
        self._close_stderr()
        return self.proc.returncode

    def restart(self):
        """stop() then start() on the same directory; returns stop's code."""
        rc = self.stop()
        self.start()
        return rc

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self._close_stderr()

    def _close_stderr(self):
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def cleanup(self):
        """Stop the daemon (SIGTERM; SIGKILL if it does not exit), remove
        its directory, and fail if it did not exit 0: a crash or a
        sanitizer report at shutdown is a failure of whichever test ran."""
        problem = None
        if self.alive():
            try:
                rc = self.stop()
                if rc != 0:
                    problem = "tsunagud exited %s after SIGTERM" % rc
            except DaemonError as e:
                problem = str(e)
        elif self.proc is not None and self.proc.returncode not in (0, None) \
                and self.proc.returncode != -signal.SIGKILL:
            problem = "tsunagud had exited %s" % self.proc.returncode
        if problem:
            problem += ":\n" + self.log_tail(100)
        self.kill()
        if os.environ.get("TSUNAGU_E2E_KEEP") == "1":
            sys.stderr.write("kept %s\n" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        if problem:
            raise DaemonError(problem)

    def check(self):
        """`tsunagud -n -c` on this daemon's configuration."""
        return self.check_config(self.conf, self.binary)

    @staticmethod
    def check_config(path, binary=None, timeout=30):
        """Run `tsunagud -n -c PATH`; returns the CompletedProcess (text
        stdout/stderr, returncode)."""
        return subprocess.run([binary or TSUNAGUD, "-n", "-c", path],
                              cwd=os.path.dirname(path) or ".",
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace", timeout=timeout)

    # -- HTTP -------------------------------------------------------------

    @property
    def base(self):
        return "http://%s:%d" % (self.host, self.port)

    def request(self, method, path, headers=None, body=None):
        """One request; returns (status, headers, body bytes).  `path` may
        be an absolute URL on this daemon (a `next` link)."""
        if "://" in path:
            parts = urllib.parse.urlsplit(path)
            if parts.hostname not in (self.host, "localhost") or \
                    (parts.port or 80) != self.port:
                raise DaemonError("URL %s is not on this daemon (%s)"
                                  % (path, self.base))
            path = parts.path + ("?" + parts.query if parts.query else "")
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = dict(headers or {}, **{"Content-Type": "application/json"})
        conn = http.client.HTTPConnection(self.host, self.port,
                                          timeout=HTTP_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.headers, data
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def auth(self, token=None):
        return {"Authorization": "Bearer %s" % (self.token if token is None
                                                 else token)}

    def api(self, path, method="GET", body=None, token=None, headers=None):
        """Admin API call with the bearer token; returns (status, json or
        None).  `path` is relative to /api/v1 unless it starts with /api."""
        if not path.startswith("/api/"):
            path = "/api/v1" + (path if path.startswith("/") else "/" + path)
        h = self.auth(token)
        h.update(headers or {})
        status, _, data = self.request(method, path, h, body)
        try:
            doc = json.loads(data.decode("utf-8")) if data else None
        except ValueError:
            doc = None
        return status, doc

    # -- conveniences over the contract -----------------------------------

    def sources(self):
        status, doc = self.api("/sources")
        if status != 200:
            raise DaemonError("GET /api/v1/sources -> %s %r" % (status, doc))
        return {s["name"]: s for s in doc["sources"]}

    def source(self, name):
        return self.sources().get(name)

    def fetch(self, name):
        """POST /api/v1/sources/NAME/fetch: an immediate poll."""
        status, doc = self.api("/sources/%s/fetch" % urllib.parse.quote(name),
                               method="POST")
        if status != 202:
            raise DaemonError("POST fetch %s -> %s %r" % (name, status, doc))
        return doc

    @staticmethod
    def attempts(state):
        """A number that grows with every finished poll, whether the
        daemon counts failed polls in `fetches`, in `errors`, or both."""
        if not state:
            return 0
        return (state.get("fetches") or 0) + (state.get("errors") or 0)

    def fetch_and_wait(self, name, timeout=WAIT_TIMEOUT):
        """Trigger a poll and wait until it has finished; returns the
        source's state after it."""
        n = self.attempts(self.source(name))
        self.fetch(name)

        def done():
            s = self.source(name)
            return s if self.attempts(s) > n and s.get("last_attempt") else None
        return self.wait_for(done, timeout,
                             "source %s to finish a poll (attempts > %d)"
                             % (name, n))

    def feed_json(self, query=""):
        status, headers, body = self.get("/feeds/all.json" + query)
        if status != 200:
            raise DaemonError("GET /feeds/all.json%s -> %s" % (query, status))
        return json.loads(body.decode("utf-8"))

    def items(self, query=""):
        return self.feed_json(query).get("items", [])

    def metrics(self):
        status, _, body = self.get("/metrics")
        if status != 200:
            raise DaemonError("GET /metrics -> %s" % status)
        return Metrics(body.decode("utf-8"))

    def wait_for(self, predicate, timeout=WAIT_TIMEOUT, what=None,
                 interval=0.1):
        """Poll `predicate` until it returns something truthy (returned).
        Exceptions inside it count as "not yet".  Fails when the daemon
        dies or after `timeout` seconds, with the log tail."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            try:
                value = predicate()
                if value:
                    return value
                last = value
            except Exception as e:  # noqa: BLE001 -- reported on timeout
                last = e
            if not self.alive():
                raise DaemonError("tsunagud died (exit %s) while waiting for %s:"
                                  "\n%s" % (self.proc and self.proc.returncode,
                                            what or predicate, self.log_tail()))
            if time.monotonic() > deadline:
                raise DaemonError("timed out after %.0f s waiting for %s; last: "
                                  "%r\n--- tsunagud log ---\n%s"
                                  % (timeout, what or predicate, last,
                                     self.log_tail()))
            time.sleep(interval)


# ---------------------------------------------------------------------------
# Prometheus text
# ---------------------------------------------------------------------------

_SAMPLE_RE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
_LABEL_RE = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    def __init__(self, text):
        self.text = text
        self.samples = []
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            m = _SAMPLE_RE.match(line)
            if not m:
                continue
            labels = dict(_LABEL_RE.findall(m.group(2) or ""))
            try:
                value = float(m.group(3))
            except ValueError:
                continue
            self.samples.append((m.group(1), labels, value))

    def get(self, name, **labels):
        """The value of the one sample matching name and labels (a subset),
        or None."""
        for n, lab, v in self.samples:
            if n == name and all(lab.get(k) == v2 for k, v2 in labels.items()):
                return v
        return None

    def find(self, name, **labels):
        return [(lab, v) for n, lab, v in self.samples
                if n == name and all(lab.get(k) == v2
                                     for k, v2 in labels.items())]


# ---------------------------------------------------------------------------
# Small helpers for tests
# ---------------------------------------------------------------------------

def parse_time(s):
    """RFC 3339 → aware datetime (None stays None)."""
    if s is None:
        return None
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def gunzip(data):
    return gzip.decompress(data)


def dump_log(d, lines=200):
    """Print the tail of a daemon's log on stderr (for failures)."""
    sys.stderr.write("\n--- tsunagud log (%s) ---\n%s\n"
                     % (d.dir, d.log_tail(lines)))


class TestCase(unittest.TestCase):
    """unittest.TestCase that prints the daemons' logs when a test fails."""

    # Daemons shared by a whole class (setUpClass): their logs are printed
    # when any test of the class fails.
    shared_daemons = ()

    def tearDown(self):
        if self._failed():
            for d in self.shared_daemons:
                self._dump(d)

    def new_origin(self, host=HOST):
        o = Origin(host)
        self.addCleanup(o.stop)
        return o

    def new_daemon(self, config_text, start=True):
        d = Daemon(config_text)
        self.addCleanup(d.cleanup)
        self.addCleanup(self._dump_on_failure, d)
        if start:
            d.start()
        return d

    def _failed(self):
        outcome = getattr(self, "_outcome", None)
        result = getattr(outcome, "result", None)
        if result is None:
            return False
        for test, _ in list(result.failures) + list(result.errors):
            if test is self:
                return True
        return not getattr(outcome, "success", True)

    def _dump_on_failure(self, d):
        if self._failed():
            self._dump(d)

    @staticmethod
    def _dump(d):
        dump_log(d)


def main():
    """Run the calling module's tests; exit 1 on any failure or error."""
    if not os.access(TSUNAGUD, os.X_OK):
        sys.stderr.write("no tsunagud at %s (set TSUNAGUD)\n" % TSUNAGUD)
        sys.exit(1)
    prog = unittest.main(module="__main__", verbosity=2, exit=False)
    result = prog.result
    # A failing subTest is reported per subtest: count each test once.
    failed = {getattr(t, "test_case", t).id()
              for t, _ in result.failures + result.errors}
    skipped = len(result.skipped)
    print("%d passed, %d failed, %d skipped" % (
        result.testsRun - len(failed) - skipped, len(failed), skipped))
    sys.exit(0 if result.wasSuccessful() else 1)
