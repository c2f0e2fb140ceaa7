// calls.test.mjs: funding calls over HTTP (web_call.c, api_call.c,
// call*.c): every route for every role (public, a person, a manager, the
// secretariat editor), bad input answered beside its field with nothing
// stored (deadline before opening, grant range upside down, co-financing
// over 100 %, an unknown zone, a CSV with one bad row), the deadline kept
// in its zone, the eligible lists, following and the reminders once only,
// the API with eligible_for, and calls.ics read by a second parser
// (ical.js, npm).
//
// Fixtures: the demo data (scan init --demo) with its ten calls.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import ICAL from 'ical.js';
import { startServer, scan, login, sqliteIn } from './lib.mjs';

const PW = 'calls pass phrase 2026';
let srv;
let cluster;
const people = {};

// the sqlite3 shell, or psql in PostgreSQL mode (lib.mjs)
function sqlite(sql) {
  return sqliteIn(srv.db, sql);
}
const count = (sql) => Number(sqlite(sql));

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
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, ...(s ? { Cookie: s.cookie } : {}) },
    body: new URLSearchParams({ ...form, ...(s ? { _csrf: s.csrf } : {}) }).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function get(path, s) {
  const res = await fetch(srv.url + path, { headers: s ? { Cookie: s.cookie } : {}, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const FORM = (over = {}) => ({
  title_sr: 'Позив за тест', title_en: 'Test call', funder: 'ministarstvo-privrede',
  programme: 'Test programme', opens_on: '2099-01-10', deadline_date: '2099-03-15',
  deadline_time: '17:00', deadline_tz: 'Europe/Brussels', grant_min: '10000', grant_max: '50000',
  cofin: '20', rules: 'kind:cluster\nlabel:esca_silver', ...over,
});

before(async () => {
  srv = await startServer({ demo: true });
  cluster = sqlite("SELECT slug FROM org WHERE kind = 'cluster' AND status = 'published' ORDER BY id LIMIT 1");
  addUser('manager@example.com');
  assert.equal(scan(['user', 'role', 'manager@example.com', 'manager', '--org', cluster, '--db', srv.db]).status, 0);
  addUser('nobody@example.com');
  addUser('editor@example.com', ['--editor']);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('the demo has ten calls: six open, one closing within a week', async () => {
  assert.equal(count('SELECT count(*) FROM funding_call WHERE is_demo = 1'), 10);
  const r = await get('/calls?lang=en');
  assert.equal(r.status, 200);
  assert.match(r.text, /Cluster excellence grants/);
  const week = await get('/api/v1/calls');
  const items = JSON.parse(week.text).items;
  assert.equal(items.length, 6);
  assert.ok(items.some((c) => Date.parse(c.deadline) - Date.now() < 7 * 86400e3));
  const arch = await get('/calls/archive?lang=en');
  assert.match(arch.text, /Startup vouchers/);
  assert.doesNotMatch(arch.text, /Digital innovation partnerships/);
  const closing = await get('/calls?closing=30&lang=en');
  assert.match(closing.text, /Cluster excellence grants/);
  assert.doesNotMatch(closing.text, /Tech talent fellowships/);
});

test('who may do what: only the secretariat enters, changes, withdraws and imports calls', async () => {
  const id = sqlite("SELECT id FROM funding_call WHERE title_en = 'Cluster development support 2027'");
  for (const path of ['/calls', '/calls.ics', '/calls/archive', `/calls/${id}`, `/orgs/${cluster}/calls.ics`, '/api/v1/calls', `/api/v1/calls/${id}`])
    assert.equal((await get(path)).status, 200, path);
  for (const path of ['/calls/new', '/calls/import', `/calls/${id}/edit`])
    assert.equal((await get(path)).status, 303, `public ${path} goes to login`);
  for (const who of ['nobody@example.com', 'manager@example.com']) {
    const s = await session(who);
    for (const path of ['/calls/new', '/calls/import', `/calls/${id}/edit`])
      assert.equal((await get(path, s)).status, 403, `${who} ${path}`);
    assert.equal((await post(s, '/calls', FORM())).status, 403);
    assert.equal((await post(s, `/calls/${id}`, FORM())).status, 403);
    assert.equal((await post(s, `/calls/${id}/withdraw`, {})).status, 403);
    assert.equal((await post(s, '/calls/import', { csv: 'programme\nx' })).status, 403);
  }
  const e = await session('editor@example.com');
  for (const path of ['/calls/new', '/calls/import', `/calls/${id}/edit`])
    assert.equal((await get(path, e)).status, 200, `editor ${path}`);
  assert.equal(count('SELECT count(*) FROM funding_call WHERE is_demo = 0'), 0);
});

test('bad input is answered beside its field and stores nothing', async () => {
  const e = await session('editor@example.com');
  const before = count('SELECT count(*) FROM funding_call');
  const cases = [
    [{ deadline_date: '2099-01-05' }, /The deadline must come after the opening date/],
    [{ grant_min: '60000', grant_max: '50000' }, /The largest grant cannot be smaller than the smallest/],
    [{ cofin: '120' }, /Co-financing is a share between 0 and 100 percent/],
    [{ deadline_tz: 'Europe/Atlantis' }, /Unknown time zone/],
    [{ url: 'javascript:alert(1)' }, /http:\/\/ or https:\/\//],
    [{ rules: 'label esca' }, /kind:value/],
    [{ rules: 'nace:04' }, /code the directory does not know/],
    [{ funder: 'no-such-funder' }, /No published directory entry has this name or address/],
  ];
  for (const [over, re] of cases) {
    const r = await post(e, '/calls?lang=en', FORM(over));
    assert.equal(r.status, 422, JSON.stringify(over));
    assert.match(r.text, re);
    assert.match(r.text, /field-error/);
  }
  assert.equal(count('SELECT count(*) FROM funding_call'), before);
});

test('a deadline typed in Brussels or London time is stored as that instant', async () => {
  const e = await session('editor@example.com');
  // 17:00 in Brussels in March (CET) and July (CEST): 16:00 and 15:00 UTC
  for (const [date, tz, iso] of [['2099-03-10', 'Europe/Brussels', '2099-03-10T16:00:00Z'],
    ['2099-07-10', 'Europe/Brussels', '2099-07-10T15:00:00Z'],
    ['2099-07-10', 'Europe/London', '2099-07-10T16:00:00Z']]) {
    const r = await post(e, '/calls', FORM({ title_en: `Zone ${tz} ${date}`, deadline_date: date, deadline_tz: tz }));
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const id = r.location.match(/\/calls\/(\d+)/)[1];
    const api = JSON.parse((await get(`/api/v1/calls/${id}`)).text);
    assert.equal(api.deadline, iso);
    assert.equal(api.deadline_tz, tz);
    const edit = await get(`/calls/${id}/edit`, e);
    assert.match(edit.text, /value="17:00"/);
  }
  assert.ok(count("SELECT count(*) FROM audit WHERE action = 'call_create'") >= 3);
});

test("a call's page lists the clusters it does not exclude; the API says why for one", async () => {
  const id = sqlite("SELECT id FROM funding_call WHERE title_en = 'Cluster development support 2027'");
  const page = await get(`/calls/${id}?lang=en`);
  assert.match(page.text, /Clusters that may apply <span class="count">\d+/);
  assert.match(page.text, new RegExp(`href="/orgs/${cluster}"`));
  assert.match(page.text, /Looking for partners for this call/);
  // the excellence grants need a current ESCA label, which this cluster does not hold (VOICT's expired in 2015)
  const ex = sqlite("SELECT id FROM funding_call WHERE title_en = 'Cluster excellence grants'");
  const api = JSON.parse((await get(`/api/v1/calls/${ex}?eligible_for=${cluster}`)).text);
  assert.equal(api.eligibility.verdict, 'not_met');
  const label = api.eligibility.rules.find((x) => x.rule === 'label');
  assert.match(label.reason, /Needs a cluster with an ESCA label/);
  const exPage = await get(`/calls/${ex}?lang=en`);
  assert.doesNotMatch(exPage.text, new RegExp(`href="/orgs/${cluster}"`));
  // text rules are never "met"
  const tt = sqlite("SELECT id FROM funding_call WHERE title_en = 'Tech talent fellowships'");
  const t = JSON.parse((await get(`/api/v1/calls/${tt}?eligible_for=${cluster}`)).text);
  assert.equal(t.eligibility.verdict, 'check');
  assert.equal((await get('/api/v1/calls?eligible_for=no-such')).status, 404);
  const profile = await get(`/orgs/${cluster}?lang=en`);
  assert.match(profile.text, /Calls you can apply for/);
});

test('following a call; reminders go once however often the job runs', async () => {
  const s = await session('nobody@example.com');
  const id = sqlite("SELECT id FROM funding_call WHERE title_en = 'Cluster excellence grants'");
  const r = await post(s, `/calls/${id}/follow`, { follow: '1' });
  assert.equal(r.status, 303);
  assert.equal(count(`SELECT count(*) FROM funding_call_follow WHERE call_id = ${id}`), 1);
  const dry = scan(['calls', 'remind', '--dry-run', '--db', srv.db]);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^1 reminders would be sent/);
  assert.equal(count('SELECT count(*) FROM funding_call_reminder'), 0);
  const mails = () => count("SELECT count(*) FROM outbox WHERE subject LIKE '%Грантови за изврсност%' OR subject LIKE '%Cluster excellence%'");
  const before = mails();
  for (let i = 0; i < 2; i++) {
    const run = scan(['calls', 'remind', '--db', srv.db]);
    assert.equal(run.status, 0, run.stderr);
  }
  assert.equal(count(`SELECT count(*) FROM funding_call_reminder WHERE call_id = ${id} AND days = 14`), 1);
  assert.equal(mails(), before + 1);
  const un = await post(s, `/calls/${id}/follow`, { follow: '0' });
  assert.equal(un.status, 303);
  assert.equal(count(`SELECT count(*) FROM funding_call_follow WHERE call_id = ${id}`), 0);
  assert.equal((await post(null, `/calls/${id}/follow`, { follow: '1' })).status, 401, 'public: log in first');
});

test('CSV import is all or nothing, each mistake with its row and column', async () => {
  const e = await session('editor@example.com');
  const before = count('SELECT count(*) FROM funding_call');
  const bad = 'programme,title_sr,deadline_date,deadline_time,deadline_tz,cofin,rules\n'
    + 'P1,Први,2099-05-01,17:00,Europe/Brussels,10,kind:cluster\n'
    + 'P2,Други,2099-05-01,17:00,Europe/Nowhere,150,kind:cluster\n';
  const r = await post(e, '/calls/import?lang=en', { csv: bad });
  assert.equal(r.status, 422);
  assert.match(r.text, /<td>2<\/td><td>deadline_tz<\/td>/);
  assert.match(r.text, /<td>2<\/td><td>cofin<\/td>/);
  assert.equal(count('SELECT count(*) FROM funding_call'), before);
  const good = bad.replace('Europe/Nowhere,150', 'Europe/London,15');
  const ok = await post(e, '/calls/import', { csv: good });
  assert.equal(ok.status, 303);
  assert.equal(count('SELECT count(*) FROM funding_call'), before + 2);
});

test('the API creates and replaces for the secretariat only, with field messages', async () => {
  const e = await session('editor@example.com');
  const body = { programme: 'API', title_sr: 'АПИ позив', deadline_date: '2099-09-09', deadline_time: '12:00',
    deadline_tz: 'Europe/Brussels', cofin_percent: 10, rules: [{ rule: 'kind', value: 'cluster' }] };
  const call = (s, method, path, b) => fetch(srv.url + path, { method, headers: { 'Content-Type': 'application/json', Origin: srv.url, Cookie: s.cookie, 'X-CSRF-Token': s.csrf }, body: JSON.stringify(b) });
  const n = await session('nobody@example.com');
  assert.equal((await call(n, 'POST', '/api/v1/calls', body)).status, 403);
  const c = await call(e, 'POST', '/api/v1/calls', body);
  assert.equal(c.status, 201, await c.clone().text());
  const made = await c.json();
  assert.equal(made.deadline, '2099-09-09T10:00:00Z');
  const bad = await call(e, 'PUT', `/api/v1/calls/${made.id}`, { ...body, grant_min: '9', grant_max: '1' });
  assert.equal(bad.status, 422);
  assert.match(JSON.stringify(await bad.json()), /largest grant/);
});

test('calls.ics parses with ical.js: each deadline an event in its zone with an alarm', async () => {
  const r = await get('/calls.ics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/calendar/);
  const cal = new ICAL.Component(ICAL.parse(r.text));
  for (const z of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(z));
  const zones = cal.getAllSubcomponents('vtimezone').map((z) => String(z.getFirstPropertyValue('tzid')));
  assert.ok(zones.some((z) => /Europe\/Brussels$/.test(z)), zones.join(' '));
  const evs = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  assert.ok(evs.length >= 6);
  const ex = evs.find((v) => /Cluster excellence|изврсност/.test(v.summary));
  assert.ok(ex);
  assert.ok(ex.component.getFirstSubcomponent('valarm'));
  assert.equal(ex.startDate.toString().slice(11), '17:00:00'); // 17:00 Brussels time
  const api = JSON.parse((await get('/api/v1/calls')).text).items.find((c) => c.title_en === 'Cluster excellence grants');
  assert.equal(ex.startDate.toJSDate().toISOString().replace('.000', ''), api.deadline);
  const org = await get(`/orgs/${cluster}/calls.ics`);
  assert.equal(org.status, 200);
  new ICAL.Component(ICAL.parse(org.text));
});
