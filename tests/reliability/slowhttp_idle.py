#!/usr/bin/env python3
"""slowhttp_idle.py: how soon the server closes idle connections.

usage: slowhttp_idle.py PORT COUNT LIMIT_SECONDS

Opens COUNT connections to 127.0.0.1:PORT: half send nothing at all, half
send an unfinished request ("GET / HTTP/1.1" and a Host line, no blank
line), then all stay silent. Waits until the server has closed every one
(EOF or reset) or LIMIT_SECONDS passed, and prints one line:

  idle: closed N/COUNT, first X.Xs, median X.Xs, max X.Xs

measured from the connection's last byte sent. Exit 0 when all were
closed within LIMIT_SECONDS, 1 otherwise. Used by tests/reliability/slowhttp.sh.
"""
import selectors
import socket
import sys
import time


def main():
    port, count, limit = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    sel = selectors.DefaultSelector()
    started = {}
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if i % 2:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        s.setblocking(False)
        started[s] = time.monotonic()
        sel.register(s, selectors.EVENT_READ)
    closed = []
    deadline = time.monotonic() + limit
    while started and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (ConnectionResetError, OSError):
                data = b""
            if data:
                continue  # an error page before the close is fine
            closed.append(time.monotonic() - started.pop(s))
            sel.unregister(s)
            s.close()
    for s in started:
        s.close()
    closed.sort()
    if closed:
        med = closed[len(closed) // 2]
        print(f"idle: closed {len(closed)}/{count}, first {closed[0]:.1f}s, median {med:.1f}s, "
              f"max {closed[-1]:.1f}s")
    else:
        print(f"idle: closed 0/{count} within {limit:.0f}s")
    sys.exit(0 if len(closed) == count else 1)


main()
