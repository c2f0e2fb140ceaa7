// shutdown.test.mjs: SIGTERM stops accepting at once, lets in-flight
// requests finish, and exits 0 (each test owns its server, as it kills it).
// No pauses: the tests wait for the server's own log lines ("test sleep
// started", "signal 15: stopping") and poll with deadlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib.mjs';
import { RawConn, get, waitFor } from './rawhttp.mjs';

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
  let done = false;
  const inflight = fetch(`${srv.url}/_test/sleep?ms=3000`)
    .then(async (r) => ({ status: r.status, body: await r.text() }))
    .finally(() => { done = true; });
  // in flight: its handler has started
  await waitFor(() => /test sleep started: 3000 ms/.test(srv.log()), 10000, 'the slow request to start');
  srv.proc.kill('SIGTERM');
  await waitFor(() => /signal 15: stopping, waiting up to \d+s for 1 request\(s\)/.test(srv.log()), 10000,
    'the server to report one request in flight');
  // the listening socket closes right after that line: poll until refused
  let got;
  const deadline = Date.now() + 2500;
  while ((got = await tryConnect(srv.port)) !== 'ECONNREFUSED' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20)); // poll interval
  }
  assert.equal(got, 'ECONNREFUSED', 'no new connections after SIGTERM');
  assert.equal(done, false, 'refused while the slow request was still running');
  const res = await inflight;
  assert.equal(res.status, 200);
  assert.equal(res.body.trim(), 'slept 3000 ms');
  assert.ok(Date.now() - t0 >= 3000, 'the request really slept');
  const { code, stderr } = await srv.stop();
  assert.equal(code, 0);
  assert.match(stderr, /stopped/);
});

test('an idle kept-alive connection does not hold up shutdown', async () => {
  // held up, it would wait 30 s (--shutdown-wait, and the idle timeout)
  const srv = await startServer({ args: ['--shutdown-wait', '30'] });
  const c = await RawConn.open(srv.port);
  try {
    c.write(get('/healthz'));
    assert.equal((await c.response()).status, 200);
    const t0 = Date.now();
    const { code } = await srv.stop();
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 10000, `shutdown took ${Date.now() - t0} ms`);
    assert.ok(await c.closedWithin(5000), 'the idle connection is closed');
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
