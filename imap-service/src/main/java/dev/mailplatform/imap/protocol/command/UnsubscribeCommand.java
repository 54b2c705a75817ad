package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code UNSUBSCRIBE mailbox}; the name is decoded from modified UTF-7. */
public record UnsubscribeCommand(String tag, String mailbox) implements Command {

    public static UnsubscribeCommand parse(String tag, ArgumentReader r) {
        r.sp();
        return new UnsubscribeCommand(tag, r.mailbox());
    }

    @Override
    public String name() {
        return "UNSUBSCRIBE";
    }
}
