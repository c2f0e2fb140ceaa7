// assessment.test.mjs: the self-assessment against peers over HTTP
// (web_assess.c, api_assess.c): who may see and answer a cluster's
// assessment (its team and the secretariat; another cluster's manager, a
// person with no affiliation and the public never, also not through the
// API), bad answers (outside the scale, an unknown indicator, a computed
// one, a year in the future) answered 4xx beside the field with nothing
// stored, draft then submit, results with the radar chart and peer
// percentiles (the demo's seven founders: six peers each), and the
// secretariat's distribution with CSV.
//
// Fixtures: the demo data (scan init --demo): every founder has submitted
// assessments of 2025 and 2026.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, makeToken, sqliteRun } from './lib.mjs';

const PW = 'assess pass phrase 2026';
let srv;
const people = {};

function sqlite(sql) {
  const r = sqliteRun(srv.db, sql);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
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
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, ...(s ? { Cookie: s.cookie } : {}) },
    body: new URLSearchParams({ ...form, ...(s ? { _csrf: s.csrf } : {}) }).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function get(path, s, headers = {}) {
  const res = await fetch(srv.url + path, { headers: { ...(s ? { Cookie: s.cookie } : {}), ...headers }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function api(method, path, token, body) {
  const res = await fetch(srv.url + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : null };
}

const answersOf = (slug, year) => sqlite(`SELECT count(*) || ':' || coalesce(max(a.answered_at), 0) FROM assess_answer a JOIN org o ON o.id = a.org_id WHERE o.slug = '${slug}' AND a.year = ${year}`);
const THIS_YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Belgrade', year: 'numeric' }).format(new Date()));

before(async () => {
  srv = await startServer({ demo: true });
  addUser('voict@example.com');
  assert.equal(scan(['user', 'role', 'voict@example.com', 'manager', '--org', 'voict', '--db', srv.db]).status, 0);
  addUser('nicat@example.com');
  assert.equal(scan(['user', 'role', 'nicat@example.com', 'manager', '--org', 'nicat', '--db', srv.db]).status, 0);
  addUser('nobody@example.com');
  addUser('editor@example.com');
  assert.equal(scan(['user', 'role', 'editor@example.com', 'editor', '--db', srv.db]).status, 0);
  addUser('admin@example.com');
  assert.equal(scan(['user', 'role', 'admin@example.com', 'admin', '--db', srv.db]).status, 0);
});

after(async () => { await srv.stop(); });

test('results: the team and the secretariat see scores, the radar chart with its table and peer percentiles; nobody else', async () => {
  for (const who of ['voict@example.com', 'editor@example.com', 'admin@example.com']) {
    const r = await get('/orgs/voict/assessment?year=2026', await session(who));
    assert.equal(r.status, 200, who);
    assert.match(r.text, /<figure class="chart chart-radar"/);
    assert.match(r.text, /<svg [^>]*role="img"/);
    assert.match(r.text, /id="assess-table"/);
    assert.match(r.text, /percentile \d+ \(6 other clusters/);
    assert.match(r.text, /Change since 2025/);
    assert.doesNotMatch(r.text, /Bronze|Silver|Gold/);
    // no peer is named on the page
    for (const peer of ['NiCAT', 'nicat', 'autocluster-serbia', 'ict-network']) assert.ok(!r.text.includes(`/orgs/${peer}`), peer);
  }
  for (const who of ['nicat@example.com', 'nobody@example.com']) {
    const r = await get('/orgs/voict/assessment', await session(who));
    assert.equal(r.status, 403, who);
    assert.doesNotMatch(r.text, /assess-table|chart-radar/);
    const f = await get('/orgs/voict/assessment/2026', await session(who));
    assert.equal(f.status, 403, who);
  }
  const anon = await get('/orgs/voict/assessment');
  assert.ok([302, 303, 401].includes(anon.status), `anonymous: ${anon.status}`);
  assert.doesNotMatch(anon.text, /assess-table/);
  // not a cluster: 404
  assert.equal((await get('/orgs/scan/assessment', await session('admin@example.com'))).status, 404);
});

test('the start page names the self-assessment of each cluster one manages', async () => {
  const r = await get('/start', await session('voict@example.com'));
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`Self-assessment ${THIS_YEAR}`));
  assert.match(r.text, /href="\/orgs\/voict\/assessment/);
  const nobody = await get('/start', await session('nobody@example.com'));
  assert.doesNotMatch(nobody.text, /\/assessment/);
});

test('the questionnaire: computed indicators shown and marked, answered ones with a scale and evidence', async () => {
  const r = await get('/orgs/voict/assessment/2026', await session('voict@example.com'));
  assert.equal(r.status, 200);
  assert.match(r.text, /computed from the platform/);
  assert.match(r.text, /<select id="strategy" name="strategy"/);
  assert.match(r.text, /name="strategy_evidence"/);
  assert.doesNotMatch(r.text, /name="members_count"/, 'a computed indicator has no input');
  const sr = await get('/orgs/voict/assessment/2026?lang=sr', await session('voict@example.com'));
  assert.match(sr.text, /Писана стратегија/);
  const lat = await get('/orgs/voict/assessment/2026?lang=sr-Latn', await session('voict@example.com'));
  assert.match(lat.text, /Pisana strategija/);
  assert.equal((await get(`/orgs/voict/assessment/${THIS_YEAR + 1}`, await session('voict@example.com'))).status, 404);
  assert.equal((await get('/orgs/voict/assessment/abc', await session('voict@example.com'))).status, 404);
});

test('bad answers: outside the scale, a year in the future, another cluster: 4xx beside the field, nothing stored', async () => {
  const m = await session('voict@example.com');
  // the demo submitted 2026: the secretariat reopens it for this test (a
  // submitted year is closed to the team) and it is put back at the end
  sqlite("CREATE TABLE keep_2026 AS SELECT * FROM assess_response WHERE year = 2026 AND org_id = (SELECT id FROM org WHERE slug = 'voict')");
  sqlite("UPDATE assess_response SET status = 'draft', stage = NULL, score = NULL, submitted_at = NULL, submitted_by = NULL WHERE year = 2026 AND org_id = (SELECT id FROM org WHERE slug = 'voict')");
  const before = answersOf('voict', 2026);
  const bad = await post(m, '/orgs/voict/assessment/2026', { strategy: '7', fee_scheme: '1', action: 'draft' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="strategy-error"[^>]*>.*outside its scale/s);
  assert.match(bad.text, /aria-invalid="true" aria-describedby="strategy-error"/);
  const neg = await post(m, '/orgs/voict/assessment/2026', { projects: '-3', action: 'draft' });
  assert.equal(neg.status, 422);
  assert.match(neg.text, /id="projects-error"/);
  const words = await post(m, '/orgs/voict/assessment/2026', { media_mentions: 'many', action: 'draft' });
  assert.equal(words.status, 422);
  assert.equal(answersOf('voict', 2026), before, 'nothing stored');
  const future = await post(m, `/orgs/voict/assessment/${THIS_YEAR + 1}`, { strategy: '2', action: 'draft' });
  assert.equal(future.status, 422);
  assert.match(future.text, /in the future/);
  assert.equal(sqlite(`SELECT count(*) FROM assess_response WHERE year = ${THIS_YEAR + 1}`), '0');
  const other = await post(await session('nicat@example.com'), '/orgs/voict/assessment/2026', { strategy: '1', action: 'draft' });
  assert.equal(other.status, 403);
  const nobody = await post(await session('nobody@example.com'), '/orgs/voict/assessment/2026', { strategy: '1', action: 'draft' });
  assert.equal(nobody.status, 403);
  assert.equal(answersOf('voict', 2026), before, 'nothing stored');
  sqlite('UPDATE assess_response SET (status, stage, score, submitted_at, submitted_by) = (SELECT status, stage, score, submitted_at, submitted_by FROM keep_2026) WHERE id = (SELECT id FROM keep_2026); DROP TABLE keep_2026');
});

test('draft, then submit: every indicator needed; submitted scores count; audited', async () => {
  const m = await session('nicat@example.com');
  // a fresh year for nicat: 2024 has no version (the first applies from 2025)
  const none = await post(m, '/orgs/nicat/assessment/2024', { strategy: '2', action: 'draft' });
  assert.equal(none.status, 422);
  sqlite("DELETE FROM assess_answer WHERE org_id = (SELECT id FROM org WHERE slug = 'nicat') AND year = 2026; DELETE FROM assess_response WHERE org_id = (SELECT id FROM org WHERE slug = 'nicat') AND year = 2026;");
  const draft = await post(m, '/orgs/nicat/assessment/2026', { strategy: '3', strategy_evidence: 'https://example.org/strategy.pdf', action: 'draft' });
  assert.equal(draft.status, 303, draft.text.slice(0, 500));
  assert.equal(sqlite("SELECT r.status FROM assess_response r JOIN org o ON o.id = r.org_id WHERE o.slug = 'nicat' AND year = 2026"), 'draft');
  assert.equal(sqlite("SELECT value || '|' || evidence FROM assess_answer a JOIN assess_indicator i ON i.id = a.indicator_id JOIN org o ON o.id = a.org_id WHERE o.slug = 'nicat' AND a.year = 2026 AND i.code = 'strategy'"), '3|https://example.org/strategy.pdf');
  const incomplete = await post(m, '/orgs/nicat/assessment/2026', { strategy: '3', action: 'submit' });
  assert.equal(incomplete.status, 422);
  assert.match(incomplete.text, /Answer this indicator before submitting/);
  assert.equal(sqlite("SELECT r.status FROM assess_response r JOIN org o ON o.id = r.org_id WHERE o.slug = 'nicat' AND year = 2026"), 'draft');
  // every answerable indicator
  const form = { action: 'submit' };
  for (const line of sqlite("SELECT code, scale FROM assess_indicator WHERE version_id = 1 AND (computed IS NULL OR computed = 'sme_share')").split('\n')) {
    const [code, scale] = line.split('|');
    form[code] = scale === 'yesno' ? '1' : scale === 'level' ? '3' : '5';
  }
  const ok = await post(m, '/orgs/nicat/assessment/2026', form);
  assert.equal(ok.status, 303, ok.text.slice(0, 800));
  assert.match(ok.location, /\/orgs\/nicat\/assessment\?year=2026/);
  const row = sqlite("SELECT r.status, CASE WHEN r.score IS NOT NULL THEN 1 ELSE 0 END, r.stage FROM assess_response r JOIN org o ON o.id = r.org_id WHERE o.slug = 'nicat' AND year = 2026");
  assert.equal(row, 'submitted|1|established');
  assert.match(sqlite("SELECT action FROM audit WHERE action LIKE 'assess_%' ORDER BY id DESC LIMIT 1"), /assess_submit/);
  const res = await get('/orgs/nicat/assessment', m);
  assert.match(res.text, /chart-radar/);
});

test('API: own assessments with percentiles; peers never readable; bad input 4xx; write needs a write token', async () => {
  const m = await session('voict@example.com');
  const read = await makeToken(srv.url, m, 'read');
  const write = await makeToken(srv.url, m, 'write');
  const list = await api('GET', '/api/v1/clusters/voict/assessments', read);
  assert.equal(list.status, 200, list.text);
  const y2026 = list.json.years.find((y) => y.year === 2026);
  assert.equal(y2026.status, 'submitted');
  assert.equal(y2026.peers_all, 6);
  assert.equal(typeof y2026.percentile_all, 'number');
  assert.ok(y2026.groups.structure >= 0);
  const own = await api('GET', '/api/v1/clusters/voict/assessments/2026', read);
  assert.equal(own.status, 200);
  assert.equal(own.json.answers.length, 36);
  // another cluster's: as if it had none
  for (const path of ['/api/v1/clusters/nicat/assessments', '/api/v1/clusters/nicat/assessments/2026']) {
    const r = await api('GET', path, read);
    assert.equal(r.status, 403, path);
    assert.doesNotMatch(r.text, /answers|score/);
  }
  const anon = await api('GET', '/api/v1/clusters/voict/assessments');
  assert.equal(anon.status, 401);
  // the demo submitted 2025: the secretariat reopened it (a submitted year is closed to the team)
  sqlite("UPDATE assess_response SET status = 'draft', stage = NULL, score = NULL, submitted_at = NULL, submitted_by = NULL WHERE year = 2025 AND org_id = (SELECT id FROM org WHERE slug = 'voict')");
  const before = answersOf('voict', 2025);
  assert.equal((await api('PUT', '/api/v1/clusters/voict/assessments/2025', read, { answers: { strategy: 2 } })).status, 403);
  const scale = await api('PUT', '/api/v1/clusters/voict/assessments/2025', write, { answers: { strategy: 9 } });
  assert.equal(scale.status, 422);
  assert.match(scale.json.error.message, /strategy: outside its scale: 0 to 4/);
  const unknown = await api('PUT', '/api/v1/clusters/voict/assessments/2025', write, { answers: { happiness: 3 } });
  assert.equal(unknown.status, 422);
  assert.match(unknown.json.error.message, /happiness: unknown indicator/);
  const computed = await api('PUT', '/api/v1/clusters/voict/assessments/2025', write, { answers: { members_count: 99 } });
  assert.equal(computed.status, 422);
  assert.match(computed.json.error.message, /members_count: computed/);
  const future = await api('PUT', `/api/v1/clusters/voict/assessments/${THIS_YEAR + 1}`, write, { answers: { strategy: 1 } });
  assert.equal(future.status, 422);
  assert.match(future.json.error.message, /future/);
  const notNumber = await api('PUT', '/api/v1/clusters/voict/assessments/2025', write, { answers: { strategy: 'high' } });
  assert.equal(notNumber.status, 422);
  assert.equal(answersOf('voict', 2025), before, 'nothing stored');
  const other = await api('PUT', '/api/v1/clusters/nicat/assessments/2025', write, { answers: { strategy: 2 } });
  assert.equal(other.status, 403);
  assert.equal((await api('GET', '/api/v1/clusters/scan/assessments', read)).status, 404, 'not a cluster');
  const ok = await api('PUT', '/api/v1/clusters/voict/assessments/2025', write, { answers: { strategy: { value: 4, evidence: 'Board minutes 2025' } }, submit: true });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'submitted');
  assert.equal(ok.json.answers.find((a) => a.indicator === 'strategy').evidence, 'Board minutes 2025');
  // submitted: closed to the team (submitting again and again would walk the
  // peers' scores out of the percentile); the secretariat reopens it
  const again = await api('PUT', '/api/v1/clusters/voict/assessments/2025', write, { answers: { strategy: 1 }, submit: true });
  assert.equal(again.status, 422, again.text);
  assert.match(again.text, /year/);
  const page = await post(await session('voict@example.com'), '/orgs/voict/assessment/2025', { strategy: '1', action: 'draft' });
  assert.equal(page.status, 422);
  assert.equal(sqlite("SELECT r.status FROM assess_response r JOIN org o ON o.id = r.org_id WHERE o.slug = 'voict' AND year = 2025"), 'submitted');
  const closed = await get('/orgs/voict/assessment/2025?lang=en', await session('voict@example.com'));
  assert.match(closed.text, /can no longer be changed/);
  assert.doesNotMatch(closed.text, /value="submit"/, 'no buttons on a closed year');
  const reopened = await post(await session('admin@example.com'), '/orgs/voict/assessment/2025', { action: 'draft' });
  assert.equal(reopened.status, 303, reopened.text.slice(0, 300));
  assert.equal(sqlite("SELECT r.status FROM assess_response r JOIN org o ON o.id = r.org_id WHERE o.slug = 'voict' AND year = 2025"), 'draft');
});

test('secretariat: distribution per level without names beside answers, who has not answered, CSV', async () => {
  for (const who of ['editor@example.com', 'admin@example.com']) {
    const r = await get('/admin/assessments?year=2026', await session(who));
    assert.equal(r.status, 200, who);
    assert.match(r.text, /id="assess-dist"/);
    assert.match(r.text, /Not submitted yet/);
    const table = r.text.slice(r.text.indexOf('id="assess-dist"'), r.text.indexOf('</table>', r.text.indexOf('id="assess-dist"')));
    assert.doesNotMatch(table, /\/orgs\//, 'no cluster beside the answers');
  }
  const csv = await get('/admin/assessments?year=2026&format=csv', await session('editor@example.com'));
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.text, /Indicator/);
  for (const who of ['voict@example.com', 'nobody@example.com']) {
    const r = await get('/admin/assessments', await session(who));
    assert.equal(r.status, 403, who);
  }
  assert.equal((await get('/admin/assessments?year=3000', await session('editor@example.com'))).status, 400);
});
