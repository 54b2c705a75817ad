package dev.mailplatform.store.domain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A mailbox's messages as SELECT, FETCH (metadata) and the changes since a modseq read them, page by page. */
@ApplicationScoped
public class MessageReads {

    private static final String SELECT_KEYWORDS = "SELECT DISTINCT unnest(keywords) k FROM message "
            + "WHERE mailbox_id = ? AND keywords <> '{}' ORDER BY k LIMIT 200";
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
    private static final String UNCLAIMED = "SELECT recent_uid FROM mailbox WHERE id = ?";

    private final Db db;
    private final MailboxStore mailboxes;

    public MessageReads(Db db, MailboxStore mailboxes) {
        this.db = db;
        this.mailboxes = mailboxes;
    }

    // ---- select ----

    /**
     * The head of a SELECT ({@code claimRecent}) or EXAMINE. SELECT claims the messages no session has seen yet
     * (RFC 3501 \Recent); the claim locks the mailbox row, so the counters read after it are the ones it saw.
     */
    @Transactional
    public SelectedMailbox selectHeader(MailboxRef ref, boolean claimRecent) {
        MailboxStore.Row r = mailboxes.find(ref, false);
        long recentFrom;
        if (claimRecent) {
            RecentClaim claim = claimRecent(r.id());
            r = mailboxes.find(ref, false);
            recentFrom = claim.isEmpty() ? r.uidnext() : claim.from();
        } else {
            recentFrom = db.one(UNCLAIMED, rs -> rs.getLong(1), r.id()).orElse(0L) + 1;
        }
        List<String> keywords = db.list(SELECT_KEYWORDS, rs -> rs.getString(1), r.id());
        return new SelectedMailbox(r.id(), r.name(), r.uidvalidity(), r.uidnext(), r.highestModseq(), r.messages(),
                r.unseen(), keywords, r.specialUse(), recentFrom);
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

    /** The mailbox's highest modseq now (-1 when it is gone). One autocommit read. */
    public long highestModseq(long mailboxId) {
        return db.one("SELECT highest_modseq FROM mailbox WHERE id = ?", rs -> rs.getLong(1), mailboxId).orElse(-1L);
    }

    /** One page of the snapshot: UIDs above afterUid and below beforeUid, ascending. No transaction needed. */
    public List<MessageFlags> statePage(long mailboxId, long afterUid, long beforeUid, int limit) {
        return db.list(STATE_PAGE, MessageRows::state, mailboxId, afterUid, beforeUid, limit);
    }

    // ---- fetch metadata ----

    /** One autocommit read: a JTA transaction around a single SELECT only adds a COMMIT and Narayana's work. */
    public long mailboxId(MailboxRef ref) {
        return mailboxes.find(ref, false).id();
    }

    /**
     * One page of FETCH items. The envelope and the body structure are passed on as stored (blob.envelope,
     * blob.body_structure: serialized by mime/MimeIndexer), for the edge to embed in its reply.
     */
    public List<MessageInfo> metadataPage(long mailboxId, MetadataQuery req, long afterUid, int limit) {
        boolean blob = req.needsBlob();
        List<Object> params = new ArrayList<>();
        // Conditional: the blob join only when a blob column is asked for, and the UID set and CHANGEDSINCE filters.
        StringBuilder sql = new StringBuilder(METADATA_COLUMNS).append(blob ? METADATA_FROM_BLOB : METADATA_FROM);
        sql.append(" WHERE m.mailbox_id = ? AND m.uid > ? AND ");
        params.add(mailboxId);
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
