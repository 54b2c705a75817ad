package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code SELECT mailbox} or, with {@code readOnly}, {@code EXAMINE mailbox}. */
public record SelectCommand(String tag, String mailbox, boolean readOnly) implements Command {

    public static SelectCommand parseSelect(String tag, ArgumentReader r) {
        r.sp();
        return new SelectCommand(tag, r.mailbox(), false);
    }

    public static SelectCommand parseExamine(String tag, ArgumentReader r) {
        r.sp();
        return new SelectCommand(tag, r.mailbox(), true);
    }

    @Override
    public String name() {
        return readOnly ? "EXAMINE" : "SELECT";
    }
}
