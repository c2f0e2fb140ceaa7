// news.test.mjs: news and the newsletter in a real browser.
//
// The manager of a demo cluster writes a news item for it (Markdown, an
// English version) and sees it on /news; the secretariat composes a
// newsletter issue and previews it in both languages; a visitor subscribes
// on /newsletter, opens the confirmation link from the outbox and confirms.
// Screenshots of /news, the item, the form, the preview and the
// subscription page (English, Serbian Cyrillic and Latin; 1280 and 390 px)
// go to tests/browser/screenshots/.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/news.test.mjs
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
const PW = 'news browser phrase 2026';
const MANAGER = 'manager.news@example.com', EDITOR = 'editor.news@example.com';
const WIDTHS = [1280, 390];
const LANGS = ['en', 'sr-Cyrl', 'sr-Latn'];

let server, browser, cluster;
const pageErrors = [];

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true });
  cluster = sqlite("SELECT slug FROM org WHERE kind = 'cluster' AND status = 'published' ORDER BY id LIMIT 1");
  let r = scan(['user', 'add', MANAGER, '--name', 'Милица Вестић', '--password-stdin', '--db', server.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  r = scan(['user', 'role', MANAGER, 'manager', '--org', cluster, '--db', server.db]);
  assert.equal(r.status, 0, r.stderr);
  r = scan(['user', 'add', EDITOR, '--name', 'Editor News', '--password-stdin', '--editor', '--db', server.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(pageErrors, [], 'no script errors');
});

async function newPage(width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

async function loggedIn(email, width = 1280) {
  const page = await newPage(width);
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', PW);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  return page;
}

const click = (page, sel) => Promise.all([page.waitForNavigation(), page.click(sel)]);

async function shots(page, path, name) {
  for (const lang of LANGS) {
    await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    await page.screenshot({ path: join(SHOTS, `${name}-${lang}-${page.viewportSize().width}.png`), fullPage: true });
  }
}

test('a manager publishes news for their cluster; it shows on /news and in its feed', async () => {
  const m = await loggedIn(MANAGER);
  await m.goto(`${server.url}/news/new?lang=en`);
  assert.equal(await m.inputValue('#nw-org'), cluster, 'their cluster is the only choice');
  await m.fill('#nw-title-sr', 'Кластер отвара нову лабораторију');
  await m.fill('#nw-lead-sr', 'Чланице добијају заједничку лабораторију за испитивања.');
  await m.fill('#nw-body-sr', 'Лабораторија ради **сваког радног дана**.\n\n- испитивања\n- обуке');
  await m.fill('#nw-title-en', 'The cluster opens a new laboratory');
  await m.fill('#nw-lead-en', 'Members get a shared testing laboratory.');
  await m.fill('#nw-body-en', 'The laboratory is open **every working day**.');
  await m.selectOption('#nw-topic', 'success');
  await click(m, 'form[action="/news"] button[type="submit"]');
  assert.match(await m.textContent('main'), /Saved\./);
  assert.match(await m.textContent('h1'), /The cluster opens a new laboratory/);
  assert.equal(await m.textContent('.news-body strong'), 'every working day');
  for (const width of WIDTHS) {
    const p = await newPage(width);
    await shots(p, '/news', 'news-list');
    await p.goto(`${server.url}/news?lang=sr-Cyrl`);
    assert.match(await p.textContent('main'), /Кластер отвара нову лабораторију/);
    await click(p, 'a:has-text("Кластер отвара нову лабораторију")');
    await shots(p, new URL(p.url()).pathname, 'news-item');
    await p.context().close();
  }
  const feed = await (await fetch(`${server.url}/orgs/${cluster}/news.atom?lang=en`)).text();
  assert.match(feed, /The cluster opens a new laboratory/);
  for (const width of WIDTHS) {
    const p = await loggedIn(MANAGER, width);
    await shots(p, '/news/new', 'news-form');
    await p.context().close();
  }
  await m.context().close();
});

test('the secretariat composes a newsletter and previews it in both languages', async () => {
  const e = await loggedIn(EDITOR);
  await e.goto(`${server.url}/admin/newsletter?lang=en`);
  await e.fill('#nl-subj-sr', 'Билтен, децембар');
  await e.fill('#nl-intro-sr', 'Драги читаоци, ово је **децембарски** број.');
  await e.fill('#nl-subj-en', 'Newsletter, December');
  await e.fill('#nl-intro-en', 'Dear readers, this is the **December** issue.');
  await click(e, 'form[action="/admin/newsletter"] button[type="submit"]');
  const previews = await e.$$('.nl-preview');
  assert.equal(previews.length, 2);
  assert.match(await previews[0].textContent(), /децембарски[\s\S]*Вести[\s\S]*Кластер отвара нову лабораторију/);
  assert.match(await previews[1].textContent(), /December[\s\S]*News[\s\S]*The cluster opens a new laboratory/);
  const path = new URL(e.url()).pathname;
  for (const width of WIDTHS) {
    const p = await loggedIn(EDITOR, width);
    await shots(p, path, 'newsletter-preview');
    await p.context().close();
  }
  await e.context().close();
});

test('a visitor subscribes and confirms through the link in the outbox', async () => {
  const v = await newPage();
  await v.goto(`${server.url}/newsletter?lang=sr-Latn`);
  await v.fill('#nl-email', 'visitor.news@example.com');
  await click(v, 'form[action="/newsletter/subscribe"] button[type="submit"]');
  assert.match(await v.textContent('main'), /poslali smo vam vezu/);
  const body = sqlite("SELECT body FROM outbox WHERE to_addr = 'visitor.news@example.com'");
  const link = /(http:\/\/\S+\/newsletter\/confirm\/[A-Za-z0-9_-]{43})/.exec(body)[1];
  await v.goto(link);
  await click(v, 'main form button[type="submit"]');
  assert.match(await v.textContent('main'), /pristup|potvrđena/i);
  assert.equal(sqlite("SELECT lang || ' ' || (confirmed_at IS NOT NULL) FROM news_subscriber WHERE email = 'visitor.news@example.com'"), 'sr-Latn 1');
  for (const width of WIDTHS) {
    const p = await newPage(width);
    await shots(p, '/newsletter', 'newsletter-subscribe');
    await p.context().close();
  }
  await v.context().close();
});
