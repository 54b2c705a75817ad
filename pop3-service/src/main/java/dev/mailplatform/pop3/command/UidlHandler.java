package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Maildrop;
import dev.mailplatform.pop3.session.Pop3Session;
import java.util.ArrayList;
import java.util.List;

/** RFC 1939 UIDL: the store's unique id, the same in every session, on every replica, after restarts. */
public final class UidlHandler implements CommandHandler {
    @Override
    public void handle(Pop3Session s, Command c) {
        Maildrop drop = s.maildrop();
        if (c.arity() > 1) {
            s.reply(Reply.err("UIDL takes at most one message number"));
        } else if (c.arity() == 1) {
            int n = s.messageNumber(c.argument(0));
            if (n > 0) {
                s.reply(Reply.ok(n + " " + drop.uniqueId(n)));
            }
        } else {
            List<String> lines = new ArrayList<>(drop.visibleCount());
            for (int n = 1; n <= drop.total(); n++) {
                if (!drop.deleted(n)) {
                    lines.add(n + " " + drop.uniqueId(n));
                }
            }
            s.reply(Reply.multiLine("unique-id listing follows", lines));
        }
    }
}
