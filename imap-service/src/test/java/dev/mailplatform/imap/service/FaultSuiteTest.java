package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.testkit.FaultProxy;
import dev.mailplatform.testkit.StoreServiceProcess;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The platform through faults, with the real processes: the packaged store killed with SIGKILL in the middle of 50
 * concurrent APPENDs, its PostgreSQL and its S3 stopped and started, and its link to S3 cut in the middle of a 20 MB
 * upload. The rule: an APPEND that got a tagged OK is there afterwards, byte for byte; one that did not is absent or
 * whole, never partial; clients get {@code NO [UNAVAILABLE]} during the outage and succeed after it with no service
 * restarted (this imap-service runs throughout); and after the collector's grace no orphan object is left in S3.
 */
@QuarkusTest
@TestProfile(FaultSuiteTest.OwnStore.class)
class FaultSuiteTest extends ImapTestBase {

    static StoreServiceProcess store;
    static FaultProxy s3Link;

    /** A store of this test's own, whose S3 is reached through a fault proxy, with a short blob-collector grace. */
    public static class OwnStore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (store == null) {
                    int[] s3Port = new int[1];
                    s3Link = FaultProxy.start(() -> new InetSocketAddress("127.0.0.1", s3Port[0]));
                    store = StoreServiceProcess.start(Map.of(
                            "MAIL_S3_ENDPOINT", "http://127.0.0.1:" + s3Link.port(),
                            "MAIL_BLOB_GC_GRACE", "PT2S",
                            "MAIL_BLOB_GC_INTERVAL", "2s"), s3 -> s3Port[0] = s3.port());
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            String port = String.valueOf(store.port());
            return Map.of("quarkus.grpc.clients.store.port", port, "quarkus.grpc.clients.store.test-port", port,
                    "mail.imap.max-connections-per-ip", "500");
        }
    }

    @AfterAll
    static void stopStore() {
        if (store != null) {
            store.close();
            store = null;
        }
        if (s3Link != null) {
            s3Link.close();
            s3Link = null;
        }
    }

    /** A message of about {@code size} bytes that names itself in X-Fault-Id. */
    private static String message(String id, int size, long seed) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder(size + 200).append("From: fault@example.test\r\nSubject: ").append(id)
                .append("\r\nX-Fault-Id: ").append(id).append("\r\n\r\n");
        while (b.length() < size) {
            for (int i = 0; i < 76; i++) {
                b.append((char) ('a' + r.nextInt(26)));
            }
            b.append("\r\n");
        }
        return b.toString();
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}\r\n");

    /** The messages of the account's INBOX, by X-Fault-Id, as FETCH BODY.PEEK[] serves them. */
    private Map<String, List<String>> inbox(Account a) throws Exception {
        try (ImapClient c = loginWhenBack(a)) {
            c.setTimeout(120_000);
            c.ok("SELECT INBOX");
            Map<String, List<String>> out = new java.util.HashMap<>();
            for (String line : c.command("FETCH 1:* BODY.PEEK[]")) {
                if (!line.startsWith("* ") || !line.contains(" FETCH ")) {
                    continue;
                }
                Matcher m = LITERAL.matcher(line);
                assertTrue(m.find(), line.substring(0, Math.min(200, line.length())));
                String body = line.substring(m.end(), m.end() + Integer.parseInt(m.group(1)));
                Matcher id = Pattern.compile("X-Fault-Id: (\\S+)").matcher(body);
                assertTrue(id.find(), "a message without its id: " + body.substring(0, Math.min(200, body.length())));
                out.computeIfAbsent(id.group(1), k -> new ArrayList<>()).add(body);
            }
            return out;
        }
    }

    /** A login, retried while the platform comes back (the gRPC channel reconnects with backoff). */
    private ImapClient loginWhenBack(Account a) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            ImapClient c = connect();
            List<String> r = c.command("LOGIN " + a.getAddress() + " " + PASSWORD);
            String last = r.get(r.size() - 1);
            if (last.contains(" OK ")) {
                return c;
            }
            c.close();
            assertTrue(last.contains("NO [UNAVAILABLE]"), "while the store comes back: " + last);
            if (System.currentTimeMillis() > deadline) {
                fail("the platform did not come back: " + last);
            }
            Thread.sleep(500);
        }
    }

    @Test
    void aStoreKilledInTheMiddleOfFiftyAppendsLosesNoAcknowledgedMessageAndLeavesNoPartialOne() throws Exception {
        int clients = 50;
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            accounts.add(newAccount());
        }
        List<ImapClient> sessions = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            ImapClient c = login(accounts.get(i % accounts.size()));
            c.setTimeout(60_000);
            sessions.add(c);
        }
        ImapClient bystander = login(accounts.get(0));
        String[] messages = new String[clients];
        for (int i = 0; i < clients; i++) {
            messages[i] = message("k" + i + "-" + System.nanoTime(), 64 * 1024 + 8 * 1024 * i, i);
        }
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch someDone = new CountDownLatch(10);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                ImapClient c = sessions.get(i);
                String m = messages[i];
                results.add(pool.submit(() -> {
                    go.await();
                    String tag = c.nextTag();
                    try {
                        c.write(tag + " APPEND INBOX {" + m.length() + "+}\r\n" + m + "\r\n");
                        List<String> r = c.readUntil(tag);
                        String last = r.get(r.size() - 1);
                        if (last.startsWith(tag + " OK")) {
                            someDone.countDown();
                        }
                        return last;
                    } catch (IOException e) {
                        return "closed: " + e;
                    }
                }));
            }
            go.countDown();
            assertTrue(someDone.await(120, TimeUnit.SECONDS), "ten appends were acknowledged");
            store.kill();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get(120, TimeUnit.SECONDS));
            }
            // During the outage: a clear NO, and the sessions stay.
            String during = last(bystander.command("STATUS INBOX (MESSAGES)"));
            assertTrue(during.contains(" NO [UNAVAILABLE]"), during);
            try (ImapClient fresh = connect()) {
                String login = last(fresh.command("LOGIN " + accounts.get(1).getAddress() + " " + PASSWORD));
                assertTrue(login.contains(" NO [UNAVAILABLE]"), login);
            }
            store.restart();

            int acknowledged = 0;
            int refused = 0;
            Map<String, List<String>> stored = new java.util.HashMap<>();
            for (Account a : accounts) {
                stored.putAll(inbox(a));
            }
            Set<String> ours = new HashSet<>();
            for (int i = 0; i < clients; i++) {
                String id = "k" + i + "-";
                String mine = messages[i];
                String key = mine.substring(mine.indexOf("X-Fault-Id: ") + 12, mine.indexOf("\r\n\r\n"));
                ours.add(key);
                List<String> copies = stored.getOrDefault(key, List.of());
                String outcome = outcomes.get(i);
                if (outcome.contains(" OK ")) {
                    acknowledged++;
                    assertEquals(1, copies.size(), "acknowledged append " + id + " stored " + copies.size() + " times");
                } else {
                    refused++;
                    assertTrue(outcome.contains("NO [UNAVAILABLE]") || outcome.startsWith("closed"),
                            "append " + i + " during the crash: " + outcome);
                    assertTrue(copies.size() <= 1, "append " + id + " stored " + copies.size() + " times");
                }
                for (String copy : copies) {
                    assertEquals(mine.length(), copy.length(), "append " + i + " stored partially");
                    assertEquals(mine, copy, "append " + i + " stored with other bytes");
                }
            }
            assertEquals(ours, union(stored.keySet(), ours), "messages nobody appended: " + stored.keySet());
            assertTrue(acknowledged >= 10 && refused > 0, acknowledged + " acknowledged, " + refused + " not");
            System.out.printf("fault suite: store killed during %d appends: %d acknowledged and all stored whole, "
                    + "%d refused (%d of them stored whole anyway)%n", clients, acknowledged, refused,
                    stored.size() - acknowledged);
            // The sessions that lived through the crash work again.
            String after = last(bystander.command("STATUS INBOX (MESSAGES)"));
            assertTrue(after.contains(" OK "), after);
            assertNoOrphans();
        } finally {
            pool.shutdownNow();
            for (ImapClient c : sessions) {
                c.close();
            }
            bystander.close();
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    @Test
    void postgresqlStoppedAndStartedMeansNoUnavailableThenService() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            c.ok("SELECT INBOX");
            String before = message("pg-before-" + System.nanoTime(), 2000, 1);
            c.ok("APPEND INBOX {" + before.length() + "+}\r\n" + before);
            store.postgres().stop();
            try {
                String m = message("pg-during-" + System.nanoTime(), 2000, 2);
                String during = last(c.command("APPEND INBOX {" + m.length() + "+}\r\n" + m));
                assertTrue(during.contains(" NO [UNAVAILABLE]"), during);
                String status = last(c.command("STATUS INBOX (MESSAGES)"));
                assertTrue(status.contains(" NO [UNAVAILABLE]"), status);
            } finally {
                store.postgres().restart();
            }
            String after = message("pg-after-" + System.nanoTime(), 2000, 3);
            awaitOk(c, "APPEND INBOX {" + after.length() + "+}\r\n" + after);
            Map<String, List<String>> stored = inbox(a);
            assertEquals(2, stored.size(), stored.keySet().toString());
        }
    }

    /** The same outage seen by a real client library (Angus Mail): a failed append it can retry, then success. */
    @Test
    void aRealClientLivesThroughAPostgresqlOutageOnOneConnection() throws Exception {
        Account a = newAccount();
        Properties p = new Properties();
        p.setProperty("mail.imap.host", "127.0.0.1");
        p.setProperty("mail.imap.port", String.valueOf(PORT));
        p.setProperty("mail.imap.timeout", "60000");
        Session session = Session.getInstance(p);
        IMAPStore client = (IMAPStore) session.getStore("imap");
        client.connect(a.getAddress(), PASSWORD);
        try {
            IMAPFolder inbox = (IMAPFolder) client.getFolder("INBOX");
            MimeMessage m = new MimeMessage(session);
            m.setSubject("through an outage");
            m.setText("kept byte for byte\r\n");
            m.saveChanges();
            store.postgres().stop();
            try {
                MessagingException e = org.junit.jupiter.api.Assertions.assertThrows(MessagingException.class,
                        () -> inbox.appendUIDMessages(new Message[] {m}));
                assertTrue(String.valueOf(e.getMessage()).contains("UNAVAILABLE"), e.toString());
            } finally {
                store.postgres().restart();
            }
            long deadline = System.currentTimeMillis() + 120_000;
            AppendUID[] uids = null;
            while (uids == null) {
                try {
                    uids = inbox.appendUIDMessages(new Message[] {m});
                } catch (MessagingException e) {
                    assertTrue(String.valueOf(e.getMessage()).contains("UNAVAILABLE"), e.toString());
                    if (System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
            inbox.open(Folder.READ_ONLY);
            assertEquals(1, inbox.getMessageCount(), "one message, appended once, on the connection that saw the outage");
            assertEquals("through an outage", inbox.getMessageByUID(uids[0].uid).getSubject());
            inbox.close(false);
        } finally {
            client.close();
        }
    }

    @Test
    void s3StoppedAndStartedMeansNoUnavailableThenService() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            String before = message("s3-before-" + System.nanoTime(), 300_000, 4);
            c.ok("APPEND INBOX {" + before.length() + "+}\r\n" + before);
            c.ok("SELECT INBOX");
            store.s3().stop();
            try {
                String m = message("s3-during-" + System.nanoTime(), 300_000, 5);
                String during = last(c.command("APPEND INBOX {" + m.length() + "+}\r\n" + m));
                assertTrue(during.contains(" NO [UNAVAILABLE]"), during);
                String fetch = last(c.command("FETCH 1 BODY.PEEK[]"));
                assertTrue(fetch.contains(" NO [UNAVAILABLE]") || fetch.contains(" OK "), fetch);
            } finally {
                store.s3().restart();
            }
            String after = message("s3-after-" + System.nanoTime(), 300_000, 6);
            awaitOk(c, "APPEND INBOX {" + after.length() + "+}\r\n" + after);
            Map<String, List<String>> stored = inbox(a);
            assertEquals(Set.of(id(before), id(after)), stored.keySet());
            assertEquals(before, stored.get(id(before)).get(0));
            assertEquals(after, stored.get(id(after)).get(0));
        }
    }

    @Test
    void theLinkToS3CutInTheMiddleOfA20MbUploadLeavesNothingBehind() throws Exception {
        Account a = newAccount();
        String big = message("cut-" + System.nanoTime(), 20 * 1024 * 1024, 7);
        try (ImapClient c = login(a)) {
            c.setTimeout(120_000);
            String tag = c.nextTag();
            c.write(tag + " APPEND INBOX {" + big.length() + "+}\r\n" + big + "\r\n");
            // The store uploads once it has the whole message; every connection it makes to S3 is cut for 5 s, so
            // that a retry of the upload breaks too.
            long cutUntil = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < cutUntil) {
                s3Link.cut();
                Thread.sleep(20);
            }
            String reply = last(c.readUntil(tag));
            System.out.println("fault suite: the APPEND whose S3 upload was cut: " + reply);
            assertTrue(reply.contains(" NO [UNAVAILABLE]") || reply.startsWith(tag + " OK"), reply);
            Map<String, List<String>> stored = inbox(a);
            if (reply.startsWith(tag + " OK")) {
                assertEquals(big, stored.get(id(big)).get(0), "the acknowledged upload, byte for byte");
            } else {
                assertTrue(stored.isEmpty(), "nothing of a refused upload: " + stored.keySet());
                // The client tries again once the link is back, and it works.
                awaitOk(c, "APPEND INBOX {" + big.length() + "+}\r\n" + big);
                assertEquals(big, inbox(a).get(id(big)).get(0));
            }
        }
        assertNoOrphans();
    }

    /** After the collector's grace (2 s here), S3 holds exactly the blobs that messages reference. */
    private static void assertNoOrphans() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        Set<String> objects;
        Set<String> referenced;
        while (true) {
            objects = objects();
            referenced = referencedBlobs();
            if (objects.equals(referenced) || System.currentTimeMillis() > deadline) {
                break;
            }
            Thread.sleep(1000); // the collector runs every 2 s here
        }
        assertEquals(referenced, objects, "S3 objects against the blobs messages reference");
    }

    private static String id(String message) {
        return message.substring(message.indexOf("X-Fault-Id: ") + 12, message.indexOf("\r\n\r\n"));
    }

    /** Sends the command until it is OK: the platform may need a moment after an outage (reconnects). */
    private static void awaitOk(ImapClient c, String command) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            String r = last(c.command(command));
            if (r.contains(" OK ")) {
                return;
            }
            assertTrue(r.contains(" NO [UNAVAILABLE]"), r);
            if (System.currentTimeMillis() > deadline) {
                fail("still failing after the outage: " + r);
            }
            Thread.sleep(500);
        }
    }

    private static Set<String> objects() throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(store.s3().endpoint())
                .credentials(store.s3().accessKey(), store.s3().secretKey()).build();
        Set<String> keys = new HashSet<>();
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket("mail").recursive(true).build())) {
            String name = r.get().objectName();
            keys.add(name.substring(name.lastIndexOf('/') + 1)); // blobs/ab/cd/<sha-256>
        }
        return keys;
    }

    private static Set<String> referencedBlobs() throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection(store.postgres().jdbcUrl(), store.postgres().user(),
                store.postgres().password());
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT DISTINCT blob_hash FROM message")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
