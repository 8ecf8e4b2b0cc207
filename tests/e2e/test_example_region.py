"""examples/region/run.sh, the README's federation example, as a person
runs it: Kariya and Chiryu, two tsunagud reading each other's feed as a
`kind = federation` source, behind one static feed server.

The script runs with TSUNAGU_SKIP_DEPS=1, the tsunagud of this build
(TSUNAGUD), a run directory of its own and three free ports.  Within 60 s
each instance publishes the other's postings, each posting with the origin
it came from; Kariya's disaster volunteer training, which Chiryu's shakyo
calendar lists too, is one posting on each.  SIGINT to the script's process
group (Ctrl-C) then stops it, and nothing it started is left running.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

import harness
from harness import HOST

EXAMPLE = os.path.join(harness.SOURCE_ROOT, "examples", "region")
SCRIPT = os.path.join(EXAMPLE, "run.sh")
SETTLE_TIMEOUT = 60.0      # from the script's start until both have shared
STOP_TIMEOUT = 30.0        # from SIGINT until the script has exited

# The event both cities list: Kariya's city and shakyo, and Chiryu's
# shakyo calendar, all with the page of Kariya's support center.
SHARED_URL = "https://kariya-vc.example.jp/events/2026-0412"
SHARED_TITLE = "災害ボランティアセンター設置訓練"


def free_ports(n):
    """n ports the kernel gives to 127.0.0.1:0, held together so that they
    differ; run.sh binds them right after (it takes fixed ports)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((HOST, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def session_pids(sid):
    """The live processes of session sid (zombies left out)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            pids.append(int(name))
    return pids


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"


def port_open(port):
    try:
        socket.create_connection((HOST, port), timeout=2).close()
        return True
    except OSError:
        return False


def chiryu_feed_events():
    """The events of Chiryu's own feeds that are Chiryu's: the RSS items,
    and the calendar's events but those on a Kariya page."""
    with open(os.path.join(EXAMPLE, "chiryu-feeds", "city", "rss.xml"),
              encoding="utf-8") as f:
        n = f.read().count("<item>")
    with open(os.path.join(EXAMPLE, "chiryu-feeds", "shakyo",
                           "calendar.ics"), encoding="utf-8") as f:
        ics = re.sub(r"\r?\n[ \t]", "", f.read())
    for event in ics.split("BEGIN:VEVENT")[1:]:
        if "URL:https://kariya-" not in event:
            n += 1
    return n


class Instance:
    """One of the script's daemons, reached over HTTP."""

    def __init__(self, name, port, run_dir):
        self.name = name
        self.port = port
        self.log_path = os.path.join(run_dir, name, "tsunagud.log")
        self.token_path = os.path.join(run_dir, name, "admin.token")

    def get(self, path, auth=False):
        headers = {}
        if auth:
            with open(self.token_path) as f:
                headers["Authorization"] = "Bearer " + f.read().strip()
        conn = http.client.HTTPConnection(HOST, self.port,
                                          timeout=harness.HTTP_TIMEOUT)
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise AssertionError("%s: GET %s -> %d" % (self.name, path,
                                                       resp.status))
        return json.loads(body.decode("utf-8"))

    def items(self):
        return self.get("/feeds/all.json?limit=1000")["items"]

    def sources(self):
        return {s["name"]: s for s in self.get("/api/v1/sources",
                                               auth=True)["sources"]}

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8",
                      errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


def origin(item):
    o = item["_tsunagu"]["origin"]
    return o["instance"], o["id"]


def expected_origin(item):
    """Where a posting comes from, by its page: the example's Kariya
    sources are on kariya-* hosts, Chiryu's on chiryu-* hosts."""
    host = urllib.parse.urlsplit(item["url"]).hostname
    return "kariya" if "kariya" in host else "chiryu"


class RegionExample(harness.TestCase):

    def setUp(self):
        self.run_dir = tempfile.mkdtemp(prefix="tsunagu-e2e-region-")
        self.addCleanup(shutil.rmtree, self.run_dir, True)
        kariya, chiryu, feeds = self.ports = free_ports(3)
        env = dict(os.environ, TSUNAGU_SKIP_DEPS="1",
                   TSUNAGUD=harness.TSUNAGUD, TSUNAGU_RUN_DIR=self.run_dir,
                   TSUNAGU_KARIYA_PORT=str(kariya),
                   TSUNAGU_CHIRYU_PORT=str(chiryu),
                   TSUNAGU_FEEDS_PORT=str(feeds))
        self.out_path = os.path.join(self.run_dir, "run.sh.out")
        out = open(self.out_path, "wb")
        self.addCleanup(out.close)
        # Its own session, as a terminal would give it, and SIGINT at its
        # default (a test runner may have started this one ignoring it).
        self.proc = subprocess.Popen(
            ["bash", SCRIPT], env=env, stdin=subprocess.DEVNULL,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.addCleanup(self.kill_leftovers)
        self.kariya = Instance("kariya", kariya, self.run_dir)
        self.chiryu = Instance("chiryu", chiryu, self.run_dir)

    def kill_leftovers(self):
        """Whatever the test failed on: nothing of the session survives."""
        for pid in session_pids(self.proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def tearDown(self):
        if self._failed():
            for path in (self.out_path, self.kariya.log_path,
                         self.chiryu.log_path):
                try:
                    with open(path, encoding="utf-8",
                              errors="replace") as f:
                        text = f.read()
                except FileNotFoundError:
                    text = "(none)"
                print("\n--- %s ---\n%s" % (path, text[-6000:]))

    def output(self):
        with open(self.out_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def shared_state(self):
        """Both instances' postings once every source has been read and
        each shows the other's own postings; None until then."""
        if self.proc.poll() is not None:
            raise AssertionError("run.sh exited with %s:\n%s"
                                 % (self.proc.returncode, self.output()))
        if "Ctrl-C stops" not in self.output():
            return None     # not done starting
        k, c = self.kariya, self.chiryu
        for inst in (k, c):
            for s in inst.sources().values():
                if not s["last_success"]:
                    return None
            if "WebSub: subscribed at" not in inst.log():
                return None
        k_items, c_items = k.items(), c.items()
        k_own = {origin(it) for it in k_items if origin(it)[0] == "kariya"}
        c_own = {origin(it) for it in c_items if origin(it)[0] == "chiryu"}
        if not k_own or len(c_own) < chiryu_feed_events():
            return None
        if not k_own <= {origin(it) for it in c_items}:
            return None
        if not c_own <= {origin(it) for it in k_items}:
            return None
        return k_items, c_items, k_own, c_own

    def test_two_instances_share_listings(self):
        deadline = time.monotonic() + SETTLE_TIMEOUT
        state = None
        while state is None:
            try:
                state = self.shared_state()
            except (OSError, ValueError, http.client.HTTPException):
                state = None    # not listening yet, or a token not written
            if state is None:
                if time.monotonic() > deadline:
                    self.fail("the instances did not share their postings "
                              "within %.0f s" % SETTLE_TIMEOUT)
                time.sleep(0.5)
        k_items, c_items, k_own, c_own = state

        # The script said where to look.
        out = self.output()
        for port in self.ports:
            self.assertIn("http://127.0.0.1:%d/" % port, out)

        # Each instance: its own postings and the other's, every origin
        # once; Kariya reads Chiryu's city only (area=232254), Chiryu
        # reads all of Aichi from Kariya (area=23).
        kariya_postings = {it["_tsunagu"]["id"]: it for it in k_items}
        for name, items in (("kariya", k_items), ("chiryu", c_items)):
            with self.subTest(instance=name):
                origins = [origin(it) for it in items]
                self.assertEqual(len(origins), len(set(origins)), origins)
                self.assertEqual(set(origins), k_own | c_own)
                for it in items:
                    t = it["_tsunagu"]
                    self.assertNotEqual(t["status"], "withdrawn", it)
                    # Origins intact: the instance the posting came from.
                    self.assertEqual(t["origin"]["instance"],
                                     expected_origin(it), it)
                    kinds = {s["kind"] for s in t["sources"]}
                    if t["origin"]["instance"] == name:
                        self.assertNotIn("federation", kinds, it)
                        self.assertEqual(t["origin"]["id"], t["id"], it)
                    else:
                        self.assertIn("federation", kinds, it)
        # A Kariya posting on Chiryu: Kariya's id, and the kind it has
        # there (city, shakyo, corporate, civic), not "federation".
        for it in c_items:
            t = it["_tsunagu"]
            if t["origin"]["instance"] == "kariya" and \
                    len(t["sources"]) == 1:
                self.assertIn(t["origin"]["id"], kariya_postings)
                self.assertEqual(
                    t["kind"],
                    kariya_postings[t["origin"]["id"]]["_tsunagu"]["kind"])
        self.assertEqual(len(c_own), chiryu_feed_events())

        # The shared event: once on each instance.  On Kariya from its
        # city and shakyo; on Chiryu, its shakyo's record merged with the
        # posting from Kariya, whose origin it keeps.
        k_shared = [it for it in k_items if SHARED_TITLE in it["title"]]
        c_shared = [it for it in c_items if SHARED_TITLE in it["title"]]
        self.assertEqual(len(k_shared), 1, k_shared)
        self.assertEqual(len(c_shared), 1, c_shared)
        k_t, c_t = k_shared[0]["_tsunagu"], c_shared[0]["_tsunagu"]
        self.assertEqual(k_shared[0]["url"], SHARED_URL)
        self.assertEqual(sorted(s["source"] for s in k_t["sources"]),
                         ["kariya-city", "kariya-shakyo"])
        self.assertEqual(sorted((s["source"], s["kind"])
                                for s in c_t["sources"]),
                         [("chiryu-shakyo", "shakyo"),
                          ("kariya", "federation")])
        self.assertEqual(origin(c_shared[0]), ("kariya", k_t["id"]))
        self.assertEqual(c_t["area"], "232106")
        self.assertEqual(c_t["start"], k_t["start"])

        # Ctrl-C: SIGINT to the script's process group.
        daemons = [pid for pid in session_pids(self.proc.pid)
                   if pid != self.proc.pid]
        self.assertEqual(len(daemons), 3, [cmdline(p) for p in daemons])
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            status = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("run.sh still runs %.0f s after SIGINT"
                      % STOP_TIMEOUT)
        self.assertEqual(status, 130, self.output())
        left = session_pids(self.proc.pid)
        self.assertEqual(left, [], [cmdline(p) for p in left])
        for port in self.ports:
            self.assertFalse(port_open(port), port)
        for inst in (self.kariya, self.chiryu):
            self.assertIn("received SIGTERM, shutting down", inst.log())


if __name__ == "__main__":
    harness.main()
