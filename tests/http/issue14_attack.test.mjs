// issue14_attack.test.mjs: what the attacker review of issue 14 (partner
// network, joint projects, funding calls) found, each held by a test that
// failed before its fix:
//  - a project naming a call showed the call's title to whoever may read
//    the project, whatever the call's status, so a lead who named a draft
//    call's number published its title (and the "no such call" answer told
//    which numbers were drafts); a draft is now no call to a project, and a
//    call withdrawn since is shown to the secretariat only;
//  - a participant's share had no upper bound and known shares could add
//    up to any amount: one lead with two projects overflowed the
//    portfolio's sums (a 500 for everyone on /projects/portfolio) and could
//    claim any money raised; a share is at most a billion euros and the
//    known shares (of the grant) at most the grant, or the total budget
//    when no grant is given, refused beside the field with
//    nothing stored, through the form and the API.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, sqliteIn, addPeople, makeToken, agentsOf, anonGet } from './lib.mjs';

const PW = 'attacker review phrase 2026';
let srv;
let agents;
const sql = (q) => sqliteIn(srv.db, q);
const as = (name) => agents(name);
const pub = (path) => anonGet(srv.url, path);
// Every project, participant and audit row, hashed: "nothing stored".
const fingerprint = () => createHash('sha256').update(sql(
  "SELECT group_concat(x, '|') FROM (SELECT x FROM (SELECT id || '-' || coalesce(CAST(call_id AS TEXT), '') || '-'"
  + " || coalesce(CAST(budget_cents AS TEXT), '') AS x FROM project"
  + " UNION ALL SELECT project_id || '-' || org_id || '-' || coalesce(CAST(share_cents AS TEXT), '') FROM project_participant"
  + " UNION ALL SELECT 'a' || count(*) FROM audit) AS rows_ ORDER BY x) AS everything")).digest('hex');

const PROJECT = {
  title_sr: 'Пројекат нападача', title_en: 'Attack project', status: 'approved', visibility: 'public',
  starts_on: '2025-03-01', budget: '1000', p_org: ['voict', 'univerzitet-u-nisu'], p_role: ['lead', 'partner'], p_share: ['', ''],
};

async function newCall(status, title) {
  const r = await (await as('editor')).post('/calls?lang=en', {
    title_sr: title, title_en: title, status, funder: 'ministarstvo-privrede', programme: 'Attack programme',
    url: 'https://example.com/call', opens_on: '2026-01-01', deadline_date: '2030-06-01', deadline_time: '17:00',
    deadline_tz: 'Europe/Brussels',
  });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  return Number(/\/calls\/(\d+)/.exec(r.location)[1]);
}

before(async () => {
  srv = await startServer({ demo: true });
  agents = agentsOf(srv.url, PW);
  addPeople(srv.db, PW, [['voict_manager', 'manager', 'voict'], ['editor', null, null, ['--editor']]]);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a draft call cannot be named by a project, and its number is no oracle', async () => {
  const draft = await newCall('draft', 'DRAFTCALLTITLE');
  const lead = await as('voict_manager');
  const tok = await makeToken(srv.url, lead.session, 'write');
  const before = fingerprint();
  const r = await lead.post('/projects?lang=en', { ...PROJECT, call: String(draft) });
  assert.equal(r.status, 422);
  assert.match(r.text, /id="pj-call-error"[^]*There is no call with this number/);
  assert.doesNotMatch(r.text, /DRAFTCALLTITLE/);
  // the same answer as for a number no call has
  const none = await lead.post('/projects?lang=en', { ...PROJECT, call: '987654' });
  assert.equal(none.status, 422);
  assert.match(none.text, /id="pj-call-error"/);
  // the API the same
  const api = await fetch(`${srv.url}/api/v1/projects`, {
    method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title_sr: 'Пројекат', status: 'idea', visibility: 'public', call_id: draft,
      participants: [{ org: 'voict', role: 'lead' }] }),
  });
  const body = await api.text();
  assert.equal(api.status, 422, body);
  assert.match(body, /"call"/);
  assert.equal(fingerprint(), before, 'nothing stored');
});

test('a call withdrawn after a project named it is shown to the secretariat only', async () => {
  const call = await newCall('published', 'WITHDRAWNLATER');
  const lead = await as('voict_manager');
  const r = await lead.post('/projects?lang=en', { ...PROJECT, title_en: 'Answered a call', call: String(call) });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const id = Number(/\/projects\/(\d+)/.exec(r.location)[1]);
  assert.match((await pub(`/projects/${id}?lang=en`)).text, /WITHDRAWNLATER/, 'published: shown');
  const w = await (await as('editor')).post(`/calls/${call}/withdraw`, {});
  assert.equal(w.status, 303);
  for (const path of [`/projects/${id}?lang=en`, `/api/v1/projects/${id}`, '/projects?lang=en&format=csv']) {
    const page = await pub(path);
    assert.equal(page.status, 200, path);
    assert.doesNotMatch(page.text, /WITHDRAWNLATER/, `public ${path}`);
    assert.doesNotMatch((await lead.get(path)).text, /WITHDRAWNLATER/, `lead ${path}`);
  }
  assert.equal(JSON.parse((await pub(`/api/v1/projects/${id}`)).text).call_id, null);
  assert.match((await (await as('editor')).get(`/projects/${id}?lang=en`)).text, /WITHDRAWNLATER/, 'the secretariat');
  // the lead still saves the project (the call it already named is no error)
  const again = await lead.post(`/projects/${id}?lang=en`, { ...PROJECT, title_en: 'Answered a call, saved', call: String(call) });
  assert.equal(again.status, 303, again.text.slice(0, 400));
});

test('shares above the budget or a billion euros are refused; the portfolio keeps its sums', async () => {
  const lead = await as('voict_manager');
  const tok = await makeToken(srv.url, lead.session, 'write', 'shares');
  const cases = [
    ['one share over the budget', { budget: '1000', p_share: ['1500', ''] }],
    ['known shares together over the budget', { budget: '1000', p_share: ['600', '600'] }],
    ['known shares together over the grant', { budget: '1000', grant: '800', p_share: ['500', '400'] }],
    ['a share past int64 cents', { budget: '', p_share: ['92233720368547758', ''] }],
    ['a share over a billion euros, no budget', { budget: '', p_share: ['1000000000,01', ''] }],
  ];
  for (const [what, form] of cases) {
    const before = fingerprint();
    const r = await lead.post('/projects?lang=en', { ...PROJECT, ...form });
    assert.equal(r.status, 422, what);
    assert.match(r.text, /id="pj-participants-error"[^]*add up to more than the grant/, what);
    assert.equal(fingerprint(), before, `${what}: nothing stored`);
  }
  const before = fingerprint();
  const api = await fetch(`${srv.url}/api/v1/projects`, {
    method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title_sr: 'Пројекат', status: 'approved', visibility: 'public', starts_on: '2025-01-01',
      participants: [{ org: 'voict', role: 'lead', share_cents: 9223372036854775807n.toString() }] }).replace(/"(9223372036854775807)"/, '$1'),
  });
  const body = await api.text();
  assert.equal(api.status, 422, body);
  assert.match(body, /"participants"/);
  assert.equal(fingerprint(), before, 'API: nothing stored');
  // within the budget, and the shares' sum equal to it, is fine
  const ok = await lead.post('/projects?lang=en', { ...PROJECT, title_en: 'Shares fit', budget: '1.000,00', grant: '800', p_share: ['500', '300'] });
  assert.equal(ok.status, 303, ok.text.slice(0, 400));
  for (const path of ['/projects/portfolio?lang=en', '/projects/portfolio?table=years&format=csv'])
    assert.equal((await pub(path)).status, 200, path);
});
