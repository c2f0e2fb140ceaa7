// cli_help.test.mjs: `scan help serve` names every option of scan serve
// and its environment variable, as the option table in
// src/cli/cli_serve.c declares them (an option added without its help
// line, as --newsletter-rate once was, fails here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scan } from './lib.mjs';

test('scan help serve lists every option of the table and its environment variable', () => {
  const src = readFileSync(new URL('../../src/cli/cli_serve.c', import.meta.url), 'utf8');
  const opts = [...src.matchAll(/\{"(--[a-z-]+)", "(SCAN_[A-Z_]+)", OPT_/g)].map((m) => [m[1], m[2]]);
  assert.ok(opts.length >= 20, `the option table was read (${opts.length} options)`);
  const r = scan(['help', 'serve']);
  assert.equal(r.status, 0, r.stderr);
  const help = r.stdout + r.stderr;
  const [usage] = help.split('serve the web UI');
  for (const [opt, env] of opts) {
    assert.match(usage, new RegExp(`\\[${opt}[ \\]]`), `${opt} in the usage lines`);
    assert.match(help, new RegExp(`\\b${env}\\b`), `${env} in the environment list`);
  }
});

test('--help or -h after a command gives its help, as scan help COMMAND does', () => {
  for (const [args, cmd] of [
    [['serve', '--help'], ['serve']],
    [['serve', '-h'], ['serve']],
    [['org', 'import', 'some.csv', '--help'], ['org', 'import']],
    [['user', 'disable', '--db', 'x.db', '-h'], ['user', 'disable']],
  ]) {
    const r = scan(args);
    const want = scan(['help', ...cmd]);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(want.status, 0, want.stderr);
    assert.equal(r.stdout, want.stdout, args.join(' '));
    assert.match(r.stdout, new RegExp(`^usage: scan ${cmd.join(' ')} `));
  }
  // after "--" it is the command's own argument, not a request for help
  const r = scan(['org', 'import', '--', '--help']);
  assert.notEqual(r.status, 0);
  assert.doesNotMatch(r.stdout, /^usage:/);
});
