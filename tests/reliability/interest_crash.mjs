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
// exits 1 with "FAIL: ..." otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    bin: { type: 'string' },
    db: { type: 'string' },
    password: { type: 'string' },
    people: { type: 'string', default: '6' },
    kills: { type: 'string', default: '8' },
    'min-ms': { type: 'string', default: '50' },
    'max-ms': { type: 'string', default: '800' },
  },
});

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/;
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
class Fail extends Error {}
const fail = (msg) => { throw new Fail(msg); };

let allStderr = '';
let current = null;

async function startServer() {
  const proc = spawn(opt.bin, ['serve', '--db', opt.db, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SCAN_DIGEST_OFF: '1' },
  });
  current = proc;
  let stderr = '';
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Fail(`server did not start within 20 s:\n${stderr}`)), 20000);
    proc.stderr.on('data', (d) => {
      stderr += d;
      allStderr += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Fail(`server exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
  return { proc, url: `http://127.0.0.1:${port}`, exited, log: () => stderr };
}

async function send(url, init) {
  let res;
  try {
    res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30000), ...init });
  } catch (e) {
    return { error: e, code: e.cause?.code || e.code || e.name };
  }
  try {
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    return { error: e, code: e.cause?.code || e.code || e.name };
  }
}

const outcome = (r, ok) => (r.error ? (r.code === 'ECONNREFUSED' ? 'notsent' : 'unknown') : ok(r) ? 'ack' : 'refused');

async function login(url, email) {
  const r = await send(`${url}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url },
    body: new URLSearchParams({ email, password: opt.password }).toString(),
  });
  if (r.status !== 303) fail(`login of ${email}: ${r.status ?? r.code}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const page = await send(`${url}/account`, { headers: { Cookie: cookie } });
  const m = /name="_csrf" value="([^"]+)"/.exec(page.text || '');
  if (!m) fail(`no _csrf on /account for ${email}`);
  return { cookie, csrf: m[1] };
}

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-readonly', '-cmd', '.timeout 5000', opt.db, sql], { encoding: 'utf8' });
  if (r.status !== 0) fail(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

function post(url, s, path, form) {
  return send(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url, Cookie: s.cookie },
    body: new URLSearchParams({ ...form, _csrf: s.csrf }).toString(),
  });
}

async function main() {
  const people = Number(opt.people);
  const kills = Number(opt.kills);
  const postIds = sqlite('SELECT id FROM post ORDER BY id').split('\n').map(Number);
  let srv = await startServer();
  // sessions live in the database: they outlive every restart
  const sessions = [];
  for (let i = 1; i <= people; i++) sessions.push(await login(srv.url, `requester${i}@example.com`));
  const rep = await login(srv.url, 'rep@example.com');

  let url = srv.url;
  let restarting = null; // a promise while the server is down
  let done = false;
  const getUrl = async () => { while (restarting) await restarting; return done ? null : url; };

  const interests = []; // {key, person, post, outcome}
  const accepts = [];   // {id, outcome}
  const writer = async (w) => {
    const s = sessions[w];
    const order = [...postIds].sort(() => Math.random() - 0.5);
    for (const postId of order) {
      const key = `crash-msg-${w + 1}-${postId}-${Math.random().toString(36).slice(2, 10)}`;
      for (;;) {
        const u = await getUrl();
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
    while (!done) {
      const u = await getUrl();
      if (!u) return;
      const ids = sqlite(`SELECT id FROM post_interest WHERE status = 'pending' ORDER BY random() LIMIT 5`)
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

  const writers = sessions.map((_, w) => writer(w));
  const acc = accepter();
  const allWritten = Promise.all(writers);
  let killed = 0;
  for (let k = 0; k < kills; k++) {
    const wait = rand(Number(opt['min-ms']), Number(opt['max-ms']));
    const finished = await Promise.race([sleep(wait).then(() => false), allWritten.then(() => true)]);
    if (finished) break;
    let release;
    restarting = new Promise((res) => { release = res; });
    srv.proc.kill('SIGKILL');
    await srv.exited;
    killed++;
    srv = await startServer();
    url = srv.url;
    restarting = null;
    release();
  }
  await allWritten;
  done = true;
  await acc;
  srv.proc.kill('SIGTERM');
  const ex = await srv.exited;
  if (ex.code !== 0) fail(`server did not exit 0 on SIGTERM (${ex.code ?? ex.signal})`);
  if (SANITIZER.test(allStderr)) {
    const i = allStderr.search(SANITIZER);
    fail(`sanitizer report:\n${allStderr.slice(Math.max(0, i - 200), i + 3000)}`);
  }

  // --- the comparison ---------------------------------------------------------------
  const stored = new Map();
  for (const line of sqlite(`SELECT m.body, count(*), i.post_id, i.person_id, i.status,
        (SELECT count(*) FROM outbox o WHERE o.to_addr = 'rep@example.com' AND instr(o.body, m.body) > 0),
        (SELECT count(*) FROM audit a WHERE a.action = 'interest_express' AND a.entity_id = i.id)
      FROM post_interest_message m JOIN post_interest i ON i.id = m.interest_id
      GROUP BY m.body`).split('\n').filter(Boolean)) {
    const [body, n, postId, personId, status, mails, audits] = line.split('|');
    stored.set(body.replace(/^Hello, /, ''), { n: Number(n), postId: Number(postId), personId: Number(personId), status, mails: Number(mails), audits: Number(audits) });
  }
  const personIds = new Map(sqlite(`SELECT email, id FROM person`).split('\n').map((l) => l.split('|')));
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
  const dup = sqlite(`SELECT post_id, person_id FROM post_interest WHERE status = 'pending'
    GROUP BY post_id, person_id HAVING count(*) > 1 LIMIT 1`);
  if (dup) fail(`two pending requests of one person on one post: ${dup}`);
  const acks = { ack: 0, refused: 0, unknown: 0 };
  for (const a of accepts) {
    acks[a.outcome]++;
    if (a.outcome !== 'ack') continue;
    const row = sqlite(`SELECT i.status, (SELECT count(*) FROM outbox o WHERE o.to_addr = p.email
        AND o.id IN (SELECT outbox_id FROM notify_event WHERE kind = 'post_interest_answer')
        AND instr(o.body, 'rep@example.com') > 0)
      FROM post_interest i JOIN person p ON p.id = i.person_id WHERE i.id = ${a.id}`);
    const [status, mails] = row.split('|');
    if (status !== 'accepted') fail(`acknowledged acceptance of request ${a.id} lost: ${status}`);
    if (Number(mails) < 1) fail(`acknowledged acceptance of request ${a.id} without its mail`);
  }
  // acceptance mails go through notify (kind post_interest_answer, with List-Unsubscribe)
  const accMails = Number(sqlite(`SELECT count(*) FROM outbox o WHERE o.id IN
    (SELECT outbox_id FROM notify_event WHERE kind = 'post_interest_answer') AND o.headers LIKE '%List-Unsubscribe%'`));
  const accepted = Number(sqlite(`SELECT count(*) FROM post_interest WHERE status = 'accepted'`));
  if (accMails !== accepted) fail(`${accepted} accepted requests but ${accMails} acceptance mails`);
  if (counts.ack < people) fail(`too few acknowledged messages to prove anything: ${counts.ack}`);
  console.log(`interest_crash: ${killed} kills; messages: ${counts.ack} acknowledged, ${counts.refused} refused, ` +
    `${counts.unknown} unknown; acceptances: ${acks.ack} acknowledged, ${acks.unknown} unknown, ${acks.refused} refused; ` +
    'every acknowledged message stored once with its mail and audit row');
}

main().catch((e) => {
  if (current && current.exitCode === null) current.kill('SIGKILL');
  console.log(e instanceof Fail ? `FAIL: ${e.message}` : `FAIL: ${e.stack}`);
  process.exit(1);
});
