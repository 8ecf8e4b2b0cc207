"""Crash test of the webhook outbox (suite "slow").

A source of 1,000 postings and 10 subscribers: 10,000 deliveries to a
loopback receiver.  While they run, tsunagud is killed with SIGKILL at
random moments (at least 10 times, the first one while it is still taking
the postings in) and started again on the same database.  In the end:

- no delivery is lost: every subscriber received every posting;
- a delivery received more than once always carried the same webhook-id
  and the same body, and every signature verifies;
- the database says every delivery was delivered, exactly one per
  (posting, subscriber), and PRAGMA integrity_check answers ok.

Deliveries are slowed to about 500 per second (per-subscriber rate) so
that the kills land while they run.  Takes about a minute with
sanitizers.  TSUNAGU_CRASH_SEED repeats a run's kill moments.
"""

import collections
import os
import random
import signal
import sqlite3
import time

import harness
from webhook_sink import Sink, verify

POSTINGS = 1000
SUBSCRIBERS = 10
DURING = 10            # kills while deliveries run
DEADLINE = 400.0        # seconds for the whole test


def secret(i):
    # 24 bytes per subscriber, base64 without padding issues.
    import base64
    return "whsec_" + base64.b64encode(b"crash-test-secret-%06d" % i).decode()


class CrashTest(harness.TestCase):

    def test_sigkill_during_delivery(self):
        seed = int(os.environ.get("TSUNAGU_CRASH_SEED", "0")) or \
            random.randrange(1, 1 << 30)
        rnd = random.Random(seed)
        print("seed %d" % seed)
        sink = Sink()
        self.addCleanup(sink.stop)
        origin = self.new_origin()
        items = [{"title": "クラッシュ試験 %04d" % i,
                  "link": "https://city.example.jp/crash/%d" % i,
                  "description": "<p>%d</p>" % i} for i in range(POSTINGS)]
        origin.set_feed("/crash.xml", harness.rss(items))
        subs = "".join(harness.section("subscriber s%02d" % i, {
            "webhook": sink.url("/s%02d" % i), "secret": secret(i),
            "rate": 50, "burst": 10, "concurrency": 4})
            for i in range(SUBSCRIBERS))
        d = self.new_daemon(
            harness.daemon_section(webhook_max_in_flight=64,
                                   max_body="64M")
            + harness.source_section("city", origin.url("/crash.xml"))
            + subs, start=False)
        expected = POSTINGS * SUBSCRIBERS
        start = time.monotonic()
        kills = during = 0

        def kill(what):
            nonlocal kills
            n = len(sink.requests())
            d.kill()
            kills += 1
            print("kill %d at %.2f s (%s): %d requests received"
                  % (kills, time.monotonic() - start, what, n))
            d.start()
            return n

        d.start()
        # Once while the postings are being taken in ...
        time.sleep(rnd.uniform(0.0, 0.3))
        kill("ingesting")
        d.wait_for(lambda: len(sink.requests()) > 0, 120,
                   "deliveries to begin")
        # ... then at random moments while the deliveries run.
        while during < DURING:
            time.sleep(rnd.uniform(0.1, 0.8))
            n = kill("delivering")
            self.assertLess(n, expected, "deliveries ended before the "
                            "kills did")
            if n > 0:
                during += 1
            self.assertLess(time.monotonic() - start, DEADLINE / 2)
        print("%d kills, %d while deliveries ran, after %.1f s"
              % (kills, during, time.monotonic() - start))

        # Every (subscriber, posting) arrives, however often.
        def complete():
            seen = collections.defaultdict(set)
            for r in sink.requests():
                seen[r.path].add(r.json()["data"]["id"])
            n = sum(len(v) for v in seen.values())
            return n if n >= expected else None
        d.wait_for(complete, DEADLINE - (time.monotonic() - start),
                   "all %d deliveries" % expected)
        elapsed = time.monotonic() - start
        self.assertEqual(d.stop(), 0)

        got = sink.requests()
        by_key = collections.defaultdict(set)
        bodies = {}
        per_sub = collections.defaultdict(set)
        for r in got:
            i = int(r.path[2:])
            self.assertTrue(verify(r, secret(i)), r)
            body = r.json()
            key = (r.path, body["data"]["id"], body["type"],
                   body["data"]["_tsunagu"]["revision"])
            self.assertEqual(body["type"], "posting.created")
            by_key[key].add(r.id)
            if r.id in bodies:
                self.assertEqual(bodies[r.id], r.body, r.id)
            bodies[r.id] = r.body
            per_sub[r.path].add(body["data"]["id"])
        self.assertEqual(len(per_sub), SUBSCRIBERS)
        for path, ids in per_sub.items():
            self.assertEqual(len(ids), POSTINGS, path)
        # One webhook-id per delivery, whatever the duplicates.
        self.assertEqual(len(by_key), expected)
        self.assertTrue(all(len(v) == 1 for v in by_key.values()),
                        [k for k, v in by_key.items() if len(v) > 1][:5])
        self.assertEqual(len(bodies), expected)
        duplicates = len(got) - expected
        print("%d requests for %d deliveries (%d duplicates) in %.1f s"
              % (len(got), expected, duplicates, elapsed))

        db = sqlite3.connect(os.path.join(d.dir, "tsunagu.db"))
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check")
                             .fetchone()[0], "ok")
            rows = db.execute("SELECT status, count(*) FROM deliveries "
                              "GROUP BY status").fetchall()
            self.assertEqual(rows, [("delivered", expected)])
            ids = {r[0] for r in db.execute(
                "SELECT webhook_id FROM deliveries")}
            self.assertEqual(ids, set(bodies))
            self.assertEqual(db.execute(
                "SELECT count(*) FROM posting_events WHERE dispatched = 0")
                .fetchone()[0], 0)
        finally:
            db.close()


if __name__ == "__main__":
    harness.main()
