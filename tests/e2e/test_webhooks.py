"""Signed webhooks end to end: tsunagud polls a scripted origin and posts
to a loopback receiver (webhook_sink.py) that checks every signature.

- created / updated / withdrawn with the posting's revision, the body
  valid under schemas/webhook.schema.json and signed per Standard
  Webhooks; the webhook-id the API shows is the one received;
- per-subscriber filters;
- ping, the deliveries list and its filters, one delivery with its
  attempts, redelivery with the same webhook-id, recovery since a time;
- a subscriber token sees and acts on its own deliveries only;
- 410 disables the subscriber and says so (API, log, /metrics);
- a webhook the outbound rules refuse fails with the reason;
- the CLI's sub ping, deliveries, delivery, redeliver and recover.
"""

import json
import os
import subprocess
import time
import urllib.parse

import apikit
import harness
from apikit import call, ok
from webhook_sink import Sink, verify

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER_SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"
CLI = os.environ.get("TSUNAGU_CLI", os.path.join(
    harness.SOURCE_ROOT, "build", "daemon", "tsunagu"))


def validator():
    """A validator of schemas/webhook.schema.json, or None without
    python3-jsonschema."""
    try:
        import jsonschema
    except ImportError:
        return None
    root = os.path.join(harness.SOURCE_ROOT, "schemas")
    with open(os.path.join(root, "webhook.schema.json")) as f:
        webhook = json.load(f)
    with open(os.path.join(root, "posting.schema.json")) as f:
        posting = json.load(f)
    try:
        from referencing import Registry, Resource
        registry = Registry().with_resources([
            (posting["$id"], Resource.from_contents(posting)),
            (webhook["$id"], Resource.from_contents(webhook))])
        return jsonschema.Draft202012Validator(webhook, registry=registry)
    except ImportError:
        # Older jsonschema cannot resolve "#..." inside a urn: schema it
        # reached by $ref: inline the posting schema and its $defs.
        inline = {k: v for k, v in posting.items()
                  if k not in ("$id", "$schema", "$defs")}
        webhook["$defs"].update(posting.get("$defs", {}))
        webhook["$defs"]["item"]["properties"]["_tsunagu"] = inline
        return jsonschema.Draft202012Validator(webhook)


def subscriber(name, url, secret=SECRET, **keys):
    d = {"webhook": url, "secret": secret}
    d.update(keys)
    return harness.section("subscriber %s" % name, d)


class WebhooksTest(harness.TestCase):

    def setUp(self):
        self.sink = Sink()
        self.addCleanup(self.sink.stop)

    def start(self, extra, daemon=None, items=None):
        origin = self.new_origin()
        origin.set_feed(apikit.CITY_PATH,
                        harness.rss(items or apikit.CITY_ITEMS))
        d = self.new_daemon(apikit.config(origin, daemon, extra))
        return origin, d

    def deliveries(self, d, query="", token=None):
        status, doc, _ = call(d, "GET", "/deliveries" + query, token=token)
        self.assertEqual(status, 200, doc)
        return doc["deliveries"]

    def test_created_updated_withdrawn(self):
        hook = "/hook/acme"
        origin, d = self.start(subscriber("acme", self.sink.url(hook)))
        d.fetch_and_wait("city")
        got = self.sink.wait(2, hook)
        check = validator()
        ids = set()
        for r in got:
            self.assertTrue(verify(r, SECRET), r.headers)
            self.assertFalse(verify(r, OTHER_SECRET))
            self.assertEqual(r.headers["content-type"], "application/json")
            self.assertLess(abs(int(r.timestamp) - time.time()), 60)
            body = r.json()
            self.assertEqual(body["type"], "posting.created")
            self.assertEqual(body["data"]["_tsunagu"]["revision"], 1)
            if check is not None:
                check.validate(body)
            ids.add(r.id)
        self.assertEqual(len(ids), 2)
        # The ids the API shows are the ones received.
        listed = self.deliveries(d, "?subscriber=acme")
        self.assertEqual({x["webhook_id"] for x in listed}, ids)
        self.assertTrue(all(x["status"] == "delivered" for x in listed))

        # The origin changes one item: posting.updated, revision 2.
        items = [dict(apikit.CITY_ITEMS[0]), apikit.CITY_ITEMS[1]]
        items[0]["title"] += "（雨天中止）"
        origin.set_feed(apikit.CITY_PATH, harness.rss(items))
        d.fetch_and_wait("city")
        r = self.sink.wait(3, hook)[2]
        body = r.json()
        self.assertEqual(body["type"], "posting.updated")
        self.assertEqual(body["data"]["_tsunagu"]["revision"], 2)
        self.assertIn("雨天中止", body["data"]["title"])
        self.assertNotIn(r.id, ids)
        if check is not None:
            check.validate(body)

        # Withdrawn through the API: posting.withdrawn, revision 3.
        ok(d, "POST", "/postings/%s/withdraw" % body["data"]["id"])
        r = self.sink.wait(4, hook)[3]
        body = r.json()
        self.assertEqual(body["type"], "posting.withdrawn")
        self.assertEqual(body["data"]["_tsunagu"]["status"], "withdrawn")
        self.assertEqual(body["data"]["_tsunagu"]["revision"], 3)
        self.assertTrue(verify(r, SECRET))

    def test_filters(self):
        extra = (subscriber("all", self.sink.url("/all"))
                 + subscriber("shakyo", self.sink.url("/shakyo"),
                              filter="kind=shakyo")
                 + subscriber("mine", self.sink.url("/mine"),
                              filter="q=%E6%B8%85%E6%8E%83"))  # 清掃
        _, d = self.start(extra)
        d.fetch_and_wait("city")
        self.sink.wait(2, "/all")
        got = self.sink.wait(1, "/mine")
        self.assertIn("清掃", got[0].json()["data"]["title"])
        self.assertEqual(self.deliveries(d, "?subscriber=shakyo"), [])
        time.sleep(0.3)
        self.assertEqual(len(self.sink.requests("/mine")), 1)
        self.assertEqual(self.sink.requests("/shakyo"), [])

    def test_ping_redeliver_recover(self):
        hook = "/hook/acme"
        _, d = self.start(subscriber("acme", self.sink.url(hook)))
        status, doc, _ = call(d, "POST", "/subscribers/acme/ping")
        self.assertEqual(status, 202, doc)
        self.assertEqual(doc["type"], "ping")
        self.assertTrue(doc["id"].startswith("d"))
        r = d.wait_for(lambda: ([x for x in self.sink.requests(hook)
                                 if x.id == doc["webhook_id"]] or [None])[0],
                       what="the ping")
        self.assertEqual(r.json()["type"], "ping")
        self.assertTrue(verify(r, SECRET))
        check = validator()
        if check is not None:
            check.validate(r.json())

        d.fetch_and_wait("city")
        self.sink.wait(3, hook)
        one = d.wait_for(lambda: (lambda x: x if len(x) == 3 and all(
            e["status"] == "delivered" for e in x) else None)(
            self.deliveries(d, "?subscriber=acme")), what="delivered")
        # Filters: status, since, limit and paging.
        self.assertEqual(len(self.deliveries(d, "?status=delivered")), 3)
        self.assertEqual(self.deliveries(d, "?status=failed"), [])
        self.assertEqual(self.deliveries(d, "?since=2099-01-01"), [])
        page = call(d, "GET", "/deliveries?limit=2")[1]
        self.assertEqual(len(page["deliveries"]), 2)
        rest = self.deliveries(d, "?limit=2&before=" + page["next_before"])
        self.assertEqual(len(rest), 1)
        self.assertEqual(call(d, "GET", "/deliveries?status=nope")[0], 400)
        self.assertEqual(call(d, "GET", "/deliveries?since=yesterday")[0],
                         400)

        # One delivery, with its attempts.
        target = [e for e in one if e["type"] == "posting.created"][0]
        shown = ok(d, "GET", "/deliveries/" + target["id"])
        self.assertEqual(len(shown["attempt_log"]), 1)
        self.assertEqual(shown["attempt_log"][0]["http_status"], 204)
        self.assertIsInstance(shown["attempt_log"][0]["latency_ms"], int)
        self.assertEqual(call(d, "GET", "/deliveries/d99999")[0], 404)

        # Redelivery: the same id and body arrive again.
        first = [x for x in self.sink.requests(hook)
                 if x.id == target["webhook_id"]][0]
        doc = ok(d, "POST", "/deliveries/%s/redeliver" % target["id"])
        self.assertEqual(doc["status"], "pending")
        again = self.sink.wait(4, hook)[3]
        self.assertEqual(again.id, first.id)
        self.assertEqual(again.body, first.body)
        # The sink has it; wait until the daemon has recorded the outcome,
        # or the next redelivery would find this one still in flight.
        deadline = time.monotonic() + 30
        while ok(d, "GET", "/deliveries/" + target["id"])["status"] != \
                "delivered":
            self.assertLess(time.monotonic(), deadline,
                            "the redelivery was never recorded")
            time.sleep(0.05)
        # The subscriber-scoped route does the same.
        ok(d, "POST", "/subscribers/acme/deliveries/%s/redeliver"
           % target["id"])
        self.assertEqual(self.sink.wait(5, hook)[4].id, first.id)
        self.assertEqual(call(d, "POST", "/subscribers/nope/deliveries/%s/"
                              "redeliver" % target["id"])[0], 404)

        # Recovery since a time: nothing failed, nothing missing.
        status, doc, _ = call(d, "POST", "/subscribers/acme/recover"
                              "?since=2020-01-01")
        self.assertEqual(status, 202, doc)
        self.assertEqual(doc["queued"], 0)
        self.assertEqual(call(d, "POST", "/subscribers/acme/recover")[0], 400)

    def test_recover_after_outage(self):
        hook = "/hook/acme"
        self.sink.default(hook, 410)
        _, d = self.start(subscriber("acme", self.sink.url(hook)))
        d.fetch_and_wait("city")
        self.sink.wait(1, hook)
        sub = d.wait_for(lambda: (lambda s: s if s["disabled"] else None)(
            ok(d, "GET", "/subscribers/acme")), what="disabled by 410")
        self.assertIn("410", sub["disabled_reason"])
        self.assertIn("webhook disabled", d.log())
        m = d.metrics()
        self.assertEqual(m.get("tsunagu_webhook_endpoints_disabled"), 1)
        self.assertEqual(m.get("tsunagu_webhook_endpoint_disabled",
                               subscriber="acme", reason="gone"), 1)
        failed = self.deliveries(d, "?status=failed")
        self.assertEqual(len(failed), 2)
        self.assertIn("410", failed[0]["last_error"] + failed[1]["last_error"])
        # Recovery of a disabled subscriber is refused ...
        self.assertEqual(call(d, "POST", "/subscribers/acme/recover?"
                              "since=2020-01-01")[0], 409)
        self.assertEqual(call(d, "POST", "/subscribers/acme/ping")[0], 409)
        # ... enabled, it sends both again with their webhook-ids.
        self.sink.default(hook, 204)
        ok(d, "POST", "/subscribers/acme/enable")
        self.assertIsNone(ok(d, "GET", "/subscribers/acme")
                          ["disabled_reason"])
        doc = ok(d, "POST", "/subscribers/acme/recover?since=2020-01-01")
        self.assertEqual(doc["queued"], 2)
        got = self.sink.wait(3, hook)
        ids = {x["webhook_id"] for x in failed}
        self.assertIn(got[2].id, ids)
        d.wait_for(lambda: len(self.deliveries(d, "?status=delivered")) == 2,
                   what="both delivered")

    def test_subscriber_token(self):
        extra = (subscriber("acme", self.sink.url("/a"))
                 + subscriber("other", self.sink.url("/o")))
        _, d = self.start(extra)
        d.fetch_and_wait("city")
        self.sink.wait(2, "/a")
        self.sink.wait(2, "/o")
        token, _ = apikit.make_token(d, "subscriber", subscriber="acme")
        mine = self.deliveries(d, "", token=token)
        self.assertEqual({x["subscriber"] for x in mine}, {"acme"})
        self.assertEqual(call(d, "GET", "/deliveries?subscriber=other",
                              token=token)[0], 403)
        theirs = self.deliveries(d, "?subscriber=other")[0]
        self.assertEqual(call(d, "GET", "/deliveries/" + theirs["id"],
                              token=token)[0], 403)
        self.assertEqual(call(d, "POST", "/deliveries/%s/redeliver"
                              % theirs["id"], token=token)[0], 403)
        self.assertEqual(call(d, "POST", "/subscribers/other/ping",
                              token=token)[0], 403)
        self.assertEqual(call(d, "POST", "/subscribers/acme/ping",
                              token=token)[0], 202)

    def test_refused_address(self):
        _, d = self.start(subscriber("local", "http://[::1]:9/hook"))
        d.fetch_and_wait("city")

        def failing():
            x = self.deliveries(d, "?subscriber=local")
            return x if len(x) == 2 and all(e["last_error"] for e in x) \
                else None
        got = d.wait_for(failing, what="refused attempts")
        self.assertIn("refused", got[0]["last_error"])
        self.assertIn("allow_networks", got[0]["last_error"])
        self.assertEqual(got[0]["status"], "pending")

    def run_cli(self, d, *args):
        env = dict(os.environ, TSUNAGU_URL=d.base, TSUNAGU_TOKEN=d.token)
        return subprocess.run([CLI] + list(args), env=env,
                              capture_output=True, text=True, timeout=30)

    def test_cli(self):
        hook = "/hook/acme"
        _, d = self.start(subscriber("acme", self.sink.url(hook)))
        r = self.run_cli(d, "sub", "ping", "acme")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("type: ping", r.stdout)
        self.sink.wait(1, hook)
        d.wait_for(lambda: self.deliveries(d)[0]["status"] == "delivered")
        r = self.run_cli(d, "deliveries", "acme")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ping", r.stdout)
        self.assertIn("delivered", r.stdout)
        did = self.deliveries(d)[0]["id"]
        r = self.run_cli(d, "--json", "deliveries", "acme", "--status",
                         "delivered")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["deliveries"][0]["id"], did)
        r = self.run_cli(d, "delivery", did)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("attempt_log", r.stdout)
        r = self.run_cli(d, "redeliver", "acme", did)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.sink.wait(2, hook)
        r = self.run_cli(d, "recover", "acme", "--since", "2020-01-01")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("queued: 0", r.stdout)
        r = self.run_cli(d, "recover", "acme")
        self.assertEqual(r.returncode, 2, r.stdout)
        r = self.run_cli(d, "redeliver", "acme", "d424242")
        self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    harness.main()
