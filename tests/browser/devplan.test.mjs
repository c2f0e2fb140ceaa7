// devplan.test.mjs: a cluster manager's development plan in a real
// browser, without a script of ours doing the work: from the start page to
// the plan, add a goal (ticking its benchmarking groups), add an action,
// mark it done; then the pages as a user sees them. Screenshots of the
// plan, the mentoring pair and the support report in English, Serbian
// Latin and Serbian Cyrillic, at 1280 and 390 px wide, go to
// tests/browser/screenshots/.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/devplan.test.mjs
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
const PW = 'devplan browser phrase 2026';
const LANGS = ['en', 'sr-Latn', 'sr-Cyrl'];
const WIDTHS = [1280, 390];

let server;
let browser;
const pageErrors = [];

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function addUser(email, name, extra = []) {
  const add = scan(['user', 'add', email, '--name', name, '--password-stdin', ...extra, '--db', server.db], { input: `${PW}\n` });
  assert.equal(add.status, 0, add.stderr);
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  addUser('manager@example.com', 'Марија Менаџер');
  assert.equal(scan(['user', 'role', 'manager@example.com', 'manager', '--org', 'voict', '--db', server.db]).status, 0);
  addUser('mentor@example.com', 'Петар Ментор');
  assert.equal(scan(['user', 'role', 'mentor@example.com', 'manager', '--org', 'vmc', '--db', server.db]).status, 0);
  addUser('admin@example.com', 'Admin', ['--admin']);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, []);
});

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

test('a manager adds a goal and an action to the plan and marks it done', async () => {
  const page = await loggedIn('manager@example.com', { width: 1280, height: 900 });
  await page.goto(`${server.url}/start?lang=en`);
  assert.match(await page.textContent('#plan-work'), /Actions past their deadline: 1\./);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/orgs/voict/plan"]')]);
  assert.equal(new URL(page.url()).pathname, '/orgs/voict/plan');
  // a goal with two groups
  await page.fill('#goal-new-title', 'More members from Novi Sad');
  await page.fill('#goal-new-description', 'Five new member companies by the end of the year.');
  await page.check('#new-goal input[value="structure"]');
  await page.check('#new-goal input[value="interaction"]');
  await Promise.all([page.waitForNavigation(), page.click('#new-goal button[type="submit"]')]);
  assert.match(await page.textContent('[role="status"]'), /Saved/);
  const goal = sqlite("SELECT max(id) FROM devplan_goal");
  const section = `#goal-${goal}`;
  assert.match(await page.textContent(section), /Structure of the cluster/);
  // an action: open "Add an action", fill it, save
  await page.click(`${section} details.plan-add summary`);
  await page.fill(`#goal-${goal}-new-action-title`, 'Visit the Novi Sad business incubator');
  const me = sqlite("SELECT id FROM person WHERE email = 'manager@example.com'");
  assert.match(await page.textContent(`#goal-${goal}-new-action-owner`), /Marija Menadžer/, 'names in the reader\'s script');
  await page.selectOption(`#goal-${goal}-new-action-owner`, me);
  await page.fill(`#goal-${goal}-new-action-deadline`, '2099-05-15');
  await Promise.all([page.waitForNavigation(), page.click(`${section} details.plan-add button[type="submit"]`)]);
  const action = sqlite('SELECT max(id) FROM devplan_action');
  assert.match(await page.textContent(`#action-${action}`), /Planned/);
  // a mistake first: a done date with the status still planned
  await page.click(`#action-${action} summary`);
  await page.fill(`#action-${action}-edit-done-on`, '2026-12-01');
  await Promise.all([page.waitForNavigation(), page.click(`#action-${action} button[type="submit"]`)]);
  assert.match(await page.textContent(`#action-${action}-edit-done-on-error`), /only with the status Done/);
  await page.screenshot({ path: join(SHOTS, 'devplan-error-en-1280.png'), fullPage: true });
  // then done
  await page.selectOption(`#action-${action}-edit-status`, 'done');
  await Promise.all([page.waitForNavigation(), page.click(`#action-${action} button[type="submit"]`)]);
  assert.match(await page.textContent(`#action-${action}`), /Done/);
  assert.match(await page.textContent('#history'), /Action changed/);
  assert.equal(sqlite(`SELECT status || ' ' || done_on FROM devplan_action WHERE id = ${action}`), 'done 2026-12-01');
  await shoot(page, '/orgs/voict/plan', 'devplan');
  await page.context().close();
});

test('the mentoring pair and the support report look right in every language and width', async () => {
  const mentor = await loggedIn('mentor@example.com', { width: 1280, height: 900 });
  const pair = sqlite('SELECT id FROM mentoring WHERE is_demo = 1');
  await mentor.goto(`${server.url}/start?lang=en`);
  await Promise.all([mentor.waitForNavigation(), mentor.click(`a[href="/mentoring/${pair}"]`)]);
  assert.match(await mentor.textContent('h1'), /mentored by/);
  await shoot(mentor, `/mentoring/${pair}`, 'mentoring');
  await mentor.context().close();
  const admin = await loggedIn('admin@example.com', { width: 1280, height: 900 });
  await shoot(admin, '/admin/support', 'support');
  await shoot(admin, '/admin/mentoring', 'mentoring-admin');
  await admin.context().close();
});
