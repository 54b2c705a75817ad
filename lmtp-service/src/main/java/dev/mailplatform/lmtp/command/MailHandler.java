package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.MailPath;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;
import dev.mailplatform.lmtp.session.Transaction;
import java.util.Map;

/** MAIL FROM:&lt;path&gt; [SIZE=n] [BODY=7BIT|8BITMIME]: starts a transaction; an announced size over the limit is refused. */
public final class MailHandler implements CommandHandler {

    @Override
    public void handle(LmtpSession s, Command c) {
        MailPath path;
        try {
            path = MailPath.parse(c.args(), "FROM", true);
        } catch (MailPath.Malformed e) {
            s.reply(Reply.BAD_SENDER);
            return;
        }
        long size = 0;
        for (Map.Entry<String, String> p : path.params().entrySet()) {
            switch (p.getKey()) {
                case "SIZE" -> {
                    try {
                        size = Long.parseLong(p.getValue());
                    } catch (NumberFormatException e) {
                        s.reply(Reply.SYNTAX);
                        return;
                    }
                    if (size < 0) {
                        s.reply(Reply.SYNTAX);
                        return;
                    }
                }
                case "BODY" -> {
                    if (!p.getValue().equalsIgnoreCase("7BIT") && !p.getValue().equalsIgnoreCase("8BITMIME")) {
                        s.reply(Reply.BAD_PARAMETER);
                        return;
                    }
                }
                default -> {
                    s.reply(Reply.BAD_PARAMETER);
                    return;
                }
            }
        }
        if (size > s.services().config().maxMessageSize()) {
            s.reply(Reply.TOO_BIG);
            return;
        }
        s.begin(new Transaction(path.address(), size));
        s.reply(Reply.SENDER_OK);
    }
}
