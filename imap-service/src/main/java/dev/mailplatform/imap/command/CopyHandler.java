package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.CopyCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.imap.session.StoreReplies;
import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.UidSet;
import io.smallrye.mutiny.Uni;

/** COPY and UID COPY with COPYUID (RFC 4315). The store copies rows, never bytes; quota is charged there. */
public final class CopyHandler implements CommandHandler<CopyCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, CopyCommand command) {
        SelectedMailbox s = session.selected();
        UidSet uids = MessageSets.resolve(s, command.set(), command.uid());
        if (uids.getRangesCount() == 0) {
            return Uni.createFrom().item(Reply.ok("COPY completed"));
        }
        CopyRequest request = CopyRequest.newBuilder().setSource(s.ref()).setUids(uids)
                .setDestination(MailboxNames.normalize(command.mailbox())).build();
        return Chunks.merged(session.services().store().messages().copy(request), CopyResponse.getDefaultInstance())
                .map(r -> r.getMappingsCount() == 0 ? Reply.ok("COPY completed")
                        : Reply.ok(MessageSets.copyUid(r.getDestinationUidvalidity(), r.getMappingsList()),
                                "COPY completed"))
                .onFailure().recoverWithItem(t -> tryCreate(StoreReplies.of(t, "COPY")));
    }

    /** A missing destination is TRYCREATE (RFC 3501 §6.4.7), so clients offer to create it. */
    static Reply tryCreate(Reply r) {
        return "NONEXISTENT".equals(r.code()) ? Reply.no("TRYCREATE", "The destination mailbox does not exist") : r;
    }
}
