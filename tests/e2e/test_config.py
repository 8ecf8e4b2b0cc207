"""The configuration file and the process life cycle: `tsunagud -n`
checks, file:line errors, SIGHUP reloads (good and bad), SIGTERM, and the
admin API's bearer token."""

import json
import os
import re
import shutil
import signal
import tempfile

import harness
from harness import rss

KARIYA_ITEMS = [
    {"title": "刈谷市総合運動公園の清掃活動",
     "link": "https://city.example.jp/volunteer/301",
     "description": "<p>2026年10月18日 8:30 北駐車場集合</p>"},
    {"title": "高齢者サロンの運営補助",
     "link": "https://city.example.jp/volunteer/302",
     "description": "<p>毎月第2水曜日 13:30から</p>"},
]
NPO_ITEMS = [
    {"title": "日本語教室サポーター募集",
     "link": "https://npo.example.jp/recruit/401",
     "description": "<p>毎週土曜日 10:00から12:00</p>"},
]


def line_no(text, needle):
    """1-based number of the first line of `text` containing `needle`."""
    for i, ln in enumerate(text.splitlines(), 1):
        if needle in ln:
            return i
    raise ValueError(needle)


class ConfigCheckTest(harness.TestCase):
    """tsunagud -n -c FILE."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tsunagu-e2e-conf-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        with open(os.path.join(self.dir, "admin.token"), "w") as f:
            f.write("0123456789abcdef0123456789abcdef\n")

    def check(self, text, name="tsunagu.conf"):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        proc = harness.Daemon.check_config(path)
        return path, proc

    def valid(self, extra_source_keys=None):
        return (harness.daemon_section()
                + "; a comment line\n# another comment line\n\n"
                + harness.source_section(
                    "kariya-city", "http://127.0.0.1:9/city/rss.xml",
                    kind="city", interval="300 ; seconds between polls",
                    format="auto", moderation="off", encoding="auto",
                    area="232106", **(extra_source_keys or {}))
                + harness.source_section(
                    "kariya-shakyo", "http://127.0.0.1:9/shakyo/atom.xml",
                    kind="shakyo", format="atom")
                + harness.section("subscriber kariya-seiki", {
                    "webhook": "http://127.0.0.1:9/hooks/kariya-seiki",
                    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    "filter": "kind=city,shakyo area=232106"}))

    def assert_rejected(self, text, bad_line_needle, *words):
        path, proc = self.check(text)
        line = line_no(text, bad_line_needle)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        m = re.search(re.escape(os.path.basename(path)) + r":(\d+): (.*)",
                      proc.stderr)
        self.assertTrue(m, "no FILE:LINE: message in %r" % proc.stderr)
        self.assertEqual(int(m.group(1)), line, proc.stderr)
        for w in words:
            self.assertIn(w, m.group(2), proc.stderr)
        return proc

    def test_valid(self):
        _, proc = self.check(self.valid())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("configuration OK", proc.stdout + proc.stderr)

    def test_kariya_example(self):
        src = os.path.join(harness.SOURCE_ROOT, "examples", "kariya",
                           "tsunagu.conf")
        with open(src, encoding="utf-8") as f:
            text = f.read()
        os.mkdir(os.path.join(self.dir, "run"))
        with open(os.path.join(self.dir, "run", "admin.token"), "w") as f:
            f.write("0123456789abcdef0123456789abcdef\n")
        _, proc = self.check(text)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("configuration OK", proc.stdout + proc.stderr)

    def test_unknown_key(self):
        for section, text in (
                ("daemon", self.valid().replace(
                    "[daemon]\n", "[daemon]\ncolour = blue\n")),
                ("source", self.valid().replace(
                    "[source kariya-shakyo]\n",
                    "[source kariya-shakyo]\ncolour = blue\n")),
                ("subscriber", self.valid() + "colour = blue\n")):
            with self.subTest(section=section):
                self.assert_rejected(text, "colour", "unknown key 'colour'")

    def test_unknown_section(self):
        text = self.valid() + "[sauce tonkatsu]\nurl = http://127.0.0.1:9/\n"
        self.assert_rejected(text, "[sauce", "sauce")

    def test_bad_values(self):
        cases = [
            ("interval", "interval = abc"),
            ("interval", "interval = 0"),
            ("interval", "interval = -5"),
            ("kind", "kind = banana"),
            ("format", "format = docx"),
            ("moderation", "moderation = maybe"),
        ]
        for key, line in cases:
            with self.subTest(line=line):
                text = self.valid().replace(
                    "[source kariya-shakyo]\n",
                    "[source kariya-shakyo]\n%s\n" % line)
                # The section already has kind/format: drop the originals
                # so that the bad line is the only one.
                lines = text.splitlines()
                out, in_shakyo = [], False
                for ln in lines:
                    if ln.startswith("["):
                        in_shakyo = ln == "[source kariya-shakyo]"
                    elif in_shakyo and ln.split("=")[0].strip() == key \
                            and ln != line:
                        continue
                    out.append(ln)
                text = "\n".join(out) + "\n"
                self.assert_rejected(text, line)
        for line in ("listen = nowhere", "max_body = lots",
                     "allow_networks = 300.1.2.3/8"):
            with self.subTest(line=line):
                key = line.split()[0]
                text = re.sub(r"(?m)^%s = .*\n" % key, "", self.valid())
                text = text.replace("[daemon]\n", "[daemon]\n%s\n" % line)
                self.assert_rejected(text, line)

    def test_long_url(self):
        url = "http://127.0.0.1:9/" + "kariya/" * 428 + "rss.xml"
        self.assertGreater(len(url), 3000)
        text = self.valid().replace("http://127.0.0.1:9/city/rss.xml", url)
        _, proc = self.check(text)
        self.assertEqual(proc.returncode, 0, proc.stderr)


class LifecycleTest(harness.TestCase):
    """A running daemon: reloads, SIGTERM, bearer tokens."""

    def setUp(self):
        self.origin = self.new_origin()
        self.origin.set_feed("/city.xml", rss(KARIYA_ITEMS, "刈谷市"))
        self.origin.set_feed("/npo.xml", rss(NPO_ITEMS, "かりやNPOネット"))
        self.base_conf = (
            harness.daemon_section()
            + harness.source_section("kariya-city",
                                     self.origin.url("/city.xml"),
                                     kind="city", interval=3600))

    def poll(self, d, name, count):
        d.fetch_and_wait(name)
        return d.wait_for(
            lambda: (lambda s: s if s["postings"] == count and
                     s["error"] is None else None)(d.source(name)),
            10, "%d postings from %s" % (count, name))

    def test_reload_broken_then_good(self):
        d = self.new_daemon(self.base_conf)
        self.poll(d, "kariya-city", len(KARIYA_ITEMS))
        items_before = d.items()
        port = d.port

        # A broken configuration: the old one stays.
        broken = self.base_conf + "colour = blue\n"
        d.write_config(broken)
        mark = d.reload()
        bad = line_no(broken, "colour")
        d.wait_for(lambda: re.search(r"tsunagu\.conf:%d:" % bad,
                                     d.log_since(mark)),
                   10, "the reload's tsunagu.conf:%d: error in the log" % bad)
        self.assertTrue(d.alive())
        self.assertEqual(d.port, port)
        status, _, body = d.get("/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["status"], "ok")
        self.assertEqual(set(d.sources()), {"kariya-city"})
        self.assertEqual(d.items(), items_before)
        # Still polling with the old configuration.
        self.poll(d, "kariya-city", len(KARIYA_ITEMS))

        # A good one with a new source.
        good = self.base_conf + harness.source_section(
            "kariya-npo-net", self.origin.url("/npo.xml"), kind="civic",
            interval=3600)
        d.write_config(good)
        n = len(self.origin.requests("/npo.xml"))
        d.reload()
        d.wait_for(lambda: "kariya-npo-net" in d.sources(), 10,
                   "the new source in /api/v1/sources")
        src = d.source("kariya-npo-net")
        self.assertEqual(src["url"], self.origin.url("/npo.xml"))
        self.assertEqual(src["kind"], "civic")
        self.assertEqual(src["origin"], "config")
        # A new source is polled: right away, or when asked.
        try:
            self.origin.wait_requests("/npo.xml", n + 1, timeout=5)
        except AssertionError:
            d.fetch("kariya-npo-net")
            self.origin.wait_requests("/npo.xml", n + 1, timeout=10)
        d.wait_for(lambda: (lambda s: s["postings"] == len(NPO_ITEMS))(
            d.source("kariya-npo-net")), 10, "postings of the new source")
        urls = {it["url"]: it for it in d.items()}
        self.assertEqual(urls[NPO_ITEMS[0]["link"]]["_tsunagu"]["kind"], "civic")
        self.assertEqual(len(urls), len(KARIYA_ITEMS) + len(NPO_ITEMS))
        self.assertTrue(d.alive())
        self.assertEqual(d.stop(), 0)

    def test_reload_renews_cached_feeds(self):
        """A feed URL answered from the cache before a reload is made
        again with the new configuration after it (feed_fast.c's aliases
        belong to the configuration that made them)."""
        def conf(limit):
            return (harness.daemon_section(feed_limit=str(limit))
                    + harness.source_section(
                        "kariya-city", self.origin.url("/city.xml"),
                        kind="city", interval=3600))
        d = self.new_daemon(conf(2))
        self.poll(d, "kariya-city", len(KARIYA_ITEMS))
        for state in ("miss", "hit", "hit"):
            status, headers, body = d.get("/feeds/all.json")
            self.assertEqual(status, 200)
            self.assertEqual(headers["X-Tsunagu-Cache"], state)
            self.assertEqual(len(json.loads(body)["items"]), 2)
        d.write_config(conf(1))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log_since(mark),
                   10, "the reload in the log")
        status, headers, body = d.get("/feeds/all.json")
        self.assertEqual(status, 200)
        self.assertEqual(len(json.loads(body)["items"]), 1)
        self.assertEqual(d.stop(), 0)

    def test_long_url_and_inline_comments(self):
        path = "/" + "kariya/" * 428 + "rss.xml"
        self.assertGreater(len(self.origin.url(path)), 3000)
        self.origin.set_feed(path, rss(KARIYA_ITEMS, "刈谷市"))
        conf = (harness.daemon_section()
                + "; comment\n# comment\n"
                + harness.section("source long", {
                    "url": self.origin.url(path),
                    "kind": "shakyo   ; the social welfare council",
                    "interval": "3600 ; an hour",
                }))
        d = self.new_daemon(conf)
        src = d.source("long")
        self.assertEqual(src["url"], self.origin.url(path))
        self.assertEqual(src["kind"], "shakyo")
        self.assertEqual(src["interval"], 3600)
        self.poll(d, "long", len(KARIYA_ITEMS))
        self.assertTrue(self.origin.requests(path))

    def test_sigterm_exits_0(self):
        d = self.new_daemon(self.base_conf)
        self.poll(d, "kariya-city", len(KARIYA_ITEMS))
        d.signal(signal.SIGTERM)
        try:
            rc = d.proc.wait(harness.STOP_TIMEOUT)
        finally:
            d.kill()
        self.assertEqual(rc, 0, d.log_tail())

    def test_api_needs_the_token(self):
        d = self.new_daemon(self.base_conf)
        for what, headers in (
                ("no token", {}),
                ("wrong token", d.auth("f" * 64)),
                ("token with a suffix", d.auth(d.token + "x")),
                ("token prefix", d.auth(d.token[:-1])),
                ("empty bearer", {"Authorization": "Bearer "}),
                ("basic", {"Authorization": "Basic YWRtaW46" + d.token})):
            with self.subTest(what=what):
                status, h, body = d.request("GET", "/api/v1/sources", headers)
                self.assertEqual(status, 401, body)
                self.assertTrue(h.get("WWW-Authenticate", "")
                                .startswith("Bearer"), h.get("WWW-Authenticate"))
                self.assertIn("json", h.get("Content-Type", ""))
                self.assertIn("error", json.loads(body))
                status, _, _ = d.request("POST",
                                         "/api/v1/sources/kariya-city/fetch",
                                         headers)
                self.assertEqual(status, 401)
        status, doc = d.api("/sources")
        self.assertEqual(status, 200)
        self.assertEqual([s["name"] for s in doc["sources"]], ["kariya-city"])
        # Public routes need none.
        for path in ("/healthz", "/metrics", "/feeds/all.atom",
                     "/feeds/all.json"):
            status, _, _ = d.get(path)
            self.assertEqual(status, 200, path)


if __name__ == "__main__":
    harness.main()
