// positions.test.mjs: an advocacy position in a real browser, through the
// forms alone (no script of ours): VOICT's manager writes a draft (in
// English UI), opens it for consultation, a member's representative
// comments on a paragraph (in Serbian), the manager publishes a second
// version, opens it for signature and signs for VOICT; the representative
// signs for the company. Then the pages as a user sees them at 1280 and 390
// px in English, Serbian Latin and Cyrillic, and the answered demo position
// printed: as a PDF through Chromium (page.pdf, A4) and as a PNG of the
// print view, to look at. Everything goes to tests/browser/screenshots/.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/positions.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
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
const PW = 'positions browser phrase 2026';
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

let member;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  addUser('manager@example.com', 'Марија Менаџер');
  assert.equal(scan(['user', 'role', 'manager@example.com', 'manager', '--org', 'voict', '--db', server.db]).status, 0);
  member = sqlite(`SELECT o.slug FROM cluster_member m JOIN org o ON o.id = m.org_id JOIN org c ON c.id = m.cluster_id
    WHERE c.slug = 'voict' AND m.left_on IS NULL ORDER BY o.slug LIMIT 1`);
  addUser('rep@example.com', 'Петар Представник');
  assert.equal(scan(['user', 'role', 'rep@example.com', 'representative', '--org', member, '--db', server.db]).status, 0);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, []);
});

async function loggedIn(email) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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

const submit = (page, selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);

test('from draft through consultation to signing, in English and Serbian', async () => {
  const m = await loggedIn('manager@example.com');
  await m.goto(`${server.url}/positions?lang=en`);
  await submit(m, 'a[href="/positions/new"]');
  await m.selectOption('#pos-owner', 'voict');
  await m.fill('#pos-title-sr', 'Брже враћање ПДВ-а извозницима');
  await m.fill('#pos-body-sr', 'Предлажемо рок од 15 дана за повраћај ПДВ-а.\n\nРок би важио за извознике услуга.');
  await m.fill('#pos-title-en', 'Faster VAT refunds for exporters');
  await m.fill('#pos-body-en', 'We propose a 15-day deadline for VAT refunds.\n\nThe deadline would apply to service exporters.');
  await m.check('input[name="tags"][value="area:taxes"]');
  await m.check('input[name="addressees"][value="ministarstvo-privrede"]');
  await submit(m, 'form.pos-form button[type="submit"]');
  assert.match(await m.textContent('[role="status"]'), /Saved/);
  const id = Number(/\/positions\/(\d+)/.exec(m.url())[1]);
  // consultation: a date first forgotten, then given
  await m.selectOption('#pos-to', 'consultation');
  await submit(m, '#stage button[type="submit"]');
  assert.match(await m.textContent('#pos-until-error'), /required/);
  await m.selectOption('#pos-to', 'consultation');
  await m.fill('#pos-until', '2099-03-01');
  await submit(m, '#stage button[type="submit"]');
  assert.equal(sqlite(`SELECT stage FROM position WHERE id = ${id}`), 'consultation');

  // the representative comments on the second paragraph, in Serbian
  const r = await loggedIn('rep@example.com');
  await r.goto(`${server.url}/positions/${id}?lang=sr-Cyrl`);
  await r.click('#para-1 details.pos-comment-form:last-of-type summary');
  await r.fill('#p-1-body', 'Предлажемо да важи и за извознике робе.');
  await submit(r, '#para-1 details.pos-comment-form:last-of-type button[type="submit"]');
  assert.match(await r.textContent('#para-1 .pos-comments'), /извознике робе/);
  await shoot(r, `/positions/${id}`, 'position-consultation');

  // a second version, compared word by word
  await m.goto(`${server.url}/positions/${id}?lang=en`);
  await submit(m, `a[href="/positions/${id}/edit?as=version"]`);
  await m.fill('#pos-body-sr', 'Предлажемо рок од 15 дана за повраћај ПДВ-а.\n\nРок би важио за извознике робе и услуга.');
  await m.fill('#pos-note', 'Додата роба');
  await submit(m, 'form.pos-form button[type="submit"]');
  await m.goto(`${server.url}/positions/${id}?lang=sr-Latn&from=1&to=2#diff`);
  assert.match(await m.textContent('.pos-diff-text ins'), /robe/);
  // signing: the manager for VOICT, the representative for the company
  await m.selectOption('#pos-to', 'signing');
  await submit(m, '#stage button[type="submit"]');
  await submit(m, '#signatures form.form button[type="submit"]');
  await r.goto(`${server.url}/positions/${id}?lang=sr-Cyrl`);
  await submit(r, '#signatures form.form button[type="submit"]');
  assert.equal(sqlite(`SELECT count(*) FROM position_signature WHERE position_id = ${id} AND withdrawn_at IS NULL`), '2');
  await m.goto(`${server.url}/positions/${id}?lang=en`);
  assert.match(await m.textContent('#signatures'), /Signatories: clusters 1, other organisations 1\./);
  await shoot(m, `/positions/${id}`, 'position-signing');
  await shoot(m, '/positions', 'positions-list');
  await m.context().close();
  await r.context().close();
});

test('the answered position printed as an A4 letter: PDF through Chromium and its print view', async () => {
  const id = sqlite("SELECT id FROM position WHERE stage = 'answered'");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/positions/${id}?lang=sr-Cyrl`);
  const pdf = join(SHOTS, 'position-print-sr-Cyrl.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  const head = readFileSync(pdf).subarray(0, 5).toString();
  assert.equal(head, '%PDF-');
  // the print view as a picture: A4 at 96 dpi is 794 px wide
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 794, height: 1123 });
  assert.equal(await page.isVisible('.pos-timeline'), false, 'the timeline and forms are not printed');
  assert.equal(await page.isVisible('.site-header'), false);
  assert.equal(await page.isVisible('.pos-signers'), true, 'the signatories are');
  // a letter to government: SCAN's letterhead, no internal stage or version labels
  assert.equal(await page.isVisible('.pos-letterhead'), true, 'SCAN\'s letterhead is printed');
  assert.match(await page.textContent('.pos-letterhead'), /SCAN/);
  assert.equal(await page.isVisible('.pos-meta'), false, 'no stage or version in the letter');
  assert.equal(await page.isVisible('.pos-share'), true, 'each signatory with its weight');
  const printed = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(printed, /верзија \d/, 'no version label');
  await page.screenshot({ path: join(SHOTS, 'position-print-sr-Cyrl.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  assert.equal(await page.isVisible('.pos-letterhead'), false, 'the letterhead is for print only');
  await shoot(page, `/positions/${id}`, 'position-answered');
  await context.close();
  // the consultation's page, comments on the earlier version opened, in each language
  const consult = sqlite("SELECT id FROM position WHERE stage = 'consultation' AND is_demo = 1");
  const m = await loggedIn('manager@example.com');
  for (const lang of LANGS) {
    for (const width of WIDTHS) {
      await m.setViewportSize({ width, height: 900 });
      await m.goto(`${server.url}/positions/${consult}?lang=${lang}`);
      await m.click('.pos-old-version summary');
      assert.equal(await m.isVisible('.pos-old-para .pos-comment'), true, 'an earlier version\'s comment');
      assert.equal(await m.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true);
      await m.screenshot({ path: join(SHOTS, `position-old-comments-${lang}-${width}.png`), fullPage: true });
    }
  }
  await m.context().close();
});
