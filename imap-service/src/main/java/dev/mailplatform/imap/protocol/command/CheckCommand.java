package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code CHECK}: no arguments. */
public record CheckCommand(String tag) implements Command {

    public static CheckCommand parse(String tag, ArgumentReader r) {
        return new CheckCommand(tag);
    }

    @Override
    public String name() {
        return "CHECK";
    }
}
