package dev.mailplatform.store.domain;

import dev.mailplatform.store.blob.BlobStore;
import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.mime.IndexedMessage;
import dev.mailplatform.store.mime.MimeIndexer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** APPEND: the spool, the checks before any byte is read, the upload, the commit through {@link AppendCommitter}. */
@ApplicationScoped
public class MessageAppends {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BLOB_SEEN = "SELECT stored, size < 0 FROM blob WHERE hash = ?";
    private static final String DROP_TOMBSTONE = "DELETE FROM blob WHERE hash = ? AND size < 0";

    private final Db db;
    private final Quotas quotas;
    private final BlobStore blobs;
    private final StoreConfig config;
    private final MailboxStore mailboxes;
    private final MimeIndexer indexer;
    /**
     * Independent group committers, an account always on the same one: two groups running at once then never meet
     * on a mailbox's or an account's lock, and the commits of different accounts overlap.
     */
    private final AppendCommitter[] committers;
    /** Bytes of messages stored by APPEND (each counted once it is committed). */
    private final Counter appendedBytes;
    private final QuotaWarnings warnings;

    public MessageAppends(Db db, MailboxStore mailboxes, Quotas quotas, BlobStore blobs, ChangeBus changes,
            StoreConfig config, MeterRegistry registry, QuotaWarnings warnings) {
        this.db = db;
        this.warnings = warnings;
        this.mailboxes = mailboxes;
        this.quotas = quotas;
        this.blobs = blobs;
        this.config = config;
        this.indexer = new MimeIndexer(new MimeIndexer.Limits(config.store().searchBodyLimit(),
                config.store().indexHeaderBytes(), config.store().indexHeaderFields(), config.store().indexMaxParts(),
                config.store().indexMaxDepth()));
        this.appendedBytes = registry.counter("mail.store.append.bytes");
        this.committers = new AppendCommitter[config.store().appendLanes()];
        if (committers.length < 1) {
            throw new IllegalArgumentException("mail.store.append-lanes must be at least 1");
        }
        for (int i = 0; i < committers.length; i++) {
            committers[i] = new AppendCommitter(db, changes, config.store().appendGroupMax(), registry);
        }
    }

    /** Streams the request body into a spool; call {@link #append} once it is complete. */
    public Spool newSpool(AppendSpec header) {
        long max = config.store().maxMessageSize();
        if (header.declaredSize() > max) {
            throw Spool.tooLarge(header.declaredSize(), max);
        }
        return new Spool(max, config.store().memorySpoolLimit(), header.declaredSize());
    }

    /**
     * Where an append goes and with which flags, checked once, before any byte of the message is read. The mailbox
     * is null until {@link #append} has looked it up.
     */
    public record AppendTarget(AppendSpec header, MailboxStore.Row mailbox, int system, String[] keywords) {
    }

    /**
     * Fails early (before the bytes are read) for bad flags or a malformed mailbox name. A message that will be
     * spooled to a file (over {@code memory-spool-limit}, or of unknown size) has its mailbox looked up now too, one
     * autocommit read, so that an unknown mailbox fails before megabytes are spooled. A small one has it looked up
     * by {@link #append}, in the same round trip as the blob and the quota: one round trip of three per append.
     */
    public AppendTarget validateAppend(AppendSpec h) {
        Flags.validateSystem(h.systemFlags());
        String[] keywords = Flags.keywords(h.keywords());
        MailboxName.normalize(h.mailbox().mailbox());
        boolean small = h.declaredSize() > 0 && h.declaredSize() <= config.store().memorySpoolLimit();
        return new AppendTarget(h, small ? null : mailboxes.find(h.mailbox(), false), h.systemFlags(), keywords);
    }

    /**
     * Stores a spooled message. The S3 object is written before the statement that makes it visible, and that
     * statement is the only write of the append. It also claims the blob row: if the row vanished since we looked
     * (the collector took it), the object may be gone too, so the append starts over and uploads.
     */
    public Appended append(AppendTarget target, Spool spool) {
        if (spool.size() == 0) {
            throw StoreException.invalid("message is empty");
        }
        String hash = spool.finish();
        IndexedMessage idx = indexer.index(spool.buffer());
        record Seen(boolean stored, boolean tombstone) {
        }
        // Quota pre-check without locks, so that an over-quota append uploads nothing, in the same round trip as
        // the look for a blob with these bytes (and for the mailbox, when validateAppend left it).
        record Before(Quotas.Usage usage, Seen seen, MailboxStore.Row mailbox) {
        }
        MailboxRef ref = target.header().mailbox();
        boolean findMailbox = target.mailbox() == null;
        String mailboxName = findMailbox ? MailboxName.normalize(ref.mailbox()) : null;
        Before before = db.one(Quotas.USAGE_COLUMNS + ", b.stored, b.size < 0"
                + (findMailbox ? ", " + MailboxStore.columns("m") : "") + Quotas.USAGE_FROM
                + (findMailbox ? " LEFT JOIN mailbox m ON m.account_id = a.id AND m.name = ?" : "")
                + " LEFT JOIN blob b ON b.hash = ? WHERE a.id = ?", rs -> new Before(Quotas.usage(rs),
                        rs.getObject(6) == null ? null : new Seen(rs.getBoolean(6), rs.getBoolean(7)),
                        !findMailbox ? target.mailbox() : rs.getObject("id") == null ? null : MailboxStore.row(rs)),
                findMailbox ? new Object[] {mailboxName, hash, ref.accountId()}
                        : new Object[] {hash, ref.accountId()})
                .orElseThrow(() -> StoreException.notFound("no account " + ref.accountId()));
        AppendTarget into = target;
        if (findMailbox) {
            if (before.mailbox() == null) {
                throw StoreException.notFound("no mailbox " + mailboxName);
            }
            into = new AppendTarget(target.header(), MailboxStore.requireUidvalidity(before.mailbox(),
                    ref.expectedUidvalidity()), target.system(), target.keywords());
        }
        quotas.check(before.usage(), spool.size(), 1);
        for (int attempt = 0; ; attempt++) {
            Seen seen = attempt == 0 ? before.seen() : db.one(BLOB_SEEN,
                    rs -> new Seen(rs.getBoolean(1), rs.getBoolean(2)), hash).orElse(null);
            if (seen != null && seen.tombstone()) {
                // The collector deleted an orphan object with these bytes. Removing its tombstone waits for the
                // collector's transaction, so the object is gone for good before we upload it again.
                db.update(DROP_TOMBSTONE, hash);
                seen = null;
            }
            if (seen == null || !seen.stored() || attempt > 0) {
                if (spool.memory() != null) {
                    blobs.put(hash, spool.memory(), (int) spool.size());
                } else {
                    blobs.put(hash, spool.file(), spool.size());
                }
            }
            boolean rowSeen = seen != null;
            Appended r = insertAppended(into, hash, idx, spool.size(), rowSeen);
            if (r != null) {
                return r;
            }
            if (attempt >= 3) {
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "blob collected during append; retry");
            }
        }
    }

    /**
     * The append's rows, in one statement committed on its own or with concurrent appends ({@link AppendCommitter}):
     * null when the blob row we saw before uploading was collected meanwhile, or the collector left a tombstone for
     * these bytes (the caller uploads again and retries). Over quota, nothing is charged, and the blob row stays
     * unreferenced for the collector.
     */
    private Appended insertAppended(AppendTarget t, String hash, IndexedMessage idx, long size,
            boolean rowSeen) {
        MailboxStore.Row target = t.mailbox();
        AppendSpec h = t.header();
        Instant internal = h.internalDate() == 0 ? Instant.now() : Instant.ofEpochMilli(h.internalDate());
        String emailId = newEmailId();
        AppendCommitter committer = committers[(int) Math.floorMod(target.accountId(), (long) committers.length)];
        AppendCommitter.Outcome a = committer.commit(new AppendCommitter.Item(target, hash, idx, size, rowSeen,
                t.system(), t.keywords(), internal, emailId));
        return switch (a.status()) {
            case BLOB_GONE -> null;
            case NO_MAILBOX -> throw StoreException.notFound("no mailbox " + target.name());
            case OVER_QUOTA -> throw Quotas.exceeded(quotas.peek(target.accountId()), size, 1);
            case INSERTED -> {
                appendedBytes.increment(size);
                warnings.afterCommit(target.accountId(), a.usage());
                yield new Appended(a.uidvalidity(), a.uid(), a.modseq(), size, emailId);
            }
            case RETRY_ALONE -> throw new IllegalStateException("the committer resolves RETRY_ALONE itself");
        };
    }

    /** A spooled message hashed and indexed, ready to be appended to any number of mailboxes. */
    public record Prepared(String hash, IndexedMessage idx, long size, Spool spool) {
    }

    /** Hashes and indexes a complete spool, once for all the mailboxes it goes to. */
    public Prepared prepare(Spool spool) {
        if (spool.size() == 0) {
            throw StoreException.invalid("message is empty");
        }
        String hash = spool.finish();
        return new Prepared(hash, indexer.index(spool.buffer()), spool.size(), spool);
    }

    /** One mailbox's outcome of {@link #appendToEach}: appended (with its UID), over quota, or the mailbox gone. */
    public record EachOutcome(Appended appended, boolean overQuota) {
    }

    /**
     * Delivery: the blob uploaded once (unless already stored), then one commit per mailbox, each checked against
     * its account's quota under that account's lock ({@link AppendCommitter}), so concurrent deliveries never
     * overshoot a quota together. Results are in the order of the rows. Each row may have header lines of its own
     * (Return-Path, Delivered-To), stored with its message row and counted in its size, never copied into the blob.
     */
    public List<EachOutcome> appendToEach(Prepared p, List<MailboxStore.Row> rows, List<byte[]> prefixes,
            Instant internal) {
        return appendToEach(p, rows, prefixes, internal, false);
    }

    /** A quota warning ({@link QuotaWarnings}): a small message into the INBOX that the quota does not count. */
    Appended appendQuotaExempt(MailboxStore.Row inbox, byte[] message) {
        try (Spool spool = new Spool(config.store().maxMessageSize(), Math.max(message.length,
                config.store().memorySpoolLimit()), message.length)) {
            spool.write(java.nio.ByteBuffer.wrap(message));
            EachOutcome o = appendToEach(prepare(spool), List.of(inbox), java.util.Collections.singletonList(null),
                    Instant.now(), true).get(0);
            return o.appended();
        }
    }

    private List<EachOutcome> appendToEach(Prepared p, List<MailboxStore.Row> rows, List<byte[]> prefixes,
            Instant internal, boolean quotaExempt) {
        EachOutcome[] out = new EachOutcome[rows.size()];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            pending.add(i);
        }
        for (int attempt = 0; ; attempt++) {
            record Seen(boolean stored, boolean tombstone) {
            }
            Seen seen = db.one(BLOB_SEEN, rs -> new Seen(rs.getBoolean(1), rs.getBoolean(2)), p.hash()).orElse(null);
            if (seen != null && seen.tombstone()) {
                db.update(DROP_TOMBSTONE, p.hash());
                seen = null;
            }
            if (seen == null || !seen.stored() || attempt > 0) {
                if (p.spool().memory() != null) {
                    blobs.put(p.hash(), p.spool().memory(), (int) p.size());
                } else {
                    blobs.put(p.hash(), p.spool().file(), p.size());
                }
            }
            List<Integer> again = new ArrayList<>();
            for (int i : pending) {
                MailboxStore.Row target = rows.get(i);
                byte[] prefix = prefixes.get(i);
                long size = p.size() + (prefix == null ? 0 : prefix.length);
                String emailId = newEmailId();
                AppendCommitter committer = committers[(int) Math.floorMod(target.accountId(),
                        (long) committers.length)];
                AppendCommitter.Outcome a = committer.commit(new AppendCommitter.Item(target, p.hash(), p.idx(),
                        size, seen != null, 0, new String[0], internal, emailId, prefix, quotaExempt));
                switch (a.status()) {
                    case BLOB_GONE -> again.add(i);
                    case NO_MAILBOX -> throw StoreException.notFound("no mailbox " + target.name());
                    case OVER_QUOTA -> out[i] = new EachOutcome(null, true);
                    case INSERTED -> {
                        appendedBytes.increment(size);
                        if (!quotaExempt) {
                            warnings.afterCommit(target.accountId(), a.usage());
                        }
                        out[i] = new EachOutcome(new Appended(a.uidvalidity(), a.uid(), a.modseq(), size,
                                emailId), false);
                    }
                    case RETRY_ALONE -> throw new IllegalStateException("the committer resolves RETRY_ALONE itself");
                }
            }
            if (again.isEmpty()) {
                return List.of(out);
            }
            if (attempt >= 3) {
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "blob collected during delivery; retry");
            }
            pending = again;
        }
    }

    static String newEmailId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "M" + HexFormat.of().formatHex(b);
    }
}
