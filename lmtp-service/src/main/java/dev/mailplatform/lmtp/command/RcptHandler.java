package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.MailPath;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;
import dev.mailplatform.lmtp.session.Transaction;

/**
 * RCPT TO:&lt;address&gt;: the store resolves the address (case, +detail, aliases) and says whether it can take mail
 * now; only accepted recipients get a reply after the data.
 */
public final class RcptHandler implements CommandHandler {

    @Override
    public void handle(LmtpSession s, Command c) {
        Transaction t = s.transaction();
        MailPath path;
        try {
            path = MailPath.parse(c.args(), "TO", false);
        } catch (MailPath.Malformed e) {
            s.reply(Reply.BAD_ADDRESS);
            return;
        }
        if (!path.params().isEmpty()) {
            s.reply(Reply.BAD_PARAMETER);
            return;
        }
        if (t.recipientCommands >= s.services().config().maxRecipients()) {
            s.reply(Reply.TOO_MANY_RECIPIENTS);
            return;
        }
        t.recipientCommands++;
        String address = path.address();
        s.suspend();
        s.services().store().checkRecipient(address, s.services().rules(), t.declaredSize,
                s.connection().eventLoop(), (r, failure) -> {
                    if (s.closed()) {
                        return;
                    }
                    if (failure != null) {
                        s.metrics("tempfail");
                        s.reply(Reply.STORE_DOWN);
                    } else {
                        switch (r.getStatus()) {
                            case RECIPIENT_DELIVERABLE -> {
                                t.recipients.add(address);
                                s.reply(Reply.RECIPIENT_OK);
                            }
                            case RECIPIENT_DISABLED -> {
                                s.metrics("disabled");
                                s.reply(Reply.DISABLED);
                            }
                            case RECIPIENT_OVER_QUOTA -> {
                                s.metrics("over_quota");
                                s.reply(s.services().config().quotaFullTempfail() ? Reply.OVER_QUOTA_TEMP
                                        : Reply.OVER_QUOTA);
                            }
                            default -> {
                                s.metrics("unknown");
                                s.reply(Reply.UNKNOWN_USER);
                            }
                        }
                    }
                    s.resume();
                });
    }
}
