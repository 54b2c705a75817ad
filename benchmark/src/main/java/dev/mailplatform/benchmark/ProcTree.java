package dev.mailplatform.benchmark;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPU time and proportional memory (PSS) of process trees, read from /proc (Linux only). A tree is a root PID and
 * every live descendant. CPU is utime + stime of each live process plus cutime + cstime, the CPU of children that
 * ended and were waited for by their parent: a PostgreSQL backend or a Dovecot imap process that exits during a
 * phase is still counted, by its parent, as long as the parent is in the tree. Sample before and after a phase and
 * subtract.
 */
public final class ProcTree {

    /** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
    static final long TICK_NANOS = 10_000_000L;

    private final Path proc;
    private final List<Long> roots;

    public ProcTree(Collection<Long> roots) {
        this(Path.of("/proc"), roots);
    }

    ProcTree(Path proc, Collection<Long> roots) {
        this.proc = proc;
        this.roots = List.copyOf(roots);
    }

    /** The roots and all their live descendants, each PID once. */
    public Set<Long> pids() {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                Stat s = stat(p);
                if (s != null) {
                    children.computeIfAbsent(s.ppid, k -> new ArrayList<>()).add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + proc + " (this needs Linux): " + e, e);
        }
        Set<Long> out = new LinkedHashSet<>();
        ArrayDeque<Long> todo = new ArrayDeque<>();
        for (long r : roots) {
            if (Files.isDirectory(proc.resolve(Long.toString(r)))) {
                todo.add(r);
            }
        }
        while (!todo.isEmpty()) {
            long pid = todo.poll();
            if (out.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return out;
    }

    /** CPU nanoseconds used so far by the trees (live processes and the children they reaped). */
    public long cpuNanos() {
        long ticks = 0;
        for (long pid : pids()) {
            Stat s = stat(proc.resolve(Long.toString(pid)));
            if (s != null) {
                ticks += s.utime + s.stime + s.cutime + s.cstime;
            }
        }
        return ticks * TICK_NANOS;
    }

    /**
     * CPU nanoseconds used so far by the trees' JIT compiler threads (HotSpot's "C1/C2 CompilerThreadN", named
     * "C2 CompilerThre" in /proc as comm keeps 15 bytes): how far from warm a JVM still is. Live threads only.
     */
    public long jitCpuNanos() {
        long ticks = 0;
        for (long pid : pids()) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve(pid + "/task"))) {
                for (Path task : tasks) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                            Stat s = parseStat(stat);
                            ticks += s.utime + s.stime;
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        }
        return ticks * TICK_NANOS;
    }

    /** Sum of the processes' proportional set size (smaps_rollup "Pss:"), in KiB. Needs the right to read them. */
    public long pssKib() {
        long kib = 0;
        for (long pid : pids()) {
            try {
                for (String line : Files.readAllLines(proc.resolve(pid + "/smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        kib += Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile, or is a kernel thread without smaps
            }
        }
        return kib;
    }

    public boolean isEmpty() {
        return roots.isEmpty();
    }

    record Stat(long ppid, long utime, long stime, long cutime, long cstime) {
    }

    /** Parses /proc/PID/stat; null if the process is gone. */
    static Stat stat(Path pidDir) {
        try {
            return parseStat(Files.readString(pidDir.resolve("stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted after the last ')'. */
    static Stat parseStat(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state); ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
        return new Stat(Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14]));
    }
}
