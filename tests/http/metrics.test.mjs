// metrics.test.mjs: /metrics in the Prometheus text format (issue 18,
// "Operations"): an example scrape parsed line by line against the text
// format's grammar, counters that move with the requests made, histogram
// buckets that are cumulative and end in +Inf = count, and the address
// rule (--metrics-allow): everyone else gets 404 as if there were no page.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, scan, sqliteIn } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

// Parses the text format (0.0.4): HELP/TYPE comments, then samples
// `name{label="value",...} number`; every sample's family has a TYPE line
// before it. Returns [{name, labels, value}] and the types.
function parse(text) {
  const types = new Map();
  const samples = [];
  const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/y;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      if (m[1] === 'TYPE') {
        assert.match(m[3], /^(counter|gauge|histogram|summary|untyped)$/, line);
        assert.ok(!types.has(m[2]), `TYPE of ${m[2]} given twice`);
        types.set(m[2], m[3]);
      }
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (-?[0-9.e+]+|\+Inf|NaN)$/.exec(line);
    assert.ok(m, `not a sample line: ${JSON.stringify(line)}`);
    const labels = {};
    if (m[2]) {
      const inner = m[2].slice(1, -1);
      let pos = 0;
      while (pos < inner.length) {
        labelRe.lastIndex = pos;
        const l = labelRe.exec(inner);
        assert.ok(l, `bad labels in ${line}`);
        labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
        pos = labelRe.lastIndex;
        if (inner[pos] === ',') pos++;
      }
    }
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]) || types.get(family) === 'histogram', `no TYPE before ${m[1]}`);
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { types, samples };
}

const find = (s, name, labels = {}) =>
  s.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));

// A request is counted once its answer has gone out (server.c, at the
// request's end): a scrape made the moment the answer arrives may not see
// it yet. Scrapes until ok(samples) holds, 5 s at most; the last scrape.
async function scrapeUntil(ok) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await fetch(`${srv.url}/metrics`);
    const text = await res.text();
    const parsed = parse(text);
    if (ok(parsed.samples) || Date.now() > deadline) return { res, text, ...parsed };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('an example scrape: valid text format, requests by route and status, histograms', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${srv.url}/orgs`)).status, 200);
  assert.equal((await fetch(`${srv.url}/orgs/no-such-entry`)).status, 404);
  const { res, text, types, samples } = await scrapeUntil((got) =>
    find(got, 'scan_http_requests_total', { method: 'GET', route: '/orgs', status: '2xx' })
      .some((x) => x.value >= 3) &&
    find(got, 'scan_http_requests_total', { route: '/orgs/{slug}', status: '4xx' }).length > 0);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(types.get('scan_http_requests_total'), 'counter');
  assert.equal(types.get('scan_http_request_duration_seconds'), 'histogram');
  const orgs = find(samples, 'scan_http_requests_total', { method: 'GET', route: '/orgs', status: '2xx' });
  assert.equal(orgs.length, 1);
  assert.ok(orgs[0].value >= 3, `GET /orgs 2xx counted: ${orgs[0].value}`);
  const missing = find(samples, 'scan_http_requests_total', { route: '/orgs/{slug}', status: '4xx' });
  assert.equal(missing.length, 1, 'a 404 of a route pattern counts under the pattern, not the path');
  assert.doesNotMatch(text, /no-such-entry/, 'paths never become labels');
  // histogram: cumulative buckets, +Inf equals the count
  const buckets = find(samples, 'scan_http_request_duration_seconds_bucket', { method: 'GET', route: '/orgs' });
  assert.ok(buckets.length >= 2);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, 'cumulative');
  assert.equal(buckets.at(-1).labels.le, '+Inf');
  const count = find(samples, 'scan_http_request_duration_seconds_count', { method: 'GET', route: '/orgs' });
  assert.equal(buckets.at(-1).value, count[0].value);
  // the rest of what operations needs is there
  for (const name of ['scan_worker_queue_depth', 'scan_db_seconds_total', 'scan_page_cache_hits_total',
    'scan_page_cache_misses_total', 'scan_outbox_waiting', 'scan_outbox_given_up', 'scan_mail_failures_total',
    'scan_job_runs_total', 'scan_process_resident_memory_bytes', 'scan_build_info', 'scan_db_writes_total',
    'scan_db_write_retries_total', 'scan_db_writes_given_up_total', 'scan_page_cache_fast_hits_total'])
    assert.ok(find(samples, name).length >= 1, `${name} present`);
  assert.ok(find(samples, 'scan_db_seconds_total')[0].value > 0, 'database time counted');
  assert.ok(find(samples, 'scan_process_resident_memory_bytes')[0].value > 1e6);
  // a later scrape sees the first one counted
  const again = (await scrapeUntil((got) =>
    find(got, 'scan_http_requests_total', { route: '/metrics', status: '2xx' }).length > 0)).samples;
  const self = find(again, 'scan_http_requests_total', { route: '/metrics', status: '2xx' });
  assert.ok(self.length === 1 && self[0].value >= 1);
});

test('the outbox gauges count waiting and given-up mail', async () => {
  const before = parse(await (await fetch(`${srv.url}/metrics`)).text()).samples;
  const w0 = find(before, 'scan_outbox_waiting')[0].value;
  const g0 = find(before, 'scan_outbox_given_up')[0].value;
  const now = Math.floor(Date.now() / 1000);
  sqliteIn(srv.db, `INSERT INTO outbox(to_addr, subject, body, created_at) VALUES
    ('a@example.com', 'One', 'Body', ${now}), ('b@example.com', 'Two', 'Body', ${now});
    INSERT INTO outbox(to_addr, subject, body, created_at, attempts, last_error)
    VALUES ('c@example.com', 'Three', 'Body', ${now}, 5, 'refused')`);
  const after = parse(await (await fetch(`${srv.url}/metrics`)).text()).samples;
  assert.equal(find(after, 'scan_outbox_waiting')[0].value, w0 + 2);
  assert.equal(find(after, 'scan_outbox_given_up')[0].value, g0 + 1);
});

test('other addresses get 404; --metrics-allow takes networks and refuses nonsense', async () => {
  const other = await startServer({ args: ['--metrics-allow', '10.0.0.0/8, fd00::/8'] });
  try {
    const res = await fetch(`${other.url}/metrics`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(await res.text(), /scan_http/);
  } finally { await other.stop(); }
  const wide = await startServer({ env: { SCAN_METRICS_ALLOW: '127.0.0.0/8' } });
  try {
    assert.equal((await fetch(`${wide.url}/metrics`)).status, 200, 'a network holds the address');
  } finally { await wide.stop(); }
  for (const bad of ['10.0.0.0/33', 'nonsense', '::1/129', '1.2.3.4/x']) {
    const r = scan(['serve', '--db', srv.db, '--listen', '127.0.0.1:0', '--metrics-allow', bad]);
    assert.equal(r.status, 2, `--metrics-allow ${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--metrics-allow wants addresses and networks/);
  }
});

test('X-Forwarded-For names the client only when the peer is a trusted proxy', async () => {
  const xff = (url, v) => fetch(`${url}/metrics`, { headers: v ? { 'X-Forwarded-For': v } : {} });
  // not trusted: a claim, ignored (the peer, 127.0.0.1, may read /metrics)
  assert.equal((await xff(srv.url, '203.0.113.7')).status, 200);
  const px = await startServer({ args: ['--trusted-proxies', '127.0.0.1, 10.0.0.0/8'] });
  try {
    assert.equal((await xff(px.url, '203.0.113.7')).status, 404, 'the forwarded client is outside');
    assert.equal((await xff(px.url, '203.0.113.7, 10.1.1.1')).status, 404, 'past a chain of proxies');
    assert.equal((await xff(px.url, '127.0.0.1')).status, 200, 'a forwarded loopback client');
    assert.equal((await xff(px.url, '10.2.3.4, 127.0.0.1')).status, 200, 'only proxies: the peer');
    assert.equal((await xff(px.url, 'garbage')).status, 200, 'malformed: the peer');
    assert.equal((await xff(px.url, '203.0.113.7:4444')).status, 200, 'a port is not an address');
    assert.equal((await xff(px.url)).status, 200, 'no header: the peer');
  } finally { await px.stop(); }
  const r = scan(['serve', '--db', srv.db, '--listen', '127.0.0.1:0', '--trusted-proxies', '300.1.1.1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--trusted-proxies wants addresses and networks/);
});

test('repeated X-Forwarded-For lines are one list: a client line cannot win over the proxy\'s', async () => {
  const px = await startServer({ args: ['--trusted-proxies', '127.0.0.1'] });
  try {
    // a raw request: fetch folds repeated headers itself
    const net = await import('node:net');
    const ask = (lines) => new Promise((res, rej) => {
      const s = net.connect(px.port, '127.0.0.1', () => {
        s.write(`GET /metrics HTTP/1.1\r\nHost: x\r\n${lines.map((l) => `X-Forwarded-For: ${l}\r\n`).join('')}Connection: close\r\n\r\n`);
      });
      let got = '';
      s.on('data', (d) => { got += d; });
      s.on('end', () => res(Number(/^HTTP\/1\.1 (\d+)/.exec(got)[1])));
      s.on('error', rej);
    });
    assert.equal(await ask(['127.0.0.1', '192.0.2.9']), 404, 'the last line (the proxy\'s) names the client');
    assert.equal(await ask(['192.0.2.9', '127.0.0.1']), 404, 'past the trusted entries');
    assert.equal(await ask(['127.0.0.1']), 200);
  } finally { await px.stop(); }
});

test('one-click links keep their token out of the access log', async () => {
  const token = 'SecretTokenAbc123xyz';
  for (const p of [`/u/${token}`, `/newsletter/u/${token}`, `/newsletter/confirm/${token}`])
    await (await fetch(`${srv.url}${p}`)).text();
  const deadline = Date.now() + 5000;
  while (!/GET \/newsletter\/confirm\/\{token\}/.test(srv.log()) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const log = srv.log();
  assert.match(log, /GET \/u\/\{token\} /);
  assert.match(log, /GET \/newsletter\/u\/\{token\} /);
  assert.match(log, /GET \/newsletter\/confirm\/\{token\} /);
  assert.doesNotMatch(log, new RegExp(token));
});

test('a server records its public address; jobs run from cron link to it without --base-url', async () => {
  const s = await startServer({ args: ['--base-url', 'https://scan.example.rs/'] });
  await s.stop({ keep: true });
  try {
    const r = scan(['digest', 'run', '--now', '--db', s.db]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /no server has recorded/);
    assert.equal(sqliteIn(s.db, "SELECT value FROM app_meta WHERE key = 'public_url'").trim(), 'https://scan.example.rs');
    const bad = scan(['calls', 'remind', '--db', s.db, '--base-url', 'ftp://x']);
    assert.equal(bad.status, 2);
  } finally { rmSync(s.dir, { recursive: true, force: true }); }
  // a database no server with a known address ran on: the fallback, said aloud
  const t = await startServer();
  await t.stop({ keep: true });
  try {
    const r = scan(['events', 'remind', '--db', t.db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /no server has recorded its address/);
  } finally { rmSync(t.dir, { recursive: true, force: true }); }
});
