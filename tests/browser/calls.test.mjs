// calls.test.mjs: funding calls in a real browser. The secretariat's
// editor enters a call through the form (17:00 Brussels time, a cluster
// rule and a region rule), sees which clusters it matches on the call's
// page, and a manager follows it. Screenshots of the list, the call's
// page and a cluster's "calls you can apply for" (English, Serbian
// Cyrillic and Latin; 1280 and 390 px wide) go to
// tests/browser/screenshots/.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/calls.test.mjs
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
const PW = 'calls browser phrase 2026';
const EDITOR = 'editor.calls@example.com', MANAGER = 'manager.calls@example.com';

let server;
let browser;
let cluster;
const pageErrors = [];

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function addUser(email, extra) {
  const r = scan(['user', 'add', email, '--name', email.split('.')[0], '--password-stdin', ...extra, '--db', server.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  cluster = sqlite("SELECT slug FROM org WHERE kind = 'cluster' AND region = 'VO' AND status = 'published' ORDER BY id LIMIT 1");
  addUser(EDITOR, ['--editor']);
  addUser(MANAGER, []);
  const r = scan(['user', 'role', MANAGER, 'manager', '--org', cluster, '--db', server.db]);
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

let callUrl;

test('the secretariat enters a call and sees which clusters it matches; a mistake is shown beside its field', async () => {
  const page = await loggedIn(EDITOR);
  await page.goto(`${server.url}/calls/new?lang=en`);
  await page.fill('#call-title_sr', 'Позив за војвођанске кластере');
  await page.fill('#call-title_en', 'Call for Vojvodina clusters');
  await page.fill('#call-funder', 'Ministry of Economy'); // a name, not an address
  await page.fill('#call-programme', 'Regional programme');
  await page.fill('#call-opens_on', '2099-02-01');
  await page.fill('#call-deadline_date', '2099-01-15');
  await page.fill('#call-deadline_time', '17:00');
  await page.selectOption('#call-deadline_tz', 'Europe/Brussels');
  await page.fill('#call-grant_min', '10000');
  await page.fill('#call-grant_max', '40000');
  await page.fill('#call-cofin', '20');
  await page.selectOption('#call-rule-1', 'kind:cluster');
  await page.selectOption('#call-rule-2', 'region:VO');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/calls"] button[type="submit"]')]);
  assert.match(await page.textContent('.field-invalid'), /The deadline must come after the opening date/);
  await page.screenshot({ path: join(SHOTS, 'call-form-error-en-1280.png'), fullPage: true });
  await page.fill('#call-deadline_date', '2099-03-15');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/calls"] button[type="submit"]')]);
  callUrl = new URL(page.url()).pathname;
  assert.match(callUrl, /^\/calls\/\d+$/);
  const text = await page.textContent('main');
  assert.match(text, /Clusters that may apply/);
  assert.ok(await page.$(`section[aria-labelledby="eligible-clusters"] a[href="/orgs/${cluster}"]`), 'the Vojvodina cluster is listed');
  assert.match(text, /15 Mar 2099 17:00 Brussels, EU \(17:00 in Belgrade\)/);
  await page.context().close();
});

test('a manager follows the call; screenshots in three languages at two widths', async () => {
  const page = await loggedIn(MANAGER);
  await page.goto(`${server.url}${callUrl}?lang=en`);
  await Promise.all([page.waitForNavigation(), page.click(`form[action="${callUrl}/follow"] button`)]);
  assert.match(await page.textContent('main'), /You follow this call now/);
  assert.equal(sqlite(`SELECT count(*) FROM funding_call_follow WHERE call_id = ${callUrl.split('/')[2]}`), '1');
  await page.context().close();
  for (const lang of ['en', 'sr-Cyrl', 'sr-Latn'])
    for (const width of [1280, 390]) {
      const p = await loggedIn(MANAGER, { width, height: 900 }, lang);
      for (const [name, path] of [['calls', '/calls'], ['call', callUrl], ['profile', `/orgs/${cluster}`]]) {
        if (!path) continue;
        await p.goto(`${server.url}${path}?lang=${lang}`);
        if (name === 'profile') await p.locator('#calls-for').scrollIntoViewIfNeeded();
        await p.screenshot({ path: join(SHOTS, `call-${name}-${lang}-${width}.png`), fullPage: name !== 'profile' });
      }
      await p.context().close();
    }
});

test('the form in three languages at two widths: the zone select, the funder by name, the rule selects', async () => {
  const id = callUrl.split('/')[2];
  for (const lang of ['en', 'sr-Cyrl', 'sr-Latn'])
    for (const width of [1280, 390]) {
      const p = await loggedIn(EDITOR, { width, height: 900 }, lang);
      await p.goto(`${server.url}/calls/${id}/edit?lang=${lang}`);
      assert.equal(await p.inputValue('#call-deadline_tz'), 'Europe/Brussels');
      assert.equal(await p.inputValue('#call-rule-1'), 'kind:cluster');
      assert.notEqual(await p.inputValue('#call-funder'), 'ministarstvo-privrede');
      await p.screenshot({ path: join(SHOTS, `call-form-${lang}-${width}.png`), fullPage: true });
      // words that match several entries: the choice beside the field
      await p.fill('#call-funder', 'klaster');
      await Promise.all([p.waitForNavigation(), p.click(`form[action="/calls/${id}"] button[type="submit"]`)]);
      assert.ok(await p.$('#call-funder-choice'), 'a select of the matching entries');
      await p.locator('#call-funder-choice').scrollIntoViewIfNeeded();
      await p.screenshot({ path: join(SHOTS, `call-form-funder-choice-${lang}-${width}.png`) });
      await p.context().close();
    }
});

test('a deadline the clocks skip, refused beside the time; the repeated hour said on the page', async () => {
  const id = callUrl.split('/')[2];
  for (const lang of ['en', 'sr-Latn']) {
    const p = await loggedIn(EDITOR, { width: 390, height: 900 }, lang);
    await p.goto(`${server.url}/calls/${id}/edit?lang=${lang}`);
    await p.fill('#call-deadline_date', '2099-03-29');
    await p.fill('#call-deadline_time', '02:30');
    await p.selectOption('#call-deadline_tz', 'Europe/Belgrade');
    await Promise.all([p.waitForNavigation(), p.click(`form[action="/calls/${id}"] button[type="submit"]`)]);
    await p.locator('#call-deadline_time').scrollIntoViewIfNeeded();
    assert.match(await p.textContent('#call-deadline_time-error'), /02:00.*03:00/);
    await p.screenshot({ path: join(SHOTS, `call-form-dst-gap-${lang}-390.png`) });
    await p.fill('#call-deadline_date', '2099-10-25');
    await Promise.all([p.waitForNavigation(), p.click(`form[action="/calls/${id}"] button[type="submit"]`)]);
    assert.ok(await p.$('.call-twice'));
    await p.screenshot({ path: join(SHOTS, `call-twice-${lang}-390.png`) });
    await p.context().close();
  }
});
