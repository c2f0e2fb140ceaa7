// lib.mjs: start the real `scan` binary on a free loopback port for tests.
//
// startServer() creates a fresh database in a temp folder (scan init),
// starts `scan serve --listen 127.0.0.1:0 --test-routes`, waits for the
// "listening on http://127.0.0.1:PORT/" line and returns a handle. stop()
// sends SIGTERM and resolves with the exit code and everything the server
// wrote to stderr; it fails the test if a sanitizer reported anything.
//
// With env SCAN_HTML_DUMP=DIR (tests/run.sh sets it), every text/html
// response that a test receives through fetch(), or that a Chromium driven
// by playwright-core loads in a test that imported playwright-core before
// this file, is also saved as DIR/<sha1 of body>.html (identical pages once)
// with a line "<file> <method> <url> <status>" in DIR/index.txt, for
// tests/validate/html.sh. The tests see the same responses as without it.
//
// With env SCAN_TEST_PG=URL (a PostgreSQL server's URL, e.g. SCAN_PG_URL of
// tests/pg/pg_temp.sh; tests/pg/http.sh sets it), every database is a
// PostgreSQL database on that server instead of a file: a database path a
// test names (SQLite file path) stands for a database scan_t_<hash of the
// path>, made at its first use by scan(), scanIn(), sqliteIn() or
// startServer({ dbPath }) and dropped when the test process exits; a server
// started without dbPath gets a database of its own, dropped at stop().
// sqliteIn() runs its SQL with psql there (-At: the same '|'-separated
// lines; booleans come back as t/f).
//
// With env SCAN_TEST_TEMPLATES=DIR (tests/run.sh and tests/pg/http.sh set
// it), a server started without dbPath gets a copy of a database that
// `scan init` (with --demo or without) made once for the whole run, not an
// init of its own: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on
// PostgreSQL. An init cost 1.6 s of CPU under the sanitizers on SQLite
// and 3 s on PostgreSQL, for each of the hundreds of servers a run
// starts; `scan init` itself is tested by the files that call it. A
// template is made per binary and UTC day (the demo's dates are relative
// to today); processes that make one at once each rename a whole one
// into place.
import childProcess, { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';

const DUMP = process.env.SCAN_HTML_DUMP;

function dumpPage(method, url, status, body) {
  if (!body) return; // HEAD, 204, 304: no page to check
  const file = `${createHash('sha1').update(body).digest('hex')}.html`;
  const path = join(DUMP, file);
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, body);
    renameSync(tmp, path);
  }
  appendFileSync(join(DUMP, 'index.txt'), `${file} ${method} ${url} ${status}\n`);
}

const isHtml = (type) => /^\s*text\/html\b/i.test(type || '');

if (DUMP && !globalThis.fetch[Symbol.for('scan.htmlDump')]) {
  mkdirSync(DUMP, { recursive: true });
  const realFetch = globalThis.fetch;
  const wrapped = async function fetch(input, init) {
    const res = await realFetch(input, init);
    if (isHtml(res.headers.get('content-type'))) {
      const method = (init?.method || (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const url = res.url || String(input instanceof Request ? input.url : input);
      // not awaited: a test that never reads (or aborts) the body must see
      // the same timing as without the hook
      res.clone().text().then((body) => dumpPage(method, url, res.status, body), () => {});
    }
    return res;
  };
  wrapped[Symbol.for('scan.htmlDump')] = true;
  globalThis.fetch = wrapped;

}

// Browser tests (when the test loaded playwright-core before this file):
// every context's HTML responses are saved as above (SCAN_HTML_DUMP), and
// a page screenshot that Chromium refuses with "Unable to capture
// screenshot" is asked for again, up to twice: a known transient refusal
// of headless Chromium under load (the same picture comes a moment later),
// which failed a CI run's screenshot, not a check.
{
  const require = createRequire(import.meta.url);
  let pwId = null;
  try { pwId = require.resolve('playwright-core'); } catch { /* not installed */ }
  const pw = pwId && require.cache[pwId]?.exports;
  const retryShots = (page) => {
    const proto = Object.getPrototypeOf(page);
    if (proto[Symbol.for('scan.shotRetry')]) return;
    const real = proto.screenshot;
    proto.screenshot = async function screenshot(...args) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await real.apply(this, args);
        } catch (e) {
          if (attempt >= 3 || !/Unable to capture screenshot/.test(String(e?.message))) throw e;
          await new Promise((res) => setTimeout(res, 250 * attempt));
        }
      }
    };
    proto[Symbol.for('scan.shotRetry')] = true;
  };
  if (pw?.chromium && !pw.chromium.launch[Symbol.for('scan.hooked')]) {
    const launch = pw.chromium.launch.bind(pw.chromium);
    const hooked = async (...args) => {
      const browser = await launch(...args);
      const hookContext = (context) => {
        if (DUMP) {
          context.on('response', (r) => {
            if (!isHtml(r.headers()['content-type'])) return;
            const { url, status, method } = { url: r.url(), status: r.status(), method: r.request().method() };
            r.text().then((body) => dumpPage(method, url, status, body), () => {});
          });
        }
        context.on('page', retryShots);
        return context;
      };
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...opts) => hookContext(await newContext(...opts));
      const newPage = browser.newPage.bind(browser);
      browser.newPage = async (...opts) => {
        const page = await newPage(...opts);
        retryShots(page);
        return page;
      };
      return browser;
    };
    hooked[Symbol.for('scan.hooked')] = true;
    pw.chromium.launch = hooked;
  }
}

export const SCAN = resolve(process.env.SCAN_BIN || 'build-asan/scan');

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/;

// --- PostgreSQL mode (SCAN_TEST_PG) -------------------------------------------

export const PG = process.env.SCAN_TEST_PG || '';
const pgMade = new Set(); // database names this process created

// url with its database name replaced: postgresql://user@host/NAME?params
function pgUrlOf(name) {
  const m = /^(postgres(?:ql)?:\/\/[^/?]*\/)([^?]*)(.*)$/.exec(PG);
  assert.ok(m, `SCAN_TEST_PG is not a postgresql://user@host/db URL: ${PG}`);
  return `${m[1]}${name}${m[3]}`;
}

function psql(url, sql) {
  return spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-d', url, '-c', sql],
    { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
}

// A new database `name`, empty or a copy of database `template`.
function pgCreate(name, template = '') {
  const sql = `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`;
  const r = psql(PG, sql);
  assert.equal(r.status, 0, `${sql}: ${r.stderr}`);
  pgMade.add(name);
}

function pgDrop(name) {
  psql(PG, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  pgMade.delete(name);
}

if (PG) process.on('exit', () => { for (const n of [...pgMade]) pgDrop(n); });

// The database a test's database path stands for: the path itself on
// SQLite; in PostgreSQL mode the URL of a database made for that path.
export function dbUrl(path) {
  if (!PG || /^postgres(ql)?:\/\//.test(path)) return path;
  const name = `scan_t_${createHash('sha1').update(resolve(path)).digest('hex').slice(0, 16)}`;
  if (!pgMade.has(name)) pgCreate(name);
  return pgUrlOf(name);
}

// A synchronous child blocks the event loop. A keep-alive connection that
// the server closed meanwhile (its idle timeout, 30 s; reached under load
// after a few CLI calls in a row) is then picked for the next request
// before its close is seen, and that request fails with "fetch failed"
// (hostile.test.mjs's setup did, once, in a two-files-at-once run). After
// each synchronous child, requests take new connections: every test file
// imports this module, so the synchronous calls of child_process are
// wrapped here once (syncBuiltinESMExports updates the files' named
// imports too).
const DISPATCHER = Symbol.for('undici.globalDispatcher.1');
export function freshConnections() {
  const old = globalThis[DISPATCHER];
  if (!old) return;
  globalThis[DISPATCHER] = new old.constructor();
  old.close().catch(() => {});
}
for (const name of ['spawnSync', 'execFileSync', 'execSync']) {
  const real = childProcess[name];
  if (real[Symbol.for('scan.fresh')]) continue;
  const wrapped = function (...args) {
    try { return real.apply(this, args); } finally { freshConnections(); }
  };
  wrapped[Symbol.for('scan.fresh')] = true;
  childProcess[name] = wrapped;
}
syncBuiltinESMExports();

export function scan(args, opts = {}) {
  const a = args.map((x, i) => (i > 0 && args[i - 1] === '--db' ? dbUrl(x) : x));
  return spawnSync(SCAN, a, { encoding: 'utf8', ...opts });
}

// SCAN_TEST_PROXY=1 (tests/cluster/run.sh): each server a test starts is two
// app servers on one database behind the shipped nginx site
// (tests/cluster/proxy.mjs); url and port are the proxy's.
export async function startServer(opts = {}) {
  if (!process.env.SCAN_TEST_PROXY) return startOne(opts);
  const { behindProxy } = await import('../cluster/proxy.mjs');
  return behindProxy(opts, startOne);
}

const TEMPLATES = process.env.SCAN_TEST_TEMPLATES || '';

// The name of this run's template for `demo`: binary, its build and the day.
function templateKey(demo) {
  const st = statSync(SCAN);
  const bin = createHash('sha1').update(`${SCAN} ${st.size} ${st.mtimeMs}`).digest('hex').slice(0, 10);
  return `${demo ? 'demo' : 'empty'}_${new Date().toISOString().slice(0, 10).replace(/-/g, '')}_${bin}`;
}

function initInto(db, demo) {
  const init = scan(['init', '--db', db, ...(demo ? ['--demo'] : [])]);
  assert.equal(init.status, 0, `scan init failed: ${init.stderr}`);
}

// A fresh SQLite file at path from the run's template (made first if need be).
function fromFileTemplate(path, demo) {
  mkdirSync(TEMPLATES, { recursive: true });
  const tpl = join(TEMPLATES, `${templateKey(demo)}.db`);
  if (!existsSync(tpl)) {
    const tmp = mkdtempSync(join(TEMPLATES, 'making-'));
    initInto(join(tmp, 'scan.db'), demo);
    renameSync(join(tmp, 'scan.db'), tpl);
    rmSync(tmp, { recursive: true, force: true });
  }
  copyFileSync(tpl, path);
}

// A fresh PostgreSQL database `name` from the run's template database.
function fromPgTemplate(name, demo) {
  const tpl = `scan_tpl_${templateKey(demo)}`;
  if (psql(PG, `SELECT 1 FROM pg_database WHERE datname = '${tpl}'`).stdout.trim() !== '1') {
    const making = `scan_mk_${process.pid}_${Date.now()}`;
    pgCreate(making);
    initInto(pgUrlOf(making), demo);
    // another process may have put one in place meanwhile: keep theirs
    if (psql(PG, `ALTER DATABASE ${making} RENAME TO ${tpl}`).status === 0) pgMade.delete(making);
    else pgDrop(making);
  }
  pgCreate(name, tpl);
}

async function startOne({ args = [], env = {}, demo = false, dbPath } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'scan-test-'));
  let own = ''; // PostgreSQL mode: the database made for this server alone
  if (PG && !dbPath) {
    own = `scan_s_${process.pid}_${createHash('sha1').update(dir).digest('hex').slice(0, 12)}`;
    if (TEMPLATES) fromPgTemplate(own, demo);
    else pgCreate(own);
  }
  const db = own ? pgUrlOf(own) : dbUrl(dbPath || join(dir, 'scan.db'));
  if (!TEMPLATES || dbPath) initInto(db, demo);
  else if (!PG) fromFileTemplate(db, demo);
  const proc = spawn(SCAN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--test-routes', ...args], {
    // the weekly digest job stays off unless a test turns it on
    // (SCAN_DIGEST_OFF: '0'): its mail would mix into other tests' outboxes
    env: { SCAN_DIGEST_OFF: '1', ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${stderr}`)), 15000);
    proc.stderr.on('data', (d) => {
      stderr += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    exited.then(({ code }) => { clearTimeout(timer); rej(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, proc, dir, db,
    log: () => stderr,
    stdout: () => stdout,
    async stop({ keep = false } = {}) {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const r = await exited;
      if (!keep) rmSync(dir, { recursive: true, force: true });
      if (!keep && own) pgDrop(own);
      // SCAN_TEST_SERVER_LOG=FILE: every server's log appended (tests/pg/http.sh)
      if (process.env.SCAN_TEST_SERVER_LOG) appendFileSync(process.env.SCAN_TEST_SERVER_LOG, stderr);
      assert.doesNotMatch(stderr, SANITIZER, `sanitizer report in server log:\n${stderr}`);
      return { ...r, stderr };
    },
  };
}

// Logs in through the form as email and returns { cookie, csrf } of the
// session (the CSRF token from the account page). With lang, logs in
// through /login?lang=LANG (saved as the person's mail language); the
// language cookie that sets is left out of the session's cookie.
export async function login(url, email, password, { lang } = {}) {
  const res = await fetch(lang ? `${url}/login?lang=${lang}` : `${url}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url },
    body: new URLSearchParams({ email, password }).toString(),
  });
  await res.text();
  assert.equal(res.status, 303, `login ${email}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0])
    .filter((c) => !lang || !c.startsWith('lang=')).join('; ');
  const page = await (await fetch(`${url}/account`, { headers: { Cookie: cookie } })).text();
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  assert.ok(m, 'the account page carries a _csrf field');
  return { cookie, csrf: m[1] };
}

// Creates an API token (scope 'read' or 'write') on the account page, as a
// user would, and returns its secret (shown once).
export async function makeToken(url, session, scope, name = `test ${scope}`) {
  const res = await fetch(`${url}/account/tokens`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url, Cookie: session.cookie },
    body: new URLSearchParams({ name, scope, _csrf: session.csrf }).toString(),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `token create: ${text.slice(0, 300)}`);
  const m = /id="new-token"[^>]*value="([^"]+)"/.exec(text);
  assert.ok(m, 'the new token is shown once');
  return m[1];
}

// --- fixtures the test files share ---------------------------------------

// Runs one SQL statement on the database file db with the sqlite3 shell
// (waiting up to 5 s for the server's lock) and returns its output,
// trimmed; fails the test when sqlite3 fails.
export function sqliteIn(db, sql) {
  if (PG) {
    const r = psql(dbUrl(db), sql);
    assert.equal(r.status, 0, `psql failed: ${r.stderr}`);
    return r.stdout.trim();
  }
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

// Runs SQL (one or more statements) on the database db as sqliteIn does
// and returns the spawnSync result ({ status, stdout, stderr }) for the
// caller to judge: the sqlite3 shell on SQLite, psql in PostgreSQL mode.
export function sqliteRun(db, sql) {
  if (PG) return psql(dbUrl(db), sql);
  return spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' });
}

// Runs `scan ARGS --db db` (input on stdin when given), fails the test
// unless it exits 0, and returns the spawnSync result.
export function scanIn(db, args, input) {
  const r = scan([...args, '--db', db], input === undefined ? {} : { input });
  assert.equal(r.status, 0, `scan ${args.join(' ')}: ${r.stderr}`);
  return r;
}

// Adds NAME@example.com for each [name, role, org, extra] of people with
// the password (role and org may be null: no role; extra: more `user add`
// flags such as '--editor'), failing the test on any refusal.
export function addPeople(db, password, people) {
  for (const [name, role, org, extra = []] of people) {
    scanIn(db, ['user', 'add', `${name}@example.com`, '--name', name, '--password-stdin', ...extra], `${password}\n`);
    if (role) scanIn(db, ['user', 'role', `${name}@example.com`, role, '--org', org]);
  }
}

// Gives NAME@example.com a current ROLE affiliation with the entry SLUG
// straight in the database, as older data holds them: a "manager" of an
// entry that is no cluster or cluster initiative, which `scan user role`
// and invitations no longer grant (it gives no rights, rights.h).
export function addOldAffiliation(db, name, role, slug) {
  sqliteIn(db, `INSERT INTO affiliation(person_id, org_id, role, started_at)
    SELECT p.id, o.id, '${role}', 0 FROM person p, org o WHERE p.email = '${name}@example.com' AND o.slug = '${slug}'`);
  assert.equal(sqliteIn(db, `SELECT count(*) FROM affiliation f JOIN person p ON p.id = f.person_id
    JOIN org o ON o.id = f.org_id WHERE p.email = '${name}@example.com' AND o.slug = '${slug}' AND f.ended_at IS NULL`), '1');
}

// One agent per person of addPeople, logged in on first use: as(name)
// gives name@example.com's agent (with password), the same one after.
export function agentsOf(url, password) {
  const who = {};
  return async (name) => (who[name] ||= await loginAgent(url, `${name}@example.com`, password));
}

// The answer to a repeated anonymous GET that comes from the page cache:
// get() (an answer with headers) is asked until one answer is a hit
// (X-Scan-Cache), at most once more than srv has app servers, and that
// hit is returned, else the last answer. Each app server keeps its own
// page cache: on one server the first repeat is the hit; behind the proxy
// (tests/cluster: srv.direct, the servers' own URLs) a repeat may reach a
// server that has not rendered the page yet, and is then rendered there.
export async function cachedAnswer(srv, get) {
  let res;
  for (let i = 0; i <= (srv.direct?.length ?? 1); i++) {
    res = await get();
    if (res.headers.get('x-scan-cache') === 'hit') return res;
  }
  return res;
}

// An anonymous GET of path, redirects not followed: { status, text }.
export async function anonGet(url, path) {
  const res = await fetch(url + path, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

// Logs in as email (with lang: through /login?lang=LANG, which also saves
// it as the person's mail language) and returns an agent: get(path),
// post(path, form) with the session's CSRF token (an array value sends
// the field once per element), json(method, path, body) for the API, and
// the session { cookie, csrf }. Each answer is { status, text, location };
// redirects are not followed.
export async function loginAgent(url, email, password, { lang } = {}) {
  const s = await login(url, email, password, { lang });
  const send = async (method, path, { form, json } = {}) => {
    const headers = { Cookie: s.cookie, Origin: url };
    let body;
    if (form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(form))
        for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      p.append('_csrf', s.csrf);
      body = p.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (json) {
      body = JSON.stringify(json);
      headers['Content-Type'] = 'application/json';
      headers['X-CSRF-Token'] = s.csrf;
    }
    const res = await fetch(url + path, { method, headers, body, redirect: 'manual' });
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  };
  return {
    session: s,
    get: (path) => send('GET', path),
    post: (path, form = {}) => send('POST', path, { form }),
    json: (method, path, body) => send(method, path, { json: body }),
  };
}

// A client that keeps its cookies like a browser (a Max-Age=0 cookie is
// dropped) and sends Origin on everything but GET: req(method, path,
// { form | multipart }) answers { status, headers, buf, text, location }
// without following redirects; post() and postFile() add the _csrf field
// once csrf is set (postFile sends file as a multipart upload named
// name, of type type).
export class CookieAgent {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
  }

  async req(method, path, { form, multipart } = {}) {
    const headers = {};
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (multipart) {
      body = multipart;
    }
    if (method !== 'GET') headers.Origin = this.base;
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const sc of res.headers.getSetCookie()) {
      const pair = sc.split(';')[0];
      const i = pair.indexOf('=');
      if (/Max-Age=0/i.test(sc)) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const buf = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, buf, text: buf.toString('utf8'), location: res.headers.get('location') };
  }

  get(path) { return this.req('GET', path); }

  post(path, form = {}) {
    return this.req('POST', path, { form: this.csrf ? { ...form, _csrf: this.csrf } : form });
  }

  postFile(path, fields, file, name = 'figures.csv', type = 'text/csv') {
    const fd = new FormData();
    if (this.csrf) fd.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (file) fd.append('file', new Blob([file], { type }), name);
    return this.req('POST', path, { multipart: fd });
  }
}

// A one-page PDF with an exact cross-reference table (as demo_agreements.c
// makes the demo's): an agreement's signed document in the tests.
// A PDF of the given objects (1 0 obj, 2 0 obj, ...) with an exact
// cross-reference table and the first as its root.
export function pdfOf(objs) {
  let s = '%PDF-1.7\n';
  const off = [];
  objs.forEach((o, i) => { off.push(s.length); s += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = s.length;
  s += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of off) s += `${String(o).padStart(10, '0')} 00000 n \n`;
  s += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(s, 'latin1');
}

export function tinyPdf(line = 'Signed') {
  const content = `BT /F1 18 Tf 72 760 Td (${line}) Tj ET`;
  return pdfOf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']);
}

// Today's date (YYYY-MM-DD) in Belgrade, the server's "today" for dates a
// person did not give: not the machine's (UTC on CI), which differs from
// 23:00 or 22:00 UTC to midnight.
export function belgradeToday(at = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Belgrade', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
