package dev.mailplatform.pop3.bench;

import dev.mailplatform.pop3.service.Pop3Client;
import dev.mailplatform.pop3.service.StoreFixture;
import dev.mailplatform.pop3.service.TestKeystoreResource;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.testkit.StoreServiceResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a timed test: a harness that prints RETR/s. {@code ./mvnw -B -pl pop3-service verify -Pbench} after {@code ./mvnw install -DskipTests}. Each
 * worker has its own account (the maildrop lock is exclusive) and loops: login, RETR every message, QUIT.
 */
@QuarkusTest
@QuarkusTestResource(StoreServiceResource.class)
@QuarkusTestResource(TestKeystoreResource.class)
@Tag("bench")
class Pop3Benchmark {

    static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    /**
     * Long enough for the JIT to settle in the JVMs (client with pop3-service, and store): on the 2-core machine their
     * C2 compiler threads still took a fifth to a third of the CPU 60 s after the start, which is a cost of starting
     * up, not of serving POP3. Four workers, so every account's login is warm too.
     */
    static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup.seconds", 60);
    static final int MESSAGES = Integer.getInteger("bench.messages", 50);
    static final int AVERAGE_SIZE = 36 * 1024;

    @ConfigProperty(name = "mail.store.host")
    String storeHost;
    @ConfigProperty(name = "mail.store.port")
    int storePort;
    @ConfigProperty(name = "mail.store.http-port")
    int storeHttpPort;

    @Test
    void retrThroughput() throws Exception {
        try (StoreFixture store = new StoreFixture(storeHost, storePort)) {
            List<Account> accounts = new ArrayList<>();
            Random random = new Random(42);
            long bytes = 0;
            for (int w = 0; w < 4; w++) {
                Account a = store.newAccount("bench" + w);
                accounts.add(a);
                for (int i = 0; i < MESSAGES; i++) {
                    // 12..60 KB, 36 KB on average: text lines, some starting with "." to exercise dot-stuffing.
                    int size = 12 * 1024 + random.nextInt(48 * 1024);
                    StringBuilder body = new StringBuilder(size + 80);
                    while (body.length() < size) {
                        body.append(random.nextInt(20) == 0 ? ".dot line " : "line of text ").append(random.nextLong())
                                .append(" lorem ipsum dolor sit amet\r\n");
                    }
                    String m = StoreFixture.message("bench " + i, body.toString());
                    bytes += m.length();
                    store.deliver(a, m);
                }
            }
            System.out.printf("POP3 benchmark: %d messages per account, %.1f KB average%n", MESSAGES,
                    bytes / 4.0 / MESSAGES / 1024);
            run(accounts, 4, WARMUP_SECONDS, false);
            // One RETR at a time (fetchmail, getmail), then every RETR in one write (mpop's PIPELINING).
            for (Object[] mode : new Object[][] {{1, false}, {4, false}, {1, true}}) {
                int workers = (Integer) mode[0];
                boolean pipelined = (Boolean) mode[1];
                Map<String, double[]> before = commandTimes();
                Map<String, double[]> storeBefore = storeCallTimes();
                double rate = run(accounts, workers, SECONDS, pipelined);
                System.out.printf("POP3 benchmark: %d worker(s)%s: %.0f RETR/s over %d s%n", workers,
                        pipelined ? ", pipelined" : "", rate, SECONDS);
                // Where the time goes, as the server measured it (first byte of the command to the end of its reply).
                print("", before, commandTimes());
                // ... and inside those, the store's calls as the store measured them (its gRPC server timers).
                print("store ", storeBefore, storeCallTimes());
            }
        }
    }

    static void print(String prefix, Map<String, double[]> before, Map<String, double[]> after) {
        after.forEach((name, a) -> {
            double[] b = before.getOrDefault(name, new double[2]);
            if (a[0] > b[0]) {
                System.out.printf("POP3 benchmark:   %-20s %6.0f times, %8.2f ms each%n", prefix + name, a[0] - b[0],
                        (a[1] - b[1]) * 1000 / (a[0] - b[0]));
            }
        });
    }

    /** Command -> {count, seconds} of successful commands, from the service's own Prometheus timers. */
    static Map<String, double[]> commandTimes() throws Exception {
        return timers("http://127.0.0.1:18092/q/metrics",
                Pattern.compile("pop3_commands_seconds_(count|sum)\\{command=\"([A-Z]+)\",status=\"ok\",?} (\\S+)"));
    }

    /** RPC -> {count, seconds} of the store's successful calls. */
    Map<String, double[]> storeCallTimes() throws Exception {
        return timers("http://127.0.0.1:" + storeHttpPort + "/q/metrics", Pattern.compile(
                "grpc_server_processing_duration_seconds_(count|sum)\\{method=\"(\\w+)\",.*statusCode=\"OK\",?} (\\S+)"));
    }

    /** Name (group 2) -> {count, seconds} from Prometheus timer lines matching {@code p}. */
    static Map<String, double[]> timers(String url, Pattern p) throws Exception {
        Map<String, double[]> out = new TreeMap<>();
        try (InputStream in = new URL(url).openStream()) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(l -> {
                Matcher m = p.matcher(l);
                if (m.matches()) {
                    out.computeIfAbsent(m.group(2), k -> new double[2])[m.group(1).equals("count") ? 0 : 1] =
                            Double.parseDouble(m.group(3));
                }
            });
        }
        return out;
    }

    /** Returns RETR/s; the first call is a warm-up. */
    double run(List<Account> accounts, int workers, int seconds, boolean pipelined) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<Long>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            Account a = accounts.get(w);
            results.add(pool.submit(() -> {
                long count = 0;
                while (System.nanoTime() < end) {
                    try (Pop3Client c = Pop3Client.connect("127.0.0.1", 18110)) {
                        c.login(a.getAddress(), StoreFixture.PASSWORD);
                        String stat = c.command("STAT");
                        int n = Integer.parseInt(stat.split(" ")[1]);
                        if (pipelined) {
                            StringBuilder all = new StringBuilder();
                            for (int i = 1; i <= n; i++) {
                                all.append("RETR ").append(i).append("\r\n");
                            }
                            c.sendRaw(all.toString().getBytes(StandardCharsets.US_ASCII));
                            for (int i = 1; i <= n; i++) {
                                String r = c.line();
                                if (!r.startsWith("+OK")) {
                                    throw new IllegalStateException(r);
                                }
                                c.skipBody();
                                count++;
                            }
                            n = 0;
                        }
                        for (int i = 1; i <= n && System.nanoTime() < end; i++) {
                            String r = c.command("RETR " + i);
                            if (!r.startsWith("+OK")) {
                                throw new IllegalStateException(r);
                            }
                            c.skipBody();
                            count++;
                        }
                        c.command("QUIT");
                    }
                }
                return count;
            }));
        }
        long total = 0;
        for (Future<Long> f : results) {
            total += f.get();
        }
        pool.shutdown();
        return total / ((System.nanoTime() - start) / 1e9);
    }
}
