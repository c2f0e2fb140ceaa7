// copy.test.mjs: `scan db copy` (issue 18) moves the demo database from
// SQLite to PostgreSQL and back: every table's row count and checksum
// agree at each step (the command compares them itself, and the checksums
// printed for the first copy's source are the second copy's target's:
// the canonical text of a row is the same on both backends), the copies
// serve the same pages as the original, a non-empty target is refused
// without --force, and new rows on the PostgreSQL copy take ids after the
// copied ones (the sequences moved).
//
//   bash tests/pg/pg_temp.sh run node --test tests/pg/copy.test.mjs
// (SCAN_BIN, default build-asan/scan; SCAN_PG_URL from pg_temp.sh)
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan, startServer } from '../http/lib.mjs';

const PG = process.env.SCAN_PG_URL;
const dir = mkdtempSync(join(tmpdir(), 'scan-copy-'));
const original = join(dir, 'original.db');
const back = join(dir, 'back.db');
const servers = [];

function psql(sql) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', PG, '-c', sql],
    { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// table -> [rows, checksum] of the source, and of the target, from a copy's output
function sums(stdout) {
  const src = {}, dst = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\w+)\s+(\d+)\s+(\d+)\s+([0-9a-f]{16}) ([0-9a-f]{16})$/.exec(line);
    if (m) { src[m[1]] = [m[2], m[4]]; dst[m[1]] = [m[3], m[5]]; }
  }
  return { src, dst };
}

before(() => {
  assert.ok(PG, 'run under tests/pg/pg_temp.sh (SCAN_PG_URL)');
  const init = scan(['init', '--db', original, '--demo']);
  assert.equal(init.status, 0, init.stderr);
});
after(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PAGES = ['/', '/orgs', '/orgs?kind=cluster', '/figures', '/cooperation', '/events', '/calls',
  '/projects', '/positions', '/news', '/map', '/api/v1/orgs?limit=50', '/api/v1/clusters', '/search?q=nis',
  '/search?q=%D0%BA%D0%BB%D0%B0'];

async function bodies(url, extra) {
  const out = {};
  for (const p of [...PAGES, ...extra]) {
    const r = await fetch(`${url}${p}`);
    assert.equal(r.status, 200, `${url}${p}`);
    // the server's own address differs; request ids and timings never
    // appear in a body, and anonymous pages carry no CSRF token
    out[p] = (await r.text()).replaceAll(url, 'URL');
  }
  return out;
}

test('SQLite to PostgreSQL and back: counts and checksums agree, the pages are the same', async () => {
  const there = scan(['db', 'copy', original, PG]);
  assert.equal(there.status, 0, `${there.stdout}\n${there.stderr}`);
  assert.match(there.stdout, /every count and checksum equal/);
  const one = sums(there.stdout);
  const names = Object.keys(one.src);
  assert.ok(names.length > 60, `${names.length} tables copied`);
  for (const t of ['org', 'person', 'audit', 'org_figure', 'ref_nace', 'search_fts', 'search_title', 'post_fts', 'outbox'])
    assert.ok(one.src[t], `${t} copied`);
  assert.ok(Number(one.src.org[0]) > 20 && Number(one.src.audit[0]) > 0, 'the demo data came along');
  // PostgreSQL's search_word was filled by its trigger from search_fts
  assert.ok(Number(psql('SELECT count(*) FROM search_word')) > 100, 'search words made on PostgreSQL');

  const home = scan(['db', 'copy', PG, back]);
  assert.equal(home.status, 0, `${home.stdout}\n${home.stderr}`);
  assert.match(home.stdout, /^search_word +not copied/m, "PostgreSQL's word table stays behind");
  const two = sums(home.stdout);
  assert.deepEqual(Object.keys(two.dst).sort(), names.slice().sort(), 'the same tables came back');
  for (const t of names) assert.deepEqual(two.dst[t], one.src[t], `${t}: rows and checksum after the round trip`);
  assert.equal(scan(['db', 'check', '--db', back]).status, 0, 'the round trip passes scan db check');

  const a = await startServer({ dbPath: original });
  const p = await startServer({ dbPath: PG });
  const b = await startServer({ dbPath: back });
  servers.push(a, p, b);
  const slug = spawnSync('sqlite3', [original, "SELECT slug FROM org WHERE kind = 'cluster' ORDER BY id LIMIT 1"],
    { encoding: 'utf8' }).stdout.trim();
  assert.ok(slug);
  const extra = [`/orgs/${slug}`];
  const [x, y, z] = [await bodies(a.url, extra), await bodies(p.url, extra), await bodies(b.url, extra)];
  for (const page of Object.keys(x)) {
    assert.equal(y[page], x[page], `${page} differs on the PostgreSQL copy`);
    assert.equal(z[page], x[page], `${page} differs after the round trip`);
  }
});

test('a target holding data is refused without --force, replaced with it', () => {
  const again = scan(['db', 'copy', original, PG]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /holds data already.*--force/);
  const before = psql('SELECT count(*) FROM org');
  const forced = scan(['db', 'copy', '--force', original, PG]);
  assert.equal(forced.status, 0, `${forced.stdout}\n${forced.stderr}`);
  assert.equal(psql('SELECT count(*) FROM org'), before, 'replaced, not added to');
});

test('the copy moved the sequences: a new row takes the id after the copied ones', () => {
  const max = Number(psql('SELECT max(id) FROM org'));
  const id = Number(psql(`INSERT INTO org(slug, name, kind, status, created_at, updated_at)
    VALUES ('copy-seq-check', 'Copy sequence check', 'company', 'draft', 0, 0) RETURNING id`));
  assert.ok(id > max, `new id ${id} after ${max}`);
});
