// agreements.test.mjs: agreements and partners' relations over HTTP
// (web_agreement.c, api_agreement.c): every route for every role, bad input
// (valid_until before valid_from, one party only, a signing date in the
// future, a PDF that is not a PDF, a 50 MB upload) answered beside its
// field with nothing stored, the signed document's download headers and
// who may fetch it, expiry read from the date, the Relations section of a
// partner's profile with the contact rule of cluster teams, the start page
// section, and the API.
//
// Fixtures: the demo data (six agreements: #1 SCAN-ministry expiring in 40
// days with a PDF, #4 with the chamber expired 20 days ago while stored as
// signed, #6 a draft). People: the manager of VOICT, the manager of
// NiCAT, the representative of the ministry, someone with no affiliation,
// an editor and an admin.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scan, loginAgent, sqliteIn, tinyPdf, addOldAffiliation } from './lib.mjs';
import { RawConn } from './rawhttp.mjs';

const PW = 'agreement pass phrase 2026';
let srv;
const who = {};
const sql = (q) => sqliteIn(srv.db, q);
const count = (q) => Number(sql(q));

function addUser(email, extra = []) {
  const r = scan(['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', ...extra,
    '--db', srv.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
}

async function as(role) {
  if (role === 'public') return null;
  if (!who[role]) who[role] = await loginAgent(srv.url, `${role}@example.com`, PW);
  return who[role];
}

async function get(role, path) {
  const a = await as(role);
  if (a) return a.get(path);
  const res = await fetch(srv.url + path, { redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

// The error text beside the field with that id.
function fieldError(html, id) {
  const m = new RegExp(`<p class="field-error" id="${id}-error">(?:<span class="visually-hidden">[^<]*</span>)?([^<]*)</p>`).exec(html);
  return m ? m[1] : null;
}


async function upload(role, id, bytes, name = 'signed.pdf') {
  const a = await as(role);
  const fd = new FormData();
  if (a) fd.append('_csrf', a.session.csrf);
  fd.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  const res = await fetch(`${srv.url}/agreements/${id}/file?lang=en`, {
    method: 'POST', redirect: 'manual', body: fd,
    headers: { Origin: srv.url, ...(a ? { Cookie: a.session.cookie } : {}) },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

const FORM = {
  kind: 'cooperation', title_sr: 'Споразум о тестирању', title_en: 'Testing agreement',
  party1: 'voict', party2: 'univerzitet-u-nisu', signed_on: '2025-03-01', valid_from: '2025-03-01',
  valid_until: '2027-03-01', status: 'signed', summary_sr: '', summary_en: '',
};
const ROLES = ['public', 'nobody', 'ministry_rep', 'other_manager', 'manager', 'editor', 'admin'];

before(async () => {
  srv = await startServer({ demo: true });
  addUser('manager@example.com');
  addUser('other_manager@example.com');
  addUser('ministry_rep@example.com');
  addUser('nobody@example.com');
  addUser('editor@example.com', ['--editor']);
  addUser('admin@example.com', ['--admin']);
  for (const [email, role, org] of [['manager', 'manager', 'voict'], ['other_manager', 'manager', 'nicat'],
    ['ministry_rep', 'representative', 'ministarstvo-privrede']])
    assert.equal(scan(['user', 'role', `${email}@example.com`, role, '--org', org, '--db', srv.db]).status, 0);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('the list, a page and the filters: everyone reads; drafts only for those who may edit them', async () => {
  for (const role of ROLES) {
    const list = await get(role, '/agreements?lang=en');
    assert.equal(list.status, 200, role);
    assert.match(list.text, /Memorandum of understanding on cluster development/);
    const draft = await get(role, '/agreements/6?lang=en');
    const sees = ['editor', 'admin'].includes(role);
    assert.equal(draft.status, sees ? 200 : 404, `${role} and the draft`);
    assert.equal(/Draft memorandum/.test(list.text), sees, `${role}: the draft in the list`);
  }
  const exp = await get('public', '/agreements?lang=en&expiring=1');
  assert.match(exp.text, /\/agreements\/1"/);
  assert.doesNotMatch(exp.text, /\/agreements\/2"/, 'valid for two more years');
  const chamber = await get('public', '/agreements/4?lang=en');
  assert.match(chamber.text, /badge-ag-expired">Expired/, 'signed, past valid_until: read as expired');
  assert.equal(sql('SELECT status FROM agreement WHERE id = 4'), 'signed', 'nothing was written to say so');
  const st = await get('public', '/agreements?lang=en&status=expired');
  assert.match(st.text, /\/agreements\/4"/);
  assert.doesNotMatch(st.text, /\/agreements\/1"/);
  const party = await get('public', '/agreements?lang=en&party=demo-donor-programme');
  assert.match(party.text, /\/agreements\/3"/);
  assert.doesNotMatch(party.text, /\/agreements\/1"/);
  for (const lang of ['sr', 'sr-Latn']) {
    const l = await get('public', `/agreements?lang=${lang}`);
    assert.match(l.text, lang === 'sr' ? /Споразуми/ : /Sporazumi/);
  }
});

test('a partner profile has a Relations section: its agreements and its contact persons by the team contact rule', async () => {
  const p = await get('public', '/orgs/ministarstvo-privrede?lang=en');
  assert.equal(p.status, 200);
  assert.match(p.text, /<h2 id="relations">Relations<\/h2>/);
  assert.match(p.text, /Memorandum of understanding on cluster development/);
  assert.match(p.text, /Ана Демо|Ana Demo/);
  assert.match(p.text, /ana\.demo@example\.org/, 'public_contact = 1: shown to everyone');
  const ras = await get('public', '/orgs/razvojna-agencija-srbije?lang=en');
  assert.match(ras.text, /Petar Demo/);
  assert.doesNotMatch(ras.text, /petar\.demo@example\.org/, 'public_contact = 0: not for the public');
  const rasEditor = await get('editor', '/orgs/razvojna-agencija-srbije?lang=en');
  assert.match(rasEditor.text, /petar\.demo@example\.org/, 'the secretariat sees members\' contacts');
  const cluster = await get('public', '/orgs/voict?lang=en');
  assert.doesNotMatch(cluster.text, /id="relations"/, 'clusters have their own section');
  const company = await get('public', '/orgs/scan?lang=sr-Latn');
  assert.match(company.text, /Veze/, 'SCAN (cluster association) shows its relations too');
});

test('the form: who may open it, create, edit; refused input stays as typed with the error beside its field', async () => {
  for (const role of ROLES) {
    const r = await get(role, '/agreements/new?lang=en');
    const may = ['manager', 'other_manager', 'editor', 'admin'].includes(role);
    if (role === 'public') assert.ok([303, 401].includes(r.status), `public: ${r.status}`);
    else assert.equal(r.status, may ? 200 : 403, role);
    const e = await get(role, '/agreements/2/edit?lang=en'); // VOICT, Novi Sad, SCAN
    const edits = ['manager', 'editor', 'admin'].includes(role);
    if (role === 'public') assert.ok([303, 401].includes(e.status));
    else assert.equal(e.status, edits ? 200 : 403, `${role} edits #2`);
  }
  const m = await as('manager');
  const n0 = count('SELECT count(*) FROM agreement');
  const bad = [
    [{ valid_from: '2026-05-01', valid_until: '2026-04-01' }, 'ag-until', /end of validity is before its start/],
    [{ party2: '' }, 'ag-parties', /at least two different parties/],
    [{ party2: 'voict' }, 'ag-parties', /at least two different parties/],
    [{ signed_on: '2099-01-01' }, 'ag-signed', /cannot be in the future/],
    [{ signed_on: '' }, 'ag-signed', /date it was signed, or set the status to Draft/],
    [{ title_sr: '' }, 'ag-title-sr', /required/],
    [{ party2: 'no-such-entry-anywhere' }, 'ag-party2', /No published directory entry/],
    [{ party1: 'nicat' }, 'ag-parties', /cluster you manage/],
    [{ party2: 'begej-it' }, 'ag-parties', /not a company/],
  ];
  for (const [change, id, want] of bad) {
    const r = await m.post('/agreements?lang=en', { ...FORM, ...change });
    assert.equal(r.status, 422, JSON.stringify(change));
    assert.match(fieldError(r.text, id) || '', want, `${JSON.stringify(change)}: ${fieldError(r.text, id)}`);
    assert.match(r.text, /value="Testing agreement"/, 'as typed');
  }
  assert.equal(count('SELECT count(*) FROM agreement'), n0, 'nothing stored');

  const ok = await m.post('/agreements?lang=en', FORM);
  assert.equal(ok.status, 303, ok.text.slice(0, 500));
  const id = Number(/\/agreements\/(\d+)/.exec(ok.location)[1]);
  assert.equal(count(`SELECT count(*) FROM agreement_party WHERE agreement_id = ${id}`), 2);
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'agreement_create' AND entity_id = ${id}`), 1);
  // the university has not confirmed it (0035): to the other cluster's
  // manager and people of no party it does not exist; once the secretariat
  // confirms for the university, they may read it but not change it
  for (const role of ['other_manager', 'ministry_rep', 'nobody']) {
    const a = await as(role);
    const r = await a.post(`/agreements/${id}?lang=en`, { ...FORM, title_en: 'Taken over' });
    assert.equal(r.status, 404, role);
  }
  const uni = sql("SELECT id FROM org WHERE slug = 'univerzitet-u-nisu'");
  assert.equal((await (await as('editor')).post(`/agreements/${id}/consent`, { org: uni, decision: 'confirm' })).status, 303);
  for (const role of ['other_manager', 'ministry_rep', 'nobody']) {
    const a = await as(role);
    const r = await a.post(`/agreements/${id}?lang=en`, { ...FORM, title_en: 'Taken over' });
    assert.equal(r.status, 403, role);
  }
  const e = await m.post(`/agreements/${id}?lang=en`, { ...FORM, title_en: 'Testing agreement, renewed' });
  assert.equal(e.status, 303);
  assert.equal(sql(`SELECT title_en FROM agreement WHERE id = ${id}`), 'Testing agreement, renewed');
  // a manager may not drop their own cluster from the parties
  const drop = await m.post(`/agreements/${id}?lang=en`, { ...FORM, party1: 'scan' });
  assert.equal(drop.status, 422);
  assert.match(fieldError(drop.text, 'ag-parties'), /cluster you manage/);
  // a signed agreement is not deleted; a draft is
  assert.equal((await m.post(`/agreements/${id}/delete`)).status, 409);
  const d = await m.post('/agreements?lang=en', { ...FORM, status: 'draft', signed_on: '' });
  const did = Number(/\/agreements\/(\d+)/.exec(d.location)[1]);
  assert.equal((await m.post(`/agreements/${did}/delete`)).status, 303);
  assert.equal(count(`SELECT count(*) FROM agreement WHERE id = ${did}`), 0);
});

test('the signed document: PDF only, checked, 10 MB at most (a 50 MB upload is 413 naming the limit), a download for the parties', async () => {
  const before = sql('SELECT sha256 FROM agreement_file WHERE agreement_id = 1');
  for (const [bytes, want] of [[Buffer.from('hello, not a PDF at all'), /not a PDF document/],
    [Buffer.from('%PDF-1.4\nbroken'), /damaged or could not be read/]]) {
    const r = await upload('editor', 1, bytes);
    assert.equal(r.status, 422);
    assert.match(fieldError(r.text, 'ag-file') || '', want);
  }
  assert.equal((await upload('nobody', 1, tinyPdf())).status, 403);
  assert.equal((await upload('ministry_rep', 1, tinyPdf())).status, 403, 'a party\'s representative reads, does not write');
  assert.equal(sql('SELECT sha256 FROM agreement_file WHERE agreement_id = 1'), before, 'nothing stored');

  // 50 MB announced: answered at once with the route's limit, body unread
  const a = await as('editor');
  const c = await RawConn.open(srv.port);
  c.write(`POST /agreements/1/file?lang=en HTTP/1.1\r\nHost: x\r\nCookie: ${a.session.cookie}\r\nOrigin: ${srv.url}\r\n`
    + `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n--b\r\n`);
  const res = await c.response();
  assert.equal(res.status, 413);
  assert.match(res.body.toString(), /10551296 bytes/);
  c.sock.destroy();

  const pdf = tinyPdf('Testing');
  const up = await upload('manager', 2, pdf, 'C:\\scans\\"signed" copy.pdf');
  assert.equal(up.status, 303, up.text.slice(0, 300));
  const sha = sql('SELECT sha256 FROM agreement_file WHERE agreement_id = 2');
  const { createHash } = await import('node:crypto');
  assert.equal(sha, createHash('sha256').update(pdf).digest('hex'));
  const name = sql('SELECT name FROM agreement_file WHERE agreement_id = 2');
  assert.doesNotMatch(name, /["\\]/);

  for (const role of ROLES) {
    const r = await (async () => {
      const ag = await as(role);
      return fetch(`${srv.url}/agreements/1/file`, { headers: ag ? { Cookie: ag.session.cookie } : {}, redirect: 'manual' });
    })();
    const body = Buffer.from(await r.arrayBuffer());
    const may = ['ministry_rep', 'editor', 'admin'].includes(role);
    assert.equal(r.status, may ? 200 : role === 'public' ? 404 : 403, role);
    if (!may) continue;
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.match(r.headers.get('content-disposition'), /^attachment; filename="memorandum-demo\.pdf"$/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(body.subarray(0, 5).toString(), '%PDF-');
  }
});

test('the start page shows agreements expiring within 60 days to the secretariat and the parties\' managers', async () => {
  const e = await (await as('editor')).get('/start?lang=en');
  assert.match(e.text, /Agreements expiring within 60 days/);
  assert.match(e.text, /\/agreements\/1"/);
  const m = await (await as('other_manager')).get('/start?lang=en');
  assert.doesNotMatch(m.text, /Agreements expiring within 60 days/, 'NiCAT is party to none');
});

test('the API: list with filters and cursor, get, create and patch with the form\'s validation', async () => {
  let r = await fetch(`${srv.url}/api/v1/agreements?limit=2`);
  let j = await r.json();
  assert.equal(j.items.length, 2);
  assert.ok(j.next_cursor);
  assert.ok(!j.items.some((x) => x.stored_status === 'draft'), 'no drafts for the public');
  r = await fetch(`${srv.url}/api/v1/agreements?status=expired`);
  j = await r.json();
  assert.ok(j.items.some((x) => x.id === 4 && x.status === 'expired' && x.stored_status === 'signed'));
  assert.equal((await fetch(`${srv.url}/api/v1/agreements?kind=bogus`)).status, 400);
  r = await fetch(`${srv.url}/api/v1/agreements/1`);
  j = await r.json();
  assert.equal(j.document.name, 'memorandum-demo.pdf');
  assert.deepEqual(j.parties.map((p) => p.slug).sort(), ['ministarstvo-privrede', 'scan']);
  assert.equal((await fetch(`${srv.url}/api/v1/agreements/6`)).status, 404, 'a draft');

  const m = await as('manager');
  const bad = await m.json('POST', '/api/v1/agreements', { kind: 'mou', title_sr: 'X', parties: ['voict'], valid_from: '2026-02-01', valid_until: '2026-01-01' });
  assert.equal(bad.status, 422);
  const fields = JSON.parse(bad.text).error.fields;
  assert.match(fields.parties, /two different parties/);
  assert.match(fields.valid_until, /before its start/);
  const ok = await m.json('POST', '/api/v1/agreements', { kind: 'mou', title_sr: 'API споразум', parties: ['voict', 'scan'] });
  assert.equal(ok.status, 201, ok.text);
  const made = JSON.parse(ok.text);
  assert.equal(made.status, 'draft');
  const p = await m.json('PATCH', `/api/v1/agreements/${made.id}`, { title_en: 'API agreement' });
  assert.equal(p.status, 200, p.text);
  assert.equal(JSON.parse(p.text).title_en, 'API agreement');
  const other = await as('other_manager');
  assert.equal((await other.json('PATCH', `/api/v1/agreements/${made.id}`, { title_en: 'no' })).status, 404, 'a draft not theirs');
  assert.equal((await other.json('PATCH', '/api/v1/agreements/3', { title_en: 'no' })).status, 403);
  // the manager's new document for #2 asked its other parties again (issue 14): out of others' sight
  assert.equal((await other.json('PATCH', '/api/v1/agreements/2', { title_en: 'no' })).status, 404);
  assert.equal((await other.json('POST', '/api/v1/agreements', { kind: 'mou', title_sr: 'X', parties: ['voict', 'scan'] })).status, 403,
    'a manager enters agreements of their own cluster only');
  const partners = await (await fetch(`${srv.url}/api/v1/partners?limit=100`)).json();
  const ministry = partners.items.find((x) => x.slug === 'ministarstvo-privrede');
  assert.ok(ministry.agreements.some((x) => x.id === 1));
  assert.equal(ministry.contacts[0].email, 'ana.demo@example.org');
  const ras = partners.items.find((x) => x.slug === 'razvojna-agencija-srbije');
  assert.equal(ras.contacts[0].email, null, 'not public: null for the public');
  assert.ok(!partners.items.some((x) => ['voict', 'scan', 'begej-it'].includes(x.slug)), 'partners only');
});

test('the weekly digest lists agreements expiring within 60 days to the parties\' managers and the secretariat, in their language', async () => {
  const m = await as('manager');
  const soon = sql("SELECT date('now', 'localtime', '+30 days')");
  const made = await m.json('POST', '/api/v1/agreements', {
    kind: 'cooperation', title_sr: 'Споразум који ускоро истиче', title_en: 'Agreement expiring soon',
    parties: ['voict', 'univerzitet-u-nisu'], status: 'signed', signed_on: '2025-01-01', valid_until: soon,
  });
  assert.equal(made.status, 201, made.text);
  const id = JSON.parse(made.text).id;
  // the university confirms through the secretariat (0035): an unconfirmed
  // agreement is in nobody's reminders
  const uni = sql("SELECT id FROM org WHERE slug = 'univerzitet-u-nisu'");
  assert.equal((await (await as('admin')).post(`/agreements/${id}/consent`, { org: uni, decision: 'confirm' })).status, 303);
  const r = scan(['digest', 'run', '--now', '--db', srv.db, '--base-url', 'https://scan.example']);
  assert.equal(r.status, 0, r.stderr);
  const body = (w) => sql(`SELECT group_concat(body, '|') FROM outbox WHERE to_addr = '${w}@example.com' AND subject LIKE 'SCAN:%W%'`);
  const mine = body('manager');
  const en = sql("SELECT coalesce(lang, '') FROM person WHERE email = 'manager@example.com'") === 'en';
  assert.match(mine, en ? /Agreements expiring within 60 days/ : /Споразуми који истичу у наредних 60 дана/);
  assert.match(mine, en ? /Agreement expiring soon: valid until/ : /Споразум који ускоро истиче: важи до/, 'the title in the reader\'s language');
  assert.match(mine, new RegExp(`https://scan\\.example/agreements/${id}\\b`));
  assert.doesNotMatch(mine, /agreements\/1\b/, 'SCAN and the ministry: not a VOICT agreement');
  assert.doesNotMatch(body('other_manager'), /агреем|Споразуми који истичу|expiring within 60 days/);
  assert.doesNotMatch(body('ministry_rep'), /Споразуми који истичу|expiring within 60 days/, 'representatives read, managers manage');
  const ed = body('editor');
  assert.match(ed, /agreements\/1\b/);
  assert.match(ed, new RegExp(`agreements/${id}\\b`));
});

// A pending agreement (a party has not confirmed it) is for who may answer
// for one of its parties or change it (agreement_may_see), and the lists,
// the API list and the start page's "awaiting confirmation" show it to
// exactly those. The university's representative speaks for it; a person
// the secretariat made "manager" of the university speaks for nobody (a
// manager speaks for a cluster only, rights.h): before, the lists named
// every manager affiliation with a party, so they showed that person the
// agreement and "awaiting your confirmation", and its page answered 404.
// A draft naming the university is read by its representative, who is
// asked to confirm it (before: asked on the start page, 404 on the page
// and on the confirmation itself), and still after confirming it.
test('a pending agreement: whoever may answer for a party sees it in lists, page and API; a partner\'s "manager" has no say and sees it nowhere', async () => {
  for (const email of ['uni_rep', 'uni_manager']) addUser(`${email}@example.com`);
  assert.equal(scan(['user', 'role', 'uni_rep@example.com', 'representative', '--org', 'univerzitet-u-nisu', '--db', srv.db]).status, 0);
  // no "manager" of a university is granted any more (person_affiliation_set):
  // this one is left from before that rule, as older databases hold them
  assert.equal(scan(['user', 'role', 'uni_manager@example.com', 'manager', '--org', 'univerzitet-u-nisu', '--db', srv.db]).status, 1);
  addOldAffiliation(srv.db, 'uni_manager', 'manager', 'univerzitet-u-nisu');
  const uni = sql("SELECT id FROM org WHERE slug = 'univerzitet-u-nisu'");
  // where a reader meets agreement id: page, API, list, API list, start page
  const seen = async (role, id) => {
    const a = await as(role);
    const apiList = JSON.parse((await a.get('/api/v1/agreements?limit=100')).text).items.map((x) => x.id);
    return {
      page: (await a.get(`/agreements/${id}?lang=en`)).status,
      api: (await a.get(`/api/v1/agreements/${id}`)).status,
      list: (await a.get('/agreements?lang=en')).text.includes(`href="/agreements/${id}"`),
      apiList: apiList.includes(id),
      start: (await a.get('/start?lang=en')).text.includes(`/agreements/${id}#consent`),
    };
  };
  const yes = { page: 200, api: 200, list: true, apiList: true, start: true };
  const no = { page: 404, api: 404, list: false, apiList: false, start: false };

  // the demo's: recorded by NiCAT's manager, the university asked
  const pending = Number(sql("SELECT id FROM agreement WHERE title_en = 'Cooperation agreement on electronics'"));
  assert.equal(sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${pending} AND org_id = ${uni}`), 'proposed');
  assert.deepEqual(await seen('uni_rep', pending), yes, 'the university\'s representative');
  assert.deepEqual(await seen('uni_manager', pending), no, 'the university\'s "manager"');
  assert.deepEqual(await seen('ministry_rep', pending), no, 'no party\'s person');
  const stranger = await as('uni_manager');
  assert.equal((await stranger.post(`/agreements/${pending}/consent`, { org: uni, decision: 'confirm' })).status, 404);
  assert.equal((await stranger.json('POST', `/api/v1/agreements/${pending}/consent`, { org: Number(uni), decision: 'confirm' })).status, 404);
  assert.equal(sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${pending} AND org_id = ${uni}`), 'proposed', 'nothing changed');

  // a draft VOICT's manager names the university in
  const m = await as('manager');
  const made = await m.json('POST', '/api/v1/agreements', { kind: 'mou', title_sr: 'Нацрт са универзитетом', title_en: 'Draft with the university', parties: ['voict', 'univerzitet-u-nisu'] });
  assert.equal(made.status, 201, made.text);
  const draft = JSON.parse(made.text).id;
  assert.equal(JSON.parse(made.text).status, 'draft');
  assert.deepEqual(await seen('uni_rep', draft), yes, 'the representative asked to confirm the draft');
  assert.deepEqual(await seen('uni_manager', draft), no);
  assert.deepEqual(await seen('ministry_rep', draft), no);
  assert.deepEqual(await seen('other_manager', draft), no, 'another cluster\'s manager');
  assert.equal((await fetch(`${srv.url}/agreements/${draft}`)).status, 404, 'the public');
  const rep = await as('uni_rep');
  const page = await rep.get(`/agreements/${draft}?lang=en`);
  assert.match(page.text, /Draft with the university/);
  assert.match(page.text, /action="\/agreements\/\d+\/consent"/, 'the confirmation form');
  const c = await rep.post(`/agreements/${draft}/consent`, { org: uni, decision: 'confirm' });
  assert.equal(c.status, 303, c.text.slice(0, 300));
  assert.equal(sql(`SELECT consent FROM agreement_party WHERE agreement_id = ${draft} AND org_id = ${uni}`), 'confirmed');
  assert.equal((await rep.get(new URL(c.location, srv.url).pathname)).status, 200, 'the page it answers with');
  assert.deepEqual(await seen('uni_rep', draft), { ...yes, start: false }, 'confirmed: nothing awaits, still theirs to read');
  assert.equal((await rep.json('PATCH', `/api/v1/agreements/${draft}`, { title_en: 'no' })).status, 403, 'reads, does not change');
  assert.deepEqual(await seen('uni_manager', draft), no);
  assert.deepEqual(await seen('ministry_rep', draft), no);
});
