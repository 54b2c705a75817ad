#!/usr/bin/env bash
# Memory of the whole platform per process, as `./mailctl run` starts it (same launcher, same defaults), with a
# scratch data directory: at rest, optionally after a short IMAP + POP3 load, and optionally per IDLE connection.
# Packages nothing: run `./mvnw -B -q package -DskipTests` first (the benchmark jar is needed for load and IDLE).
#
#   benchmark/memory.sh                                    # at rest only
#   MEM_LOAD_SECONDS=30 MEM_IDLE=1000 benchmark/memory.sh  # then 30 s of IMAP and of POP3, then 1,000 IDLE
#
# Settings (environment): MEM_SETTLE_SECONDS (30: wait after ready, and after the load, before sampling; the store
# closes idle database connections after one to two minutes, so 150 shows the platform at rest),
# MEM_IDLE_SETTLE_SECONDS (30: wait after opening and after closing the IDLE connections),
# MEM_LOAD_SECONDS (0: no load), MEM_USERS (20), MEM_MESSAGES (10 per user), MEM_CLIENTS (4), MEM_IDLE (0: no IDLE
# measurement; else how many connections, or several one after the other: 1000,10000; the IMAP connection limits
# are then lifted for this run only), MEM_IMAP_PORT (46143),
# MEM_POP3_PORT (46110), MEM_OUT (a fresh directory under /tmp). MAIL_JAVA_OPTS and MAIL_LAUNCHER_JAVA_OPTS are
# passed on as with mailctl. Every other port is 0 (free). PSS is `Pss:` of /proc/PID/smaps_rollup; the JVM columns
# come from jstat -gc (heap, metaspace) and jcmd Compiler.codecache; PostgreSQL is the postmaster and all its
# children together (each process in postgres-processes.txt). MEM_NMT=1 with
# MAIL_JAVA_OPTS=-XX:NativeMemoryTracking=summary also writes each JVM's native memory summary to nmt.txt. Stops the platform when it ends, on failure too.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
settle=${MEM_SETTLE_SECONDS:-30} idle_settle=${MEM_IDLE_SETTLE_SECONDS:-30} load=${MEM_LOAD_SECONDS:-0} users=${MEM_USERS:-20} messages=${MEM_MESSAGES:-10}
clients=${MEM_CLIENTS:-4} idle=${MEM_IDLE:-0} imap_port=${MEM_IMAP_PORT:-46143} pop3_port=${MEM_POP3_PORT:-46110}
scratch=$(mktemp -d /tmp/mail-mem.XXXXXX)
out=${MEM_OUT:-$scratch/results}
mkdir -p "$out"
launcher=""
cleanup() {
  set +e
  if [ -n "$launcher" ] && kill -0 "$launcher" 2>/dev/null; then
    kill -TERM "$launcher"
    for _ in $(seq 1 120); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -rf "$scratch/data" "$scratch/prep"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for i in $(seq 1 "$users"); do echo "user$i@example.test:password-$i"; done > "$scratch/seed.txt"
limits=()
if [ "$idle" != 0 ]; then
  # For the measurement only: one client address and few accounts hold every connection.
  limits=(MAIL_IMAP_MAX_CONNECTIONS=0 MAIL_IMAP_MAX_CONNECTIONS_PER_IP=0 MAIL_IMAP_MAX_CONNECTIONS_PER_ACCOUNT=0)
  ulimit -n "$(ulimit -Hn)" || true
fi
# The launcher's own JVM options (it also serves the embedded S3): mailctl's default, read from there.
launcher_opts=${MAIL_LAUNCHER_JAVA_OPTS-$(sed -n 's/^launcher_java_opts="\(.*\)"$/\1/p' mailctl)}
# Every start after a build's first maps the services' class-data archive (local-platform/README.md); a start that
# finds none records one instead. So first a throwaway start (`check`) in its own data directory makes sure there is one.
# shellcheck disable=SC2086
env MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" MAIL_DATA_DIR="$scratch/prep" MAIL_PLATFORM_HOME="$(pwd)" \
  MAIL_PG_PORT=0 MAIL_S3_PORT=0 MAIL_STORE_PORT=0 MAIL_STORE_HTTP_PORT=0 MAIL_IMAP_HTTP_PORT=0 MAIL_POP3_HTTP_PORT=0 \
  MAIL_CONSOLE_PORT=0 MAIL_IMAP_PORT=0 MAIL_IMAPS_PORT=0 MAIL_POP3_PORT=0 MAIL_POP3S_PORT=0 MAIL_LMTP_PORT=0 \
  MAIL_LMTP_HTTP_PORT=0 java $launcher_opts -jar local-platform/target/local-platform.jar check > "$out/prepare.log" 2>&1 \
  || { tail -30 "$out/prepare.log" >&2; exit 1; }
rm -rf "$scratch/prep"
# shellcheck disable=SC2086
env MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" MAIL_DATA_DIR="$scratch/data" MAIL_SEED_ACCOUNTS="$scratch/seed.txt" MAIL_PLATFORM_HOME="$(pwd)" \
  MAIL_PG_PORT=0 MAIL_S3_PORT=0 MAIL_STORE_PORT=0 MAIL_STORE_HTTP_PORT=0 MAIL_IMAP_HTTP_PORT=0 \
  MAIL_POP3_HTTP_PORT=0 MAIL_CONSOLE_PORT=0 MAIL_IMAP_PORT="$imap_port" MAIL_IMAPS_PORT=0 MAIL_POP3_PORT="$pop3_port" \
  MAIL_POP3S_PORT=0 MAIL_LMTP_PORT=0 MAIL_LMTP_HTTP_PORT=0 MAIL_POP3_MAX_CONNECTIONS_PER_IP=0 "${limits[@]}" \
  java $launcher_opts -jar local-platform/target/local-platform.jar run > "$out/platform.log" 2>&1 &
launcher=$!
touch "$out/platform.log"
for _ in $(seq 1 600); do
  grep -q "Mail platform ready" "$out/platform.log" && break
  kill -0 "$launcher" 2>/dev/null || break
  sleep 0.5
done
grep -q "Mail platform ready" "$out/platform.log" || { tail -50 "$out/platform.log" >&2; exit 1; }
pg=$(pgrep -f -- "-D $scratch/data/" | head -1 || true)
[ -n "$pg" ] || { echo "memory: no PostgreSQL with a data directory under $scratch/data" >&2; exit 1; }

descendants() { # $1 and every descendant
  local p=$1 c
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do descendants "$c"; done
}
kib() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/${3:-smaps_rollup}" 2>/dev/null || echo 0; }
name_of() {
  local cmd
  cmd=$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null || true)
  case "$cmd" in
    *local-platform.jar*) echo "launcher + s3proxy" ;;
    *quarkus-app/quarkus-run.jar*) echo "$cmd" | sed -E 's#.*/([a-z0-9-]+)/target/quarkus-app/quarkus-run.jar.*#\1#' ;;
    *) echo "other: $(echo "$cmd" | cut -c1-40)" ;;
  esac
}
jvm_cols() { # heap used/committed, metaspace used/committed, code cache used (MiB)
  local g cc
  g=$(jstat -gc "$1" 2>/dev/null | tail -1) || true
  cc=$(jcmd "$1" Compiler.codecache 2>/dev/null | grep -o 'used=[0-9]*Kb' | tr -dc '0-9\n' | paste -sd+ | bc) || true
  if [ -z "$g" ]; then echo "| | | "; return; fi
  echo "$g" | awk -v cc="${cc:-0}" '{ printf "| %.0f / %.0f | %.0f / %.0f | %.0f", ($3+$4+$6+$8)/1024, ($1+$2+$5+$7)/1024, $10/1024, $9/1024, cc/1024 }'
}
sample() { # $1 = label
  local total=0 pgpss=0 pgn=0 p pss f
  {
    echo "### $1 ($(date -u +%H:%M:%S) UTC)"
    echo
    echo "| process | PSS MiB | RSS MiB | threads | heap used / committed MiB | metaspace used / committed MiB | code cache MiB |"
    echo "|---|---|---|---|---|---|---|"
    for p in $(descendants "$launcher"); do
      pss=$(kib "$p" Pss); total=$((total + pss))
      printf '| %s | %.0f | %.0f | %s %s |\n' "$(name_of "$p")" "$(echo "$pss/1024" | bc -l)" \
        "$(echo "$(kib "$p" Rss)/1024" | bc -l)" "$(kib "$p" Threads status)" "$(jvm_cols "$p")"
    done
    for p in $(descendants "$pg"); do
      pss=$(kib "$p" Pss); pgpss=$((pgpss + pss)); pgn=$((pgn + 1))
      echo "$1: $pss KiB $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-60)" >> "$out/postgres-processes.txt"
    done
    total=$((total + pgpss))
    printf '| PostgreSQL (%d processes) | %.0f | | | | | |\n' "$pgn" "$(echo "$pgpss/1024" | bc -l)"
    printf '| **total** | **%.0f** | | | | | |\n\n' "$(echo "$total/1024" | bc -l)"
    echo "$total" > "$scratch/total.kib"
  } | tee -a "$out/memory.md"
  if [ -n "${MEM_NMT:-}" ]; then # needs MAIL_JAVA_OPTS=-XX:NativeMemoryTracking=summary
    for p in $(descendants "$launcher"); do
      { echo "== $1: $(name_of "$p")"; jcmd "$p" VM.native_memory summary 2>&1 | grep -E '^-|committed=' | head -40; } >> "$out/nmt.txt"
    done
  fi
}

sleep "$settle"
sample "at rest, ${settle} s after ready"
jar=$(ls benchmark/target/benchmark-*.jar 2>/dev/null | head -1 || true)
if [ "$load" -gt 0 ]; then
  [ -n "$jar" ] || { echo "memory: no benchmark jar; run ./mvnw -B -q -pl benchmark package -DskipTests" >&2; exit 2; }
fi
common=(--host 127.0.0.1 --users "$users" --clients "$clients" --messages "$messages" --pids "$launcher,$pg")
if [ "$load" -gt 0 ]; then
  java -jar "$jar" imap --port "$imap_port" "${common[@]}" --seed --seconds "$load" --label "IMAP load" \
    --out "$out/imap.properties" | tee -a "$out/load.txt"
  java -jar "$jar" pop3 --port "$pop3_port" "${common[@]}" --seconds "$load" --label "POP3 load" \
    --out "$out/pop3.properties" | tee -a "$out/load.txt"
  sleep "$settle"
  sample "after ${load} s of IMAP and ${load} s of POP3 (${clients} clients, ${users} users), ${settle} s later"
fi
if [ "$idle" != 0 ]; then
  # Before and while IDLE connections are held (idle-hold.py), each after MEM_IDLE_SETTLE_SECONDS.
  for k in $(echo "$idle" | tr ',' ' '); do
    sample "before $k IDLE connections"; before=$(cat "$scratch/total.kib")
    mkfifo "$scratch/hold"
    python3 benchmark/idle-hold.py 127.0.0.1 "$imap_port" "$k" "$users" < "$scratch/hold" > "$scratch/hold.out" &
    holder=$!
    exec 7> "$scratch/hold"
    while kill -0 "$holder" 2>/dev/null && ! grep -q open "$scratch/hold.out"; do sleep 1; done
    grep -q open "$scratch/hold.out" || { exec 7>&-; rm -f "$scratch/hold"; echo "memory: opening $k IDLE connections failed" >&2; exit 1; }
    sleep "$idle_settle"
    sample "with $k connections in IDLE (LOGIN, SELECT INBOX, IDLE), ${idle_settle} s after the last"
    after=$(cat "$scratch/total.kib")
    exec 7>&-; wait "$holder" || true; rm -f "$scratch/hold"
    echo "IDLE: $k connections, PSS $before -> $after KiB: $(echo "($after - $before) / $k" | bc -l | xargs printf '%.1f') KiB per connection" | tee -a "$out/memory.md"
    sleep "$idle_settle"
  done
fi
echo "results: $out"
