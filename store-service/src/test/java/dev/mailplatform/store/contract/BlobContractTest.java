package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.blob.BlobStore;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.jobs.BlobCollector;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.SectionKind;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BlobContractTest extends StoreContract {

    @Inject
    BlobCollector collector;

    @Inject
    BlobStore blobs;

    private static MinioClient s3() {
        return MinioClient.builder().endpoint(StoreInfraResource.s3Endpoint())
                .credentials(StoreInfraResource.s3AccessKey(), StoreInfraResource.s3SecretKey()).build();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static long count(String sql) throws Exception {
        return Long.parseLong(text(sql));
    }

    /** The first column of the first row, as text. */
    private static String text(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword()); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword())) {
            c.createStatement().executeUpdate(sql);
        }
    }

    private static boolean objectExists(String hash) {
        try {
            s3().statObject(StatObjectArgs.builder().bucket("mail").object(BlobStore.key(hash)).build());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void oneMessageDeliveredToTwoAccountsIsOneBlob() throws Exception {
        Account a = newAccount();
        Account b = newAccount();
        byte[] msg = TestMessages.withAttachment("shared " + System.nanoTime(), "to both", 20000, 7);
        String hash = sha256(msg);
        append(a, "INBOX", msg);
        String version = "SELECT count(*) FROM blob WHERE hash = '" + hash + "' AND (xmin::text || ctid::text) = ";
        String first = text("SELECT xmin::text || ctid::text FROM blob WHERE hash = '" + hash + "'");
        append(b, "INBOX", msg);
        append(b, "Archive", msg);
        // Delivered again, the blob row is only locked: no new row version, so no new index entries for its text.
        assertEquals(1, count(version + "'" + first + "'"), "the blob row was rewritten by a later delivery");
        assertEquals(1, count("SELECT count(*) FROM blob WHERE hash = '" + hash + "'"));
        assertEquals(3, count("SELECT count(*) FROM message WHERE blob_hash = '" + hash + "'"));
        assertTrue(objectExists(hash));
        byte[] stored = s3().getObject(GetObjectArgs.builder().bucket("mail").object(BlobStore.key(hash)).build())
                .readAllBytes();
        assertArrayEquals(msg, stored, "the object holds exactly the message bytes");
    }

    @Test
    void messagesOfEverySpoolPathAreStoredExactly() throws Exception {
        Account a = newAccount();
        // Larger than the 1 MiB memory spool: spooled to a temporary file and uploaded from it.
        byte[] big = TestMessages.withAttachment("big " + System.nanoTime(), "spooled to a file", 2_000_000, 11);
        int bigUid = append(a, "INBOX", big).getUid();
        // No declared size: the in-memory spool grows as the chunks arrive.
        byte[] undeclared = TestMessages.withAttachment("undeclared " + System.nanoTime(), "grown", 150_000, 12);
        int undeclaredUid = append(AppendHeader.newBuilder().setMailbox(ref(a, "INBOX")).build(), undeclared,
                7 * 1024).getUid();
        for (byte[] msg : new byte[][] {big, undeclared}) {
            byte[] stored = s3().getObject(GetObjectArgs.builder().bucket("mail").object(BlobStore.key(sha256(msg)))
                    .build()).readAllBytes();
            assertArrayEquals(msg, stored, "the object under the message's hash holds exactly its bytes");
        }
        assertArrayEquals(big, fetchAll(a, "INBOX", bigUid));
        assertArrayEquals(undeclared, fetchAll(a, "INBOX", undeclaredUid));
    }

    @Test
    void objectStorageRefusesBytesThatDoNotMatchTheirHash() throws Exception {
        byte[] meant = ("meant " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        byte[] sent = ("other " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        String hash = sha256(meant);
        StoreException e = assertThrows(StoreException.class, () -> blobs.put(hash, sent, sent.length));
        assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
        assertFalse(objectExists(hash), "nothing is stored under a hash its bytes do not have");
        blobs.put(hash, meant, meant.length);
        assertTrue(objectExists(hash));
    }

    @Test
    void partialFetchOfOnePartReadsOnlyThatRange() throws Exception {
        Account a = newAccount();
        String text = "the text part " + System.nanoTime();
        byte[] msg = TestMessages.withAttachment("range", text, 200_000, 3);
        String hash = sha256(msg);
        int uid = append(a, "INBOX", msg).getUid();
        // Cut the object right after part 1: a reader that touched the attachment would now fail.
        String s = new String(msg, StandardCharsets.ISO_8859_1);
        int partEnd = s.indexOf(text) + text.length();
        byte[] truncated = java.util.Arrays.copyOf(msg, partEnd);
        s3().putObject(PutObjectArgs.builder().bucket("mail").object(BlobStore.key(hash))
                .stream(new ByteArrayInputStream(truncated), (long) truncated.length, null).build());
        assertEquals(text, new String(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 1), 0, 0),
                StandardCharsets.ISO_8859_1));
        assertEquals(text.substring(4, 8), new String(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 1), 4, 4),
                StandardCharsets.ISO_8859_1));
        // ENVELOPE, BODYSTRUCTURE and HEADER come from the index or the first bytes only.
        assertTrue(new String(fetch(a, "INBOX", uid, part(SectionKind.SECTION_HEADER), 0, 0),
                StandardCharsets.ISO_8859_1).startsWith("From: Alice"));
        // Put the full object back for other tests.
        s3().putObject(PutObjectArgs.builder().bucket("mail").object(BlobStore.key(hash))
                .stream(new ByteArrayInputStream(msg), (long) msg.length, null).build());
        assertArrayEquals(msg, fetchAll(a, "INBOX", uid));
    }

    @Test
    void unreferencedAndOrphanBlobsAreCollectedAfterTheGracePeriod() throws Exception {
        Account a = newAccount();
        byte[] keep = TestMessages.simple("keep " + System.nanoTime(), "kept");
        byte[] drop = TestMessages.simple("drop " + System.nanoTime(), "dropped");
        append(a, "INBOX", keep);
        int dropUid = append(a, "INBOX", drop).getUid();
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(dropUid, dropUid))
                .setFlags(Flags.newBuilder().setSystem(8)).build());
        expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());

        // An orphan: an object written to S3 whose append never committed.
        byte[] orphan = ("orphan " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        String orphanHash = sha256(orphan);
        s3().putObject(PutObjectArgs.builder().bucket("mail").object(BlobStore.key(orphanHash))
                .stream(new ByteArrayInputStream(orphan), (long) orphan.length, null).build());

        // Within the grace period nothing goes.
        collector.collect(Duration.ofHours(1));
        assertTrue(objectExists(sha256(drop)));
        assertTrue(objectExists(orphanHash));

        // S3 timestamps have one-second resolution: wait until both objects' last-modified lies in a past second.
        awaitWallClock(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plusSeconds(1).plusMillis(50));
        int n = collector.collect(Duration.ofMillis(1));
        assertTrue(n >= 2, "collected " + n);
        assertFalse(objectExists(sha256(drop)), "the expunged message's blob is gone");
        assertEquals(0, count("SELECT count(*) FROM blob WHERE hash = '" + sha256(drop) + "'"));
        assertFalse(objectExists(orphanHash), "the orphan object is gone");
        assertTrue(objectExists(sha256(keep)), "a referenced blob stays");
        assertArrayEquals(keep, fetchAll(a, "INBOX", 1));

        // The same bytes appended again after collection are stored again.
        int again = append(a, "INBOX", drop).getUid();
        assertArrayEquals(drop, fetchAll(a, "INBOX", again));
    }

    /**
     * Issue 21: an expunge releases its blobs as narrow blob_release rows. It used to rewrite the wide blob row
     * (last_used), which with its trigram indexes cost 2-3.5 ms of PostgreSQL per EXPUNGE.
     */
    @Test
    void anExpungeReleasesTheBlobWithoutRewritingItsRow() throws Exception {
        Account a = newAccount();
        byte[] msg = TestMessages.simple("release " + System.nanoTime(), "released, not rewritten");
        String hash = sha256(msg);
        int uid = append(a, "INBOX", msg).getUid();
        String version = text("SELECT xmin::text || '/' || ctid::text FROM blob WHERE hash = '" + hash + "'");
        assertEquals(0, count("SELECT count(*) FROM blob_release WHERE hash = '" + hash + "'"));

        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(uid, uid))
                .setFlags(Flags.newBuilder().setSystem(8)).build());
        expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        assertEquals(0, count("SELECT count(*) FROM message WHERE blob_hash = '" + hash + "'"));

        assertEquals(version, text("SELECT xmin::text || '/' || ctid::text FROM blob WHERE hash = '" + hash + "'"),
                "the blob row is the version the append wrote");
        assertEquals(1, count("SELECT count(*) FROM blob_release WHERE hash = '" + hash
                + "' AND released_at > now() - interval '1 minute'"));
    }

    /**
     * The grace period runs from the last release: bytes still referenced elsewhere when first released, then
     * released again by a later expunge, wait that expunge's grace period before they go.
     */
    @Test
    void aBlobReleasedAgainWaitsForTheGracePeriodOfItsLastRelease() throws Exception {
        Account a = newAccount();
        Account b = newAccount();
        byte[] msg = TestMessages.simple("twice " + System.nanoTime(), "one blob, two accounts");
        String hash = sha256(msg);
        unreferencedBlob(a, msg); // a's copy goes...
        append(b, "INBOX", msg); // ...while b holds the same bytes (appended after: still one blob row)
        exec("UPDATE blob_release SET released_at = now() - interval '2 hours' WHERE hash = '" + hash + "'");

        // Past the grace period but referenced: kept, and the stale release dropped.
        collector.collect(Duration.ofHours(1));
        assertTrue(objectExists(hash));
        assertEquals(0, count("SELECT count(*) FROM blob_release WHERE hash = '" + hash + "'"));

        // b's expunge releases it again: within the grace period of that release it stays.
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(b, "INBOX")).setUids(uids(1, 1))
                .setFlags(Flags.newBuilder().setSystem(8)).build());
        expunge(ExpungeRequest.newBuilder().setMailbox(ref(b, "INBOX")).build());
        collector.collect(Duration.ofHours(1));
        assertTrue(objectExists(hash), "released a moment ago");
        assertEquals(1, count("SELECT count(*) FROM blob WHERE hash = '" + hash + "' AND size >= 0"));

        exec("UPDATE blob_release SET released_at = now() - interval '2 hours' WHERE hash = '" + hash + "'");
        collector.collect(Duration.ofHours(1));
        assertFalse(objectExists(hash), "collected once its last release is past the grace period");
        assertEquals(0, count("SELECT count(*) FROM blob WHERE hash = '" + hash + "'"));
        assertEquals(0, count("SELECT count(*) FROM blob_release WHERE hash = '" + hash + "'"));
    }

    @Test
    void anAppendThatMeetsTheCollectorsTombstoneWaitsForItAndStoresTheBytesAgain() throws Exception {
        Account a = newAccount();
        byte[] msg = TestMessages.simple("tombstone " + System.nanoTime(), "deleted under the append");
        String hash = sha256(msg);
        try (Connection collector = DriverManager.getConnection(StoreInfraResource.jdbcUrl(),
                StoreInfraResource.dbUser(), StoreInfraResource.dbPassword())) {
            // The orphan sweep claims these bytes' old object with a tombstone, in a transaction still open...
            collector.setAutoCommit(false);
            collector.createStatement().executeUpdate("INSERT INTO blob (hash, size, header_size, header_raw, "
                    + "envelope, body_structure) VALUES ('" + hash + "', -1, 0, ''::bytea, ''::bytea, ''::bytea)");
            var append = java.util.concurrent.CompletableFuture.supplyAsync(() -> append(a, "INBOX", msg));
            // ...while the append uploads and then waits on the tombstone to write its blob row.
            awaitLockWait(append, "the append into bytes under an uncommitted tombstone");
            assertTrue(objectExists(hash), "the append uploaded before writing its blob row");
            // The sweep deletes the object, the one the append has just written, and commits.
            s3().removeObject(io.minio.RemoveObjectArgs.builder().bucket("mail").object(BlobStore.key(hash))
                    .build());
            collector.commit();
            int uid = append.get(20, java.util.concurrent.TimeUnit.SECONDS).getUid();
            assertArrayEquals(msg, fetchAll(a, "INBOX", uid));
        }
        assertTrue(objectExists(hash), "the append uploaded again after the tombstone");
        assertEquals(1, count("SELECT count(*) FROM blob WHERE hash = '" + hash + "' AND size = " + msg.length
                + " AND stored"));
    }

    @Test
    void theOrphanSweepGoesRoundTheBucketAFewKeysAtATime() throws Exception {
        Account a = newAccount();
        byte[] keep = TestMessages.simple("swept past " + System.nanoTime(), "kept");
        int keepUid = append(a, "INBOX", keep).getUid();
        byte[] orphan = ("orphan of a round " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        String orphanHash = sha256(orphan);
        s3().putObject(PutObjectArgs.builder().bucket("mail").object(BlobStore.key(orphanHash))
                .stream(new ByteArrayInputStream(orphan), (long) orphan.length, null).build());
        awaitWallClock(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plusSeconds(1).plusMillis(50));
        // Finish the round in progress (nothing is old enough to go), so that the next pass starts at the beginning.
        while (!collector.sweepOrphans(Duration.ofHours(1), 1000).wrapped()) {
            // next page
        }
        int objects = 0;
        for (var r : s3().listObjects(io.minio.ListObjectsArgs.builder().bucket("mail").prefix("blobs/")
                .recursive(true).build())) {
            r.get();
            objects++;
        }
        assertTrue(objects > 4, "enough objects for several passes: " + objects);

        int passes = 0;
        int deleted = 0;
        BlobCollector.Sweep sweep;
        do {
            sweep = collector.sweepOrphans(Duration.ofMillis(1), 2);
            passes++;
            deleted += sweep.deleted();
            if (passes == 1) {
                assertFalse(sweep.wrapped(), "one pass lists two keys, not the whole bucket");
            }
        } while (!sweep.wrapped() && passes <= objects);
        // Two keys a pass, each key listed once, and one empty pass at the end when the count is even.
        assertEquals(objects / 2 + 1, passes, "passes over " + objects + " objects");
        assertTrue(deleted >= 1, "deleted " + deleted);
        assertFalse(objectExists(orphanHash), "the orphan went in the round");
        assertTrue(objectExists(sha256(keep)), "a referenced blob stays");
        assertArrayEquals(keep, fetchAll(a, "INBOX", keepUid));
    }

    /** An unreferenced blob of these bytes, old enough for any grace. */
    private String unreferencedBlob(Account a, byte[] msg) throws Exception {
        append(a, "INBOX", msg);
        storeFlags(dev.mailplatform.store.v1.StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setUids(uids(1, 1)).setFlags(dev.mailplatform.store.v1.Flags.newBuilder().setSystem(8)).build());
        expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        String hash = sha256(msg);
        assertEquals(0, count("SELECT count(*) FROM message WHERE blob_hash = '" + hash + "'"));
        return hash;
    }

    /** Runs the collector until it stops at the pause point for this hash; returns it and the gate that frees it. */
    private java.util.concurrent.CompletableFuture<Integer> collectUntil(String point, String hash,
            java.util.concurrent.CountDownLatch reached, java.util.concurrent.CountDownLatch gate) {
        collector.pauseAt((p, h) -> {
            if (p.equals(point) && h.equals(hash)) {
                reached.countDown();
                try {
                    gate.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> collector.collect(Duration.ofMillis(1)));
    }

    /**
     * Stops the collector at the pause point for a fresh unreferenced blob, appends the same bytes (waiting for the
     * append to block on a lock when {@code appendWaits}), lets the collector go on, and checks the bytes are kept.
     */
    private void raceAt(String point, boolean appendWaits) throws Exception {
        Account a = newAccount();
        byte[] msg = TestMessages.simple("gc race at " + point + " " + System.nanoTime(), "an append meanwhile");
        String hash = unreferencedBlob(a, msg);
        var reached = new java.util.concurrent.CountDownLatch(1);
        var gate = new java.util.concurrent.CountDownLatch(1);
        try {
            var collecting = collectUntil(point, hash, reached, gate);
            assertTrue(reached.await(30, java.util.concurrent.TimeUnit.SECONDS), "the collector reached " + point);
            var appending = java.util.concurrent.CompletableFuture.supplyAsync(() -> append(a, "INBOX", msg));
            if (appendWaits) {
                awaitLockWait(appending, "the append behind the collector at " + point);
            } else {
                appending.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            gate.countDown();
            collecting.get(30, java.util.concurrent.TimeUnit.SECONDS);
            int uid = appending.get(30, java.util.concurrent.TimeUnit.SECONDS).getUid();
            assertTrue(objectExists(hash), "the object an append stored is gone (collector paused at " + point + ")");
            assertArrayEquals(msg, fetchAll(a, "INBOX", uid));
        } finally {
            gate.countDown();
            collector.pauseAt(null);
        }
    }

    /**
     * Hardening item 8, interleaving 1: an append of the same bytes lands between the collector's tombstone and its
     * deletion of the object. The append takes the tombstone away and uploads; the collector then deletes nothing.
     */
    @Test
    void anAppendBetweenTheTombstoneAndTheObjectsDeletionKeepsItsBytes() throws Exception {
        raceAt("tombstoned", false);
    }

    /**
     * Hardening item 8, interleaving 2: an append of the same bytes arrives while the collector holds the tombstone's
     * lock, about to delete the object. It waits, and uploads after the object is gone.
     */
    @Test
    void anAppendWhileTheCollectorDeletesTheObjectWaitsAndUploadsAgain() throws Exception {
        raceAt("object-locked", true);
    }

    /**
     * Hardening item 8, interleaving 3: an append references the blob while the collector holds its row lock (before
     * it looks for references again). The append waits; the collector, finding no reference yet, tombstones the blob
     * and deletes it; the append then sees its row gone and uploads again.
     */
    @Test
    void anAppendBehindTheCollectorsRowLockStillEndsWithItsBytes() throws Exception {
        raceAt("locked", true);
    }
}
