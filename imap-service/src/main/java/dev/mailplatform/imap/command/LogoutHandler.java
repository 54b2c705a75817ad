package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.LogoutCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** LOGOUT: BYE, the tagged OK, then the connection closes. */
public final class LogoutHandler implements CommandHandler<LogoutCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, LogoutCommand command) {
        session.logout();
        session.send(new ResponseWriter().statusResponse("*", "BYE", null, "Logging out"));
        return Uni.createFrom().item(Reply.ok("LOGOUT completed").then(session::close));
    }
}
