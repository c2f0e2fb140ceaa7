// savesearch.test.mjs: "Save this search" on the cooperation board and the
// saved searches in words on the settings page, in a real browser (issue
// 13, new-user review). A reader in English and one in Serbian Cyrillic
// each save two searches from the demo board, one at desktop width and one
// at 390 px, see the one-time notice and "Saved search", then read them in
// words on /account/notifications and open one. Screenshots of both pages
// (before and after saving) go to tests/browser/screenshots/savesearch-*.png;
// each state passes axe-core without a serious or critical finding.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/savesearch.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PW = 'save search browser phrase';
const READERS = [
  {
    email: 'save.en@example.com', lang: 'en', saved: 'Saved search', notice: 'The search is saved',
    words: 'Offers · Sector 26 Manufacture of computer, electronic and optical products · Region Vojvodina',
    words2: 'Requests',
  },
  {
    email: 'save.cyr@example.com', lang: 'sr-Cyrl', saved: 'Сачувана претрага', notice: 'Претрага је сачувана',
    words: 'Понуде · Делатност 26', words2: 'Захтеви',
  },
];

let server;
let browser;
const pageErrors = [];

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  for (const r of READERS) {
    const add = scan(['user', 'add', r.email, '--name', r.lang, '--password-stdin', '--db', server.db], { input: `${PW}\n` });
    assert.equal(add.status, 0, add.stderr);
  }
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, []);
});

// axe-core's serious and critical findings on the page, as a11y.test.mjs checks them
async function axeSerious(page) {
  await page.evaluate(AXE);
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function loggedIn(email, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', PW);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  return page;
}

for (const r of READERS) {
  for (const [w, search] of [[1280, 'kind=offer&sector=26&region=R-VO'], [390, 'kind=request']]) {
    test(`${r.lang} at ${w} px: save a search from the board, see it saved, read it in words`, async () => {
      const page = await loggedIn(r.email, { width: w, height: 900 });
      const board = `/cooperation?${search}&lang=${r.lang}`;
      await page.goto(server.url + board);
      const button = page.locator('.save-search button[type="submit"]');
      await button.waitFor();
      assert.deepEqual(await axeSerious(page), [], 'the board with the button');
      await page.screenshot({ path: join(SHOTS, `savesearch-board-unsaved-${r.lang}-${w}.png`), fullPage: false });
      await Promise.all([page.waitForNavigation(), button.click()]);
      assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, board, 'back on the same board');
      assert.match(await page.locator('[role="status"]').first().innerText(), new RegExp(r.notice));
      assert.match(await page.locator('.save-search').innerText(), new RegExp(r.saved));
      await page.screenshot({ path: join(SHOTS, `savesearch-board-${r.lang}-${w}.png`), fullPage: false });
      assert.deepEqual(await axeSerious(page), [], 'the board with the notice and "Saved"');

      await page.goto(`${server.url}/account/notifications?lang=${r.lang}`);
      const list = page.locator('.topic-list');
      const text = await list.innerText();
      assert.match(text, new RegExp(w === 1280 ? r.words : r.words2));
      await page.locator('#nt-h').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, `savesearch-settings-${r.lang}-${w}.png`), fullPage: true });
      assert.deepEqual(await axeSerious(page), [], 'the settings page with saved searches');
      // the words are the link to the same results
      const link = list.locator('li a').last();
      await Promise.all([page.waitForNavigation(), link.click()]);
      const u = new URL(page.url());
      assert.equal(u.pathname, '/cooperation');
      assert.match(await page.locator('.save-search').innerText(), new RegExp(r.saved));
      await page.context().close();
    });
  }
}

test('the stored searches are the canonical ones', () => {
  const got = sqlite(`SELECT p.email || ' ' || t.query FROM notify_topic t JOIN person p ON p.id = t.person_id ORDER BY t.id`);
  assert.equal(got, [
    'save.en@example.com kind=offer&region=R-VO&sector=26', 'save.en@example.com kind=request',
    'save.cyr@example.com kind=offer&region=R-VO&sector=26', 'save.cyr@example.com kind=request',
  ].join('\n'));
});
