#!/usr/bin/env python3
"""bench/pg_search.py: the directory search's PostgreSQL statements timed on
100,000 generated entries (issue 18: multi-word prefixes).

    bench/gen.py orgs --count 100000 --format csv > orgs.csv
    tests/pg/pg_temp.sh run sh -c 'build-asan/scan init --db "$SCAN_PG_URL" &&
        bench/pg_search.py orgs.csv'

Loads the entries' names (title) and texts (body), folded roughly as
utf8_fold folds them (Cyrillic to Latin, lower case, no diacritics), into
search_fts and search_title of the database psql reaches (PGHOST, ...;
migrated: search_word is kept by its trigger), then runs search.c's own
SQL_PG_* texts (read through the preprocessor, as tests/pg/search_parity.py
does) for single words and several words with common prefixes: the
names' two plans (the sparse one with the longest word as the
candidates, and the walk; search.c's stage_open_pg picks one by the
data), each REPEAT times under EXPLAIN (ANALYZE), and prints the median
and the largest execution time per query and plan. With --plan QUERY it
prints that query's plans instead. Needs only psql.
"""
import csv
import os
import re
import statistics
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "pg"))
from search_parity import sql_constants  # noqa: E402

CYR = dict(zip("абвгдђежзијклљмнњопрстћуфхцчџш",
               ["a", "b", "v", "g", "d", "dj", "e", "z", "z", "i", "j", "k", "l", "lj", "m", "n",
                "nj", "o", "p", "r", "s", "t", "c", "u", "f", "h", "c", "c", "dz", "s"]))

QUERIES = ["klaster", "k", "kr", "d", "pr", "beograd", "nis",
           "klaster n", "pr m", "d p", "a d", "pr marija", "pr m p", "d o o", "agro s",
           "preduzece b", "inst z", "klaster k s"]
REPEAT = 7


def fold(s):
    out = []
    for ch in s.lower():
        ch = CYR.get(ch, ch)
        if ch == "đ":
            ch = "dj"
        out.append(ch)
    s = unicodedata.normalize("NFKD", "".join(out))
    return "".join(c for c in s if not unicodedata.combining(c))


def longest_first(q):
    """The words as search.c's query_params passes them: the longest first
    (the first of equals), the rest in order."""
    w = q.split()
    i = max(range(len(w)), key=lambda k: (len(w[k]), -k))
    return " ".join([w[i]] + w[:i] + w[i + 1:])


def psql(script):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=script,
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit("psql: " + r.stderr)
    return r.stdout


def load(path):
    have = int(psql("SELECT count(*) FROM search_fts;").strip())
    if have >= 100000:
        return have
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for i, e in enumerate(csv.DictReader(f), start=1):
            title = fold(" ".join(x for x in (e["name"], e["name_en"], e["acronym"]) if x))
            body = fold(" ".join(e[k] for k in ("short_sr", "short_en", "description_sr",
                                                "description_en", "municipality") if e[k]))
            rows.append((i, title, body))

    def q(s):
        return s.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    script = ["BEGIN;", "COPY search_doc(id, kind, ref) FROM STDIN;"]
    script += ["%d\torg\t%d" % (i, i) for i, _, _ in rows] + ["\\."]
    script += ["COPY search_fts(rowid, kind, ref, title, body) FROM STDIN;"]
    script += ["%d\torg\t%d\t%s\t%s" % (i, i, q(t), q(b)) for i, t, b in rows] + ["\\."]
    script += ["COPY search_title(rowid, kind, ref, title) FROM STDIN;"]
    script += ["%d\torg\t%d\t%s" % (i, i, q(t)) for i, t, _ in rows] + ["\\."]
    script += ["COMMIT;", "ANALYZE;"]
    psql("\n".join(script) + "\n")
    return len(rows)


def main():
    args = sys.argv[1:]
    plan = None
    if args[:1] == ["--plan"]:
        plan, args = args[1], args[2:]
    n = load(args[0])
    sql = sql_constants()
    # the names' two plans (search.c's stage_open_pg): sparse with the
    # longest word as the candidates (cap out of reach: always answers),
    # and the walk
    stages = [("sparse", "SQL_PG_TITLE_SPARSE", "text, bigint, text, text, text, bigint",
               "%(others)s, 200, 'org', %(word)s, %(word)s || chr(1114111), 1000000000"),
              ("walk", "SQL_PG_TITLE_WALK", "text, bigint, text, text",
               "%(others)s, 200, 'org', %(word)s")]
    prep = "\n".join("PREPARE %s(%s) AS %s;" % (name.lower(), types, sql[name])
                     for _, name, types, _ in stages)

    def params(q):
        w = longest_first(q).split()
        return {"word": "'%s'" % w[0], "others": "'%s'" % " ".join(w[1:])}
    if plan:
        print(psql(prep + "\n" + "\n".join(
            "EXPLAIN (ANALYZE, BUFFERS) EXECUTE %s(%s);" % (name.lower(), args_ % params(plan))
            for _, name, _, args_ in stages)))
        return
    print("%d documents; median and largest of %d runs, ms (EXPLAIN ANALYZE execution time)"
          % (n, REPEAT))
    print("%-16s %18s %18s" % ("query", "names sparse", "names walk"))
    todo = [(qtext, qtext) for qtext in QUERIES]
    for label, qtext in todo:
        script = [prep]
        for _, name, _, args_ in stages:
            script += ["EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE %s(%s);" % (
                name.lower(), args_ % params(qtext))] * REPEAT
        times = [float(x) for x in re.findall(r'"Execution Time": ([0-9.]+)', psql(
            "\n".join(script)))]
        cells = []
        for k in range(len(stages)):
            t = times[k * REPEAT:(k + 1) * REPEAT]
            cells.append("%8.2f %8.2f" % (statistics.median(t), max(t)))
        print("%-16s %18s %18s" % (label, cells[0], cells[1]))


if __name__ == "__main__":
    main()
