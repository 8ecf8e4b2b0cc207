"""The write-ahead log stays bounded under a concurrent reader.

Another connection (a backup script, an operator's sqlite3 shell) holds a
read transaction on tsunagud's database while the daemon ingests revision
after revision of a source.  SQLite cannot reset the log under a reader
that holds an old snapshot, so the log grows meanwhile (the reader keeps
seeing its snapshot).  Once the reader lets go, the next commits
checkpoint and truncate it: the -wal file falls back within the limit
(STORE_WAL_LIMIT in daemon/store/store_io.h) and stays there, /metrics
reports its size, and the database is whole.
"""

import os
import sqlite3

import harness

WAL_LIMIT = 8 * 1024 * 1024     # STORE_WAL_LIMIT
ITEMS = 300
HELD_REVISIONS = 8


def feed(revision):
    return harness.rss([
        {"title": "河川清掃 %03d (第%d版)" % (i, revision),
         "link": "https://city.example.jp/volunteer/%d" % i,
         "description": "<p>%s</p>" % ("集合場所と持ち物 %d " % revision * 15)}
        for i in range(ITEMS)])


class WalReaderTest(harness.TestCase):

    def test_wal_bounded_under_reader(self):
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

        d.fetch_and_wait("city", 60)
        self.assertEqual(d.source("city")["postings"], ITEMS)
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


if __name__ == "__main__":
    harness.main()
