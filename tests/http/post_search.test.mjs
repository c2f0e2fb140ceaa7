// post_search.test.mjs: the end of issue 13 against the real binary.
//
// Keyword search on the cooperation board (/cooperation?q=, the API's q
// and the Atom feed's): folded like the directory search, so a Cyrillic
// query finds a Latin post and back, each word a prefix; bad words get a
// clear 400 with the message beside the field; a saved search is the
// words plus the facets (stored, shown in words, matched by the digest).
// Notification defaults: interest and answers wait for the weekly digest,
// which carries them once in its "Introductions" section; thread messages
// still go out at once; a person who chose "immediately" is mailed at once.
//
// Fixture: Soft B (cluster K2) offers embedded firmware in Latin; Metal A
// (cluster K1) asks in Cyrillic for a partner in Niš; a reader with no
// organisation; Far C, whose representative expresses interest.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scanIn, sqliteIn, loginAgent } from './lib.mjs';

const PW = 'board search pass phrase 2026';
let dir;
let db;
let srv;
const as = {};
const sqlite = (sql) => sqliteIn(db, sql);
const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);
const orgId = (slug) => sqlite(`SELECT id FROM org WHERE slug = '${slug}'`);
const results = (html) => [...html.matchAll(/<h3 class="post-title"><a href="\/cooperation\/(\d+)"/g)].map((m) => m[1]);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const digestRun = () => scanIn(db, ['digest', 'run', '--now', '--base-url', 'https://scan.example']);
const mailsTo = (email) => Number(sqlite(`SELECT count(*) FROM outbox WHERE to_addr = '${email}'`));

const USERS = {
  repA: 'rep.a@example.com',
  repB: 'rep.b@example.com',
  repC: 'rep.c@example.com',
  reader: 'reader@example.com',
};
let latin; // Soft B's offer, written in Latin
let cyr;   // Metal A's request, written in Cyrillic

async function publish(who, post) {
  const r = await as[who].post('/cooperation', {
    topic: 'technology', valid_until: day(60), visibility: 'public', ...post,
  });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  return /\/cooperation\/(\d+)/.exec(r.location)[1];
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-postsearch-'));
  db = join(dir, 'scan.db');
  scanIn(db, ['init']);
  sqlite(`INSERT INTO org(slug, name, name_en, kind, status, created_at, updated_at, name_folded) VALUES
    ('k1', 'Кластер металаца Војводине', 'Vojvodina Metal Cluster', 'cluster', 'published', 0, 0, 'klaster metalaca vojvodine'),
    ('k2', 'Нишки кластер', 'Aardvark Niš Cluster', 'cluster', 'published', 0, 0, 'niski klaster'),
    ('metal-a', 'Metal A', NULL, 'company', 'published', 0, 0, 'metal a'),
    ('soft-b', 'Soft B', NULL, 'company', 'published', 0, 0, 'soft b'),
    ('far-c', 'Far C', NULL, 'company', 'published', 0, 0, 'far c');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2018-01-01' FROM org c, org m WHERE c.slug = 'k1' AND m.slug = 'metal-a';
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2018-01-01' FROM org c, org m WHERE c.slug = 'k2' AND m.slug = 'soft-b';`);
  for (const email of Object.values(USERS))
    scanIn(db, ['user', 'add', email, '--name', email.split('@')[0], '--password-stdin'], `${PW}\n`);
  scanIn(db, ['user', 'role', USERS.repA, 'representative', '--org', 'metal-a']);
  scanIn(db, ['user', 'role', USERS.repB, 'representative', '--org', 'soft-b']);
  scanIn(db, ['user', 'role', USERS.repC, 'representative', '--org', 'far-c']);
  srv = await startServer({ dbPath: db });
  for (const [key, email] of Object.entries(USERS)) as[key] = await loginAgent(srv.url, email, PW);
  latin = await publish('repB', {
    org: orgId('soft-b'), kind: 'offer', lang: 'sr-Latn', nace: '26', geo: 'R-JI',
    title: 'Ugrađeni firmver za senzore', body: 'Razvijamo firmver; tim u Nišu.',
  });
  cyr = await publish('repA', {
    org: orgId('metal-a'), kind: 'request', lang: 'sr-Cyrl', nace: '25', geo: 'R-VO',
    title: 'Партнер за заваривање', body: 'Тражимо партнера из Ниша за роботско заваривање.',
  });
});

after(async () => {
  if (srv.proc.exitCode !== null || srv.proc.signalCode) console.log(srv.proc.signalCode, srv.log().slice(-6000));
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('the board finds posts by their words in any script: Cyrillic finds Latin and back, prefixes, every word', async () => {
  const board = async (q) => {
    const r = await fetch(`${srv.url}/cooperation?q=${encodeURIComponent(q)}&lang=en`);
    assert.equal(r.status, 200, q);
    return results(await r.text());
  };
  assert.deepEqual(await board('фирмвер'), [latin], 'Cyrillic finds the Latin post');
  assert.deepEqual(await board('zavarivanje'), [cyr], 'Latin finds the Cyrillic post');
  assert.deepEqual(await board('Niš'), [cyr, latin], 'both, newest first');
  assert.deepEqual(await board('nis'), [cyr, latin], 'without the diacritic');
  assert.deepEqual(await board('НИШ СЕНЗ'), [latin], 'every word, each a prefix');
  assert.deepEqual(await board('welding'), [], 'no translation is invented');
  // with a facet: Niš and offers only; the facets count the matching posts
  const r = await fetch(`${srv.url}/cooperation?q=nis&kind=offer&lang=en`);
  const html = await r.text();
  assert.deepEqual(results(html), [latin]);
  assert.match(html, /<option value="request">Requests? \(1\)<\/option>/, 'the kind facet counts matching requests');
  assert.match(html, /<input type="search" id="f-q" name="q" value="nis"/, 'the words stay in the field');
  assert.match(text(html), /Words: “nis”/, 'a chip shows the words');
  // an unknown word shows nothing and says so
  assert.match(text(await (await fetch(`${srv.url}/cooperation?q=zzzqx&lang=en`)).text()), /No open posts/i);
  // canonical URLs: an empty q is dropped
  const red = await fetch(`${srv.url}/cooperation?q=&kind=offer`, { redirect: 'manual' });
  assert.equal(red.status, 303);
  assert.equal(red.headers.get('location'), '/cooperation?kind=offer');
});

test('the API and the Atom feed take the same q', async () => {
  const api = await (await fetch(`${srv.url}/api/v1/posts?q=${encodeURIComponent('фирмв')}`)).json();
  assert.deepEqual(api.items.map((p) => String(p.id)), [latin]);
  const both = await (await fetch(`${srv.url}/api/v1/posts?q=nis&sort=closing`)).json();
  assert.equal(both.items.length, 2);
  const feed = await (await fetch(`${srv.url}/cooperation.atom?q=zavar`)).text();
  assert.match(feed, new RegExp(`<id>[^<]*/cooperation/${cyr}</id>`));
  assert.doesNotMatch(feed, new RegExp(`/cooperation/${latin}</id>`));
  assert.match(feed, /<link rel="self" type="application\/atom\+xml" href="[^"]*\/cooperation\.atom\?q=zavar"/);
});

test('bad words get a clear 400: beside the field on the board, in the API and the feed; nothing is saved', async () => {
  const long = 'firmware '.repeat(30);
  for (const [q, msg] of [['?!… --', /at least one letter or digit/], [long, /at most 200 characters/]]) {
    const r = await fetch(`${srv.url}/cooperation?q=${encodeURIComponent(q)}&lang=en`);
    assert.equal(r.status, 400, q);
    const html = await r.text();
    const err = /<p class="field-error" id="f-q-error">(.*?)<\/p>/.exec(html);
    assert.ok(err, 'the message is beside the field');
    assert.match(text(err[1]), msg);
    assert.match(html, /aria-describedby="f-q-hint f-q-error"/);
    assert.equal(results(html).length, 2, 'the board still lists its posts');
    const api = await fetch(`${srv.url}/api/v1/posts?q=${encodeURIComponent(q)}`);
    assert.equal(api.status, 400);
    assert.match((await api.json()).error.message, /q must/);
    const feed = await fetch(`${srv.url}/cooperation.atom?q=${encodeURIComponent(q)}`);
    assert.equal(feed.status, 400);
    const save = await as.reader.post(`/cooperation/save?q=${encodeURIComponent(q)}`);
    assert.equal(save.status, 400);
  }
  // in Serbian too
  const sr = await (await fetch(`${srv.url}/cooperation?q=${encodeURIComponent('!!')}&lang=sr`)).text();
  assert.match(sr, /Унесите бар једно слово или цифру/);
  assert.equal(sqlite('SELECT count(*) FROM notify_topic'), '0');
});

test('a saved search is words plus facets: saved from the board, shown in words, the board says Saved', async () => {
  const page = await as.reader.get('/cooperation?q=firmver&kind=offer&lang=en');
  assert.equal(page.status, 200);
  const m = /<form method="post" action="([^"]*)" class="inline-form">/.exec(page.text.slice(page.text.indexOf('class="save-search"')));
  assert.ok(m, 'a save button');
  const action = m[1].replaceAll('&amp;', '&');
  assert.equal(action, '/cooperation/save?q=firmver&kind=offer&lang=en');
  const r = await as.reader.post(action);
  assert.equal(r.status, 303);
  assert.equal(sqlite(`SELECT query FROM notify_topic`), 'kind=offer&q=firmver', 'stored canonical, with the words');
  assert.match((await as.reader.get('/cooperation?kind=offer&q=firmver&lang=en')).text, /Saved search/);
  assert.doesNotMatch((await as.reader.get('/cooperation?kind=offer&lang=en')).text, /Saved search/, 'without the words it is another search');
  const settings = await as.reader.get('/account/notifications?lang=en');
  assert.match(text(settings.text), /“firmver” · Offers/, 'in words, the words first');
  const sr = await as.reader.get('/account/notifications?lang=sr');
  assert.match(text(sr.text), /„firmver“ · /);
  // its link opens the same board
  const href = /<a href="(\/cooperation\?[^"]*)">[^<]*firmver/.exec(settings.text)[1].replaceAll('&amp;', '&');
  const board = await fetch(`${srv.url}${href}`, { redirect: 'follow' });
  assert.deepEqual(results(await board.text()), [latin]);
});

test('the digest matches the saved words: a new offer with them is listed, one without them is not', async () => {
  const yes = await publish('repA', {
    org: orgId('metal-a'), kind: 'offer', lang: 'en', nace: '33',
    title: 'Firmware audits', body: 'We review firmware (фирмвер) of industrial controllers.',
  });
  const no = await publish('repA', {
    org: orgId('metal-a'), kind: 'offer', lang: 'en', nace: '33',
    title: 'Laser cutting', body: 'Sheet metal up to 20 mm.',
  });
  const run = digestRun();
  assert.equal(run.status, 0, run.stderr);
  const html = sqlite(`SELECT group_concat(html, '') FROM outbox WHERE to_addr = '${USERS.reader}'`);
  assert.match(html, new RegExp(`/cooperation/${yes}"`), 'the offer with the words');
  assert.doesNotMatch(html, new RegExp(`/cooperation/${no}"`), 'not an offer without them');
  assert.doesNotMatch(html, new RegExp(`/cooperation/${cyr}"`), 'not a request');
});

test('by default interest waits for the weekly digest, in its Introductions section once; thread messages are mailed at once', async () => {
  const post = await publish('repB', {
    org: orgId('soft-b'), kind: 'offer', lang: 'en', nace: '62', title: 'Default channel probe', body: 'Testing help.',
  });
  const before = mailsTo(USERS.repB);
  const sent = await as.repC.post(`/cooperation/${post}/interest`, { message: 'We would like testing help.' });
  assert.equal(sent.status, 303, sent.text.slice(0, 300));
  assert.equal(mailsTo(USERS.repB), before, 'no mail at once: the default is the weekly digest');
  assert.equal(sqlite(`SELECT channel FROM notify_event e JOIN person p ON p.id = e.person_id
    WHERE p.email = '${USERS.repB}' AND e.kind = 'post_interest'`), 'weekly');
  const settings = await as.repB.get('/account/notifications?lang=en');
  assert.match(settings.text, /name="kind_post_interest" value="weekly" checked/);
  assert.match(settings.text, /name="kind_post_message" value="immediate" checked/);
  const run = digestRun();
  assert.equal(run.status, 0, run.stderr);
  const mail = sqlite(`SELECT body FROM outbox WHERE to_addr = '${USERS.repB}' ORDER BY id DESC LIMIT 1`);
  const times = (s, sub) => s.split(sub).length - 1;
  assert.equal(times(mail, 'Introductions'), 1, 'one Introductions section');
  assert.equal(times(mail, 'Default channel probe'), 1, 'the interest is in it once');
  assert.doesNotMatch(mail, /News you follow/, 'not again among the other news');
  // accepted: the requester hears in the digest too; a thread message goes out at once
  const iid = sqlite(`SELECT id FROM post_interest WHERE post_id = ${post}`);
  assert.equal((await as.repB.post(`/cooperation/interest/${iid}/accept`)).status, 303);
  const c0 = mailsTo(USERS.repC);
  assert.equal(sqlite(`SELECT channel FROM notify_event e JOIN person p ON p.id = e.person_id
    WHERE p.email = '${USERS.repC}' AND e.kind = 'post_interest_answer'`), 'weekly');
  const msg = await as.repB.post(`/cooperation/${post}/interest/${iid}/messages?lang=en`, { message: 'Call us on Monday.' });
  assert.equal(msg.status, 303, msg.text.slice(0, 300));
  assert.equal(mailsTo(USERS.repC), c0 + 1, 'the message is mailed at once');
  // someone who chose "immediately" still gets the mail at once
  sqlite(`INSERT INTO notify_pref(person_id, kind, channel, updated_at)
    SELECT id, 'post_interest', 'immediate', 0 FROM person WHERE email = '${USERS.repA}'`);
  const mine = cyr;
  const a0 = mailsTo(USERS.repA);
  assert.equal((await as.repC.post(`/cooperation/${mine}/interest`, { message: 'We weld too.' })).status, 303);
  assert.equal(mailsTo(USERS.repA), a0 + 1);
});

test('the cluster facet is in the order of the names as shown: English names in English', async () => {
  const order = async (lang) => {
    const html = await (await fetch(`${srv.url}/cooperation?lang=${lang}`)).text();
    const sel = html.slice(html.indexOf('id="f-cluster"'), html.indexOf('</select>', html.indexOf('id="f-cluster"')));
    return [...sel.matchAll(/<option value="(k\d)"/g)].map((m) => m[1]);
  };
  assert.deepEqual(await order('en'), ['k2', 'k1'], 'Aardvark Niš Cluster before Vojvodina Metal Cluster');
  assert.deepEqual(await order('sr'), ['k1', 'k2'], 'Кластер металаца … before Нишки кластер');
});
