"""Feed filters end to end: every key alone, lists ORed, keys ANDed, 1-
and 2-character Japanese q beside trigram q, area prefixes, date overlap
at its edges, paging under a filter, canonical URLs, and the 400s.

Each filtered feed is compared with an oracle (feeds_common.matches) run
over the unfiltered feed, so the test states the rules, not the data.
"""

import urllib.parse

import feeds_common as fc
import harness

# (query, at least this many postings selected)
SINGLE_KEYS = [
    ({"kind": ["city"]}, 4),
    ({"kind": ["shakyo", "corporate"]}, 5),
    ({"kind": ["civic"]}, 0),
    ({"status": ["open"]}, 5),
    ({"status": ["cancelled", "withdrawn"]}, 2),
    ({"status": ["closed"]}, 1),
    ({"source": ["shakyo"]}, 3),
    ({"source": ["city", "company"]}, 6),
    ({"category": ["welfare"]}, 4),
    ({"category": ["disaster", "environment"]}, 4),
    ({"area": ["23"]}, 8),
    ({"area": ["13"]}, 1),
    ({"area": ["232106"]}, 5),
    ({"area": ["232017", "131016"]}, 2),
]

Q = [
    ("福", 2),            # 1 character
    ("福祉", 2),          # 2 characters: no trigram
    ("防災", 2),
    ("清掃", 1),
    ("ボランティア", 2),  # 3 and more: FTS5 trigram
    ("福祉サロン", 1),
    ("food drive", 1),    # ASCII, any case
    ("FOOD", 1),
    ("fo", 1),
    ("公民館", 1),        # the place
    ("株式会社", 1),      # the organizer
    ("お話し相手", 1),    # the summary
    ("存在しない語句", 0),
]

DATES = [
    # The timed 傾聴 posting: 2036-07-25 09:30..12:00 +09:00.
    ({"from": "2036-07-25", "to": "2036-07-25"}, 2),
    ({"from": "2036-07-25T12:00:00+09:00"}, 1),
    ({"from": "2036-07-25T12:00:01+09:00"}, 1),
    ({"to": "2036-07-25T09:30:00+09:00"}, 1),
    ({"to": "2036-07-25T09:29:59+09:00"}, 1),
    ({"from": "2036-07-25T03:00:00Z", "to": "2036-07-25T03:00:00Z"}, 1),
    # The all-day 防災 posting: 2036-09-06, the whole Japan day.
    ({"from": "2036-09-06", "to": "2036-09-06"}, 1),
    ({"from": "2036-09-06T23:59:59+09:00", "to": "2036-09-07"}, 1),
    # The monthly salon, COUNT=3 from 07-08: its series runs to 09-08.
    ({"from": "2036-09-07", "to": "2036-09-07"}, 1),
    ({"from": "2036-09-08T15:00:00+09:00", "to": "2036-09-30"}, 1),
    ({"from": "2036-09-08T15:00:01+09:00", "to": "2036-09-30"}, 0),
    ({"from": "2036-09-09", "to": "2036-09-30"}, 0),
    # A Food Drive over two days.
    ({"from": "2036-12-06", "to": "2036-12-31"}, 1),
]

COMBINATIONS = [
    ({"kind": ["city"], "area": ["23"], "category": ["welfare"]}, 2),
    ({"q": "福祉", "area": ["232106"]}, 2),
    ({"status": ["open"], "from": "2036-07-01", "to": "2036-07-31"}, 2),
    ({"category": ["welfare"], "q": "サロン", "kind": ["shakyo"]}, 1),
    ({"kind": ["city", "shakyo"], "status": ["open"], "area": ["232106"],
      "q": "ボランティア", "from": "2036-07-01"}, 1),
    ({"source": ["company"], "category": ["welfare"]}, 0),
]


class FiltersTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        fc.start(cls)
        cls.every = cls.daemon.items("?limit=1000")

    def check(self, flt, at_least):
        qs = fc.query_string(flt)
        want = [it["id"] for it in self.every if fc.matches(it, flt)]
        self.assertGreaterEqual(len(want), at_least,
                                "the oracle found too little for %s" % qs)
        if at_least == 0:
            self.assertEqual(want, [])
        # Paged by 2, so that paging under a filter is tested too.
        got = [it["id"] for it in
               fc.all_pages(self.daemon, "/feeds/all.json?%s&limit=2" % qs)]
        self.assertEqual(got, want, qs)

    def test_each_key(self):
        for flt, n in SINGLE_KEYS:
            with self.subTest(filter=flt):
                self.check(flt, n)

    def test_q_short_and_long(self):
        for q, n in Q:
            with self.subTest(q=q):
                self.check({"q": q}, n)

    def test_date_overlap_edges(self):
        for flt, n in DATES:
            with self.subTest(filter=flt):
                self.check(flt, n)

    def test_combinations(self):
        for flt, n in COMBINATIONS:
            with self.subTest(filter=flt):
                self.check(flt, n)

    def test_area_codes_are_normalized(self):
        # A 5-digit code gets its check digit: the same feed.
        a = fc.all_pages(self.daemon, "/feeds/all.json?area=23210")
        b = fc.all_pages(self.daemon, "/feeds/all.json?area=232106")
        self.assertEqual([i["id"] for i in a], [i["id"] for i in b])
        self.assertTrue(a)

    def test_tombstone_is_published(self):
        ids = [it["_tsunagu"]["status"] for it in
               fc.all_pages(self.daemon, "/feeds/all.json?status=withdrawn")]
        self.assertEqual(ids, ["withdrawn"])

    def test_canonical_self_and_cache(self):
        d = self.daemon
        s1, h1, b1 = d.get("/feeds/all.atom?area=23210&kind=shakyo,city"
                           "&q=%E7%A6%8F%E7%A5%89")
        s2, h2, b2 = d.get("/feeds/all.atom?q=%E7%A6%8F%E7%A5%89&kind=city,"
                           "shakyo,city&area=232106")
        self.assertEqual((s1, s2), (200, 200))
        self.assertEqual(b1, b2)
        self.assertEqual(h1["ETag"], h2["ETag"])
        self.assertEqual(h2["X-Tsunagu-Cache"], "hit")
        self.assertEqual(
            h1["Link"], "<%s/feeds/all.atom?kind=city,shakyo&area=232106&"
            "q=%%E7%%A6%%8F%%E7%%A5%%89>; rel=\"self\", <%s/hub>; "
            "rel=\"hub\"" % (d.base, d.base))
        doc, _ = fc.get_json(d, "/feeds/all.json?to=2036-07-31&from="
                                "2036-07-01&status=open&limit=5")
        self.assertEqual(
            doc["feed_url"], d.base + "/feeds/all.json?status=open&"
            "from=2036-07-01T00%3A00%3A00%2B09%3A00&"
            "to=2036-07-31T23%3A59%3A59%2B09%3A00&limit=5")

    def test_next_links_keep_the_filter(self):
        d = self.daemon
        doc, h = fc.get_json(d, "/feeds/all.json?category=welfare&limit=1")
        nxt = doc["next_url"]
        self.assertIn("category=welfare", nxt)
        self.assertIn("limit=1", nxt)
        self.assertIn('<%s>; rel="next"' % nxt, h["Link"])
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(nxt).query)
        self.assertEqual(list(q), ["category", "after", "limit"])

    def test_category_in_japanese(self):
        # The vocabulary's Japanese labels, its keywords and English
        # synonyms name its codes: the same postings, the same feed (one
        # canonical URL, one cache entry), whatever word a reader uses.
        d = self.daemon
        for words, codes in (("福祉", ["welfare"]),
                             ("社会福祉", ["welfare"]),
                             ("Welfare", ["welfare"]),
                             ("ＷＥＬＦＡＲＥ", ["welfare"]),
                             ("防災,環境", ["disaster", "environment"]),
                             ("災害・防災", ["disaster"]),
                             ("健康・福祉", ["health", "welfare"]),
                             ("その他", ["other"])):
            with self.subTest(category=words):
                want = [it["id"] for it in self.every
                        if fc.matches(it, {"category": codes})]
                if codes == ["welfare"]:
                    self.assertGreaterEqual(len(want), 4)
                path = "/feeds/all.json?category=%s&limit=1000" % \
                    urllib.parse.quote(words, safe=",")
                doc, h = fc.get_json(d, path)
                self.assertEqual([it["id"] for it in doc["items"]], want)
                self.assertEqual(
                    doc["feed_url"], d.base + "/feeds/all.json?category=%s"
                    "&limit=1000" % ",".join(codes))
                _, h2 = fc.get_json(
                    d, "/feeds/all.json?category=%s&limit=1000" %
                    ",".join(codes))
                self.assertEqual(h["ETag"], h2["ETag"])
                self.assertEqual(h2["X-Tsunagu-Cache"], "hit")

    def test_bad_filters_are_400(self):
        for query in ("kind=town", "status=deleted", "area=tokyo",
                      "area=232107", "from=2026-02-30", "to=tomorrow",
                      "from=2026-03-02&to=2026-03-01", "q=", "q=a&q=b",
                      "kind=", "kind=city,", "colour=red", "limit=0",
                      "limit=x", "after=nope", "token=abc",
                      "category=%E5%AE%87%E5%AE%99", "category=party",
                      "category=welfare,"):
            with self.subTest(query=query):
                status, _, body = self.daemon.get("/feeds/all.json?" + query)
                self.assertEqual(status, 400, body)


if __name__ == "__main__":
    harness.main()
