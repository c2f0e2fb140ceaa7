// kill.mjs: SIGKILL of one app server under a mixed read/write load, on
// PostgreSQL behind the shipped nginx site (tests/cluster/run.sh runs it).
//
// Two app servers (application_name scan_a and scan_b, so pg_locks tells
// whose connection holds what) on one demo database, nginx in front. Four
// readers GET pages and API lists, two writers create directory entries
// through the API, all through the proxy, for LOAD_S seconds; after a
// third of it the server holding the jobs' leases is killed with SIGKILL.
// Holds when: no GET failed (nginx retries an idempotent request on the
// other server: proxy_next_upstream); every write answered 201 is in the
// database at the end (a write cut off by the kill may answer 502: it was
// never acknowledged, and it may or may not be stored); the survivor holds
// every job lease within 20 s. Prints one summary line; exit 1 otherwise.
//
//   SCAN_PG_URL=... node tests/cluster/kill.mjs   (SCAN_BIN, LOAD_S=9)
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, makeToken } from '../http/lib.mjs';
import { nginxFor, freePort } from './proxy.mjs';
import { smtpSink } from '../pg/smtp_sink.mjs';

const BASE = process.env.SCAN_PG_URL;
const LOAD_S = Number(process.env.LOAD_S || 9);
const DB = 'cluster_kill';
const dbUrl = (app) => BASE.replace(/\/scan\?/, `/${DB}?`) + `&application_name=${app}`;
const problems = [];

function psql(sql, db = DB) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql],
    { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

function leaseHolders() {
  const out = { 1: [], 2: [], 3: [] };
  for (const line of psql(`SELECT l.objid, a.application_name FROM pg_locks l
      JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1396916558 AND l.objsubid = 2`)
    .split('\n').filter(Boolean)) {
    const [job, app] = line.split('|');
    (out[job] ||= []).push(app);
  }
  return out;
}

async function until(fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, 100)); // poll again (not an assertion after a sleep)
  }
}

if (!BASE) { console.error('kill.mjs: SCAN_PG_URL is not set (run tests/cluster/run.sh)'); process.exit(2); }
psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`, 'scan');
psql(`CREATE DATABASE ${DB}`, 'scan');
let init = scan(['init', '--demo', '--db', dbUrl('init')]);
if (init.status !== 0) throw new Error(init.stderr);
init = scan(['user', 'add', 'load@example.com', '--name', 'Load Editor', '--editor', '--password-stdin',
  '--db', dbUrl('init')], { input: 'cluster load pass 2026\n' });
if (init.status !== 0) throw new Error(init.stderr);

const listen = await freePort();
const proxyUrl = `http://127.0.0.1:${listen}`;
const sink = await smtpSink(); // the mail sender runs (and holds its lease) only with SMTP
const args = ['--trusted-proxies', '127.0.0.1', '--max-per-ip', '1024', '--base-url', proxyUrl,
  '--smtp-url', sink.url, '--smtp-from', 'SCAN <scan@example.org>'];
const env = { SCAN_DIGEST_OFF: '0' };
const servers = {};
servers.scan_a = await startServer({ dbPath: dbUrl('scan_a'), args, env });
servers.scan_b = await startServer({ dbPath: dbUrl('scan_b'), args, env });
const nginx = await nginxFor([servers.scan_a.port, servers.scan_b.port], listen);
let killed = '', survivor = '';
try {
  const first = await until(() => { const h = leaseHolders(); return [1, 2, 3].every((j) => h[j].length === 1) ? h : null; }, 20000);
  if (!first) throw new Error('the job leases were not all taken within 20 s');
  killed = first[1][0];
  survivor = killed === 'scan_a' ? 'scan_b' : 'scan_a';
  const session = await login(proxyUrl, 'load@example.com', 'cluster load pass 2026');
  const token = await makeToken(proxyUrl, session, 'write');
  const slugs = psql("SELECT slug FROM org WHERE status = 'published' ORDER BY id LIMIT 10").split('\n');
  const pages = ['/', '/orgs', '/orgs?kind=cluster', '/events', '/search?q=nis', '/api/v1/orgs?limit=20',
    ...slugs.map((s) => `/orgs/${s}`)];
  const end = Date.now() + LOAD_S * 1000;
  const killAt = Date.now() + (LOAD_S * 1000) / 3;
  let gets = 0, getFailed = 0, writes = 0, unacked = 0, killedAt = 0;
  const acked = [];
  const reader = async (k) => {
    for (let i = k; Date.now() < end; i++) {
      const p = pages[i % pages.length];
      gets++;
      try {
        const r = await fetch(proxyUrl + p);
        await r.arrayBuffer();
        if (r.status !== 200) { getFailed++; problems.push(`GET ${p}: ${r.status}`); }
      } catch (e) { getFailed++; problems.push(`GET ${p}: ${e.cause?.code || e.message}`); }
    }
  };
  const writer = async (k) => {
    for (let i = 0; Date.now() < end; i++) {
      const name = `Cluster load ${k}-${i}`;
      writes++;
      try {
        const r = await fetch(`${proxyUrl}/api/v1/orgs`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, kind: 'company', status: 'published' }),
        });
        const text = await r.text();
        if (r.status === 201) acked.push(name);
        else if (r.status === 502 || r.status === 503 || r.status === 504) unacked++;
        else problems.push(`POST ${name}: ${r.status} ${text.slice(0, 200)}`);
      } catch { unacked++; }
    }
  };
  const killer = async () => {
    while (Date.now() < killAt) await new Promise((r) => setTimeout(r, 20));
    servers[killed].proc.kill('SIGKILL');
    killedAt = Date.now();
  };
  await Promise.all([reader(0), reader(3), reader(6), reader(9), writer(1), writer(2), killer()]);
  if (getFailed) {
    problems.push(`${getFailed} of ${gets} GETs failed`);
    for (const [n, sv] of Object.entries(servers))
      problems.push(...sv.log().split('\n').filter((l) => /error|warn| 5\d\d /.test(l)).slice(0, 10).map((l) => `${n}: ${l}`));
  }
  // every acknowledged write is there
  const stored = new Set(psql("SELECT name FROM org WHERE name LIKE 'Cluster load %'").split('\n'));
  const lost = acked.filter((n) => !stored.has(n));
  if (lost.length) problems.push(`${lost.length} acknowledged writes lost: ${lost.slice(0, 5).join(', ')}`);
  if (acked.length < 10) problems.push(`only ${acked.length} writes acknowledged: the load did not run`);
  const taken = await until(() => { const h = leaseHolders(); return [1, 2, 3].every((j) => h[j].length === 1 && h[j][0] === survivor); }, 20000);
  const takenS = ((Date.now() - killedAt) / 1000).toFixed(1);
  if (!taken) problems.push(`the survivor ${survivor} did not take every lease over: ${JSON.stringify(leaseHolders())}`);
  console.log(`cluster kill: ${gets} GETs, ${getFailed} failed; ${acked.length} writes acknowledged, all ` +
    `${acked.length - lost.length} in the database; ${unacked} cut off by the kill (not acknowledged); ` +
    `${killed} SIGKILLed, ${survivor} held every job lease ${taken ? `${takenS} s after the kill` : 'NOT'}`);
} catch (e) {
  problems.push(e.stack || String(e));
} finally {
  await nginx.stop();
  await sink.close();
  for (const [name, s] of Object.entries(servers)) {
    await s.stop().catch((e) => problems.push(`stopping ${name}: ${e.message}`));
  }
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`, 'scan');
}
if (problems.length) {
  console.error(`cluster kill: FAILED\n  ${problems.slice(0, 30).join('\n  ')}`);
  process.exit(1);
}
