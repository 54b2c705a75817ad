package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code NOOP}: no arguments. */
public record NoopCommand(String tag) implements Command {

    public static NoopCommand parse(String tag, ArgumentReader r) {
        return new NoopCommand(tag);
    }

    @Override
    public String name() {
        return "NOOP";
    }
}
