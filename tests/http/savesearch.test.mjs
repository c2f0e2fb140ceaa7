// savesearch.test.mjs: "Save this search" on the cooperation board and the
// saved searches in words on /account/notifications (issue 13, the
// new-user review: saving a search needed its query text pasted, and a
// saved one read "kind=offer&sector=26").
//
// Fixture: a company with its representative, who publishes one offer in
// NACE 26 / Vojvodina and one request elsewhere; a second person who only
// reads the board. The notice cookie is kept by CookieAgent.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scanIn, sqliteIn, CookieAgent } from './lib.mjs';

const PW = 'save search pass phrase';
let dir;
let db;
let srv;
const sqlite = (sql) => sqliteIn(db, sql);
const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);

async function as(email) {
  const a = new CookieAgent(srv.url);
  const r = await a.req('POST', '/login', { form: { email, password: PW } });
  assert.equal(r.status, 303, `login as ${email}`);
  a.csrf = /name="_csrf" value="([^"]+)"/.exec((await a.get('/account')).text)[1];
  return a;
}

const topics = (email) => sqlite(`SELECT t.page || ' ' || t.query FROM notify_topic t JOIN person p ON p.id = t.person_id
  WHERE p.email = '${email}' ORDER BY t.id`);
// the board's result cards: the post links in order
const results = (html) => [...html.matchAll(/<h3 class="post-title"><a href="(\/cooperation\/\d+)"/g)].map((m) => m[1]);
// the save box's form: its action (decoded &amp;)
const saveAction = (html) => {
  const m = /<form method="post" action="([^"]*)" class="inline-form">/.exec(html.slice(html.indexOf('class="save-search"')));
  return m && m[1].replaceAll('&amp;', '&');
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-savesearch-'));
  db = join(dir, 'scan.db');
  scanIn(db, ['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('soft-b', 'Soft B', 'company', 'published', 0, 0, 'soft b');`);
  for (const email of ['rep@example.com', 'reader@example.com', 'full@example.com'])
    scanIn(db, ['user', 'add', email, '--name', email.split('@')[0], '--password-stdin'], `${PW}\n`);
  scanIn(db, ['user', 'role', 'rep@example.com', 'representative', '--org', 'soft-b']);
  srv = await startServer({ dbPath: db });
  const rep = await as('rep@example.com');
  const org = sqlite(`SELECT id FROM org WHERE slug = 'soft-b'`);
  for (const p of [
    { kind: 'offer', nace: '26', geo: 'R-VO', title: 'Embedded firmware', body: 'We write firmware.' },
    { kind: 'request', nace: '62', geo: 'R-BG', title: 'Looking for testers', body: 'We need testers.' },
  ]) {
    const r = await rep.post('/cooperation', {
      org, topic: 'technology', lang: 'en', valid_until: day(60), visibility: 'public', ...p,
    });
    assert.equal(r.status, 303, r.text.slice(0, 300));
  }
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('anonymous readers see no save button; a POST without a login saves nothing', async () => {
  const anon = new CookieAgent(srv.url);
  const page = await anon.get('/cooperation?kind=offer');
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /Save this search|save-search/);
  const r = await anon.req('POST', '/cooperation/save?kind=offer', { form: { _csrf: 'x' } });
  assert.ok([303, 401].includes(r.status), `anonymous save: ${r.status}`);
  if (r.status === 303) assert.match(r.location, /^\/login/);
  assert.equal(sqlite('SELECT count(*) FROM notify_topic'), '0');
});

test('saving from the board stores the search canonically, returns to the same board with a one-time notice, and says Saved', async () => {
  const a = await as('reader@example.com');
  const board = '/cooperation?kind=offer&sector=26&region=R-VO&sort=closing';
  const page = await a.get(board);
  assert.equal(page.status, 200);
  assert.match(page.text, />Save this search</);
  const action = saveAction(page.text);
  assert.equal(action, '/cooperation/save?kind=offer&sector=26&region=R-VO&sort=closing', 'the form carries the filters');
  // without the CSRF token: refused, nothing stored
  const forged = await a.req('POST', action, { form: {} });
  assert.equal(forged.status, 403);
  assert.equal(topics('reader@example.com'), '');
  const r = await a.post(action);
  assert.equal(r.status, 303);
  assert.equal(r.location, board, 'back to the same board URL');
  assert.equal(topics('reader@example.com'), '/cooperation kind=offer&region=R-VO&sector=26', 'stored canonical, without the sort');
  assert.ok(Number(sqlite(`SELECT count(*) FROM audit WHERE action = 'notify_topic_add'`)) >= 1, 'audited');
  const back = await a.get(r.location);
  assert.match(back.text, /role="status"[^>]*>[^<]*(<[^>]+>)*\s*The search is saved/);
  assert.match(back.text, /Saved search/);
  assert.match(back.text, /href="\/account\/notifications#nt-h"/);
  assert.doesNotMatch(back.text, />Save this search</);
  const again = await a.get(board);
  assert.doesNotMatch(again.text, /The search is saved/, 'the notice is shown once');
  assert.match(again.text, /Saved search/);
  // the same filters in another order are the same search
  assert.match((await a.get('/cooperation?sector=26&region=R-VO&kind=offer')).text, /Saved search/);
  // a second save (a stale page, a second tab) says it is saved already
  const dup = await a.post('/cooperation/save?region=R-VO&kind=offer&sector=26');
  assert.equal(dup.status, 303);
  assert.match((await a.get(dup.location)).text, /This search is saved already/);
  assert.equal(sqlite('SELECT count(*) FROM notify_topic'), '1');
  // a bad filter is a 400 and stores nothing; the query is never reflected
  const bad = await a.post('/cooperation/save?kind=%3Cscript%3E');
  assert.equal(bad.status, 400);
  assert.doesNotMatch(bad.text, /<script>/);
  for (const path of [`/cooperation/save?sector=${'2'.repeat(200)}`, '/cooperation/save?sector=2%006',
    '/cooperation/save?topic=nonsense', '/cooperation/save?after=-1']) {
    const h = await a.post(path);
    assert.ok(h.status === 400 || h.status === 303, `${path}: ${h.status}`);
    assert.equal(sqlite(`SELECT count(*) FROM notify_topic WHERE query LIKE '%2%2%2%' OR query LIKE '%00%' OR query LIKE '%nonsense%'`), '0', path);
  }
  assert.equal(sqlite('SELECT count(*) FROM notify_topic'), '1');
});

test('the settings page shows each saved search in words in the reader\'s language, linking to the same results', async () => {
  const a = await as('reader@example.com');
  assert.equal((await a.post('/cooperation/save')).status, 303, 'the whole board');
  const en = await a.get('/account/notifications?lang=en');
  assert.equal(en.status, 200);
  assert.match(en.text, /Offers · Sector 26 Manufacture of computer, electronic and optical products · Region Vojvodina/);
  assert.match(en.text, />All open posts</);
  assert.doesNotMatch(en.text, />[^<]*kind=offer&amp;[^<]*</, 'no raw query text as the label');
  const sr = await a.get('/account/notifications?lang=sr-Cyrl');
  assert.match(sr.text, /Понуде · Делатност 26 [^<]*рачунар[^<]* · Регион Војводина/);
  const lat = await a.get('/account/notifications?lang=sr-Latn');
  assert.match(lat.text, /Ponude · Delatnost 26 [^<]* · Region Vojvodina/);
  // the link opens the same results as the board the search was saved from
  const href = /<a href="([^"]+)">Offers ·/.exec(en.text)[1].replaceAll('&amp;', '&');
  const linked = await a.get(href);
  assert.equal(linked.status, 200, 'the link is a canonical board URL');
  const original = await a.get('/cooperation?kind=offer&sector=26&region=R-VO');
  assert.deepEqual(results(linked.text), results(original.text));
  assert.equal(results(linked.text).length, 1, 'the offer, not the request');
  // removing it from the settings page
  const id = sqlite(`SELECT id FROM notify_topic WHERE query = 'kind=offer&region=R-VO&sector=26'`);
  assert.match(en.text, new RegExp(`action="/account/notifications/topics/${id}/delete"`));
});

test('a whole address can still be pasted on the settings page; another page\'s address is refused beside the field', async () => {
  const a = await as('reader@example.com');
  const r = await a.post('/account/notifications/topics', { page: '/orgs', query: 'https://scan.example/cooperation?kind=request&sort=closing&after=9' });
  assert.equal(r.status, 303);
  assert.match(topics('reader@example.com'), /\n\/cooperation kind=request$/, 'the path chose the list; view parameters dropped');
  const bad = await a.post('/account/notifications/topics', { page: '/orgs', query: 'https://scan.example/admin?x=1' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="topic-query-error"/);
  assert.match(bad.text, /<details class="topic-paste" open>/, 'the folded form is open after a refusal');
});

test('at the limit the board offers no button and a save is refused with the reason', async () => {
  const a = await as('full@example.com');
  const pid = sqlite(`SELECT id FROM person WHERE email = 'full@example.com'`);
  sqlite(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
    INSERT INTO notify_topic(person_id, page, query, created_at) SELECT ${pid}, '/orgs', 'q=w' || i, 0 FROM n`);
  const page = await a.get('/cooperation?kind=request');
  assert.doesNotMatch(page.text, />Save this search</);
  assert.match(page.text, /You have 20 saved searches/);
  const r = await a.post('/cooperation/save?kind=request');
  assert.equal(r.status, 422);
  assert.match(r.text, /remove one first/);
  assert.equal(sqlite(`SELECT count(*) FROM notify_topic WHERE person_id = ${pid}`), '20');
});
