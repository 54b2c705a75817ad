package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.SequenceSet;

/** {@code [UID] COPY set mailbox}. */
public record CopyCommand(String tag, boolean uid, SequenceSet set, String mailbox) implements Command {

    public static CopyCommand parse(String tag, boolean uid, ArgumentReader r) {
        r.sp();
        SequenceSet set = r.sequenceSet();
        r.sp();
        return new CopyCommand(tag, uid, set, r.mailbox());
    }

    @Override
    public String name() {
        return uid ? "UID COPY" : "COPY";
    }
}
