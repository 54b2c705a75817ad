package dev.mailplatform.imap.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.imap.service.ImapClient;
import dev.mailplatform.store.v1.Account;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart as Kubernetes does it, on the packaged services: imap A gets SIGTERM while one client IDLEs and
 * another is half way through an APPEND. Readiness goes down first; then the IDLE client gets {@code * BYE
 * [UNAVAILABLE]}, a new connection is turned away the same way, the APPEND finishes with its OK and then the BYE;
 * the process ends by itself. The client reconnects to imap B and finds every APPEND that got OK.
 */
class ImapGracefulStopIT {

    static final long READINESS_DELAY_SECONDS = 3;
    static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID \\d+ (\\d+)]");

    static ImapReplicas replicas;

    @BeforeAll
    static void start() throws Exception {
        replicas = ImapReplicas.start(Map.of("MAIL_IMAP_SHUTDOWN_READINESS_DELAY", READINESS_DELAY_SECONDS + "s",
                "MAIL_IMAP_SHUTDOWN_DRAIN_TIMEOUT", "30s"));
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    static int readiness(HttpClient http) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(replicas.imapA().baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static long appendUid(String tagged) {
        Matcher m = APPENDUID.matcher(tagged);
        assertTrue(m.find(), tagged);
        return Long.parseLong(m.group(1));
    }

    @Test
    void sigtermDrainsImapAndNoAcknowledgedAppendIsLost() throws Exception {
        Account a = replicas.newAccount();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertEquals(200, readiness(http));
        List<Long> acknowledged = new ArrayList<>();
        String message = "Subject: graceful\r\n\r\n" + "x".repeat(2000) + "\r\n";
        try (ImapClient idle = replicas.loginA(a); ImapClient writer = replicas.loginA(a)) {
            for (int i = 0; i < 3; i++) {
                acknowledged.add(appendUid(writer.ok("APPEND INBOX {" + message.length() + "+}\r\n" + message)));
            }
            idle.ok("SELECT INBOX");
            String tag = idle.nextTag();
            idle.write(tag + " IDLE\r\n");
            assertTrue(idle.readLine().startsWith("+ "));
            // An APPEND in flight: its literal is half sent when SIGTERM comes.
            String appendTag = writer.nextTag();
            int half = message.length() / 2;
            writer.write(appendTag + " APPEND INBOX {" + message.length() + "+}\r\n" + message.substring(0, half));

            replicas.imapA().process().destroy(); // SIGTERM
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READINESS_DELAY_SECONDS + 5);
            while (readiness(http) != 503) {
                assertTrue(System.nanoTime() < deadline, "readiness did not go down");
                Thread.onSpinWait();
            }
            // Readiness is down and the sessions have not been told yet (the readiness delay runs).
            assertNull(idle.poll(200), "BYE before readiness went down");

            String bye = idle.poll((int) TimeUnit.SECONDS.toMillis(READINESS_DELAY_SECONDS + 10));
            assertEquals("* BYE [UNAVAILABLE] shutting down", bye);
            assertTrue(idle.isClosedByPeer());
            try (ImapClient late = new ImapClient(replicas.imapPortA())) {
                assertEquals("* BYE [UNAVAILABLE] shutting down", late.readLine());
            }

            writer.write(message.substring(half) + "\r\n"); // the literal, then the end of the command line
            List<String> done = writer.readUntil(appendTag);
            String tagged = done.get(done.size() - 1);
            assertTrue(tagged.startsWith(appendTag + " OK "), done.toString());
            acknowledged.add(appendUid(tagged));
            assertEquals("* BYE [UNAVAILABLE] shutting down", writer.readLine());
        }
        assertTrue(replicas.imapA().process().waitFor(30, TimeUnit.SECONDS), "imap A did not end by itself");
        replicas.imapA().stop(Duration.ofSeconds(5)); // already ended: this waits for its log to be copied
        String log = Files.readString(replicas.imapA().logFile());
        assertTrue(log.contains("IMAP stopped: 2 sessions ended after their command, 0 cut at the deadline"), log);

        try (ImapClient again = replicas.loginB(a)) {
            again.ok("SELECT INBOX");
            List<String> uids = again.command("UID SEARCH ALL");
            List<Long> found = new ArrayList<>();
            for (String n : uids.get(0).substring("* SEARCH".length()).trim().split(" ")) {
                found.add(Long.parseLong(n));
            }
            assertEquals(acknowledged, found);
            assertFalse(found.isEmpty());
        }
    }
}
