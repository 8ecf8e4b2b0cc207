"""tsunagud as a WebSub subscriber (push in).

- Against a hub this test runs: a source whose feed names a hub is
  subscribed there with a secret and the callback BASE/websub/SOURCE; the
  hub's verification is answered (and a verification for an intent the
  daemon does not have is not); a signed push is taken in at once,
  without a poll; a push with a wrong signature is ignored; a denial
  hands the source back to polling.
- Against tsunagud's own hub: one instance federates another's feed,
  subscribes at its hub, and a change at the first reaches the second by
  push.
"""

import hashlib
import hmac
import http.server
import re
import threading
import time
import urllib.parse
import urllib.request

import apikit
import harness


class TestHub:
    """A minimal WebSub hub: records subscription requests, answers 202,
    then verifies the callback's intent (as a hub does) from a thread."""

    def __init__(self, lease=600):
        self.lease = lease
        self.requests = []
        self.verifications = []
        self.lock = threading.Lock()
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(n).decode())
                form = {k: v[0] for k, v in form.items()}
                with hub.lock:
                    hub.requests.append(form)
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                threading.Thread(target=hub.verify, args=(form,),
                                 daemon=True).start()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/hub" % self.port

    def verify(self, form, mode=None, topic=None):
        """GET the callback as a hub verifies; records (status, echoed)."""
        challenge = "c%d" % time.monotonic_ns()
        q = {"hub.mode": mode or form["hub.mode"],
             "hub.topic": topic or form["hub.topic"],
             "hub.challenge": challenge}
        if q["hub.mode"] == "subscribe":
            q["hub.lease_seconds"] = str(self.lease)
        url = form["hub.callback"] + "?" + urllib.parse.urlencode(q)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                got = (r.status, r.read().decode() == challenge)
        except urllib.error.HTTPError as e:
            got = (e.code, False)
        with self.lock:
            self.verifications.append(got)
        return got

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def with_hub(feed, hub_url, self_url):
    """An RSS document that names its hub and itself (atom:link)."""
    links = ('<atom:link xmlns:atom="http://www.w3.org/2005/Atom" '
             'rel="hub" href="%s"/><atom:link xmlns:atom='
             '"http://www.w3.org/2005/Atom" rel="self" href="%s"/>'
             % (hub_url, self_url)).encode()
    return feed.replace(b"<channel>", b"<channel>" + links, 1)


def polled(d, source="kariya"):
    """How many polls of source the log shows (pushes log "pushed")."""
    return len(re.findall(r"source %s: (\d{3},|not modified)" % source,
                          d.log()))


def push(d, source, body, secret, content_type="application/rss+xml"):
    sig = "sha256=" + hmac.new(secret.encode(), body,
                               hashlib.sha256).hexdigest() \
        if secret is not None else None
    headers = {"Content-Type": content_type}
    if sig:
        headers["X-Hub-Signature"] = sig
    return d.request("POST", "/websub/%s" % source, headers, body)[0]


class SubscriberTest(harness.TestCase):

    def test_against_a_test_hub(self):
        hub = TestHub()
        self.addCleanup(hub.stop)
        origin = self.new_origin()
        src = origin.url(apikit.CITY_PATH)
        items = list(apikit.CITY_ITEMS)
        origin.set_feed(apikit.CITY_PATH, with_hub(harness.rss(items),
                                                   hub.url, src))
        d = self.new_daemon(apikit.config(origin))
        d.fetch_and_wait("city")
        form = d.wait_for(lambda: hub.requests[0] if hub.requests else None,
                          what="a subscription request")
        self.assertEqual(form["hub.mode"], "subscribe")
        self.assertEqual(form["hub.topic"], src)
        self.assertEqual(form["hub.callback"], d.base + "/websub/city")
        self.assertGreaterEqual(len(form["hub.secret"]), 32)
        d.wait_for(lambda: hub.verifications, what="the verification")
        self.assertEqual(hub.verifications[0], (200, True))
        self.assertIn("WebSub: subscribed at " + hub.url, d.log())
        # Intents the daemon does not have are not confirmed.
        self.assertEqual(hub.verify(form, mode="unsubscribe")[0], 404)
        self.assertEqual(hub.verify(form, topic=src + "?x")[0], 404)

        # A signed push is taken in at once: no poll.
        polls = len(origin.requests(apikit.CITY_PATH))
        items.append({"title": "プッシュで届いた募集",
                      "link": "https://city.example.jp/volunteer/777",
                      "description": "<p>push</p>"})
        body = with_hub(harness.rss(items), hub.url, src)
        self.assertEqual(push(d, "city", body, form["hub.secret"]), 200)
        titles = [it["title"] for it in d.items()]
        self.assertIn("プッシュで届いた募集", titles)
        self.assertEqual(len(origin.requests(apikit.CITY_PATH)), polls)

        # A wrong signature, or none: acknowledged, ignored.
        items.append({"title": "偽の募集",
                      "link": "https://city.example.jp/volunteer/666"})
        body = with_hub(harness.rss(items), hub.url, src)
        self.assertEqual(push(d, "city", body, "not-the-secret"), 202)
        self.assertEqual(push(d, "city", body, None), 202)
        self.assertNotIn("偽の募集", [it["title"] for it in d.items()])
        self.assertIn("wrong signature", d.log())
        # A source without a subscription: 410, the hub stops.
        self.assertEqual(push(d, "nope", body, "x"), 410)

        # Denied by the hub: polling takes over again.
        self.assertEqual(hub.verify(form, mode="denied")[0], 200)
        self.assertIn("the hub denied the subscription", d.log())
        self.assertEqual(push(d, "city", body, form["hub.secret"]), 410)

    def test_instance_to_instance(self):
        origin = self.new_origin()
        items = list(apikit.CITY_ITEMS)
        origin.set_feed(apikit.CITY_PATH, harness.rss(items))
        a = self.new_daemon(apikit.config(origin))
        a.fetch_and_wait("city")
        b = self.new_daemon(
            harness.daemon_section(instance="toyota")
            + harness.source_section("kariya", a.base + "/feeds/all.atom",
                                     kind="federation"))
        b.fetch_and_wait("kariya")
        a.wait_for(lambda: a.metrics().get("tsunagu_hub_subscriptions")
                   == 1, what="b subscribed at a's hub")
        b.wait_for(lambda: "WebSub: subscribed at" in b.log(),
                   what="b's subscription verified")
        self.assertEqual(len(b.items()), len(items))
        polls = polled(b)

        # A change at a's source reaches b by push, not by a poll.
        items.append({"title": "近隣市からの新着募集",
                      "link": "https://city.example.jp/volunteer/888",
                      "description": "<p>連携</p>"})
        origin.set_feed(apikit.CITY_PATH, harness.rss(items))
        a.fetch_and_wait("city")
        got = b.wait_for(lambda: (lambda it: it if "近隣市からの新着募集" in
                                  [x["title"] for x in it] else None)(
            b.items()), what="the pushed posting at b")
        self.assertEqual(polled(b), polls)
        self.assertIn("source kariya: pushed", b.log())
        item = [x for x in got if x["title"] == "近隣市からの新着募集"][0]
        # The federation keeps where it came from.
        self.assertEqual(item["_tsunagu"]["origin"]["instance"], "e2e")
        self.assertGreaterEqual(a.metrics().get(
            "tsunagu_hub_distributions_total", result="delivered"), 1)


if __name__ == "__main__":
    harness.main()
