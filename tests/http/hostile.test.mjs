// hostile.test.mjs: oversized and malformed requests of every kind get a
// clear 4xx that says what to fix, the server stays up, and nothing changes.
//
// Extends basics.test.mjs (bad percent-encoding, NUL in the path, invalid
// UTF-8 in a query, the first path traversals, a non-HTTP request line)
// and limits.test.mjs (31/33/48 KiB headers, declared and chunked bodies
// over the limit, slow and idle clients) without repeating them: request
// lines and methods, header syntax and counts, Host, body framing
// (Content-Length, chunked, Transfer-Encoding), more traversal spellings,
// overlong UTF-8, forms (urlencoded and multipart) sent by a logged-in
// editor, and JSON bodies sent with a read-write API token.
//
// Every case goes over a raw socket (rawhttp.mjs) so the bytes are exactly
// the hostile ones. After each case /healthz must answer 200; after each
// group, a fingerprint of the data (the directory as `scan org export`
// writes it, the accounts, the API's view with drafts, a cluster's members,
// the editor's tokens, affiliations and audit trail) must equal the one
// taken before any case ran.
import { describe, before, after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { startServer, scan, login, makeToken, loginAgent, scanIn, sqliteIn, sqliteRun, belgradeToday } from './lib.mjs';
import { RawConn, rawRequest } from './rawhttp.mjs';

const PW = 'hostile pass phrase 2026';
let srv;
let H;       // Host header line
let session; // { cookie, csrf } of the editor
let token;   // the editor's read-write API token
let fp0;     // the data fingerprint before any hostile request
let rep;     // { cookie, csrf } of a representative of the organisation of the post ownPost
let ownPost; // a post of the representative's organisation; otherPost: another organisation's
let otherPost;
function sqlite(sql) {
  const r = sqliteRun(srv.db, sql);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

const ISSUE15_TABLES = ['initiative', 'readiness_answer', 'assess_answer', 'assess_response', 'devplan_goal',
  'devplan_action', 'devplan_review', 'mentoring', 'mentoring_meeting', 'support_entry'];

// Everything a hostile request could have changed, hashed.
async function fingerprint() {
  const parts = [];
  const exp = scan(['org', 'export', '--format', 'json', '--db', srv.db]);
  assert.equal(exp.status, 0, exp.stderr);
  parts.push(exp.stdout);
  const users = scan(['user', 'list', '--db', srv.db]);
  assert.equal(users.status, 0, users.stderr);
  parts.push(users.stdout);
  const auth = { Authorization: `Bearer ${token}` };
  const list = await (await fetch(`${srv.url}/api/v1/orgs?limit=100`, { headers: auth })).json();
  parts.push(JSON.stringify([list.total, list.items.map((o) => [o.slug, o.status, o.updated_at])]));
  parts.push(await (await fetch(`${srv.url}/api/v1/orgs/nicat`, { headers: auth })).text());
  parts.push(await (await fetch(`${srv.url}/api/v1/clusters/nicat/members`, { headers: auth })).text());
  // the cooperation board: every post's state (the writes below hide,
  // report, close and create nothing)
  const posts = await (await fetch(`${srv.url}/api/v1/posts?limit=100`, { headers: auth })).json();
  parts.push(JSON.stringify(posts.items.map((p) => [p.id, p.status, p.updated_at])));
  // every post (drafts of none: members-only too), introductions and their messages
  parts.push(sqlite(`SELECT count(*), max(updated_at), coalesce(sum(length(title) + length(body)), 0) FROM post;
    SELECT count(*), max(updated_at) FROM post_interest; SELECT count(*) FROM post_interest_message;
    SELECT count(*) FROM post_report`));
  const data = await (await fetch(`${srv.url}/account/data`, { headers: { Cookie: session.cookie } })).json();
  // the editor's tokens, affiliations and audit trail: every write the
  // editor makes adds an audit row
  assert.ok(Array.isArray(data.api_tokens) && Array.isArray(data.audit), 'the account export has tokens and audit');
  parts.push(JSON.stringify([data.api_tokens.map((t) => [t.id, t.name, t.scope, t.revoked_at]), data.affiliations, data.audit]));
  // the editor's notification settings, saved searches and followed clusters
  parts.push(await (await fetch(`${srv.url}/api/v1/me/notifications`, { headers: auth })).text());
  // issue 15's tables: initiatives, readiness answers, self-assessments,
  // development plans, mentoring and the support log, every row
  parts.push(sqlite(ISSUE15_TABLES.map((t) => `SELECT '${t}', count(*) FROM ${t}; SELECT * FROM ${t} ORDER BY 1;`).join('\n')));
  // funding calls (issue 14): every call, rule, follower and reminder
  parts.push(sqlite(['funding_call', 'funding_call_rule', 'funding_call_follow', 'funding_call_reminder']
    .map((t) => `SELECT '${t}', count(*) FROM ${t}; SELECT * FROM ${t} ORDER BY 1, 2;`).join('\n')));
  return { hash: createHash('sha256').update(parts.join('\n--\n')).digest('hex'), total: list.total, parts };
}

async function unchanged() {
  const fp = await fingerprint();
  if (fp.hash !== fp0.hash) {
    const diff = fp.parts.map((p, i) => (p === fp0.parts[i] ? null : i)).filter((i) => i !== null);
    assert.fail(`the data changed (fingerprint parts ${diff.join(', ')}; entries ${fp0.total} -> ${fp.total})`);
  }
}

before(async () => {
  srv = await startServer({ demo: true });
  H = `Host: 127.0.0.1:${srv.port}\r\n`;
  const r = scan(['user', 'add', 'editor@example.com', '--name', 'Editor', '--editor', '--password-stdin',
    '--db', srv.db], { input: `${PW}\n` });
  assert.equal(r.status, 0, `scan user add: ${r.stderr}`);
  session = await login(srv.url, 'editor@example.com', PW);
  token = await makeToken(srv.url, session, 'write', 'hostile');
  // a representative of the organisation of one demo post (the cooperation cases)
  [ownPost, otherPost] = sqlite(`SELECT a.id || '|' || o.slug || '|' || b.id FROM post a JOIN org o ON o.id = a.org_id
    JOIN post b ON b.org_id <> a.org_id AND b.status = 'open' WHERE a.status = 'open' ORDER BY a.id, b.id LIMIT 1`)
    .split('|').filter((_, i) => i !== 1).map(Number);
  const slug = sqlite(`SELECT o.slug FROM post p JOIN org o ON o.id = p.org_id WHERE p.id = ${ownPost}`);
  for (const args of [['user', 'add', 'rep@example.com', '--name', 'Rep', '--password-stdin'],
    ['user', 'role', 'rep@example.com', 'representative', '--org', slug]]) {
    const u = scan([...args, '--db', srv.db], { input: `${PW}\n` });
    assert.equal(u.status, 0, `scan ${args.join(' ')}: ${u.stderr}`);
  }
  rep = await login(srv.url, 'rep@example.com', PW);
  fp0 = await fingerprint();
  assert.ok(fp0.total > 10, 'the demo directory is there');
});

after(async () => {
  await unchanged();
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

afterEach(async () => {
  const res = await fetch(`${srv.url}/healthz`);
  assert.equal(res.status, 200, 'the server still answers /healthz');
  await res.text();
});

// --- helpers ------------------------------------------------------------------------

const bytes = (...xs) => Buffer.concat(xs.map((x) => (Buffer.isBuffer(x) ? x : typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x))));

// A request with a body; extra: header lines; ct: Content-Type or null.
function withBody(method, path, ct, body, extra = '') {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return bytes(`${method} ${path} HTTP/1.1\r\n${H}${extra}${ct ? `Content-Type: ${ct}\r\n` : ''}Content-Length: ${b.length}\r\n\r\n`, b);
}

// The editor's session with the CSRF token in a header, as the site's
// script sends it: the body itself is what the case is about.
const editor = () => `Cookie: ${session.cookie}\r\nOrigin: ${srv.url}\r\nX-CSRF-Token: ${session.csrf}\r\n`;
// ... and as a plain browser form does: the token only in the body.
const browser = () => `Cookie: ${session.cookie}\r\nOrigin: ${srv.url}\r\n`;
const bearer = () => `Authorization: Bearer ${token}\r\n`;

const text = (body) => body.replace(/<[^>]*>/g, ' ').replace(/&ldquo;|&rdquo;|&quot;|[“”]/g, '"').replace(/\s+/g, ' ');

// Asserts a 4xx (status one of want) with a non-empty message matching msg;
// under /api/ (api: true) in the JSON error format.
function refused(res, want, msg, { api = false } = {}) {
  const wants = [want].flat();
  assert.ok(wants.includes(res.status), `status ${res.status}, want ${wants.join(' or ')}: ${text(res.body).slice(0, 300)}`);
  assert.ok(res.body.trim().length > 0, 'the refusal has a body');
  if (api) {
    assert.match(res.headers['content-type'] || '', /^application\/json/);
    const doc = JSON.parse(res.body);
    assert.equal(typeof doc.error?.code, 'string');
    assert.ok(doc.error.message.length > 10, 'a message that says what to fix');
    if (msg) assert.match(doc.error.message, msg);
  } else if (msg) {
    assert.match(text(res.body), msg);
  }
  assert.doesNotMatch(res.body, /root:.*:0:0:/, 'no file contents');
}

// Sends one request on a fresh connection and checks the refusal.
async function expect(request, want, msg, opts = {}) {
  const res = await rawRequest(srv.port, request, { timeout: 5000 });
  refused(res, want, msg, opts);
  return res;
}

// --- request lines and methods ---------------------------------------------------------

describe('request lines', () => {
  after(unchanged);

  test('an unknown method is 405 with Allow', async () => {
    const res = await expect(`BREW / HTTP/1.1\r\n${H}\r\n`, 405, /does not accept/);
    assert.match(res.headers.allow, /GET/);
  });

  test('an unknown method on the API is a JSON 405', async () => {
    await expect(`BREW /api/v1/orgs HTTP/1.1\r\n${H}\r\n`, 405, null, { api: true });
  });

  test('a lower-case method is not GET: 405', async () => {
    await expect(`get / HTTP/1.1\r\n${H}\r\n`, 405);
  });

  test('an HTTP/0.9 request line (no version) is 400', async () => {
    await expect('GET /\r\n\r\n', 400, /malformed|incorrect/i);
  });

  test('a request line without a target is 400', async () => {
    await expect(`GET  HTTP/1.1\r\n${H}\r\n`, 400);
  });

  test('the asterisk form outside OPTIONS-to-server is 400', async () => {
    await expect(`OPTIONS * HTTP/1.1\r\n${H}\r\n`, 400, /malformed/);
  });

  test('an absolute-form target is 400, never fetched', async () => {
    await expect(`GET http://127.0.0.1/etc/passwd HTTP/1.1\r\n${H}\r\n`, 400, /malformed/);
  });

  test('HTTP/2.0 in an HTTP/1 request line is 505 HTTP Version Not Supported', async () => {
    // libmicrohttpd's answer, the status RFC 9110 defines for this
    await expect(`GET / HTTP/2.0\r\n${H}\r\n`, 505, /version/i);
  });

  test('binary garbage (a TLS ClientHello) gets no 2xx and the connection is closed', async () => {
    const c = await RawConn.open(srv.port);
    try {
      c.write(Buffer.from('16030100a5010000a10303000102030405060708090a0b0c0d0e0f\r\n\r\n', 'hex'));
      assert.ok(await c.closedWithin(5000), 'closed');
      assert.doesNotMatch(c.buf.toString('latin1'), /^HTTP\/1\.[01] [23]/);
    } finally {
      c.destroy();
    }
  });

  test('a 40 KB path is 431', async () => {
    await expect(`GET /${'a'.repeat(40000)} HTTP/1.1\r\n${H}\r\n`, 431, /too large/);
  });
});

// --- header syntax ----------------------------------------------------------------------------

describe('headers', () => {
  after(unchanged);

  test('a header line without a colon is 400', async () => {
    await expect(`GET / HTTP/1.1\r\n${H}NoColonHere\r\n\r\n`, 400, /malformed|incorrect/i);
  });

  test('a space inside a header name is 400', async () => {
    await expect(`GET / HTTP/1.1\r\n${H}X Forwarded: b\r\n\r\n`, 400, /header is malformed/);
  });

  test('a space between header name and colon is 400 (RFC 9112 5.1)', async () => {
    await expect(`GET / HTTP/1.1\r\n${H}X-A : b\r\n\r\n`, 400);
  });

  for (const [name, ch] of [['SOH', '\x01'], ['ESC', '\x1b'], ['DEL', '\x7f'], ['a bare CR', '\r']]) {
    test(`a control character (${name}) in a header value is 400`, async () => {
      await expect(`GET / HTTP/1.1\r\n${H}X-A: a${ch}b\r\n\r\n`, 400, /header is malformed|malformed|incorrect/i);
    });
  }

  test('a NUL in a header value cannot reach the application: the value ends there, no 5xx', async () => {
    // libmicrohttpd 0.9.75 hands header values over as C strings: the NUL
    // ends the value, so "Bearer <token>\0junk" is the token alone. What
    // matters: no crash, no 5xx, and nothing after the NUL is ever seen.
    const res = await rawRequest(srv.port, `GET /api/v1/me HTTP/1.1\r\n${H}Authorization: Bearer ${token}\x00junk\r\n\r\n`);
    assert.ok(res.status < 500, `status ${res.status}`);
    const res2 = await rawRequest(srv.port, `GET /api/v1/me HTTP/1.1\r\n${H}Authorization: Bearer \x00${token}\r\n\r\n`);
    assert.equal(res2.status, 401, 'a token after the NUL is not read');
  });

  test('a header name of 33 KB is 431', async () => {
    await expect(`GET / HTTP/1.1\r\n${H}X-${'n'.repeat(33 * 1024)}: v\r\n\r\n`, 431);
  });

  test('101 header fields are 431 naming the limit of 100; 100 are fine', async () => {
    const extra = (n) => Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join('');
    await expect(`GET / HTTP/1.1\r\n${H}${extra(100)}\r\n`, 431, /at most 100/);
    const ok = await rawRequest(srv.port, `GET /healthz HTTP/1.1\r\n${H}${extra(99)}\r\n`);
    assert.equal(ok.status, 200);
  });

  test('a header after 100 junk fields is never silently dropped', async () => {
    // before: the 101st header (here the token) was ignored without a word
    const junk = Array.from({ length: 120 }, (_, i) => `X-H${i}: v\r\n`).join('');
    await expect(`GET /api/v1/me HTTP/1.1\r\n${H}${junk}Authorization: Bearer ${token}\r\n\r\n`, 431, /at most 100/, { api: true });
  });

  test('HTTP/1.1 without Host is 400', async () => {
    await expect('GET / HTTP/1.1\r\n\r\n', 400, /Host/);
  });

  test('two Host headers are 400', async () => {
    await expect(`GET / HTTP/1.1\r\n${H}Host: evil.example\r\n\r\n`, 400, /Host/);
  });

  test('HTTP/1.0 without Host is still served', async () => {
    const res = await rawRequest(srv.port, 'GET /healthz HTTP/1.0\r\n\r\n');
    assert.equal(res.status, 200);
  });
});

// --- path, query, assets ----------------------------------------------------------------------

describe('paths and queries', () => {
  after(unchanged);

  test('raw invalid UTF-8 bytes in the path are 400', async () => {
    await expect(bytes('GET /orgs/', [0xff, 0xc0, 0x80], ` HTTP/1.1\r\n${H}\r\n`), 400, /malformed/);
  });

  test('percent-encoded invalid UTF-8 in the path is 400', async () => {
    await expect(`GET /orgs/%FF%FE HTTP/1.1\r\n${H}\r\n`, 400, /malformed/);
  });

  test('an overlong encoding of "/" (%C0%AF) in the path is 400', async () => {
    await expect(`GET /orgs/%C0%AF HTTP/1.1\r\n${H}\r\n`, 400, /malformed/);
  });

  test('an overlong encoding in the query is 400 naming the field', async () => {
    await expect(`GET /search?q=%C0%AF HTTP/1.1\r\n${H}\r\n`, 400, /"q"|“q”/);
  });

  test('an encoded UTF-16 surrogate (%ED%A0%80) in the query is 400', async () => {
    await expect(`GET /search?q=%ED%A0%80 HTTP/1.1\r\n${H}\r\n`, 400, /UTF-8/);
  });

  test('a percent-encoded NUL in the query is 400', async () => {
    await expect(`GET /search?q=a%00b HTTP/1.1\r\n${H}\r\n`, 400, /UTF-8/);
  });

  test('a percent-encoded NUL in an API query is a JSON 400', async () => {
    await expect(`GET /api/v1/orgs?kind=a%00b HTTP/1.1\r\n${H}\r\n`, 400, /UTF-8/, { api: true });
  });

  test('a broken escape in an API query is a JSON 400', async () => {
    await expect(`GET /api/v1/search?q=%G1 HTTP/1.1\r\n${H}\r\n`, 400, /percent-encoding/, { api: true });
  });

  for (const path of [
    '/assets/%252e%252e%252f%252e%252e%252fetc%252fpasswd', // double-encoded
    '/assets/css/..\\..\\..\\etc\\passwd',                  // backslashes
    '/assets/css/..%5c..%5c..%5cetc%5cpasswd',              // encoded backslashes
    '/assets//etc/passwd',                                  // absolute
    '/assets/css//etc/passwd',
    '/assets/css/%2e%2e',
    '/assets/css/%C0%AE%C0%AE%C0%AFetc%C0%AFpasswd',        // overlong dots and slash
    '/assets/css/..%00.css',                                // NUL
    '/assets/css/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd%3f.css',
    '/assets/..;/..;/etc/passwd',
  ]) {
    test(`path traversal ${path} is 4xx without file contents`, async () => {
      await expect(`GET ${path} HTTP/1.1\r\n${H}\r\n`, [400, 404]);
    });
  }
});

// --- body framing -----------------------------------------------------------------------------

describe('body framing', () => {
  after(unchanged);

  for (const [name, cl] of [['negative', '-1'], ['non-numeric', 'abc'], ['hex', '0x10'], ['with a sign', '+5']]) {
    test(`a ${name} Content-Length is 400`, async () => {
      await expect(`POST /login HTTP/1.1\r\n${H}Origin: ${srv.url}\r\nContent-Length: ${cl}\r\n\r\n`, 400);
    });
  }

  test('a Content-Length beyond 64 bits is 413', async () => {
    await expect(`POST /login HTTP/1.1\r\n${H}Content-Length: 99999999999999999999999\r\n\r\n`, 413);
  });

  test('two conflicting Content-Lengths are 400 and the connection is closed (no smuggling)', async () => {
    const c = await RawConn.open(srv.port);
    try {
      const inner = `GET /healthz HTTP/1.1\r\n${H}\r\n`;
      c.write(`POST /login HTTP/1.1\r\n${H}Origin: ${srv.url}\r\nContent-Length: 0\r\nContent-Length: ${inner.length}\r\n\r\n${inner}`);
      const res = await c.response();
      refused(res, 400, /framing is ambiguous/);
      assert.match(res.headers.connection || '', /close/i);
      assert.ok(await c.closedWithin(5000), 'closed after the answer');
      assert.equal(c.buf.length, 0, 'the body was never read as a second request');
    } finally {
      c.destroy();
    }
  });

  test('two equal Content-Lengths are 400 too', async () => {
    await expect(`POST /login HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\na=b`, 400, /framing/);
  });

  test('Content-Length with Transfer-Encoding: chunked is 400 and closed', async () => {
    const res = await expect(`POST /login HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, /framing/);
    assert.match(res.headers.connection || '', /close/i);
  });

  test('a Transfer-Encoding other than chunked is 400 at once (was: a hang until the timeout)', async () => {
    // expect() waits at most 5 s for the answer: a hang lasts until the
    // server's 30 s idle timeout, so it fails there without timing this
    await expect(`POST /login HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\nabc`, 400, /chunked/);
  });

  test('a well-formed chunked body (any letter case) is still accepted', async () => {
    const res = await rawRequest(srv.port, `GET /search?q=nis HTTP/1.1\r\n${H}Transfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    assert.equal(res.status, 200);
  });

  test('"chunked, chunked" is 400', async () => {
    await expect(`POST /login HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`, 400);
  });

  test('a chunk size that is not hex is 400', async () => {
    await expect(`POST /login HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`, 400, /chunked/i);
  });

  test('a negative chunk size is 400', async () => {
    await expect(`POST /login HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n0\r\n\r\n`, 400);
  });

  test('a chunk longer than its size is 400', async () => {
    await expect(`POST /login HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n`, 400);
  });

  test('a chunk size beyond 64 bits is 413', async () => {
    await expect(`POST /login HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n`, 413);
  });

  test('a chunked body over the route limit is 413 naming the limit', async () => {
    const chunk = 'a'.repeat(20000);
    await expect(`POST /login HTTP/1.1\r\n${H}Origin: ${srv.url}\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`, 413, /16384/);
  });
});

// --- forms sent by a logged-in editor -----------------------------------------------------

const B = 'hostileBoundary42';
const part = (name, v) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${v}`;
const multipart = (parts, bnd = B) => parts.map((p) => `--${bnd}\r\n${p}`).join('\r\n') + `\r\n--${bnd}--\r\n`;
// a create form that would succeed if it were well-formed
const entry = () => [part('_csrf', session.csrf), part('name', 'Hostile Entry'), part('kind', 'company'), part('status', 'draft')];
const mpPost = (body, ct = `multipart/form-data; boundary=${B}`, extra = editor()) => withBody('POST', '/orgs', ct, body, extra);

describe('multipart forms', () => {
  after(unchanged);

  test('no boundary parameter is 400 naming Content-Type', async () => {
    await expect(mpPost(multipart(entry()), 'multipart/form-data'), 400, /malformed near "Content-Type"/);
  });

  test('a boundary of 71 characters is 400', async () => {
    const b = 'b'.repeat(71);
    await expect(mpPost(multipart(entry(), b), `multipart/form-data; boundary=${b}`), 400, /Content-Type/);
  });

  test('two boundary parameters are 400', async () => {
    await expect(mpPost(multipart(entry()), `multipart/form-data; boundary=${B}; boundary=x`), 400, /Content-Type/);
  });

  test('an unterminated last part is 400 naming it', async () => {
    await expect(mpPost(`--${B}\r\n${part('_csrf', session.csrf)}\r\n--${B}\r\n${part('name', 'Hostile')}\r\n--${B}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncomp`),
      400, /malformed near "kind"/);
  });

  test('a body without any delimiter is 400', async () => {
    await expect(mpPost('just some text'), 400, /malformed near "part 1"/);
  });

  test('an empty body is 400', async () => {
    await expect(mpPost(''), 400, /malformed/);
  });

  test('a part without a name is 400 naming the part', async () => {
    await expect(mpPost(multipart([...entry(), 'Content-Disposition: form-data\r\n\r\nv'])), 400, /part 5/);
  });

  test('a part without Content-Disposition is 400', async () => {
    await expect(mpPost(multipart([...entry(), 'Content-Type: text/plain\r\n\r\nv'])), 400, /part 5/);
  });

  test('part headers of 20 KB are 400', async () => {
    await expect(mpPost(multipart([...entry(), `Content-Disposition: form-data; name="x"\r\nX-Pad: ${'p'.repeat(20000)}\r\n\r\nv`])), 400, /part 5/);
  });

  test('a field name of 100 KB is 400', async () => {
    await expect(mpPost(multipart([...entry(), part('n'.repeat(100000), 'v')])), 400, /malformed/);
  });

  test('a NUL in a part name is 400', async () => {
    await expect(mpPost(multipart([...entry(), 'Content-Disposition: form-data; name="a\0b"\r\n\r\nv'])), 400, /malformed/);
  });

  test('invalid UTF-8 in a value is 400 naming the field', async () => {
    const body = bytes(`--${B}\r\n${part('_csrf', session.csrf)}\r\n--${B}\r\nContent-Disposition: form-data; name="name"\r\n\r\n`,
      [0xc0, 0xaf, 0xff], `\r\n--${B}--\r\n`);
    await expect(mpPost(body), 400, /"name" is not valid UTF-8/);
  });

  test('invalid UTF-8 in a part name is 400', async () => {
    const body = bytes(`--${B}\r\n${part('_csrf', session.csrf)}\r\n--${B}\r\nContent-Disposition: form-data; name="`, [0xff], `"\r\n\r\nv\r\n--${B}--\r\n`);
    await expect(mpPost(body), 400, /UTF-8/);
  });

  test('a nested multipart/mixed part is an opaque value: the form still needs its fields (422)', async () => {
    const nested = `Content-Disposition: form-data; name="files"\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\nContent-Disposition: file; filename="a.txt"\r\n\r\naaa\r\n--inner--`;
    await expect(mpPost(multipart([part('_csrf', session.csrf), nested])), 422, /Nothing was saved/);
  });

  test('601 fields are 400 naming the first one over the limit', async () => {
    await expect(mpPost(multipart([...entry(), ...Array.from({ length: 600 }, (_, i) => part(`f${i}`, 'v'))])), 400, /too many fields/);
  });

  test('a name of 100 KB is 422 with the field limit, nothing saved', async () => {
    await expect(mpPost(multipart([part('_csrf', session.csrf), part('name', 'N'.repeat(100000)), part('kind', 'company'), part('status', 'draft')])),
      422, /at most 200 characters/);
  });

  test('a malformed form with its CSRF token only in the body is 400 about the form, not "another site"', async () => {
    await expect(mpPost(multipart(entry()), 'multipart/form-data', browser()), 400, /malformed near "Content-Type"/);
  });

  test('the same from another origin is still 403', async () => {
    await expect(mpPost(multipart(entry()), 'multipart/form-data', `Cookie: ${session.cookie}\r\nOrigin: http://evil.example\r\n`), 403);
  });

  test('a multipart body over 1 MiB is 413', async () => {
    await expect(mpPost(multipart([...entry(), part('description', 'd'.repeat(1100000))])), 413, /1048576/);
  });
});

// --- hostile SVG logos ------------------------------------------------------------------
// An SVG logo is a document served from our origin: each of these would
// run, navigate or fetch there. They go to an existing entry's edit form
// (the logo is checked before anything is saved), so each must be a 422
// naming what was refused, with nothing changed.

const SVG_NS = 'xmlns="http://www.w3.org/2000/svg"';
const hostileSvgs = [
  ['an XHTML meta refresh', `<svg ${SVG_NS}><meta xmlns="http://www.w3.org/1999/xhtml" http-equiv="refresh" content="0;url=https://evil.example/"/></svg>`, /<meta>/],
  ['an XHTML form', `<svg ${SVG_NS} xmlns:h="http://www.w3.org/1999/xhtml"><h:form action="https://evil.example/login"><h:input name="password"/></h:form></svg>`, /<h:form>/],
  ['a script', `<svg ${SVG_NS}><script>alert(document.cookie)</script></svg>`, /<script>/],
  ['an event handler', `<svg ${SVG_NS} onload="alert(1)"><rect width="1" height="1"/></svg>`, /"onload"/],
  ['a foreignObject', `<svg ${SVG_NS}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>`, /<foreignObject>/],
  ['a javascript: link', `<svg ${SVG_NS}><a href="javascript:alert(1)"><rect width="1" height="1"/></a></svg>`, /<a>/],
  ['an external use', `<svg ${SVG_NS} xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="https://evil.example/x.svg#a"/></svg>`, /"xlink:href"/],
  ['a set that rewrites href', `<svg ${SVG_NS}><set attributeName="href" to="https://evil.example/"/></svg>`, /<set>/],
  ['a CSS import', `<svg ${SVG_NS}><style>@import url(https://evil.example/x.css);</style></svg>`, /<style>/],
  ['an external url() in style', `<svg ${SVG_NS}><rect style="fill:url(https://evil.example/#g)" width="1" height="1"/></svg>`, /"style"/],
  ['a DOCTYPE with an external entity', `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg ${SVG_NS}><text>&x;</text></svg>`, /DOCTYPE/],
  ['an xml-stylesheet instruction', `<?xml-stylesheet href="https://evil.example/x.css"?><svg ${SVG_NS}/>`, /xml-stylesheet/],
];

describe('hostile SVG logos', () => {
  after(unchanged);
  const update = (svg) => withBody('POST', '/orgs/nicat', `multipart/form-data; boundary=${B}`,
    multipart([part('_csrf', session.csrf), part('slug', 'nicat'), part('name', 'Нишки кластер напредних технологија'),
      part('kind', 'cluster'), part('status', 'published'),
      `Content-Disposition: form-data; name="logo"; filename="logo.svg"\r\nContent-Type: image/svg+xml\r\n\r\n${svg}`]),
    editor());

  for (const [name, svg, msg] of hostileSvgs) {
    test(`a logo with ${name} is 422 naming it, nothing saved`, async () => {
      const res = await rawRequest(srv.port, update(svg), { timeout: 5000 });
      refused(res, 422, null);
      assert.match(res.body, /id="org-logo-error"/);
      assert.match(text(res.body).replace(/&lt;/g, '<').replace(/&gt;/g, '>'), msg);
      assert.equal((await fetch(`${srv.url}/orgs/nicat/logo`)).status, 404, 'no logo was stored');
    });
  }
});

describe('urlencoded forms', () => {
  after(unchanged);
  const ue = (path, body, extra = editor()) => withBody('POST', path, 'application/x-www-form-urlencoded', body, extra);

  test('a broken escape is 400 naming the field', async () => {
    await expect(ue('/orgs/nicat/members', `_csrf=${session.csrf}&org=%zz&since=%4`), 400, /"org" has a malformed percent-encoding/);
  });

  test('a broken escape in a field name is 400', async () => {
    await expect(ue('/orgs/nicat/members', `_csrf=${session.csrf}&o%g=1`), 400, /percent-encoding/);
  });

  test('invalid UTF-8 (overlong) is 400 naming the field', async () => {
    await expect(ue('/orgs/nicat/members', `_csrf=${session.csrf}&org=%C0%AF`), 400, /"org" is not valid UTF-8/);
  });

  test('a percent-encoded NUL is 400', async () => {
    await expect(ue('/orgs/nicat/members', `_csrf=${session.csrf}&org=a%00b`), 400, /"org"/);
  });

  test('invalid UTF-8 in the login form is 400 naming the field', async () => {
    await expect(ue('/login', 'email=%FF&password=x', `Origin: ${srv.url}\r\n`), 400, /"email"/);
  });

  test('a token name of 15 KB (under the body limit) is 422, no token made', async () => {
    await expect(ue('/account/tokens', `_csrf=${session.csrf}&scope=write&name=${'n'.repeat(15000)}`), 422);
  });

  test('a token name of 100 KB is 413 naming the limit', async () => {
    await expect(ue('/account/tokens', `_csrf=${session.csrf}&scope=write&name=${'n'.repeat(100000)}`), 413, /16384/);
  });

  test('a name field of 100 KB in a urlencoded entry form is 422', async () => {
    await expect(ue('/orgs', `_csrf=${session.csrf}&name=${'N'.repeat(100000)}&kind=company&status=draft`), 422, /at most 200 characters/);
  });

  test('600 fields are 400 naming the first one over the limit', async () => {
    await expect(ue('/account/tokens', `_csrf=${session.csrf}&${Array.from({ length: 600 }, (_, i) => `f${i}=1`).join('&')}`), 400, /too many fields \(from "f511"/);
  });

  test('the same with the CSRF token only in the body is still 400 about the form', async () => {
    await expect(ue('/account/tokens', `_csrf=${session.csrf}&${Array.from({ length: 600 }, (_, i) => `f${i}=1`).join('&')}`, browser()), 400, /too many fields/);
  });

  test('text/plain is 415 naming the form types', async () => {
    await expect(withBody('POST', '/account/tokens', 'text/plain', `_csrf=${session.csrf}&scope=write&name=x`, editor()), 415, /x-www-form-urlencoded/);
  });

  test('a body without Content-Type is 415', async () => {
    await expect(withBody('POST', '/account/tokens', null, `_csrf=${session.csrf}&scope=write&name=x`, editor()), 415);
  });

  test('a saved search of 100 KB is 413 naming the limit', async () => {
    await expect(ue('/account/notifications/topics', `_csrf=${session.csrf}&page=/orgs&query=${'q'.repeat(100000)}`), 413, /16384/);
  });

  test('a saved search of 15 KB (under the body limit) is 422, nothing saved', async () => {
    await expect(ue('/account/notifications/topics', `_csrf=${session.csrf}&page=%2Forgs&query=q%3D${'q'.repeat(15000)}`), 422, /too long/);
  });

  test('an unknown kind of notification or channel is 422, nothing saved', async () => {
    await expect(ue('/account/notifications', `_csrf=${session.csrf}&kind_bogus=weekly`), 422, /offered options/);
    await expect(ue('/account/notifications', `_csrf=${session.csrf}&digest=${'x'.repeat(10000)}`), 422, /offered options/);
  });

  test('an unsubscribe link of 5000 characters is 404, with no login and no CSRF token', async () => {
    await expect(withBody('POST', `/u/${'A'.repeat(5000)}`, 'application/x-www-form-urlencoded', 'List-Unsubscribe=One-Click'), 404, /not valid/);
  });
});

// --- JSON bodies with a read-write token --------------------------------------------------

// --- the cooperation board's writes (issue 13) -------------------------------------------

describe('cooperation posts', () => {
  after(unchanged);
  let id;
  const ue = (path, body) => withBody('POST', path, 'application/x-www-form-urlencoded', body, editor());
  const json = (method, path, body) => withBody(method, path, 'application/json', body, bearer());
  before(async () => {
    const list = await (await fetch(`${srv.url}/api/v1/posts?limit=1`)).json();
    id = list.items[0].id;
  });

  test('a reason of 600 characters is 422 and reports nothing', async () => {
    await expect(ue(`/cooperation/${id}/report`, `_csrf=${session.csrf}&reason=${'R'.repeat(600)}`), 422, /at most 500 characters/);
  });

  test('malformed encodings in the hide form are 400 naming the field', async () => {
    await expect(ue(`/cooperation/${id}/hide`, `_csrf=${session.csrf}&reason=%zz`), 400, /"reason" has a malformed percent-encoding/);
    await expect(ue(`/cooperation/${id}/hide`, `_csrf=${session.csrf}&reason=%C0%AF`), 400, /"reason" is not valid UTF-8/);
    await expect(ue(`/cooperation/${id}/hide`, `_csrf=${session.csrf}&reason=a%00b`), 400, /"reason"/);
  });

  test('a post id that is no number, or far too large, is 404', async () => {
    await expect(ue('/cooperation/99999999999999999999999/report', `_csrf=${session.csrf}`), 404);
    await expect(ue('/cooperation/-1/hide', `_csrf=${session.csrf}&reason=x`), 404);
  });

  test('JSON: invalid, nested, mistyped bodies are 400/422 naming each field', async () => {
    await expect(json('POST', '/api/v1/posts', '{"title": '), 400, /invalid JSON/, { api: true });
    await expect(json('POST', '/api/v1/posts', `{"nace":${'['.repeat(10000)}${']'.repeat(10000)}}`), 400, /depth/, { api: true });
    const res = await expect(json('POST', '/api/v1/posts', '{"title": 5, "nace": "26", "id": 3, "bogus": 1}'), 422, /title, nace, id, bogus/, { api: true });
    const f = JSON.parse(res.body).error.fields;
    assert.match(f.title, /string/);
    assert.match(f.nace, /array/);
    assert.match(f.id, /read-only/);
    assert.match(f.org_id, /required/);
    await expect(json('PATCH', `/api/v1/posts/${id}`, '{"title": "x"}'), 403, /may not/, { api: true });
    await expect(json('POST', `/api/v1/posts/${id}/close`, '[1]'), 403, /may not/, { api: true });
  });
});

describe('cooperation posts and introductions: XSS, oversized text, wrong Origin, another organisation', () => {
  after(unchanged);
  const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>\'';
  const asRep = (path, form, origin = srv.url) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) p.append(k, x);
    return withBody('POST', path, 'application/x-www-form-urlencoded', p.toString(),
      `Cookie: ${rep.cookie}\r\n${origin ? `Origin: ${origin}\r\n` : ''}`);
  };
  const orgOf = (id) => sqlite(`SELECT org_id FROM post WHERE id = ${id}`);
  const every = (over = {}) => ({
    _csrf: rep.csrf, org: orgOf(ownPost), kind: XSS, topic: XSS, lang: XSS, title: XSS, body: XSS,
    title_tr: XSS, body_tr: XSS, nace: [XSS, '26'], fos: XSS, geo: XSS, valid_until: XSS, visibility: XSS, ...over,
  });
  const noRawMarkup = (res) => {
    assert.doesNotMatch(res.body, /<script>alert|<img src=x/, 'the payload is escaped wherever it is echoed');
  };

  test('XSS in every field of a new post and of an edit: 422, each field refused or echoed escaped, nothing stored', async () => {
    const res = await expect(asRep('/cooperation', every()), 422);
    noRawMarkup(res);
    assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'the title is echoed, escaped');
    for (const f of ['kind', 'topic', 'lang', 'valid_until', 'visibility', 'nace', 'fos', 'geo'])
      assert.match(res.body, new RegExp(`id="p-${f}-error"`), `a message beside ${f}`);
    noRawMarkup(await expect(asRep(`/cooperation/${ownPost}`, every()), 422));
    // with every enumerated field right, the text fields alone are valid input
    // (escaped when shown): refused here only by the date in the past
    const res2 = await expect(asRep('/cooperation', every({ kind: 'offer', topic: 'technology', lang: 'en',
      nace: '26', fos: [], geo: [], visibility: 'public', valid_until: '2000-01-01' })), 422);
    noRawMarkup(res2);
    assert.match(res2.body, /id="p-valid_until-error"/);
  });

  test('oversized title, text and message: 422 saying the limit; a body over the route limit is 413', async () => {
    const big = every({ kind: 'offer', topic: 'technology', lang: 'en', nace: '26', fos: [], geo: [],
      visibility: 'public', valid_until: '2000-01-01', title: 'T'.repeat(201), body: 'B'.repeat(4001) });
    const res = await expect(asRep('/cooperation', big), 422, /at most 200 characters/);
    assert.match(text(res.body), /at most 4,?000 characters/);
    await expect(asRep('/cooperation', { ...big, body: 'B'.repeat(70000) }), 413);
    const msg = await expect(asRep(`/cooperation/${otherPost}/interest`, { _csrf: rep.csrf, message: XSS + 'M'.repeat(1000) }), 422, /at most 1,?000 characters/);
    noRawMarkup(msg);
    await expect(asRep(`/cooperation/${otherPost}/interest`, { _csrf: rep.csrf, message: '' }), 422);
  });

  test('a wrong or missing Origin, or no CSRF token, is 403 for every write', async () => {
    const ok = { _csrf: rep.csrf, message: 'Hello' };
    for (const [path, form] of [[`/cooperation/${otherPost}/interest`, ok], ['/cooperation', every()],
      [`/cooperation/${ownPost}`, every()], [`/cooperation/${ownPost}/close`, { _csrf: rep.csrf, reason: 'found_partner' }],
      [`/cooperation/${otherPost}/report`, { _csrf: rep.csrf }]]) {
      await expect(asRep(path, form, 'http://evil.example'), 403);
      await expect(asRep(path, { ...form, _csrf: 'x'.repeat(43) }), 403);
    }
  });

  test('another organisation\'s post: edit, close, post for it and its introductions are 403', async () => {
    await expect(asRep(`/cooperation/${otherPost}`, every({ kind: 'offer' })), 403);
    await expect(asRep(`/cooperation/${otherPost}/close`, { _csrf: rep.csrf, reason: 'found_partner' }), 403);
    await expect(asRep('/cooperation', every({ org: orgOf(otherPost) })), 403);
    const theirs = sqlite(`SELECT i.id FROM post_interest i JOIN post p ON p.id = i.post_id
      WHERE p.org_id <> ${orgOf(ownPost)} ORDER BY i.id LIMIT 1`);
    if (theirs) {
      await expect(asRep(`/cooperation/interest/${theirs}/accept`, { _csrf: rep.csrf }), 403);
      await expect(asRep(`/cooperation/interest/${theirs}/decline`, { _csrf: rep.csrf }), 403);
    }
    // one's own organisation's post: no interest in it
    await expect(asRep(`/cooperation/${ownPost}/interest`, { _csrf: rep.csrf, message: 'Hello' }), 403);
  });
});

describe('JSON bodies', () => {
  after(unchanged);
  const json = (method, path, body, ct = 'application/json') => withBody(method, path, ct, body, bearer());
  const create = (body) => json('POST', '/api/v1/orgs', body);
  const deep = '['.repeat(10000) + ']'.repeat(10000);

  test('invalid JSON is 400 with line and column', async () => {
    await expect(create('{"name": '), 400, /invalid JSON at line 1, column \d+/, { api: true });
  });

  test('an empty body is 400', async () => {
    await expect(create(''), 400, /invalid JSON/, { api: true });
  });

  test('an array instead of an object is 400', async () => {
    await expect(create('[1,2]'), 400, /must be a JSON object/, { api: true });
  });

  test('wrong types are 422 naming each field', async () => {
    const res = await expect(create('{"name": 5, "kind": ["x"], "year_founded": "1990", "sectors": "62", "id": 3, "bogus": 1}'), 422, /name, kind, year_founded, sectors/, { api: true });
    const f = JSON.parse(res.body).error.fields;
    assert.match(f.name, /string/);
    assert.match(f.year_founded, /whole number/);
    assert.match(f.id, /read-only/);
    assert.match(f.bogus, /Unknown field/);
  });

  test('10000 levels of nested arrays are 400 (depth limit), no stack overflow', async () => {
    await expect(create(deep), 400, /depth/, { api: true });
    await expect(create(`{"sectors":${deep}}`), 400, /depth/, { api: true });
  });

  test('a number beyond double range is 400', async () => {
    await expect(create('{"name":"Huge","kind":"company","year_founded":1e400}'), 400, /overflow/, { api: true });
  });

  test('an integer beyond 64 bits is 400', async () => {
    await expect(create('{"name":"Huge","kind":"company","year_founded":99999999999999999999999}'), 400, /too big integer/, { api: true });
  });

  test('the largest 64-bit integer is 422 with the allowed range', async () => {
    await expect(create('{"name":"Huge","kind":"company","year_founded":9223372036854775807}'), 422, /year_founded/, { api: true });
  });

  test('a duplicate key is 400', async () => {
    await expect(create('{"name":"A","name":"B","kind":"company"}'), 400, /duplicate object key/, { api: true });
  });

  test('a NUL in a string is 400', async () => {
    await expect(create('{"name":"A\\u0000B","kind":"company"}'), 400, /u0000/, { api: true });
  });

  test('a lone surrogate escape is 400', async () => {
    await expect(create('{"name":"\\ud800","kind":"company"}'), 400, /Unicode/, { api: true });
  });

  test('raw invalid UTF-8 in a string is 400', async () => {
    await expect(create(bytes('{"name":"', [0xff, 0xfe], '","kind":"company"}')), 400, /byte/, { api: true });
  });

  test('a string field of 1 MB is 413 naming the limit', async () => {
    // Sent as curl sends a large body: Expect: 100-continue, the body only
    // after "100 Continue". The server refuses on the declared length, so
    // the megabyte is never sent and the 413 cannot be lost to the reset a
    // close over unread bytes causes (a body sent at once is the concern
    // of the lingering-close tests).
    const body = Buffer.from(JSON.stringify({ name: 'x'.repeat(1 << 20), kind: 'company' }));
    const c = await RawConn.open(srv.port);
    try {
      c.write(`POST /api/v1/orgs HTTP/1.1\r\n${H}${bearer()}Content-Type: application/json\r\n`
        + `Content-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
      let res = await c.response({ timeout: 5000 });
      if (res.status === 100) {
        c.write(body);
        res = await c.response({ timeout: 5000 });
      }
      refused(res, 413, /65536/, { api: true });
    } finally {
      c.destroy();
    }
  });

  test('a string field of 60 KB (under the body limit) is 422', async () => {
    await expect(create(JSON.stringify({ name: 'x'.repeat(60000), kind: 'company' })), 422, /name/, { api: true });
  });

  test('text/plain is 415', async () => {
    await expect(json('POST', '/api/v1/orgs', '{}', 'text/plain'), 415, /application\/json/, { api: true });
  });

  test('a PATCH with wrong types is 422 and the entry keeps its revision', async () => {
    await expect(json('PATCH', '/api/v1/orgs/nicat', '{"sectors":[1,2],"year_founded":1.5}'), 422, /sectors/, { api: true });
  });

  test('a PATCH nested 10000 deep is 400', async () => {
    await expect(json('PATCH', '/api/v1/orgs/nicat', `{"sectors":${deep}}`), 400, /depth/, { api: true });
  });

  test('notification settings: wrong types, unknown kinds and depth are refused, nothing stored', async () => {
    const put = (body) => json('PUT', '/api/v1/me/notifications', body);
    await expect(put('{"settings":{"digest":["never"]}}'), 422, /settings\.digest/, { api: true });
    await expect(put('{"settings":{"bogus":"never"}}'), 422, /settings\.bogus/, { api: true });
    await expect(put('{"settings":"never"}'), 422, /settings/, { api: true });
    await expect(put(`{"settings":${'['.repeat(5000)}${']'.repeat(5000)}}`), 400, /depth/, { api: true });
    await expect(put('{"settings":{"digest":"never","digest":"weekly"}}'), 400, /duplicate object key/, { api: true });
  });

  test('a PATCH of an unknown key is 422', async () => {
    await expect(json('PATCH', '/api/v1/orgs/nicat', '{"colour":"red"}'), 422, /colour/, { api: true });
  });

  test('a body over the limit without Content-Length (chunked) is a JSON 413', async () => {
    const chunk = 'x'.repeat(70000);
    await expect(`POST /api/v1/orgs HTTP/1.1\r\n${H}${bearer()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
      413, /65536/, { api: true });
  });
});

// Found by the attacker's review: a chunked body more than 1 MiB over the
// route's limit was cut off with no answer at all (libmicrohttpd 0.9.75
// cannot answer mid-body, so the rest is read and dropped: now up to
// 16 MiB, as much as the lingering close reads).
test('a chunked body 2 MiB over the limit still gets its 413', async () => {
  const http = await import('node:http');
  const url = new URL(`${srv.url}/password/forgot`);
  const status = await new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < 2 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) { req.once('drain', pump); return; }
      }
      req.end();
    };
    pump();
  });
  assert.equal(status, 413);
});

// --- funding calls: the secretariat's form, the import, the API, following ---------------

describe('funding call writes', () => {
  after(unchanged);
  const ue = (path, body) => withBody('POST', path, 'application/x-www-form-urlencoded', `_csrf=${session.csrf}&${body}`, editor());
  // one field hostile, the others valid (each field once: the first of a repeated one counts)
  const call = (over) => new URLSearchParams({ programme: 'P', title_sr: 'T', deadline_date: '2099-03-01',
    deadline_time: '17:00', ...over }).toString();
  test('hostile form values are refused beside their field, nothing stored', async () => {
    await expect(ue('/calls', call({ rules: "nace:62'; DROP TABLE funding_call;--" })), 422, /kind:value|does not know/);
    await expect(ue('/calls', call({ deadline_tz: '../../../../etc/passwd' })), 422, /Unknown time zone|Непозната временска зона/);
    await expect(ue('/calls', call({ url: 'javascript:alert(1)' })), 422, /http/);
    await expect(ue('/calls', call({ title_sr: 'x'.repeat(400) })), 422, /300/);
    await expect(ue('/calls', call({ cofin: '1e9' })), 422, /./);
    await expect(ue('/calls', call({ grant_min: '-5' })), 422, /./);
    await expect(ue('/calls', `${call({})}&funder=%C0%AF`), 400, /"funder" is not valid UTF-8/);
    await expect(ue('/calls', call({ deadline_time: '17\n00' })), 422, /./);
  });
  test('a CSV import with NUL bytes, bad UTF-8 or a formula stores nothing', async () => {
    await expect(ue('/calls/import', `csv=${encodeURIComponent('programme,title_sr\nP,T')}%00`), 400, /./);
    await expect(ue('/calls/import', `csv=${encodeURIComponent('programme,title_sr,deadline_date,deadline_time\n=HYPERLINK("x"),T,2099-13-01,17:00')}`), 422, /./);
    await expect(ue('/calls/import', `csv=${encodeURIComponent('nope\n1')}`), 422, /./);
  });
  test('the API refuses a malformed body; following no call is 404', async () => {
    await expect(withBody('POST', '/api/v1/calls', 'application/json', '{"programme":"P","rules":"kind:cluster"}', bearer()), 422, /rules/, { api: true });
    await expect(withBody('POST', '/api/v1/calls', 'application/json', '{"programme":', bearer()), 400, /./, { api: true });
    await expect(ue('/calls/99999999/follow', 'follow=1'), 404, /./);
    await expect(ue('/calls/1%2F..%2F2/follow', 'follow=1'), [400, 404], /./);
  });
  test('the news API (issue 17 fixes) refuses hostile bodies beside their field, nothing stored', async () => {
    const item = (over) => JSON.stringify({ title_sr: 'Т', lead_sr: 'Л', body_sr: 'Б', topic: 'other', ...over });
    await expect(withBody('POST', '/api/v1/news', 'application/json', '{"title_sr":', bearer()), 400, /./, { api: true });
    await expect(withBody('POST', '/api/v1/news', 'application/json', item({ publish_at: '2099-13-45T25:61' }), bearer()), 422, /publish_at/, { api: true });
    await expect(withBody('POST', '/api/v1/news', 'application/json', item({ body_sr: 'a\u0000b' }), bearer()), 400, /u0000/, { api: true });
    await expect(withBody('POST', '/api/v1/news', 'application/json', item({ lead_sr: 'a\u0007b' }), bearer()), 422, /lead_sr/, { api: true });
    await expect(withBody('POST', '/api/v1/news', 'application/json', item({ title_sr: 'x'.repeat(5000) }), bearer()), 422, /title_sr/, { api: true });
    await expect(withBody('POST', '/api/v1/news', 'application/json', item({ topic: "other'; DROP TABLE news;--" }), bearer()), 422, /topic/, { api: true });
    await expect(withBody('POST', '/api/v1/news', 'application/json', item({ cluster: '../../etc/passwd' }), bearer()), 404, /./, { api: true });
    await expect(withBody('PUT', '/api/v1/news/1%2F..%2F2', 'application/json', item({}), bearer()), [400, 404], /./);
    for (const q of ['nace=%00', 'topic=%C0%AF', 'cursor=../../x', 'limit=1e9'])
      await expect(`GET /api/v1/news?${q} HTTP/1.1\r\n${H}\r\n`, 400, /./);
  });
});

// --- events: registrations, attendance, the event form -------------------------------

describe('event writes', () => {
  let ev;     // an upcoming demo event
  let counts; // its place counts before any case
  const place = async () => {
    const e = await (await fetch(`${srv.url}/api/v1/events/${ev}`)).json();
    return [e.confirmed, e.waiting];
  };
  before(async () => {
    const list = await (await fetch(`${srv.url}/api/v1/events?limit=1`)).json();
    assert.ok(list.items.length, 'the demo has an upcoming event');
    ev = list.items[0].id;
    counts = await place();
  });
  after(async () => {
    assert.deepEqual(await place(), counts, 'no registration changed');
    await unchanged();
  });
  const reg = (body) => withBody('POST', `/api/v1/events/${ev}/registrations`, 'application/json', body, bearer());
  const form = (path, body) => withBody('POST', path, 'application/x-www-form-urlencoded', body, editor());

  test('a registration body that is not JSON, not an object or nested 8000 deep is 400', async () => {
    await expect(reg('{"person": '), 400, /invalid JSON/, { api: true });
    await expect(reg('[1]'), 400, /JSON object/, { api: true });
    await expect(reg('['.repeat(8000) + ']'.repeat(8000)), 400, /depth/, { api: true });
    await expect(reg('['.repeat(10000) + ']'.repeat(10000)), 413, /16384 bytes/, { api: true });
  });

  test('a person that is not a positive whole number is 400 naming person', async () => {
    for (const p of ['"12"', '-1', '0', '1.5', 'true', '{"id":1}', '1e400']) {
      await expect(reg(`{"person": ${p}}`), 400, /person|JSON/, { api: true });
    }
  });

  test('a person id beyond 64 bits or of nobody is not a colleague: 400', async () => {
    await expect(reg('{"person": 9223372036854775807}'), 400, /person/, { api: true });
    await expect(reg('{"person": 99999999999999999999999}'), 400, /person|JSON/, { api: true });
  });

  test('cancelling with a malformed person in the path is 400; of nobody 404', async () => {
    for (const p of ['abc', '-5', '1%20OR%201=1', '9'.repeat(30)]) {
      await expect(withBody('DELETE', `/api/v1/events/${ev}/registrations/${p}`, null, '', bearer()), 400, /person/, { api: true });
    }
    for (const p of ['%00', 'me%2F..']) { // refused before any route: the server's page
      await expect(withBody('DELETE', `/api/v1/events/${ev}/registrations/${p}`, null, '', bearer()), [400, 404], /./);
    }
    await expect(withBody('DELETE', `/api/v1/events/${ev}/registrations/99999999`, null, '', bearer()), 404, /registration/, { api: true });
  });

  test('registering with a hostile person field in the form is 400; NUL or bad UTF-8 too', async () => {
    await expect(form(`/events/${ev}/register`, 'person=1%27%3B%20DROP%20TABLE%20event%3B--'), 400, /colleague/);
    await expect(form(`/events/${ev}/register`, 'person=%00'), 400, /./);
    await expect(form(`/events/${ev}/register`, 'person=%C0%AF'), 400, /person/);
  });

  test('attendance ids that are not numbers are 400; 600 of them are 400 naming the limit', async () => {
    await expect(form(`/events/${ev}/attendance`, 'attended=abc'), 400, /attended/);
    const many = Array.from({ length: 600 }, (_, i) => `attended=${i + 1}`).join('&');
    await expect(form(`/events/${ev}/attendance`, many), 400, /field/);
  });

  test('an event form with NUL, bad UTF-8 or absurd numbers is refused, nothing created', async () => {
    await expect(form('/events', 'title_sr=%00&kind=training'), 400, /./);
    await expect(form('/events', 'title_sr=%ED%A0%80&kind=training'), 400, /title_sr/);
    await expect(form('/events', `title_sr=X&kind=training&organiser=nicat&starts_at=2099-01-01T10:00&ends_at=2099-01-01T09:00&place=N&language=sr&audience=everyone&capacity=${'9'.repeat(40)}`), 422, /./);
  });
});

// --- issue 15: initiatives, readiness, self-assessment, plan, mentoring, support ----
//
// People: a logged-in person who starts an initiative (and becomes its
// manager when the secretariat accepts it), VOICT's manager (assessment,
// plan, mentor of the new initiative), NiCAT's manager (another cluster)
// and an admin (the secretariat). First every text field gets an XSS
// payload that is stored and must come back escaped on every page (and
// CSV) that shows it; then fp0 is taken again and every refusal below
// must leave the data (the issue's ten tables included) as it was.

const XSS15 = '"><script>alert(1)</script><img src=x onerror=alert(2)>\'';
const i15 = {}; // sessions, tokens, slugs and ids of the issue 15 cases

const noRaw15 = (body, where) => {
  assert.doesNotMatch(body, /<script>alert|<img src=x/, `the payload is escaped on ${where}`);
};
const shown15 = (body, where) => {
  noRaw15(body, where);
  assert.match(body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `the payload is shown, escaped, on ${where}`);
};

// A form sent with fetch as the site's forms are (urlencoded, Origin, _csrf).
async function post15(s, path, form) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) p.append(k, x);
  p.append('_csrf', s.csrf);
  const res = await fetch(srv.url + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, Cookie: s.cookie },
    body: p.toString(),
  });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}
async function get15(s, path) {
  const res = await fetch(srv.url + path, { headers: s ? { Cookie: s.cookie } : {}, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
async function api15(tok, method, path, body) {
  const res = await fetch(srv.url + path, {
    method, headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const t = await res.text();
  return { status: res.status, body: t };
}

describe('issue 15 writes: XSS in every text field is stored and shown escaped everywhere', () => {
  before(async () => {
    for (const [email, extra] of [['starter15@example.com', []], ['voict15@example.com', []],
      ['nicat15@example.com', []], ['admin15@example.com', ['--admin']]]) {
      const r = scan(['user', 'add', email, '--name', email.split('@')[0], '--password-stdin', ...extra, '--db', srv.db],
        { input: `${PW}\n` });
      assert.equal(r.status, 0, r.stderr);
    }
    for (const [email, slug] of [['voict15@example.com', 'voict'], ['nicat15@example.com', 'nicat']]) {
      assert.equal(scan(['user', 'role', email, 'manager', '--org', slug, '--db', srv.db]).status, 0);
    }
    for (const who of ['starter', 'voict', 'nicat', 'admin']) i15[who] = await login(srv.url, `${who}15@example.com`, PW);
    i15.voictToken = await makeToken(srv.url, i15.voict, 'write', 'hostile15');
    i15.nicatToken = await makeToken(srv.url, i15.nicat, 'write', 'hostile15');
    i15.starterToken = await makeToken(srv.url, i15.starter, 'write', 'hostile15');
    i15.year = Number(sqlite("SELECT strftime('%Y', 'now', 'localtime')"));
    // the demo submitted this year's self-assessment, which closes it to the
    // team: the secretariat reopens it (a save that is no submission) for these cases
    const reopen = await api15(await makeToken(srv.url, i15.admin, 'write', 'hostile15-admin'), 'PUT',
      `/api/v1/clusters/voict/assessments/${i15.year}`, { answers: {} });
    assert.equal(reopen.status, 200, reopen.body);
    i15.today = belgradeToday();
    i15.founders = sqlite(`SELECT slug FROM org WHERE kind = 'company' AND status = 'published' ORDER BY id LIMIT 2`).split('\n');
  });
  after(async () => {
    // what the cases above stored is the new baseline of the refusals below
    fp0 = await fingerprint();
  });

  test('starting an initiative: every text field stored, escaped in the admin queue and on the start page', async () => {
    const r = await post15(i15.starter, '/initiatives', {
      name: `=HYPERLINK("http://evil.example")${XSS15}`, name_en: `+SUM(1)${XSS15}`, sectors: '62', region: 'VO',
      district: '', description_sr: `Opis ${XSS15}`, description_en: `Text ${XSS15}`, contact_name: `Ana ${XSS15}`,
      contact_email: 'ana15@example.com', contact_phone: '+381 21 123 456', founders: i15.founders,
    });
    assert.equal(r.status, 303, r.body.slice(0, 600));
    i15.slug = sqlite("SELECT slug FROM org WHERE kind = 'cluster_initiative' AND name LIKE '=HYPERLINK%'");
    assert.ok(i15.slug, 'the initiative is stored');
    assert.match(i15.slug, /^[a-z0-9-]+$/, 'a plain slug');
    for (const [who, path] of [['admin', '/initiatives?lang=en'], ['admin', '/initiatives?lang=sr-Cyrl'],
      ['admin', '/start?lang=en'], ['starter', '/initiatives?lang=en'], ['starter', '/start']]) {
      const p = await get15(i15[who], path);
      assert.equal(p.status, 200, `${who} ${path}`);
      noRaw15(p.body, `${who} ${path}`);
    }
    shown15((await get15(i15.admin, '/initiatives?lang=en')).body, 'the admin queue');
  });

  test('the API start of an initiative: the same payloads, stored escaped', async () => {
    const r = await api15(i15.starterToken, 'POST', '/api/v1/initiatives', {
      name: `Inicijativa ${XSS15}`, sectors: ['62'], region: 'BG', contact_name: `Pera ${XSS15}`,
      contact_email: 'pera15@example.com', contact_phone: '011 222 333', description_sr: `Opis ${XSS15}`,
      founders: i15.founders,
    });
    assert.equal(r.status, 201, r.body);
    noRaw15((await get15(i15.admin, '/initiatives?lang=en')).body, 'the admin queue');
  });

  test('accepted: the public list, its profile and its readiness page show the payloads escaped', async () => {
    const r = await post15(i15.admin, `/orgs/${i15.slug}/proposal/accept`, {});
    assert.equal(r.status, 303, r.body.slice(0, 400));
    for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
      const list = await get15(null, `/initiatives?lang=${lang}`);
      assert.equal(list.status, 200);
      shown15(list.body, `/initiatives in ${lang}`);
      noRaw15((await get15(null, `/orgs/${i15.slug}?lang=${lang}`)).body, `the profile in ${lang}`);
      const rd = await get15(i15.starter, `/orgs/${i15.slug}/readiness?lang=${lang}`);
      assert.equal(rd.status, 200, `readiness in ${lang}`);
      noRaw15(rd.body, `the readiness page in ${lang}`);
    }
  });

  test('readiness answers: the note and the link stored, escaped on the readiness page', async () => {
    const a = await post15(i15.starter, `/orgs/${i15.slug}/readiness`, { criterion: 'fee_scheme', met: 'no', note: `N ${XSS15}`.slice(0, 500) });
    assert.equal(a.status, 303, a.body.slice(0, 400));
    const b = await post15(i15.starter, `/orgs/${i15.slug}/readiness`, {
      criterion: 'website_en', met: 'yes', url: `https://example.org/en?q="><script>alert(1)</script>`,
    });
    assert.ok([303, 422].includes(b.status), `a URL with markup: ${b.status}`);
    noRaw15(b.body, 'the readiness form echo');
    for (const lang of ['en', 'sr-Cyrl']) {
      const p = await get15(i15.starter, `/orgs/${i15.slug}/readiness?lang=${lang}`);
      shown15(p.body, `the readiness page in ${lang}`);
    }
    noRaw15((await get15(i15.admin, `/orgs/${i15.slug}/readiness`)).body, 'the readiness page (secretariat)');
  });

  test('self-assessment: evidence (form and API) stored, escaped on the form, the results and the admin page', async () => {
    const y = i15.year;
    const r = await post15(i15.voict, `/orgs/voict/assessment/${y}`, { strategy: '3', strategy_evidence: `E ${XSS15}`, action: 'draft' });
    assert.equal(r.status, 303, r.body.slice(0, 400));
    const api = await api15(i15.voictToken, 'PUT', `/api/v1/clusters/voict/assessments/${y}`,
      { answers: { fee_scheme: { value: 1, evidence: `API ${XSS15}` } } });
    assert.ok([200, 201].includes(api.status), api.body);
    assert.match(sqlite(`SELECT group_concat(evidence, '|') FROM assess_answer a JOIN org o ON o.id = a.org_id WHERE o.slug = 'voict' AND a.year = ${y}`), /<script>alert\(1\)/, 'stored as typed');
    const form = await get15(i15.voict, `/orgs/voict/assessment/${y}?lang=en`);
    assert.equal(form.status, 200);
    shown15(form.body, 'the assessment form');
    for (const [who, path] of [['voict', '/orgs/voict/assessment?lang=en'], ['voict', '/orgs/voict/assessment?lang=sr-Cyrl'],
      ['admin', `/admin/assessments?year=${y}&lang=en`], ['admin', '/admin/assessments'], ['voict', '/start']]) {
      const p = await get15(i15[who], path);
      assert.equal(p.status, 200, `${who} ${path}`);
      noRaw15(p.body, `${who} ${path}`);
    }
  });

  test('development plan: goal, action, owner and review stored, escaped on the plan and the start page', async () => {
    const g = await post15(i15.voict, '/orgs/voict/plan/goals', { title: `G ${XSS15}`, description: `D ${XSS15}`, groups: ['structure'] });
    assert.equal(g.status, 303, g.body.slice(0, 400));
    i15.goal = Number(sqlite("SELECT max(g.id) FROM devplan_goal g JOIN org o ON o.id = g.org_id WHERE o.slug = 'voict'"));
    const a = await post15(i15.voict, `/orgs/voict/plan/goals/${i15.goal}/actions`,
      { title: `A ${XSS15}`, owner_text: `O ${XSS15}`, deadline: '2020-01-01', status: 'planned' });
    assert.equal(a.status, 303, a.body.slice(0, 400));
    i15.action = Number(sqlite(`SELECT max(id) FROM devplan_action WHERE goal_id = ${i15.goal}`));
    const rv = await post15(i15.voict, '/orgs/voict/plan/review', { year: String(i15.year), body: `R ${XSS15}` });
    assert.equal(rv.status, 303, rv.body.slice(0, 400));
    for (const lang of ['en', 'sr-Latn']) shown15((await get15(i15.voict, `/orgs/voict/plan?lang=${lang}`)).body, `the plan in ${lang}`);
    const start = await get15(i15.voict, '/start?lang=en');
    assert.equal(start.status, 200);
    noRaw15(start.body, 'the manager\'s start page (overdue action)');
    noRaw15((await get15(i15.admin, '/orgs/voict/plan')).body, 'the plan (secretariat)');
  });

  test('mentoring: meeting notes, next steps and the end note stored, escaped on the pair\'s and the admin page', async () => {
    const c = await post15(i15.admin, '/admin/mentoring', { mentee: i15.slug, mentor: 'voict', started_on: '2026-01-01' });
    assert.equal(c.status, 303, c.body.slice(0, 600));
    i15.pair = Number(sqlite(`SELECT m.id FROM mentoring m JOIN org o ON o.id = m.mentee_id WHERE o.slug = '${i15.slug}'`));
    const m = await post15(i15.voict, `/mentoring/${i15.pair}/meetings`, { met_on: '2026-02-01', notes: `M ${XSS15}`, next_steps: `S ${XSS15}` });
    assert.equal(m.status, 303, m.body.slice(0, 400));
    const s = await post15(i15.starter, `/mentoring/${i15.pair}/meetings`, { met_on: '2026-02-15', notes: `M2 ${XSS15}` });
    assert.equal(s.status, 303, s.body.slice(0, 400));
    for (const who of ['voict', 'starter', 'admin']) {
      shown15((await get15(i15[who], `/mentoring/${i15.pair}?lang=en`)).body, `the mentoring page (${who})`);
      noRaw15((await get15(i15[who], '/start')).body, `the start page (${who})`);
    }
    noRaw15((await get15(i15.admin, '/admin/mentoring?lang=en')).body, 'the admin mentoring page');
  });

  test('support log: the note and link stored, escaped on the report; the CSV guards formulas', async () => {
    const y = i15.year;
    for (const form of [
      { org: i15.slug, given_on: i15.today, kind: 'consultation', note: `=1+1 ${XSS15}`, link: 'https://example.org/?a="><script>alert(1)</script>' },
      { org: 'voict', given_on: i15.today, kind: 'other', note: `-2+3 ${XSS15}` },
    ]) {
      const r = await post15(i15.admin, '/admin/support', form);
      assert.ok([303, 422].includes(r.status), `${r.status}: ${r.body.slice(0, 300)}`);
      noRaw15(r.body, 'the support form echo');
      if (r.status === 422) { // the link with markup refused: the note alone
        const again = await post15(i15.admin, '/admin/support', { ...form, link: '' });
        assert.equal(again.status, 303, again.body.slice(0, 300));
      }
    }
    for (const lang of ['en', 'sr-Cyrl']) {
      const p = await get15(i15.admin, `/admin/support?year=${y}&lang=${lang}`);
      assert.equal(p.status, 200);
      shown15(p.body, `the support report in ${lang}`);
    }
    for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
      const csv = await get15(i15.admin, `/admin/support?year=${y}&format=csv&lang=${lang}`);
      assert.equal(csv.status, 200);
      const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
      const row = lines.find((l) => l.includes('HYPERLINK') || l.includes('SUM(1)'));
      assert.ok(row, `the initiative is in the ${lang} CSV:\n${csv.body}`);
      assert.match(row, /^"'[=+]/, `the formula is neutralised in ${lang}: ${row}`);
      for (const l of lines) assert.doesNotMatch(l, /^[=+\-@]|,[=+\-@]/, `no cell starts a formula: ${l}`);
    }
  });

  test('every new page, with the payloads stored, in the three languages: 200 and nothing unescaped', async () => {
    // run with SCAN_HTML_DUMP=DIR, these are the pages tests/validate/html.sh checks
    const pages = [
      [null, '/initiatives'], ['starter', '/initiatives/new'], ['starter', `/orgs/${i15.slug}/readiness`],
      ['voict', '/orgs/voict/readiness'], ['voict', '/orgs/voict/assessment'], ['voict', `/orgs/voict/assessment/${i15.year}`],
      ['admin', '/admin/assessments'], ['voict', '/orgs/voict/plan'], ['voict', `/mentoring/${i15.pair}`],
      ['admin', `/mentoring/${i15.pair}`], ['admin', '/admin/mentoring'], ['admin', '/admin/support'],
      ['admin', '/cooperation/stats'], ['admin', '/initiatives'], ['admin', '/start'], ['voict', '/start'],
    ];
    for (const [who, path] of pages) {
      for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
        const p = await get15(who && i15[who], `${path}?lang=${lang}`);
        assert.equal(p.status, 200, `${who} ${path} in ${lang}`);
        assert.match(p.body, new RegExp(`<html lang="${lang}"`));
        noRaw15(p.body, `${path} in ${lang}`);
      }
    }
  });
});

describe('issue 15 writes: oversized, forged, another cluster\'s, out of range: refused, nothing changed', () => {
  after(unchanged);
  // A urlencoded form over a raw socket as who; origin null: no Origin;
  // csrf: the _csrf value (the session's by default).
  const as15 = (who, path, form, { origin = srv.url, csrf } = {}) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) p.append(k, x);
    p.append('_csrf', csrf ?? i15[who].csrf);
    return withBody('POST', path, 'application/x-www-form-urlencoded', p.toString(),
      `Cookie: ${i15[who].cookie}\r\n${origin ? `Origin: ${origin}\r\n` : ''}`);
  };
  const json15 = (method, path, tok, body, extra = '') => withBody(method, path, 'application/json',
    typeof body === 'string' ? body : JSON.stringify(body), `${tok ? `Authorization: Bearer ${tok}\r\n` : ''}${extra}`);
  const INIT = () => ({
    name: 'Klaster hostile', sectors: '62', region: 'VO', description_sr: 'Opis inicijative za test.',
    contact_name: 'Ana Anić', contact_email: 'ana@example.com', contact_phone: '+381 21 123 456', founders: i15.founders,
  });
  // every write of the issue with a form that would be accepted, and who may send it
  const writes = () => [
    ['starter', '/initiatives', INIT()],
    ['starter', `/orgs/${i15.slug}/readiness`, { criterion: 'fee_scheme', met: 'yes', note: 'ok' }],
    ['voict', `/orgs/voict/assessment/${i15.year}`, { strategy: '2', action: 'draft' }],
    ['voict', '/orgs/voict/plan/goals', { title: 'Goal', groups: 'services' }],
    ['voict', `/orgs/voict/plan/goals/${i15.goal}`, { title: 'Goal changed', groups: 'services' }],
    ['voict', `/orgs/voict/plan/goals/${i15.goal}/actions`, { title: 'Act', deadline: '2099-01-01', status: 'planned' }],
    ['voict', `/orgs/voict/plan/actions/${i15.action}`, { title: 'Act', deadline: '2099-01-01', status: 'done' }],
    ['voict', '/orgs/voict/plan/review', { year: String(i15.year), body: 'Changed' }],
    ['voict', `/mentoring/${i15.pair}/meetings`, { met_on: '2026-03-01', notes: 'Met' }],
    ['admin', '/admin/mentoring', { mentee: 'demo-energy-cluster', mentor: 'nicat', started_on: '2026-01-01' }],
    ['admin', `/admin/mentoring/${i15.pair}/end`, { ended_on: '2026-06-01', end_note: 'End' }],
    ['admin', '/admin/support', { org: 'voict', given_on: i15.today, kind: 'other', note: 'Note' }],
  ];

  test('a wrong Origin, no Origin or a wrong CSRF token is 403 on every form write', async () => {
    for (const [who, path, form] of writes()) {
      await expect(as15(who, path, form, { origin: 'http://evil.example' }), 403);
      await expect(as15(who, path, form, { origin: null, csrf: '' }), 403);
      await expect(as15(who, path, form, { csrf: 'x'.repeat(43) }), 403);
    }
  });

  test('the API writes with a session cookie but no CSRF token, or a wrong Origin, are a JSON 403', async () => {
    const body = { name: 'Inicijativa bez tokena', sectors: ['62'], region: 'BG', contact_name: 'Pera Perić',
      contact_email: 'pera@example.com', contact_phone: '011 222 333', description_sr: 'Softverske firme i fakulteti.', founders: i15.founders };
    await expect(json15('POST', '/api/v1/initiatives', null, body, `Cookie: ${i15.starter.cookie}\r\nOrigin: ${srv.url}\r\n`), 403, null, { api: true });
    await expect(json15('POST', '/api/v1/initiatives', null, body, `Cookie: ${i15.starter.cookie}\r\nOrigin: http://evil.example\r\nX-CSRF-Token: ${i15.starter.csrf}\r\n`), 403, null, { api: true });
    await expect(json15('PUT', `/api/v1/clusters/voict/assessments/${i15.year}`, null, { answers: { strategy: 1 } },
      `Cookie: ${i15.voict.cookie}\r\nOrigin: ${srv.url}\r\n`), 403, null, { api: true });
  });

  test('oversized fields: 422 with the limit; bodies over the route limit: 413', async () => {
    const cases = [
      ['starter', '/initiatives', { ...INIT(), name: 'N'.repeat(201) }, /at most 200/],
      ['starter', '/initiatives', { ...INIT(), description_sr: 'D'.repeat(2001) }, /at most 2,?000/],
      ['starter', '/initiatives', { ...INIT(), contact_name: 'C'.repeat(101) }, /at most 100/],
      ['starter', `/orgs/${i15.slug}/readiness`, { criterion: 'fee_scheme', met: 'yes', note: 'n'.repeat(501) }, /at most 500/],
      ['voict', `/orgs/voict/assessment/${i15.year}`, { strategy: '2', strategy_evidence: 'e'.repeat(1001), action: 'draft' }, /1,?000/],
      ['voict', '/orgs/voict/plan/goals', { title: 't'.repeat(201), groups: 'services' }, /at most 200/],
      ['voict', '/orgs/voict/plan/goals', { title: 'ok', description: 'd'.repeat(5001), groups: 'services' }, /at most 5,?000/],
      ['voict', `/orgs/voict/plan/goals/${i15.goal}/actions`, { title: 'ok', owner_text: 'o'.repeat(201), deadline: '2099-01-01', status: 'planned' }, /at most 200/],
      ['voict', '/orgs/voict/plan/review', { year: String(i15.year), body: 'b'.repeat(5001) }, /at most 5,?000/],
      ['voict', `/mentoring/${i15.pair}/meetings`, { met_on: '2026-03-01', notes: 'n'.repeat(5001) }, /at most 5,?000/],
      ['admin', `/admin/mentoring/${i15.pair}/end`, { ended_on: '2026-06-01', end_note: 'n'.repeat(5001) }, /at most 5,?000/],
      ['admin', '/admin/support', { org: 'voict', given_on: i15.today, kind: 'other', note: 'n'.repeat(2001) }, /at most 2,?000/],
      ['admin', '/admin/support', { org: 'voict', given_on: i15.today, kind: 'other', note: 'x', link: `https://example.org/${'l'.repeat(500)}` }, /at most 500/],
    ];
    for (const [who, path, form, msg] of cases) {
      const res = await expect(as15(who, path, form), 422, msg);
      noRaw15(res.body, path);
    }
    for (const [who, path, form, limit] of [
      ['starter', '/initiatives', INIT(), 65536], ['starter', `/orgs/${i15.slug}/readiness`, { criterion: 'fee_scheme', met: 'yes' }, 16384],
      ['voict', `/orgs/voict/assessment/${i15.year}`, { action: 'draft' }, 65536], ['voict', '/orgs/voict/plan/goals', { groups: 'services' }, 65536],
      ['voict', `/orgs/voict/plan/goals/${i15.goal}/actions`, { deadline: '2099-01-01', status: 'planned' }, 16384],
      ['voict', `/orgs/voict/plan/actions/${i15.action}`, { deadline: '2099-01-01', status: 'planned' }, 16384],
      ['voict', '/orgs/voict/plan/review', { year: String(i15.year) }, 65536], ['voict', `/mentoring/${i15.pair}/meetings`, { met_on: '2026-03-01' }, 131072],
      ['admin', '/admin/mentoring', { mentee: 'demo-energy-cluster', mentor: 'nicat' }, 16384],
      ['admin', `/admin/mentoring/${i15.pair}/end`, { ended_on: '2026-06-01' }, 65536],
      ['admin', '/admin/support', { org: 'voict', given_on: i15.today, kind: 'other' }, 65536],
    ]) {
      await expect(as15(who, path, { ...form, note: 'x'.repeat(limit + 10) }), 413, new RegExp(String(limit)));
    }
    await expect(json15('POST', '/api/v1/initiatives', i15.starterToken, { name: 'x'.repeat(70000) }), 413, /65536/, { api: true });
    await expect(json15('PUT', `/api/v1/clusters/voict/assessments/${i15.year}`, i15.voictToken,
      { answers: { strategy: { value: 1, evidence: 'e'.repeat(70000) } } }), 413, /65536/, { api: true });
    await expect(json15('PUT', `/api/v1/clusters/voict/assessments/${i15.year}`, i15.voictToken,
      { answers: { strategy: { value: 1, evidence: 'e'.repeat(1001) } } }), 422, /evidence|1,?000/, { api: true });
  });

  test('another cluster\'s slug or ids: 403 or 404', async () => {
    // NiCAT's manager on VOICT's assessment, plan and mentoring pair, and the new initiative's readiness
    for (const [path, form] of writes().filter(([who]) => who !== 'admin' && who !== 'starter').map(([, p, f]) => [p, f])) {
      await expect(as15('nicat', path, form), [403, 404]);
    }
    await expect(as15('nicat', `/orgs/${i15.slug}/readiness`, { criterion: 'fee_scheme', met: 'yes' }), 403);
    // VOICT's goal and action through NiCAT's own plan
    await expect(as15('nicat', `/orgs/nicat/plan/goals/${i15.goal}`, { title: 'Mine now', groups: 'services' }), 404);
    await expect(as15('nicat', `/orgs/nicat/plan/goals/${i15.goal}/actions`, { title: 'Act', deadline: '2099-01-01', status: 'planned' }), 404);
    await expect(as15('nicat', `/orgs/nicat/plan/actions/${i15.action}`, { title: 'Act', deadline: '2099-01-01', status: 'done' }), 404);
    // ids that are no number, or of nothing
    for (const id of ['abc', '-1', '0', '99999999', '9'.repeat(30)]) {
      await expect(as15('voict', `/orgs/voict/plan/goals/${id}`, { title: 'x', groups: 'services' }), [400, 404]);
      await expect(as15('voict', `/orgs/voict/plan/actions/${id}`, { title: 'x', deadline: '2099-01-01', status: 'done' }), [400, 404]);
      await expect(as15('voict', `/mentoring/${id}/meetings`, { met_on: '2026-03-01', notes: 'x' }), [400, 404]);
      await expect(as15('admin', `/admin/mentoring/${id}/end`, { ended_on: '2026-06-01' }), [400, 404]);
    }
    await expect(json15('PUT', `/api/v1/clusters/voict/assessments/${i15.year}`, i15.nicatToken, { answers: { strategy: 1 } }), 403, null, { api: true });
    await expect(json15('PUT', `/api/v1/clusters/no-such/assessments/${i15.year}`, i15.voictToken, { answers: { strategy: 1 } }), [403, 404], null, { api: true });
    // the secretariat's writes by a cluster manager
    for (const [who, path, form] of writes().filter(([w]) => w === 'admin')) await expect(as15('voict', path, form), 403);
    // a manager answering the readiness of a company (not a cluster)
    await expect(as15('voict', `/orgs/${i15.founders[0]}/readiness`, { criterion: 'fee_scheme', met: 'yes' }), [403, 404]);
  });

  test('numbers and dates out of range: a clear 4xx', async () => {
    const y = i15.year;
    const cases = [
      ['starter', `/orgs/${i15.slug}/readiness`, { criterion: 'fee_scheme', met: '7' }, 422],
      ['starter', `/orgs/${i15.slug}/readiness`, { criterion: 'no_such_criterion', met: 'yes' }, 422],
      ['voict', `/orgs/voict/assessment/${y}`, { strategy: '5', action: 'draft' }, 422],
      ['voict', `/orgs/voict/assessment/${y}`, { strategy: '-1', action: 'draft' }, 422],
      ['voict', `/orgs/voict/assessment/${y}`, { strategy: '1e3', action: 'draft' }, 422],
      ['voict', `/orgs/voict/assessment/${y}`, { projects: '9'.repeat(25), action: 'draft' }, 422],
      ['voict', `/orgs/voict/assessment/${y}`, { projects: '100001', action: 'draft' }, 422],
      ['voict', '/orgs/voict/assessment/1999', { strategy: '2', action: 'draft' }, [404, 422]],
      ['voict', '/orgs/voict/assessment/1', { strategy: '2', action: 'draft' }, [404, 422]],
      ['voict', `/orgs/voict/assessment/${y + 1}`, { strategy: '2', action: 'draft' }, [404, 422]],
      ['voict', '/orgs/voict/assessment/99999', { strategy: '2', action: 'draft' }, [404, 422]],
      ['voict', `/orgs/voict/assessment/${'9'.repeat(30)}`, { strategy: '2', action: 'draft' }, [400, 404]],
      ['voict', `/orgs/voict/plan/goals/${i15.goal}/actions`, { title: 'x', deadline: '2026-02-30', status: 'planned' }, 422],
      ['voict', `/orgs/voict/plan/goals/${i15.goal}/actions`, { title: 'x', deadline: '0001-01-01', status: 'planned' }, 422],
      ['voict', `/orgs/voict/plan/goals/${i15.goal}/actions`, { title: 'x', deadline: '99999-01-01', status: 'planned' }, 422],
      ['voict', `/orgs/voict/plan/goals/${i15.goal}/actions`, { title: 'x', deadline: '2099-01-01', status: 'done', done_on: '2026-13-01' }, 422],
      ['voict', `/orgs/voict/plan/goals/${i15.goal}/actions`, { title: 'x', deadline: '2099-01-01', status: 'planned', owner: '9'.repeat(25) }, 422],
      ['voict', `/orgs/voict/plan/actions/${i15.action}`, { title: 'x', deadline: '2026-04-31', status: 'planned' }, 422],
      ['voict', '/orgs/voict/plan/goals', { title: 'x', groups: 'happiness' }, 422],
      ['voict', '/orgs/voict/plan/review', { year: '1800', body: 'x' }, 422],
      ['voict', '/orgs/voict/plan/review', { year: String(y + 2), body: 'x' }, 422],
      ['voict', '/orgs/voict/plan/review', { year: '9'.repeat(25), body: 'x' }, 422],
      ['voict', '/orgs/voict/plan/review', { year: String(y), body: 'x', reviewed_on: '2026-02-30' }, 422],
      ['voict', `/mentoring/${i15.pair}/meetings`, { met_on: '2026-02-30', notes: 'x' }, 422],
      ['voict', `/mentoring/${i15.pair}/meetings`, { met_on: '1900-01-01', notes: 'x' }, 422],
      ['admin', '/admin/mentoring', { mentee: 'demo-energy-cluster', mentor: 'nicat', started_on: '2026-02-30' }, 422],
      ['admin', `/admin/mentoring/${i15.pair}/end`, { ended_on: '2026-02-29' }, 422],
      ['admin', '/admin/support', { org: 'voict', given_on: '2026-02-30', kind: 'other', note: 'x' }, 422],
      ['admin', '/admin/support', { org: 'voict', given_on: '0000-00-00', kind: 'other', note: 'x' }, 422],
      ['admin', '/admin/support', { org: 'voict', given_on: i15.today, kind: 'other', note: 'x', link: 'javascript:alert(1)' }, 422],
    ];
    for (const [who, path, form, want] of cases) {
      const res = await rawRequest(srv.port, as15(who, path, form), { timeout: 5000 });
      try {
        refused(res, want);
      } catch (e) {
        e.message = `${path} ${JSON.stringify(form).slice(0, 120)}: ${e.message}`;
        throw e;
      }
      noRaw15(res.body, path);
    }
    const put = (year, answers) => json15('PUT', `/api/v1/clusters/voict/assessments/${year}`, i15.voictToken, { answers });
    await expect(put(y, { strategy: 5 }), 422, /strategy/, { api: true });
    await expect(put(y, { strategy: -1 }), 422, /strategy/, { api: true });
    await expect(put(y, { strategy: 1.5 }), 422, /strategy/, { api: true });
    await expect(json15('PUT', `/api/v1/clusters/voict/assessments/${y}`, i15.voictToken, '{"answers":{"projects":9223372036854775807}}'),
      422, /projects/, { api: true });
    await expect(put(y, { strategy: { value: 2, evidence: 7 } }), 422, /strategy/, { api: true });
    for (const year of ['1999', '1800', String(y + 1), '99999', '-1', 'abc', '9'.repeat(30)]) {
      await expect(put(year, { strategy: 1 }), [400, 404, 422], null, { api: true });
    }
  });
});

// Found by the issue 15 cases: a website address over the 500-character
// limit is refused (nothing stored) but with the message for a missing or
// non-http address, "Give the English website's address, starting with
// http:// or https://", although it does start with https:// (web_readiness.c
// replaces every error of the url field with MSG_RD_ERR_URL).
test('issue 15: a readiness address over 500 characters is refused naming the limit', async () => {
  const p = new URLSearchParams({ criterion: 'website_en', met: 'yes', url: `https://example.org/${'u'.repeat(500)}`, _csrf: i15.starter.csrf });
  const res = await rawRequest(srv.port, withBody('POST', `/orgs/${i15.slug}/readiness?lang=en`, 'application/x-www-form-urlencoded',
    p.toString(), `Cookie: ${i15.starter.cookie}\r\nOrigin: ${srv.url}\r\n`), { timeout: 5000 });
  refused(res, 422, /at most 500/);
  await unchanged();
});

// Issue 16, submissions and consultations (web_position_timeline.c,
// web_consultation.c, web_stakeholder.c, api_advocacy.c): hostile forms and
// JSON from the editor (who may write them all) are refused with a clear
// 4xx, and neither the advocacy tables nor anything else change.
test('issue 16: hostile submissions, answers, meetings and consultations change nothing', async () => {
  const rw = (sql) => {
    const r = sqliteRun(srv.db, sql);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const pos = Number(rw(`INSERT INTO position(kind, owner_id, stage, created_at, updated_at)
    SELECT 'proposal', id, 'submitted', 0, 0 FROM org WHERE slug = 'voict' RETURNING id`));
  const sub = Number(rw(`INSERT INTO position_submission(position_id, institution_id, sent_on, channel, created_at)
    SELECT ${pos}, id, '2026-03-01', 'email', 0 FROM org WHERE slug = 'ministarstvo-privrede' RETURNING id`));
  const co = Number(rw('SELECT min(id) FROM consultation'));
  const adv = () => sqlite(`SELECT count(*), coalesce(sum(length(coalesce(reference, '') || coalesce(document_url, ''))), 0) FROM position_submission;
    SELECT count(*) FROM position_outcome; SELECT count(*) FROM institution_meeting;
    SELECT group_concat(title_sr || deadline_on || coalesce(url, ''), ';') FROM consultation;
    SELECT group_concat(stage || coalesce(CAST(consultation_id AS TEXT), ''), ',') FROM position; SELECT count(*) FROM position_step`);
  const adv0 = adv();
  const form = (path, fields) => {
    const p = new URLSearchParams({ ...fields, _csrf: session.csrf });
    return withBody('POST', `${path}?lang=en`, 'application/x-www-form-urlencoded', p.toString(), browser());
  };
  const json = (method, path, body) => withBody(method, path, 'application/json',
    typeof body === 'string' ? body : JSON.stringify(body), bearer());
  const long = 'x'.repeat(100001);
  const cases = [
    [form(`/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-30', channel: 'email' }), 422],
    [form(`/positions/${pos}/submissions`, { institution: '../../etc/passwd', sent_on: '2026-02-01', channel: 'email' }), 422],
    [form(`/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-01', channel: 'pigeon' }), 422],
    [form(`/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-01', channel: 'email', document_url: 'javascript:alert(1)' }), 422],
    [form(`/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-01', channel: 'email', reference: 'r'.repeat(201) }), 422],
    [form(`/positions/${pos}/answers`, { submission: String(sub), outcome: 'accepted', answered_on: '2026-02-28' }), 422],
    [form(`/positions/${pos}/answers`, { submission: '9'.repeat(30), outcome: 'accepted', answered_on: '2026-03-02' }), 422],
    [form(`/positions/${pos}/answers`, { submission: `${sub} OR 1=1`, outcome: 'accepted', answered_on: '2026-03-02' }), 422],
    [form(`/positions/${pos}/answers`, { submission: String(sub), outcome: 'maybe', answered_on: '2026-03-02' }), 422],
    [form(`/positions/${pos}/answers`, { submission: String(sub), outcome: 'accepted', answered_on: '2026-03-02', link: 'data:text/html,x' }), 422],
    [form(`/positions/${pos}/meetings`, { institution: 'ministarstvo-privrede', met_on: '2026-03-02', attendees: 'a\u0001b', topics: 'x' }), 422],
    [form(`/positions/${pos}/meetings`, { institution: 'ministarstvo-privrede', met_on: '2026-03-02', attendees: 'a', topics: long }), [413, 422]],
    [form('/orgs/ministarstvo-privrede/meetings', { met_on: '99999-01-01', attendees: 'a', topics: 'x' }), 422],
    [form('/orgs/voict/meetings', { met_on: '2026-03-02', attendees: 'a', topics: 'x' }), 422],
    [form('/consultations', { title_sr: 'Нацрт', deadline_on: 'tomorrow' }), 422],
    [form('/consultations', { title_sr: '', deadline_on: '2099-01-01' }), 422],
    [form('/consultations', { title_sr: 'Нацрт', deadline_on: '2099-01-01', url: 'javascript:alert(1)' }), 422],
    [form('/consultations', { title_sr: 'Нацрт', deadline_on: '2099-01-01', position: '-1' }), 422],
    [form(`/consultations/${co}`, { title_sr: 't'.repeat(301), deadline_on: '2099-01-01' }), 422],
    [form('/consultations/abc', { title_sr: 'Нацрт', deadline_on: '2099-01-01' }), [400, 404]],
    [form('/consultations/99999999', { title_sr: 'Нацрт', deadline_on: '2099-01-01' }), 404],
    [form('/positions/99999999/submissions', { institution: 'ministarstvo-privrede', sent_on: '2026-02-01', channel: 'email' }), 404],
    [json('POST', '/api/v1/consultations', { title_sr: 'Нацрт', deadline_on: 20990101 }), 422],
    [json('POST', '/api/v1/consultations', { title_sr: ['Нацрт'], deadline_on: '2099-01-01' }), 422],
    [json('POST', '/api/v1/consultations', '{"title_sr": "Нацрт", "deadline_on": '), 400],
    [json('PATCH', `/api/v1/consultations/${co}`, { deadline_on: null }), 422],
    [json('POST', `/api/v1/positions/${pos}/submissions`, { institution: 'ministarstvo-privrede', sent_on: '2026-02-01', channel: { x: 1 } }), 422],
    [json('POST', `/api/v1/positions/${pos}/submissions/${sub}/outcome`, { outcome: 'accepted', answered_on: '2026-02-01' }), 422],
    [json('POST', `/api/v1/positions/${pos}/submissions/99999999/outcome`, { outcome: 'accepted', answered_on: '2026-03-02' }), 422],
  ];
  for (const [req, want] of cases) {
    const res = await rawRequest(srv.port, req, { timeout: 5000 });
    try {
      refused(res, want);
    } catch (e) {
      e.message = `${String(req).slice(0, 120)}: ${e.message}`;
      throw e;
    }
    assert.doesNotMatch(res.body, /href="javascript:|href="data:/, 'nothing typed comes back as a link');
  }
  assert.equal(adv(), adv0, 'the advocacy tables are unchanged');
});

// issue 17: the map's, the panorama's and the badge's parameters choose
// from fixed lists; anything else is a 400 that says what to choose (or a
// 404 for a badge of nothing), the page cache keeps none of it, and
// nothing changes.
test('issue 17: hostile map, panorama and badge requests get a clear 4xx and change nothing', async () => {
  await expect(`GET /map?measure=%3Cscript%3Ealert(1)%3C/script%3E HTTP/1.1\r\n${H}\r\n`, 400, /Unknown measure/);
  await expect(`GET /map?measure=employees&year=99999999999999999999999 HTTP/1.1\r\n${H}\r\n`, 400);
  await expect(`GET /map?year=-2024 HTTP/1.1\r\n${H}\r\n`, 400);
  await expect(`GET /panorama?sector=%27%20OR%201%3D1-- HTTP/1.1\r\n${H}\r\n`, 400, /Unknown filter value/);
  await expect(`GET /panorama?region=${'R'.repeat(4000)} HTTP/1.1\r\n${H}\r\n`, 400, /Unknown filter value/);
  await expect(`GET /panorama?sort=name;DROP%20TABLE%20org HTTP/1.1\r\n${H}\r\n`, 400, /Unknown filter value/);
  await expect(`GET /panorama?view=%00 HTTP/1.1\r\n${H}\r\n`, 400);
  await expect(`GET /orgs/%3Csvg%20onload%3Dalert(1)%3E/badge.svg HTTP/1.1\r\n${H}\r\n`, 404);
  await expect(`GET /orgs/..%2F..%2Fetc%2Fpasswd/badge.svg HTTP/1.1\r\n${H}\r\n`, 400, /percent-encoding/);
  await expect(`GET /orgs/no-such/share HTTP/1.1\r\n${H}\r\n`, 404);
  await unchanged();
});

// Issue 14: joint projects (web_project.c, api_project.c) on a server of
// their own: markup in every text stored as typed and escaped on the
// project page, the list, the network and the portfolio; oversized and
// malformed fields and JSON bodies refused with a clear 4xx and nothing
// stored; bodies over the route limit 413; ids that are no number 404.
describe('issue 14: joint projects', () => {
  const PW14 = 'hostile projects phrase 2026';
  const XSS14 = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
  let s14;
  let mgr;
  const count14 = () => sqliteIn(s14.db, "SELECT (SELECT count(*) FROM project) || '/' || (SELECT count(*) FROM project_participant) || '/' || (SELECT count(*) FROM audit WHERE entity = 'project')");
  before(async () => {
    s14 = await startServer({ demo: true });
    scanIn(s14.db, ['user', 'add', 'pm@example.com', '--name', 'PM', '--password-stdin'], `${PW14}\n`);
    scanIn(s14.db, ['user', 'role', 'pm@example.com', 'manager', '--org', 'voict']);
    mgr = await loginAgent(s14.url, 'pm@example.com', PW14);
  });
  after(async () => {
    const { code } = await s14.stop();
    assert.equal(code, 0);
  });
  const base = (extra = {}) => ({ title_sr: 'Пројекат', status: 'approved', p_org: ['voict', ''], p_role: ['lead', 'partner'], ...extra });

  test('markup in every text: stored as typed, escaped everywhere it shows', async () => {
    const r = await mgr.post('/projects', base({ title_sr: `T ${XSS14}`, title_en: `E ${XSS14}`, acronym: 'A<b>', programme: `P ${XSS14}`, outputs_sr: `O ${XSS14}` }));
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const id = /\/projects\/(\d+)/.exec(r.location)[1];
    assert.match(sqliteIn(s14.db, `SELECT title_sr FROM project WHERE id = ${id}`), /<script>alert\(1\)/);
    for (const path of [`/projects/${id}?lang=en`, `/projects/${id}?lang=sr-Cyrl`, '/projects', '/projects?lang=sr-Latn', '/network', '/projects/portfolio', `/projects/${id}/edit`, '/orgs/voict']) {
      const p = await mgr.get(path);
      assert.equal(p.status, 200, path);
      assert.doesNotMatch(p.text, /<script>alert|<img src=x/, path);
    }
    const api = JSON.parse((await mgr.get(`/api/v1/projects/${id}`)).text);
    assert.equal(api.title_sr, `T ${XSS14}`, 'the API gives the text as stored');
  });

  test('oversized, malformed and out-of-range input: a clear 4xx, nothing stored', async () => {
    const before14 = count14();
    const cases = [
      [{ title_sr: 'x'.repeat(301) }, /at most 300/],
      [{ outputs_sr: 'x'.repeat(5001) }, /at most 5,?000/],
      [{ budget: '1e9' }, /amount|number/i],
      [{ budget: '99999999999999999999' }, /./],
      [{ grant: '-5' }, /./],
      [{ cofin: 'abc' }, /./],
      [{ status: 'stolen' }, /./],
      [{ visibility: 'everyone' }, /./],
      [{ starts_on: '2026-02-30' }, /./],
      [{ call: '9'.repeat(25) }, /./],
      [{ call: '424242' }, /no call/i],
      [{ p_share: ['1.234', ''] }, /./],
      [{ p_role: ['boss', 'partner'] }, /./],
      [{ p_org: Array(70).fill('voict'), p_role: Array(70).fill('partner') }, /./],
    ];
    for (const [extra, msg] of cases) {
      const r = await mgr.post('/projects?lang=en', base(extra));
      assert.equal(r.status, 422, JSON.stringify(extra).slice(0, 100));
      assert.match(r.text, msg, JSON.stringify(extra).slice(0, 100));
      assert.doesNotMatch(r.text, /<script>alert/);
    }
    const big = await mgr.post('/projects', base({ outputs_en: 'x'.repeat(140000) }));
    assert.equal(big.status, 413);
    for (const body of [
      { title_sr: 'x', status: 'idea', participants: 'voict' },
      { title_sr: 'x', status: 'idea', participants: [{ org: 'voict', role: 'lead', share_cents: -1 }] },
      { title_sr: 'x', status: 'idea', participants: [{ org: 'voict', role: 'lead' }], budget_cents: '100' },
      { title_sr: 'x', status: 'idea', participants: [{ org: 'voict', role: 'lead' }], cofin_milli: 1001 },
      { title_sr: 7, status: 'idea', participants: [{ org: 'voict', role: 'lead' }] },
      { title_sr: 'x', status: 'idea', participants: [{ role: 'lead' }] },
    ]) {
      const r = await mgr.json('POST', '/api/v1/projects', body);
      assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text.slice(0, 200)}`);
    }
    for (const id of ['abc', '-1', '0', '99999999', '9'.repeat(30)]) {
      assert.equal((await mgr.post(`/projects/${id}`, base())).status, 404, id);
      assert.equal((await mgr.get(`/projects/${id}`)).status, 404, id);
      assert.equal((await mgr.json('PUT', `/api/v1/projects/${id}`, { title_sr: 'x' })).status, 404, id);
    }
    for (const q of ['year=abc', 'status=%00', 'sort=../../x', `cluster=${'c'.repeat(3000)}`, 'sector=%27%20OR%201=1']) {
      const r = await mgr.get(`/projects?${q}`);
      assert.ok([200, 400, 414].includes(r.status), `${q}: ${r.status}`);
    }
    assert.equal((await mgr.get('/network?from=abc&to=99999')).status, 200);
    assert.equal((await mgr.get('/network?open=%3Cscript%3E')).status, 400);
    assert.equal(count14(), before14, 'nothing stored');
  });
});

// --- issue 17: news and the newsletter --------------------------------------------------

describe('news and the newsletter: oversized, malformed and injected fields store nothing', () => {
  after(unchanged);
  const counts = () => sqlite('SELECT (SELECT count(*) FROM news) || \'/\' || (SELECT count(*) FROM news_subscriber)'
    + ' || \'/\' || (SELECT count(*) FROM newsletter_issue) || \'/\' || (SELECT count(*) FROM outbox)'
    + ' || \'/\' || (SELECT group_concat(status || coalesce(withdrawn_reason, \'\')) FROM news)');
  const post = (path, fields, extra = editor()) => withBody('POST', `${path}?lang=en`, 'application/x-www-form-urlencoded',
    new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(), extra);
  const item = (over) => ({ title_sr: 'Вест', lead_sr: 'Увод', body_sr: 'Текст', topic: 'cluster', status: 'draft', ...over });

  test('each bad field gets a 4xx that says what to fix', async () => {
    const before = counts();
    const demoNews = sqlite("SELECT id FROM news WHERE status = 'published' ORDER BY id LIMIT 1");
    const cases = [
      ['/news', item({ title_sr: 'x'.repeat(201) }), 422, /at most 200/],
      ['/news', item({ title_sr: 'a\u0001b' }), 422, null],
      ['/news', item({ body_sr: 'x'.repeat(20001) }), 422, /at most 20/],
      ['/news', item({ publish_at: '2026-02-30T10:00' }), 422, /date and time/],
      ['/news', item({ publish_at: '1999-01-01T00:00' }), 422, /date and time|has passed/],
      ['/news', item({ publish_at: '2020-01-01T10:00' }), 422, /has passed/],
      ['/news', item({ publish_at: "2099-01-01T10:00' OR 1=1 --" }), 422, /date and time/],
      ['/news', item({ topic: 'bogus' }), 422, null],
      ['/news', item({ nace: 'ZZ' }), 422, null],
      ['/news', item({ status: 'withdrawn' }), 422, null],
      ['/news', item({ org: 'no-such-org' }), 404, /no directory entry/],
      ['/news', item({ title_en: 'Only a title' }), 422, null],
      [`/news/${demoNews}/withdraw`, { reason: '' }, 422, /reason/],
      [`/news/${demoNews}/withdraw`, { reason: 'a\nb' }, 422, /reason/],
      [`/news/${demoNews}/withdraw`, { reason: 'x'.repeat(501) }, 422, /reason/],
      ['/news/999999999/withdraw', { reason: 'x' }, 404, null],
      ['/newsletter/subscribe', { email: 'a@example.com\r\nBcc: b@example.com' }, 422, /e-mail address/],
      ['/newsletter/subscribe', { email: `${'a'.repeat(250)}@example.com` }, 422, /e-mail address/],
      ['/newsletter/subscribe', { email: '<script>@example.com' }, 422, /e-mail address/],
      ['/admin/newsletter', { subject_sr: 'x'.repeat(201), subject_en: 'x', intro_sr: 'x', intro_en: 'x' }, 422, /at most 200/],
      ['/admin/newsletter', { subject_sr: 'x', subject_en: 'x', intro_sr: 'x'.repeat(8001), intro_en: 'x' }, 422, null],
      ['/admin/newsletter/999999999/send', {}, 404, null],
      ['/account/newsletter', { newsletter: 'xx' }, 422, /Choose/],
    ];
    for (const [path, fields, want, msg] of cases) {
      const res = await rawRequest(srv.port, post(path, fields), { timeout: 5000 });
      try {
        refused(res, want, msg);
      } catch (e) {
        e.message = `${path} ${JSON.stringify(fields).slice(0, 100)}: ${e.message}`;
        throw e;
      }
      assert.doesNotMatch(res.body, /<script>@/, 'nothing typed comes back unescaped');
    }
    for (const path of [`/newsletter/confirm/${'A'.repeat(43)}`, '/newsletter/confirm/..%2F..%2Fetc', `/newsletter/u/${'-'.repeat(43)}`, '/newsletter/u/x']) {
      const res = await rawRequest(srv.port, post(path, { 'List-Unsubscribe': 'One-Click' }, `Origin: ${srv.url}\r\n`), { timeout: 5000 });
      refused(res, [400, 403, 404], null);
    }
    assert.equal(counts(), before, 'nothing stored, nothing mailed');
  });
});

// Issue 16, the positions themselves (web_position.c, api_position.c, session 7):
// forged, oversized and odd input on every position write (create, edit, new
// version, stage, comment, sign, withdraw, and the API's create, change,
// version and stage) from the editor, who may write positions but signs for
// no one: each is refused with a clear 4xx and no position table changes.
test('issue 16: hostile positions, versions, stage moves, comments and signatures change nothing', async () => {
  const rw = (sql) => {
    const r = sqliteRun(srv.db, sql);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const mk = (stage) => Number(rw(`INSERT INTO position(kind, owner_id, stage, consult_until, created_at, updated_at)
      SELECT 'proposal', id, '${stage}', '2099-01-01', 0, 0 FROM org WHERE slug = 'voict';
    INSERT INTO position_version(position_id, version, title_sr, body_sr, created_at)
      SELECT max(id), 1, 'Хостилни став', 'Први.\n\nДруги.', 0 FROM position;
    SELECT max(id) FROM position;`));
  const draft = mk('draft'), consult = mk('consultation'), signing = mk('signing');
  const voict = rw("SELECT id FROM org WHERE slug = 'voict'");
  const pos = () => sqlite(`SELECT count(*), group_concat(stage || version, ',') FROM position;
    SELECT count(*), coalesce(sum(length(body_sr) + length(title_sr)), 0) FROM position_version; SELECT count(*) FROM position_comment;
    SELECT count(*) FROM position_signature; SELECT count(*) FROM position_step; SELECT count(*) FROM position_tag;
    SELECT count(*) FROM position_addressee`);
  const pos0 = pos();
  const form = (path, fields) => {
    const p = new URLSearchParams({ ...fields, _csrf: session.csrf });
    return withBody('POST', `${path}?lang=en`, 'application/x-www-form-urlencoded', p.toString(), browser());
  };
  const json = (method, path, body) => withBody(method, path, 'application/json',
    typeof body === 'string' ? body : JSON.stringify(body), bearer());
  const ok = { owner: 'voict', kind: 'proposal', title_sr: 'Наслов става', body_sr: 'Текст.' };
  const cases = [
    [form('/positions', { ...ok, kind: 'rant' }), 422],
    [form('/positions', { ...ok, owner: '../../etc/passwd' }), 422],
    [form('/positions', { ...ok, title_sr: 't'.repeat(1001) }), 422],
    [form('/positions', { ...ok, body_sr: 'a\u0001b' }), 422],
    [form('/positions', { ...ok, tags: 'nace:<script>' }), 422],
    [form('/positions', { ...ok, addressees: "x' OR 1=1 --" }), 422],
    [form('/positions', { ...ok, body_sr: 'x'.repeat(300000) }), 413],
    [form(`/positions/${draft}`, { ...ok, kind: '' }), 422],
    [form(`/positions/${draft}/versions`, { ...ok, title_sr: '' }), 422],
    [form(`/positions/${draft}/stage`, { stage: 'bogus' }), 422],
    [form(`/positions/${draft}/stage`, { stage: 'consultation', consult_until: '1999-01-01' }), 422],
    [form(`/positions/${draft}/stage`, { stage: 'consultation', consult_until: '2099-02-30' }), 422],
    [form(`/positions/${draft}/stage`, { stage: 'submitted' }), 422],
    [form(`/positions/${consult}/comments`, { paragraph: '-1', body: 'x' }), 422],
    [form(`/positions/${consult}/comments`, { paragraph: '1e9', body: 'x' }), 422],
    [form(`/positions/${consult}/comments`, { paragraph: '99999999999999999999', body: 'x' }), 422],
    [form(`/positions/${consult}/comments`, { paragraph: '0', body: '' }), 422],
    [form(`/positions/${consult}/comments`, { paragraph: '0', body: 'b'.repeat(70000) }), 413],
    [form(`/positions/${consult}/comments`, { paragraph: '0', body: 'x', org: voict }), 403],
    [form(`/positions/${draft}/comments`, { paragraph: '0', body: 'x' }), 422],
    [form(`/positions/${signing}/sign`, { org: voict }), 403],
    [form(`/positions/${signing}/sign`, { org: 'abc' }), 403],
    [form(`/positions/${signing}/withdraw`, { org: '-1' }), 403],
    [form('/positions/99999999/stage', { stage: 'closed' }), 404],
    [form('/positions/abc/comments', { paragraph: '0', body: 'x' }), [400, 404]],
    [json('POST', '/api/v1/positions', { ...ok, title_sr: { x: 1 } }), 422],
    [json('POST', '/api/v1/positions', { ...ok, tags: [['nace:62']] }), 422],
    [json('POST', '/api/v1/positions', { ...ok, tags: 'area:eu' }), 422],
    [json('POST', '/api/v1/positions', { ...ok, owner: 'scan', kind: 'rant' }), 422],
    [json('POST', '/api/v1/positions', { ...ok, addressees: Array(201).fill('x') }), 422],
    [json('POST', '/api/v1/positions', '{"owner": "voict", "title_sr": '), 400],
    [json('POST', '/api/v1/positions', '[1, 2]'), 400],
    [json('PATCH', `/api/v1/positions/${draft}`, { body_sr: 7 }), 422],
    [json('PATCH', `/api/v1/positions/${draft}`, { body_sr: '' }), 422],
    [json('PATCH', `/api/v1/positions/${consult}`, { title_sr: 'Касно' }), 422],
    [json('POST', `/api/v1/positions/${draft}/versions`, { note: 'n'.repeat(100000) }), 422],
    [json('POST', `/api/v1/positions/${draft}/stage`, { stage: ['closed'] }), 422],
    [json('POST', `/api/v1/positions/${draft}/stage`, { stage: 'answered' }), 422],
    [json('POST', '/api/v1/positions/99999999/stage', { stage: 'closed' }), 404],
    [json('POST', `/api/v1/positions/${signing}/signatures`, { org_id: '1 OR 1=1' }), 422],
  ];
  for (const [req, want] of cases) {
    const res = await rawRequest(srv.port, req, { timeout: 5000 });
    try {
      refused(res, want);
    } catch (e) {
      e.message = `${String(req).slice(0, 160)}: ${e.message}`;
      throw e;
    }
    assert.doesNotMatch(res.body, /href="javascript:|<script>/, 'nothing typed comes back as markup');
  }
  assert.equal(pos(), pos0, 'the position tables are unchanged');
});
