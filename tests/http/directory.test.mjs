// directory.test.mjs: the directory pages against the real binary: the
// list with filters, counts, sorting, pages and canonical URLs; the
// profile (JSON-LD, logo with its headers); the entry form (every error
// next to its field, nothing saved); history and restore; search in any
// script with highlighting and the typeahead endpoint; who may see and
// change what; the anonymous page cache.
//
// The server starts with demo data (`scan init --demo`); whatever the demo
// holds, the counts checked here are differences made by this file's own
// fixtures, which an admin creates through the form (multipart POST /orgs).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scan, scanIn } from './lib.mjs';

const ADMIN = { email: 'dir.admin@example.com', password: 'directory admin phrase 2026' };
const MANAGER = { email: 'dir.manager@example.com', password: 'directory manager phrase 26' };
const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64');
const SVG_OK = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#0b3d91"/></svg>';
const SVG_SCRIPT = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';

let srv;
let admin;
let manager;

// --- a tiny browser: cookies, CSRF token, urlencoded and multipart posts ----
class Agent {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
  }

  async req(method, path, { form, multipart, headers: extra = {} } = {}) {
    const headers = { ...extra };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (multipart) {
      body = multipart;
    }
    if (method !== 'GET') headers.Origin = this.base;
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const sc of res.headers.getSetCookie()) {
      const pair = sc.split(';')[0];
      const i = pair.indexOf('=');
      if (/Max-Age=0/i.test(sc)) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  get(path) { return this.req('GET', path); }

  post(path, form = {}) {
    return this.req('POST', path, { form: this.csrf ? { ...form, _csrf: this.csrf } : form });
  }

  // A multipart POST like the entry form sends: fields (arrays repeat the
  // name), files as { name, type, data }.
  postMultipart(path, fields, files = []) {
    const fd = new FormData();
    if (this.csrf) fd.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) {
      for (const one of Array.isArray(v) ? v : [v]) fd.append(k, one);
    }
    for (const f of files) fd.append(f.field, new Blob([f.data], { type: f.type }), f.name);
    return this.req('POST', path, { multipart: fd });
  }
}

async function login(who) {
  const a = new Agent(srv.url);
  const r = await a.req('POST', '/login', { form: { email: who.email, password: who.password } });
  assert.equal(r.status, 303, `login ${who.email}: ${r.status} ${r.text.slice(0, 200)}`);
  const page = await a.get('/orgs');
  a.csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(a.csrf, 'a CSRF token in the page');
  return a;
}

function cli(args, input) {
  return scanIn(srv.db, args, input);
}

// The one <h1> and <html lang> every page has.
function checkPage(html, lang = 'en') {
  assert.match(html, new RegExp(`<html lang="${lang}">`));
  assert.equal((html.match(/<h1[\s>]/g) || []).length, 1, 'exactly one <h1>');
}

const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>');

// The count shown for each option of each filter select, and the total.
function facets(html) {
  const out = {};
  for (const m of html.matchAll(/<select id="f-(\w+)" name="\w+">([\s\S]*?)<\/select>/g)) {
    out[m[1]] = {};
    for (const o of m[2].matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)) {
      const c = /\(([\d.,]+)\)$/.exec(decode(o[2]));
      if (o[1] && c) out[m[1]][o[1]] = Number(c[1].replace(/[.,]/g, ''));
    }
  }
  const total = /<h2 id="results-title">([\d.,]+) entr/.exec(html);
  out.total = total ? Number(total[1].replace(/[.,]/g, '')) : 0;
  return out;
}

// The slugs of the entry cards on a page, in order.
const slugs = (html) => [...html.matchAll(/<h3 class="org-name"><a href="\/orgs\/([^"]+)">/g)].map((m) => m[1]);

// A valid entry's form fields; over are extra or replaced fields.
let seq = 0;
function entry(over = {}) {
  seq++;
  return {
    name: `Test Entry ${seq}`,
    slug: `test-entry-${seq}`,
    kind: 'incubator',
    status: 'published',
    region: 'JI',
    district: 'PIROTSKI',
    municipality: 'Pirot',
    country: 'RS',
    short_sr: 'Кратак опис уноса за тест.',
    short_en: 'A short description for the test.',
    ...over,
  };
}

async function create(fields, files) {
  const r = await admin.postMultipart('/orgs', fields, files);
  assert.equal(r.status, 303, `create ${fields.slug}: ${r.status}\n${(r.text.match(/field-error[^<]*<[^<]*<\/span>[^<]*/g) || []).join('\n')}`);
  assert.equal(r.location, `/orgs/${fields.slug}`);
  return fields.slug;
}

const baseline = {};

before(async () => {
  srv = await startServer({ demo: true });
  cli(['user', 'add', ADMIN.email, '--name', 'Dragana Admin', '--admin', '--password-stdin'], `${ADMIN.password}\n`);
  cli(['user', 'add', MANAGER.email, '--name', 'Milan Manager', '--password-stdin'], `${MANAGER.password}\n`);
  admin = await login(ADMIN);
  // counts before this file's fixtures, for the filters the tests use
  baseline.borski = facets((await new Agent(srv.url).get('/orgs?district=BORSKI&kind=startup_centre')).text).total;
  baseline.ji = facets((await new Agent(srv.url).get('/orgs?region=JI')).text);
  // the fixtures: three incubators and two science parks in Pirot district,
  // one of them a draft; sectors J (one via division 62), fields 2.2
  await create(entry({ slug: 'pirot-inc-a', name: 'Pirot Incubator A', sectors: ['J'], fos: ['2.2'], geo: ['DANUBE'], year_founded: '2005' }));
  await create(entry({ slug: 'pirot-inc-b', name: 'Pirot Incubator B', sectors: ['62'], fos: ['2.2'], year_founded: '2011' }));
  await create(entry({ slug: 'pirot-inc-c', name: 'Pirot Incubator C', sectors: ['C'], year_founded: '1999' }));
  await create(entry({ slug: 'pirot-park-a', name: 'Pirot Park A', kind: 'science_park', geo: ['DANUBE'] }));
  await create(entry({ slug: 'pirot-draft', name: 'Pirot Draft Park', kind: 'science_park', status: 'draft' }));
  // 25 start-up centres in Bor district, for the pages
  for (let i = 1; i <= 25; i++) {
    await create(entry({ slug: `bor-startup-${String(i).padStart(2, '0')}`, name: `Bor Startup ${String(i).padStart(2, '0')}`,
      kind: 'startup_centre', district: 'BORSKI', municipality: 'Bor' }));
  }
  // a cluster in Niš with a Cyrillic name, for search; a second cluster
  await create(entry({ slug: 'niski-test-klaster', name: 'Нишки тестни кластер', name_en: 'Niš Test Cluster', acronym: 'НТК',
    kind: 'cluster', district: 'NISAVSKI', municipality: 'Ниш', short_sr: 'Кластер из Ниша за пробу претраге.' }));
  await create(entry({ slug: 'other-test-cluster', name: 'Other Test Cluster', kind: 'cluster', district: 'SUMADIJSKI', region: 'SZ',
    municipality: 'Kragujevac' }));
  cli(['user', 'role', MANAGER.email, 'manager', '--org', 'niski-test-klaster']);
  manager = await login(MANAGER);
});

after(async () => {
  const { code } = await srv?.stop() ?? {};
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

// --- list ------------------------------------------------------------------------

test('filters show how many entries each value gives, in the reader\'s language', async () => {
  const pub = new Agent(srv.url);
  const r = await pub.get('/orgs?region=JI&district=PIROTSKI');
  assert.equal(r.status, 200);
  checkPage(r.text);
  const f = facets(r.text);
  // the region's counts grew by exactly this file's published fixtures
  const ji = facets((await pub.get('/orgs?region=JI')).text);
  const was = (facet, code) => baseline.ji[facet]?.[code] || 0;
  assert.equal(ji.kind.incubator, was('kind', 'incubator') + 3);
  assert.equal(ji.kind.science_park, was('kind', 'science_park') + 1, 'the draft park is not counted');
  assert.equal(ji.kind.startup_centre, was('kind', 'startup_centre') + 25);
  assert.equal(ji.kind.cluster, was('kind', 'cluster') + 1);
  assert.equal(ji.district.BORSKI, was('district', 'BORSKI') + 25);
  assert.equal(ji.geo.DANUBE, was('geo', 'DANUBE') + 2);
  assert.equal(ji.total, baseline.ji.total + 30);
  // within Pirot district: our 3 incubators and 1 published park
  assert.ok(f.kind.incubator >= 3, `incubators ${f.kind.incubator}`);
  const pirot = await pub.get('/orgs?district=PIROTSKI&kind=incubator');
  const fi = facets(pirot.text);
  assert.equal(fi.total, f.kind.incubator, 'the count shown equals the list it gives');
  assert.deepEqual(slugs(pirot.text).filter((s) => s.startsWith('pirot-')), ['pirot-inc-a', 'pirot-inc-b', 'pirot-inc-c']);
  // sector J counts the division 62 under it; the sector facet lists both
  const j = await pub.get('/orgs?district=PIROTSKI&sector=J');
  assert.deepEqual(slugs(j.text).filter((s) => s.startsWith('pirot-')).sort(), ['pirot-inc-a', 'pirot-inc-b']);
  assert.ok(f.sector.J >= 2 && f.sector['62'] >= 1, JSON.stringify(f.sector));
  assert.ok(f.fos['2.2'] >= 2);
  // labels in the reader's language
  const sr = await pub.get('/orgs?district=PIROTSKI&lang=sr-Cyrl');
  checkPage(sr.text, 'sr-Cyrl');
  assert.match(sr.text, /<option value="incubator"[^>]*>Технолошки инкубатор \(\d+\)<\/option>/);
  const latn = await pub.get('/orgs?district=PIROTSKI&lang=sr-Latn');
  assert.match(latn.text, /<option value="incubator"[^>]*>Tehnološki inkubator \(\d+\)<\/option>/);
  // the chosen filters appear as removable chips
  assert.match(pirot.text, /class="chip" href="\/orgs\?kind=incubator"/);
});

test('each row shows name, kind, place and the short text; drafts are not listed for the public', async () => {
  const r = await new Agent(srv.url).get('/orgs?district=PIROTSKI&kind=science_park');
  assert.ok(slugs(r.text).includes('pirot-park-a'));
  assert.ok(!slugs(r.text).includes('pirot-draft'));
  const card = r.text.slice(r.text.indexOf('/orgs/pirot-park-a"'));
  assert.match(card, /<span class="org-kind">Science and technology park<\/span>/);
  assert.match(card, /<span class="org-place">Pirot, Pirot District<\/span>/);
  assert.match(card, /A short description for the test\./);
  // in Serbian Latin the Cyrillic short text is transliterated
  const latn = await new Agent(srv.url).get('/orgs?district=PIROTSKI&kind=science_park&lang=sr-Latn');
  assert.match(latn.text, /Kratak opis unosa za test\./);
});

test('pages of 20 with numbered links, prev/next, and shareable URLs', async () => {
  const pub = new Agent(srv.url);
  const total = baseline.borski + 25;
  const p1 = await pub.get('/orgs?district=BORSKI&kind=startup_centre');
  assert.equal(facets(p1.text).total, total);
  assert.equal(slugs(p1.text).length, 20);
  assert.match(p1.text, /<nav class="pager"/);
  assert.match(p1.text, /rel="next" href="\/orgs\?kind=startup_centre&amp;district=BORSKI&amp;page=2"/);
  const p2 = await pub.get('/orgs?kind=startup_centre&district=BORSKI&page=2');
  assert.equal(p2.status, 200);
  assert.equal(slugs(p2.text).length, total - 20 > 20 ? 20 : total - 20);
  assert.match(p2.text, /rel="prev" href="\/orgs\?kind=startup_centre&amp;district=BORSKI"/);
  assert.match(p2.text, /aria-current="page" class="current">2</);
  // no page 1 parameter, no empty parameters, no default sort: a redirect to the short URL
  const long = await pub.get('/orgs?kind=startup_centre&sector=&district=BORSKI&page=1&sort=');
  assert.equal(long.status, 303);
  assert.equal(long.location, '/orgs?kind=startup_centre&district=BORSKI');
  // a page past the end is a 404, nonsense is a 400
  assert.equal((await pub.get('/orgs?kind=startup_centre&district=BORSKI&page=99')).status, 404);
  assert.equal((await pub.get('/orgs?page=abc')).status, 400);
  assert.equal((await pub.get('/orgs?sort=sideways')).status, 400);
});

test('sorting by name both ways and by year founded', async () => {
  const pub = new Agent(srv.url);
  const asc = slugs((await pub.get('/orgs?district=BORSKI&kind=startup_centre')).text).filter((s) => s.startsWith('bor-'));
  assert.deepEqual(asc, [...asc].sort());
  const desc = slugs((await pub.get('/orgs?district=BORSKI&kind=startup_centre&sort=name-desc')).text).filter((s) => s.startsWith('bor-'));
  assert.equal(desc[0], 'bor-startup-25');
  const founded = slugs((await pub.get('/orgs?district=PIROTSKI&kind=incubator&sort=founded')).text);
  assert.deepEqual(founded.filter((s) => s.startsWith('pirot-inc')), ['pirot-inc-c', 'pirot-inc-a', 'pirot-inc-b']);
  const r = await pub.get('/orgs?district=PIROTSKI&sort=updated');
  assert.equal(r.status, 200);
  assert.match(r.text, /<option value="updated" selected>/);
});

test('editors may list drafts with status=any; the public status parameter is dropped', async () => {
  const pub = await new Agent(srv.url).get('/orgs?district=PIROTSKI&status=draft');
  assert.equal(pub.status, 303);
  assert.equal(pub.location, '/orgs?district=PIROTSKI');
  const ed = await admin.get('/orgs?district=PIROTSKI&status=draft');
  assert.equal(ed.status, 200);
  assert.deepEqual(slugs(ed.text).filter((s) => s.startsWith('pirot-')), ['pirot-draft']);
  assert.match(ed.text, /badge-draft/);
});

// --- profile -------------------------------------------------------------------------

test('the profile shows the entry in the reader\'s language with JSON-LD and OpenGraph', async () => {
  const pub = new Agent(srv.url);
  const r = await pub.get('/orgs/niski-test-klaster?lang=en');
  assert.equal(r.status, 200);
  checkPage(r.text);
  assert.match(r.text, /<h1>Niš Test Cluster <abbr>NTK<\/abbr><\/h1>/);
  assert.match(r.text, /<meta property="og:title" content="Niš Test Cluster">/);
  const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(r.text);
  assert.ok(ld, 'JSON-LD in the head');
  const doc = JSON.parse(ld[1]);
  assert.equal(doc['@type'], 'Organization');
  assert.equal(doc.name, 'Niš Test Cluster');
  assert.match(r.text, /Entry created by Dragana Admin on \d+ \w+ \d{4} · Modified on \d+ \w+ \d{4}/);
  assert.match(r.text, /href="\/orgs\/niski-test-klaster\/history"/);
  const cyr = await pub.get('/orgs/niski-test-klaster?lang=sr-Cyrl');
  assert.match(cyr.text, /<h1>Нишки тестни кластер/);
  assert.match(cyr.text, /Унос направио\/ла Dragana Admin/);
  const latn = await pub.get('/orgs/niski-test-klaster?lang=sr-Latn');
  assert.match(latn.text, /<h1>Niški testni klaster/);
  assert.match(latn.text, /Klaster iz Niša za probu pretrage\./);
  assert.doesNotMatch(/<main[\s\S]*<\/main>/.exec(latn.text)[0], /[\u0400-\u04FF]/);
  assert.match(latn.text, /<abbr>NTK<\/abbr>/);
  // the JSON-LD follows the page's script too: the city typed as "Ниш" is Niš on Latin and English pages
  for (const page of [r, latn]) {
    const ldDoc = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page.text)[1]);
    assert.equal(ldDoc.address.addressLocality, 'Niš');
  }
  const ldCyr = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(cyr.text)[1]);
  assert.equal(ldCyr.address.addressLocality, 'Ниш');
});

test('a logo is served with its type and ETag; SVG gets a strict CSP; bad logos are refused next to the field', async () => {
  await create(entry({ slug: 'logo-png', name: 'Logo PNG' }), [{ field: 'logo', name: 'l.png', type: 'image/png', data: PNG_1x1 }]);
  const png = await fetch(`${srv.url}/orgs/logo-png/logo`);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const etag = png.headers.get('etag');
  assert.ok(etag);
  assert.equal((await fetch(`${srv.url}/orgs/logo-png/logo`, { headers: { 'If-None-Match': etag } })).status, 304);
  const profile = await new Agent(srv.url).get('/orgs/logo-png');
  assert.match(profile.text, /<img class="profile-logo" src="\/orgs\/logo-png\/logo"/);

  await create(entry({ slug: 'logo-svg', name: 'Logo SVG' }), [{ field: 'logo', name: 'l.svg', type: 'image/svg+xml', data: SVG_OK }]);
  const svg = await fetch(`${srv.url}/orgs/logo-svg/logo`);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  assert.match(svg.headers.get('content-security-policy'), /default-src 'none'; style-src 'unsafe-inline'; sandbox/);

  // an SVG with a script: the error sits by the logo field, and nothing of the edit is saved
  const bad = await admin.postMultipart('/orgs/logo-svg', entry({ slug: 'logo-svg', name: 'Logo SVG renamed' }),
    [{ field: 'logo', name: 'evil.svg', type: 'image/svg+xml', data: SVG_SCRIPT }]);
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="org-logo-error"/);
  assert.match(bad.text, /<input type="file" id="org-logo" name="logo"[^>]*aria-describedby="org-logo-hint org-logo-error" aria-invalid="true"/);
  assert.match((await new Agent(srv.url).get('/orgs/logo-svg')).text, /<h1>Logo SVG<\/h1>/);
  assert.equal((await new Agent(srv.url).get('/orgs/test-entry-1/logo')).status, 404);
});

// --- form --------------------------------------------------------------------------------

test('every field\'s error appears next to it, everything typed is kept, nothing is saved', async () => {
  const bad = {
    name: '',
    slug: 'never-saved',
    kind: 'no-such-kind',
    year_founded: 'abc',
    website: 'ftp://example.com',
    email: 'not-an-address',
    pib: '101134703',
    mb: '12345678',
    region: 'BG',
    district: 'JUZNOBACKI',
    sectors: ['ZZ'],
    status: 'published',
    short_en: 'Kept as typed',
  };
  const r = await admin.postMultipart('/orgs', bad);
  assert.equal(r.status, 422);
  checkPage(r.text);
  assert.match(r.text, /class="alert error-summary" role="alert"/);
  for (const field of ['name', 'kind', 'year_founded', 'website', 'email', 'pib', 'mb', 'district', 'sectors']) {
    assert.match(r.text, new RegExp(`id="org-${field}-error"`), `error for ${field}`);
    assert.match(r.text, new RegExp(`<a href="#org-${field}">`), `summary link to ${field}`);
  }
  // the error sits in the field's own block, tied to the control
  assert.match(r.text, /<div class="field field-invalid"><label for="org-name">[^<]*<\/label><p class="field-hint" id="org-name-hint">[^<]*<\/p><p class="field-error" id="org-name-error"><span class="visually-hidden">Error: <\/span>This field is required\.<\/p><input id="org-name" name="name" type="text"[^>]*aria-describedby="org-name-hint org-name-error" aria-invalid="true">/);
  assert.match(r.text, /id="org-pib-error">[\s\S]*?not a valid PIB/);
  assert.match(r.text, /id="org-year_founded-error">[\s\S]*?Enter the year as four digits/);
  // everything typed is kept
  assert.match(r.text, /id="org-email" name="email" type="email" value="not-an-address"/);
  assert.match(r.text, /id="org-year_founded" name="year_founded" type="text" value="abc"/);
  assert.match(r.text, /<textarea id="org-short_en"[^>]*>Kept as typed<\/textarea>/);
  assert.match(r.text, /<option value="BG" selected>/);
  // nothing saved
  assert.equal((await admin.get('/orgs/never-saved')).status, 404);
});

test('the slug is made from the name when left empty; "new" is reserved', async () => {
  const r = await admin.postMultipart('/orgs', entry({ slug: '', name: 'Ђурђевак Иновације д.о.о.' }));
  assert.equal(r.status, 303);
  assert.match(r.location, /^\/orgs\/[a-z0-9-]+$/);
  assert.match(r.location, /inovacije/);
  const taken = await admin.postMultipart('/orgs', entry({ slug: 'new' }));
  assert.equal(taken.status, 422);
  assert.match(taken.text, /id="org-slug-error"/);
});

test('the edit form shows the stored values; a manager edits their own cluster only', async () => {
  const form = await admin.get('/orgs/pirot-inc-a/edit');
  assert.equal(form.status, 200);
  checkPage(form.text);
  assert.match(form.text, /enctype="multipart\/form-data"/);
  assert.match(form.text, /id="org-name" name="name" type="text" value="Pirot Incubator A"/);
  assert.match(form.text, /<input type="checkbox" name="sectors" value="J" checked>/);
  assert.match(form.text, /<input type="checkbox" name="geo" value="DANUBE" checked>/);
  assert.match(form.text, /<option value="PIROTSKI" selected>/);
  assert.match(form.text, /id="org-year_founded" name="year_founded" type="text" value="2005"/);
  assert.match(form.text, /class="danger-zone"/, 'admins see the delete box');

  assert.equal((await manager.get('/orgs/niski-test-klaster/edit')).status, 200);
  const own = await manager.postMultipart('/orgs/niski-test-klaster', entry({
    slug: 'niski-test-klaster', name: 'Нишки тестни кластер', name_en: 'Niš Test Cluster', acronym: 'НТК', kind: 'cluster',
    district: 'NISAVSKI', municipality: 'Ниш', short_sr: 'Кластер из Ниша за пробу претраге.', phone: '+381 18 000 000' }));
  assert.equal(own.status, 303);
  assert.equal((await manager.get('/orgs/other-test-cluster/edit')).status, 403);
  assert.equal((await manager.postMultipart('/orgs/other-test-cluster', entry({ slug: 'other-test-cluster', kind: 'cluster' }))).status, 403);
  // a manager cannot create an entry but proposes one (directory_proposals.test.mjs)
  const proposal = await manager.get('/orgs/new');
  assert.equal(proposal.status, 200);
  assert.match(proposal.text, /action="\/orgs\/propose"/);
  assert.equal((await manager.post('/orgs/other-test-cluster/archive')).status, 403);
  const noDelete = await manager.get('/orgs/niski-test-klaster/edit');
  assert.doesNotMatch(noDelete.text, /class="danger-zone"/);
});

test('the public cannot see drafts (404) or edit (login / 401)', async () => {
  const pub = new Agent(srv.url);
  assert.equal((await pub.get('/orgs/pirot-draft')).status, 404);
  assert.equal((await pub.get('/orgs/pirot-draft/history')).status, 404);
  assert.equal((await pub.get('/orgs/pirot-draft/logo')).status, 404);
  const edit = await pub.get('/orgs/pirot-inc-a/edit');
  assert.equal(edit.status, 303);
  assert.match(edit.location, /^\/login\?next=/);
  assert.equal((await pub.get('/orgs/new')).status, 303);
  assert.equal((await pub.postMultipart('/orgs/pirot-inc-a', entry({ slug: 'pirot-inc-a' }))).status, 401);
  assert.equal((await pub.post('/orgs/pirot-inc-a/archive')).status, 401);
  // the secretariat sees the draft with a notice
  const ed = await admin.get('/orgs/pirot-draft');
  assert.equal(ed.status, 200);
  assert.match(ed.text, /This entry is a draft/);
});

test('archive hides an entry from the public; publish shows it again', async () => {
  await create(entry({ slug: 'to-archive', name: 'To Archive' }));
  assert.equal((await admin.post('/orgs/to-archive/archive')).status, 303);
  assert.equal((await new Agent(srv.url).get('/orgs/to-archive')).status, 404);
  assert.equal((await admin.post('/orgs/to-archive/publish')).status, 303);
  assert.equal((await new Agent(srv.url).get('/orgs/to-archive')).status, 200);
});

test('delete needs the slug typed as confirmation', async () => {
  await create(entry({ slug: 'to-delete', name: 'To Delete' }));
  const wrong = await admin.post('/orgs/to-delete/delete', { confirm: 'to-delet' });
  assert.equal(wrong.status, 422);
  assert.match(wrong.text, /id="org-confirm-error"/);
  assert.equal((await admin.get('/orgs/to-delete')).status, 200);
  const ok = await admin.post('/orgs/to-delete/delete', { confirm: 'to-delete' });
  assert.equal(ok.status, 303);
  assert.equal((await admin.get('/orgs/to-delete')).status, 404);
  const editor = await login(MANAGER);
  assert.equal((await editor.post('/orgs/niski-test-klaster/delete', { confirm: 'niski-test-klaster' })).status, 403);
});

// --- history ---------------------------------------------------------------------------------

test('history shows each revision with a field diff; restore makes a new revision', async () => {
  await create(entry({ slug: 'hist', name: 'History Before', website: 'https://before.example.com' }));
  const upd = await admin.postMultipart('/orgs/hist', entry({ slug: 'hist', name: 'History After', website: 'https://after.example.com' }));
  assert.equal(upd.status, 303);
  const h = await new Agent(srv.url).get('/orgs/hist/history');
  assert.equal(h.status, 200);
  checkPage(h.text);
  assert.match(h.text, /<table class="diff">/);
  assert.match(h.text, /<th scope="row">Name \(in Serbian\)<\/th><td class="diff-old"><del>History Before<\/del><\/td><td class="diff-new"><ins>History After<\/ins><\/td>/);
  assert.match(h.text, /<del>https:\/\/before\.example\.com<\/del>/);
  assert.match(h.text, /Version 2/);
  assert.match(h.text, /Dragana Admin/);
  assert.doesNotMatch(h.text, /Restore this version/, 'the public gets no restore buttons');
  const ah = await admin.get('/orgs/hist/history');
  assert.match(ah.text, /name="rev" value="1"/);
  assert.doesNotMatch(ah.text, /name="rev" value="2"/, 'the newest revision is not restorable');
  const rs = await admin.post('/orgs/hist/restore', { rev: '1' });
  assert.equal(rs.status, 303);
  assert.equal(rs.location, '/orgs/hist');
  const p = await admin.get('/orgs/hist');
  assert.match(p.text, /<h1>History Before<\/h1>/);
  const h2 = await admin.get('/orgs/hist/history');
  assert.match(h2.text, /Version 3/);
  assert.match(h2.text, /restored/);
  assert.equal((await admin.post('/orgs/hist/restore', { rev: '99' })).status, 400);
  assert.equal((await manager.post('/orgs/hist/restore', { rev: '1' })).status, 403);
});

// --- search ------------------------------------------------------------------------------------

test('search finds the same entry in Cyrillic, Latin and ASCII, with highlighting', async () => {
  const pub = new Agent(srv.url);
  const found = {};
  for (const q of ['Niški', 'Niski', 'Нишки', 'NIŠKI']) {
    const r = await pub.get(`/search?q=${encodeURIComponent(q)}&lang=sr-Cyrl`);
    assert.equal(r.status, 200);
    checkPage(r.text, 'sr-Cyrl');
    found[q] = slugs(r.text);
    assert.ok(found[q].includes('niski-test-klaster'), `${q} finds the entry`);
    assert.match(r.text, /<mark>Нишки<\/mark> тестни кластер/, `${q}: the word is marked`);
  }
  assert.deepEqual(found.Niski, found['Нишки']);
  assert.deepEqual(found['Niški'], found['Нишки']);
  // the short word finds the same entries in every script (the demo's Niš entries too)
  const nis = {};
  for (const q of ['Niš', 'Nis', 'Ниш']) {
    nis[q] = slugs((await pub.get(`/search?q=${encodeURIComponent(q)}`)).text);
    assert.ok(nis[q].includes('niski-test-klaster'), `${q} finds the entry`);
  }
  assert.deepEqual(nis.Nis, nis['Niš']);
  assert.deepEqual(nis['Ниш'], nis['Niš']);
  const en = await pub.get('/search?q=nis&lang=en');
  assert.match(en.text, /<mark>Niš<\/mark> Test Cluster/);
  // drafts are not found by the public
  const d = await pub.get('/search?q=Pirot+Draft');
  assert.ok(!slugs(d.text).includes('pirot-draft'));
  // nor counted: the count is of what the reader may see, or a draft's
  // words could be probed by it ("1 entry", nothing shown)
  assert.match(d.text, /class="count-note">0\b/, d.text.match(/count-note">[^<]*/)?.[0]);
  // markup in the query is escaped, never echoed raw
  const x = await pub.get(`/search?q=${encodeURIComponent('<b>x</b>')}`);
  assert.doesNotMatch(x.text, /<b>x<\/b>/);
});

test('search pages results 20 at a time', async () => {
  const pub = new Agent(srv.url);
  const p1 = await pub.get('/search?q=Bor+Startup');
  assert.equal(slugs(p1.text).filter((s) => s.startsWith('bor-')).length, 20);
  assert.match(p1.text, /rel="next" href="\/search\?q=Bor%20Startup&amp;page=2"/);
  const p2 = await pub.get('/search?q=Bor+Startup&page=2');
  assert.equal(slugs(p2.text).filter((s) => s.startsWith('bor-')).length, 5);
});

test('the typeahead endpoint returns at most 8 published entries as JSON', async () => {
  const r = await fetch(`${srv.url}/search/suggest?q=${encodeURIComponent('Ниш')}`, { headers: { 'Accept-Language': 'en' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const list = await r.json();
  assert.ok(Array.isArray(list) && list.length <= 8);
  const mine = list.find((e) => e.slug === 'niski-test-klaster');
  assert.deepEqual(mine, { name: 'Niš Test Cluster', slug: 'niski-test-klaster', kind_label: 'Cluster' });
  const many = await (await fetch(`${srv.url}/search/suggest?q=bor`)).json();
  assert.equal(many.length, 8);
  const draft = await (await fetch(`${srv.url}/search/suggest?q=${encodeURIComponent('Pirot Draft')}`)).json();
  assert.deepEqual(draft.filter((e) => e.slug === 'pirot-draft'), []);
  assert.deepEqual(await (await fetch(`${srv.url}/search/suggest?q=`)).json(), []);
});

// --- cache -------------------------------------------------------------------------------------

test('an edit invalidates the cached list page at once', async () => {
  const pub = new Agent(srv.url);
  const url = '/orgs?district=SUMADIJSKI&kind=cluster';
  const a = await pub.get(url);
  const b = await pub.get(url);
  assert.equal(a.text, b.text, 'the cached copy is the same page');
  assert.equal(a.headers.get('etag'), b.headers.get('etag'));
  assert.match(a.text, /Other Test Cluster/);
  const upd = await admin.postMultipart('/orgs/other-test-cluster', entry({ slug: 'other-test-cluster', name: 'Renamed Test Cluster',
    kind: 'cluster', district: 'SUMADIJSKI', region: 'SZ', municipality: 'Kragujevac' }));
  assert.equal(upd.status, 303);
  const c = await pub.get(url);
  assert.match(c.text, /Renamed Test Cluster/);
  assert.doesNotMatch(c.text, /Other Test Cluster/);
  // logged-in users are not served the anonymous copy
  const mine = await admin.get(url);
  assert.match(mine.text, /Dragana Admin/);
  assert.doesNotMatch(c.text, /Dragana Admin/);
});

test('the demo entries carry a "demo data" badge', async () => {
  // This file's server starts with `scan init --demo`: a demo that failed
  // to load fails here. The demo's one donor, in the list and on its page:
  const pub = new Agent(srv.url);
  const list = await pub.get('/orgs?kind=donor');
  assert.equal(list.status, 200);
  assert.ok(slugs(list.text).includes('demo-donor-programme'), `the demo donor is listed: ${slugs(list.text)}`);
  assert.match(list.text, /<a href="\/orgs\/demo-donor-programme">[^<]*<\/a>(?: <abbr>[^<]*<\/abbr>)? <span class="badge badge-demo" title="[^"]+">demo data<\/span><\/h3>/);
  const page = await pub.get('/orgs/demo-donor-programme');
  assert.equal(page.status, 200);
  assert.match(page.text, /<span class="badge badge-demo" title="[^"]+">demo data<\/span>/);
  // an entry made through the form is no demo
  const mine = entry({ kind: 'donor' });
  await create(mine);
  const own = await pub.get(`/orgs/${mine.slug}`);
  assert.equal(own.status, 200);
  assert.doesNotMatch(own.text, /badge-demo/);
  assert.match((await pub.get('/orgs?kind=donor')).text, new RegExp(`<a href="/orgs/${mine.slug}">[^<]*</a></h3>`));
});

test('the directory is in the main navigation', async () => {
  const r = await new Agent(srv.url).get('/orgs');
  assert.match(r.text, /<a href="\/orgs" aria-current="page">Directory<\/a>/);
  assert.equal((await new Agent(srv.url).get('/orgs/no-such-entry')).status, 404);
  checkPage((await new Agent(srv.url).get('/orgs/no-such-entry')).text);
  checkPage((await admin.get('/orgs/new')).text);
});
