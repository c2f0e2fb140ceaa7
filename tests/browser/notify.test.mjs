// notify.test.mjs: the notification settings page in a real browser, and
// the weekly digest's HTML part as a mail reader shows it.
//
// A representative changes how they hear of things (radio buttons and one
// Save, no script needed), follows a cluster; then a member joins that
// cluster, `scan digest run --now` composes the digests, and the HTML part
// of each (one reader per language) is rendered. Screenshots of the page
// and of the digest in English, Serbian Latin and Serbian Cyrillic, at
// desktop and 390 px wide, go to tests/browser/screenshots/.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/notify.test.mjs
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
const PW = 'notify browser phrase 2026';
const READERS = [
  { email: 'reader.en@example.com', name: 'Ana Reader', lang: 'en' },
  { email: 'reader.lat@example.com', name: 'Бојана Читалац', lang: 'sr-Latn' },
  { email: 'reader.cyr@example.com', name: 'Вук Читалац', lang: 'sr-Cyrl' },
];

let server;
let browser;
const pageErrors = [];

function sqlite(sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ demo: true, args: ['--base-url', 'https://scan.example'] });
  for (const r of READERS) {
    const add = scan(['user', 'add', r.email, '--name', r.name, '--password-stdin', '--db', server.db], { input: `${PW}\n` });
    assert.equal(add.status, 0, add.stderr);
    sqlite(`UPDATE person SET lang = '${r.lang}' WHERE email = '${r.email}'`);
  }
  const role = scan(['user', 'role', READERS[0].email, 'representative', '--org', 'voict', '--db', server.db]);
  assert.equal(role.status, 0, role.stderr);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
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

test('a person sets how they hear of things and follows clusters, from the account page, without a script', async () => {
  const page = await loggedIn(READERS[0].email, { width: 1280, height: 900 });
  await page.goto(`${server.url}/account`);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/account/notifications"]')]);
  assert.equal(new URL(page.url()).pathname, '/account/notifications');
  await page.check('#kind_cluster_member-immediate');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/account/notifications"] button[type="submit"]')]);
  assert.match(await page.textContent('[role="status"]'), /saved/);
  assert.equal(await page.isChecked('#kind_cluster_member-immediate'), true);
  for (const slug of ['vmc', 'nicat']) {
    await page.selectOption('#follow-cluster', slug);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/account/notifications/follows"] button[type="submit"]')]);
  }
  // the directory has no save button: its address is pasted in the folded form
  await page.click('.topic-paste summary');
  await page.fill('#topic-query', `${server.url}/orgs?kind=cluster&q=metal`);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/account/notifications/topics"] button[type="submit"]')]);
  assert.match(await page.textContent('.topic-list'), /Cluster · words: metal/, 'in words, not as a query');
  assert.equal(sqlite(`SELECT count(*) FROM notify_follow f JOIN person p ON p.id = f.person_id WHERE p.email = '${READERS[0].email}'`), '2');
  // back to weekly, so the digest below has the event
  await page.check('#kind_cluster_member-weekly');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/account/notifications"] button[type="submit"]')]);
  for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
    await page.goto(`${server.url}/account/notifications?lang=${lang}`);
    await page.screenshot({ path: join(SHOTS, `notify-settings-${lang}.png`), fullPage: true });
  }
  const phone = await loggedIn(READERS[0].email, { width: 390, height: 844 });
  await phone.goto(`${server.url}/account/notifications?lang=sr-Cyrl`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (${overflow} px too wide)`);
  await phone.screenshot({ path: join(SHOTS, 'notify-settings-sr-Cyrl-390.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});

test('the weekly digest in each reader\'s language, rendered as a mail reader shows its HTML part', async () => {
  // the other readers follow VMC too; a member joins it (as the membership
  // code does it, so the event is recorded in its transaction)
  for (const r of READERS.slice(1))
    sqlite(`INSERT INTO notify_follow(person_id, cluster_id, created_at)
      SELECT p.id, o.id, 0 FROM person p, org o WHERE p.email = '${r.email}' AND o.slug = 'vmc'`);
  sqlite(`INSERT INTO notify_event(person_id, kind, entity, entity_id, a, b, href, channel, created_at)
    SELECT p.id, 'cluster_member', 'org', o.id, o.name, c.name, '/orgs/' || c.slug, 'weekly', CAST(strftime('%s','now') AS INTEGER) - 60
      FROM person p, org o, org c
     WHERE p.email IN (${READERS.map((r) => `'${r.email}'`).join(',')}) AND o.slug = 'voict' AND c.slug = 'vmc'`);
  const run = scan(['digest', 'run', '--now', '--base-url', 'https://scan.example', '--db', server.db]);
  assert.equal(run.status, 0, run.stderr);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  for (const r of READERS) {
    const html = sqlite(`SELECT html FROM outbox WHERE to_addr = '${r.email}' AND html IS NOT NULL ORDER BY id DESC LIMIT 1`);
    assert.match(html, /<!DOCTYPE html>/, `a digest for ${r.email}`);
    assert.match(html, new RegExp(`<html lang="${r.lang}">`));
    for (const [ctx, suffix] of [[context, ''], [phone, '-390']]) {
      const page = await ctx.newPage();
      await page.setContent(html);
      await page.screenshot({ path: join(SHOTS, `digest-${r.lang}${suffix}.png`), fullPage: true });
      await page.close();
    }
  }
  const lat = sqlite(`SELECT html FROM outbox WHERE to_addr = '${READERS[1].email}' AND html IS NOT NULL`);
  assert.match(lat, /Zdravo, Bojana Čitalac/, 'the reader\'s name in their script');
  assert.doesNotMatch(lat, /[\u0400-\u04FF]/, 'no Cyrillic left in a Latin digest');
});
