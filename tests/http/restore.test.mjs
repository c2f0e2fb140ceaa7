// restore.test.mjs: the restore drill for SQLite (issue 18, "Backups"): an
// online `scan db backup` of a demo database taken while its server runs
// and takes a write, then a second server started on the copy serves the
// same pages and the same API answers, and the write made before the
// backup is in the copy.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, scan, loginAgent, sqliteIn } from './lib.mjs';

let live, restored;
const PW = 'restore drill pass 4711';

before(async () => {
  live = await startServer({ demo: true });
  const add = scan(['user', 'add', 'drill@example.com', '--name', 'Drill Admin', '--admin', '--password-stdin',
    '--db', live.db], { input: `${PW}\n` });
  assert.equal(add.status, 0, add.stderr);
});
after(async () => {
  if (restored) await restored.stop();
  if (live) await live.stop();
});

const PAGES = ['/', '/orgs', '/orgs?kind=cluster', '/figures', '/cooperation', '/events', '/api/v1/orgs?limit=50',
  '/api/v1/clusters', '/search?q=nis'];

async function bodies(url) {
  const out = {};
  for (const p of PAGES) {
    const r = await fetch(`${url}${p}`);
    assert.equal(r.status, 200, `${url}${p}`);
    // the page's own address and the asset hashes are the same build; a
    // request id or timing never appears in a body
    out[p] = (await r.text()).replaceAll(url, 'URL');
  }
  return out;
}

test('a backup taken under a running server serves the same pages once restored', async () => {
  const admin = await loginAgent(live.url, 'drill@example.com', PW);
  const r = await admin.post('/orgs', { name: 'Restore Drill Entry', kind: 'company', status: 'published' });
  assert.ok(r.status === 303 || r.status === 200, `created: ${r.status} ${r.text.slice(0, 200)}`);
  const copy = join(live.dir, 'backup.db');
  const b = scan(['db', 'backup', '--db', live.db, copy]);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(scan(['db', 'check', '--db', copy]).status, 0);
  restored = await startServer({ dbPath: copy });
  const [x, y] = [await bodies(live.url), await bodies(restored.url)];
  for (const p of PAGES) assert.equal(y[p], x[p], `${p} differs after the restore`);
  // the write made before the backup is in the copy, with its audit row,
  // and the restored server shows it to the same session (sessions live
  // in the database)
  const entry = sqliteIn(copy, "SELECT slug FROM org WHERE name = 'Restore Drill Entry'").trim();
  assert.ok(entry, 'the new entry is in the copy');
  assert.equal(sqliteIn(copy, `SELECT count(*) FROM audit a JOIN org o ON o.id = a.entity_id
    WHERE a.entity = 'org' AND o.slug = '${entry}'`).trim(), '1', 'with its audit row');
  const page = await fetch(`${restored.url}/orgs/${entry}`, { headers: { cookie: admin.session.cookie } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Restore Drill Entry/);
});
