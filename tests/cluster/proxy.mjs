// proxy.mjs: the shipped nginx site (etc/nginx-scan.conf) in front of app
// servers on loopback ports, for tests/cluster/. nginxFor(ports) starts an
// unprivileged nginx in a temporary folder with the file's upstream lines
// and listener changed; behindProxy(...) is lib.mjs's startServer under
// SCAN_TEST_PROXY=1: a second app server on the same database and nginx in
// front, the proxy's address as the server's url.
//
// The per-client request limit (limit_req) is taken out: the tests and the
// load all come from 127.0.0.1 and would be refused as a flood; everything
// else is the shipped file, proxy_next_upstream included.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const CONF = new URL('../../etc/nginx-scan.conf', import.meta.url).pathname;

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

function config(dir, ports, listen) {
  let site = readFileSync(CONF, 'utf8');
  const lines = ports.map((p) => `    server 127.0.0.1:${p} max_fails=2 fail_timeout=5s;`).join('\n');
  site = site.replace(/( {4}server 127\.0\.0\.1:808\d .*\n)+/, `${lines}\n`);
  site = site.replace(/listen 80;/, `listen 127.0.0.1:${listen};`).replace(/listen \[::\]:80;\n/, '');
  site = site.replace(/^\s*limit_req zone=.*\n/m, '');
  assert.doesNotMatch(site, /server 127\.0\.0\.1:808\d/, 'the upstream lines are where the test expects them');
  return `pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${site}
}
`;
}

// Starts nginx on listen (a free port when 0) in front of the app servers on
// ports; { url, port, dir, proc, errors(), stop() }.
export async function nginxFor(ports, listen = 0) {
  if (!listen) listen = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'scan-nginx-'));
  chmodSync(dir, 0o755);
  for (const d of ['body', 'proxy', 'fcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'nginx.conf'), config(dir, ports, listen));
  const t = spawnSync('nginx', ['-t', '-q', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8' });
  assert.equal(t.status, 0, `nginx -t:\n${t.stderr}`);
  const proc = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${listen}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    try { if ((await fetch(`${url}/healthz`)).status === 200) break; } catch { /* not yet */ }
    assert.ok(Date.now() < deadline, 'nginx did not answer within 15 s');
    await new Promise((r) => setTimeout(r, 50)); // poll again (not an assertion after a sleep)
  }
  return {
    url, port: listen, dir, proc,
    errors: () => { try { return readFileSync(join(dir, 'error.log'), 'utf8'); } catch { return ''; } },
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.on('exit', r));
        proc.kill('SIGQUIT');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Both app servers trust the proxy's address for X-Forwarded-For (as
// the shipped file says to start them), so a test's client addresses
// (127.0.0.2, ...) reach them as the proxy saw them.
export async function behindProxy(opts, startOne) {
  const args = ['--trusted-proxies', '127.0.0.1', ...(opts.args || [])];
  const one = await startOne({ ...opts, args });
  let two, nginx;
  try {
    two = await startOne({ ...opts, args, demo: false, dbPath: one.db });
    nginx = await nginxFor([one.port, two.port]);
  } catch (e) {
    if (two) await two.stop({ keep: true }).catch(() => {});
    await one.stop().catch(() => {});
    throw e;
  }
  return {
    ...one,
    url: nginx.url,
    port: nginx.port,
    direct: [one, two],
    log: () => one.log() + two.log(),
    stdout: () => one.stdout() + two.stdout(),
    async stop(o = {}) {
      await nginx.stop();
      const r2 = await two.stop({ keep: true });
      rmSync(two.dir, { recursive: true, force: true });
      const r1 = await one.stop(o);
      return { ...r1, stderr: r1.stderr + r2.stderr };
    },
  };
}
