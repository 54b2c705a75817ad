package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.IdCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** ID (RFC 2971): names this server; the client's own fields are only useful in logs, and are not logged here. */
public final class IdHandler implements CommandHandler<IdCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, IdCommand command) {
        ResponseWriter w = new ResponseWriter().untagged().atom("ID").sp().open();
        w.string("name").sp().string("mail-platform").sp().string("vendor").sp().string("mail-platform")
                .sp().string("version").sp().string("0.1.0").close().crlf();
        session.send(w);
        return Uni.createFrom().item(Reply.ok("ID completed"));
    }
}
