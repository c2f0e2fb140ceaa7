#!/usr/bin/env python3
"""search_parity.py: search.c's PostgreSQL queries answer what its FTS5
queries answer, row for row and in order, on the same generated documents.

    tests/pg/search_parity.py SQLITE_DB   (PGHOST/PGPORT/... name the
                                           PostgreSQL database; both fresh
                                           from the migrations)

Run by tests/pg/migrations.sh. The statement texts are search.c's own:
the file is run through the C preprocessor and the SQL_* string constants
read from it, so the test follows the code. The same documents (folded
text, as search_put stores it: Latin, digits, other scripts, punctuation)
go into both with the same ids; then a few hundred queries (one letter,
prefixes, whole words, two and three words, digits, other scripts,
nonsense; with and without a kind; several pages) run against both: the
names stage (candidates in document order, before search_score ranks
them), the body-only stage with LIMIT/OFFSET and the keyset stage. Prints
one line per difference and exits 1, or one summary line.
"""
import random
import re
import sqlite3
import subprocess
import sys

ROOT = __file__.rsplit("/tests/", 1)[0]


def sql_constants():
    """name -> text of every `static const char SQL_x[] = "..." ...;`."""
    pre = subprocess.run(
        ["cc", "-E", "-P", "-I" + ROOT + "/src", "-I" + ROOT, "-I" + ROOT + "/build-asan",
         ROOT + "/src/db/search.c"], check=True, capture_output=True, text=True).stdout
    out = {}
    for m in re.finditer(r"static const char (SQL_\w+)\[\] =((?:\s*\"(?:[^\"\\]|\\.)*\")+)\s*;",
                         pre):
        out[m.group(1)] = "".join(re.findall(r"\"((?:[^\"\\]|\\.)*)\"", m.group(2)))
    return out


WORDS = ["klaster", "kragujevac", "kraljevo", "nis", "novi", "sad", "novisad", "beograd",
         "drvo", "drvni", "metal", "metalski", "it", "agro", "agrar", "hrana", "vino",
         "vinarija", "energija", "auto", "delovi", "softver", "inovacije", "inovativni",
         "zlatibor", "subotica", "a", "i", "u", "k2", "2024", "20", "x1", "ø", "øre", "straße",
         "αβγ", "日本", "ж", "ŋaŋ", "x–y", "café", "co.op", "e-mail",
         # folded as search_put stores them: Čačak, Šabac, Đakovica, Užice, Ниш
         "cacak", "sabac", "djakovica", "uzice", "nis"]
KINDS = ["org", "event", "post"]


def folded_text(rng, lo, hi):
    n = rng.randint(lo, hi)
    seps = [" ", " ", " ", ", ", " - ", " (", ") ", "/", ". "]
    out = ""
    for i in range(n):
        out += (rng.choice(seps) if i else "") + rng.choice(WORDS)
    return out


# Known difference, left out of the queries (not of the documents): a
# query word holding a non-ASCII character that is not a letter or digit
# ("x–y", en dash) is one word for search_build_match; FTS5 splits it into
# a phrase (x then y*, adjacent), while search_word keeps no positions, so
# PostgreSQL finds nothing for it. See search.c.
def punctuated(w):
    return any(ord(c) > 127 and not c.isalnum() for c in w)


def query_words(q):
    """search_build_match's words: runs of [a-z0-9] or non-ASCII."""
    return re.findall(r"[a-z0-9\u0080-\U0010ffff]+", q)[:16]


def main():
    sq_path = sys.argv[1]
    sql = sql_constants()
    rng = random.Random(18)
    docs = []
    for i in range(1, 901):
        docs.append((i, rng.choice(KINDS), 1000 + i, folded_text(rng, 1, 4),
                     folded_text(rng, 0, 12)))

    con = sqlite3.connect(sq_path)
    with con:
        for d in docs:
            con.execute("INSERT INTO search_doc(id, kind, ref) VALUES (?, ?, ?)", d[:3])
            con.execute(sql["SQL_INSERT"].replace("$", "?"), d)
            con.execute(sql["SQL_TITLE_INSERT"].replace("$", "?"), d[:4])

    def lit(s):
        return "'" + s.replace("'", "''") + "'"

    pg = ["\\set ON_ERROR_STOP 1", "BEGIN;"]
    for d in docs:
        vals = "%d, %s, %d" % (d[0], lit(d[1]), d[2])
        pg.append("INSERT INTO search_doc(id, kind, ref) VALUES (%s);" % vals)
        pg.append("INSERT INTO search_fts(rowid, kind, ref, title, body) VALUES (%s, %s, %s);"
                  % (vals, lit(d[3]), lit(d[4])))
        pg.append("INSERT INTO search_title(rowid, kind, ref, title) VALUES (%s, %s);"
                  % (vals, lit(d[3])))
    pg.append("COMMIT;")

    queries = [c for c in "abcdefghijklmnoprstuvz0123456789"]
    queries += [w[:k] for w in WORDS for k in (2, 3) if len(w) > k]
    queries += WORDS
    queries += ["%s %s" % (rng.choice(WORDS), rng.choice(WORDS)[:rng.randint(1, 4)])
                for _ in range(80)]
    queries += ["%s %s %s" % tuple(rng.choice(WORDS) for _ in range(3)) for _ in range(30)]
    queries += ["zzqx", "qqq", "nis zzqx", "kra 2024", "x y", "co op", "e mail", "2"]
    # what Cyrillic, diacritics and ASCII typing fold to (utf8_fold, before
    # either backend sees a word): ниш, Čač, ђа, ž, ß
    queries += ["nis", "cac", "dja", "dj", "z", "ca sa", "stra", "ø", "日", "αβ"]
    # (name, sqlite sql, sqlite params, PostgreSQL's columns that are
    # SQLite's, pg sql, pg params)
    stages = []
    for q in queries:
        words = query_words(q)
        if not words or any(punctuated(w) for w in words):
            continue
        match = " ".join('"%s"*' % w for w in words)
        title = "{title} : (%s)" % match
        body = "(%s) NOT {title} : (%s)" % (match, match)
        kind = rng.choice([None, None] + KINDS)
        k = "KIND" if kind else "ANY"
        # search.c's PostgreSQL plans (stage_open_pg): the sparse one with
        # each word as the candidates (cap out of reach) and the walk; each
        # must answer what FTS5 does. Parameters: others, limit, kind, word,
        # end, cap, every word, offset, after.
        def plans(title_stage, limit, offset, after):
            out = []
            for i, w in enumerate(words):
                others = " ".join(words[:i] + words[i + 1:])
                sparse = [others, limit, kind, w, w + "\U0010ffff", 10 ** 9]
                walk = [others, limit, kind, w]
                if not title_stage:
                    sparse += [" ".join(words), offset, after]
                    walk += ["", 0, " ".join(words), offset, after]
                    out.append(("SQL_PG_BODY_SPARSE", sparse))
                    out.append(("SQL_PG_BODY_WALK", walk))
                else:
                    out.append(("SQL_PG_TITLE_SPARSE", sparse))
                    out.append(("SQL_PG_TITLE_WALK", walk))
            return out
        targs = [title, 200] + ([kind] if kind else [])
        for name, args in plans(True, 200, 0, 0):
            stages.append(("title %r %s %s %s" % (q, kind, name, args[3]), "SQL_TITLE_" + k,
                           targs, (0, 1, 2), name, args))
        for limit, offset in ((20, 0), (7, 5)):
            bargs = [body, limit, offset] + ([kind] if kind else [])
            for name, args in plans(False, limit, offset, 0):
                stages.append(("body %r %s %d+%d %s %s" % (q, kind, offset, limit, name, args[3]),
                               "SQL_BODY_" + k, bargs, (0, 1), name, args))
        aargs = [body, 10, 100] + ([kind] if kind else [])
        for name, args in plans(False, 10, 0, 100):
            stages.append(("after %r %s %s %s" % (q, kind, name, args[3]), "SQL_BODY_AFTER_" + k,
                           aargs, (0, 1, 3), name, args))
    # a word over the cap: the sparse plan answers one row of NULLs
    overflow = len(stages)
    stages.append(("overflow", None, None, (), "SQL_PG_TITLE_SPARSE", ["", 200, None, "a", "a\U0010ffff", 1]))

    types = {"SQL_PG_TITLE_SPARSE": "text, bigint, text, text, text, bigint",
             "SQL_PG_TITLE_WALK": "text, bigint, text, text",
             "SQL_PG_BODY_SPARSE": "text, bigint, text, text, text, bigint, text, bigint, bigint",
             "SQL_PG_BODY_WALK": "text, bigint, text, text, text, bigint, text, bigint, bigint"}
    for n, t in types.items():
        pg.append("PREPARE %s(%s) AS %s;" % (n.lower(), t, sql[n]))
    for i, s in enumerate(stages):
        args = ", ".join("NULL" if a is None else lit(a) if isinstance(a, str) else str(a)
                         for a in s[5])
        pg.append("\\echo @@%d" % i)
        pg.append("EXECUTE %s(%s);" % (s[4].lower(), args))
    res = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "|"], input="\n".join(pg) + "\n",
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("search_parity: psql failed: " + res.stderr[-2000:])
    pg_out = {}
    cur = None
    for line in res.stdout.split("\n"):
        if line.startswith("@@"):
            cur = int(line[2:])
            pg_out[cur] = []
        elif line and cur is not None:
            pg_out[cur].append(line)
    if pg_out.get(overflow) != ["|||"]:
        print("search_parity: a word over the cap answered %r, not one row of NULLs"
              % pg_out.get(overflow), file=sys.stderr)
        sys.exit(1)
    stages.pop()

    bad = 0
    rows = 0
    for i, s in enumerate(stages):
        params = {str(j + 1): v for j, v in enumerate(s[2])}
        got = ["|".join(str(c) for c in r) for r in con.execute(sql[s[1]], params)]
        rows += len(got)
        # PostgreSQL's columns: kind, ref, title, document
        pgot = ["|".join(line.split("|")[c] for c in s[3]) for line in pg_out.get(i, [])]
        if got != pgot:
            bad += 1
            if bad <= 15:
                print("search_parity: %s: SQLite %s, PostgreSQL %s" %
                      (s[0], got[:6], pgot[:6]), file=sys.stderr)
    if bad:
        print("search_parity: %d of %d statements differ" % (bad, len(stages)), file=sys.stderr)
        sys.exit(1)
    print("search_parity: %d statements (%d queries), %d rows, the same on both backends" %
          (len(stages), len(queries), rows))


if __name__ == "__main__":
    main()
