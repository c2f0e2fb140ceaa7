// polish.test.mjs: issue 11 §3, §4, §8 in a real browser (Debian's
// Chromium through playwright-core), desktop and phone.
//
// The secretariat opens the verification queue from the start page,
// filters it, ticks two rows and verifies them; the confirmation shows
// once, the rows leave the queue, and at 390 px the page does not scroll
// sideways. A manager's figures form refused for "1.234" (ambiguous)
// switches to Serbian with what was typed kept, the error now in Serbian;
// written the Serbian way it saves, and the confirmation is in view.
// Screenshots of each step go to tests/browser/screenshots/polish-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
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
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const EDITOR = { email: 'polish.b.editor@example.com', password: 'polish browser editor 2026' };
const MANAGER = { email: 'polish.b.manager@example.com', password: 'polish browser manager 26' };

let server;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  for (const [args, pw] of [
    [['user', 'add', EDITOR.email, '--name', 'Polish Editor', '--editor', '--password-stdin'], EDITOR.password],
    [['user', 'add', MANAGER.email, '--name', 'Polish Manager', '--password-stdin'], MANAGER.password],
    [['user', 'role', MANAGER.email, 'manager', '--org', 'voict'], '']]) {
    const r = scan([...args, '--db', server.db], { input: `${pw}\n` });
    assert.equal(r.status, 0, r.stderr);
  }
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function loggedIn(who, viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await Promise.all([page.waitForNavigation(), page.click('form.form button[type=submit]')]);
  return { page, context, errors };
}

const docWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`the secretariat verifies two rows from the queue (${name})`, async () => {
    const { page, context, errors } = await loggedIn(EDITOR, viewport);
    await page.goto(`${server.url}/start?lang=en`);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/figures/verify"]')]);
    await page.selectOption('#vq-cluster', 'voict');
    await Promise.all([page.waitForNavigation(), page.click('.vq-filters button[type=submit]')]);
    assert.match(page.url(), /cluster=voict/);
    assert.equal(await docWidth(page), viewport.width, 'no sideways scrolling');
    const boxes = page.locator('input[type=checkbox][name=id]');
    const before = await boxes.count();
    assert.ok(before >= 2, `rows to verify: ${before}`);
    const ids = [await boxes.nth(0).getAttribute('value'), await boxes.nth(1).getAttribute('value')];
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.screenshot({ path: join(SHOTS, `polish-queue-en-${name}.png`), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click('button[name=scope][value=selected]')]);
    assert.equal(await page.locator('[role=status]').innerText(), 'Figure rows marked as verified: 2.');
    for (const id of ids) assert.equal(await page.locator(`input[name=id][value="${id}"]`).count(), 0, `row ${id} left the queue`);
    assert.equal(await boxes.count(), before - 2);
    await page.reload();
    assert.equal(await page.locator('.notice-once').count(), 0, 'shown once');
    for (const lang of ['sr-Latn', 'sr-Cyrl']) {
      await page.goto(`${server.url}/figures/verify?cluster=voict&lang=${lang}`);
      assert.equal(await docWidth(page), viewport.width, `${lang}: no sideways scrolling`);
      await page.screenshot({ path: join(SHOTS, `polish-queue-${lang}-${name}.png`), fullPage: true });
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a refused figures form switches language with what was typed, then saves the Serbian way', async () => {
  const { page, context, errors } = await loggedIn(MANAGER, PHONE);
  await page.goto(`${server.url}/orgs/backa-kod/figures?lang=en`);
  await page.fill('#fe-year', '2015');
  await page.fill('#fe-employees', '75');
  await page.fill('#fe-revenue', '1.234');
  await Promise.all([page.waitForNavigation(), page.click('.fig-entry button[type=submit]')]);
  assert.match(await page.locator('#fe-revenue-error').innerText(), /Read as 1234 or as 1\.234\?/);
  await page.screenshot({ path: join(SHOTS, 'polish-refused-en-phone.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('.lang-switch button[lang=sr-Cyrl]')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'sr-Cyrl');
  assert.equal(await page.inputValue('#fe-year'), '2015');
  assert.equal(await page.inputValue('#fe-employees'), '75');
  assert.equal(await page.inputValue('#fe-revenue'), '1.234');
  assert.match(await page.locator('#fe-revenue-error').innerText(), /Да ли је то 1234 или 1,234\?/);
  assert.equal(await docWidth(page), PHONE.width);
  await page.screenshot({ path: join(SHOTS, 'polish-refused-sr-Cyrl-phone.png'), fullPage: true });
  await page.fill('#fe-revenue', '1.234.567,89');
  await Promise.all([page.waitForNavigation(), page.click('.fig-entry button[type=submit]')]);
  const notice = page.locator('[role=status].notice-once');
  assert.equal(await notice.innerText(), 'Подаци за 2015. су сачувани.');
  assert.ok(await notice.isVisible() && (await notice.boundingBox()).y < PHONE.height, 'the confirmation is in view');
  assert.match(await page.locator('#fig-2015').innerText(), /1\.234\.567 EUR/);
  await page.screenshot({ path: join(SHOTS, 'polish-saved-sr-Cyrl-phone.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
