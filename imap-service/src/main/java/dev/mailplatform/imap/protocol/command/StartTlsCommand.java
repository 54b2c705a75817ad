package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code STARTTLS}: no arguments. */
public record StartTlsCommand(String tag) implements Command {

    public static StartTlsCommand parse(String tag, ArgumentReader r) {
        return new StartTlsCommand(tag);
    }

    @Override
    public String name() {
        return "STARTTLS";
    }
}
