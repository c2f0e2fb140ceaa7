// directory.test.mjs: the directory in a real browser.
//
// An admin logs in, meets the entry form's errors, creates an entry with
// a Cyrillic name, finds it through the header search box's typeahead
// (typed in Cyrillic, chosen with the keyboard), opens its profile (whose
// JSON-LD must not trip the CSP), edits it and opens its history. Every
// page must load without console errors (CSP violations included), page
// errors, failed requests or unexpected HTTP errors, have one visible h1,
// the right <html lang> and no sideways overflow. Screenshots of the list,
// profile, history and the form with errors go to tests/browser/screenshots/
// for a human to look at. Uses Debian's Chromium through playwright-core
// (never a downloaded browser), like smoke.test.mjs.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/directory.test.mjs
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
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const ADMIN = { email: 'browser.admin@example.com', password: 'browser admin phrase 2026' };
const NAME = 'Београдски тест кластер паметних градова';

let server;
let browser;
let context;
let page;
let problems = [];
let expected = []; // [url prefix, status] pairs a step allows (a 422 form answer)

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  const r = scan(['user', 'add', ADMIN.email, '--name', 'Jelena Admin', '--admin', '--password-stdin', '--db', server.db],
    { input: `${ADMIN.password}\n` });
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch(LAUNCH);
  context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 });
  page = await context.newPage();
  const allowed = (url, status) => expected.some(([p, s]) => url.startsWith(server.url + p) && s === status);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const m = /status of (\d+)/.exec(msg.text());
    if (m && allowed(msg.location().url, Number(m[1]))) return;
    problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // a navigation that starts while a request is in flight (the favicon,
    // the typeahead's fetch) aborts it: not a failure of the page
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !allowed(res.url(), res.status()))
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
});

beforeEach(() => { problems = []; expected = []; });

after(async () => {
  await browser?.close();
  await server?.stop();
});

// The checks every page gets, then a screenshot when name is given.
async function checkPage(name, lang = 'en') {
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  const h1 = page.locator('h1');
  assert.equal(await h1.count(), 1, 'exactly one h1');
  assert.ok(await h1.isVisible(), 'h1 is visible');
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `no sideways overflow (${scrollWidth} > ${clientWidth})`);
  assert.deepEqual(problems, [], 'no console errors, page errors or failed requests');
  if (name) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test('log in as admin', async () => {
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', ADMIN.email);
  await page.fill('input[name="password"]', ADMIN.password);
  await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  assert.doesNotMatch(page.url(), /\/login/);
  assert.deepEqual(problems, []);
});

test('the entry form shows every error next to its field and keeps what was typed', async () => {
  await page.goto(`${server.url}/orgs/new`);
  await checkPage(null);
  expected = [['/orgs', 422]];
  await page.fill('#org-name', '');
  await page.fill('#org-email', 'not-an-address');
  await page.fill('#org-year_founded', 'nineteen');
  await page.fill('#org-pib', '101134703');
  await page.fill('#org-website', 'www.example.com');
  await page.fill('#org-short_en', 'What I typed stays.');
  await Promise.all([page.waitForNavigation(), page.click('.org-form .form-actions button[type="submit"]')]);
  expected = [];
  assert.ok(await page.isVisible('.error-summary'));
  for (const field of ['name', 'kind', 'email', 'year_founded', 'pib', 'website']) {
    const err = page.locator(`#org-${field}-error`);
    assert.equal(await err.count(), 1, `error for ${field}`);
    assert.ok(await err.isVisible(), `${field}'s error is visible`);
  }
  assert.equal(await page.getAttribute('#org-email', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#org-email'), 'not-an-address');
  assert.equal(await page.inputValue('#org-short_en'), 'What I typed stays.');
  // the summary's links lead to the fields
  assert.equal(await page.getAttribute('.error-summary a[href="#org-email"]', 'href'), '#org-email');
  await checkPage('org-form-errors');
  await page.screenshot({ path: join(SHOTS, 'org-form-errors-top.png') });
});

test('create an entry with a Cyrillic name through the form', async () => {
  await page.goto(`${server.url}/orgs/new`);
  await page.fill('#org-name', NAME);
  await page.fill('#org-name_en', 'Belgrade Smart City Test Cluster');
  await page.fill('#org-acronym', 'БТК');
  await page.selectOption('#org-kind', 'cluster');
  await page.fill('#org-year_founded', '2016');
  await page.check('input[name="sectors"][value="J"]');
  await page.check('input[name="sectors"][value="62"]');
  await page.check('input[name="fos"][value="2.2"]');
  await page.check('input[name="geo"][value="RS"]');
  await page.check('input[name="geo"][value="WB"]');
  await page.fill('#org-website', 'https://smart.example.rs');
  await page.fill('#org-email', 'office@smart.example.rs');
  await page.fill('#org-phone', '+381 11 123 4567');
  await page.fill('#org-address', 'Булевар краља Александра 73');
  await page.fill('#org-municipality', 'Београд');
  await page.selectOption('#org-region', 'BG');
  await page.selectOption('#org-district', 'BEOGRAD');
  await page.fill('#org-short_sr', 'Кластер предузећа и факултета који развијају решења за паметне градове.');
  await page.fill('#org-short_en', 'Companies and faculties building smart-city solutions together.');
  await page.fill('#org-description_sr', 'Основан 2016. године.\n\nОкупља више од тридесет чланова из Београда и околине.');
  await page.check('#org-status-published');
  await Promise.all([page.waitForNavigation(), page.click('.org-form .form-actions button[type="submit"]')]);
  assert.match(page.url(), /\/orgs\/[a-z0-9-]+$/);
  assert.equal((await page.locator('h1').innerText()).trim(), 'Belgrade Smart City Test Cluster BTK');
  assert.deepEqual(problems, []);
});

test('the header search typeahead finds it by a Cyrillic query and opens it by keyboard', async () => {
  await page.goto(`${server.url}/orgs?lang=sr-Cyrl`);
  const box = page.locator('#site-q');
  await box.click();
  await box.pressSequentially('Београдски', { delay: 20 });
  const option = page.locator('.suggest [role="option"]', { hasText: NAME });
  await option.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  assert.equal(await box.getAttribute('role'), 'combobox');
  await page.screenshot({ path: join(SHOTS, 'typeahead-sr-Cyrl.png') });
  // arrow down until our entry is the active descendant, then Enter
  const options = await page.locator('.suggest [role="option"]').allInnerTexts();
  const index = options.findIndex((t) => t.includes(NAME));
  for (let i = 0; i <= index; i++) await box.press('ArrowDown');
  const active = await box.getAttribute('aria-activedescendant');
  assert.equal(await page.getAttribute(`#${active}`, 'aria-selected'), 'true');
  await Promise.all([page.waitForNavigation(), box.press('Enter')]);
  assert.match(page.url(), /\/orgs\/[a-z0-9-]+$/);
  assert.equal((await page.locator('h1').innerText()).trim(), `${NAME} БТК`);
  // Escape closes the list
  await box.click();
  await box.pressSequentially('Беог', { delay: 20 });
  await page.locator('.suggest [role="option"]').first().waitFor({ state: 'visible' });
  await box.press('Escape');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  assert.deepEqual(problems, []);
});

test('the search page highlights the words found', async () => {
  await page.goto(`${server.url}/search?q=${encodeURIComponent('beogradski pametnih')}&lang=sr-Latn`);
  await checkPage('search-sr-Latn', 'sr-Latn');
  const marks = await page.locator('.results mark').allInnerTexts();
  assert.ok(marks.includes('Beogradski'), `marks: ${marks}`);
  assert.ok(marks.includes('pametnih'), `marks: ${marks}`);
});

test('the profile renders with JSON-LD and no CSP violation', async () => {
  await page.goto(`${server.url}/orgs?lang=en`);
  await page.goto(`${server.url}/search?q=${encodeURIComponent(NAME)}`);
  await Promise.all([page.waitForNavigation(), page.locator('.results .org-name a').first().click()]);
  const ld = await page.locator('script[type="application/ld+json"]').textContent();
  const doc = JSON.parse(ld);
  assert.equal(doc['@type'], 'Organization');
  assert.equal(doc.name, 'Belgrade Smart City Test Cluster');
  assert.ok(await page.isVisible('.profile-side'));
  assert.match(await page.locator('.profile-foot').innerText(), /Entry created by Jelena Admin on .* · Modified on /);
  await checkPage('org-profile-en');
  await page.goto(`${page.url()}?lang=sr-Cyrl`);
  await checkPage('org-profile-sr-Cyrl', 'sr-Cyrl');
  await page.goto(page.url().replace('lang=sr-Cyrl', 'lang=en'));
});

test('edit the entry and open its history', async () => {
  await Promise.all([page.waitForNavigation(), page.click('.profile-actions a.button')]);
  await checkPage('org-edit-en');
  await page.fill('#org-short_en', 'Companies, faculties and the city building smart-city solutions.');
  await page.fill('#org-phone', '+381 11 765 4321');
  await Promise.all([page.waitForNavigation(), page.click('.org-form .form-actions button[type="submit"]')]);
  assert.match(await page.locator('.profile-main .lead').innerText(), /and the city/);
  await Promise.all([page.waitForNavigation(), page.click('.profile-foot a')]);
  assert.match(page.url(), /\/history$/);
  assert.equal(await page.locator('.revision').count(), 2);
  const diff = await page.locator('.revision').first().locator('table.diff').innerText();
  assert.match(diff, /Short description in English/);
  assert.match(diff, /\+381 11 765 4321/);
  await checkPage('org-history-en');
});

test('the directory list, on a desktop and on a phone', async () => {
  await page.goto(`${server.url}/orgs?lang=en`);
  await checkPage('org-list-en');
  // a filter select submits by itself and leaves no empty parameters
  await Promise.all([page.waitForNavigation(), page.selectOption('#f-kind', 'cluster')]);
  assert.equal(new URL(page.url()).search, '?kind=cluster');
  await checkPage('org-list-filtered-en');
  await page.setViewportSize(PHONE);
  await page.goto(`${server.url}/orgs?lang=sr-Cyrl`);
  await checkPage('org-list-sr-Cyrl-mobile', 'sr-Cyrl');
  await page.setViewportSize(DESKTOP);
});
