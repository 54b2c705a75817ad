package dev.mailplatform.store.domain;

import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.change.ChangeKind;
import dev.mailplatform.store.error.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The mailbox hierarchy, subscriptions and status counters of an account. */
@ApplicationScoped
public class MailboxStore {

    /** The mailboxes every new account gets, with their RFC 6154 attributes. */
    public static final Map<String, String> DEFAULT_MAILBOXES = Map.of(
            "INBOX", "", "Sent", "\\Sent", "Drafts", "\\Drafts", "Trash", "\\Trash", "Junk", "\\Junk",
            "Archive", "\\Archive");

    private static final Set<String> SPECIAL_USES = Set.of("\\All", "\\Archive", "\\Drafts", "\\Flagged",
            "\\Junk", "\\Sent", "\\Trash");

    /** A mailbox row with its counters, as the message operations need it. */
    public record Row(long id, long accountId, String name, long uidvalidity, long uidnext, long highestModseq,
            int messages, int unseen, long size, String specialUse) {
    }

    private static final String COLUMNS =
            "id, account_id, name, uidvalidity, uidnext, highest_modseq, messages, unseen, size, special_use";

    /**
     * STATUS in one autocommit statement: the row, the first unseen UID (only when there is one), and RECENT, the
     * messages above the claimed mark (a range scan of the primary key over the unclaimed ones; a mailbox never
     * selected, mark 0, as for folders that clients only poll with STATUS, takes its counter). Three statements in a
     * transaction had cost four round trips and Narayana's work for what one read answers.
     */
    private static final String STATUS = "SELECT " + columns("b") + ", CASE WHEN b.unseen = 0 THEN 0 ELSE "
            + "(SELECT min(m.uid) FROM message m WHERE m.mailbox_id = b.id AND m.system_flags & 1 = 0) END, "
            + "CASE WHEN b.recent_uid = 0 THEN b.messages ELSE "
            + "(SELECT count(*) FROM message m WHERE m.mailbox_id = b.id AND m.uid > b.recent_uid) END "
            + "FROM mailbox b WHERE b.account_id = ? AND b.name = ?";

    private final Db db;
    private final ChangeBus changes;
    private final Quotas quotas;
    private final QuotaWarnings warnings;

    public MailboxStore(Db db, ChangeBus changes, Quotas quotas, QuotaWarnings warnings) {
        this.db = db;
        this.changes = changes;
        this.quotas = quotas;
        this.warnings = warnings;
    }

    /** The columns {@link #row} reads, qualified by {@code alias} for a join. */
    static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(rs.getLong("id"), rs.getLong("account_id"), rs.getString("name"), rs.getLong("uidvalidity"),
                rs.getLong("uidnext"), rs.getLong("highest_modseq"), rs.getInt("messages"), rs.getInt("unseen"),
                rs.getLong("size"), rs.getString("special_use"));
    }

    /** Finds a mailbox, optionally locking its row for the rest of the transaction. */
    public Row find(long accountId, String name, boolean lock, long expectedUidvalidity) {
        String n = MailboxName.normalize(name);
        Row r = db.one("SELECT " + COLUMNS + " FROM mailbox WHERE account_id = ? AND name = ?"
                + (lock ? " FOR UPDATE" : ""), MailboxStore::row, accountId, n)
                .orElseThrow(() -> {
                    requireAccount(accountId);
                    return StoreException.notFound("no mailbox " + n);
                });
        return requireUidvalidity(r, expectedUidvalidity);
    }

    /** The row, unless the client expected another UIDVALIDITY (0: none): its view of the mailbox is gone. */
    static Row requireUidvalidity(Row r, long expectedUidvalidity) {
        if (expectedUidvalidity != 0 && r.uidvalidity() != expectedUidvalidity) {
            throw StoreException.precondition("UIDVALIDITY of " + r.name() + " is now " + r.uidvalidity());
        }
        return r;
    }

    public Row find(MailboxRef ref, boolean lock) {
        return find(ref.accountId(), ref.mailbox(), lock, ref.expectedUidvalidity());
    }

    public void requireAccount(long accountId) {
        if (db.one("SELECT 1 FROM account WHERE id = ?", rs -> 1, accountId).isEmpty()) {
            throw StoreException.notFound("no account " + accountId);
        }
    }

    /** The account's mailboxes (kind 1), its subscriptions (2) and the account itself (3): one round trip. */
    private static final String LIST = "SELECT 1 AS kind, " + COLUMNS + " FROM mailbox WHERE account_id = ? "
            + "UNION ALL SELECT 2, NULL, NULL, name, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM subscription "
            + "WHERE account_id = ? "
            + "UNION ALL SELECT 3, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM account WHERE id = ? "
            + "ORDER BY 1, 4";

    /** One statement, so one snapshot: the account, its mailboxes and its subscriptions as they were together. */
    public List<MailboxSummary> list(long accountId) {
        List<Row> rows = new ArrayList<>();
        Set<String> subscribed = new HashSet<>();
        boolean[] account = {false};
        db.list(LIST, rs -> {
            switch (rs.getInt("kind")) {
                case 1 -> rows.add(row(rs));
                case 2 -> subscribed.add(rs.getString("name"));
                default -> account[0] = true;
            }
            return null;
        }, accountId, accountId, accountId);
        if (!account[0]) {
            throw StoreException.notFound("no account " + accountId);
        }
        Set<String> names = new HashSet<>();
        rows.forEach(r -> names.add(r.name()));
        TreeMap<String, MailboxSummary> out = new TreeMap<>();
        for (Row r : rows) {
            boolean children = false;
            String prefix = r.name() + MailboxName.DELIMITER;
            for (String other : names) {
                if (other.startsWith(prefix)) {
                    children = true;
                    break;
                }
            }
            out.put(r.name(), new MailboxSummary(r.id(), r.name(), r.specialUse(), children,
                    subscribed.contains(r.name()), false, r.uidvalidity()));
        }
        for (String s : subscribed) {
            if (!names.contains(s)) {
                out.put(s, new MailboxSummary(0, s, "", false, true, true, 0));
            }
        }
        return new ArrayList<>(out.values());
    }

    @Transactional
    public MailboxSummary create(long accountId, String name, String specialUse) {
        String n = MailboxName.normalize(name);
        requireAccount(accountId);
        if (specialUse != null && !specialUse.isEmpty() && !SPECIAL_USES.contains(specialUse)) {
            throw StoreException.invalid("unknown special-use attribute " + specialUse);
        }
        if (exists(accountId, n)) {
            throw StoreException.exists("mailbox " + n + " already exists");
        }
        for (String parent = MailboxName.parent(n); parent != null; parent = MailboxName.parent(parent)) {
            if (!exists(accountId, parent)) {
                insert(accountId, parent, "");
            }
        }
        return insert(accountId, n, specialUse == null ? "" : specialUse);
    }

    private boolean exists(long accountId, String name) {
        return db.one("SELECT 1 FROM mailbox WHERE account_id = ? AND name = ?", rs -> 1, accountId, name).isPresent();
    }

    /** Inserts one mailbox (no parent handling); also used for an account's default mailboxes. */
    MailboxSummary insert(long accountId, String name, String specialUse) {
        Row r = db.one("INSERT INTO mailbox (account_id, name, special_use, uidvalidity) "
                + "VALUES (?, ?, ?, nextval('uidvalidity_seq')) ON CONFLICT (account_id, name) DO NOTHING RETURNING "
                + COLUMNS, MailboxStore::row, accountId, name, specialUse)
                .orElseThrow(() -> StoreException.exists("mailbox " + name + " already exists"));
        changes.publish(accountId, r.id(), name, ChangeKind.MAILBOX_CREATED, r.highestModseq(), r.uidnext(), 0);
        return MailboxSummary.of(r.id(), name, specialUse, r.uidvalidity());
    }

    @Transactional
    public void delete(long accountId, String name) {
        String n = MailboxName.normalize(name);
        if (n.equals(MailboxName.INBOX)) {
            throw StoreException.invalid("INBOX cannot be deleted");
        }
        Row r = find(accountId, n, true, 0);
        if (db.one("SELECT 1 FROM mailbox WHERE account_id = ? AND name LIKE ? ESCAPE '\\' LIMIT 1", rs -> 1,
                accountId, likePrefix(n)).isPresent()) {
            throw StoreException.precondition("mailbox " + n + " has children; delete them first");
        }
        Quotas.Usage before = quotas.lock(accountId);
        db.update("INSERT INTO blob_release (hash) SELECT DISTINCT blob_hash FROM message WHERE mailbox_id = ? ORDER BY 1 "
                + "ON CONFLICT (hash) DO UPDATE SET released_at = EXCLUDED.released_at", r.id());
        // The mailbox's counters include its quota warnings, which the quota never counted.
        long[] exempt = db.one("SELECT COALESCE(SUM(size), 0), count(*) FROM message WHERE mailbox_id = ? "
                + "AND quota_exempt", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, r.id()).orElseThrow();
        long bytes = r.size() - exempt[0];
        long messages = r.messages() - exempt[1];
        quotas.charge(accountId, -bytes, -messages);
        warnings.afterRelease(accountId, before.plus(-bytes, -messages));
        db.update("DELETE FROM mailbox WHERE id = ?", r.id());
        changes.publish(accountId, r.id(), n, ChangeKind.MAILBOX_DELETED, r.highestModseq(), r.uidnext(), 0);
    }

    static String likePrefix(String name) {
        return name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + MailboxName.DELIMITER + "%";
    }

    @Transactional
    public MailboxSummary rename(long accountId, String from, String to) {
        String src = MailboxName.normalize(from);
        String dst = MailboxName.normalize(to);
        Row r = find(accountId, src, true, 0);
        if (exists(accountId, dst)) {
            throw StoreException.exists("mailbox " + dst + " already exists");
        }
        if (dst.startsWith(src + MailboxName.DELIMITER)) {
            throw StoreException.invalid("cannot rename a mailbox into its own child");
        }
        for (String parent = MailboxName.parent(dst); parent != null; parent = MailboxName.parent(parent)) {
            if (!exists(accountId, parent)) {
                insert(accountId, parent, "");
            }
        }
        if (src.equals(MailboxName.INBOX)) {
            // RFC 3501 6.3.5: the messages move to the new mailbox, INBOX stays (empty) and its children stay put.
            MailboxSummary created = insert(accountId, dst, "");
            db.update("UPDATE message SET mailbox_id = ? WHERE mailbox_id = ?", created.mailboxId(), r.id());
            db.update("UPDATE mailbox SET uidnext = ?, highest_modseq = ?, messages = ?, unseen = ?, size = ? "
                    + "WHERE id = ?", r.uidnext(), r.highestModseq(), r.messages(), r.unseen(), r.size(),
                    created.mailboxId());
            long modseq = r.highestModseq() + 1;
            db.update("INSERT INTO expunged (mailbox_id, uid, modseq) SELECT ?, uid, ? FROM message WHERE mailbox_id = ? "
                    + "ON CONFLICT DO NOTHING", r.id(), modseq, created.mailboxId());
            db.update("UPDATE mailbox SET messages = 0, unseen = 0, size = 0, highest_modseq = ? WHERE id = ?",
                    modseq, r.id());
            changes.publish(accountId, r.id(), src, ChangeKind.MESSAGES_EXPUNGED, modseq, r.uidnext(), 0);
            return created;
        }
        // PostgreSQL's substr counts code points, Java's length UTF-16 units: they differ for non-BMP characters.
        int offset = src.codePointCount(0, src.length()) + 1;
        db.update("UPDATE mailbox SET name = ? || substr(name, ?) WHERE account_id = ? AND name LIKE ? ESCAPE '\\'",
                dst, offset, accountId, likePrefix(src));
        db.update("UPDATE mailbox SET name = ? WHERE id = ?", dst, r.id());
        db.update("UPDATE subscription SET name = ? || substr(name, ?) WHERE account_id = ? "
                + "AND (name = ? OR name LIKE ? ESCAPE '\\')", dst, offset, accountId, src, likePrefix(src));
        changes.publish(accountId, r.id(), dst, ChangeKind.MAILBOX_RENAMED, r.highestModseq(), r.uidnext(),
                r.messages());
        return MailboxSummary.of(r.id(), dst, r.specialUse(), r.uidvalidity());
    }

    @Transactional
    public void subscribe(long accountId, String name, boolean on) {
        String n = MailboxName.normalize(name);
        requireAccount(accountId);
        if (on) {
            db.update("INSERT INTO subscription (account_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", accountId, n);
        } else {
            db.update("DELETE FROM subscription WHERE account_id = ? AND name = ?", accountId, n);
        }
    }

    public MailboxCounters status(MailboxRef ref) {
        String n = MailboxName.normalize(ref.mailbox());
        record Status(Row row, long firstUnseen, int recent) {
        }
        Status st = db.one(STATUS, rs -> new Status(row(rs), rs.getLong(11), rs.getInt(12)), ref.accountId(), n)
                .orElseThrow(() -> {
                    requireAccount(ref.accountId());
                    return StoreException.notFound("no mailbox " + n);
                });
        Row r = requireUidvalidity(st.row(), ref.expectedUidvalidity());
        return new MailboxCounters(r.id(), r.name(), r.messages(), r.uidnext(), r.uidvalidity(), r.unseen(), r.size(),
                r.highestModseq(), st.firstUnseen(), st.recent());
    }
}
