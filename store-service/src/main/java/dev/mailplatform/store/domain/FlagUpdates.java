package dev.mailplatform.store.domain;

import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.change.ChangeKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/** STORE: flag and keyword changes, one new modseq per call; FETCH with \Seen and POP3 use it too. */
@ApplicationScoped
public class FlagUpdates {

    private static final String ADD_FLAGS = "(m.system_flags | ?)";
    private static final String ADD_KEYWORDS =
            "ARRAY(SELECT DISTINCT k FROM unnest(m.keywords || ?::text[]) k ORDER BY k)";
    private static final String REMOVE_FLAGS = "(m.system_flags & ~?)";
    private static final String REMOVE_KEYWORDS =
            "ARRAY(SELECT k FROM unnest(m.keywords) k WHERE k <> ALL (?::text[]) ORDER BY k)";
    private static final String SET_FLAGS = "(?::int)";
    private static final String SET_KEYWORDS = "(?::text[])";
    private static final String UPDATE_MAILBOX =
            "UPDATE mailbox SET highest_modseq = ?, unseen = unseen + ? WHERE id = ?";

    private final Db db;
    private final MailboxStore mailboxes;
    private final ChangeBus changes;

    public FlagUpdates(Db db, MailboxStore mailboxes, ChangeBus changes) {
        this.db = db;
        this.mailboxes = mailboxes;
        this.changes = changes;
    }

    /**
     * STORE: {@code mode} applies the system flag bits and keywords to the messages {@code uids}; with
     * {@code unchangedSince} above 0, only to those whose modseq is not above it (the others fail).
     */
    @Transactional
    public FlagsStored storeFlags(MailboxRef ref, UidSet uids, FlagsMode mode, int system, List<String> keywordList,
            long unchangedSince) {
        Flags.validateSystem(system);
        String[] keywords = Flags.keywords(keywordList);
        UidSets.validate(uids);
        MailboxStore.Row mb = mailboxes.find(ref, true);
        return applyFlags(mb, uids, mode, system, keywords, unchangedSince);
    }

    /**
     * Changes flags of the matching messages; the mailbox row must be locked, and {@code mb} read under that lock
     * (its highest modseq is the result's previous one). One new modseq per call.
     */
    FlagsStored applyFlags(MailboxStore.Row mb, UidSet uids, FlagsMode mode, int system, String[] keywords,
            long unchangedSince) {
        long modseq = mb.highestModseq() + 1;
        String flagExpr;
        String kwExpr;
        switch (mode) {
            case ADD -> {
                flagExpr = ADD_FLAGS;
                kwExpr = ADD_KEYWORDS;
            }
            case REMOVE -> {
                flagExpr = REMOVE_FLAGS;
                kwExpr = REMOVE_KEYWORDS;
            }
            default -> {
                flagExpr = SET_FLAGS;
                kwExpr = SET_KEYWORDS;
            }
        }
        List<Object> where = new ArrayList<>();
        String uidPred = UidSets.predicate("m.uid", uids, where);
        String cond = " m.mailbox_id = ? AND " + uidPred + (unchangedSince > 0 ? " AND m.modseq <= ?" : "");
        String sql = "WITH old AS (SELECT m.uid, m.system_flags AS old_flags FROM message m WHERE " + cond
                + " FOR UPDATE) "
                + "UPDATE message m SET system_flags = " + flagExpr + ", keywords = " + kwExpr + ", modseq = ? "
                + "FROM old WHERE m.mailbox_id = ? AND m.uid = old.uid AND (" + flagExpr + " <> m.system_flags OR "
                + kwExpr + " IS DISTINCT FROM m.keywords) "
                + "RETURNING m.uid, m.system_flags, array_to_string(m.keywords, ' ') AS keywords, m.modseq, old.old_flags";
        // Parameter order follows the placeholders: the WITH clause first.
        List<Object> ordered = new ArrayList<>();
        ordered.add(mb.id());
        ordered.addAll(where);
        if (unchangedSince > 0) {
            ordered.add(unchangedSince);
        }
        ordered.add(system);
        ordered.add(keywords);
        ordered.add(modseq);
        ordered.add(mb.id());
        ordered.add(system);
        ordered.add(keywords);
        record Changed(MessageFlags state, int oldFlags) {
        }
        // Messages changed after the client's modseq fail UNCHANGEDSINCE; found before this update gives them a new one.
        List<Long> failed = List.of();
        if (unchangedSince > 0) {
            List<Object> fp = new ArrayList<>();
            fp.add(mb.id());
            String pred = UidSets.predicate("uid", uids, fp);
            fp.add(unchangedSince);
            failed = db.list("SELECT uid FROM message WHERE mailbox_id = ? AND " + pred + " AND modseq > ? ORDER BY uid",
                    rs -> rs.getLong(1), Db.args(fp));
        }
        List<Changed> changed = db.list(sql, rs -> new Changed(MessageRows.state(rs), rs.getInt("old_flags")),
                Db.args(ordered));
        List<MessageFlags> updated = new ArrayList<>(changed.size());
        int unseenDelta = 0;
        for (Changed c : changed) {
            updated.add(c.state());
            boolean wasSeen = (c.oldFlags() & Flags.SEEN) != 0;
            boolean isSeen = (c.state().systemFlags() & Flags.SEEN) != 0;
            unseenDelta += wasSeen == isSeen ? 0 : (isSeen ? -1 : 1);
        }
        long highest = mb.highestModseq();
        if (!changed.isEmpty()) {
            highest = modseq;
            db.update(UPDATE_MAILBOX, modseq, unseenDelta, mb.id());
            changes.publish(mb.accountId(), mb.id(), mb.name(), ChangeKind.FLAGS_CHANGED, modseq, mb.uidnext(),
                    mb.messages());
        }
        return new FlagsStored(updated, failed, highest, mb.highestModseq());
    }
}
