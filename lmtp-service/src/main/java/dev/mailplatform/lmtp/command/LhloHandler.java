package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;
import dev.mailplatform.lmtp.session.SessionState;
import java.util.ArrayList;
import java.util.List;

/** LHLO (RFC 2033 §4.1): ends any transaction and lists the extensions; advertised means implemented. */
public final class LhloHandler implements CommandHandler {

    @Override
    public void handle(LmtpSession s, Command c) {
        if (c.args().isEmpty() || c.args().indexOf(' ') >= 0) {
            s.reply(new Reply(501, "5.5.4", "LHLO needs the client's host name"));
            return;
        }
        s.reset();
        s.state(SessionState.READY);
        List<String> lines = new ArrayList<>();
        lines.add(s.services().config().serverName());
        lines.add("PIPELINING");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("8BITMIME");
        lines.add("SIZE " + s.services().config().maxMessageSize());
        lines.add("CHUNKING");
        if (s.connection().tlsAvailable()) {
            lines.add("STARTTLS");
        }
        s.write(Reply.multiline(250, lines));
    }
}
