"""Federation: three tsunagud instances on loopback, each with a local
source, connected by `kind = federation` sources in a ring (A→B→C→A: B
reads A, C reads B, A reads C) and in a full mesh.  Every posting appears
exactly once on every instance with its origin intact; an update and a
withdrawal at the origin reach all of them; nothing loops (the postings
and their revisions stay put over many poll rounds); restarting one
instance changes nothing; an event that a local source also carries is
merged with the federated posting, not published twice.

The federation sources read `?limit=2`, so every poll pages through RFC
5005 `next` links.  Hubs are off: polls are driven by the test, round by
round (tests/e2e/test_websub_subscriber.py covers push between instances).
"""

import datetime

import feeds_common as fc
import harness
from harness import JST

ROUNDS_TO_SETTLE = 8
ROUNDS_STILL = 4

# Each instance's own events: distinct titles, days and places.
EVENTS = {
    "kariya": [("公園清掃ボランティア", 3, "刈谷市総合運動公園", "23210"),
               ("高齢者施設の話し相手", 5, "刈谷市特別養護老人ホーム", "23210"),
               ("防災訓練の受付", 9, "刈谷市役所", "23210")],
    "anjo": [("子ども食堂の配膳", 4, "安城市民交流センター", "23212"),
             ("河川敷の草刈り", 6, "安城市明治川公園", "23212"),
             ("点字図書の整理", 11, "安城市中央図書館", "23212")],
    "chiryu": [("図書館の読み聞かせ", 7, "知立市図書館", "23225"),
               ("祭りの交通整理", 8, "知立神社", "23225"),
               ("手話講座の補助", 12, "知立市福祉体育館", "23225")],
}
NAMES = ("kariya", "anjo", "chiryu")


def entries(name, titles=None):
    out = []
    for i, (title, day, place, area) in enumerate(EVENTS[name]):
        n = NAMES.index(name) * 100 + i
        start = datetime.datetime(2036, 9, day, 10, 0, tzinfo=JST)
        out.append({
            "id": "urn:e2e:%s:%d" % (name, i),
            "title": (titles or {}).get(i, title),
            "link": "https://%s.example.jp/volunteer/%d" % (name, n),
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=2)).isoformat(),
            "area": area, "place": place,
            "categories": ["environment"],
            "summary": "%sの募集です。" % title,
        })
    return out


def state(d):
    """What an instance publishes: origin → (revision, status, title),
    and the number of postings."""
    items = d.items("?limit=1000")
    by_origin = {}
    for it in items:
        t = it["_tsunagu"]
        o = (t["origin"]["instance"], t["origin"]["id"])
        by_origin.setdefault(o, []).append((t["id"], t["revision"],
                                            t["status"], it["title"]))
    return len(items), by_origin


class Federation(harness.TestCase):
    """A topology: READS[x] lists the instances x reads."""

    READS = {}

    @classmethod
    def setUpClass(cls):
        cls.origin = o = harness.Origin()
        cls.addClassCleanup(o.stop)
        cls.d = {}
        for name in NAMES:
            o.set_feed("/%s.xml" % name, fc.ext_atom(entries(name)))
            d = harness.Daemon(cls.config(name, "127.0.0.1:0",
                                          federate=False))
            cls.addClassCleanup(d.cleanup)
            d.start()
            cls.d[name] = d
        cls.shared_daemons = tuple(cls.d.values())
        cls.ids = {}
        for name, d in cls.d.items():
            d.fetch_and_wait("local", timeout=60)
            cls.ids[name] = {it["_tsunagu"]["id"] for it in d.items()}
        # Now that every port is known: the federation sources, each
        # instance at the address it bound.
        for name, d in cls.d.items():
            d.stop()
            d.write_config(cls.config(name, "127.0.0.1:%d" % d.port))
            d.start()
        cls.settle()

    @classmethod
    def config(cls, name, listen, federate=True):
        text = harness.daemon_section(instance=name, listen=listen,
                                      hub="off")
        text += harness.source_section(
            "local", cls.origin.url("/%s.xml" % name), kind="city",
            format="atom")
        for other in cls.READS[name] if federate else ():
            d = cls.d[other]
            text += harness.source_section(
                "fed-" + other, "%s/feeds/all.atom?limit=2" % d.base,
                kind="federation", format="atom")
        return text

    @classmethod
    def round(cls):
        for name in NAMES:
            d = cls.d[name]
            for other in cls.READS[name]:
                s = d.fetch_and_wait("fed-" + other, timeout=60)
                if s.get("error"):
                    raise AssertionError("%s: fed-%s failed: %s"
                                         % (name, other, s["error"]))

    @classmethod
    def snapshot(cls):
        return {name: state(d) for name, d in cls.d.items()}

    @classmethod
    def settle(cls):
        """Poll rounds until two in a row change nothing."""
        last = cls.snapshot()
        for _ in range(ROUNDS_TO_SETTLE):
            cls.round()
            now = cls.snapshot()
            if now == last:
                return now
            last = now
        raise AssertionError("still changing after %d rounds: %r"
                             % (ROUNDS_TO_SETTLE, last))

    def assert_everywhere_once(self, snap):
        for name, (count, by_origin) in snap.items():
            with self.subTest(instance=name):
                self.assertEqual(count, 9, by_origin)
                self.assertEqual(len(by_origin), 9, by_origin)
                for origin, copies in by_origin.items():
                    self.assertEqual(len(copies), 1, (origin, copies))
                    self.assertIn(origin[0], NAMES)
                    self.assertIn(origin[1], self.ids[origin[0]], origin)
                    if origin[0] == name:
                        # A posting of its own keeps its id.
                        self.assertEqual(copies[0][0], origin[1])

    def test_1_every_posting_once_everywhere(self):
        snap = self.snapshot()
        self.assert_everywhere_once(snap)
        # Each instance's own postings are what it published first.
        for name, d in self.d.items():
            own = {o[1] for o in snap[name][1] if o[0] == name}
            self.assertEqual(own, self.ids[name])
        # The federation hop shows in sources; kind stays the origin's.
        for it in self.d["anjo"].items("?limit=1000"):
            t = it["_tsunagu"]
            if t["origin"]["instance"] == "kariya":
                self.assertEqual(t["kind"], "city")
                self.assertTrue(any(s["kind"] == "federation"
                                    for s in t["sources"]), t["sources"])

    def test_2_nothing_loops(self):
        before = self.snapshot()
        for _ in range(ROUNDS_STILL):
            self.round()
        self.assertEqual(self.snapshot(), before)

    def test_3_update_at_origin_reaches_all(self):
        cls = type(self)
        cls.origin.set_feed("/kariya.xml", fc.ext_atom(entries(
            "kariya", {0: "公園清掃ボランティア(雨天決行)"})))
        self.d["kariya"].fetch_and_wait("local", timeout=60)
        snap = cls.settle()
        self.assert_everywhere_once(snap)
        for name, (_, by_origin) in snap.items():
            titles = [c[0][3] for o, c in by_origin.items()
                      if o[0] == "kariya"]
            with self.subTest(instance=name):
                self.assertIn("公園清掃ボランティア(雨天決行)", titles)
                self.assertNotIn("公園清掃ボランティア", titles)

    def test_4_withdrawal_at_origin_reaches_all(self):
        cls = type(self)
        a = self.d["anjo"]
        target = next(it["_tsunagu"]["id"] for it in a.items("?limit=1000")
                      if it["title"] == "河川敷の草刈り")
        status, doc = a.api("/postings/%s/withdraw" % target, method="POST")
        self.assertEqual(status, 200, doc)
        snap = cls.settle()
        self.assert_everywhere_once(snap)
        for name, (_, by_origin) in snap.items():
            with self.subTest(instance=name):
                self.assertEqual(by_origin[("anjo", target)][0][2],
                                 "withdrawn")
        self.test_2_nothing_loops()

    def test_5_restart_changes_nothing(self):
        cls = type(self)
        before = self.snapshot()
        self.d["chiryu"].restart()
        for _ in range(ROUNDS_STILL):
            cls.round()
        self.assertEqual(self.snapshot(), before)

    def test_6_local_copy_merges_with_federated(self):
        """Anjo's city lists Kariya's cleanup too, with its own link."""
        cls = type(self)
        kariya = entries("kariya")[1]
        copy = dict(kariya, id="urn:e2e:anjo-copy",
                    link="https://anjo.example.jp/shared/kariya-1",
                    summary="刈谷市からの募集を掲載しています。")
        cls.origin.set_feed("/anjo.xml", fc.ext_atom(entries("anjo") +
                                                     [copy]))
        self.d["anjo"].fetch_and_wait("local", timeout=60)
        snap = cls.settle()
        self.assert_everywhere_once(snap)
        items = self.d["anjo"].items("?limit=1000")
        same = [it for it in items if it["title"] == kariya["title"]]
        self.assertEqual(len(same), 1, same)
        # The hop from each neighbour that carries it, and the city.
        kinds = sorted(s["kind"] for s in same[0]["_tsunagu"]["sources"])
        self.assertEqual(kinds, ["city"] + ["federation"]
                         * len(self.READS["anjo"]), same)
        self.test_2_nothing_loops()


class Ring(Federation):
    READS = {"kariya": ["chiryu"], "anjo": ["kariya"], "chiryu": ["anjo"]}


class Mesh(Federation):
    READS = {"kariya": ["anjo", "chiryu"], "anjo": ["kariya", "chiryu"],
             "chiryu": ["kariya", "anjo"]}


del Federation

if __name__ == "__main__":
    harness.main()
