#!/usr/bin/env python3
"""wapiti_tls_proxy.py: a minimal TLS terminator for tests/reliability/wapiti.sh.

usage: wapiti_tls_proxy.py CERT KEY BACKEND_PORT

Listens on 127.0.0.1 on a free port, prints "listening on https://127.0.0.1:PORT/"
on stderr, and pipes each decrypted connection byte for byte to
127.0.0.1:BACKEND_PORT: the site as deployed (HTTPS at a proxy, `scan serve
--secure-cookies` behind it), so wapiti sees Secure cookies and HSTS the way
a browser would. Exits on SIGTERM.
"""
import asyncio
import signal
import ssl
import sys


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    cert, key, backend = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)

    async def handle(client_r, client_w):
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", backend)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(pipe(client_r, up_w), pipe(up_r, client_w))

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on https://127.0.0.1:{port}/", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


asyncio.run(main())
