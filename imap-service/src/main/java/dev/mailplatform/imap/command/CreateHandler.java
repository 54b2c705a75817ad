package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.CreateCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.CreateMailboxRequest;
import io.smallrye.mutiny.Uni;

/** CREATE: missing parents are created too (RFC 3501 §6.3.3). */
public final class CreateHandler implements CommandHandler<CreateCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, CreateCommand command) {
        String name = MailboxNames.valid(command.mailbox());
        if (name.equals("INBOX")) {
            return Uni.createFrom().item(Reply.no("ALREADYEXISTS", "INBOX always exists"));
        }
        return session.services().store().mailboxes().createMailbox(CreateMailboxRequest.newBuilder()
                .setAccountId(session.accountId()).setName(name).build())
                .map(m -> Reply.ok("CREATE completed"));
    }
}
