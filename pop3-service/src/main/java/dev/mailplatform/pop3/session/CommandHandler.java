package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.protocol.Command;

/**
 * One POP3 command. It must end by calling {@link Pop3Session#reply} (or {@link Pop3Session#finish} after writing
 * a streamed response) exactly once, now or later on the event loop; the next pipelined command waits until then.
 */
@FunctionalInterface
public interface CommandHandler {
    void handle(Pop3Session session, Command command);
}
