"""Sources that fail, each in its own way, beside one healthy source in the
same daemon.

Each failing source must end up failed with a reason code in
/api/v1/sources, in /metrics and in the log, without disturbing the healthy
one; once its origin is fixed it recovers.  A failed poll is retried with
exponential backoff.
"""

import datetime
import random

import harness
from harness import JST, rss

FAILING_INTERVAL = 300   # failing sources poll only when a test asks
MAX_BACKOFF = 6 * 3600

# Distinct Japanese titles, so that no two sources' postings look alike
# (cross-source deduplication must not merge them).
TITLES = [
    "高齢者施設での話し相手ボランティア", "子ども食堂の調理補助",
    "逢妻川の河川清掃", "図書館の読み聞かせ",
    "外国人向け防災講座の通訳", "手話サークル体験会の受付",
    "フードバンクの仕分け作業", "車いす体験学習のサポート",
    "公園花壇の植え替え", "献血会の受付と案内",
    "多文化共生フェスタの会場設営", "傾聴ボランティア養成講座",
    "防災マップづくりの記録係", "高齢者サロンのお茶出し",
    "夏祭りの交通整理", "障がい者スポーツ大会の運営補助",
    "放課後学習教室の見守り", "古着リユース市の販売補助",
    "災害用備蓄品の点検", "地域猫の見守り活動",
    "竹林の整備活動", "盲導犬ふれあい教室の補助",
    "点訳ボランティア入門", "病院の案内ボランティア",
    "学習支援教室の算数サポート", "里山の間伐体験",
    "在宅高齢者への配食", "こども園の行事補助",
]
PLACES = ["刈谷市総合文化センター", "刈谷市社会福祉会館", "亀城公園",
          "刈谷市総合運動公園", "刈谷市中央図書館"]

_next_title = iter(range(len(TITLES)))


def items_for(name, n=2):
    """n distinct RSS items for source `name`."""
    out = []
    for _ in range(n):
        i = next(_next_title)
        out.append({
            "title": TITLES[i],
            "link": "https://%s.example.jp/volunteer/%d" % (name, i),
            "pub": datetime.datetime(2026, 6, 1 + i, 9, 0, tzinfo=JST),
            "categories": ["福祉"],
            "description": "<p>%s</p><p>日時: 2026年%d月%d日 10:00から12:00"
                           "</p><p>会場: %s</p>"
                           % (TITLES[i], 7 + i % 5, 1 + i, PLACES[i % 5]),
        })
    return out


def feed_for(name, n=2):
    items = items_for(name, n)
    return items, rss(items, "%s のボランティア募集" % name)


class FailuresTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = o = harness.Origin()
        cls.addClassCleanup(o.stop)
        try:
            cls.other = harness.Origin("127.0.0.2")
            cls.addClassCleanup(cls.other.stop)
        except OSError:
            cls.other = None

        cls.healthy_items, body = feed_for("healthy", 3)
        o.set_feed("/healthy.xml", body)
        for path in ("/status.xml", "/backoff.xml"):
            o.set(path, 500, "<h1>Internal Server Error</h1>",
                  content_type="text/html")
        o.set("/garbage.xml", 200, random.Random(1234).randbytes(8192),
              content_type="application/rss+xml")
        whole = rss([{"title": "途中で切れるフィード その%d" % i,
                       "link": "https://cut.example.jp/%d" % i,
                       "description": "説明文" * 200} for i in range(5)])
        o.set("/truncated.xml", 200, whole, truncate=len(whole) * 3 // 5,
              content_type="application/rss+xml; charset=utf-8")
        big = rss([{"title": "長すぎる募集", "link": "https://big.example.jp/1",
                    "description": "ボランティア" * 12000}])   # ~216 kB
        assert len(big) > 200_000
        o.set_feed("/big.xml", big)
        # 4 MB when decoded, a few kB on the wire when the daemon asks for
        # gzip (and 4 MB on the wire when it does not).
        bomb = rss([{"title": "展開すると巨大", "link": "https://bomb.example.jp/1"}]).replace(
            b"<channel>", b"<channel><!--" + b" " * 4_000_000 + b"-->", 1)
        o.set_feed("/bomb.xml", bomb, gzip=True)
        o.set("/loop.xml", 302, b"", headers={"Location": o.url("/loop.xml")})
        o.set("/slow.xml", 200, b"", hang=True)

        sources = {
            # name: (url, expected error_code, extra keys)
            "src-status": (o.url("/status.xml"), "http_500", {}),
            "src-backoff": (o.url("/backoff.xml"), "http_500", {}),
            "src-garbage": (o.url("/garbage.xml"), "parse", {"format": "rss"}),
            "src-truncated": (o.url("/truncated.xml"), "transfer", {}),
            "src-oversized": (o.url("/big.xml"), "too_large", {}),
            "src-bomb": (o.url("/bomb.xml"), "too_large", {}),
            "src-loop": (o.url("/loop.xml"), "redirects", {}),
            "src-slow": (o.url("/slow.xml"), "timeout", {}),
        }
        if cls.other is not None:
            cls.other.set_feed("/refused.xml", rss([
                {"title": "届いてはいけない募集",
                 "link": "https://refused.example.jp/1"}]))
            sources["src-forbidden"] = (cls.other.url("/refused.xml"),
                                        "refused", {})
        cls.expected = {n: v[1] for n, v in sources.items()}

        conf = harness.daemon_section(
            allow_networks="127.0.0.1/32",   # 127.0.0.2 is not allowed
            max_body="64k", connect_timeout="2", fetch_timeout="2",
            max_redirects="3", max_fetches="16")
        conf += harness.source_section("healthy", o.url("/healthy.xml"),
                                       kind="civic", interval=1)
        for name, (url, _, extra) in sources.items():
            conf += harness.source_section(name, url, kind="city",
                                           interval=FAILING_INTERVAL, **extra)
        cls.daemon = d = harness.Daemon(conf)
        cls.addClassCleanup(d.cleanup)
        cls.shared_daemons = (d,)
        try:
            d.start()
        except BaseException:
            harness.dump_log(d)
            raise

    # -- helpers ----------------------------------------------------------

    def fail_once(self, name):
        """Poll `name` now and wait until it is marked failed with its
        expected reason; returns its state."""
        d, code = self.daemon, self.expected[name]
        d.fetch_and_wait(name, timeout=20)
        return d.wait_for(
            lambda: (lambda s: s if s["error"] and s["error_code"] == code
                     else None)(d.source(name)),
            10, "source %s failed with error_code %s" % (name, code))

    def assert_failed(self, name):
        d, code = self.daemon, self.expected[name]
        s = self.fail_once(name)
        self.assertIsInstance(s["error"], str)
        self.assertTrue(s["error"])
        self.assertGreaterEqual(s["failures"], 1)
        self.assertGreaterEqual(s["errors"], 1)
        self.assertIsNone(s["last_success"])
        self.assertEqual(s["postings"], 0)
        self.assertIsNotNone(harness.parse_time(s["last_attempt"]))
        self.assertGreater(harness.parse_time(s["next_poll"]),
                           harness.parse_time(s["last_attempt"]))

        m = d.metrics()
        self.assertEqual(m.get("tsunagu_source_failing", source=name,
                               reason=code), 1, m.find("tsunagu_source_failing",
                                                       source=name))
        self.assertEqual(len(m.find("tsunagu_source_failing", source=name)), 1)
        self.assertGreaterEqual(m.get("tsunagu_source_errors_total",
                                      source=name), 1)
        self.assertEqual(m.get("tsunagu_source_up", source=name), 0)

        words = (code, s["error"], "fail", "error")
        lines = [ln for ln in d.log().splitlines() if name in ln
                 and any(w.lower() in ln.lower() for w in words)]
        self.assertTrue(lines, "no log line names source %s with its failure "
                        "(%s / %s)" % (name, code, s["error"]))
        self.assertFalse([it for it in d.items()
                          if it["_tsunagu"]["sources"][0]["source"] == name])
        return s

    def assert_recovers(self, name, path, origin=None):
        """Fix the origin of `name`, poll, and check it is healthy again."""
        d, origin = self.daemon, origin or self.origin
        items, body = feed_for(name)
        origin.set_feed(path, body)
        d.fetch_and_wait(name, timeout=20)
        s = d.wait_for(
            lambda: (lambda s: s if s["error"] is None else None)(d.source(name)),
            10, "source %s to recover" % name)
        self.assertIsNone(s["error_code"])
        self.assertEqual(s["failures"], 0)
        self.assertEqual(s["http_status"], 200)
        self.assertIsNotNone(s["last_success"])
        self.assertEqual(s["postings"], len(items))
        m = d.metrics()
        self.assertEqual(m.get("tsunagu_source_up", source=name), 1)
        self.assertEqual(m.find("tsunagu_source_failing", source=name), [])
        mine = {it["url"]: it for it in d.items()
                if it["_tsunagu"]["sources"][0]["source"] == name}
        self.assertEqual(set(mine), {it["link"] for it in items})
        for it in items:
            self.assertEqual(mine[it["link"]]["title"], it["title"])

    # -- each failure -----------------------------------------------------

    def test_http_500(self):
        name = "src-status"
        s = self.assert_failed(name)
        self.assertEqual(s["http_status"], 500)
        self.assertTrue([ln for ln in self.daemon.log().splitlines()
                         if name in ln and "500" in ln],
                        "no log line names %s and 500" % name)
        self.assert_recovers(name, "/status.xml")

    def test_garbage(self):
        self.assert_failed("src-garbage")
        self.assert_recovers("src-garbage", "/garbage.xml")

    def test_truncated(self):
        self.assert_failed("src-truncated")
        self.assert_recovers("src-truncated", "/truncated.xml")

    def test_oversized(self):
        self.assert_failed("src-oversized")
        self.assert_recovers("src-oversized", "/big.xml")

    def test_gzip_bomb(self):
        self.assert_failed("src-bomb")
        self.assert_recovers("src-bomb", "/bomb.xml")

    def test_redirect_loop(self):
        self.assert_failed("src-loop")
        hops = self.origin.requests("/loop.xml")
        # max_redirects = 3: the first request and at most 3 hops per poll
        # (some polls may have happened before this test).
        self.assertGreaterEqual(len(hops), 2)
        self.assert_recovers("src-loop", "/loop.xml")

    def test_timeout(self):
        self.assert_failed("src-slow")
        self.assert_recovers("src-slow", "/slow.xml")

    def test_refused_network(self):
        if self.other is None:
            self.skipTest("cannot bind 127.0.0.2")
        self.assert_failed("src-forbidden")
        self.assertEqual(self.other.requests(), [],
                         "the daemon reached an address outside allow_networks")

    # -- backoff ----------------------------------------------------------

    def test_backoff_grows(self):
        d, name = self.daemon, "src-backoff"
        s1 = self.fail_once(name)
        s2 = self.fail_once(name)
        self.assertGreater(s2["failures"], s1["failures"])

        def gap(s):
            return (harness.parse_time(s["next_poll"])
                    - harness.parse_time(s["last_attempt"])).total_seconds()

        def expected(s):
            return min(FAILING_INTERVAL * 2 ** s["failures"],
                       max(FAILING_INTERVAL, MAX_BACKOFF))
        self.assertGreater(gap(s2), gap(s1), (s1, s2))
        self.assertGreaterEqual(gap(s1), FAILING_INTERVAL)
        for s in (s1, s2):
            self.assertAlmostEqual(gap(s), expected(s), delta=2,
                                   msg="next_poll - last_attempt after %d "
                                       "failure(s): %r" % (s["failures"], s))
        m = d.metrics()
        self.assertGreaterEqual(m.get("tsunagu_source_errors_total",
                                      source=name), 2)
        self.assertEqual(m.get("tsunagu_source_failing", source=name,
                               reason="http_500"), 1)

    # -- the healthy neighbour -------------------------------------------

    def test_healthy_source_keeps_flowing(self):
        d, o = self.daemon, self.origin

        def healthy_items():
            return {it["url"]: it for it in d.items()
                    if it["_tsunagu"]["sources"][0]["source"] == "healthy"}
        links = {it["link"] for it in self.healthy_items}
        got = d.wait_for(lambda: (lambda h: h if set(h) == links else None)(
            healthy_items()), 15, "the healthy source's postings")
        first = self.healthy_items[0]
        old_id = got[first["link"]]["id"]
        # Unchanged polls are conditional: answered 304 at the origin.
        d.wait_for(lambda: 304 in [r.status for r in o.requests("/healthy.xml")],
                   10, "a 304 for /healthy.xml at the origin (interval = 1)")

        # Make the others fail meanwhile.
        for name in self.expected:
            d.fetch(name)

        # Change a title and add an item; interval = 1 s picks it up
        # without being asked.
        items = [dict(it) for it in self.healthy_items]
        items[0]["title"] = first["title"] + " 追加募集"
        items += items_for("healthy", 1)
        o.set_feed("/healthy.xml", rss(items, "healthy のボランティア募集"))

        def updated():
            h = healthy_items()
            if len(h) == len(items) and \
                    h[first["link"]]["title"] == items[0]["title"]:
                return h
            return None
        got = d.wait_for(updated, 15, "the healthy source's update")
        self.assertEqual(got[first["link"]]["id"], old_id)
        self.assertEqual(got[first["link"]]["_tsunagu"]["revision"], 2)
        s = d.source("healthy")
        self.assertIsNone(s["error"])
        self.assertEqual(s["failures"], 0)
        self.assertEqual(s["postings"], len(items))
        m = d.metrics()
        self.assertEqual(m.get("tsunagu_source_up", source="healthy"), 1)
        self.assertEqual(m.get("tsunagu_source_errors_total",
                               source="healthy"), 0)
        self.assertEqual(m.find("tsunagu_source_failing", source="healthy"), [])


if __name__ == "__main__":
    harness.main()
