package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.StatusCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MailboxStatus;
import io.smallrye.mutiny.Uni;

/** STATUS: the store keeps every counter current, so this never scans a mailbox. */
public final class StatusHandler implements CommandHandler<StatusCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, StatusCommand command) {
        String name = MailboxNames.normalize(command.mailbox());
        if (command.items().contains("HIGHESTMODSEQ")) {
            session.mailbox().enableCondstore(); // a CONDSTORE enabling command (RFC 7162 §3.1)
        }
        return session.services().store().mailboxes().getStatus(GetStatusRequest.newBuilder()
                .setMailbox(MailboxRef.newBuilder().setAccountId(session.accountId()).setMailbox(name)).build())
                .emitOn(session.executor())
                .map(s -> {
                    ResponseWriter w = new ResponseWriter().untagged().atom("STATUS").sp().mailbox(name).sp().open();
                    boolean first = true;
                    for (String item : command.items()) {
                        if (!first) {
                            w.sp();
                        }
                        first = false;
                        w.atom(item).sp().number(value(item, s));
                    }
                    session.send(w.close().crlf());
                    return Reply.ok("STATUS completed");
                });
    }

    private static long value(String item, MailboxStatus s) {
        return switch (item) {
            case "MESSAGES" -> s.getMessages();
            case "RECENT" -> s.getRecent(); // not yet claimed by any session's SELECT
            case "UIDNEXT" -> Integer.toUnsignedLong(s.getUidnext());
            case "UIDVALIDITY" -> Integer.toUnsignedLong(s.getUidvalidity());
            case "UNSEEN" -> s.getUnseen();
            case "SIZE" -> s.getSize();
            case "HIGHESTMODSEQ" -> s.getHighestModseq();
            default -> throw dev.mailplatform.imap.session.ImapException.bad("Unknown STATUS item " + item);
        };
    }
}
