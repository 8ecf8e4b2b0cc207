#!/usr/bin/env python3
"""The driver of ingest_vs_peers.sh (which installs, builds and makes the
corpus first).

Each round runs, on every file of the corpus, one after the other:
  tsunagu     ingest_bench: feed_parse() + normalize_posting() (C, release);
  sfeed       sfeed < FILE > /dev/null (C; parses RSS/Atom to TSV lines);
  feedparser  feedparser.parse(bytes) (Python 3, Debian's python3-feedparser;
              sanitizes HTML and resolves URLs as tsunagu does).
The median time per file and tool is kept; the table gives entries per
second per file and over the whole corpus, and the ratios of tsunagu to
each peer.  What each does is not the same work: sfeed only splits fields
(no charset decoding, no HTML sanitizing, no normalization); feedparser
and tsunagu both sanitize, resolve and parse dates, and tsunagu also
normalizes (NFKC, dates from the text, categories, areas).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

FEEDPARSER = r"""
import json, sys, time, feedparser
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    t0 = time.perf_counter()
    d = feedparser.parse(data)
    out[path] = [len(d.entries), time.perf_counter() - t0]
print(json.dumps(out))
"""


def run_tsunagu(bench, files):
    out = subprocess.run([bench, "-r", "1"] + files, check=True,
                         capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        path, n, secs = line.rsplit(" ", 2)
        res[path] = (int(n), float(secs))
    return res


def run_sfeed(files):
    res = {}
    for path in files:
        with open(path, "rb") as f:
            t0 = time.perf_counter()
            out = subprocess.run(["sfeed"], stdin=f, check=True,
                                 capture_output=True).stdout
            secs = time.perf_counter() - t0
        res[path] = (out.count(b"\n"), secs)
    return res


def run_feedparser(python, files):
    out = subprocess.run([python, "-c", FEEDPARSER] + files, check=True,
                         capture_output=True, text=True).stdout
    return {k: tuple(v) for k, v in json.loads(out).items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True, help="the ingest_bench binary")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    tools = {
        "tsunagu": lambda: run_tsunagu(args.bench, args.files),
        "sfeed": lambda: run_sfeed(args.files),
        "feedparser": lambda: run_feedparser(args.python, args.files),
    }
    times = {t: {f: [] for f in args.files} for t in tools}
    counts = {t: {} for t in tools}
    for r in range(args.rounds):
        for name, run in tools.items():
            for path, (n, secs) in run().items():
                times[name][path].append(secs)
                counts[name][path] = n
        sys.stderr.write("round %d/%d done\n" % (r + 1, args.rounds))

    med = {t: {f: statistics.median(v) for f, v in fs.items()}
           for t, fs in times.items()}
    names = list(tools)
    print("entries per second (median of %d rounds; entries found in "
          "brackets)" % args.rounds)
    print("%-14s" % "file" + "".join("%22s" % n for n in names))
    total = {t: [0, 0.0] for t in names}
    for f in args.files:
        row = "%-14s" % os.path.basename(f)
        for t in names:
            n, s = counts[t][f], med[t][f]
            total[t][0] += n
            total[t][1] += s
            row += "%22s" % ("%.0f [%d]" % (n / s if s else 0, n))
        print(row)
    row = "%-14s" % "all"
    rate = {}
    for t in names:
        rate[t] = total[t][0] / total[t][1] if total[t][1] else 0.0
        row += "%22s" % ("%.0f [%d]" % (rate[t], total[t][0]))
    print(row)
    for peer in ("sfeed", "feedparser"):
        if rate[peer]:
            print("tsunagu / %-10s %.2f" % (peer, rate["tsunagu"] /
                                              rate[peer]))
    if args.json:
        with open(args.json, "w") as fp:
            json.dump({"rounds": args.rounds, "rate": rate,
                       "median_seconds": med, "entries": counts}, fp,
                      indent=1)


if __name__ == "__main__":
    main()
