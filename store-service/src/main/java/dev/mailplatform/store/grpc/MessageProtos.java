package dev.mailplatform.store.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.mailplatform.store.domain.Appended;
import dev.mailplatform.store.domain.Copied;
import dev.mailplatform.store.domain.Expunged;
import dev.mailplatform.store.domain.FlagsStored;
import dev.mailplatform.store.domain.MessageFlags;
import dev.mailplatform.store.domain.MessageInfo;
import dev.mailplatform.store.domain.SelectedMailbox;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.Envelope;
import dev.mailplatform.store.v1.ExpungeResponse;
import dev.mailplatform.store.v1.MessageMetadata;
import dev.mailplatform.store.v1.MessageState;
import dev.mailplatform.store.v1.SelectHeader;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.store.v1.UidMapping;
import java.util.ArrayList;
import java.util.List;

/** The message side's domain results as the wire carries them (UIDs are uint32 there). */
final class MessageProtos {

    private MessageProtos() {
    }

    static AppendResponse appended(Appended a) {
        return AppendResponse.newBuilder().setUidvalidity((int) a.uidvalidity()).setUid((int) a.uid())
                .setModseq(a.modseq()).setSize(a.size()).setEmailId(a.emailId())
                .setPreviousHighestModseq(a.previousModseq()).build();
    }

    static MessageState state(MessageFlags f) {
        return MessageState.newBuilder().setUid((int) f.uid()).setSystemFlags(f.systemFlags())
                .addAllKeywords(f.keywords()).setModseq(f.modseq()).build();
    }

    /** A page of states, mapped where it was read (on the worker). */
    static List<MessageState> states(List<MessageFlags> page) {
        List<MessageState> out = new ArrayList<>(page.size());
        for (MessageFlags f : page) {
            out.add(state(f));
        }
        return out;
    }

    static StoreFlagsResponse flagsStored(FlagsStored s) {
        StoreFlagsResponse.Builder b = StoreFlagsResponse.newBuilder().setHighestModseq(s.highestModseq())
                .setPreviousHighestModseq(s.previousModseq());
        s.failedUids().forEach(u -> b.addFailedUids(u.intValue()));
        s.updated().forEach(f -> b.addUpdated(state(f)));
        return b.build();
    }

    static ExpungeResponse expunged(Expunged e) {
        ExpungeResponse.Builder b = ExpungeResponse.newBuilder().setHighestModseq(e.highestModseq())
                .setPreviousHighestModseq(e.previousModseq());
        for (long uid : e.uids()) {
            b.addExpungedUids((int) uid);
        }
        return b.build();
    }

    static CopyResponse copied(Copied c) {
        CopyResponse.Builder b = CopyResponse.newBuilder().setDestinationUidvalidity((int) c.destinationUidvalidity())
                .setSourceHighestModseq(c.sourceHighestModseq())
                .setSourcePreviousHighestModseq(c.sourcePreviousModseq());
        long[] uids = c.sourceUids();
        for (int i = 0; i < uids.length; i++) {
            b.addMappings(UidMapping.newBuilder().setSourceUid((int) uids[i])
                    .setDestinationUid((int) (c.firstDestinationUid() + i)));
        }
        return b.build();
    }

    static SelectHeader selected(SelectedMailbox m, boolean complete) {
        return SelectHeader.newBuilder().setComplete(complete).setMailboxId(m.mailboxId()).setName(m.name()).setUidvalidity((int) m.uidvalidity())
                .setUidnext((int) m.uidnext()).setHighestModseq(m.highestModseq()).setMessages(m.messages())
                .setUnseen(m.unseen()).addAllKeywords(m.keywords()).setSpecialUse(m.specialUse())
                .setRecentFromUid((int) m.recentFromUid()).build();
    }

    /**
     * A page of FETCH items, mapped where it was read (on the worker). The envelope and body structure are stored
     * as the serialized protobuf messages the reply carries (see mime/MimeIndexer), and are parsed back here.
     */
    static List<MessageMetadata> metadata(List<MessageInfo> page) {
        List<MessageMetadata> out = new ArrayList<>(page.size());
        for (MessageInfo m : page) {
            out.add(metadata(m));
        }
        return out;
    }

    static MessageMetadata metadata(MessageInfo m) {
        MessageMetadata.Builder b = MessageMetadata.newBuilder().setUid((int) m.uid()).setSystemFlags(m.systemFlags())
                .addAllKeywords(m.keywords()).setModseq(m.modseq()).setSize(m.size());
        if (m.internalDate() != null) {
            b.setInternalDate(m.internalDate().toEpochMilli());
        }
        if (m.saveDate() != null) {
            b.setSaveDate(m.saveDate().toEpochMilli());
        }
        if (m.emailId() != null) {
            b.setEmailId(m.emailId());
        }
        try {
            if (m.envelope() != null) {
                b.setEnvelope(Envelope.parseFrom(m.envelope()));
            }
            if (m.bodyStructure() != null) {
                b.setBodyStructure(BodyPart.parseFrom(m.bodyStructure()));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt index row of UID " + m.uid(), e);
        }
        if (m.preview() != null) {
            b.setPreview(m.preview());
        }
        if (m.headerFields() != null) {
            b.setHeaderFields(ByteString.copyFrom(m.headerFields()));
        }
        return b.build();
    }
}
