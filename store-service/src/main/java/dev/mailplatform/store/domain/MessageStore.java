package dev.mailplatform.store.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.mailplatform.store.blob.BlobStore;
import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.mime.IndexedMessage;
import dev.mailplatform.store.mime.MimeIndexer;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.ChangeKind;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.Envelope;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.ExpungeResponse;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MessageMetadata;
import dev.mailplatform.store.v1.MessageState;
import dev.mailplatform.store.v1.SectionKind;
import dev.mailplatform.store.v1.SelectHeader;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.store.v1.UidMapping;
import dev.mailplatform.store.v1.UidSet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Messages inside mailboxes: the data rules of ARCHITECTURE.md live here. */
@ApplicationScoped
public class MessageStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Db db;
    private final MailboxStore mailboxes;
    private final Quotas quotas;
    private final BlobStore blobs;
    private final ChangeBus changes;
    private final StoreConfig config;
    private final MimeIndexer indexer;
    /**
     * Independent group committers, an account always on the same one: two groups running at once then never meet
     * on a mailbox's or an account's lock, and the commits of different accounts overlap.
     */
    private final AppendCommitter[] committers;

    public MessageStore(Db db, MailboxStore mailboxes, Quotas quotas, BlobStore blobs, ChangeBus changes,
            StoreConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
        this.db = db;
        this.mailboxes = mailboxes;
        this.quotas = quotas;
        this.blobs = blobs;
        this.changes = changes;
        this.config = config;
        this.indexer = new MimeIndexer(new MimeIndexer.Limits(config.store().searchBodyLimit(),
                config.store().indexHeaderBytes(), config.store().indexHeaderFields(), config.store().indexMaxParts(),
                config.store().indexMaxDepth()));
        this.committers = new AppendCommitter[config.store().appendLanes()];
        if (committers.length < 1) {
            throw new IllegalArgumentException("mail.store.append-lanes must be at least 1");
        }
        for (int i = 0; i < committers.length; i++) {
            committers[i] = new AppendCommitter(db, changes, config.store().appendGroupMax(), registry);
        }
    }

    // ---- select ----

    @Transactional
    public SelectHeader selectHeader(MailboxRef ref) {
        MailboxStore.Row r = mailboxes.find(ref, false);
        List<String> keywords = db.list("SELECT DISTINCT unnest(keywords) k FROM message WHERE mailbox_id = ? "
                + "AND keywords <> '{}' ORDER BY k LIMIT 200", rs -> rs.getString(1), r.id());
        return SelectHeader.newBuilder().setMailboxId(r.id()).setName(r.name()).setUidvalidity((int) r.uidvalidity())
                .setUidnext((int) r.uidnext()).setHighestModseq(r.highestModseq()).setMessages(r.messages())
                .setUnseen(r.unseen()).addAllKeywords(keywords).setSpecialUse(r.specialUse()).build();
    }

    /** One page of the snapshot: UIDs above afterUid and below beforeUid, ascending. No transaction needed. */
    public List<MessageState> statePage(long mailboxId, long afterUid, long beforeUid, int limit) {
        return db.list("SELECT uid, system_flags, " + KEYWORDS + ", modseq FROM message WHERE mailbox_id = ? "
                + "AND uid > ? AND uid < ? ORDER BY uid LIMIT ?", MessageStore::state, mailboxId, afterUid, beforeUid,
                limit);
    }

    /**
     * Keywords as one space-separated string: they are atoms, so a space cannot occur in them, and parsing a text
     * column is far cheaper than a JDBC array per row (it matters for a 100k-message snapshot).
     */
    static final String KEYWORDS = "array_to_string(keywords, ' ') AS keywords";

    static MessageState state(ResultSet rs) throws SQLException {
        MessageState.Builder b = MessageState.newBuilder().setUid((int) rs.getLong("uid"))
                .setSystemFlags(rs.getInt("system_flags")).setModseq(rs.getLong("modseq"));
        addKeywords(rs.getString("keywords"), b::addKeywords);
        return b.build();
    }

    static void addKeywords(String joined, java.util.function.Consumer<String> add) {
        if (joined != null && !joined.isEmpty()) {
            for (String k : joined.split(" ")) {
                add.accept(k);
            }
        }
    }

    // ---- fetch metadata ----

    public long mailboxId(MailboxRef ref) {
        return QuarkusTransaction.joiningExisting().call(() -> mailboxes.find(ref, false).id());
    }

    public List<MessageMetadata> metadataPage(long mailboxId, FetchMetadataRequest req, long afterUid, int limit) {
        boolean blob = req.getEnvelope() || req.getBodyStructure() || req.getPreview() || req.getHeaderFieldsCount() > 0;
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT m.uid, m.system_flags, array_to_string(m.keywords, ' ') AS keywords, "
                + "m.modseq, m.internal_date, "
                + "m.size, m.save_date, m.email_id");
        if (blob) {
            sql.append(", b.envelope, b.body_structure, b.preview, b.header_raw FROM message m JOIN blob b ON b.hash = m.blob_hash");
        } else {
            sql.append(" FROM message m");
        }
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
                addKeywords(rs.getString("keywords"), b::addKeywords);
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
                    b.setHeaderFields(com.google.protobuf.ByteString.copyFrom(
                            HeaderFilter.filter(rs.getBytes("header_raw"), fields, req.getHeaderFieldsNot())));
                }
            }
            return b.build();
        }, Db.args(params));
    }

    // ---- fetch content ----

    /** Where a section's bytes are: a range of a blob, or (for HEADER.FIELDS) bytes computed here. */
    public record ContentPlan(String hash, long blobSize, long offset, long length, long sectionSize, byte[] inline,
            MessageState newState) {
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
        String columns = "m.blob_hash, m.size, b.header_size, b.body_structure, b.header_raw, b.size, mb.uidvalidity";
        Db.Row<Msg> msg = rs -> new Msg(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4), rs.getBytes(5),
                rs.getLong(6), rs.getLong(7));
        MailboxStore.Row mb = null;
        Msg m;
        if (req.getSetSeen()) {
            // Setting a flag needs the mailbox row locked first (its modseq).
            mb = mailboxes.find(req.getMailbox(), true);
            m = db.one("SELECT " + columns + " FROM message m JOIN blob b ON b.hash = m.blob_hash "
                    + "JOIN mailbox mb ON mb.id = m.mailbox_id WHERE m.mailbox_id = ? AND m.uid = ?", msg,
                    mb.id(), uid).orElseThrow(() -> StoreException.notFound("no message with UID " + uid));
        } else {
            // A pure read (POP3 RETR/TOP, BODY.PEEK): mailbox and message in one round trip.
            long expected = Integer.toUnsignedLong(req.getMailbox().getExpectedUidvalidity());
            m = db.one("SELECT " + columns + " FROM mailbox mb JOIN message m ON m.mailbox_id = mb.id "
                    + "JOIN blob b ON b.hash = m.blob_hash WHERE mb.account_id = ? AND mb.name = ? AND m.uid = ?",
                    msg, req.getMailbox().getAccountId(),
                    MailboxName.normalize(req.getMailbox().getMailbox()), uid).orElse(null);
            if (m == null || (expected != 0 && m.uidvalidity() != expected)) {
                // The same errors as the two-step read: no account or mailbox, a changed UIDVALIDITY, then no message.
                mailboxes.find(req.getMailbox(), false);
                throw StoreException.notFound("no message with UID " + uid);
            }
        }
        MessageState newState = null;
        if (req.getSetSeen()) {
            StoreFlagsResponse r = applyFlags(mb, UidSets.of(uid), FlagsMode.FLAGS_ADD, Flags.SEEN, new String[0], 0);
            if (r.getUpdatedCount() > 0) {
                newState = r.getUpdated(0);
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
                } catch (java.io.IOException e) {
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

    public static final int MAX_FETCH_MESSAGES = 1000;

    /**
     * FetchMessages: the blobs of many UIDs in one query, without a transaction (a pure read). UIDs that are not in
     * the mailbox are simply absent from the map.
     */
    public java.util.Map<Long, MessageBlob> planMessages(MailboxRef ref, List<Integer> uids) {
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
        java.util.Map<Long, MessageBlob> out = new java.util.HashMap<>();
        db.list("SELECT m.uid, m.blob_hash, m.size, b.size FROM message m JOIN blob b ON b.hash = m.blob_hash "
                + "WHERE m.mailbox_id = ? AND m.uid = ANY(?)", rs -> {
                    out.put(rs.getLong(1), new MessageBlob(rs.getString(2), rs.getLong(3), rs.getLong(4)));
                    return null;
                }, mailboxId, wanted);
        return out;
    }

    // ---- append ----

    /** Streams the request body into a spool; call {@link #append} once it is complete. */
    public Spool newSpool(AppendHeader header) {
        long max = config.store().maxMessageSize();
        if (header.getDeclaredSize() > max) {
            throw Spool.tooLarge(header.getDeclaredSize(), max);
        }
        return new Spool(max, config.store().memorySpoolLimit(), header.getDeclaredSize());
    }

    /**
     * Where an append goes and with which flags, checked once, before any byte of the message is read. The mailbox
     * is null until {@link #append} has looked it up.
     */
    public record AppendTarget(AppendHeader header, MailboxStore.Row mailbox, int system, String[] keywords) {
    }

    /**
     * Fails early (before the bytes are read) for bad flags or a malformed mailbox name. A message that will be
     * spooled to a file (over {@code memory-spool-limit}, or of unknown size) has its mailbox looked up now too, one
     * autocommit read, so that an unknown mailbox fails before megabytes are spooled. A small one has it looked up
     * by {@link #append}, in the same round trip as the blob and the quota: one round trip of three per append.
     */
    public AppendTarget validateAppend(AppendHeader h) {
        Flags.validateSystem(h.getFlags().getSystem());
        String[] keywords = Flags.keywords(h.getFlags().getKeywordsList());
        MailboxName.normalize(h.getMailbox().getMailbox());
        boolean small = h.getDeclaredSize() > 0 && h.getDeclaredSize() <= config.store().memorySpoolLimit();
        return new AppendTarget(h, small ? null : mailboxes.find(h.getMailbox(), false), h.getFlags().getSystem(),
                keywords);
    }

    /**
     * Stores a spooled message. The S3 object is written before the statement that makes it visible, and that
     * statement is the only write of the append. It also claims the blob row: if the row vanished since we looked
     * (the collector took it), the object may be gone too, so the append starts over and uploads.
     */
    public AppendResponse append(AppendTarget target, Spool spool) {
        if (spool.size() == 0) {
            throw StoreException.invalid("message is empty");
        }
        String hash = spool.finish();
        IndexedMessage idx = indexer.index(spool.buffer());
        record Seen(boolean stored, boolean tombstone) {
        }
        // Quota pre-check without locks, so that an over-quota append uploads nothing, in the same round trip as
        // the look for a blob with these bytes (and for the mailbox, when validateAppend left it).
        record Before(Quotas.Usage usage, Seen seen, MailboxStore.Row mailbox) {
        }
        MailboxRef ref = target.header().getMailbox();
        boolean findMailbox = target.mailbox() == null;
        String mailboxName = findMailbox ? MailboxName.normalize(ref.getMailbox()) : null;
        Before before = db.one(Quotas.USAGE_COLUMNS + ", b.stored, b.size < 0"
                + (findMailbox ? ", " + MailboxStore.columns("m") : "") + Quotas.USAGE_FROM
                + (findMailbox ? " LEFT JOIN mailbox m ON m.account_id = a.id AND m.name = ?" : "")
                + " LEFT JOIN blob b ON b.hash = ? WHERE a.id = ?", rs -> new Before(Quotas.usage(rs),
                        rs.getObject(5) == null ? null : new Seen(rs.getBoolean(5), rs.getBoolean(6)),
                        !findMailbox ? target.mailbox() : rs.getObject("id") == null ? null : MailboxStore.row(rs)),
                findMailbox ? new Object[] {mailboxName, hash, ref.getAccountId()}
                        : new Object[] {hash, ref.getAccountId()})
                .orElseThrow(() -> StoreException.notFound("no account " + ref.getAccountId()));
        AppendTarget into = target;
        if (findMailbox) {
            if (before.mailbox() == null) {
                throw StoreException.notFound("no mailbox " + mailboxName);
            }
            into = new AppendTarget(target.header(), MailboxStore.requireUidvalidity(before.mailbox(),
                    Integer.toUnsignedLong(ref.getExpectedUidvalidity())), target.system(), target.keywords());
        }
        quotas.check(before.usage(), spool.size(), 1);
        for (int attempt = 0; ; attempt++) {
            Seen seen = attempt == 0 ? before.seen() : db.one("SELECT stored, size < 0 FROM blob WHERE hash = ?",
                    rs -> new Seen(rs.getBoolean(1), rs.getBoolean(2)), hash).orElse(null);
            if (seen != null && seen.tombstone()) {
                // The collector deleted an orphan object with these bytes. Removing its tombstone waits for the
                // collector's transaction, so the object is gone for good before we upload it again.
                db.update("DELETE FROM blob WHERE hash = ? AND size < 0", hash);
                seen = null;
            }
            if (seen == null || !seen.stored() || attempt > 0) {
                if (spool.memory() != null) {
                    blobs.put(hash, spool.memory(), (int) spool.size());
                } else {
                    blobs.put(hash, spool.file(), spool.size());
                }
            }
            boolean rowSeen = seen != null;
            AppendResponse r = insertAppended(into, hash, idx, spool.size(), rowSeen);
            if (r != null) {
                return r;
            }
            if (attempt >= 3) {
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "blob collected during append; retry");
            }
        }
    }

    /**
     * The append's rows, in one statement committed on its own or with concurrent appends ({@link AppendCommitter}):
     * null when the blob row we saw before uploading was collected meanwhile, or the collector left a tombstone for
     * these bytes (the caller uploads again and retries). Over quota, nothing is charged, and the blob row stays
     * unreferenced for the collector.
     */
    private AppendResponse insertAppended(AppendTarget t, String hash, IndexedMessage idx, long size,
            boolean rowSeen) {
        MailboxStore.Row target = t.mailbox();
        AppendHeader h = t.header();
        Instant internal = h.getInternalDate() == 0 ? Instant.now() : Instant.ofEpochMilli(h.getInternalDate());
        String emailId = newEmailId();
        AppendCommitter committer = committers[(int) Math.floorMod(target.accountId(), (long) committers.length)];
        AppendCommitter.Outcome a = committer.commit(new AppendCommitter.Item(target, hash, idx, size, rowSeen,
                t.system(), t.keywords(), internal, emailId));
        return switch (a.status()) {
            case BLOB_GONE -> null;
            case NO_MAILBOX -> throw StoreException.notFound("no mailbox " + target.name());
            case OVER_QUOTA -> throw Quotas.exceeded(quotas.peek(target.accountId()), size, 1);
            case INSERTED -> AppendResponse.newBuilder().setUidvalidity((int) a.uidvalidity()).setUid((int) a.uid())
                    .setModseq(a.modseq()).setSize(size).setEmailId(emailId).build();
            case RETRY_ALONE -> throw new IllegalStateException("the committer resolves RETRY_ALONE itself");
        };
    }

    static String newEmailId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "M" + java.util.HexFormat.of().formatHex(b);
    }

    // ---- flags ----

    @Transactional
    public StoreFlagsResponse storeFlags(StoreFlagsRequest req) {
        Flags.validateSystem(req.getFlags().getSystem());
        String[] keywords = Flags.keywords(req.getFlags().getKeywordsList());
        UidSets.validate(req.getUids());
        MailboxStore.Row mb = mailboxes.find(req.getMailbox(), true);
        return applyFlags(mb, req.getUids(), req.getMode(), req.getFlags().getSystem(), keywords,
                req.getUnchangedSince());
    }

    /** Changes flags of the matching messages; the mailbox row must be locked. One new modseq per call. */
    StoreFlagsResponse applyFlags(MailboxStore.Row mb, UidSet uids, FlagsMode mode, int system, String[] keywords,
            long unchangedSince) {
        long modseq = mb.highestModseq() + 1;
        String flagExpr;
        String kwExpr;
        switch (mode) {
            case FLAGS_ADD -> {
                flagExpr = "(m.system_flags | ?)";
                kwExpr = "ARRAY(SELECT DISTINCT k FROM unnest(m.keywords || ?::text[]) k ORDER BY k)";
            }
            case FLAGS_REMOVE -> {
                flagExpr = "(m.system_flags & ~?)";
                kwExpr = "ARRAY(SELECT k FROM unnest(m.keywords) k WHERE k <> ALL (?::text[]) ORDER BY k)";
            }
            default -> {
                flagExpr = "(?::int)";
                kwExpr = "(?::text[])";
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
        record Changed(MessageState state, int oldFlags) {
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
        List<Changed> changed = db.list(sql, rs -> new Changed(state(rs), rs.getInt("old_flags")), Db.args(ordered));
        StoreFlagsResponse.Builder out = StoreFlagsResponse.newBuilder();
        failed.forEach(u -> out.addFailedUids(u.intValue()));
        int unseenDelta = 0;
        for (Changed c : changed) {
            out.addUpdated(c.state());
            boolean wasSeen = (c.oldFlags() & Flags.SEEN) != 0;
            boolean isSeen = (c.state().getSystemFlags() & Flags.SEEN) != 0;
            unseenDelta += wasSeen == isSeen ? 0 : (isSeen ? -1 : 1);
        }
        long highest = mb.highestModseq();
        if (!changed.isEmpty()) {
            highest = modseq;
            db.update("UPDATE mailbox SET highest_modseq = ?, unseen = unseen + ? WHERE id = ?", modseq, unseenDelta,
                    mb.id());
            changes.publish(mb.accountId(), mb.id(), mb.name(), ChangeKind.FLAGS_CHANGED, modseq, mb.uidnext(),
                    mb.messages());
        }
        return out.setHighestModseq(highest).build();
    }

    // ---- copy / move ----

    @Transactional
    public CopyResponse copy(CopyRequest req, boolean move) {
        UidSets.validate(req.getUids());
        MailboxRef src = req.getSource();
        String destName = MailboxName.normalize(req.getDestination());
        long accountId = src.getAccountId();
        // Lock both mailboxes in id order, so that two opposite moves cannot deadlock.
        MailboxStore.Row s0 = mailboxes.find(src, false);
        MailboxStore.Row d0 = mailboxes.find(accountId, destName, false, 0);
        MailboxStore.Row s;
        MailboxStore.Row d;
        if (s0.id() == d0.id()) {
            if (move) {
                throw StoreException.invalid("cannot move messages into the mailbox they are in");
            }
            s = d = mailboxes.find(accountId, destName, true, 0);
        } else if (s0.id() < d0.id()) {
            s = mailboxes.find(src, true);
            d = mailboxes.find(accountId, destName, true, 0);
        } else {
            d = mailboxes.find(accountId, destName, true, 0);
            s = mailboxes.find(src, true);
        }
        List<Object> p = new ArrayList<>();
        p.add(s.id());
        String pred = UidSets.predicate("uid", req.getUids(), p);
        record Src(long uid, long size, int flags) {
        }
        List<Src> rows = db.list("SELECT uid, size, system_flags FROM message WHERE mailbox_id = ? AND " + pred
                + " ORDER BY uid", rs -> new Src(rs.getLong(1), rs.getLong(2), rs.getInt(3)), Db.args(p));
        CopyResponse.Builder out = CopyResponse.newBuilder().setDestinationUidvalidity((int) d.uidvalidity())
                .setSourceHighestModseq(s.highestModseq());
        if (rows.isEmpty()) {
            return out.build();
        }
        long bytes = rows.stream().mapToLong(Src::size).sum();
        int unseen = (int) rows.stream().filter(r -> (r.flags() & Flags.SEEN) == 0).count();
        Quotas.Usage u = quotas.lock(accountId);
        if (!move) {
            quotas.check(u, bytes, rows.size());
        }
        long firstUid = d.uidnext();
        long modseq = d.highestModseq() + 1;
        List<Object> ip = new ArrayList<>();
        ip.add(d.id());
        ip.add(firstUid - 1);
        ip.add(modseq);
        ip.add(s.id());
        String ipred = UidSets.predicate("uid", req.getUids(), ip);
        db.update("INSERT INTO message (mailbox_id, uid, blob_hash, system_flags, keywords, modseq, size, internal_date, "
                + "email_id) SELECT ?, ? + row_number() OVER (ORDER BY uid), blob_hash, system_flags, keywords, ?, size, "
                + "internal_date, email_id FROM message WHERE mailbox_id = ? AND " + ipred, Db.args(ip));
        long nextUid = firstUid + rows.size();
        db.update("UPDATE mailbox SET uidnext = ?, highest_modseq = ?, messages = messages + ?, unseen = unseen + ?, "
                + "size = size + ? WHERE id = ?", nextUid, modseq, rows.size(), unseen, bytes, d.id());
        for (int i = 0; i < rows.size(); i++) {
            out.addMappings(UidMapping.newBuilder().setSourceUid((int) rows.get(i).uid())
                    .setDestinationUid((int) (firstUid + i)));
        }
        changes.publish(accountId, d.id(), d.name(), ChangeKind.MESSAGES_ADDED, modseq, nextUid,
                d.messages() + rows.size());
        quotas.charge(accountId, bytes, rows.size());
        if (move) {
            // The expunge releases what the copy charged: a move leaves the usage as it was.
            List<Object> ep = new ArrayList<>();
            String epred = UidSets.predicate("uid", req.getUids(), ep);
            ExpungeResponse e = expungeWhere(s, epred, ep, false);
            out.setSourceHighestModseq(e.getHighestModseq());
        }
        return out.build();
    }

    // ---- expunge ----

    @Transactional
    public ExpungeResponse expunge(ExpungeRequest req) {
        MailboxStore.Row mb = mailboxes.find(req.getMailbox(), true);
        List<Object> p = new ArrayList<>();
        String pred = req.hasUids() ? UidSets.predicate("uid", req.getUids(), p) : "TRUE";
        return expungeWhere(mb, pred, p, true);
    }

    /**
     * Deletes the matching messages of a locked mailbox (only \Deleted ones when requireDeleted), records them as
     * expunged with one new modseq, and releases their quota. Blobs are left to the collector.
     */
    ExpungeResponse expungeWhere(MailboxStore.Row mb, String predicate, List<Object> predParams,
            boolean requireDeleted) {
        List<Object> p = new ArrayList<>();
        p.add(mb.id());
        p.addAll(predParams);
        record Gone(long uid, long size, int flags, String hash) {
        }
        List<Gone> gone = db.list("DELETE FROM message WHERE mailbox_id = ? AND " + predicate
                + (requireDeleted ? " AND system_flags & 8 <> 0" : "")
                + " RETURNING uid, size, system_flags, blob_hash",
                rs -> new Gone(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4)), Db.args(p));
        ExpungeResponse.Builder out = ExpungeResponse.newBuilder().setHighestModseq(mb.highestModseq());
        if (gone.isEmpty()) {
            return out.build();
        }
        long modseq = mb.highestModseq() + 1;
        gone.sort((a, b) -> Long.compare(a.uid(), b.uid()));
        Long[] uids = gone.stream().map(Gone::uid).toArray(Long[]::new);
        db.update("INSERT INTO expunged (mailbox_id, uid, modseq) SELECT ?, u, ? FROM unnest(?::bigint[]) u "
                + "ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = EXCLUDED.modseq", mb.id(), modseq, uids);
        String[] hashes = gone.stream().map(Gone::hash).distinct().toArray(String[]::new);
        db.update("UPDATE blob SET last_used = now() WHERE hash = ANY(?)", (Object) hashes);
        long bytes = gone.stream().mapToLong(Gone::size).sum();
        int unseen = (int) gone.stream().filter(g -> (g.flags() & Flags.SEEN) == 0).count();
        db.update("UPDATE mailbox SET highest_modseq = ?, messages = messages - ?, unseen = unseen - ?, size = size - ? "
                + "WHERE id = ?", modseq, gone.size(), unseen, bytes, mb.id());
        quotas.lock(mb.accountId());
        quotas.charge(mb.accountId(), -bytes, -gone.size());
        changes.publish(mb.accountId(), mb.id(), mb.name(), ChangeKind.MESSAGES_EXPUNGED, modseq, mb.uidnext(),
                mb.messages() - gone.size());
        for (Long u : uids) {
            out.addExpungedUids(u.intValue());
        }
        return out.setHighestModseq(modseq).build();
    }

    // ---- changes ----

    public List<MessageState> changedPage(long mailboxId, long sinceModseq, long afterUid, int limit) {
        return db.list("SELECT uid, system_flags, " + KEYWORDS + ", modseq FROM message WHERE mailbox_id = ? AND modseq > ? "
                + "AND uid > ? ORDER BY uid LIMIT ?", MessageStore::state, mailboxId, sinceModseq, afterUid, limit);
    }

    public List<Long> vanishedPage(long mailboxId, long sinceModseq, long afterUid, int limit) {
        return db.list("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? AND uid > ? ORDER BY uid LIMIT ?",
                rs -> rs.getLong(1), mailboxId, sinceModseq, afterUid, limit);
    }

    @Transactional
    public void requireAccount(long accountId) {
        mailboxes.requireAccount(accountId);
    }

    @Transactional
    public MailboxStore.Row mailbox(MailboxRef ref) {
        return mailboxes.find(ref, false);
    }

    // ---- search ----

    public record SearchResult(long[] uids, long highestModseq) {
    }

    /** UIDs matching the criteria, ascending (a packed array: 400 KB for a 100k-message mailbox). */
    @Transactional
    public SearchResult search(MailboxRef ref, dev.mailplatform.store.v1.SearchKey criteria) {
        MailboxStore.Row mb = mailboxes.find(ref, false);
        SearchQuery q = new SearchQuery();
        String where = q.translate(criteria, 0);
        List<Object> p = new ArrayList<>();
        p.add(mb.id());
        p.addAll(q.params);
        String sql = "SELECT m.uid, m.modseq FROM message m" + (q.needsBlob ? " JOIN blob b ON b.hash = m.blob_hash" : "")
                + " WHERE m.mailbox_id = ? AND (" + where + ") ORDER BY m.uid";
        long[][] acc = {new long[1024]};
        int[] n = {0};
        long[] maxModseq = {0};
        db.list(sql, rs -> {
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
