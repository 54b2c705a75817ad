package dev.mailplatform.store.domain;

import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.change.ChangeKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/** COPY and MOVE: new rows for the same blobs in the destination, and for a move the source's expunge. */
@ApplicationScoped
public class CopyMove {

    private static final String UPDATE_DESTINATION = "UPDATE mailbox SET uidnext = ?, highest_modseq = ?, "
            + "messages = messages + ?, unseen = unseen + ?, size = size + ? WHERE id = ?";

    private final Db db;
    private final MailboxStore mailboxes;
    private final Quotas quotas;
    private final QuotaWarnings warnings;
    private final ChangeBus changes;
    private final Expunges expunges;

    public CopyMove(Db db, MailboxStore mailboxes, Quotas quotas, ChangeBus changes, Expunges expunges,
            QuotaWarnings warnings) {
        this.warnings = warnings;
        this.db = db;
        this.mailboxes = mailboxes;
        this.quotas = quotas;
        this.changes = changes;
        this.expunges = expunges;
    }

    /** Copies (or moves) the messages {@code uids} of {@code src} into the account's mailbox {@code destination}. */
    @Transactional
    public Copied copy(MailboxRef src, UidSet uids, String destination, boolean move) {
        UidSets.validate(uids);
        String destName = MailboxName.normalize(destination);
        long accountId = src.accountId();
        // Lock both mailboxes in id order, so that two opposite moves cannot deadlock.
        MailboxStore.Row s0 = mailboxes.find(src, false);
        MailboxStore.Row d0 = mailboxes.find(accountId, destName, false, 0);
        MailboxStore.Row s;
        MailboxStore.Row d;
        if (s0.id() == d0.id()) {
            // Into the mailbox they are in: new UIDs (RFC 6851 §3.3 allows it; Dovecot does it), for MOVE then the
            // originals expunged.
            s = d = mailboxes.find(accountId, destName, true, 0);
        } else if (s0.id() < d0.id()) {
            s = mailboxes.find(src, true);
            d = mailboxes.find(accountId, destName, true, 0);
        } else {
            d = mailboxes.find(accountId, destName, true, 0);
            s = mailboxes.find(src, true);
        }
        List<Object> p = new ArrayList<>();
        p.add(s.id());
        String pred = UidSets.predicate("uid", uids, p);
        record Src(long uid, long size, int flags, boolean quotaExempt) {
        }
        List<Src> rows = db.list("SELECT uid, size, system_flags, quota_exempt FROM message WHERE mailbox_id = ? AND "
                + pred + " ORDER BY uid", rs -> new Src(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getBoolean(4)),
                Db.args(p));
        if (rows.isEmpty()) {
            return new Copied(d.uidvalidity(), s.highestModseq(), new long[0], d.uidnext(), s.highestModseq());
        }
        long bytes = rows.stream().mapToLong(Src::size).sum();
        // A copy is the user's own message, counted like any other; a moved quota warning stays exempt, so what a
        // move charges is what its expunge releases.
        long charged = move ? rows.stream().filter(r -> !r.quotaExempt()).count() : rows.size();
        long chargedBytes = move ? rows.stream().filter(r -> !r.quotaExempt()).mapToLong(Src::size).sum() : bytes;
        int unseen = (int) rows.stream().filter(r -> (r.flags() & Flags.SEEN) == 0).count();
        Quotas.Usage u = quotas.lock(accountId);
        if (!move) {
            quotas.check(u, bytes, rows.size());
        }
        long firstUid = d.uidnext();
        long modseq = d.highestModseq() + 1;
        List<Object> ip = new ArrayList<>();
        ip.add(d.id());
        ip.add(firstUid - 1);
        ip.add(modseq);
        ip.add(s.id());
        String ipred = UidSets.predicate("uid", uids, ip);
        db.update("INSERT INTO message (mailbox_id, uid, blob_hash, system_flags, keywords, modseq, size, internal_date, "
                + "email_id, header_prefix, quota_exempt) SELECT ?, ? + row_number() OVER (ORDER BY uid), blob_hash, "
                + "system_flags, keywords, ?, size, internal_date, email_id, header_prefix, "
                + (move ? "quota_exempt" : "FALSE") + " FROM message WHERE mailbox_id = ? AND "
                + ipred, Db.args(ip));
        long nextUid = firstUid + rows.size();
        db.update(UPDATE_DESTINATION, nextUid, modseq, rows.size(), unseen, bytes, d.id());
        changes.publish(accountId, d.id(), d.name(), ChangeKind.MESSAGES_ADDED, modseq, nextUid,
                d.messages() + rows.size());
        quotas.charge(accountId, chargedBytes, charged);
        if (!move) {
            warnings.afterCommit(accountId, u.plus(chargedBytes, charged));
        }
        long sourceHighestModseq = s.highestModseq();
        if (move) {
            // The expunge releases what the copy charged: a move leaves the usage as it was.
            List<Object> ep = new ArrayList<>();
            String epred = UidSets.predicate("uid", uids, ep);
            MailboxStore.Row source = s;
            if (s.id() == d.id()) {
                // Only the originals (the copies' UIDs may be in the client's range too), and after the copy's
                // modseq, from the row as the copy left it.
                epred = "(" + epred + ") AND uid < ?";
                ep.add(firstUid);
                source = mailboxes.find(src, true);
            }
            sourceHighestModseq = expunges.expungeWhere(source, epred, ep, false).highestModseq();
        }
        long[] copied = rows.stream().mapToLong(Src::uid).toArray();
        // s was read under the source's lock, before the copy (into the same mailbox) or the move's expunge.
        return new Copied(d.uidvalidity(), sourceHighestModseq, copied, firstUid, s.highestModseq());
    }
}
