// cli_figures.test.mjs: `scan figures rate` and `scan figures rates` against
// a fresh database: a rate is stored and listed (with its source); bad
// years and rates exit 2 with one line and change nothing.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from './lib.mjs';

let dir;
let db;

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/;

function run(args) {
  const r = scan([...args, '--db', db]);
  assert.doesNotMatch(r.stderr, SANITIZER, r.stderr);
  return r;
}

// The stored rates as { year: [rate, source] }, through `scan figures rates`.
function rates() {
  const r = run(['figures', 'rates']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^year\s+RSD per EUR\s+source$/);
  const out = {};
  for (const l of lines.slice(1)) {
    const m = /^(\d{4})\s+(\d+\.\d{4})\s+(.*)$/.exec(l);
    assert.ok(m, `unexpected line: ${l}`);
    out[m[1]] = [m[2], m[3]];
  }
  return out;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'scan-cli-figures-'));
  db = join(dir, 'scan.db');
  const r = scan(['init', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('a rate is stored and listed with its source', () => {
  const r = run(['figures', 'rate', '2030', '117.4593', '--source', 'NBS yearly average 2030']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^2030: 117\.4593 RSD per EUR/);
  assert.deepEqual(rates()['2030'], ['117.4593', 'NBS yearly average 2030']);
});

test('fewer decimals and a correction of the same year', () => {
  let r = run(['figures', 'rate', '2031', '118']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(rates()['2031'][0], '118.0000');
  r = run(['figures', 'rate', '2031', '118.05', '--source', 'corrected']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(rates()['2031'], ['118.0500', 'corrected']);
});

test('bad inputs exit 2 with one line and change nothing', () => {
  const before = rates();
  const cases = [
    [['1989', '117'], /year/],
    [['2101', '117'], /year/],
    [['20x4', '117'], /year/],
    [['2030', '0'], /zero/],
    [['2030', '0.0000'], /zero/],
    [['2030', '117.45931'], /4 decimals/],
    [['2030', 'abc'], /decimal/],
    [['2030', '1,5'], /decimal/],
    [['2030', '117.'], /decimal/],
    [['2030', '-117'], /.+/],
    [['2030'], /year and the rate/],
    [['2030', '117', '--source', ''], /source/],
    [['2030', '117', '--source', 'x'.repeat(201)], /source/],
  ];
  for (const [args, why] of cases) {
    const r = run(['figures', 'rate', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, why);
  }
  assert.deepEqual(rates(), before);
});

test('rates takes no arguments', () => {
  const r = run(['figures', 'rates', 'extra']);
  assert.equal(r.status, 2, r.stderr);
});
