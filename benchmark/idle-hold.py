#!/usr/bin/env python3
"""Opens N IMAP connections that LOGIN, SELECT INBOX and IDLE, prints "open N", and holds them until stdin closes.
Used by benchmark/memory.sh for the memory per IDLE connection: users user1..userU@example.test, password-i.
    idle-hold.py HOST PORT N USERS"""
import socket
import sys

host, port, n, users = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
held = []


def command(f, s, tag, line):
    s.sendall(f"{tag} {line}\r\n".encode())
    while True:
        reply = f.readline()
        if not reply:
            sys.exit(f"idle-hold: connection {len(held) + 1} closed after {line.split()[0]}")
        if reply.startswith(tag.encode() + b" "):
            if reply.split()[1] != b"OK":
                sys.exit(f"idle-hold: connection {len(held) + 1}: {reply!r}")
            return


for i in range(n):
    u = 1 + i % users
    s = socket.create_connection((host, port))
    f = s.makefile("rb")
    f.readline()  # greeting
    command(f, s, "a", f"LOGIN user{u}@example.test password-{u}")
    command(f, s, "b", "SELECT INBOX")
    s.sendall(b"c IDLE\r\n")
    if not f.readline().startswith(b"+"):
        sys.exit(f"idle-hold: IDLE refused on connection {i + 1}")
    held.append((s, f))
print(f"open {len(held)}", flush=True)
sys.stdin.read()
