"""The HTTP server under abuse (issue 11): header size, body limits per
route, the absolute deadline for a request header, the connection cap
([daemon] max_connections, daemon/http/connlimit.c) and 2,000 slowloris
connections while probes keep being answered.

Raw sockets on 127.0.0.1 only; every wait is bounded.  The test raises its
own RLIMIT_NOFILE (and so the daemon's, which inherits it) to what 2,000
connections need, within the hard limit.
"""

import errno
import os
import resource
import selectors
import socket
import threading
import time

import harness

HEADER_DEADLINE = 10       # connlimit.h CONNLIMIT_HEADER_DEADLINE
CAP = 256                  # max_connections here
OWN = 16                   # the listener and the daemon's own sockets
PROBE_BOUND = 5.0          # seconds a probe may take under the flood
SLOWLORIS = 2000
FLOOD_SECONDS = 25         # long enough for deadlines to cut through


def raise_nofile(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def exchange(d, data, timeout=10.0):
    """Sends raw bytes, returns what comes back until the server closes or
    a whole response (by Content-Length) has arrived."""
    s = socket.create_connection((d.host, d.port), timeout=timeout)
    try:
        s.sendall(data)
        return read_response(s, timeout)
    finally:
        s.close()


def read_response(s, timeout=10.0):
    s.settimeout(timeout)
    buf = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            break
        if not chunk:
            break
        buf += chunk
        head, sep, body = buf.partition(b"\r\n\r\n")
        if sep:
            length = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v.strip())
            if len(body) >= length:
                return buf
    return buf


def status_of(resp):
    if not resp.startswith(b"HTTP/"):
        return None
    return int(resp.split(b" ", 2)[1])


def open_sockets(pid):
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


class Probe:
    """GET /healthz every 0.2 s on a new connection each time."""

    def __init__(self, d):
        self.d = d
        self.latencies, self.failures = [], []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                status, _, _ = self.d.get("/healthz")
                if status != 200:
                    self.failures.append(status)
            except Exception as e:  # noqa: BLE001 -- reported by the test
                self.failures.append(repr(e))
            self.latencies.append(time.monotonic() - t0)
            self._stop.wait(0.2)

    def stop(self):
        self._stop.set()
        self.thread.join(30)


class Slowloris:
    """n connections sending a request header one line every `every`
    seconds, never finishing it; a connection the server closes is
    opened again 0.2 s later (as an attacker would), for `duration`
    seconds."""

    def __init__(self, host, port, n, every=2.0):
        self.host, self.port, self.n, self.every = host, port, n, every
        self.sel = selectors.DefaultSelector()
        self.opened = self.closed_by_server = self.failed = 0
        self.max_open = 0
        self.reopen = []           # when to open a closed one again

    def _open(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((self.host, self.port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            self.failed += 1
            return
        self.opened += 1
        state = {"next": time.monotonic() + self.every * (self.opened % 10)
                 / 10, "lines": 0, "sent_first": False}
        self.sel.register(s, selectors.EVENT_READ, state)

    def run(self, duration):
        for _ in range(self.n):
            self._open()
        end = time.monotonic() + duration
        while time.monotonic() < end:
            now = time.monotonic()
            for key, _ in self.sel.select(timeout=0.05):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    self.sel.unregister(s)
                    s.close()
                    self.closed_by_server += 1
                    self.reopen.append(now + 0.2)
            while self.reopen and self.reopen[0] <= now and now < end - 1:
                self.reopen.pop(0)
                self._open()
            for key in list(self.sel.get_map().values()):
                st = key.data
                if now < st["next"]:
                    continue
                st["next"] = now + self.every
                line = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                        if not st["sent_first"]
                        else b"X-Slow-%d: y\r\n" % st["lines"])
                try:
                    key.fileobj.send(line)
                    st["sent_first"] = True
                    st["lines"] += 1
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    pass
            self.max_open = max(self.max_open, len(self.sel.get_map()))

    def close(self):
        for key in list(self.sel.get_map().values()):
            self.sel.unregister(key.fileobj)
            key.fileobj.close()
        self.sel.close()


class HttpAbuseTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        raise_nofile(SLOWLORIS + 2200)
        cls.daemon = d = harness.Daemon(harness.daemon_section(
            max_connections=str(CAP)))
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        d.start()

    # -- sizes --------------------------------------------------------------

    def test_header_size(self):
        d = self.daemon
        ok = exchange(d, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                      b"a" * 7000 + b"\r\n\r\n")
        self.assertEqual(status_of(ok), 200)
        big = exchange(d, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                       b"a" * 9000 + b"\r\n\r\n")
        self.assertNotEqual(status_of(big), 200, big[:200])
        many = exchange(d, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" +
                        b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 90)
                                 for i in range(100)) + b"\r\n")
        self.assertNotEqual(status_of(many), 200, many[:200])
        # Still serving.
        self.assertEqual(d.get("/healthz")[0], 200)

    def post(self, path, length, chunked=False, keep=None, token=True):
        d = self.daemon
        head = [b"POST %s HTTP/1.1" % path.encode(), b"Host: x",
                b"Content-Type: application/json"]
        if token:
            head.append(b"Authorization: Bearer %s" % d.token.encode())
        body = b"{" + b" " * max(0, length - 2) + b"}"
        if chunked:
            head.append(b"Transfer-Encoding: chunked")
            payload = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 8192]),
                                                  body[i:i + 8192])
                               for i in range(0, len(body), 8192))
            payload += b"0\r\n\r\n"
        else:
            head.append(b"Content-Length: %d" % len(body))
            payload = body
        s = socket.create_connection((d.host, d.port), timeout=10)
        try:
            s.sendall(b"\r\n".join(head) + b"\r\n\r\n")
            try:
                s.sendall(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return status_of(read_response(s))
        finally:
            s.close()

    def test_body_limits_per_route(self):
        # (path, a size the route takes, a size it refuses)
        for path, under, over in (
                ("/api/v1/postings", 200 * 1024, 300 * 1024),
                ("/api/v1/sources", 60 * 1024, 70 * 1024),
                ("/api/v1/tokens", 60 * 1024, 70 * 1024),
                ("/hub", 60 * 1024, 70 * 1024)):
            with self.subTest(path=path):
                self.assertNotEqual(self.post(path, under), 413)
                self.assertEqual(self.post(path, over), 413)
                self.assertEqual(self.post(path, over, chunked=True), 413)
        # Beyond the server-wide maximum, whatever the route.
        self.assertEqual(self.post("/api/v1/postings", 2 << 20), 413)
        # No body on a GET.
        resp = exchange(self.daemon, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Length: 10\r\n\r\n0123456789")
        self.assertEqual(status_of(resp), 413)
        resp = exchange(self.daemon, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Length: 0\r\n\r\n")
        self.assertEqual(status_of(resp), 200)

    def test_body_limits_follow_keep_alive(self):
        # One connection: a small API body, then a posting of 200 kB (its
        # own route's limit, not the previous request's), then a GET.
        d = self.daemon
        auth = b"Authorization: Bearer %s\r\n" % d.token.encode()
        s = socket.create_connection((d.host, d.port), timeout=10)
        try:
            body = b'{"x": 1}'
            s.sendall(b"POST /api/v1/sources HTTP/1.1\r\nHost: x\r\n" + auth +
                      b"Content-Type: application/json\r\nContent-Length: "
                      b"%d\r\n\r\n%s" % (len(body), body))
            self.assertNotEqual(status_of(read_response(s)), 413)
            body = b"{" + b" " * (200 * 1024) + b"}"
            s.sendall(b"POST /api/v1/postings HTTP/1.1\r\nHost: x\r\n" + auth +
                      b"Content-Type: application/json\r\nContent-Length: "
                      b"%d\r\n\r\n%s" % (len(body), body))
            self.assertNotIn(status_of(read_response(s)), (413, None))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(status_of(read_response(s)), 200)
        finally:
            s.close()

    # -- time -------------------------------------------------------------

    def test_header_deadline(self):
        d = self.daemon
        socks = []
        try:
            # Nothing at all; a header trickling a line a second; a good
            # request followed by a trickling second one (keep-alive).
            silent = socket.create_connection((d.host, d.port), timeout=30)
            trickle = socket.create_connection((d.host, d.port), timeout=30)
            second = socket.create_connection((d.host, d.port), timeout=30)
            socks = [silent, trickle, second]
            second.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(status_of(read_response(second)), 200)
            t0 = time.monotonic()
            trickle.sendall(b"GET /healthz HTTP/1.1\r\n")
            second.sendall(b"GET /healthz HTTP/1.1\r\n")
            closed = {}
            for s in socks:
                s.setblocking(False)
            i = 0
            while len(closed) < 3 and time.monotonic() - t0 < 3 * \
                    HEADER_DEADLINE:
                time.sleep(1)
                i += 1
                for name, s in (("silent", silent), ("trickle", trickle),
                                ("second", second)):
                    if name in closed:
                        continue
                    try:
                        if name != "silent":
                            s.send(b"X-Slow-%d: y\r\n" % i)
                        if s.recv(1024) == b"":
                            closed[name] = time.monotonic() - t0
                    except BlockingIOError:
                        pass
                    except OSError:
                        closed[name] = time.monotonic() - t0
            self.assertEqual(set(closed), {"silent", "trickle", "second"},
                             closed)
            for name, after in closed.items():
                # Not evhttp's idle timeout (30 s, restarted at every byte).
                self.assertLess(after, HEADER_DEADLINE + 5, name)
                self.assertGreater(after, HEADER_DEADLINE - 2, name)
        finally:
            for s in socks:
                s.close()
        self.assertEqual(d.get("/healthz")[0], 200)

    # -- connections --------------------------------------------------------

    def test_connection_cap(self):
        d = self.daemon
        held = []
        try:
            for _ in range(600):
                s = socket.create_connection((d.host, d.port), timeout=10)
                s.sendall(b"GET /healthz HTTP/1.1\r\n")
                held.append(s)
            time.sleep(1.5)   # the one-second sweep
            n = open_sockets(d.proc.pid)
            self.assertLessEqual(n, CAP + OWN, n)
            self.assertEqual(d.get("/healthz")[0], 200)
            # The oldest unfinished headers went first.
            closed = 0
            for s in held[:100]:
                s.setblocking(False)
                try:
                    if s.recv(1) == b"":
                        closed += 1
                except BlockingIOError:
                    pass
                except OSError:
                    closed += 1
            self.assertEqual(closed, 100)
        finally:
            for s in held:
                s.close()

    def test_zz_slowloris_2000(self):
        d = self.daemon
        limit = raise_nofile(SLOWLORIS + 2200)
        if limit < SLOWLORIS + 200:
            self.skipTest("RLIMIT_NOFILE %d is too low for %d connections"
                          % (limit, SLOWLORIS))
        probe = Probe(d)
        loris = Slowloris(d.host, d.port, SLOWLORIS)
        try:
            loris.run(FLOOD_SECONDS)
        finally:
            probe.stop()
            loris.close()
        self.assertEqual(probe.failures, [])
        self.assertGreater(len(probe.latencies), FLOOD_SECONDS)
        self.assertLess(max(probe.latencies), PROBE_BOUND,
                        sorted(probe.latencies)[-5:])
        # The flood did fill the server: it closed connections (the cap
        # and the deadline), which the attacker opened again.
        self.assertGreater(loris.closed_by_server, SLOWLORIS - CAP)
        self.assertGreaterEqual(loris.max_open, SLOWLORIS * 9 // 10)
        self.assertLessEqual(open_sockets(d.proc.pid), CAP + OWN)
        self.assertTrue(d.alive())


if __name__ == "__main__":
    harness.main()
