// sign_crash.mjs: the client of tests/reliability/sign_crash.sh.
//
// The managers of several clusters sign positions open for signature at
// the same time (POST /positions/{id}/sign with the session cookie, its
// CSRF token and Origin, as the page's form does), while the server is
// killed with SIGKILL at random moments and restarted. Each signature's
// outcome is recorded as in interest_crash.mjs:
//   ack      the 303 to the position's page was fully received: the live
//            signature must be stored, once, with its weight and audit row
//   refused  another full response (422: signed already): nothing new
//   unknown  no full response: at most one live signature, whole if there
//   notsent  connection refused: never reached the server (sent again)
// The database is then read with the sqlite3 CLI and compared.
//
// Options (--name value): --bin B --db D --password P --people N
// --kills K --min-ms 50 --max-ms 800. People are manager1..N@example.com,
// managers of cluster-1..N (made by sign_crash.sh). Prints report lines;
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
  const posIds = sqlite(`SELECT id FROM position WHERE stage = 'signing' ORDER BY id`).split('\n').map(Number);
  const orgOf = new Map(sqlite(`SELECT p.email, f.org_id FROM person p JOIN affiliation f ON f.person_id = p.id
    WHERE f.role = 'manager'`).split('\n').map((l) => l.split('|')));
  let srv = await startServer();
  const sessions = [];
  for (let i = 1; i <= people; i++) sessions.push(await login(srv.url, `manager${i}@example.com`));

  let url = srv.url;
  let restarting = null;
  let done = false;
  const getUrl = async () => { while (restarting) await restarting; return done ? null : url; };

  const signs = []; // {pos, org, outcome, status}
  const writer = async (w) => {
    const s = sessions[w];
    const org = orgOf.get(`manager${w + 1}@example.com`);
    const order = [...posIds].sort(() => Math.random() - 0.5);
    for (const pos of order) {
      for (;;) {
        const u = await getUrl();
        if (!u) return;
        const r = await post(u, s, `/positions/${pos}/sign`, { org });
        const out = outcome(r, (x) => x.status === 303 && (x.headers.get('location') || '').startsWith(`/positions/${pos}?saved=1`));
        if (out === 'notsent') { await sleep(20); continue; }
        signs.push({ pos, org: Number(org), outcome: out, status: r.status });
        break;
      }
    }
  };
  const writers = sessions.map((_, w) => writer(w));
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
  srv.proc.kill('SIGTERM');
  const ex = await srv.exited;
  if (ex.code !== 0) fail(`server did not exit 0 on SIGTERM (${ex.code ?? ex.signal})`);
  if (SANITIZER.test(allStderr)) {
    const i = allStderr.search(SANITIZER);
    fail(`sanitizer report:\n${allStderr.slice(Math.max(0, i - 200), i + 3000)}`);
  }

  // --- the comparison ---------------------------------------------------------------
  const stored = new Map();
  for (const line of sqlite(`SELECT g.position_id || ':' || g.org_id, count(*), sum(g.w_year IS NOT NULL),
        (SELECT count(*) FROM audit a WHERE a.action = 'position_sign' AND a.entity_id = g.position_id
           AND a.detail LIKE '%"org":' || g.org_id || ',%')
      FROM position_signature g WHERE g.withdrawn_at IS NULL GROUP BY g.position_id, g.org_id`).split('\n').filter(Boolean)) {
    const [key, n, weighed, audits] = line.split('|');
    stored.set(key, { n: Number(n), weighed: Number(weighed), audits: Number(audits) });
  }
  const counts = { ack: 0, refused: 0, unknown: 0 };
  for (const x of signs) {
    counts[x.outcome]++;
    const key = `${x.pos}:${x.org}`;
    const s = stored.get(key);
    if (x.outcome === 'ack' && !s) fail(`acknowledged signature lost: position ${x.pos}, org ${x.org}`);
    if (!s) continue;
    if (s.n !== 1) fail(`${s.n} live signatures of org ${x.org} on position ${x.pos}`);
    if (s.audits !== 1) fail(`signature ${key} with ${s.audits} audit rows`);
    stored.delete(key);
  }
  if (stored.size) fail(`signatures stored that no client sent: ${[...stored.keys()].slice(0, 3).join(', ')}`);
  if (counts.ack < people) fail(`too few acknowledged signatures to prove anything: ${counts.ack}`);
  console.log(`sign_crash: ${killed} kills; signatures: ${counts.ack} acknowledged, ${counts.refused} refused, ` +
    `${counts.unknown} unknown; every acknowledged signature stored once, live, with its audit row`);
}

main().catch((e) => {
  if (current && current.exitCode === null) current.kill('SIGKILL');
  console.log(e instanceof Fail ? `FAIL: ${e.message}` : `FAIL: ${e.stack}`);
  process.exit(1);
});
