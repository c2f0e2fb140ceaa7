#!/usr/bin/env bash
# interest_crash.sh: kill -9 during introductions loses no acknowledged
# message (issue 13: "kill -9 during introductions loses no acknowledged
# message").
#
# Proves: while several people express interest in posts at once and the
# post organisation's representative accepts requests, the server is killed
# with SIGKILL at random moments and restarted; afterwards every message
# whose 303 a client received is stored exactly once, on its post and
# person, with its mail to the representative in the outbox and its audit
# row; no refused message is stored; a message with no full response is
# there at most once and whole; every acknowledged acceptance is stored
# with its mail to the requester, and there is one acceptance mail per
# accepted request; `scan db check` passes. The thread's first message,
# the request and the mails are one transaction (interest.c on tx_write),
# so a crash leaves all of them or none.
#
# How: tests/reliability/interest_crash.mjs (PEOPLE requesters, each
# sending one request per post in random order until the daily limit of 20
# refuses them, and the representative accepting pending ones) against
# `scan serve`, at most KILLS kills 30-400 ms apart (fewer when the
# writes end first).
#
# env: PROFILE=short (8 kills, 8 people) | full (30 kills, 12 people)
#      SCAN_BIN (default build-asan/scan), KILLS, PEOPLE override.
set -euo pipefail

PROFILE=${PROFILE:-short}
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
case "$PROFILE" in
short) KILLS=${KILLS:-8}; PEOPLE=${PEOPLE:-8} ;;
full) KILLS=${KILLS:-30}; PEOPLE=${PEOPLE:-12} ;;
*) echo "interest_crash: PROFILE must be short or full, not '$PROFILE'" >&2; exit 2 ;;
esac
[ -x "$SCAN_BIN" ] || { echo "interest_crash: FAIL: $SCAN_BIN is not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "interest_crash: FAIL: the sqlite3 CLI is needed" >&2; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/scan-interest-crash.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
# a private copy: a rebuild during the run must not swap the binary
cp "$SCAN_BIN" "$DIR/scan"
SCAN_BIN=$DIR/scan
DB=$DIR/scan.db
PASSWORD='interest crash pass phrase 2026'
"$SCAN_BIN" init --db "$DB" >/dev/null

sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$@"; }
fail() { echo "interest_crash: FAIL: $*" >&2; exit 1; }

# one company with 30 open posts; its representative; the requesters
sql "INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded)
       VALUES ('firm-x', 'Firm X', 'company', 'published', 0, 0, 'firm x');
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
     INSERT INTO post(org_id, kind, topic, lang, title, body, valid_until, published_at,
                      created_at, updated_at)
       SELECT (SELECT id FROM org WHERE slug = 'firm-x'), CASE i % 2 WHEN 0 THEN 'offer' ELSE 'request' END,
              'technology', 'en', 'Post ' || i, 'Text of post ' || i, date('now', '+60 days'),
              CAST(strftime('%s', 'now') AS INTEGER), 0, 0 FROM n;"
add_user() { printf '%s\n' "$PASSWORD" | "$SCAN_BIN" user add "$1" --name "$2" --password-stdin --db "$DB" >/dev/null; }
add_user rep@example.com 'Rep X'
"$SCAN_BIN" user role rep@example.com representative --org firm-x --db "$DB" >/dev/null
# requesters speak for an organisation of their own (only such people may
# express interest)
sql "INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded)
       VALUES ('firm-y', 'Firm Y', 'company', 'published', 0, 0, 'firm y');"
for i in $(seq "$PEOPLE"); do
    add_user "requester$i@example.com" "Requester $i"
    "$SCAN_BIN" user role "requester$i@example.com" representative --org firm-y --db "$DB" >/dev/null
done
# everyone chose to hear of introductions immediately (the default is the
# weekly digest): this test proves the mail of every acknowledged write
sql "INSERT INTO notify_pref(person_id, kind, channel, updated_at)
       SELECT p.id, k.kind, 'immediate', 0 FROM person p,
              (SELECT 'post_interest' AS kind UNION ALL SELECT 'post_interest_answer') k;"

out=$(node tests/reliability/interest_crash.mjs --bin "$SCAN_BIN" --db "$DB" --password "$PASSWORD" \
    --people "$PEOPLE" --kills "$KILLS" --min-ms 30 --max-ms 400) || { echo "$out"; fail "see above"; }
echo "$out"
"$SCAN_BIN" db check --db "$DB" >/dev/null || fail "scan db check"
echo "interest_crash: OK"
