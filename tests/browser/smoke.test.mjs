// smoke.test.mjs: browser smoke test of the real `scan` binary.
//
// Starts the server with tests/http/lib.mjs (SCAN_BIN, default
// build-asan/scan) and drives Debian's Chromium through playwright-core
// (never a downloaded browser). For each language it opens the home page,
// fails on any console error (CSP violations included), uncaught page
// error, failed request or HTTP status >= 400, checks <html lang>, the
// h1, that the stylesheet applied and that nothing overflows sideways,
// and saves a full-page screenshot to tests/browser/screenshots/ (git-
// ignored) for a human to look at. Also a phone-width home page and the
// 404 page.
//
// Run: node --test tests/browser/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../http/lib.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const TRANSPARENT = new Set(['transparent', 'rgba(0, 0, 0, 0)']);

let server;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// openPage: a fresh context (no cookies carried between languages) and a
// page whose problems are collected into the returned array. The document
// at `expectStatusUrl` may answer >= 400 (the 404 page itself); Chromium
// logs that as a console error too, which is skipped for that URL only.
async function openPage(viewport, { expectStatusUrl } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (expectStatusUrl && msg.location().url === expectStatusUrl
        && msg.text().startsWith('Failed to load resource')) return;
    problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.url() !== expectStatusUrl)
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { context, page, problems };
}

// checkLayout: the assertions every page shares.
async function checkLayout(page, problems, lang) {
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  const h1 = page.locator('h1');
  assert.equal(await h1.count(), 1, 'exactly one h1');
  assert.ok(await h1.isVisible(), 'h1 is visible');
  assert.ok((await h1.innerText()).trim().length > 0, 'h1 is not empty');
  const headerBg = await page.$eval('.site-header', (el) => getComputedStyle(el).backgroundColor);
  assert.ok(!TRANSPARENT.has(headerBg), `stylesheet applied (header background ${headerBg})`);
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `no sideways overflow (${scrollWidth} > ${clientWidth})`);
  assert.deepEqual(problems, [], 'no console errors, page errors or failed requests');
}

for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
  test(`home page renders cleanly in ${lang}`, async () => {
    const { context, page, problems } = await openPage(DESKTOP);
    try {
      const res = await page.goto(`${server.url}/?lang=${lang}`, { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      await checkLayout(page, problems, lang);
      await page.screenshot({ path: join(SHOTS, `home-${lang}.png`), fullPage: true });
    } finally {
      await context.close();
    }
  });
}

test('home page fits a phone screen (390x844)', async () => {
  const { context, page, problems } = await openPage(PHONE);
  try {
    const res = await page.goto(`${server.url}/?lang=en`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    await checkLayout(page, problems, 'en');
    await page.screenshot({ path: join(SHOTS, 'home-en-mobile.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

// The header's search hint was cut to "Претражит" in Cyrillic: measure the
// placeholder with the input's own font against the room inside the input,
// in every language, on a 1366 px laptop and on a phone, and require the
// header to keep its languages on the first row on the laptop.
for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
  for (const [label, viewport] of [['1366 px', { width: 1366, height: 800 }], ['phone', PHONE]]) {
    test(`the header search hint is never cut (${lang}, ${label})`, async () => {
      const { context, page } = await openPage(viewport);
      try {
        await page.goto(`${server.url}/figures?lang=${lang}`, { waitUntil: 'load' });
        const m = await page.$eval('#site-q', (el) => {
          const cs = getComputedStyle(el);
          const ctx = document.createElement('canvas').getContext('2d');
          ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
          const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
          return { text: el.placeholder, need: ctx.measureText(el.placeholder).width, room };
        });
        assert.ok(m.text.length > 0, 'the search box has a hint');
        assert.ok(m.need <= m.room, `"${m.text}" needs ${m.need.toFixed(0)} px, the box has ${m.room.toFixed(0)} px`);
        if (viewport.width === 1366) {
          // brand and sections on one row; the section's pages and the
          // search box on the row below it, the box at the right
          const box = await page.evaluate(() => ['.brand', '.main-nav', '.search-box']
            .map((q) => document.querySelector(q).getBoundingClientRect())
            .map((b) => ({ top: Math.round(b.top), bottom: Math.round(b.bottom), right: Math.round(b.right) })));
          assert.ok(Math.abs(box[0].top - box[1].top) < 20, `brand and sections on one row: ${JSON.stringify(box)}`);
          assert.ok(box[2].top >= Math.max(box[0].bottom, box[1].bottom) - 2, `search below them: ${JSON.stringify(box)}`);
          assert.ok(Math.abs(box[2].right - box[1].right) < 16, `search box aligned right: ${JSON.stringify(box)}`);
          const bar = await page.evaluate(() => {
            const l = document.querySelector('.account-bar .lang-switch').getBoundingClientRect();
            const u = document.querySelector('.account-bar .user-area').getBoundingClientRect();
            return { lang: Math.round(l.top), user: Math.round(u.top), height: Math.round(l.height) };
          });
          assert.ok(Math.abs(bar.lang - bar.user) < 12 && bar.height < 40, `language switch in the top bar: ${JSON.stringify(bar)}`);
        }
      } finally {
        await context.close();
      }
    });
  }
}

test('unknown address shows the styled 404 page', async () => {
  const url = `${server.url}/no-such-page?lang=en`;
  const { context, page, problems } = await openPage(DESKTOP, { expectStatusUrl: url });
  try {
    const res = await page.goto(url, { waitUntil: 'load' });
    assert.equal(res.status(), 404);
    assert.equal((await page.locator('.error-status').innerText()).trim(), '404');
    await checkLayout(page, problems, 'en');
    await page.screenshot({ path: join(SHOTS, '404-en.png'), fullPage: true });
  } finally {
    await context.close();
  }
});
