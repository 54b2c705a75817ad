package dev.mailplatform.store.domain;

import dev.mailplatform.store.config.StoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** SEARCH: the criteria translated by {@link SearchQuery}, run as one query over the mailbox. */
@ApplicationScoped
public class MessageSearch {

    private static final String SELECT = "SELECT m.uid, m.modseq FROM message m";
    private static final String JOIN_BLOB = " JOIN blob b ON b.hash = m.blob_hash";
    /**
     * The mailbox's messages first, then each one's blob by its key, tested row by row: the lateral subquery
     * depends on the message, and OFFSET 0 keeps PostgreSQL from folding it into the join, so no plan can start
     * from the (all-accounts) trigram indexes on a guess.
     */
    private static final String MAILBOX_FIRST = "SELECT m.uid, m.modseq FROM message m JOIN LATERAL "
            + "(SELECT * FROM blob x WHERE x.hash = m.blob_hash OFFSET 0) b ON TRUE";

    private final Db db;
    private final MailboxStore mailboxes;
    private final int scanMessages;

    public MessageSearch(Db db, MailboxStore mailboxes, StoreConfig config) {
        this.db = db;
        this.mailboxes = mailboxes;
        this.scanMessages = config.store().searchScanMessages();
    }

    public record SearchResult(long[] uids, long highestModseq) {
    }

    /**
     * UIDs matching the criteria, ascending (a packed array: 400 KB for a 100k-message mailbox). Two reads in
     * autocommit: the search itself is one statement.
     */
    public SearchResult search(MailboxRef ref, SearchKey criteria) {
        MailboxStore.Row mb = mailboxes.find(ref, false);
        List<Object> p = new ArrayList<>();
        String sql = sql(mb, criteria, p);
        long[][] acc = {new long[1024]};
        int[] n = {0};
        long[] maxModseq = {0};
        // Planned for this call's values: a generic plan cannot know how selective a substring or a flag test is.
        db.listPlannedPerCall(sql, rs -> {
            if (n[0] == acc[0].length) {
                acc[0] = Arrays.copyOf(acc[0], acc[0].length * 2);
            }
            acc[0][n[0]++] = rs.getLong(1);
            maxModseq[0] = Math.max(maxModseq[0], rs.getLong(2));
            return null;
        }, Db.args(p));
        return new SearchResult(Arrays.copyOf(acc[0], n[0]), maxModseq[0]);
    }

    /** The statement for a search of this mailbox, its parameters added to {@code p}. */
    String sql(MailboxStore.Row mb, SearchKey criteria, List<Object> p) {
        SearchQuery q = new SearchQuery();
        String where = q.translate(criteria, 0);
        boolean mailboxFirst = q.needsBlob && mb.messages() <= scanMessages;
        p.add(mb.id());
        p.addAll(q.params);
        return (mailboxFirst ? MAILBOX_FIRST : SELECT + (q.needsBlob ? JOIN_BLOB : ""))
                + " WHERE m.mailbox_id = ? AND (" + where + ") ORDER BY m.uid";
    }
}
