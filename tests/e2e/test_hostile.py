"""Hostile sources (issue 11), one daemon, one source per attack.

Each document is rejected -- the source marked failed with a reason code
and a message -- or cleaned, within the size limit (the default max_body,
10 MiB of decoded bytes) and the time limit (fetch_timeout), while:

  * a probe thread asks /healthz every PROBE_EVERY seconds for the whole
    run and every answer must come back, within PROBE_BOUND (generous:
    these machines are noisy, and the daemon is built with ASan);
  * strace, attached to the daemon, records every file it opens: none may
    lie outside its data directory but the system's own (shared
    libraries, gconv modules, /proc/self, /dev/urandom ...); the XXE
    targets are files in another directory that must never be opened,
    and URLs on the origin that must never be requested.

The gzip bomb (1 GiB of zeros) and the 40 MiB feed are generated while
they are sent, never stored.  Without strace the file check is skipped
(scripts/install-deps.sh --test installs it).
"""

import datetime
import http.server
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import zlib

import harness
from harness import JST, rss

PROBE_EVERY = 0.2          # seconds between /healthz probes
PROBE_BOUND = 10.0         # seconds one probe may take, at most
FETCH_BOUND = 30.0         # seconds from "poll now" to a recorded outcome
MAX_BODY = 10 * 1024 * 1024  # the default max_body

# Files the daemon may open outside its data directory.
SYSTEM_PREFIXES = ("/usr/lib/", "/lib/", "/lib64/", "/usr/lib64/",
                   "/etc/ld.so", "/etc/hosts", "/etc/resolv.conf",
                   "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf",
                   "/etc/services", "/etc/localtime", "/usr/share/zoneinfo/",
                   "/etc/ssl/", "/usr/share/ca-certificates/",
                   "/usr/lib/ssl/", "/etc/gnutls/", "/proc/self/",
                   "/proc/sys/", "/sys/devices/system/cpu",
                   "/dev/urandom", "/dev/null", "/dev/random")
# SQLite's own temporary files (statement journals, large sorts): opened
# and unlinked at once in /var/tmp, /usr/tmp or /tmp unless the store sets
# temp_store or a temp directory.  Names are SQLite's, never a document's.
SQLITE_TEMP = re.compile(r"^(/var/tmp|/usr/tmp|/tmp)/etilqs_[0-9a-f]+$")


def item(title, n, **kw):
    d = {"title": title, "link": "https://hostile.example.jp/%d" % n,
         "pub": datetime.datetime(2026, 7, 1, 9, 0, tzinfo=JST),
         "description": "<p>%s</p>" % title}
    d.update(kw)
    return d


def xml_doctype(subset, title="攻撃"):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE rss [\n%s\n]>\n'
            '<rss version="2.0"><channel><title>%s</title>'
            '<item><title>&x;</title><link>https://hostile.example.jp/x'
            '</link></item></channel></rss>\n' % (subset, title)).encode()


class StreamingOrigin:
    """What the scripted origin cannot do: bodies made while they are
    sent.  /gzip-bomb: 1 GiB of zeros through gzip; /huge: a 40 MiB RSS
    document with its Content-Length.  Records how many bytes each sent
    and whether the client hung up."""

    def __init__(self):
        self.sent = {}
        self.aborted = {}
        origin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = urllib.parse.urlsplit(self.path).path
                gen = {"/gzip-bomb": origin.gzip_bomb,
                       "/huge": origin.huge}.get(path)
                if gen is None:
                    self.send_error(404)
                    return
                headers, chunks = gen()
                self.send_response(200)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Connection", "close")
                self.end_headers()
                sent, aborted = 0, False
                try:
                    for c in chunks:
                        self.wfile.write(c)
                        sent += len(c)
                    self.wfile.flush()
                except OSError:
                    aborted = True
                origin.sent[path] = sent
                origin.aborted[path] = aborted
                self.close_connection = True

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass

        self.server = Server((harness.HOST, 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://%s:%d%s" % (harness.HOST, self.port, path)

    @staticmethod
    def gzip_bomb():
        def chunks():
            z = zlib.compressobj(9, zlib.DEFLATED, 31)   # gzip wrapper
            zeros = bytes(1 << 20)
            for _ in range(1024):                        # 1 GiB in
                out = z.compress(zeros)
                if out:
                    yield out
            yield z.flush()
        return ({"Content-Type": "application/rss+xml",
                 "Content-Encoding": "gzip"}, chunks())

    @staticmethod
    def huge():
        head = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
                '<channel><title>巨大</title>').encode()
        tail = b"</channel></rss>\n"
        one = ("<item><title>巨大なフィード</title><link>https://huge.example"
               ".jp/%08d</link><description>" + "あ" * 1300 +
               "</description></item>\n")
        total = 40 * 1024 * 1024
        sample = (one % 0).encode()
        n = (total - len(head) - len(tail)) // len(sample)
        pad = total - len(head) - len(tail) - n * len(sample)

        def chunks():
            yield head
            buf = []
            for i in range(n):
                buf.append((one % i).encode())
                if len(buf) == 64:
                    yield b"".join(buf)
                    buf = []
            if buf:
                yield b"".join(buf)
            yield b" " * pad + tail
        return ({"Content-Type": "application/rss+xml; charset=utf-8",
                 "Content-Length": str(total)}, chunks())

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class Probe:
    """Asks /healthz every PROBE_EVERY seconds until stopped."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.latencies = []
        self.failures = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                status, _, _ = self.daemon.get("/healthz")
                if status != 200:
                    self.failures.append("status %d" % status)
            except Exception as e:  # noqa: BLE001 -- reported by the test
                self.failures.append(repr(e))
            self.latencies.append(time.monotonic() - t0)
            self._stop.wait(PROBE_EVERY)

    def stop(self):
        self._stop.set()
        self.thread.join(PROBE_BOUND + 5)


class Tracer:
    """strace -f attached to the daemon, recording the files it opens."""

    def __init__(self, pid, path):
        self.path = path
        self.proc = None
        if shutil.which("strace") is None:
            return
        self.proc = subprocess.Popen(
            ["strace", "-f", "-e", "trace=open,openat,openat2,creat",
             "-o", path, "-p", str(pid)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        # strace says "Process N attached" once it is.
        deadline = time.monotonic() + 10
        line = ""
        while time.monotonic() < deadline and "attached" not in line:
            line = self.proc.stderr.readline()
            if line == "" and self.proc.poll() is not None:
                break
        if "attached" not in line:
            self.stop()
            self.proc = None

    def stop(self):
        """Detaches (the daemon keeps running) and returns the paths."""
        if self.proc is None:
            return None
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc.stderr.close()
        self.proc = None
        paths = []
        with open(self.path, errors="replace") as f:
            for ln in f:
                m = re.search(r'open(?:at2?)?\((?:[A-Z_]+|\d+), "([^"]*)"', ln) \
                    or re.search(r'(?:open|creat)\("([^"]*)"', ln)
                if m:
                    paths.append(m.group(1))
        return paths


class HostileTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.outside = tempfile.mkdtemp(prefix="tsunagu-hostile-outside-")
        cls.addClassCleanup(shutil.rmtree, cls.outside, True)
        cls.canary = os.path.join(cls.outside, "canary-secret.txt")
        with open(cls.canary, "w") as f:
            f.write("CANARY-SECRET-do-not-publish\n")
        cls.canary_dtd = os.path.join(cls.outside, "evil.dtd")
        with open(cls.canary_dtd, "w") as f:
            f.write('<!ENTITY x "CANARY-SECRET-from-dtd">\n')

        cls.origin = o = harness.Origin()
        cls.addClassCleanup(o.stop)
        cls.stream = s = StreamingOrigin()
        cls.addClassCleanup(s.stop)
        o.set("/evil.dtd", 200, '<!ENTITY x "CANARY-SECRET-over-http">',
              content_type="application/xml-dtd")
        o.set("/xxe-target", 200, "CANARY-SECRET-over-http",
              content_type="text/plain")

        cls.sources = {}     # name: url
        cls.serve(o)
        conf = harness.daemon_section(max_fetches="4", fetch_timeout="15")
        for name, url in cls.sources.items():
            conf += harness.source_section(name, url, kind="civic",
                                           interval=3600)
        cls.daemon = d = harness.Daemon(conf)
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        try:
            d.start()
            cls.tracer = Tracer(d.proc.pid, os.path.join(
                cls.outside, "strace.txt"))
            # Before the daemon stops: LeakSanitizer cannot run traced.
            cls.addClassCleanup(cls.tracer.stop)
            cls.probe = Probe(d)
            cls.addClassCleanup(cls.probe.stop)
        except BaseException:
            harness.dump_log(d)
            raise

    @classmethod
    def serve(cls, o):
        """Every hostile document on the origins, one source each."""
        def add(name, path, body=None, origin=None, **kw):
            if body is not None:
                o.set(path, 200, body, **kw)
            cls.sources[name] = (origin or o).url(path)

        # XXE through file:// and http://, as an entity and as the DTD.
        add("xxe-file", "/xxe-file.xml", xml_doctype(
            '<!ENTITY x SYSTEM "file://%s">' % cls.canary),
            content_type="application/rss+xml")
        add("xxe-http", "/xxe-http.xml", xml_doctype(
            '<!ENTITY x SYSTEM "%s">' % o.url("/xxe-target")),
            content_type="application/rss+xml")
        add("xxe-param", "/xxe-param.xml", xml_doctype(
            '<!ENTITY %% p SYSTEM "%s"> %%p;' % o.url("/evil.dtd")),
            content_type="application/rss+xml")
        for name, dtd in (("xxe-dtd-file", "file://" + cls.canary_dtd),
                          ("xxe-dtd-http", o.url("/evil.dtd"))):
            add(name, "/%s.xml" % name, (
                '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "%s">\n'
                '<rss version="2.0"><channel><title>t</title><item>'
                '<title>外部DTD &amp;x; %s</title><link>https://hostile.'
                'example.jp/%s</link></item></channel></rss>\n'
                % (dtd, name, name)).encode(),
                content_type="application/rss+xml")
        # Entity expansion: billion laughs; one 64 kB entity 20,000 times.
        with open(os.path.join(harness.SOURCE_ROOT, "tests", "data", "feeds",
                               "billion-laughs.xml"), "rb") as f:
            add("laughs", "/laughs.xml", f.read(),
                content_type="application/rss+xml")
        add("quadratic", "/quadratic.xml", (
            '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "%s">]>\n'
            '<rss version="2.0"><channel><title>q</title><item><title>q'
            '</title><description>%s</description></item></channel></rss>'
            % ("a" * 65536, "&a;" * 20000)).encode(),
            content_type="application/rss+xml")
        # 100,000-deep nesting: as XML elements, in Atom xhtml content,
        # and as escaped HTML that the sanitizer has to walk.
        deep = "<x>" * 100000 + "深い" + "</x>" * 100000
        add("deep-xml", "/deep-xml.xml", (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>d'
            '</title><item><title>深い入れ子</title><description>%s'
            '</description></item></channel></rss>' % deep).encode(),
            content_type="application/rss+xml")
        add("deep-xhtml", "/deep-xhtml.xml", (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<title>d</title><id>urn:d</id><updated>2026-07-01T00:00:00Z'
            '</updated><entry><title>深いXHTML</title><id>urn:d:1</id>'
            '<updated>2026-07-01T00:00:00Z</updated><content type="xhtml">'
            '<div xmlns="http://www.w3.org/1999/xhtml">%s</div></content>'
            '</entry></feed>' % deep.replace("x>", "div>")).encode(),
            content_type="application/atom+xml")
        add("deep-html", "/deep-html.xml", rss([item(
            "深くネストしたHTMLの説明", 1,
            description="<div>" * 100000 + "本文" + "</div>" * 100000)]),
            content_type="application/rss+xml")
        # Size: a gzip bomb and a 40 MiB feed, both made while sent.
        add("gzip-bomb", "/gzip-bomb", origin=cls.stream)
        add("huge", "/huge", origin=cls.stream)
        # Truncated: on the wire (Content-Length not met), and a whole
        # response holding half a document.
        whole = rss([item("途中で切れる募集 %d" % i, 100 + i,
                          description="説明" * 500) for i in range(20)])
        add("cut-wire", "/cut-wire.xml", whole, truncate=len(whole) // 2,
            content_type="application/rss+xml")
        add("cut-doc", "/cut-doc.xml", whole[:len(whole) // 2],
            content_type="application/rss+xml")
        # Not a feed at all.
        add("html-page", "/index.html", (
            "<!DOCTYPE html><html><head><title>ボランティア</title></head>"
            "<body><h1>募集一覧</h1><p>準備中です</p></body></html>").encode(),
            content_type="application/rss+xml")
        add("garbage", "/garbage.xml", random.Random(11).randbytes(1 << 20),
            content_type="application/rss+xml")
        # Charsets that lie: ingested, read right.
        add("lie-sjis", "/lie-sjis.xml", rss(
            [item("①嘘の宣言 Shift_JIS と書いた UTF-8 ㈱髙島屋", 201)]).replace(
            b'encoding="UTF-8"', b'encoding="Shift_JIS"'),
            content_type="application/rss+xml; charset=Shift_JIS")
        add("lie-utf8", "/lie-utf8.xml", rss(
            [item("②嘘の宣言 UTF-8 と書いた CP932 ㈲髙橋商店", 202)]).decode()
            .encode("cp932"),
            content_type="application/rss+xml; charset=utf-8")
        # The server's single-byte default against the document's own
        # declaration (charset.h, rule 5).
        add("lie-latin1", "/lie-latin1.xml", rss(
            [item("EUC-JP の文書をサーバーが ISO-8859-1 と言う", 203)])
            .decode().replace('encoding="UTF-8"', 'encoding="EUC-JP"')
            .encode("euc_jp"),
            content_type="application/rss+xml; charset=ISO-8859-1")
        # A CSV row with a 2 MB field.
        header = ("都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,"
                  "イベント名,開始日,終了日,説明,場所名称,URL")
        row = ('232106,1,愛知県,刈谷市,巨大な説明の行事,2026-08-01,2026-08-01,'
               '"%s",刈谷市役所,https://hostile.example.jp/csv/1'
               % ("長い説明、" * 140000))
        body = ("\ufeff" + header + "\r\n" + row + "\r\n").encode()
        assert len(body) > 2_000_000
        add("csv-2mb", "/big.csv", body, content_type="text/csv")
        # Deeply nested JSON in a JSON Feed.
        add("deep-json", "/deep.json", (
            '{"version": "https://jsonfeed.org/version/1.1", "title": "j", '
            '"items": [{"id": "1", "title": "深いJSON", "tags": %s}]}'
            % ("[" * 100000 + "]" * 100000)).encode(),
            content_type="application/feed+json")

    # -- helpers ----------------------------------------------------------

    def poll(self, name):
        """Polls `name` now; returns (state, seconds it took)."""
        t0 = time.monotonic()
        s = self.daemon.fetch_and_wait(name, timeout=FETCH_BOUND)
        took = time.monotonic() - t0
        self.assertLess(took, FETCH_BOUND)
        status, _, _ = self.daemon.get("/healthz")
        self.assertEqual(status, 200)
        return s, took

    def postings_of(self, name):
        return [it for it in self.daemon.items("?limit=1000")
                if it["_tsunagu"]["sources"][0]["source"] == name]

    def assert_rejected(self, name, code, why=None):
        s, self.took = self.poll(name)
        self.assertEqual(s["error_code"], code, s)
        self.assertTrue(s["error"], s)
        if why:
            self.assertRegex(s["error"], why)
        self.assertEqual(self.postings_of(name), [])
        m = self.daemon.metrics()
        self.assertEqual(m.get("tsunagu_source_failing", source=name,
                               reason=code), 1)
        return s

    def assert_no_secret_published(self):
        for path in ("/feeds/all.json?limit=1000", "/feeds/all.atom?limit=1000"):
            status, _, body = self.daemon.get(path)
            self.assertEqual(status, 200)
            self.assertNotIn(b"CANARY-SECRET", body)

    # -- XXE --------------------------------------------------------------

    def test_xxe_file(self):
        self.assert_rejected("xxe-file", "parse", "DOCTYPE|entity|DTD")
        self.assert_no_secret_published()

    def test_xxe_http(self):
        self.assert_rejected("xxe-http", "parse", "DOCTYPE|entity|DTD")
        self.assertEqual(self.origin.requests("/xxe-target"), [])

    def test_xxe_parameter_entity(self):
        self.assert_rejected("xxe-param", "parse", "DOCTYPE|entity|DTD")
        self.assertEqual(self.origin.requests("/evil.dtd"), [])

    def test_xxe_external_dtd(self):
        # No internal subset: the DTD is not loaded and &x; stays text
        # (or the document is refused); nothing is fetched or opened.
        for name in ("xxe-dtd-file", "xxe-dtd-http"):
            with self.subTest(source=name):
                s, _ = self.poll(name)
                if s["error"]:
                    self.assertEqual(s["error_code"], "parse")
                else:
                    for it in self.postings_of(name):
                        self.assertNotIn("CANARY", json.dumps(it))
        self.assertEqual(self.origin.requests("/evil.dtd"), [])
        self.assert_no_secret_published()

    # -- expansion and nesting --------------------------------------------

    def test_billion_laughs(self):
        self.assert_rejected("laughs", "parse", "DOCTYPE|entity|DTD")
        self.assertLess(self.took, 10)

    def test_quadratic_blowup(self):
        self.assert_rejected("quadratic", "parse", "DOCTYPE|entity|DTD")
        self.assertLess(self.took, 10)

    def test_deep_xml_nesting(self):
        for name in ("deep-xml", "deep-xhtml"):
            with self.subTest(source=name):
                s, _ = self.poll(name)
                if s["error"]:
                    # libxml2 stops at depth 256 without XML_PARSE_HUGE.
                    self.assertEqual(s["error_code"], "parse")
                    self.assertRegex(s["error"], "XML error|depth|nest")
                else:
                    for it in self.postings_of(name):
                        self.assertLess(len(it.get("content_html") or ""),
                                        MAX_BODY)

    def test_deep_html_is_cleaned(self):
        s, _ = self.poll("deep-html")
        self.assertIsNone(s["error"], s)
        (it,) = self.postings_of("deep-html")
        self.assertEqual(it["title"], "深くネストしたHTMLの説明")
        # The sanitizer keeps a bounded depth, balanced, and drops what
        # lies deeper.
        html = it["content_html"]
        self.assertLess(html.count("<div>"), 1000)
        self.assertEqual(html.count("<div>"), html.count("</div>"))

    # -- size -------------------------------------------------------------

    def test_gzip_bomb(self):
        s = self.assert_rejected("gzip-bomb", "too_large", "exceeds")
        # The daemon hung up long before 1 GiB was inflated: the origin
        # could not send the whole (about 1 MB) compressed stream.
        self.daemon.wait_for(lambda: "/gzip-bomb" in self.stream.sent, 20,
                             "the origin to finish the bomb")
        self.assertTrue(self.stream.aborted["/gzip-bomb"], s)
        self.assertLess(self.stream.sent["/gzip-bomb"], 1 << 20)

    def test_40_mib_feed(self):
        self.assert_rejected("huge", "too_large", "exceeds")
        self.daemon.wait_for(lambda: "/huge" in self.stream.sent, 20,
                             "the origin to finish the 40 MiB body")
        self.assertTrue(self.stream.aborted["/huge"])
        self.assertLess(self.stream.sent["/huge"], 40 * 1024 * 1024)

    # -- broken and wrong documents ---------------------------------------

    def test_truncated_on_the_wire(self):
        self.assert_rejected("cut-wire", "transfer", "truncated")

    def test_truncated_document(self):
        self.assert_rejected("cut-doc", "parse")

    def test_html_served_as_a_feed(self):
        self.assert_rejected("html-page", "parse", "not a feed.*html")

    def test_binary_garbage(self):
        self.assert_rejected("garbage", "parse")

    # -- cleaned ----------------------------------------------------------

    def test_lying_charsets_are_read_right(self):
        want = {
            "lie-sjis": "1嘘の宣言 Shift_JIS と書いた UTF-8 (株)髙島屋",
            "lie-utf8": "2嘘の宣言 UTF-8 と書いた CP932 (有)髙橋商店",
            "lie-latin1": "EUC-JP の文書をサーバーが ISO-8859-1 と言う",
        }
        for name, title in want.items():
            with self.subTest(source=name):
                s, _ = self.poll(name)
                self.assertIsNone(s["error"], s)
                titles = [it["title"] for it in self.postings_of(name)]
                self.assertEqual(titles, [title])
                self.assertNotIn("\ufffd", titles[0])

    def test_csv_with_a_2_mb_field(self):
        s, _ = self.poll("csv-2mb")
        if s["error"]:
            self.assertIn(s["error_code"], ("parse", "too_large"))
            self.assertEqual(self.postings_of("csv-2mb"), [])
            return
        (it,) = self.postings_of("csv-2mb")
        self.assertEqual(it["title"], "巨大な説明の行事")
        self.assertEqual(it["_tsunagu"]["start"], "2026-08-01")
        # The field is cut, not published whole; the summary is short.
        self.assertLess(len(it["content_html"].encode()), 2_000_000)
        self.assertLessEqual(len(it.get("summary") or ""), 301)

    def test_deeply_nested_json(self):
        self.assert_rejected("deep-json", "parse")

    # -- last: what the whole run did --------------------------------------

    def test_zz_kept_serving_and_opened_nothing_outside(self):
        # Every hostile source has been polled by now (each test polls its
        # own; poll the rest, in case only this test runs).
        for name in self.sources:
            if not self.daemon.source(name).get("last_attempt"):
                self.poll(name)
        self.probe.stop()
        self.assertEqual(self.probe.failures, [])
        self.assertGreater(len(self.probe.latencies), 5)
        self.assertLess(max(self.probe.latencies), PROBE_BOUND)
        paths = self.tracer.stop()
        if paths is None:
            self.skipTest("strace is not installed or cannot attach")
        data_dir = os.path.realpath(self.daemon.dir) + os.sep
        outside = [p for p in paths
                   if not os.path.realpath(p).startswith(data_dir)
                   and not p.startswith(SYSTEM_PREFIXES)
                   and not SQLITE_TEMP.match(p)]
        self.assertEqual(outside, [], "files opened outside the data "
                         "directory")
        self.assertNotIn(self.canary, paths)
        self.assertNotIn(self.canary_dtd, paths)
        self.assertTrue(self.daemon.alive())


if __name__ == "__main__":
    harness.main()
