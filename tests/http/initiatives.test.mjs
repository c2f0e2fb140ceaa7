// initiatives.test.mjs: cluster initiatives and the readiness check (issue
// 15, "Initiatives and readiness"). Anyone logged in starts an initiative;
// bad input on every field is answered beside it with nothing stored; the
// initiative is a proposed entry in the secretariat's one queue, hidden
// until accepted; decline needs a reason; accepting publishes it, makes the
// proposer its manager and proposes each founder's membership (consent:
// the representative accepts, the secretariat confirms for one without);
// every step is audited and mailed. The readiness page and API are the
// cluster team's and the secretariat's only; answers are validated and
// audited; the member criterion follows the data both ways.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, makeToken, sqliteRun } from './lib.mjs';

const PW = 'initiative test phrase 2026';
const USERS = {
  admin: ['boss.i@example.com', ['--admin']],
  editor: ['editor.i@example.com', ['--editor']],
  starter: ['starter.i@example.com', []],
  otherManager: ['manager.o@example.com', []],
  rep: ['rep.f@example.com', []],
  lone: ['lone.i@example.com', []],
};

let dir;
let db;
let srv;
const as = {};
const sessions = {};

function sqlite(sql) {
  const r = sqliteRun(db, sql);
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}
const count = (sql) => Number(sqlite(sql));

function cli(args, input) {
  const r = scan([...args, '--db', db], input === undefined ? {} : { input });
  assert.equal(r.status, 0, `scan ${args.join(' ')}: ${r.stderr}`);
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');

async function agent(email, lang = 'en') {
  const res = await fetch(`${srv.url}/login?lang=${lang}`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: new URLSearchParams({ email, password: PW }).toString(),
  });
  await res.text();
  assert.equal(res.status, 303, `login ${email}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !c.startsWith('lang=')).join('; ');
  const page = await (await fetch(`${srv.url}/account`, { headers: { Cookie: cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)[1];
  const go = async (method, path, form) => {
    const body = form ? new URLSearchParams([...(Array.isArray(form) ? form : Object.entries(form)), ['_csrf', csrf]]).toString() : undefined;
    const res2 = await fetch(srv.url + path, {
      method, redirect: 'manual',
      headers: { Cookie: cookie, ...(form ? { Origin: srv.url, 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body,
    });
    return { status: res2.status, text: await res2.text(), location: res2.headers.get('location') };
  };
  return { cookie, csrf, get: (p) => go('GET', p), post: (p, f) => go('POST', p, f) };
}

const anon = async (path) => {
  const res = await fetch(srv.url + path, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};

async function api(token, method, path, json) {
  const res = await fetch(srv.url + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(json ? { 'Content-Type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const t = await res.text();
  let body = null;
  try { body = JSON.parse(t); } catch { body = t; }
  return { status: res.status, body };
}

const GOOD = [
  ['name', 'Klaster zdrave hrane'], ['name_en', 'Healthy Food Cluster'], ['sectors', '10'],
  ['region', 'VO'], ['district', ''], ['description_sr', 'Proizvođači i istraživači zdrave hrane iz Vojvodine.'],
  ['description_en', ''], ['contact_name', 'Ana Anić'], ['contact_email', 'ana@example.com'],
  ['contact_phone', '+381 21 123 456'], ['founders', 'founder-a'], ['founders', 'Founder B'], ['founders', ''],
];
const withField = (name, value) => GOOD.map(([k, v]) => [k, k === name ? value : v]);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-initiative-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('other-cluster', 'Other Cluster', 'cluster', 'published', 0, 0, 'other cluster'),
    ('founder-a', 'Founder A', 'company', 'published', 0, 0, 'founder a'),
    ('founder-b', 'Founder B', 'university', 'published', 0, 0, 'founder b'),
    ('draft-co', 'Draft Co', 'company', 'draft', 0, 0, 'draft co');`);
  for (let i = 1; i <= 16; i++)
    sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
      ('co-${i}', 'Company ${i}', 'company', 'published', 0, 0, 'company ${i}')`);
  for (const [key, [email, flags]] of Object.entries(USERS))
    cli(['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  cli(['user', 'role', USERS.otherManager[0], 'manager', '--org', 'other-cluster']);
  cli(['user', 'role', USERS.rep[0], 'representative', '--org', 'founder-a']);
  srv = await startServer({ dbPath: db });
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await agent(email, key === 'starter' ? 'sr-Cyrl' : 'en');
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('every new GET route for every role', async () => {
  // the list: everyone; the form: anyone logged in (the public is sent to log in)
  assert.equal((await anon('/initiatives')).status, 200);
  assert.equal((await api(null, 'GET', '/api/v1/initiatives')).status, 200);
  for (const who of Object.keys(USERS)) {
    assert.equal((await as[who].get('/initiatives')).status, 200, who);
    assert.equal((await as[who].get('/initiatives/new')).status, 200, who);
  }
  // the readiness of another cluster: its manager and the secretariat only
  for (const who of ['otherManager', 'admin', 'editor'])
    assert.equal((await as[who].get('/orgs/other-cluster/readiness')).status, 200, who);
  for (const who of ['starter', 'rep', 'lone'])
    assert.equal((await as[who].get('/orgs/other-cluster/readiness')).status, 403, who);
  assert.equal((await as.admin.get('/orgs/founder-a/readiness')).status, 404, 'not a cluster');
});

test('the form is for anyone logged in; the public is sent to log in', async () => {
  const f = await as.lone.get('/initiatives/new?lang=en');
  assert.equal(f.status, 200);
  assert.match(f.text, /<form method="post" action="\/initiatives"/);
  assert.match(f.text, /<option value="10">10 /, 'NACE divisions to choose from');
  const a = await anon('/initiatives/new');
  assert.ok([302, 303, 401].includes(a.status), `anonymous: ${a.status}`);
});

test('bad input on every field is answered beside it and stores nothing', async () => {
  const before = count('SELECT count(*) FROM org') + count('SELECT count(*) FROM initiative') + count('SELECT count(*) FROM outbox');
  const cases = [
    [withField('name', ''), 'in-name-error'],
    [withField('name_en', 'x'.repeat(201)), 'in-name-en-error'],
    [withField('sectors', 'C'), 'in-sector-error'],
    [withField('sectors', '04'), 'in-sector-error'], // no such division,
    [withField('region', ''), 'in-region-error'],
    [withField('region', 'XX'), 'in-region-error'],
    [withField('district', 'BEOGRAD'), 'in-district-error'], // not in Vojvodina
    [withField('description_sr', ''), 'in-desc-error'],
    [withField('description_en', 'y'.repeat(2001)), 'in-desc-en-error'],
    [withField('contact_name', ''), 'in-cname-error'],
    [withField('contact_email', 'not-an-address'), 'in-cemail-error'],
    [withField('contact_phone', 'call me'), 'in-cphone-error'],
    [withField('contact_phone', ''), 'in-cphone-error'],
    [GOOD.filter(([k, v]) => !(k === 'founders' && v === 'Founder B')), 'founders-error'],
    [withField('founders', 'draft-co'), 'founders-error'],
    [withField('founders', 'other-cluster'), 'founders-error'],
    [withField('founders', 'no-such-org'), 'founders-error'],
  ];
  for (const [form, errId] of cases) {
    const r = await as.lone.post('/initiatives?lang=en', form);
    assert.equal(r.status, 422, `${errId}: ${r.status}`);
    assert.match(r.text, new RegExp(`id="${errId}"`), `error beside the field (${errId})`);
  }
  // the same founder twice is one founder: too few
  const twice = await as.lone.post('/initiatives?lang=en', withField('founders', 'founder-a').map(([k, v]) => [k, k === 'founders' && v === 'Founder B' ? 'founder-a' : v]));
  assert.equal(twice.status, 422);
  assert.match(text(twice.text), /at least two different founding organisations/);
  const after = count('SELECT count(*) FROM org') + count('SELECT count(*) FROM initiative') + count('SELECT count(*) FROM outbox');
  assert.equal(after, before, 'nothing stored, nothing mailed');
});

let slug;

test('starting one makes a hidden proposed entry, audited and mailed to the proposer in their language', async () => {
  const r = await as.starter.post('/initiatives', GOOD);
  assert.equal(r.status, 303, r.text.slice(0, 500));
  assert.equal(r.location, '/initiatives?started=1');
  slug = sqlite("SELECT slug FROM org WHERE kind = 'cluster_initiative' AND name = 'Klaster zdrave hrane'");
  assert.ok(slug);
  assert.equal(sqlite(`SELECT status FROM org WHERE slug = '${slug}'`), 'draft');
  assert.equal(sqlite(`SELECT state FROM org_proposal p JOIN org o ON o.id = p.org_id WHERE o.slug = '${slug}'`), 'proposed');
  assert.equal(count(`SELECT count(*) FROM initiative_founder f JOIN org o ON o.id = f.org_id WHERE o.slug = '${slug}'`), 2);
  assert.equal(count("SELECT count(*) FROM audit WHERE action = 'initiative_start'"), 1);
  const mail = sqlite(`SELECT subject FROM outbox WHERE to_addr = '${USERS.starter[0]}'`);
  assert.match(mail, /чека преглед/, 'in Serbian, the proposer\'s language');
  // hidden from the public list and profile; in the secretariat's queue
  assert.doesNotMatch((await anon('/initiatives')).text, /Klaster zdrave hrane/);
  assert.equal((await anon(`/orgs/${slug}`)).status, 404);
  const admin = await as.admin.get('/initiatives?lang=en');
  assert.match(admin.text, /id="pending"/);
  assert.match(admin.text, /ana@example\.com/);
  const start = await as.admin.get('/start?lang=en');
  assert.match(start.text, new RegExp(`/orgs/${slug}/proposal/accept`), 'the one queue of proposed entries');
});

test('declining needs a reason; nothing changes without one', async () => {
  const r = await as.admin.post(`/orgs/${slug}/proposal/decline`, { reason: '' });
  assert.equal(r.status, 422);
  assert.equal(sqlite(`SELECT state FROM org_proposal p JOIN org o ON o.id = p.org_id WHERE o.slug = '${slug}'`), 'proposed');
  assert.equal((await as.starter.post(`/orgs/${slug}/proposal/accept`, {})).status, 403, 'not the proposer\'s decision');
});

test('accepting publishes it, makes the proposer its manager and proposes the founders\' memberships', async () => {
  const mails = count('SELECT count(*) FROM outbox');
  const r = await as.admin.post(`/orgs/${slug}/proposal/accept`, {});
  assert.equal(r.status, 303);
  assert.equal(sqlite(`SELECT status FROM org WHERE slug = '${slug}'`), 'published');
  const id = sqlite(`SELECT id FROM org WHERE slug = '${slug}'`);
  const starter = sqlite(`SELECT id FROM person WHERE email = '${USERS.starter[0]}'`);
  assert.equal(count(`SELECT count(*) FROM affiliation WHERE org_id = ${id} AND person_id = ${starter} AND role = 'manager' AND ended_at IS NULL`), 1);
  assert.equal(count(`SELECT count(*) FROM cluster_team WHERE org_id = ${id} AND person_id = ${starter}`), 1);
  assert.equal(sqlite(`SELECT stage FROM cluster_stage WHERE org_id = ${id}`), 'initiative');
  // proposals, never memberships: the founders consent
  assert.equal(count(`SELECT count(*) FROM cluster_member WHERE cluster_id = ${id}`), 0);
  assert.equal(count(`SELECT count(*) FROM cluster_member_proposal WHERE cluster_id = ${id} AND status = 'pending' AND role = 'founding_member'`), 2);
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'membership_propose' AND entity_id = ${id}`), 2);
  assert.ok(count('SELECT count(*) FROM outbox') >= mails + 2, 'the proposer and the founder\'s representative are mailed');
  assert.equal(count(`SELECT count(*) FROM outbox WHERE to_addr = '${USERS.rep[0]}'`), 1);
  // the proposer's mail links absolutely, to the entry and its readiness check
  const accepted = sqlite(`SELECT body FROM outbox WHERE to_addr = '${USERS.starter[0]}' ORDER BY id DESC LIMIT 1`);
  assert.match(accepted, new RegExp(`https?://[^\\s]+/orgs/${slug}\\n`));
  assert.match(accepted, new RegExp(`https?://[^\\s]+/orgs/${slug}/readiness`));
  assert.match((await anon('/initiatives?lang=en')).text, /Healthy Food Cluster/);
  // the new manager's start page and the cluster page lead to its readiness check
  assert.match((await as.starter.get('/start?lang=en')).text, new RegExp(`id="readiness"[\\s\\S]*href="/orgs/${slug}/readiness"`));
  assert.match((await as.starter.get(`/orgs/${slug}?lang=en`)).text, new RegExp(`href="/orgs/${slug}/readiness"`));
  assert.doesNotMatch((await as.lone.get(`/orgs/${slug}?lang=en`)).text, /\/readiness"/);
  // the representative accepts; the secretariat confirms for the founder without one
  const pa = sqlite(`SELECT p.id FROM cluster_member_proposal p JOIN org o ON o.id = p.org_id WHERE o.slug = 'founder-a' AND p.cluster_id = ${id}`);
  const pb = sqlite(`SELECT p.id FROM cluster_member_proposal p JOIN org o ON o.id = p.org_id WHERE o.slug = 'founder-b' AND p.cluster_id = ${id}`);
  assert.equal((await as.starter.post(`/memberships/${pa}/accept`, {})).status, 403, 'the proposer cannot consent for a founder');
  assert.equal((await as.rep.post(`/memberships/${pa}/accept`, {})).status, 303);
  assert.equal((await as.admin.post(`/memberships/${pb}/accept`, {})).status, 303);
  assert.equal(count(`SELECT count(*) FROM cluster_member WHERE cluster_id = ${id}`), 2);
});

test('the readiness page and API: the cluster\'s team and the secretariat only', async () => {
  for (const who of ['starter', 'admin', 'editor']) {
    const r = await as[who].get(`/orgs/${slug}/readiness?lang=en`);
    assert.equal(r.status, 200, who);
    assert.match(text(r.text), /At least 15 committed members/);
  }
  for (const who of ['otherManager', 'rep', 'lone']) {
    assert.equal((await as[who].get(`/orgs/${slug}/readiness`)).status, 403, who);
    assert.equal((await as[who].post(`/orgs/${slug}/readiness`, { criterion: 'fee_scheme', met: 'yes' })).status, 403, who);
  }
  const a = await anon(`/orgs/${slug}/readiness`);
  assert.ok([302, 303, 401].includes(a.status));
  assert.equal((await api(null, 'GET', `/api/v1/clusters/${slug}/readiness`)).status, 401);
  const starterSession = { cookie: as.starter.cookie, csrf: as.starter.csrf };
  const otherSession = { cookie: as.otherManager.cookie, csrf: as.otherManager.csrf };
  sessions.read = await makeToken(srv.url, starterSession, 'read');
  sessions.other = await makeToken(srv.url, otherSession, 'read');
  const mine = await api(sessions.read, 'GET', `/api/v1/clusters/${slug}/readiness`);
  assert.equal(mine.status, 200, 'a read-only token reads its owner\'s cluster');
  assert.equal(mine.body.criteria.length, 9);
  assert.equal((await api(sessions.other, 'GET', `/api/v1/clusters/${slug}/readiness`)).status, 403, 'a manager of another cluster');
  assert.equal((await api(sessions.read, 'GET', '/api/v1/clusters/no-such/readiness')).status, 404);
});

test('answers are validated (nothing stored) and audited', async () => {
  const rows = count('SELECT count(*) FROM readiness_answer');
  const bad = [
    [{ criterion: 'website_en', met: 'yes' }, /id="rd-url-website_en-error"/],
    [{ criterion: 'website_en', met: 'yes', url: 'javascript:alert(1)' }, /id="rd-url-website_en-error"/],
    [{ criterion: 'website_en', met: 'yes', url: 'ftp://example.com' }, /id="rd-url-website_en-error"/],
    [{ criterion: 'fee_scheme', met: 'maybe' }, /Choose yes or not yet/],
    [{ criterion: 'fee_scheme', met: 'yes', note: 'n'.repeat(501) }, /id="rd-note-fee_scheme-error"/],
    [{ criterion: 'members', met: 'yes' }, /computed from the data/],
  ];
  for (const [form, re] of bad) {
    const r = await as.starter.post(`/orgs/${slug}/readiness?lang=en`, form);
    assert.equal(r.status, 422, JSON.stringify(form));
    assert.match(r.text, re, JSON.stringify(form));
  }
  assert.equal(count('SELECT count(*) FROM readiness_answer'), rows);
  const ok = await as.starter.post(`/orgs/${slug}/readiness`, { criterion: 'website_en', met: 'yes', url: 'https://healthy-food.example/en' });
  assert.equal(ok.status, 303);
  assert.equal((await as.admin.post(`/orgs/${slug}/readiness`, { criterion: 'fee_scheme', met: 'no', note: 'Assembly in May' })).status, 303);
  assert.equal(count("SELECT count(*) FROM audit WHERE action = 'readiness_answer'"), 2);
  const page = text((await as.starter.get(`/orgs/${slug}/readiness?lang=en`)).text);
  assert.match(page, /Answered by User starter/);
  assert.match(page, /Answered by User admin/);
  const j = await api(sessions.read, 'GET', `/api/v1/clusters/${slug}/readiness`);
  const web = j.body.criteria.find((c) => c.code === 'website_en');
  assert.equal(web.state, 'met');
  assert.equal(web.source, 'answer');
  assert.equal(j.body.criteria.find((c) => c.code === 'fee_scheme').state, 'not_met');
});

test('the member criterion follows the data: 15 members met, one leaves and it is not', async () => {
  const id = sqlite(`SELECT id FROM org WHERE slug = '${slug}'`);
  const crit = async () => (await api(sessions.read, 'GET', `/api/v1/clusters/${slug}/readiness`)).body.criteria.find((c) => c.code === 'members');
  assert.equal((await crit()).state, 'not_met');
  for (let i = 1; i <= 13; i++)
    sqlite(`INSERT INTO cluster_member(cluster_id, org_id, role, joined_on) SELECT ${id}, id, 'member', '2024-01-01' FROM org WHERE slug = 'co-${i}'`);
  const c15 = await crit();
  assert.equal(c15.value, 15);
  assert.equal(c15.state, 'met');
  sqlite(`UPDATE cluster_member SET left_on = '2024-06-30' WHERE cluster_id = ${id} AND org_id = (SELECT id FROM org WHERE slug = 'co-1')`);
  const c14 = await crit();
  assert.equal(c14.value, 14);
  assert.equal(c14.state, 'not_met');
  // two types (companies and a university) are met from the members' kinds
  const types = (await api(sessions.read, 'GET', `/api/v1/clusters/${slug}/readiness`)).body.criteria.find((c) => c.code === 'member_types');
  assert.equal(types.state, 'met');
});

test('API: the list (pending for the secretariat), starting one with a token, bad input', async () => {
  const pub = await api(null, 'GET', '/api/v1/initiatives');
  assert.equal(pub.status, 200);
  assert.ok(pub.body.items.some((i) => i.slug === slug && i.state === 'accepted' && i.readiness.of === 9));
  const adminSession = { cookie: as.admin.cookie, csrf: as.admin.csrf };
  const adminToken = await makeToken(srv.url, adminSession, 'read');
  const loneSession = { cookie: as.lone.cookie, csrf: as.lone.csrf };
  const write = await makeToken(srv.url, loneSession, 'write');
  const read = await makeToken(srv.url, loneSession, 'read');
  const body = {
    name: 'Inicijativa API', sectors: ['62'], region: 'BG', contact_name: 'Pera Perić',
    contact_email: 'pera@example.com', contact_phone: '011 222 333', description_sr: 'Softverske firme i fakulteti.',
    founders: ['founder-a', 'founder-b'],
  };
  assert.ok([401, 403].includes((await api(null, 'POST', '/api/v1/initiatives', body)).status), 'the public may not');
  assert.equal((await api(read, 'POST', '/api/v1/initiatives', body)).status, 403);
  const orgs = count('SELECT count(*) FROM org');
  for (const [k, v] of [['name', ''], ['contact_email', 'x'], ['contact_phone', 'abc'], ['sectors', ['C']], ['founders', ['founder-a']], ['region', 'ZZ'], ['description_sr', '']]) {
    const r = await api(write, 'POST', '/api/v1/initiatives', { ...body, [k]: v });
    assert.equal(r.status, 422, `${k}: ${JSON.stringify(r.body)}`);
    assert.ok(r.body.error.fields[k], `${k} named: ${JSON.stringify(r.body)}`);
  }
  assert.equal((await api(write, 'POST', '/api/v1/initiatives', { ...body, founders: 'founder-a,x', name: 5 })).status, 400);
  assert.equal(count('SELECT count(*) FROM org'), orgs, 'nothing stored');
  const ok = await api(write, 'POST', '/api/v1/initiatives', body);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.state, 'proposed');
  assert.ok(!(await api(null, 'GET', '/api/v1/initiatives')).body.items.some((i) => i.slug === ok.body.slug), 'hidden from the public');
  const adm = await api(adminToken, 'GET', '/api/v1/initiatives');
  const pending = adm.body.items.find((i) => i.slug === ok.body.slug);
  assert.equal(pending.state, 'proposed');
  assert.equal(pending.contact.email, 'pera@example.com');
});

test('decline with a reason: audited and mailed to the proposer', async () => {
  const s = sqlite("SELECT slug FROM org WHERE name = 'Inicijativa API'");
  const r = await as.admin.post(`/orgs/${s}/proposal/decline`, { reason: 'Please name the founders\' roles' });
  assert.equal(r.status, 303);
  assert.equal(count("SELECT count(*) FROM audit WHERE action = 'org_proposal_decline'"), 1);
  assert.match(sqlite(`SELECT group_concat(body, '|') FROM outbox WHERE to_addr = '${USERS.lone[0]}'`), /Please name the founders' roles/);
  assert.doesNotMatch((await as.admin.get('/initiatives')).text, /Inicijativa API/, 'declined ones are no longer listed');
});
