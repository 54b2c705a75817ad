package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;

/** QUIT: 221, then the connection closes. */
public final class QuitHandler implements CommandHandler {

    @Override
    public void handle(LmtpSession s, Command c) {
        s.reply(Reply.BYE);
        s.close();
    }
}
