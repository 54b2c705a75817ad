package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code IDLE}: no arguments. */
public record IdleCommand(String tag) implements Command {

    public static IdleCommand parse(String tag, ArgumentReader r) {
        return new IdleCommand(tag);
    }

    @Override
    public String name() {
        return "IDLE";
    }
}
