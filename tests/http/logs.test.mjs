// logs.test.mjs: the access log on stderr: one line per request with the
// request id the client saw, in text and in JSON, and safe against
// injected line breaks.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';
import { RawConn, rawRequest, get, waitFor } from './rawhttp.mjs';

async function stopOk(srv) {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
}

// How long a log line may take to appear: a deadline, not a pause (the
// waits poll and return as soon as it is there).
const LOG_WAIT = 5000;

// The log lines (so far) that mention text.
function linesWith(srv, text) {
  return srv.log().split('\n').filter((l) => l.includes(text));
}

describe('text access log', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(() => stopOk(srv));

  test('a request gives one access line with its id, method, path and status', async () => {
    const c = await RawConn.open(srv.port);
    try {
      c.write(get('/search?q=x'));
      const id = (await c.response()).headers['x-request-id'];
      // the marker: a later request on the same connection, logged after
      // everything the first one logs (see the /healthz test)
      c.write(get('/no-such-page'));
      const marker = (await c.response()).headers['x-request-id'];
      await waitFor(() => linesWith(srv, marker).length, LOG_WAIT, 'the marker request\'s access line');
      const [line, ...more] = linesWith(srv, id);
      assert.deepEqual(more, [], 'exactly one line for the request');
      assert.match(line, new RegExp(`\\baccess ${id} GET /search 200 \\d+ \\d+us$`));
    } finally {
      c.destroy();
    }
  });

  test('error responses are logged with their status', async () => {
    const res = await fetch(`${srv.url}/no-such-page`, { method: 'GET' });
    await res.text();
    const id = res.headers.get('x-request-id');
    const [line] = await waitFor(() => { const l = linesWith(srv, id); return l.length && l; }, LOG_WAIT, 'access line');
    assert.match(line, / GET \/no-such-page 404 /);
  });

  test('a space in a path stays one column (%20), so the status is always the fifth field', async () => {
    const res = await fetch(`${srv.url}/no%20such%20page`);
    await res.text();
    const id = res.headers.get('x-request-id');
    const [line] = await waitFor(() => { const l = linesWith(srv, id); return l.length && l; }, LOG_WAIT, 'access line');
    assert.match(line, / GET \/no%20such%20page 404 /);
  });

  test('the logged byte count is the body length sent', async () => {
    const res = await fetch(`${srv.url}/`);
    const body = Buffer.from(await res.arrayBuffer());
    const id = res.headers.get('x-request-id');
    const [line] = await waitFor(() => { const l = linesWith(srv, id); return l.length && l; }, LOG_WAIT, 'access line');
    assert.match(line, new RegExp(` 200 ${body.length} \\d+us$`));
  });

  test('a line break in the path cannot forge a log line', async () => {
    const res = await rawRequest(srv.port, get('/x%0D%0A2020-01-01T00:00:00.000Z%20access%20forged'));
    const id = res.headers['x-request-id'];
    await waitFor(() => linesWith(srv, id).length, LOG_WAIT, 'access line');
    const lines = srv.log().split(/\r?\n|\r/);
    assert.equal(lines.filter((l) => l.startsWith('2020-01-01')).length, 0, 'no forged line');
    assert.match(linesWith(srv, id)[0], /\\u000d\\u000a/);
  });

  test('/healthz is not logged (probes would drown the log)', async () => {
    // A later request on the same connection is the marker: libmicrohttpd
    // finishes one request on a connection (and so logs it) before it reads
    // the next, so once the marker's line is there, a line for /healthz
    // would have been written before it.
    const c = await RawConn.open(srv.port);
    try {
      c.write(get('/healthz'));
      const probe = await c.response();
      assert.equal(probe.status, 200);
      const id = probe.headers['x-request-id'];
      assert.ok(id, 'the probe has a request id');
      c.write(get('/no-such-page'));
      const marker = (await c.response()).headers['x-request-id'];
      await waitFor(() => linesWith(srv, marker).length, LOG_WAIT, 'the marker request\'s access line');
      const log = srv.log();
      assert.equal(log.indexOf(id), -1, `no line for /healthz before the marker's:\n${log}`);
    } finally {
      c.destroy();
    }
  });
});

describe('--log-format json', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--log-format', 'json'] }); });
  after(() => stopOk(srv));

  test('every log line is a JSON object', async () => {
    const res = await fetch(`${srv.url}/`);
    await res.text();
    const id = res.headers.get('x-request-id');
    await waitFor(() => linesWith(srv, id).length, LOG_WAIT, 'access line');
    // whole lines only: another line may be half-way through being written
    const log = srv.log();
    const lines = log.slice(0, log.lastIndexOf('\n')).split('\n').filter(Boolean);
    assert.ok(lines.length >= 2, `the start-up line and the access line at least:\n${log}`);
    for (const l of lines) assert.equal(typeof JSON.parse(l), 'object', l);
  });

  test('an access line has request_id, method, path, status, bytes and us', async () => {
    const res = await fetch(`${srv.url}/api/v1/nope?a=1`);
    const body = Buffer.from(await res.arrayBuffer());
    const id = res.headers.get('x-request-id');
    const [line] = await waitFor(() => { const l = linesWith(srv, id); return l.length && l; }, LOG_WAIT, 'access line');
    const rec = JSON.parse(line);
    assert.equal(rec.request_id, id);
    assert.equal(rec.method, 'GET');
    assert.equal(rec.path, '/api/v1/nope');
    assert.equal(rec.status, 404);
    assert.equal(rec.bytes, body.length);
    assert.equal(typeof rec.us, 'number');
    assert.ok(rec.us >= 0);
  });

  test('quotes and control characters in the path stay valid JSON', async () => {
    const res = await rawRequest(srv.port, get('/%22%5C%0A%01'));
    const id = res.headers['x-request-id'];
    const [line] = await waitFor(() => { const l = linesWith(srv, id); return l.length && l; }, LOG_WAIT, 'access line');
    const rec = JSON.parse(line);
    assert.equal(rec.path, '/"\\\n\u0001');
  });
});
