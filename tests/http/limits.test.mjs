// limits.test.mjs: header and body size limits, the idle timeout and the
// per-address connection cap. Each limit that needs its own setting gets
// its own server; a test that counts connections starts its own, so no
// test depends on what an earlier one left behind. Nothing sleeps: each
// wait is for a response or a close, with a deadline well inside the
// server's own timeout where that timeout is what the test tells apart.
import { describe, before, after, beforeEach, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';
import { RawConn, rawRequest, get } from './rawhttp.mjs';

async function stopOk(srv) {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
}

async function stillServes(srv) {
  const res = await fetch(`${srv.url}/healthz`);
  assert.equal(res.status, 200);
  await res.text();
}

describe('default limits', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(() => stopOk(srv));

  test('one header line of 33 KiB is refused with 431 and the server answers afterwards', async () => {
    const res = await rawRequest(srv.port, get('/', `X-Big: ${'a'.repeat(33 * 1024)}\r\n`));
    assert.equal(res.status, 431);
    await stillServes(srv);
  });

  test('headers totalling 48 KiB are refused with 431 (or 400) and the server answers afterwards', async () => {
    let extra = '';
    for (let i = 0; i < 480; i++) extra += `X-H${i}: ${'b'.repeat(96)}\r\n`;
    const res = await rawRequest(srv.port, get('/', extra));
    assert.ok(res.status === 431 || res.status === 400, `status ${res.status}`);
    await stillServes(srv);
  });

  test('headers just under the limit are accepted', async () => {
    const res = await rawRequest(srv.port, get('/healthz', `X-Big: ${'a'.repeat(30 * 1024)}\r\n`));
    assert.equal(res.status, 200);
  });

  test('a declared 10 MB body is refused with 413 at once, without reading it', async () => {
    const c = await RawConn.open(srv.port);
    try {
      // No body byte is ever sent: a server that waited for the body would
      // answer nothing before its 30 s idle timeout, far past these 5 s.
      c.write('GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n');
      const res = await c.response({ timeout: 5000 });
      assert.equal(res.status, 413);
      assert.match(res.headers.connection || '', /close/i);
      assert.ok(await c.closedWithin(5000), 'server closes the connection instead of reading the body');
    } finally {
      c.destroy();
    }
    await stillServes(srv);
  });

  test('a declared 10 MB body with Expect: 100-continue gets 413, never 100 Continue', async () => {
    const c = await RawConn.open(srv.port);
    try {
      c.write('GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\n\r\n');
      const res = await c.response({ timeout: 5000 });
      assert.equal(res.status, 413);
    } finally {
      c.destroy();
    }
  });
});

describe('--max-body 2048 --timeout 1', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--max-body', '2048', '--timeout', '1'] }); });
  after(() => stopOk(srv));

  test('a declared 4096-byte body is 413 naming the limit, before any body is sent', async () => {
    // a server waiting for the body would close after its 1 s timeout with
    // no response at all, which response() reports as a failure
    const res = await rawRequest(srv.port,
      'GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4096\r\n\r\n');
    assert.equal(res.status, 413);
    assert.match(res.body, /2048/);
  });

  test('a 4096-byte chunked body (no Content-Length) is 413', async () => {
    const chunk = 'a'.repeat(4096);
    const res = await rawRequest(srv.port,
      `GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`);
    assert.equal(res.status, 413);
  });

  test('a 4096-byte body sent along with its headers is 413 too', async () => {
    const res = await rawRequest(srv.port,
      `GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4096\r\n\r\n${'a'.repeat(4096)}`);
    assert.equal(res.status, 413);
  });

  test('a body sent to an unknown path is skipped: 404, and the connection stays usable', async () => {
    const c = await RawConn.open(srv.port);
    try {
      c.write(`POST /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1500\r\n\r\n${'x'.repeat(1500)}`);
      assert.equal((await c.response()).status, 404);
      c.write(get('/healthz'));
      assert.equal((await c.response()).status, 200);
    } finally {
      c.destroy();
    }
  });

  test('a 1000-byte body is under the limit and accepted', async () => {
    const res = await rawRequest(srv.port,
      `GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n${'a'.repeat(1000)}`);
    assert.equal(res.status, 200);
  });

  test('an idle connection is closed by the server after its 1 s timeout', async () => {
    // t0 before the connect and the close seen by this process: a busy
    // machine can only make the measured time longer, never shorter
    const t0 = Date.now();
    const c = await RawConn.open(srv.port);
    try {
      assert.equal(await c.closedWithin(5000), true, 'closed after the 1 s timeout');
      const ms = Date.now() - t0;
      assert.ok(ms >= 900, `not closed at once but after the timeout: closed after ${ms} ms`);
    } finally {
      c.destroy();
    }
  });

  test('a client that stops half-way through its headers is closed too', async () => {
    const c = await RawConn.open(srv.port);
    try {
      c.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      assert.equal(await c.closedWithin(5000), true);
    } finally {
      c.destroy();
    }
    await stillServes(srv);
  });
});

// Opens connections until n are held by the server: each one answers a
// request on it, so the server has counted it (keep-alive keeps it open).
async function holdConnections(srv, n) {
  const conns = [];
  try {
    for (let i = 0; i < n; i++) {
      const c = await RawConn.open(srv.port);
      conns.push(c);
      c.write(get('/healthz'));
      assert.equal((await c.response()).status, 200, `connection ${i + 1} is served`);
    }
  } catch (e) {
    for (const c of conns) c.destroy();
    throw e;
  }
  return conns;
}

// True when a connection over the cap is closed by the server (or refused)
// without an answer; the deadline only bounds the wait.
async function turnedAway(srv) {
  let c;
  try {
    c = await RawConn.open(srv.port);
  } catch {
    return true; // refused outright
  }
  try {
    c.write(get('/healthz'));
    try {
      return (await c.response({ timeout: 5000 })).status !== 200;
    } catch (e) {
      if (c.closed) return true; // closed without an answer
      throw e;
    }
  } finally {
    c.destroy();
  }
}

describe('--max-per-ip 4', () => {
  // each test its own server: the count of open connections is the state
  let srv;
  beforeEach(async () => { srv = await startServer({ args: ['--max-per-ip', '4'] }); });
  afterEach(() => stopOk(srv));

  test('a 5th and 6th connection from one address are turned away while 4 stay open', async () => {
    const held = await holdConnections(srv, 4);
    try {
      assert.equal(await turnedAway(srv), true, 'the 5th connection is turned away');
      assert.equal(await turnedAway(srv), true, 'the 6th connection is turned away');
      // the four are still real connections: each is served again
      for (const c of held) {
        c.write(get('/healthz'));
        assert.equal((await c.response()).status, 200);
      }
    } finally {
      for (const c of held) c.destroy();
    }
  });

  test('after the connections go away, new ones are accepted again', async () => {
    const held = await holdConnections(srv, 4);
    assert.equal(await turnedAway(srv), true, 'the cap is reached');
    for (const c of held) c.destroy();
    // the server notices the closes on its own time: poll for a served
    // connection, with a deadline
    const deadline = Date.now() + 5000;
    while (await turnedAway(srv)) {
      assert.ok(Date.now() < deadline, 'a new connection is served within 5 s of the others closing');
      await new Promise((r) => setTimeout(r, 20)); // poll interval
    }
    await stillServes(srv);
  });
});
