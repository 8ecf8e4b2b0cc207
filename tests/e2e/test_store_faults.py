"""A full disk and a failing write under a running tsunagud.

libfiu's POSIX preload (Debian's fiu-utils) makes pwrite(2) — SQLite's
write to the database and its write-ahead log — fail on command, through
fiu-ctrl, while the daemon runs; its log (stderr) is written with write(2)
and goes on.  While writes fail:

- a poll whose result cannot be stored says so in the log and in its
  source's entry (/api/v1/sources: error_code "store", the reason;
  /metrics: tsunagu_source_failing{reason="store"}), and /healthz (503)
  and /metrics say the store cannot write, with the reason;
- an admin API call whose change did not commit is answered 5xx, never
  2xx, and the change is not there afterwards;
- the feeds go on being served from what was committed.

Then, with failures at random moments during ingest, and after a restart
without the fault: everything recovers, every source ends up with exactly
what its origin serves (a fetch whose postings were rolled back did not
keep its ETag), and PRAGMA integrity_check answers ok.

The daemon is started the way fiu-run -x starts a program (LD_PRELOAD of
fiu_run_preload.so and fiu_posix_preload.so, FIU_CTRL_FIFO for fiu-ctrl),
with a sanitizer runtime the binary links preloaded first: it must come
before libfiu, whose malloc wrapper is not ready when ASan starts.
Without fiu-utils the test is skipped (scripts/install-deps.sh --test
installs it).
"""

import contextlib
import errno
import json
import os
import re
import shutil
import sqlite3
import subprocess

import harness
from apikit import SUBMISSION

FIU_LIB = "/usr/lib/fiu"
PRELOADS = [os.path.join(FIU_LIB, "fiu_run_preload.so"),
            os.path.join(FIU_LIB, "fiu_posix_preload.so")]
WRITE_POINT = "posix/io/rw/pwrite"      # pwrite and pwrite64
SOURCES = 6
ITEMS = 12


def sanitizer_runtimes(binary):
    """The shared sanitizer runtimes `binary` links (gcc's), if any."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True,
                         timeout=30).stdout
    return re.findall(r"=>\s*(\S*/lib(?:a|ub|t|l)san\.so[.\d]*)\s", out)


def items(source, revision):
    return [{"title": "%s の募集 %02d (第%d版)" % (source, i, revision),
             "link": "https://%s.example.jp/volunteer/%d" % (source, i),
             "description": "<p>%s</p>" % ("説明 %d " % revision * 40)}
            for i in range(ITEMS)]


class StoreFaultsTest(harness.TestCase):

    def setUp(self):
        if not all(os.path.exists(p) for p in PRELOADS) or \
                shutil.which("fiu-ctrl") is None:
            self.skipTest("fiu-utils is not installed")
        self.origin = self.new_origin()
        self.revision = {}
        conf = harness.daemon_section()
        for i in range(SOURCES):
            name = "src%d" % i
            self.serve(name, 1)
            conf += harness.source_section(
                name, self.origin.url("/%s.xml" % name))
        self.d = self.new_daemon(conf, start=False)
        self.fifo = os.path.join(self.d.dir, "fiu-ctrl")

    def serve(self, name, revision):
        self.revision[name] = revision
        self.origin.set_feed("/%s.xml" % name,
                             harness.rss(items(name, revision)))

    # -- the fault --------------------------------------------------------

    def start_with_fiu(self):
        env = {"LD_PRELOAD": " ".join(
                   sanitizer_runtimes(self.d.binary) + PRELOADS),
               "FIU_CTRL_FIFO": self.fifo, "FIU_ENABLE": ""}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            self.d.start()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def fiu(self, command):
        subprocess.run(["fiu-ctrl", "-f", self.fifo, "-c", command,
                        str(self.d.proc.pid)], check=True, timeout=10)

    @contextlib.contextmanager
    def failing_writes(self, err, probability=None):
        if probability is None:
            self.fiu("enable name=%s,failinfo=%d" % (WRITE_POINT, err))
        else:
            self.fiu("enable_random name=%s,probability=%s,failinfo=%d"
                     % (WRITE_POINT, probability, err))
        try:
            yield
        finally:
            self.fiu("disable name=%s" % WRITE_POINT)

    def poll(self, name):
        """Polls `name`; returns whether the result was stored."""
        d = self.d
        mark = len(d.current_log())
        d.fetch(name)
        done = re.compile(r"source %s: (200,|the fetch could not be "
                          r"recorded)" % name)
        m = d.wait_for(lambda: done.search(d.log_since(mark)), 30,
                       "the poll of %s to end" % name)
        return m.group(1) == "200,"

    # -- checks -----------------------------------------------------------

    def health(self):
        status, _, body = self.d.get("/healthz")
        return status, json.loads(body.decode("utf-8"))

    def titles(self, name):
        return {it["title"] for it in self.d.items("?limit=1000")
                if it["_tsunagu"]["sources"][0]["source"] == name}

    def assert_refused(self, reason):
        """While writes fail: API changes are answered 5xx and are not
        there afterwards; health says why; the feeds are served."""
        d = self.d
        feed_before = self.titles("src0")
        status, doc = d.api("/sources", method="POST", body={
            "name": "added-while-failing", "kind": "city",
            "url": self.origin.url("/none.xml")})
        self.assertGreaterEqual(status, 500, doc)
        self.assertNotIn("added-while-failing", d.sources())
        status, doc = d.api("/postings", method="POST", body=SUBMISSION,
                            token=self.group)
        self.assertGreaterEqual(status, 500, doc)
        status, doc = d.api("/postings?moderation=pending")
        self.assertEqual(status, 200, doc)
        self.assertNotIn(SUBMISSION["title"],
                         [p["title"] for p in doc["postings"]])

        status, doc = self.health()
        self.assertEqual(status, 503, doc)
        self.assertEqual(doc["status"], "error")
        self.assertIn("cannot write", doc["error"])
        self.assertIn(reason, doc["error"])
        m = d.metrics()
        self.assertEqual(m.get("tsunagu_store_failing"), 1)
        self.assertGreaterEqual(m.get("tsunagu_store_io_errors_total"), 1)
        self.assertEqual(self.titles("src0"), feed_before)

    def assert_poll_not_recorded(self, name, reason):
        """A poll under the fault: logged with the reason, and the source
        keeps what it had."""
        d = self.d
        mark = len(d.current_log())
        before = d.source(name)
        self.serve(name, self.revision[name] + 1)
        self.assertFalse(self.poll(name))
        self.assertIn(reason, d.log_since(mark))
        # The source's entry says the poll failed, and why, though its
        # row could not be written.
        after = d.source(name)
        self.assertEqual(after["last_success"], before["last_success"])
        self.assertEqual(after["error_code"], "store", after)
        self.assertIn("could not be stored", after["error"])
        self.assertIn(reason, after["error"])
        self.assertGreater(after["errors"], before["errors"])
        self.assertGreaterEqual(after["last_attempt"], before["last_attempt"])
        status, health = d.api("/sources/%s/health" % name)
        self.assertEqual((status, health["error_code"]), (200, "store"))
        m = d.metrics()
        self.assertEqual(m.get("tsunagu_source_failing", source=name,
                               reason="store"), 1)
        self.assertEqual(m.get("tsunagu_source_up", source=name), 0)
        self.assertEqual(self.titles(name),
                         {it["title"] for it in items(
                             name, self.revision[name] - 1)})

    # -- the test ---------------------------------------------------------

    def test_full_disk_and_failing_writes(self):
        d = self.d
        self.start_with_fiu()
        names = ["src%d" % i for i in range(SOURCES)]
        for name in names:
            d.fetch_and_wait(name)
        self.assertEqual(len(d.items("?limit=1000")), SOURCES * ITEMS)
        status, doc = d.api("/tokens", method="POST", body={
            "role": "group", "organization": "kariya-npo"})
        self.assertEqual(status, 201, doc)
        self.group = doc["token"]
        self.assertEqual(self.health()[0], 200)

        with self.subTest("full disk (ENOSPC)"):
            with self.failing_writes(errno.ENOSPC):
                self.assert_poll_not_recorded("src0", "disk is full")
                self.assert_refused("disk is full")
        with self.subTest("failing write (EIO)"):
            with self.failing_writes(errno.EIO):
                self.assert_poll_not_recorded("src1", "I/O error")
                self.assert_refused("I/O error")

        # The fault gone, the next write succeeds and health says so.
        status, doc = d.api("/sources", method="POST", body={
            "name": "added-after", "kind": "city",
            "url": self.origin.url("/none.xml")})
        self.assertEqual(status, 201, doc)
        self.assertEqual(self.health()[0], 200)
        self.assertEqual(d.metrics().get("tsunagu_store_failing"), 0)
        # A poll that is recorded again clears what the failed one said.
        for name in ("src0", "src1"):
            s = d.fetch_and_wait(name)
            self.assertIsNone(s["error"], s)
            self.assertIsNone(s["error_code"], s)
            self.assertEqual(self.titles(name), {it["title"] for it in items(
                name, self.revision[name])})
        m = d.metrics()
        self.assertEqual(m.find("tsunagu_source_failing", source="src0"), [])
        self.assertEqual(m.get("tsunagu_source_up", source="src0"), 1)

        # Failures at random moments (1 pwrite in 500: about half the
        # polls) while every source is polled again and again, and
        # submissions come in: some are stored, others rolled back.
        stored = failed = 0
        with self.failing_writes(errno.ENOSPC, probability=0.002):
            for _ in range(3):
                for i, name in enumerate(names):
                    self.serve(name, self.revision[name] + 1)
                    if self.poll(name):
                        stored += 1
                    else:
                        failed += 1
                    if i % 2:
                        d.api("/postings", method="POST", body=SUBMISSION,
                              token=self.group)
        print("under random failures: %d polls stored, %d rolled back"
              % (stored, failed))

        # Restarted without libfiu: the store is whole, and every source
        # converges on what its origin serves now.
        self.assertEqual(d.stop(), 0)
        d.start()
        for name in names:
            d.fetch_and_wait(name)
            self.assertEqual(self.titles(name),
                             {it["title"] for it in items(
                                 name, self.revision[name])}, name)
        self.assertEqual(self.health()[0], 200)
        self.assertIn("added-after", d.sources())
        self.assertNotIn("added-while-failing", d.sources())
        db = sqlite3.connect(os.path.join(d.dir, "tsunagu.db"))
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check")
                             .fetchone()[0], "ok")
            self.assertEqual(db.execute("PRAGMA foreign_key_check")
                             .fetchall(), [])
        finally:
            db.close()


if __name__ == "__main__":
    harness.main()
