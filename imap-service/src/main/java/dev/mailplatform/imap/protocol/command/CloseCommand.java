package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code CLOSE}: no arguments. */
public record CloseCommand(String tag) implements Command {

    public static CloseCommand parse(String tag, ArgumentReader r) {
        return new CloseCommand(tag);
    }

    @Override
    public String name() {
        return "CLOSE";
    }
}
