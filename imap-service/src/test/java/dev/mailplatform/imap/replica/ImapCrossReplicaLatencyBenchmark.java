package dev.mailplatform.imap.replica;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.imap.service.ImapClient;
import dev.mailplatform.store.v1.Account;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cross-replica notification latency: not a test with a time limit, a harness that prints figures. In the 2+2
 * setup of {@link ImapReplicas}, a client in IDLE on imap A, another client on imap B making changes one after the
 * other, alternately a flag STORE (\Flagged set, then cleared, on message 1) and an APPEND. Each change is timed from
 * just before its command is written on B to the arrival on A of the untagged response that shows it
 * ({@code * 1 FETCH (... FLAGS (...))} with the new flag state, or {@code * n EXISTS} with the new count). For
 * comparison it also times B's own tagged reply (a thread reads B's lines as they come): the notification path is
 * what A's figure adds to it.
 *
 * <p>Run it with {@code ./mvnw -B -pl imap-service -am verify -Preplica-latency -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ImapCrossReplicaLatencyBenchmark
 * -Dfailsafe.failIfNoSpecifiedTests=false} (see the module's pom; {@code -Dtest=none} keeps the unit tests out, and
 * {@code -Dit.test} store-service's ITs; {@code -Dbench.changes=N} and {@code -Dbench.warmup=N} change the counts).
 */
@Tag("bench")
class ImapCrossReplicaLatencyBenchmark {

    static final int CHANGES = Integer.getInteger("bench.changes", 1000);
    static final int WARMUP = Integer.getInteger("bench.warmup", 200);
    static final long TIMEOUT_NANOS = 10_000_000_000L;

    @Test
    void crossReplicaNotificationLatency() throws Exception {
        try (ImapReplicas replicas = ImapReplicas.start()) {
            Account acc = replicas.newAccount();
            try (ImapClient idler = replicas.loginA(acc); ImapClient b = replicas.loginB(acc)) {
                ImapCrossReplicaIT.append(b, ImapCrossReplicaIT.MESSAGE);
                b.ok("SELECT INBOX");
                idler.ok("SELECT INBOX");
                String tag = idler.nextTag();
                idler.write(tag + " IDLE\r\n");
                assertTrue(idler.readLine().startsWith("+ "));

                // From here on a thread reads B's replies as they arrive, timestamped; this thread only writes to B.
                record Line(long nanos, String text) {
                }
                LinkedBlockingQueue<Line> fromB = new LinkedBlockingQueue<>();
                b.setTimeout(0);
                Thread reader = new Thread(() -> {
                    try {
                        String l;
                        while ((l = b.readLine()) != null) {
                            fromB.add(new Line(System.nanoTime(), l));
                        }
                    } catch (java.io.IOException closed) {
                        // the end of the run
                    }
                }, "imap-b-reader");
                reader.setDaemon(true);
                reader.start();
                String load = loadAverage();

                int messages = 1;
                long[] replies = new long[CHANGES];
                boolean flagged = false;
                long[] store = new long[CHANGES];
                long[] append = new long[CHANGES];
                int stores = 0;
                int appends = 0;
                long[] all = new long[CHANGES];
                long started = 0;
                for (int i = 0; i < WARMUP + CHANGES; i++) {
                    if (i == WARMUP) {
                        started = System.nanoTime();
                    }
                    String command;
                    String expect;
                    if (i % 2 == 0) {
                        flagged = !flagged;
                        command = "STORE 1 " + (flagged ? "+" : "-") + "FLAGS.SILENT (\\Flagged)";
                        expect = flagged ? "\\* 1 FETCH \\(UID 1 FLAGS \\([^)]*\\\\Flagged[^)]*\\)\\)"
                                : "\\* 1 FETCH \\(UID 1 FLAGS \\((?![^)]*\\\\Flagged)[^)]*\\)\\)";
                    } else {
                        messages++;
                        String m = ImapCrossReplicaIT.MESSAGE;
                        command = "APPEND INBOX {" + m.length() + "+}\r\n" + m;
                        expect = "\\* " + messages + " EXISTS";
                    }
                    String t = "b" + i;
                    long t0 = System.nanoTime();
                    b.write(t + " " + command + "\r\n");
                    long deadline = t0 + TIMEOUT_NANOS;
                    while (true) {
                        long left = (deadline - System.nanoTime()) / 1_000_000;
                        String line = left < 1 ? null : idler.poll((int) left);
                        if (line == null) {
                            throw new AssertionError("change " + i + " (" + command.split("\r\n")[0]
                                    + ") never reached the IDLE client on A; expected " + expect + " ("
                                    + replicas.logs() + ")");
                        }
                        if (line.matches(expect)) {
                            break;
                        }
                    }
                    long latency = System.nanoTime() - t0;
                    Line reply;
                    do {
                        reply = fromB.poll(10, TimeUnit.SECONDS);
                        assertTrue(reply != null, "no reply from B to " + t);
                    } while (!reply.text().startsWith(t + " "));
                    assertTrue(reply.text().startsWith(t + " OK"), reply.text());
                    if (i >= WARMUP) {
                        replies[i - WARMUP] = reply.nanos() - t0;
                        all[i - WARMUP] = latency;
                        if (i % 2 == 0) {
                            store[stores++] = latency;
                        } else {
                            append[appends++] = latency;
                        }
                    }
                }
                long elapsed = System.nanoTime() - started;
                idler.write("DONE\r\n");
                System.out.printf(Locale.ROOT, "%ncross-replica IDLE notification latency (B's command written -> "
                        + "untagged response read on A), after %d warm-up changes, %.1f s; load average before "
                        + "%s, after %s:%n", WARMUP, elapsed / 1e9, load, loadAverage());
                print("all changes", all, CHANGES);
                print("flag STORE", store, stores);
                print("APPEND", append, appends);
                print("B's own reply", replies, CHANGES);
            }
        }
    }

    static void print(String what, long[] nanos, int n) {
        long[] s = Arrays.copyOf(nanos, n);
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "  %-13s count %5d  p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms%n",
                what, n, pct(s, 50), pct(s, 90), pct(s, 99), s[n - 1] / 1e6);
    }

    /** The 1, 5 and 15 minute load averages: the machine is shared, and other work skews the figures. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Nearest-rank percentile, in milliseconds. */
    static double pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
