// agreements.test.mjs: agreements in a real browser: a cluster manager
// enters one through the form (parties picked with the directory
// typeahead), a refused date comes back beside its field, the signed PDF
// is uploaded; then the pages as a user sees them. Screenshots of the
// form (with an error), an agreement, the list and a partner's Relations
// section in English, Serbian Latin and Serbian Cyrillic, at 1280 and 390
// px wide, go to tests/browser/screenshots/.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/agreements.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
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
const PW = 'agreement browser phrase 2026';
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
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, []);
});

async function shoot(page, path, name, prepare) {
  for (const lang of LANGS) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      if (prepare) await prepare(page);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true,
        `${name} ${lang} ${width}: nothing wider than the screen`);
      await page.screenshot({ path: join(SHOTS, `${name}-${lang}-${width}.png`), fullPage: true });
    }
  }
}

test('a manager enters an agreement, fixes a refused date, uploads the signed PDF', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', 'manager@example.com');
  await page.fill('input[name="password"]', PW);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);

  await page.goto(`${server.url}/agreements?lang=en`);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/agreements/new"]')]);
  await page.fill('#ag-title-sr', 'Споразум о сарадњи са Универзитетом у Нишу');
  await page.fill('#ag-title-en', 'Cooperation agreement with the University of Niš');
  // the typeahead: type, choose the entry; its address goes in party1_pick
  await page.fill('#ag-party1', 'Војвођански');
  await page.waitForSelector('.suggest li', { timeout: 10000 });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('input[name="party1_pick"]'), 'voict');
  await page.fill('#ag-party2', 'univerzitet-u-nisu');
  await page.selectOption('#ag-status', 'signed');
  await page.fill('#ag-signed', '2026-01-15');
  await page.fill('#ag-from', '2026-02-01');
  await page.fill('#ag-until', '2026-01-01');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/agreements"] button[type="submit"]')]);
  assert.match(await page.textContent('#ag-until-error'), /before its start/);
  assert.equal(sqliteIn(server.db, "SELECT count(*) FROM agreement WHERE title_en = 'Cooperation agreement with the University of Niš'"), '0');
  await page.fill('#ag-until', '2029-01-31');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/agreements"] button[type="submit"]')]);
  assert.match(page.url(), /\/agreements\/\d+\?saved=1/, await page.evaluate(() => [...document.querySelectorAll('.field-error')].map((e) => e.id + ': ' + e.textContent + ' ' + (e.parentElement.querySelector('input') || {}).value).join(' | ')));
  assert.match(await page.textContent('h1'), /University of Niš/);

  const pdf = join(server.dir, 'upload.pdf');
  writeFileSync(pdf, sqliteIn(server.db, "SELECT hex(data) FROM agreement_file WHERE agreement_id = 1")
    .match(/../g).map((h) => String.fromCharCode(parseInt(h, 16))).join(''), 'latin1');
  await page.setInputFiles('#ag-file', pdf);
  await Promise.all([page.waitForNavigation(), page.click('form[enctype="multipart/form-data"] button[type="submit"]')]);
  assert.match(page.url(), /uploaded=1/);
  assert.match(await page.textContent('#document'), /SHA-256/);
  const id = /\/agreements\/(\d+)/.exec(page.url())[1];

  await shoot(page, '/agreements/new', 'agreement-form');
  await shoot(page, `/agreements/${id}/edit`, 'agreement-form-error', async (p) => {
    await p.fill('#ag-until', '2020-01-01');
    await Promise.all([p.waitForNavigation(), p.click(`form[action="/agreements/${id}"] button[type="submit"]`)]);
  });
  await shoot(page, `/agreements/${id}`, 'agreement-page');
  await shoot(page, '/agreements', 'agreement-list');
  await context.close();
});

test('a partner\'s Relations section, as the public sees it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/orgs/ministarstvo-privrede?lang=en`);
  assert.match(await page.textContent('#relations'), /Relations/);
  await shoot(page, '/orgs/ministarstvo-privrede', 'partner-relations', async (p) => {
    await p.evaluate(() => document.getElementById('relations').scrollIntoView());
  });
  await context.close();
});
