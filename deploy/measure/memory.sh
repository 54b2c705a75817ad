#!/usr/bin/env bash
# Memory of each service JVM (VmRSS, VmHWM) at rest and after an IMAP/POP3 load, on the packaged platform started
# as ./mailctl run does it but with scratch data and ports. Needs the packaged jars (./mvnw -B install -DskipTests).
# Mimic a container limit with MAIL_JAVA_OPTS="-XX:MaxRAM=384m -XX:MaxRAMPercentage=70 -Xmx268m" (the images'
# percentage; the -Xmx of the launcher's defaults would win over a percentage, so give the heap it comes to as well).
# benchmark/memory.sh measures the whole platform's PSS per process.
#   deploy/measure/memory.sh
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
here=deploy/measure
d=$(mktemp -d /tmp/mail-measure.XXXXXX)
trap 'rm -rf "$d"' EXIT
printf 'load1@example.test:load-password-1\nload2@example.test:load-password-2\n' > $d/seed.txt
export MAIL_DATA_DIR=$d/data MAIL_SEED_ACCOUNTS=$d/seed.txt
export MAIL_PG_PORT=0 MAIL_S3_PORT=0 MAIL_STORE_PORT=0 MAIL_STORE_HTTP_PORT=0 MAIL_IMAP_HTTP_PORT=0 MAIL_POP3_HTTP_PORT=0 MAIL_CONSOLE_PORT=0
export MAIL_IMAP_PORT=42143 MAIL_IMAPS_PORT=42993 MAIL_POP3_PORT=42110 MAIL_POP3S_PORT=42995
MAIL_JAVA_OPTS="${MAIL_JAVA_OPTS:-}" java -jar local-platform/target/local-platform.jar run > $d/out.txt 2>&1 &
lp=$!
for i in $(seq 1 240); do grep -q "Mail platform ready" $d/out.txt && break; sleep 1; done
grep -q "Mail platform ready" $d/out.txt || { cat $d/out.txt; kill $lp; exit 1; }
sample() {
  for svc in store-service imap-service pop3-service; do
    pid=$(pgrep -f "$svc/target/quarkus-app/quarkus-run.jar" | head -1)
    echo "$1 $svc rss_kib=$(awk '/VmRSS/{print $2}' /proc/$pid/status) hwm_kib=$(awk '/VmHWM/{print $2}' /proc/$pid/status) args=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -o -- '-Xm[xs][^ ]*' | tr '\n' ' ')"
  done
}
sleep 20; sample rest
python3 $here/load.py 42143 42110
sample after-load
kill -TERM $lp; wait $lp || true
