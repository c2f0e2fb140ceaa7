// draft_members.test.mjs: an entry the secretariat has not reviewed (a
// proposed entry, or any draft) cannot become a cluster member (attacker
// review finding). A manager proposes entry X; another manager who adds X
// to their cluster by name, address or the typeahead's pick gets exactly
// the answer a name that matches nothing gets (no existence leak), and
// nothing is stored or mailed; the secretariat cannot add it either; a
// pending membership proposal whose organisation is not published is
// refused on accept with a clear message, and no membership is made.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, loginAgent, scanIn, sqliteIn } from './lib.mjs';

const PW = 'draft member test phrase 2026';
const USERS = {
  admin: ['boss.d@example.com', ['--admin']],
  managerA: ['manager.da@example.com', []],
  managerB: ['manager.db@example.com', []],
};

let dir;
let db;
let srv;
const as = {};
const ids = {};

function sqlite(sql) {
  return sqliteIn(db, sql);
}

function cli(args, input) {
  return scanIn(db, args, input);
}

const count = (sql) => Number(sqlite(sql));

async function agent(email) {
  return loginAgent(srv.url, email, PW, { lang: 'en' });
}

// the error shown beside the organisation field of the members form
const orgError = (html) => {
  const m = /id="mem-org-error"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  assert.ok(m, 'an error beside the organisation field');
  return m[1].replace(/<[^>]+>/g, '').trim();
};

const state = () => ({
  members: count('SELECT count(*) FROM cluster_member'),
  proposals: count('SELECT count(*) FROM cluster_member_proposal'),
  outbox: count('SELECT count(*) FROM outbox'),
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-draftmem-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, pib, created_at, updated_at, name_folded) VALUES
    ('cluster-a', 'Cluster A', 'cluster', 'published', NULL, 0, 0, 'cluster a'),
    ('cluster-b', 'Cluster B', 'cluster', 'published', NULL, 0, 0, 'cluster b'),
    ('old-draft', 'Old Draft Co', 'company', 'draft', NULL, 0, 0, 'old draft co'),
    ('known-co', 'Known Co', 'company', 'published', NULL, 0, 0, 'known co');`);
  for (const [key, [email, flags]] of Object.entries(USERS))
    cli(['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  cli(['user', 'role', USERS.managerA[0], 'manager', '--org', 'cluster-a']);
  cli(['user', 'role', USERS.managerB[0], 'manager', '--org', 'cluster-b']);
  srv = await startServer({ dbPath: db });
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await agent(email);
  // manager A proposes entry X: a draft with a pending org_proposal row
  const r = await as.managerA.post('/orgs/propose?lang=en', { name: 'Xanadu Proposed Co', kind: 'company' });
  assert.equal(r.status, 303, `propose: ${r.status}`);
  for (const line of sqlite('SELECT slug, id FROM org').split('\n')) {
    const [slug, id] = line.split('|');
    ids[slug] = id;
  }
  ids.x = sqlite("SELECT slug FROM org WHERE name = 'Xanadu Proposed Co'");
  assert.ok(ids.x);
  assert.equal(count(`SELECT count(*) FROM org_proposal WHERE state = 'proposed'`), 1);
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('a proposed or draft entry cannot be added as a member, answered as a name that matches nothing', async () => {
  const before = state();
  const unknown = await as.managerB.post('/orgs/cluster-b/members?lang=en',
    { org: 'No Such Organisation', role: 'member', joined_on: '2024-01-01' });
  assert.equal(unknown.status, 422);
  const expected = orgError(unknown.text);
  assert.match(expected, /No organisation in the directory/);
  const tries = [
    ['managerB', { org: 'Xanadu Proposed Co' }],
    ['managerB', { org: ids.x }],
    ['managerB', { org: `/orgs/${ids.x}` }],
    ['managerB', { org: 'anything', org_pick: ids.x }],
    ['managerB', { org: 'Old Draft Co' }],
    ['managerB', { org: 'old-draft' }],
    // the secretariat sees drafts in the directory but cannot make one a member
    ['admin', { org: 'Xanadu Proposed Co' }],
    ['admin', { org: 'old-draft' }],
  ];
  for (const [who, form] of tries) {
    const r = await as[who].post('/orgs/cluster-b/members?lang=en', { role: 'member', joined_on: '2024-01-01', ...form });
    assert.equal(r.status, 422, `${who} ${JSON.stringify(form)}: ${r.status}`);
    assert.equal(orgError(r.text), expected, `${who} ${JSON.stringify(form)}: same answer as an unknown name`);
  }
  assert.deepEqual(state(), before, 'no membership, no proposal, no mail');
  // a published entry still goes through
  const ok = await as.managerB.post('/orgs/cluster-b/members?lang=en', { org: 'Known Co', role: 'member', joined_on: '2024-01-01' });
  assert.equal(ok.status, 303);
  assert.equal(state().proposals + state().members, before.proposals + before.members + 1);
});

test('accepting a membership proposal whose organisation is not published is refused, and nothing changes', async () => {
  // a proposal left from before, or whose entry was unpublished since
  sqlite(`INSERT INTO cluster_member_proposal(cluster_id, org_id, role, joined_on, proposed_at)
          VALUES (${ids['cluster-b']}, ${ids['old-draft']}, 'member', '2024-01-01', 0)`);
  const pid = sqlite('SELECT max(id) FROM cluster_member_proposal');
  const before = state();
  const r = await as.admin.post(`/memberships/${pid}/accept?lang=en`, {});
  assert.equal(r.status, 422, `accept: ${r.status}`);
  assert.match(r.text, /not published in the directory/);
  assert.deepEqual(state(), before);
  assert.equal(sqlite(`SELECT status FROM cluster_member_proposal WHERE id = ${pid}`), 'pending');
  const figures = await fetch(`${srv.url}/api/v1/figures`);
  assert.doesNotMatch(await figures.text(), /Old Draft Co|Xanadu/);
});
