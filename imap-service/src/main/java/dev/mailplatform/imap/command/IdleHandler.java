package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.IdleCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapException;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import io.smallrye.mutiny.Uni;

/**
 * IDLE (RFC 2177): changes of the selected mailbox are written as the store's Watch stream reports them, until the
 * client sends DONE.
 */
public final class IdleHandler implements CommandHandler<IdleCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, IdleCommand command) {
        return Uni.createFrom().<Reply>emitter(emitter -> {
            session.send(new ResponseWriter().continuation("idling"));
            session.mailbox().idle(true);
            if (session.selected() != null) {
                // Whatever changed before IDLE began is shown right away.
                session.mailbox().sync().subscribe().with(v -> { }, t -> { });
            }
            session.commandLoop().readLine(line -> {
                session.mailbox().idle(false);
                if (line.equalsIgnoreCase("DONE")) {
                    emitter.complete(Reply.ok("IDLE terminated"));
                } else {
                    emitter.fail(ImapException.bad("Expected DONE to end IDLE"));
                }
            });
        });
    }
}
