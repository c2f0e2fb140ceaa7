// writer.mjs: the client of tests/reliability/crash.sh and diskfull.sh.
//
// Writes over HTTP the way users do: directory entries through the JSON
// API (POST /api/v1/orgs with a read-write Bearer token) and yearly figures
// through the HTML form (POST /orgs/{slug}/figures with the session cookie,
// the session's CSRF token and Origin). Every write has a unique key
// (entry slug; entry slug + year) and its outcome is recorded:
//   ack      the success response (201 / 303 to ?saved=) was fully received
//   refused  another response was fully received (the write must be absent)
//   unknown  the request may have reached the server but no full response
//            came back (may be present or absent; if present, it is whole)
//   notsent  connection refused: the server never saw it (retried as is)
// The stored state is then read with the sqlite3 CLI (read-only) and
// compared with what was sent.
//
// Modes (options are --name value):
//   crash     --bin B --db D --email E --password P --kills N --writers W
//             --pidfile F [--sync-normal] [--min-ms 50] [--max-ms 800]
//             starts `scan serve`, kills it with SIGKILL at a random moment
//             50-800 ms after it is ready, N times, restarting it each time,
//             while W writers write; then restarts it once more, stops it
//             with SIGTERM and checks the database against the records.
//   bench     --bin B --db D --email E --password P --seconds S --writers W
//             --pidfile F [--sync-normal]
//             acknowledged writes per second for S seconds.
//   diskfull  --bin B --db D --email E --password P --dir MOUNT --pidfile F
//             [--prefill N]
//             the disk-full scenario (see diskfull.sh): after N large
//             entries, fills MOUNT, expects 503s for writes and 200s for
//             reads, frees 160 KiB (some writes fit, then the WAL runs into
//             the full disk mid-commit: 503 again), frees it all, expects
//             writes to resume without a restart.
// Prints report lines on stdout; exits 1 with a "FAIL: ..." line otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { positionals, values: opt } = parseArgs({
  allowPositionals: true,
  options: {
    bin: { type: 'string', default: 'build-asan/scan' },
    db: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    kills: { type: 'string', default: '10' },
    writers: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '5' },
    pidfile: { type: 'string' },
    dir: { type: 'string' },
    'sync-normal': { type: 'boolean', default: false },
    'min-ms': { type: 'string', default: '50' },
    'max-ms': { type: 'string', default: '800' },
    prefill: { type: 'string', default: '0' },
    // PostgreSQL (--db a postgresql:// URL): the pg_temp.sh directory of
    // its server; every second kill is then of PostgreSQL itself
    // (pg_ctl restart -m immediate), the app server staying up
    'pg-dir': { type: 'string' },
  },
});

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/;
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));

class Fail extends Error {}
function fail(msg) { throw new Fail(msg); }

// --- the server ----------------------------------------------------------------------

let allStderr = ''; // of every server run, checked for sanitizer reports
let current = null; // the running server, killed if this script fails

async function startServer() {
  const args = ['serve', '--db', opt.db, '--listen', '127.0.0.1:0'];
  if (opt['sync-normal']) args.push('--sync-normal');
  const proc = spawn(opt.bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (opt.pidfile) writeFileSync(opt.pidfile, `${proc.pid}\n`);
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

async function stopServer(srv) {
  if (srv.proc.exitCode === null && srv.proc.signalCode === null) srv.proc.kill('SIGTERM');
  const r = await srv.exited;
  if (r.code !== 0) fail(`server did not exit 0 on SIGTERM (${r.code ?? r.signal}):\n${srv.log().slice(-2000)}`);
  return r;
}

function checkSanitizer() {
  if (SANITIZER.test(allStderr)) {
    const i = allStderr.search(SANITIZER);
    fail(`sanitizer report in the server's stderr:\n${allStderr.slice(Math.max(0, i - 200), i + 3000)}`);
  }
}

// --- HTTP ------------------------------------------------------------------------------

// Sends one request; resolves {status, headers, text} once the whole body
// arrived, or {error, code} when it did not.
async function send(url, init) {
  let res;
  try {
    res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30000), ...init });
  } catch (e) {
    return { error: e, code: e.cause?.code || e.code || e.name };
  }
  try {
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (e) {
    return { error: e, code: e.cause?.code || e.code || e.name };
  }
}

async function login(url) {
  const r = await send(`${url}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url },
    body: new URLSearchParams({ email: opt.email, password: opt.password }).toString(),
  });
  if (r.status !== 303) fail(`login of ${opt.email}: ${r.status ?? r.code} ${String(r.text).slice(0, 300)}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const page = await send(`${url}/account`, { headers: { Cookie: cookie } });
  const m = /name="_csrf" value="([^"]+)"/.exec(page.text || '');
  if (!m) fail('no _csrf field on /account after login');
  const session = { cookie, csrf: m[1] };
  const t = await send(`${url}/account/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url, Cookie: cookie },
    body: new URLSearchParams({ name: 'reliability writer', scope: 'write', _csrf: session.csrf }).toString(),
  });
  const tm = /id="new-token"[^>]*value="([^"]+)"/.exec(t.text || '');
  if (t.status !== 200 || !tm) fail(`token create: ${t.status ?? t.code} ${String(t.text).slice(0, 300)}`);
  session.token = tm[1];
  return session;
}

// --- the writes --------------------------------------------------------------------------

const SECTORS = [[], ['26'], ['62'], ['26', '62'], ['10']];
const SOURCES = ['self_reported', 'business_register', 'estimate'];
const WORDS = ['klaster', 'Niš', 'Ниш', 'inovacija', 'metal', 'ICT', 'Šabac', 'đak', 'export', 'razvoj'];

function newOrg(slug) {
  const words = Array.from({ length: rand(3, 40) }, () => WORDS[rand(0, WORDS.length - 1)]);
  return {
    slug,
    name: `Reliability ${slug}`,
    name_en: `Reliability ${slug} EN`,
    kind: 'company',
    status: 'published',
    municipality: ['Niš', 'Ниш', 'Novi Sad', 'Čačak'][rand(0, 3)],
    website: `https://${slug}.example`,
    description_en: words.join(' '),
    year_founded: rand(1950, 2024),
    sectors: SECTORS[rand(0, SECTORS.length - 1)],
  };
}

function newFigure(slug, year) {
  const revenue = rand(1000, 50000000);
  const exports = rand(0, revenue);
  return {
    slug, year, employees: rand(0, 5000), revenue_eur: revenue * 100 + rand(0, 99), exports_eur: exports * 100,
    rnd_eur: Math.random() < 0.5 ? null : rand(0, 100000) * 100, source: SOURCES[rand(0, 2)],
  };
}

const euros = (cents) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

function outcome(r, okStatus, okCheck = () => true) {
  if (r.error) return r.code === 'ECONNREFUSED' ? 'notsent' : 'unknown';
  // PostgreSQL killed under a commit: the server cannot know whether it
  // went through (the connection died before the answer), and says 5xx
  if (opt['pg-dir'] && r.status >= 500) return 'unknown';
  return r.status === okStatus && okCheck(r) ? 'ack' : 'refused';
}

async function postOrg(url, s, o) {
  const r = await send(`${url}/api/v1/orgs`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(o),
  });
  return { r, outcome: outcome(r, 201) };
}

async function postFigure(url, s, f) {
  const form = {
    year: String(f.year), employees: String(f.employees), revenue: euros(f.revenue_eur),
    exports: euros(f.exports_eur), rnd: f.rnd_eur === null ? '' : euros(f.rnd_eur),
    currency: 'EUR', source: f.source, _csrf: s.csrf,
  };
  const r = await send(`${url}/orgs/${f.slug}/figures`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url, Cookie: s.cookie },
    body: new URLSearchParams(form).toString(),
  });
  // saved: 303 back to the entry's figures page (the confirmation travels
  // in a one-time notice cookie, not in the address); a refused form is
  // 4xx and a failure 5xx
  return { r, outcome: outcome(r, 303, (x) => (x.headers.get('location') || '') === `/orgs/${f.slug}/figures`) };
}

// Writer w: creates an entry, then figures for up to 6 years of the last
// acknowledged entry, then another entry, and so on. Each key is used once,
// except after 'notsent' (the server never saw it).
function makeWriter(prefix, w, log, session, getUrl, isDone) {
  return (async () => {
    let n = 0;
    let target = null; // slug of an acknowledged entry
    let year = 0;
    let refusedInRow = 0;
    while (!isDone()) {
      let url = await getUrl();
      if (!url) break;
      let kind;
      let rec;
      if (target && year < 2006) {
        kind = 'figure';
        rec = newFigure(target, year++);
      } else {
        kind = 'org';
        rec = newOrg(`${prefix}-${w}-${++n}`);
      }
      for (;;) {
        const { r, outcome: out } = kind === 'org' ? await postOrg(url, session, rec) : await postFigure(url, session, rec);
        if (out === 'notsent') {
          if (isDone()) break;
          url = await getUrl(); // waits for the restart
          if (!url) break;
          continue;
        }
        log.push({ kind, rec, outcome: out, status: r.status, code: r.code, text: r.text?.slice(0, 200) });
        // PostgreSQL restarting: 5xx come back at once; pace the retries
        if (out === 'unknown' && opt['pg-dir'] && r.status >= 500) await sleep(50);
        if (out === 'ack' && kind === 'org') { target = rec.slug; year = 2000; }
        if (out === 'refused') {
          // 503 (busy, full disk) is expected now and then; anything else,
          // or a long run of refusals, is a bug in this test or the server
          if (r.status !== 503 || ++refusedInRow > 50) fail(`${kind} ${rec.slug}: ${r.status} ${r.text?.slice(0, 300)}`);
        } else {
          refusedInRow = 0;
        }
        break;
      }
    }
  })();
}

// --- reading the database back -------------------------------------------------------------

function sql(query) {
  if (/^postgres(ql)?:\/\//.test(opt.db)) {
    const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', opt.db, '-c',
      `SELECT coalesce(json_agg(t), '[]'::json) FROM (${query}) AS t`], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) fail(`psql: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }
  const r = spawnSync('sqlite3', ['-readonly', '-json', opt.db, query], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) fail(`sqlite3: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

function storedState(prefix) {
  const orgs = new Map();
  for (const o of sql(`SELECT o.id, o.slug, o.name, o.name_en, o.kind, o.status, o.municipality, o.website,
      o.description_en, o.year_founded,
      (SELECT group_concat(code, ',') FROM (SELECT code FROM org_sector WHERE org_id = o.id ORDER BY code) AS s) AS sectors,
      (SELECT count(*) FROM org_revision r WHERE r.org_id = o.id AND r.action = 'create') AS revs,
      (SELECT count(*) FROM audit a WHERE a.entity = 'org' AND a.entity_id = o.id AND a.action = 'org_create') AS audits,
      (SELECT count(*) FROM search_doc s JOIN search_fts f ON f.rowid = s.id
        WHERE s.kind = 'org' AND s.ref = o.id AND f.title LIKE '%reliability%') AS docs
      FROM org o WHERE o.slug LIKE '${prefix}-%'`)) orgs.set(o.slug, o);
  const figs = new Map();
  for (const f of sql(`SELECT o.slug, f.id, f.year, f.employees, f.revenue_eur, f.exports_eur, f.rnd_eur,
      f.source, f.rate_e4,
      (SELECT count(*) FROM audit a WHERE a.entity = 'figure' AND a.entity_id = f.id) AS audits
      FROM org_figure f JOIN org o ON o.id = f.org_id WHERE o.slug LIKE '${prefix}-%'`)) figs.set(`${f.slug}/${f.year}`, f);
  return { orgs, figs };
}

// What is wrong with a stored entry compared with what was sent ('' if whole).
function orgDiff(sent, got) {
  const bad = [];
  for (const k of ['slug', 'name', 'name_en', 'kind', 'status', 'municipality', 'website', 'description_en', 'year_founded']) {
    const short = (v) => JSON.stringify(v)?.slice(0, 80);
    if (got[k] !== sent[k]) bad.push(`${k}: sent ${short(sent[k])}, stored ${short(got[k])}`);
  }
  const sectors = [...sent.sectors].sort().join(',');
  if ((got.sectors || '') !== sectors) bad.push(`sectors: sent ${sectors}, stored ${got.sectors}`);
  if (got.revs !== 1) bad.push(`${got.revs} create revisions`);
  if (got.audits !== 1) bad.push(`${got.audits} audit rows`);
  if (got.docs !== 1) bad.push(`${got.docs} search documents`);
  return bad.join('; ');
}

function figDiff(sent, got) {
  const bad = [];
  for (const k of ['employees', 'revenue_eur', 'exports_eur', 'rnd_eur', 'source']) {
    if (got[k] !== sent[k]) bad.push(`${k}: sent ${sent[k]}, stored ${got[k]}`);
  }
  if (got.rate_e4 !== null) bad.push(`rate_e4 ${got.rate_e4} for EUR input`);
  if (got.audits !== 1) bad.push(`${got.audits} audit rows`);
  return bad.join('; ');
}

// Compares the records with the database: returns counts, fails on a loss.
function verify(prefix, log) {
  const { orgs, figs } = storedState(prefix);
  const c = { ack: 0, unknown: 0, unknownPresent: 0, refused: 0, lost: 0 };
  const problems = [];
  const sentOrgs = new Set();
  const sentFigs = new Set();
  for (const e of log) {
    const key = e.kind === 'org' ? e.rec.slug : `${e.rec.slug}/${e.rec.year}`;
    (e.kind === 'org' ? sentOrgs : sentFigs).add(key);
    const got = e.kind === 'org' ? orgs.get(key) : figs.get(key);
    const diff = got && (e.kind === 'org' ? orgDiff(e.rec, got) : figDiff(e.rec, got));
    c[e.outcome]++;
    if (e.outcome === 'ack') {
      if (!got) { c.lost++; problems.push(`acknowledged ${e.kind} ${key} is missing`); }
      else if (diff) { c.lost++; problems.push(`acknowledged ${e.kind} ${key} differs: ${diff}`); }
    } else if (e.outcome === 'unknown') {
      if (got) c.unknownPresent++;
      if (got && diff) problems.push(`unacknowledged ${e.kind} ${key} is visible but partial: ${diff}`);
    } else if (e.outcome === 'refused' && got) {
      problems.push(`refused ${e.kind} ${key} (${e.status}) is stored anyway`);
    }
  }
  // pieces of a write without the write: a revision, audit row or search
  // document of an entry that is not there, an audit row of a figures row
  // that is not there (nothing is deleted in these tests)
  const [orphans] = sql(`SELECT
      (SELECT count(*) FROM org_revision WHERE org_id NOT IN (SELECT id FROM org)) AS revisions,
      (SELECT count(*) FROM audit WHERE entity = 'org' AND entity_id NOT IN (SELECT id FROM org)) AS org_audits,
      (SELECT count(*) FROM search_doc WHERE kind = 'org' AND ref NOT IN (SELECT id FROM org)) AS search_docs,
      (SELECT count(*) FROM search_fts WHERE rowid NOT IN (SELECT id FROM search_doc)) AS fts_rows,
      (SELECT count(*) FROM audit WHERE entity = 'figure' AND entity_id NOT IN (SELECT id FROM org_figure)) AS figure_audits`);
  for (const [k, v] of Object.entries(orphans)) if (v) problems.push(`${v} ${k} without their entry or figures row`);
  for (const k of orgs.keys()) if (!sentOrgs.has(k)) problems.push(`entry ${k} stored but never sent`);
  for (const k of figs.keys()) if (!sentFigs.has(k)) problems.push(`figures ${k} stored but never sent`);
  return { c, problems };
}

// --- modes ------------------------------------------------------------------------------

async function crash() {
  const kills = Number(opt.kills);
  const writers = Number(opt.writers);
  const minMs = Number(opt['min-ms']);
  const maxMs = Number(opt['max-ms']);
  const prefix = `crash${Date.now().toString(36)}`;
  let srv = await startServer();
  const session = await login(srv.url);

  let url = srv.url;
  let wake = null; // resolves when the server is back
  let upPromise = Promise.resolve(url);
  let done = false;
  const getUrl = () => (done ? Promise.resolve(null) : upPromise);
  const log = [];
  const tasks = Array.from({ length: writers }, (_, w) => makeWriter(prefix, w, log, session, getUrl, () => done));
  let failed = null;
  const watch = Promise.all(tasks).catch((e) => { failed = e; });

  const t0 = Date.now();
  let pgKills = 0;
  for (let k = 1; k <= kills && !failed; k++) {
    await sleep(rand(minMs, maxMs));
    if (opt['pg-dir'] && k % 2 === 0 && k < kills) {
      // the database dies instead: immediate shutdown (no checkpoint; the
      // WAL, fsync on, is all there is), restarted at once; the app
      // server reconnects
      const r = await new Promise((res) => {
        const p = spawn('bash', [new URL('../pg/pg_temp.sh', import.meta.url).pathname, 'restart-immediate', opt['pg-dir']],
          { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => { err += d; });
        p.on('exit', (code) => res({ code, err }));
      });
      if (r.code !== 0) fail(`PostgreSQL did not restart: ${r.err}`);
      pgKills++;
      continue;
    }
    upPromise = new Promise((res) => { wake = res; });
    srv.proc.kill('SIGKILL');
    const r = await srv.exited;
    if (r.signal !== 'SIGKILL') fail(`server ended by itself before kill ${k}: ${r.code}\n${srv.log().slice(-2000)}`);
    if (k === kills) break;
    srv = await startServer(); // recovers the WAL left by the kill
    url = srv.url;
    wake(url);
  }
  done = true;
  wake?.(null);
  await watch;
  if (failed) throw failed;
  const seconds = (Date.now() - t0) / 1000;

  // restart once more: it must come up on the crashed database and serve
  // what was acknowledged; then a clean stop
  srv = await startServer();
  const lastAck = [...log].reverse().find((e) => e.outcome === 'ack' && e.kind === 'org');
  if (lastAck) {
    const g = await send(`${srv.url}/api/v1/orgs/${lastAck.rec.slug}`, {});
    if (g.status !== 200) fail(`GET of acknowledged entry ${lastAck.rec.slug} after restart: ${g.status ?? g.code}`);
  }
  await stopServer(srv);
  checkSanitizer();

  const { c, problems } = verify(prefix, log);
  const orgsAck = log.filter((e) => e.outcome === 'ack' && e.kind === 'org').length;
  const figsAck = c.ack - orgsAck;
  console.log(`crash: ${opt['pg-dir'] ? `PostgreSQL, ${kills - pgKills} app server kills (SIGKILL) and ${pgKills} of PostgreSQL (immediate)` : `synchronous=${opt['sync-normal'] ? 'NORMAL' : 'FULL'}, ${kills} kills (SIGKILL`} ${minMs}-${maxMs} ms after ready), ${writers} writers, in ${seconds.toFixed(1)} s`);
  console.log(`crash: ${c.ack} writes acknowledged (${orgsAck} entries over the API, ${figsAck} figures over the form), ${c.unknown} unknown (${c.unknownPresent} of them stored, whole), ${c.refused} refused (503), ${c.lost} lost`);
  if (problems.length) fail(`${problems.length} problems:\n  ${problems.slice(0, 30).join('\n  ')}`);
  if (c.ack === 0) fail('no write was acknowledged: the test proved nothing');
  if (c.lost) fail(`${c.lost} acknowledged writes lost`);
}

async function bench() {
  const seconds = Number(opt.seconds);
  const writers = Number(opt.writers);
  const srv = await startServer();
  const session = await login(srv.url);
  const prefix = `bench${Date.now().toString(36)}`;
  const log = [];
  let done = false;
  const t0 = Date.now();
  const tasks = Array.from({ length: writers }, (_, w) => makeWriter(prefix, w, log, session, async () => srv.url, () => done));
  await sleep(seconds * 1000);
  done = true;
  await Promise.all(tasks);
  const elapsed = (Date.now() - t0) / 1000;
  await stopServer(srv);
  checkSanitizer();
  const acks = log.filter((e) => e.outcome === 'ack').length;
  if (log.some((e) => e.outcome !== 'ack')) fail('a write was not acknowledged in the benchmark');
  const { problems } = verify(prefix, log);
  if (problems.length) fail(problems.slice(0, 10).join('\n'));
  console.log(`bench: synchronous=${opt['sync-normal'] ? 'NORMAL' : 'FULL'} ${writers} writers ${elapsed.toFixed(1)} s: ${acks} writes acknowledged, ${(acks / elapsed).toFixed(0)} writes/s`);
}

// --- disk full ---------------------------------------------------------------------------

function fillDisk(path) {
  // fill with 1 MiB blocks, then smaller ones, until ENOSPC at 4 KiB
  const fd = openSync(path, 'w');
  let total = 0;
  for (let size = 1 << 20; size >= 4096; size >>= 2) {
    const b = Buffer.alloc(size, 0x5a);
    for (;;) {
      try { total += writeSync(fd, b); } catch (e) {
        if (e.code !== 'ENOSPC') throw e;
        break;
      }
    }
  }
  closeSync(fd);
  return total;
}

function dirUsage(dir) {
  return readdirSync(dir).map((f) => `${f} ${statSync(join(dir, f)).size}`).join(', ');
}

async function diskfull() {
  const srv = await startServer();
  const filler = join(opt.dir, 'filler');
  let ok = false;
  let st;
  try {
    st = await diskfullSteps(srv);
    // 4. SIGTERM while the disk is full: a clean exit 0 (the checkpoint
    //    of the last close may fail; the WAL keeps everything), and a
    //    restart once there is room serves everything acknowledged
    fillDisk(filler);
    const rec = newOrg(`${st.prefix}-0-stop`);
    const w = await postOrg(srv.url, st.session, rec);
    if (w.outcome !== 'ack' && w.r.status !== 503) fail(`write before stopping on a full disk: ${w.r.status ?? w.r.code}`);
    st.log.push({ kind: 'org', rec, outcome: w.outcome, status: w.r.status });
    ok = true;
  } finally {
    if (!ok) try { unlinkSync(filler); } catch { /* none */ }
  }
  await stopServer(srv);
  const cause = srv.log().split('\n').find((l) => /\(disk full\)/.test(l));
  if (!cause) fail(`the server did not log "disk full" as the cause of the 503s:\n${srv.log().slice(-1500)}`);
  unlinkSync(filler);
  const again = await startServer();
  const g = await send(`${again.url}/api/v1/orgs/${st.lastSlug}`, {});
  if (g.status !== 200) fail(`after a stop on a full disk and a restart, GET of an acknowledged entry: ${g.status ?? g.code}`);
  await stopServer(again);
  checkSanitizer();
  const { c, problems } = verify(st.prefix, st.log);
  if (problems.length) fail(`after a stop on a full disk: ${problems.length} problems:\n  ${problems.slice(0, 30).join('\n  ')}`);
  console.log(`diskfull: SIGTERM on a full disk: exit 0; restarted with room: all ${c.ack} acknowledged writes there, none of the ${c.refused} refused`);
  console.log(`diskfull: logged: ${cause.trim().slice(0, 200)}`);
}

// The text of the page's <main>, or of the body.
function pageText(html) {
  const m = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html);
  return (m ? m[1] : html).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

async function diskfullSteps(srv) {
  const url = srv.url;
  const session = await login(url);
  const prefix = `full${Date.now().toString(36)}`;
  const log = [];
  let n = 0;
  let year = 2000;
  // a little data before the disk fills, so there is an entry to read
  const first = newOrg(`${prefix}-0-${++n}`);
  const w = await postOrg(url, session, first);
  if (w.outcome !== 'ack') fail(`first write before filling: ${w.r.status} ${w.r.text}`);
  log.push({ kind: 'org', rec: first, outcome: 'ack' });
  let target = first.slug;
  // optionally enough writes first that the WAL passes 1000 pages and is
  // checkpointed: the next writes then reuse the WAL from its start, and
  // the checkpoints must grow the database file on the full disk
  for (let i = 0; i < Number(opt.prefill); i++) {
    const rec = newOrg(`${prefix}-0-${++n}`);
    rec.description_en = 'prefill '.repeat(1000).trim();
    const p = await postOrg(url, session, rec);
    if (p.outcome !== 'ack') fail(`prefill write ${i}: ${p.r.status ?? p.r.code} ${String(p.r.text).slice(0, 300)}`);
    log.push({ kind: 'org', rec, outcome: 'ack' });
  }
  if (Number(opt.prefill)) console.log(`diskfull: ${opt.prefill} entries written first; files: ${dirUsage(opt.dir)}`);

  const reads = ['/', '/orgs', `/orgs/${first.slug}`, '/api/v1/orgs', `/api/v1/orgs/${first.slug}`, '/figures'];
  const readAll = async (when) => {
    for (const p of reads) {
      const g = await send(url + p, {});
      if (g.status !== 200) fail(`read ${p} ${when}: ${g.status ?? g.code}`);
    }
    const acc = await send(`${url}/account`, { headers: { Cookie: session.cookie } });
    if (acc.status !== 200) fail(`a logged-in read (/account) ${when}: ${acc.status ?? acc.code}`);
  };

  // One write of each kind in turn (an entry over the API, a figures row
  // over the form) until both were refused, or until maxAcks in a row were
  // acknowledged. Entries get long descriptions so one transaction spans
  // many WAL pages and the WAL runs out of room in the middle of a commit.
  const writeUntilRefused = async (when, maxTries, mustRefuse = true) => {
    const seen = { org: null, figure: null };
    let acks = 0;
    for (let i = 0; i < maxTries && (!seen.org || !seen.figure); i++) {
      // each (entry, year) is written once (verify counts one audit row per
      // figures row): when the entry's years run out while entries are
      // refused, the next figures write waits for a new entry
      const kind = i % 2 && year <= 2024 ? 'figure' : 'org';
      let rec;
      if (kind === 'org') {
        rec = newOrg(`${prefix}-0-${++n}`);
        rec.description_en = `${rec.description_en} ${'lorem ipsum dolor '.repeat(rand(50, 500))}`.trim();
      } else {
        rec = newFigure(target, year);
        year++;
      }
      const { r, outcome: out } = kind === 'org' ? await postOrg(url, session, rec) : await postFigure(url, session, rec);
      if (out === 'unknown' || out === 'notsent') fail(`${kind} write ${when}: no response (${r.code}); did the server crash?`);
      log.push({ kind, rec, outcome: out, status: r.status });
      if (out === 'ack') {
        acks++;
        if (kind === 'org') { target = rec.slug; year = 2000; }
        continue;
      }
      if (r.status !== 503) fail(`${kind} write ${when}: ${r.status}, expected 503:\n${r.text.slice(0, 600)}`);
      const type = r.headers.get('content-type') || '';
      if (kind === 'org') {
        let body = null;
        try { body = JSON.parse(r.text); } catch { /* checked below */ }
        if (!/^application\/json/.test(type) || !body?.error?.message) fail(`API 503 is not a JSON error: ${type} ${r.text.slice(0, 300)}`);
        seen.org = `${body.error.code}: ${body.error.message}`;
      } else {
        if (!/^text\/html/.test(type) || !/<html/i.test(r.text)) fail(`form 503 is not an HTML page: ${type}`);
        seen.figure = pageText(r.text);
      }
      if (i % 4 < 2) await readAll(when); // reads keep working meanwhile
    }
    // Both kinds are written in turn; after a full disk the server reclaims
    // the write-ahead log before each write (db_begin_write), so a small
    // write may keep fitting where a larger one is refused: at least one
    // refusal shows the disk full, and every refusal was checked above.
    if (mustRefuse && !seen.org && !seen.figure) fail(`${when}: no 503 after ${maxTries} writes (${acks} acknowledged): did the disk fill?`);
    return { ...seen, acks, refused: log.filter((e) => e.outcome === 'refused').length };
  };

  // 1. no room at all
  const filler = join(opt.dir, 'filler');
  const filled = fillDisk(filler);
  console.log(`diskfull: filled ${(filled / 1048576).toFixed(2)} MiB; files: ${dirUsage(opt.dir)}`);
  // a log that a checkpoint let start over has room for many writes before
  // the disk is met (with 250 entries written first, about 4 MiB)
  const a = await writeUntilRefused('on a full disk', 200);
  console.log(`diskfull: full disk: both kinds refused with 503 (${a.refused} refused, ${a.acks} acknowledged before)`);
  console.log(`diskfull: API 503: ${a.org ?? '(every API write fitted)'}`);
  console.log(`diskfull: form 503 page says: ${(a.figure ?? '(every form write fitted)').slice(0, 200)}`);
  await readAll('on a full disk');
  console.log(`diskfull: reads on a full disk: ${reads.length + 1} pages answered 200 (${reads.join(' ')} /account)`);

  // 2. a little room: some writes fit, then the WAL grows into the full
  //    disk, in the middle of a commit
  truncateSync(filler, Math.max(0, statSync(filler).size - 160 * 1024));
  // with the log reclaimed before each write, 160 KiB may hold them all
  const b = await writeUntilRefused('as the WAL fills the last 160 KiB', 200, false);
  console.log(`diskfull: 160 KiB freed: ${b.acks} writes acknowledged, then refused again with 503 (${b.refused - a.refused} refused); files: ${dirUsage(opt.dir)}`);
  await readAll('on a full disk');

  // 3. space freed: writes resume without a restart
  unlinkSync(filler);
  let resumed = 0;
  for (let i = 0; i < 20; i++) {
    const kind = i % 2 ? 'figure' : 'org';
    const rec = kind === 'org' ? newOrg(`${prefix}-0-${++n}`) : newFigure(target, year);
    if (kind === 'figure') year = year >= 2024 ? 2000 : year + 1;
    const { r, outcome: out } = kind === 'org' ? await postOrg(url, session, rec) : await postFigure(url, session, rec);
    log.push({ kind, rec, outcome: out, status: r.status });
    if (out !== 'ack') fail(`${kind} write after freeing space: ${r.status ?? r.code} ${String(r.text).slice(0, 300)}`);
    if (kind === 'org') target = rec.slug;
    resumed++;
  }
  await readAll('after freeing space');
  const { c, problems } = verify(prefix, log);
  if (problems.length) fail(`${problems.length} problems:\n  ${problems.slice(0, 30).join('\n  ')}`);
  console.log(`diskfull: space freed: ${resumed} writes acknowledged without a restart; in the database: all ${c.ack} acknowledged writes, none of the ${c.refused} refused`);
  return { prefix, session, log, lastSlug: target };
}

// --- main ----------------------------------------------------------------------------------

const modes = { crash, bench, diskfull };
const mode = modes[positionals[0]];
if (!mode || !opt.db) {
  console.error('usage: node tests/reliability/writer.mjs crash|bench|diskfull --bin B --db D --email E --password P ...');
  process.exit(2);
}
try {
  await mode();
} catch (e) {
  console.log(`FAIL: ${e instanceof Fail ? e.message : e.stack}`);
  if (current && current.exitCode === null && current.signalCode === null) current.kill('SIGKILL');
  const tail = allStderr.split('\n').filter((l) => !/ access /.test(l)).slice(-15).join('\n  ');
  if (tail.trim()) console.log(`server log (last lines, access lines left out):\n  ${tail}`);
  process.exit(1);
}
