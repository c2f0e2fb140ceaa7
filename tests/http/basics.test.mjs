// basics.test.mjs: pages, languages, errors, HEAD, security headers,
// keep-alive and malformed input, against one server.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './lib.mjs';
import { RawConn, rawRequest, get } from './rawhttp.mjs';

const CYRILLIC = /[\u0400-\u04FF]/;
let srv;

before(async () => { srv = await startServer(); });
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

// The <main> element's content (what the reader reads, not the chrome).
function mainContent(html) {
  const m = /<main\b[^>]*>([\s\S]*)<\/main>/.exec(html);
  assert.ok(m, 'page has a <main> element');
  return m[1];
}

// --- 1. basics -----------------------------------------------------------

test('GET / is an English HTML page by default', async () => {
  const res = await fetch(`${srv.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html; charset=utf-8/);
  const body = await res.text();
  assert.match(body, /<html lang="en">/);
  assert.doesNotMatch(mainContent(body), CYRILLIC);
});

test('?lang=sr-Cyrl serves Cyrillic and sets a lang cookie', async () => {
  const res = await fetch(`${srv.url}/?lang=sr-Cyrl`);
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.match(body, /<html lang="sr-Cyrl">/);
  assert.match(mainContent(body), CYRILLIC);
  assert.match(res.headers.get('set-cookie') || '', /(^|[,\s])lang=sr-Cyrl(;|$)/);
});

test('the lang cookie alone selects the language', async () => {
  const res = await fetch(`${srv.url}/`, { headers: { Cookie: 'lang=sr-Cyrl' } });
  const body = await res.text();
  assert.match(body, /<html lang="sr-Cyrl">/);
  assert.match(mainContent(body), CYRILLIC);
});

test('Accept-Language sr-Latn gives Latin script without Cyrillic letters', async () => {
  const res = await fetch(`${srv.url}/`, { headers: { 'Accept-Language': 'sr-Latn,sr;q=0.9' } });
  const body = await res.text();
  assert.match(body, /<html lang="sr-Latn">/);
  const main = mainContent(body);
  assert.doesNotMatch(main, CYRILLIC);
  assert.match(main, /[čćžšđČĆŽŠĐ]/, 'Serbian Latin letters are present');
});

test('an unknown path is a 404 HTML page', async () => {
  const res = await fetch(`${srv.url}/no/such/page`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(await res.text(), /<html lang="en">[\s\S]*404/);
});

test('an unknown API path is a 404 in the JSON error format', async () => {
  const res = await fetch(`${srv.url}/api/v1/nope`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const doc = await res.json();
  assert.equal(doc.error.code, 'not_found');
  assert.equal(typeof doc.error.message, 'string');
  assert.ok(doc.error.message.length > 0);
});

test('POST / is 405 with Allow: GET, HEAD', async () => {
  const res = await fetch(`${srv.url}/`, { method: 'POST', body: 'x=1',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'GET, HEAD');
  await res.text();
});

test('HEAD / has the GET Content-Length and no body', async () => {
  const getBody = Buffer.from(await (await fetch(`${srv.url}/`)).arrayBuffer());
  const c = await RawConn.open(srv.port);
  try {
    c.write('HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const res = await c.response({ head: true });
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers['content-length']), getBody.length);
    // nothing may follow the headers: the next bytes must be the next response
    await c.changed(300);
    assert.equal(c.buf.length, 0, `bytes after the HEAD headers: ${c.buf.toString().slice(0, 80)}`);
    c.write(get('/healthz'));
    const next = await c.response();
    assert.equal(next.status, 200);
    assert.match(next.body, /"status":"ok"/);
  } finally {
    c.destroy();
  }
});

// --- 2. security headers on every kind of response --------------------------

for (const [kind, path] of [
  ['home page', '/'],
  ['404 page', '/nowhere'],
  ['asset', null], // found from the home page
  ['JSON', '/api/v1/health'],
  ['JSON error', '/api/v1/nope'],
  ['400', '/%zz'],
]) {
  test(`security headers on the ${kind} response`, async () => {
    let p = path;
    if (!p) {
      const home = await (await fetch(`${srv.url}/`)).text();
      p = /<link rel="stylesheet" href="([^"]+)"/.exec(home)[1];
    }
    const res = await rawRequest(srv.port, get(p));
    const h = res.headers;
    const csp = h['content-security-policy'];
    assert.ok(csp, 'Content-Security-Policy is set');
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.ok(h['referrer-policy'], 'Referrer-Policy is set');
    assert.match(h['x-request-id'] || '', /^[0-9a-f]{8,}$/);
  });
}

test('every response gets its own request id', async () => {
  const a = (await fetch(`${srv.url}/healthz`)).headers.get('x-request-id');
  const b = (await fetch(`${srv.url}/healthz`)).headers.get('x-request-id');
  assert.ok(a && b);
  assert.notEqual(a, b);
});

// --- 3. keep-alive ------------------------------------------------------------

test('two requests are answered over one kept-alive TCP connection', async () => {
  const c = await RawConn.open(srv.port);
  try {
    c.write(get('/'));
    const first = await c.response();
    assert.equal(first.status, 200);
    assert.doesNotMatch(first.headers.connection || '', /close/i);
    // the second answer on this socket proves it stayed open (response()
    // fails on a closed connection); no pause to watch it not close
    c.write(get('/api/v1/health'));
    const second = await c.response();
    assert.equal(second.status, 200);
    assert.doesNotMatch(second.headers.connection || '', /close/i);
    assert.notEqual(first.headers['x-request-id'], second.headers['x-request-id']);
  } finally {
    c.destroy();
  }
});

test('pipelined requests on one connection are answered in order', async () => {
  const c = await RawConn.open(srv.port);
  try {
    c.write(get('/healthz') + get('/nowhere') + get('/api/v1/health'));
    assert.equal((await c.response()).status, 200);
    assert.equal((await c.response()).status, 404);
    assert.equal((await c.response()).status, 200);
  } finally {
    c.destroy();
  }
});

test('an HTTP client with a keep-alive agent reuses its connection', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () => new Promise((resolve, reject) => {
    http.get(`${srv.url}/healthz`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, reused: res.req.reusedSocket }));
    }).on('error', reject);
  });
  try {
    const a = await once();
    const b = await once();
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(b.reused, true, 'second request went over the first connection');
  } finally {
    agent.destroy();
  }
});

// --- 5. malformed input -------------------------------------------------------

test('bad percent-encoding in the path is 400', async () => {
  const res = await rawRequest(srv.port, get('/%zz'));
  assert.equal(res.status, 400);
  assert.match(res.body, /percent-encoding/);
});

test('a truncated percent-escape at the end of the path is 400', async () => {
  const res = await rawRequest(srv.port, get('/search%2'));
  assert.equal(res.status, 400);
});

test('a NUL byte in the path is 400', async () => {
  const res = await rawRequest(srv.port, get('/%00'));
  assert.equal(res.status, 400);
});

test('invalid UTF-8 in the query is 400 naming the field and the problem', async () => {
  const res = await fetch(`${srv.url}/search?q=%FF`);
  assert.equal(res.status, 400);
  const body = await res.text();
  assert.match(body, /UTF-8/);
  assert.match(body, /“q”|&quot;q&quot;|"q"/, 'names the field q');
});

test('invalid UTF-8 in an API query is a JSON 400', async () => {
  const res = await fetch(`${srv.url}/api/v1/health?x=%C3%28`);
  assert.equal(res.status, 400);
  const doc = await res.json();
  assert.equal(doc.error.code, 'bad_request');
  assert.match(doc.error.message, /UTF-8/);
});

for (const path of [
  '/assets/../../etc/passwd',
  '/assets/css/..%2f..%2fetc%2fpasswd',
  '/assets/css/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  '/assets/%2e%2e/%2e%2e/etc/passwd',
  '/assets/css/../../../../etc/passwd',
]) {
  test(`path traversal ${path} is 4xx without file contents`, async () => {
    const res = await rawRequest(srv.port, get(path));
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    assert.doesNotMatch(res.body, /root:.*:0:0:/);
  });
}

test('a very long query value is refused with 400, not a crash', async () => {
  const res = await fetch(`${srv.url}/search?q=${'a'.repeat(20000)}`);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /<html lang="en">/);
});

test('a query value with many escaped characters is decoded safely', async () => {
  const q = encodeURIComponent('<script>"čćž"</script>');
  const res = await fetch(`${srv.url}/search?q=${q}`);
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.doesNotMatch(body, /<script>"/, 'the query is escaped in the page');
  assert.match(body, /čćž/);
});

test('a request line that is not HTTP gets no 2xx and the server stays up', async () => {
  const c = await RawConn.open(srv.port);
  try {
    c.write('NONSENSE\r\n\r\n');
    // once closed, all the server sent is in c.buf: no pause-then-look
    assert.ok(await c.closedWithin(5000), 'the server closes the connection');
    assert.doesNotMatch(c.buf.toString('latin1'), /^HTTP\/1\.[01] 2/);
  } finally {
    c.destroy();
  }
});

test('the server still answers after all the malformed input', async () => {
  const res = await fetch(`${srv.url}/healthz`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).status, 'ok');
});

test('the footer leads people to a human status page; /healthz stays JSON for machines', async () => {
  const home = await (await fetch(`${srv.url}/?lang=en`)).text();
  assert.match(home, /<a href="\/status">Service status<\/a>/);
  const res = await fetch(`${srv.url}/status?lang=en`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const body = await res.text();
  assert.match(body, /<h1>Service status<\/h1>/);
  assert.match(body, /Everything is working\./);
  assert.match(body, /<dt>Schema version<\/dt><dd>\d+<\/dd>/);
  assert.match(body, /href="\/healthz"/);
  const sr = await (await fetch(`${srv.url}/status?lang=sr-Cyrl`)).text();
  assert.match(sr, /Све ради\./);
  assert.match(sr, /Верзија шеме/);
  const lat = await (await fetch(`${srv.url}/status?lang=sr-Latn`)).text();
  assert.match(lat, /Sve radi\./);
  const h = await fetch(`${srv.url}/healthz`);
  assert.match(h.headers.get('content-type'), /application\/json/);
  assert.equal((await h.json()).status, 'ok');
});
