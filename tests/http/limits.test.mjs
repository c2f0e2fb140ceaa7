// limits.test.mjs: header and body size limits, the idle timeout and the
// per-address connection cap. Each limit that needs its own setting gets
// its own server.
import { describe, before, after, test } from 'node:test';
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
      const t0 = Date.now();
      c.write('GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n');
      const res = await c.response({ timeout: 2000 });
      assert.equal(res.status, 413);
      assert.ok(Date.now() - t0 < 1000, `413 took ${Date.now() - t0} ms`);
      assert.match(res.headers.connection || '', /close/i);
      assert.ok(await c.closedWithin(1000), 'server closes the connection instead of reading the body');
    } finally {
      c.destroy();
    }
    await stillServes(srv);
  });

  test('a declared 10 MB body with Expect: 100-continue gets 413, never 100 Continue', async () => {
    const c = await RawConn.open(srv.port);
    try {
      c.write('GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\n\r\n');
      const res = await c.response({ timeout: 2000 });
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
    const res = await rawRequest(srv.port,
      'GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4096\r\n\r\n', { timeout: 1500 });
    assert.equal(res.status, 413);
    assert.match(res.body, /2048/);
  });

  test('a 4096-byte chunked body (no Content-Length) is 413', async () => {
    const chunk = 'a'.repeat(4096);
    const res = await rawRequest(srv.port,
      `GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
      { timeout: 1500 });
    assert.equal(res.status, 413);
  });

  test('a 4096-byte body sent along with its headers is 413 too', async () => {
    const res = await rawRequest(srv.port,
      `GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4096\r\n\r\n${'a'.repeat(4096)}`, { timeout: 1500 });
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

  test('an idle connection is closed by the server within ~3 s', async () => {
    const c = await RawConn.open(srv.port);
    try {
      assert.equal(await c.closedWithin(300), false, 'not closed at once');
      assert.equal(await c.closedWithin(3000), true, 'closed after the 1 s timeout');
    } finally {
      c.destroy();
    }
  });

  test('a client that stops half-way through its headers is closed too', async () => {
    const c = await RawConn.open(srv.port);
    try {
      c.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      assert.equal(await c.closedWithin(3000), true);
    } finally {
      c.destroy();
    }
    await stillServes(srv);
  });
});

describe('--max-per-ip 4', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--max-per-ip', '4'] }); });
  after(() => stopOk(srv));

  test('a 5th and 6th connection from one address are refused while 4 stay open', async () => {
    const conns = [];
    try {
      for (let i = 0; i < 6; i++) {
        conns.push(await RawConn.open(srv.port).catch(() => null)); // refused counts as closed
        await new Promise((r) => setTimeout(r, 30));
      }
      await new Promise((r) => setTimeout(r, 500));
      const closed = conns.filter((c) => !c || c.closed).length;
      assert.equal(closed, 2, `${closed} of 6 connections were closed`);
      // the survivors are real connections: each can still be served
      for (const c of conns.filter((x) => x && !x.closed)) {
        c.write(get('/healthz'));
        assert.equal((await c.response()).status, 200);
      }
    } finally {
      for (const c of conns) c?.destroy();
    }
  });

  test('after the connections go away, new ones are accepted again', async () => {
    await new Promise((r) => setTimeout(r, 200));
    await stillServes(srv);
  });
});
