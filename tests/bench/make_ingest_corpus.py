#!/usr/bin/env python3
"""The corpus of ingest_vs_peers.sh: four large feeds in one directory.

  fp-rss.xml    every <item> of the feedparser test suite's well-formed
                RSS and RDF documents (../shared/data/feedparser-tests),
                as RSS 2.0 items, repeated to N items;
  fp-atom.xml   every <entry> of its well-formed Atom documents, the same;
  gen-rss.xml   N generated RSS 2.0 items of Japanese volunteer postings
                (HTML descriptions, categories, dates);
  gen-atom.xml  N generated Atom entries of the same kind.

Items are kept only when they parse inside the merged document (expat,
with the namespaces their documents declared): every tool then reads the
same well-formed feeds.  Deterministic for a given N.

  make_ingest_corpus.py FEEDPARSER_TESTS OUT_DIR [N]
"""

import datetime
import os
import random
import re
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

ATOM = "http://www.w3.org/2005/Atom"
NS_RE = re.compile(r'xmlns:([A-Za-z_][\w.-]*)\s*=\s*("[^"]*"|\'[^\']*\')')


def documents(root, folders):
    for folder in folders:
        base = os.path.join(root, "wellformed", folder)
        for dirpath, _, files in sorted(os.walk(base)):
            for name in sorted(files):
                if name.endswith((".xml", ".rdf")):
                    with open(os.path.join(dirpath, name), "rb") as f:
                        data = f.read()
                    try:
                        yield data.decode("utf-8")
                    except UnicodeDecodeError:
                        continue


def blocks(text, tag):
    """Every <tag ...>...</tag> (not nested) with the namespaces its
    document declares."""
    ns = {p: v[1:-1] for p, v in NS_RE.findall(text)}
    pat = re.compile(r"<%s[\s>].*?</%s>" % (tag, tag), re.S)
    for m in pat.finditer(text):
        yield m.group(0), ns


def merge(found, wrap_open, wrap_close, n):
    """Items that parse in the merged root; repeated up to n."""
    namespaces, kept = {}, []
    for block, ns in found:
        if any(namespaces.get(p, u) != u for p, u in ns.items()):
            continue            # a prefix bound elsewhere to another URI
        decl = "".join(' xmlns:%s="%s"' % (p, escape(u, {'"': "&quot;"}))
                       for p, u in ns.items())
        try:
            ET.fromstring(wrap_open(decl) + block + wrap_close)
        except ET.ParseError:
            continue
        namespaces.update(ns)
        kept.append(block)
    if not kept:
        raise SystemExit("no items found")
    decl = "".join(' xmlns:%s="%s"' % (p, escape(u, {'"': "&quot;"}))
                   for p, u in sorted(namespaces.items()))
    items = [kept[i % len(kept)] for i in range(n)]
    doc = wrap_open(decl) + "\n".join(items) + wrap_close
    ET.fromstring(doc)          # the whole is well-formed
    return doc, len(kept)


def rss_open(decl):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"%s>'
            "<channel><title>feedparser corpus</title>"
            "<link>http://example.org/</link><description>d</description>\n"
            % decl)


def atom_open(decl):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="%s"%s>'
            "<title>feedparser corpus</title><id>urn:bench:fp</id>"
            "<updated>2026-01-01T00:00:00Z</updated>\n" % (ATOM, decl))


PLACES = ["刈谷市総合文化センター", "刈谷市社会福祉会館", "亀城公園", "刈谷市中央図書館",
          "刈谷市総合運動公園", "刈谷市民交流センター"]
WORDS = ["清掃活動", "子ども食堂", "傾聴ボランティア", "防災訓練", "手話講座",
         "フードバンク", "読み聞かせ", "高齢者サロン", "多文化共生", "河川清掃"]
CATS = ["福祉", "子ども", "環境", "防災", "地域", "国際", "健康"]


def generated(n, atom):
    rnd = random.Random(20260301)
    jst = datetime.timezone(datetime.timedelta(hours=9))
    out = []
    for i in range(n):
        w = WORDS[i % len(WORDS)]
        place = PLACES[rnd.randrange(len(PLACES))]
        day = datetime.datetime(2026, 4, 1, 9, tzinfo=jst) + \
            datetime.timedelta(days=i % 300, hours=i % 8)
        title = "【募集】%s ボランティア 第%d回（%s）" % (w, i + 1, place)
        html = ("<p>%s のお手伝いをお願いします。</p><p>日時：%d年%d月%d日 "
                "%d時～%d時</p><p>会場：<a href=\"/place/%d\">%s</a></p>"
                "<ul><li>持ち物：軍手・飲み物</li><li>定員：%d名</li></ul>"
                % (w, day.year, day.month, day.day, day.hour, day.hour + 2,
                   i % 50, place, 10 + i % 40))
        link = "https://volunteer.example.jp/posting/%d" % i
        cats = [CATS[(i + k) % len(CATS)] for k in range(1 + i % 3)]
        if atom:
            out.append(
                "<entry><title>%s</title><id>urn:bench:%d</id>"
                '<link href="%s"/><updated>%s</updated>%s'
                '<content type="html">%s</content></entry>'
                % (escape(title), i, link, day.isoformat(),
                   "".join('<category term="%s"/>' % c for c in cats),
                   escape(html)))
        else:
            out.append(
                "<item><title>%s</title><link>%s</link>"
                '<guid isPermaLink="false">bench-%d</guid><pubDate>%s'
                "</pubDate>%s<description>%s</description></item>"
                % (escape(title), link, i,
                   day.strftime("%a, %d %b %Y %H:%M:%S +0900"),
                   "".join("<category>%s</category>" % c for c in cats),
                   escape(html)))
    return ((atom_open("") if atom else rss_open("")) + "\n".join(out) +
            ("</feed>\n" if atom else "</channel></rss>\n"))


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    root, outdir = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    os.makedirs(outdir, exist_ok=True)
    rss_folders = ["rss", "rdf", "amp", "base", "itunes", "lang",
                   "namespace", "sanitize", "media-rss", "geo", "psc",
                   "feedburner", "node_precedence", "xml"]
    atom_folders = ["atom", "atom10", "base", "lang", "sanitize", "amp",
                    "namespace", "xml", "node_precedence"]
    rss_items = []
    for text in documents(root, rss_folders):
        if "<feed" in text[:500]:
            continue
        rss_items.extend(blocks(text, "item"))
    doc, distinct = merge(rss_items, rss_open, "</channel></rss>\n", n)
    write(outdir, "fp-rss.xml", doc, n, distinct)
    atom_items = []
    for text in documents(root, atom_folders):
        if "<feed" not in text:
            continue
        atom_items.extend(blocks(text, "entry"))
    doc, distinct = merge(atom_items, atom_open, "</feed>\n", n)
    write(outdir, "fp-atom.xml", doc, n, distinct)
    write(outdir, "gen-rss.xml", generated(n, False), n, n)
    write(outdir, "gen-atom.xml", generated(n, True), n, n)


def write(outdir, name, doc, n, distinct):
    data = doc.encode("utf-8")
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)
    print("%-13s %6d entries (%d distinct), %.1f MB"
          % (name, n, distinct, len(data) / 1e6))


if __name__ == "__main__":
    main()
