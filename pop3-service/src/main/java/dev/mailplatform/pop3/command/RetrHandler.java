package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.DotStuffingEncoder;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

/**
 * RFC 1939 RETR: streams the message from the store and nothing else. Its retrieval (the retention clock, and \Seen
 * when {@code mail.pop3.retr-sets-seen}) is only noted in the session; the store records all of a session's
 * retrievals in one transaction at QUIT (with the deletions) or when the connection ends without QUIT. A write per
 * RETR cost a durable commit (an fsync) on the path of every message. The bytes come through the session's
 * {@link dev.mailplatform.pop3.session.MaildropReader}, which reads ahead when RETRs come in order.
 */
public final class RetrHandler implements CommandHandler {

    @Override
    public void handle(Pop3Session s, Command c) {
        if (c.arity() != 1) {
            s.reply(Reply.err("RETR needs one message number"));
            return;
        }
        int n = s.messageNumber(c.argument(0));
        if (n < 0) {
            return;
        }
        ContentWriter.stream(s, r -> s.reader().open(n, r), s.maildrop().size(n), DotStuffingEncoder.whole(), ok -> {
            if (ok) {
                s.maildrop().retrieved(n);
                s.services().metrics().retrieved();
            }
            s.finish(ok);
        });
    }
}
