// directory_order.test.mjs: /orgs and GET /api/v1/orgs?sort=name in the
// reader's alphabet (issue 11 §4): the Cyrillic azbuka
// А Б В Г Д Ђ Е Ж З И Ј К Л Љ М Н Њ О П Р С Т Ћ У Ф Х Ц Ч Џ Ш for sr-Cyrl,
// the Latin abeceda A B C Č Ć D Dž Đ E F G H I J K L Lj M N Nj O P R S Š
// T U V Z Ž for sr-Latn (names written in Cyrillic shown and sorted in
// Latin, Latin-written names by the Latin alphabet), keyset cursors that
// walk the same order, and sort labels that end in Ш / Ž.
//
// Fixtures: a fresh database (no demo data) and one entry per letter,
// imported in a shuffled order with `scan org import`.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, scan } from './lib.mjs';

const AZBUKA = 'А Б В Г Д Ђ Е Ж З И Ј К Л Љ М Н Њ О П Р С Т Ћ У Ф Х Ц Ч Џ Ш'.split(' ');
const ABECEDA = 'A B C Č Ć D Dž Đ E F G H I J K L Lj M N Nj O P R S Š T U V Z Ž'.split(' ');
// Latin-written names: the abeceda orders them; a Cyrillic reader sees
// them in Cyrillic, in the azbuka.
const LATIN_NAMES = ['Žabalj', 'Šabac', 'Đerdap', 'Ćuprija', 'Čačak', 'Džep', 'Dunav', 'Cvetni', 'Sava', 'Zlatibor'];
const LATIN_ORDER = ['Cvetni', 'Čačak', 'Ćuprija', 'Dunav', 'Džep', 'Đerdap', 'Sava', 'Šabac', 'Zlatibor', 'Žabalj'];

let srv;

// The letter of each Cyrillic fixture name ("Љ тест" -> "Љ").
const cyrName = (l) => `${l}а тест`;

function shuffled(list) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (i * 7 + 3) % (i + 1); // fixed, so a failure repeats
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

before(async () => {
  srv = await startServer();
  const rows = shuffled([...AZBUKA.map((l, i) => [`c${i}`, cyrName(l)]), ...LATIN_NAMES.map((n, i) => [`l${i}`, n])]);
  const csv = 'slug,name,kind,status\r\n' + rows.map(([s, n]) => `${s},${n},company,published`).join('\r\n') + '\r\n';
  const file = join(srv.dir, 'order.csv');
  writeFileSync(file, csv);
  const r = scan(['org', 'import', file, '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// Every name of the list in API order, walking the cursor pages of `limit`.
async function apiNames(lang, { desc = false, limit = 7 } = {}) {
  const names = [];
  let cursor = null;
  for (let guard = 0; guard < 50; guard++) {
    const q = new URLSearchParams({ sort: desc ? 'name-desc' : 'name', limit: String(limit), lang });
    if (cursor) q.set('cursor', cursor);
    const res = await fetch(`${srv.url}/api/v1/orgs?${q}`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    names.push(...body.items.map((o) => o.name));
    cursor = body.next_cursor;
    if (!cursor) return names;
  }
  throw new Error('the cursor never ended');
}

// The names on the HTML list pages in order, and the page's sort select.
async function pageNames(lang, sort = '') {
  const names = [];
  let select = '';
  for (let page = 1; page <= 3; page++) {
    const q = new URLSearchParams({ lang, page: String(page) });
    if (sort) q.set('sort', sort);
    const res = await fetch(`${srv.url}/orgs?${q}`);
    const html = await res.text();
    if (res.status === 404 && page > 1) break; // past the last page
    assert.equal(res.status, 200);
    select ||= /<select id="f-sort"[\s\S]*?<\/select>/.exec(html)[0];
    for (const m of html.matchAll(/<h3 class="org-name"><a href="\/orgs\/[^"]+">([^<]+)<\/a>/g)) names.push(m[1]);
  }
  return { names, select };
}

test('the Cyrillic directory follows the azbuka, for Cyrillic and Latin-written names', async () => {
  const names = await apiNames('sr-Cyrl');
  const cyr = names.filter((n) => n.endsWith(' тест')).map((n) => n.split('а тест')[0]);
  assert.deepEqual(cyr, AZBUKA);
  // the Latin-written names among them in the azbuka of their Cyrillic spelling
  const lat = names.filter((n) => !n.endsWith(' тест'));
  assert.deepEqual(lat, ['Dunav', 'Đerdap', 'Žabalj', 'Zlatibor', 'Sava', 'Ćuprija', 'Cvetni', 'Čačak', 'Džep', 'Šabac']);
});

test('the Latin directory follows the abeceda: Cyrillic names in Latin letters, Latin names as written', async () => {
  const names = await apiNames('sr-Latn');
  const cyr = names.filter((n) => n.endsWith(' тест'));
  // the abeceda of the Latin spelling of each Cyrillic letter
  const letters = cyr.map((n) => n.split('а тест')[0]);
  const expected = [...AZBUKA].sort((a, b) => ABECEDA.indexOf(translitOf(a)) - ABECEDA.indexOf(translitOf(b)));
  assert.deepEqual(letters, expected);
  assert.deepEqual(names.filter((n) => !n.endsWith(' тест')), LATIN_ORDER);
  function translitOf(l) {
    const map = { А: 'A', Б: 'B', В: 'V', Г: 'G', Д: 'D', Ђ: 'Đ', Е: 'E', Ж: 'Ž', З: 'Z', И: 'I', Ј: 'J', К: 'K', Л: 'L', Љ: 'Lj', М: 'M', Н: 'N', Њ: 'Nj', О: 'O', П: 'P', Р: 'R', С: 'S', Т: 'T', Ћ: 'Ć', У: 'U', Ф: 'F', Х: 'H', Ц: 'C', Ч: 'Č', Џ: 'Dž', Ш: 'Š' };
    return map[l];
  }
});

test('cursors walk the same order at any page size, and name-desc is its reverse', async () => {
  for (const lang of ['sr-Cyrl', 'sr-Latn', 'en']) {
    const all = await apiNames(lang, { limit: 100 });
    assert.equal(all.length, AZBUKA.length + LATIN_NAMES.length);
    assert.deepEqual(await apiNames(lang, { limit: 3 }), all, lang);
    assert.deepEqual(await apiNames(lang, { limit: 4, desc: true }), [...all].reverse(), lang);
  }
});

test('the HTML list pages follow the reader\'s alphabet and label the sort to Ш or Ž', async () => {
  const cyr = await pageNames('sr-Cyrl');
  assert.deepEqual(cyr.names, await apiNames('sr-Cyrl'));
  assert.match(cyr.select, /од А до Ш/);
  assert.match(cyr.select, /од Ш до А/);
  const lat = await pageNames('sr-Latn');
  // the Latin page shows Cyrillic names in Latin letters
  const latApi = await apiNames('sr-Latn');
  assert.equal(lat.names.length, latApi.length);
  assert.ok(lat.names.indexOf('Lja test') > lat.names.indexOf('La test'), lat.names.join(', '));
  assert.ok(lat.names.indexOf('Ža test') === lat.names.length - 2 || lat.names.at(-1) === 'Žabalj', lat.names.join(', '));
  assert.match(lat.select, /od A do Ž/);
  assert.match(lat.select, /od Ž do A/);
  assert.doesNotMatch(lat.select, /do Š/);
  const desc = await pageNames('sr-Cyrl', 'name-desc');
  assert.deepEqual(desc.names, [...cyr.names].reverse());
});
