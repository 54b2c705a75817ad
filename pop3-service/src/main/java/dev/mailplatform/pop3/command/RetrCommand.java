package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.DotStuffingEncoder;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Pop3Session;

/**
 * RFC 1939 RETR: streams the message from the store, sets \Seen in the same call when configured, and records the
 * retrieval (which starts the retention clock) alongside, so the two round trips overlap.
 */
public final class RetrCommand implements CommandHandler {

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
        int uid = s.maildrop().uid(n);
        boolean[] recorded = {false};
        Throwable[] recordFailure = {null};
        Runnable[] whenRecorded = {null};
        s.services().store().recordRetrieval(s.accountId(), s.maildrop().snapshot().leaseId(), uid)
                .emitOn(s.connection().eventLoop())
                .subscribe().with(ok -> {
                    recorded[0] = true;
                    if (whenRecorded[0] != null) {
                        whenRecorded[0].run();
                    }
                }, t -> {
                    recorded[0] = true;
                    recordFailure[0] = t;
                    if (whenRecorded[0] != null) {
                        whenRecorded[0].run();
                    }
                });
        ContentWriter.stream(s, uid, s.maildrop().size(n), DotStuffingEncoder.whole(),
                s.services().config().retrSetsSeen(), ok -> {
                    Runnable done = () -> {
                        if (ok && recordFailure[0] != null) {
                            // The client has the message; only the retention clock did not start. Log, not fail.
                            org.jboss.logging.Logger.getLogger(RetrCommand.class).warnf(
                                    "RecordRetrieval failed for account %d uid %d: %s", s.accountId(), uid,
                                    recordFailure[0].getMessage());
                        }
                        if (ok) {
                            s.services().metrics().retrieved();
                        }
                        s.finish(ok);
                    };
                    if (recorded[0]) {
                        done.run();
                    } else {
                        whenRecorded[0] = done;
                    }
                });
    }
}
