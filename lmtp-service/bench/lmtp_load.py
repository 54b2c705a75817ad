#!/usr/bin/env python3
"""LMTP load: N concurrent sessions, each delivering messages of 5-100 KB to R recipients, until M messages are sent.

Prints one line of JSON: messages, recipients accepted, seconds, and the per-recipient reply codes seen.
Usage: lmtp_load.py HOST PORT SESSIONS MESSAGES RECIPIENTS RCPT_FILE [SEED]
RCPT_FILE holds one recipient address a line; each message picks RECIPIENTS distinct ones at random.
"""
import asyncio, json, random, sys, time

HOST, PORT = sys.argv[1], int(sys.argv[2])
SESSIONS, MESSAGES, RCPTS = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ADDRESSES = [l.strip() for l in open(sys.argv[6]) if l.strip()]
rng = random.Random(int(sys.argv[7]) if len(sys.argv) > 7 else 1)
WORDS = ("mail delivery queue postfix dovecot store blob quota mailbox header body line text message recipient "
         "sender transport protocol server client reply status").split()


def message(n):
    """A plain text message of 5 to 100 KB, with realistic headers and 72-column lines."""
    size = rng.randint(5 * 1024, 100 * 1024)
    head = ("From: Bench Sender <sender@bench.example>\r\nTo: rcpt@bench.example\r\n"
            "Subject: benchmark message %d\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
            "Message-ID: <bench.%d.%d@bench.example>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n" % (n, n, rng.getrandbits(48)))
    lines, total = [], len(head)
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(10))[:72]
        if rng.random() < 0.02:
            line = "." + line  # dot-stuffing has work to do
        lines.append(line)
        total += len(line) + 2
    body = "\r\n".join(lines) + "\r\n"
    data = body.replace("\r\n.", "\r\n..")
    if data.startswith("."):
        data = "." + data
    return (head + data + ".\r\n").encode("ascii")


async def reply(reader):
    lines = []
    while True:
        l = await reader.readline()
        if not l:
            raise ConnectionError("closed")
        lines.append(l)
        if l[3:4] != b"-":
            return lines


counter = 0
codes = {}


async def session():
    global counter
    reader, writer = await asyncio.open_connection(HOST, PORT)
    await reply(reader)
    writer.write(b"LHLO bench.example\r\n")
    await reply(reader)
    accepted = 0
    while counter < MESSAGES:
        counter += 1
        n = counter
        rcpts = rng.sample(ADDRESSES, RCPTS)
        # PIPELINING: MAIL, the RCPTs and DATA in one write, as Postfix does.
        writer.write(b"MAIL FROM:<sender@bench.example>\r\n" + b"".join(b"RCPT TO:<%s>\r\n" % r.encode() for r in rcpts)
                     + b"DATA\r\n")
        await reply(reader)
        ok = 0
        for _ in rcpts:
            if (await reply(reader))[0].startswith(b"250"):
                ok += 1
        data = await reply(reader)
        if not data[0].startswith(b"354"):
            continue
        writer.write(message(n))
        for _ in range(ok):
            code = (await reply(reader))[0][:3].decode()
            codes[code] = codes.get(code, 0) + 1
            if code == "250":
                accepted += 1
    writer.write(b"QUIT\r\n")
    await writer.drain()
    writer.close()
    return accepted


async def main():
    start = time.monotonic()
    accepted = sum(await asyncio.gather(*(session() for _ in range(SESSIONS))))
    took = time.monotonic() - start
    print(json.dumps({"messages": counter, "recipients": accepted, "seconds": took, "codes": codes}))

asyncio.run(main())
