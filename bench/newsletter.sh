#!/usr/bin/env bash
# bench/newsletter.sh: sending a newsletter to many subscribers into a
# local SMTP sink (Debian python3-aiosmtpd), with a kill -9 in the middle,
# then proving from the sink's own count that nobody got it twice and
# nobody was skipped.
#
#   SUBSCRIBERS=100000 RATE=2000 bench/newsletter.sh
#
# SUBSCRIBERS (default 100000) confirmed subscribers from
# `bench/gen.py subscribers`; RATE the --newsletter-rate of `scan serve`
# (default 2000 mails a second for the benchmark; the product's default is
# 10); KILL_AT the number of mails in the sink at which the server is
# killed with SIGKILL (default a third), after which it is started again
# on the same database. The issue is put in state 'sending' with no
# delivery rows, so the server's newsletter job does the enqueueing too
# (timed on its own: enqueued_at). Prints the times, the effective rate
# (overall, and while sending: without the seconds after the restart in
# which nothing was sent, mostly the killed server's claimed batch waiting
# up to 100 s for its claim to lapse) and the sink's counts; exits 1 when
# a subscriber got no message or two different ones. One mail can still go twice if the kill
# lands between the SMTP server's 250 and the commit that records it: no
# sender can close that window; both copies carry one Message-ID (a hash
# of the outbox row, model/mail.c), so it is one message sent twice, which
# mail clients show once, and the sink's count says how many.
# Without nginx: nothing here is a page to compare with static files.
set -euo pipefail
BENCH_NAME=newsletter
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${SUBSCRIBERS:-100000}
RATE=${RATE:-2000}
KILL_AT=${KILL_AT:-$((N / 3))}
SCAN_PORT=${SCAN_PORT:-18191}
SMTP_PORT=${SMTP_PORT:-18525}
PY=/usr/bin/python3 # Debian's, where python3-aiosmtpd lives
"$PY" -c 'import aiosmtpd' 2>/dev/null || die "python3-aiosmtpd missing (scripts/deps.sh test)"
command -v sqlite3 >/dev/null || die "sqlite3 missing"
bench_build
TMP=$(mktemp -d "${TMPDIR:-/tmp}/scan-bench-nl.XXXXXX")
SCAN_PID= SINK_PID=
cleanup() {
    for pid in $SCAN_PID $SINK_PID; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
DB=$TMP/nl.db
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
q() { sqlite3 -cmd '.timeout 10000' "$DB" "$1"; }

"$SCAN_BIN" init --db "$DB" >/dev/null 2>&1
t=$(now)
"$PY" "$ROOT/bench/gen.py" subscribers --count "$N" | sqlite3 "$DB"
echo "loaded $(q 'SELECT count(*) FROM news_subscriber') subscribers in $(secs "$t" "$(now)") s"

# the sink: one line per delivered message, its recipient
cat > "$TMP/sink.py" <<'PY'
import asyncio, sys
from aiosmtpd.controller import Controller
out = open(sys.argv[2], "a", buffering=1)
class H:
    async def handle_DATA(self, server, session, envelope):
        mid = "-"
        for line in envelope.content.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"message-id:"):
                mid = line[11:].strip().decode("ascii", "replace")
        for r in envelope.rcpt_tos:
            out.write(r + " " + mid + "\n")
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
asyncio.get_event_loop().run_forever()
PY
: > "$TMP/sink.log"
"$PY" "$TMP/sink.py" "$SMTP_PORT" "$TMP/sink.log" & SINK_PID=$!
sleep 1
sent() { wc -l < "$TMP/sink.log"; }

q "INSERT INTO newsletter_issue(subject_sr, subject_en, intro_sr, intro_en, status, since_at,
   send_started_at, created_at, updated_at) VALUES ('Билтен', 'Newsletter', 'Увод', 'Intro',
   'sending', 0, strftime('%s', 'now'), 0, 0)"

serve() {
    SCAN_DIGEST_OFF=1 "$SCAN_BIN" serve --db "$DB" --listen "127.0.0.1:$SCAN_PORT" \
        --smtp-url "smtp://127.0.0.1:$SMTP_PORT" --smtp-from "SCAN <noreply@bench.example>" \
        --newsletter-rate "$RATE" >>"$TMP/scan.log" 2>&1 &
    SCAN_PID=$!
}
t0=$(now)
serve
until [[ $(q 'SELECT enqueued_at IS NOT NULL FROM newsletter_issue') == 1 ]]; do sleep 0.05; done
t_enq=$(now)
echo "enqueued $(q 'SELECT count(*) FROM newsletter_delivery') deliveries in $(secs "$t0" "$t_enq") s (by the server's job, 1,000 a transaction)"
until (($(sent) >= KILL_AT)); do sleep 0.05; done
kill -KILL "$SCAN_PID"
wait "$SCAN_PID" 2>/dev/null || true
t_kill=$(now)
echo "kill -9 after $(sent) mails in the sink ($(secs "$t_enq" "$t_kill") s of sending); restarting"
serve
deadline=$(($(date +%s) + 3600))
# the killed server's claimed but unsent batch waits until its claim lapses
# (model/mail.c MAIL_CLAIM_S, 100 s): the seconds in which the sink got
# nothing while mail was left are counted apart as the wait
last_n=$(sent) last_t=$(now) idle=0
until [[ $(q "SELECT (SELECT status FROM newsletter_issue) = 'sent' AND NOT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NULL)") == 1 ]]; do
    (($(date +%s) < deadline)) || die "not finished within an hour"
    sleep 0.2
    n=$(sent) t=$(now)
    if ((n == last_n)); then
        idle=$(awk -v i="$idle" -v a="$last_t" -v b="$t" 'BEGIN { printf "%.2f", i + b - a }')
    fi
    last_n=$n last_t=$t
done
sleep 1 # the last SMTP answers reach the sink's file
t_end=$(now)
total=$(sent)
# a line is "address message-id": two lines of one address with one
# Message-ID are one message sent again (the window above); with two
# Message-IDs, two messages
uniq_n=$(cut -d' ' -f1 "$TMP/sink.log" | sort -u | wc -l)
dups=$(sort -u "$TMP/sink.log" | cut -d' ' -f1 | uniq -d | wc -l)
resent=$(sort "$TMP/sink.log" | uniq -d | wc -l)
missing=$((N - uniq_n))
send_s=$(secs "$t_enq" "$t_end")
echo "sent: $total mails to $uniq_n addresses in $send_s s after enqueueing (with the restart)," \
     "$(awk -v n="$total" -v s="$send_s" 'BEGIN { printf "%.0f", n / s }') mails/s at --newsletter-rate $RATE"
echo "of which $idle s with nothing sent after the restart (the killed server's claimed batch" \
     "waiting for its claim to lapse, and the restart itself): $(awk -v n="$total" -v s="$send_s" \
     -v i="$idle" 'BEGIN { printf "%.0f", n / (s - i) }') mails/s while sending"
echo "sink: $dups addresses got two different messages, $missing of $N never;" \
     "$resent got one message twice (the same Message-ID: sent again after the kill landed between" \
     "the sink's 250 and the commit recording it); outbox rows: $(q 'SELECT count(*) FROM outbox')"
((dups == 0 && missing == 0)) || { echo "FAIL: not one message each" >&2; exit 1; }
if ((resent == 0 && total == N)); then
    echo "OK: every subscriber exactly once across a kill -9"
else
    echo "OK: every subscriber one message across a kill -9; $resent delivered twice by SMTP with one Message-ID"
fi
