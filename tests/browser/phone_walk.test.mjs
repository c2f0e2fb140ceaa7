// phone_walk.test.mjs: the awareness pages (issue 17) on a phone, per role.
//
// At 390x844 (a phone held upright) and in English, Serbian Cyrillic and
// Serbian Latin, four people walk the pages the public face is made of:
// anonymous, a member company's representative, a cluster's manager and
// the secretariat. Each sees the home page, /news, one news item, the
// news form (those who may write one), /map coloured by two measures,
// /panorama, the newsletter subscription page, and the secretariat also
// the newsletter compose page and an issue's preview. On every page: no
// horizontal overflow (the document is no wider than the screen; on /map
// the chosen measure's column of the table on screen too, on the compose
// page every subscriber's status inside its card), no script
// error, no message id, and no Cyrillic on a Latin page. Full-page
// screenshots go to tests/browser/screenshots/phone/ to be looked at
// (<role>-<page>-<lang>.png; tools/phone_sheet.mjs lays them out).
// A last walk opens every section at 390 and 320 px, with and without
// scripts: every page of its menu (the navigation's second row) is on the
// screen and takes a tap where it is drawn, and the page (its header with
// the search box) is no wider than the screen.
//
// Run: SCAN_BIN=build-t/scan node --test tests/browser/phone_walk.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, scan } from '../http/lib.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots', 'phone');
const LAUNCH = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const PW = 'phone walk phrase 2026';
const PEOPLE = {
  representative: 'rep.phone@example.com',
  manager: 'manager.phone@example.com',
  secretariat: 'editor.phone@example.com',
};
const LANGS = ['en', 'sr-Cyrl', 'sr-Latn'];
const PHONE = { width: 390, height: 844 };

let server, browser, newsPath, issuePath;
const pageErrors = [];
const problems = []; // all of a walk's findings, asserted at its end

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function ok(r) { assert.equal(r.status, 0, r.stderr); }

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  const cluster = sqlite("SELECT slug FROM org WHERE kind = 'cluster' AND status = 'published' ORDER BY id LIMIT 1");
  const company = sqlite("SELECT slug FROM org WHERE kind = 'company' AND status = 'published' ORDER BY id LIMIT 1");
  const add = (email, name, extra = []) =>
    ok(scan(['user', 'add', email, '--name', name, '--password-stdin', ...extra, '--db', server.db], { input: `${PW}\n` }));
  add(PEOPLE.representative, 'Ана Чланица');
  ok(scan(['user', 'role', PEOPLE.representative, 'representative', '--org', company, '--db', server.db]));
  add(PEOPLE.manager, 'Милица Вестић');
  ok(scan(['user', 'role', PEOPLE.manager, 'manager', '--org', cluster, '--db', server.db]));
  add(PEOPLE.secretariat, 'Секретаријат SCAN', ['--editor']);
  // subscribers with the longest statuses and address beside the demo's
  sqlite(`INSERT INTO news_subscriber(email, lang, created_at, confirmed_at, unsubscribed_at) VALUES
    ('a.rather.long.address.of.a.reader@example.invalid', 'en', strftime('%s', 'now'), strftime('%s', 'now'), strftime('%s', 'now')),
    ('waiting.reader@example.invalid', 'sr-Latn', strftime('%s', 'now'), NULL, NULL)`);
  newsPath = `/news/${sqlite("SELECT slug FROM news WHERE status = 'published' AND publish_at <= strftime('%s', 'now') ORDER BY publish_at DESC LIMIT 1")}`;
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
});

async function phone(role) {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`${role}: ${err.message}`));
  if (role !== 'anonymous') {
    await page.goto(`${server.url}/login?lang=en`);
    await page.fill('input[name="email"]', PEOPLE[role]);
    await page.fill('input[name="password"]', PW);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
    assert.doesNotMatch(new URL(page.url()).pathname, /^\/login/, `${role} logged in`);
  }
  return page;
}

// One page in the three languages: screenshot, no overflow, translated.
async function walk(page, role, name, path) {
  for (const lang of LANGS) {
    const res = await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    if (res.status() !== 200) problems.push(`${role} ${path} ${lang}: ${res.status()}`);
    await page.screenshot({ path: join(SHOTS, `${role}-${name}-${lang}.png`), fullPage: true });
    const over = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('main *')]
        .filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll, .scroll-x, [data-scroll]'))
        .filter((e) => getComputedStyle(e).position !== 'fixed')
        .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
      return { doc: document.documentElement.scrollWidth, w, wide };
    });
    if (path.startsWith('/map')) { // the chosen measure's values are on screen, not scrolled away
      const right = await page.evaluate(() => {
        const c = document.querySelector('#map-table tbody tr td:nth-child(2)');
        return c ? c.getBoundingClientRect().right : 0;
      });
      if (!(right > 0 && right <= over.w)) problems.push(`${role} ${path} ${lang}: the measure column of the table ends at ${right} px on a ${over.w} px screen`);
    }
    if (path === '/admin/newsletter') { // the subscribers' status on screen, not scrolled away in its card
      const cells = await page.evaluate(() => {
        const table = document.querySelector('#nl-subs').closest('section').querySelector('table');
        const col = [...table.querySelectorAll('thead th')].findIndex((th) => /^(Status|Статус)$/.test(th.textContent.trim()));
        const box = table.closest('.table-wrap').getBoundingClientRect();
        const w = document.documentElement.clientWidth;
        return [...table.querySelectorAll('tbody tr')].map((tr) => {
          const c = tr.children[col];
          if (!c) return { text: '', right: -1, ok: false };
          // brought into view vertically only: the card is not scrolled
          // sideways, as a reader who does not know there is more would not
          window.scrollTo(0, c.getBoundingClientRect().top + window.scrollY - 200);
          const r = c.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return { text: c.textContent, right: Math.round(r.right), ok: r.left >= box.left && r.right <= Math.min(w, box.right) + 0.5 && !!hit && (hit === c || c.contains(hit)) };
        });
      });
      if (cells.length < 3) problems.push(`${role} ${path} ${lang}: ${cells.length} subscribers in the table, the demo has 3`);
      for (const c of cells)
        if (!c.ok) problems.push(`${role} ${path} ${lang}: the status "${c.text}" ends at ${c.right} px, past its card or a ${over.w} px screen`);
    }
    if (over.doc > over.w) problems.push(`${role} ${path} ${lang}: the document is ${over.doc} px wide on a ${over.w} px screen (${over.wide.join(', ')})`);
    // the page's own text: not the language switcher, nor a part marked
    // as another language (lang="...")
    const text = await page.evaluate((tag) => {
      const b = document.body.cloneNode(true);
      for (const e of b.querySelectorAll('.lang-switch, [lang]')) if (e.getAttribute('lang') !== tag) e.remove();
      return b.textContent;
    }, lang);
    if (/\bMSG_[A-Z_]+/.test(text)) problems.push(`${role} ${path} ${lang}: a message id`);
    if (lang === 'sr-Latn') {
      const cyr = text.match(/\S*[\u0400-\u04FF]{3,}\S*/g);
      if (cyr) problems.push(`${role} ${path} ${lang}: Cyrillic on the Latin page: ${cyr.slice(0, 8).join(' ')}`);
    }
  }
}

const PUBLIC_PAGES = () => [
  ['home', '/'],
  ['news', '/news'],
  ['news-item', newsPath],
  ['map-employees', '/map?measure=employees'],
  ['map-orgs-per-100k', '/map?measure=orgs_per_100k'],
  ['panorama', '/panorama'],
  ['newsletter', '/newsletter'],
];

for (const role of ['anonymous', 'representative', 'manager', 'secretariat']) {
  test(`a phone walk as ${role}: no page wider than the screen, every label translated`, async () => {
    const page = await phone(role);
    for (const [name, path] of PUBLIC_PAGES()) await walk(page, role, name, path);
    if (role === 'manager' || role === 'secretariat') await walk(page, role, 'news-form', '/news/new');
    if (role === 'secretariat') {
      await walk(page, role, 'newsletter-compose', '/admin/newsletter');
      if (!issuePath) {
        await page.goto(`${server.url}/admin/newsletter?lang=en`);
        await page.fill('#nl-subj-sr', 'Билтен, децембар');
        await page.fill('#nl-intro-sr', 'Драги читаоци, ово је **децембарски** број.');
        await page.fill('#nl-subj-en', 'Newsletter, December');
        await page.fill('#nl-intro-en', 'Dear readers, this is the **December** issue.');
        await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/newsletter"] button[type="submit"]')]);
        issuePath = new URL(page.url()).pathname;
        assert.match(issuePath, /^\/admin\/newsletter\/\d+$/);
      }
      await walk(page, role, 'newsletter-preview', issuePath);
    }
    await page.context().close();
    assert.deepEqual(pageErrors, [], 'no script errors');
    assert.deepEqual(problems.splice(0), [], 'no page wider than the screen, nothing untranslated');
  });
}

// The second row of the navigation (layout.c's sections) on a phone: on
// every section's page, every one of its pages is on the screen and takes
// a tap where it is drawn, without scrolling anything sideways first, at
// 390 and 320 px, with and without scripts (the navigation needs none),
// in the three languages. Signed in, so the pages for the signed-in show
// too. Partners' fourth page lay off a 390 px screen on a line that
// scrolled by itself.
test('on a phone every page of every section\'s menu is on screen and takes a tap, with and without scripts', async () => {
  const found = [];
  for (const width of [390, 320]) {
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${server.url}/login?lang=en`);
      await page.fill('input[name="email"]', PEOPLE.representative);
      await page.fill('input[name="password"]', PW);
      await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
      const sections = await page.$$eval('.main-nav a', (as) => as.map((a) => a.getAttribute('href')));
      assert.equal(sections.length, 7, 'seven sections');
      for (const lang of LANGS) {
        for (const href of sections) {
          await page.goto(`${server.url}${href}?lang=${lang}`);
          const items = await page.$$eval('.sub-nav a', (as) => as.map((a) => {
            const r = a.getBoundingClientRect();
            const w = document.documentElement.clientWidth;
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return {
              text: a.textContent, left: Math.round(r.left), right: Math.round(r.right), w,
              shown: r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= w && r.top >= 0 && r.bottom <= window.innerHeight,
              tap: !!hit && (hit === a || a.contains(hit)),
            };
          }));
          const doc = await page.evaluate(() => document.documentElement.scrollWidth);
          if (doc > width) found.push(`${width} px, scripts ${javaScriptEnabled ? 'on' : 'off'}, ${lang}, ${href}: the page is ${doc} px wide`);
          for (const it of items)
            if (!it.shown || !it.tap)
              found.push(`${width} px, scripts ${javaScriptEnabled ? 'on' : 'off'}, ${lang}, ${href}: "${it.text}" at ${it.left}-${it.right} of ${it.w} px${it.tap ? '' : ', not under a tap'}`);
          if (href === '/network') // the section of the report: all four pages
            assert.equal(items.length, 4, `${href} ${lang}: Partners has four pages`);
        }
      }
      if (width === 390 || !javaScriptEnabled) {
        await page.goto(`${server.url}/network?lang=sr-Cyrl`);
        await page.screenshot({ path: join(SHOTS, `menu-partners-sr-Cyrl-${width}${javaScriptEnabled ? '' : '-nojs'}.png`) });
      }
      // and the last of Partners' pages opens with a tap where it is drawn
      await page.goto(`${server.url}/network?lang=sr-Latn`);
      const last = await page.locator('.sub-nav li:last-child a').boundingBox();
      assert.ok(last.x + last.width <= width, `${width} px: Agreements ends at ${last.x + last.width} px, off the screen`);
      await Promise.all([page.waitForNavigation(), page.mouse.click(last.x + last.width / 2, last.y + last.height / 2)]);
      assert.equal(new URL(page.url()).pathname, '/agreements', `${width} px: the tap opened Agreements`);
      await context.close();
    }
  }
  assert.deepEqual(found, [], 'every menu item on screen and under a tap');
});
