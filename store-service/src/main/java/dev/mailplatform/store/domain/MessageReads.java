package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A mailbox's messages as SELECT, FETCH (metadata) and the changes since a modseq read them, page by page. */
@ApplicationScoped
public class MessageReads {

    private static final String STATE_PAGE = "SELECT uid, system_flags, " + MessageRows.KEYWORDS + ", modseq "
            + "FROM message WHERE mailbox_id = ? AND uid > ? AND uid < ? ORDER BY uid LIMIT ?";
    private static final String CHANGED_PAGE = "SELECT uid, system_flags, " + MessageRows.KEYWORDS + ", modseq "
            + "FROM message WHERE mailbox_id = ? AND modseq > ? AND modseq <= ? AND uid > ? ORDER BY uid LIMIT ?";
    private static final String VANISHED_PAGE = "SELECT uid FROM expunged "
            + "WHERE mailbox_id = ? AND modseq > ? AND modseq <= ? AND uid > ? ORDER BY uid LIMIT ?";
    private static final String METADATA_COLUMNS = "SELECT m.uid, m.system_flags, array_to_string(m.keywords, ' ') AS "
            + "keywords, m.modseq, m.internal_date, m.size, m.save_date, m.email_id";
    private static final String METADATA_FROM_BLOB = ", b.envelope, b.body_structure, b.preview, b.header_raw, "
            + "m.header_prefix "
            + "FROM message m JOIN blob b ON b.hash = m.blob_hash";
    private static final String METADATA_FROM = " FROM message m";

    private static final String CLAIM_RECENT = "UPDATE mailbox m SET recent_uid = GREATEST(m.recent_uid, m.uidnext - 1) "
            + "FROM (SELECT id, recent_uid FROM mailbox WHERE id = ? AND recent_uid < uidnext - 1 FOR UPDATE) old "
            + "WHERE m.id = old.id "
            + "RETURNING old.recent_uid, m.recent_uid";
    /** The claim, returning what the row held under its lock. */
    private static final String CLAIM_RECENT_HEAD = "UPDATE mailbox m SET recent_uid = GREATEST(m.recent_uid, "
            + "m.uidnext - 1) FROM (SELECT id, recent_uid FROM mailbox WHERE id = ? AND recent_uid < uidnext - 1 "
            + "FOR UPDATE) old WHERE m.id = old.id "
            + "RETURNING old.recent_uid, m.recent_uid, m.uidnext, m.highest_modseq, m.messages, m.unseen, m.size";
    private static final String SELECT_HEAD = "SELECT " + MailboxStore.columns("mb") + ", mb.recent_uid, "
            + "ARRAY(SELECT DISTINCT unnest(keywords) k FROM message WHERE mailbox_id = mb.id AND keywords <> '{}' "
            + "ORDER BY k LIMIT 200) AS mailbox_keywords FROM mailbox mb WHERE mb.account_id = ? AND mb.name = ?";
    private static final String STATE_PAGE_AND_MODSEQ = "SELECT mb.highest_modseq AS mailbox_modseq, m.uid, "
            + "m.system_flags, m.keywords, m.modseq FROM mailbox mb LEFT JOIN LATERAL (SELECT uid, system_flags, "
            + MessageRows.KEYWORDS + ", modseq FROM message WHERE mailbox_id = mb.id AND uid > ? AND uid < ? "
            + "ORDER BY uid LIMIT ?) m ON TRUE WHERE mb.id = ? ORDER BY m.uid";

    private final Db db;
    private final MailboxStore mailboxes;

    public MessageReads(Db db, MailboxStore mailboxes) {
        this.db = db;
        this.mailboxes = mailboxes;
    }

    // ---- select ----

    /**
     * The head of a SELECT ({@code claimRecent}) or EXAMINE: the row, the keywords in use and the claimed mark in one
     * statement. SELECT then claims the messages no session has seen yet (RFC 3501 \Recent), when the head shows
     * any: the claim locks the mailbox row and returns the counters it saw under that lock. No transaction: the
     * first page ({@link #statePageAndModseq}) tells by the mailbox's modseq whether anything moved meanwhile.
     */
    public SelectedMailbox selectHeader(MailboxRef ref, boolean claimRecent) {
        record Head(MailboxStore.Row row, List<String> keywords, long recentUid) {
        }
        Head h = db.one(SELECT_HEAD, rs -> {
            List<String> kw = new ArrayList<>();
            java.sql.Array a = rs.getArray("mailbox_keywords");
            if (a != null) {
                for (Object k : (Object[]) a.getArray()) {
                    kw.add((String) k);
                }
            }
            return new Head(MailboxStore.row(rs), kw, rs.getLong("recent_uid"));
        }, ref.accountId(), MailboxName.normalize(ref.mailbox())).orElse(null);
        if (h == null) {
            mailboxes.find(ref, false); // throws: no such mailbox, or no such account
            // Created since the head's read: this SELECT came first.
            throw StoreException.notFound("no mailbox " + MailboxName.normalize(ref.mailbox()));
        }
        MailboxStore.Row r = MailboxStore.requireUidvalidity(h.row(), ref.expectedUidvalidity());
        long recentFrom;
        if (!claimRecent) {
            recentFrom = h.recentUid() + 1;
        } else if (h.recentUid() >= r.uidnext() - 1) {
            // Nothing to claim: a message appended since is above this view's UIDNEXT, for its first sync to claim.
            recentFrom = r.uidnext();
        } else {
            ClaimedHead c = db.one(CLAIM_RECENT_HEAD, rs -> new ClaimedHead(rs.getLong(1) + 1, rs.getLong(3),
                    rs.getLong(4), rs.getInt(5), rs.getInt(6), rs.getLong(7)), r.id()).orElse(null);
            if (c == null) {
                // Another session claimed them first.
                recentFrom = r.uidnext();
            } else {
                recentFrom = c.from();
                r = new MailboxStore.Row(r.id(), r.accountId(), r.name(), r.uidvalidity(), c.uidnext(),
                        c.highestModseq(), c.messages(), c.unseen(), c.size(), r.specialUse());
            }
        }
        return new SelectedMailbox(r.id(), r.name(), r.uidvalidity(), r.uidnext(), r.highestModseq(), r.messages(),
                r.unseen(), h.keywords(), r.specialUse(), recentFrom);
    }

    private record ClaimedHead(long from, long uidnext, long highestModseq, int messages, int unseen, long size) {
    }

    /** A page of the snapshot and the mailbox's modseq, read by one statement (so in one snapshot). */
    public record StatePage(List<MessageFlags> page, long highestModseq) {
    }

    /**
     * {@link #statePage} and the mailbox's highest modseq in one statement: when that modseq is the header's, the
     * page is the mailbox as the header saw it. -1 when the mailbox is gone.
     */
    public StatePage statePageAndModseq(long mailboxId, long afterUid, long beforeUid, int limit) {
        long[] modseq = {-1};
        List<MessageFlags> page = db.list(STATE_PAGE_AND_MODSEQ, rs -> {
            modseq[0] = rs.getLong("mailbox_modseq");
            rs.getLong("uid");
            return rs.wasNull() ? null : MessageRows.state(rs);
        }, afterUid, beforeUid, limit, mailboxId);
        page.removeIf(java.util.Objects::isNull);
        return new StatePage(page, modseq[0]);
    }

    /** UIDs {@code from..through} claimed as \Recent; none when {@code from > through}. */
    public record RecentClaim(long from, long through) {
        public boolean isEmpty() {
            return from > through;
        }
    }

    /**
     * Claims for the calling session every message above the mailbox's claimed mark (one statement, under the
     * row's lock: two sessions never claim the same message). With nothing to claim it locks and writes nothing, as
     * for most syncs. One statement: it needs no transaction of its own (a sync runs it in autocommit).
     */
    public RecentClaim claimRecent(long mailboxId) {
        return db.one(CLAIM_RECENT, rs -> new RecentClaim(rs.getLong(1) + 1, rs.getLong(2)), mailboxId)
                .orElse(new RecentClaim(1, 0));
    }

    /** One page of the snapshot: UIDs above afterUid and below beforeUid, ascending. No transaction needed. */
    public List<MessageFlags> statePage(long mailboxId, long afterUid, long beforeUid, int limit) {
        return db.list(STATE_PAGE, MessageRows::state, mailboxId, afterUid, beforeUid, limit);
    }

    // ---- fetch metadata ----

    /**
     * One page of FETCH items. The envelope and the body structure are passed on as stored (blob.envelope,
     * blob.body_structure: serialized by mime/MimeIndexer), for the edge to embed in its reply.
     */
    public List<MessageInfo> metadataPage(long mailboxId, MetadataQuery req, long afterUid, int limit) {
        return metadataPage(null, mailboxId, req, afterUid, limit, new long[1]);
    }

    /** The first page of a FETCH and its mailbox's id. */
    public record FirstMetadataPage(long mailboxId, List<MessageInfo> page) {
    }

    /**
     * The first page with the mailbox looked up by name in the same statement: one round trip for most FETCHes.
     * Only an empty page costs the lookup on its own, which tells a mailbox that is gone (or whose UIDVALIDITY the
     * client no longer has) from one without the messages asked for.
     */
    public FirstMetadataPage firstMetadataPage(MailboxRef ref, MetadataQuery req, int limit) {
        long[] id = {0};
        List<MessageInfo> page = metadataPage(ref, 0, req, 0, limit, id);
        return new FirstMetadataPage(page.isEmpty() ? mailboxes.find(ref, false).id() : id[0], page);
    }

    private List<MessageInfo> metadataPage(MailboxRef ref, long mailboxId, MetadataQuery req, long afterUid,
            int limit, long[] idOut) {
        boolean blob = req.needsBlob();
        List<Object> params = new ArrayList<>();
        // Conditional: the blob join only when a blob column is asked for, and the UID set and CHANGEDSINCE filters.
        StringBuilder sql = new StringBuilder(METADATA_COLUMNS).append(", m.mailbox_id")
                .append(blob ? METADATA_FROM_BLOB : METADATA_FROM);
        if (ref == null) {
            sql.append(" WHERE m.mailbox_id = ? AND m.uid > ? AND ");
            params.add(mailboxId);
        } else {
            sql.append(" WHERE m.mailbox_id = (SELECT id FROM mailbox WHERE account_id = ? AND name = ? "
                    + "AND (? = 0 OR uidvalidity = ?)) AND m.uid > ? AND ");
            params.add(ref.accountId());
            params.add(MailboxName.normalize(ref.mailbox()));
            params.add(ref.expectedUidvalidity());
            params.add(ref.expectedUidvalidity());
        }
        params.add(afterUid);
        sql.append(UidSets.predicate("m.uid", req.uids(), params));
        if (req.changedSince() > 0) {
            sql.append(" AND m.modseq > ?");
            params.add(req.changedSince());
        }
        sql.append(" ORDER BY m.uid LIMIT ?");
        params.add(limit);
        Set<String> fields = new HashSet<>();
        req.headerFields().forEach(f -> fields.add(f.toLowerCase(Locale.ROOT)));
        return db.list(sql.toString(), rs -> {
            List<String> keywords = List.of();
            if (req.flags()) {
                keywords = new ArrayList<>(0);
                MessageRows.addKeywords(rs.getString("keywords"), keywords::add);
            }
            byte[] envelope = null;
            byte[] structure = null;
            String preview = null;
            byte[] headerFields = null;
            if (blob) {
                envelope = req.envelope() ? rs.getBytes("envelope") : null;
                structure = req.bodyStructure() ? rs.getBytes("body_structure") : null;
                preview = req.preview() ? rs.getString("preview") : null;
                if (!req.headerFields().isEmpty()) {
                    headerFields = HeaderFilter.filter(PrefixedContent.header(rs.getBytes("header_prefix"),
                            rs.getBytes("header_raw")), fields, req.headerFieldsNot());
                }
            }
            idOut[0] = rs.getLong("mailbox_id");
            return new MessageInfo(rs.getLong("uid"), req.flags() ? rs.getInt("system_flags") : 0, keywords,
                    req.modseq() ? rs.getLong("modseq") : 0,
                    req.internalDate() ? Db.instant(rs, "internal_date") : null, req.size() ? rs.getLong("size") : 0,
                    req.saveDate() ? Db.instant(rs, "save_date") : null, req.emailId() ? rs.getString("email_id") : null,
                    envelope, structure, preview, headerFields);
        }, Db.args(params));
    }

    // ---- changes ----

    /*
     * GetChanges reads its pages in separate statements, yet gives one consistent snapshot: the one at the mailbox's
     * HIGHESTMODSEQ read first (throughModseq). Every change takes its modseq under the mailbox row's lock and keeps
     * it until commit, so everything at or below that modseq is committed and visible, and everything above it is
     * left out, changed and vanished messages alike, for the next call (since = throughModseq) to report.
     */

    public List<MessageFlags> changedPage(long mailboxId, long sinceModseq, long throughModseq, long afterUid,
            int limit) {
        return db.list(CHANGED_PAGE, MessageRows::state, mailboxId, sinceModseq, throughModseq, afterUid, limit);
    }

    public List<Long> vanishedPage(long mailboxId, long sinceModseq, long throughModseq, long afterUid, int limit) {
        return db.list(VANISHED_PAGE, rs -> rs.getLong(1), mailboxId, sinceModseq, throughModseq, afterUid, limit);
    }

    public void requireAccount(long accountId) {
        mailboxes.requireAccount(accountId);
    }

    /** One autocommit read (the head of a sync). */
    public MailboxStore.Row mailbox(MailboxRef ref) {
        return mailboxes.find(ref, false);
    }
}
