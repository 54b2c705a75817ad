package dev.mailplatform.imap.session;

import dev.mailplatform.imap.protocol.command.Command;
import io.smallrye.mutiny.Uni;

/**
 * Runs one parsed command. Untagged responses are written through the session as they are produced; the returned
 * reply becomes the tagged completion. A failed Uni is mapped to a reply once, in the session.
 */
public interface CommandHandler<C extends Command> {

    Uni<Reply> handle(ImapSession session, C command);
}
