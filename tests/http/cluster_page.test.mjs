// cluster_page.test.mjs: the cluster page and its team (issue 11 §2, §3
// labels, §4 English fields, §8 one Save button) against the real binary.
//
// The edit page is one form with one Save that stores everything or
// nothing and says so afterwards; bad input is refused beside its field
// with nothing stored. Free texts have an English field beside the
// Serbian one, and the profile shows the reader's language with the right
// lang attribute, or the other language marked as untranslated; the API
// returns both. A label a manager declares is a claim until the
// secretariat verifies it with a reference (start page, audit, API state).
// A team invitation offers the manager right; accepting starts it, the
// account page says who granted it, ending the team row ends it. A cluster
// whose members reported before they joined says so, and the
// missing-reports page counts them for the joining year.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, scanIn, sqliteIn } from './lib.mjs';

const PW = 'cluster page pass phrase 2026';
const EMAIL = {
  editor: 'cp.editor@example.com',
  manager: 'cp.manager@example.com',
  colleague: 'cp.colleague@example.com',
};

let srv;
const sessions = {};

// the sqlite3 shell, or psql in PostgreSQL mode (lib.mjs)
function sqlite(sql) {
  return sqliteIn(srv.db, sql);
}

function cli(args, input) {
  return scanIn(srv.db, args, input);
}

const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const text = (html) => decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

async function get(path, role) {
  const headers = role ? { Cookie: sessions[role].cookie } : {};
  const res = await fetch(srv.url + path, { headers, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function post(path, role, form) {
  const res = await fetch(srv.url + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, Cookie: sessions[role].cookie },
    body: new URLSearchParams({ ...form, _csrf: sessions[role].csrf }).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

// Every field the edit page sends, blank, with some filled in.
const full = (fields) => ({
  vision: '', mission: '', goals: '', services: '', networks: '',
  vision_en: '', mission_en: '', goals_en: '', services_en: '', networks_en: '',
  stage: '', reached_on: '', label: '', label_name: '', label_name_en: '', awarded_on: '',
  expires_on: '', reference: '', ...fields,
});

before(async () => {
  srv = await startServer();
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
      ('klaster-k', 'Кластер К', 'cluster', 'published', 0, 0, 'klaster k'),
      ('nov-klaster', 'Нов кластер', 'cluster', 'published', 0, 0, 'nov klaster'),
      ('firma-a', 'Firma A', 'company', 'published', 0, 0, 'firma a'),
      ('firma-b', 'Firma B', 'company', 'published', 0, 0, 'firma b'),
      ('firma-c', 'Firma C', 'company', 'published', 0, 0, 'firma c');
    INSERT INTO scan_membership(org_id, status, since, created_at)
      SELECT id, 'member', '2025-01-01', 0 FROM org WHERE slug = 'nov-klaster';
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2025-03-01' FROM org c, org m
       WHERE c.slug = 'nov-klaster' AND m.slug IN ('firma-a', 'firma-b', 'firma-c');
    INSERT INTO org_figure(org_id, year, employees, source, entered_at)
      SELECT m.id, y.year, 10, 'self_reported', 0 FROM org m,
        (SELECT 2023 AS year UNION SELECT 2024 UNION SELECT 2025) y
       WHERE m.slug IN ('firma-a', 'firma-b', 'firma-c');`);
  cli(['user', 'add', EMAIL.editor, '--name', 'Вера Уредник', '--editor', '--password-stdin'], `${PW}\n`);
  cli(['user', 'add', EMAIL.manager, '--name', 'Marko Menadžer', '--password-stdin'], `${PW}\n`);
  cli(['user', 'add', EMAIL.colleague, '--name', 'Kole Kolega', '--password-stdin'], `${PW}\n`);
  cli(['user', 'role', EMAIL.manager, 'manager', '--org', 'klaster-k']);
  for (const [role, email] of Object.entries(EMAIL)) sessions[role] = await login(srv.url, email, PW);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('the edit page is one form with one Save, and saving says so', async () => {
  const page = await get('/orgs/klaster-k/cluster/edit?lang=en', 'manager');
  assert.equal(page.status, 200);
  const form = /<form class="form" method="post" action="\/orgs\/klaster-k\/cluster"[\s\S]*?<\/form>/.exec(page.text)?.[0];
  assert.ok(form, 'the cluster form');
  assert.equal(form.match(/<button type="submit"/g).length, 1, 'one Save button in the one form');
  assert.equal(page.text.match(/action="\/orgs\/klaster-k\/cluster"/g).length, 1, 'no other form posts the profile');
  for (const name of ['vision', 'vision_en', 'services_en', 'stage', 'reached_on', 'label', 'label_name_en', 'reference'])
    assert.match(form, new RegExp(`name="${name}"`), name);
  const r = await post('/orgs/klaster-k/cluster?lang=en', 'manager',
    full({ vision: 'Повезана индустрија', vision_en: 'A connected industry', stage: 'emerging', reached_on: '2024-02-01' }));
  assert.equal(r.status, 303);
  const after = await get(r.location + '&lang=en', 'manager');
  assert.match(after.text, /<div class="notice" role="status"><p>Saved\.<\/p>/);
  assert.equal(sqlite("SELECT vision_en FROM cluster_profile p JOIN org o ON o.id = p.org_id WHERE o.slug = 'klaster-k'"), 'A connected industry');
  assert.equal(sqlite("SELECT count(*) FROM audit WHERE action = 'cluster_profile' AND detail LIKE '%\"stage\"%'"), '1', 'one audit row for the whole form');
});

test('bad input is refused beside its field, everything typed kept, nothing stored', async () => {
  const before = sqlite("SELECT vision || '|' || coalesce(vision_en, '') FROM cluster_profile p JOIN org o ON o.id = p.org_id WHERE o.slug = 'klaster-k'");
  const r = await post('/orgs/klaster-k/cluster?lang=en', 'manager',
    full({ vision: 'Нова визија', vision_en: 'New vision', stage: 'developing', reached_on: '2024-02-30' }));
  assert.equal(r.status, 422);
  assert.match(r.text, /id="ce-reached-on-error"/);
  assert.match(r.text, /aria-invalid="true"/);
  assert.match(r.text, />\nNova vizija<\/textarea>|>\nНова визија<\/textarea>/, 'the Serbian text as typed');
  assert.match(r.text, />\nNew vision<\/textarea>/, 'the English text as typed');
  const after = sqlite("SELECT vision || '|' || coalesce(vision_en, '') FROM cluster_profile p JOIN org o ON o.id = p.org_id WHERE o.slug = 'klaster-k'");
  assert.equal(after, before, 'the valid vision was not stored either');
  assert.equal(sqlite("SELECT count(*) FROM cluster_stage s JOIN org o ON o.id = s.org_id WHERE o.slug = 'klaster-k' AND stage = 'developing'"), '0');
  // an "other" label needs a name in either language
  const noName = await post('/orgs/klaster-k/cluster?lang=en', 'manager', full({ label: 'other', awarded_on: '2024-01-01' }));
  assert.equal(noName.status, 422);
  assert.match(noName.text, /id="ce-label-name-error"/);
  // the SCAN status stays the secretariat's
  assert.equal((await post('/orgs/klaster-k/cluster', 'manager', full({ status: 'member', since: '2024-01-01' }))).status, 403);
});

test('English beside Serbian: the reader\'s language with its lang attribute, or the other marked untranslated; the API returns both', async () => {
  const r = await post('/orgs/klaster-k/cluster', 'manager',
    full({ vision: 'Повезана индустрија', vision_en: 'A connected industry', mission: 'Извоз и знање' }));
  assert.equal(r.status, 303);
  const en = await get('/orgs/klaster-k?lang=en');
  assert.match(en.text, /<dd lang="en"><p>A connected industry<\/p>\s*<\/dd>/);
  assert.match(en.text, /<dd lang="sr-Latn"><p>Izvoz i znanje<\/p>\s*<\/dd>/, 'Serbian only: shown in Latin, tagged sr-Latn');
  assert.match(text(en.text), /Mission \(no English translation\)/);
  assert.doesNotMatch(text(en.text), /Vision \(no English translation\)/);
  const cyr = await get('/orgs/klaster-k?lang=sr-Cyrl');
  assert.match(cyr.text, /<dd lang="sr-Cyrl"><p>Повезана индустрија<\/p>\s*<\/dd>/);
  assert.doesNotMatch(cyr.text, /нема превода/);
  const lat = await get('/orgs/klaster-k?lang=sr-Latn');
  assert.match(lat.text, /<dd lang="sr-Latn"><p>Povezana industrija<\/p>\s*<\/dd>/);
  const api = await (await fetch(`${srv.url}/api/v1/clusters`)).json();
  const k = api.items.find((c) => c.slug === 'klaster-k');
  assert.equal(k.profile.vision, 'Повезана индустрија');
  assert.equal(k.profile.vision_en, 'A connected industry');
  assert.equal(k.profile.mission_en, null);
  // a post without a text keeps it (the page always sends every field)
  assert.equal((await post('/orgs/klaster-k/cluster', 'manager', { stage: 'emerging', reached_on: '2024-02-01' })).status, 303);
  assert.equal(sqlite("SELECT vision_en FROM cluster_profile p JOIN org o ON o.id = p.org_id WHERE o.slug = 'klaster-k'"), 'A connected industry');
});

test('a label the manager declares is a claim until the secretariat verifies it with a reference', async () => {
  const claim = await post('/orgs/klaster-k/cluster?lang=en', 'manager', full({ label: 'esca_gold', awarded_on: '2025-06-01' }));
  assert.equal(claim.status, 303);
  const id = sqlite("SELECT l.id FROM cluster_label l JOIN org o ON o.id = l.org_id WHERE o.slug = 'klaster-k' AND l.state = 'claimed'");
  assert.ok(id, 'stored as a claim');
  assert.match(text((await get('/orgs/klaster-k?lang=en')).text), /ESCA Gold label claimed/);
  let api = (await (await fetch(`${srv.url}/api/v1/clusters`)).json()).items.find((c) => c.slug === 'klaster-k');
  assert.deepEqual(api.labels.map((l) => [l.label, l.state]), [['esca_gold', 'claimed']]);
  // it counts nowhere: not among the secretariat's expiring labels
  const start = await get('/start?lang=en', 'editor');
  assert.match(text(start.text), /Labels to verify Klaster K · ESCA Gold label/);
  // the manager may not verify their own claim
  assert.equal((await post(`/orgs/klaster-k/labels/${id}/verify`, 'manager', { reference: 'ESCA-1' })).status, 403);
  // the secretariat: a reference is required, beside the field, nothing changes
  const empty = await post(`/orgs/klaster-k/labels/${id}/verify?lang=en`, 'editor', { reference: '  ' });
  assert.equal(empty.status, 422);
  assert.match(empty.text, new RegExp(`id="verify-${id}-error"`));
  assert.equal(sqlite(`SELECT state FROM cluster_label WHERE id = ${id}`), 'claimed');
  const ok = await post(`/orgs/klaster-k/labels/${id}/verify`, 'editor', { reference: 'ESCA-GOLD-2025-0042' });
  assert.equal(ok.status, 303);
  assert.equal(sqlite(`SELECT state || '|' || reference || '|' || CASE WHEN verified_by IS NOT NULL THEN 1 ELSE 0 END FROM cluster_label WHERE id = ${id}`),
    'verified|ESCA-GOLD-2025-0042|1');
  assert.equal(sqlite("SELECT count(*) FROM audit WHERE action = 'cluster_label_verify'"), '1');
  assert.equal((await post(`/orgs/klaster-k/labels/${id}/verify`, 'editor', { reference: 'again' })).status, 404, 'verified already');
  assert.doesNotMatch(text((await get('/orgs/klaster-k?lang=en')).text), /ESCA Gold label claimed/);
  api = (await (await fetch(`${srv.url}/api/v1/clusters`)).json()).items.find((c) => c.slug === 'klaster-k');
  assert.equal(api.labels[0].state, 'verified');
  assert.doesNotMatch(text((await get('/start?lang=en', 'editor')).text), /Labels to verify/);
  // the secretariat records a verified label directly, with its reference
  const direct = await post('/orgs/klaster-k/cluster?lang=en', 'editor', full({ label: 'esca_bronze', awarded_on: '2020-01-01' }));
  assert.equal(direct.status, 422, 'the secretariat names the reference');
  assert.match(direct.text, /id="ce-reference-error"/);
});

test('team and rights as one path: the invitation offers the manager right, the account page says why, ending the team row ends it', async () => {
  assert.equal((await get('/orgs/klaster-k/cluster/edit', 'colleague')).status, 403, 'no right before');
  const page = await get('/orgs/klaster-k/cluster/edit?lang=en', 'manager');
  assert.match(page.text, /<input type="checkbox" id="ce-team-manager" name="manager" value="1"[^>]* checked>/, 'offered by default');
  const inv = await post('/orgs/klaster-k/team', 'manager',
    { email: EMAIL.colleague, role: 'Координатор', role_en: 'Coordinator', fte: '0,5', since: '2025-01-01', manager: '1' });
  assert.equal(inv.status, 303);
  assert.equal(inv.location, '/orgs/klaster-k/cluster/edit?saved=team-invited#team');
  // the mail names who invites, to which team and as what, in the invitee's
  // language (the colleague logged in with the default page language)
  const mail = sqlite(`SELECT subject || '|' || body FROM outbox WHERE to_addr = '${EMAIL.colleague}' ORDER BY id DESC LIMIT 1;`);
  const lang = sqlite(`SELECT coalesce(lang, '') FROM person WHERE email = '${EMAIL.colleague}';`);
  const who = sqlite(`SELECT name FROM person WHERE email = '${EMAIL.manager}';`);
  assert.ok(mail, 'an invitation mail is queued');
  assert.doesNotMatch(mail, /^Your invitation to a cluster's management team/);
  assert.doesNotMatch(mail, /Hello,\n/, 'the mail greets the person by name');
  assert.match(mail, /\/orgs\/klaster-k\/team\/accept/);
  if (lang === 'en') {
    assert.match(mail, /invites you to the management team of Klaster K/);
    assert.match(mail, /as Координатор|as Koordinator/);
    assert.match(mail, /one of its managers/);
  } else {
    assert.match(mail, /управљачки тим|upravljački tim/);
  }
  assert.ok(mail.includes(who), `the mail names the inviter ${who}`);
  // the same answer for an address without an account: nothing revealed
  const none = await post('/orgs/klaster-k/team', 'manager',
    { email: 'nobody.cp@example.com', role: 'X', fte: '1', manager: '1' });
  assert.equal(none.location, inv.location);
  assert.equal((await get('/orgs/klaster-k/cluster/edit', 'colleague')).status, 403, 'no right while only invited');
  assert.equal((await post('/orgs/klaster-k/team/accept', 'colleague', {})).status, 303);
  assert.equal((await get('/orgs/klaster-k/cluster/edit', 'colleague')).status, 200, 'a manager once accepted');
  const account = text((await get('/account?lang=en', 'colleague')).text);
  assert.match(account, /Klaster K Manager since \d+ \w+ \d{4}, invited by Marko Menadžer/);
  // the role in the reader's language on the public page
  const en = await get('/orgs/klaster-k?lang=en');
  assert.match(en.text, /<span lang="en">Coordinator<\/span>/);
  const cyr = await get('/orgs/klaster-k?lang=sr-Cyrl');
  assert.match(cyr.text, /<span lang="sr-Cyrl">Координатор<\/span>/);
  // ending the team membership ends the right it gave
  const edit = (await get('/orgs/klaster-k/cluster/edit?lang=en', 'manager')).text;
  const row = /action="\/orgs\/klaster-k\/team\/(\d+)\/end"/.exec(edit.slice(edit.indexOf('Kole Kolega')))?.[1];
  assert.ok(row, 'the colleague\'s team row');
  assert.equal((await post(`/orgs/klaster-k/team/${row}/end`, 'manager', { until: '2025-12-31' })).status, 303);
  assert.equal((await get('/orgs/klaster-k/cluster/edit', 'colleague')).status, 403, 'the right ended with the team row');
  assert.doesNotMatch(text((await get('/account?lang=en', 'colleague')).text), /invited by Marko/);
});

test('a new cluster says its members reported before joining, and the missing-reports page counts them for the joining year', async () => {
  const en = text((await get('/orgs/nov-klaster?lang=en')).text);
  assert.match(en, /Members who reported figures for years before they joined: 3\. Those years count for the cluster only from the joining year\./);
  assert.doesNotMatch(en, /No member has reported figures yet/);
  const cyr = text((await get('/orgs/nov-klaster?lang=sr-Cyrl')).text);
  assert.match(cyr, /Број чланова који су пријавили бројке за године пре приступања: 3\./);
  // the secretariat's missing-reports page for 2025: three members, three reported
  const miss = await get('/figures/missing?year=2025&lang=en', 'editor');
  assert.equal(miss.status, 200);
  const row = /<tr>\s*<th scope="row"><a href="\/orgs\/nov-klaster">[^<]*<\/a><\/th>([\s\S]*?)<\/tr>/.exec(miss.text)?.[1];
  assert.ok(row, 'the new cluster has a row');
  assert.deepEqual([...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]), ['3', '3', '0']);
  // before joining they were not its members: 2024 counts none of them for it
  const miss24 = await get('/figures/missing?year=2024&lang=en', 'editor');
  assert.doesNotMatch(miss24.text, /href="\/orgs\/nov-klaster">[^<]*<\/a><\/th>\s*<td[^>]*>3</);
});
