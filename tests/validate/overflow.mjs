// overflow.mjs DIR: no page the tests know scrolls sideways on a phone.
//
// DIR is what tests/http/lib.mjs saved with SCAN_HTML_DUMP=DIR (one
// <sha1>.html per distinct page, index.txt "<file> <method> <url>
// <status>"). Every saved page is opened in Debian's Chromium at 390 x 844
// CSS pixels, with its own bytes served at its own path, and fails when the
// document is wider than the viewport: a phone would then scroll the whole
// page sideways (a table's own scrolling wrapper is fine). For each failure
// it names the URL and the outermost elements that stick out. Ends with one
// line "overflow: N pages checked, F too wide"; exits 1 when F > 0 or
// N == 0.
//
// How it stays fast (it was 6-9 minutes for ~3000 pages in CI):
// - The pages are served by a small static server in this process that
//   hands every other request (stylesheet, script, images) to a fresh demo
//   server, so they are the real ones. No request is intercepted by
//   Playwright (page.route turns Chromium's cache off), so the
//   fingerprinted /assets/ files (immutable) are fetched once, not once a
//   page from the sanitizer build.
// - Pages that differ only in what is never drawn are checked once: the
//   value of the hidden _csrf input and datetime="" attributes (a test run
//   saves the same page for every session). Anything visible that differs
//   (a name, a number, a row) keeps its own check.
// - PAGES_AT_ONCE pages (default 2, one per core) are checked side by side,
//   each with its own static server port.
// - Each slot opens its static server once and then replaces the document
//   with each page's bytes (page.setContent: document.open and write, at
//   the same origin, so the cached stylesheet and scan.js apply as on a
//   navigation). A navigation per page cost about four times the CPU
//   (300 saved pages: 22 CPU s by navigation, 6 by replacement). The
//   pages' links are absolute paths, so the document's address does not
//   change what they load; a page that carries scan.js must show that it
//   ran (the "js" class it sets), or the check fails: layout that scan.js
//   changes (panels folded on narrow screens) is measured too.
// - A planted page (the first page with a 1000 px wide block in its body)
//   must be found too wide, or the run fails: the check cannot go blind
//   (a stylesheet that clips the body, a broken measurement) unnoticed.
//
// Run: SCAN_HTML_DUMP=/tmp/d node --test tests/http/X.test.mjs &&
//      node tests/validate/overflow.mjs /tmp/d
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../http/lib.mjs';

const dir = process.argv[2];
if (!dir || !existsSync(join(dir, 'index.txt'))) {
  console.log('overflow: 0 pages checked, 0 too wide (no index.txt: is SCAN_HTML_DUMP set?)');
  process.exit(1);
}
const AT_ONCE = Math.max(1, Number(process.env.PAGES_AT_ONCE) || 2);

// What a browser never draws: the per-session CSRF token in its hidden
// input, and machine-readable times. Both keep their length class; nothing
// else is touched.
const unseen = (html) => html
  .replace(/(<input type="hidden" name="_csrf" value=")[^"]*"/g, '$1"')
  .replace(/ datetime="[^"]*"/g, ' datetime=""');

// one check per page that looks different: the first URL that produced it,
// and how many saved files and URLs it stands for
const pages = new Map(); // normalised sha1 -> { file, url, urls }
const byFile = new Map();
for (const line of readFileSync(join(dir, 'index.txt'), 'utf8').split('\n')) {
  const [file, , url] = line.split(' ');
  if (!file || !url) continue;
  if (!byFile.has(file)) {
    const key = createHash('sha1').update(unseen(readFileSync(join(dir, file), 'utf8'))).digest('hex');
    byFile.set(file, key);
    if (!pages.has(key)) pages.set(key, { file, url, files: 0 });
    pages.get(key).files++;
  }
}
const jobs = [...pages.values()];
if (jobs.length) {
  // the canary: a copy of the first page that must be found too wide
  const first = readFileSync(join(dir, jobs[0].file), 'utf8');
  const planted = first.replace(/<body[^>]*>/, (b) => `${b}<div style="width:1000px">planted</div>`);
  jobs.push({ body: planted, url: jobs[0].url, canary: true });
}

const PHONE = { width: 390, height: 844 };
const srv = await startServer({ demo: true });
const target = new URL(srv.url);

// one static server per page slot: its own page's bytes at that page's
// path, everything else from the demo server
function slotServer() {
  const slot = { body: '' };
  slot.server = createServer((req, res) => {
    if (req.url.startsWith('/__page__/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(slot.body);
      return;
    }
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method,
      headers: { ...req.headers, host: target.host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(up);
  });
  return new Promise((res) => slot.server.listen(0, '127.0.0.1', () => {
    slot.url = `http://127.0.0.1:${slot.server.address().port}`;
    res(slot);
  }));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let checked = 0;
let canaryCaught = false;
const wide = [];
const missing = new Set(); // assets that did not load: the check would mean nothing
const slots = [];
try {
  const context = await browser.newContext({ viewport: PHONE });
  for (let i = 0; i < Math.min(AT_ONCE, jobs.length); i++) {
    const slot = await slotServer();
    slot.page = await context.newPage();
    slot.page.on('response', (r) => {
      if (r.url().includes('/assets/') && r.status() >= 400) missing.add(`${r.status()} ${r.url()}`);
    });
    slots.push(slot);
  }
  let next = 0;
  await Promise.all(slots.map(async (slot) => {
    while (next < jobs.length) {
      const job = jobs[next++];
      slot.body = job.body ?? readFileSync(join(dir, job.file), 'utf8');
      if (!slot.opened) {
        await slot.page.goto(`${slot.url}/__page__/`, { waitUntil: 'load' });
        slot.opened = true;
      }
      await slot.page.setContent(slot.body, { waitUntil: 'load' });
      const report = await slot.page.evaluate(measure);
      if (/<script src="\/assets\/js\/scan\.[0-9a-f]+\.js"/.test(slot.body) &&
          !(await slot.page.evaluate(() => document.documentElement.classList.contains('js'))))
        wide.push(`${job.url}: scan.js did not run, so the page was not measured as a browser shows it`);
      if (job.canary) canaryCaught = report !== null;
      else {
        checked++;
        if (report) wide.push(`${job.url}: document ${report.width} px wide at ${report.vw} px: ${report.out.join('; ')}`);
      }
    }
  }));
  await context.close();
  for (const m of missing) wide.push(`asset did not load (pages from another build?): ${m}`);
} finally {
  await browser.close();
  for (const s of slots) s.server.close();
  await srv.stop();
}

// runs in the page: null when the document fits, else its width and the
// outermost elements that stick out
function measure() {
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
}

if (jobs.length && !canaryCaught) wide.push('the planted 1000 px wide page was not found too wide: the check is blind');
for (const w of wide) console.log(`too wide: ${w}`);
console.log(`overflow: ${checked} pages checked (${byFile.size} saved, the rest differ only in hidden tokens and` +
  ` datetime attributes), ${wide.length} too wide`);
process.exit(checked === 0 || wide.length ? 1 : 0);
