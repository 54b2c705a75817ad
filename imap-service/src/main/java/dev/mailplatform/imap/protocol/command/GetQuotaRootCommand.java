package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** {@code GETQUOTAROOT mailbox}; the name is decoded from modified UTF-7. */
public record GetQuotaRootCommand(String tag, String mailbox) implements Command {

    public static GetQuotaRootCommand parse(String tag, ArgumentReader r) {
        r.sp();
        return new GetQuotaRootCommand(tag, r.mailbox());
    }

    @Override
    public String name() {
        return "GETQUOTAROOT";
    }
}
