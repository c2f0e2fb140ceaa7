// audit.test.mjs: the audit log reads as sentences in the reader's
// language (issue 11, part 3): every action the model records has words
// (checked over the sources, so a new action without them fails here), the
// entity is named and linked, details are "field: value" lines rather than
// JSON, and the filters by person, entity and action work.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, scan, login, sqliteRun } from './lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const PW = 'audit words test phrase 2026';
let srv;
let admin;

const table = (html) => (html.match(/<table class="audit">[\s\S]*?<\/table>/) || [''])[0];
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');

before(async () => {
  srv = await startServer({ demo: true });
  const add = scan(['user', 'add', 'audit.boss@example.com', '--name', 'Ana Audit', '--admin', '--password-stdin', '--db', srv.db], { input: `${PW}\n` });
  assert.equal(add.status, 0, add.stderr);
  const s = await login(srv.url, 'audit.boss@example.com', PW);
  admin = async (path) => {
    const res = await fetch(srv.url + path, { headers: { Cookie: s.cookie } });
    return { status: res.status, text: await res.text() };
  };
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('every action the model records has words in both languages', () => {
  const dir = join(ROOT, 'src/model');
  const found = new Set();
  const call = /(?:audit_add|audit_fmt|finish_write|TX_INIT|put_tx|cluster_write)\([^;]*?"([a-z]+(?:_[a-z]+)*)"/gs;
  const ternary = /action[^;\n]*\?\s*"([a-z]+_[a-z_]+)"\s*:\s*"([a-z]+_[a-z_]+)"/g;
  const named = /->action = "([a-z]+(?:_[a-z]+)*)"/g; // a tx_write body naming its action
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.c'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    for (const m of src.matchAll(call)) found.add(m[1]);
    for (const m of src.matchAll(named)) found.add(m[1]);
    for (const m of src.matchAll(ternary)) { found.add(m[1]); found.add(m[2]); }
  }
  // entity names and field names caught by the loose pattern
  for (const notAction of ['org', 'figure', 'account', 'person', 'api_token', 'fx_rate', 'affiliation', 'restore',
    'cluster_member', 'cluster_member_proposal', 'cluster_team', 'session', 'create', 'update', 'publish', 'self_reported',
    'newsletter']) found.delete(notAction);
  assert.ok(found.size >= 30, `found ${found.size} actions: is the pattern still right?`);
  const catalog = readFileSync(join(ROOT, 'src/i18n/messages.def'), 'utf8');
  const table = readFileSync(join(ROOT, 'src/web/web_admin_audit.c'), 'utf8');
  const missing = [...found].filter((a) => !catalog.includes(`MSG(AUDIT_ACT_${a.toUpperCase()},`) ||
    !table.includes(`{"${a}", MSG_AUDIT_ACT_${a.toUpperCase()}}`));
  assert.deepEqual(missing, [], 'actions without words in messages.def and web_admin_audit.c');
});

test('the log names who did what to which entry, in the reader\'s language, without JSON', async () => {
  const r = await admin('/admin/audit?lang=sr-Cyrl&action=org_create');
  assert.equal(r.status, 200);
  const t = text(table(r.text));
  assert.match(t, /је направио унос у именику/);
  assert.match(t, /Систем/, 'demo rows were written by the system, in Cyrillic');
  assert.doesNotMatch(t, /System/);
  assert.match(r.text, /<span class="muted">Унос:<\/span> <a href="\/orgs\/[a-z0-9-]+">/, 'the entry by name, linked');
  assert.doesNotMatch(r.text, /<code class="detail">\{/, 'no raw JSON details');
  assert.doesNotMatch(t, /је унео бројке за годину/, 'the action filter holds');
  const en = text(table((await admin('/admin/audit?lang=en&entity=figure')).text));
  assert.match(en, /entered a year's figures/);
  assert.match(en, /Figures: [^,]+, 20\d\d/, 'figures rows name the organisation and the year');
  assert.doesNotMatch(en, /created a directory entry/);
});

test('detail fields are words in the reader\'s language, and ids of entries and people are names', async () => {
  // a membership proposal decided: its detail names the member and who proposed it
  const m = scan(['user', 'add', 'audit.mgr@example.com', '--name', 'Мира Менаџер', '--password-stdin', '--db', srv.db], { input: `${PW}\n` });
  assert.equal(m.status, 0, m.stderr);
  const sql = (q) => sqliteRun(srv.db, q).stdout.trim();
  const person = sql("SELECT id FROM person WHERE email = 'audit.mgr@example.com'");
  const org = sql("SELECT id FROM org WHERE slug = 'nicat'");
  sql(`INSERT INTO audit(at, actor_id, action, entity, entity_id, detail) VALUES
    (${Math.floor(Date.now() / 1000)}, ${person}, 'membership_accept', 'org', ${org},
     '{"proposal":7,"member":${org},"proposed_by":${person},"known_device":false}')`);
  const cyr = text(table((await admin('/admin/audit?lang=sr-Cyrl&action=membership_accept')).text));
  assert.match(cyr, /Чланица: Нишки кластер/);
  assert.match(cyr, /Предложио\/ла: Мира Менаџер/);
  assert.match(cyr, /Са познатог уређаја: не/);
  assert.doesNotMatch(cyr, /proposed by|member:|known device/);
  const en = text(table((await admin('/admin/audit?lang=en&action=membership_accept')).text));
  assert.match(en, /Member: Ni[sš] Cluster/);
  assert.match(en, /Proposed by: Mira Menad[žz]er/);
  assert.match(en, /Proposal number: 7/);
});

test('the person filter lists people by name and keeps to that person', async () => {
  const all = await admin('/admin/audit?lang=en');
  const m = all.text.match(/<option value="(\d+)"[^>]*>Ana Audit<\/option>/);
  assert.ok(m, 'the admin is a choice in the person filter');
  const mine = text(table((await admin(`/admin/audit?lang=en&actor=${m[1]}`)).text));
  assert.match(mine, /logged in/);
  assert.doesNotMatch(mine, /created a directory entry/, 'the demo\'s rows are the system\'s, not hers');
});

test('history and "created by" name the system and erased people in the reader\'s language', async () => {
  const page = await fetch(`${srv.url}/orgs/nicat?lang=sr-Cyrl`);
  const t = text(await page.text());
  assert.match(t, /секретаријат SCAN-а/);
  assert.doesNotMatch(t, /System|Erased person/);
  const hist = text(await (await fetch(`${srv.url}/orgs/nicat/history?lang=sr-Cyrl`)).text());
  assert.doesNotMatch(hist, /System|Erased person/);
});

test('the invitation form lists organisations in the reader\'s script and alphabet', async () => {
  for (const [lang, locale, script] of [['sr-Cyrl', 'sr-Cyrl', /^[\u0400-\u04FF\s\-"„“.,()0-9]+$/], ['sr-Latn', 'sr-Latn', /^[^\u0400-\u04FF]+$/]]) {
    const r = await admin(`/invite?lang=${lang}`);
    assert.equal(r.status, 200);
    const select = r.text.match(/<select[^>]*name="org"[\s\S]*?<\/select>/)[0];
    const names = [...select.matchAll(/<option value="\d+"[^>]*>([^<]+)<\/option>/g)].map((m) => m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    assert.ok(names.length > 20, `${lang}: ${names.length} organisations offered`);
    const same = names.filter((n) => script.test(n));
    assert.ok(same.length > 10, `${lang}: names in the reader's script`);
    const want = [...same].sort(new Intl.Collator(locale).compare);
    assert.deepEqual(same, want, `${lang}: in the alphabet's order`);
  }
});

test('the home page links each founder to its profile when the directory has it', async () => {
  const home = await (await fetch(`${srv.url}/?lang=en`)).text();
  for (const slug of ['voict', 'nicat', 'vmc', 'facts', 'ict-network', 'autocluster-serbia', 'ict-cluster-central-serbia'])
    assert.match(home, new RegExp(`<th scope="row"><a href="/orgs/${slug}">`), slug);
});
