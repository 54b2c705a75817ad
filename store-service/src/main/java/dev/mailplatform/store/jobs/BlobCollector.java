package dev.mailplatform.store.jobs;

import dev.mailplatform.store.blob.BlobStore;
import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.domain.CallBudget;
import dev.mailplatform.store.domain.Db;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Deletes blobs nobody references any more, and S3 objects that never got a row (an append that failed after its
 * upload). A blob becomes a candidate when its messages go (a row in {@code blob_release}, written with the deletion),
 * and only one released for the grace period is touched: a session that has not yet heard of the expunge may still be
 * reading it.
 *
 * <p>An unreferenced blob goes in two transactions, so that no interleaving with an append of the same bytes can
 * delete an object a message references:
 * <ol>
 * <li>lock the row, look for references again in a statement of its own (the locking statement's snapshot predates
 * its lock: an append that committed a reference in between was invisible to it), and turn the row into a tombstone
 * (size -1), committed. From then on every append of these bytes uploads them again, after removing the tombstone;
 * <li>lock the tombstone, delete the S3 object, delete the tombstone. An append that removes the tombstone first
 * has made the bytes its own: the tombstone is gone and nothing is deleted. One that comes later waits on the lock,
 * then uploads after the object is gone.
 * </ol>
 * A failure between the two leaves a tombstone: appends upload again, and the orphan sweep takes the object later.
 */
@ApplicationScoped
public class BlobCollector {

    private static final Logger LOG = Logger.getLogger(BlobCollector.class);
    private static final int BATCH = 500;

    private final Db db;
    private final BlobStore blobs;
    private final StoreConfig config;
    private final Counter collected;
    /**
     * The last key the orphan sweep listed; null: the next pass starts at the beginning of the bucket. A replica
     * starts at a random point (keys are hashes, spread evenly), so that a store restarted more often than one round
     * takes still reaches every part of a large bucket.
     */
    private String sweepAfter = randomKey();
    /** Test pause points ("locked", "tombstoned", "object-locked"); a no-op in production. */
    private volatile java.util.function.BiConsumer<String, String> pauses = (point, hash) -> {
    };

    public BlobCollector(Db db, BlobStore blobs, StoreConfig config, MeterRegistry registry) {
        this.db = db;
        this.blobs = blobs;
        this.config = config;
        this.collected = registry.counter("mail.store.blobs.collected");
    }

    // The first pass waits one interval too: nothing is collectable before the grace period anyway, and a store
    // that restarts often should not list the bucket at every start.
    @Scheduled(every = "${mail.blob-gc.interval}", delayed = "${mail.blob-gc.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            new CallBudget(CallBudget.Kind.JOB).run(() -> collect(config.blobGc().grace()));
        } catch (RuntimeException e) {
            LOG.warnf("blob collection failed, will retry: %s", e.getMessage());
        }
    }

    /** Returns how many blobs were deleted. */
    public int collect(Duration grace) {
        double graceSeconds = grace.toMillis() / 1000.0;
        int total = 0;
        while (true) {
            // Only released blobs are looked at (blob_release: their last message went), not every blob stored.
            List<String> candidates = QuarkusTransaction.requiringNew().call(() -> db.list(
                    "SELECT hash FROM blob_release WHERE released_at <= now() - make_interval(secs => ?) "
                            + "ORDER BY released_at LIMIT ?",
                    rs -> rs.getString(1), graceSeconds, BATCH));
            int n = 0;
            int settled = 0;
            for (String hash : candidates) {
                Step step = QuarkusTransaction.requiringNew().call(() -> tombstoneUnreferenced(hash, graceSeconds));
                if (step != Step.SKIPPED) {
                    settled++;
                }
                if (step == Step.TOMBSTONED && QuarkusTransaction.requiringNew().call(() -> deleteTombstoned(hash))) {
                    n++;
                }
            }
            total += n;
            if (candidates.size() < BATCH || settled == 0) {
                break;
            }
        }
        total += collectOrphanObjects(grace);
        if (total > 0) {
            collected.increment(total);
            LOG.infof("collected %d unreferenced blobs", total);
        }
        return total;
    }

    /** What step 1 did with a released blob. */
    private enum Step {
        /** Tombstoned: step 2 deletes it. */
        TOMBSTONED,
        /** Its release was settled without deleting anything: referenced again, or already gone. */
        KEPT,
        /** Left for a later pass: locked by someone else, or released again within the grace period. */
        SKIPPED
    }

    /** Step 1: the blob, if still unreferenced under its lock, becomes a tombstone. */
    private Step tombstoneUnreferenced(String hash, double graceSeconds) {
        boolean locked = db.one("SELECT hash FROM blob WHERE hash = ? AND size >= 0 FOR UPDATE SKIP LOCKED",
                rs -> 1, hash).isPresent();
        if (!locked) {
            boolean live = db.one("SELECT 1 FROM blob WHERE hash = ? AND size >= 0", rs -> 1, hash).isPresent();
            if (live) {
                return Step.SKIPPED; // locked by an append or another collector
            }
            // Gone or a tombstone already: the orphan sweep and the tombstone's owner take it from here.
            forget(hash, graceSeconds);
            return Step.KEPT;
        }
        pauses.accept("locked", hash);
        // A new statement sees every reference and release committed before the lock; no reference can commit while
        // we hold it (an append's insert locks the row FOR KEY SHARE, through its foreign key and its own CTE). A
        // release is committed with its message's deletion, so a message expunged since the candidate was listed
        // shows here as a release within the grace period.
        boolean inUse = db.one("SELECT EXISTS (SELECT 1 FROM message WHERE blob_hash = ?) OR NOT EXISTS "
                + "(SELECT 1 FROM blob_release WHERE hash = ? AND released_at <= now() - make_interval(secs => ?))",
                rs -> rs.getBoolean(1), hash, hash, graceSeconds).orElse(true);
        if (inUse) {
            // Referenced again: nothing to collect until it is released again. Released again: wait for that grace.
            return forget(hash, graceSeconds) ? Step.KEPT : Step.SKIPPED;
        }
        db.update("UPDATE blob SET size = -1, created_at = now() WHERE hash = ?", hash);
        db.update("DELETE FROM blob_release WHERE hash = ?", hash);
        return Step.TOMBSTONED;
    }

    /**
     * Drops a release older than the grace period; one renewed since (released again by a later expunge) stays, so
     * the blob is looked at again after that expunge's grace period. True when it was dropped.
     */
    private boolean forget(String hash, double graceSeconds) {
        return db.update("DELETE FROM blob_release WHERE hash = ? AND released_at <= now() - make_interval(secs => ?)",
                hash, graceSeconds) > 0;
    }

    /** Step 2: under the tombstone's lock, the object goes, then the tombstone. */
    private boolean deleteTombstoned(String hash) {
        pauses.accept("tombstoned", hash);
        boolean held = db.one("SELECT hash FROM blob WHERE hash = ? AND size < 0 FOR UPDATE", rs -> 1, hash)
                .isPresent();
        if (!held) {
            return false; // an append removed the tombstone and uploaded: the bytes are its own now
        }
        pauses.accept("object-locked", hash);
        blobs.delete(hash);
        db.update("DELETE FROM blob WHERE hash = ? AND size < 0", hash);
        return true;
    }

    /** For tests: called with each pause point's name and the blob's hash, on the collector's thread. */
    public void pauseAt(java.util.function.BiConsumer<String, String> hook) {
        pauses = hook == null ? (point, hash) -> {
        } : hook;
    }

    private static String randomKey() {
        byte[] b = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        return BlobStore.key(java.util.HexFormat.of().formatHex(b));
    }

    /** What one pass of the orphan sweep did. {@code wrapped}: it reached the end of the bucket. */
    public record Sweep(int deleted, boolean wrapped) {
    }

    private int collectOrphanObjects(Duration grace) {
        return sweepOrphans(grace, config.blobGc().scanBatch()).deleted();
    }

    /**
     * Lists the next {@code maxKeys} keys of the bucket, from where the last pass stopped, and deletes those with no
     * blob row that were last written before the grace period. Listing the whole bucket on every pass would cost
     * more with every message stored; this way each pass costs the same, and the sweep goes round the bucket.
     */
    public synchronized Sweep sweepOrphans(Duration grace, int maxKeys) {
        Instant cutoff = Instant.now().minus(grace);
        BlobStore.Listing page = blobs.listOlderThan(sweepAfter, maxKeys, cutoff);
        sweepAfter = page.last();
        List<String> orphans = page.olderHashes().isEmpty() ? List.of() : db.list(
                "SELECT h FROM unnest(?) AS h WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.hash = h)",
                rs -> rs.getString(1), (Object) page.olderHashes().toArray(new String[0]));
        int n = 0;
        for (String hash : orphans) {
            // A tombstone row (size -1) claims the hash while the object goes, and stays for the grace period: an
            // append of the same bytes waits on it, then sees it, removes it and uploads again.
            boolean deleted = QuarkusTransaction.requiringNew().call(() -> {
                boolean claimed = db.one("INSERT INTO blob (hash, size, header_size, header_raw, envelope, body_structure) "
                        + "VALUES (?, -1, 0, ''::bytea, ''::bytea, ''::bytea) ON CONFLICT (hash) DO NOTHING "
                        + "RETURNING hash", rs -> 1, hash).isPresent();
                if (!claimed) {
                    return false;
                }
                // Looked at again under the claim: an append may have rewritten the object since the listing.
                Instant modified = blobs.lastModified(hash);
                if (modified == null || !modified.isBefore(cutoff)) {
                    db.update("DELETE FROM blob WHERE hash = ?", hash);
                    return false;
                }
                blobs.delete(hash);
                return true;
            });
            if (deleted) {
                n++;
            }
        }
        db.update("DELETE FROM blob WHERE size < 0 AND created_at < now() - make_interval(secs => ?)",
                Math.max(grace.toSeconds(), 60) * 1.0);
        return new Sweep(n, sweepAfter == null);
    }
}
