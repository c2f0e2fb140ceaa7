#!/usr/bin/env bash
# migrations.sh: the one migration history applies on PostgreSQL 15 from
# empty and gives SQLite's schema; a second run applies nothing.
#
#   tests/pg/migrations.sh      (SCAN_BIN, default build-asan/scan)
#
# Starts its own PostgreSQL (tests/pg/pg_temp.sh) and removes it at exit.
# SQLite: `scan init` on a new file (the real migrate.c). PostgreSQL: the
# same `scan init` when the binary links libpq (the PostgreSQL driver);
# until then psql applies what migrate.c would: per version the
# NNNN_name.pg.sql beside NNNN_name.sql if there is one, else the .sql,
# each in one transaction (psql -1) with its row in schema_migrations.
# Then compared, each side sorted by bytes:
#   - every table's columns in order, with types mapped (INTEGER bigint,
#     TEXT text, BLOB bytea, REAL double precision) and NOT NULL (a
#     primary key column counts as NOT NULL); FTS5's virtual tables and
#     PostgreSQL's search tables are backend-specific (listed below)
#   - every text column on PostgreSQL has collation "C" (byte order, as
#     SQLite's BINARY)
#   - index and trigger names (constraint indexes apart)
#   - schema_migrations: the same versions under the same names
# and a second run must leave the schema and schema_migrations unchanged.
# Then the same writes on both: tests/pg/triggers.sql must leave the same
# figures totals (the plpgsql trigger bodies run), the audit log refuses
# changes, and tests/pg/search_parity.py runs search.c's queries of both
# backends on the same documents and compares every answer.
# Exit 0 and "migrations: ..." when all holds; 1 and the differences.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
mig=src/db/migrations

# shellcheck source=tests/pg/pg_temp.sh
. tests/pg/pg_temp.sh
pg_temp_start || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; pg_temp_stop' EXIT

fail=0
problem() {
  echo "migrations: $*" >&2
  fail=1
}
q() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# --- SQLite ---------------------------------------------------------------
"$SCAN_BIN" init --db "$tmp/s.db" >/dev/null
sq() { sqlite3 -batch -noheader "$tmp/s.db" "$@"; }

# --- PostgreSQL -----------------------------------------------------------
SQL_CREATE="CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,
  name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
pg_apply_psql() { # prints how many migrations it applied
  local n=0 f p v name done
  q -c "$SQL_CREATE"
  for f in "$mig"/[0-9][0-9][0-9][0-9]_*.sql; do
    case $f in *.pg.sql) continue ;; esac
    name=$(basename "$f")
    v=$((10#${name%%_*}))
    done=$(q -c "SELECT count(*) FROM schema_migrations WHERE version = $v")
    [ "$done" = 0 ] || continue
    p=${f%.sql}.pg.sql
    [ -f "$p" ] || p=$f
    { cat "$p"
      echo ";"
      echo "INSERT INTO schema_migrations(version, name, applied_at)"
      echo "  VALUES ($v, '$name', extract(epoch FROM now())::bigint);"
    } >"$tmp/one.sql"
    if ! q -1 -f "$tmp/one.sql" >"$tmp/apply.log" 2>&1; then
      problem "$(basename "$p") failed on PostgreSQL:"
      cat "$tmp/apply.log" >&2
      exit 1
    fi
    n=$((n + 1))
  done
  echo "$n"
}
via=psql
# (grep reads all: with -q it could stop early, ldd then died of SIGPIPE and
# pipefail made the test fall back to psql now and then)
if ldd "$SCAN_BIN" 2>/dev/null | grep 'libpq\.so' >/dev/null; then
  via=scan
fi
pg_apply() {
  if [ $via = scan ]; then
    "$SCAN_BIN" init --db "$SCAN_PG_URL" >/dev/null
  else
    pg_apply_psql >/dev/null
  fi
}
pg_apply

# --- the schemas, side by side ----------------------------------------------
# tables only one backend has: FTS5 and its shadow tables on SQLite; the
# plain search tables and the word index on PostgreSQL (0001/0010 .pg.sql;
# search_doc_words, 0060);
# post_fts: FTS5 on SQLite, a plain table and its word index on PostgreSQL
# (0039, 0047)
SQ_ONLY="'search_fts','search_title','post_fts'"
PG_ONLY="'search_fts','search_title','search_word','search_doc_words','post_fts','post_fts_word'"
# triggers only PostgreSQL has: org_id_seq keeps org.id's identity sequence
# above explicit ids (0047; since 0059 only above ids inserted past it)
PG_ONLY_TRIGGERS="'org_id_seq'"

sq "SELECT m.name || '|' || p.name || '|' ||
       CASE upper(p.type) WHEN 'INTEGER' THEN 'bigint' WHEN 'TEXT' THEN 'text'
         WHEN 'BLOB' THEN 'bytea' WHEN 'REAL' THEN 'double precision' ELSE p.type END
       || '|' || (p.\"notnull\" OR p.pk > 0)
     FROM sqlite_master m JOIN pragma_table_info(m.name) p
    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
      AND m.name NOT LIKE 'search\\_fts\\_%' ESCAPE '\\'
      AND m.name NOT LIKE 'search\\_title\\_%' ESCAPE '\\'
      AND m.name NOT LIKE 'post\\_fts\\_%' ESCAPE '\\'
      AND m.name NOT IN ($SQ_ONLY, 'schema_migrations')
    ORDER BY m.name, p.cid" >"$tmp/sq.cols"
pg_cols() {
  q -c "SELECT c.table_name || '|' || c.column_name || '|' || c.data_type || '|' ||
          CASE c.is_nullable WHEN 'NO' THEN 1 ELSE 0 END
        FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
         AND c.table_name NOT IN ($PG_ONLY, 'schema_migrations')
       ORDER BY c.table_name COLLATE \"C\", c.ordinal_position"
}
pg_cols >"$tmp/pg.cols"
if ! diff -u "$tmp/sq.cols" "$tmp/pg.cols" >"$tmp/cols.diff"; then
  problem "columns differ (- SQLite, + PostgreSQL):"
  cat "$tmp/cols.diff" >&2
fi

q -c "SELECT table_name || '.' || column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'text'
         AND table_name <> 'schema_migrations'
         AND coalesce(collation_name, '') <> 'C'" >"$tmp/coll"
if [ -s "$tmp/coll" ]; then
  problem "text columns without COLLATE \"C\" on PostgreSQL: $(tr '\n' ' ' <"$tmp/coll")"
fi

sq "SELECT type || ' ' || name FROM sqlite_master
     WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite\\_autoindex%' ESCAPE '\\'
     ORDER BY 1" >"$tmp/sq.objs"
pg_objs() {
  q -c "SELECT o FROM (
          SELECT 'index ' || indexname AS o FROM pg_indexes
           WHERE schemaname = 'public'
             AND indexname NOT IN (SELECT conname FROM pg_constraint)
             AND tablename NOT IN ($PG_ONLY)
          UNION ALL
          SELECT 'trigger ' || tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
           WHERE NOT t.tgisinternal AND c.relname NOT IN ($PG_ONLY)
             AND t.tgname NOT IN ($PG_ONLY_TRIGGERS)) x
        ORDER BY o COLLATE \"C\""
}
pg_objs >"$tmp/pg.objs"
if ! diff -u "$tmp/sq.objs" "$tmp/pg.objs" >"$tmp/objs.diff"; then
  problem "indexes or triggers differ (- SQLite, + PostgreSQL):"
  cat "$tmp/objs.diff" >&2
fi

sq "SELECT version || '|' || name FROM schema_migrations ORDER BY version" >"$tmp/sq.vers"
q -c "SELECT version || '|' || name FROM schema_migrations ORDER BY version" >"$tmp/pg.vers"
if ! diff -u "$tmp/sq.vers" "$tmp/pg.vers" >"$tmp/vers.diff"; then
  problem "schema_migrations differ (- SQLite, + PostgreSQL):"
  cat "$tmp/vers.diff" >&2
fi

# --- a second run applies nothing ---------------------------------------------
q -c "SELECT version || '|' || name || '|' || applied_at FROM schema_migrations
       ORDER BY version" >"$tmp/pg.before"
pg_apply
q -c "SELECT version || '|' || name || '|' || applied_at FROM schema_migrations
       ORDER BY version" >"$tmp/pg.after"
pg_cols >"$tmp/pg.cols2"
if ! cmp -s "$tmp/pg.before" "$tmp/pg.after" || ! cmp -s "$tmp/pg.cols" "$tmp/pg.cols2"; then
  problem "a second run on PostgreSQL changed something"
fi

# --- the triggers do the same on both ------------------------------------------
sqlite3 -batch -bail "$tmp/s.db" <tests/pg/triggers.sql
q -1 -f tests/pg/triggers.sql >/dev/null
TOTALS="SELECT 'done', year, scope, cluster_id, grp, '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
          FROM figure_total_done
        UNION ALL SELECT 'row', year, scope, cluster_id, grp, key, members, reported, verified,
          employees, revenue, exports, rnd, rev_both, exp_both, demo FROM figure_total_row
        UNION ALL SELECT 'snap', year, scope, cluster_id, grp, key, members, reported, verified,
          employees, revenue, exports, rnd, rev_both, exp_both, demo FROM total_snap
        ORDER BY 1, 2, 3, 4, 5, 6"
sqlite3 -batch -noheader -separator '|' "$tmp/s.db" "$TOTALS" >"$tmp/sq.totals"
q -F '|' -c "$TOTALS" >"$tmp/pg.totals"
cp "$tmp/sq.totals" "${PG_TEST_TOTALS:-/dev/null}"
if ! diff -u "$tmp/sq.totals" "$tmp/pg.totals" >"$tmp/totals.diff"; then
  problem "the figures triggers stored different totals (- SQLite, + PostgreSQL):"
  cat "$tmp/totals.diff" >&2
fi
if [ "$(grep -c '^snap|' "$tmp/sq.totals")" -lt 5 ]; then
  problem "tests/pg/triggers.sql left too few stored totals to compare"
fi
# the audit log refuses changes on both
q -c "INSERT INTO audit(at, action) VALUES (0, 'test')" >/dev/null
for change in "UPDATE audit SET action = 'x'" "DELETE FROM audit"; do
  if q -c "$change" >"$tmp/audit.log" 2>&1 || ! grep -q 'append-only' "$tmp/audit.log"; then
    problem "PostgreSQL let '$change' through the audit log"
  fi
done

# --- search: search.c's PostgreSQL queries answer what its FTS5 ones do ---------
if ! python3 tests/pg/search_parity.py "$tmp/s.db" >"$tmp/parity.log" 2>&1; then
  problem "search differs between the backends:"
  cat "$tmp/parity.log" >&2
fi

n_tables=$(cut -d'|' -f1 "$tmp/pg.cols" | sort -u | wc -l)
n_vers=$(wc -l <"$tmp/pg.vers")
n_pg=$(find "$mig" -name '*.pg.sql' | wc -l)
if [ $fail -ne 0 ]; then
  exit 1
fi
echo "migrations: $n_vers versions ($n_pg with a PostgreSQL text) applied on PostgreSQL via $via;" \
  "$n_tables tables match SQLite's; a second run applied nothing; triggers and" \
  "$(sed 's/^search_parity: //' "$tmp/parity.log")"
