// newuser.test.mjs: what a new user could not find (issue 11, the
// new-user review of parts 2-4), on the demo data: a manager finds the
// form to propose a directory entry from where they are stuck; the
// proposal form picks their one cluster and refuses a membership date
// without a cluster; the secretariat's accept and decline are confirmed;
// a label a manager claims on a demo cluster reaches the secretariat's
// start page; a team invitation is listed on the invited person's start
// page and accepting it is confirmed; the verification queue and the
// follow list are in the reader's alphabet.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, scanIn, sqliteRun } from './lib.mjs';

const PW = 'new user review phrase 2026';
const USERS = {
  editor: ['editor.nu@example.com', ['--editor']],
  manager: ['manager.nu@example.com', []],
  guest: ['guest.nu@example.com', []],
};

let srv;
const as = {};

function sqlite(sql) {
  const r = sqliteRun(srv.db, sql);
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

function cli(args, input) {
  return scanIn(srv.db, args, input);
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const cookieOf = (res) => res.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !c.endsWith('='));

async function agent(email) {
  const s = await login(srv.url, email, PW);
  let extra = [];
  const jar = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const name = pair.split('=')[0];
      extra = extra.filter((e) => !e.startsWith(`${name}=`));
      if (!pair.endsWith('=')) extra.push(pair);
    }
  };
  const cookie = () => [s.cookie, ...extra].join('; ');
  return {
    get: async (path) => {
      const res = await fetch(srv.url + path, { headers: { Cookie: cookie() }, redirect: 'manual' });
      jar(res);
      return { status: res.status, text: await res.text(), location: res.headers.get('location') };
    },
    post: async (path, form) => {
      const body = new URLSearchParams(Array.isArray(form) ? form : Object.entries(form));
      body.append('_csrf', s.csrf);
      const res = await fetch(srv.url + path, {
        method: 'POST', redirect: 'manual',
        headers: { Cookie: cookie(), Origin: srv.url, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
      jar(res);
      return { status: res.status, text: await res.text(), location: res.headers.get('location') };
    },
  };
}

// The fields a browser would send for the form posting to action, as the
// page filled them (text, date, hidden, checked boxes, selected options,
// textareas), as [name, value] pairs.
function formFields(html, action) {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `a form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out = [];
  const attr = (tag, a) => (tag.match(new RegExp(`\\s${a}="([^"]*)"`)) || [])[1];
  const un = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    const type = attr(tag, 'type') || 'text';
    if (!name || name === '_csrf' || type === 'submit' || type === 'file') continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    out.push([name, un(attr(tag, 'value') || '')]);
  }
  for (const [, open, body] of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const sel = body.match(/<option value="([^"]*)"[^>]*\sselected/) || body.match(/<option value="([^"]*)"/);
    out.push([attr(open, 'name'), sel ? un(sel[1]) : '']);
  }
  for (const [, open, body] of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g))
    out.push([attr(open, 'name'), un(body)]);
  return out;
}
const setField = (fields, name, value) => {
  const f = fields.find(([n]) => n === name);
  assert.ok(f, `the form has ${name}`);
  f[1] = value;
  return fields;
};

before(async () => {
  srv = await startServer({ demo: true });
  for (const [key, [email, flags]] of Object.entries(USERS))
    cli(['user', 'add', email, '--name', `User ${key}`, '--password-stdin', ...flags], `${PW}\n`);
  cli(['user', 'role', USERS.manager[0], 'manager', '--org', 'nicat']);
  for (const [key, [email]] of Object.entries(USERS)) as[key] = await agent(email);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

test('a manager finds the proposal form where they are stuck: the members page, /start, /orgs', async () => {
  const miss = await as.manager.post('/orgs/nicat/members?lang=en', { org: 'Nepostojeća firma d.o.o.', role: 'member', joined_on: '2024-01-01' });
  assert.equal(miss.status, 422);
  assert.match(miss.text, /No organisation in the directory has this name/);
  assert.match(miss.text, /<p class="field-note" id="mem-org-propose"><a href="\/orgs\/new">Not in the directory\? Propose it<\/a>/);
  const found = await as.manager.get('/orgs/nicat/members/manage?lang=en');
  assert.doesNotMatch(found.text, /mem-org-propose/, 'only after a name was not found');
  const start = await as.manager.get('/start?lang=en');
  assert.match(start.text, /<a href="\/orgs\/new">A member is not in the directory\? Propose a new entry<\/a>/);
  const orgs = await as.manager.get('/orgs?lang=en');
  assert.match(orgs.text, /href="\/orgs\/new">Propose a new entry</);
  // not for a person who may not propose; the secretariat has its own button
  assert.doesNotMatch((await as.guest.get('/orgs?lang=en')).text, /href="\/orgs\/new"/);
  assert.doesNotMatch((await as.guest.get('/start?lang=en')).text, /href="\/orgs\/new"/);
  assert.doesNotMatch((await as.editor.get('/orgs?lang=en')).text, /Propose a new entry/);
});

test('the proposal form picks the one cluster the manager runs; a date without a cluster is refused beside the field', async () => {
  const form = await as.manager.get('/orgs/new?lang=en');
  assert.equal(form.status, 200);
  const nicat = sqlite("SELECT id FROM org WHERE slug = 'nicat'");
  assert.match(form.text, new RegExp(`<option value="${nicat}" selected>`));
  const before = sqlite('SELECT count(*) FROM org_proposal');
  const bad = await as.manager.post('/orgs/propose?lang=en', { name: 'Predlog Bez Klastera d.o.o.', kind: 'company', cluster_id: '', joined_on: '2023-05-01' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="org-joined_on-error"[\s\S]{0,200}A membership date needs a cluster/);
  assert.equal(sqlite('SELECT count(*) FROM org_proposal'), before, 'nothing stored');
  assert.equal(sqlite("SELECT count(*) FROM org WHERE name = 'Predlog Bez Klastera d.o.o.'"), '0');
  // with the cluster it is proposed, the membership with it
  const ok = await as.manager.post('/orgs/propose?lang=en', { name: 'Predlog Sa Klasterom d.o.o.', kind: 'company', cluster_id: nicat, joined_on: '2023-05-01' });
  assert.equal(ok.status, 303, ok.text.slice(0, 2000));
  assert.equal(sqlite(`SELECT p.cluster_id || '|' || p.joined_on FROM org_proposal p JOIN org o ON o.id = p.org_id
    WHERE o.name = 'Predlog Sa Klasterom d.o.o.'`), `${nicat}|2023-05-01`);
});

test('the secretariat\'s accept and decline on /start are confirmed once', async () => {
  const second = await as.manager.post('/orgs/propose?lang=en', { name: 'Drugi Predlog d.o.o.', kind: 'company', cluster_id: '', joined_on: '' });
  assert.equal(second.status, 303);
  const slug = (name) => sqlite(`SELECT slug FROM org WHERE name = '${name}'`);
  const acc = await as.editor.post(`/orgs/${slug('Predlog Sa Klasterom d.o.o.')}/proposal/accept?lang=en`, {});
  assert.equal(acc.status, 303);
  let page = await as.editor.get('/start?lang=en');
  assert.match(page.text, /role="status"><p>The proposed entry is accepted and published; its proposer is told\.<\/p>/);
  page = await as.editor.get('/start?lang=en');
  assert.doesNotMatch(page.text, /is accepted and published/, 'shown once');
  const dec = await as.editor.post(`/orgs/${slug('Drugi Predlog d.o.o.')}/proposal/decline?lang=en`, { reason: 'Već postoji pod drugim imenom.' });
  assert.equal(dec.status, 303);
  page = await as.editor.get('/start?lang=sr-Cyrl');
  assert.match(page.text, /role="status"><p>Предложени унос је одбијен; предлагач је обавештен о разлогу\.<\/p>/);
});

test('a label a manager claims on a demo cluster is queued on the secretariat\'s start page', async () => {
  const edit = await as.manager.get('/orgs/nicat/cluster/edit?lang=sr-Cyrl');
  assert.equal(edit.status, 200);
  const fields = formFields(edit.text, '/orgs/nicat/cluster');
  setField(fields, 'label', 'esca_gold');
  setField(fields, 'awarded_on', '2025-06-01');
  const save = await as.manager.post('/orgs/nicat/cluster?lang=sr-Cyrl', fields);
  assert.equal(save.status, 303, text(save.text).slice(0, 3000));
  assert.equal(sqlite("SELECT l.state FROM cluster_label l JOIN org o ON o.id = l.org_id WHERE o.slug = 'nicat' AND l.label = 'esca_gold'"), 'claimed');
  const start = await as.editor.get('/start?lang=en');
  assert.match(start.text, /<a href="\/orgs\/nicat\/cluster\/edit#verify">Niški klaster naprednih tehnologija<\/a> · ESCA Gold label/);
  assert.match(text(start.text), /Labels to verify/);
  // the queues card counts it and links to the list
  assert.match(start.text, /<li class="has-work"><a href="#labels-to-verify"><span class="work-count">1<\/span> labels claimed by clusters, to verify<\/a><\/li>/);
  assert.match(start.text, /<section class="work card" id="labels-to-verify">/);
});

test('an invited person finds the team invitation on /start; the FTE reads well, only when given; accepting is confirmed', async () => {
  assert.doesNotMatch((await as.guest.get('/start?lang=en')).text, /team\/accept/);
  const inv = await as.manager.post('/orgs/nicat/team', { email: USERS.guest[0], role: 'Koordinator', role_en: 'Coordinator', fte: '0', since: '2025-01-01', manager: '1' });
  assert.equal(inv.status, 303);
  const start = await as.guest.get('/start?lang=en');
  assert.match(text(start.text), /Invitations to management teams Nis Cluster of Advanced Technologies · Coordinator See and accept the invitation/);
  assert.match(start.text, /<a href="\/orgs\/nicat\/team\/accept">See and accept the invitation<\/a>/);
  let page = text((await as.guest.get('/orgs/nicat/team/accept?lang=sr-Latn')).text);
  assert.match(page, /Pozvani ste u menadžment tim organizacije Niški klaster naprednih tehnologija kao Koordinator\./);
  assert.doesNotMatch(page, /punog radnog vremena/, 'no share of full time when none was given');
  // a new invitation replaces the pending one: with a share of full time
  assert.equal((await as.manager.post('/orgs/nicat/team', { email: USERS.guest[0], role: 'Koordinator', fte: '1', since: '2025-01-01', manager: '1' })).status, 303);
  page = text((await as.guest.get('/orgs/nicat/team/accept?lang=sr-Latn')).text);
  assert.match(page, /kao Koordinator\. Udeo punog radnog vremena: 1\./);
  assert.doesNotMatch(page, /sa 1 punog/);
  const ok = await as.guest.post('/orgs/nicat/team/accept', {});
  assert.equal(ok.status, 303);
  const after = await as.guest.get(ok.location.replace(/#.*/, '') + '?lang=en');
  assert.match(after.text, /role="status"><p>You have joined the management team\.<\/p>/);
  assert.doesNotMatch((await as.guest.get('/start?lang=en')).text, /Invitations to management teams/, 'gone once accepted');
});

// Cyrillic names whose Latin order differs from the azbuka: Г before Ф in
// Cyrillic, F before G in Latin.
const indexOf = (html, names) => names.map((n) => { const i = html.indexOf(n); assert.ok(i >= 0, `${n} on the page`); return i; });

test('the verification queue sorts its cluster filter and its rows in the reader\'s alphabet', async () => {
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
      ('farma-klaster', 'Фарма кластер', 'cluster', 'published', 0, 0, 'farma klaster'),
      ('granit-klaster', 'Гранит кластер', 'cluster', 'published', 0, 0, 'granit klaster'),
      ('fabrika-nu', 'Фабрика Ну', 'company', 'published', 0, 0, 'fabrika nu'),
      ('grafit-nu', 'Графит Ну', 'company', 'published', 0, 0, 'grafit nu');
    INSERT INTO org_figure(org_id, year, employees, source, entered_at)
      SELECT id, 2011, 10, 'self_reported', 0 FROM org WHERE slug IN ('fabrika-nu', 'grafit-nu');`);
  const cyr = (await as.editor.get('/figures/verify?year=2011&lang=sr-Cyrl')).text;
  const [gc, fc] = indexOf(cyr, ['>Гранит кластер<', '>Фарма кластер<']);
  assert.ok(gc < fc, 'Г before Ф in the Cyrillic cluster filter');
  const [gr, fr] = indexOf(cyr, ['>Графит Ну<', '>Фабрика Ну<']);
  assert.ok(gr < fr, 'Г before Ф in the Cyrillic rows');
  const lat = (await as.editor.get('/figures/verify?year=2011&lang=sr-Latn')).text;
  const [gl, fl] = indexOf(lat, ['>Grafit Nu<', '>Fabrika Nu<']);
  assert.ok(fl < gl, 'F before G in Latin');
  const [gcl, fcl] = indexOf(lat, ['>Granit klaster<', '>Farma klaster<']);
  assert.ok(fcl < gcl, 'F before G in the Latin cluster filter');
});

test('the follow-a-cluster list and the followed clusters are in the reader\'s alphabet', async () => {
  const cyr = (await as.guest.get('/account/notifications?lang=sr-Cyrl')).text;
  const [g, f] = indexOf(cyr, ['>Гранит кластер</option>', '>Фарма кластер</option>']);
  assert.ok(g < f, 'Г before Ф in the Cyrillic choices');
  const lat = (await as.guest.get('/account/notifications?lang=sr-Latn')).text;
  const [gl, fl] = indexOf(lat, ['>Granit klaster</option>', '>Farma klaster</option>']);
  assert.ok(fl < gl, 'F before G in Latin');
  for (const slug of ['farma-klaster', 'granit-klaster'])
    assert.equal((await as.guest.post('/account/notifications/follows', { cluster: slug })).status, 303);
  const followed = (await as.guest.get('/account/notifications?lang=sr-Cyrl')).text;
  const [gf, ff] = indexOf(followed, ['>Гранит кластер</a>', '>Фарма кластер</a>']);
  assert.ok(gf < ff, 'Г before Ф among the followed clusters');
});
