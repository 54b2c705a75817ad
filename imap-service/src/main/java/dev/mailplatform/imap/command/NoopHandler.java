package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.NoopCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** NOOP: nothing itself; the session shows pending mailbox changes before the reply (that is what clients poll for). */
public final class NoopHandler implements CommandHandler<NoopCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, NoopCommand command) {
        if (session.selected() != null) {
            // A poll always asks the store: a missed Watch event must not hide changes forever.
            session.selected().markDirty();
        }
        return Uni.createFrom().item(Reply.ok("NOOP completed"));
    }
}
