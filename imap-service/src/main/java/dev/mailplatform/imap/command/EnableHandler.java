package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.EnableCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/**
 * ENABLE (RFC 5161): CONDSTORE and QRESYNC (RFC 7162) are the extensions here that can be enabled; RFC 5161 §3 says
 * other names are ignored. Each is listed in ENABLED whenever asked, even if already on (CONDSTORE also by any
 * enabling command, RFC 7162 §3.1).
 */
public final class EnableHandler implements CommandHandler<EnableCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, EnableCommand command) {
        boolean condstore = command.capabilities().contains("CONDSTORE");
        boolean qresync = command.capabilities().contains("QRESYNC");
        ResponseWriter w = new ResponseWriter().untagged().atom("ENABLED");
        if (condstore) {
            w.sp().atom("CONDSTORE");
        }
        if (qresync) {
            w.sp().atom("QRESYNC");
        }
        session.send(w.crlf());
        // After ENABLED: the selected mailbox's HIGHESTMODSEQ, the first time CONDSTORE comes on.
        if (qresync) {
            session.mailbox().enableQresync();
        } else if (condstore) {
            session.mailbox().enableCondstore();
        }
        return Uni.createFrom().item(Reply.ok("ENABLE completed"));
    }
}
