"""The log: one line per event, with levels, in the default text shape, in
log_format = kv, and under the systemd journal (JOURNAL_STREAM): no
timestamp and a syslog priority prefix.  The default text shape keeps the
"listening on HOST:PORT" line that scripts wait for.
"""

import os
import re
import signal

import harness
from harness import rss

TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ tsunagud "
                       r"(error|warning|info|debug|trace): \S.*$")
KV_VALUE = r'(?:"(?:[^"\\]|\\.)*"|[^\s"=]+)'
KV_LINE = re.compile(r'^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z '
                     r'level=(error|warning|info|debug|trace) '
                     r'msg="(?:[^"\\]|\\.)*"'
                     r'(?: [a-z0-9_]+=' + KV_VALUE + r')*$')
JOURNAL_LINE = re.compile(r"^<[3-7]>(error|warning|info|debug|trace): \S.*$")
PRIORITY = {"error": "3", "warning": "4", "info": "6", "debug": "7",
            "trace": "7"}


class KvDaemon(harness.Daemon):
    """In kv, the line is msg="listening on HOST:PORT": wait for that."""

    def start(self, timeout=harness.START_TIMEOUT):
        saved = harness._LISTEN_RE
        harness._LISTEN_RE = re.compile(r'listening on (\S+):(\d+)"\s*$',
                                        re.M)
        try:
            return super().start(timeout)
        finally:
            harness._LISTEN_RE = saved


class Logs(harness.TestCase):

    def config(self, origin, **daemon):
        origin.set_feed("/feed.xml", rss([{
            "title": "ログの確認", "link": "https://example.jp/v/1"}]))
        origin.set("/missing.xml", 404, b"gone")
        return (harness.daemon_section(**daemon)
                + harness.source_section("city", origin.url("/feed.xml"))
                + harness.source_section("gone", origin.url("/missing.xml")))

    def exercise(self, d):
        d.fetch_and_wait("city")
        d.fetch_and_wait("gone")
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log_since(mark),
                   what="the reload")

    def test_text_is_the_default(self):
        origin = self.new_origin()
        d = self.new_daemon(self.config(origin))
        self.exercise(d)
        d.stop()
        lines = d.log().splitlines()
        self.assertTrue(any(re.search(r"tsunagud info: listening on "
                                      r"127\.0\.0\.1:%d$" % d.port, ln)
                            for ln in lines))
        self.assertTrue(any(" warning: source gone: HTTP status 404" in ln
                            for ln in lines))
        for ln in lines:
            self.assertRegex(ln, TEXT_LINE)

    def test_kv(self):
        origin = self.new_origin()
        d = KvDaemon(self.config(origin, log_format="kv"))
        self.addCleanup(d.cleanup)
        self.addCleanup(self._dump_on_failure, d)
        d.start()
        self.exercise(d)
        d.stop()
        lines = d.log().splitlines()
        self.assertGreater(len(lines), 5)
        for ln in lines:
            self.assertRegex(ln, KV_LINE)
        self.assertTrue(any('level=info msg="listening on 127.0.0.1:%d"'
                            % d.port in ln for ln in lines))
        self.assertTrue(any('level=warning msg="source gone: HTTP status 404'
                            in ln for ln in lines))
        # Every line of the run, parsed as key=value pairs.
        for ln in lines:
            keys = [k for k, _ in re.findall(r'([a-z0-9_]+)=(' + KV_VALUE +
                                             ')', ln)]
            self.assertEqual(keys[:3], ["ts", "level", "msg"], ln)

    def test_kv_on_reload(self):
        origin = self.new_origin()
        d = self.new_daemon(self.config(origin))
        d.write_config(self.config(origin, log_format="kv"))
        mark = d.reload()
        d.wait_for(lambda: 'msg="configuration reloaded"' in
                   d.log_since(mark), what="the reload in kv")

    def test_journal(self):
        origin = self.new_origin()
        d = harness.Daemon(self.config(origin))
        self.addCleanup(d.cleanup)
        self.addCleanup(self._dump_on_failure, d)
        # The file the daemon's stderr will be (opened "wb": same inode).
        path = os.path.join(d.dir, "stderr.1.log")
        open(path, "wb").close()
        st = os.stat(path)
        old = os.environ.get("JOURNAL_STREAM")
        os.environ["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
        try:
            d.start()
        finally:
            if old is None:
                del os.environ["JOURNAL_STREAM"]
            else:
                os.environ["JOURNAL_STREAM"] = old
        self.exercise(d)
        d.signal(signal.SIGTERM)
        d.proc.wait(harness.STOP_TIMEOUT)
        lines = d.log().splitlines()
        self.assertIn("<6>info: listening on 127.0.0.1:%d" % d.port, lines)
        self.assertTrue(any(ln.startswith("<4>warning: source gone: ")
                            for ln in lines))
        for ln in lines:
            m = JOURNAL_LINE.match(ln)
            self.assertIsNotNone(m, ln)
            self.assertEqual(ln[1], PRIORITY[m.group(1)], ln)

    def test_bad_format(self):
        d = harness.Daemon(harness.daemon_section(log_format="json"))
        self.addCleanup(d.cleanup)
        res = d.check()
        self.assertEqual(res.returncode, 1)
        self.assertRegex(res.stderr, r"tsunagu\.conf:\d+: log_format: "
                                     r"'json' is not one of text, kv")


if __name__ == "__main__":
    harness.main()
