package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;

/** NOOP. */
public final class NoopHandler implements CommandHandler {

    @Override
    public void handle(LmtpSession s, Command c) {
        s.reply(Reply.OK);
    }
}
