package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code CREATE mailbox}; the name is decoded from modified UTF-7. */
public record CreateCommand(String tag, String mailbox) implements Command {

    public static CreateCommand parse(String tag, ArgumentReader r) {
        r.sp();
        return new CreateCommand(tag, r.mailbox());
    }

    @Override
    public String name() {
        return "CREATE";
    }
}
