// event_crash.mjs: kill -9 during concurrent registrations for one event
// (tests/reliability/event_crash.sh sets up the database and calls this).
//
// Each round starts `scan serve`, sends CLIENTS concurrent requests with
// the people's own Bearer tokens (mostly POST
// /api/v1/events/{id}/registrations for someone not yet registered, some
// DELETE .../registrations/me for someone whose registration was
// acknowledged), kills the server with SIGKILL 30-600 ms after it is
// ready, and records each request as acknowledged (a full 2xx answer),
// refused (a full 4xx) or unknown (no full answer). Then, with the server
// dead, it reads the database with the sqlite3 CLI and checks:
//   - never more confirmed than the capacity, and nobody waits while a
//     place is free (the waiting list moved in the same transaction);
//   - every acknowledged registration is there (confirmed or waiting, as
//     answered or promoted since), every acknowledged cancellation is
//     cancelled: no acknowledged write lost;
//   - one row per person, and each registration's audit row (the write
//     and its audit are one transaction).
// Exits 1 with a "FAIL: ..." line otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({ options: {
  bin: { type: 'string' }, db: { type: 'string' }, event: { type: 'string' },
  capacity: { type: 'string' }, tokens: { type: 'string' }, kills: { type: 'string' },
  clients: { type: 'string' }, pidfile: { type: 'string' },
} });
const KILLS = Number(opt.kills), CLIENTS = Number(opt.clients), CAP = Number(opt.capacity);
const EVENT = Number(opt.event);
// tokens file: "person_id token" a line
const people = readFileSync(opt.tokens, 'utf8').trim().split('\n').map((l) => {
  const [id, token] = l.split(' ');
  return { id: Number(id), token, state: 'none' }; // none | registered | cancelled | unknown
});

function fail(msg) {
  console.log(`event_crash: FAIL: ${msg}`);
  if (current) try { current.proc.kill('SIGKILL'); } catch { /* gone */ }
  process.exit(1);
}

function sql(q) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', opt.db, q], { encoding: 'utf8' });
  if (r.status !== 0) fail(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

let current = null;
let allStderr = '';
async function start() {
  const proc = spawn(opt.bin, ['serve', '--db', opt.db, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (opt.pidfile) writeFileSync(opt.pidfile, String(proc.pid));
  let stderr = '';
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start within 20 s:\n${stderr}`)), 20000);
    proc.stderr.on('data', (d) => {
      stderr += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    proc.on('exit', () => { clearTimeout(timer); rej(new Error(`server exited before listening:\n${stderr}`)); });
  }).catch((e) => fail(e.message));
  current = { proc, exited, url: `http://127.0.0.1:${port}`, log: () => stderr };
  return current;
}

async function request(url, p, method) {
  const path = method === 'POST' ? `/api/v1/events/${EVENT}/registrations` : `/api/v1/events/${EVENT}/registrations/me`;
  try {
    const res = await fetch(url + path, {
      method, headers: { Authorization: `Bearer ${p.token}`, 'Content-Type': 'application/json' },
      body: method === 'POST' ? '{}' : undefined, signal: AbortSignal.timeout(10000),
    });
    const text = await res.text(); // the whole answer, or a throw
    return { status: res.status, text };
  } catch {
    return null;
  }
}

function check(round) {
  const [confirmed, waiting] = sql(`SELECT (SELECT count(*) FROM event_registration WHERE event_id = ${EVENT} AND state = 'confirmed'),
    (SELECT count(*) FROM event_registration WHERE event_id = ${EVENT} AND state = 'waiting')`).split('|').map(Number);
  if (confirmed > CAP) fail(`round ${round}: ${confirmed} confirmed for ${CAP} places`);
  if (confirmed < CAP && waiting > 0) fail(`round ${round}: ${waiting} waiting while ${CAP - confirmed} places are free`);
  const twice = sql(`SELECT person_id FROM event_registration WHERE event_id = ${EVENT} GROUP BY person_id HAVING count(*) > 1 LIMIT 1`);
  if (twice) fail(`round ${round}: person ${twice} registered twice`);
  const states = new Map(sql(`SELECT person_id, state FROM event_registration WHERE event_id = ${EVENT}`)
    .split('\n').filter(Boolean).map((l) => { const [id, st] = l.split('|'); return [Number(id), st]; }));
  for (const p of people) {
    const st = states.get(p.id);
    if (p.state === 'registered' && st !== 'confirmed' && st !== 'waiting') fail(`round ${round}: person ${p.id}'s acknowledged registration is ${st ?? 'lost'}`);
    if (p.state === 'cancelled' && st !== 'cancelled') fail(`round ${round}: person ${p.id}'s acknowledged cancellation is ${st ?? 'lost'}`);
    if (p.state === 'none' && st !== undefined) fail(`round ${round}: person ${p.id} never asked but is ${st}`);
  }
  const audits = Number(sql(`SELECT count(*) FROM audit WHERE action = 'event_register' AND entity_id = ${EVENT}`));
  if (audits < states.size) fail(`round ${round}: ${states.size} registrations but ${audits} audit rows`);
  return { confirmed, waiting };
}

let acked = 0, unknown = 0, kills = 0;
for (let round = 1; round <= KILLS; round++) {
  const srv = await start();
  const fresh = people.filter((p) => p.state === 'none');
  const mine = people.filter((p) => p.state === 'registered');
  const batch = [];
  for (let i = 0; i < CLIENTS; i++) {
    if (mine.length && Math.random() < 0.2) batch.push([mine.splice(Math.floor(Math.random() * mine.length), 1)[0], 'DELETE']);
    else if (fresh.length) batch.push([fresh.splice(Math.floor(Math.random() * fresh.length), 1)[0], 'POST']);
  }
  if (!batch.length) break;
  const inflight = batch.map(async ([p, method]) => {
    const r = await request(srv.url, p, method);
    if (!r) { p.state = 'unknown'; unknown++; return; }
    if (r.status === 201 || r.status === 200) { p.state = method === 'POST' ? 'registered' : 'cancelled'; acked++; return; }
    fail(`round ${round}: ${method} for person ${p.id} answered ${r.status}: ${r.text.slice(0, 300)}`);
  });
  await new Promise((res) => setTimeout(res, 30 + Math.floor(Math.random() * 570)));
  srv.proc.kill('SIGKILL');
  kills++;
  await srv.exited;
  await Promise.all(inflight);
  allStderr += srv.log();
  // people whose answer never came: learn what the database says, so the
  // next rounds know them (an unknown write may or may not have happened)
  for (const p of people.filter((q) => q.state === 'unknown')) {
    const st = sql(`SELECT state FROM event_registration WHERE event_id = ${EVENT} AND person_id = ${p.id}`);
    p.state = st === '' ? 'none' : st === 'cancelled' ? 'cancelled' : 'registered';
  }
  check(round);
}
// one clean run: the server starts on the crashed database and stops with 0
const srv = await start();
const health = await fetch(`${srv.url}/api/v1/events/${EVENT}`).then((r) => r.json()).catch(() => null);
if (!health || health.id !== EVENT) fail('the event is not readable after the crashes');
srv.proc.kill('SIGTERM');
const { code } = await srv.exited;
if (code !== 0) fail(`server did not exit 0 on SIGTERM (${code})`);
allStderr += srv.log();
const i = allStderr.search(/ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:/);
if (i >= 0) fail(`sanitizer report in the server's stderr:\n${allStderr.slice(Math.max(0, i - 200), i + 2000)}`);
const { confirmed, waiting } = check('end');
console.log(`event_crash: ${kills} kills, ${acked} acknowledged writes, ${unknown} without an answer; ${confirmed} of ${CAP} places confirmed, ${waiting} waiting; nothing acknowledged lost`);
