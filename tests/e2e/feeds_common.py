"""What the feed tests share: source documents that carry the tsunagu
extension (so that postings have dates, areas, categories and statuses),
a daemon with three sources of different kinds, and an oracle that says
which published postings a filter should select.

The oracle reads what the daemon publishes in /feeds/all.json, so the
tests hold whatever normalization the ingest applies; it implements
DESIGN.md's filter rules independently of the SQL.
"""

import datetime
import json
import os
import urllib.parse
from xml.sax.saxutils import escape, quoteattr

import harness
from harness import JST

TOMBSTONE_SECONDS = 30 * 86400


def ext_atom(entries, title="tsunagu e2e source", feed_id="urn:uuid:e2e"):
    """An Atom document whose entries carry t:* elements.

    entries: dicts with id, title, link, content, summary, categories,
    published (datetime), and the extension fields start, end, all_day,
    area, place, address, status, recurrence, deadline, capacity, fee,
    lat, lon, organizer (name), contact (dict)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" '
           'xmlns:t="urn:tsunagu:posting:1">',
           "<title>%s</title><id>%s</id>" % (escape(title), escape(feed_id)),
           "<updated>2026-06-01T09:00:00+09:00</updated>",
           "<author><name>%s</name></author>" % escape(title)]
    for e in entries:
        pub = e.get("published",
                    datetime.datetime(2026, 6, 1, 9, 0, tzinfo=JST))
        out.append("<entry>")
        out.append("<id>%s</id>" % escape(e.get("id", e["link"])))
        out.append("<title>%s</title>" % escape(e["title"]))
        out.append('<link rel="alternate" href=%s/>' % quoteattr(e["link"]))
        out.append("<published>%s</published><updated>%s</updated>"
                   % (pub.isoformat(), pub.isoformat()))
        for c in e.get("categories", []):
            out.append("<category term=%s/>" % quoteattr(c))
        if e.get("summary") is not None:
            out.append("<summary>%s</summary>" % escape(e["summary"]))
        if e.get("content") is not None:
            out.append('<content type="html">%s</content>'
                       % escape(e["content"]))
        for key in ("start", "end", "deadline", "area", "place", "address",
                    "recurrence", "fee", "status"):
            if e.get(key) is not None:
                out.append("<t:%s>%s</t:%s>" % (key, escape(str(e[key])),
                                                key))
        if e.get("all_day"):
            out.append("<t:all_day>true</t:all_day>")
        if e.get("capacity") is not None:
            out.append("<t:capacity>%d</t:capacity>" % e["capacity"])
        if e.get("lat") is not None:
            out.append("<t:lat>%r</t:lat><t:lon>%r</t:lon>"
                       % (e["lat"], e["lon"]))
        for c in e.get("categories", []):
            out.append("<t:category>%s</t:category>" % escape(c))
        if e.get("organizer"):
            out.append("<t:organizer name=%s/>" % quoteattr(e["organizer"]))
        if e.get("contact"):
            attrs = " ".join("%s=%s" % (k, quoteattr(v))
                             for k, v in sorted(e["contact"].items()))
            out.append("<t:contact %s/>" % attrs)
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out).encode("utf-8")


def link(n):
    return "https://example.jp/volunteer/%d" % n


# Three sources of different kinds; titles are NFKC-stable.
CITY = [
    {"title": "高齢者福祉施設での傾聴ボランティア", "link": link(1),
     "start": "2036-07-25T09:30:00+09:00", "end": "2036-07-25T12:00:00+09:00",
     "area": "232106", "categories": ["welfare"], "place": "刈谷市総合福祉センター",
     "summary": "お話し相手のボランティアです。"},
    {"title": "防災訓練の運営補助", "link": link(2),
     "start": "2036-09-06", "end": "2036-09-06", "all_day": True,
     "area": "232106", "categories": ["disaster"],
     "summary": "避難所の設営を手伝います。"},
    {"title": "Food Drive 受付", "link": link(3),
     "start": "2036-12-05T10:00:00+09:00", "end": "2036-12-06T15:00:00+09:00",
     "area": "232017", "categories": ["welfare", "food"],
     "summary": "食品の受付と仕分け。"},
    {"title": "中止になった夏祭り", "link": link(4), "status": "cancelled",
     "start": "2036-08-01T17:00:00+09:00", "area": "232106",
     "categories": ["event"], "summary": "雨天のため中止します。"},
]
SHAKYO = [
    {"title": "福祉サロンのお茶出し", "link": link(11),
     "start": "2036-07-08T13:30:00+09:00", "end": "2036-07-08T15:00:00+09:00",
     "recurrence": "FREQ=MONTHLY;COUNT=3", "area": "232106",
     "categories": ["welfare"], "place": "公民館"},
    {"title": "取り下げられた募集", "link": link(12), "status": "withdrawn",
     "start": "2036-07-01", "all_day": True, "area": "232106",
     "categories": ["welfare"]},
    {"title": "東京の防災ワークショップ", "link": link(13),
     "start": "2036-10-10T13:00:00+09:00", "end": "2036-10-10T16:00:00+09:00",
     "area": "131016", "categories": ["disaster"]},
]
COMPANY = [
    {"title": "社内清掃ボランティア", "link": link(21),
     "start": "2036-07-25T13:00:00+09:00", "end": "2036-07-25T14:00:00+09:00",
     "area": "232025", "categories": ["environment"],
     "organizer": "株式会社サンプル"},
    {"title": "終了した植樹祭", "link": link(22), "status": "closed",
     "start": "2036-04-29", "all_day": True, "area": "232025",
     "categories": ["environment"]},
]
ALL = CITY + SHAKYO + COMPANY
PATHS = {"city": "/city/atom.xml", "shakyo": "/shakyo/atom.xml",
         "company": "/company/atom.xml"}
KINDS = {"city": "city", "shakyo": "shakyo", "company": "corporate"}
DOCS = {"city": CITY, "shakyo": SHAKYO, "company": COMPANY}


def start(test_class, extra_sections="", files=None, **daemon_keys):
    """Origin and daemon for a test class (setUpClass), every source
    polled once and every posting published.  files: name → text written
    into the daemon's directory before it starts."""
    cls = test_class
    cls.origin = harness.Origin()
    cls.addClassCleanup(cls.origin.stop)
    conf = harness.daemon_section(**daemon_keys)
    for name, path in PATHS.items():
        cls.origin.set_feed(path, ext_atom(DOCS[name], title=name))
        conf += harness.source_section(name, cls.origin.url(path),
                                       kind=KINDS[name])
    conf += extra_sections
    cls.daemon = d = harness.Daemon(conf)
    cls.addClassCleanup(d.cleanup)
    cls.shared_daemons = (d,)
    for name, text in (files or {}).items():
        with open(os.path.join(d.dir, name), "w") as f:
            f.write(text)
    try:
        d.start()
        for name in PATHS:
            d.fetch_and_wait(name)
        d.wait_for(lambda: len(d.items("?limit=1000")) == len(ALL), 20,
                   "%d postings" % len(ALL))
    except BaseException:
        harness.dump_log(d)
        raise
    return d


def get_json(d, path):
    status, headers, body = d.get(path)
    if status != 200:
        raise AssertionError("GET %s -> %s %r" % (path, status, body[:300]))
    return json.loads(body.decode("utf-8")), headers


def all_pages(d, path, limit=None):
    """Every item of a JSON feed, following next_url (bounded)."""
    items, url, pages = [], path, 0
    while url and pages < 1000:
        doc, _ = get_json(d, url)
        items += doc["items"]
        url = doc.get("next_url")
        if url:
            url = url[url.index("/feeds/"):]
        pages += 1
    return items


# ---------------------------------------------------------------------------
# The oracle
# ---------------------------------------------------------------------------

def _ascii_lower(s):
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in s)


def search_text(item):
    t = item["_tsunagu"]
    return _ascii_lower("\n".join([
        t.get("title") or "", item.get("summary") or "",
        t.get("place") or "", t.get("address") or "",
        (t.get("organizer") or {}).get("name") or "",
        item.get("content_html") or ""]))


def _instant(s):
    """RFC 3339 or YYYY-MM-DD (a Japan day's start) → unix seconds."""
    if len(s) == 10:
        d = datetime.date.fromisoformat(s)
        return int(datetime.datetime(d.year, d.month, d.day,
                                     tzinfo=JST).timestamp())
    return int(harness.parse_time(s).timestamp())


FOREVER = 253402300799      # 9999-12-31T23:59:59Z


def _add(dt, n, unit):
    if unit == "months" or unit == "years":
        months = n * (12 if unit == "years" else 1)
        y, m = divmod(dt.month - 1 + months, 12)
        return dt.replace(year=dt.year + y, month=m + 1)
    return dt + datetime.timedelta(**{unit: n})


def span(t):
    """[start, end] of an event in seconds, inclusive; None undated.  A
    recurring posting spans its series: to UNTIL's day, COUNT times FREQ
    x INTERVAL, or for ever (DESIGN.md; 002_search.sql)."""
    start = t.get("start")
    if not start:
        return None
    s = _instant(start)
    end = t.get("end")
    if end:
        e = _instant(end) + (86399 if len(end) == 10 else 0)
    else:
        e = s + (86399 if len(start) == 10 else 0)
    rec = (t.get("recurrence") or "").upper()
    if not rec:
        return s, e
    parts = dict(p.split("=", 1) for p in rec.split(";") if "=" in p)
    if "UNTIL" in parts:
        u = parts["UNTIL"]
        last = _instant("%s-%s-%s" % (u[0:4], u[4:6], u[6:8])) + 86399
        return s, max(e, last + (e - s))
    if "COUNT" in parts:
        n = (max(1, int(parts["COUNT"])) - 1) * \
            max(1, int(parts.get("INTERVAL", "1")))
        unit = {"YEARLY": "years", "MONTHLY": "months", "WEEKLY": "weeks",
                "HOURLY": "hours", "MINUTELY": "minutes",
                "SECONDLY": "seconds"}.get(parts.get("FREQ"), "days")
        first = datetime.datetime.fromtimestamp(s, datetime.timezone.utc)
        return s, e + int(_add(first, n, unit).timestamp()) - s
    return s, FOREVER


def range_of(flt):
    """from/to of a filter as seconds (a date to: its last second)."""
    lo = hi = None
    if "from" in flt:
        lo = _instant(flt["from"])
    if "to" in flt:
        hi = _instant(flt["to"]) + (86399 if len(flt["to"]) == 10 else 0)
    return lo, hi


def area_matches(area, wanted):
    if not area:
        return False
    return any(area.startswith(w) if len(w) == 2 else area == w
               for w in wanted)


def matches(item, flt, now=None):
    """Does the published item match a filter?  flt: dict of key → list
    of values (q, from, to: one string each, as in a query)."""
    t = item["_tsunagu"]
    if "kind" in flt and t.get("kind") not in flt["kind"]:
        return False
    if "status" in flt and t.get("status") not in flt["status"]:
        return False
    if "source" in flt and not {s.get("source") for s in t["sources"]} & \
            set(flt["source"]):
        return False
    if "category" in flt and not set(t.get("category") or []) & \
            set(flt["category"]):
        return False
    if "area" in flt and not area_matches(t.get("area"), flt["area"]):
        return False
    if "q" in flt and _ascii_lower(flt["q"]) not in search_text(item):
        return False
    if "from" in flt or "to" in flt:
        sp = span(t)
        lo, hi = range_of(flt)
        if sp is None:
            return False
        if lo is not None and sp[1] < lo:
            return False
        if hi is not None and sp[0] > hi:
            return False
    return True


def query_string(flt):
    """The filter as query parameters (lists comma-joined)."""
    parts = []
    for k, v in flt.items():
        if isinstance(v, (list, tuple)):
            v = ",".join(v)
        parts.append("%s=%s" % (k, urllib.parse.quote(str(v), safe=",")))
    return "&".join(parts)
