package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

/** RFC 1939 USER; refused where a password would travel in the clear. */
public final class UserHandler implements CommandHandler {
    @Override
    public void handle(Pop3Session s, Command c) {
        if (!s.plaintextAllowed()) {
            s.reply(Reply.err(Reply.Code.AUTH, "plaintext authentication needs TLS here, use STLS first"));
            return;
        }
        String user = c.rawArguments().strip();
        if (user.isEmpty() || user.indexOf(' ') >= 0) {
            s.reply(Reply.err("USER needs exactly one user name"));
            return;
        }
        s.pendingUser(user);
        s.reply(Reply.ok("send PASS"));
    }
}
