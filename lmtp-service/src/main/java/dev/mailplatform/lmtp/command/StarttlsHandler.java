package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;

/** STARTTLS (RFC 3207): with the front ends' server certificate; afterwards the session starts over at LHLO. */
public final class StarttlsHandler implements CommandHandler {

    @Override
    public void handle(LmtpSession s, Command c) {
        if (!c.args().isEmpty()) {
            s.reply(Reply.SYNTAX);
            return;
        }
        if (s.connection().tlsActive()) {
            s.reply(Reply.BAD_SEQUENCE);
            return;
        }
        if (!s.connection().tlsAvailable()) {
            s.reply(Reply.TLS_UNAVAILABLE);
            return;
        }
        s.tlsStarting();
        s.suspend();
        s.connection().startTls(Reply.READY_TLS.bytes(), s::resume);
    }
}
