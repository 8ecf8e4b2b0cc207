"""SIGKILL at random moments during ingest loses nothing.

Five sources of a few hundred postings each.  Over and over, every origin
serves a new revision of its feed (titles change, postings are added),
tsunagud is started, polls them all, and is killed with SIGKILL at a
random moment — at least KILLS_DURING times while a poll's answer had
arrived but was not stored yet.  Then it is started once more and left to
finish.  In the end:

- every source holds exactly what its origin serves now: each posting
  once, in its latest revision (a poll killed before its commit kept
  neither its postings nor its ETag, so it was polled in full again);
- every change of a posting is in the webhook outbox, one event per
  revision, written in the same transaction as the change;
- PRAGMA integrity_check answers ok.

TSUNAGU_CRASH_SEED repeats a run's kill moments.
"""

import os
import random
import re
import sqlite3
import time

import harness

SOURCES = 5
ITEMS = 160
KILLS_DURING = 5        # kills that must land inside an ingest
MAX_ROUNDS = 30
DEADLINE = 50.0         # seconds for the kill rounds


def items(source, revision):
    # Every revision changes every title and adds a few postings.
    return [{"title": "%s 募集 %03d (第%d版)" % (source, i, revision),
             "link": "https://%s.example.jp/volunteer/%d" % (source, i),
             "description": "<p>%s</p>" % ("活動内容 %d " % revision * 20)}
            for i in range(ITEMS + 4 * revision)]


class IngestCrashTest(harness.TestCase):

    def test_sigkill_during_ingest(self):
        seed = int(os.environ.get("TSUNAGU_CRASH_SEED", "0")) or \
            random.randrange(1, 1 << 30)
        rnd = random.Random(seed)
        print("seed %d" % seed)
        origin = self.new_origin()
        names = ["src%d" % i for i in range(SOURCES)]
        conf = harness.daemon_section(max_body="16M")
        for name in names:
            conf += harness.source_section(name, origin.url("/%s.xml" % name))
        d = self.new_daemon(conf, start=False)
        revision = 0

        def serve(rev):
            for name in names:
                origin.set_feed("/%s.xml" % name, harness.rss(items(name, rev)))

        stored = re.compile(r"source (\S+): 200, ")
        start = time.monotonic()
        kills = during = 0
        while during < KILLS_DURING:
            self.assertLess(kills, MAX_ROUNDS, "too few kills landed "
                            "inside an ingest (%d)" % during)
            self.assertLess(time.monotonic() - start, DEADLINE)
            revision += 1
            serve(revision)
            answered = len([r for r in origin.requests()
                            if r.status == 200])
            d.start()
            for name in names:
                d.fetch(name)   # those not due yet; the others already run
            # Kill soon after the k-th answer of this run has gone out,
            # while that answer is being stored (a fixed sleep lands
            # between ingests too often on a fast build).
            k = rnd.randint(1, SOURCES)
            until = time.monotonic() + 10
            while time.monotonic() < until and len(
                    [r for r in origin.requests() if r.status == 200]) - \
                    answered < k:
                time.sleep(0.002)
            time.sleep(rnd.uniform(0.0, 0.03))
            d.kill()
            kills += 1
            # Answers the origin gave this run, against ingests logged.
            fetched = len([r for r in origin.requests()
                           if r.status == 200]) - answered
            done = len(stored.findall(d.current_log()))
            if fetched > done:
                during += 1
            print("kill %d (revision %d): %d answers, %d stored"
                  % (kills, revision, fetched, done))
        print("%d kills, %d during an ingest, in %.1f s"
              % (kills, during, time.monotonic() - start))

        # The last start runs to the end.  A poll killed before its
        # commit left the source's schedule as it was: it is asked for.
        d.start()
        for name in names:
            s = d.fetch_and_wait(name, 30)
            self.assertIsNone(s["error"], s)
            self.assertEqual(s["postings"], len(items(name, revision)))
        # Up to MAX_ROUNDS revisions: 5 x (160 + 4 x 30) postings, more
        # than the default page.
        feed = d.items("?limit=10000")
        self.assertEqual(len(feed), sum(len(items(n, revision))
                                        for n in names))
        links = [it["url"] for it in feed]
        self.assertEqual(len(links), len(set(links)))
        for name in names:
            want = {(it["link"], it["title"]) for it in items(name, revision)}
            got = {(it["url"], it["title"]) for it in feed
                   if it["_tsunagu"]["sources"][0]["source"] == name}
            self.assertEqual(got, want, name)
        self.assertEqual(d.stop(), 0)

        db = sqlite3.connect(os.path.join(d.dir, "tsunagu.db"))
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check")
                             .fetchone()[0], "ok")
            # One event per revision of every posting, none missing.
            self.assertEqual(db.execute(
                "SELECT count(*) FROM postings p LEFT JOIN (SELECT "
                "posting_id, count(DISTINCT revision) AS n FROM "
                "posting_events GROUP BY posting_id) e ON e.posting_id = "
                "p.id WHERE coalesce(e.n, 0) != p.revision").fetchone()[0],
                0)
            self.assertEqual(db.execute(
                "SELECT count(*) FROM postings").fetchone()[0],
                sum(len(items(n, revision)) for n in names))
        finally:
            db.close()


if __name__ == "__main__":
    harness.main()
