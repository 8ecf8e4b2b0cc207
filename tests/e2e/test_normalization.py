"""Normalization end to end: what sources send (full-width titles, hostile
HTML, relative links, dates in the text, their own category labels, an
address and no code) against what /feeds/all.json publishes, with the
municipality table of ../shared/data/localgovjp named by
`[daemon] municipalities`, and `[source] categories` overrides."""

import os
import re
import shutil
import tempfile

import harness
from harness import rss

SHARED = os.path.join(os.environ.get("TSUNAGU_SOURCE_ROOT", "."), "..",
                      "shared", "data")
TABLE = os.path.abspath(os.path.join(SHARED, "localgovjp",
                                     "localgovjp-utf8.csv"))

CITY_PATH = "/city/rss.xml"
FED_PATH = "/neighbour/atom.xml"

HOSTILE = ('<p onclick="alert(1)">軍手をお持ちください。'
           '<a href="javascript:alert(1)">x</a>'
           '<a href="detail.html">詳細</a>'
           '<img src="data:image/png;base64,AAAA" onerror="alert(1)">'
           '<script>alert(1)</script><style>p{}</style>'
           '<iframe src="https://evil.example/"></iframe></p>'
           '<p>日時: 2026年9月6日 9:00から12:00</p>'
           '<p>申込締切: 2026年8月31日</p>')

CITY_ITEMS = [
    {"title": "【募集】ＡＢＣ清掃活動〜亀城公園〜",
     "link": "https://city.example.jp/volunteer/501",
     "categories": ["健康・福祉、スポーツ"],
     "description": HOSTILE},
    {"title": "ふれあいサロンのお手伝い",
     "link": "https://city.example.jp/volunteer/502",
     "categories": ["ふれあい"],
     "description": "<p>毎月第2水曜日</p>"},
]

# Another tsunagu instance: an Atom entry with the posting extension,
# carrying an address and no area code.
FED_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:t="urn:tsunagu:posting:1">
<title>名古屋</title><id>urn:uuid:e2e-neighbour</id>
<updated>2026-06-01T09:00:00+09:00</updated>
<author><name>名古屋</name></author>
<entry>
<title>駅前清掃</title><id>tag:nagoya.example.jp,2026:p/1</id>
<link rel="alternate" href="https://nagoya.example.jp/p/1"/>
<updated>2026-06-01T09:00:00+09:00</updated>
<content type="html">&lt;p&gt;駅前の清掃&lt;/p&gt;</content>
<t:kind>civic</t:kind>
<t:address>名古屋市中村区名駅1丁目</t:address>
<t:start>2026/10/04</t:start>
<t:category>環境</t:category>
</entry>
</feed>
"""


class NormalizeTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = harness.Origin()
        cls.addClassCleanup(cls.origin.stop)
        cls.origin.set_feed(CITY_PATH, rss(CITY_ITEMS, "刈谷市"))
        cls.origin.set_feed(FED_PATH, FED_FEED.encode("utf-8"),
                            content_type="application/atom+xml")
        conf = (harness.daemon_section(municipalities=TABLE)
                + harness.source_section(
                    "city", cls.origin.url(CITY_PATH), kind="city",
                    categories="ふれあい=elderly")
                + harness.source_section(
                    "neighbour", cls.origin.url(FED_PATH),
                    kind="federation", format="atom"))
        cls.daemon = d = harness.Daemon(conf)
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        try:
            d.start()
            for name in ("city", "neighbour"):
                d.fetch_and_wait(name)
            d.wait_for(lambda: len(d.items()) == 3, 20, "3 postings")
        except BaseException:
            harness.dump_log(d)
            raise
        cls.items = {it["url"]: it for it in d.items()}

    def test_title(self):
        it = self.items["https://city.example.jp/volunteer/501"]
        # NFKC and 〜 → ~; the decoration stays in the published title.
        self.assertEqual(it["title"], "【募集】ABC清掃活動~亀城公園~")
        self.assertEqual(it["_tsunagu"]["title"], it["title"])

    def test_hostile_html_never_reaches_the_feed(self):
        it = self.items["https://city.example.jp/volunteer/501"]
        html = it["content_html"]
        for bad in ("<script", "<style", "<iframe", "onclick", "onerror",
                    "javascript:", "data:"):
            self.assertNotIn(bad, html.lower())
        self.assertIn("軍手をお持ちください。", html)
        # The relative link, resolved against the document it came in.
        self.assertRegex(html, r'<a href="http://[0-9.:]+/city/detail\.html">'
                         r'詳細</a>')
        self.assertTrue(it.get("summary"))
        self.assertNotIn("<", it["summary"])
        self.assertNotIn("alert", it["summary"])

    def test_dates_from_the_text(self):
        t = self.items["https://city.example.jp/volunteer/501"]["_tsunagu"]
        self.assertEqual(t["start"], "2026-09-06T09:00:00+09:00")
        self.assertEqual(t["end"], "2026-09-06T12:00:00+09:00")
        self.assertEqual(t["deadline"], "2026-08-31")
        self.assertFalse(t["all_day"])

    def test_categories(self):
        t = self.items["https://city.example.jp/volunteer/501"]["_tsunagu"]
        self.assertEqual(t["category"], ["health", "welfare", "sports"])
        t = self.items["https://city.example.jp/volunteer/502"]["_tsunagu"]
        self.assertEqual(t["category"], ["elderly"])      # the override
        t = self.items["https://nagoya.example.jp/p/1"]["_tsunagu"]
        self.assertEqual(t["category"], ["environment"])

    def test_area(self):
        # No code and no address: the region.
        t = self.items["https://city.example.jp/volunteer/502"]["_tsunagu"]
        self.assertEqual(t["area"], "232106")
        # An address and no code: the ward, from the table.
        t = self.items["https://nagoya.example.jp/p/1"]["_tsunagu"]
        self.assertEqual(t["area"], "231053")
        self.assertEqual(t["start"], "2026-10-04")
        self.assertTrue(t["all_day"])
        self.assertEqual(t["kind"], "civic")

    def test_log_names_the_table(self):
        self.assertRegex(self.daemon.log(), r"municipalities: 1916 from ")


class MunicipalitiesConfigTest(harness.TestCase):
    """A table that does not load is a configuration error at file:line."""

    def test_bad_table(self):
        d = tempfile.mkdtemp(prefix="tsunagu-e2e-norm-")
        self.addCleanup(shutil.rmtree, d, True)
        bad = os.path.join(d, "bad.csv")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("pref,city,lgcode\n愛知県,刈谷市,232107\n")
        path = os.path.join(d, "tsunagu.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write("[daemon]\nregion = 232106\nmunicipalities = bad.csv\n")
        proc = harness.Daemon.check_config(path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertRegex(proc.stderr, re.escape(path) + r":3: municipalities: "
                         + re.escape(bad) + r":2: lgcode '232107'")
        with open(path, "w", encoding="utf-8") as f:
            f.write("[daemon]\nmunicipalities = %s\n" % TABLE)
        proc = harness.Daemon.check_config(path)
        self.assertEqual(proc.returncode, 0, proc.stderr)


if __name__ == "__main__":
    harness.main()
