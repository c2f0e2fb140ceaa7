// projects.test.mjs: joint projects, the portfolio and the network in a
// real browser: a cluster manager enters a project through the form (a
// mistake first: two leads), sees it listed; then the network view and the
// portfolio as a reader sees them, in English and Serbian (Cyrillic and
// Latin) at 1280 and 390 px wide. Screenshots go to
// tests/browser/screenshots/projects-*.png.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/projects.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, scan, sqliteIn } from '../http/lib.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const LAUNCH = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const PW = 'projects browser phrase 2026';
const LANGS = ['en', 'sr-Latn', 'sr-Cyrl'];
const WIDTHS = [1280, 390];

let server;
let browser;
const pageErrors = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  const add = scan(['user', 'add', 'manager@example.com', '--name', 'Марија Менаџер', '--password-stdin', '--db', server.db], { input: `${PW}\n` });
  assert.equal(add.status, 0, add.stderr);
  assert.equal(scan(['user', 'role', 'manager@example.com', 'manager', '--org', 'voict', '--db', server.db]).status, 0);
  // an agreement, so the network shows both kinds of tie
  sqliteIn(server.db, "INSERT INTO agreement(kind, title_sr, status, signed_on, created_at, updated_at) VALUES ('mou', 'Меморандум', 'signed', '2024-05-01', 0, 0)");
  sqliteIn(server.db, "INSERT INTO agreement_party(agreement_id, org_id) SELECT (SELECT max(id) FROM agreement), id FROM org WHERE slug IN ('scan', 'ministarstvo-privrede')");
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, []);
});

async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
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

test('a cluster manager enters a project: two leads are refused, then it is saved and listed', async () => {
  const page = await newPage();
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', 'manager@example.com');
  await page.fill('input[name="password"]', PW);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  await page.goto(`${server.url}/projects/new?lang=en`);
  await page.fill('#pj-title_sr', 'Кластерска академија');
  await page.fill('#pj-programme', 'Interreg IPA');
  await page.fill('#pj-budget', '100.000,00');
  await page.fill('#pj-grant', '85000');
  const orgs = page.locator('input[name="p_org"]');
  const roles = page.locator('select[name="p_role"]');
  await orgs.nth(0).fill('voict');
  await orgs.nth(1).fill('vmc');
  await roles.nth(1).selectOption('lead');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/projects"] button[type="submit"]')]);
  assert.match(await page.textContent('#pj-participants-error'), /exactly one lead/);
  assert.equal(await page.inputValue('#pj-title_sr'), 'Кластерска академија', 'kept as typed');
  await page.screenshot({ path: join(SHOTS, 'projects-form-error-en-1280.png'), fullPage: true });
  await page.locator('select[name="p_role"]').nth(1).selectOption('partner');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/projects"] button[type="submit"]')]);
  assert.match(new URL(page.url()).pathname, /^\/projects\/\d+$/);
  assert.match(await page.textContent('main'), /Vojvodina Metal Cluster/);
  assert.equal(sqliteIn(server.db, "SELECT budget_cents || ' ' || grant_cents FROM project WHERE title_sr = 'Кластерска академија'"), '10000000 8500000');
  await page.goto(`${server.url}/projects?lang=en&programme=Interreg%20IPA`);
  assert.match(await page.textContent('table.data'), /Klasterska akademija|Кластерска академија/);
  await page.context().close();
});

test('the network view and the portfolio read well in every language and width', async () => {
  const page = await newPage();
  await page.goto(`${server.url}/network?lang=en`);
  assert.equal(await page.locator('figure.chart-network svg circle.net-node').count() > 5, true);
  assert.match(await page.textContent('#net-ties'), /Serbian Cluster Association/);
  assert.match(await page.textContent('#net-ties'), /Ministry of Economy/);
  await shoot(page, '/network', 'projects-network');
  await page.goto(`${server.url}/projects/portfolio?lang=sr-Cyrl`);
  assert.match(await page.textContent('h1'), /Портфолио/);
  assert.equal(await page.locator('figure.chart').count() >= 3, true);
  await shoot(page, '/projects/portfolio', 'projects-portfolio');
  await shoot(page, '/projects', 'projects-list');
  await page.context().close();
});
