"""Sources through the admin API: create, show, update, delete, pause,
resume, fetch now, health; sources of the file are marked and read-only
here; a reload or a restart never loses the ones made through the API.
"""

import apikit
import harness
from apikit import CITY_PATH, call, ok
from harness import rss

NO_GUID_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>t</title><link>https://npo.example.jp/</link>
<description>t</description>
<item><title>花壇の手入れ</title><link>https://npo.example.jp/1</link></item>
<item><title>古着の仕分け</title><description>no link, no guid</description></item>
</channel></rss>
"""


class Sources(harness.TestCase):

    def test_crud(self):
        origin, d = apikit.start(self)
        origin.set_feed("/npo.xml", rss([
            {"title": "子ども食堂の配膳", "link": "https://npo.example.jp/7"}]))
        made = ok(d, "POST", "/sources", body={
            "name": "npo", "url": origin.url("/npo.xml"), "kind": "civic",
            "interval": 600})
        self.assertEqual(made["origin"], "api")
        self.assertEqual(made["interval"], 600)
        self.assertEqual(made["format"], "auto")
        self.assertFalse(made["paused"])
        # Polled like any other source.
        state = d.wait_for(lambda: (lambda s: s if s and s["last_success"]
                                    else None)(d.source("npo")),
                           what="the new source's first poll")
        self.assertEqual(state["postings"], 1)
        self.assertIn("子ども食堂の配膳",
                      [it["title"] for it in d.items()])
        self.assertEqual(sorted(d.sources()), ["city", "npo"])

        changed = ok(d, "PATCH", "/sources/npo",
                     body={"interval": 1200, "kind": "shakyo"})
        self.assertEqual(changed["interval"], 1200)
        self.assertEqual(changed["kind"], "shakyo")
        self.assertEqual(changed["url"], origin.url("/npo.xml"))

        status, doc, _ = call(d, "POST", "/sources", body={
            "name": "npo", "url": origin.url("/x"), "kind": "civic"})
        self.assertEqual((status, doc["field"]), (409, "name"))

        gone = ok(d, "DELETE", "/sources/npo")
        self.assertTrue(gone["deleted"])
        self.assertEqual(call(d, "GET", "/sources/npo")[0], 404)
        self.assertEqual(call(d, "DELETE", "/sources/npo")[0], 404)
        self.assertNotIn("子ども食堂の配膳",
                         [it["title"] for it in d.items()])

    def test_bad_definitions(self):
        origin, d = apikit.start(self, fetch=False)
        good = {"name": "x", "url": origin.url("/x.xml"), "kind": "civic"}
        for change, field, words in (
                ({"name": None}, "name", "required"),
                ({"name": "two words"}, "name", "letters"),
                ({"name": "a" * 65}, "name", None),
                ({"url": None}, "url", "required"),
                ({"url": "ftp://example.org/x"}, "url", "http"),
                ({"url": "not a url"}, "url", None),
                ({"url": "http://10.1.2.3/feed"}, "url", "private"),
                ({"url": "http://169.254.169.254/latest"}, "url",
                 "link-local"),
                ({"url": "http://user:pw@127.0.0.1/x"}, "url", "password"),
                ({"kind": "company"}, "kind", "city"),
                ({"kind": None}, "kind", "required"),
                ({"format": "pdf"}, "format", "rss"),
                ({"interval": 0}, "interval", None),
                ({"interval": "300"}, "interval", None),
                ({"colour": "red"}, "colour", "unknown")):
            body = dict(good)
            for k, v in change.items():
                if v is None:
                    body.pop(k)
                else:
                    body[k] = v
            with self.subTest(change=change):
                status, doc, _ = call(d, "POST", "/sources", body=body)
                self.assertEqual(status, 400, doc)
                self.assertEqual(doc["field"], field)
                if words:
                    self.assertIn(words, doc["error"])
        self.assertEqual(sorted(d.sources()), ["city"])

    def test_file_sources_are_marked_and_read_only(self):
        _, d = apikit.start(self)
        city = ok(d, "GET", "/sources/city")
        self.assertEqual(city["origin"], "config")
        for method, body in (("PATCH", {"interval": 60}), ("DELETE", None)):
            with self.subTest(method=method):
                status, doc, _ = call(d, method, "/sources/city", body=body)
                self.assertEqual(status, 409, doc)
                self.assertIn("configuration file", doc["error"])
        self.assertEqual(ok(d, "GET", "/sources/city")["interval"], 3600)
        # Pausing is an operation, not a definition: allowed.
        self.assertTrue(ok(d, "POST", "/sources/city/pause")["paused"])
        self.assertFalse(ok(d, "POST", "/sources/city/resume")["paused"])

    def test_pause_resume_fetch(self):
        origin, d = apikit.start(self)
        paused = ok(d, "POST", "/sources/city/pause")
        self.assertTrue(paused["paused"])
        health = ok(d, "GET", "/sources/city/health")
        self.assertTrue(health["paused"])
        self.assertIsNone(health["next_poll"])
        before = len(origin.requests(CITY_PATH))
        status, doc, _ = call(d, "POST", "/sources/city/fetch")
        self.assertEqual(status, 409, doc)
        self.assertIn("paused", doc["error"])
        self.assertEqual(len(origin.requests(CITY_PATH)), before)
        # Paused across a restart too.
        d.restart()
        self.assertTrue(d.source("city")["paused"])
        self.assertEqual(len(origin.requests(CITY_PATH)), before)
        self.assertFalse(ok(d, "POST", "/sources/city/resume")["paused"])
        queued = ok(d, "POST", "/sources/city/fetch")
        self.assertEqual(queued, {"source": "city", "queued": True})
        origin.wait_requests(CITY_PATH, before + 1)
        for action in ("pause", "resume", "fetch", "health"):
            with self.subTest(action=action):
                status, doc, _ = call(d, "GET" if action == "health"
                                      else "POST",
                                      "/sources/nope/" + action)
                self.assertEqual(status, 404, doc)

    def test_health(self):
        origin, d = apikit.start(self)
        health = ok(d, "GET", "/sources/city/health")
        for key in ("last_attempt", "last_success", "http_status", "error",
                    "error_code", "next_poll", "postings", "failures",
                    "identity", "identity_fallback"):
            self.assertIn(key, health)
        self.assertIn(health["http_status"], (200, 304))
        self.assertIsNone(health["error"])
        self.assertEqual(health["postings"], len(apikit.CITY_ITEMS))
        self.assertEqual(health["identity"],
                         {"guid": len(apikit.CITY_ITEMS), "link": 0,
                          "hash": 0})
        self.assertFalse(health["identity_fallback"])

        # Entries without a guid: known by their link, else a hash.
        origin.set_feed("/noguid.xml", NO_GUID_RSS)
        ok(d, "POST", "/sources", body={
            "name": "noguid", "url": origin.url("/noguid.xml"),
            "kind": "civic"})
        d.wait_for(lambda: d.source("noguid")["last_success"],
                   what="the first poll of noguid")
        health = ok(d, "GET", "/sources/noguid/health")
        self.assertEqual(health["identity"], {"guid": 0, "link": 1,
                                              "hash": 1})
        self.assertTrue(health["identity_fallback"])

        # A failing source says why.
        origin.set(CITY_PATH, 503, "busy")
        d.fetch_and_wait("city")
        health = ok(d, "GET", "/sources/city/health")
        self.assertEqual(health["http_status"], 503)
        self.assertEqual(health["error_code"], "http_503")
        self.assertEqual(health["failures"], 1)
        self.assertTrue(health["error"])

    def test_reload_and_restart_keep_api_sources(self):
        origin, d = apikit.start(self)
        origin.set_feed("/npo.xml", rss([
            {"title": "子ども食堂の配膳", "link": "https://npo.example.jp/7"}]))
        ok(d, "POST", "/sources", body={
            "name": "npo", "url": origin.url("/npo.xml"), "kind": "civic"})
        d.wait_for(lambda: d.source("npo")["last_success"], what="npo")

        # The file drops city and names a new one: npo stays.
        origin.set_feed("/shakyo.xml", rss([
            {"title": "高齢者サロン", "link": "https://shakyo.example.jp/1"}]))
        d.write_config(harness.daemon_section(api_rate="100000",
                                              api_burst="100000")
                       + harness.source_section("shakyo",
                                                origin.url("/shakyo.xml"),
                                                kind="shakyo"))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log_since(mark),
                   what="the reload")
        sources = d.sources()
        self.assertEqual(sorted(sources), ["npo", "shakyo"])
        self.assertEqual(sources["npo"]["origin"], "api")
        self.assertEqual(sources["shakyo"]["origin"], "config")

        d.restart()
        sources = d.sources()
        self.assertEqual(sorted(sources), ["npo", "shakyo"])
        self.assertIn("子ども食堂の配膳", [it["title"] for it in d.items()])

        # A source the file names takes over the API's of that name.
        d.write_config(harness.daemon_section(api_rate="100000",
                                              api_burst="100000")
                       + harness.source_section("npo", origin.url("/npo.xml"),
                                                kind="civic"))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log_since(mark),
                   what="the reload")
        self.assertEqual(d.source("npo")["origin"], "config")
        status, doc, _ = call(d, "DELETE", "/sources/npo")
        self.assertEqual(status, 409, doc)


if __name__ == "__main__":
    harness.main()
