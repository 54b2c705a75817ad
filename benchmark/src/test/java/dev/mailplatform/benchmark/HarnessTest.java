package dev.mailplatform.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke of the benchmark in ./mvnw verify: its statistics, its /proc sampling (of this JVM and a real child
 * process), its messages and its reply parsing. The workloads themselves need a server and run only from
 * benchmark/side-by-side.sh or the jar.
 */
class HarnessTest {

    @Test
    void percentilesByNearestRank() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // 1..100, unsorted
        }
        assertEquals(50, Stats.percentile(v, 0.5));
        assertEquals(99, Stats.percentile(v, 0.99));
        assertEquals(100, Stats.percentile(v, 1.0));
        assertEquals(1, Stats.percentile(v, 0.0));
        assertEquals(7, Stats.percentile(new long[] {7}, 0.99));
        assertTrue(Double.isNaN(Stats.percentile(new long[0], 0.5)));
    }

    @Test
    void seriesCountsLatenciesAndErrorsFromManyThreads() throws Exception {
        Stats stats = new Stats();
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> {
                for (int j = 1; j <= 1000; j++) {
                    stats.of("FETCH").add(j * 1_000_000L);
                }
                stats.of("FETCH").error();
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(4000, stats.of("FETCH").count());
        assertEquals(4, stats.totalErrors());
        assertEquals(500.0, stats.of("FETCH").percentileMillis(0.5));
        assertEquals(990.0, stats.of("FETCH").percentileMillis(0.99));
    }

    @Test
    void statFieldsAreCountedAfterTheLastParenthesis() {
        String stat = "4242 (odd) name (x)) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 40 7 3 20 0 1 0 100 0 0";
        ProcTree.Stat s = ProcTree.parseStat(stat);
        assertEquals(17, s.ppid());
        assertEquals(250, s.utime());
        assertEquals(40, s.stime());
        assertEquals(7, s.cutime());
        assertEquals(3, s.cstime());
    }

    @Test
    void treeOfThisJvmSeesItsChildItsCpuAndItsMemory() throws Exception {
        long self = ProcessHandle.current().pid();
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            ProcTree tree = new ProcTree(List.of(self));
            assertTrue(tree.pids().contains(child.pid()), "the child is in the tree");
            assertFalse(new ProcTree(List.of(child.pid())).pids().contains(self), "a tree holds no ancestors");
            long cpu0 = tree.cpuNanos();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            long x = 0;
            while (System.nanoTime() < until) {
                x += Long.numberOfTrailingZeros(x + System.nanoTime());
            }
            long used = tree.cpuNanos() - cpu0;
            assertTrue(used >= 100_000_000L, "300 ms of spinning shows as CPU, saw " + used / 1e6 + " ms (" + x + ")");
            long pss = tree.pssKib();
            assertTrue(pss > 10_000, "a JVM's PSS is more than 10 MiB, saw " + pss + " KiB");
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(new ProcTree(List.of(Long.MAX_VALUE / 2)).pids().isEmpty(), "a missing root is no tree");
    }

    /** This JVM has compiled something by now; a shell child has no compiler threads and adds nothing to it. */
    @Test
    void jitCpuIsTheCompilerThreadsShare() throws Exception {
        ProcTree tree = new ProcTree(List.of(ProcessHandle.current().pid()));
        long jit = tree.jitCpuNanos();
        assertTrue(jit > 0, "the compiler threads of a JVM running JUnit have used CPU");
        assertTrue(jit <= tree.cpuNanos(), "a part of the whole");
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            assertEquals(0, new ProcTree(List.of(child.pid())).jitCpuNanos());
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void reapedChildrenStayCounted() throws Exception {
        ProcTree tree = new ProcTree(List.of(ProcessHandle.current().pid()));
        long cpu0 = tree.cpuNanos();
        // A child that burns CPU and exits; the JVM waits for it, so its time lands in our cutime.
        Process p = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done").start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(tree.cpuNanos() - cpu0 >= 100_000_000L, "the ended child's CPU is counted");
    }

    @Test
    void messagesAreCrlfMimeAndMultipartEveryThird() {
        for (int i = 0; i < 9; i++) {
            String m = new String(Messages.message("user1@example.test", i, 1), StandardCharsets.UTF_8);
            assertFalse(m.replace("\r\n", "").contains("\n"), "no bare LF");
            assertTrue(m.endsWith("\r\n"));
            assertFalse(m.contains("\r\n.\r\n"), "no line that is only a dot");
            assertEquals(Messages.isMultipart(i), m.contains("multipart/mixed"));
            if (Messages.isMultipart(i)) {
                String boundary = m.substring(m.indexOf("boundary=\"") + 10);
                boundary = boundary.substring(0, boundary.indexOf('"'));
                assertEquals(2, m.split("\r\n--" + boundary + "\r\n", -1).length - 1, "two parts");
                assertTrue(m.contains("\r\n--" + boundary + "--\r\n"));
                assertTrue(m.contains("Subject: bench multipart " + i));
            }
        }
        assertEquals(new String(Messages.message("a@b", 5, 3), StandardCharsets.UTF_8),
                new String(Messages.message("a@b", 5, 3), StandardCharsets.UTF_8), "deterministic");
    }

    @Test
    void repliesAreParsedAsServersWriteThem() {
        ImapClient.Reply select = new ImapClient.Reply("OK [READ-WRITE] SELECT completed", List.of(
                "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", "* 12 EXISTS", "* 0 RECENT",
                "* OK [UIDVALIDITY 1] ok"), 0);
        assertEquals(12, ImapWorkload.exists(select));
        ImapClient.Reply fetch = new ImapClient.Reply("OK", List.of("* 1 FETCH (UID 7 FLAGS (\\Seen \\Flagged))",
                "* 2 FETCH (FLAGS () UID 9)", "* 3 FETCH (UID 11 FLAGS (\\Seen))"), 0);
        List<ImapWorkload.Msg> msgs = ImapWorkload.parseFlags(fetch);
        assertEquals(List.of(new ImapWorkload.Msg(1, 7, true), new ImapWorkload.Msg(2, 9, false),
                new ImapWorkload.Msg(3, 11, false)), msgs);
        assertEquals(List.of(3, 6, 9), ImapWorkload.searchResult(new ImapClient.Reply("OK", List.of(
                "* SEARCH 3 6 9"), 0)));
        assertEquals(List.of(), ImapWorkload.searchResult(new ImapClient.Reply("OK", List.of("* SEARCH"), 0)));
    }

    @Test
    void compareWritesOneRowPerMeasureWithRatios(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        write(a.resolve("1-imap-warm.properties"), Map.of("kind", "imap", "per.cpu.second", "500",
                "cpu.seconds", "10", "total.count", "5000", "total.errors", "0", "consistency.errors", "0",
                "cmd.LOGIN.p50", "4", "cmd.LOGIN.p99", "10", "cmd.LOGIN.count", "100"));
        write(b.resolve("1-imap-warm.properties"), Map.of("kind", "imap", "per.cpu.second", "1000",
                "cpu.seconds", "5", "total.count", "5000", "total.errors", "0", "consistency.errors", "0",
                "cmd.LOGIN.p50", "2", "cmd.LOGIN.p99", "5", "cmd.LOGIN.count", "100"));
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            MailBench.compare(Map.of("left", a.toString(), "right", b.toString(), "left-label", "ours",
                    "right-label", "dovecot"));
        } finally {
            System.setOut(old);
        }
        String table = buf.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| 1-imap-warm | commands per server CPU-second | 500 | 1000 | 0.50× |"), table);
        assertTrue(table.contains("| 1-imap-warm | LOGIN p50 / p99 ms | 4 / 10 | 2 / 5 | 2.00× / 2.00× |"), table);
    }

    private static void write(Path p, Map<String, String> values) throws Exception {
        Properties props = new Properties();
        props.putAll(values);
        try (var w = Files.newBufferedWriter(p)) {
            props.store(w, null);
        }
    }
}
