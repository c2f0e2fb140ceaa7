// positions.test.mjs: advocacy positions over HTTP (web_position.c,
// position.c, position_sign.c): who sees which stage, the whole path from
// draft through consultation, versions and signing to submission, the
// weight (once-only, equal to the founders' total when all founders sign;
// a withdrawn signature leaves it), and bad input refused with a clear
// message and nothing changed (a signature on a draft, a comment on a
// paragraph that does not exist, a withdrawal after submission, an
// impossible stage move, raw HTML and javascript: links in the text).
//
// Fixtures: the demo data (scan init --demo): four positions, VOICT's in
// signing, SCAN's answered one signed by all seven founders. People: the
// managers of VOICT and VMC, the representative of a VOICT member, a
// person with no affiliation, an editor and an admin.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, makeToken, sqliteIn } from './lib.mjs';

const PW = 'positions pass phrase 2026';
let srv;
const people = {};

// the sqlite3 shell, or psql in PostgreSQL mode (lib.mjs)
function sqlite(sql) {
  return sqliteIn(srv.db, sql);
}

function addUser(email, extra = []) {
  const r = scan(['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', ...extra,
    '--db', srv.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
}

async function session(who) {
  if (!people[who]) people[who] = await login(srv.url, `${who}@example.com`, PW);
  return people[who];
}

async function post(who, path, form) {
  const s = who ? await session(who) : null;
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    if (Array.isArray(v)) v.forEach((x) => body.append(k, x));
    else body.append(k, v);
  }
  if (s) body.append('_csrf', s.csrf);
  const res = await fetch(srv.url + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, ...(s ? { Cookie: s.cookie } : {}) },
    body: body.toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function get(who, path) {
  const s = who ? await session(who) : null;
  const res = await fetch(srv.url + path, { headers: s ? { Cookie: s.cookie } : {}, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

const orgId = (slug) => Number(sqlite(`SELECT id FROM org WHERE slug = '${slug}'`));
const posId = (stage) => Number(sqlite(`SELECT min(id) FROM position WHERE stage = '${stage}'`));
const state = (id) => sqlite(`SELECT stage || '/' || version || '/' || (SELECT count(*) FROM position_signature WHERE position_id = ${id})
  || '/' || (SELECT count(*) FROM position_signature WHERE position_id = ${id} AND withdrawn_at IS NULL)
  || '/' || (SELECT count(*) FROM position_comment WHERE position_id = ${id}) || '/' || (SELECT count(*) FROM position_step WHERE position_id = ${id})
  FROM position WHERE id = ${id}`);

before(async () => {
  srv = await startServer({ demo: true });
  for (const [who, slug] of [['voict_manager', 'voict'], ['vmc_manager', 'vmc']]) {
    addUser(`${who}@example.com`);
    assert.equal(scan(['user', 'role', `${who}@example.com`, 'manager', '--org', slug, '--db', srv.db]).status, 0);
  }
  // the representative of one of VOICT's current members
  const member = sqlite(`SELECT o.slug FROM cluster_member m JOIN org o ON o.id = m.org_id JOIN org c ON c.id = m.cluster_id
    WHERE c.slug = 'voict' AND m.left_on IS NULL ORDER BY o.slug LIMIT 1`);
  addUser('member_rep@example.com');
  assert.equal(scan(['user', 'role', 'member_rep@example.com', 'representative', '--org', member, '--db', srv.db]).status, 0);
  people.member = member;
  addUser('nobody@example.com');
  addUser('editor@example.com', ['--editor']);
  addUser('admin@example.com', ['--admin']);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('who sees which stage: submitted ones are public; consultation and signing for SCAN people; drafts for their writers', async () => {
  const answered = posId('answered'), consult = posId('consultation'), signing = posId('signing');
  const list = await get(null, '/positions?lang=en');
  assert.equal(list.status, 200);
  assert.match(list.text, /Public Procurement Law/);
  assert.doesNotMatch(list.text, /Tax incentives/, 'a consultation is not public');
  assert.equal((await get(null, `/positions/${answered}?lang=en`)).status, 200);
  assert.equal((await get(null, `/positions/${consult}`)).status, 404);
  assert.equal((await get('nobody', `/positions/${consult}`)).status, 403);
  for (const who of ['voict_manager', 'member_rep', 'editor', 'admin'])
    assert.equal((await get(who, `/positions/${consult}`)).status, 200, who);
  assert.equal((await get('nobody', `/positions/${signing}`)).status, 403);
  assert.match((await get('member_rep', '/positions?lang=en')).text, /Tax incentives/);
  // JSON-LD on the public page only
  const pub = await get(null, `/positions/${answered}?lang=en`);
  assert.match(pub.text, /<script type="application\/ld\+json">\{"@context":"https:\/\/schema.org","@type":"CreativeWork"/);
  assert.doesNotMatch((await get('admin', `/positions/${consult}`)).text, /application\/ld\+json/);
});

test("the weight: all seven founders sign the answered position, so it is the founders' total, each member once", async () => {
  const id = posId('answered');
  const page = await get(null, `/positions/${id}?lang=en`);
  const r = await fetch(`${srv.url}/api/v1/figures?scope=founders&year=2024`);
  const t = (await r.json()).items[0];
  assert.match(page.text, new RegExp(`Behind it stand ${t.members} organisations \\(each counted once\\) that employ ${t.employees.toLocaleString('en-US')} people`));
  assert.match(page.text, new RegExp(`Figures reported for ${t.reported} of ${t.members} member organisations in 2024`));
  // the sum over clusters counts the two members of two founders twice: the weight does not
  const perCluster = Number(sqlite(`SELECT count(*) FROM cluster_member m JOIN org c ON c.id = m.cluster_id
    JOIN scan_membership s ON s.org_id = c.id AND s.status = 'founder' WHERE m.joined_on <= '2024-12-31' AND (m.left_on IS NULL OR m.left_on >= '2024-01-01')`));
  assert.ok(perCluster > t.members, `${perCluster} memberships, ${t.members} organisations`);
});

test('the whole path: draft, edit, consultation, comments on paragraphs, a new version with its diff, signing, submission', async () => {
  // a new draft by VOICT's manager; VMC's manager may not write for VOICT
  const form = { owner: 'voict', kind: 'proposal', title_sr: 'Мање папира за извознике',
    body_sr: 'Први пасус о царини.\n\nДруги пасус о <b>роковима</b> и [веза](javascript:alert(1)).',
    tags: ['area:export'], nace: '62', addressees: ['ministarstvo-privrede'] };
  assert.equal((await post('vmc_manager', '/positions', form)).status, 403);
  const made = await post('voict_manager', '/positions', form);
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(/\/positions\/(\d+)/.exec(made.location)[1]);
  assert.equal(state(id), 'draft/1/0/0/0/1');
  // raw HTML and javascript: links never become markup
  const draft = await get('voict_manager', `/positions/${id}?lang=sr`);
  assert.doesNotMatch(draft.text, /<b>роковима/);
  assert.doesNotMatch(draft.text, /href="javascript:/i);
  assert.match(draft.text, /id="para-1"/);
  // a draft: SCAN people other than its writers do not see it
  assert.equal((await get('member_rep', `/positions/${id}`)).status, 403);
  // a signature on a draft: refused, nothing changed
  const early = await post('voict_manager', `/positions/${id}/sign?lang=en`, { org: String(orgId('voict')) });
  assert.equal(early.status, 422);
  assert.match(early.text, /Not possible while the position is at stage “Draft”/);
  assert.equal(state(id), 'draft/1/0/0/0/1');
  // edit in place, then an impossible move (draft -> submitted)
  assert.equal((await post('voict_manager', `/positions/${id}`, { ...form, body_sr: 'Први пасус о царини.\n\nДруги пасус о роковима.' })).status, 303);
  const jump = await post('voict_manager', `/positions/${id}/stage?lang=en`, { stage: 'submitted' });
  assert.equal(jump.status, 422);
  assert.match(jump.text, /Not possible while the position is at stage “Draft”/);
  // consultation needs a closing date
  const noDate = await post('voict_manager', `/positions/${id}/stage?lang=en`, { stage: 'consultation' });
  assert.equal(noDate.status, 422);
  assert.equal(state(id), 'draft/1/0/0/0/1');
  assert.equal((await post('voict_manager', `/positions/${id}/stage`, { stage: 'consultation', consult_until: '2099-01-31' })).status, 303);
  // comments: on paragraph 2 (index 1) by a member's representative; one on a paragraph that does not exist is refused
  const bad = await post('member_rep', `/positions/${id}/comments?lang=en`, { paragraph: '7', body: 'Где је ово?' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /There is no such paragraph: the text has paragraphs 1 to 2/);
  assert.equal(state(id), 'consultation/1/0/0/0/2');
  const c = await post('member_rep', `/positions/${id}/comments`, { paragraph: '1', body: 'Рок од 15 дана.' });
  assert.equal(c.status, 303);
  const cid = Number(sqlite(`SELECT max(id) FROM position_comment WHERE position_id = ${id}`));
  assert.equal((await post('voict_manager', `/positions/${id}/comments`, { paragraph: '0', parent: String(cid), body: 'Слажемо се.' })).status, 303);
  assert.equal(sqlite(`SELECT group_concat(paragraph || ':' || (CASE WHEN parent_id IS NULL THEN 0 ELSE 1 END), ',') FROM position_comment WHERE position_id = ${id}`), '1:0,1:1');
  // nobody outside SCAN comments
  assert.equal((await post('nobody', `/positions/${id}/comments`, { paragraph: '0', body: 'x' })).status, 403);
  // a reply notifies the author
  assert.equal(sqlite(`SELECT count(*) FROM notify_event WHERE kind = 'position_reply'`), '1');
  // a new version; the page compares it with the first, word by word
  assert.equal((await post('voict_manager', `/positions/${id}/versions`, { ...form, body_sr: 'Први пасус о царини.\n\nДруги пасус о краћим роковима.', note: 'Краћи рокови' })).status, 303);
  const v2 = await get('voict_manager', `/positions/${id}?lang=sr&from=1&to=2`);
  assert.match(v2.text, /<ins>краћим ?<\/ins>/);
  assert.equal(sqlite(`SELECT count(*) FROM notify_event WHERE kind = 'position_version'`), '1', 'the other commenter, never the author of the change');
  // signing: VOICT's manager for VOICT, the representative for their company; not for someone else
  assert.equal((await post('voict_manager', `/positions/${id}/stage`, { stage: 'signing' })).status, 303);
  assert.ok(Number(sqlite(`SELECT count(*) FROM notify_event WHERE kind = 'position_signing'`)) > 0);
  assert.equal((await post('vmc_manager', `/positions/${id}/sign`, { org: String(orgId('voict')) })).status, 403);
  assert.equal((await post('admin', `/positions/${id}/sign`, { org: String(orgId('voict')) })).status, 403);
  assert.equal((await post('voict_manager', `/positions/${id}/sign`, { org: String(orgId('voict')) })).status, 303);
  const twice = await post('voict_manager', `/positions/${id}/sign?lang=en`, { org: String(orgId('voict')) });
  assert.equal(twice.status, 422);
  assert.equal((await post('member_rep', `/positions/${id}/sign`, { org: String(orgId(people.member)) })).status, 303);
  // the member is in VOICT: it counts once
  const one = await get('voict_manager', `/positions/${id}?lang=en`);
  const members = Number(sqlite(`SELECT count(DISTINCT m.org_id) FROM cluster_member m JOIN org c ON c.id = m.cluster_id
    WHERE c.slug = 'voict' AND m.joined_on <= '2024-12-31' AND (m.left_on IS NULL OR m.left_on >= '2024-01-01')`));
  assert.match(one.text, /Signatories: clusters 1, other organisations 1\./);
  assert.match(one.text, new RegExp(`Behind it stand ${members} organisations`));
  // VMC signs, then withdraws: the weight leaves with it
  assert.equal((await post('vmc_manager', `/positions/${id}/sign`, { org: String(orgId('vmc')) })).status, 303);
  assert.match((await get('voict_manager', `/positions/${id}?lang=en`)).text, /Signatories: clusters 2,/);
  assert.equal((await post('vmc_manager', `/positions/${id}/withdraw`, { org: String(orgId('vmc')) })).status, 303);
  const back = await get('voict_manager', `/positions/${id}?lang=en`);
  assert.match(back.text, /Signatories: clusters 1, other organisations 1\./);
  assert.match(back.text, new RegExp(`Behind it stand ${members} organisations`));
  // submitted: nobody signs or withdraws any more
  assert.equal((await post('voict_manager', `/positions/${id}/stage`, { stage: 'submitted' })).status, 303);
  const before = state(id);
  const late = await post('voict_manager', `/positions/${id}/withdraw?lang=en`, { org: String(orgId('voict')) });
  assert.equal(late.status, 422);
  assert.match(late.text, /Not possible while the position is at stage “Submitted”/);
  assert.equal((await post('vmc_manager', `/positions/${id}/sign`, { org: String(orgId('vmc')) })).status, 422);
  assert.equal(state(id), before);
  // now public, with its audit trail
  assert.equal((await get(null, `/positions/${id}`)).status, 200);
  assert.ok(Number(sqlite(`SELECT count(*) FROM audit WHERE entity = 'position' AND entity_id = ${id}`)) >= 10);
});

test('a submission needs a signature; an empty title is refused beside its field', async () => {
  const made = await post('admin', '/positions?lang=en', { owner: 'scan', kind: 'statement', title_sr: '', body_sr: '' });
  assert.equal(made.status, 422);
  assert.match(made.text, /This field is required/);
  const ok = await post('admin', '/positions', { owner: 'scan', kind: 'statement', title_sr: 'Изјава', body_sr: 'Текст.' });
  const id = Number(/\/positions\/(\d+)/.exec(ok.location)[1]);
  assert.equal((await post('admin', `/positions/${id}/stage`, { stage: 'consultation', consult_until: '2099-01-01' })).status, 303);
  assert.equal((await post('admin', `/positions/${id}/stage`, { stage: 'signing' })).status, 303);
  const none = await post('admin', `/positions/${id}/stage?lang=en`, { stage: 'submitted' });
  assert.equal(none.status, 422);
  assert.match(none.text, /Nobody has signed yet/);
  assert.equal((await post('admin', `/positions/${id}/stage`, { stage: 'closed' })).status, 303);
});

test('the API: public positions for everyone, the weight without unsupported sums, signing with a write token only', async () => {
  const answered = posId('answered');
  const list = await (await fetch(`${srv.url}/api/v1/positions`)).json();
  assert.ok(list.items.every((p) => ['submitted', 'answered', 'closed'].includes(p.stage)));
  assert.equal((await fetch(`${srv.url}/api/v1/positions/${posId('consultation')}`)).status, 404);
  const one = await (await fetch(`${srv.url}/api/v1/positions/${answered}`)).json();
  assert.equal(one.weight.clusters, 7);
  assert.equal(one.weight.covered, true);
  assert.equal(one.signatures.length, 7);
  assert.equal(one.signatures[6].weight_at_signing.members, one.weight.members);
  assert.ok(one.versions[0].body_sr.length > 0);
  // a read-only token never signs; a read-write one of VMC's manager signs for VMC
  const s = await session('vmc_manager');
  const tokenOf = (scope) => makeToken(srv.url, s, scope);
  const signing = Number(sqlite(`SELECT min(id) FROM position WHERE stage = 'signing' AND is_demo = 1`));
  const send = (token, path, body) => fetch(srv.url + path, { method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const ro = await tokenOf('read');
  assert.equal((await send(ro, `/api/v1/positions/${signing}/signatures`, { org_id: orgId('vmc') })).status, 403);
  const rw = await tokenOf('write');
  assert.equal((await send(rw, `/api/v1/positions/${signing}/signatures`, { org_id: orgId('voict') })).status, 403);
  assert.equal((await send(rw, `/api/v1/positions/${signing}/signatures`, { org_id: orgId('vmc') })).status, 201);
  const again = await send(rw, `/api/v1/positions/${signing}/signatures`, { org_id: orgId('vmc') });
  assert.equal(again.status, 422);
  assert.match(JSON.stringify(await again.json()), /org_id/);
  assert.equal((await send(rw, `/api/v1/positions/${signing}/withdraw`, { org_id: orgId('vmc') })).status, 200);
});
