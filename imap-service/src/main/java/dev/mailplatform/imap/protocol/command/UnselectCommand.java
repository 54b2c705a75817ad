package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code UNSELECT}: no arguments. */
public record UnselectCommand(String tag) implements Command {

    public static UnselectCommand parse(String tag, ArgumentReader r) {
        return new UnselectCommand(tag);
    }

    @Override
    public String name() {
        return "UNSELECT";
    }
}
