package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code RENAME from to}; both decoded from modified UTF-7. */
public record RenameCommand(String tag, String from, String to) implements Command {

    public static RenameCommand parse(String tag, ArgumentReader r) {
        r.sp();
        String from = r.mailbox();
        r.sp();
        return new RenameCommand(tag, from, r.mailbox());
    }

    @Override
    public String name() {
        return "RENAME";
    }
}
