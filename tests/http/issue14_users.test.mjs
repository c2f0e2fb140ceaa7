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
