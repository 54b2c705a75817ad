package dev.mailplatform.pop3.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.localplatform.Ports;
import dev.mailplatform.localplatform.ServiceProcess;
import dev.mailplatform.pop3.service.Pop3Client;
import dev.mailplatform.pop3.service.StoreFixture;
import dev.mailplatform.pop3.service.TestKeystoreResource;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.testkit.StoreServiceProcess;
import dev.mailplatform.testkit.TestCertificates;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged pop3-service started twice (child JVMs) on one real store: the maildrop lock holds across replicas,
 * is renewed while its session lives, and expires when its holder dies without QUIT. A third instance points at a
 * dead store and refuses plaintext on loopback, for the outage and plaintext-refusal replies.
 */
class Pop3ReplicaIT {

    static final int LEASE_SECONDS = 3;
    static StoreServiceProcess store;
    static Instance a;
    static Instance b;
    static Instance deadStore;
    static StoreFixture fixture;

    record Instance(ServiceProcess process, int pop3Port, int tlsPort) {
    }

    @BeforeAll
    static void start() throws Exception {
        store = StoreServiceProcess.start();
        fixture = new StoreFixture(store.host(), store.port());
        a = start("pop3-a", store.port(), Map.of());
        b = start("pop3-b", store.port(), Map.of());
        a.process().awaitReady(Duration.ofSeconds(120));
        b.process().awaitReady(Duration.ofSeconds(120));
        deadStore = start("pop3-dead-store", Ports.freePort(), Map.of("MAIL_POP3_PLAINTEXT_ON_LOOPBACK", "false",
                "MAIL_TLS_KEYSTORE", TestKeystoreResource.keystore().toString(),
                "MAIL_TLS_KEYSTORE_PASSWORD", TestKeystoreResource.PASSWORD));
        awaitPort(deadStore.pop3Port(), deadStore.process());
    }

    static Instance start(String name, int storePort, Map<String, String> extra) throws IOException {
        int http = Ports.freePort();
        int pop3 = Ports.freePort();
        int tls = Ports.freePort();
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("MAIL_") && !k.startsWith("QUARKUS_")) {
                env.put(k, v);
            }
        });
        env.put("MAIL_STORE_HOST", "127.0.0.1");
        env.put("MAIL_STORE_PORT", Integer.toString(storePort));
        env.put("MAIL_POP3_HTTP_PORT", Integer.toString(http));
        env.put("MAIL_POP3_PORT", Integer.toString(pop3));
        env.put("MAIL_POP3S_PORT", Integer.toString(tls));
        // The old name of mail.pop3.lease-duration, on purpose: it proves that a deprecated name still takes effect
        // (the lease could not expire within the test's wait otherwise) and that a plain number means seconds.
        env.put("MAIL_POP3_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
        env.put("MAIL_POP3_PLAINTEXT_ON_LOOPBACK", "true"); // off by default; these clients are local, as mailctl's
        env.putAll(TestCertificates.clientEnvironment()); // the store takes only callers with its CA's certificate
        env.putAll(extra);
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        Path log = Path.of("target", name + "-" + pop3 + ".log");
        return new Instance(ServiceProcess.start(name, jar, http, env, List.of("-Xmx256m"), log, null), pop3,
                tls);
    }

    static void awaitPort(int port, ServiceProcess p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                assertTrue(p.isAlive(), "instance died: " + p.tail(30));
                Thread.sleep(200);
            }
        }
        throw new IOException("port " + port + " never opened: " + p.tail(30));
    }

    @AfterAll
    static void stop() {
        for (Instance i : new Instance[] {a, b, deadStore}) {
            if (i != null) {
                i.process().close();
            }
        }
        if (fixture != null) {
            fixture.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static String pass(Pop3Client c, Account acc) throws IOException {
        c.command("USER " + acc.getAddress());
        return c.command("PASS " + StoreFixture.PASSWORD);
    }

    @Test
    void lockHoldsAcrossReplicasIsRenewedAndExpiresWhenTheHolderDies() throws Exception {
        Account acc = fixture.newAccount("replica");
        fixture.deliver(acc, StoreFixture.message("r", "replicated\r\n"));
        try (Pop3Client onA = Pop3Client.connect("127.0.0.1", a.pop3Port());
                Pop3Client onB = Pop3Client.connect("127.0.0.1", b.pop3Port())) {
            assertTrue(pass(onA, acc).startsWith("+OK maildrop locked"));
            assertEquals("-ERR [IN-USE] maildrop is locked by another session", pass(onB, acc));
            // Longer than the lease: only the renewal timer keeps the lock.
            Thread.sleep((LEASE_SECONDS + 2) * 1000L);
            assertEquals("-ERR [IN-USE] maildrop is locked by another session", pass(onB, acc));
            assertEquals("+OK message 1 deleted", onA.command("DELE 1"));

            // The holder's process dies: no QUIT, no release.
            a.process().process().destroyForcibly().waitFor();
            long died = System.nanoTime();
            String reply = pass(onB, acc);
            while (!reply.startsWith("+OK") && System.nanoTime() - died < Duration.ofSeconds(20).toNanos()) {
                assertEquals("-ERR [IN-USE] maildrop is locked by another session", reply);
                Thread.sleep(250);
                reply = pass(onB, acc);
            }
            assertTrue(reply.startsWith("+OK maildrop locked and ready, 1 messages"),
                    "lease expired, and the dead holder's DELE was never applied: " + reply);
            onB.command("QUIT");
        }
    }

    /**
     * SIGTERM on a replica (its own instance, so the others stay up): the RETR it is sending finishes whole, then the
     * connection closes without UPDATE, so the DELE before it is not committed and the lock is released at once; a
     * connection that comes meanwhile is turned away with SYS/TEMP; the process ends by itself.
     */
    @Test
    void sigtermFinishesTheRunningRetrThenClosesWithoutCommittingDeletes() throws Exception {
        Instance c = start("pop3-drain", store.port(), Map.of("MAIL_POP3_SHUTDOWN_DRAIN_TIMEOUT", "60s"));
        try {
            c.process().awaitReady(Duration.ofSeconds(120));
            Account acc = fixture.newAccount("drain");
            fixture.deliver(acc, StoreFixture.message("small", "first\r\n"));
            // Larger than the socket buffers on both sides: while the client does not read, RETR cannot finish.
            byte[] big = StoreFixture.message("big", "y".repeat(76) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.writeBytes(big);
            String line = "z".repeat(998) + "\r\n";
            while (body.size() < 24 * 1024 * 1024) {
                body.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
            }
            byte[] message = body.toByteArray();
            fixture.deliver(acc, message);
            try (Pop3Client reader = Pop3Client.connect("127.0.0.1", c.pop3Port())) {
                assertTrue(pass(reader, acc).startsWith("+OK maildrop locked and ready, 2 messages"));
                assertEquals("+OK message 1 deleted", reader.command("DELE 1"));
                reader.send("RETR 2");

                c.process().process().destroy(); // SIGTERM
                String greeting = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    try (Pop3Client late = Pop3Client.connect("127.0.0.1", c.pop3Port())) {
                        greeting = late.greeting;
                    }
                    if (greeting.startsWith("-ERR")) {
                        break;
                    }
                    Thread.sleep(50);
                }
                assertEquals("-ERR [SYS/TEMP] server shutting down, try again later", greeting);

                assertTrue(reader.line().startsWith("+OK"));
                assertArrayEquals(message, reader.message(), "the RETR running at SIGTERM was sent whole");
                assertTrue(reader.closedByServer(), "closed after the command, without QUIT");
            }
            assertTrue(c.process().process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS),
                    "the instance did not end by itself");
            c.process().stop(Duration.ofSeconds(5)); // already ended: this waits for its log to be copied
            String log = Files.readString(c.process().logFile());
            assertTrue(log.contains("0 cut at the deadline"), log);
            try (Pop3Client onB = Pop3Client.connect("127.0.0.1", b.pop3Port())) {
                assertTrue(pass(onB, acc).startsWith("+OK maildrop locked and ready, 2 messages"),
                        "the lock was released and the DELE not committed");
                onB.command("QUIT");
            }
        } finally {
            c.process().close();
        }
    }

    @Test
    void theOldSettingNameIsLoggedAsDeprecatedOnceWithoutItsValue() throws Exception {
        List<String> lines = Files.readAllLines(b.process().logFile()).stream()
                .filter(l -> l.contains("mail.pop3.lease-seconds")).toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("WARN") && lines.get(0)
                .endsWith("mail.pop3.lease-seconds is deprecated; use mail.pop3.lease-duration"), lines.get(0));
    }

    @Test
    void deadStoreGivesSysTempAndPlaintextIsRefusedWithoutTls() throws Exception {
        try (Pop3Client c = Pop3Client.connect("127.0.0.1", deadStore.pop3Port())) {
            c.command("CAPA");
            var caps = c.lines();
            assertTrue(caps.contains("STLS") && !caps.contains("USER") && !caps.contains("SASL PLAIN"),
                    caps.toString());
            assertEquals("-ERR [AUTH] plaintext authentication needs TLS here, use STLS first",
                    c.command("USER someone@pop3.test"));
            assertEquals("-ERR [AUTH] plaintext authentication needs TLS here, use STLS first",
                    c.command("AUTH PLAIN AHNvbWVvbmUAeA=="));
            assertEquals("+OK begin TLS negotiation", c.command("STLS"));
            c.upgradeToTls("127.0.0.1");
            assertEquals("+OK send PASS", c.command("USER someone@pop3.test"));
            assertEquals("-ERR [SYS/TEMP] the mail store is unavailable, try again later", c.command("PASS x"));
            assertEquals("+OK bye", c.command("QUIT"));
        }
    }
}
