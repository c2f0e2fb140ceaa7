// funder_consent.test.mjs: the rest of issue 14's consent (migration 0044,
// model/tie.c): a project's funder by consent, a new signed PDF asks an
// agreement's parties again, and consent through the API.
//
// Before 0044 a cluster manager could name a ministry as a project's
// funder with a grant in its name, and the project showed at once on the
// ministry's profile, in /network (a funding tie), in the portfolio's
// totals, in /projects?funder=, its CSV and the API. Each place is checked
// here while the funder has not confirmed, and again once it has.
//
// Fixtures: the demo data. People: the manager of VOICT, the
// representatives of the ministry (ministarstvo-privrede) and of the
// University of Niš, the manager of NiCAT, someone with no affiliation,
// an editor.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scan, sqliteIn, makeToken, addPeople, addOldAffiliation, agentsOf, anonGet, tinyPdf } from './lib.mjs';

const PW = 'funder consent phrase 2026';
let srv;
let agents;
const sql = (q) => sqliteIn(srv.db, q);

const as = (name) => agents(name);
const pub = (path) => anonGet(srv.url, path);
async function bearer(token, method, path, json) {
  const res = await fetch(srv.url + path, {
    method, redirect: 'manual',
    headers: { Authorization: `Bearer ${token}`, ...(json ? { 'Content-Type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  return { status: res.status, text: await res.text() };
}
// The /network ties table as "From|To" -> [projects, agreements, funded].
async function ties() {
  const r = await pub('/network?format=csv&lang=en');
  assert.equal(r.status, 200);
  const m = new Map();
  for (const line of r.text.trim().split('\n').slice(1)) {
    const f = line.split(',');
    m.set(`${f[0]}|${f[1]}`, f.slice(2).map(Number));
  }
  return m;
}
// The portfolio's all-years grant total (euro cents), as the public reads it.
async function portfolioTotal() {
  const r = await pub('/projects/portfolio?table=programmes&format=csv&lang=en');
  assert.equal(r.status, 200, r.text.slice(0, 200));
  const rows = r.text.trim().split('\n').slice(1);
  return Math.round(rows.reduce((s, l) => s + Number(l.slice(l.lastIndexOf(',') + 1)), 0) * 100) / 100;
}
async function upload(role, id, bytes) {
  const a = await as(role);
  const fd = new FormData();
  fd.append('_csrf', a.session.csrf);
  fd.append('file', new Blob([bytes], { type: 'application/pdf' }), 'signed.pdf');
  const res = await fetch(`${srv.url}/agreements/${id}/file?lang=en`, {
    method: 'POST', redirect: 'manual', body: fd, headers: { Origin: srv.url, Cookie: a.session.cookie },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

const MIN = () => sql("SELECT id FROM org WHERE slug = 'ministarstvo-privrede'");
const UNI = () => sql("SELECT id FROM org WHERE slug = 'univerzitet-u-nisu'");
const TITLE = 'Funded without asking';
const PROJECT = {
  title_sr: 'Пројекат министарства', title_en: TITLE, status: 'approved', visibility: 'public',
  starts_on: '2025-03-01', ends_on: '2026-12-31', budget: '900000', grant: '777777', funder: 'ministarstvo-privrede',
  programme: 'Consent test programme',
  p_org: ['voict', '', ''], p_role: ['lead', 'partner', 'partner'], p_share: ['', '', ''],
};
let pid;

before(async () => {
  srv = await startServer({ demo: true });
  agents = agentsOf(srv.url, PW);
  addPeople(srv.db, PW, [['voict_manager', 'manager', 'voict'], ['ministry_rep', 'representative', 'ministarstvo-privrede'],
    ['uni_rep', 'representative', 'univerzitet-u-nisu'], ['nicat_manager', 'manager', 'nicat'], ['nobody'],
    ['editor', null, null, ['--editor']]]);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a funder named without its word is shown to nobody else and its grant counts nowhere, until it confirms', async () => {
  const totalBefore = await portfolioTotal();
  const fundedBefore = (await ties()).get('Vojvodina ICT Cluster|Ministry of Economy') ?? [0, 0, 0];
  const m = await as('voict_manager');
  const made = await m.post('/projects?lang=en', PROJECT);
  assert.equal(made.status, 303, made.text.slice(0, 300));
  pid = Number(/\/projects\/(\d+)/.exec(made.location)[1]);
  assert.equal(sql(`SELECT funder_consent FROM project WHERE id = ${pid}`), 'proposed');
  assert.equal(sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'project' AND entity_id = ${pid}
    AND person_id = (SELECT id FROM person WHERE email = 'ministry_rep@example.com')`), '1', 'the ministry is told');
  assert.match((await m.get(`/projects/${pid}?saved=1&lang=en`)).text, /asked to confirm/);

  // the project page: the public and outsiders see neither the funder nor the grant
  for (const r of [await pub(`/projects/${pid}?lang=en`), await (await as('nobody')).get(`/projects/${pid}?lang=en`)]) {
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /Ministry of Economy/);
    assert.doesNotMatch(r.text, /777[.,]777/);
  }
  // the project's people, the funder's people and the secretariat see it waiting
  for (const role of ['voict_manager', 'ministry_rep', 'editor']) {
    const r = await (await as(role)).get(`/projects/${pid}?lang=en`);
    assert.match(r.text, /Ministry of Economy<\/a> <span class="badge badge-awaiting">awaiting confirmation/, role);
    assert.match(r.text, /Awaiting confirmation by Ministry of Economy as the funder/, role);
  }
  assert.match((await (await as('ministry_rep')).get(`/projects/${pid}?lang=en`)).text, /Confirm for Ministry of Economy/);
  assert.doesNotMatch((await m.get(`/projects/${pid}?lang=en`)).text, /Confirm for Ministry/, 'the lead does not answer for the ministry');
  assert.match((await (await as('ministry_rep')).get('/start?lang=en')).text, new RegExp(`/projects/${pid}#consent`));

  // the funder's profile, the list and its filter, the CSV, the API, the network, the portfolio
  assert.doesNotMatch((await pub('/orgs/ministarstvo-privrede?lang=en')).text, new RegExp(TITLE));
  assert.match((await (await as('ministry_rep')).get('/orgs/ministarstvo-privrede?lang=en')).text, new RegExp(`${TITLE}</a> · Approved <span class="badge badge-awaiting">`), 'its people see it, marked');
  assert.doesNotMatch((await pub('/projects?funder=ministarstvo-privrede&lang=en')).text, new RegExp(TITLE));
  const csv = (await pub('/projects?format=csv&lang=en')).text.split('\n').find((l) => l.includes(TITLE));
  assert.ok(csv, 'the project itself is listed');
  assert.doesNotMatch(csv, /Ministry|777/);
  const api = JSON.parse((await pub(`/api/v1/projects/${pid}`)).text);
  assert.equal(api.funder, null);
  assert.equal(api.grant_cents, null);
  assert.ok(!(await pub('/api/v1/projects?funder=ministarstvo-privrede')).text.includes(TITLE));
  const apiRep = JSON.parse((await bearer(await makeToken(srv.url, (await as('ministry_rep')).session, 'read'), 'GET', `/api/v1/projects/${pid}`)).text);
  assert.equal(apiRep.funder, 'ministarstvo-privrede');
  assert.equal(apiRep.funder_consent, 'proposed');
  assert.deepEqual((await ties()).get('Vojvodina ICT Cluster|Ministry of Economy') ?? [0, 0, 0], fundedBefore, 'no funding tie');
  assert.equal(await portfolioTotal(), totalBefore, 'the grant is in no total');

  // the ministry confirms through the API
  const tok = await makeToken(srv.url, (await as('ministry_rep')).session, 'write');
  const ok = await bearer(tok, 'POST', `/api/v1/projects/${pid}/consent`, { org: 'ministarstvo-privrede', as: 'funder', decision: 'confirm' });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(JSON.parse(ok.text), { org: Number(MIN()), as: 'funder', consent: 'confirmed' });
  assert.equal(sql(`SELECT count(*) FROM audit WHERE action = 'project_funder_confirm' AND entity_id = ${pid}`), '1');
  assert.match((await pub(`/projects/${pid}?lang=en`)).text, /Ministry of Economy[\s\S]*777[.,]777/);
  assert.match((await pub('/orgs/ministarstvo-privrede?lang=en')).text, new RegExp(TITLE));
  assert.match((await pub('/projects?format=csv&lang=en')).text.split('\n').find((l) => l.includes(TITLE)), /Ministry of Economy/);
  assert.equal(JSON.parse((await pub(`/api/v1/projects/${pid}`)).text).grant_cents, 77777700);
  assert.equal((await ties()).get('Vojvodina ICT Cluster|Ministry of Economy')[2], fundedBefore[2] + 1, 'the funding tie drawn');
  assert.equal(await portfolioTotal(), totalBefore + 777777, 'the grant counted once');
  const twice = await bearer(tok, 'POST', `/api/v1/projects/${pid}/consent`, { org: 'ministarstvo-privrede', as: 'funder', decision: 'confirm' });
  assert.equal(twice.status, 409);
});

test('a new grant asks the funder again; an unchanged save keeps its word; a decline keeps it out of sight', async () => {
  const m = await as('voict_manager');
  const told = () => Number(sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'project' AND entity_id = ${pid}`));
  assert.equal((await m.post(`/projects/${pid}?lang=en`, { ...PROJECT, outputs_en: 'A report' })).status, 303);
  assert.equal(sql(`SELECT funder_consent FROM project WHERE id = ${pid}`), 'confirmed', 'the same funder and grant');
  const before = told();
  assert.equal((await m.post(`/projects/${pid}?lang=en`, { ...PROJECT, grant: '888888' })).status, 303);
  assert.equal(sql(`SELECT funder_consent FROM project WHERE id = ${pid}`), 'proposed', 'a new amount in its name');
  assert.equal(told(), before + 1);
  assert.doesNotMatch((await pub(`/projects/${pid}?lang=en`)).text, /Ministry of Economy|888[.,]888/);
  // a decline from the page, with its reason
  const rep = await as('ministry_rep');
  const long = await rep.post(`/projects/${pid}/consent?lang=en`, { org: MIN(), as: 'funder', decision: 'decline', reason: 'x'.repeat(501) });
  assert.equal(long.status, 422);
  assert.match(long.text, /at most 500 characters/);
  const r = await rep.post(`/projects/${pid}/consent`, { org: MIN(), as: 'funder', decision: 'decline', reason: 'No such grant was given' });
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT funder_consent || '|' || funder_reason FROM project WHERE id = ${pid}`), 'declined|No such grant was given');
  assert.match(sql(`SELECT detail FROM audit WHERE action = 'project_funder_decline' AND entity_id = ${pid}`), /No such grant/);
  assert.match((await m.get(`/projects/${pid}?lang=en`)).text, /Ministry of Economy declined being named as the funder[\s\S]*No such grant was given/);
  assert.doesNotMatch((await pub(`/projects/${pid}?lang=en`)).text, /Ministry of Economy/);
  assert.doesNotMatch((await pub('/orgs/ministarstvo-privrede?lang=en')).text, new RegExp(TITLE));
});

test('the secretariat\'s funder, and one the writer speaks for, are confirmed at once', async () => {
  const made = await (await as('editor')).post('/projects?lang=en', { ...PROJECT, title_en: 'Secretariat funded' });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/projects\/(\d+)/.exec(made.location)[1]);
  assert.equal(sql(`SELECT funder_consent FROM project WHERE id = ${id}`), 'confirmed');
  assert.match((await pub(`/projects/${id}?lang=en`)).text, /Ministry of Economy/);
});

test('consent through the API: every role, every refusal with a clear message and nothing changed', async () => {
  const m = await as('voict_manager');
  const made = await m.post('/projects?lang=en', { ...PROJECT, title_en: 'API consent project',
    p_org: ['voict', 'univerzitet-u-nisu', ''], p_share: ['', '5000', ''] });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/projects\/(\d+)/.exec(made.location)[1]);
  const state = () => sql(`SELECT funder_consent || '|' || (SELECT consent FROM project_participant WHERE project_id = ${id} AND org_id = ${UNI()}) FROM project WHERE id = ${id}`);
  const audits = () => sql(`SELECT count(*) FROM audit WHERE entity = 'project' AND entity_id = ${id}`);
  assert.equal(state(), 'proposed|proposed');
  const a0 = audits();
  const path = `/api/v1/projects/${id}/consent`;
  const body = { org: 'univerzitet-u-nisu', decision: 'confirm' };
  // the public, a read-only token: refused
  assert.equal((await bearer('not-a-token', 'POST', path, body)).status, 401);
  const ro = await makeToken(srv.url, (await as('uni_rep')).session, 'read');
  assert.equal((await bearer(ro, 'POST', path, body)).status, 403, 'a read-only token writes nothing');
  // who does not speak for the university: 403 (those who see it) or 404 (who do not)
  const tokens = {};
  for (const role of ['nobody', 'voict_manager', 'ministry_rep', 'uni_rep', 'editor'])
    tokens[role] = await makeToken(srv.url, (await as(role)).session, 'write');
  const stranger = await bearer(tokens.nobody, 'POST', path, body);
  assert.equal(stranger.status, 404, 'the waiting participant is not shown to them');
  const lead = await bearer(tokens.voict_manager, 'POST', path, body);
  assert.equal(lead.status, 403);
  assert.match(JSON.parse(lead.text).error.message, /managers and representatives/);
  assert.equal((await bearer(tokens.ministry_rep, 'POST', path, body)).status, 404, 'the funder does not see a waiting participant');
  assert.equal((await bearer(tokens.uni_rep, 'POST', path, { ...body, as: 'funder' })).status, 404, 'the university is no funder');
  // bad bodies: 422 naming the field
  for (const [bad, field] of [[{ org: 'univerzitet-u-nisu', decision: 'maybe' }, 'decision'], [{ decision: 'confirm' }, 'org'],
    [{ org: 'no-such-entry', decision: 'confirm' }, 'org'], [{ ...body, as: 'party' }, 'as'], [{ ...body, reason: 7 }, 'reason'],
    [{ org: 'univerzitet-u-nisu', decision: 'decline', reason: 'x'.repeat(501) }, 'reason']]) {
    const r = await bearer(tokens.uni_rep, 'POST', path, bad);
    assert.equal(r.status, 422, JSON.stringify(bad));
    assert.ok(JSON.parse(r.text).error.fields[field], `${field}: ${r.text}`);
  }
  assert.equal(state(), 'proposed|proposed', 'nothing changed');
  assert.equal(audits(), a0, 'no audit row');
  // the university's representative and the secretariat answer
  const ok = await bearer(tokens.uni_rep, 'POST', path, { ...body, as: 'participant' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await bearer(tokens.editor, 'POST', path, { org: MIN(), as: 'funder', decision: 'decline', reason: 'Secretariat: not ours' })).status, 200);
  assert.equal(state(), 'declined|confirmed');
  // agreements: a party's answer
  const ag = await (await as('nicat_manager')).post('/agreements?lang=en', {
    kind: 'mou', title_sr: 'Меморандум АПИ', title_en: 'API memorandum', party1: 'nicat', party2: 'univerzitet-u-nisu',
    status: 'signed', signed_on: '2025-05-01',
  });
  assert.equal(ag.status, 303, ag.text.slice(0, 300));
  const gid = Number(/\/agreements\/(\d+)/.exec(ag.location)[1]);
  const apath = `/api/v1/agreements/${gid}/consent`;
  assert.equal((await bearer(tokens.voict_manager, 'POST', apath, { org: UNI(), decision: 'confirm' })).status, 404, 'not theirs to see');
  assert.equal((await bearer(tokens.uni_rep, 'POST', apath, { org: UNI(), decision: 'confirm', as: 'funder' })).status, 422);
  const agOk = await bearer(tokens.uni_rep, 'POST', apath, { org: UNI(), decision: 'confirm' });
  assert.equal(agOk.status, 200, agOk.text);
  assert.equal(JSON.parse(agOk.text).as, 'party');
  assert.equal(JSON.parse((await pub(`/api/v1/agreements/${gid}`)).text).parties.find((p) => p.slug === 'univerzitet-u-nisu').consent, 'confirmed');
});

test('a new signed PDF asks the other parties again, tells them, and takes the agreement out of public sight', async () => {
  const nm = await as('nicat_manager');
  const made = await nm.post('/agreements?lang=en', {
    kind: 'mou', title_sr: 'Меморандум ПДФ', title_en: 'PDF memorandum', party1: 'nicat', party2: 'univerzitet-u-nisu',
    status: 'signed', signed_on: '2025-05-01',
  });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/agreements\/(\d+)/.exec(made.location)[1]);
  assert.equal((await (await as('uni_rep')).post(`/agreements/${id}/consent`, { org: UNI(), decision: 'confirm' })).status, 303);
  assert.equal((await pub(`/agreements/${id}`)).status, 200);
  const consent = () => sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${id} AND org_id = ${UNI()}`);
  const told = () => Number(sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'agreement' AND entity_id = ${id}`));
  const before = told();
  const up = await upload('nicat_manager', id, tinyPdf('New terms'));
  assert.equal(up.status, 303, up.text.slice(0, 300));
  assert.equal(consent(), 'proposed', 'a new document is new terms');
  assert.equal(told(), before + 1, 'the university is told');
  assert.match(sql(`SELECT detail FROM audit WHERE action = 'agreement_file' AND entity_id = ${id}`), new RegExp(`"asked_again":\\[${UNI()}\\]`));
  assert.equal(sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${id} AND org_id <> ${UNI()}`), 'confirmed', 'the uploader\'s own side stays');
  assert.equal((await pub(`/agreements/${id}`)).status, 404, 'out of public sight until it confirms');
  assert.match((await nm.get(`/agreements/${id}?uploaded=1&lang=en`)).text, /asked to confirm again/);
  assert.equal((await (await as('uni_rep')).post(`/agreements/${id}/consent`, { org: UNI(), decision: 'confirm' })).status, 303);
  assert.equal((await pub(`/agreements/${id}`)).status, 200);
  // the secretariat speaks for every party: its upload asks nobody
  const t2 = told();
  assert.equal((await upload('editor', id, tinyPdf('Secretariat copy'))).status, 303);
  assert.equal(consent(), 'confirmed');
  assert.equal(told(), t2);
});

// A "manager" affiliation speaks only for a cluster or cluster initiative
// (RIGHTS_SQL_SPEAKS in rights.h). project.c counted any current manager
// or representative of a participant: a company's "manager" (none is
// granted any more, but older data holds them) saw a funder that had not
// confirmed, the participants not confirmed, and found the project in its
// "waiting for you" list. The company's representative still does.
test('a company\'s "manager" sees no unconfirmed funder or participant and nothing waiting; its representative does', async () => {
  assert.equal(sql("SELECT kind FROM org WHERE slug = 'backa-kod'"), 'company');
  addPeople(srv.db, PW, [['backa_rep', 'representative', 'backa-kod'], ['backa_manager']]);
  addOldAffiliation(srv.db, 'backa_manager', 'manager', 'backa-kod');
  const made = await (await as('voict_manager')).post('/projects?lang=en', { ...PROJECT, title_en: 'Company manager project',
    p_org: ['voict', 'backa-kod', ''] });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/projects\/(\d+)/.exec(made.location)[1]);
  assert.equal(sql(`SELECT p.funder_consent || '|' || pp.consent FROM project p JOIN project_participant pp ON pp.project_id = p.id
    JOIN org o ON o.id = pp.org_id WHERE p.id = ${id} AND o.slug = 'backa-kod'`), 'proposed|proposed');
  const seen = async (who) => {
    const a = await as(who);
    const page = await a.get(`/projects/${id}?lang=en`);
    assert.equal(page.status, 200, who);
    const api = JSON.parse((await bearer(await makeToken(srv.url, a.session, 'read'), 'GET', `/api/v1/projects/${id}`)).text);
    return {
      funderOnPage: /Ministry of Economy/.test(page.text) || /777[.,]777/.test(page.text),
      participantOnPage: page.text.includes('href="/orgs/backa-kod"'),
      funderInApi: api.funder, grantInApi: api.grant_cents,
      waiting: (await a.get('/start?lang=en')).text.includes(`/projects/${id}#consent`),
    };
  };
  assert.deepEqual(await seen('backa_manager'),
    { funderOnPage: false, participantOnPage: false, funderInApi: null, grantInApi: null, waiting: false },
    'a company\'s "manager" speaks for nobody: as the public');
  assert.deepEqual(await seen('backa_rep'),
    { funderOnPage: true, participantOnPage: true, funderInApi: 'ministarstvo-privrede', grantInApi: 77777700, waiting: true },
    'the company\'s representative');
});
