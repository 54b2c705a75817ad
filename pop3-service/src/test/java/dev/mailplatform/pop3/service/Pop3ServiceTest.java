package dev.mailplatform.pop3.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.pop3.metrics.Pop3Metrics;
import dev.mailplatform.protocol.SaslPlain;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.SetRetentionPolicyRequest;
import dev.mailplatform.store.v1.SystemFlag;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POP3 over real sockets against the real store-service (PostgreSQL + s3proxy) through gRPC. */
@QuarkusTest
@QuarkusTestResource(StoreServiceResource.class)
@QuarkusTestResource(TestKeystoreResource.class)
class Pop3ServiceTest {

    static final String HOST = "127.0.0.1";
    static final int PORT = 18110;
    static final int TLS_PORT = 18995;

    @ConfigProperty(name = "mail.store.host")
    String storeHost;
    @ConfigProperty(name = "mail.store.port")
    int storePort;
    @Inject
    Pop3Metrics metrics;

    StoreFixture store;

    @BeforeEach
    void open() {
        store = new StoreFixture(storeHost, storePort);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    Pop3Client login(Account a) throws Exception {
        Pop3Client c = Pop3Client.connect(HOST, PORT);
        c.login(a.getAddress(), StoreFixture.PASSWORD);
        return c;
    }

    /**
     * Logs in once a dropped session has given its lease back. The release is a store call made when the server
     * sees the drop, and a new login can overtake it: [IN-USE] is retried for 2 s, a third of the test lease (6 s),
     * so a lease that merely expired would still fail.
     */
    Pop3Client loginOnceReleased(Account a) throws Exception {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            Pop3Client c = Pop3Client.connect(HOST, PORT);
            try {
                c.login(a.getAddress(), StoreFixture.PASSWORD);
                return c;
            } catch (IOException e) {
                c.close();
                if (!String.valueOf(e.getMessage()).contains("[IN-USE]") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20); // polling interval
            }
        }
    }

    @Test
    void capaBeforeLoginAdvertisesWhatWorksOnThisConnection() throws Exception {
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            assertTrue(c.greeting.startsWith("+OK"));
            assertFalse(c.greeting.contains("<"), "no APOP timestamp: APOP is not offered");
            assertTrue(c.command("CAPA").startsWith("+OK"));
            List<String> caps = c.lines();
            assertEquals(List.of("TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "USER", "SASL PLAIN",
                    "STLS", "UTF8", "EXPIRE NEVER USER", "LOGIN-DELAY 0 USER", "IMPLEMENTATION mail-platform-pop3"), caps);
        }
        try (Pop3Client c = Pop3Client.connectTls(HOST, TLS_PORT)) {
            c.command("CAPA");
            List<String> caps = c.lines();
            assertFalse(caps.contains("STLS"), "no STLS on an implicit TLS connection: " + caps);
            assertTrue(caps.contains("USER"));
        }
    }

    @Test
    void fullSessionRetrTopUidlDeleQuit() throws Exception {
        Account a = store.newAccount("flow");
        String m1 = StoreFixture.message("one", "first line\r\n.starts with a dot\r\n..two dots\r\nlast\r\n");
        String m2 = StoreFixture.message("two", "no final newline");
        store.deliver(a, m1);
        store.deliver(a, m2);
        try (Pop3Client c = login(a)) {
            assertEquals("+OK " + 2 + " " + (m1.length() + m2.length()), c.command("STAT"));
            assertTrue(c.command("LIST").startsWith("+OK 2 messages"));
            assertEquals(List.of("1 " + m1.length(), "2 " + m2.length()), c.lines());
            assertEquals("+OK 2 " + m2.length(), c.command("LIST 2"));
            assertTrue(c.command("UIDL").startsWith("+OK"));
            List<String> uidl = c.lines();
            assertEquals(2, uidl.size());

            assertEquals("+OK " + m1.length() + " octets", c.command("RETR 1"));
            String wire = new String(c.wireBody(), StandardCharsets.UTF_8);
            assertTrue(wire.contains("\r\n..starts with a dot\r\n...two dots\r\n"), wire);
            assertTrue(wire.endsWith("last\r\n.\r\n"));
            c.command("RETR 2");
            assertEquals(m2 + "\r\n", new String(c.message(), StandardCharsets.UTF_8),
                    "a message without a final CRLF gets one");

            assertTrue(c.command("TOP 1 1").startsWith("+OK"));
            List<String> top = c.lines();
            assertEquals("first line", top.get(top.size() - 1));
            assertEquals("", top.get(top.size() - 2));

            assertEquals("+OK message 1 deleted", c.command("DELE 1"));
            assertEquals("-ERR message 1 already deleted", c.command("DELE 1"));
            assertTrue(c.command("RETR 1").startsWith("-ERR"));
            assertEquals("+OK 1 " + m2.length(), c.command("STAT"));
            assertTrue(c.command("RSET").startsWith("+OK maildrop has 2 messages"));
            c.command("DELE 1");
            assertTrue(c.command("QUIT").startsWith("+OK bye, 1 messages deleted"));
            assertTrue(c.closedByServer());
        }
        // RETR set \Seen on message 2 (mail.pop3.retr-sets-seen), recorded at QUIT; TOP did not touch flags.
        var meta = store.messages.fetchMetadata(FetchMetadataRequest.newBuilder()
                .setMailbox(MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox("INBOX"))
                .setUids(UidSet.newBuilder().addRanges(UidRange.newBuilder().setFirst(1).setLast(-1))).setFlags(true)
                .build()).next();
        assertEquals(1, meta.getMessagesCount(), "only message 1 was deleted at QUIT");
        assertTrue((meta.getMessages(0).getSystemFlags() & SystemFlag.SEEN_VALUE) != 0);
        try (Pop3Client c = login(a)) {
            assertEquals("+OK 1 " + m2.length(), c.command("STAT"));
            c.command("UIDL 1");
        }
    }

    @Test
    void badInputGetsErrAndTheSessionGoesOn() throws Exception {
        Account a = store.newAccount("bad");
        store.deliver(a, StoreFixture.message("x", "body\r\n"));
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            assertEquals("-ERR unknown command", c.command("FROB 1"));
            assertEquals("-ERR STAT is not allowed in the AUTHORIZATION state", c.command("STAT"));
            assertEquals("-ERR PASS must follow USER", c.command("PASS x"));
            assertTrue(c.command("APOP " + a.getAddress() + " 0123456789abcdef").startsWith("-ERR unknown"));
            c.sendRaw(("NOOP " + "x".repeat(300) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.line().startsWith("-ERR line too long (at most 255"));
            // The limit's edge: 253 octets plus CRLF is accepted (and is an unknown command).
            assertEquals("-ERR unknown command", c.command("Z".repeat(253)));
            assertEquals("-ERR line too long (at most 255 octets with CRLF)", c.command("Z".repeat(254)));
            c.login(a.getAddress(), StoreFixture.PASSWORD);
            assertEquals("-ERR USER is not allowed in the TRANSACTION state", c.command("USER x"));
            assertEquals("-ERR invalid message number: abc", c.command("RETR abc"));
            assertEquals("-ERR no such message, only 1 in maildrop", c.command("RETR 2"));
            assertEquals("-ERR no such message, only 1 in maildrop", c.command("LIST 0"));
            assertEquals("-ERR no such message, only 1 in maildrop", c.command("DELE -1"));
            assertEquals("-ERR invalid line count: x", c.command("TOP 1 x"));
            assertEquals("-ERR TOP needs a message number and a line count", c.command("TOP 1"));
            assertEquals("-ERR RETR needs one message number", c.command("RETR"));
            assertEquals("+OK", c.command("NOOP"));
            c.command("DELE 1");
            c.abort();
        }
        // The drop without QUIT deleted nothing and released the lease: a new session gets the message.
        try (Pop3Client c = loginOnceReleased(a)) {
            assertTrue(c.command("STAT").startsWith("+OK 1 "));
            c.command("QUIT");
        }
    }

    @Test
    void retrSeenAndRetrievalAreRecordedAtQuitOrWhenTheConnectionDrops() throws Exception {
        Account a = store.newAccount("seen");
        for (int i = 0; i < 3; i++) {
            store.deliver(a, StoreFixture.message("s" + i, "body " + i));
        }
        try (Pop3Client c = login(a)) {
            c.command("RETR 1");
            c.message();
            // RETR writes nothing to the store: \Seen waits for the end of the session.
            assertEquals(0, seenMask(a));
            c.command("RETR 2");
            c.message();
            c.command("RSET");
            assertTrue(c.command("QUIT").startsWith("+OK bye, 0 messages deleted"));
        }
        assertEquals(0b011, seenMask(a), "QUIT recorded both RETRs; RSET does not undo a retrieval");
        try (Pop3Client c = login(a)) {
            c.command("RETR 3");
            c.message();
            c.abort();
        }
        // Without QUIT the session records its retrievals as it goes, then releases the lease; nothing is deleted.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seenMask(a) != 0b111 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0b111, seenMask(a), "a dropped connection still records what RETR sent");
        try (Pop3Client c = loginOnceReleased(a)) {
            assertTrue(c.command("STAT").startsWith("+OK 3 "));
            c.command("QUIT");
        }
    }

    /** Bit uid-1 set for each INBOX message with \Seen. */
    private int seenMask(Account a) {
        var meta = store.messages.fetchMetadata(FetchMetadataRequest.newBuilder()
                .setMailbox(MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox("INBOX"))
                .setUids(UidSet.newBuilder().addRanges(UidRange.newBuilder().setFirst(1).setLast(-1))).setFlags(true)
                .build());
        int mask = 0;
        while (meta.hasNext()) {
            for (var m : meta.next().getMessagesList()) {
                if ((m.getSystemFlags() & SystemFlag.SEEN_VALUE) != 0) {
                    mask |= 1 << (m.getUid() - 1);
                }
            }
        }
        return mask;
    }

    /**
     * RETR reads ahead in order (MaildropReader); whatever order the client asks in, every message comes out whole and
     * byte for byte: in order, out of order, twice, around DELE and TOP, across the reader's 4 MB window, and when an
     * IMAP client expunged a message meanwhile.
     */
    @Test
    void retrFollowsTheClientInAnyOrderByteForByte() throws Exception {
        Account a = store.newAccount("order");
        List<String> sent = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        int[] sizes = {300, 200_000, 900, 1_100_000, 1_100_000, 1_100_000, 1_100_000, 5_000, 40_000};
        for (int i = 0; i < sizes.length; i++) {
            StringBuilder body = new StringBuilder();
            while (body.length() < sizes[i]) {
                body.append(random.nextInt(10) == 0 ? "." : "").append("message ").append(i + 1).append(' ')
                        .append(random.nextLong()).append("\r\n");
            }
            String m = StoreFixture.message("order " + (i + 1), body.toString());
            sent.add(m);
            store.deliver(a, m);
        }
        try (Pop3Client c = login(a)) {
            for (int n = 1; n <= sent.size(); n++) {
                assertEquals("+OK " + sent.get(n - 1).length() + " octets", c.command("RETR " + n));
                assertBytes(sent.get(n - 1).getBytes(StandardCharsets.UTF_8), c.message());
            }
            c.command("QUIT");
        }
        try (Pop3Client c = login(a)) {
            int[] order = {3, 1, 1, 4, 2, 8, 9, 5};
            for (int n : order) {
                if (n == 8) {
                    assertEquals("+OK message 7 deleted", c.command("DELE 7"));
                    assertTrue(c.command("TOP 6 0").startsWith("+OK"));
                    c.lines();
                }
                assertTrue(c.command("RETR " + n).startsWith("+OK"), "RETR " + n);
                assertBytes(sent.get(n - 1).getBytes(StandardCharsets.UTF_8), c.message());
            }
            assertTrue(c.command("RETR 7").startsWith("-ERR"), "deleted in this session");
            c.command("RSET");
            c.command("QUIT");
        }
        // Pipelined, as mpop does: every RETR in one write.
        try (Pop3Client c = login(a)) {
            StringBuilder all = new StringBuilder();
            for (int n = 1; n <= sent.size(); n++) {
                all.append("RETR ").append(n).append("\r\n");
            }
            c.sendRaw(all.toString().getBytes(StandardCharsets.US_ASCII));
            for (int n = 1; n <= sent.size(); n++) {
                assertTrue(c.line().startsWith("+OK"));
                assertBytes(sent.get(n - 1).getBytes(StandardCharsets.UTF_8), c.message());
            }
            c.command("QUIT");
        }
        // An IMAP client expunges messages 2 and 9 during a session. Message 2 was already in the reader's window and
        // still comes out whole (the maildrop is what it was at login); message 9 is read afresh and is gone.
        try (Pop3Client c = login(a)) {
            assertTrue(c.command("RETR 1").startsWith("+OK"));
            assertBytes(sent.get(0).getBytes(StandardCharsets.UTF_8), c.message());
            expunge(a, 2, 9);
            assertTrue(c.command("RETR 2").startsWith("+OK"));
            assertBytes(sent.get(1).getBytes(StandardCharsets.UTF_8), c.message());
            assertEquals("-ERR [SYS/TEMP] message or maildrop no longer exists", c.command("RETR 9"));
            assertTrue(c.command("RETR 8").startsWith("+OK"), "the session goes on");
            assertBytes(sent.get(7).getBytes(StandardCharsets.UTF_8), c.message());
            c.command("QUIT");
        }
    }

    void expunge(Account a, int... uids) {
        MailboxRef inbox = MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox("INBOX").build();
        UidSet.Builder set = UidSet.newBuilder();
        for (int u : uids) {
            set.addRanges(UidRange.newBuilder().setFirst(u).setLast(u));
        }
        store.messages.storeFlags(dev.mailplatform.store.v1.StoreFlagsRequest.newBuilder().setMailbox(inbox)
                .setUids(set).setMode(dev.mailplatform.store.v1.FlagsMode.FLAGS_ADD)
                .setFlags(dev.mailplatform.store.v1.Flags.newBuilder().setSystem(SystemFlag.DELETED_VALUE)).build())
                .forEachRemaining(chunk -> { });
        store.messages.expunge(dev.mailplatform.store.v1.ExpungeRequest.newBuilder().setMailbox(inbox).setUids(set)
                .build()).forEachRemaining(chunk -> { });
    }

    @Test
    void pipelinedCommandsAnswerInOrder() throws Exception {
        Account a = store.newAccount("pipe");
        for (int i = 0; i < 3; i++) {
            store.deliver(a, StoreFixture.message("p" + i, "line " + i + "\r\n"));
        }
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            c.sendRaw(("USER " + a.getAddress() + "\r\nPASS " + StoreFixture.PASSWORD
                    + "\r\nSTAT\r\nRETR 1\r\nRETR 2\r\nRETR 3\r\nNOOP\r\nQUIT\r\n").getBytes(StandardCharsets.UTF_8));
            assertTrue(c.line().startsWith("+OK"));
            assertTrue(c.line().startsWith("+OK maildrop locked"));
            assertTrue(c.line().startsWith("+OK 3 "));
            for (int i = 0; i < 3; i++) {
                assertTrue(c.line().startsWith("+OK"));
                assertTrue(new String(c.message(), StandardCharsets.UTF_8).contains("line " + i));
            }
            assertEquals("+OK", c.line());
            assertTrue(c.line().startsWith("+OK bye"));
        }
    }

    @Test
    void secondSessionGetsInUseAndCapaShowsTheAccountsPolicy() throws Exception {
        Account a = store.newAccount("lock");
        store.pop3.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder().setAccountId(a.getId())
                .setRetentionDays(7).build());
        try (Pop3Client first = login(a); Pop3Client second = Pop3Client.connect(HOST, PORT)) {
            second.command("USER " + a.getAddress());
            assertEquals("-ERR [IN-USE] maildrop is locked by another session",
                    second.command("PASS " + StoreFixture.PASSWORD));
            first.command("CAPA");
            List<String> caps = first.lines();
            assertTrue(caps.contains("EXPIRE 7"), caps.toString());
            assertTrue(caps.contains("LOGIN-DELAY 0"), caps.toString());
            assertFalse(caps.contains("USER"), "USER is an AUTHORIZATION capability");
            first.command("QUIT");
            // Released by QUIT: the second connection, still in AUTHORIZATION, can log in now.
            second.command("USER " + a.getAddress());
            assertTrue(second.command("PASS " + StoreFixture.PASSWORD).startsWith("+OK"));
        }
        Account never = store.newAccount("never");
        store.pop3.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder().setAccountId(never.getId())
                .setRetentionDays(-1).build());
        try (Pop3Client c = login(never)) {
            c.command("CAPA");
            assertTrue(c.lines().contains("EXPIRE NEVER"));
        }
    }

    @Test
    void loginDelayIsEnforcedByTheStore() throws Exception {
        Account a = store.newAccount("delay");
        store.accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setPop3LoginDelaySeconds(600)
                .build());
        try (Pop3Client c = login(a)) {
            c.command("CAPA");
            assertTrue(c.lines().contains("LOGIN-DELAY 600"));
            c.command("QUIT");
        }
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            c.command("USER " + a.getAddress());
            assertTrue(c.command("PASS " + StoreFixture.PASSWORD).startsWith("-ERR [LOGIN-DELAY] "));
        }
    }

    @Test
    void failedLoginsAreDelayedAndCloseTheConnectionAtTheLimit() throws Exception {
        Account a = store.newAccount("fail");
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            for (int i = 1; i <= 3; i++) {
                c.command("USER " + a.getAddress());
                String reply = c.command("PASS wrong");
                assertTrue(reply.startsWith("-ERR [AUTH] invalid user name or password"), reply);
            }
            assertTrue(c.closedByServer(), "closed after mail.pop3.max-auth-failures=3");
        }
    }

    @Test
    void saslPlainWithAndWithoutInitialResponse() throws Exception {
        Account a = store.newAccount("sasl");
        String ir = SaslPlain.encodeBase64("\0" + a.getAddress() + "\0" + StoreFixture.PASSWORD);
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            assertTrue(c.command("AUTH PLAIN " + ir).startsWith("+OK maildrop locked"));
            c.command("QUIT");
        }
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            assertEquals("-ERR unsupported SASL mechanism, only PLAIN", c.command("AUTH CRAM-MD5"));
            assertEquals("+ ", c.command("AUTH PLAIN"));
            assertEquals("-ERR authentication cancelled", c.command("*"));
            assertEquals("+ ", c.command("AUTH PLAIN"));
            assertTrue(c.command("bm90IHBsYWlu!").startsWith("-ERR malformed PLAIN response"));
            assertEquals("+ ", c.command("AUTH PLAIN"));
            assertTrue(c.command(ir).startsWith("+OK maildrop locked"));
            c.command("QUIT");
        }
    }

    @Test
    void stlsUpgradesAndDropsPipelinedPlaintext() throws Exception {
        Account a = store.newAccount("stls");
        store.deliver(a, StoreFixture.message("tls", "secret body\r\n"));
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            // A command injected behind STLS in the same packet must not run after the upgrade (RFC 2595).
            c.sendRaw("STLS\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK begin TLS negotiation", c.line());
            c.upgradeToTls(HOST);
            c.command("CAPA");
            List<String> caps = c.lines();
            assertFalse(caps.contains("STLS"), caps.toString());
            assertEquals("-ERR TLS is already active", c.command("STLS"));
            c.login(a.getAddress(), StoreFixture.PASSWORD);
            c.command("RETR 1");
            assertTrue(new String(c.message(), StandardCharsets.UTF_8).contains("secret body"));
            c.command("QUIT");
        }
        try (Pop3Client c = Pop3Client.connectTls(HOST, TLS_PORT)) {
            c.login(a.getAddress(), StoreFixture.PASSWORD);
            assertTrue(c.command("STAT").startsWith("+OK 1 "));
            c.command("QUIT");
        }
    }

    /**
     * Hardening item 5: naming an account with USER takes nothing from its owner (only a login counts, and the
     * maildrop lock allows one), and the per-IP limit holds at its edge.
     */
    @Test
    void userWithoutPasswordLocksNobodyOutAndThePerIpLimitHoldsAtItsEdge() throws Exception {
        awaitNoSessions();
        Account a = store.newAccount("limit");
        List<Pop3Client> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Pop3Client c = Pop3Client.connect(HOST, PORT);
                open.add(c);
                assertEquals("+OK send PASS", c.command("USER " + a.getAddress()), "connection " + (i + 1));
                assertTrue(c.command("CAPA").startsWith("+OK"));
                c.lines();
            }
            try (Pop3Client owner = Pop3Client.connect(HOST, PORT)) {
                owner.login(a.getAddress(), StoreFixture.PASSWORD);
                assertTrue(owner.command("STAT").startsWith("+OK 0 "));
                owner.command("QUIT");
            }
            awaitSessions(open.size());
            while (open.size() < 13) {
                open.add(Pop3Client.connect(HOST, PORT));
            }
            // 12 open connections are what the test limit allows; the next is refused.
            assertTrue(open.get(11).greeting.startsWith("+OK"));
            assertEquals("-ERR [SYS/TEMP] too many connections from your address, try again later",
                    open.get(12).greeting);
            assertTrue(open.get(12).closedByServer());
        } finally {
            for (Pop3Client c : open) {
                c.close();
            }
        }
    }

    /** Hardening item 6: a client that stops reading a RETR is closed once its output has not drained for a while. */
    @Test
    void aClientThatStopsReadingARetrIsClosedAfterTheOutputStallTimeout() throws Exception {
        Account a = store.newAccount("stall");
        String body = "x".repeat(4 * 1024 * 1024);
        store.deliver(a, StoreFixture.message("stall", body));
        try (java.net.Socket s = new java.net.Socket()) {
            // Before connecting: set after, it neither bounds the window the SYN offered nor stops the kernel's
            // autotuning, and on a host whose tcp_rmem allows 32 MiB the whole message then fits in the buffers.
            s.setReceiveBufferSize(32 * 1024);
            s.connect(new java.net.InetSocketAddress(HOST, PORT), 10_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("USER " + a.getAddress() + "\r\nPASS " + StoreFixture.PASSWORD
                    + "\r\nRETR 1\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Thread.sleep(6000); // reads nothing for twice the test's stall timeout
            long read = 0;
            byte[] buf = new byte[65536];
            int n;
            try {
                while ((n = s.getInputStream().read(buf)) >= 0) {
                    read += n;
                }
            } catch (java.io.IOException e) {
                // a reset is a close too
            }
            assertTrue(read < body.length(), "the whole message arrived (" + read + " bytes): not closed");
        }
    }

    /** Hardening item 5: the time to log in is an absolute deadline; commands sent meanwhile do not extend it. */
    @Test
    void aClientThatNeverLogsInIsClosedAtTheLoginDeadlineWhateverItSends() throws Exception {
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            long start = System.nanoTime();
            String line = null;
            while (System.nanoTime() - start < 12_000_000_000L) {
                Thread.sleep(1000);
                line = c.command("NOOP"); // not allowed before login, but input all the same
                if (line == null || !line.contains("not allowed")) {
                    break;
                }
            }
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(line != null && line.startsWith("-ERR no login within 8 seconds"), String.valueOf(line));
            assertTrue(waited >= 7000 && waited < 11_000, "closed after " + waited + " ms");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheTimeout() throws Exception {
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            Thread.sleep(2500);
            assertEquals("+OK bye", c.command("QUIT"), "still open before the 4 s of the test profile");
        }
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            Thread.sleep(2500);
            c.command("CAPA");
            c.lines();
            long start = System.nanoTime();
            String line = c.line();
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(line.startsWith("-ERR idle for more than 4 seconds"), line);
            assertTrue(waited >= 3000, "the timer restarts with each command: " + waited + " ms");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void metricsAndReadiness() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:18092/q/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"store\""));
        try (Pop3Client c = Pop3Client.connect(HOST, PORT)) {
            c.command("NOOP");
            c.command("QUIT");
        }
        String metricsText = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:18092/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String name : List.of("pop3_sessions_open", "pop3_commands_seconds_count{command=\"NOOP\",status=\"err\"}",
                "pop3_bytes_in_total", "pop3_bytes_out_total", "pop3_retr_total", "pop3_lock_conflicts_total",
                "pop3_auth_failures_total")) {
            assertTrue(metricsText.contains(name), name + " missing");
        }
    }

    void awaitNoSessions() throws InterruptedException {
        awaitSessions(0);
    }

    void awaitSessions(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (metrics.openSessions() > n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(metrics.openSessions() <= n, "open sessions: " + metrics.openSessions());
    }

    static void assertBytes(byte[] expected, byte[] actual) {
        assertArrayEquals(expected, actual);
    }
}
