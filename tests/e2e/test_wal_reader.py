"""The write-ahead log stays bounded under a concurrent reader.

1. A reader that keeps reading (a monitoring query, a page of the admin
   UI's own kind: short read transactions one after another) while the
   daemon ingests revision after revision: the -wal file stays within
   the limit (STORE_WAL_LIMIT in daemon/store/store_io.h).
2. Another connection (a backup script, an operator's sqlite3 shell)
   holds one read transaction across many ingests.  SQLite cannot reset
   the log under a reader that holds an old snapshot, so the log grows
   meanwhile (the reader keeps seeing its snapshot).  Once the reader
   lets go, the next commits checkpoint and truncate it: the -wal file
   falls back within the limit and stays there, /metrics reports its
   size, and the database is whole.
3. The same, but nothing is written after the reader has gone: the
   daemon, idle, truncates the log on its own timer (SWEEP_WAL_INTERVAL,
   5 s, in daemon/sweep.h).
"""

import os
import sqlite3
import threading

import harness

WAL_LIMIT = 8 * 1024 * 1024     # STORE_WAL_LIMIT
WAL_TIMER = 5                   # SWEEP_WAL_INTERVAL
ITEMS = 300
HELD_REVISIONS = 4
READ_REVISIONS = 6


def feed(revision):
    return harness.rss([
        {"title": "河川清掃 %03d (第%d版)" % (i, revision),
         "link": "https://city.example.jp/volunteer/%d" % i,
         "description": "<p>%s</p>" % ("集合場所と持ち物 %d " % revision * 15)}
        for i in range(ITEMS)])


class Reader:
    """Short read transactions one after another on its own connection,
    until stopped; counts them."""

    def __init__(self, db_path):
        self.db = sqlite3.connect(db_path, isolation_level=None, timeout=5,
                                  check_same_thread=False)
        self.reads = 0
        self.errors = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.db.execute("BEGIN")
                self.db.execute("SELECT count(*), max(length(doc)) FROM "
                                "postings").fetchone()
                self.db.execute("COMMIT")
                self.reads += 1
            except sqlite3.Error as e:
                self.errors.append(repr(e))
                return
            self._stop.wait(0.005)

    def stop(self):
        self._stop.set()
        self.thread.join(30)
        self.db.close()


class WalReaderTest(harness.TestCase):

    def start(self):
        """A daemon with one source of ITEMS entries, read once; returns
        (daemon, database path, ingest) where ingest() takes in the next
        revision and returns the -wal file's size."""
        origin = self.new_origin()
        origin.set_feed("/city.xml", feed(0))
        d = self.new_daemon(harness.daemon_section(max_body="16M")
                            + harness.source_section(
                                "city", origin.url("/city.xml")))
        db_path = os.path.join(d.dir, "tsunagu.db")
        wal = db_path + "-wal"
        revision = 0

        def ingest():
            nonlocal revision
            revision += 1
            origin.set_feed("/city.xml", feed(revision))
            s = d.fetch_and_wait("city", 60)
            self.assertIsNone(s["error"], s)
            return os.path.getsize(wal)

        ingest.revision = lambda: revision
        d.fetch_and_wait("city", 60)
        self.assertEqual(d.source("city")["postings"], ITEMS)
        return d, db_path, ingest

    def assert_whole(self, d, db_path, revision):
        titles = {it["title"] for it in d.items("?limit=1000")}
        self.assertEqual(titles, {"河川清掃 %03d (第%d版)" % (i, revision)
                                  for i in range(ITEMS)})
        self.assertEqual(d.stop(), 0)
        db = sqlite3.connect(db_path)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check")
                             .fetchone()[0], "ok")
        finally:
            db.close()

    def test_wal_bounded_under_reading(self):
        d, db_path, ingest = self.start()
        reader = Reader(db_path)
        try:
            sizes = [ingest() for _ in range(READ_REVISIONS)]
        finally:
            reader.stop()
        print("-wal while a reader keeps reading (%d reads): %s bytes"
              % (reader.reads, sizes))
        self.assertEqual(reader.errors, [])
        self.assertGreater(reader.reads, READ_REVISIONS)
        self.assertTrue(all(s <= WAL_LIMIT for s in sizes), sizes)
        self.assertLessEqual(d.metrics().get("tsunagu_store_wal_bytes"),
                             WAL_LIMIT)
        self.assert_whole(d, db_path, ingest.revision())

    def test_wal_truncated_when_idle(self):
        d, db_path, ingest = self.start()
        wal = db_path + "-wal"
        reader = sqlite3.connect(db_path, isolation_level=None, timeout=5)
        self.addCleanup(reader.close)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM postings").fetchone()
        sizes = []
        while len(sizes) < 3 * HELD_REVISIONS and \
                (not sizes or sizes[-1] <= WAL_LIMIT):
            sizes.append(ingest())
        self.assertGreater(sizes[-1], WAL_LIMIT, sizes)
        mark = len(d.current_log())
        reader.execute("COMMIT")
        reader.close()
        # Nothing is written from now on: the timer truncates the log.
        d.wait_for(lambda: os.path.getsize(wal) <= WAL_LIMIT,
                   4 * WAL_TIMER, "the idle daemon to truncate its -wal")
        print("-wal under the reader: %s bytes; idle after it: %d bytes"
              % (sizes, os.path.getsize(wal)))
        log = d.log_since(mark)
        self.assertIn("the write-ahead log is truncated", log)
        self.assertNotIn("source city:", log)
        self.assertLessEqual(d.metrics().get("tsunagu_store_wal_bytes"),
                             WAL_LIMIT)
        self.assert_whole(d, db_path, ingest.revision())

    def test_wal_bounded_under_reader(self):
        d, db_path, ingest = self.start()
        wal = db_path + "-wal"
        normal = max(ingest() for _ in range(2))
        self.assertLessEqual(normal, WAL_LIMIT)

        reader = sqlite3.connect(db_path, isolation_level=None, timeout=5)
        self.addCleanup(reader.close)
        reader.execute("BEGIN")
        held = reader.execute("SELECT count(*), max(doc) FROM postings") \
            .fetchone()
        sizes = [ingest() for _ in range(HELD_REVISIONS)]
        print("-wal under the reader: %s bytes" % sizes)
        # The reader pins the log: it grows, and the reader still sees
        # its snapshot.
        self.assertGreater(sizes[-1], WAL_LIMIT)
        self.assertGreater(sizes[-1], sizes[0])
        self.assertEqual(reader.execute(
            "SELECT count(*), max(doc) FROM postings").fetchone(), held)
        reader.execute("COMMIT")
        reader.close()

        after = [ingest() for _ in range(3)]
        print("-wal after the reader let go: %s bytes" % after)
        self.assertTrue(all(s <= WAL_LIMIT for s in after), after)
        log = d.current_log()
        self.assertIn("a reader holds it", log)
        self.assertIn("the write-ahead log is truncated", log)
        m = d.metrics()
        self.assertLessEqual(m.get("tsunagu_store_wal_bytes"), WAL_LIMIT)
        self.assertEqual(m.get("tsunagu_store_failing"), 0)
        self.assert_whole(d, db_path, ingest.revision())


if __name__ == "__main__":
    harness.main()
