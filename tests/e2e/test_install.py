"""`meson install` puts the binaries, man pages, example configs and a
systemd unit in place, and the unit is one systemd accepts."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = os.environ.get("TSUNAGU_BUILD_ROOT")


class InstallTest(unittest.TestCase):
    def setUp(self):
        self.destdir = tempfile.mkdtemp(prefix="tsunagu-install-")

    def tearDown(self):
        shutil.rmtree(self.destdir, ignore_errors=True)

    def test_install_layout_and_unit(self):
        self.assertTrue(BUILD, "TSUNAGU_BUILD_ROOT is not set")
        run = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild",
                              "--destdir", self.destdir, "--quiet"],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        files = set()
        for root, _, names in os.walk(self.destdir):
            for n in names:
                files.add(os.path.relpath(os.path.join(root, n), self.destdir))
        def one(suffix):
            hits = [f for f in files if f.endswith(suffix)]
            self.assertEqual(len(hits), 1, f"{suffix}: {hits}")
            return os.path.join(self.destdir, hits[0])
        sbin = one("sbin/tsunagud")
        one("bin/tsunagu")
        one("man8/tsunagud.8")
        one("man5/tsunagu.conf.5")
        one("man1/tsunagu.1")
        example = one("etc/tsunagu/tsunagu.conf.example")
        one("examples/kariya/tsunagu.conf")
        unit = one("system/tsunagud.service")
        self.assertTrue(os.access(sbin, os.X_OK))

        # The production example passes the daemon's own check.
        check = subprocess.run([sbin, "-n", "-c", example],
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(check.returncode, 0, check.stderr)

        text = open(unit, encoding="utf-8").read()
        for key in ("Type=notify", "NoNewPrivileges=yes",
                    "ProtectSystem=strict", "PrivateTmp=yes",
                    "DynamicUser=yes", "StateDirectory=tsunagu",
                    "ExecReload=/bin/kill -HUP $MAINPID"):
            self.assertIn(key, text)

        # systemd itself reads the unit: no unknown keys, no bad values.
        # Point the commands at the staged binary; man pages are not
        # installed system-wide here, so that one check is left out.
        staged = os.path.join(self.destdir, "tsunagud.service")
        prefix = os.path.dirname(os.path.dirname(sbin[len(self.destdir):]))
        with open(staged, "w", encoding="utf-8") as out:
            out.write(text.replace(prefix + "/sbin/tsunagud", sbin)
                          .replace("Documentation=", "#Documentation="))
        if shutil.which("systemd-analyze") is None:
            self.fail("systemd-analyze is needed (package systemd)")
        verify = subprocess.run(["systemd-analyze", "verify", staged],
                                capture_output=True, text=True, timeout=60)
        problems = [l for l in (verify.stdout + verify.stderr).splitlines()
                    if l.strip() and "LoadCredential" not in l]
        self.assertEqual(problems, [], "\n".join(problems))


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False).result.wasSuccessful() else 1)
