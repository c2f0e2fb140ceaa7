// newsletter.test.mjs: subscribers and the newsletter (issue 17). Double
// opt-in through the outbox link; an invalid address and a second
// subscription get a clear answer and store nothing; an unconfirmed
// address expires after 7 days and is never mailed; an account opts in on
// its settings page; the secretariat composes, previews in both languages
// and sends; every mail carries RFC 8058 headers and its one-click link
// works once without login; the pages per role; only the secretariat sees
// addresses.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scanIn, sqliteIn, CookieAgent } from './lib.mjs';

const PW = 'newsletter pass phrase';
const EMAIL = {
  admin: 'admin.l@example.com', editor: 'editor.l@example.com', manager: 'manager.l@example.com',
  member: 'member.l@example.com',
};
let dir, db, srv;
const sqlite = (sql) => sqliteIn(db, sql);
const subs = (where = '1 = 1') => Number(sqlite(`SELECT count(*) FROM news_subscriber WHERE ${where}`));
const mails = (to) => Number(sqlite(`SELECT count(*) FROM outbox WHERE to_addr = '${to}'`));

async function as(role) {
  const a = new CookieAgent(srv.url);
  if (role === 'public') {
    // a visitor's forms carry the pre-session token the page sets
    const m = /name="_csrf" value="([^"]+)"/.exec((await a.get('/newsletter')).text);
    if (m) a.csrf = m[1];
    return a;
  }
  const r = await a.post('/login', { email: EMAIL[role], password: PW });
  assert.equal(r.status, 303, `login ${role}`);
  a.csrf = /name="_csrf" value="([^"]+)"/.exec((await a.get('/account')).text)[1];
  return a;
}

// Polls fn() until it is truthy, for at most ms.
async function until(fn, ms = 20000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-nl-'));
  db = join(dir, 'scan.db');
  scanIn(db, ['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-c', 'Cluster C', 'cluster', 'published', 0, 0, 'cluster c'),
    ('member-m', 'Member M', 'company', 'published', 0, 0, 'member m')`);
  const add = (email, extra = []) => scanIn(db, ['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', ...extra], `${PW}\n`);
  add(EMAIL.admin, ['--admin']);
  add(EMAIL.editor, ['--editor']);
  add(EMAIL.manager);
  add(EMAIL.member);
  scanIn(db, ['user', 'role', EMAIL.manager, 'manager', '--org', 'cluster-c']);
  scanIn(db, ['user', 'role', EMAIL.member, 'representative', '--org', 'member-m']);
  sqlite(`INSERT INTO news(slug, title_sr, lead_sr, body_sr, title_en, lead_en, body_en, topic, status,
    publish_at, created_at, updated_at) VALUES ('nl-news', 'Вест за билтен', 'Увод', 'Текст', 'News for the
    newsletter', 'Lead', 'Text', 'policy', 'published', CAST(strftime('%s', 'now') AS INTEGER) - 3600, 0, 0)`);
  srv = await startServer({ dbPath: db });
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0);
});

const confirmLink = (to) => /\/newsletter\/confirm\/([A-Za-z0-9_-]{43})/.exec(
  sqlite(`SELECT body FROM outbox WHERE to_addr = '${to}' ORDER BY id DESC LIMIT 1`))[1];

test('an invalid address: a clear message beside the field, nothing stored', async () => {
  const p = await as('public');
  for (const email of ['not an address', 'a@b', '', 'x@example.com\r\nBcc: y@example.com']) {
    const r = await p.post('/newsletter/subscribe', { email });
    assert.equal(r.status, 422, `'${email}'`);
    assert.match(r.text, /Write one e-mail address/);
    assert.match(r.text, /field-invalid/);
  }
  assert.equal(subs(), 0);
  assert.equal(Number(sqlite('SELECT count(*) FROM outbox')), 0);
});

test('double opt-in: the link confirms once; a second subscription changes nothing', async () => {
  const p = await as('public');
  let r = await p.post('/newsletter/subscribe', { email: 'Reader@Example.com' });
  assert.equal(r.status, 200);
  assert.match(r.text, /we mailed you a link/);
  assert.equal(subs("email = 'reader@example.com' AND confirmed_at IS NULL"), 1);
  assert.equal(mails('reader@example.com'), 1);
  // the client's hourly allowance (audit rows from its address) is spent
  // alike by a new address and by one on the list, else how long it lasts
  // would tell which addresses are listed
  const spent = () => Number(sqlite("SELECT count(*) FROM audit WHERE action = 'newsletter_subscribe'"));
  let before = spent();
  const fresh = await p.post('/newsletter/subscribe', { email: 'unknown-reader@example.com' });
  assert.equal(spent(), before + 1, 'a new address spends one');
  before = spent();
  r = await p.post('/newsletter/subscribe', { email: 'reader@example.com' });
  assert.equal(r.status, 200);
  assert.equal(spent(), before + 1, 'a listed address spends one too');
  // answered exactly as a new address: the list is not disclosed
  const main = (t) => /<main[\s\S]*<\/main>/.exec(t)?.[0];
  assert.doesNotMatch(r.text, /already/);
  assert.equal(main(r.text), main(fresh.text));
  assert.equal(subs("email = 'reader@example.com'"), 1, 'nothing new stored');
  assert.equal(mails('reader@example.com'), 1, 'no second mail');
  const token = confirmLink('reader@example.com');
  r = await p.get(`/newsletter/confirm/${token}`);
  assert.equal(r.status, 200);
  p.csrf = /name="_csrf" value="([^"]+)"/.exec(r.text)?.[1] || p.csrf;
  assert.equal(subs('confirmed_at IS NOT NULL'), 0, 'opening the link (a mail scanner) confirms nothing');
  r = await p.post(`/newsletter/confirm/${token}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /your subscription is confirmed/);
  assert.equal(subs("email = 'reader@example.com' AND confirmed_at IS NOT NULL"), 1);
  r = await p.post(`/newsletter/confirm/${token}`);
  assert.equal(r.status, 404, 'the link works once');
  const outbox = Number(sqlite('SELECT count(*) FROM outbox'));
  r = await p.post('/newsletter/subscribe', { email: 'reader@example.com' });
  assert.equal(r.status, 200);
  assert.match(r.text, /we mailed you a link/);
  assert.doesNotMatch(r.text, /already/);
  assert.equal(Number(sqlite('SELECT count(*) FROM outbox')), outbox, 'a confirmed address is mailed nothing');
});

test('an unconfirmed address expires after 7 days and is never mailed', async () => {
  const p = await as('public');
  await p.post('/newsletter/subscribe', { email: 'late@example.com' });
  const token = confirmLink('late@example.com');
  sqlite("UPDATE news_subscriber SET created_at = created_at - 8 * 86400 WHERE email = 'late@example.com'");
  const r = await p.post(`/newsletter/confirm/${token}`);
  assert.equal(r.status, 410);
  assert.match(r.text, /older than 7 days/);
  assert.equal(subs("email = 'late@example.com' AND confirmed_at IS NULL"), 1);
  // subscribing again after expiry starts afresh (a new link)
  await p.post('/newsletter/subscribe', { email: 'late@example.com' });
  assert.equal(mails('late@example.com'), 2);
  sqlite("UPDATE news_subscriber SET created_at = created_at - 8 * 86400 WHERE email = 'late@example.com'");
});

test('an account opts in with a language on its settings page, and out again', async () => {
  const m = await as('member');
  let page = await m.get('/account/notifications');
  assert.match(page.text, /id="newsletter"/);
  let r = await m.post('/account/newsletter', { newsletter: 'bogus' });
  assert.equal(r.status, 422);
  r = await m.post('/account/newsletter', { newsletter: 'en' });
  assert.equal(r.status, 303);
  assert.equal(subs(`email = '${EMAIL.member}' AND lang = 'en' AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL`), 1);
  page = await m.get('/account/notifications');
  assert.match(page.text, /value="en" checked/);
  r = await m.post('/account/newsletter', { newsletter: 'off' });
  assert.equal(subs(`email = '${EMAIL.member}' AND unsubscribed_at IS NOT NULL`), 1);
  r = await m.post('/account/newsletter', { newsletter: 'sr-Latn' });
  assert.equal(subs(`email = '${EMAIL.member}' AND lang = 'sr-Latn' AND unsubscribed_at IS NULL`), 1);
});

test('the secretariat pages for every role; addresses only for the secretariat', async () => {
  const want = { public: [303, 401], member: [403], manager: [403], editor: [200], admin: [200] };
  for (const [role, codes] of Object.entries(want)) {
    const a = await as(role);
    const r = await a.get('/admin/newsletter');
    assert.ok(codes.includes(r.status), `${role} /admin/newsletter: ${r.status}`);
    if (r.status === 200) assert.match(r.text, /reader@example.com/);
    else assert.doesNotMatch(r.text, /reader@example.com/);
    const pub = await a.get('/newsletter');
    assert.equal(pub.status, 200);
    assert.doesNotMatch(pub.text, /reader@example.com/);
  }
  const r = await (await as('manager')).post('/admin/newsletter', { subject_sr: 'x', subject_en: 'x', intro_sr: 'x', intro_en: 'x' });
  assert.equal(r.status, 403);
  assert.equal(Number(sqlite('SELECT count(*) FROM newsletter_issue')), 0);
});

test('compose, preview in both languages, send once through the outbox; the unsubscribe link works once', async () => {
  const a = await as('editor');
  let r = await a.post('/admin/newsletter', { subject_sr: '', subject_en: 'Issue', intro_sr: '', intro_en: 'Hello' });
  assert.equal(r.status, 422);
  assert.equal(Number(sqlite('SELECT count(*) FROM newsletter_issue')), 0);
  r = await a.post('/admin/newsletter', {
    subject_sr: 'Билтен 1', subject_en: 'Newsletter 1', intro_sr: 'Драги читаоци, **добро дошли**.', intro_en: 'Dear readers, **welcome**. <script>x</script>',
  });
  assert.equal(r.status, 303);
  const path = r.location;
  const pv = await a.get(path);
  assert.equal(pv.status, 200);
  assert.match(pv.text, /<strong>добро дошли<\/strong>/);
  assert.match(pv.text, /<strong>welcome<\/strong>/);
  assert.doesNotMatch(pv.text, /<script>x/);
  assert.match(pv.text, /Вест за билтен/, 'the news section (Serbian)');
  assert.match(pv.text, /News for the\s+newsletter/, 'the news section (English)');
  assert.doesNotMatch(pv.text, /Calls closing soon|Upcoming events/, 'empty sections are absent');
  const id = path.split('/').pop();
  r = await a.post(`${path}/send`);
  assert.equal(r.status, 303);
  r = await a.post(`${path}/send`);
  assert.equal(r.status, 409, 'sent only once');
  // confirmed subscribers: the reader and the member's account; never the expired address
  assert.equal(Number(sqlite(`SELECT count(*) FROM newsletter_delivery WHERE issue_id = ${id}`)), 2);
  await until(() => sqlite(`SELECT status FROM newsletter_issue WHERE id = ${id}`) === 'sent', 20000, 'the issue sent');
  const rows = sqlite(`SELECT o.to_addr || '|' || o.subject FROM newsletter_delivery d JOIN outbox o ON o.id = d.outbox_id WHERE d.issue_id = ${id} ORDER BY 1`).split('\n');
  assert.deepEqual(rows, [`${EMAIL.member}|Bilten 1`, 'reader@example.com|Newsletter 1'],
    'each in the language chosen: the member sr-Latn, the reader the English of the page they subscribed on');
  assert.equal(mails('late@example.com'), 2, 'the expired address got only its confirmation links');
  const hdr = sqlite("SELECT headers FROM outbox WHERE to_addr = 'reader@example.com' AND subject = 'Newsletter 1'");
  assert.match(hdr, /List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\/newsletter\/u\/[A-Za-z0-9_-]{43}>/);
  assert.match(hdr, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
  const token = /\/newsletter\/u\/([A-Za-z0-9_-]{43})/.exec(hdr)[1];
  const body = sqlite("SELECT body FROM outbox WHERE to_addr = 'reader@example.com' AND subject = 'Newsletter 1'");
  assert.ok(body.includes(`/newsletter/u/${token}`), 'the link is in the text too');
  const prog = await a.get(path);
  assert.match(prog.text, /data-n="total">2</);
  // one-click unsubscribe: a POST without cookie or CSRF token, once
  const res = await fetch(`${srv.url}/newsletter/u/${token}`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click', redirect: 'manual',
  });
  assert.equal(res.status, 200);
  await res.text();
  assert.equal(subs("email = 'reader@example.com' AND unsubscribed_at IS NOT NULL"), 1);
  const again = await fetch(`${srv.url}/newsletter/u/${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
  assert.equal(again.status, 404, 'the link works once');
  await again.text();
  assert.ok(Number(sqlite("SELECT count(*) FROM audit WHERE action = 'newsletter_unsubscribe'")) === 1);
});

test('one client causes at most 10 confirmation mails an hour: then a 429 that says when, nothing stored or mailed', async () => {
  const p = await as('public');
  // the earlier tests' mails count too (the same client address)
  const sent = () => Number(sqlite(`SELECT count(*) FROM audit WHERE action = 'newsletter_subscribe'
    AND at > CAST(strftime('%s', 'now') AS INTEGER) - 3600`));
  const left = 10 - sent();
  assert.ok(left > 0 && left <= 10, `${left} left`);
  for (let i = 0; i < left; i++) {
    const r = await p.post('/newsletter/subscribe', { email: `flood${i}@example.com` });
    assert.equal(r.status, 200, `mail ${i + 1}`);
    assert.match(r.text, /we mailed you a link/);
  }
  const outbox = Number(sqlite('SELECT count(*) FROM outbox'));
  const before = subs();
  for (const email of ['flood-more@example.com', 'another@example.com']) {
    const r = await p.post('/newsletter/subscribe', { email });
    assert.equal(r.status, 429, email);
    assert.match(r.headers.get('retry-after'), /^\d+$/);
    assert.ok(Number(r.headers.get('retry-after')) > 0 && Number(r.headers.get('retry-after')) <= 3600);
    assert.match(r.text, /Too many confirmation mails have gone out from your connection or to this address\. Try again in \d+ minutes?\./);
    assert.match(r.text, /field-invalid/, 'beside the field');
    assert.match(r.text, new RegExp(`value="${email}"`), 'the address kept in the form');
  }
  assert.equal(Number(sqlite('SELECT count(*) FROM outbox')), outbox, 'no mail');
  assert.equal(subs(), before, 'nothing stored');
  // an address already waiting gets the same 429 as a new one (the answer
  // does not tell whether an address is on the list), and no mail
  const r = await p.post('/newsletter/subscribe', { email: 'flood0@example.com' });
  assert.equal(r.status, 429);
  assert.match(r.text, /Too many confirmation mails/);
  assert.equal(mails('flood0@example.com'), 1);
  // in Serbian too
  const sr = await p.post('/newsletter/subscribe?lang=sr', { email: 'jos@example.com' });
  assert.equal(sr.status, 429);
  assert.match(sr.text, /превише порука за потврду/);
});
