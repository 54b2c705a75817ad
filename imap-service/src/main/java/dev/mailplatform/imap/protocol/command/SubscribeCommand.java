package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code SUBSCRIBE mailbox}; the name is decoded from modified UTF-7. */
public record SubscribeCommand(String tag, String mailbox) implements Command {

    public static SubscribeCommand parse(String tag, ArgumentReader r) {
        r.sp();
        return new SubscribeCommand(tag, r.mailbox());
    }

    @Override
    public String name() {
        return "SUBSCRIBE";
    }
}
