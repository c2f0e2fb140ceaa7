// partner_consent.test.mjs: agreements and joint projects by consent
// (migration 0035, review of issue 14), funders on /network and on their
// profiles, and the /projects facet counts.
//
// A party or participant the writer does not speak for is proposed until
// its manager or representative (or the secretariat) confirms it; until
// then the agreement, or the participation, is shown only to the parties'
// people and the secretariat and counted nowhere (lists, Relations, API,
// start-page and digest reminders, portfolio, network). Each case here
// failed before 0035: a manager's MoU with a university was public and
// counted at once.
//
// Fixtures: the demo data (agreement #7 NiCAT-University of Niš awaits
// the university; DATA-FAB, private, names the University of Novi Sad
// without its word). People: the managers of VOICT and NiCAT, the
// representatives of the universities of Niš and Novi Sad, someone with
// no affiliation, an editor.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scan, sqliteIn, addPeople, agentsOf, anonGet } from './lib.mjs';

const PW = 'consent pass phrase 2026';
let srv;
let agents;
const sql = (q) => sqliteIn(srv.db, q);

const as = (name) => agents(name);
const pub = (path) => anonGet(srv.url, path);
// The ties table of /network as CSV rows "From,To" -> [projects, agreements, funded].
async function ties(agent) {
  const r = agent ? await agent.get('/network?format=csv&lang=en') : await pub('/network?format=csv&lang=en');
  assert.equal(r.status, 200);
  const m = new Map();
  for (const line of r.text.trim().split('\n').slice(1)) {
    const f = line.split(',');
    m.set(`${f[0]}|${f[1]}`, f.slice(2).map(Number));
  }
  return m;
}
const UNI = () => sql("SELECT id FROM org WHERE slug = 'univerzitet-u-nisu'");
const UNS = () => sql("SELECT id FROM org WHERE slug = 'univerzitet-u-novom-sadu'");

before(async () => {
  srv = await startServer({ demo: true });
  agents = agentsOf(srv.url, PW);
  addPeople(srv.db, PW, [['voict_manager', 'manager', 'voict'], ['nicat_manager', 'manager', 'nicat'],
    ['uni_rep', 'representative', 'univerzitet-u-nisu'], ['uns_rep', 'representative', 'univerzitet-u-novom-sadu'],
    ['nobody'], ['editor', null, null, ['--editor']]]);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('an agreement awaiting a party is seen only by the parties and the secretariat, and counted nowhere', async () => {
  const title = /Cooperation agreement on electronics/;
  assert.equal((await pub('/agreements/7?lang=en')).status, 404, 'the public');
  assert.equal((await (await as('nobody')).get('/agreements/7?lang=en')).status, 404, 'no affiliation');
  assert.equal((await (await as('voict_manager')).get('/agreements/7?lang=en')).status, 404, 'another cluster');
  for (const role of ['nicat_manager', 'uni_rep', 'editor']) {
    const r = await (await as(role)).get('/agreements/7?lang=en');
    assert.equal(r.status, 200, role);
    assert.match(r.text, /Awaiting confirmation by University of Niš/, role);
  }
  assert.match((await (await as('uni_rep')).get('/agreements/7?lang=en')).text, /Confirm for University of Niš/);
  assert.doesNotMatch((await (await as('nicat_manager')).get('/agreements/7?lang=en')).text, /Confirm for/, 'the recording side does not answer for the university');
  // lists, Relations, the API, the network: not for others
  assert.doesNotMatch((await pub('/agreements?lang=en')).text, title);
  assert.doesNotMatch((await pub('/orgs/univerzitet-u-nisu?lang=en')).text, title);
  assert.doesNotMatch((await pub('/api/v1/agreements')).text, /electronics/);
  assert.doesNotMatch((await pub('/api/v1/partners')).text, /electronics/);
  assert.match((await (await as('nicat_manager')).get('/agreements?lang=en')).text, title, 'the recording side lists it');
  const net = await ties();
  assert.deepEqual(net.get('Nis Cluster of Advanced Technologies|University of Niš'), [1, 0, 0], 'the joint project only');
  // start pages: the university is asked, NiCAT sees it waiting
  assert.match((await (await as('uni_rep')).get('/start?lang=en')).text, /Your organisation was named[\s\S]*\/agreements\/7#consent/);
  assert.match((await (await as('nicat_manager')).get('/start?lang=en')).text, /Yours, waiting for the other side[\s\S]*\/agreements\/7#consent/);
  assert.doesNotMatch((await (await as('voict_manager')).get('/start?lang=en')).text, /agreements\/7#consent/);
});

test('a manager\'s agreement with a partner waits for it; the partner is told, confirms, and then everyone sees and counts it', async () => {
  const m = await as('nicat_manager');
  const made = await m.post('/agreements?lang=en', {
    kind: 'mou', title_sr: 'Меморандум о пракси', title_en: 'Memorandum on internships', party1: 'nicat',
    party2: 'univerzitet-u-nisu', status: 'signed', signed_on: '2025-05-01', valid_from: '2025-05-01', valid_until: '2028-05-01',
  });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/agreements\/(\d+)/.exec(made.location)[1]);
  assert.equal(sql(`SELECT group_concat(consent, ' ') FROM (SELECT consent FROM agreement_party WHERE agreement_id = ${id} ORDER BY CASE WHEN org_id = ${UNI()} THEN 1 ELSE 0 END) AS p`), 'confirmed proposed');
  assert.equal(sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'agreement' AND entity_id = ${id}
    AND person_id = (SELECT id FROM person WHERE email = 'uni_rep@example.com')`), '1', 'the university\'s representative is told');
  assert.match((await m.get(`/agreements/${id}?saved=1&lang=en`)).text, /asked to confirm/);
  assert.equal((await pub(`/agreements/${id}`)).status, 404);
  // only who speaks for the university answers for it
  const stranger = await (await as('voict_manager')).post(`/agreements/${id}/consent`, { org: UNI(), decision: 'confirm' });
  assert.equal(stranger.status, 404, 'not a party: the agreement does not exist for them');
  const self = await m.post(`/agreements/${id}/consent`, { org: UNI(), decision: 'confirm' });
  assert.equal(self.status, 403, 'the recording side cannot confirm for the other');
  const bad = await (await as('uni_rep')).post(`/agreements/${id}/consent?lang=en`, { org: UNI(), decision: 'maybe' });
  assert.equal(bad.status, 400);
  assert.equal(sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${id} AND org_id = ${UNI()}`), 'proposed', 'nothing changed');
  const ok = await (await as('uni_rep')).post(`/agreements/${id}/consent`, { org: UNI(), decision: 'confirm' });
  assert.equal(ok.status, 303);
  assert.equal(sql(`SELECT count(*) FROM audit WHERE action = 'agreement_confirm' AND entity_id = ${id}`), '1');
  assert.equal((await pub(`/agreements/${id}`)).status, 200);
  assert.match((await pub('/orgs/univerzitet-u-nisu?lang=en')).text, /Memorandum on internships/);
  assert.deepEqual((await ties()).get('Nis Cluster of Advanced Technologies|University of Niš'), [1, 1, 0]);
  const again = await (await as('uni_rep')).post(`/agreements/${id}/consent`, { org: UNI(), decision: 'decline' });
  assert.equal(again.status, 409, 'answered already');
});

test('changed terms ask the other party again; an unchanged save keeps its confirmation', async () => {
  const m = await as('nicat_manager');
  const form = {
    kind: 'mou', title_sr: 'Меморандум о лабораторији', title_en: 'Memorandum on a laboratory', party1: 'nicat',
    party2: 'univerzitet-u-nisu', status: 'signed', signed_on: '2025-06-01', valid_from: '2025-06-01', valid_until: '2027-06-01',
  };
  const made = await m.post('/agreements?lang=en', form);
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/agreements\/(\d+)/.exec(made.location)[1]);
  assert.equal((await (await as('uni_rep')).post(`/agreements/${id}/consent`, { org: UNI(), decision: 'confirm' })).status, 303);
  const consent = () => sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${id} AND org_id = ${UNI()}`);
  const told = () => sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'agreement' AND entity_id = ${id}`);
  assert.equal(consent(), 'confirmed');
  // the same terms saved again: nothing to confirm anew
  assert.equal((await m.post(`/agreements/${id}`, form)).status, 303);
  assert.equal(consent(), 'confirmed');
  assert.equal((await pub(`/agreements/${id}`)).status, 200);
  // new terms: the university's word on the old ones no longer holds
  const before = Number(told());
  const changed = await m.post(`/agreements/${id}`, { ...form, title_en: 'Ministry grants NiCAT EUR 10 million', valid_until: '2030-01-01' });
  assert.equal(changed.status, 303, changed.text.slice(0, 300));
  assert.equal(consent(), 'proposed');
  assert.equal(Number(told()), before + 1, 'the university is told again');
  assert.equal((await pub(`/agreements/${id}`)).status, 404, 'out of sight until it confirms the new terms');
  assert.equal(sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${id} AND org_id <> ${UNI()}`), 'confirmed', 'the writer\'s own side stays');
});

test('declining is audited with its reason, shown to the recording side, and keeps the agreement out of sight', async () => {
  const long = await (await as('uni_rep')).post('/agreements/7/consent?lang=en', { org: UNI(), decision: 'decline', reason: 'x'.repeat(501) });
  assert.equal(long.status, 422);
  assert.match(long.text, /at most 500 characters/);
  assert.equal(sql(`SELECT consent FROM agreement_party WHERE agreement_id = 7 AND org_id = ${UNI()}`), 'proposed');
  const r = await (await as('uni_rep')).post('/agreements/7/consent', { org: UNI(), decision: 'decline', reason: 'Not agreed with the faculty' });
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT consent || '|' || reason FROM agreement_party WHERE agreement_id = 7 AND org_id = ${UNI()}`), 'declined|Not agreed with the faculty');
  assert.match(sql("SELECT detail FROM audit WHERE action = 'agreement_decline' AND entity_id = 7"), /Not agreed with the faculty/);
  assert.match((await (await as('nicat_manager')).get('/agreements/7?lang=en')).text, /Declined by University of Niš[\s\S]*Not agreed with the faculty/);
  assert.equal((await pub('/agreements/7')).status, 404);
});

test('the secretariat\'s agreements are confirmed at once', async () => {
  const made = await (await as('editor')).post('/agreements?lang=en', {
    kind: 'cooperation', title_sr: 'Споразум секретаријата', title_en: 'Secretariat agreement', party1: 'voict',
    party2: 'ministarstvo-privrede', status: 'signed', signed_on: '2025-01-10',
  });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/agreements\/(\d+)/.exec(made.location)[1]);
  assert.equal(sql(`SELECT group_concat(DISTINCT consent) FROM agreement_party WHERE agreement_id = ${id}`), 'confirmed');
  assert.equal((await pub(`/agreements/${id}`)).status, 200);
});

test('a project\'s participant named without its word is hidden from others and counted nowhere until it confirms', async () => {
  const m = await as('voict_manager');
  const made = await m.post('/projects?lang=en', {
    title_sr: 'Пројекат са универзитетом', title_en: 'Project with the university', status: 'approved', visibility: 'public',
    starts_on: '2025-02-01', ends_on: '2026-12-31', budget: '50000', grant: '40000',
    p_org: ['voict', 'univerzitet-u-nisu', ''], p_role: ['lead', 'partner', 'partner'], p_share: ['30000', '10000', ''],
  });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/projects\/(\d+)/.exec(made.location)[1]);
  assert.equal(sql(`SELECT consent FROM project_participant WHERE project_id = ${id} AND org_id = ${UNI()}`), 'proposed');
  assert.equal(sql(`SELECT consent FROM project_participant WHERE project_id = ${id} AND role = 'lead'`), 'confirmed');
  assert.equal(sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'project' AND entity_id = ${id}`), '1');
  const page = await pub(`/projects/${id}?lang=en`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /University of Niš/, 'the public does not see the unconfirmed participant');
  assert.match((await m.get(`/projects/${id}?lang=en`)).text, /University of Niš[\s\S]*awaiting confirmation/);
  assert.doesNotMatch((await pub('/orgs/univerzitet-u-nisu?lang=en')).text, /Project with the university/);
  assert.doesNotMatch((await pub('/projects?cluster=&sector=&lang=en&format=csv')).text.split('\n').filter((l) => /university/.test(l)).join(), /Niš/);
  assert.deepEqual((await ties()).get('Vojvodina ICT Cluster|University of Niš'), [1, 0, 0], 'DIGI-MET only');
  // the university's representative confirms from the project page
  const rep = await as('uni_rep');
  assert.match((await rep.get(`/projects/${id}?lang=en`)).text, /Confirm for University of Niš/);
  assert.equal((await (await as('nobody')).post(`/projects/${id}/consent`, { org: UNI(), decision: 'confirm' })).status, 404, 'the waiting participant is not shown to them');
  assert.equal((await m.post(`/projects/${id}/consent`, { org: UNI(), decision: 'confirm' })).status, 403, 'the lead does not answer for the university');
  assert.equal((await rep.post(`/projects/${id}/consent`, { org: UNI(), decision: 'confirm' })).status, 303);
  assert.equal(sql(`SELECT count(*) FROM audit WHERE action = 'project_confirm' AND entity_id = ${id}`), '1');
  assert.match((await pub(`/projects/${id}?lang=en`)).text, /University of Niš/);
  assert.match((await pub('/orgs/univerzitet-u-nisu?lang=en')).text, /Project with the university/);
  assert.deepEqual((await ties()).get('Vojvodina ICT Cluster|University of Niš'), [2, 0, 0]);
  // a later change by the lead keeps the university's confirmation
  const edit = await m.post(`/projects/${id}?lang=en`, {
    title_sr: 'Пројекат са универзитетом', title_en: 'Project with the university, renamed', status: 'running', visibility: 'public',
    p_org: ['voict', 'univerzitet-u-nisu', ''], p_role: ['lead', 'partner', 'partner'], p_share: ['30000', '10000', ''],
  });
  assert.equal(edit.status, 303);
  assert.equal(sql(`SELECT consent FROM project_participant WHERE project_id = ${id} AND org_id = ${UNI()}`), 'confirmed');
  // the lead cannot drop a participant that agreed, nor change its terms behind its back
  const told = () => Number(sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'project' AND entity_id = ${id}`));
  const drop = await m.post(`/projects/${id}?lang=en`, {
    title_sr: 'Пројекат са универзитетом', title_en: 'Project with the university, renamed', status: 'running', visibility: 'public',
    p_org: ['voict', '', ''], p_role: ['lead', 'partner', 'partner'], p_share: ['30000', '', ''],
  });
  assert.equal(drop.status, 422, drop.text.slice(0, 200));
  assert.equal(sql(`SELECT consent FROM project_participant WHERE project_id = ${id} AND org_id = ${UNI()}`), 'confirmed', 'nothing changed');
  const before = told();
  const cut = await m.post(`/projects/${id}?lang=en`, {
    title_sr: 'Пројекат са универзитетом', title_en: 'Project with the university, renamed', status: 'running', visibility: 'public',
    p_org: ['voict', 'univerzitet-u-nisu', ''], p_role: ['lead', 'partner', 'partner'], p_share: ['30000', '0.01', ''],
  });
  assert.equal(cut.status, 303, cut.text.slice(0, 200));
  assert.equal(sql(`SELECT consent FROM project_participant WHERE project_id = ${id} AND org_id = ${UNI()}`), 'proposed', 'a new share is asked again');
  assert.equal(told(), before + 1, 'and the university is told');
  assert.doesNotMatch((await pub(`/projects/${id}?lang=en`)).text, /University of Niš/);
  assert.equal((await rep.post(`/projects/${id}/consent`, { org: UNI(), decision: 'confirm' })).status, 303);
});

test('the demo\'s private project shows its waiting participant to the project\'s people, who may answer', async () => {
  const id = sql("SELECT id FROM project WHERE acronym = 'DATA-FAB'");
  const rep = await as('uns_rep');
  const r = await rep.get(`/projects/${id}?lang=en`);
  assert.equal(r.status, 200);
  assert.match(r.text, /Confirm for University of Novi Sad/);
  assert.match((await rep.get('/start?lang=en')).text, new RegExp(`/projects/${id}#consent`));
  assert.equal((await pub(`/projects/${id}`)).status, 404, 'private');
  assert.equal((await rep.post(`/projects/${id}/consent`, { org: UNS(), decision: 'decline' })).status, 303);
  assert.equal(sql(`SELECT consent FROM project_participant WHERE project_id = ${id} AND org_id = ${UNS()}`), 'declined');
});

test('/network counts funders apart from partners and draws their ties as funding', async () => {
  const r = await pub('/network?lang=en');
  assert.equal(r.status, 200);
  const m = /Partners tied through projects and agreements: (\d+)\. Funders, counted apart: (\d+)\./.exec(r.text);
  assert.ok(m, 'the counts line');
  assert.ok(Number(m[2]) >= 1, 'the EU programmes entry funds and takes part in nothing');
  assert.match(r.text, /class="net-node f2 net-funder"/);
  assert.match(r.text, /class="net-edge net-fund"/);
  const t = await ties();
  assert.deepEqual(t.get('Demo: European Union programmes|University of Niš'), [0, 0, 3], 'a funder is no project partner');
});

test('a funder\'s profile shows the calls it publishes and the projects it funds, not calls to apply for', async () => {
  for (const slug of ['demo-donor-programme', 'ministarstvo-privrede']) {
    const r = await pub(`/orgs/${slug}?lang=en`);
    assert.equal(r.status, 200);
    assert.match(r.text, /Funding calls it publishes/, slug);
    assert.match(r.text, /Projects it funds/, slug);
    assert.doesNotMatch(r.text, /Calls you can apply for/, slug);
  }
  assert.match((await pub('/orgs/ministarstvo-privrede?lang=en')).text, /Cluster support programme 2026/);
  assert.doesNotMatch((await pub('/orgs/voict?lang=en')).text, /Funding calls it publishes/);
});

test('/projects facet counts follow the other filters and never count private projects for outsiders', async () => {
  const opt = (html, v) => { const m = new RegExp(`<option value="${v}"[^>]*>[^<(]*\\((\\d+)\\)</option>`).exec(html); return m ? Number(m[1]) : 0; };
  const p = (await pub('/projects?lang=en')).text;
  const e = (await (await as('editor')).get('/projects?lang=en')).text;
  assert.equal(opt(p, 'preparation'), 0, 'the private DATA-FAB is not counted for the public');
  assert.ok(opt(e, 'preparation') >= 1, 'the secretariat counts it');
  const closed = opt(p, 'closed');
  assert.ok(closed >= 1);
  const rows = Number(sql("SELECT count(*) FROM project WHERE status = 'closed' AND visibility = 'public'"));
  assert.equal(closed, rows, 'the count is the list\'s');
  // under another filter: the status counts of one programme
  const h = (await pub('/projects?programme=Horizon%20Europe&lang=en')).text;
  assert.equal(opt(h, 'closed'), Number(sql("SELECT count(*) FROM project WHERE status = 'closed' AND visibility = 'public' AND programme = 'Horizon Europe'")));
  assert.match(h, /<option value="Horizon Europe" selected>Horizon Europe \(\d+\)<\/option>/);
});
