package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;
import dev.mailplatform.lmtp.session.Transaction;

/** DATA: needs an accepted recipient; the message then streams to the store until the lone dot. */
public final class DataHandler implements CommandHandler {

    @Override
    public void handle(LmtpSession s, Command c) {
        Transaction t = s.transaction();
        if (!c.args().isEmpty()) {
            s.reply(Reply.SYNTAX);
            return;
        }
        if (t.chunking) {
            s.reply(Reply.BAD_SEQUENCE); // RFC 3030 §2: no DATA after BDAT in one transaction
            return;
        }
        if (t.recipients.isEmpty()) {
            s.reply(Reply.NO_RECIPIENTS);
            return;
        }
        s.openUpload();
        s.reply(Reply.START_DATA);
        s.startData();
    }
}
