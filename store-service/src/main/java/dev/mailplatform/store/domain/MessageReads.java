package dev.mailplatform.store.domain;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.Envelope;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MessageMetadata;
import dev.mailplatform.store.v1.SelectHeader;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
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
            + "FROM message WHERE mailbox_id = ? AND modseq > ? AND uid > ? ORDER BY uid LIMIT ?";
    private static final String VANISHED_PAGE = "SELECT uid FROM expunged "
            + "WHERE mailbox_id = ? AND modseq > ? AND uid > ? ORDER BY uid LIMIT ?";
    private static final String METADATA_COLUMNS = "SELECT m.uid, m.system_flags, array_to_string(m.keywords, ' ') AS "
            + "keywords, m.modseq, m.internal_date, m.size, m.save_date, m.email_id";
    private static final String METADATA_FROM_BLOB = ", b.envelope, b.body_structure, b.preview, b.header_raw "
            + "FROM message m JOIN blob b ON b.hash = m.blob_hash";
    private static final String METADATA_FROM = " FROM message m";

    private final Db db;
    private final MailboxStore mailboxes;

    public MessageReads(Db db, MailboxStore mailboxes) {
        this.db = db;
        this.mailboxes = mailboxes;
    }

    // ---- select ----

    @Transactional
    public SelectHeader selectHeader(MailboxRef ref) {
        MailboxStore.Row r = mailboxes.find(ref, false);
        List<String> keywords = db.list(SELECT_KEYWORDS, rs -> rs.getString(1), r.id());
        return SelectHeader.newBuilder().setMailboxId(r.id()).setName(r.name()).setUidvalidity((int) r.uidvalidity())
                .setUidnext((int) r.uidnext()).setHighestModseq(r.highestModseq()).setMessages(r.messages())
                .setUnseen(r.unseen()).addAllKeywords(keywords).setSpecialUse(r.specialUse()).build();
    }

    /** One page of the snapshot: UIDs above afterUid and below beforeUid, ascending. No transaction needed. */
    public List<MessageFlags> statePage(long mailboxId, long afterUid, long beforeUid, int limit) {
        return db.list(STATE_PAGE, MessageRows::state, mailboxId, afterUid, beforeUid, limit);
    }

    // ---- fetch metadata ----

    public long mailboxId(MailboxRef ref) {
        return QuarkusTransaction.joiningExisting().call(() -> mailboxes.find(ref, false).id());
    }

    public List<MessageMetadata> metadataPage(long mailboxId, FetchMetadataRequest req, long afterUid, int limit) {
        boolean blob = req.getEnvelope() || req.getBodyStructure() || req.getPreview() || req.getHeaderFieldsCount() > 0;
        List<Object> params = new ArrayList<>();
        // Conditional: the blob join only when a blob column is asked for, and the UID set and CHANGEDSINCE filters.
        StringBuilder sql = new StringBuilder(METADATA_COLUMNS).append(blob ? METADATA_FROM_BLOB : METADATA_FROM);
        sql.append(" WHERE m.mailbox_id = ? AND m.uid > ? AND ");
        params.add(mailboxId);
        params.add(afterUid);
        sql.append(UidSets.predicate("m.uid", req.getUids(), params));
        if (req.getChangedSince() > 0) {
            sql.append(" AND m.modseq > ?");
            params.add(req.getChangedSince());
        }
        sql.append(" ORDER BY m.uid LIMIT ?");
        params.add(limit);
        Set<String> fields = new HashSet<>();
        req.getHeaderFieldsList().forEach(f -> fields.add(f.toLowerCase(Locale.ROOT)));
        return db.list(sql.toString(), rs -> {
            MessageMetadata.Builder b = MessageMetadata.newBuilder().setUid((int) rs.getLong("uid"));
            if (req.getFlags()) {
                b.setSystemFlags(rs.getInt("system_flags"));
                MessageRows.addKeywords(rs.getString("keywords"), b::addKeywords);
            }
            if (req.getModseq()) {
                b.setModseq(rs.getLong("modseq"));
            }
            if (req.getInternalDate()) {
                b.setInternalDate(Db.instant(rs, "internal_date").toEpochMilli());
            }
            if (req.getSize()) {
                b.setSize(rs.getLong("size"));
            }
            if (req.getSaveDate()) {
                b.setSaveDate(Db.instant(rs, "save_date").toEpochMilli());
            }
            if (req.getEmailId()) {
                b.setEmailId(rs.getString("email_id"));
            }
            if (blob) {
                try {
                    if (req.getEnvelope()) {
                        b.setEnvelope(Envelope.parseFrom(rs.getBytes("envelope")));
                    }
                    if (req.getBodyStructure()) {
                        b.setBodyStructure(BodyPart.parseFrom(rs.getBytes("body_structure")));
                    }
                } catch (InvalidProtocolBufferException e) {
                    throw new SQLException("corrupt index row", e);
                }
                if (req.getPreview()) {
                    b.setPreview(rs.getString("preview"));
                }
                if (req.getHeaderFieldsCount() > 0) {
                    b.setHeaderFields(ByteString.copyFrom(
                            HeaderFilter.filter(rs.getBytes("header_raw"), fields, req.getHeaderFieldsNot())));
                }
            }
            return b.build();
        }, Db.args(params));
    }

    // ---- changes ----

    public List<MessageFlags> changedPage(long mailboxId, long sinceModseq, long afterUid, int limit) {
        return db.list(CHANGED_PAGE, MessageRows::state, mailboxId, sinceModseq, afterUid, limit);
    }

    public List<Long> vanishedPage(long mailboxId, long sinceModseq, long afterUid, int limit) {
        return db.list(VANISHED_PAGE, rs -> rs.getLong(1), mailboxId, sinceModseq, afterUid, limit);
    }

    @Transactional
    public void requireAccount(long accountId) {
        mailboxes.requireAccount(accountId);
    }

    @Transactional
    public MailboxStore.Row mailbox(MailboxRef ref) {
        return mailboxes.find(ref, false);
    }
}
