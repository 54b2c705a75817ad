package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Maildrop;
import dev.mailplatform.pop3.session.Pop3Session;
import dev.mailplatform.pop3.session.SessionState;
import org.jboss.logging.Logger;

/**
 * In TRANSACTION, QUIT is the UPDATE state: the DELE marks and the session's retrievals (retention clock, \Seen) go
 * to the store in one atomic commit.
 */
public final class QuitHandler implements CommandHandler {

    private static final Logger LOG = Logger.getLogger(QuitHandler.class);

    @Override
    public void handle(Pop3Session s, Command c) {
        if (s.state() == SessionState.AUTHORIZATION) {
            s.reply(Reply.ok("bye"));
            s.close();
            return;
        }
        Maildrop drop = s.maildrop();
        s.enterUpdate();
        s.services().store().commit(s.accountId(), drop.snapshot().leaseId(), drop.deletedUids(),
                drop.retrievedUids(), s.services().config().retrSetsSeen())
                .emitOn(s.connection().eventLoop())
                .subscribe().with(deleted -> {
                    s.reply(Reply.ok("bye, " + deleted + " messages deleted"));
                    s.close();
                }, t -> {
                    // Nothing was deleted (the commit is atomic); the lease is released or expires.
                    LOG.warnf("UPDATE failed for account %d: %s", s.accountId(), t.getMessage());
                    byte[] err = s.errorReply(t);
                    String text = new String(err, java.nio.charset.StandardCharsets.UTF_8).strip();
                    s.reply(Reply.line(text + "; no messages deleted"));
                    // The retrievals were part of the failed commit: record them on their own, then release.
                    s.recordRetrievalsAndRelease(() -> { });
                    s.close();
                });
    }
}
