package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;

/** RFC 9208 {@code GETQUOTA root}; a quota root is not a mailbox name, so it is not UTF-7 decoded. */
public record GetQuotaCommand(String tag, String root) implements Command {

    public static GetQuotaCommand parse(String tag, ArgumentReader r) {
        r.sp();
        return new GetQuotaCommand(tag, r.astring());
    }

    @Override
    public String name() {
        return "GETQUOTA";
    }
}
