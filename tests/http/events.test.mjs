// events.test.mjs: events and trainings over HTTP (web_event.c,
// api_event.c): who may organise, what a bad form answers (its message
// beside the field, nothing stored), registration with a waiting list that
// moves up (the promoted person mailed), concurrent registrations for the
// last places (never more confirmed than the capacity, nobody twice), the
// participants list for the organiser only, the JSON API, and iCalendar
// feeds that a second parser (ical.js, npm) reads with the right instants.
//
// Fixtures: the demo data (scan init --demo) with SCAN ('scan') and its
// founders; a manager of one founder cluster, a person with no
// affiliation, and registrants made with `scan user add`.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import ICAL from 'ical.js';
import { startServer, scan, login, sqliteIn } from './lib.mjs';

const PW = 'events pass phrase 2026';
let srv;
let cluster; // slug of a demo cluster the manager manages
let other;   // slug of another demo cluster
const people = {};

// the sqlite3 shell, or psql in PostgreSQL mode (lib.mjs)
function sqlite(sql) {
  return sqliteIn(srv.db, sql);
}

function addUser(email, extra = []) {
  const r = scan(['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', ...extra,
    '--db', srv.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
}

async function session(email) {
  if (!people[email]) people[email] = await login(srv.url, email, PW);
  return people[email];
}

async function post(s, path, form) {
  const res = await fetch(srv.url + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, Cookie: s.cookie },
    body: new URLSearchParams({ ...form, _csrf: s.csrf }).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function get(path, s) {
  const res = await fetch(srv.url + path, { headers: s ? { Cookie: s.cookie } : {}, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const FORM = (over = {}) => ({
  kind: 'training', organiser: cluster, title_sr: 'Обука за извоз', title_en: 'Export training',
  description_sr: 'Први ред.\n\nДруги пасус <b>не</b> HTML.', starts_at: '2099-03-15T10:00',
  ends_at: '2099-03-15T16:00', place: 'Ниш, Обреновићева 1', language: 'sr', audience: 'everyone',
  capacity: '', ...over,
});

const count = (sql) => Number(sqlite(sql));

before(async () => {
  srv = await startServer({ demo: true });
  [cluster, other] = sqlite("SELECT slug FROM org WHERE kind = 'cluster' AND status = 'published' ORDER BY id LIMIT 2").split('\n');
  addUser('manager@example.com');
  assert.equal(scan(['user', 'role', 'manager@example.com', 'manager', '--org', cluster, '--db', srv.db]).status, 0);
  addUser('nobody@example.com');
  addUser('editor@example.com', ['--editor']);
  for (let i = 1; i <= 8; i++) addUser(`r${i}@example.com`);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a manager organises for their cluster only; a person who represents nothing cannot open the form', async () => {
  const m = await session('manager@example.com');
  const form = await get('/events/new', m);
  assert.equal(form.status, 200);
  assert.match(form.text, new RegExp(`<option value="${cluster}"`));
  assert.doesNotMatch(form.text, new RegExp(`<option value="${other}"`));
  const made = await post(m, '/events', FORM());
  assert.equal(made.status, 303, made.text.slice(0, 500));
  assert.match(made.location, /^\/events\/\d+\?done=saved$/);
  const other_ = await post(m, '/events', FORM({ organiser: other }));
  assert.equal(other_.status, 403);
  const n = await session('nobody@example.com');
  assert.equal((await get('/events/new', n)).status, 403);
  assert.equal((await post(n, '/events', FORM())).status, 403);
  // the page: reader's language, escaped text, JSON-LD, the organiser's links
  const id = made.location.match(/\d+/)[0];
  const page = await get(`/events/${id}?lang=en`, m);
  assert.match(page.text, /<h1>Export training<\/h1>/);
  // no English description: the Serbian one, in Latin letters for English readers
  assert.match(page.text, /Drugi pasus &lt;b&gt;ne&lt;\/b&gt; HTML/);
  const cyr = await get(`/events/${id}?lang=sr-Cyrl`, m);
  assert.match(cyr.text, /<h1>Обука за извоз<\/h1>/);
  assert.match(cyr.text, /<p>Први ред\.<\/p><p>Други пасус &lt;b&gt;не&lt;\/b&gt; HTML\.<\/p>/);
  assert.match(page.text, /"@type":"Event"/);
  assert.match(page.text, new RegExp(`href="/events/${id}/participants"`));
  const pub = await get(`/events/${id}`);
  assert.doesNotMatch(pub.text, /participants/);
  assert.match(pub.text, /href="\/login\?next=\/events\//);
  // someone else cannot edit it or see who registered
  assert.equal((await get(`/events/${id}/edit`, n)).status, 403);
  assert.equal((await get(`/events/${id}/participants`, n)).status, 403);
  assert.equal((await post(n, `/events/${id}`, FORM())).status, 403);
});

test('a description typed in a textarea (CRLF line ends, as browsers send them) is saved as paragraphs', async () => {
  const m = await session('manager@example.com');
  const made = await post(m, '/events', FORM({ description_sr: 'Први пасус.\r\n\r\nДруги пасус.\r\nИ ред.' }));
  assert.equal(made.status, 303, made.text.slice(0, 500));
  const id = made.location.match(/\d+/)[0];
  assert.equal(sqlite(`SELECT description_sr FROM event WHERE id = ${id}`), 'Први пасус.\n\nДруги пасус.\nИ ред.');
  const page = await get(`/events/${id}?lang=sr-Cyrl`, m);
  assert.match(page.text, /<p>Први пасус\.<\/p>\s*<p>Други пасус\.<br>\s*И ред\.<\/p>/);
  // editing it again (the form posts it back with CRLF) saves
  const again = await post(m, `/events/${id}`, FORM({ description_sr: 'Први пасус.\r\n\r\nДруги пасус.', capacity: '6' }));
  assert.equal(again.status, 303, again.text.slice(0, 500));
});

test('a draft entry (a proposal under review) organises nothing and its name leaks through no event surface', async () => {
  const m = await session('manager@example.com');
  // the next id as the model takes it (PostgreSQL's identity sequence is
  // never advanced by the model's explicit ids)
  sqlite(`INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded)
    VALUES ((SELECT max(id) + 1 FROM org), 'zz-draft-org', 'Zz Secret Draft', 'company', 'draft', 0, 0, 'zz secret draft')`);
  const draft = Number(sqlite("SELECT id FROM org WHERE slug = 'zz-draft-org'"));
  const person = Number(sqlite("SELECT id FROM person WHERE email = 'manager@example.com'"));
  sqlite(`INSERT INTO affiliation(person_id, org_id, role, started_at) VALUES (${person}, ${draft}, 'representative', 0)`);
  const form = await get('/events/new', m);
  assert.doesNotMatch(form.text, /zz-draft-org/);
  const made = await post(m, '/events?lang=en', FORM({ organiser: 'zz-draft-org', title_sr: 'Tajni' }));
  assert.equal(made.status, 422);
  assert.equal(count("SELECT count(*) FROM event WHERE title_sr = 'Tajni'"), 0);
  assert.equal((await get('/events.ics?organiser=zz-draft-org')).status, 404);
  assert.equal((await get('/api/v1/events?organiser=zz-draft-org')).status, 404);
  // an event whose organiser is no longer published leaves every public surface
  const ok = await post(m, '/events', FORM({ title_sr: 'Пре повлачења', title_en: 'Before withdrawal' }));
  const id = ok.location.match(/\d+/)[0];
  sqlite(`UPDATE event SET organiser_id = ${draft} WHERE id = ${id}`);
  assert.equal((await get(`/events/${id}`)).status, 404);
  assert.doesNotMatch((await get('/events?lang=en')).text, /Before withdrawal|Zz Secret Draft/);
  assert.doesNotMatch((await get('/events.ics')).text, /Zz Secret Draft|Before withdrawal/);
  assert.equal((await get(`/api/v1/events/${id}`)).status, 404);
});

test('bad input: every field says what to fix, and nothing is stored', async () => {
  const m = await session('manager@example.com');
  const before_ = count('SELECT count(*) FROM event');
  const cases = [
    [{ title_sr: '' }, 'title_sr', /required/i],
    [{ title_sr: 'x'.repeat(201) }, 'title_sr', /at most 200/],
    [{ starts_at: '2001-01-01T10:00', ends_at: '2001-01-01T12:00' }, 'starts_at', /in the future/],
    [{ ends_at: '2099-03-15T09:00' }, 'ends_at', /after the start/],
    [{ starts_at: '2099-02-31T10:00' }, 'starts_at', /for example 2027-03-15 10:00/],
    [{ starts_at: 'tomorrow' }, 'starts_at', /for example/],
    [{ capacity: '0' }, 'capacity', /between 1 and 100,000/],
    [{ capacity: 'ten' }, 'capacity', /whole number/],
    [{ capacity: '1.000' }, 'capacity', /Read as 1000 or as 1\.000/],
    [{ place: '', online_url: '' }, 'place', /address, an online link/],
    [{ online_url: 'javascript:alert(1)' }, 'online_url', /http/],
    [{ kind: 'party' }, 'kind', /./],
    [{ cancel_until: '2099-03-16T10:00' }, 'cancel_until', /not be after the start/],
  ];
  for (const [over, field, msg] of cases) {
    const r = await post(m, '/events?lang=en', FORM(over));
    assert.equal(r.status, 422, `${JSON.stringify(over)}: ${r.status}`);
    const err = new RegExp(`name="${field}"|id="ev-${field.replace('_', '-')}`);
    assert.match(r.text, err, `${field} is on the form again`);
    assert.match(r.text, msg, `${JSON.stringify(over)}: message`);
    assert.match(r.text, /class="field-error"/);
  }
  assert.equal(count('SELECT count(*) FROM event'), before_);
});

test('register, wait, move up when a place frees: the promoted person is mailed', async () => {
  const m = await session('manager@example.com');
  const made = await post(m, '/events', FORM({ capacity: '2', title_sr: 'Мала радионица', title_en: 'Small workshop' }));
  assert.equal(made.status, 303);
  const id = made.location.match(/\d+/)[0];
  const r1 = await session('r1@example.com');
  const r2 = await session('r2@example.com');
  const r3 = await session('r3@example.com');
  assert.match((await post(r1, `/events/${id}/register`, {})).location, /done=registered/);
  assert.match((await post(r2, `/events/${id}/register`, {})).location, /done=registered/);
  assert.match((await post(r3, `/events/${id}/register`, {})).location, /done=waiting/);
  const twice = await post(r3, `/events/${id}/register`, {});
  assert.equal(twice.status, 409);
  assert.match(twice.text, /already registered/);
  const waiting = await get(`/events/${id}?lang=en`, r3);
  assert.match(waiting.text, /on the waiting list, number 1/);
  // the start page lists one's events and where one stands
  const start = await get('/start?lang=en', r3);
  assert.match(start.text, /Your events/);
  assert.match(start.text, new RegExp(`href="/events/${id}">Small workshop</a> · <time[^>]*>[^<]*</time> · Waiting`));
  const mails = count("SELECT count(*) FROM outbox WHERE to_addr = 'r3@example.com'");
  assert.match((await post(r1, `/events/${id}/cancel`, {})).location, /done=cancelled/);
  assert.match((await get(`/events/${id}?lang=en`, r3)).text, /You are registered\./);
  assert.equal(count("SELECT count(*) FROM outbox WHERE to_addr = 'r3@example.com'"), mails + 1);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id} AND state = 'confirmed'`), 2);
  // nothing to cancel twice
  assert.equal((await post(r1, `/events/${id}/cancel`, {})).status, 409);
  // the organiser's list and its CSV; capacity below the confirmed count refused
  const list = await get(`/events/${id}/participants?lang=en`, m);
  assert.equal(list.status, 200);
  assert.match(list.text, /r2@example\.com/);
  assert.match(list.text, /r3@example\.com/);
  const csv = await get(`/events/${id}/participants?format=csv&lang=en`, m);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.text, /^\uFEFF?Name,E-mail,Organisation,Status,Registered,Attended\r\n/);
  assert.equal(csv.text.trim().split('\r\n').length, 4); // header, two confirmed, one cancelled
  const low = await post(m, `/events/${id}?lang=en`, FORM({ capacity: '1' }));
  assert.equal(low.status, 422);
  assert.match(low.text, /2 people are already confirmed/);
  assert.equal(count(`SELECT capacity FROM event WHERE id = ${id}`), 2);
});

test('concurrent registrations for the last places: exactly the capacity confirmed, the rest waiting, nobody twice', async () => {
  const m = await session('manager@example.com');
  const made = await post(m, '/events', FORM({ capacity: '3', title_sr: 'Тражено' }));
  const id = made.location.match(/\d+/)[0];
  const ss = [];
  for (let i = 1; i <= 8; i++) ss.push(await session(`r${i}@example.com`));
  // each person twice at once: the second of each pair is refused
  const res = await Promise.all([...ss, ...ss].map((s) => post(s, `/events/${id}/register`, {})));
  const ok = res.filter((r) => r.status === 303);
  assert.equal(ok.length, 8, res.map((r) => r.status).join(','));
  assert.ok(res.every((r) => r.status === 303 || r.status === 409), res.map((r) => r.status).join(","));
  assert.equal(ok.filter((r) => /done=registered/.test(r.location)).length, 3);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id} AND state = 'confirmed'`), 3);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id} AND state = 'waiting'`), 5);
  assert.equal(count(`SELECT count(DISTINCT person_id) FROM event_registration WHERE event_id = ${id}`), 8);
});

test('the API lists events with place counts and a cursor, and never who registered', async () => {
  const all = [];
  let cursor = null;
  for (let page = 0; page < 20; page++) {
    const r = await get(`/api/v1/events?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    const body = JSON.parse(r.text);
    all.push(...body.items);
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  assert.ok(all.length >= 3);
  assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'no event twice across pages');
  const small = all.find((e) => e.title_en === 'Small workshop');
  assert.equal(small.capacity, 2);
  assert.equal(small.confirmed, 2);
  assert.doesNotMatch(JSON.stringify(all), /@example\.com/);
  assert.equal((await get('/api/v1/events?when=soon')).status, 400);
  assert.equal((await get('/api/v1/events?cursor=abc')).status, 400);
  assert.equal((await get('/api/v1/events/999999')).status, 404);
  const one = JSON.parse((await get(`/api/v1/events/${small.id}`)).text);
  assert.equal(one.starts_at, '2099-03-15T09:00:00Z'); // 10:00 in Belgrade, winter
});

test('the iCalendar feeds parse with ical.js: Belgrade times, an alarm a day before', async () => {
  const feed = await get('/events.ics?lang=sr-Cyrl');
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^text\/calendar/);
  const comp = new ICAL.Component(ICAL.parse(feed.text));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  const events = comp.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  assert.ok(events.length >= 3);
  const e = events.find((x) => x.summary === 'Мала радионица');
  assert.ok(e, 'the event is in the feed');
  assert.equal(e.startDate.toJSDate().toISOString(), '2099-03-15T09:00:00.000Z');
  assert.equal(e.startDate.toString(), '2099-03-15T10:00:00');
  assert.equal(e.component.getFirstSubcomponent('valarm').getFirstPropertyValue('trigger').toString(), '-P1D');
  // one event, and one organiser's feed
  const id = JSON.parse((await get('/api/v1/events?limit=100')).text).items.find((x) => x.title_sr === 'Мала радионица').id;
  const one = new ICAL.Component(ICAL.parse((await get(`/events/${id}/event.ics`)).text));
  assert.equal(one.getAllSubcomponents('vevent').length, 1);
  const mine = await get(`/events.ics?organiser=${cluster}`);
  assert.equal(mine.status, 200);
  assert.equal((await get('/events.ics?organiser=no-such-entry')).status, 404);
});

test('the list: upcoming and past, filters, bad filters are 400', async () => {
  const up = await get('/events?lang=en');
  assert.equal(up.status, 200);
  assert.match(up.text, /Small workshop/);
  assert.match((await get('/events?kind=study_visit&lang=en')).text, /No events match/); // the demo's is past
  assert.match((await get('/events?kind=study_visit&when=past&lang=en')).text, /Study visit to clusters in Slovenia/);
  assert.match((await get('/events?month=2099-03&lang=en')).text, /Small workshop/);
  assert.equal((await get('/events?kind=party')).status, 400);
  assert.equal((await get('/events?month=2099-13')).status, 400);
  assert.equal((await get('/events/abc')).status, 404);
});
