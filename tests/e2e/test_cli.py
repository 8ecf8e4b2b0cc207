"""tsunagu, the CLI, against a running tsunagud: every command in both
output modes (tables and --json), the exit codes (0 ok, 1 refused, 2
usage, 3 unreachable), and where the URL and token come from (flags,
environment, the configuration file).
"""

import json
import os
import socket
import subprocess
import tempfile

import apikit
import harness
from apikit import SUBMISSION

CLI = os.environ.get("TSUNAGU_CLI", os.path.join(
    harness.SOURCE_ROOT, "build", "daemon", "tsunagu"))
CLI_TIMEOUT = 30


class Cli(harness.TestCase):

    def setUp(self):
        self.origin, self.d = apikit.start(self)
        self.home = tempfile.mkdtemp(prefix="tsunagu-cli-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.home]))
        self.counter = 0

    def env(self, **extra):
        """A clean environment: no TSUNAGU_* of the caller, a HOME of our
        own (no ~/.config/tsunagu/cli.conf); the sanitizers' options."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("TSUNAGU_") and k not in
               ("HOME", "XDG_CONFIG_HOME")}
        env["HOME"] = self.home
        env.update(extra)
        return env

    def run_cli(self, *args, token=None, env=None, stdin=None,
                url=True):
        """tsunagu with --url and --token (the admin's unless given)."""
        argv = [CLI]
        if url:
            argv += ["--url", self.d.base]
        if token is not False:
            argv += ["--token", token or self.d.token]
        argv += list(args)
        return subprocess.run(argv, env=env or self.env(), input=stdin,
                              capture_output=True, text=True,
                              timeout=CLI_TIMEOUT)

    def both(self, make_args, check_table=None, check_json=None, **kw):
        """The command twice, once per output mode; make_args(mode) gives
        its arguments (fresh objects for commands that change things).
        Returns (the table's text, the parsed JSON)."""
        args = make_args("table")
        table = self.run_cli(*args, **kw)
        self.assertEqual(table.returncode, 0, "%s: %s" % (args,
                                                         table.stderr))
        self.assertTrue(table.stdout.strip(), args)
        with self.assertRaises(ValueError, msg="a table is not JSON"):
            json.loads(table.stdout)
        args = make_args("json")
        js = self.run_cli("--json", *args, **kw)
        self.assertEqual(js.returncode, 0, "%s: %s" % (args, js.stderr))
        return table.stdout, json.loads(js.stdout)

    def fresh(self, prefix):
        self.counter += 1
        return "%s-%d" % (prefix, self.counter)

    # -- sources -----------------------------------------------------------

    def test_sources(self):
        d, origin = self.d, self.origin
        table, doc = self.both(lambda m: ["sources"])
        self.assertIn("NAME", table.splitlines()[0])
        self.assertIn("city", table)
        self.assertEqual([s["name"] for s in doc["sources"]], ["city"])

        for args in (["source", "show", "city"], ["source", "city"]):
            table, doc = self.both(lambda m: args)
            self.assertIn("url: " + origin.url(apikit.CITY_PATH), table)
            self.assertEqual(doc["origin"], "config")

        names = {}

        def add(mode):
            names[mode] = self.fresh("npo")
            return ["source", "add", names[mode], origin.url("/npo.xml"),
                    "--kind", "civic", "--interval", "600"]
        table, doc = self.both(add)
        self.assertIn("origin: api", table)
        self.assertEqual((doc["name"], doc["interval"]),
                         (names["json"], 600))
        table, doc = self.both(lambda m: ["source", "set", names[m],
                                          "--interval=900",
                                          "--kind", "shakyo"])
        self.assertIn("interval: 900", table)
        self.assertEqual(doc["kind"], "shakyo")
        table, doc = self.both(lambda m: ["source", "health", names[m]])
        self.assertIn("identity_fallback:", table)
        self.assertIn("identity", doc)
        table, doc = self.both(lambda m: ["source", "pause", names[m]])
        self.assertIn("paused: yes", table)
        self.assertTrue(doc["paused"])
        table, doc = self.both(lambda m: ["source", "resume", names[m]])
        self.assertIn("paused: no", table)
        self.assertFalse(doc["paused"])
        for cmd in (["source", "fetch", "city"], ["fetch", "city"]):
            table, doc = self.both(lambda m: cmd)
            self.assertIn("queued: yes", table)
            self.assertEqual(doc, {"source": "city", "queued": True})
        table, doc = self.both(lambda m: ["source", "rm", names[m]])
        self.assertIn("deleted: yes", table)
        self.assertTrue(doc["deleted"])
        self.assertEqual(sorted(d.sources()), ["city"])
        table, doc = self.both(lambda m: ["health"], token=False)
        self.assertIn("status: ok", table)
        self.assertEqual(doc["status"], "ok")

    # -- subscribers ------------------------------------------------------

    def test_subscribers(self):
        names = {}

        def add(mode):
            names[mode] = self.fresh("denso")
            return ["sub", "add", names[mode], "--webhook",
                    "https://hooks.example.com/d", "--filter", "kind=city",
                    "--private"]
        table, doc = self.both(add)
        self.assertIn("secret: whsec_", table)
        self.assertIn("feed_token: tsf_", table)
        self.assertTrue(doc["secret"].startswith("whsec_"))
        self.assertTrue(doc["private"])

        table, doc = self.both(lambda m: ["subs"])
        self.assertIn("WEBHOOK", table.splitlines()[0])
        self.assertIn(names["table"], table)
        self.assertNotIn("whsec_", table)
        self.assertEqual(len(doc["subscribers"]), 2)
        for cmd in ("show", None):
            table, doc = self.both(lambda m: ["sub"] + ([cmd] if cmd
                                                        else []) + [names[m]])
            self.assertIn("filter: kind=city", table)
            self.assertNotIn("secret", doc)
        table, doc = self.both(lambda m: ["sub", "set", names[m],
                                          "--filter", "kind=shakyo",
                                          "--no-webhook"])
        self.assertIn("filter: kind=shakyo", table)
        self.assertIsNone(doc["webhook"])
        table, doc = self.both(lambda m: ["sub", "rotate", names[m]])
        self.assertIn("secret: whsec_", table)
        self.assertTrue(doc["secret"].startswith("whsec_"))
        table, doc = self.both(lambda m: ["sub", "disable", names[m]])
        self.assertIn("disabled: yes", table)
        self.assertTrue(doc["disabled"])
        table, doc = self.both(lambda m: ["sub", "enable", names[m]])
        self.assertIn("disabled: no", table)
        table, doc = self.both(lambda m: ["sub", "feed-token", names[m]])
        self.assertIn("feed_token: tsf_", table)
        table, doc = self.both(lambda m: ["sub", "feed-token", names[m],
                                          "--remove"])
        self.assertIn("private: no", table)
        self.assertFalse(doc["private"])

        # Webhook delivery (test_webhooks.py has it end to end): a ping
        # is made in both modes, and a delivery that is not there is
        # refused (1) with the API's error.
        for name in names.values():
            self.assertEqual(self.run_cli(
                "sub", "set", name, "--webhook",
                "https://hooks.example.com/d").returncode, 0)
        table, doc = self.both(lambda m: ["sub", "ping", names[m]])
        self.assertIn("type: ping", table)
        self.assertEqual(doc["type"], "ping")
        for mode in ([], ["--json"]):
            with self.subTest(mode=mode):
                r = self.run_cli(*(mode + ["redeliver", names["table"],
                                           "d424242"]))
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertIn("404", r.stderr)

        table, doc = self.both(lambda m: ["sub", "rm", names[m]])
        self.assertIn("deleted: yes", table)
        self.assertEqual(self.run_cli("sub", "show", names["json"])
                         .returncode, 1)

    # -- postings ------------------------------------------------------------

    def test_postings(self):
        group, _ = apikit.make_token(self.d, "group", "kariya-npo")
        path = os.path.join(self.home, "posting.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(SUBMISSION, f, ensure_ascii=False)
        ids = {}
        table = self.run_cli("post", path, token=group)
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("moderation: pending", table.stdout)
        self.assertIn("title: " + SUBMISSION["title"], table.stdout)
        js = self.run_cli("--json", "post", "-", token=group,
                          stdin=json.dumps(SUBMISSION))
        self.assertEqual(js.returncode, 0, js.stderr)
        ids["json"] = json.loads(js.stdout)["id"]
        ids["table"] = [line.split(": ", 1)[1] for line in
                        table.stdout.splitlines()
                        if line.startswith("id: ")][0]

        table, doc = self.both(lambda m: ["postings"])
        header = table.splitlines()[0]
        for col in ("ID", "MODERATION", "STATUS", "TITLE"):
            self.assertIn(col, header)
        self.assertIn(SUBMISSION["title"], table)
        self.assertEqual(len(doc["postings"]), len(apikit.CITY_ITEMS) + 2)
        table, doc = self.both(lambda m: ["postings", "--moderation",
                                          "pending"])
        self.assertEqual(sorted(p["id"] for p in doc["postings"]),
                         sorted(ids.values()))
        table, doc = self.both(lambda m: ["postings", "--kind", "city",
                                          "--limit", "1"])
        self.assertEqual(len(doc["postings"]), 1)
        self.assertIsNotNone(doc["next"])
        r = self.run_cli("postings", "--limit", "1")
        self.assertIn("--after", r.stderr)

        table, doc = self.both(lambda m: ["posting", "show", ids[m]])
        self.assertIn("merge:", table)
        self.assertIn("explanation:", table)
        self.assertEqual(doc["merge"]["overrides"], [])
        edit = os.path.join(self.home, "edit.json")
        with open(edit, "w", encoding="utf-8") as f:
            json.dump({"place": "刈谷市役所"}, f, ensure_ascii=False)
        table, doc = self.both(lambda m: ["posting", "edit", ids[m], edit])
        self.assertIn("place: 刈谷市役所", table)
        self.assertEqual(doc["place"], "刈谷市役所")
        table, doc = self.both(lambda m: ["posting", "approve", ids[m]])
        self.assertIn("moderation: published", table)
        self.assertEqual(doc["moderation"], "published")
        table, doc = self.both(lambda m: ["posting", "withdraw", ids[m]])
        self.assertIn("status: withdrawn", table)
        self.assertEqual(doc["status"], "withdrawn")

        # A bad submission: refused (1), naming the field.
        bad = os.path.join(self.home, "bad.json")
        with open(bad, "w", encoding="utf-8") as f:
            json.dump(dict(SUBMISSION, area="232107"), f)
        r = self.run_cli("post", bad, token=group)
        self.assertEqual(r.returncode, 1)
        self.assertIn("area:", r.stderr)
        r = self.run_cli("--json", "post", bad, token=group)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(json.loads(r.stdout)["field"], "area")
        # A file that is not JSON, or not there: usage (2), nothing sent.
        with open(bad, "w") as f:
            f.write("{title")
        for args in (["post", bad], ["post", bad + ".missing"],
                     ["posting", "edit", ids["json"], bad]):
            with self.subTest(args=args):
                r = self.run_cli(*args, token=group)
                self.assertEqual(r.returncode, 2, r.stderr)

    # -- tokens and routes ------------------------------------------------------

    def test_tokens(self):
        made = {}

        def create(mode):
            return ["token", "create", "group", "--org", "kariya-npo",
                    "--label", "npo " + mode]
        table, doc = self.both(create)
        self.assertIn("token: tsu_", table)
        self.assertIn("shown once", self.run_cli(*create("x")).stderr)
        made["json"] = doc
        made["table"] = {"id": [line.split(": ", 1)[1] for line in
                                table.splitlines()
                                if line.startswith("id: ")][0]}
        # The new token works.
        r = self.run_cli("postings", token=doc["token"])
        self.assertEqual(r.returncode, 0, r.stderr)

        table, doc = self.both(lambda m: ["tokens"])
        self.assertIn("kariya-npo", table)
        self.assertIn("ROLE", table.splitlines()[0])
        self.assertNotIn("tsu_", table)
        self.assertGreaterEqual(len(doc["tokens"]), 3)
        table, doc = self.both(lambda m: ["token", "revoke",
                                          made[m]["id"]])
        self.assertIn("revoked: 20", table)
        self.assertIsNotNone(doc["revoked"])
        r = self.run_cli("postings", token=made["json"]["token"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("401", r.stderr)

        table, doc = self.both(lambda m: ["routes"])
        self.assertIn("/api/v1/postings/{id}/withdraw", table)
        self.assertEqual(doc["token"]["role"], "admin")
        self.assertGreaterEqual(len(doc["routes"]), 30)

    # -- exit codes ---------------------------------------------------------------

    def test_exit_codes(self):
        # 2: usage, before anything is sent.
        for args in ([], ["frobnicate"], ["source", "add", "x"],
                     ["source", "add", "x", "http://a/", "--kind"],
                     ["source", "add", "x", "http://a/"],
                     ["source", "show", "a", "b"],
                     ["sources", "--colour", "red"],
                     ["sources", "extra"],
                     ["source", "set", "city"],
                     ["--no-such-option", "sources"],
                     ["token", "create"]):
            with self.subTest(args=args):
                r = self.run_cli(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("usage", r.stderr)
        r = self.run_cli("help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("source add", r.stdout)
        # 1: the daemon refused.
        for args, token in ((["source", "show", "nope"], None),
                            (["sources"], "wrong-token-0123456789"),
                            (["source", "rm", "city"], None)):
            with self.subTest(args=args):
                r = self.run_cli(*args, token=token)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn("HTTP", r.stderr)
        coordinator, _ = apikit.make_token(self.d, "coordinator", "x")
        r = self.run_cli("sources", token=coordinator)
        self.assertEqual(r.returncode, 1)
        self.assertIn("403", r.stderr)
        # 3: nothing answers, or not the API.
        closed = socket.socket()
        closed.bind((harness.HOST, 0))
        port = closed.getsockname()[1]
        closed.close()
        for url in ("http://127.0.0.1:%d" % port,
                    self.origin.url("")):
            with self.subTest(url=url):
                r = subprocess.run([CLI, "--url", url, "--token", "x" * 20,
                                    "sources"], env=self.env(),
                                   capture_output=True, text=True,
                                   timeout=CLI_TIMEOUT)
                self.assertEqual(r.returncode, 3, r.stderr)
                self.assertTrue(r.stderr.startswith("tsunagu: "))

    # -- where the URL and the token come from ----------------------------------

    def test_environment_and_config_file(self):
        d = self.d
        # The environment.
        r = self.run_cli("sources", url=False, token=False,
                         env=self.env(TSUNAGU_URL=d.base + "/",
                                      TSUNAGU_TOKEN=d.token))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("city", r.stdout)

        # ~/.config/tsunagu/cli.conf, then TSUNAGU_CONFIG.
        conf_dir = os.path.join(self.home, ".config", "tsunagu")
        os.makedirs(conf_dir)
        conf = os.path.join(conf_dir, "cli.conf")
        with open(conf, "w") as f:
            f.write("# tsunagu\nurl = %s\ntoken = %s\n" % (d.base, d.token))
        os.chmod(conf, 0o600)
        r = self.run_cli("--json", "sources", url=False, token=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["sources"][0]["name"], "city")
        self.assertEqual(r.stderr, "")
        # The flags and the environment come first.
        r = self.run_cli("sources", url=False, token="wrong-0123456789abcd")
        self.assertEqual(r.returncode, 1)
        r = self.run_cli("sources", url=False, token=False,
                         env=self.env(TSUNAGU_TOKEN="wrong-0123456789ab"))
        self.assertEqual(r.returncode, 1)

        other = os.path.join(self.home, "other.conf")
        token_file = os.path.join(self.home, "token")
        with open(token_file, "w") as f:
            f.write(d.token + "\n")
        with open(other, "w") as f:
            f.write("url = %s\ntoken_file = %s\n" % (d.base, token_file))
        r = self.run_cli("sources", url=False, token=False,
                         env=self.env(TSUNAGU_CONFIG=other))
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_cli("--config", other, "sources", url=False,
                         token=False)
        self.assertEqual(r.returncode, 0, r.stderr)

        # A token others can read is warned about.
        os.chmod(conf, 0o644)
        r = self.run_cli("sources", url=False, token=False)
        self.assertEqual(r.returncode, 0)
        self.assertIn("chmod 600", r.stderr)
        # Errors in the file: usage (2), with file and line.
        with open(other, "w") as f:
            f.write("url = %s\ncolour = red\n" % d.base)
        r = self.run_cli("sources", env=self.env(TSUNAGU_CONFIG=other))
        self.assertEqual(r.returncode, 2)
        self.assertIn("other.conf:2", r.stderr)
        r = self.run_cli("sources", env=self.env(
            TSUNAGU_CONFIG=os.path.join(self.home, "missing.conf")))
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    harness.main()
