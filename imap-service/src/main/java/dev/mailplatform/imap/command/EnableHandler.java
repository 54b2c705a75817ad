package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.EnableCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/**
 * ENABLE (RFC 5161). No extension this server implements needs enabling yet (CONDSTORE, QRESYNC and UTF8=ACCEPT
 * are not offered), so the ENABLED list is always empty: RFC 5161 §3 says unknown names are ignored.
 */
public final class EnableHandler implements CommandHandler<EnableCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, EnableCommand command) {
        session.send(new ResponseWriter().untagged().atom("ENABLED").crlf());
        return Uni.createFrom().item(Reply.ok("ENABLE completed"));
    }
}
