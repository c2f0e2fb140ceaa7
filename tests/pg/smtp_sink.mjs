// smtp_sink.mjs: a minimal SMTP server for tests of the mail sender (the
// part of RFC 5321 curl speaks without AUTH: EHLO/HELO, MAIL, RCPT, DATA,
// RSET, NOOP, QUIT). Each message is recorded by its Subject when the sink
// acknowledges it (250 after DATA): `acked` is what a real server would
// have taken. With `stall` set, the sink reads a message and then never
// answers it (a mail in flight when its sender dies); the stalled
// connection stays open until the peer goes.
import { createServer } from 'node:net';

export async function smtpSink() {
  const sink = { acked: [], stall: false, stalled: 0, sockets: new Set() };
  const server = createServer((sock) => {
    sink.sockets.add(sock);
    sock.on('close', () => sink.sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    let inData = false;
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const msg = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          if (sink.stall) { sink.stalled++; return; } // never answered
          const m = /^Subject: (.*)$/im.exec(msg);
          sink.acked.push(m ? m[1].trim() : '');
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250 sink\r\n');
        else if (verb === 'DATA') { inData = true; sock.write('354 go on\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 OK\r\n'); // MAIL, RCPT, RSET, NOOP
      }
    });
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  sink.url = `smtp://127.0.0.1:${server.address().port}`;
  sink.close = () => new Promise((res) => {
    for (const s of sink.sockets) s.destroy();
    server.close(res);
  });
  return sink;
}
