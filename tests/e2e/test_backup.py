"""Backup and restore (tsunagu backup FILE, GET /api/v1/backup).

A backup taken while the daemon is busy -- two sources polled again and
again, the admin API and the feeds read in a loop, and 1,000 webhook
deliveries going out to ten subscribers -- is a whole SQLite database
(integrity_check) with every source and posting of its moment.  Restored
the documented way (stop, copy, start) into a new daemon, it serves the
same postings and sources, and the deliveries that were still pending in
it go out: in the end every one of the 1,000 webhook-ids has reached its
receiver, and nothing is left pending.

Also: only admins may take a backup, one at a time; a client that goes
away leaves no temporary file behind; the CLI writes FILE atomically and
refuses what is not a complete database.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time

import harness
from harness import rss
from webhook_sink import Sink

CLI = os.environ.get("TSUNAGU_CLI", os.path.join(
    harness.SOURCE_ROOT, "build", "daemon", "tsunagu"))
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SUBSCRIBERS = 10
PER_SOURCE = 50          # 2 sources x 50 postings x 10 subscribers = 1,000


def items(source):
    return [{"title": "%s の活動 %d" % (source, i),
             "link": "https://%s.example.jp/volunteer/%d" % (source, i),
             "description": "<p>%s</p>" % ("詳細 " * 200)}
            for i in range(PER_SOURCE)]


def cli(d, *args, timeout=120):
    env = dict(os.environ, TSUNAGU_URL=d.base, TSUNAGU_TOKEN=d.token)
    return subprocess.run([CLI] + list(args), env=env, capture_output=True,
                          text=True, errors="replace", timeout=timeout)


def query(path, sql):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def leftovers(d):
    return [f for f in os.listdir(d.dir) if ".backup-" in f]


class Busy(threading.Thread):
    """Reads the admin API and the feeds until stopped; counts answers."""

    def __init__(self, d):
        super().__init__(daemon=True)
        self.d = d
        self.stop = threading.Event()
        self.ok = 0
        self.bad = []

    def run(self):
        paths = ["/api/v1/sources", "/feeds/all.json?limit=20",
                 "/api/v1/subscribers", "/healthz"]
        i = 0
        while not self.stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            try:
                status, _, _ = self.d.request("GET", path, self.d.auth())
                if status == 200:
                    self.ok += 1
                else:
                    self.bad.append((path, status))
            except OSError as e:
                self.bad.append((path, repr(e)))


class BackupRestore(harness.TestCase):

    def test_busy_backup_restores_with_nothing_lost(self):
        sink = Sink()
        self.addCleanup(sink.stop)
        origin = self.new_origin()
        conf = harness.daemon_section(webhook_rate="10", webhook_burst="10")
        for src in ("city", "shakyo"):
            origin.set_feed("/%s.xml" % src, rss(items(src)))
            conf += harness.source_section(src, origin.url("/%s.xml" % src),
                                           interval=1)
        for i in range(SUBSCRIBERS):
            conf += harness.section("subscriber s%d" % i, {
                "webhook": sink.url("/hook/s%d" % i), "secret": SECRET})
        d1 = self.new_daemon(conf)
        d1.wait_for(lambda: len(d1.items("?limit=1000")) == 2 * PER_SOURCE,
                    what="100 postings")
        busy = Busy(d1)
        busy.start()
        self.addCleanup(busy.stop.set)
        # Deliveries are under way: the receivers have not got them all.
        sink.wait(20)
        self.assertLess(len(sink.requests()), SUBSCRIBERS * 2 * PER_SOURCE)

        backup = os.path.join(d1.dir, "..", os.path.basename(d1.dir) +
                              "-backup.db")
        backup = os.path.abspath(backup)
        self.addCleanup(lambda: os.path.exists(backup) and os.unlink(backup))
        during = len(sink.requests())
        res = cli(d1, "backup", backup)
        after = len(sink.requests())
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("a consistent copy", res.stdout)
        busy.stop.set()
        busy.join(10)
        self.assertEqual(busy.bad, [])
        self.assertGreater(busy.ok, 0)
        # Deliveries went on while the copy was made and sent.
        self.assertLess(during, SUBSCRIBERS * 2 * PER_SOURCE)
        self.assertEqual(leftovers(d1), [])
        self.assertEqual(os.stat(backup).st_mode & 0o777, 0o600)
        self.assertRegex(d1.log(), r"backup: \d+ bytes sent in \d+ ms")

        self.assertEqual(query(backup, "PRAGMA integrity_check"), [("ok",)])
        snap_postings = dict(query(backup,
                                   "SELECT id, revision FROM postings"))
        snap_sources = query(backup, "SELECT name, url, kind FROM sources "
                                     "ORDER BY name")
        pending = {r[0] for r in query(
            backup, "SELECT webhook_id FROM deliveries "
                    "WHERE status = 'pending'")}
        self.assertEqual(len(snap_postings), 2 * PER_SOURCE)
        self.assertEqual([s[0] for s in snap_sources], ["city", "shakyo"])

        # The first daemon finishes its deliveries, then stops.
        total = SUBSCRIBERS * 2 * PER_SOURCE
        sink.wait(total, timeout=120)
        self.assertEqual(d1.stop(), 0)
        all_ids = {r[0] for r in query(
            os.path.join(d1.dir, "tsunagu.db"),
            "SELECT webhook_id FROM deliveries")}
        self.assertEqual(len(all_ids), total)

        # Restore as the README says: stop, copy, start.
        d2 = self.new_daemon(conf, start=False)
        shutil.copyfile(backup, os.path.join(d2.dir, "tsunagu.db"))
        os.chmod(os.path.join(d2.dir, "tsunagu.db"), 0o600)
        received_before = len(sink.requests())
        d2.start()
        got = {it["id"]: it["_tsunagu"]["revision"]
               for it in d2.items("?limit=1000")}
        self.assertEqual(got, snap_postings)
        self.assertEqual([(s["name"], s["url"], s["kind"]) for s in
                          sorted(d2.sources().values(),
                                 key=lambda s: s["name"])],
                         [tuple(s) for s in snap_sources])

        # What was pending in the backup goes out again, same webhook-id.
        def resumed():
            ids = {r.id for r in sink.requests()[received_before:]}
            return pending <= ids
        d2.wait_for(resumed, timeout=120, what="the pending deliveries")

        def settled():
            rows = query(os.path.join(d2.dir, "tsunagu.db"),
                         "SELECT count(*) FROM deliveries "
                         "WHERE status <> 'delivered'")
            return rows[0][0] == 0
        d2.wait_for(settled, timeout=60, what="no delivery left pending")
        self.assertEqual(d2.stop(), 0)
        restored_ids = {r[0] for r in query(
            os.path.join(d2.dir, "tsunagu.db"),
            "SELECT webhook_id FROM deliveries")}
        self.assertEqual(restored_ids, all_ids)
        # Nothing lost: every webhook-id reached its receiver.
        self.assertEqual({r.id for r in sink.requests()}, all_ids)


class BackupRules(harness.TestCase):

    def start(self):
        origin = self.new_origin()
        origin.set_feed("/feed.xml", rss(items("city")))
        d = self.new_daemon(harness.daemon_section()
                            + harness.source_section("city",
                                                     origin.url("/feed.xml")))
        d.fetch_and_wait("city")
        return d

    def test_admin_only(self):
        d = self.start()
        status, doc = d.api("/tokens", "POST", {"role": "coordinator",
                                                "organization": "shakyo"})
        self.assertEqual(status, 201, doc)
        status, _, _ = d.request("GET", "/api/v1/backup",
                                 d.auth(doc["token"]))
        self.assertEqual(status, 403)
        status, _, _ = d.request("GET", "/api/v1/backup")
        self.assertEqual(status, 401)
        status, _, _ = d.request("HEAD", "/api/v1/backup", d.auth())
        self.assertEqual(status, 405)
        status, hdrs, body = d.request("GET", "/api/v1/backup", d.auth())
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["Content-Type"], "application/vnd.sqlite3")
        self.assertEqual(int(hdrs["Content-Length"]), len(body))
        self.assertTrue(body.startswith(b"SQLite format 3\0"))
        self.assertIn("attachment", hdrs["Content-Disposition"])
        self.assertEqual(leftovers(d), [])
        res = cli(d, "routes")
        self.assertIn("/api/v1/backup", res.stdout)

    def test_client_gone_leaves_nothing(self):
        d = self.start()
        for _ in range(3):
            s = socket.create_connection((d.host, d.port), 5)
            s.sendall(("GET /api/v1/backup HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer %s\r\n\r\n" % d.token)
                      .encode())
            s.recv(100)
            s.close()
        # The daemon finishes (or abandons) each one and stays healthy.
        d.wait_for(lambda: leftovers(d) == [], what="no temporary file")
        status, _, body = d.request("GET", "/api/v1/backup", d.auth())
        self.assertEqual(status, 200)
        self.assertTrue(body.startswith(b"SQLite format 3\0"))
        self.assertEqual(leftovers(d), [])

    def test_stale_temporary_file_is_removed(self):
        d = self.start()
        stale = os.path.join(d.dir, "tsunagu.db.backup-AbC123")
        with open(stale, "wb") as f:
            f.write(b"half a copy")
        status, _, _ = d.request("GET", "/api/v1/backup", d.auth())
        self.assertEqual(status, 200)
        self.assertFalse(os.path.exists(stale))
        self.assertIn("did not finish", d.log())

    def test_cli_writes_atomically_and_checks(self):
        d = self.start()
        target = os.path.join(d.dir, "copy.db")
        with open(target, "wb") as f:
            f.write(b"the previous backup")
        res = cli(d, "--json", "backup", target)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn('"pages"', res.stdout)
        self.assertEqual(query(target, "PRAGMA integrity_check"), [("ok",)])
        self.assertEqual(query(target, "SELECT count(*) FROM postings"),
                         [(PER_SOURCE,)])
        # To standard output, for a pipe.
        env = dict(os.environ, TSUNAGU_URL=d.base, TSUNAGU_TOKEN=d.token)
        out = subprocess.run([CLI, "backup", "-"], env=env,
                             capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(out.stdout.startswith(b"SQLite format 3\0"))
        # Refused: the old file stays, no temporary file is left.
        bad = subprocess.run([CLI, "backup", target],
                             env=dict(env, TSUNAGU_TOKEN="wrong"),
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(bad.returncode, 1, bad.stderr)
        self.assertIn("HTTP 401", bad.stderr)
        self.assertEqual(query(target, "PRAGMA integrity_check"), [("ok",)])
        self.assertEqual([f for f in os.listdir(d.dir) if ".tmp-" in f], [])
        # Not the daemon at all: the feed is not a database.
        origin = self.new_origin()
        origin.set("/api/v1/backup", 200, b"<html>proxy login</html>")
        bad = subprocess.run([CLI, "--url", origin.url(""), "backup",
                              target], env=env, capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(bad.returncode, 3, bad.stderr)
        self.assertIn("not an SQLite database", bad.stderr)
        self.assertEqual(query(target, "PRAGMA integrity_check"), [("ok",)])


if __name__ == "__main__":
    harness.main()
