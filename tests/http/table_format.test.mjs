// table_format.test.mjs: every public page with a downloadable table answers
// ?format=csv and ?format=xlsx with the file, and an unknown format with a
// 400 that names the two, never with the page. (sqlmap's crawl found
// /projects?format=x reading the facet counts it had skipped for a download
// that never came: an ASan stack-buffer-overflow.)
//
// Run: SCAN_BIN=build-asan/scan node --test tests/http/table_format.test.mjs
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({ demo: true }); });
after(async () => { await srv?.stop(); });

const PAGES = ['/projects', '/projects/portfolio?table=years', '/network', '/map', '/panorama',
  '/figures?table=trend'];

test('an unknown format is a 400 naming csv and xlsx; csv and xlsx download', async () => {
  for (const path of PAGES) {
    const sep = path.includes('?') ? '&' : '?';
    for (const bad of ['x', 'pdf', "csv'", 'CSV']) {
      const r = await fetch(`${srv.url}${path}${sep}format=${encodeURIComponent(bad)}&lang=en`, { redirect: 'manual' });
      assert.equal(r.status, 400, `${path} format=${bad}`);
      assert.match(await r.text(), /The format must be csv or xlsx\./, path);
    }
    const csv = await fetch(`${srv.url}${path}${sep}format=csv`);
    assert.equal(csv.status, 200, `${path} csv`);
    assert.match(csv.headers.get('content-type'), /^text\/csv/, path);
    await csv.arrayBuffer();
    // an empty format is no format: the page
    const page = await fetch(`${srv.url}${path}${sep}format=`);
    assert.equal(page.status, 200, `${path} format=`);
    assert.match(page.headers.get('content-type'), /^text\/html/, path);
    await page.arrayBuffer();
  }
});
