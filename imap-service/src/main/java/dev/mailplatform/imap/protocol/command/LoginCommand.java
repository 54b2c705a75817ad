package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code LOGIN user password}. */
public record LoginCommand(String tag, String user, String password) implements Command {

    public static LoginCommand parse(String tag, ArgumentReader r) {
        r.sp();
        String user = r.astring();
        r.sp();
        return new LoginCommand(tag, user, r.astring());
    }

    @Override
    public String name() {
        return "LOGIN";
    }

    @Override
    public String toString() {
        return "LoginCommand[tag=" + tag + ", user=" + user + ", password=***]";
    }
}
