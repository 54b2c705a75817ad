package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.MailboxUpdates;
import dev.mailplatform.imap.protocol.ResponseWriter;
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

/** STORE and UID STORE: +FLAGS, -FLAGS, FLAGS, each with .SILENT. The new flags come back from the store. */
public final class StoreHandler implements CommandHandler<StoreCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, StoreCommand command) {
        SelectedMailbox s = session.selected();
        if (s.readOnly()) {
            return Uni.createFrom().item(Reply.no("READ-ONLY", "The mailbox is selected read-only"));
        }
        UidSet uids = MessageSets.resolve(s, command.set(), command.uid());
        if (uids.getRangesCount() == 0) {
            return Uni.createFrom().item(Reply.ok("STORE completed"));
        }
        FlagsMode mode = switch (command.mode()) {
            case ADD -> FlagsMode.FLAGS_ADD;
            case REMOVE -> FlagsMode.FLAGS_REMOVE;
            case REPLACE -> FlagsMode.FLAGS_REPLACE;
        };
        StoreFlagsRequest request = StoreFlagsRequest.newBuilder().setMailbox(s.ref()).setUids(uids).setMode(mode)
                .setFlags(FlagNames.toStore(command.flags())).build();
        return Chunks.merged(session.services().store().messages().storeFlags(request),
                StoreFlagsResponse.getDefaultInstance()).emitOn(session.executor())
                .map(r -> {
                    ResponseWriter w = new ResponseWriter();
                    for (MessageState m : r.getUpdatedList()) {
                        int seq = s.seqOf(m.getUid());
                        if (seq == 0) {
                            continue;
                        }
                        s.reported(m.getUid(), m.getModseq());
                        if (!command.silent()) {
                            MailboxUpdates.flagsStored(w, seq, FlagNames.toImap(m.getSystemFlags(),
                                    m.getKeywordsList()), command.uid(), m.getUid());
                        }
                    }
                    if (w.size() > 0) {
                        session.send(w);
                    }
                    return Reply.ok("STORE completed");
                });
    }
}
