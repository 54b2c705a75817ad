package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;

/** RSET: ends the transaction; nothing of it is stored. */
public final class RsetHandler implements CommandHandler {

    @Override
    public void handle(LmtpSession s, Command c) {
        s.reset();
        s.reply(Reply.OK);
    }
}
