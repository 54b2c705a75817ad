package dev.mailplatform.lmtp.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.lmtp.metrics.LmtpMetrics;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.CreateMailboxRequest;
import dev.mailplatform.store.v1.SetAccountDisabledRequest;
import dev.mailplatform.store.v1.SetAliasRequest;
import dev.mailplatform.store.v1.UpdateAccountRequest;
import dev.mailplatform.testkit.StoreServiceResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LMTP over real sockets against the real store-service (PostgreSQL + s3proxy) through gRPC. */
@QuarkusTest
@QuarkusTestResource(StoreServiceResource.class)
@QuarkusTestResource(TestKeystoreResource.class)
class LmtpServiceTest {

    static final String HOST = "127.0.0.1";
    static final int PORT = 18024;
    /** mail.lmtp.max-message-size in the test profile. */
    static final int MAX_SIZE = 200_000;

    @ConfigProperty(name = "mail.store.host")
    String storeHost;
    @ConfigProperty(name = "mail.store.port")
    int storePort;
    @Inject
    LmtpMetrics metrics;

    StoreFixture store;

    @BeforeEach
    void open() {
        store = new StoreFixture(storeHost, storePort);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] message(String subject, String body) {
        return ("From: sender@mta.example\r\nTo: rcpt@lmtp.example\r\n"
                + "Subject: " + subject + "\r\nMessage-ID: <" + System.nanoTime() + "." + subject.hashCode()
                + "@mta.example>\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /** MAIL, the RCPTs (each reply checked against {@code rcptExpected}), DATA, the message; the post-data replies. */
    static List<String> deliver(LmtpClient c, List<String> rcpts, List<String> rcptExpected, byte[] message)
            throws IOException {
        assertTrue(c.command("MAIL FROM:<sender@mta.example>").startsWith("250 2.1.0"));
        int accepted = 0;
        for (int i = 0; i < rcpts.size(); i++) {
            String r = c.command("RCPT TO:<" + rcpts.get(i) + ">");
            assertTrue(r.startsWith(rcptExpected.get(i)), rcpts.get(i) + ": " + r);
            if (r.startsWith("250")) {
                accepted++;
            }
        }
        assertTrue(c.command("DATA").startsWith("354"));
        c.send(LmtpClient.dotStuffed(message));
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < accepted; i++) {
            replies.add(c.next());
        }
        return replies;
    }

    /**
     * What a recipient's mailbox holds: the store's Return-Path and Delivered-To lines for it, then exactly the
     * bytes the MTA sent.
     */
    static byte[] stored(String mailFrom, String rcpt, byte[] message) {
        byte[] prefix = ("Return-Path: <" + mailFrom + ">\r\nDelivered-To: " + rcpt + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(prefix, prefix.length + message.length);
        System.arraycopy(message, 0, all, prefix.length, message.length);
        return all;
    }

    static long uidOf(String reply) {
        return Long.parseLong(reply.substring(reply.lastIndexOf(' ') + 1));
    }

    @Test
    void lhloAdvertisesWhatIsImplemented() throws Exception {
        try (LmtpClient c = LmtpClient.connect(HOST, PORT)) {
            assertTrue(c.next().startsWith("220 "));
            List<String> lhlo;
            c.send("LHLO mta.example\r\n");
            lhlo = c.reply();
            assertEquals("250-localhost", lhlo.get(0));
            for (String ext : List.of("PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SIZE " + MAX_SIZE, "CHUNKING",
                    "STARTTLS")) {
                assertTrue(lhlo.stream().anyMatch(l -> l.substring(4).equals(ext)), ext + " in " + lhlo);
            }
            assertTrue(c.command("QUIT").startsWith("221 2.0.0"));
        }
    }

    @Test
    void twoAccountsAndAnUnknownGetOneReplyEachAndTheBytesComeBackIdentical() throws Exception {
        Account a = store.newAccount("lmtp-a");
        Account b = store.newAccount("lmtp-b");
        String unknown = "nobody@" + a.getAddress().substring(a.getAddress().indexOf('@') + 1);
        byte[] msg = message("two", "line one\r\n.leading dot\r\n..two dots\r\nlast\r\n");
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            List<String> replies = deliver(c, List.of(a.getAddress(), unknown, b.getAddress()),
                    List.of("250 2.1.5", "550 5.1.1", "250 2.1.5"), msg);
            assertEquals(2, replies.size());
            assertTrue(replies.get(0).startsWith("250 2.0.0 <" + a.getAddress() + "> Saved in INBOX"), replies.get(0));
            assertTrue(replies.get(1).startsWith("250 2.0.0 <" + b.getAddress() + "> Saved in INBOX"), replies.get(1));
            assertArrayEquals(stored("sender@mta.example", a.getAddress(), msg),
                    store.content(a, "INBOX", uidOf(replies.get(0))));
            assertArrayEquals(stored("sender@mta.example", b.getAddress(), msg),
                    store.content(b, "INBOX", uidOf(replies.get(1))));
            // The session goes on: a second transaction on the same connection.
            assertEquals(1, deliver(c, List.of(a.getAddress()), List.of("250"), message("again", "x\r\n")).size());
        }
        assertEquals(2, store.messages(a, "INBOX"));
        assertEquals(1, store.messages(b, "INBOX"));
    }

    @Test
    void disabledAndOverQuotaRecipientsAreRefusedAtRcptAndTheOthersDelivered() throws Exception {
        Account ok = store.newAccount("lmtp-ok");
        Account off = store.newAccount("lmtp-off");
        Account full = store.newAccount("lmtp-full");
        store.accounts.setAccountDisabled(SetAccountDisabledRequest.newBuilder().setId(off.getId()).setDisabled(true)
                .build());
        store.accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(full.getId()).setMessageLimit(1).build());
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            assertEquals(1, deliver(c, List.of(full.getAddress()), List.of("250 2.1.5"), message("fill", "x\r\n"))
                    .size());
            List<String> replies = deliver(c, List.of(off.getAddress(), full.getAddress(), ok.getAddress()),
                    List.of("550 5.2.1", "552 5.2.2", "250 2.1.5"), message("mixed", "y\r\n"));
            assertEquals(1, replies.size());
            assertTrue(replies.get(0).startsWith("250 2.0.0"), replies.get(0));
        }
        assertEquals(1, store.messagesUsed(full));
        assertEquals(2, store.messages(full, "INBOX"), "its message, and the warning that its mailbox is full");
        assertEquals(1, store.messages(ok, "INBOX"));
        assertEquals(0, store.messages(off, "INBOX"));
    }

    @Test
    void badInputGetsTheRfcRepliesAndTheSessionResynchronises() throws Exception {
        Account a = store.newAccount("lmtp-bad");
        try (LmtpClient c = LmtpClient.connect(HOST, PORT)) {
            c.next();
            assertTrue(c.command("MAIL FROM:<x@y.example>").startsWith("503 5.5.1"), "MAIL before LHLO");
            assertTrue(c.command("HELO mta.example").startsWith("500 5.5.1"), "HELO on LMTP");
            assertTrue(c.command("LHLO mta.example").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("503 5.5.1"), "RCPT before MAIL");
            assertTrue(c.command("DATA").startsWith("503 5.5.1"), "DATA before MAIL");
            assertTrue(c.command("BOGUS").startsWith("500 5.5.1"));
            assertTrue(c.command("MAIL FROM:<not an address>").startsWith("501 5.1.7"));
            assertTrue(c.command("MAIL FROM:<x@y.example> FROBNICATE=1").startsWith("555 5.5.4"));
            assertTrue(c.command("MAIL FROM:<x@y.example>").startsWith("250 2.1.0"));
            assertTrue(c.command("MAIL FROM:<x@y.example>").startsWith("503 5.5.1"), "nested MAIL");
            assertTrue(c.command("RCPT TO:<no at sign>").startsWith("501 5.1.3"));
            assertTrue(c.command("RCPT TO:<a@b@>").startsWith("501 5.1.3"));
            assertTrue(c.command("RCPT TO:" + a.getAddress()).startsWith("501 5.1.3"), "no brackets");
            assertTrue(c.command("DATA").startsWith("503 5.5.1"), "DATA without an accepted RCPT");
            assertTrue(c.command("X".repeat(600)).startsWith("500 5.5.2"), "line over 512");
            c.send("NOOP\n");
            assertTrue(c.next().startsWith("500 5.5.2"), "bare LF");
            c.send("NO\0OP\r\n");
            assertTrue(c.next().startsWith("500 5.5.2"), "NUL");
            // Still in step, the transaction intact: the recipient and the data go through.
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("250 2.1.5"));
            assertTrue(c.command("DATA").startsWith("354"));
            c.send(LmtpClient.dotStuffed(message("after", "z\r\n")));
            assertTrue(c.next().startsWith("250 2.0.0"));
            assertTrue(c.command("RSET").startsWith("250 2.0.0"));
            assertTrue(c.command("VRFY x").startsWith("252"));
        }
        assertEquals(1, store.messages(a, "INBOX"));
    }

    @Test
    void theSizeLimitHoldsAtMailAndAtTheDataEdge() throws Exception {
        Account a = store.newAccount("lmtp-size");
        String head = "Subject: size\r\nMessage-ID: <size." + System.nanoTime() + "@x>\r\n\r\n";
        byte[] atLimit = (head + "a".repeat(MAX_SIZE - head.length() - 2) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(MAX_SIZE, atLimit.length);
        String head2 = "Subject: size\r\nMessage-ID: <over." + System.nanoTime() + "@x>\r\n\r\n";
        byte[] over = (head2 + "a".repeat(MAX_SIZE - head2.length() - 1) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(MAX_SIZE + 1, over.length);
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            assertTrue(c.command("MAIL FROM:<s@x.example> SIZE=" + (MAX_SIZE + 1)).startsWith("552 5.3.4"));
            assertTrue(c.command("MAIL FROM:<s@x.example> SIZE=" + MAX_SIZE + " BODY=8BITMIME")
                    .startsWith("250 2.1.0"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress().toUpperCase(Locale.ROOT) + ">").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            c.send(LmtpClient.dotStuffed(atLimit));
            // Two recipients resolving to one mailbox: one copy, two replies.
            assertTrue(c.next().startsWith("250 2.0.0"));
            assertTrue(c.next().startsWith("250 2.0.0"));
            // One byte over, announced without SIZE: refused after the data, per recipient, and nothing stored.
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            c.send(LmtpClient.dotStuffed(over));
            assertTrue(c.next().startsWith("552 5.3.4"));
            assertTrue(c.command("NOOP").startsWith("250"));
        }
        assertEquals(1, store.messages(a, "INBOX"));
    }

    @Test
    void pipelinedCommandsGetTheirRepliesInOrder() throws Exception {
        Account a = store.newAccount("lmtp-pipe");
        Account b = store.newAccount("lmtp-pipe");
        byte[] msg = message("pipelined", "body\r\n");
        try (LmtpClient c = LmtpClient.connect(HOST, PORT)) {
            c.next();
            // One write: LHLO, MAIL, three RCPTs, DATA (the last of a group, RFC 2920).
            c.send("LHLO mta.example\r\nMAIL FROM:<>\r\nRCPT TO:<" + a.getAddress() + ">\r\nRCPT TO:<nobody@"
                    + "nowhere.example>\r\nRCPT TO:<" + b.getAddress() + ">\r\nDATA\r\n");
            List<String> lhlo = c.reply();
            assertTrue(lhlo.get(lhlo.size() - 1).startsWith("250 "));
            assertTrue(c.next().startsWith("250 2.1.0"));
            assertTrue(c.next().startsWith("250 2.1.5"));
            assertTrue(c.next().startsWith("550 5.1.1"));
            assertTrue(c.next().startsWith("250 2.1.5"));
            assertTrue(c.next().startsWith("354"));
            // The data, its end and the next commands in one write as well.
            byte[] data = LmtpClient.dotStuffed(msg);
            byte[] more = "NOOP\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[data.length + more.length];
            System.arraycopy(data, 0, all, 0, data.length);
            System.arraycopy(more, 0, all, data.length, more.length);
            c.send(all);
            String ra = c.next();
            String rb = c.next();
            assertTrue(ra.startsWith("250 2.0.0 <" + a.getAddress() + ">"), ra);
            assertTrue(rb.startsWith("250 2.0.0 <" + b.getAddress() + ">"), rb);
            assertTrue(c.next().startsWith("250 2.0.0"));
            assertTrue(c.next().startsWith("221"));
            assertArrayEquals(stored("", a.getAddress(), msg), store.content(a, "INBOX", uidOf(ra)));
        }
    }

    @Test
    void bdatChunksAreStoredVerbatim() throws Exception {
        Account a = store.newAccount("lmtp-bdat");
        Account b = store.newAccount("lmtp-bdat");
        // A chunk holds a lone dot line and what looks like commands: BDAT takes bytes, not lines.
        byte[] part1 = ("Subject: chunks\r\nMessage-ID: <bdat." + System.nanoTime() + "@x>\r\n\r\nfirst\r\n.\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] part2 = "QUIT\r\n..kept as is\r\n".getBytes(StandardCharsets.US_ASCII);
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            // Without a transaction the chunk is read (not taken for commands) and refused.
            c.send("BDAT 6 LAST\r\nQUIT\r\n");
            assertTrue(c.next().startsWith("503 5.5.1"));
            assertTrue(c.command("NOOP").startsWith("250"));
        }
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            assertTrue(c.command("MAIL FROM:<s@x.example> BODY=8BITMIME").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + b.getAddress() + ">").startsWith("250"));
            c.send("BDAT " + part1.length + "\r\n");
            c.send(part1);
            assertTrue(c.next().startsWith("250 2.0.0 " + part1.length + " octets"));
            c.send("BDAT " + part2.length + " LAST\r\n");
            c.send(part2);
            String ra = c.next();
            String rb = c.next();
            assertTrue(ra.startsWith("250 2.0.0 <" + a.getAddress()), ra);
            assertTrue(rb.startsWith("250 2.0.0 <" + b.getAddress()), rb);
            byte[] whole = new byte[part1.length + part2.length];
            System.arraycopy(part1, 0, whole, 0, part1.length);
            System.arraycopy(part2, 0, whole, part1.length, part2.length);
            assertArrayEquals(stored("s@x.example", a.getAddress(), whole), store.content(a, "INBOX", uidOf(ra)));
            assertArrayEquals(stored("s@x.example", b.getAddress(), whole), store.content(b, "INBOX", uidOf(rb)));
            // DATA after BDAT in one transaction is a sequence error; BDAT without a transaction is refused once read.
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("250"));
            c.send("BDAT 5\r\nhello");
            assertTrue(c.next().startsWith("250 2.0.0 5 octets"));
            assertTrue(c.command("DATA").startsWith("503 5.5.1"));
            assertTrue(c.command("RSET").startsWith("250"));
            c.send("BDAT 6 LAST\r\nNOOP\r\n");
            assertTrue(c.next().startsWith("503 5.5.1"));
            assertTrue(c.command("NOOP").startsWith("250"));
        }
        assertEquals(1, store.messages(a, "INBOX"));
    }

    @Test
    void aConnectionDroppedInTheMiddleOfTheDataStoresNothing() throws Exception {
        Account a = store.newAccount("lmtp-drop");
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            c.send("Subject: cut\r\n\r\n" + "partial line\r\n".repeat(5000));
            c.abort();
        }
        // The same bytes as a BDAT without LAST, dropped too.
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("250"));
            c.send("BDAT 100000\r\nSubject: cut\r\n\r\n");
            c.abort();
        }
        // A later delivery on a new connection, then the mailbox holds exactly that one message: the cut uploads
        // never sent their end, so the store could not have committed them, before or after.
        byte[] msg = message("after the cut", "whole\r\n");
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            List<String> r = deliver(c, List.of(a.getAddress()), List.of("250"), msg);
            assertArrayEquals(stored("sender@mta.example", a.getAddress(), msg),
                    store.content(a, "INBOX", uidOf(r.get(0))));
        }
        assertEquals(1, store.messages(a, "INBOX"));
    }

    @Test
    void twentyConcurrentDeliveriesIntoRoomForTenAcceptExactlyTen() throws Exception {
        Account a = store.newAccount("lmtp-race");
        store.accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setMessageLimit(10).build());
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                Callable<String> one = () -> {
                    try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
                        assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
                        String rcpt = c.command("RCPT TO:<" + a.getAddress() + ">");
                        if (!rcpt.startsWith("250")) {
                            return rcpt; // already full at RCPT time
                        }
                        assertTrue(c.command("DATA").startsWith("354"));
                        c.send(LmtpClient.dotStuffed(message("race " + n, "message " + n + "\r\n")));
                        return c.next();
                    }
                };
                outcomes.add(pool.submit(one));
            }
            int delivered = 0;
            int full = 0;
            for (Future<String> f : outcomes) {
                String r = f.get();
                if (r.startsWith("250 2.0.0")) {
                    delivered++;
                } else if (r.startsWith("552 5.2.2")) {
                    full++;
                }
            }
            assertEquals(10, delivered);
            assertEquals(10, full);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, store.messagesUsed(a));
        // And the quota warnings, not counted: 95 %, and 80 % unless one group commit took it past both at once.
        int inbox = store.messages(a, "INBOX");
        assertTrue(inbox == 11 || inbox == 12, "10 messages and their warnings, not " + inbox);
    }

    @Test
    void detailAliasesAndTheDomainsCaseResolveToTheAccount() throws Exception {
        Account a = store.newAccount("lmtp-rules");
        String local = a.getAddress().substring(0, a.getAddress().indexOf('@'));
        String domain = a.getAddress().substring(a.getAddress().indexOf('@') + 1);
        store.mailboxes.createMailbox(CreateMailboxRequest.newBuilder().setAccountId(a.getId()).setName("lists")
                .build());
        store.delivery.setAlias(SetAliasRequest.newBuilder().setSource("postmaster@" + domain)
                .setTarget(a.getAddress()).build());
        String aliasDomain = "alias-" + System.nanoTime() + ".example";
        store.delivery.setAlias(SetAliasRequest.newBuilder().setSource("@" + aliasDomain).setTarget("@" + domain)
                .build());
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            List<String> r = deliver(c, List.of(local + "@" + domain.toUpperCase(Locale.ROOT),
                    local + "+news@" + domain, local + "+lists@" + domain, "PostMaster@" + domain,
                    local + "@" + aliasDomain), List.of("250", "250", "250", "250", "250"),
                    message("rules", "r\r\n"));
            assertTrue(r.get(0).contains("Saved in INBOX"), r.get(0));
            assertTrue(r.get(1).contains("Saved in INBOX"), "no mailbox news: INBOX; " + r.get(1));
            assertTrue(r.get(2).contains("Saved in lists"), r.get(2));
            assertTrue(r.get(3).contains("Saved in INBOX"), r.get(3));
            assertTrue(r.get(4).contains("Saved in INBOX"), r.get(4));
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<nobody@" + aliasDomain + ">").startsWith("550 5.1.1"));
        }
        // Four addresses for INBOX are one mailbox: one copy; one into lists.
        assertEquals(1, store.messages(a, "INBOX"));
        assertEquals(1, store.messages(a, "lists"));
    }

    @Test
    void theSameMessageIdAgainWithinTheWindowIsAcknowledgedOnce() throws Exception {
        Account a = store.newAccount("lmtp-dup");
        byte[] msg = message("duplicate", "once\r\n");
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            assertTrue(deliver(c, List.of(a.getAddress()), List.of("250"), msg).get(0).contains("Saved"));
            String again = deliver(c, List.of(a.getAddress()), List.of("250"), msg).get(0);
            assertTrue(again.startsWith("250 2.0.0") && again.contains("Already delivered"), again);
        }
        assertEquals(1, store.messages(a, "INBOX"));
    }

    @Test
    void startTlsThenLhloAgainThenADelivery() throws Exception {
        Account a = store.newAccount("lmtp-tls");
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            assertTrue(c.command("STARTTLS").startsWith("220 2.0.0"));
            c.upgradeToTls();
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("503 5.5.1"), "LHLO needed again");
            c.send("LHLO mta.example\r\n");
            List<String> lhlo = c.reply();
            assertTrue(lhlo.stream().noneMatch(l -> l.endsWith("STARTTLS")), lhlo.toString());
            assertTrue(c.command("STARTTLS").startsWith("503 5.5.1"));
            assertEquals(1, deliver(c, List.of(a.getAddress()), List.of("250"), message("tls", "t\r\n")).size());
        }
        assertEquals(1, store.messages(a, "INBOX"));
    }

    @Test
    void metricsAndHealthAreServed() throws Exception {
        Account a = store.newAccount("lmtp-metrics");
        double before = metrics.recipients("delivered");
        try (LmtpClient c = LmtpClient.ready(HOST, PORT)) {
            deliver(c, List.of(a.getAddress()), List.of("250"), message("metrics", "m\r\n"));
        }
        assertEquals(before + 1, metrics.recipients("delivered"));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:18093/q/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(m.body().contains("lmtp_recipients_total{result=\"delivered\"}"), "recipients by result");
        assertTrue(m.body().contains("lmtp_bytes_total"));
        assertTrue(m.body().contains("lmtp_delivery_latency_seconds_count"));
        HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:18093/q/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, h.statusCode(), h.body());
        assertTrue(h.body().contains("\"store\""), h.body());
    }
}
