package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code DELETE mailbox}; the name is decoded from modified UTF-7. */
public record DeleteCommand(String tag, String mailbox) implements Command {

    public static DeleteCommand parse(String tag, ArgumentReader r) {
        r.sp();
        return new DeleteCommand(tag, r.mailbox());
    }

    @Override
    public String name() {
        return "DELETE";
    }
}
