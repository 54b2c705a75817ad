package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.RenameCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
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
                .emitOn(session.executor())
                .map(m -> {
                    // RENAME of the selected mailbox (or of a parent): it stays selected under its new name. Not for
                    // INBOX, whose messages move out while INBOX itself stays (RFC 3501 §6.3.5).
                    SelectedMailbox s = session.selected();
                    if (s != null && !from.equals("INBOX")) {
                        if (s.name().equals(from)) {
                            s.renamed(to);
                        } else if (s.name().startsWith(from + MailboxNames.DELIMITER)) {
                            s.renamed(to + s.name().substring(from.length()));
                        }
                    }
                    return Reply.ok("RENAME completed");
                });
    }
}
