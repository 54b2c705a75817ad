#!/usr/bin/env bash
# The LMTP delivery benchmark (a command, not a timed test): the same load against this platform's lmtp-service and
# against Dovecot's LMTP (Debian dovecot-lmtpd, installed when missing, configured here on loopback with Maildir
# storage), figures side by side from one run. Load: SESSIONS concurrent LMTP sessions delivering MESSAGES messages
# of 5-100 KB, pipelined as Postfix does, first to 1 recipient each, then to 10. Per run it prints messages/s,
# recipients/s and CPU milliseconds per delivered recipient for each process group (lmtp-service, store-service,
# PostgreSQL, the launcher with its embedded S3; Dovecot's processes). Before the measured runs each server gets
# WARMUP messages (1 recipient, not measured), so that the JVMs' JIT warm-up is not charged to the first run.
#
#   lmtp-service/bench/lmtp-bench.sh          (after ./mvnw -B package -DskipTests; needs root for Dovecot)
#   SESSIONS=20 MESSAGES=2000 USERS=50 lmtp-service/bench/lmtp-bench.sh
#
# The platform is started from the packaged jars (java -jar local-platform/target/local-platform.jar) with its own
# ports and a scratch data directory, durable as ./mailctl runs it (PostgreSQL fsync on, S3 on disk).
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
repo=$(pwd)
SESSIONS=${SESSIONS:-10}
MESSAGES=${MESSAGES:-500}
USERS=${USERS:-20}
WARMUP=${WARMUP:-300}
LMTP_PORT=${LMTP_PORT:-53424}
DOVECOT_PORT=${DOVECOT_PORT:-53425}
work=$(mktemp -d /tmp/lmtp-bench.XXXXXX)
chmod 755 "$work"
launcher=""
cleanup() {
  [[ -n "$launcher" ]] && kill -TERM "$launcher" 2>/dev/null && wait "$launcher" 2>/dev/null || true
  [[ -f "$work/dovecot/dovecot.conf" ]] && doveadm -c "$work/dovecot/dovecot.conf" stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for f in local-platform/target/local-platform.jar store-service/target/quarkus-app/quarkus-run.jar \
    lmtp-service/target/quarkus-app/quarkus-run.jar; do
  [[ -f "$f" ]] || { echo "missing $f: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
done
if ! command -v dovecot >/dev/null || [[ ! -x /usr/lib/dovecot/lmtp ]]; then
  echo "installing dovecot-lmtpd"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-lmtpd >/dev/null
fi

# ---- the users, on both sides
: > "$work/seed.txt"; : > "$work/rcpts.txt"; : > "$work/users"
for i in $(seq 1 "$USERS"); do
  echo "bench$i@bench.example:bench-password-$i" >> "$work/seed.txt"
  echo "bench$i@bench.example" >> "$work/rcpts.txt"
  echo "bench$i@bench.example:{PLAIN}bench-password-$i::::::" >> "$work/users"
done

# ---- this platform (only the store and lmtp-service are needed; the IMAP/POP3 jars start too when packaged)
env MAIL_DATA_DIR="$work/platform" MAIL_SEED_ACCOUNTS="$work/seed.txt" MAIL_PG_PORT=0 MAIL_S3_PORT=0 \
  MAIL_STORE_PORT=0 MAIL_STORE_HTTP_PORT=0 MAIL_IMAP_HTTP_PORT=0 MAIL_POP3_HTTP_PORT=0 MAIL_LMTP_HTTP_PORT=0 \
  MAIL_CONSOLE_PORT=0 MAIL_IMAP_PORT=0 MAIL_IMAPS_PORT=0 MAIL_POP3_PORT=0 MAIL_POP3S_PORT=0 \
  MAIL_LMTP_PORT="$LMTP_PORT" MAIL_LMTP_DUPLICATE_WINDOW=0s MAIL_PLATFORM_HOME="$repo" \
  java -jar local-platform/target/local-platform.jar run > "$work/platform.out" 2>&1 &
launcher=$!
for _ in $(seq 1 300); do
  grep -q "Mail platform ready" "$work/platform.out" && break
  kill -0 "$launcher" 2>/dev/null || break
  sleep 1
done
grep -q "Mail platform ready" "$work/platform.out" || { cat "$work/platform.out" >&2; exit 1; }

# ---- Dovecot's LMTP on loopback, Maildir under $work, mail owned by nobody
mkdir -p "$work/dovecot/mail" "$work/dovecot/run" "$work/dovecot/state"
chown nobody "$work/dovecot/mail"
cat > "$work/dovecot/dovecot.conf" <<CONF
protocols = lmtp
listen = 127.0.0.1
base_dir = $work/dovecot/run
state_dir = $work/dovecot/state
log_path = $work/dovecot/dovecot.log
ssl = no
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:$work/dovecot/mail/%n
mail_uid = nobody
mail_gid = nogroup
passdb {
  driver = passwd-file
  args = $work/users
}
userdb {
  driver = passwd-file
  args = $work/users
  default_fields = home=$work/dovecot/mail/%n
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $DOVECOT_PORT
  }
}
CONF
dovecot -c "$work/dovecot/dovecot.conf"
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/"$DOVECOT_PORT") 2>/dev/null && break; sleep 0.2; done

# ---- CPU of process groups, in clock ticks, from /proc: each process's own time plus that of its children it has
# reaped (PostgreSQL's and Dovecot's per-connection processes come and go), so nothing is lost or counted twice.
ticks() { # pids...
  local t=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] || continue
    t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13 + $14 + $15}')))
  done
  echo "$t"
}
descendants() { # pid: it and every process below it
  local p=$1 c
  echo "$p"
  for c in $(pgrep -P "$p"); do descendants "$c"; done
}
group() { # name=tree:PATTERN (matching processes and everything below them) or name=under:ROOT:PATTERN
  local spec=${1#*=} p
  case "$spec" in
    tree:*)
      for p in $(pgrep -f -- "${spec#tree:}"); do descendants "$p"; done | sort -u | tr '\n' ' ' ;;
    under:*)
      spec=${spec#under:}
      for p in $(descendants "${spec%%:*}"); do
        tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "${spec#*:}" && echo "$p"
      done | tr '\n' ' ' ;;
  esac
}
hz=$(getconf CLK_TCK)

run() { # label port recipients groups...
  local label=$1 port=$2 rcpts=$3
  shift 3
  declare -A before
  local g
  for g in "$@"; do before[$g]=$(ticks $(group "$g")); done
  local out
  out=$(python3 lmtp-service/bench/lmtp_load.py 127.0.0.1 "$port" "$SESSIONS" "$MESSAGES" "$rcpts" "$work/rcpts.txt")
  local msgs recs secs
  msgs=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["messages"])' "$out")
  recs=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["recipients"])' "$out")
  secs=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$out")
  printf '%-22s %2d rcpt  %6.1f msg/s  %7.1f rcpt/s  (%d messages, %d recipients in %.1f s)  ' "$label" "$rcpts" \
    "$(python3 -c "print($msgs/$secs)")" "$(python3 -c "print($recs/$secs)")" "$msgs" "$recs" "$secs"
  for g in "$@"; do
    local used=$(( $(ticks $(group "$g")) - ${before[$g]} ))
    printf '%s %.2f ms/rcpt  ' "${g%%=*}" "$(python3 -c "print($used * 1000.0 / $hz / max(1, $recs))")"
  done
  echo
}

# The launcher (its embedded S3 runs in it) and the services by their jars, only among the launcher's children; the
# embedded PostgreSQL (daemonized by pg_ctl) by its data directory.
ours=("lmtp-service=under:$launcher:lmtp-service/target/quarkus-app"
      "store-service=under:$launcher:store-service/target/quarkus-app"
      "postgres=tree:$work/platform/postgres" "launcher+s3=under:$launcher:local-platform.jar")
theirs=("dovecot=tree:$work/dovecot/dovecot.conf")
if ((WARMUP > 0)); then
  for port in "$LMTP_PORT" "$DOVECOT_PORT"; do
    python3 lmtp-service/bench/lmtp_load.py 127.0.0.1 "$port" "$SESSIONS" "$WARMUP" 1 "$work/rcpts.txt" 2 >/dev/null
  done
fi
echo "LMTP delivery: $SESSIONS sessions, $MESSAGES messages of 5-100 KB, $USERS users, after $WARMUP warm-up" \
  "messages each; CPU per delivered recipient"
for r in 1 10; do
  run "lmtp-service+store" "$LMTP_PORT" "$r" "${ours[@]}"
  run "dovecot-lmtpd" "$DOVECOT_PORT" "$r" "${theirs[@]}"
done
