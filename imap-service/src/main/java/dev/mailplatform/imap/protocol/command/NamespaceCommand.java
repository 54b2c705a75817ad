package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code NAMESPACE}: no arguments. */
public record NamespaceCommand(String tag) implements Command {

    public static NamespaceCommand parse(String tag, ArgumentReader r) {
        return new NamespaceCommand(tag);
    }

    @Override
    public String name() {
        return "NAMESPACE";
    }
}
