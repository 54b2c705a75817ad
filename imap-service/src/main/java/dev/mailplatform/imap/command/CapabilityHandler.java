package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.CapabilityCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** CAPABILITY: what this connection can do now (it changes with TLS and authentication). */
public final class CapabilityHandler implements CommandHandler<CapabilityCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, CapabilityCommand command) {
        session.send(new ResponseWriter().untagged().raw("CAPABILITY " + session.capabilities()).crlf());
        return Uni.createFrom().item(Reply.ok("CAPABILITY completed"));
    }
}
