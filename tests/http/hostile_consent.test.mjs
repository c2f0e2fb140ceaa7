// hostile_consent.test.mjs: the consent writes (issue 14: agreement
// parties, project participants and funders; model/tie.c, web_tie.c,
// api_tie.c) against someone trying to answer where they may not: for an
// organisation they do not speak for, twice, after a decline, for a tie
// that was taken off, without CSRF or with a forged Origin, with forged
// ids, and with another agreement's party. Each is a clear 4xx and
// changes nothing: the consent columns, the audit rows and the
// notifications are the same before and after.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, scan, loginAgent, sqliteIn, makeToken, addPeople } from './lib.mjs';

const PW = 'hostile consent phrase 2026';
let srv;
const who = {};
const sql = (q) => sqliteIn(srv.db, q);
// Every consent, every audit row and every notification, hashed.
const fingerprint = () => createHash('sha256').update(sql(
  "SELECT group_concat(x, '|') FROM (SELECT agreement_id || '-' || org_id || consent || coalesce(reason, '') AS x FROM agreement_party"
  + " UNION ALL SELECT project_id || '-' || org_id || consent || coalesce(reason, '') FROM project_participant"
  + " UNION ALL SELECT id || '-' || funder_consent || coalesce(funder_reason, '') FROM project"
  + " UNION ALL SELECT 'a' || count(*) FROM audit UNION ALL SELECT 'n' || count(*) FROM notify_event) AS everything")).digest('hex');

async function as(role) {
  if (!who[role]) who[role] = await loginAgent(srv.url, `${role}@example.com`, PW);
  return who[role];
}
// The post refused with status, and nothing changed.
async function refused(promise, status, what) {
  const before = fingerprint();
  const r = await promise;
  assert.equal(r.status, status, `${what}: ${String(r.text).slice(0, 200)}`);
  assert.equal(fingerprint(), before, `${what}: nothing changed`);
  return r;
}
const UNI = () => Number(sql("SELECT id FROM org WHERE slug = 'univerzitet-u-nisu'"));
const UNS = () => Number(sql("SELECT id FROM org WHERE slug = 'univerzitet-u-novom-sadu'"));
const MIN = () => Number(sql("SELECT id FROM org WHERE slug = 'ministarstvo-privrede'"));

async function agreement(party2 = 'univerzitet-u-nisu', title = 'Hostile memorandum') {
  const r = await (await as('nicat_manager')).post('/agreements?lang=en', {
    kind: 'mou', title_sr: 'Меморандум', title_en: title, party1: 'nicat', party2, status: 'signed', signed_on: '2025-05-01',
  });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  return Number(/\/agreements\/(\d+)/.exec(r.location)[1]);
}
const PROJECT = {
  title_sr: 'Пројекат', title_en: 'Hostile project', status: 'approved', visibility: 'public', grant: '1000', budget: '2000',
  funder: 'ministarstvo-privrede', p_org: ['voict', 'univerzitet-u-nisu', ''], p_role: ['lead', 'partner', 'partner'], p_share: ['', '', ''],
};
async function project(form = PROJECT) {
  const r = await (await as('voict_manager')).post('/projects?lang=en', form);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  return Number(/\/projects\/(\d+)/.exec(r.location)[1]);
}

before(async () => {
  srv = await startServer({ demo: true });
  addPeople(srv.db, PW, [['voict_manager', 'manager', 'voict'], ['nicat_manager', 'manager', 'nicat'],
    ['uni_rep', 'representative', 'univerzitet-u-nisu'], ['uns_rep', 'representative', 'univerzitet-u-novom-sadu'],
    ['ministry_rep', 'representative', 'ministarstvo-privrede'], ['nobody']]);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('answering for an organisation one does not speak for', async () => {
  const g = await agreement();
  const p = await project();
  await refused((await as('nicat_manager')).post(`/agreements/${g}/consent`, { org: UNI(), decision: 'confirm' }), 403, 'the recording party');
  await refused((await as('voict_manager')).post(`/agreements/${g}/consent`, { org: UNI(), decision: 'confirm' }), 404, 'not a party: not theirs to see');
  await refused((await as('uns_rep')).post(`/projects/${p}/consent`, { org: UNI(), decision: 'confirm' }), 404, 'a waiting participant is not shown to outsiders');
  await refused((await as('voict_manager')).post(`/projects/${p}/consent`, { org: UNI(), decision: 'confirm' }), 403, 'the lead for a partner');
  await refused((await as('voict_manager')).post(`/projects/${p}/consent`, { org: MIN(), as: 'funder', decision: 'confirm' }), 403, 'the lead for its funder');
  await refused((await as('uni_rep')).post(`/projects/${p}/consent`, { org: MIN(), as: 'funder', decision: 'confirm' }), 403, 'a participant for the funder');
  await refused((await as('ministry_rep')).post(`/projects/${p}/consent`, { org: UNI(), decision: 'decline' }), 404, 'the funder for a waiting participant');
  const tok = await makeToken(srv.url, (await as('voict_manager')).session, 'write');
  await refused(fetch(`${srv.url}/api/v1/projects/${p}/consent`, {
    method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ org: MIN(), as: 'funder', decision: 'confirm' }),
  }).then(async (r) => ({ status: r.status, text: await r.text() })), 403, 'the lead through the API');
});

test('twice, and after a decline: the word once given stands', async () => {
  const g = await agreement();
  const p = await project();
  const rep = await as('uni_rep');
  assert.equal((await rep.post(`/agreements/${g}/consent`, { org: UNI(), decision: 'confirm' })).status, 303);
  await refused(rep.post(`/agreements/${g}/consent`, { org: UNI(), decision: 'confirm' }), 409, 'confirm twice');
  await refused(rep.post(`/agreements/${g}/consent`, { org: UNI(), decision: 'decline', reason: 'changed my mind' }), 409, 'decline after confirming');
  assert.equal((await rep.post(`/projects/${p}/consent`, { org: UNI(), decision: 'decline', reason: 'no' })).status, 303);
  await refused(rep.post(`/projects/${p}/consent`, { org: UNI(), decision: 'confirm' }), 409, 'confirm after declining');
  const m = await as('ministry_rep');
  assert.equal((await m.post(`/projects/${p}/consent`, { org: MIN(), as: 'funder', decision: 'decline' })).status, 303);
  await refused(m.post(`/projects/${p}/consent`, { org: MIN(), as: 'funder', decision: 'confirm' }), 409, 'a funder after declining');
  const r = await refused(m.json('POST', `/api/v1/projects/${p}/consent`, { org: MIN(), as: 'funder', decision: 'confirm' }), 409, 'the same through the API');
  assert.match(JSON.parse(r.text).error.message, /already been given/);
});

test('a tie that was taken off takes no answer', async () => {
  const g = await agreement();
  // the recording side takes the university off before it answered
  const nm = await as('nicat_manager');
  const edit = await nm.post(`/agreements/${g}?lang=en`, {
    kind: 'mou', title_sr: 'Меморандум', title_en: 'Hostile memorandum', party1: 'nicat', party2: 'univerzitet-u-novom-sadu',
    status: 'signed', signed_on: '2025-05-01',
  });
  assert.equal(edit.status, 303, edit.text.slice(0, 300));
  await refused((await as('uni_rep')).post(`/agreements/${g}/consent`, { org: UNI(), decision: 'confirm' }), 404, 'a party no more');
  const p = await project();
  const vm = await as('voict_manager');
  const off = await vm.post(`/projects/${p}?lang=en`, { ...PROJECT, funder: '', p_org: ['voict', '', ''] });
  assert.equal(off.status, 303, off.text.slice(0, 300));
  await refused((await as('uni_rep')).post(`/projects/${p}/consent`, { org: UNI(), decision: 'confirm' }), 404, 'a participant no more');
  await refused((await as('ministry_rep')).post(`/projects/${p}/consent`, { org: MIN(), as: 'funder', decision: 'confirm' }), 404, 'a funder no more');
});

test('without CSRF, with a forged Origin, with forged ids, with another agreement\'s party', async () => {
  const g = await agreement();
  const other = await agreement('univerzitet-u-novom-sadu', 'Another memorandum');
  assert.equal((await (await as('uns_rep')).post(`/agreements/${other}/consent`, { org: UNS(), decision: 'confirm' })).status, 303);
  const rep = await as('uni_rep');
  const raw = (path, form, headers = {}) => fetch(srv.url + path, {
    method: 'POST', redirect: 'manual',
    headers: { Cookie: rep.session.cookie, Origin: srv.url, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
  await refused(raw(`/agreements/${g}/consent`, { org: String(UNI()), decision: 'confirm' }), 403, 'no CSRF token');
  await refused(raw(`/agreements/${g}/consent`, { org: String(UNI()), decision: 'confirm', _csrf: 'A'.repeat(43) }), 403, 'a wrong CSRF token');
  await refused(raw(`/agreements/${g}/consent`, { org: String(UNI()), decision: 'confirm', _csrf: rep.session.csrf },
    { Origin: 'https://evil.example' }), 403, 'a forged Origin');
  await refused(fetch(`${srv.url}/api/v1/agreements/${g}/consent`, {
    method: 'POST', headers: { Cookie: rep.session.cookie, Origin: srv.url, 'Content-Type': 'application/json' },
    body: JSON.stringify({ org: UNI(), decision: 'confirm' }),
  }).then(async (r) => ({ status: r.status, text: await r.text() })), 403, 'the API with a session and no CSRF header');
  for (const org of ['abc', '-1', '0', '1e3', '99999999999999999999', `${UNI()} `, '']) {
    const r = await refused(rep.post(`/agreements/${g}/consent?lang=en`, { org, decision: 'confirm' }), 400, `org ${JSON.stringify(org)}`);
    assert.match(r.text, /Choose an organisation/);
  }
  await refused(rep.post(`/agreements/${g}/consent`, { org: '999999', decision: 'confirm' }), 404, 'no such organisation');
  await refused(rep.post(`/agreements/${g}/consent`, { org: String(UNI()), decision: 'confirm', as: 'funder' }), 400, 'an agreement has no funder');
  await refused(rep.post(`/agreements/${g}/consent`, { org: String(UNI()), decision: 'confirm', as: 'bogus' }), 400, 'no such kind');
  await refused(rep.post(`/agreements/${g}/consent`, { org: String(UNI()), decision: 'accept' }), 400, 'no such decision');
  for (const id of ['abc', '0', '-3', '99999999', '99999999999999999999'])
    await refused(rep.post(`/agreements/${id}/consent`, { org: String(UNI()), decision: 'confirm' }), 404, `agreement ${id}`);
  // another agreement's party: the university is no party of `other`
  await refused(rep.post(`/agreements/${other}/consent`, { org: String(UNI()), decision: 'confirm' }), 404, 'another agreement\'s party');
  await refused(rep.json('POST', `/api/v1/agreements/${other}/consent`, { org: UNI(), decision: 'confirm' }), 404, 'the same through the API');
  // an organisation that is a party of `other`, answered for from g
  await refused((await as('uns_rep')).post(`/agreements/${g}/consent`, { org: String(UNS()), decision: 'decline' }), 404, 'its party in another agreement');
  // the API: a body that is no JSON object, and a huge reason
  await refused(rep.json('POST', `/api/v1/agreements/${g}/consent`, [1, 2]), 400, 'not an object');
  await refused(rep.json('POST', `/api/v1/agreements/${g}/consent`, { org: UNI(), decision: 'decline', reason: 'x'.repeat(5000) }), 422, 'a reason too long');
  await refused(rep.json('POST', `/api/v1/agreements/${g}/consent`, { org: UNI(), decision: 'decline', reason: 'line\nbreak' }), 422, 'a reason of two lines');
  // and the real answer still works
  assert.equal((await rep.post(`/agreements/${g}/consent`, { org: String(UNI()), decision: 'confirm' })).status, 303);
});
