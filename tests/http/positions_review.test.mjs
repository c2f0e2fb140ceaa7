// positions_review.test.mjs: the second review of issue 16 (advocacy), as
// an attacker. Each test fails without its fix:
// - the weight's sums are not shown while signatures still come and go
//   (before and after one company's signature, the two totals differ by
//   that company's own figures), only once the position is submitted;
// - nor when one signatory's side leaves one or two reporting
//   organisations outside it (the manager of a signing cluster knows its
//   members' figures and would read the other company's from the total);
// - a comment after the consultation's closing date is refused;
// - a person who represents a member company and also the ministry the
//   position addresses signs and comments for the company only;
// - recording a submission of a position nobody has signed is refused
//   (it would move the position to "Submitted" with nobody behind it).
//
// Fixtures: the demo data (VOICT and VMC are founders, their members
// report figures for 2024); people made here.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scan, login, makeToken, sqliteIn } from './lib.mjs';

const PW = 'positions review pass phrase';
let srv;
const people = {};
const sqlite = (sql) => sqliteIn(srv.db, sql);
const orgId = (slug) => Number(sqlite(`SELECT id FROM org WHERE slug = '${slug}'`));
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Belgrade' });

function addUser(who, roles, extra = []) {
  const r = scan(['user', 'add', `${who}@example.com`, '--name', who, '--password-stdin', ...extra, '--db', srv.db],
    { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  for (const [role, slug] of roles)
    assert.equal(scan(['user', 'role', `${who}@example.com`, role, '--org', slug, '--db', srv.db]).status, 0);
}

async function session(who) {
  if (!people[who]) people[who] = await login(srv.url, `${who}@example.com`, PW);
  return people[who];
}

async function post(who, path, form) {
  const s = await session(who);
  const body = new URLSearchParams({ ...form, _csrf: s.csrf });
  const res = await fetch(srv.url + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, Cookie: s.cookie },
    body: body.toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function get(who, path) {
  const s = who ? await session(who) : null;
  const res = await fetch(srv.url + path, { headers: s ? { Cookie: s.cookie } : {}, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

// a new position of SCAN's, moved to signing (consultation until 2099)
async function signingPosition(title) {
  const made = await post('admin', '/positions', { owner: 'scan', kind: 'statement', title_sr: title, body_sr: 'Први.\n\nДруги.' });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/positions\/(\d+)/.exec(made.location)[1]);
  assert.equal((await post('admin', `/positions/${id}/stage`, { stage: 'consultation', consult_until: '2099-01-01' })).status, 303);
  assert.equal((await post('admin', `/positions/${id}/stage`, { stage: 'signing' })).status, 303);
  return id;
}

const submit = (id) => post('admin', `/positions/${id}/submissions?lang=en`,
  { institution: 'ministarstvo-privrede', sent_on: today(), channel: 'email' });

// a VMC member outside VOICT that reports figures for 2024
let outsider;

before(async () => {
  srv = await startServer({ demo: true });
  outsider = sqlite(`SELECT o.slug FROM org o JOIN cluster_member m ON m.org_id = o.id AND m.left_on IS NULL
    JOIN org c ON c.id = m.cluster_id AND c.slug = 'vmc' JOIN org_figure f ON f.org_id = o.id AND f.year = 2024
    WHERE o.id NOT IN (SELECT x.org_id FROM cluster_member x JOIN org y ON y.id = x.cluster_id WHERE y.slug = 'voict')
    ORDER BY o.slug LIMIT 1`);
  assert.ok(outsider, 'the demo has a VMC member outside VOICT with figures');
  addUser('admin', [], ['--admin']);
  addUser('voict_manager', [['manager', 'voict']]);
  addUser('vmc_manager', [['manager', 'vmc']]);
  addUser('outsider_rep', [['representative', outsider]]);
  // a member company's representative who also represents the ministry
  const member = sqlite(`SELECT o.slug FROM cluster_member m JOIN org o ON o.id = m.org_id JOIN org c ON c.id = m.cluster_id
    WHERE c.slug = 'voict' AND m.left_on IS NULL ORDER BY o.slug LIMIT 1`);
  people.member = member;
  addUser('dual', [['representative', member], ['representative', 'ministarstvo-privrede']]);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('no sums while signatures still come and go: two totals would give away one signatory', async () => {
  const id = await signingPosition('Тежина тек по упућивању');
  assert.equal((await post('voict_manager', `/positions/${id}/sign`, { org: String(orgId('voict')) })).status, 303);
  assert.equal((await post('vmc_manager', `/positions/${id}/sign`, { org: String(orgId('vmc')) })).status, 303);
  const during = await get('admin', `/positions/${id}?lang=en`);
  assert.match(during.text, /Signatories: clusters 2, other organisations 0\./);
  assert.match(during.text, /Organisations behind it \(each counted once\): \d+\./);
  assert.doesNotMatch(during.text, /that employ/);
  assert.match(during.text, /stated once the position is submitted/);
  const api = async () => {
    const s = await session('admin');
    return (await fetch(`${srv.url}/api/v1/positions/${id}`, { headers: { Cookie: s.cookie } })).json();
  };
  const w = (await api()).weight;
  assert.equal(w.employees, null);
  assert.equal(w.revenue_eur_cents, null);
  // the company signs and withdraws: nothing a reader sees moves by its figures
  const rep = orgId(outsider);
  assert.equal((await post('outsider_rep', `/positions/${id}/sign`, { org: String(rep) })).status, 303);
  assert.equal((await api()).weight.employees, null);
  assert.equal((await post('outsider_rep', `/positions/${id}/withdraw`, { org: String(rep) })).status, 303);
  // submitted: the signatories are final, the sums are stated
  assert.equal((await submit(id)).status, 303);
  const after = await get(null, `/positions/${id}?lang=en`);
  assert.match(after.text, /that employ [\d,]+ people/);
  assert.doesNotMatch(after.text, /stated once the position is submitted/);
  assert.ok((await api()).weight.employees > 0);
});

test("no sums when one signatory's side leaves one or two reporting organisations outside it", async () => {
  // VOICT's manager knows its members' figures: the total less them would
  // be the one other company's own
  const id = await signingPosition('Један плус кластер');
  assert.equal((await post('voict_manager', `/positions/${id}/sign`, { org: String(orgId('voict')) })).status, 303);
  assert.equal((await post('outsider_rep', `/positions/${id}/sign`, { org: String(orgId(outsider)) })).status, 303);
  assert.equal((await submit(id)).status, 303);
  const page = await get(null, `/positions/${id}?lang=en`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Signatories: clusters 1, other organisations 1\./);
  assert.doesNotMatch(page.text, /that employ/);
  assert.match(page.text, /leave only one or two reporting organisations outside them/);
  const one = await (await fetch(`${srv.url}/api/v1/positions/${id}`)).json();
  assert.equal(one.weight.employees, null);
  assert.equal(one.weight.exports_eur_cents, null);
  assert.ok(one.weight.reported >= 3, 'enough reporters: the side rule, not the count, withholds');
});

test("a comment after the consultation's closing date is refused and changes nothing", async () => {
  const made = await post('admin', '/positions', { owner: 'scan', kind: 'statement', title_sr: 'Рок', body_sr: 'Први.\n\nДруги.' });
  const id = Number(/\/positions\/(\d+)/.exec(made.location)[1]);
  assert.equal((await post('admin', `/positions/${id}/stage`, { stage: 'consultation', consult_until: today() })).status, 303);
  // on the closing day itself a comment is taken
  assert.equal((await post('voict_manager', `/positions/${id}/comments`, { paragraph: '0', body: 'На време.' })).status, 303);
  // the closing date passes (the clock cannot be moved: the date is)
  sqlite(`UPDATE position SET consult_until = '2020-01-01' WHERE id = ${id}`);
  const count = () => sqlite(`SELECT count(*) FROM position_comment WHERE position_id = ${id}`);
  const audits = () => sqlite(`SELECT count(*) FROM audit WHERE entity = 'position' AND entity_id = ${id}`);
  const [c0, a0] = [count(), audits()];
  const late = await post('voict_manager', `/positions/${id}/comments?lang=en`, { paragraph: '1', body: 'Касно.' });
  assert.equal(late.status, 422);
  assert.match(late.text, /The consultation has closed: comments are no longer taken/);
  const cid = sqlite(`SELECT min(id) FROM position_comment WHERE position_id = ${id}`);
  const reply = await post('voict_manager', `/positions/${id}/comments?lang=en`, { paragraph: '0', parent: cid, body: 'И одговор.' });
  assert.equal(reply.status, 422);
  assert.equal(count(), c0);
  assert.equal(audits(), a0);
  // the page offers no comment form any more; the comment made in time stays
  const page = await get('voict_manager', `/positions/${id}?lang=en`);
  assert.doesNotMatch(page.text, /action="\/positions\/\d+\/comments"/);
  assert.match(page.text, /На време\./);
});

test('signing and commenting only for a SCAN cluster or a member of one, not for the institution addressed', async () => {
  const id = await signingPosition('Двострука улога');
  const ministry = orgId('ministarstvo-privrede');
  const page = await get('dual', `/positions/${id}?lang=en`);
  assert.equal(page.status, 200, 'a member company\'s representative takes part');
  const select = /<select id="pos-sign-org"[^]*?<\/select>/.exec(page.text)?.[0] ?? '';
  assert.match(select, new RegExp(`value="${orgId(people.member)}"`));
  assert.doesNotMatch(select, new RegExp(`value="${ministry}"`), 'the ministry is not offered');
  const before = sqlite(`SELECT count(*) FROM position_signature WHERE position_id = ${id}`);
  assert.equal((await post('dual', `/positions/${id}/sign`, { org: String(ministry) })).status, 403);
  const token = await makeToken(srv.url, await session('dual'), 'write');
  const api = await fetch(`${srv.url}/api/v1/positions/${id}/signatures`, {
    method: 'POST', body: JSON.stringify({ org_id: ministry }),
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  assert.equal(api.status, 403);
  assert.equal(sqlite(`SELECT count(*) FROM position_signature WHERE position_id = ${id}`), before);
  // the company it represents signs
  assert.equal((await post('dual', `/positions/${id}/sign`, { org: String(orgId(people.member)) })).status, 303);
  // and in a consultation it comments for the company, never for the ministry
  const made = await post('admin', '/positions', { owner: 'scan', kind: 'statement', title_sr: 'Коментар', body_sr: 'Један.' });
  const cid = Number(/\/positions\/(\d+)/.exec(made.location)[1]);
  assert.equal((await post('admin', `/positions/${cid}/stage`, { stage: 'consultation', consult_until: '2099-01-01' })).status, 303);
  assert.equal((await post('dual', `/positions/${cid}/comments`, { paragraph: '0', org: String(ministry), body: 'Министарство.' })).status, 403);
  assert.equal((await post('dual', `/positions/${cid}/comments`, { paragraph: '0', org: String(orgId(people.member)), body: 'Фирма.' })).status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM position_comment WHERE position_id = ${cid} AND org_id = ${ministry}`), '0');
});

test('a submission of a position nobody has signed is refused: it would claim "Submitted" with nobody behind it', async () => {
  const id = await signingPosition('Без потписа');
  const res = await submit(id);
  assert.equal(res.status, 422);
  assert.match(res.text, /Nobody has signed yet/);
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${id}`), 'signing');
  assert.equal(sqlite(`SELECT count(*) FROM position_submission WHERE position_id = ${id}`), '0');
  // a signature withdrawn leaves nobody either
  assert.equal((await post('voict_manager', `/positions/${id}/sign`, { org: String(orgId('voict')) })).status, 303);
  assert.equal((await post('voict_manager', `/positions/${id}/withdraw`, { org: String(orgId('voict')) })).status, 303);
  assert.equal((await submit(id)).status, 422);
  // the API says the same
  const token = await makeToken(srv.url, await session('admin'), 'write');
  const api = await fetch(`${srv.url}/api/v1/positions/${id}/submissions`, {
    method: 'POST', body: JSON.stringify({ institution: 'ministarstvo-privrede', sent_on: today(), channel: 'email' }),
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  assert.equal(api.status, 422);
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${id}`), 'signing');
});

// last: VMC leaves SCAN here
test('a cluster that left SCAN signs no more, but its manager may still withdraw its signature', async () => {
  // VMC's manager also represents a VOICT member: still takes part after VMC leaves
  addUser('leaver', [['manager', 'vmc'], ['representative', people.member]]);
  const id = await signingPosition('Одлазак');
  const other = await signingPosition('После одласка');
  const vmc = orgId('vmc');
  assert.equal((await post('leaver', `/positions/${id}/sign`, { org: String(vmc) })).status, 303);
  sqlite(`INSERT INTO scan_membership(org_id, status, since, created_at) VALUES (${vmc}, 'left', '${today()}', 0)`);
  assert.equal((await post('leaver', `/positions/${other}/sign`, { org: String(vmc) })).status, 403);
  const page = await get('leaver', `/positions/${id}?lang=en`);
  assert.match(page.text, new RegExp(`action="/positions/${id}/withdraw"[^]*?name="org" value="${vmc}"`));
  assert.equal((await post('leaver', `/positions/${id}/withdraw`, { org: String(vmc) })).status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM position_signature WHERE position_id = ${id} AND withdrawn_at IS NULL`), '0');
});
