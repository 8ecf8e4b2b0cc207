"""Subscriber feeds: /feeds/sub/NAME.EXT holds what the subscriber's
filter selects; a private one (feed_token_file) needs ?token=, compared as
a digest, and its links carry the token; a reload applies a new filter or
token at once.
"""

import json
import os

import feeds_common as fc
import harness

TOKEN = "feed-token-0123456789abcdef"

SUBSCRIBERS = (
    harness.section("subscriber toyota", {
        "filter": "kind=city area=232106 category=welfare"})
    + harness.section("subscriber private-co", {
        "filter": "kind=corporate,shakyo", "feed_token_file": "co.token"})
    + harness.section("subscriber everything", {}))


class SubscriberFeedsTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        fc.start(cls, SUBSCRIBERS, files={"co.token": TOKEN + "\n"})
        cls.every = cls.daemon.items("?limit=1000")

    def want(self, flt):
        return [it["id"] for it in self.every if fc.matches(it, flt)]

    def test_10_filtered_by_the_subscriber(self):
        d = self.daemon
        doc, h = fc.get_json(d, "/feeds/sub/toyota.json")
        want = self.want({"kind": ["city"], "area": ["232106"],
                          "category": ["welfare"]})
        self.assertTrue(want)
        self.assertEqual([it["id"] for it in doc["items"]], want)
        self.assertEqual(doc["feed_url"], d.base + "/feeds/sub/toyota.json")
        self.assertIn("toyota", doc["title"])
        self.assertEqual(h["Link"], '<%s/feeds/sub/toyota.json>; '
                         'rel="self", <%s/hub>; rel="hub"' % (d.base, d.base))
        self.assertEqual(h["Cache-Control"], "public, max-age=60")
        for ext in ("atom", "rss", "ics", "csv"):
            with self.subTest(ext=ext):
                self.assertEqual(d.get("/feeds/sub/toyota." + ext)[0], 200)
        doc, _ = fc.get_json(d, "/feeds/sub/everything.json?limit=1000")
        self.assertEqual(len(doc["items"]), len(fc.ALL))

    def test_20_the_filter_is_the_subscribers(self):
        d = self.daemon
        self.assertEqual(d.get("/feeds/sub/toyota.json?kind=shakyo")[0], 400)
        self.assertEqual(d.get("/feeds/sub/nobody.json")[0], 404)
        self.assertEqual(d.get("/feeds/sub/toyota.pdf")[0], 404)
        # A public feed ignores a token: its URL does not carry one.
        doc, _ = fc.get_json(d, "/feeds/sub/toyota.json?token=x")
        self.assertEqual(doc["feed_url"], d.base + "/feeds/sub/toyota.json")

    def test_30_private_feed_needs_its_token(self):
        d = self.daemon
        for q in ("", "?token=", "?token=wrong-token-0123456789",
                  "?token=" + TOKEN + "x", "?token=" + TOKEN[:-1]):
            with self.subTest(query=q):
                status, _, body = d.get("/feeds/sub/private-co.atom" + q)
                self.assertEqual(status, 401, body)
                self.assertNotIn(TOKEN.encode(), body)
        want = self.want({"kind": ["corporate", "shakyo"]})
        items = fc.all_pages(d, "/feeds/sub/private-co.json?limit=2&token="
                             + TOKEN)
        self.assertEqual([it["id"] for it in items], want)
        status, h, body = d.get("/feeds/sub/private-co.json?limit=2&token="
                                + TOKEN)
        doc = json.loads(body)
        self.assertEqual(h["Cache-Control"], "private, max-age=60")
        # Private feeds are no WebSub topics: no hub.
        self.assertNotIn('rel="hub"', h["Link"])
        self.assertNotIn("hubs", doc)
        self.assertEqual(doc["feed_url"], d.base + "/feeds/sub/private-co"
                         ".json?limit=2&token=" + TOKEN)
        self.assertTrue(doc["next_url"].endswith("&limit=2&token=" + TOKEN))
        self.assertEqual(d.get("/feeds/sub/private-co.json?token=%s&token=%s"
                               % (TOKEN, TOKEN))[0], 400)
        self.assertNotIn(TOKEN, d.log())

    def test_35_subscribers_of_the_admin_api(self):
        d = self.daemon
        status, made = d.api("/subscribers", method="POST", body={
            "name": "api-made", "filter": "kind=shakyo", "private": True})
        self.assertEqual(status, 201, made)
        token = made["feed_token"]
        self.assertEqual(d.get("/feeds/sub/api-made.json")[0], 401)
        doc, _ = fc.get_json(d, "/feeds/sub/api-made.json?token=" + token)
        self.assertEqual([it["id"] for it in doc["items"]],
                         self.want({"kind": ["shakyo"]}))
        # The API's feed token opens a configured private feed too,
        # beside its feed_token_file.
        status, renewed = d.api("/subscribers/private-co/feed-token",
                                method="POST")
        self.assertEqual(status, 200, renewed)
        for t in (renewed["feed_token"], TOKEN):
            self.assertEqual(d.get("/feeds/sub/private-co.json?token="
                                   + t)[0], 200)
        self.assertEqual(d.get("/feeds/sub/private-co.json?token=x" * 2)[0],
                         401)
        # A filter changed through the API applies at once.
        status, _ = d.api("/subscribers/api-made", method="PATCH",
                          body={"filter": "kind=corporate"})
        self.assertEqual(status, 200)
        doc, _ = fc.get_json(d, "/feeds/sub/api-made.json?token=" + token)
        self.assertEqual([it["id"] for it in doc["items"]],
                         self.want({"kind": ["corporate"]}))

    def test_40_reload_applies_filter_and_token(self):
        d = self.daemon
        new_token = "another-token-9876543210"
        with open(os.path.join(d.dir, "co.token"), "w") as f:
            f.write(new_token)
        text = open(d.conf).read().replace(
            "kind=city area=232106 category=welfare", "kind=shakyo")
        d.write_config(text)
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log_since(mark),
                   10, "the reload")
        doc, _ = fc.get_json(d, "/feeds/sub/toyota.json?limit=1000")
        self.assertEqual([it["id"] for it in doc["items"]],
                         self.want({"kind": ["shakyo"]}))
        self.assertEqual(d.get("/feeds/sub/private-co.json?token="
                               + TOKEN)[0], 401)
        self.assertEqual(d.get("/feeds/sub/private-co.json?token="
                               + new_token)[0], 200)

    def test_50_bad_filters_are_configuration_errors(self):
        path = os.path.join(self.daemon.dir, "bad.conf")
        with open(path, "w") as f:
            f.write(harness.daemon_section()
                    + harness.section("subscriber s", {"filter":
                                                       "area=tokyo"}))
        r = harness.Daemon.check_config(path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.conf:", r.stderr)
        self.assertIn("filter: area: 'tokyo' is not", r.stderr)


if __name__ == "__main__":
    harness.main()
