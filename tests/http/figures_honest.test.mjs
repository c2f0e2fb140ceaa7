// figures_honest.test.mjs: the public headline never lies (issue 11, part
// 1). Hand-made data: one SCAN cluster with 49 members, all of whom
// reported for 2024 and two of whom have reported for 2025. The default
// year is the newest year with adequate coverage (half of the members, a
// setting), the page says which year and why; a change is shown only when
// both years are covered, and otherwise the page says it cannot be computed
// yet. The same holds for the API; `scan figures coverage` moves the rule.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, sqliteIn } from './lib.mjs';

let dir;
let db;
let srv;

function sqlite(sql) {
  return sqliteIn(db, sql);
}
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const get = async (path) => {
  const res = await fetch(srv.url + path);
  return { status: res.status, text: await res.text() };
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-honest-'));
  db = join(dir, 'scan.db');
  assert.equal(scan(['init', '--db', db]).status, 0);
  const members = Array.from({ length: 49 }, (_, i) => `('m${i}', 'Member ${i}', 'company', 'published', 0, 0, 'member ${i}')`).join(',');
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
      ('honest-cluster', 'Honest Cluster', 'cluster', 'published', 0, 0, 'honest cluster'), ${members};
    INSERT INTO scan_membership(org_id, status, since, created_at) SELECT id, 'member', '2010-01-01', 0 FROM org WHERE slug = 'honest-cluster';
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2015-01-01' FROM org c, org m WHERE c.slug = 'honest-cluster' AND m.slug LIKE 'm%';
    INSERT INTO org_figure(org_id, year, employees, revenue_eur, source, entered_at)
      SELECT id, 2023, 590, 100000000, 'self_reported', 0 FROM org WHERE slug LIKE 'm%';
    INSERT INTO org_figure(org_id, year, employees, revenue_eur, source, entered_at)
      SELECT id, 2024, 600, 110000000, 'self_reported', 0 FROM org WHERE slug LIKE 'm%';
    INSERT INTO org_figure(org_id, year, employees, revenue_eur, source, entered_at)
      SELECT id, 2025, 1200, 120000000, 'self_reported', 0 FROM org WHERE slug IN ('m0', 'm1');
    UPDATE data_version SET n = n + 1 WHERE shard = 0;`);
  srv = await startServer({ dbPath: db });
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0);
});

test('a year with 2 of 49 reports never becomes the default, and the page says why', async () => {
  const r = await get('/figures?lang=en');
  assert.equal(r.status, 200);
  const t = text(r.text);
  assert.match(t, /SCAN members' clusters, 2024|, 2024 /);
  assert.match(t, /Showing 2024: the newest year for which enough members have reported\. For 2025, 2 of 49 members have reported so far/);
  assert.match(t, /\+1\.7% on 2023/, '2024 against 2023: both covered, compared');
  const sr = text((await get('/figures?lang=sr-Cyrl')).text);
  assert.match(sr, /Приказује се 2024/);
});

test('the thin year can be chosen, and shows no change, saying why', async () => {
  const t = text((await get('/figures?year=2025&lang=en')).text);
  assert.doesNotMatch(t, /on 2024/, 'no change is claimed');
  assert.match(t, /The change from 2024 cannot be computed yet: 2 of 49 members have reported for 2025/);
  assert.doesNotMatch(t, /Showing 2024/);
});

test('the API follows the same rules', async () => {
  const dflt = JSON.parse((await get('/api/v1/figures')).text);
  const row = dflt.items ? dflt.items[0] : dflt.total ?? dflt;
  const s = JSON.stringify(dflt);
  assert.match(s, /"year":2024/);
  assert.match(s, /"covered":true/);
  const thin = JSON.stringify(JSON.parse((await get('/api/v1/figures?year=2025')).text));
  assert.match(thin, /"covered":false/);
  assert.match(thin, /"change":"low_coverage"/);
  assert.match(thin, /"previous_year":null/);
  assert.ok(row);
});

// The part of a page from the element with that id to the end of its
// section: what a trend draws and tabulates, without the note that says why
// it ends where it does and the links (which keep the page's ?year=).
function trendPart(html, id) {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `no ${id} on the page`);
  const part = html.slice(start, html.indexOf('</section>', start));
  return part.replace(/<p class="notice fig-trend-cut">[^]*?<\/p>/, '').replace(/href="[^"]*"/g, '');
}

test('the trends end at 2024, the newest covered year, and say why: /figures for each scope and its download', async () => {
  for (const path of ['/figures?lang=en', '/figures?year=2025&lang=en', '/figures?scope=scan&lang=en',
    '/figures?scope=cluster&cluster=honest-cluster&lang=en']) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    const part = trendPart(r.text, 'fig-trend');
    assert.match(part, /2024/, path);
    assert.match(part, /2023/, path);
    assert.doesNotMatch(part, /2025/, `${path}: the thin year is not drawn or tabulated`);
    assert.match(text(r.text), /Shown up to 2024, the newest year for which enough members have reported\. For 2025, 2 of 49 members have reported so far/, path);
  }
  const csv = await get('/figures?table=trend&format=csv');
  assert.equal(csv.status, 200);
  assert.match(csv.text, /^2024,/m);
  assert.doesNotMatch(csv.text, /^2025,/m, 'the download ends where the chart does');
  const sr = text((await get('/figures?lang=sr-Cyrl')).text);
  assert.match(sr, /Приказано до 2024/);
});

test('the cluster profile headlines the covered year, not the newest with any report, and says why', async () => {
  const r = await get('/orgs/honest-cluster?lang=en');
  assert.equal(r.status, 200);
  const t = text(r.text);
  assert.match(t, /Year 2024 /);
  assert.doesNotMatch(t, /Year 2025/);
  assert.match(t, /For 2025, 2 of 49 members have reported so far/);
  assert.match(t, /Employees 29,400 /, '49 members × 600 in 2024, not 2 × 1200');
  assert.match(t, /\+1\.7% on 2023/);
  assert.doesNotMatch(trendPart(r.text, 'cl-figures'), /2025/);
});

test('`scan figures coverage` moves the rule: at 4 % the thin year is the default', async () => {
  const set = scan(['figures', 'coverage', '4', '--db', db]);
  assert.equal(set.status, 0, set.stderr);
  assert.match(set.stdout, /at least 4%/);
  const t = text((await get('/figures?lang=en')).text);
  assert.doesNotMatch(t, /Showing 2024/);
  assert.match(t, /, 2025 /);
  assert.equal(scan(['figures', 'coverage', '101', '--db', db]).status, 2);
  assert.equal(scan(['figures', 'coverage', '50', '--db', db]).status, 0);
});

test('the headline\'s exact amount rounds as its table does, and one member is one member', async () => {
  sqlite(`UPDATE org_figure SET revenue_eur = revenue_eur + 50 WHERE year = 2024 AND org_id = (SELECT id FROM org WHERE slug = 'm0');
    INSERT INTO org_figure(org_id, year, employees, revenue_eur, source, entered_at)
      SELECT id, 2022, 10, 100, 'self_reported', 0 FROM org WHERE slug = 'm0';
    UPDATE data_version SET n = n + 1 WHERE shard = 0;`);
  const r = await get('/figures?year=2024&lang=en');
  const head = /id="fig-headline"[^]*?<\/section>/.exec(r.text)[0];
  assert.match(text(head), /53,900,001 EUR/, '53,900,000.50 EUR rounds half away from zero');
  assert.match(trendPart(r.text, 'fig-trend-table'), /53,900,001 EUR/);
  const one = text((await get('/figures?year=2022&lang=en')).text);
  assert.match(one, /Computed from 1 member's reported figures/);
  assert.doesNotMatch(one, /1 members'/);
  assert.match(text((await get('/figures?year=2024&lang=en')).text), /Computed from 49 members' reported figures/);
});
