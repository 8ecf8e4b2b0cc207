"""The outbound proxy ([daemon] proxy and no_proxy) on loopback.

A tiny forward proxy written here (CONNECT tunnels and absolute-form
requests) records every request it gets.  The daemon must

  - reach an allowed destination through the proxy, as a CONNECT tunnel to
    the address it resolved itself (never to a name the proxy would resolve
    again), even though the proxy itself is on an address allow_networks
    does not list;
  - refuse a destination that allow_networks does not allow -- an address,
    or a name that resolves to one -- without a byte to the proxy;
  - follow redirects itself, hop by hop, checking each one the same way;
  - reach no_proxy destinations (host, .domain, network) directly;
  - say so when the proxy refuses the tunnel;
  - send webhook deliveries the same way (their fetcher is another one:
    the proxy travels with the outbound rules every fetcher borrows).
"""

import datetime
import select
import socket
import socketserver
import threading
import time

import harness
from harness import JST, rss
from webhook_sink import Sink

FEED = rss([{"title": "プロキシ越しの清掃活動",
             "link": "https://example.jp/volunteer/proxy/1",
             "pub": datetime.datetime(2026, 6, 1, 9, 0, tzinfo=JST)}])

RELAY_LIMIT = 30.0   # seconds a tunnel may stay open
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class _ProxyHandler(socketserver.BaseRequestHandler):
    def handle(self):
        proxy = self.server.proxy
        sock = self.request
        sock.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = sock.recv(4096)
            if not chunk:
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
        headers = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            headers[k.strip().lower()] = v.strip()
        proxy.record(method, target, headers)
        if method == "CONNECT":
            self._connect(sock, target, rest)
        else:
            self._forward(sock, method, target, headers, head, rest)

    def _connect(self, sock, target, rest):
        proxy = self.server.proxy
        if proxy.refuse_connect:
            sock.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
            return
        host, _, port = target.rpartition(":")
        try:
            up = socket.create_connection((host.strip("[]"), int(port)), 5)
        except OSError:
            sock.sendall(b"HTTP/1.1 502 Bad Gateway\r\n"
                         b"Content-Length: 0\r\n\r\n")
            return
        sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if rest:
            up.sendall(rest)
        self._relay(sock, up)

    def _forward(self, sock, method, target, headers, head, rest):
        # Absolute-form: the proxy would resolve the name itself.
        if not target.startswith("http://"):
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\n"
                         b"Content-Length: 0\r\n\r\n")
            return
        hostport, _, path = target[7:].partition("/")
        host, _, port = hostport.rpartition(":")
        up = socket.create_connection((host.strip("[]"), int(port or 80)),
                                      5)
        first = "%s /%s HTTP/1.1\r\n" % (method, path)
        lines = head.decode("latin-1").split("\r\n")[1:]
        lines = [ln for ln in lines
                 if not ln.lower().startswith(("proxy-", "connection"))]
        up.sendall((first + "\r\n".join(lines) +
                    "\r\nConnection: close\r\n\r\n").encode("latin-1") + rest)
        self._relay(sock, up)

    @staticmethod
    def _relay(a, b):
        deadline = time.monotonic() + RELAY_LIMIT
        socks = [a, b]
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select(socks, [], [], 0.5)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            pass
        finally:
            b.close()


class _ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class RecordingProxy:
    """A forward proxy on 127.0.0.1, port 0, that records what it is
    asked: (method, target, headers)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._requests = []
        self.refuse_connect = False
        self.server = _ProxyServer(("127.0.0.1", 0), _ProxyHandler)
        self.server.proxy = self
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def record(self, method, target, headers):
        with self._lock:
            self._requests.append((method, target, headers))

    def requests(self):
        with self._lock:
            return list(self._requests)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


class OutboundProxy(harness.TestCase):

    def setUp(self):
        self.proxy = RecordingProxy()
        self.addCleanup(self.proxy.stop)

    @staticmethod
    def polled(d, name):
        """The source's state once its first poll (at start) is done."""
        def done():
            s = d.source(name)
            return s if d.attempts(s) >= 1 and s.get("last_attempt") \
                else None
        return d.wait_for(done, what="the first poll of %s" % name)

    def start(self, sources, **daemon):
        keys = {"proxy": self.proxy.url, "allow_networks": "127.0.0.1/32"}
        keys.update(daemon)
        text = harness.daemon_section(**keys)
        for name, url in sources:
            text += harness.source_section(name, url)
        return self.new_daemon(text)

    def test_allowed_destination_goes_through_the_proxy(self):
        origin = self.new_origin()
        origin.set_feed("/feed.xml", FEED)
        d = self.start([("city", origin.url("/feed.xml"))],
                       allow_networks="127.0.0.1/32")
        state = self.polled(d, "city")
        self.assertIsNone(state["error"], state)
        self.assertEqual(len(d.items()), 1)
        # A tunnel to the address the daemon resolved and checked.
        connects = [r for r in self.proxy.requests() if r[0] == "CONNECT"]
        self.assertEqual([r[1] for r in connects],
                         ["127.0.0.1:%d" % origin.port])
        self.assertEqual(len(origin.requests("/feed.xml")), 1)
        # The origin sees its own name in Host, not the proxy's.
        self.assertEqual(origin.requests("/feed.xml")[0].header("Host"),
                         "127.0.0.1:%d" % origin.port)

    def test_name_is_resolved_here_and_pinned(self):
        origin = self.new_origin()
        origin.set_feed("/feed.xml", FEED)
        url = "http://localhost:%d/feed.xml" % origin.port
        d = self.start([("city", url)],
                       allow_networks="127.0.0.0/8, ::1/128")
        state = self.polled(d, "city")
        self.assertIsNone(state["error"], state)
        targets = [r[1] for r in self.proxy.requests() if r[0] == "CONNECT"]
        self.assertEqual(len(targets), 1, targets)
        # Never "localhost:PORT": the proxy must not resolve again.
        self.assertIn(targets[0], ("127.0.0.1:%d" % origin.port,
                                   "[::1]:%d" % origin.port))
        self.assertEqual(origin.requests("/feed.xml")[0].header("Host"),
                         "localhost:%d" % origin.port)

    def test_denied_destination_never_reaches_the_proxy(self):
        origin = self.new_origin()
        origin.set_feed("/feed.xml", FEED)
        # 127.0.0.2 is loopback and not in allow_networks; the proxy on
        # 127.0.0.1 is reached only because it is the proxy.
        d = self.start([
            ("inside", "http://127.0.0.2:%d/feed.xml" % origin.port),
            ("named", "http://localhost:%d/feed.xml" % origin.port),
        ], allow_networks="127.0.0.3/32")
        for name, addr in (("inside", "127.0.0.2"), ("named", "127.0.0.1")):
            state = self.polled(d, name)
            self.assertEqual(state["error_code"], "refused", state)
            self.assertIn(addr, state["error"])
        self.assertEqual(self.proxy.requests(), [])
        self.assertEqual(origin.requests(), [])
        m = d.metrics()
        self.assertIsNotNone(m.get("tsunagu_source_failing", source="inside",
                                   reason="refused"))

    def test_redirects_are_followed_and_checked_hop_by_hop(self):
        origin = self.new_origin()
        origin.set_feed("/feed.xml", FEED)
        origin.set("/moved", 301, headers={
            "Location": origin.url("/feed.xml")})
        origin.set("/inside", 302, headers={
            "Location": "http://127.0.0.2:%d/feed.xml" % origin.port})
        origin.set("/loop", 302, headers={"Location": origin.url("/loop")})
        d = self.start([("moved", origin.url("/moved")),
                        ("inside", origin.url("/inside")),
                        ("loop", origin.url("/loop"))],
                       max_redirects="3")
        state = self.polled(d, "moved")
        self.assertIsNone(state["error"], state)
        self.assertEqual(len(origin.requests("/feed.xml")), 1)
        state = self.polled(d, "inside")
        self.assertEqual(state["error_code"], "refused", state)
        self.assertIn("127.0.0.2", state["error"])
        self.assertEqual(len(origin.requests("/inside")), 1)
        # The first hop went through the proxy, the refused one nowhere.
        for method, target, _ in self.proxy.requests():
            self.assertEqual(target, "127.0.0.1:%d" % origin.port)
        state = self.polled(d, "loop")
        self.assertEqual(state["error_code"], "redirects", state)
        self.assertEqual(len(origin.requests("/loop")), 4)

    def test_no_proxy_goes_direct(self):
        # 127.0.0.3 is a second loopback address (Linux routes 127/8).
        direct = self.new_origin("127.0.0.3")
        direct.set_feed("/feed.xml", FEED)
        named = self.new_origin()
        named.set_feed("/feed.xml", FEED)
        proxied = self.new_origin()
        proxied.set_feed("/feed.xml", FEED)
        d = self.start([
            ("net", direct.url("/feed.xml")),
            ("host", "http://localhost:%d/feed.xml" % named.port),
            ("via", proxied.url("/feed.xml")),
        ], allow_networks="127.0.0.0/8, ::1/128",
            no_proxy="127.0.0.3/32, localhost")
        for name in ("net", "host", "via"):
            state = self.polled(d, name)
            self.assertIsNone(state["error"], (name, state))
        targets = [r[1] for r in self.proxy.requests()]
        self.assertEqual(targets, ["127.0.0.1:%d" % proxied.port])
        self.assertEqual(len(direct.requests("/feed.xml")), 1)
        self.assertEqual(len(named.requests("/feed.xml")), 1)

    def test_no_proxy_is_still_subject_to_allow_networks(self):
        direct = self.new_origin("127.0.0.3")
        direct.set_feed("/feed.xml", FEED)
        d = self.start([("net", direct.url("/feed.xml"))],
                       allow_networks="127.0.0.1/32",
                       no_proxy="127.0.0.0/8")
        state = self.polled(d, "net")
        self.assertEqual(state["error_code"], "refused", state)
        self.assertEqual(self.proxy.requests(), [])
        self.assertEqual(direct.requests(), [])

    def test_proxy_refusing_the_tunnel(self):
        self.proxy.refuse_connect = True
        origin = self.new_origin()
        origin.set_feed("/feed.xml", FEED)
        d = self.start([("city", origin.url("/feed.xml"))])
        state = self.polled(d, "city")
        self.assertEqual(state["error_code"], "connect", state)
        self.assertIn("403", state["error"])
        self.assertEqual(origin.requests(), [])

    def test_reload_sets_and_removes_the_proxy(self):
        origin = self.new_origin()
        origin.set_feed("/feed.xml", FEED)
        text = (harness.daemon_section(allow_networks="127.0.0.1/32")
                + harness.source_section("city", origin.url("/feed.xml")))
        d = self.new_daemon(text)
        self.polled(d, "city")
        self.assertEqual(self.proxy.requests(), [])
        proxy = "http://tsunagu:secret-pw@127.0.0.1:%d" % self.proxy.port
        d.write_config(harness.daemon_section(
            allow_networks="127.0.0.1/32", proxy=proxy)
            + harness.source_section("city", origin.url("/feed.xml")))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log_since(mark),
                   what="the reload")
        state = d.fetch_and_wait("city")
        self.assertIsNone(state["error"], state)
        (method, _, headers), = self.proxy.requests()
        self.assertEqual(method, "CONNECT")
        self.assertTrue(headers.get("proxy-authorization", "")
                        .startswith("Basic "), headers)
        # The credentials of a proxy URL never reach the log.
        self.assertNotIn("secret-pw", d.log())

    def test_webhook_deliveries_go_through_the_proxy(self):
        sink = Sink()
        self.addCleanup(sink.stop)
        origin = self.new_origin()
        origin.set_feed("/feed.xml", FEED)
        text = (harness.daemon_section(proxy=self.proxy.url,
                                       allow_networks="127.0.0.1/32")
                + harness.source_section("city", origin.url("/feed.xml"))
                + harness.section("subscriber acme", {
                    "webhook": sink.url("/hook"), "secret": SECRET})
                + harness.section("subscriber inside", {
                    "webhook": "http://127.0.0.2:%d/hook" % sink.port,
                    "secret": SECRET}))
        d = self.new_daemon(text)
        self.polled(d, "city")
        got = sink.wait(1, "/hook")
        self.assertEqual(got[0].json()["type"], "posting.created")
        targets = [r[1] for r in self.proxy.requests() if r[0] == "CONNECT"]
        self.assertIn("127.0.0.1:%d" % sink.port, targets)
        self.assertIn("127.0.0.1:%d" % origin.port, targets)
        # The one to a refused address fails without reaching the proxy.
        def refused():
            status, doc = d.api("/deliveries?subscriber=inside")
            return [x for x in (doc or {}).get("deliveries", [])
                    if x.get("last_error")]
        failed = d.wait_for(refused, what="the refused delivery")
        self.assertIn("127.0.0.2", failed[0]["last_error"])
        self.assertFalse(any("127.0.0.2" in t for t in targets))

    def test_configuration_errors(self):
        for value, want in (("https://127.0.0.1:3128", "only http://"),
                            ("http://127.0.0.1", "give the port"),
                            ("http://127.0.0.1:3128/path", "nothing may"),
                            ("proxy.example.jp:3128", "")):
            d = harness.Daemon(harness.daemon_section(proxy=value))
            self.addCleanup(d.cleanup)
            res = d.check()
            self.assertEqual(res.returncode, 1, (value, res.stderr))
            self.assertIn("proxy", res.stderr)
            self.assertIn(want, res.stderr)
        for value in ("bad*host", "10.1.0.0/8", "a..b", "*"):
            d = harness.Daemon(harness.daemon_section(no_proxy=value))
            self.addCleanup(d.cleanup)
            res = d.check()
            self.assertEqual(res.returncode, 1, (value, res.stderr))
            self.assertIn("no_proxy", res.stderr)
        d = harness.Daemon(harness.daemon_section(
            proxy="http://user:secret-pw@proxy.example.jp:8080",
            no_proxy=".city.example.jp, intranet, 10.0.0.0/8, fd00::/8"))
        self.addCleanup(d.cleanup)
        res = d.check()
        self.assertEqual(res.returncode, 0, res.stderr)


if __name__ == "__main__":
    harness.main()
