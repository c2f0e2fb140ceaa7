// advocacy.test.mjs: submissions, answers, meetings, the consultations
// tracker, stakeholder relations, the Atom feed and the secretariat's
// overview over HTTP (web_position_timeline.c, web_consultation.c,
// web_stakeholder.c, web_advocacy.c, api_advocacy.c): every route for
// every role; the path from signing to an answer with its stage steps and
// audit rows; bad input (an answer dated before the submission, a
// submission of a draft, a consultation deadline that is not a date) with
// a clear message beside the field and nothing changed; meeting notes
// hidden from everyone but the secretariat in HTML, JSON and CSV; the
// consultations feed parsed by ical.js; the Atom feed well-formed; the
// digest's consultation deadlines for a follower of the owning cluster.
//
// Positions are engineer 4's model, which this branch does not have: they
// are inserted into the test database directly (sqlite3), as the brief
// asks. Fixtures: the demo data (the Ministry of Economy, its two
// consultations and two meetings); people: the manager of VOICT (the
// positions' owner), the manager of NiCAT, a person with no affiliation,
// an editor and an admin.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import ICAL from 'ical.js';
import { startServer, scan, login, sqliteRun } from './lib.mjs';

const PW = 'advocacy pass phrase 2026';
const NOTE = 'Поверљива белешка секретаријата';
let srv;
const people = {};

function sqlite(sql) {
  const r = sqliteRun(srv.db, sql);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}
const count = (sql) => Number(sqlite(sql));

function addUser(email, extra = []) {
  const r = scan(['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', ...extra,
    '--db', srv.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
}

async function session(who) {
  if (!people[who]) people[who] = await login(srv.url, `${who}@example.com`, PW);
  return people[who];
}

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

async function api(s, method, path, json) {
  const res = await fetch(srv.url + path, {
    method, redirect: 'manual',
    headers: { 'Content-Type': 'application/json', Origin: srv.url, ...(s ? { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } : {}) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, text, json: /^[{[]/.test(text) ? JSON.parse(text) : null };
}

async function get(path, s) {
  const res = await fetch(srv.url + path, { headers: s ? { Cookie: s.cookie } : {}, redirect: 'manual' });
  return { status: res.status, headers: res.headers, location: res.headers.get('location'), text: await res.text() };
}

function fieldError(html, id) {
  const m = new RegExp(`<p class="field-error" id="${id}-error">(?:<span class="visually-hidden">[^<]*</span>)?([^<]*)</p>`).exec(html);
  return m ? m[1] : null;
}

// A position owned by VOICT at a stage, with its first version; its id. It
// was written on 2025-01-01 unless told otherwise (a submission is never
// dated before its position was written).
// Unix seconds of now, or of a UTC 'YYYY-MM-DD HH:MM' (SQLite's ${epoch()},
// which PostgreSQL lacks: the tests' SQL runs on both backends).
const epoch = (when) => Math.floor((when ? Date.parse(`${when.replace(' ', 'T')}Z`) : Date.now()) / 1000);

// Past the draft and consultation its owner has signed it (a position
// nobody signed cannot be submitted).
function newPosition(stage, title = 'Предлог о порезу на иновације', written = '2025-01-01 12:00') {
  const signed = !['draft', 'consultation'].includes(stage);
  return Number(sqlite(`INSERT INTO position(kind, owner_id, stage, created_at, updated_at)
      SELECT 'proposal', id, '${stage}', ${epoch(written)}, ${epoch()} FROM org WHERE slug = 'voict';
    INSERT INTO position_version(position_id, version, title_sr, title_en, body_sr, created_at)
      VALUES ((SELECT max(id) FROM position), 1, '${title}', 'Proposal on innovation tax', 'Текст.', ${epoch()});
    ${signed ? `INSERT INTO position_signature(position_id, org_id, signed_at, signed_by)
      SELECT (SELECT max(id) FROM position), id, ${epoch(written)}, (SELECT min(id) FROM person) FROM org WHERE slug = 'voict';` : ''}
    SELECT max(id) FROM position;`));
}

const ROLES = ['public', 'nobody', 'other_manager', 'manager', 'editor', 'admin'];
const state = () => sqlite(`SELECT (SELECT count(*) FROM position_submission) || '/' || (SELECT count(*) FROM position_outcome)
  || '/' || (SELECT count(*) FROM institution_meeting) || '/' || (SELECT count(*) FROM consultation)
  || '/' || (SELECT group_concat(title_sr || deadline_on, ';') FROM consultation)
  || '/' || (SELECT group_concat(stage, ',') FROM position) || '/' || (SELECT count(*) FROM position_step)
  || '/' || (SELECT count(*) FROM audit)`);

before(async () => {
  srv = await startServer({ demo: true });
  for (const [who, slug] of [['manager', 'voict'], ['other_manager', 'nicat']]) {
    addUser(`${who}@example.com`);
    assert.equal(scan(['user', 'role', `${who}@example.com`, 'manager', '--org', slug, '--db', srv.db]).status, 0);
  }
  addUser('nobody@example.com');
  addUser('editor@example.com', ['--editor']);
  addUser('admin@example.com', ['--admin']);
  sqlite(`INSERT INTO org(slug, name, name_en, kind, status, created_at, updated_at)
    VALUES ('privredna-komora', 'Привредна комора', 'Chamber of Commerce', 'chamber', 'published', ${epoch()}, ${epoch()})`);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('every route for every role: the owner\'s managers and the secretariat record, the secretariat keeps the tracker', async () => {
  const pos = newPosition('submitted');
  const sub = Number(sqlite(`INSERT INTO position_submission(position_id, institution_id, sent_on, channel, created_at)
    SELECT ${pos}, id, '2026-01-10', 'email', ${epoch()} FROM org WHERE slug = 'ministarstvo-privrede' RETURNING id`));
  const co = Number(sqlite('SELECT min(id) FROM consultation'));
  const RECORD = { public: false, nobody: false, other_manager: false, manager: true, editor: true, admin: true };
  const SEC = { public: false, nobody: false, other_manager: false, manager: false, editor: true, admin: true };
  const routes = [
    ['POST', `/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-01', channel: 'post' }, RECORD],
    ['POST', `/positions/${pos}/answers`, { submission: String(sub), outcome: 'no_answer', answered_on: '2026-04-01' }, RECORD],
    ['POST', `/positions/${pos}/meetings`, { institution: 'ministarstvo-privrede', met_on: '2026-02-03', attendees: 'SCAN', topics: 'Follow-up' }, RECORD],
    ['POST', '/consultations', { title_sr: 'Консултација права', deadline_on: '2099-01-01' }, SEC],
    ['POST', `/consultations/${co}`, { title_sr: sqlite(`SELECT title_sr FROM consultation WHERE id = ${co}`), deadline_on: sqlite(`SELECT deadline_on FROM consultation WHERE id = ${co}`), institution: 'ministarstvo-privrede' }, SEC],
    ['POST', '/orgs/ministarstvo-privrede/meetings', { met_on: '2026-03-01', attendees: 'SCAN', topics: 'Rights' }, SEC],
    ['API', 'POST', '/api/v1/consultations', { title_sr: 'API консултација', deadline_on: '2099-02-01' }, SEC],
    ['API', 'PATCH', `/api/v1/consultations/${co}`, { url: 'https://example.org/c' }, SEC],
    ['API', 'POST', `/api/v1/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-02', channel: 'portal' }, RECORD],
    ['API', 'POST', `/api/v1/positions/${pos}/submissions/${sub}/outcome`, { outcome: 'no_answer', answered_on: '2026-04-02' }, RECORD],
  ];
  for (const role of ROLES) {
    const s = role === 'public' ? null : await session(role);
    for (const rt of routes) {
      const before = state();
      let r;
      let allowed;
      if (rt[0] === 'API') {
        r = await api(s, rt[1], rt[2], rt[3]);
        allowed = rt[4][role];
      } else {
        r = await post(s, rt[1], rt[2]);
        allowed = rt[3][role];
      }
      const what = `${role} ${rt[0]} ${rt[1]} ${rt[0] === 'API' ? rt[2] : ''}`;
      if (allowed) {
        assert.ok([200, 201, 303].includes(r.status), `${what}: ${r.status} ${r.text.slice(0, 300)}`);
        assert.notEqual(state(), before, `${what} stored something`);
      } else {
        const want = role === 'public' ? [401, 303] : [403];
        assert.ok(want.includes(r.status), `${what}: ${r.status} ${r.text.slice(0, 200)}`);
        assert.equal(state(), before, `${what} changed nothing`);
      }
    }
  }
  // the reads: public ones for everyone, the overview for the secretariat
  for (const role of ROLES) {
    const s = role === 'public' ? null : await session(role);
    for (const path of ['/consultations', '/consultations.ics', '/positions.atom', `/positions/${pos}/timeline`,
      '/orgs/ministarstvo-privrede/stakeholder', '/api/v1/consultations', `/api/v1/consultations/${co}`,
      `/api/v1/positions/${pos}/submissions`])
      assert.equal((await get(path, s)).status, 200, `${role} GET ${path}`);
    const ov = await get('/admin/advocacy', s);
    if (SEC[role]) assert.equal(ov.status, 200, `${role} overview`);
    else if (role === 'public') assert.equal(ov.status, 303);
    else assert.equal(ov.status, 403, `${role} overview`);
  }
});

test('a position before submission: only its owner\'s managers and the secretariat see its timeline; a draft cannot be submitted', async () => {
  const draft = newPosition('draft');
  for (const role of ROLES) {
    const s = role === 'public' ? null : await session(role);
    const r = await get(`/positions/${draft}/timeline`, s);
    assert.equal(r.status, RECORDS(role) ? 200 : 404, `${role} timeline of a draft`);
    const a = await get(`/api/v1/positions/${draft}/submissions`, s);
    assert.equal(a.status, RECORDS(role) ? 200 : 404, `${role} API of a draft`);
  }
  const m = await session('manager');
  const before = state();
  const r = await post(m, `/positions/${draft}/submissions?lang=en`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-01', channel: 'email' });
  assert.equal(r.status, 422);
  assert.match(r.text, /Only a position open for signature or already submitted can be submitted/);
  assert.equal(state(), before, 'nothing stored');
  const j = await api(m, 'POST', `/api/v1/positions/${draft}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-01', channel: 'email' });
  assert.equal(j.status, 422);
  assert.match(j.text, /"stage"/);
  assert.equal(state(), before);
});

function RECORDS(role) {
  return role === 'manager' || role === 'editor' || role === 'admin';
}

test('from signing to an answer: the stage moves with a dated step, each write audited; the timeline shows it in order', async () => {
  const pos = newPosition('signing', 'Став о јавним набавкама');
  const m = await session('manager');
  const steps = () => sqlite(`SELECT group_concat(stage, ',') FROM position_step WHERE position_id = ${pos}`);
  // not an institution: a cluster is refused beside its field
  let r = await post(m, `/positions/${pos}/submissions?lang=en`, { institution: 'vmc', sent_on: '2026-03-01', channel: 'email' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r.text, 'adv-sub-inst'), 'Choose a published institution (public authority, chamber, donor or NGO).');
  // a date in the future is refused
  r = await post(m, `/positions/${pos}/submissions?lang=en`, { institution: 'ministarstvo-privrede', sent_on: '2099-03-01', channel: 'email' });
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, 'adv-sent'), /in the future/);
  r = await post(m, `/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-03-01', channel: 'email', reference: '011-00-12/2026', document_url: 'https://example.org/letter.pdf' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${pos}`), 'submitted');
  assert.equal(steps(), 'submitted');
  assert.equal(count(`SELECT count(*) FROM position_addressee WHERE position_id = ${pos}`), 1, 'the institution is an addressee');
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'position_submit' AND entity_id = ${pos}`), 1);
  // a second institution while submitted: allowed, the stage stays
  r = await post(m, `/positions/${pos}/submissions`, { institution: 'privredna-komora', sent_on: '2026-03-02', channel: 'post' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(steps(), 'submitted', 'no second step');
  assert.equal(count(`SELECT count(*) FROM position_addressee WHERE position_id = ${pos}`), 2);
  const sub = Number(sqlite(`SELECT s.id FROM position_submission s JOIN org o ON o.id = s.institution_id WHERE s.position_id = ${pos} AND o.slug = 'ministarstvo-privrede'`));
  // an answer dated before the submission: a clear message, nothing changed
  const before = state();
  r = await post(m, `/positions/${pos}/answers?lang=en`, { submission: String(sub), outcome: 'partly', answered_on: '2026-02-27' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r.text, 'adv-answered'), 'The answer cannot be dated before the submission was sent.');
  assert.match(r.text, /value="2026-02-27"/, 'the date is shown again as typed');
  assert.equal(state(), before, 'nothing stored');
  const j = await api(m, 'POST', `/api/v1/positions/${pos}/submissions/${sub}/outcome`, { outcome: 'partly', answered_on: '2026-02-27' });
  assert.equal(j.status, 422);
  assert.match(j.text, /answered_on/);
  assert.match(j.text, /cannot be dated before the submission/);
  assert.equal(state(), before);
  // a date that is no date
  r = await post(m, `/positions/${pos}/answers?lang=en`, { submission: String(sub), outcome: 'partly', answered_on: '31.2.2026' });
  assert.equal(r.status, 422);
  assert.ok(fieldError(r.text, 'adv-answered'), 'an error beside the date');
  assert.equal(state(), before);
  // the answer
  r = await post(m, `/positions/${pos}/answers`, { submission: String(sub), outcome: 'partly', answered_on: '2026-04-15', note: 'Два од пет предлога прихваћена.' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${pos}`), 'answered');
  assert.equal(steps(), 'submitted,answered');
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'position_answer' AND entity_id = ${pos}`), 1);
  // a second answer to the same submission is refused
  r = await post(m, `/positions/${pos}/answers?lang=en`, { submission: String(sub), outcome: 'accepted', answered_on: '2026-04-16' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r.text, 'adv-ans-sub'), 'This submission has an answer already.');
  // after the answer, no new submission: the form says why
  const before2 = state();
  r = await post(m, `/positions/${pos}/submissions?lang=en`, { institution: 'privredna-komora', sent_on: '2026-04-20', channel: 'portal' });
  assert.equal(r.status, 422);
  assert.match(r.text, /Only a position open for signature or already submitted can be submitted/);
  assert.equal(state(), before2);
});

test('a submission dated before its position was written is refused beside the date, on the page and in the API; nothing changes', async () => {
  const pos = newPosition('signing', 'Став написан у марту', '2026-03-10 12:00');
  const m = await session('manager');
  const before = state();
  const r = await post(m, `/positions/${pos}/submissions?lang=en`, { institution: 'ministarstvo-privrede', sent_on: '2026-03-09', channel: 'email' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r.text, 'adv-sent'), 'The submission cannot be dated before the position was written.');
  assert.match(r.text, /value="2026-03-09"/, 'the date is shown again as typed');
  const sr = await post(m, `/positions/${pos}/submissions?lang=sr`, { institution: 'ministarstvo-privrede', sent_on: '2026-03-09', channel: 'email' });
  assert.equal(fieldError(sr.text, 'adv-sent'), 'Упућивање не може бити датирано пре него што је став написан.');
  const j = await api(m, 'POST', `/api/v1/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-03-09', channel: 'email' });
  assert.equal(j.status, 422);
  assert.match(j.text, /"sent_on"/);
  assert.match(j.text, /before the position was written/);
  // a date in the future, in the API too
  const f = await api(m, 'POST', `/api/v1/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2099-03-09', channel: 'email' });
  assert.equal(f.status, 422);
  assert.match(f.text, /future/);
  assert.equal(state(), before, 'nothing stored');
  // the day it was written is fine
  assert.equal((await post(m, `/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-03-10', channel: 'email' })).status, 303);
});

test('same-day entries of the timeline in the order recorded: "Submitted to" before "Answered"', async () => {
  const pos = newPosition('signing', 'Став истог дана');
  const m = await session('manager');
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Belgrade' });
  assert.equal((await post(m, `/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: today, channel: 'email' })).status, 303);
  const sub = sqlite(`SELECT id FROM position_submission WHERE position_id = ${pos}`);
  assert.equal((await post(m, `/positions/${pos}/answers`, { submission: sub, outcome: 'partly', answered_on: today })).status, 303);
  const t = await get(`/positions/${pos}/timeline?lang=en`);
  assert.equal(t.status, 200);
  const order = [...t.text.matchAll(/<li class="adv-tl-([a-z-]+)"/g)].map((x) => x[1]).join();
  // each step is recorded with the submission or answer that made it, in
  // the same second: the two requests may fall in one second (records,
  // then the steps they made) or in two (on a loaded machine); either way
  // "Submitted to" comes first and every step after the record that made it
  assert.ok(['submission,answer,step,step', 'submission,step,answer,step'].includes(order), order);
});

test('the timeline is in date order and says "no answer after N days" when an institution is silent', async () => {
  const pos = newPosition('signing', 'Став о извозу');
  const m = await session('manager');
  assert.equal((await post(m, `/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2025-01-10', channel: 'email' })).status, 303);
  assert.equal((await post(m, `/positions/${pos}/meetings`, { institution: 'ministarstvo-privrede', met_on: '2025-02-01', attendees: 'Менаџерка VOICT-а', topics: 'Извоз' })).status, 303);
  // a meeting before the position was written, or after today, is refused beside its field
  const meetings = () => sqlite(`SELECT count(*) FROM institution_meeting WHERE position_id = ${pos}`);
  const had = meetings();
  const early = await post(m, `/positions/${pos}/meetings?lang=en`, { institution: 'ministarstvo-privrede', met_on: '2001-01-01', attendees: 'SCAN', topics: 'Извоз' });
  assert.equal(early.status, 422);
  assert.match(early.text, /The meeting cannot be dated before the position was written/);
  const late = await post(m, `/positions/${pos}/meetings?lang=en`, { institution: 'ministarstvo-privrede', met_on: '2099-01-01', attendees: 'SCAN', topics: 'Извоз' });
  assert.equal(late.status, 422);
  assert.match(late.text, /future/i);
  assert.equal(meetings(), had, 'nothing stored');
  const t = await get(`/positions/${pos}/timeline?lang=en`);
  assert.equal(t.status, 200);
  const order = [...t.text.matchAll(/<li class="adv-tl-([a-z-]+)"><time datetime="([0-9-]+)"/g)].map((x) => [x[1], x[2]]);
  assert.deepEqual(order.map((x) => x[0]), ['submission', 'meeting', 'step', 'no-answer'], 'the step to submitted is dated today');
  const dates = order.map((x) => x[1]);
  assert.deepEqual([...dates].sort(), dates, 'in date order');
  assert.match(t.text, /has not answered after 60 days/);
  const j = await api(null, 'GET', `/api/v1/positions/${pos}/submissions`);
  assert.equal(j.json.items[0].overdue, true);
  assert.equal(j.json.no_answer_days, 60);
  // N is configurable
  sqlite("UPDATE app_meta SET value = '3000' WHERE key = 'advocacy_no_answer_days'");
  assert.doesNotMatch((await get(`/positions/${pos}/timeline?lang=en`)).text, /has not answered after/);
  sqlite("UPDATE app_meta SET value = '60' WHERE key = 'advocacy_no_answer_days'");
});

test('consultations: the secretariat adds and edits, a deadline that is no date is refused, the feed parses', async () => {
  const ed = await session('editor');
  const before = state();
  let r = await post(ed, '/consultations?lang=en', { title_sr: 'Нацрт закона о кластерима', deadline_on: 'next Friday', url: 'ftp://x' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r.text, 'co-deadline'), 'Write a real date as YYYY-MM-DD, such as 2026-03-15.');
  assert.ok(fieldError(r.text, 'co-url'), 'the link too');
  assert.match(r.text, /value="next Friday"/);
  assert.equal(state(), before, 'nothing stored');
  const j = await api(ed, 'POST', '/api/v1/consultations', { title_sr: 'Нацрт', deadline_on: '2026-02-30' });
  assert.equal(j.status, 422);
  assert.match(j.text, /deadline_on/);
  assert.equal(state(), before);
  const pos = newPosition('submitted', 'Одговор на нацрт закона о кластерима'); // public: the tracker lists public positions only
  r = await post(ed, '/consultations', { title_sr: 'Нацрт закона о кластерима', title_en: 'Draft law on clusters', institution: 'ministarstvo-privrede', url: 'https://example.org/c', deadline_on: '2099-06-30', position: String(pos) });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const id = Number(/consultation-(\d+)/.exec(r.location)[1]);
  assert.equal(count(`SELECT consultation_id FROM position WHERE id = ${pos}`), id, 'the answering position is linked');
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'consultation_add' AND entity_id = ${id}`), 1);
  const page = await get('/consultations?lang=en');
  assert.match(page.text, /Draft law on clusters/);
  assert.match(page.text, /Deadline: /);
  r = await post(ed, `/consultations/${id}`, { title_sr: 'Нацрт закона о кластерима (измењен)', deadline_on: '2099-07-15' });
  assert.equal(r.status, 303);
  assert.equal(sqlite(`SELECT deadline_on FROM consultation WHERE id = ${id}`), '2099-07-15');
  // the feed: one VEVENT per consultation, parsed by ical.js, the deadline at the end of the day in Belgrade
  const ics = await get('/consultations.ics?lang=en');
  assert.match(ics.headers.get('content-type'), /text\/calendar/);
  const comp = new ICAL.Component(ICAL.parse(ics.text));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  const events = comp.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  assert.equal(events.length, count('SELECT count(*) FROM consultation'));
  const mine = events.find((e) => e.uid.startsWith(`consultation-${id}@`));
  assert.ok(mine, 'the new consultation is in the feed');
  assert.match(mine.summary, /Draft law on clusters|izmenjen/);
  const start = mine.startDate.toJSDate();
  assert.equal(start.toISOString(), '2099-07-15T21:59:00.000Z', '23:59 in Belgrade (CEST)');
  // the API lists it
  const list = await api(null, 'GET', '/api/v1/consultations');
  assert.ok(list.json.items.some((c) => c.id === id && c.positions.some((p) => p.id === pos)));
});

test('meeting notes: the secretariat alone reads them, in HTML, JSON and CSV', async () => {
  const ed = await session('editor');
  const r = await post(ed, '/orgs/ministarstvo-privrede/meetings', { met_on: '2026-03-10', attendees: 'Секретаријат SCAN-а', topics: 'Кластери у стратегији', notes: NOTE });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(sqlite(`SELECT notes FROM institution_meeting WHERE notes = '${NOTE}'`), NOTE);
  assert.doesNotMatch(sqlite("SELECT group_concat(detail) FROM audit WHERE action = 'institution_meeting'"), /Поверљива/, 'not in the audit either');
  for (const role of ROLES) {
    const s = role === 'public' ? null : await session(role);
    const page = await get('/orgs/ministarstvo-privrede/stakeholder?lang=en', s);
    assert.equal(page.status, 200);
    // English shows Serbian free text in Latin script (web_org_text)
    assert.match(page.text, /Klasteri u strategiji/, `${role} sees the topics`);
    if (role === 'editor' || role === 'admin') assert.match(page.text, /Poverljiva beleška sekretarijata/, `${role} reads the notes`);
    else assert.doesNotMatch(page.text, /Поверљива|Poverljiva|Министарство тражи|Ministarstvo traži/, `${role} does not`);
    const cyr = await get('/orgs/ministarstvo-privrede/stakeholder?lang=sr-Cyrl', s);
    if (role === 'editor' || role === 'admin') assert.match(cyr.text, new RegExp(NOTE));
    else assert.doesNotMatch(cyr.text, /Поверљива|Министарство тражи/);
    for (const path of ['/api/v1/consultations', '/positions.atom', '/consultations.ics'])
      assert.doesNotMatch((await get(path, s)).text, /Поверљива|Poverljiva|Министарство тражи|Ministarstvo traži/, `${role} ${path}`);
  }
  const admin = await session('admin');
  for (const t of ['stages', 'outcomes', 'institutions']) {
    const csv = await get(`/admin/advocacy?table=${t}&format=csv`, admin);
    assert.equal(csv.status, 200);
    assert.doesNotMatch(csv.text, /Поверљива|Министарство тражи/);
  }
  // a meeting with something that is not an institution is refused
  const before = state();
  const bad = await post(ed, '/orgs/voict/meetings?lang=en', { met_on: '2026-03-10', attendees: 'SCAN', topics: 'x' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /Choose a published institution/);
  assert.equal(state(), before);
});

test('the overview: stages, outcomes, days to an answer, as charts, tables and files', async () => {
  const pos = newPosition('answered', 'Став за преглед');
  sqlite(`INSERT INTO position_submission(id, position_id, institution_id, sent_on, channel, created_at)
      SELECT 9000, ${pos}, id, '2026-01-05', 'email', 0 FROM org WHERE slug = 'ministarstvo-privrede';
    INSERT INTO position_outcome(submission_id, outcome, answered_on, created_at) VALUES (9000, 'accepted', '2026-01-25', 0)`);
  const admin = await session('admin');
  const page = await get('/admin/advocacy?lang=en', admin);
  assert.equal(page.status, 200);
  assert.match(page.text, /<svg/);
  assert.match(page.text, /id="adv-stages-table"/);
  assert.match(page.text, /id="adv-outcomes-table"/);
  assert.match(page.text, /id="adv-institutions-table"/);
  assert.match(page.text, /of submitted positions were at least partly accepted/);
  const csv = await get('/admin/advocacy?table=institutions&format=csv&lang=en', admin);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.text, /Ministry of Economy/);
  const xlsx = await get('/admin/advocacy?table=outcomes&format=xlsx', admin);
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheet/);
  assert.equal((await get('/admin/advocacy?table=nope&format=csv', admin)).status, 400);
  // the secretariat finds it on the start page; a cluster manager does not
  assert.match((await get('/start?lang=en', admin)).text, /href="\/admin\/advocacy"/);
  assert.doesNotMatch((await get('/start?lang=en', await session('manager'))).text, /href="\/admin\/advocacy"/);
});

test('the Atom feed of submitted positions is well-formed and lists only submitted ones', async () => {
  const feed = await get('/positions.atom?lang=en');
  assert.match(feed.headers.get('content-type'), /application\/atom\+xml/);
  const lint = spawnSync('xmllint', ['--noout', '-'], { input: feed.text, encoding: 'utf8' });
  assert.equal(lint.status, 0, lint.stderr);
  assert.match(feed.text, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
  assert.match(feed.text, /Став о јавним набавкама|Proposal on innovation tax/);
  const draftTitle = 'Нацрт који нико не сме да види';
  newPosition('draft', draftTitle);
  assert.doesNotMatch((await get('/positions.atom')).text, new RegExp(draftTitle));
});

test('the digest: coming consultation deadlines for a follower of the owning cluster and the secretariat', async () => {
  const pos = newPosition('consultation', 'Одговор на консултацију о дигиталној трговини');
  const id = Number(sqlite(`INSERT INTO consultation(title_sr, deadline_on, created_at, updated_at)
    VALUES ('Консултација о дигиталној трговини', '${new Date(Date.now() + 7 * 86400e3).toISOString().slice(0, 10)}', ${epoch()}, ${epoch()}) RETURNING id`));
  sqlite(`UPDATE position SET consultation_id = ${id} WHERE id = ${pos}`);
  sqlite(`INSERT INTO notify_follow(person_id, cluster_id, created_at) SELECT p.id, o.id, ${epoch()}
    FROM person p, org o WHERE p.email = 'nobody@example.com' AND o.slug = 'voict'`);
  const r = scan(['digest', 'run', '--now', '--db', srv.db, '--base-url', 'https://scan.example']);
  assert.equal(r.status, 0, r.stderr);
  const body = (who) => sqlite(`SELECT group_concat(body, '|') FROM outbox WHERE to_addr = '${who}@example.com' AND subject LIKE 'SCAN:%W%'`);
  assert.match(body('nobody'), /Консултација о дигиталној трговини/);
  assert.match(body('nobody'), /https:\/\/scan\.example\/consultations#consultation-\d+/);
  assert.match(body('editor'), /Консултација о дигиталној трговини/);
  assert.doesNotMatch(body('other_manager'), /дигиталној трговини/);
});
