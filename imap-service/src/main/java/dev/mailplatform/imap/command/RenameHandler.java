package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.RenameCommand;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.RenameMailboxRequest;
import io.smallrye.mutiny.Uni;

/** RENAME, with children; renaming INBOX moves its messages to the new name (RFC 3501 §6.3.5), done by the store. */
public final class RenameHandler implements CommandHandler<RenameCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, RenameCommand command) {
        String from = MailboxNames.normalize(command.from());
        String to = MailboxNames.valid(command.to());
        return session.services().store().mailboxes().renameMailbox(RenameMailboxRequest.newBuilder()
                .setAccountId(session.accountId()).setFrom(from).setTo(to).build())
                .map(m -> Reply.ok("RENAME completed"));
    }
}
