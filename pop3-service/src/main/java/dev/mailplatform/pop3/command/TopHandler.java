package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.DotStuffingEncoder;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

/** RFC 1939 TOP: header, blank line, n body lines; the store stream is cancelled once they are out. No \Seen. */
public final class TopHandler implements CommandHandler {

    @Override
    public void handle(Pop3Session s, Command c) {
        if (c.arity() != 2) {
            s.reply(Reply.err("TOP needs a message number and a line count"));
            return;
        }
        int lines;
        try {
            lines = Integer.parseInt(c.argument(1));
        } catch (NumberFormatException e) {
            lines = -1;
        }
        if (lines < 0) {
            s.reply(Reply.err("invalid line count: " + Pop3Session.truncate(c.argument(1))));
            return;
        }
        int n = s.messageNumber(c.argument(0));
        if (n < 0) {
            return;
        }
        int uid = s.maildrop().uid(n);
        ContentWriter.stream(s, r -> s.services().store().fetchContent(s.accountId(), uid, s.connection().eventLoop(), r), -1, DotStuffingEncoder.top(lines), s::finish);
    }
}
