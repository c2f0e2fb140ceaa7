// projects.test.mjs: joint projects over HTTP (web_project.c,
// web_project_stats.c, api_project.c): every route for every role
// (the public, a representative of a member company, a partner's
// representative, the lead cluster's manager, the secretariat), private
// projects invisible to others in the list, the page, the API, the CSV,
// the portfolio and the network; bad input (grant over the budget,
// co-financing over 100 %, two leads, an end before the start) gets a
// clear message beside its field and stores nothing.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/http/projects.test.mjs
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scanIn, sqliteIn, loginAgent } from './lib.mjs';

const PW = 'projects pass phrase 2026';
let srv;
let ids = {};
const agents = {};
const sql = (q) => sqliteIn(srv.db, q);

before(async () => {
  srv = await startServer();
  sql(`INSERT INTO org(slug, name, name_en, kind, status, created_at, updated_at, name_folded) VALUES
    ('scan', 'СКАН', 'SCAN', 'cluster_association', 'published', 0, 0, 'scan'),
    ('cluster-c', 'Кластер Ц', 'Cluster C', 'cluster', 'published', 0, 0, 'klaster c'),
    ('cluster-d', 'Кластер Д', 'Cluster D', 'cluster', 'published', 0, 0, 'klaster d'),
    ('member-m', 'Члан М', 'Member M', 'company', 'published', 0, 0, 'clan m'),
    ('uni-p', 'Универзитет П', 'University P', 'university', 'published', 0, 0, 'univerzitet p'),
    ('donor-f', 'Донатор Ф', 'Donor F', 'donor', 'published', 0, 0, 'donator f');
    INSERT INTO scan_membership(org_id, status, since, created_at)
      SELECT id, 'member', '2015-01-01', 0 FROM org WHERE slug IN ('cluster-c', 'cluster-d');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2020-01-01' FROM org c, org m WHERE c.slug = 'cluster-c' AND m.slug = 'member-m';`);
  for (const line of sql('SELECT slug, id FROM org').split('\n')) {
    const [slug, id] = line.split('|');
    ids[slug] = Number(id);
  }
  const users = {
    admin: ['admin@example.com', ['--admin']],
    editor: ['editor@example.com', ['--editor']],
    manager: ['manager@example.com', []],
    member: ['member@example.com', []],
    partner: ['partner@example.com', []],
    other: ['other@example.com', []],
  };
  for (const [role, [email, extra]] of Object.entries(users))
    scanIn(srv.db, ['user', 'add', email, '--name', role, '--password-stdin', ...extra], `${PW}\n`);
  scanIn(srv.db, ['user', 'role', 'manager@example.com', 'manager', '--org', 'cluster-c']);
  scanIn(srv.db, ['user', 'role', 'member@example.com', 'representative', '--org', 'member-m']);
  scanIn(srv.db, ['user', 'role', 'partner@example.com', 'representative', '--org', 'uni-p']);
  scanIn(srv.db, ['user', 'role', 'other@example.com', 'manager', '--org', 'cluster-d']);
  for (const [role, [email]] of Object.entries(users)) agents[role] = await loginAgent(srv.url, email, PW);
  // a public project led by C, and a private one led by D with the university
  ids.pub = Number(sql(`INSERT INTO project(title_sr, title_en, programme, funder_id, status, submitted_on,
    starts_on, ends_on, budget_cents, grant_cents, visibility, created_at, updated_at) VALUES
    ('Јавни пројекат', 'Public project', 'Horizon Europe', ${ids['donor-f']}, 'running', '2024-01-10',
     '2024-06-01', '2026-05-31', 100000000, 80000000, 'public', 0, 0) RETURNING id`));
  sql(`INSERT INTO project_participant(project_id, org_id, role, share_cents) VALUES
    (${ids.pub}, ${ids['cluster-c']}, 'lead', 30000000), (${ids.pub}, ${ids['member-m']}, 'partner', NULL),
    (${ids.pub}, ${ids['uni-p']}, 'partner', 20000000)`);
  ids.priv = Number(sql(`INSERT INTO project(title_sr, programme, status, starts_on, grant_cents, visibility,
    created_at, updated_at) VALUES ('Тајни пројекат', 'Тајни програм', 'approved', '2025-01-01', 5000000,
    'participants', 0, 0) RETURNING id`));
  sql(`INSERT INTO project_participant(project_id, org_id, role) VALUES
    (${ids.priv}, ${ids['cluster-d']}, 'lead'), (${ids.priv}, ${ids['uni-p']}, 'partner')`);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

async function get(who, path) {
  if (who === 'public') {
    const res = await fetch(srv.url + path, { redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  }
  return agents[who].get(path);
}

const SEE_PRIVATE = { public: false, member: false, partner: true, manager: false, other: true, editor: true, admin: true };

test('every reading route answers every role; a private project shows only to its participants and the secretariat', async () => {
  for (const [who, sees] of Object.entries(SEE_PRIVATE)) {
    for (const path of ['/projects', '/projects/portfolio', '/network', `/projects/${ids.pub}`, '/api/v1/projects', `/api/v1/projects/${ids.pub}`]) {
      const r = await get(who, path);
      assert.equal(r.status, 200, `${who} ${path}`);
    }
    const page = await get(who, `/projects/${ids.priv}`);
    assert.equal(page.status, sees ? 200 : 404, `${who} private page`);
    const api = await get(who, `/api/v1/projects/${ids.priv}`);
    assert.equal(api.status, sees ? 200 : 404, `${who} private api`);
    const list = await get(who, '/projects');
    assert.equal(list.text.includes('Тајни') || list.text.includes('Tajni'), sees, `${who} list`);
    const csv = await get(who, '/projects?format=csv');
    assert.equal(/Тајни|Tajni/.test(csv.text), sees, `${who} csv`);
    const apiList = JSON.parse((await get(who, '/api/v1/projects')).text);
    assert.equal(apiList.items.length, sees ? 2 : 1, `${who} api list`);
    const pf = await get(who, '/projects/portfolio?table=years&format=csv');
    assert.equal(pf.text.includes('2025'), sees, `${who} portfolio counts the private project only when seen`);
    const choices = await get(who, '/projects');
    assert.equal(choices.text.includes('Тајни програм') || choices.text.includes('Tajni program'), sees, `${who} filter choices`);
    const net = await get(who, '/network?format=csv');
    assert.equal(net.text.includes('Кластер Д') || net.text.includes('Cluster D'), sees, `${who} network`);
    const form = await get(who, '/projects/new');
    assert.equal(form.status, who === 'public' ? 303 : 200, `${who} new form`);
    const edit = await get(who, `/projects/${ids.pub}/edit`);
    const mayEdit = ['manager', 'editor', 'admin'].includes(who);
    assert.equal(edit.status, who === 'public' ? 303 : mayEdit ? 200 : 403, `${who} edit form`);
  }
});

test('the list filters by status, programme, funder, cluster (with its members), sector and year', async () => {
  const has = async (q) => (await get('public', `/projects?${q}`)).text.includes(`/projects/${ids.pub}"`);
  assert.equal(await has('status=running'), true);
  assert.equal(await has('status=closed'), false);
  assert.equal(await has('programme=Horizon%20Europe'), true);
  assert.equal(await has('funder=donor-f'), true);
  assert.equal(await has('funder=uni-p'), false);
  assert.equal(await has('cluster=cluster-c'), true);
  assert.equal(await has('cluster=cluster-d'), false);
  assert.equal(await has('year=2025'), true);
  assert.equal(await has('year=2023'), false);
  assert.equal(await has('sector=Q'), false);
  assert.equal(await has('sort=grant'), true);
  const xlsx = await fetch(`${srv.url}/projects?format=xlsx`);
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-disposition'), /attachment/);
});

function form(extra = {}) {
  return {
    title_sr: 'Нови пројекат', status: 'approved', visibility: 'public', budget: '1.000,00', grant: '800',
    p_org: ['cluster-c', 'uni-p', ''], p_role: ['lead', 'partner', 'partner'], p_share: ['100', '', ''], ...extra,
  };
}

test('bad input gets a clear message beside its field and stores nothing', async () => {
  const count = () => sql('SELECT count(*) FROM project') + '/' + sql('SELECT count(*) FROM project_participant') + '/' + sql("SELECT count(*) FROM audit WHERE entity = 'project'");
  const before = count();
  const cases = [
    [{ grant: '1.000,01' }, 'pj-grant-error', /cannot be larger than the total budget/],
    [{ cofin: '100,5' }, 'pj-cofin-error', /percentage from 0 to 100/],
    [{ p_role: ['lead', 'lead', 'partner'] }, 'pj-participants-error', /exactly one lead/],
    [{ starts_on: '2026-05-02', ends_on: '2026-05-01' }, 'pj-ends_on-error', /before the start date/],
    [{ p_org: ['cluster-c', 'no-such-entry', ''] }, 'pj-participants-error', /not in the directory/],
  ];
  for (const [extra, id, msg] of cases) {
    const r = await agents.manager.post('/projects?lang=en', form(extra));
    assert.equal(r.status, 422, JSON.stringify(extra));
    const m = new RegExp(`id="${id}"[^>]*>(.*?)</p>`).exec(r.text);
    assert.ok(m, `error beside the field for ${JSON.stringify(extra)}`);
    assert.match(m[1], msg);
  }
  // the API: the same rules, 422 with the field named
  const api = await agents.manager.json('POST', '/api/v1/projects', {
    title_sr: 'API', status: 'approved', budget_cents: 100, grant_cents: 200,
    participants: [{ org: 'cluster-c', role: 'lead' }, { org: 'uni-p', role: 'lead' }],
  });
  assert.equal(api.status, 422);
  const fields = JSON.parse(api.text).error.fields;
  assert.ok(fields.grant && fields.participants, api.text);
  assert.equal(count(), before, 'nothing stored');
});

test('the lead\'s manager creates and changes a project; another cluster\'s manager may not, nor hand a project to a lead they do not speak for', async () => {
  const r = await agents.manager.post('/projects', form({ cofin: '20' }));
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const id = Number(/\/projects\/(\d+)/.exec(r.location)[1]);
  assert.equal(sql(`SELECT budget_cents || ' ' || grant_cents || ' ' || cofin_milli FROM project WHERE id = ${id}`), '100000 80000 200');
  assert.equal(sql(`SELECT group_concat(role || ':' || coalesce(CAST(share_cents AS TEXT), 'unknown'), ' ') FROM (SELECT * FROM project_participant WHERE project_id = ${id} ORDER BY role) AS p`), 'lead:10000 partner:unknown');
  assert.equal(sql(`SELECT action || ' ' || entity_id FROM audit WHERE entity = 'project' ORDER BY id DESC LIMIT 1`), `project_create ${id}`);
  // others: 403 and nothing changed
  const other = await agents.other.post(`/projects/${id}`, form({ title_sr: 'Отето' }));
  assert.equal(other.status, 403);
  const member = await agents.member.post(`/projects/${id}`, form({ title_sr: 'Отето' }));
  assert.equal(member.status, 403);
  const steal = await agents.other.post('/projects', form({ p_org: ['cluster-c', '', ''] }));
  assert.equal(steal.status, 403, 'a lead one does not speak for');
  const handOver = await agents.manager.post(`/projects/${id}`, form({ p_org: ['cluster-d', 'cluster-c', ''] }));
  assert.equal(handOver.status, 403, 'nor hand it to another lead');
  assert.equal(sql(`SELECT title_sr FROM project WHERE id = ${id}`), 'Нови пројекат');
  // the manager changes it; the secretariat too (through the API)
  const ok = await agents.manager.post(`/projects/${id}`, form({ title_sr: 'Промењен', status: 'running' }));
  assert.equal(ok.status, 303);
  assert.equal(sql(`SELECT title_sr || ' ' || status FROM project WHERE id = ${id}`), 'Промењен running');
  const put = await agents.editor.json('PUT', `/api/v1/projects/${id}`, {
    title_sr: 'Из API-ја', status: 'closed', budget_cents: 500000, grant_cents: 400000, cofin_milli: 200,
    participants: [{ org: 'cluster-c', role: 'lead', share_cents: 100000 }, { org: String(ids['member-m']), role: 'partner', share_cents: null }],
  });
  assert.equal(put.status, 200, put.text);
  const body = JSON.parse(put.text);
  assert.equal(body.title_sr, 'Из API-ја');
  assert.equal(body.participants.length, 2);
  assert.equal(body.participants[1].share_cents, null);
  const created = await agents.admin.json('POST', '/api/v1/projects', {
    title_sr: 'Админов', status: 'idea', participants: [{ org: 'cluster-d', role: 'lead' }],
  });
  assert.equal(created.status, 201, created.text);
  // a partner's representative may not create one led by a cluster
  const denied = await agents.partner.json('POST', '/api/v1/projects', {
    title_sr: 'Не', status: 'idea', participants: [{ org: 'cluster-c', role: 'lead' }],
  });
  assert.equal(denied.status, 403);
});

test('the portfolio counts a project with several SCAN participants once; the network draws the ties', async () => {
  const csv = (await get('admin', '/projects/portfolio?table=clusters&format=csv')).text;
  assert.match(csv, /Cluster C|Кластер Ц/);
  const years = (await get('public', '/projects/portfolio?table=years&format=csv')).text;
  // the public project: C and its member M take part; counted once
  assert.match(years, /\n2024,1,800000\.00,/);
  const bad = await get('public', '/projects/portfolio?table=nope&format=csv');
  assert.equal(bad.status, 400);
  const net = await get('public', '/network?lang=en');
  assert.match(net.text, /<svg[^>]*role="img"/);
  assert.match(net.text, /University P/);
  assert.doesNotMatch(net.text, /Member M<\/text>/, 'companies are not nodes');
  assert.equal((await get('public', '/network?kind=bogus')).status, 400);
  assert.equal((await get('public', '/network?kind=university&from=2024&to=2026')).status, 200);
  // the same data draws the same picture
  const again = await get('public', '/network?lang=en');
  assert.equal(again.text.replace(/csrf[^"]*"[^"]*"/g, ''), net.text.replace(/csrf[^"]*"[^"]*"/g, ''));
});
