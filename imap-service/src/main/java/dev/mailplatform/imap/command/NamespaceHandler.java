package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.NamespaceCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/** NAMESPACE (RFC 2342): one personal namespace with "/" as delimiter; no shared or other users' namespaces. */
public final class NamespaceHandler implements CommandHandler<NamespaceCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, NamespaceCommand command) {
        session.send(new ResponseWriter().untagged().raw("NAMESPACE ((\"\" \"/\")) NIL NIL").crlf());
        return Uni.createFrom().item(Reply.ok("NAMESPACE completed"));
    }
}
