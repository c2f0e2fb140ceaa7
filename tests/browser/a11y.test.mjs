// a11y.test.mjs: the main pages pass axe-core with no serious or critical
// violation, in each language (en, sr-Latn, sr-Cyrl).
//
// Fixture: the demo directory and an admin made with `scan user add`.
// Public pages are opened by an anonymous reader: home, the directory, a
// cluster's profile (VOICT: members, figures, charts), a company's
// profile, a search, the figures page and the login form; then the admin
// logs in through the form and opens their account, an entry's edit
// form, the verification queue and an organisation's figures. Each page
// gets axe-core (npm, node_modules/axe-core/axe.min.js,
// form and a cluster's figures import page; issue 15's pages too (the
// initiatives, starting one, readiness, self-assessment results and
// questionnaire, the year's assessments, the development plan, a mentoring
// pair, the mentoring pairs and the support log). Each page gets axe-core (npm,
// node_modules/axe-core/axe.min.js,
// evaluated through the DevTools protocol, so the site's CSP is untouched)
// with its default rules (WCAG 2.x A/AA and best practices); the test fails
// on any violation of impact serious or critical and names each one with
// its rule id, help text and the selectors of the offending nodes. Minor and
// moderate findings are reported as test diagnostics only. Uses Debian's
// Chromium through playwright-core, like smoke.test.mjs.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/browser/a11y.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { startServer, scan } from '../http/lib.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LAUNCH = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const VIEWPORT = { width: 1280, height: 900 };
const ADMIN = { email: 'a11y.admin@example.com', password: 'a11y admin phrase 2026' };
const LANGS = ['en', 'sr-Latn', 'sr-Cyrl'];
const PUBLIC = [
  ['home', '/'],
  ['directory', '/orgs'],
  ['cluster profile', '/orgs/voict'],
  ['organisation profile', '/orgs/petrovaradin-softver'],
  ['search', '/search?q=Niš'],
  ['figures', '/figures'],
  ['login', '/login'],
  ['cooperation board', '/cooperation'],
  ['cooperation post', '/cooperation/1'],
  ['cluster initiatives', '/initiatives'],
  // issue 17: the district map, the panorama (cards and table), a cluster's share page
  ['district map', '/map?measure=employees'],
  ['cluster panorama', '/panorama'],
  ['cluster panorama table', '/panorama?view=table'],
  ['share a cluster badge', '/orgs/voict/share'],
];
// issue 15's pages: the demo's VOICT (self-assessments of 2025 and 2026, a
// development plan) and its one mentoring pair (id 1 in a fresh demo)
const YEAR = new Date().getFullYear();
const PRIVATE = [
  ['account', '/account'],
  ['notification settings', '/account/notifications'],
  ['edit form', '/orgs/voict/edit'],
  ['cluster edit form', '/orgs/voict/cluster/edit'],
  ['verification queue', '/figures/verify'],
  ['figures of an organisation', '/orgs/backa-kod/figures'],
  ['figures import', '/orgs/voict/figures/import'],
  ['cooperation statistics', '/cooperation/stats'],
  ['start an initiative', '/initiatives/new'],
  ['readiness check of an initiative', '/orgs/demo-energy-cluster/readiness'],
  ['readiness check of a cluster', '/orgs/voict/readiness'],
  ['self-assessment results', '/orgs/voict/assessment'],
  ['self-assessment questionnaire', `/orgs/voict/assessment/${YEAR}`],
  ['self-assessments of a year', '/admin/assessments'],
  ['development plan', '/orgs/voict/plan'],
  ['mentoring pair', '/mentoring/1'],
  ['mentoring pairs', '/admin/mentoring'],
  ['support log', '/admin/support'],
];
const BAD = new Set(['serious', 'critical']);

let server;
let browser;
let anon;
let admin;

before(async () => {
  server = await startServer({ demo: true });
  const r = scan(['user', 'add', ADMIN.email, '--name', 'Ana Pristupačnost', '--admin', '--password-stdin',
    '--db', server.db], { input: `${ADMIN.password}\n` });
  assert.equal(r.status, 0, r.stderr);
  browser = await chromium.launch(LAUNCH);
  anon = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  admin = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await admin.newPage();
  await page.goto(`${server.url}/login?lang=en`);
  await page.fill('input[name="email"]', ADMIN.email);
  await page.fill('input[name="password"]', ADMIN.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  assert.doesNotMatch(new URL(page.url()).pathname, /^\/login/, 'the admin is logged in');
  await page.close();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Opens path in lang in context's one page, runs axe, and returns its
// violations. Colour contrast is checked in English only: the three
// languages share one stylesheet and the same elements, and the rule was
// half of axe's time. (One page per context, navigated from path to path,
// not a new page each time: a third of this file's time went on opening
// and closing pages.)
const pageOf = new Map(); // context -> its one page
async function audit(context, path, lang) {
  if (!pageOf.has(context)) pageOf.set(context, await context.newPage());
  const page = pageOf.get(context);
  const url = `${server.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.equal(res.status(), 200, `${url} answers 200`);
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  await page.evaluate(AXE);
  const rules = lang === 'en' ? {} : { 'color-contrast': { enabled: false } };
  const result = await page.evaluate((r) => window.axe.run(document, { resultTypes: ['violations'], rules: r }), rules);
  return result.violations;
}

function describe(v) {
  const nodes = v.nodes.map((n) => `      ${n.target.join(' ')}${n.failureSummary
    ? ` -- ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 240)}` : ''}`);
  return `  ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`;
}

for (const [group, pages] of [['anon', PUBLIC], ['admin', PRIVATE]]) {
  for (const [name, path] of pages) {
    for (const lang of LANGS) {
      test(`${name} (${path}) in ${lang}: no serious or critical axe violation`, async (t) => {
        const violations = await audit(group === 'anon' ? anon : admin, path, lang);
        const bad = violations.filter((v) => BAD.has(v.impact));
        const minor = violations.filter((v) => !BAD.has(v.impact));
        for (const v of minor) t.diagnostic(`${v.impact}: ${v.id} on ${v.nodes.length} node(s): ${v.help}`);
        assert.equal(bad.length, 0,
          `${bad.length} serious/critical axe violation(s) on ${path} in ${lang}:\n${bad.map(describe).join('\n')}`);
      });
    }
  }
}
