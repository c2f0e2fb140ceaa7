// events.test.mjs: registering for a full event and moving up from the
// waiting list in a real browser, and a representative registering a
// colleague.
//
// An event of a demo cluster with one place: Ana takes it, Bojan finds it
// full and joins the waiting list (he sees his number), Ana cancels, and
// Bojan's page now says he is registered (and his promotion mail is in the
// outbox). Ana, who represents a member company, registers her colleague
// Vuk from the event's page and sees him under "Colleagues you
// registered". Screenshots of the event page (English and Serbian
// Cyrillic, 1280 and 390 px wide) and of the organiser's participants page
// with the attendance form go to tests/browser/screenshots/.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/events.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, scan } from '../http/lib.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const LAUNCH = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const PW = 'events browser phrase 2026';
const ANA = 'ana.events@example.com', BOJAN = 'bojan.events@example.com', VUK = 'vuk.events@example.com';
const MANAGER = 'manager.events@example.com';

let server;
let browser;
let cluster, member, ev, past;
const pageErrors = [];

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function addUser(email, name, role, org) {
  let r = scan(['user', 'add', email, '--name', name, '--password-stdin', '--db', server.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  if (role) {
    r = scan(['user', 'role', email, role, '--org', org, '--db', server.db]);
    assert.equal(r.status, 0, r.stderr);
  }
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  [cluster, member] = sqlite(`SELECT c.slug, o.slug FROM cluster_member m JOIN org c ON c.id = m.cluster_id
    JOIN org o ON o.id = m.org_id WHERE c.kind = 'cluster' AND o.kind = 'company' AND m.left_on IS NULL
    ORDER BY m.id LIMIT 1`).split('|');
  addUser(ANA, 'Ana Marković', 'representative', member);
  addUser(VUK, 'Вук Петровић', 'representative', member);
  addUser(BOJAN, 'Bojan Ilić');
  addUser(MANAGER, 'Милица Јовановић', 'manager', cluster);
  const start = Math.floor(Date.now() / 1000) + 20 * 86400;
  ev = Number(sqlite(`INSERT INTO event(kind, organiser_id, title_sr, title_en, description_sr, description_en,
    starts_at, ends_at, place, language, audience, capacity, created_at, updated_at)
    SELECT 'workshop', id, 'Радионица: извоз у ЕУ', 'Workshop: exporting to the EU',
    'Практична радионица о извозу за чланице кластера.', 'A hands-on workshop on exporting for cluster members.',
    ${start}, ${start + 4 * 3600}, 'Нови Сад, Булевар ослобођења 1', 'sr_en', 'members', 1, 0, 0
    FROM org WHERE slug = '${cluster}' RETURNING id`));
  past = Number(sqlite(`INSERT INTO event(kind, organiser_id, title_sr, title_en, starts_at, ends_at, place,
    language, audience, capacity, created_at, updated_at)
    SELECT 'training', id, 'Обука: управљање кластером', 'Training: managing a cluster', ${start - 30 * 86400},
    ${start - 30 * 86400 + 7200}, 'Ниш', 'sr', 'everyone', 20, 0, 0 FROM org WHERE slug = '${cluster}' RETURNING id`));
  sqlite(`INSERT INTO event_registration(event_id, person_id, state, queued_at, confirmed_at, created_at, updated_at)
    SELECT ${past}, id, 'confirmed', 0, 0, 0, 0 FROM person WHERE email IN ('${ANA}', '${VUK}', '${BOJAN}')`);
  // Bojan belongs to the audience through a member company too
  const r = scan(['user', 'role', BOJAN, 'representative', '--org', sqlite(`SELECT o.slug FROM cluster_member m
    JOIN org o ON o.id = m.org_id WHERE o.kind = 'company' AND o.slug <> '${member}' AND m.left_on IS NULL
    ORDER BY m.id LIMIT 1`), '--db', server.db]);
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, [], 'no script errors');
});

async function loggedIn(email, viewport = { width: 1280, height: 900 }, lang = 'en') {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/login?lang=${lang}`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', PW);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  return page;
}

const click = (page, sel) => Promise.all([page.waitForNavigation(), page.click(sel)]);

test('register for a full event, wait, and move up when a place frees', async () => {
  const ana = await loggedIn(ANA);
  await ana.goto(`${server.url}/events/${ev}?lang=en`);
  assert.match(await ana.textContent('.event-audience'), /Meant for members of SCAN's clusters/);
  await click(ana, `form[action="/events/${ev}/register"] button:has-text("Register")`);
  assert.match(await ana.textContent('main'), /You are registered\./);

  const bojan = await loggedIn(BOJAN);
  await bojan.goto(`${server.url}/events/${ev}?lang=en`);
  assert.match(await bojan.textContent('.event-register'), /Full: a new registration goes on the waiting list/);
  await click(bojan, `form[action="/events/${ev}/register"] button:has-text("Join the waiting list")`);
  assert.match(await bojan.textContent('main'), /you are on the waiting list/);
  assert.match(await bojan.textContent('.event-register'), /waiting list, number 1/);
  await bojan.screenshot({ path: join(SHOTS, 'event-waiting-en-1280.png'), fullPage: true });

  await ana.goto(`${server.url}/events/${ev}?lang=en`);
  await click(ana, `form[action="/events/${ev}/cancel"] button`);
  assert.match(await ana.textContent('main'), /Your registration is cancelled/);

  await bojan.goto(`${server.url}/events/${ev}?lang=en`);
  assert.match(await bojan.textContent('.event-register'), /You are registered\./);
  assert.equal(sqlite(`SELECT count(*) FROM outbox WHERE to_addr = '${BOJAN}' AND subject LIKE 'A place is yours:%'
    AND attach_type LIKE 'text/calendar%'`), '1');
  await bojan.context().close();
  await ana.context().close();
});

test('a representative registers a colleague from the event page; screenshots in two languages and two widths', async () => {
  const ana = await loggedIn(ANA);
  await ana.goto(`${server.url}/events/${ev}?lang=en`);
  await ana.selectOption('#col-person', { index: 0 });
  const label = await ana.textContent('#col-person option:checked');
  assert.match(label, /Vuk|Вук/);
  await click(ana, 'section.event-colleagues button[type="submit"]');
  assert.match(await ana.textContent('main'), /your colleague is on the waiting list|Your colleague is registered/i);
  assert.match(await ana.textContent('section.event-colleagues'), /Colleagues you registered/);
  // the place is Bojan's since the first test: Vuk waits
  assert.equal(sqlite(`SELECT r.state FROM event_registration r JOIN person p ON p.id = r.person_id
    WHERE r.event_id = ${ev} AND p.email = '${VUK}'`), 'waiting');
  for (const [lang, width] of [['en', 1280], ['en', 390], ['sr-Cyrl', 1280], ['sr-Cyrl', 390]]) {
    await ana.setViewportSize({ width, height: 900 });
    await ana.goto(`${server.url}/events/${ev}?lang=${lang}`);
    await ana.screenshot({ path: join(SHOTS, `event-colleagues-${lang}-${width}.png`), fullPage: true });
  }
  // at 390 px nothing runs off the side
  const over = await ana.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `the page is ${over}px wider than the screen`);
  await ana.context().close();
});

test('the organiser marks attendance after the event', async () => {
  const m = await loggedIn(MANAGER);
  await m.goto(`${server.url}/events/${past}/participants?lang=en`);
  const boxes = await m.$$('input[name="attended"]');
  assert.equal(boxes.length, 3);
  await boxes[0].check();
  await click(m, 'main button[type="submit"]');
  assert.match(await m.textContent('main'), /Attendance saved/);
  assert.equal(sqlite(`SELECT count(*) FROM event_registration WHERE event_id = ${past} AND attended = 1`), '1');
  for (const [lang, width] of [['en', 1280], ['sr-Cyrl', 390]]) {
    await m.setViewportSize({ width, height: 900 });
    await m.goto(`${server.url}/events/${past}/participants?lang=${lang}`);
    await m.screenshot({ path: join(SHOTS, `event-attendance-${lang}-${width}.png`), fullPage: true });
  }
  await m.context().close();
});
