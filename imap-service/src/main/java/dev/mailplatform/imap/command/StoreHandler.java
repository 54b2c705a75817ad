package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.MailboxUpdates;
import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.SequenceSet;
import dev.mailplatform.imap.protocol.StoreMode;
import dev.mailplatform.imap.protocol.command.StoreCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.FlagNames;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.MessageState;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.store.v1.UidSet;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * STORE and UID STORE: +FLAGS, -FLAGS, FLAGS, each with .SILENT, and RFC 7162's UNCHANGEDSINCE: messages changed
 * since the client's mod-sequence are left alone and named in {@code OK [MODIFIED set]}. The new flags come back
 * from the store.
 */
public final class StoreHandler implements CommandHandler<StoreCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, StoreCommand command) {
        SelectedMailbox s = session.selected();
        boolean conditional = command.unchangedSince() != StoreCommand.UNCONDITIONAL;
        if (conditional) {
            session.mailbox().enableCondstore(); // a CONDSTORE enabling command (RFC 7162 §3.1)
        }
        if (s.readOnly()) {
            return Uni.createFrom().item(Reply.no("READ-ONLY", "The mailbox is selected read-only"));
        }
        UidSet uids = MessageSets.resolve(s, command.set(), command.uid());
        if (uids.getRangesCount() == 0) {
            return Uni.createFrom().item(Reply.ok("STORE completed"));
        }
        if (command.unchangedSince() == 0) {
            // Every message has a mod-sequence above 0, so each fails (RFC 7162 §3.1.3); the store reads 0 as "no
            // condition", so it is not asked.
            int[] seqs = s.seqsIn(uids);
            long[] named = new long[seqs.length];
            for (int i = 0; i < seqs.length; i++) {
                named[i] = command.uid() ? Integer.toUnsignedLong(s.uidAt(seqs[i])) : seqs[i];
            }
            return Uni.createFrom().item(modified(named));
        }
        FlagsMode mode = switch (command.mode()) {
            case ADD -> FlagsMode.FLAGS_ADD;
            case REMOVE -> FlagsMode.FLAGS_REMOVE;
            case REPLACE -> FlagsMode.FLAGS_REPLACE;
        };
        StoreFlagsRequest.Builder request = StoreFlagsRequest.newBuilder().setMailbox(s.ref()).setUids(uids)
                .setMode(mode).setFlags(FlagNames.toStore(command.flags()));
        if (conditional) {
            request.setUnchangedSince(command.unchangedSince());
        }
        return Chunks.merged(session.services().store().messages().storeFlags(request.build()),
                StoreFlagsResponse.getDefaultInstance()).emitOn(session.executor())
                .map(r -> {
                    ResponseWriter w = new ResponseWriter();
                    if (command.mode() != StoreMode.REMOVE) {
                        session.mailbox().announceKeywords(w, command.flags());
                    }
                    boolean condstore = session.mailbox().condstore();
                    // In sequence order, as a client reading them expects (the store returns them as updated).
                    List<MessageState> updated = new ArrayList<>(r.getUpdatedList());
                    updated.sort((x, y) -> Integer.compareUnsigned(x.getUid(), y.getUid()));
                    for (MessageState m : updated) {
                        int seq = s.seqOf(m.getUid());
                        if (seq == 0) {
                            continue;
                        }
                        s.reported(m.getUid(), m.getModseq());
                        if (!command.silent() || condstore) {
                            MailboxUpdates.flagsStored(w, seq, command.silent() ? null
                                    : FlagNames.toImap(m.getSystemFlags(), m.getKeywordsList(),
                                            s.isRecent(m.getUid())), command.uid(),
                                    m.getUid(), session.mailbox().shownModseq(m.getModseq()));
                        }
                    }
                    if (w.size() > 0) {
                        session.send(w);
                    }
                    // The FETCHes above are the whole change: no GetChanges when nothing else happened before it.
                    session.mailbox().ownChange(s, r.hasPreviousHighestModseq(), r.getPreviousHighestModseq(),
                            r.getHighestModseq());
                    List<Long> failed = new ArrayList<>();
                    for (int uid : r.getFailedUidsList()) {
                        int seq = s.seqOf(uid);
                        if (seq > 0) {
                            failed.add(command.uid() ? Integer.toUnsignedLong(uid) : seq);
                        }
                    }
                    if (failed.isEmpty()) {
                        return Reply.ok("STORE completed");
                    }
                    return modified(failed.stream().mapToLong(Long::longValue).toArray());
                });
    }

    private static Reply modified(long[] numbers) {
        if (numbers.length == 0) {
            return Reply.ok("STORE completed");
        }
        return Reply.ok("MODIFIED " + SequenceSet.of(numbers), "Conditional STORE failed for some messages");
    }
}
