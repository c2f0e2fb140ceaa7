// news_api.test.mjs: /api/v1/news (issue 17 fixes): the list and one item
// for everyone (published and due only; drafts and scheduled items to who
// may write them), create and change with the web form's rights (a
// manager for their cluster only, the secretariat for SCAN's own) and its
// validation and messages (a time in the past, a missing title: 422,
// nothing stored), scheduled publishing, and token scopes (a read-only
// token never writes).
//
// Run: SCAN_BIN=build-asan/scan node --test tests/http/news_api.test.mjs
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scanIn, sqliteIn, login, makeToken } from './lib.mjs';

const PW = 'news api pass phrase';
const EMAIL = {
  admin: 'admin.na@example.com', editor: 'editor.na@example.com', manager: 'manager.na@example.com',
  member: 'member.na@example.com',
};
let dir, db, srv;
const sqlite = (sql) => sqliteIn(db, sql);
const count = (where = '1 = 1') => Number(sqlite(`SELECT count(*) FROM news WHERE ${where}`));
const sessions = {};

// A JSON request as role ('public': no session) or with a Bearer token.
async function call(who, method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (who?.token) headers.Authorization = `Bearer ${who.token}`;
  else if (who === 'public') headers.Origin = srv.url;
  else if (who) {
    const s = sessions[who];
    headers.Cookie = s.cookie;
    headers['X-CSRF-Token'] = s.csrf;
    headers.Origin = srv.url;
  }
  const res = await fetch(srv.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

const ITEM = (over = {}) => ({
  cluster: 'cluster-c', title_sr: 'Вест из API-ја', lead_sr: 'Кратак увод.', body_sr: 'Текст **вести**.',
  topic: 'cluster', status: 'published', ...over,
});

// Belgrade wall time `hours` from now as YYYY-MM-DDTHH:MM.
function belgrade(hours) {
  const d = new Date(Date.now() + hours * 3600e3);
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Belgrade', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
    minute: '2-digit', hourCycle: 'h23' }).formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-news-api-'));
  db = join(dir, 'scan.db');
  scanIn(db, ['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-c', 'Cluster C', 'cluster', 'published', 0, 0, 'cluster c'),
    ('cluster-d', 'Cluster D', 'cluster', 'published', 0, 0, 'cluster d'),
    ('member-m', 'Member M', 'company', 'published', 0, 0, 'member m')`);
  const add = (email, extra = []) => scanIn(db, ['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', ...extra], `${PW}\n`);
  add(EMAIL.admin, ['--admin']);
  add(EMAIL.editor, ['--editor']);
  add(EMAIL.manager);
  add(EMAIL.member);
  scanIn(db, ['user', 'role', EMAIL.manager, 'manager', '--org', 'cluster-c']);
  scanIn(db, ['user', 'role', EMAIL.member, 'representative', '--org', 'member-m']);
  srv = await startServer({ dbPath: db });
  for (const role of Object.keys(EMAIL)) sessions[role] = await login(srv.url, EMAIL[role], PW);
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0);
});

test('who may create: a manager for their cluster only, the secretariat for SCAN and any cluster', async () => {
  let r = await call('manager', 'POST', '/api/v1/news', ITEM());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.cluster, 'cluster-c');
  assert.equal(r.json.visible, true);
  assert.match(r.json.url, /\/news\/[a-z0-9-]+$/);
  for (const cluster of ['cluster-d', undefined]) {
    const before = count();
    r = await call('manager', 'POST', '/api/v1/news', ITEM({ cluster }));
    assert.equal(r.status, 403, `manager for ${cluster ?? 'SCAN'}`);
    assert.match(r.json.error.message, /only for a cluster you manage/);
    assert.equal(count(), before, 'nothing stored');
  }
  for (const role of ['member']) {
    r = await call(role, 'POST', '/api/v1/news', ITEM());
    assert.equal(r.status, 403, role);
  }
  r = await call('public', 'POST', '/api/v1/news', ITEM());
  assert.equal(r.status, 401);
  for (const role of ['editor', 'admin']) {
    r = await call(role, 'POST', '/api/v1/news', ITEM({ cluster: undefined, title_sr: `SCAN ${role}` }));
    assert.equal(r.status, 201, `${role}: ${r.text}`);
    assert.equal(r.json.cluster, null, "SCAN's own");
    r = await call(role, 'POST', '/api/v1/news', ITEM({ cluster: 'cluster-d', title_sr: `Д ${role}` }));
    assert.equal(r.status, 201, role);
  }
  r = await call('editor', 'POST', '/api/v1/news', ITEM({ cluster: 'no-such' }));
  assert.equal(r.status, 404);
});

test("bad input: the web form's messages beside each field, 422, nothing stored", async () => {
  const before = count();
  let r = await call('manager', 'POST', '/api/v1/news', ITEM({ publish_at: '2020-01-01T10:00' }));
  assert.equal(r.status, 422);
  assert.equal(r.json.error.fields.publish_at,
    'This time has passed: choose a later time, or leave it empty to publish now.');
  r = await call('manager', 'POST', '/api/v1/news', ITEM({ title_sr: '', publish_at: 'soon' }));
  assert.equal(r.status, 422);
  assert.ok(r.json.error.fields.title_sr, 'the empty title');
  assert.match(r.json.error.fields.publish_at, /Write a date and time/);
  r = await call('manager', 'POST', '/api/v1/news', ITEM({ title_en: 'Only a title' }));
  assert.equal(r.status, 422);
  assert.ok(r.json.error.fields.lead_en && r.json.error.fields.body_en, 'English needs all three');
  r = await call('manager', 'POST', '/api/v1/news', ITEM({ topic: 'gossip' }));
  assert.equal(r.status, 422);
  assert.ok(r.json.error.fields.topic);
  assert.equal(count(), before);
  // in Serbian when asked
  r = await call('manager', 'POST', '/api/v1/news?lang=sr', ITEM({ publish_at: '2020-01-01T10:00' }));
  assert.equal(r.status, 422);
  assert.match(r.json.error.fields.publish_at, /Овај тренутак је прошао/);
});

test('scheduled publishing: hidden from the list and the item until its time, then shown', async () => {
  let r = await call('manager', 'POST', '/api/v1/news', ITEM({ title_sr: 'Заказана вест', publish_at: belgrade(48) }));
  assert.equal(r.status, 201, r.text);
  const { id, slug } = r.json;
  assert.equal(r.json.visible, false);
  const listed = async () => (await call('public', 'GET', '/api/v1/news?limit=100')).json.items.some((n) => n.id === id);
  assert.equal(await listed(), false);
  assert.equal((await call('public', 'GET', `/api/v1/news/${id}`)).status, 404);
  assert.equal((await call('member', 'GET', `/api/v1/news/${slug}`)).status, 404);
  assert.equal((await call('manager', 'GET', `/api/v1/news/${id}`)).status, 200, 'its writer sees it');
  // a draft likewise
  r = await call('manager', 'POST', '/api/v1/news', ITEM({ title_sr: 'Нацрт', status: 'draft' }));
  assert.equal(r.status, 201);
  assert.equal((await call('public', 'GET', `/api/v1/news/${r.json.id}`)).status, 404);
  // its time comes (moved into the past, as the clock would)
  sqlite(`UPDATE news SET publish_at = CAST(strftime('%s', 'now') AS INTEGER) - 60 WHERE id = ${id}`);
  const deadline = Date.now() + 5000;
  while (!(await listed()) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  assert.equal(await listed(), true);
  const one = await call('public', 'GET', `/api/v1/news/${slug}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.title_sr, 'Заказана вест');
});

test('change: the writer of the item only; a read-only token never writes', async () => {
  const mine = (await call('manager', 'POST', '/api/v1/news', ITEM({ title_sr: 'Прва верзија' }))).json;
  const scans = (await call('editor', 'POST', '/api/v1/news', ITEM({ cluster: undefined, title_sr: 'SCAN вест' }))).json;
  let r = await call('manager', 'PUT', `/api/v1/news/${mine.id}`, ITEM({ title_sr: 'Друга верзија', title_en: 'Second version',
    lead_en: 'A lead.', body_en: 'A body.' }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.title_sr, 'Друга верзија');
  assert.equal(r.json.title_en, 'Second version');
  assert.equal(r.json.cluster, 'cluster-c', 'an item keeps its source');
  r = await call('manager', 'PUT', `/api/v1/news/${scans.id}`, ITEM({ title_sr: 'Туђа' }));
  assert.equal(r.status, 403);
  assert.equal(sqlite(`SELECT title_sr FROM news WHERE id = ${scans.id}`), 'SCAN вест');
  r = await call('member', 'PUT', `/api/v1/news/${mine.id}`, ITEM({ title_sr: 'Туђа' }));
  assert.equal(r.status, 403);
  r = await call('public', 'PUT', `/api/v1/news/${mine.id}`, ITEM({ title_sr: 'Туђа' }));
  assert.equal(r.status, 401);
  r = await call('editor', 'PUT', `/api/v1/news/${mine.id}`, ITEM({ publish_at: '2020-01-01T10:00' }));
  assert.equal(r.status, 422);
  assert.equal(sqlite(`SELECT title_sr FROM news WHERE id = ${mine.id}`), 'Друга верзија', 'nothing stored');
  r = await call('editor', 'PUT', '/api/v1/news/999999', ITEM());
  assert.equal(r.status, 404);
  // tokens: read-only refused, read-write allowed, each with the rights of its owner
  const ro = await makeToken(srv.url, sessions.manager, 'read');
  const rw = await makeToken(srv.url, sessions.manager, 'write');
  r = await call({ token: ro }, 'POST', '/api/v1/news', ITEM({ title_sr: 'Са токеном' }));
  assert.equal(r.status, 403);
  r = await call({ token: ro }, 'PUT', `/api/v1/news/${mine.id}`, ITEM({ title_sr: 'Са токеном' }));
  assert.equal(r.status, 403);
  r = await call({ token: rw }, 'POST', '/api/v1/news', ITEM({ title_sr: 'Са токеном' }));
  assert.equal(r.status, 201, r.text);
  r = await call({ token: rw }, 'POST', '/api/v1/news', ITEM({ cluster: 'cluster-d' }));
  assert.equal(r.status, 403);
  // every change is audited
  assert.ok(Number(sqlite("SELECT count(*) FROM audit WHERE action IN ('news_create', 'news_update') AND entity = 'news'")) >= 5);
});

test('the list: filters, paging with a cursor, bad filters refused', async () => {
  let r = await call('public', 'GET', '/api/v1/news?cluster=cluster-c&limit=2');
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 2);
  assert.ok(r.json.items.every((n) => n.cluster === 'cluster-c' && n.visible));
  assert.ok(r.json.total > 2);
  const seen = new Set(r.json.items.map((n) => n.id));
  let cursor = r.json.next_cursor;
  while (cursor) {
    r = await call('public', 'GET', `/api/v1/news?cluster=cluster-c&limit=2&cursor=${encodeURIComponent(cursor)}`);
    assert.equal(r.status, 200);
    for (const n of r.json.items) { assert.ok(!seen.has(n.id), 'no item twice'); seen.add(n.id); }
    cursor = r.json.next_cursor;
  }
  assert.equal(seen.size, r.json.total);
  r = await call('public', 'GET', '/api/v1/news?cluster=scan');
  assert.ok(r.json.items.length > 0 && r.json.items.every((n) => n.cluster === null));
  for (const bad of ['topic=gossip', 'nace=ZZ', 'cursor=xyz', 'limit=0'])
    assert.equal((await call('public', 'GET', `/api/v1/news?${bad}`)).status, 400, bad);
  assert.equal((await call('public', 'GET', '/api/v1/news?cluster=no-such')).status, 404);
});

test('publish_at: the RFC 3339 instant GET returns is accepted by POST and PUT as the same instant', async () => {
  const at = new Date(Math.ceil((Date.now() + 72 * 3600e3) / 60e3) * 60e3);
  const z = at.toISOString().replace(/\.000Z$/, 'Z');
  let r = await call('manager', 'POST', '/api/v1/news', ITEM({ title_sr: 'Тренутак у UTC', status: 'draft', publish_at: z }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.publish_at, z);
  const { id } = r.json;
  // an offset names the same instant
  const plus2 = new Date(at.getTime() + 2 * 3600e3).toISOString().slice(0, 16) + '+02:00';
  r = await call('manager', 'PUT', `/api/v1/news/${id}`, ITEM({ title_sr: 'Тренутак у UTC', status: 'draft', publish_at: plus2 }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.publish_at, z);
  // GET -> PUT round-trips unchanged
  const got = (await call('manager', 'GET', `/api/v1/news/${id}`)).json;
  r = await call('manager', 'PUT', `/api/v1/news/${id}`, ITEM({ title_sr: got.title_sr, status: 'draft', publish_at: got.publish_at }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.publish_at, got.publish_at);
  // the Belgrade wall time form still works; a bad offset does not
  r = await call('manager', 'PUT', `/api/v1/news/${id}`, ITEM({ status: 'draft', publish_at: belgrade(96) }));
  assert.equal(r.status, 200, r.text);
  r = await call('manager', 'PUT', `/api/v1/news/${id}`, ITEM({ status: 'draft', publish_at: z.replace('Z', '+2') }));
  assert.equal(r.status, 422);
  assert.match(r.json.error.fields.publish_at, /Write a date and time/);
});
