#!/usr/bin/env bash
# offlineimap (Debian's offlineimap3) against a platform that is already running (./mailctl run): a two-way sync of
# folders, flags and a keyword between the server and a local Maildir, then a sync that must change nothing on
# either side. Called by imap-clients.sh; can run on its own. Prints "ok - ..." per check; stops at the first
# failure with "not ok - ..." and a non-zero exit. Writes only below $WORK_DIR/offlineimap (removed at the end
# unless KEEP_WORK is set).
#
# Environment:
#   IMAP_HOST      [127.0.0.1]
#   IMAPS_PORT     implicit TLS port [1993]
#   MAIL_USER2, MAIL_PASSWORD2  a seeded account reserved for this script; it syncs INBOX and the folders it
#                  creates (named after the run id), so it can run again against the same account
#   WORK_DIR       scratch directory [a new mktemp -d]
#   RUN            run id [ct<time><pid>]
set -euo pipefail

IMAP_HOST=${IMAP_HOST:-127.0.0.1}
IMAPS_PORT=${IMAPS_PORT:-1993}
: "${MAIL_USER2:?MAIL_USER2 must name a second seeded account}"
: "${MAIL_PASSWORD2:?MAIL_PASSWORD2 must be set}"
WORK_DIR=${WORK_DIR:-$(mktemp -d)}
RUN=${RUN:-ct$(date +%s)$$}
OI=$WORK_DIR/offlineimap
rm -rf "$OI"
mkdir -p "$OI"
OI=$(cd "$OI" && pwd)
export IMAP_HOST IMAPS_PORT MAIL_USER2 MAIL_PASSWORD2 RUN OI
started=$SECONDS

ok() { echo "ok - $*"; }
die() {
  echo "not ok - $*" >&2
  exit 1
}
on_err() { echo "not ok - offlineimap.sh: unexpected failure at line $1: ${2%%$'\n'*}" >&2; }
trap 'on_err $LINENO "$BASH_COMMAND"' ERR

for tool in offlineimap openssl python3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# The server's certificate is self-signed: offlineimap pins its SHA-256 fingerprint.
fp=$(openssl s_client -connect "$IMAP_HOST:$IMAPS_PORT" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 |
  sed 's/.*=//') || die "could not read the server certificate from $IMAP_HOST:$IMAPS_PORT"
[[ -n "$fp" ]] || die "no certificate fingerprint from $IMAP_HOST:$IMAPS_PORT"

# Folders: INBOX, $RUN-oi and $RUN-oi/sub made on the server, $RUN-oi-local made in the Maildir. sep = / keeps the
# hierarchy as nested directories. $Label1 is the Maildir letter a (customflag_a).
MD=$OI/mail
mkdir -p "$MD" "$OI/meta"
cat >"$OI/offlineimaprc" <<EOF
[general]
accounts = ci
metadata = $OI/meta
ui = basic
maxsyncaccounts = 1

[Account ci]
localrepository = local
remoterepository = remote

[Repository local]
type = Maildir
localfolders = $MD
sep = /
customflag_a = \$Label1

[Repository remote]
type = IMAP
remotehost = $IMAP_HOST
remoteport = $IMAPS_PORT
ssl = yes
cert_fingerprint = $fp
remoteuser = $MAIL_USER2
remotepass = $MAIL_PASSWORD2
auth_mechanisms = LOGIN
maxconnections = 1
holdconnectionopen = no
folderfilter = lambda f: f == 'INBOX' or f.startswith('$RUN-oi')
EOF
chmod 600 "$OI/offlineimaprc"

# One sync (-o: once). offlineimap exits 0 even when a folder or a message failed; its log says so with ERROR or
# WARNING. -d imap writes the IMAP exchange to log.<label>.debug.
oi_run() {
  local log=$OI/log.$1
  timeout 60 offlineimap -c "$OI/offlineimaprc" -o -u basic -d imap -l "$log.debug" >"$log" 2>&1 ||
    die "offlineimap ($1) failed: $(tail -5 "$log")"
  if grep -E -q 'ERROR|WARNING|Traceback' "$log"; then
    die "offlineimap ($1) reported a problem: $(grep -E -A3 'ERROR|WARNING|Traceback' "$log" | head -12)"
  fi
}

# The helper: seeds and changes the server (imaplib over IMAPS), and compares the server with the Maildir.
cat >"$OI/oi.py" <<'PY'
import imaplib, json, os, re, ssl, sys

host, port = os.environ["IMAP_HOST"], int(os.environ["IMAPS_PORT"])
user, password, run, oi = os.environ["MAIL_USER2"], os.environ["MAIL_PASSWORD2"], os.environ["RUN"], os.environ["OI"]
md = f"{oi}/mail"
FOLDERS = ["INBOX", f"{run}-oi", f"{run}-oi/sub"]
LETTER = {"\\Seen": "S", "\\Answered": "R", "\\Flagged": "F", "\\Draft": "D", "\\Deleted": "T", "$Label1": "a"}

def die(text):
    print(f"not ok - offlineimap: {text}", file=sys.stderr, flush=True)
    sys.exit(1)

def expect_ok(result, what):
    typ, data = result
    if typ != "OK":
        die(f"{what}: {typ} {data}")
    return data

def connect():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx)
    expect_ok(m.login(user, password), "LOGIN")
    return m

def message(name):
    """A short message: one-line headers under 78 characters, which offlineimap's email package passes unchanged."""
    return (f"From: Sender <sender@example.test>\r\nTo: Receiver <receiver@example.test>\r\n"
            f"Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{name}.{run}@example.test>\r\n"
            f"Subject: {run} {name}\r\n\r\nBody of {name}.\r\nSecond line.\r\n").encode()

def maildir_flags(flags):
    return "".join(sorted(LETTER[f] for f in flags if f != "\\Recent"))

def server_folders(m):
    out = []
    for line in expect_ok(m.list(), "LIST"):
        name = line.decode().rsplit(' "/" ', 1)[1].strip('"')
        if name == "INBOX" or name.startswith(f"{run}-oi"):
            out.append(name)
    return sorted(out)

def server_state(m, with_bodies=True):
    """{folder: {"status": ..., "uids": {uid: [letters, body with LF]}}}, read with EXAMINE (changes nothing)."""
    state = {}
    for f in server_folders(m):
        st = expect_ok(m.status(f'"{f}"', "(MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"), f"STATUS {f}")[0].decode()
        st = re.sub(r"^.*?\(", "(", st)
        expect_ok(m.select(f'"{f}"', readonly=True), f"EXAMINE {f}")
        uids = {}
        for line in expect_ok(m.uid("FETCH", "1:*", "(FLAGS)"), f"UID FETCH 1:* FLAGS in {f}"):
            if not line:
                continue
            line = line.decode()
            uid = re.search(r"UID (\d+)", line).group(1)
            flags = re.search(r"FLAGS \(([^)]*)\)", line).group(1).split()
            uids[uid] = [maildir_flags(flags), None]
        if with_bodies:
            for uid in uids:
                data = expect_ok(m.uid("FETCH", uid, "(BODY.PEEK[])"), f"UID FETCH {uid} BODY.PEEK[] in {f}")
                uids[uid][1] = data[0][1].replace(b"\r\n", b"\n").decode("latin-1")
        state[f] = {"status": st, "uids": uids}
    return state

def maildir_state():
    """{folder: {uid: [letters, body]}} from the Maildir; a file without U= is listed as "new:<name>"."""
    state = {}
    for root, dirs, files in os.walk(md):
        if {"cur", "new", "tmp"} <= set(dirs):
            box = state.setdefault(os.path.relpath(root, md), {})
            for sub in ("cur", "new"):
                for name in os.listdir(os.path.join(root, sub)):
                    u = re.search(r",U=(\d+)", name)
                    flags = name.split(":2,", 1)[1] if ":2," in name else ""
                    body = open(os.path.join(root, sub, name), "rb").read().decode("latin-1")
                    box[u.group(1) if u else f"new:{name}"] = ["".join(sorted(flags)), body]
    return state

def this_run(box):
    """{name: (uid, letters, body)} for the messages of this run in a folder, by their Subject."""
    out = {}
    for uid, (flags, body) in box.items():
        s = re.search(rf"^Subject: {re.escape(run)} (\S+)$", body, re.M)
        if s:
            if s.group(1) in out:
                die(f"message {s.group(1)} is there twice (UIDs {out[s.group(1)][0]} and {uid})")
            out[s.group(1)] = (uid, flags, body)
    return out

def cmd_seed():
    m = connect()
    for f in FOLDERS[1:]:
        expect_ok(m.create(f'"{f}"'), f"CREATE {f}")
    seed = [("INBOX", "m1", r"(\Seen)"), ("INBOX", "m2", "()"), ("INBOX", "m3", r"(\Flagged \Answered)"),
            ("INBOX", "m4", r"(\Seen $Label1)"), (FOLDERS[1], "m5", r"(\Seen)"), (FOLDERS[1], "m6", r"(\Draft)"),
            (FOLDERS[2], "m7", r"(\Seen \Flagged)")]
    for f, name, flags in seed:
        expect_ok(m.append(f'"{f}"', flags, None, message(name)), f"APPEND {name} to {f}")
    m.logout()

def one_uid(m, name):
    uid = expect_ok(m.uid("SEARCH", None, "SUBJECT", f'"{run} {name}"'), f"SEARCH {name}")[0].decode().split()
    if len(uid) != 1:
        die(f"UID SEARCH SUBJECT {name}: {uid}")
    return uid[0]

def cmd_server_changes():
    """INBOX m3: -\\Answered +$Label1; INBOX: APPEND m8 \\Seen; $RUN-oi m6: \\Deleted and EXPUNGE."""
    m = connect()
    expect_ok(m.select("INBOX"), "SELECT INBOX")
    uid = one_uid(m, "m3")
    expect_ok(m.uid("STORE", uid, "-FLAGS", r"(\Answered)"), "STORE -FLAGS")
    expect_ok(m.uid("STORE", uid, "+FLAGS", r"($Label1)"), "STORE +FLAGS")
    expect_ok(m.append("INBOX", r"(\Seen)", None, message("m8")), "APPEND m8")
    expect_ok(m.select(f'"{FOLDERS[1]}"'), f"SELECT {FOLDERS[1]}")
    expect_ok(m.uid("STORE", one_uid(m, "m6"), "+FLAGS", r"(\Deleted)"), "STORE \\Deleted")
    expect_ok(m.expunge(), "EXPUNGE")
    m.logout()

def cmd_write_message(name, path):
    open(path, "wb").write(message(name).replace(b"\r\n", b"\n"))

def cmd_expect(spec_json):
    """The server and the Maildir hold exactly the folders of spec ({folder: {name: letters}}) and, of this run, exactly
    its messages with those flags, on both sides under the same UID, with the bytes that were written (LF in the
    Maildir, CRLF on the server); and every other message (earlier runs' in INBOX) is the same on both sides."""
    spec = json.loads(spec_json)
    m = connect()
    server = server_state(m)
    m.logout()
    local = maildir_state()
    if sorted(server) != sorted(spec):
        die(f"server folders {sorted(server)}, expected {sorted(spec)}")
    if sorted(local) != sorted(spec):
        die(f"Maildir folders {sorted(local)}, expected {sorted(spec)}")
    for f, want in spec.items():
        s, l = this_run(server[f]["uids"]), this_run(local[f])
        have_s = {n: v[1] for n, v in s.items()}
        have_l = {n: v[1] for n, v in l.items()}
        if have_s != want:
            die(f"server {f}: messages and flags {have_s}, expected {want}")
        if have_l != want:
            die(f"Maildir {f}: messages and flags {have_l}, expected {want}")
        for n in want:
            if s[n][0] != l[n][0]:
                die(f"{f} {n}: UID {s[n][0]} on the server, {l[n][0]!r} in the Maildir file name")
            expected = message(n).replace(b"\r\n", b"\n").decode("latin-1")
            if s[n][2] != expected:
                die(f"{f} {n}: the server's bytes differ from what was written: {s[n][2]!r}")
            if l[n][2] != expected:
                die(f"{f} {n}: the Maildir's bytes differ from what was written: {l[n][2]!r}")
        if sorted(server[f]["uids"]) != sorted(local[f]):
            die(f"{f}: UIDs on the server {sorted(server[f]['uids'])}, in the Maildir {sorted(local[f])}")
        for uid, (flags, body) in server[f]["uids"].items():
            if local[f][uid] != [flags, body]:
                die(f"{f} UID {uid}: flags {flags!r} on the server, {local[f][uid][0]!r} in the Maildir (or the bytes differ)")

def cmd_snapshot(path):
    """The server's STATUS and UID/FLAGS list per folder, and the Maildir's sorted file names with sizes."""
    m = connect()
    server = server_state(m, with_bodies=False)
    m.logout()
    files = []
    for root, dirs, names in os.walk(md):
        for n in names:
            p = os.path.join(root, n)
            files.append(f"{os.path.relpath(p, md)} {os.path.getsize(p)}")
    json.dump({"server": server, "maildir": sorted(files)}, open(path, "w"), indent=1, sort_keys=True)

{"seed": cmd_seed, "server-changes": cmd_server_changes, "write-message": cmd_write_message,
 "expect": cmd_expect, "snapshot": cmd_snapshot}[sys.argv[1]](*sys.argv[2:])
PY
oi() { python3 "$OI/oi.py" "$@"; }
# The Maildir file in folder $1 of this run's message $2 (empty if none).
md_file() { find "$MD/$1/cur" "$MD/$1/new" -type f -print0 | xargs -0 grep -l "^Subject: $RUN $2\$" | head -1 || true; }

# ---------------------------------------------------------------------------------------------------------------
oi seed
ok "offlineimap: seeded with imaplib: INBOX m1 \\Seen, m2, m3 \\Flagged \\Answered, m4 \\Seen \$Label1; $RUN-oi m5 \\Seen, m6 \\Draft; $RUN-oi/sub m7 \\Seen \\Flagged"

oi_run first
oi expect "{\"INBOX\": {\"m1\": \"S\", \"m2\": \"\", \"m3\": \"FR\", \"m4\": \"Sa\"},
  \"$RUN-oi\": {\"m5\": \"S\", \"m6\": \"D\"}, \"$RUN-oi/sub\": {\"m7\": \"FS\"}}"
ok "offlineimap over IMAPS, first sync: every message is in the Maildir under its server UID, with its flags (S R F D, \$Label1 as a) and bytes (LF for CRLF)"

# Local changes: m2 gets F and S (rename), m1 is deleted, a new message in $RUN-oi (new/, no flags) and one with F
# in cur/, a new folder $RUN-oi-local with a seen message.
f=$(md_file INBOX m2)
[[ -n "$f" ]] || die "m2 is not in the Maildir INBOX"
mv "$f" "$MD/INBOX/cur/$(basename "${f%%:2,*}"):2,FS"
f=$(md_file INBOX m1)
[[ -n "$f" ]] || die "m1 is not in the Maildir INBOX"
rm "$f"
oi write-message l1 "$MD/$RUN-oi/new/1700000001.oi1.localhost"
oi write-message l2 "$MD/$RUN-oi/cur/1700000002.oi2.localhost:2,F"
mkdir -p "$MD/$RUN-oi-local/"{cur,new,tmp}
oi write-message l3 "$MD/$RUN-oi-local/cur/1700000003.oi3.localhost:2,S"
# Server changes: m3 -\Answered +$Label1, m8 appended \Seen, m6 expunged.
oi server-changes

oi_run second
oi expect "{\"INBOX\": {\"m2\": \"FS\", \"m3\": \"Fa\", \"m4\": \"Sa\", \"m8\": \"S\"},
  \"$RUN-oi\": {\"m5\": \"S\", \"l1\": \"\", \"l2\": \"F\"}, \"$RUN-oi/sub\": {\"m7\": \"FS\"},
  \"$RUN-oi-local\": {\"l3\": \"S\"}}"
ok "offlineimap, second sync converges: local F+S, a deletion, two new messages and a new folder reach the server; the server's -\\Answered +\$Label1, APPEND and EXPUNGE reach the Maildir (same UIDs, flags, bytes)"

oi snapshot "$OI/before.json"
oi_run third
oi snapshot "$OI/after.json"
[[ $(grep -c '"status": ".*HIGHESTMODSEQ [1-9]' "$OI/before.json") -eq 4 ]] ||
  die "offlineimap: STATUS gave no HIGHESTMODSEQ for some folder: $(grep '"status"' "$OI/before.json")"
diff -u "$OI/before.json" "$OI/after.json" >"$OI/third.diff" ||
  die "offlineimap: the sync with nothing to do changed something: $(head -40 "$OI/third.diff")"
ok "offlineimap, third sync changes nothing: STATUS (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ) and UID/FLAGS of all 4 folders, and the Maildir's file names and sizes, are the same before and after"

# What offlineimap sent (its -d imap log has a "writer > b'TAG COMMAND ..." line per command): a note, not a check.
if grep -h -o "writer > b'[A-Z]*[0-9]* [^']*" "$OI"/log.*.debug | grep -q -E 'ENABLE|MODSEQ|CHANGEDSINCE'; then
  echo "# note: offlineimap sent CONDSTORE commands"
else
  echo "# note: offlineimap $(offlineimap --version) sent no CONDSTORE command (no ENABLE, MODSEQ, CHANGEDSINCE): it reads FETCH 1:* (FLAGS UID INTERNALDATE) in every folder on every sync"
fi
[[ -n "${KEEP_WORK:-}" ]] || rm -rf "$OI"
echo "# offlineimap checks passed in $((SECONDS - started)) s"
