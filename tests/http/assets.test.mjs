// assets.test.mjs: embedded static files under /assets/: hashed URLs,
// long-lived caching, ETag revalidation, and nothing outside the table.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';
import { rawRequest, get } from './rawhttp.mjs';

let srv;
let home;

before(async () => {
  srv = await startServer();
  home = await (await fetch(`${srv.url}/`)).text();
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

function stylesheetUrl() {
  const m = /<link rel="stylesheet" href="([^"]+)"/.exec(home);
  assert.ok(m, 'home page links a stylesheet');
  return m[1];
}

test('the stylesheet URL is under /assets/ and carries a content hash', () => {
  assert.match(stylesheetUrl(), /^\/assets\/css\/[\w-]+\.[0-9a-f]{8,}\.css$/);
});

test('the stylesheet is 200 text/css, cached for a year as immutable, with an ETag', async () => {
  const res = await fetch(`${srv.url}${stylesheetUrl()}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/css/);
  const cc = res.headers.get('cache-control');
  assert.match(cc, /\bimmutable\b/);
  assert.match(cc, /\bmax-age=31536000\b/);
  assert.match(res.headers.get('etag') || '', /^"[^"]+"$/);
  const css = await res.text();
  assert.ok(css.length > 100, 'the stylesheet has content');
  assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(css));
});

test('If-None-Match with the stylesheet ETag gives 304 with an empty body', async () => {
  const etag = (await fetch(`${srv.url}${stylesheetUrl()}`)).headers.get('etag');
  // raw socket: fetch would hide what is on the wire after a 304
  const res = await rawRequest(srv.port, get(stylesheetUrl(), `If-None-Match: ${etag}\r\n`));
  assert.equal(res.status, 304);
  assert.equal(res.body, '');
  assert.equal(res.headers.etag, etag);
  assert.match(res.headers['cache-control'] || '', /immutable/);
});

test('a different ETag in If-None-Match gives the full stylesheet', async () => {
  const res = await fetch(`${srv.url}${stylesheetUrl()}`, { headers: { 'If-None-Match': '"0000"' } });
  assert.equal(res.status, 200);
  assert.ok((await res.text()).length > 100);
});

test('the script and icons linked from the home page are served with their types', async () => {
  const js = /<script src="(\/assets\/[^"]+\.js)"/.exec(home)[1];
  const icon = /<link rel="icon" href="(\/assets\/[^"]+\.svg)"/.exec(home)[1];
  const rj = await fetch(`${srv.url}${js}`);
  assert.equal(rj.status, 200);
  assert.match(rj.headers.get('content-type'), /javascript/);
  await rj.text();
  const ri = await fetch(`${srv.url}${icon}`);
  assert.equal(ri.status, 200);
  assert.match(ri.headers.get('content-type'), /^image\/svg\+xml/);
  await ri.text();
});

test('an unknown hash under /assets is 404', async () => {
  const url = stylesheetUrl().replace(/\.([0-9a-f]+)\.css$/, '.0123456789abcdef.css');
  assert.notEqual(url, stylesheetUrl());
  const res = await fetch(`${srv.url}${url}`);
  assert.equal(res.status, 404);
  await res.text();
});

test('an asset without its hash is 404 (only hashed URLs are served)', async () => {
  const res = await fetch(`${srv.url}/assets/css/scan.css`);
  assert.equal(res.status, 404);
  await res.text();
});

test('a file outside the asset table is 404', async () => {
  for (const p of ['/assets/css/nosuch.css', '/assets/db/scan.db', '/assets/x']) {
    const res = await fetch(`${srv.url}${p}`);
    assert.equal(res.status, 404, p);
    await res.text();
  }
});
