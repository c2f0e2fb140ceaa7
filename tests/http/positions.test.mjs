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
  // the note of what changed exists in Serbian only: marked so for English readers
  const v2en = await get('voict_manager', `/positions/${id}?lang=en&from=1&to=2`);
  assert.match(v2en.text, /<span lang="sr-Latn">Kraći rokovi<\/span>/);
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
  // while signing, the count only: the sums wait for the final signatories (second review of issue 16)
  assert.match(one.text, new RegExp(`Organisations behind it \\(each counted once\\): ${members}\\.`));
  assert.match(one.text, /stated once the position is submitted/);
  // a company signing after a cluster: its row says whom it speaks for, never its figures,
  // and no running total per signature lets anyone subtract them (review of issue 16)
  const rows = [...one.text.matchAll(/<span class="pos-share">([^<]*)<\/span>/g)].map((m) => m[1]);
  assert.deepEqual(rows, [`speaks for ${members} organisations`, 'speaks for 1 organisation']);
  assert.doesNotMatch(one.text, /employing|weight when signed|adds \d+ organisations/);
  assert.doesNotMatch(one.text, /that employ/, 'no sums while signing');
  // VMC signs, then withdraws: the weight leaves with it
  assert.equal((await post('vmc_manager', `/positions/${id}/sign`, { org: String(orgId('vmc')) })).status, 303);
  assert.match((await get('voict_manager', `/positions/${id}?lang=en`)).text, /Signatories: clusters 2,/);
  assert.equal((await post('vmc_manager', `/positions/${id}/withdraw`, { org: String(orgId('vmc')) })).status, 303);
  const back = await get('voict_manager', `/positions/${id}?lang=en`);
  assert.match(back.text, /Signatories: clusters 1, other organisations 1\./);
  assert.match(back.text, new RegExp(`Organisations behind it \\(each counted once\\): ${members}\\.`));
  // "Submitted" is never a bare move: the submission recorded moves the stage (review of issue 16)
  const bare = await post('voict_manager', `/positions/${id}/stage?lang=en`, { stage: 'submitted' });
  assert.equal(bare.status, 422);
  assert.match(bare.text, /Record the submission/);
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${id}`), 'signing');
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Belgrade' });
  // submitted: nobody signs or withdraws any more
  assert.equal((await post('voict_manager', `/positions/${id}/submissions`, { institution: 'ministarstvo-privrede', sent_on: today, channel: 'email' })).status, 303);
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${id}`), 'submitted');
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
  // one company alone: its figures would be the total; the sums are withheld (page and print alike)
  assert.equal((await post('member_rep', `/positions/${id}/sign`, { org: String(orgId(people.member)) })).status, 303);
  const alone = await get('admin', `/positions/${id}?lang=en`);
  assert.match(alone.text, /Organisations behind it \(each counted once\): 1\.[^]*speaks for 1 organisation</);
  assert.doesNotMatch(alone.text, /that employ|employing/);
  assert.match(alone.text, /stated once the position is submitted/);
  assert.equal((await post('admin', `/positions/${id}/stage`, { stage: 'closed' })).status, 303);
  // closed, the signatories final: still one company, so the count's rule withholds the sums
  const closed = await get('admin', `/positions/${id}?lang=en`);
  assert.doesNotMatch(closed.text, /that employ|employing/);
  assert.match(closed.text, /shown when at least three organisations count/);
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

// --- review of issue 16 (session 7): comments on earlier versions, comments for English readers,
// each signatory's own share of the weight, the printed letter ---

test('comments on an earlier version stay on the page after a new version, under the paragraph they were on', async () => {
  const id = posId('consultation'); // demo: two comments on version 1, one on version 2
  const sr = await get('voict_manager', `/positions/${id}?lang=sr`);
  assert.equal(sr.status, 200);
  const old = /<section class="panel pos-old-comments[^]*?<\/section>/.exec(sr.text);
  assert.ok(old, 'a section of comments on earlier versions');
  assert.match(old[0], /<details class="pos-old-version" id="comments-v1"><summary>Коментари на верзију 1 \(2\)<\/summary>/);
  assert.match(old[0], /На пасус 1 те верзије:[^]*<blockquote class="pos-para-quote" lang="sr"><p>Кластери SCAN-а предлажу да се двоструки одбитак трошкова истраживања и развоја прошири на мала предузећа.<\/p>/);
  assert.match(old[0], /Да ли би подстицај важио и за предузетнике\?[^]*Да, ако воде пословне књиге\./);
  assert.doesNotMatch(old[0], /Рок од 30 дана је добар/, 'the current version\'s comment is beside its paragraph, not here');
  assert.match(sr.text, /id="para-2"><div class="pos-para-text">[^]*Рок од 30 дана је добар/);
  // the public never sees comments
  assert.equal(Number(sqlite(`SELECT count(*) FROM position_comment WHERE position_id = ${id}`)), 3);
});

test('English readers see the comments as written: beside the English paragraphs, or under the quoted Serbian paragraph', async () => {
  const id = posId('consultation');
  const en = await get('voict_manager', `/positions/${id}?lang=en`);
  assert.match(en.text, /<div class="pos-text pos-paragraphs" lang="en">/);
  assert.match(en.text, /id="para-2"><div class="pos-para-text"><p>We propose a simpler form[^]*Рок од 30 дана је добар/);
  assert.match(en.text, /Comments on version 1 \(2\)[^]*Да ли би подстицај важио и за предузетнике\?/);
  assert.match(en.text, /Comment on this paragraph/i, 'the comment form too');
  // an English text with other paragraphs than the Serbian: the English whole, the comments after it
  const made = await post('voict_manager', '/positions', { owner: 'voict', kind: 'statement', title_sr: 'Изјава о роковима',
    title_en: 'Statement on deadlines', body_sr: 'Први пасус.\n\nДруги пасус о роковима.', body_en: 'The whole statement in one English paragraph.' });
  const pid = Number(/\/positions\/(\d+)/.exec(made.location)[1]);
  assert.equal((await post('voict_manager', `/positions/${pid}/stage`, { stage: 'consultation', consult_until: '2099-01-31' })).status, 303);
  assert.equal((await post('member_rep', `/positions/${pid}/comments`, { paragraph: '1', body: 'Рокови су прекратки.' })).status, 303);
  const apart = await get('member_rep', `/positions/${pid}?lang=en`);
  assert.match(apart.text, /<div class="pos-text" lang="en"><p>The whole statement in one English paragraph.<\/p>/);
  assert.match(apart.text, /<blockquote class="pos-para-quote" lang="sr"><p>Други пасус о роковима.<\/p>\s*<\/blockquote>[^]*Рокови су прекратки\./);
  assert.doesNotMatch(apart.text, /switch to Serbian/);
});

test('each signatory shows whom it speaks for, whatever the order; the total once', async () => {
  const id = posId('answered'); // signed by the seven founders
  const page = await get(null, `/positions/${id}?lang=en`);
  const shares = [...page.text.matchAll(/<span class="pos-share">speaks for (\d+) organisations?<\/span>/g)].map((m) => Number(m[1]));
  assert.equal(shares.length, 7, 'one line per signatory');
  assert.doesNotMatch(page.text, /weight when signed|not counted already|employing/);
  assert.equal([...page.text.matchAll(/Behind it stand/g)].length, 1, 'the total once');
  // each signer's own members in the weight's year, not what earlier signers left
  const year = Number(/Figures reported for \d+ of \d+ member organisations in (\d+)/.exec(page.text)[1]);
  const signers = sqlite(`SELECT o.id FROM position_signature g JOIN org o ON o.id = g.org_id WHERE g.position_id = ${id}
    AND g.withdrawn_at IS NULL ORDER BY g.signed_at, g.id`).split('\n');
  const own = signers.map((c) => Number(sqlite(`SELECT count(DISTINCT org_id) FROM cluster_member WHERE cluster_id = ${c}
    AND joined_on <= '${year}-12-31' AND (left_on IS NULL OR left_on >= '${year}-01-01')`)));
  assert.deepEqual(shares, own);
  // the API: organisations per signature, never figures; the count is signature_count
  const one = await (await fetch(`${srv.url}/api/v1/positions/${id}`)).json();
  assert.deepEqual(one.signatures.map((g) => g.organisations), own);
  for (const g of one.signatures)
    assert.deepEqual(Object.keys(g).sort(), ['org', 'org_id', 'organisations', 'signed_at', 'withdrawn_at']);
  assert.equal(one.signature_count, 7);
});

test('the printed letter: SCAN\'s letterhead, the date, addressees, text and signatories; no stage or version labels in print', async () => {
  const id = posId('answered');
  const page = await get(null, `/positions/${id}?lang=en`);
  assert.match(page.text, /<header class="pos-letterhead print-only"><img src="[^"]*logo[^"]*"[^>]*><div><p class="pos-lh-name"><strong>SCAN<\/strong> · Serbian Cluster Association<\/p>/);
  assert.match(page.text, /<p class="pos-meta no-print">/, 'the stage and version are for the screen only');
  // the address block of SCAN's directory entry, when it has one
  sqlite("UPDATE org SET address = 'Кнеза Милоша 10', municipality = 'Београд', email = 'office@scan.example' WHERE slug = 'scan'");
  const again = await get('admin', `/positions/${id}?lang=sr`);
  assert.match(again.text, /<p class="pos-lh-address">Кнеза Милоша 10 · Београд · office@scan.example<\/p>/);
});

test('the API writes positions: create, change a draft, new version, stage moves; bad input 422 with the field; rights per role and token', async () => {
  const tokens = {};
  for (const who of ['voict_manager', 'vmc_manager', 'member_rep', 'nobody', 'editor', 'admin'])
    for (const scope of ['read', 'write']) tokens[`${who}:${scope}`] = await makeToken(srv.url, await session(who), scope);
  const send = (token, method, path, body) => fetch(srv.url + path, { method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    .then(async (r) => ({ status: r.status, text: await r.text() }));
  const count = () => sqlite("SELECT (SELECT count(*) FROM position) || '/' || (SELECT count(*) FROM position_version) || '/' || (SELECT count(*) FROM audit)");
  const draft = { owner: 'voict', kind: 'proposal', title_sr: 'Предлог преко API-ја', title_en: 'A proposal through the API',
    body_sr: 'Први пасус.\n\nДруги пасус.', body_en: 'First paragraph.\n\nSecond paragraph.', tags: ['area:export', 'nace:62'], addressees: ['ministarstvo-privrede'] };
  // create: VOICT's manager and the secretariat with a write token; nobody else, never a read token
  const before = count();
  for (const who of ['vmc_manager', 'member_rep', 'nobody'])
    assert.equal((await send(tokens[`${who}:write`], 'POST', '/api/v1/positions', draft)).status, 403, who);
  assert.equal((await send(tokens['voict_manager:read'], 'POST', '/api/v1/positions', draft)).status, 403, 'a read token');
  assert.ok([401, 403].includes((await send(null, 'POST', '/api/v1/positions', draft)).status), 'no token');
  // bad input: each field named, nothing stored
  const bad = await send(tokens['voict_manager:write'], 'POST', '/api/v1/positions', { ...draft, title_sr: '', kind: 'rant', tags: ['nace:999'] });
  assert.equal(bad.status, 422);
  const fields = JSON.parse(bad.text);
  assert.match(bad.text, /title_sr/);
  assert.match(bad.text, /kind/);
  assert.match(bad.text, /tags/);
  assert.equal((await send(tokens['voict_manager:write'], 'POST', '/api/v1/positions', { ...draft, title_sr: 7, tags: 'x' })).status, 422);
  assert.equal(count(), before, 'nothing stored');
  assert.ok(fields);
  const made = await send(tokens['voict_manager:write'], 'POST', '/api/v1/positions', draft);
  assert.equal(made.status, 201, made.text);
  // body_en is optional, as in the web form: an English title alone is enough
  const { body_en: _unused, ...noBodyEn } = draft;
  const titled = await send(tokens['voict_manager:write'], 'POST', '/api/v1/positions', { ...noBodyEn, title_sr: 'Предлог без енглеског текста' });
  assert.equal(titled.status, 201, titled.text);
  assert.equal(JSON.parse(titled.text).versions[0].body_en, null);
  const p = JSON.parse(made.text);
  assert.equal(p.stage, 'draft');
  assert.equal(p.version, 1);
  assert.deepEqual(p.tags.sort(), ['area:export', 'nace:62']);
  assert.deepEqual(p.submissions, []);
  assert.equal((await send(tokens['editor:write'], 'POST', '/api/v1/positions', { ...draft, owner: 'scan' })).status, 201, 'the secretariat');
  // change the draft: the fields given, the others kept
  assert.equal((await send(tokens['vmc_manager:write'], 'PATCH', `/api/v1/positions/${p.id}`, { title_sr: 'Туђи' })).status, 403);
  const patched = await send(tokens['voict_manager:write'], 'PATCH', `/api/v1/positions/${p.id}`, { title_sr: 'Предлог о извозу' });
  assert.equal(patched.status, 200, patched.text);
  const pp = JSON.parse(patched.text);
  assert.equal(pp.title_sr, 'Предлог о извозу');
  assert.equal(pp.versions[0].body_sr, draft.body_sr, 'the text kept');
  assert.deepEqual(pp.tags.sort(), ['area:export', 'nace:62'], 'the tags kept');
  // stage moves the page allows, and no other
  const jump = await send(tokens['voict_manager:write'], 'POST', `/api/v1/positions/${p.id}/stage`, { stage: 'submitted' });
  assert.equal(jump.status, 422);
  assert.match(jump.text, /"stage"/);
  const noDate = await send(tokens['voict_manager:write'], 'POST', `/api/v1/positions/${p.id}/stage`, { stage: 'consultation' });
  assert.equal(noDate.status, 422);
  assert.match(noDate.text, /consult_until/);
  const moved = await send(tokens['voict_manager:write'], 'POST', `/api/v1/positions/${p.id}/stage`, { stage: 'consultation', consult_until: '2099-01-31' });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(JSON.parse(moved.text).stage, 'consultation');
  // in consultation a draft edit is refused; a new version is published
  const late = await send(tokens['voict_manager:write'], 'PATCH', `/api/v1/positions/${p.id}`, { title_sr: 'Касно' });
  assert.equal(late.status, 422);
  assert.match(late.text, /"stage"/);
  const v2 = await send(tokens['voict_manager:write'], 'POST', `/api/v1/positions/${p.id}/versions`, { body_sr: 'Први пасус.\n\nДруги, краћи пасус.', note: 'Краће' });
  assert.equal(v2.status, 201, v2.text);
  const p2 = JSON.parse(v2.text);
  assert.equal(p2.version, 2);
  assert.equal(p2.versions.length, 2);
  assert.equal(p2.title_sr, 'Предлог о извозу', 'the title kept');
  assert.ok(Number(sqlite(`SELECT count(*) FROM audit WHERE entity = 'position' AND entity_id = ${p.id}`)) >= 4, 'every write audited');
  // submissions and outcomes are in GET: the answered demo position's
  const answered = await (await fetch(`${srv.url}/api/v1/positions/${posId('answered')}`)).json();
  assert.ok(answered.submissions.length >= 1);
  assert.equal(answered.submissions[0].institution, 'ministarstvo-privrede');
  assert.ok(answered.submissions.some((s) => s.outcome && s.outcome.outcome && s.outcome.answered_on));
});

test('navigation: a manager\'s start page lists the positions open for their signature; /positions links the consultations and the feed', async () => {
  const start = await get('vmc_manager', '/start?lang=en');
  assert.match(start.text, /<h2>Positions open for your signature<\/h2>[^]*<a href="\/positions\/\d+#signatures">Dual education for the digital economy<\/a>/);
  // VOICT has signed it: its manager is not asked again
  assert.doesNotMatch((await get('voict_manager', '/start?lang=en')).text, /Dual education for the digital economy/);
  assert.doesNotMatch((await get('nobody', '/start?lang=en')).text, /Positions open for your signature/);
  const list = await get(null, '/positions?lang=sr');
  assert.match(list.text, /<a href="\/consultations">Праћење јавних консултација<\/a>/);
  assert.match(list.text, /<a href="\/positions.atom" type="application\/atom\+xml">/);
  assert.match(list.text, /<link rel="alternate" type="application\/atom\+xml" href="\/positions.atom">/);
});
