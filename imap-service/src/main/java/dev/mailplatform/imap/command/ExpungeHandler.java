package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.ExpungeCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.ExpungeResponse;
import io.smallrye.mutiny.Uni;

/** EXPUNGE and UID EXPUNGE (RFC 4315): only messages with \Deleted, and for UID EXPUNGE only those in the set. */
public final class ExpungeHandler implements CommandHandler<ExpungeCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, ExpungeCommand command) {
        SelectedMailbox s = session.selected();
        if (s.readOnly()) {
            return Uni.createFrom().item(Reply.no("READ-ONLY", "The mailbox is selected read-only"));
        }
        ExpungeRequest.Builder request = ExpungeRequest.newBuilder().setMailbox(s.ref());
        if (command.uids() != null) {
            request.setUids(MessageSets.resolve(s, command.uids(), true));
            if (request.getUids().getRangesCount() == 0) {
                return Uni.createFrom().item(Reply.ok("EXPUNGE completed"));
            }
        }
        return Chunks.merged(session.services().store().messages().expunge(request.build()),
                ExpungeResponse.getDefaultInstance()).emitOn(session.executor())
                .map(r -> {
                    session.mailbox().expunged(r.getExpungedUidsList());
                    // The view moves to the expunge's modseq only when nothing else happened before it; else the
                    // sync before the tagged reply brings the rest, so the code below never runs ahead of the client.
                    session.mailbox().ownChange(s, r.hasPreviousHighestModseq(), r.getPreviousHighestModseq(),
                            r.getHighestModseq());
                    if (session.mailbox().qresync() && r.getHighestModseq() > 0) {
                        // Where the client's cache now stands (as Dovecot says it; RFC 7162 §3.2.10 VANISHED).
                        return Reply.ok("HIGHESTMODSEQ " + r.getHighestModseq(), "EXPUNGE completed");
                    }
                    return Reply.ok("EXPUNGE completed");
                });
    }
}
