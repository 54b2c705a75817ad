package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.SequenceSet;

/** {@code [UID] MOVE set mailbox} (RFC 6851). */
public record MoveCommand(String tag, boolean uid, SequenceSet set, String mailbox) implements Command {

    public static MoveCommand parse(String tag, boolean uid, ArgumentReader r) {
        r.sp();
        SequenceSet set = r.sequenceSet();
        r.sp();
        return new MoveCommand(tag, uid, set, r.mailbox());
    }

    @Override
    public String name() {
        return uid ? "UID MOVE" : "MOVE";
    }
}
