// proxy.test.mjs: the shipped reverse-proxy configuration (etc/nginx-scan.conf)
// in front of two app servers on one database (issue 18, "Several app
// servers"): the file passes `nginx -t` as shipped, serves pages and
// logins through either server, passes the client's address only as the
// proxy sets it, hides /metrics, and when one app server is killed with
// SIGKILL, GETs keep answering through the other.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { startServer, scan, loginAgent } from './lib.mjs';

const CONF = new URL('../../etc/nginx-scan.conf', import.meta.url).pathname;
let a, b, nginx, dir, url;

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

// The shipped file with the app servers' and the listener's ports put in,
// inside the smallest main configuration nginx needs to run unprivileged.
function config(ports, listen) {
  let site = readFileSync(CONF, 'utf8');
  site = site.replace(/server 127\.0\.0\.1:8081 /, `server 127.0.0.1:${ports[0]} `)
    .replace(/server 127\.0\.0\.1:8082 /, `server 127.0.0.1:${ports[1]} `);
  site = site.replace(/listen 80;/, `listen 127.0.0.1:${listen};`).replace(/listen \[::\]:80;\n/, '');
  assert.doesNotMatch(site, /server 127\.0\.0\.1:808[12] /, 'the upstream lines are where the test expects them');
  return `pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${site}
}
`;
}

before(async () => {
  const which = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  assert.equal(which.status, 0, 'nginx is needed (scripts/deps.sh test installs nginx-light)');
  // the public address is the proxy's: forms' Origin and mail links
  const listen = await freePort();
  url = `http://127.0.0.1:${listen}`;
  const args = ['--trusted-proxies', '127.0.0.1', '--max-per-ip', '1024', '--base-url', url];
  a = await startServer({ args });
  b = await startServer({ dbPath: a.db, args });
  dir = mkdtempSync(join(tmpdir(), 'scan-proxy-'));
  chmodSync(dir, 0o755);
  for (const d of ['body', 'proxy', 'fcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'nginx.conf'), config([a.port, b.port], listen));
  const t = spawnSync('nginx', ['-t', '-q', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8' });
  assert.equal(t.status, 0, `nginx -t refused the shipped configuration:\n${t.stderr}`);
  nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: 'ignore' });
  const deadline = Date.now() + 10000;
  for (;;) {
    try { if ((await fetch(`${url}/healthz`)).status === 200) break; } catch { /* not yet */ }
    assert.ok(Date.now() < deadline, 'nginx did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    const done = new Promise((r) => nginx.on('exit', r));
    nginx.kill('SIGQUIT');
    await done;
  }
  if (a) await a.stop({ keep: true }).catch(() => {});
  if (b) await b.stop().catch(() => {});
  if (a) rmSync(a.dir, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('pages and a login session work through the proxy, across both app servers', async () => {
  const add = scan(['user', 'add', 'proxy@example.com', '--name', 'Proxy User', '--password-stdin', '--db', a.db],
    { input: 'proxy pass phrase 98765\n' });
  assert.equal(add.status, 0, add.stderr);
  const me = await loginAgent(url, 'proxy@example.com', 'proxy pass phrase 98765');
  // nginx balances round-robin: several requests reach both servers, and
  // the session (kept in the database) holds on each
  for (let i = 0; i < 6; i++) {
    const r = await me.get('/account');
    assert.equal(r.status, 200, `request ${i}: ${r.status}`);
    assert.match(r.text, /Proxy User/);
  }
  assert.equal((await fetch(`${url}/orgs`)).status, 200);
});

test('the proxy hides /metrics and sets the client address itself', async () => {
  assert.equal((await fetch(`${url}/metrics`)).status, 404);
  // a forged X-Forwarded-For is replaced by the proxy ($remote_addr =
  // 127.0.0.1, which the app server's /metrics rule admits: reached
  // directly, it shows the requests the proxy forwarded)
  const direct = await (await fetch(`${a.url}/metrics`, { headers: { 'X-Forwarded-For': '127.0.0.1' } })).text();
  assert.match(direct, /scan_http_requests_total\{method="GET",route="\/orgs",status="2xx"\}|route="\/account"/);
});

test('SIGKILL of one app server: every GET still answers through the other', async () => {
  b.proc.kill('SIGKILL');
  await new Promise((r) => b.proc.once('exit', r));
  const statuses = [];
  for (let i = 0; i < 20; i++) statuses.push((await fetch(`${url}/orgs`)).status);
  assert.deepEqual([...new Set(statuses)], [200],
    `statuses after the kill: ${statuses}\n${readFileSync(join(dir, 'error.log'), 'utf8').split('\n').filter((l) => !/no live/.test(l)).join('\n').slice(0, 3000)}`);
});
