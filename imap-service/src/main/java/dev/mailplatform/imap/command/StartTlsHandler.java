package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.StartTlsCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** STARTTLS (RFC 3501 §6.2.1): the OK in plaintext, then the handshake; anything pipelined after it is dropped. */
public final class StartTlsHandler implements CommandHandler<StartTlsCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, StartTlsCommand command) {
        if (session.tlsActive()) {
            return Uni.createFrom().item(Reply.bad("TLS is already active"));
        }
        if (!session.startTlsAvailable()) {
            return Uni.createFrom().item(Reply.no(null, "TLS is not configured on this server"));
        }
        return Uni.createFrom().item(Reply.ok("Begin TLS negotiation now").then(session::upgradeToTls));
    }
}
