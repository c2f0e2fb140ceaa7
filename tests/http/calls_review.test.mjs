// calls_review.test.mjs: the fixes from the review of issue 14's funding
// calls (web_call.c, api_call.c, ical/, call_remind.c): a deadline in the
// spring-forward gap refused beside the time and the repeated autumn hour
// said on the page; exactly the canonical zones and UTC; X-WR-CALNAME
// escaped as RFC 5545 text; the API's deadline round-trips; the funder
// picked by name (search then choose) and the eligibility rules as
// selects, without script; programme names in the reader's script.
//
// Fixtures: the demo data (scan init --demo).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import ICAL from 'ical.js';
import { startServer, scan, login, sqliteRun } from './lib.mjs';

const PW = 'calls review pass 2026';
let srv;
let cluster;
let editor;

function sqlite(sql) {
  const r = sqliteRun(srv.db, sql);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}
const count = (sql) => Number(sqlite(sql));

async function post(s, path, form) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) body.append(k, v);
  if (s) body.append('_csrf', s.csrf);
  const res = await fetch(srv.url + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, ...(s ? { Cookie: s.cookie } : {}) },
    body: body.toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function get(path, s) {
  const res = await fetch(srv.url + path, { headers: s ? { Cookie: s.cookie } : {}, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const api = (method, path, b) => fetch(srv.url + path, {
  method,
  headers: { 'Content-Type': 'application/json', Origin: srv.url, Cookie: editor.cookie, 'X-CSRF-Token': editor.csrf },
  body: b ? JSON.stringify(b) : undefined,
});

// a call as the form posts it now: a funder's name, rules as selects
const FORM = (over = {}) => ({
  title_sr: 'Позив за преглед', title_en: 'Review call', funder: 'Ministry of Economy',
  programme: 'Програм прегледа', opens_on: '2099-01-10', deadline_date: '2099-03-15',
  deadline_time: '17:00', deadline_tz: 'Europe/Brussels', rule_rows: '3',
  rule_1: 'kind:cluster', rule_2: 'nace:62', rule_3: '', rule_countries: 'rs, ba',
  rules_text: 'At least three partners', ...over,
});

before(async () => {
  srv = await startServer({ demo: true });
  cluster = sqlite("SELECT slug FROM org WHERE kind = 'cluster' AND status = 'published' ORDER BY id LIMIT 1");
  const r = scan(['user', 'add', 'editor@example.com', '--name', 'editor', '--password-stdin', '--editor',
    '--db', srv.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  editor = await login(srv.url, 'editor@example.com', PW);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a deadline the clocks skip is refused beside the time; the repeated hour is the first, said on the page', async () => {
  const n = count('SELECT count(*) FROM funding_call');
  const gap = await post(editor, '/calls?lang=en', FORM({ deadline_date: '2099-03-29', deadline_time: '02:30', deadline_tz: 'Europe/Belgrade' }));
  assert.equal(gap.status, 422);
  assert.match(gap.text, /This time does not exist in Europe\/Belgrade on that day: the clocks move from 02:00 to 03:00/);
  assert.match(gap.text, /id="call-deadline_time-error"/);
  assert.equal(count('SELECT count(*) FROM funding_call'), n);
  // 2099-10-25 is the last Sunday of October: 02:30 happens twice
  const twice = await post(editor, '/calls?lang=en', FORM({ deadline_date: '2099-10-25', deadline_time: '02:30', deadline_tz: 'Europe/Belgrade' }));
  assert.equal(twice.status, 303, twice.text.slice(0, 400));
  const id = twice.location.match(/\/calls\/(\d+)/)[1];
  // the first 02:30 is still summer time: 00:30 UTC
  const got = JSON.parse((await get(`/api/v1/calls/${id}`, editor)).text);
  assert.equal(got.deadline, '2099-10-25T00:30:00Z');
  const page = await get(`/calls/${id}?lang=en`);
  assert.match(page.text, /02:30 happens twice in Europe\/Belgrade that night/);
  assert.match(page.text, /the deadline is the first of the two, still summer time: 00:30 UTC/);
});

test('zones: canonical names and UTC, a select on the form, never right/ or posix/', async () => {
  const form = await get('/calls/new?lang=en', editor);
  assert.match(form.text, /<select id="call-deadline_tz" name="deadline_tz"/);
  for (const z of ['Europe/Belgrade', 'Europe/Brussels', 'Europe/London', 'America/New_York', 'UTC'])
    assert.match(form.text, new RegExp(`<option value="${z}"`), z);
  assert.doesNotMatch(form.text, /<input[^>]*name="deadline_tz"/);
  const n = count('SELECT count(*) FROM funding_call');
  for (const bad of ['right/UTC', 'posix/Europe/Paris', 'Europe/Kiev', '../../etc/localtime']) {
    const r = await post(editor, '/calls?lang=en', FORM({ deadline_tz: bad }));
    assert.equal(r.status, 422, bad);
    assert.match(r.text, /Unknown time zone/, bad);
  }
  assert.equal(count('SELECT count(*) FROM funding_call'), n);
  const utc = await post(editor, '/calls?lang=en', FORM({ deadline_tz: 'UTC', title_en: 'UTC call' }));
  assert.equal(utc.status, 303, utc.text.slice(0, 400));
  // the API takes any canonical name, and its edit form keeps it as an option
  const body = { programme: 'P', title_sr: 'Токио', deadline_date: '2099-05-05', deadline_time: '10:00', deadline_tz: 'Asia/Tokyo' };
  const c = await api('POST', '/api/v1/calls', body);
  assert.equal(c.status, 201, await c.clone().text());
  const made = await c.json();
  assert.equal(made.deadline, '2099-05-05T01:00:00Z');
  const edit = await get(`/calls/${made.id}/edit?lang=en`, editor);
  assert.match(edit.text, /<option value="Asia\/Tokyo" selected>/);
  assert.equal((await api('POST', '/api/v1/calls', { ...body, deadline_tz: 'right/UTC' })).status, 422);
  // a UTC deadline in the feed: a Z time, no TZID, no VTIMEZONE for it
  const ics = await get('/calls.ics');
  const cal = new ICAL.Component(ICAL.parse(ics.text));
  assert.ok(cal.getAllSubcomponents('vevent').length > 0);
});

test('calls.ics: the calendar name is escaped as RFC 5545 text', async () => {
  sqlite(`UPDATE org SET name = 'Кластер, тест; један\\два', name_en = NULL WHERE slug = '${cluster}'`);
  const r = await get(`/orgs/${cluster}/calls.ics?lang=sr`);
  assert.equal(r.status, 200);
  // unfolded (RFC 5545 3.1: a line longer than 75 octets goes on after CRLF and a space)
  const line = r.text.replace(/\r\n[ \t]/g, '').split('\r\n').find((l) => l.startsWith('X-WR-CALNAME'));
  assert.ok(line, r.text.slice(0, 300));
  assert.match(line, /Кластер\\, тест\\; један\\\\два/);
  // a second parser reads one property each (ical.js leaves the text of
  // properties it does not know escaped: unescape as RFC 5545 says)
  const cal = new ICAL.Component(ICAL.parse(r.text));
  const text = (v) => String(v).replace(/\\([,;\\nN])/g, (m, c) => (c === 'n' || c === 'N' ? '\n' : c));
  assert.match(text(cal.getFirstPropertyValue('x-wr-calname')), /: Кластер, тест; један\\два$/);
  assert.match(text(cal.getFirstPropertyValue('name')), /: Кластер, тест; један\\два$/);
  assert.equal(cal.getAllProperties('x-wr-calname').length, 1);
});

test('the API deadline round-trips: what GET returns, PUT takes with the same meaning', async () => {
  const c = await api('POST', '/api/v1/calls', { programme: 'RT', title_sr: 'Кружно', deadline_date: '2099-03-27', deadline_time: '17:00', deadline_tz: 'Europe/Brussels', budget: '1000.50' });
  assert.equal(c.status, 201);
  const made = await c.json();
  assert.equal(made.deadline, '2099-03-27T16:00:00Z');
  assert.equal(made.deadline_local, '2099-03-27T17:00');
  // PUT back exactly what GET returned
  const got = JSON.parse((await get(`/api/v1/calls/${made.id}`, editor)).text);
  const put = await api('PUT', `/api/v1/calls/${made.id}`, got);
  assert.equal(put.status, 200, await put.clone().text());
  const again = await put.json();
  assert.equal(again.deadline, got.deadline);
  assert.equal(again.deadline_tz, 'Europe/Brussels');
  assert.equal(again.budget_cents, 100050);
  // a new instant, with an offset, across the change: 17:00 Brussels summer time
  const moved = await api('PUT', `/api/v1/calls/${made.id}`, { ...got, deadline: '2099-03-30T17:00:00+02:00' });
  assert.equal(moved.status, 200);
  const m = await moved.json();
  assert.equal(m.deadline, '2099-03-30T15:00:00Z');
  assert.equal(m.deadline_local, '2099-03-30T17:00');
  for (const bad of ['2099-03-30T17:00', '2099-03-30T17:00:30Z', 'tomorrow']) {
    const r = await api('PUT', `/api/v1/calls/${made.id}`, { ...got, deadline: bad });
    assert.equal(r.status, 422, bad);
    assert.match(JSON.stringify(await r.json()), /RFC 3339|instant/, bad);
  }
  assert.equal(JSON.parse((await get(`/api/v1/calls/${made.id}`, editor)).text).deadline, '2099-03-30T15:00:00Z');
});

test('the funder by name, then chosen; eligibility as selects of the reference tables', async () => {
  const form = await get('/calls/new?lang=en', editor);
  assert.match(form.text, /name="funder"[^>]*data-suggest="fill"|data-suggest="fill"[^>]*name="funder"/);
  assert.match(form.text, /<select id="call-rule-1" name="rule_1"/);
  assert.match(form.text, /<optgroup label="NACE division">|<optgroup label="[^"]*NACE/);
  assert.match(form.text, /<option value="nace:62">[^<:]+: 62 /); // "NACE division: 62 ..."
  assert.match(form.text, /<option value="label:esca_gold">/);
  // a unique name: stored with the entry's address, the rules as codes
  const ok = await post(editor, '/calls?lang=en', FORM());
  assert.equal(ok.status, 303, ok.text.slice(0, 600));
  const id = ok.location.match(/\/calls\/(\d+)/)[1];
  assert.equal(sqlite(`SELECT o.slug FROM funding_call c JOIN org o ON o.id = c.funder_id WHERE c.id = ${id}`), 'ministarstvo-privrede');
  assert.equal(sqlite(`SELECT group_concat(rule || ':' || value, ' ') FROM (SELECT * FROM funding_call_rule WHERE call_id = ${id} ORDER BY rule, value) AS r`),
    'country:BA country:RS kind:cluster nace:62 text:At least three partners');
  // its edit form shows the funder's name and the rules selected
  const edit = await get(`/calls/${id}/edit?lang=en`, editor);
  assert.match(edit.text, /value="Ministry of Economy"/);
  assert.match(edit.text, /<option value="nace:62" selected>/);
  // words that find several entries: the form comes back with a choice
  const n = count('SELECT count(*) FROM funding_call');
  const several = await post(editor, '/calls?lang=en', FORM({ funder: 'klaster' }));
  assert.equal(several.status, 422);
  assert.match(several.text, /Several directory entries match: choose the funder below/);
  assert.match(several.text, /<select id="call-funder-choice" name="funder_choice">/);
  const choice = several.text.match(/name="funder_choice"><option value="">[^<]*<\/option><option value="([a-z0-9-]+)">/)[1];
  // nothing chosen yet: the same question again
  assert.equal((await post(editor, '/calls?lang=en', FORM({ funder: 'klaster', funder_choice: '' }))).status, 422);
  assert.equal(count('SELECT count(*) FROM funding_call'), n);
  const chosen = await post(editor, '/calls?lang=en', FORM({ funder: 'klaster', funder_choice: choice }));
  assert.equal(chosen.status, 303, chosen.text.slice(0, 400));
  // bad rule values: beside the rules, nothing stored
  const n2 = count('SELECT count(*) FROM funding_call');
  for (const over of [{ rule_1: 'nace:04' }, { rule_1: 'colour:red' }, { rule_1: 'nace' }]) {
    const r = await post(editor, '/calls?lang=en', FORM(over));
    assert.equal(r.status, 422, JSON.stringify(over));
    assert.match(r.text, /id="call-rules-error"/);
  }
  assert.equal(count('SELECT count(*) FROM funding_call'), n2);
});

test('programme names in the reader\'s script', async () => {
  const id = sqlite("SELECT id FROM funding_call WHERE programme = 'Програм развоја кластера 2027' LIMIT 1");
  const lat = await get(`/calls/${id}?lang=sr-Latn`);
  assert.match(lat.text, /Program razvoja klastera 2027/);
  assert.doesNotMatch(lat.text, /Програм развоја/);
  const list = await get('/calls?lang=sr-Latn');
  assert.doesNotMatch(list.text, /Програм/);
  const cyr = await get(`/calls/${id}?lang=sr`);
  assert.match(cyr.text, /Програм развоја кластера 2027/);
});

test('an agreement party by words that find several entries: chosen from a select beside it', async () => {
  const FORM = {
    kind: 'cooperation', title_sr: 'Споразум за избор', title_en: 'Choice agreement',
    party1: 'voict', party2: 'klaster', signed_on: '2025-03-01', valid_from: '2025-03-01',
    valid_until: '2027-03-01', status: 'signed', summary_sr: '', summary_en: '',
  };
  const n = count('SELECT count(*) FROM agreement');
  const r = await post(editor, '/agreements?lang=en', FORM);
  assert.equal(r.status, 422);
  const sel = r.text.match(/<select id="ag-party2-choice" name="party2_choice">(.*?)<\/select>/);
  assert.ok(sel, 'a select of the matching entries beside party 2');
  const other = [...sel[1].matchAll(/<option value="([a-z0-9-]+)">/g)].map((x) => x[1]).find((x) => x !== 'voict');
  assert.ok(other);
  assert.equal(count('SELECT count(*) FROM agreement'), n);
  const ok = await post(editor, '/agreements?lang=en', { ...FORM, party2_choice: other });
  assert.equal(ok.status, 303);
  assert.equal(count('SELECT count(*) FROM agreement'), n + 1);
});
