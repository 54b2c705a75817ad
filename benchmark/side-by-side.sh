#!/usr/bin/env bash
# IMAP and POP3 side by side: this platform (the packaged jars of this checkout) and Debian's Dovecot, both on
# loopback, same users, same messages, same workloads, cold (the first phase after a start) and warm (after a
# warm-up). Packages nothing: run `./mvnw -B -q package -DskipTests` first. Installs dovecot-imapd and dovecot-pop3d
# with apt-get when they are missing (root). Stops both servers when it ends, on failure too.
#
#   benchmark/side-by-side.sh
#
# Settings (environment): BENCH_USERS (100), BENCH_CLIENTS (10), BENCH_SECONDS (30, each measured phase),
# BENCH_WARMUP_SECONDS (120), BENCH_MESSAGES (40 per user), BENCH_IDLE (200 IDLE connections), BENCH_ONLY
# (ours|dovecot to run one side), BENCH_OUT (result directory, default a fresh one under /tmp).
# Ports: ours 43143 (IMAP) and 43110 (POP3), Dovecot 44143 and 44110.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
users=${BENCH_USERS:-100} clients=${BENCH_CLIENTS:-10} seconds=${BENCH_SECONDS:-30}
warmup=${BENCH_WARMUP_SECONDS:-120} messages=${BENCH_MESSAGES:-40} idle=${BENCH_IDLE:-200} only=${BENCH_ONLY:-}
jar=$(ls benchmark/target/benchmark-*.jar 2>/dev/null | head -1)
for f in "$jar" local-platform/target/local-platform.jar store-service/target/quarkus-app/quarkus-run.jar \
    imap-service/target/quarkus-app/quarkus-run.jar pop3-service/target/quarkus-app/quarkus-run.jar; do
  [ -n "$f" ] && [ -f "$f" ] || { echo "side-by-side: missing ${f:-benchmark jar}; run ./mvnw -B -q package -DskipTests" >&2; exit 2; }
done
scratch=$(mktemp -d /tmp/mail-bench.XXXXXX)
chmod 755 "$scratch"
out=${BENCH_OUT:-$scratch/results}
mkdir -p "$out/ours" "$out/dovecot"
launcher=""
dovecot_conf=$scratch/dovecot/dovecot.conf

cleanup() {
  set +e
  if [ -n "$launcher" ] && kill -0 "$launcher" 2>/dev/null; then
    kill -TERM "$launcher"
    for _ in $(seq 1 120); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$launcher" 2>/dev/null && { echo "side-by-side: the platform did not stop in 60 s; killing $launcher" >&2; kill -KILL "$launcher"; }
  fi
  if [ -f "$scratch/dovecot/run/master.pid" ]; then
    dovecot -c "$dovecot_conf" stop 2>/dev/null
  fi
  rm -rf "$scratch/data" "$scratch/dovecot/home"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench() { java -jar "$jar" "$@"; }

# --- users: the same accounts and passwords on both sides
for i in $(seq 1 "$users"); do echo "user$i@example.test:password-$i"; done > "$scratch/seed.txt"

# --- this platform; the launcher (which also serves the embedded S3) with mailctl's JVM options, read from there
launcher_opts=${MAIL_LAUNCHER_JAVA_OPTS-$(sed -n 's/^launcher_java_opts="\(.*\)"$/\1/p' mailctl)}
start_ours() {
  MAIL_DATA_DIR=$scratch/data MAIL_SEED_ACCOUNTS=$scratch/seed.txt \
  MAIL_PG_PORT=0 MAIL_S3_PORT=0 MAIL_STORE_PORT=0 MAIL_STORE_HTTP_PORT=0 MAIL_IMAP_HTTP_PORT=0 \
  MAIL_POP3_HTTP_PORT=0 MAIL_CONSOLE_PORT=0 MAIL_IMAP_PORT=43143 MAIL_IMAPS_PORT=43993 MAIL_POP3_PORT=43110 \
  MAIL_POP3S_PORT=43995 MAIL_LMTP_PORT=0 MAIL_LMTP_HTTP_PORT=0 \
  MAIL_IMAP_MAX_CONNECTIONS_PER_IP=0 MAIL_POP3_MAX_CONNECTIONS_PER_IP=0 MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" \
    java $launcher_opts -jar local-platform/target/local-platform.jar run > "$scratch/ours-$1.log" 2>&1 &
  launcher=$!
  for _ in $(seq 1 480); do
    grep -q "Mail platform ready" "$scratch/ours-$1.log" && return 0
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.5
  done
  echo "side-by-side: the platform did not become ready; its output:" >&2
  tail -50 "$scratch/ours-$1.log" >&2
  exit 1
}
stop_ours() {
  kill -TERM "$launcher"
  for _ in $(seq 1 120); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$launcher" 2>/dev/null; then echo "side-by-side: the platform did not stop in 60 s" >&2; exit 1; fi
  wait "$launcher" 2>/dev/null || true
  launcher=""
}

# --- Dovecot: its own config, loopback only, plaintext, passwd-file with the same users
setup_dovecot() {
  if ! command -v dovecot >/dev/null || [ ! -e /usr/lib/dovecot/imap ] || [ ! -e /usr/lib/dovecot/pop3 ]; then
    apt-get install -y -q dovecot-imapd dovecot-pop3d >/dev/null
  fi
  local d=$scratch/dovecot
  mkdir -p "$d/run" "$d/state" "$d/home"
  chown nobody:nogroup "$d/home"
  awk -F: -v home="$d/home" '{ print $1 ":{PLAIN}" $2 ":65534:65534::" home "/" $1 "::" }' "$scratch/seed.txt" > "$d/users"
  cat > "$dovecot_conf" <<CONF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_max_userip_connections = 1000
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users
}
userdb {
  driver = passwd-file
  args = $d/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 44143
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = 44110
  }
  inet_listener pop3s {
    port = 0
  }
}
CONF
}
start_dovecot() {
  dovecot -c "$dovecot_conf"
  for _ in $(seq 1 60); do
    [ -s "$scratch/dovecot/run/master.pid" ] && (exec 3<>/dev/tcp/127.0.0.1/44143) 2>/dev/null && return 0
    sleep 0.5
  done
  echo "side-by-side: Dovecot did not start; its log:" >&2; tail -30 "$scratch/dovecot/dovecot.log" >&2; exit 1
}
stop_dovecot() {
  dovecot -c "$dovecot_conf" stop
  for _ in $(seq 1 60); do [ -e "$scratch/dovecot/run/master.pid" ] || return 0; sleep 0.5; done
}

# One side: seed, restart (so that the next phase is cold), cold IMAP, cold POP3, warm-up, warm IMAP + IDLE memory,
# warm POP3. $1 = ours|dovecot, $2 = IMAP port, $3 = POP3 port; start_$1/stop_$1/pids_$1 do the rest.
# The launcher holds the service JVMs and s3proxy; PostgreSQL daemonizes (its postmaster's parent is init), so it is
# found by its data directory and added as a tree of its own.
pids_ours() {
  local pg
  pg=$(pgrep -d, -f -- "-D $scratch/data/" || true)
  if [ -z "$pg" ]; then echo "side-by-side: no PostgreSQL with a data directory under $scratch/data" >&2; exit 1; fi
  echo "$launcher,$pg"
}
pids_dovecot() { cat "$scratch/dovecot/run/master.pid"; }
side() {
  local name=$1 imap=$2 pop3=$3 rc=0
  local common=(--users "$users" --clients "$clients" --messages "$messages")
  echo "=== $name: start, seed $users users x $messages messages"
  "start_$name" seed
  if ! bench imap --port "$imap" "${common[@]}" --seconds 1 --seed --label "$name seed" > "$scratch/$name-seed.txt"; then
    echo "side-by-side: seeding $name failed:" >&2; tail -20 "$scratch/$name-seed.txt" >&2; "stop_$name"; return 1
  fi
  tail -3 "$scratch/$name-seed.txt"
  "stop_$name"
  echo "=== $name: restart; cold phases"
  "start_$name" cold
  local pids; pids=$("pids_$name")
  echo "server process trees: $pids"
  bench imap --port "$imap" "${common[@]}" --seconds "$seconds" --pids "$pids" --label "$name IMAP cold" --out "$out/$name/1-imap-cold.properties" || rc=1
  bench pop3 --port "$pop3" "${common[@]}" --seconds "$seconds" --pids "$pids" --label "$name POP3 cold" --out "$out/$name/2-pop3-cold.properties" || rc=1
  echo "=== $name: warm-up ($warmup s IMAP, $warmup s POP3)"
  bench imap --port "$imap" "${common[@]}" --seconds "$warmup" --label "$name IMAP warm-up" > /dev/null || rc=1
  bench pop3 --port "$pop3" "${common[@]}" --seconds "$warmup" --label "$name POP3 warm-up" > /dev/null || rc=1
  bench imap --port "$imap" "${common[@]}" --seconds "$seconds" --pids "$pids" --idle-connections "$idle" --label "$name IMAP warm" --out "$out/$name/3-imap-warm.properties" || rc=1
  bench pop3 --port "$pop3" "${common[@]}" --seconds "$seconds" --pids "$pids" --label "$name POP3 warm" --out "$out/$name/4-pop3-warm.properties" || rc=1
  "stop_$name"
  return $rc
}

status=0
echo "side-by-side: $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); results in $out"
if [ "$only" != dovecot ]; then side ours 43143 43110 || status=1; fi
if [ "$only" != ours ]; then setup_dovecot; side dovecot 44143 44110 || status=1; fi
echo "side-by-side: ended $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
if [ -z "$only" ]; then
  bench compare --left "$out/ours" --left-label "this platform" --right "$out/dovecot" --right-label Dovecot | tee "$out/table.md"
fi
exit $status
