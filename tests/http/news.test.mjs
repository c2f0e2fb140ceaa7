// news.test.mjs: news and announcements (issue 17). Who may publish for
// whom (a manager for their cluster only, the secretariat for SCAN and any
// cluster), bad input with a clear message and nothing stored (a publish
// time in the past, a file that is not an image, an empty title), Markdown
// that cannot inject markup, scheduled items appearing when their time
// comes (also through the page cache), withdrawal with a reason, the
// NewsArticle JSON-LD and OpenGraph, the Atom feeds, and the GET pages for
// every role.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scanIn, sqliteIn, CookieAgent, cachedAnswer } from './lib.mjs';

const PW = 'news test pass phrase';
const EMAIL = {
  admin: 'admin.n@example.com', editor: 'editor.n@example.com', manager: 'manager.n@example.com',
  member: 'member.n@example.com', other: 'other.n@example.com',
};
let dir, db, srv;
const sqlite = (sql) => sqliteIn(db, sql);
const count = (where = '1 = 1') => Number(sqlite(`SELECT count(*) FROM news WHERE ${where}`));

async function as(role) {
  const a = new CookieAgent(srv.url);
  if (role === 'public') return a;
  const r = await a.post('/login', { email: EMAIL[role], password: PW });
  assert.equal(r.status, 303, `login ${role}`);
  a.csrf = /name="_csrf" value="([^"]+)"/.exec((await a.get('/account')).text)[1];
  return a;
}

const ITEM = (over = {}) => ({
  org: 'cluster-c', title_sr: 'Вест кластера Ц', lead_sr: 'Кратак увод.', body_sr: 'Текст вести.',
  topic: 'cluster', status: 'published', ...over,
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-news-'));
  db = join(dir, 'scan.db');
  scanIn(db, ['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-c', 'Cluster C', 'cluster', 'published', 0, 0, 'cluster c'),
    ('cluster-d', 'Cluster D', 'cluster', 'published', 0, 0, 'cluster d'),
    ('member-m', 'Member M', 'company', 'published', 0, 0, 'member m'),
    ('cluster-h', 'Hidden Draft Cluster', 'cluster', 'draft', 0, 0, 'hidden draft cluster')`);
  const add = (email, extra = []) => scanIn(db, ['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', ...extra], `${PW}\n`);
  add(EMAIL.admin, ['--admin']);
  add(EMAIL.editor, ['--editor']);
  add(EMAIL.manager);
  add(EMAIL.member);
  add(EMAIL.other);
  scanIn(db, ['user', 'role', EMAIL.manager, 'manager', '--org', 'cluster-c']);
  scanIn(db, ['user', 'role', EMAIL.other, 'manager', '--org', 'cluster-d']);
  scanIn(db, ['user', 'role', EMAIL.member, 'representative', '--org', 'member-m']);
  srv = await startServer({ dbPath: db });
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0);
});

test('a manager publishes for their cluster only; the secretariat for SCAN and any cluster', async () => {
  const m = await as('manager');
  let r = await m.post('/news', ITEM());
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match(r.location, /^\/news\/\d+\?saved=1$/);
  for (const org of ['cluster-d', '']) {
    const before = count();
    r = await m.post('/news', ITEM({ org }));
    assert.equal(r.status, 403, `manager for '${org}'`);
    assert.match(r.text, /only for a cluster you manage/);
    assert.equal(count(), before, 'nothing stored');
  }
  const rep = await as('member');
  r = await rep.post('/news', ITEM({ org: 'member-m' }));
  assert.equal(r.status, 403);
  const e = await as('editor');
  r = await e.post('/news', ITEM({ org: '', title_sr: 'Вест SCAN-а' }));
  assert.equal(r.status, 303);
  r = await e.post('/news', ITEM({ org: 'cluster-d', title_sr: 'Вест за Д' }));
  assert.equal(r.status, 303);
  assert.equal(count("title_sr = 'Вест SCAN-а' AND org_id IS NULL"), 1);
  // the audit row of each
  assert.ok(Number(sqlite("SELECT count(*) FROM audit WHERE action = 'news_create'")) >= 3);
});

test('bad input: a past time, a file that is not an image, an empty title: a clear message, nothing stored', async () => {
  const a = await as('admin');
  const before = count();
  let r = await a.post('/news', ITEM({ publish_at: '2020-01-01T10:00' }));
  assert.equal(r.status, 422);
  assert.match(r.text, /This time has passed/);
  assert.match(r.text, /field-invalid/);
  r = await a.post('/news', ITEM({ title_sr: '', publish_at: 'tomorrow' }));
  assert.equal(r.status, 422);
  assert.match(r.text, /Write a date and time/);
  r = await a.post('/news', ITEM({ title_en: 'Only a title' }));
  assert.equal(r.status, 422, 'an English version is title, lead and body together');
  const fd = new FormData();
  fd.append('_csrf', a.csrf);
  for (const [k, v] of Object.entries(ITEM())) fd.append(k, v);
  fd.append('image', new Blob(['<html>not a picture</html>'], { type: 'image/png' }), 'x.png');
  r = await a.req('POST', '/news', { multipart: fd });
  assert.equal(r.status, 422);
  assert.match(r.text, /not a PNG or JPEG image/);
  assert.equal(count(), before, 'nothing stored');
  // a real PNG is taken and served
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a3ee0000000049454e44ae426082', 'hex');
  const ok = new FormData();
  ok.append('_csrf', a.csrf);
  for (const [k, v] of Object.entries(ITEM({ title_sr: 'Са сликом' }))) ok.append(k, v);
  ok.append('image', new Blob([png], { type: 'image/png' }), 'p.png');
  r = await a.req('POST', '/news', { multipart: ok });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const id = /\/news\/(\d+)/.exec(r.location)[1];
  const img = await (await as('public')).get(`/news/${id}/image`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.deepEqual(img.buf, png);
});

test('Markdown: raw HTML and javascript: links never become markup', async () => {
  const a = await as('admin');
  const r = await a.post('/news', ITEM({
    title_sr: 'Markdown', body_sr: '<script>alert(1)</script>\n\n[klik](javascript:alert(1)) **jako** <img src=x onerror=alert(1)>',
  }));
  assert.equal(r.status, 303);
  const page = await (await as('public')).get(r.location.replace('?saved=1', ''));
  assert.equal(page.status, 200);
  const body = /<div class="news-body">([\s\S]*?)<\/div>/.exec(page.text)[1];
  assert.doesNotMatch(body, /<script|javascript:|onerror|<img/i);
  assert.match(body, /<strong>jako<\/strong>/);
});

test('the item page has JSON-LD NewsArticle and OpenGraph; the list filters; the feeds are Atom', async () => {
  const p = await as('public');
  const id = sqlite("SELECT id FROM news WHERE title_sr = 'Вест SCAN-а'");
  const slug = sqlite(`SELECT slug FROM news WHERE id = ${id}`);
  for (const path of [`/news/${id}`, `/news/${slug}`]) {
    const r = await p.get(`${path}?lang=en`);
    assert.equal(r.status, 200);
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(r.text)[1]);
    assert.equal(ld['@type'], 'NewsArticle');
    assert.equal(ld.headline, 'Vest SCAN-a', 'an English reader without an English version: Latin');
    assert.match(r.text, /<meta property="og:type" content="article">/);
    assert.match(r.text, /<meta property="og:title"/);
  }
  let r = await p.get('/news?cluster=cluster-d&lang=sr-Cyrl');
  assert.match(r.text, /Vest za D|Вест за Д/);
  assert.doesNotMatch(r.text, /Вест кластера Ц/);
  r = await p.get('/news?cluster=scan&lang=sr-Cyrl');
  assert.match(r.text, /Вест SCAN-а/);
  assert.doesNotMatch(r.text, /Вест за Д/);
  r = await p.get('/news?topic=bogus');
  assert.equal(r.status, 400);
  r = await p.get('/news?cluster=no-such');
  assert.equal(r.status, 404);
  r = await p.get('/news.atom');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/atom\+xml/);
  assert.match(r.text, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
  assert.ok((r.text.match(/<entry>/g) || []).length >= 3);
  r = await p.get('/orgs/cluster-c/news.atom?lang=sr-Cyrl');
  assert.match(r.text, /Вест кластера Ц/);
  assert.doesNotMatch(r.text, /Вест за Д/);
});

// A Belgrade wall time with seconds, as the form's field takes it.
function belgradeAt(unixSec) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Belgrade', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
    minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(unixSec * 1000))
    .map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

test('a scheduled item appears exactly when due, also for cached anonymous readers', async () => {
  const a = await as('admin');
  const due = Math.ceil(Date.now() / 1000) + 6; // the server and the test share the clock
  const r = await a.post('/news', ITEM({ title_sr: 'Заказана вест', publish_at: belgradeAt(due) }));
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const id = /\/news\/(\d+)/.exec(r.location)[1];
  assert.equal(Number(sqlite(`SELECT publish_at FROM news WHERE id = ${id}`)), due);
  const p = await as('public');
  assert.doesNotMatch((await p.get('/news?lang=sr-Cyrl')).text, /Заказана вест/);
  const cached = await cachedAnswer(srv, () => p.get('/news?lang=sr-Cyrl'));
  assert.equal(cached.headers.get('x-scan-cache'), 'hit', 'the list is cached for the public');
  assert.ok(Date.now() < due * 1000, 'the checks before its time ran before it');
  assert.doesNotMatch(cached.text, /Заказана вест/);
  assert.equal((await p.get(`/news/${id}`)).status, 404, 'not visible before its time');
  assert.match((await a.get(`/news/${id}`)).text, /Scheduled: it appears on/);
  // its time comes (no write, no job): every answer before it lacks the
  // item, every answer that started at or after it has it, cached or not
  const deadline = due * 1000 + 30000;
  let shown = false, hits = 0;
  while (!shown) {
    assert.ok(Date.now() < deadline, 'the item appeared within 30 s of its time');
    const t0 = Date.now();
    const res = await p.get('/news?lang=sr-Cyrl');
    const t1 = Date.now();
    assert.equal(res.status, 200);
    shown = /Заказана вест/.test(res.text);
    if (res.headers.get('x-scan-cache') === 'hit') hits++;
    if (shown) assert.ok(t1 >= due * 1000, `shown at ${t1}, before its time ${due * 1000}`);
    else assert.ok(t0 < due * 1000, `stale: asked at ${t0}, due at ${due * 1000}`);
    if (!shown) await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.ok(hits >= 1, 'the waiting was answered from the cache');
  assert.equal((await p.get(`/news/${id}`)).status, 200);
  // and the new page is cached in its turn
  assert.equal((await cachedAnswer(srv, () => p.get('/news?lang=sr-Cyrl'))).headers.get('x-scan-cache'), 'hit');
});

test('a scheduled SCAN item reaches the cached home page right after its time, not up to an hour late', async () => {
  // The home page was cached under the hour; now under the next due item
  // too. Poll with a deadline (no sleep-then-assert): every answer asked
  // before the time lacks the item, every answer asked after it has it.
  const a = await as('admin');
  const p = await as('public');
  const due = Math.ceil(Date.now() / 1000) + 10; // margin for the checks before it, under load
  const r = await a.post('/news', ITEM({ org: '', title_sr: 'Заказана вест за почетну', publish_at: belgradeAt(due) }));
  assert.equal(r.status, 303, r.text.slice(0, 300));
  let t0 = Date.now();
  let home = await p.get('/?lang=sr-Cyrl');
  assert.equal(home.status, 200);
  if (t0 < due * 1000) assert.doesNotMatch(home.text, /Заказана вест за почетну/, 'not before its time');
  const deadline = due * 1000 + 30000;
  let shown = false, hits = 0;
  while (!shown) {
    assert.ok(Date.now() < deadline, 'the item reached the home page within 30 s of its time');
    t0 = Date.now();
    home = await p.get('/?lang=sr-Cyrl');
    const t1 = Date.now();
    assert.equal(home.status, 200);
    shown = /Заказана вест за почетну/.test(home.text);
    if (home.headers.get('x-scan-cache') === 'hit') hits++;
    if (shown) assert.ok(t1 >= due * 1000, `shown at ${t1}, before its time ${due * 1000}`);
    else assert.ok(t0 < due * 1000, `stale home page: asked at ${t0}, due at ${due * 1000}`);
    if (!shown) await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.ok(hits >= 1, 'the waiting was answered from the cache');
  assert.equal((await cachedAnswer(srv, () => p.get('/?lang=sr-Cyrl'))).headers.get('x-scan-cache'), 'hit',
    'the new page is cached');
});

test('a cached list is never stale after a write: publish, edit, withdraw', async () => {
  const p = await as('public');
  const m = await as('manager');
  await p.get('/news?lang=sr-Cyrl&topic=success');
  assert.equal((await cachedAnswer(srv, () => p.get('/news?lang=sr-Cyrl&topic=success'))).headers.get('x-scan-cache'), 'hit');
  let r = await m.post('/news', ITEM({ title_sr: 'Свежа вест', topic: 'success' }));
  assert.equal(r.status, 303);
  const id = /\/news\/(\d+)/.exec(r.location)[1];
  assert.match((await p.get('/news?lang=sr-Cyrl&topic=success')).text, /Свежа вест/);
  r = await m.post(`/news/${id}`, ITEM({ title_sr: 'Исправљена вест', topic: 'success' }));
  assert.equal(r.status, 303);
  let t = (await p.get('/news?lang=sr-Cyrl&topic=success')).text;
  assert.match(t, /Исправљена вест/);
  assert.doesNotMatch(t, /Свежа вест/);
  r = await m.post(`/news/${id}/withdraw`, { reason: 'Грешка' });
  assert.equal(r.status, 303);
  t = (await p.get('/news?lang=sr-Cyrl&topic=success')).text;
  assert.doesNotMatch(t, /Исправљена вест/);
});

test('drafts are seen by their writers only; withdrawal needs a reason and shows it', async () => {
  const m = await as('manager');
  let r = await m.post('/news', ITEM({ title_sr: 'Нацрт Ц', status: 'draft' }));
  assert.equal(r.status, 303);
  const id = /\/news\/(\d+)/.exec(r.location)[1];
  assert.equal((await (await as('public')).get(`/news/${id}`)).status, 404);
  assert.equal((await (await as('member')).get(`/news/${id}`)).status, 404);
  assert.match((await m.get(`/news/${id}`)).text, /This is a draft/);
  const pub = sqlite("SELECT id FROM news WHERE title_sr = 'Вест кластера Ц'");
  r = await (await as('member')).post(`/news/${pub}/withdraw`, { reason: 'no' });
  assert.equal(r.status, 403);
  r = await m.post(`/news/${pub}/withdraw`, { reason: '' });
  assert.equal(r.status, 422);
  assert.equal(sqlite(`SELECT status FROM news WHERE id = ${pub}`), 'published');
  r = await m.post(`/news/${pub}/withdraw`, { reason: 'Погрешан датум' });
  assert.equal(r.status, 303);
  const page = await (await as('public')).get(`/news/${pub}`);
  assert.match(page.text, /This item was withdrawn: Погрешан датум|Ова вест је повучена: Погрешан датум/);
  assert.doesNotMatch((await (await as('public')).get('/news?cluster=cluster-c&lang=sr-Cyrl')).text, /Вест кластера Ц/);
});

test('a draft is changed and published by its writer; others may not change it', async () => {
  const m = await as('manager');
  let r = await m.post('/news', ITEM({ title_sr: 'Нацрт за измену', status: 'draft' }));
  const id = /\/news\/(\d+)/.exec(r.location)[1];
  const form = await m.get(`/news/${id}/edit`);
  assert.equal(form.status, 200);
  assert.match(form.text, /value="Нацрт за измену"/);
  // a draft is no one else's to see: 404, as a missing id (the matrix below)
  assert.equal((await (await as('member')).get(`/news/${id}/edit`)).status, 404);
  r = await (await as('member')).post(`/news/${id}`, ITEM({ title_sr: 'Туђа измена' }));
  assert.equal(r.status, 404);
  r = await m.post(`/news/${id}`, ITEM({ title_sr: 'Измењена вест', publish_at: '2020-01-01T10:00' }));
  assert.equal(r.status, 422);
  assert.match(r.text, /This time has passed/);
  assert.equal(sqlite(`SELECT title_sr || ' ' || status FROM news WHERE id = ${id}`), 'Нацрт за измену draft');
  r = await m.post(`/news/${id}`, ITEM({ title_sr: 'Измењена вест' }));
  assert.equal(r.status, 303);
  assert.equal(sqlite(`SELECT title_sr || ' ' || status FROM news WHERE id = ${id}`), 'Измењена вест published');
  assert.match((await (await as('public')).get('/news?lang=sr-Cyrl')).text, /Измењена вест/);
  assert.equal(Number(sqlite(`SELECT count(*) FROM audit WHERE action = 'news_update' AND entity_id = ${id}`)), 1);
});

test('GET pages for every role: the form for writers, the list and feeds for all', async () => {
  const want = { public: [303, 401], member: [403], manager: [200], editor: [200], admin: [200] };
  for (const [role, codes] of Object.entries(want)) {
    const a = await as(role);
    const r = await a.get('/news/new');
    assert.ok(codes.includes(r.status), `${role} /news/new: ${r.status}`);
    for (const path of ['/news', '/news.atom', '/orgs/cluster-c/news.atom'])
      assert.equal((await a.get(path)).status, 200, `${role} ${path}`);
  }
  const m = await (await as('manager')).get('/news/new');
  assert.match(m.text, /value="cluster-c"/);
  assert.doesNotMatch(m.text, /value="cluster-d"/, 'a manager is offered their own cluster only');
  assert.doesNotMatch(m.text, /<option value="">SCAN<\/option>/);
});

test('a scheduled item\'s image is served to its writers (private, no-store), not to the public', async () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a3ee0000000049454e44ae426082', 'hex');
  const a = await as('admin');
  const fd = new FormData();
  fd.append('_csrf', a.csrf);
  for (const [k, v] of Object.entries(ITEM({ title_sr: 'Заказана са сликом', publish_at: '2099-02-01T10:00' }))) fd.append(k, v);
  fd.append('image', new Blob([png], { type: 'image/png' }), 'p.png');
  const r = await a.req('POST', '/news', { multipart: fd });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const id = /\/news\/(\d+)/.exec(r.location)[1];
  for (const who of ['admin', 'manager']) { // its writers: the preview shows the picture
    const img = await (await as(who)).get(`/news/${id}/image`);
    assert.equal(img.status, 200, who);
    assert.deepEqual(img.buf, png);
    assert.match(img.headers.get('cache-control'), /private/);
    assert.match(img.headers.get('cache-control'), /no-store/);
  }
  for (const who of ['public', 'member'])
    assert.equal((await (await as(who)).get(`/news/${id}/image`)).status, 404, who);
});

test('org=scan in the form is SCAN\'s own news, as ?cluster=scan is', async () => {
  const e = await as('editor');
  const r = await e.post('/news', ITEM({ org: 'scan', title_sr: 'Вест SCAN-а преко scan' }));
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(count("title_sr = 'Вест SCAN-а преко scan' AND org_id IS NULL"), 1);
  const m = await as('manager'); // a manager may not write SCAN's own by that name either
  assert.equal((await m.post('/news', ITEM({ org: 'scan', title_sr: 'Не' }))).status, 403);
  assert.equal(count("title_sr = 'Не'"), 0);
});

// PUT /api/v1/news/{id} as a logged-in agent (its session and CSRF token).
async function apiPut(a, id, body) {
  const res = await fetch(`${srv.url}/api/v1/news/${id}`, {
    method: 'PUT', body: JSON.stringify(body),
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', Origin: srv.url,
      'X-CSRF-Token': a.csrf ?? '', Cookie: [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { status: res.status, text: await res.text() };
}

test('every write route of one item: 404 where the reader may not see it (as a missing id), 403 where they do', async () => {
  const m = await as('manager');
  const make = async (over) => /\/news\/(\d+)/.exec((await m.post('/news', ITEM(over))).location)[1];
  const items = {
    published: await make({ title_sr: 'Матрица објављена' }),
    draft: await make({ title_sr: 'Матрица нацрт', status: 'draft' }),
    scheduled: await make({ title_sr: 'Матрица заказана', publish_at: '2099-03-01T10:00' }),
    withdrawn: await make({ title_sr: 'Матрица повучена' }),
  };
  assert.equal((await m.post(`/news/${items.withdrawn}/withdraw`, { reason: 'Матрица' })).status, 303);
  const state = () => sqlite(`SELECT group_concat(title_sr || status, ',') FROM news WHERE title_sr LIKE 'Матрица%'`);
  const before = state();
  // what a reader who may not write it sees: the page of a published item,
  // and of a withdrawn one (its public notice); never a draft or a scheduled one
  const seen = { published: true, withdrawn: true, draft: false, scheduled: false };
  for (const role of ['member', 'other']) { // a member's representative; the manager of another cluster
    const a = await as(role);
    for (const [kind, id] of [...Object.entries(items), ['missing', '999999']]) {
      const want = seen[kind] ? 403 : 404;
      const page = await a.get(`/news/${id}`);
      assert.equal(page.status, seen[kind] ? 200 : 404, `${role} GET ${kind}`);
      const answers = {
        'GET edit': await a.get(`/news/${id}/edit`),
        'POST change': await a.post(`/news/${id}`, ITEM({ title_sr: 'Туђа измена' })),
        'POST withdraw': await a.post(`/news/${id}/withdraw`, { reason: 'Туђе повлачење' }),
        'API PUT': await apiPut(a, id, ITEM({ title_sr: 'Туђа измена' })),
      };
      for (const [route, r] of Object.entries(answers)) {
        assert.equal(r.status, want, `${role} ${route} ${kind}`);
        if (want === 403) assert.match(r.text, /Only the secretariat and the managers of its cluster may change or withdraw this item/, `${role} ${route} ${kind}`);
        else assert.match(r.text, /There is no such news item/, `${role} ${route} ${kind}`);
      }
    }
  }
  const anon = await as('public');
  for (const id of [items.draft, items.published, '999999']) { // no session: the same answer for all
    assert.equal((await anon.post(`/news/${id}/withdraw`, { reason: 'x' })).status, 401);
    assert.equal((await apiPut(anon, id, ITEM())).status, 401);
  }
  assert.equal(state(), before, 'nothing changed');
  // the API's GET follows the same rule: a withdrawn item is its notice, with no text
  const get = async (id) => (await fetch(`${srv.url}/api/v1/news/${id}`, { headers: { Accept: 'application/json' } }));
  assert.equal((await get(items.draft)).status, 404);
  const w = await (await get(items.withdrawn)).json();
  assert.equal(w.status, 'withdrawn');
  assert.equal(w.withdrawn_reason, 'Матрица');
  assert.equal(w.body_sr, '');
  // and the writers still may: the secretariat and the cluster's manager
  for (const role of ['editor', 'manager']) {
    const r = await (await as(role)).get(`/news/${items.draft}/edit`);
    assert.equal(r.status, 200, role);
  }
});

test('a news image: public, no-cache with an ETag and 304; withdrawn, it is 404 to the public at once', async () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a3ee0000000049454e44ae426082', 'hex');
  const m = await as('manager');
  const fd = new FormData();
  fd.append('_csrf', m.csrf);
  for (const [k, v] of Object.entries(ITEM({ title_sr: 'Са сликом за кеш' }))) fd.append(k, v);
  fd.append('image', new Blob([png], { type: 'image/png' }), 'p.png');
  const r = await m.req('POST', '/news', { multipart: fd });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const id = /\/news\/(\d+)/.exec(r.location)[1];
  const img = await fetch(`${srv.url}/news/${id}/image`);
  assert.equal(img.status, 200);
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), png);
  const cc = img.headers.get('cache-control');
  assert.match(cc, /\bpublic\b/);
  assert.match(cc, /\bno-cache\b/, 'a cache asks again before each use');
  assert.doesNotMatch(cc, /max-age=[1-9]/, 'never kept unasked');
  const etag = img.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9a-f]+"$/);
  const again = await fetch(`${srv.url}/news/${id}/image`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304, 'unchanged: a 304 with no body');
  assert.equal((await again.arrayBuffer()).byteLength, 0);
  assert.equal((await m.post(`/news/${id}/withdraw`, { reason: 'Слика повучена' })).status, 303);
  for (const headers of [{}, { 'If-None-Match': etag }]) { // a browser's or a cache's revalidation too
    const gone = await fetch(`${srv.url}/news/${id}/image`, { headers });
    assert.equal(gone.status, 404, JSON.stringify(headers));
  }
  assert.doesNotMatch((await (await as('public')).get(`/news/${id}`)).text, /\/image"/, 'the notice shows no image');
});

test('a draft cluster is a missing one to those who may not see it: filters and the source of a new item', async () => {
  const before = count();
  for (const who of ['public', 'member']) {
    const a = await as(who);
    for (const slug of ['cluster-h', 'no-such-cluster']) {
      const r = await a.get(`/news?cluster=${slug}&lang=en`);
      assert.equal(r.status, 404, `${who} /news?cluster=${slug}`);
      assert.doesNotMatch(r.text, /Hidden Draft Cluster/);
      const j = await fetch(`${srv.url}/api/v1/news?cluster=${slug}`, { headers: { Accept: 'application/json' } });
      assert.equal(j.status, 404, `${who} API ?cluster=${slug}`);
    }
  }
  const rep = await as('member');
  for (const org of ['cluster-h', 'no-such-cluster']) {
    const r = await rep.post('/news', ITEM({ org }));
    assert.equal(r.status, 404, `create for ${org}`);
    const api = await fetch(`${srv.url}/api/v1/news`, {
      method: 'POST', body: JSON.stringify({ ...ITEM(), org: undefined, cluster: org }),
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', Origin: srv.url,
        'X-CSRF-Token': rep.csrf, Cookie: [...rep.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    assert.equal(api.status, 404, `API create for ${org}`);
  }
  // a published cluster that is not theirs: it exists, so 403
  assert.equal((await rep.post('/news', ITEM({ org: 'cluster-d' }))).status, 403);
  // the secretariat sees the draft cluster
  assert.equal((await (await as('editor')).get('/news?cluster=cluster-h&lang=en')).status, 200);
  assert.equal(count(), before, 'nothing stored');
});
