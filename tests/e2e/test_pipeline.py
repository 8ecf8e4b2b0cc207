"""The pipeline end to end: an RSS 2.0 and an Atom source on a scripted
origin → tsunagud → /feeds/all.atom and /feeds/all.json, read back by our
own parsing and by Debian's feedparser.

The steps share one daemon and run in order (test_10 … test_70): the
update step changes what the restart step checks.
"""

import os
import datetime
import json
import math
import warnings
import xml.etree.ElementTree as ET

import harness
from harness import ATOM_NS, JST, TSUNAGU_NS, atom, rss

CITY_PATH = "/city/rss.xml"
SHAKYO_PATH = "/shakyo/atom.xml"

# Titles are NFKC-stable (no full-width ASCII, parentheses or tildes), so the
# standard title and _tsunagu.title are the same string.
CITY_ITEMS = [
    {"title": "夏休み子どもボランティア体験 参加者募集",
     "link": "https://city.example.jp/volunteer/101",
     "pub": datetime.datetime(2026, 6, 15, 10, 0, tzinfo=JST),
     "categories": ["子ども"],
     "description": "<p>小学4年生から中学3年生を対象に、高齢者施設や図書館での"
                    "ボランティアを体験します。</p><p>期間: 2026年7月25日から8月8日"
                    "</p><p>会場: 刈谷市総合文化センター</p>"},
    {"title": "刈谷市総合運動公園の清掃活動",
     "link": "https://city.example.jp/volunteer/102",
     "pub": datetime.datetime(2026, 6, 19, 14, 30, tzinfo=JST),
     "categories": ["環境"],
     "description": "<p>園路と芝生広場のごみ拾いです。2026年10月18日 8:30 "
                    "北駐車場集合。問合せ 0566-99-0214</p>"},
    {"title": "日本語教室サポーター募集",
     "link": "https://city.example.jp/volunteer/103",
     "pub": datetime.datetime(2026, 6, 20, 9, 0, tzinfo=JST),
     "categories": ["国際"],
     "description": "<p>外国にルーツを持つ方の日本語学習をサポートします。"
                    "毎週土曜日 10:00から12:00</p>"},
    {"title": "亀城公園 桜まつり運営ボランティア",
     "link": "https://city.example.jp/volunteer/104",
     "pub": datetime.datetime(2026, 7, 1, 9, 0, tzinfo=JST),
     "categories": ["地域"],
     "description": "<p>2027年3月27日から4月4日、案内所での道案内をお願いします。"
                    "</p>"},
]

SHAKYO_ENTRIES = [
    {"title": "高齢者サロンの運営補助",
     "link": "https://shakyo.example.jp/entry/201",
     "id": "tag:shakyo.example.jp,2026:entry/201",
     "published": datetime.datetime(2026, 6, 10, 9, 30, tzinfo=JST),
     "categories": ["福祉"],
     "content": "<p>毎月第2水曜日、公民館のサロンでお茶出しや体操の補助を"
                "お願いします。</p>"},
    {"title": "フードドライブ受付ボランティア",
     "link": "https://shakyo.example.jp/entry/202",
     "id": "tag:shakyo.example.jp,2026:entry/202",
     "published": datetime.datetime(2026, 6, 25, 15, 0, tzinfo=JST),
     "updated": datetime.datetime(2026, 6, 26, 11, 20, tzinfo=JST),
     "categories": ["福祉"],
     "content": "<p>2026年12月5日と6日、刈谷市社会福祉会館で食品の受付と"
                "仕分けをします。</p>"},
    {"title": "災害ボランティアセンター設置訓練",
     "link": "https://shakyo.example.jp/entry/203",
     "id": "tag:shakyo.example.jp,2026:entry/203",
     "published": datetime.datetime(2026, 7, 2, 10, 0, tzinfo=JST),
     "categories": ["防災"],
     "content": "<p>2026年9月6日 9:00から12:00、災害ボランティアセンターの"
                "立ち上げを訓練します。</p>"},
]

EDITED_LINK = "https://city.example.jp/volunteer/102"
EDITED_TITLE = "刈谷市総合運動公園の清掃活動 日程変更のお知らせ"

KIND_OF = {it["link"]: "city" for it in CITY_ITEMS}
KIND_OF.update({e["link"]: "shakyo" for e in SHAKYO_ENTRIES})
SOURCE_OF = {it["link"]: "city" for it in CITY_ITEMS}
SOURCE_OF.update({e["link"]: "shakyo" for e in SHAKYO_ENTRIES})
TOTAL = len(CITY_ITEMS) + len(SHAKYO_ENTRIES)


def atom_entries(body):
    """[(entry element, title, alternate link)] of an Atom document."""
    root = ET.fromstring(body)
    out = []
    for e in root.findall("{%s}entry" % ATOM_NS):
        title = e.findtext("{%s}title" % ATOM_NS)
        link = None
        for ln in e.findall("{%s}link" % ATOM_NS):
            if ln.get("rel") in (None, "alternate"):
                link = ln.get("href")
        out.append((e, title, link))
    return root, out


def atom_next(root):
    for ln in root.findall("{%s}link" % ATOM_NS):
        if ln.get("rel") == "next":
            return ln.get("href")
    return None


class PipelineTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = harness.Origin()
        cls.addClassCleanup(cls.origin.stop)
        cls.origin.set_feed(CITY_PATH, rss(CITY_ITEMS, "刈谷市 ボランティア募集"),
                            gzip=True)
        cls.origin.set_feed(SHAKYO_PATH, atom(SHAKYO_ENTRIES, "刈谷市社協"))
        conf = (harness.daemon_section(feed_limit="100")
                + harness.source_section("city", cls.origin.url(CITY_PATH),
                                         kind="city", format="auto")
                + harness.source_section("shakyo",
                                         cls.origin.url(SHAKYO_PATH),
                                         kind="shakyo", format="atom"))
        cls.daemon = d = harness.Daemon(conf)
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        try:
            d.start()
            for name in ("city", "shakyo"):
                d.fetch_and_wait(name)
            d.wait_for(lambda: len(d.items()) == TOTAL, 20,
                       "%d postings in /feeds/all.json" % TOTAL)
        except BaseException:
            harness.dump_log(d)
            raise

    # -- helpers ----------------------------------------------------------

    def by_url(self, items=None):
        items = self.daemon.items() if items is None else items
        return {it["url"]: it for it in items}

    # -- steps ------------------------------------------------------------

    def test_10_json_feed(self):
        d = self.daemon
        status, headers, body = d.get("/feeds/all.json")
        self.assertEqual(status, 200)
        self.assertIn("json", headers.get("Content-Type", ""))
        doc = json.loads(body)
        self.assertEqual(doc.get("version"), "https://jsonfeed.org/version/1.1")
        self.assertTrue(doc.get("title"))
        items = doc["items"]
        self.assertEqual(len(items), TOTAL)
        got = self.by_url(items)
        expected = {it["link"]: it["title"] for it in CITY_ITEMS}
        expected.update({e["link"]: e["title"] for e in SHAKYO_ENTRIES})
        self.assertEqual(set(got), set(expected))
        ids = set()
        for url, it in got.items():
            with self.subTest(url=url):
                t = it["_tsunagu"]
                self.assertEqual(it["title"], expected[url])
                self.assertEqual(t["title"], expected[url])
                self.assertEqual(t["kind"], KIND_OF[url])
                self.assertEqual(t["id"], it["id"])
                self.assertEqual(t["revision"], 1)
                self.assertIn(t["status"], ("open", "closed"))
                self.assertTrue(it.get("content_html"))
                self.assertIsNotNone(harness.parse_time(it["date_published"]))
                self.assertIsNotNone(harness.parse_time(it["date_modified"]))
                self.assertEqual(len(t["sources"]), 1)
                src = t["sources"][0]
                self.assertEqual(src["source"], SOURCE_OF[url])
                self.assertEqual(src["kind"], KIND_OF[url])
                self.assertEqual(src["url"], url)
                self.assertIsNotNone(harness.parse_time(src["fetched"]))
                self.assertEqual(t["origin"]["instance"], "e2e")
                self.assertTrue(t["origin"]["id"])
                ids.add(it["id"])
        self.assertEqual(len(ids), TOTAL, "posting ids are unique")
        # Newest date_modified first.
        mods = [harness.parse_time(it["date_modified"]) for it in items]
        self.assertEqual(mods, sorted(mods, reverse=True))
        # Japanese text survives: the published date of an RSS item.
        sakura = got["https://city.example.jp/volunteer/104"]
        self.assertEqual(harness.parse_time(sakura["date_published"]),
                         CITY_ITEMS[3]["pub"])
        self.assertIn("道案内", sakura["content_html"])

    def test_20_atom_feed(self):
        d = self.daemon
        status, headers, body = d.get("/feeds/all.atom")
        self.assertEqual(status, 200)
        self.assertIn("atom", headers.get("Content-Type", ""))
        json_ids = {it["url"]: it["id"] for it in d.items()}
        root, entries = atom_entries(body)
        self.assertEqual(len(entries), TOTAL)
        titles = {}
        for e, title, link in entries:
            with self.subTest(link=link):
                self.assertIn(link, KIND_OF)
                titles[link] = title
                self.assertEqual(e.findtext("{%s}kind" % TSUNAGU_NS),
                                 KIND_OF[link])
                self.assertEqual(e.findtext("{%s}revision" % TSUNAGU_NS), "1")
                atom_id = e.findtext("{%s}id" % ATOM_NS)
                self.assertTrue(atom_id.startswith("tag:"), atom_id)
                self.assertIn(json_ids[link], atom_id)
        self.assertEqual(len(titles), TOTAL)
        self.assertEqual(titles[EDITED_LINK], "刈谷市総合運動公園の清掃活動")

        # The real client.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # its cgi
            import feedparser
        parsed = feedparser.parse(body)
        self.assertEqual(parsed.bozo, 0, getattr(parsed, "bozo_exception", ""))
        self.assertEqual(parsed.version, "atom10")
        self.assertEqual(len(parsed.entries), TOTAL)
        self.assertEqual({e.link for e in parsed.entries}, set(KIND_OF))
        self.assertEqual({e.link: e.title for e in parsed.entries}, titles)
        for e in parsed.entries:
            self.assertTrue(e.id.startswith("tag:"))
            self.assertTrue(e.get("updated_parsed"), e.link)

    def test_30_unchanged_source_polls_304(self):
        d, origin = self.daemon, self.origin
        _, h_atom, b_atom = d.get("/feeds/all.atom")
        _, h_json, b_json = d.get("/feeds/all.json")
        for name, path in (("city", CITY_PATH), ("shakyo", SHAKYO_PATH)):
            with self.subTest(source=name):
                n = len(origin.requests(path))
                state = d.fetch_and_wait(name)
                reqs = origin.requests(path)[n:]
                self.assertTrue(reqs, "no request reached the origin")
                last = reqs[-1]
                self.assertTrue(last.header("If-None-Match")
                                or last.header("If-Modified-Since"),
                                "the poll was not conditional: %r"
                                % last.headers)
                self.assertEqual(last.status, 304)
                self.assertIsNone(state["error"])
                self.assertEqual(state["postings"],
                                 len(CITY_ITEMS) if name == "city"
                                 else len(SHAKYO_ENTRIES))
        _, h_atom2, b_atom2 = d.get("/feeds/all.atom")
        _, h_json2, b_json2 = d.get("/feeds/all.json")
        self.assertEqual(h_atom2["ETag"], h_atom["ETag"])
        self.assertEqual(h_json2["ETag"], h_json["ETag"])
        self.assertEqual(b_atom2, b_atom)
        self.assertEqual(b_json2, b_json)

    def test_40_feed_http_caching(self):
        d = self.daemon
        for path in ("/feeds/all.atom", "/feeds/all.json"):
            with self.subTest(path=path):
                status, h, body = d.get(path)
                self.assertEqual(status, 200)
                etag = h.get("ETag")
                self.assertTrue(etag)
                self.assertTrue(h.get("Last-Modified"))

                status, h304, body304 = d.get(path, {"If-None-Match": etag})
                self.assertEqual(status, 304)
                self.assertEqual(body304, b"")
                self.assertEqual(h304.get("ETag"), etag)

                status, hgz, bgz = d.get(path, {"Accept-Encoding": "gzip"})
                self.assertEqual(status, 200)
                self.assertEqual(hgz.get("Content-Encoding"), "gzip")
                self.assertIn("accept-encoding", hgz.get("Vary", "").lower())
                self.assertEqual(harness.gunzip(bgz), body)

                status, _, _ = d.get(path, {"If-None-Match": '"not-it"'})
                self.assertEqual(status, 200)

    def test_50_paging(self):
        d = self.daemon
        every = {it["id"] for it in d.items()}
        self.assertEqual(len(every), TOTAL)
        pages_expected = math.ceil(TOTAL / 2)

        # JSON Feed: next_url.
        seen, pages, url = [], 0, "/feeds/all.json?limit=2"
        while url and pages <= pages_expected + 2:
            status, _, body = d.get(url)
            self.assertEqual(status, 200, url)
            doc = json.loads(body)
            self.assertLessEqual(len(doc["items"]), 2)
            seen += [it["id"] for it in doc["items"]]
            url = doc.get("next_url")
            if doc["items"]:
                pages += 1
            else:
                self.assertIsNone(url, "an empty page links further")
        self.assertEqual(sorted(seen), sorted(every), "each posting once")
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(pages, pages_expected)

        # Atom: link rel="next".
        json_ids = {it["url"]: it["id"] for it in d.items()}
        seen, pages, url = [], 0, "/feeds/all.atom?limit=2"
        while url and pages <= pages_expected + 2:
            status, _, body = d.get(url)
            self.assertEqual(status, 200, url)
            root, entries = atom_entries(body)
            self.assertLessEqual(len(entries), 2)
            seen += [json_ids[link] for _, _, link in entries]
            url = atom_next(root)
            if entries:
                pages += 1
            else:
                self.assertIsNone(url, "an empty page links further")
        self.assertEqual(sorted(seen), sorted(every))
        self.assertEqual(pages, pages_expected)

    def test_55_health_and_metrics(self):
        d = self.daemon
        status, _, body = d.get("/healthz")
        self.assertEqual(status, 200)
        health = json.loads(body)
        self.assertEqual(health["status"], "ok")
        # Documented in tsunagud(8), beyond the minimal contract.
        self.assertEqual(health.get("instance"), "e2e")
        self.assertEqual(health.get("postings"), TOTAL)
        self.assertEqual(health.get("sources"), 2)
        self.assertEqual(health.get("sources_failing"), 0)
        m = d.metrics()
        self.assertEqual(m.get("tsunagu_postings_total"), TOTAL)
        now = datetime.datetime.now().timestamp()
        for name in ("city", "shakyo"):
            with self.subTest(source=name):
                self.assertGreaterEqual(
                    m.get("tsunagu_source_fetches_total", source=name), 1)
                self.assertEqual(
                    m.get("tsunagu_source_errors_total", source=name), 0)
                self.assertEqual(m.get("tsunagu_source_up", source=name), 1)
                last = m.get("tsunagu_source_last_success_timestamp_seconds",
                             source=name)
                self.assertIsNotNone(last)
                self.assertLess(abs(now - last), 3600)
                self.assertEqual(m.find("tsunagu_source_failing", source=name),
                                 [])

    def test_60_update_at_origin(self):
        d, origin = self.daemon, self.origin
        before = self.by_url()
        old = before[EDITED_LINK]
        items = [dict(it) for it in CITY_ITEMS]
        for it in items:
            if it["link"] == EDITED_LINK:
                it["title"] = EDITED_TITLE
        origin.set_feed(CITY_PATH, rss(items, "刈谷市 ボランティア募集"), gzip=True)
        n = len(origin.requests(CITY_PATH))
        d.fetch_and_wait("city")
        self.assertEqual(origin.requests(CITY_PATH)[n:][-1].status, 200)

        def updated():
            it = self.by_url().get(EDITED_LINK)
            return it if it and it["title"] == EDITED_TITLE else None
        it = d.wait_for(updated, 10, "the edited title in /feeds/all.json")
        self.assertEqual(it["id"], old["id"])
        self.assertEqual(it["_tsunagu"]["revision"], 2)
        self.assertEqual(it["_tsunagu"]["title"], EDITED_TITLE)
        after = self.by_url()
        self.assertEqual(len(after), TOTAL)
        for url, other in after.items():
            if url != EDITED_LINK:
                self.assertEqual(other["_tsunagu"]["revision"], 1, url)
                self.assertEqual(other["id"], before[url]["id"])
        self.assertGreaterEqual(harness.parse_time(it["date_modified"]),
                                harness.parse_time(old["date_modified"]))
        _, _, body = d.get("/feeds/all.atom")
        _, entries = atom_entries(body)
        self.assertIn(EDITED_TITLE, [t for _, t, _ in entries])

    def test_70_restart_keeps_everything(self):
        d = self.daemon
        before = {it["url"]: (it["id"], it["_tsunagu"]["revision"], it["title"])
                  for it in d.items()}
        self.assertEqual(len(before), TOTAL)
        self.assertEqual(d.restart(), 0, "exit code after SIGTERM")
        after = {it["url"]: (it["id"], it["_tsunagu"]["revision"], it["title"])
                 for it in d.items()}
        self.assertEqual(after, before)
        srcs = d.sources()
        self.assertEqual(set(srcs), {"city", "shakyo"})
        # Polling the unchanged origin again changes nothing.
        for name in ("city", "shakyo"):
            d.fetch_and_wait(name)
        again = {it["url"]: (it["id"], it["_tsunagu"]["revision"], it["title"])
                 for it in d.items()}
        self.assertEqual(again, before)

    def test_75_sources_say_how_entries_are_identified(self):
        """Each source's health names the identity its entries are
        matched by (guid, else link, else a content key)."""
        for name, src in self.daemon.sources().items():
            mode = src.get("identity_mode")
            self.assertIsInstance(mode, dict, name)
            self.assertIn(mode.get("mode"), ("guid", "link", "content"), name)

    def test_80_database_is_private(self):
        """Postings hold contact data: the database is readable by the
        daemon's user only, whatever the umask it was started with."""
        import stat
        db = os.path.join(self.daemon.dir, "tsunagu.db")
        for path in (db, db + "-wal"):
            if os.path.exists(path):
                mode = stat.S_IMODE(os.stat(path).st_mode)
                self.assertEqual(mode & 0o077, 0, "%s is %o" % (path, mode))


if __name__ == "__main__":
    harness.main()
