package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.LoginCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** LOGIN user password; refused before TLS on non-loopback connections (LOGINDISABLED). */
public final class LoginHandler implements CommandHandler<LoginCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, LoginCommand command) {
        return Authenticator.login(session, command.user(), command.password());
    }
}
