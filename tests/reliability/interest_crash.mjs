// interest_crash.mjs: the client of tests/reliability/interest_crash.sh.
//
// Several people express interest in posts of the cooperation board at the
// same time (POST /cooperation/{id}/interest with the session cookie, its
// CSRF token and Origin, as the page's form does), each message unique,
// while the post organisation's representative accepts the pending ones
// (POST /cooperation/interest/{id}/accept); the server is killed with
// SIGKILL at random moments and restarted. Each write's outcome is
// recorded as in writer.mjs:
//   ack      the 303 to the post's page was fully received: it must be
//            stored, once, with its mail in the outbox
//   refused  another full response (a 4xx: the daily limit, a pending
//            request on the same post): it must be absent
//   unknown  no full response: present at most once, and whole if present
//   notsent  connection refused: never reached the server (sent again)
// The database is then read with the sqlite3 CLI and compared.
//
// Options (--name value): --bin B --db D --password P --people N
// --kills K --min-ms 50 --max-ms 800. People are requester1..N@example.com
// and rep@example.com (made by interest_crash.sh). Prints report lines;
// exits 1 with "FAIL: ..." otherwise. The server, its kills and the
// outcomes are crash_lib.mjs's.
import { crashOptions, Crash, outcome, post, sleep, fail } from './crash_lib.mjs';

const opt = crashOptions();
const h = new Crash(opt);

async function main() {
  const people = Number(opt.people);
  const postIds = h.sqlite('SELECT id FROM post ORDER BY id').split('\n').map(Number);
  const first = await h.start();
  // sessions live in the database: they outlive every restart
  const sessions = [];
  for (let i = 1; i <= people; i++) sessions.push(await h.login(first, `requester${i}@example.com`));
  const rep = await h.login(first, 'rep@example.com');

  const interests = []; // {key, person, post, outcome}
  const accepts = [];   // {id, outcome}
  const writer = async (w) => {
    const s = sessions[w];
    const order = [...postIds].sort(() => Math.random() - 0.5);
    for (const postId of order) {
      const key = `crash-msg-${w + 1}-${postId}-${Math.random().toString(36).slice(2, 10)}`;
      for (;;) {
        const u = await h.url();
        if (!u) return;
        const r = await post(u, s, `/cooperation/${postId}/interest`, { message: `Hello, ${key}` });
        const out = outcome(r, (x) => x.status === 303 &&
          (x.headers.get('location') || '') === `/cooperation/${postId}?done=interest`);
        if (out === 'notsent') { await sleep(20); continue; }
        interests.push({ key, person: w + 1, post: postId, outcome: out, status: r.status });
        break;
      }
      if (interests.filter((x) => x.person === w + 1 && x.outcome === 'refused' && x.status === 422).length > 3) return;
    }
  };
  const accepter = async () => {
    const tried = new Set();
    while (!h.done) {
      const u = await h.url();
      if (!u) return;
      const ids = h.sqlite(`SELECT id FROM post_interest WHERE status = 'pending' ORDER BY random() LIMIT 5`)
        .split('\n').filter(Boolean).map(Number).filter((id) => !tried.has(id));
      if (!ids.length) { await sleep(30); continue; }
      for (const id of ids) {
        const r = await post(u, rep, `/cooperation/interest/${id}/accept`, {});
        const out = outcome(r, (x) => x.status === 303);
        if (out === 'notsent') break;
        tried.add(id);
        accepts.push({ id, outcome: out, status: r.status });
      }
    }
  };

  const acc = accepter();
  await h.killWhile(Promise.all(sessions.map((_, w) => writer(w))));
  h.finish();
  await acc;
  await h.stop();

  // --- the comparison ---------------------------------------------------------------
  const stored = new Map();
  for (const line of h.sqlite(`SELECT m.body, count(*), i.post_id, i.person_id, i.status,
        (SELECT count(*) FROM outbox o WHERE o.to_addr = 'rep@example.com' AND instr(o.body, m.body) > 0),
        (SELECT count(*) FROM audit a WHERE a.action = 'interest_express' AND a.entity_id = i.id)
      FROM post_interest_message m JOIN post_interest i ON i.id = m.interest_id
      GROUP BY m.body`).split('\n').filter(Boolean)) {
    const [body, n, postId, personId, status, mails, audits] = line.split('|');
    stored.set(body.replace(/^Hello, /, ''), { n: Number(n), postId: Number(postId), personId: Number(personId), status, mails: Number(mails), audits: Number(audits) });
  }
  const personIds = new Map(h.sqlite(`SELECT email, id FROM person`).split('\n').map((l) => l.split('|')));
  const counts = { ack: 0, refused: 0, unknown: 0 };
  for (const x of interests) {
    counts[x.outcome]++;
    const s = stored.get(x.key);
    if (x.outcome === 'ack' && !s) fail(`acknowledged message lost: ${x.key}`);
    if (x.outcome === 'refused' && s) fail(`refused message stored: ${x.key} (${x.status})`);
    if (!s) continue;
    if (s.n !== 1) fail(`message stored ${s.n} times: ${x.key}`);
    if (s.postId !== x.post || String(s.personId) !== personIds.get(`requester${x.person}@example.com`))
      fail(`message on the wrong post or person: ${x.key}`);
    if (s.mails !== 1) fail(`message with ${s.mails} mails to the representative in the outbox: ${x.key}`);
    if (s.audits !== 1) fail(`message with ${s.audits} audit rows: ${x.key}`);
    stored.delete(x.key);
  }
  if (stored.size) fail(`messages stored that no client sent: ${[...stored.keys()].slice(0, 3).join(', ')}`);
  const dup = h.sqlite(`SELECT post_id, person_id FROM post_interest WHERE status = 'pending'
    GROUP BY post_id, person_id HAVING count(*) > 1 LIMIT 1`);
  if (dup) fail(`two pending requests of one person on one post: ${dup}`);
  const acks = { ack: 0, refused: 0, unknown: 0 };
  for (const a of accepts) {
    acks[a.outcome]++;
    if (a.outcome !== 'ack') continue;
    const row = h.sqlite(`SELECT i.status, (SELECT count(*) FROM outbox o WHERE o.to_addr = p.email
        AND o.id IN (SELECT outbox_id FROM notify_event WHERE kind = 'post_interest_answer')
        AND instr(o.body, 'rep@example.com') > 0)
      FROM post_interest i JOIN person p ON p.id = i.person_id WHERE i.id = ${a.id}`);
    const [status, mails] = row.split('|');
    if (status !== 'accepted') fail(`acknowledged acceptance of request ${a.id} lost: ${status}`);
    if (Number(mails) < 1) fail(`acknowledged acceptance of request ${a.id} without its mail`);
  }
  // acceptance mails go through notify (kind post_interest_answer, with List-Unsubscribe)
  const accMails = Number(h.sqlite(`SELECT count(*) FROM outbox o WHERE o.id IN
    (SELECT outbox_id FROM notify_event WHERE kind = 'post_interest_answer') AND o.headers LIKE '%List-Unsubscribe%'`));
  const accepted = Number(h.sqlite(`SELECT count(*) FROM post_interest WHERE status = 'accepted'`));
  if (accMails !== accepted) fail(`${accepted} accepted requests but ${accMails} acceptance mails`);
  if (counts.ack < people) fail(`too few acknowledged messages to prove anything: ${counts.ack}`);
  console.log(`interest_crash: ${h.killed} kills; messages: ${counts.ack} acknowledged, ${counts.refused} refused, ` +
    `${counts.unknown} unknown; acceptances: ${acks.ack} acknowledged, ${acks.unknown} unknown, ${acks.refused} refused; ` +
    'every acknowledged message stored once with its mail and audit row');
}

h.run(main);
