"""Helpers shared by the admin API tests (test_api_*.py, test_cli.py).

A daemon with one source ("city", an RSS feed on the scripted origin), rate
limits high enough for a test that sends hundreds of requests, and the
calls that make tokens, subscribers and submissions through the API.
"""

import json
import urllib.parse

import harness
from harness import rss

CITY_PATH = "/city/rss.xml"

CITY_ITEMS = [
    {"title": "刈谷市総合運動公園の清掃活動",
     "link": "https://city.example.jp/volunteer/102",
     "description": "<p>園路と芝生広場のごみ拾いです。</p>"},
    {"title": "日本語教室サポーター募集",
     "link": "https://city.example.jp/volunteer/103",
     "description": "<p>毎週土曜日 10:00から12:00</p>"},
]

SUBMISSION = {
    "title": "逢妻川クリーン作戦",
    "start": "2026-09-12T09:00:00+09:00",
    "end": "2026-09-12T11:00:00+09:00",
    "deadline": "2026-09-05T17:00:00+09:00",
    "area": "232106",
    "place": "逢妻川河川敷",
    "category": ["environment"],
    "summary": "川沿いのごみ拾いです。",
}


def config(origin, daemon=None, extra=""):
    """The configuration text: [daemon] (test defaults, high API limits,
    overridden by `daemon`), the city source, then `extra`."""
    keys = {"api_rate": "100000", "api_burst": "100000"}
    keys.update(daemon or {})
    return (harness.daemon_section(**keys)
            + harness.source_section("city", origin.url(CITY_PATH))
            + extra)


def start(case, extra="", daemon=None, fetch=True):
    """An origin with the city feed and a daemon on it (cleaned up with
    the test); the city source polled once when `fetch`."""
    origin = case.new_origin()
    origin.set_feed(CITY_PATH, rss(CITY_ITEMS))
    d = case.new_daemon(config(origin, daemon, extra))
    if fetch:
        d.fetch_and_wait("city")
    return origin, d


def call(d, method, path, token=None, body=None, headers=None, auth=True):
    """One API request; token None: the admin file's token; auth False:
    no Authorization header.  Returns (status, json or None, headers)."""
    if not path.startswith("/api/"):
        path = "/api/v1" + path
    h = dict(headers or {})
    if auth:
        h.update(d.auth(token))
    status, hdrs, data = d.request(method, path, h, body)
    try:
        doc = json.loads(data.decode("utf-8")) if data else None
    except ValueError:
        doc = None
    return status, doc, hdrs


def ok(d, method, path, token=None, body=None, want=(200, 201, 202)):
    status, doc, _ = call(d, method, path, token, body)
    if status not in want:
        raise AssertionError("%s %s -> %s %r" % (method, path, status, doc))
    return doc


def make_token(d, role, organization=None, subscriber=None, label=None):
    """A new token through the API; returns (token text, token id)."""
    body = {"role": role}
    if organization:
        body["organization"] = organization
    if subscriber:
        body["subscriber"] = subscriber
    if label:
        body["label"] = label
    doc = ok(d, "POST", "/tokens", body=body)
    return doc["token"], doc["id"]


def make_subscriber(d, name, **fields):
    body = {"name": name}
    body.update(fields)
    return ok(d, "POST", "/subscribers", body=body)


def submit(d, token, **fields):
    """A submission with `token` (a group's); returns its id."""
    body = dict(SUBMISSION)
    body.update(fields)
    return ok(d, "POST", "/postings", token=token, body=body)["id"]


def quote(s):
    return urllib.parse.quote(s, safe="")


def posting_ids_in_feed(d):
    return {it["_tsunagu"]["id"] for it in d.items("?limit=1000")}
