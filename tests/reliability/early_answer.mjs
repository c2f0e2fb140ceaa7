// early_answer.mjs PORT COUNT: sends COUNT requests whose body the server
// refuses before reading it (POST /api/v1/orgs with a 1 MB string field,
// over the route's 64 KiB limit), each written at once on a fresh raw
// socket the way tests/http/hostile.test.mjs does, and counts the answers:
// prints "N/COUNT answered 413" and exits 1 unless every one was a 413.
// Without a lingering close the server's early close can reset the
// connection before the client reads the answer ("connection closed before
// a full response"). Used by early_answer.sh.
import { rawRequest } from '../http/rawhttp.mjs';

const port = Number(process.argv[2]);
const count = Number(process.argv[3] || 200);
const body = JSON.stringify({ name: 'x'.repeat(1 << 20), kind: 'company' });
const request = `POST /api/v1/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
let ok = 0;
const other = {};
for (let i = 0; i < count; i++) {
  let what;
  try {
    const res = await rawRequest(port, request, { timeout: 10000 });
    what = String(res.status);
  } catch (e) {
    what = e.message.replace(/;.*$/, '');
  }
  if (what === '413') ok++;
  else other[what] = (other[what] || 0) + 1;
}
const rest = Object.entries(other).map(([k, n]) => `${n} x ${k}`).join(', ');
console.log(`${ok}/${count} answered 413${rest ? `; ${rest}` : ''}`);
process.exit(ok === count ? 0 : 1);
