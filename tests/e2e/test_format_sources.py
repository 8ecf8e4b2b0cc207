"""One origin source of each format through the daemon (issue 3): RSS 1.0
in Shift_JIS, RSS 2.0 in EUC-JP, Atom, JSON Feed, the 32-column CSV in
CP932 and the 79-column one in UTF-8, and iCalendar, all served from the
fixtures in tests/data/ by one scripted origin to one tsunagud; the
`_tsunagu` fields of /feeds/all.json are checked against what each source
says (start/end/all_day/area/place/category/recurrence/status/organizer/
contact/deadline), posting by posting.

The charset cases are served the way such sites serve them: a bare
Content-Type with no charset, so the daemon has to read the XML
declaration (or, for the CSV, guess) -- ① ㈱ 髙 must survive as NFKC
leaves them.
"""

import datetime
import os

import harness

DATA = os.path.join(harness.SOURCE_ROOT, "tests", "data")

# name: (fixture, Content-Type, kind)
SOURCES = {
    "rdf-sjis": ("feeds/kariya-rdf-sjis.rdf", "application/rdf+xml", "civic"),
    "rss-eucjp": ("feeds/kariya-rss2-eucjp.xml", "application/rss+xml",
                  "city"),
    "atom": ("feeds/kariya-atom.xml", "application/atom+xml", "shakyo"),
    "jsonfeed": ("feeds/kariya-feed11.json", "application/feed+json",
                 "corporate"),
    "csv32": ("csv/kariya-32-cp932.csv", "text/csv", "city"),
    "csv79": ("csv/kariya-79.csv", "text/csv; charset=utf-8", "city"),
    "ical": ("ical/kariya.ics", "text/calendar", "shakyo"),
}

# How many postings each source yields (rows and events without a date,
# or with an impossible one, are skipped and logged).
EXPECTED_COUNT = {"rdf-sjis": 2, "rss-eucjp": 1, "atom": 3, "jsonfeed": 3,
                  "csv32": 4, "csv79": 3, "ical": 6}


def _last_second(value):
    """The last second a start or end value covers: a date is its whole
    day in Japan."""
    if len(value) == 10:
        day = datetime.date.fromisoformat(value)
        return datetime.datetime.combine(day, datetime.time(23, 59, 59),
                                         harness.JST)
    return harness.parse_time(value)


def expected_status(t):
    """open or closed by the posting's dates (lifecycle.h), for postings
    without a recurrence; either for the others."""
    if t.get("recurrence") or not t.get("start"):
        return t.get("status") if t.get("status") in ("open", "closed") \
            else "open"
    start = _last_second(t["start"])
    first_day = datetime.datetime.combine(
        start.astimezone(harness.JST).date(), datetime.time(23, 59, 59),
        harness.JST)
    close = max(_last_second(t["end"]) if t.get("end") else start, first_day)
    now = datetime.datetime.now(datetime.timezone.utc)
    return "closed" if now > close else "open"


class FormatSourcesTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = o = harness.Origin()
        cls.addClassCleanup(o.stop)
        conf = harness.daemon_section()
        for name, (path, ctype, kind) in SOURCES.items():
            with open(os.path.join(DATA, path), "rb") as f:
                o.set("/" + name, 200, f.read(), content_type=ctype)
            conf += harness.source_section(name, o.url("/" + name),
                                           kind=kind)
        cls.daemon = d = harness.Daemon(conf)
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        try:
            d.start()
            for name in SOURCES:
                s = d.fetch_and_wait(name)
                if s.get("error"):
                    raise AssertionError("source %s failed: %s"
                                         % (name, s["error"]))
            total = sum(EXPECTED_COUNT.values())
            d.wait_for(lambda: len(d.items("?limit=1000")) >= total, 20,
                       "%d postings" % total)
        except BaseException:
            harness.dump_log(d)
            raise
        cls.by_source = {}
        for it in d.items("?limit=1000"):
            src = it["_tsunagu"]["sources"][0]["source"]
            cls.by_source.setdefault(src, {})[it["title"]] = it

    def posting(self, source, title):
        items = self.by_source.get(source, {})
        self.assertIn(title, items, "%s: no posting titled %r; got %r"
                      % (source, title, sorted(items)))
        return items[title]["_tsunagu"]

    def fields(self, t, **want):
        """Each wanted field equals the published one (None: absent or
        null).  status="open" means open until the event is over, then
        closed (lifecycle.h): the fixtures' dates pass while they stay."""
        for key, value in want.items():
            if key == "status" and value == "open":
                value = expected_status(t)
            self.assertEqual(t.get(key), value, "field %s of %r"
                             % (key, t.get("title")))

    def test_counts_and_provenance(self):
        for name, n in EXPECTED_COUNT.items():
            with self.subTest(source=name):
                items = self.by_source.get(name, {})
                self.assertEqual(len(items), n, sorted(items))
                for it in items.values():
                    t = it["_tsunagu"]
                    self.assertEqual(t["sources"][0]["kind"],
                                     SOURCES[name][2])
                    self.assertIn(t["status"], ("open", "closed",
                                                "cancelled"))
                    if t["status"] != "cancelled":
                        self.assertEqual(t["status"], expected_status(t),
                                         t["title"])
                    self.assertRegex(t["area"], r"^\d{6}$")
                    self.assertEqual(t["title"], it["title"])
                    self.assertIn("origin", t)

    def test_skipped_rows_are_logged(self):
        # 32-column CSV: a row without a name, one without a date and one
        # with 2026-13-01; the iCalendar event without DTSTART and the
        # RECURRENCE-ID override (it changes one occurrence of the series).
        log = self.daemon.log()
        self.assertRegex(log, r"source csv32: read as CP932; 0 invalid "
                         r"sequences replaced; 3 entries skipped")
        self.assertRegex(log, r"source ical: read as UTF-8; 0 invalid "
                         r"sequences replaced; 2 entries skipped")

    def test_rdf_shift_jis(self):
        t = self.posting("rdf-sjis", "1傾聴ボランティア養成講座(全3回)")
        # The date comes from content:encoded's 和暦 text.
        self.fields(t, start="2026-08-05T10:00:00+09:00",
                    end="2026-08-05T12:00:00+09:00", all_day=False,
                    area="232106", kind="civic",
                    category=["welfare", "education"],
                    organizer={"name": "刈谷市社会福祉協議会"},
                    recurrence=None, status="open")
        it = self.by_source["rdf-sjis"]["1傾聴ボランティア養成講座(全3回)"]
        self.assertIn("㈱カリヤ技研", it["content_html"])
        self.assertEqual(it["date_published"], "2026-07-20T00:00:00+09:00")
        t = self.posting("rdf-sjis", "2夏のボランティア体験(髙須地区)")
        self.fields(t, start=None, category=None, organizer=None)

    def test_rss_euc_jp(self):
        t = self.posting("rss-eucjp", "逢妻川クリーン作戦1(髙津波町)")
        self.fields(t, category=["environment"], area="232106",
                    kind="city", start=None, status="open")
        it = self.by_source["rss-eucjp"]["逢妻川クリーン作戦1(髙津波町)"]
        self.assertIn("㈱刈谷環境サービス", it["summary"])
        self.assertEqual(it["date_published"], "2026-08-01T10:00:00+09:00")

    def test_atom(self):
        t = self.posting("atom", "傾聴ボランティア養成講座")
        self.fields(t, category=["welfare", "education"], start=None)
        it = self.by_source["atom"]["傾聴ボランティア養成講座"]
        # xml:base on the feed and on the entry.
        self.assertEqual(
            it["url"],
            "https://shakyo.kariya.example.jp/volunteer/2026/listening.html")
        # An xhtml title flattened to its text; content kept as markup.
        t = self.posting("atom", "災害ボランティアセンター設置訓練")
        self.fields(t, category=["disaster"])
        it = self.by_source["atom"]["災害ボランティアセンター設置訓練"]
        self.assertIn("<strong>9月1日</strong>", it["content_html"])
        # Another instance's entry: the extension is read back.
        t = self.posting("atom", "フードドライブ受付ボランティア")
        self.fields(t, start="2026-07-18T10:00:00+09:00",
                    end="2026-07-18T15:00:00+09:00", all_day=False,
                    area="232114", place="豊田市福祉センター",
                    capacity=10, lat=35.0824, lon=137.1563,
                    organizer={"name": "豊田市社会福祉協議会",
                               "kind": "shakyo"},
                    status="open")
        self.assertEqual(t["origin"], {"instance": "toyota", "id": "p-0003"})

    def test_json_feed(self):
        t = self.posting("jsonfeed", "防災訓練の運営ボランティア")
        self.fields(t, category=["disaster", "community"],
                    organizer={"name": "刈谷市 危機管理課"})
        it = self.by_source["jsonfeed"]["防災訓練の運営ボランティア"]
        self.assertTrue(it["url"].endswith("/2026/bousai.html"), it["url"])
        self.assertTrue(it["url"].startswith("http"), it["url"])
        # content_text becomes escaped HTML.
        it = self.by_source["jsonfeed"]["手話サークル 見学会"]
        self.assertEqual(it["url"], "https://www.example.org/event/42")
        self.assertNotIn("<見学無料>", it["content_html"])
        # A federated item keeps its origin, area and dates.
        t = self.posting("jsonfeed", "NPO交流会(知立市と合同)")
        self.fields(t, start="2026-09-20T13:30:00+09:00", area="232254",
                    category=["community"],
                    organizer={"name": "知立市市民活動支援センター",
                               "kind": "civic"})
        self.assertEqual(t["origin"], {"instance": "chiryu", "id": "c0ffee"})

    def test_csv_32_columns_cp932(self):
        t = self.posting("csv32", "刈谷ハイウェイオアシス周辺 清掃ボランティア")
        self.fields(t, start="2026-08-04T09:00:00+09:00",
                    end="2026-08-04T11:30:00+09:00", all_day=False,
                    deadline="2026-07-31T17:00:00+09:00", area="232106",
                    place="岩ケ池公園", category=["environment"],
                    organizer={"name": "刈谷市"},
                    contact={"name": "刈谷市市民ボランティア活動支援センター",
                             "phone": "0566-91-0461"},
                    recurrence=None, status="open")
        # CP932: ① and ㈱ survived decoding, NFKC made them 1 and (株);
        # the 9999-12-31 sentinel means no end; a 5-digit code got its
        # check digit; full-width times.
        t = self.posting("csv32", "1手話で話そう (株)デンソー協賛 講座")
        self.fields(t, start="2026-08-21T10:00:00+09:00", end=None,
                    area="232106", place="刈谷市総合文化センター アイリス",
                    organizer={"name": "社会福祉法人 刈谷市社会福祉協議会"},
                    contact={"name": "刈谷市社会福祉協議会 ボランティアセンター",
                             "phone": "0566-23-7867 内線215"})
        # 和暦 dates, no times: an all-day span with an inclusive end.
        t = self.posting("csv32", "夏休み 子ども食堂ボランティア(3日間)")
        self.fields(t, start="2026-08-05", end="2026-08-07", all_day=True,
                    place="刈谷市民交流センター")
        t = self.posting("csv32", "万燈祭 交通整理ボランティア")
        self.fields(t, start="2026-07-25T17:00:00+09:00",
                    deadline="2026-07-10", place="秋葉社周辺")

    def test_csv_79_columns(self):
        t = self.posting("csv79", "傾聴ボランティア養成講座 第1回")
        self.fields(t, start="2026-10-03T13:30:00+09:00",
                    end="2026-10-03T15:30:00+09:00", all_day=False,
                    deadline="2026-09-25T17:15:00+09:00", area="232106",
                    place="刈谷市役所 7階 701会議室", category=["education"],
                    organizer={"name": "刈谷市"},
                    contact={"name": "刈谷市 長寿課",
                             "phone": "0566-62-1013 内線1234"},
                    status="open")
        # 状態 中止 is a cancelled posting.
        t = self.posting("csv79", "防災フェスタ2026")
        self.fields(t, start="2026-11-15", end="2026-11-15", all_day=True,
                    status="cancelled", category=["disaster"],
                    place="刈谷市総合運動公園",
                    contact={"name": "刈谷市 危機管理課",
                             "phone": "0566-62-1008"})

    def test_icalendar(self):
        # Folded SUMMARY, escaped LOCATION, RRULE kept, CN with a ';'.
        t = self.posting("ical", "刈谷市 傾聴サロン(毎月第2土曜日)ボランティア募集")
        self.fields(t, start="2026-07-11T13:00:00+09:00",
                    end="2026-07-11T15:30:00+09:00", all_day=False,
                    recurrence="FREQ=MONTHLY;BYDAY=2SA;COUNT=6",
                    place="刈谷市総合福祉センター 2階, 交流室",
                    organizer={"name": "刈谷市社会福祉協議会; ボランティアセンター"},
                    contact={"email": "vc@kariya-shakyo.example.jp"},
                    status="open", lat=34.99123, lon=137.00456)
        # DTEND;VALUE=DATE is exclusive: the inclusive end is a day before.
        t = self.posting("ical", "夏のキャンプ 子どもボランティアリーダー")
        self.fields(t, start="2026-08-01", end="2026-08-02", all_day=True,
                    category=["children"], recurrence=None)
        t = self.posting("ical", "赤い羽根共同募金 街頭募金")
        self.fields(t, start="2026-10-03", end="2026-10-03", all_day=True)
        # UTC and another zone keep their instant; DURATION gives the end.
        t = self.posting("ical", "オンライン説明会")
        self.fields(t, start="2026-09-01T10:00:00+09:00",
                    end="2026-09-01T11:30:00+09:00")
        t = self.posting("ical", "Sister city volunteers call")
        self.fields(t, start="2026-12-01T19:00:00-05:00",
                    end="2026-12-01T20:00:00-05:00")
        t = self.posting("ical", "福祉まつり 会場設営")
        self.fields(t, start="2026-11-15T09:30:00+09:00",
                    end="2026-11-15T11:00:00+09:00", status="cancelled")
        # The RECURRENCE-ID override is not a posting of its own.
        self.assertNotIn("刈谷市 傾聴サロン(8月は時間変更)",
                         self.by_source["ical"])


if __name__ == "__main__":
    harness.main()
