#!/usr/bin/env python3
"""Writes records of real events from the municipal open-data CSVs of
../shared/data/jichitai-events, as six sources of a support center would
carry them, for two regions:

    python3 make_heldout.py tama > tama.jsonl          # split "tune"
    python3 make_heldout.py bayside > bayside.jsonl    # split "tune"
    python3 make_heldout.py saitama > saitama.jsonl    # split "tune"
    python3 make_heldout.py katsushika > katsushika.jsonl # split "tune"
    python3 make_heldout.py hachioji > hachioji.jsonl  # split "tune"
    python3 make_heldout.py noda > heldout.jsonl       # split "held"

TSUNAGU_SHARED_DATA names the shared data directory (default
../../../../shared/data).  The output is committed, so the tests never run
it.

History, for an honest reading of the figures.  The Kariya set
(make_labeled.py) was first split in two, and its held part's misses were
read to improve the matcher, so it all became tuning data.  The "tama"
region was then written as a fresh held-out part, before the matcher was
changed, and measured once (precision 1.0, recall 0.589); its misses were
then read too, so it is tuning data now.  The "bayside" region was written
after that measurement and before those misses were looked at, then
measured once with the matcher tuned on the rest (precision 0.936, recall
0.798), and read: tuning data too.  The "saitama" region was written after
that measurement and before the bayside misses were looked at, and
measured once (precision 1.0, recall 0.935); its misses were read: tuning
data since.  The "katsushika" region was written after the matcher was
last changed for the tune part (all of the above) and before any figure
was taken on it; measured once (precision 0.94, recall 0.895), its
misses were read: tuning data since.  The "hachioji" region was written
after those misses were read and before the matcher was changed for
them, and committed before any figure was taken on it; measured once
(precision 1.0, recall 0.909), its misses were read: tuning data since.
The "noda" region was written after that measurement and before those
misses were read, and committed before any figure was taken on it: it
is the held-out part.

tama:    the 2022 rows of 三鷹, 武蔵野, 調布, 小平, 西東京, 国立 and 杉並, for
         an instance in 三鷹 (region 132047).
bayside: the 2022 rows of 浦安, 市川 and 船橋 (and one of 柏), for an
         instance in 浦安 (region 122271).
saitama: the 2022 rows of 所沢, 狭山 and 入間 (and some of 三芳 and 富士見),
         for an instance in 所沢 (region 112089).
katsushika: the 2022 rows of 葛飾, 江戸川 and 北区 (and some of 足立), for
         an instance in 葛飾 (region 131229).  No row of these names its
         venue (場所名称 is empty): the other sources name it, from the
         address.
hachioji: the 2022 rows of 八王子 and 日野, and 立川's through the 立川
         instance, for an instance in 八王子 (region 132012).  No row
         names its venue either; the names the other sources give are
         the facilities at the rows' addresses as a reader of the city's
         page would write them.
noda:    the 2022 rows of 野田 and 流山, and 柏's through the 柏 instance,
         for an instance in 野田 (region 122084).  Few rows give an
         address (流山's none); many name their venue in the title.

Each event is a real row of a CSV — its title, date, times, address and
URL as the municipality published them, with recurring events as one row
per occurrence — and the other sources re-post it in their own ways,
chosen before any of them was matched:

  city1       city        the instance's city's CSV, as published (an
                          empty 場所名称 stays empty; one URL for every
                          occurrence)
  city2       city        a neighbouring city's CSV
  shakyo      shakyo      RSS; full-width ASCII; a recruiting frame
                          (【ボランティア募集】, ...のお知らせ); a third of
                          its items dated by day only, the time in the text
  corp        corporate   a company's in-house site: half-width kana,
                          [社外], the city's URL with tracking; venue
                          details and series labels dropped
  civic       civic       a civic network's blog: ★...★, やります!; half
                          of its dates only in the text (和暦, full-width
                          digits, 午前/午後, often without the year)
  fed         federation  a neighbouring instance: its city's CSV rows
                          with their origin

What makes it hard is written per event in `say` (a source's own wording,
a venue by another name, a meeting or reception time given as the start)
and in the transformations every re-posting source applies by a fixed
rule: dropping 令和3年度 / 第N回, a facility prefix (中央公民館 ...), a
parenthesis such as (全3回) or (中央図書館), the quotes 「」『』.

Hard negatives come from the CSVs themselves: occurrences of one
recurring event (weekly, monthly, two consecutive days), events at one
place on one day (five workshops of one afternoon), sessions, similar
titles on one day; where a collision is built rather than found, the
comment says so.  Some positives are found too: a prefecture's seminar
that two cities list, each in its own words.
"""

import csv
import json
import os
import sys

SHARED = os.environ.get("TSUNAGU_SHARED_DATA",
                        os.path.join(os.path.dirname(os.path.abspath(
                            __file__)), "..", "..", "..", "..", "shared",
                            "data"))
# Roles of the sources; each region names its own.
MC, MW, S, A, N, F = ("city1", "city2", "shakyo", "corp", "civic", "fed")
KIND = {MC: "city", MW: "city", S: "shakyo", A: "corporate", N: "civic",
        F: "federation"}

REGIONS = {
    # 三鷹: evaluated once as the held-out part (recall 0.59), then read
    # for what the matcher lacked: tuning data since.
    "tama": dict(
        split="tune", region="132047", prefix="T",
        names={MC: "mitaka-city", MW: "musashino-city", S: "mitaka-shakyo",
               A: "tama-corp-vc", N: "tama-npo-net", F: "chofu-fed"},
        city_of={"132047": MC, "132039": MW},
        fed_instance="chofu",
        links={S: "https://www.mitakashakyo.example.or.jp/vc/entry/%d/",
               A: "https://vc.tama-corp.example.jp/posts/%d",
               N: "https://tama-npo.example.net/blog/%d"},
        shakyo_guid="tag:mitakashakyo.example.or.jp,2022:entry/%d",
        utm="utm_source=tama-corp&utm_medium=intranet"),
    # 浦安: measured once as the held-out part (precision 0.94, recall
    # 0.80), then read: tuning data since.
    "bayside": dict(
        split="tune", region="122271", prefix="H",
        names={MC: "urayasu-city", MW: "ichikawa-city", S: "urayasu-shakyo",
               A: "bayside-corp-vc", N: "urayasu-npo-net",
               F: "funabashi-fed"},
        city_of={"122271": MC, "122033": MW},
        fed_instance="funabashi",
        links={S: "https://www.urayasushakyo.example.or.jp/news/%d.html",
               A: "https://csr.bayside-corp.example.jp/volunteer/%d",
               N: "https://urayasu-npo.example.org/posts/%d"},
        shakyo_guid="urn:urayasushakyo:news:%d",
        utm="utm_source=bayside&utm_medium=portal&utm_campaign=csr"),
    # 所沢: measured once as the held-out part (precision 1.00, recall
    # 0.93), then read: tuning data since.
    "saitama": dict(
        split="tune", region="112089", prefix="S",
        names={MC: "tokorozawa-city", MW: "sayama-city",
               S: "tokorozawa-shakyo", A: "seibu-corp-vc",
               N: "tokorozawa-npo-net", F: "iruma-fed"},
        city_of={"112089": MC, "112151": MW},
        fed_instance="iruma",
        links={S: "https://tokorozawa-shakyo.example.or.jp/topics/%d",
               A: "https://intra.seibu-corp.example.jp/vc/event?id=%d",
               N: "https://tokorozawa-npo.example.jp/archives/%d"},
        shakyo_guid="https://tokorozawa-shakyo.example.or.jp/topics/%d",
        utm="utm_source=seibu&utm_medium=intra"),
    # 葛飾: measured once as the held-out part (precision 0.94, recall
    # 0.90), then read: tuning data since.
    "katsushika": dict(
        split="tune", region="131229", prefix="K",
        names={MC: "katsushika-city", MW: "edogawa-city",
               S: "katsushika-shakyo", A: "keisei-corp-vc",
               N: "katsushika-npo-net", F: "kita-fed"},
        city_of={"131229": MC, "131237": MW},
        fed_instance="kita",
        links={S: "https://katsushika-shakyo.example.or.jp/info/%d.html",
               A: "https://portal.keisei-corp.example.jp/csr/%d",
               N: "https://katsushika-npo.example.net/entry/%d"},
        shakyo_guid="katsushika-shakyo:info:%d",
        utm="utm_source=keisei&utm_medium=portal"),
    # 八王子: measured once as the held-out part (precision 1.00, recall
    # 0.91), then read: tuning data since.
    "hachioji": dict(
        split="tune", region="132012", prefix="J",
        names={MC: "hachioji-city", MW: "hino-city",
               S: "hachioji-shakyo", A: "chuo-line-corp-vc",
               N: "hachioji-npo-net", F: "tachikawa-fed"},
        city_of={"132012": MC, "132128": MW},
        fed_instance="tachikawa",
        links={S: "https://www.hachioji-shakyo.example.or.jp/vc/%d/",
               A: "https://home.chuo-line-corp.example.jp/social/%d",
               N: "https://hachioji-npo.example.org/news/%d.html"},
        shakyo_guid="hachioji-shakyo:vc:%d",
        utm="utm_source=chuoline&utm_medium=home&utm_campaign=social"),
    # 野田: the held-out part.
    "noda": dict(
        split="held", region="122084", prefix="N",
        names={MC: "noda-city", MW: "nagareyama-city",
               S: "noda-shakyo", A: "tobu-corp-vc",
               N: "noda-npo-net", F: "kashiwa-fed"},
        city_of={"122084": MC, "122203": MW},
        fed_instance="kashiwa",
        links={S: "https://www.noda-shakyo.example.or.jp/topics/%d.html",
               A: "https://intra.tobu-corp.example.jp/csr/v/%d",
               N: "https://noda-npo.example.net/posts/%d/"},
        shakyo_guid="https://www.noda-shakyo.example.or.jp/topics/%d.html",
        utm="utm_source=tobu&utm_medium=intra"),
}

FW_TABLE = {c: chr(ord(c) + 0xFEE0) for c in
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
FW_TABLE.update({"(": "（", ")": "）", " ": "　", "!": "！", "~": "～",
                 ":": "：", "?": "？", "&": "＆"})
HW_KANA = {
    "ボ": "ﾎﾞ", "ラ": "ﾗ", "ン": "ﾝ", "テ": "ﾃ", "ィ": "ｨ", "ア": "ｱ",
    "サ": "ｻ", "ロ": "ﾛ", "イ": "ｲ", "ベ": "ﾍﾞ", "ト": "ﾄ", "ク": "ｸ",
    "リ": "ﾘ", "ー": "ｰ", "フ": "ﾌ", "ド": "ﾄﾞ", "カ": "ｶ", "パ": "ﾊﾟ",
    "ス": "ｽ", "ポ": "ﾎﾟ", "ツ": "ﾂ", "マ": "ﾏ", "ル": "ﾙ", "シ": "ｼ",
    "ェ": "ｪ", "ャ": "ｬ", "ョ": "ｮ", "ュ": "ｭ", "レ": "ﾚ", "ジ": "ｼﾞ",
    "キ": "ｷ", "コ": "ｺ", "ミ": "ﾐ", "ニ": "ﾆ", "タ": "ﾀ", "ウ": "ｳ",
    "オ": "ｵ", "ケ": "ｹ", "ガ": "ｶﾞ", "デ": "ﾃﾞ", "ダ": "ﾀﾞ", "ム": "ﾑ",
    "バ": "ﾊﾞ", "ビ": "ﾋﾞ", "プ": "ﾌﾟ", "ゴ": "ｺﾞ", "チ": "ﾁ", "ヒ": "ﾋ",
    "ナ": "ﾅ", "メ": "ﾒ", "ッ": "ｯ", "ワ": "ﾜ", "グ": "ｸﾞ", "ズ": "ｽﾞ",
    "ネ": "ﾈ", "ゲ": "ｹﾞ", "ピ": "ﾋﾟ", "ブ": "ﾌﾞ", "セ": "ｾ", "ソ": "ｿ",
    "ハ": "ﾊ", "ヨ": "ﾖ", "ゼ": "ｾﾞ", "ホ": "ﾎ", "ヘ": "ﾍ", "ノ": "ﾉ",
    "モ": "ﾓ", "ヤ": "ﾔ", "ユ": "ﾕ", "ヌ": "ﾇ", "ネ": "ﾈ", "ソ": "ｿ",
}
WEEKDAY = "月火水木金土日"
KANJI_DIGITS = "〇一二三四五六七八九"


def fw(s):
    return "".join(FW_TABLE.get(c, c) for c in s)


def hw(s):
    return "".join(HW_KANA.get(c, c) for c in s)


# --- the CSV rows -------------------------------------------------------------

_ROWS = {}


def row(code, idx):
    if code not in _ROWS:
        path = os.path.join(SHARED, "jichitai-events",
                            "o1-%s_g1-000304.csv" % code)
        with open(path, encoding="utf-8-sig", newline="") as f:
            _ROWS[code] = list(csv.DictReader(f))
    return _ROWS[code][idx]


# --- how dates are written ---------------------------------------------------

def weekday(date):
    import datetime
    y, m, d = (int(x) for x in date.split("-"))
    return WEEKDAY[datetime.date(y, m, d).weekday()]


def jtime(hm, style):
    h, m = (int(x) for x in hm.split(":"))
    if style == 0:
        return "%d時%s" % (h, "%d分" % m if m else "")
    if style == 1:
        ampm = "午前" if h < 12 else "午後"
        hh = h if h <= 12 else h - 12
        return "%s%d時%s" % (ampm, hh, "%d分" % m if m else "")
    return fw("%d:%02d" % (h, m))


def text_date(date, start, end, style):
    """The date as a civic group writes it in the text."""
    y, m, d = (int(x) for x in date.split("-"))
    w = weekday(date)
    if style % 3 == 0:
        s = "%d年%d月%d日（%s）" % (y, m, d, w)
    elif style % 3 == 1:
        s = "令和%d年%d月%d日(%s)" % (y - 2018, m, d, w)
    else:
        s = fw("%d月%d日" % (m, d)) + "（%s曜日）" % w
    if start:
        s += " " + jtime(start, style % 3)
        if end:
            s += "～" + jtime(end, style % 3)
    return s


def rfc3339(date, hm):
    return "%sT%s:00+09:00" % (date, hm)


# --- what re-posting sources do to a title -----------------------------------

def strip_year(t):
    for p in ("令和3年度 ", "令和3年度", "令和４年度", "2021", "2022"):
        if t.startswith(p):
            return t[len(p):]
    return t


def strip_ordinal(t):
    if t.startswith("第") and "回" in t[:5]:
        return t[t.index("回") + 1:].lstrip()
    return t


def strip_paren(t):
    """A trailing (…) of venue or series, as most re-posts drop it."""
    t = t.rstrip()
    if t.endswith(")") and "(" in t:
        return t[:t.rindex("(")].rstrip()
    return t


def strip_quotes(t):
    for q in "「」『』":
        t = t.replace(q, " ")
    return " ".join(t.split())


def strip_facility(t):
    """中央公民館 憲法講座 ... → 憲法講座 ..."""
    head, sep, rest = t.partition(" ")
    if sep and any(head.endswith(w) for w in ("公民館", "センター",
                                                "図書館")) and rest:
        return rest
    return t


TRANSFORMS = [strip_year, strip_ordinal, strip_paren, strip_quotes,
              strip_facility]


def reword(t, n, k):
    """The fixed transformations of a re-post: each applies on its own
    turn of (event, source), about 2 times in 5."""
    for i, f in enumerate(TRANSFORMS):
        if (n * 3 + k * 5 + i * 7) % 5 < 2:
            t = f(t)
    return t


def city_title(t, i):
    return t


def shakyo_title(t, i):
    return [fw(t), "【ボランティア募集】" + fw(t), fw(t) + "のお知らせ",
            "【社協】" + t, "＜募集＞" + fw(t)][i % 5]


def corp_title(t, i):
    return ["[社外] " + t, hw(t), "【地域貢献】" + t, "◆" + t + "◆",
            "[社外イベント]" + hw(t)][i % 5]


def civic_title(t, i):
    return ["★" + t + "★", t + "やります!", t + " 参加者募集中♪",
            "《仲間募集》" + t, "☆" + t][i % 5]


STYLE = {MC: city_title, MW: city_title, S: shakyo_title, A: corp_title,
         N: civic_title, F: city_title}

# --- the events ---------------------------------------------------------------

EVENTS = []


def E(code, idx, sources, say=None, hard=None, place=None, note=None,
      date=None, start=None, rows=None):
    """A real CSV row re-posted by `sources`; the first source of a city
    of the instance is that city's CSV.  place: what the other sources
    call the venue when the CSV names none.  date/start: a built
    collision (said in a comment).  rows: {source: (code, idx)}, another
    municipality's row of the same event, which that source carries."""
    EVENTS.append(dict(code=code, idx=idx, sources=list(sources),
                       say=say or {}, hard=hard, place=place,
                       date=date, start=start, rows=rows or {}))


def OWN(source, title, date, start, end, place, area=None, address=None,
        hard=None, sources=None, say=None):
    """An event of a source's own, not in any CSV."""
    EVENTS.append(dict(code=None, own=dict(title=title, date=date,
                       start=start, end=end, place=place, area=area,
                       address=address),
                       sources=sources or [source], say=say or {},
                       hard=hard, place=place, date=None, start=None,
                       rows={}))


def tama():
    """The 2022 rows of 三鷹, 武蔵野, 調布, 小平, 西東京, 国立 and 杉並."""
    # 三鷹市 (the instance's own city)
    E("132047", 1, [MC, N], place="三鷹市すこやか福祉センター")
    E("132047", 4, [MC, S], place="東多世代交流センター")
    E("132047", 5, [MC, A, N], place="三鷹市役所 市民ホール",
      say={N: dict(title="考古学展示「三鷹の戦国時代」", how="text")})
    E("132047", 9, [MC, A], place="武蔵野スイングホール",
      say={A: dict(title="就職1dayトライ 武蔵野会場", start="10:00")})
    E("132047", 35, [MC, N], place="SUBARU総合スポーツセンター",
      say={N: dict(title="フットサル ワンデーマッチ 参加チーム募集",
                   place="総合スポーツセンター")})
    # The junior kendo class on two consecutive days (one row each), and
    # another kendo session at the same hall the same morning.
    E("132047", 36, [MC, N], place="SUBARU総合スポーツセンター",
      hard="monthly:kendo-junior")
    E("132047", 37, [MC, S], place="SUBARU総合スポーツセンター",
      hard="monthly:kendo-junior")
    E("132047", 38, [MC, A], place="SUBARU総合スポーツセンター",
      hard="same-place:kendo",
      say={A: dict(place="三鷹市総合スポーツセンター")})
    E("132047", 39, [MC, N], place="SUBARU総合スポーツセンター",
      hard="monthly:social-dance")
    E("132047", 40, [MC, A], place="SUBARU総合スポーツセンター",
      hard="monthly:social-dance")
    E("132047", 41, [MC, S], place="SUBARU総合スポーツセンター",
      hard="same-place:sports-0130")
    E("132047", 46, [MC, S, A, N], place="三鷹市芸術文化センター 風のホール",
      say={N: dict(title="村田沙耶香さん講演会 会場スタッフ募集",
                   place="芸術文化センター"),
           S: dict(title="文学講演会(村田沙耶香さん)の会場整理ボランティア"),
           A: dict(title="芥川賞作家 村田沙耶香さん 文学講演会")})
    E("132047", 47, [MC, S, N], place="連雀コミュニティ・センター",
      say={N: dict(place="連雀コミセン")})
    E("132047", 48, [MC, A], place="SUBARU総合スポーツセンター")
    # 労働セミナー on two dates; 国立市 lists the same seminars under its own
    # title, which the company re-posts.
    E("132047", 49, [MC, A], place="東京しごとセンター多摩",
      hard="monthly:fukugyo",
      say={A: dict(title="多様な働き方セミナー「副業・兼業」に関する企業の実務"
                         "対応 ガイドラインの改定を踏まえた留意点",
                   link="https://www.city.kunitachi.tokyo.jp/soshiki/Dept05/"
                        "Div01/Sec02/gyomu/0473/0479/1637729461102.html")})
    E("132047", 50, [MC, N], place="東京しごとセンター多摩",
      hard="monthly:fukugyo")
    E("132047", 51, [MC, S, A, N], place="SUBARU総合スポーツセンター",
      say={N: dict(title="みたかスポーツフェスティバル2021 ボランティア"
                         "スタッフ募集"),
           S: dict(how="date")})
    E("132047", 52, [MC, A], place="SUBARU総合スポーツセンター")
    E("132047", 53, [MC, N], place="三鷹市遺跡調査会 展示室",
      hard="monthly:sekki")
    E("132047", 54, [MC, S], place="三鷹市遺跡調査会 展示室",
      hard="monthly:sekki")
    E("132047", 55, [MC, S], place="SUBARU総合スポーツセンター 会議室",
      say={S: dict(title="高次脳機能障害 相談会")})
    for i in (30, 31, 32):
        E("132047", i, [MC, S], place="三鷹市福祉Labo",
          hard="monthly:mentor", say={S: dict(title="ペアレントメンター相談会")})
    E("132047", 33, [MC], place="三鷹市福祉Labo")
    for i in (16, 17, 18):
        E("132047", i, [MC, N], place="SUBARU総合スポーツセンター 土俵",
          hard="monthly:dohyo", say={N: dict(how="text")})
    for i in (42, 43):
        E("132047", i, [MC, S], place="西多世代交流センター",
          hard="monthly:akachan")

    # 武蔵野市 (a neighbouring city's CSV)
    for i in (0, 1, 2):
        E("132039", i, [MW, S], place="武蔵野市子ども家庭支援センター",
          hard="monthly:futago")
    E("132039", 8, [MW, N], place="武蔵野市立第一小学校 校庭")
    E("132039", 9, [MW, A], place="武蔵野プレイス",
      say={A: dict(title="鉄道探検隊(武蔵野プレイス)")})
    E("132039", 10, [MW, S, N], place="武蔵野商工会館",
      say={N: dict(how="text")})
    for i in (11, 12):
        E("132039", i, [MW, S, N], place="武蔵野総合体育館",
          hard="monthly:para-sports",
          say={S: dict(title="障害者のためのスポーツ広場 運営ボランティア")})
    E("132039", 25, [MW, A], place="武蔵野プレイス")
    for i in (26, 27):
        E("132039", i, [MW, S, A], place="武蔵野市役所",
          hard="monthly:smartphone")
    E("132039", 29, [MW, N], place="武蔵野ふるさと歴史館")
    # One day at the 歴史館: the 古文書 course and the 歴史館大学.
    E("132039", 39, [MW, S], place="武蔵野ふるさと歴史館",
      hard="same-place:rekishikan")
    E("132039", 36, [MW, N], place="武蔵野ふるさと歴史館",
      hard="same-place:rekishikan")
    E("132039", 34, [MW, S, N], place="武蔵野市役所 西棟",
      say={S: dict(title="シニア支え合いポイント制度説明会"),
           N: dict(title="シニア支え合いポイント説明会(2/22)", how="text")})
    E("132039", 41, [MW, A, N], place="武蔵野陸上競技場",
      say={N: dict(title="武蔵野市トラックレース 計測ボランティア",
                   start="09:00", note="集合9:00")})
    E("132039", 33, [MW, N], place="武蔵野総合体育館")
    E("132039", 24, [MW, A], place="武蔵野プレイス",
      hard="similar-title:okane")
    E("132039", 32, [MW, N], place="武蔵野プレイス",
      hard="similar-title:okane")

    # 調布市, through the 調布 instance
    E("132080", 8, [F, A], place="桐朋女子中学校・高等学校")
    for i in (11, 12):
        E("132080", i, [F, N], place="調布市子ども家庭支援センターすこやか",
          hard="monthly:futago-chofu")
    E("132080", 15, [F, N], place="調布市文化会館たづくり",
      hard="monthly:mama-marche")
    E("132080", 16, [F, A], place="調布市文化会館たづくり",
      hard="monthly:mama-marche")
    E("132080", 20, [F, S], place="調布市文化会館たづくり")
    E("132080", 28, [F, N, A], place="調布市内",
      say={N: dict(title="コロナ終息祈願の花火打ち上げ", how="text")})
    E("132080", 33, [F, S, A], place="調布消防署",
      say={A: dict(title="AED講習会(普通救命講習)")})
    E("132080", 36, [F, A], place="調布市文化会館たづくり",
      hard="other-town:ninchisho")
    # Built: a 認知症サポーター養成講座 of 三鷹's own on the day and at the
    # hour of 調布's (the course is held in every town, often on Saturdays).
    OWN(S, "認知症サポーター養成講座", "2022-03-12", "10:00", "11:30",
        "三鷹市福祉会館", area="132047", sources=[S, N],
        hard="other-town:ninchisho")

    # 小平市: three courses at one 公民館, one day, one hour.
    E("132110", 20, [A, N], place="小平市中央公民館",
      hard="same-time-place:kodaira-0127")
    E("132110", 14, [S, N], place="小平市中央公民館",
      hard="same-time-place:kodaira-0127")
    E("132110", 29, [S, A], place="小平市中央公民館",
      hard="same-time-place:kodaira-0127")
    E("132110", 42, [S, N], place="小平市中央公園",
      say={S: dict(start="10:20", note="午前10時20分集合"),
           N: dict(title="ツリークライミング体験会(小平)", how="text",
                   start="10:30")})
    E("132110", 52, [A, N], place="小平市民総合体育館",
      say={N: dict(title="こだいら市民駅伝 コース誘導ボランティア",
                   how="text")})
    for i in (57, 58):
        E("132110", i, [A, N], place="小平市花小金井南公民館",
          hard="monthly:kodaira-smaho")

    # 西東京市
    for i in (35, 36, 37):
        E("132292", i, [S, N], place="西東京市保谷こもれびホール",
          hard="monthly:shakishaki")
    E("132292", 53, [S, N, A], place="西東京市ひばりが丘公民館",
      say={N: dict(title="不登校経験者が語る講座(ひばりが丘公民館)")})
    E("132292", 62, [S, A], place="西東京市役所 保谷庁舎")

    # 国立市
    for i in (0, 1):
        E("132152", i, [S, N], place="国立市公民館",
          hard="monthly:nihongo",
          say={N: dict(title="日本語支援ボランティア入門講座(国立)")})
    E("132152", 14, [A, N], place="国立市 矢川緑地",
      say={N: dict(title="くにたち 野鳥観察会", how="text")})

    # 杉並区
    for i in (102, 141, 162):
        E("131156", i, [S, N], place="杉並区立中央図書館",
          hard="monthly:onyaku",
          say={N: dict(title="音訳ボランティア養成講座(杉並区立中央図書館)")})
    E("131156", 48, [S, A], place="すだちの里すぎなみ")
    E("131156", 12, [N, A], place="オンライン")

    # Events one source carries alone.
    E("132047", 12, [MC])
    E("132039", 7, [MW], place="武蔵野プレイス")
    E("132080", 22, [F])
    E("132110", 44, [A], place="小平市花小金井南公民館")
    E("132292", 31, [N], place="西東京市内の銭湯")
    OWN(S, "ボランティア入門講座", "2022-02-19", "13:30", "15:30",
        "三鷹市社会福祉協議会 会議室", area="132047")
    OWN(A, "社内フードドライブ 受付", "2022-02-09", "12:00", "13:00",
        "本社ビル 1階ロビー")
    OWN(N, "多摩川河川敷 清掃活動", "2022-03-06", "09:00", "11:00",
        "多摩川 是政橋付近", area="132080", address="東京都調布市")
    OWN(N, "子ども食堂 配膳ボランティア", "2022-02-26", "16:00", "19:00",
        "みたか子ども食堂(下連雀)", area="132047")


def bayside():
    """The 2022 rows of 浦安, 市川 and 船橋 (and one of 柏)."""
    # 浦安市 (the instance's own city)
    E("122271", 0, [MC, A, N], place="浦安音楽ホール",
      say={N: dict(title="ストラディヴァリウスの二重奏コンサート 受付"
                         "ボランティア", how="text")})
    for i in (1, 2, 3):
        E("122271", i, [MC, S], place="浦安市健康センター",
          hard="monthly:beaver",
          say={S: dict(title="1歳児 むし歯予防教室(ビーバー教室)")})
    # The seminar of the morning is the one 市川 lists for the whole day;
    # the consultations of the afternoon are a session of their own.
    E("122271", 7, [MC, MW, A], place="鎌ケ谷市 きらり鎌ケ谷市民会館",
      hard="sessions:career", rows={MW: ("122033", 35)})
    E("122271", 8, [MC, S], place="鎌ケ谷市 きらり鎌ケ谷市民会館",
      hard="sessions:career")
    E("122271", 10, [MC, S, N], place="浦安市総合福祉センター",
      say={N: dict(title="認知症の介護者交流会(1月)")})
    E("122271", 17, [MC, N], place="浦安市こども家庭支援センター")
    E("122271", 39, [MC, A], place="浦安市中央公民館")
    for i in (41, 42):
        E("122271", i, [MC, N], place="浦安市こども家庭支援センター",
          hard="monthly:yochiyochi")
    # Two 赤ちゃんサロン the same day in two centers; the next day's
    # よちよちタイム of the other center.
    E("122271", 48, [MC, S], place="浦安市こども家庭支援センター",
      hard="similar-title:salon-0126")
    E("122271", 40, [MC, N], place="高洲児童センター",
      hard="similar-title:salon-0126")
    E("122271", 56, [MC, S], place="高洲児童センター")
    for i in (84, 85):
        E("122271", i, [MC, S], place="浦安市健康センター",
          hard="monthly:bone")
    for i in (88, 89):
        E("122271", i, [MC, S, A], place="浦安市役所 会議室",
          hard="monthly:smartphone-urayasu",
          say={A: dict(title="シニア向けスマホ講習会(浦安市)")})
    E("122271", 105, [MC, N], place="浦安市文化会館",
      hard="monthly:kurosawa")
    E("122271", 106, [MC, A], place="浦安市文化会館",
      hard="monthly:kurosawa")
    E("122271", 107, [MC, N], place="浦安市立中央図書館")
    E("122271", 115, [MC, S, N], place="浦安市中央公民館 調理室",
      say={N: dict(title="親子で飾り寿司づくり(うららクッキング)")})
    # おもちゃの病院: 浦安's of the 2nd, 柏's the same day, 浦安's others.
    E("122271", 126, [MC, N], place="浦安市中央公民館",
      hard="other-town:omocha")
    E("122173", 9, [A], place="柏市 かやの町の公民館",
      hard="other-town:omocha")
    E("122271", 149, [MC, S], place="浦安市クリーンセンター",
      hard="monthly:omocha")
    # Five workshops at one place, one day, one hour.
    for i in (144, 145, 146, 147, 148):
        E("122271", i, [MC, (S, A, N, A, S)[i - 144]],
          place="浦安市クリーンセンター",
          hard="same-time-place:workshops-0205")
    # The prefecture's seminar, listed by 浦安 and by 船橋.
    E("122271", 141, [MC, F, A], place="千葉県マンション管理士会",
      rows={F: ("122041", 10)},
      say={A: dict(title="マンション管理基礎講座(第2回)")})
    E("122271", 150, [MC, S, A, N], place="浦安市総合公園",
      say={N: dict(title="浦安シティマラソン 給水ボランティア"),
           S: dict(title="東京ベイ浦安シティマラソン 運営ボランティア",
                   how="date"),
           A: dict(title="東京ベイ浦安シティマラソン(集合7:30)",
                   start="07:30")})
    for i in (151, 152):
        E("122271", i, [MC, N], place="浦安市中央公民館 音楽室",
          hard="monthly:keion")
    E("122271", 159, [MC, S, N], place="浦安市総合福祉センター",
      say={S: dict(title="ベイシニア浦安 支え合い研修(第3回)")})
    E("122271", 160, [MC, A], place="浦安市文化会館 中ホール")
    E("122271", 161, [MC, S, A, N], place="浦安市総合公園",
      say={N: dict(title="たこあげ大会のお手伝い募集", how="text")})
    E("122271", 162, [MC, N, A], place="浦安市郷土博物館")
    E("122271", 163, [MC, S], place="浦安市クリーンセンター")
    E("122271", 165, [MC, S], place="浦安市文化会館",
      hard="similar-title:hikikomori")
    E("122271", 172, [MC, S, N], place="浦安市役所",
      hard="similar-title:hikikomori",
      say={N: dict(title="ひきこもりの家族のためのセミナー")})
    E("122271", 166, [MC, N], place="浦安音楽ホール")
    # 石けん工房 and 牛乳パック工作: one place, one morning.
    E("122271", 168, [MC, N], place="浦安市クリーンセンター",
      hard="same-time-place:chidori-0220")
    E("122271", 167, [MC, S], place="浦安市クリーンセンター",
      hard="same-time-place:chidori-0220")
    E("122271", 169, [MC, A], place="浦安市クリーンセンター")
    E("122271", 170, [MC, A], place="浦安市文化会館 大ホール")
    E("122271", 176, [MC, A, N], place="浦安市文化会館 大ホール")
    E("122271", 180, [MC, S], place="浦安市立中央図書館")
    for i in (137, 138):
        E("122271", i, [MC, A], place="浦安 境川 船着場",
          hard="monthly:yakatabune")

    # 市川市 (a neighbouring city's CSV)
    E("122033", 13, [MW, S, N], place="市川市 鬼高子育て支援センター")
    E("122033", 14, [MW, A, N], place="東山魁夷記念館",
      say={N: dict(title="ひな人形の絵付けワークショップ(東山魁夷記念館)")})
    E("122033", 34, [MW, S], place="市川市 男女共同参画センター")
    # One 離乳食教室, three sessions; the civic group gives the time of
    # the reception as the start, and says so.
    for i in (21, 22, 23):
        E("122033", i, [MW, (N, S, N)[i - 21]], place="市川市保健センター",
          hard="sessions:rinyushoku",
          say={N: dict(start=("10:15", None, "14:15")[i - 21],
                       note="受付は%s～" % ("10:15", None,
                                              "14:15")[i - 21])}
          if i != 22 else None)
    E("122033", 15, [MW, S], place="南行徳保健センター",
      say={S: dict(start="10:00", note="受付10時00分～")})
    E("122033", 16, [MW, N], place="市川市保健センター",
      hard="sessions:4kagetsu")
    E("122033", 17, [MW, A], place="市川市保健センター",
      hard="sessions:4kagetsu")

    # 船橋市, through the 船橋 instance
    for i in (1, 2):
        E("122041", i, [F, N], place="船橋市中央公民館",
          hard="monthly:tablet")
    E("122041", 4, [F, S, A], place="船橋市立医療センター",
      say={A: dict(title="船橋市立医療センター 公開医療講座(第44回)")})
    E("122041", 5, [F, N, A], place="船橋市勤労市民センター")
    E("122041", 11, [F, N], place="船橋市動物愛護指導センター")
    for i in (14, 16):
        E("122041", i, [F, S], place="船橋市 子育て支援センター",
          hard="monthly:kosodate-salon")
    E("122041", 23, [F, A], place="船橋市 飯山満公民館",
      hard="same-day:funabashi-0219")
    E("122041", 24, [F, S], place="きららホール",
      hard="same-day:funabashi-0219")
    E("122041", 9, [F, N], place="宮本公民館 三百人劇場")
    E("122041", 17, [F, N], place="船橋市民文化ホール")

    # Events one source carries alone.
    E("122271", 164, [MC])
    E("122271", 178, [MC])
    E("122033", 0, [MW])
    E("122041", 21, [F])
    OWN(S, "災害ボランティアセンター運営訓練", "2022-02-26", "09:30",
        "12:00", "浦安市総合福祉センター", area="122271")
    OWN(N, "境川 河川清掃", "2022-03-13", "09:00", "10:30",
        "境川 東水門付近", area="122271")
    OWN(A, "社内献血会", "2022-02-09", "10:00", "15:00", "本社 健康管理室")


def saitama():
    """The 2022 rows of 所沢, 狭山 and 入間 (and some of 三芳 and 富士見)."""
    # 所沢市 (the instance's own city)
    E("112089", 12, [MC, S], place="セカンドキャリアセンター所沢",
      hard="monthly:second-career",
      say={S: dict(title="シニア就職支援セミナー(セカンドキャリアセンター"
                         "所沢)")})
    E("112089", 13, [MC, A], place="セカンドキャリアセンター所沢",
      hard="monthly:second-career")
    E("112089", 36, [MC, N], place="所沢市保健センター 調理室",
      say={N: dict(title="男の料理教室 参加者募集")})
    E("112089", 41, [MC, S, N], place="吾妻公民館")
    E("112089", 43, [MC, A], place="小手指公民館分館")
    E("112089", 45, [MC, N], place="所沢市保健センター")
    E("112089", 59, [MC, S, A], place="富岡まちづくりセンター",
      say={A: dict(title="味噌作り講座(富岡)")})
    E("112089", 60, [MC, A, N], place="所沢市民文化センター ミューズ",
      say={N: dict(title="林家木久蔵さん講演会 受付ボランティア",
                   how="text")})
    E("112089", 61, [MC, N], place="所沢市動物愛護センター")
    # One 現地説明会 given four times (two of them here).
    E("112089", 62, [MC, S], place="滝の城跡", hard="sessions:takinojo")
    E("112089", 63, [MC, N], place="滝の城跡", hard="sessions:takinojo")
    E("112089", 66, [MC, S, A], place="小手指公民館分館")
    E("112089", 71, [MC, A], place="所沢市役所 会議室",
      say={A: dict(start="13:00", note="受付開始 午後1時")})
    for i in (72, 73):
        E("112089", i, [MC, S], place="所沢市役所",
          hard="monthly:kaigo",
          say={S: dict(title="介護に関する入門的研修(全4日)")})
    # One morning, two places.
    E("112089", 76, [MC, N], place="並木公民館", hard="same-day:0210")
    E("112089", 77, [MC, S], place="狭山ヶ丘コミュニティーセンター",
      hard="same-day:0210")
    E("112089", 80, [MC, S], place="所沢市保健センター",
      hard="sessions:wakachiai")
    E("112089", 81, [MC, N], place="所沢市保健センター",
      hard="sessions:wakachiai")
    E("112089", 84, [MC, N], place="所沢市保健センター",
      hard="similar-title:hahaoya")
    E("112089", 85, [MC, S], place="所沢市保健センター",
      hard="similar-title:hahaoya")
    E("112089", 86, [MC, A], place="吾妻公民館")
    # おはなし会 three times one day, in two places.
    E("112089", 87, [MC, N], place="小手指公民館",
      hard="similar-title:ohanashi-0218")
    E("112089", 89, [MC, S], place="所沢図書館 本館",
      hard="similar-title:ohanashi-0218")
    E("112089", 90, [MC, A], place="所沢図書館 本館",
      hard="similar-title:ohanashi-0218")
    E("112089", 95, [MC, S, N], place="所沢市民文化センター ミューズ",
      say={N: dict(start="12:15", note="午後0時15分開場")})
    E("112089", 97, [MC, A], place="所沢警察署 会議室")
    E("112089", 99, [MC, N], place="富岡公民館", hard="sessions:kids")
    E("112089", 100, [MC, S], place="富岡公民館", hard="sessions:kids")
    E("112089", 105, [MC, S, A, N], place="所沢市民文化センター ミューズ",
      say={N: dict(title="所沢国際交流フォーラム 通訳ボランティア募集")})
    E("112089", 107, [MC, N, A], place="富岡公民館",
      say={N: dict(title="ウォークラリー大会(富岡地区) コース係")})
    for i, srcs in ((14, [MC, S, N]), (15, [MC, A, N])):
        E("112089", i, srcs, place="所沢市 まちづくりセンター",
          hard="monthly:isu-taiso")
    E("112089", 57, [MC, S, A, N], place="所沢市 子育て支援センター",
      say={N: dict(title="子育てサロン ちょっとひとやすみ(2月)")})
    E("112089", 68, [MC, S, N], place="所沢市 地区社協会館")
    E("112089", 78, [MC, A, N], place="所沢市生涯学習推進センター 陶芸室")
    E("112089", 93, [MC, S, A, N], place="小手指公民館分館 ホール",
      say={A: dict(title="クラシック音楽入門(小手指)")})
    E("112089", 98, [MC, S, N], place="並木公民館")
    E("112089", 101, [MC, N, A], place="小手指公民館分館")
    E("112089", 103, [MC, S, N], place="小手指公民館分館")

    # 狭山市 (a neighbouring city's CSV)
    E("112151", 2, [MW, S, N], place="狭山市立中央図書館")
    E("112151", 3, [MW, N], place="狭山市保健センター")
    E("112151", 5, [MW, S], place="狭山市立中央図書館",
      hard="similar-title:chibizou")
    E("112151", 8, [MW, N], place="狭山市立中央図書館",
      hard="similar-title:chibizou")
    E("112151", 21, [MW, A], place="狭山市リサイクルプラザ")
    E("112151", 23, [MW, S], place="狭山市保健センター",
      hard="sessions:ryoshin")
    E("112151", 24, [MW, N], place="狭山市保健センター",
      hard="sessions:ryoshin")

    # 入間市, through the 入間 instance
    E("112259", 4, [F, S], place="入間市産業文化センター")
    E("112259", 5, [F, N], place="入間市リサイクルプラザ")
    # The same morning at the リサイクルプラザ: two things.
    E("112259", 19, [F, A], place="入間市リサイクルプラザ",
      hard="same-time-place:recycle-0213")
    E("112259", 21, [F, N], place="入間市リサイクルプラザ",
      hard="same-time-place:recycle-0213")
    E("112259", 23, [F, S, A], place="入間市産業文化センター",
      say={A: dict(title="ヤングケアラーについての講演会")})
    E("112259", 25, [F, N], place="旧黒須銀行", hard="monthly:kurosu")
    E("112259", 26, [F, A], place="旧黒須銀行", hard="monthly:kurosu")

    # 三芳町 and 富士見市, carried by the others
    E("113247", 1, [A, N], place="三芳町総合体育館")
    E("113247", 9, [S, N], place="三芳町中央公民館",
      say={N: dict(start="09:30", note="受付9時30分から")})
    E("113247", 16, [S, N], place="三芳町立図書館")
    E("112356", 5, [S, N], place="富士見市健康増進センター")
    E("112356", 10, [A, N], place="富士見市立難波田城資料館",
      hard="sessions:oni")
    E("112356", 11, [S, N], place="富士見市立難波田城資料館",
      hard="sessions:oni")
    E("112356", 24, [S, A], place="富士見市民文化会館 キラリ☆ふじみ")
    E("112356", 33, [A, N], place="富士見市民文化会館 キラリ☆ふじみ")

    # Events one source carries alone.
    E("112089", 70, [MC])
    OWN(S, "傾聴ボランティア養成講座", "2022-02-24", "13:30", "15:30",
        "所沢市社会福祉協議会 会議室", area="112089")
    OWN(N, "柳瀬川 清掃活動", "2022-03-06", "09:00", "11:00",
        "柳瀬川 清柳橋付近", area="112089")
    OWN(A, "社員食堂 フードドライブ", "2022-02-18", "12:00", "13:00",
        "本社 社員食堂")


def katsushika():
    """The 2022 rows of 葛飾, 江戸川 and 北区 (and some of 足立)."""
    # 葛飾区 (the instance's own city).  立石6-38-11 is the シニア活動支援
    # センター where most 【シニア向け】 courses are held.
    SENIOR = "葛飾区シニア活動支援センター"
    E("131229", 0, [MC, S], place=SENIOR, hard="monthly:kenbiso-leader")
    E("131229", 1, [MC, N], place=SENIOR, hard="monthly:kenbiso-leader")
    # うんどう教室 in three parks, one morning, one hour.
    E("131229", 47, [MC, S], place="お花茶屋公園",
      hard="same-time:undo-0126")
    E("131229", 52, [MC, A], place="高砂北公園", hard="same-time:undo-0126")
    E("131229", 57, [MC, N], place="間栗公園", hard="same-time:undo-0126")
    # Two 脳トレ courses at the center on one day.
    E("131229", 29, [MC, A], place=SENIOR, hard="similar-title:notore-0125")
    E("131229", 31, [MC, S], place=SENIOR, hard="similar-title:notore-0125")
    E("131229", 28, [MC, S, N], place="西水元 地域包括支援センター",
      say={N: dict(title="認知症サポーター養成講座(水元)")})
    # ふれあい銭湯: 第四富士の湯 twice, 富士の湯 (another bathhouse).
    E("131229", 37, [MC, N], place="第四富士の湯", hard="similar-title:fuji")
    E("131229", 38, [MC, S], place="第四富士の湯", hard="similar-title:fuji")
    E("131229", 150, [MC, A], place="富士の湯", hard="similar-title:fuji")
    E("131229", 62, [MC, S], place="アクアドルフィンランド")
    E("131229", 72, [MC, A, N], place="寿湯")
    # Two dance courses of the center, on consecutive days.
    E("131229", 65, [MC, N], place=SENIOR, hard="monthly:dance")
    E("131229", 66, [MC, A], place=SENIOR, hard="monthly:dance")
    E("131229", 40, [MC, S], place=SENIOR, hard="monthly:dance",
      say={S: dict(title="シニアのダンス&ストレッチ講座 補助ボランティア")})
    # One title, one day, one hour, two gyms.
    E("131229", 75, [MC, S], place="お花茶屋 スポーツセンター",
      hard="same-title:badminton-0128")
    E("131229", 80, [MC, N], place="西新小岩 スポーツセンター",
      hard="same-title:badminton-0128")
    E("131229", 118, [MC, A], place="お花茶屋 スポーツセンター",
      hard="same-title:takkyu-0205")
    # The CSV tells these two rows apart by their address alone, which a
    # posting of one source does not compare: 新小岩's is carried by the
    # others only.
    E("131229", 122, [S, N], place="西新小岩 スポーツセンター",
      hard="same-title:takkyu-0205")
    E("131229", 85, [MC, S, N], place=SENIOR,
      say={N: dict(title="脳活ミュージック倶楽部 お手伝い募集",
                   how="text")})
    E("131229", 90, [MC, A], place=SENIOR)
    E("131229", 97, [MC, N], place="葛飾区立中央図書館")
    E("131229", 98, [MC, S], place="秋成 スキー場")
    E("131229", 99, [MC, A], place="新小岩公園 テニスコート",
      hard="monthly:tennis")
    E("131229", 100, [MC, N], place="新小岩公園 テニスコート",
      hard="monthly:tennis")
    E("131229", 102, [MC, S, N], place="葛飾区総合スポーツセンター",
      hard="monthly:shidoin")
    E("131229", 103, [MC, A], place="葛飾区総合スポーツセンター",
      hard="monthly:shidoin")
    E("131229", 106, [MC, S, A, N], place="立石地区センター",
      say={N: dict(title="子ども服の交換会 受付ボランティア",
                   start="09:30", note="受付9時30分集合")})
    E("131229", 107, [MC, A, N], place="テクノプラザかつしか",
      say={A: dict(title="葛飾区認定製品販売会(ミライテラス)")})
    E("131229", 108, [MC, S], place="葛飾区総合スポーツセンター")
    E("131229", 109, [MC, N], place="青戸平和公園", hard="same-day:undo-0201")
    E("131229", 113, [MC, A], place="東金町四丁目平成公園",
      hard="same-day:undo-0201")
    E("131229", 117, [MC, S, A], place="東京国際フォーラム")
    E("131229", 126, [MC, N], place="亀有学び交流館", hard="monthly:sugaku")
    E("131229", 160, [MC, S], place="亀有学び交流館", hard="monthly:sugaku")
    E("131229", 127, [MC, A])
    E("131229", 131, [MC, S, N], place="ウィメンズパル",
      say={N: dict(title="SDGs講演会(ユーモアイラスト) 会場スタッフ",
                   how="text")})
    E("131229", 147, [MC, S], hard="sessions:pandemic")
    E("131229", 148, [MC, N], hard="sessions:pandemic")
    E("131229", 149, [MC, A, N])
    # One afternoon: a course at ウィメンズパル and a library's おはなし会.
    E("131229", 156, [MC, S], place="ウィメンズパル", hard="same-day:0219")
    E("131229", 157, [MC, N], place="葛飾区立中央図書館",
      hard="same-day:0219")
    E("131229", 161, [MC, S, N], place="テクノプラザかつしか")
    E("131229", 163, [MC, A], place="水元体育館")

    # 江戸川区 (a neighbouring city's CSV)
    E("131237", 14, [MW, S, N], place="江戸川区 ハローワーク木場",
      say={N: dict(title="就活リスタート講座(江戸川区)")})
    E("131237", 15, [MW, A], place="船堀 健康サポートセンター",
      hard="monthly:kenko-juku")
    E("131237", 16, [MW, N], place="船堀 健康サポートセンター",
      hard="monthly:kenko-juku")
    E("131237", 30, [MW, S, A, N], place="江戸川区 ファミリーサポートセンター",
      say={S: dict(title="ファミリーサポート協力会員 説明会(江戸川区)")})
    E("131237", 31, [MW, N])
    E("131237", 65, [MW, S], place="江戸川区児童相談所",
      hard="monthly:satooya")
    E("131237", 66, [MW, A], place="江戸川区児童相談所",
      hard="monthly:satooya")
    # One Saturday: a cooking class in the morning, a programme after.
    E("131237", 67, [MW, N, A], place="愛国学園短期大学",
      hard="same-day:edogawa-0205")
    E("131237", 68, [MW, S], hard="same-day:edogawa-0205")
    E("131237", 63, [MW, A], place="ひらい圓藏亭")

    # 北区, through the 北区 instance.  The NP course in two children's
    # centers at one hour, on two days.
    E("131172", 3, [F, S], place="赤羽児童館", hard="similar-title:np-0124")
    E("131172", 8, [F, N], place="八幡山子どもセンター",
      hard="similar-title:np-0124")
    E("131172", 50, [F, A], place="赤羽西児童館",
      hard="similar-title:np-0128")
    E("131172", 55, [F, N], place="滝野川東児童館",
      hard="similar-title:np-0128")
    E("131172", 30, [F, N], place="赤羽児童館")
    E("131172", 65, [F, S, A], place="北区飛鳥山博物館",
      say={A: dict(title="古文書講座 助一郎日記を読む(飛鳥山博物館)")})
    E("131172", 66, [F, N], place="北区飛鳥山博物館")
    E("131172", 69, [F, A, N], place="北区飛鳥山博物館")
    E("131172", 38, [F, S], place="西が丘児童館")
    E("131172", 49, [F, N], place="浮間子ども・ティーンズセンター")

    # 足立区, carried by the others
    E("131211", 4, [S, A], place="男女参画プラザ")
    E("131211", 5, [S, N], place="桜花亭")
    E("131211", 6, [A, N], place="荒川ビジターセンター",
      say={N: dict(start="09:45", note="集合9時45分")})
    E("131211", 13, [S, N], place="足立区役所")

    # Events one source carries alone.
    E("131229", 141, [MC])
    OWN(S, "災害ボランティア養成講座", "2022-02-19", "13:30", "16:00",
        "葛飾区社会福祉協議会 研修室", area="131229")
    OWN(N, "中川 河川敷清掃", "2022-03-06", "09:00", "11:00",
        "中川 平和橋付近", area="131229")
    OWN(A, "社内古着回収 受付", "2022-02-09", "12:00", "13:00",
        "本社 1階ロビー")


def hachioji():
    """The 2022 rows of 八王子 and 日野, and 立川's (through the 立川
    instance).  Chosen by going down each CSV once: every row of 2022
    that is an event (not a notice), a recurring event taking two or
    three of its occurrences, and the rows that share a day and a place
    or an hour as hard negatives."""
    # 八王子市 (the instance's own city).  東町5-6 is クリエイトホール
    # (生涯学習センター), where most 市民自由講座 are held.
    CREATE = "クリエイトホール"
    MINAMI = "生涯学習センター南大沢分館"
    KAWAGUCHI = "川口やまゆり館"
    # The 介護 course on consecutive days, and once more in February.
    E("132012", 0, [MC, S], place="東京都福祉人材センター 八王子会場",
      hard="daily:kaigo")
    E("132012", 1, [MC, A], place="東京都福祉人材センター 八王子会場",
      hard="daily:kaigo")
    E("132012", 3, [MC, N], place="東京都福祉人材センター 八王子会場",
      hard="daily:kaigo")
    # One day at クリエイトホール: a lecture at 14:00 and the PC course
    # whose afternoon session starts at 14:00 too (the row has no time).
    E("132012", 5, [MC, N], place=CREATE, hard="same-day:higashi-0124")
    E("132012", 6, [MC, S], place=CREATE, hard="same-day:higashi-0124")
    E("132012", 9, [MC, S, N], place=MINAMI,
      say={N: dict(title="中東情勢を学ぶ講座(南大沢)")})
    E("132012", 7, [MC, N], place=CREATE, hard="same-day:higashi-0126")
    E("132012", 10, [MC, A], place=CREATE, hard="same-day:higashi-0126")
    E("132012", 11, [MC, S], place=CREATE)
    # 28 January at 10:00: a parents' salon and a Japanese class.
    E("132012", 13, [MC, N], place="散田 子ども家庭支援センター",
      hard="same-time:0128")
    E("132012", 17, [MC, A], place=CREATE, hard="same-time:0128")
    E("132012", 14, [MC, S], place="散田 子ども家庭支援センター",
      hard="monthly:hogosha")
    E("132012", 15, [MC, N], place="散田 子ども家庭支援センター",
      hard="monthly:hogosha")
    E("132012", 18, [MC, S], place=CREATE, hard="weekly:nihongo")
    E("132012", 19, [MC, N], place=CREATE, hard="weekly:nihongo")
    E("132012", 34, [MC, S], place=MINAMI, hard="weekly:nihongo-sun")
    E("132012", 35, [MC, A], place=MINAMI, hard="weekly:nihongo-sun")
    E("132012", 28, [MC, N], place=CREATE, hard="biweekly:3b")
    E("132012", 29, [MC, S], place=CREATE, hard="biweekly:3b")
    E("132012", 31, [MC, A, N], place=KAWAGUCHI)
    E("132012", 42, [MC, S, A], place=CREATE,
      say={A: dict(title="バレエストレッチで筋トレ(市民自由講座)")})
    E("132012", 45, [MC, N], place=CREATE,
      say={N: dict(title="八王子の社寺建築を学ぶ講演会 受付のお手伝い",
                   how="text")})
    E("132012", 46, [MC, S, N], place=CREATE)
    E("132012", 47, [MC, A], place=CREATE)
    E("132012", 48, [MC, S], place=KAWAGUCHI, hard="weekly:heike")
    E("132012", 49, [MC, N], place=KAWAGUCHI, hard="weekly:heike")
    E("132012", 51, [MC, S], place=CREATE)
    E("132012", 52, [MC, A, N], place=CREATE)
    # 22 and 24 February at クリエイトホール: two lectures each day.
    E("132012", 53, [MC, S], place=CREATE, hard="same-day:higashi-0222")
    E("132012", 56, [MC, N], place=CREATE, hard="same-day:higashi-0222")
    E("132012", 30, [MC, A], place=CREATE, hard="same-day:higashi-0224")
    E("132012", 58, [MC, S, N], place=CREATE, hard="same-day:higashi-0224")
    E("132012", 57, [MC, A, N], place=MINAMI,
      say={A: dict(title="やさしい日本語 講座(南大沢)")})
    E("132012", 59, [MC, S, A, N], place="北野市民センター",
      say={S: dict(title="福祉の就職フェア 会場ボランティア",
                   start="12:30", note="集合12時30分")})
    E("132012", 27, [MC, N], place="子育て応援ひろば")
    E("132012", 8, [MC, S], place=CREATE)

    # 日野市 (a neighbouring city's CSV).  日野本町7-5-23 is the 中央公民館.
    KOMINKAN = "日野市中央公民館"
    # 5 February at the 公民館, both at 14:00; a course at 13:00.
    E("132128", 50, [MW, S], place=KOMINKAN, hard="same-time:hino-0205")
    E("132128", 51, [MW, N], place=KOMINKAN, hard="same-time:hino-0205")
    E("132128", 58, [MW, A], place="明星大学", hard="same-time:hino-0205")
    # 27 January at 14:00 in two places.
    E("132128", 41, [MW, A], place="中央公民館 高幡台分室",
      hard="same-time:hino-0127")
    E("132128", 40, [MW, S], place=KOMINKAN, hard="same-time:hino-0127")
    # 8 February: three events in the afternoon.
    E("132128", 33, [MW, S, N], place="日野市民陸上競技場",
      hard="same-day:hino-0208")
    E("132128", 55, [MW, A], place=KOMINKAN, hard="same-day:hino-0208")
    E("132128", 54, [MW, N], place="日野市役所", hard="same-day:hino-0208")
    E("132128", 47, [MW, S], place="日野市男女平等推進センター",
      hard="daily:pc-hino")
    E("132128", 48, [MW, A], place="日野市男女平等推進センター",
      hard="daily:pc-hino")
    # A fair of both cities at 八王子's クリエイトホール.
    E("132128", 66, [MW, S, N], place=CREATE,
      say={N: dict(title="就職面接会(八王子・日野) 託児ボランティア")})
    E("132128", 63, [MW, N], place="日野市役所 前庭")
    E("132128", 65, [MW, A], place="多摩平の森ふれあい館",
      hard="same-day:hino-0212")
    E("132128", 64, [MW, S], place="中央公民館 高幡台分室",
      hard="same-day:hino-0212")
    E("132128", 74, [MW, S, A], place="日野市消防署",
      hard="sessions:kyumei")
    E("132128", 75, [MW, N], place="日野市消防署", hard="sessions:kyumei")
    E("132128", 37, [MW, N], place=KOMINKAN, hard="same-day:hino-0126")
    E("132128", 39, [MW, S], place="万願寺 子ども家庭支援センター",
      hard="same-day:hino-0126")
    E("132128", 44, [MW, A, N], place="西平山 ふれあい広場",
      say={N: dict(start="08:45", note="集合8時45分")})

    # 立川市, through the 立川 instance.  曙町2-36-2 is the 女性総合センター
    # アイム.
    AIM = "女性総合センター・アイム"
    E("132021", 4, [F, S], place="幸学習館", hard="weekly:spanish")
    E("132021", 5, [F, N], place="幸学習館", hard="weekly:spanish")
    E("132021", 7, [F, A], place=AIM, hard="daily:pc-tachikawa")
    E("132021", 8, [F, N], place=AIM, hard="daily:pc-tachikawa")
    E("132021", 12, [F, S, N], place="西砂学習館",
      say={S: dict(title="愛犬と楽しく暮らす講座 受付ボランティア")})
    # 6 February at アイム: a course at 13:30 and a lecture at 14:00.
    E("132021", 20, [F, A], place=AIM, hard="same-day:akebono-0206")
    E("132021", 22, [F, A, N], place=AIM, hard="same-day:akebono-0206")
    E("132021", 19, [F, S], place=AIM)
    E("132021", 26, [F, S], place=AIM, hard="biweekly:restart")
    E("132021", 27, [F, N], place=AIM, hard="biweekly:restart")
    E("132021", 30, [F, A], place="錦学習館")
    E("132021", 15, [F, N], place="柴崎体育館", hard="weekly:molkky")
    E("132021", 16, [F, S], place="柴崎体育館", hard="weekly:molkky")

    # Events one source carries alone.
    E("132012", 12, [MC])
    OWN(S, "車いす体験 ボランティア講習", "2022-02-15", "13:30", "15:30",
        "八王子市社会福祉協議会 会議室", area="132012")
    OWN(N, "浅川 河川敷クリーン作戦", "2022-03-05", "09:00", "11:00",
        "浅川 鶴巻橋付近", area="132012")
    OWN(A, "社内 書き損じはがき回収", "2022-02-10", "12:00", "13:00",
        "本社 2階 休憩室")


def noda():
    """The 2022 rows of 野田 and 流山, and 柏's (through the 柏 instance).
    Chosen as hachioji()'s were: down each CSV once, every row of 2022
    that is an event (not one cancelled, 【…中止】), two or three
    occurrences of a recurring one, and the rows that share a day and a
    place or an hour as hard negatives; rows of a range of months (the
    libraries' おはなし会) as they are."""
    # 野田市 (the instance's own city).  中野台168-1 is the 生涯学習センター
    # with the 興風図書館 in it.
    SHOGAI = "野田市生涯学習センター"
    TOBU = "野田東部みどり子育て支援センター"
    # 25 January at the 生涯学習センター: a PC course and a kite course.
    E("122084", 1, [MC, S], place=SHOGAI, hard="same-day:shogai-0125")
    E("122084", 7, [MC, N], place=SHOGAI, hard="same-day:shogai-0125")
    E("122084", 2, [MC, A], place=SHOGAI, hard="weekly:tako")
    E("122084", 4, [MC, N], place=SHOGAI, hard="weekly:tako")
    E("122084", 0, [MC, S], place=TOBU, hard="weekly:tobu")
    E("122084", 9, [MC, N], place=TOBU, hard="weekly:tobu")
    E("122084", 26, [MC, A], place=TOBU, hard="same-time:noda-0128")
    E("122084", 10, [MC, S], place="ぽかぽかひろば")
    # 27 January: two at 14:00 in two places, two at 10:00 in two more.
    E("122084", 13, [MC, S], place="野田市総合公園体育館",
      hard="same-time:noda-0127pm")
    E("122084", 16, [MC, A, N], place="関宿中央公民館",
      hard="same-time:noda-0127pm",
      say={N: dict(title="関宿で防災講座 お手伝いボランティア")})
    E("122084", 17, [MC, N], place="野田市中央公民館",
      hard="same-time:noda-0127am")
    E("122084", 19, [MC, S], place="関宿保健センター",
      hard="same-time:noda-0127am")
    E("122084", 14, [MC, A], place="野田市総合公園体育館",
      hard="weekly:takkyu")
    E("122084", 23, [MC, N], place="野田市総合公園体育館",
      hard="weekly:takkyu")
    # 28 January at 10:00: miso, a consultation, a toddlers' morning.
    E("122084", 22, [MC, S, N], place="尾崎 農村センター",
      hard="same-time:noda-0128",
      say={N: dict(title="手作り味噌の会(野田産大豆)")})
    E("122084", 25, [MC, N], place="子育てサロンゆう&みい",
      hard="same-time:noda-0128")
    E("122084", 27, [MC, A, N], place="野田市立北部子ども館")
    # 1 February at the 生涯学習センター: Excel at 10:00, yoga at 15:30.
    E("122084", 35, [MC, S], place=SHOGAI, hard="same-day:shogai-0201")
    E("122084", 39, [MC, A], place=SHOGAI, hard="same-day:shogai-0201")
    E("122084", 3, [MC, N], place=SHOGAI, hard="same-day:shogai-0201")
    E("122084", 43, [MC, S], place="野田市保健センター",
      hard="monthly:eiyo")
    E("122084", 44, [MC, N], place="野田市保健センター",
      hard="monthly:eiyo")
    E("122084", 47, [MC, A], place="野田市保健センター")
    E("122084", 49, [MC, S], place="野田市保健センター",
      hard="courses:ryoshin")
    E("122084", 70, [MC, N], place="野田市保健センター",
      hard="courses:ryoshin")
    E("122084", 51, [MC, S, A], place="野田市役所 大会議室",
      say={S: dict(title="マンション管理の基礎を学ぶ講座(県主催)")})
    E("122084", 52, [MC, N], place="関宿城博物館")
    E("122084", 53, [MC, S], place="清水公園 クライミングウォール",
      hard="monthly:climbing")
    E("122084", 54, [MC, A], place="清水公園 クライミングウォール",
      hard="monthly:climbing")
    E("122084", 55, [MC, N], place="興風図書館")
    E("122084", 57, [MC, S, A], place="野田市文化会館")
    # The libraries' おはなし会: rows of three months, one hour.
    E("122084", 33, [MC, S], place="興風図書館",
      hard="same-time:ohanashi-0109")
    E("122084", 34, [MC, N], place="せきやど図書館",
      hard="same-time:ohanashi-0109")
    E("122084", 65, [MC, A], place="興風図書館")
    E("122084", 67, [MC, S, N], place="野田市役所 8階大会議室",
      say={N: dict(title="成年後見制度を学ぶ しみん講座 受付",
                   how="text")})
    E("122084", 68, [MC, A], place="野田市保健センター",
      hard="monthly:rinyu")
    E("122084", 69, [MC, N], place="野田市保健センター",
      hard="monthly:rinyu")
    E("122084", 30, [MC, S, N], place=SHOGAI)

    # 流山市 (a neighbouring city's CSV)
    E("122203", 5, [MW, N], place="流山エルズ", hard="same-time:nag-0126")
    E("122203", 7, [MW, S], place="かるがも 子育て支援センター",
      hard="same-time:nag-0126")
    E("122203", 8, [MW, A], place="ひまわり 児童センター",
      hard="same-time:nag-0126")
    E("122203", 3, [MW, N], place="ぺんぎん 子育てひろば",
      hard="daily:penguin")
    E("122203", 4, [MW, S], place="ぺんぎん 子育てひろば",
      hard="daily:penguin")
    E("122203", 10, [MW, S, N], place="流山市立博物館",
      say={N: dict(title="古文書講座「大奥女中の人事」 受付ボランティア",
                   how="text")})
    E("122203", 11, [MW, A], place="流山市立博物館")
    E("122203", 14, [MW, S, N], place="流山市文化会館")
    # 12 February at the 森の図書館: a toy hospital, a magazine recycling.
    E("122203", 17, [MW, N], place="森の図書館", hard="same-day:mori-0212")
    E("122203", 18, [MW, A], place="森の図書館", hard="same-day:mori-0212")
    E("122203", 19, [MW, S], place="森の図書館")
    E("122203", 22, [MW, A], place="南流山センター", hard="monthly:pokapoka")
    E("122203", 23, [MW, N], place="南流山センター", hard="monthly:pokapoka")
    E("122203", 25, [MW, S], place="流山市立中央図書館")
    E("122203", 12, [MW, A, N], place="森の図書館")

    # 柏市, through the 柏 instance.
    E("122173", 3, [F, S, N], place="柏市役所 本庁舎",
      say={S: dict(title="認知症サポーターになろう 養成講座")})
    E("122173", 6, [F, A], place="柏市 子育て支援センター",
      hard="similar-title:twins")
    E("122173", 12, [F, N], place="柏市 沼南子育て支援センター",
      hard="similar-title:twins")
    # The toy hospital in two places, once each in February.
    E("122173", 10, [F, S], place="かやの町 近隣センター")
    E("122173", 29, [F, N], place="高柳近隣センター")
    E("122173", 25, [F, S, A], place="パレット柏",
      say={A: dict(title="日本語スピーチコンテスト 柏 会場スタッフ")})
    # 22 February at 10:00: a BP programme and a café.
    E("122173", 34, [F, N], place="かしわ東口 交流スペース",
      hard="same-time:kashiwa-0222")
    E("122173", 36, [F, S], place="柏市 子ども家庭支援センター",
      hard="same-time:kashiwa-0222")
    E("122173", 15, [F, A], place="柏市 こどもルーム",
      hard="biweekly:nakayoshi")
    E("122173", 16, [F, N], place="柏市 こどもルーム",
      hard="biweekly:nakayoshi")
    E("122173", 28, [F, S], place="今谷南町 集会所")
    E("122173", 14, [F, A, N], place="柏市 子育て支援センター")

    # Events one source carries alone.
    E("122084", 63, [MC])
    OWN(S, "傾聴ボランティア入門", "2022-02-22", "13:30", "15:30",
        "野田市社会福祉協議会 2階", area="122084")
    OWN(N, "江戸川 河川敷のごみ拾い", "2022-03-06", "09:00", "11:00",
        "江戸川 野田橋付近", area="122084")
    OWN(A, "社内献血 受付", "2022-02-16", "10:00", "12:00",
        "本社 5階 会議室")


# --- writing records ---------------------------------------------------------

def base_of(ev):
    """The event as its CSV row (or its own source) gives it."""
    if ev["code"] is None:
        o = ev["own"]
        return dict(title=o["title"], date=o["date"], end_date=o["date"],
                    start=o["start"], end=o["end"], place=o["place"],
                    address=o["address"], area=o["area"], url=None,
                    note="")
    r = row(ev["code"], ev["idx"])
    addr = "".join(x for x in (r["住所都道府県"], r["住所市区町村"],
                                r["住所町名"], r["住所丁目以下"]) if x)
    addr = addr.replace(" ", "").replace("?", "-") or None
    start = ev["start"] or r["開始時刻"] or None
    return dict(title=r["名称"], date=ev["date"] or r["開始日"],
                end_date=r["終了日"] or None, start=start,
                end=r["終了時刻"] or None, place=r["場所名称"] or None,
                address=addr, area=r["都道府県コード又は市区町村コード"],
                url=r["URL"] or None,
                note=r["日時備考"].replace("\n", " ").strip())


def records(cfg):
    serial = 500
    out = []
    for n, ev in enumerate(EVENTS):
        label = "%s%03d" % (cfg["prefix"], n + 1)
        for k, src in enumerate(ev["sources"]):
            serial += 1
            say = ev["say"].get(src, {})
            is_city = src in (MC, MW) and ev["code"] is not None and \
                cfg["city_of"].get(ev["code"]) == src
            is_fed = src == F and ev["code"] is not None
            b = base_of(ev)
            if src in ev["rows"]:
                code, idx = ev["rows"][src]
                b = base_of(dict(ev, code=code, idx=idx, date=None,
                                 start=None))
                is_city = src in (MC, MW)
            if is_city or is_fed:
                title = b["title"]
            else:
                title = say.get("title") or reword(b["title"], n, k)
                title = STYLE[src](title, n + k)
            rec = {"split": cfg["split"], "event": label,
                   "source": cfg["names"][src], "kind": KIND[src],
                   "title": title, "region": cfg["region"]}
            if is_city:
                rec["source_area"] = b["area"]
            if ev["hard"]:
                rec["hard"] = ev["hard"]
            # Where and when, as the source writes them.
            if is_city or is_fed:
                place = b["place"]
            else:
                place = say.get("place", ev["place"] or b["place"])
                if src == S and place:
                    place = fw(place)
            start = say.get("start", b["start"])
            how = say.get("how")
            if how is None:
                if is_city or is_fed or src == A:
                    how = "timed"
                elif src == S:
                    how = "date" if (n + k) % 3 == 0 else "timed"
                else:
                    how = "text" if (n + k) % 2 == 0 else "timed"
            date, end = b["date"], b["end"]
            multi = b["end_date"] and b["end_date"] != date
            summary = b["note"] if (is_city or is_fed) else \
                "%sのお知らせです。" % strip_paren(b["title"])
            if say.get("note"):
                summary = "%s。%s" % (say["note"], summary)
            if how == "timed":
                rec["start"] = rfc3339(date, start) if start else date
                if multi:
                    rec["end"] = (rfc3339(b["end_date"], end) if end and
                                  start else b["end_date"])
                elif end and start:
                    rec["end"] = rfc3339(date, end)
            elif how == "date":
                rec["start"] = date
                if multi:
                    rec["end"] = b["end_date"]
                if start:
                    summary += "時間は%sから。" % jtime(start, 1)
            else:
                summary = "日時: %s 場所: %s。%s" % (
                    text_date(date, start, None if multi else end, n),
                    place or "未定", summary)
                if multi:
                    y, m, d = (int(x) for x in b["end_date"].split("-"))
                    summary = "期間: %s～%d月%d日。%s" % (
                        text_date(date, None, None, n), m, d, summary)
            rec["summary"] = summary
            if place:
                rec["place"] = place
            # Addresses: the CSVs and the federation give them; the
            # shakyo gives one for events outside 三鷹.
            if is_city or is_fed:
                if b["address"]:
                    rec["address"] = b["address"]
                if is_fed or ev["code"] is None or src in ev["rows"]:
                    rec["area"] = b["area"]
            elif src == S and b["area"] != cfg["region"] and b["address"]:
                rec["address"] = b["address"]
            elif ev["code"] is None and b["area"] and k == 0:
                rec["area"] = b["area"]
            # Links and identities.
            if is_city:
                if b["url"]:
                    rec["link"] = b["url"]
            elif is_fed:
                rec["link"] = b["url"]
                rec["origin_instance"] = cfg["fed_instance"]
                rec["origin_id"] = "c%020x" % (0xc0f0000 + serial)
            else:
                rec["link"] = cfg["links"][src] % serial
                if src == A and b["url"] and n % 3 == 0:
                    rec["link"] = b["url"].replace("https://", "http://") \
                        + "?" + cfg["utm"]
                if src == S:
                    rec["guid"] = cfg["shakyo_guid"] % serial
            if "link" in say:
                rec["link"] = say["link"]
            rec["published"] = "2022-01-%02dT09:00:00+09:00" % (1 + n % 20)
            out.append(rec)
    return out


def check(recs):
    """Whole events and whole groups; no two items of one source alike
    in every field (see make_labeled.py)."""
    seen = {}
    for r in recs:
        key = (r["source"], r["title"], r.get("start"), r.get("end"),
               r.get("place"), r.get("area"), r.get("address"),
               r["summary"] if "start" not in r else None)
        if key in seen and seen[key] != r["event"]:
            raise SystemExit("indistinguishable records %s and %s of %s" %
                             (seen[key], r["event"], r["source"]))
        seen[key] = r["event"]


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in REGIONS:
        raise SystemExit("usage: make_heldout.py "
                         "tama|bayside|saitama|katsushika|hachioji|noda")
    globals()[sys.argv[1]]()
    recs = records(REGIONS[sys.argv[1]])
    check(recs)
    for rec in recs:
        sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
