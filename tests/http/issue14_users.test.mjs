// issue14_users.test.mjs: what users of issue 14's partner pages hit, as
// left by the reviews: participants and funders typed by name on the
// project form without script (web_pick.c, web_project.c); the day count
// of a call's deadline (call_days_left); /projects/new for people who can
// never save; calls.ics with plain tz database TZIDs (ical/), read by a
// second parser (Debian's python3-icalendar).
//
// Fixtures: the demo data (scan init --demo).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, scanIn, sqliteIn, loginAgent } from './lib.mjs';

const PW = 'issue 14 users pass 2026';
let srv;
let sql;
let editor; // the secretariat (an editor)

const get = async (path, headers = {}) => {
  const res = await fetch(srv.url + path, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
};

before(async () => {
  srv = await startServer({ demo: true });
  sql = (q) => sqliteIn(srv.db, q);
  scanIn(srv.db, ['user', 'add', 'editor14@example.com', '--name', 'Editor', '--password-stdin', '--editor'], `${PW}\n`);
  editor = await loginAgent(srv.url, 'editor14@example.com', PW);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('calls.ics names zones by their tz database names, and python3-icalendar reads real zones', async () => {
  const r = await get('/calls.ics');
  assert.equal(r.status, 200);
  const text = r.text.replace(/\r\n[ \t]/g, '');
  assert.doesNotMatch(text, /freeassociation/);
  assert.match(text, /\r\nTZID:Europe\/Brussels\r\n/);
  assert.match(text, /DTSTART;TZID=Europe\/Brussels:\d{8}T170000\r\n/);
  // every TZID used has its VTIMEZONE, by the same name
  const used = new Set([...text.matchAll(/;TZID=([^:;]+)[:;]/g)].map((m) => m[1]));
  const defined = new Set([...text.matchAll(/\r\nTZID:([^\r]+)\r\n/g)].map((m) => m[1]));
  for (const z of used) assert.ok(defined.has(z), `VTIMEZONE for ${z}`);
  // a second parser: each DTSTART is in a zone python knows by that name,
  // at the instant the API gives
  const api = JSON.parse((await get('/api/v1/calls?limit=100')).text).items;
  const py = spawnSync('/usr/bin/python3', ['-c', `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = []
for e in cal.walk('VEVENT'):
    d = e['DTSTART'].dt
    out.append({'uid': str(e['UID']), 'zone': getattr(d.tzinfo, 'zone', None), 'utc': d.timestamp()})
print(json.dumps(out))
`], { input: r.text, encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const evs = JSON.parse(py.stdout);
  assert.ok(evs.length >= 6);
  for (const e of evs) assert.ok(['Europe/Brussels', 'Europe/Belgrade', 'Europe/London', 'UTC'].includes(e.zone), JSON.stringify(e));
  const ex = api.find((c) => c.title_en === 'Cluster excellence grants');
  assert.ok(ex);
  const ev = evs.find((e) => e.uid.startsWith(`call-${ex.id}@`));
  assert.ok(ev, JSON.stringify(evs.map((e) => e.uid)));
  assert.equal(ev.zone, 'Europe/Brussels');
  assert.equal(new Date(ev.utc * 1000).toISOString().replace('.000', ''), ex.deadline);
  // events.ics goes through the same writer
  const evf = await get('/events.ics');
  assert.equal(evf.status, 200);
  assert.doesNotMatch(evf.text, /freeassociation/);
});

// the project form as a browser without script posts it: names as typed
const projectForm = (extra = {}) => ({
  title_sr: 'Пројекат по називима', status: 'preparation', visibility: 'public',
  funder: 'Ministry of Economy',
  p_org: ['Војвођански ИКТ кластер', 'Univerzitet u Nisu', 'privredna komora srbije', ''],
  p_role: ['lead', 'partner', 'partner', 'partner'], p_share: ['', '', '', ''], ...extra,
});
const partsOf = (id) => sql(`SELECT o.slug FROM project_participant pp JOIN org o ON o.id = pp.org_id
  WHERE pp.project_id = ${id} ORDER BY o.slug`).split('\n').join(',');

test('the project form without script takes names in English, Cyrillic, Latin and ASCII, like the agreement form', async () => {
  const r = await editor.post('/projects?lang=en', projectForm());
  assert.equal(r.status, 303, r.text.slice(0, 2000));
  const id = Number(/\/projects\/(\d+)/.exec(r.location)[1]);
  assert.equal(partsOf(id), 'privredna-komora-srbije,univerzitet-u-nisu,voict');
  assert.equal(sql(`SELECT o.slug FROM project p JOIN org o ON o.id = p.funder_id WHERE p.id = ${id}`), 'ministarstvo-privrede');
  // English names, folded (University of Nis), on both forms alike
  const r2 = await editor.post('/projects?lang=en', projectForm({
    title_sr: 'Пројекат на енглеском', funder: 'ministarstvo privrede',
    p_org: ['Vojvodina ICT Cluster', 'University of Nis', 'Chamber of Commerce and Industry of Serbia', ''],
  }));
  assert.equal(r2.status, 303, r2.text.slice(0, 2000));
  assert.equal(partsOf(Number(/\/projects\/(\d+)/.exec(r2.location)[1])), 'privredna-komora-srbije,univerzitet-u-nisu,voict');
  const ag = await editor.post('/agreements?lang=en', {
    kind: 'cooperation', title_sr: 'Споразум по називима', party1: 'Vojvodina ICT Cluster',
    party2: 'University of Nis', party3: 'Привредна комора Србије', party4: 'ministarstvo privrede',
    signed_on: '2025-03-01', valid_from: '2025-03-01', valid_until: '2027-03-01', status: 'signed',
  });
  assert.equal(ag.status, 303, ag.text.slice(0, 2000));
  const agId = Number(/\/agreements\/(\d+)/.exec(ag.location)[1]);
  assert.equal(sql(`SELECT group_concat(slug, ',') FROM (SELECT o.slug FROM agreement_party ap JOIN org o
    ON o.id = ap.org_id WHERE ap.agreement_id = ${agId} ORDER BY o.slug) AS t`),
  'ministarstvo-privrede,privredna-komora-srbije,univerzitet-u-nisu,voict');
});

test('a name that fits several entries shows them beside its field; an unknown one says so; nothing stored', async () => {
  const count = () => Number(sql('SELECT count(*) FROM project'));
  const before = count();
  const several = await editor.post('/projects?lang=en', projectForm({ p_org: ['Војвођански ИКТ кластер', 'Univerzitet', ''] }));
  assert.equal(several.status, 422);
  assert.match(several.text, /id="pj-p_org_2-error"[^>]*>.*?More than one directory entry matches this name/);
  assert.match(several.text, /<select id="pj-p_org_2-choice" name="p_org_2_choice">/);
  assert.match(several.text, /<option value="univerzitet-u-nisu">/);
  assert.match(several.text, /<option value="univerzitet-u-novom-sadu">/);
  assert.match(several.text, /name="p_org" value="Univerzitet"/); // kept as typed
  assert.match(several.text, /id="pj-participants-error"/);
  assert.equal(count(), before);
  // choosing from the list saves
  const chosen = await editor.post('/projects?lang=en', projectForm({
    p_org: ['Војвођански ИКТ кластер', 'Univerzitet', ''], p_org_2_choice: 'univerzitet-u-novom-sadu',
  }));
  assert.equal(chosen.status, 303, chosen.text.slice(0, 1500));
  assert.equal(partsOf(Number(/\/projects\/(\d+)/.exec(chosen.location)[1])), 'univerzitet-u-novom-sadu,voict');
  // unknown names, the funder's too, in Serbian
  const unknown = await editor.post('/projects?lang=sr', projectForm({
    funder: 'Непостојећи фонд', p_org: ['Nepostojeća organizacija', 'Univerzitet u Nisu', ''],
  }));
  assert.equal(unknown.status, 422);
  assert.match(unknown.text, /id="pj-p_org_1-error"[^>]*>.*?Ниједан унос у именику нема овај назив/);
  assert.match(unknown.text, /id="pj-funder-error"[^>]*>.*?Ниједан унос у именику нема овај назив/);
  assert.match(unknown.text, /value="Непостојећи фонд"/);
  assert.match(unknown.text, /name="p_org" value="Nepostojeća organizacija"/);
  assert.equal(count(), before + 1);
  // a funder that fits several: the choice beside the funder field
  const demo = await editor.post('/projects?lang=en', projectForm({ funder: 'Demo' }));
  assert.equal(demo.status, 422);
  assert.match(demo.text, /<select id="pj-funder-choice" name="funder_choice">/);
  assert.match(demo.text, /<option value="demo-eu-programmes">/);
});
