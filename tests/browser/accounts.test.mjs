// accounts.test.mjs: a member representative in a real browser logs in,
// edits their own organisation, and is refused on someone else's.
//
// Fixture: the demo directory; a person who represents VOICT (an
// affiliation made with `scan user role ... representative --org voict`).
// Uses Debian's Chromium through playwright-core, like smoke.test.mjs.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/accounts.test.mjs
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
const REP = { email: 'rep.voict@example.com', password: 'representative phrase 2026' };

let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  let r = scan(['user', 'add', REP.email, '--name', 'Milica Predstavnik', '--password-stdin', '--db', server.db],
    { input: `${REP.password}\n` });
  assert.equal(r.status, 0, r.stderr);
  r = scan(['user', 'role', REP.email, 'representative', '--org', 'voict', '--db', server.db]);
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
});

test('a representative logs in through the form', async () => {
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', REP.email);
  await page.fill('input[name="password"]', REP.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  assert.match(new URL(page.url()).pathname, /^\/start/, 'login lands on the start page');
  assert.match(await page.textContent('body'), /Milica Predstavnik/);
  assert.match(await page.textContent('main'), /Organisations you represent/);
});

test('they edit their own organisation and see the change on its profile', async () => {
  const resp = await page.goto(`${server.url}/orgs/voict/edit`);
  assert.equal(resp.status(), 200);
  const text = `Edited in the browser test ${Date.now()}`;
  await page.fill('textarea[name="short_en"]', text);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/orgs/voict"] button[type="submit"]')]);
  assert.match(new URL(page.url()).pathname, /^\/orgs\/voict/);
  assert.match(await page.textContent('main'), new RegExp(text));
  await page.screenshot({ path: join(SHOTS, 'rep-own-profile.png'), fullPage: true });
});

test('they are refused on another organisation', async () => {
  const resp = await page.goto(`${server.url}/orgs/vmc/edit`);
  assert.equal(resp.status(), 403);
  assert.match(await page.textContent('h1'), /Not allowed/);
  await page.screenshot({ path: join(SHOTS, 'rep-refused.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});
