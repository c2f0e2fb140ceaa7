// initiatives.test.mjs: cluster initiatives and the readiness check in a
// real browser (issue 15): a new user starts an initiative with two
// founding organisations, the admin accepts it from the list, the
// founders' memberships are accepted (by one founder's representative, and
// by the secretariat for the founder without one), and the readiness page's
// member criterion moves as each membership is added. The list, the form
// and the readiness page load without console errors or sideways
// scrolling in English, Serbian Cyrillic and Serbian Latin at 1280 and 390
// px; screenshots go to tests/browser/screenshots/ for a human to look at.
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
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const PW = 'initiative browser phrase 2026';
const USERS = {
  starter: ['in.starter@example.com', 'Нина Нова', []],
  admin: ['in.admin@example.com', 'Ада Админ', ['--admin']],
  rep: ['in.rep@example.com', 'Раде Представник', []],
};

let server;
let browser;
let problems = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  for (const [, [email, name, flags]] of Object.entries(USERS)) {
    const r = scan(['user', 'add', email, '--name', name, '--password-stdin', ...flags, '--db', server.db], { input: `${PW}\n` });
    assert.equal(r.status, 0, r.stderr);
  }
  const r = scan(['user', 'role', USERS.rep[0], 'representative', '--org', 'backa-kod', '--db', server.db]);
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch(LAUNCH);
});

beforeEach(() => { problems = []; });

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(context) {
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  return page;
}

async function logIn(context, who) {
  const page = await open(context);
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', USERS[who][0]);
  await page.fill('input[name="password"]', PW);
  await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  return page;
}

async function checkPage(page, name, lang) {
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `${name}: no sideways overflow (${scrollWidth} > ${clientWidth})`);
  assert.deepEqual(problems, [], `${name}: no console errors, page errors or failed requests`);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const memberText = async (page) => (await page.locator('#rd-members .readiness-value').textContent()).trim();

test('start an initiative, the admin accepts it, founders accept, the member criterion moves', async () => {
  const ctx = { starter: await browser.newContext({ viewport: SIZES.desktop }),
    admin: await browser.newContext({ viewport: SIZES.desktop }),
    rep: await browser.newContext({ viewport: SIZES.desktop }) };
  try {
    const starter = await logIn(ctx.starter, 'starter');
    await starter.goto(`${server.url}/initiatives/new?lang=en`);
    await starter.fill('#in-name', 'Банатски кластер хране');
    await starter.fill('#in-name-en', 'Banat Food Cluster');
    await starter.selectOption('#in-sector', '10');
    await starter.selectOption('#in-region', 'VO');
    await starter.fill('#in-desc', 'Произвођачи хране из Баната и њихови добављачи.');
    await starter.fill('#in-cname', 'Нина Нова');
    await starter.fill('#in-cemail', 'nina@example.com');
    await starter.fill('#in-cphone', '+381 23 111 222');
    await starter.fill('#in-founder-1', 'backa-kod');
    await starter.fill('#in-founder-2', 'fruska-data');
    await Promise.all([starter.waitForNavigation(), starter.click('main form button[type="submit"]')]);
    assert.match(starter.url(), /\/initiatives\?started=1/);
    assert.match(await starter.textContent('main'), /Your initiative is sent/);

    const admin = await logIn(ctx.admin, 'admin');
    await admin.goto(`${server.url}/initiatives?lang=en`);
    const item = admin.locator('#pending li', { hasText: 'Banat Food Cluster' });
    await Promise.all([admin.waitForNavigation(), item.locator('form[action$="/proposal/accept"] button').click()]);
    await admin.goto(`${server.url}/initiatives?lang=en`);
    const link = admin.locator('#accepted a', { hasText: 'Banat Food Cluster' }).first();
    const href = await link.getAttribute('href');
    const slug = href.replace('/orgs/', '');

    await starter.goto(`${server.url}/orgs/${slug}/readiness?lang=en`);
    assert.match(await memberText(starter), /^0 committed members/);

    // the representative of one founder accepts its membership
    const rep = await logIn(ctx.rep, 'rep');
    await rep.goto(`${server.url}/start?lang=en`);
    const mine = rep.locator('li.proposal', { hasText: /Банат|Banat/ });
    await Promise.all([rep.waitForNavigation(), mine.locator('form[action$="/accept"] button').click()]);
    await starter.reload();
    assert.match(await memberText(starter), /^1 committed members/);

    // the secretariat confirms for the founder without a representative
    await admin.goto(`${server.url}/start?lang=en`);
    const proposal = admin.locator('li.proposal', { hasText: /Fru[sš]ka|Фрушка/ }).filter({ hasText: /Банат|Banat/ });
    assert.equal(await proposal.count(), 1, 'the secretariat sees the proposal of an organisation without a representative');
    await Promise.all([admin.waitForNavigation(), proposal.locator('form[action$="/accept"] button').click()]);
    await starter.reload();
    const before = await memberText(starter);
    assert.match(before, /^2 committed members/);
    assert.match(await starter.textContent('#rd-member_types'), /Not met/);
  } finally {
    for (const c of Object.values(ctx)) await c.close();
  }
});

test('the list, the form and the readiness page in three scripts at two widths', async () => {
  for (const [size, viewport] of Object.entries(SIZES)) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    try {
      await logIn(context, 'admin');
      const page = await open(context);
      for (const [lang, tag] of [['en', 'en'], ['sr', 'sr-Cyrl'], ['sr-Latn', 'sr-Latn']]) {
        for (const [name, path] of [['list', '/initiatives'], ['new', '/initiatives/new'],
          ['readiness', '/orgs/demo-pametna-proizvodnja/readiness'],
          ['readiness-new', '/orgs/demo-kruzna-ekonomija-nis/readiness']]) {
          problems = [];
          await page.goto(`${server.url}${path}?lang=${lang}`);
          await checkPage(page, `initiatives-${name}-${size}-${lang}`, tag);
        }
      }
    } finally {
      await context.close();
    }
  }
});
