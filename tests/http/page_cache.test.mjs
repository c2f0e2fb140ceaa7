// page_cache.test.mjs: the anonymous page cache keys on the canonical
// state of a page, not on the raw query string: reordered parameters, a
// normalised value or ?lang= against a cookie find the same entry
// (X-Scan-Cache: hit, the same body), unknown and repeated parameters are
// redirected to the canonical URL, and each language has its own entry.
// Against the demo data.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;

before(async () => { srv = await startServer({ demo: true }); });
after(async () => { await srv.stop(); });

async function get(path, headers = {}) {
  const res = await fetch(srv.url + path, { redirect: 'manual', headers });
  return { status: res.status, cache: res.headers.get('x-scan-cache'), location: res.headers.get('location'),
    lang: res.headers.get('content-language'), text: await res.text() };
}

test('/orgs: reordered parameters share one entry; junk and repeats are redirected', async () => {
  const first = await get('/orgs?kind=cluster&region=VO&sort=name-desc');
  assert.equal(first.status, 200);
  assert.equal(first.cache, 'miss');
  const again = await get('/orgs?sort=name-desc&region=VO&kind=cluster');
  assert.equal(again.status, 200);
  assert.equal(again.cache, 'hit', 'the same state in another order is the same entry');
  assert.equal(again.text, first.text);

  const junk = await get('/orgs?kind=cluster&utm_source=mail&region=VO');
  assert.equal(junk.status, 303, 'an unknown parameter is dropped by a redirect');
  assert.equal(junk.location, '/orgs?kind=cluster&region=VO');
  const twice = await get('/orgs?kind=cluster&kind=company');
  assert.equal(twice.status, 303);
  assert.equal(twice.location, '/orgs?kind=cluster');
  const lang = await get('/orgs?kind=cluster&fbclid=x&lang=en');
  assert.equal(lang.status, 303);
  assert.equal(lang.location, '/orgs?kind=cluster&lang=en', 'the language switch survives');
  const zero = await get('/orgs?page=01');
  assert.equal(zero.status, 303);
  assert.equal(zero.location, '/orgs');
});

test('/orgs: each language has its own entry; ?lang= and the cookie share it', async () => {
  const sr = await get('/orgs?region=VO&lang=sr-Latn');
  const en = await get('/orgs?region=VO&lang=en');
  assert.equal(en.status, 200);
  assert.equal(en.cache, 'miss', 'English is not the Serbian entry');
  assert.equal(en.lang, 'en');
  assert.notEqual(en.text, sr.text);
  const cookie = await get('/orgs?region=VO', { Cookie: 'lang=en' });
  assert.equal(cookie.cache, 'hit', 'the cookie finds the entry ?lang=en made');
  assert.equal(cookie.lang, 'en');
  const cyr = await get('/orgs?region=VO&lang=sr-Cyrl');
  assert.equal(cyr.cache, 'miss');
  assert.equal(cyr.lang, 'sr-Cyrl');
  assert.equal((await get('/orgs?lang=sr-Cyrl&region=VO')).cache, 'hit');
});

test('/figures: parameter order, scope=scan and a padded year share one entry', async () => {
  const first = await get('/figures?scope=founders&lang=en');
  assert.equal(first.status, 200);
  const year = /<option value="(\d{4})" selected>/.exec(first.text)[1];
  const a = await get(`/figures?scope=founders&year=${year}&lang=en`);
  assert.equal(a.status, 200);
  const b = await get(`/figures?year=${year}&scope=founders`, { Cookie: 'lang=en' });
  assert.equal(b.cache, 'hit', 'reordered, and the language from the cookie');
  assert.equal(b.text, a.text);
  const c = await get(`/figures?year=0${year}&lang=en&scope=founders`);
  assert.equal(c.cache, 'hit', 'the year normalised');
  const scan = await get('/figures?lang=en');
  const scan2 = await get('/figures?scope=scan', { Cookie: 'lang=en' });
  assert.equal(scan2.cache, 'hit', 'scope=scan is the default');
  assert.equal(scan2.text, scan.text);
  const cyr = await get('/figures?scope=scan&lang=sr-Cyrl');
  assert.equal(cyr.cache, 'miss', 'another language renders its own');
  assert.equal(cyr.lang, 'sr-Cyrl');
  const junk = await get('/figures?scope=founders&gclid=1');
  assert.equal(junk.status, 303);
  assert.equal(junk.location, '/figures?scope=founders');
});
