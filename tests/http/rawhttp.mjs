// rawhttp.mjs: a tiny HTTP/1.1 client over one raw TCP socket (node:net),
// for what fetch hides: HEAD bodies, keep-alive, exact bytes on the wire,
// paths that fetch would normalise ("/../"), half-sent requests and
// connections the server closes.
//
// const c = await RawConn.open(port);
// c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
// const res = await c.response();   // {status, headers, body, raw}
// await c.closedWithin(3000);       // true when the server closed it
import net from 'node:net';

// Parses one response from the front of buf; null when incomplete.
// headers: lower-case name -> value (repeated names joined with ", ").
function parseResponse(buf, { head = false, closed = false } = {}) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const headText = buf.subarray(0, end).toString('latin1');
  const [statusLine, ...lines] = headText.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(headText.slice(0, 200))}`);
  const status = Number(m[1]);
  const headers = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const start = end + 4;
  let len;
  if (head || status === 304 || status === 204 || (status >= 100 && status < 200)) len = 0;
  else if ('content-length' in headers) len = Number(headers['content-length']);
  else if (closed) len = buf.length - start; // body runs to the end of the connection
  else return null;
  if (buf.length < start + len) return null;
  return {
    status,
    statusLine,
    headers,
    body: buf.subarray(start, start + len).toString('utf8'),
    raw: buf.subarray(0, start + len).toString('latin1'),
    consumed: start + len,
  };
}

export class RawConn {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.closed = false;
    this.waiters = [];
    sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    sock.on('close', () => { this.closed = true; this.wake(); });
    sock.on('error', (e) => { this.error = e; });
  }

  // Connects to 127.0.0.1:port; rejects when the connection is refused.
  static open(port) {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      const conn = new RawConn(sock);
      sock.once('connect', () => resolve(conn));
      sock.once('error', reject);
    });
  }

  wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  // Resolves on the next data or close event, or after ms.
  changed(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => { clearTimeout(t); resolve(); });
    });
  }

  write(data) {
    this.sock.write(data);
  }

  // Waits for one complete response and removes it from the buffer.
  // head: the request was HEAD, so the response has no body.
  async response({ head = false, timeout = 5000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const r = parseResponse(this.buf, { head, closed: this.closed });
      if (r) {
        this.buf = this.buf.subarray(r.consumed);
        return r;
      }
      if (this.closed) {
        throw new Error(`connection closed before a full response; got ${JSON.stringify(this.buf.toString('latin1').slice(0, 300))}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no full response within ${timeout} ms; got ${JSON.stringify(this.buf.toString('latin1').slice(0, 300))}`);
      await this.changed(left);
    }
  }

  // True when the server has closed the connection within ms.
  async closedWithin(ms) {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await this.changed(deadline - Date.now());
    return this.closed;
  }

  destroy() {
    this.sock.destroy();
  }
}

// One request on a fresh connection; the connection is closed afterwards.
export async function rawRequest(port, text, { head = false, timeout = 5000 } = {}) {
  const c = await RawConn.open(port);
  try {
    c.write(text);
    return await c.response({ head, timeout });
  } finally {
    c.destroy();
  }
}

// A GET request as raw text, with extra header lines.
export function get(path, extra = '') {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;
}

// Polls fn() until it returns a truthy value (returned) or ms pass (throws).
export async function waitFor(fn, ms = 2000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
