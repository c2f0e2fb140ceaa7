// membership.test.mjs: memberships by consent, end to end against the real
// binary (issue 10, part 3).
//
// The take-over an outside review reproduced: the manager of founder
// cluster A added founder cluster B as a member of A with a backdated date,
// then, through "C and C's members", invited themselves as B's manager and
// ended B's other memberships. Every step of that chain must now fail: a
// cluster (or the association) as a member needs the secretariat; a
// manager's addition of a company is only a proposal, giving no rights
// until the company's representative accepts; even a cluster the
// secretariat made a member cannot be taken over by invitation. Also: the
// rights after acceptance start in the acceptance year, proposals mail the
// representatives, decline with a reason, withdraw, and the kind of an
// entry is the secretariat's (form and API).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, login, loginAgent, scanIn, sqliteIn } from './lib.mjs';

const PW = 'membership test phrase 2026';
const USERS = {
  admin: ['boss.m@example.com', ['--admin']],
  editor: ['editor.m@example.com', ['--editor']],
  managerA: ['manager.a@example.com', []],
  managerB: ['manager.b@example.com', []],
  repX: ['rep.x@example.com', []],
  repY: ['rep.y@example.com', []],
};
const THIS_YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Belgrade', year: 'numeric' }).format(new Date()));

let dir;
let db;
let srv;
const as = {};

function sqlite(sql) {
  return sqliteIn(db, sql);
}

function cli(args, input) {
  return scanIn(db, args, input);
}

// A logged-in user: post(path, form) with the session's CSRF token, get,
// and json(method, path, body) for the API.
async function agent(email) {
  return loginAgent(srv.url, email, PW);
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const memberOf = (cluster, org) => sqlite(`SELECT count(*) FROM cluster_member m JOIN org c ON c.id = m.cluster_id
  JOIN org o ON o.id = m.org_id WHERE c.slug = '${cluster}' AND o.slug = '${org}'`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-membership-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-a', 'Founder A', 'cluster', 'published', 0, 0, 'founder a'),
    ('cluster-b', 'Founder B', 'cluster', 'published', 0, 0, 'founder b'),
    ('scan-assoc', 'SCAN', 'cluster_association', 'published', 0, 0, 'scan'),
    ('company-x', 'Company X', 'company', 'published', 0, 0, 'company x'),
    ('company-y', 'Company Y', 'company', 'published', 0, 0, 'company y'),
    ('company-z', 'Company Z', 'company', 'published', 0, 0, 'company z');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2018-01-01' FROM org c, org m WHERE c.slug = 'cluster-b' AND m.slug = 'company-z';`);
  for (const [key, [email, flags]] of Object.entries(USERS))
    cli(['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  cli(['user', 'role', USERS.managerA[0], 'manager', '--org', 'cluster-a']);
  cli(['user', 'role', USERS.managerB[0], 'manager', '--org', 'cluster-b']);
  cli(['user', 'role', USERS.repX[0], 'representative', '--org', 'company-x']);
  cli(['user', 'role', USERS.repY[0], 'representative', '--org', 'company-y']);
  srv = await startServer({ dbPath: db });
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await agent(email);
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('the take-over chain fails: a manager cannot add another cluster or the association', async () => {
  const m = as.managerA;
  for (const org of ['cluster-b', 'scan-assoc']) {
    const r = await m.post('/orgs/cluster-a/members?lang=en', { org, role: 'board', joined_on: '2010-01-01' });
    assert.equal(r.status, 422, org);
    assert.match(text(r.text), /becomes a member only by decision of the SCAN secretariat/, org);
    assert.equal(memberOf('cluster-a', org), '0', `${org}: nothing stored`);
  }
  assert.equal(sqlite('SELECT count(*) FROM cluster_member_proposal'), '0', 'no proposal either');
  // so no rights over B: no invitation for it, no figures, no ending its memberships
  const inv = await m.post('/invite', { name: 'Me Again', email: 'me.again@example.com', org: sqlite("SELECT id FROM org WHERE slug = 'cluster-b'"), role: 'manager' });
  assert.equal(inv.status, 403);
  assert.equal((await m.get('/orgs/cluster-b/figures')).status, 403);
  const zId = sqlite("SELECT m.id FROM cluster_member m JOIN org o ON o.id = m.org_id WHERE o.slug = 'company-z'");
  assert.equal((await m.post(`/orgs/cluster-b/members/${zId}/end`, { left_on: '2024-01-01' })).status, 403);
  assert.equal(sqlite(`SELECT CASE WHEN left_on IS NULL THEN 1 ELSE 0 END FROM cluster_member WHERE id = ${zId}`), '1');
});

test('even a cluster the secretariat made a member cannot be taken over by invitation', async () => {
  const add = await as.editor.post('/orgs/cluster-a/members', { org: 'cluster-b', role: 'member', joined_on: '2012-01-01' });
  assert.equal(add.status, 303);
  assert.equal(add.location, '/orgs/cluster-a/members/manage?added=cluster-b');
  assert.equal(memberOf('cluster-a', 'cluster-b'), '1');
  assert.equal(sqlite(`SELECT CASE WHEN accepted_by = proposed_by AND accepted_at > 0 THEN 1 ELSE 0 END FROM cluster_member m
    JOIN org o ON o.id = m.org_id WHERE o.slug = 'cluster-b'`), '1', 'the history says who accepted');
  const bId = sqlite("SELECT id FROM org WHERE slug = 'cluster-b'");
  const inv = await as.managerA.post('/invite', { name: 'Me Again', email: 'me.again@example.com', org: bId, role: 'manager' });
  assert.equal(inv.status, 403, 'no invitation for a member that is itself a cluster');
  assert.doesNotMatch((await as.managerA.get('/invite')).text, /Founder B/);
  const zId = sqlite("SELECT m.id FROM cluster_member m JOIN org o ON o.id = m.org_id WHERE o.slug = 'company-z'");
  assert.equal((await as.managerA.post(`/orgs/cluster-b/members/${zId}/end`, { left_on: '2024-01-01' })).status, 403);
});

test('a proposed company gives no rights until its representative accepts; rights start in the acceptance year', async () => {
  const m = as.managerA;
  const xId = sqlite("SELECT id FROM org WHERE slug = 'company-x'");
  const add = await m.post('/orgs/cluster-a/members', { org: 'company-x', role: 'member', joined_on: '2015-03-01' });
  assert.equal(add.status, 303);
  assert.equal(add.location, '/orgs/cluster-a/members/manage?proposed=company-x');
  assert.equal(memberOf('cluster-a', 'company-x'), '0', 'a proposal is no membership');
  // the cluster's members section shows it to its manager, with Withdraw; not to others
  assert.match((await m.get('/orgs/cluster-a?lang=en')).text, /Proposed, awaiting acceptance[^]*\/members\/proposals\/\d+\/withdraw/);
  assert.doesNotMatch(await (await fetch(`${srv.url}/orgs/cluster-a`)).text(), /members\/proposals/);
  assert.doesNotMatch((await as.repX.get('/orgs/cluster-a')).text, /members\/proposals/);
  // no rights from a proposal
  assert.equal((await m.get('/orgs/company-x/figures')).status, 403);
  assert.equal((await m.post('/invite', { name: 'Me', email: 'me.x@example.com', org: xId, role: 'manager' })).status, 403);
  // the representative is mailed, in English and Serbian
  const mail = sqlite(`SELECT subject || '|' || body FROM outbox WHERE to_addr = '${USERS.repX[0]}'`);
  assert.match(mail, /SCAN: membership proposal for Company X \/ SCAN: предлог чланства за Company X/);
  assert.match(mail, /The cluster Founder A proposes Company X as its member \(Member\) from 2015-03-01/);
  assert.match(mail, /\/account#proposals/);
  assert.match(mail, /Кластер Founder A предлаже/);
  // another representative sees nothing and may not decide
  const pid = sqlite('SELECT id FROM cluster_member_proposal WHERE status = \'pending\'');
  assert.doesNotMatch((await as.repY.get('/account')).text, /memberships\/\d+\/accept/);
  assert.equal((await as.repY.post(`/memberships/${pid}/accept`)).status, 403);
  assert.equal((await m.post(`/memberships/${pid}/accept`)).status, 403);
  // X's representative accepts
  const acct = await as.repX.get('/account?lang=en');
  assert.match(acct.text, new RegExp(`action="/memberships/${pid}/accept"`));
  assert.match(text(acct.text), /Founder A proposes Company X as Member from 1 Mar 2015 Proposed by User managerA\./);
  const cyr = await as.repX.get('/account?lang=sr-Cyrl');
  assert.match(text(cyr.text), /Founder A предлаже Company X као: Члан, од 1\. 3\. 2015\./);
  await as.repX.get('/account?lang=en'); // back to English for the pages below
  const ok = await as.repX.post(`/memberships/${pid}/accept`);
  assert.equal(ok.status, 303);
  assert.equal(memberOf('cluster-a', 'company-x'), '1');
  const hist = sqlite(`SELECT m.joined_on, CASE WHEN m.proposed_by = pm.id THEN 1 ELSE 0 END,
    CASE WHEN m.accepted_by = pr.id THEN 1 ELSE 0 END, CASE WHEN m.accepted_at > 0 THEN 1 ELSE 0 END, x.status
    FROM cluster_member m JOIN cluster_member_proposal x ON x.member_id = m.id
    JOIN person pm ON pm.email = '${USERS.managerA[0]}' JOIN person pr ON pr.email = '${USERS.repX[0]}'`);
  assert.equal(hist, '2015-03-01|1|1|1|accepted', 'backdated joining, who proposed, who accepted');
  // now the manager may enter X's figures, from the acceptance year on
  // only: the backdated joining date reaches no further; who speaks for X
  // stays X's own choice (no invitation for X from the manager)
  assert.equal((await m.post('/invite', { name: 'X Rep 2', email: 'x.rep2@example.com', org: xId, role: 'representative' })).status, 403);
  assert.equal((await m.get('/orgs/company-x/figures')).status, 200);
  const past = await m.post('/orgs/company-x/figures?lang=en', { year: String(THIS_YEAR - 1), employees: '10', currency: 'EUR', source: 'self_reported' });
  assert.equal(past.status, 422);
  assert.match(text(past.text), /only for years from its accepted membership/);
  assert.equal(sqlite(`SELECT count(*) FROM org_figure WHERE org_id = ${xId}`), '0');
  const head = 'slug,year,employees,revenue,exports,rnd,currency,source\r\n';
  const imp = await m.post('/orgs/cluster-a/figures/import?lang=en', { csv: `${head}company-x,${THIS_YEAR - 2},10,,,,EUR,self_reported\r\n`, confirm: '1' });
  assert.equal(imp.status, 422);
  assert.match(text(imp.text), new RegExp(`you may not change the figures of company-x for ${THIS_YEAR - 2}`));
  const now = await m.post('/orgs/company-x/figures', { year: String(THIS_YEAR), employees: '10', currency: 'EUR', source: 'self_reported' });
  assert.equal(now.status, 303);
  // the representative of X itself is not limited
  assert.equal((await as.repX.post('/orgs/company-x/figures', { year: String(THIS_YEAR - 1), employees: '9', currency: 'EUR', source: 'self_reported' })).status, 303);
});

test('decline with a reason, and withdraw', async () => {
  const m = as.managerA;
  assert.equal((await m.post('/orgs/cluster-a/members', { org: 'company-y', role: 'board', joined_on: '2024-01-01' })).status, 303);
  const pid = sqlite("SELECT x.id FROM cluster_member_proposal x JOIN org o ON o.id = x.org_id WHERE o.slug = 'company-y' AND x.status = 'pending'");
  const long = await as.repY.post(`/memberships/${pid}/decline?lang=en`, { reason: 'x'.repeat(501) });
  assert.equal(long.status, 422);
  assert.match(text(long.text), /at most 500/);
  const no = await as.repY.post(`/memberships/${pid}/decline`, { reason: 'We never asked to join.' });
  assert.equal(no.status, 303);
  assert.equal(no.location, '/account?proposal=declined#proposals');
  assert.equal(sqlite(`SELECT status || '|' || reason FROM cluster_member_proposal WHERE id = ${pid}`), 'declined|We never asked to join.');
  assert.equal(memberOf('cluster-a', 'company-y'), '0');
  // proposed again, then withdrawn by the manager
  assert.equal((await m.post('/orgs/cluster-a/members', { org: 'company-y', role: 'member', joined_on: '2024-01-01' })).status, 303);
  const again = sqlite("SELECT x.id FROM cluster_member_proposal x JOIN org o ON o.id = x.org_id WHERE o.slug = 'company-y' AND x.status = 'pending'");
  assert.equal((await as.managerB.post(`/orgs/cluster-a/members/proposals/${again}/withdraw`)).status, 403, 'another cluster\'s manager');
  assert.equal((await as.managerB.post(`/orgs/cluster-b/members/proposals/${again}/withdraw`)).status, 404, 'not B\'s proposal');
  const w = await m.post(`/orgs/cluster-a/members/proposals/${again}/withdraw`);
  assert.equal(w.status, 303);
  assert.equal(sqlite(`SELECT status FROM cluster_member_proposal WHERE id = ${again}`), 'withdrawn');
  assert.equal((await m.post(`/orgs/cluster-a/members/proposals/${again}/withdraw`)).status, 409);
  assert.equal((await as.repY.post(`/memberships/${again}/accept`)).status, 409, 'a withdrawn proposal cannot be accepted');
  assert.doesNotMatch((await as.repY.get('/account')).text, /memberships\/\d+\/accept/);
  const audit = sqlite("SELECT group_concat(action, ',') FROM (SELECT action FROM audit WHERE action LIKE 'membership_%' ORDER BY id) AS a");
  assert.equal(audit, 'membership_propose,membership_accept,membership_propose,membership_decline,membership_propose,membership_withdraw');
});

test('the kind is the secretariat\'s: refused for a representative and a manager, form and API', async () => {
  const form = await as.repX.get('/orgs/company-x/edit?lang=en');
  assert.equal(form.status, 200);
  assert.doesNotMatch(form.text, /<select id="org-kind"/, 'no kind select for a representative');
  assert.match(form.text, /<input id="org-kind" type="text" value="Company" readonly/);
  assert.match(text(form.text), /Set by the SCAN secretariat/);
  // a crafted form that changes the kind
  const r = await as.repX.post('/orgs/company-x?lang=en', { name: 'Company X', slug: 'company-x', kind: 'cluster' });
  assert.equal(r.status, 422);
  assert.match(text(r.text), /Only the SCAN secretariat may change this/);
  assert.equal(sqlite("SELECT kind FROM org WHERE slug = 'company-x'"), 'company');
  // leaving the kind as it is, or not sending it, saves
  assert.equal((await as.repX.post('/orgs/company-x', { name: 'Company X', slug: 'company-x', kind: 'company', status: 'published' })).status, 303);
  assert.equal((await as.repX.post('/orgs/company-x', { name: 'Company X d.o.o.', slug: 'company-x', status: 'published' })).status, 303);
  assert.equal(sqlite("SELECT name || '|' || kind FROM org WHERE slug = 'company-x'"), 'Company X d.o.o.|company');
  // the API: a merge patch with another kind is a 422 naming the field
  const api = await as.repX.json('PATCH', '/api/v1/orgs/company-x', { kind: 'cluster_association' });
  assert.equal(api.status, 422);
  assert.match(JSON.parse(api.text).error.fields.kind, /Only the SCAN secretariat may change this/);
  assert.equal((await as.repX.json('PATCH', '/api/v1/orgs/company-x', { kind: 'company', short_en: 'X' })).status, 200);
  // a manager cannot turn their cluster into a company (or back)
  const mgr = await as.managerA.post('/orgs/cluster-a?lang=en', { name: 'Founder A', slug: 'cluster-a', kind: 'company', status: 'published' });
  assert.equal(mgr.status, 422);
  assert.equal((await as.managerA.json('PATCH', '/api/v1/orgs/cluster-a', { kind: 'cluster_initiative' })).status, 422);
  assert.equal(sqlite("SELECT kind FROM org WHERE slug = 'cluster-a'"), 'cluster');
  // the secretariat may
  assert.equal((await as.editor.json('PATCH', '/api/v1/orgs/company-y', { kind: 'ngo' })).status, 200);
  assert.equal(sqlite("SELECT kind FROM org WHERE slug = 'company-y'"), 'ngo');
});

test('a member is added by its name typed in any script; the joining date is asked, not assumed', async () => {
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('niska-firma', 'Нишка Фирма', 'company', 'published', 0, 0, 'niska firma'),
    ('twin-1', 'Twin Name', 'company', 'published', 0, 0, 'twin name'),
    ('twin-2', 'Twin Name', 'company', 'published', 0, 0, 'twin name');`);
  const form = await as.editor.get('/orgs/cluster-a/members/manage?lang=en');
  assert.equal(form.status, 200);
  const joined = form.text.match(/<input[^>]*name="joined_on"[^>]*>/)[0];
  assert.doesNotMatch(joined, /value="\d/, 'no joining date is filled in for the manager');
  assert.match(text(form.text), /Its figures count for the cluster from that year on/);
  assert.match(form.text, /name="org"[^>]*data-suggest="fill"|data-suggest="fill"[^>]*name="org"/, 'the name field has the typeahead');
  // no date: refused beside the field, nothing stored
  const nodate = await as.editor.post('/orgs/cluster-a/members?lang=en', { org: 'Niska firma', role: 'member', joined_on: '' });
  assert.equal(nodate.status, 422);
  assert.equal(memberOf('cluster-a', 'niska-firma'), '0');
  // Latin ASCII typed for a Cyrillic name
  const add = await as.editor.post('/orgs/cluster-a/members?lang=en', { org: 'Niska firma', role: 'member', joined_on: '2021-03-01' });
  assert.equal(add.status, 303);
  assert.equal(memberOf('cluster-a', 'niska-firma'), '1');
  const done = await as.editor.get(`${add.location}&lang=sr-Cyrl`);
  assert.match(text(done.text), /Нишка Фирма је сада члан\./, 'the notice names the member, not its address');
  // two entries with one name: refused with a way out, nothing stored
  const twin = await as.editor.post('/orgs/cluster-a/members?lang=en', { org: 'twin name', role: 'member', joined_on: '2021-03-01' });
  assert.equal(twin.status, 422);
  assert.match(text(twin.text), /Several organisations in the directory have this name/);
  assert.equal(memberOf('cluster-a', 'twin-1') + memberOf('cluster-a', 'twin-2'), '00');
  // the typeahead's choice decides between them
  const picked = await as.editor.post('/orgs/cluster-a/members?lang=en', { org: 'Twin Name', org_pick: 'twin-2', role: 'member', joined_on: '2021-03-01' });
  assert.equal(picked.status, 303);
  assert.equal(memberOf('cluster-a', 'twin-2'), '1');
  assert.equal(memberOf('cluster-a', 'twin-1'), '0');
});

test('an invitation grants nothing once its sender may no longer invite for that organisation', async () => {
  // managerB invites a co-manager for cluster B, then stops managing it
  const inv = await as.managerB.post('/invite', { name: 'Late Co', email: 'late.co@example.com', org: sqlite("SELECT id FROM org WHERE slug = 'cluster-b'"), role: 'manager' });
  assert.equal(inv.status, 303);
  const body = sqlite("SELECT body FROM outbox WHERE to_addr = 'late.co@example.com' ORDER BY id DESC LIMIT 1");
  const token = body.match(/\/invite\/accept\?t=([A-Za-z0-9_-]{43})/)[1];
  cli(['user', 'role', USERS.managerB[0], 'manager', '--org', 'cluster-b', '--end']);
  const res = await fetch(`${srv.url}/invite/accept?lang=en`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: new URLSearchParams({ t: token, password: 'late co strong phrase 2026', password2: 'late co strong phrase 2026' }).toString(),
  });
  assert.equal(res.status, 410);
  assert.match(await res.text(), /whoever sent it may no longer invite people for that organisation/);
  assert.equal(sqlite(`SELECT count(*) FROM affiliation a JOIN person p ON p.id = a.person_id WHERE p.email = 'late.co@example.com'`), '0');
  cli(['user', 'role', USERS.managerB[0], 'manager', '--org', 'cluster-b']); // as it was, for the tests after
});
