package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.UnselectCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** UNSELECT (RFC 3691): leave the mailbox without expunging. */
public final class UnselectHandler implements CommandHandler<UnselectCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, UnselectCommand command) {
        session.select(null);
        return Uni.createFrom().item(Reply.ok("UNSELECT completed"));
    }
}
