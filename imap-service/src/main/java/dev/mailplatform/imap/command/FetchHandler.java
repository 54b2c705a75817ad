package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.FetchAttribute;
import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.SectionSpec;
import dev.mailplatform.imap.protocol.command.FetchCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.FlagNames;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.MessageMetadata;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.MessageState;
import dev.mailplatform.store.v1.Section;
import dev.mailplatform.store.v1.SectionKind;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.store.v1.UidSet;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * FETCH and UID FETCH with every RFC 3501 item. Metadata (flags, dates, sizes, ENVELOPE, BODYSTRUCTURE) comes from
 * the store's index in batches; each body section is a separate ranged read streamed straight to the socket, so
 * neither a large message nor a large mailbox is ever held in memory. \Seen is set for the whole set in one call
 * before anything is fetched, so the FLAGS shown are already the new ones.
 */
public final class FetchHandler implements CommandHandler<FetchCommand> {

    /** What to write for one requested item. */
    sealed interface Item permits Meta, Content {
    }

    enum MetaKind {
        UID, FLAGS, INTERNALDATE, RFC822_SIZE, ENVELOPE, BODY, BODYSTRUCTURE, MODSEQ
    }

    record Meta(MetaKind kind) implements Item {
    }

    /**
     * A section read: the response item name, the store's section, and the byte range (length -1: no range).
     * {@code fromMetadata}: the top-level HEADER.FIELDS the store keeps in its index, delivered with the metadata
     * instead of a blob read — what clients ask of every message when they list a mailbox.
     */
    record Content(String name, Section section, long offset, long length, boolean fromMetadata) implements Item {
        Content(String name, Section section, long offset, long length) {
            this(name, section, offset, length, false);
        }
    }

    /** The items of one FETCH, in the order asked, and which store data they need. */
    record Plan(List<Item> items, boolean flags, boolean internalDate, boolean size, boolean envelope,
            boolean bodyStructure, boolean setsSeen, Section indexedHeaderFields, boolean modseq) {
    }

    @Override
    public Uni<Reply> handle(ImapSession session, FetchCommand command) {
        if (command.vanished()) {
            if (!session.mailbox().qresync()) {
                return Uni.createFrom().item(Reply.bad("VANISHED requires ENABLE QRESYNC")); // RFC 7162 §3.2.6
            }
            return vanishedEarlier(session, command).chain(() -> fetch(session, command));
        }
        return fetch(session, command);
    }

    /**
     * UID FETCH (CHANGEDSINCE n VANISHED): first {@code * VANISHED (EARLIER)} with the UIDs of the set expunged since
     * n (RFC 7162 §3.2.6). Those still in the view were expunged after its last sync: the sync tells them, live.
     */
    private static Uni<Void> vanishedEarlier(ImapSession session, FetchCommand command) {
        SelectedMailbox s = session.selected();
        long largest = Integer.toUnsignedLong(s.lastUid());
        LongPredicate named = command.set().saved() ? s::savedContains
                : u -> command.set().contains(u, largest);
        return session.mailbox().changesSince(s, command.changedSince(), false)
                .invoke(changes -> {
                    ResponseWriter w = new ResponseWriter();
                    session.mailbox().vanishedEarlier(w, changes, named);
                    if (w.size() > 0) {
                        session.send(w);
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Reply> fetch(ImapSession session, FetchCommand command) {
        SelectedMailbox s = session.selected();
        UidSet uids = MessageSets.resolve(s, command.set(), command.uid());
        if (uids.getRangesCount() == 0) {
            return Uni.createFrom().item(Reply.ok("FETCH completed"));
        }
        boolean changedSince = command.changedSince() > 0;
        if (changedSince || command.attributes().stream().anyMatch(a -> a instanceof FetchAttribute.Modseq)) {
            session.mailbox().enableCondstore(); // a CONDSTORE enabling command (RFC 7162 §3.1)
        }
        // Once CONDSTORE is on, a FETCH that sets \Seen shows UID and MODSEQ with the new flags (RFC 7162 §3.1.4);
        // CHANGEDSINCE implies MODSEQ (§3.1.4.1).
        boolean seenWithModseq = session.mailbox().condstore() && !s.readOnly()
                && command.attributes().stream().anyMatch(FetchAttribute::setsSeen);
        Plan plan = plan(command.attributes(), command.uid() || seenWithModseq, changedSince || seenWithModseq);
        if (plan.items().isEmpty()) {
            // FETCH n (): nothing asked, nothing to say (a FETCH response with no item is not valid IMAP).
            return Uni.createFrom().item(Reply.ok("FETCH completed"));
        }
        Uni<Map<Integer, MessageState>> seen;
        if (plan.setsSeen() && !s.readOnly()) {
            seen = Chunks.merged(session.services().store().messages().storeFlags(StoreFlagsRequest.newBuilder()
                    .setMailbox(s.ref()).setUids(uids).setMode(FlagsMode.FLAGS_ADD)
                    .setFlags(Flags.newBuilder().setSystem(FlagNames.SEEN)).build()),
                    StoreFlagsResponse.getDefaultInstance())
                    .map(r -> {
                        Map<Integer, MessageState> changed = new HashMap<>();
                        r.getUpdatedList().forEach(m -> changed.put(m.getUid(), m));
                        return changed;
                    });
        } else {
            seen = Uni.createFrom().item(Map.of());
        }
        return seen.emitOn(session.executor()).chain(changed -> {
            for (MessageState m : changed.values()) {
                s.reported(m.getUid(), m.getModseq());
            }
            FetchMetadataRequest.Builder request = FetchMetadataRequest.newBuilder().setMailbox(s.ref()).setUids(uids)
                    .setFlags(plan.flags() || !changed.isEmpty()).setInternalDate(plan.internalDate())
                    .setSize(plan.size()).setEnvelope(plan.envelope()).setBodyStructure(plan.bodyStructure())
                    .setModseq(plan.modseq()).setChangedSince(command.changedSince());
            if (plan.indexedHeaderFields() != null) {
                request.addAllHeaderFields(plan.indexedHeaderFields().getFieldsList())
                        .setHeaderFieldsNot(plan.indexedHeaderFields().getKind()
                                == SectionKind.SECTION_HEADER_FIELDS_NOT);
            }
            // By sequence number every message named is one the client knows: if some were expunged by another
            // session meanwhile (not yet announced), say so (RFC 2180 §4.1.2; RFC 5530 EXPUNGEISSUE).
            // CHANGEDSINCE leaves out the unchanged messages, so there the count proves nothing.
            int expected = command.uid() || changedSince ? -1 : s.countIn(uids);
            List<MessageMetadata> known = !changedSince && changed.isEmpty() ? fromView(s, uids, plan) : null;
            return new FetchRun(session, s, plan, changed, request.build(), expected, known).run();
        });
    }

    /** Content-only FETCHes of at most this many messages take their UIDs from the view. */
    static final int FROM_VIEW_MAX = 64;

    /**
     * The messages of a FETCH that asks only for content (sections, RFC822*) and perhaps UID, of a few messages:
     * their UIDs are the view's, so FetchMetadata would only confirm them, at the price of a store call before the
     * content's. The store's FetchContent says when a message has gone meanwhile ({@link FetchRun}). Null otherwise.
     */
    static List<MessageMetadata> fromView(SelectedMailbox s, UidSet uids, Plan plan) {
        boolean content = false;
        for (Item i : plan.items()) {
            if (i instanceof Meta m ? m.kind() != MetaKind.UID : ((Content) i).fromMetadata()) {
                return null;
            }
            content |= i instanceof Content;
        }
        if (!content || s.countIn(uids) > FROM_VIEW_MAX) {
            return null;
        }
        List<MessageMetadata> known = new ArrayList<>();
        for (int seq : s.seqsIn(uids)) {
            known.add(MessageMetadata.newBuilder().setUid(s.uidAt(seq)).build());
        }
        return known;
    }

    /**
     * @param withUid    UID is shown even if not asked (UID FETCH, RFC 3501 §6.4.8; CONDSTORE's \Seen updates)
     * @param withModseq MODSEQ is shown even if not asked (CHANGEDSINCE; CONDSTORE's \Seen updates)
     */
    static Plan plan(List<FetchAttribute> attributes, boolean withUid, boolean withModseq) {
        List<Item> items = new ArrayList<>();
        boolean flags = false;
        boolean date = false;
        boolean size = false;
        boolean envelope = false;
        boolean structure = false;
        boolean setsSeen = false;
        boolean uid = false;
        boolean modseq = false;
        Section indexed = null;
        for (FetchAttribute a : attributes) {
            if (a instanceof FetchAttribute.Uid) {
                uid = true;
            } else if (a instanceof FetchAttribute.Modseq) {
                modseq = true;
            }
        }
        if (withUid && !uid) {
            items.add(new Meta(MetaKind.UID)); // RFC 3501 §6.4.8: UID FETCH always returns the UID
        }
        if (withModseq && !modseq) {
            items.add(new Meta(MetaKind.MODSEQ));
            modseq = true;
        }
        // What each attribute is called in the response and whether it sets \Seen is the attribute's own
        // declaration; here only which store data it needs.
        for (FetchAttribute a : attributes) {
            setsSeen |= a.setsSeen();
            if (a instanceof FetchAttribute.Uid) {
                items.add(new Meta(MetaKind.UID));
            } else if (a instanceof FetchAttribute.Modseq) {
                items.add(new Meta(MetaKind.MODSEQ));
            } else if (a instanceof FetchAttribute.Flags) {
                flags = true;
                items.add(new Meta(MetaKind.FLAGS));
            } else if (a instanceof FetchAttribute.InternalDate) {
                date = true;
                items.add(new Meta(MetaKind.INTERNALDATE));
            } else if (a instanceof FetchAttribute.Rfc822Size) {
                size = true;
                items.add(new Meta(MetaKind.RFC822_SIZE));
            } else if (a instanceof FetchAttribute.Envelope) {
                envelope = true;
                items.add(new Meta(MetaKind.ENVELOPE));
            } else if (a instanceof FetchAttribute.Body) {
                structure = true;
                items.add(new Meta(MetaKind.BODY));
            } else if (a instanceof FetchAttribute.BodyStructure) {
                structure = true;
                items.add(new Meta(MetaKind.BODYSTRUCTURE));
            } else if (a instanceof FetchAttribute.Rfc822) {
                items.add(new Content(a.responseName(), whole(SectionKind.SECTION_FULL), 0, -1));
            } else if (a instanceof FetchAttribute.Rfc822Header) {
                items.add(new Content(a.responseName(), whole(SectionKind.SECTION_HEADER), 0, -1));
            } else if (a instanceof FetchAttribute.Rfc822Text) {
                items.add(new Content(a.responseName(), whole(SectionKind.SECTION_TEXT), 0, -1));
            } else if (a instanceof FetchAttribute.BodySection b) {
                long offset = b.partialStart() == null ? 0 : b.partialStart();
                long length = b.partialStart() == null ? -1 : b.partialLength();
                Section section = section(b.section());
                boolean topHeaderFields = section.getPartCount() == 0
                        && (section.getKind() == SectionKind.SECTION_HEADER_FIELDS
                                || section.getKind() == SectionKind.SECTION_HEADER_FIELDS_NOT);
                // One field list per FetchMetadata call; a second, different one is read like any section.
                boolean fromMetadata = topHeaderFields && (indexed == null || indexed.equals(section));
                if (fromMetadata) {
                    indexed = section;
                }
                items.add(new Content(b.responseName(), section, offset, length, fromMetadata));
            }
        }
        return new Plan(items, flags, date, size, envelope, structure, setsSeen, indexed, modseq);
    }

    private static Section whole(SectionKind kind) {
        return Section.newBuilder().setKind(kind).build();
    }

    static Section section(SectionSpec spec) {
        Section.Builder b = Section.newBuilder();
        spec.part().forEach(b::addPart);
        SectionKind kind = switch (spec.kind()) {
            case FULL -> spec.part().isEmpty() ? SectionKind.SECTION_FULL : SectionKind.SECTION_PART;
            case HEADER -> SectionKind.SECTION_HEADER;
            case HEADER_FIELDS -> SectionKind.SECTION_HEADER_FIELDS;
            case HEADER_FIELDS_NOT -> SectionKind.SECTION_HEADER_FIELDS_NOT;
            case TEXT -> SectionKind.SECTION_TEXT;
            case MIME -> SectionKind.SECTION_MIME;
        };
        return b.setKind(kind).addAllFields(spec.fields()).build();
    }

    static void writeFlags(ResponseWriter w, int system, List<String> keywords, boolean recent) {
        w.atom("FLAGS").sp().flags(FlagNames.toImap(system, keywords, recent));
    }
}
