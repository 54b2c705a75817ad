package dev.mailplatform.store.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * CPU time spent during a phase, by this JVM's threads (grouped by name, JIT compiler and GC threads included) and
 * by PostgreSQL's processes. On a shared machine the wall-clock figure depends on what else runs; CPU per message
 * does not, so it tells whether a change made the work cheaper. Threads are read from /proc (Linux); elsewhere only
 * the totals are printed.
 */
final class CpuMeter {

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on Linux

    private final long postmasterPid;
    private Map<String, ThreadCpu> threadStart;
    private long jvmStart;
    private long postgresStart;
    private long[] machineStart;

    /** @param postmasterPid PostgreSQL's postmaster process, or -1 to leave PostgreSQL out */
    CpuMeter(long postmasterPid) {
        this.postmasterPid = postmasterPid;
    }

    void start() {
        threadStart = threads();
        jvmStart = jvmCpu();
        postgresStart = postgresCpu();
        machineStart = machine();
    }

    /** One line per thread group: CPU milliseconds per unit of work. */
    String report(int units) {
        long jvm = jvmCpu() - jvmStart;
        long pg = postgresCpu() - postgresStart;
        Map<String, Long> groups = new TreeMap<>();
        long seen = 0;
        for (Map.Entry<String, ThreadCpu> t : threads().entrySet()) {
            ThreadCpu before = threadStart.get(t.getKey());
            long d = t.getValue().nanos() - (before == null ? 0 : before.nanos());
            seen += d;
            // Only a thread's trailing number is folded ("S3Proxy-Jetty-4", "GC Thread#1"), not digits in its name ("C2").
            groups.merge(t.getValue().name().replaceAll("\\d+$", "N"), d, Long::sum);
        }
        if (!groups.isEmpty() && jvm - seen > 0) {
            groups.put("(threads that ended)", jvm - seen);
        }
        StringBuilder sb = new StringBuilder(String.format("  CPU per message: JVM %.2f ms (JIT compiler %.2f ms),"
                + " PostgreSQL %.2f ms%n", jvm / 1e6 / units, groups.entrySet().stream()
                        .filter(e -> e.getKey().contains("CompilerThre")).mapToLong(Map.Entry::getValue).sum() / 1e6
                        / units, pg < 0 ? Double.NaN : pg / 1e6 / units));
        long[] m = machine();
        if (m.length >= 8 && machineStart.length >= 8) {
            // The host is shared: time a hypervisor gave to other guests (steal) makes every figure here worse.
            long user = m[0] + m[1] - machineStart[0] - machineStart[1];
            long system = m[2] + m[5] + m[6] - machineStart[2] - machineStart[5] - machineStart[6];
            long idle = m[3] + m[4] - machineStart[3] - machineStart[4];
            long steal = m[7] - machineStart[7];
            double all = Math.max(1, user + system + idle + steal);
            sb.append(String.format("  machine: user %.0f %%, system %.0f %%, idle %.0f %%, stolen by the host %.0f %%%n",
                    100 * user / all, 100 * system / all, 100 * idle / all, 100 * steal / all));
        }
        groups.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .filter(e -> e.getValue() / 1e6 / units >= 0.02)
                .forEach(e -> sb.append(String.format("    %-28s %6.2f ms%n", e.getKey(), e.getValue() / 1e6 / units)));
        return sb.toString();
    }

    /** A live thread: its name now and its CPU time so far. */
    private record ThreadCpu(String name, long nanos) {
    }

    /**
     * Every live thread of this process by id. By id, not name: a thread may be renamed while it works (OkHttp
     * names the thread that runs a call after the call's URL), and must still be matched with its start.
     */
    private static Map<String, ThreadCpu> threads() {
        Map<String, ThreadCpu> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    // "tid (name) state ...": the name may hold spaces and parentheses; utime and stime are fields
                    // 14 and 15, counted after the closing parenthesis.
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(stat.indexOf('(') + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    out.put(t.getFileName().toString(), new ThreadCpu(name,
                            (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    private static long jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The postmaster's and its live backends' CPU time (exited backends are lost), or -1 without one. */
    private long postgresCpu() {
        Optional<ProcessHandle> pm = ProcessHandle.of(postmasterPid);
        if (postmasterPid < 0 || pm.isEmpty()) {
            return -1;
        }
        long total = cpu(pm.get());
        for (ProcessHandle p : (Iterable<ProcessHandle>) pm.get().descendants()::iterator) {
            total += cpu(p);
        }
        return total;
    }

    private static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** The first line of /proc/stat: user, nice, system, idle, iowait, irq, softirq, steal (ticks); empty if absent. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] out = new long[Math.min(8, f.length - 1)];
            for (int i = 0; i < out.length; i++) {
                out[i] = Long.parseLong(f[i + 1]);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }
}
