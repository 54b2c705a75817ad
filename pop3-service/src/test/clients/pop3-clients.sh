#!/usr/bin/env bash
# Real POP3 clients against an already-running platform: fetchmail (keep, then --nokeep), mpop (only_new, pipelining),
# getmail6, curl (pop3 and pop3s) and Python poplib (plain, STLS, POP3S). The script delivers its own messages first
# (IMAP APPEND with curl) and checks every downloaded message byte for byte against what it delivered.
#
# WARNING: it empties the INBOX of MAIL_USER first. Use a test account.
#
# Environment:
#   POP3_HOST (127.0.0.1)  POP3_PORT (1110)  POP3S_PORT (1995)  IMAP_PORT (1143)
#   MAIL_USER  MAIL_PASSWORD  (required)
#   WORK_DIR   (default: a new directory under ${TMPDIR:-/tmp})
# Exit status: 0 when every client got every message intact; non-zero with a message naming the mismatch.
set -euo pipefail

POP3_HOST=${POP3_HOST:-127.0.0.1}
POP3_PORT=${POP3_PORT:-1110}
POP3S_PORT=${POP3S_PORT:-1995}
IMAP_PORT=${IMAP_PORT:-1143}
: "${MAIL_USER:?set MAIL_USER}"
: "${MAIL_PASSWORD:?set MAIL_PASSWORD}"
WORK_DIR=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/pop3-clients.XXXXXX")}
mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
export POP3_HOST POP3_PORT POP3S_PORT MAIL_USER MAIL_PASSWORD WORK_DIR

fail() { echo "pop3-clients: FAIL: $*" >&2; exit 1; }
step() { echo "pop3-clients: $*"; }
for tool in curl fetchmail mpop getmail python3 cmp; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

SENT="$WORK_DIR/sent"
rm -rf "$SENT" && mkdir -p "$SENT"

# Python helper: poplib actions used by several steps (empty, count, fetch all to a directory).
cat > "$WORK_DIR/pop.py" <<'PY'
import os, poplib, ssl, sys
host, port, tls_port = os.environ["POP3_HOST"], int(os.environ["POP3_PORT"]), int(os.environ["POP3S_PORT"])
user, password = os.environ["MAIL_USER"], os.environ["MAIL_PASSWORD"]
action, mode = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "plain"
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
if mode == "pop3s":
    p = poplib.POP3_SSL(host, tls_port, context=ctx, timeout=30)
else:
    p = poplib.POP3(host, port, timeout=30)
    if mode == "stls":
        p.stls(context=ctx)
p.user(user); p.pass_(password)
count = p.stat()[0]
if action == "empty":
    for i in range(1, count + 1):
        p.dele(i)
elif action == "count":
    print(count)
elif action == "fetch":
    out = sys.argv[3]
    for i in range(1, count + 1):
        resp, lines, octets = p.retr(i)
        with open(os.path.join(out, "%d.eml" % i), "wb") as f:
            f.write(b"".join(l + b"\r\n" for l in lines))
elif action == "uidl":
    print("\n".join(x.decode() for x in p.uidl()[1]))
elif action == "dele1":
    p.dele(1)
elif action == "dele1-noquit":
    # The connection drops without QUIT: RFC 1939 says nothing may be deleted.
    p.dele(1)
    p.sock.close()
    sys.exit(0)
p.quit()
PY
pop() { python3 "$WORK_DIR/pop.py" "$@"; }

# check DIR LABEL: every file in DIR equals one delivered message, byte for byte, and every message arrived once.
# (fetchmail's Received: and getmail6's Return-Path: lines, which they always add, are removed first.)
# Clients that store mail with Unix line ends (mpop, getmail6's maildir) are compared with the LF form of the same
# bytes: "lf" as the third argument. fetchmail's own Received: trace header is the one addition any client makes here.
check() {
  local dir=$1 label=$2 form=${3:-crlf} n=0 f s
  local expected
  expected=$(ls "$SENT"/*.eml | wc -l)
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    local matched=""
    for s in "$SENT"/*.eml; do
      local want=$s
      [ "$form" = lf ] && want=${s%.eml}.lf
      if cmp -s "$f" "$want"; then matched=$s; break; fi
    done
    [ -n "$matched" ] || fail "$label: $f differs from every delivered message (diff against $(ls "$SENT"/*.eml | head -1))"
  done
  [ "$n" -eq "$expected" ] || fail "$label: got $n messages, expected $expected"
  step "$label: $n messages, byte-identical"
}

step "emptying the INBOX of $MAIL_USER"
pop empty

step "delivering test messages by IMAP APPEND to $POP3_HOST:$IMAP_PORT"
for i in 1 2 3; do
  {
    printf 'From: sender@example.test\r\nTo: %s\r\nSubject: pop3 client test %s %s\r\n' "$MAIL_USER" "$i" "$$"
    printf 'Message-ID: <pop3-clients-%s-%s@example.test>\r\nMIME-Version: 1.0\r\n' "$i" "$$"
    printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
    printf 'Message %s.\r\n.a line starting with a dot\r\n..and two dots\r\n.\r\nFrom the start of a line\r\n' "$i"
    for j in $(seq 1 $((i * 200))); do printf 'filler line %s of message %s, long enough to matter\r\n' "$j" "$i"; done
    printf 'Gr\xc3\xbc\xc3\x9fe, last line\r\n'
  } > "$SENT/$i.eml"
  tr -d '\r' < "$SENT/$i.eml" > "$SENT/$i.lf"
  curl -sS --max-time 30 -u "$MAIL_USER:$MAIL_PASSWORD" -T "$SENT/$i.eml" "imap://$POP3_HOST:$IMAP_PORT/INBOX" \
    || fail "IMAP APPEND of message $i failed"
done
[ "$(pop count)" = 3 ] || fail "after delivery the maildrop holds $(pop count) messages, expected 3"

step "python poplib: plain, STLS and POP3S"
for mode in plain stls pop3s; do
  mkdir -p "$WORK_DIR/poplib-$mode" && rm -f "$WORK_DIR/poplib-$mode"/*
  pop fetch "$mode" "$WORK_DIR/poplib-$mode"
  check "$WORK_DIR/poplib-$mode" "poplib $mode"
done
UIDL_BEFORE=$(pop uidl)

step "curl: pop3 RETR and pop3s RETR"
mkdir -p "$WORK_DIR/curl" && rm -f "$WORK_DIR/curl"/*
for i in 1 2 3; do
  curl -sS --max-time 30 -u "$MAIL_USER:$MAIL_PASSWORD" "pop3://$POP3_HOST:$POP3_PORT/$i" -o "$WORK_DIR/curl/$i.eml" \
    || fail "curl RETR $i failed"
done
check "$WORK_DIR/curl" "curl pop3"
mkdir -p "$WORK_DIR/curl-s" && rm -f "$WORK_DIR/curl-s"/*
for i in 1 2 3; do
  curl -sS -k --max-time 30 -u "$MAIL_USER:$MAIL_PASSWORD" "pop3s://$POP3_HOST:$POP3S_PORT/$i" \
    -o "$WORK_DIR/curl-s/$i.eml" || fail "curl pop3s RETR $i failed"
done
check "$WORK_DIR/curl-s" "curl pop3s"

# One file per message, bytes as received: an MDA that just copies its input.
cat > "$WORK_DIR/save.sh" <<'SH'
#!/bin/sh
exec cat > "$1/$(date +%s%N).$$.eml"
SH
chmod +x "$WORK_DIR/save.sh"

fetchmail_run() { # DIR EXTRA-OPTIONS...
  local dir=$1; shift
  mkdir -p "$dir"
  cat > "$WORK_DIR/fetchmailrc" <<RC
set idfile "$WORK_DIR/fetchmail.ids"
poll $POP3_HOST protocol POP3 port $POP3_PORT uidl auth password
  user "$MAIL_USER" password "$MAIL_PASSWORD" options no stripcr sslproto '' no sslcertck
  mda "$WORK_DIR/save.sh $dir"
RC
  chmod 600 "$WORK_DIR/fetchmailrc"
  local rc=0
  HOME="$WORK_DIR" fetchmail -f "$WORK_DIR/fetchmailrc" --nodetach --nosyslog --pidfile "$WORK_DIR/fetchmail.pid" \
    "$@" > "$WORK_DIR/fetchmail.log" 2>&1 || rc=$?
  echo $rc
}
# fetchmail prepends a Received: trace header (continuation lines included); strip exactly that before comparing.
# getmail6's Maildir delivery prepends "Return-Path: <...>": strip exactly that one line the same way.
strip_fetchmail_trace() { strip_added_header "$1" "Received: "; }
strip_added_header() {
  local f
  for f in "$1"/*; do
    python3 - "$f" "$2" <<'PY'
import sys
p = sys.argv[1]; name = sys.argv[2].encode(); b = open(p, "rb").read()
if b.startswith(name):
    i = b.index(b"\n") + 1
    while b[i:i+1] in (b" ", b"\t"):
        i = b.index(b"\n", i) + 1
    b = b[i:]
open(p, "wb").write(b)
PY
  done
}

step "fetchmail keep: first run fetches all, second run nothing, the server keeps everything"
rm -rf "$WORK_DIR/fetchmail-keep" "$WORK_DIR/fetchmail.ids"
rc=$(fetchmail_run "$WORK_DIR/fetchmail-keep" --keep)
[ "$rc" = 0 ] || { cat "$WORK_DIR/fetchmail.log" >&2; fail "fetchmail keep: exit $rc"; }
strip_fetchmail_trace "$WORK_DIR/fetchmail-keep"
check "$WORK_DIR/fetchmail-keep" "fetchmail keep"
rc=$(fetchmail_run "$WORK_DIR/fetchmail-keep2" --keep)
[ "$rc" = 1 ] || { cat "$WORK_DIR/fetchmail.log" >&2; fail "fetchmail keep, second run: exit $rc, expected 1 (no new mail)"; }
[ -z "$(ls -A "$WORK_DIR/fetchmail-keep2")" ] || fail "fetchmail keep, second run fetched messages again"
[ "$(pop count)" = 3 ] || fail "fetchmail keep: the server lost messages"

step "mpop: only_new over pipelining, keep on"
rm -rf "$WORK_DIR/mpop" "$WORK_DIR/mpop.uidls" && mkdir -p "$WORK_DIR/mpop"
cat > "$WORK_DIR/mpoprc" <<RC
account local
host $POP3_HOST
port $POP3_PORT
tls off
auth user
user $MAIL_USER
password $MAIL_PASSWORD
keep on
only_new on
pipelining on
received_header off
uidls_file $WORK_DIR/mpop.uidls
delivery mda "$WORK_DIR/save.sh $WORK_DIR/mpop"
RC
chmod 600 "$WORK_DIR/mpoprc"
mpop -C "$WORK_DIR/mpoprc" local > "$WORK_DIR/mpop.log" 2>&1 || { cat "$WORK_DIR/mpop.log" >&2; fail "mpop failed"; }
if grep -q $'\r' "$WORK_DIR/mpop"/*; then check "$WORK_DIR/mpop" "mpop"; else check "$WORK_DIR/mpop" "mpop" lf; fi
mkdir -p "$WORK_DIR/mpop-again" && sed -i "s|$WORK_DIR/mpop\"|$WORK_DIR/mpop-again\"|" "$WORK_DIR/mpoprc"
mpop -C "$WORK_DIR/mpoprc" local > "$WORK_DIR/mpop.log" 2>&1 || { cat "$WORK_DIR/mpop.log" >&2; fail "mpop second run failed"; }
[ -z "$(ls -A "$WORK_DIR/mpop-again")" ] || fail "mpop only_new fetched messages again"

step "getmail6: maildir, keep"
rm -rf "$WORK_DIR/getmail" && mkdir -p "$WORK_DIR/getmail/Maildir"/{cur,new,tmp} "$WORK_DIR/getmail/state"
# getmail6 refuses to deliver as root: as root, deliver as nobody into a directory nobody may write.
GETMAIL_USER_LINE=""
if [ "$(id -u)" = 0 ]; then GETMAIL_USER_LINE="user = nobody"; chmod -R a+rwx "$WORK_DIR/getmail/Maildir"; chmod a+rx "$WORK_DIR" "$WORK_DIR/getmail"; fi
cat > "$WORK_DIR/getmail/rc" <<RC
[retriever]
type = SimplePOP3Retriever
server = $POP3_HOST
port = $POP3_PORT
username = $MAIL_USER
password = $MAIL_PASSWORD

[destination]
type = Maildir
path = $WORK_DIR/getmail/Maildir/
$GETMAIL_USER_LINE

[options]
read_all = true
delete = false
delivered_to = false
received = false
message_log = $WORK_DIR/getmail/log
RC
getmail --getmaildir "$WORK_DIR/getmail/state" --rcfile "$WORK_DIR/getmail/rc" > "$WORK_DIR/getmail.log" 2>&1 \
  || { cat "$WORK_DIR/getmail.log" >&2; fail "getmail failed"; }
mkdir -p "$WORK_DIR/getmail/out" && cp "$WORK_DIR/getmail/Maildir/new"/* "$WORK_DIR/getmail/out/"
strip_added_header "$WORK_DIR/getmail/out" "Return-Path: "
if grep -q $'\r' "$WORK_DIR/getmail/out"/* ; then check "$WORK_DIR/getmail/out" "getmail6"; else check "$WORK_DIR/getmail/out" "getmail6" lf; fi

[ "$(pop uidl)" = "$UIDL_BEFORE" ] || fail "UIDLs changed between sessions"

step "fetchmail --nokeep: fetches everything and empties the server"
rm -rf "$WORK_DIR/fetchmail-nokeep" "$WORK_DIR/fetchmail.ids"
rc=$(fetchmail_run "$WORK_DIR/fetchmail-nokeep" --nokeep --all)
[ "$rc" = 0 ] || { cat "$WORK_DIR/fetchmail.log" >&2; fail "fetchmail --nokeep: exit $rc"; }
strip_fetchmail_trace "$WORK_DIR/fetchmail-nokeep"
check "$WORK_DIR/fetchmail-nokeep" "fetchmail --nokeep"
[ "$(pop count)" = 0 ] || fail "fetchmail --nokeep: the server still holds $(pop count) messages"

step "IMAP interplay: flags set over IMAP leave the UIDLs alone; a DELE over POP3 is gone for IMAP"
imap() { curl -sS --max-time 30 -u "$MAIL_USER:$MAIL_PASSWORD" "imap://$POP3_HOST:$IMAP_PORT/INBOX" "$@"; }
for i in 1 2; do
  curl -sS --max-time 30 -u "$MAIL_USER:$MAIL_PASSWORD" -T "$SENT/$i.eml" "imap://$POP3_HOST:$IMAP_PORT/INBOX" \
    || fail "IMAP APPEND of message $i failed"
done
uidl_before=$(pop uidl)
imap -X 'STORE 1:* +FLAGS (\Flagged $Label1)' >/dev/null || fail "IMAP STORE failed"
imap -X 'FETCH 1:* FLAGS' | grep -q 'Flagged' || fail "IMAP does not show the flags it set"
[ "$(pop uidl)" = "$uidl_before" ] || fail "UIDLs changed after IMAP changed flags"
pop dele1-noquit
[ "$(pop count)" = 2 ] || fail "a DELE without QUIT deleted something"
pop dele1
imap_uids=$(imap -X 'UID SEARCH ALL' | tr -d '\r' | sed -n 's/^\* SEARCH *//p')
[ "$(echo "$imap_uids" | wc -w)" = 1 ] || fail "IMAP still sees [$imap_uids] after the POP3 DELE"
[ "$(pop count)" = 1 ] || fail "the maildrop holds $(pop count) messages after DELE, expected 1"
step "IMAP interplay: UIDL stable across IMAP flag changes; DELE at QUIT gone for IMAP; no QUIT, no delete"

step "all clients passed (work dir: $WORK_DIR)"
