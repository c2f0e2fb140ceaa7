// nav.test.mjs: the site's navigation. The main navigation names seven
// sections; a page inside a section shows the section's pages in a second
// row with the page being read marked; the footer's site map lists every
// section's pages and the feeds, so no page is reachable by address only.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/http/nav.test.mjs
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({ demo: true }); });
after(async () => { await srv?.stop(); });

const get = async (path) => {
  const r = await fetch(srv.url + path, { redirect: 'manual' });
  return { status: r.status, text: await r.text() };
};
const block = (html, cls) => (html.match(new RegExp(`<nav class="${cls}"[\\s\\S]*?</nav>`)) || [''])[0];
const current = (nav) => [...nav.matchAll(/<a href="([^"]+)" aria-current="page">/g)].map((m) => m[1]);

test('each section page marks its section and itself', async () => {
  const cases = [
    ['/orgs', '/orgs', '/orgs'], ['/panorama', '/orgs', '/panorama'],
    ['/initiatives', '/orgs', '/initiatives'], ['/map', '/figures', '/map'],
    ['/cooperation', '/cooperation', '/cooperation'], ['/network', '/network', '/network'],
    ['/projects', '/network', '/projects'], ['/projects/portfolio', '/network', '/projects'],
    ['/calls', '/network', '/calls'], ['/calls/archive', '/network', '/calls'],
    ['/agreements', '/network', '/agreements'], ['/positions', '/positions', '/positions'],
    ['/consultations', '/positions', '/consultations'], ['/news', '/news', '/news'],
    ['/newsletter', '/news', '/newsletter'],
  ];
  for (const [path, section, page] of cases) {
    const r = await get(`${path}?lang=en`);
    assert.equal(r.status, 200, path);
    assert.deepEqual(current(block(r.text, 'main-nav')), [section], `${path}: section`);
    assert.deepEqual(current(block(r.text, 'sub-nav')), [page], `${path}: page`);
  }
  // a section of one page has no second row; home is in no section
  const ev = await get('/events?lang=en');
  assert.deepEqual(current(block(ev.text, 'main-nav')), ['/events']);
  assert.equal(block(ev.text, 'sub-nav'), '');
  const home = await get('/?lang=en');
  assert.deepEqual(current(block(home.text, 'main-nav')), []);
  assert.match(home.text, /class="search-box/, 'the search box is on every page');
});

test('the site map links every section page and the feeds, and each answers', async () => {
  const r = await get('/?lang=en');
  const map = block(r.text, 'site-map');
  const hrefs = [...new Set([...map.matchAll(/href="([^"]+)"/g)].map((m) => m[1]))];
  for (const must of ['/network', '/projects', '/calls', '/agreements', '/positions', '/consultations',
    '/panorama', '/map', '/initiatives', '/newsletter', '/news.atom', '/positions.atom',
    '/cooperation.atom', '/events.ics', '/calls.ics', '/consultations.ics'])
    assert.ok(hrefs.includes(must), `site map links ${must}`);
  assert.ok(!hrefs.includes('/cooperation/mine'), 'pages for signed-in readers are not offered to the public');
  for (const h of hrefs) assert.equal((await get(h)).status, 200, h);
  for (const lang of ['sr-Cyrl', 'sr-Latn']) {
    const t = block((await get(`/?lang=${lang}`)).text, 'site-map');
    assert.match(t, lang === 'sr-Cyrl' ? /Партнери[\s\S]*Позиви за финансирање/ : /Partneri[\s\S]*Pozivi za finansiranje/);
  }
});
