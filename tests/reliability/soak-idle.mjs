// soak-idle.mjs: the hostile clients that run beside the wrk load of
// tests/reliability/soak.sh, and a probe that must keep being answered.
//
//   node tests/reliability/soak-idle.mjs PORT SECONDS [IDLE] [SLOW]
//
// - IDLE (default 50) keep-alive connections from 127.0.0.2: each sends one
//   GET /healthz, reads the answer and then sits idle; when the server's
//   idle timeout closes one, it is reopened, so IDLE stay open throughout.
// - SLOW (default 4) slowloris connections from 127.0.0.3: each sends a
//   request line and then one header byte per second, never finishing.
//   When the server closes one (idle timeout, header limit) it is reopened.
// - A probe from 127.0.0.4: every 500 ms a fresh connection GET /healthz,
//   which must be answered 200 within 10 s (PROBE_MS).
// Separate loopback addresses keep these out of the per-address connection
// cap that the wrk load (127.0.0.1) is subject to: the point is that
// sockets held by idle and slow clients do not starve anyone else.
//
// Prints one JSON line at the end (after SECONDS) and exits 0; soak.sh
// judges it: probes all answered, the idle and slow sockets were really held.
import net from 'node:net';

const [port, seconds, nIdle = '50', nSlow = '4'] = process.argv.slice(2).map(Number);
if (!port || !seconds) {
  console.error('usage: soak-idle.mjs PORT SECONDS [IDLE] [SLOW]');
  process.exit(2);
}
const HOST = '127.0.0.1';
// A probe is starved when not answered within 10 s: generous, because the
// soak saturates a small machine on purpose (load averages of 8 on 2 cores
// were seen with other work running); an I/O thread held by idle or slow
// clients would leave it unanswered until the 30 s timeout.
const PROBE_MS = 10000;
const stats = {
  idle_target: nIdle, idle_opened: 0, idle_answered: 0, idle_reopened: 0, idle_open_min: Infinity,
  slow_target: nSlow, slow_opened: 0, slow_bytes: 0, slow_closed_by_server: 0,
  probes: 0, probes_ok: 0, probe_failures: [], probe_max_ms: 0,
  errors: {}, // first few socket error codes of each kind of client (EADDRNOTAVAIL: no 127.0.0.2)
};
const noteError = (kind, e) => {
  const list = (stats.errors[kind] ||= []);
  if (list.length < 3) list.push(e.code || e.message);
};
let stopping = false;
const sockets = new Set();
let idleOpen = 0;

function idleConn() {
  if (stopping) return;
  const s = net.connect({ port, host: HOST, localAddress: '127.0.0.2' });
  sockets.add(s);
  stats.idle_opened++;
  let counted = false;
  let got = '';
  s.on('connect', () => {
    idleOpen++;
    counted = true;
    s.write(`GET /healthz HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
  });
  s.on('data', (d) => {
    got += d.toString('latin1');
    if (/^HTTP\/1\.1 200 /.test(got) && got.includes('\r\n\r\n')) {
      stats.idle_answered++;
      got = ' '; // answered once; further data would be unexpected but harmless
    }
  });
  s.on('error', (e) => noteError('idle', e));
  s.on('close', () => {
    sockets.delete(s);
    if (counted) idleOpen--;
    if (!stopping) {
      stats.idle_reopened++;
      setTimeout(idleConn, counted ? 50 : 500);
    }
  });
}

function slowConn() {
  if (stopping) return;
  const s = net.connect({ port, host: HOST, localAddress: '127.0.0.3' });
  sockets.add(s);
  stats.slow_opened++;
  let timer = null;
  s.on('connect', () => {
    s.write(`GET / HTTP/1.1\r\nHost: ${HOST}\r\nX-Slow: `);
    timer = setInterval(() => {
      if (!s.destroyed) {
        s.write('a');
        stats.slow_bytes++;
      }
    }, 1000);
  });
  s.on('error', (e) => noteError('slow', e));
  s.on('close', () => {
    sockets.delete(s);
    clearInterval(timer);
    if (!stopping) {
      stats.slow_closed_by_server++;
      setTimeout(slowConn, 50);
    }
  });
}

function probe() {
  if (stopping) return;
  const t0 = Date.now();
  stats.probes++;
  const s = net.connect({ port, host: HOST, localAddress: '127.0.0.4' });
  let got = '';
  let settled = false;
  const finish = (ok, why) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    s.destroy();
    const ms = Date.now() - t0;
    if (ok) {
      stats.probes_ok++;
      stats.probe_max_ms = Math.max(stats.probe_max_ms, ms);
    } else if (stats.probe_failures.length < 10) {
      stats.probe_failures.push(`${new Date().toISOString()} ${why} after ${ms} ms`);
    }
  };
  const timer = setTimeout(() => finish(false, 'no answer'), PROBE_MS);
  s.on('connect', () => s.write(`GET /healthz HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`));
  s.on('data', (d) => {
    got += d.toString('latin1');
    if (got.includes('\r\n\r\n')) finish(/^HTTP\/1\.1 200 /.test(got), `status line ${JSON.stringify(got.split('\r\n')[0])}`);
  });
  s.on('error', (e) => finish(false, e.code || e.message));
  s.on('close', () => finish(false, `closed, got ${JSON.stringify(got.slice(0, 60))}`));
}

for (let i = 0; i < nIdle; i++) idleConn();
for (let i = 0; i < nSlow; i++) slowConn();
const probeTimer = setInterval(probe, 500);
// the idle sockets are counted every 250 ms after a 2 s ramp-up: the
// minimum (0 for a moment when the server's idle timeout closes them all
// at once, before they are reopened) and the average, which shows whether
// they were really held
let counting = false;
let countSum = 0;
let countN = 0;
const countTimer = setInterval(() => {
  if (!counting) return;
  stats.idle_open_min = Math.min(stats.idle_open_min, idleOpen);
  countSum += idleOpen;
  countN++;
}, 250);
const startCount = setTimeout(() => { counting = true; }, 2000);

setTimeout(() => {
  stopping = true;
  clearInterval(probeTimer);
  clearInterval(countTimer);
  clearTimeout(startCount);
  stats.idle_open_end = idleOpen;
  stats.idle_open_avg = countN ? Math.round((countSum / countN) * 10) / 10 : 0;
  setTimeout(() => { // let the last probe finish
    for (const s of sockets) s.destroy();
    if (stats.idle_open_min === Infinity) stats.idle_open_min = 0;
    console.log(JSON.stringify(stats));
    process.exit(0);
  }, 1000);
}, seconds * 1000);
