"""The published posting against schemas/posting.schema.json.

posting_schema_emit normalizes every entry of our fixtures, of the
feedparser corpus and of the municipal event CSVs as the poller does, and
prints the "_tsunagu" object posting_to_json() makes of it.  Each must be
valid under the schema (JSON Schema 2020-12, python3-jsonschema), and use
no property the schema does not describe.  The schema itself must refuse
objects that break the contract.

    test_posting_schema.py EMIT SCHEMA

Exits 77 (skipped) without python3-jsonschema.
"""

import copy
import json
import os
import subprocess
import sys
import unittest

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:
    print("python3-jsonschema is not installed: skipped")
    sys.exit(77)

EMIT = SCHEMA = None


def data_paths():
    test = os.environ.get("TSUNAGU_TEST_DATA", "tests/data")
    shared = os.environ.get("TSUNAGU_SHARED_DATA", "../shared/data")
    table = os.path.join(shared, "localgovjp", "localgovjp-utf8.csv")
    paths = [os.path.join(test, "feeds"),
             os.path.join(shared, "feedparser-tests", "wellformed"),
             os.path.join(shared, "jichitai-events")]
    return table, [p for p in paths if os.path.exists(p)]


class PostingSchemaTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(SCHEMA, encoding="utf-8") as f:
            cls.schema = json.load(f)
        Draft202012Validator.check_schema(cls.schema)
        cls.validator = Draft202012Validator(cls.schema)
        table, paths = data_paths()
        out = subprocess.run([EMIT, table] + paths, check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        cls.postings = [json.loads(line)
                        for line in out.stdout.decode("utf-8").splitlines()]

    def errors(self, obj):
        return sorted(self.validator.iter_errors(obj), key=str)

    def test_emitted_postings_are_valid(self):
        self.assertGreater(len(self.postings), 100)
        bad = []
        for p in self.postings:
            errs = self.errors(p)
            if errs:
                bad.append("%s: %s" % (json.dumps(p, ensure_ascii=False),
                                       "; ".join(e.message for e in errs)))
        self.assertEqual(bad[:10], [], "%d invalid postings" % len(bad))

    def test_every_property_is_described(self):
        known = set(self.schema["properties"])
        seen = set()
        for p in self.postings:
            seen.update(p)
        self.assertEqual(seen - known, set())
        # The emitted postings exercise most of the schema.
        for key in ("id", "revision", "kind", "title", "start", "end",
                    "all_day", "deadline", "area", "place", "address",
                    "lat", "lon", "category", "capacity", "fee", "contact",
                    "recurrence", "status", "duplicate_of", "sources",
                    "origin"):
            self.assertIn(key, seen)

    def test_full_posting(self):
        full = self.postings[0]
        self.assertEqual(full["title"], "【募集】公園清掃ボランティア~亀城公園~")
        self.assertEqual(full["start"], "2026-03-01T10:00:00+09:00")
        self.assertEqual(full["deadline"], "2026-02-20")
        self.assertEqual(full["area"], "232106")
        self.assertEqual(full["category"], ["welfare", "environment"])
        self.assertEqual(full["contact"]["phone"], "0566-62-1000")
        self.assertIsNotNone(full["duplicate_of"])
        self.assertFalse(self.errors(full))

    def test_schema_refuses_broken_postings(self):
        good = copy.deepcopy(self.postings[0])
        breakages = [
            lambda p: p.pop("duplicate_of"),
            lambda p: p.pop("origin"),
            lambda p: p.update(area="23210"),
            lambda p: p.update(category=["福祉"]),
            lambda p: p.update(category=["welfare", "welfare"]),
            lambda p: p.update(status="open?"),
            lambda p: p.update(kind="npo"),
            lambda p: p.update(start="2026-03-01T10:00+09:00"),
            lambda p: p.update(all_day=True),     # with timed start/end
            lambda p: p.update(all_day=False, start="2026-03-01",
                               end="2026-03-02"),
            lambda p: p.update(deadline="2026/02/20"),
            lambda p: p.pop("lon"),
            lambda p: p.update(capacity=-1),
            lambda p: p.update(revision=0),
            lambda p: p.update(sources=[{"url": "https://x/"}]),
            lambda p: p.update(recurrence="COUNT=3"),
        ]
        for i, breakage in enumerate(breakages):
            bad = copy.deepcopy(good)
            breakage(bad)
            with self.subTest(i=i):
                self.assertTrue(self.errors(bad), json.dumps(
                    bad, ensure_ascii=False))
        # null is "unknown" only for duplicate_of.
        self.assertFalse(self.errors(dict(good, duplicate_of=None)))


if __name__ == "__main__":
    EMIT, SCHEMA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=1)
