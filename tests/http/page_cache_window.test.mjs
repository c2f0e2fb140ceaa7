// page_cache_window.test.mjs: `scan serve --pg-cache-window MS` (issue 18,
// docs/OPERATIONS.md "Cached pages on PostgreSQL"). On PostgreSQL, with
// three servers on one database: the windowed server answers cached
// anonymous pages without a worker (scan_page_cache_fast_hits_total moves)
// and shows a write through another server within its window (polled
// with a deadline of seconds: late is allowed, never-shown is not); a
// strict server (the default, window 0) answers no page without a worker
// and shows the write on the very next request; the windowed server shows
// its own writes at once and stops with exit code 0 on SIGTERM. Anywhere:
// the option refuses what is not 0 or 10 to 10000 ms (exit 2, before any
// database is touched) and counts fast hits; on SQLite it is accepted and
// ignored (the log says so).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, scanIn, login, makeToken, PG, SCAN } from './lib.mjs';

const ADMIN = { email: 'window.admin@example.com', password: 'cache window admin phrase 2026' };
const WINDOW_MS = 300;
let strict; // window 0: writes go through it
let windowed; // --pg-cache-window WINDOW_MS
let reader; // window 0, reads only
let token;

async function get(srv, path) {
  const res = await fetch(srv.url + path, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function metric(srv, name) {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

// Polls fn until it returns true or ms pass; the time it took, or -1.
async function until(fn, ms = 8000) {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > ms) return -1;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rename(via, name) {
  const res = await fetch(`${via.url}/api/v1/orgs/window-company`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  assert.equal(res.status, 200, await res.text());
}

// A page answered from the cache of srv (a few tries: the first renders it).
async function warm(srv, path) {
  for (let i = 0; i < 5; i++) {
    if ((await get(srv, path)).headers.get('x-scan-cache') === 'hit') return;
  }
  assert.fail(`${path} is never a cache hit on ${srv.url}`);
}

before(async () => {
  strict = await startServer();
  scanIn(strict.db, ['user', 'add', ADMIN.email, '--name', 'Window Admin', '--admin', '--password-stdin'],
    `${ADMIN.password}\n`);
  const csv = join(strict.dir, 'one.csv');
  writeFileSync(csv, 'slug,name,kind,status,district,municipality\r\n' +
    'window-company,Window Company d.o.o.,company,published,NISAVSKI,Niš\r\n');
  scanIn(strict.db, ['org', 'import', csv]);
  const admin = await login(strict.url, ADMIN.email, ADMIN.password);
  token = await makeToken(strict.url, admin, 'write');
  if (!PG) return;
  windowed = await startServer({ dbPath: strict.db, args: ['--pg-cache-window', String(WINDOW_MS)] });
  reader = await startServer({ dbPath: strict.db });
});

after(async () => {
  if (windowed) {
    const { code, stderr } = await windowed.stop();
    assert.equal(code, 0, `the windowed server's exit code\n${stderr}`);
  }
  if (reader) await reader.stop();
  await strict.stop();
});

test('the windowed server answers cached pages without a worker; a strict one never does on PostgreSQL',
  { skip: !PG && 'PostgreSQL only' }, async () => {
    assert.match(windowed.log(), /up to 300 ms behind other servers' writes/);
    for (const srv of [windowed, reader]) {
      await warm(srv, '/orgs/window-company');
      const before = await metric(srv, 'scan_page_cache_fast_hits_total');
      for (let i = 0; i < 20; i++) assert.equal((await get(srv, '/orgs/window-company')).status, 200);
      const moved = (await metric(srv, 'scan_page_cache_fast_hits_total')) - before;
      if (srv === windowed) assert.ok(moved >= 10, `fast hits on the windowed server: ${moved} of 20`);
      else assert.equal(moved, 0, 'a strict server on PostgreSQL asks a worker every time');
    }
  });

test('a write through another server shows on the strict server at once, on the windowed one within its window',
  { skip: !PG && 'PostgreSQL only' }, async (t) => {
    for (const [i, path] of ['/orgs/window-company', '/orgs?district=NISAVSKI', '/search?q=window'].entries()) {
      const mark = `Pane${i}x${Date.now() % 100000}`;
      await warm(windowed, path);
      await warm(reader, path);
      assert.doesNotMatch((await get(windowed, path)).text, new RegExp(mark));
      await rename(strict, `Window Company ${mark}`);
      // strict: the very next request
      assert.match((await get(reader, path)).text, new RegExp(mark), `${path} on the strict server`);
      // windowed: late by up to the window (plus a poll), not required at once
      const took = await until(async () => new RegExp(mark).test((await get(windowed, path)).text));
      assert.ok(took >= 0, `${path}: the windowed server never showed the write`);
      t.diagnostic(`${path}: shown on the windowed server after ${took} ms`);
      // and cached again afterwards, with the new name
      await warm(windowed, path);
      assert.match((await get(windowed, path)).text, new RegExp(mark));
    }
  });

test('a write through the windowed server shows on it at once', { skip: !PG && 'PostgreSQL only' }, async () => {
  const path = '/orgs/window-company';
  for (let i = 0; i < 3; i++) {
    const mark = `Own${i}x${Date.now() % 100000}`;
    await warm(windowed, path);
    await rename(windowed, `Window Company ${mark}`);
    assert.match((await get(windowed, path)).text, new RegExp(mark), 'reads its own write');
    assert.match((await get(reader, path)).text, new RegExp(mark), 'and the strict server too');
  }
});

test('fast hits are counted (SQLite keeps its snapshot without any option)', { skip: PG ? 'SQLite only' : false }, async () => {
  await warm(strict, '/orgs/window-company');
  const before = await metric(strict, 'scan_page_cache_fast_hits_total');
  for (let i = 0; i < 20; i++) await get(strict, '/orgs/window-company');
  const moved = (await metric(strict, 'scan_page_cache_fast_hits_total')) - before;
  assert.ok(moved >= 10, `fast hits: ${moved} of 20`);
});

test('--pg-cache-window refuses what is not 0 or 10 to 10000 ms, before touching any database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scan-window-'));
  try {
    const db = join(dir, 'never.db');
    const bad = [['-5', 'a whole number'], ['abc', 'a whole number'], ['1.5', 'a whole number'],
      ['5', '0 \\(off\\) or 10 to 10000'], ['10001', '0 \\(off\\) or 10 to 10000'],
      ['999999999', 'a whole number']];
    for (const [v, why] of bad) {
      // the file path as it is (lib.mjs's scan() would make a PostgreSQL
      // database for it in PostgreSQL mode): nothing may open it
      const r = spawnSync(SCAN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--pg-cache-window', v],
        { encoding: 'utf8' });
      assert.equal(r.status, 2, `--pg-cache-window ${v}: ${r.stderr}`);
      assert.match(r.stderr, /--pg-cache-window/);
      assert.match(r.stderr, new RegExp(why), r.stderr);
      const e = spawnSync(SCAN, ['serve', '--db', db, '--listen', '127.0.0.1:0'],
        { encoding: 'utf8', env: { ...process.env, SCAN_PG_CACHE_WINDOW: v } });
      assert.equal(e.status, 2, `SCAN_PG_CACHE_WINDOW=${v}: ${e.stderr}`);
      assert.match(e.stderr, /SCAN_PG_CACHE_WINDOW|--pg-cache-window/);
    }
    assert.ok(!existsSync(db), 'no database was created');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on SQLite the option is accepted and ignored, and the log says so', { skip: PG ? 'SQLite only' : false }, async () => {
  const s = await startServer({ args: ['--pg-cache-window', '100'] });
  try {
    assert.equal((await get(s, '/healthz')).status, 200);
    assert.match(s.log(), /--pg-cache-window ignored/);
  } finally {
    const { code } = await s.stop();
    assert.equal(code, 0);
  }
});
