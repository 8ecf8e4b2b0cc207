#!/usr/bin/env python3
"""The feedparser test corpus through tsunagu's ingest.

Every file of ../shared/data/feedparser-tests/ (TSUNAGU_SHARED_DATA) goes
through ingest_dump (feed_parse(), then normalize_posting(), under the
sanitizers of the build).  Then each file's `Expect:` expression, written
against feedparser's result, is evaluated against a feedparser-shaped view
of what tsunagu read (see Model).  An expression that touches something
tsunagu does not model (feed.cloud, author_detail, namespaces, ...) counts
as "not modelled", not as a failure; a failing case listed in
tests/data/feedparser-differences.txt counts as "deliberately different",
with the reason given there.

The test fails only on:
  - a crash, a sanitizer report (leaks included) or a hang of ingest_dump;
  - a string that is not valid UTF-8 in what tsunagu produced;
  - published HTML that keeps something dangerous (<script>, an on*=
    attribute, a javascript:/vbscript:/data: URL, a style expression);
  - a folder passing fewer cases than its floor in
    tests/data/feedparser-floors.json.
It prints the counts per folder and writes every failing case, with what
tsunagu read, to TSUNAGU_CORPUS_REPORT.  --update-floors rewrites the
floors to the counts reached.
"""
import argparse
import builtins
import codecs
import concurrent.futures
import fnmatch
import html.parser
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

BATCH = 48              # files per ingest_dump process
BATCH_TIMEOUT = 300     # seconds for one batch
FILE_TIMEOUT = 60       # seconds for one file run alone
SKIP = 77               # meson: the test was skipped
DOCUMENT_URL = "http://127.0.0.1:8097/tests/"

SOURCE_ROOT = Path(os.environ.get("TSUNAGU_SOURCE_ROOT",
                                  Path(__file__).resolve().parents[2]))
DATA = SOURCE_ROOT / "tests" / "data"
FLOORS = DATA / "feedparser-floors.json"
DIFFERENCES = DATA / "feedparser-differences.txt"


class NotModelled(Exception):
    """The expression reads something tsunagu does not model."""


# feedparser's FeedParserDict answers to older names too.
ALIASES = {
    "channel": ("feed",),
    "items": ("entries",),
    "guid": ("id",),
    "date": ("updated",),
    "date_parsed": ("updated_parsed",),
    "description": ("summary", "subtitle"),
    "description_detail": ("summary_detail", "subtitle_detail"),
    "modified": ("updated",),
    "modified_parsed": ("updated_parsed",),
    "issued": ("published",),
    "issued_parsed": ("published_parsed",),
    "copyright": ("rights",),
    "copyright_detail": ("rights_detail",),
    "tagline": ("subtitle",),
    "tagline_detail": ("subtitle_detail",),
}


class Model(dict):
    """A dict shaped like feedparser's, that knows what it models.

    A key that is modelled but absent raises KeyError (tsunagu read
    nothing there: the expectation fails); a key that is not modelled
    raises NotModelled.
    """

    def __init__(self, modelled, **values):
        super().__init__({k: v for k, v in values.items() if v is not None})
        self._modelled = set(modelled)

    def _lookup(self, key):
        if key == "category":
            tags = self._lookup("tags")
            if not tags:
                raise KeyError(key)
            return tags[0]["term"]
        names = ALIASES.get(key, (key,))
        for name in names:
            if dict.__contains__(self, name):
                return dict.__getitem__(self, name)
        # feedparser: "updated" falls back to "published".
        if key in ("updated", "updated_parsed"):
            other = key.replace("updated", "published")
            if dict.__contains__(self, other):
                return dict.__getitem__(self, other)
        if key in self._modelled or any(n in self._modelled for n in names):
            raise KeyError(key)
        raise NotModelled(key)

    def __getitem__(self, key):
        return self._lookup(key)

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._lookup(key)
        except KeyError:
            raise AttributeError(key) from None

    def __contains__(self, key):
        try:
            self._lookup(key)
            return True
        except KeyError:
            return False

    def get(self, key, default=None):
        try:
            return self._lookup(key)
        except KeyError:
            return default

    has_key = __contains__


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr"}


class Canon(html.parser.HTMLParser):
    """One spelling of an HTML fragment: <br /> and <br> are the same."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    @staticmethod
    def esc(text, quote=False):
        text = text.replace("&", "&amp;").replace("<", "&lt;") \
            .replace(">", "&gt;")
        return text.replace('"', "&quot;") if quote else text

    def handle_starttag(self, tag, attrs):
        self.out.append("<%s%s>" % (tag, "".join(
            ' %s="%s"' % (k, self.esc(v or "", True)) for k, v in attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.out.append("</%s>" % tag)

    def handle_data(self, data):
        self.out.append(self.esc(data))

    def handle_comment(self, data):
        self.out.append("<!--%s-->" % data)


def canon_html(fragment):
    c = Canon()
    c.feed(fragment)
    c.close()
    return "".join(c.out)


class TextOf(Canon):
    def handle_starttag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        pass

    def handle_comment(self, data):
        pass

    def handle_data(self, data):
        self.out.append(data)


def html_text(fragment):
    t = TextOf()
    t.feed(fragment)
    t.close()
    return " ".join("".join(t.out).split())


def unwrap_div(fragment):
    """The inside of a fragment that is one <div>, else the fragment."""
    m = re.fullmatch(r"\s*<div(?:\s[^>]*)?>(.*)</div>\s*", fragment, re.S)
    return m.group(1) if m else fragment


class HTMLStr(str):
    """HTML: equal to another serialization of the same fragment.

    The lenient passes widen that: "xhtml-div" also when the other is the
    same inside a wrapping <div>; "text-escaped" also when the other is
    plain text that this HTML shows.
    """
    lenient = None

    def __eq__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        mine, theirs = str(self), str(other)
        if mine == theirs or canon_html(mine) == canon_html(theirs):
            return True
        if self.lenient == "xhtml-div":
            return canon_html(mine) == canon_html(unwrap_div(theirs))
        if self.lenient == "text-escaped":
            return html_text(mine) == " ".join(theirs.split())
        return False

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = str.__hash__


class PlainStr(str):
    """Plain text, also equal to HTML whose text it is (lenient pass)."""

    def __eq__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        return str.__eq__(self, other) or \
            " ".join(str(self).split()) == html_text(str(other))

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = str.__hash__


def as_html(value, lenient=None):
    if value is None:
        return None
    v = HTMLStr(value)
    v.lenient = lenient
    return v


def as_plain(value, lenient):
    """Plain text; in the plain-text pass, none is the text of an image."""
    if lenient == "plain-text":
        return PlainStr(value or "")
    return value


def detail(value):
    return None if value is None else Model({"value"}, value=value)


def parsed_time(t):
    return None if t is None else time.gmtime(t)


def build_entry(raw, published, lenient):
    """One entry as feedparser would show it, from what tsunagu read.

    Titles, links, ids and dates are the parser's; HTML is what tsunagu
    publishes (sanitized), equal to any spelling of the same HTML.
    tsunagu keeps one HTML body per entry: an RSS description without
    content:encoded is that body, and feedparser shows such a body as the
    summary too.  Titles and summaries are plain text: in the lenient
    pass they also equal HTML whose text they are.
    """
    content = as_html((published or {}).get("content_html",
                                            raw["content_html"]), lenient)
    summary = content if raw["summary"] is None and content is not None \
        else as_plain(raw["summary"], lenient)
    title = as_plain(raw["title"], lenient)
    return Model(
        {"title", "title_detail", "link", "id", "summary", "summary_detail",
         "content", "published_parsed", "updated_parsed", "tags"},
        title=title,
        title_detail=detail(title),
        link=raw["link"],
        id=raw["guid"],
        summary=summary,
        summary_detail=detail(summary),
        content=None if content is None else [Model({"value"},
                                                    value=content)],
        published_parsed=parsed_time(raw["published"]),
        updated_parsed=parsed_time(raw["modified"]),
        tags=[Model({"term"}, term=c) for c in raw["categories"]],
    )


def build_result(dump, lenient=None):
    """The whole result: bozo, encoding, feed, entries."""
    if not dump["ok"]:
        return Model({"bozo", "encoding", "feed", "entries"}, bozo=True,
                     feed=Model({"title", "title_detail", "link"}),
                     entries=[])
    published = dump.get("published") or [None] * len(dump["entries"])
    feed = dump["feed"]
    title = as_plain(feed["title"], lenient)
    return Model(
        {"bozo", "encoding", "feed", "entries"},
        bozo=dump["replaced"] > 0,
        encoding=dump["charset"].lower(),
        feed=Model({"title", "title_detail", "link"}, title=title,
                   title_detail=detail(title), link=feed["link"]),
        entries=[build_entry(e, p, lenient)
                 for e, p in zip(dump["entries"], published)],
    )


def evaluate(expr, result):
    """'pass', 'fail' or 'not modelled', and a note."""
    env = {"__builtins__": builtins, "time": time}
    try:
        ok = eval(expr, env, result)  # noqa: S307 (the corpus is data)
    except NotModelled as e:
        return "not modelled", "reads %s" % e
    except NameError as e:
        return "not modelled", str(e)
    except Exception as e:  # KeyError, IndexError, TypeError...
        return "fail", "%s: %s" % (type(e).__name__, e)
    return ("pass", "") if ok else ("fail", "false")


# --- the corpus files ---

HEADER_RE = {
    "description": re.compile(r"^\s*Description:\s*(.*?)\s*$", re.M),
    "expect": re.compile(r"^\s*Expect:\s*(.*?)\s*$", re.M),
    "skip": re.compile(r"^\s*SkipUnless:\s*(.*?)\s*$", re.M),
    "header": re.compile(r"^\s*Header:\s*(.*?)\s*$", re.M),
}


def test_text(raw):
    """The file's text, enough to read its comment header."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"),
                       (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"),
                       (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec, "replace")
    for sig, codec in ((b"<\0\0\0", "utf-32-le"), (b"\0\0\0<", "utf-32-be"),
                       (b"<\0", "utf-16-le"), (b"\0<", "utf-16-be")):
        if raw.startswith(sig):
            return raw.decode(codec, "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


class Case:
    def __init__(self, root, path):
        self.path = path
        self.rel = path.relative_to(root).as_posix()
        self.folder = path.parent.relative_to(root).as_posix()
        text = test_text(path.read_bytes())
        found = {k: r.search(text) for k, r in HEADER_RE.items()}
        self.description = (found["description"].group(1)
                            if found["description"] else "")
        self.expect = found["expect"].group(1) if found["expect"] else None
        self.skip_unless = found["skip"].group(1) if found["skip"] else None
        self.content_type = None
        for m in HEADER_RE["header"].finditer(text):
            name, _, value = m.group(1).partition(":")
            if name.strip().lower() == "content-type":
                self.content_type = value.strip()
        # Where feedparser's own harness serves the file from.
        self.url = DOCUMENT_URL + self.rel
        self.dump = None
        self.crash = None
        self.outcome = None
        self.note = ""
        self.unsafe = []


# --- running ingest_dump ---

def sanitizer_report(stderr):
    for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer"):
        if marker in stderr:
            return marker
    return None


def run_dump(tool, cases, timeout):
    """Runs one ingest_dump over cases; (dumps by path, failure or None)."""
    lines = "".join("%s\t%s\t%s\n" % (c.path, c.content_type or "", c.url)
                    for c in cases)
    try:
        proc = subprocess.run([tool, "-"], input=lines.encode(),
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {}, "hang (over %d s)" % timeout
    dumps = {}
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        dumps[d["file"]] = d
    stderr = proc.stderr.decode("utf-8", "replace")
    report = sanitizer_report(stderr)
    if proc.returncode != 0 or report:
        return dumps, "exit %d%s: %s" % (
            proc.returncode, ", " + report if report else "",
            stderr.strip().splitlines()[-1] if stderr.strip() else "")
    return dumps, None


def run_batch(tool, cases):
    dumps, failure = run_dump(tool, cases, BATCH_TIMEOUT)
    if failure is None and all(str(c.path) in dumps for c in cases):
        for c in cases:
            c.dump = dumps[str(c.path)]
        return
    # Something went wrong: find which files, one at a time.
    for c in cases:
        one, failure = run_dump(tool, [c], FILE_TIMEOUT)
        if failure is not None:
            c.crash = failure
        elif str(c.path) not in one:
            c.crash = "no output"
        else:
            c.dump = one[str(c.path)]


# --- what must never be published ---

URL_ATTRS = {"href", "src", "action", "formaction", "background", "cite",
             "poster", "xlink:href", "data", "codebase", "lowsrc", "dynsrc",
             "longdesc", "usemap", "srcset", "ping", "manifest", "icon",
             "profile"}
BAD_SCHEME_RE = re.compile(r"(?:^|,)\s*(javascript|vbscript|data|livescript)"
                           r"\s*:", re.I)
BAD_STYLE_RE = re.compile(r"expression\s*\(|javascript\s*:|behavior\s*:|"
                          r"-moz-binding", re.I)


class Danger(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "applet", "frame",
                   "frameset", "meta", "base", "link", "form"):
            self.found.append("<%s>" % tag)
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "")
            if name.startswith("on"):
                self.found.append("%s= on <%s>" % (name, tag))
            elif name in URL_ATTRS and BAD_SCHEME_RE.search(value):
                self.found.append("%s=%.40s" % (name, value))
            elif name == "style" and BAD_STYLE_RE.search(value):
                self.found.append("style=%.40s" % value)

    handle_startendtag = handle_starttag


def dangers(fragment):
    if not fragment:
        return []
    d = Danger()
    d.feed(fragment)
    d.close()
    if re.search(r"<\s*script", fragment, re.I) and not d.found:
        d.found.append("<script")
    return d.found


# --- floors and deliberate differences ---

def load_differences():
    out = []
    if not DIFFERENCES.exists():
        return out
    for line in DIFFERENCES.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = re.split(r"\t+|\s{2,}", line, maxsplit=1)
        out.append((parts[0], parts[1].strip() if len(parts) > 1 else ""))
    return out


def difference_for(rel, differences):
    for pattern, reason in differences:
        if fnmatch.fnmatch(rel, pattern):
            return reason
    return None


# A failing case that passes once one known difference is allowed for is
# counted as deliberately different, with that difference as its reason.
LENIENT_PASSES = (
    ("plain-text", "titles and summaries are plain text in tsunagu: they "
     "hold the text of the HTML feedparser keeps"),
    ("xhtml-div", "Atom xhtml content is published without its wrapping "
     "div, which RFC 4287 4.1.1.3 says is not part of the content"),
    ("text-escaped", "content is always HTML in tsunagu: a text body is "
     "published escaped, where feedparser gives the text itself"),
)


def classify(case, differences):
    if case.crash:
        case.outcome = "crash"
        return
    for i, p in enumerate(case.dump.get("published") or []):
        for field in ("content_html",):
            for d in dangers(p.get(field)):
                case.unsafe.append("entries[%d].%s: %s" % (i, field, d))
    if case.expect is None:
        case.outcome = "no expectation"
        return
    if case.skip_unless:
        try:
            if not eval(case.skip_unless, {"__builtins__": builtins}):
                case.outcome = "skipped"
                return
        except Exception:
            case.outcome = "skipped"
            return
    case.outcome, case.note = evaluate(case.expect,
                                       build_result(case.dump))
    if case.outcome != "fail":
        return
    reason = difference_for(case.rel, differences)
    for lenient, why in LENIENT_PASSES:
        if reason is not None:
            break
        if evaluate(case.expect, build_result(case.dump, lenient))[0] == \
                "pass":
            reason = why
    if reason:
        case.outcome = "different"
        case.note = reason


COLUMNS = ("pass", "fail", "not modelled", "different", "no expectation",
           "skipped", "crash")


def summarize(cases):
    folders = {}
    for c in cases:
        row = folders.setdefault(c.folder, dict.fromkeys(COLUMNS, 0))
        row[c.outcome] += 1
        row.setdefault("parse errors", 0)
        row.setdefault("unsafe", 0)
        if c.dump is not None and not c.dump["ok"]:
            row["parse errors"] += 1
        if c.unsafe:
            row["unsafe"] += 1
    return folders


def print_table(folders):
    head = "%-28s %5s %6s %5s %7s %6s %6s %6s %6s %6s" % (
        "folder", "files", "passed", "fail", "not-mod", "differ",
        "no-exp", "parse!", "unsafe", "crash")
    print(head)
    print("-" * len(head))
    total = dict.fromkeys(COLUMNS + ("parse errors", "unsafe"), 0)
    for name in sorted(folders):
        row = folders[name]
        for k in total:
            total[k] += row[k]
        print_row(name, row)
    print("-" * len(head))
    print_row("total", total)


def print_row(name, row):
    files = sum(row[k] for k in COLUMNS)
    print("%-28s %5d %6d %5d %7d %6d %6d %6d %6d %6d" % (
        name, files, row["pass"], row["fail"], row["not modelled"],
        row["different"], row["no expectation"] + row["skipped"],
        row["parse errors"], row["unsafe"], row["crash"]))


def write_report(path, cases):
    with open(path, "w", encoding="utf-8") as out:
        for c in cases:
            if c.outcome not in ("fail", "crash", "different") and \
                    not c.unsafe:
                continue
            out.write("%s: %s%s\n" % (c.rel, c.outcome,
                                      " (%s)" % c.note if c.note else ""))
            if c.description:
                out.write("  description: %s\n" % c.description)
            if c.expect:
                out.write("  expect: %s\n" % c.expect)
            for u in c.unsafe:
                out.write("  UNSAFE: %s\n" % u)
            if c.crash:
                out.write("  crash: %s\n" % c.crash)
            if c.dump is not None:
                out.write("  tsunagu: %s\n" % json.dumps(
                    c.dump, ensure_ascii=False)[:1500])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--update-floors", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("only", nargs="*", help="folders or files to run")
    args = ap.parse_args()

    tool = os.environ.get("INGEST_DUMP")
    shared = os.environ.get("TSUNAGU_SHARED_DATA") or \
        str(SOURCE_ROOT.parent / "shared" / "data")
    root = Path(shared) / "feedparser-tests"
    if not root.is_dir():
        print("feedparser corpus not found at %s: skipped" % root)
        return SKIP
    if not tool or not os.access(tool, os.X_OK):
        print("INGEST_DUMP does not name the ingest_dump program")
        return 1

    paths = sorted(p for p in root.rglob("*") if p.is_file() and
                   p.name not in ("LICENSE", "README.md"))
    if args.only:
        paths = [p for p in paths
                 if any(p.relative_to(root).as_posix().startswith(o)
                        for o in args.only)]
    cases = [Case(root, p) for p in paths]
    started = time.monotonic()
    batches = [cases[i:i + BATCH] for i in range(0, len(cases), BATCH)]
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        list(pool.map(lambda b: run_batch(tool, b), batches))
    differences = load_differences()
    for c in cases:
        classify(c, differences)
    folders = summarize(cases)

    print("feedparser corpus: %d files from %s in %.1f s" % (
        len(cases), root, time.monotonic() - started))
    print_table(folders)

    report = os.environ.get("TSUNAGU_CORPUS_REPORT",
                            "feedparser-corpus-failures.txt")
    write_report(report, cases)
    print("failing and different cases, with what tsunagu read: %s" % report)

    reasons = {}
    for c in cases:
        if c.outcome == "different":
            reasons.setdefault(c.note, []).append(c.rel)
    if reasons:
        print("\ndeliberately different (%s):" % DIFFERENCES.name)
        for reason, rels in sorted(reasons.items(), key=lambda x: -len(x[1])):
            print("  %4d  %s" % (len(rels), reason))
            for rel in rels[:3]:
                print("          %s" % rel)
            if len(rels) > 3:
                print("          ... and %d more" % (len(rels) - 3))

    problems = []
    for c in cases:
        if c.crash:
            problems.append("%s: %s" % (c.rel, c.crash))
        if c.dump is not None and c.dump.get("invalid_utf8"):
            problems.append("%s: not valid UTF-8: %s" % (
                c.rel, ", ".join(c.dump["invalid_utf8"])))
        for u in c.unsafe:
            problems.append("%s: unsafe HTML published: %s" % (c.rel, u))

    floors = json.loads(FLOORS.read_text()) if FLOORS.exists() else {}
    if args.update_floors and not args.only:
        new = {k: v["pass"] for k, v in sorted(folders.items())}
        FLOORS.write_text(json.dumps(new, indent=1) + "\n")
        print("floors written to %s" % FLOORS)
        floors = new
    for folder, floor in sorted(floors.items()):
        got = folders.get(folder, {}).get("pass", 0)
        if folder in folders and got < floor:
            problems.append("%s: %d passed, below the floor of %d" % (
                folder, got, floor))
    if problems:
        print("\nFAILED:")
        for p in problems:
            print("  " + p)
        return 1
    print("\nno crash, no leak, nothing unsafe published, every floor met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
