// post_stats.test.mjs: the cooperation board's statistics for the
// secretariat (issue 13) against the real binary: who may see the page,
// its CSV and XLSX downloads and the API (every role: the public is sent
// to the login page, or 401 from the API; representatives, partners and
// cluster managers 403; editor and admin 200, also with a read token),
// bad periods and tables (400 with a message, beside the field on the
// page), the CSV matching the table on the page and the API's numbers,
// and the links from the board and the start page.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, login, makeToken, sqliteRun } from './lib.mjs';

const ROLES = ['public', 'member_rep', 'partner', 'cluster_manager', 'editor', 'admin'];
const ALLOWED = new Set(['editor', 'admin']);
const PW = 'statistics test phrase 2026';
const USERS = {
  admin: ['stats.admin@example.com', ['--admin']],
  editor: ['stats.editor@example.com', ['--editor']],
  cluster_manager: ['stats.manager@example.com', []],
  member_rep: ['stats.rep@example.com', []],
  partner: ['stats.partner@example.com', []],
};

let dir;
let db;
let srv;
const as = {};
const tokens = {};

function sqlite(sql) {
  const r = sqliteRun(db, sql);
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

function cli(args, input) {
  const r = scan([...args, '--db', db], input === undefined ? {} : { input });
  assert.equal(r.status, 0, `scan ${args.join(' ')}: ${r.stderr}`);
}

// GET path as role (a session cookie, or a Bearer token when token is set).
async function get(role, path, { token } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (role !== 'public') headers.Cookie = as[role].cookie;
  const res = await fetch(srv.url + path, { headers, redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') || '', location: res.headers.get('location'),
    disposition: res.headers.get('content-disposition') || '', body, text: body.toString('utf8') };
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"')
  .replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

// The rows of the <table id="id"> on a page, each a list of cell texts
// (screen-reader-only "not available" becomes '').
function tableRows(html, id) {
  const m = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html);
  assert.ok(m, `table ${id} on the page`);
  const rows = [];
  for (const tr of m[0].matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
    const cells = [...tr[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)]
      .map((c) => text(c[1].replace(/<span class="visually-hidden">[^<]*<\/span>/g, '')));
    rows.push(cells);
  }
  return rows;
}

const csvRows = (t) => t.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-pstats-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  const now = Math.floor(Date.now() / 1000);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-c', 'Cluster C', 'cluster', 'published', 0, 0, 'cluster c'),
    ('cluster-d', 'Cluster D', 'cluster', 'published', 0, 0, 'cluster d'),
    ('member-m', 'Member M', 'company', 'published', 0, 0, 'member m'),
    ('member-n', 'Member N', 'company', 'published', 0, 0, 'member n'),
    ('partner-p', 'Partner P', 'university', 'published', 0, 0, 'partner p');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2020-01-01' FROM org c, org m WHERE c.slug = 'cluster-c' AND m.slug = 'member-m';
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2020-01-01' FROM org c, org m WHERE c.slug = 'cluster-d' AND m.slug = 'member-n';`);
  for (const [role, [email, flags]] of Object.entries(USERS))
    cli(['user', 'add', email, '--name', `User ${role}`, '--password-stdin', ...flags], `${PW}\n`);
  cli(['user', 'role', USERS.cluster_manager[0], 'manager', '--org', 'cluster-c']);
  cli(['user', 'role', USERS.member_rep[0], 'representative', '--org', 'member-m']);
  cli(['user', 'role', USERS.partner[0], 'representative', '--org', 'partner-p']);
  // two posts of M and one of N a day ago, and a hidden one of N; P's
  // representative (in no cluster with M) and C's manager ask M now, after
  // their affiliations began (the organisation counts as of the asking)
  const post = (slug, kind, status, hidden) => Number(sqlite(`INSERT INTO post(org_id, kind, topic, lang,
    title, body, status, hidden_reason, valid_until, published_at, created_at, updated_at)
    SELECT id, '${kind}', 'technology', 'en', 'T', 'B', '${status}', ${hidden ? "'spam'" : 'NULL'},
      '2099-01-01', ${now - 86400}, 0, 0 FROM org WHERE slug = '${slug}' RETURNING id`));
  const p1 = post('member-m', 'offer', 'open', false);
  post('member-m', 'request', 'open', false);
  post('member-n', 'offer', 'open', false);
  post('member-n', 'request', 'hidden', true);
  const person = (email) => sqlite(`SELECT id FROM person WHERE email = '${email}'`);
  sqlite(`INSERT INTO post_interest(post_id, person_id, status, created_at, updated_at) VALUES
    (${p1}, ${person(USERS.partner[0])}, 'accepted', ${Math.floor(Date.now() / 1000)}, 0),
    (${p1}, ${person(USERS.cluster_manager[0])}, 'pending', ${Math.floor(Date.now() / 1000)}, 0)`);
  srv = await startServer({ dbPath: db });
  for (const [role, [email]] of Object.entries(USERS)) as[role] = await login(srv.url, email, PW);
  for (const role of ['editor', 'member_rep']) tokens[role] = await makeToken(srv.url, as[role], 'read');
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('rights: page, CSV, XLSX and API for every role', async () => {
  const paths = ['/cooperation/stats', '/cooperation/stats?table=kinds&format=csv',
    '/cooperation/stats?table=cross&format=xlsx', '/api/v1/posts/stats'];
  for (const role of ROLES) {
    for (const path of paths) {
      const r = await get(role, path);
      const api = path.startsWith('/api/');
      if (role === 'public') {
        if (api) assert.equal(r.status, 401, `${role} ${path}`);
        else {
          assert.equal(r.status, 303, `${role} ${path}: to the login page`);
          assert.match(r.location, /^\/login\?next=/);
        }
      } else if (ALLOWED.has(role)) {
        assert.equal(r.status, 200, `${role} ${path}: ${r.text.slice(0, 200)}`);
      } else {
        assert.equal(r.status, 403, `${role} ${path}`);
        assert.doesNotMatch(r.text, /Across clusters/, 'nothing of the statistics leaks');
      }
    }
  }
  // a secretariat read token reads the API; another person's does not
  assert.equal((await get('editor', '/api/v1/posts/stats', { token: tokens.editor })).status, 200);
  assert.equal((await get('member_rep', '/api/v1/posts/stats', { token: tokens.member_rep })).status, 403);
});

test('downloads are files of the right kind', async () => {
  const csv = await get('admin', '/cooperation/stats?table=kinds&format=csv');
  assert.match(csv.type, /^text\/csv/);
  assert.match(csv.disposition, /attachment; filename="cooperation-kinds-\d{4}-\d{2}-\d{4}-\d{2}\.csv"/);
  const xlsx = await get('admin', '/cooperation/stats?table=first_interest&format=xlsx');
  assert.match(xlsx.type, /spreadsheetml/);
  assert.equal(xlsx.body.subarray(0, 2).toString('latin1'), 'PK', 'a zip (XLSX) file');
});

test('bad periods and tables: 400 with a message, beside the field on the page', async () => {
  const page = await get('editor', '/cooperation/stats?from=2026-13');
  assert.equal(page.status, 400);
  assert.match(page.text, /<p class="field-error" id="ps-from-error">[\s\S]*?Write the month as YYYY-MM/);
  assert.match(page.text, /id="ps-from" name="from" type="text" value="2026-13"/, 'kept as typed');
  assert.doesNotMatch(page.text, /<svg/, 'no charts for a bad period');
  const order = await get('editor', '/cooperation/stats?from=2026-05&to=2026-01&lang=sr-Cyrl');
  assert.equal(order.status, 400);
  assert.match(order.text, /id="ps-to-error">[\s\S]*?Последњи месец не сме бити пре првог/);
  const long = await get('admin', '/cooperation/stats?from=2000-01&to=2026-01&table=kinds&format=csv');
  assert.equal(long.status, 400);
  assert.match(long.text, /at most 120 months/);
  const table = await get('admin', '/cooperation/stats?table=nope&format=csv');
  assert.equal(table.status, 400);
  assert.match(table.text, /Unknown table/);
  const api = await get('admin', '/api/v1/posts/stats?to=june');
  assert.equal(api.status, 400);
  assert.match(JSON.parse(api.text).error.message, /^to: Write the month as YYYY-MM/);
});

test('the CSV matches the table on the page and the API', async () => {
  const page = await get('admin', '/cooperation/stats?lang=en');
  assert.equal(page.status, 200);
  for (const name of ['kinds', 'topics', 'sectors', 'introductions', 'cross', 'first_interest', 'closures']) {
    assert.match(page.text, new RegExp(`href="/cooperation/stats\\?lang=en&amp;table=${name}&amp;format=csv"`));
    const html = tableRows(page.text, `ps-${name}-table`);
    const csv = csvRows((await get('admin', `/cooperation/stats?table=${name}&format=csv`)).text);
    assert.equal(csv.length, html.length, `${name}: as many rows`);
    assert.equal(csv.length, 13, `${name}: a header and twelve months`);
    for (let i = 1; i < csv.length; i++)
      assert.deepEqual(csv[i].map((c) => c.replace(/\.00$/, '')), html[i].map((c) => c.replace(/%$/, '').replace(/\.0$/, '').replace(/^–$/, '')),
        `${name} row ${i}`);
  }
  const api = JSON.parse((await get('admin', '/api/v1/posts/stats')).text);
  assert.equal(api.months.length, 12);
  const kinds = csvRows((await get('admin', '/cooperation/stats?table=kinds&format=csv')).text);
  // the posts were published a day ago: this month, or the last one on the 1st
  const row = api.kinds.rows.findIndex((r) => r[0] + r[1] > 0);
  assert.ok(row >= api.months.length - 2, 'a recent month');
  assert.deepEqual(api.kinds.columns, ['offer', 'request']);
  assert.deepEqual(api.kinds.rows[row], [2, 1], 'the hidden request is not counted');
  assert.deepEqual(kinds[row + 1].slice(1).map(Number), [2, 1, 3]);
  const month = api.months.findIndex((m, i) => api.introductions.rows[i][0] > 0);
  assert.deepEqual(api.introductions.rows[month], [2, 1, 0, 1]);
  // the partner's organisation is in no cluster with M: cross; C's manager: same
  assert.deepEqual(api.cross.rows[month], [2, 1, 1, 0]);
  assert.equal(api.demo, false);
  assert.doesNotMatch(page.text, /Partly illustrative/);
});

test('links from the board and the start page for the secretariat only', async () => {
  for (const role of ['editor', 'admin']) {
    assert.match((await get(role, '/cooperation')).text, /href="\/cooperation\/stats"/, `${role} board`);
    assert.match((await get(role, '/start')).text, /href="\/cooperation\/stats"/, `${role} start`);
  }
  for (const role of ['public', 'member_rep', 'cluster_manager']) {
    assert.doesNotMatch((await get(role, '/cooperation')).text, /\/cooperation\/stats/, `${role} board`);
    if (role !== 'public')
      assert.doesNotMatch((await get(role, '/start')).text, /\/cooperation\/stats/, `${role} start`);
  }
});

test('three languages, and the demo notice when demo posts exist', async () => {
  sqlite('UPDATE post SET is_demo = 1 WHERE id = (SELECT min(id) FROM post)');
  const sr = await get('editor', '/cooperation/stats?lang=sr-Cyrl');
  assert.match(sr.text, /<h1>Статистика сарадње<\/h1>/);
  assert.match(sr.text, /Делимично илустративно/);
  const lat = await get('editor', '/cooperation/stats?lang=sr-Latn');
  assert.match(lat.text, /<h1>Statistika saradnje<\/h1>/);
  assert.match(lat.text, /Upoznavanja među klasterima/);
  const api = JSON.parse((await get('editor', '/api/v1/posts/stats')).text);
  assert.equal(api.demo, true);
});
