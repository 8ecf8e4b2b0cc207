"""A webhook receiver for the tests: a threaded HTTP/1.1 server on
127.0.0.1, port 0, that records every request and answers from a script.

    sink = Sink(); sink.url("/hook/acme")
    sink.script("/hook/acme", [500, (429, {"Retry-After": "1"}), 204])
    sink.wait(3, "/hook/acme")
    sink.verify(request, "whsec_...")     # Standard Webhooks signature

Python standard library only; every wait is bounded.
"""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
import urllib.parse

WAIT_TIMEOUT = 20.0


class Delivery:
    """One request the sink received."""

    def __init__(self, path, headers, body, status, method="POST"):
        self.method = method
        self.path = path
        self.headers = headers          # lower-case names
        self.body = body                # bytes
        self.status = status            # what the sink answered
        self.time = time.time()

    @property
    def id(self):
        return self.headers.get("webhook-id")

    @property
    def timestamp(self):
        return self.headers.get("webhook-timestamp")

    @property
    def signature(self):
        return self.headers.get("webhook-signature")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<%s %s -> %s>" % (self.path, self.id, self.status)


def sign(secret, msg_id, timestamp, body):
    """The "v1,..." signature of the Standard Webhooks specification."""
    key = base64.b64decode(secret[len("whsec_"):]
                           if secret.startswith("whsec_") else secret)
    mac = hmac.new(key, b"%s.%s.%s" % (msg_id.encode(),
                                       str(timestamp).encode(), body),
                   hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def verify(delivery, secret):
    """True when one of the request's signatures is the secret's."""
    if not (delivery.id and delivery.timestamp and delivery.signature):
        return False
    want = sign(secret, delivery.id, delivery.timestamp, delivery.body)
    return any(hmac.compare_digest(want, s)
               for s in delivery.signature.split(" "))


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        sink = self.server.sink
        status, headers = sink._answer(self.path)
        sink._record(Delivery(self.path, {k.lower(): v for k, v in
                                          self.headers.items()}, body,
                              status))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        # WebSub intent verification: echo hub.challenge, unless told
        # otherwise for this path.
        sink = self.server.sink
        path, _, query = self.path.partition("?")
        params = urllib.parse.parse_qs(query)
        how = sink._verify.get(path, "echo")
        challenge = params.get("hub.challenge", [""])[0]
        status, body = 200, challenge.encode()
        if how == "wrong":
            body = b"not the challenge"
        elif isinstance(how, int):
            status = how
        sink._record(Delivery(self.path, {k.lower(): v for k, v in
                                          self.headers.items()}, b"",
                              status, method="GET"))
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def handle_error(self, request, client_address):
        pass


class Sink:
    def __init__(self, host="127.0.0.1"):
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._scripts = {}
        self._default = {}
        self._verify = {}
        self._got = []
        self.server = _Server((host, 0), _Handler)
        self.server.sink = self
        self.host, self.port = self.server.server_address[:2]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
            name="sink-%d" % self.port, daemon=True)
        self._thread.start()

    def url(self, path):
        return "http://%s:%d%s" % (self.host, self.port, path)

    def script(self, path, answers):
        """The next answers on path: statuses, or (status, headers)."""
        with self._lock:
            self._scripts.setdefault(path, []).extend(answers)

    def default(self, path, status):
        """What path answers once its script is used up (204)."""
        with self._lock:
            self._default[path] = status

    def verification(self, path, how):
        """How a WebSub verification GET on path is answered: "echo"
        (the default), "wrong" (another body) or a status."""
        with self._lock:
            self._verify[path] = how

    def _answer(self, path):
        with self._lock:
            queue = self._scripts.get(path)
            a = queue.pop(0) if queue else self._default.get(path, 204)
        if isinstance(a, tuple):
            return a[0], dict(a[1])
        return a, {}

    def _record(self, d):
        with self._cond:
            self._got.append(d)
            self._cond.notify_all()

    def requests(self, path=None):
        with self._lock:
            return [d for d in self._got if path is None or d.path == path]

    def wait(self, count, path=None, timeout=WAIT_TIMEOUT, what=None):
        """Until path (any, when None) got count requests; returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [d for d in self._got
                       if path is None or d.path == path]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        "sink: %d request(s) on %s, wanted %d%s: %r"
                        % (len(got), path or "any path", count,
                           " (%s)" % what if what else "", got[-5:]))
                self._cond.wait(min(left, 0.5))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
