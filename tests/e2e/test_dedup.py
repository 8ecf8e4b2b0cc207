"""Deduplication end to end (issue 4): four origin sources -- the city's
RSS, the shakyo's Atom, a company's JSON Feed, a civic group's RSS --
carry overlapping events in their own words; tsunagud publishes each event
once, with every source listed.  Restarted and re-fetched in another
order, it keeps the same ids and changes nothing; a change at one source
is one update of one posting.  The admin API says why each record is in
its posting.  A CSV snapshot's row that stays away withdraw_after fetches
withdraws its posting.  One of the municipal files of
../shared/data/jichitai-events, served by two sources, keeps one posting
per occurrence of its recurring events (one row per date, and per session
of a day), each carried by both sources.

The steps share one daemon and run in order (test_10 ... test_70).
"""

import datetime
import json
import os
import re
import time

import harness
from harness import JST, atom, rss

SHARED = os.environ.get("TSUNAGU_SHARED_DATA",
                        os.path.join(harness.SOURCE_ROOT, "..", "shared",
                                     "data"))
JICHITAI = os.path.join(SHARED, "jichitai-events", "o1-112089_g1-000304.csv")

PUB = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=JST)

# Three events at several sources, one at a single source each; dates in
# 2027 so that nothing is closed yet.
CITY = [
    {"title": "【募集】刈谷市総合防災訓練 避難所運営",
     "link": "https://www.city.kariya.lg.jp/volunteer/201.html",
     "description": "<p>2027年8月29日（日）8時～12時 小垣江小学校で"
                    "避難所の運営を手伝っていただきます。</p>"},
    {"title": "夏休み子どもボランティア体験 参加者募集",
     "link": "https://www.city.kariya.lg.jp/volunteer/202.html",
     "description": "<p>2027年7月24日（土）9時30分～12時</p>"},
    {"title": "刈谷駅前 花壇の手入れ",
     "link": "https://www.city.kariya.lg.jp/volunteer/203.html",
     "description": "<p>2027年4月25日（日）8時～9時</p>"},
]
SHAKYO = [
    {"title": "［ボランティア募集］総合防災訓練 避難所運営ボランティア",
     "link": "https://shakyo.example.jp/vc/entry/31/",
     "id": "tag:shakyo.example.jp,2027:31",
     "content": "<p>令和9年8月29日（日）午前8時から正午まで</p>"},
    {"title": "夏休み子どもボランティア体験 ボランティア募集のお知らせ",
     "link": "https://shakyo.example.jp/vc/entry/32/",
     "id": "tag:shakyo.example.jp,2027:32",
     "content": "<p>2027年7月24日 9:30-12:00 総合文化センター</p>"},
    {"title": "ボランティアコーディネーター研修",
     "link": "https://shakyo.example.jp/vc/entry/33/",
     "id": "tag:shakyo.example.jp,2027:33",
     "content": "<p>2027年6月2日 13:30-16:30</p>"},
]
AISIN = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "社外ボランティア",
    "items": [
        {"id": "aisin-1",
         # The city's page, reposted with the company's tracking.
         "url": "http://WWW.City.Kariya.lg.jp/volunteer/201.html"
                "?utm_source=aisin&utm_medium=intranet",
         "title": "[社外] 刈谷市総合防災訓練 避難所運営",
         "content_html": "<p>社員の皆さまの参加をお待ちしています。</p>",
         "_tsunagu": {"start": "2027-08-29T08:00:00+09:00",
                      "end": "2027-08-29T12:00:00+09:00",
                      "place": "刈谷市立小垣江小学校"}},
        {"id": "aisin-2",
         "url": "https://vc.aisin.example.jp/posts/12",
         "title": "【地域貢献】洲原公園 外来植物の駆除",
         "content_html": "<p>外来植物を抜きます。</p>",
         "_tsunagu": {"start": "2027-05-23T09:00:00+09:00",
                      "place": "洲原公園"}},
    ],
}
NPO = [
    {"title": "《仲間募集》刈谷市総合防災訓練 避難所運営",
     "link": "https://kariya-npo.example.net/blog/7",
     "description": "<p>2027年8月29日（日）8時～12時、一緒に参加しませんか</p>"},
    {"title": "★夏休み子どもボランティア体験★",
     "link": "https://kariya-npo.example.net/blog/8",
     "description": "<p>2027年7月24日（土）9時30分～12時</p>"},
    {"title": "洲原公園 外来植物の駆除 参加者募集中♪",
     "link": "https://kariya-npo.example.net/blog/9",
     "description": "<p>2027年5月23日（日）9時から</p>"},
]
# (event, expected sources); the rest are alone.
EVENTS = {
    "防災訓練": {"city", "shakyo", "aisin", "npo"},
    "子どもボランティア体験": {"city", "shakyo", "npo"},
    "外来植物": {"aisin", "npo"},
}
TOTAL = 5   # the three above, the flower bed, the coordinators' course

OPENDATA_HEADER = ("NO,都道府県コード又は市区町村コード,名称,開始日,終了日,"
                   "開始時刻,終了時刻,場所名称,URL\n")
OPENDATA_ROWS = [
    "1,232106,フードドライブ受付,2027-05-08,2027-05-08,10:00,15:00,"
    "刈谷市役所,https://od.example.jp/1\n",
    "2,232106,献血推進キャンペーン,2027-06-05,2027-06-05,10:00,16:00,"
    "刈谷駅北口広場,https://od.example.jp/2\n",
]


def camp_feed(title, url):
    """A JSON Feed of one all-day event of 21 August 2027 at 青少年の家."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "camp",
        "items": [{"id": url, "url": url, "title": title,
                   "content_text": "2027年8月21日",
                   "_tsunagu": {"start": "2027-08-21",
                                "place": "青少年の家"}}]},
        ensure_ascii=False)


def rss_items(items):
    return [dict(it, pub=PUB) for it in items]


def atom_entries(entries):
    return [dict(e, published=PUB) for e in entries]


class DedupTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = o = harness.Origin()
        cls.addClassCleanup(o.stop)
        o.set_feed("/city.rss", rss(rss_items(CITY)))
        o.set_feed("/shakyo.atom", atom(atom_entries(SHAKYO)))
        o.set("/aisin.json", 200, json.dumps(AISIN, ensure_ascii=False),
              content_type="application/feed+json")
        o.set_feed("/npo.rss", rss(rss_items(NPO)))
        o.set("/od.csv", 200, OPENDATA_HEADER + "".join(OPENDATA_ROWS),
              content_type="text/csv; charset=utf-8")
        with open(JICHITAI, "rb") as f:
            cls.jichitai = f.read()
        o.set("/tokorozawa.csv", 200, cls.jichitai,
              content_type="text/csv; charset=utf-8")
        o.set("/mirror.csv", 200, cls.jichitai,
              content_type="text/csv; charset=utf-8")
        conf = (harness.daemon_section()
                + harness.source_section("city", o.url("/city.rss"))
                + harness.source_section("shakyo", o.url("/shakyo.atom"),
                                         kind="shakyo")
                + harness.source_section("aisin", o.url("/aisin.json"),
                                         kind="corporate")
                + harness.source_section("npo", o.url("/npo.rss"),
                                         kind="civic"))
        cls.daemon = d = harness.Daemon(conf)
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        try:
            d.start()
            for name in ("city", "shakyo", "aisin", "npo"):
                s = d.fetch_and_wait(name)
                if s.get("error"):
                    raise AssertionError("source %s: %s" % (name,
                                                            s["error"]))
        except BaseException:
            harness.dump_log(d)
            raise

    def kariya(self):
        """The postings of the four feeds, by id."""
        return {it["id"]: it for it in self.daemon.items("?limit=1000")
                if it["_tsunagu"]["sources"][0]["source"]
                in ("city", "shakyo", "aisin", "npo")}

    def event(self, items, word):
        found = [it for it in items.values() if word in it["title"]]
        self.assertEqual(len(found), 1, "%s: %r" % (word, [
            it["title"] for it in found]))
        return found[0]

    def test_10_each_event_once(self):
        d = self.daemon
        items = d.wait_for(lambda: (lambda x: x if len(x) >= TOTAL else
                                    None)(self.kariya()), 15,
                           "%d postings" % TOTAL)
        self.assertEqual(len(items), TOTAL, sorted(
            it["title"] for it in items.values()))
        for word, sources in EVENTS.items():
            t = self.event(items, word)["_tsunagu"]
            self.assertEqual({s["source"] for s in t["sources"]}, sources)
            self.assertEqual(t["status"], "open")
            self.assertIsNone(t["duplicate_of"])
        # The city's words and dates win, and its kind.
        t = self.event(items, "防災訓練")
        self.assertEqual(t["title"], "【募集】刈谷市総合防災訓練 避難所運営")
        self.assertEqual(t["_tsunagu"]["kind"], "city")
        self.assertEqual(t["_tsunagu"]["start"], "2027-08-29T08:00:00+09:00")
        self.assertEqual(t["_tsunagu"]["sources"][0]["source"], "city")
        # ... the place comes from the company, which gave one.
        self.assertEqual(t["_tsunagu"]["place"], "刈谷市立小垣江小学校")

    def test_20_why(self):
        d = self.daemon
        t = self.event(self.kariya(), "防災訓練")
        status, doc = d.api("/postings/" + t["id"])
        self.assertEqual(status, 200, doc)
        merge = doc["merge"]
        records = merge["records"]
        self.assertEqual(len(records), 4)
        self.assertEqual(records[0]["rule"], "first")
        rules = {r["source"]: r for r in records}
        # JSON Feed items have ids; the civic group's RSS items have only
        # their links.
        self.assertEqual(rules["aisin"]["identity"], "guid")
        for r in records[1:]:
            self.assertIn(r["rule"], ("url", "similar"))
            self.assertIsNotNone(r["matched"])
            if r["rule"] == "similar":
                self.assertGreaterEqual(r["score"], 0.7)
                self.assertIsNotNone(r["title_similarity"])
        words = "\n".join(merge["explanation"])
        self.assertIn("made this posting", words)
        self.assertRegex(words, r"joined it: (alike|the same page)")
        self.assertEqual(merge["merged"], [])
        self.assertIsNone(merge["duplicate_of"])

    def test_30_restart_other_order(self):
        d = self.daemon
        before = {i: (it["_tsunagu"]["revision"], it["date_modified"])
                  for i, it in self.kariya().items()}
        # Full answers, not 304s: every record goes through the store again.
        for path in ("/city.rss", "/shakyo.atom", "/aisin.json", "/npo.rss"):
            r = self.origin.response(path)
            self.origin.set(path, 200, r.body, headers=r.headers,
                            conditional=False)
        d.restart()
        for name in ("npo", "aisin", "shakyo", "city"):
            s = d.fetch_and_wait(name)
            self.assertIsNone(s.get("error"))
        after = {i: (it["_tsunagu"]["revision"], it["date_modified"])
                 for i, it in self.kariya().items()}
        self.assertEqual(after, before)
        log = d.current_log()
        for name, n in (("npo", 3), ("aisin", 2), ("shakyo", 3),
                        ("city", 3)):
            self.assertIn("source %s: 200, %d entries: 0 new, 0 updated, "
                          "%d unchanged" % (name, n, n), log)

    def test_40_one_update(self):
        d, o = self.daemon, self.origin
        before = self.kariya()
        drill = self.event(before, "防災訓練")
        city = [dict(it) for it in CITY]
        city[0]["title"] = "【募集】刈谷市総合防災訓練 避難所運営 (雨天決行)"
        o.set_feed("/city.rss", rss(rss_items(city)))
        d.fetch_and_wait("city")
        after = self.kariya()
        self.assertEqual(set(after), set(before))
        t = after[drill["id"]]
        self.assertEqual(t["title"],
                         "【募集】刈谷市総合防災訓練 避難所運営 (雨天決行)")
        self.assertEqual(t["_tsunagu"]["revision"],
                         drill["_tsunagu"]["revision"] + 1)
        self.assertEqual(len(t["_tsunagu"]["sources"]), 4)
        for i, it in after.items():
            if i != drill["id"]:
                self.assertEqual(it["_tsunagu"]["revision"],
                                 before[i]["_tsunagu"]["revision"], i)
        self.assertRegex(d.current_log(), r"source city: 200, 3 entries: 0 "
                         r"new, 1 updated, 2 unchanged")

    def test_50_snapshot_row_gone(self):
        d, o = self.daemon, self.origin
        with open(d.conf, encoding="utf-8") as f:
            conf = f.read()
        d.write_config(conf + harness.source_section(
            "opendata", o.url("/od.csv"), kind="city", format="csv",
            withdraw_after=2))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in
                   d.current_log()[mark:], 10, "the reload")
        d.fetch_and_wait("opendata")
        items = {it["title"]: it for it in d.items("?limit=1000")}
        self.assertIn("献血推進キャンペーン", items)
        gone = items["献血推進キャンペーン"]
        # The row leaves the file: one fetch without it is not enough.
        o.set("/od.csv", 200, OPENDATA_HEADER + OPENDATA_ROWS[0],
              content_type="text/csv; charset=utf-8")
        d.fetch_and_wait("opendata")
        t = {it["id"]: it for it in d.items("?limit=1000")}[gone["id"]]
        self.assertEqual(t["_tsunagu"]["status"], "open")
        o.set("/od.csv", 200, OPENDATA_HEADER + OPENDATA_ROWS[0] + "\n",
              content_type="text/csv; charset=utf-8")
        d.fetch_and_wait("opendata")
        t = {it["id"]: it for it in d.items("?limit=1000")}[gone["id"]]
        self.assertEqual(t["_tsunagu"]["status"], "withdrawn")
        self.assertEqual(t["_tsunagu"]["revision"],
                         gone["_tsunagu"]["revision"] + 1)

    def test_60_recurring_rows_stay_apart(self):
        d = self.daemon
        with open(d.conf, encoding="utf-8") as f:
            conf = f.read()
        d.write_config(conf
                       + harness.source_section(
                           "tokorozawa", self.origin.url("/tokorozawa.csv"),
                           kind="city", format="csv")
                       + harness.source_section(
                           "mirror", self.origin.url("/mirror.csv"),
                           kind="federation", format="csv"))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in
                   d.current_log()[mark:], 10, "the reload")
        d.fetch_and_wait("tokorozawa")
        d.fetch_and_wait("mirror")
        m = re.search(r"source tokorozawa: 200, (\d+) entries",
                      d.current_log())
        self.assertIsNotNone(m, d.log_tail())
        rows = int(m.group(1))
        self.assertGreater(rows, 50)
        mine = [it for it in d.items("?limit=10000")
                if {s["source"] for s in it["_tsunagu"]["sources"]}
                & {"tokorozawa", "mirror"}]
        # One posting per row: each occurrence with its twin, never two
        # dates (or two sessions of a day) in one posting.
        self.assertEqual(len(mine), rows)
        for it in mine:
            names = sorted(s["source"] for s in it["_tsunagu"]["sources"])
            self.assertEqual(names, ["mirror", "tokorozawa"], it["title"])
        slots = {(it["title"], it["_tsunagu"].get("start"),
                  it["_tsunagu"].get("place")) for it in mine}
        self.assertEqual(len(slots), rows)
        titles = {}
        for it in mine:
            titles.setdefault(it["title"], set()).add(
                it["_tsunagu"]["start"])
        self.assertTrue(any(len(s) > 2 for s in titles.values()),
                        "the file has recurring events")

    def test_70_bridge_withdraws_the_younger(self):
        d, o = self.daemon, self.origin
        # Two postings that did not match ... and a record that matches
        # both: the older survives, the other points at it.
        with open(d.conf, encoding="utf-8") as f:
            conf = f.read()
        o.set_feed("/a.rss", rss(rss_items([
            {"title": "防災キャンプ", "link": "https://a.example/1",
             "description": "<p>2027年8月21日 13時～17時</p>"}])))
        # New sources are polled at once: b and c say nothing yet.
        o.set_feed("/b.rss", rss([]))
        o.set_feed("/c.rss", rss([]))
        d.write_config(conf
                       + harness.source_section("a", o.url("/a.rss"))
                       + harness.source_section("b", o.url("/b.rss"),
                                                kind="civic")
                       + harness.source_section("c", o.url("/c.rss"),
                                                kind="shakyo"))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in
                   d.current_log()[mark:], 10, "the reload")
        d.fetch_and_wait("a")
        # First seen a second later (the same second would leave it to
        # the smaller id).
        time.sleep(1.1)
        # b and c name the venue (JSON Feed's _tsunagu.place): the
        # three titles alone are not alike enough to be one event.
        o.set("/b.rss", 200, camp_feed("親子キャンプ",
                                       "https://b.example/1"),
              content_type="application/feed+json")
        d.fetch_and_wait("b")
        items = {it["title"]: it for it in d.items("?limit=10000")}
        older, younger = items["防災キャンプ"], items["親子キャンプ"]
        self.assertNotEqual(older["id"], younger["id"])
        o.set("/c.rss", 200, camp_feed("親子防災キャンプ",
                                       "https://c.example/1"),
              content_type="application/feed+json")
        d.fetch_and_wait("c")
        items = {it["id"]: it for it in d.items("?limit=10000")}
        t = items[younger["id"]]["_tsunagu"]
        self.assertEqual(t["status"], "withdrawn")
        self.assertEqual(t["duplicate_of"], older["id"])
        t = items[older["id"]]["_tsunagu"]
        self.assertEqual({s["source"] for s in t["sources"]},
                         {"a", "b", "c"})
        status, doc = d.api("/postings/" + older["id"])
        self.assertEqual(status, 200)
        self.assertEqual([m["posting"] for m in doc["merge"]["merged"]],
                         [younger["id"]])


if __name__ == "__main__":
    harness.main()
