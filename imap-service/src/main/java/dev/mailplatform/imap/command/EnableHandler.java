package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.EnableCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/**
 * ENABLE (RFC 5161): CONDSTORE (RFC 7162) is the one extension here that can be enabled; RFC 5161 §3 says other
 * names are ignored.
 */
public final class EnableHandler implements CommandHandler<EnableCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, EnableCommand command) {
        // Listed whenever asked, even if an enabling command (RFC 7162 §3.1) had already turned it on.
        boolean condstore = command.capabilities().contains("CONDSTORE");
        ResponseWriter w = new ResponseWriter().untagged().atom("ENABLED");
        if (condstore) {
            w.sp().atom("CONDSTORE");
        }
        session.send(w.crlf());
        if (condstore) {
            session.mailbox().enableCondstore(); // after ENABLED: its HIGHESTMODSEQ, if a mailbox is selected
        }
        return Uni.createFrom().item(Reply.ok("ENABLE completed"));
    }
}
