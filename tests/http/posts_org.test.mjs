// posts_org.test.mjs: the cooperation board shows only published
// organisations' posts (issue 13, review fixes): a draft organisation's
// representative cannot publish for it (web and API), archiving an
// organisation closes its open posts in the same transaction ("no longer
// needed", out of the stored facet counts, no more interest), and a post
// of an unpublished organisation left open by older data is not on the
// board, the feed, the API or its own page. Also: only the author's side
// accepts or declines an introduction, never the secretariat for it.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, loginAgent, scanIn, sqliteIn, makeToken } from './lib.mjs';

const PW = 'cooperation org test phrase 2026';
let dir;
let db;
let srv;
const as = {};
const sqlite = (sql) => sqliteIn(db, sql);
const orgId = (slug) => sqlite(`SELECT id FROM org WHERE slug = '${slug}'`);
const dayFromNow = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
const post = (slug, title) => ({
  org: orgId(slug), kind: 'offer', topic: 'technology', lang: 'en', title,
  body: 'Precision machining for anyone who needs it.', nace: '25', geo: 'R-VO',
  valid_until: dayFromNow(60), visibility: 'public',
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-posts-org-'));
  db = join(dir, 'scan.db');
  scanIn(db, ['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('k1', 'Metal Cluster', 'cluster', 'published', 0, 0, 'metal cluster'),
    ('pub-e', 'Published E', 'company', 'published', 0, 0, 'published e'),
    ('draft-d', 'Draft D', 'company', 'draft', 0, 0, 'draft d'),
    ('other-o', 'Other O', 'company', 'published', 0, 0, 'other o'),
    ('two-a', 'Two A', 'company', 'published', 0, 0, 'two a'),
    ('two-b', 'Two B', 'company', 'published', 0, 0, 'two b');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2018-01-01' FROM org c, org m WHERE c.slug = 'k1' AND m.slug = 'pub-e';`);
  const users = {
    admin: ['admin.o@example.com', ['--admin']],
    repE: ['rep.e@example.com', []],
    repD: ['rep.d@example.com', []],
    repO: ['rep.o@example.com', []],
    repTwo: ['rep.two@example.com', []],
  };
  for (const [key, [email, flags]] of Object.entries(users))
    scanIn(db, ['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  scanIn(db, ['user', 'role', users.repE[0], 'representative', '--org', 'pub-e']);
  scanIn(db, ['user', 'role', users.repD[0], 'representative', '--org', 'draft-d']);
  scanIn(db, ['user', 'role', users.repO[0], 'representative', '--org', 'other-o']);
  scanIn(db, ['user', 'role', users.repTwo[0], 'representative', '--org', 'two-a']);
  scanIn(db, ['user', 'role', users.repTwo[0], 'representative', '--org', 'two-b']);
  srv = await startServer({ dbPath: db });
  for (const [key, [email]] of Object.entries(users)) as[key] = await loginAgent(srv.url, email, PW);
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('a draft organisation cannot publish on the board, through the form or the API', async () => {
  const web = await as.repD.post('/cooperation?lang=en', post('draft-d', 'Draft machining offer'));
  assert.equal(web.status, 403, web.text.slice(0, 300));
  const token = await makeToken(srv.url, as.repD.session, 'write');
  const api = await fetch(`${srv.url}/api/v1/posts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ org_id: Number(orgId('draft-d')), kind: 'offer', topic: 'technology', lang: 'en',
      title: 'Draft machining offer', body: 'Precision machining.', nace: ['25'], geo: ['R-VO'],
      valid_until: dayFromNow(30) }),
  });
  const body = await api.text();
  assert.equal(api.status, 422, body);
  assert.match(body, /not published in the directory/);
  assert.equal(sqlite(`SELECT count(*) FROM post WHERE org_id = ${orgId('draft-d')}`), '0');
});

test('older data: an open post of a draft organisation is on no board, feed, API list or page', async () => {
  const id = sqlite(`INSERT INTO post(org_id, kind, topic, lang, title, body, visibility, valid_until,
      published_at, created_at, updated_at) VALUES (${orgId('draft-d')}, 'offer', 'technology', 'en',
      'Leftover draft offer', 'Body', 'public', '${dayFromNow(30)}', 1, 1, 1) RETURNING id`);
  const board = await (await fetch(`${srv.url}/cooperation?lang=en`)).text();
  assert.doesNotMatch(board, /Leftover draft offer/);
  const feed = await (await fetch(`${srv.url}/cooperation.atom`)).text();
  assert.doesNotMatch(feed, /Leftover draft offer/);
  const list = await (await fetch(`${srv.url}/api/v1/posts?limit=100`)).json();
  assert.ok(!list.items.some((p) => String(p.id) === id));
  assert.equal((await fetch(`${srv.url}/cooperation/${id}`)).status, 404);
  assert.equal((await fetch(`${srv.url}/api/v1/posts/${id}`)).status, 404);
  // its own representative still sees it
  assert.equal((await as.repD.get(`/cooperation/${id}`)).status, 200);
  sqlite(`DELETE FROM post WHERE id = ${id}`);
});

test('archiving an organisation closes its open posts at once: off the board, out of the counts, no more interest', async () => {
  const made = await as.repE.post('/cooperation', post('pub-e', 'Laser cutting capacity'));
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = /\/cooperation\/(\d+)/.exec(made.location)[1];
  assert.match(await (await fetch(`${srv.url}/cooperation?lang=en`)).text(), /Laser cutting capacity/);
  const stored = () => Number(sqlite(`SELECT coalesce(sum(n), 0) FROM post_facet_count
    WHERE facet = 'org' AND code = '${orgId('pub-e')}'`));
  assert.equal(stored(), 1);
  const arch = await as.admin.post('/orgs/pub-e/archive', {});
  assert.equal(arch.status, 303, arch.text.slice(0, 300));
  assert.equal(sqlite(`SELECT status || ' ' || close_reason FROM post WHERE id = ${id}`), 'closed no_longer_needed');
  assert.equal(stored(), 0, 'the stored facet counts stay exact');
  assert.equal(sqlite(`SELECT count(*) FROM audit WHERE action = 'post_close' AND entity_id = ${id}`), '1');
  const board = await (await fetch(`${srv.url}/cooperation?lang=en`)).text();
  assert.doesNotMatch(board, /Laser cutting capacity/);
  assert.doesNotMatch(board, /<option value="k1"[^>]*>[^<]*\(1\)/, 'the cluster facet does not count it');
  const interest = await as.repO.post(`/cooperation/${id}/interest`, { message: 'We would like to cooperate.' });
  assert.notEqual(interest.status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM post_interest WHERE post_id = ${id}`), '0');
  // and its representative cannot publish again until it is published
  const again = await as.repE.post('/cooperation', post('pub-e', 'Another offer'));
  assert.equal(again.status, 403);
});

test('only the author\'s side accepts or declines an introduction; the secretariat gets 403', async () => {
  const made = await as.repO.post('/cooperation', post('other-o', 'Powder coating line'));
  assert.equal(made.status, 303);
  const id = /\/cooperation\/(\d+)/.exec(made.location)[1];
  const iid = sqlite(`INSERT INTO post_interest(post_id, person_id, status, created_at, updated_at)
    SELECT ${id}, id, 'pending', 1, 1 FROM person WHERE email = 'rep.d@example.com' RETURNING id`);
  const page = await as.admin.get(`/cooperation/${id}?lang=en`);
  assert.doesNotMatch(page.text, new RegExp(`/cooperation/interest/${iid}/accept`), 'no accept button for the secretariat');
  assert.equal((await as.admin.post(`/cooperation/interest/${iid}/accept`, {})).status, 403);
  assert.equal((await as.admin.post(`/cooperation/interest/${iid}/decline`, {})).status, 403);
  assert.equal(sqlite(`SELECT status FROM post_interest WHERE id = ${iid}`), 'pending');
  assert.match((await as.repO.get(`/cooperation/${id}?lang=en`)).text, new RegExp(`/cooperation/interest/${iid}/accept`));
  assert.equal((await as.repO.post(`/cooperation/interest/${iid}/accept`, {})).status, 303);
  assert.equal(sqlite(`SELECT status FROM post_interest WHERE id = ${iid}`), 'accepted');
});

test('a thread message with no person (the demo\'s introductions) names the requesting organisation', async () => {
  // the demo's shape (demo.c): an accepted interest with an organisation and no person
  const made = await as.repO.post('/cooperation', post('other-o', 'Anodising for aluminium parts'));
  assert.equal(made.status, 303);
  const id = /\/cooperation\/(\d+)/.exec(made.location)[1];
  const iid = sqlite(`INSERT INTO post_interest(post_id, org_id, status, created_at, updated_at)
    VALUES (${id}, ${orgId('k1')}, 'accepted', 1, 1) RETURNING id`);
  sqlite(`INSERT INTO post_interest_message(interest_id, body, created_at) VALUES (${iid}, 'We anodise too.', 2)`);
  const page = await as.repO.get(`/cooperation/${id}?lang=en`);
  assert.match(page.text, /<p class="thread-from"><strong>Metal Cluster<\/strong>/);
});

test('an interest records the organisation the requester speaks for: their only one, or the one they choose', async () => {
  const made = await as.repO.post('/cooperation', post('other-o', 'Heat treatment of steel'));
  assert.equal(made.status, 303);
  const id = /\/cooperation\/(\d+)/.exec(made.location)[1];
  // two organisations: the form asks which one, and the server insists
  const form = await as.repTwo.get(`/cooperation/${id}?lang=en`);
  assert.match(form.text, /<select id="p-from-org" name="org" required>/);
  assert.match(form.text, /Two A/);
  const none = await as.repTwo.post(`/cooperation/${id}/interest?lang=en`, { message: 'Hello' });
  assert.equal(none.status, 422);
  assert.match(none.text, /Choose the organisation of yours/);
  const notTheirs = await as.repTwo.post(`/cooperation/${id}/interest?lang=en`, { message: 'Hello', org: orgId('k1') });
  assert.equal(notTheirs.status, 422);
  assert.equal(sqlite(`SELECT count(*) FROM post_interest WHERE post_id = ${id}`), '0');
  const ok = await as.repTwo.post(`/cooperation/${id}/interest`, { message: 'Hello', org: orgId('two-b') });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.equal(sqlite(`SELECT org_id FROM post_interest WHERE post_id = ${id}`), orgId('two-b'));
  // the author's side sees the stored organisation, not every current one
  const page = await as.repO.get(`/cooperation/${id}?lang=en`);
  assert.match(page.text, /· Two B/);
  assert.doesNotMatch(page.text, /Two A, Two B/);
  // one organisation: recorded without asking
  const other = await as.repTwo.post('/cooperation', post('two-a', 'Galvanising line'));
  assert.equal(other.status, 303);
  const id2 = /\/cooperation\/(\d+)/.exec(other.location)[1];
  const single = await as.repO.post(`/cooperation/${id2}/interest`, { message: 'Hi' });
  assert.equal(single.status, 303);
  assert.equal(sqlite(`SELECT org_id FROM post_interest WHERE post_id = ${id2}`), orgId('other-o'));
});

test('hiding a closed post keeps its outcome for the statistics and both sides keep their accepted introduction', async () => {
  const made = await as.repO.post('/cooperation', post('other-o', 'Sheet metal bending'));
  assert.equal(made.status, 303);
  const id = /\/cooperation\/(\d+)/.exec(made.location)[1];
  assert.equal((await as.repTwo.post(`/cooperation/${id}/interest`, { message: 'We bend too.', org: orgId('two-a') })).status, 303);
  const iid = sqlite(`SELECT id FROM post_interest WHERE post_id = ${id}`);
  assert.equal((await as.repO.post(`/cooperation/interest/${iid}/accept`, {})).status, 303);
  assert.equal((await as.repO.post(`/cooperation/${id}/close`, { reason: 'found_partner' })).status, 303);
  const hide = await as.admin.post(`/cooperation/${id}/hide`, { reason: 'Duplicate of another post' });
  assert.equal(hide.status, 303, hide.text.slice(0, 300));
  assert.equal(sqlite(`SELECT status || ' ' || close_reason || ' ' || hidden_reason FROM post WHERE id = ${id}`),
    'closed found_partner Duplicate of another post');
  // hidden: the page answers 404 to the public and the requester
  assert.equal((await fetch(`${srv.url}/cooperation/${id}`)).status, 404);
  assert.equal((await fetch(`${srv.url}/api/v1/posts/${id}`)).status, 404);
  assert.equal((await as.repTwo.get(`/cooperation/${id}`)).status, 404);
  // the requester keeps the introduction, marked
  const mine = await as.repTwo.get('/cooperation/mine?lang=en');
  assert.match(mine.text, /Sheet metal bending/);
  assert.match(mine.text, /the post was hidden by the secretariat/);
  // the author's side sees its hidden post, with the reason
  const author = await as.repO.get(`/cooperation/${id}?lang=en`);
  assert.equal(author.status, 200);
  assert.match(author.text, /Duplicate of another post/);
  assert.match((await as.repO.get('/cooperation/mine?lang=en')).text, /Sheet metal bending/);
});
