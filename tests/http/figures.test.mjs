// figures.test.mjs: clusters, their members and the association's figures
// against the real binary with demo data (`scan init --demo`).
//
// /figures: the headline agrees with figures_total (through
// /api/v1/figures) and reproduces what SCAN states (over 30,000 employees,
// over EUR 1 billion revenue, most of it exported); every table downloads
// as CSV and XLSX; numbers follow the reader's language; the founders'
// scope differs from SCAN's. Cluster profiles show members with the ECCP
// composition, stage, SCAN status and labels. Data entry: a manager enters
// figures for their cluster's member and is refused another cluster's;
// exports above revenue are refused next to the field with nothing saved;
// an import with a bad row changes nothing and names the row; preview then
// confirm applies; the secretariat verifies; the missing list. The API:
// clusters with a cursor, members, figures by group and a bad group_by.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, scanIn, CookieAgent } from './lib.mjs';

const EDITOR = { email: 'fig.editor@example.com', password: 'figures editor phrase 2026' };
const MANAGER = { email: 'fig.manager@example.com', password: 'figures manager phrase 26' };
const REP = { email: 'fig.rep@example.com', password: 'figures representative 26' };

let srv;
let editor;
let manager;
let rep;

const Agent = CookieAgent; // lib.mjs

async function login(who) {
  const a = new Agent(srv.url);
  const r = await a.req('POST', '/login', { form: { email: who.email, password: who.password } });
  assert.equal(r.status, 303, `login ${who.email}: ${r.status}`);
  const page = await a.get('/account');
  a.csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(a.csrf, 'a CSRF token in the page');
  return a;
}

function cli(args, input) {
  return scanIn(srv.db, args, input);
}

const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const text = (html) => decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const en = new Intl.NumberFormat('en-US');
const sr = (n) => en.format(n).replace(/,/g, '.');

// RFC 4180 CSV into rows of cells (quotes, doubled quotes, CRLF).
function parseCsv(s) {
  const rows = [];
  let row = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && s[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function api(path) {
  const res = await fetch(srv.url + path);
  return { status: res.status, body: await res.json() };
}

// The figures rows an organisation's page lists, by year: {id, verified}.
function rowsOf(html) {
  const out = {};
  for (const m of html.matchAll(/<tr id="fig-(\d+)">([\s\S]*?)<\/tr>/g)) {
    const id = /action="\/figures\/(\d+)\/verify"/.exec(m[2])?.[1];
    out[m[1]] = { html: m[2], id: id && Number(id), verified: /status-active/.test(m[2]) };
  }
  return out;
}

before(async () => {
  srv = await startServer({ demo: true });
  cli(['user', 'add', EDITOR.email, '--name', 'Fig Editor', '--editor', '--password-stdin'], `${EDITOR.password}\n`);
  cli(['user', 'add', MANAGER.email, '--name', 'Fig Manager', '--password-stdin'], `${MANAGER.password}\n`);
  cli(['user', 'add', REP.email, '--name', 'Fig Rep', '--password-stdin'], `${REP.password}\n`);
  cli(['user', 'role', MANAGER.email, 'manager', '--org', 'voict']);
  cli(['user', 'role', REP.email, 'representative', '--org', 'ntp-beograd']);
  editor = await login(EDITOR);
  manager = await login(MANAGER);
  rep = await login(REP);
});

after(async () => {
  const { code } = await srv?.stop() ?? {};
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

// --- /figures -------------------------------------------------------------------------

test('the demo reproduces SCAN\'s headline: over 30,000 employees, over EUR 1 bn, mostly exports', async () => {
  const { status, body } = await api('/api/v1/figures');
  assert.equal(status, 200);
  assert.equal(body.year, 2024, 'the latest year with figures');
  assert.equal(body.illustrative, true);
  const t = body.items[0];
  assert.ok(t.employees > 30000, `employees ${t.employees}`);
  assert.ok(t.revenue_eur_cents > 1000000000 * 100, `revenue ${t.revenue_eur_cents}`);
  assert.ok(t.exports_eur_cents * 2 > t.revenue_eur_cents, 'exports over half of revenue');
  assert.equal(t.missing, 1, 'one member did not report for 2024 and is not filled in');
  assert.equal(t.members, t.reported + t.missing);
  assert.ok(t.previous_year, 'a change from 2023');
  // the member that left VMC in 2021 is not counted in 2022
  const y22 = (await api('/api/v1/figures?year=2022&scope=cluster&cluster=vmc')).body.items[0];
  const y24vmc = (await api('/api/v1/clusters/vmc/members')).body;
  assert.ok(!y24vmc.items.some((m) => m.slug === 'pancevo-kotlovi'), 'the leaver is no current member');
  assert.equal(y22.members, y24vmc.items.length, 'VMC counts its current members in 2022, not the leaver');
});

test('/figures shows the same numbers as figures_total, with provenance and the demo notice', async () => {
  const t = (await api('/api/v1/figures')).body.items[0];
  const r = await new Agent(srv.url).get('/figures?lang=en');
  assert.equal(r.status, 200);
  assert.match(r.text, /<html lang="en">/);
  assert.equal((r.text.match(/<h1[\s>]/g) || []).length, 1);
  const s = text(r.text);
  assert.match(s, /Illustrative demo data/);
  assert.ok(s.includes(en.format(t.employees)), `employees ${en.format(t.employees)} on the page`);
  assert.ok(s.includes(`${en.format(t.revenue_eur_cents / 100)} EUR`), 'exact revenue');
  assert.ok(s.includes(`${en.format(t.exports_eur_cents / 100)} EUR`), 'exact exports');
  assert.ok(s.includes(`Computed from ${t.reported} members' reported figures; ${t.missing} did not report`), 'provenance');
  // the charts: SVG with a title each, and a table beside each
  assert.ok((r.text.match(/<svg [^>]*role="img"/g) || []).length >= 8, 'trend and breakdown charts');
  for (const id of ['fig-trend-table', 'fig-clusters-table', 'fig-sectors-table', 'fig-regions-table'])
    assert.match(r.text, new RegExp(`<table[^>]* id="${id}"`), id);
  for (const name of ['Vojvodina ICT Cluster', 'Autocluster Serbia', 'Manufacturing', 'Vojvodina'])
    assert.ok(s.includes(name), name);
  // a second anonymous request is answered from the cache, byte for byte
  const again = await new Agent(srv.url).get('/figures?lang=en');
  assert.equal(again.text, r.text);
});

test('numbers and charts follow the reader\'s language', async () => {
  const t = (await api('/api/v1/figures')).body.items[0];
  const cyr = await new Agent(srv.url).get('/figures?lang=sr-Cyrl');
  assert.equal(cyr.status, 200);
  assert.match(cyr.text, /<html lang="sr-Cyrl">/);
  const s = text(cyr.text);
  assert.ok(s.includes(sr(t.employees)), `Serbian grouping ${sr(t.employees)}`);
  assert.ok(!s.includes(en.format(t.employees)), 'no English grouping');
  assert.match(s, /SCAN у бројкама/);
  assert.match(s, /млрд\. EUR/, 'compact money in Serbian');
  assert.match(cyr.text, /<title id="[^"]+">Запослени по годинама<\/title>/, 'chart titles in Serbian');
  const lat = await new Agent(srv.url).get('/figures?lang=sr-Latn');
  assert.ok(text(lat.text).includes('SCAN u brojkama'));
});

test('the founders\' scope leaves out the cluster initiative that joined later', async () => {
  const scanT = (await api('/api/v1/figures?year=2024')).body.items[0];
  const founders = (await api('/api/v1/figures?year=2024&scope=founders')).body.items[0];
  assert.ok(founders.members < scanT.members);
  assert.ok(founders.employees < scanT.employees);
  const r = await new Agent(srv.url).get('/figures?scope=founders&year=2024&lang=en');
  assert.equal(r.status, 200);
  assert.ok(text(r.text).includes(en.format(founders.employees)));
  assert.match(r.text, /value="founders" checked/);
  // the initiative was only "applied" in 2021: not in SCAN's 2021 figures at all
  const y21 = (await api('/api/v1/figures?year=2021&group_by=cluster')).body;
  assert.ok(!y21.items.some((x) => x.key === 'demo-energy-cluster'));
});

test('every table downloads as CSV and XLSX', async () => {
  const pub = new Agent(srv.url);
  const page = await pub.get('/figures?lang=en');
  for (const table of ['trend', 'clusters', 'sectors', 'regions']) {
    assert.ok(page.text.includes(`table=${table}&amp;format=csv`), `${table} CSV link`);
    const csv = await pub.get(`/figures?lang=en&table=${table}&format=csv`);
    assert.equal(csv.status, 200, table);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.match(csv.headers.get('content-disposition'), new RegExp(`attachment; filename="figures-scan-.*${table}\\.csv"`));
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    assert.ok(rows.length >= 2, `${table}: header and rows`);
    assert.ok(rows.every((r) => r.length === rows[0].length), `${table}: rectangular`);
    const xlsx = await pub.get(`/figures?table=${table}&format=xlsx`);
    assert.equal(xlsx.status, 200);
    assert.equal(xlsx.buf.subarray(0, 2).toString('latin1'), 'PK', `${table} XLSX is a zip`);
  }
  const clusters = parseCsv((await pub.get('/figures?lang=en&table=clusters&format=csv')).text.replace(/^\uFEFF/, ''));
  const voict = clusters.find((r) => r[0] === 'Vojvodina ICT Cluster');
  assert.ok(voict, 'a row per cluster');
  const api24 = (await api('/api/v1/figures?group_by=cluster')).body.items.find((x) => x.key === 'voict');
  assert.equal(Number(voict[3]), api24.employees);
  // the cluster page's table downloads through /figures?scope=cluster
  const one = await pub.get('/figures?scope=cluster&cluster=voict&table=trend&format=csv');
  assert.equal(one.status, 200);
  assert.equal((await pub.get('/figures?table=nope&format=csv')).status, 400);
  assert.equal((await pub.get('/figures?year=abc')).status, 400);
  assert.equal((await pub.get('/figures?year=2019')).status, 404, 'a year without figures');
  const odd = await pub.get('/figures?utm_source=x&lang=en&lang=sr-Cyrl&year=');
  assert.equal(odd.status, 303, 'unknown, repeated and empty parameters are dropped');
  assert.equal(odd.location, '/figures?lang=en');
  assert.equal((await pub.get('/figures?scope=everyone')).status, 400);
  assert.equal((await pub.get('/figures?scope=cluster&cluster=no-such')).status, 404);
});

// --- cluster profiles ---------------------------------------------------------------------

test('a cluster\'s profile shows its stage, SCAN status, label, members and composition', async () => {
  const r = await new Agent(srv.url).get('/orgs/voict?lang=en');
  assert.equal(r.status, 200);
  const s = text(r.text);
  assert.match(s, /Development stage Established since 2 Aug 2016/);
  assert.match(s, /SCAN membership Founder since 2 Aug 2016/);
  assert.match(s, /ESCA Bronze label · awarded 1 Mar 2013 · expired on 1 Mar 2015 expired/);
  const members = (await api('/api/v1/clusters/voict/members')).body;
  assert.equal(members.items.length, 8);
  for (const m of members.items)
    assert.match(r.text, new RegExp(`<a href="/orgs/${m.slug}">`), `${m.slug} linked`);
  const c = members.composition;
  assert.match(s, new RegExp(`${c.total} members in all ${c.smes} SMEs ${c.startups} start-ups ${c.large} large companies`));
  assert.match(s, /Figures of the members/);
  assert.match(s, /Illustrative demo data/);
  assert.match(r.text, /href="\/figures\?scope=cluster&amp;cluster=voict&amp;table=trend&amp;format=csv"/);
  // a member of two clusters is listed in both; the leaver in neither
  assert.match((await new Agent(srv.url).get('/orgs/ict-network')).text, /href="\/orgs\/dunavski-sistemi"/);
  assert.doesNotMatch((await new Agent(srv.url).get('/orgs/vmc')).text, /pancevo-kotlovi/);
  // a non-cluster has no cluster section
  assert.doesNotMatch((await new Agent(srv.url).get('/orgs/backa-kod')).text, /cl-members/);
});

// --- data entry ---------------------------------------------------------------------------

test('a manager enters figures for a member of their cluster, not another cluster\'s', async () => {
  const form = await manager.get('/orgs/backa-kod/figures?lang=en');
  assert.equal(form.status, 200);
  assert.match(form.text, /<form class="form" method="post" action="\/orgs\/backa-kod\/figures"/);
  const r = await manager.post('/orgs/backa-kod/figures', {
    year: '2021', employees: '480', revenue: '21000000,50', exports: '19000000.25', rnd: '',
    currency: 'EUR', source: 'self_reported' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(r.location, '/orgs/backa-kod/figures');
  const after = await manager.get('/orgs/backa-kod/figures?lang=en');
  const row = rowsOf(after.text)['2021'];
  assert.ok(row, 'the 2021 row is listed');
  assert.match(row.html, /21,000,000 EUR/);
  assert.match(row.html, /19,000,000 EUR/);
  // a member of two clusters: the manager of either may enter
  assert.equal((await manager.get('/orgs/dunavski-sistemi/figures')).status, 200);
  // another cluster's member, and the cluster itself of another manager
  const other = await manager.post('/orgs/kalemegdan-tehnologije/figures', {
    year: '2021', employees: '1', currency: 'EUR', source: 'self_reported' });
  assert.equal(other.status, 403);
  assert.equal((await manager.get('/orgs/kalemegdan-tehnologije/figures')).status, 403);
  assert.equal((await new Agent(srv.url).get('/orgs/backa-kod/figures')).status, 303, 'the public is sent to log in');
  // the totals follow at once (the cache is keyed by figures_version)
  const y21 = (await api('/api/v1/figures?year=2021&scope=cluster&cluster=voict')).body.items[0];
  assert.equal(y21.reported, 1);
  assert.equal(y21.employees, 480);
  const page = await new Agent(srv.url).get('/figures?scope=cluster&cluster=voict&year=2021&lang=en');
  assert.ok(text(page.text).includes('Computed from 1 member\'s reported figures'));
});

test('exports above revenue are refused next to the field, everything kept, nothing saved', async () => {
  const r = await manager.post('/orgs/fruska-data/figures?lang=en', {
    year: '2020', employees: '250', revenue: '1000000', exports: '2000000', rnd: '', currency: 'EUR', source: 'estimate' });
  assert.equal(r.status, 422);
  assert.match(r.text, /<p class="field-error" id="fe-exports-error">[^]*?Exports cannot be larger than total revenue\.<\/p>/);
  assert.match(r.text, /id="fe-exports" name="exports" type="text" value="2000000"/);
  assert.match(r.text, /id="fe-revenue" name="revenue" type="text" value="1000000"/);
  assert.match(r.text, /<option value="estimate" selected>/);
  assert.ok(!rowsOf((await manager.get('/orgs/fruska-data/figures')).text)['2020'], 'nothing saved');
  // a malformed amount and a future year, each next to its field
  const bad = await manager.post('/orgs/fruska-data/figures?lang=en', {
    year: '2999', employees: 'many', revenue: '12.345', currency: 'EUR', source: 'self_reported' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="fe-employees-error"/);
  assert.match(bad.text, /id="fe-revenue-error"/);
  assert.match(bad.text, /id="fe-year-error"/);
});

test('an import with a bad row changes nothing and names the row; preview then confirm applies', async () => {
  const page = await manager.get('/orgs/voict/figures/import?lang=en');
  assert.equal(page.status, 200);
  const old = await manager.get('/orgs/voict/figures/import?template=1');
  assert.equal(old.status, 303, 'the old template link leads to the CSV of the members');
  assert.match(old.headers.get('location'), /template=1&year=\d{4}&format=csv$/);
  const tpl = await manager.get(old.headers.get('location'));
  assert.equal(tpl.status, 200);
  assert.match(tpl.headers.get('content-type'), /^text\/csv/);
  assert.match(tpl.text, /^\uFEFF?pib,slug,name,year,employees,revenue,exports,rnd,currency,source\r\n/);

  const before2020 = rowsOf((await manager.get('/orgs/begej-it/figures')).text)['2020'];
  assert.ok(!before2020);
  const bad = 'slug,year,employees,revenue,exports,rnd,currency,source\r\n'
    + 'begej-it,2020,200,8000000,7000000,,EUR,self_reported\r\n'
    + 'kalemegdan-tehnologije,2020,1500,70000000,60000000,,EUR,self_reported\r\n'
    + 'novosadski-studio-igara,2020,30,1000000,2000000,,EUR,self_reported\r\n';
  const r = await manager.postFile('/orgs/voict/figures/import?lang=en', {}, bad);
  assert.equal(r.status, 422);
  const s = text(r.text);
  assert.match(s, /Problems found: 2/);
  assert.match(s, /Line 3:/);
  assert.match(s, /Line 4:/);
  assert.doesNotMatch(r.text, /Confirm import/);
  assert.ok(!rowsOf((await manager.get('/orgs/begej-it/figures')).text)['2020'], 'the good row was not applied');

  const good = 'slug,year,employees,revenue,exports,rnd,currency,source\r\n'
    + 'begej-it,2020,200,8000000,7000000,,EUR,self_reported\r\n'
    + 'novosadski-studio-igara,2020,30,1000000,200000,,EUR,self_reported\r\n';
  const preview = await manager.postFile('/orgs/voict/figures/import?lang=en', {}, good);
  assert.equal(preview.status, 200);
  assert.match(preview.text, /Confirm import/);
  assert.match(text(preview.text), /2 new, 0 changed, 0 unchanged/);
  assert.ok(!rowsOf((await manager.get('/orgs/begej-it/figures')).text)['2020'], 'the preview changed nothing');
  const csv = decode(/<textarea name="csv" hidden[^>]*>\n([^]*?)<\/textarea>/.exec(preview.text)[1]);
  assert.equal(csv, good, 'the checked text goes back unchanged');
  const done = await manager.postFile('/orgs/voict/figures/import', { confirm: '1', csv });
  assert.equal(done.status, 303);
  assert.match(done.location, /created=2&updated=0&unchanged=0/);
  const row = rowsOf((await manager.get('/orgs/begej-it/figures?lang=en')).text)['2020'];
  assert.ok(row, 'applied');
  assert.match(row.html, /8,000,000 EUR/);
  // another cluster's import page is not theirs
  assert.equal((await manager.get('/orgs/vmc/figures/import')).status, 403);
  // no file at all
  const none = await manager.postFile('/orgs/voict/figures/import?lang=en', {});
  assert.equal(none.status, 422);
  assert.match(none.text, /id="imp-file-error"/);
});

test('the secretariat verifies figures; managers cannot', async () => {
  const page = await editor.get('/orgs/backa-kod/figures?lang=en');
  const row = rowsOf(page.text)['2021'];
  assert.ok(row.id, 'verify buttons for the secretariat');
  assert.equal(row.verified, false);
  assert.doesNotMatch((await manager.get('/orgs/backa-kod/figures')).text, /\/verify"/, 'no buttons for managers');
  assert.equal((await manager.post(`/figures/${row.id}/verify`, { verified: '1', back: 'backa-kod' })).status, 403);
  const r = await editor.post(`/figures/${row.id}/verify`, { verified: '1', back: 'backa-kod' });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/orgs/backa-kod/figures?verified=1');
  assert.equal(rowsOf((await editor.get('/orgs/backa-kod/figures')).text)['2021'].verified, true);
  const y21 = (await api('/api/v1/figures?year=2021&scope=cluster&cluster=voict')).body.items[0];
  assert.equal(y21.verified, 1);
  assert.equal((await editor.post('/figures/99999999/verify', { verified: '1' })).status, 404);
  assert.equal((await editor.post(`/figures/${row.id}/verify`, { verified: 'maybe' })).status, 400);
});

test('the missing list: the secretariat sees all clusters, a manager their own, others nothing', async () => {
  const all = await editor.get('/figures/missing?year=2024&lang=en');
  assert.equal(all.status, 200);
  const s = text(all.text);
  assert.match(s, /Missing figures for 2024/);
  assert.match(all.text, /href="\/orgs\/vracar-medija"/, 'the member that did not report');
  assert.match(all.text, /href="\/orgs\/ict-network"/);
  const csv = await editor.get('/figures/missing?year=2024&format=csv&lang=en');
  assert.equal(csv.status, 200);
  assert.deepEqual(parseCsv(csv.text.replace(/^\uFEFF/, '')).slice(1), [['IKT mreža', 'Vračar medija d.o.o.', 'vracar-medija']]);
  const mine = await manager.get('/figures/missing?year=2024&lang=en');
  assert.equal(mine.status, 200);
  assert.doesNotMatch(mine.text, /vracar-medija/, 'not the manager\'s cluster');
  assert.match(text(mine.text), /Every member has reported for this year/);
  assert.equal((await rep.get('/figures/missing')).status, 403);
  assert.equal((await new Agent(srv.url).get('/figures/missing')).status, 303);
  assert.equal((await editor.get('/figures/missing?year=x')).status, 400);
});

// The "Current members" section of a members page (proposals come after it).
function currentMembers(html) {
  const from = html.indexOf('id="cur-title"');
  const to = html.indexOf('id="prop-title"');
  assert.ok(from >= 0, 'a current members section');
  return html.slice(from, to > from ? to : undefined);
}

test('members: a manager proposes, the representative accepts, the manager ends it', async () => {
  const page = await manager.get('/orgs/voict/members/manage?lang=en');
  assert.equal(page.status, 200);
  const add = await manager.post('/orgs/voict/members', { org: '/orgs/ntp-beograd', role: 'member', joined_on: '2024-01-01' });
  assert.equal(add.status, 303, text(add.text).slice(0, 300));
  assert.equal(add.location, '/orgs/voict/members/manage?proposed=ntp-beograd');
  const pending = await manager.get(`${add.location}&lang=en`);
  assert.match(text(pending.text), /Science Technology Park Belgrade has been asked to accept the membership/);
  assert.match(pending.text, /action="\/orgs\/voict\/members\/proposals\/\d+\/withdraw"/);
  assert.match(text(pending.text), /Proposed, awaiting acceptance 1 .*waits for its representative/);
  // a proposal is no membership: no end form, not listed, not counted
  assert.doesNotMatch(currentMembers(pending.text), /ntp-beograd/);
  assert.equal((await api('/api/v1/clusters/voict/members')).body.items.length, 8);
  const twice = await manager.post('/orgs/voict/members?lang=en', { org: 'ntp-beograd', role: 'member', joined_on: '2024-02-01' });
  assert.equal(twice.status, 422);
  assert.match(twice.text, /id="mem-org-error"[^]*already been proposed/);
  const unknown = await manager.post('/orgs/voict/members?lang=en', { org: 'no-such-org', role: 'member', joined_on: '2024-02-01' });
  assert.equal(unknown.status, 422);
  assert.match(unknown.text, /value="no-such-org"/, 'what was typed is kept');
  const pib = await manager.post('/orgs/voict/members?lang=en', { org: '101134702', role: 'member', joined_on: '2024-02-01' });
  assert.equal(pib.status, 422);
  assert.match(pib.text, /id="mem-org-error"[^]*No organisation in the directory has this PIB/);
  // the representative of ntp-beograd decides on their account page
  const acct = await rep.get('/account?lang=en');
  const pid = /action="\/memberships\/(\d+)\/accept"/.exec(acct.text)?.[1];
  assert.ok(pid, 'an Accept form on the representative\'s account page');
  assert.match(text(acct.text), /Vojvođanski IKT klaster proposes Naučno-tehnološki park Beograd as Member from 1 Jan 2024/);
  assert.match(text(acct.text), /Proposed by Fig Manager\./);
  assert.equal((await manager.post(`/memberships/${pid}/accept`)).status, 403, 'the proposer cannot accept');
  assert.equal((await manager.post(`/memberships/${pid}/decline`)).status, 403);
  const ok = await rep.post(`/memberships/${pid}/accept`);
  assert.equal(ok.status, 303);
  assert.equal(ok.location, '/account?proposal=accepted#proposals');
  assert.match(text((await rep.get('/account?lang=en&proposal=accepted')).text), /The membership has been accepted\./);
  assert.equal((await rep.post(`/memberships/${pid}/accept`)).status, 409, 'decided already');
  assert.equal((await api('/api/v1/clusters/voict/members')).body.items.length, 9);
  const list = await manager.get('/orgs/voict/members/manage?lang=en');
  assert.doesNotMatch(list.text, /members\/proposals\/\d+\/withdraw/, 'nothing pending');
  const id = new RegExp('action="/orgs/voict/members/(\\d+)/end"[^]*?').exec(
    list.text.slice(list.text.indexOf('href="/orgs/ntp-beograd"')))?.[1];
  assert.ok(id, 'an end form for the new member');
  const again = await manager.post('/orgs/voict/members?lang=en', { org: 'ntp-beograd', role: 'member', joined_on: '2024-02-01' });
  assert.equal(again.status, 422);
  assert.match(again.text, /id="mem-org-error"[^]*already a member/);
  // the first press asks, naming the member; nothing ends yet
  const ask = await manager.post(`/orgs/voict/members/${id}/end?lang=en`, { left_on: '2024-06-30' });
  assert.equal(ask.status, 422);
  assert.match(text(ask.text), /End the membership of Science Technology Park Belgrade on this date\?/);
  assert.match(ask.text, /name="confirm" value="1"/);
  assert.match(currentMembers((await manager.get('/orgs/voict/members/manage')).text), /ntp-beograd/);
  const early = await manager.post(`/orgs/voict/members/${id}/end?lang=en`, { left_on: '2023-01-01', confirm: '1' });
  assert.equal(early.status, 422);
  assert.match(early.text, new RegExp(`id="end-${id}-error"`));
  const end = await manager.post(`/orgs/voict/members/${id}/end`, { left_on: '2024-06-30', confirm: '1' });
  assert.equal(end.status, 303);
  assert.match(text((await manager.get(`${end.location}&lang=en`)).text), /The membership of Science Technology Park Belgrade has ended\./);
  assert.doesNotMatch((await manager.get('/orgs/voict/members/manage')).text, /href="\/orgs\/ntp-beograd"/);
  assert.equal((await manager.post('/orgs/vmc/members', { org: 'ntp-beograd', role: 'member', joined_on: '2024-01-01' })).status, 403);
  assert.equal((await manager.post('/orgs/voict/members/999999/end', { left_on: '2024-06-30' })).status, 404);
});

test('members: a manager adds a member by its PIB; a PIB with a bad check digit is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scan-pib-'));
  const csv = join(dir, 'pib.csv');
  writeFileSync(csv, 'slug,name,kind,status,pib\r\npib-firma,PIB Firma d.o.o.,company,published,106006802\r\n');
  cli(['org', 'import', csv]);
  rmSync(dir, { recursive: true, force: true });
  const members = async () => (await manager.get('/orgs/voict/members/manage?lang=en')).text;
  const before = await members();
  assert.doesNotMatch(before, /href="\/orgs\/pib-firma"/);
  const form = await manager.get('/orgs/voict/members/manage?lang=en');
  assert.match(text(form.text), /or type its PIB \(9 digits\) or its address in the directory/);
  const bad = await manager.post('/orgs/voict/members?lang=en', { org: '106006803', role: 'member', joined_on: '2024-02-01' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="mem-org-error"[^]*not a valid PIB/);
  assert.match(bad.text, /value="106006803"/, 'what was typed is kept');
  assert.equal(await members(), before, 'nothing changed');
  const add = await manager.post('/orgs/voict/members', { org: '106006802', role: 'member', joined_on: '2024-02-01' });
  assert.equal(add.status, 303, text(add.text).slice(0, 300));
  assert.equal(add.location, '/orgs/voict/members/manage?proposed_sec=pib-firma', 'nobody represents it: the secretariat is asked');
  assert.match(text((await manager.get(`${add.location}&lang=en`)).text), /Nobody represents PIB Firma d\.o\.o\. on the platform yet, so the SCAN secretariat has been asked/);
  assert.doesNotMatch(currentMembers(await members()), /pib-firma/);
  // pib-firma has no representative: the secretariat confirms it
  const acct = await editor.get('/account?lang=en');
  const block = acct.text.slice(acct.text.indexOf('href="/orgs/pib-firma"'));
  assert.match(text(block), /No representative; the secretariat decides\./);
  const pid = /action="\/memberships\/(\d+)\/accept"/.exec(block)?.[1];
  assert.ok(pid, 'the secretariat sees the proposal for an organisation without representative');
  assert.doesNotMatch((await rep.get('/account')).text, /href="\/orgs\/pib-firma"/, 'not another organisation\'s representative');
  assert.equal((await rep.post(`/memberships/${pid}/accept`)).status, 403);
  assert.equal((await editor.post(`/memberships/${pid}/accept`)).status, 303);
  const list = await members();
  const id = /action="\/orgs\/voict\/members\/(\d+)\/end"/.exec(list.slice(list.indexOf('href="/orgs/pib-firma"')))?.[1];
  assert.ok(id, 'an end form for the new member');
  // end it again, so the member counts below stay as in the demo data
  assert.equal((await manager.post(`/orgs/voict/members/${id}/end`, { left_on: '2024-06-30', confirm: '1' })).status, 303);
  assert.doesNotMatch(await members(), /href="\/orgs\/pib-firma"/);
});

test('the management team: a manager invites a person by e-mail, who accepts; the manager ends their membership', async () => {
  const edit = async () => (await manager.get('/orgs/voict/cluster/edit?lang=en')).text;
  const before = await edit();
  assert.match(before, /action="\/orgs\/voict\/team"/);
  assert.doesNotMatch(before, /Fig Rep/);
  const badFte = await manager.post('/orgs/voict/team?lang=en', { email: REP.email, role: 'Coordinator', fte: '1.5', since: '2024-01-01' });
  assert.equal(badFte.status, 422);
  assert.match(badFte.text, /id="ce-team-fte-error"/);
  assert.match(badFte.text, /value="1.5"/, 'what was typed is kept');
  assert.equal(await edit(), before, 'nothing saved');
  // an address without an account and one with: the same answer (contacts.test.mjs compares them)
  const unknown = await manager.post('/orgs/voict/team?lang=en', { email: 'nobody@example.com', role: 'Coordinator', fte: '0.5', since: '2024-01-01' });
  assert.equal(unknown.status, 303);
  const add = await manager.post('/orgs/voict/team', { email: REP.email.toUpperCase(), role: 'Coordinator', fte: '0,125', since: '2024-01-01' });
  assert.equal(add.status, 303, text(add.text).slice(0, 300));
  assert.equal(add.location, '/orgs/voict/cluster/edit?saved=team-invited#team');
  const invited = await edit();
  assert.match(text(invited), /fig\.rep@example\.com \(invited, not accepted yet\) Coordinator 0.125/);
  assert.doesNotMatch(invited, /Fig Rep/, 'whose address it is stays unsaid');
  assert.doesNotMatch(text((await new Agent(srv.url).get('/orgs/voict?lang=en')).text), /Coordinator/);
  // the invitation of the address without an account is withdrawn
  const nobody = /action="\/orgs\/voict\/team\/(\d+)\/end"/.exec(invited.slice(invited.indexOf('nobody@example.com')))?.[1];
  assert.equal((await manager.post(`/orgs/voict/team/${nobody}/end`, { until: '2024-06-30' })).status, 303);
  // the invited person accepts by logging in
  assert.equal((await rep.get('/orgs/voict/team/accept?lang=en')).status, 200);
  assert.equal((await rep.post('/orgs/voict/team/accept', {})).status, 303);
  const after = await edit();
  assert.match(text(after), /Fig Rep Coordinator 0.125/);
  const id = /action="\/orgs\/voict\/team\/(\d+)\/end"/.exec(after.slice(after.indexOf('Fig Rep')))?.[1];
  assert.ok(id, 'an End form for the new team member');
  assert.match(text((await new Agent(srv.url).get('/orgs/voict?lang=en')).text), /Fig Rep Coordinator/);
  const early = await manager.post(`/orgs/voict/team/${id}/end?lang=en`, { until: '2023-01-01' });
  assert.equal(early.status, 422);
  assert.match(early.text, new RegExp(`id="team-end-${id}-error"`));
  assert.equal((await manager.post('/orgs/vmc/team', { email: REP.email, role: 'x', fte: '1' })).status, 403);
  assert.equal((await manager.post('/orgs/voict/team/999999/end', { until: '2024-06-30' })).status, 404);
  const end = await manager.post(`/orgs/voict/team/${id}/end`, { until: '2024-06-30' });
  assert.equal(end.status, 303);
  assert.doesNotMatch(await edit(), /Fig Rep/);
  assert.equal((await manager.post(`/orgs/voict/team/${id}/end`, { until: '2024-07-30' })).status, 404, 'ended already');
});

test('the cluster profile form: strategy by the manager, SCAN status by the secretariat only', async () => {
  assert.equal((await manager.get('/orgs/voict/cluster/edit?lang=en')).status, 200);
  const r = await manager.post('/orgs/voict/cluster', { vision: 'Povezana ICT Vojvodina.',
    vision_en: 'A connected ICT Vojvodina.', mission: '', goals: '', services: 'Obuke\nIzvozne misije',
    services_en: 'Training\nExport missions', networks: '' });
  assert.equal(r.status, 303);
  const prof = text((await new Agent(srv.url).get('/orgs/voict?lang=en')).text);
  assert.match(prof, /Vision A connected ICT Vojvodina\./);
  assert.match(prof, /Services Training Export missions/);
  assert.equal((await manager.post('/orgs/voict/cluster', { status: 'member', since: '2024-01-01' })).status, 403);
  // a label the secretariat records needs its reference and a later expiry
  const lbl = await editor.post('/orgs/voict/cluster?lang=en', { label: 'esca_silver', label_name: '',
    awarded_on: '2024-05-01', expires_on: '2023-05-01', reference: 'ESCA-2024-17' });
  assert.equal(lbl.status, 422);
  assert.match(lbl.text, /id="ce-expires-on-error"/);
  assert.match(lbl.text, /value="2023-05-01"/);
  const stage = await editor.post('/orgs/demo-energy-cluster/cluster', { stage: 'developing', reached_on: '2025-10-01' });
  assert.equal(stage.status, 303);
  assert.match(text((await new Agent(srv.url).get('/orgs/demo-energy-cluster?lang=en')).text), /Developing since 1 Oct 2025/);
  assert.equal((await manager.post('/orgs/vmc/cluster', { vision: 'x' })).status, 403);
});

// --- API ------------------------------------------------------------------------------------

test('API: clusters with stage, SCAN status and member count, page by page', async () => {
  const seen = [];
  let cursor = null;
  do {
    const { status, body } = await api(`/api/v1/clusters?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(status, 200);
    seen.push(...body.items);
    cursor = body.next_cursor;
  } while (cursor);
  const slugs = seen.map((c) => c.slug);
  assert.equal(new Set(slugs).size, slugs.length, 'no cluster twice');
  for (const s of ['voict', 'autocluster-serbia', 'ict-network', 'vmc', 'facts', 'nicat', 'ict-cluster-central-serbia', 'demo-energy-cluster'])
    assert.ok(slugs.includes(s), s);
  const voict = seen.find((c) => c.slug === 'voict');
  assert.deepEqual(voict.scan_membership, { status: 'founder', since: '2016-08-02', note: null, note_en: null });
  assert.equal(voict.stage.stage, 'established');
  assert.equal(voict.member_count, 8);
  assert.equal(seen.find((c) => c.slug === 'demo-energy-cluster').kind, 'cluster_initiative');
  assert.equal((await api('/api/v1/clusters/no-such/members')).status, 404);
  assert.equal((await api('/api/v1/clusters/backa-kod/members')).status, 404, 'not a cluster');
});

test('API: figures grouped by cluster, sector and region; bad values are 400', async () => {
  const total = (await api('/api/v1/figures?year=2024')).body.items[0];
  const byCluster = (await api('/api/v1/figures?year=2024&group_by=cluster')).body;
  assert.equal(byCluster.group_by, 'cluster');
  assert.ok(byCluster.items.length >= 8);
  const sum = byCluster.items.reduce((a, x) => a + x.employees, 0);
  assert.ok(sum > total.employees, 'members of two clusters count in each cluster, once in the total');
  const bySector = (await api('/api/v1/figures?year=2024&group_by=sector')).body;
  assert.equal(bySector.items.reduce((a, x) => a + x.employees, 0), total.employees, 'sectors partition the total');
  assert.ok(bySector.items.some((x) => x.key === 'C' && x.label === 'Manufacturing'));
  const byRegion = (await api('/api/v1/figures?year=2024&group_by=region')).body;
  assert.equal(byRegion.items.reduce((a, x) => a + x.employees, 0), total.employees);
  assert.ok(byRegion.items.some((x) => x.key === 'VO' && x.label === 'Vojvodina'));
  const one = (await api('/api/v1/figures?year=2024&scope=cluster&cluster=voict&group_by=sector')).body;
  assert.equal(one.cluster, 'voict');
  for (const [q, re] of [['group_by=people', /group_by must be cluster, sector or region/],
    ['year=20x4', /year must be/], ['year=1800', /year must be/], ['scope=world', /scope must be/],
    ['scope=cluster', /cluster is required/]]) {
    const r = await api(`/api/v1/figures?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error.message, re, q);
  }
  assert.equal((await api('/api/v1/figures?scope=cluster&cluster=backa-kod')).status, 404);
});
