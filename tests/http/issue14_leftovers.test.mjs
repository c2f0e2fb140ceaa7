// issue14_leftovers.test.mjs: the leftovers of issue 14 and what its
// new-user review found (h14): the call form reads its funder as every
// form does (web_org_resolve: the English name folded, so "university of
// nis" is the University of Niš; an unknown name says "name or address"),
// the demo has a project waiting for its funder's word (the consent path
// can be seen without making one), and /network's labels wrap rather than
// being cut after a few letters, the whole name in their <title>.
//
// Fixtures: the demo data. People: an editor (the secretariat), the
// representative of the demo donor programme, someone with no affiliation.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sqliteIn, addPeople, agentsOf, anonGet } from './lib.mjs';

const PW = 'issue fourteen leftovers 2026';
let srv;
let agents;
const sql = (q) => sqliteIn(srv.db, q);

const as = (name) => agents(name);
const pub = (path) => anonGet(srv.url, path);

const CALL = (over = {}) => ({
  title_sr: 'Позив за проверу', title_en: 'Leftover call', funder: 'Ministry of Economy',
  programme: 'Програм провере', opens_on: '2099-01-10', deadline_date: '2099-03-15',
  deadline_time: '17:00', deadline_tz: 'Europe/Brussels', rule_rows: '3',
  rule_1: 'kind:cluster', rule_2: '', rule_3: '', ...over,
});

before(async () => {
  srv = await startServer({ demo: true });
  agents = agentsOf(srv.url, PW);
  addPeople(srv.db, PW, [['donor_rep', 'representative', 'demo-donor-programme'], ['nobody'],
    ['editor', null, null, ['--editor']]]);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('the call form reads the funder as the project form does: an English name without its diacritics is found', async () => {
  const e = await as('editor');
  const n = () => Number(sql('SELECT count(*) FROM funding_call'));
  const before = n();
  const ok = await e.post('/calls?lang=en', CALL({ funder: 'university of nis' }));
  assert.equal(ok.status, 303, ok.text.slice(0, 800));
  const id = /\/calls\/(\d+)/.exec(ok.location)[1];
  assert.equal(sql(`SELECT o.slug FROM funding_call c JOIN org o ON o.id = c.funder_id WHERE c.id = ${id}`), 'univerzitet-u-nisu');
  // the Serbian name in Latin without diacritics, upper case
  const lat = await e.post('/calls?lang=sr-Latn', CALL({ funder: 'UNIVERZITET U NISU', title_en: 'Leftover call 2' }));
  assert.equal(lat.status, 303, lat.text.slice(0, 800));
  assert.equal(n(), before + 2);
  // a name no entry has: said beside the field, in words about a name, nothing stored
  for (const [lang, re] of [['en', /No published directory entry has this name or address/],
    ['sr', /Ниједан објављен унос у именику нема овај назив или адресу/]]) {
    const bad = await e.post(`/calls?lang=${lang}`, CALL({ funder: 'Fond koji ne postoji' }));
    assert.equal(bad.status, 422);
    assert.match(bad.text, re);
    assert.match(bad.text, /id="call-funder-error"/);
    assert.match(bad.text, /value="Fond koji ne postoji"/, 'what was typed is kept');
  }
  assert.equal(n(), before + 2);
});

test('the demo has a project waiting for its funder: hidden from the public, asked of the funder, confirmed from the page', async () => {
  const id = sql("SELECT id FROM project WHERE acronym = 'CLUSTER-SCHOOL' AND is_demo = 1");
  assert.ok(Number(id) > 0, 'the demo project');
  assert.equal(sql(`SELECT funder_consent FROM project WHERE id = ${id}`), 'proposed');
  const donor = 'Demo Donor Programme for Cluster Development';
  for (const r of [await pub(`/projects/${id}?lang=en`), await (await as('nobody')).get(`/projects/${id}?lang=en`)]) {
    assert.equal(r.status, 200);
    assert.match(r.text, /Cluster management school for young managers/);
    assert.doesNotMatch(r.text, new RegExp(donor));
  }
  for (const [lang, title] of [['sr', 'Школа кластерског менаџмента за младе'], ['sr-Latn', 'Škola klasterskog menadžmenta za mlade']])
    assert.match((await pub(`/projects/${id}?lang=${lang}`)).text, new RegExp(title), lang);
  // the secretariat and the funder's representative are asked
  for (const role of ['editor', 'donor_rep']) {
    const r = await (await as(role)).get(`/projects/${id}?lang=en`);
    assert.match(r.text, new RegExp(`Awaiting confirmation by ${donor} as the funder`), role);
    assert.match(r.text, new RegExp(`Confirm for ${donor}`), role);
  }
  assert.match((await (await as('donor_rep')).get('/start?lang=en')).text, new RegExp(`/projects/${id}#consent`));
  const org = sql("SELECT id FROM org WHERE slug = 'demo-donor-programme'");
  const yes = await (await as('donor_rep')).post(`/projects/${id}/consent`, { org, as: 'funder', decision: 'confirm' });
  assert.equal(yes.status, 303, yes.text.slice(0, 300));
  assert.equal(sql(`SELECT funder_consent FROM project WHERE id = ${id}`), 'confirmed');
  assert.match((await pub(`/projects/${id}?lang=en`)).text, new RegExp(donor));
});

test('/network: a name wider than its room wraps onto lines, the whole name in its title, in every language', async () => {
  for (const [lang, name] of [['sr', 'Научно-технолошки парк Београд'], ['sr-Latn', 'Naučno-tehnološki park Beograd'],
    ['en', 'Chamber of Commerce and Industry of Serbia']]) {
    const r = await pub(`/network?lang=${lang}`);
    assert.equal(r.status, 200);
    const svg = r.text.slice(r.text.indexOf('<figure'), r.text.indexOf('</figure>'));
    const labels = [...svg.matchAll(/<text class="nl[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1]);
    assert.ok(labels.length > 10, `${lang}: labels drawn`);
    const label = labels.find((l) => l.startsWith(`<title>${name}</title>`));
    assert.ok(label, `${lang}: ${name} wrapped with its title`);
    const lines = [...label.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
    assert.ok(lines.length >= 2, `${lang}: ${label}`);
    assert.equal(lines.join(' ').replace(/- /g, '-'), name, `${lang}: every word shown, none cut`);
    // no label of the demo is cut: each fits whole on its lines
    assert.deepEqual(labels.filter((l) => l.includes('…')), [], lang);
  }
  // on a phone the graph keeps its size and slides in its card: a line says so (scan.css shows it there only)
  const page = (await pub('/network?lang=en')).text;
  assert.match(page, /<p class="note net-phone-hint">On a phone the graph is wider than the screen: slide it sideways/);
  assert.match((await pub(/href="(\/assets\/css\/scan\.[0-9a-f]+\.css)"/.exec(page)[1])).text, /\.chart-network \.chart-svg \{ min-width: 36rem; \}/);
});

test('a partner\'s contact persons under "Relations with SCAN" have their role in the reader\'s language', async () => {
  const e = await as('editor');
  const en = (await e.get('/orgs/demo-donor-programme?lang=en')).text;
  const list = en.slice(en.indexOf('<ul class="adv-contacts">'));
  assert.match(list, /^<ul class="adv-contacts"><li>Maja Demo · Portfolio manager/);
  assert.doesNotMatch(en, /Менаџерка/);
  const lat = (await e.get('/orgs/demo-donor-programme?lang=sr-Latn')).text;
  assert.match(lat, /<ul class="adv-contacts"><li>Maja Demo · Menadžerka portfolija/);
  const cyr = (await e.get('/orgs/demo-donor-programme?lang=sr')).text;
  assert.match(cyr, /<ul class="adv-contacts"><li>[^<]*Менаџерка портфолија/);
});

test('a deadline in another zone reads as the reader writes dates, the zone by its place, Belgrade\'s time beside it', async () => {
  const e = await as('editor');
  const made = {};
  for (const [tz, title] of [['Europe/London', 'London deadline'], ['America/New_York', 'New York deadline']]) {
    const r = await e.post('/calls?lang=en', CALL({ title_en: title, deadline_date: '2099-07-10', deadline_time: '20:00', deadline_tz: tz }));
    assert.equal(r.status, 303, r.text.slice(0, 600));
    made[tz] = r.location.match(/\/calls\/(\d+)/)[1];
  }
  const page = async (id, lang) => (await pub(`/calls/${id}?lang=${lang}`)).text.replace(/<span class="muted">|<\/span>/g, '');
  assert.match(await page(made['Europe/London'], 'en'), /10 Jul 2099 20:00 London \(21:00 in Belgrade\)/);
  assert.match(await page(made['Europe/London'], 'sr'), /10\. 7\. 2099\. 20:00 Лондон \(21:00 по београдском времену\)/);
  assert.match(await page(made['Europe/London'], 'sr-Latn'), /10\. 7\. 2099\. 20:00 London \(21:00 po beogradskom vremenu\)/);
  // past midnight in Belgrade: its date too
  assert.match(await page(made['America/New_York'], 'en'), /10 Jul 2099 20:00 New York, Washington \(11 Jul 2099 02:00 in Belgrade\)/);
  assert.doesNotMatch(await page(made['America/New_York'], 'en'), /America\/New_York \(|2099-07-10 20:00/);
});
