package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Login;
import dev.mailplatform.pop3.session.Pop3Session;

/** RFC 1939 PASS: the rest of the line is the password, spaces included. */
public final class PassHandler implements CommandHandler {
    @Override
    public void handle(Pop3Session s, Command c) {
        String user = s.pendingUser();
        if (user == null) {
            s.reply(Reply.err("PASS must follow USER"));
            return;
        }
        s.pendingUser(null);
        if (c.rawArguments().isEmpty()) {
            s.reply(Reply.err("PASS needs a password"));
            return;
        }
        Login.attempt(s, user, c.rawArguments());
    }
}
