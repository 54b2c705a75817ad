"""The load of deploy/measure/memory.sh: 8 IMAP clients each APPEND 40 messages of 31 KB, then FETCH flags and
envelopes, SEARCH TEXT and FETCH 20 bodies five times; then one POP3 client RETRs 100 messages."""
import imaplib, poplib, sys, threading, time, os
imap_port, pop_port = int(sys.argv[1]), int(sys.argv[2])
body = ("Subject: load\r\nFrom: a@example.test\r\n\r\n" + ("x" * 76 + "\r\n") * 400).encode()  # ~31 KB
def imap_worker(n):
    c = imaplib.IMAP4("127.0.0.1", imap_port)
    c.login("load1@example.test", "load-password-1")
    for i in range(40):
        c.append("INBOX", None, None, body)
    c.select("INBOX")
    for i in range(5):
        c.fetch("1:*", "(FLAGS ENVELOPE)")
        c.search(None, "TEXT", "load")
        c.fetch("1:20", "(BODY.PEEK[])")
    c.logout()
ts = [threading.Thread(target=imap_worker, args=(i,)) for i in range(8)]
t0 = time.time()
[t.start() for t in ts]; [t.join() for t in ts]
p = poplib.POP3("127.0.0.1", pop_port); p.user("load1@example.test"); p.pass_("load-password-1")
n = len(p.list()[1])
for i in range(1, min(n, 100) + 1):
    p.retr(i)
p.quit()
print("load done in %.1f s, %d messages" % (time.time() - t0, n))
