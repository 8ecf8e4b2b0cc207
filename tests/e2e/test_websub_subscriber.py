"""tsunagud as a WebSub subscriber (push in).

- Against a hub this test runs: a source whose feed names a hub is
  subscribed there with a secret and the callback BASE/websub/SOURCE; the
  hub's verification is answered (and a verification for an intent the
  daemon does not have is not); a signed push is taken in at once,
  without a poll; a push with a wrong signature is ignored; a denial
  hands the source back to polling.
- Discovery from the HTTP Link header alone (RFC 8288: two Link lines,
  quoted parameters with commas), the subscription shown in the source's
  health.
- A source deleted, paused, switched off (websub = off) or removed from
  the file unsubscribes at its hub (hub.mode=unsubscribe, the hub's
  verification confirmed, even for a source gone); resumed or switched
  on again, it subscribes again.
- Against tsunagud's own hub: one instance federates another's feed,
  subscribes at its hub, and a change at the first reaches the second by
  push.

Every wait is on a condition, bounded (SLOW: ASan builds on a loaded
machine); nothing sleeps a fixed time.
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

SLOW = 60  # seconds: a bound on waits that cross processes and threads


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

    def asked(self, mode, count=1):
        """The requests of hub.mode `mode` so far, when there are count."""
        with self.lock:
            got = [r for r in self.requests if r.get("hub.mode") == mode]
        return got if len(got) >= count else None

    def verified(self, count=1):
        """The verifications done so far, when there are count."""
        with self.lock:
            got = list(self.verifications)
        return got if len(got) >= count else None

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


class LinkOrigin:
    """An origin that names the hub only in HTTP Link headers: two Link
    lines, one with a quoted title holding a comma and a semicolon."""

    def __init__(self, body, hub_url, self_path):
        self.body = body
        self.lock = threading.Lock()
        self.gets = 0
        origin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                with origin.lock:
                    origin.gets += 1
                    body = origin.body
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Link", '<https://example.jp/about>; '
                                 'rel="alternate"; title="a, b; c", '
                                 '<%s>; rel="hub"' % hub_url)
                self.send_header("Link", '<%s>; rel="self"' % self_path)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

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
        d.fetch_and_wait("city", timeout=SLOW)
        form = d.wait_for(lambda: hub.asked("subscribe"), SLOW,
                          "a subscription request")[0]
        self.assertEqual(form["hub.topic"], src)
        self.assertEqual(form["hub.callback"], d.base + "/websub/city")
        self.assertGreaterEqual(len(form["hub.secret"]), 32)
        got = d.wait_for(lambda: hub.verified(), SLOW, "the verification")
        self.assertEqual(got[0], (200, True))
        d.wait_for(lambda: "WebSub: subscribed at " + hub.url in d.log(),
                   SLOW, "the log of the subscription")
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
        d.wait_for(lambda: "wrong signature" in d.log(), SLOW,
                   "the log of the wrong signature")
        # A source without a subscription: 410, the hub stops.
        self.assertEqual(push(d, "nope", body, "x"), 410)

        # Denied by the hub: polling takes over again.
        self.assertEqual(hub.verify(form, mode="denied")[0], 200)
        d.wait_for(lambda: "the hub denied the subscription" in d.log(),
                   SLOW, "the log of the denial")
        self.assertEqual(push(d, "city", body, form["hub.secret"]), 410)

    def test_hub_from_the_link_header(self):
        hub = TestHub()
        self.addCleanup(hub.stop)
        items = list(apikit.CITY_ITEMS)
        # The document names no hub: only the Link header does.
        origin = LinkOrigin(harness.rss(items), hub.url, "/topic.xml")
        self.addCleanup(origin.stop)
        d = self.new_daemon(harness.daemon_section(
            api_rate="100000", api_burst="100000")
            + harness.source_section("city", origin.url("/rss.xml")))
        d.fetch_and_wait("city", timeout=SLOW)
        form = d.wait_for(lambda: hub.asked("subscribe"), SLOW,
                          "a subscription request")[0]
        # rel="self", resolved against the URL polled, is the topic.
        self.assertEqual(form["hub.topic"], origin.url("/topic.xml"))
        self.assertEqual(form["hub.callback"], d.base + "/websub/city")
        got = d.wait_for(lambda: hub.verified(), SLOW, "the verification")
        self.assertEqual(got[0], (200, True))
        health = d.wait_for(lambda: (lambda h: h if h["websub"] and
                                     h["websub"]["state"] == "active"
                                     else None)(
            d.api("/sources/city/health")[1]), SLOW, "an active state")
        self.assertEqual(health["websub"]["hub"], hub.url)
        self.assertEqual(health["websub"]["topic"], origin.url("/topic.xml"))
        self.assertEqual(health["websub"]["pushes"], 0)
        # A signed push is taken in and counted.
        items.append({"title": "リンクヘッダーで見つけたハブから",
                      "link": "https://city.example.jp/volunteer/555"})
        self.assertEqual(push(d, "city", harness.rss(items),
                              form["hub.secret"]), 200)
        self.assertIn("リンクヘッダーで見つけたハブから",
                      [it["title"] for it in d.items()])
        self.assertEqual(d.api("/sources/city/health")[1]["websub"]
                         ["pushes"], 1)

    def test_deleted_and_paused_sources_unsubscribe(self):
        hub = TestHub()
        self.addCleanup(hub.stop)
        origin = self.new_origin()
        d = self.new_daemon(harness.daemon_section(
            api_rate="100000", api_burst="100000"))

        def source(name):
            path = "/%s.xml" % name
            src = origin.url(path)
            origin.set_feed(path, with_hub(harness.rss(apikit.CITY_ITEMS),
                                           hub.url, src))
            status, doc = d.api("/sources", "POST", {
                "name": name, "url": src, "kind": "city",
                "interval": 3600})
            self.assertEqual(status, 201, doc)
            return src

        def subscribed(name, count):
            d.fetch_and_wait(name, timeout=SLOW)
            d.wait_for(lambda: hub.asked("subscribe", count), SLOW,
                       "subscription %d" % count)
            d.wait_for(lambda: hub.verified(2 * count - 1), SLOW,
                       "verification %d" % count)
            d.wait_for(lambda: d.api("/sources/%s/health" % name)[1]
                       ["websub"]["state"] == "active", SLOW,
                       "%s active" % name)

        # Deleted: the hub is asked to unsubscribe, and the daemon
        # confirms when the hub verifies, though the source is gone.
        gone = source("gone")
        subscribed("gone", 1)
        status, doc = d.api("/sources/gone", "DELETE")
        self.assertEqual(status, 200, doc)
        form = d.wait_for(lambda: hub.asked("unsubscribe"), SLOW,
                          "an unsubscription request")[0]
        self.assertEqual(form["hub.topic"], gone)
        self.assertEqual(form["hub.callback"], d.base + "/websub/gone")
        self.assertNotIn("hub.secret", form)
        got = d.wait_for(lambda: hub.verified(2), SLOW,
                         "the unsubscription verified")
        self.assertEqual(got[1], (200, True))
        d.wait_for(lambda: "source gone: WebSub: unsubscribing" in d.log(),
                   SLOW, "the log of the unsubscription")

        # Paused: unsubscribed; resumed: subscribed again at the poll.
        kept = source("kept")
        subscribed("kept", 2)
        self.assertEqual(d.api("/sources/kept/pause", "POST")[0], 200)
        form = d.wait_for(lambda: hub.asked("unsubscribe", 2), SLOW,
                          "the second unsubscription")[1]
        self.assertEqual(form["hub.topic"], kept)
        got = d.wait_for(lambda: hub.verified(4), SLOW,
                         "the second unsubscription verified")
        self.assertEqual(got[3], (200, True))
        self.assertEqual(d.api("/sources/kept/health")[1]["websub"]
                         ["state"], "unsubscribed")
        self.assertEqual(d.api("/sources/kept/resume", "POST")[0], 200)
        subscribed("kept", 3)
        self.assertEqual(hub.asked("subscribe", 3)[2]["hub.topic"], kept)

    def test_configuration_switches_websub_off_and_removes(self):
        hub = TestHub()
        self.addCleanup(hub.stop)
        origin = self.new_origin()
        src = origin.url(apikit.CITY_PATH)
        origin.set_feed(apikit.CITY_PATH, with_hub(
            harness.rss(apikit.CITY_ITEMS), hub.url, src))
        base = harness.daemon_section()
        d = self.new_daemon(base + harness.source_section("city", src))
        d.fetch_and_wait("city", timeout=SLOW)
        d.wait_for(lambda: hub.verified(1), SLOW, "the subscription")
        # websub = off, reloaded: unsubscribed, confirmed.
        d.write_config(base + harness.source_section("city", src,
                                                     websub="off"))
        d.reload()
        form = d.wait_for(lambda: hub.asked("unsubscribe"), SLOW,
                          "the unsubscription")[0]
        self.assertEqual(form["hub.topic"], src)
        self.assertEqual(d.wait_for(lambda: hub.verified(2), SLOW,
                                    "its verification")[1], (200, True))
        # On again: subscribed again, without waiting for a poll.
        d.write_config(base + harness.source_section("city", src))
        d.reload()
        d.wait_for(lambda: hub.asked("subscribe", 2), SLOW,
                   "the subscription again")
        d.wait_for(lambda: hub.verified(3), SLOW, "its verification")
        # Removed from the file: unsubscribed, the source gone.
        d.write_config(base)
        d.reload()
        form = d.wait_for(lambda: hub.asked("unsubscribe", 2), SLOW,
                          "the unsubscription of the removed source")[1]
        self.assertEqual(form["hub.callback"], d.base + "/websub/city")
        self.assertEqual(d.wait_for(lambda: hub.verified(4), SLOW,
                                    "its verification")[3], (200, True))
        self.assertEqual(d.api("/sources/city")[0], 404)

    def test_instance_to_instance(self):
        origin = self.new_origin()
        items = list(apikit.CITY_ITEMS)
        origin.set_feed(apikit.CITY_PATH, harness.rss(items))
        a = self.new_daemon(apikit.config(origin))
        a.fetch_and_wait("city", timeout=SLOW)
        b = self.new_daemon(
            harness.daemon_section(instance="toyota")
            + harness.source_section("kariya", a.base + "/feeds/all.atom",
                                     kind="federation"))
        b.fetch_and_wait("kariya", timeout=SLOW)
        a.wait_for(lambda: a.metrics().get("tsunagu_hub_subscriptions")
                   == 1, SLOW, "b subscribed at a's hub")
        b.wait_for(lambda: "WebSub: subscribed at" in b.log(), SLOW,
                   "b's subscription verified")
        self.assertEqual(len(b.items()), len(items))
        # The admin sees b's subscription at a's hub, without its secret.
        status, doc = a.api("/hub/subscriptions")
        self.assertEqual(status, 200)
        self.assertTrue(doc["enabled"])
        self.assertEqual(doc["live"], 1)
        sub = doc["subscriptions"][0]
        self.assertEqual(sub["callback"], b.base + "/websub/kariya")
        self.assertEqual(sub["topic"], a.base + "/feeds/all.atom")
        self.assertTrue(sub["live"])
        self.assertTrue(sub["secret"])
        # The subscriber side: the state in the source's health.
        status, health = b.api("/sources/kariya/health")
        self.assertEqual(status, 200)
        self.assertEqual(health["websub"]["state"], "active")
        self.assertEqual(health["websub"]["hub"], a.base + "/hub")
        self.assertNotIn("secret", health["websub"])
        polls = polled(b)

        # A change at a's source reaches b by push, not by a poll.
        items.append({"title": "近隣市からの新着募集",
                      "link": "https://city.example.jp/volunteer/888",
                      "description": "<p>連携</p>"})
        origin.set_feed(apikit.CITY_PATH, harness.rss(items))
        a.fetch_and_wait("city", timeout=SLOW)
        got = b.wait_for(lambda: (lambda it: it if "近隣市からの新着募集" in
                                  [x["title"] for x in it] else None)(
            b.items()), SLOW, "the pushed posting at b")
        self.assertEqual(polled(b), polls)
        self.assertIn("source kariya: pushed", b.log())
        item = [x for x in got if x["title"] == "近隣市からの新着募集"][0]
        # The federation keeps where it came from.
        self.assertEqual(item["_tsunagu"]["origin"]["instance"], "e2e")
        # b answered before a read the answer: a counts it a moment later.
        a.wait_for(lambda: (a.metrics().get(
            "tsunagu_hub_distributions_total", result="delivered") or 0)
            >= 1, SLOW, "a's count of the delivered distribution")


if __name__ == "__main__":
    harness.main()
