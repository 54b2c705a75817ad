package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conformance and robustness findings of the IMAP review, each with the behaviour RFC 3501 asks for. */
@QuarkusTest
class ImapReviewTest extends ImapTestBase {

    private static final String MESSAGE = crlf("Subject: review\n\nbody\n");

    private static void append(ImapClient c, String mailbox) throws Exception {
        append(c, mailbox, MESSAGE);
    }

    /** Renaming the selected mailbox (or its parent) keeps it selected under the new name; no BYE. */
    @Test
    void renamingTheSelectedMailboxKeepsItSelected() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            c.ok("CREATE Old/Child");
            append(c, "Old/Child");
            append(c, "Old");
            c.ok("SELECT Old");
            c.ok("RENAME Old New");
            List<String> fetch = c.command("FETCH 1 (FLAGS)");
            assertTrue(last(fetch).matches("t\\d+ OK.*"), fetch.toString());
            assertTrue(fetch.contains("* 1 FETCH (FLAGS (\\Recent))"), "its SELECT claimed it: " + fetch);
            c.ok("STORE 1 +FLAGS (\\Flagged)");
            c.ok("SELECT New/Child");
            c.ok("RENAME New Newer");
            List<String> noop = c.command("NOOP");
            assertEquals(1, noop.size(), noop.toString());
            List<String> fetch2 = c.command("UID FETCH 1 (FLAGS)");
            assertTrue(fetch2.contains("* 1 FETCH (UID 1 FLAGS (\\Recent))"), fetch2.toString());
            assertTrue(c.command("STATUS Newer/Child (MESSAGES)").contains("* STATUS Newer/Child (MESSAGES 1)"));
        }
    }

    /**
     * RFC 3501 §9 (seq-number): a sequence number beyond the mailbox gets BAD, "*" included when the mailbox is
     * empty. It used to be BAD for a non-empty mailbox but OK for an empty one. UID commands stay OK.
     */
    @Test
    void sequenceNumbersInAnEmptyMailboxAreBad() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            c.ok("SELECT INBOX");
            for (String cmd : List.of("FETCH 5 (FLAGS)", "FETCH 1:* (FLAGS)", "STORE * +FLAGS (\\Seen)", "COPY 1 Trash",
                    "MOVE 1:* Trash", "SEARCH 1:*")) {
                String reply = last(c.command(cmd));
                assertTrue(reply.matches("t\\d+ BAD .*"), cmd + " -> " + reply);
            }
            c.ok("UID FETCH 1:* (FLAGS)");
            c.ok("UID SEARCH ALL");
        }
    }

    /**
     * A FETCH by sequence number of a message another session expunged (not yet announced: no EXPUNGE may be sent
     * during FETCH) used to answer OK with no data for it. RFC 2180 §4.1.2: the data of the others, then NO
     * (RFC 5530 EXPUNGEISSUE, as Dovecot).
     */
    @Test
    void fetchOfAMessageExpungedElsewhereSaysSo() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a); ImapClient other = login(a)) {
            append(c, "INBOX");
            append(c, "INBOX");
            c.ok("SELECT INBOX");
            other.ok("SELECT INBOX");
            other.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
            other.ok("EXPUNGE");
            List<String> fetch = c.command("FETCH 1:2 (UID)");
            assertTrue(fetch.contains("* 2 FETCH (UID 2)"), fetch.toString());
            assertTrue(fetch.stream().noneMatch(l -> l.matches("\\* \\d+ EXPUNGE")), fetch.toString());
            assertTrue(last(fetch).matches("t\\d+ NO \\[EXPUNGEISSUE\\] .*"), fetch.toString());
            List<String> noop = c.command("NOOP");
            assertEquals(List.of("* 1 EXPUNGE"), noop.subList(0, noop.size() - 1));
            assertTrue(last(c.command("FETCH 1 (UID)")).matches("t\\d+ OK .*"));
        }
    }

    /**
     * A header field name given as a literal with 8-bit or control characters used to make the FETCH writer throw
     * (the echoed section name must be ASCII), and the command never got a tagged reply: the session hung.
     */
    @Test
    void aHeaderFieldNameThatIsNotOneIsBad() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            append(c, "INBOX");
            c.ok("SELECT INBOX");
            String reply = last(c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS ({5+}\r\nS\u00fcbj)])"));
            assertTrue(reply.matches("t\\d+ BAD .*"), reply);
            reply = last(c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS ({9+}\r\nX\r\n* BYE )])"));
            assertTrue(reply.matches("t\\d+ BAD .*"), reply);
            assertTrue(c.command("NOOP").get(0).matches("t\\d+ OK NOOP completed"));
        }
    }

    @Inject
    MeterRegistry registry;

    private double bytesOut() {
        return registry.find("imap.bytes.out").counter().count();
    }

    /**
     * A client that pipelines commands and never reads the replies: the server must stop reading from it once its
     * write queue is full, instead of queueing replies in memory without bound.
     */
    @Test
    void aClientThatDoesNotReadIsNotBufferedWithoutBound() throws Exception {
        int commands = 110_000; // ~25 MB of CAPABILITY replies
        double before = bytesOut();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(8192);
            s.connect(new InetSocketAddress("127.0.0.1", PORT));
            byte[] chunk = "a CAPABILITY\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < commands / 1000; i++) {
                        out.write(chunk);
                    }
                    out.flush();
                } catch (IOException e) {
                    // the test ends the connection
                }
            });
            writer.setDaemon(true);
            writer.start();
            writer.join(20_000);
            // Wait until the server has stopped writing: its byte count unchanged for 2 s (a pause that long is not
            // a hiccup of a server still working through 110k commands), checking the bound at every sample so
            // that stopping early can never hide an overrun. 30 s is far more than the stall takes.
            long deadline = System.nanoTime() + 30_000_000_000L;
            long stillSince = System.nanoTime();
            double last = bytesOut();
            while (System.nanoTime() - stillSince < 2_000_000_000L) {
                assertTrue(System.nanoTime() < deadline, "the server never stopped writing: "
                        + (long) (last - before) + " bytes so far");
                Thread.sleep(100); // polling interval
                double now = bytesOut();
                assertTrue(now - before < 10_000_000, "replies written for a client that reads nothing: "
                        + (long) (now - before));
                if (now != last) {
                    last = now;
                    stillSince = System.nanoTime();
                }
            }
            // Once the client reads, every command is answered.
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            int ok = 0;
            String line;
            while (ok < commands && (line = in.readLine()) != null) {
                if (line.startsWith("a OK")) {
                    ok++;
                }
            }
            assertEquals(commands, ok);
        }
    }
}
