package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code CAPABILITY}: no arguments. */
public record CapabilityCommand(String tag) implements Command {

    public static CapabilityCommand parse(String tag, ArgumentReader r) {
        return new CapabilityCommand(tag);
    }

    @Override
    public String name() {
        return "CAPABILITY";
    }
}
