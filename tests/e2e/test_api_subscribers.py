"""Subscribers through the admin API: create (secret shown once), webhook
URLs checked by the outbound rules, filters checked as the feeds read
them, update, secret rotation, disable/enable, private-feed tokens,
subscribers of the file (marked, read-only here, synced on reload), and
the webhook delivery routes (delivery itself: test_webhooks.py).
"""

import base64

import apikit
import harness
from apikit import call, make_subscriber, ok

FILE_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def file_subscribers(secret=True):
    text = harness.section("subscriber toyota", {
        "webhook": "https://intra.example.com/hooks/volunteer",
        "secret": FILE_SECRET if secret else None,
        "filter": "kind=city,shakyo area=232106"})
    text += harness.section("subscriber aisin", {
        "filter": "category=welfare"})
    return text


class Subscribers(harness.TestCase):

    def test_create_show_update_delete(self):
        _, d = apikit.start(self, fetch=False)
        made = make_subscriber(d, "denso", webhook="https://hooks.example.com/d",
                               filter="kind=city area=23")
        secret = made["secret"]
        self.assertTrue(secret.startswith("whsec_"))
        self.assertEqual(len(base64.b64decode(secret[6:])), 32)
        self.assertNotIn("feed_token", made)
        self.assertEqual(made["origin"], "api")
        self.assertFalse(made["private"])
        self.assertFalse(made["disabled"])
        self.assertTrue(made["feed_url"].endswith("/feeds/sub/denso.atom"))

        shown = ok(d, "GET", "/subscribers/denso")
        self.assertNotIn("secret", shown)
        self.assertEqual(shown["filter"], "kind=city area=23")
        listed = ok(d, "GET", "/subscribers")["subscribers"]
        self.assertEqual([s["name"] for s in listed], ["denso"])
        self.assertNotIn("secret", listed[0])

        status, doc, _ = call(d, "POST", "/subscribers",
                              body={"name": "denso"})
        self.assertEqual((status, doc["field"]), (409, "name"))

        changed = ok(d, "PATCH", "/subscribers/denso",
                     body={"webhook": None, "filter": "q=清掃"})
        self.assertIsNone(changed["webhook"])
        self.assertEqual(changed["filter"], "q=清掃")
        self.assertNotIn("secret", changed)

        self.assertTrue(ok(d, "DELETE", "/subscribers/denso")["deleted"])
        self.assertEqual(call(d, "GET", "/subscribers/denso")[0], 404)
        self.assertEqual(call(d, "PATCH", "/subscribers/denso",
                              body={"filter": ""})[0], 404)

    def test_webhook_urls_follow_the_outbound_rules(self):
        _, d = apikit.start(self, fetch=False)
        for url, words in (
                ("ftp://hooks.example.com/x", "http"),
                ("http://10.1.2.3/hook", "private"),
                ("http://192.168.1.5/hook", "private"),
                ("http://169.254.169.254/latest/meta-data", "link-local"),
                ("http://[::1]:8080/hook", "loopback"),
                ("http://[fd00::1]/hook", None),
                ("http://[::ffff:10.0.0.1]/hook", None),
                ("http://100.64.0.1/hook", None),
                ("https://user:secret@hooks.example.com/x", "password"),
                ("hooks.example.com/x", None)):
            with self.subTest(url=url):
                status, doc, _ = call(d, "POST", "/subscribers", body={
                    "name": "x", "webhook": url})
                self.assertEqual(status, 400, doc)
                self.assertEqual(doc["field"], "webhook")
                if words:
                    self.assertIn(words, doc["error"])
        # Inside allow_networks (127.0.0.0/8 in the tests), and public.
        for name, url in (("local", "http://127.0.0.1:9/hook"),
                          ("named", "http://localhost:9/hook"),
                          ("public", "https://hooks.example.com/x")):
            with self.subTest(url=url):
                self.assertEqual(make_subscriber(d, name, webhook=url)
                                 ["webhook"], url)
        # The same rules for an update.
        status, doc, _ = call(d, "PATCH", "/subscribers/public",
                              body={"webhook": "http://10.0.0.1/"})
        self.assertEqual((status, doc["field"]), (400, "webhook"))

    def test_filters_as_the_feeds_read_them(self):
        _, d = apikit.start(self, fetch=False)
        for flt in ("colour=red", "kind=spaceship", "area=99999",
                    "kind", "from=2026-13-01"):
            with self.subTest(filter=flt):
                status, doc, _ = call(d, "POST", "/subscribers", body={
                    "name": "x", "filter": flt})
                self.assertEqual(status, 400, doc)
                self.assertEqual(doc["field"], "filter")
        self.assertEqual(ok(d, "GET", "/subscribers")["subscribers"], [])
        made = make_subscriber(d, "ok", filter="kind=city,shakyo "
                               "category=welfare from=2026-01-01")
        self.assertIn("category=welfare", made["filter"])

    def test_rotate_disable_feed_token(self):
        _, d = apikit.start(self, fetch=False)
        first = make_subscriber(d, "denso", private=True)
        self.assertTrue(first["private"])
        self.assertTrue(first["feed_token"].startswith("tsf_"))
        rotated = ok(d, "POST", "/subscribers/denso/rotate")
        self.assertTrue(rotated["secret"].startswith("whsec_"))
        self.assertNotEqual(rotated["secret"], first["secret"])
        self.assertGreaterEqual(rotated["secret_rotated"],
                                first["secret_rotated"])

        self.assertTrue(ok(d, "POST", "/subscribers/denso/disable")
                        ["disabled"])
        self.assertTrue(ok(d, "GET", "/subscribers/denso")["disabled"])
        self.assertFalse(ok(d, "POST", "/subscribers/denso/enable")
                         ["disabled"])

        renewed = ok(d, "POST", "/subscribers/denso/feed-token")
        self.assertNotEqual(renewed["feed_token"], first["feed_token"])
        self.assertTrue(renewed["private"])
        public = ok(d, "DELETE", "/subscribers/denso/feed-token")
        self.assertFalse(public["private"])
        self.assertNotIn("feed_token", public)

        # A subscriber token rotates its own secret and feed token.
        token, _ = apikit.make_token(d, "subscriber", subscriber="denso")
        mine = ok(d, "POST", "/subscribers/denso/rotate", token=token)
        self.assertNotEqual(mine["secret"], rotated["secret"])
        self.assertTrue(ok(d, "POST", "/subscribers/denso/feed-token",
                           token=token)["feed_token"].startswith("tsf_"))
        # ... but may not disable itself (the admin decides).
        self.assertEqual(call(d, "POST", "/subscribers/denso/disable",
                              token=token)[0], 403)

    def test_delivery_routes(self):
        # Webhook delivery itself is tested in test_webhooks.py; here,
        # the routes answer for a subscriber that exists, 404 otherwise.
        _, d = apikit.start(self, fetch=False)
        make_subscriber(d, "denso", webhook="https://hooks.example.com/d")
        ping = ok(d, "POST", "/subscribers/denso/ping")
        self.assertEqual(ping["type"], "ping")
        for method, action, want in (
                ("POST", "/ping", 202), ("GET", "/deliveries", 200),
                ("POST", "/deliveries/%s/redeliver" % ping["id"], 202),
                ("POST", "/recover?since=2020-01-01", 202)):
            with self.subTest(action=action):
                status, doc, _ = call(d, method, "/subscribers/denso"
                                      + action)
                self.assertEqual(status, want, doc)
                status, doc, _ = call(d, method, "/subscribers/nope"
                                      + action)
                self.assertEqual(status, 404, doc)
        # A subscriber without a webhook has nothing to ping.
        make_subscriber(d, "pull-only")
        status, doc, _ = call(d, "POST", "/subscribers/pull-only/ping")
        self.assertEqual(status, 409, doc)
        self.assertIn("no webhook", doc["error"])

    def test_subscribers_of_the_file(self):
        origin, d = apikit.start(self, extra=file_subscribers(), fetch=False)
        subs = {s["name"]: s for s in
                ok(d, "GET", "/subscribers")["subscribers"]}
        self.assertEqual(sorted(subs), ["aisin", "toyota"])
        self.assertEqual(subs["toyota"]["origin"], "config")
        self.assertEqual(subs["toyota"]["filter"],
                         "kind=city,shakyo area=232106")
        self.assertIsNone(subs["aisin"]["webhook"])
        for method, action, body in (("PATCH", "", {"filter": ""}),
                                     ("DELETE", "", None),
                                     ("POST", "/rotate", None)):
            with self.subTest(method=method, action=action):
                status, doc, _ = call(d, method, "/subscribers/toyota"
                                      + action, body=body)
                self.assertEqual(status, 409, doc)
                self.assertIn("configuration file", doc["error"])
        # The file sets no secret for aisin: it may be rotated here, and
        # a reload keeps the one made.
        self.assertTrue(ok(d, "POST", "/subscribers/aisin/rotate")
                        ["secret"].startswith("whsec_"))
        # Operations on a file's subscriber are allowed.
        self.assertTrue(ok(d, "POST", "/subscribers/toyota/disable")
                        ["disabled"])
        self.assertTrue(ok(d, "POST", "/subscribers/toyota/feed-token")
                        ["private"])
        make_subscriber(d, "denso")

        # The file drops toyota: it goes; denso (API) stays.
        d.write_config(apikit.config(origin, extra=harness.section(
            "subscriber aisin", {"filter": "category=elderly"})))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log_since(mark),
                   what="the reload")
        subs = {s["name"]: s for s in
                ok(d, "GET", "/subscribers")["subscribers"]}
        self.assertEqual(sorted(subs), ["aisin", "denso"])
        self.assertEqual(subs["aisin"]["filter"], "category=elderly")
        self.assertEqual(subs["denso"]["origin"], "api")
        d.restart()
        self.assertEqual(sorted(s["name"] for s in ok(
            d, "GET", "/subscribers")["subscribers"]), ["aisin", "denso"])


if __name__ == "__main__":
    harness.main()
