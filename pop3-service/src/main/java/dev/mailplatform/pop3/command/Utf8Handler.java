package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

/**
 * RFC 6856 §2. The store keeps messages as received and lines are read as UTF-8 anyway, so switching on changes
 * nothing on the wire; it is accepted once, before login.
 */
public final class Utf8Handler implements CommandHandler {
    @Override
    public void handle(Pop3Session s, Command c) {
        if (s.utf8()) {
            s.reply(Reply.err("UTF8 is already enabled"));
            return;
        }
        s.enableUtf8();
        s.reply(Reply.ok("UTF8 enabled"));
    }
}
