"""Round trip between instances: postings that daemon A publishes as Atom
(the urn:tsunagu:posting:1 extension) and daemon B reads as a federation
source come back with identical _tsunagu fields.  Only what is B's own
differs: its posting id, its revision count and its sources list (the
federation hop); origin still names A.
"""

import json

import feeds_common as fc
import harness

RICH = {
    "title": "子ども食堂の調理補助", "link": fc.link(301),
    "start": "2036-08-22T10:00:00+09:00", "end": "2036-08-22T13:30:00+09:00",
    "deadline": "2036-08-15T17:00:00+09:00", "area": "232106",
    "place": "刈谷市社会福祉会館", "address": "愛知県刈谷市若松町3-1",
    "lat": 34.989123, "lon": 137.002345, "capacity": 12, "fee": "無料",
    "organizer": "刈谷市社会福祉協議会",
    "contact": {"name": "ボランティア係", "phone": "0566-00-0000",
                "email": "volunteer@example.jp"},
    "categories": ["welfare", "children"],
    "summary": "調理と配膳のお手伝いです。",
    "content": "<p>エプロンと三角巾をお持ちください。</p>",
}

# B's own: everything else must be the same.
OWN = {"id", "revision", "sources"}


class RoundTripTest(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = o = harness.Origin()
        cls.addClassCleanup(o.stop)
        entries = fc.ALL + [RICH]
        o.set_feed("/a.xml", fc.ext_atom(entries))
        # No hub at A: B would subscribe to it (WebSub), which is not
        # what this test is about.
        cls.a = a = harness.Daemon(
            harness.daemon_section(instance="kariya-a", hub="off")
            + harness.source_section("src", o.url("/a.xml")))
        cls.addClassCleanup(a.cleanup)
        a.start()
        a.fetch_and_wait("src", timeout=60)
        cls.a_items = a.wait_for(
            lambda: (lambda it: it if len(it) == len(entries) else None)(
                a.items("?limit=1000")), 20, "A's postings")
        cls.b = b = harness.Daemon(
            harness.daemon_section(instance="chiryu-b", hub="off")
            + harness.source_section(
                "kariya", a.base + "/feeds/all.atom?limit=1000",
                kind="federation", format="atom"))
        cls.addClassCleanup(b.cleanup)
        cls.shared_daemons = (a, b)
        b.start()
        b.fetch_and_wait("kariya", timeout=60)
        cls.b_items = b.wait_for(
            lambda: (lambda it: it if len(it) == len(entries) else None)(
                b.items("?limit=1000")), 20, "B's postings")

    def test_tsunagu_fields_survive(self):
        a_by_url = {it["url"]: it for it in self.a_items}
        b_by_url = {it["url"]: it for it in self.b_items}
        self.assertEqual(set(a_by_url), set(b_by_url))
        for url, ai in a_by_url.items():
            with self.subTest(url=url):
                bi = b_by_url[url]
                at, bt = ai["_tsunagu"], bi["_tsunagu"]
                self.assertEqual({k: v for k, v in bt.items()
                                  if k not in OWN},
                                 {k: v for k, v in at.items()
                                  if k not in OWN})
                self.assertEqual(bt["origin"], {"instance": "kariya-a",
                                                "id": at["id"],
                                                "revision": at["revision"]})
                self.assertNotEqual(bt["id"], at["id"])
                self.assertEqual([s["kind"] for s in bt["sources"]],
                                 ["federation"])
                for key in ("title", "url", "content_html", "summary",
                            "date_published", "tags"):
                    self.assertEqual(bi.get(key), ai.get(key), key)

    def test_rich_posting_in_full(self):
        t = {it["url"]: it for it in self.b_items}[fc.link(301)]["_tsunagu"]
        self.assertEqual(t["contact"], RICH["contact"])
        self.assertEqual(t["organizer"]["name"], RICH["organizer"])
        self.assertEqual((t["lat"], t["lon"]), (RICH["lat"], RICH["lon"]))
        self.assertEqual(t["capacity"], 12)
        self.assertEqual(t["deadline"], RICH["deadline"])
        self.assertEqual(t["kind"], "city")

    def test_no_hub_no_hub_link(self):
        status, h, body = self.a.get("/feeds/all.atom")
        self.assertEqual(status, 200)
        self.assertEqual(h["Link"], '<%s/feeds/all.atom>; rel="self"'
                         % self.a.base)
        self.assertNotIn(b'rel="hub"', body)
        doc = json.loads(self.a.get("/feeds/all.json")[2])
        self.assertNotIn("hubs", doc)

    def test_statuses_travel(self):
        statuses = sorted(it["_tsunagu"]["status"] for it in self.b_items)
        self.assertEqual(statuses, sorted(it["_tsunagu"]["status"]
                                          for it in self.a_items))
        self.assertIn("withdrawn", statuses)
        self.assertIn("cancelled", statuses)


if __name__ == "__main__":
    harness.main()
