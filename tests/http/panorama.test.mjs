// panorama.test.mjs: the public face of Serbian clusters (issue 17): the
// district map, the location quotient and its reference import, the
// cluster panorama, the badge and share page, the home page's "at a
// glance" block.
//
// With demo data. The map's table must agree with the directory: for
// "clusters" and "organisations" each district's number is the count
// /orgs shows when filtered to that district (and kind). The badge is a
// safe, fixed-size SVG with cache headers whose text is escaped. The
// panorama's filters keep only matching clusters; a bad value is a 400.
// `scan ref import` stores nothing when any row is wrong and says where.
//
// Run: SCAN_BIN=build-asan/scan node --test tests/http/panorama.test.mjs
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, scan, sqliteIn, cachedAnswer } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({ demo: true }); });
after(async () => { await srv?.stop(); });

const get = async (path, headers = {}) => {
  const r = await fetch(srv.url + path, { headers, redirect: 'manual' });
  return { status: r.status, headers: r.headers, text: await r.text() };
};

// The count /orgs shows as its results' heading ("12 entries").
async function directoryCount(query) {
  const r = await get(`/orgs?${query}&lang=en`);
  assert.equal(r.status, 200, query);
  const m = /<h2 id="results-title">([\d,]+) entr(?:y|ies)<\/h2>/.exec(r.text);
  assert.ok(m, `a count on /orgs?${query}`);
  return Number(m[1].replace(/,/g, ''));
}

// The map table's linked cells: { CODE: { orgs, clusters } }.
function mapCounts(html) {
  const table = /<table[^>]*id="map-table"[^>]*>([^]*?)<\/table>/.exec(html)?.[1];
  assert.ok(table, 'the map has its table');
  const out = {};
  for (const m of table.matchAll(/<a href="\/orgs\?district=([A-Z]+)">([\d,]+)<\/a>/g))
    (out[m[1]] ||= {}).orgs = Number(m[2].replace(/,/g, ''));
  for (const m of table.matchAll(/<a href="\/orgs\?district=([A-Z]+)&amp;kind=cluster">([\d,]+)<\/a>/g))
    (out[m[1]] ||= {}).clusters = Number(m[2].replace(/,/g, ''));
  return out;
}

test("the map's table gives the directory's counts for clusters and for organisations, district by district", async () => {
  for (const measure of ['clusters', 'orgs']) {
    const r = await get(`/map?measure=${measure}&lang=en`);
    assert.equal(r.status, 200);
    assert.match(r.text, /<figure class="chart chart-map"/);
    const counts = mapCounts(r.text);
    assert.equal(Object.keys(counts).length, 30, 'every district and the City of Belgrade');
    // the tiles link where the rows do
    assert.match(r.text, /<a href="\/orgs\?district=BEOGRAD[^"]*"><g class="tile/);
    let nonzero = 0;
    for (const code of ['BEOGRAD', 'JUZNOBACKI', 'SUMADIJSKI', 'NISAVSKI', 'BORSKI', 'PECKI']) {
      assert.equal(counts[code].orgs, await directoryCount(`district=${code}`), `${measure}: ${code}`);
      assert.equal(counts[code].clusters, await directoryCount(`district=${code}&kind=cluster`), `${measure}: ${code} clusters`);
      nonzero += counts[code].clusters > 0;
    }
    assert.ok(nonzero >= 2, 'the demo has clusters in several districts');
  }
  // the CSV download has the same table
  const csv = await get('/map?measure=orgs&format=csv&lang=en');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.text, /City of Belgrade,\d+,\d+,1681405,/);
});

test('the yearly measures and per capita: numbers where known, hatched where not; a bad measure or year is a 400', async () => {
  const r = await get('/map?measure=employees_per_1000&lang=en');
  assert.equal(r.status, 200);
  // Kosovo and Metohija: no census, no per capita value
  assert.match(r.text, /<title>Kosovo District: No data<\/title>|<title>Kosovo District: no data<\/title>/i);
  const ex = await get('/map?measure=export_share&lang=sr');
  assert.equal(ex.status, 200);
  assert.match(ex.text, /Удео извоза чланица/);
  assert.equal((await get('/map?measure=nonsense')).status, 400);
  assert.equal((await get('/map?year=12')).status, 400);
  // a repeated anonymous request is the cached page (of either app
  // server behind the proxy)
  await get('/map?measure=revenue&lang=en');
  const again = await cachedAnswer(srv, () => get('/map?measure=revenue&lang=en'));
  assert.equal(again.headers.get('x-scan-cache'), 'hit');
});

test('the badge: a fixed-size SVG without script, with Cache-Control and an ETag, its text escaped', async () => {
  const r = await get('/orgs/voict/badge.svg');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/svg+xml');
  assert.match(r.headers.get('cache-control'), /public, max-age=\d+/);
  const etag = r.headers.get('etag');
  assert.ok(etag, 'an ETag');
  assert.match(r.text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="320" height="72"/);
  assert.doesNotMatch(r.text, /<script|onload|href=|javascript:/i);
  assert.match(r.text, /\d+ members · [\d,–]+ employees · \d{4}/);
  assert.equal((await get('/orgs/voict/badge.svg', { 'If-None-Match': etag })).status, 304);
  // a name with markup is text
  sqliteIn(srv.db, `UPDATE org SET name_en = 'Evil <script>alert(1)</script> & "Co"' WHERE slug = 'voict'`);
  const evil = await get('/orgs/voict/badge.svg?lang=en');
  assert.doesNotMatch(evil.text, /<script>/);
  assert.match(evil.text, /Evil &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Co&quot;/);
  sqliteIn(srv.db, `UPDATE org SET name_en = NULL WHERE slug = 'voict'`);
  // only a published cluster has one
  const company = sqliteIn(srv.db, "SELECT slug FROM org WHERE kind = 'company' AND status = 'published' LIMIT 1");
  assert.equal((await get(`/orgs/${company}/badge.svg`)).status, 404);
  assert.equal((await get('/orgs/no-such-entry/badge.svg')).status, 404);
  // the share page gives the snippet, escaped in the textarea
  const share = await get('/orgs/voict/share?lang=en');
  assert.equal(share.status, 200);
  assert.match(share.text, /<textarea id="share-snippet"[^>]*>&lt;a href=&quot;http:\/\/127\.0\.0\.1:\d+\/orgs\/voict&quot;&gt;&lt;img src=&quot;http:\/\/127\.0\.0\.1:\d+\/orgs\/voict\/badge\.svg&quot; width=&quot;320&quot; height=&quot;72&quot;/);
  // and the cluster's profile links to it
  assert.match((await get('/orgs/voict?lang=en')).text, /<a href="\/orgs\/voict\/share">/);
});

// The rows of the panorama's table: [name, stage, sector, region, members, employees].
function panoramaRows(html) {
  const table = /<table[^>]*id="pan-table"[^>]*>([^]*?)<\/table>/.exec(html)?.[1] ?? '';
  const tbody = /<tbody>([^]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...tbody.matchAll(/<tr>([^]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<t[hd][^>]*>([^]*?)<\/t[hd]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()));
}

test('the panorama lists every cluster, filters by stage, sector and region, sorts, and refuses unknown values', async () => {
  const all = await get('/panorama?view=table&lang=en');
  assert.equal(all.status, 200);
  const rows = panoramaRows(all.text);
  const total = Number(sqliteIn(srv.db,
    "SELECT count(*) FROM org WHERE status = 'published' AND kind IN ('cluster', 'cluster_initiative')"));
  assert.equal(rows.length, total);
  assert.match(all.text, new RegExp(`${total} of ${total} clusters`));
  // "still finding their path": initiatives, emerging, none recorded
  const path = panoramaRows((await get('/panorama?view=table&stage=path&lang=en')).text);
  assert.ok(path.length > 0 && path.length < total);
  for (const r of path) assert.ok(['Initiative', 'Emerging', 'No stage recorded'].includes(r[1]), r.join('|'));
  assert.match(all.text, new RegExp(`${path.length} of ${total} clusters are still finding their path`));
  const est = panoramaRows((await get('/panorama?view=table&stage=established&lang=en')).text);
  assert.equal(est.length + path.length + panoramaRows((await get('/panorama?view=table&stage=developing&lang=en')).text).length, total);
  for (const r of est) assert.equal(r[1], 'Established');
  const ict = panoramaRows((await get('/panorama?view=table&sector=J&lang=en')).text);
  assert.ok(ict.length > 0);
  for (const r of ict) assert.equal(r[2], 'Information and communication');
  const vo = panoramaRows((await get('/panorama?view=table&region=VO&lang=en')).text);
  assert.ok(vo.length > 0);
  for (const r of vo) assert.equal(r[3], 'Vojvodina');
  // most members first
  const byMembers = panoramaRows((await get('/panorama?view=table&sort=members&lang=en')).text).map((r) => Number(r[4].replace(/,/g, '')));
  assert.deepEqual(byMembers, [...byMembers].sort((a, b) => b - a));
  // cards by default, with the same clusters
  const cards = await get('/panorama?lang=en');
  assert.equal((cards.text.match(/<li class="card pan-card">/g) || []).length, total);
  // the stage chart with its table
  assert.match(cards.text, /<figure class="chart chart-line chart-compact" id="pan-stage-chart"[^]*?<table[^>]*id="pan-stage-table"/);
  // a narrow canvas, so its labels stay readable on a 390 px phone
  assert.match(cards.text, /id="pan-stage-chart">[^]*?<svg [^>]*viewBox="0 0 380 /);
  for (const bad of ['stage=grown', 'sector=ZZ', 'sort=size', 'view=grid'])
    assert.equal((await get(`/panorama?${bad}`)).status, 400, bad);
});

test('scan ref import: a file with a wrong row stores nothing and says where; a good one replaces its year and shows on /map', async () => {
  const before = sqliteIn(srv.db, 'SELECT count(*) FROM ref_employment');
  assert.ok(Number(before) > 0, 'the demo ships an illustrative table');
  const bad = join(srv.dir, 'bad.csv');
  writeFileSync(bad, 'district,nace,year,employees,source\nBEOGRAD,J,2025,100,RZS test\nNOWHERE,C,2025,5,RZS test\nBEOGRAD,C,2025,x,RZS test\n');
  const r = scan(['ref', 'import', bad, '--db', srv.db]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /line 3, column district: is not a district code/);
  assert.match(r.stderr, /line 4, column employees:/);
  assert.match(r.stderr, /nothing imported/);
  assert.equal(sqliteIn(srv.db, 'SELECT count(*) FROM ref_employment'), before);
  assert.equal(sqliteIn(srv.db, 'SELECT count(*) FROM ref_employment WHERE year = 2025'), '0');
  const good = join(srv.dir, 'good.csv');
  writeFileSync(good, 'district,nace,year,employees,source\nBEOGRAD,J,2025,300,RZS test table\nBEOGRAD,C,2025,100,RZS test table\n'
    + 'JUZNOBACKI,C,2025,200,RZS test table\nJUZNOBACKI,J,2025,100,RZS test table\n');
  const ok = scan(['ref', 'import', good, '--db', srv.db]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /imported 4 rows/);
  // the newest year is the national reference (C 300/700, J 400/700);
  // the districts' side is SCAN members' employment (issue 17 fixes), so
  // only C and J can be above 1, each named in the reader's language
  const map = await get('/map?lang=en');
  assert.match(map.text, /RZS test table/);
  assert.match(map.text, /compare SCAN clusters’ members, not the district’s whole economy/);
  // listed under the table (a column made a phone's table scroll), and in the downloads' column
  const table = /<section class="fig-section map-lq"[^]*?<\/section>/.exec(map.text)[0];
  const secs = [...table.matchAll(/\(([A-U])\) (\d+)\.(\d\d)/g)];
  assert.ok(secs.length > 0, 'some district is specialised');
  for (const [, sec, i, f] of secs) {
    assert.ok(['C', 'J'].includes(sec), sec);
    assert.ok(Number(`${i}.${f}`) > 1);
  }
  assert.match(table, /Manufacturing \(C\) \d|Information and communication \(J\) \d/);
  assert.doesNotMatch(table, /<dd>[A-U] \d\.\d\d/, 'no bare section letters');
  const csv = await get('/map?format=csv&lang=en');
  assert.match(csv.text, /Members’ specialised sectors/);
  assert.match(csv.text, /Manufacturing \(C\) \d|Information and communication \(J\) \d/);
});

test("the home page answers at a glance: numbers linked to their sources, the map, the next events", async () => {
  const r = await get('/?lang=en');
  assert.equal(r.status, 200);
  const sec = /<section class="glance"[^>]*>([^]*?)<\/section>\n/.exec(r.text)?.[1] ?? '';
  assert.match(sec, /<a class="stat-link" href="\/panorama"><span class="stat-value">\d+<\/span><span class="stat-label">clusters in the directory/);
  assert.match(sec, /<a class="stat-link" href="\/figures\?year=\d{4}"><span class="stat-value">[\d,]+<\/span><span class="stat-label">member organisations/);
  assert.match(sec, /members&#39; exports/);
  assert.match(sec, /<figure class="chart chart-map"/);
  assert.match(sec, /<a href="\/map">/);
  assert.match(sec, /<h3 id="home-events">Next events<\/h3>/);
  // the demo's open calls and SCAN's newest news, each linking to its page
  assert.match(sec, /Open funding calls/);
  assert.match(sec, /<a href="\/calls\/\d+">/);
  assert.match(sec, /<h3 id="home-news">News and announcements<\/h3>/);
  assert.match(sec, /<a href="\/news\/[^"]+">/);
  // one set of headline numbers (issue 17 fixes): the founders' second one is gone
  assert.doesNotMatch(r.text, /<section aria-labelledby="headline">/);
  assert.match(sec, /<a href="\/figures\?year=\d{4}">Source: the figures<\/a>/);
});

// Serbian text in the reader's script (issue 17 fixes): a reference table's
// source typed in Cyrillic reads in Latin on Latin and English pages, and
// no page of the area shows Cyrillic to a Latin reader but the language
// switch's own "Српски".
test('Latin pages of the map, panorama, news and home show no Cyrillic; a Cyrillic source is transliterated', async () => {
  const file = join(srv.dir, 'cyr.csv');
  writeFileSync(file, 'district,nace,year,employees,source\nBEOGRAD,J,2026,300,"РЗС, Анкета о радној снази"\n'
    + 'BEOGRAD,C,2026,100,"РЗС, Анкета о радној снази"\nNISAVSKI,C,2026,200,"РЗС, Анкета о радној снази"\n');
  const ok = scan(['ref', 'import', file, '--db', srv.db]);
  assert.equal(ok.status, 0, ok.stderr);
  const cyr = await get('/map?lang=sr');
  assert.match(cyr.text, /РЗС, Анкета о радној снази/);
  const cyrillic = (html) => [...new Set(html.match(/[\u0400-\u04FF]+/g) || [])].filter((w) => w !== 'Српски');
  for (const lang of ['sr-Latn', 'en']) {
    const map = await get(`/map?lang=${lang}`);
    assert.match(map.text, /RZS, Anketa o radnoj snazi/, lang);
    for (const path of ['/map', '/map?measure=employees', '/panorama', '/panorama?view=table', '/news', '/',
      '/orgs/voict/badge.svg', '/orgs/voict/share'])
      assert.deepEqual(cyrillic((await get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`)).text), [], `${lang} ${path}`);
  }
  const cluster = await get('/orgs/voict?lang=sr-Latn');
  assert.doesNotMatch(/<section class="lq"[^]*?<\/section>/.exec(cluster.text)?.[0] ?? '', /[\u0400-\u04FF]/);
});
