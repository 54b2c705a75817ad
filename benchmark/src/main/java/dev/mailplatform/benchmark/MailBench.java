package dev.mailplatform.benchmark;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * IMAP and POP3 load against any server, with the server's CPU and memory read from /proc.
 *
 * <pre>
 * java -jar benchmark/target/benchmark-*.jar imap --host 127.0.0.1 --port 143 --users 100 --clients 10 --seconds 30
 *     [--user-pattern user%d@example.test] [--password-pattern password-%d] [--messages 40] [--seed]
 *     [--idle-connections 200] [--pids 123,456] [--out result.properties] [--label name]
 * java -jar ... pop3 --port 110 ... (same options; no --seed, --idle-connections)
 * java -jar ... compare --left-label ours --left DIR --right-label dovecot --right DIR
 * </pre>
 *
 * --pids are the roots of the server's process trees (every descendant is counted): without them no CPU or memory
 * figure is printed. The exit status is 1 when a command failed or a consistency check did not hold.
 */
public final class MailBench {

    private MailBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("a mode: imap, pop3 or compare");
        }
        Map<String, String> o = options(args);
        int status;
        try {
            status = switch (args[0]) {
                case "imap" -> imap(o);
                case "pop3" -> pop3(o);
                case "compare" -> compare(o);
                default -> usage("unknown mode " + args[0]);
            };
        } catch (IllegalArgumentException e) {
            status = usage(e.getMessage());
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("mailbench: a client failed outside a session (server down, wrong port or"
                    + " password?): " + e.getCause());
            status = 1;
        }
        System.exit(status);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument " + args[i]);
            }
            String k = args[i].substring(2);
            if (k.equals("seed")) {
                o.put(k, "true");
            } else if (i + 1 < args.length) {
                o.put(k, args[++i]);
            } else {
                usage("--" + k + " needs a value");
            }
        }
        return o;
    }

    private static int usage(String why) {
        System.err.println("mailbench: " + why + "\nusage: imap|pop3 --host H --port P --users N --clients N"
                + " --seconds S [--user-pattern user%d@example.test] [--password-pattern password-%d]"
                + " [--messages M] [--seed] [--idle-connections K] [--pids PID,...] [--out FILE] [--label NAME]\n"
                + "       compare --left DIR --right DIR [--left-label A] [--right-label B]");
        System.exit(2);
        return 2;
    }

    static Target target(Map<String, String> o) {
        List<Long> pids = new ArrayList<>();
        for (String p : o.getOrDefault("pids", "").split(",")) {
            if (!p.isBlank()) {
                pids.add(Long.parseLong(p.trim()));
            }
        }
        return new Target(o.getOrDefault("host", "127.0.0.1"), Integer.parseInt(required(o, "port")),
                o.getOrDefault("user-pattern", "user%d@example.test"),
                o.getOrDefault("password-pattern", "password-%d"), Integer.parseInt(o.getOrDefault("users", "100")),
                Integer.parseInt(o.getOrDefault("clients", "10")), Integer.parseInt(o.getOrDefault("seconds", "30")),
                Integer.parseInt(o.getOrDefault("messages", "40")), o.containsKey("seed"),
                Integer.parseInt(o.getOrDefault("idle-connections", "0")), pids,
                Long.parseLong(o.getOrDefault("random-seed", "1")), 60_000);
    }

    private static String required(Map<String, String> o, String k) {
        String v = o.get(k);
        if (v == null) {
            usage("--" + k + " is required");
        }
        return v;
    }

    static int imap(Map<String, String> o) throws Exception {
        Target t = target(o);
        String label = o.getOrDefault("label", "imap");
        ProcTree tree = new ProcTree(t.pids());
        ImapWorkload w = new ImapWorkload(t);
        if (t.seed()) {
            long s = System.nanoTime();
            w.seed();
            System.out.printf(Locale.ROOT, "%s: seeded %d users with %d messages each in %.1f s%n", label, t.users(),
                    t.messages(), (System.nanoTime() - s) / 1e9);
        }
        Properties r = new Properties();
        r.setProperty("kind", "imap");
        if (!tree.isEmpty()) {
            r.setProperty("pss.start.kib", Long.toString(tree.pssKib()));
        }
        long cpu0 = tree.cpuNanos();
        long jit0 = tree.jitCpuNanos();
        long wall = w.run();
        long cpu = tree.cpuNanos() - cpu0;
        jit(r, t, tree.jitCpuNanos() - jit0);
        w.verify();
        fill(r, t, label, w.stats, wall, cpu, w.checks.get(), w.consistencyErrors.get(), w.stats.totalCount());
        if (t.idleConnections() > 0 && !tree.isEmpty()) {
            idleMemory(t, w, tree, r);
        }
        return report(o, r, w.problems);
    }

    /** PSS of the trees before and after opening K connections that SELECT and IDLE, per connection. */
    private static void idleMemory(Target t, ImapWorkload w, ProcTree tree, Properties r) throws Exception {
        long before = settledPss(tree);
        List<ImapClient> open = w.openIdle(t.idleConnections());
        try {
            long after = settledPss(tree);
            r.setProperty("idle.connections", Integer.toString(open.size()));
            r.setProperty("idle.pss.before.kib", Long.toString(before));
            r.setProperty("idle.pss.after.kib", Long.toString(after));
            r.setProperty("idle.kib.per.connection", fmt((after - before) / (double) open.size()));
        } finally {
            open.forEach(ImapClient::close);
        }
    }

    /** Polls the PSS until two readings 500 ms apart differ by less than 1 % (at most 15 s). */
    private static long settledPss(ProcTree tree) throws InterruptedException {
        long last = tree.pssKib();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            long now = tree.pssKib();
            if (Math.abs(now - last) < Math.max(1, last / 100)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    static int pop3(Map<String, String> o) throws Exception {
        Target t = target(o);
        String label = o.getOrDefault("label", "pop3");
        ProcTree tree = new ProcTree(t.pids());
        Pop3Workload w = new Pop3Workload(t);
        Properties r = new Properties();
        r.setProperty("kind", "pop3");
        if (!tree.isEmpty()) {
            r.setProperty("pss.start.kib", Long.toString(tree.pssKib()));
        }
        long cpu0 = tree.cpuNanos();
        long jit0 = tree.jitCpuNanos();
        long wall = w.run();
        long cpu = tree.cpuNanos() - cpu0;
        jit(r, t, tree.jitCpuNanos() - jit0);
        fill(r, t, label, w.stats, wall, cpu, w.checks.get(), w.consistencyErrors.get(),
                w.stats.of("RETR").count());
        r.setProperty("retr.mib", fmt(w.retrBytes.get() / 1048576.0));
        return report(o, r, w.problems);
    }

    /** The part of the phase's server CPU that JIT compiler threads took: a warm JVM's is near nothing. */
    private static void jit(Properties r, Target t, long jitNanos) {
        if (!t.pids().isEmpty()) {
            r.setProperty("jit.cpu.seconds", fmt(jitNanos / 1e9));
        }
    }

    private static void fill(Properties r, Target t, String label, Stats stats, long wallNanos, long cpuNanos,
            long checks, long consistencyErrors, long perCpuUnits) {
        double seconds = wallNanos / 1e9;
        r.setProperty("label", label);
        r.setProperty("date", Instant.now().toString());
        r.setProperty("clients", Integer.toString(t.clients()));
        r.setProperty("users", Integer.toString(t.users()));
        r.setProperty("seconds", fmt(seconds));
        r.setProperty("total.count", Long.toString(stats.totalCount()));
        r.setProperty("total.rate", fmt(stats.totalCount() / seconds));
        r.setProperty("total.errors", Long.toString(stats.totalErrors()));
        r.setProperty("consistency.checks", Long.toString(checks));
        r.setProperty("consistency.errors", Long.toString(consistencyErrors));
        if (!t.pids().isEmpty()) {
            r.setProperty("cpu.seconds", fmt(cpuNanos / 1e9));
            r.setProperty("per.cpu.second", fmt(perCpuUnits / Math.max(1e-9, cpuNanos / 1e9)));
        }
        stats.all().forEach((name, s) -> {
            String k = "cmd." + name.replace(' ', '_') + ".";
            r.setProperty(k + "count", Integer.toString(s.count()));
            r.setProperty(k + "rate", fmt(s.count() / seconds));
            r.setProperty(k + "p50", fmt(s.percentileMillis(0.5)));
            r.setProperty(k + "p99", fmt(s.percentileMillis(0.99)));
            r.setProperty(k + "errors", Long.toString(s.errors()));
        });
    }

    private static int report(Map<String, String> o, Properties r, Iterable<String> problems) throws IOException {
        boolean imap = r.getProperty("kind").equals("imap");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n%s (%s): %s clients, %s users, %s s%n", r.getProperty("label"),
                r.getProperty("kind"), r.getProperty("clients"), r.getProperty("users"), r.getProperty("seconds")));
        sb.append(String.format(Locale.ROOT, "%-16s %9s %9s %9s %9s %7s%n", "command", "count", "rate/s",
                "p50 ms", "p99 ms", "errors"));
        for (String name : commands(r)) {
            String k = "cmd." + name + ".";
            sb.append(String.format(Locale.ROOT, "%-16s %9s %9s %9s %9s %7s%n", name.replace('_', ' '),
                    r.getProperty(k + "count"), r.getProperty(k + "rate"), r.getProperty(k + "p50"),
                    r.getProperty(k + "p99"), r.getProperty(k + "errors")));
        }
        sb.append(String.format(Locale.ROOT, "%-16s %9s %9s %9s %9s %7s%n", "total", r.getProperty("total.count"),
                r.getProperty("total.rate"), "", "", r.getProperty("total.errors")));
        if (r.getProperty("cpu.seconds") != null) {
            sb.append(String.format(Locale.ROOT, "server CPU: %s s; %s per server CPU-second: %s%n",
                    r.getProperty("cpu.seconds"), imap ? "commands" : "RETR", r.getProperty("per.cpu.second")));
            sb.append(String.format(Locale.ROOT, "of which JIT compiler threads: %s s%n",
                    r.getProperty("jit.cpu.seconds", "-")));
        }
        if (r.getProperty("pss.start.kib") != null) {
            sb.append(String.format(Locale.ROOT, "server PSS at the start: %s KiB%n", r.getProperty("pss.start.kib")));
        }
        if (r.getProperty("idle.kib.per.connection") != null) {
            sb.append(String.format(Locale.ROOT, "IDLE: %s connections, PSS %s -> %s KiB: %s KiB per connection%n",
                    r.getProperty("idle.connections"), r.getProperty("idle.pss.before.kib"),
                    r.getProperty("idle.pss.after.kib"), r.getProperty("idle.kib.per.connection")));
        }
        sb.append(String.format(Locale.ROOT, "consistency: %s checks, %s failed%n", r.getProperty("consistency.checks"),
                r.getProperty("consistency.errors")));
        for (String p : problems) {
            sb.append("  ").append(p).append('\n');
        }
        System.out.print(sb);
        String out = o.get("out");
        if (out != null) {
            Path p = Path.of(out);
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            try (Writer w = Files.newBufferedWriter(p)) {
                r.store(w, "mailbench result");
            }
        }
        return Long.parseLong(r.getProperty("total.errors")) + Long.parseLong(r.getProperty("consistency.errors"))
                == 0 ? 0 : 1;
    }

    private static TreeSet<String> commands(Properties r) {
        TreeSet<String> names = new TreeSet<>();
        for (String k : r.stringPropertyNames()) {
            if (k.startsWith("cmd.") && k.endsWith(".count")) {
                names.add(k.substring(4, k.length() - 6));
            }
        }
        return names;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /** One markdown table: each phase file found in both directories, left and right, and left / right. */
    static int compare(Map<String, String> o) throws IOException {
        Path left = Path.of(required(o, "left"));
        Path right = Path.of(required(o, "right"));
        String a = o.getOrDefault("left-label", "left");
        String b = o.getOrDefault("right-label", "right");
        StringBuilder sb = new StringBuilder();
        sb.append("| phase | measure | ").append(a).append(" | ").append(b).append(" | ").append(a).append(" / ")
                .append(b).append(" |\n|---|---|---|---|---|\n");
        List<Path> phases = new ArrayList<>();
        try (var files = Files.list(left)) {
            files.filter(f -> f.toString().endsWith(".properties")).sorted().forEach(phases::add);
        }
        for (Path f : phases) {
            Path g = right.resolve(f.getFileName());
            if (!Files.exists(g)) {
                continue;
            }
            Properties l = load(f);
            Properties r = load(g);
            String phase = f.getFileName().toString().replace(".properties", "");
            boolean imap = "imap".equals(l.getProperty("kind"));
            row(sb, phase, (imap ? "commands" : "RETR") + " per server CPU-second", l, r, "per.cpu.second");
            row(sb, phase, "server CPU seconds", l, r, "cpu.seconds");
            row(sb, phase, "of which JIT compiler threads", l, r, "jit.cpu.seconds");
            row(sb, phase, "commands (all clients)", l, r, "total.count");
            row(sb, phase, "errors / consistency failures", l.getProperty("total.errors") + " / "
                    + l.getProperty("consistency.errors"), r.getProperty("total.errors") + " / "
                    + r.getProperty("consistency.errors"), "");
            row(sb, phase, "PSS at the start (MiB)", mib(l, "pss.start.kib"), mib(r, "pss.start.kib"),
                    ratio(num(l, "pss.start.kib"), num(r, "pss.start.kib")));
            row(sb, phase, "KiB per SELECT+IDLE connection (" + l.getProperty("idle.connections", "-") + ")", l, r,
                    "idle.kib.per.connection");
            TreeSet<String> names = commands(l);
            names.retainAll(commands(r));
            for (String n : names) {
                String k = "cmd." + n + ".";
                row(sb, phase, n.replace('_', ' ') + " p50 / p99 ms", l.getProperty(k + "p50") + " / "
                        + l.getProperty(k + "p99"), r.getProperty(k + "p50") + " / " + r.getProperty(k + "p99"),
                        ratio(num(l, k + "p50"), num(r, k + "p50")) + " / " + ratio(num(l, k + "p99"), num(r, k
                                + "p99")));
            }
        }
        System.out.print(sb);
        return 0;
    }

    private static void row(StringBuilder sb, String phase, String measure, Properties l, Properties r, String key) {
        if (l.getProperty(key) == null && r.getProperty(key) == null) {
            return;
        }
        row(sb, phase, measure, l.getProperty(key, "-"), r.getProperty(key, "-"), ratio(num(l, key), num(r, key)));
    }

    private static void row(StringBuilder sb, String phase, String measure, String a, String b, String ratio) {
        if ((a == null || a.startsWith("-")) && (b == null || b.startsWith("-"))) {
            return;
        }
        sb.append("| ").append(phase).append(" | ").append(measure).append(" | ").append(a).append(" | ")
                .append(b).append(" | ").append(ratio).append(" |\n");
    }

    private static String mib(Properties p, String key) {
        double v = num(p, key);
        return Double.isNaN(v) ? "-" : fmt(v / 1024);
    }

    private static double num(Properties p, String key) {
        String v = p.getProperty(key);
        try {
            return v == null ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : fmt(a / b) + "×";
    }

    private static Properties load(Path p) throws IOException {
        Properties r = new Properties();
        try (Reader in = Files.newBufferedReader(p)) {
            r.load(in);
        }
        return r;
    }
}
