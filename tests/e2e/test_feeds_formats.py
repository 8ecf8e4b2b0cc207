"""The five feed formats over HTTP: content types, paging links in each,
HEAD, conditional GET and gzip per representation, and the cache:
a page is served from memory until a posting on it (or one that would
enter it) changes, and only then rendered again.

The steps share one daemon and run in order: test_50 changes a posting
at the origin.
"""

import csv
import io
import json
import time
import xml.etree.ElementTree as ET

import feeds_common as fc
import harness
from harness import ATOM_NS, TSUNAGU_NS

TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "csv": "text/csv; charset=utf-8; header=present",
}


def count_entries(ext, body):
    """Postings in a document, read by format."""
    if ext == "atom":
        return len(ET.fromstring(body).findall("{%s}entry" % ATOM_NS))
    if ext == "rss":
        return len(ET.fromstring(body).findall("channel/item"))
    if ext == "json":
        return len(json.loads(body)["items"])
    if ext == "ics":
        return body.count(b"\r\nBEGIN:VEVENT\r\n")
    if ext == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"),
                                           newline="")))
        return len(rows) - 1
    raise ValueError(ext)


def next_link(ext, body, headers):
    """The RFC 5005 next link in the document (and the Link header)."""
    if ext == "atom":
        for ln in ET.fromstring(body).findall("{%s}link" % ATOM_NS):
            if ln.get("rel") == "next":
                return ln.get("href")
        return None
    if ext == "rss":
        for ln in ET.fromstring(body).findall(
                "channel/{%s}link" % ATOM_NS):
            if ln.get("rel") == "next":
                return ln.get("href")
        return None
    if ext == "json":
        return json.loads(body).get("next_url")
    # Formats without links of their own page through the Link header.
    for part in headers.get("Link", "").split(", "):
        if part.endswith('rel="next"'):
            return part[1:part.index(">")]
    return None


class FormatsTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        fc.start(cls)

    def test_10_every_format(self):
        d = self.daemon
        for ext, ctype in TYPES.items():
            with self.subTest(ext=ext):
                status, h, body = d.get("/feeds/all." + ext)
                self.assertEqual(status, 200)
                self.assertEqual(h["Content-Type"], ctype)
                self.assertEqual(count_entries(ext, body), len(fc.ALL))
                self.assertEqual(h["Link"], '<%s/feeds/all.%s>; rel="self", '
                                 '<%s/hub>; rel="hub"' % (d.base, ext, d.base))
                self.assertEqual(h["Cache-Control"], "public, max-age=60")
                status, hh, hb = d.request("HEAD", "/feeds/all." + ext)
                self.assertEqual(status, 200)
                self.assertEqual(hb, b"")
                self.assertEqual(hh["ETag"], h["ETag"])
                self.assertEqual(int(hh["Content-Length"]), len(body))
        for path in ("/feeds/all.pdf", "/feeds/other.atom",
                     "/feeds/all", "/feeds/sub/nobody.atom"):
            with self.subTest(path=path):
                self.assertEqual(d.get(path)[0], 404)

    def test_20_paging_in_every_format(self):
        d = self.daemon
        for ext in TYPES:
            with self.subTest(ext=ext):
                url, seen, pages = "/feeds/all.%s?limit=4" % ext, 0, 0
                while url and pages < 10:
                    status, h, body = d.get(url)
                    self.assertEqual(status, 200, url)
                    n = count_entries(ext, body)
                    self.assertLessEqual(n, 4)
                    seen += n
                    pages += 1
                    # Only first pages are WebSub topics.
                    self.assertEqual('rel="hub"' in h["Link"], pages == 1)
                    url = next_link(ext, body, h)
                    if url:
                        self.assertIn('<%s>; rel="next"' % url, h["Link"])
                self.assertEqual(seen, len(fc.ALL))
                self.assertEqual(pages, 3)

    def test_30_conditional_and_gzip(self):
        d = self.daemon
        for ext in TYPES:
            with self.subTest(ext=ext):
                path = "/feeds/all." + ext
                _, h, body = d.get(path)
                tag, lm = h["ETag"], h["Last-Modified"]
                for cond in ({"If-None-Match": tag},
                             {"If-None-Match": '"x", W/%s' % tag},
                             {"If-None-Match": "*"},
                             {"If-Modified-Since": lm}):
                    status, h304, b304 = d.get(path, cond)
                    self.assertEqual(status, 304, cond)
                    self.assertEqual(b304, b"")
                    self.assertEqual(h304["ETag"], tag)
                    self.assertIn("Link", h304)
                # If-None-Match wins over If-Modified-Since.
                status, _, _ = d.get(path, {"If-None-Match": '"other"',
                                            "If-Modified-Since": lm})
                self.assertEqual(status, 200)
                status, hz, bz = d.get(path, {"Accept-Encoding":
                                              "br;q=1, gzip;q=0.5"})
                self.assertEqual(hz["Content-Encoding"], "gzip")
                self.assertEqual(harness.gunzip(bz), body)
                self.assertNotEqual(hz["ETag"], tag)
                self.assertEqual(d.get(path, {"If-None-Match": hz["ETag"],
                                              "Accept-Encoding": "gzip"})[0],
                                 304)
                _, hn, bn = d.get(path, {"Accept-Encoding": "gzip;q=0"})
                self.assertNotIn("Content-Encoding", hn)
                self.assertEqual(bn, body)

    def test_40_the_cache(self):
        d = self.daemon
        _, h1, b1 = d.get("/feeds/all.rss?kind=city&limit=3")
        _, h2, b2 = d.get("/feeds/all.rss?limit=3&kind=city")
        self.assertEqual(h1["X-Tsunagu-Cache"], "miss")
        self.assertEqual(h2["X-Tsunagu-Cache"], "hit")
        self.assertEqual(b1, b2)

    def test_50_only_pages_with_the_change_render_again(self):
        d, origin = self.daemon, self.origin
        target = fc.link(2)            # 防災訓練の運営補助, city, disaster
        every = d.items("?limit=1000")
        pos = [it["url"] for it in every].index(target)
        # A keyset page (after a cursor) that holds neither the target nor
        # has it as the posting right after the page.
        k = next(k for k in (1, 2, 3) if not 2 * k <= pos <= 2 * k + 2)
        cursor_page = "/feeds/all.json?limit=2"
        for _ in range(k):
            cursor_page = json.loads(d.get(cursor_page)[2])["next_url"]
        paths = {
            "shakyo": "/feeds/all.atom?kind=shakyo",
            "tokyo": "/feeds/all.ics?area=13",
            "environment": "/feeds/all.csv?category=environment",
            "cursor": cursor_page,
            "city": "/feeds/all.atom?kind=city",
            "disaster": "/feeds/all.json?category=disaster",
            "welfare": "/feeds/all.rss?category=welfare",
            "all": "/feeds/all.json",
            "first": "/feeds/all.json?limit=2",
        }
        before = {k: d.get(p)[1]["ETag"] for k, p in paths.items()}

        # date_modified counts seconds: edit in a later second than every
        # posting so far, or the edited one may tie and stay off page 1.
        newest = max(harness.parse_time(it["date_modified"]).timestamp()
                     for it in every)
        while time.time() < newest + 1.05:
            time.sleep(0.05)

        # The posting changes category: disaster → welfare.
        docs = [dict(e) for e in fc.CITY]
        for e in docs:
            if e["link"] == target:
                e["categories"] = ["welfare"]
                e["summary"] = "内容を変更しました。"
        origin.set_feed(fc.PATHS["city"], fc.ext_atom(docs, title="city"))
        d.fetch_and_wait("city")
        d.wait_for(lambda: "welfare" in [
            it for it in d.items("?limit=1000") if it["url"] == target][0]
            ["_tsunagu"]["category"], 10, "the change to be published")

        for key in ("shakyo", "tokyo", "environment", "cursor"):
            with self.subTest(untouched=key):
                _, h, _ = d.get(paths[key])
                self.assertEqual(h["X-Tsunagu-Cache"], "revalidated")
                self.assertEqual(h["ETag"], before[key])
                _, h, _ = d.get(paths[key])
                self.assertEqual(h["X-Tsunagu-Cache"], "hit")
        for key in ("city", "disaster", "welfare", "all", "first"):
            with self.subTest(touched=key):
                _, h, _ = d.get(paths[key])
                self.assertEqual(h["X-Tsunagu-Cache"], "miss")
                self.assertNotEqual(h["ETag"], before[key])
        # The posting left the disaster feed and entered the welfare one.
        self.assertNotIn(target, [it["url"] for it in fc.all_pages(
            d, "/feeds/all.json?category=disaster")])
        body = d.get(paths["welfare"])[2]
        self.assertIn("内容を変更しました", body.decode())

    def test_55_hub_in_every_document(self):
        d = self.daemon
        hub = d.base + "/hub"
        root = ET.fromstring(d.get("/feeds/all.atom")[2])
        self.assertIn(hub, [ln.get("href") for ln in
                            root.findall("{%s}link" % ATOM_NS)
                            if ln.get("rel") == "hub"])
        root = ET.fromstring(d.get("/feeds/all.rss")[2])
        self.assertIn(hub, [ln.get("href") for ln in
                            root.findall("channel/{%s}link" % ATOM_NS)
                            if ln.get("rel") == "hub"])
        doc = json.loads(d.get("/feeds/all.json")[2])
        self.assertEqual(doc["hubs"], [{"type": "WebSub", "url": hub}])

    def test_60_extension_in_atom(self):
        d = self.daemon
        root = ET.fromstring(d.get("/feeds/all.atom?q=%E5%82%BE%E8%81%B4")
                             [2])
        entry = root.find("{%s}entry" % ATOM_NS)
        t = lambda name: entry.findtext("{%s}%s" % (TSUNAGU_NS, name))
        self.assertEqual(t("start"), "2036-07-25T09:30:00+09:00")
        self.assertEqual(t("area"), "232106")
        self.assertEqual(t("status"), "open")
        self.assertEqual(t("kind"), "city")


if __name__ == "__main__":
    harness.main()
