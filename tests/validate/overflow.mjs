// overflow.mjs DIR: no page the tests know scrolls sideways on a phone.
//
// DIR is what tests/http/lib.mjs saved with SCAN_HTML_DUMP=DIR (one
// <sha1>.html per distinct page, index.txt "<file> <method> <url>
// <status>"). Every saved page is opened in Debian's Chromium at 390 x 844
// CSS pixels, with its own bytes served at its own path on a fresh demo
// server (so the stylesheet, script and images are the real ones), and
// fails when the document is wider than the viewport: a phone would then
// scroll the whole page sideways (a table's own scrolling wrapper is fine).
// For each failure it names the URL and the outermost elements that stick
// out. Ends with one line "overflow: N pages checked, F too wide"; exits 1
// when F > 0 or N == 0.
//
// Run: SCAN_HTML_DUMP=/tmp/d node --test tests/http/X.test.mjs &&
//      node tests/validate/overflow.mjs /tmp/d
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../http/lib.mjs';

const dir = process.argv[2];
if (!dir || !existsSync(join(dir, 'index.txt'))) {
  console.log('overflow: 0 pages checked, 0 too wide (no index.txt: is SCAN_HTML_DUMP set?)');
  process.exit(1);
}
// one URL per distinct page: the first request that produced it
const pages = new Map();
for (const line of readFileSync(join(dir, 'index.txt'), 'utf8').split('\n')) {
  const [file, method, url] = line.split(' ');
  if (file && url && !pages.has(file)) pages.set(file, { method, url });
}

const PHONE = { width: 390, height: 844 };
const srv = await startServer({ demo: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let checked = 0;
const wide = [];
try {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  let body = '';
  const missing = new Set(); // assets that did not load: the check would mean nothing
  page.on('response', (r) => {
    if (r.url().includes('/assets/') && r.status() >= 400) missing.add(`${r.status()} ${r.url()}`);
  });
  // the page itself comes from the dump; everything it loads from the server
  await page.route(`${srv.url}/__page__/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }));
  for (const [file, { url }] of pages) {
    body = readFileSync(join(dir, file), 'utf8');
    const path = new URL(url).pathname;
    await page.goto(`${srv.url}/__page__${path}`, { waitUntil: 'load' });
    checked++;
    const report = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      const width = document.documentElement.scrollWidth;
      if (width <= vw) return null;
      // outermost offenders: elements sticking out that are not inside a
      // container that scrolls or clips them
      const clipped = (el) => {
        // an absolutely positioned element escapes a scrolling ancestor
        // that is not its containing block: count it
        if (getComputedStyle(el).position === 'absolute' || getComputedStyle(el).position === 'fixed') return false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
        }
        return false;
      };
      const out = [];
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > vw + 1 && !clipped(el)) {
          const parentOut = el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 1 &&
            !clipped(el.parentElement);
          if (!parentOut) out.push(`<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}> right ${Math.round(r.right)}`);
        }
        if (out.length >= 4) break;
      }
      return { width, vw, out };
    });
    if (report) wide.push(`${url}: document ${report.width} px wide at ${report.vw} px: ${report.out.join('; ')}`);
  }
  await context.close();
  for (const m of missing) wide.push(`asset did not load (pages from another build?): ${m}`);
} finally {
  await browser.close();
  await srv.stop();
}
for (const w of wide) console.log(`too wide: ${w}`);
console.log(`overflow: ${checked} pages checked, ${wide.length} too wide`);
process.exit(checked === 0 || wide.length ? 1 : 0);
