// issue14_review2.test.mjs: r14's attacker and new-user review of issue 14
// (session 10): what held is in issue14_s10 and issue14_attack; this file
// holds the findings that needed a fix.
//
// Fixtures: the demo data; an editor (the secretariat), the manager of VOICT.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sqliteIn, addPeople, addOldAffiliation, agentsOf, anonGet, makeToken, tinyPdf } from './lib.mjs';

const PW = 'issue fourteen review two 2026';
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
    ['editor', null, null, ['--editor']],
  ]);
  addOldAffiliation(srv.db, 'uni_mgr', 'manager', 'univerzitet-u-nisu'); // gives nothing (rights.h)
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const CALL = (over = {}) => ({
  title_sr: 'Позив са државом', funder: 'Ministry of Economy', programme: 'Програм', opens_on: '2099-01-10',
  deadline_date: '2099-03-15', deadline_time: '17:00', deadline_tz: 'Europe/Brussels', rule_rows: '1', ...over,
});
const calls = () => sql('SELECT count(*) || \':\' || (SELECT count(*) FROM funding_call_rule) FROM funding_call');

test('a call\'s country must be one ISO assigns (or XK): an unknown code is refused on the form, in the countries field, the CSV import and the API, and nothing is stored', async () => {
  const e = await as('editor');
  const before = calls();
  for (const [what, form] of [
    ['a rule row', { rule_1: 'country:ZZ' }],
    ['the countries field', { rule_1: 'kind:cluster', rule_countries: 'rs, qz' }],
  ]) {
    for (const lang of ['en', 'sr', 'sr-Latn']) {
      const r = await e.post(`/calls?lang=${lang}`, CALL(form));
      assert.equal(r.status, 422, `${what} ${lang}: ${r.text.slice(0, 300)}`);
      assert.match(r.text, { en: /country, such as RS\): check the spelling/, sr: /округ или држава, на пример RS/, 'sr-Latn': /okrug ili država, na primer RS/ }[lang], `${what} ${lang}`);
    }
  }
  const csv = 'programme,title_sr,deadline_date,deadline_time,deadline_tz,rules\n'
    + 'Програм,Први увезени,2099-05-01,17:00,Europe/Brussels,country:RS\n'
    + 'Програм,Други увезени,2099-05-01,17:00,Europe/Brussels,country:QQ\n';
  const imp = await e.post('/calls/import?lang=en', { csv });
  assert.equal(imp.status, 422, imp.text.slice(0, 500));
  const tok = await makeToken(srv.url, e.session, 'write', 'countries');
  const api = await fetch(`${srv.url}/api/v1/calls`, {
    method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title_sr: 'Позив', funder: sql('SELECT o.slug FROM funding_call c JOIN org o ON o.id = c.funder_id LIMIT 1'), programme: 'Програм', opens_on: '2099-01-10',
      deadline_date: '2099-03-15', deadline_time: '17:00', deadline_tz: 'Europe/Brussels', rules: [{ rule: 'country', value: 'ZZ' }] }),
  });
  const apiBody = await api.text();
  assert.equal(api.status, 422, apiBody);
  assert.match(apiBody, /"rules"/);
  assert.equal(calls(), before, 'nothing stored');
  // a code ISO assigns, lower-case in the countries field, and XK are fine
  const ok = await e.post('/calls?lang=en', CALL({ title_sr: 'Позив за регион', rule_1: 'country:XK', rule_countries: 'rs, ba' }));
  assert.equal(ok.status, 303, ok.text.slice(0, 500));
  const page = (await pub(`${ok.location}?lang=en`)).text;
  assert.match(page, /Bosnia and Herzegovina/);
  assert.match(page, /XK/);
});


test('a party that declined a signed agreement does not download its document', async () => {
  const lead = await as('lead');
  const made = await lead.post('/agreements?lang=en', {
    kind: 'cooperation', title_sr: 'Потписан за проверу', title_en: 'Signed under check', party1: 'voict',
    party2: 'univerzitet-u-nisu', signed_on: '2026-01-01', valid_from: '2026-01-01', valid_until: '2028-01-01',
    status: 'signed', summary_sr: '', summary_en: '',
  });
  assert.equal(made.status, 303, made.text.slice(0, 1500));
  const id = /\/agreements\/(\d+)/.exec(made.location)[1];
  const fd = new FormData();
  fd.append('_csrf', lead.session.csrf);
  fd.append('file', new Blob([tinyPdf()], { type: 'application/pdf' }), 'signed.pdf');
  const up = await fetch(`${srv.url}/agreements/${id}/file?lang=en`, { method: 'POST', redirect: 'manual', body: fd, headers: { Origin: srv.url, Cookie: lead.session.cookie } });
  assert.equal(up.status, 303);
  const uni = sql("SELECT id FROM org WHERE slug = 'univerzitet-u-nisu'");
  const dl = async (who) => (await fetch(`${srv.url}/agreements/${id}/file`, { headers: { Cookie: (await as(who)).session.cookie }, redirect: 'manual' })).status;
  // still asked: its representative reads the document to decide
  assert.equal(await dl('uni_rep'), 200, 'asked');
  const no = await (await as('uni_rep')).post(`/agreements/${id}/consent`, { org: uni, decision: 'decline', reason: 'Not ours' });
  assert.equal(no.status, 303, no.text.slice(0, 400));
  assert.equal(sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${id} AND org_id = ${uni}`), 'declined');
  // declined: the page still shows its own answer, without the document's link; the download and the API's href are refused
  assert.equal(await dl('uni_rep'), 403, 'declined: download');
  const page = await (await as('uni_rep')).get(`/agreements/${id}?lang=en`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Not ours/);
  assert.doesNotMatch(page.text, new RegExp(`href="/agreements/${id}/file"`));
  assert.match(page.text, /available to the people of the parties that have not declined the agreement/);
  assert.match((await (await as('uni_rep')).get(`/agreements/${id}?lang=sr-Latn`)).text, /ljudima strana koje nisu odbile sporazum/);
  const api = JSON.parse((await (await as('uni_rep')).get(`/api/v1/agreements/${id}`)).text);
  assert.equal(api.document.downloadable, false);
  assert.equal(api.document.href, undefined);
  // the lead's side and the secretariat still read it
  assert.equal(await dl('lead'), 200, 'lead');
  assert.equal(await dl('editor'), 200, 'secretariat');
});
