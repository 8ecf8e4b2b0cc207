"""Who may do what in the admin API: every role against every route.

MATRIX below has one row per route of GET /api/v1 (the test fails when a
route is missing from it or it names a route the daemon does not have) and
one column per kind of caller.  Every cell is asserted: the status of a
route a role may use (its row's status), 403 for a role it may not, 401
without a token, with a wrong one, and with a revoked one.

Then: objects of other subscribers and groups (403), revocation at once,
the error shape, 429 with Retry-After per address and per token, and what
must never be found: a token in a database dump, a webhook secret in the
log or in any answer after the one that made it.
"""

import json
import os
import re
import sqlite3

import apikit
import harness
from apikit import call, make_subscriber, make_token, ok, submit

ROLES = ("admin", "coordinator", "group", "subscriber")
# Callers without a valid token: always 401.
NOBODY = ("no token", "wrong token", "revoked token")

A, C, G, S = "admin", "coordinator", "group", "subscriber"

# method, path (as GET /api/v1 lists it), the roles that may, the status
# they get (every test object is set up so that the request succeeds),
# and what the request needs.
MATRIX = [
    ("GET", "/api/v1", (A, C, G, S), 200, None),
    ("GET", "/api/v1/backup", (A,), 200, None),
    ("GET", "/api/v1/sources", (A,), 200, None),
    ("POST", "/api/v1/sources", (A,), 201, "new_source"),
    ("GET", "/api/v1/sources/{name}", (A,), 200, "city"),
    ("PATCH", "/api/v1/sources/{name}", (A,), 200, "api_source"),
    ("DELETE", "/api/v1/sources/{name}", (A,), 200, "fresh_source"),
    ("GET", "/api/v1/sources/{name}/health", (A,), 200, "city"),
    ("POST", "/api/v1/sources/{name}/pause", (A,), 200, "api_source"),
    ("POST", "/api/v1/sources/{name}/resume", (A,), 200, "api_source"),
    ("POST", "/api/v1/sources/{name}/fetch", (A,), 202, "city"),
    ("GET", "/api/v1/tokens", (A,), 200, None),
    ("POST", "/api/v1/tokens", (A,), 201, "new_token"),
    ("DELETE", "/api/v1/tokens/{id}", (A,), 200, "fresh_token"),
    ("GET", "/api/v1/subscribers", (A,), 200, None),
    ("POST", "/api/v1/subscribers", (A,), 201, "new_subscriber"),
    ("GET", "/api/v1/subscribers/{name}", (A, S), 200, "own_subscriber"),
    ("PATCH", "/api/v1/subscribers/{name}", (A, S), 200, "own_subscriber"),
    ("DELETE", "/api/v1/subscribers/{name}", (A,), 200, "fresh_subscriber"),
    ("POST", "/api/v1/subscribers/{name}/rotate", (A, S), 200,
     "own_subscriber"),
    ("POST", "/api/v1/subscribers/{name}/disable", (A,), 200,
     "own_subscriber"),
    ("POST", "/api/v1/subscribers/{name}/enable", (A,), 200,
     "own_subscriber"),
    ("POST", "/api/v1/subscribers/{name}/feed-token", (A, S), 200,
     "own_subscriber"),
    ("DELETE", "/api/v1/subscribers/{name}/feed-token", (A, S), 200,
     "own_subscriber"),
    ("POST", "/api/v1/subscribers/{name}/ping", (A, S), 202,
     "own_subscriber"),
    ("GET", "/api/v1/subscribers/{name}/deliveries", (A, S), 200,
     "own_subscriber"),
    ("POST", "/api/v1/subscribers/{name}/deliveries/{id}/redeliver", (A, S),
     202, "own_delivery"),
    ("POST", "/api/v1/subscribers/{name}/recover", (A, S), 202,
     "own_recover"),
    ("GET", "/api/v1/deliveries", (A, S), 200, None),
    ("GET", "/api/v1/deliveries/{id}", (A, S), 200, "own_delivery"),
    ("POST", "/api/v1/deliveries/{id}/redeliver", (A, S), 202,
     "own_delivery"),
    ("GET", "/api/v1/postings", (A, C, G), 200, None),
    ("POST", "/api/v1/postings", (A, G), 201, "new_posting"),
    ("GET", "/api/v1/postings/{id}", (A, C, G), 200, "own_posting"),
    ("PATCH", "/api/v1/postings/{id}", (A, C, G), 200, "own_posting_edit"),
    ("POST", "/api/v1/postings/{id}/withdraw", (A, C, G), 200,
     "fresh_posting"),
    ("POST", "/api/v1/postings/{id}/approve", (A, C), 200, "fresh_posting"),
    ("POST", "/api/v1/postings/{id}/reject", (A, C), 200, "fresh_reject"),
    ("GET", "/api/v1/moderation", (A, C), 200, None),
    ("GET", "/api/v1/audit", (A, C), 200, None),
    ("GET", "/api/v1/hub/subscriptions", (A,), 200, None),
]


class AuthorizationMatrix(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.origin = harness.Origin()
        origin = cls.origin
        origin.set_feed(apikit.CITY_PATH, harness.rss(apikit.CITY_ITEMS))
        cls.d = harness.Daemon(apikit.config(origin))
        cls.shared_daemons = (cls.d,)
        cls.d.start()
        d = cls.d
        d.fetch_and_wait("city")
        make_subscriber(d, "acme", webhook="https://hooks.example.com/a")
        ok(d, "POST", "/sources", body={
            "name": "api-src", "url": origin.url("/api-src.xml"),
            "kind": "civic", "interval": 3600})
        cls.tokens = {"admin": make_token(d, "admin", label="ops")[0],
                      "coordinator": make_token(d, "coordinator",
                                                "kariya-shakyo")[0],
                      "group": make_token(d, "group", "kariya-npo")[0],
                      "subscriber": make_token(d, "subscriber",
                                               subscriber="acme")[0]}
        revoked, rid = make_token(d, "admin", label="to revoke")
        ok(d, "DELETE", "/tokens/" + rid)
        cls.tokens["revoked token"] = revoked
        cls.tokens["wrong token"] = "tsu_t000000000000_" + "0" * 64
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()
        cls.origin.stop()

    def fresh(self, prefix):
        type(self).counter += 1
        return "%s-%d" % (prefix, self.counter)

    # -- what each row needs: (path arguments, body) ------------------------

    def needs(self, what, method, caller):
        """The path arguments and body of a request that succeeds; the
        sources made here live on the origin (tests reach nothing else)."""
        d = self.d
        url = self.origin.url("/%s.xml" % caller.replace(" ", "-"))
        group = self.tokens["group"]
        if what is None:
            return {}, None
        if what == "city":
            return {"name": "city"}, None
        if what == "api_source":
            return {"name": "api-src"}, {"interval": 1800}
        if what == "new_source":
            return {}, {"name": self.fresh("src"), "kind": "city",
                        "url": url}
        if what == "fresh_source":
            name = self.fresh("gone")
            ok(d, "POST", "/sources", body={
                "name": name, "kind": "city", "url": url})
            return {"name": name}, None
        if what == "new_token":
            return {}, {"role": "group", "organization": "matrix"}
        if what == "fresh_token":
            return {"id": make_token(d, "group", "matrix")[1]}, None
        if what == "new_subscriber":
            return {}, {"name": self.fresh("sub")}
        if what == "fresh_subscriber":
            name = self.fresh("sub")
            make_subscriber(d, name)
            return {"name": name}, None
        if what == "own_subscriber":
            body = {"filter": "kind=city"} if method == "PATCH" else None
            return {"name": "acme"}, body
        if what == "own_delivery":
            # A ping makes a delivery of acme's to act on.
            ping = ok(d, "POST", "/subscribers/acme/ping")
            return {"name": "acme", "id": ping["id"]}, None
        if what == "own_recover":
            return {"name": "acme"}, {"since": "2020-01-01"}
        if what == "new_posting":
            return {}, dict(apikit.SUBMISSION)
        if what in ("own_posting", "own_posting_edit"):
            if not hasattr(self, "own_posting"):
                type(self).own_posting = submit(d, group)
            body = {"place": "刈谷駅南口"} if method == "PATCH" else None
            return {"id": self.own_posting}, body
        if what == "fresh_posting":
            return {"id": submit(d, group)}, None
        if what == "fresh_reject":
            return {"id": submit(d, group)}, {"reason": "matrix"}
        raise AssertionError(what)

    # -- the matrix -----------------------------------------------------------

    def test_matrix_covers_every_route(self):
        status, doc, _ = call(self.d, "GET", "/api/v1")
        self.assertEqual(status, 200, doc)
        listed = {(m, r["path"]) for r in doc["routes"] for m in r["methods"]}
        table = {(m, p) for m, p, _, _, _ in MATRIX}
        self.assertEqual(listed - table, set(), "routes without a row")
        self.assertEqual(table - listed, set(), "rows without a route")
        # The list says who may, as the matrix does.
        roles = {(m, r["path"]): set(r["roles"]) for r in doc["routes"]
                 for m in r["methods"]}
        for method, path, allowed, _, _ in MATRIX:
            self.assertEqual(roles[(method, path)], set(allowed),
                             "%s %s" % (method, path))

    def test_every_cell(self):
        cells = 0
        for method, pattern, allowed, status, what in MATRIX:
            for caller in ROLES + NOBODY:
                if caller in NOBODY:
                    want = 401
                elif caller in allowed:
                    want = status
                else:
                    want = 403
                args, body = self.needs(what if want != 401 else None,
                                        method, caller)
                path = pattern
                for key, value in args.items():
                    path = path.replace("{%s}" % key, apikit.quote(value))
                if "{" in path:  # 401 cells need no real object
                    path = re.sub(r"\{[a-z]+\}", "x", path)
                with self.subTest(route="%s %s" % (method, pattern),
                                  caller=caller):
                    got, doc, hdrs = call(self.d, method, path,
                                          token=self.tokens.get(caller),
                                          body=body,
                                          auth=caller != "no token")
                    self.assertEqual(got, want, "%s %s as %s: %r"
                                     % (method, path, caller, doc))
                    if want in (401, 403):
                        self.assertIsInstance(doc["error"], str)
                        self.assertEqual(doc["status"], want)
                    if want == 401:
                        self.assertTrue(hdrs.get("WWW-Authenticate", "")
                                        .startswith("Bearer"))
                cells += 1
        self.assertEqual(cells, len(MATRIX) * len(ROLES + NOBODY))

    # -- objects of others ------------------------------------------------------

    def test_a_subscriber_acts_for_itself_only(self):
        d = self.d
        make_subscriber(d, "other-co")
        token = self.tokens["subscriber"]
        for method, action in (("GET", ""), ("PATCH", ""),
                               ("POST", "/rotate"), ("POST", "/feed-token"),
                               ("POST", "/ping"), ("GET", "/deliveries")):
            with self.subTest(method=method, action=action):
                status, doc, _ = call(d, method, "/subscribers/other-co"
                                      + action, token=token,
                                      body={"filter": ""} if method ==
                                      "PATCH" else None)
                self.assertEqual(status, 403, doc)
        # A token whose subscriber is deleted goes with it.
        name = self.fresh("gone-sub")
        make_subscriber(d, name)
        sub_token, _ = make_token(d, "subscriber", subscriber=name)
        self.assertEqual(call(d, "GET", "/subscribers/" + name,
                              token=sub_token)[0], 200)
        ok(d, "DELETE", "/subscribers/" + name)
        self.assertEqual(call(d, "GET", "/api/v1", token=sub_token)[0], 401)

    def test_a_group_acts_on_its_own_postings_only(self):
        d = self.d
        other, _ = make_token(d, "group", "another-group")
        mine = submit(d, self.tokens["group"])
        theirs = submit(d, other, title="別の団体の募集")
        source_posting = [it["_tsunagu"]["id"] for it in d.items()
                          if it["_tsunagu"]["sources"]][0]
        group = self.tokens["group"]
        for pid in (theirs, source_posting):
            for method, action, body in (
                    ("GET", "", None), ("PATCH", "", {"place": "x"}),
                    ("POST", "/withdraw", None)):
                with self.subTest(posting=pid, method=method, action=action):
                    status, doc, _ = call(d, method, "/postings/" + pid
                                          + action, token=group, body=body)
                    self.assertEqual(status, 403, doc)
        # Its list holds its own submissions, in every state.
        status, doc, _ = call(d, "GET", "/postings?limit=1000", token=group)
        self.assertEqual(status, 200)
        ids = {p["id"] for p in doc["postings"]}
        self.assertIn(mine, ids)
        self.assertNotIn(theirs, ids)
        self.assertNotIn(source_posting, ids)
        self.assertEqual({p["submitted_by"] for p in doc["postings"]},
                         {"kariya-npo"})
        # A coordinator edits any posting, a source's too.
        status, doc, _ = call(d, "PATCH", "/postings/" + theirs,
                              token=self.tokens["coordinator"],
                              body={"place": "刈谷市役所"})
        self.assertEqual(status, 200, doc)

    # -- tokens ----------------------------------------------------------------

    def test_revoked_token_fails_at_once(self):
        d = self.d
        token, tid = make_token(d, "coordinator", "kariya-center")
        self.assertEqual(call(d, "GET", "/postings", token=token)[0], 200)
        ok(d, "DELETE", "/tokens/" + tid)
        status, doc, _ = call(d, "GET", "/postings", token=token)
        self.assertEqual(status, 401, doc)
        status, doc, _ = call(d, "DELETE", "/tokens/" + tid)
        self.assertEqual(status, 409, doc)
        status, doc, _ = call(d, "DELETE", "/tokens/tnothing")
        self.assertEqual(status, 404, doc)
        status, doc, _ = call(d, "DELETE", "/tokens/admin-file")
        self.assertEqual(status, 409, doc)
        listed = {t["id"]: t for t in ok(d, "GET", "/tokens")["tokens"]}
        self.assertIsNotNone(listed[tid]["revoked"])
        self.assertNotIn("token", listed[tid])

    def test_who_am_i(self):
        for role in ROLES:
            doc = ok(self.d, "GET", "/api/v1", token=self.tokens[role])
            self.assertEqual(doc["token"]["role"], role)
        doc = ok(self.d, "GET", "/api/v1")
        self.assertEqual(doc["token"]["id"], "admin-file")

    def test_token_creation_errors(self):
        for body, field in (
                ({}, "role"),
                ({"role": "root"}, "role"),
                ({"role": "group"}, "organization"),
                ({"role": "coordinator"}, "organization"),
                ({"role": "admin", "organization": "x"}, "organization"),
                ({"role": "subscriber"}, "subscriber"),
                ({"role": "subscriber", "subscriber": "nobody"},
                 "subscriber"),
                ({"role": "group", "organization": "x", "scope": "all"},
                 "scope")):
            with self.subTest(body=body):
                status, doc, _ = call(self.d, "POST", "/tokens", body=body)
                self.assertEqual(status, 400, doc)
                self.assertEqual(doc["field"], field)
                self.assertIn(field, doc["error"])

    def test_error_shape(self):
        d = self.d
        for method, path, body, status, field in (
                ("GET", "/sources/nope", None, 404, None),
                ("POST", "/sources", b"{not json", 400, None),
                ("POST", "/sources", {"name": "x y"}, 400, "name"),
                ("DELETE", "/api/v1", None, 405, None),
                ("GET", "/api/v1/nothing", None, 404, None)):
            with self.subTest(path=path):
                got, doc, hdrs = call(d, method, path, body=body)
                self.assertEqual(got, status, doc)
                self.assertEqual(set(doc), {"error", "field", "status"})
                self.assertIsInstance(doc["error"], str)
                self.assertTrue(doc["error"])
                self.assertEqual(doc["field"], field)
                self.assertEqual(doc["status"], status)
                self.assertIn("application/json", hdrs["Content-Type"])


class RateLimit(harness.TestCase):
    """api_burst requests at once, then 429 with Retry-After: per client
    address (X-Forwarded-For from a trusted proxy) and per token."""

    def test_per_address_and_per_token(self):
        _, d = apikit.start(self, daemon={
            "api_rate": "1", "api_burst": "3",
            "trusted_proxies": "127.0.0.1"}, fetch=False)

        def get(addr, token=None):
            return call(d, "GET", "/api/v1", token=token,
                        headers={"X-Forwarded-For": "203.0.113.9, " + addr})

        # Two tokens, each made from an address of its own.
        first = token_from(d, "198.51.100.1")
        second = token_from(d, "198.51.100.2")
        for i in range(3):
            self.assertEqual(get("192.0.2.1", first)[0], 200, i)
        status, doc, hdrs = get("192.0.2.1", first)
        self.assertEqual(status, 429, doc)
        self.assertGreaterEqual(int(hdrs["Retry-After"]), 1)
        self.assertIn("address", doc["error"])
        self.assertEqual(doc["status"], 429)
        # Requests without a valid token count against the address too.
        for i in range(3):
            self.assertEqual(get("192.0.2.7", "nope")[0], 401, i)
        self.assertEqual(get("192.0.2.7", "nope")[0], 429)
        # One token from many addresses: its own bucket runs out.
        for i, addr in enumerate(("192.0.2.20", "192.0.2.21",
                                  "192.0.2.22")):
            self.assertEqual(get(addr, second)[0], 200, i)
        status, doc, hdrs = get("192.0.2.23", second)
        self.assertEqual(status, 429, doc)
        self.assertIn("token", doc["error"])
        self.assertGreaterEqual(int(hdrs["Retry-After"]), 1)
        # Feeds and /healthz are not the API: never limited.
        for i in range(10):
            self.assertEqual(d.get("/healthz")[0], 200)


def token_from(d, addr):
    """A coordinator token made by the admin from address addr."""
    status, doc, _ = call(d, "POST", "/tokens",
                          body={"role": "coordinator",
                                "organization": "rate"},
                          headers={"X-Forwarded-For": addr})
    if status != 201:
        raise AssertionError("token: %s %r" % (status, doc))
    return doc["token"]


class Secrets(harness.TestCase):
    """Tokens are stored as digests only; webhook secrets are shown once
    and never logged."""

    def test_nothing_in_clear(self):
        _, d = apikit.start(self, extra=harness.section(
            "subscriber config-co", {
                "webhook": "https://config.example.com/h",
                "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}))
        group, gid = make_token(d, "group", "kariya-npo")
        sub = make_subscriber(d, "acme", webhook="https://hooks.example.com/a",
                              private=True)
        secret, feed_token = sub["secret"], sub["feed_token"]
        self.assertTrue(secret.startswith("whsec_"))
        self.assertTrue(feed_token.startswith("tsf_"))
        rotated = ok(d, "POST", "/subscribers/acme/rotate")["secret"]
        self.assertNotEqual(rotated, secret)
        sub_token, _ = make_token(d, "subscriber", subscriber="acme")
        submit(d, group)

        # Every answer after the one that made it: no secret, no token.
        answers = []
        for path in ("/subscribers", "/subscribers/acme",
                     "/subscribers/config-co", "/tokens", "/api/v1",
                     "/postings"):
            answers.append(json.dumps(ok(d, "GET", path),
                                      ensure_ascii=False))
        answers.append(json.dumps(ok(d, "GET", "/subscribers/acme",
                                     token=sub_token)))
        for text in answers:
            for s in (secret, rotated, feed_token, group, sub_token,
                      "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"):
                self.assertNotIn(s, text)
            self.assertNotIn("whsec_", text)
            self.assertNotIn("tsu_", text)

        # The log names tokens by id, never by text or secret.
        d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log(),
                   what="the reload")
        log = d.log()
        self.assertIn(gid, log)
        for s in (secret, rotated, feed_token, group, sub_token, d.token,
                  "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"):
            self.assertNotIn(s, log)
        self.assertNotIn("whsec_", log)

        # A dump of the database holds no token, only digests.
        d.stop()
        con = sqlite3.connect(os.path.join(d.dir, "tsunagu.db"))
        try:
            dump = "\n".join(con.iterdump())
        finally:
            con.close()
        for s in (group, sub_token, feed_token, group.split("_")[-1],
                  feed_token[4:], d.token):
            self.assertNotIn(s, dump)
        digests = re.findall(r"'([0-9a-f]{64})'", dump)
        self.assertGreaterEqual(len(digests), 3)
        # The webhook secret is kept (deliveries are signed with it).
        self.assertIn(rotated, dump)


if __name__ == "__main__":
    harness.main()
