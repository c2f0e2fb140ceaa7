// panorama.test.mjs: the public face of Serbian clusters (issue 17) in a
// real browser: the district map coloured by two measures through its
// plain GET form, legible in grey when printed (its five shades fall
// steadily in lightness, every tile carries its value); the panorama's
// filters and its card/table toggle; the home page's "at a glance" in one
// screen. Every page in English, Serbian Cyrillic and Latin at 1280 and
// 390 px: one h1, the right <html lang>, no sideways overflow, no console
// errors. Screenshots go to tests/browser/screenshots/ for a human.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/panorama.test.mjs
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../http/lib.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const LAUNCH = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const LANGS = ['en', 'sr-Cyrl', 'sr-Latn'];

let server;
let browser;
let problems = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  browser = await chromium.launch(LAUNCH);
});
beforeEach(() => { problems = []; });
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  return { context, page };
}

async function checkPage(page, name, lang) {
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  assert.ok(scrollWidth <= clientWidth, `no sideways overflow (${scrollWidth} > ${clientWidth})`);
  assert.deepEqual(problems, []);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// The tiles' classes and values: { 'City of Belgrade': 'm4 8', ... }.
async function tiles(page, id) {
  return page.$$eval(`#${id} g.tile`, (gs) => Object.fromEntries(gs.map((g) => [
    g.querySelector('title').textContent.split(':')[0],
    `${g.querySelector('rect').getAttribute('class')} ${g.querySelector('.tv').textContent}`])));
}

test('the map is coloured by one measure, then another through its form, and links each district to the directory', async () => {
  const { context, page } = await open();
  try {
    await page.goto(`${server.url}/map?lang=en`);
    const clusters = await tiles(page, 'map');
    assert.equal(Object.keys(clusters).length, 30);
    assert.match(await page.locator('#map figcaption').innerText(), /Clusters/);
    await page.selectOption('#map-measure', 'employees');
    await Promise.all([page.waitForNavigation(), page.click('.map-controls button[type="submit"]')]);
    assert.match(page.url(), /measure=employees/);
    assert.match(await page.locator('#map figcaption').innerText(), /Employees of members/);
    const employees = await tiles(page, 'map');
    assert.notDeepEqual(employees, clusters, 'another measure, other colours and values');
    assert.ok(Object.values(employees).some((v) => /^m4 /.test(v)), 'the darkest class is used');
    // a tile leads to the directory filtered to its district
    await Promise.all([page.waitForNavigation(), page.click('#map a[href="/orgs?district=JUZNOBACKI"]')]);
    assert.match(page.url(), /\/orgs\?district=JUZNOBACKI$/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the map printed: five shades of falling lightness, a value on every tile, hatching for no data', async () => {
  const { context, page } = await open();
  try {
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${server.url}/map?measure=orgs_per_100k&lang=en`);
    // relative luminance of each class's fill
    const lum = await page.evaluate(() => ['m0', 'm1', 'm2', 'm3', 'm4'].map((c) => {
      const r = document.querySelector(`#map rect.${c}`) || document.querySelector('#map rect.swatch.' + c);
      if (!r) return null;
      const [R, G, B] = getComputedStyle(r).fill.match(/\d+/g).map(Number).map((v) => v / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    }));
    const present = lum.filter((l) => l !== null);
    assert.ok(present.length >= 3, `shades drawn: ${lum}`);
    for (let i = 1; i < present.length; i++) assert.ok(present[i] < present[i - 1] - 0.05, `shade ${i} darker: ${lum}`);
    const values = await page.$$eval('#map g.tile .tv', (ts) => ts.map((t) => t.textContent));
    assert.equal(values.length, 30);
    assert.ok(values.every((v) => v.length > 0), 'every tile says its value');
    assert.ok(await page.locator('#map rect.mnd').count() >= 5, 'Kosovo and Metohija hatched: no census');
    await page.screenshot({ path: join(SHOTS, 'map-print.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the panorama filters to the clusters still finding their path and switches to a table', async () => {
  const { context, page } = await open();
  try {
    await page.goto(`${server.url}/panorama?lang=en`);
    const all = await page.locator('li.pan-card').count();
    assert.ok(all >= 5);
    await page.selectOption('#pan-stage', 'path');
    await page.check('input[name="view"][value="table"]');
    await Promise.all([page.waitForNavigation(), page.click('.pan-controls button[type="submit"]')]);
    const stages = await page.$$eval('#pan-table tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
    assert.ok(stages.length > 0 && stages.length < all);
    for (const s of stages) assert.ok(['Initiative', 'Emerging', 'No stage recorded'].includes(s), s);
    assert.equal(await page.locator('li.pan-card').count(), 0);
    assert.ok(await page.locator('#pan-stage-chart svg').isVisible(), 'the stage chart');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the home page answers at a glance in the first screen', async () => {
  const { context, page } = await open();
  try {
    await page.goto(`${server.url}/?lang=en`);
    const box = await page.locator('section.glance .stats').boundingBox();
    assert.ok(box && box.y + box.height < DESKTOP.height, `the numbers in the first screen (${box?.y})`);
    assert.ok(await page.locator('section.glance figure#home-map').isVisible(), 'the full map on a desktop');
    await Promise.all([page.waitForNavigation(), page.click('section.glance a.stat-link[href="/panorama"]')]);
    assert.match(page.url(), /\/panorama$/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

for (const lang of LANGS) {
  for (const [vw, tag] of [[DESKTOP, '1280'], [PHONE, '390']]) {
    test(`home, map and panorama in ${lang} at ${tag} px`, async () => {
      const { context, page } = await open(vw);
      try {
        for (const [path, name] of [['/', 'home'], ['/map?measure=employees', 'map'], ['/panorama', 'panorama'],
          ['/orgs/voict/share', 'share']]) {
          problems = [];
          const sep = path.includes('?') ? '&' : '?';
          const res = await page.goto(`${server.url}${path}${sep}lang=${lang}`);
          assert.equal(res.status(), 200, path);
          await checkPage(page, `awareness-${name}-${lang}-${tag}`, lang);
        }
      } finally {
        await context.close();
      }
    });
  }
}

// The smallest rendered size, in CSS px, of the texts (tile names, values,
// legend) of the map figure #id: each text's font size in the svg's units
// times the svg's scale.
async function smallestText(page, id) {
  return page.evaluate((fid) => {
    const svg = document.querySelector(`#${fid} svg`);
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text.tl, text.tv, text.legend')]
      .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    return { n: sizes.length, min: Math.min(...sizes), scale };
  }, id);
}

test('on a phone the map is drawn for the phone: every tile name and legend (and value on a desktop) at 11 px or more', async () => {
  for (const lang of LANGS) {
    for (const [vw, shown, hidden] of [[PHONE, 'map-phone', 'map'], [DESKTOP, 'map', 'map-phone']]) {
      const { context, page } = await open(vw);
      try {
        // the home's map at 1280 keeps the full layout in its narrower column
        for (const path of vw === PHONE ? ['/map?measure=revenue', '/'] : ['/map?measure=revenue']) {
          const fig = path === '/' ? `home-${shown}` : shown;
          const other = path === '/' ? `home-${hidden}` : hidden;
          await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          assert.ok(await page.locator(`#${fig} svg`).isVisible(), `${lang} ${vw.width} ${path}: #${fig} shown`);
          assert.ok(!(await page.locator(`#${other} svg`).isVisible()), `#${other} hidden`);
          const t = await smallestText(page, fig);
          assert.ok(t.n >= 32, `${fig}: ${t.n} texts`); // 30 names (the phone: some in two lines), the legend
          assert.ok(t.min >= 11, `${lang} ${vw.width} ${path}: smallest map text ${t.min.toFixed(1)} px (scale ${t.scale.toFixed(2)})`);
          // every tile names its district whole, none cut with an ellipsis
          const titles = await page.$$eval(`#${fig} g.tile title`, (ts) => ts.map((x) => x.textContent));
          assert.equal(titles.length, 30);
          const names = await page.$$eval(`#${fig} g.tile text.tl`, (ts) => ts.map((x) => x.textContent));
          assert.deepEqual(names.filter((x) => x.endsWith('\u2026')), [], `${lang} ${vw.width} ${path}`);
        }
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    }
  }
});

test("on a phone the map's table shows each district's number without scrolling, and the sectors wrap below it", async () => {
  const { context, page } = await open(PHONE);
  try {
    for (const measure of ['revenue', 'clusters']) {
      await page.goto(`${server.url}/map?measure=${measure}&lang=sr`);
      // the first row's number (the chosen measure, or the clusters count) lies inside the screen
      const cell = page.locator('#map-table tbody tr').first().locator('td').first();
      const box = await cell.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${measure}: ${JSON.stringify(box)}`);
      assert.ok((await cell.innerText()).trim().length > 0);
      // rows stay one or two lines high (no long column wrapping in a sliver)
      const rowH = (await page.locator('#map-table tbody tr').first().boundingBox()).height;
      assert.ok(rowH < 70, `${measure}: a row is ${rowH}px high`);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      assert.ok(scrollWidth <= clientWidth);
    }
    const list = page.locator('.map-lq-list dd').first();
    const lb = await list.boundingBox();
    assert.ok(lb.x + lb.width <= PHONE.width, 'the sectors wrap inside the screen');
    await page.screenshot({ path: join(SHOTS, 'map-phone-table-sr.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("on a phone the whole map and its legend fit the screen, and the stage chart's labels are readable", async () => {
  const { context, page } = await open(PHONE);
  try {
    await page.goto(`${server.url}/map?measure=employees&lang=en`);
    // the map does not scroll inside its box, and every legend row lies on screen
    const fig = await page.$eval('.map-figure', (el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
    assert.ok(fig.sw <= fig.cw, `the map scrolls sideways (${fig.sw} > ${fig.cw})`);
    const legend = await page.$$eval('.map-figure text.legend', (ts) => ts.map((t) => t.getBoundingClientRect().right));
    assert.ok(legend.length > 0);
    for (const right of legend) assert.ok(right <= PHONE.width, `a legend row ends at ${right}px`);
    await page.screenshot({ path: join(SHOTS, 'map-phone-legend-en.png'), fullPage: true });
    await page.goto(`${server.url}/panorama?lang=en`);
    // 13 px text on a 380 px canvas scaled into the phone's card: at least 10 px high
    const h = await page.$eval('#pan-stage-chart svg text', (t) => t.getBoundingClientRect().height);
    assert.ok(h >= 10, `the stage chart's labels are ${h}px high`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
