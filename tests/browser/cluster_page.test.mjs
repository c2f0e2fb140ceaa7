// cluster_page.test.mjs: the cluster page and its edit page in a real
// browser (issue 11 §4, §8): a manager fills the one form, Serbian and
// English side by side, presses its one Save and is told it saved; the
// profile then shows each text in the reader's language with its lang
// attribute. Both pages load without console errors and without sideways
// scrolling in English, Serbian Latin and Serbian Cyrillic, at desktop
// width and at 390 px; screenshots go to tests/browser/screenshots/ for a
// human to look at. Uses Debian's chromium through playwright-core.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, scan } from '../http/lib.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const MANAGER = { email: 'cp.browser.manager@example.com', password: 'cluster page browser phrase 26' };

let server;
let browser;
let problems = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  for (const args of [['user', 'add', MANAGER.email, '--name', 'Мара Менаџер', '--password-stdin'],
    ['user', 'role', MANAGER.email, 'manager', '--org', 'voict']]) {
    const r = scan([...args, '--db', server.db], { input: `${MANAGER.password}\n` });
    assert.equal(r.status, 0, r.stderr);
  }
  browser = await chromium.launch(LAUNCH);
});

beforeEach(() => { problems = []; });

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(context) {
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  return page;
}

async function checkPage(page, name, lang) {
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `${name}: no sideways overflow (${scrollWidth} > ${clientWidth})`);
  assert.deepEqual(problems, [], `${name}: no console errors, page errors or failed requests`);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function logIn(page) {
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', MANAGER.email);
  await page.fill('input[name="password"]', MANAGER.password);
  await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
}

test('a manager fills the one form in two languages, presses its one Save and is told it saved', async () => {
  const context = await browser.newContext({ viewport: SIZES.desktop, deviceScaleFactor: 1 });
  try {
    const page = await open(context);
    await logIn(page);
    await page.goto(`${server.url}/orgs/voict/cluster/edit?lang=en`);
    const form = page.locator('form[action="/orgs/voict/cluster"]');
    assert.equal(await form.locator('button[type="submit"]').count(), 1, 'one Save');
    await page.fill('#ce-vision', 'Повезана ИКТ Војводина.');
    await page.fill('#ce-vision-en', 'A connected ICT Vojvodina.');
    await page.fill('#ce-mission', 'Развој ИКТ индустрије Војводине.');
    await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').click()]);
    assert.match(await page.locator('.notice[role="status"]').innerText(), /Saved\./);
    await page.goto(`${server.url}/orgs/voict?lang=en`);
    assert.equal(await page.locator('dd[lang="en"]', { hasText: 'A connected ICT Vojvodina.' }).count(), 1);
    assert.equal(await page.locator('dd[lang="sr-Latn"]', { hasText: 'Razvoj IKT industrije Vojvodine.' }).count(), 1);
    assert.ok(await page.locator('.untranslated').first().isVisible(), 'says the mission has no English');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`the cluster page and its edit page in three languages at ${size} width`, async () => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    try {
      const page = await open(context);
      await logIn(page);
      problems = [];
      for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
        await page.goto(`${server.url}/orgs/voict?lang=${lang}`);
        await checkPage(page, `cluster-profile-${lang}-${size}`, lang);
        await page.goto(`${server.url}/orgs/voict/cluster/edit?lang=${lang}`);
        await checkPage(page, `cluster-edit-${lang}-${size}`, lang);
      }
    } finally {
      await context.close();
    }
  });
}
