#!/usr/bin/env python3
"""Writes the charset fixtures of tests/data/feeds/ in their real bytes.

The files are committed; run this again only to change them:
    python3 tests/tools/make_charset_fixtures.py tests/data/feeds
Every text is a volunteer posting of the Kariya region.  ①, ㈱ and 髙 are
the characters Shift_JIS lacks and CP932 (Windows-31J) has.
"""
import json
import subprocess
import sys
from pathlib import Path

SITE = "https://www.city.kariya.example.jp/volunteer/"
SHAKYO = "https://www.kariya-shakyo.example.jp/"

RDF = """<?xml version="1.0" encoding="{decl}"?>
<rdf:RDF
  xmlns="http://purl.org/rss/1.0/"
  xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/">
 <channel rdf:about="{site}rss.rdf">
  <title>刈谷市社会福祉協議会 ボランティアセンター</title>
  <link>{shakyo}</link>
  <description>刈谷市社会福祉協議会からのお知らせ</description>
  <dc:language>ja</dc:language>
  <items>
   <rdf:Seq>
    <rdf:li rdf:resource="{shakyo}vc/2026/0801.html"/>
    <rdf:li rdf:resource="{shakyo}vc/2026/0715.html"/>
   </rdf:Seq>
  </items>
 </channel>
 <item rdf:about="{shakyo}vc/2026/0801.html">
  <title>①傾聴ボランティア養成講座（全3回）</title>
  <link>{shakyo}vc/2026/0801.html</link>
  <description>髙橋講師による傾聴の基礎。協力：㈱カリヤ技研</description>
  <content:encoded><![CDATA[<p>日時：令和8年8月5日（水）10：00～12：00</p><p>会場：刈谷市総合福祉センター</p><p>協力：㈱カリヤ技研</p>]]></content:encoded>
  <dc:subject>福祉</dc:subject>
  <dc:subject>講座</dc:subject>
  <dc:creator>刈谷市社会福祉協議会</dc:creator>
  <dc:date>2026-07-20</dc:date>
 </item>
 <item rdf:about="{shakyo}vc/2026/0715.html">
  <title>②夏のボランティア体験（髙須地区）</title>
  <description>中学生・高校生の夏休みボランティア体験の参加者を募集します。</description>
  <dc:date>2026-07-15T09:30:00+09:00</dc:date>
 </item>
</rdf:RDF>
"""

RSS2 = """<?xml version="1.0" encoding="{decl}"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel>
  <title>刈谷市 市民活動情報</title>
  <link>{site}</link>
  <description>市民活動支援センターの募集情報</description>
  <item>
   <title>{title}</title>
   <link>{site}2026/{slug}.html</link>
   <guid isPermaLink="false">kariya-{slug}</guid>
   <description>{desc}</description>
   <pubDate>Sat, 01 Aug 2026 10:00:00 +0900</pubDate>
   <category>環境</category>
  </item>
 </channel>
</rss>
"""


def eucjp_ms(text):
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", "EUC-JP-MS"],
                          input=text.encode(), capture_output=True,
                          check=True).stdout


def iso2022jp(text):
    """ISO-2022-JP as Windows writes it (CP50220): NEC row 13 included."""
    euc = eucjp_ms(text)
    out, kanji, i = bytearray(), False, 0
    while i < len(euc):
        b = euc[i]
        if b < 0x80:
            if kanji:
                out += b"\x1b(B"
                kanji = False
            out.append(b)
            i += 1
        else:
            if b in (0x8e, 0x8f):
                raise ValueError("half-width kana / JIS X 0212 not used")
            if not kanji:
                out += b"\x1b$B"
                kanji = True
            out += bytes([euc[i] & 0x7f, euc[i + 1] & 0x7f])
            i += 2
    if kanji:
        out += b"\x1b(B"
    return bytes(out)


def rss2(decl, title, slug, desc):
    return RSS2.format(decl=decl, site=SITE, title=title, slug=slug,
                       desc=desc)


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/feeds")
    rdf = RDF.format(decl="Shift_JIS", site=SITE, shakyo=SHAKYO)
    files = {
        # A municipal CMS: RSS 1.0 in CP932, declared Shift_JIS.
        "kariya-rdf-sjis.rdf": rdf.encode("cp932"),
        # The same bytes with no declaration: the Japanese guess.
        "kariya-rdf-sjis-nodecl.rdf":
            rdf.replace(' encoding="Shift_JIS"', "").encode("cp932"),
        # Declares UTF-8, is CP932.
        "lying-utf8-is-cp932.rdf":
            rdf.replace("Shift_JIS", "UTF-8").encode("cp932"),
        # Declares Shift_JIS, is UTF-8.
        "lying-sjis-is-utf8.rdf": rdf.encode("utf-8"),
        # EUC-JP as Windows writes it (EUC-JP-MS: ① and ㈱ included).
        "kariya-rss2-eucjp.xml": eucjp_ms(rss2(
            "EUC-JP", "逢妻川クリーン作戦①（髙津波町）", "river-eucjp",
            "河川敷の清掃活動です。軍手を配ります。"
            "協賛：㈱刈谷環境サービス")),
        "kariya-rss2-iso2022jp.xml": iso2022jp(rss2(
            "ISO-2022-JP", "子ども食堂の配膳ボランティア①", "kodomo",
            "毎月第3土曜日。協力：㈱フードバンク刈谷")),
    }
    feed11 = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "刈谷市ボランティア活動支援センター",
        "home_page_url": SITE,
        "feed_url": SITE + "feed.json",
        "hubs": [{"type": "WebSub", "url": "https://hub.example.jp/"}],
        "items": [
            {
                "id": "kariya-2026-0901",
                "url": "2026/bousai.html",
                "title": "防災訓練の運営ボランティア",
                "content_html": "<p>9月1日（火）9時～12時、"
                                "刈谷市総合運動公園にて。</p>",
                "summary": "防災訓練の受付と誘導をお願いします。",
                "date_published": "2026-08-10T09:00:00+09:00",
                "date_modified": "2026-08-12T15:30:00+09:00",
                "tags": ["防災", "地域"],
                "authors": [{"name": "刈谷市 危機管理課"}],
            },
            {
                "id": "kariya-2026-0902",
                "external_url": "https://www.example.org/event/42",
                "title": "手話サークル 見学会",
                "content_text": "初心者歓迎 <見学無料> & 予約不要",
                "date_published": "2026-08-11T10:00:00+09:00",
            },
            {
                "id": "kariya-2026-0903",
                "url": SITE + "2026/fed.html",
                "title": "ＮＰＯ交流会（知立市と合同）",
                "content_html": "<p>近隣市の活動団体と交流します。</p>",
                "date_published": "2026-08-12T10:00:00+09:00",
                "tags": ["交流"],
                "_tsunagu": {
                    "id": "c0ffee",
                    "revision": 2,
                    "kind": "federation",
                    "organizer": {"name": "知立市市民活動支援センター",
                                  "kind": "civic"},
                    "title": "NPO交流会(知立市と合同)",
                    "start": "2026-09-20T13:30:00+09:00",
                    "all_day": False,
                    "area": "232254",
                    "category": ["community"],
                    "status": "open",
                    "duplicate_of": None,
                    "sources": [{"source": "chiryu", "kind": "city",
                                 "url": "https://chiryu.example.jp/1",
                                 "fetched": "2026-08-12T10:05:00+09:00"}],
                    "origin": {"instance": "chiryu", "id": "c0ffee"},
                },
            },
        ],
    }
    feed10 = {
        "version": "https://jsonfeed.org/version/1",
        "title": "刈谷市社会福祉協議会",
        "home_page_url": SHAKYO,
        "author": {"name": "刈谷市社会福祉協議会"},
        "items": [
            {
                "id": 20260801,
                "url": SHAKYO + "vc/2026/0801.html",
                "title": "①傾聴ボランティア養成講座",
                "content_html": "<p>協力：㈱カリヤ技研</p>",
                "date_published": "2026-07-20T00:00:00+09:00",
                "author": {"name": "ボランティアセンター"},
                "tags": ["福祉"],
            },
        ],
    }
    files["kariya-feed11.json"] = (json.dumps(
        feed11, ensure_ascii=False, indent=1) + "\n").encode()
    # PHP's json_encode escapes slashes and non-ASCII by default.
    files["kariya-feed10.json"] = (json.dumps(feed10, indent=1).replace(
        "/", "\\/") + "\n").encode()
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
