// restore.test.mjs: the restore drill for PostgreSQL (issue 18, "Backups";
// SQLite's is tests/http/restore.test.mjs): a pg_dump of a demo database
// taken while its server runs and after a write, restored with pg_restore
// into a new database, serves the same pages and API answers from a second
// server, holds the write with its audit row, and takes new rows with ids
// after the restored ones (the sequences came along).
//
//   bash tests/pg/pg_temp.sh run node --test tests/pg/restore.test.mjs
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan, startServer } from '../http/lib.mjs';

const BASE = process.env.SCAN_PG_URL;
const urlOf = (db) => BASE.replace(/\/scan\?/, `/${db}?`);
const dir = mkdtempSync(join(tmpdir(), 'scan-pgdrill-'));
let live, restored;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
const psql = (db, sql) => run('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql]);

before(async () => {
  assert.ok(BASE, 'run under tests/pg/pg_temp.sh (SCAN_PG_URL)');
  for (const db of ['drill_live', 'drill_restored']) psql('scan', `DROP DATABASE IF EXISTS ${db}`);
  psql('scan', 'CREATE DATABASE drill_live');
  live = await startServer({ dbPath: urlOf('drill_live'), demo: true });
});
after(async () => {
  if (restored) await restored.stop();
  if (live) await live.stop();
  for (const db of ['drill_live', 'drill_restored']) psql('scan', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
});

const PAGES = ['/', '/orgs', '/orgs?kind=cluster', '/figures', '/cooperation', '/events', '/calls', '/news',
  '/api/v1/orgs?limit=50', '/api/v1/clusters', '/search?q=nis'];

async function bodies(url) {
  const out = {};
  for (const p of PAGES) {
    const r = await fetch(`${url}${p}`);
    assert.equal(r.status, 200, `${url}${p}`);
    out[p] = (await r.text()).replaceAll(url, 'URL');
  }
  return out;
}

test('pg_dump under a running server, pg_restore into a new database: the same site', async () => {
  const add = scan(['user', 'add', 'drill@example.com', '--name', 'Drill Person', '--password-stdin',
    '--db', urlOf('drill_live')], { input: 'pg drill pass phrase 4711\n' });
  assert.equal(add.status, 0, add.stderr);
  const dump = join(dir, 'scan.dump');
  // the recipe of docs/OPERATIONS.md: custom format, no owners or grants
  run('pg_dump', ['-Fc', '--no-owner', '--no-acl', '-f', dump, '-d', urlOf('drill_live')]);
  psql('scan', 'CREATE DATABASE drill_restored');
  run('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', '-d', urlOf('drill_restored'), dump]);
  restored = await startServer({ dbPath: urlOf('drill_restored') });
  const [x, y] = [await bodies(live.url), await bodies(restored.url)];
  for (const p of PAGES) assert.equal(y[p], x[p], `${p} differs after the restore`);
  const r = urlOf('drill_restored');
  assert.equal(psql(r, "SELECT count(*) FROM person WHERE email = 'drill@example.com'"), '1', 'the write is there');
  assert.equal(psql(r, `SELECT count(*) FROM audit a JOIN account ac ON ac.id = a.entity_id
    JOIN person p ON p.id = ac.person_id
    WHERE a.action = 'account_create' AND a.entity = 'account' AND p.email = 'drill@example.com'`), '1',
  'with its audit row');
  const maxId = Number(psql(r, 'SELECT max(id) FROM person'));
  const add2 = scan(['user', 'add', 'after@example.com', '--name', 'After Restore', '--password-stdin', '--db', r],
    { input: 'after restore pass phrase 1\n' });
  assert.equal(add2.status, 0, add2.stderr);
  assert.ok(Number(psql(r, "SELECT id FROM person WHERE email = 'after@example.com'")) > maxId,
    'a new row takes an id after the restored ones');
});
