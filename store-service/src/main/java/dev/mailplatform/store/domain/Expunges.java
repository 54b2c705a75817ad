package dev.mailplatform.store.domain;

import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.change.ChangeKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/** EXPUNGE, and the deletion that MOVE and POP3 share with it: the quota released, the blobs left to the collector. */
@ApplicationScoped
public class Expunges {

    private static final String RECORD_EXPUNGED = "INSERT INTO expunged (mailbox_id, uid, modseq) "
            + "SELECT ?, u, ? FROM unnest(?::bigint[]) u "
            + "ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = EXCLUDED.modseq";
    /** Sorted hashes: two expunges releasing the same blobs take their rows' locks in one order. */
    private static final String RELEASE_BLOBS = "INSERT INTO blob_release (hash) SELECT h FROM unnest(?::text[]) h ORDER BY h "
            + "ON CONFLICT (hash) DO UPDATE SET released_at = EXCLUDED.released_at";
    private static final String UPDATE_MAILBOX = "UPDATE mailbox SET highest_modseq = ?, messages = messages - ?, "
            + "unseen = unseen - ?, size = size - ? WHERE id = ?";

    private final Db db;
    private final MailboxStore mailboxes;
    private final Quotas quotas;
    private final ChangeBus changes;
    private final QuotaWarnings warnings;

    public Expunges(Db db, MailboxStore mailboxes, Quotas quotas, ChangeBus changes, QuotaWarnings warnings) {
        this.db = db;
        this.warnings = warnings;
        this.mailboxes = mailboxes;
        this.quotas = quotas;
        this.changes = changes;
    }

    /** Expunges the \Deleted messages of the mailbox; with {@code uids} (null: all), only those among them. */
    @Transactional
    public Expunged expunge(MailboxRef ref, UidSet uids) {
        MailboxStore.Row mb = mailboxes.find(ref, true);
        List<Object> p = new ArrayList<>();
        String pred = uids != null ? UidSets.predicate("uid", uids, p) : "TRUE";
        return expungeWhere(mb, pred, p, true);
    }

    /**
     * Deletes the matching messages of a locked mailbox (only \Deleted ones when requireDeleted), records them as
     * expunged with one new modseq, and releases their quota. Blobs are left to the collector. {@code mb} must be
     * read under that lock: its highest modseq is the result's previous one.
     */
    Expunged expungeWhere(MailboxStore.Row mb, String predicate, List<Object> predParams,
            boolean requireDeleted) {
        List<Object> p = new ArrayList<>();
        p.add(mb.id());
        p.addAll(predParams);
        record Gone(long uid, long size, int flags, String hash, boolean quotaExempt) {
        }
        List<Gone> gone = db.list("DELETE FROM message WHERE mailbox_id = ? AND " + predicate
                + (requireDeleted ? " AND system_flags & 8 <> 0" : "")
                + " RETURNING uid, size, system_flags, blob_hash, quota_exempt",
                rs -> new Gone(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getBoolean(5)),
                Db.args(p));
        if (gone.isEmpty()) {
            return new Expunged(new long[0], mb.highestModseq(), mb.highestModseq());
        }
        long modseq = mb.highestModseq() + 1;
        gone.sort((a, b) -> Long.compare(a.uid(), b.uid()));
        long[] uids = gone.stream().mapToLong(Gone::uid).toArray();
        db.update(RECORD_EXPUNGED, mb.id(), modseq, gone.stream().map(Gone::uid).toArray(Long[]::new));
        String[] hashes = gone.stream().map(Gone::hash).distinct().toArray(String[]::new);
        db.update(RELEASE_BLOBS, (Object) hashes);
        long bytes = gone.stream().mapToLong(Gone::size).sum();
        int unseen = (int) gone.stream().filter(g -> (g.flags() & Flags.SEEN) == 0).count();
        db.update(UPDATE_MAILBOX, modseq, gone.size(), unseen, bytes, mb.id());
        // A quota-exempt message (a quota warning) was never charged, so it releases nothing.
        long chargedBytes = gone.stream().filter(g -> !g.quotaExempt()).mapToLong(Gone::size).sum();
        long charged = gone.stream().filter(g -> !g.quotaExempt()).count();
        Quotas.Usage before = quotas.lock(mb.accountId());
        quotas.charge(mb.accountId(), -chargedBytes, -charged);
        warnings.afterRelease(mb.accountId(), before.plus(-chargedBytes, -charged));
        changes.publish(mb.accountId(), mb.id(), mb.name(), ChangeKind.MESSAGES_EXPUNGED, modseq, mb.uidnext(),
                mb.messages() - gone.size());
        return new Expunged(uids, modseq, mb.highestModseq());
    }
}
