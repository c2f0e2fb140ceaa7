// devplan.test.mjs: development plans, mentoring and the support log over
// HTTP (web_devplan.c, web_mentoring.c, web_support.c, api_devplan.c):
// rights of every new route for every role (a manager of another cluster
// reads and edits neither the plan nor the pairing), bad input on every
// field (a clear 422 beside the field, nothing stored), the plan's
// history, the start page and digest sections (only for the team, only
// with overdue actions), the mentoring mail to both teams, the support
// report's counts and its CSV.
//
// Fixtures: the demo data (scan init --demo): VOICT has an illustrative
// plan with an overdue action; the demo initiative is mentored by VMC.
// People: managers of VOICT, VMC and NiCAT, a person with no affiliation,
// an editor and an admin.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, makeToken, sqliteRun, belgradeToday } from './lib.mjs';

const PW = 'devplan pass phrase 2026';
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
  for (const [k, v] of Object.entries(form)) {
    if (Array.isArray(v)) v.forEach((x) => body.append(k, x));
    else body.append(k, v);
  }
  if (s) body.append('_csrf', s.csrf);
  const res = await fetch(srv.url + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, ...(s ? { Cookie: s.cookie } : {}) },
    body: body.toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function get(path, s, headers = {}) {
  const res = await fetch(srv.url + path, { headers: { ...(s ? { Cookie: s.cookie } : {}), ...headers }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, location: res.headers.get('location'), text: await res.text() };
}

// The error text shown beside the field with that id (p.field-error).
function fieldError(html, id) {
  const m = new RegExp(`<p class="field-error" id="${id}-error">(?:<span class="visually-hidden">[^<]*</span>)?([^<]*)</p>`).exec(html);
  return m ? m[1] : null;
}

const ROLES = ['public', 'nobody', 'other_manager', 'manager', 'editor', 'admin'];

before(async () => {
  srv = await startServer({ demo: true });
  for (const [who, slug] of [['manager', 'voict'], ['mentor_manager', 'vmc'], ['other_manager', 'nicat']]) {
    addUser(`${who}@example.com`);
    assert.equal(scan(['user', 'role', `${who}@example.com`, 'manager', '--org', slug, '--db', srv.db]).status, 0);
  }
  addUser('nobody@example.com');
  addUser('editor@example.com', ['--editor']);
  addUser('admin@example.com', ['--admin']);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const goalId = () => Number(sqlite("SELECT min(g.id) FROM devplan_goal g JOIN org o ON o.id = g.org_id WHERE o.slug = 'voict'"));
const actionId = () => Number(sqlite("SELECT min(a.id) FROM devplan_action a JOIN devplan_goal g ON g.id = a.goal_id JOIN org o ON o.id = g.org_id WHERE o.slug = 'voict'"));
const planRows = () => sqlite("SELECT (SELECT count(*) FROM devplan_goal) || '/' || (SELECT count(*) FROM devplan_goal_group) || '/' || (SELECT count(*) FROM devplan_action) || '/' || (SELECT group_concat(status || deadline || coalesce(done_on, '') || title, ';') FROM devplan_action) || '/' || (SELECT count(*) FROM devplan_review) || '/' || (SELECT count(*) FROM audit WHERE entity = 'devplan')");

test('the plan page and every plan write: the team and the secretariat only', async () => {
  const g = goalId();
  const a = actionId();
  const routes = [
    ['GET', '/orgs/voict/plan'],
    ['POST', '/orgs/voict/plan/goals', { title: 'Rights goal', groups: 'services' }],
    ['POST', `/orgs/voict/plan/goals/${g}`, { title: 'Услуге које чланице плаћају', groups: ['financing', 'services'] }],
    ['POST', `/orgs/voict/plan/goals/${g}/actions`, { title: 'Rights action', deadline: '2099-01-01', status: 'planned' }],
    ['POST', `/orgs/voict/plan/actions/${a}`, { title: 'Анкета чланица о услугама које би плаћале', owner_text: 'Извршна директорка', deadline: sqlite(`SELECT deadline FROM devplan_action WHERE id = ${a}`), status: 'in_progress' }],
    ['POST', '/orgs/voict/plan/review', { year: '2025', body: 'Rights review.' }],
    ['GET', '/api/v1/clusters/voict/plan'],
  ];
  const allowed = { public: false, nobody: false, other_manager: false, manager: true, editor: true, admin: true };
  for (const role of ROLES) {
    const s = role === 'public' ? null : await session(role);
    for (const [method, path, form] of routes) {
      const before = planRows();
      const r = method === 'GET' ? await get(path, s) : await post(s, path, form);
      if (allowed[role]) {
        assert.ok(r.status === 200 || r.status === 303, `${role} ${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
      } else {
        const want = role === 'public' ? [401, 303] : [403];
        assert.ok(want.includes(r.status), `${role} ${method} ${path}: ${r.status}`);
        if (role === 'public' && r.status === 303) assert.match(r.location, /^\/login/);
        assert.equal(planRows(), before, `${role} ${method} ${path} changed nothing`);
        assert.doesNotMatch(r.text, /Анкета чланица/, 'nothing of the plan leaks');
      }
    }
  }
  // not a cluster, or no such goal/action in this cluster: 404
  const m = await session('manager');
  assert.equal((await get('/orgs/scan-no-such/plan', m)).status, 404);
  const other = Number(sqlite("SELECT id FROM devplan_goal WHERE org_id <> (SELECT id FROM org WHERE slug = 'voict') LIMIT 1") || 0);
  assert.equal((await post(m, '/orgs/voict/plan/goals/999999/actions', { title: 'x', deadline: '2099-01-01', status: 'planned' })).status, 404);
  assert.equal((await post(m, '/orgs/voict/plan/actions/999999', { title: 'x', deadline: '2099-01-01', status: 'planned' })).status, 404);
  assert.equal(other, 0);
  // the API with a read-only token of the manager; another cluster's manager: 403
  const tok = await makeToken(srv.url, m, 'read');
  const api = await get('/api/v1/clusters/voict/plan', null, { Authorization: `Bearer ${tok}` });
  assert.equal(api.status, 200, api.text);
  const plan = JSON.parse(api.text);
  assert.equal(plan.cluster, 'voict');
  assert.ok(plan.overdue >= 1);
  assert.ok(plan.goals[0].groups.includes('financing'));
  assert.ok(plan.goals.some((x) => x.actions.some((y) => y.overdue && y.status === 'in_progress')));
  const tok2 = await makeToken(srv.url, await session('other_manager'), 'read');
  assert.equal((await get('/api/v1/clusters/voict/plan', null, { Authorization: `Bearer ${tok2}` })).status, 403);
  assert.equal((await get('/api/v1/clusters/no-such/plan', null, { Authorization: `Bearer ${tok}` })).status, 404);
});

test('a manager adds a goal and an action, marks it done; the history says who changed what', async () => {
  const m = await session('manager');
  const made = await post(m, '/orgs/voict/plan/goals', { title: 'Нове чланице, "пет"', description: 'Пет нових чланица.', groups: ['structure', 'interaction'] });
  assert.equal(made.status, 303, made.text.slice(0, 400));
  const g = Number(sqlite("SELECT max(id) FROM devplan_goal"));
  assert.match(made.location, new RegExp(`^/orgs/voict/plan\\?saved=1#goal-${g}$`));
  assert.equal(sqlite(`SELECT group_concat(grp, ' ') FROM (SELECT grp FROM devplan_goal_group WHERE goal_id = ${g} ORDER BY grp) AS g`), 'interaction structure');
  const me = Number(sqlite("SELECT id FROM person WHERE email = 'manager@example.com'"));
  const act = await post(m, `/orgs/voict/plan/goals/${g}/actions`, { title: 'Позвати 20 фирми', owner: String(me), deadline: '2099-06-30', status: 'planned' });
  assert.equal(act.status, 303, act.text.slice(0, 400));
  const a = Number(sqlite('SELECT max(id) FROM devplan_action'));
  const page = await get('/orgs/voict/plan?lang=en', m);
  assert.equal(page.status, 200);
  assert.match(page.text, /Structure of the cluster/);
  assert.match(page.text, new RegExp(`id="action-${a}"`));
  assert.match(page.text, /Overdue/, 'the demo action past its deadline is marked');
  const before = belgradeToday();
  const done = await post(m, `/orgs/voict/plan/actions/${a}`, { title: 'Позвати 20 фирми', owner: String(me), deadline: '2099-06-30', status: 'done' });
  assert.equal(done.status, 303, done.text.slice(0, 400));
  const stored = sqlite(`SELECT status || ' ' || done_on FROM devplan_action WHERE id = ${a}`);
  assert.ok([`done ${before}`, `done ${belgradeToday()}`].includes(stored), `done today in Belgrade when no date is given: ${stored}`);
  const after = await get('/orgs/voict/plan?lang=en', m);
  assert.match(after.text, /History of the plan/);
  assert.match(after.text, /Action changed<\/td><td>Pozvati 20 firmi · Done/);
  assert.match(after.text, /<td>manager<\/td><td>Goal added<\/td><td>Nove članice, &quot;pet&quot;<\/td>/, `a title with a comma and quotes, whole: ${/Goal added.{0,120}/.exec(after.text)}`);
  assert.equal(count(`SELECT count(*) FROM audit WHERE entity = 'devplan' AND action = 'devplan_action_update' AND actor_id = ${me} AND detail LIKE '%"action":${a},%'`), 1);
  // the review of a year: saved, then replaced
  assert.equal((await post(m, '/orgs/voict/plan/review', { year: '2026', body: 'Прва верзија.' })).status, 303);
  assert.equal((await post(m, '/orgs/voict/plan/review', { year: '2026', body: 'Друга верзија.', reviewed_on: '2026-11-30' })).status, 303);
  assert.equal(sqlite("SELECT body || ' ' || reviewed_on FROM devplan_review WHERE year = 2026"), 'Друга верзија. 2026-11-30');
  // the owner, someone of another cluster's team: refused
  const outsider = Number(sqlite("SELECT id FROM person WHERE email = 'other_manager@example.com'"));
  const bad = await post(m, `/orgs/voict/plan/actions/${a}`, { title: 'x', owner: String(outsider), deadline: '2099-06-30', status: 'done' });
  assert.equal(bad.status, 422);
  assert.match(fieldError(bad.text, `action-${a}-edit-owner`), /current management team/);
});

test('bad input on every field: a 422 with the message beside the field, nothing stored', async () => {
  const m = await session('manager');
  const g = goalId();
  const a = actionId();
  const long = 'ж'.repeat(201);
  const cases = [
    [`/orgs/voict/plan/goals`, { title: '', groups: 'services' }, 'goal-new-title', /required/],
    [`/orgs/voict/plan/goals`, { title: long, groups: 'services' }, 'goal-new-title', /at most 200/],
    [`/orgs/voict/plan/goals`, { title: 'Line\u0007bell', groups: 'services' }, 'goal-new-title', /control characters/],
    [`/orgs/voict/plan/goals`, { title: 'ok', description: 'ж'.repeat(5001), groups: 'services' }, 'goal-new-description', /at most 5000/],
    [`/orgs/voict/plan/goals`, { title: 'ok' }, 'goal-new-groups', /at least one/],
    [`/orgs/voict/plan/goals`, { title: 'ok', groups: ['services', 'bronze'] }, 'goal-new-groups', /at least one benchmarking group from the list/],
    [`/orgs/voict/plan/goals/${g}`, { title: '', groups: 'services' }, `goal-${g}-edit-title`, /required/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: '', deadline: '2099-01-01', status: 'planned' }, `goal-${g}-new-action-title`, /required/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: long, deadline: '2099-01-01', status: 'planned' }, `goal-${g}-new-action-title`, /at most 200/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: 'ok', deadline: '2026-02-30', status: 'planned' }, `goal-${g}-new-action-deadline`, /real date/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: 'ok', deadline: '', status: 'planned' }, `goal-${g}-new-action-deadline`, /required/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: 'ok', deadline: '2099-01-01', status: 'finished' }, `goal-${g}-new-action-status`, /offered options/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: 'ok', deadline: '2099-01-01', status: 'planned', done_on: '2026-01-01' }, `goal-${g}-new-action-done-on`, /only with the status Done/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: 'ok', deadline: '2099-01-01', status: 'done', done_on: '1 Jan' }, `goal-${g}-new-action-done-on`, /real date/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: 'ok', deadline: '2099-01-01', status: 'planned', owner: 'abc' }, `goal-${g}-new-action-owner`, /management team/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: 'ok', deadline: '2099-01-01', status: 'planned', owner: '999999' }, `goal-${g}-new-action-owner`, /management team/],
    [`/orgs/voict/plan/goals/${g}/actions`, { title: 'ok', deadline: '2099-01-01', status: 'planned', owner_text: long }, `goal-${g}-new-action-owner-text`, /at most 200/],
    [`/orgs/voict/plan/actions/${a}`, { title: 'ok', deadline: '2099-13-01', status: 'planned' }, `action-${a}-edit-deadline`, /real date/],
    ['/orgs/voict/plan/review', { year: '1800', body: 'x' }, 'review-year', /between/],
    ['/orgs/voict/plan/review', { year: 'last', body: 'x' }, 'review-year', /whole number/],
    ['/orgs/voict/plan/review', { year: '2025', body: '' }, 'review-body', /required/],
    ['/orgs/voict/plan/review', { year: '2025', body: 'x', reviewed_on: '2025-02-29' }, 'review-on', /real date/],
  ];
  for (const [path, form, id, re] of cases) {
    const before = planRows();
    const r = await post(m, path, form);
    assert.equal(r.status, 422, `${path} ${JSON.stringify(form).slice(0, 80)}: ${r.status}`);
    const msg = fieldError(r.text, id);
    assert.ok(msg, `an error beside #${id} for ${JSON.stringify(form).slice(0, 80)}`);
    assert.match(msg, re, `#${id}`);
    if (!path.endsWith('/plan/goals')) assert.match(r.text, /<details[^>]* open>/, 'the form that failed is open');
    assert.equal(planRows(), before, 'nothing stored');
  }
  // a typed value comes back as typed
  const r = await post(m, `/orgs/voict/plan/goals/${g}/actions`, { title: 'Као откуцано', deadline: '2026-02-30', status: 'planned' });
  assert.match(r.text, /value="Као откуцано"/);
  assert.match(r.text, /value="2026-02-30"/);
});

test('start page and digest: overdue actions for the team only, and only when there are some', async () => {
  const m = await session('manager');
  const start = await get('/start?lang=en', m);
  assert.match(start.text, /id="plan-work"/);
  assert.match(start.text, /Actions past their deadline: 1\./);
  const o = await session('other_manager');
  const ostart = await get('/start?lang=en', o);
  assert.doesNotMatch(ostart.text, /id="plan-work"/, 'nothing overdue, no pairing: no section');
  // NiCAT gets a plan with nothing overdue
  assert.equal((await post(o, '/orgs/nicat/plan/goals', { title: 'Future', groups: 'services' })).status, 303);
  const ng = Number(sqlite('SELECT max(id) FROM devplan_goal'));
  assert.equal((await post(o, `/orgs/nicat/plan/goals/${ng}/actions`, { title: 'Later', deadline: '2099-01-01', status: 'planned' })).status, 303);
  // an action already done long ago is not overdue either
  assert.equal((await post(o, `/orgs/nicat/plan/goals/${ng}/actions`, { title: 'Old done', deadline: '2001-01-01', status: 'done', done_on: '2001-01-01' })).status, 303);
  assert.doesNotMatch((await get('/start', o)).text, /id="plan-work"/);
  const r = scan(['digest', 'run', '--now', '--db', srv.db, '--base-url', 'https://scan.example']);
  assert.equal(r.status, 0, r.stderr);
  const body = (who) => sqlite(`SELECT group_concat(body, '|') FROM outbox WHERE to_addr = '${who}@example.com' AND subject LIKE 'SCAN:%W%'`);
  const mine = body('manager');
  assert.match(mine, /Активности у плановима развоја којима је прошао рок|Overdue actions of your development plans/);
  assert.match(mine, /Анкета чланица о услугама које би плаћале/);
  assert.match(mine, /https:\/\/scan\.example\/orgs\/voict\/plan#action-\d+/);
  assert.doesNotMatch(body('other_manager'), /прошао рок|Overdue actions/);
  assert.doesNotMatch(body('nobody'), /прошао рок|Overdue actions/);
  assert.doesNotMatch(body('editor'), /прошао рок|Overdue actions/);
});

test('mentoring: the secretariat pairs, both teams are told and see it, others get 403/404', async () => {
  const admin = await session('admin');
  const page = await get('/admin/mentoring?lang=en', admin);
  assert.equal(page.status, 200);
  assert.match(page.text, /<option value="demo-energy-cluster"/);
  const outbox = count('SELECT count(*) FROM outbox');
  const made = await post(admin, '/admin/mentoring', { mentee: 'demo-energy-cluster', mentor: 'voict', started_on: '2026-01-15' });
  assert.equal(made.status, 303, made.text.slice(0, 400));
  const id = Number(/\/mentoring\/(\d+)\?created=1$/.exec(made.location)[1]);
  // told: the current people of both clusters (the mentee has nobody): VOICT's manager by mail at once
  assert.equal(count(`SELECT count(*) FROM notify_event WHERE kind = 'mentoring' AND entity_id = ${id}`), 1);
  assert.equal(count(`SELECT count(*) FROM outbox WHERE to_addr = 'manager@example.com'`) >= 1, true);
  assert.ok(count('SELECT count(*) FROM outbox') > outbox, 'mailed');
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'mentoring_create' AND entity_id = ${id}`), 1);
  const demoPair = Number(sqlite("SELECT id FROM mentoring WHERE is_demo = 1"));
  const today = belgradeToday();
  const cases = [
    ['manager', id, 200], ['mentor_manager', id, 403], ['other_manager', id, 403], ['nobody', id, 403],
    ['editor', id, 200], ['admin', id, 200], ['mentor_manager', demoPair, 200], ['manager', demoPair, 403],
  ];
  for (const [who, pid, want] of cases) {
    const s = await session(who);
    assert.equal((await get(`/mentoring/${pid}`, s)).status, want, `${who} GET /mentoring/${pid}`);
    const before = count('SELECT count(*) FROM mentoring_meeting');
    const r = await post(s, `/mentoring/${pid}/meetings`, { met_on: today, notes: `by ${who}` });
    assert.equal(r.status, want === 200 ? 303 : 403, `${who} POST meetings ${pid}`);
    assert.equal(count('SELECT count(*) FROM mentoring_meeting'), before + (want === 200 ? 1 : 0));
  }
  const pub = await get(`/mentoring/${id}`);
  assert.ok([401, 303].includes(pub.status));
  assert.equal((await get('/mentoring/999999', admin)).status, 404);
  assert.equal((await get('/mentoring/abc', admin)).status, 404);
  // the admin pages are the administrators'
  for (const who of ['nobody', 'manager', 'editor']) {
    const s = await session(who);
    assert.equal((await get('/admin/mentoring', s)).status, 403, who);
    assert.equal((await post(s, '/admin/mentoring', { mentee: 'demo-energy-cluster', mentor: 'nicat' })).status, 403, who);
    assert.equal((await post(s, `/admin/mentoring/${id}/end`, { ended_on: '2026-06-01' })).status, 403, who);
  }
  // the link from the clusters' pages and the start page
  const m = await session('manager');
  assert.match((await get('/orgs/voict/plan', m)).text, new RegExp(`href="/mentoring/${id}"`));
  assert.match((await get('/start', m)).text, new RegExp(`href="/mentoring/${id}"`));
  // bad input, nothing stored
  const bad = [
    [{ mentee: '', mentor: 'voict' }, 'mt-mentee', /required/],
    [{ mentee: 'nicat', mentor: 'voict' }, 'mt-mentee', /not yet established/],
    [{ mentee: 'demo-energy-cluster', mentor: 'demo-energy-cluster' }, 'mt-mentor', /cannot mentor itself/],
    [{ mentee: 'demo-energy-cluster', mentor: 'no-such' }, 'mt-mentor', /stage established/],
    [{ mentee: 'demo-energy-cluster', mentor: 'voict' }, 'mt-mentor', /already paired/],
    [{ mentee: 'demo-energy-cluster', mentor: 'nicat', started_on: '2026-02-31' }, 'mt-start', /real date/],
  ];
  for (const [form, fid, re] of bad) {
    const before = count('SELECT count(*) FROM mentoring');
    const r = await post(admin, '/admin/mentoring?lang=en', form);
    assert.equal(r.status, 422, JSON.stringify(form));
    assert.match(fieldError(r.text, fid) || '', re, JSON.stringify(form));
    assert.equal(count('SELECT count(*) FROM mentoring'), before);
  }
  const mm = [
    [{ met_on: '2025-01-01', notes: 'x' }, 'mt-met', /before the pairing started/],
    [{ met_on: '', notes: 'x' }, 'mt-met', /required/],
    [{ met_on: '2026-03-01', notes: '' }, 'mt-notes', /required/],
    [{ met_on: '2026-03-01', notes: 'x', next_steps: 'ж'.repeat(5001) }, 'mt-next', /at most 5000/],
  ];
  for (const [form, fid, re] of mm) {
    const before = count('SELECT count(*) FROM mentoring_meeting');
    const r = await post(m, `/mentoring/${id}/meetings?lang=en`, form);
    assert.equal(r.status, 422, JSON.stringify(form));
    assert.match(fieldError(r.text, fid) || '', re);
    assert.equal(count('SELECT count(*) FROM mentoring_meeting'), before);
  }
  // the end: before the start refused; then ended, and ending again refused
  let r = await post(admin, `/admin/mentoring/${id}/end?lang=en`, { ended_on: '2025-12-31' });
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, `end-${id}-on`), /before the pairing started/);
  r = await post(admin, `/admin/mentoring/${id}/end`, { ended_on: '2026-06-30', end_note: 'Циљеви постигнути.' });
  assert.equal(r.status, 303);
  assert.equal(sqlite(`SELECT ended_on || ' ' || end_note FROM mentoring WHERE id = ${id}`), '2026-06-30 Циљеви постигнути.');
  r = await post(admin, `/admin/mentoring/${id}/end?lang=en`, { ended_on: '2026-07-01' });
  assert.equal(r.status, 422);
  assert.equal((await post(admin, '/admin/mentoring/999999/end', { ended_on: '2026-07-01' })).status, 404);
  const late = await post(m, `/mentoring/${id}/meetings?lang=en`, { met_on: '2026-07-01', notes: 'after the end' });
  assert.equal(late.status, 422);
  assert.match(fieldError(late.text, 'mt-met'), /ended before this date/);
  assert.equal((await post(m, `/mentoring/${id}/meetings`, { met_on: '2026-06-30', notes: 'on the last day' })).status, 303);
  assert.match((await get(`/mentoring/${id}?lang=sr-Cyrl`, m)).text, /Циљеви постигнути/);
  assert.match((await get(`/mentoring/${id}?lang=sr-Latn`, m)).text, /Ciljevi postignuti/, 'in the reader\'s script');
  // the mentee's plan is linked only for those who may read it
  assert.match((await get(`/mentoring/${demoPair}`, admin)).text, /href="\/orgs\/demo-energy-cluster\/plan"/);
  assert.doesNotMatch((await get(`/mentoring/${demoPair}`, await session('mentor_manager'))).text, /\/plan"/);
});

test('support log: the admin adds entries; the yearly report counts per kind, mentoring meetings included, as CSV too', async () => {
  const admin = await session('admin');
  const year = Number(sqlite("SELECT strftime('%Y', 'now', 'localtime')"));
  const add = (form) => post(admin, '/admin/support?lang=en', form);
  assert.equal((await add({ org: 'nicat', given_on: `${year}-03-01`, kind: 'consultation', note: 'Први савет' })).status, 303);
  assert.equal((await add({ org: 'nicat', given_on: `${year}-03-02`, kind: 'consultation', note: '=cmd|x', link: 'https://example.org/a' })).status, 303);
  assert.equal((await add({ org: 'nicat', given_on: `${year}-04-01`, kind: 'introduction', note: 'Партнер' })).status, 303);
  assert.equal(count("SELECT count(*) FROM audit WHERE action = 'support_add'"), 3);
  const bad = [
    [{ org: '', given_on: `${year}-01-01`, kind: 'other', note: 'x' }, 'su-org', /Choose a cluster/],
    [{ org: 'no-such', given_on: `${year}-01-01`, kind: 'other', note: 'x' }, 'su-org', /Choose a cluster/],
    [{ org: 'ministarstvo-privrede', given_on: `${year}-01-01`, kind: 'other', note: 'x' }, 'su-org', /Choose a cluster/],
    [{ org: 'nicat', given_on: `${year}-02-30`, kind: 'other', note: 'x' }, 'su-date', /real date/],
    [{ org: 'nicat', given_on: `${year}-01-01`, kind: 'lunch', note: 'x' }, 'su-kind', /offered options/],
    [{ org: 'nicat', given_on: `${year}-01-01`, kind: 'other', note: '' }, 'su-note', /required/],
    [{ org: 'nicat', given_on: `${year}-01-01`, kind: 'other', note: 'x', link: 'javascript:alert(1)' }, 'su-link', /http/],
  ];
  for (const [form, id, re] of bad) {
    const before = count('SELECT count(*) FROM support_entry');
    const r = await add(form);
    assert.equal(r.status, 422, JSON.stringify(form));
    assert.match(fieldError(r.text, id) || '', re, JSON.stringify(form));
    assert.equal(count('SELECT count(*) FROM support_entry'), before);
  }
  const csv = await get(`/admin/support?year=${year}&format=csv&lang=en`, admin);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'Cluster,Consultation,Training,Introduction to a partner,Other,Mentoring meetings,Total');
  const nis = lines.find((l) => l.startsWith('Nis') || l.startsWith('Niš') || l.includes('NiCAT') || l.includes('Nis Cluster'));
  assert.ok(nis, csv.text);
  // demo: one training this year or last (30 days ago); ours: 2 consultations and 1 introduction
  const cells = nis.split(',').slice(-6).map(Number);
  assert.equal(cells[0], 2);
  assert.equal(cells[2], 1);
  assert.equal(cells[5], cells.slice(0, 5).reduce((x, y) => x + y, 0), 'total is the sum');
  // the demo initiative: its mentoring meetings of the year count
  const meetings = count(`SELECT count(*) FROM mentoring_meeting x JOIN mentoring m ON m.id = x.mentoring_id JOIN org o ON o.id = m.mentee_id WHERE o.slug = 'demo-energy-cluster' AND x.met_on LIKE '${year}-%'`);
  const energy = lines.find((l) => l.includes('Energy'));
  if (meetings) assert.equal(Number(energy.split(',').slice(-2)[0]), meetings);
  const xlsx = await get(`/admin/support?year=${year}&format=xlsx`, admin);
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  assert.equal((await get('/admin/support?year=abc', admin)).status, 400);
  assert.equal((await get('/admin/support?year=1200', admin)).status, 400);
  const html = await get(`/admin/support?year=${year}&lang=en`, admin);
  assert.match(html.text, /Support per cluster in/);
  assert.match(html.text, /format=csv/);
  for (const who of ['nobody', 'manager', 'editor']) {
    const s = await session(who);
    assert.equal((await get('/admin/support', s)).status, 403, who);
    assert.equal((await post(s, '/admin/support', { org: 'nicat', given_on: `${year}-01-01`, kind: 'other', note: 'x' })).status, 403, who);
  }
  const pub = await get('/admin/support');
  assert.ok([401, 303].includes(pub.status));
});
