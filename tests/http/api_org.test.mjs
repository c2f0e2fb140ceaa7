// api_org.test.mjs: the directory over JSON (/api/v1/orgs, /api/v1/search):
// create with a read-write token, 422 with the forms' field messages,
// merge PATCH, archive, read-only tokens, who sees what, keyset pagination,
// ETag/304, and the list filters agreeing with the /orgs page.
//
// Fixtures: the demo data (scan init --demo), an editor and an admin made with `scan user add`, who log in
// over HTTP and make their API tokens on the account page (POST
// /account/tokens), as a user would.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scan, login, makeToken } from './lib.mjs';

const PW = 'api org pass phrase 2026';
let srv;
let writeToken; // editor, read-write
let readToken;  // editor, read-only
let session;    // { cookie, csrf } of the editor's browser session

// One API call: { status, headers, body (parsed JSON or null), text }.
async function api(method, path, { body, token, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    if (typeof body !== 'string') body = JSON.stringify(body);
  }
  const res = await fetch(srv.url + path, { method, headers: h, body, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: json, text };
}

const create = (fields, token = writeToken) => api('POST', '/api/v1/orgs', { body: fields, token });
// The published company at /api/v1/orgs/{slug}, made now unless an
// earlier test made it: each test that uses one runs alone too.
async function own(slug, name) {
  if ((await api('GET', `/api/v1/orgs/${slug}`)).status === 200) return;
  const r = await create({ name, slug, kind: 'company', status: 'published' });
  assert.equal(r.status, 201, r.text);
}

before(async () => {
  srv = await startServer({ demo: true });
  for (const [email, role] of [['editor@example.com', '--editor'], ['boss@example.com', '--admin']]) {
    const r = scan(['user', 'add', email, '--name', email.split('@')[0], role, '--password-stdin',
      '--db', srv.db], { input: `${PW}\n` });
    assert.equal(r.status, 0, `scan user add: ${r.stderr}`);
  }
  session = await login(srv.url, 'editor@example.com', PW);
  writeToken = await makeToken(srv.url, session, 'write');
  readToken = await makeToken(srv.url, session, 'read');
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// --- demo data ----------------------------------------------------------------------

test('the demo data holds SCAN, its seven founders and partners, published and marked demo', async () => {
  const s = await api('GET', '/api/v1/orgs/scan');
  assert.equal(s.status, 200, s.text);
  assert.equal(s.body.name_en, 'Serbian Cluster Association');
  assert.equal(s.body.acronym, 'SCAN');
  assert.equal(s.body.kind, 'cluster_association');
  assert.equal(s.body.region, 'BG');
  assert.deepEqual(s.body.fos, ['2', 'X']);
  assert.equal(s.body.labels.fos.X, 'Cross-thematic/Interdisciplinary');
  assert.deepEqual(s.body.geo, ['RS']);
  assert.ok(s.body.short_sr && s.body.short_en && s.body.description_sr && s.body.description_en);
  const clusters = await api('GET', '/api/v1/orgs?kind=cluster&limit=100');
  const names = clusters.body.items.map((o) => o.name_en).sort();
  assert.deepEqual(names, ['Autocluster Serbia', 'Fashion and Apparel Cluster of Serbia', 'ICT Cluster of Central Serbia',
    'ICT Network', 'Nis Cluster of Advanced Technologies', 'Vojvodina ICT Cluster', 'Vojvodina Metal Cluster']);
  assert.ok(clusters.body.items.every((o) => o.is_demo && o.status === 'published' && o.district));
  const nicat = (await api('GET', '/api/v1/orgs/nicat')).body;
  assert.deepEqual(nicat.sectors, ['26', '62']);
  assert.equal(nicat.district, 'NISAVSKI');
  for (const kind of ['public_authority', 'university', 'donor', 'science_park']) {
    const r = await api('GET', `/api/v1/orgs?kind=${kind}`);
    assert.ok(r.body.total >= 1, kind);
    assert.ok(r.body.items.every((o) => o.is_demo), kind);
  }
  const all = await api('GET', '/api/v1/orgs?limit=100');
  // SCAN, the seven founders and four partners (checked one by one above);
  // the clusters' illustrative members come on top, all marked demo
  assert.ok(all.body.items.filter((o) => o.is_demo).length >= 12);
  assert.ok(all.body.items.every((o) => o.is_demo));
  const again = scan(['init', '--demo', '--db', srv.db]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /demo data already present/);
});

// --- create --------------------------------------------------------------------------

test('POST /api/v1/orgs creates an entry: 201, Location, the stored record with labels', async () => {
  const r = await create({
    name: 'Нишки тест кластер', name_en: 'Niš Test Cluster', acronym: 'NTK', kind: 'cluster',
    status: 'published', municipality: 'Ниш', district: 'NISAVSKI', sectors: ['62', '26'],
    fos: ['2.2'], geo: ['RS'], year_founded: 2012, pib: '101134702', mb: '66841251',
    website: 'https://ntk.example',
  });
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const o = r.body;
  assert.equal(r.headers.get('location'), `/api/v1/orgs/${o.slug}`);
  assert.match(o.slug, /^[a-z0-9-]+$/);
  assert.equal(o.name, 'Нишки тест кластер');
  assert.equal(o.region, 'JI', 'region derived from the district');
  assert.equal(o.country, 'RS');
  assert.deepEqual(o.sectors, ['26', '62']);
  assert.equal(o.labels.kind, 'Cluster');
  assert.equal(o.labels.district, 'Nišava District');
  assert.equal(o.labels.region, 'Southern and Eastern Serbia');
  assert.equal(o.labels.sectors['62'], 'Computer programming, consultancy and related activities');
  assert.equal(o.labels.fos['2.2'], 'Electrical engineering, electronic engineering, information engineering');
  assert.equal(o.labels.geo.RS, 'Serbia');
  assert.match(o.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(o.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(o.rev, 1);
  const back = await api('GET', `/api/v1/orgs/${o.slug}`);
  assert.equal(back.status, 200);
  assert.deepEqual(back.body, o, 'GET answers what POST answered');
});

test('a missing slug is made from the name, and made unique', async () => {
  const a = await create({ name: 'Agro Sistem Čačak', kind: 'company', status: 'published' });
  const b = await create({ name: 'Agro Sistem Čačak', kind: 'company', status: 'published' });
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.equal(a.body.slug, 'agro-sistem-cacak');
  assert.notEqual(b.body.slug, a.body.slug);
  assert.match(b.body.slug, /^agro-sistem-cacak-\d+$/);
});

test('a made slug goes one above the highest namesake, past any count (sqlmap made 1,000)', async () => {
  // a namesake with a high number, and one whose number is not all digits
  const hi = await create({ name: 'Namesake', slug: 'namesake-998', kind: 'company', status: 'published' });
  assert.equal(hi.status, 201, hi.text);
  const odd = await create({ name: 'Namesake', slug: 'namesake-x7', kind: 'company', status: 'published' });
  assert.equal(odd.status, 201, odd.text);
  const slugs = [];
  for (let i = 0; i < 3; i++) {
    const r = await create({ name: 'Namesake', kind: 'company', status: 'published' });
    assert.equal(r.status, 201, r.text);
    slugs.push(r.body.slug);
  }
  assert.deepEqual(slugs, ['namesake', 'namesake-999', 'namesake-1000']);
  // a name longer than a slug: the number still fits in 60 characters
  const long = 'Udruženje proizvođača opreme za obnovljive izvore energije i ekologiju';
  const l1 = await create({ name: long, kind: 'company', status: 'published' });
  const l2 = await create({ name: long, kind: 'company', status: 'published' });
  assert.equal(l2.status, 201, l2.text);
  assert.ok(l2.body.slug.length <= 60, l2.body.slug);
  assert.notEqual(l1.body.slug, l2.body.slug);
  assert.match(l2.body.slug, /-2$/);
});

test('a bad PIB is a 422 with the form message for the field', async () => {
  const r = await create({ name: 'Bad PIB d.o.o.', kind: 'company', pib: '101134703', mb: '66841252' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.code, 'invalid');
  assert.match(r.body.error.message, /pib/);
  assert.equal(r.body.error.fields.pib,
    'This is not a valid PIB: it has 9 digits and its last digit is a check digit. Check for a typo.');
  assert.match(r.body.error.fields.mb, /not a valid registration number/);
  assert.equal(r.headers.get('etag'), null);
});

test('missing required fields, a taken slug and unknown codes are 422 per field', async () => {
  await own('agro-sistem-cacak', 'Agro Sistem Čačak');
  const r = await create({ slug: 'agro-sistem-cacak', kind: 'nonsense', district: 'NOWHERE', email: 'x' });
  assert.equal(r.status, 422, r.text);
  const f = r.body.error.fields;
  assert.equal(f.name, 'This field is required.');
  assert.equal(f.slug, 'Another entry already uses this value.');
  assert.ok(f.kind, 'unknown kind');
  assert.ok(f.district, 'unknown district');
  assert.match(f.email, /valid email/);
});

test('a taken slug alone is 422 on the slug, and stores nothing (the unique key decides it)', async () => {
  const first = await create({ name: 'Slug Owner', slug: 'slug-owner-only', kind: 'company', status: 'published' });
  assert.equal(first.status, 201, first.text);
  const r = await create({ name: 'Slug Thief', slug: 'slug-owner-only', kind: 'company', status: 'published' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(Object.keys(r.body.error.fields), ['slug']);
  assert.equal(r.body.error.fields.slug, 'Another entry already uses this value.');
  const back = await api('GET', '/api/v1/orgs/slug-owner-only');
  assert.equal(back.body.name, 'Slug Owner');
  const list = await api('GET', '/api/v1/search?q=slug+thief');
  assert.equal(list.status, 200, list.text);
  assert.ok(!JSON.stringify(list.body).includes('Slug Thief'), 'no search document of the refused entry');
});

test('unknown keys, read-only keys and wrong JSON types are 422 naming each field', async () => {
  const r = await create({ name: 42, kind: 'company', sectors: 'J', year_founded: '2001x', colour: 'red',
    id: 7, status: 'gone' });
  assert.equal(r.status, 422, r.text);
  const f = r.body.error.fields;
  assert.match(f.name, /string/);
  assert.match(f.sectors, /array/);
  assert.match(f.year_founded, /whole number/);
  assert.equal(f.colour, 'Unknown field.');
  assert.equal(f.id, 'This field is read-only.');
  assert.match(f.status, /draft, published, archived/);
  for (const k of ['name', 'sectors', 'colour', 'id']) assert.match(r.body.error.message, new RegExp(k));
});

test('the body must be a JSON object sent as application/json', async () => {
  const arr = await api('POST', '/api/v1/orgs', { body: '[]', token: writeToken });
  assert.equal(arr.status, 400);
  const bad = await api('POST', '/api/v1/orgs', { body: '{"name":', token: writeToken });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /line 1/);
  const form = await api('POST', '/api/v1/orgs', { token: writeToken,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.status, 415);
});

// --- who may write -------------------------------------------------------------------

test('writes without a token are 401; a read-only token gets 403 and changes nothing', async () => {
  await own('agro-sistem-cacak', 'Agro Sistem Čačak');
  // (with Origin, as a browser sends it: without, the CSRF check answers 403 first)
  const anon = await api('POST', '/api/v1/orgs', { body: { name: 'Anon', kind: 'company' },
    headers: { Origin: srv.url } });
  assert.equal(anon.status, 401);
  const ro = await create({ name: 'Read Only d.o.o.', kind: 'company' }, readToken);
  assert.equal(ro.status, 403);
  assert.equal(ro.body.error.code, 'forbidden');
  const patch = await api('PATCH', '/api/v1/orgs/agro-sistem-cacak', { body: { acronym: 'X' }, token: readToken });
  assert.equal(patch.status, 403);
  const arch = await api('POST', '/api/v1/orgs/agro-sistem-cacak/archive', { token: readToken });
  assert.equal(arch.status, 403);
  const after = await api('GET', '/api/v1/orgs/agro-sistem-cacak', { token: readToken });
  assert.equal(after.body.acronym, null);
  assert.equal(after.body.status, 'published');
  const list = await api('GET', '/api/v1/orgs?limit=100', { token: readToken });
  assert.ok(!list.body.items.some((o) => o.name === 'Read Only d.o.o.'));
});

test('a session needs the CSRF token for API writes; with it, it may write', async () => {
  const h = { Cookie: session.cookie, Origin: srv.url };
  const no = await api('POST', '/api/v1/orgs', { body: { name: 'Session d.o.o.', kind: 'company' }, headers: h });
  assert.equal(no.status, 403);
  const yes = await api('POST', '/api/v1/orgs', { body: { name: 'Session d.o.o.', kind: 'company' },
    headers: { ...h, 'X-CSRF-Token': session.csrf } });
  assert.equal(yes.status, 201, yes.text);
  assert.equal(yes.body.status, 'draft', 'new entries are drafts unless published');
});

// --- PATCH ------------------------------------------------------------------------

test('PATCH changes only the given keys; null clears; lists are replaced', async () => {
  const c = await create({ name: 'Merge Test d.o.o.', kind: 'company', status: 'published',
    acronym: 'MT', short_en: 'Keeps this', sectors: ['62'], geo: ['RS'], district: 'JUZNOBACKI',
    municipality: 'Novi Sad' });
  assert.equal(c.status, 201, c.text);
  const slug = c.body.slug;
  const r = await api('PATCH', `/api/v1/orgs/${slug}`, { token: writeToken,
    body: { name_en: 'Merge Test', acronym: null, sectors: ['25', '28'] } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.name_en, 'Merge Test');
  assert.equal(r.body.acronym, null);
  assert.deepEqual(r.body.sectors, ['25', '28']);
  for (const k of ['name', 'short_en', 'geo', 'district', 'region', 'municipality', 'status', 'kind', 'created_at'])
    assert.deepEqual(r.body[k], c.body[k], `${k} unchanged`);
  assert.equal(r.body.rev, 2);
  assert.equal(r.body.labels.sectors['25'], 'Manufacture of fabricated metal products, except machinery and equipment');
  // an empty patch writes no revision
  const same = await api('PATCH', `/api/v1/orgs/${slug}`, { token: writeToken, body: {} });
  assert.equal(same.status, 200);
  assert.equal(same.body.rev, 2);
  // a renamed slug moves the entry
  const moved = await api('PATCH', `/api/v1/orgs/${slug}`, { token: writeToken, body: { slug: 'merge-test-renamed' } });
  assert.equal(moved.status, 200, moved.text);
  assert.equal((await api('GET', '/api/v1/orgs/merge-test-renamed')).status, 200);
  assert.equal((await api('GET', `/api/v1/orgs/${slug}`)).status, 404);
});

test('PATCH validates like POST: 422 per field and nothing changes', async () => {
  await own('patch-check', 'Patch Check d.o.o.');
  const was = (await api('GET', '/api/v1/orgs/patch-check')).body;
  const r = await api('PATCH', '/api/v1/orgs/patch-check', { token: writeToken,
    body: { name: null, pib: '106006801', website: 'ftp://x' } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.fields.name, 'This field is required.');
  assert.match(r.body.error.fields.pib, /not a valid PIB/);
  assert.match(r.body.error.fields.website, /http/);
  const now = (await api('GET', '/api/v1/orgs/patch-check')).body;
  assert.equal(now.name, 'Patch Check d.o.o.');
  assert.equal(now.rev, was.rev);
  assert.equal(now.website, was.website);
  assert.equal(now.pib, was.pib);
});

test('PATCH and archive of an unknown slug are 404', async () => {
  assert.equal((await api('PATCH', '/api/v1/orgs/no-such-entry', { token: writeToken, body: {} })).status, 404);
  assert.equal((await api('POST', '/api/v1/orgs/no-such-entry/archive', { token: writeToken })).status, 404);
});

// --- visibility ---------------------------------------------------------------------

test('the public sees published entries only; the secretariat sees drafts and archived ones', async () => {
  const d = await create({ name: 'Hidden Draft d.o.o.', kind: 'company', status: 'draft' });
  assert.equal(d.status, 201, d.text);
  const slug = d.body.slug;
  assert.equal((await api('GET', `/api/v1/orgs/${slug}`)).status, 404);
  assert.equal((await api('GET', `/api/v1/orgs/${slug}`, { token: readToken })).status, 200);
  const pub = await api('GET', '/api/v1/orgs?limit=100');
  assert.ok(pub.body.items.every((o) => o.status === 'published'));
  assert.ok(!pub.body.items.some((o) => o.slug === slug));
  const any = await api('GET', '/api/v1/orgs?limit=100&status=any', { token: readToken });
  assert.equal(any.status, 200);
  assert.ok(any.body.items.some((o) => o.slug === slug));
  const drafts = await api('GET', '/api/v1/orgs?limit=100&status=draft', { token: readToken });
  assert.ok(drafts.body.items.length > 0 && drafts.body.items.every((o) => o.status === 'draft'));
  assert.equal((await api('GET', '/api/v1/orgs?status=any')).status, 403);
  assert.equal((await api('GET', '/api/v1/orgs?status=bogus', { token: readToken })).status, 400);
  const s = await api('GET', '/api/v1/search?q=hidden+draft');
  assert.deepEqual(s.body.items, [], 'search hides drafts from the public');
  const s2 = await api('GET', '/api/v1/search?q=hidden+draft', { token: readToken });
  assert.deepEqual(s2.body.items.map((o) => o.slug), [slug]);
});

test('archive takes an entry out of the public directory', async () => {
  const c = await create({ name: 'To Be Archived d.o.o.', kind: 'company', status: 'published' });
  const slug = c.body.slug;
  assert.equal((await api('GET', `/api/v1/orgs/${slug}`)).status, 200);
  const r = await api('POST', `/api/v1/orgs/${slug}/archive`, { token: writeToken });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'archived');
  assert.equal(r.body.rev, 2);
  assert.equal((await api('GET', `/api/v1/orgs/${slug}`)).status, 404);
  const again = await api('POST', `/api/v1/orgs/${slug}/archive`, { token: writeToken });
  assert.equal(again.status, 200);
  assert.equal(again.body.rev, 2, 'archiving twice writes nothing');
});

// --- search -----------------------------------------------------------------------

test('search finds entries in any script, with slug, name and kind', async () => {
  // its own entry (the create test above has one of the same name when it ran)
  const mine = await create({ name: 'Нишки пробни кластер', acronym: 'NPK', kind: 'cluster',
    status: 'published', district: 'NISAVSKI' });
  assert.equal(mine.status, 201, mine.text);
  for (const q of ['niski probni', 'нишки проб', 'NIŠKI PROBNI', 'npk']) {
    const r = await api('GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    const hit = r.body.items.find((o) => o.name === 'Нишки пробни кластер');
    assert.ok(hit, `"${q}" finds the entry: ${r.text}`);
    assert.equal(hit.kind, 'cluster');
    assert.match(hit.slug, /^[a-z0-9-]+$/);
  }
  assert.equal((await api('GET', '/api/v1/search')).status, 400);
  assert.equal((await api('GET', `/api/v1/search?q=${'a'.repeat(201)}`)).status, 400);
});

// --- pagination, ETag, filters ----------------------------------------------------------

test('following next_cursor visits every entry exactly once, in id order', async () => {
  // up to 23 more entries, as many as keep the whole directory on one page
  // of 100 (the demo grows as modules add their partners)
  const have = (await api('GET', '/api/v1/orgs?limit=1')).body.total;
  assert.ok(100 - have >= 10, `room for a few pages of 7 (the demo has ${have} entries)`);
  for (let i = 0; i < Math.min(23, 100 - have); i++) {
    const r = await create({ name: `Paging ${i} d.o.o.`, kind: 'company', status: 'published',
      district: i % 2 ? 'JUZNOBACKI' : 'NISAVSKI' });
    assert.equal(r.status, 201, r.text);
  }
  const all = await api('GET', '/api/v1/orgs?limit=100');
  const total = all.body.total;
  assert.equal(all.body.items.length, total, 'fewer than 100 entries in all');
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const r = await api('GET', `/api/v1/orgs?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, total);
    assert.ok(r.body.items.length <= 7);
    seen.push(...r.body.items.map((o) => o.id));
    cursor = r.body.next_cursor;
    assert.ok(++pages < 50, 'pagination ends');
  } while (cursor);
  assert.equal(seen.length, total);
  assert.equal(new Set(seen).size, total, 'no entry twice');
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  const bad = await api('GET', '/api/v1/orgs?cursor=nonsense');
  assert.equal(bad.status, 400);
  assert.equal((await api('GET', '/api/v1/orgs?limit=0')).status, 400);
  assert.equal((await api('GET', '/api/v1/orgs?sort=colour')).status, 400);
});

test('sorted lists page with the cursor too', async () => {
  const names = [];
  let cursor = null;
  do {
    const r = await api('GET', `/api/v1/orgs?sort=name-desc&limit=9${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    names.push(...r.body.items.map((o) => o.slug));
    cursor = r.body.next_cursor;
  } while (cursor);
  const total = (await api('GET', '/api/v1/orgs?limit=1')).body.total;
  assert.equal(names.length, total);
  assert.equal(new Set(names).size, total);
});

test('every sort pages by keyset in exactly the order of one long page', async () => {
  for (const sort of ['name', 'name-desc', 'updated', 'updated-asc', 'founded', 'founded-desc']) {
    const whole = (await api('GET', `/api/v1/orgs?sort=${sort}&limit=100`)).body.items.map((o) => o.slug);
    const paged = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = await api('GET', `/api/v1/orgs?sort=${sort}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.text);
      paged.push(...r.body.items.map((o) => o.slug));
      cursor = r.body.next_cursor;
      assert.ok(++pages < 60, 'pagination ends');
    } while (cursor);
    assert.deepEqual(paged, whole, sort);
  }
});

test('search pages by cursor through the names and then the body-only matches', async () => {
  for (const q of ['a', 'klaster', 'ict']) {
    const whole = (await api('GET', `/api/v1/search?q=${q}&limit=100`)).body.items.map((o) => o.slug);
    const paged = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = await api('GET', `/api/v1/search?q=${q}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.text);
      paged.push(...r.body.items.map((o) => o.slug));
      cursor = r.body.next_cursor;
      assert.ok(++pages < 60, 'pagination ends');
    } while (cursor);
    assert.ok(whole.length < 100, 'the whole list fits one page');
    assert.deepEqual(paged, whole, q);
  }
});

test('GETs carry an ETag and answer 304 to If-None-Match', async () => {
  await own('agro-sistem-cacak', 'Agro Sistem Čačak');
  for (const path of ['/api/v1/orgs?kind=company', '/api/v1/orgs/agro-sistem-cacak', '/api/v1/search?q=agro']) {
    const first = await api('GET', path);
    assert.equal(first.status, 200);
    const etag = first.headers.get('etag');
    assert.match(etag || '', /^"[^"]+"$/, path);
    const again = await fetch(srv.url + path, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304, path);
    assert.equal(await again.text(), '');
  }
  // a change makes a new ETag
  const before = (await api('GET', '/api/v1/orgs/agro-sistem-cacak')).headers.get('etag');
  await api('PATCH', '/api/v1/orgs/agro-sistem-cacak', { token: writeToken, body: { acronym: 'ASČ' } });
  const after = (await api('GET', '/api/v1/orgs/agro-sistem-cacak')).headers.get('etag');
  assert.notEqual(after, before);
});

// The slugs of the entries an HTML page of the directory lists.
// Every entry linked from the /orgs list pages for this query, following
// the page numbers until a page adds nothing.
async function pageSlugs(query) {
  const slugs = new Set();
  for (let page = 1; page <= 20; page++) {
    const res = await fetch(`${srv.url}/orgs${query}${page > 1 ? `&page=${page}` : ''}`, { redirect: 'manual' });
    if (page > 1 && res.status !== 200) break;
    assert.equal(res.status, 200, `/orgs${query}`);
    const html = await res.text();
    const before = slugs.size;
    for (const m of html.matchAll(/<li class="org-card[^"]*"[\s\S]*?href="\/orgs\/([a-z0-9-]+)"/g)) slugs.add(m[1]);
    if (slugs.size === before) break;
  }
  return slugs;
}

test('the API list filters match the /orgs page', async () => {
  for (const q of ['?kind=company&region=VO', '?district=NISAVSKI', '?kind=cluster', '?sector=J',
    '?sector=62', '?fos=2', '?geo=RS', '?region=JI&kind=company']) {
    const api_ = await api('GET', `/api/v1/orgs${q}&limit=100`.replace('?', '?'));
    assert.equal(api_.status, 200, api_.text);
    const fromApi = new Set(api_.body.items.map((o) => o.slug));
    assert.deepEqual(await pageSlugs(q), fromApi, `filters ${q}`);
  }
  const vo = await api('GET', '/api/v1/orgs?kind=company&region=VO&limit=100');
  assert.ok(vo.body.total > 0);
  assert.ok(vo.body.items.every((o) => o.kind === 'company' && o.region === 'VO'));
});

test('every route of this file is in the OpenAPI document', async () => {
  const doc = await (await fetch(`${srv.url}/api/v1/openapi.json`)).json();
  for (const [p, m] of [['/api/v1/orgs', 'get'], ['/api/v1/orgs', 'post'], ['/api/v1/orgs/{slug}', 'get'],
    ['/api/v1/orgs/{slug}', 'patch'], ['/api/v1/orgs/{slug}/archive', 'post'], ['/api/v1/search', 'get']])
    assert.ok(doc.paths[p]?.[m], `${m} ${p}`);
  for (const s of ['Org', 'OrgList', 'OrgInput', 'ValidationError', 'Error']) assert.ok(doc.components.schemas[s], s);
});
