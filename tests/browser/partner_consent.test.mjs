// partner_consent.test.mjs (browser): the University of Niš's
// representative finds agreement #7 of the demo waiting on the start page,
// opens it, confirms it, and the agreement appears on the university's
// profile; screenshots of the consent panel, the start page, a funder's
// profile, /network (funders apart) and /projects (facet counts) in three
// languages at 1280 and 390 px, each checked to be no wider than the screen.
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
const PW = 'consent browser phrase 2026';
const LANGS = ['en', 'sr-Latn', 'sr-Cyrl'];
const WIDTHS = [1280, 390];

let server;
let browser;
const pageErrors = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  const add = scan(['user', 'add', 'rep@example.com', '--name', 'Ивана Представница', '--password-stdin', '--db', server.db], { input: `${PW}\n` });
  assert.equal(add.status, 0, add.stderr);
  assert.equal(scan(['user', 'role', 'rep@example.com', 'representative', '--org', 'univerzitet-u-nisu', '--db', server.db]).status, 0);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, []);
});

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

test('a partner\'s representative confirms an agreement that names the university', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', 'rep@example.com');
  await page.fill('input[name="password"]', PW);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  await shoot(page, '/start', 'consent-start');
  await shoot(page, '/agreements/7', 'consent-agreement');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${server.url}/start?lang=en`);
  await Promise.all([page.waitForNavigation(), page.click('#awaiting a[href="/agreements/7#consent"]')]);
  assert.match(await page.textContent('#consent'), /Awaiting confirmation by University of Niš/);
  await Promise.all([page.waitForNavigation(), page.click('#consent form.inline button[type="submit"]')]);
  assert.match(page.url(), /\/agreements\/7\?confirmed=1/);
  assert.equal(await page.$('#consent'), null, 'nothing waits any more');
  const anon = await browser.newContext();
  const pub = await anon.newPage();
  await pub.goto(`${server.url}/orgs/univerzitet-u-nisu?lang=en`);
  assert.match(await pub.textContent('.relations'), /Cooperation agreement on electronics/);
  await shoot(pub, '/orgs/demo-donor-programme', 'consent-funder-profile');
  await shoot(pub, '/network', 'consent-network');
  await shoot(pub, '/projects', 'consent-projects');
  await anon.close();
  await context.close();
});
