#!/usr/bin/env bash
# A real MTA end to end: a throwaway Postfix instance (its own config, queue and log under WORK_DIR, loopback only)
# whose virtual domain is delivered over LMTP to lmtp-service. A third account is given a tiny quota first, with
# `mailctl quota set` over admin-ui's REST API. swaks sends one message through Postfix's SMTP port to the two
# local accounts, the over-quota one and one unknown address; the two are read back over IMAP and POP3 (the same
# bytes both ways, and sizes that match them: the store's Return-Path and Delivered-To, Postfix's Received:, then
# exactly what was sent), the over-quota account gets nothing, and the unknown (550 5.1.1) and over-quota
# (552 5.2.2) ones bounce to the sender (itself a local account, so the bounce is read back too). Postfix and swaks
# are installed when missing.
#
# Environment:
#   LMTP_PORT (2424)  IMAP_PORT (1143)  POP3_PORT (1110)  SMTP_PORT (42525, Postfix's listener on 127.0.0.1)
#   MAIL_USER MAIL_PASSWORD MAIL_USER2 MAIL_PASSWORD2 (required: two accounts of one domain; MAIL_USER's INBOX gets
#   the bounce)   MAIL_USER3 MAIL_PASSWORD3 (required: a third account of that domain; its quota is set to 1 byte)
#   MAIL_CONSOLE_URL (required: admin-ui)   MAIL_ADMIN_TOKEN, or MAIL_ADMIN_USER (admin) and MAIL_ADMIN_PASSWORD
#   (a super-admin: a token is made for it through the console's login)
#   WORK_DIR (default: a new directory under /tmp)
# Needs root (Postfix's master runs as root and drops to the postfix user). Exit status 0 when all of it held.
set -euo pipefail

LMTP_PORT=${LMTP_PORT:-2424}
IMAP_PORT=${IMAP_PORT:-1143}
POP3_PORT=${POP3_PORT:-1110}
SMTP_PORT=${SMTP_PORT:-42525}
: "${MAIL_USER:?set MAIL_USER}" "${MAIL_PASSWORD:?set MAIL_PASSWORD}"
: "${MAIL_USER2:?set MAIL_USER2}" "${MAIL_PASSWORD2:?set MAIL_PASSWORD2}"
: "${MAIL_USER3:?set MAIL_USER3}" "${MAIL_PASSWORD3:?set MAIL_PASSWORD3}" "${MAIL_CONSOLE_URL:?set MAIL_CONSOLE_URL}"
[[ -n "${MAIL_ADMIN_TOKEN:-}" || -n "${MAIL_ADMIN_PASSWORD:-}" ]] || { echo "set MAIL_ADMIN_TOKEN or MAIL_ADMIN_PASSWORD" >&2; exit 2; }
MAILCTL="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../mailctl"
WORK_DIR=${WORK_DIR:-$(mktemp -d /tmp/lmtp-postfix.XXXXXX)}
mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
DOMAIN=${MAIL_USER#*@}
UNKNOWN="nobody-$$@$DOMAIN"

fail() { echo "lmtp-postfix: FAIL: $*" >&2; [[ -f "$WORK_DIR/postfix/maillog" ]] && tail -n 40 "$WORK_DIR/postfix/maillog" >&2; exit 1; }
step() { echo "lmtp-postfix: $*"; }
[[ "${MAIL_USER2#*@}" == "$DOMAIN" && "${MAIL_USER3#*@}" == "$DOMAIN" ]] \
  || fail "MAIL_USER, MAIL_USER2 and MAIL_USER3 must share a domain"

if ! command -v postfix >/dev/null 2>&1 || ! command -v swaks >/dev/null 2>&1; then
  step "installing postfix and swaks"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq postfix swaks >/dev/null
fi

# ---- the third account over quota: a token (the console's login, then POST /api/v1/tokens), then mailctl
if [[ -z "${MAIL_ADMIN_TOKEN:-}" ]]; then
  jar="$WORK_DIR/console.cookies"
  status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" --data-urlencode "username=${MAIL_ADMIN_USER:-admin}" \
    --data-urlencode "password=$MAIL_ADMIN_PASSWORD" "$MAIL_CONSOLE_URL/login") || status=000
  [[ "$status" == 303 ]] || fail "console login as ${MAIL_ADMIN_USER:-admin} answered $status"
  csrf=$(curl -s -b "$jar" "$MAIL_CONSOLE_URL/tokens" | grep -o 'name="_csrf" value="[^"]*"' | head -n 1 \
    | sed 's/.*value="//; s/"$//')
  [[ -n "$csrf" ]] || fail "no CSRF token on the console's tokens page"
  MAIL_ADMIN_TOKEN=$(curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data '{"name":"lmtp-postfix"}' "$MAIL_CONSOLE_URL/api/v1/tokens" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])') || fail "could not create an API token"
  rm -f "$jar"
fi
MAIL_ADMIN_TOKEN=$MAIL_ADMIN_TOKEN MAIL_CONSOLE_URL=$MAIL_CONSOLE_URL "$MAILCTL" quota set "$MAIL_USER3" 1 \
  > "$WORK_DIR/quota.json" || fail "mailctl quota set $MAIL_USER3 1 failed"
grep -q '"storageLimit":1[,}]' "$WORK_DIR/quota.json" || fail "the quota was not set: $(cat "$WORK_DIR/quota.json")"
step "$MAIL_USER3's quota set to 1 byte (mailctl quota set, over the REST API)"

# ---- a private Postfix instance
PF="$WORK_DIR/postfix"
rm -rf "$PF"
mkdir -p "$PF/etc" "$PF/queue" "$PF/data"
chown postfix "$PF/data"
cat > "$PF/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = mta.ci.test
mydomain = ci.test
myorigin = \$myhostname
mydestination =
mynetworks = 127.0.0.0/8
relayhost =
alias_maps =
alias_database =
append_dot_mydomain = no
smtputf8_enable = no
biff = no
# The virtual domain goes over LMTP; the LMTP server, not Postfix, decides who exists (so the unknown bounces).
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps =
virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
smtpd_reject_unlisted_recipient = no
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
# STARTTLS to lmtp-service when it offers it (it does when a certificate is configured).
lmtp_tls_security_level = may
lmtp_tls_loglevel = 1
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
CF
# Only the services this test needs, none chrooted (the queue directory holds no copy of /etc and the libraries).
cat > "$PF/etc/master.cf" <<CF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
lmtp      unix  - - n -  - lmtp
smtp      unix  - - n -  - smtp
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
tlsmgr    unix  - - n 1000? 1 tlsmgr
CF
export MAIL_CONFIG="$PF/etc"
stop_postfix() { postfix -c "$PF/etc" stop >/dev/null 2>&1 || true; }
trap stop_postfix EXIT
postfix -c "$PF/etc" check || fail "postfix check"
postfix -c "$PF/etc" start || fail "postfix start"
for _ in $(seq 1 50); do
  (exec 3<>/dev/tcp/127.0.0.1/"$SMTP_PORT") 2>/dev/null && break
  sleep 0.2
done
step "Postfix on 127.0.0.1:$SMTP_PORT, delivering $DOMAIN to LMTP 127.0.0.1:$LMTP_PORT"

# ---- one message, four recipients
MSGID="<lmtp-postfix.$$.$(date +%s%N)@ci.test>"
SENT="$WORK_DIR/sent.eml"
printf 'From: CI <%s>\r\nTo: <%s>, <%s>\r\nSubject: through postfix %s\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDelivered by Postfix over LMTP.\r\n.A line that starts with a dot.\r\n8bit: \xc3\xa9t\xc3\xa9\r\n' \
  "$MAIL_USER" "$MAIL_USER" "$MAIL_USER2" "$$" "$(date -R)" "$MSGID" > "$SENT"
# swaks ends the data with CRLF . CRLF itself: it gets the message without its last CRLF.
head -c -2 "$SENT" > "$SENT.swaks"
swaks --silent 2 --server 127.0.0.1:"$SMTP_PORT" --ehlo ci.test --from "$MAIL_USER" \
  --to "$MAIL_USER,$MAIL_USER2,$MAIL_USER3,$UNKNOWN" --data "$SENT.swaks" > "$WORK_DIR/swaks.log" 2>&1 \
  || { cat "$WORK_DIR/swaks.log" >&2; fail "swaks could not submit"; }
step "submitted $MSGID to $MAIL_USER, $MAIL_USER2, $MAIL_USER3 (over quota) and $UNKNOWN"

# ---- Postfix's view: two delivered over LMTP, the unknown one bounced with the LMTP server's 550 5.1.1 and the
# over-quota one with 552 5.2.2; the bounce itself delivered to the sender
deadline=$((SECONDS + 60))
until [[ $(grep -c "status=sent" "$PF/maillog" 2>/dev/null || true) -ge 3 ]] \
    && [[ $(grep -c "status=bounced" "$PF/maillog" 2>/dev/null || true) -ge 2 ]]; do
  ((SECONDS < deadline)) || fail "Postfix did not finish the deliveries in 60 s"
  sleep 0.5
done
grep "to=<$MAIL_USER>" "$PF/maillog" | grep -q "relay=127.0.0.1\[127.0.0.1\]:$LMTP_PORT.*status=sent" \
  || fail "$MAIL_USER was not delivered over LMTP"
grep "to=<$MAIL_USER2>" "$PF/maillog" | grep -q "status=sent" || fail "$MAIL_USER2 was not delivered"
grep "to=<$UNKNOWN>" "$PF/maillog" | grep "status=bounced" | grep -q "550 5.1.1" \
  || fail "the unknown recipient did not bounce with 550 5.1.1"
grep "to=<$MAIL_USER3>" "$PF/maillog" | grep "status=bounced" | grep -q "552 5.2.2" \
  || fail "the over-quota recipient did not bounce with 552 5.2.2"
grep -q "TLS connection established to 127.0.0.1\[127.0.0.1\]:$LMTP_PORT" "$PF/maillog" \
  && step "Postfix used STARTTLS to lmtp-service" || step "Postfix used plaintext LMTP (no certificate offered)"
step "Postfix: two delivered over LMTP, the unknown one bounced (550 5.1.1), the over-quota one too (552 5.2.2)"

# ---- read back over IMAP and POP3 and compare bytes
cat > "$WORK_DIR/readback.py" <<'PY'
import imaplib, poplib, sys
host, imap_port, pop3_port, user, password, msgid, out = sys.argv[1:8]
i = imaplib.IMAP4(host, int(imap_port)); i.login(user, password); i.select("INBOX", readonly=True)
typ, data = i.uid("SEARCH", None, "HEADER", "Message-ID", msgid)
uids = data[0].split()
if len(uids) != 1:
    sys.exit("IMAP: %d messages with %s in %s" % (len(uids), msgid, user))
imap_bytes = i.uid("FETCH", uids[0], "(BODY.PEEK[])")[1][0][1]
typ, data = i.uid("FETCH", uids[0], "(RFC822.SIZE)")
size = int(data[0].split(b"RFC822.SIZE ")[1].split(b")")[0].split(b" ")[0])
if size != len(imap_bytes):
    sys.exit("IMAP: RFC822.SIZE %d but %d bytes served" % (size, len(imap_bytes)))
bounce = b""
if len(sys.argv) > 8:
    typ, data = i.uid("SEARCH", None, "FROM", "MAILER-DAEMON")
    for u in data[0].split():
        bounce += i.uid("FETCH", u, "(BODY.PEEK[])")[1][0][1]
i.logout()
p = poplib.POP3(host, int(pop3_port)); p.user(user); p.pass_(password)
pop_bytes = None
for n in range(1, p.stat()[0] + 1):
    resp, lines, octets = p.retr(n)
    m = b"".join(l + b"\r\n" for l in lines)
    # The message's own header, not the bounce that quotes it.
    if (b"\r\nMessage-ID: " + msgid.encode() + b"\r\n") in m.split(b"\r\n\r\n", 1)[0] + b"\r\n":
        pop_bytes = m
        listed = int(p.list(n).split()[2])
        if listed != len(m):
            sys.exit("POP3: LIST says %d but RETR gave %d" % (listed, len(m)))
p.quit()
if pop_bytes is None:
    sys.exit("POP3: %s not found for %s" % (msgid, user))
if pop_bytes != imap_bytes:
    sys.exit("IMAP and POP3 served different bytes for " + user)
open(out, "wb").write(imap_bytes)
if len(sys.argv) > 8:
    if b"5.1.1" not in bounce or sys.argv[8].encode() not in bounce:
        sys.exit("no bounce naming %s with 5.1.1 in %s's INBOX" % (sys.argv[8], user))
    if len(sys.argv) > 9 and (b"5.2.2" not in bounce or sys.argv[9].encode() not in bounce):
        sys.exit("no bounce naming %s with 5.2.2 in %s's INBOX" % (sys.argv[9], user))
    print("bounce found")
PY
read_back() { # user password output [unknown address [over-quota address] whose bounce must be there]
  local tries=0
  until python3 "$WORK_DIR/readback.py" 127.0.0.1 "$IMAP_PORT" "$POP3_PORT" "$1" "$2" "$MSGID" "$3" ${4:+"$4"} ${5:+"$5"} \
      > "$WORK_DIR/readback.out" 2>&1; do
    tries=$((tries + 1))
    ((tries < 20)) || { cat "$WORK_DIR/readback.out" >&2; fail "read-back for $1"; }
    sleep 0.5 # the bounce is a second delivery, Postfix makes it shortly after the first
  done
}
read_back "$MAIL_USER" "$MAIL_PASSWORD" "$WORK_DIR/got1.eml" "$UNKNOWN" "$MAIL_USER3"
read_back "$MAIL_USER2" "$MAIL_PASSWORD2" "$WORK_DIR/got2.eml"
check_stored() { # file recipient
  # What was stored: the store's Return-Path and Delivered-To for this recipient, Postfix's Received: line, then
  # exactly the bytes swaks sent.
  local n
  n=$(stat -c %s "$SENT")
  tail -c "$n" "$1" | cmp -s - "$SENT" || fail "$1 does not end with the sent message byte for byte"
  head -n 3 "$1" | tr -d '\r' > "$1.head"
  printf 'Return-Path: <%s>\nDelivered-To: %s\n' "$MAIL_USER" "$2" | cmp -s - <(head -n 2 "$1.head") \
    || fail "$1 does not start with Return-Path and Delivered-To for $2: $(cat "$1.head")"
  grep -q "^Received: " <(sed -n 3p "$1.head") || fail "$1 has no Received: line from Postfix after them"
}
check_stored "$WORK_DIR/got1.eml" "$MAIL_USER"
check_stored "$WORK_DIR/got2.eml" "$MAIL_USER2"
# The over-quota account got nothing (a fresh account: its INBOX, where delivery goes, stays empty).
python3 - 127.0.0.1 "$IMAP_PORT" "$MAIL_USER3" "$MAIL_PASSWORD3" "$MSGID" <<'PY' || fail "$MAIL_USER3 got the message"
import imaplib, sys
host, port, user, password, msgid = sys.argv[1:6]
i = imaplib.IMAP4(host, int(port)); i.login(user, password)
n = int(i.select("INBOX", readonly=True)[1][0])
found = i.uid("SEARCH", None, "HEADER", "Message-ID", msgid)[1][0].split()
i.logout()
if n or found:
    sys.exit("%s's INBOX holds %d messages, %d of them %s" % (user, n, len(found), msgid))
PY
step "$MAIL_USER3 (over quota) got nothing"
step "read back over IMAP and POP3: identical bytes and sizes, Return-Path and Delivered-To per recipient, the sent message intact; the bounce is in $MAIL_USER's INBOX"
step "passed"
