package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.AppendSpec;
import dev.mailplatform.store.domain.ContentRequest;
import dev.mailplatform.store.domain.FlagsMode;
import dev.mailplatform.store.domain.MailboxRef;
import dev.mailplatform.store.domain.MetadataQuery;
import dev.mailplatform.store.domain.SectionSpec;
import dev.mailplatform.store.domain.UidSet;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.Section;
import dev.mailplatform.store.v1.UidRange;
import java.util.ArrayList;
import java.util.List;

/** The parts of requests the domain takes, as domain types (uint32 on the wire becomes an unsigned long). */
final class RequestProtos {

    private RequestProtos() {
    }

    static MailboxRef mailbox(dev.mailplatform.store.v1.MailboxRef ref) {
        return new MailboxRef(ref.getAccountId(), ref.getMailbox(), Integer.toUnsignedLong(ref.getExpectedUidvalidity()));
    }

    static UidSet uids(dev.mailplatform.store.v1.UidSet set) {
        List<UidSet.Range> ranges = new ArrayList<>(set.getRangesCount());
        for (UidRange r : set.getRangesList()) {
            ranges.add(new UidSet.Range(Integer.toUnsignedLong(r.getFirst()), Integer.toUnsignedLong(r.getLast())));
        }
        return new UidSet(ranges);
    }

    /** An unknown mode replaces, as the store always did. */
    static FlagsMode mode(dev.mailplatform.store.v1.FlagsMode mode) {
        return switch (mode) {
            case FLAGS_ADD -> FlagsMode.ADD;
            case FLAGS_REMOVE -> FlagsMode.REMOVE;
            default -> FlagsMode.REPLACE;
        };
    }

    static AppendSpec append(AppendHeader h) {
        return new AppendSpec(mailbox(h.getMailbox()), h.getFlags().getSystem(), h.getFlags().getKeywordsList(),
                h.getInternalDate(), h.getDeclaredSize());
    }

    static ContentRequest content(FetchContentRequest r) {
        return new ContentRequest(mailbox(r.getMailbox()), Integer.toUnsignedLong(r.getUid()), section(r.getSection()),
                r.getOffset(), r.getLength(), r.getSetSeen());
    }

    static SectionSpec section(Section s) {
        SectionSpec.Kind kind = switch (s.getKind()) {
            case SECTION_FULL -> SectionSpec.Kind.FULL;
            case SECTION_HEADER -> SectionSpec.Kind.HEADER;
            case SECTION_TEXT -> SectionSpec.Kind.TEXT;
            case SECTION_MIME -> SectionSpec.Kind.MIME;
            case SECTION_HEADER_FIELDS -> SectionSpec.Kind.HEADER_FIELDS;
            case SECTION_HEADER_FIELDS_NOT -> SectionSpec.Kind.HEADER_FIELDS_NOT;
            case SECTION_PART -> SectionSpec.Kind.PART;
            default -> SectionSpec.Kind.UNKNOWN;
        };
        return new SectionSpec(s.getPartList(), kind, s.getFieldsList());
    }

    static MetadataQuery metadata(FetchMetadataRequest r) {
        return new MetadataQuery(uids(r.getUids()), r.getFlags(), r.getInternalDate(), r.getSize(), r.getEnvelope(),
                r.getBodyStructure(), r.getModseq(), r.getSaveDate(), r.getEmailId(), r.getPreview(),
                r.getHeaderFieldsList(), r.getHeaderFieldsNot(), r.getChangedSince());
    }

    /** The UIDs of a FetchMessages call, unsigned, in the order asked. */
    static long[] uidList(List<Integer> uids) {
        long[] out = new long[uids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.toUnsignedLong(uids.get(i));
        }
        return out;
    }
}
