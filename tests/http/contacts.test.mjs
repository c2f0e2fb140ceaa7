// contacts.test.mjs: who sees people's contact details, and how personal
// answers are cached.
//
// - A cluster team's e-mail addresses and phone numbers are shown only to
//   readers with RIGHT_VIEW_MEMBERS (the secretariat, anyone with a current
//   affiliation): not to the public, not to a logged-in person without
//   one. A person who agreed to public display is shown to everyone.
// - Anything answered to a logged-in person or a Bearer token carries
//   Cache-Control "private, no-store"; anonymous pages keep theirs.
// - The team form invites by address and answers the same whether or not
//   the address has an account, so it cannot be used to probe addresses.
//
// Fixture: cluster C with member company M and a management team (a lead
// with private contacts, a secretary who agreed to public display); people:
// admin, the manager of C, the representative of M, and a person with an
// account but no affiliation.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, makeToken } from './lib.mjs';

const PW = 'contacts pass phrase 2026';
const EMAIL = {
  admin: 'boss@example.com',
  manager: 'manager.c@example.com',
  representative: 'rep.m@example.com',
  noaff: 'loner@example.com',
};
const LEAD = { email: 'lead.private@example.com', phone: '+381 11 555 0101' };
const SECRETARY = { email: 'secretary.public@example.com', phone: '+381 11 555 0202' };

let srv;
const sessions = {};

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-batch', srv.db], { input: sql, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function cli(args, input) {
  const r = scan([...args, '--db', srv.db], input === undefined ? {} : { input });
  assert.equal(r.status, 0, `scan ${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  srv = await startServer();
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
      ('cluster-c', 'Cluster C', 'cluster', 'published', 0, 0, 'cluster c'),
      ('member-m', 'Member M', 'company', 'published', 0, 0, 'member m');
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2020-01-01' FROM org c, org m WHERE c.slug = 'cluster-c' AND m.slug = 'member-m';
    INSERT INTO person(name, email, phone, public_contact, created_at, updated_at) VALUES
      ('Lea Lead', '${LEAD.email}', '${LEAD.phone}', 0, 0, 0),
      ('Sima Secretary', '${SECRETARY.email}', '${SECRETARY.phone}', 1, 0, 0);
    INSERT INTO cluster_team(org_id, person_id, role, fte_milli, since)
      SELECT o.id, p.id, 'Cluster manager', 1000, '2020-01-01' FROM org o, person p
       WHERE o.slug = 'cluster-c' AND p.email = '${LEAD.email}';
    INSERT INTO cluster_team(org_id, person_id, role, fte_milli, since)
      SELECT o.id, p.id, 'Secretary', 500, '2021-01-01' FROM org o, person p
       WHERE o.slug = 'cluster-c' AND p.email = '${SECRETARY.email}';`);
  cli(['user', 'add', EMAIL.admin, '--name', 'Admin', '--admin', '--password-stdin'], `${PW}\n`);
  for (const [role, email] of Object.entries(EMAIL).filter(([r]) => r !== 'admin'))
    cli(['user', 'add', email, '--name', `The ${role}`, '--password-stdin'], `${PW}\n`);
  cli(['user', 'role', EMAIL.manager, 'manager', '--org', 'cluster-c']);
  cli(['user', 'role', EMAIL.representative, 'representative', '--org', 'member-m']);
  for (const [role, email] of Object.entries(EMAIL)) sessions[role] = await login(srv.url, email, PW);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

const get = async (path, role) => {
  const headers = role ? { Cookie: sessions[role].cookie } : {};
  const res = await fetch(srv.url + path, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
};

// --- team contacts --------------------------------------------------------------------

test('a cluster team\'s private contacts: only for readers with the right', async () => {
  const want = { anonymous: false, noaff: false, representative: true, manager: true, admin: true };
  for (const [role, sees] of Object.entries(want)) {
    const page = await get('/orgs/cluster-c', role === 'anonymous' ? null : role);
    assert.equal(page.status, 200, role);
    assert.match(page.text, /Lea Lead/, `${role} sees the team`);
    for (const secret of [LEAD.email, LEAD.phone])
      assert.equal(page.text.includes(secret), sees, `${role} ${sees ? 'sees' : 'does not see'} ${secret}`);
    // the one who agreed to public display is shown to everyone
    assert.ok(page.text.includes(SECRETARY.email), `${role} sees the public contact`);
    if (role === 'noaff') assert.match(page.text, /Contacts are shown to people who represent an organisation/);
    if (role === 'anonymous') assert.match(page.text, /Log in to see contacts/);
  }
});

test('the cluster API never carries team contacts, for any reader', async () => {
  for (const role of ['anonymous', 'noaff', 'manager', 'admin']) {
    const headers = role === 'anonymous' ? {} : { Authorization: `Bearer ${await makeToken(srv.url, sessions[role], 'read', `c-${role}`)}` };
    for (const path of ['/api/v1/clusters', '/api/v1/clusters/cluster-c/members']) {
      const res = await fetch(srv.url + path, { headers });
      const text = await res.text();
      assert.equal(res.status, 200, `${role} ${path}`);
      assert.ok(!text.includes(LEAD.email) && !text.includes(LEAD.phone), `${role} ${path}`);
    }
  }
});

// --- Cache-Control -------------------------------------------------------------------

test('pages for a logged-in person and API answers to a token are private, no-store; anonymous pages are not', async () => {
  for (const path of ['/', '/orgs/cluster-c', '/figures', '/orgs/cluster-c/cluster/edit']) {
    const page = await get(path, 'manager');
    assert.equal(page.status, 200, path);
    assert.equal(page.headers.get('cache-control'), 'private, no-store', `logged-in ${path}`);
  }
  const token = await makeToken(srv.url, sessions.noaff, 'read', 'cache');
  for (const path of ['/api/v1/orgs', '/api/v1/orgs/cluster-c', '/api/v1/clusters']) {
    const res = await fetch(srv.url + path, { headers: { Authorization: `Bearer ${token}` } });
    await res.text();
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('cache-control'), 'private, no-store', `token ${path}`);
  }
  for (const path of ['/', '/orgs/cluster-c', '/api/v1/orgs']) {
    const page = await get(path, null);
    assert.equal(page.status, 200, path);
    assert.equal(page.headers.get('cache-control'), 'no-cache', `anonymous ${path}`);
  }
});
