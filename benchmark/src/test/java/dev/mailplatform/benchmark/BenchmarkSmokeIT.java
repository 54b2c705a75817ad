package dev.mailplatform.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.localplatform.Ports;
import dev.mailplatform.localplatform.ServiceProcess;
import dev.mailplatform.protocol.SelfSignedKeystore;
import dev.mailplatform.testkit.StoreServiceProcess;
import dev.mailplatform.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The smoke of the benchmark in ./mvnw verify: the IMAP workload for 5 s, 2 clients and 4 users, against the
 * packaged store-service and imap-service (real PostgreSQL and S3 from the test kit). It checks that the harness
 * runs end to end, that no command fails and that every consistency check holds; its figures mean nothing.
 */
class BenchmarkSmokeIT {

    private static final String KEYSTORE_PASSWORD = "smoke-keystore-password";

    @Test
    void imapWorkloadRunsCleanAgainstThePackagedServices() throws Exception {
        Path jar = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().resolve("../imap-service/target/quarkus-app/quarkus-run.jar")
                .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no imap-service jar at " + jar + ": package it first (./mvnw -pl benchmark -am verify)");
        }
        Path seed = Files.createDirectories(Path.of("target", "smoke")).resolve("seed.txt").toAbsolutePath();
        StringBuilder lines = new StringBuilder();
        for (int u = 1; u <= 4; u++) {
            lines.append("smoke").append(u).append("@smoke.example.test:smoke-password-").append(u).append('\n');
        }
        Files.writeString(seed, lines);
        try (StoreServiceProcess store = StoreServiceProcess.start(Map.of("MAIL_SEED_ACCOUNTS", seed.toString()))) {
            int imapPort = Ports.freePort();
            ServiceProcess imap = startImap(jar, store.port(), imapPort);
            try {
                imap.awaitReady(StoreServiceProcess.READY_TIMEOUT);
                Target t = new Target("127.0.0.1", imapPort, "smoke%d@smoke.example.test", "smoke-password-%d", 4, 2,
                        5, 6, true, 4, List.of(ProcessHandle.current().pid()), 7, 60_000);
                ImapWorkload w = new ImapWorkload(t);
                w.seed();
                ProcTree tree = new ProcTree(t.pids());
                long cpu0 = tree.cpuNanos();
                w.run();
                long cpu = tree.cpuNanos() - cpu0;
                w.verify();
                assertEquals(0, w.stats.totalErrors(), "failed commands: " + w.problems);
                assertEquals(0, w.consistencyErrors.get(), "consistency: " + w.problems);
                assertTrue(w.checks.get() > 0);
                for (String cmd : List.of("LOGIN", "SELECT", "FETCH FLAGS", "FETCH ENVELOPE", "FETCH BODY[]",
                        "SEARCH", "FETCH BODY[2]", "STORE", "APPEND", "EXPUNGE", "IDLE", "LIST", "STATUS", "LOGOUT")) {
                    assertTrue(w.stats.of(cmd).count() > 0, cmd + " ran");
                }
                assertTrue(cpu > 0, "the services' CPU (child JVMs of this one) is seen");
                w.openIdle(4).forEach(ImapClient::close);
            } finally {
                imap.stop(Duration.ofSeconds(10));
            }
        }
    }

    /** imap-service as ./mailctl run starts it, plaintext LOGIN allowed on loopback, without the parent's MAIL_*. */
    private static ServiceProcess startImap(Path jar, int storePort, int imapPort) throws Exception {
        Path keystore = SelfSignedKeystore.ensure(Path.of("target", "test-tls", "smoke-server.p12").toAbsolutePath(),
                KEYSTORE_PASSWORD);
        int http = Ports.freePort();
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("MAIL_") && !k.startsWith("QUARKUS_")) {
                env.put(k, v);
            }
        });
        env.put("MAIL_STORE_HOST", "127.0.0.1");
        env.put("MAIL_STORE_PORT", Integer.toString(storePort));
        env.put("MAIL_IMAP_HTTP_PORT", Integer.toString(http));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("MAIL_IMAP_PORT", Integer.toString(imapPort));
        env.put("MAIL_IMAPS_PORT", Integer.toString(Ports.freePort()));
        env.put("MAIL_IMAP_PLAINTEXT_ON_LOOPBACK", "true");
        env.put("MAIL_TLS_KEYSTORE", keystore.toString());
        env.put("MAIL_TLS_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);
        env.putAll(TestCertificates.clientEnvironment());
        return ServiceProcess.start("imap-smoke", jar, http, env, List.of("-Xmx256m"),
                Path.of("target", "imap-smoke-" + imapPort + ".log"), null);
    }
}
