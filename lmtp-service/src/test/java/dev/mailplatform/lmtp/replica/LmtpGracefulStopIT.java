package dev.mailplatform.lmtp.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.lmtp.service.LmtpClient;
import dev.mailplatform.lmtp.service.StoreFixture;
import dev.mailplatform.localplatform.Ports;
import dev.mailplatform.localplatform.ServiceProcess;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.testkit.StoreServiceProcess;
import dev.mailplatform.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged lmtp-service gets SIGTERM while an MTA is half way through DATA: a new connection gets 421 4.3.2, the
 * delivery in progress finishes with its per-recipient reply, then the session gets 421 and is closed, the process
 * ends by itself, and the message is in the store.
 */
class LmtpGracefulStopIT {

    static StoreServiceProcess store;
    static StoreFixture fixture;
    static ServiceProcess lmtp;
    static int lmtpPort;

    @BeforeAll
    static void start() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no lmtp-service jar at " + jar + ": this test runs after package (failsafe)");
        }
        store = StoreServiceProcess.start();
        fixture = new StoreFixture(store.host(), store.port());
        int http = Ports.freePort();
        lmtpPort = Ports.freePort();
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("MAIL_") && !k.startsWith("QUARKUS_")) {
                env.put(k, v);
            }
        });
        env.put("MAIL_STORE_HOST", "127.0.0.1");
        env.put("MAIL_STORE_PORT", Integer.toString(store.port()));
        env.put("MAIL_LMTP_HTTP_PORT", Integer.toString(http));
        env.put("MAIL_LMTP_PORT", Integer.toString(lmtpPort));
        env.put("MAIL_LMTP_SHUTDOWN_DRAIN_TIMEOUT", "60s");
        env.putAll(TestCertificates.clientEnvironment()); // the store takes only callers with its CA's certificate
        lmtp = ServiceProcess.start("lmtp", jar, http, env, List.of("-Xmx256m"),
                Path.of("target", "lmtp-" + lmtpPort + ".log"), null);
        lmtp.awaitReady(StoreServiceProcess.READY_TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (lmtp != null) {
            lmtp.close();
        }
        if (fixture != null) {
            fixture.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void sigtermLetsTheDeliveryInProgressFinishThenSays421() throws Exception {
        Account rcpt = fixture.newAccount("drain");
        String message = "Subject: graceful\r\n\r\n" + "x".repeat(2000) + "\r\n";
        int half = message.length() / 2;
        try (LmtpClient mta = LmtpClient.ready("127.0.0.1", lmtpPort)) {
            assertTrue(mta.command("MAIL FROM:<sender@example.org>").startsWith("250"));
            assertTrue(mta.command("RCPT TO:<" + rcpt.getAddress() + ">").startsWith("250"));
            assertTrue(mta.command("DATA").startsWith("354"));
            mta.send(message.substring(0, half));

            lmtp.process().destroy(); // SIGTERM
            String greeting = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try (LmtpClient late = LmtpClient.connect("127.0.0.1", lmtpPort)) {
                    greeting = late.next();
                }
                if (greeting.startsWith("421")) {
                    break;
                }
                Thread.sleep(50);
            }
            assertEquals("421 4.3.2 Service shutting down, try again later", greeting);

            mta.send(message.substring(half) + ".\r\n");
            assertTrue(mta.next().startsWith("250 2."), "the delivery in progress was accepted");
            assertEquals("421 4.3.2 Service shutting down, try again later", mta.next());
            assertTrue(mta.closedByServer());
        }
        assertTrue(lmtp.process().waitFor(30, TimeUnit.SECONDS), "lmtp-service did not end by itself");
        lmtp.stop(Duration.ofSeconds(5)); // already ended: this waits for its log to be copied
        String log = Files.readString(lmtp.logFile());
        assertTrue(log.contains("0 cut at the deadline"), log);
        assertEquals(1, fixture.messages(rcpt, "INBOX"));
    }
}
