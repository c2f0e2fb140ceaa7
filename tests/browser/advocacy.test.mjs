// advocacy.test.mjs: from a signed position to the institution's answer in
// a real browser, in English and in Serbian, with no script of ours doing
// the work: the owner's manager records the submission, then the answer
// (a date before the submission is refused first, with the message beside
// the field); the secretariat records a meeting with the ministry and
// reads the overview's charts. Then screenshots of the timeline, the
// consultations, the ministry's relations and the overview in English,
// Serbian Latin and Serbian Cyrillic at 1280 and 390 px wide, in
// tests/browser/screenshots/. Positions are engineer 4's model: the test
// inserts them into the database directly.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/advocacy.test.mjs
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
const PW = 'advocacy browser phrase 2026';
const LANGS = ['en', 'sr-Latn', 'sr-Cyrl'];
const WIDTHS = [1280, 390];

let server;
let browser;
const pageErrors = [];

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function addUser(email, name, extra = []) {
  const add = scan(['user', 'add', email, '--name', name, '--password-stdin', ...extra, '--db', server.db], { input: `${PW}\n` });
  assert.equal(add.status, 0, add.stderr);
}

// A position open for signature, signed by its owner (one nobody signed
// cannot be submitted).
function newPosition(titleSr, titleEn) {
  return Number(sqlite(`INSERT INTO position(kind, owner_id, stage, created_at, updated_at)
      SELECT 'proposal', id, 'signing', unixepoch('2026-01-05'), unixepoch('2026-01-05') FROM org WHERE slug = 'voict';
    INSERT INTO position_version(position_id, version, title_sr, title_en, body_sr, created_at)
      VALUES (last_insert_rowid(), 1, '${titleSr}', '${titleEn}', 'Текст.', unixepoch());
    INSERT INTO position_signature(position_id, org_id, signed_at, signed_by)
      SELECT (SELECT max(id) FROM position), id, unixepoch('2026-01-05'), (SELECT min(id) FROM person)
      FROM org WHERE slug = 'voict';
    SELECT max(id) FROM position;`));
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  addUser('manager@example.com', 'Марија Менаџер');
  assert.equal(scan(['user', 'role', 'manager@example.com', 'manager', '--org', 'voict', '--db', server.db]).status, 0);
  addUser('editor@example.com', 'Уредник Секретаријата', ['--editor']);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, []);
});

async function loggedIn(email, lang) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/login?lang=${lang}`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', PW);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  return page;
}

async function shoot(page, path, name) {
  for (const lang of LANGS) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true,
        `${name} ${lang} ${width}: nothing wider than the screen`);
      await page.screenshot({ path: join(SHOTS, `${name}-${lang}-${width}.png`), fullPage: true });
    }
  }
}

// The path from signing to an answer, with the words of one language.
async function submitToAnswer(lang, words) {
  const pos = newPosition(`Став о подстицајима ${lang}`, `Position on incentives ${lang}`);
  const page = await loggedIn('manager@example.com', lang);
  await page.goto(`${server.url}/positions/${pos}/timeline?lang=${lang}`);
  await page.selectOption('#adv-sub-inst', 'ministarstvo-privrede');
  await page.fill('#adv-sent', '2026-03-02');
  await page.selectOption('#adv-channel', 'email');
  await page.fill('#adv-ref', '011-00-7/2026');
  await Promise.all([page.waitForNavigation(), page.click('#submit button[type="submit"]')]);
  assert.match(await page.textContent('[role="status"]'), words.saved);
  assert.match(await page.textContent('#timeline'), words.submitted);
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${pos}`), 'submitted');
  // an answer dated before the submission: refused beside the field
  await page.selectOption('#adv-outcome', 'partly');
  await page.fill('#adv-answered', '2026-03-01');
  await Promise.all([page.waitForNavigation(), page.click('#answer button[type="submit"]')]);
  assert.match(await page.textContent('#adv-answered-error'), words.before);
  assert.equal(sqlite(`SELECT count(*) FROM position_outcome o JOIN position_submission s ON s.id = o.submission_id WHERE s.position_id = ${pos}`), '0');
  await page.fill('#adv-answered', '2026-04-10');
  await page.fill('#adv-note', words.note);
  await Promise.all([page.waitForNavigation(), page.click('#answer button[type="submit"]')]);
  assert.match(await page.textContent('#timeline'), words.partly);
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${pos}`), 'answered');
  await page.context().close();
  return pos;
}

let shown;

test('from submission to answer in English and in Serbian', async () => {
  shown = await submitToAnswer('en', { saved: /Saved/, submitted: /Submitted to/, before: /cannot be dated before the submission/, note: 'Two of five proposals accepted.', partly: /Partly accepted/ });
  await submitToAnswer('sr-Cyrl', { saved: /Сачувано/, submitted: /Упућено институцији/, before: /не може бити датиран пре/, note: 'Два од пет предлога прихваћена.', partly: /Делимично прихваћено/ });
});

test('the secretariat records a meeting and reads the overview\'s charts; screenshots in three scripts', async () => {
  const page = await loggedIn('editor@example.com', 'en');
  await page.goto(`${server.url}/orgs/ministarstvo-privrede/stakeholder?lang=en`);
  await page.fill('#sh-met', '2026-04-20');
  await page.fill('#sh-att', 'SCAN secretariat, VOICT');
  await page.fill('#sh-topics', 'Follow-up on the incentives position');
  await page.fill('#sh-notes', 'The state secretary asks for export figures by sector.');
  await Promise.all([page.waitForNavigation(), page.click('.adv-stakeholder button[type="submit"]')]);
  assert.match(await page.textContent('#stakeholder'), /The state secretary asks/);
  await page.goto(`${server.url}/admin/advocacy?lang=en`);
  assert.equal(await page.locator('figure svg, svg[role="img"]').count() >= 2, true, 'charts drawn');
  assert.match(await page.textContent('main'), /at least partly accepted/);
  await page.goto(`${server.url}/positions/${shown}/timeline?lang=en`);
  await shoot(page, `/positions/${shown}/timeline`, 'advocacy-timeline');
  await shoot(page, '/consultations', 'advocacy-consultations');
  await shoot(page, '/orgs/ministarstvo-privrede/stakeholder', 'advocacy-stakeholder');
  await shoot(page, '/admin/advocacy', 'advocacy-overview');
  await page.context().close();
});
