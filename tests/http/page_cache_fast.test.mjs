// page_cache_fast.test.mjs: anonymous pages answered from the page cache,
// also on the I/O thread without a worker (server_hook_fast, RF_FAST
// routes: /, /orgs, /orgs/{slug}, /search): the cached copy is the page a
// worker renders, with its ETag and 304; a write through this server shows
// on the very next request; a write by another process (the CLI) shows
// within the snapshot's lifetime (versions.h: 100 ms, polled here up to
// 5 s); a logged-in reader or a Bearer token never gets the anonymous copy.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, scan, login, makeToken, scanIn } from './lib.mjs';

const ADMIN = { email: 'cache.admin@example.com', password: 'page cache admin phrase 2026' };
let srv;
let admin;
let token;

function cli(args, input) {
  return scanIn(srv.db, args, input);
}

function importCsv(rows) {
  const p = join(srv.dir, `import-${Date.now()}.csv`);
  writeFileSync(p, 'slug,name,kind,status,district,municipality\r\n' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n');
  cli(['org', 'import', p]);
}

async function get(path, headers = {}) {
  const res = await fetch(srv.url + path, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// Polls fn until it returns true or the deadline passes.
async function until(fn, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  srv = await startServer();
  cli(['user', 'add', ADMIN.email, '--name', 'Cache Admin', '--admin', '--password-stdin'], `${ADMIN.password}\n`);
  admin = await login(srv.url, ADMIN.email, ADMIN.password);
  token = await makeToken(srv.url, admin, 'write');
  importCsv([['fast-company', 'Fast Company d.o.o.', 'company', 'published', 'NISAVSKI', 'Niš']]);
});

after(async () => { await srv.stop(); });

test('a company profile is cached: same bytes and ETag, 304, HEAD', async () => {
  const a = await get('/orgs/fast-company');
  const b = await get('/orgs/fast-company');
  const c = await get('/orgs/fast-company');
  assert.equal(a.status, 200);
  assert.match(a.text, /Fast Company d\.o\.o\./);
  assert.equal(b.text, a.text, 'the cached copy is the page a worker rendered');
  assert.equal(c.text, a.text);
  assert.equal(c.headers.get('etag'), a.headers.get('etag'));
  assert.equal(c.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(c.headers.get('content-security-policy'), /default-src 'self'/);
  const nm = await get('/orgs/fast-company', { 'If-None-Match': a.headers.get('etag') });
  assert.equal(nm.status, 304);
  const head = await fetch(`${srv.url}/orgs/fast-company`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('etag'), a.headers.get('etag'));
});

test('a write through this server shows on the very next anonymous request', async () => {
  for (const path of ['/orgs/fast-company', '/search?q=fast', '/orgs?district=NISAVSKI']) {
    const mark = `Edition${path.length}`; // search highlights "Fast": match the rest
    const name = `Fast Company ${mark}`;
    await get(path);
    const warm = await get(path); // served from the cache
    assert.doesNotMatch(warm.text, new RegExp(mark));
    const res = await fetch(`${srv.url}/api/v1/orgs/fast-company`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    assert.equal(res.status, 200, await res.text());
    const next = await get(path);
    assert.match(next.text, new RegExp(mark), `${path} after the PATCH`);
  }
});

test('a write by another process (the CLI) shows within moments', async () => {
  await get('/orgs/fast-company');
  await get('/orgs/fast-company');
  importCsv([['fast-company', 'Renamed By CLI d.o.o.', 'company', 'published', 'NISAVSKI', 'Niš']]);
  const seen = await until(async () => /Renamed By CLI/.test((await get('/orgs/fast-company')).text));
  assert.ok(seen, 'the profile shows the CLI import');
});

test('a logged-in reader and a Bearer token never get the anonymous copy', async () => {
  for (const path of ['/', '/search?q=fast', '/orgs/fast-company', '/orgs']) {
    await get(path);
    const anon = await get(path);
    assert.equal(anon.status, 200, path);
    assert.doesNotMatch(anon.text, /Cache Admin/, `${path}: the anonymous page names nobody`);
    const mine = await get(path, { Cookie: admin.cookie });
    assert.equal(mine.status, 200, path);
    assert.match(mine.text, /Cache Admin/, `${path}: the user's own page`);
  }
  // an invalid token is refused, not answered from the cache
  const bad = await get('/orgs/fast-company', { Authorization: 'Bearer nope' });
  assert.equal(bad.status, 401);
});

test('the language of a cached page follows ?lang=, the cookie and Accept-Language', async () => {
  const en = await get('/', { 'Accept-Language': 'en' });
  await get('/', { 'Accept-Language': 'sr' });
  const sr = await get('/', { 'Accept-Language': 'sr' });
  assert.match(en.text, /<html lang="en">/);
  assert.match(sr.text, /<html lang="sr-Cyrl">/);
  const latn = await get('/?lang=sr-Latn');
  const latn2 = await get('/?lang=sr-Latn');
  assert.equal(latn2.text, latn.text);
  assert.match(latn2.headers.get('set-cookie') || '', /lang=sr-Latn/, 'the choice is remembered on a hit too');
  const byCookie = await get('/', { Cookie: 'lang=en', 'Accept-Language': 'sr' });
  assert.match(byCookie.text, /<html lang="en">/);
});
