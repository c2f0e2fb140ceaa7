// intro_review.test.mjs: what a new-user review of issue 13's introductions
// found, against the real binary: the weekly digest lists only the requests
// that can still be answered (pending, on an open post: checked when the
// digest is made, not when the request was), an acceptance shows at once on
// the requester's start page ("write to them") until someone writes in the
// thread, and "My posts" counts each post's interest waiting for an answer
// with a link to the post's list of it. Everybody keeps the default
// (weekly) notification settings.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, loginAgent, scanIn, sqliteIn } from './lib.mjs';

const PW = 'intro review phrase 2026';
const USERS = {
  repA: ['rep.a@example.com', 'metal-a'], // the posts are its
  repB: ['rep.b@example.com', 'soft-b'], // asks; accepted
  repC: ['rep.c@example.com', 'far-c'], // asks; declined
  repD: ['rep.d@example.com', 'data-d'], // asks; still pending
  repE: ['rep.e@example.com', 'eco-e'], // asks on the post that gets closed
};

let dir;
let db;
let srv;
const as = {};
const posts = {};

const sqlite = (sql) => sqliteIn(db, sql);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"')
  .replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const dayFromNow = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
const iidOf = (who, post) => sqlite(`SELECT i.id FROM post_interest i JOIN person p ON p.id = i.person_id
  WHERE p.email = '${USERS[who][0]}' AND i.post_id = ${posts[post]}`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-intro-review-'));
  db = join(dir, 'scan.db');
  scanIn(db, ['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('metal-a', 'Metal A', 'company', 'published', 0, 0, 'metal a'),
    ('soft-b', 'Soft B', 'company', 'published', 0, 0, 'soft b'),
    ('far-c', 'Far C', 'company', 'published', 0, 0, 'far c'),
    ('data-d', 'Data D', 'company', 'published', 0, 0, 'data d'),
    ('eco-e', 'Eco E', 'company', 'published', 0, 0, 'eco e');`);
  for (const [key, [email, org]] of Object.entries(USERS)) {
    scanIn(db, ['user', 'add', email, '--name', `User ${key}`, '--password-stdin'], `${PW}\n`);
    scanIn(db, ['user', 'role', email, 'representative', '--org', org]);
  }
  // someone who speaks for no organisation, and the secretariat
  scanIn(db, ['user', 'add', 'lone@example.com', '--name', 'User lone', '--password-stdin'], `${PW}\n`);
  scanIn(db, ['user', 'add', 'editor@example.com', '--name', 'User editor', '--password-stdin', '--editor'], `${PW}\n`);
  srv = await startServer({ dbPath: db });
  as.lone = await loginAgent(srv.url, 'lone@example.com', PW);
  as.editor = await loginAgent(srv.url, 'editor@example.com', PW);
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await loginAgent(srv.url, email, PW);
  for (const [key, title] of [['stays', 'Embedded firmware partner'], ['closes', 'Laser cutting capacity']]) {
    const r = await as.repA.post('/cooperation', {
      org: sqlite("SELECT id FROM org WHERE slug = 'metal-a'"), kind: 'request', topic: 'technology',
      lang: 'en', title, body: 'We need a partner for this.', nace: '26', geo: 'R-VO',
      valid_until: dayFromNow(60), visibility: 'public',
    });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    posts[key] = /\/cooperation\/(\d+)/.exec(r.location)[1];
  }
  for (const who of ['repB', 'repC', 'repD'])
    assert.equal((await as[who].post(`/cooperation/${posts.stays}/interest`, { message: `We are ${who}.` })).status, 303);
  assert.equal((await as.repE.post(`/cooperation/${posts.closes}/interest`, { message: 'We cut steel.' })).status, 303);
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('an acceptance shows at once on the requester\'s start page, linking the thread, until someone writes in it', async () => {
  assert.equal((await as.repA.post(`/cooperation/interest/${iidOf('repB', 'stays')}/accept`)).status, 303);
  const iid = iidOf('repB', 'stays');
  const start = await as.repB.get('/start?lang=en');
  assert.match(text(start.text), /User repA accepted your introduction to "Embedded firmware partner": write to them/);
  assert.match(start.text, new RegExp(`href="/cooperation/${posts.stays}#interest-${iid}"`));
  const cyr = await as.repB.get('/start?lang=sr');
  assert.match(text(cyr.text), /прихватио ваше упознавање/);
  // nobody else is told so
  assert.doesNotMatch(text((await as.repD.get('/start?lang=en')).text), /accepted your introduction/);
  // once the requester writes, the line has done its work
  const w = await as.repB.post(`/cooperation/${posts.stays}/interest/${iid}/messages`, { message: 'Hello, when can we meet?' });
  assert.equal(w.status, 303);
  assert.doesNotMatch(text((await as.repB.get('/start?lang=en')).text), /accepted your introduction/);
});

test('the interest form says where contacts are shown, not that they are mailed', async () => {
  const page = text((await as.repD.get(`/cooperation/${posts.closes}?lang=en`)).text);
  assert.match(page, /both sides see each other's contact details on the post's page/);
});

test('My posts counts each post\'s interest waiting for an answer, linking the post\'s list of it', async () => {
  const mine = await as.repA.get('/cooperation/mine?lang=en');
  assert.equal(mine.status, 200);
  // stays: B accepted, C and D pending; closes: E pending
  assert.match(mine.text, new RegExp(`<a href="/cooperation/${posts.stays}#interests">Interest waiting for your answer: 2</a>`));
  assert.match(mine.text, new RegExp(`<a href="/cooperation/${posts.closes}#interests">Interest waiting for your answer: 1</a>`));
  const view = await as.repA.get(`/cooperation/${posts.stays}?lang=en`);
  assert.match(view.text, /id="interests"/);
  // the requester side has no such count
  assert.doesNotMatch((await as.repB.get('/cooperation/mine?lang=en')).text, /#interests"/);
});

test('the digest lists only requests still to be answered: not accepted, declined, or on a closed post', async () => {
  assert.equal((await as.repA.post(`/cooperation/interest/${iidOf('repC', 'stays')}/decline`)).status, 303);
  assert.equal((await as.repA.post(`/cooperation/${posts.closes}/close`, { reason: 'no_longer_needed' })).status, 303);
  // every request made a weekly event for the post's side
  assert.equal(sqlite(`SELECT count(*) FROM notify_event e JOIN person p ON p.id = e.person_id
    WHERE p.email = '${USERS.repA[0]}' AND e.kind = 'post_interest' AND e.channel = 'weekly'`), '4');
  const run = scanIn(db, ['digest', 'run', '--now', '--base-url', 'https://scan.example']);
  assert.match(run.stdout, /queued/);
  const body = sqlite(`SELECT body FROM outbox WHERE to_addr = '${USERS.repA[0]}' AND subject LIKE 'SCAN:%' ORDER BY id DESC LIMIT 1`);
  assert.match(body, /User repD is interested in your post "Embedded firmware partner"/, 'the pending one');
  assert.doesNotMatch(body, /User repB is interested/, 'accepted already');
  assert.doesNotMatch(body, /User repC is interested/, 'declined already');
  assert.doesNotMatch(body, /User repE is interested/, 'its post is closed');
  // the accepted requester hears of the answer in the digest as information
  const toB = sqlite(`SELECT body FROM outbox WHERE to_addr = '${USERS.repB[0]}' AND subject LIKE 'SCAN:%' ORDER BY id DESC LIMIT 1`);
  assert.match(toB, /Embedded firmware partner/);
  // the settled ones are carried without a line: nothing waits for next week
  assert.equal(sqlite(`SELECT count(*) FROM notify_event WHERE digest_week IS NULL AND channel = 'weekly'`), '0');
});

test('someone who speaks for no organisation gets why and how instead of dead buttons, and keeps a typed message', async () => {
  const board = await as.lone.get('/cooperation?lang=en');
  assert.equal(board.status, 200);
  assert.doesNotMatch(board.text, /href="\/cooperation\/new"/);
  assert.doesNotMatch(board.text, /class="button button-secondary" href="\/cooperation\/mine"/);
  const mine = await as.lone.get('/cooperation/mine?lang=en');
  assert.doesNotMatch(mine.text, /href="\/cooperation\/new"/);
  assert.match(text(mine.text), /open to people who speak for one/);
  assert.match(text(board.text), /open to people who speak for one/);
  const view = await as.lone.get(`/cooperation/${posts.stays}?lang=en`);
  assert.doesNotMatch(view.text, /action="\/cooperation\/\d+\/interest"/, 'no form that would be refused');
  assert.match(text(view.text), /open to people who speak for one/);
  // a form sent anyway (an old page): refused, the text on the page to copy
  const r = await as.lone.post(`/cooperation/${posts.stays}/interest?lang=en`, { message: 'We make <sensors> for you.' });
  assert.equal(r.status, 403);
  assert.match(r.text, /<textarea id="kept"[^>]*readonly>We make &lt;sensors&gt; for you\.<\/textarea>/);
  assert.match(r.text, new RegExp(`href="/cooperation/${posts.stays}"`));
  // a representative still has both buttons
  assert.match((await as.repA.get('/cooperation?lang=en')).text, /href="\/cooperation\/new"/);
});

test('a single report reaches the secretariat\'s start page with its count; three are marked repeated', async () => {
  assert.equal((await as.repB.post(`/cooperation/${posts.stays}/report`, { reason: 'odd' })).status, 303);
  let start = text((await as.editor.get('/start?lang=en')).text);
  assert.match(start, /Reported posts/);
  assert.match(start, /Embedded firmware partner \(1 reports\)/);
  assert.doesNotMatch(start, /repeated reports/);
  for (const who of ['repC', 'repD'])
    assert.equal((await as[who].post(`/cooperation/${posts.stays}/report`, {})).status, 303);
  start = text((await as.editor.get('/start?lang=en')).text);
  assert.match(start, /Embedded firmware partner \(3 reports\) repeated reports/);
});

test('a closed post offers no report; its edit page leads back to it; closing is a second step', async () => {
  const closed = await as.repB.get(`/cooperation/${posts.closes}?lang=en`);
  assert.doesNotMatch(closed.text, /\/report"/);
  const edit = await as.repA.get(`/cooperation/${posts.closes}/edit?lang=en`);
  assert.equal(edit.status, 409);
  assert.match(edit.text, new RegExp(`<a href="/cooperation/${posts.closes}">Back to the post</a>`));
  const open = await as.repA.get(`/cooperation/${posts.stays}?lang=en`);
  assert.match(open.text, /<details class="post-action"><summary>Close this post<\/summary><p>A closed post leaves the board/);
});
