package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

/** RFC 2449 §5: only what works on this connection in this state. */
public final class CapaHandler implements CommandHandler {
    @Override
    public void handle(Pop3Session s, Command c) {
        s.reply(Reply.multiLine("capability list follows", s.capabilities()));
    }
}
