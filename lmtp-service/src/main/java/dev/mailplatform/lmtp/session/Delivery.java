package dev.mailplatform.lmtp.session;

import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.protocol.StoreFailure;
import dev.mailplatform.store.v1.DeliverResponse;
import dev.mailplatform.store.v1.RecipientResult;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The end of the data (DATA's dot, BDAT LAST): the store's per-recipient results become one reply per accepted
 * recipient, in RCPT order (RFC 2033 §4.2), and the transaction ends.
 */
final class Delivery {

    private static final Logger LOG = Logger.getLogger(Delivery.class);

    private Delivery() {
    }

    static void finish(LmtpSession s, Transaction t) {
        if (t == null || t.upload == null) {
            // Cannot happen: DATA and BDAT open the upload before any byte is read.
            s.reply(Reply.BAD_SEQUENCE);
            return;
        }
        if (t.tooBig) {
            t.recipients.forEach(r -> {
                s.metrics("too_big");
                s.reply(Reply.TOO_BIG);
            });
            s.reset();
            return;
        }
        long ended = System.nanoTime();
        s.suspend();
        t.upload.finish((response, failure) -> {
            if (s.closed()) {
                return;
            }
            if (failure != null) {
                StoreFailure f = StoreFailure.of(failure);
                Reply r = f == StoreFailure.TOO_BIG ? Reply.TOO_BIG : Reply.STORE_DOWN;
                if (f != StoreFailure.UNAVAILABLE && f != StoreFailure.TOO_BIG) {
                    LOG.warnf("delivery from <%s> failed in the store: %s %s", t.mailFrom, f,
                            StoreFailure.message(failure));
                }
                t.recipients.forEach(x -> {
                    s.metrics(f == StoreFailure.TOO_BIG ? "too_big" : "tempfail");
                    s.reply(r);
                });
            } else {
                replies(s, t, response, ended);
            }
            t.upload = null;
            s.reset();
            s.resume();
        });
    }

    private static void replies(LmtpSession s, Transaction t, DeliverResponse response, long ended) {
        List<RecipientResult> results = response.getResultsList();
        boolean stored = false;
        for (int i = 0; i < t.recipients.size(); i++) {
            String rcpt = t.recipients.get(i);
            RecipientResult r = i < results.size() ? results.get(i) : null;
            if (r == null) {
                s.metrics("tempfail");
                s.reply(Reply.STORE_DOWN);
                continue;
            }
            switch (r.getStatus()) {
                case DELIVERY_DELIVERED -> {
                    stored = true;
                    s.metrics("delivered");
                    s.reply(new Reply(250, "2.0.0", "<" + rcpt + "> Saved in " + r.getMailbox() + " as UID "
                            + Integer.toUnsignedLong(r.getUid())));
                }
                case DELIVERY_DUPLICATE -> {
                    s.metrics("duplicate");
                    s.reply(new Reply(250, "2.0.0", "<" + rcpt + "> Already delivered (duplicate Message-ID)"));
                }
                case DELIVERY_UNKNOWN -> {
                    s.metrics("unknown");
                    s.reply(Reply.UNKNOWN_USER);
                }
                case DELIVERY_DISABLED -> {
                    s.metrics("disabled");
                    s.reply(Reply.DISABLED);
                }
                case DELIVERY_OVER_QUOTA -> {
                    s.metrics("over_quota");
                    s.reply(s.services().config().quotaFullTempfail() ? Reply.OVER_QUOTA_TEMP : Reply.OVER_QUOTA);
                }
                default -> {
                    s.metrics("tempfail");
                    s.reply(Reply.STORE_DOWN);
                }
            }
        }
        if (stored) {
            s.services().metrics().delivered(Duration.ofNanos(System.nanoTime() - ended));
        }
    }
}
