package dev.mailplatform.store.domain;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** SEARCH: the criteria translated by {@link SearchQuery}, run as one query over the mailbox. */
@ApplicationScoped
public class MessageSearch {

    private static final String SELECT = "SELECT m.uid, m.modseq FROM message m";
    private static final String JOIN_BLOB = " JOIN blob b ON b.hash = m.blob_hash";

    private final Db db;
    private final MailboxStore mailboxes;

    public MessageSearch(Db db, MailboxStore mailboxes) {
        this.db = db;
        this.mailboxes = mailboxes;
    }

    public record SearchResult(long[] uids, long highestModseq) {
    }

    /**
     * UIDs matching the criteria, ascending (a packed array: 400 KB for a 100k-message mailbox). Two reads in
     * autocommit: the search is one statement, so it needs no transaction.
     */
    public SearchResult search(MailboxRef ref, SearchKey criteria) {
        MailboxStore.Row mb = mailboxes.find(ref, false);
        SearchQuery q = new SearchQuery();
        String where = q.translate(criteria, 0);
        List<Object> p = new ArrayList<>();
        p.add(mb.id());
        p.addAll(q.params);
        String sql = SELECT + (q.needsBlob ? JOIN_BLOB : "") + " WHERE m.mailbox_id = ? AND (" + where
                + ") ORDER BY m.uid";
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
}
