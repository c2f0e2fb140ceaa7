// cli_org.test.mjs: `scan org import` and `scan org export` against a fresh
// database: a good CSV imports; a file with bad rows changes nothing and
// lists every bad row with its line; --dry-run changes nothing; export
// then import reports everything unchanged (CSV and JSON); JSON imports.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from './lib.mjs';

let dir;
let db;

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/;

// Runs scan with args and the database; checks that no sanitizer spoke.
function run(args, opts) {
  const r = scan([...args, '--db', db], opts);
  assert.doesNotMatch(r.stderr, SANITIZER, r.stderr);
  return r;
}

function file(name, text) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// Every entry in the database, by slug, through `scan org export --format json`.
function entries() {
  const r = run(['org', 'export', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(JSON.parse(r.stdout).map((o) => [o.slug, o]));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'scan-cli-org-'));
  db = join(dir, 'scan.db');
  const r = scan(['init', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'slug,name,name_en,kind,status,pib,mb,district,sectors,fos,description_en\r\n';

test('a good CSV imports: created N, and the entries are there', () => {
  const p = file('good.csv', HEADER +
    'alpha,Alpha d.o.o.,Alpha Ltd,company,published,101134702,66841251,JUZNOBACKI,62;26,2.2,"Two lines:\nhere, with a comma"\r\n' +
    'gama,Гама д.о.о.,,company,published,,,NISAVSKI,25,,\r\n' +
    ',Klaster Test Čačak,,cluster,draft,,,MORAVICKI,,,\r\n');
  const r = run(['org', 'import', p]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'created 3, updated 0, unchanged 0');
  const e = entries();
  assert.deepEqual(Object.keys(e).sort(), ['alpha', 'gama', 'klaster-test-cacak']);
  assert.equal(e.alpha.region, 'VO');
  assert.deepEqual(e.alpha.sectors, ['26', '62']);
  assert.equal(e.alpha.description_en, 'Two lines:\nhere, with a comma');
  assert.equal(e.gama.name, 'Гама д.о.о.');
  assert.equal(e['klaster-test-cacak'].status, 'draft');
});

test('a file with bad rows changes nothing and names every bad row by its line', () => {
  const before = entries();
  const p = file('bad.csv', HEADER +
    'delta,Delta d.o.o.,,company,published,,,,,,\r\n' +          // line 2: fine
    'epsilon,Epsilon,,company,published,101134703,,,,,\r\n' +    // line 3: PIB check digit
    'alpha,Alpha renamed,,company,published,,,,,,\r\n' +         // line 4: fine (an update)
    'zeta,Zeta,,no-such-kind,published,,,NOWHERE,,,\r\n' +      // line 5: kind, district
    'eta,,,company,published,,66841252,,,,\r\n');                // line 6: name, MB
  const r = run(['org', 'import', p]);
  assert.equal(r.status, 1, r.stdout);
  const lines = r.stderr.trim().split('\n');
  const problems = lines.filter((l) => /^line \d+: /.test(l));
  assert.ok(problems.some((l) => /^line 3: .*PIB/.test(l)), r.stderr);
  assert.ok(problems.some((l) => /^line 5: .*kind/.test(l)), r.stderr);
  assert.ok(problems.some((l) => /^line 5: .*district/.test(l)), r.stderr);
  // a coded field names what it was given and the codes it takes
  assert.ok(problems.some((l) => /^line 5: kind: .*"no-such-kind" is not one of its codes: .*\bcluster, .*\bcompany\b/.test(l)), r.stderr);
  assert.ok(problems.some((l) => /^line 5: district: .*"NOWHERE" is not one of its codes: .*\bJUZNOBACKI\b/.test(l)), r.stderr);
  assert.ok(problems.some((l) => /^line 6: .*name/.test(l)), r.stderr);
  assert.ok(problems.some((l) => /^line 6: .*registration number/.test(l)), r.stderr);
  assert.ok(!problems.some((l) => /^line [24]:/.test(l)), 'good rows are not problems');
  assert.match(lines.at(-1), /nothing was changed/);
  assert.equal(r.stdout, '');
  assert.deepEqual(entries(), before, 'the database is as it was');
});

test('--dry-run prints the plan and the summary and changes nothing', () => {
  const before = entries();
  const p = file('plan.csv', HEADER +
    'alpha,Alpha d.o.o.,Alpha Limited,company,published,101134702,66841251,JUZNOBACKI,62;26,2.2,"Two lines:\nhere, with a comma"\r\n' +
    'theta,Theta d.o.o.,,company,published,,,,,,\r\n' +
    'gama,Гама д.о.о.,,company,published,,,NISAVSKI,25,,\r\n');
  const r = run(['org', 'import', p, '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n');
  assert.ok(out.includes('create theta'), r.stdout);
  assert.ok(out.some((l) => /^update alpha: .*name_en/.test(l)), r.stdout);
  assert.match(out.at(-1), /^created 1, updated 1, unchanged 1 \(dry run: nothing was changed\)$/);
  assert.deepEqual(entries(), before);
});

test('--timings prints each phase with its seconds on stderr, and imports as without it', () => {
  const p = file('timed.csv', HEADER + 'lambda,Lambda d.o.o.,,company,published,,,,,,\r\n');
  const r = run(['org', 'import', p, '--timings']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'created 1, updated 0, unchanged 0');
  const line = r.stderr.split('\n').find((l) => l.startsWith('timings: '));
  assert.ok(line, r.stderr);
  for (const phase of ['read', 'open', 'parse', 'rows', 'indexes', 'search', 'commit', 'close'])
    assert.match(line, new RegExp(`[:,] ${phase} \\d+\\.\\d\\d s`), line);
  assert.match(line, /rows \d+\.\d\d s \(CPU \d+\.\d\d s, writer \d+\.\d\d s\)/);
  assert.match(line, /; \d+\.\d\d s in all$/);
  assert.doesNotMatch(line, /heap made ready/); // a small file: no helper for it
  assert.equal(entries().lambda.name, 'Lambda d.o.o.');
  // without the flag, nothing of it
  const q = run(['org', 'import', file('again.csv', HEADER + 'mu,Mu,,company,published,,,,,,\r\n')]);
  assert.equal(q.status, 0, q.stderr);
  assert.doesNotMatch(q.stderr, /timings:/);
});

test('a file of 4 MiB or more has a helper make the heap ready, and says so', () => {
  const text = 'Opis za pretragu i za veličinu datoteke. '.repeat(24); // about 1 KB a row
  let csv = HEADER;
  for (let i = 0; csv.length < 4.2 * 1024 * 1024; i++)
    csv += `big-${i},Veliki ${i},,company,published,,,,,,${text}\r\n`;
  const rows = csv.split('\r\n').length - 2;
  const own = join(dir, 'big.db'); // its own database: the others stay small
  assert.equal(scan(['init', '--db', own]).status, 0);
  const r = scan(['org', 'import', file('big.csv', csv), '--timings', '--db', own]);
  assert.doesNotMatch(r.stderr, SANITIZER, r.stderr);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `created ${rows}, updated 0, unchanged 0`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('timings: '));
  assert.match(line, /, close \d+\.\d\d s, heap made ready \d+ MiB; \d+\.\d\d s in all$/, line);
  const x = scan(['org', 'export', '--format', 'csv', '--db', own], { maxBuffer: 64 << 20 });
  assert.equal(x.status, 0, x.stderr);
  assert.ok(x.stdout.includes(`big-${rows - 1},Veliki ${rows - 1},`));
});

for (const format of ['csv', 'json']) {
  test(`export then import (${format}) reports every entry unchanged`, () => {
    const n = Object.keys(entries()).length;
    const out = join(dir, `all.${format}`);
    const ex = run(['org', 'export', '--out', out]);
    assert.equal(ex.status, 0, ex.stderr);
    const text = readFileSync(out, 'utf8');
    if (format === 'csv') assert.match(text, /^slug,name,/);
    else assert.equal(JSON.parse(text).length, n);
    const im = run(['org', 'import', out]);
    assert.equal(im.status, 0, im.stderr);
    assert.equal(im.stdout.trim(), `created 0, updated 0, unchanged ${n}`);
  });
}

test('JSON imports, with the format from --format whatever the name', () => {
  const p = file('entries.data', JSON.stringify([
    { slug: 'iota', name: 'Иота д.о.о.', kind: 'company', status: 'published', sectors: ['46'], geo: ['RS', 'WB'] },
    { name: 'Univerzitet Test', kind: 'university', district: 'BEOGRAD', year_founded: 1905 },
  ]));
  const noFormat = run(['org', 'import', p]);
  assert.equal(noFormat.status, 2);
  assert.match(noFormat.stderr, /--format/);
  const r = run(['org', 'import', p, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'created 2, updated 0, unchanged 0');
  const e = entries();
  assert.deepEqual(e.iota.geo, ['RS', 'WB']);
  assert.equal(e['univerzitet-test'].year_founded, 1905);
  assert.equal(e['univerzitet-test'].region, 'BG');
});

test('a JSON file with a bad entry names it by its position and changes nothing', () => {
  const before = entries();
  const p = file('bad.json', JSON.stringify([
    { slug: 'kappa', name: 'Kappa', kind: 'company' },
    { slug: 'lambda', name: 'Lambda', kind: 'company', pib: '123' },
  ]));
  const r = run(['org', 'import', p]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^entry 2: .*PIB/m);
  assert.doesNotMatch(r.stderr, /^line /m);
  assert.deepEqual(entries(), before);
  // a problem of the whole file names no line or entry
  const broken = run(['org', 'import', file('broken.json', '[{"slug":')]);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /^invalid JSON at line 1, column \d+/m);
  assert.doesNotMatch(broken.stderr, /^(line|entry) 0/m);
});

test('standard input: problems are said to be in standard input', () => {
  const before = entries();
  const r = run(['org', 'import', '-', '--format', 'csv'],
    { input: HEADER + 'iota,Iota,,company,published,123,,,,,\r\n' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^line 2: .*PIB/m);
  assert.match(r.stderr, /problem in standard input; nothing was changed/);
  assert.deepEqual(entries(), before);
});

test('a database that does not exist is named, with the command that makes it, and no folder is made', () => {
  const where = join(dir, 'no', 'such', 'scan.db');
  const p = file('one.csv', HEADER + 'nu,Nu,,company,published,,,,,,\r\n');
  for (const args of [['org', 'import', p], ['org', 'export', '--format', 'csv']]) {
    const r = scan(args, { env: { ...process.env, SCAN_DB: where } });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /no database at .*scan\.db: create one with 'scan init --db /);
    assert.equal(existsSync(join(dir, 'no')), false, args.join(' '));
  }
});

test('usage errors: no file, a missing file, an unknown format', () => {
  assert.equal(run(['org', 'import']).status, 2);
  const missing = run(['org', 'import', join(dir, 'nope.csv')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot open/);
  assert.equal(run(['org', 'import', join(dir, 'x.csv'), '--format', 'xml']).status, 2);
  // a workbook is read (the table reader tells it from CSV by its bytes);
  // exports are CSV or JSON only
  assert.match(run(['org', 'import', join(dir, 'x.xlsx')]).stderr, /cannot open/);
  assert.equal(run(['org', 'export', '--format', 'xlsx']).status, 2);
  assert.equal(run(['org', 'export']).status, 2);
  const csv = run(['org', 'export', '--format', 'csv']);
  assert.equal(csv.status, 0);
  assert.match(csv.stdout, /^slug,name,name_en,/);
  assert.match(scan(['help', 'org', 'import']).stdout, /line N: reason/);
});
