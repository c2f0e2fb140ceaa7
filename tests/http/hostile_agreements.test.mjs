// hostile_agreements.test.mjs: the agreement writes (issue 14) against
// hostile input, in the spirit of hostile.test.mjs: markup and formula
// payloads in every text field stored as typed and escaped on every page
// and in the API; a PDF with JavaScript, an encrypted-looking one and a
// file name that tries to break the Content-Disposition header; forged
// Origin and CSRF; oversized fields; ids that are not ids. Each refusal
// is a clear 4xx and changes nothing (the agreement tables' fingerprint
// before and after); the server stays up.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, scan, loginAgent, sqliteIn, pdfOf } from './lib.mjs';

const PW = 'hostile agreement phrase 2026';
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
let srv;
let ed;
const sql = (q) => sqliteIn(srv.db, q);
const fingerprint = () => createHash('sha256').update(sql(
  "SELECT group_concat(x, '|') FROM (SELECT id || kind || title_sr || coalesce(title_en, '') || status AS x FROM agreement"
  + " UNION ALL SELECT agreement_id || '-' || org_id FROM agreement_party UNION ALL SELECT agreement_id || sha256 FROM agreement_file) AS f")).digest('hex');

// Nothing of the payload arrives as markup.
function noRaw(html, where) {
  assert.doesNotMatch(html, /<script>alert|<img src=x/, `${where}: unescaped`);
}

const PAGE = ['<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];

async function upload(id, bytes, name, { origin = srv.url, csrf } = {}) {
  const fd = new FormData();
  fd.append('_csrf', csrf ?? ed.session.csrf);
  fd.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  const res = await fetch(`${srv.url}/agreements/${id}/file?lang=en`, {
    method: 'POST', redirect: 'manual', body: fd, headers: { Cookie: ed.session.cookie, ...(origin ? { Origin: origin } : {}) },
  });
  return { status: res.status, text: await res.text() };
}

before(async () => {
  srv = await startServer({ demo: true });
  const r = scan(['user', 'add', 'ed@example.com', '--name', 'Ed', '--password-stdin', '--editor', '--db', srv.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  ed = await loginAgent(srv.url, 'ed@example.com', PW);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('payloads in every text field are stored as typed and escaped on every page, feed and API answer', async () => {
  const r = await ed.post('/agreements?lang=en', {
    kind: 'grant', title_sr: `=HYPERLINK("http://evil.example")${XSS}`, title_en: `+SUM(1)${XSS}`,
    summary_sr: `Сажетак ${XSS}`, summary_en: `Summary ${XSS}`, party1: 'scan', party2: 'ministarstvo-privrede',
    status: 'signed', signed_on: '2025-01-01', valid_from: '2025-01-01',
    valid_until: sql("SELECT date('now', 'localtime', '+10 days')"),
  });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const id = /\/agreements\/(\d+)/.exec(r.location)[1];
  assert.equal(sql(`SELECT title_sr FROM agreement WHERE id = ${id}`), `=HYPERLINK("http://evil.example")${XSS}`);
  for (const lang of ['en', 'sr', 'sr-Latn'])
    for (const path of [`/agreements/${id}`, '/agreements', '/agreements?expiring=1', `/agreements/${id}/edit`,
      '/orgs/ministarstvo-privrede', '/start']) {
      const p = await ed.get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      assert.equal(p.status, 200, `${path} ${lang}`);
      noRaw(p.text, `${path} ${lang}`);
    }
  const pub = await fetch(`${srv.url}/orgs/ministarstvo-privrede`);
  noRaw(await pub.text(), 'the public profile');
  const api = await fetch(`${srv.url}/api/v1/agreements/${id}`);
  assert.equal(api.headers.get('content-type').split(';')[0], 'application/json');
  assert.equal((await api.json()).title_en, `+SUM(1)${XSS}`, 'JSON carries the text as typed');
});

test('hostile documents and names: refused with the reason, or stored with a name that cannot break the header', async () => {
  const fp = fingerprint();
  const cases = [
    [pdfOf(['<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>', ...PAGE]), /scripts, actions or embedded files/],
    [pdfOf(['<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>', ...PAGE, '<< /Names [] >>']), /scripts, actions or embedded files/],
    [Buffer.from('<html><script>alert(1)</script></html>'), /not a PDF document/],
    [Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4000, 0x41)]), /damaged or could not be read/],
    [Buffer.alloc(0), /Choose the signed agreement/],
  ];
  for (const [bytes, want] of cases) {
    const r = await upload(1, bytes, 'x.pdf');
    assert.equal(r.status, 422);
    assert.match(r.text, want);
  }
  assert.equal((await upload(1, pdfOf(['<< /Type /Catalog /Pages 2 0 R >>', ...PAGE]), 'x.pdf', { origin: 'http://evil.example' })).status, 403);
  assert.equal((await upload(1, pdfOf(['<< /Type /Catalog /Pages 2 0 R >>', ...PAGE]), 'x.pdf', { csrf: 'x'.repeat(43) })).status, 403);
  assert.equal(fingerprint(), fp, 'nothing changed');

  const ok = await upload(1, pdfOf(['<< /Type /Catalog /Pages 2 0 R >>', ...PAGE]), 'a"\r\nSet-Cookie: sid=evil; x=".pdf');
  assert.equal(ok.status, 303);
  const res = await fetch(`${srv.url}/agreements/1/file`, { headers: { Cookie: ed.session.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('set-cookie'), null);
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="[!#-~]+\.pdf"$/);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
});

test('forged writes, oversized fields and ids that are not ids: a clear 4xx, nothing changed', async () => {
  const fp = fingerprint();
  const FORM = { kind: 'mou', title_sr: 'Наслов', party1: 'scan', party2: 'ministarstvo-privrede', status: 'draft' };
  const forged = await fetch(`${srv.url}/agreements`, {
    method: 'POST', redirect: 'manual',
    headers: { Cookie: ed.session.cookie, Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...FORM, _csrf: ed.session.csrf }).toString(),
  });
  assert.equal(forged.status, 403);
  const noCsrf = await fetch(`${srv.url}/api/v1/agreements`, {
    method: 'POST', headers: { Cookie: ed.session.cookie, Origin: srv.url, 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'mou', title_sr: 'X', parties: ['scan', 'voict'] }),
  });
  assert.equal(noCsrf.status, 403, 'a session without the CSRF token');
  const big = await ed.post('/agreements?lang=en', { ...FORM, title_sr: 'T'.repeat(301) });
  assert.equal(big.status, 422);
  assert.match(big.text, /at most 300/);
  const longSummary = await ed.post('/agreements?lang=en', { ...FORM, summary_en: 's'.repeat(5001) });
  assert.equal(longSummary.status, 422);
  const ctl = await ed.post('/agreements?lang=en', { ...FORM, title_sr: 'a\u0007b' });
  assert.equal(ctl.status, 422);
  const many = await ed.json('POST', '/api/v1/agreements', { kind: 'mou', title_sr: 'X', parties: Array.from({ length: 21 }, () => 'scan') });
  assert.equal(many.status, 422);
  const types = await ed.json('POST', '/api/v1/agreements', { kind: 'mou', title_sr: 5, parties: 'scan' });
  assert.equal(types.status, 400);
  for (const path of ['/agreements/0', '/agreements/-1', '/agreements/99999999999999999999', '/agreements/1x',
    '/agreements/%00', '/api/v1/agreements/abc', '/agreements/99999/file']) {
    const r = await fetch(srv.url + path);
    assert.equal(r.status, path.includes('%00') ? 400 : 404, path); // a NUL in a path: the router's 400
  }
  for (const q of ['kind=<script>', 'status=%00', 'party=' + 'x'.repeat(5000), 'expiring=<b>'])
    assert.equal((await fetch(`${srv.url}/agreements?${q}`)).status, q.includes('%00') ? 400 : 200, q);
  assert.equal((await fetch(`${srv.url}/api/v1/agreements?kind=<script>`)).status, 400);
  assert.equal(fingerprint(), fp, 'nothing changed');
  assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
});
