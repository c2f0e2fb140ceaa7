// figures.test.mjs: the figures and cluster pages in a real browser.
//
// With demo data: /figures in English and Serbian Cyrillic renders its
// charts (SVG with a <title> each) and their tables, switches year and
// scope through its plain GET form, and a cluster's profile shows its
// members, composition and figures; a manager meets the figures form's
// errors and the import preview. Every page must load without console
// errors (CSP violations included), page errors, failed requests or
// unexpected HTTP errors, have one visible h1, the right <html lang> and
// no sideways overflow, also on a phone. Screenshots go to
// tests/browser/screenshots/ for a human to look at. Uses Debian's
// Chromium through playwright-core, like smoke.test.mjs.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/figures.test.mjs
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
const MANAGER = { email: 'browser.manager@example.com', password: 'browser manager phrase 2026' };

let server;
let browser;
let problems = [];
let expected = []; // [url prefix, status] pairs a step allows (a 422 form answer)

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  for (const args of [['user', 'add', MANAGER.email, '--name', 'Марија Менаџер', '--password-stdin'],
    ['user', 'role', MANAGER.email, 'manager', '--org', 'voict']]) {
    const r = scan([...args, '--db', server.db], { input: `${MANAGER.password}\n` });
    assert.equal(r.status, 0, r.stderr);
  }
  browser = await chromium.launch(LAUNCH);
});

beforeEach(() => { problems = []; expected = []; });

after(async () => {
  await browser?.close();
  await server?.stop();
});

// A fresh context and page whose problems are collected.
async function open(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const allowed = (url, status) => expected.some(([p, s]) => url.startsWith(server.url + p) && s === status);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const m = /status of (\d+)/.exec(msg.text());
    if (m && allowed(msg.location().url, Number(m[1]))) return;
    problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !allowed(res.url(), res.status()))
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { context, page };
}

async function checkPage(page, name, lang = 'en') {
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

// Every chart is an SVG image with a title and a text equivalent.
async function checkCharts(page, atLeast) {
  const charts = await page.$$eval('figure.chart svg[role="img"]', (svgs) => svgs.map((s) => ({
    title: s.querySelector('title')?.textContent || '',
    desc: s.querySelector('desc')?.textContent || '',
    labelled: s.getAttribute('aria-labelledby') || '',
    width: s.getBoundingClientRect().width,
  })));
  assert.ok(charts.length >= atLeast, `${charts.length} charts, expected at least ${atLeast}`);
  for (const c of charts) {
    assert.ok(c.title.trim().length > 0, 'a <title>');
    assert.ok(c.desc.trim().length > 0, 'a <desc>');
    assert.ok(c.labelled.includes('-title'), 'aria-labelledby names the title');
    assert.ok(c.width > 200, 'drawn at a readable size');
  }
  return charts;
}

for (const [lang, heading, grouping] of [['en', 'SCAN in figures', /\d,\d{3}/], ['sr-Cyrl', 'SCAN у бројкама', /\d\.\d{3}/]]) {
  test(`/figures renders its charts and tables in ${lang}`, async () => {
    const { context, page } = await open();
    try {
      const res = await page.goto(`${server.url}/figures?lang=${lang}`, { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      assert.equal((await page.locator('h1').innerText()).trim(), heading);
      const charts = await checkCharts(page, 8);
      if (lang === 'sr-Cyrl') assert.ok(charts.some((c) => c.title === 'Запослени по годинама'));
      assert.equal(await page.locator('table.data').count(), 4, 'a table for the trend and each breakdown');
      assert.equal(await page.locator('.table-downloads a').count(), 8, 'CSV and XLSX for every table');
      assert.ok(await page.locator('.demo-notice').isVisible(), 'the demo notice');
      assert.match(await page.locator('.fig-stats').innerText(), grouping, 'numbers grouped the reader\'s way');
      await checkPage(page, `figures-${lang}`, lang);
    } finally {
      await context.close();
    }
  });
}

test('the year and scope form works without script and changes the numbers', async () => {
  const { context, page } = await open();
  try {
    await page.goto(`${server.url}/figures?lang=en`);
    const scanEmployees = await page.locator('.fig-stats li').first().innerText();
    await page.check('input[name="scope"][value="founders"]');
    await page.selectOption('#fig-year', '2023');
    await Promise.all([page.waitForNavigation(), page.click('.fig-controls button[type="submit"]')]);
    assert.match(page.url(), /year=2023/);
    assert.match(page.url(), /scope=founders/);
    assert.match(await page.locator('#fig-headline').innerText(), /2023/);
    assert.notEqual(await page.locator('.fig-stats li').first().innerText(), scanEmployees);
    await checkPage(page, 'figures-founders-2023-en');
  } finally {
    await context.close();
  }
});

test('the figures page fits a phone', async () => {
  const { context, page } = await open(PHONE);
  try {
    await page.goto(`${server.url}/figures?lang=sr-Cyrl`);
    await checkCharts(page, 8);
    await checkPage(page, 'figures-sr-Cyrl-mobile', 'sr-Cyrl');
  } finally {
    await context.close();
  }
});

for (const lang of ['en', 'sr-Cyrl']) {
  test(`a cluster's profile shows members, composition and figures in ${lang}`, async () => {
    const { context, page } = await open();
    try {
      await page.goto(`${server.url}/orgs/voict?lang=${lang}`);
      assert.equal(await page.locator('#cl-members-table tbody tr').count(), 8);
      assert.equal(await page.locator('.comp-stats li').count(), 6);
      await checkCharts(page, 2);
      assert.ok(await page.locator('.badge-expired').isVisible(), 'the expired ESCA label');
      await checkPage(page, `cluster-voict-${lang}`, lang);
    } finally {
      await context.close();
    }
  });
}

test('a manager meets the figures form\'s errors and the import preview', async () => {
  const { context, page } = await open();
  try {
    await page.goto(`${server.url}/login?lang=en`);
    await page.fill('input[name="email"]', MANAGER.email);
    await page.fill('input[name="password"]', MANAGER.password);
    await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
    await page.goto(`${server.url}/orgs/voict?lang=en`);
    assert.ok(await page.locator('.cluster-actions').isVisible(), 'the manager\'s actions on the profile');
    await checkPage(page, null);

    await page.goto(`${server.url}/orgs/backa-kod/figures`);
    expected = [['/orgs/backa-kod/figures', 422]];
    await page.fill('#fe-year', '2020');
    await page.fill('#fe-employees', '400');
    await page.fill('#fe-revenue', '1000000,00');
    await page.fill('#fe-exports', '2500000');
    await Promise.all([page.waitForNavigation(), page.click('.fig-entry button[type="submit"]')]);
    assert.ok(await page.locator('#fe-exports-error').isVisible());
    assert.equal(await page.inputValue('#fe-revenue'), '1000000,00');
    assert.equal(await page.getAttribute('#fe-exports', 'aria-invalid'), 'true');
    await checkPage(page, 'figures-entry-errors-en');

    expected = [];
    await page.goto(`${server.url}/orgs/voict/figures/import`);
    await page.setInputFiles('#imp-file', { name: 'figures.csv', mimeType: 'text/csv',
      buffer: Buffer.from('slug,year,employees,revenue,exports,rnd,currency,source\r\nbacka-kod,2019,380,15000000,13000000,,EUR,self_reported\r\n') });
    await Promise.all([page.waitForNavigation(), page.click('form[enctype] .form-actions button[type="submit"] >> nth=-1')]);
    assert.ok(await page.locator('.import-preview').isVisible(), 'the preview');
    await checkPage(page, 'figures-import-preview-en');
    await Promise.all([page.waitForNavigation(), page.click('.import-preview button[type="submit"]')]);
    assert.match(page.url(), /created=1/);
    await checkPage(page, null);
  } finally {
    await context.close();
  }
});

// The import page with its members' template links, and the preview table
// of a Windows-1250, semicolon-separated file (Excel's Serbian "CSV"), in
// the three languages on a desktop and a phone: the table scrolls inside
// its wrapper, the document never sideways.
// (0xE8 is č and 0x9A is š in Windows-1250)
const CP1250_FILE = Buffer.from('slug;name;year;employees;revenue;exports;rnd;currency;source\r\n'
  + 'backa-kod;Ba\xE8ka kod;2023;525;23000000,50;21000000;;EUR;self_reported\r\n'
  + 'fruska-data;Fru\x9Aka data;2023;300;;;;EUR;estimate\r\n', 'latin1');
for (const [lang, heading, detected] of [
  ['en', 'Check passed', /Windows-1250, separated by semicolons/],
  ['sr-Cyrl', 'Провера је прошла', /Windows-1250, раздвојен знаком: тачка и зарез/],
  ['sr-Latn', 'Provera je prošla', /Windows-1250, razdvojen znakom: tačka i zarez/]]) {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`the import page and its preview table in ${lang} on a ${size}`, async () => {
      const { context, page } = await open(viewport);
      try {
        await page.goto(`${server.url}/login?lang=${lang}`);
        await page.fill('input[name="email"]', MANAGER.email);
        await page.fill('input[name="password"]', MANAGER.password);
        await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
        await page.goto(`${server.url}/orgs/voict/figures/import?lang=${lang}`);
        assert.equal(await page.locator('.template-links a').count(), 2, 'XLSX and CSV template');
        await checkPage(page, `figures-import-${lang}-${size}`, lang);
        await page.setInputFiles('#imp-file', { name: 'figures.csv', mimeType: 'text/csv', buffer: CP1250_FILE });
        await Promise.all([page.waitForNavigation(), page.click('form[enctype] .form-actions button[type="submit"] >> nth=-1')]);
        assert.match(await page.locator('#preview').innerText(), new RegExp(heading));
        assert.match(await page.locator('.import-detected').innerText(), detected);
        const rows = await page.locator('#import-changes tbody tr').count();
        assert.ok(rows >= 4, `${rows} changed values in the table`);
        await checkPage(page, `figures-import-preview-${lang}-${size}`, lang);
      } finally {
        await context.close();
      }
    });
  }
}
