"""The moderation queue shared by coordinators (issue 8): a group submits,
coordinators of two organizations act, the first decision wins and the
second is answered 409; approval publishes at once (feeds, webhooks), a
rejection tells the group why; sources with moderation = on wait too;
every decision and edit is in the audit trail (JSON, CSV, the CLI); the
/admin/ pages are served with a strict policy.
"""

import csv
import http.server
import io
import json
import os
import re
import sqlite3
import subprocess
import threading

import apikit
import harness
from apikit import SUBMISSION, call, ok, submit
from harness import rss

CLI = os.environ.get("TSUNAGU_CLI", os.path.join(
    harness.SOURCE_ROOT, "build", "daemon", "tsunagu"))

CIVIC_PATH = "/civic/rss.xml"
CIVIC_ITEMS = [
    {"title": "子ども食堂のボランティア募集",
     "link": "https://civic.example.jp/events/1",
     "description": "<p>毎月第2土曜日、調理と配膳のお手伝いです。</p>"},
    {"title": "図書館の読み聞かせ",
     "link": "https://civic.example.jp/events/2",
     "description": "<p>絵本の読み聞かせボランティア。</p>"},
]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")


class Receiver:
    """A webhook endpoint on 127.0.0.1 that keeps every POST body."""

    def __init__(self):
        received = self.received = []
        lock = self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                with lock:
                    received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def events(self):
        with self.lock:
            out = []
            for _, body in self.received:
                try:
                    out.append(json.loads(body.decode("utf-8")))
                except ValueError:
                    pass
            return out

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def delivery_implemented(d):
    """Has webhook delivery landed?  (0.1 answers ping with 501.)"""
    status, _, _ = call(d, "POST", "/subscribers/hooked/ping")
    return status != 501


class Moderation(harness.TestCase):

    def setUp(self):
        self.receiver = Receiver()
        self.addCleanup(self.receiver.stop)
        self.origin = self.new_origin()
        self.origin.set_feed(apikit.CITY_PATH, rss(apikit.CITY_ITEMS))
        self.origin.set_feed(CIVIC_PATH, rss(CIVIC_ITEMS))
        extra = harness.source_section(
            "civic-net", self.origin.url(CIVIC_PATH), kind="civic",
            moderation="on")
        self.d = self.new_daemon(apikit.config(self.origin, extra=extra))
        self.d.fetch_and_wait("city")
        self.d.fetch_and_wait("civic-net")
        d = self.d
        self.group, self.group_id = apikit.make_token(
            d, "group", "kariya-npo", label="刈谷NPOネット 山田")
        self.center, self.center_id = apikit.make_token(
            d, "coordinator", "kariya-center", label="支援センター 佐藤")
        self.shakyo, self.shakyo_id = apikit.make_token(
            d, "coordinator", "kariya-shakyo", label="社協 鈴木")
        apikit.make_subscriber(d, "hooked", webhook=self.receiver.url)

    def feed_titles(self):
        return {it["title"] for it in self.d.items("?limit=1000")}

    def audit(self, query=""):
        return ok(self.d, "GET", "/audit" + query, token=self.shakyo)["audit"]

    # -- the flow of the issue ------------------------------------------

    def test_group_submits_two_coordinators_first_decision_wins(self):
        d = self.d
        pid = submit(d, self.group, title="逢妻川クリーン作戦 2026")
        self.assertNotIn(pid, apikit.posting_ids_in_feed(d))

        # Both coordinators see it in the queue, as it will be published.
        for token in (self.center, self.shakyo):
            queue = ok(d, "GET", "/moderation", token=token)
            mine = [q for q in queue["queue"] if q["id"] == pid]
            self.assertEqual(len(mine), 1)
            self.assertEqual(mine[0]["submitted_by"], "kariya-npo")
            item = mine[0]["feed_item"]
            self.assertEqual(item["id"], pid)
            self.assertEqual(item["title"], "逢妻川クリーン作戦 2026")
            self.assertEqual(item["_tsunagu"]["start"], SUBMISSION["start"])
            self.assertEqual(item["_tsunagu"]["place"], SUBMISSION["place"])
            self.assertEqual(item["_tsunagu"]["revision"], 2)

        # The support center approves first; the shakyo's rejection and
        # its own approval, a moment later, find it decided.
        approved = ok(d, "POST", "/postings/%s/approve" % pid,
                      token=self.center)
        self.assertEqual(approved["moderation"], "published")
        self.assertEqual(approved["revision"], 2)
        self.assertEqual(approved["decision"]["organization"],
                         "kariya-center")
        for action, body in (("reject", {"reason": "日程が重複しています"}),
                             ("approve", None)):
            status, doc, _ = call(d, "POST", "/postings/%s/%s"
                                  % (pid, action), token=self.shakyo,
                                  body=body)
            self.assertEqual(status, 409, doc)
            self.assertEqual(doc["moderation"], "published")
            self.assertEqual(doc["decision"]["state"], "published")
            self.assertEqual(doc["decision"]["organization"],
                             "kariya-center")
            self.assertIn("kariya-center", doc["error"])

        # Published at once, in every feed; the preview was the item.
        items = {it["id"]: it for it in d.items("?limit=1000")}
        self.assertIn(pid, items)
        published = items[pid]
        for key in ("title", "content_html", "summary", "url"):
            self.assertEqual(published.get(key), item.get(key), key)
        for key in ("start", "end", "deadline", "place", "area", "revision",
                    "organizer", "category", "origin"):
            self.assertEqual(published["_tsunagu"].get(key),
                             item["_tsunagu"].get(key), key)
        status, _, body = d.get("/feeds/all.atom")
        self.assertIn("逢妻川クリーン作戦 2026", body.decode("utf-8"))

        # The webhook receiver: when delivery has landed, a
        # posting.created with the item; before that, the outbox event
        # written in the approval's transaction.
        if delivery_implemented(d):
            def created():
                return [e for e in self.receiver.events()
                        if e.get("type") == "posting.created"
                        and e.get("data", {}).get("id") == pid]
            events = d.wait_for(created, what="posting.created of %s" % pid)
            self.assertEqual(events[0]["data"]["title"],
                             "逢妻川クリーン作戦 2026")
            self.assertEqual(events[0]["data"]["_tsunagu"]["revision"], 2)
        else:
            self.assert_outbox_event(pid)

        # The audit trail: the submission and the one decision.
        rows = self.audit("?posting=" + pid)
        self.assertEqual([r["action"] for r in rows], ["approve", "submit"])
        decision, submission = rows
        self.assertEqual(decision["organization"], "kariya-center")
        self.assertEqual(decision["role"], "coordinator")
        self.assertEqual(decision["token"], self.center_id)
        self.assertEqual(decision["label"], "支援センター 佐藤")
        self.assertEqual(decision["changes"], {"moderation": {
            "from": "pending", "to": "published"}})
        self.assertEqual(submission["organization"], "kariya-npo")
        self.assertEqual(submission["changes"]["title"],
                         {"from": None, "to": "逢妻川クリーン作戦 2026"})
        harness.parse_time(decision["at"])

    def assert_outbox_event(self, pid):
        """The event the webhook outbox's trigger wrote, if that schema is
        in this build; without it, nothing to check here."""
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(
            self.d.dir, "tsunagu.db"), uri=True, timeout=10)
        try:
            tables = {r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "posting_events" not in tables:
                return
            rows = db.execute("SELECT type, revision FROM posting_events "
                              "WHERE posting_id = ?", (pid,)).fetchall()
        finally:
            db.close()
        self.assertEqual(rows, [("posting.created", 2)])

    def test_rejection_reason_reaches_the_group_which_resubmits(self):
        d = self.d
        pid = submit(d, self.group)
        # A reason is required, and must say something.
        for body in (None, {}, {"reason": "  "}, {"reason": 3},
                     {"reason": "x", "note": "y"}):
            status, doc, _ = call(d, "POST", "/postings/%s/reject" % pid,
                                  token=self.shakyo, body=body)
            self.assertEqual(status, 400, (body, doc))
        reason = "開始時刻が募集ページと違います。<b>確認</b>してください。"
        rejected = ok(d, "POST", "/postings/%s/reject" % pid,
                      token=self.shakyo, body={"reason": reason})
        self.assertEqual(rejected["moderation"], "rejected")
        self.assertNotIn(pid, apikit.posting_ids_in_feed(d))
        self.assertEqual(call(d, "POST", "/postings/%s/approve" % pid,
                              token=self.center)[0], 409)

        # The group reads why, in the posting and in its list.
        mine = ok(d, "GET", "/postings/" + pid, token=self.group)
        self.assertEqual(mine["moderation"], "rejected")
        self.assertEqual(mine["decision"]["reason"], reason)
        self.assertEqual(mine["decision"]["organization"], "kariya-shakyo")
        listed = ok(d, "GET", "/postings", token=self.group)["postings"]
        self.assertEqual([(p["id"], p["decision"]["reason"])
                          for p in listed], [(pid, reason)])

        # It fixes the posting: it waits again, without the old decision.
        fixed = ok(d, "PATCH", "/postings/" + pid, token=self.group,
                   body={"start": "2026-09-12T10:00:00+09:00"})
        self.assertEqual(fixed["moderation"], "pending")
        self.assertIsNone(fixed["decision"])
        queue = ok(d, "GET", "/moderation", token=self.center)["queue"]
        self.assertIn(pid, [q["id"] for q in queue])
        ok(d, "POST", "/postings/%s/approve" % pid, token=self.center)
        self.assertIn(pid, apikit.posting_ids_in_feed(d))

        rows = self.audit("?posting=" + pid)
        self.assertEqual([r["action"] for r in rows],
                         ["approve", "resubmit", "edit", "reject", "submit"])
        self.assertEqual(rows[3]["reason"], reason)
        self.assertEqual(rows[2]["changes"]["start"]["to"],
                         "2026-09-12T10:00:00+09:00")
        self.assertEqual(rows[2]["organization"], "kariya-npo")

    def test_who_may_decide(self):
        d = self.d
        pid = submit(d, self.group)
        subscriber, _ = apikit.make_token(d, "subscriber",
                                          subscriber="hooked")
        for token in (self.group, subscriber):
            for path in ("/postings/%s/approve" % pid,
                         "/postings/%s/reject" % pid):
                self.assertEqual(call(d, "POST", path, token=token,
                                      body={"reason": "x"})[0], 403)
            self.assertEqual(call(d, "GET", "/moderation", token=token)[0],
                             403)
            self.assertEqual(call(d, "GET", "/audit", token=token)[0], 403)
        self.assertEqual(call(d, "POST", "/postings/pnope/approve",
                              token=self.center)[0], 404)
        self.assertEqual(call(d, "GET", "/moderation", auth=False)[0], 401)
        # A posting that never waited is not pending.
        city = next(iter(self.city_ids()))
        status, doc, _ = call(d, "POST", "/postings/%s/reject" % city,
                              token=self.center, body={"reason": "x"})
        self.assertEqual(status, 409, doc)
        self.assertIsNone(doc["decision"])
        # An admin decides too.
        self.assertEqual(ok(d, "POST", "/postings/%s/approve" % pid)
                         ["decision"]["role"], "admin")

    def test_withdrawn_while_waiting_leaves_the_queue(self):
        d = self.d
        waiting = submit(d, self.group, title="取り下げる投稿")
        rejected = submit(d, self.group, title="却下後に取り下げる投稿")
        ok(d, "POST", "/postings/%s/reject" % rejected, token=self.center,
           body={"reason": "対象外です"})
        before = ok(d, "GET", "/moderation", token=self.center)["total"]
        for pid in (waiting, rejected):
            ok(d, "POST", "/postings/%s/withdraw" % pid, token=self.group)
        queue = ok(d, "GET", "/moderation", token=self.center)
        self.assertEqual(queue["total"], before - 1)
        self.assertNotIn(waiting, [q["id"] for q in queue["queue"]])
        # Withdrawing what was rejected is no request to publish it.
        shown = ok(d, "GET", "/postings/" + rejected, token=self.group)
        self.assertEqual(shown["moderation"], "rejected")
        self.assertEqual(shown["decision"]["reason"], "対象外です")
        self.assertEqual([r["action"] for r in self.audit(
            "?posting=" + rejected)], ["withdraw", "reject", "submit"])

    def city_ids(self):
        return {it["id"] for it in self.d.items()
                if it["_tsunagu"]["kind"] == "city"}

    def test_a_coordinator_edits_before_approving(self):
        d = self.d
        pid = submit(d, self.group)
        edited = ok(d, "PATCH", "/postings/" + pid, token=self.center,
                    body={"title": "逢妻川クリーン作戦（雨天中止）",
                          "place": "逢妻川 さくら橋下"})
        self.assertEqual(edited["moderation"], "pending")
        self.assertNotIn(pid, apikit.posting_ids_in_feed(d))
        item = [q for q in ok(d, "GET", "/moderation",
                              token=self.shakyo)["queue"]
                if q["id"] == pid][0]["feed_item"]
        self.assertEqual(item["title"], "逢妻川クリーン作戦（雨天中止）")
        ok(d, "POST", "/postings/%s/approve" % pid, token=self.shakyo)
        self.assertIn("逢妻川クリーン作戦（雨天中止）", self.feed_titles())
        edit = [r for r in self.audit("?posting=" + pid)
                if r["action"] == "edit"][0]
        self.assertEqual(edit["changes"], {
            "title": {"from": SUBMISSION["title"],
                      "to": "逢妻川クリーン作戦（雨天中止）"},
            "place": {"from": SUBMISSION["place"],
                      "to": "逢妻川 さくら橋下"}})
        self.assertEqual(edit["token"], self.center_id)

        # An edit of a published posting and a withdrawal: audited too.
        city = sorted(self.city_ids())[0]
        ok(d, "PATCH", "/postings/" + city, token=self.shakyo,
           body={"fee": "無料"})
        ok(d, "POST", "/postings/%s/withdraw" % city, token=self.shakyo)
        rows = self.audit("?posting=" + city)
        self.assertEqual([r["action"] for r in rows], ["withdraw", "edit"])
        self.assertEqual(rows[0]["changes"]["status"],
                         {"from": "open", "to": "withdrawn"})

    def test_a_source_with_moderation_on_waits(self):
        d = self.d
        titles = self.feed_titles()
        for it in apikit.CITY_ITEMS:
            self.assertIn(it["title"], titles)
        for it in CIVIC_ITEMS:
            self.assertNotIn(it["title"], titles)
        queue = ok(d, "GET", "/moderation", token=self.center)
        held = {q["title"]: q for q in queue["queue"]}
        self.assertEqual(sorted(held), sorted(i["title"] for i in CIVIC_ITEMS))
        self.assertEqual(queue["total"], 2)
        first = held[CIVIC_ITEMS[0]["title"]]
        self.assertIsNone(first["submitted_by"])
        self.assertEqual(first["sources"][0]["source"], "civic-net")
        self.assertEqual(first["feed_item"]["url"], CIVIC_ITEMS[0]["link"])

        ok(d, "POST", "/postings/%s/approve" % first["id"], token=self.center)
        # A change at the source leaves the other one waiting and the
        # approved one published.
        changed = [dict(i, description=i["description"] + "<p>追記</p>")
                   for i in CIVIC_ITEMS]
        self.origin.set_feed(CIVIC_PATH, rss(changed))
        d.fetch_and_wait("civic-net")
        titles = self.feed_titles()
        self.assertIn(CIVIC_ITEMS[0]["title"], titles)
        self.assertNotIn(CIVIC_ITEMS[1]["title"], titles)
        self.assertEqual(ok(d, "GET", "/moderation", token=self.center)
                         ["total"], 1)

        # Turned off by a reload: new entries are published at once.
        d.write_config(apikit.config(self.origin, extra=harness.source_section(
            "civic-net", self.origin.url(CIVIC_PATH), kind="civic")))
        mark = d.reload()
        d.wait_for(lambda: "configuration reloaded" in d.log_since(mark),
                   what="the reload")
        self.origin.set_feed(CIVIC_PATH, rss(changed + [
            {"title": "公園の花壇づくり", "link": "https://civic.example.jp/events/3",
             "description": "<p>花苗の植え付け</p>"}]))
        d.fetch_and_wait("civic-net")
        titles = self.feed_titles()
        self.assertIn("公園の花壇づくり", titles)
        self.assertNotIn(CIVIC_ITEMS[1]["title"], titles)

    def test_audit_filters_paging_and_csv(self):
        d = self.d
        a = submit(d, self.group, title="=HYPERLINK(\"http://x\")")
        b = submit(d, self.group, title="b")
        ok(d, "POST", "/postings/%s/approve" % a, token=self.center,
           body={"reason": "=1+2"})
        ok(d, "POST", "/postings/%s/reject" % b, token=self.shakyo,
           body={"reason": "理由, \"引用\"\n二行目"})
        everything = self.audit()
        self.assertEqual([r["action"] for r in everything],
                         ["reject", "approve", "submit", "submit"])
        ids = [r["id"] for r in everything]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertEqual([r["posting"] for r in self.audit("?actor=" +
                          self.shakyo_id)], [b])
        self.assertEqual([r["action"] for r in self.audit(
            "?actor=kariya-npo")], ["submit", "submit"])
        self.assertEqual(self.audit("?since=2999-01-01"), [])
        self.assertEqual(len(self.audit("?since=2000-01-01T00:00:00Z")), 4)
        # Pages of one, following next.
        seen, path = [], "/audit?limit=1"
        for _ in range(10):
            doc = ok(d, "GET", path, token=self.center)
            seen += [r["id"] for r in doc["audit"]]
            if doc["next"] is None:
                break
            path = "/audit?limit=1&before=" + doc["next"]
        self.assertEqual(seen, ids)
        for query, field in (("since=yesterday", "since"),
                             ("limit=0", "limit"), ("before=x", "before"),
                             ("format=xml", "format"), ("who=me", "who")):
            status, doc, _ = call(d, "GET", "/audit?" + query)
            self.assertEqual(status, 400, query)
            self.assertEqual(doc["field"], field)

        status, headers, body = d.request("GET", "/api/v1/audit?format=csv",
                                          d.auth(self.center))
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", headers["Content-Disposition"])
        text = body.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(text[1:], newline="")))
        self.assertEqual(rows[0], ["id", "at", "action", "posting",
                                   "organization", "role", "token", "label",
                                   "reason", "changes"])
        self.assertEqual([r[2] for r in rows[1:]],
                         ["reject", "approve", "submit", "submit"])
        self.assertEqual(rows[1][8], "理由, \"引用\"\n二行目")
        self.assertEqual(rows[1][7], "社協 鈴木")
        # A cell a spreadsheet would run as a formula is defused.
        self.assertEqual(rows[2][8], "'=1+2")
        submitted_a = [r for r in rows if r[2] == "submit" and r[3] == a][0]
        self.assertTrue(submitted_a[9].startswith("{"))
        self.assertIn("=HYPERLINK", submitted_a[9])
        for r in rows:
            for cell in r:
                self.assertFalse(cell[:1] in ("=", "+", "-", "@"), cell)

    def test_cli_queue_reject_audit(self):
        d = self.d
        pid = submit(d, self.group, title="CLIで却下する投稿")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("TSUNAGU_")}

        def cli(*args, token):
            return subprocess.run([CLI, "--url", d.base, "--token", token]
                                  + list(args), env=env, capture_output=True,
                                  text=True, timeout=30)
        queue = cli("queue", token=self.center)
        self.assertEqual(queue.returncode, 0, queue.stderr)
        self.assertIn(pid, queue.stdout)
        self.assertIn("kariya-npo", queue.stdout)
        self.assertIn("3 pending", queue.stdout)
        usage = cli("posting", "reject", pid, token=self.center)
        self.assertEqual(usage.returncode, 2)
        done = cli("posting", "reject", pid, "--reason", "写真の掲載許可が必要です",
                   token=self.center)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("moderation: rejected", done.stdout)
        again = cli("posting", "approve", pid, token=self.shakyo)
        self.assertEqual(again.returncode, 1)
        self.assertIn("409", again.stderr)
        table = cli("audit", "--posting", pid, token=self.shakyo)
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("pending→rejected", table.stdout)
        self.assertIn("coordinator:kariya-center", table.stdout)
        as_json = cli("--json", "audit", "--posting", pid, token=self.shakyo)
        self.assertEqual([r["action"] for r in json.loads(as_json.stdout)
                          ["audit"]], ["reject", "submit"])
        exported = cli("audit", "--csv", "--actor", "kariya-center",
                       token=self.shakyo)
        self.assertEqual(exported.returncode, 0, exported.stderr)
        rows = list(csv.reader(io.StringIO(exported.stdout.lstrip("\ufeff"))))
        self.assertEqual([r[2] for r in rows[1:]], ["reject"])
        self.assertEqual(rows[1][8], "写真の掲載許可が必要です")
        refused = cli("audit", "--csv", token=self.group)
        self.assertEqual(refused.returncode, 1)


class AdminPages(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.d = harness.Daemon(harness.daemon_section())
        cls.d.start()
        cls.shared_daemons = (cls.d,)

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def test_pages_and_their_headers(self):
        d = self.d
        status, headers, _ = d.get("/admin")
        self.assertEqual(status, 301)
        self.assertEqual(headers["Location"], "/admin/")
        pages = {}
        for path, ctype in (("/admin/", "text/html; charset=utf-8"),
                            ("/admin/app.js",
                             "text/javascript; charset=utf-8"),
                            ("/admin/style.css", "text/css; charset=utf-8")):
            status, headers, body = d.get(path)
            self.assertEqual(status, 200, path)
            self.assertEqual(headers["Content-Type"], ctype)
            self.assertEqual(headers["Content-Security-Policy"], CSP)
            self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
            self.assertEqual(headers["Referrer-Policy"], "no-referrer")
            self.assertEqual(headers["X-Frame-Options"], "DENY")
            self.assertIsNone(headers["Set-Cookie"])
            pages[path] = body.decode("utf-8")
            # The same bytes again cost nothing.
            again, _, empty = d.get(path, {"If-None-Match": headers["ETag"]})
            self.assertEqual((again, empty), (304, b""))
        status, headers, _ = d.get("/admin/nothing.js")
        self.assertEqual(status, 404)
        self.assertEqual(headers["Content-Security-Policy"], CSP)
        self.assertEqual(d.get("/admin/../api/v1")[0] in (400, 404), True)

        html = pages["/admin/"]
        self.assertIn('<html lang="ja">', html)
        # No inline script, style or handler anywhere: the policy would
        # block them, and they are not needed.
        self.assertEqual(re.findall(r"<script(?![^>]*\bsrc=)", html), [])
        self.assertNotRegex(html, r"<style|\sstyle=|\son[a-z]+=")
        # Every control has a label.
        for control in re.findall(r'<(?:input|textarea|select)[^>]*id="([^"]+)"',
                                  html):
            self.assertIn('for="%s"' % control, html)
        js = pages["/admin/app.js"]
        for bad in ("innerHTML", "outerHTML", "insertAdjacentHTML",
                    "document.write", "eval(", "new Function"):
            self.assertNotIn(bad, js)
        self.assertNotIn("document.cookie", js)

    def test_head_and_methods(self):
        status, _, body = self.d.request("HEAD", "/admin/app.js")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(self.d.request("POST", "/admin/")[0], 405)


if __name__ == "__main__":
    harness.main()
