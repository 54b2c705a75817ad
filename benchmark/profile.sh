#!/bin/bash
# Where the platform's CPU goes per IMAP command: one checkout's packaged platform (./mvnw -B -q package -DskipTests)
# with pg_stat_statements, the IMAP workload of the side-by-side benchmark (seed, warm-up, then a measured run), and
# per process tree CPU, SQL statements and store gRPC calls, summed up by benchmark/profile-summary.py.
#   benchmark/profile.sh [CHECKOUT] [OUT] [SECONDS]     (defaults: this checkout, /tmp/mail-profile, 40)
# PROFILE_JFR=1 also records JFR (settings=profile) of store-service and imap-service during the measured run.
# Ports 45xxx on loopback; a scratch data directory under OUT; the platform is stopped at the end.
set -eu
co=$(cd "${1:-$(dirname "$0")/..}" && pwd); out=${2:-/tmp/mail-profile}; secs=${3:-40}
rm -rf "$out"; mkdir -p "$out"
data=$out/data
for i in $(seq 1 100); do echo "user$i@example.test:password-$i"; done > "$out/seed.txt"
cd "$co"
launcher_opts=$(sed -n 's/^launcher_java_opts="\(.*\)"$/\1/p' mailctl)
launcher=""
start() {
  MAIL_DATA_DIR=$data MAIL_SEED_ACCOUNTS=$out/seed.txt \
  MAIL_PG_PORT=45432 MAIL_S3_PORT=0 MAIL_STORE_PORT=0 MAIL_STORE_HTTP_PORT=45089 MAIL_IMAP_HTTP_PORT=45081 \
  MAIL_POP3_HTTP_PORT=0 MAIL_CONSOLE_PORT=0 MAIL_IMAP_PORT=45143 MAIL_IMAPS_PORT=45993 MAIL_POP3_PORT=45110 \
  MAIL_POP3S_PORT=45995 MAIL_LMTP_PORT=0 MAIL_LMTP_HTTP_PORT=0 \
  MAIL_IMAP_MAX_CONNECTIONS_PER_IP=0 MAIL_POP3_MAX_CONNECTIONS_PER_IP=0 MALLOC_ARENA_MAX=2 \
    java $launcher_opts -jar local-platform/target/local-platform.jar run > "$out/platform-$1.log" 2>&1 &
  launcher=$!
  for _ in $(seq 1 480); do grep -q "Mail platform ready" "$out/platform-$1.log" && return 0; sleep 0.5; done
  echo "profile: the platform did not become ready" >&2; tail -30 "$out/platform-$1.log" >&2; exit 1
}
stop() {
  [ -n "$launcher" ] || return 0
  kill -TERM "$launcher"; for _ in $(seq 1 120); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.5; done
  launcher=""
}
trap stop EXIT
# pg_stat_statements must be preloaded: start once to create the cluster, add it, start again.
start 1; stop
pgdata=$(find "$data" -name postgresql.conf -printf '%h\n' | head -1)
printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n" >> "$pgdata/postgresql.conf"
start 2
sql() { psql -h 127.0.0.1 -p 45432 -U postgres -d mail -A -F '|' "$@"; }
sql -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' > /dev/null
post=$(head -1 "$pgdata/postmaster.pid")
bench() { java -jar benchmark/target/benchmark-*.jar imap --port 45143 --users 100 --clients 10 --messages 20 "$@"; }
bench --seed --seconds 1 > "$out/seed-run.txt" 2>&1
bench --seconds "$secs" > "$out/warmup.txt" 2>&1
sql -c 'SELECT pg_stat_statements_reset()' > /dev/null
curl -s http://127.0.0.1:45089/q/metrics > "$out/store-metrics-before.txt"
cpu() {
  for p in $(pgrep -P "$launcher") "$launcher" "$post" $(pgrep -P "$post"); do
    echo "$p $(awk '{print $14+$15+$16+$17}' /proc/$p/stat 2>/dev/null) $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null \
      | grep -o -- '[a-z0-9-]*/target/quarkus-app\|postgres\|local-platform.jar' | head -1)"
  done
}
cpu > "$out/cpu-before.txt"
if [ "${PROFILE_JFR:-0}" = 1 ]; then
  for s in store-service imap-service; do
    jcmd "$(pgrep -P "$launcher" -f "$s/target")" JFR.start settings=profile duration="${secs}s" filename="$out/$s.jfr" > /dev/null
  done
fi
bench --seconds "$secs" --pids "$launcher,$post" > "$out/measure.txt" 2>&1
cpu > "$out/cpu-after.txt"
curl -s http://127.0.0.1:45089/q/metrics > "$out/store-metrics-after.txt"
sql -c "SELECT calls, round(total_exec_time::numeric,1) ms, round(mean_exec_time::numeric,3) mean,
  left(regexp_replace(query,'\s+',' ','g'),200) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 60" \
  > "$out/statements.txt"
stop
python3 "$co/benchmark/profile-summary.py" "$out"
