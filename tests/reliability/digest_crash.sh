#!/usr/bin/env bash
# digest_crash.sh: kill -9 during the weekly digest run neither duplicates
# nor loses a digest.
#
# Proves: every person gets exactly one digest for the ISO week however
# often `scan digest run` is killed part-way (SIGKILL at random moments)
# and started again; at every moment each claim (digest_claim) has exactly
# its one outbox row and the events it carried, and nothing else was
# stored for a person whose transaction did not commit; in the end every
# event was carried once and `scan db check` passes. This is the claim
# design of digest.h at work: the claim row, the mail and the marks are
# one transaction, so a crash leaves all of them or none.
#
# How: PEOPLE people with an account and one weekly event each (inserted
# with the sqlite3 CLI), then KILLS rounds of `scan digest run --now` killed
# 20-400 ms after it starts, checking the invariants after each round, then
# one run to the end.
#
# env: PROFILE=short (8 kills, 300 people) | full (40 kills, 1500 people)
#      SCAN_BIN (default build-asan/scan), KILLS, PEOPLE override.
set -euo pipefail

PROFILE=${PROFILE:-short}
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
case "$PROFILE" in
short) KILLS=${KILLS:-8}; PEOPLE=${PEOPLE:-300} ;;
full) KILLS=${KILLS:-40}; PEOPLE=${PEOPLE:-1500} ;;
*) echo "digest_crash: PROFILE must be short or full, not '$PROFILE'" >&2; exit 2 ;;
esac
[ -x "$SCAN_BIN" ] || { echo "digest_crash: FAIL: $SCAN_BIN is not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "digest_crash: FAIL: the sqlite3 CLI is needed" >&2; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/scan-digest-crash.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
cp "$SCAN_BIN" "$DIR/scan"
SCAN_BIN=$DIR/scan
DB=$DIR/scan.db
"$SCAN_BIN" init --db "$DB" >/dev/null

sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$@"; }
fail() { echo "digest_crash: FAIL: $*" >&2; exit 1; }

sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PEOPLE)
     INSERT INTO person(id, name, email, created_at, updated_at, lang)
       SELECT 1000 + i, 'Person ' || i, 'p' || i || '@example.com', 0, 0,
              CASE i % 3 WHEN 0 THEN 'en' WHEN 1 THEN 'sr-Latn' ELSE 'sr-Cyrl' END FROM n;
     INSERT INTO account(person_id, created_at) SELECT id, 0 FROM person WHERE id > 1000;
     INSERT INTO notify_event(person_id, kind, a, b, href, channel, created_at)
       SELECT id, 'cluster_member', 'Firm ' || id, 'Cluster', '/orgs', 'weekly',
              CAST(strftime('%s', 'now') AS INTEGER) - 3600 FROM person WHERE id > 1000;"

# The invariants that must hold at every moment.
check() {
    local bad
    bad=$(sql "SELECT 'two digests for person ' || person_id FROM digest_claim GROUP BY person_id HAVING count(*) > 1
        UNION ALL SELECT 'a claim without its mail: person ' || c.person_id FROM digest_claim c
          LEFT JOIN outbox o ON o.id = c.outbox_id WHERE o.id IS NULL
        UNION ALL SELECT 'a claim whose mail is someone else''s: person ' || c.person_id FROM digest_claim c
          JOIN outbox o ON o.id = c.outbox_id JOIN person p ON p.id = c.person_id WHERE o.to_addr <> p.email
        UNION ALL SELECT 'a digest mail without its claim: ' || o.to_addr FROM outbox o
          WHERE o.subject LIKE 'SCAN: %' AND NOT EXISTS (SELECT 1 FROM digest_claim c WHERE c.outbox_id = o.id)
        UNION ALL SELECT 'an event carried without a claim: person ' || e.person_id FROM notify_event e
          WHERE e.digest_week IS NOT NULL AND NOT EXISTS (SELECT 1 FROM digest_claim c
            WHERE c.person_id = e.person_id AND c.week = e.digest_week)
        UNION ALL SELECT 'a claim that did not carry the event: person ' || c.person_id FROM digest_claim c
          JOIN notify_event e ON e.person_id = c.person_id WHERE e.digest_week IS NULL
        UNION ALL SELECT 'a digest without an unsubscribe header: ' || o.to_addr FROM digest_claim c
          JOIN outbox o ON o.id = c.outbox_id WHERE o.headers NOT LIKE 'List-Unsubscribe: <%/u/%>%'
        UNION ALL SELECT 'a digest without its audit row: person ' || c.person_id FROM digest_claim c
          WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'digest_send' AND a.entity_id = c.person_id)
        LIMIT 5")
    [ -z "$bad" ] || fail "$1: $bad"
}

killed=0
for round in $(seq "$KILLS"); do
    "$SCAN_BIN" digest run --now --db "$DB" >/dev/null 2>&1 &
    pid=$!
    sleep "0.$(printf '%03d' $((20 + RANDOM % 380)))"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
    check "after kill $round"
    done_n=$(sql "SELECT count(*) FROM digest_claim")
    [ "$done_n" -lt "$PEOPLE" ] || break
done
claims_before=$(sql "SELECT count(*) FROM digest_claim")
out=$("$SCAN_BIN" digest run --now --db "$DB")
check "after the last run"
total=$(sql "SELECT count(*) FROM digest_claim")
[ "$total" -eq "$PEOPLE" ] || fail "$total of $PEOPLE people got a digest: $out"
[ "$(sql "SELECT count(*) FROM notify_event WHERE digest_week IS NULL")" -eq 0 ] || fail "events not carried"
[ "$(sql "SELECT count(*) FROM outbox WHERE subject LIKE 'SCAN: %'")" -eq "$PEOPLE" ] || fail "digest mails != people"
again=$("$SCAN_BIN" digest run --now --db "$DB")
case "$again" in *" 0 queued"*) ;; *) fail "a further run queued more: $again" ;; esac
"$SCAN_BIN" db check --db "$DB" >/dev/null || fail "scan db check"
echo "digest_crash: OK: $killed kills during the run ($claims_before of $PEOPLE digests done before the last run), each person one digest, every event carried once"
