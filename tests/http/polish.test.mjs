// polish.test.mjs: the things that made the platform feel unfinished
// (issue 11 §3, §4, §8), against the real binary with demo data.
//
// - numbers as the reader types them: "1.234.567,89" and "1234567.89" are
//   stored exactly; "1.234" is refused beside its field with both readings
//   in the reader's habit, nothing stored;
// - the verification queue: secretariat only, filters, nothing ticked is
//   422 with nothing changed, ticked rows verified in one go with an audit
//   row each, "verify all shown", a row that does not exist changes nothing;
// - a save's confirmation is shown once (role=status) after the redirect;
// - switching language on a refused form re-posts what was typed (never a
//   password) and shows the form again in the other language.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scan, scanIn, sqliteRun } from './lib.mjs';

const EDITOR = { email: 'polish.editor@example.com', password: 'polish editor phrase 2026' };
const MANAGER = { email: 'polish.manager@example.com', password: 'polish manager phrase 26' };

let srv;
let editor;
let manager;

class Agent {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
  }

  async req(method, path, { form, body, type } = {}) {
    const headers = {};
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (type) headers['Content-Type'] = type;
    if (method !== 'GET') headers.Origin = this.base;
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const sc of res.headers.getSetCookie()) {
      const pair = sc.split(';')[0];
      const i = pair.indexOf('=');
      if (/Max-Age=0/i.test(sc)) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path) { return this.req('GET', path); }

  // form: an object, or [name, value] pairs for repeated names
  post(path, form = {}) {
    const pairs = Array.isArray(form) ? form : Object.entries(form);
    return this.req('POST', path, { form: this.csrf ? [...pairs, ['_csrf', this.csrf]] : pairs });
  }
}

async function login(who) {
  const a = new Agent(srv.url);
  const r = await a.req('POST', '/login', { form: { email: who.email, password: who.password } });
  assert.equal(r.status, 303, `login ${who.email}: ${r.status}`);
  a.csrf = /name="_csrf" value="([^"]+)"/.exec((await a.get('/account')).text)?.[1];
  assert.ok(a.csrf, 'a CSRF token in the page');
  return a;
}

function cli(args, input) {
  return scanIn(srv.db, args, input);
}

function sql(q) {
  const r = sqliteRun(srv.db, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const fieldError = (html, name) => decode(new RegExp(`id="fe-${name}-error">([^]*?)</p>`).exec(html)?.[1]
  .replace(/<[^>]+>/g, '') ?? '');
const notices = (html) => [...html.matchAll(/<div class="notice notice-once" role="status"><p>([^<]*)<\/p>/g)]
  .map((m) => decode(m[1]));

before(async () => {
  srv = await startServer({ demo: true });
  cli(['user', 'add', EDITOR.email, '--name', 'Polish Editor', '--editor', '--password-stdin'], `${EDITOR.password}\n`);
  cli(['user', 'add', MANAGER.email, '--name', 'Polish Manager', '--password-stdin'], `${MANAGER.password}\n`);
  cli(['user', 'role', MANAGER.email, 'manager', '--org', 'voict']);
  editor = await login(EDITOR);
  manager = await login(MANAGER);
});

after(async () => {
  await srv?.stop();
});

// --- numbers (§4) ------------------------------------------------------------------------

const stored = (slug, year) => sql(`SELECT coalesce(CAST(employees AS TEXT), ''), coalesce(CAST(revenue_eur AS TEXT), ''),
  coalesce(CAST(exports_eur AS TEXT), '')
  FROM org_figure f JOIN org o ON o.id = f.org_id WHERE o.slug = '${slug}' AND f.year = ${year}`);

test('amounts are read in either habit, exactly, and stored in cents', async () => {
  const r = await manager.post('/orgs/backa-kod/figures?lang=sr-Cyrl', {
    year: '2019', employees: '1.250', revenue: '1.234.567,89', exports: '1234567.8', currency: 'EUR',
    source: 'self_reported' });
  // "1.250" employees is ambiguous too: refused, nothing stored
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, 'employees'), /Да ли је то 1250 или 1,250\?/);
  assert.equal(fieldError(r.text, 'revenue'), '', 'the Serbian grouping is accepted');
  assert.equal(stored('backa-kod', 2019), '', 'nothing stored');
  const ok = await manager.post('/orgs/backa-kod/figures?lang=sr-Cyrl', {
    year: '2019', employees: '1250', revenue: '1.234.567,89', exports: '1234567.8', currency: 'EUR',
    source: 'self_reported' });
  assert.equal(ok.status, 303, fieldError(ok.text, 'revenue'));
  assert.equal(stored('backa-kod', 2019), '1250|123456789|123456780');
  const en = await manager.post('/orgs/backa-kod/figures?lang=en', {
    year: '2019', employees: '1,250,000', revenue: '12,500,000.50', exports: '1.234', currency: 'EUR',
    source: 'self_reported' });
  assert.equal(en.status, 422);
  assert.equal(fieldError(en.text, 'employees'), '', 'English grouping of an integer');
  assert.match(fieldError(en.text, 'exports'), /^Error: Read as 1234 or as 1\.234\?/);
  assert.match(en.text, /id="fe-exports" name="exports" type="text" value="1\.234"/, 'kept as typed');
  assert.equal(stored('backa-kod', 2019), '1250|123456789|123456780', 'the refused form changed nothing');
});

// --- the verification queue (§3) ---------------------------------------------------------

const queueIds = (html) => [...html.matchAll(/<input type="checkbox" name="id" value="(\d+)"/g)].map((m) => Number(m[1]));
const verified = (ids) => sql(`SELECT count(*) FROM org_figure WHERE verified_at IS NOT NULL AND id IN (${ids.join(',')})`);
const audits = (ids) => sql(`SELECT count(*) FROM audit WHERE action = 'figure_verify' AND entity = 'figure' AND entity_id IN (${ids.join(',')})`);

test('the queue is the secretariat\'s; others get 403 and change nothing', async () => {
  assert.equal((await manager.get('/figures/verify')).status, 403);
  const id = Number(sql('SELECT id FROM org_figure WHERE verified_at IS NULL LIMIT 1'));
  assert.equal((await manager.post('/figures/verify', [['id', String(id)], ['scope', 'selected']])).status, 403);
  assert.equal(verified([id]), '0');
  assert.equal((await new Agent(srv.url).get('/figures/verify')).status, 303, 'the public is sent to log in');
});

test('the queue lists unverified rows, filters by year, cluster and source', async () => {
  const all = await editor.get('/figures/verify?lang=en');
  assert.equal(all.status, 200);
  const ids = queueIds(all.text);
  const unverified = Number(sql('SELECT count(*) FROM org_figure WHERE verified_at IS NULL'));
  assert.ok(unverified > 0, 'the demo has unverified rows');
  assert.equal(ids.length, Math.min(unverified, 200));
  const year = Number(sql('SELECT max(year) FROM org_figure WHERE verified_at IS NULL'));
  const byYear = queueIds((await editor.get(`/figures/verify?year=${year}`)).text);
  assert.equal(byYear.length, Number(sql(`SELECT count(*) FROM org_figure WHERE verified_at IS NULL AND year = ${year}`)));
  const bySource = queueIds((await editor.get('/figures/verify?source=estimate')).text);
  assert.equal(bySource.length, Number(sql("SELECT count(*) FROM org_figure WHERE verified_at IS NULL AND source = 'estimate'")));
  const voict = queueIds((await editor.get('/figures/verify?cluster=voict')).text);
  const expect = sql(`SELECT f.id FROM org_figure f WHERE f.verified_at IS NULL AND EXISTS (SELECT 1 FROM cluster_member m
    JOIN org c ON c.id = m.cluster_id WHERE c.slug = 'voict' AND m.org_id = f.org_id AND m.joined_on <= (f.year || '-12-31')
    AND (m.left_on IS NULL OR m.left_on > (f.year || '-01-01'))) ORDER BY f.id`).split('\n').filter(Boolean).map(Number);
  assert.ok(expect.length > 0, 'voict has unverified member rows');
  assert.deepEqual([...voict].sort((a, b) => a - b), expect);
  assert.match((await editor.get('/start?lang=en')).text, /href="\/figures\/verify"/, 'linked from the start page');
});

test('verifying ticked rows: one action, an audit row each, a confirmation once', async () => {
  const ids = queueIds((await editor.get('/figures/verify?cluster=voict')).text).slice(0, 3);
  assert.equal(ids.length, 3);
  // nothing ticked: 422 saying what to do, nothing changed
  const none = await editor.post('/figures/verify?lang=en', [['cluster', 'voict'], ['scope', 'selected']]);
  assert.equal(none.status, 422);
  assert.match(decode(none.text), /Tick at least one row to verify/);
  // a row that does not exist among real ones: nothing at all is verified
  const gone = await editor.post('/figures/verify?lang=en', [['id', String(ids[0])], ['id', '99999999'], ['scope', 'selected']]);
  assert.equal(gone.status, 422);
  assert.equal(verified(ids), '0', 'all or nothing');
  assert.equal(audits(ids), '0');
  assert.equal((await editor.post('/figures/verify', [['id', 'x'], ['scope', 'selected']])).status, 400);

  const r = await editor.post('/figures/verify', [['cluster', 'voict'], ...ids.map((i) => ['id', String(i)]), ['scope', 'selected']]);
  assert.equal(r.status, 303);
  assert.equal(r.location, '/figures/verify?cluster=voict');
  assert.equal(verified(ids), '3');
  assert.equal(audits(ids), '3', 'one audit row per figure row');
  const after1 = await editor.get(`${r.location}&lang=en`);
  assert.deepEqual(notices(after1.text), ['Figure rows marked as verified: 3.']);
  assert.ok(!queueIds(after1.text).some((i) => ids.includes(i)), 'verified rows leave the queue');
  assert.deepEqual(notices((await editor.get('/figures/verify?lang=en')).text), [], 'shown once');
  // sending them again verifies nothing more and writes no audit row
  const again = await editor.post('/figures/verify', ids.map((i) => ['id', String(i)]).concat([['scope', 'selected']]));
  assert.equal(again.status, 303);
  assert.equal(audits(ids), '3');
  assert.deepEqual(notices((await editor.get('/figures/verify?lang=en')).text), ['Figure rows marked as verified: 0.']);
});

test('"verify all shown" verifies exactly the listed rows', async () => {
  const page = await editor.get('/figures/verify?source=estimate');
  const listed = [...page.text.matchAll(/name="all_id" value="(\d+)"/g)].map((m) => m[1]);
  if (listed.length === 0) {
    // the demo may have no estimates left: make one
    sql("UPDATE org_figure SET source = 'estimate' WHERE id = (SELECT id FROM org_figure WHERE verified_at IS NULL LIMIT 1)");
  }
  const shown = [...(await editor.get('/figures/verify?source=estimate')).text.matchAll(/name="all_id" value="(\d+)"/g)].map((m) => m[1]);
  assert.ok(shown.length > 0);
  const before = Number(sql('SELECT count(*) FROM org_figure WHERE verified_at IS NULL'));
  const r = await editor.post('/figures/verify', [['source', 'estimate'], ...shown.map((i) => ['all_id', i]), ['scope', 'all']]);
  assert.equal(r.status, 303);
  assert.equal(verified(shown), String(shown.length));
  assert.equal(Number(sql('SELECT count(*) FROM org_figure WHERE verified_at IS NULL')), before - shown.length);
});

// --- confirmations (§8) ------------------------------------------------------------------

test('saving an entry shows a confirmation once, in the reader\'s language', async () => {
  const form = await editor.get('/orgs/voict/edit');
  assert.equal(form.status, 200);
  const fields = [];
  // send the form back as it is: every input and selected option
  for (const m of form.text.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[1])?.[1];
    const type = /type="([^"]+)"/.exec(m[1])?.[1];
    if (!name || name === '_csrf' || type === 'file' || type === 'submit') continue;
    if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(m[1])) continue;
    fields.push([name, decode(/value="([^"]*)"/.exec(m[1])?.[1] ?? '')]);
  }
  for (const m of form.text.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([^]*?)<\/select>/g)) {
    for (const o of m[2].matchAll(/<option value="([^"]*)"[^>]*selected/g)) fields.push([m[1], decode(o[1])]);
  }
  for (const m of form.text.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^]*?)<\/textarea>/g)) fields.push([m[1], decode(m[2])]);
  const r = await editor.post('/orgs/voict', fields);
  assert.equal(r.status, 303, r.text.slice(0, 500));
  assert.equal(r.location, '/orgs/voict');
  const page = await editor.get('/orgs/voict?lang=sr-Cyrl');
  assert.deepEqual(notices(page.text), ['Измене су сачуване.']);
  assert.deepEqual(notices((await editor.get('/orgs/voict?lang=sr-Cyrl')).text), [], 'shown once');
  // figures: the year saved
  const f = await manager.post('/orgs/backa-kod/figures', {
    year: '2018', employees: '10', currency: 'EUR', source: 'self_reported' });
  assert.equal(f.status, 303);
  assert.deepEqual(notices((await manager.get('/orgs/backa-kod/figures?lang=en')).text), ['The figures for 2018 have been saved.']);
});

test('a forged notice cookie shows nothing of its own and is deleted', async () => {
  const a = await login(EDITOR);
  for (const forged of ['<b>x</b>', 'figures_saved.%s', 'saved.5', 'verified', 'nonesuch']) {
    a.cookies.set('notice', encodeURIComponent(forged));
    const r = await a.get('/start?lang=en');
    assert.equal(r.status, 200);
    assert.deepEqual(notices(r.text), [], forged);
    assert.ok(!a.cookies.has('notice'), `${forged}: deleted`);
  }
  // the public never sees one (its pages may be cached)
  const anon = new Agent(srv.url);
  anon.cookies.set('notice', 'saved');
  assert.deepEqual(notices((await anon.get('/orgs')).text), []);
});

// --- the language switch keeps a refused form (§8) ----------------------------------------

test('switching language after a refused form keeps what was typed, never a password', async () => {
  const typed = { year: '2017', employees: 'many', revenue: '12 345,5', exports: '', rnd: '', currency: 'EUR', source: 'estimate' };
  const r = await manager.post('/orgs/backa-kod/figures?lang=en', typed);
  assert.equal(r.status, 422);
  // the switch is a form posting the same fields to the same address
  const sw = /<nav class="lang-switch"[^>]*>([^]*?)<\/nav>/.exec(r.text)[1];
  assert.match(sw, /<form method="post" action="\/orgs\/backa-kod\/figures\?lang=en">/);
  const action = decode(/formaction="([^"]*lang=sr-Cyrl)"/.exec(sw)[1]);
  assert.equal(action, '/orgs/backa-kod/figures?lang=sr-Cyrl');
  const hidden = [...sw.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], decode(m[2])]);
  assert.deepEqual(hidden.filter(([k]) => k !== '_csrf'), Object.entries(typed));
  // pressing "Српски" posts them again: the same form, its errors in Serbian, values kept
  const sr = await manager.req('POST', action, { form: hidden });
  assert.equal(sr.status, 422);
  assert.match(sr.text, /<html lang="sr-Cyrl">/);
  assert.match(fieldError(sr.text, 'employees'), /Унесите цео број/);
  assert.match(sr.text, /id="fe-revenue" name="revenue" type="text" value="12 345,5"/);
  assert.match(sr.text, /<option value="estimate" selected>/);
  assert.equal(stored('backa-kod', 2017), '', 'nothing stored either time');
  // a refused password change: the switch carries no password
  const pw = await manager.post('/account/password?lang=en', {
    current_password: 'wrong password here', new_password: 'short', new_password2: 'short' });
  assert.equal(pw.status, 422);
  const sw2 = /<nav class="lang-switch"[^>]*>([^]*?)<\/nav>/.exec(pw.text)[1];
  assert.match(sw2, /<form method="post"/);
  assert.doesNotMatch(sw2, /name="[^"]*password/i);
  assert.deepEqual([...sw2.matchAll(/<input type="hidden" name="([^"]+)"/g)].map((m) => m[1]), ['_csrf']);
  assert.doesNotMatch(pw.text, /wrong password here/);
  // an ordinary page keeps plain links
  assert.match((await manager.get('/orgs/backa-kod/figures?lang=en')).text,
    /<nav class="lang-switch"[^>]*><ul><li><a lang="en"/);
});

// --- the home page's headline is computed (§8) --------------------------------------------

test('the home page has one set of headline numbers, computed, each linking to its source', async () => {
  const anon = new Agent(srv.url);
  const home = async () => {
    const r = await anon.get('/?lang=en');
    assert.equal(r.status, 200);
    // issue 17 fixes: the founders' second headline is gone
    assert.doesNotMatch(r.text, /<section aria-labelledby="headline">/);
    assert.equal((r.text.match(/<ul class="stats">/g) || []).length, 1, 'one set of numbers');
    const sec = /<section class="glance"[^>]*>([^]*?)<div class="glance-grid">/.exec(r.text)[1];
    return {
      year: Number(/at a glance, (\d{4})<\/h2>/.exec(sec)?.[1]),
      values: [...sec.matchAll(/<span class="stat-value">([^<]*)<\/span>/g)].map((m) => m[1]),
      links: [...sec.matchAll(/<a class="stat-link" href="([^"]+)">/g)].map((m) => m[1]),
      sec,
    };
  };
  const h = await home();
  assert.ok(h.year >= 2000, 'the year is named');
  assert.equal(h.links.length, h.values.length, 'every number links to where it comes from');
  const api = await (await fetch(`${srv.url}/api/v1/figures?scope=scan&year=${h.year}`)).json();
  const t = api.items[0];
  const en = new Intl.NumberFormat('en-US');
  assert.equal(h.values[1], en.format(t.members));
  assert.equal(h.values[2], en.format(t.employees));
  assert.match(h.sec, new RegExp(`Computed from the figures ${t.reported} of ${t.members} members reported for ${h.year}\\.`));
  assert.match(h.sec, new RegExp(`<a href="/figures\\?year=${h.year}">Source: the figures</a>`));
  assert.ok(t.employees > 30000 && t.revenue_eur_cents > 100000000000, 'the demo still looks like SCAN\'s statement');
  // a change to the figures shows at once, also to the public (cached by data version)
  const slug = sql(`SELECT o.slug FROM org_figure f JOIN org o ON o.id = f.org_id JOIN cluster_member m ON m.org_id = o.id
    JOIN org c ON c.id = m.cluster_id WHERE c.slug = 'voict' AND f.year = ${h.year} AND f.employees IS NOT NULL LIMIT 1`);
  const before = Number(sql(`SELECT employees FROM org_figure f JOIN org o ON o.id = f.org_id WHERE o.slug = '${slug}' AND f.year = ${h.year}`));
  const r = await manager.post(`/orgs/${slug}/figures`, {
    year: String(h.year), employees: String(before + 1000), currency: 'EUR', source: 'self_reported' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const h2 = await home();
  assert.equal(h2.values[2], en.format(t.employees + 1000));
});
