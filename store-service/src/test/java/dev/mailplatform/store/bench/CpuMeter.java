package dev.mailplatform.store.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * CPU time spent during a phase, by this JVM's thread groups and by PostgreSQL's processes. On a shared machine the
 * wall-clock figure depends on what else runs; CPU per message does not, so it tells whether a change made the work
 * cheaper.
 */
final class CpuMeter {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long postmasterPid;
    private Map<Long, Long> threadStart;
    private Map<Long, String> names;
    private long jvmStart;
    private long postgresStart;

    /** @param postmasterPid PostgreSQL's postmaster process, or -1 to leave PostgreSQL out */
    CpuMeter(long postmasterPid) {
        this.postmasterPid = postmasterPid;
    }

    void start() {
        threadStart = new HashMap<>();
        names = new HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null) {
                threadStart.put(t.getThreadId(), threads.getThreadCpuTime(t.getThreadId()));
                names.put(t.getThreadId(), t.getThreadName());
            }
        }
        jvmStart = jvmCpu();
        postgresStart = postgresCpu();
    }

    /** One line per group: CPU milliseconds per unit of work, the JVM's threads grouped by name (digits dropped). */
    String report(int units) {
        long jvm = jvmCpu() - jvmStart;
        long pg = postgresCpu() - postgresStart;
        Map<String, Long> groups = new TreeMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long now = threads.getThreadCpuTime(t.getThreadId());
            if (now < 0) {
                continue;
            }
            long before = threadStart.getOrDefault(t.getThreadId(), 0L);
            groups.merge(t.getThreadName().replaceAll("\\d+", "N"), now - before, Long::sum);
        }
        StringBuilder sb = new StringBuilder(String.format("  CPU per message: JVM %.2f ms, PostgreSQL %.2f ms%n",
                jvm / 1e6 / units, pg < 0 ? Double.NaN : pg / 1e6 / units));
        groups.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .filter(e -> e.getValue() / 1e6 / units >= 0.01)
                .forEach(e -> sb.append(String.format("    %-40s %6.2f ms%n", e.getKey(), e.getValue() / 1e6 / units)));
        return sb.toString();
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
}
