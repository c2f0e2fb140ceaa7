// cli.test.mjs: the `scan` command line: exit codes (0 ok, 1 failure,
// 2 usage), one-line messages on stderr, init / db check / db backup, and
// refusing a database from a newer scan.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan, SCAN } from './lib.mjs';

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/;
let dir;

before(() => { dir = mkdtempSync(join(tmpdir(), 'scan-cli-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

// Runs scan and checks that no sanitizer spoke.
function run(args, opts) {
  const r = scan(args, { timeout: 20000, ...opts });
  assert.doesNotMatch(r.stderr || '', SANITIZER, `sanitizer report from scan ${args.join(' ')}`);
  return r;
}

function lines(s) {
  return s.split('\n').filter((l) => l.length > 0);
}

// A fresh, initialised database in its own file.
function freshDb(name) {
  const db = join(dir, name);
  const r = run(['init', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  return db;
}

test('scan version exits 0 and prints the version', () => {
  const r = run(['version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^scan \d+\.\d+\.\d+\n$/);
});

test('scan help lists the commands', () => {
  const r = run(['help']);
  assert.equal(r.status, 0);
  for (const c of ['serve', 'init', 'db check', 'db backup', 'routes', 'version']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});

test('scan help finds a two-word command quoted or not, and lists a group', () => {
  for (const args of [['help', 'user', 'disable'], ['help', 'user disable']]) {
    const r = run(args);
    assert.equal(r.status, 0, `${args.join('|')}: ${r.stderr}`);
    assert.match(r.stdout, /^usage: scan user disable EMAIL/);
  }
  const g = run(['help', 'user']);
  assert.equal(g.status, 0, g.stderr);
  for (const c of ['user add', 'user disable', 'user list']) assert.match(g.stdout, new RegExp(`\\b${c}\\b`));
  const bad = run(['help', 'user nosuch']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no command named 'user nosuch'/);
});

test('an unknown command exits 2 with one line on stderr', () => {
  const r = run(['nosuch']);
  assert.equal(r.status, 2);
  assert.equal(lines(r.stderr).length, 1, `stderr: ${r.stderr}`);
  assert.match(r.stderr, /nosuch/);
  assert.equal(r.stdout, '');
});

test('a group\'s word alone names the group\'s commands, in one line', () => {
  const r = run(['calls']);
  assert.equal(r.status, 2);
  assert.equal(lines(r.stderr).length, 1, `stderr: ${r.stderr}`);
  assert.match(r.stderr, /^scan: 'calls' needs one of its commands: scan calls remind \(see: scan help calls\)/);
  assert.equal(r.stdout, '');
});

test('serve --listen bad exits 2 with one line on stderr', () => {
  const r = run(['serve', '--listen', 'bad', '--db', join(dir, 'never.db')]);
  assert.equal(r.status, 2);
  assert.equal(lines(r.stderr).length, 1, `stderr: ${r.stderr}`);
  assert.match(r.stderr, /--listen/);
  assert.equal(existsSync(join(dir, 'never.db')), false, 'a usage error touches nothing');
});

for (const args of [
  ['serve', '--log-format', 'xml'],
  ['serve', '--max-body', '10'],
  ['serve', '--threads', 'many'],
  ['serve', '--no-such-option'],
  ['routes', 'extra'],
  ['db', 'backup'],
]) {
  test(`scan ${args.join(' ')} is a usage error (exit 2, one line)`, () => {
    const never = join(dir, 'never.db');
    const r = run(args[0] === 'routes' ? args : [...args, '--db', never]);
    assert.equal(r.status, 2, `stderr: ${r.stderr}`);
    assert.equal(lines(r.stderr).length, 1, `stderr: ${r.stderr}`);
    assert.equal(existsSync(never), false, 'a usage error touches nothing');
  });
}

test('db check on a missing database exits 1 with a message', () => {
  const r = run(['db', 'check', '--db', '/nonexistent/x.db']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/nonexistent\/x\.db/);
  assert.ok(lines(r.stderr).length >= 1);
});

test('init then db check exits 0', () => {
  const db = freshDb('checked.db');
  const r = run(['db', 'check', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ok/);
});

test('init is idempotent', () => {
  const db = freshDb('twice.db');
  const r = run(['init', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
});

test('app servers starting together on one fresh database migrate it once', async () => {
  // as several `scan serve` do on a fresh file: each decides inside the
  // write transaction whether a migration is still to apply (before: one
  // of them failed with "table ... already exists")
  const db = join(dir, 'race.db');
  const one = () => new Promise((res) => {
    const p = spawn(SCAN, ['init', '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => res({ code, err }));
  });
  const runs = await Promise.all(Array.from({ length: 12 }, one));
  for (const r of runs) {
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, SANITIZER);
  }
  assert.equal(run(['db', 'check', '--db', db]).status, 0);
  assert.equal(spawnSync('sqlite3', [db, 'SELECT count(*) FROM account'], { encoding: 'utf8' }).stdout.trim(), '1',
    'one first admin');
});

test('init creates missing parent folders', () => {
  const db = join(dir, 'a', 'b', 'nested.db');
  const r = run(['init', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(db));
});

test('db backup makes a copy that passes db check', () => {
  const db = freshDb('live.db');
  const copy = join(dir, 'copy.db');
  const r = run(['db', 'backup', '--db', db, copy]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(copy));
  const c = run(['db', 'check', '--db', copy]);
  assert.equal(c.status, 0, c.stderr);
  const v = spawnSync('sqlite3', [copy, 'SELECT max(version) FROM schema_migrations'], { encoding: 'utf8' });
  assert.ok(Number(v.stdout.trim()) >= 1, 'the copy has the schema');
});

test('db backup refuses to overwrite an existing file', () => {
  const db = freshDb('live2.db');
  const copy = join(dir, 'copy2.db');
  assert.equal(run(['db', 'backup', '--db', db, copy]).status, 0);
  const r = run(['db', 'backup', '--db', db, copy]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /exists/);
});

test('a database with a newer schema is refused by serve and init', () => {
  const db = freshDb('future.db');
  const ins = spawnSync('sqlite3', [db,
    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, '9999_future.sql', 0)"], { encoding: 'utf8' });
  assert.equal(ins.status, 0, ins.stderr);
  const s = run(['serve', '--db', db, '--listen', '127.0.0.1:0'], { timeout: 10000 });
  assert.equal(s.signal, null, 'serve did not start serving');
  assert.equal(s.status, 1);
  assert.match(s.stderr, /newer/);
  const i = run(['init', '--db', db]);
  assert.equal(i.status, 1);
  assert.match(i.stderr, /newer/);
  const c = run(['db', 'check', '--db', db]);
  assert.equal(c.status, 1, 'db check refuses it too');
});
