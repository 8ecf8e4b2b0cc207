"""The WebSub hub (POST /hub) end to end, after the websub.rocks hub
tests 100-106, with a subscriber on loopback (webhook_sink.py answers
the intent verification and records what the hub distributes):

100 a typical subscription: verified (challenge, lease, the callback's
    own query kept), then content distributed on a change with the
    topic's Content-Type and Link headers;
101 with hub.secret: X-Hub-Signature sha256 of the body;
102 parameters the hub does not know are ignored;
103 a re-subscription replaces the subscription (one delivery per change,
    the new secret);
104 unsubscription: verified, then nothing more;
105 a plain-text topic (the CSV feed, text/csv);
106 a JSON topic (the JSON Feed);
and: feeds name the hub; a callback that fails verification is not
subscribed; private and loopback callbacks outside allow_networks are
refused; topics must be this instance's canonical feed URLs; the admin
lists the subscriptions (GET /api/v1/hub/subscriptions, and the CLI's
hub), never a secret.
(Lease expiry and retries run on the manual clock: test_hub.c.)
"""

import hashlib
import hmac
import json
import os
import re
import subprocess
import urllib.parse

import apikit
import harness
from webhook_sink import Sink

CLI = os.environ.get("TSUNAGU_CLI", os.path.join(
    harness.SOURCE_ROOT, "build", "daemon", "tsunagu"))


class HubTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.sink = Sink()
        cls.origin = harness.Origin()
        cls.items = list(apikit.CITY_ITEMS)
        cls.origin.set_feed(apikit.CITY_PATH, harness.rss(cls.items))
        cls.d = harness.Daemon(apikit.config(cls.origin))
        cls.shared_daemons = (cls.d,)
        cls.d.start()
        cls.d.fetch_and_wait("city")
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()
        cls.origin.stop()
        cls.sink.stop()

    # -- helpers --------------------------------------------------------

    def topic(self, path="/feeds/all.atom"):
        return self.d.base + path

    def hub(self, **params):
        body = urllib.parse.urlencode(params).encode()
        status, headers, data = self.d.request(
            "POST", "/hub", {"Content-Type":
                             "application/x-www-form-urlencoded"}, body)
        return status, data.decode()

    def subscribe(self, callback, topic=None, **extra):
        params = {"hub.mode": "subscribe", "hub.callback": callback,
                  "hub.topic": topic or self.topic()}
        params.update(extra)
        return self.hub(**params)

    def fresh(self, name):
        type(self).counter += 1
        return "/%s-%d" % (name, self.counter)

    def verified(self, path, count=1):
        """The verification GETs path received (waiting for count), once
        the hub has taken their answers in (the log says so)."""
        def got():
            v = [r for r in self.sink.requests()
                 if r.method == "GET" and r.path.split("?")[0] == path]
            return v if len(v) >= count else None
        v = self.d.wait_for(got, what="verification of " + path)
        done = re.compile(r"hub: (?:(?:un)?subscription of )?%s\S* "
                          r"(?:subscribed to|unsubscribed from|to \S+ "
                          r"not verified)" % re.escape(self.sink.url(path)))
        self.d.wait_for(lambda: len(done.findall(self.d.log())) >= count
                        or None, what="the hub's record of " + path)
        return v

    def posts(self, path):
        return [r for r in self.sink.requests()
                if r.method == "POST" and r.path.split("?")[0] == path]

    def change(self):
        """A new posting at the origin, polled."""
        n = len(self.items)
        self.items.append({"title": "変更 %d" % n,
                           "link": "https://city.example.jp/volunteer/%d"
                           % (900 + n),
                           "description": "<p>%d</p>" % n})
        self.origin.set_feed(apikit.CITY_PATH, harness.rss(self.items))
        self.d.fetch_and_wait("city")
        return self.items[-1]["title"]

    def wait_posts(self, path, count):
        return self.d.wait_for(lambda: (lambda p: p if len(p) >= count
                                        else None)(self.posts(path)),
                               what="%d distributions to %s"
                               % (count, path))

    # -- the feeds name the hub -------------------------------------------

    def test_feeds_name_the_hub(self):
        status, headers, body = self.d.get("/feeds/all.atom")
        self.assertEqual(status, 200)
        self.assertIn('<%s/hub>; rel="hub"' % self.d.base,
                      headers["Link"])
        self.assertIn('<%s>; rel="self"' % self.topic(), headers["Link"])
        self.assertIn(b'rel="hub"', body)
        self.assertEqual(self.d.get("/hub")[0], 405)

    # -- websub.rocks 100-106 ---------------------------------------------

    def test_100_typical_subscription(self):
        path = self.fresh("cb100")
        status, text = self.subscribe(self.sink.url(path + "?own=kept"))
        self.assertEqual(status, 202, text)
        v = self.verified(path)[0]
        query = urllib.parse.parse_qs(v.path.split("?", 1)[1])
        self.assertEqual(query["own"], ["kept"])
        self.assertEqual(query["hub.mode"], ["subscribe"])
        self.assertEqual(query["hub.topic"], [self.topic()])
        self.assertEqual(query["hub.lease_seconds"], [str(10 * 86400)])
        self.assertTrue(query["hub.challenge"][0])
        title = self.change()
        r = self.wait_posts(path, 1)[0]
        self.assertEqual(r.path, path + "?own=kept")
        self.assertEqual(r.headers["content-type"],
                         "application/atom+xml; charset=utf-8")
        self.assertIn('<%s/hub>; rel="hub"' % self.d.base,
                      r.headers["link"])
        self.assertIn('<%s>; rel="self"' % self.topic(), r.headers["link"])
        self.assertNotIn("x-hub-signature", r.headers)
        self.assertIn(title, r.body.decode())
        # What was distributed is the feed itself.
        status, headers, body = self.d.get("/feeds/all.atom")
        self.assertEqual(body, r.body)

    def test_101_secret(self):
        path = self.fresh("cb101")
        status, text = self.subscribe(self.sink.url(path),
                                      **{"hub.secret": "geheim"})
        self.assertEqual(status, 202, text)
        self.verified(path)
        self.change()
        r = self.wait_posts(path, 1)[0]
        want = "sha256=" + hmac.new(b"geheim", r.body,
                                    hashlib.sha256).hexdigest()
        self.assertEqual(r.headers["x-hub-signature"], want)
        # On request, another algorithm.
        path2 = self.fresh("cb101b")
        status, text = self.subscribe(
            self.sink.url(path2), **{"hub.secret": "geheim",
                                     "hub.signature_algorithm": "sha1"})
        self.assertEqual(status, 202, text)
        self.verified(path2)
        self.change()
        r = self.wait_posts(path2, 1)[0]
        self.assertEqual(r.headers["x-hub-signature"], "sha1=" + hmac.new(
            b"geheim", r.body, hashlib.sha1).hexdigest())

    def test_admin_lists_subscriptions(self):
        path = self.fresh("cbadmin")
        topic = self.topic("/feeds/all.json")
        status, text = self.subscribe(self.sink.url(path), topic=topic,
                                      **{"hub.secret": "s3cr3t-value",
                                         "hub.lease_seconds": "3600"})
        self.assertEqual(status, 202, text)
        self.verified(path)
        status, doc = self.d.api("/hub/subscriptions?topic="
                                 + urllib.parse.quote(topic, safe=""))
        self.assertEqual(status, 200, doc)
        self.assertTrue(doc["enabled"])
        mine = [x for x in doc["subscriptions"]
                if x["callback"] == self.sink.url(path)]
        self.assertEqual(len(mine), 1, doc)
        sub = mine[0]
        self.assertEqual(sub["topic"], topic)
        self.assertEqual(sub["callback_host"], "127.0.0.1")
        self.assertTrue(sub["secret"])
        self.assertEqual(sub["signature_algorithm"], "sha256")
        self.assertEqual(sub["lease_seconds"], 3600)
        self.assertTrue(sub["live"])
        self.assertGreaterEqual(doc["live"], 1)
        self.assertTrue(all(x["topic"] == topic
                            for x in doc["subscriptions"]))
        # Never the secret itself.
        raw = self.d.request("GET", "/api/v1/hub/subscriptions",
                             self.d.auth())[2]
        self.assertNotIn(b"s3cr3t-value", raw)
        # The CLI: a table (never the secret), or the API's JSON.
        env = dict(os.environ, TSUNAGU_URL=self.d.base,
                   TSUNAGU_TOKEN=self.d.token)
        r = subprocess.run([CLI, "hub", "--topic", topic], env=env,
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("CALLBACK", r.stdout.splitlines()[0])
        row = [line for line in r.stdout.splitlines()
               if self.sink.url(path) in line]
        self.assertEqual(len(row), 1, r.stdout)
        self.assertIn("yes", row[0])
        self.assertNotIn("s3cr3t-value", r.stdout + r.stderr)
        self.assertIn("hub on", r.stderr)
        r = subprocess.run([CLI, "--json", "hub", "--callback-host",
                            "127.0.0.1"], env=env, capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(self.sink.url(path),
                      [x["callback"] for x in
                       json.loads(r.stdout)["subscriptions"]])
        # Another topic: not in the list.
        status, doc = self.d.api("/hub/subscriptions?topic="
                                 + urllib.parse.quote(self.topic(
                                     "/feeds/none.atom"), safe=""))
        self.assertEqual((status, doc["count"]), (200, 0))
        # Admin only; listed among the routes.
        token, _ = apikit.make_token(self.d, "coordinator",
                                     organization="社協")
        self.assertEqual(self.d.api("/hub/subscriptions",
                                    token=token)[0], 403)
        self.assertEqual(self.d.request("GET", "/api/v1/hub/subscriptions",
                                        {})[0], 401)
        routes = self.d.api("/api/v1")[1]["routes"]
        self.assertIn("/api/v1/hub/subscriptions",
                      [r["path"] for r in routes])

    def test_102_extra_parameters_ignored(self):
        path = self.fresh("cb102")
        status, text = self.subscribe(self.sink.url(path),
                                      **{"foo": "bar", "hub.extra": "x",
                                         "hub.lease_seconds": "3600"})
        self.assertEqual(status, 202, text)
        v = self.verified(path)[0]
        self.assertIn("hub.lease_seconds=3600", v.path)
        self.assertNotIn("foo", v.path)
        self.change()
        self.wait_posts(path, 1)

    def test_103_resubscribe_replaces(self):
        path = self.fresh("cb103")
        self.assertEqual(self.subscribe(self.sink.url(path),
                                        **{"hub.secret": "one"})[0], 202)
        self.verified(path)
        self.assertEqual(self.subscribe(self.sink.url(path),
                                        **{"hub.secret": "two"})[0], 202)
        self.verified(path, 2)
        self.change()
        r = self.wait_posts(path, 1)[0]
        self.assertEqual(r.headers["x-hub-signature"], "sha256=" + hmac.new(
            b"two", r.body, hashlib.sha256).hexdigest())
        self.change()
        self.wait_posts(path, 2)
        # One delivery per change: never two at once.
        self.assertEqual(len(self.posts(path)), 2)

    def test_104_unsubscribe(self):
        path = self.fresh("cb104")
        self.assertEqual(self.subscribe(self.sink.url(path))[0], 202)
        self.verified(path)
        status, text = self.hub(**{"hub.mode": "unsubscribe",
                                   "hub.callback": self.sink.url(path),
                                   "hub.topic": self.topic()})
        self.assertEqual(status, 202, text)
        v = self.verified(path, 2)[1]
        self.assertIn("hub.mode=unsubscribe", v.path)
        # A subscriber that still gets changes would get this one.
        watch = self.fresh("cb104w")
        self.assertEqual(self.subscribe(self.sink.url(watch))[0], 202)
        self.verified(watch)
        self.change()
        self.wait_posts(watch, 1)
        self.assertEqual(self.posts(path), [])

    def test_105_plain_text_topic(self):
        path = self.fresh("cb105")
        topic = self.topic("/feeds/all.csv")
        self.assertEqual(self.subscribe(self.sink.url(path), topic)[0], 202)
        self.verified(path)
        title = self.change()
        r = self.wait_posts(path, 1)[0]
        self.assertTrue(r.headers["content-type"].startswith("text/csv"))
        self.assertIn('<%s>; rel="self"' % topic, r.headers["link"])
        self.assertIn(title, r.body.decode("utf-8-sig"))

    def test_106_json_topic(self):
        path = self.fresh("cb106")
        topic = self.topic("/feeds/all.json")
        self.assertEqual(self.subscribe(self.sink.url(path), topic)[0], 202)
        self.verified(path)
        title = self.change()
        r = self.wait_posts(path, 1)[0]
        self.assertEqual(r.headers["content-type"],
                         "application/feed+json; charset=utf-8")
        self.assertIn(title, [it["title"] for it in r.json()["items"]])

    # -- refusals -------------------------------------------------------------

    def test_failed_verification_is_not_subscribed(self):
        path = self.fresh("cbfail")
        self.sink.verification(path, "wrong")
        self.assertEqual(self.subscribe(self.sink.url(path))[0], 202)
        self.verified(path)
        path404 = self.fresh("cb404")
        self.sink.verification(path404, 404)
        self.assertEqual(self.subscribe(self.sink.url(path404))[0], 202)
        self.verified(path404)
        watch = self.fresh("cbwatch")
        self.assertEqual(self.subscribe(self.sink.url(watch))[0], 202)
        self.verified(watch)
        self.change()
        self.wait_posts(watch, 1)
        self.assertEqual(self.posts(path), [])
        self.assertEqual(self.posts(path404), [])
        self.assertGreaterEqual(self.d.metrics().get(
            "tsunagu_hub_verifications_total", result="refused"), 2)

    def test_private_callbacks_refused(self):
        for cb, why in (("http://10.1.2.3/cb", "private"),
                        ("http://192.168.0.1/cb", "private"),
                        ("http://[::1]:9/cb", "loopback"),
                        ("http://169.254.169.254/cb", "link-local")):
            with self.subTest(callback=cb):
                status, text = self.subscribe(cb)
                self.assertEqual(status, 400, text)
                self.assertIn(why, text)
                self.assertIn("allow_networks", text)

    def test_topics_must_be_canonical_feeds(self):
        cb = self.sink.url(self.fresh("cbtopic"))
        for topic, why in (
                ("https://elsewhere.example/feeds/all.atom",
                 "not a feed of this instance"),
                (self.topic("/feeds/all.atom?kind=shakyo,city"),
                 "subscribe to " + self.topic(
                     "/feeds/all.atom?kind=city,shakyo")),
                (self.topic("/feeds/all.atom?kind=bogus"), "kind"),
                (self.topic("/feeds/nope.atom"), "hub.topic"),
                (self.topic("/api/v1/sources"), "hub.topic")):
            with self.subTest(topic=topic):
                got, text = self.subscribe(cb, topic)
                self.assertEqual(got, 400, text)
                self.assertIn(why, text)
        self.assertEqual(self.subscribe(cb, self.topic(
            "/feeds/all.atom?kind=city,shakyo"))[0], 202)

    def test_bad_requests(self):
        cb = self.sink.url(self.fresh("cbbad"))
        status, _, data = self.d.request("POST", "/hub", {
            "Content-Type": "application/json"}, b"{}")
        self.assertEqual(status, 415)
        for params in ({"hub.mode": "follow", "hub.callback": cb,
                        "hub.topic": self.topic()},
                       {"hub.mode": "subscribe", "hub.topic": self.topic()},
                       {"hub.mode": "subscribe", "hub.callback": cb,
                        "hub.topic": self.topic(), "hub.secret": "x" * 200},
                       {"hub.mode": "subscribe", "hub.callback": cb,
                        "hub.topic": self.topic(),
                        "hub.lease_seconds": "long"}):
            with self.subTest(params=params):
                self.assertEqual(self.hub(**params)[0], 400)


if __name__ == "__main__":
    harness.main()
