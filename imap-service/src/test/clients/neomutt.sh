#!/usr/bin/env bash
# neomutt against a platform that is already running (./mailctl run), driven headless in a private tmux server
# (send-keys, capture-pane): it opens a folder over IMAPS, deletes and flags messages with its keys and syncs; a
# second session with its header cache and imap_condstore resyncs flags with UID FETCH (CHANGEDSINCE) after the
# server changed them. Called by imap-clients.sh; can run on its own. Prints "ok - ..." per check; stops at the first
# failure with "not ok - ..." and a non-zero exit. Writes only below $WORK_DIR/neomutt (removed at the end unless
# KEEP_WORK is set).
#
# Environment:
#   IMAP_HOST      [127.0.0.1]
#   IMAPS_PORT     implicit TLS port [1993]
#   MAIL_USER2, MAIL_PASSWORD2  a seeded account; the script works in a folder named after the run id
#   WORK_DIR       scratch directory [a new mktemp -d]
#   RUN            run id [ct<time><pid>]
set -euo pipefail

IMAP_HOST=${IMAP_HOST:-127.0.0.1}
IMAPS_PORT=${IMAPS_PORT:-1993}
: "${MAIL_USER2:?MAIL_USER2 must name a second seeded account}"
: "${MAIL_PASSWORD2:?MAIL_PASSWORD2 must be set}"
WORK_DIR=${WORK_DIR:-$(mktemp -d)}
RUN=${RUN:-ct$(date +%s)$$}
NM=$WORK_DIR/neomutt
rm -rf "$NM"
mkdir -p "$NM"
NM=$(cd "$NM" && pwd)
BOX=$RUN-nm
export IMAP_HOST IMAPS_PORT MAIL_USER2 MAIL_PASSWORD2 RUN BOX
started=$SECONDS

ok() { echo "ok - $*"; }
die() {
  echo "not ok - $*" >&2
  exit 1
}
on_err() { echo "not ok - neomutt.sh: unexpected failure at line $1: ${2%%$'\n'*}" >&2; }
trap 'on_err $LINENO "$BASH_COMMAND"' ERR

for tool in neomutt tmux openssl python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# A tmux server of our own (its socket under $NM), killed on exit.
TMUX_SOCK=$NM/tmux.sock
tm() { tmux -S "$TMUX_SOCK" "$@"; }
cleanup() {
  tm kill-server 2>/dev/null || true
  [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$NM"
}
trap cleanup EXIT

# imaplib on the server: "state" prints "subject:flags ..." sorted by UID; the other commands change the folder.
imap() {
  python3 - "$@" <<'PY'
import imaplib, os, re, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL(os.environ["IMAP_HOST"], int(os.environ["IMAPS_PORT"]), ssl_context=ctx)
def ok(r, what):
    if r[0] != "OK":
        sys.exit(f"{what}: {r}")
    return r[1]
ok(m.login(os.environ["MAIL_USER2"], os.environ["MAIL_PASSWORD2"]), "LOGIN")
run, box = os.environ["RUN"], os.environ["BOX"]
def message(name):
    return (f"From: Sender <sender@example.test>\r\nTo: Receiver <receiver@example.test>\r\n"
            f"Date: Mon, 02 Nov 2026 10:00:0{name[-1]} +0000\r\nMessage-ID: <{name}.{run}@example.test>\r\n"
            f"Subject: {run} {name}\r\n\r\nBody of {name}.\r\n").encode()
def uid_of(name):
    u = ok(m.uid("SEARCH", None, "SUBJECT", f'"{run} {name}"'), "SEARCH")[0].split()
    if len(u) != 1:
        sys.exit(f"UID SEARCH SUBJECT {name}: {u}")
    return u[0].decode()
cmd = sys.argv[1]
if cmd == "seed":
    ok(m.create(box), f"CREATE {box}")
    for name, flags in (("n0", r"(\Seen)"), ("n1", "()"), ("n2", r"(\Seen \Flagged)")):
        ok(m.append(box, flags, None, message(name)), f"APPEND {name}")
elif cmd == "change":
    ok(m.select(box), f"SELECT {box}")
    ok(m.uid("STORE", uid_of("n1"), "+FLAGS", r"(\Seen)"), "STORE")
    ok(m.uid("STORE", uid_of("n2"), "-FLAGS", r"(\Flagged)"), "STORE")
    ok(m.append(box, None, None, message("n3")), "APPEND n3")
elif cmd == "state":
    ok(m.select(box, readonly=True), f"EXAMINE {box}")
    out = []
    for uid in ok(m.uid("SEARCH", None, "ALL"), "SEARCH ALL")[0].split():
        data = ok(m.uid("FETCH", uid, "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"), "FETCH")
        flags = re.search(rb"FLAGS \(([^)]*)\)", data[0][0]).group(1).decode().split()
        subject = data[0][1].decode().strip().rsplit(" ", 1)[1]
        out.append(f"{subject}:{','.join(sorted(f for f in flags if f != chr(92) + 'Recent'))}")
    print(" ".join(out))
m.logout()
PY
}

openssl s_client -connect "$IMAP_HOST:$IMAPS_PORT" </dev/null 2>/dev/null | openssl x509 >"$NM/server.pem" ||
  die "could not read the server certificate from $IMAP_HOST:$IMAPS_PORT"
# certificate_file holds the certificates neomutt trusts: exactly the server's self-signed one. mark_old=no: no "Old"
# keyword at quit. timeout=1: the index is redrawn (and a NOOP sent) every second. The index and status formats are
# made to be read back from the screen: %Z is the flags column (N new, D deleted, ! flagged).
user_enc=${MAIL_USER2//@/%40}
cat >"$NM/muttrc" <<EOF
set folder="imaps://$user_enc@$IMAP_HOST:$IMAPS_PORT/"
set imap_pass="$MAIL_PASSWORD2"
set spoolfile="+$BOX"
set certificate_file="$NM/server.pem"
set header_cache="$NM/hcache"
set imap_condstore=yes
set mail_check_stats=no
set sort=date
set index_format="IDX %Z [%s]"
set status_format="STATUS msgs=%m new=%n flagged=%F del=%d"
set quit=yes
set delete=yes
set move=no
set mark_old=no
set record=""
set wait_key=no
set timeout=1
EOF
chmod 600 "$NM/muttrc"

# Starts neomutt in the tmux server; the pane stays after it ends, showing EXIT=<its exit code>.
nm_start() {
  tm new-session -d -s "$1" -x 160 -y 30 \
    "neomutt -n -F '$NM/muttrc' -d 5 -l '$NM/log.$1'; echo EXIT=\$?; sleep 60"
}
screen() { tm capture-pane -p -t "$1" 2>/dev/null | sed 's/ *$//' | grep -v '^$' || true; }
# Waits up to 20 s until the screen of session $1 has a line matching $2 (grep -E).
wait_screen() {
  local i
  for i in $(seq 1 100); do
    screen "$1" | grep -E -q -- "$2" && return 0
    sleep 0.2
  done
  die "neomutt ($1): no line matching '$2' on the screen within 20 s; the screen: $(screen "$1")"
}
keys() {
  tm send-keys -t "$1" "$2"
  sleep 0.3
}
# The index lines (flags column and subject) of this run's messages, in screen order.
index() { screen "$1" | sed -n "s/^IDX \(...\) \[$RUN \(n[0-9]\)\]\$/\2:\1/p" | tr '\n' ' '; }
# Waits up to 5 s until index $1 reads $2; dies with $3 and what it shows otherwise.
wait_index() {
  local i got
  for i in $(seq 1 25); do
    got=$(index "$1")
    [[ "$got" == "$2" ]] && return 0
    sleep 0.2
  done
  die "neomutt ($1): the index shows '$got', expected '$2': $3"
}

imap seed
ok "neomutt: seeded $BOX with imaplib: n0 \\Seen, n1, n2 \\Seen \\Flagged"

nm_start one
wait_screen one '^STATUS msgs=3 new=1 flagged=1 del=0$'
wait_index one "n0:    n1:N   n2:  ! " "n0 read, n1 new, n2 flagged"
ok "neomutt over IMAPS (server certificate trusted by certificate_file): logs in, opens $BOX, the index shows 3 messages, 1 new, 1 flagged, the right flags on each"

# = first entry (n0), d delete; = j to n1, F flag; $ sync (expunges n0); q quit.
keys one '='
keys one 'd'
keys one '='
keys one 'j'
keys one 'F'
wait_screen one '^STATUS msgs=3 new=1 flagged=2 del=1$'
keys one '$'
wait_screen one '^STATUS msgs=2 new=1 flagged=2 del=0$'
keys one 'q'
wait_screen one '^EXIT=0$'
state=$(imap state)
[[ "$state" == 'n1:\Flagged n2:\Flagged,\Seen' ]] || die "neomutt (one): after d on n0, F on n1 and \$, the server has '$state'"
ok "neomutt: d, F and \$ (sync) expunge n0 and flag n1 on the server (imaplib: $state); q exits 0"

# Server-side changes, then a second session from the header cache: CONDSTORE resync of the flags.
imap change
nm_start two
wait_screen two '^STATUS msgs=3 new=1 flagged=1 del=0$'
wait_index two "n1:  ! n2:    n3:N   " "n1 read and flagged, n2 read, n3 new (the server's flags)"
grep -q -E '> a[0-9]+ UID FETCH [0-9:]+ \(FLAGS\) \(CHANGEDSINCE [0-9]+\)' "$NM"/log.two* ||
  die "neomutt (two): no UID FETCH (FLAGS) (CHANGEDSINCE n) in its IMAP log: $(grep -h -E '> a[0-9]+ ' "$NM"/log.two* | grep -v NOOP | head -10)"
keys two 'q'
wait_screen two '^EXIT=0$'
state=$(imap state)
[[ "$state" == 'n1:\Flagged,\Seen n2:\Seen n3:' ]] || die "neomutt (two): quitting changed the server: '$state'"
ok "neomutt with header cache and imap_condstore: after the server set \\Seen on n1, cleared \\Flagged on n2 and got n3, reopening resyncs with UID FETCH (FLAGS) (CHANGEDSINCE) and shows the server's flags; quitting changes nothing"

echo "# neomutt checks passed in $((SECONDS - started)) s"
