package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.CheckCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** CHECK: every store change is committed before its reply, so there is nothing to flush; behaves as NOOP. */
public final class CheckHandler implements CommandHandler<CheckCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, CheckCommand command) {
        session.selected().markDirty();
        return Uni.createFrom().item(Reply.ok("CHECK completed"));
    }
}
