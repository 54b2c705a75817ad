package dev.mailplatform.imap.session;

import dev.mailplatform.protocol.StoreFailure;
import java.util.UUID;
import org.jboss.logging.Logger;

/** The one place where a failed store call becomes an IMAP reply (ARCHITECTURE.md, "Errors are typed"). */
public final class StoreReplies {

    private static final Logger LOG = Logger.getLogger(StoreReplies.class);

    private StoreReplies() {
    }

    public static Reply of(Throwable t, String command) {
        if (t instanceof ImapException e) {
            return e.reply();
        }
        StoreFailure failure = StoreFailure.of(t);
        String message = StoreFailure.message(t);
        return switch (failure) {
            case NONEXISTENT -> Reply.no("NONEXISTENT", orDefault(message, "No such mailbox or message"));
            case ALREADY_EXISTS -> Reply.no("ALREADYEXISTS", orDefault(message, "Mailbox already exists"));
            case INVALID -> Reply.no("CANNOT", orDefault(message, "Invalid request"));
            case CANNOT -> Reply.no("CANNOT", orDefault(message, "Operation not possible"));
            case OVER_QUOTA -> Reply.no("OVERQUOTA", orDefault(message, "Quota exceeded"));
            case TOO_BIG -> Reply.no("TOOBIG", orDefault(message, "Message too large"));
            case IN_USE -> Reply.no("INUSE", orDefault(message, "Mailbox in use"));
            case LIMIT -> Reply.no("LIMIT", orDefault(message, "The operation exceeds this server's limits"));
            case UNAVAILABLE -> Reply.no("UNAVAILABLE", "The mail store is unavailable; try again later");
            case SERVER_BUG -> {
                String id = UUID.randomUUID().toString().substring(0, 8);
                LOG.errorf(t, "%s failed unexpectedly (id %s)", command, id);
                yield Reply.no("SERVERBUG", "Internal error (id " + id + ")");
            }
        };
    }

    private static String orDefault(String message, String fallback) {
        return message == null || message.isBlank() ? fallback : message.replaceAll("[\\r\\n]+", " ");
    }
}
