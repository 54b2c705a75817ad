package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code STATUS mailbox (items)}; items upper-cased, in the client's order. */
public record StatusCommand(String tag, String mailbox, List<String> items) implements Command {

    /** RFC 3501 items, RFC 8438 SIZE and RFC 7162 HIGHESTMODSEQ. */
    public static final Set<String> ITEMS =
            Set.of("MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "SIZE", "HIGHESTMODSEQ");

    public StatusCommand {
        items = List.copyOf(items);
    }

    public static StatusCommand parse(String tag, ArgumentReader r) {
        r.sp();
        String mailbox = r.mailbox();
        r.sp();
        r.open();
        List<String> items = new ArrayList<>();
        do {
            String item = r.keyword();
            if (!ITEMS.contains(item)) {
                throw new BadSyntaxException("unknown STATUS item " + item);
            }
            items.add(item);
        } while (r.skip(' '));
        r.close();
        return new StatusCommand(tag, mailbox, items);
    }

    @Override
    public String name() {
        return "STATUS";
    }
}
