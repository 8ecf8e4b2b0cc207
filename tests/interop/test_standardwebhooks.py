"""Interoperability: the Standard Webhooks reference library for
JavaScript (npm "standardwebhooks") verifies every webhook tsunagud
delivers — postings created and updated, a ping, a redelivery, and the
two signatures sent while a rotated secret overlaps the old one — and
refuses a tampered body, a wrong secret and a replaced id.

The package is installed with npm into the build directory
(TSUNAGU_NPM_DIR) the first time; without node or npm, or without the
registry, the test is skipped (exit 77).
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))

import apikit  # noqa: E402
import harness  # noqa: E402
from apikit import ok  # noqa: E402
from webhook_sink import Sink, verify  # noqa: E402

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NPM_DIR = os.environ.get("TSUNAGU_NPM_DIR",
                         os.path.join(tempfile.gettempdir(), "tsunagu-npm"))
PACKAGE = "standardwebhooks@1"


def install():
    """The package's directory, installing it when missing; None when it
    cannot be had."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        print("node and npm are needed (Debian: nodejs, npm): skipped")
        return None
    mod = os.path.join(NPM_DIR, "node_modules", "standardwebhooks")
    if not os.path.isdir(mod):
        os.makedirs(NPM_DIR, exist_ok=True)
        r = subprocess.run([npm, "install", "--no-audit", "--no-fund",
                            "--silent", "--prefix", NPM_DIR, PACKAGE],
                           capture_output=True, text=True, timeout=240)
        if r.returncode != 0 or not os.path.isdir(mod):
            print("npm install %s failed: skipped\n%s" % (PACKAGE,
                                                          r.stderr[-2000:]))
            return None
    return os.path.join(NPM_DIR, "node_modules")


class StandardWebhooksInterop(harness.TestCase):

    def test_reference_library_verifies_every_delivery(self):
        sink = Sink()
        self.addCleanup(sink.stop)
        origin = self.new_origin()
        # Empty until the API subscriber exists: it gets every change.
        origin.set_feed(apikit.CITY_PATH, harness.rss([]))
        d = self.new_daemon(apikit.config(origin, extra=harness.section(
            "subscriber acme", {"webhook": sink.url("/hook"),
                                "secret": SECRET})))
        hook = "/hook"
        # An API subscriber: its secret is made and shown once.
        created = ok(d, "POST", "/subscribers", body={
            "name": "api-sub", "webhook": sink.url("/api-hook")})
        origin.set_feed(apikit.CITY_PATH, harness.rss(apikit.CITY_ITEMS))
        d.fetch_and_wait("city")
        sink.wait(2, "/api-hook")
        # The file's subscriber got a secret made too: rotate it to learn
        # it, then both signatures travel during the overlap.
        rotated = ok(d, "POST", "/subscribers/api-sub/rotate")["secret"]
        items = [dict(apikit.CITY_ITEMS[0]), apikit.CITY_ITEMS[1]]
        items[0]["title"] += "（延期）"
        origin.set_feed(apikit.CITY_PATH, harness.rss(items))
        d.fetch_and_wait("city")
        ping = ok(d, "POST", "/subscribers/api-sub/ping")
        got = sink.wait(4, "/api-hook")
        ok(d, "POST", "/deliveries/%s/redeliver" % ping["id"])
        got = sink.wait(5, "/api-hook")
        cases = [(SECRET, r, True) for r in sink.wait(3, hook)]
        for r in got:
            secret = created["secret"] if verify(r, created["secret"]) \
                else rotated
            cases.append((secret, r, True))
        # After the rotation, the old secret still verifies (overlap).
        after = [r for r in got if " " in r.signature]
        self.assertTrue(after, "no delivery carried two signatures")
        for r in after:
            cases.append((created["secret"], r, True))
            cases.append((rotated, r, True))
        # What must be refused.
        r = got[0]
        cases.append(("whsec_" + base64.b64encode(b"x" * 32).decode(), r,
                      False))
        tampered = type(r)(r.path, r.headers, r.body.replace(b"}", b" }", 1),
                           r.status)
        cases.append((created["secret"], tampered, False))
        other = dict(r.headers)
        other["webhook-id"] = "msg_" + "0" * 32
        cases.append((created["secret"], type(r)(r.path, other, r.body,
                                                   r.status), False))
        types = {r.json()["type"] for r in got}
        self.assertEqual(types, {"posting.created", "posting.updated",
                                 "ping"})

        with tempfile.NamedTemporaryFile("w", suffix=".jsonl",
                                         delete=False) as f:
            for secret, r, expect in cases:
                f.write(json.dumps({
                    "secret": secret, "expect": expect,
                    "headers": {k: r.headers[k] for k in (
                        "webhook-id", "webhook-timestamp",
                        "webhook-signature")},
                    "body_b64": base64.b64encode(r.body).decode()}) + "\n")
            path = f.name
        self.addCleanup(os.unlink, path)
        env = dict(os.environ, NODE_PATH=MODULES)
        res = subprocess.run(["node", os.path.join(
            HERE, "verify_standardwebhooks.js"), path], env=env,
            capture_output=True, text=True, timeout=60)
        sys.stdout.write(res.stdout)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        want_ok = sum(1 for c in cases if c[2])
        self.assertIn("verified %d, refused %d" % (
            want_ok, len(cases) - want_ok), res.stdout)


MODULES = None

if __name__ == "__main__":
    MODULES = install()
    if MODULES is None:
        sys.exit(77)
    harness.main()
