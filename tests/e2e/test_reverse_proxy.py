"""Behind a reverse proxy, on loopback.

trusted_proxies: a client's address comes from X-Forwarded-For only when
the peer is a trusted proxy, and then only from the entry that proxy
appended (the last one) -- what a client writes there itself counts for
nothing.  Checked through the per-address rate limit of the admin API.

base_url: every link the daemon publishes -- feed self and next links,
the Link headers, JSON Feed URLs -- starts with base_url, never with the
address it listens on.
"""

import json
import re
import xml.etree.ElementTree as ET

import harness
from harness import rss

ATOM = "{http://www.w3.org/2005/Atom}"


class TrustedProxies(harness.TestCase):

    def start(self, trusted):
        keys = {"api_rate": "1", "api_burst": "2"}
        if trusted:
            keys["trusted_proxies"] = trusted
        return self.new_daemon(harness.daemon_section(**keys))

    @staticmethod
    def get(d, xff):
        # No valid token: each request counts against the client's
        # address only (401 until that bucket is empty, then 429).
        status, _, _ = d.request("GET", "/api/v1", {
            "Authorization": "Bearer nope", "X-Forwarded-For": xff})
        return status

    def test_untrusted_peer_is_the_client(self):
        # The peer (127.0.0.1) is not in trusted_proxies: X-Forwarded-For
        # is ignored, and three "different" clients share one bucket.
        d = self.start("192.0.2.1")
        self.assertEqual(self.get(d, "198.51.100.1"), 401)
        self.assertEqual(self.get(d, "198.51.100.2"), 401)
        self.assertEqual(self.get(d, "198.51.100.3"), 429)

    def test_no_trusted_proxies(self):
        d = self.start(None)
        self.assertEqual(self.get(d, "198.51.100.1"), 401)
        self.assertEqual(self.get(d, "198.51.100.2"), 401)
        self.assertEqual(self.get(d, "198.51.100.3"), 429)

    def test_trusted_peer_names_the_client(self):
        d = self.start("127.0.0.1, ::1")
        for i in range(6):
            self.assertEqual(self.get(d, "198.51.100.%d" % i), 401, i)
        # What the client wrote before the proxy's entry is not believed.
        self.assertEqual(self.get(d, "10.0.0.1, 203.0.113.9"), 401)
        self.assertEqual(self.get(d, "10.0.0.2, 203.0.113.9"), 401)
        self.assertEqual(self.get(d, "10.0.0.3, 203.0.113.9"), 429)
        # Garbage from the proxy: the peer itself is the client.
        self.assertEqual(self.get(d, "not-an-address"), 401)
        self.assertEqual(self.get(d, "also not"), 401)
        self.assertEqual(self.get(d, "nope"), 429)


class BaseUrl(harness.TestCase):

    BASE = "https://volunteer.example.jp/tsunagu"

    def test_every_published_link(self):
        origin = self.new_origin()
        origin.set_feed("/feed.xml", rss([
            {"title": "リンク確認 %d" % i,
             "link": "https://city.example.jp/v/%d" % i} for i in range(3)]))
        d = self.new_daemon(
            harness.daemon_section(base_url=self.BASE + "/")
            + harness.source_section("city", origin.url("/feed.xml")))
        d.fetch_and_wait("city")
        bound = "%s:%d" % (d.host, d.port)

        status, hdrs, body = d.get("/feeds/all.json?limit=2")
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertTrue(doc["feed_url"].startswith(self.BASE + "/feeds/"),
                        doc["feed_url"])
        self.assertTrue(doc["next_url"].startswith(self.BASE + "/feeds/"),
                        doc["next_url"])
        for link in re.findall(r"<([^>]+)>", hdrs.get("Link", "")):
            self.assertTrue(link.startswith(self.BASE + "/"), link)

        status, hdrs, body = d.get("/feeds/all.atom?limit=2")
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        hrefs = [ln.get("href") for ln in root.iter(ATOM + "link")
                 if ln.get("rel") in ("self", "next", "hub")]
        self.assertIn("self", [ln.get("rel")
                               for ln in root.iter(ATOM + "link")])
        for href in hrefs:
            self.assertTrue(href.startswith(self.BASE + "/"), href)

        for fmt in ("atom", "json", "rss", "ics", "csv"):
            status, hdrs, body = d.get("/feeds/all." + fmt)
            self.assertEqual(status, 200, fmt)
            self.assertNotIn(bound.encode(), body, fmt)
            self.assertNotIn(bound, hdrs.get("Link", ""), fmt)


if __name__ == "__main__":
    harness.main()
