package dev.mailplatform.store.domain;

import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.change.ChangeKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
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
    public FlagsStored storeFlags(MailboxRef ref, UidSet uids, FlagsMode mode, int system, List<String> keywordList,
            long unchangedSince) {
        Flags.validateSystem(system);
        String[] keywords = Flags.keywords(keywordList);
        UidSets.validate(uids);
        if (unchangedSince == 0) {
            FlagsStored done = storeInOneStatement(ref, uids, mode, system, keywords);
            if (done != null) {
                return done;
            }
        }
        // UNCHANGEDSINCE (its failed UIDs are a read of their own), or no such mailbox: the locked path tells which.
        return QuarkusTransaction.joiningExisting().call(
                () -> applyFlags(mailboxes.find(ref, true), uids, mode, system, keywords, unchangedSince));
    }

    /**
     * A plain STORE as one autocommit statement: the mailbox row locked, the messages changed, the mailbox's modseq
     * and unseen count moved, where {@link #applyFlags} takes a transaction of four round trips. The order of the
     * locks is the same (each message row comes out of a join with the locked mailbox row), and each lock returns
     * the row as last committed, so the new modseq is above every committed one. Null when no mailbox matched the
     * name (and the expected UIDVALIDITY): nothing was changed, and the caller finds out why.
     */
    private FlagsStored storeInOneStatement(MailboxRef ref, UidSet uids, FlagsMode mode, int system,
            String[] keywords) {
        String flagExpr = flagExpr(mode);
        String kwExpr = keywordExpr(mode);
        List<Object> p = new ArrayList<>();
        p.add(ref.accountId());
        p.add(MailboxName.normalize(ref.mailbox()));
        p.add(ref.expectedUidvalidity());
        p.add(ref.expectedUidvalidity());
        String uidPred = UidSets.predicate("m.uid", uids, p);
        p.add(system);
        p.add(keywords);
        p.add(system);
        p.add(keywords);
        String seen = String.valueOf(Flags.SEEN);
        String sql = "WITH mb AS (SELECT id, account_id, name, uidnext, highest_modseq, messages FROM mailbox "
                + "WHERE account_id = ? AND name = ? AND (? = 0 OR uidvalidity = ?) FOR UPDATE), "
                + "old AS (SELECT m.uid, m.system_flags AS old_flags FROM message m JOIN mb ON m.mailbox_id = mb.id "
                + "WHERE " + uidPred + " FOR UPDATE OF m), "
                + "upd AS (UPDATE message m SET system_flags = " + flagExpr + ", keywords = " + kwExpr
                + ", modseq = mb.highest_modseq + 1 FROM old, mb WHERE m.mailbox_id = mb.id AND m.uid = old.uid AND ("
                + flagExpr + " <> m.system_flags OR " + kwExpr + " IS DISTINCT FROM m.keywords) "
                + "RETURNING m.uid, m.system_flags, m.keywords, m.modseq, old.old_flags), "
                + "box AS (UPDATE mailbox x SET highest_modseq = mb.highest_modseq + 1, unseen = x.unseen + "
                + "(SELECT COALESCE(sum(CASE WHEN u.old_flags & " + seen + " = u.system_flags & " + seen
                + " THEN 0 WHEN u.system_flags & " + seen + " <> 0 THEN -1 ELSE 1 END), 0) FROM upd u) "
                + "FROM mb WHERE x.id = mb.id AND EXISTS (SELECT 1 FROM upd) RETURNING x.id) "
                + "SELECT mb.id AS mailbox_id, mb.account_id, mb.name, mb.uidnext, mb.highest_modseq, mb.messages, "
                + "u.uid, u.system_flags, array_to_string(u.keywords, ' ') AS keywords, u.modseq "
                + "FROM mb LEFT JOIN upd u ON TRUE ORDER BY u.uid";
        record Head(long id, long accountId, String name, long uidnext, long previous, long messages) {
        }
        Head[] head = {null};
        List<MessageFlags> updated = db.list(sql, rs -> {
            if (head[0] == null) {
                head[0] = new Head(rs.getLong("mailbox_id"), rs.getLong("account_id"), rs.getString("name"),
                        rs.getLong("uidnext"), rs.getLong("highest_modseq"), rs.getLong("messages"));
            }
            rs.getLong("uid");
            return rs.wasNull() ? null : MessageRows.state(rs);
        }, Db.args(p));
        if (head[0] == null) {
            return null;
        }
        updated.removeIf(java.util.Objects::isNull);
        Head h = head[0];
        long highest = h.previous();
        if (!updated.isEmpty()) {
            highest = h.previous() + 1;
            changes.publish(h.accountId(), h.id(), h.name(), ChangeKind.FLAGS_CHANGED, highest, h.uidnext(),
                    h.messages());
        }
        return new FlagsStored(updated, List.of(), highest, h.previous());
    }

    private static String flagExpr(FlagsMode mode) {
        return switch (mode) {
            case ADD -> ADD_FLAGS;
            case REMOVE -> REMOVE_FLAGS;
            default -> SET_FLAGS;
        };
    }

    private static String keywordExpr(FlagsMode mode) {
        return switch (mode) {
            case ADD -> ADD_KEYWORDS;
            case REMOVE -> REMOVE_KEYWORDS;
            default -> SET_KEYWORDS;
        };
    }

    /**
     * Changes flags of the matching messages; the mailbox row must be locked, and {@code mb} read under that lock
     * (its highest modseq is the result's previous one). One new modseq per call.
     */
    FlagsStored applyFlags(MailboxStore.Row mb, UidSet uids, FlagsMode mode, int system, String[] keywords,
            long unchangedSince) {
        long modseq = mb.highestModseq() + 1;
        String flagExpr = flagExpr(mode);
        String kwExpr = keywordExpr(mode);
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
