// lib.mjs: start the real `scan` binary on a free loopback port for tests.
//
// startServer() creates a fresh database in a temp folder (scan init),
// starts `scan serve --listen 127.0.0.1:0 --test-routes`, waits for the
// "listening on http://127.0.0.1:PORT/" line and returns a handle. stop()
// sends SIGTERM and resolves with the exit code and everything the server
// wrote to stderr; it fails the test if a sanitizer reported anything.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';

export const SCAN = resolve(process.env.SCAN_BIN || 'build-asan/scan');

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/;

export function scan(args, opts = {}) {
  return spawnSync(SCAN, args, { encoding: 'utf8', ...opts });
}

export async function startServer({ args = [], env = {}, demo = false, dbPath } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'scan-test-'));
  const db = dbPath || join(dir, 'scan.db');
  const init = scan(['init', '--db', db, ...(demo ? ['--demo'] : [])]);
  assert.equal(init.status, 0, `scan init failed: ${init.stderr}`);
  const proc = spawn(SCAN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--test-routes', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${stderr}`)), 15000);
    proc.stderr.on('data', (d) => {
      stderr += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    exited.then(({ code }) => { clearTimeout(timer); rej(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, proc, dir, db,
    log: () => stderr,
    stdout: () => stdout,
    async stop({ keep = false } = {}) {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const r = await exited;
      if (!keep) rmSync(dir, { recursive: true, force: true });
      assert.doesNotMatch(stderr, SANITIZER, `sanitizer report in server log:\n${stderr}`);
      return { ...r, stderr };
    },
  };
}
