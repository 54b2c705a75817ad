package dev.mailplatform.store.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.mailplatform.store.blob.BlobStore;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.SectionKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Where the bytes a FetchContent or FetchMessages call streams are: which blob, which range, or bytes made here. */
@ApplicationScoped
public class ContentPlanner {

    public static final int MAX_FETCH_MESSAGES = 1000;

    private static final String PLAN_COLUMNS =
            "m.blob_hash, m.size, b.header_size, b.body_structure, b.header_raw, b.size, mb.uidvalidity";
    private static final String PLAN_IN_MAILBOX = "SELECT " + PLAN_COLUMNS + " FROM message m "
            + "JOIN blob b ON b.hash = m.blob_hash JOIN mailbox mb ON mb.id = m.mailbox_id "
            + "WHERE m.mailbox_id = ? AND m.uid = ?";
    private static final String PLAN_BY_NAME = "SELECT " + PLAN_COLUMNS + " FROM mailbox mb "
            + "JOIN message m ON m.mailbox_id = mb.id JOIN blob b ON b.hash = m.blob_hash "
            + "WHERE mb.account_id = ? AND mb.name = ? AND m.uid = ?";
    private static final String MESSAGE_BLOBS = "SELECT m.uid, m.blob_hash, m.size, b.size FROM message m "
            + "JOIN blob b ON b.hash = m.blob_hash WHERE m.mailbox_id = ? AND m.uid = ANY(?)";

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

    /** Where a section's bytes are: a range of a blob, or (for HEADER.FIELDS) bytes computed here. */
    public record ContentPlan(String hash, long blobSize, long offset, long length, long sectionSize, byte[] inline,
            MessageFlags newState) {
    }

    /** FetchContent with set_seen: the flag change and the read in one transaction. */
    @Transactional
    public ContentPlan planContent(FetchContentRequest req) {
        return plan(req);
    }

    /**
     * FetchContent without set_seen: one autocommit query, without the begin and commit of a transaction around it
     * (a POP3 RETR, an IMAP BODY.PEEK).
     */
    public ContentPlan planRead(FetchContentRequest req) {
        if (req.getSetSeen()) {
            throw new IllegalArgumentException("set_seen needs planContent");
        }
        return plan(req);
    }

    private ContentPlan plan(FetchContentRequest req) {
        if (req.getUid() == 0) {
            throw StoreException.invalid("UID 0 is not valid");
        }
        long uid = Integer.toUnsignedLong(req.getUid());
        record Msg(String hash, long size, long headerSize, byte[] structure, byte[] header, long blobSize,
                long uidvalidity) {
        }
        Db.Row<Msg> msg = rs -> new Msg(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4), rs.getBytes(5),
                rs.getLong(6), rs.getLong(7));
        MailboxStore.Row mb = null;
        Msg m;
        if (req.getSetSeen()) {
            // Setting a flag needs the mailbox row locked first (its modseq).
            mb = mailboxes.find(req.getMailbox(), true);
            m = db.one(PLAN_IN_MAILBOX, msg, mb.id(), uid)
                    .orElseThrow(() -> StoreException.notFound("no message with UID " + uid));
        } else {
            // A pure read (POP3 RETR/TOP, BODY.PEEK): mailbox and message in one round trip.
            long expected = Integer.toUnsignedLong(req.getMailbox().getExpectedUidvalidity());
            m = db.one(PLAN_BY_NAME, msg, req.getMailbox().getAccountId(),
                    MailboxName.normalize(req.getMailbox().getMailbox()), uid).orElse(null);
            if (m == null || (expected != 0 && m.uidvalidity() != expected)) {
                // The same errors as the two-step read: no account or mailbox, a changed UIDVALIDITY, then no message.
                mailboxes.find(req.getMailbox(), false);
                throw StoreException.notFound("no message with UID " + uid);
            }
        }
        MessageFlags newState = null;
        if (req.getSetSeen()) {
            FlagsStored r = flags.applyFlags(mb, UidSets.of(uid), FlagsMode.FLAGS_ADD, Flags.SEEN,
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
        Sections.Range range = Sections.locate(root, m.size(), m.headerSize(), req.getSection());
        Set<String> fields = new HashSet<>();
        req.getSection().getFieldsList().forEach(f -> fields.add(f.toLowerCase(Locale.ROOT)));
        byte[] inline = null;
        if (range.headerFields()) {
            byte[] header;
            if (range.start() == 0) {
                header = m.header();
            } else {
                try (var in = blobs.read(m.hash(), m.blobSize(), range.start(), range.end() - range.start())) {
                    header = in.readAllBytes(); // a part header: bounded by the MIME index
                } catch (IOException e) {
                    throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage read failed");
                }
            }
            inline = HeaderFilter.filter(header, fields,
                    req.getSection().getKind() == SectionKind.SECTION_HEADER_FIELDS_NOT);
        }
        long sectionSize = inline != null ? inline.length : range.end() - range.start();
        // uint64 on the wire: above 2^63 a Java long is negative, and must still mean "past the end".
        long offset = Long.compareUnsigned(req.getOffset(), sectionSize) > 0 ? sectionSize : req.getOffset();
        long rest = sectionSize - offset;
        long length = req.getLength() == 0 || Long.compareUnsigned(req.getLength(), rest) > 0 ? rest : req.getLength();
        if (inline != null) {
            inline = Arrays.copyOfRange(inline, (int) offset, (int) (offset + length));
            return new ContentPlan(m.hash(), m.blobSize(), 0, length, sectionSize, inline, newState);
        }
        return new ContentPlan(m.hash(), m.blobSize(), range.start() + offset, length, sectionSize, null, newState);
    }

    /** Where the whole message of one UID is: its blob and its size. */
    public record MessageBlob(String hash, long size, long blobSize) {
    }

    /**
     * FetchMessages: the blobs of many UIDs in one query, without a transaction (a pure read). UIDs that are not in
     * the mailbox are simply absent from the map.
     */
    public Map<Long, MessageBlob> planMessages(MailboxRef ref, List<Integer> uids) {
        if (uids.isEmpty() || uids.size() > MAX_FETCH_MESSAGES) {
            throw StoreException.invalid("FetchMessages takes 1 to " + MAX_FETCH_MESSAGES + " UIDs, not " + uids.size());
        }
        Long[] wanted = new Long[uids.size()];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = Integer.toUnsignedLong(uids.get(i));
            if (wanted[i] == 0 || !seen.add(wanted[i])) {
                throw StoreException.invalid(wanted[i] == 0 ? "UID 0 is not valid" : "UID " + wanted[i] + " is asked twice");
            }
        }
        long mailboxId = mailboxes.find(ref, false).id();
        Map<Long, MessageBlob> out = new HashMap<>();
        db.list(MESSAGE_BLOBS, rs -> {
            out.put(rs.getLong(1), new MessageBlob(rs.getString(2), rs.getLong(3), rs.getLong(4)));
            return null;
        }, mailboxId, wanted);
        return out;
    }
}
