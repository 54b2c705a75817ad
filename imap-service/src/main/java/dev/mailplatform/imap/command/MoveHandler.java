package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.MoveCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.imap.session.StoreReplies;
import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.UidMapping;
import dev.mailplatform.store.v1.UidSet;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/** MOVE and UID MOVE (RFC 6851): one store transaction; then COPYUID untagged, the EXPUNGEs, and OK. */
public final class MoveHandler implements CommandHandler<MoveCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, MoveCommand command) {
        SelectedMailbox s = session.selected();
        if (s.readOnly()) {
            return Uni.createFrom().item(Reply.no("READ-ONLY", "The mailbox is selected read-only"));
        }
        UidSet uids = MessageSets.resolve(s, command.set(), command.uid());
        if (uids.getRangesCount() == 0) {
            return Uni.createFrom().item(Reply.ok("MOVE completed"));
        }
        CopyRequest request = CopyRequest.newBuilder().setSource(s.ref()).setUids(uids)
                .setDestination(MailboxNames.normalize(command.mailbox())).build();
        return Chunks.merged(session.services().store().messages().move(request), CopyResponse.getDefaultInstance()).emitOn(session.executor())
                .map(r -> {
                    if (r.getMappingsCount() > 0) {
                        session.send(new ResponseWriter().statusResponse("*", "OK",
                                MessageSets.copyUid(r.getDestinationUidvalidity(), r.getMappingsList()), "Moved"));
                        List<Integer> moved = new ArrayList<>(r.getMappingsCount());
                        for (UidMapping m : r.getMappingsList()) {
                            moved.add(m.getSourceUid());
                        }
                        session.mailbox().expunged(moved);
                        if (request.getDestination().equals(s.name())) {
                            s.markDirty(); // the copies are new messages of this view: the sync brings them
                        } else {
                            session.mailbox().ownChange(s, r.hasSourcePreviousHighestModseq(),
                                    r.getSourcePreviousHighestModseq(), r.getSourceHighestModseq());
                        }
                    }
                    return Reply.ok("MOVE completed");
                })
                .onFailure().recoverWithItem(t -> CopyHandler.tryCreate(StoreReplies.of(t, "MOVE")));
    }
}
