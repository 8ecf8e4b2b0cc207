"""Personal data: contact names, phone numbers and e-mail addresses.

- They never appear in the log, even at the most verbose level (-vv), for
  sources of every format that carries them and for one with a broken line
  that holds a phone number.
- They are purged purge_contacts_after days after the event ended: the
  sweep runs at start and after a reload; the posting keeps its revision
  (no news for subscribers) and loses its contact in the feeds, the API and
  the database file's bytes.
"""

import datetime
import json
import os
import sqlite3
import stat

import harness
from harness import JST

DATA = os.path.join(harness.SOURCE_ROOT, "tests", "data")

FIXTURES = {
    "rdf-sjis": ("feeds/kariya-rdf-sjis.rdf", "application/rdf+xml"),
    "atom": ("feeds/kariya-atom.xml", "application/atom+xml"),
    "jsonfeed": ("feeds/kariya-feed11.json", "application/feed+json"),
    "csv32": ("csv/kariya-32-cp932.csv", "text/csv"),
    "csv79": ("csv/kariya-79.csv", "text/csv; charset=utf-8"),
    "ical": ("ical/kariya.ics", "text/calendar"),
}

OLD = {"name": "刈谷花子", "phone": "0566-11-2233",
       "email": "hanako.old@example.jp"}
NEW = {"name": "逢妻太郎", "phone": "0566-44-5566",
       "email": "taro.new@example.jp"}

# An iCalendar event with a line that is no content line, holding a
# phone number: the parser skips it and says so, without the number.
BROKEN_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\n"
    "BEGIN:VEVENT\r\nUID:broken-1@e2e\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART:20260901T100000\r\nSUMMARY:点字講習会\r\n"
    "CONTACT:点字太郎 0566-77-8899\r\n"
    "問い合わせ 0566-77-8899 点字太郎\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n").encode("utf-8")
BROKEN_SECRETS = ["0566-77-8899", "点字太郎"]


def jsonfeed(items):
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "e2e", "items": items}, ensure_ascii=False)


def item(n, start, end, contact):
    return {
        "id": "https://example.jp/ev/%d" % n,
        "url": "https://example.jp/ev/%d" % n,
        "title": "清掃ボランティア %d" % n,
        "content_text": "ごみ拾いです。",
        "_tsunagu": {"title": "清掃ボランティア %d" % n,
                     "start": start, "end": end, "contact": contact},
    }


def verbose_binary(directory):
    """A wrapper that runs tsunagud with -vv (debug and trace)."""
    path = os.path.join(directory, "tsunagud-vv")
    with open(path, "w") as f:
        f.write('#!/bin/sh\nexec "%s" -vv "$@"\n' % harness.TSUNAGUD)
    os.chmod(path, stat.S_IRWXU)
    return path


def contact_values(items):
    out = set()
    for it in items:
        c = it["_tsunagu"].get("contact") or {}
        out.update(v for v in c.values() if v)
    return out


class NeverLogged(harness.TestCase):

    def test_every_format_at_trace_level(self):
        origin = self.new_origin()
        conf = harness.daemon_section()
        for name, (path, ctype) in FIXTURES.items():
            with open(os.path.join(DATA, path), "rb") as f:
                origin.set("/" + name, 200, f.read(), content_type=ctype)
            conf += harness.source_section(name, origin.url("/" + name))
        origin.set("/own", 200, jsonfeed([item(1, "2026-09-01", "2026-09-01",
                                               NEW)]),
                   content_type="application/feed+json")
        conf += harness.source_section("own", origin.url("/own"))
        origin.set("/broken", 200, BROKEN_ICS, content_type="text/calendar")
        conf += harness.source_section("broken", origin.url("/broken"))
        d = harness.Daemon(conf)
        self.addCleanup(d.cleanup)
        self.addCleanup(self._dump_on_failure, d)
        d.binary = verbose_binary(d.dir)
        d.start()
        for name in list(FIXTURES) + ["own", "broken"]:
            d.fetch_and_wait(name)
        items = d.items("?limit=1000")
        secrets = contact_values(items)
        # The fixtures do carry contacts: the test is not vacuous.
        self.assertGreaterEqual(len(secrets), 8, secrets)
        self.assertTrue(set(NEW.values()) <= secrets, secrets)
        log = d.log()
        self.assertIn(" trace: ", log)
        self.assertIn("entries skipped", log)
        for s in sorted(secrets) + BROKEN_SECRETS:
            self.assertNotIn(s, log)
        # The submission path: a group posts a contact through the API.
        status, doc = d.api("/tokens", "POST", {"role": "group",
                                                "organization": "npo"})
        self.assertEqual(status, 201, doc)
        body = {"title": "防災訓練の受付", "start": "2026-10-01T09:00:00+09:00",
                "contact": {"name": "提出花子", "phone": "0566-99-0000",
                            "email": "teishutsu@example.jp"}}
        status, doc = d.api("/postings", "POST", body, token=doc["token"])
        self.assertEqual(status, 201, doc)
        for s in body["contact"].values():
            self.assertNotIn(s, d.log())


class Purge(harness.TestCase):

    def start(self, days, items):
        origin = self.new_origin()
        origin.set("/feed.json", 200, jsonfeed(items),
                   content_type="application/feed+json")
        conf = (harness.daemon_section(purge_contacts_after=str(days))
                + harness.source_section("city", origin.url("/feed.json")))
        d = self.new_daemon(conf)
        d.fetch_and_wait("city")
        return origin, d

    @staticmethod
    def by_title(d):
        return {it["title"]: it for it in d.items("?limit=1000")}

    def test_purged_after_the_event_ends(self):
        today = datetime.datetime.now(JST).date()
        long_ago = (today - datetime.timedelta(days=40)).isoformat()
        recently = (today - datetime.timedelta(days=5)).isoformat()
        later = (today + datetime.timedelta(days=30)).isoformat()
        _, d = self.start(30, [item(1, long_ago, long_ago, OLD),
                               item(2, recently, recently, NEW),
                               item(3, later, later, NEW)])
        before = self.by_title(d)
        # Stored with its contact until a sweep runs.
        self.assertEqual(before["清掃ボランティア 1"]["_tsunagu"]["contact"]
                         ["email"], OLD["email"])
        mark = d.reload()
        d.wait_for(lambda: "contact data removed" in d.log_since(mark),
                   what="the sweep after the reload")
        self.assertRegex(d.log_since(mark),
                         r"purge: contact data removed postings=1 "
                         r"ended_before=\S+")
        after = self.by_title(d)
        gone = after["清掃ボランティア 1"]["_tsunagu"]
        self.assertNotIn("contact", gone)
        # No news for subscribers: same revision, same date_modified.
        self.assertEqual(gone["revision"],
                         before["清掃ボランティア 1"]["_tsunagu"]["revision"])
        self.assertEqual(after["清掃ボランティア 1"]["date_modified"],
                         before["清掃ボランティア 1"]["date_modified"])
        for t in ("清掃ボランティア 2", "清掃ボランティア 3"):
            self.assertEqual(after[t]["_tsunagu"]["contact"], NEW)
        status, doc = d.api("/postings/%s" % gone["id"])
        self.assertEqual(status, 200, doc)
        self.assertNotIn("contact", doc)
        for fmt in ("atom", "rss", "ics", "csv"):
            status, _, body = d.get("/feeds/all." + fmt)
            self.assertEqual(status, 200)
            self.assertNotIn(OLD["email"].encode(), body, fmt)
            self.assertNotIn(OLD["phone"].encode(), body, fmt)
        # Nor in the bytes of the database and its write-ahead log.
        for suffix in ("", "-wal"):
            path = os.path.join(d.dir, "tsunagu.db" + suffix)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    data = f.read()
                for v in OLD.values():
                    self.assertNotIn(v.encode(), data, path)
        self.assertNotIn(OLD["email"], d.log())
        # A new poll of the unchanged source does not bring it back.
        d.fetch_and_wait("city")
        self.assertNotIn("contact",
                         self.by_title(d)["清掃ボランティア 1"]["_tsunagu"])

    def test_swept_at_start(self):
        long_ago = "2020-01-10"
        origin, d = self.start(90, [item(1, long_ago, long_ago, OLD)])
        self.assertIn("contact",
                      self.by_title(d)["清掃ボランティア 1"]["_tsunagu"])
        d.restart()
        d.wait_for(lambda: "contact data removed" in d.current_log(),
                   what="the sweep at start")
        self.assertNotIn("contact",
                         self.by_title(d)["清掃ボランティア 1"]["_tsunagu"])
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(
            d.dir, "tsunagu.db"), uri=True)
        try:
            docs = [r[0] for r in db.execute("SELECT doc FROM postings")]
        finally:
            db.close()
        self.assertEqual(len(docs), 1)
        self.assertNotIn("contact", json.loads(docs[0]))

    def test_configuration(self):
        for value in ("-1", "36501", "ninety"):
            d = harness.Daemon(harness.daemon_section(
                purge_contacts_after=value))
            self.addCleanup(d.cleanup)
            res = d.check()
            self.assertEqual(res.returncode, 1, res.stderr)
            self.assertIn("purge_contacts_after", res.stderr)
        d = harness.Daemon(harness.daemon_section(purge_contacts_after="0"))
        self.addCleanup(d.cleanup)
        self.assertEqual(d.check().returncode, 0)


if __name__ == "__main__":
    harness.main()
