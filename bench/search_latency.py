#!/usr/bin/env python3
"""bench/search_latency.py: search latency per query class, over HTTP, one
connection (issue 18: PostgreSQL search p99 at most 5 ms).

    bench/search_latency.py [--rounds N] [--path /search/suggest] URL[@PID,...] ...

Each URL is a running `scan serve` (say one on SQLite and one on
PostgreSQL holding the same data: bench/cluster.sh's setup, or a
database copied with `scan db copy`). For every query class below it
asks each query of the class N times (default 30) in turn over one
keep-alive connection and prints p50 and p99 per class and server, in
ms. The default path is /search?q= with a counter in the URL (the page
cache keys on the URL, so every request is a miss and runs the search);
/search/suggest is never cached. The classes hold the prefixes
bench/search-prefixes.lua rotates through (class "bench"), then one
letter, two letters, Cyrillic, Latin with diacritics, several words,
rare words and nonsense. With @PID,... after a URL it also prints the
CPU time those processes and their children (the server, the PostgreSQL
postmaster: its backends) used per request, in ms (from /proc): unlike
latency, that does not grow when other work shares the machine's cores.
Standard library only.
"""
import os
import argparse
import http.client
import statistics
import time
import urllib.parse

CLASSES = [
    ("bench", ["tehn", "agro", "klaster", "nis", "ниш", "metal", "beo", "inst", "novi", "soft",
               "elektro", "cacak", "тех", "kragu", "drvo", "info sistem", "fakultet", "pekara",
               "inkubator", "zren"]),
    ("one letter", ["s", "k", "a", "z", "p", "d", "n", "x"]),
    ("two letters", ["kl", "no", "be", "te", "pr", "sa", "ag", "in"]),
    ("cyrillic", ["ниш", "тех", "београд", "кластер", "п", "по", "нови сад"]),
    ("diacritics", ["čačak", "niš", "šabac", "proizvođač", "užice", "Ćuprija"]),
    ("ascii-folded", ["cacak", "sabac", "proizvodjac", "uzice", "cuprija"]),
    ("multi-word", ["info sistem", "novi sad", "agro beo", "klaster k", "pr m", "d o o",
                    "inst z", "klaster k s", "beograd nis", "s a"]),
    ("rare", ["pekara", "inkubator", "zren", "fakultet", "2014"]),
    ("nonsense", ["zzqx", "qqq", "xyzzy plugh", "kqz", "beo zzqx"]),
]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def cpu_ms(pids):
    """utime + stime of pids and of their children, in ms."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                f_ = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(d) in pids or int(f_[1]) in pids:
            total += int(f_[11]) + int(f_[12])
    return total * 1000.0 / tick


def run(base, path, rounds, pids):
    u = urllib.parse.urlsplit(base)
    con = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    out = {}
    n = 0
    for name, qs in CLASSES:
        times = []
        c0 = cpu_ms(pids) if pids else 0
        for _ in range(rounds):
            for q in qs:
                n += 1
                url = path + urllib.parse.quote(q)
                if path == "/search?q=":
                    url += "&nocache=%d" % n
                t0 = time.perf_counter()
                con.request("GET", url)
                r = con.getresponse()
                r.read()
                times.append((time.perf_counter() - t0) * 1000)
                if r.status != 200:
                    raise SystemExit("%s%s: HTTP %d" % (base, url, r.status))
        cpu = (cpu_ms(pids) - c0) / len(times) if pids else float("nan")
        out[name] = (statistics.median(times), pct(times, 99), max(times), cpu)
    con.close()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--path", default="/search?q=")
    ap.add_argument("urls", nargs="+")
    a = ap.parse_args()
    res = []
    for u in a.urls:
        url, _, pids = u.partition("@")
        res.append(run(url.rstrip("/"), a.path, a.rounds,
                       {int(p) for p in pids.split(",") if p}))
    print("%s, %d rounds, one connection; ms: p50 / p99 / max / CPU per request" %
          (a.path, a.rounds))
    print("%-14s" % "class" + "".join("%34s" % u.partition("@")[0][-33:] for u in a.urls))
    for name, _ in CLASSES:
        print("%-14s" % name + "".join("%34s" % ("%.2f / %.2f / %.1f / %.2f" % r[name])
                                       for r in res))


if __name__ == "__main__":
    main()
