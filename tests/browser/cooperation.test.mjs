// cooperation.test.mjs: the cooperation board in a real browser (issue
// 13): a representative of a NiCAT member publishes a request in Serbian
// Latin and sees, on its page right after publishing, the Cyrillic offer
// of a Vojvodina Metal Cluster member with the reasons (the same NACE
// division and the same words across scripts, no common cluster). Then
// screenshots of the board, a post and the form in three languages at
// desktop and phone width (tests/browser/screenshots/).
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/cooperation.test.mjs
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
const REP = { email: 'rep.nisava@example.com', password: 'representative phrase 2026' };
const OTHER = { email: 'rep.temerin@example.com', password: 'other representative 2026' };

let server;
let browser;
let context;
let page;
let postUrl;
const pageErrors = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  let r = scan(['user', 'add', REP.email, '--name', 'Jelena Predstavnik', '--password-stdin', '--db', server.db],
    { input: `${REP.password}\n` });
  assert.equal(r.status, 0, r.stderr);
  r = scan(['user', 'role', REP.email, 'representative', '--org', 'nisava-elektronik', '--db', server.db]);
  assert.equal(r.status, 0, r.stderr);
  r = scan(['user', 'add', OTHER.email, '--name', 'Marko Temerin', '--password-stdin', '--db', server.db],
    { input: `${OTHER.password}\n` });
  assert.equal(r.status, 0, r.stderr);
  r = scan(['user', 'role', OTHER.email, 'representative', '--org', 'temerin-metal', '--db', server.db]);
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch(LAUNCH);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
});

test('a representative publishes a request and sees its matches with the reasons', async () => {
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', REP.email);
  await page.fill('input[name="password"]', REP.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  await page.goto(`${server.url}/cooperation?lang=en`);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/cooperation/new"]')]);
  await page.selectOption('select[name="kind"]', 'request');
  await page.selectOption('select[name="topic"]', 'supply_chain');
  await page.selectOption('select[name="lang"]', 'sr-Latn');
  await page.fill('input[name="title"]', 'Lasersko sečenje lima za kućišta');
  await page.fill('textarea[name="body"]', 'Tražimo lasersko sečenje i savijanje lima za kućišta uređaja, 2 mm.');
  await page.fill('input[name="title_tr"]', 'Laser cutting of sheet metal for housings');
  await page.fill('textarea[name="body_tr"]', 'We need laser cutting and bending of sheet metal for device housings, 2 mm.');
  await page.selectOption('select[name="nace"]', ['25']);
  await page.selectOption('select[name="geo"]', ['R-JI']);
  await page.screenshot({ path: join(SHOTS, 'cooperation-form-filled-en.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form[action="/cooperation"] button[type="submit"]')]);
  postUrl = new URL(page.url()).pathname;
  assert.match(postUrl, /^\/cooperation\/\d+$/);
  const main = await page.textContent('main');
  assert.match(main, /The post is saved/);
  assert.match(main, /Laser cutting of sheet metal for housings/, 'an English reader sees the translation');
  const matches = await page.textContent('.post-matches');
  assert.match(matches, /Ласерско сечење и савијање лима|Lasersko/, 'the Cyrillic offer of a VMC member');
  assert.match(matches, /both in NACE 25 Manufacture of fabricated metal products/);
  assert.match(matches, /shared words: [^;]*lasersko/i); // as written: Lasersko
  assert.match(matches, /no common cluster/);
  await page.screenshot({ path: join(SHOTS, 'cooperation-post-matches-en.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});

test('another cluster\'s member expresses interest; the author accepts and both see the contacts', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const other = await ctx.newPage();
  other.on('pageerror', (err) => pageErrors.push(err.message));
  await other.goto(`${server.url}/login?lang=sr-Cyrl`);
  await other.fill('input[name="email"]', OTHER.email);
  await other.fill('input[name="password"]', OTHER.password);
  await Promise.all([other.waitForNavigation(), other.click('form[action="/login"] button[type="submit"]')]);
  await other.goto(`${server.url}${postUrl}?lang=sr-Cyrl`);
  await other.click('details.post-action summary:has-text("Изразите интересовање")');
  await other.fill('textarea[name="message"]', 'Имамо ласер од 6 kW и слободне капацитете од марта.');
  await Promise.all([other.waitForNavigation(), other.click(`form[action="${postUrl}/interest"] button[type="submit"]`)]);
  assert.match(await other.textContent('main'), /Ваше интересовање је послато организацији/);
  await page.goto(`${server.url}${postUrl}?lang=en`);
  assert.match(await page.textContent('.post-interest'), /Имамо ласер од 6 kW/);
  assert.doesNotMatch(await page.textContent('main'), /rep\.temerin@example\.com/, 'no contact before accepting');
  await Promise.all([page.waitForNavigation(), page.click('.post-interest form[action$="/accept"] button')]);
  assert.match(await page.textContent('main'), /Your answer is recorded/);
  assert.match(await page.textContent('.post-interest'), /rep\.temerin@example\.com/);
  await page.screenshot({ path: join(SHOTS, 'cooperation-introduction-accepted-en.png'), fullPage: true });
  await other.goto(`${server.url}${postUrl}?lang=sr-Cyrl`);
  assert.match(await other.textContent('main'), /Прихваћено: контакт Jelena Predstavnik, rep\.nisava@example\.com/);
  assert.equal(await other.locator(`form[action="${postUrl}/interest"]`).count(), 0, 'one request per post');
  // the thread: the requester replies, the author reads it on the post's page
  await other.fill('form.thread-reply textarea[name="message"]', 'Шаљемо цене до петка.');
  await Promise.all([other.waitForNavigation(), other.click('form.thread-reply button[type="submit"]')]);
  assert.match(await other.textContent('main'), /Ваш одговор је послат/);
  await page.goto(`${server.url}${postUrl}?lang=en`);
  assert.match(await page.textContent('.post-interest .thread'), /Saljemo cene do petka|Šaljemo cene do petka|Шаљемо цене до петка/);
  await other.screenshot({ path: join(SHOTS, 'cooperation-introduction-accepted-sr-Cyrl.png'), fullPage: true });
  await ctx.close();
  assert.deepEqual(pageErrors, []);
});

test('screenshots: the board, a post and the form, three languages, desktop and 390 px', async () => {
  const anon = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
    for (const [ctx, w] of [[anon, 'desktop'], [phone, '390']]) {
      const p = await ctx.newPage();
      for (const [name, path] of [['board', '/cooperation'], ['post', postUrl]]) {
        const resp = await p.goto(`${server.url}${path}?lang=${lang}`);
        assert.equal(resp.status(), 200, `${path} ${lang}`);
        await p.screenshot({ path: join(SHOTS, `cooperation-${name}-${lang}-${w}.png`), fullPage: true });
      }
      await p.close();
    }
    // the form needs a login: the representative's context, both widths
    for (const [vw, w] of [[{ width: 1280, height: 900 }, 'desktop'], [{ width: 390, height: 844 }, '390']]) {
      await page.setViewportSize(vw);
      const resp = await page.goto(`${server.url}/cooperation/new?lang=${lang}`);
      assert.equal(resp.status(), 200);
      await page.screenshot({ path: join(SHOTS, `cooperation-form-${lang}-${w}.png`), fullPage: true });
    }
  }
  // no horizontal scrolling on a phone
  const p = await phone.newPage();
  await p.goto(`${server.url}${postUrl}?lang=sr-Cyrl`);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the post page fits 390 px (overflow ${overflow})`);
  await anon.close();
  await phone.close();
});
