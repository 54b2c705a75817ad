package dev.mailplatform.imap.session;

import dev.mailplatform.imap.protocol.CommandSyntax;
import dev.mailplatform.imap.protocol.command.Command;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Set;

/**
 * The commands this server has, as the session needs them: for each name the states it is allowed in, whether the
 * changes shown after it may include EXPUNGE, the capability it brings, and how it runs. The registry
 * ({@code imap.registry.ImapCommands}) is the one place they are listed; the session knows them only through this.
 */
public interface Commands {

    /**
     * One command. {@code mayExpunge}: false for FETCH, STORE, SEARCH and COPY by sequence number, after which no
     * EXPUNGE may be sent (RFC 3501 §7.4.1: the client's sequence numbers must stay valid). Exactly one of
     * {@code handler} (an ordinary command) and {@code streaming} (one that streams its message literal, APPEND's
     * kind) is set. {@code capability} is what it adds to CAPABILITY (empty: nothing).
     */
    record Entry(String name, Set<SessionState> states, boolean mayExpunge, String capability, CommandHandler<?> handler,
            StreamingHandler streaming) {

        @SuppressWarnings("unchecked")
        Uni<Reply> handle(ImapSession session, Command command) {
            return ((CommandHandler<Command>) handler).handle(session, command);
        }
    }

    /** The command named so (upper-case, {@code "UID FETCH"} for UID forms), or null. */
    Entry entry(String name);

    /** What the parser needs of the same table. */
    CommandSyntax syntax();

    /** The capabilities the commands bring, in the table's order, each once. */
    List<String> capabilities();
}
