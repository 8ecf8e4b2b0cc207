"""Interoperability: clients no one here wrote read what tsunagud
publishes, and see what the JSON Feed says.

- Debian's python3-feedparser parses the Atom and RSS feeds with bozo 0;
- jing validates the Atom feed against RFC 4287's RELAX NG grammar
  (Appendix B, atom-rfc4287.rnc here) and against the extension's
  (schemas/atom-tsunagu.rnc);
- python3-icalendar reads the iCalendar feed;
- Python's csv module reads the CSV back to the same values.

A missing client is a skipped test, with its Debian package named
(scripts/install-deps.sh --test installs them all).
"""

import csv
import datetime
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))

import feeds_common as fc  # noqa: E402
import harness  # noqa: E402
from harness import JST  # noqa: E402

SOURCE_ROOT = harness.SOURCE_ROOT
RFC4287 = os.path.join(HERE, "atom-rfc4287.rnc")
EXTENSION = os.path.join(SOURCE_ROOT, "schemas", "atom-tsunagu.rnc")

EXTRA = [
    {"title": "=HYPERLINK(\"http://x\") 募集", "link": fc.link(401),
     "summary": "1行目\n2行目, \"引用\"; ]]> <b>", "start": "2036-11-03",
     "end": "2036-11-04", "all_day": True, "area": "232106",
     "categories": ["welfare"], "place": "-会場-",
     "contact": {"name": "係", "phone": "+81-566-00-0000",
                 "email": "a@example.jp"}, "capacity": 30, "fee": "500円",
     "lat": 34.98, "lon": 137.01, "deadline": "2036-10-31"},
]
ENTRIES = fc.ALL + EXTRA


def feedparser_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import feedparser
        except ImportError:
            return None
    return feedparser


class InteropTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = o = harness.Origin()
        cls.addClassCleanup(o.stop)
        o.set_feed("/src.xml", fc.ext_atom(ENTRIES))
        cls.daemon = d = harness.Daemon(
            harness.daemon_section()
            + harness.source_section("src", o.url("/src.xml")))
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        d.start()
        d.fetch_and_wait("src")
        cls.items = d.wait_for(
            lambda: (lambda it: it if len(it) == len(ENTRIES) else None)(
                d.items("?limit=1000")), 20, "every posting")
        cls.by_id = {it["id"]: it for it in cls.items}
        cls.tmp = tempfile.mkdtemp(prefix="tsunagu-interop-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)

    def fetch(self, path):
        status, headers, body = self.daemon.get(path)
        self.assertEqual(status, 200, path)
        return body

    # -- feedparser --------------------------------------------------------

    def test_feedparser_atom_and_rss(self):
        feedparser = feedparser_module()
        if feedparser is None:
            self.skipTest("python3-feedparser is not installed")
        for ext, version in (("atom", "atom10"), ("rss", "rss20")):
            for path in ("/feeds/all.%s?limit=1000" % ext,
                         "/feeds/all.%s?category=welfare&limit=3" % ext):
                with self.subTest(path=path):
                    parsed = feedparser.parse(self.fetch(path))
                    self.assertEqual(parsed.bozo, 0,
                                     getattr(parsed, "bozo_exception", ""))
                    self.assertEqual(parsed.version, version)
                    links = {ln.rel: ln.href for ln in parsed.feed.links}
                    self.assertEqual(links.get("self"),
                                     self.daemon.base + path)
                    if "limit=3" in path:
                        self.assertIn("after=", links.get("next", ""))
            parsed = feedparser.parse(self.fetch("/feeds/all.%s?limit=1000"
                                                 % ext))
            self.assertEqual(len(parsed.entries), len(self.items))
            for e in parsed.entries:
                pid = e.id.rsplit("/", 1)[1]
                self.assertTrue(e.id.startswith("tag:tsunagu,2026:e2e/"))
                it = self.by_id[pid]
                self.assertEqual(e.link, it["url"])
                if "\n" not in it["title"]:
                    self.assertEqual(e.title, it["title"])
                self.assertEqual([t.term for t in e.get("tags", [])],
                                 it.get("tags", []))
                self.assertTrue(e.get("published_parsed"))

    # -- jing --------------------------------------------------------------

    def jing(self, schema, doc):
        path = os.path.join(self.tmp, "feed.xml")
        with open(path, "wb") as f:
            f.write(doc)
        r = subprocess.run(["jing", "-c", schema, path], capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(r.returncode, 0, "%s:\n%s" % (schema, r.stdout))

    def test_jing_validates_atom(self):
        if shutil.which("jing") is None:
            self.skipTest("jing is not installed")
        for path in ("/feeds/all.atom?limit=1000",
                     "/feeds/all.atom?limit=2&status=open,cancelled",
                     "/feeds/all.atom?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA"):
            with self.subTest(path=path):
                doc = self.fetch(path)
                self.jing(RFC4287, doc)
                self.jing(EXTENSION, doc)

    def test_jing_can_say_no(self):
        if shutil.which("jing") is None:
            self.skipTest("jing is not installed")
        doc = self.fetch("/feeds/all.atom?limit=1")
        bad = doc.replace(b"<t:status>", b"<t:status>x", 1)
        path = os.path.join(self.tmp, "bad.xml")
        with open(path, "wb") as f:
            f.write(bad)
        r = subprocess.run(["jing", "-c", EXTENSION, path],
                           capture_output=True, text=True, timeout=120)
        self.assertNotEqual(r.returncode, 0)
        bad = doc.replace(b"<updated>", b"<updated>not a date", 1)
        with open(path, "wb") as f:
            f.write(bad)
        r = subprocess.run(["jing", "-c", RFC4287, path],
                           capture_output=True, text=True, timeout=120)
        self.assertNotEqual(r.returncode, 0)

    # -- icalendar ---------------------------------------------------------

    def test_icalendar_reads_the_calendar(self):
        try:
            import icalendar
        except ImportError:
            self.skipTest("python3-icalendar is not installed")
        cal = icalendar.Calendar.from_ical(self.fetch("/feeds/all.ics"
                                                      "?limit=1000"))
        tzs = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
        self.assertEqual(tzs, ["Asia/Tokyo"])
        events = cal.walk("VEVENT")
        self.assertEqual(len(events), len(self.items))
        for ev in events:
            uid = str(ev["UID"])
            with self.subTest(uid=uid):
                self.assertTrue(uid.endswith("@e2e"))
                it = self.by_id[uid[:-4]]
                t = it["_tsunagu"]
                self.assertEqual(str(ev["SUMMARY"]), it["title"])
                self.assertEqual(str(ev["STATUS"]),
                                 "CANCELLED" if t["status"] in
                                 ("cancelled", "withdrawn") else "CONFIRMED")
                start = ev.decoded("DTSTART")
                if t.get("all_day"):
                    self.assertEqual(start, datetime.date.fromisoformat(
                        t["start"]))
                    last = datetime.date.fromisoformat(t.get("end")
                                                       or t["start"])
                    if t.get("end"):
                        self.assertEqual(ev.decoded("DTEND"),
                                         last + datetime.timedelta(days=1))
                else:
                    self.assertEqual(start, harness.parse_time(t["start"]))
                    self.assertEqual(start.utcoffset(),
                                     datetime.timedelta(hours=9))
                    if t.get("end"):
                        self.assertEqual(ev.decoded("DTEND"),
                                         harness.parse_time(t["end"]))
                if t.get("recurrence"):
                    self.assertEqual(ev["RRULE"].to_ical().decode(),
                                     t["recurrence"])
                if t.get("summary") or it.get("summary"):
                    self.assertEqual(str(ev["DESCRIPTION"]),
                                     it["summary"])

    # -- csv ---------------------------------------------------------------

    def test_csv_reads_back(self):
        body = self.fetch("/feeds/all.csv?limit=1000")
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        self.assertIn(b"\r\n", body)
        text = body.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        shared = os.environ.get("TSUNAGU_SHARED_DATA",
                                os.path.join(SOURCE_ROOT, "..", "shared",
                                             "data"))
        bundled = os.path.join(shared, "jichitai-events",
                               "o1-111007_g1-000304.csv")
        header = text.split("\r\n", 1)[0].split(",")
        self.assertEqual(len(header), 50)
        if os.path.exists(bundled):
            with open(bundled, encoding="utf-8-sig", newline="") as f:
                self.assertEqual(next(csv.reader(f)), header)
        self.assertEqual(len(rows), len(self.items))

        def cell(v):
            v = v or ""
            return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") \
                else v

        labels = {"open": "開催予定", "closed": "終了", "cancelled": "中止",
                  "withdrawn": "取消"}
        for row in rows:
            with self.subTest(no=row["NO"]):
                it = self.by_id[row["NO"]]
                t = it["_tsunagu"]
                self.assertEqual(row["名称"], cell(it["title"]))
                self.assertEqual(row["URL"], it["url"])
                self.assertEqual(row["概要"], cell(it.get("summary")))
                self.assertEqual(row["都道府県コード又は市区町村コード"],
                                 t.get("area") or "")
                self.assertEqual(row["状態"], labels[t["status"]])
                self.assertEqual(row["イベント種類"],
                                 "、".join(t.get("category", [])))
                self.assertEqual(row["場所名称"], cell(t.get("place")))
                start = t.get("start") or ""
                if len(start) > 10:
                    local = harness.parse_time(start).astimezone(JST)
                    self.assertEqual(row["開始日"], local.date().isoformat())
                    self.assertEqual(row["開始時刻"],
                                     local.strftime("%H:%M"))
                else:
                    self.assertEqual(row["開始日"], start)
                    self.assertEqual(row["開始時刻"], "")
                contact = t.get("contact") or {}
                self.assertEqual(row["連絡先電話番号"],
                                 cell(contact.get("phone")))
                self.assertEqual(row["定員"], str(t["capacity"])
                                 if "capacity" in t else "")


if __name__ == "__main__":
    harness.main()
