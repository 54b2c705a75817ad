package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code LOGOUT}: no arguments. */
public record LogoutCommand(String tag) implements Command {

    public static LogoutCommand parse(String tag, ArgumentReader r) {
        return new LogoutCommand(tag);
    }

    @Override
    public String name() {
        return "LOGOUT";
    }
}
