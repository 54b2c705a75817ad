package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

/** RFC 2595 §4. */
public final class StlsHandler implements CommandHandler {
    @Override
    public void handle(Pop3Session s, Command c) {
        if (s.connection().tlsActive()) {
            s.reply(Reply.err("TLS is already active"));
        } else if (!s.connection().tlsAvailable()) {
            s.reply(Reply.err("STLS is not available: no certificate configured"));
        } else if (s.pendingUser() != null) {
            s.reply(Reply.err("STLS is not allowed after USER"));
        } else {
            s.startTls(Reply.ok("begin TLS negotiation"));
        }
    }
}
