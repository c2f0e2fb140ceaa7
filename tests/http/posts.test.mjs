// posts.test.mjs: the cooperation board end to end against the real binary
// (issue 13): publishing through the form and the API, matches with their
// reasons on the page right after publishing (a Cyrillic request finds a
// Latin offer), bad input on every field (the message beside the field,
// nothing stored), who may change what (a representative cannot touch
// another organisation's post, anonymous users cannot report), hiding
// (gone from the board, the feed and the API; the author is mailed),
// reports flagging a post on the secretariat's start page, the Atom feed
// (well-formed Atom 1.0 with the required elements), and the person's
// data export.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, login, makeToken, loginAgent, scanIn, sqliteIn } from './lib.mjs';

const PW = 'cooperation test phrase 2026';
const USERS = {
  editor: ['editor.p@example.com', ['--editor']],
  repA: ['rep.a@example.com', []],   // Metal A, member of cluster K1
  repB: ['rep.b@example.com', []],   // Soft B, member of cluster K2
  managerK1: ['manager.k1@example.com', []],
  plain: ['plain.p@example.com', []], // no affiliation
};

let dir;
let db;
let srv;
const as = {};

function sqlite(sql) {
  return sqliteIn(db, sql);
}

function cli(args, input) {
  return scanIn(db, args, input);
}

async function agent(email) {
  return loginAgent(srv.url, email, PW);
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"')
  .replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const orgId = (slug) => sqlite(`SELECT id FROM org WHERE slug = '${slug}'`);
const dayFromNow = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
const count = () => Number(sqlite('SELECT count(*) FROM post'));

// The error paragraph of field name in a form page, or null.
function fieldError(html, name) {
  const m = new RegExp(`<p class="field-error" id="p-${name}-error">(.*?)</p>`).exec(html);
  return m ? text(m[1]) : null;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-posts-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('k1', 'Vojvodina Metal Cluster', 'cluster', 'published', 0, 0, 'k1'),
    ('k2', 'NiCAT', 'cluster', 'published', 0, 0, 'k2'),
    ('metal-a', 'Metal A', 'company', 'published', 0, 0, 'metal a'),
    ('soft-b', 'Soft B', 'company', 'published', 0, 0, 'soft b');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2018-01-01' FROM org c, org m WHERE c.slug = 'k1' AND m.slug = 'metal-a';
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2018-01-01' FROM org c, org m WHERE c.slug = 'k2' AND m.slug = 'soft-b';
    INSERT INTO scan_membership(org_id, status, since, created_at)
      SELECT id, 'member', '2018-01-01', 0 FROM org WHERE slug IN ('k1', 'k2');`);
  for (const [key, [email, flags]] of Object.entries(USERS))
    cli(['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  cli(['user', 'role', USERS.repA[0], 'representative', '--org', 'metal-a']);
  cli(['user', 'role', USERS.repB[0], 'representative', '--org', 'soft-b']);
  cli(['user', 'role', USERS.managerK1[0], 'manager', '--org', 'k1']);
  srv = await startServer({ dbPath: db });
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await agent(email);
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

const offerB = () => ({
  org: orgId('soft-b'), kind: 'offer', topic: 'technology', lang: 'sr-Latn',
  title: 'Ugrađeni softver i firmver', body: 'Razvijamo firmver za mikrokontrolere.',
  title_tr: 'Embedded software and firmware', body_tr: 'We develop firmware for microcontrollers.',
  nace: '26', geo: 'R-JI', valid_until: dayFromNow(60), visibility: 'public',
});
const requestA = () => ({
  org: orgId('metal-a'), kind: 'request', topic: 'supply_chain', lang: 'sr-Cyrl',
  title: 'Потребан уграђени софтвер', body: 'Тражимо фирмвер за мерне уређаје.',
  nace: '26', geo: 'R-VO', valid_until: dayFromNow(90), visibility: 'public',
});

let offerId;
let requestId;

test('a representative publishes; the matches and the reasons are on the page at once', async () => {
  const o = await as.repB.post('/cooperation', offerB());
  assert.equal(o.status, 303, o.text.slice(0, 400));
  offerId = /\/cooperation\/(\d+)\?done=saved$/.exec(o.location)[1];
  const r = await as.repA.post('/cooperation?lang=en', requestA());
  assert.equal(r.status, 303);
  requestId = /\/cooperation\/(\d+)/.exec(r.location)[1];
  const page = await as.repA.get(`/cooperation/${requestId}?lang=en`);
  assert.equal(page.status, 200);
  const t = text(page.text);
  assert.match(t, /Matches/);
  assert.match(t, /Embedded software and firmware/, 'an English reader sees the translation');
  assert.match(page.text, new RegExp(`href="/cooperation/${offerId}"`));
  assert.match(t, /both in NACE 26 Manufacture of computer, electronic and optical products/);
  // the words as the post writes them, in the reader's script (Latin for English)
  assert.match(t, /shared words: ugrađeni, softver, firmver/);
  assert.match(t, /no common cluster/);
  // the older offer's page shows the new request too (stored both ways)
  const back = await fetch(`${srv.url}/cooperation/${offerId}?lang=en`);
  assert.match(await back.text(), new RegExp(`href="/cooperation/${requestId}"`));
  // in Serbian Cyrillic the reasons are in Serbian
  const sr = await as.repA.get(`/cooperation/${requestId}?lang=sr-Cyrl`);
  assert.match(text(sr.text), /обе у делатности 26 Производња рачунара/);
  assert.equal(sqlite(`SELECT count(*) FROM audit WHERE action = 'post_create'`), '2');
});

test('the board lists open posts with filters, sorting and canonical URLs; anonymous pages are cached', async () => {
  const all = await fetch(`${srv.url}/cooperation?lang=en`);
  const html = await all.text();
  assert.equal(all.status, 200);
  assert.match(html, new RegExp(`/cooperation/${offerId}"`));
  assert.match(html, new RegExp(`/cooperation/${requestId}"`));
  const offers = await (await fetch(`${srv.url}/cooperation?kind=offer`)).text();
  assert.match(offers, new RegExp(`/cooperation/${offerId}"`));
  assert.doesNotMatch(offers, new RegExp(`/cooperation/${requestId}"`));
  const k1 = await (await fetch(`${srv.url}/cooperation?cluster=k1`)).text();
  assert.match(k1, new RegExp(`/cooperation/${requestId}"`));
  assert.doesNotMatch(k1, new RegExp(`/cooperation/${offerId}"`));
  // junk and empty parameters go to the canonical URL
  const junk = await fetch(`${srv.url}/cooperation?topic=&kind=offer&utm=1`, { redirect: 'manual' });
  assert.equal(junk.status, 303);
  assert.equal(junk.headers.get('location'), '/cooperation?kind=offer');
  assert.equal((await fetch(`${srv.url}/cooperation?kind=gift`)).status, 400);
  assert.equal((await fetch(`${srv.url}/cooperation?sort=oldest`)).status, 400);
  // each app server keeps its own page cache (keyed by the database's data
  // versions, so never stale): behind a proxy (tests/cluster, srv.direct)
  // the page is served from cache once every server has rendered it
  const seen = [];
  for (let i = 0; i <= (srv.direct?.length ?? 1); i++) {
    const r = await fetch(`${srv.url}/cooperation?sort=closing`);
    await r.text();
    seen.push(r.headers.get('x-scan-cache'));
  }
  assert.ok(seen.includes('hit'), `one of the repeated requests is a cache hit: ${seen.join(', ')}`);
});

test('bad input on every field: the message beside the field, nothing stored', async () => {
  const before = count();
  const cases = [
    ['title', { title: '' }, /required/i],
    ['body', { body: 'x'.repeat(4001) }, /4[.,]?000/],
    ['nace', { nace: ['26', '99x'] }, /from the list/],
    ['valid_until', { valid_until: '2001-01-01' }, /12 months/],
    ['valid_until', { valid_until: dayFromNow(400) }, /12 months/],
    ['valid_until', { valid_until: '2030-02-30' }, /date/i],
    ['kind', { kind: 'gift' }, /./],
    ['geo', { geo: 'R-XX' }, /from the list/],
  ];
  for (const [field, change, msg] of cases) {
    const r = await as.repA.post('/cooperation?lang=en', { ...requestA(), ...change });
    assert.equal(r.status, 422, `${field}: ${JSON.stringify(change).slice(0, 60)}`);
    const err = fieldError(r.text, field);
    assert.ok(err, `an error beside ${field}`);
    assert.match(err, msg, field);
  }
  assert.equal(count(), before, 'nothing stored');
  // the API says the same in its 422
  const tok = await makeToken(srv.url, as.repA.session, 'write');
  const api = await fetch(`${srv.url}/api/v1/posts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ org_id: Number(orgId('metal-a')), kind: 'offer', topic: 'export', lang: 'en', title: '', body: 'b', nace: ['99x'], valid_until: '2001-01-01' }),
  });
  assert.equal(api.status, 422);
  const j = await api.json();
  assert.equal(j.error.code, 'invalid');
  assert.deepEqual(Object.keys(j.error.fields).sort(), ['nace', 'title', 'valid_until']);
  assert.equal(count(), before);
});

test('a representative cannot change another organisation\'s post; anonymous users cannot report', async () => {
  const edit = await as.repA.post(`/cooperation/${offerId}`, { ...offerB(), title: 'Taken over' });
  assert.equal(edit.status, 403);
  assert.equal((await as.repA.get(`/cooperation/${offerId}/edit`)).status, 403);
  assert.equal((await as.repA.post(`/cooperation/${offerId}/close`, { reason: 'found_partner' })).status, 403);
  const patch = await as.repA.json('PATCH', `/api/v1/posts/${offerId}`, { title: 'Taken over' });
  assert.equal(patch.status, 403);
  assert.equal(sqlite(`SELECT title FROM post WHERE id = ${offerId}`), 'Ugrađeni softver i firmver');
  // a user without any organisation cannot publish
  assert.equal((await as.plain.get('/cooperation/new')).status, 403);
  assert.equal((await as.plain.post('/cooperation', requestA())).status, 403);
  // anonymous: no report
  const anon = await fetch(`${srv.url}/cooperation/${offerId}/report`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: 'reason=spam',
  });
  assert.ok([401, 403, 303].includes(anon.status), `anonymous report: ${anon.status}`);
  assert.equal(sqlite('SELECT count(*) FROM post_report'), '0');
  // its own representative may change it; the manager of K1 may post for K1
  const own = await as.repB.post(`/cooperation/${offerId}`, { ...offerB(), body: 'Razvijamo firmver za mikrokontrolere i IoT.' });
  assert.equal(own.status, 303);
  const k1 = await as.managerK1.post('/cooperation', { ...requestA(), org: orgId('k1'), title: 'Klaster traži obuku', lang: 'sr-Latn' });
  assert.equal(k1.status, 303);
  const notMine = await as.managerK1.post('/cooperation', { ...requestA() }); // Metal A: a member, not the cluster
  assert.equal(notMine.status, 403);
  const noOrg = await as.repA.post('/cooperation?lang=en', { ...requestA(), org: '' });
  assert.equal(noOrg.status, 422);
  assert.ok(fieldError(noOrg.text, 'org'));
});

test('reports flag a post to the secretariat; hiding removes it from the board, the feed and the API and mails the author', async () => {
  for (const who of ['repA', 'managerK1', 'plain']) {
    const r = await as[who].post(`/cooperation/${offerId}/report`, { reason: 'looks like spam' });
    assert.equal(r.status, 303, who);
  }
  const start = await as.editor.get('/start?lang=en');
  assert.match(text(start.text), /Reported posts/);
  assert.match(start.text, new RegExp(`/cooperation/${offerId}"`));
  // not for others
  assert.doesNotMatch(text((await as.repA.get('/start?lang=en')).text), /Reported posts/);
  // only the secretariat hides, and only with a reason
  assert.equal((await as.repA.post(`/cooperation/${offerId}/hide`, { reason: 'x' })).status, 403);
  const noReason = await as.editor.post(`/cooperation/${offerId}/hide?lang=en`, { reason: '' });
  assert.equal(noReason.status, 422);
  const hide = await as.editor.post(`/cooperation/${offerId}/hide`, { reason: 'Advertising, not cooperation' });
  assert.equal(hide.status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM outbox WHERE to_addr = 'rep.b@example.com' AND body LIKE '%Advertising, not cooperation%'`), '1');
  assert.equal(sqlite(`SELECT count(*) FROM audit WHERE action = 'post_hide' AND entity_id = ${offerId}`), '1');
  const board = await (await fetch(`${srv.url}/cooperation`)).text();
  assert.doesNotMatch(board, new RegExp(`/cooperation/${offerId}"`));
  assert.match(board, new RegExp(`/cooperation/${requestId}"`), 'a later marker: the list itself is there');
  const feed = await (await fetch(`${srv.url}/cooperation.atom`)).text();
  assert.doesNotMatch(feed, new RegExp(`/cooperation/${offerId}<`));
  assert.match(feed, new RegExp(`/cooperation/${requestId}<`));
  const list = await (await fetch(`${srv.url}/api/v1/posts?limit=100`)).json();
  assert.ok(!list.items.some((p) => String(p.id) === offerId));
  assert.ok(list.items.some((p) => String(p.id) === requestId));
  assert.equal((await fetch(`${srv.url}/api/v1/posts/${offerId}`)).status, 404);
  assert.equal((await fetch(`${srv.url}/cooperation/${offerId}`)).status, 404);
  // and from the request's matches
  const page = await (await fetch(`${srv.url}/cooperation/${requestId}`)).text();
  assert.doesNotMatch(page, new RegExp(`href="/cooperation/${offerId}"`));
  // the organisation still sees it, with the reason
  assert.match(text((await as.repB.get(`/cooperation/${offerId}?lang=en`)).text), /Hidden by the SCAN secretariat: Advertising/);
});

test('the Atom feed is well-formed Atom 1.0 with the required elements and the filters', async () => {
  const res = await fetch(`${srv.url}/cooperation.atom?kind=request`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/atom\+xml/);
  const xml = await res.text();
  const check = spawnSync('python3', ['-c', `
import sys, xml.etree.ElementTree as ET
A = '{http://www.w3.org/2005/Atom}'
root = ET.fromstring(sys.stdin.buffer.read())
assert root.tag == A + 'feed', root.tag
for tag in ('id', 'title', 'updated', 'author'):
    assert root.find(A + tag) is not None, 'feed ' + tag
rels = {l.get('rel') for l in root.findall(A + 'link')}
assert {'self', 'alternate'} <= rels, rels
entries = root.findall(A + 'entry')
assert entries, 'no entries'
for e in entries:
    for tag in ('id', 'title', 'updated', 'author', 'link', 'summary'):
        assert e.find(A + tag) is not None, 'entry ' + tag
    assert e.find(A + 'author/' + A + 'name') is not None
print(len(entries))
`], { input: xml, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr + xml.slice(0, 500));
  assert.ok(Number(check.stdout.trim()) >= 1);
  assert.doesNotMatch(xml, /<category term="offer"/, 'the kind filter applies');
});

test('API: create with a token, read, matches with reasons, close; read-only tokens cannot write', async () => {
  const tok = await makeToken(srv.url, as.repB.session, 'write');
  const ro = await makeToken(srv.url, as.repB.session, 'read');
  const body = { org_id: Number(orgId('soft-b')), kind: 'offer', topic: 'technology', lang: 'en',
    title: 'Firmware for measuring devices', body: 'Embedded firmware, ugradjeni softver.', nace: ['26'],
    geo: ['R-VO'], valid_until: dayFromNow(30) };
  const roRes = await fetch(`${srv.url}/api/v1/posts`, { method: 'POST', headers: { Authorization: `Bearer ${ro}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(roRes.status, 403);
  const res = await fetch(`${srv.url}/api/v1/posts`, { method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 201);
  const p = await res.json();
  assert.deepEqual(p.nace, ['26']);
  const m = await (await fetch(`${srv.url}/api/v1/posts/${p.id}/matches`)).json();
  const hit = m.items.find((x) => String(x.post_id) === requestId);
  assert.ok(hit, JSON.stringify(m).slice(0, 300));
  assert.deepEqual(hit.reasons.nace, ['26']);
  assert.ok(hit.reasons.words.includes('softver'));
  assert.equal(hit.cross_cluster, true);
  assert.match(hit.why, /both in NACE 26/);
  const cl = await fetch(`${srv.url}/api/v1/posts/${p.id}/close`, { method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'found_partner' }) });
  assert.equal(cl.status, 200);
  assert.equal((await cl.json()).status, 'closed');
  const again = await fetch(`${srv.url}/api/v1/posts/${p.id}/close`, { method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'found_partner' }) });
  assert.equal(again.status, 409);
  // the closed post keeps its page, marked closed
  assert.match(text(await (await fetch(`${srv.url}/cooperation/${p.id}?lang=en`)).text()), /Closed: found a partner/);
});

test('the personal data export holds the posts the person wrote', async () => {
  const r = await as.repA.get('/account/data');
  assert.equal(r.status, 200);
  const j = JSON.parse(r.text);
  assert.ok(Array.isArray(j.posts));
  assert.ok(j.posts.some((p) => String(p.id) === requestId));
});

test('introductions: express interest, the representatives are mailed, accepting exchanges contacts, declining is silent', async () => {
  // both sides chose to hear of introductions immediately (the default is
  // the weekly digest: the test after this one)
  sqlite(`INSERT INTO notify_pref(person_id, kind, channel, updated_at)
    SELECT p.id, k.kind, 'immediate', 0 FROM person p,
      (SELECT 'post_interest' AS kind UNION ALL SELECT 'post_interest_answer') k
     WHERE p.email IN ('rep.a@example.com', 'rep.b@example.com')
    ON CONFLICT (person_id, kind) DO UPDATE SET channel = excluded.channel, updated_at = excluded.updated_at`);
  // a fresh open request of Metal A
  const r = await as.repA.post('/cooperation', { ...requestA(), title: 'Treba nam partner za senzore' });
  assert.equal(r.status, 303);
  const id = /\/cooperation\/(\d+)/.exec(r.location)[1];
  // anonymous: no
  const anon = await fetch(`${srv.url}/cooperation/${id}/interest`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: 'message=hi',
  });
  assert.ok([401, 403, 303].includes(anon.status), `anonymous interest: ${anon.status}`);
  // its own organisation: no
  assert.equal((await as.repA.post(`/cooperation/${id}/interest`, { message: 'self' })).status, 403);
  // an empty message: the error beside the field, nothing stored
  const empty = await as.repB.post(`/cooperation/${id}/interest?lang=en`, { message: '' });
  assert.equal(empty.status, 422);
  assert.match(fieldError(empty.text, 'message'), /required/i);
  assert.equal(sqlite(`SELECT count(*) FROM post_interest WHERE post_id = ${id}`), '0');
  const sent = await as.repB.post(`/cooperation/${id}/interest`, { message: 'We make pressure sensors in Niš.' });
  assert.equal(sent.status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM outbox WHERE to_addr = 'rep.a@example.com' AND body LIKE '%pressure sensors in Niš%'`), '1');
  // a second one while pending: refused
  assert.equal((await as.repB.post(`/cooperation/${id}/interest?lang=en`, { message: 'again' })).status, 422);
  // the author's page lists it without the requester's address; the requester sees it waiting
  const authorPage = await as.repA.get(`/cooperation/${id}?lang=en`);
  assert.match(text(authorPage.text), /pressure sensors in Niš/);
  assert.doesNotMatch(authorPage.text, /rep\.b@example\.com/);
  assert.match(text((await as.repB.get(`/cooperation/${id}?lang=en`)).text), /has not answered yet/);
  const iid = sqlite(`SELECT id FROM post_interest WHERE post_id = ${id}`);
  assert.equal((await as.repB.post(`/cooperation/interest/${iid}/accept`)).status, 403, 'the requester cannot accept');
  assert.equal((await as.repA.post(`/cooperation/interest/${iid}/accept`)).status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM outbox WHERE to_addr = 'rep.b@example.com' AND body LIKE '%rep.a@example.com%'`), '1');
  assert.match((await as.repA.get(`/cooperation/${id}?lang=en`)).text, /rep\.b@example\.com/, 'contacts are exchanged');
  assert.match(text((await as.repB.get(`/cooperation/${id}?lang=en`)).text), /Accepted: contact User repA, rep\.a@example\.com/);
  assert.equal((await as.repA.post(`/cooperation/interest/${iid}/decline`)).status, 409, 'decided once');
  // declining is silent: no mail to the requester, the page still says waiting
  const m = await as.managerK1.post(`/cooperation/${id}/interest`, { message: 'Our cluster can help.' });
  assert.equal(m.status, 303);
  const iid2 = sqlite(`SELECT id FROM post_interest WHERE post_id = ${id} AND person_id = (SELECT id FROM person WHERE email = 'manager.k1@example.com')`);
  const mails = sqlite(`SELECT count(*) FROM outbox WHERE to_addr = 'manager.k1@example.com'`);
  assert.equal((await as.repA.post(`/cooperation/interest/${iid2}/decline`)).status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM outbox WHERE to_addr = 'manager.k1@example.com'`), mails);
  assert.match(text((await as.managerK1.get(`/cooperation/${id}?lang=en`)).text), /has not answered yet/);
  assert.equal(sqlite(`SELECT count(*) FROM audit WHERE action LIKE 'interest_%'`), '4');
  // once the post is closed, the declined request reads "not taken up"
  assert.equal((await as.repA.post(`/cooperation/${id}/close`, { reason: 'found_partner' })).status, 303);
  assert.match(text((await as.managerK1.get(`/cooperation/${id}?lang=en`)).text), /Not taken up/);
  assert.match(text((await as.repB.get(`/cooperation/${id}?lang=en`)).text), /Accepted: contact/);
});

test('introductions are throttled: at most 20 a person in 24 hours', async () => {
  const r = await as.repB.post('/cooperation', { ...offerB(), title: 'Throttle target', body: 'x y z' });
  assert.equal(r.status, 303);
  const id = /\/cooperation\/(\d+)/.exec(r.location)[1];
  // a representative of its own for this test: the throttle counts per person
  cli(['user', 'add', 'throttle.rep@example.com', '--name', 'Throttle Rep', '--password-stdin'], `${PW}\n`);
  cli(['user', 'role', 'throttle.rep@example.com', 'representative', '--org', 'metal-a']);
  const asker = await agent('throttle.rep@example.com');
  const plain = sqlite("SELECT id FROM person WHERE email = 'throttle.rep@example.com'");
  sqlite(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
    INSERT INTO post_interest(post_id, person_id, status, created_at, updated_at)
    SELECT ${id}, ${plain}, 'declined', CAST(strftime('%s', 'now') AS INTEGER) - 60, CAST(strftime('%s', 'now') AS INTEGER) - 60 FROM n`);
  const t = await asker.post(`/cooperation/${id}/interest?lang=en`, { message: 'one more' });
  assert.equal(t.status, 429);
  assert.match(text(t.text), /20 times in the last 24 hours/);
  assert.equal(sqlite(`SELECT count(*) FROM post_interest WHERE person_id = ${plain}`), '20');
});

test('scan digest run --now: a new post that matches a post or a saved search is in the next digest once; a second run sends nothing', async () => {
  // plain saves a search of the board; Soft B asks, Metal A offers what it asks
  const saved = await as.plain.post('/account/notifications/topics', { page: '/cooperation', query: '?kind=offer&sector=26&lang=en' });
  assert.equal(saved.status, 303);
  const ask = await as.repB.post('/cooperation', {
    ...offerB(), kind: 'request', title: 'Tražimo firmver za senzore vlage', body: 'Senzori vlage, firmver i kalibracija.',
    title_tr: '', body_tr: '',
  });
  assert.equal(ask.status, 303, ask.text.slice(0, 400));
  const askId = /\/cooperation\/(\d+)/.exec(ask.location)[1];
  const give = await as.repA.post('/cooperation', {
    ...requestA(), kind: 'offer', title: 'Фирмвер за сензоре влаге', body: 'Развијамо фирмвер и калибрацију сензора влаге.',
  });
  assert.equal(give.status, 303, give.text.slice(0, 400));
  const giveId = /\/cooperation\/(\d+)/.exec(give.location)[1];
  assert.equal(sqlite(`SELECT count(*) FROM post_match WHERE post_id = ${askId} AND target_post = ${giveId}`), '1');

  const before = Number(sqlite('SELECT count(*) FROM outbox'));
  const run = scan(['digest', 'run', '--now', '--base-url', 'https://scan.example', '--db', db]);
  assert.equal(run.status, 0, run.stderr);
  const link = `https://scan.example/cooperation/${giveId}"`;
  const html = (email) => sqlite(`SELECT group_concat(html, '') FROM outbox WHERE to_addr = '${email}'`);
  const times = (s, sub) => s.split(sub).length - 1;
  assert.equal(times(html(USERS.plain[0]), link), 1, 'the saved search finds the new offer once');
  assert.equal(times(html(USERS.repB[0]), link), 1, 'the asking organisation hears of its match once');
  assert.equal(times(html(USERS.repA[0]), link), 0, 'never one\'s own organisation\'s post');
  assert.match(sqlite(`SELECT body FROM outbox WHERE to_addr = '${USERS.repB[0]}' ORDER BY id DESC LIMIT 1`),
    /Offer: “Firmver za senzore vlage” \(Metal A\) fits your post “Tražimo firmver za senzore vlage”/,
    'in the reader\'s language (English) and script');
  const after = Number(sqlite('SELECT count(*) FROM outbox'));
  assert.ok(after > before);
  const again = scan(['digest', 'run', '--now', '--base-url', 'https://scan.example', '--db', db]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /0 queued/);
  assert.equal(Number(sqlite('SELECT count(*) FROM outbox')), after, 'nothing twice');
});

test('the board\'s filters show how many open posts each choice gives under the other filters', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const open = (extra) => Number(sqlite(`SELECT count(*) FROM post p WHERE status = 'open' AND valid_until >= '${today}'
    AND visibility = 'public' ${extra}`));
  const r = await fetch(`${srv.url}/cooperation?kind=offer&lang=en`);
  const html = await r.text();
  const shown = (name, value) => {
    const sel = new RegExp(`<select id="f-${name}" name="${name}">(.*?)</select>`, 's').exec(html)[1];
    const m = new RegExp(`<option value="${value}"[^>]*>[^<]*\\((\\d+)\\)</option>`).exec(sel);
    return m ? Number(m[1]) : 0;
  };
  assert.equal(shown('kind', 'request'), open(`AND kind = 'request'`), 'the kind facet ignores its own filter');
  assert.equal(shown('kind', 'offer'), open(`AND kind = 'offer'`));
  assert.ok(shown('sector', '26') > 0);
  assert.equal(shown('sector', '26'), open(`AND kind = 'offer' AND EXISTS (SELECT 1 FROM post_nace x WHERE x.post_id = p.id AND x.code = '26')`));
  assert.equal(shown('cluster', 'k1'), open(`AND kind = 'offer' AND org_id IN (SELECT org_id FROM cluster_member WHERE cluster_id = ${orgId('k1')} UNION SELECT ${orgId('k1')})`));
  assert.doesNotMatch(html, /<option value="export"/, 'a topic without posts is not offered');
});

test('members-only posts: the people of SCAN clusters see them; an organisation in no cluster does not', async () => {
  // a donor's representative: affiliated, but with no cluster (review of
  // issue 13: "any affiliation" let them read members-only posts)
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('donor-d', 'Donor D', 'donor', 'published', 0, 0, 'donor d')`);
  cli(['user', 'add', 'donor.rep@example.com', '--name', 'Donor Rep', '--password-stdin'], `${PW}\n`);
  cli(['user', 'role', 'donor.rep@example.com', 'representative', '--org', 'donor-d']);
  const donor = await agent('donor.rep@example.com');
  const r = await as.repB.post('/cooperation', { ...offerB(), title: 'Members only sensors offer', visibility: 'members' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const id = /\/cooperation\/(\d+)/.exec(r.location)[1];
  const seen = async (a) => (await a.get(`/cooperation/${id}`)).status;
  assert.equal(await seen(as.repB), 200, 'its own organisation');
  assert.equal(await seen(as.repA), 200, 'a member of another cluster');
  assert.equal(await seen(as.managerK1), 200, 'a cluster manager');
  assert.equal(await seen(as.editor), 200, 'the secretariat');
  assert.equal(await seen(donor), 404, 'an organisation in no cluster');
  assert.equal(await seen(as.plain), 404, 'no affiliation');
  assert.equal((await fetch(`${srv.url}/cooperation/${id}`)).status, 404, 'the public');
  const board = await donor.get('/cooperation?q=');
  assert.doesNotMatch(board.text, /Members only sensors offer/);
  const tok = await makeToken(srv.url, donor.session, 'read');
  const api = await fetch(`${srv.url}/api/v1/posts/${id}`, { headers: { authorization: `Bearer ${tok}` } });
  assert.equal(api.status, 404);
});

test('declining is silent: the declined person cannot express interest in the post again', async () => {
  const o = await as.repB.post('/cooperation', { ...offerB(), title: 'Silent decline probe' });
  const id = /\/cooperation\/(\d+)/.exec(o.location)[1];
  const first = await as.repA.post(`/cooperation/${id}/interest`, { message: 'We could use this.' });
  assert.equal(first.status, 303, first.text.slice(0, 300));
  const iid = sqlite(`SELECT id FROM post_interest WHERE post_id = ${id}`);
  // the mail's subject names the post, not only the kind of news
  assert.match(sqlite("SELECT subject FROM outbox WHERE to_addr = 'rep.b@example.com' ORDER BY id DESC LIMIT 1"),
    /^SCAN: .*Silent decline probe/);
  // the author sees whom the requester speaks for (not a contact detail)
  assert.match(text((await as.repB.get(`/cooperation/${id}?lang=en`)).text), /User repA on [^·]*· Metal A/);
  const d = await as.repB.post(`/cooperation/interest/${iid}/decline`, {});
  assert.ok(d.status === 303, `declined: ${d.status}`);
  const mails = Number(sqlite('SELECT count(*) FROM outbox'));
  const again = await as.repA.post(`/cooperation/${id}/interest`, { message: 'Asking again.' });
  assert.equal(again.status, 422, 'the same answer as while it was pending: the decline is not revealed');
  assert.equal(Number(sqlite(`SELECT count(*) FROM post_interest WHERE post_id = ${id}`)), 1);
  assert.equal(Number(sqlite('SELECT count(*) FROM outbox')), mails, 'nobody is mailed again');
});

test('the paging cursor of a post the reader may not see is refused like a missing one', async () => {
  const r = await as.repB.post('/cooperation', { ...offerB(), title: 'Cursor probe hidden', visibility: 'members' });
  const id = /\/cooperation\/(\d+)/.exec(r.location)[1];
  const missing = await fetch(`${srv.url}/cooperation?sort=closing&after=999999`);
  const hidden = await fetch(`${srv.url}/cooperation?sort=closing&after=${id}`);
  assert.equal(hidden.status, missing.status);
  assert.equal(text(await hidden.text()).replace(/\d+/g, '#'), text(await missing.text()).replace(/\d+/g, '#'),
    'a members-only post as cursor reads exactly like a post that does not exist');
});

test('someone who speaks for no organisation cannot express interest; the page says why', async () => {
  const o = await as.repB.post('/cooperation', { ...offerB(), title: 'Interest needs an organisation' });
  const id = /\/cooperation\/(\d+)/.exec(o.location)[1];
  const before = Number(sqlite('SELECT count(*) FROM post_interest'));
  const r = await as.plain.post(`/cooperation/${id}/interest`, { message: 'Hello' });
  assert.equal(r.status, 403);
  assert.match(text(r.text), /Only someone who speaks for an organisation/);
  assert.equal(Number(sqlite('SELECT count(*) FROM post_interest')), before, 'nothing stored');
});

test('/cooperation/mine: my organisations\' posts and my interests, with a silent decline', async () => {
  assert.equal((await fetch(`${srv.url}/cooperation/mine`, { redirect: 'manual' })).status, 303, 'login first');
  const o = await as.repB.post('/cooperation', { ...offerB(), title: 'Mine page probe', title_tr: '', body_tr: '' });
  const id = /\/cooperation\/(\d+)/.exec(o.location)[1];
  const mineB = text((await as.repB.get('/cooperation/mine?lang=en')).text);
  assert.match(mineB, /Posts of my organisations/);
  assert.match(mineB, /Mine page probe Soft B Open until/);
  assert.doesNotMatch(mineB, /Throttle target|Members only sensors offer X/, 'only its own organisation\'s posts');
  assert.doesNotMatch(text((await as.repA.get('/cooperation/mine?lang=en')).text), /Mine page probe/);
  // repA asks; repB declines: repA still reads "waiting" while the post is open
  assert.equal((await as.repA.post(`/cooperation/${id}/interest`, { message: 'Interested.' })).status, 303);
  const iid = sqlite(`SELECT id FROM post_interest WHERE post_id = ${id}`);
  assert.equal((await as.repB.post(`/cooperation/interest/${iid}/decline`, {})).status, 303);
  const mineA = text((await as.repA.get('/cooperation/mine?lang=en')).text);
  assert.match(mineA, /Mine page probe Waiting for an answer/);
  assert.equal((await as.repB.post(`/cooperation/${id}/close`, { reason: 'no_longer_needed' })).status, 303);
  assert.match(text((await as.repA.get('/cooperation/mine?lang=en')).text), /Mine page probe Not taken up/);
  const page = await as.plain.get('/cooperation/mine?lang=en');
  assert.equal(page.status, 200);
  assert.match(text(page.text), /Your organisations have no posts yet/);
});

test('a pending interest leaves the author\'s start page when the post closes', async () => {
  const o = await as.repB.post('/cooperation', { ...offerB(), title: 'Start page probe', title_tr: '', body_tr: '' });
  const id = /\/cooperation\/(\d+)/.exec(o.location)[1];
  assert.equal((await as.repA.post(`/cooperation/${id}/interest`, { message: 'Interested.' })).status, 303);
  assert.match(text((await as.repB.get('/start?lang=en')).text), /Start page probe/);
  assert.equal((await as.repB.post(`/cooperation/${id}/close`, { reason: 'found_partner' })).status, 303);
  assert.doesNotMatch(text((await as.repB.get('/start?lang=en')).text), /Start page probe/);
});
