// shutdown.test.mjs: SIGTERM stops accepting at once, lets in-flight
// requests finish, and exits 0 (each test owns its server, as it kills it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib.mjs';
import { RawConn, get } from './rawhttp.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves with the connect error code, or 'connected'.
function tryConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve('connected'); });
    s.once('error', (e) => resolve(e.code));
  });
}

test('SIGTERM lets an in-flight request finish, refuses new connections, exits 0', async () => {
  const srv = await startServer();
  const t0 = Date.now();
  const inflight = fetch(`${srv.url}/_test/sleep?ms=1500`).then(async (r) => ({ status: r.status, body: await r.text() }));
  await sleep(200);
  srv.proc.kill('SIGTERM');
  await sleep(200);
  assert.equal(await tryConnect(srv.port), 'ECONNREFUSED', 'no new connections after SIGTERM');
  const res = await inflight;
  assert.equal(res.status, 200);
  assert.equal(res.body.trim(), 'slept 1500 ms');
  assert.ok(Date.now() - t0 >= 1500, 'the request really slept');
  const { code, stderr } = await srv.stop();
  assert.equal(code, 0);
  assert.match(stderr, /stopped/);
});

test('an idle kept-alive connection does not hold up shutdown', async () => {
  const srv = await startServer();
  const c = await RawConn.open(srv.port);
  try {
    c.write(get('/healthz'));
    assert.equal((await c.response()).status, 200);
    const t0 = Date.now();
    const { code } = await srv.stop();
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 3000, `shutdown took ${Date.now() - t0} ms`);
    assert.ok(await c.closedWithin(1000), 'the idle connection is closed');
  } finally {
    c.destroy();
  }
});

test('SIGINT stops the server like SIGTERM', async () => {
  const srv = await startServer();
  srv.proc.kill('SIGINT');
  const { code } = await srv.stop();
  assert.equal(code, 0);
});
