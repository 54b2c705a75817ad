package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

/** Only marks the message: the store deletes it at QUIT, with every other mark, or not at all. */
public final class DeleHandler implements CommandHandler {
    @Override
    public void handle(Pop3Session s, Command c) {
        if (c.arity() != 1) {
            s.reply(Reply.err("DELE needs one message number"));
            return;
        }
        int n = s.messageNumber(c.argument(0));
        if (n > 0) {
            s.maildrop().delete(n);
            s.reply(Reply.ok("message " + n + " deleted"));
        }
    }
}
