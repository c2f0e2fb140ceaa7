// oom.mjs: out of memory inside a request, as SQLite tests itself (run by
// oom.sh). For each representative request, N = 0, 1, 2, ... : the request
// is sent with "X-Scan-Fail-After: N" (honoured by test servers only), so
// its worker's N+1st allocation fails, and every later one, ours and
// SQLite's alike (SQLITE_CONFIG_MALLOC routes SQLite through mem_*). The
// loop ends when a request runs through without reaching the limit (no
// X-Scan-Faults header in the answer). Every answer must be one of:
//   - a 5xx whose body names the request id (X-Request-Id), or
//   - exactly the answer of a run without faults (same status, and for a
//     page the same bytes): an allocation failure the code recovered from.
// Writes must be all or nothing: after a 5xx the entry or figures row is
// absent or whole, after a success it is whole. The server runs under
// ASan+UBSan; at the end it must exit cleanly with no leak or sanitizer
// report, and `scan db check` must pass.
//
// Each request is looped twice, as SQLite's tests run each fault both ways:
// "permanent" (every allocation from the N+1st on fails) and "once" (with
// "X-Scan-Fail-Mode: once" only the N+1st fails and the code runs on: the
// fault that finds a caller which ignores a failure and carries on, such as
// a failed bind followed by a step that works and a commit of a row with a
// missing field). Writes compare the stored row field by field.
//
// PROFILE=short steps N by 1 up to 64 and then by about 3 %; PROFILE=full
// steps by 1 all the way.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { startServer, scan, login, makeToken } from '../http/lib.mjs';

const FULL = process.env.PROFILE === 'full';
const PW = 'oom loop pass phrase 2026';
const srv = await startServer({ demo: true });
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.log(`FAIL ${msg.replace(/\s+/g, ' ').slice(0, 300)}`);
};

function sql(q) {
  return execFileSync('sqlite3', ['-readonly', '-json', srv.db, q], { encoding: 'utf8' }).trim();
}

async function call(method, path, { headers = {}, body } = {}) {
  const res = await fetch(srv.url + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, text, faults: Number(res.headers.get('x-scan-faults') || 0),
    id: res.headers.get('x-request-id') };
}

// --- fixtures: an admin who logs in, and a read-write API token ----------------
const add = scan(['user', 'add', 'oom@example.com', '--name', 'OOM', '--admin', '--password-stdin',
  '--db', srv.db], { input: `${PW}\n` });
if (add.status !== 0) throw new Error(`scan user add: ${add.stderr}`);
const { cookie, csrf } = await login(srv.url, 'oom@example.com', PW);
const token = await makeToken(srv.url, { cookie, csrf }, 'write', 'oom');
const session = { Cookie: cookie };
const form = { ...session, Origin: srv.url, 'Content-Type': 'application/x-www-form-urlencoded' };

// --- the requests ------------------------------------------------------------------
// read: compare with the fault-free answer. write(i): make a unique change
// and return a check(status) that says what is wrong with the stored result.
const reads = [
  ['home, anonymous', 'GET', '/?lang=en', {}],
  ['directory list with filters, logged in', 'GET', '/orgs?kind=cluster&sort=updated', session],
  ['directory list, anonymous (page cache)', 'GET', '/orgs?lang=sr', {}],
  ['cluster profile, logged in', 'GET', '/orgs/nicat', session],
  ['search in Cyrillic, logged in', 'GET', '/search?q=%D0%BD%D0%B8%D1%88', session],
  ['figures page, logged in', 'GET', '/figures?year=2024', session],
  ['figures CSV', 'GET', '/figures?year=2024&table=clusters&format=csv', session],
  ['API list', 'GET', '/api/v1/orgs?limit=20&kind=company', {}],
  ['API figures grouped', 'GET', '/api/v1/figures?year=2024&group_by=region', {}],
  ['account page', 'GET', '/account', session],
  ['notification settings page', 'GET', '/account/notifications', session],
  ['audit log (admin)', 'GET', '/admin/audit', session],
  ['cooperation board, logged in', 'GET', '/cooperation?kind=request', session],
  ['cooperation post with matches and similar posts, logged in', 'GET', '/cooperation/1', session],
  ['API post matches', 'GET', '/api/v1/posts/1/matches', {}],
];

const writes = [
  ['API create entry', (i) => {
    const name = `OOM Probe ${i} ${Math.random().toString(36).slice(2, 8)}`;
    return {
      method: 'POST', path: '/api/v1/orgs',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, name_en: name, kind: 'company', status: 'published',
        municipality: 'Beograd', district: 'BEOGRAD', website: 'https://example.com/', sectors: ['62'] }),
      ok: [201],
      check(status) {
        const rows = JSON.parse(sql(`SELECT o.id, o.name, o.name_en, o.kind, o.status, o.municipality, o.district, o.website,
          (SELECT group_concat(s.code, ',') FROM org_sector s WHERE s.org_id = o.id) AS sectors,
          (SELECT count(*) FROM org_revision r WHERE r.org_id = o.id) AS revs,
          (SELECT count(*) FROM audit a WHERE a.entity = 'org' AND a.entity_id = o.id) AS audits
          FROM org o WHERE o.name_en = '${name}'`) || '[]');
        if (rows.length > 1) return `${rows.length} entries named ${name}`;
        if (rows.length === 0) return status < 500 ? `acknowledged ${name} is missing` : null;
        const r = rows[0];
        const want = { name, name_en: name, kind: 'company', status: 'published', municipality: 'Beograd',
          district: 'BEOGRAD', website: 'https://example.com/', sectors: '62' };
        for (const [k, v] of Object.entries(want)) if (r[k] !== v) return `stored ${k} is ${JSON.stringify(r[k])}, sent ${JSON.stringify(v)}: ${JSON.stringify(r)}`;
        if (r.revs < 1 || r.audits < 1) return `entry without its revision or audit row ${JSON.stringify(r)}`;
        return null;
      },
    };
  }],
  ['form: notification settings', (i) => {
    const want = i % 2 ? 'never' : 'weekly';
    const rows = () => JSON.parse(sql(`SELECT kind, channel FROM notify_pref WHERE person_id =
      (SELECT id FROM person WHERE email = 'oom@example.com') ORDER BY kind`) || '[]');
    return {
      method: 'POST', path: '/account/notifications', headers: form,
      body: new URLSearchParams({ digest: want, kind_cluster_member: want, _csrf: csrf }).toString(),
      ok: [303],
      check(status) {
        const r = rows();
        const channels = new Set(r.map((x) => x.channel));
        if (r.length === 0 && status >= 500) return null; /* never stored yet */
        if (r.length !== 2 || channels.size !== 1) return `settings half stored: ${JSON.stringify(r)}`;
        if (status < 500 && !channels.has(want)) return `acknowledged ${want}, stored ${JSON.stringify(r)}`;
        return null;
      },
    };
  }],
  ['API publish a cooperation post (matches stored in the same transaction)', (i) => {
    const title = `OOM probe post ${i} ${Math.random().toString(36).slice(2, 8)}`;
    const until = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
    return {
      method: 'POST', path: '/api/v1/posts',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ org_id: 2, kind: 'request', topic: 'technology', lang: 'sr-Latn', title,
        body: 'Ugrađeni softver i firmver za senzore.', nace: ['26'], geo: ['R-VO'], valid_until: until }),
      ok: [201],
      check(status) {
        const rows = JSON.parse(sql(`SELECT p.id, p.title, p.valid_until,
          (SELECT group_concat(code) FROM post_nace n WHERE n.post_id = p.id) AS nace,
          (SELECT count(*) FROM post_word w WHERE w.post_id = p.id) AS words,
          (SELECT count(*) FROM post_match m WHERE m.post_id = p.id) AS matches,
          (SELECT count(*) FROM audit a WHERE a.entity = 'post' AND a.entity_id = p.id) AS audits
          FROM post p WHERE p.title = '${title}'`) || '[]');
        if (rows.length > 1) return `${rows.length} posts titled ${title}`;
        if (rows.length === 0) return status < 500 ? `acknowledged post ${title} is missing` : null;
        const r = rows[0];
        if (r.nace !== '26' || r.valid_until !== until || r.words < 4 || r.matches < 1 || r.audits !== 1)
          return `post not stored whole: ${JSON.stringify(r)}`;
        return null;
      },
    };
  }],
  ['API consent: the secretariat confirms a waiting party (tie_consent, issue 14)', () => {
    // demo agreement #7 waits for the University of Nis; set it waiting
    // again before each try (the sqlite3 shell, waiting for the lock)
    const uni = JSON.parse(sql("SELECT id FROM org WHERE slug = 'univerzitet-u-nisu'"))[0].id;
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, `UPDATE agreement_party SET consent = 'proposed',
      decided_by = NULL, decided_at = NULL, reason = NULL WHERE agreement_id = 7 AND org_id = ${uni}`]);
    const audits = () => Number(JSON.parse(sql("SELECT count(*) AS n FROM audit WHERE action = 'agreement_confirm' AND entity_id = 7"))[0].n);
    const before = audits();
    return {
      method: 'POST', path: '/api/v1/agreements/7/consent',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ org: uni, decision: 'confirm' }),
      ok: [200],
      check(status) {
        const row = JSON.parse(sql(`SELECT consent, decided_by, decided_at FROM agreement_party WHERE agreement_id = 7 AND org_id = ${uni}`))[0];
        const n = audits() - before;
        if (status < 500) {
          if (row.consent !== 'confirmed' || !row.decided_by || !row.decided_at || n !== 1)
            return `acknowledged confirmation not stored whole: ${JSON.stringify(row)}, ${n} audit rows`;
        } else if (!(row.consent === 'proposed' && row.decided_by === null && n === 0) &&
          !(row.consent === 'confirmed' && row.decided_by && row.decided_at && n === 1)) {
          return `a 5xx left the confirmation neither undone nor whole: ${JSON.stringify(row)}, ${n} audit rows`;
        }
        return null;
      },
    };
  }],
  ['form: save a year of figures', (i) => {
    const employees = 1000 + i;
    const stored = () => sql(`SELECT employees, revenue_eur, exports_eur, rnd_eur, source FROM org_figure WHERE year = 2021 AND org_id = (SELECT id FROM org WHERE slug = 'backa-kod')`);
    const before = stored();
    return {
      method: 'POST', path: '/orgs/backa-kod/figures', headers: form,
      body: new URLSearchParams({ year: '2021', employees: String(employees), revenue: '2000000',
        exports: '1000000', rnd: '', currency: 'EUR', source: 'self_reported', _csrf: csrf }).toString(),
      ok: [303],
      check(status) {
        const now = stored();
        const row = JSON.parse(now || '[]')[0];
        const whole = row && row.employees === employees && row.revenue_eur === 200000000 &&
          row.exports_eur === 100000000 && row.rnd_eur === null && row.source === 'self_reported';
        if (status < 500) {
          if (!whole) return `acknowledged figures not stored whole: ${now}`;
        } else if (now !== before && !whole) {
          return `figures neither old nor new: ${now}`;
        }
        return null;
      },
    };
  }],
];

function steps() {
  let n = 0;
  return () => (n < 64 || FULL ? n++ : (n += Math.max(1, n >> 5)));
}

let requests = 0;
const summary = [];

async function loop(name, make, mode) {
  const next = steps();
  let reference = null;
  let hits = 0;
  let i = 0;
  const failed0 = failures.length;
  for (;;) {
    const n = next();
    const q = make(i++);
    if (!q.ok && !reference) reference = q;
    const inject = { 'X-Scan-Fail-After': String(n), ...(mode === 'once' ? { 'X-Scan-Fail-Mode': 'once' } : {}) };
    let r;
    try {
      r = await call(q.method, q.path, { headers: { ...q.headers, ...inject }, body: q.body });
    } catch (e) { /* no answer at all: a crash or a dropped connection is a failure too */
      if (process.env.OOM_DUMP) writeFileSync(`${process.env.OOM_DUMP}/server.log`, srv.log());
      fail(`${name} (${mode}) N=${n}: no answer (${e.cause?.code || e.message}); server log: ${srv.log().split('\n').filter((l) => /#[0-9]+ 0x|ERROR: |SUMMARY/.test(l)).slice(0, 14).join(' | ')}`);
      summary.push(`${name} (${mode}): stopped at N=${n}, no answer`);
      return;
    }
    requests++;
    const logOf = () => srv.log().split('\n').filter((l) => l.includes(`[${r.id}]`)).join(' | ');
    if (process.env.OOM_DUMP && r.faults) writeFileSync(`${process.env.OOM_DUMP}/${name.replace(/\W+/g, '_')}-${n}.html`, r.text);
    if (r.status >= 500) {
      hits++;
      if (!r.text.includes(r.id)) fail(`${name} N=${n}: ${r.status} without the request id ${r.id}: ${r.text.match(/Request id: [0-9a-f]+/)?.[0]} ${r.text.match(/<title>[^<]*/)?.[0] ?? r.text.slice(0, 100)} log: ${logOf()}`);
      if (!r.faults) fail(`${name} N=${n}: ${r.status} with no injected fault; log: ${logOf()}`);
    } else if (q.ok ? !q.ok.includes(r.status) : r.status !== q.refStatus || r.text !== q.refText) {
      fail(`${name} N=${n}: ${r.status} (faults ${r.faults}) differs from the fault-free answer` +
        (q.ok ? ` (want ${q.ok})` : ` (${q.refStatus}, ${q.refText.length} bytes; got ${r.text.length} bytes)`) +
        `: ${r.text.slice(0, 160).replace(/\s+/g, ' ')} log: ${logOf()}`);
    }
    if (q.check) {
      const why = q.check(r.status);
      if (why) fail(`${name} N=${n}: ${why}`);
    }
    if (!r.faults) {
      summary.push(`${name} (${mode}): clean after ${n} allocations, ${hits} injected 5xx`);
      return;
    }
    if (failures.length - failed0 >= 5) {
      summary.push(`${name} (${mode}): stopped at N=${n} after 5 failures`);
      return;
    }
    // the server answers normally again right after
    const h = await call('GET', '/healthz');
    if (h.status !== 200) fail(`${name} N=${n}: /healthz answered ${h.status} afterwards`);
    if (reference && n % 97 === 0) {
      const again = await call(reference.method, reference.path, { headers: reference.headers });
      if (again.text !== reference.refText) fail(`${name} N=${n}: the fault-free answer changed after faults`);
    }
  }
}

for (const mode of ['permanent', 'once']) {
  for (const [name, method, path, headers] of reads) {
    const ref = await call(method, path, { headers });
    if (ref.status !== 200) { fail(`${name}: fault-free answer ${ref.status}`); continue; }
    await loop(`${name}`, () => ({ method, path, headers, refStatus: ref.status, refText: ref.text }), mode);
  }
  for (const [name, make] of writes) await loop(name, make, mode);
}

const { code, stderr } = await srv.stop({ keep: true }).catch((e) => ({ code: -1, stderr: String(e) }));
if (code !== 0) fail(`server exit ${code}: ${stderr.slice(-2000)}`);
const check = scan(['db', 'check', '--db', srv.db]);
if (check.status !== 0) fail(`scan db check: ${check.stdout}${check.stderr}`);

for (const line of summary) console.log(line);
console.log(`oom: ${requests} requests with injected faults, permanent and once (${FULL ? 'every N' : 'N by 1 to 64, then ~3 %'}), ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
