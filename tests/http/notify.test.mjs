// notify.test.mjs: notification settings, saved searches, followed
// clusters, events, one-click unsubscribe and the weekly digest (issue 13).
//
// Fixture: clusters C and D, member company M with its representative; D
// proposes M as a member (the representative accepts it in a test, which
// is the event D's followers hear of); a follower who wants it at once, a
// follower who wants it weekly, and a bystander. The outbox is read from
// the database (the tests' mail sink: no SMTP is configured).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG, startServer, scan, makeToken, scanIn, sqliteIn } from './lib.mjs';

const PW = 'notify pass phrase 2026';
const EMAIL = {
  rep: 'rep.m@example.com',
  now: 'follower.now@example.com',
  weekly: 'follower.weekly@example.com',
  bystander: 'bystander@example.com',
  late: 'late@example.com',
};
let dir;
let db;
let srv;
const ids = {};

function sqlite(sql) {
  return sqliteIn(db, sql);
}

function cli(args, input) {
  return scanIn(db, args, input);
}

class Agent {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
  }

  async req(method, path, { form, json, headers: extra = {}, origin = true } = {}) {
    const headers = { ...extra };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (json !== undefined) {
      body = JSON.stringify(json);
      headers['Content-Type'] = 'application/json';
      if (this.csrf) headers['X-CSRF-Token'] = this.csrf;
    } else if (form) {
      body = new URLSearchParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    if (method !== 'GET' && origin) headers.Origin = this.base;
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const sc of res.headers.getSetCookie()) {
      const pair = sc.split(';')[0];
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  get(path) { return this.req('GET', path); }
  post(path, form = {}) { return this.req('POST', path, { form: { ...form, _csrf: this.csrf } }); }
}

async function as(who) {
  const a = new Agent(srv.url);
  const r = await a.req('POST', '/login', { form: { email: EMAIL[who], password: PW } });
  assert.equal(r.status, 303, `login as ${who}`);
  const page = await a.get('/account');
  a.csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)[1];
  return a;
}

function person(who) { return ids[EMAIL[who]]; }
const prefs = (who) => sqlite(`SELECT kind || '=' || channel FROM notify_pref WHERE person_id = ${person(who)} ORDER BY kind`);
const outboxTo = (who) => sqlite(`SELECT count(*) FROM outbox WHERE to_addr = '${EMAIL[who]}'`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-notify-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-c', 'Cluster C', 'cluster', 'published', 0, 0, 'cluster c'),
    ('cluster-d', 'Кластер Д', 'cluster', 'published', 0, 0, 'klaster d'),
    ('member-m', 'Member M', 'company', 'published', 0, 0, 'member m');`);
  for (const line of sqlite('SELECT slug, id FROM org').split('\n')) {
    const [slug, id] = line.split('|');
    ids[slug] = Number(id);
  }
  ids.proposal = Number(sqlite(`INSERT INTO cluster_member_proposal(cluster_id, org_id, joined_on, proposed_at)
    VALUES (${ids['cluster-d']}, ${ids['member-m']}, '2024-01-01', 0) RETURNING id`));
  for (const [who, email] of Object.entries(EMAIL)) {
    cli(['user', 'add', email, '--name', `Person ${who}`, '--password-stdin'], `${PW}\n`);
    ids[email] = Number(sqlite(`SELECT id FROM person WHERE email = '${email}'`));
  }
  cli(['user', 'role', EMAIL.rep, 'representative', '--org', 'member-m']);
  srv = await startServer({ dbPath: db, args: ['--base-url', 'https://scan.example'] });
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('the settings page needs a login, shows the defaults (weekly), and is linked from the account and start pages', async () => {
  const anon = new Agent(srv.url);
  const r = await anon.get('/account/notifications');
  assert.equal(r.status, 303);
  assert.match(r.location, /^\/login\?next=/);
  const a = await as('bystander');
  const page = await a.get('/account/notifications');
  assert.equal(page.status, 200);
  assert.match(page.text, /id="digest-weekly" name="digest" value="weekly" checked/);
  assert.match(page.text, /id="kind_cluster_member-weekly" name="kind_cluster_member" value="weekly" checked/);
  assert.doesNotMatch(page.text, /id="digest-immediate"/, 'the digest is weekly or never');
  assert.match((await a.get('/account')).text, /href="\/account\/notifications"/);
  assert.match((await a.get('/start')).text, /href="\/account\/notifications"/);
  const sr = await a.get('/account/notifications?lang=sr-Cyrl');
  assert.match(sr.text, /Обавештења/);
  const lat = await a.get('/account/notifications?lang=sr-Latn');
  assert.match(lat.text, /Obaveštenja/);
  assert.equal(prefs('bystander'), '', 'reading stores nothing');
});

test('saving settings stores the choices; an unknown kind or a bad channel is a 422 beside the field and stores nothing', async () => {
  const a = await as('bystander');
  const bad = [
    [{ digest: 'weekly', kind_no_such_kind: 'weekly' }, 'kind_no_such_kind'],
    [{ digest: 'immediate' }, 'digest'],
    [{ digest: 'weekly', kind_cluster_member: 'sometimes' }, 'kind_cluster_member'],
  ];
  for (const [form, field] of bad) {
    const r = await a.post('/account/notifications', form);
    assert.equal(r.status, 422, JSON.stringify(form));
    assert.match(r.text, /Choose one of the offered options/);
    if (field !== 'kind_no_such_kind') // no such field on the page: the summary names it
      assert.match(r.text, new RegExp(`id="${field}-error"`), `the error is beside ${field}`);
    assert.equal(prefs('bystander'), '', `nothing stored for ${JSON.stringify(form)}`);
  }
  const ok = await a.post('/account/notifications', { digest: 'never', kind_cluster_member: 'immediate' });
  assert.equal(ok.status, 303);
  assert.equal(prefs('bystander'), 'cluster_member=immediate\ndigest=never');
  const page = await a.get(ok.location);
  assert.match(page.text, /role="status"/);
  assert.match(page.text, /name="digest" value="never" checked/);
  assert.match(page.text, /name="kind_cluster_member" value="immediate" checked/);
  assert.ok(Number(sqlite(`SELECT count(*) FROM audit WHERE action = 'notify_settings' AND actor_id = ${person('bystander')}`)) >= 1, 'audited');
  // back to the defaults for the digest tests below
  assert.equal((await a.post('/account/notifications', { digest: 'weekly', kind_cluster_member: 'weekly' })).status, 303);
});

test('saved searches are stored canonical, once; bad ones are refused beside their field; only one\'s own can be removed', async () => {
  const a = await as('bystander');
  const r = await a.post('/account/notifications/topics', { page: '/orgs', query: '?region=VO&kind=cluster&page=3&q=+metal+&lang=en&sort=name' });
  assert.equal(r.status, 303);
  assert.equal(sqlite(`SELECT page || ' ' || query FROM notify_topic WHERE person_id = ${person('bystander')}`), '/orgs kind=cluster&q=metal&region=VO');
  const again = await a.post('/account/notifications/topics', { page: '/orgs', query: 'q=metal&kind=cluster&region=VO' });
  assert.equal(again.status, 422, 'the same search in another order is the same search');
  assert.match(again.text, /id="topic-query-error"|query-error/);
  const page = await a.post('/account/notifications/topics', { page: '/admin', query: 'q=x' });
  assert.equal(page.status, 422);
  assert.match(page.text, /id="topic-page-error"/);
  const junk = await a.post('/account/notifications/topics', { page: '/orgs', query: 'Bad-Name=1' });
  assert.equal(junk.status, 422);
  assert.equal(sqlite(`SELECT count(*) FROM notify_topic`), '1', 'nothing more stored');
  const id = sqlite(`SELECT id FROM notify_topic WHERE person_id = ${person('bystander')}`);
  const other = await as('weekly');
  assert.equal((await other.post(`/account/notifications/topics/${id}/delete`)).status, 404, "someone else's topic");
  assert.equal(sqlite(`SELECT count(*) FROM notify_topic`), '1');
  const shown = await a.get('/account/notifications');
  assert.match(shown.text, /href="\/orgs\?kind=cluster&amp;q=metal&amp;region=VO"/);
  assert.equal((await a.post(`/account/notifications/topics/${id}/delete`)).status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM notify_topic`), '0');
});

test('following clusters: a real cluster only, once; unfollowing one not followed is a 404', async () => {
  const now = await as('now');
  assert.equal((await now.post('/account/notifications/follows', { cluster: 'member-m' })).status, 422, 'a company is not a cluster');
  assert.equal((await now.post('/account/notifications/follows', { cluster: 'cluster-d' })).status, 303);
  assert.equal((await now.post('/account/notifications/follows', { cluster: 'cluster-d' })).status, 422, 'once');
  assert.equal((await now.post('/account/notifications', { kind_cluster_member: 'immediate' })).status, 303);
  const weekly = await as('weekly');
  assert.equal((await weekly.post('/account/notifications/follows', { cluster: 'cluster-d' })).status, 303);
  assert.equal((await weekly.post(`/account/notifications/follows/${ids['cluster-c']}/delete`)).status, 404);
  assert.equal(sqlite(`SELECT count(*) FROM notify_follow WHERE cluster_id = ${ids['cluster-d']}`), '2');
  const page = await weekly.get('/account/notifications');
  assert.match(page.text, /href="\/orgs\/cluster-d">Klaster D</, 'the name in the reader\'s script');
  const data = JSON.parse((await weekly.get('/account/data')).text);
  assert.deepEqual(data.notifications, [{ type: 'follows', value: 'cluster-d' }], 'in the export of one\'s data');
});

test('the API reads and changes one\'s own settings; bad input is a 422 naming the field and stores nothing', async () => {
  const a = await as('late');
  const session = { cookie: [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; '), csrf: a.csrf };
  const read = await makeToken(srv.url, session, 'read');
  const write = await makeToken(srv.url, session, 'write');
  const api = (method, token, body) => fetch(`${srv.url}/api/v1/me/notifications`, {
    method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const got = await (await api('GET', read)).json();
  // every kind with its channel; other modules' kinds have their defaults
  assert.deepEqual({ digest: got.settings.digest, cluster_member: got.settings.cluster_member }, { digest: 'weekly', cluster_member: 'weekly' });
  assert.equal(got.settings.mentoring, 'immediate');
  assert.deepEqual(got.topics, []);
  assert.equal((await api('PUT', read, { settings: { digest: 'never' } })).status, 403, 'a read-only token');
  for (const [body, field] of [
    [{ settings: { nope: 'weekly' } }, 'settings.nope'],
    [{ settings: { cluster_member: 'hourly' } }, 'settings.cluster_member'],
    [{ settings: { digest: 'immediate' } }, 'settings.digest'],
    [{ settings: { cluster_member: 3 } }, 'settings.cluster_member'],
    [{ settings: { digest: 'never' }, topics: [] }, 'topics'],
  ]) {
    const r = await api('PUT', write, body);
    assert.equal(r.status, 422, JSON.stringify(body));
    const j = await r.json();
    assert.ok(j.error.fields[field], `${JSON.stringify(body)} names ${field}: ${JSON.stringify(j)}`);
    assert.equal(prefs('late'), '', 'nothing stored');
  }
  const put = await api('PUT', write, { settings: { cluster_member: 'never' } });
  assert.equal(put.status, 200);
  const after = (await put.json()).settings;
  assert.deepEqual({ digest: after.digest, cluster_member: after.cluster_member }, { digest: 'weekly', cluster_member: 'never' });
  assert.equal(prefs('late'), 'cluster_member=never');
  assert.equal((await fetch(`${srv.url}/api/v1/me/notifications`)).status, 401);
});

let unsubToken;

test('an event reaches the followers in the same transaction: at once by mail with RFC 8058 headers, or waiting for the digest; never the actor', async () => {
  const rep = await as('rep');
  assert.equal((await rep.post('/account/notifications/follows', { cluster: 'cluster-d' })).status, 303, 'the actor follows too');
  const r = await rep.post(`/memberships/${ids.proposal}/accept`);
  assert.equal(r.status, 303);
  const rows = sqlite(`SELECT p.email || ' ' || e.channel || ' ' || coalesce(e.outbox_id, 0) FROM notify_event e JOIN person p ON p.id = e.person_id WHERE e.kind = 'cluster_member' ORDER BY p.email`).split('\n');
  assert.equal(rows.length, 2, rows.join('; '));
  assert.match(rows[0], /^follower\.now@example\.com immediate [1-9]/);
  assert.match(rows[1], /^follower\.weekly@example\.com weekly 0$/);
  const [subject, headers, body] = sqlite(`SELECT subject, headers, body FROM outbox WHERE to_addr = '${EMAIL.now}'`).split('|');
  assert.match(subject, /SCAN/);
  assert.match(headers, /^List-Unsubscribe: <https:\/\/scan\.example\/u\/[A-Za-z0-9_-]{43}>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n$/);
  assert.match(body + sqlite(`SELECT body FROM outbox WHERE to_addr = '${EMAIL.now}'`), /Member M/);
  unsubToken = /\/u\/([A-Za-z0-9_-]{43})>/.exec(headers)[1];
  const zero = PG ? `'\\x${'00'.repeat(32)}'::bytea` : `X'${'00'.repeat(32)}'`; // a blob literal in each dialect
  assert.equal(sqlite(`SELECT count(*) FROM notify_unsub WHERE token_hash = ${zero} OR length(token_hash) <> 32`), '0', 'tokens are stored as 32-byte hashes');
});

test('the unsubscribe link needs no login, asks on GET, unsubscribes on POST once; used, expired and made-up links get a clear 410/404', async () => {
  assert.ok(unsubToken, 'the previous test found a link');
  const anon = new Agent(srv.url);
  const ask = await anon.get(`/u/${unsubToken}`);
  assert.equal(ask.status, 200);
  assert.match(ask.text, /New members of clusters I follow/);
  assert.match(ask.text, new RegExp(`<form method="post" action="/u/${unsubToken}">`));
  assert.match(prefs('now'), /cluster_member=immediate/, 'GET changes nothing (link scanners fetch it)');
  // what a mail provider sends: no cookie, no Origin
  const one = await anon.req('POST', `/u/${unsubToken}`, { form: { 'List-Unsubscribe': 'One-Click' }, origin: false });
  assert.equal(one.status, 200);
  assert.match(one.text, /no more of these mails/);
  assert.match(prefs('now'), /cluster_member=never/);
  assert.equal(sqlite(`SELECT count(*) FROM audit WHERE action = 'notify_unsubscribe' AND actor_id = ${person('now')}`), '1');
  const twice = await anon.req('POST', `/u/${unsubToken}`, { form: { 'List-Unsubscribe': 'One-Click' }, origin: false });
  assert.equal(twice.status, 410);
  assert.match(twice.text, /used already/);
  assert.equal((await anon.get(`/u/${unsubToken}`)).status, 410);
  const madeUp = await anon.req('POST', `/u/${'B'.repeat(43)}`, { origin: false });
  assert.equal(madeUp.status, 404);
  assert.match(madeUp.text, /not valid/);
  assert.equal((await anon.get('/u/short')).status, 404);
  // an expired link: made the way the digest makes them, then aged
  sqlite(`UPDATE notify_unsub SET used_at = NULL, expires_at = 1 WHERE person_id = ${person('now')}`);
  const old = await anon.req('POST', `/u/${unsubToken}`, { origin: false });
  assert.equal(old.status, 410);
  assert.match(old.text, /expired/);
  assert.equal(sqlite(`SELECT count(*) FROM audit WHERE action = 'notify_unsubscribe'`), '1', 'refused links change nothing');
});

test('scan digest run twice in one week queues one digest per person with something to say, with its unsubscribe headers and HTML part', async () => {
  const before = Number(sqlite('SELECT count(*) FROM outbox'));
  const dry = cli(['digest', 'run', '--now', '--dry-run']);
  assert.match(dry.stdout, /1 would be sent/);
  assert.equal(Number(sqlite('SELECT count(*) FROM outbox')), before, 'a dry run stores nothing');
  const first = cli(['digest', 'run', '--now', '--base-url', 'https://scan.example']);
  assert.match(first.stdout, /1 queued/);
  const second = cli(['digest', 'run', '--now', '--base-url', 'https://scan.example']);
  assert.match(second.stdout, /0 queued/);
  assert.equal(Number(sqlite('SELECT count(*) FROM outbox')), before + 1);
  assert.equal(outboxTo('weekly'), '1', 'the weekly follower: one digest');
  assert.equal(outboxTo('bystander'), '0', 'nothing to say: not sent');
  const [subject, headers] = sqlite(`SELECT subject, headers FROM outbox WHERE to_addr = '${EMAIL.weekly}'`).split('|');
  assert.match(subject, /SCAN: .*\d{4}-W\d\d/);
  assert.match(headers, /List-Unsubscribe: <https:\/\/scan\.example\/u\/[A-Za-z0-9_-]{43}>/);
  const html = sqlite(`SELECT html FROM outbox WHERE to_addr = '${EMAIL.weekly}'`);
  assert.match(html, /<!DOCTYPE html>/);
  assert.match(html, /Member M/);
  assert.match(html, /href="https:\/\/scan\.example\/orgs\/cluster-d"/);
  assert.equal(sqlite(`SELECT count(*) FROM notify_event WHERE digest_week IS NULL AND channel = 'weekly'`), '0', 'the event is carried once');
  assert.equal(sqlite(`SELECT count(*) FROM digest_claim WHERE outbox_id IS NOT NULL`), '1');
  // its unsubscribe link turns the digest off
  const token = /\/u\/([A-Za-z0-9_-]{43})>/.exec(headers)[1];
  const r = await new Agent(srv.url).req('POST', `/u/${token}`, { origin: false });
  assert.equal(r.status, 200);
  assert.match(prefs('weekly'), /digest=never/);
});

test('the job inside the server sends when due, and a second process finds the week claimed', async () => {
  // something for the representative: a new proposal waiting for M
  sqlite(`INSERT INTO cluster_member_proposal(cluster_id, org_id, joined_on, proposed_at)
    VALUES (${ids['cluster-c']}, ${ids['member-m']}, '2025-01-01', 0)`);
  const job = await startServer({ dbPath: db, env: { SCAN_DIGEST_OFF: '0' }, args: ['--digest-weekday', '1', '--digest-hour', '0'] });
  try {
    const deadline = Date.now() + 20000;
    while (outboxTo('rep') === '0' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(outboxTo('rep'), '1', 'the job queued the representative\'s digest');
    assert.match(sqlite(`SELECT body FROM outbox WHERE to_addr = '${EMAIL.rep}'`), /Cluster C/);
    assert.match(sqlite(`SELECT headers FROM outbox WHERE to_addr = '${EMAIL.rep}'`), new RegExp(`List-Unsubscribe: <http://127\\.0\\.0\\.1:${job.port}/u/`), 'links carry the real port');
    const again = cli(['digest', 'run', '--now']);
    assert.match(again.stdout, /0 queued/);
    assert.equal(outboxTo('rep'), '1', 'sent once');
  } finally {
    const { code } = await job.stop({ keep: true });
    assert.equal(code, 0);
  }
});
