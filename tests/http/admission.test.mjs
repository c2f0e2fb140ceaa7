// admission.test.mjs: one client address cannot take the server from the
// others (issue 10 parts 4 and 6). A worker serves the address that holds
// the fewest workers first, and an address beyond its share (--worker-share,
// max(1, threads/4) by default) only borrows idle workers while as many stay
// idle; routes that hash a password run on their own small pool. Judged by
// order, not by timing: the other address's request must be answered while
// the flooder's requests are still waiting, which first come, first served
// cannot do. /healthz reports the pools (busy, queued), so the tests wait
// for the flood to be at the server instead of sleeping.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './lib.mjs';
import { waitFor } from './rawhttp.mjs';

// One request on a connection of its own from localAddress (any 127.x.y.z
// works on Linux); resolves with { status, body }.
function request(port, path, { localAddress = '127.0.0.1', method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, localAddress, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

let health = null;
async function pollHealth(url) {
  health = (await (await fetch(`${url}/healthz`)).json()).workers;
  return health;
}

// Resolves when cond(workers) holds, polling /healthz (an I/O-thread route,
// never queued behind the workers).
async function until(url, cond, what) {
  const deadline = Date.now() + 10000;
  for (;;) {
    if (cond(await pollHealth(url))) return health;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('admission: one address flooding slow requests', () => {
  let srv;
  before(async () => { srv = await startServer(); }); // 4 workers, share 1
  after(async () => { assert.equal((await srv.stop()).code, 0); });

  test('another address is answered while the flood still waits', async () => {
    const FLOOD = 6;
    let floodDone = 0;
    const flood = [];
    for (let i = 0; i < FLOOD; i++) {
      flood.push(request(srv.port, '/_test/sleep?ms=2000', { localAddress: '127.0.0.2' })
        .then((r) => { floodDone++; return r; }));
    }
    // the flooder gets 4 - 1 workers, one stays idle for everyone else, and
    // the rest of the flood waits (first come, first served: 4 busy, 2 queued)
    const w = await until(srv.url, (h) => (h.busy === 3 && h.queued === FLOOD - 3) || floodDone > 0,
      'the flood to hold 3 workers with 3 requests waiting');
    assert.equal(floodDone, 0, 'the flood is still running');
    assert.equal(w.size, 4);

    const res = await request(srv.port, '/_test/sleep?ms=0');
    const doneAtAnswer = floodDone;
    assert.equal(res.status, 200);
    // first come, first served would run it after the first 4 flood requests
    assert.ok(doneAtAnswer < 4, `${doneAtAnswer} flood requests finished before the other address's one`);
    for (const r of await Promise.all(flood)) assert.equal(r.status, 200);
    assert.equal(floodDone, FLOOD);
  });

  test('a lone address still gets all but the reserve: 3 of 4 workers at once', async () => {
    let done = 0;
    const reqs = [1, 2, 3].map(() => request(srv.port, '/_test/sleep?ms=1500', { localAddress: '127.0.0.3' })
      .then((r) => { done++; return r; }));
    await until(srv.url, (h) => h.busy === 3 && h.queued === 0, 'all three to run at once');
    assert.equal(done, 0);
    for (const r of await Promise.all(reqs)) assert.equal(r.status, 200);
  });
});

describe('admission: a burst of failed logins', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { assert.equal((await srv.stop()).code, 0); });

  test('runs on the hashing pool, and other addresses are answered while the burst still waits', async () => {
    const BURST = 20; // the per-address allowance before login throttling
    let done = 0;
    const burst = [];
    for (let i = 0; i < BURST; i++) {
      burst.push(request(srv.port, '/login', {
        localAddress: '127.0.0.2',
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, Host: `127.0.0.1:${srv.port}` },
        body: new URLSearchParams({ email: `nobody${i}@example.org`, password: 'wrong password 123' }).toString(),
      }).then((r) => { done++; return r; }));
    }
    const w = await until(srv.url, (h) => h.hash_busy + h.hash_queued + done >= BURST, 'the burst to reach the server');
    assert.equal(w.hash_size, 2);
    assert.equal(w.busy, 0, 'no login holds a general worker');
    assert.ok(w.hash_busy <= 2);

    const res = await request(srv.port, '/_test/sleep?ms=0');
    const doneAtAnswer = done;
    assert.equal(res.status, 200);
    // on the general workers, first come, first served, it would wait for 16
    assert.ok(doneAtAnswer <= 10, `${doneAtAnswer} of ${BURST} logins finished before the other address's request`);

    // a login from another address takes the next free hashing worker
    // (first come, first served: after every login of the burst)
    const mine = await request(srv.port, '/login', {
      localAddress: '127.0.0.3',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, Host: `127.0.0.1:${srv.port}` },
      body: new URLSearchParams({ email: 'someone@example.org', password: 'wrong password 123' }).toString(),
    });
    const doneAtLogin = done;
    assert.equal(mine.status, 401);
    assert.ok(doneAtLogin <= 16, `${doneAtLogin} of ${BURST} logins finished before the other address's login`);
    for (const r of await Promise.all(burst)) assert.equal(r.status, 401, 'a wrong password is 401');
  });
});
