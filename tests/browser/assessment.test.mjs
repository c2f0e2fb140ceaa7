// assessment.test.mjs: the self-assessment in a real browser (issue 15):
// the manager of a founder cluster whose assessment of this year is not
// started opens the results page, starts it, answers every indicator the
// platform cannot compute (those it can are shown, marked and not
// editable), saves a draft, submits, and sees the radar chart with last
// year's beside it, the table, the change and the percentile among peers.
// The results page fits a phone's width. Then screenshots of the results
// and the questionnaire in three languages at 1280 and 390 px
// (tests/browser/screenshots/).
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/assessment.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { startServer, scan } from '../http/lib.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const LAUNCH = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MANAGER = { email: 'manager.voict@example.com', password: 'manager phrase 2026' };
const YEAR = 2026; // the demo's latest year; its voict assessment is removed below

let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  let r = scan(['user', 'add', MANAGER.email, '--name', 'Ana Menadžer', '--password-stdin', '--db', server.db],
    { input: `${MANAGER.password}\n` });
  assert.equal(r.status, 0, r.stderr);
  r = scan(['user', 'role', MANAGER.email, 'manager', '--org', 'voict', '--db', server.db]);
  assert.equal(r.status, 0, r.stderr);
  r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db,
    `DELETE FROM assess_answer WHERE year = ${YEAR} AND org_id = (SELECT id FROM org WHERE slug = 'voict');
     DELETE FROM assess_response WHERE year = ${YEAR} AND org_id = (SELECT id FROM org WHERE slug = 'voict');`],
  { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch(LAUNCH);
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
});

test('a manager fills in the self-assessment and sees the radar chart and the percentile', async () => {
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', MANAGER.email);
  await page.fill('input[name="password"]', MANAGER.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  await page.goto(`${server.url}/orgs/voict/assessment?lang=en`);
  await Promise.all([page.waitForNavigation(), page.click(`a[href="/orgs/voict/assessment/${YEAR}"]`)]);
  // computed indicators: shown and marked, no input
  assert.ok(await page.locator('.assess-computed').count() >= 6);
  assert.equal(await page.locator('[name="members_count"]').count(), 0);
  // a draft with one answer
  await page.selectOption('select[name="strategy"]', '3');
  await page.fill('input[name="strategy_evidence"]', 'https://example.org/strategy-2026.pdf');
  await Promise.all([page.waitForNavigation(), page.click('button[value="draft"]')]);
  assert.match(await page.locator('[role="status"]').first().innerText(), /saved/i);
  assert.equal(await page.inputValue('select[name="strategy"]'), '3');
  // everything else, then submit
  for (const sel of await page.locator('form.assess-form select').all()) {
    // yes/no has three options (not answered, no, yes): yes; a level: 2
    if (!(await sel.inputValue())) await sel.selectOption((await sel.locator('option').count()) === 3 ? '1' : '2');
  }
  for (const input of await page.locator('form.assess-form input[type="text"]').all()) {
    const name = await input.getAttribute('name');
    if (!name.endsWith('_evidence') && !(await input.inputValue())) await input.fill('3');
  }
  await Promise.all([page.waitForNavigation(), page.click('button[value="submit"]')]);
  assert.match(page.url(), new RegExp(`/orgs/voict/assessment\\?year=${YEAR}`));
  const radar = page.locator('figure.chart-radar svg[role="img"]');
  assert.equal(await radar.count(), 1);
  assert.equal(await page.locator('figure.chart-radar .radar-series').count(), 2, 'this year and the year before');
  assert.match(await page.locator('#assess-table').innerText(), /Structure of the cluster/);
  assert.match(await page.locator('main').innerText(), /percentile \d+ \(6 other clusters/);
  assert.match(await page.locator('main').innerText(), /Change since 2025/);
  assert.deepEqual(pageErrors, []);
});

test('screenshots: results and questionnaire, three languages, 1280 and 390 px; the results fit a phone', async () => {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const lang of ['en', 'sr-Cyrl', 'sr-Latn']) {
      await page.goto(`${server.url}/orgs/voict/assessment?lang=${lang}`);
      if (width === 390) {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= 390, `results at 390 px are ${wide} px wide (${lang})`);
        const box = await page.locator('figure.chart-radar svg').boundingBox();
        assert.ok(box.width <= 390, `the radar chart fits (${box.width} px)`);
      }
      await page.screenshot({ path: join(SHOTS, `assessment-results-${lang}-${width}.png`), fullPage: true });
      await page.goto(`${server.url}/orgs/voict/assessment/${YEAR}?lang=${lang}`);
      await page.screenshot({ path: join(SHOTS, `assessment-form-${lang}-${width}.png`), fullPage: true });
    }
  }
});

test('axe-core: no serious or critical violation on the results, the questionnaire and a refused save', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const bad = [];
  const audit = async (what) => {
    await page.evaluate(AXE);
    const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
      bad.push(`${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };
  for (const lang of ['en', 'sr-Cyrl']) {
    await page.goto(`${server.url}/orgs/voict/assessment?lang=${lang}`);
    await audit(`results ${lang}`);
    await page.goto(`${server.url}/orgs/voict/assessment/${YEAR}?lang=${lang}`);
    await audit(`questionnaire ${lang}`);
  }
  // a refused save: the errors beside their fields (the year was submitted
  // above, which closes it to the team: the secretariat reopens it)
  const re = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db,
    `UPDATE assess_response SET status = 'draft', stage = NULL, score = NULL, submitted_at = NULL, submitted_by = NULL
      WHERE year = ${YEAR} AND org_id = (SELECT id FROM org WHERE slug = 'voict');`], { encoding: 'utf8' });
  assert.equal(re.status, 0, re.stderr);
  await page.goto(`${server.url}/orgs/voict/assessment/${YEAR}?lang=en`);
  await page.fill('input[name="projects"]', '-1');
  await Promise.all([page.waitForNavigation(), page.click('button[value="draft"]')]);
  assert.match(await page.locator('#projects-error').innerText(), /outside its scale/);
  await audit('refused save');
  assert.deepEqual(bad, []);
});
