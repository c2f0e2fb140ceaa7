// directory_proposals.test.mjs: a cluster manager proposes an organisation
// the directory lacks (issue 11 §2), and the duplicate-PIB answer (§8).
// The proposal form and its refusals (only managers; bad input answered
// beside the field with nothing stored; a cluster not theirs; a cluster
// kind); a proposed entry hidden from the public and other users on every
// surface (lists, facets, search, suggest, API list, get and search,
// profile 404) but shown to its proposer (with "pending review") and to the
// secretariat (a queue on /start); decline needs a reason and mails the
// proposer in their language; accept publishes the entry and turns the
// membership that went with it into a membership proposal; both audited.
// A taken PIB flags only the PIB and links to the entry holding it.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, login, loginAgent, scanIn, sqliteIn } from './lib.mjs';

const PW = 'proposal test phrase 2026';
const USERS = {
  admin: ['boss.p@example.com', ['--admin']],
  managerA: ['manager.a@example.com', []],
  managerB: ['manager.b@example.com', []],
  rep: ['rep.k@example.com', []],
  lone: ['lone.p@example.com', []],
};

let dir;
let db;
let srv;
const as = {};
const ids = {};

function sqlite(sql) {
  return sqliteIn(db, sql);
}

function cli(args, input) {
  return scanIn(db, args, input);
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');

async function agent(email, lang = 'en') {
  // logging in with a language saves it as the person's mail language
  return loginAgent(srv.url, email, PW, { lang });
}

const anon = async (path) => {
  const res = await fetch(srv.url + path, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};

const count = (sql) => Number(sqlite(sql));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-proposal-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, pib, created_at, updated_at, name_folded) VALUES
    ('cluster-a', 'Cluster A', 'cluster', 'published', NULL, 0, 0, 'cluster a'),
    ('cluster-b', 'Cluster B', 'cluster', 'published', NULL, 0, 0, 'cluster b'),
    ('known-co', 'Known Co', 'company', 'published', '101134702', 0, 0, 'known co'),
    ('hidden-co', 'Hidden Co', 'company', 'draft', '100000097', 0, 0, 'hidden co');`);
  for (const line of sqlite('SELECT slug, id FROM org').split('\n')) {
    const [slug, id] = line.split('|');
    ids[slug] = id;
  }
  for (const [key, [email, flags]] of Object.entries(USERS))
    cli(['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  cli(['user', 'role', USERS.managerA[0], 'manager', '--org', 'cluster-a']);
  cli(['user', 'role', USERS.managerB[0], 'manager', '--org', 'cluster-b']);
  cli(['user', 'role', USERS.rep[0], 'representative', '--org', 'known-co']);
  srv = await startServer({ dbPath: db });
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await agent(email, key === 'managerA' ? 'sr-Cyrl' : 'en');
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('a manager gets the proposal form with their own clusters; others may not propose, managers may not create', async () => {
  const form = await as.managerA.get('/orgs/new?lang=en');
  assert.equal(form.status, 200);
  assert.match(form.text, /<form method="post" action="\/orgs\/propose"/);
  // the one cluster they manage is chosen for them
  assert.match(form.text, new RegExp(`<option value="${ids['cluster-a']}" selected>Cluster A</option>`));
  assert.doesNotMatch(form.text, /Cluster B/);
  assert.match(text(form.text), /Propose a new entry/);
  for (const who of ['lone', 'rep']) {
    assert.equal((await as[who].get('/orgs/new')).status, 403, who);
    assert.equal((await as[who].post('/orgs/propose', { name: 'Nope', kind: 'company' })).status, 403, who);
  }
  assert.equal((await as.managerA.post('/orgs', { name: 'Direct', kind: 'company' })).status, 403);
  assert.equal(count("SELECT count(*) FROM org WHERE name IN ('Nope', 'Direct')"), 0);
});

test('bad input is answered beside its field and stores nothing', async () => {
  const orgs = count('SELECT count(*) FROM org');
  const cases = [
    [{ name: '', kind: 'company' }, 'name'],
    [{ name: 'Needs A Date', kind: 'company', cluster_id: ids['cluster-a'] }, 'joined_on'],
    [{ name: 'Bad Date', kind: 'company', cluster_id: ids['cluster-a'], joined_on: '2021-02-30' }, 'joined_on'],
    [{ name: 'Not My Cluster', kind: 'company', cluster_id: ids['cluster-b'], joined_on: '2021-01-01' }, 'cluster_id'],
    [{ name: 'A Cluster', kind: 'cluster' }, 'kind'],
    [{ name: 'Bad PIB', kind: 'company', pib: '123' }, 'pib'],
  ];
  for (const [form, field] of cases) {
    const r = await as.managerA.post('/orgs/propose?lang=en', form);
    assert.equal(r.status, 422, `${JSON.stringify(form)}: ${r.status}`);
    assert.match(r.text, new RegExp(`id="org-${field}-error"`), `error beside ${field}`);
  }
  assert.equal(count('SELECT count(*) FROM org'), orgs);
  assert.equal(count('SELECT count(*) FROM org_proposal'), 0);
});

test('a taken PIB flags only the PIB and links to the entry that holds it, when the reader may see it', async () => {
  const r = await as.managerA.post('/orgs/propose?lang=en', { name: 'Known Co', kind: 'company', pib: '101134702' });
  assert.equal(r.status, 422);
  assert.match(r.text, /id="org-pib-error"/);
  assert.doesNotMatch(r.text, /id="org-slug-error"/, 'the automatic slug is not the user\'s mistake');
  assert.match(r.text, /id="org-pib-existing"[^>]*>It belongs to this entry: <a href="\/orgs\/known-co">Known Co<\/a>/);
  // the same for the secretariat's own form
  const a = await as.admin.post('/orgs?lang=en', { name: 'Known Co', kind: 'company', pib: '101134702' });
  assert.equal(a.status, 422);
  assert.doesNotMatch(a.text, /id="org-slug-error"/);
  assert.match(a.text, /href="\/orgs\/known-co"/);
  // a draft the manager may not see is not linked (nor named)
  const h = await as.managerA.post('/orgs/propose?lang=en', { name: 'Other', kind: 'company', pib: '100000097' });
  assert.equal(h.status, 422);
  assert.match(h.text, /id="org-pib-error"/);
  assert.doesNotMatch(h.text, /hidden-co|Hidden Co/);
  // the secretariat sees it
  const ha = await as.admin.post('/orgs?lang=en', { name: 'Other', kind: 'company', pib: '100000097' });
  assert.match(ha.text, /href="\/orgs\/hidden-co"/);
  assert.equal(count('SELECT count(*) FROM org_proposal'), 0);
});

let pending; // the slug of the proposal that stays pending, then is declined
let accepted;

test('a proposed entry is hidden from the public and other users everywhere, and shown to its proposer and the secretariat', async () => {
  const listed = async () => /<h2 id="results-title">([^<]+)</.exec((await anon('/orgs?lang=en')).text)[1];
  const facets = () => sqlite("SELECT group_concat(k || n) FROM (SELECT status || kind || facet || code AS k, sum(n) AS n FROM org_facet_count WHERE status = 'published' GROUP BY 1 ORDER BY 1) AS c");
  const [listedBefore, facetsBefore] = [await listed(), facets()];
  const r = await as.managerA.post('/orgs/propose?lang=en', { name: 'Skriveni Predlog', kind: 'company', pib: '100002452' });
  if (r.status !== 303) assert.fail(text(r.text).slice(0, 600));
  pending = r.location.replace('/orgs/', '');
  assert.equal(sqlite(`SELECT o.status || '|' || p.state FROM org o JOIN org_proposal p ON p.org_id = o.id WHERE o.slug = '${pending}'`), 'draft|proposed');
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'org_propose' AND entity_id = (SELECT id FROM org WHERE slug = '${pending}')`), 1);

  const mine = await as.managerA.get(`/orgs/${pending}?lang=en`);
  assert.equal(mine.status, 200);
  assert.match(text(mine.text), /Proposed entry, pending review by the secretariat/);
  assert.doesNotMatch(mine.text, /action="\/orgs\/[^"]+\/publish"/, 'no Publish button on a proposal');
  assert.equal((await as.admin.get(`/orgs/${pending}`)).status, 200);
  for (const who of ['managerB', 'rep', 'lone']) assert.equal((await as[who].get(`/orgs/${pending}`)).status, 404, who);
  assert.equal((await anon(`/orgs/${pending}`)).status, 404);
  const surfaces = ['/orgs?lang=en', '/orgs?kind=company', '/search?q=skriveni', '/search/suggest?q=skriveni',
    '/api/v1/orgs?limit=100', '/api/v1/orgs?sort=name&limit=100', '/api/v1/search?q=skriveni'];
  for (const path of surfaces) {
    const p = await anon(path);
    assert.doesNotMatch(p.text, /Skriveni|skriveni-predlog/, `public ${path}`);
    const b = await as.managerB.get(path);
    assert.doesNotMatch(b.text, /Skriveni|skriveni-predlog/, `another manager ${path}`);
  }
  assert.equal((await anon(`/api/v1/orgs/${pending}`)).status, 404);
  assert.equal(await listed(), listedBefore, 'the public count does not count it');
  assert.equal(facets(), facetsBefore, 'the stored public facet counts do not count it');

  const start = await as.managerA.get('/start?lang=en');
  assert.match(text(start.text), /Entries you proposed Skriveni Predlog Pending review/);
  const queue = await as.admin.get('/start?lang=en');
  assert.match(queue.text, new RegExp(`action="/orgs/${pending}/proposal/accept"`));
  assert.match(queue.text, new RegExp(`action="/orgs/${pending}/proposal/decline"`));
  assert.match(text(queue.text), /Proposed entries to review/);
  assert.doesNotMatch(text((await as.managerB.get('/start?lang=en')).text), /Skriveni|Proposed entries/);
});

test('the proposer edits their proposal until it is decided, but cannot make it public', async () => {
  assert.equal((await as.managerA.get(`/orgs/${pending}/edit`)).status, 200);
  const form = { name: 'Skriveni Predlog', kind: 'company', slug: pending, pib: '100002452', short_en: 'Edited by its proposer' };
  const r = await as.managerA.post(`/orgs/${pending}`, form);
  assert.equal(r.status, 303, text(r.text).slice(0, 400));
  assert.equal(sqlite(`SELECT short_en || '|' || status FROM org WHERE slug = '${pending}'`), 'Edited by its proposer|draft');
  const pub = await as.managerA.post(`/orgs/${pending}?lang=en`, { ...form, status: 'published' });
  assert.equal(pub.status, 422);
  assert.match(pub.text, /id="org-status-error"/);
  for (const who of ['managerA', 'admin']) {
    const p = await as[who].post(`/orgs/${pending}/publish?lang=en`, {});
    assert.equal(p.status, 409, who);
    assert.match(text(p.text), /becomes public when the secretariat accepts it/);
  }
  assert.equal(sqlite(`SELECT status FROM org WHERE slug = '${pending}'`), 'draft');
  assert.equal((await as.managerB.post(`/orgs/${pending}`, form)).status, 404);
});

test('declining needs a reason, keeps the entry hidden, tells the proposer in their language and is audited', async () => {
  const none = await as.admin.post(`/orgs/${pending}/proposal/decline?lang=en`, { reason: '  ' });
  assert.equal(none.status, 422);
  assert.match(text(none.text), /Say why the entry is declined/);
  assert.equal(sqlite(`SELECT state FROM org_proposal p JOIN org o ON o.id = p.org_id WHERE o.slug = '${pending}'`), 'proposed');
  assert.equal((await as.managerA.post(`/orgs/${pending}/proposal/decline`, { reason: 'mine' })).status, 403);
  const r = await as.admin.post(`/orgs/${pending}/proposal/decline`, { reason: 'Already listed under its brand name' });
  assert.equal(r.status, 303);
  assert.equal(sqlite(`SELECT state || '|' || reason FROM org_proposal p JOIN org o ON o.id = p.org_id WHERE o.slug = '${pending}'`),
    'declined|Already listed under its brand name');
  assert.equal((await anon(`/orgs/${pending}`)).status, 404);
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'org_proposal_decline'`), 1);
  // managerA logged in with sr-Cyrl: the mail is Cyrillic
  const mail = sqlite(`SELECT subject FROM outbox WHERE to_addr = '${USERS.managerA[0]}' ORDER BY id DESC LIMIT 1`);
  assert.match(mail, /Ваш предлог Skriveni Predlog није прихваћен/); // names as typed
  assert.match(text((await as.managerA.get('/start?lang=en')).text), /Skriveni Predlog Declined: Already listed under its brand name/);
  assert.equal((await as.admin.post(`/orgs/${pending}/proposal/accept`, {})).status, 409, 'decided once');
  assert.equal((await as.managerA.get(`/orgs/${pending}/edit`)).status, 403, 'decided: no longer theirs to edit');
});

test('accepting publishes the entry and turns the membership that went with it into a membership proposal', async () => {
  const r = await as.managerA.post('/orgs/propose', { name: 'Novi Član', kind: 'company', cluster_id: ids['cluster-a'], joined_on: '2021-03-01' });
  assert.equal(r.status, 303, text(r.text).slice(0, 900));
  accepted = r.location.replace('/orgs/', '');
  assert.equal(count(`SELECT count(*) FROM cluster_member_proposal WHERE org_id = (SELECT id FROM org WHERE slug = '${accepted}')`), 0,
    'the membership waits for the entry');
  const a = await as.admin.post(`/orgs/${accepted}/proposal/accept`, {});
  assert.equal(a.status, 303);
  assert.equal((await anon(`/orgs/${accepted}`)).status, 200);
  assert.match((await anon('/orgs?lang=en')).text, /Novi Član/);
  assert.equal(sqlite(`SELECT cluster_id || '|' || joined_on || '|' || status FROM cluster_member_proposal WHERE org_id = (SELECT id FROM org WHERE slug = '${accepted}')`),
    `${ids['cluster-a']}|2021-03-01|pending`);
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'org_proposal_accept'`), 1);
  assert.match(sqlite(`SELECT subject FROM outbox WHERE to_addr = '${USERS.managerA[0]}' ORDER BY id DESC LIMIT 1`), /је у именику/);
  assert.match(text((await as.managerA.get('/start?lang=en')).text), /Novi Član Accepted/);
});

test('a namesake gets the next free address instead of an error', async () => {
  const r = await as.managerA.post('/orgs/propose', { name: 'Known Co', kind: 'company' });
  assert.equal(r.status, 303, text(r.text).slice(0, 300));
  assert.equal(r.location, '/orgs/known-co-2');
});
