package dev.mailplatform.store.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.mailplatform.store.blob.BlobStore;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.BodyPart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the bytes a FetchContent or FetchMessages call streams are: which blob, which range, or bytes made here.
 *
 * <p>Exception to "protobuf stops at the grpc package": the body structure is persisted in PostgreSQL
 * (blob.body_structure) as serialized protobuf bytes built by mime/MimeIndexer at append time, and is parsed here
 * to locate a section ({@link Sections}).
 */
@ApplicationScoped
public class ContentPlanner {

    public static final int MAX_FETCH_MESSAGES = 1000;

    private static final String PLAN_COLUMNS =
            "m.blob_hash, m.size, b.header_size, b.body_structure, b.header_raw, b.size, mb.uidvalidity, m.header_prefix";
    private static final String PLAN_IN_MAILBOX = "SELECT " + PLAN_COLUMNS + " FROM message m "
            + "JOIN blob b ON b.hash = m.blob_hash JOIN mailbox mb ON mb.id = m.mailbox_id "
            + "WHERE m.mailbox_id = ? AND m.uid = ?";
    private static final String PLAN_BY_NAME = "SELECT " + PLAN_COLUMNS + " FROM mailbox mb "
            + "JOIN message m ON m.mailbox_id = mb.id JOIN blob b ON b.hash = m.blob_hash "
            + "WHERE mb.account_id = ? AND mb.name = ? AND m.uid = ?";
    private static final String MESSAGE_BLOBS = "SELECT m.uid, m.blob_hash, m.size, b.size, m.header_prefix "
            + "FROM message m JOIN blob b ON b.hash = m.blob_hash WHERE m.mailbox_id = ? AND m.uid = ANY(?)";

    private final Db db;
    private final MailboxStore mailboxes;
    private final BlobStore blobs;
    private final FlagUpdates flags;

    public ContentPlanner(Db db, MailboxStore mailboxes, BlobStore blobs, FlagUpdates flags) {
        this.db = db;
        this.mailboxes = mailboxes;
        this.blobs = blobs;
        this.flags = flags;
    }

    /**
     * Where a section's bytes are: a range of the message (its header prefix, then its blob: see
     * {@link PrefixedContent}), or (for HEADER.FIELDS) bytes computed here.
     */
    public record ContentPlan(String hash, long blobSize, byte[] prefix, long offset, long length, long sectionSize,
            byte[] inline, MessageFlags newState) {
    }

    /** FetchContent with set_seen: the flag change and the read in one transaction. */
    @Transactional
    public ContentPlan planContent(ContentRequest req) {
        return plan(req);
    }

    /**
     * FetchContent without set_seen: one autocommit query, without the begin and commit of a transaction around it
     * (a POP3 RETR, an IMAP BODY.PEEK).
     */
    public ContentPlan planRead(ContentRequest req) {
        if (req.setSeen()) {
            throw new IllegalArgumentException("set_seen needs planContent");
        }
        return plan(req);
    }

    private ContentPlan plan(ContentRequest req) {
        if (req.uid() == 0) {
            throw StoreException.invalid("UID 0 is not valid");
        }
        long uid = req.uid();
        record Msg(String hash, long size, long headerSize, byte[] structure, byte[] header, long blobSize,
                long uidvalidity, byte[] prefix) {
        }
        Db.Row<Msg> msg = rs -> new Msg(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4), rs.getBytes(5),
                rs.getLong(6), rs.getLong(7), rs.getBytes(8));
        MailboxStore.Row mb = null;
        Msg m;
        if (req.setSeen()) {
            // Setting a flag needs the mailbox row locked first (its modseq).
            mb = mailboxes.find(req.mailbox(), true);
            m = db.one(PLAN_IN_MAILBOX, msg, mb.id(), uid)
                    .orElseThrow(() -> StoreException.noMessage(uid));
        } else {
            // A pure read (POP3 RETR/TOP, BODY.PEEK): mailbox and message in one round trip.
            long expected = req.mailbox().expectedUidvalidity();
            m = db.one(PLAN_BY_NAME, msg, req.mailbox().accountId(), MailboxName.normalize(req.mailbox().mailbox()),
                    uid).orElse(null);
            if (m == null || (expected != 0 && m.uidvalidity() != expected)) {
                // The same errors as the two-step read: no account or mailbox, a changed UIDVALIDITY, then no message.
                mailboxes.find(req.mailbox(), false);
                throw StoreException.noMessage(uid);
            }
        }
        MessageFlags newState = null;
        if (req.setSeen()) {
            FlagsStored r = flags.applyFlags(mb, UidSet.of(uid), FlagsMode.ADD, Flags.SEEN,
                    new String[0], 0);
            if (!r.updated().isEmpty()) {
                newState = r.updated().get(0);
            }
        }
        BodyPart root;
        try {
            root = BodyPart.parseFrom(m.structure());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt body structure of " + m.hash(), e);
        }
        // The MIME index is of the blob: locate there, then move past the header prefix (see below).
        Sections.Range range = Sections.locate(root, m.blobSize(), m.headerSize(), req.section());
        byte[] prefix = PrefixedContent.orNone(m.prefix());
        Set<String> fields = new HashSet<>();
        req.section().fields().forEach(f -> fields.add(f.toLowerCase(Locale.ROOT)));
        byte[] inline = null;
        if (range.headerFields()) {
            byte[] header;
            if (range.start() == 0) {
                header = PrefixedContent.header(prefix, m.header());
            } else {
                try (var in = blobs.read(m.hash(), m.blobSize(), range.start(), range.end() - range.start())) {
                    header = in.readAllBytes(); // a part header: bounded by the MIME index
                } catch (IOException e) {
                    throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage read failed");
                }
            }
            inline = HeaderFilter.filter(header, fields,
                    req.section().kind() == SectionSpec.Kind.HEADER_FIELDS_NOT);
        }
        // The message's own header (BODY[], BODY[HEADER]) starts with the prefix; anything else lies after it.
        boolean withPrefix = range.start() == 0 && req.section().part().isEmpty();
        long start = withPrefix ? 0 : range.start() + prefix.length;
        long end = range.end() + prefix.length;
        long sectionSize = inline != null ? inline.length : end - start;
        // uint64 on the wire: above 2^63 a Java long is negative, and must still mean "past the end".
        long offset = Long.compareUnsigned(req.offset(), sectionSize) > 0 ? sectionSize : req.offset();
        long rest = sectionSize - offset;
        long length = req.length() == 0 || Long.compareUnsigned(req.length(), rest) > 0 ? rest : req.length();
        if (inline != null) {
            inline = Arrays.copyOfRange(inline, (int) offset, (int) (offset + length));
            return new ContentPlan(m.hash(), m.blobSize(), prefix, 0, length, sectionSize, inline, newState);
        }
        return new ContentPlan(m.hash(), m.blobSize(), prefix, start + offset, length, sectionSize, null, newState);
    }

    /** Where the whole message of one UID is: its blob, its size, and its header prefix (or null). */
    public record MessageBlob(String hash, long size, long blobSize, byte[] prefix) {
    }

    /**
     * FetchMessages: the blobs of many UIDs in one query, without a transaction (a pure read). UIDs that are not in
     * the mailbox are simply absent from the map.
     */
    public Map<Long, MessageBlob> planMessages(MailboxRef ref, long[] uids) {
        if (uids.length == 0 || uids.length > MAX_FETCH_MESSAGES) {
            throw StoreException.invalid("FetchMessages takes 1 to " + MAX_FETCH_MESSAGES + " UIDs, not " + uids.length);
        }
        Long[] wanted = new Long[uids.length];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = uids[i];
            if (wanted[i] == 0 || !seen.add(wanted[i])) {
                throw StoreException.invalid(wanted[i] == 0 ? "UID 0 is not valid" : "UID " + wanted[i] + " is asked twice");
            }
        }
        long mailboxId = mailboxes.find(ref, false).id();
        Map<Long, MessageBlob> out = new HashMap<>();
        db.list(MESSAGE_BLOBS, rs -> {
            out.put(rs.getLong(1), new MessageBlob(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5)));
            return null;
        }, mailboxId, wanted);
        return out;
    }
}
