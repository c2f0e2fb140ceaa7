// bench/import_rights.mjs: what the per-row rights check of the figures import
// costs: 20,000 rows (4,000 members x 5 years) through POST
// /orgs/big/figures/import, check then apply, as an admin (no rights query)
// and as the cluster's manager (one rights question per organisation),
// twice each, alternating. Run: SCAN_BIN=build/scan node bench/import_rights.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, scan, login } from '../tests/http/lib.mjs';
const dir = mkdtempSync(join(tmpdir(), 'mbench-'));
const db = join(dir, 's.db');
const sq = (sql) => { const r = spawnSync('sqlite3', [db], { input: sql, encoding: 'utf8' }); if (r.status) throw new Error(r.stderr); return r.stdout; };
scan(['init', '--db', db]);
const N = 4000, YEARS = [2021, 2022, 2023, 2024, 2025];
let sql = "BEGIN; INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded) VALUES (1, 'big', 'Big', 'cluster', 'published', 0, 0, 'big');\n";
for (let i = 2; i < N + 2; i++) sql += `INSERT INTO org(id, slug, name, kind, status, created_at, updated_at, name_folded) VALUES (${i}, 'm${i}', 'M${i}', 'company', 'published', 0, 0, 'm${i}'); INSERT INTO cluster_member(cluster_id, org_id, joined_on, accepted_at) VALUES (1, ${i}, '2015-01-01', ${i % 2 ? 'NULL' : 1600000000});\n`;
sq(sql + 'COMMIT;');
const PW = 'bench pass phrase 2026';
for (const [e, f] of [['a@example.com', ['--admin']], ['m@example.com', []]]) scan(['user', 'add', e, '--name', e, '--password-stdin', '--db', db, ...f], { input: `${PW}\n` });
scan(['user', 'role', 'm@example.com', 'manager', '--org', 'big', '--db', db]);
const srv = await startServer({ dbPath: db });
let csv = 'slug,year,employees,revenue,exports,rnd,currency,source\r\n';
for (let i = 2; i < N + 2; i++) for (const y of YEARS) csv += `m${i},${y},10,1000,500,,EUR,self_reported\r\n`;
for (const who of ['a@example.com', 'm@example.com', 'a@example.com', 'm@example.com']) {
  const s = await login(srv.url, who, PW);
  for (const confirm of ['0', '1']) {
    sq('DELETE FROM org_figure;');
    const t0 = performance.now();
    const r = await fetch(`${srv.url}/orgs/big/figures/import`, { method: 'POST', redirect: 'manual',
      headers: { Cookie: s.cookie, Origin: srv.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: s.csrf, csv, confirm }).toString() });
    await r.text();
    console.log(`${who.startsWith('m') ? 'manager' : 'admin'}\t${confirm === '1' ? 'apply' : 'check'}\t${r.status}\t${(performance.now() - t0).toFixed(0)} ms`);
  }
}
await srv.stop();
rmSync(dir, { recursive: true, force: true });
