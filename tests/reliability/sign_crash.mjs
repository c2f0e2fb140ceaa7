// sign_crash.mjs: the client of tests/reliability/sign_crash.sh.
//
// The managers of several clusters sign positions open for signature at
// the same time (POST /positions/{id}/sign with the session cookie, its
// CSRF token and Origin, as the page's form does), while the server is
// killed with SIGKILL at random moments and restarted. Each signature's
// outcome is recorded as in interest_crash.mjs:
//   ack      the 303 to the position's page was fully received: the live
//            signature must be stored, once, with its audit row
//   refused  another full response (422: signed already): nothing new
//   unknown  no full response: at most one live signature, whole if there
//   notsent  connection refused: never reached the server (sent again)
// The database is then read with the sqlite3 CLI and compared.
//
// Options (--name value): --bin B --db D --password P --people N
// --kills K --min-ms 50 --max-ms 800. People are manager1..N@example.com,
// managers of cluster-1..N (made by sign_crash.sh). Prints report lines;
// exits 1 with "FAIL: ..." otherwise. The server, its kills and the
// outcomes are crash_lib.mjs's.
import { crashOptions, Crash, outcome, post, sleep, fail } from './crash_lib.mjs';

const opt = crashOptions();
const h = new Crash(opt);

async function main() {
  const people = Number(opt.people);
  const posIds = h.sqlite(`SELECT id FROM position WHERE stage = 'signing' ORDER BY id`).split('\n').map(Number);
  const orgOf = new Map(h.sqlite(`SELECT p.email, f.org_id FROM person p JOIN affiliation f ON f.person_id = p.id
    WHERE f.role = 'manager'`).split('\n').map((l) => l.split('|')));
  const first = await h.start();
  const sessions = [];
  for (let i = 1; i <= people; i++) sessions.push(await h.login(first, `manager${i}@example.com`));

  const signs = []; // {pos, org, outcome, status}
  const writer = async (w) => {
    const s = sessions[w];
    const org = orgOf.get(`manager${w + 1}@example.com`);
    const order = [...posIds].sort(() => Math.random() - 0.5);
    for (const pos of order) {
      for (;;) {
        const u = await h.url();
        if (!u) return;
        const r = await post(u, s, `/positions/${pos}/sign`, { org });
        const out = outcome(r, (x) => x.status === 303 && (x.headers.get('location') || '').startsWith(`/positions/${pos}?saved=1`));
        if (out === 'notsent') { await sleep(20); continue; }
        signs.push({ pos, org: Number(org), outcome: out, status: r.status });
        break;
      }
    }
  };
  await h.killWhile(Promise.all(sessions.map((_, w) => writer(w))));
  await h.stop();

  // --- the comparison ---------------------------------------------------------------
  const stored = new Map();
  for (const line of h.sqlite(`SELECT g.position_id || ':' || g.org_id, count(*),
        (SELECT count(*) FROM audit a WHERE a.action = 'position_sign' AND a.entity_id = g.position_id
           AND a.detail LIKE '%"org":' || g.org_id || ',%')
      FROM position_signature g WHERE g.withdrawn_at IS NULL GROUP BY g.position_id, g.org_id`).split('\n').filter(Boolean)) {
    const [key, n, audits] = line.split('|');
    stored.set(key, { n: Number(n), audits: Number(audits) });
  }
  const counts = { ack: 0, refused: 0, unknown: 0 };
  for (const x of signs) {
    counts[x.outcome]++;
    const key = `${x.pos}:${x.org}`;
    const s = stored.get(key);
    if (x.outcome === 'ack' && !s) fail(`acknowledged signature lost: position ${x.pos}, org ${x.org}`);
    if (!s) continue;
    if (s.n !== 1) fail(`${s.n} live signatures of org ${x.org} on position ${x.pos}`);
    if (s.audits !== 1) fail(`signature ${key} with ${s.audits} audit rows`);
    stored.delete(key);
  }
  if (stored.size) fail(`signatures stored that no client sent: ${[...stored.keys()].slice(0, 3).join(', ')}`);
  if (counts.ack < people) fail(`too few acknowledged signatures to prove anything: ${counts.ack}`);
  // CI once ran it with 12 positions: the writes ended before the first
  // kill and the test crashed nothing; a run without a kill proves nothing
  if (h.killed === 0) fail('the writes ended before the first kill: nothing was crashed (raise POSITIONS)');
  console.log(`sign_crash: ${h.killed} kills; signatures: ${counts.ack} acknowledged, ${counts.refused} refused, ` +
    `${counts.unknown} unknown; every acknowledged signature stored once, live, with its audit row`);
}

h.run(main);
