// issue14_s10.test.mjs: the reviewers' "low" findings on issue 14 (session
// 10, h14): a participant that declined a private project loses it on every
// read path and lands on the start page with a notice; a confirmed
// participant whose share or role the lead changes is asked again (told,
// recorded in the history), and an unchanged save resets nothing; a draft
// agreement's document only for the secretariat and the managers of parties
// that confirmed it; country names instead of codes; a demo cluster that
// can apply to the call closing within a week; programme names in English.
//
// Fixtures: the demo data. People: an editor (the secretariat), the
// manager of VOICT (leads projects), the representative and the manager of
// the University of Niš, the manager of NiCAT, someone with no affiliation.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, sqliteIn, addPeople, addOldAffiliation, agentsOf, anonGet, tinyPdf } from './lib.mjs';

const PW = 'issue fourteen session ten 2026';
let srv;
let agents;
const sql = (q) => sqliteIn(srv.db, q);
const as = (name) => agents(name);
const pub = (path) => anonGet(srv.url, path);

before(async () => {
  srv = await startServer({ demo: true });
  agents = agentsOf(srv.url, PW);
  addPeople(srv.db, PW, [
    ['lead', 'manager', 'voict'],
    ['uni_rep', 'representative', 'univerzitet-u-nisu'],
    ['uni_mgr'],
    ['nicat_mgr', 'manager', 'nicat'],
    ['nobody'],
    ['editor', null, null, ['--editor']],
    ['admin', null, null, ['--admin']],
  ]);
  addOldAffiliation(srv.db, 'uni_mgr', 'manager', 'univerzitet-u-nisu'); // gives nothing (rights.h)
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const PROJECT = (over = {}) => ({
  title_sr: 'Приватни пројекат за проверу', title_en: 'Private check project', status: 'preparation',
  visibility: 'participants', starts_on: '2025-03-01', budget: '1000',
  p_org: ['voict', 'univerzitet-u-nisu'], p_role: ['lead', 'partner'], p_share: ['', ''], ...over,
});
// The text of every part of /projects?format=xlsx as agent a gets it
// (the workbook is a zip: python3's zipfile opens it).
async function xlsxText(a) {
  const res = await fetch(`${srv.url}/projects?lang=en&format=xlsx`, { headers: { Cookie: a.session.cookie } });
  assert.equal(res.status, 200);
  const py = spawnSync('/usr/bin/python3', ['-c', `
import sys, io, zipfile
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
for n in z.namelist(): sys.stdout.write(z.read(n).decode('utf-8', 'replace'))
`], { input: Buffer.from(await res.arrayBuffer()), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  return py.stdout;
}
const orgId = (slug) => sql(`SELECT id FROM org WHERE slug = '${slug}'`);

test('a participant that declines a private project loses it everywhere and lands on its start page with a notice', async () => {
  const lead = await as('lead');
  const made = await lead.post('/projects?lang=en', PROJECT({ title_en: 'Declined private project' }));
  assert.equal(made.status, 303, made.text.slice(0, 1500));
  const id = /\/projects\/(\d+)/.exec(made.location)[1];
  assert.equal(sql(`SELECT consent FROM project_participant WHERE project_id = ${id} AND org_id = ${orgId('univerzitet-u-nisu')}`), 'proposed');
  const rep = await as('uni_rep');
  // asked: the page, the API, the list and the start page show it
  assert.equal((await rep.get(`/projects/${id}?lang=en`)).status, 200);
  assert.match((await rep.get('/start?lang=en')).text, new RegExp(`/projects/${id}#consent`));
  const no = await rep.post(`/projects/${id}/consent?lang=en`, { org: orgId('univerzitet-u-nisu'), decision: 'decline', reason: 'Not ours' });
  assert.equal(no.status, 303, no.text.slice(0, 500));
  assert.equal(no.location, '/start', 'not the project page, a 404 to them now');
  assert.equal(sql(`SELECT consent FROM project_participant WHERE project_id = ${id} AND org_id = ${orgId('univerzitet-u-nisu')}`), 'declined');
  // the notice on the page they land on, in each language
  const agent = await as('uni_rep');
  const landed = await fetch(`${srv.url}/start?lang=en`, { headers: { Cookie: `${agent.session.cookie}; notice=tie_declined` } });
  assert.match(await landed.text(), /Declined\. The project is for its participants only, so your organisation no longer sees it/);
  const landedSr = await fetch(`${srv.url}/start?lang=sr-Latn`, { headers: { Cookie: `${agent.session.cookie}; notice=tie_declined` } });
  assert.match(await landedSr.text(), /Odbijeno\. Projekat vide samo njegovi učesnici/);
  // every read path: like an outsider
  for (const who of ['uni_rep', 'uni_mgr', 'nobody']) {
    const a = await as(who);
    assert.equal((await a.get(`/projects/${id}?lang=en`)).status, 404, `${who}: page`);
    assert.equal((await a.get(`/api/v1/projects/${id}`)).status, 404, `${who}: API`);
    assert.doesNotMatch((await a.get('/api/v1/projects?limit=200')).text, /Declined private project/, `${who}: API list`);
    assert.doesNotMatch((await a.get('/projects?lang=en')).text, /Declined private project/, `${who}: list`);
    assert.doesNotMatch((await a.get('/projects?lang=en&format=csv')).text, /Declined private project/, `${who}: CSV`);
    assert.doesNotMatch(await xlsxText(a), /Declined private project/, `${who}: XLSX`);
    assert.doesNotMatch((await a.get('/orgs/univerzitet-u-nisu?lang=en')).text, /Declined private project/, `${who}: profile`);
    assert.doesNotMatch((await a.get('/orgs/voict?lang=en')).text, /Declined private project/, `${who}: the lead's profile`);
    assert.doesNotMatch((await a.get('/start?lang=en')).text, new RegExp(`/projects/${id}#consent`), `${who}: start`);
    assert.equal((await a.post(`/projects/${id}/consent`, { org: orgId('univerzitet-u-nisu'), decision: 'confirm' })).status, 404, `${who}: consent`);
  }
  // new terms do not ask it again: a no stays a no (else the lead could
  // re-notify it, and show it the private project, as often as it likes)
  const told = () => Number(sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'project'
    AND entity_id = ${id} AND person_id = (SELECT id FROM person WHERE email = 'uni_rep@example.com')`));
  const toldBefore = told();
  const reask = await lead.post(`/projects/${id}?lang=en`, PROJECT({ title_en: 'Declined private project', p_share: ['', '0,01'] }));
  assert.equal(reask.status, 303, reask.text.slice(0, 1500));
  assert.equal(sql(`SELECT consent || ':' || coalesce(reason, '') FROM project_participant WHERE project_id = ${id}
    AND org_id = ${orgId('univerzitet-u-nisu')}`), 'declined:Not ours');
  assert.equal(told(), toldBefore, 'not told again');
  assert.equal((await (await as('uni_rep')).get(`/projects/${id}?lang=en`)).status, 404, 'still an outsider');
  // the lead and the secretariat still read it, with the decline and its reason
  assert.match(await xlsxText(lead), /Declined private project/, 'the lead: XLSX');
  assert.match((await lead.get('/projects?lang=en&format=csv')).text, /Declined private project/, 'the lead: CSV');
  assert.match((await lead.get('/api/v1/projects?limit=200')).text, /Declined private project/, 'the lead: API list');
  for (const who of ['lead', 'editor']) {
    const r = await (await as(who)).get(`/projects/${id}?lang=en`);
    assert.equal(r.status, 200, who);
    assert.match(r.text, /Not ours/, who);
  }
  // a public project declined: the page is still theirs to read, so they stay on it
  const pubMade = await lead.post('/projects?lang=en', PROJECT({ title_en: 'Declined public project', visibility: 'public' }));
  const pid = /\/projects\/(\d+)/.exec(pubMade.location)[1];
  const no2 = await rep.post(`/projects/${pid}/consent`, { org: orgId('univerzitet-u-nisu'), decision: 'decline' });
  assert.equal(no2.status, 303);
  assert.equal(no2.location, `/projects/${pid}?declined=1`);
  const after = await rep.get(`/projects/${pid}?lang=en`);
  assert.equal(after.status, 200);
  assert.match(after.text, /Declined by University of Ni/, 'their own answer shown to them');
});

test('changing a confirmed participant\'s share or role asks it again, tells its people and says so in the history; an unchanged save resets nothing', async () => {
  const lead = await as('lead');
  const uni = orgId('univerzitet-u-nisu');
  const made = await lead.post('/projects?lang=en', PROJECT({ title_en: 'Share change project', visibility: 'public', p_share: ['300', '200'] }));
  assert.equal(made.status, 303, made.text.slice(0, 1500));
  const id = /\/projects\/(\d+)/.exec(made.location)[1];
  const consent = () => sql(`SELECT consent || ':' || coalesce(CAST(share_cents AS TEXT), '-') || ':' || role FROM project_participant WHERE project_id = ${id} AND org_id = ${uni}`);
  const told = () => Number(sql(`SELECT count(*) FROM notify_event WHERE kind = 'tie_proposed' AND entity = 'project' AND entity_id = ${id}
    AND person_id = (SELECT id FROM person WHERE email = 'uni_rep@example.com')`));
  assert.equal(consent(), 'proposed:20000:partner');
  assert.equal(told(), 1);
  assert.equal((await (await as('uni_rep')).post(`/projects/${id}/consent`, { org: uni, decision: 'confirm' })).status, 303);
  assert.equal(consent(), 'confirmed:20000:partner');
  // counted in public while confirmed
  assert.match((await pub(`/projects/${id}?lang=en`)).text, /University of Ni/);
  // the lead saves the form as it stands, the share as the form shows it: nothing resets, nobody is asked
  const form = (await lead.get(`/projects/${id}/edit?lang=en`)).text;
  const shown = [...form.matchAll(/name="p_share" value="([^"]*)"/g)].map((m) => m[1]);
  assert.equal(shown.length >= 2, true, form.slice(0, 200));
  const same = await lead.post(`/projects/${id}?lang=en`, PROJECT({ title_en: 'Share change project', visibility: 'public', p_share: shown.slice(0, 2) }));
  assert.equal(same.status, 303, same.text.slice(0, 1500));
  assert.equal(consent(), 'confirmed:20000:partner');
  assert.equal(told(), 1);
  // the share cut: proposed again, told again, out of the public's count until it confirms
  const cut = await lead.post(`/projects/${id}?lang=en`, PROJECT({ title_en: 'Share change project', visibility: 'public', p_share: ['300', '0,01'] }));
  assert.equal(cut.status, 303, cut.text.slice(0, 1500));
  assert.equal(consent(), 'proposed:1:partner');
  assert.equal(told(), 2);
  const detail = JSON.parse(sql(`SELECT detail FROM audit WHERE entity = 'project' AND entity_id = ${id} AND action = 'project_update' ORDER BY id DESC LIMIT 1`));
  assert.deepEqual(detail.terms_changed, [{ org_id: Number(uni), role_was: 'partner', role: 'partner', share_cents_was: 20000, share_cents: 1, consent_was: 'confirmed', consent: 'proposed' }]);
  assert.equal(Number(sql(`SELECT actor_id FROM audit WHERE entity = 'project' AND entity_id = ${id} AND action = 'project_update' ORDER BY id DESC LIMIT 1`)),
    Number(sql("SELECT id FROM person WHERE email = 'lead@example.com'")));
  assert.doesNotMatch((await pub(`/projects/${id}?lang=en`)).text, /University of Ni/);
  // the audit log names the change in words
  const log = (await (await as('admin')).get('/admin/audit?lang=en')).text;
  assert.match(log, /<span class="muted">Terms changed, asked again:<\/span> \(Organisation: University of Ni[^;]*; Role before: partner; Role: partner; Share before: 200\.00 EUR; Share: 0\.01 EUR; Consent before: confirmed; Consent: proposed\)/);
  assert.doesNotMatch(log, /share_cents|&quot;org_id/, 'no raw JSON in the log');
  assert.match(log, /<span class="muted">Participants:<\/span> [^<]*University of Ni/);
  // the participant sees the form to confirm again and does
  assert.match((await (await as('uni_rep')).get(`/projects/${id}?lang=en`)).text, /Confirm for University of Ni/);
  assert.equal((await (await as('uni_rep')).post(`/projects/${id}/consent`, { org: uni, decision: 'confirm' })).status, 303);
  assert.equal(consent(), 'confirmed:1:partner');
  // a role change alone asks again too
  const role = await lead.post(`/projects/${id}?lang=en`, PROJECT({ title_en: 'Share change project', visibility: 'public', p_role: ['lead', 'associate'], p_share: ['300', '0,01'] }));
  assert.equal(role.status, 303, role.text.slice(0, 1500));
  assert.equal(consent(), 'proposed:1:associate');
  assert.equal(told(), 3);
  // through the API as well
  assert.equal((await (await as('uni_rep')).post(`/projects/${id}/consent`, { org: uni, decision: 'confirm' })).status, 303);
  const put = await lead.json('PUT', `/api/v1/projects/${id}`, {
    title_sr: 'Приватни пројекат за проверу', title_en: 'Share change project', status: 'preparation', visibility: 'public',
    starts_on: '2025-03-01', budget_cents: 100000,
    participants: [{ org: 'voict', role: 'lead', share_cents: 30000 }, { org: 'univerzitet-u-nisu', role: 'associate', share_cents: 5000 }],
  });
  assert.equal(put.status, 200, put.text.slice(0, 800));
  assert.equal(consent(), 'proposed:5000:associate');
  assert.equal(told(), 4);
});


test('a draft agreement\'s document: the secretariat and the managers of parties that confirmed it; once signed, the parties\' people', async () => {
  const lead = await as('lead');
  const made = await lead.post('/agreements?lang=en', {
    kind: 'cooperation', title_sr: 'Нацрт за проверу', title_en: 'Draft under check', party1: 'voict',
    party2: 'nicat', party3: 'univerzitet-u-nisu', signed_on: '', valid_from: '2026-01-01', valid_until: '2028-01-01',
    status: 'draft', summary_sr: '', summary_en: '',
  });
  assert.equal(made.status, 303, made.text.slice(0, 1500));
  const id = /\/agreements\/(\d+)/.exec(made.location)[1];
  const fd = new FormData();
  fd.append('_csrf', lead.session.csrf);
  fd.append('file', new Blob([tinyPdf('Draft')], { type: 'application/pdf' }), 'draft.pdf');
  const up = await fetch(`${srv.url}/agreements/${id}/file?lang=en`, { method: 'POST', redirect: 'manual', body: fd, headers: { Origin: srv.url, Cookie: lead.session.cookie } });
  assert.equal(up.status, 303);
  const uni = orgId('univerzitet-u-nisu');
  const nicat = orgId('nicat');
  const check = async (want) => {
    for (const [who, status] of Object.entries(want)) {
      const a = who === 'public' ? null : await as(who);
      const file = await fetch(`${srv.url}/agreements/${id}/file`, { headers: a ? { Cookie: a.session.cookie } : {}, redirect: 'manual' });
      assert.equal(file.status, status, `${who}: download`);
      if (status !== 200) continue;
      const page = await a.get(`/agreements/${id}?lang=en`);
      assert.match(page.text, new RegExp(`href="/agreements/${id}/file" download`), `${who}: link`);
      const api = JSON.parse((await a.get(`/api/v1/agreements/${id}`)).text);
      assert.equal(api.document.href, `/agreements/${id}/file`, `${who}: API href`);
    }
  };
  // a draft: the lead (manager of a party that confirmed by making it) and the secretariat;
  // NiCAT's manager may edit the draft and answer it, but reads its document only once
  // NiCAT confirms; the university's representative reads the draft it is asked to
  // confirm, not its document; a "manager" of the university has no say (404)
  await check({ lead: 200, editor: 200, nicat_mgr: 403, uni_mgr: 404, uni_rep: 403, nobody: 404, public: 404 });
  const page = await (await as('nicat_mgr')).get(`/agreements/${id}?lang=en`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, new RegExp(`/agreements/${id}/file" download`));
  assert.match(page.text, /While the agreement is a draft, its document is available to the SCAN secretariat and to the managers of parties that have confirmed it/);
  const api = JSON.parse((await (await as('nicat_mgr')).get(`/api/v1/agreements/${id}`)).text);
  assert.equal(api.document.downloadable, false);
  assert.equal(api.document.href, undefined);
  assert.match((await (await as('nicat_mgr')).get(`/agreements/${id}?lang=sr`)).text, /Док је споразум нацрт, његов документ је доступан/);
  // NiCAT confirms: its manager reads the draft's document
  const yes = await (await as('nicat_mgr')).post(`/agreements/${id}/consent`, { org: nicat, decision: 'confirm' });
  assert.equal(yes.status, 303, yes.text.slice(0, 400));
  await check({ lead: 200, editor: 200, nicat_mgr: 200, uni_mgr: 404, uni_rep: 403, nobody: 404, public: 404 });
  // signed, the university confirmed too: as before, the parties' people
  sql(`UPDATE agreement SET status = 'signed', signed_on = '2026-01-01' WHERE id = ${id}`);
  sql(`UPDATE agreement_party SET consent = 'confirmed' WHERE agreement_id = ${id}`);
  await check({ lead: 200, editor: 200, nicat_mgr: 200, uni_mgr: 200, uni_rep: 200, nobody: 403, public: 404 });
});

test('the demo call closing within a week has a demo cluster that meets every rule, and one that visibly does not', async () => {
  const id = sql("SELECT id FROM funding_call WHERE title_en = 'Cluster excellence grants' AND is_demo = 1");
  assert.ok(Number(id) > 0);
  const days = (Number(sql(`SELECT deadline_at FROM funding_call WHERE id = ${id}`)) - Date.now() / 1000) / 86400;
  assert.ok(days > 0 && days <= 7, `closes within a week: ${days}`);
  const page = await pub(`/calls/${id}?lang=en`);
  assert.equal(page.status, 200);
  const n = /Clusters that may apply <span class="count">(\d+)/.exec(page.text);
  assert.ok(n && Number(n[1]) >= 1, 'the eligible clusters list is not empty');
  assert.match(page.text, /href="\/orgs\/ict-cluster-central-serbia"/);
  assert.doesNotMatch(page.text, /href="\/orgs\/voict"/);
  // met on every rule, not "check yourself"
  const yes = JSON.parse((await pub(`/api/v1/calls/${id}?eligible_for=ict-cluster-central-serbia`)).text);
  assert.equal(yes.eligibility.verdict, 'met', JSON.stringify(yes.eligibility));
  assert.ok(yes.eligibility.rules.every((x) => x.verdict === 'met'), JSON.stringify(yes.eligibility.rules));
  // VOICT's label expired in 2015: not met, and the page says why
  const no = JSON.parse((await pub(`/api/v1/calls/${id}?eligible_for=voict`)).text);
  assert.equal(no.eligibility.verdict, 'not_met');
  assert.match(no.eligibility.rules.find((x) => x.rule === 'label').reason, /Needs a cluster with an ESCA label/);
  // and the cluster's own page lists the call among those it can apply for
  const prof = await pub('/orgs/ict-cluster-central-serbia?lang=en');
  assert.match(prof.text, /Calls you can apply for/);
  assert.match(prof.text, new RegExp(`href="/calls/${id}"`));
});

test('a call\'s countries are named in the reader\'s language on its page and in "needs ..."; the API and CSV keep codes', async () => {
  const e = await as('editor');
  const r = await e.post('/calls?lang=en', {
    title_sr: 'Позив за земље', title_en: 'Countries call', funder: 'Ministry of Economy', programme: 'Програм земаља',
    opens_on: '2099-01-10', deadline_date: '2099-03-15', deadline_time: '17:00', deadline_tz: 'Europe/Brussels',
    rule_rows: '1', rule_1: 'kind:cluster', rule_countries: 'de, at',
  });
  assert.equal(r.status, 303, r.text.slice(0, 800));
  const id = /\/calls\/(\d+)/.exec(r.location)[1];
  for (const [lang, names] of [['en', ['Germany', 'Austria']], ['sr', ['Немачка', 'Аустрија']], ['sr-Latn', ['Nemačka', 'Austrija']]]) {
    const page = await e.get(`/calls/${id}?lang=${lang}`);
    assert.equal(page.status, 200);
    const from = page.text.indexOf('<ul class="call-rules">');
    assert.ok(from > 0);
    const rules = page.text.slice(from, page.text.indexOf('</ul>', from));
    for (const n of names) assert.match(rules, new RegExp(n), `${lang}: ${n}`);
    assert.doesNotMatch(rules, /\b(DE|AT)\b/, `${lang}: no codes`);
  }
  // "needs ...": a Serbian cluster is told where the call wants applicants from, and where it is
  const why = JSON.parse((await e.get(`/api/v1/calls/${id}?eligible_for=voict`)).text);
  const c = why.eligibility.rules.find((x) => x.rule === 'country');
  assert.equal(c.verdict, 'not_met');
  assert.match(c.reason, /Germany/);
  assert.match(c.reason, /Serbia/);
  // the API and the CSV export keep the codes
  const api = JSON.parse((await e.get(`/api/v1/calls/${id}`)).text);
  assert.ok(JSON.stringify(api).includes('"DE"'), JSON.stringify(api).slice(0, 400));
  // a partner abroad: its country named on its profile
  sql("UPDATE org SET country = 'BE' WHERE slug = 'demo-donor-programme'");
  for (const [lang, n] of [['en', 'Belgium'], ['sr', 'Белгија'], ['sr-Latn', 'Belgija']])
    assert.match((await e.get(`/orgs/demo-donor-programme?lang=${lang}`)).text, new RegExp(`<dd>${n}</dd>`), lang);
  sql("UPDATE org SET country = 'RS' WHERE slug = 'demo-donor-programme'");
});

test('a programme has an English name beside its Serbian one: forms, pages in the reader\'s language, API, CSV import, demo; old rows fall back', async () => {
  const lead = await as('lead');
  // a project: the form takes both; each reader sees theirs
  const made = await lead.post('/projects?lang=en', PROJECT({ title_en: 'Programme project', visibility: 'public',
    programme: 'Програм провере', programme_en: 'Checking programme' }));
  assert.equal(made.status, 303, made.text.slice(0, 1500));
  const id = /\/projects\/(\d+)/.exec(made.location)[1];
  const dd = (html) => /<dt>(?:Programme|Програм|Program)<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1];
  assert.equal(dd((await pub(`/projects/${id}?lang=en`)).text), 'Checking programme');
  assert.equal(dd((await pub(`/projects/${id}?lang=sr`)).text), 'Програм провере');
  assert.equal(dd((await pub(`/projects/${id}?lang=sr-Latn`)).text), 'Program provere');
  // the edit form keeps it; the filter's choice is labelled in the reader's language, its value the Serbian name
  assert.match((await lead.get(`/projects/${id}/edit?lang=en`)).text, /name="programme_en"[^>]*value="Checking programme"/);
  assert.match((await pub('/projects?lang=en')).text, /<option value="Програм провере">Checking programme \(1\)<\/option>/);
  assert.match((await pub('/projects?lang=sr')).text, /<option value="Програм провере">Програм провере \(1\)<\/option>/);
  assert.match((await pub(`/projects?lang=en&programme=${encodeURIComponent('Програм провере')}`)).text, /Programme project/);
  // the API: both fields, read and written
  const api = JSON.parse((await pub(`/api/v1/projects/${id}`)).text);
  assert.equal(api.programme, 'Програм провере');
  assert.equal(api.programme_en, 'Checking programme');
  // an English name alone is refused: the Serbian one is what lists and filters go by
  const before = Number(sql('SELECT count(*) FROM project'));
  const alone = await lead.post('/projects?lang=en', PROJECT({ title_en: 'English only', programme: '', programme_en: 'Only English' }));
  assert.equal(alone.status, 422);
  assert.match(alone.text, /id="pj-programme-error"/);
  assert.equal(Number(sql('SELECT count(*) FROM project')), before);
  // an old row without an English name: every reader sees the Serbian one (English readers in Latin letters)
  sql(`UPDATE project SET programme_en = NULL WHERE id = ${id}`);
  assert.equal(dd((await pub(`/projects/${id}?lang=en`)).text), 'Program provere');
  assert.equal(dd((await pub(`/projects/${id}?lang=sr`)).text), 'Програм провере');
  assert.equal(JSON.parse((await pub(`/api/v1/projects/${id}`)).text).programme_en, null);

  // a call: the form, the page, the list, the API, the CSV import
  const e = await as('editor');
  const call = await e.post('/calls?lang=en', {
    title_sr: 'Позив програма', title_en: 'Programme call', funder: 'Ministry of Economy', programme: 'Програм позива',
    programme_en: 'Call programme', opens_on: '2099-01-10', deadline_date: '2099-03-15', deadline_time: '17:00',
    deadline_tz: 'Europe/Brussels', rule_rows: '1', rule_1: 'kind:cluster',
  });
  assert.equal(call.status, 303, call.text.slice(0, 800));
  const cid = /\/calls\/(\d+)/.exec(call.location)[1];
  assert.equal(dd((await pub(`/calls/${cid}?lang=en`)).text), 'Call programme');
  assert.equal(dd((await pub(`/calls/${cid}?lang=sr-Latn`)).text), 'Program poziva');
  assert.match((await e.get(`/calls/${cid}/edit?lang=en`)).text, /name="programme_en"[^>]*value="Call programme"/);
  const capi = JSON.parse((await pub(`/api/v1/calls/${cid}`)).text);
  assert.equal(capi.programme_en, 'Call programme');
  const csv = 'programme,programme_en,title_sr,deadline_date,deadline_time,deadline_tz,rules\n'
    + 'Увезени програм,Imported programme,Увезени позив,2099-05-01,17:00,Europe/Brussels,kind:cluster\n';
  const imp = await e.post('/calls/import?lang=en', { csv });
  assert.equal(imp.status, 303, imp.text.slice(0, 800));
  assert.equal(sql("SELECT programme_en FROM funding_call WHERE title_sr = 'Увезени позив'"), 'Imported programme');
  // the demo: English readers read the English names, in the list's facets too
  const list = (await pub('/calls?lang=en')).text;
  assert.match(list, /Cluster Excellence Grants/);
  assert.match(list, /Cluster Development Programme 2027/);
  assert.match((await pub('/calls?lang=sr')).text, /Грантови за изврсност кластера/);
  const pf = (await pub('/projects/portfolio?lang=en')).text;
  assert.match(pf, /Innovation Fund/);
  assert.doesNotMatch(pf, /Фонд за иновациону делатност/);
});
