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
import { startServer, scan, login, makeToken, scanIn, sqliteRun } from './lib.mjs';

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
  const r = sqliteRun(srv.db, sql);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function cli(args, input) {
  return scanIn(srv.db, args, input);
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

// --- the team form invites without saying who has an account --------------------------

test('the team form answers the same for an address with an account and one without; the invited accept by logging in', async () => {
  const m = sessions.manager;
  const invite = async (email) => {
    const res = await fetch(`${srv.url}/orgs/cluster-c/team`, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, Cookie: m.cookie },
      body: new URLSearchParams({ _csrf: m.csrf, email, role: 'Analyst', fte: '0.5', since: '2024-01-01', name: '' }).toString(),
    });
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  };
  const outbox = (to) => Number(sqlite(`SELECT count(*) FROM outbox WHERE to_addr = '${to}'`));
  const fresh = 'nobody.yet@example.com';
  const known = await invite(EMAIL.noaff);
  const unknown = await invite(fresh);
  assert.equal(known.status, 303, known.text.slice(0, 300));
  assert.deepEqual(unknown, known, 'the same answer either way');
  assert.equal(known.location, '/orgs/cluster-c/cluster/edit?saved=team-invited#team');

  // the edit page lists both invitations by the address typed, never by the account's name
  const edit = await get('/orgs/cluster-c/cluster/edit?saved=team-invited', 'manager');
  assert.match(edit.text, /An invitation was sent to that address/);
  assert.match(edit.text, new RegExp(`${EMAIL.noaff} \\(invited, not accepted yet\\)`));
  assert.match(edit.text, new RegExp(`${fresh} \\(invited, not accepted yet\\)`));
  assert.doesNotMatch(edit.text, /The noaff/, 'the name of the account behind the address');

  // mail: the account holder gets the team invitation; the new address also
  // an account invitation
  assert.equal(outbox(EMAIL.noaff), 1);
  assert.equal(outbox(fresh), 2);
  assert.match(sqlite(`SELECT body FROM outbox WHERE to_addr = '${EMAIL.noaff}'`), /\/orgs\/cluster-c\/team\/accept/);

  // invitations are not on the public profile
  const before = await get('/orgs/cluster-c', null);
  assert.doesNotMatch(before.text, /The noaff|Analyst/);

  // someone else has nothing to accept; the invited person accepts by logging in
  assert.equal((await get('/orgs/cluster-c/team/accept', 'representative')).status, 404);
  assert.equal((await get('/orgs/cluster-c/team/accept', null)).status, 303, 'the public is sent to log in');
  const me = sessions.noaff;
  const form = await get('/orgs/cluster-c/team/accept', 'noaff');
  assert.equal(form.status, 200);
  assert.match(form.text, /invited to the management team of Cluster C as Analyst/);
  const ok = await fetch(`${srv.url}/orgs/cluster-c/team/accept`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, Cookie: me.cookie },
    body: new URLSearchParams({ _csrf: me.csrf }).toString(),
  });
  await ok.text();
  assert.equal(ok.status, 303);
  assert.equal(Number(sqlite(`SELECT count(*) FROM audit WHERE action = 'cluster_team_accept'`)), 1);
  const after = await get('/orgs/cluster-c', null);
  assert.match(after.text, /The noaff/, 'on the team once accepted');
  assert.equal((await get('/orgs/cluster-c/team/accept', 'noaff')).status, 404, 'nothing left to accept');
});
