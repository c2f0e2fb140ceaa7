// events_more.test.mjs: what issue 15 added to events after the first
// round (web_event.c, web_event_participants.c, api_event.c): the audience
// enforced (403 on the page and in the API, said before the button),
// registering colleagues (only of an organisation one represents; they are
// mailed and can cancel; the representative sees and cancels what they
// made), attendance after the start (one form, CSV and XLSX show it), the
// registrations API (register self or a colleague, cancel, the
// organiser's list), the /events audience and organiser filters, and
// `scan events remind` sending each reminder once. Bad input gets a clear
// 4xx and changes nothing.
//
// Fixtures: the demo data; a representative and a colleague of a company
// that is an accepted member of a demo cluster, that cluster's manager, a
// person with no affiliation, and a representative of an organisation that is
// nobody's member.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, sqliteRun } from './lib.mjs';

const PW = 'events more pass phrase';
let srv;
let cluster; // a demo cluster
let member;  // a company that is its accepted member
let loner;   // an organisation (not a cluster) that is nobody's member
const people = {};

function sqlite(sql) {
  const r = sqliteRun(srv.db, sql);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}
const count = (sql) => Number(sqlite(sql));

function addUser(email, role, org) {
  let r = scan(['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', '--db', srv.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  if (role) {
    r = scan(['user', 'role', email, role, '--org', org, '--db', srv.db]);
    assert.equal(r.status, 0, r.stderr);
  }
}
const pid = (email) => count(`SELECT id FROM person WHERE email = '${email}'`);

async function session(email) {
  if (!people[email]) people[email] = await login(srv.url, email, PW);
  return people[email];
}

async function post(s, path, form = {}) {
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

async function api(s, method, path, json) {
  const headers = { Cookie: s.cookie, Origin: srv.url, 'X-CSRF-Token': s.csrf };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(srv.url + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

// An event of the cluster, made straight in the database (the form is
// events.test.mjs's): starts in `days` days (negative: began).
function event({ audience = 'everyone', capacity = 'NULL', days = 30, cancel = 'NULL' } = {}) {
  const start = Math.floor(Date.now() / 1000) + Math.round(days * 86400);
  return Number(sqlite(`INSERT INTO event(kind, organiser_id, title_sr, title_en, starts_at, ends_at,
    place, language, audience, capacity, cancel_until, created_at, updated_at)
    SELECT 'training', id, 'Обука', 'Training', ${start}, ${start + 7200}, 'Ниш', 'sr', '${audience}',
    ${capacity}, ${cancel}, 0, 0 FROM org WHERE slug = '${cluster}' RETURNING id`));
}

before(async () => {
  srv = await startServer({ demo: true });
  [cluster, member] = sqlite(`SELECT c.slug, o.slug FROM cluster_member m JOIN org c ON c.id = m.cluster_id
    JOIN org o ON o.id = m.org_id WHERE c.kind = 'cluster' AND o.kind = 'company' AND m.left_on IS NULL
    AND c.status = 'published' AND o.status = 'published' ORDER BY m.id LIMIT 1`).split('|');
  loner = sqlite(`SELECT slug FROM org WHERE kind NOT IN ('cluster', 'cluster_initiative', 'cluster_association') AND status = 'published'
    AND id NOT IN (SELECT org_id FROM cluster_member) ORDER BY id LIMIT 1`);
  assert.ok(cluster && member && loner, 'demo fixtures');
  addUser('rep@example.com', 'representative', member);
  addUser('colleague@example.com', 'representative', member);
  addUser('manager@example.com', 'manager', cluster);
  addUser('nobody@example.com');
  addUser('loner@example.com', 'representative', loner);
  sqlite("UPDATE person SET lang = 'en' WHERE email = 'colleague@example.com'");
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('the audience is said before the button and enforced: 403 on the page and in the API, nothing stored', async () => {
  const managers = event({ audience: 'managers' });
  const members = event({ audience: 'members' });
  const nobody = await session('nobody@example.com');
  const rep = await session('rep@example.com');
  const page = await get(`/events/${managers}?lang=en`, nobody);
  assert.match(page.text, /Meant for cluster management teams/);
  assert.match(page.text, /not in this event(&#39;|')s audience/);
  assert.doesNotMatch(page.text, new RegExp(`action="/events/${managers}/register"`));
  for (const [who, id] of [[nobody, managers], [rep, managers], [nobody, members]]) {
    const r = await post(who, `/events/${id}/register?lang=en`);
    assert.equal(r.status, 403);
    assert.match(r.text, /not in this event(&#39;|')s audience/);
    const a = await api(who, 'POST', `/api/v1/events/${id}/registrations`, {});
    assert.equal(a.status, 403);
    assert.match(a.json.error.message, /^audience: /);
  }
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id IN (${managers}, ${members})`), 0);
  // the member's representative may join "members", the manager both
  const ok = await get(`/events/${members}?lang=en`, rep);
  assert.match(ok.text, /Meant for members of SCAN(&#39;|')s clusters/);
  assert.match((await post(rep, `/events/${members}/register`)).location, /done=registered/);
  const m = await session('manager@example.com');
  assert.match((await post(m, `/events/${managers}/register`)).location, /done=registered/);
  // the list filters by audience
  const list = await get('/events?audience=managers&lang=en', nobody);
  assert.match(list.text, new RegExp(`href="/events/${managers}"`));
  assert.doesNotMatch(list.text, new RegExp(`href="/events/${members}"`));
  assert.equal((await get('/events?audience=bosses')).status, 400);
  const byOrg = await get(`/events?organiser=${cluster}&lang=en`);
  assert.match(byOrg.text, /Only events organised by/);
  assert.equal((await get('/events?organiser=no-such-entry')).status, 404);
});

test('a representative registers a colleague, who is mailed in their language and can cancel; a non-colleague is refused', async () => {
  const id = event({ capacity: 1 });
  const rep = await session('rep@example.com');
  const page = await get(`/events/${id}?lang=en`, rep);
  assert.match(page.text, /Register colleagues/);
  assert.match(page.text, new RegExp(`<option value="${pid('colleague@example.com')}"`));
  assert.doesNotMatch(page.text, new RegExp(`<option value="${pid('nobody@example.com')}"`));
  // not a colleague, a made-up id, a non-number: 4xx, nothing stored
  for (const person of [String(pid('nobody@example.com')), '999999', 'abc']) {
    const r = await post(rep, `/events/${id}/register?lang=en`, { person });
    assert.equal(r.status, 400, person);
    assert.match(r.text, /choose a colleague from the list/);
  }
  const viaApi = await api(rep, 'POST', `/api/v1/events/${id}/registrations`, { person: pid('loner@example.com') });
  assert.equal(viaApi.status, 400);
  assert.match(viaApi.json.error.message, /^person: /);
  assert.equal((await api(rep, 'POST', `/api/v1/events/${id}/registrations`, { person: 'x' })).status, 400);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id}`), 0);
  // the colleague: confirmed, mailed in English with the .ics
  const r = await post(rep, `/events/${id}/register`, { person: String(pid('colleague@example.com')) });
  assert.match(r.location, /done=colleague$/);
  assert.equal(count(`SELECT count(*) FROM outbox WHERE to_addr = 'colleague@example.com'
    AND subject = 'Registration confirmed: Training' AND attach_type LIKE 'text/calendar%'`), 1);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id}
    AND registered_by = ${pid('rep@example.com')} AND org_id IS NOT NULL`), 1);
  // twice: refused; the representative sees it on the page
  assert.equal((await post(rep, `/events/${id}/register`, { person: String(pid('colleague@example.com')) })).status, 409);
  const after_ = await get(`/events/${id}?lang=en`, rep);
  assert.match(after_.text, /Colleagues you registered/);
  // the representative themselves: the event is full, they wait
  assert.match((await post(rep, `/events/${id}/register`)).location, /done=waiting/);
  // someone else cannot cancel the colleague's place; the representative can
  const loner = await session('loner@example.com');
  assert.equal((await post(loner, `/events/${id}/cancel`, { person: String(pid('colleague@example.com')) })).status, 409);
  assert.match((await post(rep, `/events/${id}/cancel`, { person: String(pid('colleague@example.com')) })).location, /done=colleague_cancelled/);
  // the freed place went to the representative
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id} AND state = 'confirmed'
    AND person_id = ${pid('rep@example.com')}`), 1);
  // the colleague registered again through the API and cancels themselves
  const again = await api(rep, 'POST', `/api/v1/events/${id}/registrations`, { person: pid('colleague@example.com') });
  assert.equal(again.status, 201);
  assert.equal(again.json.state, 'waiting');
  assert.equal(again.json.waiting_position, 1);
  const col = await session('colleague@example.com');
  const mine = await api(col, 'DELETE', `/api/v1/events/${id}/registrations/me`);
  assert.equal(mine.status, 200);
  assert.equal(mine.json.state, 'cancelled');
  assert.equal((await api(col, 'DELETE', `/api/v1/events/${id}/registrations/me`)).status, 404);
  assert.equal((await api(col, 'DELETE', `/api/v1/events/${id}/registrations/abc`)).status, 400);
});

test('registration after the start or the cut-off is refused with a clear message, nothing changes', async () => {
  const began = event({ days: -0.01 });
  const rep = await session('rep@example.com');
  const r = await post(rep, `/events/${began}/register?lang=en`);
  assert.equal(r.status, 409);
  assert.match(r.text, /Registration closed when the event began/);
  assert.equal((await api(rep, 'POST', `/api/v1/events/${began}/registrations`, {})).status, 409);
  // a cut-off already passed: registering is still possible, cancelling a confirmed place is not
  const now = Math.floor(Date.now() / 1000);
  const cut = event({ days: 5, cancel: now - 60 });
  assert.equal((await api(rep, 'POST', `/api/v1/events/${cut}/registrations`, {})).status, 201);
  const c = await api(rep, 'DELETE', `/api/v1/events/${cut}/registrations/me`);
  assert.equal(c.status, 409);
  assert.match(c.json.error.message, /deadline has passed/);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${cut} AND state = 'confirmed'`), 1);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${began}`), 0);
});

test('the organiser marks attendance after the start; the list, CSV, XLSX and API show it', async () => {
  const id = event({ days: 2 });
  const rep = await session('rep@example.com');
  const col = await session('colleague@example.com');
  assert.equal((await api(rep, 'POST', `/api/v1/events/${id}/registrations`, {})).status, 201);
  assert.equal((await api(col, 'POST', `/api/v1/events/${id}/registrations`, {})).status, 201);
  const m = await session('manager@example.com');
  const [r1, r2] = sqlite(`SELECT id FROM event_registration WHERE event_id = ${id} ORDER BY id`).split('\n');
  // before the start: refused, nothing marked
  const early = await post(m, `/events/${id}/attendance?lang=en`, { attended: r1 });
  assert.equal(early.status, 409);
  assert.match(early.text, /once the event has started/);
  assert.doesNotMatch((await get(`/events/${id}/participants`, m)).text, /name="attended"/);
  sqlite(`UPDATE event SET starts_at = starts_at - 3 * 86400, ends_at = ends_at - 3 * 86400 WHERE id = ${id}`);
  const form = await get(`/events/${id}/participants?lang=en`, m);
  assert.match(form.text, new RegExp(`name="attended" value="${r1}"`));
  // not the organiser: 403; a bad id: 400; neither changes anything
  assert.equal((await post(rep, `/events/${id}/attendance`, { attended: r1 })).status, 403);
  assert.equal((await post(m, `/events/${id}/attendance`, { attended: 'x' })).status, 400);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id} AND attended IS NOT NULL`), 0);
  const saved = await post(m, `/events/${id}/attendance`, { attended: r1 });
  assert.equal(saved.status, 303);
  assert.match(saved.location, /participants\?done=attendance/);
  assert.equal(count(`SELECT attended FROM event_registration WHERE id = ${r1}`), 1);
  assert.equal(count(`SELECT attended FROM event_registration WHERE id = ${r2}`), 0);
  const csv = await get(`/events/${id}/participants?format=csv&lang=en`, m);
  assert.match(csv.text, /Attended\r\n/);
  assert.match(csv.text, /rep@example\.com,[^\r\n]*,yes\r\n/);
  assert.match(csv.text, /colleague@example\.com,[^\r\n]*,no\r\n/);
  const xlsx = await fetch(`${srv.url}/events/${id}/participants?format=xlsx`, { headers: { Cookie: m.cookie } });
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  const bytes = Buffer.from(await xlsx.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  const list = await api(m, 'GET', `/api/v1/events/${id}/registrations`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((i) => i.attended).sort(), [false, true]);
  assert.equal((await api(rep, 'GET', `/api/v1/events/${id}/registrations`)).status, 403);
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'event_attendance' AND entity_id = ${id}`), 1);
});

test('`scan events remind` mails confirmed participants the day before, once however often it runs', async () => {
  // starts in 20 hours: tomorrow or later today in Belgrade; --now reminds from midnight
  const id = event({ days: 20 / 24 });
  const rep = await session('rep@example.com');
  assert.equal((await api(rep, 'POST', `/api/v1/events/${id}/registrations`, {})).status, 201);
  const run = (extra) => scan(['events', 'remind', '--now', ...extra, '--db', srv.db]);
  const dry = run(['--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /would be sent/);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id} AND reminded_at IS NOT NULL`), 0);
  const first = run([]);
  assert.equal(first.status, 0, first.stderr);
  const second = run([]);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /^0 reminders queued/);
  assert.equal(count(`SELECT count(*) FROM event_registration WHERE event_id = ${id} AND reminded_at IS NOT NULL`), 1);
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'event_remind' AND entity_id = ${id}`), 1);
});
