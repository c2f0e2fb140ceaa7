// crash_lib.mjs: the kill-and-check harness the crash clients share
// (interest_crash.mjs, sign_crash.mjs): their options, a server started on
// a free port and killed with SIGKILL at random moments while the clients
// write, HTTP with each write's outcome, sessions, and the sqlite3 CLI for
// the comparison afterwards. Each client keeps only what it writes and
// what it checks. Outcomes of a write (as in writer.mjs):
//   ack      a full response that the client's test accepts: it must be stored
//   refused  another full response: nothing new may be stored
//   unknown  no full response: present at most once, and whole if present
//   notsent  connection refused: never reached the server (sent again)
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

// --bin B --db D --password P --people N --kills K --min-ms 50 --max-ms 800
export function crashOptions() {
  return parseArgs({
    options: {
      bin: { type: 'string' },
      db: { type: 'string' },
      password: { type: 'string' },
      people: { type: 'string', default: '6' },
      kills: { type: 'string', default: '8' },
      'min-ms': { type: 'string', default: '50' },
      'max-ms': { type: 'string', default: '800' },
    },
  }).values;
}

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/;
export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
export class Fail extends Error {}
export const fail = (msg) => { throw new Fail(msg); };

export async function send(url, init) {
  let res;
  try {
    res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30000), ...init });
  } catch (e) {
    return { error: e, code: e.cause?.code || e.code || e.name };
  }
  try {
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    return { error: e, code: e.cause?.code || e.code || e.name };
  }
}

// The outcome of a response r (see above); ok(r) says whether it is the ack.
export const outcome = (r, ok) => (r.error ? (r.code === 'ECONNREFUSED' ? 'notsent' : 'unknown') : ok(r) ? 'ack' : 'refused');

// A form POST with session s (cookie, CSRF token, Origin: as the page's form).
export function post(url, s, path, form) {
  return send(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url, Cookie: s.cookie },
    body: new URLSearchParams({ ...form, _csrf: s.csrf }).toString(),
  });
}

// One harness per run: opt from crashOptions(). Sessions live in the
// database, so they outlive every restart.
export class Crash {
  constructor(opt) {
    this.opt = opt;
    this.stderr = ''; // every server's, for the sanitizer check
    this.srv = null;
    this.current = null; // the last server spawned, up or not (killed on failure)
    this.restarting = null; // a promise while the server is down
    this.done = false;
    this.killed = 0;
  }

  async #start() {
    const proc = spawn(this.opt.bin, ['serve', '--db', this.opt.db, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SCAN_DIGEST_OFF: '1' },
    });
    this.current = proc;
    let stderr = '';
    const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
    const port = await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Fail(`server did not start within 20 s:\n${stderr}`)), 20000);
      proc.stderr.on('data', (d) => {
        stderr += d;
        this.stderr += d;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
        if (m) { clearTimeout(timer); res(Number(m[1])); }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        rej(new Fail(`server exited (${code ?? signal}) before listening:\n${stderr}`));
      });
    });
    this.srv = { proc, url: `http://127.0.0.1:${port}`, exited };
  }

  // Starts the first server; its address.
  async start() {
    await this.#start();
    return this.srv.url;
  }

  // The server's address once it is up again; null after finish().
  async url() {
    while (this.restarting) await this.restarting;
    return this.done ? null : this.srv.url;
  }

  // Kills and restarts the server --kills times at random moments between
  // --min-ms and --max-ms, or until written settles; then waits for it.
  async killWhile(written) {
    const all = Promise.resolve(written);
    for (let k = 0; k < Number(this.opt.kills); k++) {
      const wait = rand(Number(this.opt['min-ms']), Number(this.opt['max-ms']));
      const finished = await Promise.race([sleep(wait).then(() => false), all.then(() => true)]);
      if (finished) break;
      let release;
      this.restarting = new Promise((res) => { release = res; });
      this.srv.proc.kill('SIGKILL');
      await this.srv.exited;
      this.killed++;
      await this.#start();
      this.restarting = null;
      release();
    }
    await all;
  }

  // No more writes: url() answers null from now on.
  finish() {
    this.done = true;
  }

  // Stops the server with SIGTERM: it must exit 0 and no sanitizer may
  // have spoken in any run.
  async stop() {
    this.done = true;
    this.srv.proc.kill('SIGTERM');
    const ex = await this.srv.exited;
    if (ex.code !== 0) fail(`server did not exit 0 on SIGTERM (${ex.code ?? ex.signal})`);
    if (SANITIZER.test(this.stderr)) {
      const i = this.stderr.search(SANITIZER);
      fail(`sanitizer report:\n${this.stderr.slice(Math.max(0, i - 200), i + 3000)}`);
    }
  }

  // A session of email (password --password): cookie and CSRF token.
  async login(url, email) {
    const r = await send(`${url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url },
      body: new URLSearchParams({ email, password: this.opt.password }).toString(),
    });
    if (r.status !== 303) fail(`login of ${email}: ${r.status ?? r.code}`);
    const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const page = await send(`${url}/account`, { headers: { Cookie: cookie } });
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text || '');
    if (!m) fail(`no _csrf on /account for ${email}`);
    return { cookie, csrf: m[1] };
  }

  // The sqlite3 CLI's answer to sql on --db (read-only), trimmed.
  sqlite(sql) {
    const r = spawnSync('sqlite3', ['-readonly', '-cmd', '.timeout 5000', this.opt.db, sql], { encoding: 'utf8' });
    if (r.status !== 0) fail(`sqlite3: ${r.stderr}`);
    return r.stdout.trim();
  }

  // Runs main(); on failure kills a server left running and exits 1 with
  // "FAIL: ...".
  run(main) {
    main().catch((e) => {
      if (this.current && this.current.exitCode === null) this.current.kill('SIGKILL');
      console.log(e instanceof Fail ? `FAIL: ${e.message}` : `FAIL: ${e.stack}`);
      process.exit(1);
    });
  }
}
