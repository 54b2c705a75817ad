package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

public final class NoopHandler implements CommandHandler {
    @Override
    public void handle(Pop3Session s, Command c) {
        s.reply(Reply.ok(""));
    }
}
