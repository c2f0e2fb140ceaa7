#!/usr/bin/env bash
# sign_crash.sh: kill -9 during signing loses no acknowledged signature
# (issue 16: "extend the reliability suite").
#
# Proves: while the managers of several clusters sign positions open for
# signature at once, the server is killed with SIGKILL at random moments
# and restarted; afterwards every signature whose 303 a client received is
# stored exactly once, live, with its audit row; no organisation has two
# live signatures on one position; nothing is stored that no client sent;
# `scan db check` passes. The signature, its weight and its audit row are
# one transaction (position_sign on tx_write), so a crash leaves all or
# none.
#
# How: tests/reliability/sign_crash.mjs (PEOPLE managers, each signing
# every position once in random order) against `scan serve`, at most KILLS
# kills 10-150 ms apart (fewer when the writes end first; none fails).
#
# env: PROFILE=short (8 kills, 8 managers, 60 positions) | full (30 kills,
#      12 managers, 120 positions); SCAN_BIN (default build-asan/scan),
#      KILLS, PEOPLE, POSITIONS override.
set -euo pipefail

PROFILE=${PROFILE:-short}
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
case "$PROFILE" in
short) KILLS=${KILLS:-8}; PEOPLE=${PEOPLE:-8}; POSITIONS=${POSITIONS:-60} ;;
full) KILLS=${KILLS:-30}; PEOPLE=${PEOPLE:-12}; POSITIONS=${POSITIONS:-120} ;;
*) echo "sign_crash: PROFILE must be short or full, not '$PROFILE'" >&2; exit 2 ;;
esac
[ -x "$SCAN_BIN" ] || { echo "sign_crash: FAIL: $SCAN_BIN is not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sign_crash: FAIL: the sqlite3 CLI is needed" >&2; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/scan-sign-crash.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
# a private copy: a rebuild during the run must not swap the binary
cp "$SCAN_BIN" "$DIR/scan"
SCAN_BIN=$DIR/scan
DB=$DIR/scan.db
PASSWORD='sign crash pass phrase 2026'
"$SCAN_BIN" init --db "$DB" >/dev/null

sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$@"; }
fail() { echo "sign_crash: FAIL: $*" >&2; exit 1; }

# PEOPLE clusters in SCAN, each with members (so the weight has work to
# do), and POSITIONS positions of the first one open for signature
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PEOPLE)
     INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded)
       SELECT 'cluster-' || i, 'Cluster ' || i, 'cluster', 'published', 0, 0, 'cluster ' || i FROM n;
     INSERT INTO scan_membership(org_id, status, since, created_at)
       SELECT id, 'member', '2020-01-01', 0 FROM org WHERE kind = 'cluster';
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
     INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded)
       SELECT 'firm-' || i, 'Firm ' || i, 'company', 'published', 0, 0, 'firm ' || i FROM n;
     INSERT INTO cluster_member(cluster_id, org_id, joined_on)
       SELECT c.id, f.id, '2020-01-01' FROM org c JOIN org f ON f.kind = 'company'
        WHERE c.kind = 'cluster' AND (f.id + c.id) % 3 = 0;
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $POSITIONS)
     INSERT INTO position(kind, owner_id, stage, created_at, updated_at)
       SELECT 'proposal', (SELECT id FROM org WHERE slug = 'cluster-1'), 'signing', 0, 0 FROM n;
     INSERT INTO position_version(position_id, version, title_sr, body_sr, created_at)
       SELECT id, 1, 'Став ' || id, 'Текст става ' || id || '.', 0 FROM position;"
add_user() { printf '%s\n' "$PASSWORD" | "$SCAN_BIN" user add "$1" --name "$2" --password-stdin --db "$DB" >/dev/null; }
for i in $(seq "$PEOPLE"); do
    add_user "manager$i@example.com" "Manager $i"
    "$SCAN_BIN" user role "manager$i@example.com" manager --org "cluster-$i" --db "$DB" >/dev/null
done

out=$(node tests/reliability/sign_crash.mjs --bin "$SCAN_BIN" --db "$DB" --password "$PASSWORD" \
    --people "$PEOPLE" --kills "$KILLS" --min-ms 10 --max-ms 150) || { echo "$out"; fail "see above"; }
echo "$out"
"$SCAN_BIN" db check --db "$DB" >/dev/null || fail "scan db check"
echo "sign_crash: OK"
