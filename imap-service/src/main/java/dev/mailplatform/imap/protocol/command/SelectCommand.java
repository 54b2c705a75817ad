package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;

/**
 * {@code SELECT mailbox} or, with {@code readOnly}, {@code EXAMINE mailbox}, with RFC 4466 select parameters: only
 * RFC 7162's {@code CONDSTORE}. {@code QRESYNC} is refused like any unknown parameter, as RFC 7162 §3.2.5 requires
 * while QRESYNC is not enabled (and this server does not offer it).
 */
public record SelectCommand(String tag, String mailbox, boolean readOnly, boolean condstore) implements Command {

    public SelectCommand(String tag, String mailbox, boolean readOnly) {
        this(tag, mailbox, readOnly, false);
    }

    public static SelectCommand parseSelect(String tag, ArgumentReader r) {
        return parse(tag, r, false);
    }

    public static SelectCommand parseExamine(String tag, ArgumentReader r) {
        return parse(tag, r, true);
    }

    private static SelectCommand parse(String tag, ArgumentReader r, boolean readOnly) {
        r.sp();
        String mailbox = r.mailbox();
        boolean condstore = false;
        if (r.skip(' ')) {
            r.open();
            do {
                String param = r.keyword();
                if (!param.equals("CONDSTORE")) {
                    throw new BadSyntaxException("unsupported SELECT parameter " + param);
                }
                condstore = true;
            } while (r.skip(' '));
            r.close();
        }
        return new SelectCommand(tag, mailbox, readOnly, condstore);
    }

    @Override
    public String name() {
        return readOnly ? "EXAMINE" : "SELECT";
    }
}
