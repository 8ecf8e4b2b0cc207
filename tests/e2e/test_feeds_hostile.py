"""Hostile text from sources never breaks or injects into any published
format: newlines and CR, NUL and other controls (through a CSV source,
the one format that can carry them), "]]>", markup, a spreadsheet formula
and a 100 KB line, read back by strict parsers of each format.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import feeds_common as fc
import harness
from harness import ATOM_NS, TSUNAGU_NS

FORMULA = "=cmd|'/c calc'!A0"
LONG = "長" * 33000 + "x" * 1000           # about 100 KB on one line

ATOM_ENTRIES = [
    {"title": FORMULA, "link": fc.link(101), "start": "2036-07-01",
     "all_day": True, "area": "232106",
     "summary": "line one\r\nline two\rline three\n]]> <![CDATA[ x ]]>",
     "content": "<p>a</p>]]><script>alert(1)</script>&amp;&lt;",
     "place": "+81 会場, \"引用\"; 区切り\\"},
    {"title": "長い行", "link": fc.link(102), "summary": LONG,
     "start": "2036-07-02T10:00:00+09:00", "area": "232106"},
    {"title": "@SUM(A1:A9) と -2+3", "link": fc.link(103),
     "start": "2036-07-03T10:00:00+09:00", "area": "232106",
     "recurrence": "FREQ=DAILY\r\nEND:VEVENT\r\nBEGIN:VEVENT"},
]


def hostile_csv():
    """A 50-column イベント一覧 source with NUL, controls and CR in cells."""
    header = ("NO,都道府県コード又は市区町村コード,名称,名称(カナ),名称(英字),"
              "名称(通称),サブタイトル,概要,説明,サブイベント,イベント種類,URL,"
              "画像URL,状態,対象となる産業,ステージ,開始日,終了日,開始時刻,"
              "終了時刻,日時備考,場所名称,集合場所,郵便番号,住所都道府県,"
              "住所市区町村,住所町名,住所丁目以下,建物名等,緯度,経度,主催団体,"
              "共催団体,その他関係団体,対象者,定員,料金(基本),料金(詳細),"
              "外国語対応,申込期限日,申込期限時刻,申込方法,アクセス方法,"
              "駐車場情報,駐輪場情報,連絡先名称,連絡先電話番号,連絡先内線番号,"
              "連絡先メールアドレス,備考").split(",")
    row = dict.fromkeys(header, "")
    row.update({"NO": "1", "都道府県コード又は市区町村コード": "232106",
                "名称": "NUL\x00と制御\x01\x1b文字\x7f =HYPERLINK(\"x\")",
                "説明": "改行\r\nCR\rだけ\x00", "開始日": "2036-07-04",
                "URL": "https://example.jp/csv/1",
                "場所名称": "]]>&<>\"'"})
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    w.writeheader()
    w.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def unfold_ics(body):
    text = body.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[-1] == "", "the calendar does not end in CRLF"
    out = []
    for ln in lines[:-1]:
        assert len(ln.encode("utf-8")) <= 75, "a line of %d octets" % \
            len(ln.encode("utf-8"))
        assert "\r" not in ln and "\n" not in ln
        if ln.startswith(" "):
            out[-1] += ln[1:]
        else:
            out.append(ln)
    return out


def ics_unescape(v):
    return re.sub(r"\\([\\;,nN])",
                  lambda m: "\n" if m.group(1) in "nN" else m.group(1), v)


class HostileTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = o = harness.Origin()
        cls.addClassCleanup(o.stop)
        o.set_feed("/atom.xml", fc.ext_atom(ATOM_ENTRIES))
        o.set("/events.csv", 200, hostile_csv(),
              content_type="text/csv; charset=utf-8")
        conf = (harness.daemon_section()
                + harness.source_section("atom", o.url("/atom.xml"))
                + harness.source_section("csv", o.url("/events.csv"),
                                         format="csv", kind="civic"))
        cls.daemon = d = harness.Daemon(conf)
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        d.start()
        d.fetch_and_wait("atom")
        d.fetch_and_wait("csv")
        cls.items = d.wait_for(
            lambda: (lambda it: it if len(it) == 4 else None)(
                d.items("?limit=100")), 20, "4 postings")
        cls.by_url = {it["url"]: it for it in cls.items}

    def body(self, ext):
        status, _, body = self.daemon.get("/feeds/all." + ext)
        self.assertEqual(status, 200)
        # Nothing XML 1.0 forbids, in any format.
        self.assertIsNone(re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", body),
                          ext)
        return body

    def test_csv_source_lost_its_controls(self):
        it = self.by_url["https://example.jp/csv/1"]
        self.assertNotIn("\x00", json.dumps(it))
        self.assertNotIn("\x01", it["title"])

    def test_atom_and_rss_stay_xml(self):
        for ext in ("atom", "rss"):
            with self.subTest(ext=ext):
                root = ET.fromstring(self.body(ext))  # strict: raises
                if ext == "atom":
                    entries = root.findall("{%s}entry" % ATOM_NS)
                    title = "{%s}title" % ATOM_NS
                else:
                    entries = root.findall("channel/item")
                    title = "title"
                self.assertEqual(len(entries), 4)
                titles = {e.findtext(title) for e in entries}
                self.assertIn(FORMULA, titles)
                for e in entries:
                    self.assertIsNone(e.find("script"))
                long = [e for e in entries
                        if e.findtext("{%s}title" % TSUNAGU_NS) == "長い行"]
                self.assertEqual(len(long), 1)
        # Markup in the content (what the sanitizer left of it) is text of
        # the content, never elements of the feed.
        root = ET.fromstring(self.body("atom"))
        item = self.by_url[fc.link(101)]
        content = [c.text for c in root.iter("{%s}content" % ATOM_NS)
                   if c.text and "<p>a</p>" in c.text]
        self.assertEqual(content, [item["content_html"]])
        self.assertNotIn("<script", item["content_html"])
        self.assertIn(b"]]&gt;", self.body("atom"))

    def test_json_feed(self):
        doc = json.loads(self.body("json"))
        self.assertEqual(len(doc["items"]), 4)
        s = [it for it in doc["items"] if it["url"] == fc.link(101)][0]
        self.assertIn("]]>", s["summary"])

    def test_icalendar_lines(self):
        lines = unfold_ics(self.body("ics"))
        self.assertEqual(lines.count("BEGIN:VEVENT"), 4)
        self.assertEqual(lines.count("END:VEVENT"), 4)
        self.assertEqual(lines[0], "BEGIN:VCALENDAR")
        self.assertEqual(lines[-1], "END:VCALENDAR")
        names = [ln.split(":", 1)[0].split(";", 1)[0] for ln in lines]
        # The bad recurrence is text, not an RRULE or a new event.
        self.assertNotIn("RRULE", names)
        summaries = [ics_unescape(ln.split(":", 1)[1]) for ln in lines
                     if ln.startswith("SUMMARY:")]
        self.assertIn(FORMULA, summaries)
        descs = [ics_unescape(ln.split(":", 1)[1]) for ln in lines
                 if ln.startswith("DESCRIPTION:")]
        self.assertIn(self.by_url[fc.link(102)]["summary"], descs)

    def test_csv_cells(self):
        text = self.body("csv").decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(text[1:], newline="")))
        self.assertEqual(len(rows), 5)
        self.assertTrue(all(len(r) == 50 for r in rows))
        by_url = {r[11]: r for r in rows[1:]}
        self.assertEqual(by_url[fc.link(101)][2], "'" + FORMULA)
        self.assertEqual(by_url[fc.link(103)][2], "'@SUM(A1:A9) と -2+3")
        self.assertEqual(by_url[fc.link(102)][7],
                         self.by_url[fc.link(102)]["summary"])
        for r in rows[1:]:
            for cell in r:
                self.assertFalse(cell[:1] in ("=", "+", "-", "@", "\t",
                                              "\r"), cell)


if __name__ == "__main__":
    harness.main()
