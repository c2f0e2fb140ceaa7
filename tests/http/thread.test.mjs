// thread.test.mjs: an introduction's thread (issue 13, "Introductions")
// against the real binary: the requester and the post's representative
// write in it once it is accepted (nothing before, nothing after a
// decline), every role sees it or not (the two sides and the secretariat
// read it; a stranger, a cluster manager of the post's cluster and the
// public see nothing), each reply goes to the other side through notify
// (an outbox mail with List-Unsubscribe and the text), bad input gets its
// message beside the field and stores nothing, the CSRF check, and the
// start page's section of what waits for an answer.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, loginAgent, scanIn, sqliteIn } from './lib.mjs';

const PW = 'thread test phrase 2026';
const USERS = {
  admin: ['admin.t@example.com', ['--admin']],
  editor: ['editor.t@example.com', ['--editor']],
  repA: ['rep.a@example.com', []], // Metal A: the post is its
  repB: ['rep.b@example.com', []], // Soft B: asks
  managerK1: ['manager.k1@example.com', []], // K1, whose member Metal A is
  plain: ['plain.t@example.com', []], // Far C, in no cluster: outside every thread
};

let dir;
let db;
let srv;
const as = {};
let postId;
let iid;

const sqlite = (sql) => sqliteIn(db, sql);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"')
  .replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const dayFromNow = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
const messages = () => Number(sqlite(`SELECT count(*) FROM post_interest_message WHERE interest_id = ${iid}`));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-thread-'));
  db = join(dir, 'scan.db');
  scanIn(db, ['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('k1', 'Vojvodina Metal Cluster', 'cluster', 'published', 0, 0, 'k1'),
    ('metal-a', 'Metal A', 'company', 'published', 0, 0, 'metal a'),
    ('soft-b', 'Soft B', 'company', 'published', 0, 0, 'soft b'),
    ('far-c', 'Far C', 'company', 'published', 0, 0, 'far c');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2018-01-01' FROM org c, org m WHERE c.slug = 'k1' AND m.slug = 'metal-a';`);
  for (const [key, [email, flags]] of Object.entries(USERS))
    scanIn(db, ['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  scanIn(db, ['user', 'role', USERS.repA[0], 'representative', '--org', 'metal-a']);
  scanIn(db, ['user', 'role', USERS.repB[0], 'representative', '--org', 'soft-b']);
  scanIn(db, ['user', 'role', USERS.managerK1[0], 'manager', '--org', 'k1']);
  // an outsider to every thread, who still speaks for an organisation (only
  // such a person may express interest)
  scanIn(db, ['user', 'role', USERS.plain[0], 'representative', '--org', 'far-c']);
  // the two sides chose to hear of introductions immediately (the default
  // is the weekly digest; thread messages are immediate by default)
  sqlite(`INSERT INTO notify_pref(person_id, kind, channel, updated_at)
    SELECT p.id, k.kind, 'immediate', 0 FROM person p,
      (SELECT 'post_interest' AS kind UNION ALL SELECT 'post_interest_answer') k
     WHERE p.email IN ('${USERS.repA[0]}', '${USERS.repB[0]}')`);
  srv = await startServer({ dbPath: db });
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await loginAgent(srv.url, email, PW);
  const r = await as.repA.post('/cooperation', {
    org: sqlite("SELECT id FROM org WHERE slug = 'metal-a'"), kind: 'request', topic: 'technology',
    lang: 'en', title: 'Embedded firmware partner', body: 'We need firmware for our meters.',
    nace: '26', geo: 'R-VO', valid_until: dayFromNow(60), visibility: 'public',
  });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  postId = /\/cooperation\/(\d+)/.exec(r.location)[1];
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

const reply = (who, message, lang = 'en') =>
  as[who].post(`/cooperation/${postId}/interest/${iid}/messages?lang=${lang}`, { message });

test('the request reaches the post side through notify and waits on its start page; nobody writes before acceptance', async () => {
  assert.equal((await as.repB.post(`/cooperation/${postId}/interest`, { message: 'We write <firmware> & drivers.\r\nSince 2015.' })).status, 303);
  iid = sqlite(`SELECT id FROM post_interest WHERE post_id = ${postId}`);
  assert.ok(!sqlite(`SELECT body FROM post_interest_message WHERE interest_id = ${iid}`).includes('\r'), 'CRLF kept as LF');
  const mail = sqlite(`SELECT headers || '|' || body FROM outbox WHERE to_addr = 'rep.a@example.com'`);
  assert.match(mail, /List-Unsubscribe: <http/);
  assert.match(mail, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
  assert.match(mail, /We write <firmware> & drivers\./, 'the message is in the mail');
  const start = await as.repA.get('/start?lang=en');
  assert.match(text(start.text), /Interest in your posts, waiting for your answer/);
  assert.match(start.text, new RegExp(`href="/cooperation/${postId}#interest-${iid}"`));
  assert.doesNotMatch(text((await as.plain.get('/start?lang=en')).text), /waiting for your answer/);
  // before acceptance: no reply from either side, and no form for it
  assert.equal((await reply('repB', 'A follow-up')).status, 409);
  assert.equal((await reply('repA', 'A question')).status, 409);
  assert.equal(messages(), 1);
  const pending = await as.repB.get(`/cooperation/${postId}?lang=en`);
  assert.match(text(pending.text), /You can write to each other here once the organisation accepts/);
  assert.doesNotMatch(pending.text, /\/messages"/);
  // the settings page lists the new kinds
  const settings = text((await as.repA.get('/account/notifications?lang=en')).text);
  assert.match(settings, /Interest in my organisation's posts/);
  assert.match(settings, /Answers to my expressions of interest/);
  assert.match(settings, /Messages in my introductions/);
});

test('after acceptance both sides write; each reply is mailed to the other side with List-Unsubscribe', async () => {
  assert.equal((await as.repA.post(`/cooperation/interest/${iid}/accept`)).status, 303);
  assert.match(sqlite(`SELECT headers || body FROM outbox WHERE to_addr = 'rep.b@example.com'`), /List-Unsubscribe:[^]*rep\.a@example\.com/);
  const a = await reply('repA', 'Welcome!\r\n\r\nCall us on Monday.\r\nAsk for Ana.');
  assert.equal(a.status, 303);
  assert.equal(a.location, `/cooperation/${postId}?done=message#interest-${iid}`);
  const toB = sqlite(`SELECT headers || '|' || body FROM outbox WHERE to_addr = 'rep.b@example.com' ORDER BY id DESC LIMIT 1`);
  assert.match(toB, /List-Unsubscribe: <http/);
  assert.match(toB, /Call us on Monday\./);
  assert.match(toB, /User repA wrote in the introduction about "Embedded firmware partner"/);
  const b = await reply('repB', 'Thanks, we will call.', 'sr-Cyrl');
  assert.equal(b.status, 303);
  assert.match(sqlite(`SELECT body FROM outbox WHERE to_addr = 'rep.a@example.com' ORDER BY id DESC LIMIT 1`), /Thanks, we will call\./);
  assert.equal(sqlite(`SELECT count(*) FROM outbox WHERE to_addr IN ('plain.t@example.com', 'manager.k1@example.com', 'admin.t@example.com', 'editor.t@example.com')`), '0');
  assert.equal(sqlite(`SELECT count(*) FROM audit WHERE action = 'interest_message' AND entity_id = ${iid}`), '2');
  // repB's reply waits on repA's start page
  assert.match(text((await as.repA.get('/start?lang=en')).text), /New message from User repB about "Embedded firmware partner"/);
});

test('the thread is visible to both sides and the secretariat, in order, escaped, in paragraphs; to nobody else', async () => {
  for (const who of ['repA', 'repB']) {
    const page = await as[who].get(`/cooperation/${postId}?lang=en`);
    assert.equal(page.status, 200);
    const i1 = page.text.indexOf('<p>We write &lt;firmware&gt; &amp; drivers.<br>Since 2015.</p>');
    const i2 = page.text.indexOf('<p>Welcome!</p><p>Call us on Monday.<br>Ask for Ana.</p>');
    const i3 = page.text.indexOf('Thanks, we will call.');
    assert.ok(i1 > 0 && i2 > i1 && i3 > i2, `${who}: the messages in order (${i1}, ${i2}, ${i3})`);
    assert.match(page.text, new RegExp(`action="/cooperation/${postId}/interest/${iid}/messages"`), `${who} has a reply form`);
    assert.doesNotMatch(page.text, /<firmware>/);
  }
  for (const who of ['admin', 'editor']) {
    const page = await as[who].get(`/cooperation/${postId}?lang=en`);
    assert.match(page.text, /Call us on Monday\./, `${who} reads the thread`);
    assert.doesNotMatch(page.text, /\/messages"/, `${who} has no reply form`);
  }
  for (const who of ['plain', 'managerK1']) {
    const page = await as[who].get(`/cooperation/${postId}?lang=en`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /Call us on Monday|Thanks, we will call|firmware&gt; &amp; drivers/, `${who} sees nothing`);
  }
  const anon = await (await fetch(`${srv.url}/cooperation/${postId}?lang=en`)).text();
  assert.doesNotMatch(anon, /Call us on Monday|Thanks, we will call/);
  // the Serbian page: the thread's heading in Cyrillic, Belgrade time
  const sr = await as.repB.get(`/cooperation/${postId}?lang=sr-Cyrl`);
  assert.match(sr.text, /Преписка/);
});

test('writing: strangers, the secretariat and the public are refused; another post\'s id is 404; CSRF', async () => {
  const before = messages();
  for (const who of ['plain', 'managerK1', 'admin', 'editor'])
    assert.equal((await reply(who, 'Let me in')).status, 403, who);
  const anon = await fetch(`${srv.url}/cooperation/${postId}/interest/${iid}/messages`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url }, body: 'message=hi',
  });
  assert.ok([401, 403, 303].includes(anon.status), `anonymous: ${anon.status}`);
  assert.equal((await as.repA.post(`/cooperation/${postId}/interest/${Number(iid) + 999}/messages`, { message: 'x' })).status, 404);
  const other = await as.repB.post('/cooperation', {
    org: sqlite("SELECT id FROM org WHERE slug = 'soft-b'"), kind: 'offer', topic: 'technology', lang: 'en',
    title: 'Other post', body: 'Other.', nace: '26', geo: 'R-VO', valid_until: dayFromNow(30), visibility: 'public',
  });
  const otherId = /\/cooperation\/(\d+)/.exec(other.location)[1];
  assert.equal((await as.repA.post(`/cooperation/${otherId}/interest/${iid}/messages`, { message: 'x' })).status, 404);
  // no CSRF token: refused
  const s = as.repA.session;
  const noCsrf = await fetch(`${srv.url}/cooperation/${postId}/interest/${iid}/messages`, {
    method: 'POST', redirect: 'manual',
    headers: { Cookie: s.cookie, Origin: srv.url, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'message=forged',
  });
  assert.equal(noCsrf.status, 403);
  assert.equal(messages(), before, 'nothing stored');
});

test('bad input: empty, too long, control characters: 422 beside the field, nothing stored', async () => {
  const before = messages();
  const fieldErr = (html) => {
    const m = new RegExp(`<p class="field-error" id="reply-${iid}-error">(.*?)</p>`).exec(html);
    return m ? text(m[1]) : null;
  };
  const empty = await reply('repA', '   ');
  assert.equal(empty.status, 422);
  assert.match(fieldErr(empty.text), /required/i);
  const long = await reply('repA', 'x'.repeat(1001));
  assert.equal(long.status, 422);
  assert.match(fieldErr(long.text), /1000/);
  assert.match(long.text, /x{1001}<\/textarea>/, 'what was typed is kept');
  const ctl = await reply('repB', 'bell\u0007');
  assert.equal(ctl.status, 422);
  assert.ok(fieldErr(ctl.text), 'control characters are named beside the field');
  assert.equal(messages(), before);
});

test('a declined introduction has no thread', async () => {
  assert.equal((await as.plain.post(`/cooperation/${postId}/interest`, { message: 'Plain asks.' })).status, 303);
  const did = sqlite(`SELECT id FROM post_interest WHERE post_id = ${postId} AND person_id = (SELECT id FROM person WHERE email = 'plain.t@example.com')`);
  assert.equal((await as.repA.post(`/cooperation/interest/${did}/decline`)).status, 303);
  for (const who of ['plain', 'repA'])
    assert.equal((await as[who].post(`/cooperation/${postId}/interest/${did}/messages?lang=en`, { message: 'Hello?' })).status, 409, who);
  assert.doesNotMatch((await as.plain.get(`/cooperation/${postId}?lang=en`)).text, new RegExp(`interest/${did}/messages`));
});
