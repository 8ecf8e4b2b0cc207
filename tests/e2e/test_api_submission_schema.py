"""The checks of submitted postings (daemon/submission.c, through POST
/api/v1/postings) and schemas/posting.schema.json agree.

tests/data/submissions/cases.json lists postings with what each side must
say.  The schema describes the stored posting, whose id, revision, kind,
status, sources and origin the server sets: each case is completed with
those (as the server would) before the schema sees it.  The daemon refuses
everything the schema refuses, and more: what a JSON Schema cannot say
(end before start, a deadline after the start, the check digit of an area
code, the calendar) and the limits of a submission (lengths, unknown
fields).  Every posting the daemon accepts is, as stored and shown by the
API, valid against the schema.  tests/unit/test_submission.c runs the same
cases through the C functions directly.
"""

import json
import os

import apikit
import harness
from apikit import call, ok

try:
    import jsonschema
except ImportError:  # python3-jsonschema (scripts/install-deps.sh --test)
    jsonschema = None

CASES = os.path.join(harness.SOURCE_ROOT, "tests", "data", "submissions",
                     "cases.json")
SCHEMA = os.path.join(harness.SOURCE_ROOT, "schemas", "posting.schema.json")

# JSON Feed's own fields of an item, outside the _tsunagu object.
ITEM_FIELDS = ("url", "summary", "content_html")
# What the API shows beside the _tsunagu fields of a posting.
API_FIELDS = ITEM_FIELDS + ("guid", "date_published", "date_modified",
                            "moderation", "submitted_by")


def as_stored(posting):
    """The _tsunagu object the server would make of a submission."""
    view = {k: v for k, v in posting.items() if k not in ITEM_FIELDS}
    start = posting.get("start")
    full = {"id": "p00000000000000000000", "revision": 1, "kind": "civic",
            "status": "open", "duplicate_of": None, "sources": [],
            "origin": {"instance": "e2e", "id": "p00000000000000000000"},
            "all_day": isinstance(start, str) and len(start) == 10}
    full.update(view)
    return full


@harness.unittest.skipIf(jsonschema is None, "python3-jsonschema is needed")
class SchemaAgreement(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(SCHEMA, encoding="utf-8") as f:
            cls.schema = json.load(f)
        with open(CASES, encoding="utf-8") as f:
            cls.cases = json.load(f)["cases"]
        jsonschema.Draft202012Validator.check_schema(cls.schema)
        cls.validator = jsonschema.Draft202012Validator(cls.schema)

    def test_cases_against_the_schema(self):
        for case in self.cases:
            with self.subTest(case["name"]):
                errors = [e.message for e in
                          self.validator.iter_errors(as_stored(
                              case["posting"]))]
                self.assertEqual(not errors, case["schema"], errors)
                # What the schema refuses, the daemon refuses.
                if not case["schema"]:
                    self.assertFalse(case["ok"])

    def test_cases_against_the_daemon(self):
        _, d = apikit.start(self, fetch=False)
        group, _ = apikit.make_token(d, "group", "kariya-npo")
        accepted = []
        for case in self.cases:
            with self.subTest(case["name"]):
                status, doc, _ = call(d, "POST", "/postings", token=group,
                                      body=case["posting"])
                if case["ok"]:
                    self.assertEqual(status, 201, doc)
                    accepted.append(doc)
                else:
                    self.assertEqual(status, 400, doc)
                    self.assertEqual(doc["field"], case["field"], doc)
        # Only the good ones were stored (beside the city source's) ...
        stored = [p for p in ok(d, "GET", "/postings?limit=1000")
                  ["postings"] if p["submitted_by"] is not None]
        self.assertEqual(sorted(p["id"] for p in stored),
                         sorted(p["id"] for p in accepted))
        self.assertEqual(len(accepted),
                         sum(1 for c in self.cases if c["ok"]))
        # ... and are valid postings as the API shows them.
        for doc in accepted:
            with self.subTest(posting=doc["title"]):
                view = {k: v for k, v in doc.items() if k not in API_FIELDS}
                errors = [e.message for e in
                          self.validator.iter_errors(view)]
                self.assertEqual(errors, [])


if __name__ == "__main__":
    harness.main()
