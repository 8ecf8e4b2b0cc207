"""Postings through the admin API: group submissions (checked field by
field, stored as pending, never in a feed until approved), the list with
the feed filters, show with where a posting comes from, coordinators'
edits (an edit wins until the source changes that field), withdrawal.
"""

import json

import apikit
import harness
from apikit import CITY_ITEMS, CITY_PATH, SUBMISSION, call, ok, submit
from harness import rss


class Submissions(harness.TestCase):

    def setUp(self):
        self.origin, self.d = apikit.start(self)
        self.group, _ = apikit.make_token(self.d, "group", "kariya-npo")

    def stored(self):
        """Every posting the store holds, in every state."""
        return ok(self.d, "GET", "/postings?limit=1000")["postings"]

    def test_each_bad_field_is_a_400_naming_it(self):
        before = self.stored()
        feed = apikit.posting_ids_in_feed(self.d)
        for name, change, field in (
                ("missing title", {"title": None}, "title"),
                ("end before start",
                 {"end": "2026-09-12T08:00:00+09:00"}, "end"),
                ("deadline after the start",
                 {"deadline": "2026-09-13T17:00:00+09:00"}, "deadline"),
                ("a bad area code", {"area": "232107"}, "area"),
                ("an oversized body",
                 {"content_html": "<p>" + "あ" * 12000 + "</p>"},
                 "content_html"),
                ("a title that is a number", {"title": 7}, "title"),
                ("a field the server sets", {"revision": 3}, "revision")):
            body = dict(SUBMISSION)
            for k, v in change.items():
                if v is None:
                    body.pop(k)
                else:
                    body[k] = v
            with self.subTest(name):
                status, doc, _ = call(self.d, "POST", "/postings",
                                      token=self.group, body=body)
                self.assertEqual(status, 400, doc)
                self.assertEqual(doc["field"], field)
                self.assertTrue(doc["error"].startswith(field + ":"),
                                doc["error"])
        # Not JSON, not an object, larger than a request may be.
        for body, status in ((b"{\"title\": ", 400), (b"[1, 2]", 400),
                             (b"", 400),
                             (json.dumps({"title": "x" * 300000}).encode(),
                              413)):
            with self.subTest(body=body[:20]):
                got, doc, _ = call(self.d, "POST", "/postings",
                                   token=self.group, body=body)
                self.assertEqual(got, status, doc)
                self.assertIsInstance(doc["error"], str)
        # Nothing was stored.
        self.assertEqual(self.stored(), before)
        self.assertEqual(apikit.posting_ids_in_feed(self.d), feed)

    def test_pending_until_approved(self):
        d = self.d
        status, doc, hdrs = call(d, "POST", "/postings", token=self.group,
                                 body=SUBMISSION)
        self.assertEqual(status, 201, doc)
        pid = doc["id"]
        self.assertEqual(hdrs["Location"], "/api/v1/postings/" + pid)
        self.assertEqual(doc["moderation"], "pending")
        self.assertEqual(doc["submitted_by"], "kariya-npo")
        self.assertEqual(doc["kind"], "civic")
        self.assertEqual(doc["organizer"]["name"], "kariya-npo")
        self.assertEqual(doc["revision"], 1)
        self.assertEqual(doc["title"], SUBMISSION["title"])
        self.assertEqual(doc["origin"], {"instance": "e2e", "id": pid})

        # Never in a feed while pending.
        self.assertNotIn(pid, apikit.posting_ids_in_feed(d))
        for fmt in ("atom", "json"):
            status, _, body = d.get("/feeds/all." + fmt)
            self.assertEqual(status, 200)
            self.assertNotIn(SUBMISSION["title"], body.decode("utf-8"))
        pending = ok(d, "GET", "/postings?moderation=pending")["postings"]
        self.assertEqual([p["id"] for p in pending], [pid])

        # A group may not approve its own; a coordinator (of any
        # organization) may, and so may an admin (test_moderation.py).
        self.assertEqual(call(d, "POST", "/postings/%s/approve" % pid,
                              token=self.group)[0], 403)
        coordinator, _ = apikit.make_token(d, "coordinator", "kariya-shakyo")
        approved = ok(d, "POST", "/postings/%s/approve" % pid,
                      token=coordinator)
        self.assertEqual(approved["moderation"], "published")
        self.assertEqual(approved["revision"], 2)
        self.assertIn(pid, apikit.posting_ids_in_feed(d))
        self.assertEqual(call(d, "POST", "/postings/%s/approve" % pid)[0],
                         409)
        self.assertEqual(call(d, "POST", "/postings/pnope/approve")[0], 404)
        shown = ok(d, "GET", "/postings/" + pid)
        self.assertEqual(shown["moderation"], "published")
        self.assertIn("submitted through the API by kariya-npo",
                      shown["merge"]["explanation"][0])

    def test_submitted_html_is_sanitized(self):
        pid = submit(self.d, self.group, content_html=(
            "<p onclick=\"x()\">軍手<script>alert(1)</script>"
            "<a href=\"javascript:alert(2)\">持参</a></p>"))
        html = ok(self.d, "GET", "/postings/" + pid)["content_html"]
        self.assertIn("軍手", html)
        for bad in ("script", "onclick", "javascript:"):
            self.assertNotIn(bad, html)

    def test_list_filters_and_paging(self):
        d = self.d
        pid = submit(d, self.group)
        everything = ok(d, "GET", "/postings?limit=1000")["postings"]
        self.assertEqual(len(everything), len(CITY_ITEMS) + 1)
        # The feed filters search the published postings.
        city = ok(d, "GET", "/postings?kind=city")["postings"]
        self.assertEqual(len(city), len(CITY_ITEMS))
        self.assertTrue(all(p["moderation"] == "published" for p in city))
        found = ok(d, "GET", "/postings?q=" + apikit.quote("日本語教室"))
        self.assertEqual([p["title"] for p in found["postings"]],
                         ["日本語教室サポーター募集"])
        self.assertEqual(ok(d, "GET", "/postings?kind=civic")["postings"],
                         [])
        for query, field in (("kind=city&moderation=pending", "moderation"),
                             ("colour=red", "colour"),
                             ("kind=spaceship", "kind"),
                             ("limit=0", "limit"),
                             ("after=nonsense", "after"),
                             ("moderation=maybe", "moderation")):
            with self.subTest(query=query):
                status, doc, _ = call(d, "GET", "/postings?" + query)
                self.assertEqual(status, 400, doc)
                self.assertEqual(doc["field"], field)
        # Pages of one, following next.
        seen, path = [], "/postings?limit=1"
        for _ in range(10):
            doc = ok(d, "GET", path)
            seen += [p["id"] for p in doc["postings"]]
            if doc["next"] is None:
                break
            path = "/postings?limit=1&after=" + apikit.quote(doc["next"])
        self.assertEqual(seen, [p["id"] for p in everything])
        self.assertIn(pid, seen)


class Edits(harness.TestCase):

    def setUp(self):
        self.origin, self.d = apikit.start(self)
        self.coordinator, self.cid = apikit.make_token(
            self.d, "coordinator", "kariya-shakyo")
        self.pid = self.posting_of(CITY_ITEMS[0]["link"])["id"]

    def posting_of(self, link):
        for item in self.d.items():
            if item["url"] == link:
                return item["_tsunagu"]
        raise AssertionError("no posting for %s" % link)

    def edit(self, body, status=200):
        got, doc, _ = call(self.d, "PATCH", "/postings/" + self.pid,
                           token=self.coordinator, body=body)
        self.assertEqual(got, status, doc)
        return doc

    def refetch(self, items):
        self.origin.set_feed(CITY_PATH, rss(items))
        self.d.fetch_and_wait("city")

    def test_an_edit_wins_until_the_source_changes_that_field(self):
        d = self.d
        link = CITY_ITEMS[0]["link"]
        edited = self.edit({"title": "清掃活動（雨天順延）",
                            "place": "北駐車場"})
        self.assertEqual(edited["title"], "清掃活動（雨天順延）")
        self.assertEqual(edited["revision"], 2)
        self.assertEqual(self.posting_of(link)["title"], "清掃活動（雨天順延）")

        shown = ok(d, "GET", "/postings/" + self.pid)
        overrides = {o["field"]: o for o in shown["merge"]["overrides"]}
        self.assertEqual(sorted(overrides), ["place", "title"])
        self.assertEqual(overrides["title"]["value"], "清掃活動（雨天順延）")
        self.assertEqual(overrides["title"]["source_value"],
                         CITY_ITEMS[0]["title"])
        self.assertEqual(overrides["title"]["editor"],
                         "coordinator:kariya-shakyo:" + self.cid)
        self.assertIsNone(overrides["place"]["source_value"])
        entries = shown["merge"]["entries"]
        self.assertEqual([(e["source"], e["identity"]) for e in entries],
                         [("city", "guid")])
        self.assertTrue(any("title was edited by" in line
                            for line in shown["merge"]["explanation"]))

        # The source sends the same again: the edit stays.
        self.refetch(CITY_ITEMS)
        self.assertEqual(self.posting_of(link)["title"], "清掃活動（雨天順延）")
        # The source changes the title: the source wins; the place edit,
        # a field the source did not change, stays.
        changed = [dict(CITY_ITEMS[0], title="清掃活動 中止のお知らせ")] + \
            CITY_ITEMS[1:]
        self.refetch(changed)
        posting = self.posting_of(link)
        self.assertEqual(posting["title"], "清掃活動 中止のお知らせ")
        self.assertEqual(posting["place"], "北駐車場")
        shown = ok(d, "GET", "/postings/" + self.pid)
        self.assertEqual([o["field"] for o in shown["merge"]["overrides"]],
                         ["place"])

    def test_edit_survives_a_change_of_another_field(self):
        link = CITY_ITEMS[0]["link"]
        self.edit({"title": "清掃活動（雨天順延）"})
        changed = [dict(CITY_ITEMS[0], description="<p>軍手を持参</p>")] + \
            CITY_ITEMS[1:]
        self.refetch(changed)
        posting = self.posting_of(link)
        self.assertEqual(posting["title"], "清掃活動（雨天順延）")
        self.assertGreaterEqual(posting["revision"], 3)

    def test_bad_edits(self):
        before = ok(self.d, "GET", "/postings/" + self.pid)
        for body, field in (({"end": "2000-01-01T00:00:00+09:00",
                              "start": "2000-01-02T00:00:00+09:00"}, "end"),
                            ({"title": None}, "title"),
                            ({"area": "99999"}, "area"),
                            ({"id": "p1"}, "id"),
                            ({"sources": []}, "sources"),
                            ({}, "(body)")):
            with self.subTest(body=body):
                doc = self.edit(body, 400)
                self.assertEqual(doc["field"], field)
        after = ok(self.d, "GET", "/postings/" + self.pid)
        self.assertEqual(after["revision"], before["revision"])
        self.assertEqual(call(self.d, "PATCH", "/postings/pnope",
                              body={"title": "x"})[0], 404)

    def test_withdraw(self):
        link = CITY_ITEMS[1]["link"]
        pid = self.posting_of(link)["id"]
        doc = ok(self.d, "POST", "/postings/%s/withdraw" % pid,
                 token=self.coordinator)
        self.assertEqual(doc["status"], "withdrawn")
        # The tombstone travels in the feed.
        self.assertEqual(self.posting_of(link)["status"], "withdrawn")
        status, doc, _ = call(self.d, "POST", "/postings/%s/withdraw" % pid)
        self.assertEqual(status, 409, doc)
        # A group withdraws its own submission.
        group, _ = apikit.make_token(self.d, "group", "kariya-npo")
        mine = submit(self.d, group)
        self.assertEqual(ok(self.d, "POST", "/postings/%s/withdraw" % mine,
                            token=group)["status"], "withdrawn")


if __name__ == "__main__":
    harness.main()
