package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.DeleteCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.DeleteMailboxRequest;
import io.smallrye.mutiny.Uni;

/** DELETE: INBOX cannot go; a mailbox with children is refused by the store. */
public final class DeleteHandler implements CommandHandler<DeleteCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, DeleteCommand command) {
        String name = MailboxNames.normalize(command.mailbox());
        if (name.equals("INBOX")) {
            return Uni.createFrom().item(Reply.no("CANNOT", "INBOX cannot be deleted"));
        }
        return session.services().store().mailboxes().deleteMailbox(DeleteMailboxRequest.newBuilder()
                .setAccountId(session.accountId()).setName(name).build())
                .emitOn(session.executor())
                .map(e -> {
                    if (session.selected() != null && session.selected().name().equals(name)) {
                        session.select(null);
                    }
                    return Reply.ok("DELETE completed");
                });
    }
}
