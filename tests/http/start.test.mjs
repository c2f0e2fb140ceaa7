// start.test.mjs: the start page (/start) shows each person the work of
// the roles they hold, and nothing of roles they do not hold (issue 11,
// part 3): the secretariat's queues, the clusters a manager runs with the
// members missing last year's figures, the organisations a representative
// answers for, membership proposals to decide, drafts, invitations; a
// person with no role is told nothing waits. Login lands there.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, login, loginAgent, scanIn, sqliteIn } from './lib.mjs';

const PW = 'start page test phrase 2026';
const USERS = {
  admin: ['boss.s@example.com', ['--admin']],
  manager: ['manager.s@example.com', []],
  rep: ['rep.s@example.com', []],
  lone: ['lone.s@example.com', []],
};
const LAST_YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Belgrade', year: 'numeric' }).format(new Date())) - 1;

let dir;
let db;
let srv;
const as = {};

function sqlite(sql) {
  return sqliteIn(db, sql);
}

function cli(args, input) {
  return scanIn(db, args, input);
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');

async function agent(email) {
  return loginAgent(srv.url, email, PW);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-start-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-s', 'Start Cluster', 'cluster', 'published', 0, 0, 'start cluster'),
    ('company-p', 'Company P', 'company', 'published', 0, 0, 'company p'),
    ('company-q', 'Company Q', 'company', 'published', 0, 0, 'company q'),
    ('draft-d', 'Draft D', 'company', 'draft', 0, 0, 'draft d'),
    ('company-r', 'Company R', 'company', 'published', 0, 0, 'company r');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2015-01-01' FROM org c, org m WHERE c.slug = 'cluster-s' AND m.slug IN ('company-p', 'company-q');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '${LAST_YEAR + 1}-01-02' FROM org c, org m WHERE c.slug = 'cluster-s' AND m.slug = 'company-r';
    INSERT INTO org_figure(org_id, year, employees, source, entered_at)
      SELECT id, ${LAST_YEAR}, 10, 'self_reported', 0 FROM org WHERE slug = 'company-q';`);
  for (const [key, [email, flags]] of Object.entries(USERS))
    cli(['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  cli(['user', 'role', USERS.manager[0], 'manager', '--org', 'cluster-s']);
  cli(['user', 'role', USERS.rep[0], 'representative', '--org', 'company-p']);
  srv = await startServer({ dbPath: db });
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await agent(email);
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('the public is sent to log in, and logging in lands on the start page', async () => {
  const r = await fetch(`${srv.url}/start`, { redirect: 'manual' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login?next=%2Fstart');
  const res = await fetch(`${srv.url}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: new URLSearchParams({ email: USERS.lone[0], password: PW }).toString(),
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/start');
});

test('the secretariat sees the platform queues with counts and links', async () => {
  const r = await as.admin.get('/start?lang=en');
  assert.equal(r.status, 200);
  const t = text(r.text);
  assert.match(t, /Secretariat: queues/);
  assert.match(t, /1 entries in draft/);
  assert.match(t, /1 figure rows not verified/);
  assert.match(r.text, /href="\/admin\/outbox"/);
  assert.match(t, /Drafts to finish Draft D/, 'the secretariat sees every draft');
  assert.doesNotMatch(t, /Clusters you manage|Organisations you represent/);
});

test('a manager sees their cluster, its members and who has not reported last year', async () => {
  const r = await as.manager.get('/start?lang=en');
  assert.equal(r.status, 200);
  const t = text(r.text);
  // R joined this year: a member now, but not one who owes last year's figures
  assert.match(t, /Clusters you manage Start Cluster · 3 members · 1 without figures for (\d+)/);
  assert.equal(Number(t.match(/without figures for (\d+)/)[1]), LAST_YEAR);
  assert.match(r.text, new RegExp(`href="/figures/missing\\?year=${LAST_YEAR}"`));
  assert.match(r.text, /href="\/orgs\/cluster-s\/members\/manage"/);
  assert.doesNotMatch(t, /Secretariat: queues|Draft D/, 'no secretariat work, no other people\'s drafts');
  const sr = text((await as.manager.get('/start?lang=sr-Cyrl')).text);
  assert.match(sr, /Кластери којима управљате/);
  assert.match(sr, /1 без бројки за \d+/);
});

test('a representative sees their organisation, the missing year, and a proposal to decide', async () => {
  let t = text((await as.rep.get('/start?lang=en')).text);
  assert.match(t, new RegExp(`Organisations you represent Company P · figures for ${LAST_YEAR} are missing: enter them`));
  assert.doesNotMatch(t, /Clusters you manage|Secretariat/);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-t', 'Other Cluster', 'cluster', 'published', 0, 0, 'other cluster');
    INSERT INTO cluster_member_proposal(cluster_id, org_id, role, joined_on, proposed_at, status)
      SELECT c.id, o.id, 'member', '2024-01-01', 0, 'pending' FROM org c, org o WHERE c.slug = 'cluster-t' AND o.slug = 'company-p';`);
  const r = await as.rep.get('/start?lang=en');
  t = text(r.text);
  assert.match(t, /Other Cluster/);
  assert.match(r.text, /action="\/memberships\/\d+\/accept"/);
});

test('the start page links the four activities; publishing for the cluster only for its manager', async () => {
  const links = (html) => {
    const sec = html.match(/<h2>What you can do in SCAN<\/h2>([\s\S]*?)<\/section>/);
    return sec ? [...sec[1].matchAll(/href="([^"]+)"/g)].map((m) => m[1]) : null;
  };
  const m = links((await as.manager.get('/start?lang=en')).text);
  assert.deepEqual(m, ['/cooperation/new', '/cooperation/mine', '/calls', '/projects/new', '/positions',
    '/positions/new', '/news/new', '/events/new']);
  const rep = links((await as.rep.get('/start?lang=en')).text);
  assert.deepEqual(rep, ['/cooperation/new', '/cooperation/mine', '/calls', '/projects/new', '/positions']);
  assert.equal(links((await as.lone.get('/start?lang=en')).text), null, 'nobody to speak for: no section');
  assert.match(text((await as.manager.get('/start?lang=sr-Cyrl')).text), /Шта можете у SCAN-у/);
});

test('a person with no role is told that nothing waits', async () => {
  const t = text((await as.lone.get('/start?lang=sr-Latn')).text);
  assert.match(t, /Ništa vas ne čeka\./);
  assert.doesNotMatch(t, /Sekretarijat|Klasteri kojima upravljate/);
});

test('Admin → Users shows who manages or represents what', async () => {
  const r = await as.admin.get('/admin/users?lang=en');
  assert.equal(r.status, 200);
  const row = (email) => text(r.text.match(new RegExp(`<tr[^>]*>(?:(?!</tr>)[\\s\\S])*${email.replace('.', '\\.')}(?:(?!</tr>)[\\s\\S])*</tr>`))[0]);
  assert.match(row(USERS.manager[0]), /Manager of Start Cluster/);
  assert.match(row(USERS.rep[0]), /Representative of Company P/);
  assert.doesNotMatch(row(USERS.lone[0]), /Manager of|Representative of/);
  const sr = await as.admin.get('/admin/users?lang=sr-Cyrl');
  assert.match(text(sr.text), /Менаџер: Start Cluster/);
});

test('mail speaks the recipient\'s language and an existing account accepts an invitation with its own password', async () => {
  // the representative last logged in on Serbian Latin pages
  const res = await fetch(`${srv.url}/login?lang=sr-Latn`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: new URLSearchParams({ email: USERS.rep[0], password: PW }).toString(),
  });
  assert.equal(res.status, 303);
  const cluster = sqlite("SELECT id FROM org WHERE slug = 'cluster-s'");
  // the admin invites from English pages: the mail is in Latin Serbian all the same
  const inv = await as.admin.post('/invite?lang=en', { name: 'User rep', email: USERS.rep[0], org: cluster, role: 'manager' });
  assert.equal(inv.status, 303);
  const box = await as.admin.get('/admin/outbox?lang=en');
  const row = box.text.split('<tr>').find((r) => r.includes(USERS.rep[0]) && r.includes('invite/accept'));
  assert.ok(row, 'the invitation is in the outbox');
  assert.match(text(row), /User admin vas poziva/);
  assert.match(text(row), /menadžera organizacije Start Cluster/);
  assert.match(text(row), /Već imate nalog/);
  const token = row.match(/\/invite\/accept\?t=([A-Za-z0-9_-]{43})/)[1];
  // the accept page asks for the password they have, once
  const page = await fetch(`${srv.url}/invite/accept?t=${token}&lang=en`);
  const html = await page.text();
  assert.match(html, /You already have an account/);
  assert.match(text(html), /This link is for User rep \(rep\.s@example\.com\)\. Accepting makes you a manager of Start Cluster\./);
  assert.equal((html.match(/type="password"/g) || []).length, 1);
  const send = (password) => fetch(`${srv.url}/invite/accept?lang=en`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url,
      Cookie: page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') },
    body: new URLSearchParams({ t: token, password, _csrf: (html.match(/name="_csrf" value="([^"]+)"/) || [])[1] || '' }).toString(),
  });
  const wrong = await send('not the password at all 2026');
  assert.equal(wrong.status, 422);
  assert.match(await wrong.text(), /not the password of the invited account/);
  assert.equal(sqlite(`SELECT count(*) FROM affiliation a JOIN person p ON p.id = a.person_id
    WHERE p.email = '${USERS.rep[0]}' AND a.role = 'manager' AND a.ended_at IS NULL`), '0');
  const ok = await send(PW);
  assert.equal(ok.status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM affiliation a JOIN person p ON p.id = a.person_id
    WHERE p.email = '${USERS.rep[0]}' AND a.role = 'manager' AND a.ended_at IS NULL`), '1');
  // the password is the one it was: logging in still works
  await login(srv.url, USERS.rep[0], PW);
});
