package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.CloseCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.ExpungeResponse;
import io.smallrye.mutiny.Uni;

/** CLOSE: silently expunge \Deleted messages (unless read-only), then leave the mailbox. */
public final class CloseHandler implements CommandHandler<CloseCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, CloseCommand command) {
        SelectedMailbox s = session.selected();
        if (s.readOnly()) {
            session.select(null);
            return Uni.createFrom().item(Reply.ok("CLOSE completed"));
        }
        return Chunks.merged(session.services().store().messages()
                .expunge(ExpungeRequest.newBuilder().setMailbox(s.ref()).build()), ExpungeResponse.getDefaultInstance())
                .emitOn(session.executor())
                .map(r -> {
                    session.select(null);
                    return Reply.ok("CLOSE completed");
                });
    }
}
