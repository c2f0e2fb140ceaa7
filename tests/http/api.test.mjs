// api.test.mjs: the JSON API: health, OpenAPI document (complete and
// valid), ETags on dynamic GETs, and the JSON error format.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer, scan } from './lib.mjs';
import { rawRequest, get } from './rawhttp.mjs';

let srv;

before(async () => { srv = await startServer(); });
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

async function openapi() {
  const res = await fetch(`${srv.url}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  return { res, doc: JSON.parse(await res.text()) };
}

// --- 7. ETag on dynamic GETs ---------------------------------------------------

for (const path of ['/api/v1/openapi.json', '/']) {
  test(`GET ${path} has an ETag and answers 304 to If-None-Match`, async () => {
    const first = await fetch(`${srv.url}${path}`);
    assert.equal(first.status, 200);
    await first.text();
    const etag = first.headers.get('etag');
    assert.match(etag || '', /^"[^"]+"$/);
    const res = await rawRequest(srv.port, get(path, `If-None-Match: ${etag}\r\n`));
    assert.equal(res.status, 304);
    assert.equal(res.body, '');
    assert.equal(res.headers.etag, etag);
  });
}

test('the page ETag differs between languages', async () => {
  const en = (await fetch(`${srv.url}/`)).headers.get('etag');
  const sr = (await fetch(`${srv.url}/?lang=sr-Cyrl`)).headers.get('etag');
  assert.ok(en && sr);
  assert.notEqual(en, sr);
});

test('a stale ETag gets the full page', async () => {
  const res = await fetch(`${srv.url}/`, { headers: { 'If-None-Match': '"stale"' } });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<html/);
});

// --- 8. health -------------------------------------------------------------------

for (const path of ['/healthz', '/api/v1/health']) {
  test(`${path} reports status, version, uptime and the database`, async () => {
    const res = await fetch(`${srv.url}${path}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    const h = await res.json();
    assert.equal(h.status, 'ok');
    assert.match(h.version, /^\d+\.\d+\.\d+/);
    assert.equal(typeof h.uptime_s, 'number');
    assert.ok(h.uptime_s >= 0);
    assert.equal(h.database.status, 'ok');
    assert.equal(typeof h.database.schema, 'number');
    assert.ok(h.database.schema >= 1);
  });
}

test('the health version matches `scan version`', async () => {
  const h = await (await fetch(`${srv.url}/healthz`)).json();
  assert.match(scan(['version']).stdout, new RegExp(`\\b${h.version.replace(/\./g, '\\.')}\\b`));
});

// --- 9. OpenAPI ----------------------------------------------------------------

test('the OpenAPI document is JSON with openapi 3.x', async () => {
  const { res, doc } = await openapi();
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.match(doc.openapi, /^3\.\d+\.\d+$/);
  assert.equal(typeof doc.paths, 'object');
});

test('every /api/ route of `scan routes` is in the OpenAPI paths with its method', async () => {
  const out = scan(['routes']);
  assert.equal(out.status, 0, out.stderr);
  const routes = out.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.ok(routes.length > 0);
  for (const r of routes) assert.equal(r.length, 4, `four tab-separated columns: ${JSON.stringify(r)}`);
  const api = routes.filter(([, pattern]) => pattern.startsWith('/api/'));
  assert.ok(api.length >= 2, 'the route table has API routes');
  const { doc } = await openapi();
  const missing = api
    .filter(([method, pattern]) => !doc.paths[pattern]?.[method.toLowerCase()])
    .map(([method, pattern]) => `${method} ${pattern}`);
  assert.deepEqual(missing, [], 'routes missing from openapi.json');
});

test('every OpenAPI path is served (no documented endpoint is missing)', async () => {
  const routes = scan(['routes']).stdout.trim().split('\n').map((l) => l.split('\t'));
  const served = new Set(routes.map(([m, p]) => `${m.toLowerCase()} ${p}`));
  const { doc } = await openapi();
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
  const extra = [];
  for (const [p, item] of Object.entries(doc.paths))
    for (const m of Object.keys(item).filter((k) => methods.includes(k)))
      if (!served.has(`${m} ${p}`)) extra.push(`${m.toUpperCase()} ${p}`);
  assert.deepEqual(extra, [], 'documented but not in the route table');
});

test('the OpenAPI document validates with swagger-parser', async () => {
  const require = createRequire(new URL('../../package.json', import.meta.url));
  let SwaggerParser;
  try {
    SwaggerParser = require('@apidevtools/swagger-parser');
  } catch (e) {
    assert.fail(`@apidevtools/swagger-parser is not installed: run npm install (${e.message})`);
  }
  const { doc } = await openapi();
  const api = await SwaggerParser.validate(structuredClone(doc));
  assert.equal(api.openapi, doc.openapi);
});

// --- 11. JSON error format -------------------------------------------------------

test('API errors are application/json in the error format', async () => {
  const res = await fetch(`${srv.url}/api/v1/does/not/exist`, { headers: { Accept: 'text/html' } });
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const doc = await res.json();
  assert.deepEqual(Object.keys(doc), ['error']);
  assert.equal(doc.error.code, 'not_found');
  assert.ok(doc.error.message);
});

test('POST /api/v1/health is a JSON 405 method_not_allowed with Allow', async () => {
  const res = await fetch(`${srv.url}/api/v1/health`, { method: 'POST', body: '{}',
    headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 405);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.equal(res.headers.get('allow'), 'GET, HEAD');
  const doc = await res.json();
  assert.equal(doc.error.code, 'method_not_allowed');
  assert.ok(doc.error.message);
});

test('DELETE on an API path is a JSON 405 too', async () => {
  const res = await fetch(`${srv.url}/api/v1/openapi.json`, { method: 'DELETE' });
  assert.equal(res.status, 405);
  assert.equal((await res.json()).error.code, 'method_not_allowed');
});

test('API errors carry no ETag and are not answered 304', async () => {
  const res = await fetch(`${srv.url}/api/v1/nope`, { headers: { 'If-None-Match': '*' } });
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('etag'), null);
  await res.text();
});
