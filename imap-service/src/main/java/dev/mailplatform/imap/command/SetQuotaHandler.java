package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.SetQuotaCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** SETQUOTA: limits are the operator's (admin console), never the user's. */
public final class SetQuotaHandler implements CommandHandler<SetQuotaCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, SetQuotaCommand command) {
        return Uni.createFrom().item(Reply.no("NOPERM", "Quota limits are set by the administrator"));
    }
}
