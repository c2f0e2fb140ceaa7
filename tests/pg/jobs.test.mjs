// jobs.test.mjs: the background jobs' leases on PostgreSQL (issue 18,
// "Several app servers"): two app servers on one database, each job
// (digest and reminders, newsletter, mail sender) held by exactly one of
// them (a session advisory lock, seen in pg_locks); the holder is killed
// with SIGKILL while a mail is in flight (the SMTP sink read it and never
// answered), the other server takes every lease over, and once the dead
// server's claim on its batch has lapsed (made to lapse here instead of
// waiting its 100 s) the survivor sends the rest: every mail acknowledged
// exactly once, none lost.
//
//   bash tests/pg/pg_temp.sh run node --test tests/pg/jobs.test.mjs
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer } from '../http/lib.mjs';
import { smtpSink } from './smtp_sink.mjs';

const BASE = process.env.SCAN_PG_URL;
const DB = 'jobs_lease';
const url = (app) => BASE.replace(/\/scan\?/, `/${DB}?`) + `&application_name=${app}`;
const servers = {};
let sink;

function psql(sql, db = DB) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql],
    { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// job number -> the application names holding its lease
function holders() {
  const out = { 1: [], 2: [], 3: [] };
  const rows = psql(`SELECT l.objid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1396916558 AND l.objsubid = 2`);
  for (const line of rows.split('\n').filter(Boolean)) {
    const [job, app] = line.split('|');
    (out[job] ||= []).push(app);
  }
  return out;
}

async function until(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100)); // poll again (not an assertion after a sleep)
  }
}

before(async () => {
  assert.ok(BASE, 'run under tests/pg/pg_temp.sh (SCAN_PG_URL)');
  psql(`DROP DATABASE IF EXISTS ${DB}`, 'scan');
  psql(`CREATE DATABASE ${DB}`, 'scan');
  sink = await smtpSink();
  const args = ['--smtp-url', sink.url, '--smtp-from', 'SCAN <scan@example.org>', '--base-url', 'http://scan.example.org'];
  for (const app of ['scan_a', 'scan_b'])
    servers[app] = await startServer({ dbPath: url(app), args, env: { SCAN_DIGEST_OFF: '0' } });
});
after(async () => {
  for (const s of Object.values(servers)) await s.stop();
  if (sink) await sink.close();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`, 'scan');
});

test('each job runs on exactly one server; a killed holder is taken over without a mail twice', async () => {
  const first = await until('every job leased', () => {
    const h = holders();
    return [1, 2, 3].every((j) => h[j].length === 1) ? h : null;
  });
  const victim = first[3][0]; // the mail sender's holder
  const survivor = victim === 'scan_a' ? 'scan_b' : 'scan_a';
  // 30 mails; the sink takes 4, then holds the 5th unanswered
  const now = Math.floor(Date.now() / 1000);
  psql(`INSERT INTO outbox(to_addr, subject, body, created_at)
    SELECT 'x' || g || '@example.org', 'lease ' || g, 'body', ${now} FROM generate_series(1, 30) g`);
  await until('4 mails acknowledged', () => sink.acked.length >= 4, 30000);
  sink.stall = true;
  await until('a mail in flight', () => sink.stalled > 0 || sink.acked.length >= 30, 30000);
  assert.ok(sink.stalled > 0, 'the victim was sending when it was killed');
  servers[victim].proc.kill('SIGKILL');
  sink.stall = false;
  await until(`${survivor} holds every lease`, () => {
    const h = holders();
    return [1, 2, 3].every((j) => h[j].length === 1 && h[j][0] === survivor);
  });
  // what the victim had claimed waits for its claim to lapse: make it lapse
  psql('UPDATE outbox SET claimed_until = 0 WHERE sent_at IS NULL AND claimed_until IS NOT NULL');
  await until('every mail sent', () => psql('SELECT count(*) FROM outbox WHERE sent_at IS NULL') === '0', 60000);
  const seen = new Map();
  for (const s of sink.acked) seen.set(s, (seen.get(s) || 0) + 1);
  assert.equal(seen.size, 30, `30 distinct mails acknowledged: ${[...seen.keys()].join(', ')}`);
  for (const [s, n] of seen) assert.equal(n, 1, `${s} acknowledged ${n} times`);
  assert.match(servers[survivor].log(), /digest: this server holds the jobs' lease/);
});
